// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of podvol pool and volume messages.  Attributes the tool does
 * not know are skipped, so a newer kernel can add some.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "pvnl.h"
#include "util.h"

int pv_open(struct pv_nl *nl)
{
	return pv_nl_open(nl, PODVOL_GENL_NAME, PODVOL_GENL_VERSION);
}

const char *pv_state_name(uint32_t state)
{
	switch (state) {
	case PODVOL_POOL_PENDING:
		return "pending";
	case PODVOL_POOL_RUNNING:
		return "running";
	case PODVOL_POOL_FAILED:
		return "failed";
	}
	return "unknown";
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= PODVOL_A_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int member_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= PODVOL_MEMBER_A_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void get_str(const struct nlattr *a, char *out, size_t len)
{
	size_t n;

	if (!a)
		return;
	n = mnl_attr_get_payload_len(a);
	if (n >= len)
		n = len - 1;
	memcpy(out, mnl_attr_get_payload(a), n);
	out[n] = '\0';
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 8 ? mnl_attr_get_u64(a) : 0;
}

static bool get_uuid(const struct nlattr *a, uint8_t *out)
{
	if (!a || mnl_attr_get_payload_len(a) != PODVOL_UUID_SIZE)
		return false;
	memcpy(out, mnl_attr_get_payload(a), PODVOL_UUID_SIZE);
	return true;
}

static void parse_member(const struct nlattr *nest, struct pv_member_info *m)
{
	const struct nlattr *tb[PODVOL_MEMBER_A_MAX + 1] = {};

	mnl_attr_parse_nested(nest, member_attr_cb, tb);
	m->index = get_u32(tb[PODVOL_MEMBER_A_INDEX]);
	m->has_uuid = get_uuid(tb[PODVOL_MEMBER_A_UUID], m->uuid);
	get_str(tb[PODVOL_MEMBER_A_PATH], m->path, sizeof(m->path));
	m->major = get_u32(tb[PODVOL_MEMBER_A_MAJOR]);
	m->minor = get_u32(tb[PODVOL_MEMBER_A_MINOR]);
	m->size = get_u64(tb[PODVOL_MEMBER_A_SIZE]);
	m->free = get_u64(tb[PODVOL_MEMBER_A_FREE]);
	m->present = tb[PODVOL_MEMBER_A_PRESENT] &&
		     mnl_attr_get_u8(tb[PODVOL_MEMBER_A_PRESENT]);
}

int pv_parse_pool(const struct nlmsghdr *nlh, struct pv_pool_info *p)
{
	const struct nlattr *tb[PODVOL_A_MAX + 1] = {};
	const struct nlattr *a;

	memset(p, 0, sizeof(*p));
	if (mnl_attr_parse(nlh, GENL_HDRLEN, attr_cb, tb) < 0)
		return -EBADMSG;
	if (!tb[PODVOL_A_POOL_NAME])
		return -EBADMSG;
	get_str(tb[PODVOL_A_POOL_NAME], p->name, sizeof(p->name));
	get_uuid(tb[PODVOL_A_POOL_UUID], p->uuid);
	p->state = get_u32(tb[PODVOL_A_POOL_STATE]);
	p->chunk = get_u32(tb[PODVOL_A_CHUNK_SIZE]);
	p->generation = get_u64(tb[PODVOL_A_GENERATION]);
	p->size = get_u64(tb[PODVOL_A_POOL_SIZE]);
	p->free = get_u64(tb[PODVOL_A_POOL_FREE]);
	p->dirty = get_u64(tb[PODVOL_A_POOL_DIRTY]);
	p->nr_members = get_u32(tb[PODVOL_A_NR_MEMBERS]);
	p->nr_present = get_u32(tb[PODVOL_A_NR_PRESENT]);
	p->nr_volumes = get_u32(tb[PODVOL_A_NR_VOLUMES]);
	if (tb[PODVOL_A_MEMBERS]) {
		mnl_attr_for_each_nested(a, tb[PODVOL_A_MEMBERS]) {
			if (mnl_attr_get_type(a) != PODVOL_A_MEMBER ||
			    p->nr_member_info >= PODVOL_MAX_MEMBERS)
				continue;
			parse_member(a, &p->member[p->nr_member_info++]);
		}
	}
	return 0;
}

int pv_parse_volume(const struct nlmsghdr *nlh, struct pv_volume_info *v)
{
	const struct nlattr *tb[PODVOL_A_MAX + 1] = {};

	memset(v, 0, sizeof(*v));
	if (mnl_attr_parse(nlh, GENL_HDRLEN, attr_cb, tb) < 0)
		return -EBADMSG;
	if (!tb[PODVOL_A_VOLUME_NAME])
		return -EBADMSG;
	get_str(tb[PODVOL_A_POOL_NAME], v->pool, sizeof(v->pool));
	get_uuid(tb[PODVOL_A_POOL_UUID], v->pool_uuid);
	get_str(tb[PODVOL_A_VOLUME_NAME], v->name, sizeof(v->name));
	get_uuid(tb[PODVOL_A_VOLUME_UUID], v->uuid);
	v->size = get_u64(tb[PODVOL_A_VOLUME_SIZE]);
	get_str(tb[PODVOL_A_VOLUME_DISK], v->disk, sizeof(v->disk));
	v->major = get_u32(tb[PODVOL_A_VOLUME_MAJOR]);
	v->minor = get_u32(tb[PODVOL_A_VOLUME_MINOR]);
	v->chunk = get_u32(tb[PODVOL_A_CHUNK_SIZE]);
	v->stripe_width = get_u32(tb[PODVOL_A_STRIPE_WIDTH]);
	v->nr_extents = get_u32(tb[PODVOL_A_NR_EXTENTS]);
	v->open_count = get_u32(tb[PODVOL_A_OPEN_COUNT]);
	return 0;
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	void *nv;

	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 8;
	nv = realloc(v, *cap * size);
	if (!nv) {
		pv_err("out of memory");
		exit(1);
	}
	return nv;
}

int pv_pool_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pv_pool_list *l = data;

	l->v = grow(l->v, &l->cap, l->n, sizeof(*l->v));
	if (pv_parse_pool(nlh, &l->v[l->n]) == 0)
		l->n++;
	return MNL_CB_OK;
}

int pv_volume_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pv_volume_list *l = data;

	l->v = grow(l->v, &l->cap, l->n, sizeof(*l->v));
	if (pv_parse_volume(nlh, &l->v[l->n]) == 0)
		l->n++;
	return MNL_CB_OK;
}
