// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of command-line and configuration-file values for podnetctl.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "parse.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end || *v > max)
		return -1;
	return 0;
}

/*
 * The common case of a setconf file, a dotted quad without leading zeros,
 * parsed by hand: inet_pton() costs several times more per address, which
 * matters for a table of a million routes.  Anything else (a leading zero,
 * a missing part, IPv6) returns false and is left to inet_pton(), so what
 * is accepted does not change.
 */
static bool ipv4_fast(const char *s, struct in_addr *v4)
{
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned int v, n = 0;

		if (part && *s++ != '.')
			return false;
		if (*s < '0' || *s > '9')
			return false;
		v = *s++ - '0';
		n++;
		while (*s >= '0' && *s <= '9') {
			if (v == 0 || ++n > 3)
				return false;	/* leading zero or too long */
			v = v * 10 + (*s++ - '0');
		}
		if (v > 255)
			return false;
		a = a << 8 | v;
	}
	if (*s)
		return false;
	v4->s_addr = htonl(a);
	return true;
}

static int addr_from_string(const char *s, struct pn_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ipv4_fast(s, &a->v4)) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int parse_addr(const char *s, struct pn_addr *a, char *err, size_t errlen)
{
	if (addr_from_string(s, a))
		return fail(err, errlen, "invalid address '%s'", s);
	return 0;
}

/* ADDR[/LEN]; with host_bits, bits beyond LEN are part of the address. */
static int parse_addr_len(const char *s, struct pn_prefix *p, bool host_bits,
			  char *err, size_t errlen)
{
	char buf[64], canon[PN_PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	unsigned long long len;
	unsigned int i, max;
	size_t alen;

	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= sizeof(buf))
		return fail(err, errlen, "invalid prefix '%s'", s);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (addr_from_string(buf, &p->addr))
		return fail(err, errlen, "invalid prefix '%s'", s);

	max = p->addr.family == AF_INET ? 32 : 128;
	if (!slash)
		len = max;
	else if (parse_uint(slash + 1, max, &len))
		return fail(err, errlen, "invalid prefix '%s'", s);
	p->len = len;
	if (host_bits)
		return 0;

	for (i = p->len; i < max; i++) {
		if (p->addr.b[i / 8] & (0x80 >> (i % 8))) {
			for (; i < max; i++)
				p->addr.b[i / 8] &= ~(0x80 >> (i % 8));
			return fail(err, errlen,
				    "invalid prefix '%s': host bits set (did you mean %s?)",
				    s, fmt_prefix(p, canon, sizeof(canon)));
		}
	}
	return 0;
}

int parse_prefix(const char *s, struct pn_prefix *p, char *err, size_t errlen)
{
	return parse_addr_len(s, p, false, err, errlen);
}

int parse_ifaddr(const char *s, struct pn_prefix *p, char *err, size_t errlen)
{
	if (parse_addr_len(s, p, true, err, errlen))
		return fail(err, errlen, "invalid address '%s' (ADDR[/LEN])", s);
	return 0;
}

const char *fmt_addr(const struct pn_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->b, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *fmt_prefix(const struct pn_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", fmt_addr(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

const char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	double v = bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f%s" : "%.0f%s", v, unit[u]);
	return buf;
}

int routes_push(struct pn_routes *rs, const struct pn_route *r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct pn_route *v = realloc(rs->v, cap * sizeof(*v));

		if (!v)
			return -1;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *r;
	return 0;
}

void routes_free(struct pn_routes *rs)
{
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

/*
 * isspace() of the C locale without its per-character call through the
 * locale tables (a setconf file is ASCII; other bytes are word characters).
 */
static inline bool is_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Split off the next whitespace-separated word of *s into w. */
static const char *next_word(const char **s, char *w, size_t wlen)
{
	const char *p = *s;
	size_t n = 0;

	while (is_blank(*p))
		p++;
	if (!*p || *p == '#')
		return NULL;
	while (*p && !is_blank(*p) && *p != '#') {
		if (n + 1 < wlen)
			w[n] = *p;
		n++;
		p++;
	}
	/* An over-long word still yields something the caller can refuse. */
	if (n >= wlen)
		n = wlen - 1;
	w[n] = '\0';
	*s = p;
	return w;
}

int conf_parse_line(const char *line, struct pn_route *r,
		    char *err, size_t errlen)
{
	char kw[64], pfx[64], via[64], addr[64], extra[64];

	if (!next_word(&line, kw, sizeof(kw)))
		return 0;
	if (strcmp(kw, "route"))
		return fail(err, errlen, "unknown keyword '%s' (expected 'route')", kw);
	if (!next_word(&line, pfx, sizeof(pfx)))
		return fail(err, errlen, "missing prefix after 'route'");
	if (parse_prefix(pfx, &r->prefix, err, errlen))
		return -1;
	if (!next_word(&line, via, sizeof(via)) || strcmp(via, "via"))
		return fail(err, errlen, "expected 'via NODEADDR' after '%s'", pfx);
	if (!next_word(&line, addr, sizeof(addr)))
		return fail(err, errlen, "missing node address after 'via'");
	if (parse_addr(addr, &r->via, err, errlen))
		return -1;
	if (next_word(&line, extra, sizeof(extra)))
		return fail(err, errlen, "unexpected '%s' at end of line", extra);
	return 1;
}

static bool route_same(const struct pn_route *x, const struct pn_route *y)
{
	return x->prefix.addr.family == y->prefix.addr.family &&
	       x->prefix.len == y->prefix.len &&
	       !memcmp(x->prefix.addr.b, y->prefix.addr.b, 16);
}

static uint32_t route_hash(const struct pn_route *r)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	unsigned int i;

	for (i = 0; i < 16; i++)
		h = (h ^ r->prefix.addr.b[i]) * 0x100000001b3ULL;
	h = (h ^ r->prefix.len) * 0x100000001b3ULL;
	h = (h ^ (unsigned int)r->prefix.addr.family) * 0x100000001b3ULL;
	return h ^ h >> 32;
}

/*
 * A prefix given twice: an open-addressing hash of the routes' indices,
 * filled in file order, so the first repeat found is the earliest line
 * that repeats a prefix.  Linear in the number of routes (sorting a copy
 * of the table cost more than parsing it).
 */
static int check_duplicates(const struct pn_routes *rs, const char *name,
			    char *err, size_t errlen)
{
	char p[PN_PREFIX_STRLEN];
	size_t i, mask, size = 16;
	uint32_t *slot;

	if (rs->n < 2)
		return 0;
	if (rs->n > UINT32_MAX / 2)
		return fail(err, errlen, "%s: too many routes", name);
	while (size < rs->n * 2)
		size *= 2;
	mask = size - 1;
	slot = calloc(size, sizeof(*slot));	/* index + 1; 0 is free */
	if (!slot)
		return fail(err, errlen, "out of memory");
	for (i = 0; i < rs->n; i++) {
		const struct pn_route *r = &rs->v[i];
		size_t h = route_hash(r) & mask;

		while (slot[h]) {
			const struct pn_route *o = &rs->v[slot[h] - 1];

			if (route_same(o, r)) {
				fail(err, errlen, "%s:%u: duplicate route %s (first on line %u)",
				     name, r->line,
				     fmt_prefix(&r->prefix, p, sizeof(p)), o->line);
				free(slot);
				return -1;
			}
			h = (h + 1) & mask;
		}
		slot[h] = i + 1;
	}
	free(slot);
	return 0;
}

int conf_parse(FILE *f, const char *name, struct pn_routes *rs,
	       char *err, size_t errlen)
{
	char msg[ERRBUF_LEN];
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	struct pn_route r;
	ssize_t len;
	char *nul;
	struct stat st;
	int ret = 0;

	/*
	 * Room for the whole file at once (a route line is at least 24
	 * bytes): growing the array by doubling copies it over and over.
	 */
	if (!rs->cap && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    st.st_size > 0) {
		size_t want = st.st_size / 24 + 1;

		rs->v = malloc(want * sizeof(*rs->v));
		if (rs->v)
			rs->cap = want;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		/* getline() keeps a NUL; the parser would stop at it */
		nul = memchr(line, '\0', len);
		if (nul) {
			ret = fail(err, errlen, "%s:%u: NUL byte at column %zu (not a text file?)",
				   name, lineno, (size_t)(nul - line) + 1);
			break;
		}
		memset(&r, 0, sizeof(r));
		ret = conf_parse_line(line, &r, msg, sizeof(msg));
		if (ret < 0) {
			fail(err, errlen, "%s:%u: %s", name, lineno, msg);
			break;
		}
		r.line = lineno;
		if (ret > 0 && routes_push(rs, &r)) {
			ret = fail(err, errlen, "out of memory");
			break;
		}
		ret = 0;
	}
	if (!ret && ferror(f))
		ret = fail(err, errlen, "%s: read error", name);
	free(line);
	if (!ret)
		ret = check_duplicates(rs, name, err, errlen);
	return ret;
}
