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

/* A document with one string, as json_end() prints it. */
static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f, false);
	json_str(&j, NULL, s);
	if (json_end(&j))
		fputs("json_end failed\n", f);
	fclose(f);
	return buf;
}

static char *doc_of(bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f, pretty);
	json_arr_open(&j, NULL);
	json_obj_open(&j, NULL);
	json_str(&j, "dev", "podnet0");
	json_u64(&j, "tx", 18446744073709551ULL);
	json_bool(&j, "up", true);
	json_obj_open(&j, "drops");
	json_obj_close(&j);
	json_obj_close(&j);
	json_arr_close(&j);
	if (json_end(&j))
		fputs("json_end failed\n", f);
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
	if (table_print(&t, f) == TABLE_BAD_COLUMNS)
		fputs("TABLE_BAD_COLUMNS\n", f);
	table_free(&t);
	fclose(f);
	return buf;
}

/* table_of() printed with the options of --output COLS and the others. */
static char *table_with(const char *cols, enum table_mode mode, bool nohead,
			const char *const *head, const char *const *cells,
			size_t nrows)
{
	char *s;

	table_opts.columns = cols;
	table_opts.mode = mode;
	table_opts.noheadings = nohead;
	s = table_of(3, head, cells, nrows);
	memset(&table_opts, 0, sizeof(table_opts));
	return s;
}

int main(void)
{
	static const char *const head[] = { "PREFIX", "VIA", ">TX_PKTS" };
	static const char *const rows[] = {
		"10.244.2.0/24", "192.168.0.2", "5",
		"fd00:3::/64", "fd00::3", "123456",
	};
	static const char *const odd[] = { "a b", "c\"d", "7" };
	static const char *const head2[] = { "MAJ:MIN", "VIA", ">TX_PKTS" };
	printf("KTAP version 1\n");

	expect("json plain string", json_of("podnet0"), "\"podnet0\"\n");
	expect("json escapes quote and backslash", json_of("a\"b\\c"),
	       "\"a\\\"b\\\\c\"\n");
	expect("json escapes control characters", json_of("a\nb\tc\x01\r"),
	       "\"a\\nb\\tc\\u0001\\r\"\n");
	expect("json keeps UTF-8", json_of("caf\xc3\xa9 \xf0\x9f\x90\xb3"),
	       "\"caf\xc3\xa9 \xf0\x9f\x90\xb3\"\n");
	expect("json replaces bytes that are not UTF-8 with U+FFFD",
	       json_of("a\xff\xc3(\xed\xa0\x80\xc0\xafz"),
	       "\"a\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	       "\xef\xbf\xbd\xef\xbf\xbdz\"\n");
	expect("json document, compact", doc_of(false),
	       "[{\"dev\":\"podnet0\",\"tx\":18446744073709551,\"up\":true,\"drops\":{}}]\n");
	expect("json document, pretty (-p)", doc_of(true),
	       "[\n  {\n    \"dev\": \"podnet0\",\n    \"tx\": 18446744073709551,\n"
	       "    \"up\": true,\n    \"drops\": {}\n  }\n]\n");

	expect("table columns align, numbers right-aligned",
	       table_of(3, head, rows, 2),
	       "PREFIX         VIA          TX_PKTS\n"
	       "10.244.2.0/24  192.168.0.2        5\n"
	       "fd00:3::/64    fd00::3       123456\n");
	expect("an empty table prints nothing, as lsblk's",
	       table_of(3, head, rows, 0), "");
	expect("last left-aligned column has no trailing blanks",
	       table_of(2, head, rows, 1),
	       "PREFIX         VIA\n"
	       "10.244.2.0/24  192.168.0.2\n");

	expect("--output picks and orders columns, any case",
	       table_with("tx_pkts,Prefix", TABLE_ALIGNED, false, head, rows, 2),
	       "TX_PKTS  PREFIX\n"
	       "      5  10.244.2.0/24\n"
	       " 123456  fd00:3::/64\n");
	expect("--output +COLS appends to the default columns",
	       table_with("+prefix", TABLE_ALIGNED, false, head, rows, 1),
	       "PREFIX         VIA          TX_PKTS  PREFIX\n"
	       "10.244.2.0/24  192.168.0.2        5  10.244.2.0/24\n");
	expect("--output with an unknown column prints nothing and says so",
	       table_with("prefix,via,nope", TABLE_ALIGNED, false, head, rows, 2),
	       "TABLE_BAD_COLUMNS\n");
	expect("--output with an empty name is refused",
	       table_with("prefix,,via", TABLE_ALIGNED, false, head, rows, 2),
	       "TABLE_BAD_COLUMNS\n");
	expect("--noheadings drops the heading line, widths kept",
	       table_with(NULL, TABLE_ALIGNED, true, head, rows, 2),
	       "10.244.2.0/24  192.168.0.2        5\n"
	       "fd00:3::/64    fd00::3       123456\n");
	expect("--raw: one blank between columns, blanks in cells escaped",
	       table_with(NULL, TABLE_RAW, false, head, odd, 1),
	       "PREFIX VIA TX_PKTS\n"
	       "a\\x20b c\"d 7\n");
	expect("--pairs: NAME=\"value\", quotes in cells escaped",
	       table_with("prefix,via", TABLE_PAIRS, false, head, odd, 1),
	       "PREFIX=\"a b\" VIA=\"c\\x22d\"\n");
	expect("--pairs: a heading that is no shell name is made one",
	       table_with(NULL, TABLE_PAIRS, true, head2, rows, 1),
	       "MAJ_MIN=\"10.244.2.0/24\" VIA=\"192.168.0.2\" TX_PKTS=\"5\"\n");

	printf("1..%d\n", tests);
	printf("# %d tests, %d failed\n", tests, failures);
	return failures ? 1 : 0;
}
