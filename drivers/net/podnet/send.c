// SPDX-License-Identifier: GPL-2.0
/*
 * podnet transmit: look the inner destination up in the route table,
 * put a Geneve header (protocol 0x0800 / 0x86dd, no inner Ethernet) and
 * UDP in front of the packet and send it to the node the route names.
 * Lockless: the route table and the sockets are read under RCU, the
 * underlay route is cached per route entry and per CPU.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/inet_dscp.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp_tunnel.h>
#include "compat.h"
#include "podnet.h"

static bool pn_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (skb_is_gso(skb))
		return !skb_gso_validate_network_len(skb, mtu);
	return skb->len > mtu;
}

/* The packet does not fit the underlay path.  Tell the inner route, and
 * the sender if it asked not to be fragmented (true: drop the packet);
 * otherwise the outer packet is fragmented.
 */
static bool pn_frag_needed(struct sk_buff *skb, unsigned int mtu)
{
	skb_dst_update_pmtu_no_confirm(skb, mtu);
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
			return false;
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
		return true;
	}
	if (mtu < IPV6_MIN_MTU)
		return false;
	icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return true;
}

static int pn_build(struct pn_dev *pn, struct sk_buff *skb,
		    struct dst_entry *dst, int ip_hdr_len, bool udp_sum,
		    bool xnet)
{
	__be16 inner_proto = skb->protocol;
	struct pn_genevehdr *gh;
	u32 vni = pn->cfg.vni;
	int err;

	skb_reset_mac_header(skb);
	skb_scrub_packet(skb, xnet);
	err = skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
				PN_BASE_HLEN + ip_hdr_len);
	if (unlikely(err))
		return err;
	err = udp_tunnel_handle_offloads(skb, udp_sum);
	if (unlikely(err))
		return err;
	gh = __skb_push(skb, sizeof(*gh));
	*gh = (struct pn_genevehdr) {
		.ver = PN_GENEVE_VER,
		.proto_type = inner_proto,
		.vni = { vni >> 16, vni >> 8, vni },
	};
	skb_set_inner_protocol(skb, inner_proto);
	return 0;
}

static __be16 pn_df(struct pn_dev *pn, struct sk_buff *skb)
{
	switch (READ_ONCE(pn->cfg.df)) {
	case PODNET_DF_SET:
		return htons(IP_DF);
	case PODNET_DF_INHERIT:
		if (skb->protocol == htons(ETH_P_IPV6))
			return htons(IP_DF);
		return ip_hdr(skb)->frag_off & htons(IP_DF);
	}
	return 0;
}

static u8 pn_dsfield(struct pn_dev *pn, struct sk_buff *skb, bool *inherit)
{
	u8 tos = READ_ONCE(pn->cfg.tos);

	*inherit = tos == PODNET_TOS_INHERIT;
	if (*inherit)
		tos = ip_tunnel_get_dsfield(ip_hdr(skb), skb);
	return tos;
}

static int pn_xmit4(struct pn_dev *pn, struct sk_buff *skb,
		    struct pn_peer *e)
{
	struct sock *sk = rcu_dereference(pn->sk4);
	struct net_device *dev = pn->dev;
	__be16 port = pn->cfg.port;
	bool inherit, udp_sum, xnet;
	__be16 sport, df;
	struct rtable *rt;
	unsigned int mtu;
	struct net *net;
	__be32 saddr;
	u8 tos, ttl;
	int err;

	if (unlikely(!sk)) {
		pn_drop(pn, PODNET_DROP_A_UNDERLAY);
		return -ENETUNREACH;
	}
	net = sock_net(sk);
	xnet = !net_eq(net, dev_net(dev));
	sport = udp_flow_src_port(net, skb, 1, USHRT_MAX, true);
	tos = pn_dsfield(pn, skb, &inherit);
	df = pn_df(pn, skb);

	rt = dst_cache_get_ip4(&e->dst_cache, &saddr);
	if (!rt) {
		struct flowi4 fl4 = {
			.daddr = e->via.v4,
			.saddr = pn->cfg.has_local4 ? pn->cfg.local4 : 0,
			.flowi4_proto = IPPROTO_UDP,
			.fl4_dport = port,
		};

		pn_compat_set_flowi4_dscp(&fl4,
					  inet_dsfield_to_dscp(inherit ? 0 : tos));
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt)) {
			DEV_STATS_INC(dev, tx_carrier_errors);
			pn_drop(pn, PODNET_DROP_A_UNDERLAY);
			return -ENETUNREACH;
		}
		if (unlikely(rt->dst.dev == dev)) {
			ip_rt_put(rt);
			DEV_STATS_INC(dev, collisions);
			pn_drop(pn, PODNET_DROP_A_UNDERLAY);
			return -ELOOP;
		}
		saddr = fl4.saddr;
		dst_cache_set_ip4(&e->dst_cache, &rt->dst, saddr);
	}

	mtu = dst_mtu(&rt->dst) - PN_IPV4_HLEN;
	if (unlikely(pn_too_big(skb, mtu))) {
		if (pn_frag_needed(skb, mtu)) {
			ip_rt_put(rt);
			pn_drop(pn, PODNET_DROP_A_TOO_BIG);
			return -EMSGSIZE;
		}
		df = 0;
	}

	tos = ip_tunnel_ecn_encap(tos, ip_hdr(skb), skb);
	ttl = READ_ONCE(pn->cfg.ttl) ? : ip4_dst_hoplimit(&rt->dst);
	udp_sum = READ_ONCE(pn->cfg.udp_csum);
	err = pn_build(pn, skb, &rt->dst, sizeof(struct iphdr), udp_sum, xnet);
	if (unlikely(err)) {
		ip_rt_put(rt);
		pn_drop(pn, PODNET_DROP_A_TX_INVALID);
		return err;
	}
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, e->via.v4, tos, ttl, df,
			    sport, port, xnet, !udp_sum, 0);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int pn_xmit6(struct pn_dev *pn, struct sk_buff *skb,
		    struct pn_peer *e)
{
	struct sock *sk = rcu_dereference(pn->sk6);
	struct net_device *dev = pn->dev;
	struct in6_addr saddr, daddr;
	__be16 port = pn->cfg.port;
	bool inherit, zero_csum, xnet;
	struct dst_entry *dst;
	unsigned int mtu;
	struct net *net;
	__be16 sport;
	u8 prio, ttl;
	int err;

	if (unlikely(!sk)) {
		pn_drop(pn, PODNET_DROP_A_UNDERLAY);
		return -ENETUNREACH;
	}
	net = sock_net(sk);
	xnet = !net_eq(net, dev_net(dev));
	sport = udp_flow_src_port(net, skb, 1, USHRT_MAX, true);
	prio = pn_dsfield(pn, skb, &inherit);
	daddr = e->via.v6;

	dst = dst_cache_get_ip6(&e->dst_cache, &saddr);
	if (!dst) {
		struct flowi6 fl6 = {
			.daddr = daddr,
			.flowi6_proto = IPPROTO_UDP,
			.fl6_dport = port,
		};

		if (pn->cfg.has_local6)
			fl6.saddr = pn->cfg.local6;
		fl6.flowlabel = ip6_make_flowinfo(inherit ? 0 : prio, 0);
		dst = ip6_dst_lookup_flow(net, sk, &fl6, NULL);
		if (IS_ERR(dst)) {
			DEV_STATS_INC(dev, tx_carrier_errors);
			pn_drop(pn, PODNET_DROP_A_UNDERLAY);
			return -ENETUNREACH;
		}
		if (unlikely(dst->dev == dev)) {
			dst_release(dst);
			DEV_STATS_INC(dev, collisions);
			pn_drop(pn, PODNET_DROP_A_UNDERLAY);
			return -ELOOP;
		}
		saddr = fl6.saddr;
		dst_cache_set_ip6(&e->dst_cache, dst, &saddr);
	}

	mtu = dst_mtu(dst) - PN_IPV6_HLEN;
	if (unlikely(pn_too_big(skb, mtu)) && pn_frag_needed(skb, mtu)) {
		dst_release(dst);
		pn_drop(pn, PODNET_DROP_A_TOO_BIG);
		return -EMSGSIZE;
	}

	prio = ip_tunnel_ecn_encap(prio, ip_hdr(skb), skb);
	ttl = READ_ONCE(pn->cfg.ttl) ? : ip6_dst_hoplimit(dst);
	zero_csum = READ_ONCE(pn->cfg.zero_csum6_tx);
	err = pn_build(pn, skb, dst, sizeof(struct ipv6hdr), !zero_csum, xnet);
	if (unlikely(err)) {
		dst_release(dst);
		pn_drop(pn, PODNET_DROP_A_TX_INVALID);
		return err;
	}
	/*
	 * What gets here fits the path or may be fragmented (an IPv4 packet
	 * without DF, an IPv6 one below the IPv6 minimum MTU): IPv6 leaves
	 * that to the sender, us, and ip6_fragment() refuses a packet larger
	 * than the path unless ignore_df is set, which skb_scrub_packet()
	 * cleared.
	 */
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, &saddr, &daddr, prio,
			     ttl, 0, sport, port, zero_csum, 0);
	return 0;
}
#else
static int pn_xmit6(struct pn_dev *pn, struct sk_buff *skb,
		    struct pn_peer *e)
{
	pn_drop(pn, PODNET_DROP_A_UNDERLAY);
	return -EAFNOSUPPORT;
}
#endif

static void pn_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
}

netdev_tx_t pn_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);
	unsigned int len, packets;
	struct pn_peer *e = NULL;
	int err;

	rcu_read_lock();
	if (unlikely(!pskb_inet_may_pull(skb))) {
		pn_drop(pn, PODNET_DROP_A_TX_INVALID);
		goto drop;
	}
	if (skb->protocol == htons(ETH_P_IP) && ip_hdr(skb)->version == 4) {
		e = pn_routes_lookup4(&pn->routes, ip_hdr(skb)->daddr);
	} else if (skb->protocol == htons(ETH_P_IPV6) &&
		   ipv6_hdr(skb)->version == 6) {
		e = pn_routes_lookup6(&pn->routes, &ipv6_hdr(skb)->daddr);
	} else {
		pn_drop(pn, PODNET_DROP_A_TX_INVALID);
		goto drop;
	}
	if (!e) {
		/* No entry of ours: the kernel route's gateway, if any. */
		e = pn_fib_tx_peer(pn, skb);
		if (IS_ERR(e)) {
			pn_drop(pn, PODNET_DROP_A_UNDERLAY);
			goto drop;
		}
	}
	if (unlikely(!e)) {
		pn_drop(pn, PODNET_DROP_A_NO_ROUTE);
		pn_unreachable(skb);
		goto drop;
	}

	len = skb->len;
	packets = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	if (e->via.family == AF_INET)
		err = pn_xmit4(pn, skb, e);
	else
		err = pn_xmit6(pn, skb, e);
	if (unlikely(err))
		goto drop;
	pn_peer_count(e, true, packets, len);
	rcu_read_unlock();
	return NETDEV_TX_OK;

drop:
	rcu_read_unlock();
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
