// SPDX-License-Identifier: GPL-2.0
/* 6.9: queue limits are set atomically. */
#include <linux/blkdev.h>

int podkit_probe(struct request_queue *q);
int podkit_probe(struct request_queue *q)
{
	struct queue_limits lim = queue_limits_start_update(q);

	return queue_limits_commit_update(q, &lim);
}
