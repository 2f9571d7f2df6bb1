/* SPDX-License-Identifier: GPL-2.0 */
/* Generic netlink plumbing for podvolctl, on top of libmnl. */
#ifndef PODVOLCTL_NL_H
#define PODVOLCTL_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct pv_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint8_t version;
	uint32_t portid;
	uint32_t seq;
	/* the family's multicast groups */
#define PV_NL_MAX_MCGRPS 4
	struct {
		char name[32];
		uint32_t id;
	} mcgrp[PV_NL_MAX_MCGRPS];
	int nr_mcgrps;
	char *buf;
	/* filled from the kernel's extended ack, if any */
	char extack[256];
	uint32_t extack_off;
};

/*
 * Open a socket and resolve family @name.  Returns 0, or -errno having
 * printed why (e.g. the module is not loaded).
 */
int pv_nl_open(struct pv_nl *nl, const char *name, uint8_t version);
void pv_nl_close(struct pv_nl *nl);

/*
 * Join the family's multicast group @group and pass every notification to
 * @cb, until @cb or the socket fails: returns -errno then (-ENOENT: the
 * family has no such group).
 */
int pv_nl_monitor(struct pv_nl *nl, const char *group, mnl_cb_t cb, void *data);

/* Start a request; add attributes with mnl_attr_put*() on the result. */
struct nlmsghdr *pv_nl_req(struct pv_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send @nlh and process replies with @cb (may be NULL) until the ack or
 * NLMSG_DONE.  Returns 0 or -errno; on error nl->extack holds the kernel's
 * message ("" when it gave none).
 */
int pv_nl_talk(struct pv_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data);

/* Payload of a genetlink message (after the genlmsghdr). */
void *pv_genl_payload(const struct nlmsghdr *nlh);
size_t pv_genl_payload_len(const struct nlmsghdr *nlh);

/*
 * Print "podvolctl: WHAT: REASON (strerror); HINT" to stderr: REASON is the
 * kernel's extack message (without one, just the strerror), HINT is @hint,
 * advice on what to do, left out when NULL.
 */
void pv_nl_perror(struct pv_nl *nl, int err, const char *hint,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
