// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl volume create|delete|resize|list
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "podvolctl.h"
#include "pvnl.h"

void usage_volume(FILE *f)
{
	fprintf(f,
		"Usage: podvolctl volume create POOL/NAME SIZE\n"
		"       podvolctl volume delete POOL/NAME\n"
		"       podvolctl volume resize POOL/NAME SIZE\n"
		"       podvolctl [-j] volume list [POOL]\n");
}

struct volarg {
	char pool[PODVOL_NAME_MAX + 1];
	char name[PODVOL_NAME_MAX + 1];
	uint64_t size;
};

static int parse_volarg(const char *verb, int argc, char **argv, bool want_size,
			struct volarg *va)
{
	const char *why;

	if (argc != (want_size ? 2 : 1)) {
		pv_err("volume %s: expected POOL/NAME%s", verb,
		       want_size ? " SIZE" : "");
		usage_volume(stderr);
		return EXIT_USAGE;
	}
	if (split_pool_volume(argv[0], va->pool, sizeof(va->pool), va->name,
			      sizeof(va->name), &why)) {
		pv_err("invalid volume \"%s\": %s", argv[0], why);
		return EXIT_USAGE;
	}
	if (!want_size)
		return 0;
	if (parse_size(argv[1], &va->size, &why)) {
		pv_err("invalid size \"%s\": %s", argv[1], why);
		return EXIT_USAGE;
	}
	if (!va->size) {
		pv_err("invalid size \"%s\": must be greater than zero", argv[1]);
		return EXIT_USAGE;
	}
	if (va->size % 4096) {
		pv_err("invalid size \"%s\": must be a multiple of 4K", argv[1]);
		return EXIT_USAGE;
	}
	return 0;
}

static void print_volume_json(struct json *j, const struct pv_volume_info *v)
{
	char uuid[37], dev[160];

	json_obj_open(j, NULL);
	json_str(j, "pool", v->pool);
	json_str(j, "name", v->name);
	uuid_to_str(v->uuid, uuid);
	json_str(j, "uuid", uuid);
	json_u64(j, "size", v->size);
	json_str(j, "disk", v->disk);
	snprintf(dev, sizeof(dev), "/dev/podvol/%s/%s", v->pool, v->name);
	json_str(j, "path", dev);
	json_u64(j, "major", v->major);
	json_u64(j, "minor", v->minor);
	json_u64(j, "chunk_size", v->chunk);
	json_u64(j, "stripe_width", v->stripe_width);
	json_u64(j, "nr_extents", v->nr_extents);
	json_u64(j, "open_count", v->open_count);
	uuid_to_str(v->pool_uuid, uuid);
	json_str(j, "pool_uuid", uuid);
	json_obj_close(j);
}

static int cmp_volume(const void *a, const void *b)
{
	const struct pv_volume_info *x = a, *y = b;
	int c = strcmp(x->pool, y->pool);

	return c ? c : strcmp(x->name, y->name);
}

/* The columns of volume list; --output picks among them. */
static const char *const volume_hdr[] = { "POOL", "NAME", ">SIZE", "DISK",
					  ">WIDTH", ">EXTENTS", ">OPEN", "UUID" };

static void print_volumes(struct pv_volume_info *v, size_t n)
{
	struct table t;
	size_t i;

	if (opts.json) {
		struct json j;

		json_init(&j, stdout, opts.pretty);
		json_arr_open(&j, NULL);
		for (i = 0; i < n; i++)
			print_volume_json(&j, &v[i]);
		json_arr_close(&j);
		if (json_end(&j))
			pv_err("cannot print JSON: out of memory or write error");
		return;
	}
	if (!n)
		return;
	table_init(&t, 8, volume_hdr);
	for (i = 0; i < n; i++) {
		char size[SIZE_BUF], w[12], e[12], o[12], uuid[37];
		const char *cells[8] = { v[i].pool, v[i].name, size, v[i].disk,
					 w, e, o, uuid };

		format_size(v[i].size, size, sizeof(size));
		snprintf(w, sizeof(w), "%" PRIu32, v[i].stripe_width);
		snprintf(e, sizeof(e), "%" PRIu32, v[i].nr_extents);
		snprintf(o, sizeof(o), "%" PRIu32, v[i].open_count);
		uuid_to_str(v[i].uuid, uuid);
		if (table_add(&t, cells)) {
			pv_err("out of memory");
			exit(1);
		}
	}
	if (table_print(&t, stdout)) {
		pv_err("cannot print the table: out of memory or write error");
		exit(1);
	}
	table_free(&t);
}

/* What to do about a refusal; the kernel's message says what was wrong. */
static const char *volume_hint(int err, bool create)
{
	switch (err) {
	case -ENOENT:
		return create ? "'podvolctl pool show' lists the pools" :
			"'podvolctl volume list POOL' lists its volumes";
	case -EEXIST:
		return "choose another name, or delete the old volume first";
	case -ENOSPC:
		return "'podvolctl pool show POOL' says how much space is free";
	case -EBUSY:
		return "close the volume first (unmount it, stop what uses it)";
	}
	return NULL;
}

static void report_done(const char *what, struct pv_volume_list *l)
{
	char size[SIZE_BUF];

	if (!l->n)
		return;
	if (opts.json) {
		struct json j;

		json_init(&j, stdout, opts.pretty);
		print_volume_json(&j, &l->v[0]);
		if (json_end(&j))
			pv_err("cannot print JSON: out of memory or write error");
		return;
	}
	printf("%s volume %s/%s: /dev/%s, %s\n", what, l->v[0].pool,
	       l->v[0].name, l->v[0].disk,
	       format_size(l->v[0].size, size, sizeof(size)));
}

static int volume_change(int cmd, const char *verb, int argc, char **argv)
{
	bool want_size = cmd != PODVOL_CMD_VOLUME_DELETE;
	struct pv_volume_list l = {};
	struct nlmsghdr *nlh;
	struct volarg va;
	struct pv_nl nl;
	int ret;

	ret = parse_volarg(verb, argc, argv, want_size, &va);
	if (ret)
		return ret;
	if (pv_open(&nl))
		return 1;
	nlh = pv_nl_req(&nl, cmd, 0);
	mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, va.pool);
	mnl_attr_put_strz(nlh, PODVOL_A_VOLUME_NAME, va.name);
	if (want_size)
		mnl_attr_put_u64(nlh, PODVOL_A_VOLUME_SIZE, va.size);
	ret = pv_nl_talk(&nl, nlh, pv_volume_list_cb, &l);
	if (ret) {
		pv_nl_perror(&nl, ret,
			     volume_hint(ret, cmd == PODVOL_CMD_VOLUME_CREATE),
			     "cannot %s volume %s/%s", verb, va.pool, va.name);
		goto out;
	}
	if (cmd == PODVOL_CMD_VOLUME_CREATE)
		report_done("created", &l);
	else if (cmd == PODVOL_CMD_VOLUME_RESIZE)
		report_done("resized", &l);
out:
	free(l.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

/* The volumes of @pool (NULL: of every pool) into @l; 0 or -errno. */
int pv_dump_volumes(struct pv_nl *nl, const char *pool, struct pv_volume_list *l)
{
	struct nlmsghdr *nlh;
	int ret, tries;

	/* A dump interrupted by a concurrent change starts over. */
	for (tries = 0; tries < 5; tries++) {
		nlh = pv_nl_req(nl, PODVOL_CMD_VOLUME_GET, NLM_F_DUMP);
		if (pool)
			mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, pool);
		l->n = 0;
		ret = pv_nl_talk(nl, nlh, pv_volume_list_cb, l);
		if (ret != -EINTR)
			break;
	}
	return ret;
}

static int volume_list(int argc, char **argv)
{
	struct pv_volume_list l = {};
	struct nlmsghdr *nlh;
	struct pv_nl nl;
	const char *why;
	int ret;

	if (argc > 1) {
		pv_err("volume list: too many arguments");
		usage_volume(stderr);
		return EXIT_USAGE;
	}
	if (argc == 1 && check_name(argv[0], PODVOL_NAME_MAX + 1, &why)) {
		pv_err("invalid pool name \"%s\": %s", argv[0], why);
		return EXIT_USAGE;
	}
	if (table_columns_valid(8, volume_hdr))
		return EXIT_USAGE;
	if (pv_open(&nl))
		return 1;
	if (argc == 1) {
		/* an unknown pool is an error, not an empty list */
		nlh = pv_nl_req(&nl, PODVOL_CMD_POOL_GET, 0);
		mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, argv[0]);
		ret = pv_nl_talk(&nl, nlh, NULL, NULL);
		if (ret) {
			pv_nl_perror(&nl, ret,
				     ret == -ENOENT ? "'podvolctl pool show' lists the pools" : NULL,
				     "pool \"%s\"", argv[0]);
			goto out;
		}
	}
	ret = pv_dump_volumes(&nl, argc == 1 ? argv[0] : NULL, &l);
	if (ret) {
		pv_nl_perror(&nl, ret, NULL, "cannot list volumes");
		goto out;
	}
	qsort(l.v, l.n, sizeof(*l.v), cmp_volume);
	print_volumes(l.v, l.n);
out:
	free(l.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

int cmd_volume(int argc, char **argv)
{
	const char *verb = argc ? argv[0] : "list";

	if (argc)
		argc--, argv++;
	if (!strcmp(verb, "create") || !strcmp(verb, "add"))
		return volume_change(PODVOL_CMD_VOLUME_CREATE, "create", argc, argv);
	if (!strcmp(verb, "delete") || !strcmp(verb, "del") ||
	    !strcmp(verb, "remove"))
		return volume_change(PODVOL_CMD_VOLUME_DELETE, "delete", argc, argv);
	if (!strcmp(verb, "resize"))
		return volume_change(PODVOL_CMD_VOLUME_RESIZE, "resize", argc, argv);
	if (!strcmp(verb, "list") || !strcmp(verb, "show") ||
	    !strcmp(verb, "ls"))
		return volume_list(argc, argv);
	if (!strcmp(verb, "help")) {
		usage_volume(stdout);
		return 0;
	}
	pv_err("volume: unknown command \"%s\"", verb);
	usage_volume(stderr);
	return EXIT_USAGE;
}
