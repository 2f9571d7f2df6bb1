// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for podvol's stripe mapping and extent allocator (map.c).
 *
 * The mapping is checked differentially: random geometries (member counts,
 * chunk sizes, extent layouts) are expanded chunk by chunk into an explicit
 * table, and random unaligned I/Os are mapped both ways.  The allocator is
 * run through random create/grow/shrink/delete sequences on pools of
 * unequal members, and every resulting layout must pass the metadata
 * validator (in range, no overlaps, sizes covered).
 *
 * The I/O path's gathering of a bio's data per member (gather.c) is checked
 * against the same mapping sector by sector, on bios of misaligned,
 * multi-page bio_vecs that start part-way into their table and cross
 * extent boundaries.
 *
 * This module builds map.c and gather.c (and meta_kunit.c builds meta.c)
 * into itself so it tests exactly the code podvol.ko runs.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sched.h>

#include "map.c"
#include "gather.c"
#include "meta.h"
#include "pv_kunit.h"

struct ref_chunk {
	u32 member;
	u64 pchunk;	/* member sector of the chunk start */
};

/* Expand @map into one entry per logical chunk, the obvious way. */
static struct ref_chunk *ref_build(const struct pv_map *map, u32 chunk)
{
	struct ref_chunk *ref;
	u64 n = map->sectors / chunk, c = 0, row;
	u32 i, s;

	ref = kvcalloc(n, sizeof(*ref), GFP_KERNEL);
	if (!ref)
		return NULL;
	for (i = 0; i < map->nr_extents; i++) {
		const struct pv_extent *e = &map->ext[i];

		for (row = 0; row < e->len / chunk; row++)
			for (s = 0; s < e->width; s++, c++) {
				ref[c].member = map->stripe[e->first + s].member;
				ref[c].pchunk = map->stripe[e->first + s].pstart +
						row * chunk;
			}
	}
	return ref;
}

/*
 * A random range [*@start, *@end) inside a random extent of @map, of up to
 * @rows rows of chunks; returns the extent's index.
 */
static u32 random_range(struct pv_rng *r, const struct pv_map *map, u32 rows,
			u64 *start, u64 *end)
{
	u32 ei = pv_rnd(r, map->nr_extents);
	const struct pv_extent *e = &map->ext[ei];
	u64 elen = e->len * e->width;

	*start = e->lstart + pv_rnd64(r) % elen;
	*end = *start + 1 + pv_rnd64(r) %
	       min_t(u64, e->lstart + elen - *start,
		     ((u64)rows << map->chunk_shift) * e->width);
	return ei;
}

/* A random map: extents of random width over random distinct members. */
static struct pv_map *random_map(struct pv_rng *r, u32 nr_members, u32 chunk)
{
	u32 nr_ext = 1 + pv_rnd(r, 6), nr_st = 0, i, k;
	u32 widths[8];
	struct pv_map *map;

	for (i = 0; i < nr_ext; i++) {
		widths[i] = 1 + pv_rnd(r, nr_members);
		nr_st += widths[i];
	}
	map = pv_map_alloc(nr_ext, nr_st, ilog2(chunk));
	if (!map)
		return NULL;
	nr_st = 0;
	for (i = 0; i < nr_ext; i++) {
		u32 perm[PODVOL_MAX_MEMBERS];

		for (k = 0; k < nr_members; k++)
			perm[k] = k;
		for (k = nr_members - 1; k > 0; k--) {
			u32 j = pv_rnd(r, k + 1);

			swap(perm[k], perm[j]);
		}
		map->ext[i].width = widths[i];
		map->ext[i].len = (u64)chunk * (1 + pv_rnd(r, 9));
		map->ext[i].first = nr_st;
		for (k = 0; k < widths[i]; k++, nr_st++) {
			map->stripe[nr_st].member = perm[k];
			map->stripe[nr_st].pstart = (u64)chunk * pv_rnd(r, 100000);
		}
	}
	pv_map_finish(map);
	return map;
}

static void pv_map_diff_test(struct kunit *test)
{
	struct pv_rng r = { 0x9e3779b97f4a7c15ULL };
	unsigned int geo, io, bad = 0;

	for (geo = 0; geo < 300 && !bad; geo++) {
		u32 nr_members = 1 + pv_rnd(&r, geo % 4 ? 8 : PODVOL_MAX_MEMBERS);
		u32 chunk = 8U << pv_rnd(&r, 7);
		struct pv_map *map = random_map(&r, nr_members, chunk);
		struct ref_chunk *ref;

		KUNIT_ASSERT_NOT_NULL(test, map);
		ref = ref_build(map, chunk);
		KUNIT_ASSERT_NOT_NULL(test, ref);

		for (io = 0; io < 200 && !bad; io++) {
			u64 start = pv_rnd64(&r) % map->sectors;
			u64 len = 1 + pv_rnd64(&r) % (3ULL * chunk);
			u64 end = min(start + len, map->sectors), pos;

			for (pos = start; pos < end;) {
				u64 ps, n, last;
				u32 m;
				const struct ref_chunk *rc = &ref[pos / chunk];
				const struct pv_extent *e =
					&map->ext[pv_map_find(map, pos)];
				/* One member wide: to the extent's end. */
				u64 want = e->width == 1 ?
					   e->lstart + e->len - pos :
					   chunk - pos % chunk;

				n = pv_map_sector(map, pos, &m, &ps);
				if (m != rc->member ||
				    ps != rc->pchunk + pos % chunk ||
				    n != want) {
					KUNIT_FAIL(test,
						   "geometry %u sector %llu: got member %u sector %llu len %llu, want %u %llu %llu",
						   geo, pos, m, ps, n, rc->member,
						   rc->pchunk + pos % chunk,
						   want);
					bad++;
					break;
				}
				/* The whole piece is contiguous on that member. */
				last = min(pos + n, end) - 1;
				if (ref[last / chunk].member != m ||
				    ref[last / chunk].pchunk + last % chunk !=
				    ps + (last - pos)) {
					KUNIT_FAIL(test, "piece at %llu not contiguous",
						   pos);
					bad++;
					break;
				}
				pos += n;
			}
		}

		/* Discard-style ranges: one contiguous range per stripe. */
		for (io = 0; io < 50 && !bad; io++) {
			u64 start, end;
			u32 ei = random_range(&r, map, 4, &start, &end), s;
			const struct pv_extent *e = &map->ext[ei];

			for (s = 0; s < e->width; s++) {
				u32 member = map->stripe[e->first + s].member;
				u64 lo = ~0ULL, hi = 0, cnt = 0, x, b = 0, n = 0;
				bool got;

				/* Chunk by chunk through the reference table. */
				for (x = start; x < end;) {
					const struct ref_chunk *rc = &ref[x / chunk];
					u64 next = min(end, (x / chunk + 1) * chunk);
					u64 p = rc->pchunk + x % chunk;

					if (rc->member == member) {
						lo = min(lo, p);
						hi = max(hi, p + (next - x));
						cnt += next - x;
					}
					x = next;
				}
				got = pv_map_range(map, ei, s, start, end, &b, &n);
				if (got != !!cnt || (cnt && (b != lo || n != hi ||
							     hi - lo != cnt))) {
					KUNIT_FAIL(test,
						   "range [%llu,%llu) stripe %u: got %d [%llu,%llu) want [%llu,%llu) (%llu sectors)",
						   start, end, s, got, b, n, lo,
						   hi, cnt);
					bad++;
					break;
				}
			}
		}
		kvfree(ref);
		pv_map_free(map);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/*
 * A read or write gathers, per stripe, the chunks pv_map_chunk() finds in
 * logical order, and sends them to pv_map_range()'s member range: each
 * piece must land exactly where the one before it ended there, and the
 * pieces must fill that range.
 */
static void pv_map_gather_test(struct kunit *test)
{
	struct pv_rng r = { 0x5eed };
	unsigned int geo, io, bad = 0;

	for (geo = 0; geo < 200 && !bad; geo++) {
		u32 nr_members = 1 + pv_rnd(&r, geo % 4 ? 8 : PODVOL_MAX_MEMBERS);
		u32 chunk = 8U << pv_rnd(&r, 7);
		struct pv_map *map = random_map(&r, nr_members, chunk);

		KUNIT_ASSERT_NOT_NULL(test, map);
		for (io = 0; io < 50 && !bad; io++) {
			u64 start, end;
			u32 ei = random_range(&r, map, 5, &start, &end), s;
			const struct pv_extent *e = &map->ext[ei];

			for (s = 0; s < e->width && !bad; s++) {
				u64 b = 0, n = 0, at, pos, run, ps;
				bool got;
				u32 st, m;

				got = pv_map_range(map, ei, s, start, end, &b, &n);
				at = b;
				for (pos = start; pos < end; pos += run) {
					run = min(pv_map_chunk(e, map->chunk_shift,
							       pos, &st),
						  end - pos);
					if (st != s)
						continue;
					pv_map_sector(map, pos, &m, &ps);
					if (!got || ps != at ||
					    m != map->stripe[e->first + s].member) {
						KUNIT_FAIL(test,
							   "[%llu,%llu) stripe %u: piece at %llu on member %u sector %llu, want %llu",
							   start, end, s, pos, m,
							   ps, at);
						bad++;
						break;
					}
					at += run;
				}
				if (!bad && got && at != n) {
					KUNIT_FAIL(test,
						   "[%llu,%llu) stripe %u: pieces end at %llu, range at %llu",
						   start, end, s, at, n);
					bad++;
				}
			}
		}
		pv_map_free(map);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* A bio with no device, on a bio_vec table of @nr; NULL if out of memory. */
static struct bio *gt_bio(unsigned short nr)
{
	struct bio *bio = kzalloc(sizeof(*bio), GFP_KERNEL);
	struct bio_vec *bv = kcalloc(max_t(unsigned short, nr, 1),
				     sizeof(*bv), GFP_KERNEL);

	if (!bio || !bv) {
		kfree(bio);
		kfree(bv);
		return NULL;
	}
	bio_init(bio, NULL, bv, nr, REQ_OP_READ);
	return bio;
}

static void gt_bio_free(struct bio *bio)
{
	if (!bio)
		return;
	bio_uninit(bio);
	kfree(bio->bi_io_vec);
	kfree(bio);
}

/* Physical address of every sector of @bio's data, from its iterator. */
static u32 gt_addrs(const struct bio *bio, phys_addr_t *addr, u32 max)
{
	struct bvec_iter it;
	struct bio_vec bv;
	u32 n = 0, off;

	__bio_for_each_bvec(bv, bio, it, bio->bi_iter)
		for (off = 0; off < bv.bv_len && n < max; off += SECTOR_SIZE)
			addr[n++] = PFN_PHYS(page_to_pfn(bv.bv_page)) +
				   bv.bv_offset + off;
	return n;
}

#define GT_ORDER	5	/* the data buffer: 32 pages */
#define GT_SECTORS	((PAGE_SIZE << GT_ORDER) >> SECTOR_SHIFT)

/*
 * pv_gather_count() and pv_gather_fill() on random bios: bio_vecs of
 * random sector-multiple lengths and offsets over one multi-page buffer
 * (so each sector has an address of its own), sometimes physically
 * adjacent, the iterator advanced part-way into the table as a clone's is
 * after an extent, and placed anywhere in an extent, often across its
 * end.  Sector k of stripe s's bio must hold the data of the logical
 * sector that pv_map_sector() maps to that bio's member sector + k, every
 * piece counted is filled, no piece crosses a chunk or a source bio_vec,
 * and none is cut elsewhere.  Filling one stripe alone (the one member per
 * pass fallback) must give the same bio.
 */
static void pv_gather_bio_test(struct kunit *test)
{
	struct pv_rng r = { 0x6a7e };
	struct bio *src = NULL, *mb[PODVOL_MAX_MEMBERS] = { }, *one = NULL;
	phys_addr_t *want, *got;
	unsigned int geo, io, bad = 0;
	struct page *pages;

	pages = alloc_pages(GFP_KERNEL, GT_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	want = kunit_kcalloc(test, GT_SECTORS, sizeof(*want), GFP_KERNEL);
	got = kunit_kcalloc(test, GT_SECTORS, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, got);

	for (geo = 0; geo < 100 && !bad; geo++) {
		u32 nr_members = 1 + pv_rnd(&r, geo % 4 ? 8 : PODVOL_MAX_MEMBERS);
		u32 chunk = 8U << pv_rnd(&r, 4);
		struct pv_map *map = random_map(&r, nr_members, chunk);

		KUNIT_ASSERT_NOT_NULL(test, map);
		for (io = 0; io < 40 && !bad; io++) {
			u32 ei = pv_rnd(&r, map->nr_extents), s, i, k;
			const struct pv_extent *e = &map->ext[ei];
			u64 eend = e->lstart + e->len * e->width;
			u32 segs[PODVOL_MAX_MEMBERS], total = 0, pieces = 0;
			u32 at = pv_rnd(&r, 8), skip, nsec, last_v = ~0U;
			u64 start, lend, pos, last_c = ~0ULL;
			struct bvec_iter it;

			src = gt_bio(64);
			KUNIT_ASSERT_NOT_NULL(test, src);
			/* Misaligned pieces of the buffer, in order. */
			while (src->bi_vcnt < 64 && at < GT_SECTORS - 1) {
				u32 len = 1 + pv_rnd(&r, pv_rnd(&r, 4) ?
						     PAGE_SIZE >> SECTOR_SHIFT :
						     3 * (PAGE_SIZE >> SECTOR_SHIFT));

				len = min(len, (u32)GT_SECTORS - at);
				__bio_add_page(src, pages + (at >> PAGE_SECTORS_SHIFT),
					       len << SECTOR_SHIFT,
					       (at << SECTOR_SHIFT) & ~PAGE_MASK);
				at += len + (pv_rnd(&r, 3) ? 1 + pv_rnd(&r, 4) : 0);
			}
			/* A clone after an earlier extent starts mid-table. */
			skip = pv_rnd(&r, 3) ? 0 :
			       pv_rnd(&r, bio_sectors(src));
			nsec = bio_sectors(src) - skip;
			if (pv_rnd(&r, 3))
				start = e->lstart + pv_rnd64(&r) % (eend - e->lstart);
			else	/* near the extent's end, often across it */
				start = eend - 1 -
					pv_rnd64(&r) % min_t(u64, eend - e->lstart,
							     2ULL * chunk);
			src->bi_iter.bi_sector = start - skip;
			bio_advance_iter(src, &src->bi_iter, skip << SECTOR_SHIFT);
			lend = min(start + nsec, eend);
			gt_addrs(src, want, GT_SECTORS);

			/* How many pieces: one per (chunk, source bio_vec). */
			for (pos = start, it = src->bi_iter; pos < lend; pos++) {
				if (it.bi_idx != last_v ||
				    pos >> map->chunk_shift != last_c)
					pieces++;
				last_v = it.bi_idx;
				last_c = pos >> map->chunk_shift;
				bvec_iter_advance(src->bi_io_vec, &it, SECTOR_SIZE);
			}

			pv_gather_count(e, map->chunk_shift, src, lend, segs);
			for (s = 0; s < e->width; s++) {
				total += segs[s];
				mb[s] = segs[s] ? gt_bio(segs[s]) : NULL;
				KUNIT_ASSERT_TRUE(test, !segs[s] || mb[s]);
			}
			if (total != pieces) {
				KUNIT_FAIL(test,
					   "geometry %u [%llu,%llu): %u pieces counted, want %u",
					   geo, start, lend, total, pieces);
				bad++;
			}
			pv_gather_fill(e, map->chunk_shift, src, lend, mb);

			for (s = 0; s < e->width && !bad; s++) {
				u32 member = map->stripe[e->first + s].member;
				u64 b = 0, n = 0, ps;
				bool in;
				u32 m;

				in = pv_map_range(map, ei, s, start, lend, &b, &n);
				if (in != !!mb[s] ||
				    (mb[s] && (mb[s]->bi_vcnt != segs[s] ||
					       bio_sectors(mb[s]) != n - b))) {
					KUNIT_FAIL(test,
						   "geometry %u [%llu,%llu) stripe %u: %u pieces, %u sectors, range %d [%llu,%llu)",
						   geo, start, lend, s,
						   mb[s] ? mb[s]->bi_vcnt : 0,
						   mb[s] ? bio_sectors(mb[s]) : 0,
						   in, b, n);
					bad++;
					break;
				}
				if (!mb[s])
					continue;
				gt_addrs(mb[s], got, GT_SECTORS);
				/* Every logical sector of the stripe, in order. */
				for (pos = start, k = 0; pos < lend && !bad; pos++) {
					pv_map_sector(map, pos, &m, &ps);
					if (m != member)
						continue;
					if (ps != b + k || got[k] != want[pos - start]) {
						KUNIT_FAIL(test,
							   "geometry %u [%llu,%llu) stripe %u: sector %llu (member %llu) holds %pa, want %pa at member %llu",
							   geo, start, lend, s, pos, ps,
							   &got[k], &want[pos - start],
							   b + k);
						bad++;
					}
					k++;
				}
			}

			/* One stripe alone, as a pass of the fallback fills it. */
			s = pv_rnd(&r, e->width);
			if (!bad && mb[s]) {
				struct bio *only[PODVOL_MAX_MEMBERS] = { };

				one = gt_bio(segs[s]);
				KUNIT_ASSERT_NOT_NULL(test, one);
				only[s] = one;
				pv_gather_fill(e, map->chunk_shift, src, lend, only);
				if (one->bi_vcnt != mb[s]->bi_vcnt ||
				    one->bi_iter.bi_size != mb[s]->bi_iter.bi_size ||
				    memcmp(one->bi_io_vec, mb[s]->bi_io_vec,
					   one->bi_vcnt * sizeof(*one->bi_io_vec))) {
					KUNIT_FAIL(test,
						   "geometry %u [%llu,%llu) stripe %u: filled alone it differs",
						   geo, start, lend, s);
					bad++;
				}
				gt_bio_free(one);
				one = NULL;
			}
			for (i = 0; i < e->width; i++) {
				gt_bio_free(mb[i]);
				mb[i] = NULL;
			}
			gt_bio_free(src);
			src = NULL;
		}
		pv_map_free(map);
		cond_resched();
	}
	__free_pages(pages, GT_ORDER);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

static void pv_map_find_test(struct kunit *test)
{
	struct pv_rng r = { 42 };
	struct pv_map *map = random_map(&r, 5, 16);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, map);
	for (i = 0; i < map->nr_extents; i++) {
		const struct pv_extent *e = &map->ext[i];

		KUNIT_EXPECT_EQ(test, pv_map_find(map, e->lstart), i);
		KUNIT_EXPECT_EQ(test,
				pv_map_find(map, e->lstart + e->len * e->width - 1),
				i);
	}
	pv_map_free(map);
}

/* A pool of unequal members and the volumes allocated in it. */
struct sim_pool {
	struct pv_geom geom;
	struct pv_meta meta;
	struct pv_meta_vol vol[PODVOL_MAX_VOLUMES];
	u32 nr;
};

static void sim_init(struct pv_rng *r, struct sim_pool *p)
{
	u32 i;

	memset(p, 0, sizeof(*p));
	p->geom.nr_members = 1 + pv_rnd(r, 8);
	p->geom.chunk_sectors = 8U << pv_rnd(r, 5);
	p->geom.data_offset = round_up(PODVOL_DATA_OFFSET_MIN / 512,
				       p->geom.chunk_sectors);
	for (i = 0; i < p->geom.nr_members; i++) {
		p->geom.member_sectors[i] = p->geom.data_offset +
			(u64)p->geom.chunk_sectors * (1 + pv_rnd(r, 300)) +
			pv_rnd(r, p->geom.chunk_sectors);
		p->meta.member_uuid[i][0] = i + 1;
	}
	p->meta.geom = p->geom;
	p->meta.generation = 1;
	strscpy(p->meta.pool_name, "sim", sizeof(p->meta.pool_name));
	p->meta.vol = p->vol;
}

static const struct pv_map **sim_maps(struct sim_pool *p)
{
	static const struct pv_map *maps[PODVOL_MAX_VOLUMES];
	u32 i;

	for (i = 0; i < p->nr; i++)
		maps[i] = p->vol[i].map;
	return maps;
}

static u64 sim_free(struct sim_pool *p)
{
	u64 fr[PODVOL_MAX_MEMBERS], sum = 0;
	u32 i;

	if (pv_space_free(&p->geom, sim_maps(p), p->nr, fr))
		return 0;
	for (i = 0; i < p->geom.nr_members; i++)
		sum += fr[i];
	return sum;
}

static u64 map_used(const struct pv_map *m)
{
	u64 u = 0;
	u32 k;

	for (k = 0; k < m->nr_extents; k++)
		u += m->ext[k].len * m->ext[k].width;
	return u;
}

static void pv_alloc_random_test(struct kunit *test)
{
	struct pv_rng r = { 0x12345 };
	struct sim_pool *p;
	unsigned int round, op;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (round = 0; round < 60; round++) {
		u64 capacity = 0;
		u32 i;

		sim_init(&r, p);
		for (i = 0; i < p->geom.nr_members; i++)
			capacity += round_down(p->geom.member_sectors[i],
					       p->geom.chunk_sectors) -
				    p->geom.data_offset;

		for (op = 0; op < 40; op++) {
			u64 fr = sim_free(p), size, used = 0;
			struct pv_map *map = NULL;
			const char *why = "";
			u32 v = pv_rnd(&r, p->nr + 1);
			int ret;

			for (i = 0; i < p->nr; i++)
				used += map_used(p->vol[i].map);
			KUNIT_ASSERT_EQ(test, fr + used, capacity);

			size = 8 * (1 + pv_rnd64(&r) % (capacity / 8 / 3 + 1));
			if (v == p->nr) {
				/* create */
				if (p->nr == PODVOL_MAX_VOLUMES)
					continue;
				ret = pv_map_resize(&p->geom, sim_maps(p), p->nr,
						    NULL, size, &map);
				if (size > fr) {
					KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
					continue;
				}
				if (ret == -ENOSPC)
					continue; /* rounding to full rows */
				KUNIT_ASSERT_EQ(test, ret, 0);
				if (!p->nr)
					/* empty pool: the first rows use all */
					KUNIT_EXPECT_EQ(test, map->ext[0].width,
							p->geom.nr_members);
				p->vol[p->nr].map = map;
				p->vol[p->nr].size = size;
				p->vol[p->nr].uuid[0] = op + 1;
				p->vol[p->nr].uuid[1] = round + 1;
				snprintf(p->vol[p->nr].name,
					 sizeof(p->vol[0].name), "v%u", op);
				p->nr++;
			} else if (pv_rnd(&r, 4) == 0) {
				/* delete */
				pv_map_free(p->vol[v].map);
				p->vol[v] = p->vol[--p->nr];
			} else {
				/* resize: grow or shrink */
				ret = pv_map_resize(&p->geom, sim_maps(p), p->nr,
						    p->vol[v].map, size, &map);
				if (ret == -ENOSPC) {
					KUNIT_EXPECT_GT(test, size,
							p->vol[v].map->sectors);
					continue;
				}
				KUNIT_ASSERT_EQ(test, ret, 0);
				if (size <= p->vol[v].map->sectors)
					KUNIT_EXPECT_LE(test, map->nr_extents,
							p->vol[v].map->nr_extents);
				pv_map_free(p->vol[v].map);
				p->vol[v].map = map;
				p->vol[v].size = size;
			}
			p->meta.nr_volumes = p->nr;
			ret = pv_meta_validate(&p->meta, &why);
			KUNIT_ASSERT_EQ_MSG(test, ret, 0,
					    "round %u op %u: %s", round, op, why);
			cond_resched();
		}
		for (i = 0; i < p->nr; i++)
			pv_map_free(p->vol[i].map);
	}
}

/* Members of unequal size: a volume can use every free chunk. */
static void pv_alloc_unequal_test(struct kunit *test)
{
	struct pv_geom g = {
		.nr_members = 3,
		.chunk_sectors = 128,
		.data_offset = 4096,
		.member_sectors = { 4096 + 128 * 10, 4096 + 128 * 20,
				    4096 + 128 * 30 + 5 },
	};
	struct pv_map *map, *grown;
	const struct pv_map *maps[1];
	u64 fr[3];

	/* 60 chunks in all: 10 rows of 3, then 10 rows of 2, then 10 of 1. */
	KUNIT_ASSERT_EQ(test, pv_map_resize(&g, NULL, 0, NULL, 128 * 60, &map),
			0);
	KUNIT_EXPECT_EQ(test, map->nr_extents, 3U);
	KUNIT_EXPECT_EQ(test, map->ext[0].width, 3U);
	KUNIT_EXPECT_EQ(test, map->ext[1].width, 2U);
	KUNIT_EXPECT_EQ(test, map->ext[2].width, 1U);
	KUNIT_EXPECT_EQ(test, map->min_width, 1U);
	maps[0] = map;
	KUNIT_EXPECT_EQ(test, pv_space_free(&g, maps, 1, fr), 0);
	KUNIT_EXPECT_EQ(test, fr[0] + fr[1] + fr[2], 0ULL);
	KUNIT_EXPECT_EQ(test, pv_map_resize(&g, maps, 1, map, 128 * 61, &grown),
			-ENOSPC);
	pv_map_free(map);

	/* Growing in place keeps a single full-width extent. */
	KUNIT_ASSERT_EQ(test, pv_map_resize(&g, NULL, 0, NULL, 128 * 3, &map),
			0);
	maps[0] = map;
	KUNIT_ASSERT_EQ(test, pv_map_resize(&g, maps, 1, map, 128 * 27, &grown),
			0);
	KUNIT_EXPECT_EQ(test, grown->nr_extents, 1U);
	KUNIT_EXPECT_EQ(test, grown->ext[0].width, 3U);
	KUNIT_EXPECT_EQ(test, grown->sectors, 128ULL * 27);
	pv_map_free(map);
	/* Shrinking cuts whole rows off the end. */
	maps[0] = grown;
	KUNIT_ASSERT_EQ(test, pv_map_resize(&g, maps, 1, grown, 128 * 4, &map),
			0);
	KUNIT_EXPECT_EQ(test, map->sectors, 128ULL * 6);
	pv_map_free(map);
	pv_map_free(grown);
}

#define RS_MEMBERS	3
#define RS_SECTORS	48

/* A random range set over a small space, and the same as a bitmap. */
static u32 rs_random(struct pv_rng *r, struct pv_range *out,
		     bool bits[RS_MEMBERS][RS_SECTORS])
{
	u32 n = 0, m, x;

	memset(bits, 0, sizeof(bool) * RS_MEMBERS * RS_SECTORS);
	for (m = 0; m < RS_MEMBERS; m++) {
		for (x = 0; x < RS_SECTORS; x++) {
			bits[m][x] = pv_rnd(r, 3) == 0 ||
				     (x && bits[m][x - 1] && pv_rnd(r, 4));
			if (!bits[m][x])
				continue;
			if (n && out[n - 1].member == m && out[n - 1].end == x) {
				out[n - 1].end++;
			} else {
				out[n].member = m;
				out[n].start = x;
				out[n++].end = x + 1;
			}
		}
	}
	return n;
}

/* @r (@n ranges) is a normalized range set holding exactly @bits. */
static void rs_expect(struct kunit *test, const struct pv_range *r, long n,
		      bool bits[RS_MEMBERS][RS_SECTORS])
{
	bool got[RS_MEMBERS][RS_SECTORS] = {};
	long i;
	u64 x;

	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_LT(test, r[i].member, (u32)RS_MEMBERS);
		KUNIT_ASSERT_LT(test, r[i].start, r[i].end);
		KUNIT_ASSERT_LE(test, r[i].end, (u64)RS_SECTORS);
		if (i)
			KUNIT_EXPECT_TRUE(test, r[i].member > r[i - 1].member ||
					  (r[i].member == r[i - 1].member &&
					   r[i].start > r[i - 1].end));
		for (x = r[i].start; x < r[i].end; x++)
			got[r[i].member][x] = true;
	}
	KUNIT_EXPECT_EQ(test, memcmp(got, bits, sizeof(got)), 0);
}

/* Range set union (normalize), difference and intersection vs bitmaps. */
static void pv_ranges_test(struct kunit *test)
{
	static bool a[RS_MEMBERS][RS_SECTORS], b[RS_MEMBERS][RS_SECTORS],
		    want[RS_MEMBERS][RS_SECTORS];
	static struct pv_range ra[RS_MEMBERS * RS_SECTORS],
			rb[RS_MEMBERS * RS_SECTORS],
			ru[2 * RS_MEMBERS * RS_SECTORS];
	struct pv_rng r = { 0xd1e7 };
	struct pv_range *out;
	u32 na, nb, nu, round, m, x;
	long n;

	for (round = 0; round < 2000; round++) {
		na = rs_random(&r, ra, a);
		nb = rs_random(&r, rb, b);

		for (m = 0; m < RS_MEMBERS; m++)
			for (x = 0; x < RS_SECTORS; x++)
				want[m][x] = a[m][x] && !b[m][x];
		n = pv_ranges_op(ra, na, rb, nb, true, &out);
		KUNIT_ASSERT_GE(test, n, 0L);
		rs_expect(test, out, n, want);
		pv_free(out);

		for (m = 0; m < RS_MEMBERS; m++)
			for (x = 0; x < RS_SECTORS; x++)
				want[m][x] = a[m][x] && b[m][x];
		n = pv_ranges_op(ra, na, rb, nb, false, &out);
		KUNIT_ASSERT_GE(test, n, 0L);
		rs_expect(test, out, n, want);
		pv_free(out);

		/* Both lists at once, shuffled by reversal: the union. */
		for (nu = 0; nu < na; nu++)
			ru[nu] = ra[na - 1 - nu];
		memcpy(ru + na, rb, nb * sizeof(*rb));
		for (m = 0; m < RS_MEMBERS; m++)
			for (x = 0; x < RS_SECTORS; x++)
				want[m][x] = a[m][x] || b[m][x];
		n = pv_ranges_normalize(ru, na + nb);
		rs_expect(test, ru, n, want);
	}
}

/*
 * Dirty space: a deleted volume's space is dirty, a new volume takes clean
 * space only (or none), a shrink makes the cut-off tail dirty, and what a
 * volume takes is no longer dirty.
 */
static void pv_dirty_test(struct kunit *test)
{
	struct pv_geom g = {
		.nr_members = 2,
		.chunk_sectors = 8,
		.data_offset = 4096,
		.member_sectors = { 4096 + 8 * 16, 4096 + 8 * 16 },
	};
	struct pv_map *a, *b, *small;
	struct pv_range *all, *dirty, *d2, *ar, *both;
	const struct pv_map *maps[2];
	long nall, nd, nd2, nar, nb;

	nall = pv_space_ranges(&g, NULL, 0, &all);
	KUNIT_ASSERT_EQ(test, nall, 2L);
	/* A fresh pool is all dirty: nothing clean to take. */
	KUNIT_EXPECT_EQ(test, pv_map_resize_clean(&g, NULL, 0, all, nall, NULL,
						  8 * 2, &a), -ENOSPC);

	/* Volume a takes half of each member; delete it: that is dirty. */
	KUNIT_ASSERT_EQ(test, pv_map_resize(&g, NULL, 0, NULL, 8 * 16, &a), 0);
	maps[0] = a;
	nd = pv_dirty_after(&g, maps, 1, NULL, 0, NULL, 0, &dirty);
	nar = pv_map_ranges(a, &ar);
	KUNIT_ASSERT_EQ(test, nd, nar);
	KUNIT_EXPECT_EQ(test, memcmp(dirty, ar, nd * sizeof(*ar)), 0);

	/* b must not take any of it; 16 more chunks fit, 17 do not. */
	KUNIT_EXPECT_EQ(test, pv_map_resize_clean(&g, NULL, 0, dirty, nd, NULL,
						  8 * 17, &b), -ENOSPC);
	KUNIT_ASSERT_EQ(test, pv_map_resize_clean(&g, NULL, 0, dirty, nd, NULL,
						  8 * 16, &b), 0);
	maps[0] = b;
	KUNIT_EXPECT_EQ(test, pv_map_ranges(b, &both), 2L);
	pv_free(both);
	nb = pv_map_ranges(b, &both);
	KUNIT_EXPECT_EQ(test, pv_ranges_op(both, nb, dirty, nd, false, &d2),
			0L);
	pv_free(d2);
	pv_free(both);
	/* Creating b leaves the dirty list as it was. */
	nd2 = pv_dirty_after(&g, NULL, 0, maps, 1, dirty, nd, &d2);
	KUNIT_EXPECT_EQ(test, nd2, nd);
	KUNIT_EXPECT_EQ(test, memcmp(d2, dirty, nd * sizeof(*d2)), 0);
	pv_free(d2);

	/* Shrinking b to 4 chunks makes its cut-off 12 chunks dirty. */
	KUNIT_ASSERT_EQ(test, pv_map_resize(&g, maps, 1, b, 8 * 4, &small), 0);
	maps[1] = small;
	nd2 = pv_dirty_after(&g, maps, 1, maps + 1, 1, dirty, nd, &d2);
	KUNIT_ASSERT_GE(test, nd2, 0L);
	KUNIT_EXPECT_EQ(test, pv_ranges_sectors(d2, nd2), 8ULL * (16 + 12));
	/* Deleting small too: every member is one dirty range. */
	nd = pv_dirty_after(&g, maps + 1, 1, NULL, 0, d2, nd2, &both);
	KUNIT_EXPECT_EQ(test, nd, 2L);
	pv_free(both);
	/* Space a volume takes (a again, beside small) is not dirty. */
	maps[0] = a;
	nd = pv_dirty_after(&g, maps + 1, 1, maps, 2, d2, nd2, &both);
	KUNIT_ASSERT_GE(test, nd, 0L);
	KUNIT_EXPECT_EQ(test, pv_ranges_sectors(both, nd), 8ULL * 12);
	pv_free(both);
	pv_free(d2);
	pv_map_free(small);
	pv_map_free(b);
	pv_free(ar);
	pv_free(dirty);
	pv_map_free(a);
	pv_free(all);
}

static struct kunit_case pv_map_cases[] = {
	KUNIT_CASE(pv_map_diff_test),
	KUNIT_CASE(pv_map_gather_test),
	KUNIT_CASE(pv_gather_bio_test),
	KUNIT_CASE(pv_map_find_test),
	KUNIT_CASE(pv_alloc_random_test),
	KUNIT_CASE(pv_alloc_unequal_test),
	KUNIT_CASE(pv_ranges_test),
	KUNIT_CASE(pv_dirty_test),
	{}
};

static struct kunit_suite pv_map_suite = {
	.name = "podvol_map",
	.test_cases = pv_map_cases,
};

kunit_test_suites(&pv_map_suite);

MODULE_DESCRIPTION("KUnit tests for podvol mapping and metadata");
MODULE_LICENSE("GPL");
