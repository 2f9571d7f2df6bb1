// SPDX-License-Identifier: GPL-2.0
/* 6.7 (until 6.8): a block device is held through a struct bdev_handle. */
#include <linux/blkdev.h>

struct block_device *podkit_probe(const char *path, void *holder);
struct block_device *podkit_probe(const char *path, void *holder)
{
	struct bdev_handle *h = bdev_open_by_path(path, BLK_OPEN_READ, holder, NULL);

	return IS_ERR(h) ? NULL : h->bdev;
}
