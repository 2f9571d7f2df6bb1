/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of command-line and configuration-file values for podnetctl.
 * Pure logic, no I/O except for the FILE read by conf_parse(), so the
 * host unit tests (test_parse.c) can exercise it directly.
 */
#ifndef PODNETCTL_PARSE_H
#define PODNETCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define ERRBUF_LEN 256

struct pn_addr {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	};
};

struct pn_prefix {
	struct pn_addr addr;
	unsigned int len;
};

struct pn_route {
	struct pn_prefix prefix;
	struct pn_addr via;
	unsigned int line;		/* source line, for error messages */
};

struct pn_routes {
	struct pn_route *v;
	size_t n, cap;
};

static inline size_t pn_addr_len(const struct pn_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

/* Parse an IPv4 or IPv6 address; no prefix length allowed. */
int parse_addr(const char *s, struct pn_addr *a, char *err, size_t errlen);

/*
 * Parse ADDR[/LEN].  Without /LEN the prefix is a host route (/32 or
 * /128).  Bits set beyond LEN are refused: they almost always mean a typo.
 */
int parse_prefix(const char *s, struct pn_prefix *p, char *err, size_t errlen);

/*
 * Parse an interface address ADDR[/LEN] as `ip addr add` takes it: like a
 * prefix, but the bits beyond LEN are the host's and are kept.
 */
int parse_ifaddr(const char *s, struct pn_prefix *p, char *err, size_t errlen);

/* Parse a decimal unsigned number no larger than max. */
int parse_uint(const char *s, unsigned long long max, unsigned long long *v);

/* Format an address or prefix; buf needs INET6_ADDRSTRLEN + 4 bytes. */
#define PN_PREFIX_STRLEN (46 + 4)
const char *fmt_addr(const struct pn_addr *a, char *buf, size_t len);
const char *fmt_prefix(const struct pn_prefix *p, char *buf, size_t len);

/* Human-readable byte count with a binary suffix, e.g. "1.5Mi". */
const char *fmt_size(uint64_t bytes, char *buf, size_t len);

int routes_push(struct pn_routes *rs, const struct pn_route *r);
void routes_free(struct pn_routes *rs);

/*
 * Parse one line of a setconf file.  Returns 1 for a route (stored in
 * *r), 0 for a blank or comment line, -1 for an error described in err.
 */
int conf_parse_line(const char *line, struct pn_route *r,
		    char *err, size_t errlen);

/*
 * Parse a whole setconf file.  On error, err holds "NAME:LINE: problem"
 * and -1 is returned.  A prefix given twice is an error, and so is a NUL
 * byte (a binary or corrupted file).  A file without routes is not: the
 * caller decides whether emptying the table was meant.
 */
int conf_parse(FILE *f, const char *name, struct pn_routes *rs,
	       char *err, size_t errlen);

#endif
