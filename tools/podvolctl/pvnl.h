/* SPDX-License-Identifier: GPL-2.0 */
/* podvol generic netlink messages decoded into plain structs. */
#ifndef PODVOLCTL_PVNL_H
#define PODVOLCTL_PVNL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/podvol.h>

#include "nl.h"

struct pv_member_info {
	uint32_t index;
	uint8_t uuid[PODVOL_UUID_SIZE];
	char path[256];
	uint32_t major, minor;
	uint64_t size, free;
	bool present;
	bool has_uuid;
};

struct pv_pool_info {
	char name[PODVOL_NAME_MAX + 1];
	uint8_t uuid[PODVOL_UUID_SIZE];
	uint32_t state;
	uint32_t chunk;
	uint64_t generation;
	uint64_t size, free;
	uint64_t dirty;		/* of free, bytes not yet zeroed */
	uint32_t nr_members, nr_present, nr_volumes;
	uint32_t nr_member_info;
	struct pv_member_info member[PODVOL_MAX_MEMBERS];
};

struct pv_volume_info {
	char pool[PODVOL_NAME_MAX + 1];
	uint8_t pool_uuid[PODVOL_UUID_SIZE];
	char name[PODVOL_NAME_MAX + 1];
	uint8_t uuid[PODVOL_UUID_SIZE];
	uint64_t size;
	char disk[32];
	uint32_t major, minor;
	uint32_t chunk;
	uint32_t stripe_width;
	uint32_t nr_extents;
	uint32_t open_count;
};

/* Growable arrays filled by the dump callbacks. */
struct pv_pool_list {
	struct pv_pool_info *v;
	size_t n, cap;
};

struct pv_volume_list {
	struct pv_volume_info *v;
	size_t n, cap;
};

int pv_parse_pool(const struct nlmsghdr *nlh, struct pv_pool_info *p);
int pv_parse_volume(const struct nlmsghdr *nlh, struct pv_volume_info *v);

/* mnl callbacks appending to a pv_pool_list / pv_volume_list */
int pv_pool_list_cb(const struct nlmsghdr *nlh, void *data);
int pv_volume_list_cb(const struct nlmsghdr *nlh, void *data);

const char *pv_state_name(uint32_t state);

/* Open the podvol family; prints the reason on failure. */
int pv_open(struct pv_nl *nl);

#endif
