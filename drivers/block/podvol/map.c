// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * podvol stripe mapping and extent allocation.
 *
 * Within an extent the arithmetic is dm-stripe's: logical chunk c of the
 * extent lives on stripe c % width, in row c / width of that stripe's member
 * range.  Chunks are a power of two, so only the division by the width can be
 * slow, and power-of-two widths take a shift instead.
 *
 * Everything here is pure logic (see meta_env.h) so that KUnit and the
 * userspace checker exercise exactly the code the I/O path runs.
 */
#include "map.h"

struct pv_map *pv_map_alloc(u32 nr_extents, u32 nr_stripes, u32 chunk_shift)
{
	struct pv_map *map;
	size_t size = sizeof(*map);

	size += (size_t)nr_extents * sizeof(struct pv_extent);
	size += (size_t)nr_stripes * sizeof(struct pv_stripe);
	map = pv_zalloc(size);
	if (!map)
		return NULL;
	map->nr_extents = nr_extents;
	map->nr_stripes = nr_stripes;
	map->chunk_shift = chunk_shift;
	map->ext = (struct pv_extent *)(map + 1);
	map->stripe = (struct pv_stripe *)(map->ext + nr_extents);
	return map;
}

void pv_map_free(struct pv_map *map)
{
	pv_free(map);
}

/* Derive the cached fields once ext[].lstart/len/width/first are set. */
void pv_map_finish(struct pv_map *map)
{
	u64 pos = 0;
	u32 i;

	map->min_width = 0;
	for (i = 0; i < map->nr_extents; i++) {
		struct pv_extent *e = &map->ext[i];

		e->lstart = pos;
		e->width_shift = is_power_of_2(e->width) ? ilog2(e->width) : -1;
		pos += e->len * e->width;
		if (!map->min_width || e->width < map->min_width)
			map->min_width = e->width;
	}
	map->sectors = pos;
	map->member_mask = 0;
	for (i = 0; i < map->nr_stripes; i++)
		map->member_mask |= 1ULL << (map->stripe[i].member & 63);
}

struct pv_map *pv_map_dup(const struct pv_map *map)
{
	struct pv_map *copy;

	copy = pv_map_alloc(map->nr_extents, map->nr_stripes, map->chunk_shift);
	if (!copy)
		return NULL;
	memcpy(copy->ext, map->ext, map->nr_extents * sizeof(*map->ext));
	memcpy(copy->stripe, map->stripe,
	       map->nr_stripes * sizeof(*map->stripe));
	copy->sectors = map->sectors;
	copy->min_width = map->min_width;
	copy->member_mask = map->member_mask;
	return copy;
}

/* Index of the extent holding @sector; @sector must be below map->sectors. */
u32 pv_map_find(const struct pv_map *map, u64 sector)
{
	u32 lo = 0, hi = map->nr_extents;

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (map->ext[mid].lstart <= sector)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Offset @off inside extent @e -> stripe index and sector offset inside that
 * stripe's member range.
 */
static inline void pv_ext_map(const struct pv_extent *e, u32 chunk_shift,
			      u64 off, u32 *stripe, u64 *result)
{
	u64 chunk = off >> chunk_shift;
	u64 in_chunk = off & ((1ULL << chunk_shift) - 1);
	u64 row;

	if (e->width_shift >= 0) {
		*stripe = chunk & (e->width - 1);
		row = chunk >> e->width_shift;
	} else {
		row = div_u64_rem(chunk, e->width, stripe);
	}
	*result = (row << chunk_shift) + in_chunk;
}

/*
 * Map logical @sector (< map->sectors) to a member and member sector.
 * Returns how many sectors, from @sector on, are contiguous there: the rest
 * of the chunk (extents always end on a chunk boundary of their last row),
 * or of the extent if it is one member wide, as dm-linear would.
 */
u64 pv_map_sector(const struct pv_map *map, u64 sector, u32 *member,
		  u64 *psector)
{
	const struct pv_extent *e = &map->ext[pv_map_find(map, sector)];
	const struct pv_stripe *s;
	u64 off = sector - e->lstart;
	u64 result;
	u32 stripe;

	pv_ext_map(e, map->chunk_shift, off, &stripe, &result);
	s = &map->stripe[e->first + stripe];
	*member = s->member;
	*psector = s->pstart + result;
	if (e->width == 1)
		return e->len - off;
	return (1ULL << map->chunk_shift) -
	       (off & ((1ULL << map->chunk_shift) - 1));
}

/*
 * The stripe of extent @e that logical @sector (inside that extent) lands
 * on, in *@stripe; returns how many sectors from @sector on stay on it (the
 * rest of the chunk).  Walking a range with it visits the chunks of each
 * stripe in the order of their member sectors: a read or write gathers the
 * pieces of one stripe into one member bio this way, and pv_map_range()
 * gives where that bio goes.
 */
u64 pv_map_chunk(const struct pv_extent *e, u32 chunk_shift, u64 sector,
		 u32 *stripe)
{
	u64 off = sector - e->lstart;
	u64 result;

	pv_ext_map(e, chunk_shift, off, stripe, &result);
	return (1ULL << chunk_shift) - (off & ((1ULL << chunk_shift) - 1));
}

/* dm-stripe's stripe_map_range_sector(), on extent offsets. */
static u64 pv_ext_range_sector(const struct pv_extent *e, u32 chunk_shift,
			       u64 off, u32 target)
{
	u64 result;
	u32 stripe;

	pv_ext_map(e, chunk_shift, off, &stripe, &result);
	if (stripe == target)
		return result;
	result &= ~((1ULL << chunk_shift) - 1);
	if (target < stripe)
		result += 1ULL << chunk_shift;
	return result;
}

/*
 * The part of logical [@start, @end) (inside extent @ext) that lands on
 * stripe @stripe of that extent is one contiguous member range; return it in
 * [*pbegin, *pend) and true, or false if it is empty.  Discard and
 * write-zeroes use this to send one request per member.
 */
bool pv_map_range(const struct pv_map *map, u32 ext, u32 stripe,
		  u64 start, u64 end, u64 *pbegin, u64 *pend)
{
	const struct pv_extent *e = &map->ext[ext];
	u64 pstart = map->stripe[e->first + stripe].pstart;
	u64 b, n;

	b = pv_ext_range_sector(e, map->chunk_shift, start - e->lstart, stripe);
	n = pv_ext_range_sector(e, map->chunk_shift, end - e->lstart, stripe);
	if (b >= n)
		return false;
	*pbegin = pstart + b;
	*pend = pstart + n;
	return true;
}

static int pv_range_cmp(const void *a, const void *b)
{
	const struct pv_range *x = a, *y = b;

	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/*
 * Free chunk-aligned ranges of every member, sorted by member and start.
 * Returns the number of ranges in *@out (to be pv_free()d) or -ENOMEM.
 */
static long pv_free_ranges(const struct pv_geom *geom,
			   const struct pv_map *const *maps, u32 nr_maps,
			   struct pv_range **out)
{
	u64 chunk_mask = (u64)geom->chunk_sectors - 1;
	struct pv_range *used, *fr;
	size_t nr_used = 0, nr_free = 0, i;
	u32 m, k;

	for (m = 0; m < nr_maps; m++)
		nr_used += maps[m]->nr_stripes;
	used = pv_zalloc((nr_used + 1) * sizeof(*used));
	fr = pv_zalloc((nr_used + geom->nr_members + 1) * sizeof(*fr));
	if (!used || !fr) {
		pv_free(used);
		pv_free(fr);
		return -ENOMEM;
	}
	nr_used = 0;
	for (m = 0; m < nr_maps; m++) {
		const struct pv_map *map = maps[m];

		for (i = 0; i < map->nr_extents; i++) {
			const struct pv_extent *e = &map->ext[i];

			for (k = 0; k < e->width; k++) {
				const struct pv_stripe *s =
					&map->stripe[e->first + k];

				used[nr_used].member = s->member;
				used[nr_used].start = s->pstart;
				used[nr_used].end = s->pstart + e->len;
				nr_used++;
			}
		}
	}
	pv_sort(used, nr_used, sizeof(*used), pv_range_cmp);

	i = 0;
	for (m = 0; m < geom->nr_members; m++) {
		u64 end = geom->member_sectors[m] & ~chunk_mask;
		u64 cur = geom->data_offset;

		for (; i < nr_used && used[i].member == m; i++) {
			if (used[i].start > cur && cur < end) {
				fr[nr_free].member = m;
				fr[nr_free].start = cur;
				fr[nr_free].end = min(used[i].start, end);
				nr_free++;
			}
			cur = max(cur, used[i].end);
		}
		if (cur < end) {
			fr[nr_free].member = m;
			fr[nr_free].start = cur;
			fr[nr_free].end = end;
			nr_free++;
		}
	}
	pv_free(used);
	*out = fr;
	return nr_free;
}

long pv_space_ranges(const struct pv_geom *geom,
		     const struct pv_map *const *maps, u32 nr_maps,
		     struct pv_range **out)
{
	return pv_free_ranges(geom, maps, nr_maps, out);
}

/* Sort @r by member and start and merge what overlaps or touches. */
u32 pv_ranges_normalize(struct pv_range *r, u32 n)
{
	u32 i, out = 0;

	pv_sort(r, n, sizeof(*r), pv_range_cmp);
	for (i = 0; i < n; i++) {
		if (r[i].start >= r[i].end)
			continue;
		if (out && r[out - 1].member == r[i].member &&
		    r[i].start <= r[out - 1].end) {
			r[out - 1].end = max(r[out - 1].end, r[i].end);
			continue;
		}
		r[out++] = r[i];
	}
	return out;
}

/* The stripes of @map as a range set, in *@out (pv_free()); or -ENOMEM. */
long pv_map_ranges(const struct pv_map *map, struct pv_range **out)
{
	struct pv_range *r;
	u32 i, k, n = 0;

	r = pv_zalloc((map->nr_stripes + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < map->nr_extents; i++) {
		const struct pv_extent *e = &map->ext[i];

		for (k = 0; k < e->width; k++, n++) {
			r[n].member = map->stripe[e->first + k].member;
			r[n].start = map->stripe[e->first + k].pstart;
			r[n].end = r[n].start + e->len;
		}
	}
	*out = r;
	return pv_ranges_normalize(r, n);
}

/*
 * Range sets: *@out = @a minus @b (@subtract) or @a intersected with @b.
 * Returns the number of ranges in *@out (to be pv_free()d) or -ENOMEM.
 */
long pv_ranges_op(const struct pv_range *a, u32 na,
		  const struct pv_range *b, u32 nb, bool subtract,
		  struct pv_range **out)
{
	struct pv_range *r;
	u32 i, j = 0, k;
	long n = 0;

	/* Every overlap of a range of @b with one of @a adds at most one. */
	r = pv_zalloc((2 * (size_t)na + nb + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < na; i++) {
		const struct pv_range *x = &a[i];
		u64 cur = x->start;

		while (j < nb && (b[j].member < x->member ||
				  (b[j].member == x->member &&
				   b[j].end <= x->start)))
			j++;
		for (k = j; k < nb && b[k].member == x->member &&
		     b[k].start < x->end; k++) {
			u64 lo = max(b[k].start, x->start);
			u64 hi = min(b[k].end, x->end);

			if (subtract) {
				if (lo > cur) {
					r[n].member = x->member;
					r[n].start = cur;
					r[n++].end = lo;
				}
				cur = max(cur, hi);
			} else if (lo < hi) {
				r[n].member = x->member;
				r[n].start = lo;
				r[n++].end = hi;
			}
		}
		if (subtract && cur < x->end) {
			r[n].member = x->member;
			r[n].start = cur;
			r[n++].end = x->end;
		}
	}
	*out = r;
	return n;
}

/*
 * The dirty range set after a change from the volume maps @before to
 * @after, when @dirty was it before: what is free afterwards, minus what
 * was free and clean before.  Space a volume gives up becomes dirty; space
 * a volume takes stops being free.  In *@out (pv_free()), or -ENOMEM.
 */
long pv_dirty_after(const struct pv_geom *geom,
		    const struct pv_map *const *before, u32 nr_before,
		    const struct pv_map *const *after, u32 nr_after,
		    const struct pv_range *dirty, u32 nr_dirty,
		    struct pv_range **out)
{
	struct pv_range *fb = NULL, *clean = NULL, *fa = NULL;
	long nfb, nclean, nfa, n = -ENOMEM;

	nfb = pv_free_ranges(geom, before, nr_before, &fb);
	if (nfb < 0)
		return nfb;
	nclean = pv_ranges_op(fb, nfb, dirty, nr_dirty, true, &clean);
	if (nclean < 0)
		goto out;
	nfa = pv_free_ranges(geom, after, nr_after, &fa);
	if (nfa < 0)
		goto out;
	n = pv_ranges_op(fa, nfa, clean, nclean, true, out);
	if (n >= 0)
		n = pv_ranges_normalize(*out, n);
out:
	pv_free(fa);
	pv_free(clean);
	pv_free(fb);
	return n;
}

u64 pv_ranges_sectors(const struct pv_range *r, u32 n)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sum += r[i].end - r[i].start;
	return sum;
}

int pv_space_free(const struct pv_geom *geom,
		  const struct pv_map *const *maps, u32 nr_maps,
		  u64 *member_free)
{
	struct pv_range *fr;
	long n, i;

	n = pv_free_ranges(geom, maps, nr_maps, &fr);
	if (n < 0)
		return n;
	memset(member_free, 0, geom->nr_members * sizeof(*member_free));
	for (i = 0; i < n; i++)
		member_free[fr[i].member] += fr[i].end - fr[i].start;
	pv_free(fr);
	return 0;
}

static struct pv_map *pv_map_truncate(const struct pv_map *old, u64 sectors,
				      u32 chunk_sectors)
{
	u32 n = pv_map_find(old, sectors - 1) + 1;
	const struct pv_extent *last = &old->ext[n - 1];
	struct pv_map *map;
	u64 rows;

	map = pv_map_alloc(n, last->first + last->width, old->chunk_shift);
	if (!map)
		return NULL;
	memcpy(map->ext, old->ext, n * sizeof(*map->ext));
	memcpy(map->stripe, old->stripe, map->nr_stripes * sizeof(*map->stripe));
	rows = DIV_ROUND_UP_ULL(sectors - last->lstart,
				last->width * chunk_sectors);
	map->ext[n - 1].len = rows * chunk_sectors;
	pv_map_finish(map);
	return map;
}

/* The free range of @member starting exactly at @at, or NULL. */
static struct pv_range *pv_range_at(struct pv_range *fr, long n, u32 member,
				    u64 at)
{
	long i;

	for (i = 0; i < n; i++)
		if (fr[i].member == member && fr[i].start == at &&
		    fr[i].end > fr[i].start)
			return &fr[i];
	return NULL;
}

/*
 * Compute a map of @sectors for a volume whose current map is @old (NULL for
 * a new volume), given every map allocated in the pool (@maps may include
 * @old).  Shrinking cuts extents off the end.  Growing first extends the last
 * extent in place when the space right after each of its stripes is free
 * and it is as wide as it can be; otherwise it adds extents striped over
 * every member that still has free space, so that a volume stays striped
 * across all members as long as space allows.  On success *@out is a new map
 * and nothing else changed; -ENOSPC when the pool is too full.
 */
int pv_map_resize(const struct pv_geom *geom,
		  const struct pv_map *const *maps, u32 nr_maps,
		  const struct pv_map *old, u64 sectors, struct pv_map **out)
{
	return pv_map_resize_clean(geom, maps, nr_maps, NULL, 0, old, sectors,
				   out);
}

/*
 * pv_map_resize(), taking new space only outside the range set @dirty (free
 * space that may still hold a deleted volume's data).
 */
int pv_map_resize_clean(const struct pv_geom *geom,
			const struct pv_map *const *maps, u32 nr_maps,
			const struct pv_range *dirty, u32 nr_dirty,
			const struct pv_map *old, u64 sectors,
			struct pv_map **out)
{
	u32 chunk = geom->chunk_sectors, shift = ilog2(chunk);
	u32 nr_ext = 0, nr_st = 0, max_ext, max_st, k;
	struct pv_extent *ext = NULL;
	struct pv_stripe *st = NULL;
	struct pv_range *fr;
	struct pv_map *map;
	u64 covered = 0;
	long nfr;
	int ret = -ENOMEM;

	if (!sectors)
		return -EINVAL;
	if (old && sectors <= old->sectors) {
		map = pv_map_truncate(old, sectors, chunk);
		if (!map)
			return -ENOMEM;
		*out = map;
		return 0;
	}

	nfr = pv_free_ranges(geom, maps, nr_maps, &fr);
	if (nfr < 0)
		return nfr;
	if (nr_dirty) {
		struct pv_range *clean;

		nfr = pv_ranges_op(fr, nfr, dirty, nr_dirty, true, &clean);
		pv_free(fr);
		if (nfr < 0)
			return nfr;
		fr = clean;
	}
	/* Each new extent uses up at least one free range. */
	max_ext = (old ? old->nr_extents : 0) + nfr + 1;
	max_st = (old ? old->nr_stripes : 0) + (nfr + 1) * geom->nr_members;
	ext = pv_zalloc(max_ext * sizeof(*ext));
	st = pv_zalloc(max_st * sizeof(*st));
	if (!ext || !st)
		goto out;
	if (old) {
		nr_ext = old->nr_extents;
		nr_st = old->nr_stripes;
		memcpy(ext, old->ext, nr_ext * sizeof(*ext));
		memcpy(st, old->stripe, nr_st * sizeof(*st));
		covered = old->sectors;
	}

	while (covered < sectors) {
		u64 remaining = sectors - covered, rows, best[PODVOL_MAX_MEMBERS];
		struct pv_range *pick[PODVOL_MAX_MEMBERS];
		u32 nmem = 0;
		long j;

		memset(pick, 0, sizeof(pick));
		memset(best, 0, sizeof(best));
		for (j = 0; j < nfr; j++) {
			u64 len = fr[j].end - fr[j].start;

			if (len >= chunk && len > best[fr[j].member]) {
				if (!best[fr[j].member])
					nmem++;
				best[fr[j].member] = len;
				pick[fr[j].member] = &fr[j];
			}
		}
		if (!nmem) {
			ret = -ENOSPC;
			goto out;
		}

		if (nr_ext && ext[nr_ext - 1].width >= nmem) {
			struct pv_extent *e = &ext[nr_ext - 1];
			u64 avail = ~0ULL;

			for (k = 0; k < e->width; k++) {
				struct pv_stripe *s = &st[e->first + k];
				struct pv_range *r;

				r = pv_range_at(fr, nfr, s->member,
						s->pstart + e->len);
				avail = r ? min(avail, r->end - r->start) : 0;
			}
			if (avail >= chunk) {
				rows = min(avail >> shift,
					   DIV_ROUND_UP_ULL(remaining,
							    e->width * chunk));
				for (k = 0; k < e->width; k++) {
					struct pv_stripe *s = &st[e->first + k];

					pv_range_at(fr, nfr, s->member,
						    s->pstart + e->len)->start +=
						rows << shift;
				}
				e->len += rows << shift;
				covered += (rows << shift) * e->width;
				continue;
			}
		}

		if (nr_ext == max_ext || nr_st + nmem > max_st) {
			ret = -ENOSPC;	/* cannot happen; never overrun */
			goto out;
		}
		rows = ~0ULL;
		for (k = 0; k < geom->nr_members; k++)
			if (pick[k])
				rows = min(rows, best[k] >> shift);
		rows = min(rows, DIV_ROUND_UP_ULL(remaining, nmem * chunk));
		ext[nr_ext].width = nmem;
		ext[nr_ext].first = nr_st;
		ext[nr_ext].len = rows << shift;
		for (k = 0; k < geom->nr_members; k++) {
			if (!pick[k])
				continue;
			st[nr_st].member = k;
			st[nr_st].pstart = pick[k]->start;
			pick[k]->start += rows << shift;
			nr_st++;
		}
		nr_ext++;
		covered += (rows << shift) * nmem;
	}

	map = pv_map_alloc(nr_ext, nr_st, shift);
	if (!map)
		goto out;
	memcpy(map->ext, ext, nr_ext * sizeof(*ext));
	memcpy(map->stripe, st, nr_st * sizeof(*st));
	pv_map_finish(map);
	*out = map;
	ret = 0;
out:
	pv_free(ext);
	pv_free(st);
	pv_free(fr);
	return ret;
}
