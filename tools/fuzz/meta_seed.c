// SPDX-License-Identifier: GPL-2.0
/*
 * meta_seed DIR: write meta_fuzz's seed corpus, a few valid metadata slots
 * made by the driver's own encoder (one to four members, none to a few
 * volumes of one or more extents), each trimmed to the superblock and its
 * table, behind a mode byte (0: as it is).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"

static int seed(const char *dir, int n, u32 members, u32 vols, u32 chunk)
{
	static u8 buf[PODVOL_SLOT_SIZE];
	const struct pv_map *maps[8] = { NULL };
	struct pv_meta *m = calloc(1, sizeof(*m));
	const char *why = "";
	char path[256];
	size_t used;
	FILE *f;
	u32 i;

	m->generation = 1 + n;
	memset(m->pool_uuid, 0xa0 + n, PODVOL_UUID_SIZE);
	snprintf(m->pool_name, sizeof(m->pool_name), "pool%d", n);
	m->ctime = m->utime = 1700000000;
	m->geom.nr_members = members;
	m->geom.chunk_sectors = chunk;
	m->geom.data_offset = 4096;
	for (i = 0; i < members; i++) {
		m->geom.member_sectors[i] = (64 << 11) + i * 8192;
		memset(m->member_uuid[i], 0x10 + i, PODVOL_UUID_SIZE);
	}
	m->nr_volumes = vols;
	m->vol = calloc(vols ? vols : 1, sizeof(*m->vol));
	for (i = 0; i < vols; i++) {
		memset(m->vol[i].uuid, 0x70 + i, PODVOL_UUID_SIZE);
		snprintf(m->vol[i].name, sizeof(m->vol[i].name), "v%u", i);
		m->vol[i].size = (u64)(1 + i) << 11;
		if (pv_map_resize(&m->geom, maps, i, NULL, m->vol[i].size, &m->vol[i].map))
			return 1;
		maps[i] = m->vol[i].map;
	}
	/* the first volume grown: a second extent */
	if (vols) {
		struct pv_map *grown;

		if (pv_map_resize(&m->geom, maps, vols, m->vol[0].map,
				  m->vol[0].size + (4 << 11), &grown))
			return 1;
		pv_map_free(m->vol[0].map);
		m->vol[0].map = grown;
		m->vol[0].size += 4 << 11;
	}
	memset(buf, 0, sizeof(buf));
	if (pv_meta_encode(m, buf, sizeof(buf), &used, &why)) {
		fprintf(stderr, "meta_seed: %s\n", why);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/seed%d", dir, n);
	f = fopen(path, "w");
	if (!f || fputc(0, f) == EOF || fwrite(buf, 1, used, f) != used || fclose(f))
		return 1;
	pv_meta_free(m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: meta_seed DIR\n");
		return 2;
	}
	return seed(argv[1], 0, 1, 0, 128) || seed(argv[1], 1, 2, 1, 128) ||
	       seed(argv[1], 2, 3, 3, 8) || seed(argv[1], 3, 4, 5, 2048);
}
