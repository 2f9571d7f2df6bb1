// SPDX-License-Identifier: GPL-2.0
/*
 * podvol generic netlink family: the one control interface.  The API is
 * documented in include/uapi/linux/podvol.h and
 * Documentation/netlink/specs/podvol.yaml.
 *
 * Every handler runs under pv_lock.
 */
#include <linux/module.h>
#include <linux/kdev_t.h>
#include <net/genetlink.h>

#include "podvol.h"

#define PV_MSG_SIZE	16384	/* a pool with 32 members fits */

static struct genl_family pv_family;

/*
 * The ack that carries an extack message is built after the handler has
 * returned and genetlink has dropped genl_mutex, so concurrent requests
 * (GETs need no privilege) must not share a message buffer.  Since 6.2 the
 * extack has one of its own, per request, and the message is formatted
 * into it (cut at NETLINK_MAX_FMTMSG_LEN).  Before (6.1), messages are
 * formatted into a ring of buffers that each request takes in turn: a
 * buffer is reused only after PV_MSG_RING - 1 later messages, far more
 * than can be formatted in the moment between a handler's return and its
 * ack.
 */
#ifndef NETLINK_MAX_FMTMSG_LEN
#define PV_MSG_RING	64
#define PV_MSG_LEN	160
static char pv_msg_ring[PV_MSG_RING][PV_MSG_LEN];
static atomic_t pv_msg_next = ATOMIC_INIT(0);
#endif

void pv_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	char *buf;
	size_t len;
	va_list ap;

	if (!extack)
		return;
#ifdef NETLINK_MAX_FMTMSG_LEN
	buf = extack->_msg_buf;
	len = sizeof(extack->_msg_buf);
#else
	buf = pv_msg_ring[(unsigned int)atomic_inc_return(&pv_msg_next) % PV_MSG_RING];
	len = PV_MSG_LEN;
#endif
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	extack->_msg = buf;
}

static const struct nla_policy pv_member_policy[PODVOL_MEMBER_A_MAX + 1] = {
	[PODVOL_MEMBER_A_PATH] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

static struct netlink_range_validation pv_chunk_range = {
	.min = PODVOL_CHUNK_MIN,
	.max = PODVOL_CHUNK_MAX,
};

static const struct nla_policy pv_policy[PODVOL_A_MAX + 1] = {
	[PODVOL_A_POOL_NAME] = { .type = NLA_NUL_STRING, .len = PODVOL_NAME_MAX },
	[PODVOL_A_CHUNK_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &pv_chunk_range),
	[PODVOL_A_MEMBERS] = NLA_POLICY_NESTED_ARRAY(pv_member_policy),
	[PODVOL_A_MEMBER] = NLA_POLICY_NESTED(pv_member_policy),
	[PODVOL_A_FORCE] = { .type = NLA_FLAG },
	[PODVOL_A_VALIDATE_ONLY] = { .type = NLA_FLAG },
	[PODVOL_A_VOLUME_NAME] = { .type = NLA_NUL_STRING,
				   .len = PODVOL_NAME_MAX },
	[PODVOL_A_VOLUME_SIZE] = { .type = NLA_U64 },
};

static u64 pv_pool_capacity(struct pv_pool *pool)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < pool->geom.nr_members; i++)
		sum += round_down(pool->geom.member_sectors[i],
				  pool->geom.chunk_sectors) -
		       pool->geom.data_offset;
	return sum << SECTOR_SHIFT;
}

static int pv_fill_members(struct sk_buff *skb, struct pv_pool *pool,
			   const u64 *member_free)
{
	struct nlattr *nest, *m;
	u32 i;

	nest = nla_nest_start(skb, PODVOL_A_MEMBERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < pool->geom.nr_members; i++) {
		struct pv_member *mem = pool->member[i];
		u64 size = (round_down(pool->geom.member_sectors[i],
				       pool->geom.chunk_sectors) -
			    pool->geom.data_offset) << SECTOR_SHIFT;

		m = nla_nest_start(skb, PODVOL_A_MEMBER);
		if (!m ||
		    nla_put_u32(skb, PODVOL_MEMBER_A_INDEX, i) ||
		    nla_put(skb, PODVOL_MEMBER_A_UUID, PODVOL_UUID_SIZE,
			    pool->member_uuid[i]) ||
		    nla_put_u64_64bit(skb, PODVOL_MEMBER_A_SIZE, size,
				      PODVOL_MEMBER_A_PAD) ||
		    nla_put_u64_64bit(skb, PODVOL_MEMBER_A_FREE,
				      member_free ? member_free[i] << SECTOR_SHIFT : 0,
				      PODVOL_MEMBER_A_PAD) ||
		    nla_put_u8(skb, PODVOL_MEMBER_A_PRESENT, !!mem))
			return -EMSGSIZE;
		if (mem) {
			char path[BDEVNAME_SIZE + 8];

			snprintf(path, sizeof(path), "/dev/%pg", mem->b.bdev);
			if (nla_put_string(skb, PODVOL_MEMBER_A_PATH, path) ||
			    nla_put_u32(skb, PODVOL_MEMBER_A_MAJOR,
					MAJOR(mem->dev)) ||
			    nla_put_u32(skb, PODVOL_MEMBER_A_MINOR,
					MINOR(mem->dev)))
				return -EMSGSIZE;
		}
		nla_nest_end(skb, m);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int pv_fill_pool(struct sk_buff *skb, struct pv_pool *pool, u32 portid,
			u32 seq, int flags, u8 cmd, struct netlink_callback *cb)
{
	u64 member_free[PODVOL_MAX_MEMBERS], free = 0, size = 0;
	bool running = pool->state != PODVOL_POOL_PENDING;
	void *hdr;
	u32 i;

	hdr = genlmsg_put(skb, portid, seq, &pv_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (running && !pv_pool_space(pool, member_free)) {
		for (i = 0; i < pool->geom.nr_members; i++)
			free += member_free[i] << SECTOR_SHIFT;
		size = pv_pool_capacity(pool);
	} else {
		running = false;
	}
	if (nla_put_string(skb, PODVOL_A_POOL_NAME, pool->name) ||
	    nla_put(skb, PODVOL_A_POOL_UUID, PODVOL_UUID_SIZE, pool->uuid) ||
	    nla_put_u32(skb, PODVOL_A_POOL_STATE, pool->state) ||
	    nla_put_u32(skb, PODVOL_A_CHUNK_SIZE,
			pool->geom.chunk_sectors << SECTOR_SHIFT) ||
	    nla_put_u64_64bit(skb, PODVOL_A_GENERATION, pool->generation,
			      PODVOL_A_PAD) ||
	    nla_put_u64_64bit(skb, PODVOL_A_POOL_SIZE, size, PODVOL_A_PAD) ||
	    nla_put_u64_64bit(skb, PODVOL_A_POOL_FREE, free, PODVOL_A_PAD) ||
	    nla_put_u32(skb, PODVOL_A_NR_MEMBERS, pool->geom.nr_members) ||
	    nla_put_u32(skb, PODVOL_A_NR_PRESENT, pool->nr_present) ||
	    nla_put_u32(skb, PODVOL_A_NR_VOLUMES, pool->nr_volumes) ||
	    nla_put_u64_64bit(skb, PODVOL_A_POOL_DIRTY,
			      running ? pv_pool_dirty_bytes(pool) : 0,
			      PODVOL_A_PAD) ||
	    pv_fill_members(skb, pool, running ? member_free : NULL))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int pv_fill_volume(struct sk_buff *skb, struct pv_volume *vol,
			  u32 portid, u32 seq, int flags, u8 cmd,
			  struct netlink_callback *cb)
{
	struct pv_pool *pool = vol->pool;
	struct pv_map *map = pv_vol_map(vol);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &pv_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(skb, PODVOL_A_POOL_NAME, pool->name) ||
	    nla_put(skb, PODVOL_A_POOL_UUID, PODVOL_UUID_SIZE, pool->uuid) ||
	    nla_put_string(skb, PODVOL_A_VOLUME_NAME, vol->name) ||
	    nla_put(skb, PODVOL_A_VOLUME_UUID, PODVOL_UUID_SIZE, vol->uuid) ||
	    nla_put_u64_64bit(skb, PODVOL_A_VOLUME_SIZE,
			      vol->size << SECTOR_SHIFT, PODVOL_A_PAD) ||
	    nla_put_string(skb, PODVOL_A_VOLUME_DISK, vol->disk->disk_name) ||
	    nla_put_u32(skb, PODVOL_A_VOLUME_MAJOR, vol->disk->major) ||
	    nla_put_u32(skb, PODVOL_A_VOLUME_MINOR, vol->disk->first_minor) ||
	    nla_put_u32(skb, PODVOL_A_CHUNK_SIZE,
			pool->geom.chunk_sectors << SECTOR_SHIFT) ||
	    nla_put_u32(skb, PODVOL_A_STRIPE_WIDTH, map->min_width) ||
	    nla_put_u32(skb, PODVOL_A_NR_EXTENTS, map->nr_extents) ||
	    nla_put_u32(skb, PODVOL_A_OPEN_COUNT, pv_volume_openers(vol))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static struct sk_buff *pv_pool_msg(struct pv_pool *pool, u32 portid, u32 seq,
				   u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(PV_MSG_SIZE, GFP_KERNEL);

	if (msg && pv_fill_pool(msg, pool, portid, seq, 0, cmd, NULL)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct sk_buff *pv_volume_msg(struct pv_volume *vol, u32 portid,
				     u32 seq, u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (msg && pv_fill_volume(msg, vol, portid, seq, 0, cmd, NULL)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static void pv_multicast(struct sk_buff *msg)
{
	if (msg)
		genlmsg_multicast(&pv_family, msg, 0, 0, GFP_KERNEL);
}

void pv_notify_pool(struct pv_pool *pool, u8 cmd)
{
	pv_multicast(pv_pool_msg(pool, 0, 0, cmd));
}

void pv_notify_volume(struct pv_volume *vol, u8 cmd)
{
	pv_multicast(pv_volume_msg(vol, 0, 0, cmd));
}

static int pv_reply_pool(struct pv_pool *pool, struct genl_info *info)
{
	struct sk_buff *msg = pv_pool_msg(pool, info->snd_portid,
					  info->snd_seq, info->genlhdr->cmd);

	return msg ? genlmsg_reply(msg, info) : -ENOMEM;
}

static int pv_reply_volume(struct pv_volume *vol, struct genl_info *info)
{
	struct sk_buff *msg = pv_volume_msg(vol, info->snd_portid,
					    info->snd_seq, info->genlhdr->cmd);

	return msg ? genlmsg_reply(msg, info) : -ENOMEM;
}

/*
 * The reply to a change is allocated before the change is made, and
 * filled and sent once it was: a change that was made is never reported
 * as failed for want of memory.  Should the reply not reach the caller
 * (a full socket), the ack still says the change was made.  A validation
 * that passes answers with the ack alone, so it has no reply.
 */
static int pv_nl_reply_new(struct sk_buff **reply, size_t size, bool validate)
{
	*reply = validate ? NULL : genlmsg_new(size, GFP_KERNEL);
	return validate || *reply ? 0 : -ENOMEM;
}

/*
 * The end of a change to @vol, or to @pool when @vol is NULL: on success,
 * the listeners are told (unless @ntf is 0) and the caller is sent @reply;
 * otherwise @reply is dropped.
 */
static int pv_nl_done(int ret, struct sk_buff *reply, struct pv_pool *pool,
		      struct pv_volume *vol, u8 ntf, struct genl_info *info)
{
	u32 portid = info->snd_portid, seq = info->snd_seq;
	u8 cmd = info->genlhdr->cmd;

	if (ret || !reply) {
		nlmsg_free(reply);
		return ret;
	}
	if (vol) {
		pv_notify_volume(vol, ntf);
		ret = pv_fill_volume(reply, vol, portid, seq, 0, cmd, NULL);
	} else {
		if (ntf)
			pv_notify_pool(pool, ntf);
		ret = pv_fill_pool(reply, pool, portid, seq, 0, cmd, NULL);
	}
	if (ret)
		nlmsg_free(reply);
	else
		genlmsg_reply(reply, info);
	return 0;
}

/*
 * The end of a removal: @ntf, made while the pool or volume still
 * existed, goes to the listeners if the removal was done.
 */
static int pv_nl_removed(int ret, struct sk_buff *ntf)
{
	if (ret)
		nlmsg_free(ntf);
	else
		pv_multicast(ntf);
	return ret;
}

/* The running or pending pool named by PODVOL_A_POOL_NAME. */
static struct pv_pool *pv_info_pool(struct genl_info *info)
{
	struct pv_pool *pool;

	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_POOL_NAME))
		return ERR_PTR(-EINVAL);
	pool = pv_pool_find(nla_data(info->attrs[PODVOL_A_POOL_NAME]));
	if (!pool) {
		pv_errmsg(info->extack, "no pool named %s",
			  (char *)nla_data(info->attrs[PODVOL_A_POOL_NAME]));
		NL_SET_BAD_ATTR(info->extack, info->attrs[PODVOL_A_POOL_NAME]);
		return ERR_PTR(-ENOENT);
	}
	return pool;
}

static struct pv_volume *pv_info_volume(struct genl_info *info)
{
	struct pv_pool *pool = pv_info_pool(info);
	struct pv_volume *vol;

	if (IS_ERR(pool))
		return ERR_CAST(pool);
	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_VOLUME_NAME))
		return ERR_PTR(-EINVAL);
	vol = pv_volume_find(pool, nla_data(info->attrs[PODVOL_A_VOLUME_NAME]));
	if (!vol) {
		pv_errmsg(info->extack, "no volume %s/%s", pool->name,
			  (char *)nla_data(info->attrs[PODVOL_A_VOLUME_NAME]));
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[PODVOL_A_VOLUME_NAME]);
		return ERR_PTR(-ENOENT);
	}
	return vol;
}

static const char *pv_member_path(const struct nlattr *nest,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PODVOL_MEMBER_A_MAX + 1];

	if (nla_parse_nested(tb, PODVOL_MEMBER_A_MAX, nest, pv_member_policy,
			     extack))
		return NULL;
	if (!tb[PODVOL_MEMBER_A_PATH]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "member without a device path");
		return NULL;
	}
	return nla_data(tb[PODVOL_MEMBER_A_PATH]);
}

/* The device path of PODVOL_A_MEMBER, which the request must hold. */
static const char *pv_info_member(struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_MEMBER))
		return NULL;
	return pv_member_path(info->attrs[PODVOL_A_MEMBER], info->extack);
}

/*
 * Every command that changes a pool or a volume needs CAP_SYS_ADMIN in the
 * initial user namespace, as nbd's do: it writes to block devices and
 * decides what a pod's volume holds.  GENL_ADMIN_PERM (CAP_NET_ADMIN, which
 * a host-network pod may hold) is checked by genetlink first.
 */
static bool pv_nl_may_change(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(info->extack, "podvol: changing pools and volumes needs CAP_SYS_ADMIN");
	return false;
}

static int pv_nl_pool_create(struct sk_buff *skb, struct genl_info *info)
{
	const char *paths[PODVOL_MAX_MEMBERS];
	u32 chunk = PODVOL_CHUNK_DEFAULT, nr = 0;
	bool validate = nla_get_flag(info->attrs[PODVOL_A_VALIDATE_ONLY]);
	struct sk_buff *reply;
	struct pv_pool *pool = NULL;
	struct nlattr *a;
	int rem, ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_POOL_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, PODVOL_A_MEMBERS))
		return -EINVAL;
	if (info->attrs[PODVOL_A_CHUNK_SIZE])
		chunk = nla_get_u32(info->attrs[PODVOL_A_CHUNK_SIZE]);
	nla_for_each_nested(a, info->attrs[PODVOL_A_MEMBERS], rem) {
		if (nla_type(a) != PODVOL_A_MEMBER) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "PODVOL_A_MEMBERS holds PODVOL_A_MEMBER nests only");
			return -EINVAL;
		}
		if (nr == PODVOL_MAX_MEMBERS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "too many members");
			return -EINVAL;
		}
		paths[nr] = pv_member_path(a, info->extack);
		if (!paths[nr])
			return -EINVAL;
		nr++;
	}
	ret = pv_nl_reply_new(&reply, PV_MSG_SIZE, validate);
	if (ret)
		return ret;
	mutex_lock(&pv_lock);
	ret = pv_pool_create(nla_data(info->attrs[PODVOL_A_POOL_NAME]), chunk,
			     paths, nr, nla_get_flag(info->attrs[PODVOL_A_FORCE]),
			     validate ? NULL : &pool, info->extack);
	ret = pv_nl_done(ret, reply, pool, NULL, PODVOL_CMD_POOL_NEW_NTF, info);
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_pool_add_member(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	struct pv_pool *pool = NULL;
	const char *path;
	int ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	path = pv_info_member(info);
	if (!path)
		return -EINVAL;
	ret = pv_nl_reply_new(&reply, PV_MSG_SIZE, false);
	if (ret)
		return ret;
	mutex_lock(&pv_lock);
	ret = pv_pool_add_member(path, &pool, info->extack);
	/* a pool this completes was announced by pv_pool_add_member() */
	ret = pv_nl_done(ret, reply, pool, NULL, 0, info);
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_pool_extend(struct sk_buff *skb, struct genl_info *info)
{
	bool validate = nla_get_flag(info->attrs[PODVOL_A_VALIDATE_ONLY]);
	struct sk_buff *reply;
	struct pv_pool *pool;
	const char *path;
	int ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_POOL_NAME))
		return -EINVAL;
	path = pv_info_member(info);
	if (!path)
		return -EINVAL;
	ret = pv_nl_reply_new(&reply, PV_MSG_SIZE, validate);
	if (ret)
		return ret;
	mutex_lock(&pv_lock);
	pool = pv_info_pool(info);
	ret = PTR_ERR_OR_ZERO(pool);
	if (!ret)
		ret = pv_pool_extend(pool, path,
				     nla_get_flag(info->attrs[PODVOL_A_FORCE]),
				     validate, info->extack);
	ret = pv_nl_done(ret, reply, pool, NULL, PODVOL_CMD_POOL_CHANGE_NTF,
			 info);
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_pool_stop(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *ntf;
	struct pv_pool *pool;
	int ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	mutex_lock(&pv_lock);
	pool = pv_info_pool(info);
	ret = PTR_ERR_OR_ZERO(pool);
	if (!ret) {
		ntf = pv_pool_msg(pool, 0, 0, PODVOL_CMD_POOL_DEL_NTF);
		ret = pv_nl_removed(pv_pool_stop(pool, info->extack), ntf);
	}
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_pool_get(struct sk_buff *skb, struct genl_info *info)
{
	struct pv_pool *pool;
	int ret;

	mutex_lock(&pv_lock);
	pool = pv_info_pool(info);
	ret = PTR_ERR_OR_ZERO(pool);
	if (!ret)
		ret = pv_reply_pool(pool, info);
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pv_pool *pool;
	long idx = 0;

	mutex_lock(&pv_lock);
	cb->seq = pv_seq;
	list_for_each_entry(pool, &pv_pools, node) {
		if (idx++ < cb->args[0])
			continue;
		if (pv_fill_pool(skb, pool, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 PODVOL_CMD_POOL_GET, cb))
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&pv_lock);
	return skb->len;
}

static int pv_nl_volume_create(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	struct pv_volume *vol = NULL;
	struct pv_pool *pool;
	int ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_VOLUME_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, PODVOL_A_VOLUME_SIZE))
		return -EINVAL;
	ret = pv_nl_reply_new(&reply, NLMSG_GOODSIZE, false);
	if (ret)
		return ret;
	mutex_lock(&pv_lock);
	pool = pv_info_pool(info);
	ret = PTR_ERR_OR_ZERO(pool);
	if (!ret)
		ret = pv_volume_create(pool,
				       nla_data(info->attrs[PODVOL_A_VOLUME_NAME]),
				       nla_get_u64(info->attrs[PODVOL_A_VOLUME_SIZE]),
				       &vol, info->extack);
	ret = pv_nl_done(ret, reply, NULL, vol, PODVOL_CMD_VOLUME_NEW_NTF,
			 info);
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_volume_delete(struct sk_buff *skb, struct genl_info *info)
{
	struct pv_volume *vol;
	struct sk_buff *ntf;
	int ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	mutex_lock(&pv_lock);
	vol = pv_info_volume(info);
	ret = PTR_ERR_OR_ZERO(vol);
	if (!ret) {
		ntf = pv_volume_msg(vol, 0, 0, PODVOL_CMD_VOLUME_DEL_NTF);
		ret = pv_nl_removed(pv_volume_delete(vol, info->extack), ntf);
	}
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_volume_resize(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	struct pv_volume *vol;
	int ret;

	if (!pv_nl_may_change(skb, info))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, PODVOL_A_VOLUME_SIZE))
		return -EINVAL;
	ret = pv_nl_reply_new(&reply, NLMSG_GOODSIZE, false);
	if (ret)
		return ret;
	mutex_lock(&pv_lock);
	vol = pv_info_volume(info);
	ret = PTR_ERR_OR_ZERO(vol);
	if (!ret)
		ret = pv_volume_resize(vol,
				       nla_get_u64(info->attrs[PODVOL_A_VOLUME_SIZE]),
				       info->extack);
	ret = pv_nl_done(ret, reply, NULL, vol, PODVOL_CMD_VOLUME_CHANGE_NTF,
			 info);
	mutex_unlock(&pv_lock);
	return ret;
}

static int pv_nl_volume_get(struct sk_buff *skb, struct genl_info *info)
{
	struct pv_volume *vol;
	int ret;

	mutex_lock(&pv_lock);
	vol = pv_info_volume(info);
	ret = PTR_ERR_OR_ZERO(vol);
	if (!ret)
		ret = pv_reply_volume(vol, info);
	mutex_unlock(&pv_lock);
	return ret;
}

/* cb->args[0]: pools done, cb->args[1]: volumes of the current pool done. */
static int pv_nl_volume_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *name = genl_info_dump(cb)->attrs[PODVOL_A_POOL_NAME];
	struct pv_volume *vol;
	struct pv_pool *pool;
	long p = 0, v;

	mutex_lock(&pv_lock);
	cb->seq = pv_seq;
	list_for_each_entry(pool, &pv_pools, node) {
		if (p++ < cb->args[0])
			continue;
		if (name && strcmp(pool->name, nla_data(name))) {
			cb->args[0] = p;
			continue;
		}
		v = 0;
		list_for_each_entry(vol, &pool->volumes, node) {
			if (v++ < cb->args[1])
				continue;
			if (pv_fill_volume(skb, vol, NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   PODVOL_CMD_VOLUME_GET, cb))
				goto out;
			cb->args[1] = v;
		}
		cb->args[0] = p;
		cb->args[1] = 0;
	}
out:
	mutex_unlock(&pv_lock);
	return skb->len;
}

static const struct genl_ops pv_genl_ops[] = {
	{
		.cmd = PODVOL_CMD_POOL_CREATE,
		.doit = pv_nl_pool_create,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PODVOL_CMD_POOL_ADD_MEMBER,
		.doit = pv_nl_pool_add_member,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PODVOL_CMD_POOL_STOP,
		.doit = pv_nl_pool_stop,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PODVOL_CMD_POOL_GET,
		.doit = pv_nl_pool_get,
		.dumpit = pv_nl_pool_dump,
	},
	{
		.cmd = PODVOL_CMD_VOLUME_CREATE,
		.doit = pv_nl_volume_create,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PODVOL_CMD_VOLUME_DELETE,
		.doit = pv_nl_volume_delete,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PODVOL_CMD_VOLUME_RESIZE,
		.doit = pv_nl_volume_resize,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PODVOL_CMD_VOLUME_GET,
		.doit = pv_nl_volume_get,
		.dumpit = pv_nl_volume_dump,
	},
	{
		.cmd = PODVOL_CMD_POOL_EXTEND,
		.doit = pv_nl_pool_extend,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group pv_mcgrps[] = {
	{ .name = PODVOL_MCGRP_NOTIFY },
};

static struct genl_family pv_family __ro_after_init = {
	.name = PODVOL_GENL_NAME,
	.version = PODVOL_GENL_VERSION,
	.maxattr = PODVOL_A_MAX,
	.policy = pv_policy,
	.module = THIS_MODULE,
	.ops = pv_genl_ops,
	.n_ops = ARRAY_SIZE(pv_genl_ops),
	.mcgrps = pv_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pv_mcgrps),
};

int pv_netlink_init(void)
{
	return genl_register_family(&pv_family);
}

void pv_netlink_exit(void)
{
	genl_unregister_family(&pv_family);
}
