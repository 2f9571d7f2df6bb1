// SPDX-License-Identifier: GPL-2.0
/*
 * podnet generic netlink family: device information and the route table.
 * The contract, attribute by attribute, is include/uapi/linux/podnet.h.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "compat.h"
#include "podnet.h"

static struct genl_family pn_family;

static const struct nla_policy pn_route_policy[PODNET_ROUTE_A_MAX + 1] = {
	[PODNET_ROUTE_A_FAMILY]		= { .type = NLA_U16 },
	[PODNET_ROUTE_A_DST]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[PODNET_ROUTE_A_DST_LEN]	= { .type = NLA_U8 },
	[PODNET_ROUTE_A_VIA]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	/* Output only; accepted (and ignored) so dumps can be fed back. */
	[PODNET_ROUTE_A_TX_PACKETS]	= { .type = NLA_U64 },
	[PODNET_ROUTE_A_TX_BYTES]	= { .type = NLA_U64 },
	[PODNET_ROUTE_A_RX_PACKETS]	= { .type = NLA_U64 },
	[PODNET_ROUTE_A_RX_BYTES]	= { .type = NLA_U64 },
};

static const struct nla_policy pn_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_IFINDEX]	= { .type = NLA_U32 },
	[PODNET_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PODNET_A_ROUTE]	= NLA_POLICY_NESTED(pn_route_policy),
	[PODNET_A_FAMILY]	= { .type = NLA_U16 },
};

/* Returns the device with a reference held (dev_put(pn->dev) when done). */
static struct pn_dev *pn_get_dev(struct net *net, struct nlattr **attrs,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *name = attrs[PODNET_A_IFNAME];
	struct nlattr *index = attrs[PODNET_A_IFINDEX];
	struct net_device *dev;

	if (index) {
		dev = dev_get_by_index(net, nla_get_u32(index));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, index,
					    "podnet: no device with this ifindex");
			return ERR_PTR(-ENODEV);
		}
		if (name && nla_strcmp(name, dev->name)) {
			dev_put(dev);
			NL_SET_ERR_MSG_ATTR(extack, name,
					    "podnet: ifindex and ifname name different devices");
			return ERR_PTR(-EINVAL);
		}
	} else if (name) {
		dev = dev_get_by_name(net, nla_data(name));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, name,
					    "podnet: no such device");
			return ERR_PTR(-ENODEV);
		}
	} else {
		NL_SET_ERR_MSG(extack,
			       "podnet: no device given (PODNET_A_IFINDEX or PODNET_A_IFNAME)");
		return ERR_PTR(-EINVAL);
	}
	if (!pn_is_podnet(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(extack, index ? : name,
				    "podnet: not a podnet device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/* The next podnet device of @net with ifindex >= @from, referenced. */
static struct net_device *pn_next_dev(struct net *net, int from)
{
	struct net_device *dev, *best = NULL;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (pn_is_podnet(dev) && dev->ifindex >= from &&
		    (!best || dev->ifindex < best->ifindex))
			best = dev;
	}
	if (best)
		dev_hold(best);
	rcu_read_unlock();
	return best;
}

/* ---- routes: parsing and formatting ---- */

struct pn_route_req {
	struct pn_addr dst;
	u8 cidr;
	bool has_cidr;
	struct pn_addr via;
	bool has_via;
};

#define PN_NEED_LEN	BIT(0)
#define PN_NEED_VIA	BIT(1)

static int pn_parse_route(struct pn_dev *pn, struct nlattr *nest,
			  unsigned int need, struct pn_route_req *req,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PODNET_ROUTE_A_MAX + 1];
	unsigned int bits;
	struct nlattr *a;
	u16 family;
	int err;

	memset(req, 0, sizeof(*req));
	if (!nest) {
		NL_SET_ERR_MSG(extack, "podnet: route missing (PODNET_A_ROUTE)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PODNET_ROUTE_A_MAX, nest, pn_route_policy,
			       extack);
	if (err)
		return err;

	a = tb[PODNET_ROUTE_A_FAMILY];
	if (!a) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "podnet: route family missing (PODNET_ROUTE_A_FAMILY)");
		return -EINVAL;
	}
	family = nla_get_u16(a);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: route family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	bits = family == AF_INET ? 32 : 128;
	req->dst.family = family;

	a = tb[PODNET_ROUTE_A_DST];
	if (!a) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "podnet: route prefix missing (PODNET_ROUTE_A_DST)");
		return -EINVAL;
	}
	if (nla_len(a) != bits / 8) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "podnet: route prefix length does not match its family (4 or 16 bytes)");
		return -EINVAL;
	}
	memcpy(req->dst.bytes, nla_data(a), bits / 8);

	a = tb[PODNET_ROUTE_A_DST_LEN];
	if (a) {
		req->cidr = nla_get_u8(a);
		req->has_cidr = true;
		if (req->cidr > bits) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: prefix length too long for the family (max 32 or 128)");
			return -EINVAL;
		}
		if (!pn_prefix_valid(&req->dst, req->cidr)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_ROUTE_A_DST],
					    "podnet: prefix has host bits set beyond its length");
			return -EINVAL;
		}
	} else if (need & PN_NEED_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "podnet: prefix length missing (PODNET_ROUTE_A_DST_LEN)");
		return -EINVAL;
	}

	a = tb[PODNET_ROUTE_A_VIA];
	if (a) {
		if (nla_len(a) == sizeof(struct in_addr)) {
			req->via.family = AF_INET;
			req->via.v4 = nla_get_in_addr(a);
			if (ipv4_is_multicast(req->via.v4) ||
			    ipv4_is_lbcast(req->via.v4) ||
			    ipv4_is_zeronet(req->via.v4)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "podnet: via must be a unicast address");
				return -EINVAL;
			}
		} else if (nla_len(a) == sizeof(struct in6_addr)) {
			int type;

			req->via.family = AF_INET6;
			req->via.v6 = nla_get_in6_addr(a);
			type = ipv6_addr_type(&req->via.v6);
			if (type == IPV6_ADDR_ANY ||
			    (type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_MAPPED))) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "podnet: via must be a unicast address");
				return -EINVAL;
			}
		} else {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "podnet: via must be an IPv4 (4 bytes) or IPv6 (16 bytes) address");
			return -EINVAL;
		}
		if (!pn_has_family(pn, req->via.family)) {
			if (req->via.family == AF_INET)
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "podnet: device has no IPv4 underlay for this via address");
			else
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "podnet: device has no IPv6 underlay for this via address");
			return -EAFNOSUPPORT;
		}
		req->has_via = true;
	} else if (need & PN_NEED_VIA) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "podnet: via address missing (PODNET_ROUTE_A_VIA)");
		return -EINVAL;
	}
	return 0;
}

static int pn_put_addr(struct sk_buff *skb, int type, const struct pn_addr *a)
{
	if (a->family == AF_INET)
		return nla_put_in_addr(skb, type, a->v4);
	return nla_put_in6_addr(skb, type, &a->v6);
}

static int pn_put_route(struct sk_buff *skb, const struct pn_addr *dst, u8 cidr,
			const struct pn_addr *via, const struct pn_peer *e)
{
	struct nlattr *nest = nla_nest_start(skb, PODNET_A_ROUTE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, PODNET_ROUTE_A_FAMILY, dst->family) ||
	    pn_put_addr(skb, PODNET_ROUTE_A_DST, dst) ||
	    nla_put_u8(skb, PODNET_ROUTE_A_DST_LEN, cidr) ||
	    pn_put_addr(skb, PODNET_ROUTE_A_VIA, via))
		goto cancel;
	if (e) {
		u64 tp, tb, rp, rb;

		pn_peer_stats(e, &tp, &tb, &rp, &rb);
		if (nla_put_u64_64bit(skb, PODNET_ROUTE_A_TX_PACKETS, tp,
				      PODNET_ROUTE_A_PAD) ||
		    nla_put_u64_64bit(skb, PODNET_ROUTE_A_TX_BYTES, tb,
				      PODNET_ROUTE_A_PAD) ||
		    nla_put_u64_64bit(skb, PODNET_ROUTE_A_RX_PACKETS, rp,
				      PODNET_ROUTE_A_PAD) ||
		    nla_put_u64_64bit(skb, PODNET_ROUTE_A_RX_BYTES, rb,
				      PODNET_ROUTE_A_PAD))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int pn_put_dev(struct sk_buff *skb, const struct pn_dev *pn)
{
	if (nla_put_u32(skb, PODNET_A_IFINDEX, pn->dev->ifindex) ||
	    nla_put_string(skb, PODNET_A_IFNAME, pn->dev->name))
		return -EMSGSIZE;
	return 0;
}

/* ---- notifications ---- */

/*
 * Called with the device's routes.lock held, right after the change: the
 * family has parallel_ops, so concurrent changes are announced in the order
 * they were applied, and a count and generation read here are this change's.
 */
static void pn_notify(struct pn_dev *pn, u8 cmd, const struct pn_route_req *req)
{
	struct net *net = dev_net(pn->dev);
	struct sk_buff *skb;
	void *hdr;

	lockdep_assert_held(&pn->routes.lock);
	if (!genl_has_listeners(&pn_family, net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &pn_family, 0, cmd);
	if (!hdr)
		goto free;
	if (pn_put_dev(skb, pn))
		goto free;
	if (req) {
		if (pn_put_route(skb, &req->dst, req->cidr, &req->via, NULL))
			goto free;
	} else if (nla_put_u32(skb, PODNET_A_ROUTE_COUNT,
			       pn_routes_count(&pn->routes)) ||
		   nla_put_u32(skb, PODNET_A_GENERATION,
			       READ_ONCE(pn->routes.generation))) {
		goto free;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&pn_family, net, skb, 0, 0, GFP_KERNEL);
	return;
free:
	nlmsg_free(skb);
}

/* The routes of @pn, looked up in @net, changed: tell dumps and listeners. */
static void pn_routes_changed(struct pn_dev *pn, struct net *net, u8 cmd,
			      const struct pn_route_req *req)
{
	pn_net_changed(net);
	pn_notify(pn, cmd, req);
}

/*
 * The device of @info's request, referenced, and its PODNET_A_ROUTE parsed
 * into @req (with the attributes @need says).
 */
static struct pn_dev *pn_get_route_dev(struct genl_info *info,
				       unsigned int need,
				       struct pn_route_req *req)
{
	struct pn_dev *pn;
	int err;

	pn = pn_get_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return pn;
	err = pn_parse_route(pn, info->attrs[PODNET_A_ROUTE], need, req,
			     info->extack);
	if (err) {
		dev_put(pn->dev);
		return ERR_PTR(err);
	}
	return pn;
}

/* ---- PODNET_CMD_GET_DEVICE ---- */

static int pn_fill_device(struct sk_buff *skb, struct pn_dev *pn, u32 portid,
			  u32 seq, int flags)
{
	u64 drops[PODNET_DROP_A_MAX + 1];
	const struct pn_config *cfg = &pn->cfg;
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &pn_family, flags,
			  PODNET_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (pn_put_dev(skb, pn) ||
	    nla_put_u32(skb, PODNET_A_VNI, cfg->vni) ||
	    nla_put_be16(skb, PODNET_A_PORT, cfg->port) ||
	    (cfg->has_local4 &&
	     nla_put_in_addr(skb, PODNET_A_LOCAL, cfg->local4)) ||
	    (cfg->has_local6 &&
	     nla_put_in6_addr(skb, PODNET_A_LOCAL6, &cfg->local6)) ||
	    nla_put_u8(skb, PODNET_A_TTL, READ_ONCE(cfg->ttl)) ||
	    nla_put_u8(skb, PODNET_A_TOS, READ_ONCE(cfg->tos)) ||
	    nla_put_u8(skb, PODNET_A_UDP_CSUM, READ_ONCE(cfg->udp_csum)) ||
	    nla_put_u8(skb, PODNET_A_UDP_ZERO_CSUM6_TX,
		       READ_ONCE(cfg->zero_csum6_tx)) ||
	    nla_put_u8(skb, PODNET_A_UDP_ZERO_CSUM6_RX, cfg->zero_csum6_rx) ||
	    nla_put_u8(skb, PODNET_A_DF, READ_ONCE(cfg->df)) ||
	    nla_put_u32(skb, PODNET_A_ROUTE_COUNT,
			pn_routes_count(&pn->routes)) ||
	    nla_put_u32(skb, PODNET_A_GENERATION,
			READ_ONCE(pn->routes.generation)) ||
	    nla_put_u32(skb, PODNET_A_MAX_ROUTES,
			READ_ONCE(pn->routes.max_routes)) ||
	    nla_put_u32(skb, PODNET_A_PEER_COUNT,
			pn_routes_peers(&pn->routes)))
		goto cancel;

	nest = nla_nest_start(skb, PODNET_A_DROPS);
	if (!nest)
		goto cancel;
	pn_drops_read(pn, drops);
	for (i = PODNET_DROP_A_PAD + 1; i <= PODNET_DROP_A_MAX; i++)
		if (nla_put_u64_64bit(skb, i, drops[i], PODNET_DROP_A_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int pn_get_device_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pn_dev *pn;
	struct sk_buff *msg;
	int err;

	pn = pn_get_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = pn_fill_device(msg, pn, info->snd_portid, info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	dev_put(pn->dev);
	return err;
}

static int pn_get_device_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	int err;

	while ((dev = pn_next_dev(net, cb->args[0]))) {
		err = pn_fill_device(skb, netdev_priv(dev),
				     NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI);
		cb->args[0] = dev->ifindex + (err ? 0 : 1);
		dev_put(dev);
		if (err)
			break;
	}
	return skb->len;
}

/* ---- PODNET_CMD_ROUTE_NEW / DEL / FLUSH / SET ---- */

static int pn_route_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	u16 nlflags = info->nlhdr->nlmsg_flags;
	struct pn_route_req req;
	unsigned int flags = 0;
	struct pn_trie *t;
	struct pn_dev *pn;
	int err;

	pn = pn_get_route_dev(info, PN_NEED_LEN | PN_NEED_VIA, &req);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	if (nlflags & NLM_F_EXCL)
		flags |= PN_INSERT_EXCL;
	if ((nlflags & NLM_F_REPLACE) && !(nlflags & NLM_F_CREATE))
		flags |= PN_INSERT_NOCREATE;

	mutex_lock(&pn->routes.lock);
	t = rcu_dereference_protected(pn->routes.trie,
				      lockdep_is_held(&pn->routes.lock));
	err = pn_routes_insert(&pn->routes, t, &req.dst, req.cidr, &req.via,
			       flags);
	if (!err)
		pn_routes_changed(pn, genl_info_net(info), PODNET_CMD_ROUTE_NEW,
				  &req);
	mutex_unlock(&pn->routes.lock);
	if (err == -EEXIST)
		NL_SET_ERR_MSG(info->extack, "podnet: route exists");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "podnet: no such route to replace");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "podnet: route limit of the device reached (maxroutes)");
	dev_put(pn->dev);
	return err;
}

static int pn_route_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pn_route_req req;
	struct pn_peer *e;
	struct pn_dev *pn;
	int err;

	pn = pn_get_route_dev(info, PN_NEED_LEN, &req);
	if (IS_ERR(pn))
		return PTR_ERR(pn);

	mutex_lock(&pn->routes.lock);
	e = pn_routes_get(&pn->routes, &req.dst, req.cidr);
	if (e && !req.has_via)
		req.via = e->via;
	err = pn_routes_remove(&pn->routes, &req.dst, req.cidr,
			       req.has_via ? &req.via : NULL);
	if (!err)
		pn_routes_changed(pn, genl_info_net(info), PODNET_CMD_ROUTE_DEL,
				  &req);
	mutex_unlock(&pn->routes.lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "podnet: no such route");
	else if (err == -ESRCH)
		NL_SET_ERR_MSG(info->extack,
			       "podnet: the route goes via a different address");
	dev_put(pn->dev);
	return err;
}

static int pn_route_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[PODNET_A_FAMILY];
	sa_family_t family = 0;
	struct pn_dev *pn;

	if (a) {
		family = nla_get_u16(a);
		if (family != AF_INET && family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "podnet: family must be AF_INET or AF_INET6");
			return -EAFNOSUPPORT;
		}
	}
	pn = pn_get_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	mutex_lock(&pn->routes.lock);
	pn_routes_flush(&pn->routes, family);
	pn_routes_changed(pn, genl_info_net(info), PODNET_CMD_ROUTE_FLUSH, NULL);
	mutex_unlock(&pn->routes.lock);
	dev_put(pn->dev);
	return 0;
}

/*
 * Insert the PODNET_A_ROUTE attributes of @info's request into table @t
 * (a new table, or a transaction's), under routes.lock.  A route given
 * twice or past the device's limit fails the whole request.
 */
static int pn_fill_table(struct pn_dev *pn, struct pn_trie *t,
			 struct genl_info *info, bool txn)
{
	struct pn_route_req req;
	struct nlattr *a;
	int err = 0, rem;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != PODNET_A_ROUTE)
			continue;
		err = pn_parse_route(pn, a, PN_NEED_LEN | PN_NEED_VIA, &req,
				     info->extack);
		if (err)
			break;
		err = pn_routes_insert(&pn->routes, t, &req.dst, req.cidr,
				       &req.via, PN_INSERT_EXCL);
		if (err == -EEXIST && txn)
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "podnet: prefix given twice in the transaction; transaction aborted");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "podnet: prefix given twice");
		else if (err == -ENOSPC && txn)
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "podnet: more routes than the device's limit (maxroutes); transaction aborted");
		else if (err == -ENOSPC)
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "podnet: more routes than the device's limit (maxroutes)");
		if (err)
			break;
		cond_resched();
	}
	return err;
}

static int pn_route_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pn_trie *t;
	struct pn_dev *pn;
	int err = 0;

	pn = pn_get_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	t = pn_trie_alloc();
	if (!t) {
		err = -ENOMEM;
		goto out;
	}

	mutex_lock(&pn->routes.lock);
	err = pn_fill_table(pn, t, info, false);
	if (err) {
		pn_trie_discard(&pn->routes, t);
		mutex_unlock(&pn->routes.lock);
		goto out;
	}
	pn_routes_swap(&pn->routes, t);
	pn_routes_changed(pn, genl_info_net(info), PODNET_CMD_ROUTE_SET, NULL);
	mutex_unlock(&pn->routes.lock);
out:
	dev_put(pn->dev);
	return err;
}

/* ---- route set transactions: PODNET_CMD_ROUTE_SET_BEGIN ... COMMIT ---- */

/* The socket that sent the request: a transaction's owner. */
static u32 pn_sender(struct genl_info *info)
{
	return info->snd_portid;
}

static void pn_txn_extack(struct netlink_ext_ack *extack, int err)
{
	if (err == -ENOENT)
		NL_SET_ERR_MSG(extack,
			       "podnet: no route set transaction on this device (none begun, or aborted by an error)");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG(extack,
			       "podnet: the device's route set transaction belongs to another socket");
}

static int pn_txn_begin_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pn_dev *pn;
	int err;

	pn = pn_get_dev(net, info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	mutex_lock(&pn->routes.lock);
	err = pn_txn_begin(&pn->routes, net, pn_sender(info));
	mutex_unlock(&pn->routes.lock);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "podnet: the device has a route set transaction in progress already");
	dev_put(pn->dev);
	return err;
}

static int pn_txn_append_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pn_trie *t;
	struct pn_dev *pn;
	int err = 0;

	pn = pn_get_dev(net, info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	mutex_lock(&pn->routes.lock);
	t = pn_txn_get(&pn->routes, net, pn_sender(info), &err);
	if (!t) {
		pn_txn_extack(info->extack, err);
		goto unlock;
	}
	pn->routes.txn_chunks++;
	err = pn_fill_table(pn, t, info, true);
	/* Nothing of a transaction with a bad route is ever applied. */
	if (err)
		pn_txn_abort(&pn->routes);
unlock:
	mutex_unlock(&pn->routes.lock);
	dev_put(pn->dev);
	return err;
}

static int pn_txn_end_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pn_dev *pn;
	int err = 0;

	pn = pn_get_dev(net, info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	mutex_lock(&pn->routes.lock);
	if (!pn_txn_get(&pn->routes, net, pn_sender(info), &err)) {
		pn_txn_extack(info->extack, err);
	} else if (info->genlhdr->cmd == PODNET_CMD_ROUTE_SET_ABORT) {
		pn_txn_abort(&pn->routes);
	} else {
		pn_txn_commit(&pn->routes);
		pn_routes_changed(pn, net, PODNET_CMD_ROUTE_SET, NULL);
	}
	mutex_unlock(&pn->routes.lock);
	dev_put(pn->dev);
	return err;
}

/*
 * A device, of any netns, with a transaction of @portid of @net,
 * referenced; NULL if none is left.
 */
static struct net_device *pn_txn_dev(struct net *owner, u32 portid)
{
	struct net_device *dev, *found = NULL;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		for_each_netdev_rcu(net, dev) {
			if (pn_is_podnet(dev) &&
			    pn_txn_owned_by(&((struct pn_dev *)netdev_priv(dev))->routes,
					    owner, portid)) {
				dev_hold(dev);
				found = dev;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return found;
}

/* A closed socket's transactions are aborted (devices may have moved). */
static int pn_netlink_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;
	struct net_device *dev;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !pn_txn_any())
		return NOTIFY_DONE;
	while ((dev = pn_txn_dev(n->net, n->portid))) {
		struct pn_dev *pn = netdev_priv(dev);

		mutex_lock(&pn->routes.lock);
		if (pn_txn_owned_by(&pn->routes, n->net, n->portid))
			pn_txn_abort(&pn->routes);
		mutex_unlock(&pn->routes.lock);
		dev_put(dev);
	}
	return NOTIFY_DONE;
}

static struct notifier_block pn_netlink_notifier = {
	.notifier_call = pn_netlink_event,
};

/* ---- PODNET_CMD_ROUTE_GET ---- */

static int pn_route_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pn_route_req req;
	struct pn_addr prefix;
	struct sk_buff *msg;
	struct pn_peer *e;
	struct pn_dev *pn;
	void *hdr;
	u8 cidr;
	int err;

	pn = pn_get_route_dev(info, 0, &req);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq, &pn_family, 0,
			  PODNET_CMD_ROUTE_GET);
	err = -EMSGSIZE;
	if (!hdr || pn_put_dev(msg, pn))
		goto free;

	rcu_read_lock();
	if (req.has_cidr) {
		e = pn_routes_get(&pn->routes, &req.dst, req.cidr);
		prefix = req.dst;
		cidr = req.cidr;
	} else {
		e = pn_routes_match(&pn->routes, &req.dst, &prefix, &cidr);
	}
	if (e)
		err = pn_put_route(msg, &prefix, cidr, &e->via, e);
	rcu_read_unlock();
	if (!e) {
		if (req.has_cidr)
			NL_SET_ERR_MSG(info->extack, "podnet: no such route");
		else
			NL_SET_ERR_MSG(info->extack,
				       "podnet: no route matches this address");
		err = -ENOENT;
		goto free;
	}
	if (err)
		goto free;
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	goto out;
free:
	nlmsg_free(msg);
out:
	dev_put(pn->dev);
	return err;
}

struct pn_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct pn_dev *pn;
};

static int pn_dump_route(void *data, const struct pn_addr *dst, u8 cidr,
			 struct pn_peer *e)
{
	struct pn_dump_ctx *ctx = data;
	void *hdr;

	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &pn_family, NLM_F_MULTI,
			  PODNET_CMD_ROUTE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(ctx->cb, hdr);
	if (pn_put_dev(ctx->skb, ctx->pn) ||
	    pn_put_route(ctx->skb, dst, cidr, &e->via, e)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

/* Dump state, in cb->ctx. */
struct pn_route_dump {
	int ifindex;		/* device being dumped, or next to look at */
	bool one_dev;		/* one device was asked for */
	bool started;		/* set up */
	bool done;		/* that device is done */
	struct pn_walk_pos pos;	/* last route sent of the device */
};

static_assert(sizeof(struct pn_route_dump) <=
	      sizeof_field(struct netlink_callback, ctx));

static int pn_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pn_route_dump *st = (struct pn_route_dump *)cb->ctx;
	struct nlattr **attrs = genl_info_dump(cb)->attrs;
	struct net *net = sock_net(skb->sk);
	struct pn_dump_ctx ctx = { .skb = skb, .cb = cb };
	struct net_device *dev;
	int err;

	if (!st->started) {
		st->started = true;
		if (attrs[PODNET_A_IFINDEX] || attrs[PODNET_A_IFNAME]) {
			struct pn_dev *pn = pn_get_dev(net, attrs, cb->extack);

			if (IS_ERR(pn))
				return PTR_ERR(pn);
			st->ifindex = pn->dev->ifindex;
			st->one_dev = true;
			dev_put(pn->dev);
		}
	}

	for (;;) {
		if (st->one_dev) {
			if (st->done)
				break;
			dev = dev_get_by_index(net, st->ifindex);
			if (!dev)
				break;
			if (!pn_is_podnet(dev)) {
				dev_put(dev);
				break;
			}
		} else {
			dev = pn_next_dev(net, st->ifindex);
			if (!dev)
				break;
			if (dev->ifindex != st->ifindex) {
				st->ifindex = dev->ifindex;
				memset(&st->pos, 0, sizeof(st->pos));
			}
		}
		ctx.pn = netdev_priv(dev);

		/*
		 * Each part walks from where the last one stopped, so the
		 * lock is held for one message's worth of routes, not for
		 * the routes before them.  A dump of every device goes by
		 * the changes to any device of the netns (counted under the
		 * changed device's lock), so moving from one device to the
		 * next is no change in itself.
		 */
		mutex_lock(&ctx.pn->routes.lock);
		cb->seq = st->one_dev ? ctx.pn->routes.generation :
					pn_net_generation(net);
		err = pn_routes_walk(&ctx.pn->routes, &st->pos, pn_dump_route,
				     &ctx);
		mutex_unlock(&ctx.pn->routes.lock);
		dev_put(dev);
		if (err == -EMSGSIZE)
			break;
		if (err)
			return err;
		memset(&st->pos, 0, sizeof(st->pos));
		if (st->one_dev) {
			st->done = true;
			break;
		}
		st->ifindex++;
	}
	return skb->len;
}

static const struct genl_ops pn_ops[] = {
	{
		.cmd = PODNET_CMD_GET_DEVICE,
		.doit = pn_get_device_doit,
		.dumpit = pn_get_device_dumpit,
	}, {
		.cmd = PODNET_CMD_ROUTE_NEW,
		.doit = pn_route_new_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_DEL,
		.doit = pn_route_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_GET,
		.doit = pn_route_get_doit,
		.dumpit = pn_route_get_dumpit,
	}, {
		.cmd = PODNET_CMD_ROUTE_FLUSH,
		.doit = pn_route_flush_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_SET,
		.doit = pn_route_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_SET_BEGIN,
		.doit = pn_txn_begin_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_SET_APPEND,
		.doit = pn_txn_append_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_SET_COMMIT,
		.doit = pn_txn_end_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PODNET_CMD_ROUTE_SET_ABORT,
		.doit = pn_txn_end_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group pn_mcgrps[] = {
	{ .name = PODNET_MCGRP_ROUTES },
};

/* PODNET_CMD_ROUTE_NEW gives NLM_F_CREATE, NLM_F_EXCL and NLM_F_REPLACE
 * their rtnetlink meaning; genetlink refuses those flags on commands at or
 * above resv_start_op.  Attribute policies stay strict for every command.
 */
static struct genl_family pn_family __ro_after_init = {
	.resv_start_op	= PODNET_CMD_MAX + 1,
	.name		= PODNET_GENL_NAME,
	.version	= PODNET_GENL_VERSION,
	.maxattr	= PODNET_A_MAX,
	.policy		= pn_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= pn_ops,
	.n_ops		= ARRAY_SIZE(pn_ops),
	.mcgrps		= pn_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(pn_mcgrps),
};

int __init pn_genl_init(void)
{
	int err;

	err = netlink_register_notifier(&pn_netlink_notifier);
	if (err)
		return err;
	err = genl_register_family(&pn_family);
	if (err)
		netlink_unregister_notifier(&pn_netlink_notifier);
	return err;
}

void pn_genl_uninit(void)
{
	genl_unregister_family(&pn_family);
	netlink_unregister_notifier(&pn_netlink_notifier);
}
