// SPDX-License-Identifier: GPL-2.0
/* 6.5: ->open takes the gendisk and a blk_mode_t. */
#include <linux/blkdev.h>

static int podkit_open(struct gendisk *disk, blk_mode_t mode)
{
	return 0;
}

const struct block_device_operations podkit_probe = { .open = podkit_open };
