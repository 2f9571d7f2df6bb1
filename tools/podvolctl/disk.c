// SPDX-License-Identifier: GPL-2.0
/*
 * Member disk access for podvolctl: libblkid signature checks, exclusive
 * open test, aligned direct reads of the on-disk metadata.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include <blkid.h>

#include "disk.h"
#include "util.h"

int disk_foreign_signature(const char *path, char *what, size_t len)
{
	const char *type = NULL, *usage = NULL, *label = NULL, *pttype = NULL;
	blkid_probe pr;
	int ret;

	pr = blkid_new_probe_from_filename(path);
	if (!pr) {
		pv_err("%s: cannot probe for signatures: %s", path,
		       strerror(errno ? errno : EIO));
		return -1;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
					  BLKID_SUBLKS_USAGE |
					  BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);

	ret = blkid_do_safeprobe(pr);
	if (ret == -2) {
		snprintf(what, len, "several conflicting signatures");
		ret = 1;
		goto out;
	}
	if (ret < 0) {
		pv_err("%s: cannot probe for signatures", path);
		ret = -1;
		goto out;
	}
	if (ret == 1) {
		ret = 0;	/* nothing found */
		goto out;
	}
	blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
	blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
	blkid_probe_lookup_value(pr, "LABEL", &label, NULL);
	blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
	if (pttype)
		snprintf(what, len, "a %s partition table", pttype);
	else if (type && usage && !strcmp(usage, "filesystem"))
		snprintf(what, len, "a%s %s filesystem%s%s%s",
			 strchr("aeiouxAEIOUX", type[0]) ? "n" : "", type,
			 label ? " (label \"" : "", label ? label : "",
			 label ? "\")" : "");
	else if (type)
		snprintf(what, len, "a %s signature%s%s%s", type,
			 usage ? " (" : "", usage ? usage : "",
			 usage ? ")" : "");
	else
		snprintf(what, len, "an unknown signature");
	ret = 1;
out:
	blkid_free_probe(pr);
	return ret;
}

int disk_in_use(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0) {
		pv_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISBLK(st.st_mode))
		return 0;
	/* O_EXCL on a block device fails with EBUSY while anyone claims it. */
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EBUSY)
			return 1;
		pv_err("%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int disk_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, bytes) < 0)
			return -errno;
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		*bytes = st.st_size;
		return 0;
	}
	return -ENOTBLK;
}

int disk_open_direct(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

	/* tmpfs images (host tests) cannot do O_DIRECT; nothing is cached there anyway */
	if (fd < 0 && errno == EINVAL)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* O_DIRECT needs aligned offset, length and buffer: bounce through one. */
int disk_pread(int fd, void *buf, size_t len, uint64_t off)
{
	const size_t align = 4096;
	uint64_t start = off & ~(uint64_t)(align - 1);
	size_t span = ((off + len + align - 1) & ~(uint64_t)(align - 1)) - start;
	size_t done = 0;
	void *bounce;
	int ret = 0;

	if (posix_memalign(&bounce, align, span))
		return -ENOMEM;
	while (done < span) {
		ssize_t n = pread(fd, (char *)bounce + done, span - done,
				  start + done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		done += n;
	}
	if (done < off - start + len) {
		ret = -ENODATA;	/* past the end of the disk */
		goto out;
	}
	memcpy(buf, (char *)bounce + (off - start), len);
out:
	free(bounce);
	return ret;
}

int disk_podvol_signature(const char *path, char *pool, size_t len,
			  uint8_t uuid[PODVOL_UUID_SIZE])
{
	return disk_podvol_signature_at(path, 0, pool, len, uuid);
}

int disk_podvol_signature_at(const char *path, uint64_t base, char *pool,
			     size_t len, uint8_t uuid[PODVOL_UUID_SIZE])
{
	const uint64_t off[2] = { base + PODVOL_SLOT0_OFFSET,
				  base + PODVOL_SLOT1_OFFSET };
	struct podvol_sb *sb;
	uint64_t best = 0;
	int fd, i, found = 0, ret;

	fd = disk_open_direct(path);
	if (fd < 0)
		return fd;
	sb = malloc(sizeof(*sb));
	if (!sb) {
		close(fd);
		return -ENOMEM;
	}
	for (i = 0; i < 2; i++) {
		ret = disk_pread(fd, sb, sizeof(*sb), off[i]);
		if (ret == -ENODATA)
			continue;	/* disk smaller than the slot */
		if (ret < 0) {
			found = ret;
			break;
		}
		if (le64toh(sb->magic) != PODVOL_SB_MAGIC)
			continue;
		if (!found || le64toh(sb->generation) > best) {
			best = le64toh(sb->generation);
			snprintf(pool, len, "%.*s", PODVOL_NAME_MAX, sb->pool_name);
			memcpy(uuid, sb->pool_uuid, PODVOL_UUID_SIZE);
		}
		found = 1;
	}
	free(sb);
	close(fd);
	return found;
}

int disk_wipe_signatures(const char *path)
{
	blkid_probe pr;
	int fd, n = 0;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		pv_err("%s: cannot open for writing: %s", path, strerror(errno));
		return -1;
	}
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		pv_err("%s: cannot probe for signatures", path);
		if (pr)
			blkid_free_probe(pr);
		close(fd);
		return -1;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC |
					  BLKID_SUBLKS_TYPE |
					  BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC |
					 BLKID_PARTS_FORCE_GPT);
	/* The loop of blkid_do_wipe(3): each wipe steps back to re-probe. */
	while (n < 64 && blkid_do_probe(pr) == 0) {
		if (blkid_do_wipe(pr, 0)) {
			pv_err("%s: cannot erase a signature: %s", path,
			       strerror(errno));
			n = -1;
			break;
		}
		n++;
	}
	blkid_free_probe(pr);
	if (fsync(fd) < 0 && n >= 0) {
		pv_err("%s: %s", path, strerror(errno));
		n = -1;
	}
	close(fd);
	return n;
}
