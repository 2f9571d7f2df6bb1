// SPDX-License-Identifier: GPL-2.0
/* 6.6: the core allocates dev->tstats for a device that asks for them. */
#include <linux/netdevice.h>

void podkit_probe(struct net_device *dev);
void podkit_probe(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}
