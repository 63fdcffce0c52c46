// Character devices by number: a driver registers an opener for a major number (and a minor
// range); opening any device node with that number, wherever it lives (devfs, a tmpfs made
// by mknod), gets the driver's OpenFile.
#pragma once

#include "open_file.h"

namespace kernel {

using CharacterDeviceOpener = Result<RefPtr<OpenFile>> (*)(const Path& path, Inode& node, int flags);

// Registers `opener` for major `major`, minors [first_minor, first_minor + count) (EBUSY on
// overlap, ENOSPC when the table is full).
Result<void> register_character_device(u32 major, u32 first_minor, u32 count, CharacterDeviceOpener opener);
// Opens the character device `node` (ENXIO when no driver has its number).
Result<RefPtr<OpenFile>> open_character_device(const Path& path, Inode& node, int flags);

}  // namespace kernel
