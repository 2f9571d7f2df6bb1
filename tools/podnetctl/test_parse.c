// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for podnetctl's parsers, printing KTAP lines.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

static int tests, failures;

static void check(bool ok, const char *fmt, const char *arg)
{
	char desc[256];
	char *c;

	tests++;
	if (!ok)
		failures++;
	snprintf(desc, sizeof(desc), fmt, arg);
	for (c = desc; *c; c++)		/* keep one test per KTAP line */
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, desc);
}

static void prefix_ok(const char *in, const char *canon)
{
	char err[ERRBUF_LEN] = "", out[PN_PREFIX_STRLEN] = "";
	struct pn_prefix p;
	bool ok;

	ok = !parse_prefix(in, &p, err, sizeof(err)) &&
	     !strcmp(fmt_prefix(&p, out, sizeof(out)), canon);
	check(ok, "prefix '%s' parses", in);
	if (!ok)
		printf("# got '%s' err '%s', want '%s'\n", out, err, canon);
}

static void prefix_bad(const char *in, const char *want_err)
{
	char err[ERRBUF_LEN] = "";
	struct pn_prefix p;
	bool ok;

	ok = parse_prefix(in, &p, err, sizeof(err)) && !strcmp(err, want_err);
	check(ok, "prefix '%s' is refused", in);
	if (!ok)
		printf("# got '%s', want '%s'\n", err, want_err);
}

/* An interface address: host bits kept; want NULL means refused. */
static void ifaddr_case(const char *in, const char *want)
{
	char err[ERRBUF_LEN] = "", out[PN_PREFIX_STRLEN] = "";
	struct pn_prefix p;
	int ret = parse_ifaddr(in, &p, err, sizeof(err));

	if (want)
		check(!ret && !strcmp(fmt_prefix(&p, out, sizeof(out)), want),
		      "interface address '%s' parses", in);
	else
		check(ret && strstr(err, "invalid address"),
		      "interface address '%s' is refused", in);
}

static void addr_case(const char *in, int family)
{
	char err[ERRBUF_LEN] = "";
	struct pn_addr a;
	int ret = parse_addr(in, &a, err, sizeof(err));

	if (family)
		check(!ret && a.family == family, "address '%s' parses", in);
	else
		check(ret && strstr(err, "invalid address"), "address '%s' is refused", in);
}

/* The hand-parsed dotted quad accepts exactly what inet_pton() accepts. */
static void addr_as_pton(const char *in)
{
	char err[ERRBUF_LEN] = "";
	struct in_addr v4;
	struct pn_addr a;
	int ret = parse_addr(in, &a, err, sizeof(err));

	if (inet_pton(AF_INET, in, &v4) == 1)
		check(!ret && a.family == AF_INET && a.v4.s_addr == v4.s_addr,
		      "address '%s' parses as inet_pton() does", in);
	else if (!strchr(in, ':'))
		check(ret != 0, "address '%s' is refused as by inet_pton()", in);
}

static void uint_case(const char *in, unsigned long long max, int want_ret,
		      unsigned long long want)
{
	unsigned long long v = 0;
	int ret = parse_uint(in, max, &v);

	check(ret == want_ret && (ret || v == want), "number '%s'", in);
}

static void size_case(uint64_t in, const char *want)
{
	char buf[32];

	check(!strcmp(fmt_size(in, buf, sizeof(buf)), want), "size %s", want);
}

static void line_case(const char *in, int want_ret, const char *want)
{
	char err[ERRBUF_LEN] = "", p[PN_PREFIX_STRLEN], v[PN_PREFIX_STRLEN];
	char got[2 * PN_PREFIX_STRLEN + 8] = "";
	struct pn_route r;
	int ret = conf_parse_line(in, &r, err, sizeof(err));

	if (ret == 1)
		snprintf(got, sizeof(got), "%s via %s",
			 fmt_prefix(&r.prefix, p, sizeof(p)),
			 fmt_addr(&r.via, v, sizeof(v)));
	else if (ret < 0)
		snprintf(got, sizeof(got), "%s", err);
	check(ret == want_ret && !strcmp(got, want), "conf line '%s'", in);
	if (ret != want_ret || strcmp(got, want))
		printf("# got %d '%s', want %d '%s'\n", ret, got, want_ret, want);
}

static void file_case_len(const char *desc, const char *text, size_t len,
			  int want_ret, size_t want_n, const char *want_err)
{
	char err[ERRBUF_LEN] = "";
	struct pn_routes rs = { 0 };
	FILE *f = fmemopen((void *)text, len, "r");
	int ret = conf_parse(f, "test.conf", &rs, err, sizeof(err));
	bool ok = ret == want_ret && rs.n == want_n && !strcmp(err, want_err);

	check(ok, "conf file: %s", desc);
	if (!ok)
		printf("# got %d n=%zu '%s'\n", ret, rs.n, err);
	fclose(f);
	routes_free(&rs);
}

static void file_case(const char *desc, const char *text, int want_ret,
		      size_t want_n, const char *want_err)
{
	file_case_len(desc, text, strlen(text), want_ret, want_n, want_err);
}

int main(void)
{
	printf("KTAP version 1\n");

	prefix_ok("10.244.2.0/24", "10.244.2.0/24");
	prefix_ok("0.0.0.0/0", "0.0.0.0/0");
	prefix_ok("192.168.0.7", "192.168.0.7/32");
	prefix_ok("192.168.0.7/32", "192.168.0.7/32");
	prefix_ok("fd00:10:244:2::/64", "fd00:10:244:2::/64");
	prefix_ok("::/0", "::/0");
	prefix_ok("fd00::1", "fd00::1/128");
	prefix_ok("fd00::1/128", "fd00::1/128");
	prefix_ok("fd00:8000::/17", "fd00:8000::/17");
	prefix_bad("10.0.0.0/33", "invalid prefix '10.0.0.0/33'");
	prefix_bad("fd00::/129", "invalid prefix 'fd00::/129'");
	prefix_bad("10.0.0.0/", "invalid prefix '10.0.0.0/'");
	prefix_bad("10.0.0.0/-1", "invalid prefix '10.0.0.0/-1'");
	prefix_bad("10.0.0.0/+8", "invalid prefix '10.0.0.0/+8'");
	prefix_bad("10.0.0.0/8x", "invalid prefix '10.0.0.0/8x'");
	prefix_bad("10.0.0/8", "invalid prefix '10.0.0/8'");
	prefix_bad("300.0.0.0/8", "invalid prefix '300.0.0.0/8'");
	prefix_bad("", "invalid prefix ''");
	prefix_bad("/24", "invalid prefix '/24'");
	prefix_bad("10.244.2.1/24",
		   "invalid prefix '10.244.2.1/24': host bits set (did you mean 10.244.2.0/24?)");
	prefix_bad("fd00::1/64",
		   "invalid prefix 'fd00::1/64': host bits set (did you mean fd00::/64?)");
	prefix_bad("fd00:ffff::/17",
		   "invalid prefix 'fd00:ffff::/17': host bits set (did you mean fd00:8000::/17?)");

	/* Spellings other than the canonical one (podnet-up compares these). */
	prefix_ok("FD44:0::/16", "fd44::/16");
	prefix_ok("fd00:0:0:0:0:0:0:1", "fd00::1/128");
	prefix_ok("10.244.0.0/016", "10.244.0.0/16");
	prefix_bad("1:2", "invalid prefix '1:2'");

	ifaddr_case("10.244.1.1/24", "10.244.1.1/24");
	ifaddr_case("FD44:1::1/64", "fd44:1::1/64");
	ifaddr_case("fd44:1::", "fd44:1::/128");
	ifaddr_case("10.244.1.1", "10.244.1.1/32");
	ifaddr_case("1:2", NULL);
	ifaddr_case("10.244.1.1/33", NULL);
	ifaddr_case("10.244.1.1/", NULL);

	addr_case("192.168.0.2", AF_INET);
	addr_case("fd00::2", AF_INET6);
	addr_case("::ffff:1.2.3.4", AF_INET6);
	addr_case("192.168.0.2/32", 0);
	addr_case("node2", 0);
	addr_case("", 0);
	{
		static const char *const quads[] = {
			"0.0.0.0", "255.255.255.255", "1.2.3.4", "10.244.1.0",
			"256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3.00",
			"1.2.3", "1.2.3.4.5", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ",
			"1.2.3.4x", "1234.1.1.1", "0x1.2.3.4", "-1.2.3.4", "999.0.0.0",
		};
		size_t i;

		for (i = 0; i < sizeof(quads) / sizeof(quads[0]); i++)
			addr_as_pton(quads[i]);
	}

	uint_case("0", 10, 0, 0);
	uint_case("6081", 65535, 0, 6081);
	uint_case("65536", 65535, -1, 0);
	uint_case("-1", 65535, -1, 0);
	uint_case("12a", 65535, -1, 0);
	uint_case("", 65535, -1, 0);
	uint_case("99999999999999999999999", ~0ULL, -1, 0);

	size_case(0, "0");
	size_case(1023, "1023");
	size_case(1024, "1.0Ki");
	size_case(1536, "1.5Ki");
	size_case(10ULL << 20, "10Mi");
	size_case(3ULL << 40, "3.0Ti");

	line_case("route 10.244.2.0/24 via 192.168.0.2", 1,
		  "10.244.2.0/24 via 192.168.0.2");
	line_case("  route\tfd00:2::/64   via fd00::2  # node 2\n", 1,
		  "fd00:2::/64 via fd00::2");
	line_case("route 10.244.3.0/24 via fd00::3#x", 1, "10.244.3.0/24 via fd00::3");
	line_case("", 0, "");
	line_case("   \n", 0, "");
	line_case("# comment", 0, "");
	line_case("   # indented comment", 0, "");
	line_case("rout 10.0.0.0/8 via 1.2.3.4", -1,
		  "unknown keyword 'rout' (expected 'route')");
	line_case("route", -1, "missing prefix after 'route'");
	line_case("route 10.0.0.0/33 via 1.2.3.4", -1, "invalid prefix '10.0.0.0/33'");
	line_case("route 10.0.0.0/8", -1, "expected 'via NODEADDR' after '10.0.0.0/8'");
	line_case("route 10.0.0.0/8 dev x", -1, "expected 'via NODEADDR' after '10.0.0.0/8'");
	line_case("route 10.0.0.0/8 via", -1, "missing node address after 'via'");
	line_case("route 10.0.0.0/8 via 1.2.3", -1, "invalid address '1.2.3'");
	line_case("route 10.0.0.0/8 via 1.2.3.4 extra", -1, "unexpected 'extra' at end of line");

	file_case("empty file", "", 0, 0, "");
	file_case("comments only", "# nothing\n\n   \n", 0, 0, "");
	file_case("three routes",
		  "# node 2\nroute 10.244.2.0/24 via 192.168.0.2\n\n"
		  "route 10.244.3.0/24 via 192.168.0.3\n"
		  "route fd00:3::/64 via 192.168.0.3", 0, 3, "");
	file_case("error names file and line",
		  "route 10.244.2.0/24 via 192.168.0.2\n# x\nroute 10.244.3.0/33 via 192.168.0.3\n",
		  -1, 1, "test.conf:3: invalid prefix '10.244.3.0/33'");
	file_case("duplicate prefix",
		  "route 10.244.2.0/24 via 192.168.0.2\nroute 10.244.3.0/24 via 192.168.0.3\n"
		  "route 10.244.2.0/24 via 192.168.0.4\n",
		  -1, 3, "test.conf:3: duplicate route 10.244.2.0/24 (first on line 1)");
	file_case("same address, other length is no duplicate",
		  "route 10.244.0.0/16 via 192.168.0.2\nroute 10.244.0.0/24 via 192.168.0.3\n",
		  0, 2, "");
	{
		/* a NUL would have cut line 2 short to a valid "route ... 192.168.0.3" */
		static const char nul[] = "route 10.244.2.0/24 via 192.168.0.2\n"
					  "route 10.244.3.0/24 via 192.168.0.3\0garbage\n";

		file_case_len("NUL byte refused with its line and column", nul,
			      sizeof(nul) - 1, -1, 1,
			      "test.conf:2: NUL byte at column 36 (not a text file?)");
	}

	printf("1..%d\n", tests);
	printf("# %d tests, %d failed\n", tests, failures);
	return failures ? 1 : 0;
}
