/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by podvolctl's commands that need no kernel: size
 * parsing and printing, a small JSON writer, error reporting.  JSON
 * string literals and tables come from tools/lib/output.h.
 */
#ifndef PODVOLCTL_UTIL_H
#define PODVOLCTL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"

extern const char *progname;

void pv_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse "10G", "512K", "4096", "1.5G" (binary multiples, optional "iB"/"B").
 * A plain number is bytes.  Returns 0 and stores bytes, or -1 with *why set
 * to a static message.
 */
int parse_size(const char *s, uint64_t *bytes, const char **why);

/* Human form: "10G", "1.50G", "4K", "512B" into buf. */
const char *format_size(uint64_t bytes, char *buf, size_t len);
#define SIZE_BUF 24

/* "POOL/NAME" split into two validated names.  0 or -1 with *why. */
int split_pool_volume(const char *arg, char *pool, size_t plen,
		      char *vol, size_t vlen, const char **why);

/* Pool and volume names: 1..maxlen-1 chars of [A-Za-z0-9._-], no leading '.'/'-'. */
int check_name(const char *s, size_t maxlen, const char **why);

/* UUID text <-> 16 bytes */
void uuid_to_str(const uint8_t uuid[16], char out[37]);
int uuid_from_str(const char *s, uint8_t uuid[16]);


#endif
