/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of iproute2's internal API a link plugin uses, repeated here
 * because iproute2 installs no headers for them.  They must match the ABI
 * of the ip binary that loads the plugin: these are from iproute2 6.1
 * (ip/ip_common.h, include/utils.h, include/libnetlink.h,
 * include/json_print.h, include/color.h); all are stable across releases.
 */
#ifndef PODKIT_IPROUTE2_H
#define PODKIT_IPROUTE2_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f, struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv, FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

enum output_type { PRINT_FP = 1, PRINT_JSON = 2, PRINT_ANY = 4 };
enum color_attr {
	COLOR_IFNAME, COLOR_MAC, COLOR_INET, COLOR_INET6,
	COLOR_OPERSTATE_UP, COLOR_OPERSTATE_DOWN, COLOR_NONE
};

int addattr8(struct nlmsghdr *n, int maxlen, int type, uint8_t data);
int addattr16(struct nlmsghdr *n, int maxlen, int type, uint16_t data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, uint32_t data);
int addattr_l(struct nlmsghdr *n, int maxlen, int type, const void *data, int alen);
void incomplete_command(void) __attribute__((noreturn));
void invarg(const char *msg, const char *arg) __attribute__((noreturn));
void duparg2(const char *key, const char *arg) __attribute__((noreturn));
int rtnl_dsfield_a2n(uint32_t *id, const char *arg);
bool is_json_context(void);
int print_color_uint(enum output_type t, enum color_attr color, const char *key,
		     const char *fmt, unsigned int value);
int print_color_string(enum output_type t, enum color_attr color, const char *key,
		       const char *fmt, const char *value);
int print_color_bool(enum output_type t, enum color_attr color, const char *key,
		     const char *fmt, bool value);

#define NEXT_ARG() do { argv++; if (--argc <= 0) incomplete_command(); } while (0)

#endif
