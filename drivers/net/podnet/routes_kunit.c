// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the podnet route table (routes.c, included whole so the
 * test module is self-contained): prefixes of every length and family,
 * overlaps, the write semantics, walks, whole-table swaps, route set
 * transactions, and a long randomized run checked against a naive list.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include "routes.c"

struct pn_test {
	struct kunit *test;
	struct pn_routes r;
};

static void pn_addr4(struct pn_addr *a, u32 host_order)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->v4 = cpu_to_be32(host_order);
}

static void pn_addr6(struct pn_addr *a, u64 hi, u64 lo)
{
	__be64 b[2] = { cpu_to_be64(hi), cpu_to_be64(lo) };

	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	memcpy(a->bytes, b, sizeof(b));
}

/* Route "via" addresses are 192.0.0.0 + ID, so a lookup result names its ID. */
static void via_id(struct pn_addr *via, u32 id)
{
	pn_addr4(via, 0xc0000000 | id);
}

static int entry_id(const struct pn_peer *e)
{
	return e ? be32_to_cpu(e->via.v4) & 0xffffff : -1;
}

static int add(struct pn_routes *r, const struct pn_addr *dst, u8 cidr,
	       u32 id, unsigned int flags)
{
	struct pn_addr via;
	int err;

	via_id(&via, id);
	mutex_lock(&r->lock);
	err = pn_routes_insert(r, pn_deref(r, r->trie), dst, cidr, &via, flags);
	mutex_unlock(&r->lock);
	return err;
}

static int add4(struct pn_routes *r, u32 addr, u8 cidr, u32 id)
{
	struct pn_addr dst;

	pn_addr4(&dst, addr);
	return add(r, &dst, cidr, id, 0);
}

static int add6(struct pn_routes *r, u64 hi, u64 lo, u8 cidr, u32 id)
{
	struct pn_addr dst;

	pn_addr6(&dst, hi, lo);
	return add(r, &dst, cidr, id, 0);
}

static int del(struct pn_routes *r, const struct pn_addr *dst, u8 cidr)
{
	int err;

	mutex_lock(&r->lock);
	err = pn_routes_remove(r, dst, cidr, NULL);
	mutex_unlock(&r->lock);
	return err;
}

static int look(struct pn_routes *r, const struct pn_addr *a)
{
	int id;

	rcu_read_lock();
	id = entry_id(pn_routes_lookup(r, a));
	rcu_read_unlock();
	return id;
}

static int look4(struct pn_routes *r, u32 addr)
{
	struct pn_addr a;

	pn_addr4(&a, addr);
	return look(r, &a);
}

static int look6(struct pn_routes *r, u64 hi, u64 lo)
{
	struct pn_addr a;

	pn_addr6(&a, hi, lo);
	return look(r, &a);
}

static int walk_count_fn(void *ctx, const struct pn_addr *dst, u8 cidr,
			 struct pn_peer *e)
{
	(*(unsigned long *)ctx)++;
	return 0;
}

static unsigned long walk_count(struct pn_routes *r)
{
	struct pn_walk_pos pos = { };
	unsigned long n = 0;

	mutex_lock(&r->lock);
	pn_routes_walk(r, &pos, walk_count_fn, &n);
	mutex_unlock(&r->lock);
	return n;
}

static int routes_init(struct kunit *test)
{
	struct pn_routes *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, pn_routes_init(r), 0);
	test->priv = r;
	return 0;
}

static void routes_exit(struct kunit *test)
{
	pn_routes_destroy(test->priv);
}

static void pn_test_ipv4(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_addr dst;

	KUNIT_EXPECT_EQ(test, look4(r, 0x0a000001), -1);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a000000, 8, 1), 0);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a010000, 16, 2), 0);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a010203, 32, 3), 0);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a010200, 24, 4), 0);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a020304), 1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010909), 2);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010203), 3);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010204), 4);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0b000001), -1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x09ffffff), -1);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 4U);

	pn_addr4(&dst, 0x0a010000);
	KUNIT_EXPECT_EQ(test, del(r, &dst, 16), 0);
	KUNIT_EXPECT_EQ(test, del(r, &dst, 16), -ENOENT);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010909), 1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010203), 3);
	pn_addr4(&dst, 0x0a010203);
	KUNIT_EXPECT_EQ(test, del(r, &dst, 32), 0);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010203), 4);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 2U);
	KUNIT_EXPECT_EQ(test, walk_count(r), 2UL);
}

static void pn_test_default_and_host(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_addr dst;

	KUNIT_EXPECT_EQ(test, add4(r, 0, 0, 7), 0);
	KUNIT_EXPECT_EQ(test, look4(r, 0), 7);
	KUNIT_EXPECT_EQ(test, look4(r, 0xffffffff), 7);
	KUNIT_EXPECT_EQ(test, add4(r, 0xffffffff, 32, 8), 0);
	KUNIT_EXPECT_EQ(test, add4(r, 0, 32, 9), 0);
	KUNIT_EXPECT_EQ(test, look4(r, 0xffffffff), 8);
	KUNIT_EXPECT_EQ(test, look4(r, 0xfffffffe), 7);
	KUNIT_EXPECT_EQ(test, look4(r, 0), 9);
	KUNIT_EXPECT_EQ(test, look4(r, 1), 7);

	KUNIT_EXPECT_EQ(test, add6(r, 0, 0, 0, 10), 0);
	KUNIT_EXPECT_EQ(test, add6(r, ~0ULL, ~0ULL, 128, 11), 0);
	KUNIT_EXPECT_EQ(test, add6(r, 0x20010db800000000ULL, 1, 128, 12), 0);
	KUNIT_EXPECT_EQ(test, look6(r, ~0ULL, ~0ULL), 11);
	KUNIT_EXPECT_EQ(test, look6(r, ~0ULL, ~1ULL), 10);
	KUNIT_EXPECT_EQ(test, look6(r, 0x20010db800000000ULL, 1), 12);
	KUNIT_EXPECT_EQ(test, look6(r, 0x20010db800000000ULL, 2), 10);
	/* The families do not see each other's /0. */
	pn_addr4(&dst, 0);
	KUNIT_EXPECT_EQ(test, del(r, &dst, 0), 0);
	KUNIT_EXPECT_EQ(test, look4(r, 0x01020304), -1);
	KUNIT_EXPECT_EQ(test, look6(r, 1, 2), 10);
	pn_addr6(&dst, 0, 0);
	KUNIT_EXPECT_EQ(test, del(r, &dst, 0), 0);
	KUNIT_EXPECT_EQ(test, look6(r, 1, 2), -1);
	KUNIT_EXPECT_EQ(test, look6(r, ~0ULL, ~0ULL), 11);
}

static void pn_test_ipv6(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_addr dst;

	KUNIT_EXPECT_EQ(test, add6(r, 0xfd44000000000000ULL, 0, 16, 1), 0);
	KUNIT_EXPECT_EQ(test, add6(r, 0xfd44000100000000ULL, 0, 64, 2), 0);
	KUNIT_EXPECT_EQ(test, add6(r, 0xfd44000200000000ULL, 0, 64, 3), 0);
	KUNIT_EXPECT_EQ(test, add6(r, 0xfd44000100000000ULL, 0x10, 128, 4), 0);
	KUNIT_EXPECT_EQ(test, add6(r, 0xfd44000100000000ULL, 0x8000000000000000ULL,
				   65, 5), 0);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000100000000ULL, 0x11), 2);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000100000000ULL, 0x10), 4);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000100000000ULL, 0x8000000000000001ULL), 5);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000200000000ULL, 7), 3);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000300000000ULL, 7), 1);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd45000000000000ULL, 7), -1);
	/* An IPv4 lookup never matches IPv6 prefixes. */
	KUNIT_EXPECT_EQ(test, look4(r, 0xfd440001), -1);

	pn_addr6(&dst, 0xfd44000100000000ULL, 0);
	KUNIT_EXPECT_EQ(test, del(r, &dst, 64), 0);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000100000000ULL, 0x11), 1);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000100000000ULL, 0x10), 4);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd44000100000000ULL, 0x8000000000000001ULL), 5);
	KUNIT_EXPECT_EQ(test, walk_count(r), 4UL);
}

static void pn_test_semantics(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_addr dst, via;
	struct pn_peer *e;
	u64 tp, tb, rp, rb;

	pn_addr4(&dst, 0x0a000000);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 8, 1, PN_INSERT_EXCL), 0);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 8, 2, PN_INSERT_EXCL), -EEXIST);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a000001), 1);

	/* Counters are the node's: replacing the via moves to the new one's. */
	rcu_read_lock();
	e = pn_routes_lookup4(r, cpu_to_be32(0x0a000001));
	pn_peer_count(e, true, 3, 300);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, add(r, &dst, 8, 2, 0), 0);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a000001), 2);
	rcu_read_lock();
	e = pn_routes_lookup4(r, cpu_to_be32(0x0a000001));
	pn_peer_stats(e, &tp, &tb, &rp, &rb);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, tp, 0ULL);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 1U);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 1U);

	pn_addr4(&dst, 0x0b000000);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 8, 3, PN_INSERT_NOCREATE), -ENOENT);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0b000001), -1);

	/* Host bits and lengths beyond the family are refused. */
	pn_addr4(&dst, 0x0a000001);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 8, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 33, 4, 0), -EINVAL);
	pn_addr6(&dst, 0, 1);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 127, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 129, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, add(r, &dst, 128, 4, 0), 0);

	/* Removing with the wrong via is refused. */
	pn_addr4(&dst, 0x0a000000);
	via_id(&via, 9);
	mutex_lock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_routes_remove(r, &dst, 8, &via), -ESRCH);
	via_id(&via, 2);
	KUNIT_EXPECT_EQ(test, pn_routes_remove(r, &dst, 8, &via), 0);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 1U);
}

struct walk_rec {
	struct pn_addr dst[8];
	u8 cidr[8];
	int n, stop_at;
};

static int walk_rec_fn(void *ctx, const struct pn_addr *dst, u8 cidr,
		       struct pn_peer *e)
{
	struct walk_rec *w = ctx;

	if (w->n == w->stop_at || w->n >= (int)ARRAY_SIZE(w->dst))
		return -EMSGSIZE;
	w->dst[w->n] = *dst;
	w->cidr[w->n++] = cidr;
	return 0;
}

static void pn_test_walk(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct walk_rec w = { .stop_at = -1 };
	struct pn_walk_pos pos = { };
	int err;

	add4(r, 0x0a010000, 16, 1);
	add4(r, 0x0a000000, 8, 2);
	add4(r, 0x0a800000, 9, 3);
	add6(r, 0xfd00000000000000ULL, 0, 8, 4);
	add4(r, 0, 0, 5);

	mutex_lock(&r->lock);
	err = pn_routes_walk(r, &pos, walk_rec_fn, &w);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, w.n, 5);
	/* IPv4 first, in prefix order, shorter prefixes first. */
	KUNIT_EXPECT_EQ(test, w.cidr[0], 0);
	KUNIT_EXPECT_EQ(test, w.cidr[1], 8);
	KUNIT_EXPECT_EQ(test, w.cidr[2], 16);
	KUNIT_EXPECT_EQ(test, w.cidr[3], 9);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(w.dst[3].v4), 0x0a800000U);
	KUNIT_EXPECT_EQ(test, w.dst[4].family, AF_INET6);

	/* Stop after two, then resume from there. */
	memset(&w, 0, sizeof(w));
	memset(&pos, 0, sizeof(pos));
	w.stop_at = 2;
	mutex_lock(&r->lock);
	err = pn_routes_walk(r, &pos, walk_rec_fn, &w);
	KUNIT_EXPECT_EQ(test, err, -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, pos.cidr, 8);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(pos.dst.v4), 0x0a000000U);
	memset(&w, 0, sizeof(w));
	w.stop_at = -1;
	err = pn_routes_walk(r, &pos, walk_rec_fn, &w);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, w.n, 3);
	KUNIT_EXPECT_EQ(test, w.cidr[0], 16);
}

static void pn_test_swap_flush(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_addr dst, via;
	struct pn_peer *e;
	struct pn_trie *t;
	u64 tp, tb, rp, rb;
	u32 gen;

	add4(r, 0x0a010000, 16, 1);
	add4(r, 0x0a020000, 16, 2);
	add6(r, 0xfd00000000000000ULL, 0, 8, 3);
	rcu_read_lock();
	e = pn_routes_lookup4(r, cpu_to_be32(0x0a010001));
	pn_peer_count(e, false, 5, 500);
	rcu_read_unlock();

	/*
	 * New table: 10.1/16 kept (via the same node, so its counters too),
	 * 10.2/16 gone, 10.3/16 new via the same node.
	 */
	t = pn_trie_alloc();
	KUNIT_ASSERT_NOT_NULL(test, t);
	gen = r->generation;
	mutex_lock(&r->lock);
	pn_addr4(&dst, 0x0a010000);
	via_id(&via, 1);
	KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via,
					       PN_INSERT_EXCL), 0);
	KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via,
					       PN_INSERT_EXCL), -EEXIST);
	pn_addr4(&dst, 0x0a030000);
	KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via,
					       PN_INSERT_EXCL), 0);
	/* Peers 1, 2 and 3, shared by both tables. */
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 3U);
	/* Not yet visible. */
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a030001), -1);
	KUNIT_EXPECT_EQ(test, r->generation, gen);
	pn_routes_swap(r, t);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_EQ(test, r->generation, gen + 1);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 1U);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010001), 1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a020001), -1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a030001), 1);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd00000000000000ULL, 1), -1);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 2U);
	rcu_read_lock();
	e = pn_routes_lookup4(r, cpu_to_be32(0x0a010001));
	pn_peer_stats(e, &tp, &tb, &rp, &rb);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, rp, 5ULL);
	KUNIT_EXPECT_EQ(test, rb, 500ULL);

	add6(r, 0xfd00000000000000ULL, 0, 8, 3);
	mutex_lock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_routes_flush(r, AF_INET), 2U);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010001), -1);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd00000000000000ULL, 1), 3);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 1U);
	mutex_lock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_routes_flush(r, 0), 1U);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 0U);
	KUNIT_EXPECT_EQ(test, walk_count(r), 0UL);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 0U);
}

/* ---- randomized differential test against a plain list ---- */

#define REF_MAX		128
#define RANDOM_OPS	100000

struct ref_route {
	struct pn_addr dst;
	u8 cidr;
	u32 id;
};

static bool ref_matches(const struct ref_route *rr, const struct pn_addr *a)
{
	unsigned int whole = rr->cidr / 8, rest = rr->cidr % 8;
	u8 m = 0xff << (8 - rest);

	if (rr->dst.family != a->family ||
	    memcmp(rr->dst.bytes, a->bytes, whole))
		return false;
	return !rest || !((rr->dst.bytes[whole] ^ a->bytes[whole]) & m);
}

static int ref_lookup(const struct ref_route *ref, int n,
		      const struct pn_addr *a)
{
	int i, best = -1;

	for (i = 0; i < n; i++)
		if (ref_matches(&ref[i], a) &&
		    (best < 0 || ref[i].cidr > ref[best].cidr))
			best = i;
	return best < 0 ? -1 : ref[best].id;
}

static int ref_find(const struct ref_route *ref, int n,
		    const struct pn_addr *dst, u8 cidr)
{
	int i;

	for (i = 0; i < n; i++)
		if (ref[i].cidr == cidr && pn_addr_equal(&ref[i].dst, dst))
			return i;
	return -1;
}

static void mask_prefix(struct pn_addr *a, u8 cidr)
{
	unsigned int bits = a->family == AF_INET ? 32 : 128, i;

	for (i = cidr; i < bits; i++)
		a->bytes[i / 8] &= ~(0x80 >> (i % 8));
}

/* Addresses crowded into a small space, so prefixes overlap a lot. */
static void random_addr(struct rnd_state *rnd, struct pn_addr *a)
{
	u32 x = prandom_u32_state(rnd);

	memset(a, 0, sizeof(*a));
	if (x & 1) {
		a->family = AF_INET;
		a->v4 = cpu_to_be32(0x0a000000 | ((x >> 1) & 0xff) << 8 |
				    ((x >> 9) & 3) << 30 | ((x >> 11) & 3));
	} else {
		a->family = AF_INET6;
		a->bytes[0] = 0xfd;
		a->bytes[1] = (x >> 1) & 3;
		a->bytes[2] = (x >> 3) & 0xf;
		a->bytes[8] = (x >> 7) & 0x81;
		a->bytes[15] = (x >> 15) & 3;
	}
}

static u8 random_cidr(struct rnd_state *rnd, sa_family_t family)
{
	u32 x = prandom_u32_state(rnd);
	u8 bits = family == AF_INET ? 32 : 128;

	if ((x & 31) == 0)
		return 0;
	if ((x & 31) == 1)
		return bits;
	return (x >> 5) % (bits + 1);
}

static void pn_test_random(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct ref_route *ref;
	struct rnd_state rnd;
	int n = 0, i, errors = 0;
	unsigned long lookups = 0;

	ref = kunit_kcalloc(test, REF_MAX, sizeof(*ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	prandom_seed_state(&rnd, 0x706f646e6574ULL);

	for (i = 0; i < RANDOM_OPS && errors < 10; i++) {
		u32 op = prandom_u32_state(&rnd) % 100;
		struct pn_addr a;
		int k, want, got;
		u8 cidr;

		random_addr(&rnd, &a);
		if (op < 35 && n < REF_MAX) {
			u32 id = i + 1;

			cidr = random_cidr(&rnd, a.family);
			mask_prefix(&a, cidr);
			got = add(r, &a, cidr, id, 0);
			if (got) {
				KUNIT_FAIL(test, "op %d: insert failed: %d", i, got);
				errors++;
				continue;
			}
			k = ref_find(ref, n, &a, cidr);
			if (k < 0)
				k = n++;
			ref[k] = (struct ref_route){ .dst = a, .cidr = cidr,
						     .id = id };
		} else if (op < 55 && n) {
			/* Remove an existing route, or try a missing one. */
			if (op & 1) {
				k = prandom_u32_state(&rnd) % n;
				a = ref[k].dst;
				cidr = ref[k].cidr;
			} else {
				cidr = random_cidr(&rnd, a.family);
				mask_prefix(&a, cidr);
				k = ref_find(ref, n, &a, cidr);
			}
			got = del(r, &a, cidr);
			want = k < 0 ? -ENOENT : 0;
			if (got != want) {
				KUNIT_FAIL(test, "op %d: remove /%u: %d, want %d",
					   i, cidr, got, want);
				errors++;
			}
			if (k >= 0)
				ref[k] = ref[--n];
		} else {
			lookups++;
			want = ref_lookup(ref, n, &a);
			got = look(r, &a);
			if (got != want) {
				KUNIT_FAIL(test, "op %d: lookup %*phN: %d, want %d",
					   i, a.family == AF_INET ? 4 : 16,
					   a.bytes, got, want);
				errors++;
			}
		}
		if (i % 4096 == 0) {
			KUNIT_EXPECT_EQ(test, pn_routes_count(r), (unsigned int)n);
			KUNIT_EXPECT_EQ(test, walk_count(r), (unsigned long)n);
		}
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), (unsigned int)n);
	KUNIT_EXPECT_EQ(test, walk_count(r), (unsigned long)n);
	KUNIT_EXPECT_GT(test, lookups, 30000UL);
	kunit_info(test, "%d operations, %lu lookups, %d routes at the end",
		   i, lookups, n);
}

/* Prefixes via one address share one peer; the table has a limit. */
static void pn_test_peers_limit(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_peer *a, *b;
	struct pn_addr dst;
	struct pn_trie *t;
	u64 tp, tb, rp, rb;
	int i;

	KUNIT_EXPECT_EQ(test, add4(r, 0x0a010000, 16, 1), 0);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a020000, 16, 1), 0);
	KUNIT_EXPECT_EQ(test, add6(r, 0xfd00000000000000ULL, 0, 8, 1), 0);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a030000, 16, 2), 0);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 2U);
	rcu_read_lock();
	a = pn_routes_lookup4(r, cpu_to_be32(0x0a010001));
	b = pn_routes_lookup4(r, cpu_to_be32(0x0a020001));
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	pn_peer_count(a, true, 7, 700);
	pn_peer_stats(b, &tp, &tb, &rp, &rb);
	KUNIT_EXPECT_EQ(test, tp, 7ULL);
	b = pn_routes_lookup4(r, cpu_to_be32(0x0a030001));
	KUNIT_EXPECT_PTR_NE(test, a, b);
	rcu_read_unlock();

	/* The limit: a fifth prefix is refused, replacing one is not. */
	WRITE_ONCE(r->max_routes, 4);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a040000, 16, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, add4(r, 0x0a030000, 16, 1), 0);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 1U);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 4U);

	/* A table built aside has the same limit, and is discarded whole. */
	t = pn_trie_alloc();
	KUNIT_ASSERT_NOT_NULL(test, t);
	mutex_lock(&r->lock);
	for (i = 0; i < 5; i++) {
		struct pn_addr via;

		pn_addr4(&dst, 0x0b000000 + (i << 16));
		via_id(&via, 10 + i);
		KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via, 0),
				i < 4 ? 0 : -ENOSPC);
	}
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 5U);
	pn_trie_discard(r, t);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 1U);
	mutex_unlock(&r->lock);
}

/* ---- route set transactions ---- */

static struct { int x; } fake_net[2];

static void pn_test_txn(struct kunit *test)
{
	struct net *na = (void *)&fake_net[0], *nb = (void *)&fake_net[1];
	struct pn_routes *r = test->priv;
	struct pn_addr dst, via;
	struct pn_trie *t;
	u32 gen;
	int err, i;

	KUNIT_EXPECT_EQ(test, add4(r, 0x0a010000, 16, 1), 0);
	gen = r->generation;
	mutex_lock(&r->lock);
	KUNIT_EXPECT_PTR_EQ(test, pn_txn_get(r, na, 1, &err), NULL);
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	KUNIT_EXPECT_EQ(test, pn_txn_begin(r, na, 1), 0);
	KUNIT_EXPECT_TRUE(test, pn_txn_any());
	/* One transaction per device, whoever asks. */
	KUNIT_EXPECT_EQ(test, pn_txn_begin(r, na, 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, pn_txn_begin(r, nb, 2), -EBUSY);
	/* Only its owner, by netns and portid, may use it. */
	KUNIT_EXPECT_PTR_EQ(test, pn_txn_get(r, nb, 1, &err), NULL);
	KUNIT_EXPECT_EQ(test, err, -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, pn_txn_get(r, na, 2, &err), NULL);
	KUNIT_EXPECT_EQ(test, err, -EBUSY);
	KUNIT_EXPECT_TRUE(test, pn_txn_owned_by(r, na, 1));
	KUNIT_EXPECT_FALSE(test, pn_txn_owned_by(r, na, 0));
	t = pn_txn_get(r, na, 1, &err);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < 3; i++) {
		pn_addr4(&dst, 0x0b000000 + (i << 16));
		via_id(&via, 2 + i);
		KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via,
						       PN_INSERT_EXCL), 0);
	}
	KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via,
					       PN_INSERT_EXCL), -EEXIST);
	mutex_unlock(&r->lock);
	/* Nothing of it is visible before the commit. */
	KUNIT_EXPECT_EQ(test, look4(r, 0x0b000001), -1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010001), 1);
	KUNIT_EXPECT_EQ(test, r->generation, gen);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 1U);

	/* An abort leaves the table, its generation and its peers. */
	mutex_lock(&r->lock);
	pn_txn_abort(r);
	KUNIT_EXPECT_PTR_EQ(test, pn_txn_get(r, na, 1, &err), NULL);
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_FALSE(test, pn_txn_any());
	KUNIT_EXPECT_EQ(test, r->generation, gen);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 1U);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010001), 1);

	/* Bounded by the device's limit; a commit swaps the whole table. */
	WRITE_ONCE(r->max_routes, 2);
	mutex_lock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_txn_begin(r, nb, 7), 0);
	t = pn_txn_get(r, nb, 7, &err);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < 3; i++) {
		pn_addr4(&dst, 0x0c000000 + (i << 16));
		via_id(&via, 9);
		KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 16, &via,
						       PN_INSERT_EXCL),
				i < 2 ? 0 : -ENOSPC);
	}
	pn_txn_commit(r);
	KUNIT_EXPECT_PTR_EQ(test, pn_txn_get(r, nb, 7, &err), NULL);
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	mutex_unlock(&r->lock);
	KUNIT_EXPECT_FALSE(test, pn_txn_any());
	KUNIT_EXPECT_EQ(test, r->generation, gen + 1);
	KUNIT_EXPECT_EQ(test, pn_routes_count(r), 2U);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a010001), -1);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0c010001), 9);
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 1U);

	/* A transaction still pending is freed with the table (exit). */
	mutex_lock(&r->lock);
	KUNIT_EXPECT_EQ(test, pn_txn_begin(r, na, 3), 0);
	t = pn_txn_get(r, na, 3, &err);
	KUNIT_ASSERT_NOT_NULL(test, t);
	pn_addr4(&dst, 0x0d000000);
	KUNIT_EXPECT_EQ(test, pn_routes_insert(r, t, &dst, 8, &via, 0), 0);
	mutex_unlock(&r->lock);
}

/* ---- walks resumed by key ---- */

#define RESUME_ROUTES	3000

struct walk_list {
	struct pn_addr *dst;
	u8 *cidr;
	int n, max, stop_after;
};

static int walk_list_fn(void *ctx, const struct pn_addr *dst, u8 cidr,
			struct pn_peer *e)
{
	struct walk_list *w = ctx;

	if (!w->stop_after-- || w->n >= w->max)
		return -EMSGSIZE;
	w->dst[w->n] = *dst;
	w->cidr[w->n++] = cidr;
	return 0;
}

static bool same_route(const struct walk_list *a, int i,
		       const struct walk_list *b, int j)
{
	return a->cidr[i] == b->cidr[j] &&
	       pn_addr_equal(&a->dst[i], &b->dst[j]);
}

/*
 * A walk resumed in parts of any size gives exactly the routes of one
 * whole walk, in the same order; resuming after a route that is gone
 * since goes on with the route after it.
 */
static void pn_test_walk_resume(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct walk_list all = { }, part = { };
	struct pn_walk_pos pos;
	struct rnd_state rnd;
	int i, k, chunk, err;

	all.max = RESUME_ROUTES;
	part.max = RESUME_ROUTES;
	all.dst = kunit_kcalloc(test, RESUME_ROUTES, sizeof(*all.dst),
				GFP_KERNEL);
	all.cidr = kunit_kcalloc(test, RESUME_ROUTES, 1, GFP_KERNEL);
	part.dst = kunit_kcalloc(test, RESUME_ROUTES, sizeof(*part.dst),
				 GFP_KERNEL);
	part.cidr = kunit_kcalloc(test, RESUME_ROUTES, 1, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, all.dst && all.cidr && part.dst && part.cidr);
	prandom_seed_state(&rnd, 0x726573756d65ULL);
	for (i = 0; i < RESUME_ROUTES; i++) {
		struct pn_addr a;
		u8 cidr;

		random_addr(&rnd, &a);
		cidr = random_cidr(&rnd, a.family);
		mask_prefix(&a, cidr);
		KUNIT_ASSERT_EQ(test, add(r, &a, cidr, i % 50 + 1, 0), 0);
	}
	KUNIT_EXPECT_EQ(test, pn_routes_peers(r), 50U);

	mutex_lock(&r->lock);
	memset(&pos, 0, sizeof(pos));
	all.stop_after = -1;
	KUNIT_EXPECT_EQ(test, pn_routes_walk(r, &pos, walk_list_fn, &all), 0);
	KUNIT_EXPECT_EQ(test, all.n, (int)pn_routes_count(r));

	for (chunk = 1; chunk <= 257; chunk += 16) {
		part.n = 0;
		memset(&pos, 0, sizeof(pos));
		do {
			part.stop_after = chunk;
			err = pn_routes_walk(r, &pos, walk_list_fn, &part);
		} while (err == -EMSGSIZE && part.n < part.max);
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_ASSERT_EQ(test, part.n, all.n);
		for (k = 0; k < all.n; k++)
			if (!same_route(&all, k, &part, k))
				break;
		KUNIT_EXPECT_EQ_MSG(test, k, all.n, "parts of %d differ", chunk);
	}

	/* Resume after routes in turn, each removed first. */
	for (i = 0; i + 1 < all.n; i += 7) {
		struct pn_addr via;

		via_id(&via, 1);
		KUNIT_ASSERT_EQ(test, pn_routes_remove(r, &all.dst[i],
						       all.cidr[i], NULL), 0);
		pos.dst = all.dst[i];
		pos.cidr = all.cidr[i];
		part.n = 0;
		part.stop_after = 1;
		pn_routes_walk(r, &pos, walk_list_fn, &part);
		KUNIT_EXPECT_EQ(test, part.n, 1);
		if (part.n == 1)
			KUNIT_EXPECT_TRUE_MSG(test, same_route(&all, i + 1, &part, 0),
					      "resume after removed route %d", i);
		KUNIT_ASSERT_EQ(test, pn_routes_insert(r, pn_deref(r, r->trie),
						       &all.dst[i], all.cidr[i],
						       &via, 0), 0);
	}
	mutex_unlock(&r->lock);
}

/* Every node of @family's trie, routes and joins. */
static unsigned int node_count(struct pn_routes *r, sa_family_t family)
{
	struct pn_node *node, *stack[PN_MAX_DEPTH];
	unsigned int len = 0, n = 0;

	mutex_lock(&r->lock);
	push_node(stack, *trie_root(pn_deref(r, r->trie), family), &len);
	while (len > 0 && (node = stack[--len])) {
		push_node(stack, node->bit[0], &len);
		push_node(stack, node->bit[1], &len);
		n++;
	}
	mutex_unlock(&r->lock);
	return n;
}

/*
 * What a route costs: a node of the key's size, and N disjoint prefixes
 * take 2N - 1 nodes, also after removals (a join left with one subtree
 * goes), while a node that carries a route stays as a join.
 */
static void pn_test_node_cost(struct kunit *test)
{
	struct pn_routes *r = test->priv;
	struct pn_addr dst;
	int i;

	KUNIT_EXPECT_LE(test, kmem_cache_size(pn_node4_cache), 40U);
	KUNIT_EXPECT_LE(test, kmem_cache_size(pn_node6_cache), 48U);

	for (i = 0; i < 256; i++)
		KUNIT_ASSERT_EQ(test, add4(r, 0x0a000000 | i << 8, 24, i + 1), 0);
	KUNIT_EXPECT_EQ(test, node_count(r, AF_INET), 511U);
	for (i = 0; i < 256; i += 2) {
		pn_addr4(&dst, 0x0a000000 | i << 8);
		KUNIT_ASSERT_EQ(test, del(r, &dst, 24), 0);
	}
	KUNIT_EXPECT_EQ(test, node_count(r, AF_INET), 255U);
	for (i = 0; i < 256; i++)
		KUNIT_EXPECT_EQ(test, look4(r, 0x0a000001 | i << 8),
				i % 2 ? i + 1 : -1);

	/* The top join is 10.0.0.0/16 (1 vs 129): it takes the route. */
	KUNIT_ASSERT_EQ(test, add4(r, 0x0a000000, 16, 1000), 0);
	KUNIT_EXPECT_EQ(test, node_count(r, AF_INET), 255U);
	for (i = 1; i < 256; i += 2) {
		pn_addr4(&dst, 0x0a000000 | i << 8);
		KUNIT_ASSERT_EQ(test, del(r, &dst, 24), 0);
	}
	KUNIT_EXPECT_EQ(test, node_count(r, AF_INET), 1U);
	KUNIT_EXPECT_EQ(test, look4(r, 0x0a00ff01), 1000);
	pn_addr4(&dst, 0x0a000000);
	KUNIT_ASSERT_EQ(test, del(r, &dst, 16), 0);
	KUNIT_EXPECT_EQ(test, node_count(r, AF_INET), 0U);

	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_EQ(test, add6(r, 0xfd00000000000000ULL | (u64)i << 40,
					   0, 24, i + 1), 0);
	KUNIT_EXPECT_EQ(test, node_count(r, AF_INET6), 31U);
	KUNIT_EXPECT_EQ(test, look6(r, 0xfd00050000000000ULL, 1), 6);
}

static int pn_suite_init(struct kunit_suite *suite)
{
	return pn_routes_slab_init();
}

static void pn_suite_exit(struct kunit_suite *suite)
{
	pn_routes_slab_uninit();
}

static struct kunit_case pn_routes_cases[] = {
	KUNIT_CASE(pn_test_ipv4),
	KUNIT_CASE(pn_test_default_and_host),
	KUNIT_CASE(pn_test_ipv6),
	KUNIT_CASE(pn_test_semantics),
	KUNIT_CASE(pn_test_walk),
	KUNIT_CASE(pn_test_swap_flush),
	KUNIT_CASE(pn_test_peers_limit),
	KUNIT_CASE(pn_test_txn),
	KUNIT_CASE(pn_test_walk_resume),
	KUNIT_CASE(pn_test_node_cost),
	KUNIT_CASE(pn_test_random),
	{}
};

static struct kunit_suite pn_routes_suite = {
	.name = "podnet_routes",
	.init = routes_init,
	.exit = routes_exit,
	.suite_init = pn_suite_init,
	.suite_exit = pn_suite_exit,
	.test_cases = pn_routes_cases,
};

kunit_test_suite(pn_routes_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the podnet route table");
