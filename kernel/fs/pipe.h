// Pipes (pipe(7)) and the ends through which they are read and written. An anonymous pipe
// (pipe2(2)) and a FIFO (fifo(7), fs/fifo.h) are the same Pipe; they differ in how their
// ends are made: create_pipe() makes both ends at once, a FIFO's ends come from open(2) on
// its inode.
//
// A Pipe is a 64 KiB byte ring (16 pages, allocated on first use, as Linux's default
// capacity) with reader and writer counts. Semantics follow Linux:
// - read blocks while the pipe is empty and a writer exists; returns what is there (a short
//   read) once anything is; returns 0 (end of file) when empty with no writer.
// - write blocks while there is no room if a reader exists; a write of at most PIPE_BUF
//   (4096) bytes is atomic: it waits until all of it fits and is never interleaved with
//   other writers' data; larger writes are copied as room appears and may interleave.
// - write with no reader: EPIPE (and SIGPIPE once processes exist: see
//   send_broken_pipe_signal in pipe.cpp).
// - O_NONBLOCK: read on an empty pipe with writers is EAGAIN; a write of n <= PIPE_BUF bytes
//   is EAGAIN unless n bytes are free; a larger write copies what fits, EAGAIN if nothing.
// - lseek, pread and pwrite: ESPIPE.
// - poll: POLLIN with data; POLLHUP on the read side with no writer; POLLOUT when a
//   PIPE_BUF write would not block; POLLERR on the write side with no reader.
//
// Locking: Pipe::mutex_ (a sleeping lock) serializes the data copies and the count changes;
// it is never held across a blocking wait. Wait conditions read the atomic positions and
// counts under their wait queue's lock, and every change is followed by a wake-up on that
// queue, so no wake-up is lost. Lock order: fifo table mutex (fs/fifo.cpp) is never held
// while a Pipe's mutex is taken; a Pipe's mutex -> wait queue locks.
#pragma once

#include <atomic>

#include "../core/mutex.h"
#include "../hal/physmem.h"
#include "credentials.h"
#include "open_file.h"

namespace kernel {

inline constexpr usize pipe_buf = 4096;  // PIPE_BUF: writes up to this size are atomic

// ioctl(2) requests pipes answer (Linux values).
inline constexpr u32 ioctl_fionread = 0x541B;  // FIONREAD: bytes available to read (int)

class Pipe : public RefCounted<Pipe> {
public:
    static constexpr usize page_count = 16;
    static constexpr usize capacity = page_count * hal::page_size;  // 65536 bytes

    static Result<RefPtr<Pipe>> create();
    ~Pipe();
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    // Data. `nonblocking`: O_NONBLOCK of the open file doing it.
    Result<usize> read(IoBuffer& buffer, usize count, bool nonblocking);
    Result<usize> write(const IoBuffer& buffer, usize count, bool nonblocking);

    usize bytes_available() const;
    usize readers() const { return readers_.load(std::memory_order_relaxed); }
    usize writers() const { return writers_.load(std::memory_order_relaxed); }

    // The end's contribution to poll(2) (see the header comment). `hangup_mask`: the value
    // writer_opens() had when a FIFO reader opened without blocking and no writer existed;
    // POLLHUP is held back until a writer has opened since (Linux's f_version rule).
    u32 poll_events(bool reader, bool writer, u64 hangup_mask) const;
    u64 writer_opens() const { return writer_opens_.load(std::memory_order_relaxed); }

    // Ends: counts a new reader and/or writer, waking whoever waits for one.
    void attach(bool reader, bool writer);
    // The end is closed: the other side is woken (a reader sees EOF once no writer is
    // left, a writer gets EPIPE once no reader is).
    void detach(bool reader, bool writer);

    // open(2) of a FIFO (fifo(7)): attaches the end, then waits for the other side as the
    // access mode asks: O_RDONLY waits for a writer unless O_NONBLOCK, O_WRONLY waits for a
    // reader (ENXIO at once with O_NONBLOCK and no reader), O_RDWR never waits. On an error
    // the end is not attached. `hangup_mask` receives the FIFO reader's POLLHUP mask.
    Result<void> open_fifo_end(bool reader, bool writer, bool nonblocking, u64& hangup_mask);

    // Use create().
    Pipe() = default;

private:
    // Copies between the ring at absolute position `position` (head_/tail_ count bytes
    // since creation) and the buffer at `buffer_offset`. Return the bytes copied; `error`
    // gets the reason when fewer than `count` were.
    usize copy_from_ring(u64 position, IoBuffer& buffer, usize buffer_offset, usize count, Errno& error) const;
    usize copy_to_ring(u64 position, const IoBuffer& buffer, usize buffer_offset, usize count, Errno& error);
    // Allocates the pages that ring bytes [position, position + count) live in.
    Result<void> ensure_pages(u64 position, usize count);
    usize used() const {
        return static_cast<usize>(head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_relaxed));
    }

    Mutex mutex_;
    u8* pages_[page_count] = {};  // the ring; a page is allocated when first written to
    // Written with mutex_ held, read by wait conditions without it.
    std::atomic<u64> head_ {0};  // bytes ever written
    std::atomic<u64> tail_ {0};  // bytes ever read
    std::atomic<usize> readers_ {0};
    std::atomic<usize> writers_ {0};
    // How many read/write ends were ever attached (Linux's r_counter/w_counter): a FIFO
    // open waiting for a partner wakes when these move, even if that partner already left.
    std::atomic<u64> reader_opens_ {0};
    std::atomic<u64> writer_opens_ {0};

    WaitQueue readable_;  // readers waiting for data or for the last writer to go
    WaitQueue writable_;  // writers waiting for room or for the last reader to go
    WaitQueue partner_;   // FIFO opens waiting for the other side
};

// An open end of a pipe: the read end, the write end, or both (a FIFO opened O_RDWR).
// Which it is follows the access mode of its flags. Dropping the last reference closes it.
class PipeEnd : public OpenFile {
public:
    // The end is not counted until attach() (or, for FIFOs, Pipe::open_fifo_end) succeeds.
    PipeEnd(const Path& path, RefPtr<Inode> inode, int flags, RefPtr<Pipe> pipe);
    ~PipeEnd() override;

    Pipe& pipe() const { return *pipe_; }
    bool is_reader() const { return reader_; }
    bool is_writer() const { return writer_; }

    // Counts this end on its pipe. For FIFOs: open_fifo(), then mark_attached().
    void attach();
    void mark_attached(u64 hangup_mask);

    Result<usize> read(IoBuffer& buffer, usize count) override;
    Result<usize> write(const IoBuffer& buffer, usize count) override;
    Result<usize> read_at(u64 offset, IoBuffer& buffer, usize count) override;    // ESPIPE
    Result<usize> write_at(u64 offset, const IoBuffer& buffer, usize count) override;  // ESPIPE
    Result<u64> seek(i64 offset, int whence) override;                            // ESPIPE
    // FIONREAD; ENOTTY for anything else.
    Result<long> ioctl(u32 request, const IoctlArgument& argument) override;
    u32 poll_events() override;
    Result<void> sync() override;  // EINVAL, as fsync(2) on a pipe

private:
    bool nonblocking() const;

    RefPtr<Pipe> pipe_;
    const bool reader_;
    const bool writer_;
    bool attached_ = false;
    u64 hangup_mask_ = ~u64(0);  // never equal to writer_opens(): POLLHUP not held back
};

// pipe2(2): a new anonymous pipe and its two ends. `flags`: O_NONBLOCK (set on both ends),
// O_CLOEXEC (accepted; close-on-exec is a descriptor flag the caller applies), O_DIRECT
// (packet mode: not supported yet, EINVAL); anything else is EINVAL. The pipe's inode (for
// fstat: S_IFIFO | 0600, size 0) lives in an internal "pipefs" instance and belongs to
// `credentials`' fsuid/fsgid.
// Whether `inode` is an anonymous pipe's (pipefs), and a Path through which it can be
// opened again (/proc/<pid>/fd/N of a pipe): outside the tree, in no mount table.
bool is_anonymous_pipe(const Inode& inode);
Result<Path> anonymous_pipe_path(Inode& inode);

Result<void> create_pipe(RefPtr<OpenFile>& read_end, RefPtr<OpenFile>& write_end, int flags,
                         const Credentials& credentials = Credentials::root());

}  // namespace kernel
