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

/*
 * Random tables printed by output.c's own printer and by libsmartcols
 * must be the same bytes, in aligned and raw mode, with and without
 * headings and --output.  Cells are mostly plain (the fast path), some
 * empty or with a blank, a backslash or a non-ASCII byte (libsmartcols
 * prints those).
 */
static void same_as_smartcols(void)
{
	static const char *const hd[] = { "DEV", ">TX", "PREFIX", ">RX_BYTES",
					  "VIA" };
	static const char *const sels[] = { NULL, "via,tx", "+dev", "rx_bytes" };
	/* every printable ASCII byte but the backslash, some more often */
	static const char alpha[] = "0123456789abcdef.:/-_0123456789abcdef.:/-_"
				    "!\"#$%&'()*+,;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "[]^`ghijklmnopqrstuvwxyz{|}~";
	static const char odd_bytes[] = " \xe9\\";
	unsigned int seed = 1, k, bad = 0, plain = 0;
	unsigned long before;
	char cell[5 * 40][24], *a, *b;
	const char *cells[5 * 40];
	size_t la, lb, nrows, r, i, len;
	FILE *fa, *fb;
	struct table t;

	for (k = 0; k < 400; k++) {
		unsigned int ncols = 1 + rand_r(&seed) % 5;
		bool odd = k % 4 == 3;

		nrows = 1 + rand_r(&seed) % 40;
		for (r = 0; r < nrows * ncols; r++) {
			len = rand_r(&seed) % 20 + !odd;
			for (i = 0; i < len; i++)
				cell[r][i] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
			if (odd && len && !(rand_r(&seed) % 8))
				cell[r][rand_r(&seed) % len] = odd_bytes[rand_r(&seed) % 3];
			cell[r][len] = 0;
			cells[r] = cell[r];
		}
		table_opts.columns = ncols == 5 ? sels[k % 4] : NULL;
		table_opts.mode = k % 3 == 2 ? TABLE_RAW : TABLE_ALIGNED;
		table_opts.noheadings = k % 5 == 4;
		table_init(&t, ncols, hd);
		for (r = 0; r < nrows; r++)
			table_add(&t, cells + r * ncols);
		before = table_plain_prints;
		fa = open_memstream(&a, &la);
		fb = open_memstream(&b, &lb);
		table_print_with(&t, fa, false);
		table_print_with(&t, fb, true);
		fclose(fa);
		fclose(fb);
		if (la != lb || memcmp(a, b, la)) {
			if (!bad++)
				printf("# table %u differs:\n# ours:\n%s# libsmartcols:\n%s",
				       k, a, b);
		}
		plain += table_plain_prints - before;
		free(a);
		free(b);
		table_free(&t);
	}
	memset(&table_opts, 0, sizeof(table_opts));
	tests++;
	/* the plain ones, and the odd ones without an odd cell */
	failures += bad || plain < 300;
	printf("%sok %d - 400 random tables (%u printed by output.c): it prints the bytes libsmartcols prints (%u differ)\n",
	       bad ? "not " : "", tests, plain, bad);
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

	same_as_smartcols();

	printf("1..%d\n", tests);
	printf("# %d tests, %d failed\n", tests, failures);
	return failures ? 1 : 0;
}
