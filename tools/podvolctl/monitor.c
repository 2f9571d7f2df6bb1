// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl monitor: print the kernel's notifications (pools assembled,
 * created or stopped; volumes created, deleted or resized) as they come,
 * one line each, or one JSON object per line with -j.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <linux/genetlink.h>

#include "podvolctl.h"

static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct pv_pool_info p;
	struct pv_volume_info v;
	const char *ev, *obj;
	char size[SIZE_BUF];
	struct json j;

	(void)data;
	switch (g->cmd) {
	case PODVOL_CMD_POOL_NEW_NTF:
		ev = "new", obj = "pool";
		break;
	case PODVOL_CMD_POOL_DEL_NTF:
		ev = "del", obj = "pool";
		break;
	case PODVOL_CMD_POOL_CHANGE_NTF:
		ev = "change", obj = "pool";
		break;
	case PODVOL_CMD_VOLUME_NEW_NTF:
		ev = "new", obj = "volume";
		break;
	case PODVOL_CMD_VOLUME_DEL_NTF:
		ev = "del", obj = "volume";
		break;
	case PODVOL_CMD_VOLUME_CHANGE_NTF:
		ev = "change", obj = "volume";
		break;
	default:
		return MNL_CB_OK;	/* from a newer kernel */
	}
	json_init(&j, stdout, opts.pretty);
	json_obj_open(&j, NULL);
	json_str(&j, "event", ev);
	json_str(&j, "object", obj);
	if (obj[0] == 'p') {
		if (pv_parse_pool(nlh, &p))
			goto bad;
		json_str(&j, "pool", p.name);
		json_str(&j, "state", pv_state_name(p.state));
		json_u64(&j, "nr_members", p.nr_members);
		json_u64(&j, "nr_present", p.nr_present);
		json_u64(&j, "size", p.size);
		if (!opts.json)
			printf("%s pool %s: %s, %" PRIu32 "/%" PRIu32 " members, %s\n",
			       ev, p.name, pv_state_name(p.state), p.nr_present,
			       p.nr_members, format_size(p.size, size, sizeof(size)));
	} else {
		if (pv_parse_volume(nlh, &v))
			goto bad;
		json_str(&j, "pool", v.pool);
		json_str(&j, "name", v.name);
		json_str(&j, "disk", v.disk);
		json_u64(&j, "size", v.size);
		if (!opts.json)
			printf("%s volume %s/%s: /dev/%s, %s\n", ev, v.pool, v.name,
			       v.disk, format_size(v.size, size, sizeof(size)));
	}
	if (opts.json) {
		if (json_end(&j)) {
			pv_err("cannot print JSON: out of memory or write error");
			return MNL_CB_ERROR;
		}
	} else {
		json_discard(&j);
	}
	fflush(stdout);
	return MNL_CB_OK;
bad:
	json_discard(&j);
	pv_warn("monitor: a malformed %s notification, skipped", obj);
	return MNL_CB_OK;
}

int cmd_monitor(int argc, char **argv)
{
	struct pv_nl nl;
	int ret;

	if (argc) {
		pv_err("monitor: unexpected argument \"%s\"", argv[0]);
		return EXIT_USAGE;
	}
	if (pv_open(&nl))
		return 1;
	ret = pv_nl_monitor(&nl, PODVOL_MCGRP_NOTIFY, monitor_cb, NULL);
	if (ret == -ENOENT)
		pv_err("monitor: the kernel offers no \"%s\" multicast group",
		       PODVOL_MCGRP_NOTIFY);
	else
		pv_err("monitor: %s", strerror(-ret));
	pv_nl_close(&nl);
	return 1;
}
