// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: generated and mutated generic netlink messages for the podnet
 * and podvol families.
 *
 * Every message starts from a well-formed request for one of the family's
 * commands (or a random command number), built from a table of every
 * attribute the uapi header defines with values from small dictionaries
 * (the device, pool, volume names and member paths given on the command
 * line, interesting integers), then gets some of: attributes of the wrong
 * type or length, unknown attribute numbers, nested garbage, flipped bytes,
 * a broken attribute length, the dump flag on a "do" command.  Dumps are
 * read to the end, or abandoned after the first part (the socket is closed
 * with the dump in progress, so the kernel must clean up its dump state).
 *
 * Every reply is counted by errno, so the summary shows whether messages
 * reached the families' handlers (ok, ENODEV, ENOENT, EEXIST...) rather
 * than all being refused by the genetlink core (EOPNOTSUPP, EPERM, EINVAL
 * from the policy).  The last line is machine-readable:
 *   nlfuzz FAMILY sent=N replies=N ok=N handler=N eperm=N eopnotsupp=N
 *          einval=N other=N dumps=N abandoned=N intr=N lost=N
 *
 * Only the names given are used as targets: the fuzzer never aims at the
 * guest's other devices, pools or disks by name (random bytes aside).
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <linux/podnet.h>
#include <linux/podvol.h>

#include "rnd.h"

#define BUFLEN 65536
#define MAXDICT 16

enum kind { K_NONE, K_U8, K_U16, K_BE16, K_U32, K_U64, K_STR, K_FLAG,
	    K_IN4, K_IN6, K_UUID, K_NEST, K_NEST_ARRAY, K_BIN };

/* What a value is about, to pick it from the right dictionary. */
enum role { R_ANY, R_IFNAME, R_IFINDEX, R_FAMILY, R_PREFLEN, R_POOL,
	    R_VOLUME, R_PATH, R_CHUNK, R_SIZE, R_DST, R_VIA };

struct aspec {
	enum kind kind;
	enum role role;
	const struct aspec *nest;	/* K_NEST, K_NEST_ARRAY */
	int nest_max;
};

static const struct aspec pn_route[PODNET_ROUTE_A_MAX + 1] = {
	[PODNET_ROUTE_A_PAD] = { K_NONE, R_ANY, NULL, 0 },
	[PODNET_ROUTE_A_FAMILY] = { K_U16, R_FAMILY, NULL, 0 },
	[PODNET_ROUTE_A_DST] = { K_BIN, R_DST, NULL, 0 },
	[PODNET_ROUTE_A_DST_LEN] = { K_U8, R_PREFLEN, NULL, 0 },
	[PODNET_ROUTE_A_VIA] = { K_BIN, R_VIA, NULL, 0 },
	[PODNET_ROUTE_A_TX_PACKETS] = { K_U64, R_ANY, NULL, 0 },
	[PODNET_ROUTE_A_TX_BYTES] = { K_U64, R_ANY, NULL, 0 },
	[PODNET_ROUTE_A_RX_PACKETS] = { K_U64, R_ANY, NULL, 0 },
	[PODNET_ROUTE_A_RX_BYTES] = { K_U64, R_ANY, NULL, 0 },
};

static const struct aspec pn_drops[PODNET_DROP_A_MAX + 1] = {
	[PODNET_DROP_A_NO_ROUTE ... PODNET_DROP_A_MAX] = { K_U64, R_ANY, NULL, 0 },
};

static const struct aspec pn_attrs[PODNET_A_MAX + 1] = {
	[PODNET_A_PAD] = { K_NONE, R_ANY, NULL, 0 },
	[PODNET_A_IFINDEX] = { K_U32, R_IFINDEX, NULL, 0 },
	[PODNET_A_IFNAME] = { K_STR, R_IFNAME, NULL, 0 },
	[PODNET_A_ROUTE] = { K_NEST, R_ANY, pn_route, PODNET_ROUTE_A_MAX },
	[PODNET_A_FAMILY] = { K_U16, R_FAMILY, NULL, 0 },
	[PODNET_A_VNI] = { K_U32, R_ANY, NULL, 0 },
	[PODNET_A_PORT] = { K_BE16, R_ANY, NULL, 0 },
	[PODNET_A_LOCAL] = { K_IN4, R_ANY, NULL, 0 },
	[PODNET_A_LOCAL6] = { K_IN6, R_ANY, NULL, 0 },
	[PODNET_A_TTL] = { K_U8, R_ANY, NULL, 0 },
	[PODNET_A_TOS] = { K_U8, R_ANY, NULL, 0 },
	[PODNET_A_UDP_CSUM] = { K_U8, R_ANY, NULL, 0 },
	[PODNET_A_UDP_ZERO_CSUM6_TX] = { K_U8, R_ANY, NULL, 0 },
	[PODNET_A_UDP_ZERO_CSUM6_RX] = { K_U8, R_ANY, NULL, 0 },
	[PODNET_A_DF] = { K_U8, R_ANY, NULL, 0 },
	[PODNET_A_ROUTE_COUNT] = { K_U32, R_ANY, NULL, 0 },
	[PODNET_A_GENERATION] = { K_U32, R_ANY, NULL, 0 },
	[PODNET_A_DROPS] = { K_NEST, R_ANY, pn_drops, PODNET_DROP_A_MAX },
	[PODNET_A_MAX_ROUTES] = { K_U32, R_ANY, NULL, 0 },
	[PODNET_A_PEER_COUNT] = { K_U32, R_ANY, NULL, 0 },
};

static const struct aspec pv_member[PODVOL_MEMBER_A_MAX + 1] = {
	[PODVOL_MEMBER_A_PAD] = { K_NONE, R_ANY, NULL, 0 },
	[PODVOL_MEMBER_A_INDEX] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_MEMBER_A_UUID] = { K_UUID, R_ANY, NULL, 0 },
	[PODVOL_MEMBER_A_PATH] = { K_STR, R_PATH, NULL, 0 },
	[PODVOL_MEMBER_A_MAJOR] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_MEMBER_A_MINOR] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_MEMBER_A_SIZE] = { K_U64, R_SIZE, NULL, 0 },
	[PODVOL_MEMBER_A_FREE] = { K_U64, R_SIZE, NULL, 0 },
	[PODVOL_MEMBER_A_PRESENT] = { K_U8, R_ANY, NULL, 0 },
};

static const struct aspec pv_attrs[PODVOL_A_MAX + 1] = {
	[PODVOL_A_PAD] = { K_NONE, R_ANY, NULL, 0 },
	[PODVOL_A_POOL_NAME] = { K_STR, R_POOL, NULL, 0 },
	[PODVOL_A_POOL_UUID] = { K_UUID, R_ANY, NULL, 0 },
	[PODVOL_A_POOL_STATE] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_CHUNK_SIZE] = { K_U32, R_CHUNK, NULL, 0 },
	[PODVOL_A_GENERATION] = { K_U64, R_ANY, NULL, 0 },
	[PODVOL_A_POOL_SIZE] = { K_U64, R_SIZE, NULL, 0 },
	[PODVOL_A_POOL_FREE] = { K_U64, R_SIZE, NULL, 0 },
	[PODVOL_A_NR_MEMBERS] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_NR_PRESENT] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_NR_VOLUMES] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_MEMBERS] = { K_NEST_ARRAY, R_ANY, pv_member, PODVOL_MEMBER_A_MAX },
	[PODVOL_A_MEMBER] = { K_NEST, R_ANY, pv_member, PODVOL_MEMBER_A_MAX },
	[PODVOL_A_FORCE] = { K_FLAG, R_ANY, NULL, 0 },
	[PODVOL_A_VOLUME_NAME] = { K_STR, R_VOLUME, NULL, 0 },
	[PODVOL_A_VOLUME_UUID] = { K_UUID, R_ANY, NULL, 0 },
	[PODVOL_A_VOLUME_SIZE] = { K_U64, R_SIZE, NULL, 0 },
	[PODVOL_A_VOLUME_DISK] = { K_STR, R_ANY, NULL, 0 },
	[PODVOL_A_VOLUME_MAJOR] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_VOLUME_MINOR] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_STRIPE_WIDTH] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_NR_EXTENTS] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_OPEN_COUNT] = { K_U32, R_ANY, NULL, 0 },
	[PODVOL_A_POOL_DIRTY] = { K_U64, R_SIZE, NULL, 0 },
	[PODVOL_A_VALIDATE_ONLY] = { K_FLAG, R_ANY, NULL, 0 },
};

/* Per command: which attributes a well-formed request carries. */
struct cspec {
	int cmd;
	bool dump;		/* GET: dump allowed */
	int attrs[5];		/* 0-terminated */
};

static const struct cspec pn_cmds[] = {
	{ PODNET_CMD_GET_DEVICE, true, { PODNET_A_IFNAME } },
	{ PODNET_CMD_ROUTE_NEW, false, { PODNET_A_IFNAME, PODNET_A_ROUTE } },
	{ PODNET_CMD_ROUTE_DEL, false, { PODNET_A_IFINDEX, PODNET_A_ROUTE } },
	{ PODNET_CMD_ROUTE_GET, true, { PODNET_A_IFNAME, PODNET_A_ROUTE } },
	{ PODNET_CMD_ROUTE_FLUSH, false, { PODNET_A_IFNAME, PODNET_A_FAMILY } },
	{ PODNET_CMD_ROUTE_SET, false, { PODNET_A_IFNAME, PODNET_A_ROUTE } },
	{ PODNET_CMD_ROUTE_SET_BEGIN, false, { PODNET_A_IFNAME } },
	{ PODNET_CMD_ROUTE_SET_APPEND, false, { PODNET_A_IFNAME, PODNET_A_ROUTE } },
	{ PODNET_CMD_ROUTE_SET_COMMIT, false, { PODNET_A_IFNAME } },
	{ PODNET_CMD_ROUTE_SET_ABORT, false, { PODNET_A_IFINDEX } },
};

static const struct cspec pv_cmds[] = {
	{ PODVOL_CMD_POOL_CREATE, false, { PODVOL_A_POOL_NAME, PODVOL_A_MEMBERS, PODVOL_A_CHUNK_SIZE, PODVOL_A_FORCE, PODVOL_A_VALIDATE_ONLY } },
	{ PODVOL_CMD_POOL_ADD_MEMBER, false, { PODVOL_A_MEMBER } },
	{ PODVOL_CMD_POOL_STOP, false, { PODVOL_A_POOL_NAME } },
	{ PODVOL_CMD_POOL_GET, true, { PODVOL_A_POOL_NAME } },
	{ PODVOL_CMD_VOLUME_CREATE, false, { PODVOL_A_POOL_NAME, PODVOL_A_VOLUME_NAME, PODVOL_A_VOLUME_SIZE } },
	{ PODVOL_CMD_VOLUME_DELETE, false, { PODVOL_A_POOL_NAME, PODVOL_A_VOLUME_NAME } },
	{ PODVOL_CMD_VOLUME_RESIZE, false, { PODVOL_A_POOL_NAME, PODVOL_A_VOLUME_NAME, PODVOL_A_VOLUME_SIZE } },
	{ PODVOL_CMD_VOLUME_GET, true, { PODVOL_A_POOL_NAME, PODVOL_A_VOLUME_NAME } },
	{ PODVOL_CMD_POOL_EXTEND, false, { PODVOL_A_POOL_NAME, PODVOL_A_MEMBER, PODVOL_A_FORCE, PODVOL_A_VALIDATE_ONLY } },
};

struct family {
	const char *name;
	uint16_t id;
	int version;
	int maxcmd;
	const struct aspec *attrs;
	int maxattr;
	const struct cspec *cmds;
	int ncmds;
	/* counts */
	unsigned long sent, replies, dumps, abandoned, intr, lost;
	unsigned long err[256];	/* by errno; [0] = ok */
	unsigned long cmd_n[256];	/* messages and seconds by command */
	double cmd_secs[256];
	int last_err;		/* of the last reply */
};

static struct family fams[2] = {
	{ .name = PODNET_GENL_NAME, .version = PODNET_GENL_VERSION,
	  .maxcmd = PODNET_CMD_MAX, .attrs = pn_attrs, .maxattr = PODNET_A_MAX,
	  .cmds = pn_cmds, .ncmds = sizeof(pn_cmds) / sizeof(pn_cmds[0]) },
	{ .name = PODVOL_GENL_NAME, .version = PODVOL_GENL_VERSION,
	  .maxcmd = PODVOL_CMD_MAX, .attrs = pv_attrs, .maxattr = PODVOL_A_MAX,
	  .cmds = pv_cmds, .ncmds = sizeof(pv_cmds) / sizeof(pv_cmds[0]) },
};

static const char *dict[R_VIA + 1][MAXDICT];
static int ndict[R_VIA + 1];
static struct mnl_socket *nl;
static unsigned int seq;
static int verbose;
static double slow_ms;	/* -t: report messages slower than this */

static bool chance(unsigned int pct)
{
	return rn(100) < pct;
}

static void add_dict(enum role r, const char *s)
{
	if (ndict[r] < MAXDICT)
		dict[r][ndict[r]++] = s;
}

static const char *pick(enum role r)
{
	static const char *const junk[] = {
		"", "x", "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
		"../../etc", "/dev/null", "/nonexistent", "/dev/zero", ".", "a/b",
		"pool with spaces", "\xff\xfe", "%s%n",
	};

	if (ndict[r] && !chance(10))
		return dict[r][rn(ndict[r])];
	return junk[rn(sizeof(junk) / sizeof(junk[0]))];
}

/*
 * The ifindex of a device named on the command line (0 for the junk names,
 * which name no device), from a table refreshed over rtnetlink every 16
 * uses (if_nameindex()).  Not if_nametoindex(): its SIOCGIFINDEX makes the
 * kernel of a caller with CAP_NET_ADMIN run modprobe for a name that does
 * not exist (dev_load(): "netdev-NAME", and NAME with CAP_SYS_MODULE),
 * which took most of the root pass's time under TCG.
 */
static unsigned int pick_ifindex(void)
{
	static unsigned int idx[MAXDICT], uses;
	int i;

	if (!(uses++ % 16)) {
		struct if_nameindex *ni = if_nameindex(), *p;

		for (i = 0; i < ndict[R_IFNAME]; i++) {
			idx[i] = 0;
			for (p = ni; p && p->if_index; p++)
				if (!strcmp(p->if_name, dict[R_IFNAME][i]))
					idx[i] = p->if_index;
		}
		if (ni)
			if_freenameindex(ni);
	}
	if (ndict[R_IFNAME] && !chance(10))
		return idx[rn(ndict[R_IFNAME])];
	return 0;
}

static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 7, 8, 31, 32, 33, 127, 128, 129, 255, 256, 4095, 4096,
		4097, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, 1ULL << 20, 1ULL << 30, 1ULL << 40,
		0x7fffffffffffffffULL, 0xffffffffffffffffULL, 0xfffffffffffff000ULL,
		512, 8ULL << 20, 64ULL << 20, (64ULL << 20) + 512,
	};

	if (chance(20))
		return rnd();
	return v[rn(sizeof(v) / sizeof(v[0]))];
}

static void put_addr(struct nlmsghdr *nlh, int type, bool v6, bool route_to)
{
	uint8_t a[16];

	if (v6) {
		inet_pton(AF_INET6, route_to ? "fd00::2" : "fd44:7::", a);
		if (chance(30))
			a[rn(16)] = rnd();
		mnl_attr_put(nlh, type, 16, a);
	} else {
		inet_pton(AF_INET, route_to ? "192.168.0.2" : "10.7.0.0", a);
		if (chance(50))
			a[1 + rn(3)] = rnd();
		mnl_attr_put(nlh, type, 4, a);
	}
}

static void put_value(struct nlmsghdr *nlh, int type, const struct aspec *s,
		      int depth, bool *v6);

/* Attributes with random numbers and random payloads, nested or not. */
static void put_garbage(struct nlmsghdr *nlh, int depth)
{
	int i, n = 1 + rn(4);
	uint8_t b[64];

	for (i = 0; i < n; i++) {
		uint16_t type = chance(70) ? rn(40) : rnd();

		if (depth < 3 && chance(30)) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, type);

			put_garbage(nlh, depth + 1);
			mnl_attr_nest_end(nlh, nest);
		} else {
			unsigned int len = rn(sizeof(b));
			unsigned int j;

			for (j = 0; j < len; j++)
				b[j] = rnd();
			mnl_attr_put(nlh, type & ~NLA_F_NESTED, len, b);
		}
	}
}

static void put_nest(struct nlmsghdr *nlh, int type, const struct aspec *s,
		     int depth)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	bool v6 = chance(40);
	int a;

	if (chance(10)) {
		put_garbage(nlh, depth + 1);
	} else if (s->kind == K_NEST_ARRAY) {
		int i, n = 1 + rn(chance(5) ? 40 : 4);

		for (i = 0; i < n; i++) {
			struct aspec one = *s;

			one.kind = K_NEST;
			put_nest(nlh, chance(90) ? i : (int)rn(65536), &one, depth + 1);
		}
	} else {
		for (a = 1; a <= s->nest_max; a++) {
			const struct aspec *sub = &s->nest[a];

			/* the usual attributes mostly, the others now and then */
			if (sub->kind == K_NONE || (sub->kind == K_U64 && sub->role == R_ANY) ||
			    sub->kind == K_U32 || sub->kind == K_UUID) {
				if (!chance(5))
					continue;
			} else if (chance(5)) {
				continue;
			}
			put_value(nlh, a, sub, depth + 1, &v6);
		}
		if (chance(10))
			put_garbage(nlh, depth + 1);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_value(struct nlmsghdr *nlh, int type, const struct aspec *s,
		      int depth, bool *v6)
{
	uint8_t b[64];
	unsigned int i, len;
	uint64_t v;

	if (chance(12)) {	/* wrong type or length */
		len = rn(chance(50) ? 9 : sizeof(b));
		for (i = 0; i < len; i++)
			b[i] = rnd();
		if (chance(30) && len)
			b[len - 1] = 0;
		mnl_attr_put(nlh, type | (chance(5) ? NLA_F_NESTED : 0), len, b);
		return;
	}
	switch (s->kind) {
	case K_NONE:
	case K_FLAG:
		mnl_attr_put(nlh, type, 0, NULL);
		break;
	case K_U8:
		v = s->role == R_PREFLEN ? (chance(80) ? rn(*v6 ? 129 : 33) : rnd()) : interesting();
		mnl_attr_put_u8(nlh, type, v);
		break;
	case K_U16:
		if (s->role == R_FAMILY) {
			v = chance(90) ? (*v6 ? AF_INET6 : AF_INET) : interesting();
		} else {
			v = interesting();
		}
		mnl_attr_put_u16(nlh, type, v);
		break;
	case K_BE16:
		mnl_attr_put_u16(nlh, type, htons(interesting()));
		break;
	case K_U32:
		if (s->role == R_IFINDEX) {
			v = chance(80) ? pick_ifindex() : interesting();
		} else if (s->role == R_CHUNK) {
			v = chance(70) ? 4096U << rn(19) : interesting();
		} else {
			v = interesting();
		}
		mnl_attr_put_u32(nlh, type, v);
		break;
	case K_U64:
		if (s->role == R_SIZE && chance(70))
			v = (uint64_t)(1 + rn(64)) << (12 + rn(20));
		else
			v = interesting();
		mnl_attr_put_u64(nlh, type, v);
		break;
	case K_STR:
		if (s->role == R_ANY || chance(5)) {
			len = rn(sizeof(b));
			for (i = 0; i < len; i++)
				b[i] = 32 + rn(95);
			if (chance(80) && len)
				b[len - 1] = 0;	/* else not terminated */
			mnl_attr_put(nlh, type, len, b);
		} else {
			mnl_attr_put_strz(nlh, type, pick(s->role));
		}
		break;
	case K_IN4:
	case K_IN6:
		put_addr(nlh, type, s->kind == K_IN6, true);
		break;
	case K_BIN:
		put_addr(nlh, type, chance(95) ? *v6 : !*v6, s->role == R_VIA);
		break;
	case K_UUID:
		for (i = 0; i < 16; i++)
			b[i] = rnd();
		mnl_attr_put(nlh, type, 16, b);
		break;
	case K_NEST:
	case K_NEST_ARRAY:
		if (depth < 4)
			put_nest(nlh, type, s, depth);
		break;
	}
}

/* Build one request for family f into buf; returns its length. */
static size_t build(struct family *f, char *buf, bool *dump)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	const struct cspec *c = &f->cmds[rn(f->ncmds)];
	int cmd = c->cmd, i, n;
	bool v6 = chance(40);

	if (chance(4))
		cmd = chance(50) ? (int)rn(f->maxcmd + 3) : (int)rn(256);
	nlh->nlmsg_type = f->id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	*dump = c->dump ? chance(50) : chance(3);
	if (*dump)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = chance(97) ? f->version : (int)rn(256);

	for (i = 0; i < (int)(sizeof(c->attrs) / sizeof(c->attrs[0])) && c->attrs[i]; i++) {
		int a = c->attrs[i];

		if (chance(6))
			continue;	/* a required attribute missing */
		/* ROUTE_SET, ROUTE_SET_APPEND: many routes, or none */
		n = (f->attrs == pn_attrs && (cmd == PODNET_CMD_ROUTE_SET ||
					      cmd == PODNET_CMD_ROUTE_SET_APPEND) &&
		     a == PODNET_A_ROUTE) ? (int)rn(chance(10) ? 300 : 8) : 1;
		while (n--) {
			if (mnl_nlmsg_size(nlh->nlmsg_len) > BUFLEN / 2)
				break;
			put_value(nlh, a, &f->attrs[a], 0, &v6);
		}
	}
	/* and any of the others, known or not */
	n = chance(40) ? 1 + rn(3) : 0;
	while (n--) {
		int a = chance(85) ? (int)(1 + rn(f->maxattr)) : (int)rn(100);

		if (a <= f->maxattr)
			put_value(nlh, a, &f->attrs[a], 0, &v6);
		else
			put_garbage(nlh, 1);
	}
	if (chance(3))
		put_garbage(nlh, 0);

	/* byte-level mutations behind the genetlink header */
	if (chance(8)) {
		unsigned int off = sizeof(*nlh) + sizeof(*g), k = 1 + rn(4);

		while (k-- && nlh->nlmsg_len > off)
			((uint8_t *)buf)[off + rn(nlh->nlmsg_len - off)] = rnd();
	}
	if (chance(3) && nlh->nlmsg_len > sizeof(*nlh) + sizeof(*g))	/* truncated */
		nlh->nlmsg_len -= rn(nlh->nlmsg_len - sizeof(*nlh) - sizeof(*g)) + 1;
	return nlh->nlmsg_len;
}

static int open_sock(void)
{
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	if (nl)
		mnl_socket_close(nl);
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlfuzz: netlink socket");
		return -1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static int resolve(struct family *f)
{
	char buf[BUFLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	struct nlattr *a;
	ssize_t len;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, f->name);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (len < (ssize_t)sizeof(*nlh))
		return -1;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return -1;
	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			f->id = mnl_attr_get_u16(a);
	return f->id ? 0 : -1;
}

static void count(struct family *f, int err)
{
	if (err < 0)
		err = -err;
	f->last_err = err;
	f->err[err < 256 ? err : 255]++;
}

/*
 * Read the replies to one request: an error or ack ends a "do"; a dump
 * ends with NLMSG_DONE (or an error).  When abandon is set, the first
 * part of a dump is read and the socket then closed.
 */
static int receive(struct family *f, bool dump, bool abandon)
{
	static char buf[BUFLEN];
	unsigned int want = seq;

	for (;;) {
		ssize_t len = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int rem = len;

		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				f->lost++;	/* no answer within 5 s */
				return open_sock();
			}
			if (errno == ENOBUFS)
				continue;
			perror("nlfuzz: recv");
			return -1;
		}
		for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != want)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				f->intr++;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				f->replies++;
				count(f, e->error);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				f->replies++;
				count(f, nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int)) ?
					 *(int *)mnl_nlmsg_get_payload(nlh) : 0);
				return 0;
			}
			if (dump && !(nlh->nlmsg_flags & NLM_F_MULTI)) {
				f->replies++;
				count(f, 0);
				return 0;
			}
		}
		if (dump && abandon) {
			f->abandoned++;
			f->replies++;
			count(f, 0);
			return open_sock();
		}
	}
}

static void summary(struct family *f, double secs)
{
	static const int handler_errs[] = { ENODEV, ENOENT, EEXIST, EBUSY, ENOSPC,
		E2BIG, ENOMEM, ENXIO, ENOTBLK, EROFS, ERANGE, EAFNOSUPPORT, ENOTDIR,
		EACCES, EIO, ENOTTY, EXDEV, EOVERFLOW, EMSGSIZE, EDOM, EFBIG };
	unsigned long handler = f->err[0], other = 0;
	unsigned int i, j;

	printf("# %s: %lu messages in %.1f s (%.0f/s), %lu replies; by errno:",
	       f->name, f->sent, secs, secs > 0 ? f->sent / secs : 0.0, f->replies);
	for (i = 0; i < 256; i++)
		if (f->err[i])
			printf(" %s=%lu", i ? strerrorname_np(i) ?: "?" : "ok", f->err[i]);
	printf("\n");
	for (i = 1; i < 256; i++) {
		bool h = false;

		for (j = 0; j < sizeof(handler_errs) / sizeof(handler_errs[0]); j++)
			h |= (int)i == handler_errs[j];
		if (h)
			handler += f->err[i];
		else if (i != EPERM && i != EOPNOTSUPP && i != EINVAL)
			other += f->err[i];
	}
	printf("# %s: seconds by command:", f->name);
	for (i = 0; i < 256; i++)
		if (f->cmd_n[i])
			printf(" %u:%lux/%.1fs", i, f->cmd_n[i], f->cmd_secs[i]);
	printf("\n");
	printf("nlfuzz %s sent=%lu replies=%lu ok=%lu handler=%lu eperm=%lu eopnotsupp=%lu einval=%lu other=%lu dumps=%lu abandoned=%lu intr=%lu lost=%lu\n",
	       f->name, f->sent, f->replies, f->err[0], handler, f->err[EPERM],
	       f->err[EOPNOTSUPP], f->err[EINVAL], other, f->dumps, f->abandoned,
	       f->intr, f->lost);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [-n MESSAGES] [-s SEED] [-f podnet|podvol] [-t MS] [-v]\n"
		"              [-d IFNAME]... [-p POOL]... [-V VOLUME]... [-m PATH]...\n"
		"MESSAGES per family (default 10000); the names are the targets;\n"
		"-t: print each message that takes MS milliseconds or longer.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long n = 10000, i;
	const char *only = NULL;
	struct timespec t0, t1;
	static char buf[BUFLEN];
	int o, k;

	rs = time(NULL) ^ getpid();
	while ((o = getopt(argc, argv, "n:s:f:d:p:V:m:t:v")) != -1) {
		switch (o) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 's': rs = strtoull(optarg, NULL, 0); break;
		case 'f': only = optarg; break;
		case 'd': add_dict(R_IFNAME, optarg); break;
		case 'p': add_dict(R_POOL, optarg); break;
		case 'V': add_dict(R_VOLUME, optarg); break;
		case 'm': add_dict(R_PATH, optarg); break;
		case 't': slow_ms = strtod(optarg, NULL); break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (!rs)
		rs = 1;
	printf("# nlfuzz seed %llu\n", (unsigned long long)rs);
	if (open_sock())
		return 1;
	for (k = 0; k < 2; k++) {
		if (only && strcmp(only, fams[k].name))
			continue;
		if (resolve(&fams[k])) {
			fprintf(stderr, "nlfuzz: no genetlink family %s\n", fams[k].name);
			return 1;
		}
	}
	for (k = 0; k < 2; k++) {
		struct family *f = &fams[k];

		if (!f->id)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++) {
			bool dump, abandon;
			size_t len = build(f, buf, &dump);
			uint8_t cmd = ((struct genlmsghdr *)(buf + sizeof(struct nlmsghdr)))->cmd;
			uint16_t flags = ((struct nlmsghdr *)buf)->nlmsg_flags;
			struct timespec m0, m1;
			double secs;

			abandon = dump && chance(25);
			if (verbose)
				fprintf(stderr, "%s cmd %u len %zu%s\n", f->name,
					((struct genlmsghdr *)(buf + sizeof(struct nlmsghdr)))->cmd,
					len, dump ? " dump" : "");
			/* the kernel handles a request inside sendmsg */
			clock_gettime(CLOCK_MONOTONIC, &m0);
			if (mnl_socket_sendto(nl, buf, len) < 0) {
				count(f, errno);	/* refused at send (e.g. a bad length) */
				if (open_sock())
					return 1;
				f->sent++;
				continue;
			}
			f->sent++;
			f->dumps += dump;
			if (receive(f, dump, abandon))
				return 1;
			clock_gettime(CLOCK_MONOTONIC, &m1);
			secs = (m1.tv_sec - m0.tv_sec) + (m1.tv_nsec - m0.tv_nsec) / 1e9;
			f->cmd_n[cmd]++;
			f->cmd_secs[cmd] += secs;
			if (slow_ms && secs * 1000 >= slow_ms)
				printf("# slow: %s cmd %u flags 0x%x len %zu%s: %.0f ms, %s\n",
				       f->name, cmd, flags, len,
				       abandon ? " (dump abandoned)" : "", secs * 1000,
				       f->last_err ? strerrorname_np(f->last_err) ?: "?" : "ok");
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		summary(f, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	mnl_socket_close(nl);
	return 0;
}
