// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the tool's disk side: metadata images built with the
 * driver's own encoder (meta.c, map.c) in sparse files, then read back by
 * member_read(), "podvolctl probe" and "podvolctl check"; libblkid
 * signature detection and wiping on a file holding an ext4 filesystem.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <blkid.h>

#include "disk.h"
#include "member.h"
#include "meta.h"
#include "test.h"
#include "util.h"
#include "gpt.h"

#define MEMBER_BYTES	(64ULL << 20)
#define NR		3

static char dir[64];
static char img[NR][96];

static void make_images(void)
{
	int i, fd;

	for (i = 0; i < NR; i++) {
		snprintf(img[i], sizeof(img[i]), "%s/m%d", dir, i);
		fd = open(img[i], O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || ftruncate(fd, MEMBER_BYTES) < 0) {
			perror(img[i]);
			exit(1);
		}
		close(fd);
	}
}

/* A pool of @nr members with volumes a (8M) and b (4M). */
static struct pv_meta *make_meta_nr(uint64_t generation, uint32_t nr)
{
	static const char *const names[] = { "a", "b" };
	static const uint64_t sizes[] = { 8 << 11, 4 << 11 };
	struct pv_meta *m = calloc(1, sizeof(*m));
	const struct pv_map *maps[2] = { NULL, NULL };
	int i;

	m->generation = generation;
	for (i = 0; i < PODVOL_UUID_SIZE; i++)
		m->pool_uuid[i] = 0xa0 + i;
	strcpy(m->pool_name, "fast");
	m->ctime = 1700000000;
	m->utime = 1700000000 + generation;
	m->slot = generation & 1;
	m->geom.nr_members = nr;
	m->geom.chunk_sectors = 128;
	m->geom.data_offset = 4096;
	for (i = 0; i < (int)nr; i++) {
		m->geom.member_sectors[i] = MEMBER_BYTES / 512;
		memset(m->member_uuid[i], 0x10 + i, PODVOL_UUID_SIZE);
	}
	m->nr_volumes = 2;
	m->vol = calloc(2, sizeof(*m->vol));
	for (i = 0; i < 2; i++) {
		memset(m->vol[i].uuid, 0x70 + i, PODVOL_UUID_SIZE);
		strcpy(m->vol[i].name, names[i]);
		m->vol[i].size = sizes[i];
		if (pv_map_resize(&m->geom, maps, i, NULL, sizes[i], &m->vol[i].map)) {
			printf("# pv_map_resize failed\n");
			exit(1);
		}
		maps[i] = m->vol[i].map;
	}
	return m;
}

static struct pv_meta *make_meta(uint64_t generation)
{
	return make_meta_nr(generation, NR);
}

static void *encode(struct pv_meta *m, uint32_t member)
{
	void *buf = calloc(1, PODVOL_SLOT_SIZE);
	const char *why = "";
	size_t used;
	int ret;

	m->member_index = member;
	ret = pv_meta_encode(m, buf, PODVOL_SLOT_SIZE, &used, &why);
	if (ret) {
		printf("# encode: %s\n", why);
		exit(1);
	}
	return buf;
}

static void write_slot(int member, int slot, const void *buf)
{
	int fd = open(img[member], O_WRONLY);
	off_t off = slot ? PODVOL_SLOT1_OFFSET : PODVOL_SLOT0_OFFSET;

	if (fd < 0 || pwrite(fd, buf, PODVOL_SLOT_SIZE, off) != PODVOL_SLOT_SIZE) {
		perror(img[member]);
		exit(1);
	}
	close(fd);
}

/* Write generation @gen of @m to every member. */
static void write_gen(struct pv_meta *m, uint64_t gen)
{
	int i;

	m->generation = gen;
	m->slot = gen & 1;
	for (i = 0; i < NR; i++) {
		void *buf = encode(m, i);

		write_slot(i, m->slot, buf);
		free(buf);
	}
}

/* Patch one member's slot through @fn, then reseal its checksums. */
static void patch_slot(int member, int slot, void (*fn)(void *buf), bool seal)
{
	void *buf = malloc(PODVOL_SLOT_SIZE);
	int fd = open(img[member], O_RDWR);
	off_t off = slot ? PODVOL_SLOT1_OFFSET : PODVOL_SLOT0_OFFSET;

	if (fd < 0 || pread(fd, buf, PODVOL_SLOT_SIZE, off) != PODVOL_SLOT_SIZE) {
		perror(img[member]);
		exit(1);
	}
	fn(buf);
	if (seal)
		pv_meta_seal(buf);
	if (pwrite(fd, buf, PODVOL_SLOT_SIZE, off) != PODVOL_SLOT_SIZE) {
		perror(img[member]);
		exit(1);
	}
	close(fd);
	free(buf);
}

static struct podvol_stripe_rec *first_stripe(void *buf, int vol)
{
	char *p = (char *)buf + PODVOL_SB_SIZE;
	struct podvol_vol_rec *vr;
	struct podvol_ext_rec *er;
	uint32_t e, w;

	for (;;) {
		vr = (void *)p;
		p += sizeof(*vr);
		for (e = 0; e < le32toh(vr->nr_extents); e++) {
			er = (void *)p;
			p += sizeof(*er);
			w = le32toh(er->width);
			if (!vol)
				return (void *)p;
			p += w * sizeof(struct podvol_stripe_rec);
		}
		vol--;
	}
}

/* Volume b's first stripe moved onto volume a's on the same member. */
static void make_overlap(void *buf)
{
	struct podvol_stripe_rec *a = first_stripe(buf, 0);
	struct podvol_stripe_rec *b = first_stripe(buf, 1);

	b->member = a->member;
	b->pstart = a->pstart;
}

static void make_out_of_range(void *buf)
{
	first_stripe(buf, 1)->pstart = htole64(MEMBER_BYTES / 512);
}

static void flip_table_byte(void *buf)
{
	((unsigned char *)buf)[PODVOL_SB_SIZE + 20] ^= 0x40;
}

static void flip_sb_byte(void *buf)
{
	((unsigned char *)buf)[100] ^= 1;
}

static void bad_version(void *buf)
{
	((struct podvol_sb *)buf)->version = htole32(99);
}

static void zero_slot(void *buf)
{
	memset(buf, 0, PODVOL_SLOT_SIZE);
}

/* Run the tool; returns its exit status, output (stdout+stderr) in *out. */
static int run(const char *tool, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int run(const char *tool, char **out, const char *fmt, ...)
{
	char args[1024], cmd[1200];
	size_t len = 0, n;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", tool, args);
	p = popen(cmd, "r");
	*out = calloc(1, 65536);
	while (p && (n = fread(*out + len, 1, 65535 - len, p)) > 0)
		len += n;
	st = p ? pclose(p) : -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void show(const char *out)
{
	const char *l = out;

	while (l && *l) {
		const char *nl = strchr(l, '\n');
		int n = nl ? (int)(nl - l) : (int)strlen(l);

		printf("#   %.*s\n", n, l);
		l = nl ? nl + 1 : NULL;
	}
}

static void expect(const char *tool, int want_rc, const char *want,
		   const char *desc, const char *args)
{
	char *out;
	int rc = run(tool, &out, "%s", args);
	bool ok = rc == want_rc && (!want || strstr(out, want));

	/* the description stays free of the temporary directory's name */
	test_result(ok, "%s (exit %d)", desc, rc);
	if (!ok) {
		printf("# podvolctl %s\n# want exit %d and \"%s\"; got:\n", args,
		       want_rc, want ? want : "");
		show(out);
	}
	free(out);
}

/*
 * The command line: help, version, and usage errors (exit 2) decided before
 * the kernel is asked anything; on a host without the podvol family a
 * request that reached netlink would exit 1.
 */
static void test_usage(const char *tool)
{
	static const char *const cmds[] = {
		"pool create NAME [--chunk SIZE] [--force] [--dry-run] DISK...",
		"pool add DISK", "pool extend NAME [--force] [--dry-run] DISK",
		"pool stop NAME", "pool destroy [--force] NAME", "pool show [NAME]",
		"volume create POOL/NAME SIZE", "volume delete POOL/NAME",
		"volume resize POOL/NAME SIZE", "volume list [POOL]",
		"probe DISK", "check DISK...", "metrics", "monitor",
	};
	static const char *const usage[][3] = {
		{ "Usage:", "no object", "" },
		{ "unknown option \"-q\"", "an unknown option", "-q pool show" },
		{ "unknown object \"frob\"", "an unknown object", "frob" },
		{ "pool: unknown command \"explode\"", "an unknown pool command",
		  "pool explode" },
		{ "must be a power of two from 4K to 1G",
		  "--chunk 2G, above the 1G maximum", "pool create f --chunk 2G /dev/null" },
		{ "invalid size \"16384P\": size too large",
		  "a size of 16384P (2^64 bytes)", "volume create f/a 16384P" },
		{ "pool extend: one DISK at a time", "pool extend with two disks",
		  "pool extend f /dev/null /dev/zero" },
		{ "pool extend: unknown option \"-x\"", "pool extend -x",
		  "pool extend f -x /dev/null" },
		{ "podvolctl: unknown column 'nope'", "-o with an unknown column",
		  "-o nope volume list" },
		{ "they do not apply to -j", "-j with --pairs", "-j --pairs volume list" },
	};
	char desc[160];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(desc, sizeof(desc), "--help lists %s", cmds[i]);
		expect(tool, 0, cmds[i], desc, "--help");
	}
	expect(tool, 0, "podvolctl ", "-V prints the version", "-V");
	for (i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		snprintf(desc, sizeof(desc), "usage error: %s", usage[i][1]);
		expect(tool, 2, usage[i][0], desc, usage[i][2]);
	}
}

static void test_codec(void)
{
	struct pv_meta *m = make_meta(1);
	struct member_read mr;
	uint8_t uuid[PODVOL_UUID_SIZE];
	char pool[PODVOL_NAME_MAX + 1];
	int ret;

	make_images();
	ret = member_read(img[0], &mr);
	test_result(!ret && mr.best < 0 && !mr.slot[0].magic && !mr.slot[1].magic,
		    "blank image: no metadata");
	member_release(&mr);
	test_result(disk_podvol_signature(img[0], pool, sizeof(pool), uuid) == 0,
		    "blank image: no podvol signature");

	write_gen(m, 1);
	ret = member_read(img[1], &mr);
	test_result(!ret && mr.best == 1 && mr.slot[1].meta->member_index == 1 &&
		    mr.slot[1].meta->nr_volumes == 2 &&
		    !strcmp(mr.slot[1].meta->vol[0].name, "a") &&
		    mr.slot[1].meta->vol[0].size == 8 << 11 &&
		    mr.slot[0].err == -ENODATA,
		    "generation 1 round trip through the image (slot 1, member 1)");
	member_release(&mr);
	test_result(disk_podvol_signature(img[2], pool, sizeof(pool), uuid) == 1 &&
		    !strcmp(pool, "fast") && uuid[0] == 0xa0,
		    "podvol signature found: pool %s", pool);
	pv_meta_free(m);
}

static void test_tool(const char *tool)
{
	struct pv_meta *m = make_meta(1);
	char args[512], all[400];

	snprintf(all, sizeof(all), "%s %s %s", img[0], img[1], img[2]);
	make_images();
	snprintf(args, sizeof(args), "probe %s", img[0]);
	expect(tool, 1, NULL, "probe: blank disk is not a member", args);
	snprintf(args, sizeof(args), "check %s", img[0]);
	expect(tool, 1, "not a pool member", "check: blank disk", args);

	write_gen(m, 1);
	snprintf(args, sizeof(args), "probe %s", img[2]);
	expect(tool, 0, "PODVOL_POOL=fast\nPODVOL_POOL_UUID=a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf\nPODVOL_MEMBER=2\n",
	       "probe: member 2 of pool fast", args);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 0, "generation 1, 3 members, 2 volumes (12M): 0 problems",
	       "check: fresh pool is clean", args);
	snprintf(args, sizeof(args), "-j check %s", all);
	expect(tool, 0, "{\"ok\":true,\"pool\":\"fast\"", "check -j: clean", args);
	snprintf(args, sizeof(args), "check %s", img[0]);
	expect(tool, 0, "note: member 1", "check: one disk of three", args);

	/* a commit of generation 2 cut short after the first member */
	m->generation = 2;
	m->slot = 0;
	{
		void *buf = encode(m, 0);

		write_slot(0, 0, buf);
		free(buf);
	}
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 0, "update cut short, which assembly rolls back to 1",
	       "check: an interrupted commit is a note, not a problem", args);

	write_gen(m, 2);
	snprintf(args, sizeof(args), "probe %s", img[1]);
	expect(tool, 0, "PODVOL_GENERATION=2", "probe: newest generation", args);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 0, "generation 2", "check: both slots in use is clean", args);

	/* a torn write of generation 2 on member 1: slot 0 bad, slot 1 good */
	patch_slot(1, 0, flip_table_byte, false);
	snprintf(args, sizeof(args), "probe %s", img[1]);
	expect(tool, 0, "PODVOL_GENERATION=1", "probe: falls back to the other slot",
	       args);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 1, "m1: slot 0: generation 2: volume table checksum mismatch",
	       "check: table checksum", args);
	/* as the kernel assembles it: generation 2, the torn copy rewritten */
	expect(tool, 1, "slot 0 is damaged; assembly rewrites it with generation 2",
	       "check: a torn copy is repaired, not rolled back", args);
	expect(tool, 1, "generation 2, 3 members",
	       "check: the generation assembly uses", args);

	patch_slot(1, 1, flip_sb_byte, false);
	snprintf(args, sizeof(args), "probe %s", img[1]);
	expect(tool, 1, "podvol metadata unusable", "probe: both slots corrupt",
	       args);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 1, "slot 1: generation 1: superblock checksum mismatch",
	       "check: superblock checksum", args);
	expect(tool, 1, "m1: no valid metadata in either slot",
	       "check: member without valid metadata", args);

	write_gen(m, 3);
	write_gen(m, 4);
	patch_slot(0, 0, make_overlap, true);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 1, "m0: slot 0: generation 4: extents overlap",
	       "check: overlapping extents", args);
	patch_slot(2, 1, make_out_of_range, true);
	expect(tool, 1, "m2: slot 1: generation 3: extent out of range of its member",
	       "check: out-of-range extent", args);
	patch_slot(2, 0, bad_version, true);
	expect(tool, 1, "m2: slot 0: generation 4: unknown metadata version",
	       "check: unknown version", args);
	snprintf(args, sizeof(args), "-j check %s", all);
	expect(tool, 1, "\"disk\":", "check -j: problems listed", args);

	write_gen(m, 5);
	write_gen(m, 6);
	patch_slot(0, 1, zero_slot, false);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 1, "m0: slot 1: no metadata (the other slot has generation 6)",
	       "check: missing slot copy", args);
	write_gen(m, 7);
	snprintf(args, sizeof(args), "check %s %s", img[0], img[0]);
	expect(tool, 1, "is member 0 of pool \"fast\", like", "check: same member twice", args);
	snprintf(args, sizeof(args), "check %s /nonexistent", img[0]);
	expect(tool, 1, "/nonexistent: cannot read", "check: missing disk", args);
	pv_meta_free(m);
}

/* Write generation @gen of @m to member @member only. */
static void write_one(struct pv_meta *m, uint64_t gen, int member)
{
	void *buf;

	m->generation = gen;
	m->slot = gen & 1;
	buf = encode(m, member);
	write_slot(member, m->slot, buf);
	free(buf);
}

/*
 * A pool of two members grown to three by pool extend (its generation
 * written to the new member first, then to the old ones), cut at each
 * point: check, through the kernel's pv_meta_pick(), names the state
 * assembly takes, and a stale copy of the new member never wins.
 */
static void test_grow(const char *tool)
{
	struct pv_meta *m = make_meta_nr(1, 2);
	char args[512], all[400];

	snprintf(all, sizeof(all), "%s %s %s", img[0], img[1], img[2]);
	make_images();
	write_one(m, 1, 0);
	write_one(m, 1, 1);
	write_one(m, 2, 0);
	write_one(m, 2, 1);
	snprintf(args, sizeof(args), "check %s %s", img[0], img[1]);
	expect(tool, 0, "generation 2, 2 members, 2 volumes (12M): 0 problems",
	       "grow: the pool of two members", args);

	/* generation 3 lists member 2: on member 2, then member 0, then cut */
	m->geom.nr_members = 3;
	m->geom.member_sectors[2] = MEMBER_BYTES / 512;
	memset(m->member_uuid[2], 0x12, PODVOL_UUID_SIZE);
	write_one(m, 3, 2);
	snprintf(args, sizeof(args), "check %s", all);
	expect(tool, 0, "generation 2, 2 members",
	       "grow: cut after the new member: assembly takes 2, without it", args);
	expect(tool, 0, "member 2 of a pool extension that did not complete",
	       "grow: the new member is noted as left over", args);
	write_one(m, 3, 0);
	expect(tool, 0, "generation 2, 2 members",
	       "grow: cut after member 0 too: still 2", args);
	write_one(m, 3, 1);
	expect(tool, 0, "generation 3, 3 members, 2 volumes (12M): 0 problems",
	       "grow: every member written: 3 members, the new one's blank slot is no problem",
	       args);

	/* cut after member 0 again, then the pool's own generation 3 */
	write_one(m, 4, 2);
	write_one(m, 4, 0);
	m->geom.nr_members = 2;
	write_one(m, 4, 0);
	write_one(m, 4, 1);
	expect(tool, 0, "generation 4, 2 members",
	       "grow: the pool's own generation beats the stale copy of the same number",
	       args);
	expect(tool, 0, "member 2 of a pool extension that did not complete",
	       "grow: the stale member is noted as left over", args);
	pv_meta_free(m);
}

static void test_blkid(void)
{
	char what[256], cmd[256];
	int ret;

	make_images();
	ret = disk_foreign_signature(img[0], what, sizeof(what));
	test_result(ret == 0, "blkid: blank image has no signature (%d)", ret);
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -L data %s >/dev/null 2>&1", img[0]);
	if (system(cmd)) {
		test_result(true, "blkid: ext4 detected # SKIP mkfs.ext4 not available");
		return;
	}
	ret = disk_foreign_signature(img[0], what, sizeof(what));
	test_result(ret == 1 && strstr(what, "ext4 filesystem (label \"data\")"),
		    "blkid: ext4 detected: %s", ret == 1 ? what : "(nothing)");
	ret = disk_wipe_signatures(img[0]);
	test_result(ret >= 1 && disk_foreign_signature(img[0], what, sizeof(what)) == 0,
		    "blkid: signatures wiped (%d)", ret);
	snprintf(cmd, sizeof(cmd), "printf 'label: gpt\\n' | sfdisk -q %s >/dev/null 2>&1", img[1]);
	if (system(cmd) == 0) {
		ret = disk_foreign_signature(img[1], what, sizeof(what));
		test_result(ret == 1 && strstr(what, "gpt partition table"),
			    "blkid: gpt detected: %s", ret == 1 ? what : "(nothing)");
	}
}

/*
 * The podvol GPT on an image: planning writes nothing; the table is what
 * podvol.rst describes (blkid reads it back); the partition's podvol
 * metadata is found through it, the whole disk is no member itself; the
 * table wipes off.
 */
static void test_gpt(const char *tool)
{
	uint64_t start = 0, bytes = 0, pstart = 0, first, last;
	uint8_t uuid[PODVOL_UUID_SIZE], zero[4096] = { 0 }, buf[4096];
	char what[256], name[64], pool[PODVOL_NAME_MAX + 1], args[256];
	const char *v;
	struct pv_meta *m;
	blkid_probe pr;
	blkid_partlist ls;
	blkid_partition par;
	void *slot;
	int fd, ret;

	make_images();
	ret = gpt_make(img[0], -1, "fast", &start, &bytes);
	fd = open(img[0], O_RDONLY);
	first = pread(fd, buf, sizeof(buf), 0) == sizeof(buf) && !memcmp(buf, zero, sizeof(buf));
	last = pread(fd, buf, sizeof(buf), MEMBER_BYTES - sizeof(buf)) == sizeof(buf) &&
	       !memcmp(buf, zero, sizeof(buf));
	close(fd);
	test_result(!ret && start == PODVOL_GPT_START && first && last,
		    "gpt: a plan writes nothing: partition at %" PRIu64 ", %" PRIu64 " bytes",
		    start, bytes);
	/* 64 MiB: 131072 sectors; GPT backup 33 sectors; 1 MiB alignment */
	test_result(bytes == MEMBER_BYTES - 2 * PODVOL_GPT_START,
		    "gpt: the partition runs from 1 MiB to the last whole MiB before the backup GPT (%" PRIu64 ")",
		    bytes);
	fd = open(img[0], O_RDWR);
	ret = gpt_make(img[0], fd, "fast", &start, &bytes);
	close(fd);
	test_result(!ret, "gpt: written to an image");
	ret = disk_foreign_signature(img[0], what, sizeof(what));
	test_result(ret == 1 && strstr(what, "gpt partition table"),
		    "gpt: blkid sees a gpt partition table: %s", ret == 1 ? what : "(nothing)");
	pr = blkid_new_probe_from_filename(img[0]);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	ls = pr ? blkid_probe_get_partitions(pr) : NULL;
	par = ls && blkid_partlist_numof_partitions(ls) == 1 ?
	      blkid_partlist_get_partition(ls, 0) : NULL;
	v = par ? blkid_partition_get_type_string(par) : NULL;
	test_result(v && !strcmp(v, PODVOL_GPT_TYPE),
		    "gpt: one partition, type %s", v ? v : "(none)");
	v = par ? blkid_partition_get_name(par) : NULL;
	test_result(v && !strcmp(v, "podvol:fast"), "gpt: named %s", v ? v : "(none)");
	test_result(par && blkid_partition_get_partno(par) == 1 &&
		    blkid_partition_get_start(par) == 2048 &&
		    (uint64_t)blkid_partition_get_size(par) == bytes / 512,
		    "gpt: partition 1 at sector 2048, %" PRIu64 " sectors",
		    bytes / 512);
	blkid_free_probe(pr);
	ret = gpt_find_podvol(img[0], &pstart, name, sizeof(name));
	test_result(ret == 1 && pstart == PODVOL_GPT_START && !strcmp(name, "podvol:fast"),
		    "gpt: found as a podvol GPT (%d)", ret);

	/* podvol metadata in the partition: found through the GPT only */
	m = make_meta(1);
	m->slot = 1;
	slot = encode(m, 0);
	fd = open(img[0], O_WRONLY);
	ret = pwrite(fd, slot, PODVOL_SLOT_SIZE, PODVOL_GPT_START + PODVOL_SLOT1_OFFSET);
	close(fd);
	free(slot);
	pv_meta_free(m);
	ret = disk_podvol_signature_at(img[0], pstart, pool, sizeof(pool), uuid);
	test_result(ret == 1 && !strcmp(pool, "fast"),
		    "gpt: the partition's podvol metadata is found (pool %s)", ret == 1 ? pool : "-");
	ret = disk_podvol_signature(img[0], pool, sizeof(pool), uuid);
	test_result(ret == 0, "gpt: the whole disk carries no podvol metadata itself (%d)", ret);
	if (tool) {
		snprintf(args, sizeof(args), "probe %s", img[0]);
		expect(tool, 1, NULL, "gpt: probe of the whole disk: not a member (udev adds no whole disk)", args);
	}

	/* GPT names hold 36 characters */
	fd = open(img[1], O_RDWR);
	ret = gpt_make(img[1], fd, "a-pool-name-longer-than-a-gpt-name-holds", &start, &bytes);
	close(fd);
	ret = ret ? -1 : gpt_find_podvol(img[1], &pstart, name, sizeof(name));
	test_result(ret == 1 && !strcmp(name, "podvol:a-pool-name-longer-than-a-gpt"),
		    "gpt: a long pool name is cut to 36 characters: %s", ret == 1 ? name : "-");

	ret = disk_wipe_signatures(img[0]);
	test_result(ret >= 2 && disk_foreign_signature(img[0], what, sizeof(what)) == 0 &&
		    gpt_find_podvol(img[0], &pstart, name, sizeof(name)) == 0,
		    "gpt: wiped off (%d signatures: PMBR, both GPT headers); the disk probes blank", ret);

	/* too small for a partition */
	fd = open(img[2], O_RDWR);
	ret = fd >= 0 && ftruncate(fd, 1 << 20) == 0 ? 0 : -1;
	close(fd);
	ret = ret ? 0 : gpt_make(img[2], -1, "fast", &start, &bytes);
	test_result(ret == -1, "gpt: a 1 MiB disk has no room for the partition: refused");
}

void test_meta(const char *tool)
{
	snprintf(dir, sizeof(dir), "/tmp/podvolctl-test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	test_codec();
	if (tool) {
		test_usage(tool);
		test_tool(tool);
		test_grow(tool);
	}
	test_blkid();
	test_gpt(tool);
	snprintf(img[0], sizeof(img[0]), "rm -rf %s", dir);
	if (system(img[0]))
		printf("# could not remove %s\n", dir);
}
