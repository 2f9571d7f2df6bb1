/* SPDX-License-Identifier: GPL-2.0 */
/* podnet: a Geneve L3 overlay device with a route table programmed over
 * generic netlink.  Shared declarations of the driver's files.
 */
#ifndef _PODNET_H
#define _PODNET_H

#include <linux/workqueue.h>
#include <linux/types.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/hashtable.h>
#include <linux/u64_stats_sync.h>
#include <linux/netdevice.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <linux/podnet.h>

/* Geneve base header, as in RFC 8926 section 3.4 (and net/geneve.h). */
struct pn_genevehdr {
#if defined(__LITTLE_ENDIAN_BITFIELD)
	u8 opt_len:6;
	u8 ver:2;
	u8 rsvd1:6;
	u8 critical:1;
	u8 oam:1;
#else
	u8 ver:2;
	u8 opt_len:6;
	u8 oam:1;
	u8 critical:1;
	u8 rsvd1:6;
#endif
	__be16 proto_type;
	u8 vni[3];
	u8 rsvd2;
};

#define PN_GENEVE_VER		0
#define PN_OPT_CRITICAL		0x80
#define PN_BASE_HLEN		(sizeof(struct udphdr) + sizeof(struct pn_genevehdr))
#define PN_IPV4_HLEN		(sizeof(struct iphdr) + PN_BASE_HLEN)
#define PN_IPV6_HLEN		(sizeof(struct ipv6hdr) + PN_BASE_HLEN)

/* ---- route table (routes.c) ---- */

struct pn_addr {
	union {
		__be32 v4;
		struct in6_addr v6;
		u8 bytes[16];
	};
	sa_family_t family;
};

struct pn_peer_pcpu {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	struct u64_stats_sync syncp;
};

/*
 * A node of the cluster, by its underlay (via) address: one per distinct
 * via of a device, shared by every prefix routed to it, in the live table
 * and in one being built, as WireGuard shares a peer between its allowed
 * IPs.  It holds what costs per-CPU memory, the route cache to the node
 * and the traffic counters, so a prefix costs only its trie node.
 * Immutable but for those once published; readers find it through the
 * trie under RCU, writers count its users under routes->lock and free it
 * a grace period after the last one is gone.
 */
struct pn_peer {
	struct pn_addr via;
	struct dst_cache dst_cache;
	struct pn_peer_pcpu __percpu *stats;
	unsigned int refs;		/* trie nodes using it; routes->lock */
	struct hlist_node hnode;	/* in routes->peers; routes->lock */
	struct rcu_head rcu;
};

/*
 * A node of the trie: a prefix, with the peer it routes to if it carries a
 * route, else only the join of two subtrees.  N routes take up to 2N - 1
 * nodes, so the node is what a route costs: only what lookups read, the
 * key sized for its family (4 or 16 bytes, one slab cache each: 40 or 48
 * bytes a node).  Writers find a node's parent by walking down to it, and
 * a removed node waits for its grace period in a struct pn_grave.
 */
struct pn_node {
	struct pn_peer __rcu *peer;
	struct pn_node __rcu *bit[2];
	u8 cidr, bit_at_a, bit_at_b, bitlen;
	u8 bits[] __aligned(__alignof(u64));
};

struct pn_trie {
	struct pn_node __rcu *root4;
	struct pn_node __rcu *root6;
	unsigned int count;
	struct rcu_work rwork;	/* freed in process context: tries can be big */
} __aligned(4); /* the low 2 bits of &root4 / &root6 are packed */

#define PN_PEER_HASH_BITS	8

struct pn_routes {
	struct pn_trie __rcu *trie;
	/* Serialises writers; readers only take rcu_read_lock(). */
	struct mutex lock;
	/* Changes with every change of the table (never 0); this device's. */
	u32 generation;
	/* Most prefixes a table may hold (IFLA_PODNET_MAX_ROUTES). */
	unsigned int max_routes;
	unsigned int npeers;
	DECLARE_HASHTABLE(peers, PN_PEER_HASH_BITS);
	/*
	 * The pending route set transaction, if any (PODNET_CMD_ROUTE_SET_*):
	 * the table it builds and the socket it belongs to, by netns and
	 * netlink portid (0: none).  Written under lock; txn_portid and
	 * txn_net are also read locklessly to find a closed socket's.
	 */
	struct pn_trie *txn_trie;
	struct net *txn_net;
	u32 txn_portid;
	unsigned int txn_chunks;
};

/*
 * Where a walk resumes: after the route @dst/@cidr (in the order walks
 * go, see pn_routes_walk()), or from the start if dst.family is 0.
 */
struct pn_walk_pos {
	struct pn_addr dst;
	u8 cidr;
};

/* pn_routes_insert() flags */
#define PN_INSERT_EXCL		BIT(0)	/* fail if the prefix exists */
#define PN_INSERT_NOCREATE	BIT(1)	/* fail if it does not */

typedef int (*pn_walk_fn)(void *ctx, const struct pn_addr *dst, u8 cidr,
			  struct pn_peer *peer);

int pn_routes_init(struct pn_routes *r);
void pn_routes_destroy(struct pn_routes *r);
struct pn_trie *pn_trie_alloc(void);
void pn_trie_discard(struct pn_routes *r, struct pn_trie *t);

struct pn_peer *pn_routes_lookup(struct pn_routes *r, const struct pn_addr *a);
struct pn_peer *pn_routes_lookup4(struct pn_routes *r, __be32 addr);
struct pn_peer *pn_routes_lookup6(struct pn_routes *r,
				  const struct in6_addr *addr);
struct pn_peer *pn_routes_match(struct pn_routes *r, const struct pn_addr *a,
				struct pn_addr *prefix, u8 *cidr);
struct pn_peer *pn_routes_get(struct pn_routes *r, const struct pn_addr *dst,
			      u8 cidr);
int pn_routes_insert(struct pn_routes *r, struct pn_trie *t,
		     const struct pn_addr *dst, u8 cidr,
		     const struct pn_addr *via, unsigned int flags);
int pn_routes_remove(struct pn_routes *r, const struct pn_addr *dst, u8 cidr,
		     const struct pn_addr *via);
unsigned int pn_routes_flush(struct pn_routes *r, sa_family_t family);
void pn_routes_swap(struct pn_routes *r, struct pn_trie *t);
unsigned int pn_routes_count(struct pn_routes *r);
unsigned int pn_routes_peers(struct pn_routes *r);
int pn_routes_walk(struct pn_routes *r, struct pn_walk_pos *pos,
		   pn_walk_fn fn, void *ctx);
int pn_txn_begin(struct pn_routes *r, struct net *net, u32 portid);
struct pn_trie *pn_txn_get(struct pn_routes *r, struct net *net, u32 portid,
			   int *err);
void pn_txn_abort(struct pn_routes *r);
void pn_txn_commit(struct pn_routes *r);
bool pn_txn_owned_by(struct pn_routes *r, struct net *net, u32 portid);
bool pn_txn_any(void);
bool pn_prefix_valid(const struct pn_addr *dst, u8 cidr);
void pn_peer_stats(const struct pn_peer *p, u64 *tx_packets, u64 *tx_bytes,
		   u64 *rx_packets, u64 *rx_bytes);
int pn_routes_slab_init(void);
void pn_routes_slab_uninit(void);

static inline bool pn_addr_equal(const struct pn_addr *a,
				 const struct pn_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4 == b->v4;
	return ipv6_addr_equal(&a->v6, &b->v6);
}

static inline void pn_peer_count(struct pn_peer *p, bool tx,
				 unsigned int packets, unsigned int bytes)
{
	struct pn_peer_pcpu *s = get_cpu_ptr(p->stats);

	u64_stats_update_begin(&s->syncp);
	if (tx) {
		u64_stats_add(&s->tx_packets, packets);
		u64_stats_add(&s->tx_bytes, bytes);
	} else {
		u64_stats_add(&s->rx_packets, packets);
		u64_stats_add(&s->rx_bytes, bytes);
	}
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(p->stats);
}

u32 pn_peer_hash(const struct pn_addr *via);
int pn_peer_init(struct pn_peer *p, const struct pn_addr *via, gfp_t gfp);
void pn_peer_release(struct pn_peer *p);

/* ---- routes from the kernel routing table (fib.c) ---- */

/* Most gateways of kernel routes a device keeps a peer for at a time. */
#define PN_FIB_MAX_PEERS	1024
#define PN_FIB_HASH_BITS	6

struct pn_fib {
	/* Serialises writers; readers only take rcu_read_lock(). */
	spinlock_t lock;
	unsigned int npeers;
	DECLARE_HASHTABLE(peers, PN_FIB_HASH_BITS);
	struct delayed_work gc;
};

struct pn_dev;

void pn_fib_init(struct pn_fib *f);
void pn_fib_destroy(struct pn_fib *f);
unsigned int pn_fib_peers(struct pn_fib *f);
struct pn_peer *pn_fib_tx_peer(struct pn_dev *pn, struct sk_buff *skb);
struct pn_peer *pn_fib_rx_peer(struct pn_dev *pn, struct sk_buff *skb,
			       const struct pn_addr *from);

/* ---- device (device.c) ---- */

struct pn_config {
	u32 vni;
	__be16 port;
	__be32 local4;
	struct in6_addr local6;
	bool has_local4, has_local6;
	u8 ttl;
	u8 tos;
	bool udp_csum;
	bool zero_csum6_tx;
	bool zero_csum6_rx;
	u8 df;
};

struct pn_drop_pcpu {
	u64_stats_t count[PODNET_DROP_A_MAX + 1];
	struct u64_stats_sync syncp;
};

struct pn_dev {
	struct net_device *dev;
	/* The netns that created the device, where its sockets live. */
	struct net *creating_net;
	struct list_head device_list;
	struct pn_config cfg;
	struct pn_routes routes;
	struct pn_fib fib;
	struct sock __rcu *sk4;
	struct sock __rcu *sk6;
	struct gro_cells gro_cells;
	struct pn_drop_pcpu __percpu *drops;
};

extern struct rtnl_link_ops pn_link_ops;

int pn_device_init(void);
void pn_device_uninit(void);
bool pn_is_podnet(const struct net_device *dev);
bool pn_has_family(struct pn_dev *pn, sa_family_t family);
void pn_drops_read(struct pn_dev *pn, u64 *counts);
void pn_net_changed(struct net *net);
u32 pn_net_generation(struct net *net);

static inline void pn_drop(struct pn_dev *pn, unsigned int reason)
{
	struct pn_drop_pcpu *s = get_cpu_ptr(pn->drops);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->count[reason]);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(pn->drops);
}

/* ---- sockets (socket.c) ---- */

int pn_socket_open(struct pn_dev *pn);
void pn_socket_close(struct pn_dev *pn);

/* ---- data path (send.c, receive.c) ---- */

netdev_tx_t pn_xmit(struct sk_buff *skb, struct net_device *dev);
int pn_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
int pn_udp_encap_err_lookup(struct sock *sk, struct sk_buff *skb);
struct sk_buff *pn_gro_receive(struct sock *sk, struct list_head *head,
			       struct sk_buff *skb);
int pn_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

/* ---- generic netlink (netlink.c) ---- */

int pn_genl_init(void);
void pn_genl_uninit(void);

#endif /* _PODNET_H */
