// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: show and program the route table of podnet devices over the
 * "podnet" generic netlink family.  See podnetctl(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/podnet.h>

#include "netlink.h"
#include "output.h"
#include "parse.h"

static bool json, pretty, human;
static int family;		/* -4, -6: AF_INET, AF_INET6; 0: both */

/* Exit statuses, the same for podvolctl and the bootstrap scripts. */
#define EXIT_USAGE	2	/* the command line is wrong; 1: the request failed */

static const char usage_text[] =
"Usage: podnetctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
"\n"
"  podnetctl route add PREFIX via NODEADDR dev DEV\n"
"  podnetctl route replace PREFIX via NODEADDR dev DEV\n"
"  podnetctl route del PREFIX [via NODEADDR] dev DEV\n"
"  podnetctl route get ADDR[/LEN] dev DEV\n"
"  podnetctl route show [dev DEV]\n"
"  podnetctl route save dev DEV       print the table as a setconf FILE\n"
"  podnetctl route flush dev DEV\n"
"  podnetctl show [DEV]\n"
"  podnetctl setconf [--allow-empty] DEV FILE   (FILE '-' reads standard input)\n"
"  podnetctl setconf --check [--allow-empty] FILE   validate FILE, print its\n"
"                                   routes normalized\n"
"  podnetctl parse addr|prefix|ifaddr VALUE...  print VALUEs normalized\n"
"  podnetctl monitor\n"
"  podnetctl metrics [DEV]    counters in the Prometheus text format\n"
"\n"
"Options:\n"
"  -j, --json         JSON output\n"
"  -p, --pretty       indented JSON output\n"
"  -h, --human        byte counts in human-readable units (KiB, MiB, ...)\n"
"  -4, -6             IPv4 or IPv6 prefixes only (route show, save, flush;\n"
"                     monitor)\n"
"  -n, --netns NAME   run in network namespace NAME (as ip -n)\n"
"      --output COLS  table columns, comma separated; +COLS adds to the\n"
"                     default ones (route show: DEV,PREFIX,VIA,TX_PACKETS,\n"
"                     TX_BYTES,RX_PACKETS,RX_BYTES)\n"
"      --noheadings   tables without their heading line\n"
"      --raw          tables unaligned, one blank between columns\n"
"      --pairs        tables as NAME=\"value\" pairs, one row a line\n"
"  -V, --version      print the version\n"
"      --help         this help\n"
"\n"
"PREFIX := ADDR[/LEN] (IPv4 or IPv6)  NODEADDR := underlay IPv4 or IPv6 address\n"
"A setconf FILE holds lines 'route PREFIX via NODEADDR'; '#' starts a comment.\n"
"A FILE without routes empties the table only with --allow-empty.\n"
"Exit status: 0 success, 1 the request failed, 2 usage error.\n";

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("podnetctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'podnetctl --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int error(const char *fmt, ...)
{
	va_list ap;

	fputs("podnetctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/*
 * Report a failed request: the kernel's own words if it gave any, then
 * @hint (what to do about it), if not NULL.
 */
static int __attribute__((format(printf, 4, 5)))
kernel_error_hint(const struct nl *nl, int err, const char *hint,
		  const char *fmt, ...)
{
	va_list ap;

	fputs("podnetctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (nl->extack[0])
		fprintf(stderr, ": %s (%s)", nl->extack, strerror(-err));
	else
		fprintf(stderr, ": %s", strerror(-err));
	if (err == -EPERM)
		fputs(" (changes need CAP_NET_ADMIN)", stderr);
	if (hint)
		fprintf(stderr, "; %s", hint);
	fputc('\n', stderr);
	return 1;
}

#define kernel_error(nl, err, ...) kernel_error_hint(nl, err, NULL, __VA_ARGS__)

/* Resolve a device name and make sure it is a podnet device. */
static int get_dev(const char *name, unsigned int *ifindex)
{
	struct link_info li;
	int ret = link_get(name, 0, &li);

	if (ret == -ENAMETOOLONG)
		return error("%s: invalid device name: longer than %d characters",
			     name, IF_NAMESIZE - 1);
	if (ret == -EINVAL)
		return error("invalid device name '%s'", name);
	if (ret == -ENODEV)
		return error("%s: no such device", name);
	if (ret)
		return error("%s: %s", name, strerror(-ret));
	if (strcmp(li.kind, PODNET_LINK_KIND))
		return error("%s: not a podnet device", name);
	*ifindex = li.ifindex;
	return 0;
}

/* Routes as reported by the kernel. */

struct route {
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	struct pn_prefix prefix;
	struct pn_addr via;
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
};

struct msg {				/* one podnet message, parsed */
	uint8_t cmd;
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	bool have_route, have_via;
	struct route route;
	uint32_t route_count, generation;
};

static void get_addr_attr(const struct nlattr *a, struct pn_addr *addr, bool *ok)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	memset(addr, 0, sizeof(*addr));
	if (len != 4 && len != 16)
		return;
	addr->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(addr->b, mnl_attr_get_payload(a), len);
	*ok = true;
}

static uint64_t u64_attr(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U64) ? 0 : mnl_attr_get_u64(a);
}

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct msg *m = data;
	struct route *r = &m->route;
	bool ok = false;

	switch (mnl_attr_get_type(a)) {
	case PODNET_ROUTE_A_DST:
		get_addr_attr(a, &r->prefix.addr, &ok);
		m->have_route = ok;
		break;
	case PODNET_ROUTE_A_DST_LEN:
		if (!mnl_attr_validate(a, MNL_TYPE_U8))
			r->prefix.len = mnl_attr_get_u8(a);
		break;
	case PODNET_ROUTE_A_VIA:
		get_addr_attr(a, &r->via, &m->have_via);
		break;
	case PODNET_ROUTE_A_TX_PACKETS:
		r->tx_packets = u64_attr(a);
		break;
	case PODNET_ROUTE_A_TX_BYTES:
		r->tx_bytes = u64_attr(a);
		break;
	case PODNET_ROUTE_A_RX_PACKETS:
		r->rx_packets = u64_attr(a);
		break;
	case PODNET_ROUTE_A_RX_BYTES:
		r->rx_bytes = u64_attr(a);
		break;
	}
	return MNL_CB_OK;
}

static int msg_attr_cb(const struct nlattr *a, void *data)
{
	struct msg *m = data;

	switch (mnl_attr_get_type(a)) {
	case PODNET_A_IFINDEX:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			m->ifindex = mnl_attr_get_u32(a);
		break;
	case PODNET_A_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(m->ifname, sizeof(m->ifname), "%s", mnl_attr_get_str(a));
		break;
	case PODNET_A_ROUTE:
		return mnl_attr_parse_nested(a, route_attr_cb, m);
	case PODNET_A_ROUTE_COUNT:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			m->route_count = mnl_attr_get_u32(a);
		break;
	case PODNET_A_GENERATION:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			m->generation = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int parse_msg(const struct nlmsghdr *nlh, struct msg *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	memset(m, 0, sizeof(*m));
	m->cmd = g->cmd;
	if (mnl_attr_parse(nlh, sizeof(*g), msg_attr_cb, m) < 0)
		return MNL_CB_ERROR;
	m->route.ifindex = m->ifindex;
	memcpy(m->route.ifname, m->ifname, sizeof(m->ifname));
	return MNL_CB_OK;
}

struct route_list {
	struct route *v;
	size_t n, cap;
};

static int route_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_list *l = data;
	struct msg m;

	if (parse_msg(nlh, &m) < 0)
		return MNL_CB_ERROR;
	if (!m.have_route)
		return MNL_CB_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct route *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = m.route;
	return MNL_CB_OK;
}

static int route_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;
	int c = strcmp(x->ifname, y->ifname);

	if (c)
		return c;
	if (x->prefix.addr.family != y->prefix.addr.family)
		return x->prefix.addr.family - y->prefix.addr.family;
	c = memcmp(x->prefix.addr.b, y->prefix.addr.b, 16);
	if (c)
		return c;
	return (int)x->prefix.len - (int)y->prefix.len;
}

static const char *fmt_count(uint64_t v, bool bytes, char *buf, size_t len)
{
	if (bytes && human)
		return fmt_size(v, buf, len);
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* Print a finished JSON document; 0, or 1 after saying why not. */
static int json_done(struct json *j)
{
	return json_end(j) ? error("cannot print JSON: out of memory or write error") : 0;
}

static void print_route_json(struct json *j, const struct route *r)
{
	char p[PN_PREFIX_STRLEN], v[PN_PREFIX_STRLEN];

	json_obj_open(j, NULL);
	json_str(j, "dev", r->ifname);
	json_u64(j, "ifindex", r->ifindex);
	json_str(j, "dst", fmt_prefix(&r->prefix, p, sizeof(p)));
	json_str(j, "gateway", fmt_addr(&r->via, v, sizeof(v)));
	json_u64(j, "tx_packets", r->tx_packets);
	json_u64(j, "tx_bytes", r->tx_bytes);
	json_u64(j, "rx_packets", r->rx_packets);
	json_u64(j, "rx_bytes", r->rx_bytes);
	json_obj_close(j);
}

/* Drop the routes -4/-6 exclude. */
static size_t filter_family(struct route *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!family || v[i].prefix.addr.family == family)
			v[k++] = v[i];
	return k;
}

/* The columns of route show; --output picks among them. */
static const char *const route_head[] = {
	"DEV", "PREFIX", "VIA", ">TX_PACKETS", ">TX_BYTES",
	">RX_PACKETS", ">RX_BYTES",
};

static int print_routes(struct route *v, size_t n, bool with_dev)
{
	const char *const *head = route_head;
	char c[7][PN_PREFIX_STRLEN];
	const char *row[7];
	struct table t;
	/* DEV is left out for one device's routes, unless asked for. */
	unsigned int off = with_dev || table_opts.columns ? 0 : 1, i;
	struct json j;
	size_t k;
	int ret = 0;

	n = filter_family(v, n);
	if (n > 1)
		qsort(v, n, sizeof(*v), route_cmp);
	if (json) {
		json_init(&j, stdout, pretty);
		json_arr_open(&j, NULL);
		for (k = 0; k < n; k++)
			print_route_json(&j, &v[k]);
		return json_done(&j);
	}
	if (!n)
		return 0;
	table_init(&t, 7 - off, head + off);
	for (k = 0; k < n; k++) {
		snprintf(c[0], sizeof(c[0]), "%s", v[k].ifname);
		fmt_prefix(&v[k].prefix, c[1], sizeof(c[1]));
		fmt_addr(&v[k].via, c[2], sizeof(c[2]));
		fmt_count(v[k].tx_packets, false, c[3], sizeof(c[3]));
		fmt_count(v[k].tx_bytes, true, c[4], sizeof(c[4]));
		fmt_count(v[k].rx_packets, false, c[5], sizeof(c[5]));
		fmt_count(v[k].rx_bytes, true, c[6], sizeof(c[6]));
		for (i = 0; i < 7; i++)
			row[i] = c[i];
		if (table_add(&t, row + off)) {
			ret = error("out of memory");
			break;
		}
	}
	if (!ret) {
		int r = table_print(&t, stdout);

		if (r == TABLE_BAD_COLUMNS)
			ret = EXIT_USAGE;
		else if (r)
			ret = error("cannot print the table: out of memory or write error");
	}
	table_free(&t);
	return ret;
}

static void put_route(struct nlmsghdr *nlh, const struct pn_prefix *p,
		      const struct pn_addr *via, bool with_len)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, PODNET_A_ROUTE);

	mnl_attr_put_u16(nlh, PODNET_ROUTE_A_FAMILY, p->addr.family);
	mnl_attr_put(nlh, PODNET_ROUTE_A_DST, pn_addr_len(&p->addr), p->addr.b);
	if (with_len)
		mnl_attr_put_u8(nlh, PODNET_ROUTE_A_DST_LEN, p->len);
	if (via)
		mnl_attr_put(nlh, PODNET_ROUTE_A_VIA, pn_addr_len(via), via->b);
	mnl_attr_nest_end(nlh, nest);
}

/* route add|replace|del|get|show|flush */

struct route_args {
	struct nl *nl;
	const char *prefix_arg, *via_arg, *dev;
	struct pn_prefix prefix;
	struct pn_addr via;
	unsigned int ifindex;
};

enum { NEED_PREFIX = 1, NEED_VIA = 2, ALLOW_VIA = 4, NEED_DEV = 8, ALLOW_PREFIX = 16 };

/* Check the arguments, then open the netlink socket. */
static int parse_route_args(struct nl *nl, const char *verb, int argc, char **argv,
			    unsigned int need, struct route_args *ra)
{
	char err[ERRBUF_LEN];
	int i;

	memset(ra, 0, sizeof(*ra));
	ra->nl = nl;
	for (i = 0; i < argc; i++) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "via") && (need & (NEED_VIA | ALLOW_VIA)))
			slot = &ra->via_arg;
		else if (!strcmp(argv[i], "dev"))
			slot = &ra->dev;
		if (slot) {
			if (*slot)
				return usage_error("route %s: '%s' given twice", verb, argv[i]);
			if (++i == argc)
				return usage_error("route %s: '%s' needs an argument",
						   verb, argv[i - 1]);
			*slot = argv[i];
		} else if ((need & (NEED_PREFIX | ALLOW_PREFIX)) && !ra->prefix_arg) {
			ra->prefix_arg = argv[i];
		} else {
			return usage_error("route %s: unexpected argument '%s'", verb, argv[i]);
		}
	}
	if ((need & NEED_PREFIX) && !ra->prefix_arg)
		return usage_error("route %s: missing PREFIX", verb);
	if ((need & NEED_VIA) && !ra->via_arg)
		return usage_error("route %s: missing 'via NODEADDR'", verb);
	if ((need & NEED_DEV) && !ra->dev)
		return usage_error("route %s: missing 'dev DEV'", verb);
	/* A value on the command line that does not parse is a usage error. */
	if ((ra->prefix_arg && parse_prefix(ra->prefix_arg, &ra->prefix, err, sizeof(err))) ||
	    (ra->via_arg && parse_addr(ra->via_arg, &ra->via, err, sizeof(err)))) {
		error("%s", err);
		return EXIT_USAGE;
	}
	if (ra->dev && get_dev(ra->dev, &ra->ifindex))
		return 1;
	return nl_open(ra->nl) ? 1 : 0;
}

static int route_change(struct nl *nl, const char *verb, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], p[PN_PREFIX_STRLEN];
	bool del = !strcmp(verb, "del");
	struct route_args ra;
	struct nlmsghdr *nlh;
	uint16_t flags;
	int ret;

	ret = parse_route_args(nl, verb, argc, argv,
			     NEED_PREFIX | NEED_DEV | (del ? ALLOW_VIA : NEED_VIA), &ra);
	if (ret)
		return ret;
	if (del)
		flags = 0;
	else if (!strcmp(verb, "add"))
		flags = NLM_F_CREATE | NLM_F_EXCL;
	else
		flags = NLM_F_CREATE | NLM_F_REPLACE;
	nlh = nl_msg(nl, buf, del ? PODNET_CMD_ROUTE_DEL : PODNET_CMD_ROUTE_NEW, flags);
	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ra.ifindex);
	put_route(nlh, &ra.prefix, ra.via_arg ? &ra.via : NULL, true);
	ret = nl_talk(nl, nlh, NULL, NULL);
	fmt_prefix(&ra.prefix, p, sizeof(p));
	if (ret == -EEXIST)
		return kernel_error_hint(nl, ret, "use 'route replace' to change it",
					 "%s: route %s %s", ra.dev, verb, p);
	if (ret == -ENOENT && !nl->extack[0])
		return error("%s: no route %s%s%s", ra.dev, p,
			     ra.via_arg ? " via " : "", ra.via_arg ? ra.via_arg : "");
	if (ret)
		return kernel_error(nl, ret, "%s: route %s %s", ra.dev, verb, p);
	return 0;
}

static int route_get(struct nl *nl, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_list l = { 0 };
	struct route_args ra;
	struct nlmsghdr *nlh;
	int ret;

	ret = parse_route_args(nl, "get", argc, argv, NEED_PREFIX | NEED_DEV, &ra);
	if (ret)
		return ret;
	nlh = nl_msg(nl, buf, PODNET_CMD_ROUTE_GET, 0);
	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ra.ifindex);
	/* A bare address asks what the data path would do with it. */
	put_route(nlh, &ra.prefix, NULL, !!strchr(ra.prefix_arg, '/'));
	ret = nl_talk(nl, nlh, route_list_cb, &l);
	if (ret == -ENOENT && !nl->extack[0])
		ret = error("%s: no route to %s", ra.dev, ra.prefix_arg);
	else if (ret)
		ret = kernel_error(nl, ret, "%s: route get %s", ra.dev, ra.prefix_arg);
	else
		ret = print_routes(l.v, l.n, false);
	free(l.v);
	return ret;
}

/*
 * route show [dev DEV], route save dev DEV: the whole table, as a table or
 * JSON, or (save) as the lines of a setconf FILE, so that
 * "podnetctl route save dev D > F; podnetctl setconf D F" restores it.
 */
static int route_show(struct nl *nl, const char *verb, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], p[PN_PREFIX_STRLEN], v[PN_PREFIX_STRLEN];
	bool save = !strcmp(verb, "save");
	struct route_list l = { 0 };
	struct route_args ra;
	struct nlmsghdr *nlh;
	int ret, tries = 0;
	size_t i;

	ret = parse_route_args(nl, verb, argc, argv, save ? NEED_DEV : 0, &ra);
	if (ret)
		return ret;
	/* A dump that saw the table change is worthless: start it over. */
	do {
		l.n = 0;
		nlh = nl_msg(nl, buf, PODNET_CMD_ROUTE_GET, NLM_F_DUMP);
		if (ra.dev)
			mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ra.ifindex);
		ret = nl_talk(nl, nlh, route_list_cb, &l);
	} while (ret == -EINTR && ++tries < 10);
	if (ret) {
		ret = kernel_error(nl, ret, "route %s%s%s", verb,
				   ra.dev ? " dev " : "", ra.dev ? ra.dev : "");
	} else if (save && !json) {
		l.n = filter_family(l.v, l.n);
		if (l.n > 1)
			qsort(l.v, l.n, sizeof(*l.v), route_cmp);
		printf("# podnetctl route save dev %s: %zu route%s\n", ra.dev,
		       l.n, l.n == 1 ? "" : "s");
		for (i = 0; i < l.n; i++)
			printf("route %s via %s\n",
			       fmt_prefix(&l.v[i].prefix, p, sizeof(p)),
			       fmt_addr(&l.v[i].via, v, sizeof(v)));
	} else {
		ret = print_routes(l.v, l.n, !ra.dev);
	}
	free(l.v);
	return ret;
}

static int route_flush(struct nl *nl, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_args ra;
	struct nlmsghdr *nlh;
	int ret;

	ret = parse_route_args(nl, "flush", argc, argv, NEED_DEV, &ra);
	if (ret)
		return ret;
	nlh = nl_msg(nl, buf, PODNET_CMD_ROUTE_FLUSH, 0);
	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ra.ifindex);
	if (family)
		mnl_attr_put_u16(nlh, PODNET_A_FAMILY, family);
	ret = nl_talk(nl, nlh, NULL, NULL);
	if (ret)
		return kernel_error(nl, ret, "%s: route flush", ra.dev);
	return 0;
}

static int cmd_route(struct nl *nl, int argc, char **argv)
{
	const char *verb = argc ? argv[0] : "show";

	if (argc) {
		argc--;
		argv++;
	}
	if (!strcmp(verb, "add") || !strcmp(verb, "replace"))
		return route_change(nl, verb, argc, argv);
	if (!strcmp(verb, "del") || !strcmp(verb, "delete"))
		return route_change(nl, "del", argc, argv);
	if (!strcmp(verb, "get"))
		return route_get(nl, argc, argv);
	if (!strcmp(verb, "show") || !strcmp(verb, "list") || !strcmp(verb, "ls"))
		return route_show(nl, "show", argc, argv);
	if (!strcmp(verb, "save"))
		return route_show(nl, "save", argc, argv);
	if (!strcmp(verb, "flush"))
		return route_flush(nl, argc, argv);
	return usage_error("route: unknown command '%s'", verb);
}

/* show [DEV] */

static const char *const drop_name[PODNET_DROP_A_MAX + 1] = {
	[PODNET_DROP_A_NO_ROUTE] = "no_route",
	[PODNET_DROP_A_UNDERLAY] = "underlay",
	[PODNET_DROP_A_TOO_BIG] = "too_big",
	[PODNET_DROP_A_TX_INVALID] = "tx_invalid",
	[PODNET_DROP_A_BAD_VERSION] = "bad_version",
	[PODNET_DROP_A_CRITICAL_OPTION] = "critical_option",
	[PODNET_DROP_A_UNKNOWN_VNI] = "unknown_vni",
	[PODNET_DROP_A_UNKNOWN_PROTO] = "unknown_proto",
	[PODNET_DROP_A_MALFORMED] = "malformed",
	[PODNET_DROP_A_SPOOFED_SOURCE] = "spoofed_source",
	[PODNET_DROP_A_OAM] = "oam",
	[PODNET_DROP_A_ECN] = "ecn",
	[PODNET_DROP_A_DOWN] = "down",
};

#define MAX_DROPS 64

struct device {
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t vni, route_count, generation, max_routes, peer_count;
	uint16_t port;
	bool have_local, have_local6;
	struct pn_addr local, local6;
	uint8_t ttl, tos, df, udp_csum, zcsum6_tx, zcsum6_rx;
	bool have_drop[MAX_DROPS];
	uint64_t drop[MAX_DROPS];
};

struct device_list {
	struct device *v;
	size_t n, cap;
};

static uint8_t u8_attr(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U8) ? 0 : mnl_attr_get_u8(a);
}

static uint32_t u32_attr(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U32) ? 0 : mnl_attr_get_u32(a);
}

static int drop_attr_cb(const struct nlattr *a, void *data)
{
	struct device *d = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type != PODNET_DROP_A_PAD && type < MAX_DROPS &&
	    !mnl_attr_validate(a, MNL_TYPE_U64)) {
		d->drop[type] = mnl_attr_get_u64(a);
		d->have_drop[type] = true;
	}
	return MNL_CB_OK;
}

static int device_attr_cb(const struct nlattr *a, void *data)
{
	struct device *d = data;
	bool ok = false;

	switch (mnl_attr_get_type(a)) {
	case PODNET_A_IFINDEX:
		d->ifindex = u32_attr(a);
		break;
	case PODNET_A_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(d->ifname, sizeof(d->ifname), "%s", mnl_attr_get_str(a));
		break;
	case PODNET_A_VNI:
		d->vni = u32_attr(a);
		break;
	case PODNET_A_PORT:
		if (!mnl_attr_validate(a, MNL_TYPE_U16))
			d->port = ntohs(mnl_attr_get_u16(a));
		break;
	case PODNET_A_LOCAL:
		get_addr_attr(a, &d->local, &ok);
		d->have_local = ok && d->local.family == AF_INET;
		break;
	case PODNET_A_LOCAL6:
		get_addr_attr(a, &d->local6, &ok);
		d->have_local6 = ok && d->local6.family == AF_INET6;
		break;
	case PODNET_A_TTL:
		d->ttl = u8_attr(a);
		break;
	case PODNET_A_TOS:
		d->tos = u8_attr(a);
		break;
	case PODNET_A_DF:
		d->df = u8_attr(a);
		break;
	case PODNET_A_UDP_CSUM:
		d->udp_csum = u8_attr(a);
		break;
	case PODNET_A_UDP_ZERO_CSUM6_TX:
		d->zcsum6_tx = u8_attr(a);
		break;
	case PODNET_A_UDP_ZERO_CSUM6_RX:
		d->zcsum6_rx = u8_attr(a);
		break;
	case PODNET_A_ROUTE_COUNT:
		d->route_count = u32_attr(a);
		break;
	case PODNET_A_GENERATION:
		d->generation = u32_attr(a);
		break;
	case PODNET_A_MAX_ROUTES:
		d->max_routes = u32_attr(a);
		break;
	case PODNET_A_PEER_COUNT:
		d->peer_count = u32_attr(a);
		break;
	case PODNET_A_DROPS:
		return mnl_attr_parse_nested(a, drop_attr_cb, d);
	}
	return MNL_CB_OK;
}

static int device_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct device_list *l = data;
	struct device *d;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;

		d = realloc(l->v, cap * sizeof(*d));
		if (!d) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = d;
		l->cap = cap;
	}
	d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), device_attr_cb, d);
}

static const char *drop_label(unsigned int i, char *buf, size_t len)
{
	if (i <= PODNET_DROP_A_MAX && drop_name[i])
		return drop_name[i];
	snprintf(buf, len, "drop_%u", i);	/* from a newer kernel */
	return buf;
}

static const char *tos_str(uint8_t tos, char *buf, size_t len)
{
	if (tos == PODNET_TOS_INHERIT)
		return "inherit";
	snprintf(buf, len, "0x%02x", tos);
	return buf;
}

static const char *df_str(uint8_t df)
{
	static const char *const s[] = { "unset", "set", "inherit" };

	return df < 3 ? s[df] : "?";
}

static void print_device_json(struct json *j, const struct device *d,
			      const struct link_info *li)
{
	char a[PN_PREFIX_STRLEN], b[16];
	unsigned int i;

	json_obj_open(j, NULL);
	json_str(j, "ifname", d->ifname);
	json_u64(j, "ifindex", d->ifindex);
	json_u64(j, "vni", d->vni);
	json_u64(j, "port", d->port);
	if (d->have_local)
		json_str(j, "local", fmt_addr(&d->local, a, sizeof(a)));
	if (d->have_local6)
		json_str(j, "local6", fmt_addr(&d->local6, a, sizeof(a)));
	json_u64(j, "ttl", d->ttl);
	json_str(j, "tos", tos_str(d->tos, b, sizeof(b)));
	json_str(j, "df", df_str(d->df));
	json_bool(j, "udp_csum", d->udp_csum);
	json_bool(j, "udp_zero_csum6_tx", d->zcsum6_tx);
	json_bool(j, "udp_zero_csum6_rx", d->zcsum6_rx);
	json_u64(j, "routes", d->route_count);
	json_u64(j, "generation", d->generation);
	if (d->max_routes) {	/* not from kernels before the limit */
		json_u64(j, "max_routes", d->max_routes);
		json_u64(j, "peers", d->peer_count);
	}
	if (li->have_stats) {
		json_obj_open(j, "stats");
		json_u64(j, "rx_packets", li->stats.rx_packets);
		json_u64(j, "rx_bytes", li->stats.rx_bytes);
		json_u64(j, "rx_dropped", li->stats.rx_dropped);
		json_u64(j, "tx_packets", li->stats.tx_packets);
		json_u64(j, "tx_bytes", li->stats.tx_bytes);
		json_u64(j, "tx_dropped", li->stats.tx_dropped);
		json_obj_close(j);
	}
	json_obj_open(j, "drops");
	for (i = 0; i < MAX_DROPS; i++)
		if (d->have_drop[i])
			json_u64(j, drop_label(i, a, sizeof(a)), d->drop[i]);
	json_obj_close(j);
	json_obj_close(j);
}

#define KV "  %-18s "

static void print_device(const struct device *d, const struct link_info *li)
{
	char a[PN_PREFIX_STRLEN], b[PN_PREFIX_STRLEN + 2], c[32];
	unsigned int i;

	printf("%s:\n", d->ifname);
	printf(KV "%u\n", "vni:", d->vni);
	printf(KV "%u\n", "port:", d->port);
	if (d->have_local)
		printf(KV "%s\n", "local:", fmt_addr(&d->local, a, sizeof(a)));
	if (d->have_local6)
		printf(KV "%s\n", "local6:", fmt_addr(&d->local6, a, sizeof(a)));
	if (d->ttl)
		printf(KV "%u\n", "ttl:", d->ttl);
	else
		printf(KV "%s\n", "ttl:", "auto");
	printf(KV "%s\n", "tos:", tos_str(d->tos, b, sizeof(b)));
	printf(KV "%s\n", "df:", df_str(d->df));
	printf(KV "%s\n", "udpcsum:", d->udp_csum ? "on" : "off");
	printf(KV "%s\n", "udp6zerocsumtx:", d->zcsum6_tx ? "on" : "off");
	printf(KV "%s\n", "udp6zerocsumrx:", d->zcsum6_rx ? "on" : "off");
	printf(KV "%u\n", "routes:", d->route_count);
	if (d->max_routes) {
		printf(KV "%u\n", "maxroutes:", d->max_routes);
		printf(KV "%u\n", "peers:", d->peer_count);
	}
	printf(KV "%u\n", "generation:", d->generation);
	if (li->have_stats) {
		printf(KV "%s packets, %s bytes, %llu dropped\n", "rx:",
		       fmt_count(li->stats.rx_packets, false, b, sizeof(b)),
		       fmt_count(li->stats.rx_bytes, true, c, sizeof(c)),
		       li->stats.rx_dropped);
		printf(KV "%s packets, %s bytes, %llu dropped\n", "tx:",
		       fmt_count(li->stats.tx_packets, false, b, sizeof(b)),
		       fmt_count(li->stats.tx_bytes, true, c, sizeof(c)),
		       li->stats.tx_dropped);
	}
	printf("  drops:\n");
	for (i = 0; i < MAX_DROPS; i++) {
		if (!d->have_drop[i])
			continue;
		snprintf(b, sizeof(b), "%s:", drop_label(i, a, sizeof(a)));
		printf("  " KV "%" PRIu64 "\n", b, d->drop[i]);
	}
}

static int dev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct device *)a)->ifname,
		      ((const struct device *)b)->ifname);
}

/*
 * show [DEV] and metrics [DEV]: check the arguments, then get DEV (or
 * every podnet device) into @l, sorted by name.  0, or the exit status
 * after saying why not.
 */
static int get_devices(struct nl *nl, const char *verb, int argc, char **argv,
		       struct device_list *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned int ifindex = 0;
	int ret;

	if (argc > 1)
		return usage_error("%s: unexpected argument '%s'", verb, argv[1]);
	if ((argc && get_dev(argv[0], &ifindex)) || nl_open(nl))
		return 1;
	nlh = nl_msg(nl, buf, PODNET_CMD_GET_DEVICE, argc ? 0 : NLM_F_DUMP);
	if (argc)
		mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ifindex);
	ret = nl_talk(nl, nlh, device_list_cb, l);
	if (ret)
		return kernel_error(nl, ret, "%s%s%s", verb, argc ? " " : "",
				    argc ? argv[0] : "");
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), dev_cmp);
	return 0;
}

static int cmd_show(struct nl *nl, int argc, char **argv)
{
	struct device_list l = { 0 };
	struct link_info li;
	struct json j;
	size_t i;
	int ret;

	ret = get_devices(nl, "show", argc, argv, &l);
	if (ret)
		goto out;
	if (json) {
		json_init(&j, stdout, pretty);
		json_arr_open(&j, NULL);
	}
	for (i = 0; i < l.n; i++) {
		/* Interface counters live in rtnetlink, not in the family. */
		if (link_get(NULL, l.v[i].ifindex, &li))
			memset(&li, 0, sizeof(li));
		if (json) {
			print_device_json(&j, &l.v[i], &li);
		} else {
			if (i)
				putchar('\n');
			print_device(&l.v[i], &li);
		}
	}
	if (json)
		ret = json_done(&j);
out:
	free(l.v);
	return ret;
}

/*
 * metrics [DEV]: the devices' state and counters in the Prometheus text
 * format, for node_exporter's textfile collector (podnetctl(8)).  The
 * interface counters are left to node_exporter's own netdev collector.
 */
static int via_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;
	int c = strcmp(x->ifname, y->ifname);

	if (c)
		return c;
	if (x->via.family != y->via.family)
		return x->via.family - y->via.family;
	return memcmp(x->via.b, y->via.b, 16);
}

static void metrics_dev(const struct device_list *l, const char *name,
			const char *type, const char *help, int what)
{
	char v[32];
	size_t i;

	prom_family(stdout, name, type, help);
	for (i = 0; i < l->n; i++) {
		const struct device *d = &l->v[i];
		const char *lab[] = { "dev", d->ifname, NULL, NULL, NULL };
		unsigned int k;

		switch (what) {
		case 0:
			prom_sample(stdout, name, lab, d->route_count);
			break;
		case 1:
			if (d->max_routes)
				prom_sample(stdout, name, lab, d->max_routes);
			break;
		case 2:
			if (d->max_routes)
				prom_sample(stdout, name, lab, d->peer_count);
			break;
		case 3:
			prom_sample(stdout, name, lab, d->generation);
			break;
		case 4:
			lab[2] = "reason";
			for (k = 0; k < MAX_DROPS; k++) {
				if (!d->have_drop[k])
					continue;
				lab[3] = drop_label(k, v, sizeof(v));
				prom_sample(stdout, name, lab, d->drop[k]);
			}
			break;
		}
	}
}

static void metrics_node(const struct route_list *r, const char *name,
			 const char *help, int what)
{
	char a[PN_PREFIX_STRLEN];
	size_t i;

	prom_family(stdout, name, "counter", help);
	for (i = 0; i < r->n; i++) {
		const struct route *x = &r->v[i];
		const char *lab[] = { "dev", x->ifname,
				      "node", fmt_addr(&x->via, a, sizeof(a)), NULL };
		const uint64_t val[] = { x->tx_packets, x->tx_bytes,
					 x->rx_packets, x->rx_bytes };

		/* Counters are per node: one sample per (device, node). */
		if (i && !via_cmp(x, x - 1))
			continue;
		prom_sample(stdout, name, lab, val[what]);
	}
}

static int cmd_metrics(struct nl *nl, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct device_list l = { 0 };
	struct route_list r = { 0 };
	struct nlmsghdr *nlh;
	int ret, tries = 0;

	ret = get_devices(nl, "metrics", argc, argv, &l);
	if (ret)
		goto out;
	if (argc && !l.n) {		/* gone since get_dev() */
		ret = error("%s: no such device", argv[0]);
		goto out;
	}
	do {
		r.n = 0;
		nlh = nl_msg(nl, buf, PODNET_CMD_ROUTE_GET, NLM_F_DUMP);
		if (argc)
			mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, l.v[0].ifindex);
		ret = nl_talk(nl, nlh, route_list_cb, &r);
	} while (ret == -EINTR && ++tries < 10);
	if (ret) {
		ret = kernel_error(nl, ret, "metrics");
		goto out;
	}
	if (r.n > 1)
		qsort(r.v, r.n, sizeof(*r.v), via_cmp);
	metrics_dev(&l, "podnet_routes", "gauge", "Routes in the podnet table of the device.", 0);
	metrics_dev(&l, "podnet_max_routes", "gauge", "Route limit of the device.", 1);
	metrics_dev(&l, "podnet_nodes", "gauge",
		    "Distinct nodes (via addresses) the device's routes lead to.", 2);
	metrics_dev(&l, "podnet_table_generation", "gauge",
		    "Generation of the route table; changes with every change.", 3);
	metrics_dev(&l, "podnet_drops_total", "counter", "Packets dropped, by reason.", 4);
	metrics_node(&r, "podnet_node_transmit_packets_total",
		     "Packets sent to the node.", 0);
	metrics_node(&r, "podnet_node_transmit_bytes_total",
		     "Bytes sent to the node.", 1);
	metrics_node(&r, "podnet_node_receive_packets_total",
		     "Packets received from the node.", 2);
	metrics_node(&r, "podnet_node_receive_bytes_total",
		     "Bytes received from the node.", 3);
out:
	free(l.v);
	free(r.v);
	return ret;
}

/* An empty or cut-off file must not silently empty the table. */
static int no_routes(const char *name, const char *dev)
{
	return error("%s: no routes: %s would delete every route of %s (use 'setconf --allow-empty' to mean that)",
		     name, dev ? "this" : "setconf", dev ? dev : "the device");
}

/*
 * setconf --check FILE: parse and validate FILE exactly as setconf does
 * (an empty file only with --allow-empty), send nothing, print its routes
 * in canonical form (the form show prints), in file order.  No device and
 * no privilege needed.
 */
static int setconf_check(int argc, char **argv, bool allow_empty)
{
	char err[ERRBUF_LEN], p[PN_PREFIX_STRLEN], v[PN_PREFIX_STRLEN];
	struct pn_routes rs = { 0 };
	const char *name;
	FILE *f = stdin;
	struct json j;
	size_t i;
	int ret = 0;

	if (argc != 1)
		return usage_error("setconf --check: expected FILE");
	name = strcmp(argv[0], "-") ? argv[0] : "<stdin>";
	if (strcmp(argv[0], "-")) {
		f = fopen(argv[0], "r");
		if (!f)
			return error("%s: %s", argv[0], strerror(errno));
	}
	if (conf_parse(f, name, &rs, err, sizeof(err))) {
		ret = error("%s", err);
		goto out;
	}
	if (!rs.n && !allow_empty) {
		ret = no_routes(name, NULL);
		goto out;
	}
	if (json) {
		json_init(&j, stdout, pretty);
		json_arr_open(&j, NULL);
	}
	for (i = 0; i < rs.n; i++) {
		fmt_prefix(&rs.v[i].prefix, p, sizeof(p));
		fmt_addr(&rs.v[i].via, v, sizeof(v));
		if (json) {
			json_obj_open(&j, NULL);
			json_u64(&j, "line", rs.v[i].line);
			json_str(&j, "dst", p);
			json_str(&j, "gateway", v);
			json_obj_close(&j);
		} else {
			printf("route %s via %s\n", p, v);
		}
	}
	if (json)
		ret = json_done(&j);
out:
	if (f != stdin)
		fclose(f);
	routes_free(&rs);
	return ret;
}

/* setconf DEV FILE */

/*
 * Routes per message of a setconf: a table that fits in one is sent as one
 * PODNET_CMD_ROUTE_SET (as podnetctl always did), a larger one in a route
 * set transaction of chunks this size (about 230 KiB each).
 */
#define SETCONF_CHUNK	4096

struct setconf {
	struct nl *nl;
	const char *dev, *name;
	unsigned int ifindex;
	const struct pn_routes *rs;
	void *buf;
	uint32_t *offs;
};

/*
 * Send routes [from, to) of the file in one message of command cmd
 * (ROUTE_SET or ROUTE_SET_APPEND, the chunk-th of a transaction).  On
 * failure report it, naming the file's line if the kernel pointed at one
 * route, and return non-zero.
 */
static int setconf_send(struct setconf *sc, uint8_t cmd, size_t from,
			size_t to, size_t chunk)
{
	char p[PN_PREFIX_STRLEN], where[64] = "";
	const struct pn_route *v = sc->rs->v;
	struct nlmsghdr *nlh;
	size_t i;
	int ret;

	nlh = nl_msg(sc->nl, sc->buf, cmd, 0);
	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, sc->ifindex);
	for (i = from; i < to; i++) {
		sc->offs[i - from] = nlh->nlmsg_len;
		put_route(nlh, &v[i].prefix, &v[i].via, true);
	}
	sc->offs[to - from] = nlh->nlmsg_len;
	ret = nl_talk(sc->nl, nlh, NULL, NULL);
	if (!ret)
		return 0;
	if (cmd == PODNET_CMD_ROUTE_SET_APPEND)
		snprintf(where, sizeof(where), " (chunk %zu, routes %zu-%zu)",
			 chunk, from + 1, to);
	/* If the kernel pointed at one route, name its line. */
	for (i = 0; sc->nl->extack_off && i < to - from; i++) {
		if (sc->nl->extack_off >= sc->offs[i] &&
		    sc->nl->extack_off < sc->offs[i + 1])
			return kernel_error(sc->nl, ret, "%s:%u: route %s%s", sc->name,
					    v[from + i].line,
					    fmt_prefix(&v[from + i].prefix, p, sizeof(p)),
					    where);
	}
	return kernel_error(sc->nl, ret, "%s: setconf from %s%s", sc->dev,
			    sc->name, where);
}

/*
 * A table of any size in one transaction: BEGIN, APPEND chunks, COMMIT.
 * A failed chunk has aborted the transaction in the kernel already, and
 * if this process dies the kernel aborts it when the socket closes.
 * Returns -EOPNOTSUPP, having printed nothing, if the kernel has no
 * transactions (a podnet module older than podnetctl), else 0 or 1.
 */
static int setconf_txn(struct setconf *sc)
{
	size_t n = sc->rs->n, from, chunk = 0;
	struct nlmsghdr *nlh;
	int ret;

	nlh = nl_msg(sc->nl, sc->buf, PODNET_CMD_ROUTE_SET_BEGIN, 0);
	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, sc->ifindex);
	ret = nl_talk(sc->nl, nlh, NULL, NULL);
	if (ret == -EOPNOTSUPP)
		return ret;
	if (ret)
		return kernel_error(sc->nl, ret, "%s: setconf from %s", sc->dev,
				    sc->name);
	for (from = 0; from < n; from += SETCONF_CHUNK) {
		size_t to = from + SETCONF_CHUNK < n ? from + SETCONF_CHUNK : n;

		if (setconf_send(sc, PODNET_CMD_ROUTE_SET_APPEND, from, to, ++chunk))
			return 1;
	}
	nlh = nl_msg(sc->nl, sc->buf, PODNET_CMD_ROUTE_SET_COMMIT, 0);
	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, sc->ifindex);
	ret = nl_talk(sc->nl, nlh, NULL, NULL);
	if (ret)
		return kernel_error(sc->nl, ret, "%s: setconf from %s: commit",
				    sc->dev, sc->name);
	return 0;
}

static int cmd_setconf(struct nl *nl, int argc, char **argv)
{
	char err[ERRBUF_LEN];
	struct pn_routes rs = { 0 };
	struct setconf sc = { .nl = nl, .rs = &rs };
	size_t len, per_msg;
	bool allow_empty = false, check = false;
	FILE *f;
	int ret = 1;

	for (; argc; argc--, argv++) {
		if (!strcmp(argv[0], "--check"))
			check = true;
		else if (!strcmp(argv[0], "--allow-empty"))
			allow_empty = true;
		else
			break;
	}
	if (check)
		return setconf_check(argc, argv, allow_empty);
	if (argc != 2)
		return usage_error("setconf: expected [--allow-empty] DEV FILE");
	sc.dev = argv[0];
	if (!strcmp(argv[1], "-")) {
		f = stdin;
		sc.name = "<stdin>";
	} else {
		f = fopen(argv[1], "r");
		sc.name = argv[1];
		if (!f)
			return error("%s: %s", argv[1], strerror(errno));
	}
	/* The file first: its errors do not depend on the device. */
	if (conf_parse(f, sc.name, &rs, err, sizeof(err))) {
		error("%s", err);
		goto out;
	}
	if (!rs.n && !allow_empty) {
		no_routes(sc.name, argv[0]);
		goto out;
	}
	if (get_dev(argv[0], &sc.ifindex) || nl_open(nl))
		goto out;

	per_msg = rs.n > SETCONF_CHUNK ? SETCONF_CHUNK : rs.n;
	len = MNL_SOCKET_BUFFER_SIZE + per_msg * 64;
	sc.buf = malloc(len);
	sc.offs = malloc((per_msg + 1) * sizeof(*sc.offs));
	if (!sc.buf || !sc.offs) {
		error("out of memory");
		goto out;
	}
	if (rs.n > SETCONF_CHUNK) {
		ret = setconf_txn(&sc);
		if (ret != -EOPNOTSUPP)
			goto out;
		/* A module without transactions: the whole table at once. */
		free(sc.buf);
		free(sc.offs);
		len = MNL_SOCKET_BUFFER_SIZE + rs.n * 64;
		sc.buf = malloc(len);
		sc.offs = malloc((rs.n + 1) * sizeof(*sc.offs));
		if (!sc.buf || !sc.offs) {
			ret = error("out of memory");
			goto out;
		}
	}
	/* One message, so that the kernel swaps the whole table at once. */
	ret = setconf_send(&sc, PODNET_CMD_ROUTE_SET, 0, rs.n, 0);
out:
	if (f != stdin)
		fclose(f);
	routes_free(&rs);
	free(sc.offs);
	free(sc.buf);
	return ret;
}

/*
 * parse addr|prefix|ifaddr VALUE...: each VALUE checked as podnetctl reads
 * it and printed in canonical form, one a line, so that scripts validate
 * and compare values with the same parser (podnet-up(8)).  -j prints a
 * JSON array of strings.  The first invalid VALUE stops it with status 1.
 */
static int cmd_parse(int argc, char **argv)
{
	char err[ERRBUF_LEN], buf[PN_PREFIX_STRLEN];
	struct pn_prefix p;
	struct json j;
	int i;

	if (argc < 1 || (strcmp(argv[0], "addr") && strcmp(argv[0], "prefix") &&
			 strcmp(argv[0], "ifaddr")))
		return usage_error("parse: expected addr, prefix or ifaddr");
	if (json) {
		json_init(&j, stdout, pretty);
		json_arr_open(&j, NULL);
	}
	for (i = 1; i < argc; i++) {
		memset(&p, 0, sizeof(p));
		if (argv[0][0] == 'a') {
			if (parse_addr(argv[i], &p.addr, err, sizeof(err)))
				goto bad;
			fmt_addr(&p.addr, buf, sizeof(buf));
		} else {
			if (argv[0][0] == 'p' ? parse_prefix(argv[i], &p, err, sizeof(err)) :
			    parse_ifaddr(argv[i], &p, err, sizeof(err)))
				goto bad;
			fmt_prefix(&p, buf, sizeof(buf));
		}
		if (json)
			json_str(&j, NULL, buf);
		else
			puts(buf);
	}
	return json ? json_done(&j) : 0;
bad:
	if (json)
		json_discard(&j);
	return error("%s", err);
}

/* monitor */

static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const event[] = {
		[PODNET_CMD_ROUTE_NEW] = "new",
		[PODNET_CMD_ROUTE_DEL] = "del",
		[PODNET_CMD_ROUTE_FLUSH] = "flush",
		[PODNET_CMD_ROUTE_SET] = "set",
	};
	char p[PN_PREFIX_STRLEN], v[PN_PREFIX_STRLEN];
	const char *ev;
	struct json j;
	struct msg m;

	(void)data;
	if (parse_msg(nlh, &m) < 0)
		return MNL_CB_ERROR;
	if (m.cmd >= sizeof(event) / sizeof(event[0]) || !event[m.cmd])
		return MNL_CB_OK;
	if (family && m.have_route && m.route.prefix.addr.family != family)
		return MNL_CB_OK;
	ev = event[m.cmd];
	fmt_prefix(&m.route.prefix, p, sizeof(p));
	fmt_addr(&m.route.via, v, sizeof(v));

	if (json) {
		json_init(&j, stdout, pretty);
		json_obj_open(&j, NULL);
		json_str(&j, "event", ev);
		json_str(&j, "dev", m.ifname);
		json_u64(&j, "ifindex", m.ifindex);
		if (m.have_route)
			json_str(&j, "dst", p);
		if (m.have_via)
			json_str(&j, "gateway", v);
		if (!m.have_route) {
			json_u64(&j, "routes", m.route_count);
			json_u64(&j, "generation", m.generation);
		}
		if (json_done(&j))
			return MNL_CB_ERROR;
	} else if (m.have_route) {
		printf("%s route %s%s%s dev %s\n", ev, p,
		       m.have_via ? " via " : "", m.have_via ? v : "", m.ifname);
	} else {
		printf("%s dev %s routes %u generation %u\n", ev, m.ifname,
		       m.route_count, m.generation);
	}
	fflush(stdout);
	return MNL_CB_OK;
}

static int cmd_monitor(struct nl *nl, int argc, char **argv)
{
	int ret;

	if (argc)
		return usage_error("monitor: unexpected argument '%s'", argv[0]);
	if (nl_open(nl))
		return 1;
	ret = nl_monitor(nl, monitor_cb, NULL);
	if (ret == -ENOENT)
		return error("monitor: the kernel offers no '%s' multicast group",
			     PODNET_MCGRP_ROUTES);
	return error("monitor: %s", strerror(-ret));
}

/* -n NAME: enter the network namespace "ip netns add NAME" made. */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return usage_error("invalid network namespace name '%s'", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("network namespace '%s': %s", name, strerror(errno));
	if (setns(fd, CLONE_NEWNET)) {
		error("network namespace '%s': %s", name, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_HELP = 256, OPT_OUTPUT, OPT_NOHEADINGS, OPT_RAW, OPT_PAIRS };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "human", no_argument, NULL, 'h' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "noheadings", no_argument, NULL, OPT_NOHEADINGS },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "pairs", no_argument, NULL, OPT_PAIRS },
		{ NULL, 0, NULL, 0 },
	};
	const char *obj, *netns = NULL;
	struct nl nl;
	int c, ret;

	/* '+': options end at the object, as with ip(8). */
	while ((c = getopt_long(argc, argv, "+jphHn:V46", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'h':	/* as ip -h; -H is the older spelling */
		case 'H':
			human = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'V':
			puts("podnetctl " PODNETCTL_VERSION);
			return 0;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		case OPT_OUTPUT:
			if (!*optarg || !strcmp(optarg, "+"))
				return usage_error("--output: no column given");
			table_opts.columns = optarg;
			break;
		case OPT_NOHEADINGS:
			table_opts.noheadings = true;
			break;
		case OPT_RAW:
			table_opts.mode = TABLE_RAW;
			break;
		case OPT_PAIRS:
			table_opts.mode = TABLE_PAIRS;
			break;
		default:
			fputs("Try 'podnetctl --help' for more information.\n", stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (table_opts_check(json))
		return usage_error("--output, --noheadings, --raw and --pairs shape tables; they do not apply to -j");
	/* route show prints the only table: its columns are known now. */
	if (table_columns_valid(7, route_head))
		return EXIT_USAGE;
	if (!argc)
		return usage_error("missing OBJECT (route, show, setconf, parse, monitor or metrics)");
	obj = argv[0];
	argc--;
	argv++;
	if (!strcmp(obj, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(obj, "route") && strcmp(obj, "show") && strcmp(obj, "setconf") &&
	    strcmp(obj, "parse") && strcmp(obj, "monitor") && strcmp(obj, "metrics"))
		return usage_error("unknown object '%s'", obj);
	if (netns) {
		ret = enter_netns(netns);
		if (ret)
			return ret;
	}

	memset(&nl, 0, sizeof(nl));
	if (!strcmp(obj, "route"))
		ret = cmd_route(&nl, argc, argv);
	else if (!strcmp(obj, "show"))
		ret = cmd_show(&nl, argc, argv);
	else if (!strcmp(obj, "setconf"))
		ret = cmd_setconf(&nl, argc, argv);
	else if (!strcmp(obj, "parse"))
		ret = cmd_parse(argc, argv);
	else if (!strcmp(obj, "metrics"))
		ret = cmd_metrics(&nl, argc, argv);
	else
		ret = cmd_monitor(&nl, argc, argv);
	nl_close(&nl);
	if (fflush(stdout) || ferror(stdout))
		ret = error("write error on standard output");
	return ret;
}
