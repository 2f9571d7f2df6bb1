// SPDX-License-Identifier: GPL-2.0
/*
 * The podvol GPT: made with libfdisk (util-linux, as fdisk and sfdisk make
 * theirs), found with libblkid, device kinds from sysfs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#include <blkid.h>
#include <libfdisk.h>

#include "gpt.h"
#include "util.h"

/* The first line of sysfs file @dir/@name into @buf; 0, or -1 if absent. */
static int sysfs_read(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static void sysfs_dir(dev_t rdev, char *dir, size_t len)
{
	snprintf(dir, len, "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
}

int disk_kind(const char *path, dev_t rdev, enum disk_kind *kind, char *why,
	      size_t len)
{
	char dir[PATH_MAX], v[64];
	struct stat st;

	sysfs_dir(rdev, dir, sizeof(dir));
	if (stat(dir, &st) < 0) {
		pv_err("disk %s: %s: %s", path, dir, strerror(errno));
		return -1;
	}
	*kind = DISK_WHOLE_RAW;
	if (!sysfs_read(dir, "partition", v, sizeof(v))) {
		*kind = DISK_PARTITION;
		snprintf(why, len, "a partition");
	} else if (!sysfs_read(dir, "loop/partscan", v, sizeof(v))) {
		if (strcmp(v, "1"))
			snprintf(why, len, "a loop device without partition scanning (losetup -P)");
		else
			*kind = DISK_WHOLE_GPT;
	} else if (!sysfs_read(dir, "dm/name", v, sizeof(v))) {
		snprintf(why, len, "a device-mapper device");
	} else if (!sysfs_read(dir, "partscan", v, sizeof(v))) {
		/* Linux 6.10 and later say it */
		if (strcmp(v, "1"))
			snprintf(why, len, "a disk without partition scanning");
		else
			*kind = DISK_WHOLE_GPT;
	} else if (!sysfs_read(dir, "ext_range", v, sizeof(v)) &&
		   !strcmp(v, "1")) {
		snprintf(why, len, "a disk whose driver supports no partitions");
	} else {
		*kind = DISK_WHOLE_GPT;
	}
	return 0;
}

int disk_parent(dev_t part, dev_t *whole)
{
	char dir[PATH_MAX], real[PATH_MAX], v[64], *slash;
	unsigned int ma, mi;

	sysfs_dir(part, dir, sizeof(dir));
	if (sysfs_read(dir, "partition", v, sizeof(v)) || !realpath(dir, real))
		return -1;
	slash = strrchr(real, '/');
	if (!slash)
		return -1;
	*slash = 0;
	if (sysfs_read(real, "dev", v, sizeof(v)) ||
	    sscanf(v, "%u:%u", &ma, &mi) != 2)
		return -1;
	*whole = makedev(ma, mi);
	return 0;
}

int gpt_make(const char *path, int fd, const char *pool, uint64_t *start,
	     uint64_t *bytes)
{
	struct fdisk_partition *pa = NULL, *got = NULL;
	struct fdisk_parttype *type = NULL;
	struct fdisk_context *cxt;
	char name[64];
	unsigned long ss;
	int rc;

	cxt = fdisk_new_context();
	if (!cxt) {
		pv_err("%s: out of memory", path);
		return -1;
	}
	rc = fd >= 0 ? fdisk_assign_device_by_fd(cxt, fd, path, 0) :
		       fdisk_assign_device(cxt, path, 1);
	if (rc) {
		pv_err("%s: cannot open for partitioning: %s", path,
		       strerror(-rc));
		goto out;
	}
	fdisk_disable_dialogs(cxt, 1);
	rc = fdisk_create_disklabel(cxt, "gpt");
	if (rc) {
		pv_err("%s: cannot make a GPT: %s", path, strerror(-rc));
		goto out;
	}
	ss = fdisk_get_sector_size(cxt);
	/* GPT names hold 36 UTF-16 characters: a long pool name is cut */
	snprintf(name, 37, "%s%s", PODVOL_GPT_NAME_PREFIX, pool);
	pa = fdisk_new_partition();
	type = fdisk_label_parse_parttype(fdisk_get_label(cxt, NULL),
					  PODVOL_GPT_TYPE);
	rc = -ENOMEM;
	if (!pa || !type ||
	    (rc = fdisk_partition_set_partno(pa, 0)) ||
	    (rc = fdisk_partition_set_start(pa, PODVOL_GPT_START / ss)) ||
	    (rc = fdisk_partition_end_follow_default(pa, 1)) ||
	    (rc = fdisk_partition_set_type(pa, type)) ||
	    (rc = fdisk_partition_set_name(pa, name)) ||
	    (rc = fdisk_add_partition(cxt, pa, NULL)) ||
	    (rc = fdisk_get_partition(cxt, 0, &got))) {
		pv_err("%s: cannot make the podvol partition: %s", path,
		       rc == -ERANGE || rc > 0 ? "no room for it on the disk" :
		       strerror(-rc));
		if (rc > 0)
			rc = -ENOSPC;
		goto out;
	}
	*start = (uint64_t)fdisk_partition_get_start(got) * ss;
	*bytes = (uint64_t)fdisk_partition_get_size(got) * ss;
	if (fd >= 0) {
		/*
		 * The first MiB, up to the partition, is zeroed: a whole-disk
		 * member of an older pool had its slot 0 there (its slot 1 is
		 * the partition's reserved area, which the kernel zeroes).
		 */
		static const char zero[64 * 1024];
		uint64_t off;

		for (off = 0; off < PODVOL_GPT_START && !rc; off += sizeof(zero))
			if (pwrite(fd, zero, sizeof(zero), off) != sizeof(zero))
				rc = errno ? -errno : -EIO;
		if (rc) {
			pv_err("%s: cannot write: %s", path, strerror(-rc));
			goto out;
		}
		rc = fdisk_write_disklabel(cxt);
		if (!rc && fsync(fd) < 0)
			rc = -errno;
		if (rc)
			pv_err("%s: cannot write the GPT: %s", path,
			       strerror(-rc));
	}
out:
	fdisk_unref_partition(got);
	fdisk_unref_partition(pa);
	fdisk_unref_parttype(type);
	fdisk_deassign_device(cxt, 1);
	fdisk_unref_context(cxt);
	return rc ? -1 : 0;
}

int gpt_reread(int fd)
{
	struct stat st;
	int i;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return 0;	/* an image file (host tests) */
	for (i = 0; i < 50; i++) {
		if (ioctl(fd, BLKRRPART) == 0)
			return 0;
		if (errno != EBUSY)
			return -errno;
		/* someone (blkid) has a partition open for a moment */
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	return -EBUSY;
}

int disk_devnode(dev_t rdev, char *path, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];

	sysfs_dir(rdev, dir, sizeof(dir));
	if (!realpath(dir, real))
		return -1;
	snprintf(path, len, "/dev/%s", strrchr(real, '/') + 1);
	return 0;
}

int gpt_partition_path(dev_t whole, char *path, size_t len)
{
	char dir[64], sub[PATH_MAX], v[64];
	unsigned int ma, mi;
	struct dirent *de;
	struct stat st;
	int tries;
	DIR *d;

	sysfs_dir(whole, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (sysfs_read(sub, "partition", v, sizeof(v)) || strcmp(v, "1"))
			continue;
		if (sysfs_read(sub, "dev", v, sizeof(v)) ||
		    sscanf(v, "%u:%u", &ma, &mi) != 2)
			continue;
		snprintf(path, len, "/dev/%s", de->d_name);
		closedir(d);
		/* devtmpfs makes the node as the partition is added */
		for (tries = 0; tries < 50; tries++) {
			if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
			    st.st_rdev == makedev(ma, mi))
				return 0;
			nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 },
				  NULL);
		}
		return -1;
	}
	closedir(d);
	return -1;
}

int gpt_find_podvol(const char *path, uint64_t *start, char *name, size_t len)
{
	const char *pttype, *type, *pname;
	blkid_partition par;
	blkid_partlist ls;
	blkid_probe pr;
	int n, i, ret = 0;

	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return -1;	/* said by the caller, if it matters */
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	ls = blkid_probe_get_partitions(pr);
	if (!ls || !blkid_partlist_get_table(ls))
		goto out;
	pttype = blkid_parttable_get_type(blkid_partlist_get_table(ls));
	if (!pttype || strcmp(pttype, "gpt"))
		goto out;
	/* podvolctl makes exactly one partition */
	n = blkid_partlist_numof_partitions(ls);
	for (i = 0; i < n && n == 1; i++) {
		par = blkid_partlist_get_partition(ls, i);
		type = blkid_partition_get_type_string(par);
		if (blkid_partition_get_partno(par) != 1 || !type ||
		    strcasecmp(type, PODVOL_GPT_TYPE))
			continue;
		pname = blkid_partition_get_name(par);
		*start = (uint64_t)blkid_partition_get_start(par) * 512;
		snprintf(name, len, "%s", pname ? pname : "");
		ret = 1;
		break;
	}
out:
	blkid_free_probe(pr);
	return ret;
}

const char *gpt_member_path(const char *path, char *buf, size_t len)
{
	uint64_t start;
	char name[64];
	struct stat st;
	dev_t whole;

	if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode) ||
	    !disk_parent(st.st_rdev, &whole))
		return path;
	if (gpt_find_podvol(path, &start, name, sizeof(name)) != 1 ||
	    gpt_partition_path(st.st_rdev, buf, len))
		return path;
	return buf;
}
