#include "kernel_fixture.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <deque>

#include "hosted/machine.h"
#include "kernel/core/boot.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/interrupts.h"

namespace newt_test {
namespace {

constexpr unsigned machine_cpus = 2;
const char* machine_command_line = "loglevel=4";  // constant-initialized: set before any static constructor runs

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
            // The body calls host code (GoogleTest, malloc) with interrupts enabled, so it
            // may be preempted inside it. Pinned to one CPU it always resumes on the same
            // host thread, whose thread-local state (malloc's caches, errno) it was using.
            auto body = kernel::spawn_thread(
                [](void* argument) { (*static_cast<Job*>(argument)->body)(); }, job,
                {.name = "test-body", .pinned_cpu = 0});
            if (!body.is_error()) body.value()->join();
            job->spawned = !body.is_error();
            finish_job(job);
        } else {
            kernel::sleep_ns(100'000);
        }
    }
}

class KernelEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        kernel::set_boot_hook(job_runner);
        hosted::MachineConfig config;
        config.cpus = machine_cpus;
        config.memory_bytes = 128u << 20;
        config.command_line = machine_command_line;
        config.console_input = false;
        config.handle_termination_signals = false;
        hosted::start_machine(config);
        pthread_mutex_lock(&jobs_lock);
        while (!kernel_ready) pthread_cond_wait(&jobs_changed, &jobs_lock);
        pthread_mutex_unlock(&jobs_lock);
    }

    void TearDown() override {
        hosted::request_poweroff(0);
        EXPECT_EQ(hosted::wait_for_poweroff(), 0);
    }
};

[[maybe_unused]] auto* const environment = ::testing::AddGlobalTestEnvironment(new KernelEnvironment);

}  // namespace

void run_in_kernel(const std::function<void()>& body) {
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
        if (!job.done && hosted::poweroff_requested(&status)) {
            // The kernel stopped under the body (a panic): end the test process like newt would.
            std::fprintf(stderr, "kernel powered off during the test body (status %d)\n", status);
            std::fflush(nullptr);
            _exit(status);
        }
    }
    pthread_mutex_unlock(&jobs_lock);
    EXPECT_TRUE(job.spawned) << "the kernel could not start a thread for the test body";
}

unsigned test_machine_cpus() { return machine_cpus; }

void set_test_machine_command_line(const char* command_line) { machine_command_line = command_line; }

}  // namespace newt_test
