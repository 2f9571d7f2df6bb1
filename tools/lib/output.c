// SPDX-License-Identifier: GPL-2.0
/*
 * Output helpers shared by the tools: JSON string literals and
 * column-aligned tables.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

void json_string(FILE *f, const char *s)
{
	const unsigned char *c;

	fputc('"', f);
	for (c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*c < 0x20)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}

void json_key(FILE *f, bool *first, const char *key)
{
	if (!*first)
		fputc(',', f);
	*first = false;
	json_string(f, key);
	fputc(':', f);
}

void table_init(struct table *t, unsigned int ncols, const char *const *head)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
	for (i = 0; i < t->ncols; i++)
		t->head[i] = head[i];
}

int table_add(struct table *t, const char *const *row)
{
	unsigned int i;
	char **c;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		c = realloc(t->cells, cap * t->ncols * sizeof(*c));
		if (!c)
			return -1;
		t->cells = c;
		t->cap = cap;
	}
	c = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		c[i] = strdup(row[i] ? row[i] : "");
		if (!c[i]) {
			while (i--)
				free(c[i]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

static const char *heading(const struct table *t, unsigned int i, bool *right)
{
	*right = t->head[i][0] == '>';
	return t->head[i] + *right;
}

static void print_row(const struct table *t, FILE *f, const size_t *w,
		      const char *const *row)
{
	unsigned int i;
	bool right;

	for (i = 0; i < t->ncols; i++) {
		bool last = i + 1 == t->ncols;

		heading(t, i, &right);
		if (right)
			fprintf(f, "%*s", (int)w[i], row[i]);
		else if (last)
			fputs(row[i], f);
		else
			fprintf(f, "%-*s", (int)w[i], row[i]);
		fputs(last ? "\n" : "  ", f);
	}
}

void table_print(const struct table *t, FILE *f)
{
	const char *head[TABLE_MAX_COLS];
	size_t w[TABLE_MAX_COLS];
	unsigned int i;
	size_t r;
	bool right;

	for (i = 0; i < t->ncols; i++) {
		head[i] = heading(t, i, &right);
		w[i] = strlen(head[i]);
	}
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			size_t l = strlen(t->cells[r * t->ncols + i]);

			if (l > w[i])
				w[i] = l;
		}
	print_row(t, f, w, head);
	for (r = 0; r < t->nrows; r++)
		print_row(t, f, w, (const char *const *)t->cells + r * t->ncols);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
