// /dev/kmsg (1,11): the kernel log as records, the interface of Linux's
// Documentation/ABI/testing/dev-kmsg.
//
// Reading: each read(2) returns one whole record,
//   "<prefix>,<sequence>,<timestamp in us>,-;<text>\n"
// where prefix = facility * 8 + level and the text has bytes below 0x20, from 0x7f on and
// the backslash written as "\xHH". A buffer too small for the record gives EINVAL (the
// record stays next); with no new record, O_NONBLOCK gives EAGAIN, else the read blocks
// until the kernel logs one. A reader whose next record was overwritten gets EPIPE once
// and continues from the oldest kept record. A new open starts at the oldest record.
// lseek(fd, 0, SEEK_SET) (and SEEK_DATA: Newt has no syslog(2) clear yet) goes back to the
// oldest record, lseek(fd, 0, SEEK_END) to after the newest; a non-zero offset is ESPIPE,
// other whence values EINVAL. poll: readable when a record is waiting (and POLLERR|POLLPRI
// when records were lost); a write-only open polls as POLLERR|POLLNVAL.
//
// Writing: each write(2) logs one record (EINVAL over LogRing::max_text = 1024 bytes). A
// leading "<N>" sets the level (N & 7) and, when N >= 8, the facility (N >> 3); without it
// the level is 4 (warning, Linux's default message level) and the facility 1 (user). One
// trailing newline is dropped. Writes are not rate-limited (Linux's printk.devkmsg=on).
#pragma once

#include "../fs/open_file.h"

namespace kernel {

Result<RefPtr<OpenFile>> open_kmsg_device(const Path& path, Inode& node, int flags);

}  // namespace kernel
