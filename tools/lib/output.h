/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers shared by the tools: JSON string literals and
 * column-aligned tables.  Compiled into each tool from tools/lib/output.c.
 */
#ifndef TOOLS_LIB_OUTPUT_H
#define TOOLS_LIB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Print s as a JSON string literal, quotes included.  '"', '\\', '\n',
 * '\r' and '\t' get their short escapes, other control characters \u00XX;
 * everything else (UTF-8 included) is copied as is.
 */
void json_string(FILE *f, const char *s);

/* Print "key": (escaped as above), preceded by a comma unless *first. */
void json_key(FILE *f, bool *first, const char *key);

#define TABLE_MAX_COLS 12

/*
 * A table is printed only once all its rows are known, so that every
 * column is exactly as wide as its widest cell.  Columns are separated by
 * two blanks; a left-aligned last column is not padded.  Columns whose
 * heading starts with a '>' are right-aligned (numbers); the '>' is not
 * printed.
 */
struct table {
	unsigned int ncols;
	const char *head[TABLE_MAX_COLS];
	char **cells;			/* nrows * ncols strings */
	size_t nrows, cap;
};

/* ncols beyond TABLE_MAX_COLS are ignored; head is not copied. */
void table_init(struct table *t, unsigned int ncols, const char *const *head);
/*
 * Add a row of ncols strings (copied; NULL prints as an empty cell).
 * Returns 0, or -1 on out of memory with the table unchanged.
 */
int table_add(struct table *t, const char *const *row);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
