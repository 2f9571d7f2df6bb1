// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl helpers with no kernel dependency, unit-tested on the host
 * (see test.c).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *progname = "podvolctl";

void pv_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void pv_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int parse_size(const char *s, uint64_t *bytes, const char **why)
{
	uint64_t whole = 0, frac = 0, fracdiv = 1, mult = 1, v;
	const char *p = s;
	int shift = 0;

	if (!s || !*s) {
		*why = "empty size";
		return -1;
	}
	if (!isdigit((unsigned char)*p)) {
		*why = "size must start with a digit";
		return -1;
	}
	while (isdigit((unsigned char)*p)) {
		if (whole > (UINT64_MAX - 9) / 10) {
			*why = "size too large";
			return -1;
		}
		whole = whole * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p)) {
			*why = "malformed fraction";
			return -1;
		}
		while (isdigit((unsigned char)*p)) {
			/* more than 6 decimals is noise at these scales */
			if (fracdiv < 1000000) {
				frac = frac * 10 + (*p - '0');
				fracdiv *= 10;
			}
			p++;
		}
	}
	switch (toupper((unsigned char)*p)) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	case 'P':
		shift = 50;
		break;
	case 'B':
	case '\0':
		break;
	default:
		*why = "unknown size suffix (use K, M, G, T or P)";
		return -1;
	}
	if (shift) {
		p++;
		if (p[0] == 'i' && (p[1] == 'B' || p[1] == 'b'))
			p += 2;
		else if (*p == 'B' || *p == 'b')
			p++;
	} else if (*p) {
		p++;	/* the 'B' */
	}
	if (*p) {
		*why = "trailing characters after size";
		return -1;
	}
	mult = 1ULL << shift;
	if (whole > UINT64_MAX >> shift) {
		*why = "size too large";
		return -1;
	}
	v = whole << shift;
	if (frac) {
		uint64_t f;

		if (!shift) {
			*why = "fractional number of bytes";
			return -1;
		}
		/* mult <= 2^50 and frac < 10^6 < 2^20: no overflow */
		f = frac * mult / fracdiv;
		if (frac * mult % fracdiv) {
			*why = "size is not a whole number of bytes";
			return -1;
		}
		if (v > UINT64_MAX - f) {
			*why = "size too large";
			return -1;
		}
		v += f;
	}
	*bytes = v;
	return 0;
}

const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char suf[] = "KMGTP";
	int i;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 "B", bytes);
		return buf;
	}
	for (i = 4; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (bytes < unit)
			continue;
		if (bytes % unit == 0)
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, suf[i]);
		else
			snprintf(buf, len, "%.2f%c", (double)bytes / unit, suf[i]);
		return buf;
	}
	snprintf(buf, len, "%" PRIu64 "B", bytes);
	return buf;
}

int check_name(const char *s, size_t maxlen, const char **why)
{
	size_t n = strlen(s);
	const char *p;

	if (!n) {
		*why = "empty name";
		return -1;
	}
	if (n >= maxlen) {
		*why = "name too long";
		return -1;
	}
	if (s[0] == '.' || s[0] == '-') {
		*why = "name may not start with '.' or '-'";
		return -1;
	}
	for (p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' &&
		    *p != '-') {
			*why = "name may only contain letters, digits, '.', '_' and '-'";
			return -1;
		}
	}
	return 0;
}

int split_pool_volume(const char *arg, char *pool, size_t plen,
		      char *vol, size_t vlen, const char **why)
{
	const char *slash = strchr(arg, '/');
	size_t pl;

	if (!slash) {
		*why = "expected POOL/NAME";
		return -1;
	}
	pl = slash - arg;
	if (pl >= plen) {
		*why = "pool name too long";
		return -1;
	}
	if (!pl) {
		*why = "empty pool name";
		return -1;
	}
	if (!slash[1]) {
		*why = "empty volume name";
		return -1;
	}
	memcpy(pool, arg, pl);
	pool[pl] = '\0';
	if (check_name(pool, plen, why))
		return -1;
	if (strchr(slash + 1, '/')) {
		*why = "volume name may not contain '/'";
		return -1;
	}
	if (strlen(slash + 1) >= vlen) {
		*why = "volume name too long";
		return -1;
	}
	strcpy(vol, slash + 1);
	return check_name(vol, vlen, why);
}

void uuid_to_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

int uuid_from_str(const char *s, uint8_t u[16])
{
	int i, n = 0;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]))
			return -1;
	}
	if (s[36])
		return -1;
	for (i = 0; i < 36 && n < 16; i++) {
		char hex[3];

		if (s[i] == '-')
			continue;
		hex[0] = s[i];
		hex[1] = s[i + 1];
		hex[2] = 0;
		u[n++] = (uint8_t)strtoul(hex, NULL, 16);
		i++;
	}
	return 0;
}
