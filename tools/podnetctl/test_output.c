// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the output helpers podnetctl uses (tools/lib/output.c),
 * printing KTAP lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

static int tests, failures;

static void expect(const char *desc, char *got, const char *want)
{
	bool ok = !strcmp(got, want);

	tests++;
	failures += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, desc);
	if (!ok)
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
}

static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_string(f, s);
	fclose(f);
	return buf;
}

static char *table_of(unsigned int ncols, const char *const *head,
		      const char *const *cells, size_t nrows)
{
	char *buf = NULL;
	size_t len = 0, r;
	FILE *f = open_memstream(&buf, &len);
	struct table t;

	table_init(&t, ncols, head);
	for (r = 0; r < nrows; r++)
		table_add(&t, cells + r * ncols);
	table_print(&t, f);
	table_free(&t);
	fclose(f);
	return buf;
}

int main(void)
{
	static const char *const head[] = { "PREFIX", "VIA", ">TX_PKTS" };
	static const char *const rows[] = {
		"10.244.2.0/24", "192.168.0.2", "5",
		"fd00:3::/64", "fd00::3", "123456",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	bool first = true;

	printf("KTAP version 1\n");

	expect("json plain string", json_of("podnet0"), "\"podnet0\"");
	expect("json escapes quote and backslash", json_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
	expect("json escapes control characters", json_of("a\nb\tc\x01\r"),
	       "\"a\\nb\\tc\\u0001\\r\"");
	expect("json keeps UTF-8", json_of("caf\xc3\xa9"), "\"caf\xc3\xa9\"");

	f = open_memstream(&buf, &len);
	fputc('{', f);
	json_key(f, &first, "a");
	fputs("1", f);
	json_key(f, &first, "b");
	fputs("2", f);
	fputc('}', f);
	fclose(f);
	expect("json keys separated by commas", buf, "{\"a\":1,\"b\":2}");

	expect("table columns align, numbers right-aligned",
	       table_of(3, head, rows, 2),
	       "PREFIX         VIA          TX_PKTS\n"
	       "10.244.2.0/24  192.168.0.2        5\n"
	       "fd00:3::/64    fd00::3       123456\n");
	expect("empty table prints headings only", table_of(3, head, rows, 0),
	       "PREFIX  VIA  TX_PKTS\n");
	expect("last left-aligned column has no trailing blanks",
	       table_of(2, head, rows, 1),
	       "PREFIX         VIA\n"
	       "10.244.2.0/24  192.168.0.2\n");

	printf("1..%d\n", tests);
	printf("# %d tests, %d failed\n", tests, failures);
	return failures ? 1 : 0;
}
