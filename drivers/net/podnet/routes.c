// SPDX-License-Identifier: GPL-2.0
/*
 * podnet route table: one path-compressed binary trie per address family,
 * after WireGuard's allowedips.  Each node holds a prefix; nodes that carry
 * a route point to the peer it routes to (see struct pn_peer), the others
 * only join two subtrees.  Lookups walk the trie
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
#include <linux/jhash.h>
#include "podnet.h"

/* Prefix lengths 0..128 bound the depth; +1 for a pending sibling. */
enum { PN_MAX_DEPTH = 130 };

/* Trie nodes of IPv4 and of IPv6 prefixes: their keys differ in size. */
static struct kmem_cache *pn_node4_cache, *pn_node6_cache;

/* Pending route set transactions of every device (see pn_txn_any()). */
static atomic_t pn_txn_count = ATOMIC_INIT(0);

#define pn_deref(r, p) rcu_dereference_protected(p, lockdep_is_held(&(r)->lock))

/* The table changed: a dump running across the change must say so. */
static void changed(struct pn_routes *r)
{
	u32 gen = r->generation + 1;

	/* Dump consistency checks treat 0 as "not set". */
	WRITE_ONCE(r->generation, gen ? gen : 1);
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

/* ---- peers ---- */

/*
 * Everything a caller can make the kernel allocate here is charged to the
 * caller's memory cgroup (GFP_KERNEL_ACCOUNT, SLAB_ACCOUNT): route tables
 * are programmed from any user namespace with CAP_NET_ADMIN.
 */

u32 pn_peer_hash(const struct pn_addr *via)
{
	return jhash(via->bytes, via->family == AF_INET ? 4 : 16, via->family);
}

/* The route cache and counters of a new peer for @via: 0 or -ENOMEM. */
int pn_peer_init(struct pn_peer *p, const struct pn_addr *via, gfp_t gfp)
{
	int cpu;

	if (dst_cache_init(&p->dst_cache, gfp))
		return -ENOMEM;
	p->stats = alloc_percpu_gfp(struct pn_peer_pcpu, gfp);
	if (!p->stats) {
		dst_cache_destroy(&p->dst_cache);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(p->stats, cpu)->syncp);
	p->via = *via;
	return 0;
}

/* Undo pn_peer_init(), once no reader can see @p any more. */
void pn_peer_release(struct pn_peer *p)
{
	dst_cache_destroy(&p->dst_cache);
	free_percpu(p->stats);
}

static void peer_free_rcu(struct rcu_head *rcu)
{
	struct pn_peer *p = container_of(rcu, struct pn_peer, rcu);

	pn_peer_release(p);
	kfree(p);
}

/* The peer for @via, taking a reference; created on first use. */
static struct pn_peer *peer_get(struct pn_routes *r, const struct pn_addr *via)
{
	u32 hash = pn_peer_hash(via);
	struct pn_peer *p;

	lockdep_assert_held(&r->lock);
	hash_for_each_possible(r->peers, p, hnode, hash) {
		if (pn_addr_equal(&p->via, via)) {
			p->refs++;
			return p;
		}
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	if (pn_peer_init(p, via, GFP_KERNEL_ACCOUNT)) {
		kfree(p);
		return NULL;
	}
	p->refs = 1;
	hash_add(r->peers, &p->hnode, hash);
	WRITE_ONCE(r->npeers, r->npeers + 1);
	return p;
}

/* Readers may still use @p until a grace period has passed. */
static void peer_put(struct pn_routes *r, struct pn_peer *p)
{
	lockdep_assert_held(&r->lock);
	if (--p->refs)
		return;
	hash_del(&p->hnode);
	WRITE_ONCE(r->npeers, r->npeers - 1);
	call_rcu(&p->rcu, peer_free_rcu);
}

void pn_peer_stats(const struct pn_peer *p, u64 *tx_packets, u64 *tx_bytes,
		   u64 *rx_packets, u64 *rx_bytes)
{
	int cpu;

	*tx_packets = *tx_bytes = *rx_packets = *rx_bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct pn_peer_pcpu *s = per_cpu_ptr(p->stats, cpu);
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

/* Number of distinct peers (via addresses) of the device's tables. */
unsigned int pn_routes_peers(struct pn_routes *r)
{
	return READ_ONCE(r->npeers);
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

static struct pn_node *node_alloc(u8 bits)
{
	return kmem_cache_zalloc(bits == 32 ? pn_node4_cache : pn_node6_cache,
				 GFP_KERNEL_ACCOUNT);
}

static void node_free(struct pn_node *node)
{
	kmem_cache_free(node->bitlen == 32 ? pn_node4_cache : pn_node6_cache,
			node);
}

/* Tries are freed from this queue, after a grace period (queue_rcu_work). */
static struct workqueue_struct *pn_free_wq;

/* Drops the peer references of a subtree being taken out of use. */
static void put_subtree_peers(struct pn_routes *r, struct pn_node *root)
{
	struct pn_node *node, *stack[PN_MAX_DEPTH] = { root };
	unsigned int len = 1, n = 0;

	while (len > 0 && (node = stack[--len])) {
		struct pn_peer *p = pn_deref(r, node->peer);

		push_node(stack, node->bit[0], &len);
		push_node(stack, node->bit[1], &len);
		if (p)
			peer_put(r, p);
		if (!(++n % 1024))
			cond_resched();
	}
}

static void put_trie_peers(struct pn_routes *r, struct pn_trie *t)
{
	struct pn_node *n = pn_deref(r, t->root4);

	if (n)
		put_subtree_peers(r, n);
	n = pn_deref(r, t->root6);
	if (n)
		put_subtree_peers(r, n);
}

/* Frees a subtree nobody can reach any more (a grace period has passed)
 * and whose peer references are dropped already.  A table of many
 * thousand routes takes long to free on a debug kernel, so this runs in
 * process context only and yields now and then, rather than in an RCU
 * callback, where it stalled the CPU (soft lockup).
 */
static void free_subtree(struct pn_node *root)
{
	struct pn_node *node, *stack[PN_MAX_DEPTH] = { root };
	unsigned int len = 1, freed = 0;

	might_sleep();
	while (len > 0 && (node = stack[--len])) {
		push_node(stack, node->bit[0], &len);
		push_node(stack, node->bit[1], &len);
		node_free(node);
		if (!(++freed % 256))
			cond_resched();
	}
}

struct pn_trie *pn_trie_alloc(void)
{
	return kzalloc(sizeof(struct pn_trie), GFP_KERNEL_ACCOUNT);
}

/* Frees a trie nobody can reach any more, peer references dropped. */
static void pn_trie_free(struct pn_trie *t)
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

/* Frees @t, built aside with pn_routes_insert() and never published. */
void pn_trie_discard(struct pn_routes *r, struct pn_trie *t)
{
	lockdep_assert_held(&r->lock);
	put_trie_peers(r, t);
	pn_trie_free(t);
}

int pn_routes_init(struct pn_routes *r)
{
	struct pn_trie *t = pn_trie_alloc();

	if (!t)
		return -ENOMEM;
	mutex_init(&r->lock);
	hash_init(r->peers);
	r->npeers = 0;
	RCU_INIT_POINTER(r->trie, t);
	r->generation = 1;
	r->max_routes = PODNET_DEFAULT_MAX_ROUTES;
	r->txn_trie = NULL;
	r->txn_net = NULL;
	r->txn_portid = 0;
	r->txn_chunks = 0;
	return 0;
}

/* The device is gone; readers may still be finishing. */
void pn_routes_destroy(struct pn_routes *r)
{
	struct pn_trie *t;

	mutex_lock(&r->lock);
	pn_txn_abort(r);
	t = pn_deref(r, r->trie);
	RCU_INIT_POINTER(r->trie, NULL);
	if (t) {
		put_trie_peers(r, t);
		pn_trie_free_deferred(t);
	}
	mutex_unlock(&r->lock);
	WARN_ON_ONCE(r->npeers);
	mutex_destroy(&r->lock);
}

/* ---- lookups (RCU readers) ---- */

static struct pn_node *find_node(struct pn_node *node, u8 bits, const u8 *key)
{
	struct pn_node *found = NULL;

	while (node && prefix_matches(node, key, bits)) {
		if (rcu_access_pointer(node->peer))
			found = node;
		if (node->cidr == bits)
			break;
		node = rcu_dereference(node->bit[choose(node, key)]);
	}
	return found;
}

static struct pn_peer *lookup(struct pn_routes *r, sa_family_t family,
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
	return node ? rcu_dereference(node->peer) : NULL;
}

/* Longest prefix match; the caller holds rcu_read_lock(). */
struct pn_peer *pn_routes_lookup4(struct pn_routes *r, __be32 addr)
{
	return lookup(r, AF_INET, &addr);
}

struct pn_peer *pn_routes_lookup6(struct pn_routes *r,
				  const struct in6_addr *addr)
{
	return lookup(r, AF_INET6, addr);
}

struct pn_peer *pn_routes_lookup(struct pn_routes *r, const struct pn_addr *a)
{
	return lookup(r, a->family, a->bytes);
}

/* Longest prefix match, also returning the prefix that matched. */
struct pn_peer *pn_routes_match(struct pn_routes *r, const struct pn_addr *a,
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
	return rcu_dereference(node->peer);
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
struct pn_peer *pn_routes_get(struct pn_routes *r, const struct pn_addr *dst,
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
	return node ? rcu_dereference_check(node->peer,
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

static inline void connect_node(struct pn_node __rcu **parent,
				struct pn_node *node)
{
	rcu_assign_pointer(*parent, node);
}

static inline void choose_and_connect_node(struct pn_node *parent,
					   struct pn_node *node)
{
	connect_node(&parent->bit[choose(parent, node->bits)], node);
}

/* Inserts @dst/@cidr -> @via into @t (the live trie or one being built).
 * See PN_INSERT_*.  -ENOSPC if @t holds r->max_routes prefixes already.
 */
int pn_routes_insert(struct pn_routes *r, struct pn_trie *t,
		     const struct pn_addr *dst, u8 cidr,
		     const struct pn_addr *via, unsigned int flags)
{
	u8 key[16] __aligned(__alignof(u64));
	struct pn_node *node, *parent, *down, *newnode;
	struct pn_node __rcu **trie;
	struct pn_peer *peer, *old;
	u8 bits;

	lockdep_assert_held(&r->lock);
	if (!pn_prefix_valid(dst, cidr))
		return -EINVAL;
	bits = family_bits(dst->family);
	trie = trie_root(t, dst->family);
	swap_endian(key, dst->bytes, bits);

	if (node_placement(r, *trie, key, cidr, bits, &node)) {
		old = pn_deref(r, node->peer);
		if (old && (flags & PN_INSERT_EXCL))
			return -EEXIST;
		if (!old && (flags & PN_INSERT_NOCREATE))
			return -ENOENT;
		if (!old && t->count >= READ_ONCE(r->max_routes))
			return -ENOSPC;
		peer = peer_get(r, via);
		if (!peer)
			return -ENOMEM;
		rcu_assign_pointer(node->peer, peer);
		if (old)
			peer_put(r, old);
		else
			WRITE_ONCE(t->count, t->count + 1);
		goto changed;
	}
	if (flags & PN_INSERT_NOCREATE)
		return -ENOENT;
	if (t->count >= READ_ONCE(r->max_routes))
		return -ENOSPC;

	peer = peer_get(r, via);
	if (!peer)
		return -ENOMEM;
	newnode = node_alloc(bits);
	if (!newnode) {
		peer_put(r, peer);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(newnode->peer, peer);
	copy_and_assign_cidr(newnode, key, cidr, bits);

	if (!node) {
		down = pn_deref(r, *trie);
	} else {
		const u8 bit = choose(node, key);

		down = pn_deref(r, node->bit[bit]);
		if (!down) {
			connect_node(&node->bit[bit], newnode);
			goto out;
		}
	}
	if (!down) {
		connect_node(trie, newnode);
		goto out;
	}
	cidr = min(cidr, common_bits(down, key, bits));
	parent = node;

	if (newnode->cidr == cidr) {
		choose_and_connect_node(newnode, down);
		if (!parent)
			connect_node(trie, newnode);
		else
			choose_and_connect_node(parent, newnode);
		goto out;
	}

	node = node_alloc(bits);
	if (!node) {
		node_free(newnode);
		peer_put(r, peer);
		return -ENOMEM;
	}
	copy_and_assign_cidr(node, newnode->bits, cidr, bits);

	choose_and_connect_node(node, down);
	choose_and_connect_node(node, newnode);
	if (!parent)
		connect_node(trie, node);
	else
		choose_and_connect_node(parent, node);
out:
	WRITE_ONCE(t->count, t->count + 1);
changed:
	if (t == rcu_access_pointer(r->trie))
		changed(r);
	return 0;
}

/*
 * Nodes a removal unlinked, freed once no reader can be walking them any
 * more.  Nodes have no rcu_head of their own: every route would pay for
 * it, and only a removal needs one, for at most two nodes at a time.
 */
struct pn_grave {
	struct rcu_head rcu;
	struct pn_node *node[2];
};

static void grave_free_rcu(struct rcu_head *rcu)
{
	struct pn_grave *g = container_of(rcu, struct pn_grave, rcu);

	node_free(g->node[0]);
	if (g->node[1])
		node_free(g->node[1]);
	kfree(g);
}

static void bury(struct pn_node *node, struct pn_node *parent)
{
	struct pn_grave *g = kmalloc(sizeof(*g), GFP_KERNEL_ACCOUNT |
				     __GFP_NOWARN);

	if (!g) {
		/* Out of memory for even that: wait, as the only way left. */
		synchronize_rcu();
		node_free(node);
		if (parent)
			node_free(parent);
		return;
	}
	g->node[0] = node;
	g->node[1] = parent;
	call_rcu(&g->rcu, grave_free_rcu);
}

/*
 * Takes @node's route away and unlinks what is no longer needed: the node
 * itself unless it still joins two subtrees, and then its parent if that
 * was a joining node left with a single child.  @slot is where @node
 * hangs, @parent the node above it (NULL at the root) and @pslot where
 * @parent hangs, as find_path() found them.
 */
static void remove_node(struct pn_routes *r, struct pn_node *node,
			struct pn_node __rcu **slot, struct pn_node *parent,
			struct pn_node __rcu **pslot)
{
	struct pn_node *child;

	RCU_INIT_POINTER(node->peer, NULL);
	if (rcu_access_pointer(node->bit[0]) && rcu_access_pointer(node->bit[1]))
		return;
	child = pn_deref(r, node->bit[!rcu_access_pointer(node->bit[0])]);
	rcu_assign_pointer(*slot, child);
	if (child || !parent || rcu_access_pointer(parent->peer)) {
		bury(node, NULL);
		return;
	}
	/* @parent only joined @node and its sibling, which takes its place. */
	child = pn_deref(r, parent->bit[slot == &parent->bit[0]]);
	rcu_assign_pointer(*pslot, child);
	bury(node, parent);
}

/*
 * The node of exactly @key/@cidr, or NULL, with where it hangs in *@slot,
 * its parent in *@parent (NULL at the root) and where that hangs in
 * *@pslot.
 */
static struct pn_node *find_path(struct pn_routes *r,
				 struct pn_node __rcu **root, u8 bits,
				 const u8 *key, u8 cidr,
				 struct pn_node __rcu ***slot,
				 struct pn_node **parent,
				 struct pn_node __rcu ***pslot)
{
	struct pn_node *node = pn_deref(r, *root);

	*slot = root;
	*parent = NULL;
	*pslot = NULL;
	while (node && node->cidr <= cidr && prefix_matches(node, key, bits)) {
		if (node->cidr == cidr)
			return node;
		*pslot = *slot;
		*parent = node;
		*slot = &node->bit[choose(node, key)];
		node = pn_deref(r, **slot);
	}
	return NULL;
}

/* Removes exactly @dst/@cidr; if @via is given it must match (-ESRCH). */
int pn_routes_remove(struct pn_routes *r, const struct pn_addr *dst, u8 cidr,
		     const struct pn_addr *via)
{
	u8 key[16] __aligned(__alignof(u64));
	struct pn_trie *t = pn_deref(r, r->trie);
	struct pn_node __rcu **slot, **pslot;
	struct pn_node *node, *parent;
	struct pn_peer *peer;
	u8 bits;

	if (!pn_prefix_valid(dst, cidr))
		return -EINVAL;
	bits = family_bits(dst->family);
	swap_endian(key, dst->bytes, bits);
	node = find_path(r, trie_root(t, dst->family), bits, key, cidr,
			 &slot, &parent, &pslot);
	peer = node ? pn_deref(r, node->peer) : NULL;
	if (!peer)
		return -ENOENT;
	if (via && !pn_addr_equal(via, &peer->via))
		return -ESRCH;
	remove_node(r, node, slot, parent, pslot);
	peer_put(r, peer);
	WRITE_ONCE(t->count, t->count - 1);
	changed(r);
	return 0;
}

static unsigned int subtree_count(struct pn_node *root)
{
	struct pn_node *node, *stack[PN_MAX_DEPTH] = { root };
	unsigned int len = 1, n = 0;

	while (len > 0 && (node = stack[--len])) {
		push_node(stack, node->bit[0], &len);
		push_node(stack, node->bit[1], &len);
		if (rcu_access_pointer(node->peer))
			n++;
	}
	return n;
}

/* Removes every route of @family, or of both families if it is 0. */
unsigned int pn_routes_flush(struct pn_routes *r, sa_family_t family)
{
	struct pn_trie *grave, *t = pn_deref(r, r->trie);
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
		put_subtree_peers(r, node);
		gone[i] = node;
	}
	WRITE_ONCE(t->count, t->count - removed);
	changed(r);
	if (!gone[0] && !gone[1])
		return removed;
	/*
	 * Free what readers may still be walking after a grace period, from
	 * the free queue, as a swap does: waiting here would hold r->lock
	 * (and every writer and dump of the device) for a grace period.
	 */
	grave = pn_trie_alloc();
	if (grave) {
		RCU_INIT_POINTER(grave->root4, gone[0]);
		RCU_INIT_POINTER(grave->root6, gone[1]);
		pn_trie_free_deferred(grave);
		return removed;
	}
	/* Out of memory for even that: wait, as the only way left. */
	synchronize_rcu();
	for (i = 0; i < 2; i++)
		if (gone[i])
			free_subtree(gone[i]);
	return removed;
}

/* Publishes @t as the whole table; readers see the old one or @t. */
void pn_routes_swap(struct pn_routes *r, struct pn_trie *t)
{
	struct pn_trie *old = pn_deref(r, r->trie);

	rcu_assign_pointer(r->trie, t);
	changed(r);
	put_trie_peers(r, old);
	pn_trie_free_deferred(old);
}

/* ---- route set transactions (routes->lock held) ---- */

/*
 * A transaction builds a table aside, in as many steps as its owner
 * likes, and pn_txn_commit() swaps it in.  The owner is a netlink socket
 * by its netns and portid; pn_txn_get() refuses everyone else.
 */
int pn_txn_begin(struct pn_routes *r, struct net *net, u32 portid)
{
	struct pn_trie *t;

	lockdep_assert_held(&r->lock);
	if (r->txn_trie)
		return -EBUSY;
	t = pn_trie_alloc();
	if (!t)
		return -ENOMEM;
	r->txn_trie = t;
	r->txn_chunks = 0;
	atomic_inc(&pn_txn_count);
	WRITE_ONCE(r->txn_net, net);
	WRITE_ONCE(r->txn_portid, portid);
	return 0;
}

/* The transaction's table, if @portid of @net owns it; else NULL, *@err
 * -ENOENT (there is none) or -EBUSY (another socket's).
 */
struct pn_trie *pn_txn_get(struct pn_routes *r, struct net *net, u32 portid,
			   int *err)
{
	lockdep_assert_held(&r->lock);
	if (!r->txn_trie) {
		*err = -ENOENT;
		return NULL;
	}
	if (!pn_txn_owned_by(r, net, portid)) {
		*err = -EBUSY;
		return NULL;
	}
	return r->txn_trie;
}

static void txn_end(struct pn_routes *r)
{
	atomic_dec(&pn_txn_count);
	r->txn_trie = NULL;
	r->txn_chunks = 0;
	WRITE_ONCE(r->txn_portid, 0);
	WRITE_ONCE(r->txn_net, NULL);
}

/* Drops the transaction; the live table and its generation stay. */
void pn_txn_abort(struct pn_routes *r)
{
	struct pn_trie *t = r->txn_trie;

	lockdep_assert_held(&r->lock);
	if (!t)
		return;
	txn_end(r);
	pn_trie_discard(r, t);
}

/* Publishes the transaction's table, as pn_routes_swap() does. */
void pn_txn_commit(struct pn_routes *r)
{
	struct pn_trie *t = r->txn_trie;

	lockdep_assert_held(&r->lock);
	txn_end(r);
	pn_routes_swap(r, t);
}

/* Whether @portid of @net owns the pending transaction; may be called
 * without the lock, to find candidates.
 */
bool pn_txn_owned_by(struct pn_routes *r, struct net *net, u32 portid)
{
	return portid && READ_ONCE(r->txn_portid) == portid &&
	       READ_ONCE(r->txn_net) == net;
}

/* Whether any device has a transaction: closing sockets look for theirs. */
bool pn_txn_any(void)
{
	return atomic_read(&pn_txn_count);
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

/* Bit @i (0 is the most significant) of a key in CPU order. */
static u8 key_bit(const u8 *key, u8 bits, u8 i)
{
	if (bits == 32)
		return (*(const u32 *)key >> (31U - i)) & 1;
	return (((const u64 *)key)[i / 64U] >> (63U - i % 64U)) & 1;
}

enum pn_resume { PN_SKIP, PN_DESCEND, PN_TAKE };

/*
 * Where @node's subtree lies relative to the route @key/@cidr a walk
 * resumes after.  Walks go in preorder, bit 0 before bit 1, which orders
 * routes by their prefix as a string of bits, a prefix before its
 * extensions.  So a node whose prefix is a prefix of the key (the key's
 * ancestors, and the key itself) comes at or before it, but its subtree
 * may hold later routes: PN_DESCEND.  Otherwise the whole subtree is on
 * one side: before the key (PN_SKIP) if it branches off with a 0 bit
 * where the key has a 1, after it (PN_TAKE) if with a 1 bit, or if the
 * key is a prefix of it.  Only the key's ancestors are descended, so a
 * resumed walk costs the depth of the trie, not the routes before it.
 */
static enum pn_resume resume_at(const struct pn_node *node, const u8 *key,
				u8 cidr)
{
	u8 c = min3(common_bits(node, key, node->bitlen), node->cidr, cidr);

	if (c == node->cidr)
		return PN_DESCEND;
	if (c == cidr)
		return PN_TAKE;
	return key_bit(node->bits, node->bitlen, c) ? PN_TAKE : PN_SKIP;
}

/*
 * Calls @fn for every route, IPv4 first, each family in prefix order (see
 * resume_at()), under rcu_read_lock() (@fn must not sleep).  Starts after
 * @pos if pos->dst.family is set, and leaves in @pos the last route @fn
 * returned 0 for, so a walk stopped by @fn's first non-zero return (which
 * is returned) resumes at the route it stopped at.  Callers that need the
 * table not to change during the walk hold routes->lock.
 */
int pn_routes_walk(struct pn_routes *r, struct pn_walk_pos *pos,
		   pn_walk_fn fn, void *ctx)
{
	u8 key[16] __aligned(__alignof(u64));
	const u8 cidr = pos->cidr;	/* @pos moves on, the start does not */
	const sa_family_t from = pos->dst.family;
	struct pn_node **stack;
	struct pn_trie *t;
	int ret = 0, i;

	stack = kmalloc_array(PN_MAX_DEPTH, sizeof(*stack), GFP_KERNEL);
	if (!stack)
		return -ENOMEM;
	rcu_read_lock();
	t = rcu_dereference(r->trie);
	for (i = 0; t && i < 2 && !ret; i++) {
		sa_family_t family = i ? AF_INET6 : AF_INET;
		bool resume = from == family;
		unsigned int len = 0;
		struct pn_node *node;

		if (from == AF_INET6 && family == AF_INET)
			continue;
		if (resume)
			swap_endian(key, pos->dst.bytes, family_bits(family));
		push_node(stack, *trie_root(t, family), &len);
		while (len > 0 && (node = stack[--len])) {
			struct pn_peer *p = rcu_dereference(node->peer);
			struct pn_addr dst;

			if (resume) {
				switch (resume_at(node, key, cidr)) {
				case PN_SKIP:
					continue;
				case PN_DESCEND:
					p = NULL;
					break;
				case PN_TAKE:
					break;
				}
			}
			push_node(stack, node->bit[1], &len);
			push_node(stack, node->bit[0], &len);
			if (!p)
				continue;
			read_node(node, &dst);
			ret = fn(ctx, &dst, node->cidr, p);
			if (ret)
				break;
			pos->dst = dst;
			pos->cidr = node->cidr;
		}
	}
	rcu_read_unlock();
	kfree(stack);
	return ret;
}

int pn_routes_slab_init(void)
{
	pn_free_wq = alloc_workqueue("podnet_free", WQ_UNBOUND, 0);
	if (!pn_free_wq)
		return -ENOMEM;
	/* Exactly the key's size: kmalloc's size classes would round up. */
	pn_node4_cache = kmem_cache_create("pn_node4",
					   sizeof(struct pn_node) + 4,
					   __alignof__(struct pn_node),
					   SLAB_ACCOUNT, NULL);
	pn_node6_cache = kmem_cache_create("pn_node6",
					   sizeof(struct pn_node) + 16,
					   __alignof__(struct pn_node),
					   SLAB_ACCOUNT, NULL);
	if (!pn_node4_cache || !pn_node6_cache) {
		kmem_cache_destroy(pn_node4_cache);
		kmem_cache_destroy(pn_node6_cache);
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
	kmem_cache_destroy(pn_node4_cache);
	kmem_cache_destroy(pn_node6_cache);
}
