// SPDX-License-Identifier: GPL-2.0
/*
 * podvol: a read or write's data, cut into one bio_vec list per stripe.
 *
 * The chunks of a bio that land on one stripe of an extent are contiguous
 * on that stripe's member (pv_map_chunk()), so each member can be sent one
 * bio holding all of them: a bio_vec table of its own that shares the
 * bio's pages, cut at chunk boundaries.  pv_gather_count() says how many
 * pieces each stripe's table needs and pv_gather_fill() adds them, each in
 * one walk over the bio's bio_vecs whatever the width, so a pass that
 * builds every member's bio walks the data twice.
 *
 * A piece is a multi-page segment (mp_bvec_iter_bvec()) cut only where a
 * chunk ends: a bio of large folios takes one piece per chunk, not one per
 * page, as bio_split() would share them.
 */
#include "gather.h"

/*
 * The pieces of @bio's data in [its start, @lend), which lies in extent
 * @e, that land on each stripe, in @segs[0 .. @e->width - 1].
 */
void pv_gather_count(const struct pv_extent *e, u32 chunk_shift,
		     const struct bio *bio, u64 lend, u32 *segs)
{
	struct bvec_iter it = bio->bi_iter;
	u64 pos = it.bi_sector;

	memset(segs, 0, e->width * sizeof(*segs));
	while (pos < lend) {
		u32 s;
		u64 run = min(pv_map_chunk(e, chunk_shift, pos, &s), lend - pos);
		unsigned int bytes = run << SECTOR_SHIFT;

		pos += run;
		while (bytes) {
			unsigned int len = min(mp_bvec_iter_len(bio->bi_io_vec, it),
					       bytes);

			segs[s]++;
			bvec_iter_advance_single(bio->bi_io_vec, &it, len);
			bytes -= len;
		}
	}
}

/*
 * Add the pieces of @bio's data in [its start, @lend) that land on stripe
 * s of extent @e to @mb[s], in order, for every stripe whose @mb[s] is not
 * NULL; each @mb[s] needs room for what pv_gather_count() counted for it.
 * The data of a stripe without a bio is stepped over a bio_vec at a time.
 */
void pv_gather_fill(const struct pv_extent *e, u32 chunk_shift,
		    const struct bio *bio, u64 lend, struct bio *const *mb)
{
	struct bvec_iter it = bio->bi_iter;
	u64 pos = it.bi_sector;

	while (pos < lend) {
		u32 s;
		u64 run = min(pv_map_chunk(e, chunk_shift, pos, &s), lend - pos);
		unsigned int bytes = run << SECTOR_SHIFT;

		pos += run;
		if (!mb[s]) {
			bvec_iter_advance(bio->bi_io_vec, &it, bytes);
			continue;
		}
		while (bytes) {
			struct bio_vec bv = mp_bvec_iter_bvec(bio->bi_io_vec, it);
			unsigned int len = min(bv.bv_len, bytes);

			__bio_add_page(mb[s], bv.bv_page, len, bv.bv_offset);
			bvec_iter_advance_single(bio->bi_io_vec, &it, len);
			bytes -= len;
		}
	}
}
