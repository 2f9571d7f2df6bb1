// SPDX-License-Identifier: GPL-2.0
/*
 * podvolctl probe DISK      (udev IMPORT{program})
 * podvolctl check DISK...   (offline metadata consistency check)
 *
 * Both read the disks directly and need no kernel module.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gpt.h"
#include "member.h"
#include "meta.h"
#include "podvolctl.h"

int cmd_probe(int argc, char **argv)
{
	struct member_read mr;
	const struct pv_meta *m;
	char pu[37], mu[37], part[PATH_MAX];
	int ret;

	if (argc != 1) {
		pv_err("probe: expected exactly one DISK");
		return EXIT_USAGE;
	}
	ret = member_read(gpt_member_path(argv[0], part, sizeof(part)), &mr);
	if (ret) {
		pv_err("%s: %s", argv[0], strerror(-ret));
		return 1;
	}
	if (mr.best < 0) {
		/* Say something only about disks that were once members. */
		if (mr.slot[0].magic || mr.slot[1].magic)
			pv_err("%s: podvol metadata unusable: slot 0: %s; slot 1: %s",
			       argv[0], mr.slot[0].why, mr.slot[1].why);
		member_release(&mr);
		return 1;
	}
	m = mr.slot[mr.best].meta;
	uuid_to_str(m->pool_uuid, pu);
	uuid_to_str(m->member_uuid[m->member_index], mu);
	printf("PODVOL_POOL=%s\n", m->pool_name);
	printf("PODVOL_POOL_UUID=%s\n", pu);
	printf("PODVOL_MEMBER=%" PRIu32 "\n", m->member_index);
	printf("PODVOL_MEMBER_UUID=%s\n", mu);
	printf("PODVOL_MEMBERS=%" PRIu32 "\n", m->geom.nr_members);
	printf("PODVOL_GENERATION=%" PRIu64 "\n", (uint64_t)m->generation);
	member_release(&mr);
	return 0;
}

/* check */

struct problem {
	char *disk;
	int slot;		/* -1: not about one slot */
	char *msg;
};

struct report {
	struct problem *p;
	size_t n, cap;
	int notes;
};

static void problem(struct report *r, const char *disk, int slot,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct report *r, const char *disk, int slot,
		    const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->p = realloc(r->p, r->cap * sizeof(*r->p));
	}
	if (!r->p || !msg) {
		pv_err("out of memory");
		exit(1);
	}
	r->p[r->n].disk = disk ? strdup(disk) : NULL;
	r->p[r->n].slot = slot;
	r->p[r->n].msg = msg;
	r->n++;
	if (opts.json)
		return;
	if (disk && slot >= 0)
		printf("%s: slot %d: %s\n", disk, slot, msg);
	else if (disk)
		printf("%s: %s\n", disk, msg);
	else
		printf("%s\n", msg);
}

static void check_slots(struct report *r, struct member_read *mr)
{
	uint64_t newest = 0;
	int i;

	for (i = 0; i < 2; i++)
		if (mr->slot[i].magic && mr->slot[i].generation > newest)
			newest = mr->slot[i].generation;
	for (i = 0; i < 2; i++) {
		struct slot_read *s = &mr->slot[i];

		if (s->err == -ENODATA && !s->magic) {
			/*
			 * A new pool has written generation 1 to slot 1
			 * only; from generation 2 on both slots are used.
			 */
			if (i == 0 && mr->best == 1 &&
			    mr->slot[1].meta->generation == 1)
				continue;
			/*
			 * So has a member that pool extend added, until the
			 * pool's next update: it is the last member.
			 */
			if (mr->best == 1 - i &&
			    mr->slot[1 - i].meta->member_index + 1 ==
			    mr->slot[1 - i].meta->geom.nr_members)
				continue;
			if (mr->best >= 0)
				problem(r, mr->path, i, "no metadata (the other slot has generation %" PRIu64 ")",
					newest);
			continue;
		}
		if (s->err) {
			if (s->magic)
				problem(r, mr->path, i, "generation %" PRIu64 ": %s",
					s->generation, s->why);
			else
				problem(r, mr->path, i, "%s", s->why);
			continue;
		}
		if (s->meta->slot != (uint32_t)i)
			problem(r, mr->path, i, "generation %" PRIu64 " says it lives in slot %" PRIu32,
				(uint64_t)s->meta->generation, s->meta->slot);
		if ((s->meta->generation & 1) != (uint64_t)i)
			problem(r, mr->path, i, "generation %" PRIu64 " belongs in slot %d",
				(uint64_t)s->meta->generation,
				(int)(s->meta->generation & 1));
	}
	if (mr->slot[0].meta && mr->slot[1].meta) {
		const struct pv_meta *a = mr->slot[0].meta, *b = mr->slot[1].meta;

		if (memcmp(a->pool_uuid, b->pool_uuid, PODVOL_UUID_SIZE))
			problem(r, mr->path, -1, "the two slots belong to different pools");
		else if (a->member_index != b->member_index)
			problem(r, mr->path, -1, "the two slots disagree about the member index (%" PRIu32 " and %" PRIu32 ")",
				a->member_index, b->member_index);
		else if (a->generation + 1 != b->generation &&
			 b->generation + 1 != a->generation)
			problem(r, mr->path, -1, "slot generations %" PRIu64 " and %" PRIu64 " are not consecutive",
				(uint64_t)a->generation, (uint64_t)b->generation);
	}
	if (mr->best >= 0) {
		const struct pv_meta *m = mr->slot[mr->best].meta;
		uint64_t need = m->geom.member_sectors[m->member_index] * 512;

		if (mr->disk_bytes < need) {
			char b1[SIZE_BUF], b2[SIZE_BUF];

			problem(r, mr->path, -1, "disk is %s, smaller than the %s recorded for member %" PRIu32,
				format_size(mr->disk_bytes, b1, sizeof(b1)),
				format_size(need, b2, sizeof(b2)),
				m->member_index);
		}
	}
}

/* The copy of generation @gen on member @mr, if valid. */
static const struct pv_meta *copy_of(const struct member_read *mr, uint64_t gen)
{
	int i;

	for (i = 0; i < 2; i++)
		if (mr->slot[i].meta && mr->slot[i].meta->generation == gen)
			return mr->slot[i].meta;
	return NULL;
}

/* Whether @seen has every member of @ref's pool. */
static bool all_members(const struct pv_meta *ref, const bool *seen)
{
	uint32_t j;

	for (j = 0; j < ref->geom.nr_members; j++)
		if (!seen[j])
			return false;
	return true;
}

/*
 * The generation the kernel's pool add would assemble from, through the
 * kernel's own pv_meta_pick() over the copies as the kernel keeps them
 * (a copy in the wrong slot is damaged; of two copies of different pools
 * only the newer counts).  @owner[j] is the disk given for member j.
 * Reports the refusal as a problem and returns NULL when there is none.
 */
static const struct pv_meta *kernel_pick(struct report *r,
					 struct member_read *mr,
					 const struct pv_meta *ref,
					 const int *owner)
{
	struct pv_meta_copies c[PODVOL_MAX_MEMBERS] = {};
	uint32_t nr = ref->geom.nr_members, j, repair = 0;
	const struct pv_meta *best;
	const char *why = "";
	char pu[37];
	int s;

	for (j = 0; j < nr; j++) {
		struct member_read *m = &mr[owner[j]];

		for (s = 0; s < 2; s++) {
			struct pv_meta *meta = m->slot[s].meta;

			if (meta && meta->slot != (uint32_t)s) {
				c[j].damaged[s] = true;
				continue;
			}
			c[j].slot[s] = meta;
			c[j].damaged[s] = m->slot[s].err &&
					  m->slot[s].err != -ENODATA;
		}
		if (c[j].slot[0] && c[j].slot[1] &&
		    memcmp(c[j].slot[0]->pool_uuid, c[j].slot[1]->pool_uuid,
			   PODVOL_UUID_SIZE))
			c[j].slot[c[j].slot[0]->generation <
				  c[j].slot[1]->generation ? 0 : 1] = NULL;
	}
	best = pv_meta_pick(c, nr, ref, &repair, &why);
	if (!best) {
		uuid_to_str(ref->pool_uuid, pu);
		problem(r, NULL, -1, "pool \"%s\" (%s): assembly refuses: %s",
			ref->pool_name, pu, why);
		return NULL;
	}
	for (j = 0; j < nr; j++)
		if ((repair & (1U << j)) && !opts.json)
			printf("note: %s: slot %" PRIu32 " is damaged; assembly rewrites it with generation %" PRIu64 "\n",
			       mr[owner[j]].path, best->slot,
			       (uint64_t)best->generation);
	for (j = best->geom.nr_members; j < nr; j++)
		if (!opts.json)
			printf("note: %s: member %" PRIu32 " of a pool extension that did not complete (generation %" PRIu64 " does not list it); assembly runs without it and releases it\n",
			       mr[owner[j]].path, j, (uint64_t)best->generation);
	return best;
}

/*
 * With members missing: the highest generation with a valid copy on every
 * member given, all copies agreeing (0 if none).
 */
static uint64_t common_gen(const struct member_read *mr, int n)
{
	uint64_t gen = 0;
	int i, j, k;

	for (i = 0; i < n; i++) {
		if (mr[i].best < 0)
			continue;
		for (j = 0; j < 2; j++) {
			const struct pv_meta *cand = mr[i].slot[j].meta;
			bool ok = cand != NULL && cand->generation > gen;

			for (k = 0; ok && k < n; k++) {
				const struct pv_meta *c;

				if (mr[k].best < 0)
					continue;
				c = copy_of(&mr[k], cand->generation);
				ok = c && pv_meta_consistent(cand, c);
			}
			if (ok)
				gen = cand->generation;
		}
	}
	return gen;
}

static uint64_t volume_bytes(const struct pv_meta *m)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i < m->nr_volumes; i++)
		s += m->vol[i].size;
	return s * 512;
}

int cmd_check(int argc, char **argv)
{
	struct member_read *mr;
	struct report r = {};
	const struct pv_meta *ref = NULL, *picked = NULL, *m;
	uint64_t gen = 0, g;
	int i, j, ret = 0, nvalid = 0;
	char pu[37], size[SIZE_BUF];

	if (argc < 1) {
		pv_err("check: expected one or more DISKs");
		return EXIT_USAGE;
	}
	mr = calloc(argc, sizeof(*mr));
	if (!mr) {
		pv_err("out of memory");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		char part[PATH_MAX];

		/* a podvol GPT disk: its partition, under the name given */
		ret = member_read(gpt_member_path(argv[i], part, sizeof(part)),
				  &mr[i]);
		mr[i].path = argv[i];
		if (ret) {
			problem(&r, argv[i], -1, "cannot read: %s", strerror(-ret));
			mr[i].best = -1;
			continue;
		}
		if (mr[i].best < 0 && !mr[i].slot[0].magic && !mr[i].slot[1].magic) {
			problem(&r, argv[i], -1, "no podvol metadata: not a pool member");
			continue;
		}
		check_slots(&r, &mr[i]);
		if (mr[i].best < 0) {
			problem(&r, argv[i], -1, "no valid metadata in either slot");
			continue;
		}
		nvalid++;
		/*
		 * The longest member list of the pool, as assembly waits
		 * for: members written by an extension list more.
		 */
		m = mr[i].slot[mr[i].best].meta;
		if (!ref || (!memcmp(m->pool_uuid, ref->pool_uuid,
				     PODVOL_UUID_SIZE) &&
			     m->geom.nr_members > ref->geom.nr_members))
			ref = m;
	}

	/* Cross-member checks, against the first valid member's pool. */
	if (ref) {
		bool seen[PODVOL_MAX_MEMBERS] = {}, all;
		int owner[PODVOL_MAX_MEMBERS];

		uuid_to_str(ref->pool_uuid, pu);
		for (i = 0; i < argc; i++) {
			if (mr[i].best < 0)
				continue;
			m = mr[i].slot[mr[i].best].meta;
			if (memcmp(m->pool_uuid, ref->pool_uuid, PODVOL_UUID_SIZE)) {
				problem(&r, argv[i], -1, "belongs to pool \"%s\", not \"%s\" (%s)",
					m->pool_name, ref->pool_name, pu);
				mr[i].best = -1;
				continue;
			}
			if (seen[m->member_index]) {
				problem(&r, argv[i], -1, "is member %" PRIu32 " of pool \"%s\", like %s",
					m->member_index, ref->pool_name,
					argv[owner[m->member_index]]);
				continue;
			}
			seen[m->member_index] = true;
			owner[m->member_index] = i;
		}
		/*
		 * What assembly would pick.  With every member given, the
		 * kernel's own choice (pv_meta_pick()), which accepts a
		 * generation whose copy is damaged on some member and
		 * rewrites it; otherwise the highest generation with a valid
		 * copy on every member given, all copies agreeing.
		 */
		all = all_members(ref, seen);
		picked = all ? kernel_pick(&r, mr, ref, owner) : NULL;
		gen = all ? (picked ? picked->generation : 0) :
		      common_gen(mr, argc);
		if (!gen && !all) {
			problem(&r, NULL, -1, "pool \"%s\" (%s): no generation is valid and consistent on every member given",
				ref->pool_name, pu);
		} else if (gen) {
			for (i = 0; i < argc; i++) {
				if (mr[i].best < 0)
					continue;
				g = mr[i].slot[mr[i].best].meta->generation;
				/*
				 * The next generation on some members only is
				 * an update cut short by a crash, which
				 * assembly rolls back: the state a power cut
				 * during a commit leaves, not damage.
				 */
				if (g == gen + 1 && !opts.json)
					printf("note: %s: has generation %" PRIu64 ", newer than the %" PRIu64 " every member agrees on: an update cut short, which assembly rolls back to %" PRIu64 "\n",
					       argv[i], g, gen, gen);
				else if (g > gen + 1)
					problem(&r, argv[i], -1, "has generation %" PRIu64 ", newer than the %" PRIu64 " every member agrees on; assembly will use %" PRIu64,
						g, gen, gen);
			}
			for (i = 0; !picked && i < argc && !copy_of(&mr[i], gen); i++)
				;
			ref = picked ?: copy_of(&mr[i], gen);
		}
		for (j = 0; j < (int)ref->geom.nr_members; j++)
			if (!seen[j] && !opts.json) {
				uuid_to_str(ref->member_uuid[j], pu);
				printf("note: member %d (uuid %s) was not given; cross-member checks cover only the disks given\n",
				       j, pu);
			}
	}

	if (opts.json) {
		struct json js;

		json_init(&js, stdout, opts.pretty);
		json_obj_open(&js, NULL);
		json_bool(&js, "ok", r.n == 0);
		if (ref) {
			uuid_to_str(ref->pool_uuid, pu);
			json_str(&js, "pool", ref->pool_name);
			json_str(&js, "pool_uuid", pu);
			json_u64(&js, "generation", gen);
			json_u64(&js, "nr_members", ref->geom.nr_members);
			json_u64(&js, "nr_volumes", ref->nr_volumes);
		}
		json_arr_open(&js, "problems");
		for (i = 0; i < (int)r.n; i++) {
			json_obj_open(&js, NULL);
			if (r.p[i].disk)
				json_str(&js, "disk", r.p[i].disk);
			if (r.p[i].slot >= 0)
				json_u64(&js, "slot", r.p[i].slot);
			json_str(&js, "message", r.p[i].msg);
			json_obj_close(&js);
		}
		json_arr_close(&js);
		json_obj_close(&js);
		if (json_end(&js))
			pv_err("cannot print JSON: out of memory or write error");
	} else if (ref && gen) {
		uuid_to_str(ref->pool_uuid, pu);
		printf("pool %s (%s): generation %" PRIu64 ", %" PRIu32 " members, %" PRIu32 " volumes (%s): %zu problem%s\n",
		       ref->pool_name, pu, gen, ref->geom.nr_members,
		       ref->nr_volumes, format_size(volume_bytes(ref), size, sizeof(size)),
		       r.n, r.n == 1 ? "" : "s");
	} else {
		printf("%zu problem%s\n", r.n, r.n == 1 ? "" : "s");
	}
	(void)nvalid;
	ret = r.n ? 1 : 0;
	for (i = 0; i < (int)r.n; i++) {
		free(r.p[i].disk);
		free(r.p[i].msg);
	}
	free(r.p);
	for (i = 0; i < argc; i++)
		member_release(&mr[i]);
	free(mr);
	return ret;
}
