// SPDX-License-Identifier: GPL-2.0
/* 6.9: a block device is held open as a struct file. */
#include <linux/blkdev.h>
#include <linux/fs.h>

struct block_device *podkit_probe(const char *path, void *holder);
struct block_device *podkit_probe(const char *path, void *holder)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ, holder, NULL);

	return IS_ERR(f) ? NULL : file_bdev(f);
}
