#include "kernel_runner.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <deque>

#include "../kernel/core/boot.h"
#include "../kernel/core/scheduler.h"
#include "../kernel/hal/interrupts.h"

namespace hosted {
namespace {

struct Job {
    const std::function<void()>* body;
    bool spawned = false;
    bool done = false;
};

pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t jobs_changed = PTHREAD_COND_INITIALIZER;
std::deque<Job*> jobs;
bool kernel_ready = false;

// Host locks are taken with kernel interrupts off, so no kernel code on this CPU can
// preempt us while we hold one.
Job* take_job() {
    hal::InterruptGuard interrupts;
    pthread_mutex_lock(&jobs_lock);
    Job* job = nullptr;
    if (!jobs.empty()) {
        job = jobs.front();
        jobs.pop_front();
    }
    pthread_mutex_unlock(&jobs_lock);
    return job;
}

void finish_job(Job* job) {
    hal::InterruptGuard interrupts;
    pthread_mutex_lock(&jobs_lock);
    job->done = true;
    pthread_cond_broadcast(&jobs_changed);
    pthread_mutex_unlock(&jobs_lock);
}

// The kernel's first thread runs this instead of the demo and the monitor.
void job_runner() {
    {
        hal::InterruptGuard interrupts;
        pthread_mutex_lock(&jobs_lock);
        kernel_ready = true;
        pthread_cond_broadcast(&jobs_changed);
        pthread_mutex_unlock(&jobs_lock);
    }
    for (;;) {
        if (Job* job = take_job()) {
            auto body = kernel::spawn_thread([](void* argument) { (*static_cast<Job*>(argument)->body)(); }, job,
                                             {.name = "host-job", .pinned_cpu = 0});
            if (!body.is_error()) body.value()->join();
            job->spawned = !body.is_error();
            finish_job(job);
        } else {
            kernel::sleep_ns(50'000);
        }
    }
}

}  // namespace

void start_kernel_runner(const MachineConfig& config) {
    kernel::set_boot_hook(job_runner);
    if (!start_machine(config)) {
        std::fprintf(stderr, "kernel runner: the machine did not start\n");
        _exit(1);
    }
    pthread_mutex_lock(&jobs_lock);
    while (!kernel_ready) pthread_cond_wait(&jobs_changed, &jobs_lock);
    pthread_mutex_unlock(&jobs_lock);
}

bool run_in_kernel(const std::function<void()>& body) {
    Job job {&body};
    pthread_mutex_lock(&jobs_lock);
    jobs.push_back(&job);
    while (!job.done) {
        timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 50'000'000;
        if (deadline.tv_nsec >= 1'000'000'000) deadline.tv_sec++, deadline.tv_nsec -= 1'000'000'000;
        pthread_cond_timedwait(&jobs_changed, &jobs_lock, &deadline);
        int status = 0;
        if (!job.done && poweroff_requested(&status)) {
            std::fprintf(stderr, "kernel powered off while running a job (status %d)\n", status);
            std::fflush(nullptr);
            _exit(status);
        }
    }
    pthread_mutex_unlock(&jobs_lock);
    return job.spawned;
}

int stop_kernel_runner() {
    request_poweroff(0);
    return wait_for_poweroff();
}

}  // namespace hosted
