/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cutting a read or write's data into one bio_vec list per stripe of an
 * extent (gather.c).  No I/O and no locking: the I/O path (volume.c) and
 * KUnit (map_kunit.c) call it on bios they own.
 */
#ifndef _PODVOL_GATHER_H
#define _PODVOL_GATHER_H

#include <linux/bio.h>

#include "map.h"

void pv_gather_count(const struct pv_extent *e, u32 chunk_shift,
		     const struct bio *bio, u64 lend, u32 *segs);
void pv_gather_fill(const struct pv_extent *e, u32 chunk_shift,
		    const struct bio *bio, u64 lend, struct bio *const *mb);

#endif /* _PODVOL_GATHER_H */
