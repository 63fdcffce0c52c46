#include "cpio.h"

#include "../lib/string.h"

namespace kernel {
namespace {

constexpr usize header_size = 110;  // "070701" + 13 fields of 8 hex digits
constexpr usize field_count = 13;
constexpr usize field_width = 8;
constexpr usize magic_size = 6;

// The header fields in archive order.
enum Field : usize {
    field_ino, field_mode, field_uid, field_gid, field_nlink, field_mtime, field_filesize,
    field_dev_major, field_dev_minor, field_rdev_major, field_rdev_minor, field_namesize,
    field_check,
};

constexpr char trailer_name[] = "TRAILER!!!";

// Value of an 8-hex-digit field; false when a character is not a hex digit.
bool parse_hex(const u8* text, u32& value) {
    u32 result = 0;
    for (usize i = 0; i < field_width; ++i) {
        u8 c = text[i];
        u32 digit;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        else return false;
        result = (result << 4) | digit;
    }
    value = result;
    return true;
}

bool known_file_type(abi::mode_t mode) {
    switch (mode & abi::s_ifmt) {
    case abi::s_ifreg:
    case abi::s_ifdir:
    case abi::s_iflnk:
    case abi::s_ifchr:
    case abi::s_ifblk:
    case abi::s_ififo:
    case abi::s_ifsock: return true;
    default: return false;
    }
}

// Strips the leading "./" and "/" of an archived name.
StringView strip_root_prefix(StringView name) {
    for (;;) {
        if (name.starts_with("./")) name = name.substring(2);
        else if (name.starts_with("/")) name = name.substring(1);
        else return name;
    }
}

// Null when every component of `path` (already stripped, not empty) is a real name; else why not.
const char* path_problem(StringView path) {
    usize start = 0;
    for (;;) {
        usize end = start;
        while (end < path.length() && path[end] != '/') ++end;
        StringView component = path.substring(start, end - start);
        if (component.is_empty()) return "empty path component";
        if (component == ".") return "'.' path component";
        if (component == "..") return "'..' path component";
        if (component.length() > abi::name_max) return "path component longer than NAME_MAX";
        if (end == path.length()) return nullptr;
        start = end + 1;
    }
}

}  // namespace

Errno CpioReader::fail(const char* what, usize offset) {
    failed_ = true;
    error_ = {what, offset};
    return Errno::einval;
}

// At an archive boundary: skips the zero padding and checks that what follows can start an
// archive. Leaves position_ == size_ when only zeros are left.
Result<void> CpioReader::start_archive() {
    while (position_ < size_ && data_[position_] == 0) ++position_;
    if (position_ == size_) return ok();
    if (size_ - position_ >= 2 && data_[position_] == 0x1f && data_[position_ + 1] == 0x8b)
        return fail("compressed initramfs not supported (gzip)", position_);
    if (position_ % 4 != 0) return fail("archive does not start on a 4-byte boundary", position_);
    in_archive_ = true;
    return ok();
}

Result<bool> CpioReader::next(CpioEntry& entry) {
    if (failed_) return Errno::einval;
    for (;;) {
        if (!in_archive_) {
            TRY(start_archive());
            if (!in_archive_) {
                if (summary_.archives == 0) return fail("no cpio archive in the buffer", position_);
                return false;
            }
        }

        // The header. position_ is 4-byte aligned here and < size_.
        const usize offset = position_;
        const usize remaining = size_ - offset;
        const u8* header = data_ + offset;
        bool with_checksum = false;
        if (remaining >= magic_size) {
            if (kstd::memcmp(header, "070702", magic_size) == 0) with_checksum = true;
            else if (kstd::memcmp(header, "070701", magic_size) != 0)
                return fail("bad magic (not a newc cpio header)", offset);
        }
        if (remaining < header_size) return fail("truncated header", offset);
        u32 fields[field_count];
        for (usize i = 0; i < field_count; ++i) {
            usize field_offset = magic_size + i * field_width;
            if (!parse_hex(header + field_offset, fields[i]))
                return fail("non-hex digit in a header field", offset + field_offset);
        }

        // The name: NUL-terminated, the NUL its only one, header + name padded to 4 bytes.
        const usize name_offset = offset + header_size;
        const usize name_size = fields[field_namesize];
        if (name_size == 0) return fail("name size 0", offset);
        if (name_size > abi::path_max) return fail("name longer than PATH_MAX", offset);
        if (name_size > remaining - header_size) return fail("name extends beyond the buffer", name_offset);
        const char* raw_name = reinterpret_cast<const char*>(data_ + name_offset);
        if (raw_name[name_size - 1] != '\0') return fail("name not NUL-terminated", name_offset);
        if (kstd::strnlen(raw_name, name_size) != name_size - 1) return fail("NUL inside the name", name_offset);
        const usize data_offset = align_up(header_size + name_size, usize(4)) + offset;
        if (data_offset > size_) return fail("name padding extends beyond the buffer", name_offset);

        // The data and its padding.
        const usize file_size = fields[field_filesize];
        if (file_size > size_ - data_offset) return fail("file data extends beyond the buffer", data_offset);
        const usize padded_file_size = align_up(file_size, usize(4));
        if (padded_file_size > size_ - data_offset)
            return fail("data padding extends beyond the buffer", data_offset + file_size);
        const usize record_end = data_offset + padded_file_size;
        const u8* file_data = data_ + data_offset;

        StringView raw(raw_name, name_size - 1);
        if (raw == trailer_name) {
            position_ = record_end;
            in_archive_ = false;
            ++summary_.archives;
            continue;
        }

        const abi::mode_t mode = fields[field_mode];
        if (mode & ~(abi::s_ifmt | 07777)) return fail("mode has bits beyond file type and permissions", offset);
        if (!known_file_type(mode)) return fail("unknown file type", offset);
        const bool carries_data = abi::s_isreg(mode) || abi::s_islnk(mode);
        if (!carries_data && file_size != 0) return fail("data on an entry that is not a file or symlink", offset);
        if (abi::s_islnk(mode)) {
            if (file_size == 0) return fail("empty symlink target", data_offset);
            if (file_size >= abi::path_max) return fail("symlink target longer than PATH_MAX", data_offset);
            for (usize i = 0; i < file_size; ++i)
                if (file_data[i] == 0) return fail("NUL inside a symlink target", data_offset + i);
        }
        if (with_checksum && abi::s_isreg(mode)) {
            u32 sum = 0;
            for (usize i = 0; i < file_size; ++i) sum += file_data[i];
            if (sum != fields[field_check]) return fail("checksum mismatch (070702)", data_offset);
        }

        StringView name = strip_root_prefix(raw);
        if (name.is_empty() || name == ".") {
            // The root directory itself: it exists already.
            position_ = record_end;
            ++summary_.skipped;
            continue;
        }
        if (const char* problem = path_problem(name)) return fail(problem, name_offset);

        entry = {};
        entry.name = name;
        entry.mode = mode;
        entry.uid = fields[field_uid];
        entry.gid = fields[field_gid];
        entry.nlink = fields[field_nlink];
        entry.mtime = fields[field_mtime];
        entry.dev_major = fields[field_dev_major];
        entry.dev_minor = fields[field_dev_minor];
        entry.ino = fields[field_ino];
        entry.rdev_major = fields[field_rdev_major];
        entry.rdev_minor = fields[field_rdev_minor];
        entry.data = carries_data ? file_data : nullptr;
        entry.size = carries_data ? fields[field_filesize] : 0;
        entry.archive_index = static_cast<u32>(summary_.archives);
        entry.offset = offset;

        position_ = record_end;
        ++summary_.entries;
        return true;
    }
}

Result<CpioSummary> parse_cpio(const u8* data, usize size, CpioCallback callback, void* context, CpioError* error) {
    CpioReader reader(data, size);
    CpioEntry entry;
    for (;;) {
        auto more = reader.next(entry);
        if (more.is_error()) {
            if (error) *error = reader.error();
            return more.error();
        }
        if (!more.value()) return reader.summary();
        auto delivered = callback(context, entry);
        if (delivered.is_error()) {
            if (error) *error = {"entry rejected by the consumer", entry.offset};
            return delivered.error();
        }
    }
}

}  // namespace kernel
