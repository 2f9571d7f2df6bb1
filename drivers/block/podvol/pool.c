// SPDX-License-Identifier: GPL-2.0
/*
 * podvol pools: members, metadata I/O, creation, incremental assembly and
 * stopping; and the module's init and exit.
 *
 * Metadata generation G goes to slot G & 1 of every member, written with
 * REQ_PREFLUSH | REQ_FUA, one member after the other, before the operation
 * is reported done.  A crash in the middle leaves generation G - 1 intact in
 * the other slot of every member, and assembly takes the newest generation
 * that every member holds with identical content, at its own index, with
 * the geometry the members agree on (pv_meta_pick()).  A member whose copy
 * of that generation is damaged gets it written back into the damaged slot
 * before anything else is written, never over its other valid copy.  If a
 * metadata write
 * fails the pool's configuration becomes read-only (the members may now
 * disagree, and only a fresh assembly can tell which state won); I/O to
 * existing volumes continues.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <linux/timekeeping.h>
#include <linux/random.h>
#include <linux/uuid.h>
#include <net/genetlink.h>

#include "podvol.h"

/* Serialises all configuration; see podvol.h. */
DEFINE_MUTEX(pv_lock);
LIST_HEAD(pv_pools);
unsigned int pv_seq = 1;

static const u64 pv_slot_offset[2] = {
	PODVOL_SLOT0_OFFSET, PODVOL_SLOT1_OFFSET
};

/* Synchronous I/O of @len bytes (multiple of PAGE_SIZE) of a vmalloc buffer. */
static int pv_meta_io(struct block_device *bdev, u64 offset, void *buf,
		      size_t len, blk_opf_t opf)
{
	unsigned int nr = DIV_ROUND_UP(len, PAGE_SIZE), i;
	struct bio *bio;
	int ret;

	bio = bio_alloc(bdev, nr, opf, GFP_KERNEL);
	bio->bi_iter.bi_sector = offset >> SECTOR_SHIFT;
	for (i = 0; i < nr; i++) {
		struct page *page = vmalloc_to_page(buf + i * PAGE_SIZE);

		if (bio_add_page(bio, page, PAGE_SIZE, 0) != PAGE_SIZE) {
			bio_put(bio);
			return -EIO;
		}
	}
	if (op_is_write(opf))
		flush_kernel_vmap_range(buf, len);
	ret = submit_bio_wait(bio);
	if (!op_is_write(opf))
		invalidate_kernel_vmap_range(buf, len);
	bio_put(bio);
	return ret;
}

static void pv_member_close(struct pv_member *m)
{
	if (!m)
		return;
	pv_meta_free(m->slot[0]);
	pv_meta_free(m->slot[1]);
	pv_bdev_close(&m->b, m);
	kfree(m);
}

static struct pv_member *pv_member_open(const char *path,
					struct netlink_ext_ack *extack)
{
	struct pv_member *m;
	int ret;

	m = kzalloc_obj(*m);
	if (!m)
		return ERR_PTR(-ENOMEM);
	ret = pv_bdev_open(&m->b, path, m);
	if (ret) {
		pv_errmsg(extack, "cannot open %s exclusively: error %d%s", path,
			  ret, ret == -EBUSY ? " (device in use)" : "");
		kfree(m);
		return ERR_PTR(ret);
	}
	/*
	 * Stripes are written in place; and stacking a zoned member's limits
	 * would make the volume zoned (BLK_FEAT_ZONED is inherited since
	 * 6.11), which it cannot honour.
	 */
	if (bdev_is_zoned(m->b.bdev)) {
		pv_errmsg(extack, "%s is a zoned device, which podvol cannot use",
			  path);
		pv_bdev_close(&m->b, m);
		kfree(m);
		return ERR_PTR(-EOPNOTSUPP);
	}
	m->dev = m->b.bdev->bd_dev;
	/* Unknown past: the first pre-flush of a volume reaches it. */
	set_bit(0, &m->written);
	return m;
}

/*
 * Read and decode both slots of @m into m->slot[].  Returns 0 if at least
 * one is valid; otherwise -ENODATA (no podvol metadata at all) or -EBADMSG
 * (metadata present but unusable), with the reasons in @extack.
 */
static int pv_member_read(struct pv_member *m, void *buf,
			  struct netlink_ext_ack *extack)
{
	const char *why[2] = { "", "" };
	int err[2], s;

	for (s = 0; s < 2; s++) {
		err[s] = pv_meta_io(m->b.bdev, pv_slot_offset[s], buf,
				    PODVOL_SLOT_SIZE, REQ_OP_READ | REQ_META);
		if (err[s]) {
			why[s] = "read error";
			m->damaged[s] = true;
			continue;
		}
		err[s] = pv_meta_decode(buf, PODVOL_SLOT_SIZE, &m->slot[s],
					&why[s]);
		if (!err[s] && m->slot[s]->slot != s) {
			pv_meta_free(m->slot[s]);
			m->slot[s] = NULL;
			err[s] = -EINVAL;
			why[s] = "copy belongs to the other slot";
		}
		m->damaged[s] = err[s] && err[s] != -ENODATA;
	}
	/* Two valid copies of different pools: only the newer one counts. */
	if (m->slot[0] && m->slot[1] &&
	    memcmp(m->slot[0]->pool_uuid, m->slot[1]->pool_uuid,
		   PODVOL_UUID_SIZE)) {
		s = m->slot[0]->generation < m->slot[1]->generation ? 0 : 1;
		pv_meta_free(m->slot[s]);
		m->slot[s] = NULL;
	}
	if (m->slot[0] || m->slot[1])
		return 0;
	if (err[0] == -ENODATA && err[1] == -ENODATA) {
		pv_errmsg(extack, "%pg: no podvol metadata", m->b.bdev);
		return -ENODATA;
	}
	pv_errmsg(extack, "%pg: podvol metadata unusable: slot 0: %s; slot 1: %s",
		  m->b.bdev, why[0], why[1]);
	pr_warn("%pg: metadata unusable: slot 0: %s; slot 1: %s\n", m->b.bdev,
		why[0], why[1]);
	return -EBADMSG;
}

static struct pv_meta *pv_member_newest(struct pv_member *m)
{
	if (m->slot[0] && m->slot[1])
		return m->slot[0]->generation > m->slot[1]->generation ?
		       m->slot[0] : m->slot[1];
	return m->slot[0] ?: m->slot[1];
}

struct pv_pool *pv_pool_find(const char *name)
{
	struct pv_pool *pool;

	list_for_each_entry(pool, &pv_pools, node)
		if (!strcmp(pool->name, name))
			return pool;
	return NULL;
}

/*
 * Background zeroing.  Space a volume gave up is dirty (pool->dirty, and in
 * the metadata of the same generation) until it was zeroed; the allocator
 * takes clean space first and zeroes dirty space synchronously when it has
 * to take it (pv_pool_zero_map()).  In the background, zero_work zeroes
 * dirty space on members that offload write-zeroes (no data moves), one
 * piece at a time under pv_lock, so that no allocation can race with it.
 * It only shrinks pool->dirty in memory: the next commit, whose
 * REQ_PREFLUSH makes the zeroes durable first, stores the smaller list.
 * A crash before that finds the range still dirty and zeroes it again.
 * Members without the offload would have their zeroes written page by page,
 * which is what allocation does, for just what it takes.
 */
#define PV_ZERO_PIECE	(SZ_256M >> SECTOR_SHIFT)

static bool pv_pool_zero_step(struct pv_pool *pool)
{
	struct block_device *bdev = NULL;
	struct pv_range *d = NULL;
	u64 len;
	u32 i;
	int ret;

	if (pool->state != PODVOL_POOL_RUNNING || pool->zero_failed)
		return false;
	for (i = 0; i < pool->nr_dirty; i++) {
		bdev = pool->member[pool->dirty[i].member]->b.bdev;
		if (bdev_write_zeroes_sectors(bdev)) {
			d = &pool->dirty[i];
			break;
		}
	}
	if (!d)
		return false;
	len = min(d->end - d->start,
		  round_up((u64)PV_ZERO_PIECE, pool->geom.chunk_sectors));
	ret = blkdev_issue_zeroout(bdev, d->start, len, GFP_KERNEL,
				   BLKDEV_ZERO_NOFALLBACK);
	if (ret) {
		pr_warn("pool %s: zeroing free space on %pg failed (error %d); left to allocation\n",
			pool->name, bdev, ret);
		pool->zero_failed = true;
		return false;
	}
	d->start += len;
	if (d->start == d->end) {
		pool->nr_dirty--;
		memmove(d, d + 1, (pool->dirty + pool->nr_dirty - d) * sizeof(*d));
	}
	pv_seq++;
	return true;
}

static void pv_pool_zero_work(struct work_struct *work)
{
	struct pv_pool *pool = container_of(to_delayed_work(work),
					    struct pv_pool, zero_work);
	bool more;

	/* pv_pool_free() cancels this work with pv_lock held. */
	if (!mutex_trylock(&pv_lock)) {
		queue_delayed_work(system_unbound_wq, &pool->zero_work, HZ / 10);
		return;
	}
	more = pv_pool_zero_step(pool);
	mutex_unlock(&pv_lock);
	if (more)
		queue_delayed_work(system_unbound_wq, &pool->zero_work, 0);
}

static void pv_pool_zero_kick(struct pv_pool *pool)
{
	pool->zero_failed = false;
	if (pool->nr_dirty)
		mod_delayed_work(system_unbound_wq, &pool->zero_work, 0);
}

u64 pv_pool_dirty_bytes(struct pv_pool *pool)
{
	return pv_ranges_sectors(pool->dirty, pool->nr_dirty) << SECTOR_SHIFT;
}

/*
 * @map is about to be committed: zero the dirty space it takes, and take
 * that out of pool->dirty.  Slow where the members do not offload it, but
 * only for what an allocation could not find clean.
 */
int pv_pool_zero_map(struct pv_pool *pool, const struct pv_map *map,
		     struct netlink_ext_ack *extack)
{
	struct pv_range *mr, *take = NULL, *rest;
	long nmr, nt, nr;
	int ret = 0;

	lockdep_assert_held(&pv_lock);
	nmr = pv_map_ranges(map, &mr);
	if (nmr < 0)
		return nmr;
	nt = pv_ranges_op(mr, nmr, pool->dirty, pool->nr_dirty, false, &take);
	nr = pv_ranges_op(pool->dirty, pool->nr_dirty, mr, nmr, true, &rest);
	pv_free(mr);
	if (nt < 0 || nr < 0) {
		ret = -ENOMEM;
		goto out;
	}
	while (nt--) {
		struct block_device *bdev = pool->member[take[nt].member]->b.bdev;

		ret = blkdev_issue_zeroout(bdev, take[nt].start,
					   take[nt].end - take[nt].start,
					   GFP_KERNEL, 0);
		if (ret) {
			pv_errmsg(extack,
				  "cannot zero freed space on %pg for the volume (error %d)",
				  bdev, ret);
			goto out;
		}
	}
	swap(pool->dirty, rest);
	pool->nr_dirty = nr;
out:
	pv_free(take);
	if (nr >= 0)
		pv_free(rest);
	return ret;
}

static struct pv_pool *pv_pool_alloc(void)
{
	struct pv_pool *pool = kzalloc_obj(*pool);

	if (!pool)
		return NULL;
	pool->slot_buf = vzalloc(PODVOL_SLOT_SIZE);
	if (!pool->slot_buf) {
		kfree(pool);
		return NULL;
	}
	INIT_LIST_HEAD(&pool->volumes);
	INIT_LIST_HEAD(&pool->node);
	INIT_DELAYED_WORK(&pool->zero_work, pv_pool_zero_work);
	return pool;
}

static void pv_pool_free(struct pv_pool *pool)
{
	u32 i;

	/* The work only trylocks pv_lock, which our caller may hold. */
	cancel_delayed_work_sync(&pool->zero_work);
	kvfree(pool->dirty);
	for (i = 0; i < PODVOL_MAX_MEMBERS; i++)
		pv_member_close(pool->member[i]);
	vfree(pool->slot_buf);
	kfree(pool);
}

/* Every volume map of @pool, for the allocator; @maps has nr_volumes room. */
u32 pv_pool_maps(struct pv_pool *pool, const struct pv_map **maps)
{
	struct pv_volume *vol;
	u32 n = 0;

	list_for_each_entry(vol, &pool->volumes, node)
		maps[n++] = pv_vol_map(vol);
	return n;
}

int pv_pool_space(struct pv_pool *pool, u64 *member_free)
{
	const struct pv_map **maps;
	int ret;

	maps = kvcalloc(pool->nr_volumes + 1, sizeof(*maps), GFP_KERNEL);
	if (!maps)
		return -ENOMEM;
	ret = pv_space_free(&pool->geom, maps, pv_pool_maps(pool, maps),
			    member_free);
	kvfree(maps);
	return ret;
}

static void pv_pool_meta_header(struct pv_pool *pool, struct pv_meta *meta,
				u64 generation)
{
	meta->generation = generation;
	meta->slot = generation & 1;
	memcpy(meta->pool_uuid, pool->uuid, PODVOL_UUID_SIZE);
	strscpy(meta->pool_name, pool->name, sizeof(meta->pool_name));
	meta->ctime = pool->ctime;
	meta->utime = ktime_get_real_seconds();
	meta->geom = pool->geom;
	memcpy(meta->member_uuid, pool->member_uuid, sizeof(meta->member_uuid));
}

/*
 * Encode @meta as member @i's copy and write it to that member's slot.
 * *@io tells a failed write (which may have reached the disk in part) from
 * a refusal to encode (nothing written).
 */
static int pv_pool_write_one(struct pv_pool *pool, struct pv_meta *meta, u32 i,
			     bool *io, struct netlink_ext_ack *extack)
{
	struct block_device *bdev = pool->member[i]->b.bdev;
	const char *why = "";
	size_t used;
	int ret;

	*io = false;
	meta->member_index = i;
	ret = pv_meta_encode(meta, pool->slot_buf, PODVOL_SLOT_SIZE, &used, &why);
	if (ret) {
		/* Same content for every member: fails on the first. */
		pv_errmsg(extack, "cannot store metadata: %s", why);
		return ret;
	}
	ret = pv_meta_io(bdev, pv_slot_offset[meta->slot], pool->slot_buf, used,
			 REQ_OP_WRITE | REQ_SYNC | REQ_META | REQ_PREFLUSH |
			 REQ_FUA);
	*io = ret;
	return ret;
}

/*
 * Write @meta to members 0 .. @nr - 1 in turn; see the top of the file.
 * Once the first write may have reached a disk, a failure leaves the
 * members disagreeing, which only a fresh assembly can sort out.
 */
static int pv_pool_write(struct pv_pool *pool, struct pv_meta *meta, u32 nr,
			 bool written, struct netlink_ext_ack *extack)
{
	bool io;
	u32 i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = pv_pool_write_one(pool, meta, i, &io, extack);
		if (ret && (io || i || written)) {
			pool->state = PODVOL_POOL_FAILED;
			pv_errmsg(extack,
				  "metadata write to %pg failed (error %d); pool configuration is now read-only",
				  pool->member[i]->b.bdev, ret);
			pr_err("pool %s: metadata write to %pg failed: %d; configuration is read-only until reassembled\n",
			       pool->name, pool->member[i]->b.bdev, ret);
			return ret;
		}
		if (ret)
			return ret;
	}
	pool->generation = meta->generation;
	pv_seq++;
	return 0;
}

/* The dirty list @meta's volumes leave: see pv_dirty_after(). */
static int pv_pool_commit_dirty(struct pv_pool *pool, struct pv_meta *meta)
{
	const struct pv_map **before, **after;
	long n = -ENOMEM;
	u32 i;

	before = kvcalloc(pool->nr_volumes + 1, sizeof(*before), GFP_KERNEL);
	after = kvcalloc(meta->nr_volumes + 1, sizeof(*after), GFP_KERNEL);
	if (before && after) {
		for (i = 0; i < meta->nr_volumes; i++)
			after[i] = meta->vol[i].map;
		n = pv_dirty_after(&pool->geom, before,
				   pv_pool_maps(pool, before), after,
				   meta->nr_volumes, pool->dirty,
				   pool->nr_dirty, &meta->dirty);
	}
	kvfree(before);
	kvfree(after);
	if (n < 0)
		return n;
	meta->nr_dirty = n;
	return 0;
}

/* Whether @pool takes a new generation of its metadata. */
static bool pv_pool_writable(struct pv_pool *pool,
			     struct netlink_ext_ack *extack)
{
	if (pool->state == PODVOL_POOL_RUNNING)
		return true;
	pv_errmsg(extack, "pool %s is %s", pool->name,
		  pool->state == PODVOL_POOL_FAILED ?
		  "read-only after a failed metadata write" : "not running");
	return false;
}

/* The metadata entry of @vol, with @size and @map as they are to be. */
static void pv_meta_vol_set(struct pv_meta_vol *v, struct pv_volume *vol,
			    u64 size, struct pv_map *map)
{
	memcpy(v->uuid, vol->uuid, PODVOL_UUID_SIZE);
	strscpy(v->name, vol->name, sizeof(v->name));
	v->ctime = vol->ctime;
	v->size = size;
	v->map = map;
}

/*
 * Commit the pool's state with one change applied: @add a volume, @drop a
 * volume, or give @resize the new @map and @size.  Nothing in memory changes
 * here; the caller applies the change once this returned 0.
 */
int pv_pool_commit(struct pv_pool *pool, struct pv_volume *add,
		   struct pv_volume *drop, struct pv_volume *resize,
		   struct pv_map *map, u64 size, struct netlink_ext_ack *extack)
{
	struct pv_volume *vol;
	struct pv_meta *meta;
	u32 n = 0;
	int ret;

	lockdep_assert_held(&pv_lock);
	if (!pv_pool_writable(pool, extack))
		return -EIO;
	meta = kvzalloc_obj(*meta);
	if (!meta)
		return -ENOMEM;
	meta->vol = kvcalloc(pool->nr_volumes + 1, sizeof(*meta->vol),
			     GFP_KERNEL);
	if (!meta->vol) {
		kvfree(meta);
		return -ENOMEM;
	}
	pv_pool_meta_header(pool, meta, pool->generation + 1);
	list_for_each_entry(vol, &pool->volumes, node) {
		if (vol == drop)
			continue;
		if (vol == resize)
			pv_meta_vol_set(&meta->vol[n++], vol, size, map);
		else
			pv_meta_vol_set(&meta->vol[n++], vol, vol->size,
					pv_vol_map(vol));
	}
	if (add)
		pv_meta_vol_set(&meta->vol[n++], add, add->size,
				pv_vol_map(add));
	meta->nr_volumes = n;
	ret = pv_pool_commit_dirty(pool, meta);
	if (!ret)
		ret = pv_pool_write(pool, meta, pool->geom.nr_members, false,
				    extack);
	if (!ret) {
		swap(pool->dirty, meta->dirty);
		pool->nr_dirty = meta->nr_dirty;
		pv_pool_zero_kick(pool);
	}
	pv_free(meta->dirty);
	kvfree(meta->vol);
	kvfree(meta);
	return ret;
}

static bool pv_dev_in_use(dev_t dev, struct pv_pool **owner)
{
	struct pv_pool *pool;
	u32 i;

	list_for_each_entry(pool, &pv_pools, node)
		for (i = 0; i < PODVOL_MAX_MEMBERS; i++)
			if (pool->member[i] && pool->member[i]->dev == dev) {
				*owner = pool;
				return true;
			}
	return false;
}

/*
 * Look up the block device at @path, which must not be a member of any
 * pool yet: -EEXIST if it is one of @pool's, -EBUSY if another pool's.
 */
static int pv_dev_lookup_free(const char *path, struct pv_pool *pool,
			      dev_t *dev, struct netlink_ext_ack *extack)
{
	struct pv_pool *owner;
	int ret;

	ret = lookup_bdev(path, dev);
	if (ret) {
		pv_errmsg(extack, "%s: not a block device (error %d)", path, ret);
		return ret;
	}
	if (pv_dev_in_use(*dev, &owner)) {
		pv_errmsg(extack, "%s is already a member of pool %s", path,
			  owner->name);
		return owner == pool ? -EEXIST : -EBUSY;
	}
	return 0;
}

/* Refuse to overwrite podvol metadata on @m unless @force says so. */
static int pv_member_claim(struct pv_pool *pool, struct pv_member *m,
			   const char *path, bool force,
			   struct netlink_ext_ack *extack)
{
	if (force || pv_member_read(m, pool->slot_buf, NULL))
		return 0;
	pv_errmsg(extack,
		  "%s carries metadata of podvol pool %s (force to overwrite)",
		  path, pv_member_newest(m)->pool_name);
	return -EEXIST;
}

/* Zero the first @bytes of @m: old signatures and metadata slots. */
static int pv_member_wipe(struct pv_member *m, const char *path, u32 bytes,
			  struct netlink_ext_ack *extack)
{
	int ret;

	ret = blkdev_issue_zeroout(m->b.bdev, 0, bytes >> SECTOR_SHIFT,
				   GFP_KERNEL, BLKDEV_ZERO_NOUNMAP);
	if (ret)
		pv_errmsg(extack, "%s: cannot clear the metadata area (error %d)",
			  path, ret);
	return ret;
}

/*
 * Create pool @name on @paths.  Every check comes before the first write,
 * so that a refusal leaves the members as they were.  With @out NULL, only
 * check (PODVOL_A_VALIDATE_ONLY): open the members as a create would, and
 * close them again.
 */
int pv_pool_create(const char *name, u32 chunk_bytes, const char *const *paths,
		   u32 nr, bool force, struct pv_pool **out,
		   struct netlink_ext_ack *extack)
{
	struct pv_pool *pool;
	struct pv_meta *meta = NULL;
	u32 chunk = chunk_bytes >> SECTOR_SHIFT, i, j;
	int ret;

	lockdep_assert_held(&pv_lock);
	if (!pv_name_valid(name)) {
		pv_errmsg(extack,
			  "invalid pool name \"%s\" (1-%d of A-Z a-z 0-9 . _ -, not starting with . or -)",
			  name, PODVOL_NAME_MAX);
		return -EINVAL;
	}
	if (!is_power_of_2(chunk_bytes) || chunk_bytes < PODVOL_CHUNK_MIN ||
	    chunk_bytes > PODVOL_CHUNK_MAX) {
		pv_errmsg(extack, "chunk size %u is not a power of two between %u and %u",
			  chunk_bytes, PODVOL_CHUNK_MIN, PODVOL_CHUNK_MAX);
		return -EINVAL;
	}
	if (!nr || nr > PODVOL_MAX_MEMBERS) {
		pv_errmsg(extack, "a pool has 1 to %d members", PODVOL_MAX_MEMBERS);
		return -EINVAL;
	}
	if (pv_pool_find(name)) {
		pv_errmsg(extack, "pool %s already exists", name);
		return -EEXIST;
	}
	pool = pv_pool_alloc();
	if (!pool)
		return -ENOMEM;
	strscpy(pool->name, name, sizeof(pool->name));
	generate_random_uuid(pool->uuid);
	pool->ctime = ktime_get_real_seconds();
	pool->geom.nr_members = nr;
	pool->geom.chunk_sectors = chunk;
	pool->geom.data_offset = round_up(PODVOL_DATA_OFFSET_MIN >> SECTOR_SHIFT,
					  chunk);

	for (i = 0; i < nr; i++) {
		struct pv_member *m;
		dev_t dev;

		ret = pv_dev_lookup_free(paths[i], pool, &dev, extack);
		if (ret)
			goto fail;
		for (j = 0; j < i; j++)
			if (pool->member[j]->dev == dev) {
				pv_errmsg(extack, "%s is given twice", paths[i]);
				ret = -EINVAL;
				goto fail;
			}
		m = pv_member_open(paths[i], extack);
		if (IS_ERR(m)) {
			ret = PTR_ERR(m);
			goto fail;
		}
		m->index = i;
		pool->member[i] = m;
		pool->geom.member_sectors[i] = bdev_nr_sectors(m->b.bdev);
		if (pool->geom.member_sectors[i] <
		    pool->geom.data_offset + chunk) {
			pv_errmsg(extack, "%s is too small: a member needs at least %llu bytes",
				  paths[i],
				  (pool->geom.data_offset + chunk) << SECTOR_SHIFT);
			ret = -ENOSPC;
			goto fail;
		}
		ret = pv_member_claim(pool, m, paths[i], force, extack);
		if (ret)
			goto fail;
		generate_random_uuid(pool->member_uuid[i]);
	}
	if (!out) {
		/* Validate only: every check passed; nothing was written. */
		pv_pool_free(pool);
		return 0;
	}
	pool->nr_present = nr;
	pool->state = PODVOL_POOL_RUNNING;

	/* Wipe old signatures and the slot generation 1 does not use. */
	for (i = 0; i < nr; i++) {
		ret = pv_member_wipe(pool->member[i], paths[i],
				     PODVOL_SLOT1_OFFSET, extack);
		if (ret)
			goto fail;
	}
	meta = kvzalloc_obj(*meta);
	if (!meta) {
		ret = -ENOMEM;
		goto fail;
	}
	pv_pool_meta_header(pool, meta, 1);
	/* Nothing says what the members held before: all of it is dirty. */
	ret = pv_space_ranges(&pool->geom, NULL, 0, &pool->dirty);
	if (ret < 0) {
		kvfree(meta);
		goto fail;
	}
	pool->nr_dirty = ret;
	meta->dirty = pool->dirty;
	meta->nr_dirty = pool->nr_dirty;
	ret = pv_pool_write(pool, meta, nr, false, extack);
	if (ret) {
		/*
		 * A member after the one that failed has nothing of this pool;
		 * those before it claim a pool that does not exist.  Take it
		 * back, on a best-effort basis: the failing disk may refuse.
		 */
		for (i = 0; i < nr; i++) {
			struct block_device *bdev = pool->member[i]->b.bdev;

			if (!blkdev_issue_zeroout(bdev,
						  pv_slot_offset[meta->slot] >> SECTOR_SHIFT,
						  PODVOL_SLOT_SIZE >> SECTOR_SHIFT,
						  GFP_KERNEL, BLKDEV_ZERO_NOUNMAP))
				blkdev_issue_flush(bdev);
		}
		kvfree(meta);
		goto fail;
	}
	kvfree(meta);
	list_add_tail(&pool->node, &pv_pools);
	pr_info("pool %s created: %u members, chunk %u KiB\n", pool->name, nr,
		chunk_bytes >> 10);
	pv_pool_zero_kick(pool);
	*out = pool;
	return 0;

fail:
	pv_pool_free(pool);
	return ret;
}

/*
 * Would @m, about to become a member, weaken what the pool's volumes tell
 * the layers above (their limits are stacked from the members at creation
 * and a resized volume may reach the new member)?  Its logical block may
 * not be larger, it may not cache writes nobody would flush, and it must
 * take the discards and secure erases every member takes.
 */
static int pv_member_fits(struct pv_pool *pool, struct pv_member *m,
			  const char *path, struct netlink_ext_ack *extack)
{
	struct block_device *bdev = m->b.bdev;
	bool cache = false, discard = true, secure = true;
	unsigned int lbs = 0;
	u32 i;

	for (i = 0; i < pool->geom.nr_members; i++) {
		struct block_device *b = pool->member[i]->b.bdev;

		lbs = max(lbs, bdev_logical_block_size(b));
		cache |= bdev_write_cache(b);
		discard &= bdev_max_discard_sectors(b) != 0;
		secure &= bdev_max_secure_erase_sectors(b) != 0;
	}
	if (bdev_logical_block_size(bdev) > lbs) {
		pv_errmsg(extack, "%s has %u-byte logical blocks, larger than the pool's %u",
			  path, bdev_logical_block_size(bdev), lbs);
		return -EINVAL;
	}
	if (bdev_write_cache(bdev) && !cache) {
		pv_errmsg(extack,
			  "%s has a volatile write cache and the members of pool %s have none: its volumes would never flush it",
			  path, pool->name);
		return -EINVAL;
	}
	if ((discard && !bdev_max_discard_sectors(bdev)) ||
	    (secure && !bdev_max_secure_erase_sectors(bdev))) {
		pv_errmsg(extack, "%s does not support %s, which every member of pool %s does",
			  path, discard && !bdev_max_discard_sectors(bdev) ?
			  "discard" : "secure erase", pool->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * The dirty list of @pool once member @idx (all its data area, whose past
 * nobody knows) has joined: the pool's list, then that member's range.
 */
static long pv_pool_extend_dirty(struct pv_pool *pool, u32 idx,
				 struct pv_range **out)
{
	struct pv_range *all, *d;
	long n, i, k;

	n = pv_space_ranges(&pool->geom, NULL, 0, &all);
	if (n < 0)
		return n;
	d = kvcalloc(pool->nr_dirty + n + 1, sizeof(*d), GFP_KERNEL);
	if (!d) {
		pv_free(all);
		return -ENOMEM;
	}
	if (pool->nr_dirty)
		memcpy(d, pool->dirty, pool->nr_dirty * sizeof(*d));
	k = pool->nr_dirty;
	for (i = 0; i < n; i++)
		if (all[i].member == idx)
			d[k++] = all[i];
	pv_free(all);
	*out = d;
	return k;
}

/*
 * Add the device at @path to running pool @pool as member nr_members (see
 * PODVOL_CMD_POOL_EXTEND).  Every check comes before the first write.  The
 * new generation goes to the new member first, then to the old members in
 * turn: until the last old member holds it, each old member's newest
 * complete agreement is the previous generation, which does not list the
 * new member, so assembly picks that one (pv_meta_pick()); the new member's
 * copy can only win once every member holds it.  With @validate, check and
 * write nothing.
 */
int pv_pool_extend(struct pv_pool *pool, const char *path, bool force,
		   bool validate, struct netlink_ext_ack *extack)
{
	struct pv_geom old_geom = pool->geom;
	u32 idx = pool->geom.nr_members, n = 0;
	struct pv_member *m;
	struct pv_volume *vol;
	struct pv_meta *meta = NULL;
	struct pv_range *dirty = NULL;
	const char *why = "";
	size_t used;
	long nd;
	bool io;
	dev_t dev;
	int ret;

	lockdep_assert_held(&pv_lock);
	if (!pv_pool_writable(pool, extack))
		return -EIO;
	if (idx >= PODVOL_MAX_MEMBERS) {
		pv_errmsg(extack, "pool %s has %u members, the most a pool can have",
			  pool->name, idx);
		return -E2BIG;
	}
	ret = pv_dev_lookup_free(path, pool, &dev, extack);
	if (ret)
		return ret;
	m = pv_member_open(path, extack);
	if (IS_ERR(m))
		return PTR_ERR(m);
	m->index = idx;
	if (bdev_nr_sectors(m->b.bdev) <
	    pool->geom.data_offset + pool->geom.chunk_sectors) {
		pv_errmsg(extack, "%s is too small: a member of pool %s needs at least %llu bytes",
			  path, pool->name,
			  (pool->geom.data_offset + pool->geom.chunk_sectors)
			  << SECTOR_SHIFT);
		ret = -ENOSPC;
		goto out;
	}
	ret = pv_member_fits(pool, m, path, extack);
	if (ret)
		goto out;
	ret = pv_member_claim(pool, m, path, force, extack);
	if (ret)
		goto out;

	/* The state to commit: every volume as it is, one member more. */
	ret = -ENOMEM;
	meta = kvzalloc_obj(*meta);
	if (!meta)
		goto out;
	meta->vol = kvcalloc(pool->nr_volumes + 1, sizeof(*meta->vol),
			     GFP_KERNEL);
	if (!meta->vol)
		goto out;
	pool->geom.nr_members = idx + 1;
	pool->geom.member_sectors[idx] = bdev_nr_sectors(m->b.bdev);
	generate_random_uuid(pool->member_uuid[idx]);
	pool->member[idx] = m;
	pv_pool_meta_header(pool, meta, pool->generation + 1);
	list_for_each_entry(vol, &pool->volumes, node)
		pv_meta_vol_set(&meta->vol[n++], vol, vol->size,
				pv_vol_map(vol));
	meta->nr_volumes = n;
	nd = pv_pool_extend_dirty(pool, idx, &dirty);
	if (nd < 0) {
		ret = nd;
		goto undo;
	}
	meta->dirty = dirty;
	meta->nr_dirty = nd;
	/* Refuses what would not fit in the table, before anything is written. */
	ret = pv_meta_encode(meta, pool->slot_buf, PODVOL_SLOT_SIZE, &used,
			     &why);
	if (ret) {
		pv_errmsg(extack, "pool %s: the metadata cannot list another member: %s",
			  pool->name, why);
		goto undo;
	}
	if (validate)
		goto undo;

	/* Wipe old signatures and both slots: only the new copy is valid. */
	ret = pv_member_wipe(m, path, PODVOL_SLOT1_OFFSET + PODVOL_SLOT_SIZE,
			     extack);
	if (ret)
		goto undo;
	ret = pv_pool_write_one(pool, meta, idx, &io, extack);
	if (ret) {
		if (io)
			pv_errmsg(extack,
				  "metadata write to %s failed (error %d); pool %s unchanged",
				  path, ret, pool->name);
		goto undo;
	}
	ret = pv_pool_write(pool, meta, idx, true, extack);
	if (ret)
		goto undo;
	pool->nr_present++;
	swap(pool->dirty, meta->dirty);
	pool->nr_dirty = meta->nr_dirty;
	pv_pool_zero_kick(pool);
	pr_info("pool %s: %pg added as member %u (generation %llu)\n",
		pool->name, m->b.bdev, idx, pool->generation);
	m = NULL;
	goto out;

undo:
	/*
	 * Nothing in memory changes.  After a failed write to an old member
	 * the pool is read-only, and the next assembly decides whether the
	 * extension happened; the new member's copy is on its disk for that.
	 */
	pool->member[idx] = NULL;
	memset(pool->member_uuid[idx], 0, PODVOL_UUID_SIZE);
	pool->geom = old_geom;
out:
	if (meta) {
		pv_free(meta->dirty);
		kvfree(meta->vol);
		kvfree(meta);
	}
	pv_member_close(m);
	return ret;
}

/*
 * Choose the generation to assemble from (see pv_meta_pick()): it must
 * agree with every member present, at its index, and with the geometry and
 * member list the members were added under.  Returns NULL with the reason
 * in *@why when there is none; *@repair has a bit for every member whose
 * copy of it is damaged and must be written back.
 */
static struct pv_meta *pv_pool_pick(struct pv_pool *pool, u32 *repair,
				    const char **why)
{
	struct pv_meta_copies *c;
	struct pv_meta *ref, *best = NULL;
	u32 i, k;

	*why = "out of memory";
	ref = kvzalloc_obj(*ref);
	c = kcalloc(pool->geom.nr_members, sizeof(*c), GFP_KERNEL);
	if (!ref || !c)
		goto out;
	pv_pool_meta_header(pool, ref, 0);
	for (i = 0; i < pool->geom.nr_members; i++)
		for (k = 0; k < 2; k++) {
			c[i].slot[k] = pool->member[i]->slot[k];
			c[i].damaged[k] = pool->member[i]->damaged[k];
		}
	best = pv_meta_pick(c, pool->geom.nr_members, ref, repair, why);
out:
	kfree(c);
	kvfree(ref);
	return best;
}

/*
 * Write generation @meta back into the damaged slot of every member in
 * @repair: member @src's copy, the header changed to name the member it is
 * on.  Only that slot is written, so a crash here leaves the member its
 * other valid copy; the next commit (the other slot) comes only after this
 * succeeded, when every member holds @meta.
 */
static int pv_pool_repair(struct pv_pool *pool, const struct pv_meta *meta,
			  u32 src, u32 repair)
{
	struct podvol_sb *sb = pool->slot_buf;
	u64 off = pv_slot_offset[meta->slot];
	struct pv_meta *check;
	const char *why = "";
	size_t len;
	bool same;
	u32 i;
	int ret;

	ret = pv_meta_io(pool->member[src]->b.bdev, off, pool->slot_buf,
			 PODVOL_SLOT_SIZE, REQ_OP_READ | REQ_META);
	if (ret)
		return ret;
	ret = pv_meta_decode(pool->slot_buf, PODVOL_SLOT_SIZE, &check, &why);
	if (ret)
		return ret;
	same = pv_meta_consistent(check, meta);
	pv_meta_free(check);
	if (!same)
		return -ESTALE;
	len = round_up(PODVOL_SB_SIZE + meta->table_bytes, (size_t)4096);
	for (i = 0; i < pool->geom.nr_members; i++) {
		if (!(repair & BIT(i)))
			continue;
		sb->member_index = cpu_to_le32(i);
		memcpy(sb->member_uuid, pool->member_uuid[i], PODVOL_UUID_SIZE);
		pv_meta_seal(pool->slot_buf);
		ret = pv_meta_io(pool->member[i]->b.bdev, off, pool->slot_buf,
				 len, REQ_OP_WRITE | REQ_SYNC | REQ_META |
				 REQ_PREFLUSH | REQ_FUA);
		if (ret)
			return ret;
		pr_info("pool %s: %pg: generation %llu written back to slot %u\n",
			pool->name, pool->member[i]->b.bdev, meta->generation,
			meta->slot);
	}
	return 0;
}

static void pv_pool_del_volumes(struct pv_pool *pool)
{
	struct pv_volume *vol, *tmp;

	list_for_each_entry_safe(vol, tmp, &pool->volumes, node) {
		list_del(&vol->node);
		pool->nr_volumes--;
		pv_volume_del(vol);
		pv_volume_free(vol);
	}
}

/*
 * The dirty list of the assembled generation; a pool written before there
 * was one may have anything in its free space, which is all dirty then.
 */
static int pv_pool_start_dirty(struct pv_pool *pool, struct pv_meta *meta)
{
	const struct pv_map **maps;
	long n;

	if (meta->dirty_known) {
		/* a copy: the members' metadata stays as read until the pool runs */
		pool->dirty = kvcalloc((size_t)meta->nr_dirty + 1,
				       sizeof(*pool->dirty), GFP_KERNEL);
		if (!pool->dirty)
			return -ENOMEM;
		if (meta->nr_dirty)
			memcpy(pool->dirty, meta->dirty,
			       meta->nr_dirty * sizeof(*pool->dirty));
		pool->nr_dirty = meta->nr_dirty;
		return 0;
	}
	maps = kvcalloc(pool->nr_volumes + 1, sizeof(*maps), GFP_KERNEL);
	if (!maps)
		return -ENOMEM;
	n = pv_space_ranges(&pool->geom, maps, pv_pool_maps(pool, maps),
			    &pool->dirty);
	kvfree(maps);
	if (n < 0)
		return n;
	pool->nr_dirty = n;
	pr_info("pool %s: metadata without a dirty list; all free space is zeroed before use\n",
		pool->name);
	return 0;
}

/* All members present: choose the metadata and bring up every volume. */
static int pv_pool_start(struct pv_pool *pool, struct netlink_ext_ack *extack)
{
	struct pv_volume *vol;
	struct pv_meta *meta;
	struct pv_geom geom_all;
	const char *why;
	int ret, fixed = 0;
	u32 repair, i, nr_all;

	meta = pv_pool_pick(pool, &repair, &why);
	if (!meta) {
		pv_errmsg(extack,
			  "pool %s: no metadata generation agrees with every member (newest: %s); refusing to start",
			  pool->name, why);
		pr_err("pool %s: no metadata generation agrees with every member (newest: %s)\n",
		       pool->name, why);
		return -EINVAL;
	}
	pool->generation = meta->generation;
	/*
	 * Members past the chosen generation's list were added by an
	 * extension that did not reach every old member: the pool runs
	 * without them (released once it runs).
	 */
	nr_all = pool->geom.nr_members;
	geom_all = pool->geom;
	pool->geom = meta->geom;
	if (repair) {
		pr_warn("pool %s: rewriting damaged copies of generation %llu\n",
			pool->name, meta->generation);
		fixed = pv_pool_repair(pool, meta, ffz(repair), repair);
	}
	/*
	 * The volumes get copies of the maps: until the pool runs, the
	 * members' metadata stays as read, so that a failure leaves the
	 * pool as it was and the next member added can try again.
	 */
	for (i = 0; i < meta->nr_volumes; i++) {
		struct pv_meta_vol *v = &meta->vol[i];
		struct pv_map *map = pv_map_dup(v->map);

		if (!map) {
			ret = -ENOMEM;
			goto fail;
		}
		vol = pv_volume_alloc(pool, v->name, v->uuid, v->size, v->ctime,
				      map);
		if (IS_ERR(vol)) {
			pv_map_free(map);
			ret = PTR_ERR(vol);
			goto fail;
		}
		list_add_tail(&vol->node, &pool->volumes);
		pool->nr_volumes++;
	}
	ret = pv_pool_start_dirty(pool, meta);
	if (ret)
		goto fail;
	/*
	 * A member whose damaged copy could not be rewritten still has its
	 * only valid copy in the slot the next commit would overwrite.
	 */
	pool->state = fixed ? PODVOL_POOL_FAILED : PODVOL_POOL_RUNNING;
	if (fixed)
		pr_err("pool %s: cannot rewrite damaged metadata (error %d); configuration is read-only until reassembled\n",
		       pool->name, fixed);
	list_for_each_entry(vol, &pool->volumes, node) {
		ret = pv_volume_add(vol);
		if (ret) {
			pv_errmsg(extack, "pool %s: cannot add volume %s (error %d)",
				  pool->name, vol->name, ret);
			goto fail;
		}
	}
	for (i = 0; i < pool->geom.nr_members; i++) {
		pv_meta_free(pool->member[i]->slot[0]);
		pv_meta_free(pool->member[i]->slot[1]);
		pool->member[i]->slot[0] = NULL;
		pool->member[i]->slot[1] = NULL;
	}
	for (i = pool->geom.nr_members; i < nr_all; i++) {
		pr_warn("pool %s: %pg was added by an extension that did not complete; released, not a member\n",
			pool->name, pool->member[i]->b.bdev);
		pv_member_close(pool->member[i]);
		pool->member[i] = NULL;
		memset(pool->member_uuid[i], 0, PODVOL_UUID_SIZE);
		pool->nr_present--;
	}
	pv_seq++;
	pr_info("pool %s assembled: %u members, %u volumes, generation %llu\n",
		pool->name, pool->geom.nr_members, pool->nr_volumes,
		pool->generation);
	pv_pool_zero_kick(pool);
	return 0;

fail:
	pool->state = PODVOL_POOL_PENDING;
	pool->geom = geom_all;
	pv_pool_del_volumes(pool);
	kvfree(pool->dirty);
	pool->dirty = NULL;
	pool->nr_dirty = 0;
	return ret;
}

/*
 * May @meta, the newest copy of a device, join @pool as it is known so far:
 * the same pool, one member list the start of the other's?  1 if so, 0 if
 * not, or a negative error.
 */
static int pv_pool_related(struct pv_pool *pool, const struct pv_meta *meta)
{
	struct pv_meta *ref = kvzalloc_obj(*ref);
	int ret;

	if (!ref)
		return -ENOMEM;
	pv_pool_meta_header(pool, ref, 0);
	ret = pv_meta_extends(ref, meta) || pv_meta_extends(meta, ref);
	kvfree(ref);
	return ret;
}

int pv_pool_add_member(const char *path, struct pv_pool **out,
		       struct netlink_ext_ack *extack)
{
	struct pv_pool *pool, *p;
	struct pv_member *m;
	struct pv_meta *meta;
	bool created = false;
	void *buf;
	dev_t dev;
	u32 idx;
	int ret;

	lockdep_assert_held(&pv_lock);
	ret = lookup_bdev(path, &dev);
	if (ret) {
		pv_errmsg(extack, "%s: not a block device (error %d)", path, ret);
		return ret;
	}
	if (pv_dev_in_use(dev, out))
		return 0;	/* udev may say "add" more than once */

	m = pv_member_open(path, extack);
	if (IS_ERR(m))
		return PTR_ERR(m);
	buf = vmalloc(PODVOL_SLOT_SIZE);
	if (!buf) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = pv_member_read(m, buf, extack);
	vfree(buf);
	if (ret)
		goto fail;
	meta = pv_member_newest(m);
	idx = meta->member_index;
	m->index = idx;

	pool = NULL;
	list_for_each_entry(p, &pv_pools, node) {
		if (!memcmp(p->uuid, meta->pool_uuid, PODVOL_UUID_SIZE)) {
			pool = p;
		} else if (!strcmp(p->name, meta->pool_name)) {
			pv_errmsg(extack,
				  "%s belongs to pool %s, but a different pool of that name is active",
				  path, meta->pool_name);
			ret = -EEXIST;
			goto fail;
		}
	}
	if (pool) {
		if (pool->state != PODVOL_POOL_PENDING &&
		    idx >= pool->geom.nr_members) {
			pv_errmsg(extack,
				  "%s claims to be member %u of pool %s, which runs with %u members: left over from an extension that did not complete (extend the pool with it again, forced)",
				  path, idx, pool->name, pool->geom.nr_members);
			ret = -EINVAL;
			goto fail;
		}
		if (pool->member[idx]) {
			pv_errmsg(extack,
				  "%s claims to be member %u of pool %s, which %pg already is",
				  path, idx, pool->name,
				  pool->member[idx]->b.bdev);
			ret = -EEXIST;
			goto fail;
		}
		ret = pv_pool_related(pool, meta);
		if (ret <= 0) {
			if (!ret)
				pv_errmsg(extack,
					  "%s: metadata disagrees with the other members of pool %s",
					  path, pool->name);
			ret = ret ?: -EINVAL;
			goto fail;
		}
	} else {
		pool = pv_pool_alloc();
		if (!pool) {
			ret = -ENOMEM;
			goto fail;
		}
		created = true;
		strscpy(pool->name, meta->pool_name, sizeof(pool->name));
		memcpy(pool->uuid, meta->pool_uuid, PODVOL_UUID_SIZE);
		pool->geom = meta->geom;
		pool->ctime = meta->ctime;
		memcpy(pool->member_uuid, meta->member_uuid,
		       sizeof(pool->member_uuid));
		pool->state = PODVOL_POOL_PENDING;
	}
	if (bdev_nr_sectors(m->b.bdev) < meta->geom.member_sectors[idx]) {
		pv_errmsg(extack,
			  "%s is smaller (%llu sectors) than member %u of pool %s was (%llu)",
			  path, (u64)bdev_nr_sectors(m->b.bdev), idx,
			  pool->name, meta->geom.member_sectors[idx]);
		ret = -EINVAL;
		goto fail_pool;
	}
	/*
	 * A pending pool waits for the longest member list any member
	 * names: a member that lists more was written by an extension, so
	 * the members it adds exist (they were written first).
	 */
	if (meta->geom.nr_members > pool->geom.nr_members) {
		pool->geom = meta->geom;
		memcpy(pool->member_uuid, meta->member_uuid,
		       sizeof(pool->member_uuid));
	}
	pool->member[idx] = m;
	pool->nr_present++;
	if (created)
		list_add_tail(&pool->node, &pv_pools);
	pv_seq++;
	*out = pool;
	pr_info("pool %s: %pg is member %u (%u of %u present)\n", pool->name,
		m->b.bdev, idx, pool->nr_present, pool->geom.nr_members);
	if (pool->nr_present < pool->geom.nr_members)
		return 0;

	ret = pv_pool_start(pool, extack);
	if (ret) {
		/* As it was before: this member missing, maybe no pool. */
		pool->member[idx] = NULL;
		pool->nr_present--;
		pv_seq++;
		if (created)
			list_del(&pool->node);
		goto fail_pool;
	}
	pv_notify_pool(pool, PODVOL_CMD_POOL_NEW_NTF);
	return 0;

fail_pool:
	if (created)
		pv_pool_free(pool);
fail:
	pv_member_close(m);
	return ret;
}

int pv_pool_stop(struct pv_pool *pool, struct netlink_ext_ack *extack)
{
	struct pv_volume *vol;

	lockdep_assert_held(&pv_lock);
	list_for_each_entry(vol, &pool->volumes, node) {
		if (pv_volume_claim(vol)) {
			struct pv_volume *v;

			list_for_each_entry(v, &pool->volumes, node) {
				if (v == vol)
					break;
				pv_volume_unclaim(v);
			}
			pv_errmsg(extack, "pool %s: volume %s is open", pool->name,
				  vol->name);
			return -EBUSY;
		}
	}
	pv_pool_del_volumes(pool);
	list_del(&pool->node);
	pv_seq++;
	pr_info("pool %s stopped\n", pool->name);
	pv_pool_free(pool);
	return 0;
}

static int __init pv_init(void)
{
	int ret;

	ret = pv_volume_init();
	if (ret)
		return ret;
	ret = pv_netlink_init();
	if (ret) {
		pv_volume_exit();
		return ret;
	}
	return 0;
}

static void __exit pv_exit(void)
{
	struct pv_pool *pool, *tmp;

	pv_netlink_exit();
	/* Open volumes pin the module, so nothing here can be busy. */
	mutex_lock(&pv_lock);
	list_for_each_entry_safe(pool, tmp, &pv_pools, node)
		WARN_ON(pv_pool_stop(pool, NULL));
	mutex_unlock(&pv_lock);
	pv_volume_exit();
}

module_init(pv_init);
module_exit(pv_exit);
MODULE_DESCRIPTION("podvol: per-pod block volumes striped across a node's disks");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(PODVOL_GENL_NAME);
