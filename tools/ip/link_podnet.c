// SPDX-License-Identifier: GPL-2.0
/*
 * link_podnet.so: iproute2 link plugin for podnet devices.
 *
 *   ip link add podnet0 type podnet vni 42 [port 6081] [local ADDR] ...
 *   ip -d link show podnet0
 *   ip link help podnet
 *
 * ip(8) dlopen()s $IP_LIB_DIR/link_<kind>.so and looks up <kind>_link_util.
 * The plugin is built outside iproute2's tree; iproute2.h repeats the few
 * iproute2 declarations it needs.  ip is linked with -export-dynamic,
 * which is what lets us call into it.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/podnet.h>

#include "iproute2.h"

/* Room left in ip's request buffer for IFLA_INFO_DATA (as other plugins use). */
#define MAXLEN 1024

static void print_explain(FILE *f)
{
	fprintf(f,
		"Usage: ... podnet vni VNI\n"
		"		[ port PORT ]\n"
		"		[ local ADDR ]\n"
		"		[ ttl TTL ]\n"
		"		[ tos TOS ]\n"
		"		[ df DF ]\n"
		"		[ maxroutes N ]\n"
		"		[ [no]udpcsum ]\n"
		"		[ [no]udp6zerocsumtx ]\n"
		"		[ [no]udp6zerocsumrx ]\n"
		"\n"
		"Where:	VNI   := 0-16777215 (required when the device is created)\n"
		"	PORT  := 1-65535, UDP port to listen on and send to (default %u)\n"
		"	ADDR  := local underlay IPv4 or IPv6 address; may be given once\n"
		"	         per family (default: listen on both wildcard addresses)\n"
		"	TTL   := { 1..255 | auto } (default %u)\n"
		"	TOS   := { NUMBER | inherit } (default inherit)\n"
		"	DF    := { unset | set | inherit } (default unset)\n"
		"	N     := 1-%u, most routes the device may hold (default %u)\n"
		"\n"
		"Only ttl, tos, df, maxroutes, udpcsum and udp6zerocsumtx can be changed later\n"
		"with 'ip link set DEV type podnet ...'.  Routes are set with podnetctl(8).\n",
		PODNET_DEFAULT_PORT, PODNET_DEFAULT_TTL, PODNET_MAX_ROUTES_LIMIT,
		PODNET_DEFAULT_MAX_ROUTES);
}

/* On/off attributes, set by WORD and cleared by noWORD. */
static const struct flag {
	const char *word, *json_key;
	int type;
} flags[] = {
	{ "udpcsum", "udp_csum", IFLA_PODNET_UDP_CSUM },
	{ "udp6zerocsumtx", "udp_zero_csum6_tx", IFLA_PODNET_UDP_ZERO_CSUM6_TX },
	{ "udp6zerocsumrx", "udp_zero_csum6_rx", IFLA_PODNET_UDP_ZERO_CSUM6_RX },
};

static const struct flag *parse_flag(const char *arg, bool *on)
{
	unsigned int i;

	*on = strncmp(arg, "no", 2);
	if (!*on)
		arg += 2;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(arg, flags[i].word))
			return &flags[i];
	return NULL;
}

static void once(uint32_t *seen, int type, const char *key, const char *arg)
{
	if (*seen & (1u << type))
		duparg2(key, arg);
	*seen |= 1u << type;
}

static int podnet_parse_opt(struct link_util *lu, int argc, char **argv,
			    struct nlmsghdr *n)
{
	bool create = n->nlmsg_type == RTM_NEWLINK && (n->nlmsg_flags & NLM_F_CREATE);
	const struct flag *flag;
	uint32_t seen = 0;
	bool on;

	(void)lu;
	while (argc > 0) {
		const char *key = *argv;

		if (!strcmp(key, "vni") || !strcmp(key, "id")) {
			unsigned long v;
			char *end;

			NEXT_ARG();
			once(&seen, IFLA_PODNET_VNI, key, *argv);
			v = strtoul(*argv, &end, 0);
			if (!*argv[0] || *end || *argv[0] == '-' || v > PODNET_VNI_MAX)
				invarg("vni must be 0-16777215", *argv);
			addattr32(n, MAXLEN, IFLA_PODNET_VNI, v);
		} else if (!strcmp(key, "port") || !strcmp(key, "dstport")) {
			unsigned long v;
			char *end;

			NEXT_ARG();
			once(&seen, IFLA_PODNET_PORT, key, *argv);
			v = strtoul(*argv, &end, 0);
			if (!*argv[0] || *end || *argv[0] == '-' || !v || v > 65535)
				invarg("port must be 1-65535", *argv);
			addattr16(n, MAXLEN, IFLA_PODNET_PORT, htons(v));
		} else if (!strcmp(key, "local")) {
			struct in6_addr a6;
			struct in_addr a4;

			NEXT_ARG();
			if (inet_pton(AF_INET, *argv, &a4) == 1) {
				once(&seen, IFLA_PODNET_LOCAL, key, *argv);
				addattr_l(n, MAXLEN, IFLA_PODNET_LOCAL, &a4, sizeof(a4));
			} else if (inet_pton(AF_INET6, *argv, &a6) == 1) {
				once(&seen, IFLA_PODNET_LOCAL6, key, *argv);
				addattr_l(n, MAXLEN, IFLA_PODNET_LOCAL6, &a6, sizeof(a6));
			} else {
				invarg("local must be an IPv4 or IPv6 address", *argv);
			}
		} else if (!strcmp(key, "ttl") || !strcmp(key, "hoplimit")) {
			unsigned long v = 0;
			char *end;

			NEXT_ARG();
			once(&seen, IFLA_PODNET_TTL, key, *argv);
			if (strcmp(*argv, "auto")) {
				v = strtoul(*argv, &end, 0);
				if (!*argv[0] || *end || *argv[0] == '-' || v > 255)
					invarg("ttl must be 1-255 or \"auto\"", *argv);
			}
			addattr8(n, MAXLEN, IFLA_PODNET_TTL, v);
		} else if (!strcmp(key, "tos") || !strcmp(key, "dsfield")) {
			uint32_t v = PODNET_TOS_INHERIT;

			NEXT_ARG();
			once(&seen, IFLA_PODNET_TOS, key, *argv);
			if (strcmp(*argv, "inherit") &&
			    (rtnl_dsfield_a2n(&v, *argv) || v > 255))
				invarg("tos must be a number 0-255 or \"inherit\"", *argv);
			addattr8(n, MAXLEN, IFLA_PODNET_TOS, v);
		} else if (!strcmp(key, "df")) {
			uint8_t df;

			NEXT_ARG();
			once(&seen, IFLA_PODNET_DF, key, *argv);
			if (!strcmp(*argv, "unset"))
				df = PODNET_DF_UNSET;
			else if (!strcmp(*argv, "set"))
				df = PODNET_DF_SET;
			else if (!strcmp(*argv, "inherit"))
				df = PODNET_DF_INHERIT;
			else
				invarg("df must be \"unset\", \"set\" or \"inherit\"", *argv);
			addattr8(n, MAXLEN, IFLA_PODNET_DF, df);
		} else if (!strcmp(key, "maxroutes")) {
			unsigned long v;
			char *end;

			NEXT_ARG();
			once(&seen, IFLA_PODNET_MAX_ROUTES, key, *argv);
			v = strtoul(*argv, &end, 0);
			if (!*argv[0] || *end || *argv[0] == '-' || !v ||
			    v > PODNET_MAX_ROUTES_LIMIT)
				invarg("maxroutes must be 1-1048576", *argv);
			addattr32(n, MAXLEN, IFLA_PODNET_MAX_ROUTES, v);
		} else if ((flag = parse_flag(key, &on))) {
			once(&seen, flag->type, key, key);
			addattr8(n, MAXLEN, flag->type, on);
		} else if (!strcmp(key, "help")) {
			print_explain(stderr);
			return -1;
		} else {
			fprintf(stderr, "podnet: unknown option \"%s\"?\n", key);
			print_explain(stderr);
			return -1;
		}
		argc--;
		argv++;
	}

	if (create && !(seen & (1u << IFLA_PODNET_VNI))) {
		fprintf(stderr, "podnet: missing \"vni VNI\"\n");
		return -1;
	}
	return 0;
}

static void print_flag(FILE *f, struct rtattr *tb[], const struct flag *flag)
{
	struct rtattr *a = tb[flag->type];
	bool on;

	if (!a || RTA_PAYLOAD(a) < 1)
		return;
	on = *(uint8_t *)RTA_DATA(a);
	if (is_json_context())
		print_color_bool(PRINT_JSON, COLOR_NONE, flag->json_key, NULL, on);
	else
		fprintf(f, "%s%s ", on ? "" : "no", flag->word);
}

static void podnet_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;
	uint8_t v;

	(void)lu;
	if (!tb)
		return;

	if (tb[IFLA_PODNET_VNI] && RTA_PAYLOAD(tb[IFLA_PODNET_VNI]) >= 4)
		print_color_uint(PRINT_ANY, COLOR_NONE, "vni", "vni %u ",
				 *(uint32_t *)RTA_DATA(tb[IFLA_PODNET_VNI]));
	if (tb[IFLA_PODNET_PORT] && RTA_PAYLOAD(tb[IFLA_PODNET_PORT]) >= 2)
		print_color_uint(PRINT_ANY, COLOR_NONE, "port", "port %u ",
				 ntohs(*(uint16_t *)RTA_DATA(tb[IFLA_PODNET_PORT])));
	if (tb[IFLA_PODNET_LOCAL] && RTA_PAYLOAD(tb[IFLA_PODNET_LOCAL]) == 4 &&
	    inet_ntop(AF_INET, RTA_DATA(tb[IFLA_PODNET_LOCAL]), buf, sizeof(buf)))
		print_color_string(PRINT_ANY, COLOR_INET, "local", "local %s ", buf);
	if (tb[IFLA_PODNET_LOCAL6] && RTA_PAYLOAD(tb[IFLA_PODNET_LOCAL6]) == 16 &&
	    inet_ntop(AF_INET6, RTA_DATA(tb[IFLA_PODNET_LOCAL6]), buf, sizeof(buf)))
		print_color_string(PRINT_ANY, COLOR_INET6, "local6", "local %s ", buf);

	if (tb[IFLA_PODNET_TTL] && RTA_PAYLOAD(tb[IFLA_PODNET_TTL]) >= 1) {
		v = *(uint8_t *)RTA_DATA(tb[IFLA_PODNET_TTL]);
		if (v || is_json_context())
			print_color_uint(PRINT_ANY, COLOR_NONE, "ttl", "ttl %u ", v);
		else
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "ttl %s ", "auto");
	}
	if (tb[IFLA_PODNET_TOS] && RTA_PAYLOAD(tb[IFLA_PODNET_TOS]) >= 1) {
		v = *(uint8_t *)RTA_DATA(tb[IFLA_PODNET_TOS]);
		if (v == PODNET_TOS_INHERIT)
			snprintf(buf, sizeof(buf), "inherit");
		else
			snprintf(buf, sizeof(buf), "0x%02x", v);
		print_color_string(PRINT_ANY, COLOR_NONE, "tos", "tos %s ", buf);
	}
	if (tb[IFLA_PODNET_DF] && RTA_PAYLOAD(tb[IFLA_PODNET_DF]) >= 1) {
		static const char *const df[] = { "unset", "set", "inherit" };

		v = *(uint8_t *)RTA_DATA(tb[IFLA_PODNET_DF]);
		print_color_string(PRINT_ANY, COLOR_NONE, "df", "df %s ",
				   v <= PODNET_DF_MAX ? df[v] : "unknown");
	}
	if (tb[IFLA_PODNET_MAX_ROUTES] &&
	    RTA_PAYLOAD(tb[IFLA_PODNET_MAX_ROUTES]) >= 4)
		print_color_uint(PRINT_ANY, COLOR_NONE, "maxroutes", "maxroutes %u ",
				 *(uint32_t *)RTA_DATA(tb[IFLA_PODNET_MAX_ROUTES]));
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		print_flag(f, tb, &flags[i]);
}

static void podnet_print_help(struct link_util *lu, int argc, char **argv, FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	print_explain(f);
}

struct link_util podnet_link_util = {
	.id		= PODNET_LINK_KIND,
	.maxattr	= IFLA_PODNET_MAX,
	.parse_opt	= podnet_parse_opt,
	.print_opt	= podnet_print_opt,
	.print_help	= podnet_print_help,
};
