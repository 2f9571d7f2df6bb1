/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PODVOLCTL_TEST_H
#define PODVOLCTL_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

extern int test_n, test_failed;
void test_result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* test_meta.c: codec and probe/check on images; @tool may be NULL */
void test_meta(const char *tool);

#endif
