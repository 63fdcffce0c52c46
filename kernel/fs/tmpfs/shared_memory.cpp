#include "shared_memory.h"

#include "../../abi/fcntl.h"
#include "../../abi/stat.h"
#include "../../core/mutex.h"
#include "../../mm/heap.h"
#include "tmpfs.h"

namespace kernel {
namespace {

Mutex instance_lock;
RefPtr<TmpfsFileSystem> instance;  // under instance_lock, made on first use
u64 next_number = 0;

}  // namespace

Result<RefPtr<OpenFile>> create_shared_memory_file(u64 size) {
    RefPtr<Inode> root;
    char name[24];
    {
        MutexGuard guard(instance_lock);
        if (!instance) instance = TRY(TmpfsFileSystem::create(0, "shm"));
        root = instance->root();
        // A name only for the moment between creating and unlinking it.
        u64 number = next_number++;
        usize length = 0;
        char digits[20];
        do digits[length++] = char('0' + number % 10);
        while ((number /= 10) != 0);
        name[0] = 'm';
        for (usize i = 0; i < length; ++i) name[1 + i] = digits[length - 1 - i];
        name[1 + length] = '\0';
    }
    StringView view(name, kstd::strlen(name));
    RefPtr<Inode> inode = TRY(root->create(view, abi::s_ifreg | 0600, 0, 0, 0));
    TRY(root->unlink(view));
    TRY(inode->truncate(size));
    RefPtr<OpenFile> file = TRY(make_ref<OpenFile>(Path {}, std::move(inode), abi::o_rdwr));
    return file;
}

}  // namespace kernel
