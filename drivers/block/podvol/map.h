/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Stripe and extent mapping: pure arithmetic on a volume's extent map, and
 * the extent allocator.  No I/O, no locking: callers own the maps.  Builds in
 * the kernel and in userspace (see meta_env.h).
 */
#ifndef _PODVOL_MAP_H
#define _PODVOL_MAP_H

#include "meta_env.h"
#include <linux/podvol.h>

/* One member range of an extent: chunks of the extent's stripe go here. */
struct pv_stripe {
	u32 member;
	u32 reserved;
	u64 pstart;		/* sectors on the member */
};

struct pv_extent {
	u64 lstart;		/* logical start in the volume, sectors */
	u64 len;		/* sectors on each member (multiple of chunk) */
	u32 width;		/* number of stripes */
	s32 width_shift;	/* log2(width) or -1: fast path */
	u32 first;		/* index of its first stripe in map->stripe */
	u32 reserved;
};

/*
 * A volume's map: extents contiguous from logical sector 0, covering
 * map->sectors.  One allocation holds the struct and both arrays.
 */
struct pv_map {
	u64 sectors;
	u32 chunk_shift;	/* log2(chunk sectors) */
	u32 nr_extents;
	u32 nr_stripes;
	u32 min_width;
	u64 member_mask;	/* members any extent uses */
	struct pv_extent *ext;
	struct pv_stripe *stripe;
};

/* Pool geometry, as far as mapping and allocation need it. */
struct pv_geom {
	u32 nr_members;
	u32 chunk_sectors;	/* power of two */
	u64 data_offset;	/* sectors, multiple of chunk */
	u64 member_sectors[PODVOL_MAX_MEMBERS];
};

/*
 * A range [start, end) of member sectors.  Lists of ranges ("range sets")
 * are kept sorted by member and start, without overlaps or adjacent ranges
 * (pv_ranges_normalize()).
 */
struct pv_range {
	u64 start;
	u64 end;
	u32 member;
	u32 reserved;
};

struct pv_map *pv_map_alloc(u32 nr_extents, u32 nr_stripes, u32 chunk_shift);
void pv_map_free(struct pv_map *map);
void pv_map_finish(struct pv_map *map);
struct pv_map *pv_map_dup(const struct pv_map *map);

u32 pv_map_find(const struct pv_map *map, u64 sector);
u64 pv_map_sector(const struct pv_map *map, u64 sector, u32 *member,
		  u64 *psector);
u64 pv_map_chunk(const struct pv_extent *e, u32 chunk_shift, u64 sector,
		 u32 *stripe);
bool pv_map_range(const struct pv_map *map, u32 ext, u32 stripe,
		  u64 start, u64 end, u64 *pbegin, u64 *pend);

int pv_map_resize(const struct pv_geom *geom,
		  const struct pv_map *const *maps, u32 nr_maps,
		  const struct pv_map *old, u64 sectors, struct pv_map **out);
int pv_map_resize_clean(const struct pv_geom *geom,
			const struct pv_map *const *maps, u32 nr_maps,
			const struct pv_range *dirty, u32 nr_dirty,
			const struct pv_map *old, u64 sectors,
			struct pv_map **out);
int pv_space_free(const struct pv_geom *geom,
		  const struct pv_map *const *maps, u32 nr_maps,
		  u64 *member_free);

long pv_space_ranges(const struct pv_geom *geom,
		     const struct pv_map *const *maps, u32 nr_maps,
		     struct pv_range **out);
long pv_map_ranges(const struct pv_map *map, struct pv_range **out);
u32 pv_ranges_normalize(struct pv_range *r, u32 n);
long pv_ranges_op(const struct pv_range *a, u32 na,
		  const struct pv_range *b, u32 nb, bool subtract,
		  struct pv_range **out);
long pv_dirty_after(const struct pv_geom *geom,
		    const struct pv_map *const *before, u32 nr_before,
		    const struct pv_map *const *after, u32 nr_after,
		    const struct pv_range *dirty, u32 nr_dirty,
		    struct pv_range **out);
u64 pv_ranges_sectors(const struct pv_range *r, u32 n);

#endif /* _PODVOL_MAP_H */
