// SPDX-License-Identifier: GPL-2.0
/* 6.18: bio_submit_split_bioset(). */
#include <linux/blkdev.h>
#include <linux/bio.h>

struct bio *podkit_probe(struct bio *bio, struct bio_set *bs);
struct bio *podkit_probe(struct bio *bio, struct bio_set *bs)
{
	return bio_submit_split_bioset(bio, 8, bs);
}
