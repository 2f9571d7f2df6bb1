// SPDX-License-Identifier: GPL-2.0
/*
 * podnet route table: one path-compressed binary trie per address family,
 * after WireGuard's allowedips.  Each node holds a prefix; nodes that carry
 * a route point to an entry (the node address it routes to and its
 * counters), the others only join two subtrees.  Lookups walk the trie
 * under RCU without taking any lock; writers serialise on routes->lock and
 * publish every change with rcu_assign_pointer(), freeing what they unlink
 * after a grace period.  The whole table hangs off one RCU pointer, so a
 * new table can be built aside and swapped in at once.
 *
 * This file does no I/O, so routes_kunit.c includes it and tests it whole.
 */

#include <linux/slab.h>
#include <linux/bitops.h>
#include <linux/percpu.h>
#include <linux/socket.h>
#include <linux/atomic.h>
#include "podnet.h"

/* Prefix lengths 0..128 bound the depth; +1 for a pending sibling. */
enum { PN_MAX_DEPTH = 130 };

static struct kmem_cache *pn_node_cache;
static atomic_t pn_generation = ATOMIC_INIT(1);

#define pn_deref(r, p) rcu_dereference_protected(p, lockdep_is_held(&(r)->lock))

u32 pn_next_generation(void)
{
	u32 gen = atomic_inc_return(&pn_generation);

	/* Dump consistency checks treat 0 as "not set". */
	if (unlikely(!gen))
		gen = atomic_inc_return(&pn_generation);
	return gen;
}

u32 pn_current_generation(void)
{
	return atomic_read(&pn_generation);
}

/* Keys are kept in CPU order so common_bits() can use fls/fls64. */
static void swap_endian(u8 *dst, const u8 *src, u8 bits)
{
	__be64 b64[2];
	__be32 b32;

	if (bits == 32) {
		memcpy(&b32, src, sizeof(b32));
		*(u32 *)dst = be32_to_cpu(b32);
	} else if (bits == 128) {
		memcpy(b64, src, sizeof(b64));
		((u64 *)dst)[0] = be64_to_cpu(b64[0]);
		((u64 *)dst)[1] = be64_to_cpu(b64[1]);
	}
}

static void copy_and_assign_cidr(struct pn_node *node, const u8 *src,
				 u8 cidr, u8 bits)
{
	node->cidr = cidr;
	node->bit_at_a = cidr / 8U;
#ifdef __LITTLE_ENDIAN
	node->bit_at_a ^= (bits / 8U - 1U) % 8U;
#endif
	node->bit_at_b = 7U - (cidr % 8U);
	node->bitlen = bits;
	memcpy(node->bits, src, bits / 8U);
}

static inline u8 choose(const struct pn_node *node, const u8 *key)
{
	return (key[node->bit_at_a] >> node->bit_at_b) & 1;
}

static unsigned int fls128(u64 a, u64 b)
{
	return a ? fls64(a) + 64U : fls64(b);
}

static u8 common_bits(const struct pn_node *node, const u8 *key, u8 bits)
{
	if (bits == 32)
		return 32U - fls(*(const u32 *)node->bits ^ *(const u32 *)key);
	if (bits == 128)
		return 128U - fls128(*(const u64 *)&node->bits[0] ^ *(const u64 *)&key[0],
				     *(const u64 *)&node->bits[8] ^ *(const u64 *)&key[8]);
	return 0;
}

static bool prefix_matches(const struct pn_node *node, const u8 *key, u8 bits)
{
	return common_bits(node, key, bits) >= node->cidr;
}

static u8 family_bits(sa_family_t family)
{
	return family == AF_INET ? 32 : 128;
}

static struct pn_node __rcu **trie_root(struct pn_trie *t, sa_family_t family)
{
	return family == AF_INET ? &t->root4 : &t->root6;
}

/* Read the prefix of @node back into network order, host bits cleared. */
static void read_node(const struct pn_node *node, struct pn_addr *addr)
{
	unsigned int cidr_bytes = DIV_ROUND_UP(node->cidr, 8U);
	u8 *ip = addr->bytes;

	memset(addr, 0, sizeof(*addr));
	if (node->bitlen == 32) {
		addr->v4 = cpu_to_be32(*(const u32 *)node->bits);
		addr->family = AF_INET;
	} else {
		__be64 b64[2] = {
			cpu_to_be64(((const u64 *)node->bits)[0]),
			cpu_to_be64(((const u64 *)node->bits)[1]),
		};

		memcpy(ip, b64, sizeof(b64));
		addr->family = AF_INET6;
	}
	memset(ip + cidr_bytes, 0, node->bitlen / 8U - cidr_bytes);
	if (node->cidr)
		ip[cidr_bytes - 1U] &= ~0U << (-node->cidr % 8U);
}

/* True if @dst has no bits set beyond @cidr and @cidr fits its family. */
bool pn_prefix_valid(const struct pn_addr *dst, u8 cidr)
{
	unsigned int bits, i;

	if (dst->family != AF_INET && dst->family != AF_INET6)
		return false;
	bits = family_bits(dst->family);
	if (cidr > bits)
		return false;
	for (i = cidr; i < bits; i++)
		if (dst->bytes[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* ---- entries ---- */

static struct pn_counters *counters_alloc(void)
{
	struct pn_counters *c = kzalloc(sizeof(*c), GFP_KERNEL);
	int cpu;

	if (!c)
		return NULL;
	c->pcpu = alloc_percpu(struct pn_route_pcpu);
	if (!c->pcpu) {
		kfree(c);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(c->pcpu, cpu)->syncp);
	refcount_set(&c->ref, 1);
	return c;
}

static void counters_put(struct pn_counters *c)
{
	if (refcount_dec_and_test(&c->ref)) {
		free_percpu(c->pcpu);
		kfree(c);
	}
}

static struct pn_entry *entry_alloc(const struct pn_addr *via,
				    struct pn_counters *counters)
{
	struct pn_entry *e = kzalloc(sizeof(*e), GFP_KERNEL);

	if (!e)
		return NULL;
	if (dst_cache_init(&e->dst_cache, GFP_KERNEL)) {
		kfree(e);
		return NULL;
	}
	if (counters) {
		refcount_inc(&counters->ref);
		e->counters = counters;
	} else {
		e->counters = counters_alloc();
		if (!e->counters) {
			dst_cache_destroy(&e->dst_cache);
			kfree(e);
			return NULL;
		}
	}
	e->via = *via;
	return e;
}

static void entry_free(struct pn_entry *e)
{
	dst_cache_destroy(&e->dst_cache);
	counters_put(e->counters);
	kfree(e);
}

static void entry_free_rcu(struct rcu_head *rcu)
{
	entry_free(container_of(rcu, struct pn_entry, rcu));
}

void pn_entry_stats(const struct pn_entry *e, u64 *tx_packets, u64 *tx_bytes,
		    u64 *rx_packets, u64 *rx_bytes)
{
	int cpu;

	*tx_packets = *tx_bytes = *rx_packets = *rx_bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct pn_route_pcpu *s = per_cpu_ptr(e->counters->pcpu, cpu);
		u64 tp, tb, rp, rb;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			tp = u64_stats_read(&s->tx_packets);
			tb = u64_stats_read(&s->tx_bytes);
			rp = u64_stats_read(&s->rx_packets);
			rb = u64_stats_read(&s->rx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*tx_packets += tp;
		*tx_bytes += tb;
		*rx_packets += rp;
		*rx_bytes += rb;
	}
}

/* ---- whole tries ---- */

static void push_node(struct pn_node **stack, struct pn_node __rcu *p,
		      unsigned int *len)
{
	if (rcu_access_pointer(p)) {
		if (WARN_ON_ONCE(*len >= PN_MAX_DEPTH))
			return;
		stack[(*len)++] = rcu_dereference_raw(p);
	}
}

/* Tries are freed from this queue, after a grace period (queue_rcu_work). */
static struct workqueue_struct *pn_free_wq;

/* Frees a subtree nobody can reach any more (a grace period has passed).
 * A table of many thousand routes takes long to free on a debug kernel, so
 * this runs in process context only and yields now and then, rather than in
 * an RCU callback, where it stalled the CPU (soft lockup).
 */
static void free_subtree(struct pn_node *root)
{
	struct pn_node *node, *stack[PN_MAX_DEPTH] = { root };
	unsigned int len = 1, freed = 0;

	might_sleep();
	while (len > 0 && (node = stack[--len])) {
		struct pn_entry *e = rcu_dereference_raw(node->entry);

		push_node(stack, node->bit[0], &len);
		push_node(stack, node->bit[1], &len);
		if (e)
			entry_free(e);
		kmem_cache_free(pn_node_cache, node);
		if (!(++freed % 256))
			cond_resched();
	}
}

struct pn_trie *pn_trie_alloc(void)
{
	return kzalloc(sizeof(struct pn_trie), GFP_KERNEL);
}

/* Frees a trie nobody can reach any more. */
void pn_trie_free(struct pn_trie *t)
{
	struct pn_node *n;

	if (!t)
		return;
	n = rcu_dereference_raw(t->root4);
	if (n)
		free_subtree(n);
	n = rcu_dereference_raw(t->root6);
	if (n)
		free_subtree(n);
	kfree(t);
}

static void trie_free_work(struct work_struct *work)
{
	pn_trie_free(container_of(to_rcu_work(work), struct pn_trie, rwork));
}

/* Frees @t once the readers that may still see it are done. */
static void pn_trie_free_deferred(struct pn_trie *t)
{
	INIT_RCU_WORK(&t->rwork, trie_free_work);
	queue_rcu_work(pn_free_wq, &t->rwork);
}

int pn_routes_init(struct pn_routes *r)
{
	struct pn_trie *t = pn_trie_alloc();

	if (!t)
		return -ENOMEM;
	mutex_init(&r->lock);
	RCU_INIT_POINTER(r->trie, t);
	r->generation = pn_next_generation();
	return 0;
}

/* The device is gone; readers may still be finishing. */
void pn_routes_destroy(struct pn_routes *r)
{
	struct pn_trie *t = rcu_dereference_protected(r->trie, true);

	RCU_INIT_POINTER(r->trie, NULL);
	if (t)
		pn_trie_free_deferred(t);
	mutex_destroy(&r->lock);
}

/* ---- lookups (RCU readers) ---- */

static struct pn_node *find_node(struct pn_node *node, u8 bits, const u8 *key)
{
	struct pn_node *found = NULL;

	while (node && prefix_matches(node, key, bits)) {
		if (rcu_access_pointer(node->entry))
			found = node;
		if (node->cidr == bits)
			break;
		node = rcu_dereference(node->bit[choose(node, key)]);
	}
	return found;
}

static struct pn_entry *lookup(struct pn_routes *r, sa_family_t family,
			       const void *be_ip)
{
	/* Aligned so it can be passed to fls/fls64 */
	u8 ip[16] __aligned(__alignof(u64));
	u8 bits = family_bits(family);
	struct pn_trie *t;
	struct pn_node *node;

	swap_endian(ip, be_ip, bits);
	t = rcu_dereference(r->trie);
	if (unlikely(!t))
		return NULL;
	node = find_node(rcu_dereference(*trie_root(t, family)), bits, ip);
	return node ? rcu_dereference(node->entry) : NULL;
}

/* Longest prefix match; the caller holds rcu_read_lock(). */
struct pn_entry *pn_routes_lookup4(struct pn_routes *r, __be32 addr)
{
	return lookup(r, AF_INET, &addr);
}

struct pn_entry *pn_routes_lookup6(struct pn_routes *r,
				   const struct in6_addr *addr)
{
	return lookup(r, AF_INET6, addr);
}

struct pn_entry *pn_routes_lookup(struct pn_routes *r, const struct pn_addr *a)
{
	return lookup(r, a->family, a->bytes);
}

/* Longest prefix match, also returning the prefix that matched. */
struct pn_entry *pn_routes_match(struct pn_routes *r, const struct pn_addr *a,
				 struct pn_addr *prefix, u8 *cidr)
{
	u8 ip[16] __aligned(__alignof(u64));
	u8 bits = family_bits(a->family);
	struct pn_trie *t;
	struct pn_node *node;

	swap_endian(ip, a->bytes, bits);
	t = rcu_dereference(r->trie);
	if (unlikely(!t))
		return NULL;
	node = find_node(rcu_dereference(*trie_root(t, a->family)), bits, ip);
	if (!node)
		return NULL;
	read_node(node, prefix);
	*cidr = node->cidr;
	return rcu_dereference(node->entry);
}

static struct pn_node *find_exact(struct pn_node *node, u8 bits,
				  const u8 *key, u8 cidr)
{
	while (node && node->cidr <= cidr && prefix_matches(node, key, bits)) {
		if (node->cidr == cidr)
			return node;
		node = rcu_dereference_check(node->bit[choose(node, key)], true);
	}
	return NULL;
}

/* Exact prefix; the caller holds rcu_read_lock() or routes->lock. */
struct pn_entry *pn_routes_get(struct pn_routes *r, const struct pn_addr *dst,
			       u8 cidr)
{
	u8 key[16] __aligned(__alignof(u64));
	u8 bits = family_bits(dst->family);
	struct pn_trie *t;
	struct pn_node *node;

	swap_endian(key, dst->bytes, bits);
	t = rcu_dereference_check(r->trie, lockdep_is_held(&r->lock));
	node = find_exact(rcu_dereference_check(*trie_root(t, dst->family),
						lockdep_is_held(&r->lock)),
			  bits, key, cidr);
	return node ? rcu_dereference_check(node->entry,
					    lockdep_is_held(&r->lock)) : NULL;
}

/* ---- changes (routes->lock held) ---- */

static bool node_placement(struct pn_routes *r, struct pn_node __rcu *trie,
			   const u8 *key, u8 cidr, u8 bits,
			   struct pn_node **rnode)
{
	struct pn_node *node = pn_deref(r, trie);
	struct pn_node *parent = NULL;
	bool exact = false;

	while (node && node->cidr <= cidr && prefix_matches(node, key, bits)) {
		parent = node;
		if (parent->cidr == cidr) {
			exact = true;
			break;
		}
		node = pn_deref(r, parent->bit[choose(parent, key)]);
	}
	*rnode = parent;
	return exact;
}

static inline void connect_node(struct pn_node __rcu **parent, u8 bit,
				struct pn_node *node)
{
	node->parent_bit_packed = (unsigned long)parent | bit;
	rcu_assign_pointer(*parent, node);
}

static inline void choose_and_connect_node(struct pn_node *parent,
					   struct pn_node *node)
{
	u8 bit = choose(parent, node->bits);

	connect_node(&parent->bit[bit], bit, node);
}

/* Inserts @dst/@cidr -> @via into @t (the live trie or one being built),
 * sharing @counters if given.  See PN_INSERT_*.
 */
int pn_routes_insert(struct pn_routes *r, struct pn_trie *t,
		     const struct pn_addr *dst, u8 cidr,
		     const struct pn_addr *via, unsigned int flags,
		     struct pn_counters *counters)
{
	u8 key[16] __aligned(__alignof(u64));
	struct pn_node *node, *parent, *down, *newnode;
	struct pn_node __rcu **trie;
	struct pn_entry *entry, *old;
	u8 bits;

	lockdep_assert_held(&r->lock);
	if (!pn_prefix_valid(dst, cidr))
		return -EINVAL;
	bits = family_bits(dst->family);
	trie = trie_root(t, dst->family);
	swap_endian(key, dst->bytes, bits);

	if (node_placement(r, *trie, key, cidr, bits, &node)) {
		old = pn_deref(r, node->entry);
		if (old && (flags & PN_INSERT_EXCL))
			return -EEXIST;
		if (!old && (flags & PN_INSERT_NOCREATE))
			return -ENOENT;
		/* Replacing keeps the counters of the prefix. */
		entry = entry_alloc(via, old ? old->counters : counters);
		if (!entry)
			return -ENOMEM;
		rcu_assign_pointer(node->entry, entry);
		if (old)
			call_rcu(&old->rcu, entry_free_rcu);
		else
			t->count++;
		goto changed;
	}
	if (flags & PN_INSERT_NOCREATE)
		return -ENOENT;

	entry = entry_alloc(via, counters);
	if (!entry)
		return -ENOMEM;
	newnode = kmem_cache_zalloc(pn_node_cache, GFP_KERNEL);
	if (!newnode) {
		entry_free(entry);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(newnode->entry, entry);
	copy_and_assign_cidr(newnode, key, cidr, bits);

	if (!node) {
		down = pn_deref(r, *trie);
	} else {
		const u8 bit = choose(node, key);

		down = pn_deref(r, node->bit[bit]);
		if (!down) {
			connect_node(&node->bit[bit], bit, newnode);
			goto out;
		}
	}
	if (!down) {
		connect_node(trie, 2, newnode);
		goto out;
	}
	cidr = min(cidr, common_bits(down, key, bits));
	parent = node;

	if (newnode->cidr == cidr) {
		choose_and_connect_node(newnode, down);
		if (!parent)
			connect_node(trie, 2, newnode);
		else
			choose_and_connect_node(parent, newnode);
		goto out;
	}

	node = kmem_cache_zalloc(pn_node_cache, GFP_KERNEL);
	if (!node) {
		kmem_cache_free(pn_node_cache, newnode);
		entry_free(entry);
		return -ENOMEM;
	}
	copy_and_assign_cidr(node, newnode->bits, cidr, bits);

	choose_and_connect_node(node, down);
	choose_and_connect_node(node, newnode);
	if (!parent)
		connect_node(trie, 2, node);
	else
		choose_and_connect_node(parent, node);
out:
	t->count++;
changed:
	if (t == rcu_access_pointer(r->trie))
		r->generation = pn_next_generation();
	return 0;
}

static void node_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(pn_node_cache, container_of(rcu, struct pn_node, rcu));
}

static struct pn_node *parent_of(struct pn_node *node)
{
	unsigned long packed = node->parent_bit_packed;

	return (void *)(packed & ~3UL) -
	       offsetof(struct pn_node, bit[packed & 1]);
}

/* Takes @node's route away and unlinks what is no longer needed: the node
 * itself unless it still joins two subtrees, and then its parent if that
 * was a joining node left with a single child.
 */
static void remove_node(struct pn_routes *r, struct pn_node *node)
{
	struct pn_node __rcu **parent_bit;
	struct pn_node *child, *parent = NULL;
	bool free_parent;

	RCU_INIT_POINTER(node->entry, NULL);
	if (rcu_access_pointer(node->bit[0]) && rcu_access_pointer(node->bit[1]))
		return;
	child = pn_deref(r, node->bit[!rcu_access_pointer(node->bit[0])]);
	if (child)
		child->parent_bit_packed = node->parent_bit_packed;
	parent_bit = (struct pn_node __rcu **)(node->parent_bit_packed & ~3UL);
	rcu_assign_pointer(*parent_bit, child);
	if ((node->parent_bit_packed & 3) <= 1)
		parent = parent_of(node);
	free_parent = !child && parent && !rcu_access_pointer(parent->entry);
	if (free_parent)
		child = pn_deref(r, parent->bit[!(node->parent_bit_packed & 1)]);
	call_rcu(&node->rcu, node_free_rcu);
	if (!free_parent)
		return;
	if (child)
		child->parent_bit_packed = parent->parent_bit_packed;
	parent_bit = (struct pn_node __rcu **)(parent->parent_bit_packed & ~3UL);
	rcu_assign_pointer(*parent_bit, child);
	call_rcu(&parent->rcu, node_free_rcu);
}

/* Removes exactly @dst/@cidr; if @via is given it must match (-ESRCH). */
int pn_routes_remove(struct pn_routes *r, const struct pn_addr *dst, u8 cidr,
		     const struct pn_addr *via)
{
	u8 key[16] __aligned(__alignof(u64));
	struct pn_trie *t = pn_deref(r, r->trie);
	struct pn_entry *entry;
	struct pn_node *node;
	u8 bits;

	if (!pn_prefix_valid(dst, cidr))
		return -EINVAL;
	bits = family_bits(dst->family);
	swap_endian(key, dst->bytes, bits);
	node = find_exact(pn_deref(r, *trie_root(t, dst->family)), bits, key,
			  cidr);
	entry = node ? pn_deref(r, node->entry) : NULL;
	if (!entry)
		return -ENOENT;
	if (via && !pn_addr_equal(via, &entry->via))
		return -ESRCH;
	remove_node(r, node);
	call_rcu(&entry->rcu, entry_free_rcu);
	t->count--;
	r->generation = pn_next_generation();
	return 0;
}

static unsigned int subtree_count(struct pn_node *root)
{
	struct pn_node *node, *stack[PN_MAX_DEPTH] = { root };
	unsigned int len = 1, n = 0;

	while (len > 0 && (node = stack[--len])) {
		push_node(stack, node->bit[0], &len);
		push_node(stack, node->bit[1], &len);
		if (rcu_access_pointer(node->entry))
			n++;
	}
	return n;
}

/* Removes every route of @family, or of both families if it is 0. */
unsigned int pn_routes_flush(struct pn_routes *r, sa_family_t family)
{
	struct pn_trie *t = pn_deref(r, r->trie);
	struct pn_node *gone[2] = { };
	unsigned int removed = 0;
	int i;

	for (i = 0; i < 2; i++) {
		sa_family_t f = i ? AF_INET6 : AF_INET;
		struct pn_node __rcu **root = trie_root(t, f);
		struct pn_node *node;

		if (family && family != f)
			continue;
		node = pn_deref(r, *root);
		if (!node)
			continue;
		removed += subtree_count(node);
		rcu_assign_pointer(*root, NULL);
		gone[i] = node;
	}
	t->count -= removed;
	r->generation = pn_next_generation();
	if (gone[0] || gone[1]) {
		/* Called with r->lock held, in process context. */
		synchronize_rcu();
		for (i = 0; i < 2; i++)
			if (gone[i])
				free_subtree(gone[i]);
	}
	return removed;
}

/* The counters of @dst/@cidr in the live table, to carry into a new one. */
struct pn_counters *pn_routes_counters(struct pn_routes *r,
				       const struct pn_addr *dst, u8 cidr)
{
	struct pn_entry *e = pn_routes_get(r, dst, cidr);

	return e ? e->counters : NULL;
}

/* Publishes @t as the whole table; readers see the old one or @t. */
void pn_routes_swap(struct pn_routes *r, struct pn_trie *t)
{
	struct pn_trie *old = pn_deref(r, r->trie);

	rcu_assign_pointer(r->trie, t);
	r->generation = pn_next_generation();
	pn_trie_free_deferred(old);
}

unsigned int pn_routes_count(struct pn_routes *r)
{
	struct pn_trie *t;
	unsigned int n;

	rcu_read_lock();
	t = rcu_dereference(r->trie);
	n = t ? READ_ONCE(t->count) : 0;
	rcu_read_unlock();
	return n;
}

/* Calls @fn for every route, IPv4 first, each family in prefix order,
 * skipping the first @skip.  Stops at and returns @fn's first non-zero
 * return, leaving in @pos the index of the route it stopped at, so a walk
 * can resume there.
 */
int pn_routes_walk(struct pn_routes *r, unsigned long skip,
		   unsigned long *pos, pn_walk_fn fn, void *ctx)
{
	struct pn_trie *t = pn_deref(r, r->trie);
	struct pn_node **stack;
	int ret = 0, i;

	*pos = 0;
	stack = kmalloc_array(PN_MAX_DEPTH, sizeof(*stack), GFP_KERNEL);
	if (!stack)
		return -ENOMEM;
	for (i = 0; i < 2 && !ret; i++) {
		unsigned int len = 0;
		struct pn_node *node;

		push_node(stack, *trie_root(t, i ? AF_INET6 : AF_INET), &len);
		while (len > 0 && (node = stack[--len])) {
			struct pn_entry *e = pn_deref(r, node->entry);

			push_node(stack, node->bit[1], &len);
			push_node(stack, node->bit[0], &len);
			if (!e)
				continue;
			if (*pos >= skip) {
				struct pn_addr dst;

				read_node(node, &dst);
				ret = fn(ctx, &dst, node->cidr, e);
				if (ret)
					break;
			}
			(*pos)++;
		}
	}
	kfree(stack);
	return ret;
}

int pn_routes_slab_init(void)
{
	pn_free_wq = alloc_workqueue("podnet_free", WQ_UNBOUND, 0);
	if (!pn_free_wq)
		return -ENOMEM;
	pn_node_cache = KMEM_CACHE(pn_node, 0);
	if (!pn_node_cache) {
		destroy_workqueue(pn_free_wq);
		return -ENOMEM;
	}
	return 0;
}

void pn_routes_slab_uninit(void)
{
	/* Pending queue_rcu_work()s reach the queue after this barrier... */
	rcu_barrier();
	/* ...which drains them before going away. */
	destroy_workqueue(pn_free_wq);
	rcu_barrier();
	kmem_cache_destroy(pn_node_cache);
}
