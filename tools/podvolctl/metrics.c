// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl metrics: pools and volumes in the Prometheus text format, for
 * node_exporter's textfile collector.  A volume's I/O counters are the
 * block layer's, which node_exporter's diskstats collector already exports
 * per disk (device="podvol3"); podvol_volume_info maps that disk name to the
 * pool and volume, so that the two can be joined.
 */
#include <stdlib.h>
#include <string.h>

#include "podvolctl.h"
#include "nl.h"

static void pools(const struct pv_pool_list *l, const char *name, const char *help,
		  int what)
{
	static const char *const state[] = { "pending", "running", "failed" };
	char uuid[37];
	size_t i, k;

	prom_family(stdout, name, "gauge", help);
	for (i = 0; i < l->n; i++) {
		const struct pv_pool_info *p = &l->v[i];
		const char *lab[] = { "pool", p->name, NULL, NULL, NULL };
		const uint64_t val[] = { 0, p->size, p->free, p->dirty, p->nr_members,
					 p->nr_present, p->nr_volumes };

		if (what == 0) {	/* info: the uuid */
			uuid_to_str(p->uuid, uuid);
			lab[2] = "uuid";
			lab[3] = uuid;
			prom_sample(stdout, name, lab, 1);
		} else if (what < 0) {	/* one sample per state, 1 for the current one */
			lab[2] = "state";
			for (k = 0; k < sizeof(state) / sizeof(state[0]); k++) {
				lab[3] = state[k];
				prom_sample(stdout, name, lab,
					    !strcmp(pv_state_name(p->state), state[k]));
			}
		} else {
			prom_sample(stdout, name, lab, val[what]);
		}
	}
}

static void volumes(const struct pv_volume_list *l, const char *name, const char *help,
		    int what)
{
	char uuid[37];
	size_t i;

	prom_family(stdout, name, "gauge", help);
	for (i = 0; i < l->n; i++) {
		const struct pv_volume_info *v = &l->v[i];
		const char *lab[] = { "pool", v->pool, "volume", v->name,
				      NULL, NULL, NULL, NULL, NULL };

		if (what == 0) {
			uuid_to_str(v->uuid, uuid);
			lab[4] = "device";
			lab[5] = v->disk;
			lab[6] = "uuid";
			lab[7] = uuid;
			prom_sample(stdout, name, lab, 1);
		} else {
			prom_sample(stdout, name, lab, what == 1 ? v->size : v->open_count);
		}
	}
}

int cmd_metrics(int argc, char **argv)
{
	struct pv_pool_list pl = {};
	struct pv_volume_list vl = {};
	struct pv_nl nl;
	int ret;

	(void)argv;
	if (argc) {
		pv_err("metrics: unexpected argument \"%s\"", argv[0]);
		return EXIT_USAGE;
	}
	if (pv_open(&nl))
		return 1;
	ret = pv_dump_pools(&nl, &pl);
	if (ret) {
		pv_nl_perror(&nl, ret, NULL, "cannot list pools");
		goto out;
	}
	ret = pv_dump_volumes(&nl, NULL, &vl);
	if (ret) {
		pv_nl_perror(&nl, ret, NULL, "cannot list volumes");
		goto out;
	}
	pools(&pl, "podvol_pool_info", "A podvol pool; the value is always 1.", 0);
	pools(&pl, "podvol_pool_state", "1 for the state the pool is in.", -1);
	pools(&pl, "podvol_pool_size_bytes", "Capacity of the pool.", 1);
	pools(&pl, "podvol_pool_free_bytes", "Space no volume uses.", 2);
	pools(&pl, "podvol_pool_dirty_bytes",
	      "Free space not yet zeroed since a volume released it.", 3);
	pools(&pl, "podvol_pool_members", "Members the pool has.", 4);
	pools(&pl, "podvol_pool_members_present", "Members present.", 5);
	pools(&pl, "podvol_pool_volumes", "Volumes in the pool.", 6);
	volumes(&vl, "podvol_volume_info",
		"A podvol volume and its disk (node_disk_* device label); always 1.", 0);
	volumes(&vl, "podvol_volume_size_bytes", "Size of the volume.", 1);
	volumes(&vl, "podvol_volume_open", "Openers of the volume's disk.", 2);
out:
	free(pl.v);
	free(vl.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}
