#include "scheduler.h"

#include "../hal/context.h"
#include "../hal/cpu.h"
#include "../hal/interrupts.h"
#include "../hal/timer.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/frame_allocator.h"
#include "../mm/heap.h"
#include "../hal/physmem.h"
#include "klog.h"
#include "panic.h"
#include "timer_queue.h"

namespace kernel {

// Thread internals live behind this friend so that thread.h stays a small public surface.
class Scheduler {
public:
    struct RunQueue {
        IntrusiveList<Thread, &Thread::run_node> levels[priority_levels];
        u32 nonempty = 0;  // bit p set: levels[p] has threads

        void enqueue(Thread& thread) {
            levels[thread.priority_].append(thread);
            nonempty |= 1u << thread.priority_;
        }
        void remove(Thread& thread) {
            levels[thread.priority_].remove(thread);
            if (levels[thread.priority_].is_empty()) nonempty &= ~(1u << thread.priority_);
        }
        int top_priority() const { return nonempty ? 31 - __builtin_clz(nonempty) : -1; }
        Thread* take_highest() {
            if (!nonempty) return nullptr;
            Thread* thread = levels[top_priority()].first();
            remove(*thread);
            return thread;
        }
        // A thread another CPU may take: lowest priority first, never a pinned one.
        Thread* take_stealable() {
            for (int p = 0; p < priority_levels; ++p) {
                for (Thread& thread : levels[p]) {
                    if (thread.pinned_cpu_ < 0) {
                        remove(thread);
                        return &thread;
                    }
                }
            }
            return nullptr;
        }
    };

    struct Cpu {
        // Lock order: a run queue lock is taken after WaitQueue and thread state locks; two
        // run queue locks are only ever combined with try_lock (stealing).
        Spinlock lock;
        RunQueue queue;
        std::atomic<usize> queued {0};      // threads in `queue` (read without the lock)
        std::atomic<bool> idle {false};     // running its idle thread
        std::atomic<bool> online {false};
        Thread* current = nullptr;
        Thread* idle_thread = nullptr;
        Thread* switching_from = nullptr;   // set across a switch, for finish_switch()
        std::atomic<bool> need_resched {false};  // set by wake-ups and the timer, read in interrupt exit
        u64 slice_end_ns = 0;
        u64 idle_ns = 0, busy_ns = 0, last_account_ns = 0;
        u64 switches = 0, preemptions = 0;
    };

    static Cpu& this_cpu() { return cpus[hal::current_cpu()]; }
    static void schedule();
    static void finish_switch();
    static void wake(Thread& thread);
    static Result<RefPtr<Thread>> spawn(ThreadFunction function, void* argument, const ThreadOptions& options);
    static void init_cpu(unsigned cpu);
    static void reap(Thread& thread);
    static void thread_start(void* thread);
    static unsigned select_cpu(const Thread& thread);
    static Thread* steal(unsigned into);
    static void reprogram(Cpu& cpu);
    static void account(Cpu& cpu, u64 now);

    static Cpu cpus[hal::max_cpus];
};


Scheduler::Cpu Scheduler::cpus[hal::max_cpus];

namespace {

// All live threads, for the monitor. Lock order: a leaf.
Spinlock all_threads_lock;
IntrusiveList<Thread, &Thread::all_node> all_threads;
std::atomic<u32> next_thread_id {0};

// Dead threads whose stacks the reaper frees.
Spinlock dead_lock;
IntrusiveList<Thread, &Thread::dead_node> dead_threads;
WaitQueue reaper_queue;

}  // namespace

void Scheduler::account(Cpu& cpu, u64 now) {
    u64 elapsed = now - cpu.last_account_ns;
    if (cpu.current == cpu.idle_thread) cpu.idle_ns += elapsed;
    else cpu.busy_ns += elapsed;
    cpu.last_account_ns = now;
}

void Scheduler::reprogram(Cpu& cpu) {
    u64 deadline = next_timer_deadline(static_cast<unsigned>(&cpu - cpus));
    // A time slice only matters when something else is waiting for this CPU, and not once a
    // switch is already due (the switch starts a new slice and re-arms).
    if (cpu.queued.load(std::memory_order_relaxed) > 0 && cpu.current != cpu.idle_thread &&
        !cpu.need_resched.load(std::memory_order_relaxed)) {
        if (deadline == 0 || cpu.slice_end_ns < deadline) deadline = cpu.slice_end_ns;
    }
    hal::arm_timer(deadline);
}

Thread* Scheduler::steal(unsigned into) {
    unsigned count = hal::cpu_count();
    // Start after ourselves so that CPUs do not all raid the same victim first.
    for (unsigned step = 1; step < count; ++step) {
        Cpu& victim = cpus[(into + step) % count];
        if (victim.queued.load(std::memory_order_relaxed) == 0) continue;
        if (!victim.lock.try_lock_raw()) continue;
        Thread* thread = victim.queue.take_stealable();
        if (thread) victim.queued.fetch_sub(1, std::memory_order_relaxed);
        victim.lock.unlock_raw();
        if (thread) return thread;
    }
    return nullptr;
}

void Scheduler::schedule() {
    Cpu& cpu = this_cpu();
    unsigned id = static_cast<unsigned>(&cpu - cpus);
    Thread* previous = cpu.current;

    bool requeue = false;
    previous->state_lock_.lock_raw();
    ThreadState state = previous->state_.load(std::memory_order_relaxed);
    if (state == ThreadState::blocked) previous->off_cpu_queue_ = true;
    else if (state == ThreadState::runnable && previous != cpu.idle_thread) requeue = true;
    previous->state_lock_.unlock_raw();

    cpu.lock.lock_raw();
    bool forced = cpu.need_resched.exchange(false, std::memory_order_relaxed);
    if (requeue) {
        cpu.queue.enqueue(*previous);
        cpu.queued.fetch_add(1, std::memory_order_relaxed);
    }
    Thread* next = cpu.queue.take_highest();
    if (next) cpu.queued.fetch_sub(1, std::memory_order_relaxed);
    else next = steal(id);
    if (!next) next = cpu.idle_thread;

    u64 now = hal::monotonic_ns();
    cpu.slice_end_ns = now + time_slice_ns;
    if (next == previous) {
        cpu.lock.unlock_raw();
        reprogram(cpu);
        return;
    }
    // The CPU that ran `next` last may still be switching away from it.
    while (next->on_cpu_.load(std::memory_order_acquire)) hal::cpu_relax();

    account(cpu, now);
    previous->runtime_ns_.store(previous->runtime_ns_.load(std::memory_order_relaxed) + now - previous->started_running_ns_,
                                std::memory_order_relaxed);
    next->started_running_ns_ = now;
    next->on_cpu_.store(true, std::memory_order_relaxed);
    next->cpu_ = id;
    ++next->switches_;
    ++cpu.switches;
    if (forced && requeue) ++cpu.preemptions;
    cpu.idle.store(next == cpu.idle_thread, std::memory_order_relaxed);
    cpu.current = next;
    cpu.switching_from = previous;

    hal::switch_context(previous->context_, next->context_);
    finish_switch();
}

// Runs on the thread that was just switched to, on its own stack, still holding the lock
// of the CPU it now runs on.
void Scheduler::finish_switch() {
    Cpu& cpu = this_cpu();
    Thread* from = cpu.switching_from;
    cpu.switching_from = nullptr;
    bool from_dead = from->state_.load(std::memory_order_relaxed) == ThreadState::dead;
    from->on_cpu_.store(false, std::memory_order_release);
    cpu.lock.unlock_raw();
    reprogram(cpu);
    if (from_dead) {
        {
            SpinlockGuard guard(dead_lock);
            dead_threads.append(*from);
        }
        reaper_queue.wake_all();
    }
}

unsigned Scheduler::select_cpu(const Thread& thread) {
    if (thread.pinned_cpu_ >= 0) return static_cast<unsigned>(thread.pinned_cpu_);
    unsigned count = hal::cpu_count();
    // Acquire: a CPU seen online has its per-CPU state (idle thread, current) published.
    auto online = [](const Cpu& cpu) { return cpu.online.load(std::memory_order_acquire); };
    auto is_idle = [&online](const Cpu& cpu) {
        return online(cpu) && cpu.idle.load(std::memory_order_relaxed) && cpu.queued.load(std::memory_order_relaxed) == 0;
    };
    unsigned last = thread.cpu_ < count && online(cpus[thread.cpu_]) ? thread.cpu_ : hal::current_cpu();
    if (is_idle(cpus[last])) return last;
    unsigned best = last;
    usize best_load = cpus[last].queued.load(std::memory_order_relaxed) + 1;
    for (unsigned i = 0; i < count; ++i) {
        if (!online(cpus[i])) continue;
        if (is_idle(cpus[i])) return i;
        usize load = cpus[i].queued.load(std::memory_order_relaxed) + 1;
        if (load < best_load) best = i, best_load = load;
    }
    return best;
}

void Scheduler::wake(Thread& thread) {
    hal::IrqState irq = hal::irq_save();
    thread.state_lock_.lock_raw();
    if (thread.state_.load(std::memory_order_relaxed) != ThreadState::blocked) {
        thread.state_lock_.unlock_raw();
        hal::irq_restore(irq);
        return;
    }
    thread.state_.store(ThreadState::runnable, std::memory_order_relaxed);
    bool enqueue = thread.off_cpu_queue_;
    thread.off_cpu_queue_ = false;
    thread.state_lock_.unlock_raw();
    if (!enqueue) {
        // It has not switched away yet: its schedule() sees it runnable and requeues it
        // instead of letting it sleep.
        hal::irq_restore(irq);
        return;
    }

    unsigned target = select_cpu(thread);
    Cpu& cpu = cpus[target];
    cpu.lock.lock_raw();
    thread.cpu_ = target;
    cpu.queue.enqueue(thread);
    cpu.queued.fetch_add(1, std::memory_order_relaxed);
    bool preempt = cpu.current == cpu.idle_thread || (cpu.current && cpu.current->priority_ < thread.priority_);
    if (preempt) cpu.need_resched.store(true, std::memory_order_relaxed);
    cpu.lock.unlock_raw();
    // The target re-checks its queue and its slice timer in kernel_ipi(); on our own CPU a
    // self-IPI runs when interrupts are enabled again, i.e. at the first preemptible point.
    if (target != hal::current_cpu() || preempt) hal::send_ipi(target);
    else reprogram(cpu);
    hal::irq_restore(irq);
}

void Scheduler::thread_start(void* argument) {
    finish_switch();
    hal::irq_enable();
    auto* thread = static_cast<Thread*>(argument);
    thread->entry_(thread->argument_);
    exit_thread(0);
}

Result<RefPtr<Thread>> Scheduler::spawn(ThreadFunction function, void* argument, const ThreadOptions& options) {
    if (options.priority <= lowest_priority || options.priority > highest_priority) return Errno::einval;
    if (options.pinned_cpu >= static_cast<int>(hal::cpu_count())) return Errno::einval;
    void* memory = kmalloc(sizeof(Thread));
    if (!memory) return Errno::enomem;
    auto* thread = new (memory) Thread();
    RefPtr<Thread> reference = RefPtr<Thread>::adopt(thread);  // the caller's reference

    constexpr usize stack_size = hal::backend::Traits::kernel_stack_size;
    auto stack = mm::allocate_frames(mm::order_for_bytes(stack_size));
    if (stack.is_error()) return stack.error();  // drops the only reference: freed
    thread->stack_ = hal::phys_to_virt(stack.value());
    thread->stack_size_ = stack_size;
    thread->id_ = next_thread_id.fetch_add(1, std::memory_order_relaxed);
    kstd::strlcpy(thread->name_, options.name, sizeof thread->name_);
    thread->priority_ = options.priority;
    thread->pinned_cpu_ = options.pinned_cpu;
    thread->entry_ = function;
    thread->argument_ = argument;
    thread->cpu_ = options.pinned_cpu >= 0 ? static_cast<unsigned>(options.pinned_cpu) : hal::current_cpu();
    hal::context_init(thread->context_, thread->stack_, stack_size, thread_start, thread);

    thread->ref();  // the scheduler's reference, dropped by the reaper
    {
        SpinlockGuard guard(all_threads_lock);
        all_threads.append(*thread);
    }
    // A new thread starts as if it had blocked and switched away; waking it places it.
    thread->state_.store(ThreadState::blocked, std::memory_order_relaxed);
    thread->off_cpu_queue_ = true;
    wake(*thread);
    return reference;
}

void Scheduler::init_cpu(unsigned cpu_index) {
    Cpu& cpu = cpus[cpu_index];
    void* memory = kmalloc(sizeof(Thread));
    if (!memory) panic("no memory for the idle thread of cpu%u", cpu_index);
    auto* idle = new (memory) Thread();
    idle->id_ = next_thread_id.fetch_add(1, std::memory_order_relaxed);
    kstd::format(idle->name_, sizeof idle->name_, "idle%u", cpu_index);
    idle->priority_ = lowest_priority;
    idle->pinned_cpu_ = static_cast<int>(cpu_index);
    idle->cpu_ = cpu_index;
    idle->on_cpu_.store(true, std::memory_order_relaxed);
    hal::context_adopt_current(idle->context_);
    idle->started_running_ns_ = hal::monotonic_ns();
    {
        // Other CPUs read these under the lock once they see this CPU online.
        SpinlockGuard guard(cpu.lock);
        cpu.idle_thread = cpu.current = idle;
        cpu.idle.store(true, std::memory_order_relaxed);
        cpu.last_account_ns = idle->started_running_ns_;
    }
    {
        SpinlockGuard guard(all_threads_lock);
        all_threads.append(*idle);
    }
    cpu.online.store(true, std::memory_order_release);
}

void Scheduler::reap(Thread& thread) {
    {
        SpinlockGuard guard(all_threads_lock);
        all_threads.remove(thread);
    }
    hal::context_destroy(thread.context_);
    if (thread.stack_) mm::free_frames(hal::virt_to_phys(thread.stack_), mm::order_for_bytes(thread.stack_size_));
    thread.stack_ = nullptr;
    thread.unref();  // the scheduler's reference
}

// --- public interface -------------------------------------------------------------------

Result<RefPtr<Thread>> spawn_thread(ThreadFunction function, void* argument, const ThreadOptions& options) {
    return Scheduler::spawn(function, argument, options);
}

Thread* current_thread() {
    hal::InterruptGuard guard;
    return Scheduler::this_cpu().current;
}

const char* current_thread_name() {
    hal::InterruptGuard guard;
    Thread* thread = Scheduler::this_cpu().current;
    return thread ? thread->name() : "boot";
}

void schedule() { Scheduler::schedule(); }
void reprogram_timer() { Scheduler::reprogram(Scheduler::this_cpu()); }
void wake_thread(Thread& thread) { Scheduler::wake(thread); }

struct ThreadInternals {
    static void set_state(Thread& thread, ThreadState state) {
        thread.state_lock_.lock_raw();
        thread.state_.store(state, std::memory_order_relaxed);
        thread.state_lock_.unlock_raw();
    }
    static void exit(Thread& thread, int code) {
        thread.exit_code_ = code;
        thread.exited_.store(true, std::memory_order_release);
        thread.joiners_.wake_all();
    }
    static WaitQueue& joiners(Thread& thread) { return thread.joiners_; }
};

void prepare_to_block() { ThreadInternals::set_state(*Scheduler::this_cpu().current, ThreadState::blocked); }

void yield() {
    hal::InterruptGuard guard;
    Scheduler::schedule();
}

void sleep_ns(u64 duration_ns) {
    TimerEvent event;
    event.deadline_ns = hal::monotonic_ns() + duration_ns;
    event.callback = [](TimerEvent& fired) { wake_thread(*static_cast<Thread*>(fired.context)); };
    hal::InterruptGuard guard;
    event.context = Scheduler::this_cpu().current;
    prepare_to_block();
    add_timer(event);
    Scheduler::schedule();
    // Woken early (wake_thread) or by the event: either way it must be off the queue before
    // this stack frame goes.
    cancel_timer(event);
}

void exit_thread(int code) {
    Thread* self = current_thread();
    ThreadInternals::exit(*self, code);
    hal::irq_disable();
    ThreadInternals::set_state(*self, ThreadState::dead);
    Scheduler::schedule();
    panic("a dead thread was scheduled");
}

int Thread::join() {
    joiners_.wait_until([this] { return has_exited(); });
    return exit_code_;
}

Thread::~Thread() = default;

void scheduler_init_cpu(unsigned cpu) { Scheduler::init_cpu(cpu); }

u32 newest_thread_id() {
    u32 next = next_thread_id.load(std::memory_order_relaxed);
    return next ? next - 1 : 0;
}

usize active_thread_count() {
    usize count = 0;
    for (unsigned i = 0; i < hal::cpu_count(); ++i) {
        const Scheduler::Cpu& cpu = Scheduler::cpus[i];
        if (!cpu.online.load(std::memory_order_acquire)) continue;
        count += cpu.queued.load(std::memory_order_relaxed) + !cpu.idle.load(std::memory_order_relaxed);
    }
    return count;
}

unsigned online_cpu_count() {
    unsigned count = 0;
    for (unsigned i = 0; i < hal::max_cpus; ++i) count += Scheduler::cpus[i].online.load(std::memory_order_acquire);
    return count;
}

namespace {

void reaper_main(void*) {
    for (;;) {
        Thread* thread = nullptr;
        reaper_queue.wait_until([&] {
            SpinlockGuard guard(dead_lock);
            thread = dead_threads.take_first();
            return thread != nullptr;
        });
        Scheduler::reap(*thread);
    }
}

}  // namespace

Result<void> scheduler_start_services() {
    auto reaper = TRY(spawn_thread(reaper_main, nullptr, {.name = "reaper", .priority = default_priority + 1}));
    return ok();
}

void idle_loop() {
    for (;;) {
        hal::irq_disable();
        Scheduler::Cpu& cpu = Scheduler::this_cpu();
        if (cpu.queued.load(std::memory_order_relaxed) > 0 || cpu.need_resched.load(std::memory_order_relaxed)) {
            Scheduler::schedule();
            hal::irq_enable();
            continue;
        }
        // Nothing queued here: try to take work from a busy CPU before halting.
        Scheduler::schedule();
        if (Scheduler::this_cpu().current == Scheduler::this_cpu().idle_thread) hal::halt_until_interrupt();
        else hal::irq_enable();
    }
}

CpuStats cpu_stats(unsigned index) {
    Scheduler::Cpu& cpu = Scheduler::cpus[index];
    SpinlockGuard guard(cpu.lock);
    // Include the interval since the last switch, as idle or busy time.
    u64 since_switch = cpu.online.load(std::memory_order_relaxed) ? hal::monotonic_ns() - cpu.last_account_ns : 0;
    bool idle_now = cpu.current == cpu.idle_thread;
    return {cpu.online.load(std::memory_order_relaxed), cpu.idle_ns + (idle_now ? since_switch : 0),
            cpu.busy_ns + (idle_now ? 0 : since_switch), cpu.switches, cpu.preemptions,
            cpu.queued.load(std::memory_order_relaxed), cpu.current ? cpu.current->name() : "-"};
}

usize kernel_thread_count() {
    SpinlockGuard guard(all_threads_lock);
    usize count = 0;
    for (Thread& thread : all_threads) count += thread.priority() != lowest_priority;
    return count;
}

usize snapshot_threads(ThreadInfo* out, usize capacity) {
    SpinlockGuard guard(all_threads_lock);
    usize count = 0;
    for (Thread& thread : all_threads) {
        if (count == capacity) break;
        ThreadInfo& info = out[count++];
        info.id = thread.id();
        kstd::strlcpy(info.name, thread.name(), sizeof info.name);
        info.state = thread.state();
        info.priority = thread.priority();
        info.pinned_cpu = thread.pinned_cpu();
        info.cpu = thread.last_cpu();
        info.running = Scheduler::cpus[thread.last_cpu()].current == &thread;
        info.runtime_ns = thread.runtime_ns();
        info.switches = thread.context_switches();
    }
    return count;
}

}  // namespace kernel

// --- HAL hooks ----------------------------------------------------------------------------

void kernel_timer_interrupt() {
    using kernel::Scheduler;
    Scheduler::Cpu& cpu = Scheduler::this_cpu();
    unsigned id = hal::current_cpu();
    kernel::u64 now = hal::monotonic_ns();
    kernel::run_expired_timers(id, now);
    {
        cpu.lock.lock_raw();
        int waiting = cpu.queue.top_priority();
        if (waiting >= 0 && cpu.current && now >= cpu.slice_end_ns) {
            if (waiting >= cpu.current->priority()) cpu.need_resched.store(true, std::memory_order_relaxed);
            // Only lower priorities wait: nobody may take the CPU, so look again a slice
            // later. (Re-arming for the slice end already past would fire at once, forever.)
            else cpu.slice_end_ns = now + kernel::time_slice_ns;
        }
        cpu.lock.unlock_raw();
    }
    // Balance: work waiting here while another CPU idles -> kick the idle one; it steals.
    if (cpu.queued.load(std::memory_order_relaxed) > 0) {
        for (unsigned i = 0; i < hal::cpu_count(); ++i) {
            if (i != id && Scheduler::cpus[i].online.load(std::memory_order_relaxed) &&
                Scheduler::cpus[i].idle.load(std::memory_order_relaxed)) {
                hal::send_ipi(i);
                break;
            }
        }
    }
    Scheduler::reprogram(cpu);
}

void kernel_ipi() {
    kernel::Scheduler::Cpu& cpu = kernel::Scheduler::this_cpu();
    if (cpu.queued.load(std::memory_order_relaxed) > 0 && cpu.current == cpu.idle_thread)
        cpu.need_resched.store(true, std::memory_order_relaxed);
    kernel::Scheduler::reprogram(cpu);
}

void kernel_interrupt_exit() {
    kernel::Scheduler::Cpu& cpu = kernel::Scheduler::this_cpu();
    if (cpu.current && cpu.need_resched.load(std::memory_order_relaxed)) kernel::Scheduler::schedule();
}
