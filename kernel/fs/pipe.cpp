#include "pipe.h"

#include "../abi/fcntl.h"
#include "../abi/stat.h"
#include "../mm/frame_allocator.h"
#include "../mm/heap.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

// ---- Signals ------------------------------------------------------------------------------

// Whether the current thread must stop waiting: a fatal signal (kill) asked its process to
// exit. The blocking pipe waits then end with EINTR. (Linux returns ERESTARTSYS, which
// becomes EINTR or a restart per SA_RESTART once handlers run: step 7.) The killer wakes the
// thread; a thread woken without being unlinked from its wait queue re-evaluates its
// condition (WaitQueue::block_locked) and sees it.
bool signal_pending_for_current_thread() { return current_thread_must_stop(); }

// pipe(7): a write to a pipe with no reader raises SIGPIPE in the writer, and returns EPIPE
// if the signal does not kill it (ignored, blocked, or a handler). Linux sends the signal
// even when part of the data was written before the last reader left.
void send_broken_pipe_signal() {
    if (UserThread* thread = current_user_thread()) thread->post_signal(abi::sigpipe);
}

// ---------------------------------------------------------------------------------------------

// Sleeps on `queue` until `condition()` holds (evaluated under the queue's lock, so it may
// only read atomics); EINTR if a signal arrives first.
template <typename Condition>
Result<void> wait_interruptible(WaitQueue& queue, Condition condition) {
    bool interrupted = false;
    queue.wait_until([&] {
        if (condition()) return true;
        if (signal_pending_for_current_thread()) {
            interrupted = true;
            return true;
        }
        return false;
    });
    if (interrupted) return Errno::eintr;
    return ok();
}

// pipefs: the file system anonymous pipes' inodes belong to (a device number and inode
// numbers for fstat). Never mounted; made on the first pipe2 and kept for good.
class PipeFileSystem final : public FileSystem {
public:
    const char* type_name() const override { return "pipefs"; }
    RefPtr<Inode> root() override { return nullptr; }  // nothing to mount
    FileSystemStatistics statistics() const override {
        FileSystemStatistics statistics;
        statistics.magic = abi::pipefs_magic;
        return statistics;
    }
};

// An anonymous pipe's inode. Opening it again (through /proc/<pid>/fd/N) makes a new end of
// the same pipe. Linux's fifo_open does that for pipefs inodes without a FIFO's waits:
// a reader does not wait for a writer, a writer gets no ENXIO without readers.
class PipeInode final : public Inode {
public:
    PipeInode(FileSystem& file_system, u32 uid, u32 gid, RefPtr<Pipe> pipe)
        : Inode(file_system, abi::s_ififo | 0600, uid, gid), pipe_(std::move(pipe)) {}

    Result<RefPtr<OpenFile>> open(const Path& path, int flags) override {
        if ((flags & abi::o_accmode) == abi::o_accmode) return Errno::einval;
        RefPtr<PipeEnd> end = TRY(make_ref<PipeEnd>(path, RefPtr<Inode>(this), flags, pipe_));
        end->attach();
        return RefPtr<OpenFile>(end);
    }

private:
    RefPtr<Pipe> pipe_;  // the pipe never references its inode: no cycle
};

std::atomic<PipeFileSystem*> the_pipe_file_system {nullptr};

Result<PipeFileSystem*> pipe_file_system() {
    if (PipeFileSystem* existing = the_pipe_file_system.load(std::memory_order_acquire)) return existing;
    RefPtr<PipeFileSystem> created = TRY(make_ref<PipeFileSystem>());
    PipeFileSystem* expected = nullptr;
    if (the_pipe_file_system.compare_exchange_strong(expected, created.get(), std::memory_order_acq_rel)) {
        created->ref();  // the global's reference, never dropped
        return created.get();
    }
    return expected;  // another thread made it first; ours goes away
}

usize min(usize a, usize b) { return a < b ? a : b; }

}  // namespace

// ---- Pipe -----------------------------------------------------------------------------------

Result<RefPtr<Pipe>> Pipe::create() { return make_ref<Pipe>(); }

Pipe::~Pipe() {
    for (u8* page : pages_)
        if (page) mm::free_frames(hal::virt_to_phys(page));
}

usize Pipe::bytes_available() const { return used(); }

Result<void> Pipe::ensure_pages(u64 position, usize count) {
    if (count == 0) return ok();
    u64 first = position / hal::page_size, last = (position + count - 1) / hal::page_size;
    for (u64 page = first; page <= last; ++page) {
        u8*& slot = pages_[page % page_count];
        if (!slot) slot = static_cast<u8*>(hal::phys_to_virt(TRY(mm::allocate_frames(0))));
    }
    return ok();
}

usize Pipe::copy_from_ring(u64 position, IoBuffer& buffer, usize buffer_offset, usize count, Errno& error) const {
    usize done = 0;
    while (done < count) {
        u64 at = position + done;
        usize in_page = static_cast<usize>(at % hal::page_size);
        usize chunk = min(count - done, hal::page_size - in_page);
        const u8* page = pages_[(at / hal::page_size) % page_count];
        if (auto result = buffer.write(buffer_offset + done, page + in_page, chunk); result.is_error()) {
            error = result.error();
            break;
        }
        done += chunk;
    }
    return done;
}

usize Pipe::copy_to_ring(u64 position, const IoBuffer& buffer, usize buffer_offset, usize count, Errno& error) {
    usize done = 0;
    while (done < count) {
        u64 at = position + done;
        usize in_page = static_cast<usize>(at % hal::page_size);
        usize chunk = min(count - done, hal::page_size - in_page);
        u8* page = pages_[(at / hal::page_size) % page_count];
        if (auto result = buffer.read(buffer_offset + done, page + in_page, chunk); result.is_error()) {
            error = result.error();
            break;
        }
        done += chunk;
    }
    return done;
}

Result<usize> Pipe::read(IoBuffer& buffer, usize count, bool nonblocking) {
    if (count == 0) return usize(0);
    for (;;) {
        usize done = 0;
        Errno error = Errno::efault;
        {
            MutexGuard guard(mutex_);
            if (usize available = used()) {
                u64 tail = tail_.load(std::memory_order_relaxed);
                done = copy_from_ring(tail, buffer, 0, min(count, available), error);
                if (done == 0) return error;
                tail_.store(tail + done, std::memory_order_relaxed);
            } else {
                if (writers() == 0) return usize(0);  // end of file
                if (nonblocking) return Errno::eagain;
            }
        }
        if (done) {
            writable_.wake_all();
            return done;
        }
        TRY(wait_interruptible(readable_, [this] { return used() != 0 || writers() == 0; }));
    }
}

Result<usize> Pipe::write(const IoBuffer& buffer, usize count, bool nonblocking) {
    if (count == 0) return usize(0);  // Linux: a null write succeeds, reader or not
    // A write of at most PIPE_BUF bytes waits until all of it fits and goes in at once;
    // a larger one takes whatever room there is.
    const usize room_needed = count <= pipe_buf ? count : 1;
    usize written = 0;
    for (;;) {
        // What this round ends with: keep going (wait for room), or return `written` or
        // `error` (when nothing was written).
        enum { wait, finish } outcome = wait;
        Errno error = Errno::eagain;
        usize done = 0;
        {
            MutexGuard guard(mutex_);
            if (readers() == 0) {
                send_broken_pipe_signal();
                outcome = finish;
                error = Errno::epipe;
            } else if (usize room = capacity - used(); room >= room_needed) {
                u64 head = head_.load(std::memory_order_relaxed);
                usize chunk = min(count - written, room);
                if (auto result = ensure_pages(head, chunk); result.is_error()) {
                    outcome = finish;
                    error = result.error();
                } else {
                    error = Errno::efault;
                    done = copy_to_ring(head, buffer, written, chunk, error);
                    head_.store(head + done, std::memory_order_relaxed);
                    written += done;
                    // Done, or stopped by a fault; otherwise the ring is full and more
                    // remains (only for writes over PIPE_BUF).
                    if (done < chunk || written == count) outcome = finish;
                }
            }
            if (outcome == wait && nonblocking) {
                outcome = finish;
                error = Errno::eagain;
            }
        }
        // Readers are woken before this writer sleeps: they make the room it waits for.
        if (done) readable_.wake_all();
        if (outcome == finish) {
            if (written) return written;
            return error;
        }
        auto waited = wait_interruptible(writable_, [this, room_needed] {
            return readers() == 0 || capacity - used() >= room_needed;
        });
        if (waited.is_error()) {
            if (written) return written;
            return waited.error();
        }
    }
}

u32 Pipe::poll_events(bool reader, bool writer, u64 hangup_mask) const {
    u32 events = 0;
    usize in_ring = used();
    if (reader) {
        if (in_ring) events |= poll_in | poll_rdnorm;
        if (writers() == 0 && writer_opens() != hangup_mask) events |= poll_hup;
    }
    if (writer) {
        // Linux reports POLLOUT while a ring slot (a page) is free, i.e. while a PIPE_BUF
        // write would not block; the byte-ring equivalent.
        if (capacity - in_ring >= pipe_buf) events |= poll_out | poll_wrnorm;
        if (readers() == 0) events |= poll_err;
    }
    return events;
}

void Pipe::attach(bool reader, bool writer) {
    {
        MutexGuard guard(mutex_);
        if (reader) {
            reader_opens_.fetch_add(1, std::memory_order_relaxed);
            readers_.fetch_add(1, std::memory_order_relaxed);
        }
        if (writer) {
            writer_opens_.fetch_add(1, std::memory_order_relaxed);
            writers_.fetch_add(1, std::memory_order_relaxed);
        }
    }
    partner_.wake_all();
}

void Pipe::detach(bool reader, bool writer) {
    bool last_reader = false, last_writer = false;
    {
        MutexGuard guard(mutex_);
        if (reader) last_reader = readers_.fetch_sub(1, std::memory_order_relaxed) == 1;
        if (writer) last_writer = writers_.fetch_sub(1, std::memory_order_relaxed) == 1;
    }
    if (last_reader) writable_.wake_all();  // writers get EPIPE
    if (last_writer) readable_.wake_all();  // readers get end of file
}

Result<void> Pipe::open_fifo_end(bool reader, bool writer, bool nonblocking, u64& hangup_mask) {
    hangup_mask = ~u64(0);
    bool wait_for_writer = false, wait_for_reader = false;
    u64 seen = 0;
    {
        // The ENXIO check and the count change are one step under the mutex, as Linux's
        // fifo_open does them under pipe->mutex.
        MutexGuard guard(mutex_);
        if (writer && !reader && nonblocking && readers() == 0) return Errno::enxio;
        if (reader) {
            reader_opens_.fetch_add(1, std::memory_order_relaxed);
            readers_.fetch_add(1, std::memory_order_relaxed);
        }
        if (writer) {
            writer_opens_.fetch_add(1, std::memory_order_relaxed);
            writers_.fetch_add(1, std::memory_order_relaxed);
        }
        if (reader && !writer && writers() == 0) {
            seen = writer_opens();
            if (nonblocking) hangup_mask = seen;  // no POLLHUP until a writer has come
            else wait_for_writer = true;
        } else if (writer && !reader && readers() == 0) {
            seen = reader_opens_.load(std::memory_order_relaxed);
            wait_for_reader = true;
        }
    }
    partner_.wake_all();
    // Wait for the other side to open, not to be there: a writer that opens and closes at
    // once still releases a reader blocked in open (which then reads end of file).
    Result<void> waited = ok();
    if (wait_for_writer) waited = wait_interruptible(partner_, [this, seen] { return writer_opens() != seen; });
    if (wait_for_reader)
        waited = wait_interruptible(partner_, [this, seen] {
            return reader_opens_.load(std::memory_order_relaxed) != seen;
        });
    if (waited.is_error()) {
        detach(reader, writer);
        return waited.error();
    }
    return ok();
}

// ---- PipeEnd --------------------------------------------------------------------------------

PipeEnd::PipeEnd(const Path& path, RefPtr<Inode> inode, int flags, RefPtr<Pipe> pipe)
    : OpenFile(path, std::move(inode), flags), pipe_(std::move(pipe)), reader_(is_readable()),
      writer_(is_writable()) {}

PipeEnd::~PipeEnd() {
    if (attached_) pipe_->detach(reader_, writer_);
}

void PipeEnd::attach() {
    pipe_->attach(reader_, writer_);
    attached_ = true;
}

void PipeEnd::mark_attached(u64 hangup_mask) {
    hangup_mask_ = hangup_mask;
    attached_ = true;
}

bool PipeEnd::nonblocking() const { return flags() & abi::o_nonblock; }

Result<usize> PipeEnd::read(IoBuffer& buffer, usize count) {
    if (!reader_) return Errno::ebadf;
    usize done = TRY(pipe_->read(buffer, count, nonblocking()));
    if (done) inode_->touch_access();
    return done;
}

Result<usize> PipeEnd::write(const IoBuffer& buffer, usize count) {
    if (!writer_) return Errno::ebadf;
    usize done = TRY(pipe_->write(buffer, count, nonblocking()));
    if (done) inode_->touch_modify();
    return done;
}

Result<usize> PipeEnd::read_at(u64, IoBuffer&, usize) { return Errno::espipe; }
Result<usize> PipeEnd::write_at(u64, const IoBuffer&, usize) { return Errno::espipe; }
Result<u64> PipeEnd::seek(i64, int) { return Errno::espipe; }

Result<long> PipeEnd::ioctl(u32 request, const IoctlArgument& argument) {
    switch (request) {
    case ioctl_fionread:
        TRY(argument.write(static_cast<int>(pipe_->bytes_available())));
        return 0l;
    default: return Errno::enotty;
    }
}

u32 PipeEnd::poll_events() { return pipe_->poll_events(reader_, writer_, hangup_mask_); }

Result<void> PipeEnd::sync() { return Errno::einval; }

// ---- pipe2 ----------------------------------------------------------------------------------

Result<void> create_pipe(RefPtr<OpenFile>& read_end, RefPtr<OpenFile>& write_end, int flags,
                         const Credentials& credentials) {
    if (flags & ~(abi::o_nonblock | abi::o_cloexec | abi::o_direct)) return Errno::einval;
    if (flags & abi::o_direct) return Errno::einval;  // packet mode: not yet
    PipeFileSystem* file_system = TRY(pipe_file_system());
    RefPtr<Pipe> pipe = TRY(Pipe::create());
    RefPtr<Inode> inode = TRY(make_ref<PipeInode>(*file_system, credentials.fsuid, credentials.fsgid, pipe));
    int status = flags & abi::o_nonblock;
    RefPtr<PipeEnd> reader = TRY(make_ref<PipeEnd>(Path {}, inode, abi::o_rdonly | status, pipe));
    RefPtr<PipeEnd> writer = TRY(make_ref<PipeEnd>(Path {}, inode, abi::o_wronly | status, pipe));
    reader->attach();
    writer->attach();
    read_end = RefPtr<OpenFile>(reader);
    write_end = RefPtr<OpenFile>(writer);
    return ok();
}

bool is_anonymous_pipe(const Inode& inode) {
    return &inode.file_system() == the_pipe_file_system.load(std::memory_order_acquire);
}

Result<Path> anonymous_pipe_path(Inode& inode) {
    if (!is_anonymous_pipe(inode)) return Errno::einval;
    // A place outside the tree: a root dentry of its own in a mount that is in no table.
    RefPtr<Dentry> dentry = TRY(Dentry::make_root(RefPtr<Inode>(&inode)));
    KString source = TRY(KString::copy("pipefs"));
    RefPtr<FileSystem> file_system(&inode.file_system());
    RefPtr<Mount> mount = TRY(make_ref<Mount>(std::move(file_system), dentry, std::move(source)));
    return Path {mount, dentry};
}

}  // namespace kernel
