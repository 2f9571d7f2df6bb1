// SPDX-License-Identifier: GPL-2.0
/*
 * A thin layer over libmnl for podnetctl.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/podnet.h>

#include "netlink.h"

/*
 * The kernel never builds a dump message larger than the largest buffer
 * it has seen us receive with, capped near 32 KiB; this is always enough.
 */
#define RECV_BUFLEN 65536

struct talk {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl *nl = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (!mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			snprintf(nl->extack, sizeof(nl->extack), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (!mnl_attr_validate(attr, MNL_TYPE_U32))
			nl->extack_off = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static void parse_extack(struct nl *nl, const struct nlmsghdr *nlh,
			 unsigned int offset)
{
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    mnl_nlmsg_size(offset) <= nlh->nlmsg_len)
		mnl_attr_parse(nlh, offset, extack_attr_cb, nl);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	unsigned int offset = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(e->msg);
	parse_extack(t->nl, nlh, offset);
	if (!e->error)
		return MNL_CB_STOP;
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int err;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (!err)
		return MNL_CB_STOP;
	parse_extack(t->nl, nlh, sizeof(int));
	errno = -err;
	return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
		errno = EINTR;
		return MNL_CB_ERROR;
	}
	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* Whether the n bytes in nl->buf end the dump of request seq. */
static bool dump_ends(struct nl *nl, uint32_t seq, int n)
{
	const struct nlmsghdr *nlh;

	for (nlh = (void *)nl->buf; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n))
		if (nlh->nlmsg_seq == seq &&
		    (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/*
 * After an interrupted dump, read what is left of it so the next request
 * starts clean.  Its end may already be in the buffer at hand (n bytes):
 * the kernel puts NLMSG_DONE after the last part when it fits.
 */
static void drain(struct nl *nl, uint32_t seq, int n)
{
	while (!dump_ends(nl, seq, n)) {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, nl->buflen);
		if (n <= 0)
			return;
	}
}

/* Let the kernel accept a request as large as len (for ROUTE_SET). */
static void grow_sndbuf(struct nl *nl, size_t len)
{
	int fd = mnl_socket_get_fd(nl->sk);
	int want = len + 4096, cur;
	socklen_t sl = sizeof(cur);

	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) && cur >= want + 32)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct talk t = { .nl = nl, .cb = cb, .data = data };
	uint32_t seq = ++nl->seq;
	int n, ret;

	nl->extack[0] = '\0';
	nl->extack_off = 0;
	nlh->nlmsg_seq = seq;
	/* NLM_F_EXCL shares its bit with NLM_F_MATCH: test for both dump bits. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (nlh->nlmsg_len > 65536)
		grow_sndbuf(nl, nlh->nlmsg_len);
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, nl->buflen);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, n, seq, nl->portid, data_cb, &t,
				  ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);

	if (ret < 0) {
		ret = -errno;
		if (ret == -EINTR)
			drain(nl, seq, n);
		return ret;
	}
	return 0;
}

struct nlmsghdr *nl_msg(struct nl *nl, void *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = PODNET_GENL_VERSION;
	return nlh;
}

static int mcgrp_cb(const struct nlattr *grp, struct nl *nl)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 !mnl_attr_validate(a, MNL_TYPE_U32))
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, PODNET_MCGRP_ROUTES))
		nl->mcgrp = id;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = data;
	const struct nlattr *a, *grp;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (!mnl_attr_validate(a, MNL_TYPE_U16))
				nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, a)
				mcgrp_cb(grp, nl);
			break;
		}
	}
	return MNL_CB_OK;
}

int nl_open(struct nl *nl)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->seq = time(NULL);
	nl->buflen = RECV_BUFLEN;
	nl->buf = malloc(nl->buflen);
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "podnetctl: generic netlink socket: %s\n", strerror(errno));
		nl_close(nl);
		return -1;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	/* Both are best effort: older kernels just lack the messages. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PODNET_GENL_NAME);
	ret = nl_talk(nl, nlh, family_cb, nl);
	if (ret == -ENOENT) {
		fprintf(stderr, "podnetctl: generic netlink family '%s' not found "
			"(is the podnet module loaded?)\n", PODNET_GENL_NAME);
	} else if (ret || !nl->family) {
		fprintf(stderr, "podnetctl: resolving generic netlink family '%s': %s\n",
			PODNET_GENL_NAME, strerror(ret ? -ret : EPROTO));
	}
	if (ret || !nl->family) {
		nl_close(nl);
		return -1;
	}
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

int nl_monitor(struct nl *nl, mnl_cb_t cb, void *data)
{
	struct talk t = { .nl = nl, .cb = cb, .data = data };
	int grp = nl->mcgrp, n, ret;

	if (!grp)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, nl->buflen);
		if (n < 0) {
			/* Lost notifications: say so, but keep going. */
			if (errno == ENOBUFS) {
				fprintf(stderr, "podnetctl: monitor: notifications lost (receive buffer overrun)\n");
				continue;
			}
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = mnl_cb_run2(nl->buf, n, 0, 0, data_cb, &t, ctl_cb, NLMSG_MIN_TYPE);
		if (ret < 0)
			return -errno;
	}
}

/* rtnetlink: only what tells us a link's name, index, kind and counters. */

static int linkinfo_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    !mnl_attr_validate(a, MNL_TYPE_STRING))
		snprintf(li->kind, sizeof(li->kind), "%.*s",
			 (int)strnlen(mnl_attr_get_str(a), mnl_attr_get_payload_len(a)),
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(a));
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, linkinfo_cb, li);
		break;
	case IFLA_STATS64:
		if (mnl_attr_get_payload_len(a) >= sizeof(li->stats)) {
			memcpy(&li->stats, mnl_attr_get_payload(a), sizeof(li->stats));
			li->have_stats = true;
		}
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	li->ifindex = ifi->ifi_index;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, li);
}

int link_get(const char *name, unsigned int ifindex, struct link_info *li)
{
	char buf[512];
	struct nl rt = { 0 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	memset(li, 0, sizeof(*li));
	if (name && !*name)
		return -EINVAL;
	if (name && strlen(name) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	rt.buflen = 32768;
	rt.buf = malloc(rt.buflen);
	rt.sk = mnl_socket_open(NETLINK_ROUTE);
	if (!rt.buf || !rt.sk || mnl_socket_bind(rt.sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	rt.portid = mnl_socket_get_portid(rt.sk);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = name ? 0 : ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	ret = nl_talk(&rt, nlh, link_cb, li);
out:
	nl_close(&rt);
	return ret;
}
