// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport for podvolctl: family resolution through
 * the controller, request/ack with the kernel's extended ack message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"
#include "util.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Big enough for a dump chunk; the kernel sizes dumps by our buffer. */
#define PV_NL_BUFSIZE (MNL_SOCKET_BUFFER_SIZE > 32768 ? MNL_SOCKET_BUFFER_SIZE : 32768)

void *pv_genl_payload(const struct nlmsghdr *nlh)
{
	return (char *)mnl_nlmsg_get_payload(nlh) + GENL_HDRLEN;
}

size_t pv_genl_payload_len(const struct nlmsghdr *nlh)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	return len > GENL_HDRLEN ? len - GENL_HDRLEN : 0;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct pv_nl *nl = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(nl->extack, sizeof(nl->extack), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			nl->extack_off = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pv_nl *nl = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t off;

	if (plen < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (off < plen)
			mnl_attr_parse_payload((const char *)err + off,
					       plen - off, extack_attr_cb, nl);
	}
	if (err->error == 0)
		return MNL_CB_STOP;	/* the ack */
	errno = -err->error;
	return MNL_CB_ERROR;
}

struct nlmsghdr *pv_nl_req(struct pv_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	/* A dump ends with NLMSG_DONE and gets no ack. */
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if (!(flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = nl->version;
	return nlh;
}

/*
 * A dump that fails part way ends with NLMSG_DONE carrying the negative
 * errno (and, since 6.0, extack attributes after it).
 */
static int done_cb(const struct nlmsghdr *nlh, struct pv_nl *nl)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	int err;

	if (plen < sizeof(int))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (plen > sizeof(int) && (nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		mnl_attr_parse_payload((const char *)mnl_nlmsg_get_payload(nlh) +
				       sizeof(int), plen - sizeof(int),
				       extack_attr_cb, nl);
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

int pv_nl_talk(struct pv_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	bool intr = false;
	ssize_t n;
	int ret;

	nl->extack[0] = '\0';
	nl->extack_off = 0;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *h;
		int left;

		n = mnl_socket_recvfrom(nl->sock, nl->buf, PV_NL_BUFSIZE);
		if (n < 0)
			return -errno;
		h = (const struct nlmsghdr *)nl->buf;
		left = n;
		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			if (!mnl_nlmsg_portid_ok(h, nl->portid) ||
			    !mnl_nlmsg_seq_ok(h, seq))
				continue;	/* stale reply or notification */
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			switch (h->nlmsg_type) {
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				ret = MNL_CB_OK;
				break;
			case NLMSG_ERROR:
				ret = error_cb(h, nl);
				break;
			case NLMSG_DONE:
				ret = done_cb(h, nl);
				break;
			default:
				errno = 0;
				ret = cb ? cb(h, data) : MNL_CB_OK;
				break;
			}
			if (ret == MNL_CB_ERROR)
				return errno ? -errno : -EIO;
			if (ret == MNL_CB_STOP)
				return intr ? -EINTR : 0;
		}
	}
}

/* One CTRL_ATTR_MCAST_GRP_* nest. */
static int mcgrp_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_MCAST_GRP_NAME || type == CTRL_ATTR_MCAST_GRP_ID)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_mcgrps(const struct nlattr *nest, struct pv_nl *nl)
{
	const struct nlattr *grp;

	mnl_attr_for_each_nested(grp, nest) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {};

		mnl_attr_parse_nested(grp, mcgrp_attr_cb, tb);
		if (nl->nr_mcgrps < PV_NL_MAX_MCGRPS &&
		    tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) &&
		    !mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32)) {
			snprintf(nl->mcgrp[nl->nr_mcgrps].name, sizeof(nl->mcgrp[0].name),
				 "%s", mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]));
			nl->mcgrp[nl->nr_mcgrps++].id =
				mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct pv_nl *nl = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
		nl->family = mnl_attr_get_u16(attr);
	if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS &&
	    mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
		parse_mcgrps(attr, nl);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
	return MNL_CB_OK;
}

int pv_nl_open(struct pv_nl *nl, const char *name, uint8_t version)
{
	struct nlmsghdr *nlh;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->buf = malloc(PV_NL_BUFSIZE);
	if (!nl->buf)
		return -ENOMEM;
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		ret = -errno;
		pv_err("cannot open generic netlink socket: %s", strerror(errno));
		goto err;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		pv_err("cannot bind netlink socket: %s", strerror(errno));
		goto err;
	}
	/* Best effort: old kernels just give no message. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);

	nl->family = GENL_ID_CTRL;
	nl->version = 1;
	nlh = pv_nl_req(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	nl->family = 0;
	ret = pv_nl_talk(nl, nlh, family_cb, nl);
	if (ret == -ENOENT || (!ret && !nl->family)) {
		pv_err("generic netlink family \"%s\" not found: is the %s kernel module loaded? (modprobe %s)",
		       name, name, name);
		ret = -ENOENT;
		goto err;
	}
	if (ret) {
		pv_err("cannot resolve generic netlink family \"%s\": %s",
		       name, strerror(-ret));
		goto err;
	}
	nl->version = version;
	return 0;
err:
	pv_nl_close(nl);
	return ret;
}

int pv_nl_monitor(struct pv_nl *nl, const char *group, mnl_cb_t cb, void *data)
{
	int grp = 0, ret, i;
	ssize_t n;

	for (i = 0; i < nl->nr_mcgrps; i++)
		if (!strcmp(nl->mcgrp[i].name, group))
			grp = nl->mcgrp[i].id;
	if (!grp)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, PV_NL_BUFSIZE);
		if (n < 0) {
			if (errno == ENOBUFS) {	/* lost some: say so, go on */
				pv_warn("monitor: notifications lost (receive buffer overrun)");
				continue;
			}
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* notifications carry sequence number and port id 0 */
		ret = mnl_cb_run(nl->buf, n, 0, 0, cb, data);
		if (ret < 0)
			return errno ? -errno : -EIO;
	}
}

void pv_nl_close(struct pv_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->buf);
	nl->buf = NULL;
}

void pv_nl_perror(struct pv_nl *nl, int err, const char *hint,
		  const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (nl && nl->extack[0])
		fprintf(stderr, ": %s (%s)", nl->extack, strerror(-err));
	else if (err == -EPERM)
		fprintf(stderr, ": %s (need CAP_SYS_ADMIN)", strerror(-err));
	else
		fprintf(stderr, ": %s", strerror(-err));
	if (hint)
		fprintf(stderr, "; %s", hint);
	fputc('\n', stderr);
}
