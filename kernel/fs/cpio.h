// The initramfs archive format: cpio "newc" (magic "070701") and newc with checksums
// ("070702"), read from a buffer in memory without allocating.
//
//   CpioError error;
//   auto summary = parse_cpio(data, size, [&](const CpioEntry& entry) -> Result<void> {
//       ... create entry.name in the VFS ...
//       return ok();
//   }, &error);
//   if (summary.is_error()) klog("initramfs: %s at byte %zu", error.what, error.offset);
//
// Format (the kernel's Documentation/driver-api/early-userspace/buffer-format.rst): each
// entry is a 110-byte header of 8-hex-digit fields, the NUL-terminated name padded so header
// plus name is a multiple of 4 bytes, then the data padded to a multiple of 4. An entry
// named "TRAILER!!!" ends an archive. Several archives may follow each other in one buffer
// (the initramfs convention), each starting on a 4-byte boundary, with any number of zero
// bytes between them. Compressed archives are not supported (a gzip magic is reported).
//
// Everything the parser delivers has been checked: the header and its fields, the name, the
// data and the padding lie inside the buffer; the name is a relative path with no empty,
// "." or ".." component (an initramfs cannot escape the root); the file type is one Linux
// knows; only regular files and symlinks carry data; the "070702" checksum matches. The
// first problem stops the parse with Errno::einval and a CpioError saying what and where,
// after every valid entry before it has been delivered.
//
// Hard links. newc has no link entries: every name of a multiply-linked file is a full
// entry, all with the same (dev_major, dev_minor, ino) and nlink >= 2, and GNU cpio writes
// the data only with the LAST of them (the others have size 0). Inode numbers are scoped to
// one archive: concatenated archives number their files independently. A consumer that
// keeps hard links does what Linux's init/initramfs.c does:
//   - for an entry where entry.may_be_hard_link() holds, look entry.inode_key() up in a
//     table of the files created so far from this archive;
//   - not found: create the file (empty if size is 0) and remember key -> file;
//   - found: make entry.name a hard link to the remembered file, and if the entry carries
//     data (size > 0) write it into that file (it is the same inode);
//   - the table may be emptied at every CpioEntry::archive_index change.
// A consumer that does not care about links may create an independent file per entry, but
// must then accept that all names except one are empty files.
#pragma once

#include <type_traits>

#include "../abi/stat.h"
#include "../lib/result.h"
#include "../lib/string_view.h"
#include "../lib/types.h"

namespace kernel {

// Identifies one file (inode) of an archive; equal keys are hard links to one file.
struct CpioInodeKey {
    u32 archive_index = 0;
    u32 dev_major = 0;
    u32 dev_minor = 0;
    u32 ino = 0;

    bool operator==(const CpioInodeKey&) const = default;
};

struct CpioEntry {
    // The path relative to the root, without a leading "./" or "/" and without the NUL;
    // never empty, no empty, "." or ".." component, each component at most NAME_MAX bytes.
    // Points into the archive buffer.
    StringView name;
    abi::mode_t mode = 0;  // file type (abi::s_ifreg, ...) and permission bits, as Linux
    u32 uid = 0;
    u32 gid = 0;
    u32 nlink = 0;
    u32 mtime = 0;  // seconds since the epoch
    // Where the archived file lived (with ino: which entries are hard links to each other).
    u32 dev_major = 0;
    u32 dev_minor = 0;
    u32 ino = 0;
    // The device a character or block special file stands for.
    u32 rdev_major = 0;
    u32 rdev_minor = 0;
    // Regular files: the contents (size 0 for all but one name of a hard-linked file).
    // Symlinks: the target, not NUL-terminated, never empty. Otherwise null and 0.
    const u8* data = nullptr;
    u32 size = 0;
    // Which archive of a concatenation this entry belongs to (0 for the first one).
    u32 archive_index = 0;
    // Byte offset of the entry's header in the buffer (for messages).
    usize offset = 0;

    abi::mode_t type() const { return mode & abi::s_ifmt; }
    abi::mode_t permissions() const { return mode & 07777; }
    bool is_regular() const { return abi::s_isreg(mode); }
    bool is_directory() const { return abi::s_isdir(mode); }
    bool is_symlink() const { return abi::s_islnk(mode); }
    StringView symlink_target() const { return {reinterpret_cast<const char*>(data), size}; }
    // Another entry of the same archive may name the same file (see "Hard links" above).
    bool may_be_hard_link() const { return nlink >= 2 && !is_directory() && !is_symlink(); }
    CpioInodeKey inode_key() const { return {archive_index, dev_major, dev_minor, ino}; }
};

// What stopped a parse: a fixed description and the byte offset in the buffer where the
// offending header, field, name or data starts.
struct CpioError {
    const char* what = nullptr;
    usize offset = 0;
};

struct CpioSummary {
    usize entries = 0;   // delivered entries
    usize skipped = 0;   // entries naming the root itself ("." or "/"), not delivered
    usize archives = 0;  // archives read (trailers seen)
};

// Reads entries one at a time. next() gives true and fills `entry`, false at the clean end
// of the buffer (after at least one whole archive and nothing but zero bytes after the last
// trailer), or Errno::einval for malformed input, after which error() says what and where
// and every further call fails the same way.
class CpioReader {
public:
    CpioReader(const u8* data, usize size) : data_(data), size_(size) {}

    Result<bool> next(CpioEntry& entry);

    const CpioError& error() const { return error_; }
    const CpioSummary& summary() const { return summary_; }
    // Offset of the first byte not consumed yet.
    usize position() const { return position_; }

private:
    Errno fail(const char* what, usize offset);
    Result<void> start_archive();

    const u8* data_;
    usize size_;
    usize position_ = 0;
    bool in_archive_ = false;
    bool failed_ = false;
    CpioError error_;
    CpioSummary summary_;
};

// Called once per entry; an error stops the parse and parse_cpio returns it.
using CpioCallback = Result<void> (*)(void* context, const CpioEntry& entry);

// Delivers every entry of the archive(s) in `data` to `callback`, in archive order. On
// malformed input returns Errno::einval and, when `error` is given, fills it; a callback's
// error is returned as is, with error->what "entry rejected by the consumer" and the entry's
// offset.
Result<CpioSummary> parse_cpio(const u8* data, usize size, CpioCallback callback, void* context,
                               CpioError* error = nullptr);

// The same with any callable `Result<void>(const CpioEntry&)`, e.g. a capturing lambda.
template <typename Visitor>
    requires std::is_invocable_r_v<Result<void>, Visitor&, const CpioEntry&>
Result<CpioSummary> parse_cpio(const u8* data, usize size, Visitor&& visitor, CpioError* error = nullptr) {
    using VisitorType = std::remove_reference_t<Visitor>;
    CpioCallback trampoline = [](void* context, const CpioEntry& entry) -> Result<void> {
        return (*static_cast<VisitorType*>(context))(entry);
    };
    return parse_cpio(data, size, trampoline, const_cast<void*>(static_cast<const void*>(&visitor)), error);
}

}  // namespace kernel
