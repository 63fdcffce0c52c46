// File syscalls: descriptors, reading and writing, attributes, the file tree, waiting for
// descriptors. One header per sub-family; the dispatcher includes them all through here.
#pragma once

#include "fs_descriptors.h"
#include "fs_io.h"
#include "fs_metadata.h"
#include "fs_poll.h"
#include "fs_tree.h"
