/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces podvol uses that changed after 6.1, behind one
 * name each.  The 6.1 branch is what Debian 12 ships and what is built and
 * tested; the newer branches follow the upstream conversions of the same
 * call sites (md, dm, drbd) and are not build-tested here.
 */
#ifndef _PODVOL_COMPAT_H
#define _PODVOL_COMPAT_H

#include <linux/version.h>
#include <linux/blkdev.h>
#include <linux/fs.h>

/* An exclusively opened member device. */
struct pv_bdev {
	struct block_device *bdev;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	struct file *file;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	struct bdev_handle *handle;
#endif
};

static inline int pv_bdev_open(struct pv_bdev *b, const char *path,
			       void *holder)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	b->file = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
					 holder, NULL);
	if (IS_ERR(b->file))
		return PTR_ERR(b->file);
	b->bdev = file_bdev(b->file);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	b->handle = bdev_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
				      holder, NULL);
	if (IS_ERR(b->handle))
		return PTR_ERR(b->handle);
	b->bdev = b->handle->bdev;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
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
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	/*
	 * 6.10: fput() gives up the exclusive claim only once the file is
	 * finally released, which may be later; bdev_fput() yields it now,
	 * so that a pool can be created again on the same disks at once.
	 */
	bdev_fput(b->file);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	fput(b->file);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	bdev_release(b->handle);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	blkdev_put(b->bdev, holder);
#else
	blkdev_put(b->bdev, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#endif
	b->bdev = NULL;
}

/* A bio-based disk; NULL on failure. */
static inline struct gendisk *pv_alloc_disk(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	struct gendisk *disk = blk_alloc_disk(NULL, NUMA_NO_NODE);

	return IS_ERR(disk) ? NULL : disk;
#else
	return blk_alloc_disk(NUMA_NO_NODE);
#endif
}

#endif /* _PODVOL_COMPAT_H */
