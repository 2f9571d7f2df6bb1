/* SPDX-License-Identifier: GPL-2.0 */
/* Differences between the kernel APIs podnet builds against.  podnet is
 * written against the newest kernel's; this header supplies that API on
 * older kernels.  Each change is detected by what the kernel has, not by
 * its version, so a kernel with a change backported (Debian's 6.1 has the
 * core-allocated tstats of 6.6) takes the new path: a macro or header the
 * change added where there is one, otherwise a compile test of
 * scripts/compat.sh (compat/have_*.c, PODKIT_HAVE_* in podkit_compat.h).
 */
#ifndef _PODNET_COMPAT_H
#define _PODNET_COMPAT_H

#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/flow.h>
#include <net/genetlink.h>
#include <net/inet_dscp.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>
#include <podkit_compat.h>

/* Before 6.10 each IP layer of GRO moved skb->network_header to its own
 * header, so past a tunnel it pointed at the inner one; yet
 * udp4/6_gro_complete() read the outer addresses through it to find the
 * tunnel's socket.  For a socket bound to its local address, as podnet's
 * is, that lookup failed and the aggregate went up as plain UDP GSO, to be
 * segmented again before podnet saw it: podnet's packets were never
 * aggregated (geneve's, bound to the wildcard address, were).  6.10 keeps
 * each header's offset in NAPI_GRO_CB() instead.  On older kernels podnet
 * puts the outer header back after the inner layers' gro_receive, and
 * points at the inner one only around their gro_complete.
 */
#ifdef PODKIT_HAVE_GRO_NETWORK_OFFSETS
static inline u16 pn_compat_gro_nh(const struct sk_buff *skb)
{
	return 0;
}

static inline void pn_compat_gro_set_nh(struct sk_buff *skb, u16 nh)
{
}
#else
static inline u16 pn_compat_gro_nh(const struct sk_buff *skb)
{
	return skb->network_header;
}

static inline void pn_compat_gro_set_nh(struct sk_buff *skb, u16 nh)
{
	skb->network_header = nh;
}
#endif

/* 6.15 moved the netdev instance lock helpers, netdev_lockdep_set_classes()
 * among them, out of netdevice.h into a header of their own.
 */
#ifdef PODKIT_HAVE_NETDEV_LOCK_H
#include <net/netdev_lock.h>
#endif

/* 6.11 turned the NETIF_F_LLTX feature bit into dev->lltx. */
static inline void pn_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/* Since 6.6 the core allocates dev->tstats for a device that asks for them
 * with pcpu_stat_type, and since 7.0 iptunnel_xmit_stats() warns about a
 * device that did not; before 6.6 the driver allocated and freed them.
 */
#ifdef PODKIT_HAVE_PCPU_STAT_TYPE
static inline void pn_compat_set_tstats(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}

static inline int pn_compat_alloc_tstats(struct net_device *dev)
{
	return 0;
}

static inline void pn_compat_free_tstats(struct net_device *dev)
{
}
#else
static inline void pn_compat_set_tstats(struct net_device *dev)
{
}

static inline int pn_compat_alloc_tstats(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static inline void pn_compat_free_tstats(struct net_device *dev)
{
	free_percpu(dev->tstats);
}
#endif

/* 6.15 passes struct rtnl_newlink_params to ->newlink; before, the netns
 * and attribute tables came as separate arguments.  The netns argument was
 * the link netns (IFLA_LINK_NETNSID's, or else the requester's), which is
 * rtnl_newlink_link_net() now: params->src_net is always the requester's.
 */
#ifdef PODKIT_HAVE_RTNL_NEWLINK_PARAMS
#define PN_NEWLINK_ARGS struct net_device *dev,				\
			struct rtnl_newlink_params *params,		\
			struct netlink_ext_ack *extack
#define PN_NEWLINK_LINK_NET	rtnl_newlink_link_net(params)
#define PN_NEWLINK_TB		(params->tb)
#define PN_NEWLINK_DATA		(params->data)
#else
#define PN_NEWLINK_ARGS struct net *src_net, struct net_device *dev,	\
			struct nlattr *tb[], struct nlattr *data[],	\
			struct netlink_ext_ack *extack
#define PN_NEWLINK_LINK_NET	(src_net)
#define PN_NEWLINK_TB		(tb)
#define PN_NEWLINK_DATA		(data)
#endif

/* 6.6 gave dumps a struct genl_info of their own; before, the parsed
 * attributes were only in struct genl_dumpit_info, under the same name.
 */
#ifndef PODKIT_HAVE_GENL_INFO_DUMP
#define genl_info_dump(cb)	genl_dumpit_info(cb)
#endif

/* 7.2 (and 7.1.5) pass the UDP tunnel socket helpers the struct sock, all
 * they use, so that tunnels need not keep the struct socket around; before,
 * they took the struct socket.
 */
#ifndef PODKIT_HAVE_UDP_TUNNEL_SOCK_SK
#define setup_udp_tunnel_sock(net, sk, cfg)				\
	setup_udp_tunnel_sock(net, (sk)->sk_socket, cfg)
#define udp_tunnel_notify_add_rx_port(sk, type)				\
	udp_tunnel_notify_add_rx_port((sk)->sk_socket, type)
#define udp_tunnel_notify_del_rx_port(sk, type)				\
	udp_tunnel_notify_del_rx_port((sk)->sk_socket, type)
#define udp_tunnel_sock_release(sk)					\
	udp_tunnel_sock_release((sk)->sk_socket)
#endif

/* 6.18 keeps the DSCP of an IPv4 flow as a dscp_t, flowi4_dscp; before, the
 * flow had the TOS byte, flowi4_tos, and the route lookup masked it.
 */
static inline void pn_compat_set_flowi4_dscp(struct flowi4 *fl4, dscp_t dscp)
{
#ifdef flowi4_dscp
	fl4->flowi4_dscp = dscp;
#else
	fl4->flowi4_tos = inet_dscp_to_dsfield(dscp);
#endif
}

/* 6.17 added an argument for IPCB()/IP6CB() flags to the UDP tunnel
 * transmit helpers, so that a tunnel can mark what it sends for the IP
 * layer (vxlan's multicast routing); podnet passes none.
 */
#ifndef PODKIT_HAVE_UDP_TUNNEL_XMIT_IPCB_FLAGS
#define udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			    dport, xnet, nocheck, ipcb_flags)		\
	((void)(ipcb_flags),						\
	 udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			     dport, xnet, nocheck))
#define udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			     label, sport, dport, nocheck, ip6cb_flags)	\
	((void)(ip6cb_flags),						\
	 udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			      label, sport, dport, nocheck))
#endif

/* 7.0 added allocators that take the object rather than its size; this is
 * the form podnet uses, with its gfp flags.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, gfp)	kzalloc(sizeof(P), gfp)
#endif

#endif /* _PODNET_COMPAT_H */
