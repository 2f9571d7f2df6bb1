// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * podvol metadata codec.
 *
 * Decoding never trusts the buffer: every count is checked against the bytes
 * that are actually there before anything is allocated or read, and the
 * decoded result must pass pv_meta_validate() (geometry, names, extents in
 * range, no overlaps) before it is handed out.  Encoding validates too, so a
 * bug elsewhere cannot write inconsistent metadata to disk.
 *
 * This file includes only "meta.h" (and through it "meta_env.h"), so that
 * userspace can compile it unchanged; see meta_env.h.
 */
#include "meta.h"

#define PV_SB_CRC_OFF	offsetof(struct podvol_sb, sb_crc)
#define PV_TABLE_MAX	(PODVOL_SLOT_SIZE - PODVOL_SB_SIZE)

bool pv_name_valid(const char *name)
{
	size_t i;

	if (!name[0] || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (i >= PODVOL_NAME_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* A fixed-size on-disk name field: NUL-terminated inside, then validated. */
static bool pv_disk_name(char *dst, const char *src)
{
	size_t n = strnlen(src, PODVOL_NAME_MAX + 1);

	if (n > PODVOL_NAME_MAX)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return pv_name_valid(dst);
}

static u32 pv_sb_crc(const void *buf)
{
	static const u8 zero[4];
	const u8 *p = buf;
	u32 crc;

	crc = pv_crc32c(~0U, p, PV_SB_CRC_OFF);
	crc = pv_crc32c(crc, zero, sizeof(zero));
	return pv_crc32c(crc, p + PV_SB_CRC_OFF + 4,
			 PODVOL_SB_SIZE - PV_SB_CRC_OFF - 4);
}

/* Recompute both checksums of an encoded slot in place. */
void pv_meta_seal(void *buf)
{
	struct podvol_sb *sb = buf;
	u32 tb = le32_to_cpu(sb->table_bytes);

	if (tb > PV_TABLE_MAX)
		tb = PV_TABLE_MAX;
	sb->table_crc = cpu_to_le32(pv_crc32c(~0U, (u8 *)buf + PODVOL_SB_SIZE,
					      tb));
	sb->sb_crc = cpu_to_le32(pv_sb_crc(buf));
}

void pv_meta_free(struct pv_meta *meta)
{
	u32 i;

	if (!meta)
		return;
	if (meta->vol)
		for (i = 0; i < meta->nr_volumes; i++)
			pv_map_free(meta->vol[i].map);
	pv_free(meta->vol);
	pv_free(meta->dirty);
	pv_free(meta);
}

struct pv_used {
	u64 start;
	u64 end;
	u32 member;
	u32 vol;
};

static int pv_used_cmp(const void *a, const void *b)
{
	const struct pv_used *x = a, *y = b;

	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

static int pv_validate_map(const struct pv_meta *meta,
			   const struct pv_meta_vol *v, size_t *nr_stripes,
			   const char **why)
{
	const struct pv_geom *g = &meta->geom;
	const struct pv_map *map = v->map;
	u64 chunk_mask = (u64)g->chunk_sectors - 1;
	u64 pos = 0, last = 0;
	u32 i, k, next = 0;

	if (!map || !map->nr_extents) {
		*why = "volume has no extents";
		return -EINVAL;
	}
	if (map->chunk_shift != (u32)ilog2(g->chunk_sectors)) {
		*why = "volume map chunk differs from the pool's";
		return -EINVAL;
	}
	for (i = 0; i < map->nr_extents; i++) {
		const struct pv_extent *e = &map->ext[i];
		u64 members = 0;

		if (e->lstart != pos) {
			*why = "volume extents are not contiguous";
			return -EINVAL;
		}
		if (!e->width || e->width > g->nr_members) {
			*why = "extent width out of range";
			return -EINVAL;
		}
		if (!e->len || (e->len & chunk_mask)) {
			*why = "extent length is not a positive multiple of the chunk size";
			return -EINVAL;
		}
		if (e->first != next || e->width > map->nr_stripes - next) {
			*why = "extent stripes out of order";
			return -EINVAL;
		}
		next += e->width;
		for (k = 0; k < e->width; k++) {
			const struct pv_stripe *s = &map->stripe[e->first + k];
			u64 msize;

			if (s->member >= g->nr_members) {
				*why = "extent names a member out of range";
				return -EINVAL;
			}
			if (members & (1ULL << s->member)) {
				*why = "extent uses a member twice";
				return -EINVAL;
			}
			members |= 1ULL << s->member;
			msize = g->member_sectors[s->member];
			if ((s->pstart & chunk_mask) || s->pstart < g->data_offset ||
			    s->pstart > msize || e->len > msize - s->pstart) {
				*why = "extent out of range of its member";
				return -EINVAL;
			}
		}
		if (check_mul_overflow(e->len, (u64)e->width, &last) ||
		    check_add_overflow(pos, last, &pos)) {
			*why = "extent too large";
			return -EINVAL;
		}
	}
	if (next != map->nr_stripes) {
		*why = "volume map has unused stripes";
		return -EINVAL;
	}
	if (pos < v->size || pos - last >= v->size) {
		*why = "volume extents do not match the volume size";
		return -EINVAL;
	}
	*nr_stripes += map->nr_stripes;
	return 0;
}

/* Dirty ranges: a range set (sorted, apart) of chunks in the data area. */
static int pv_validate_dirty(const struct pv_meta *meta, const char **why)
{
	const struct pv_geom *g = &meta->geom;
	u64 chunk_mask = (u64)g->chunk_sectors - 1;
	u32 i;

	for (i = 0; i < meta->nr_dirty; i++) {
		const struct pv_range *d = &meta->dirty[i];

		if (d->member >= g->nr_members || d->start >= d->end ||
		    (d->start & chunk_mask) || (d->end & chunk_mask) ||
		    d->start < g->data_offset ||
		    d->end > g->member_sectors[d->member]) {
			*why = "dirty range out of range of its member";
			return -EINVAL;
		}
		if (i && (d->member < d[-1].member ||
			  (d->member == d[-1].member && d->start <= d[-1].end))) {
			*why = "dirty ranges out of order";
			return -EINVAL;
		}
	}
	return 0;
}

int pv_meta_validate(const struct pv_meta *meta, const char **why)
{
	const struct pv_geom *g = &meta->geom;
	struct pv_used *used;
	size_t nr = 0, n;
	u64 first_end;
	u32 i, j, k;
	int ret;

	if (!g->nr_members || g->nr_members > PODVOL_MAX_MEMBERS) {
		*why = "member count out of range";
		return -EINVAL;
	}
	if (meta->member_index >= g->nr_members) {
		*why = "member index out of range";
		return -EINVAL;
	}
	if (!is_power_of_2(g->chunk_sectors) ||
	    g->chunk_sectors < PODVOL_CHUNK_MIN / 512 ||
	    g->chunk_sectors > PODVOL_CHUNK_MAX / 512) {
		*why = "chunk size is not a power of two in range";
		return -EINVAL;
	}
	if (g->data_offset < PODVOL_DATA_OFFSET_MIN / 512 ||
	    (g->data_offset & (g->chunk_sectors - 1))) {
		*why = "data offset out of range or not chunk aligned";
		return -EINVAL;
	}
	/* data_offset comes from the disk: the first chunk's end may wrap. */
	if (check_add_overflow(g->data_offset, (u64)g->chunk_sectors,
			       &first_end)) {
		*why = "data offset out of range or not chunk aligned";
		return -EINVAL;
	}
	for (i = 0; i < g->nr_members; i++) {
		if (g->member_sectors[i] < first_end) {
			*why = "member too small";
			return -EINVAL;
		}
		for (j = 0; j < i; j++)
			if (!memcmp(meta->member_uuid[i], meta->member_uuid[j],
				    PODVOL_UUID_SIZE)) {
				*why = "duplicate member UUID";
				return -EINVAL;
			}
	}
	if (!pv_name_valid(meta->pool_name)) {
		*why = "invalid pool name";
		return -EINVAL;
	}
	if (meta->nr_volumes > PODVOL_MAX_VOLUMES) {
		*why = "too many volumes";
		return -EINVAL;
	}
	for (i = 0; i < meta->nr_volumes; i++) {
		const struct pv_meta_vol *v = &meta->vol[i];

		if (!pv_name_valid(v->name)) {
			*why = "invalid volume name";
			return -EINVAL;
		}
		if (!v->size || (v->size & 7)) {
			*why = "volume size is not a positive multiple of 4 KiB";
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(v->name, meta->vol[j].name)) {
				*why = "duplicate volume name";
				return -EINVAL;
			}
			if (!memcmp(v->uuid, meta->vol[j].uuid,
				    PODVOL_UUID_SIZE)) {
				*why = "duplicate volume UUID";
				return -EINVAL;
			}
		}
		ret = pv_validate_map(meta, v, &nr, why);
		if (ret)
			return ret;
	}

	ret = pv_validate_dirty(meta, why);
	if (ret)
		return ret;

	/* No two stripes, or a stripe and a dirty range, share a sector. */
	used = pv_zalloc((nr + meta->nr_dirty + 1) * sizeof(*used));
	if (!used)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < meta->nr_volumes; i++) {
		const struct pv_map *map = meta->vol[i].map;

		for (j = 0; j < map->nr_extents; j++) {
			const struct pv_extent *e = &map->ext[j];

			for (k = 0; k < e->width; k++) {
				used[n].member = map->stripe[e->first + k].member;
				used[n].start = map->stripe[e->first + k].pstart;
				used[n].end = used[n].start + e->len;
				used[n].vol = i;
				n++;
			}
		}
	}
	for (i = 0; i < meta->nr_dirty; i++) {
		used[n].member = meta->dirty[i].member;
		used[n].start = meta->dirty[i].start;
		used[n].end = meta->dirty[i].end;
		used[n].vol = ~0U;
		n++;
	}
	pv_sort(used, n, sizeof(*used), pv_used_cmp);
	ret = 0;
	for (i = 1; i < n; i++) {
		if (used[i].member == used[i - 1].member &&
		    used[i].start < used[i - 1].end) {
			*why = "extents overlap";
			ret = -EINVAL;
			break;
		}
	}
	pv_free(used);
	return ret;
}

/* Bounds-checked reader over the volume table. */
struct pv_cursor {
	const u8 *p;
	size_t pos;
	size_t len;
};

static const void *pv_take(struct pv_cursor *c, size_t n)
{
	const void *p;

	if (n > c->len - c->pos)
		return NULL;
	p = c->p + c->pos;
	c->pos += n;
	return p;
}

static int pv_decode_vol(struct pv_meta *meta, struct pv_cursor *c,
			 struct pv_meta_vol *v, const char **why)
{
	const struct podvol_vol_rec *vr;
	const struct podvol_ext_rec *er;
	const struct podvol_stripe_rec *sr;
	struct pv_cursor scan;
	u32 nr_ext, nr_st = 0, i, k;
	struct pv_map *map;
	u64 pos = 0, span;

	vr = pv_take(c, sizeof(*vr));
	if (!vr)
		goto truncated;
	memcpy(v->uuid, vr->uuid, PODVOL_UUID_SIZE);
	if (!pv_disk_name(v->name, vr->name)) {
		*why = "invalid volume name";
		return -EINVAL;
	}
	v->size = le64_to_cpu(vr->size_sectors);
	v->ctime = le64_to_cpu(vr->ctime);
	nr_ext = le32_to_cpu(vr->nr_extents);
	if (vr->flags) {
		*why = "unknown volume flags";
		return -EOPNOTSUPP;
	}
	if (!nr_ext) {
		*why = "volume has no extents";
		return -EINVAL;
	}

	/* Count stripes (and check every record is there) before allocating. */
	scan = *c;
	for (i = 0; i < nr_ext; i++) {
		u32 w;

		er = pv_take(&scan, sizeof(*er));
		if (!er)
			goto truncated;
		w = le32_to_cpu(er->width);
		if (!w || w > meta->geom.nr_members) {
			*why = "extent width out of range";
			return -EINVAL;
		}
		if (!pv_take(&scan, (size_t)w * sizeof(*sr)))
			goto truncated;
		nr_st += w;
	}

	map = pv_map_alloc(nr_ext, nr_st, ilog2(meta->geom.chunk_sectors));
	if (!map)
		return -ENOMEM;
	v->map = map;
	nr_st = 0;
	for (i = 0; i < nr_ext; i++) {
		struct pv_extent *e = &map->ext[i];

		er = pv_take(c, sizeof(*er));
		e->lstart = le64_to_cpu(er->lstart);
		e->len = le64_to_cpu(er->stripe_sectors);
		e->width = le32_to_cpu(er->width);
		e->first = nr_st;
		if (e->lstart != pos) {
			*why = "volume extents are not contiguous";
			return -EINVAL;
		}
		if (!e->len || check_mul_overflow(e->len, (u64)e->width, &span) ||
		    check_add_overflow(pos, span, &pos)) {
			*why = "extent too large";
			return -EINVAL;
		}
		sr = pv_take(c, (size_t)e->width * sizeof(*sr));
		for (k = 0; k < e->width; k++, nr_st++) {
			map->stripe[nr_st].member = le32_to_cpu(sr[k].member);
			map->stripe[nr_st].pstart = le64_to_cpu(sr[k].pstart);
		}
	}
	pv_map_finish(map);
	return 0;

truncated:
	*why = "volume table truncated";
	return -EINVAL;
}

static int pv_decode_dirty(struct pv_meta *meta, struct pv_cursor *c,
			   u32 nr, const char **why)
{
	const struct podvol_dirty_rec *dr;
	u32 i;

	if (!meta->dirty_known && nr) {
		*why = "dirty ranges without the dirty feature";
		return -EINVAL;
	}
	dr = pv_take(c, (size_t)nr * sizeof(*dr));
	if (!dr) {
		*why = "dirty list truncated";
		return -EINVAL;
	}
	meta->dirty = pv_zalloc(((size_t)nr + 1) * sizeof(*meta->dirty));
	if (!meta->dirty)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		if (dr[i].reserved) {
			*why = "dirty range reserved field is not zero";
			return -EINVAL;
		}
		meta->dirty[i].member = le32_to_cpu(dr[i].member);
		meta->dirty[i].start = le64_to_cpu(dr[i].start);
		meta->dirty[i].end = le64_to_cpu(dr[i].end);
	}
	meta->nr_dirty = nr;
	return 0;
}

/*
 * Decode and validate one slot.  Errors: -ENODATA no podvol superblock,
 * -EBADMSG checksum mismatch, -EOPNOTSUPP unknown version or features,
 * -EINVAL anything else wrong (truncated, out of range, overlapping...),
 * -ENOMEM; *@why says what in words.
 */
int pv_meta_decode(const void *buf, size_t len, struct pv_meta **out,
		   const char **why)
{
	const struct podvol_sb *sb = buf;
	struct pv_cursor c;
	struct pv_meta *meta;
	u32 tb, i, idx;
	int ret;

	*out = NULL;
	if (len < PODVOL_SB_SIZE) {
		*why = "metadata truncated";
		return -EINVAL;
	}
	if (le64_to_cpu(sb->magic) != PODVOL_SB_MAGIC) {
		*why = "no podvol superblock";
		return -ENODATA;
	}
	if (le32_to_cpu(sb->sb_crc) != pv_sb_crc(buf)) {
		*why = "superblock checksum mismatch";
		return -EBADMSG;
	}
	if (le32_to_cpu(sb->version) != PODVOL_META_VERSION) {
		*why = "unknown metadata version";
		return -EOPNOTSUPP;
	}
	if (le32_to_cpu(sb->incompat_flags) & ~PODVOL_INCOMPAT_KNOWN) {
		*why = "unknown incompatible metadata features";
		return -EOPNOTSUPP;
	}
	tb = le32_to_cpu(sb->table_bytes);
	if (tb > PV_TABLE_MAX || tb > len - PODVOL_SB_SIZE) {
		*why = "volume table truncated";
		return -EINVAL;
	}
	if (le32_to_cpu(sb->table_crc) !=
	    pv_crc32c(~0U, (const u8 *)buf + PODVOL_SB_SIZE, tb)) {
		*why = "volume table checksum mismatch";
		return -EBADMSG;
	}

	meta = pv_zalloc(sizeof(*meta));
	if (!meta)
		return -ENOMEM;
	meta->generation = le64_to_cpu(sb->generation);
	memcpy(meta->pool_uuid, sb->pool_uuid, PODVOL_UUID_SIZE);
	meta->member_index = le32_to_cpu(sb->member_index);
	meta->slot = le32_to_cpu(sb->slot);
	meta->ctime = le64_to_cpu(sb->ctime);
	meta->utime = le64_to_cpu(sb->utime);
	meta->table_bytes = tb;
	meta->table_crc = le32_to_cpu(sb->table_crc);
	meta->geom.nr_members = le32_to_cpu(sb->nr_members);
	meta->geom.chunk_sectors = le32_to_cpu(sb->chunk_sectors);
	meta->geom.data_offset = le64_to_cpu(sb->data_offset);
	meta->nr_volumes = le32_to_cpu(sb->nr_volumes);

	ret = -EINVAL;
	if (!pv_disk_name(meta->pool_name, sb->pool_name)) {
		*why = "invalid pool name";
		goto fail;
	}
	if (!meta->generation || meta->slot > 1) {
		*why = "generation or slot out of range";
		goto fail;
	}
	if (!meta->geom.nr_members ||
	    meta->geom.nr_members > PODVOL_MAX_MEMBERS) {
		*why = "member count out of range";
		goto fail;
	}
	idx = meta->member_index;
	if (idx >= meta->geom.nr_members) {
		*why = "member index out of range";
		goto fail;
	}
	if (!is_power_of_2(meta->geom.chunk_sectors) ||
	    meta->geom.chunk_sectors < PODVOL_CHUNK_MIN / 512 ||
	    meta->geom.chunk_sectors > PODVOL_CHUNK_MAX / 512) {
		*why = "chunk size is not a power of two in range";
		goto fail;
	}
	for (i = 0; i < meta->geom.nr_members; i++) {
		memcpy(meta->member_uuid[i], sb->members[i].uuid,
		       PODVOL_UUID_SIZE);
		meta->geom.member_sectors[i] =
			le64_to_cpu(sb->members[i].sectors);
	}
	if (memcmp(sb->member_uuid, meta->member_uuid[idx], PODVOL_UUID_SIZE)) {
		*why = "member UUID does not match the member list";
		goto fail;
	}
	if (meta->nr_volumes > PODVOL_MAX_VOLUMES) {
		*why = "too many volumes";
		goto fail;
	}

	meta->vol = pv_zalloc((meta->nr_volumes + 1) * sizeof(*meta->vol));
	if (!meta->vol) {
		ret = -ENOMEM;
		goto fail;
	}
	c.p = (const u8 *)buf + PODVOL_SB_SIZE;
	c.pos = 0;
	c.len = tb;
	for (i = 0; i < meta->nr_volumes; i++) {
		ret = pv_decode_vol(meta, &c, &meta->vol[i], why);
		if (ret)
			goto fail;
	}
	meta->dirty_known = le32_to_cpu(sb->incompat_flags) &
			    PODVOL_INCOMPAT_DIRTY;
	ret = pv_decode_dirty(meta, &c, le32_to_cpu(sb->nr_dirty), why);
	if (ret)
		goto fail;
	if (c.pos != c.len) {
		*why = "trailing bytes in volume table";
		ret = -EINVAL;
		goto fail;
	}
	ret = pv_meta_validate(meta, why);
	if (ret)
		goto fail;
	*out = meta;
	return 0;

fail:
	pv_meta_free(meta);
	return ret;
}

/*
 * Encode @meta (for member meta->member_index, slot meta->slot) into @buf.
 * Sets meta->table_bytes/table_crc and *@used (bytes to write, a multiple
 * of 4096).  -ENOSPC when the table does not fit a slot.
 */
int pv_meta_encode(struct pv_meta *meta, void *buf, size_t len,
		   size_t *used, const char **why)
{
	struct podvol_sb *sb = buf;
	size_t tb = 0, total, pos;
	u8 *table = (u8 *)buf + PODVOL_SB_SIZE;
	u32 i, j, k;
	int ret;

	ret = pv_meta_validate(meta, why);
	if (ret)
		return ret;
	for (i = 0; i < meta->nr_volumes; i++) {
		const struct pv_map *map = meta->vol[i].map;

		tb += sizeof(struct podvol_vol_rec) +
		      map->nr_extents * sizeof(struct podvol_ext_rec) +
		      map->nr_stripes * sizeof(struct podvol_stripe_rec);
	}
	tb += (size_t)meta->nr_dirty * sizeof(struct podvol_dirty_rec);
	total = round_up(PODVOL_SB_SIZE + tb, (size_t)4096);
	if (tb > PV_TABLE_MAX || total > len) {
		*why = "metadata table full";
		return -ENOSPC;
	}
	memset(buf, 0, total);

	sb->magic = cpu_to_le64(PODVOL_SB_MAGIC);
	sb->version = cpu_to_le32(PODVOL_META_VERSION);
	sb->generation = cpu_to_le64(meta->generation);
	memcpy(sb->pool_uuid, meta->pool_uuid, PODVOL_UUID_SIZE);
	memcpy(sb->member_uuid, meta->member_uuid[meta->member_index],
	       PODVOL_UUID_SIZE);
	sb->member_index = cpu_to_le32(meta->member_index);
	sb->nr_members = cpu_to_le32(meta->geom.nr_members);
	memcpy(sb->pool_name, meta->pool_name, strlen(meta->pool_name));
	sb->chunk_sectors = cpu_to_le32(meta->geom.chunk_sectors);
	sb->slot = cpu_to_le32(meta->slot);
	sb->data_offset = cpu_to_le64(meta->geom.data_offset);
	sb->table_bytes = cpu_to_le32(tb);
	sb->nr_volumes = cpu_to_le32(meta->nr_volumes);
	sb->ctime = cpu_to_le64(meta->ctime);
	sb->utime = cpu_to_le64(meta->utime);
	sb->incompat_flags = cpu_to_le32(PODVOL_INCOMPAT_DIRTY);
	sb->nr_dirty = cpu_to_le32(meta->nr_dirty);
	for (i = 0; i < meta->geom.nr_members; i++) {
		memcpy(sb->members[i].uuid, meta->member_uuid[i],
		       PODVOL_UUID_SIZE);
		sb->members[i].sectors =
			cpu_to_le64(meta->geom.member_sectors[i]);
	}

	pos = 0;
	for (i = 0; i < meta->nr_volumes; i++) {
		const struct pv_meta_vol *v = &meta->vol[i];
		const struct pv_map *map = v->map;
		struct podvol_vol_rec *vr = (void *)(table + pos);

		memcpy(vr->uuid, v->uuid, PODVOL_UUID_SIZE);
		memcpy(vr->name, v->name, strlen(v->name));
		vr->size_sectors = cpu_to_le64(v->size);
		vr->ctime = cpu_to_le64(v->ctime);
		vr->nr_extents = cpu_to_le32(map->nr_extents);
		pos += sizeof(*vr);
		for (j = 0; j < map->nr_extents; j++) {
			const struct pv_extent *e = &map->ext[j];
			struct podvol_ext_rec *er = (void *)(table + pos);

			er->lstart = cpu_to_le64(e->lstart);
			er->stripe_sectors = cpu_to_le64(e->len);
			er->width = cpu_to_le32(e->width);
			pos += sizeof(*er);
			for (k = 0; k < e->width; k++) {
				const struct pv_stripe *s =
					&map->stripe[e->first + k];
				struct podvol_stripe_rec *sr =
					(void *)(table + pos);

				sr->member = cpu_to_le32(s->member);
				sr->pstart = cpu_to_le64(s->pstart);
				pos += sizeof(*sr);
			}
		}
	}
	for (i = 0; i < meta->nr_dirty; i++) {
		struct podvol_dirty_rec *dr = (void *)(table + pos);

		dr->member = cpu_to_le32(meta->dirty[i].member);
		dr->start = cpu_to_le64(meta->dirty[i].start);
		dr->end = cpu_to_le64(meta->dirty[i].end);
		pos += sizeof(*dr);
	}
	pv_meta_seal(buf);
	meta->table_bytes = tb;
	meta->table_crc = le32_to_cpu(sb->table_crc);
	*used = total;
	return 0;
}

/*
 * Is @b's member list the start of @a's (or all of it), in a copy of the
 * same pool with the same layout?  A pool only grows by appending members
 * (PODVOL_CMD_POOL_EXTEND), so a copy from before an extension lists a
 * prefix of the members a copy from after it lists.
 */
bool pv_meta_extends(const struct pv_meta *a, const struct pv_meta *b)
{
	u32 i;

	if (memcmp(a->pool_uuid, b->pool_uuid, PODVOL_UUID_SIZE) ||
	    strcmp(a->pool_name, b->pool_name) ||
	    a->ctime != b->ctime ||
	    a->geom.nr_members < b->geom.nr_members ||
	    a->geom.chunk_sectors != b->geom.chunk_sectors ||
	    a->geom.data_offset != b->geom.data_offset)
		return false;
	for (i = 0; i < b->geom.nr_members && i < PODVOL_MAX_MEMBERS; i++)
		if (a->geom.member_sectors[i] != b->geom.member_sectors[i] ||
		    memcmp(a->member_uuid[i], b->member_uuid[i],
			   PODVOL_UUID_SIZE))
			return false;
	return true;
}

/* Do two copies belong to the same pool, with the same members and layout? */
bool pv_meta_same_pool(const struct pv_meta *a, const struct pv_meta *b)
{
	return a->geom.nr_members == b->geom.nr_members &&
	       pv_meta_extends(a, b);
}

/* Same pool, one member list the start of the other's. */
static bool pv_meta_related(const struct pv_meta *a, const struct pv_meta *b)
{
	return pv_meta_extends(a, b) || pv_meta_extends(b, a);
}

/* Do two members' copies describe the same pool state? */
bool pv_meta_consistent(const struct pv_meta *a, const struct pv_meta *b)
{
	return a->generation == b->generation &&
	       a->table_bytes == b->table_bytes &&
	       a->table_crc == b->table_crc &&
	       a->nr_volumes == b->nr_volumes &&
	       pv_meta_same_pool(a, b);
}

/* Generation G lives in slot G & 1; a copy elsewhere was not written by us. */
static bool pv_meta_in_place(const struct pv_meta *m)
{
	return m->slot == (m->generation & 1);
}

/*
 * Is @cand acceptable to member @i, whose copies are @c?  Either the member
 * holds a copy of the same state as member @i (its own index and UUID), or
 * its slot for that generation is damaged (torn or corrupt, not another
 * valid generation) and its valid copy shows it to be member @i of the same
 * pool; then *@fix is set.
 */
static bool pv_pick_accepts(const struct pv_meta *cand,
			    const struct pv_meta_copies *c, u32 i, bool *fix,
			    const char **why)
{
	bool known = false;
	u32 k;

	for (k = 0; k < 2; k++) {
		const struct pv_meta *m = c->slot[k];

		if (!m || m->member_index != i || !pv_meta_related(cand, m))
			continue;
		known = true;
		if (pv_meta_in_place(m) && pv_meta_consistent(cand, m))
			return true;
	}
	if (!known) {
		*why = "a member is not the member of that generation at its index";
		return false;
	}
	if (c->slot[cand->slot] || !c->damaged[cand->slot]) {
		*why = "a member holds other metadata in that generation's slot";
		return false;
	}
	*fix = true;
	return true;
}

/*
 * Choose the generation to assemble a pool from, given every member's
 * copies (@c[i] for member i; all @nr members present) and @ref, the pool
 * as its members named it when they were added (UUID, name, creation time,
 * geometry, member UUIDs; generation and volumes unused): the longest
 * member list any of them had.
 *
 * The choice is the newest generation that every member it lists holds
 * with identical content, as the member at its index, with the geometry of
 * @ref and a member list that is @ref's or its start; a member whose slot
 * for that generation is damaged does not veto it, but is marked in
 * *@repair (bit i) to have that generation written back into the damaged
 * slot.  A member past the end of the chosen generation's list is the new
 * member of an extension that did not reach every old member: the pool
 * assembles without it (the caller releases it).  NULL, with the reason the
 * newest candidate failed in *@why, when there is no such generation: the
 * pool must not be assembled.
 */
struct pv_meta *pv_meta_pick(const struct pv_meta_copies *c, u32 nr,
			     const struct pv_meta *ref, u32 *repair,
			     const char **why)
{
	struct pv_meta *best = NULL;
	u32 best_fix = 0, i, j, s;
	u64 why_gen = 0;

	*why = "no valid metadata copy";
	if (!nr || nr > PODVOL_MAX_MEMBERS || ref->geom.nr_members != nr) {
		*why = "member count differs from the pool's";
		return NULL;
	}
	for (j = 0; j < nr; j++) {
		for (s = 0; s < 2; s++) {
			struct pv_meta *cand = c[j].slot[s];
			const char *reason = NULL;
			u32 fix = 0;

			if (!cand || (best && cand->generation <= best->generation))
				continue;
			if (!pv_meta_in_place(cand))
				reason = "a copy is in the wrong slot for its generation";
			else if (!pv_meta_extends(ref, cand))
				reason = "geometry or member list not the members' own";
			for (i = 0; !reason && i < cand->geom.nr_members; i++) {
				bool f = false;

				if (!pv_pick_accepts(cand, &c[i], i, &f, &reason))
					break;
				if (f)
					fix |= 1U << i;
			}
			if (reason) {
				if (cand->generation >= why_gen) {
					*why = reason;
					why_gen = cand->generation;
				}
				continue;
			}
			best = cand;
			best_fix = fix;
		}
	}
	*repair = best_fix;
	return best;
}
