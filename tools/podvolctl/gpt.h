/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GPT podvolctl puts on a whole disk so that the standard tools
 * (blkid, lsblk, wipefs, mkfs, pvcreate, mdadm) see the disk is in use:
 * one partition of type PODVOL_GPT_TYPE named "podvol:POOL", from 1 MiB to
 * the end of the usable space; the partition is the pool member.
 */
#ifndef PODVOLCTL_GPT_H
#define PODVOLCTL_GPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PODVOL_GPT_TYPE		"e5a143ab-3833-4d31-be06-3a3e646f9cfc"
#define PODVOL_GPT_NAME_PREFIX	"podvol:"
#define PODVOL_GPT_START	(1024 * 1024)	/* bytes: the partition's start */

enum disk_kind {
	DISK_PARTITION,		/* a partition: used as it is */
	DISK_WHOLE_GPT,		/* a whole disk the kernel partitions: gets the GPT */
	DISK_WHOLE_RAW,		/* a whole disk without partitions (dm, loop without -P) */
};

/*
 * What kind of device @rdev is; for DISK_WHOLE_RAW, @why says why it
 * cannot hold partitions.  Returns 0, or -1 (printed).
 */
int disk_kind(const char *path, dev_t rdev, enum disk_kind *kind,
	      char *why, size_t len);

/* The whole disk a partition @part belongs to; 0 or -1 (not a partition). */
int disk_parent(dev_t part, dev_t *whole);

/*
 * Plan (@fd < 0: @path opened read-only, nothing written) or write (@fd:
 * @path opened O_RDWR, and flock()ed) the podvol GPT for pool @pool.  The
 * partition's place in bytes goes to @start and @bytes.  Returns 0, or -1
 * (printed).
 */
int gpt_make(const char *path, int fd, const char *pool, uint64_t *start,
	     uint64_t *bytes);

/*
 * Make the kernel read the partition table of the whole disk @fd again
 * (BLKRRPART, retried while a partition is briefly open).  0 or -errno.
 */
int gpt_reread(int fd);

/* /dev/NAME of device @rdev, by its kernel name.  0 or -1. */
int disk_devnode(dev_t rdev, char *path, size_t len);

/* The device node of partition 1 of whole disk @whole.  0 or -1. */
int gpt_partition_path(dev_t whole, char *path, size_t len);

/*
 * Is whole disk @path a podvol GPT disk: a GPT whose one partition,
 * number 1, has PODVOL_GPT_TYPE?
 * Returns 1 (its start in bytes in @start and name in @name), 0, or -1
 * (cannot be read; nothing printed).
 */
int gpt_find_podvol(const char *path, uint64_t *start, char *name,
		    size_t len);

/*
 * The member of disk @path: its podvol partition (in @buf) when @path is a
 * whole disk with the podvol GPT, else @path itself.  For probe and pool
 * add, which are given disks by the names pool create was given.
 */
const char *gpt_member_path(const char *path, char *buf, size_t len);

#endif
