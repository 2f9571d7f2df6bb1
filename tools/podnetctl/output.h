/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers: JSON strings and column-aligned tables.
 */
#ifndef PODNETCTL_OUTPUT_H
#define PODNETCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Print s as a JSON string literal, quotes included. */
void json_string(FILE *f, const char *s);

/* Print "key": first, with a comma unless *first. */
void json_key(FILE *f, bool *first, const char *key);

#define TABLE_MAX_COLS 12

/*
 * A table is printed only once all its rows are known, so that every
 * column is exactly as wide as its widest cell.  Columns whose heading
 * starts with a '>' are right-aligned (numbers); the '>' is not printed.
 */
struct table {
	unsigned int ncols;
	const char *head[TABLE_MAX_COLS];
	char **cells;			/* nrows * ncols strings */
	size_t nrows, cap;
};

void table_init(struct table *t, unsigned int ncols, const char *const *head);
/* Add a row of ncols strings (copied). Returns 0 or -1 on out of memory. */
int table_add(struct table *t, const char *const *row);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
