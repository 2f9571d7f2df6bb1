// SPDX-License-Identifier: GPL-2.0
/*
 * Output helpers shared by the tools: JSON documents built with libjansson
 * and tables printed with libsmartcols.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols.h>

#include "output.h"

/* Length of the valid UTF-8 sequence at s, or 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

json_t *json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	json_t *v;
	char *buf;

	/* Each bad byte grows from 1 to 3 bytes (EF BF BD). */
	buf = malloc(3 * len + 1);
	if (!buf)
		return NULL;
	while (i < len) {
		n = utf8_len(p + i);
		if (n) {
			memcpy(buf + o, p + i, n);
			i += n;
			o += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			i++;
			o += 3;
		}
	}
	v = json_stringn_nocheck(buf, o);
	free(buf);
	return v;
}

void json_init(struct json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

/* Add v (a new reference, may be NULL) at the current place. */
static void json_add(struct json *j, const char *key, json_t *v)
{
	json_t *top = j->depth ? j->stack[j->depth - 1] : NULL;
	int err;

	if (!v) {
		j->failed = true;
		return;
	}
	if (!top) {
		if (j->root) {		/* a second document: a caller's bug */
			json_decref(v);
			j->failed = true;
			return;
		}
		j->root = v;
		return;
	}
	if (json_is_array(top))
		err = json_array_append_new(top, v);
	else
		err = json_object_set_new_nocheck(top, key ? key : "", v);
	if (err)
		j->failed = true;
}

static void json_open(struct json *j, const char *key, json_t *v)
{
	if (v && j->depth == JSON_MAX_DEPTH) {
		json_decref(v);
		v = NULL;
	}
	if (v)
		json_incref(v);		/* the stack's reference */
	json_add(j, key, v);
	if (!v)
		return;
	j->stack[j->depth++] = v;
}

static void json_close(struct json *j)
{
	if (j->depth)
		json_decref(j->stack[--j->depth]);
}

void json_obj_open(struct json *j, const char *key)
{
	json_open(j, key, json_object());
}

void json_obj_close(struct json *j)
{
	json_close(j);
}

void json_arr_open(struct json *j, const char *key)
{
	json_open(j, key, json_array());
}

void json_arr_close(struct json *j)
{
	json_close(j);
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_add(j, key, json_text(val));
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	/* jansson's integers are signed 64 bits; no counter gets near 2^63. */
	json_add(j, key, json_integer((json_int_t)val));
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_add(j, key, json_boolean(val));
}

void json_discard(struct json *j)
{
	while (j->depth)
		json_close(j);
	json_decref(j->root);
	j->root = NULL;
}

int json_end(struct json *j)
{
	size_t flags = JSON_ENCODE_ANY | (j->pretty ? JSON_INDENT(2) : JSON_COMPACT);
	int ret = -1;

	while (j->depth)
		json_close(j);
	if (!j->root && !j->failed)	/* nothing to print */
		return 0;
	if (j->root && !j->failed && !json_dumpf(j->root, j->f, flags)) {
		fputc('\n', j->f);
		ret = fflush(j->f) ? -1 : 0;
	}
	json_decref(j->root);
	j->root = NULL;
	return ret;
}

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * A label value: backslash, double quote and newline escaped, bytes that
 * are not UTF-8 replaced by U+FFFD (as json_text() does).
 */
static void prom_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		n = utf8_len(p);
		if (!n) {
			fputs("\xef\xbf\xbd", f);
			n = 1;
		} else if (*p == '\\' || *p == '"') {
			fprintf(f, "\\%c", *p);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
	}
}

void prom_sample(FILE *f, const char *name, const char *const *labels,
		 uint64_t value)
{
	const char *const *l;

	fputs(name, f);
	for (l = labels; l && l[0]; l += 2) {
		fprintf(f, "%s%s=\"", l == labels ? "{" : ",", l[0]);
		prom_value(f, l[1] ? l[1] : "");
		fputc('"', f);
	}
	fprintf(f, "%s %llu\n", labels && labels[0] ? "}" : "",
		(unsigned long long)value);
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

struct table_opts table_opts;

int table_opts_check(bool json_output)
{
	if (json_output && (table_opts.columns || table_opts.noheadings ||
			    table_opts.mode != TABLE_ALIGNED))
		return -1;
	return 0;
}

static const char *heading(const struct table *t, unsigned int i, bool *right)
{
	*right = t->head[i][0] == '>';
	return t->head[i] + *right;
}

/* The column of t whose heading is name (len bytes, any case), or -1. */
static int column_by_name(const struct table *t, const char *name, size_t len)
{
	unsigned int i;
	bool right;

	for (i = 0; i < t->ncols; i++) {
		const char *h = heading(t, i, &right);

		if (strlen(h) == len && !strncasecmp(h, name, len))
			return i;
	}
	return -1;
}

/*
 * The columns table_opts.columns selects, as lsblk -o reads its list:
 * names separated by commas, in the order given; a list starting with
 * '+' adds its columns to the default ones.
 */
static int select_columns(const struct table *t, int *sel, unsigned int *n)
{
	const char *s = table_opts.columns, *end;
	unsigned int i;
	bool right;

	*n = 0;
	if (!s || *s == '+') {
		for (i = 0; i < t->ncols; i++)
			sel[(*n)++] = i;
		if (!s)
			return 0;
		s++;
	}
	for (; ; s = end + 1) {
		int c;

		end = strchrnul(s, ',');
		c = column_by_name(t, s, end - s);
		if (c < 0 || *n == TABLE_MAX_SEL) {
			/* named as the tool's other errors are */
			fprintf(stderr, c < 0 ? "%s: unknown column '%.*s'; columns:" :
				"%s: too many columns in '%.*s'; columns:",
				program_invocation_short_name, (int)(end - s), s);
			for (i = 0; i < t->ncols; i++)
				fprintf(stderr, "%s%s", i ? "," : " ",
					heading(t, i, &right));
			fputc('\n', stderr);
			return -1;
		}
		sel[(*n)++] = c;
		if (!*end)
			return 0;
	}
}

int table_columns_valid(unsigned int ncols, const char *const *head)
{
	int sel[TABLE_MAX_SEL];
	unsigned int n;
	struct table t;

	table_init(&t, ncols, head);
	return select_columns(&t, sel, &n) ? TABLE_BAD_COLUMNS : 0;
}

unsigned long table_plain_prints;

/*
 * Printable ASCII but the blank and the backslash (libsmartcols escapes it
 * in raw mode and takes "\\x" for an escape when it measures a cell): a
 * cell both printers print as it is.
 */
static bool plain_cell(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '\\')
			return false;
	return true;
}

static void put_blanks(FILE *f, size_t n)
{
	static const char blanks[] = "                                ";
	size_t k;

	for (; n; n -= k) {
		k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;
		fwrite(blanks, 1, k, f);
	}
}

/*
 * Aligned or raw output of a table whose cells are all plain, printed here:
 * the same bytes as libsmartcols prints (test_output compares the two), a
 * tenth of its time.  A million routes took podnetctl 65 s in a TCG guest
 * through libsmartcols, which measures every cell's width as wide
 * characters.  Returns 1 if the table is not plain (libsmartcols prints it).
 */
static int table_print_plain(const struct table *t, const int *sel,
			     unsigned int n, FILE *f)
{
	bool raw = table_opts.mode == TABLE_RAW, right[TABLE_MAX_SEL];
	size_t w[TABLE_MAX_SEL], r, len;
	const char *s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		s = heading(t, sel[i], &right[i]);
		if (!plain_cell(s))
			return 1;
		w[i] = strlen(s);	/* even without the heading line */
	}
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < n; i++) {
			s = t->cells[r * t->ncols + sel[i]];
			if (!*s || !plain_cell(s))
				return 1;
			len = strlen(s);
			if (len > w[i])
				w[i] = len;
		}
	table_plain_prints++;
	for (r = table_opts.noheadings; r <= t->nrows; r++)
		for (i = 0; i < n; i++) {
			bool last = i == n - 1;
			size_t pad;

			s = r ? t->cells[(r - 1) * t->ncols + sel[i]] :
				heading(t, sel[i], &right[i]);
			len = strlen(s);
			pad = raw || (last && !right[i]) ? 0 : w[i] - len;
			if (right[i])
				put_blanks(f, pad);
			fwrite(s, 1, len, f);
			if (!right[i])
				put_blanks(f, pad);
			fputs(last ? "\n" : raw ? " " : "  ", f);
		}
	return ferror(f) ? -1 : 0;
}

/* The table as libsmartcols prints it: every mode, any bytes. */
static int table_print_smartcols(const struct table *t, const int *sel,
				 unsigned int n, FILE *f)
{
	struct libscols_table *tb;
	unsigned int i;
	int ret = -1;
	bool right;
	size_t r;

	tb = scols_new_table();
	if (!tb)
		return -1;
	/* Aligned output never depends on the terminal's width. */
	if (scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER) ||
	    scols_table_set_stream(tb, f) ||
	    scols_table_enable_noheadings(tb, table_opts.noheadings))
		goto out;
	switch (table_opts.mode) {
	case TABLE_ALIGNED:
		if (scols_table_set_column_separator(tb, "  "))
			goto out;
		break;
	case TABLE_RAW:
		if (scols_table_enable_raw(tb, 1))
			goto out;
		break;
	case TABLE_PAIRS:
		/* MAJ:MIN="8:0" would not be a shell variable: MAJ_MIN. */
		if (scols_table_enable_export(tb, 1) ||
		    scols_table_enable_shellvar(tb, 1))
			goto out;
		break;
	}
	for (i = 0; i < n; i++) {
		const char *h = heading(t, sel[i], &right);

		if (!scols_table_new_column(tb, h, 0, right ? SCOLS_FL_RIGHT : 0))
			goto out;
	}
	for (r = 0; r < t->nrows; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto out;
		for (i = 0; i < n; i++)
			if (scols_line_set_data(ln, i,
						t->cells[r * t->ncols + sel[i]]))
				goto out;
	}
	ret = scols_print_table(tb) ? -1 : 0;
out:
	scols_unref_table(tb);
	return ret;
}

int table_print_with(const struct table *t, FILE *f, bool smartcols)
{
	int sel[TABLE_MAX_SEL];
	unsigned int n;
	int ret = 1;

	if (select_columns(t, sel, &n))
		return TABLE_BAD_COLUMNS;
	if (!smartcols && t->nrows && table_opts.mode != TABLE_PAIRS)
		ret = table_print_plain(t, sel, n, f);
	return ret == 1 ? table_print_smartcols(t, sel, n, f) : ret;
}

int table_print(const struct table *t, FILE *f)
{
	return table_print_with(t, f, false);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
