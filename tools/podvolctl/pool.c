// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl pool create|add|stop|destroy|show
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#include "disk.h"
#include "gpt.h"
#include "member.h"
#include "meta.h"
#include "podvolctl.h"
#include "pvnl.h"

void usage_pool(FILE *f)
{
	fprintf(f,
		"Usage: podvolctl pool create NAME [--chunk SIZE] [--force] [--dry-run] DISK...\n"
		"       podvolctl pool add DISK\n"
		"       podvolctl pool extend NAME [--force] [--dry-run] DISK\n"
		"       podvolctl pool stop NAME\n"
		"       podvolctl pool destroy [--force] NAME\n"
		"       podvolctl [-j] pool show [NAME]\n");
}

/* -v: what pool create, extend and destroy do, step by step, on stderr. */
static void __attribute__((format(printf, 1, 2))) step(const char *fmt, ...)
{
	va_list ap;

	if (!opts.verbose)
		return;
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int bad_name(const char *what, const char *name)
{
	const char *why;

	if (!check_name(name, PODVOL_NAME_MAX + 1, &why))
		return 0;
	pv_err("invalid %s name \"%s\": %s", what, name, why);
	return 1;
}

/*
 * Is device @rdev, or a partition of it, a member of one of @pools?
 * Returns the pool or NULL.
 */
static const struct pv_pool_info *member_of(const struct pv_pool_list *pools,
					    dev_t rdev)
{
	size_t i;
	uint32_t m;

	for (i = 0; i < pools->n; i++)
		for (m = 0; m < pools->v[i].nr_member_info; m++) {
			const struct pv_member_info *mi = &pools->v[i].member[m];
			dev_t dev = makedev(mi->major, mi->minor), whole;

			if (!mi->present)
				continue;
			if (dev == rdev ||
			    (!disk_parent(dev, &whole) && whole == rdev))
				return &pools->v[i];
		}
	return NULL;
}

/* A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) starts over. */
int pv_dump_pools(struct pv_nl *nl, struct pv_pool_list *l)
{
	int tries = 0, ret;

	do {
		struct nlmsghdr *nlh = pv_nl_req(nl, PODVOL_CMD_POOL_GET,
						 NLM_F_DUMP);

		l->n = 0;
		ret = pv_nl_talk(nl, nlh, pv_pool_list_cb, l);
	} while (ret == -EINTR && ++tries < 5);
	return ret;
}

/* The pools (listed into @l, an error reported) and the one named @name. */
static int find_pool(struct pv_nl *nl, struct pv_pool_list *l, const char *name,
		     const struct pv_pool_info **found)
{
	int ret = pv_dump_pools(nl, l);
	uint32_t i;

	*found = NULL;
	if (ret) {
		pv_nl_perror(nl, ret, NULL, "cannot list pools");
		return ret;
	}
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			*found = &l->v[i];
	return 0;
}

/*
 * The start of a command on pool @name: check the name, connect and list
 * the pools into @l, *@found the one named @name (NULL if none).  Returns
 * 0, or the exit status of a command that cannot go on.
 */
static int pool_cmd_start(struct pv_nl *nl, struct pv_pool_list *l,
			  const char *name, const struct pv_pool_info **found)
{
	if (bad_name("pool", name))
		return EXIT_USAGE;
	if (pv_open(nl))
		return 1;
	if (find_pool(nl, l, name, found)) {
		free(l->v);
		pv_nl_close(nl);
		return 1;
	}
	return 0;
}

static void print_pool_json(struct json *j, const struct pv_pool_info *p)
{
	char uuid[37];
	uint32_t i;

	json_obj_open(j, NULL);
	json_str(j, "name", p->name);
	uuid_to_str(p->uuid, uuid);
	json_str(j, "uuid", uuid);
	json_str(j, "state", pv_state_name(p->state));
	json_u64(j, "chunk_size", p->chunk);
	json_u64(j, "generation", p->generation);
	json_u64(j, "size", p->size);
	json_u64(j, "free", p->free);
	json_u64(j, "dirty", p->dirty);
	json_u64(j, "nr_members", p->nr_members);
	json_u64(j, "nr_present", p->nr_present);
	json_u64(j, "nr_volumes", p->nr_volumes);
	json_arr_open(j, "members");
	for (i = 0; i < p->nr_member_info; i++) {
		const struct pv_member_info *m = &p->member[i];

		json_obj_open(j, NULL);
		json_u64(j, "index", m->index);
		if (m->has_uuid) {
			uuid_to_str(m->uuid, uuid);
			json_str(j, "uuid", uuid);
		}
		json_bool(j, "present", m->present);
		if (m->present) {
			json_str(j, "path", m->path);
			json_u64(j, "major", m->major);
			json_u64(j, "minor", m->minor);
		}
		json_u64(j, "size", m->size);
		json_u64(j, "free", m->free);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* The pool a change was answered with (one message), as JSON. */
static void print_reply_json(const struct pv_pool_list *l)
{
	struct json j;

	json_init(&j, stdout, opts.pretty);
	if (l->n)
		print_pool_json(&j, &l->v[0]);
	if (json_end(&j))
		pv_err("cannot print JSON: out of memory or write error");
}

/* The member table of pool show; --output picks among these columns. */
static const char *const member_hdr[] = { ">INDEX", "DEVICE", "MAJ:MIN",
					  ">SIZE", ">FREE", "UUID" };

static void print_pool(const struct pv_pool_info *p)
{
	char uuid[37], b1[SIZE_BUF], b2[SIZE_BUF], b3[SIZE_BUF], b4[SIZE_BUF];
	struct table t;
	uint32_t i;

	uuid_to_str(p->uuid, uuid);
	printf("pool %s  state %s  uuid %s\n", p->name, pv_state_name(p->state),
	       uuid);
	/* dirty: free space a deleted volume left, not yet zeroed */
	printf("  chunk %s  size %s  free %s  dirty %s  volumes %" PRIu32
	       "  members %" PRIu32 "/%" PRIu32 "  generation %" PRIu64 "\n",
	       format_size(p->chunk, b1, sizeof(b1)),
	       format_size(p->size, b2, sizeof(b2)),
	       format_size(p->free, b3, sizeof(b3)),
	       format_size(p->dirty, b4, sizeof(b4)), p->nr_volumes,
	       p->nr_present, p->nr_members, p->generation);
	if (!p->nr_member_info)
		return;
	table_init(&t, 6, member_hdr);
	for (i = 0; i < p->nr_member_info; i++) {
		const struct pv_member_info *m = &p->member[i];
		char idx[12], mm[24];
		const char *cells[6];

		snprintf(idx, sizeof(idx), "%" PRIu32, m->index);
		snprintf(mm, sizeof(mm), "%" PRIu32 ":%" PRIu32, m->major, m->minor);
		if (m->has_uuid)
			uuid_to_str(m->uuid, uuid);
		cells[0] = idx;
		cells[1] = m->present ? m->path : "(missing)";
		cells[2] = m->present ? mm : "-";
		cells[3] = m->size ? format_size(m->size, b1, sizeof(b1)) : "-";
		cells[4] = m->size ? format_size(m->free, b2, sizeof(b2)) : "-";
		cells[5] = m->has_uuid ? uuid : "-";
		if (table_add(&t, cells)) {
			pv_err("out of memory");
			exit(1);
		}
	}
	/* indent the member table under its pool */
	{
		char *buf = NULL, *line, *save;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f || table_print(&t, f)) {
			pv_err("cannot print the table: out of memory");
			exit(1);
		}
		fclose(f);
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("  %s\n", line);
		free(buf);
	}
	table_free(&t);
}

static int pool_show(int argc, char **argv)
{
	struct pv_pool_list l = {};
	struct pv_nl nl;
	size_t i;
	int ret;

	if (argc > 1) {
		pv_err("pool show: too many arguments");
		usage_pool(stderr);
		return EXIT_USAGE;
	}
	if (argc == 1 && bad_name("pool", argv[0]))
		return EXIT_USAGE;
	if (table_columns_valid(6, member_hdr))
		return EXIT_USAGE;
	if (pv_open(&nl))
		return 1;
	if (argc == 1) {
		struct nlmsghdr *nlh = pv_nl_req(&nl, PODVOL_CMD_POOL_GET, 0);

		mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, argv[0]);
		ret = pv_nl_talk(&nl, nlh, pv_pool_list_cb, &l);
		if (ret) {
			pv_nl_perror(&nl, ret,
				     ret == -ENOENT ? "'podvolctl pool show' lists the pools" : NULL,
				     "pool \"%s\"", argv[0]);
			goto out;
		}
	} else {
		ret = pv_dump_pools(&nl, &l);
		if (ret) {
			pv_nl_perror(&nl, ret, NULL, "cannot list pools");
			goto out;
		}
	}
	if (opts.json) {
		struct json j;

		json_init(&j, stdout, opts.pretty);
		json_arr_open(&j, NULL);
		for (i = 0; i < l.n; i++)
			print_pool_json(&j, &l.v[i]);
		json_arr_close(&j);
		if (json_end(&j))
			pv_err("cannot print JSON: out of memory or write error");
	} else {
		for (i = 0; i < l.n; i++) {
			if (i)
				putchar('\n');
			print_pool(&l.v[i]);
		}
	}
out:
	free(l.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

struct create_disk {
	char *arg;
	char path[PATH_MAX];
	char member[PATH_MAX];	/* what the kernel gets: path, or its partition */
	dev_t rdev;
	enum disk_kind kind;
	bool wipe;
	bool gpt_written;
	int fd;			/* a GPT disk, flock()ed while it is written */
};

/*
 * Everything that can be said about a disk before touching it.  Returns the
 * number of problems found (each printed).
 */
static int check_create_disk(struct create_disk *d, const char *name,
			     uint64_t chunk, const struct pv_pool_list *pools,
			     bool force, bool dry_run)
{
	const struct pv_pool_info *p;
	uint8_t uuid[PODVOL_UUID_SIZE];
	char pool[PODVOL_NAME_MAX + 1], what[256], us[37], why[128];
	uint64_t pstart = 0, pbytes, need;
	struct stat st;
	int ret;

	if (!realpath(d->arg, d->path) || stat(d->path, &st) < 0) {
		pv_err("disk %s: %s", d->arg, strerror(errno));
		return 1;
	}
	if (!S_ISBLK(st.st_mode)) {
		pv_err("disk %s: not a block device", d->arg);
		return 1;
	}
	d->rdev = st.st_rdev;
	p = member_of(pools, st.st_rdev);
	if (p) {
		pv_err("disk %s is in use: it is a member of pool \"%s\"",
		       d->arg, p->name);
		return 1;
	}
	ret = disk_in_use(d->path);
	if (ret < 0)
		return 1;
	if (ret) {
		pv_err("disk %s is in use (mounted, or held by another driver such as device-mapper, md or a pool)",
		       d->arg);
		return 1;
	}
	if (disk_kind(d->path, d->rdev, &d->kind, why, sizeof(why)))
		return 1;
	snprintf(d->member, sizeof(d->member), "%s", d->path);
	if (d->kind == DISK_WHOLE_GPT) {
		/* the partition it will get must hold a member */
		if (gpt_make(d->path, -1, name, &pstart, &pbytes))
			return 1;
		chunk = chunk ? chunk : PODVOL_CHUNK_DEFAULT;
		need = ((PODVOL_DATA_OFFSET_MIN + chunk - 1) & ~(chunk - 1)) +
		       chunk;
		if (pbytes < need) {
			pv_err("disk %s is too small: its podvol partition would have %llu bytes, a member needs at least %llu",
			       d->arg, (unsigned long long)pbytes,
			       (unsigned long long)need);
			return 1;
		}
		step("%s: gets a GPT with partition 1 (podvol:%s) at %llu bytes, %llu bytes long",
		     d->path, name, (unsigned long long)pstart,
		     (unsigned long long)pbytes);
		/*
		 * A member of an earlier podvol GPT, or what is left of one
		 * where the partition will be (a table erased, the partition's
		 * metadata not): the kernel would refuse it after the write.
		 */
		pstart = 0;
		ret = gpt_find_podvol(d->path, &pstart, what, sizeof(what));
		if (ret < 0) {
			pv_err("disk %s: cannot probe for a partition table: %s",
			       d->arg, strerror(errno ? errno : EIO));
			return 1;
		}
		if (!ret)
			pstart = PODVOL_GPT_START;
	} else {
		step("%s: %s, used as the member itself", d->path, why);
	}
	ret = disk_podvol_signature_at(d->path, pstart, pool, sizeof(pool), uuid);
	if (!ret && pstart)
		ret = disk_podvol_signature(d->path, pool, sizeof(pool), uuid);
	if (ret < 0) {
		pv_err("disk %s: cannot read: %s", d->arg, strerror(-ret));
		return 1;
	}
	if (ret) {
		uuid_to_str(uuid, us);
		if (!force) {
			pv_err("disk %s carries podvol metadata of pool \"%s\" (uuid %s); use --force to overwrite it",
			       d->arg, pool, us);
			return 1;
		}
		pv_warn("disk %s: %s podvol metadata of pool \"%s\" (uuid %s)",
			d->arg, dry_run ? "would overwrite" : "overwriting",
			pool, us);
	}
	ret = disk_foreign_signature(d->path, what, sizeof(what));
	if (ret < 0)
		return 1;
	if (ret) {
		if (!force) {
			pv_err("disk %s has %s; use --force to overwrite it",
			       d->arg, what);
			return 1;
		}
		pv_warn("disk %s: %s %s", d->arg,
			dry_run ? "would erase" : "erasing", what);
		d->wipe = true;
	}
	return 0;
}

/* A PODVOL_A_MEMBER nest naming the device at @path. */
static void put_member(struct nlmsghdr *nlh, const char *path)
{
	struct nlattr *m = mnl_attr_nest_start(nlh, PODVOL_A_MEMBER);

	mnl_attr_put_strz(nlh, PODVOL_MEMBER_A_PATH, path);
	mnl_attr_nest_end(nlh, m);
}

/*
 * The start of a POOL_CREATE or POOL_EXTEND request (@chunk 0: the
 * default).  With @validate, the kernel makes every check and writes
 * nothing; *@validate_off, unless NULL, is where that attribute is in the
 * message, to recognise a module that does not know it.
 */
static struct nlmsghdr *pool_req(struct pv_nl *nl, uint8_t cmd,
				 const char *name, uint64_t chunk, bool force,
				 bool validate, uint32_t *validate_off)
{
	struct nlmsghdr *nlh = pv_nl_req(nl, cmd, 0);

	mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, name);
	if (chunk)
		mnl_attr_put_u32(nlh, PODVOL_A_CHUNK_SIZE, (uint32_t)chunk);
	if (force)
		mnl_attr_put(nlh, PODVOL_A_FORCE, 0, NULL);
	if (validate) {
		if (validate_off)
			*validate_off = nlh->nlmsg_len;
		mnl_attr_put(nlh, PODVOL_A_VALIDATE_ONLY, 0, NULL);
	}
	return nlh;
}

/* The POOL_CREATE request: the disks, or with @validate their members. */
static struct nlmsghdr *create_req(struct pv_nl *nl, const char *name,
				   uint64_t chunk, bool force,
				   const struct create_disk *disks, int ndisks,
				   bool validate, uint32_t *validate_off)
{
	struct nlmsghdr *nlh = pool_req(nl, PODVOL_CMD_POOL_CREATE, name, chunk,
					force, validate, validate_off);
	struct nlattr *nest;
	int i;

	nest = mnl_attr_nest_start(nlh, PODVOL_A_MEMBERS);
	for (i = 0; i < ndisks; i++)
		put_member(nlh, validate ? disks[i].path : disks[i].member);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* What to do about a refusal; the kernel's message says what was wrong. */
static const char *create_hint(int err)
{
	switch (err) {
	case -EEXIST:
		return "'podvolctl probe DISK' shows what a disk belongs to; --force overwrites old podvol metadata";
	case -EBUSY:
		return "is the disk mounted, or held by md, device-mapper or another pool?";
	default:
		return NULL;
	}
}

/*
 * Close the GPT disks, removing the GPTs that are still marked written (a
 * create that failed after writing them).  udev, kept off the disks by
 * the lock, sees them as they are left.
 */
static void release_gpts(struct create_disk *disks, int ndisks)
{
	int i;

	for (i = 0; i < ndisks; i++) {
		if (disks[i].fd < 0)
			continue;
		if (disks[i].gpt_written) {
			if (disk_wipe_signatures(disks[i].path) < 0 ||
			    gpt_reread(disks[i].fd))
				pv_warn("%s: cannot remove the GPT written for the pool; remove it with wipefs -a %s",
					disks[i].path, disks[i].path);
			else
				step("%s: GPT removed again", disks[i].path);
		}
		close(disks[i].fd);
		disks[i].fd = -1;
	}
}

/* Erase the signatures found on the disks marked for it. */
static int wipe_disks(const struct create_disk *disks, int ndisks)
{
	int i, n;

	for (i = 0; i < ndisks; i++) {
		if (!disks[i].wipe)
			continue;
		n = disk_wipe_signatures(disks[i].path);
		if (n < 0)
			return -1;
		step("%s: %d signature%s erased", disks[i].path, n,
		     n == 1 ? "" : "s");
	}
	return 0;
}

/*
 * Give every whole disk that can hold partitions its podvol GPT and find
 * the partition the kernel made of it.  Each disk is held with an
 * exclusive flock() until release_gpts(): udev leaves a locked disk
 * alone (it would re-read the partition table under the create).
 */
static int write_gpts(struct create_disk *disks, int ndisks, const char *name)
{
	uint64_t start, bytes;
	int i, ret;

	for (i = 0; i < ndisks; i++) {
		struct create_disk *d = &disks[i];

		if (d->kind != DISK_WHOLE_GPT)
			continue;
		d->fd = open(d->path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0 || flock(d->fd, LOCK_EX) < 0) {
			pv_err("%s: cannot open for writing: %s", d->path,
			       strerror(errno));
			return -1;
		}
		if (gpt_make(d->path, d->fd, name, &start, &bytes))
			return -1;
		d->gpt_written = true;
		ret = gpt_reread(d->fd);
		if (ret) {
			pv_err("%s: the kernel did not read the new partition table: %s",
			       d->path, strerror(-ret));
			return -1;
		}
		if (gpt_partition_path(d->rdev, d->member, sizeof(d->member))) {
			pv_err("%s: its podvol partition did not appear", d->path);
			return -1;
		}
		step("%s: GPT written, member %s", d->path, d->member);
	}
	return 0;
}

static int pool_create(int argc, char **argv)
{
	struct create_disk disks[PODVOL_MAX_MEMBERS];
	struct pv_pool_list pools = {};
	const struct pv_pool_info *exists;
	const char *name = NULL, *why;
	struct nlmsghdr *nlh;
	uint64_t chunk = 0;
	uint32_t voff = 0;
	bool force = false, dry_run = false, wipe = false;
	int ndisks = 0, problems = 0, i, j, ret;
	struct pv_nl nl;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--chunk") || !strcmp(a, "-c") ||
		    !strncmp(a, "--chunk=", 8)) {
			const char *v = a[2] == 'c' && a[7] == '=' ? a + 8 :
					(i + 1 < argc ? argv[++i] : NULL);

			if (!v) {
				pv_err("pool create: --chunk needs a SIZE");
				return EXIT_USAGE;
			}
			if (parse_size(v, &chunk, &why)) {
				pv_err("invalid chunk size \"%s\": %s", v, why);
				return EXIT_USAGE;
			}
			if (chunk < PODVOL_CHUNK_MIN || chunk > PODVOL_CHUNK_MAX ||
			    (chunk & (chunk - 1))) {
				pv_err("invalid chunk size \"%s\": must be a power of two from 4K to 1G",
				       v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--force") || !strcmp(a, "-f")) {
			force = true;
		} else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			dry_run = true;
		} else if (a[0] == '-' && a[1]) {
			pv_err("pool create: unknown option \"%s\"", a);
			usage_pool(stderr);
			return EXIT_USAGE;
		} else if (!name) {
			name = a;
		} else {
			if (ndisks == PODVOL_MAX_MEMBERS) {
				pv_err("pool create: too many disks (at most %d)",
				       PODVOL_MAX_MEMBERS);
				return EXIT_USAGE;
			}
			memset(&disks[ndisks], 0, sizeof(disks[0]));
			disks[ndisks].fd = -1;
			disks[ndisks++].arg = argv[i];
		}
	}
	if (!name || !ndisks) {
		pv_err("pool create: need a pool NAME and at least one DISK");
		usage_pool(stderr);
		return EXIT_USAGE;
	}
	ret = pool_cmd_start(&nl, &pools, name, &exists);
	if (ret)
		return ret;
	if (exists) {
		pv_err("pool \"%s\" already exists (%s)", name,
		       pv_state_name(exists->state));
		ret = -EEXIST;
		goto out;
	}
	for (i = 0; i < ndisks; i++) {
		struct stat st;

		/* a disk named twice is reported once, not checked twice */
		if (stat(disks[i].arg, &st) == 0 && S_ISBLK(st.st_mode)) {
			for (j = 0; j < i; j++)
				if (disks[j].rdev == st.st_rdev)
					break;
			if (j < i) {
				pv_err("disk %s is given twice (as %s and %s)",
				       disks[j].path, disks[j].arg, disks[i].arg);
				problems++;
				continue;
			}
		}
		problems += check_create_disk(&disks[i], name, chunk, &pools,
					      force, dry_run);
		wipe |= disks[i].wipe;
	}
	if (problems) {
		ret = -EINVAL;
		goto out;
	}

	/*
	 * Nothing is written before the kernel has made every check of the
	 * create (members opened exclusively, sizes, metadata): a refusal
	 * leaves every disk as it was, signatures included.
	 */
	nlh = create_req(&nl, name, chunk, force, disks, ndisks, true, &voff);
	ret = pv_nl_talk(&nl, nlh, NULL, NULL);
	if (ret == -EINVAL && nl.extack_off == voff) {
		/* a module older than PODVOL_A_VALIDATE_ONLY */
		if (wipe || dry_run) {
			pv_err("cannot create pool \"%s\": the podvol module is too old to check a create before anything is written%s",
			       name, wipe ?
			       "; nothing was erased (erase the signatures with wipefs -a DISK, or update the module)" :
			       "");
			goto out;
		}
		ret = 0;	/* no signature to erase: the create checks first */
	} else if (ret) {
		pv_nl_perror(&nl, ret, create_hint(ret),
			     "cannot create pool \"%s\"%s", name,
			     wipe ? " (nothing was erased)" : "");
		goto out;
	}
	step("the kernel checked the create of pool %s: it would succeed", name);
	if (dry_run) {
		if (opts.json) {
			struct json js;

			json_init(&js, stdout, opts.pretty);
			json_obj_open(&js, NULL);
			json_str(&js, "name", name);
			json_bool(&js, "dry_run", true);
			json_arr_open(&js, "erase");
			for (i = 0; i < ndisks; i++)
				if (disks[i].wipe)
					json_str(&js, NULL, disks[i].path);
			json_arr_close(&js);
			json_obj_close(&js);
			if (json_end(&js))
				pv_err("cannot print JSON: out of memory or write error");
		} else {
			printf("pool %s can be created on %d disk%s (dry run: nothing written)\n",
			       name, ndisks, ndisks == 1 ? "" : "s");
		}
		goto out;
	}
	if (wipe_disks(disks, ndisks) || write_gpts(disks, ndisks, name)) {
		ret = -EIO;
		goto out;
	}

	nlh = create_req(&nl, name, chunk, force, disks, ndisks, false, NULL);
	free(pools.v);
	memset(&pools, 0, sizeof(pools));
	ret = pv_nl_talk(&nl, nlh, pv_pool_list_cb, &pools);
	if (ret) {
		pv_nl_perror(&nl, ret, create_hint(ret),
			     "cannot create pool \"%s\"", name);
		goto out;
	}
	for (i = 0; i < ndisks; i++)
		disks[i].gpt_written = false;	/* they stay */
	if (opts.json) {
		print_reply_json(&pools);
	} else if (pools.n) {
		char b1[SIZE_BUF], b2[SIZE_BUF];

		printf("created pool %s: %" PRIu32 " members, chunk %s, %s\n",
		       pools.v[0].name, pools.v[0].nr_members,
		       format_size(pools.v[0].chunk, b1, sizeof(b1)),
		       format_size(pools.v[0].size, b2, sizeof(b2)));
	}
out:
	release_gpts(disks, ndisks);
	free(pools.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

static int pool_add(int argc, char **argv)
{
	struct pv_pool_list l = {};
	char path[PATH_MAX], part[PATH_MAX];
	struct nlmsghdr *nlh;
	struct pv_nl nl;
	const char *hint;
	int ret;

	if (argc != 1) {
		pv_err("pool add: expected exactly one DISK");
		usage_pool(stderr);
		return EXIT_USAGE;
	}
	if (!realpath(gpt_member_path(argv[0], part, sizeof(part)), path)) {
		pv_err("disk %s: %s", argv[0], strerror(errno));
		return 1;
	}
	if (pv_open(&nl))
		return 1;
	nlh = pv_nl_req(&nl, PODVOL_CMD_POOL_ADD_MEMBER, 0);
	put_member(nlh, path);
	ret = pv_nl_talk(&nl, nlh, pv_pool_list_cb, &l);
	if (ret) {
		switch (ret) {
		case -ENODATA:
			hint = "'podvolctl probe DISK' tells whether a disk is a pool member";
			break;
		case -EBADMSG:
		case -EINVAL:
			hint = "'podvolctl check MEMBER...' shows what is wrong with the metadata";
			break;
		case -EEXIST:
			hint = "stop the other pool first";
			break;
		default:
			hint = NULL;
		}
		pv_nl_perror(&nl, ret, hint, "cannot add %s to its pool", argv[0]);
		goto out;
	}
	if (opts.json) {
		print_reply_json(&l);
	} else if (l.n) {
		printf("%s: pool %s %s, %" PRIu32 "/%" PRIu32 " members present\n",
		       argv[0], l.v[0].name, pv_state_name(l.v[0].state),
		       l.v[0].nr_present, l.v[0].nr_members);
	}
out:
	free(l.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

/* The POOL_EXTEND request, checking only with @validate. */
static struct nlmsghdr *extend_req(struct pv_nl *nl, const char *name,
				   const char *path, bool force, bool validate)
{
	struct nlmsghdr *nlh = pool_req(nl, PODVOL_CMD_POOL_EXTEND, name, 0,
					force, validate, NULL);

	put_member(nlh, path);
	return nlh;
}

static const char *extend_hint(int err)
{
	switch (err) {
	case -EOPNOTSUPP:
		return "the podvol module is older than pool extend; update it";
	case -ENOENT:
		return "'podvolctl pool show' lists the pools";
	case -EIO:
		return "the pool must be running with a writable configuration";
	default:
		return create_hint(err);
	}
}

/*
 * pool extend: one more member for a running pool (LVM's vgextend).  The
 * disk is checked as pool create checks one (the tool: in use, signatures,
 * the size of the partition it would get; the kernel, asked to validate
 * only: exclusive open, size, block size and features, podvol metadata),
 * and only then are signatures erased (--force), its GPT written and the
 * kernel asked to extend the pool with the partition.
 */
static int pool_extend(int argc, char **argv)
{
	struct create_disk d = { .fd = -1 };
	struct pv_pool_list pools = {}, l = {};
	const struct pv_pool_info *pool;
	const char *name = NULL;
	bool force = false, dry_run = false;
	struct nlmsghdr *nlh;
	struct pv_nl nl;
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--force") || !strcmp(a, "-f")) {
			force = true;
		} else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			dry_run = true;
		} else if (a[0] == '-' && a[1]) {
			pv_err("pool extend: unknown option \"%s\"", a);
			usage_pool(stderr);
			return EXIT_USAGE;
		} else if (!name) {
			name = a;
		} else if (!d.arg) {
			d.arg = argv[i];
		} else {
			pv_err("pool extend: one DISK at a time");
			usage_pool(stderr);
			return EXIT_USAGE;
		}
	}
	if (!name || !d.arg) {
		pv_err("pool extend: need a pool NAME and a DISK");
		usage_pool(stderr);
		return EXIT_USAGE;
	}
	ret = pool_cmd_start(&nl, &pools, name, &pool);
	if (ret)
		return ret;
	if (!pool) {
		pv_err("cannot extend pool \"%s\": no such pool; 'podvolctl pool show' lists the pools",
		       name);
		ret = -ENOENT;
		goto out;
	}
	if (pool->state != PODVOL_POOL_RUNNING) {
		pv_err("cannot extend pool \"%s\": it is %s, not running", name,
		       pv_state_name(pool->state));
		ret = -EIO;
		goto out;
	}
	if (check_create_disk(&d, name, pool->chunk, &pools, force, dry_run)) {
		ret = -EINVAL;
		goto out;
	}
	nlh = extend_req(&nl, name, d.path, force, true);
	ret = pv_nl_talk(&nl, nlh, NULL, NULL);
	if (ret) {
		pv_nl_perror(&nl, ret, extend_hint(ret),
			     "cannot extend pool \"%s\" with %s%s", name, d.arg,
			     d.wipe ? " (nothing was erased)" : "");
		goto out;
	}
	step("the kernel checked the extension of pool %s with %s: it would succeed",
	     name, d.path);
	if (dry_run) {
		if (opts.json) {
			struct json js;

			json_init(&js, stdout, opts.pretty);
			json_obj_open(&js, NULL);
			json_str(&js, "name", name);
			json_str(&js, "disk", d.path);
			json_bool(&js, "dry_run", true);
			json_bool(&js, "erase", d.wipe);
			json_obj_close(&js);
			if (json_end(&js))
				pv_err("cannot print JSON: out of memory or write error");
		} else {
			printf("pool %s can be extended with %s (dry run: nothing written)\n",
			       name, d.path);
		}
		goto out;
	}
	if (wipe_disks(&d, 1) || write_gpts(&d, 1, name)) {
		ret = -EIO;
		goto out;
	}
	nlh = extend_req(&nl, name, d.member, force, false);
	ret = pv_nl_talk(&nl, nlh, pv_pool_list_cb, &l);
	if (ret) {
		const struct pv_pool_info *now;

		pv_nl_perror(&nl, ret, extend_hint(ret),
			     "cannot extend pool \"%s\" with %s", name, d.arg);
		/*
		 * A metadata write failed once the new member's was done (the
		 * pool is read-only now): the next assembly may need the disk,
		 * so its partition stays.
		 */
		free(pools.v);
		memset(&pools, 0, sizeof(pools));
		if (d.gpt_written &&
		    (find_pool(&nl, &pools, name, &now) || !now ||
		     now->state != PODVOL_POOL_RUNNING)) {
			d.gpt_written = false;
			pv_warn("%s keeps its podvol partition: the pool's metadata may list it; stop the pool and add its members again (podvolctl pool add) to see whether it is a member",
				d.path);
		}
		goto out;
	}
	d.gpt_written = false;	/* it stays */
	if (opts.json) {
		print_reply_json(&l);
	} else if (l.n) {
		char b1[SIZE_BUF], b2[SIZE_BUF];

		printf("extended pool %s with %s: %" PRIu32 " members, %s, %s free\n",
		       l.v[0].name, d.member, l.v[0].nr_members,
		       format_size(l.v[0].size, b1, sizeof(b1)),
		       format_size(l.v[0].free, b2, sizeof(b2)));
	}
out:
	release_gpts(&d, 1);
	free(pools.v);
	free(l.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

static int pool_stop(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct pv_nl nl;
	int ret;

	if (argc != 1) {
		pv_err("pool stop: expected exactly one pool NAME");
		usage_pool(stderr);
		return EXIT_USAGE;
	}
	if (bad_name("pool", argv[0]))
		return EXIT_USAGE;
	if (pv_open(&nl))
		return 1;
	nlh = pv_nl_req(&nl, PODVOL_CMD_POOL_STOP, 0);
	mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, argv[0]);
	ret = pv_nl_talk(&nl, nlh, NULL, NULL);
	if (ret)
		pv_nl_perror(&nl, ret,
			     ret == -ENOENT ? "'podvolctl pool show' lists the pools" :
			     ret == -EBUSY ? "close its volumes first (unmount them, stop what uses them)" : NULL,
			     "cannot stop pool \"%s\"", argv[0]);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

/*
 * pool destroy: erase the podvol metadata of a stopped pool's members.
 *
 * The tool does it, not the kernel: a stopped pool is unknown to the
 * kernel, and a running one is first stopped (--force) through the
 * kernel, which refuses while a volume is open.  The members are found by
 * their metadata (every block device is looked at) and all opened
 * O_EXCL before the first write, so that neither a mounted disk nor an
 * assembly by udev can interleave; closing them makes udev probe them
 * again, and they are blank then.
 */
struct destroy_member {
	char path[PATH_MAX];
	char gpt_disk[PATH_MAX];	/* the whole disk of its podvol GPT, or "" */
	uint8_t uuid[PODVOL_UUID_SIZE];
	int fd;
	int gpt_fd;
};

#define DESTROY_MAX 256

static int cmp_member_path(const void *a, const void *b)
{
	return strcmp(((const struct destroy_member *)a)->path,
		      ((const struct destroy_member *)b)->path);
}

/*
 * The whole disk whose podvol GPT made partition @path (@rdev), into
 * @disk; "" when @path is no such partition.
 */
static void gpt_disk_of(dev_t rdev, const char *path, char *disk, size_t len)
{
	char p1[PATH_MAX], name[64];
	uint64_t start;
	dev_t whole;

	if (disk_parent(rdev, &whole) || disk_devnode(whole, disk, len) ||
	    gpt_find_podvol(disk, &start, name, sizeof(name)) != 1 ||
	    gpt_partition_path(whole, p1, sizeof(p1)) || strcmp(p1, path))
		disk[0] = 0;
}

/* Every block device with podvol metadata (valid or not) of pool @name. */
static int find_members(const char *name, struct destroy_member *m, int max)
{
	char pool[PODVOL_NAME_MAX + 1];
	uint8_t uuid[PODVOL_UUID_SIZE];
	struct dirent *de;
	struct stat st;
	int n = 0;
	DIR *d;

	d = opendir("/sys/class/block");
	if (!d) {
		pv_err("/sys/class/block: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.' || !strncmp(de->d_name, "podvol", 6))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
			continue;
		if (disk_podvol_signature(path, pool, sizeof(pool), uuid) != 1 ||
		    strcmp(pool, name))
			continue;
		if (n == max) {
			pv_err("pool destroy: more than %d disks carry pool \"%s\"",
			       max, name);
			n = -1;
			break;
		}
		snprintf(m[n].path, sizeof(m[n].path), "%s", path);
		memcpy(m[n].uuid, uuid, PODVOL_UUID_SIZE);
		m[n].fd = -1;
		m[n].gpt_fd = -1;
		m[n].gpt_disk[0] = 0;
		gpt_disk_of(st.st_rdev, path, m[n].gpt_disk, sizeof(m[n].gpt_disk));
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(m, n, sizeof(*m), cmp_member_path);
	return n;
}

/* Zero the reserved area and both metadata slots, and make it durable. */
static int erase_member(struct destroy_member *m)
{
	uint64_t range[2] = { 0, PODVOL_SLOT1_OFFSET + PODVOL_SLOT_SIZE };

	if (ioctl(m->fd, BLKZEROOUT, range) < 0 || fsync(m->fd) < 0) {
		pv_err("%s: cannot erase the podvol metadata: %s", m->path,
		       strerror(errno));
		return -1;
	}
	return 0;
}

static int pool_destroy(int argc, char **argv)
{
	static struct destroy_member m[DESTROY_MAX];
	struct pv_pool_list pools = {};
	const struct pv_pool_info *p;
	uint32_t nr_members = 0, nr_volumes = 0;
	const char *name = NULL;
	bool force = false, known = false;
	struct nlmsghdr *nlh;
	struct pv_nl nl;
	int n, i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f")) {
			force = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			pv_err("pool destroy: unknown option \"%s\"", argv[i]);
			usage_pool(stderr);
			return EXIT_USAGE;
		} else if (!name) {
			name = argv[i];
		} else {
			pv_err("pool destroy: expected exactly one pool NAME");
			usage_pool(stderr);
			return EXIT_USAGE;
		}
	}
	if (!name) {
		pv_err("pool destroy: expected exactly one pool NAME");
		usage_pool(stderr);
		return EXIT_USAGE;
	}
	ret = pool_cmd_start(&nl, &pools, name, &p);
	if (ret)
		return ret;
	if (p) {
		if (!force) {
			pv_err("cannot destroy pool \"%s\": it is %s; stop it first (podvolctl pool stop %s), or use --force",
			       name, pv_state_name(p->state), name);
			ret = -EBUSY;
			goto out;
		}
		nlh = pv_nl_req(&nl, PODVOL_CMD_POOL_STOP, 0);
		mnl_attr_put_strz(nlh, PODVOL_A_POOL_NAME, name);
		ret = pv_nl_talk(&nl, nlh, NULL, NULL);
		if (ret) {
			pv_nl_perror(&nl, ret,
				     ret == -EBUSY ? "close its volumes first (unmount them, stop what uses them)" : NULL,
				     "cannot destroy pool \"%s\": cannot stop it", name);
			goto out;
		}
		step("pool %s stopped", name);
	}

	ret = -EINVAL;
	n = find_members(name, m, DESTROY_MAX);
	if (n < 0)
		goto out;
	if (!n) {
		pv_err("cannot destroy pool \"%s\": no disk carries its metadata", name);
		ret = -ENOENT;
		goto out;
	}
	for (i = 1; i < n; i++)
		if (memcmp(m[i].uuid, m[0].uuid, PODVOL_UUID_SIZE)) {
			char u0[37], u1[37];

			uuid_to_str(m[0].uuid, u0);
			uuid_to_str(m[i].uuid, u1);
			pv_err("cannot destroy pool \"%s\": two pools of that name are on this node (%s on %s, %s on %s); nothing erased",
			       name, u0, m[0].path, u1, m[i].path);
			goto out;
		}
	/* What the newest valid copy says: how many members, how many volumes. */
	for (i = 0; i < n; i++) {
		struct member_read mr;

		if (member_read(m[i].path, &mr))
			continue;
		if (mr.best >= 0) {
			const struct pv_meta *meta = mr.slot[mr.best].meta;

			known = true;
			nr_members = meta->geom.nr_members;
			nr_volumes = meta->nr_volumes;
		}
		member_release(&mr);
		if (known)
			break;
	}
	if (!force) {
		if (!known) {
			pv_err("cannot destroy pool \"%s\": no member has valid metadata to tell its members and volumes; use --force",
			       name);
			goto out;
		}
		if ((uint32_t)n != nr_members) {
			pv_err("cannot destroy pool \"%s\": %d of its %" PRIu32 " members found; use --force to erase those found",
			       name, n, nr_members);
			goto out;
		}
		if (nr_volumes) {
			pv_err("cannot destroy pool \"%s\": it has %" PRIu32 " volume%s; delete %s, or use --force",
			       name, nr_volumes, nr_volumes == 1 ? "" : "s",
			       nr_volumes == 1 ? "it" : "them");
			goto out;
		}
	}
	/* All held before the first write: nothing else may claim one. */
	for (i = 0; i < n; i++) {
		m[i].fd = open(m[i].path, O_RDWR | O_EXCL | O_CLOEXEC);
		if (m[i].fd < 0) {
			pv_err("cannot destroy pool \"%s\": %s: %s%s; nothing erased",
			       name, m[i].path, strerror(errno),
			       errno == EBUSY ? " (mounted, or held by md, device-mapper or a pool)" : "");
			goto close;
		}
	}
	/* the GPT disks, locked against udev's re-reading until the end */
	for (i = 0; i < n; i++) {
		if (!m[i].gpt_disk[0])
			continue;
		m[i].gpt_fd = open(m[i].gpt_disk, O_RDWR | O_CLOEXEC);
		if (m[i].gpt_fd < 0 || flock(m[i].gpt_fd, LOCK_EX) < 0) {
			pv_err("cannot destroy pool \"%s\": %s: %s; nothing erased",
			       name, m[i].gpt_disk, strerror(errno));
			goto close;
		}
	}
	/* only --force gets here with these */
	if (known && (uint32_t)n != nr_members)
		pv_warn("pool %s: erasing the %d of its %" PRIu32 " members found",
			name, n, nr_members);
	if (nr_volumes)
		pv_warn("pool %s: destroying its %" PRIu32 " volume%s", name,
			nr_volumes, nr_volumes == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		if (erase_member(&m[i]))
			goto close;
		step("%s: podvol metadata erased", m[i].path);
	}
	ret = 0;
close:
	for (i = 0; i < n; i++)
		if (m[i].fd >= 0)
			close(m[i].fd);
	if (ret) {
		for (i = 0; i < n; i++)
			if (m[i].gpt_fd >= 0)
				close(m[i].gpt_fd);
		goto out;
	}
	/* anything else blkid would still find on them (wipefs -a) */
	for (i = 0; i < n; i++)
		if (disk_wipe_signatures(m[i].path) < 0)
			ret = -EIO;
	/* and the GPTs pool create made: the disks probe blank */
	for (i = 0; i < n; i++) {
		int err;

		if (m[i].gpt_fd < 0)
			continue;
		if (disk_wipe_signatures(m[i].gpt_disk) < 0) {
			ret = -EIO;
		} else {
			err = gpt_reread(m[i].gpt_fd);
			if (err) {
				pv_err("%s: the kernel did not drop the podvol partition: %s",
				       m[i].gpt_disk, strerror(-err));
				ret = -EIO;
			} else {
				step("%s: podvol GPT erased", m[i].gpt_disk);
			}
		}
		close(m[i].gpt_fd);
		m[i].gpt_fd = -1;
	}
	if (opts.json) {
		struct json js;

		json_init(&js, stdout, opts.pretty);
		json_obj_open(&js, NULL);
		json_str(&js, "name", name);
		json_arr_open(&js, "erased");
		for (i = 0; i < n; i++)
			json_str(&js, NULL, m[i].path);
		json_arr_close(&js);
		json_obj_close(&js);
		if (json_end(&js))
			pv_err("cannot print JSON: out of memory or write error");
	} else {
		printf("destroyed pool %s: metadata erased on", name);
		for (i = 0; i < n; i++)
			printf(" %s", m[i].path);
		putchar('\n');
	}
out:
	free(pools.v);
	pv_nl_close(&nl);
	return ret ? 1 : 0;
}

int cmd_pool(int argc, char **argv)
{
	const char *verb = argc ? argv[0] : "show";

	if (argc)
		argc--, argv++;
	if (!strcmp(verb, "create"))
		return pool_create(argc, argv);
	if (!strcmp(verb, "add"))
		return pool_add(argc, argv);
	if (!strcmp(verb, "extend"))
		return pool_extend(argc, argv);
	if (!strcmp(verb, "stop"))
		return pool_stop(argc, argv);
	if (!strcmp(verb, "destroy"))
		return pool_destroy(argc, argv);
	if (!strcmp(verb, "show") || !strcmp(verb, "list") ||
	    !strcmp(verb, "ls"))
		return pool_show(argc, argv);
	if (!strcmp(verb, "help")) {
		usage_pool(stdout);
		return 0;
	}
	pv_err("pool: unknown command \"%s\"", verb);
	usage_pool(stderr);
	return EXIT_USAGE;
}
