#include "fifo.h"

#include "../abi/fcntl.h"
#include "../lib/intrusive_list.h"
#include "../mm/heap.h"
#include "pipe.h"

namespace kernel {
namespace {

// The pipe of one open FIFO. The table holds one per FIFO inode that is open somewhere;
// `open_files` counts the FifoEnds (including those still waiting in open) that use it.
// `inode` is only a key: every FifoEnd holds a reference to the inode, so it cannot be
// freed (and its address reused) while the binding exists.
struct FifoBinding {
    Inode* inode;
    RefPtr<Pipe> pipe;
    usize open_files = 0;
    IntrusiveListNode node;
};

// A linear list: few FIFOs are open at once, and it is searched only by open and close.
// Lock order: fifo_table_lock is taken alone (never with a Pipe's mutex held, nor held
// while taking one).
Mutex fifo_table_lock;
IntrusiveList<FifoBinding, &FifoBinding::node> fifo_table;

// Finds or makes the binding of `node` and counts one more user of its pipe.
Result<RefPtr<Pipe>> acquire_fifo_pipe(Inode& node) {
    MutexGuard guard(fifo_table_lock);
    for (FifoBinding& binding : fifo_table) {
        if (binding.inode == &node) {
            ++binding.open_files;
            return binding.pipe;
        }
    }
    RefPtr<Pipe> pipe = TRY(Pipe::create());
    OwnPtr<FifoBinding> binding = make<FifoBinding>();
    if (!binding) return Errno::enomem;
    binding->inode = &node;
    binding->pipe = pipe;
    binding->open_files = 1;
    fifo_table.append(*binding.leak());
    return pipe;
}

// One user fewer; the last one unbinds the pipe from the inode, so that the next open
// starts with a new, empty pipe.
void release_fifo_pipe(Inode& node) {
    FifoBinding* unbound = nullptr;
    {
        MutexGuard guard(fifo_table_lock);
        for (FifoBinding& binding : fifo_table) {
            if (binding.inode == &node) {
                if (--binding.open_files == 0) {
                    fifo_table.remove(binding);
                    unbound = &binding;
                }
                break;
            }
        }
    }
    // Dropped outside the lock: it may free the pipe.
    destroy(unbound);
}

// An open end of a FIFO: a PipeEnd that also gives its pipe back to the table on close.
class FifoEnd final : public PipeEnd {
public:
    FifoEnd(const Path& path, Inode& node, int flags, RefPtr<Pipe> pipe)
        : PipeEnd(path, RefPtr<Inode>(&node), flags, std::move(pipe)) {}
    // Runs before ~PipeEnd detaches this end from the pipe: once unbound, the pipe is
    // reachable only through ends that already hold it, and with no users left there are
    // none, so a late detach cannot meet a new opener.
    ~FifoEnd() override { release_fifo_pipe(*inode()); }
};

}  // namespace

Result<RefPtr<OpenFile>> open_fifo(const Path& path, Inode& node, int flags) {
    int access = flags & abi::o_accmode;
    if (access == abi::o_accmode) return Errno::einval;  // neither read nor write: nothing to open
    RefPtr<Pipe> pipe = TRY(acquire_fifo_pipe(node));
    auto made = make_ref<FifoEnd>(path, node, flags, pipe);
    if (made.is_error()) {
        release_fifo_pipe(node);
        return made.error();
    }
    // From here the FifoEnd owns the table reference: dropping it on any error releases it.
    RefPtr<FifoEnd> end = made.release_value();
    u64 hangup_mask;
    TRY(pipe->open_fifo_end(end->is_reader(), end->is_writer(), flags & abi::o_nonblock, hangup_mask));
    end->mark_attached(hangup_mask);
    return RefPtr<OpenFile>(end);
}

usize open_fifo_count() {
    MutexGuard guard(fifo_table_lock);
    return fifo_table.size();
}

}  // namespace kernel
