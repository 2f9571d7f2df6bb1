/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers shared by the tools: JSON documents (built with libjansson)
 * and column-aligned tables.  Compiled into each tool from tools/lib/output.c.
 */
#ifndef TOOLS_LIB_OUTPUT_H
#define TOOLS_LIB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/*
 * A JSON string holding s.  Bytes of s that are not valid UTF-8 (an
 * interface name may hold any byte) become U+FFFD, so the document stays
 * valid JSON.  NULL only when out of memory.
 */
json_t *json_text(const char *s);

/*
 * A JSON document built in memory, one value after another, and printed
 * by json_end(): compact on one line, or indented by two blanks per level
 * with pretty.  Members of an object are given with their key, elements of
 * an array (and the document itself) with key NULL.  An allocation failure
 * is remembered and reported by json_end(), so callers need not check each
 * call.
 */
#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty, failed;
	int depth;
	json_t *root, *stack[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
/*
 * Print the document and a newline (nothing if it is empty) and free it;
 * 0, or -1 if memory ran out or the write failed.
 */
int json_end(struct json *j);
/* Free the document without printing it. */
void json_discard(struct json *j);

/*
 * Prometheus text exposition format (what node_exporter's textfile
 * collector reads): prom_family() starts a metric family with its HELP and
 * TYPE lines; prom_sample() prints one sample of it, labels given as
 * name, value pairs ending with NULL (values escaped as the format says).
 */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
void prom_sample(FILE *f, const char *name, const char *const *labels,
		 uint64_t value);

#define TABLE_MAX_COLS 12
/* At most this many columns may be selected (a column may repeat). */
#define TABLE_MAX_SEL 32

/*
 * A table is printed once all its rows are known, with libsmartcols (the
 * library behind lsblk and findmnt), or, aligned or raw with only
 * printable ASCII in its cells, by output.c in the same bytes.  Columns
 * whose heading starts with a '>' are right-aligned (numbers); the '>' is
 * not part of the name.
 * Aligned output separates columns by two blanks and pads every column to
 * its widest cell but the last, whatever the terminal's width.
 */
struct table {
	unsigned int ncols;
	const char *head[TABLE_MAX_COLS];
	char **cells;			/* nrows * ncols strings */
	size_t nrows, cap;
};

/*
 * How every table of a tool is printed, from its command-line options
 * (the same as lsblk's): --output COLS selects and orders columns by their
 * heading, any case, comma separated ("+COLS" appends to the default set);
 * --noheadings; --raw (one blank between columns, unaligned, blanks and
 * odd bytes escaped as \xHH); --pairs (NAME="value" pairs, names usable as
 * shell variables).
 */
enum table_mode { TABLE_ALIGNED, TABLE_RAW, TABLE_PAIRS };

struct table_opts {
	const char *columns;		/* NULL: every column */
	enum table_mode mode;
	bool noheadings;
};

extern struct table_opts table_opts;

/* -1 if table options were given together with JSON output. */
int table_opts_check(bool json_output);

/* ncols beyond TABLE_MAX_COLS are ignored; head is not copied. */
void table_init(struct table *t, unsigned int ncols, const char *const *head);
/*
 * Add a row of ncols strings (copied; NULL prints as an empty cell).
 * Returns 0, or -1 on out of memory with the table unchanged.
 */
int table_add(struct table *t, const char *const *row);

#define TABLE_BAD_COLUMNS (-2)
/*
 * Print t as table_opts says.  0; TABLE_BAD_COLUMNS if --output names a
 * column t does not have (a message listing t's columns is printed on
 * stderr); -1 if memory ran out or the write failed.
 */
int table_print(const struct table *t, FILE *f);
/*
 * table_print() with libsmartcols for every table (smartcols), for the
 * tests: aligned and raw tables whose cells are printable ASCII without
 * blanks are otherwise printed by output.c itself, the same bytes faster.
 */
int table_print_with(const struct table *t, FILE *f, bool smartcols);
/* How many tables output.c printed itself (for the tests). */
extern unsigned long table_plain_prints;
/*
 * 0 if --output names only columns of a table with these headings, else
 * TABLE_BAD_COLUMNS and the message: for commands that check before they
 * print or ask anything.
 */
int table_columns_valid(unsigned int ncols, const char *const *head);
void table_free(struct table *t);

#endif
