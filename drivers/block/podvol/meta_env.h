/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The few things map.c and meta.c need from their surroundings, so that the
 * same two files build in the kernel and in userspace (podvolctl's "check"
 * and "probe" compile them directly: add -I<this dir> -I<include/uapi> and
 * build map.c and meta.c as ordinary C11).  Outside the kernel this header
 * supplies the kernel integer and endianness helpers, calloc/free/qsort and a
 * bitwise CRC32C that matches the kernel's crc32c() (raw: no pre- or
 * post-inversion).  Nothing here does I/O.
 */
#ifndef _PODVOL_META_ENV_H
#define _PODVOL_META_ENV_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/crc32c.h>
#include <asm/byteorder.h>

static inline void *pv_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void pv_free(void *p)
{
	kvfree(p);
}

static inline void pv_sort(void *base, size_t num, size_t size,
			   int (*cmp)(const void *, const void *))
{
	sort(base, num, size, cmp, NULL);
}

static inline u32 pv_crc32c(u32 crc, const void *p, size_t len)
{
	return crc32c(crc, p, len);
}

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <endian.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)
#define le64_to_cpu(x)	le64toh(x)
#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define cpu_to_le64(x)	htole64(x)

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
			   _a < _b ? _a : _b; })
#define max(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
			   _a > _b ? _a : _b; })

static inline u64 DIV_ROUND_UP_ULL(u64 n, u32 d)
{
	return (n + d - 1) / d;
}

#define round_down(x, y)	((x) & ~((__typeof__(x))(y) - 1))
#define round_up(x, y)	((((x) - 1) | ((__typeof__(x))(y) - 1)) + 1)

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline int ilog2(u64 n)
{
	return 63 - __builtin_clzll(n);
}

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline void *pv_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void pv_free(void *p)
{
	free(p);
}

static inline void pv_sort(void *base, size_t num, size_t size,
			   int (*cmp)(const void *, const void *))
{
	qsort(base, num, size, cmp);
}

static inline u32 pv_crc32c(u32 crc, const void *p, size_t len)
{
	const u8 *b = p;
	int i;

	while (len--) {
		crc ^= *b++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return crc;
}

#endif /* __KERNEL__ */

#endif /* _PODVOL_META_ENV_H */
