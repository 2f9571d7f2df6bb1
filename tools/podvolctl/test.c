// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests for podvolctl: size parsing and printing, names,
 * JSON and table output, the metadata codec as the tool uses it, and the
 * probe/check commands run on disk images in regular files.
 *
 *   ./test_podvolctl [./podvolctl]
 *
 * Prints KTAP-style "ok N - desc" / "not ok N - desc"; exits 1 on failure.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "test.h"

int test_n, test_failed;

void test_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++test_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		test_failed++;
	fflush(stdout);
}

static void test_parse_size(void)
{
	static const struct {
		const char *in;
		uint64_t out;
	} good[] = {
		{ "0", 0 }, { "512", 512 }, { "4K", 4096 }, { "4k", 4096 },
		{ "64KiB", 65536 }, { "1M", 1 << 20 }, { "10G", 10ULL << 30 },
		{ "2T", 2ULL << 40 }, { "1.5G", 3ULL << 29 }, { "0.5K", 512 },
		{ "100MB", 100ULL << 20 }, { "7B", 7 },
		{ "16383P", 16383ULL << 50 },
	};
	static const char *const bad[] = {
		"", "G", "-1", "1X", "1GG", "1.G", "1.3B", "0.0001K",
		"18446744073709551616", "16384P", "99999999999T", " 1G", "1G ",
	};
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int err;

		v = ~0ULL;
		why = "";
		/* called first: the arguments below are evaluated in any order */
		err = parse_size(good[i].in, &v, &why);
		test_result(!err && v == good[i].out,
			    "parse_size(\"%s\") = %" PRIu64 " (%s)", good[i].in, v,
			    why);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err;

		why = NULL;
		err = parse_size(bad[i], &v, &why);
		test_result(err && why,
			    "parse_size(\"%s\") refused: %s", bad[i],
			    why ? why : "(accepted)");
	}
}

static void test_format_size(void)
{
	static const struct {
		uint64_t in;
		const char *out;
	} cases[] = {
		{ 0, "0B" }, { 512, "512B" }, { 4096, "4K" }, { 65536, "64K" },
		{ 1536, "1.50K" }, { 10ULL << 30, "10G" }, { 3ULL << 29, "1.50G" },
		{ 1ULL << 40, "1T" }, { (1ULL << 30) + 1, "1.00G" },
	};
	char buf[SIZE_BUF];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_size(cases[i].in, buf, sizeof(buf));
		test_result(!strcmp(buf, cases[i].out),
			    "format_size(%" PRIu64 ") = \"%s\" (want \"%s\")",
			    cases[i].in, buf, cases[i].out);
	}
}

static void test_names(void)
{
	static const char *const bad_split[] = {
		"fast", "/x", "a/", "a/b/c", "a/0123456789abcdef", "a b/c",
	};
	static const char *const bad_name[] = { "bad name", "-x", "..", "" };
	char pool[16], vol[16];
	const char *why = NULL;
	size_t i;
	int ret;

	ret = split_pool_volume("fast/pod-7f3a", pool, sizeof(pool), vol,
				sizeof(vol), &why);
	test_result(!ret && !strcmp(pool, "fast") && !strcmp(vol, "pod-7f3a"),
		    "split fast/pod-7f3a");
	for (i = 0; i < sizeof(bad_split) / sizeof(bad_split[0]); i++) {
		why = NULL;
		ret = split_pool_volume(bad_split[i], pool, sizeof(pool), vol,
					sizeof(vol), &why);
		test_result(ret && why, "split refuses \"%s\": %s", bad_split[i],
			    why ? why : "(accepted)");
	}
	ret = check_name("ok.name_1-x", 32, &why);
	test_result(ret == 0, "name ok.name_1-x");
	for (i = 0; i < sizeof(bad_name) / sizeof(bad_name[0]); i++) {
		why = NULL;
		ret = check_name(bad_name[i], 32, &why);
		test_result(ret && why, "name \"%s\" refused: %s", bad_name[i],
			    why ? why : "(accepted)");
	}
	ret = check_name("0123456789abcdef", 16, &why);
	test_result(ret != 0, "name of 16 characters refused with maxlen 16");
}

static void test_uuid(void)
{
	static const char *s = "0123abcd-4567-89ef-0011-223344556677";
	uint8_t u[16];
	char out[37];

	test_result(!uuid_from_str(s, u) && u[0] == 0x01 && u[15] == 0x77,
		    "uuid_from_str");
	uuid_to_str(u, out);
	test_result(!strcmp(out, s), "uuid round trip %s", out);
	test_result(uuid_from_str("0123abcd-4567-89ef-0011-22334455667", u) != 0,
		    "short uuid refused");
}

static char *capture(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f);
	fclose(f);
	return buf;
}

static void json_sample(FILE *f)
{
	struct json j;

	json_init(&j, f, false);
	json_arr_open(&j, NULL);
	json_obj_open(&j, NULL);
	json_str(&j, "name", "a\"b\\c\n");
	json_u64(&j, "size", 10737418240ULL);
	json_bool(&j, "ok", true);
	json_arr_open(&j, "members");
	json_arr_close(&j);
	json_obj_close(&j);
	json_obj_open(&j, NULL);
	json_obj_close(&j);
	json_arr_close(&j);
	json_end(&j);
}

static void table_sample(FILE *f)
{
	static const char *const hdr[] = { "NAME", ">SIZE", "UUID" };
	static const char *const r1[] = { "a", "10G", "x" };
	static const char *const r2[] = { "longer-name", "512K", "y" };
	struct table t;

	table_init(&t, 3, hdr);
	if (table_add(&t, r1) || table_add(&t, r2))
		fputs("out of memory\n", f);
	table_print(&t, f);
	table_free(&t);
}

static void test_output(void)
{
	char *s = capture(json_sample);

	test_result(!strcmp(s, "[{\"name\":\"a\\\"b\\\\c\\n\",\"size\":10737418240,"
			       "\"ok\":true,\"members\":[]},{}]\n"),
		    "json output: %.*s", (int)strcspn(s, "\n"), s);
	free(s);
	s = capture(table_sample);
	test_result(!strcmp(s, "NAME         SIZE  UUID\n"
			       "a             10G  x\n"
			       "longer-name  512K  y\n"),
		    "table output aligned");
	if (test_failed)
		printf("# %s", s);
	free(s);
}

int main(int argc, char **argv)
{
	const char *tool = argc > 1 ? argv[1] : NULL;

	printf("KTAP version 1\n");
	test_parse_size();
	test_format_size();
	test_names();
	test_uuid();
	test_output();
	test_meta(tool);
	printf("1..%d\n", test_n);
	printf("# %d tests, %d failed\n", test_n, test_failed);
	return test_failed ? 1 : 0;
}
