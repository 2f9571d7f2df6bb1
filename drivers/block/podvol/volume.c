// SPDX-License-Identifier: GPL-2.0
/*
 * podvol volumes: the gendisks, their sysfs attributes, the I/O path, and
 * volume create/delete/resize.
 *
 * The I/O path remaps bios the device-mapper way.  A bio from above is
 * cloned once (from pv_io_set) so that its completion can end the I/O
 * accounting.  Each pass over the clone then takes at most one bio from
 * pv_split_set that it may wait for, sends it on to a member, and sends
 * the clone back through the block layer for the next pass, as raid0 does
 * with a split's remainder: the block layer submits what a pass sent to
 * the members before the next pass runs, so a pass never waits on the
 * mempool while it holds an element of it that nothing else will free.  A
 * read or write that puts several chunks on a member sends that member
 * one bio with all of them: every member's in one pass when those bios
 * can be had without waiting, else one member per pass; otherwise it is
 * split at the next chunk boundary (bio_submit_split_bioset()) and the
 * piece remapped to its member.  Discard and write-zeroes send one range
 * per member and extent (dm-stripe's stripe_map_range()), one per pass.  A
 * pre-flush goes to every member the volume uses, one per pass, and data
 * that came with it is sent only once those flushes completed, from a work
 * item.  A member that no write reached since its last flush is left out
 * of a pre-flush (an fsync after a 4k write then flushes one member, not
 * all).
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/timekeeping.h>

#include "gather.h"
#include "podvol.h"

static int pv_major;
static DEFINE_IDA(pv_ida);
static struct bio_set pv_io_set;	/* accounting clones */
static struct bio_set pv_split_set;	/* splits, per-member flush/discard */
static struct workqueue_struct *pv_wq;

/*
 * A bio from above is cloned once, into the struct pv_io it is sent on
 * with; the clone comes back to pv_submit_bio() for every further pass
 * over it.  @todo, @stripe, @flushing and @flush_status keep a pre-flush's
 * or a range's progress between passes.
 */
struct pv_io {
	struct pv_volume *vol;
	struct bio *orig;
	unsigned long start;
	u64 written;		/* members this write was sent to */
	u64 todo;		/* pre-flush: members not yet looked at */
	atomic_t flushing;	/* pre-flush: member flushes in flight, + 1 */
	blk_status_t flush_status;
	bool flush_started;
	u32 stripe;		/* range: next stripe of the current extent */
	struct bio clone;	/* last: bioset front_pad */
};

static inline struct pv_member *pv_member(struct pv_volume *vol, u32 i)
{
	return vol->pool->member[i];
}

/*
 * The members a write reached are marked when it completes, before the
 * write is reported done: a flush issued after that sees the mark.
 */
static void pv_mark_written(struct pv_volume *vol, u64 mask)
{
	while (mask) {
		struct pv_member *m = pv_member(vol, __ffs64(mask));

		if (!test_bit(0, &m->written))
			set_bit(0, &m->written);
		mask &= mask - 1;
	}
}

static void pv_io_end(struct bio *clone)
{
	struct pv_io *io = container_of(clone, struct pv_io, clone);
	struct bio *orig = io->orig;

	pv_mark_written(io->vol, io->written);
	orig->bi_status = clone->bi_status;
	bio_end_io_acct(orig, io->start);
	bio_put(clone);
	bio_endio(orig);
}

/*
 * @bio's struct pv_io if it is a clone of @vol's coming back, NULL if it
 * is a bio from above.  A clone is known by the end_io only pv_io_set's
 * bios get, not by the bio_set it came from; and one of another podvol
 * volume stacked on this one is a bio from above.
 */
static struct pv_io *pv_clone_to_io(struct pv_volume *vol, struct bio *bio)
{
	struct pv_io *io;

	if (bio->bi_end_io != pv_io_end)
		return NULL;
	io = container_of(bio, struct pv_io, clone);
	return io->vol == vol ? io : NULL;
}

static inline struct block_device *pv_member_bdev(struct pv_volume *vol,
						  u32 member)
{
	return pv_member(vol, member)->b.bdev;
}

/* Bios of pv_split_set carry this in front (used by member flushes). */
struct pv_flush {
	struct pv_member *m;
	struct pv_io *io;
	struct bio bio;		/* last: bioset front_pad */
};

static void pv_work(struct work_struct *work)
{
	struct pv_volume *vol = container_of(work, struct pv_volume, work);
	struct bio_list bios;
	struct bio *bio;

	spin_lock_irq(&vol->lock);
	bios = vol->deferred;
	bio_list_init(&vol->deferred);
	spin_unlock_irq(&vol->lock);
	while ((bio = bio_list_pop(&bios)))
		submit_bio_noacct(bio);
}

/*
 * A member flush of @io's pre-flush is done, or all were sent: once the
 * last is done, the clone ends (an empty flush, or a failed one), or its
 * data is sent (maybe FUA) from the work item, without the pre-flush.
 */
static void pv_flush_put(struct pv_io *io)
{
	struct bio *bio = &io->clone;
	struct pv_volume *vol = io->vol;
	blk_status_t status;
	unsigned long flags;

	if (!atomic_dec_and_test(&io->flushing))
		return;
	status = READ_ONCE(io->flush_status);
	if (status || !bio_sectors(bio)) {
		bio->bi_status = status;
		bio_endio(bio);
		return;
	}
	bio->bi_opf &= ~REQ_PREFLUSH;
	spin_lock_irqsave(&vol->lock, flags);
	bio_list_add(&vol->deferred, bio);
	spin_unlock_irqrestore(&vol->lock, flags);
	queue_work(pv_wq, &vol->work);
}

static void pv_member_flush_end(struct bio *b)
{
	struct pv_flush *f = container_of(b, struct pv_flush, bio);
	struct pv_member *m = f->m;
	struct pv_io *io = f->io;

	/* A failed flush may have left data behind: the next one retries. */
	if (b->bi_status) {
		set_bit(0, &m->written);
		if (!READ_ONCE(io->flush_status))
			WRITE_ONCE(io->flush_status, b->bi_status);
	}
	/* The mark set above is seen by whoever sees the count drop. */
	smp_mb__before_atomic();
	atomic_dec(&m->flushing);
	bio_put(b);
	pv_flush_put(io);
}

/*
 * A pre-flush goes to every member of the volume that needs one: one
 * written since its last flush was sent, or one with a flush still in
 * flight (that flush may have been sent before the writes this one must
 * cover had completed).  Counting ourselves in flushing before testing the
 * mark makes two concurrent flushes never both leave a member out.
 *
 * One member flush is sent per pass, and the clone goes back through the
 * block layer for the next, as a split's remainder does: a pass takes at
 * most one bio from pv_split_set, and it is on its way to the member
 * before the next pass asks for another, so that concurrent pre-flushes
 * under memory pressure cannot hold the mempool's reserve between them
 * while each waits for more.
 */
static void pv_submit_flush(struct pv_volume *vol, struct pv_io *io)
{
	if (!io->flush_started) {
		rcu_read_lock();
		io->todo = rcu_dereference(vol->map)->member_mask;
		rcu_read_unlock();
		atomic_set(&io->flushing, 1);
		io->flush_status = BLK_STS_OK;
		io->flush_started = true;
	}
	while (io->todo) {
		struct pv_member *m = pv_member(vol, __ffs64(io->todo));
		bool busy, written;
		struct bio *b;

		io->todo &= io->todo - 1;
		busy = atomic_fetch_inc(&m->flushing) > 0;
		written = test_and_clear_bit(0, &m->written);
		if (!busy && !written) {
			atomic_dec(&m->flushing);
			continue;
		}
		b = bio_alloc_bioset(m->b.bdev, 0,
				     REQ_OP_WRITE | REQ_PREFLUSH | REQ_SYNC,
				     GFP_NOIO, &pv_split_set);
		container_of(b, struct pv_flush, bio)->m = m;
		container_of(b, struct pv_flush, bio)->io = io;
		b->bi_end_io = pv_member_flush_end;
		atomic_inc(&io->flushing);
		submit_bio_noacct(b);
		if (io->todo) {
			submit_bio_noacct(&io->clone);
			return;
		}
		break;
	}
	pv_flush_put(io);	/* all sent: drop the count's bias */
}

/*
 * A REQ_NOWAIT bio must not sleep: what it needs from a mempool it takes
 * only if it is there, and ends with BLK_STS_AGAIN if not (the caller
 * retries from a context that may block).
 */
static inline gfp_t pv_gfp(struct bio *bio)
{
	return bio->bi_opf & REQ_NOWAIT ? GFP_NOWAIT : GFP_NOIO;
}

/*
 * bio_submit_split_bioset(), which may sleep, for a bio that may not:
 * split off the first @sectors and return them; the rest goes back through
 * the block layer.  On failure @bio has been ended and NULL is returned.
 */
static struct bio *pv_split(struct bio *bio, unsigned int sectors)
{
	struct bio *split;

	if (!(bio->bi_opf & REQ_NOWAIT))
		return bio_submit_split_bioset(bio, sectors, &pv_split_set);
	split = bio_split(bio, sectors, GFP_NOWAIT, &pv_split_set);
	if (IS_ERR_OR_NULL(split)) {
		bio_wouldblock_error(bio);
		return NULL;
	}
	bio_chain(split, bio);
	submit_bio_noacct(bio);
	return split;
}

/*
 * Send every stripe of extent @ei its bio of the clone's data up to @lend
 * in this one pass; @segs holds the pieces pv_gather_count() counted for
 * each.  The bios are taken from pv_split_set without waiting, so holding
 * several of them at once never waits on the mempool for more (see
 * pv_submit_flush()).  Returns 0 when they are on their way, -EAGAIN when
 * one could not be had (those taken went back, nothing was sent), -EIO
 * when the clone was ended with an error.
 */
static int pv_submit_gathered(struct pv_volume *vol, struct pv_io *io,
			      u32 ei, const struct pv_extent *e, u32 shift,
			      u64 lend, const u32 *segs)
{
	struct bio *bio = &io->clone, *mb[PODVOL_MAX_MEMBERS];
	u64 start = bio->bi_iter.bi_sector, b, n, done = 0, written = 0;
	u32 want[PODVOL_MAX_MEMBERS], s, member;
	const struct pv_map *map;
	bool bad = false;

	rcu_read_lock();
	map = rcu_dereference(vol->map);
	for (s = 0; s < e->width; s++) {
		mb[s] = NULL;
		if (!pv_map_range(map, ei, s, start, lend, &b, &n))
			continue;
		member = map->stripe[e->first + s].member;
		mb[s] = bio_alloc_bioset(pv_member_bdev(vol, member), segs[s],
					 bio->bi_opf, GFP_NOWAIT, &pv_split_set);
		if (!mb[s])
			break;
		mb[s]->bi_iter.bi_sector = b;
		want[s] = n - b;
		written |= BIT_ULL(member);
	}
	rcu_read_unlock();
	if (s < e->width) {
		while (s--)
			if (mb[s])
				bio_put(mb[s]);
		return -EAGAIN;
	}

	pv_gather_fill(e, shift, bio, lend, mb);
	for (s = 0; s < e->width; s++) {
		if (!mb[s])
			continue;
		bad |= bio_sectors(mb[s]) != want[s];
		done += bio_sectors(mb[s]);
	}
	if (WARN_ON_ONCE(bad || done != lend - start)) {
		for (s = 0; s < e->width; s++)
			if (mb[s])
				bio_put(mb[s]);
		bio_io_error(bio);
		return -EIO;
	}
	if (op_is_write(bio_op(bio)))
		io->written |= written;
	for (s = 0; s < e->width; s++) {
		if (!mb[s])
			continue;
		mb[s]->bi_ioprio = bio->bi_ioprio;
		bio_clone_blkg_association(mb[s], bio);
		bio_chain(mb[s], bio);
		submit_bio_noacct(mb[s]);
	}
	return 0;
}

/*
 * A read or write.  Where the clone's part in the current extent puts
 * more than one chunk on some member, each member gets one bio with all
 * of its chunks (they are contiguous there): a bio_vec table of its own,
 * of at most BIO_MAX_VECS pieces, that shares the pages of the bio from
 * above (gather.c).  The data is walked once to count every member's
 * pieces and once to fill all the members' bios, which go out together
 * (pv_submit_gathered()); if those bios cannot all be had without
 * waiting, one member is sent per pass instead, like a discard's ranges
 * (pv_submit_range()), @io->stripe being the next stripe to send.  A part
 * that would need more than BIO_MAX_VECS pieces on some member, or that
 * puts at most one chunk on each, is split at the next chunk boundary
 * instead (bio_submit_split_bioset()), and the piece remapped: no copying
 * of bio_vecs where there is nothing to gather.  An extent one member wide
 * is contiguous on it: a bio is split only where it leaves the extent
 * (pv_map_sector()).
 */
static void pv_submit_rw(struct pv_volume *vol, struct pv_io *io)
{
	u32 segs[PODVOL_MAX_MEMBERS];
	struct bio *bio = &io->clone;
	u64 start = bio->bi_iter.bi_sector, end = bio_end_sector(bio);
	u64 eend, lend, psector = 0, pend = 0, n = 0;
	const struct pv_map *map;
	struct pv_extent e;
	u32 ei, i, s, shift, member = 0;
	bool gather = false, got = false;
	struct bio *mb;
	int ret;

	rcu_read_lock();
	map = rcu_dereference(vol->map);
	shift = map->chunk_shift;
	ei = pv_map_find(map, start);
	e = map->ext[ei];
	eend = e.lstart + e.len * e.width;
	lend = min(end, eend);
	if (io->stripe) {
		gather = true;
	} else {
		n = pv_map_sector(map, start, &member, &psector);
		gather = n < lend - start &&
			 ((lend - 1) >> shift) - (start >> shift) >= e.width;
	}
	rcu_read_unlock();

	if (gather && !io->stripe) {
		/* Is there room for every member's pieces? */
		pv_gather_count(&e, shift, bio, lend, segs);
		for (i = 0; i < e.width && gather; i++)
			gather = segs[i] <= BIO_MAX_VECS;
	}

	if (!gather) {
		if (op_is_write(bio_op(bio)))
			io->written |= BIT_ULL(member);
		if (n < bio_sectors(bio)) {
			bio = pv_split(bio, n);
			if (!bio)
				return;
		}
		bio_set_dev(bio, pv_member_bdev(vol, member));
		bio->bi_iter.bi_sector = psector;
		submit_bio_noacct(bio);
		return;
	}

	if (!io->stripe) {
		ret = pv_submit_gathered(vol, io, ei, &e, shift, lend, segs);
		if (ret == -EIO)
			return;
		if (!ret)
			io->stripe = e.width;
	}

	/* One member per pass: the next stripe with data. */
	rcu_read_lock();
	map = rcu_dereference(vol->map);
	for (s = io->stripe; s < e.width; s++) {
		got = pv_map_range(map, ei, s, start, lend, &psector, &pend);
		if (got) {
			member = map->stripe[e.first + s].member;
			break;
		}
	}
	rcu_read_unlock();

	if (got) {
		struct bio *mbs[PODVOL_MAX_MEMBERS] = { };

		/* Only the first pass counted the pieces. */
		mb = bio_alloc_bioset(pv_member_bdev(vol, member),
				      io->stripe ? BIO_MAX_VECS : segs[s],
				      bio->bi_opf, pv_gfp(bio), &pv_split_set);
		if (!mb) {
			bio_wouldblock_error(bio);
			return;
		}
		if (op_is_write(bio_op(bio)))
			io->written |= BIT_ULL(member);
		mb->bi_iter.bi_sector = psector;
		mb->bi_ioprio = bio->bi_ioprio;
		bio_clone_blkg_association(mb, bio);
		mbs[s] = mb;
		pv_gather_fill(&e, shift, bio, lend, mbs);
		bio_chain(mb, bio);
		if (WARN_ON_ONCE(bio_sectors(mb) != pend - psector)) {
			bio_io_error(mb);
			bio_endio(bio);
			return;
		}
		io->stripe = s + 1;
		submit_bio_noacct(mb);
	}
	if (!got || io->stripe == e.width) {
		/* This extent is done. */
		io->stripe = 0;
		if (end <= eend) {
			bio_endio(bio);
			return;
		}
		bio_advance(bio, (eend - start) << SECTOR_SHIFT);
	}
	submit_bio_noacct(bio);
}

/*
 * Discard, secure erase, write zeroes: one range per member and extent,
 * one per pass.  The clone itself goes back through the block layer for
 * the next stripe, and is advanced past an extent once all its stripes
 * were sent; the members reached are marked in it.  So a pass takes at
 * most one bio from pv_split_set (see pv_submit_flush()).
 *
 * Resizing never changes how an existing extent maps sectors that are in
 * use, so looking the extent up again in every pass is safe.
 */
static void pv_submit_range(struct pv_volume *vol, struct pv_io *io)
{
	struct bio *bio = &io->clone;
	u64 start = bio->bi_iter.bi_sector, end = bio_end_sector(bio);
	const struct pv_extent *e;
	const struct pv_map *map;
	u64 eend, b = 0, n = 0;
	u32 ei, s, width, member = 0;
	bool got = false;

	rcu_read_lock();
	map = rcu_dereference(vol->map);
	ei = pv_map_find(map, start);
	e = &map->ext[ei];
	eend = e->lstart + e->len * e->width;
	width = e->width;
	for (s = io->stripe; s < width && !got; s++) {
		got = pv_map_range(map, ei, s, start, min(end, eend), &b, &n);
		member = map->stripe[e->first + s].member;
	}
	rcu_read_unlock();

	if (got) {
		struct bio *mb;

		io->stripe = s;
		io->written |= BIT_ULL(member);
		mb = bio_alloc_bioset(pv_member_bdev(vol, member), 0, bio->bi_opf,
				      pv_gfp(bio), &pv_split_set);
		if (!mb) {
			bio_wouldblock_error(bio);
			return;
		}
		mb->bi_iter.bi_sector = b;
		mb->bi_iter.bi_size = (n - b) << SECTOR_SHIFT;
		bio_chain(mb, bio);
		submit_bio_noacct(mb);
	}
	if (!got || io->stripe == width) {
		/* This extent is done. */
		if (end <= eend) {
			bio_endio(bio);
			return;
		}
		bio_advance(bio, (eend - start) << SECTOR_SHIFT);
		io->stripe = 0;
	}
	submit_bio_noacct(bio);
}

/*
 * Can @vol take a REQ_NOWAIT bio?  Not with a pre-flush, which may go to
 * every member and waits for them (as dm, which refuses it too), nor if a
 * member it uses cannot (one added to the pool after the volume's queue
 * limits were set).
 */
static bool pv_nowait(struct pv_volume *vol, struct bio *bio)
{
	bool ok = !(bio->bi_opf & REQ_PREFLUSH);
	u64 mask;

	rcu_read_lock();
	mask = rcu_dereference(vol->map)->member_mask;
	rcu_read_unlock();
	for (; ok && mask; mask &= mask - 1)
		ok = bdev_nowait(pv_member_bdev(vol, __ffs64(mask)));
	return ok;
}

static void pv_submit_bio(struct bio *bio)
{
	struct pv_volume *vol = bio->bi_bdev->bd_disk->private_data;
	struct pv_io *io = pv_clone_to_io(vol, bio);

	if (!io) {
		struct bio *clone;

		if (unlikely(bio->bi_opf & REQ_NOWAIT) && !pv_nowait(vol, bio)) {
			bio_wouldblock_error(bio);
			return;
		}
		clone = bio_alloc_clone(bio->bi_bdev, bio, pv_gfp(bio), &pv_io_set);
		if (!clone) {
			bio_wouldblock_error(bio);
			return;
		}
		io = container_of(clone, struct pv_io, clone);
		io->vol = vol;
		io->orig = bio;
		io->written = 0;
		io->flush_started = false;
		io->stripe = 0;
		io->start = bio_start_io_acct(bio);
		clone->bi_end_io = pv_io_end;
		clone->bi_private = NULL;
		bio = clone;
	}

	if (unlikely(bio->bi_opf & REQ_PREFLUSH)) {
		pv_submit_flush(vol, io);
		return;
	}
	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (unlikely(!bio_sectors(bio)))
			bio_endio(bio);
		else
			pv_submit_rw(vol, io);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
	case REQ_OP_WRITE_ZEROES:
		pv_submit_range(vol, io);
		break;
	default:
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
	}
}

/* Called with disk->open_mutex held: a claimed volume is being removed. */
#ifdef PODKIT_HAVE_BLK_OPEN_GENDISK
static int pv_open(struct gendisk *disk, blk_mode_t mode)
{
	struct pv_volume *vol = disk->private_data;
#else
static int pv_open(struct block_device *bdev, fmode_t mode)
{
	struct pv_volume *vol = bdev->bd_disk->private_data;
#endif

	return vol->claimed ? -EBUSY : 0;
}

static const struct block_device_operations pv_fops = {
	.owner = THIS_MODULE,
	.submit_bio = pv_submit_bio,
	.open = pv_open,
};

int pv_volume_claim(struct pv_volume *vol)
{
	int ret = 0;

	mutex_lock(&vol->disk->open_mutex);
	if (disk_openers(vol->disk))
		ret = -EBUSY;
	else
		vol->claimed = true;
	mutex_unlock(&vol->disk->open_mutex);
	return ret;
}

void pv_volume_unclaim(struct pv_volume *vol)
{
	mutex_lock(&vol->disk->open_mutex);
	vol->claimed = false;
	mutex_unlock(&vol->disk->open_mutex);
}

unsigned int pv_volume_openers(struct pv_volume *vol)
{
	return disk_openers(vol->disk);
}

/* sysfs: /sys/block/podvolN/podvol/ */
static struct pv_volume *pv_dev_vol(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

static ssize_t pv_pool_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", pv_dev_vol(dev)->pool->name);
}

static ssize_t pv_pool_uuid_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%pUb\n", pv_dev_vol(dev)->pool->uuid);
}

static ssize_t pv_name_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", pv_dev_vol(dev)->name);
}

static ssize_t pv_uuid_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%pUb\n", pv_dev_vol(dev)->uuid);
}

static ssize_t pv_size_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  READ_ONCE(pv_dev_vol(dev)->size) << SECTOR_SHIFT);
}

static ssize_t pv_stripe_width_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct pv_volume *vol = pv_dev_vol(dev);
	u32 width;

	rcu_read_lock();
	width = rcu_dereference(vol->map)->min_width;
	rcu_read_unlock();
	return sysfs_emit(buf, "%u\n", width);
}

static ssize_t pv_chunk_size_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  pv_dev_vol(dev)->pool->geom.chunk_sectors << SECTOR_SHIFT);
}

static struct device_attribute pv_attr_pool = __ATTR(pool, 0444, pv_pool_show, NULL);
static struct device_attribute pv_attr_pool_uuid =
	__ATTR(pool_uuid, 0444, pv_pool_uuid_show, NULL);
static struct device_attribute pv_attr_name = __ATTR(name, 0444, pv_name_show, NULL);
static struct device_attribute pv_attr_uuid = __ATTR(uuid, 0444, pv_uuid_show, NULL);
static struct device_attribute pv_attr_size = __ATTR(size, 0444, pv_size_show, NULL);
static struct device_attribute pv_attr_stripe_width =
	__ATTR(stripe_width, 0444, pv_stripe_width_show, NULL);
static struct device_attribute pv_attr_chunk_size =
	__ATTR(chunk_size, 0444, pv_chunk_size_show, NULL);

static struct attribute *pv_attrs[] = {
	&pv_attr_pool.attr,
	&pv_attr_pool_uuid.attr,
	&pv_attr_name.attr,
	&pv_attr_uuid.attr,
	&pv_attr_size.attr,
	&pv_attr_stripe_width.attr,
	&pv_attr_chunk_size.attr,
	NULL,
};

static const struct attribute_group pv_attr_group = {
	.name = "podvol",
	.attrs = pv_attrs,
};

static const struct attribute_group *pv_attr_groups[] = {
	&pv_attr_group,
	NULL,
};

static u32 pv_io_opt(struct pv_pool *pool, u32 width)
{
	return (pool->geom.chunk_sectors << SECTOR_SHIFT) * width;
}

/*
 * A volume's limits are its members' stacked, as dm-stripe's and raid0's
 * are, with io_min the chunk and io_opt a full stripe of @width chunks.
 * It has a write cache or FUA if any member has, is rotational if any
 * member is, and takes REQ_NOWAIT bios if every member does (so that
 * io_uring need not hand each I/O to a worker).  Returns the features to
 * allocate the disk with.
 */
static blk_features_t pv_volume_limits(struct pv_pool *pool, u32 width,
				       struct queue_limits *lim)
{
	blk_features_t features = BLK_FEAT_IO_STAT;
	bool discard = true, secure_erase = true, nowait = true;
	u32 i;

	blk_set_stacking_limits(lim);
	for (i = 0; i < pool->geom.nr_members; i++) {
		struct block_device *bdev = pool->member[i]->b.bdev;

		queue_limits_stack_bdev(lim, bdev, pool->geom.data_offset,
					"podvol");
		if (bdev_write_cache(bdev))
			features |= BLK_FEAT_WRITE_CACHE;
		if (bdev_fua(bdev))
			features |= BLK_FEAT_FUA;
		if (bdev_rot(bdev))
			features |= BLK_FEAT_ROTATIONAL;
		nowait &= bdev_nowait(bdev);
		discard &= bdev_max_discard_sectors(bdev) != 0;
		secure_erase &= bdev_max_secure_erase_sectors(bdev) != 0;
	}
	/*
	 * A discard or secure erase goes to every member it covers, so all
	 * must have it; stacking keeps the smallest non-zero limit instead.
	 */
	if (nowait)
		features |= BLK_FEAT_NOWAIT;
	if (!discard)
		lim->max_hw_discard_sectors = 0;
	if (!secure_erase)
		lim->max_secure_erase_sectors = 0;
	lim->io_min = pool->geom.chunk_sectors << SECTOR_SHIFT;
	lim->io_opt = pv_io_opt(pool, width);
	return features;
}

/* A volume with its (not yet added) disk; takes over @map if it succeeds. */
struct pv_volume *pv_volume_alloc(struct pv_pool *pool, const char *name,
				  const u8 *uuid, u64 size, u64 ctime,
				  struct pv_map *map)
{
	struct queue_limits lim;
	blk_features_t features;
	struct pv_volume *vol;
	struct gendisk *disk;
	int ret;

	vol = kzalloc_obj(*vol);
	if (!vol)
		return ERR_PTR(-ENOMEM);
	vol->pool = pool;
	strscpy(vol->name, name, sizeof(vol->name));
	memcpy(vol->uuid, uuid, PODVOL_UUID_SIZE);
	vol->size = size;
	vol->ctime = ctime;
	spin_lock_init(&vol->lock);
	bio_list_init(&vol->deferred);
	INIT_WORK(&vol->work, pv_work);
	vol->index = ida_alloc_max(&pv_ida, MINORMASK, GFP_KERNEL);
	if (vol->index < 0) {
		ret = vol->index;
		goto fail;
	}
	features = pv_volume_limits(pool, map->min_width, &lim);
	disk = pv_blk_alloc_disk(&lim, features, NUMA_NO_NODE);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto fail_ida;
	}
	disk->major = pv_major;
	disk->first_minor = vol->index;
	disk->minors = 1;
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &pv_fops;
	disk->private_data = vol;
	snprintf(disk->disk_name, DISK_NAME_LEN, "podvol%d", vol->index);
	vol->disk = disk;
	RCU_INIT_POINTER(vol->map, map);
	set_capacity(disk, size);
	return vol;

fail_ida:
	ida_free(&pv_ida, vol->index);
fail:
	kfree(vol);
	return ERR_PTR(ret);
}

int pv_volume_add(struct pv_volume *vol)
{
	int ret = device_add_disk(NULL, vol->disk, pv_attr_groups);

	if (!ret)
		vol->added = true;
	return ret;
}

void pv_volume_del(struct pv_volume *vol)
{
	if (vol->added)
		del_gendisk(vol->disk);
	vol->added = false;
	flush_work(&vol->work);
}

void pv_volume_free(struct pv_volume *vol)
{
	pv_map_free(rcu_dereference_protected(vol->map, 1));
	put_disk(vol->disk);
	ida_free(&pv_ida, vol->index);
	kfree(vol);
}

struct pv_volume *pv_volume_find(struct pv_pool *pool, const char *name)
{
	struct pv_volume *vol;

	list_for_each_entry(vol, &pool->volumes, node)
		if (!strcmp(vol->name, name))
			return vol;
	return NULL;
}

static int pv_check_size(u64 bytes, struct netlink_ext_ack *extack)
{
	if (!bytes || bytes % 4096 || bytes > (1ULL << 60)) {
		pv_errmsg(extack, "volume size %llu is not a positive multiple of 4096 bytes",
			  bytes);
		return -EINVAL;
	}
	return 0;
}

static int pv_running(struct pv_pool *pool, struct netlink_ext_ack *extack)
{
	if (pool->state == PODVOL_POOL_RUNNING)
		return 0;
	if (pool->state == PODVOL_POOL_PENDING)
		pv_errmsg(extack, "pool %s is not running: %u of %u members present",
			  pool->name, pool->nr_present, pool->geom.nr_members);
	else
		pv_errmsg(extack, "pool %s is read-only after a failed metadata write",
			  pool->name);
	return -EIO;
}

/* Allocate space for @vol (NULL: a new volume) to be @sectors long. */
static int pv_volume_alloc_map(struct pv_pool *pool, struct pv_volume *vol,
			       u64 sectors, struct pv_map **map,
			       struct netlink_ext_ack *extack)
{
	u64 member_free[PODVOL_MAX_MEMBERS], free = 0;
	const struct pv_map **maps;
	u32 n, i;
	int ret;

	maps = kvcalloc(pool->nr_volumes + 1, sizeof(*maps), GFP_KERNEL);
	if (!maps)
		return -ENOMEM;
	n = pv_pool_maps(pool, maps);
	/*
	 * Clean space first; dirty space only if there is not enough of that,
	 * zeroed now (pv_pool_zero_map()), so that no volume ever reads what
	 * another one wrote.
	 */
	ret = pv_map_resize_clean(&pool->geom, maps, n, pool->dirty,
				  pool->nr_dirty, vol ? pv_vol_map(vol) : NULL,
				  sectors, map);
	if (ret == -ENOSPC && pool->nr_dirty) {
		ret = pv_map_resize(&pool->geom, maps, n,
				    vol ? pv_vol_map(vol) : NULL, sectors, map);
		if (!ret) {
			ret = pv_pool_zero_map(pool, *map, extack);
			if (ret)
				pv_map_free(*map);
		}
	}
	if (ret == -ENOSPC && !pv_space_free(&pool->geom, maps, n,
					     member_free)) {
		for (i = 0; i < pool->geom.nr_members; i++)
			free += member_free[i];
		pv_errmsg(extack, "pool %s has not enough free space: %llu bytes free",
			  pool->name, free << SECTOR_SHIFT);
	}
	kvfree(maps);
	return ret;
}

int pv_volume_create(struct pv_pool *pool, const char *name, u64 bytes,
		     struct pv_volume **out, struct netlink_ext_ack *extack)
{
	u8 uuid[PODVOL_UUID_SIZE];
	struct pv_volume *vol;
	struct pv_map *map;
	int ret;

	lockdep_assert_held(&pv_lock);
	ret = pv_running(pool, extack);
	if (ret)
		return ret;
	if (!pv_name_valid(name)) {
		pv_errmsg(extack,
			  "invalid volume name \"%s\" (1-%d of A-Z a-z 0-9 . _ -, not starting with . or -)",
			  name, PODVOL_NAME_MAX);
		return -EINVAL;
	}
	ret = pv_check_size(bytes, extack);
	if (ret)
		return ret;
	if (pv_volume_find(pool, name)) {
		pv_errmsg(extack, "volume %s/%s already exists", pool->name, name);
		return -EEXIST;
	}
	if (pool->nr_volumes >= PODVOL_MAX_VOLUMES) {
		pv_errmsg(extack, "pool %s has the maximum of %d volumes",
			  pool->name, PODVOL_MAX_VOLUMES);
		return -ENOSPC;
	}
	ret = pv_volume_alloc_map(pool, NULL, bytes >> SECTOR_SHIFT, &map,
				  extack);
	if (ret)
		return ret;
	generate_random_uuid(uuid);
	vol = pv_volume_alloc(pool, name, uuid, bytes >> SECTOR_SHIFT,
			      ktime_get_real_seconds(), map);
	if (IS_ERR(vol)) {
		pv_map_free(map);
		return PTR_ERR(vol);
	}
	ret = pv_pool_commit(pool, vol, NULL, NULL, NULL, 0, extack);
	if (ret) {
		pv_volume_free(vol);
		return ret;
	}
	list_add_tail(&vol->node, &pool->volumes);
	pool->nr_volumes++;
	ret = pv_volume_add(vol);
	if (ret) {
		pv_errmsg(extack, "cannot add disk %s (error %d)",
			  vol->disk->disk_name, ret);
		/* Best effort: take it out of the metadata again. */
		pv_pool_commit(pool, NULL, vol, NULL, NULL, 0, NULL);
		list_del(&vol->node);
		pool->nr_volumes--;
		pv_volume_free(vol);
		return ret;
	}
	pr_info("volume %s/%s created as %s, %llu bytes\n", pool->name, name,
		vol->disk->disk_name, bytes);
	*out = vol;
	return 0;
}

int pv_volume_delete(struct pv_volume *vol, struct netlink_ext_ack *extack)
{
	struct pv_pool *pool = vol->pool;
	int ret;

	lockdep_assert_held(&pv_lock);
	ret = pv_running(pool, extack);
	if (ret)
		return ret;
	if (pv_volume_claim(vol)) {
		pv_errmsg(extack, "volume %s/%s is open", pool->name, vol->name);
		return -EBUSY;
	}
	ret = pv_pool_commit(pool, NULL, vol, NULL, NULL, 0, extack);
	if (ret) {
		pv_volume_unclaim(vol);
		return ret;
	}
	list_del(&vol->node);
	pool->nr_volumes--;
	pr_info("volume %s/%s (%s) deleted\n", pool->name, vol->name,
		vol->disk->disk_name);
	pv_volume_del(vol);
	pv_volume_free(vol);
	return 0;
}

/* A hint only: the resize is committed, so a failure here is just logged. */
static void pv_volume_set_io_opt(struct pv_volume *vol, u32 width)
{
	struct request_queue *q = vol->disk->queue;
	struct queue_limits lim;
	int ret;

	lim = queue_limits_start_update(q);
	lim.io_opt = pv_io_opt(vol->pool, width);
	ret = queue_limits_commit_update(q, &lim);
	if (ret)
		pr_warn("%s: cannot set io_opt to %u bytes: %d\n",
			vol->disk->disk_name, lim.io_opt, ret);
}

int pv_volume_resize(struct pv_volume *vol, u64 bytes,
		     struct netlink_ext_ack *extack)
{
	struct pv_pool *pool = vol->pool;
	u64 sectors = bytes >> SECTOR_SHIFT;
	struct pv_map *map, *old;
	bool shrink;
	int ret;

	lockdep_assert_held(&pv_lock);
	ret = pv_running(pool, extack);
	if (ret)
		return ret;
	ret = pv_check_size(bytes, extack);
	if (ret)
		return ret;
	if (sectors == vol->size)
		return 0;
	shrink = sectors < vol->size;
	if (shrink && pv_volume_claim(vol)) {
		pv_errmsg(extack, "volume %s/%s is open: it can only grow while in use",
			  pool->name, vol->name);
		return -EBUSY;
	}
	ret = pv_volume_alloc_map(pool, vol, sectors, &map, extack);
	if (ret)
		goto out;
	ret = pv_pool_commit(pool, NULL, NULL, vol, map, sectors, extack);
	if (ret) {
		pv_map_free(map);
		goto out;
	}
	/* The map always covers the capacity, and I/O never sees a gap. */
	old = pv_vol_map(vol);
	if (shrink) {
		WRITE_ONCE(vol->size, sectors);
		set_capacity_and_notify(vol->disk, sectors);
	}
	rcu_assign_pointer(vol->map, map);
	synchronize_rcu();
	pv_map_free(old);
	if (!shrink) {
		WRITE_ONCE(vol->size, sectors);
		set_capacity_and_notify(vol->disk, sectors);
	}
	pv_volume_set_io_opt(vol, map->min_width);
	pr_info("volume %s/%s resized to %llu bytes\n", pool->name, vol->name,
		bytes);
out:
	if (shrink)
		pv_volume_unclaim(vol);
	return ret;
}

int pv_volume_init(void)
{
	int ret;

	ret = bioset_init(&pv_io_set, BIO_POOL_SIZE,
			  offsetof(struct pv_io, clone), 0);
	if (ret)
		return ret;
	/* A pass waits for one at most (see pv_submit_flush()). */
	ret = bioset_init(&pv_split_set, BIO_POOL_SIZE,
			  offsetof(struct pv_flush, bio), BIOSET_NEED_BVECS);
	if (ret)
		goto fail_io;
	pv_wq = alloc_workqueue("podvol", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!pv_wq) {
		ret = -ENOMEM;
		goto fail_split;
	}
	pv_major = register_blkdev(0, "podvol");
	if (pv_major < 0) {
		ret = pv_major;
		goto fail_wq;
	}
	return 0;

fail_wq:
	destroy_workqueue(pv_wq);
fail_split:
	bioset_exit(&pv_split_set);
fail_io:
	bioset_exit(&pv_io_set);
	return ret;
}

void pv_volume_exit(void)
{
	unregister_blkdev(pv_major, "podvol");
	destroy_workqueue(pv_wq);
	bioset_exit(&pv_split_set);
	bioset_exit(&pv_io_set);
	ida_destroy(&pv_ida);
}
