/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PODVOLCTL_H
#define PODVOLCTL_H

#include <stdbool.h>

#include "util.h"
#include "pvnl.h"

struct opts {
	bool json;
	bool pretty;
	bool force;
	bool verbose;
};

extern struct opts opts;

/* Exit codes: 0 ok, 1 error, 2 usage; probe: 1 "not a member". */
#define EXIT_USAGE 2

int cmd_pool(int argc, char **argv);
int cmd_volume(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

struct pv_nl;
int pv_dump_pools(struct pv_nl *nl, struct pv_pool_list *l);
int pv_dump_volumes(struct pv_nl *nl, const char *pool, struct pv_volume_list *l);

void usage_pool(FILE *f);
void usage_volume(FILE *f);

#endif
