// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the podvol metadata codec (meta.c): encode/decode round
 * trips, and every kind of damaged or hostile slot refused with the right
 * error (bad magic, checksums, unknown version or features, truncation,
 * out-of-range and overlapping extents, broken names and counts), plus a
 * random mutation pass that must never do worse than refuse.
 */
#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>

#include "meta.c"
#include "pv_kunit.h"

#define SLOT	PODVOL_SLOT_SIZE
#define TABLE	PODVOL_SB_SIZE	/* offset of the volume table in a slot */

/* A pool of 4 unequal members with three volumes, ready to encode. */
static struct pv_meta *sample_meta(struct kunit *test)
{
	static const u64 sizes[] = { 300, 3, 1024, 77 };	/* MiB */
	struct pv_meta *m;
	const struct pv_map *maps[3];
	u32 i;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->vol = kunit_kcalloc(test, 3, sizeof(*m->vol), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->vol);
	m->generation = 7;
	m->ctime = 1700000000;
	m->utime = 1700000100;
	strscpy(m->pool_name, "fast", sizeof(m->pool_name));
	memset(m->pool_uuid, 0xab, sizeof(m->pool_uuid));
	m->geom.nr_members = 4;
	m->geom.chunk_sectors = 128;
	m->geom.data_offset = PODVOL_DATA_OFFSET_MIN / 512;
	for (i = 0; i < 4; i++) {
		m->geom.member_sectors[i] = sizes[i] * 2048 + 3;
		memset(m->member_uuid[i], 0x10 + i, PODVOL_UUID_SIZE);
	}
	for (i = 0; i < 3; i++) {
		struct pv_meta_vol *v = &m->vol[i];

		snprintf(v->name, sizeof(v->name), "pod-%u", i);
		memset(v->uuid, 0x30 + i, PODVOL_UUID_SIZE);
		v->size = (i + 1) * 2048 * 5 + 8;
		v->ctime = 1700000000 + i;
		KUNIT_ASSERT_EQ(test, pv_map_resize(&m->geom, maps, i, NULL,
						    v->size, &v->map), 0);
		maps[i] = v->map;
		m->nr_volumes++;
	}
	return m;
}

static void sample_free(struct pv_meta *m)
{
	u32 i;

	for (i = 0; i < m->nr_volumes; i++)
		pv_map_free(m->vol[i].map);
}

static void *sample_slot(struct kunit *test, struct pv_meta *m, size_t *used)
{
	const char *why = "";
	void *buf = vzalloc(SLOT);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ_MSG(test, pv_meta_encode(m, buf, SLOT, used, &why), 0,
			    "%s", why);
	return buf;
}

static void pv_meta_roundtrip_test(struct kunit *test)
{
	struct pv_meta *m = sample_meta(test), *d;
	const char *why = "";
	size_t used;
	void *buf;
	u32 member, i;

	for (member = 0; member < 4; member++) {
		m->member_index = member;
		m->slot = member & 1;
		buf = sample_slot(test, m, &used);
		KUNIT_EXPECT_EQ(test, used % 4096, 0UL);
		KUNIT_ASSERT_EQ_MSG(test, pv_meta_decode(buf, SLOT, &d, &why), 0,
				    "%s", why);
		KUNIT_EXPECT_EQ(test, d->generation, 7ULL);
		KUNIT_EXPECT_EQ(test, d->member_index, member);
		KUNIT_EXPECT_EQ(test, d->slot, member & 1);
		KUNIT_EXPECT_STREQ(test, d->pool_name, "fast");
		KUNIT_EXPECT_EQ(test, d->ctime, m->ctime);
		KUNIT_EXPECT_EQ(test, d->utime, m->utime);
		KUNIT_EXPECT_EQ(test, memcmp(d->pool_uuid, m->pool_uuid, 16), 0);
		KUNIT_EXPECT_EQ(test, memcmp(&d->geom, &m->geom, sizeof(d->geom)),
				0);
		KUNIT_EXPECT_EQ(test, memcmp(d->member_uuid, m->member_uuid,
					     sizeof(d->member_uuid)), 0);
		KUNIT_EXPECT_TRUE(test, pv_meta_consistent(d, m));
		KUNIT_ASSERT_EQ(test, d->nr_volumes, 3U);
		for (i = 0; i < 3; i++) {
			const struct pv_map *a = m->vol[i].map, *b = d->vol[i].map;

			KUNIT_EXPECT_STREQ(test, d->vol[i].name, m->vol[i].name);
			KUNIT_EXPECT_EQ(test, d->vol[i].size, m->vol[i].size);
			KUNIT_EXPECT_EQ(test, d->vol[i].ctime, m->vol[i].ctime);
			KUNIT_EXPECT_EQ(test, memcmp(d->vol[i].uuid,
						     m->vol[i].uuid, 16), 0);
			KUNIT_ASSERT_EQ(test, b->nr_extents, a->nr_extents);
			KUNIT_ASSERT_EQ(test, b->nr_stripes, a->nr_stripes);
			KUNIT_EXPECT_EQ(test, b->sectors, a->sectors);
			KUNIT_EXPECT_EQ(test, memcmp(b->ext, a->ext,
						     a->nr_extents * sizeof(*a->ext)),
					0);
			KUNIT_EXPECT_EQ(test, memcmp(b->stripe, a->stripe,
						     a->nr_stripes *
						     sizeof(*a->stripe)), 0);
		}
		pv_meta_free(d);
		vfree(buf);
	}
	/* An unequal pool: the small member ends the full-width extent. */
	KUNIT_EXPECT_GT(test, m->vol[0].map->nr_extents, 1U);
	KUNIT_EXPECT_EQ(test, m->vol[0].map->ext[0].width, 4U);
	KUNIT_EXPECT_EQ(test, m->vol[2].map->ext[0].width, 3U);
	sample_free(m);
}

/* Offsets of the first volume, extent and stripe records in a slot. */
#define VOL0	TABLE
#define EXT0	(VOL0 + sizeof(struct podvol_vol_rec))
#define STR0	(EXT0 + sizeof(struct podvol_ext_rec))

struct corruption {
	const char *what;
	void (*mutate)(void *buf, size_t *len, const struct pv_meta *m);
	bool reseal;
	int err;
};

#define SB(buf) ((struct podvol_sb *)(buf))
#define VR(buf) ((struct podvol_vol_rec *)((u8 *)(buf) + VOL0))
#define ER(buf) ((struct podvol_ext_rec *)((u8 *)(buf) + EXT0))
#define SR(buf) ((struct podvol_stripe_rec *)((u8 *)(buf) + STR0))

static void c_magic(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->magic ^= cpu_to_le64(1);
}

static void c_zero(void *b, size_t *l, const struct pv_meta *m)
{
	memset(b, 0, SLOT);
}

static void c_sb_byte(void *b, size_t *l, const struct pv_meta *m)
{
	((u8 *)b)[200] ^= 0x40;
}

static void c_table_byte(void *b, size_t *l, const struct pv_meta *m)
{
	((u8 *)b)[TABLE + 300] ^= 0x01;
}

static void c_version(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->version = cpu_to_le32(PODVOL_META_VERSION + 1);
}

static void c_incompat(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->incompat_flags = cpu_to_le32(1U << 31);
}

static void c_vol_flags(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->flags = cpu_to_le32(4);
}

static void c_short_sb(void *b, size_t *l, const struct pv_meta *m)
{
	*l = PODVOL_SB_SIZE - 1;
}

static void c_short_table(void *b, size_t *l, const struct pv_meta *m)
{
	*l = PODVOL_SB_SIZE + le32_to_cpu(SB(b)->table_bytes) - 8;
}

static void c_table_cut(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->table_bytes = cpu_to_le32(le32_to_cpu(SB(b)->table_bytes) - 16);
}

static void c_table_huge(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->table_bytes = cpu_to_le32(0xfffffff0);
}

static void c_more_vols(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->nr_volumes = cpu_to_le32(4);
}

static void c_many_vols(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->nr_volumes = cpu_to_le32(0x7fffffff);
}

static void c_many_extents(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->nr_extents = cpu_to_le32(0xffffffff);
}

static void c_no_extents(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->nr_extents = 0;
}

static void c_pstart_range(void *b, size_t *l, const struct pv_meta *m)
{
	SR(b)->pstart = cpu_to_le64(m->geom.member_sectors[le32_to_cpu(SR(b)->member)]);
}

static void c_pstart_low(void *b, size_t *l, const struct pv_meta *m)
{
	SR(b)->pstart = 0;
}

static void c_pstart_wrap(void *b, size_t *l, const struct pv_meta *m)
{
	SR(b)->pstart = cpu_to_le64(~0ULL & ~127ULL);
}

static void c_pstart_align(void *b, size_t *l, const struct pv_meta *m)
{
	SR(b)->pstart = cpu_to_le64(le64_to_cpu(SR(b)->pstart) + 8);
}

static void c_member_range(void *b, size_t *l, const struct pv_meta *m)
{
	SR(b)->member = cpu_to_le32(4);
}

static void c_member_twice(void *b, size_t *l, const struct pv_meta *m)
{
	SR(b)[1].member = SR(b)[0].member;
}

static void c_width0(void *b, size_t *l, const struct pv_meta *m)
{
	ER(b)->width = 0;
}

static void c_width_big(void *b, size_t *l, const struct pv_meta *m)
{
	ER(b)->width = cpu_to_le32(5);
}

static void c_len_huge(void *b, size_t *l, const struct pv_meta *m)
{
	ER(b)->stripe_sectors = cpu_to_le64(1ULL << 62);
}

static void c_len_align(void *b, size_t *l, const struct pv_meta *m)
{
	ER(b)->stripe_sectors = cpu_to_le64(le64_to_cpu(ER(b)->stripe_sectors) - 8);
}

static void c_lstart(void *b, size_t *l, const struct pv_meta *m)
{
	ER(b)->lstart = cpu_to_le64(128);
}

static void c_vol_size(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->size_sectors = cpu_to_le64(le64_to_cpu(VR(b)->size_sectors) +
					  (1ULL << 40));
}

static void c_vol_size_small(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->size_sectors = cpu_to_le64(8);	/* extents left over */
}

static void c_vol_size0(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->size_sectors = 0;
}

/* Make volume 1's first stripe land on volume 0's first stripe. */
static void c_overlap(void *b, size_t *l, const struct pv_meta *m)
{
	const struct pv_map *m0 = m->vol[0].map;
	size_t v1 = VOL0 + sizeof(struct podvol_vol_rec) +
		m0->nr_extents * sizeof(struct podvol_ext_rec) +
		m0->nr_stripes * sizeof(struct podvol_stripe_rec);
	struct podvol_stripe_rec *s1 = (void *)((u8 *)b + v1 +
		sizeof(struct podvol_vol_rec) + sizeof(struct podvol_ext_rec));

	s1->pstart = SR(b)->pstart;
	s1->member = SR(b)->member;
}

static void c_dup_name(void *b, size_t *l, const struct pv_meta *m)
{
	const struct pv_map *m0 = m->vol[0].map;
	struct podvol_vol_rec *v1 = (void *)((u8 *)b + VOL0 +
		sizeof(struct podvol_vol_rec) +
		m0->nr_extents * sizeof(struct podvol_ext_rec) +
		m0->nr_stripes * sizeof(struct podvol_stripe_rec));

	memcpy(v1->name, VR(b)->name, sizeof(v1->name));
}

static void c_vol_name(void *b, size_t *l, const struct pv_meta *m)
{
	memset(VR(b)->name, 'x', sizeof(VR(b)->name));	/* no NUL */
}

static void c_vol_name_chars(void *b, size_t *l, const struct pv_meta *m)
{
	VR(b)->name[0] = '/';
}

static void c_pool_name(void *b, size_t *l, const struct pv_meta *m)
{
	memset(SB(b)->pool_name, 0, sizeof(SB(b)->pool_name));
}

static void c_members0(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->nr_members = 0;
}

static void c_members_big(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->nr_members = cpu_to_le32(PODVOL_MAX_MEMBERS + 1);
}

static void c_index(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->member_index = cpu_to_le32(4);
}

static void c_member_uuid(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->member_uuid[3] ^= 1;
}

static void c_chunk(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->chunk_sectors = cpu_to_le32(96);
}

static void c_chunk_small(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->chunk_sectors = cpu_to_le32(4);
}

static void c_data_offset(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->data_offset = cpu_to_le64(64);
}

static void c_generation(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->generation = 0;
}

static void c_slot(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->slot = cpu_to_le32(2);
}

static void c_member_small(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->members[1].sectors = cpu_to_le64(100);
}

static void c_trailing(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->table_bytes = cpu_to_le32(le32_to_cpu(SB(b)->table_bytes) + 8);
}

/* A pool without volumes whose data area starts where the first chunk wraps. */
static void c_data_offset_wrap(void *b, size_t *l, const struct pv_meta *m)
{
	SB(b)->nr_volumes = 0;
	SB(b)->table_bytes = 0;
	SB(b)->data_offset = cpu_to_le64(~0ULL & ~(u64)(m->geom.chunk_sectors - 1));
}

/* An extent whose length times its width wraps to a small span. */
static void c_span_wrap(void *b, size_t *l, const struct pv_meta *m)
{
	ER(b)->stripe_sectors = cpu_to_le64(1ULL << 63);
	ER(b)->width = cpu_to_le32(2);
}

static const struct corruption corruptions[] = {
	{ "bad magic", c_magic, true, -ENODATA },
	{ "zeroed slot", c_zero, false, -ENODATA },
	{ "superblock bit flip", c_sb_byte, false, -EBADMSG },
	{ "table bit flip", c_table_byte, false, -EBADMSG },
	{ "unknown version", c_version, true, -EOPNOTSUPP },
	{ "unknown incompat feature", c_incompat, true, -EOPNOTSUPP },
	{ "unknown volume flags", c_vol_flags, true, -EOPNOTSUPP },
	{ "truncated superblock", c_short_sb, false, -EINVAL },
	{ "truncated table (short buffer)", c_short_table, false, -EINVAL },
	{ "truncated table (short table_bytes)", c_table_cut, true, -EINVAL },
	{ "table_bytes beyond the slot", c_table_huge, true, -EINVAL },
	{ "trailing table bytes", c_trailing, true, -EINVAL },
	{ "nr_volumes too large", c_more_vols, true, -EINVAL },
	{ "nr_volumes absurd", c_many_vols, true, -EINVAL },
	{ "nr_extents absurd", c_many_extents, true, -EINVAL },
	{ "no extents", c_no_extents, true, -EINVAL },
	{ "extent beyond member end", c_pstart_range, true, -EINVAL },
	{ "extent in metadata area", c_pstart_low, true, -EINVAL },
	{ "extent start wraps", c_pstart_wrap, true, -EINVAL },
	{ "extent start unaligned", c_pstart_align, true, -EINVAL },
	{ "stripe member out of range", c_member_range, true, -EINVAL },
	{ "stripe member twice", c_member_twice, true, -EINVAL },
	{ "extent width 0", c_width0, true, -EINVAL },
	{ "extent width > members", c_width_big, true, -EINVAL },
	{ "extent length overflows", c_len_huge, true, -EINVAL },
	{ "extent length unaligned", c_len_align, true, -EINVAL },
	{ "extents not contiguous", c_lstart, true, -EINVAL },
	{ "volume larger than extents", c_vol_size, true, -EINVAL },
	{ "volume with spare extents", c_vol_size_small, true, -EINVAL },
	{ "volume size 0", c_vol_size0, true, -EINVAL },
	{ "overlapping extents", c_overlap, true, -EINVAL },
	{ "duplicate volume name", c_dup_name, true, -EINVAL },
	{ "volume name not terminated", c_vol_name, true, -EINVAL },
	{ "volume name with '/'", c_vol_name_chars, true, -EINVAL },
	{ "empty pool name", c_pool_name, true, -EINVAL },
	{ "no members", c_members0, true, -EINVAL },
	{ "too many members", c_members_big, true, -EINVAL },
	{ "member index out of range", c_index, true, -EINVAL },
	{ "member uuid mismatch", c_member_uuid, true, -EINVAL },
	{ "chunk not a power of two", c_chunk, true, -EINVAL },
	{ "chunk below 4 KiB", c_chunk_small, true, -EINVAL },
	{ "data offset in metadata area", c_data_offset, true, -EINVAL },
	{ "generation 0", c_generation, true, -EINVAL },
	{ "slot out of range", c_slot, true, -EINVAL },
	{ "member smaller than its extents", c_member_small, true, -EINVAL },
	{ "data offset plus a chunk wraps", c_data_offset_wrap, true, -EINVAL },
	{ "extent span wraps", c_span_wrap, true, -EINVAL },
};

static void pv_meta_corrupt_test(struct kunit *test)
{
	struct pv_meta *m = sample_meta(test), *d;
	size_t used, i;
	void *good, *buf;

	good = sample_slot(test, m, &used);
	buf = vmalloc(SLOT);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(corruptions); i++) {
		const struct corruption *c = &corruptions[i];
		const char *why = NULL;
		size_t len = SLOT;
		int ret;

		memcpy(buf, good, SLOT);
		c->mutate(buf, &len, m);
		if (c->reseal)
			pv_meta_seal(buf);
		ret = pv_meta_decode(buf, len, &d, &why);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->err, "%s (%s)", c->what,
				    why ?: "accepted");
		KUNIT_EXPECT_TRUE_MSG(test, ret == 0 || why, "%s: no reason",
				      c->what);
		if (!ret)
			pv_meta_free(d);
		else
			KUNIT_EXPECT_NULL(test, d);
	}
	vfree(buf);
	vfree(good);
	sample_free(m);
}

/* Random damage, resealed or not: refuse or decode something valid. */
static void pv_meta_fuzz_test(struct kunit *test)
{
	struct pv_meta *m = sample_meta(test), *d;
	struct pv_rng r = { 0xfeedface };
	size_t used, tb;
	unsigned int i, k, accepted = 0;
	void *good, *buf;

	good = sample_slot(test, m, &used);
	tb = PODVOL_SB_SIZE + le32_to_cpu(SB(good)->table_bytes);
	buf = vmalloc(SLOT);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, good, SLOT);
	for (i = 0; i < 3000; i++) {
		const char *why = "";
		u32 flips = 1 + pv_rnd(&r, 4);

		memcpy(buf, good, tb);
		for (k = 0; k < flips; k++) {
			/* Mostly in the fields that matter. */
			size_t at = pv_rnd(&r, 2) ? pv_rnd(&r, 192) :
				    PODVOL_SB_SIZE + pv_rnd(&r, tb - PODVOL_SB_SIZE);

			if (pv_rnd(&r, 3))
				((u8 *)buf)[at] ^= 1 << pv_rnd(&r, 8);
			else
				((u8 *)buf)[at] = pv_rnd(&r, 256);
		}
		if (pv_rnd(&r, 8))
			pv_meta_seal(buf);
		if (!pv_meta_decode(buf, SLOT, &d, &why)) {
			accepted++;
			KUNIT_EXPECT_EQ(test, pv_meta_validate(d, &why), 0);
			pv_meta_free(d);
		}
		cond_resched();
	}
	kunit_info(test, "fuzz: %u of %u mutated slots still valid\n",
		   accepted, i);
	vfree(buf);
	vfree(good);
	sample_free(m);
}

static void pv_meta_full_test(struct kunit *test)
{
	struct pv_meta *m = sample_meta(test);
	const char *why = "";
	size_t used;
	void *buf = vzalloc(SLOT);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* A table that does not fit a slot is refused, not truncated. */
	KUNIT_EXPECT_EQ(test, pv_meta_encode(m, buf, 4096, &used, &why),
			-ENOSPC);
	/* Encoding refuses inconsistent state. */
	m->vol[1].size = m->vol[1].map->sectors + 8;
	KUNIT_EXPECT_EQ(test, pv_meta_encode(m, buf, SLOT, &used, &why),
			-EINVAL);
	vfree(buf);
	sample_free(m);
}

/* A shallow copy of @base as member @idx's copy of generation @gen. */
static struct pv_meta *pick_copy(struct kunit *test, const struct pv_meta *base,
				 u64 gen, u32 idx)
{
	struct pv_meta *c = kunit_kmalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	*c = *base;
	c->generation = gen;
	c->slot = gen & 1;
	c->member_index = idx;
	c->table_crc = base->table_crc + (u32)gen;
	return c;
}

/* Two members, each with two copies (NULL: blank), nothing damaged. */
static void pick_set(struct pv_meta_copies *c, struct pv_meta *a0,
		     struct pv_meta *a1, struct pv_meta *b0, struct pv_meta *b1)
{
	memset(c, 0, 2 * sizeof(*c));
	c[0].slot[0] = a0;
	c[0].slot[1] = a1;
	c[1].slot[0] = b0;
	c[1].slot[1] = b1;
}

/*
 * The geometry of pool "fast" with two members, and with a third of
 * @sectors sectors added.
 */
static void pick_pools(struct kunit *test, struct pv_meta **two,
		       struct pv_meta **three, u64 sectors)
{
	struct pv_meta *m2 = kunit_kzalloc(test, sizeof(*m2), GFP_KERNEL);
	struct pv_meta *m3 = kunit_kzalloc(test, sizeof(*m3), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m2);
	KUNIT_ASSERT_NOT_NULL(test, m3);
	strscpy(m2->pool_name, "fast", sizeof(m2->pool_name));
	memset(m2->pool_uuid, 0xab, PODVOL_UUID_SIZE);
	m2->ctime = 1700000000;
	m2->geom.nr_members = 2;
	m2->geom.chunk_sectors = 128;
	m2->geom.data_offset = PODVOL_DATA_OFFSET_MIN / 512;
	m2->geom.member_sectors[0] = 1 << 20;
	m2->geom.member_sectors[1] = 1 << 20;
	memset(m2->member_uuid[0], 0x10, PODVOL_UUID_SIZE);
	memset(m2->member_uuid[1], 0x11, PODVOL_UUID_SIZE);
	*m3 = *m2;
	m3->geom.nr_members = 3;
	m3->geom.member_sectors[2] = sectors;
	memset(m3->member_uuid[2], 0x12, PODVOL_UUID_SIZE);
	*two = m2;
	*three = m3;
}

/*
 * pv_meta_pick(): the generation chosen agrees with every member at its
 * index and with the pool's own geometry; otherwise nothing is chosen.
 */
static void pv_meta_pick_test(struct kunit *test)
{
	struct pv_meta *two, *three;
	struct pv_meta_copies c[2];
	struct pv_meta *a3, *b3, *a2, *b2, *x;
	const char *why;
	u32 repair;

	pick_pools(test, &two, &three, 1 << 20);

	/* Both members hold generations 2 and 3: 3 wins, nothing to repair. */
	a3 = pick_copy(test, two, 3, 0);
	b3 = pick_copy(test, two, 3, 1);
	a2 = pick_copy(test, two, 2, 0);
	b2 = pick_copy(test, two, 2, 1);
	pick_set(c, a2, a3, b2, b3);
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a3);
	KUNIT_EXPECT_EQ(test, repair, 0U);

	/* Finding 2: newest copies disagree, older ones agree on 3 members. */
	b3->table_crc ^= 1;
	a2 = pick_copy(test, three, 2, 0);
	b2 = pick_copy(test, three, 2, 1);
	pick_set(c, a2, a3, b2, b3);
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, two, &repair, &why));
	/* ... and with the pool taken as 3 members, 2 are too few. */
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, three, &repair, &why));

	/* A torn copy of 3 on member 1 does not veto it; it is repaired. */
	b3 = pick_copy(test, two, 3, 1);
	a2 = pick_copy(test, two, 2, 0);
	b2 = pick_copy(test, two, 2, 1);
	pick_set(c, a2, a3, b2, NULL);
	c[1].damaged[1] = true;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a3);
	KUNIT_EXPECT_EQ(test, repair, 2U);
	/* A blank slot is not a torn one: 3 is vetoed, 2 taken. */
	c[1].damaged[1] = false;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a2);
	KUNIT_EXPECT_EQ(test, repair, 0U);

	/* A crash while writing 3: member 1 still has 1 in slot 1. */
	pick_set(c, a2, a3, b2, pick_copy(test, two, 1, 1));
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a2);

	/* Member 1 calls itself member 0 in generation 3. */
	pick_set(c, a2, a3, b2, pick_copy(test, two, 3, 0));
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a2);
	/* ... in both generations: no generation has member 1 at index 1. */
	pick_set(c, a2, a3, pick_copy(test, two, 2, 0),
		 pick_copy(test, two, 3, 0));
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, two, &repair, &why));
	/* ... torn newest copy, and the valid one names another index. */
	pick_set(c, a2, a3, pick_copy(test, two, 2, 0), NULL);
	c[1].damaged[1] = true;
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, two, &repair, &why));

	/* A copy of 3 in slot 0 was not written by podvol. */
	x = pick_copy(test, two, 3, 1);
	x->slot = 0;
	pick_set(c, a2, a3, x, b2);
	b2->slot = 1;
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, two, &repair, &why));

	/* Member sizes or UUIDs other than the pool's: refused. */
	a3 = pick_copy(test, two, 3, 0);
	b3 = pick_copy(test, two, 3, 1);
	a3->geom.member_sectors[1] = 1 << 30;
	b3->geom.member_sectors[1] = 1 << 30;
	pick_set(c, NULL, a3, NULL, b3);
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, two, &repair, &why));
	a3->geom.member_sectors[1] = 1 << 20;
	b3->geom.member_sectors[1] = 1 << 20;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a3);
	a3->member_uuid[1][0] = 0x77;
	b3->member_uuid[1][0] = 0x77;
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 2, two, &repair, &why));
	KUNIT_EXPECT_NULL(test, pv_meta_pick(c, 0, two, &repair, &why));
}

/*
 * pv_meta_pick() on a pool grown from two members to three (POOL_EXTEND
 * writes generation 3, which lists member 2, to member 2 first and then to
 * members 0 and 1): whatever the cut, the pool assembles with all three
 * members only when both old ones hold 3, and otherwise from generation 2
 * without member 2; a stale copy of member 2 never wins.
 */
static void pv_meta_pick_grow_test(struct kunit *test)
{
	struct pv_meta *two, *three;
	struct pv_meta_copies c[3];
	struct pv_meta *a2, *b2, *a3, *b3, *d3;
	const char *why;
	u32 repair;

	pick_pools(test, &two, &three, 1 << 21);
	KUNIT_EXPECT_TRUE(test, pv_meta_extends(three, two));
	KUNIT_EXPECT_FALSE(test, pv_meta_extends(two, three));
	KUNIT_EXPECT_FALSE(test, pv_meta_same_pool(three, two));

	a2 = pick_copy(test, two, 2, 0);
	b2 = pick_copy(test, two, 2, 1);
	a3 = pick_copy(test, three, 3, 0);
	b3 = pick_copy(test, three, 3, 1);
	d3 = pick_copy(test, three, 3, 2);
	memset(c, 0, sizeof(c));

	/* Cut after the new member's write: 2, without member 2. */
	c[0].slot[0] = a2;
	c[1].slot[0] = b2;
	c[2].slot[1] = d3;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 3, three, &repair, &why), a2);
	KUNIT_EXPECT_EQ(test, repair, 0U);
	/* ... the old members alone, the new one not added: the same. */
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a2);
	/* Cut after member 0's write too: still 2. */
	c[0].slot[1] = a3;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 3, three, &repair, &why), a2);
	/* Every write done: 3, with member 2. */
	c[1].slot[1] = b3;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 3, three, &repair, &why), a3);
	KUNIT_EXPECT_EQ(test, repair, 0U);
	/* ... and member 1's copy of 3 torn: 3, member 1 repaired. */
	c[1].slot[1] = NULL;
	c[1].damaged[1] = true;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 3, three, &repair, &why), a3);
	KUNIT_EXPECT_EQ(test, repair, 2U);
	c[1].damaged[1] = false;

	/*
	 * Assembled from 2 without member 2, the pool then wrote its own 3
	 * (two members): member 2's stale 3 lists three and loses.
	 */
	c[0].slot[1] = pick_copy(test, two, 3, 0);
	c[1].slot[1] = pick_copy(test, two, 3, 1);
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 3, three, &repair, &why),
			    c[0].slot[1]);
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why),
			    c[0].slot[1]);

	/* The new member's own copy is needed: its slot blank, 2 wins. */
	c[0].slot[1] = a3;
	c[1].slot[1] = b3;
	c[2].slot[1] = NULL;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 3, three, &repair, &why), a2);
	/* A longer list than the pool's own is never taken. */
	c[2].slot[1] = d3;
	KUNIT_EXPECT_PTR_EQ(test, pv_meta_pick(c, 2, two, &repair, &why), a2);
}

static void pv_name_test(struct kunit *test)
{
	static const char n63[] =
		"123456789012345678901234567890123456789012345678901234567890123";
	static const char n64[] =
		"1234567890123456789012345678901234567890123456789012345678901234";

	KUNIT_EXPECT_TRUE(test, pv_name_valid("pod-7f3a"));
	KUNIT_EXPECT_TRUE(test, pv_name_valid("a.b_c-D9"));
	KUNIT_EXPECT_FALSE(test, pv_name_valid(""));
	KUNIT_EXPECT_FALSE(test, pv_name_valid(".hidden"));
	KUNIT_EXPECT_FALSE(test, pv_name_valid("-opt"));
	KUNIT_EXPECT_FALSE(test, pv_name_valid("a/b"));
	KUNIT_EXPECT_FALSE(test, pv_name_valid("a b"));
	KUNIT_EXPECT_TRUE(test, pv_name_valid(n63));
	KUNIT_EXPECT_FALSE(test, pv_name_valid(n64));
}

static struct kunit_case pv_meta_cases[] = {
	KUNIT_CASE(pv_meta_roundtrip_test),
	KUNIT_CASE(pv_meta_corrupt_test),
	KUNIT_CASE(pv_meta_fuzz_test),
	KUNIT_CASE(pv_meta_full_test),
	KUNIT_CASE(pv_meta_pick_test),
	KUNIT_CASE(pv_meta_pick_grow_test),
	KUNIT_CASE(pv_name_test),
	{}
};

static struct kunit_suite pv_meta_suite = {
	.name = "podvol_meta",
	.test_cases = pv_meta_cases,
};

kunit_test_suites(&pv_meta_suite);
