/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' random numbers: xorshift64, seeded by the program (rs), so
 * that a seed repeats a run.
 */
#ifndef PODKIT_FUZZ_RND_H
#define PODKIT_FUZZ_RND_H

#include <stdint.h>

static uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* A number in [0, n), 0 when n is 0. */
static unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

#endif
