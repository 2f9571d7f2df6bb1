// SPDX-License-Identifier: GPL-2.0
/* 6.6: a dump has a struct genl_info of its own. */
#include <net/genetlink.h>

const struct genl_info *podkit_probe(struct netlink_callback *cb);
const struct genl_info *podkit_probe(struct netlink_callback *cb)
{
	return genl_info_dump(cb);
}
