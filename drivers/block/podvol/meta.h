/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * podvol metadata codec: struct pv_meta <-> one on-disk metadata slot
 * (struct podvol_sb + volume table, see include/uapi/linux/podvol.h).
 * Pure logic, no I/O; builds in the kernel and in userspace (meta_env.h).
 */
#ifndef _PODVOL_META_H
#define _PODVOL_META_H

#include "map.h"

struct pv_meta_vol {
	u8 uuid[PODVOL_UUID_SIZE];
	char name[PODVOL_NAME_MAX + 1];
	u64 size;		/* sectors */
	u64 ctime;
	struct pv_map *map;
};

struct pv_meta {
	u64 generation;
	u8 pool_uuid[PODVOL_UUID_SIZE];
	char pool_name[PODVOL_NAME_MAX + 1];
	u32 member_index;	/* whose copy this is */
	u32 slot;
	u64 ctime;
	u64 utime;
	u32 table_bytes;	/* filled in by encode and decode */
	u32 table_crc;
	struct pv_geom geom;
	u8 member_uuid[PODVOL_MAX_MEMBERS][PODVOL_UUID_SIZE];
	u32 nr_volumes;
	struct pv_meta_vol *vol;
	/* free space not yet zeroed, a range set; see PODVOL_INCOMPAT_DIRTY */
	bool dirty_known;	/* decode: false for pools without the list */
	u32 nr_dirty;
	struct pv_range *dirty;
};

/* One member's two metadata slots as read at assembly, for pv_meta_pick(). */
struct pv_meta_copies {
	struct pv_meta *slot[2];	/* decoded copy, NULL if none */
	bool damaged[2];		/* unreadable or corrupt (not blank) */
};

int pv_meta_decode(const void *buf, size_t len, struct pv_meta **out,
		   const char **why);
int pv_meta_encode(struct pv_meta *meta, void *buf, size_t len,
		   size_t *used, const char **why);
int pv_meta_validate(const struct pv_meta *meta, const char **why);
void pv_meta_seal(void *buf);
bool pv_meta_extends(const struct pv_meta *a, const struct pv_meta *b);
bool pv_meta_same_pool(const struct pv_meta *a, const struct pv_meta *b);
bool pv_meta_consistent(const struct pv_meta *a, const struct pv_meta *b);
struct pv_meta *pv_meta_pick(const struct pv_meta_copies *c, u32 nr,
			     const struct pv_meta *ref, u32 *repair,
			     const char **why);
void pv_meta_free(struct pv_meta *meta);
bool pv_name_valid(const char *name);

#endif /* _PODVOL_META_H */
