// SPDX-License-Identifier: GPL-2.0
/* 6.15: ->newlink takes struct rtnl_newlink_params. */
#include <net/rtnetlink.h>

static int podkit_newlink(struct net_device *dev,
			  struct rtnl_newlink_params *params,
			  struct netlink_ext_ack *extack)
{
	return rtnl_newlink_link_net(params) ? 0 : -EINVAL;
}

struct rtnl_link_ops podkit_probe = { .newlink = podkit_newlink };
