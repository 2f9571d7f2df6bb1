/* SPDX-License-Identifier: GPL-2.0 */
/* Deterministic PRNG shared by podvol's KUnit tests (xorshift64*). */
#ifndef _PODVOL_PV_KUNIT_H
#define _PODVOL_PV_KUNIT_H

#include <linux/types.h>

struct pv_rng {
	u64 s;
};

static inline u64 pv_rnd64(struct pv_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for tests; n > 0. */
static inline u32 pv_rnd(struct pv_rng *r, u32 n)
{
	return (u32)(pv_rnd64(r) >> 32) % n;
}

#endif /* _PODVOL_PV_KUNIT_H */
