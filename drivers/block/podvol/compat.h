/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces podvol uses that changed after 6.1.  podvol is
 * written against the newest kernel's; this header supplies them on older
 * kernels, under the new name where one fits and a pv_ name where not.
 * Each change is detected by what the kernel has, not by its version, so a
 * kernel with a change backported takes the new path: a macro the change
 * added where there is one, otherwise a compile test of scripts/compat.sh
 * (compat/have_*.c, PODKIT_HAVE_* in podkit_compat.h).  It is built (W=1,
 * sparse) against Debian 12's 6.1, Debian 13's 6.12 and 7.3; branches for
 * the kernels between follow the upstream change but are not built here,
 * and 6.9 and 6.10 are refused.
 */
#ifndef _PODVOL_COMPAT_H
#define _PODVOL_COMPAT_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <podkit_compat.h>

/*
 * An exclusively opened member device.  How one is held changed in 6.5
 * (blk_mode_t, and the holder is given back to blkdev_put()), 6.7 (a
 * struct bdev_handle) and 6.9 (a struct file, as user space holds one).
 */
struct pv_bdev {
	struct block_device *bdev;
#ifdef PODKIT_HAVE_BDEV_FILE_OPEN_BY_PATH
	struct file *file;
#elif defined(PODKIT_HAVE_BDEV_OPEN_BY_PATH)
	struct bdev_handle *handle;
#endif
};

static inline int pv_bdev_open(struct pv_bdev *b, const char *path,
			       void *holder)
{
#ifdef PODKIT_HAVE_BDEV_FILE_OPEN_BY_PATH
	b->file = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
					 holder, NULL);
	if (IS_ERR(b->file))
		return PTR_ERR(b->file);
	b->bdev = file_bdev(b->file);
#elif defined(PODKIT_HAVE_BDEV_OPEN_BY_PATH)
	b->handle = bdev_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
				      holder, NULL);
	if (IS_ERR(b->handle))
		return PTR_ERR(b->handle);
	b->bdev = b->handle->bdev;
#elif defined(BLK_OPEN_READ)
	b->bdev = blkdev_get_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
				     holder, NULL);
	if (IS_ERR(b->bdev))
		return PTR_ERR(b->bdev);
#else
	b->bdev = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				     holder);
	if (IS_ERR(b->bdev))
		return PTR_ERR(b->bdev);
#endif
	return 0;
}

static inline void pv_bdev_close(struct pv_bdev *b, void *holder)
{
	if (!b->bdev)
		return;
#ifdef PODKIT_HAVE_BDEV_FPUT
	/*
	 * 6.10: fput() gives up the exclusive claim only once the file is
	 * finally released, which may be later; bdev_fput() yields it now,
	 * so that a pool can be created again on the same disks at once.
	 */
	bdev_fput(b->file);
#elif defined(PODKIT_HAVE_BDEV_FILE_OPEN_BY_PATH)
	fput(b->file);
#elif defined(PODKIT_HAVE_BDEV_OPEN_BY_PATH)
	bdev_release(b->handle);
#elif defined(BLK_OPEN_READ)
	blkdev_put(b->bdev, holder);
#else
	blkdev_put(b->bdev, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#endif
	b->bdev = NULL;
}

#ifndef PODKIT_HAVE_QUEUE_LIMITS_COMMIT_UPDATE
/*
 * 6.9 made queue limits atomic: a disk is allocated with its limits, and a
 * live queue's are changed between queue_limits_start_update() and
 * queue_limits_commit_update(), which validate them.  Before, a stacking
 * driver assigned the whole struct (as dm_table_set_restrictions() did)
 * and had to derive what validation now does: the discard size from the
 * hardware one, and the read-ahead from io_opt.
 */
static inline void pv_queue_limits_set(struct request_queue *q,
				       struct queue_limits *lim)
{
	lim->max_discard_sectors = min(lim->max_discard_sectors,
				       lim->max_hw_discard_sectors);
	q->limits = *lim;
	blk_queue_io_opt(q, lim->io_opt);
}

static inline struct queue_limits
queue_limits_start_update(struct request_queue *q)
{
	return q->limits;
}

static inline int queue_limits_commit_update(struct request_queue *q,
					     struct queue_limits *lim)
{
	pv_queue_limits_set(q, lim);
	return 0;
}

static inline void queue_limits_stack_bdev(struct queue_limits *t,
					   struct block_device *bdev,
					   sector_t offset, const char *pfx)
{
	if (blk_stack_limits(t, &bdev_get_queue(bdev)->limits,
			     get_start_sect(bdev) + offset))
		pr_notice("%s: Warning: Device %pg is misaligned\n", pfx, bdev);
}
#endif

/*
 * 6.11 turned the queue flags a driver sets into queue_limits.features,
 * set with the limits before the disk is allocated.  Before, they were
 * flags set on the allocated queue, and struct queue_limits has no room
 * for them: so they are passed beside the limits.
 */
#ifdef BLK_FEAT_IO_STAT
static inline struct gendisk *pv_blk_alloc_disk(struct queue_limits *lim,
						blk_features_t features,
						int node)
{
	lim->features |= features;
	return blk_alloc_disk(lim, node);
}
#elif !defined(PODKIT_HAVE_QUEUE_LIMITS_COMMIT_UPDATE)
typedef unsigned int __bitwise blk_features_t;
#define BLK_FEAT_WRITE_CACHE	((__force blk_features_t)(1u << 0))
#define BLK_FEAT_FUA		((__force blk_features_t)(1u << 1))
#define BLK_FEAT_ROTATIONAL	((__force blk_features_t)(1u << 2))
#define BLK_FEAT_NOWAIT		((__force blk_features_t)(1u << 3))
#define BLK_FEAT_IO_STAT	((__force blk_features_t)(1u << 4))

static inline struct gendisk *pv_blk_alloc_disk(struct queue_limits *lim,
						blk_features_t features,
						int node)
{
	struct gendisk *disk = blk_alloc_disk(node);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	pv_queue_limits_set(disk->queue, lim);
	blk_queue_write_cache(disk->queue, features & BLK_FEAT_WRITE_CACHE,
			      features & BLK_FEAT_FUA);
	if (!(features & BLK_FEAT_ROTATIONAL))
		blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
	if (features & BLK_FEAT_IO_STAT)
		blk_queue_flag_set(QUEUE_FLAG_IO_STAT, disk->queue);
	if (features & BLK_FEAT_NOWAIT)
		blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
	return disk;
}
#else
#error "podvol: 6.9 and 6.10 (atomic limits, features still queue flags) are not supported"
#endif

#ifndef PODKIT_HAVE_BDEV_ROT
/*
 * 7.0 added bdev_rot(), asking what BLK_FEAT_ROTATIONAL says, and 7.1
 * removed bdev_nonrot().
 */
static inline bool bdev_rot(struct block_device *bdev)
{
	return !bdev_nonrot(bdev);
}
#endif

#ifndef PODKIT_HAVE_BIO_SUBMIT_SPLIT_BIOSET
/*
 * 6.18 factored this out of md, and since 6.14 bio_split() fails with an
 * ERR_PTR (an atomic write, say) rather than a NULL.  On failure the bio
 * has been ended, and NULL is returned.
 */
static inline struct bio *bio_submit_split_bioset(struct bio *bio,
						  unsigned int split_sectors,
						  struct bio_set *bs)
{
	struct bio *split = bio_split(bio, split_sectors, GFP_NOIO, bs);

	if (IS_ERR_OR_NULL(split)) {
		bio_io_error(bio);
		return NULL;
	}
	bio_chain(split, bio);
	submit_bio_noacct(bio);
	return split;
}
#endif

#ifndef kzalloc_obj
/*
 * 7.0 added allocators that take the object rather than its size; these
 * are the GFP_KERNEL forms podvol uses.
 */
#define kzalloc_obj(P)	kzalloc(sizeof(P), GFP_KERNEL)
#define kvzalloc_obj(P)	kvzalloc(sizeof(P), GFP_KERNEL)
#endif

#ifndef PODKIT_HAVE_GENL_INFO_DUMP
/*
 * 6.6 gave a dump the struct genl_info a doit gets, found with
 * genl_info_dump(); before, its struct genl_dumpit_info held the parsed
 * attributes itself.  Only ->attrs is used, which both have.
 */
#define genl_info_dump(cb)	genl_dumpit_info(cb)
#endif

#endif /* _PODVOL_COMPAT_H */
