// SPDX-License-Identifier: GPL-2.0
/* 6.10: bdev_fput() gives up an exclusive claim at once. */
#include <linux/blkdev.h>
#include <linux/fs.h>

void podkit_probe(struct file *f);
void podkit_probe(struct file *f)
{
	bdev_fput(f);
}
