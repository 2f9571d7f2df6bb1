// SPDX-License-Identifier: GPL-2.0
/* 6.15: the netdev instance lock helpers have a header of their own. */
#include <net/netdev_lock.h>

void podkit_probe(struct net_device *dev);
void podkit_probe(struct net_device *dev)
{
	netdev_lockdep_set_classes(dev);
}
