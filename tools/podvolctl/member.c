// SPDX-License-Identifier: GPL-2.0
/*
 * Member disk metadata as the tool sees it: both slots read with direct
 * I/O (the kernel writes them with bios, not through the page cache) and
 * decoded by the driver's own meta.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk.h"
#include "member.h"
#include "meta.h"

static const uint64_t slot_off[2] = { PODVOL_SLOT0_OFFSET, PODVOL_SLOT1_OFFSET };

int member_read(const char *path, struct member_read *mr)
{
	void *buf;
	int fd, i, ret;

	memset(mr, 0, sizeof(*mr));
	mr->path = path;
	mr->best = -1;
	fd = disk_open_direct(path);
	if (fd < 0)
		return fd;
	ret = disk_size(fd, &mr->disk_bytes);
	if (ret)
		goto out_close;
	if (posix_memalign(&buf, 4096, PODVOL_SLOT_SIZE)) {
		ret = -ENOMEM;
		goto out_close;
	}
	for (i = 0; i < 2; i++) {
		struct slot_read *s = &mr->slot[i];
		const struct podvol_sb *sb = buf;

		if (mr->disk_bytes < slot_off[i] + PODVOL_SLOT_SIZE) {
			s->err = -ENODATA;
			s->why = "disk too small for a metadata slot";
			continue;
		}
		ret = disk_pread(fd, buf, PODVOL_SLOT_SIZE, slot_off[i]);
		if (ret) {
			s->err = ret;
			s->why = strerror(-ret);
			continue;
		}
		s->magic = le64toh(sb->magic) == PODVOL_SB_MAGIC;
		if (s->magic)
			s->generation = le64toh(sb->generation);
		s->err = pv_meta_decode(buf, PODVOL_SLOT_SIZE, &s->meta, &s->why);
		if (s->err)
			continue;
		if (mr->best < 0 ||
		    s->meta->generation > mr->slot[mr->best].meta->generation)
			mr->best = i;
	}
	ret = 0;
	free(buf);
out_close:
	close(fd);
	return ret;
}

void member_release(struct member_read *mr)
{
	int i;

	for (i = 0; i < 2; i++) {
		pv_meta_free(mr->slot[i].meta);
		mr->slot[i].meta = NULL;
	}
}
