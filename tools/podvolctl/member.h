/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a member disk's two metadata slots with the driver's codec. */
#ifndef PODVOLCTL_MEMBER_H
#define PODVOLCTL_MEMBER_H

#include <stdbool.h>
#include <stdint.h>

struct pv_meta;

struct slot_read {
	int err;		/* 0, or -errno from pv_meta_decode / the read */
	const char *why;	/* decoder's reason when err */
	bool magic;		/* the slot starts with the podvol magic */
	uint64_t generation;	/* from the raw superblock, when magic */
	struct pv_meta *meta;	/* decoded and validated, when !err */
};

struct member_read {
	const char *path;
	uint64_t disk_bytes;
	struct slot_read slot[2];
	int best;		/* slot with the newest valid generation, or -1 */
};

/*
 * Read and decode both slots of @path.  Returns 0 (look at ->best and the
 * slots), or -errno when the disk cannot be opened/read at all.
 */
int member_read(const char *path, struct member_read *mr);
void member_release(struct member_read *mr);

#endif
