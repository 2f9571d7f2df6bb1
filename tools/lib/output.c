// SPDX-License-Identifier: GPL-2.0
/*
 * Output helpers shared by the tools: JSON documents built with libjansson
 * and column-aligned tables.
 */
#include <stdlib.h>
#include <string.h>

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
