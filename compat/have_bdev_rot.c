// SPDX-License-Identifier: GPL-2.0
/* 7.0: bdev_rot() (bdev_nonrot() went in 7.1). */
#include <linux/blkdev.h>

bool podkit_probe(struct block_device *bdev);
bool podkit_probe(struct block_device *bdev)
{
	return bdev_rot(bdev);
}
