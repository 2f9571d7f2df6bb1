/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thin layer over libmnl: one generic netlink socket talking to the
 * podnet family, requests with extended acks, resumable dumps, and the
 * rtnetlink look-up that tells podnet devices from others.
 */
#ifndef PODNETCTL_NETLINK_H
#define PODNETCTL_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	uint32_t seq;
	uint16_t family;		/* generic netlink id of "podnet" */
	uint32_t mcgrp;			/* id of the "routes" group, 0 if none */
	char *buf;			/* receive buffer */
	size_t buflen;
	char extack[256];		/* kernel's message for the last error */
	uint32_t extack_off;		/* offset of the attribute it is about, or 0 */
};

/*
 * Open a socket and resolve the podnet family.  On failure prints why on
 * stderr and returns -1.
 */
int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

/* Start a podnet request in buf (of buflen bytes). */
struct nlmsghdr *nl_msg(struct nl *nl, void *buf, uint8_t cmd, uint16_t flags);

/*
 * Send nlh and process replies with cb (may be NULL) until the ack or
 * the end of a dump.  Returns 0, or a negative errno with the kernel's
 * extack message, if any, in nl->extack.  -EINTR means a dump saw the
 * table change (NLM_F_DUMP_INTR) and should be run again from scratch.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Join the "routes" multicast group and pass every notification to cb. */
int nl_monitor(struct nl *nl, mnl_cb_t cb, void *data);

struct link_info {
	unsigned int ifindex;
	char name[IF_NAMESIZE];
	char kind[32];
	bool have_stats;
	struct rtnl_link_stats64 stats;
};

/*
 * Look a link up by name (if name is not NULL) or by ifindex over
 * rtnetlink.  Returns 0, -ENODEV (no such link), -EINVAL (empty name),
 * -ENAMETOOLONG (longer than IF_NAMESIZE - 1), or another negative errno.
 */
int link_get(const char *name, unsigned int ifindex, struct link_info *li);

#endif
