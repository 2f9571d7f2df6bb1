/* SPDX-License-Identifier: GPL-2.0 */
/* Direct access to member disks: signatures, metadata, size. */
#ifndef PODVOLCTL_DISK_H
#define PODVOLCTL_DISK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Look for anything libblkid recognises (filesystem, RAID/LVM member,
 * swap, partition table).  Returns 1 and a description in @what when
 * found, 0 when the disk looks blank, -1 on error (printed).
 */
int disk_foreign_signature(const char *path, char *what, size_t len);

/*
 * Is the block device held by someone (mounted, a pool member, dm/md)?
 * Returns 1 busy, 0 free, -1 error (printed).
 */
int disk_in_use(const char *path);

/* Size in bytes of a block device or regular file (image). */
int disk_size(int fd, uint64_t *bytes);

/*
 * Read @len bytes at @off with O_DIRECT semantics when possible so that
 * what the kernel wrote through bios is what we see, not stale page
 * cache.  @fd from disk_open_direct().
 */
int disk_open_direct(const char *path);
int disk_pread(int fd, void *buf, size_t len, uint64_t off);

#endif

#include <linux/podvol.h>

/*
 * Does either metadata slot start with the podvol magic?  Valid or not, a
 * disk that has it belonged to a pool.  Returns 1 (pool name and uuid from
 * the newer-looking copy), 0, or -errno.
 */
int disk_podvol_signature(const char *path, char *pool, size_t len,
			  uint8_t uuid[PODVOL_UUID_SIZE]);

/* The same for a member that starts @base bytes into @path (a partition). */
int disk_podvol_signature_at(const char *path, uint64_t base, char *pool,
			     size_t len, uint8_t uuid[PODVOL_UUID_SIZE]);

/*
 * Erase every signature libblkid finds (as wipefs -a).  For --force only.
 * Returns the number erased, or -1 (printed).
 */
int disk_wipe_signatures(const char *path);
