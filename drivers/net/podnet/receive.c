// SPDX-License-Identifier: GPL-2.0
/*
 * podnet receive: the UDP layer hands us a Geneve packet (after checking
 * its UDP checksum); we check the header, strip it and accept the inner
 * packet only if its source address is routed to the node that sent it,
 * as WireGuard checks allowed IPs.  Everything refused is counted by
 * reason.  Also the GRO hooks, so a TCP stream through the tunnel is
 * aggregated before it is decapsulated.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/gro.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include "compat.h"
#include "podnet.h"

static inline struct pn_genevehdr *pn_hdr(const struct sk_buff *skb)
{
	return (struct pn_genevehdr *)(udp_hdr(skb) + 1);
}

static u32 pn_hdr_vni(const struct pn_genevehdr *gh)
{
	return (gh->vni[0] << 16) | (gh->vni[1] << 8) | gh->vni[2];
}

/* Walks the options: each is a 4-byte header (class, type, length in
 * 4-byte words) and its data.  Returns the drop reason, or 0 if they are
 * well formed and none is critical.
 */
static unsigned int pn_check_options(const u8 *opt, unsigned int len)
{
	while (len) {
		unsigned int olen;

		if (len < 4)
			return PODNET_DROP_A_MALFORMED;
		olen = 4 + (opt[3] & 0x1f) * 4;
		if (olen > len)
			return PODNET_DROP_A_MALFORMED;
		if (opt[2] & PN_OPT_CRITICAL)
			return PODNET_DROP_A_CRITICAL_OPTION;
		opt += olen;
		len -= olen;
	}
	return 0;
}

static unsigned int pn_rx_check(struct pn_dev *pn, struct sk_buff *skb,
				unsigned int *hlen)
{
	struct pn_genevehdr *gh;
	unsigned int reason;

	if (unlikely(!pskb_may_pull(skb, PN_BASE_HLEN)))
		return PODNET_DROP_A_MALFORMED;
	gh = pn_hdr(skb);
	if (unlikely(gh->ver != PN_GENEVE_VER))
		return PODNET_DROP_A_BAD_VERSION;
	if (unlikely(gh->oam))
		return PODNET_DROP_A_OAM;
	if (unlikely(gh->critical))
		return PODNET_DROP_A_CRITICAL_OPTION;
	if (unlikely(pn_hdr_vni(gh) != pn->cfg.vni))
		return PODNET_DROP_A_UNKNOWN_VNI;
	if (unlikely(gh->proto_type != htons(ETH_P_IP) &&
		     gh->proto_type != htons(ETH_P_IPV6)))
		return PODNET_DROP_A_UNKNOWN_PROTO;
	*hlen = PN_BASE_HLEN + gh->opt_len * 4;
	if (likely(!gh->opt_len))
		return 0;
	if (unlikely(!pskb_may_pull(skb, *hlen)))
		return PODNET_DROP_A_MALFORMED;
	gh = pn_hdr(skb);
	reason = pn_check_options((const u8 *)(gh + 1), gh->opt_len * 4);
	return reason;
}

/* Called by the UDP layer, in softirq, under rcu_read_lock(). */
int pn_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct pn_dev *pn = rcu_dereference_sk_user_data(sk);
	unsigned int hlen = 0, len, packets, reason;
	struct pn_peer *e = NULL;
	struct pn_addr from;
	void *oiph;
	bool xnet;
	int nh, err;

	if (unlikely(!pn))
		goto free;
	if (unlikely(!(pn->dev->flags & IFF_UP))) {
		reason = PODNET_DROP_A_DOWN;
		goto drop;
	}
	reason = pn_rx_check(pn, skb, &hlen);
	if (unlikely(reason))
		goto drop;

	if (sk->sk_family == AF_INET) {
		from.family = AF_INET;
		from.v4 = ip_hdr(skb)->saddr;
	} else {
		from.family = AF_INET6;
		from.v6 = ipv6_hdr(skb)->saddr;
	}

	xnet = !net_eq(sock_net(sk), dev_net(pn->dev));
	if (unlikely(iptunnel_pull_header(skb, hlen, pn_hdr(skb)->proto_type,
					  xnet))) {
		reason = PODNET_DROP_A_MALFORMED;
		goto drop;
	}
	skb_reset_mac_header(skb);
	skb->dev = pn->dev;
	skb->pkt_type = PACKET_HOST;
	/* An offset, as pulling the inner header may move skb->head. */
	nh = skb_network_header(skb) - skb->head;
	skb_reset_network_header(skb);
	if (unlikely(!pskb_inet_may_pull(skb))) {
		reason = PODNET_DROP_A_MALFORMED;
		goto drop;
	}

	if (skb->protocol == htons(ETH_P_IP)) {
		if (unlikely(ip_hdr(skb)->version != 4 ||
			     ip_hdr(skb)->ihl < 5)) {
			reason = PODNET_DROP_A_MALFORMED;
			goto drop;
		}
		e = pn_routes_lookup4(&pn->routes, ip_hdr(skb)->saddr);
	} else {
		if (unlikely(ipv6_hdr(skb)->version != 6)) {
			reason = PODNET_DROP_A_MALFORMED;
			goto drop;
		}
		e = pn_routes_lookup6(&pn->routes, &ipv6_hdr(skb)->saddr);
	}
	if (!e) {
		/* Not in our table: the kernel route to the source decides. */
		e = pn_fib_rx_peer(pn, skb, &from);
		if (IS_ERR(e)) {
			reason = PODNET_DROP_A_SPOOFED_SOURCE;
			goto drop;
		}
	} else if (unlikely(!pn_addr_equal(&e->via, &from))) {
		reason = PODNET_DROP_A_SPOOFED_SOURCE;
		goto drop;
	}

	oiph = skb->head + nh;
	if (from.family == AF_INET)
		err = IP_ECN_decapsulate(oiph, skb);
	else
		err = IP6_ECN_decapsulate(oiph, skb);
	if (unlikely(err > 1)) {
		reason = PODNET_DROP_A_ECN;
		goto drop;
	}

	len = skb->len;
	packets = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	if (likely(e))
		pn_peer_count(e, false, packets, len);
	if (likely(gro_cells_receive(&pn->gro_cells, skb) == NET_RX_SUCCESS))
		dev_sw_netstats_rx_add(pn->dev, len);
	return 0;

drop:
	pn_drop(pn, reason);
	if (reason == PODNET_DROP_A_MALFORMED ||
	    reason == PODNET_DROP_A_BAD_VERSION) {
		DEV_STATS_INC(pn->dev, rx_frame_errors);
		DEV_STATS_INC(pn->dev, rx_errors);
	} else {
		DEV_STATS_INC(pn->dev, rx_dropped);
	}
free:
	kfree_skb(skb);
	return 0;
}

/* ICMP errors about packets we sent: claim them if they are ours. */
int pn_udp_encap_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	struct pn_dev *pn = rcu_dereference_sk_user_data(sk);
	struct pn_genevehdr *gh;

	if (!pn)
		return -ENOENT;
	if (!pskb_may_pull(skb, skb_transport_offset(skb) + PN_BASE_HLEN))
		return -EINVAL;
	gh = pn_hdr(skb);
	if (gh->ver != PN_GENEVE_VER || pn_hdr_vni(gh) != pn->cfg.vni)
		return -ENOENT;
	return 0;
}

struct sk_buff *pn_gro_receive(struct sock *sk, struct list_head *head,
			       struct sk_buff *skb)
{
	const struct packet_offload *ptype;
	unsigned int hlen, gh_len, off;
	struct pn_genevehdr *gh, *gh2;
	u16 outer_nh = pn_compat_gro_nh(skb);
	struct sk_buff *pp = NULL;
	struct sk_buff *p;
	int flush = 1;

	off = skb_gro_offset(skb);
	hlen = off + sizeof(*gh);
	gh = skb_gro_header(skb, hlen, off);
	if (unlikely(!gh))
		goto out;
	if (gh->ver != PN_GENEVE_VER || gh->oam || gh->critical)
		goto out;
	if (gh->proto_type != htons(ETH_P_IP) &&
	    gh->proto_type != htons(ETH_P_IPV6))
		goto out;
	gh_len = sizeof(*gh) + gh->opt_len * 4;
	hlen = off + gh_len;
	gh = skb_gro_header(skb, hlen, off);
	if (unlikely(!gh))
		goto out;

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		gh2 = (struct pn_genevehdr *)(p->data + off);
		if (gh->opt_len != gh2->opt_len || memcmp(gh, gh2, gh_len))
			NAPI_GRO_CB(p)->same_flow = 0;
	}

	skb_gro_pull(skb, gh_len);
	skb_gro_postpull_rcsum(skb, gh, gh_len);
	ptype = gro_find_receive_by_type(gh->proto_type);
	if (!ptype)
		goto out;
	pp = call_gro_receive(ptype->callbacks.gro_receive, head, skb);
	pn_compat_gro_set_nh(skb, outer_nh);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

int pn_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	struct pn_genevehdr *gh = (struct pn_genevehdr *)(skb->data + nhoff);
	int gh_len = sizeof(*gh) + gh->opt_len * 4;
	u16 outer_nh = pn_compat_gro_nh(skb);
	struct packet_offload *ptype;
	int err = -EOPNOTSUPP;

	ptype = gro_find_complete_by_type(gh->proto_type);
	if (ptype) {
		pn_compat_gro_set_nh(skb, skb_headroom(skb) + nhoff + gh_len);
		err = ptype->callbacks.gro_complete(skb, nhoff + gh_len);
		pn_compat_gro_set_nh(skb, outer_nh);
	}
	skb_set_inner_mac_header(skb, nhoff + gh_len);
	return err;
}
