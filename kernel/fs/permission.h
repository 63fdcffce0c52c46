// Permission checks on inodes, with Linux's rules (see credentials.h for the superuser).
#pragma once

#include "credentials.h"
#include "inode.h"

namespace kernel {

enum AccessMask : int { may_execute = 1, may_write = 2, may_read = 4 };

// EACCES unless `credentials` may access `inode` as `mask` (AccessMask bits) asks.
Result<void> check_permission(const Inode& inode, const Credentials& credentials, int mask);

// Whether `credentials` owns `inode` or is the superuser (chmod, utimes with explicit
// times, sticky-directory deletion).
bool is_owner_or_superuser(const Inode& inode, const Credentials& credentials);

// Removing or renaming `victim` out of `directory`: write and search permission on the
// directory, and in a sticky directory ownership of the file or the directory (EPERM).
Result<void> check_may_delete(const Inode& directory, const Inode& victim, const Credentials& credentials);

}  // namespace kernel
