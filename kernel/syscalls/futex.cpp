#include "futex.h"

#include "../core/scheduler.h"
#include "../core/wall_clock.h"
#include "../core/wait_queue.h"
#include "../hal/physmem.h"
#include "../hal/timer.h"
#include "../hal/usermode.h"
#include "../lib/intrusive_list.h"
#include "../lib/spinlock.h"
#include "../mm/page.h"
#include "../mm/user_memory.h"
#include "../proc/user_thread.h"
#include "time.h"

namespace kernel {
namespace {

constexpr int futex_wait = 0, futex_wake = 1, futex_wait_bitset = 9, futex_wake_bitset = 10;
constexpr int futex_private_flag = 128, futex_clock_realtime = 256;

struct Waiter {
    PhysAddr key = 0;
    u32 bitset = 0;
    bool woken = false;
    IntrusiveListNode node;
};

struct Bucket {
    Spinlock lock;
    IntrusiveList<Waiter, &Waiter::node> waiters;  // under lock
    WaitQueue queue;
};

constexpr usize bucket_count = 64;
Bucket buckets[bucket_count];

Bucket& bucket_for(PhysAddr key) { return buckets[(key >> 2) % bucket_count]; }

AddressSpace& memory() { return current_user_thread()->process().memory(); }

Result<long> wait(UserPtr<u32> address, u32 expected, uptr timeout, bool absolute, bool realtime, u32 bitset) {
    if (address.address() % 4) return Errno::einval;
    if (bitset == 0) return Errno::einval;
    u64 deadline = ~u64(0);
    if (timeout) {
        UserTimespec value;
        TRY(copy_from_user(memory(), &value, timeout, sizeof value));
        if (value.seconds < 0 || value.nanoseconds < 0 || value.nanoseconds >= 1'000'000'000) return Errno::einval;
        u64 ns = static_cast<u64>(value.seconds) * 1'000'000'000 + static_cast<u64>(value.nanoseconds);
        u64 now = hal::monotonic_ns();
        if (absolute && realtime) {
            // A CLOCK_REALTIME deadline, as a monotonic one from now.
            u64 wall = realtime_ns();
            ns = ns > wall ? ns - wall : 0;
            absolute = false;
        }
        deadline = absolute ? ns : (ns > ~u64(0) - now ? ~u64(0) : now + ns);
    }
    // The word's frame stays ours while we wait (pinned), so the key stays valid.
    PhysAddr page = TRY(memory().pin_page(address.address(), hal::access_read));
    PhysAddr key = page + address.address() % hal::page_size;
    Bucket& bucket = bucket_for(key);
    Waiter waiter;
    waiter.key = key;
    waiter.bitset = bitset;
    bool changed;
    {
        SpinlockGuard guard(bucket.lock);
        // The check and the queueing are atomic against a waker (it takes the same lock).
        changed = *static_cast<volatile u32*>(hal::phys_to_virt(key)) != expected;
        if (!changed) bucket.waiters.append(waiter);
    }
    if (changed) {
        mm::put_page(page);
        return Errno::eagain;
    }
    Errno outcome {};
    bool done = false;
    while (!done) {
        if (deadline == ~u64(0)) {
            bucket.queue.wait_until([&] { return waiter.woken || current_thread_must_stop(); });
        } else {
            u64 now = hal::monotonic_ns();
            if (now < deadline) sleep_ns(deadline - now < 1'000'000 ? deadline - now : 1'000'000);
        }
        SpinlockGuard guard(bucket.lock);
        if (waiter.woken) {
            done = true;
        } else if (current_thread_must_stop()) {
            outcome = Errno::eintr;
            done = true;
        } else if (deadline != ~u64(0) && hal::monotonic_ns() >= deadline) {
            outcome = Errno::etimedout;
            done = true;
        }
        if (done && !waiter.woken) bucket.waiters.remove(waiter);
    }
    mm::put_page(page);
    if (outcome != Errno {}) return outcome;
    return 0;
}

Result<long> wake(UserPtr<u32> address, u32 count, u32 bitset) {
    if (address.address() % 4) return Errno::einval;
    if (bitset == 0) return Errno::einval;
    PhysAddr page = TRY(memory().pin_page(address.address(), hal::access_read));
    PhysAddr key = page + address.address() % hal::page_size;
    Bucket& bucket = bucket_for(key);
    long woken = 0;
    {
        SpinlockGuard guard(bucket.lock);
        for (Waiter* waiter = bucket.waiters.first(); waiter && static_cast<u32>(woken) < count;) {
            Waiter* next = bucket.waiters.next(*waiter);
            if (waiter->key == key && (waiter->bitset & bitset)) {
                bucket.waiters.remove(*waiter);
                waiter->woken = true;
                ++woken;
            }
            waiter = next;
        }
    }
    if (woken) bucket.queue.wake_all();
    mm::put_page(page);
    return woken;
}

}  // namespace

Result<long> sys_futex(UserPtr<u32> address, int operation, u32 value, uptr timeout, UserPtr<u32>, u32 third) {
    int command = operation & ~(futex_private_flag | futex_clock_realtime);
    switch (command) {
    case futex_wait: return wait(address, value, timeout, false, false, ~u32(0));
    case futex_wait_bitset: return wait(address, value, timeout, true, operation & futex_clock_realtime, third);
    case futex_wake: return wake(address, value, ~u32(0));
    case futex_wake_bitset: return wake(address, value, third);
    default: return Errno::enosys;  // requeue, PI, wake_op: step 7
    }
}

}  // namespace kernel
