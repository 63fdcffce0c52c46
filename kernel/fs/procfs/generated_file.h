// The regular files of procfs: read-only text the kernel generates when the file is opened.
// Each open takes a snapshot that the open file owns, so every read of it is consistent
// (Linux generates at the first read, with seq_file; readers see the same).
#pragma once

#include "../../lib/text_buffer.h"
#include "../inode.h"

namespace kernel {

class GeneratedFileInode : public Inode {
public:
    Result<RefPtr<OpenFile>> open(const Path& path, int flags) override;
    Result<usize> write(u64, const IoBuffer&, usize) override { return Errno::eio; }
    // open(O_TRUNC) by root succeeds and changes nothing, as on Linux.
    Result<void> truncate(u64) override { return ok(); }

protected:
    GeneratedFileInode(FileSystem& file_system, u32 permissions) : Inode(file_system, abi::s_ifreg | permissions, 0u, 0u) {}
    GeneratedFileInode(FileSystem& file_system, u64 number, u32 permissions, u32 uid, u32 gid)
        : Inode(file_system, number, abi::s_ifreg | permissions, uid, gid, 0) {}
    // Appends the whole file to `text` (TextBuffer reports running out of memory itself).
    // An error fails the open (ESRCH for a process gone, EACCES for a reader not allowed).
    virtual Result<void> generate(TextBuffer& text) = 0;
};

}  // namespace kernel
