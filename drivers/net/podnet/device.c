// SPDX-License-Identifier: GPL-2.0
/*
 * podnet device: rtnl_link_ops for `ip link add NAME type podnet`, the
 * net_device itself, its lifetime across network namespaces, and the
 * module's entry points.
 *
 * The UDP sockets live in the namespace that created the device, which
 * may later be moved elsewhere (as with WireGuard).  When the creating
 * namespace goes away, its devices elsewhere lose their sockets and stay
 * down; devices inside a dying namespace are deleted with it.
 */

#include <linux/module.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>
#include "compat.h"
#include "podnet.h"

/* All podnet devices, of every netns; protected by RTNL. */
static LIST_HEAD(pn_device_list);

static unsigned int pn_net_id __read_mostly;

struct pn_net {
	/* Route changes on the netns' devices, for all-device dumps. */
	atomic_t generation;
};

/* A route table of a device in @net changed. */
void pn_net_changed(struct net *net)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);

	/* Dump consistency checks treat 0 as "not set". */
	if (unlikely(!atomic_inc_return(&pnn->generation)))
		atomic_inc(&pnn->generation);
}

u32 pn_net_generation(struct net *net)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);

	return atomic_read(&pnn->generation);
}

bool pn_has_family(struct pn_dev *pn, sa_family_t family)
{
	if (family == AF_INET)
		return pn->cfg.has_local4 || !pn->cfg.has_local6;
	return IS_ENABLED(CONFIG_IPV6) &&
	       (pn->cfg.has_local6 || !pn->cfg.has_local4);
}

void pn_drops_read(struct pn_dev *pn, u64 *counts)
{
	int cpu, i;

	memset(counts, 0, sizeof(u64) * (PODNET_DROP_A_MAX + 1));
	for_each_possible_cpu(cpu) {
		const struct pn_drop_pcpu *s = per_cpu_ptr(pn->drops, cpu);
		u64 c[PODNET_DROP_A_MAX + 1];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i <= PODNET_DROP_A_MAX; i++)
				c[i] = u64_stats_read(&s->count[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i <= PODNET_DROP_A_MAX; i++)
			counts[i] += c[i];
	}
}

static int pn_open(struct net_device *dev)
{
	return pn_socket_open(netdev_priv(dev));
}

static int pn_stop(struct net_device *dev)
{
	pn_socket_close(netdev_priv(dev));
	return 0;
}

static int pn_init(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);
	int err;

	err = pn_compat_alloc_tstats(dev);
	if (err)
		return err;
	err = gro_cells_init(&pn->gro_cells, dev);
	if (err) {
		pn_compat_free_tstats(dev);
		return err;
	}
	netdev_lockdep_set_classes(dev);
	return 0;
}

static void pn_uninit(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	gro_cells_destroy(&pn->gro_cells);
	pn_compat_free_tstats(dev);
}

static const struct net_device_ops pn_netdev_ops = {
	.ndo_init		= pn_init,
	.ndo_uninit		= pn_uninit,
	.ndo_open		= pn_open,
	.ndo_stop		= pn_stop,
	.ndo_start_xmit		= pn_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void pn_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "podnet", sizeof(info->driver));
}

static const struct ethtool_ops pn_ethtool_ops = {
	.get_drvinfo	= pn_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};

static const struct device_type pn_type = {
	.name = "podnet",
};

static void pn_destruct(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	pn_fib_destroy(&pn->fib);
	pn_routes_destroy(&pn->routes);
	free_percpu(pn->drops);
}

static void pn_setup(struct net_device *dev)
{
	const netdev_features_t features = NETIF_F_SG | NETIF_F_HW_CSUM |
					   NETIF_F_FRAGLIST | NETIF_F_RXCSUM |
					   NETIF_F_HIGHDMA |
					   NETIF_F_GSO_SOFTWARE;

	dev->netdev_ops = &pn_netdev_ops;
	dev->ethtool_ops = &pn_ethtool_ops;
	SET_NETDEV_DEVTYPE(dev, &pn_type);
	dev->header_ops = NULL;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->needs_free_netdev = true;
	dev->needed_headroom = ALIGN(ETH_HLEN, HH_DATA_MOD) + PN_IPV6_HLEN;
	dev->mtu = ETH_DATA_LEN - PN_IPV6_HLEN;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - PN_IPV4_HLEN;
	pn_compat_set_lltx(dev);
	pn_compat_set_tstats(dev);
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
	netif_keep_dst(dev);
}

static const struct nla_policy pn_link_policy[IFLA_PODNET_MAX + 1] = {
	[IFLA_PODNET_VNI]		= { .type = NLA_U32 },
	[IFLA_PODNET_PORT]		= { .type = NLA_BE16 },
	[IFLA_PODNET_LOCAL]		= { .len = sizeof(struct in_addr) },
	[IFLA_PODNET_LOCAL6]		= { .len = sizeof(struct in6_addr) },
	[IFLA_PODNET_TTL]		= { .type = NLA_U8 },
	[IFLA_PODNET_TOS]		= { .type = NLA_U8 },
	[IFLA_PODNET_UDP_CSUM]		= { .type = NLA_U8 },
	[IFLA_PODNET_UDP_ZERO_CSUM6_TX]	= { .type = NLA_U8 },
	[IFLA_PODNET_UDP_ZERO_CSUM6_RX]	= { .type = NLA_U8 },
	[IFLA_PODNET_DF]		= { .type = NLA_U8 },
	[IFLA_PODNET_MAX_ROUTES]	= { .type = NLA_U32 },
};

static bool pn_bad_bool(struct nlattr *data[], int type)
{
	return data[type] && nla_get_u8(data[type]) > 1;
}

static int pn_validate(struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "podnet: an L3 device has no link-layer address");
		return -EINVAL;
	}
	if (!data)
		return 0;
	a = data[IFLA_PODNET_VNI];
	if (a && nla_get_u32(a) > PODNET_VNI_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: vni must be between 0 and 16777215 (24 bits)");
		return -ERANGE;
	}
	a = data[IFLA_PODNET_PORT];
	if (a && !nla_get_be16(a)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "podnet: port must not be 0");
		return -EINVAL;
	}
	a = data[IFLA_PODNET_LOCAL];
	if (a) {
		__be32 addr;

		if (nla_len(a) != sizeof(struct in_addr)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: local must be an IPv4 address (4 bytes)");
			return -EINVAL;
		}
		addr = nla_get_in_addr(a);
		if (ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) ||
		    ipv4_is_zeronet(addr)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: local must be a unicast IPv4 address");
			return -EADDRNOTAVAIL;
		}
	}
	a = data[IFLA_PODNET_LOCAL6];
	if (a) {
		struct in6_addr addr;
		int type;

		if (nla_len(a) != sizeof(struct in6_addr)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: local6 must be an IPv6 address (16 bytes)");
			return -EINVAL;
		}
		if (!IS_ENABLED(CONFIG_IPV6)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: IPv6 is not available");
			return -EPFNOSUPPORT;
		}
		addr = nla_get_in6_addr(a);
		type = ipv6_addr_type(&addr);
		if (type == IPV6_ADDR_ANY || (type & IPV6_ADDR_MULTICAST) ||
		    (type & IPV6_ADDR_MAPPED)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: local6 must be a unicast IPv6 address");
			return -EADDRNOTAVAIL;
		}
	}
	a = data[IFLA_PODNET_DF];
	if (a && nla_get_u8(a) > PODNET_DF_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: df must be 0 (unset), 1 (set) or 2 (inherit)");
		return -ERANGE;
	}
	a = data[IFLA_PODNET_MAX_ROUTES];
	if (a && (nla_get_u32(a) < 1 ||
		  nla_get_u32(a) > PODNET_MAX_ROUTES_LIMIT)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: maxroutes must be 1 to 1048576");
		return -ERANGE;
	}
	a = data[IFLA_PODNET_UDP_CSUM];
	if (pn_bad_bool(data, IFLA_PODNET_UDP_CSUM)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "podnet: udpcsum must be 0 or 1");
		return -EINVAL;
	}
	a = data[IFLA_PODNET_UDP_ZERO_CSUM6_TX];
	if (pn_bad_bool(data, IFLA_PODNET_UDP_ZERO_CSUM6_TX)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: udp6zerocsumtx must be 0 or 1");
		return -EINVAL;
	}
	a = data[IFLA_PODNET_UDP_ZERO_CSUM6_RX];
	if (pn_bad_bool(data, IFLA_PODNET_UDP_ZERO_CSUM6_RX)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: udp6zerocsumrx must be 0 or 1");
		return -EINVAL;
	}
	return 0;
}

/* The settings that may change while the device exists. */
static void pn_apply_changeable(struct pn_dev *pn, struct nlattr *data[])
{
	struct pn_config *cfg = &pn->cfg;

	/* Applies to prefixes added from now on; none is taken away. */
	if (data[IFLA_PODNET_MAX_ROUTES])
		WRITE_ONCE(pn->routes.max_routes,
			   nla_get_u32(data[IFLA_PODNET_MAX_ROUTES]));
	if (data[IFLA_PODNET_TTL])
		WRITE_ONCE(cfg->ttl, nla_get_u8(data[IFLA_PODNET_TTL]));
	if (data[IFLA_PODNET_TOS])
		WRITE_ONCE(cfg->tos, nla_get_u8(data[IFLA_PODNET_TOS]));
	if (data[IFLA_PODNET_UDP_CSUM])
		WRITE_ONCE(cfg->udp_csum,
			   !!nla_get_u8(data[IFLA_PODNET_UDP_CSUM]));
	if (data[IFLA_PODNET_UDP_ZERO_CSUM6_TX])
		WRITE_ONCE(cfg->zero_csum6_tx,
			   !!nla_get_u8(data[IFLA_PODNET_UDP_ZERO_CSUM6_TX]));
	if (data[IFLA_PODNET_DF])
		WRITE_ONCE(cfg->df, nla_get_u8(data[IFLA_PODNET_DF]));
}

/* Each device has sockets of its own, bound to its port and local address
 * (or the wildcard) in the namespace that creates it.  A second device whose
 * sockets could not be bound next to an existing one's is refused here, with
 * a message saying so, rather than failing later when it goes up.
 */
static bool pn_binds_clash(struct pn_dev *a, struct pn_dev *b)
{
	if (a->creating_net != b->creating_net || a->cfg.port != b->cfg.port)
		return false;
	if (pn_has_family(a, AF_INET) && pn_has_family(b, AF_INET) &&
	    (!a->cfg.has_local4 || !b->cfg.has_local4 ||
	     a->cfg.local4 == b->cfg.local4))
		return true;
	return pn_has_family(a, AF_INET6) && pn_has_family(b, AF_INET6) &&
	       (!a->cfg.has_local6 || !b->cfg.has_local6 ||
		ipv6_addr_equal(&a->cfg.local6, &b->cfg.local6));
}

static int pn_check_binds(struct pn_dev *pn, struct netlink_ext_ack *extack)
{
	struct pn_dev *other;

	ASSERT_RTNL();
	list_for_each_entry(other, &pn_device_list, device_list) {
		if (!pn_binds_clash(pn, other))
			continue;
		NL_SET_ERR_MSG(extack,
			       "podnet: another podnet device of this namespace uses this port with an overlapping local address; give each device its own port or local address");
		return -EADDRINUSE;
	}
	return 0;
}

/* Underlay MTU minus the encapsulation, from the device owning "local". */
static int pn_default_mtu(struct pn_dev *pn, struct net *net)
{
	int mtu = ETH_DATA_LEN, overhead = PN_IPV4_HLEN;
	struct net_device *ldev;

	if (pn_has_family(pn, AF_INET6))
		overhead = PN_IPV6_HLEN;
	rcu_read_lock();
	if (pn->cfg.has_local4) {
		ldev = __ip_dev_find(net, pn->cfg.local4, false);
		if (ldev)
			mtu = ldev->mtu;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (pn->cfg.has_local6) {
		ldev = ipv6_dev_find(net, &pn->cfg.local6, NULL);
		if (ldev)
			mtu = pn->cfg.has_local4 ? min_t(int, mtu, ldev->mtu) :
				ldev->mtu;
	}
#endif
	rcu_read_unlock();
	return clamp_t(int, mtu - overhead, IPV4_MIN_MTU, IP_MAX_MTU - overhead);
}

static int pn_newlink(PN_NEWLINK_ARGS)
{
	struct nlattr **attrs = PN_NEWLINK_DATA;
	struct pn_dev *pn = netdev_priv(dev);
	struct pn_config *cfg = &pn->cfg;
	int err, cpu;

	if (!attrs || !attrs[IFLA_PODNET_VNI]) {
		NL_SET_ERR_MSG(extack, "podnet: vni is required");
		return -EINVAL;
	}
	pn->dev = dev;
	pn->creating_net = PN_NEWLINK_LINK_NET;
	cfg->vni = nla_get_u32(attrs[IFLA_PODNET_VNI]);
	cfg->port = htons(PODNET_DEFAULT_PORT);
	cfg->ttl = PODNET_DEFAULT_TTL;
	cfg->tos = PODNET_TOS_INHERIT;
	cfg->udp_csum = true;
	cfg->df = PODNET_DF_UNSET;
	if (attrs[IFLA_PODNET_PORT])
		cfg->port = nla_get_be16(attrs[IFLA_PODNET_PORT]);
	if (attrs[IFLA_PODNET_LOCAL]) {
		cfg->local4 = nla_get_in_addr(attrs[IFLA_PODNET_LOCAL]);
		cfg->has_local4 = true;
	}
	if (attrs[IFLA_PODNET_LOCAL6]) {
		cfg->local6 = nla_get_in6_addr(attrs[IFLA_PODNET_LOCAL6]);
		cfg->has_local6 = true;
	}
	if (attrs[IFLA_PODNET_UDP_ZERO_CSUM6_RX])
		cfg->zero_csum6_rx =
			!!nla_get_u8(attrs[IFLA_PODNET_UDP_ZERO_CSUM6_RX]);

	if (!pn_has_family(pn, AF_INET) && !pn_has_family(pn, AF_INET6)) {
		NL_SET_ERR_MSG(extack, "podnet: no usable underlay address family");
		return -EPFNOSUPPORT;
	}
	err = pn_check_binds(pn, extack);
	if (err)
		return err;
	if (!PN_NEWLINK_TB[IFLA_MTU])
		dev->mtu = pn_default_mtu(pn, pn->creating_net);
	if (!pn_has_family(pn, AF_INET6))
		dev->needed_headroom = ALIGN(ETH_HLEN, HH_DATA_MOD) + PN_IPV4_HLEN;

	pn->drops = alloc_percpu(struct pn_drop_pcpu);
	if (!pn->drops)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pn->drops, cpu)->syncp);
	err = pn_routes_init(&pn->routes);
	if (err)
		goto err_drops;
	pn_fib_init(&pn->fib);
	pn_apply_changeable(pn, attrs);

	err = register_netdevice(dev);
	if (err)
		goto err_routes;
	/* From here on, the destructor frees what was allocated above. */
	dev->priv_destructor = pn_destruct;
	list_add(&pn->device_list, &pn_device_list);
	netif_carrier_on(dev);
	return 0;

err_routes:
	pn_routes_destroy(&pn->routes);
err_drops:
	free_percpu(pn->drops);
	return err;
}

/* NL_SET_ERR_MSG_ATTR() needs a literal message, so this is a macro. */
#define pn_refuse_change(a, same, msg, extack)			\
({								\
	const struct nlattr *__a = (a);				\
	int __err = 0;						\
								\
	if (__a && !(same)) {					\
		NL_SET_ERR_MSG_ATTR(extack, __a, msg);		\
		__err = -EOPNOTSUPP;				\
	}							\
	__err;							\
})

static int pn_changelink(struct net_device *dev, struct nlattr *tb[],
			 struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct pn_dev *pn = netdev_priv(dev);
	struct pn_config *cfg = &pn->cfg;
	struct nlattr *a;
	int err;

	if (!data)
		return 0;
	a = data[IFLA_PODNET_VNI];
	err = pn_refuse_change(a, a && nla_get_u32(a) == cfg->vni,
			       "podnet: vni cannot be changed, re-create the device",
			       extack);
	if (err)
		return err;
	a = data[IFLA_PODNET_PORT];
	err = pn_refuse_change(a, a && nla_get_be16(a) == cfg->port,
			       "podnet: port cannot be changed, re-create the device",
			       extack);
	if (err)
		return err;
	a = data[IFLA_PODNET_LOCAL];
	err = pn_refuse_change(a, a && cfg->has_local4 &&
			       nla_get_in_addr(a) == cfg->local4,
			       "podnet: local cannot be changed, re-create the device",
			       extack);
	if (err)
		return err;
	a = data[IFLA_PODNET_LOCAL6];
	if (a) {
		struct in6_addr addr = nla_get_in6_addr(a);

		err = pn_refuse_change(a, cfg->has_local6 &&
				       ipv6_addr_equal(&addr, &cfg->local6),
				       "podnet: local6 cannot be changed, re-create the device",
			       extack);
		if (err)
			return err;
	}
	a = data[IFLA_PODNET_UDP_ZERO_CSUM6_RX];
	err = pn_refuse_change(a, a && !!nla_get_u8(a) == cfg->zero_csum6_rx,
			       "podnet: udp6zerocsumrx cannot be changed, re-create the device",
			       extack);
	if (err)
		return err;
	pn_apply_changeable(pn, data);
	return 0;
}

static void pn_dellink(struct net_device *dev, struct list_head *head)
{
	struct pn_dev *pn = netdev_priv(dev);

	list_del(&pn->device_list);
	unregister_netdevice_queue(dev, head);
}

static size_t pn_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +		/* VNI */
	       nla_total_size(sizeof(__be16)) +		/* PORT */
	       nla_total_size(sizeof(struct in_addr)) +	/* LOCAL */
	       nla_total_size(sizeof(struct in6_addr)) +	/* LOCAL6 */
	       6 * nla_total_size(sizeof(u8)) +		/* TTL .. DF */
	       nla_total_size(sizeof(u32));		/* MAX_ROUTES */
}

static int pn_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct pn_dev *pn = netdev_priv(dev);
	const struct pn_config *cfg = &pn->cfg;

	if (nla_put_u32(skb, IFLA_PODNET_VNI, cfg->vni) ||
	    nla_put_be16(skb, IFLA_PODNET_PORT, cfg->port) ||
	    (cfg->has_local4 &&
	     nla_put_in_addr(skb, IFLA_PODNET_LOCAL, cfg->local4)) ||
	    (cfg->has_local6 &&
	     nla_put_in6_addr(skb, IFLA_PODNET_LOCAL6, &cfg->local6)) ||
	    nla_put_u8(skb, IFLA_PODNET_TTL, READ_ONCE(cfg->ttl)) ||
	    nla_put_u8(skb, IFLA_PODNET_TOS, READ_ONCE(cfg->tos)) ||
	    nla_put_u8(skb, IFLA_PODNET_UDP_CSUM, READ_ONCE(cfg->udp_csum)) ||
	    nla_put_u8(skb, IFLA_PODNET_UDP_ZERO_CSUM6_TX,
		       READ_ONCE(cfg->zero_csum6_tx)) ||
	    nla_put_u8(skb, IFLA_PODNET_UDP_ZERO_CSUM6_RX, cfg->zero_csum6_rx) ||
	    nla_put_u8(skb, IFLA_PODNET_DF, READ_ONCE(cfg->df)) ||
	    nla_put_u32(skb, IFLA_PODNET_MAX_ROUTES,
			READ_ONCE(pn->routes.max_routes)))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops pn_link_ops __read_mostly = {
	.kind		= PODNET_LINK_KIND,
	.priv_size	= sizeof(struct pn_dev),
	.maxtype	= IFLA_PODNET_MAX,
	.policy		= pn_link_policy,
	.setup		= pn_setup,
	.validate	= pn_validate,
	.newlink	= pn_newlink,
	.changelink	= pn_changelink,
	.dellink	= pn_dellink,
	.get_size	= pn_get_size,
	.fill_info	= pn_fill_info,
};

bool pn_is_podnet(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &pn_link_ops;
}

/* The namespace holding the sockets of some devices is going away: close
 * them, so the devices (which may live elsewhere) stop using it.
 */
static void __net_exit pn_netns_pre_exit(struct net *net)
{
	struct pn_dev *pn;

	rtnl_lock();
	list_for_each_entry(pn, &pn_device_list, device_list) {
		if (pn->creating_net != net)
			continue;
		pn_socket_close(pn);
		pn->creating_net = NULL;
		if (!net_eq(dev_net(pn->dev), net))
			dev_close(pn->dev);
	}
	rtnl_unlock();
}

static int __net_init pn_netns_init(struct net *net)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);

	atomic_set(&pnn->generation, 1);
	return 0;
}

static struct pernet_operations pn_netns_ops = {
	.init = pn_netns_init,
	.pre_exit = pn_netns_pre_exit,
	.id = &pn_net_id,
	.size = sizeof(struct pn_net),
};

static int __init pn_mod_init(void)
{
	int err;

	err = pn_routes_slab_init();
	if (err)
		return err;
	err = register_pernet_device(&pn_netns_ops);
	if (err)
		goto err_slab;
	err = rtnl_link_register(&pn_link_ops);
	if (err)
		goto err_pernet;
	err = pn_genl_init();
	if (err)
		goto err_link;
	return 0;

err_link:
	rtnl_link_unregister(&pn_link_ops);
err_pernet:
	unregister_pernet_device(&pn_netns_ops);
err_slab:
	pn_routes_slab_uninit();
	return err;
}

static void __exit pn_mod_exit(void)
{
	pn_genl_uninit();
	rtnl_link_unregister(&pn_link_ops);
	unregister_pernet_device(&pn_netns_ops);
	pn_routes_slab_uninit();
}

module_init(pn_mod_init);
module_exit(pn_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Geneve L3 overlay with a netlink-programmed route table");
MODULE_ALIAS_RTNL_LINK(PODNET_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(PODNET_GENL_NAME);
