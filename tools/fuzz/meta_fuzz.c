// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the podvol metadata codec (drivers/block/podvol/
 * meta.c and map.c, built as userspace code through meta_env.h, as
 * podvolctl builds them).
 *
 * Input: one mode byte, then a metadata slot.  Mode bit 0: recompute both
 * checksums first (pv_meta_seal), so that the fuzzer gets past them to the
 * checks behind; bit 1: decode a whole zero-padded slot rather than
 * exactly the input (an exact-size copy on the heap, so that AddressSanitizer
 * sees any read past the length the decoder was given).
 *
 * What decodes and validates must encode again, and decode to the same
 * metadata (pv_meta_consistent); every volume's extent map must map its
 * first and last sector onto a member.  Anything else is a crash here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"

static uint8_t slot[PODVOL_SLOT_SIZE], out[PODVOL_SLOT_SIZE];

static void check_maps(const struct pv_meta *m)
{
	u32 i, member;

	for (i = 0; i < m->nr_volumes; i++) {
		const struct pv_meta_vol *v = &m->vol[i];
		u64 s, ps;

		if (!v->map || !v->size)
			continue;
		s = pv_map_sector(v->map, 0, &member, &ps);
		if (member >= m->geom.nr_members)
			__builtin_trap();
		s = pv_map_sector(v->map, v->size - 1, &member, &ps);
		if (member >= m->geom.nr_members)
			__builtin_trap();
		(void)s;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t dirty;
	struct pv_meta *m = NULL, *m2 = NULL;
	const char *why = "";
	uint8_t mode, *buf;
	size_t len, used, olen;

	if (size < 1 || size - 1 > PODVOL_SLOT_SIZE)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (mode & 2) {
		if (dirty > size)
			memset(slot + size, 0, dirty - size);
		memcpy(slot, data, size);
		dirty = size;
		buf = slot;
		len = PODVOL_SLOT_SIZE;
	} else {
		buf = malloc(size ? size : 1);
		memcpy(buf, data, size);
		len = size;
	}
	if ((mode & 1) && len >= PODVOL_SB_SIZE) {
		const struct podvol_sb *sb = (const void *)buf;

		/* seal reads the table: only when the buffer holds it */
		if (le32_to_cpu(sb->table_bytes) <= len - PODVOL_SB_SIZE)
			pv_meta_seal(buf);
	}
	if (!pv_meta_decode(buf, len, &m, &why) && !pv_meta_validate(m, &why)) {
		check_maps(m);
		/* encode clears what it is given: no more than the table */
		olen = 2 * PODVOL_SB_SIZE + (size_t)m->table_bytes;
		if (olen > sizeof(out))
			olen = sizeof(out);
		if (pv_meta_encode(m, out, olen, &used, &why)) {
			fprintf(stderr, "decoded and valid, but does not encode: %s\n", why);
			__builtin_trap();
		}
		if (pv_meta_decode(out, olen, &m2, &why)) {
			fprintf(stderr, "re-encoded metadata does not decode: %s\n", why);
			__builtin_trap();
		}
		if (!pv_meta_consistent(m, m2))
			__builtin_trap();
	}
	pv_meta_free(m2);
	pv_meta_free(m);
	if (buf != slot)
		free(buf);
	return 0;
}
