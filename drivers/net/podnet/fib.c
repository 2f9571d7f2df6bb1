// SPDX-License-Identifier: GPL-2.0
/*
 * podnet routes from the kernel routing table: a route through a podnet
 * device with a gateway, as a routing daemon installs them
 * (ip route add 10.244.2.0/24 via 192.168.0.2 dev podnet0 onlink), sends
 * its prefix to the node whose underlay address is the gateway.  An IPv4
 * gateway of an IPv6 route is written IPv4-mapped (via ::ffff:192.168.0.2,
 * RFC 4798) or IPv4-compatible (via ::192.168.0.2): the kernel refuses
 * RTA_VIA ("via inet") for IPv6 routes, and BIRD, which holds IPv4
 * addresses as IPv4-mapped ones, can announce and install an IPv4 next hop
 * of an IPv6 prefix only in the IPv4-compatible form.
 *
 * Nothing is mirrored: transmit reads the gateway from the route the
 * packet was routed by, its skb dst; receive looks the inner source up in
 * the device's netns and accepts the packet only if that route leaves
 * through this device with the outer source as a gateway.  The explicit
 * table (routes.c) comes first both ways: an address it covers is never
 * looked up here.
 *
 * What is kept is a peer per gateway (struct pn_peer: the route cache to
 * the node and its counters), made when a packet first needs it, in
 * softirq, and freed when it has been idle for a GC interval.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/ipv6.h>
#include <net/nexthop.h>
#include <net/route.h>
#include "compat.h"
#include "podnet.h"

/* Peers of gateways not used for this long are freed. */
#define PN_FIB_GC_INTERVAL	(30 * HZ)

struct pn_fib_peer {
	struct pn_peer peer;
	bool used;	/* since the last GC pass */
};

static void pn_fib_peer_free_rcu(struct rcu_head *rcu)
{
	struct pn_peer *p = container_of(rcu, struct pn_peer, rcu);

	pn_peer_release(p);
	kfree(container_of(p, struct pn_fib_peer, peer));
}

static void pn_fib_peer_del(struct pn_fib *f, struct pn_peer *p)
{
	lockdep_assert_held(&f->lock);
	hash_del_rcu(&p->hnode);
	f->npeers--;
	call_rcu(&p->rcu, pn_fib_peer_free_rcu);
}

static struct pn_peer *pn_fib_peer_new(struct pn_fib *f,
				       const struct pn_addr *gw, u32 hash)
{
	struct pn_fib_peer *fp;
	struct pn_peer *p;

	spin_lock_bh(&f->lock);
	/* Another CPU may have made it since our lookup. */
	hash_for_each_possible(f->peers, p, hnode, hash)
		if (pn_addr_equal(&p->via, gw))
			goto out;
	p = NULL;
	if (f->npeers >= PN_FIB_MAX_PEERS)
		goto out;
	fp = kzalloc_obj(*fp, GFP_ATOMIC);
	if (!fp)
		goto out;
	if (pn_peer_init(&fp->peer, gw, GFP_ATOMIC)) {
		kfree(fp);
		goto out;
	}
	fp->used = true;
	p = &fp->peer;
	hash_add_rcu(f->peers, &p->hnode, hash);
	if (!f->npeers++)
		queue_delayed_work(system_power_efficient_wq, &f->gc,
				   PN_FIB_GC_INTERVAL);
out:
	spin_unlock_bh(&f->lock);
	return p;
}

/*
 * The peer for gateway @gw, made if there is none; NULL if it cannot be
 * (PN_FIB_MAX_PEERS gateways in use, or no memory).  Under RCU.
 */
static struct pn_peer *pn_fib_peer(struct pn_dev *pn, const struct pn_addr *gw)
{
	struct pn_fib *f = &pn->fib;
	u32 hash = pn_peer_hash(gw);
	struct pn_peer *p;

	hash_for_each_possible_rcu(f->peers, p, hnode, hash) {
		if (pn_addr_equal(&p->via, gw)) {
			struct pn_fib_peer *fp;

			fp = container_of(p, struct pn_fib_peer, peer);
			if (!READ_ONCE(fp->used))
				WRITE_ONCE(fp->used, true);
			return p;
		}
	}
	return pn_fib_peer_new(f, gw, hash);
}

static void pn_fib_gc(struct work_struct *work)
{
	struct pn_fib *f = container_of(to_delayed_work(work), struct pn_fib,
					gc);
	struct hlist_node *tmp;
	struct pn_peer *p;
	unsigned int bkt;

	spin_lock_bh(&f->lock);
	hash_for_each_safe(f->peers, bkt, tmp, p, hnode) {
		struct pn_fib_peer *fp = container_of(p, struct pn_fib_peer,
						      peer);

		if (READ_ONCE(fp->used))
			WRITE_ONCE(fp->used, false);
		else
			pn_fib_peer_del(f, p);
	}
	if (f->npeers)
		queue_delayed_work(system_power_efficient_wq, &f->gc,
				   PN_FIB_GC_INTERVAL);
	spin_unlock_bh(&f->lock);
}

void pn_fib_init(struct pn_fib *f)
{
	spin_lock_init(&f->lock);
	hash_init(f->peers);
	f->npeers = 0;
	INIT_DELAYED_WORK(&f->gc, pn_fib_gc);
}

/* When nothing can send or receive on the device any more. */
void pn_fib_destroy(struct pn_fib *f)
{
	struct hlist_node *tmp;
	struct pn_peer *p;
	unsigned int bkt;

	cancel_delayed_work_sync(&f->gc);
	spin_lock_bh(&f->lock);
	hash_for_each_safe(f->peers, bkt, tmp, p, hnode)
		pn_fib_peer_del(f, p);
	spin_unlock_bh(&f->lock);
}

unsigned int pn_fib_peers(struct pn_fib *f)
{
	return READ_ONCE(f->npeers);
}

#if IS_ENABLED(CONFIG_IPV6)
/* The node an IPv6 route's gateway @a names (see the top of this file). */
static void pn_fib_gw6(const struct in6_addr *a, struct pn_addr *gw)
{
	/* ::ffff:a.b.c.d, or ::a.b.c.d but :: and ::1 */
	if (ipv6_addr_v4mapped(a) ||
	    (!(a->s6_addr32[0] | a->s6_addr32[1] | a->s6_addr32[2]) &&
	     ntohl(a->s6_addr32[3]) > 1)) {
		gw->family = AF_INET;
		gw->v4 = a->s6_addr32[3];
	} else {
		gw->family = AF_INET6;
		gw->v6 = *a;
	}
}
#endif

/* The gateway of the route @skb was routed by, if that is a route with a
 * gateway through this device.
 */
static bool pn_fib_gateway(struct pn_dev *pn, struct sk_buff *skb,
			   struct pn_addr *gw)
{
	struct dst_entry *dst = skb_dst(skb);

	if (!dst || dst->dev != pn->dev)
		return false;
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct rtable *rt;

		if (dst->ops->family != AF_INET)
			return false;
		rt = container_of(dst, struct rtable, dst);
		/*
		 * A route without a gateway can still carry one: a route
		 * bound to a nexthop exception (a learned path MTU) or not
		 * cached names its destination as gateway.  Only
		 * rt_uses_gateway says the route has one.
		 */
		if (!rt->rt_uses_gateway)
			return false;
		if (rt->rt_gw_family == AF_INET) {
			gw->family = AF_INET;
			gw->v4 = rt->rt_gw4;
			return true;
		}
		if (rt->rt_gw_family == AF_INET6) {
			gw->family = AF_INET6;
			gw->v6 = rt->rt_gw6;
			return true;
		}
		return false;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct rt6_info *rt;

		if (dst->ops->family != AF_INET6)
			return false;
		rt = container_of(dst, struct rt6_info, dst);
		if (!(rt->rt6i_flags & RTF_GATEWAY))
			return false;
		pn_fib_gw6(&rt->rt6i_gateway, gw);
		return true;
	}
#endif
	return false;
}

/*
 * The node to send @skb to by the kernel route it was routed by: NULL if
 * that route names none, an ERR_PTR if it does but its peer cannot be had.
 * Under RCU.
 */
struct pn_peer *pn_fib_tx_peer(struct pn_dev *pn, struct sk_buff *skb)
{
	struct pn_addr gw;
	struct pn_peer *p;

	if (!pn_fib_gateway(pn, skb, &gw))
		return NULL;
	p = pn_fib_peer(pn, &gw);
	return p ?: ERR_PTR(-ENOBUFS);
}

static bool pn_fib_source4_ok(struct pn_dev *pn, __be32 saddr,
			      const struct pn_addr *from)
{
	struct flowi4 fl4 = {
		.daddr = saddr,
		.flowi4_iif = LOOPBACK_IFINDEX,
	};
	struct fib_result res;
	unsigned int i;

	if (fib_lookup(dev_net(pn->dev), &fl4, &res, 0) ||
	    res.type != RTN_UNICAST)
		return false;
	for (i = 0; i < fib_info_num_path(res.fi); i++) {
		const struct fib_nh_common *nhc = fib_info_nhc(res.fi, i);

		if (nhc->nhc_dev != pn->dev || nhc->nhc_gw_family != from->family)
			continue;
		if (from->family == AF_INET ? nhc->nhc_gw.ipv4 == from->v4 :
		    ipv6_addr_equal(&nhc->nhc_gw.ipv6, &from->v6))
			return true;
	}
	return false;
}

#if IS_ENABLED(CONFIG_IPV6)
static bool pn_fib_source6_ok(struct pn_dev *pn, const struct in6_addr *saddr,
			      const struct pn_addr *from)
{
	struct flowi6 fl6 = { .daddr = *saddr };
	struct dst_entry *dst;
	bool ok = false;

	dst = ip6_route_output(dev_net(pn->dev), NULL, &fl6);
	if (!dst->error && dst->dev == pn->dev) {
		const struct rt6_info *rt = container_of(dst, struct rt6_info,
							 dst);
		struct pn_addr gw;

		if (rt->rt6i_flags & RTF_GATEWAY) {
			pn_fib_gw6(&rt->rt6i_gateway, &gw);
			ok = gw.family == from->family &&
			     (gw.family == AF_INET ? gw.v4 == from->v4 :
			      ipv6_addr_equal(&gw.v6, &from->v6));
		}
	}
	dst_release(dst);
	return ok;
}
#else
static bool pn_fib_source6_ok(struct pn_dev *pn, const struct in6_addr *saddr,
			      const struct pn_addr *from)
{
	return false;
}
#endif

/*
 * Receive validation for an inner source the explicit table does not
 * cover: its kernel route must go out through this device with @from, the
 * outer source, as gateway.  Returns the peer of @from to count the packet
 * on (NULL if it cannot be had; the packet is still good), or an ERR_PTR
 * if the source is not @from's.  Under RCU, @skb's inner header pulled.
 */
struct pn_peer *pn_fib_rx_peer(struct pn_dev *pn, struct sk_buff *skb,
			       const struct pn_addr *from)
{
	bool ok;

	if (skb->protocol == htons(ETH_P_IP))
		ok = pn_fib_source4_ok(pn, ip_hdr(skb)->saddr, from);
	else
		ok = pn_fib_source6_ok(pn, &ipv6_hdr(skb)->saddr, from);
	if (!ok)
		return ERR_PTR(-EPERM);
	return pn_fib_peer(pn, from);
}
