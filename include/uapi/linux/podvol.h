/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * podvol: pools a node's local disks and carves per-pod block volumes out of
 * them, each volume striped chunk by chunk across the pool's members.
 *
 * This header is the whole contract between the kernel module and userspace:
 * the generic netlink API (first half) and the on-disk metadata format
 * (second half), so that tools can read and check metadata offline.
 * Documentation/block/podvol.rst describes both in prose.
 *
 * Generic netlink family
 * ======================
 *
 * Family PODVOL_GENL_NAME ("podvol"), version PODVOL_GENL_VERSION, only in
 * the initial network namespace (block devices are not namespaced).  Every
 * command that changes state requires CAP_NET_ADMIN (GENL_ADMIN_PERM) and
 * CAP_SYS_ADMIN, both in the initial user namespace (EPERM otherwise);
 * PODVOL_CMD_POOL_GET and PODVOL_CMD_VOLUME_GET may be used by anyone.
 * Policies are strict: unknown attributes, wrong types and out-of-range values
 * are refused, and every refusal carries an extack message naming the problem.
 * The module carries MODULE_ALIAS_GENL_FAMILY("podvol") so the first request
 * loads it.
 *
 * Names (pools and volumes) are 1..PODVOL_NAME_MAX characters of
 * [A-Za-z0-9._-], not starting with '.' or '-'; sent as NUL-terminated
 * strings (NLA_NUL_STRING).  Sizes on the wire are in bytes.
 *
 * Commands:
 *
 *  PODVOL_CMD_POOL_CREATE (admin): create a pool and write fresh metadata
 *      (generation 1) to every member, with REQ_PREFLUSH|REQ_FUA, before
 *      answering.  The first 512 KiB of every member and metadata slot 0 are
 *      zeroed.  The kernel refuses a member that carries valid podvol
 *      metadata unless PODVOL_A_FORCE is given; checking for filesystem and
 *      partition signatures is the tool's job (libblkid).
 *        in:  PODVOL_A_POOL_NAME (required)
 *             PODVOL_A_CHUNK_SIZE (optional, bytes, power of two,
 *                 PODVOL_CHUNK_MIN..PODVOL_CHUNK_MAX; default
 *                 PODVOL_CHUNK_DEFAULT)
 *             PODVOL_A_MEMBERS (required): nest of 1..PODVOL_MAX_MEMBERS
 *                 PODVOL_A_MEMBER nests, each with PODVOL_MEMBER_A_PATH;
 *                 member i of the pool is the i-th nest
 *             PODVOL_A_FORCE (optional flag)
 *             PODVOL_A_VALIDATE_ONLY (optional flag): make every check a
 *                 real create makes (name, chunk, members opened
 *                 exclusively, their sizes, zoned, podvol metadata without
 *                 PODVOL_A_FORCE), then close the members again having
 *                 written nothing; no pool, no reply message, no
 *                 notification, just the ack.  Lets a tool erase foreign
 *                 signatures only once it knows the create will not be
 *                 refused.  Modules older than this attribute refuse it
 *                 (strict policy: EINVAL, "Unknown attribute type").
 *        out: a pool message (as PODVOL_CMD_POOL_GET)
 *
 *  PODVOL_CMD_POOL_ADD_MEMBER (admin): incremental assembly.  The kernel
 *      opens the device exclusively, reads its metadata and adds it to the
 *      pending pool with that pool UUID (creating the pending pool if
 *      needed).  When all members are present the pool starts: assembly
 *      picks the newest metadata generation that is valid and identical on
 *      every member, then creates every volume's disk.  Adding a device that
 *      is already a member of a pending or running pool succeeds and changes
 *      nothing (idempotent, for udev "add|change" events).
 *        in:  PODVOL_A_MEMBER nest with PODVOL_MEMBER_A_PATH
 *        out: a pool message (PODVOL_A_POOL_STATE tells pending/running)
 *      Errors: ENODATA no podvol metadata on the device; EBADMSG corrupt
 *      metadata in both slots; EEXIST another pool with the same name is
 *      active; EINVAL metadata inconsistent with the other members; EBUSY
 *      the device is in use elsewhere.
 *
 *  PODVOL_CMD_POOL_STOP (admin): delete every volume's disk and close the
 *      members.  Works on pending and running pools, and after a member
 *      failed.  EBUSY if any volume is open.
 *        in:  PODVOL_A_POOL_NAME
 *
 *  PODVOL_CMD_POOL_GET: do (PODVOL_A_POOL_NAME) or dump (all pools, pending
 *      ones too).  Pool message attributes:
 *        PODVOL_A_POOL_NAME, PODVOL_A_POOL_UUID, PODVOL_A_POOL_STATE,
 *        PODVOL_A_CHUNK_SIZE, PODVOL_A_GENERATION, PODVOL_A_POOL_SIZE,
 *        PODVOL_A_POOL_FREE, PODVOL_A_NR_MEMBERS, PODVOL_A_NR_PRESENT,
 *        PODVOL_A_NR_VOLUMES, PODVOL_A_POOL_DIRTY (of the free bytes,
 *        those still to be zeroed), PODVOL_A_MEMBERS (nest of PODVOL_A_MEMBER
 *        nests with INDEX, UUID, PATH (e.g. "/dev/vda", present members
 *        only), MAJOR, MINOR, SIZE, FREE, PRESENT)
 *      SIZE/FREE of pending pools are 0.
 *
 *  PODVOL_CMD_VOLUME_CREATE (admin): allocate and create a volume; its disk
 *      appears as /dev/podvol<N>.  Extents are allocated so that the volume
 *      is striped across all members while every member has free space.
 *        in:  PODVOL_A_POOL_NAME, PODVOL_A_VOLUME_NAME, PODVOL_A_VOLUME_SIZE
 *             (bytes, a positive multiple of 4096)
 *        out: a volume message (as PODVOL_CMD_VOLUME_GET)
 *      Errors: ENOENT no such (running) pool; EEXIST name taken; ENOSPC not
 *      enough free space or the metadata table is full.
 *
 *  PODVOL_CMD_VOLUME_DELETE (admin): PODVOL_A_POOL_NAME,
 *      PODVOL_A_VOLUME_NAME.  EBUSY while the volume is open.
 *
 *  PODVOL_CMD_VOLUME_RESIZE (admin): PODVOL_A_POOL_NAME,
 *      PODVOL_A_VOLUME_NAME, PODVOL_A_VOLUME_SIZE (new size in bytes,
 *      multiple of 4096).  Growing works online (the disk emits a change
 *      uevent with RESIZE=1); shrinking is refused with EBUSY while the
 *      volume is open.  out: a volume message.
 *
 *  PODVOL_CMD_POOL_EXTEND (admin): add one blank device to a running pool
 *      as member nr_members (LVM's vgextend).  The kernel opens it
 *      exclusively and checks it as POOL_CREATE checks a member (size, not
 *      zoned, no podvol metadata unless PODVOL_A_FORCE), zeroes its first
 *      1.5 MiB, writes the next generation, which lists it, to the new
 *      member first and then to every old member (each write PREFLUSH|FUA),
 *      and only then adds it to the pool: until every old member holds that
 *      generation, assembly picks the previous one, without the device.
 *      Existing volumes keep their extents; later allocations may use it.
 *      Its data area is free and dirty (zeroed before a volume gets it).
 *        in:  PODVOL_A_POOL_NAME, PODVOL_A_MEMBER nest with
 *             PODVOL_MEMBER_A_PATH, PODVOL_A_FORCE (optional flag),
 *             PODVOL_A_VALIDATE_ONLY (optional flag: check, write nothing,
 *             answer with the ack alone)
 *        out: a pool message (as PODVOL_CMD_POOL_GET)
 *      Errors: ENOENT no such pool; EIO the pool is not running or its
 *      configuration is read-only; E2BIG the pool has PODVOL_MAX_MEMBERS
 *      members; EEXIST the device is a member of this pool already, or
 *      carries podvol metadata (without PODVOL_A_FORCE); EBUSY the device
 *      is in use (another pool, mounted, held); ENOSPC too small, or the
 *      metadata table cannot hold the new member's free space.  Nothing is
 *      written on any refusal.  A metadata write that fails after the new
 *      member was written makes the configuration read-only, as for every
 *      update; the next assembly decides (with or without the device).
 *
 *  PODVOL_CMD_VOLUME_GET: do (PODVOL_A_POOL_NAME + PODVOL_A_VOLUME_NAME) or
 *      dump (all volumes, or those of PODVOL_A_POOL_NAME if given).
 *      Volume message attributes:
 *        PODVOL_A_POOL_NAME, PODVOL_A_POOL_UUID, PODVOL_A_VOLUME_NAME,
 *        PODVOL_A_VOLUME_UUID, PODVOL_A_VOLUME_SIZE, PODVOL_A_VOLUME_DISK
 *        ("podvol3"), PODVOL_A_VOLUME_MAJOR, PODVOL_A_VOLUME_MINOR,
 *        PODVOL_A_CHUNK_SIZE, PODVOL_A_STRIPE_WIDTH (smallest number of
 *        members any of its extents is striped over), PODVOL_A_NR_EXTENTS,
 *        PODVOL_A_OPEN_COUNT
 *
 * Notifications, multicast group PODVOL_MCGRP_NOTIFY ("notify"), sent after
 * the change is durable:
 *   PODVOL_CMD_POOL_NEW_NTF (pool created or assembled and running),
 *   PODVOL_CMD_POOL_DEL_NTF (pool stopped),
 *   PODVOL_CMD_POOL_CHANGE_NTF (pool extended by a member),
 *       carrying a pool message;
 *   PODVOL_CMD_VOLUME_NEW_NTF, PODVOL_CMD_VOLUME_DEL_NTF,
 *   PODVOL_CMD_VOLUME_CHANGE_NTF (resized),
 *       carrying a volume message.
 *
 * sysfs
 * =====
 *
 * Every volume disk has an attribute group "podvol", present at the "add"
 * uevent: /sys/block/podvolN/podvol/{pool,pool_uuid,name,uuid,size,
 * stripe_width,chunk_size} (size and chunk_size in bytes; udev reads them as
 * ATTR{podvol/name} etc).
 */

#ifndef _UAPI_LINUX_PODVOL_H
#define _UAPI_LINUX_PODVOL_H

#include <linux/types.h>

#define PODVOL_GENL_NAME	"podvol"
#define PODVOL_GENL_VERSION	1
#define PODVOL_MCGRP_NOTIFY	"notify"

#define PODVOL_NAME_MAX		63	/* bytes, without the NUL */
#define PODVOL_MAX_MEMBERS	32
#define PODVOL_CHUNK_MIN	4096U
#define PODVOL_CHUNK_MAX	(1U << 30)
#define PODVOL_CHUNK_DEFAULT	65536U
#define PODVOL_UUID_SIZE	16

enum podvol_cmd {
	PODVOL_CMD_UNSPEC,
	PODVOL_CMD_POOL_CREATE,
	PODVOL_CMD_POOL_ADD_MEMBER,
	PODVOL_CMD_POOL_STOP,
	PODVOL_CMD_POOL_GET,
	PODVOL_CMD_VOLUME_CREATE,
	PODVOL_CMD_VOLUME_DELETE,
	PODVOL_CMD_VOLUME_RESIZE,
	PODVOL_CMD_VOLUME_GET,
	PODVOL_CMD_POOL_NEW_NTF,
	PODVOL_CMD_POOL_DEL_NTF,
	PODVOL_CMD_VOLUME_NEW_NTF,
	PODVOL_CMD_VOLUME_DEL_NTF,
	PODVOL_CMD_VOLUME_CHANGE_NTF,
	PODVOL_CMD_POOL_EXTEND,
	PODVOL_CMD_POOL_CHANGE_NTF,

	__PODVOL_CMD_MAX
};

#define PODVOL_CMD_MAX (__PODVOL_CMD_MAX - 1)

enum podvol_pool_state {
	PODVOL_POOL_PENDING,	/* assembling: waiting for members */
	PODVOL_POOL_RUNNING,	/* all members present, volumes created */
	PODVOL_POOL_FAILED,	/* a metadata write failed: read-only config */
};

enum podvol_attr {
	PODVOL_A_UNSPEC,
	PODVOL_A_PAD,
	PODVOL_A_POOL_NAME,	/* NLA_NUL_STRING, <= PODVOL_NAME_MAX */
	PODVOL_A_POOL_UUID,	/* binary, PODVOL_UUID_SIZE (output) */
	PODVOL_A_POOL_STATE,	/* NLA_U32, enum podvol_pool_state (output) */
	PODVOL_A_CHUNK_SIZE,	/* NLA_U32, bytes */
	PODVOL_A_GENERATION,	/* NLA_U64, metadata generation (output) */
	PODVOL_A_POOL_SIZE,	/* NLA_U64, bytes of data space (output) */
	PODVOL_A_POOL_FREE,	/* NLA_U64, bytes unallocated (output) */
	PODVOL_A_NR_MEMBERS,	/* NLA_U32 (output) */
	PODVOL_A_NR_PRESENT,	/* NLA_U32 (output) */
	PODVOL_A_NR_VOLUMES,	/* NLA_U32 (output) */
	PODVOL_A_MEMBERS,	/* nest of PODVOL_A_MEMBER */
	PODVOL_A_MEMBER,	/* nest, enum podvol_member_attr */
	PODVOL_A_FORCE,		/* NLA_FLAG */
	PODVOL_A_VOLUME_NAME,	/* NLA_NUL_STRING, <= PODVOL_NAME_MAX */
	PODVOL_A_VOLUME_UUID,	/* binary, PODVOL_UUID_SIZE (output) */
	PODVOL_A_VOLUME_SIZE,	/* NLA_U64, bytes */
	PODVOL_A_VOLUME_DISK,	/* NLA_NUL_STRING, "podvolN" (output) */
	PODVOL_A_VOLUME_MAJOR,	/* NLA_U32 (output) */
	PODVOL_A_VOLUME_MINOR,	/* NLA_U32 (output) */
	PODVOL_A_STRIPE_WIDTH,	/* NLA_U32 (output) */
	PODVOL_A_NR_EXTENTS,	/* NLA_U32 (output) */
	PODVOL_A_OPEN_COUNT,	/* NLA_U32 (output) */
	PODVOL_A_POOL_DIRTY,	/* NLA_U64, bytes free but not yet zeroed
				 * (output)
				 */
	PODVOL_A_VALIDATE_ONLY,	/* NLA_FLAG, POOL_CREATE: check, write nothing */

	__PODVOL_A_MAX
};

#define PODVOL_A_MAX (__PODVOL_A_MAX - 1)

enum podvol_member_attr {
	PODVOL_MEMBER_A_UNSPEC,
	PODVOL_MEMBER_A_PAD,
	PODVOL_MEMBER_A_INDEX,	/* NLA_U32 (output) */
	PODVOL_MEMBER_A_UUID,	/* binary, PODVOL_UUID_SIZE (output) */
	PODVOL_MEMBER_A_PATH,	/* NLA_NUL_STRING, device path, < PATH_MAX */
	PODVOL_MEMBER_A_MAJOR,	/* NLA_U32 (output) */
	PODVOL_MEMBER_A_MINOR,	/* NLA_U32 (output) */
	PODVOL_MEMBER_A_SIZE,	/* NLA_U64, bytes usable for data (output) */
	PODVOL_MEMBER_A_FREE,	/* NLA_U64, bytes unallocated (output) */
	PODVOL_MEMBER_A_PRESENT, /* NLA_U8, 0 or 1 (output) */

	__PODVOL_MEMBER_A_MAX
};

#define PODVOL_MEMBER_A_MAX (__PODVOL_MEMBER_A_MAX - 1)

/*
 * On-disk format
 * ==============
 *
 * All integers little-endian; "sectors" are 512 bytes.  Layout of every
 * member device:
 *
 *   [0, 512 KiB)            reserved, zeroed at pool creation
 *   [512 KiB, 1 MiB)        metadata slot 0
 *   [1 MiB, 1.5 MiB)        metadata slot 1
 *   [data_offset, end)      data; data_offset is at least 2 MiB and a
 *                           multiple of the chunk size
 *
 * Metadata generation G is written to slot (G & 1) of every member, with
 * REQ_PREFLUSH|REQ_FUA, so that a crash during an update leaves generation
 * G - 1 intact in the other slot.  A slot holds a superblock
 * (struct podvol_sb, 4096 bytes) followed by the volume table
 * (sb.table_bytes bytes, at most PODVOL_SLOT_SIZE - PODVOL_SB_SIZE).
 *
 * The volume table is sb.nr_volumes volume records, each
 *   struct podvol_vol_rec
 *   followed by vol.nr_extents extent records, each
 *     struct podvol_ext_rec
 *     followed by ext.width struct podvol_stripe_rec.
 * With PODVOL_INCOMPAT_DIRTY, sb.nr_dirty struct podvol_dirty_rec follow,
 * sorted by member and start, neither overlapping nor touching each other
 * or any stripe, each inside the member's data area: free space that may
 * hold a deleted (or shrunk) volume's data, or that was never zeroed since
 * the pool was created.  Volumes are only given space outside them, or
 * space zeroed before the generation that gives it to them.
 *
 * Checksums are CRC32C (Castagnoli, as crc32c() in the kernel: seed ~0,
 * no final inversion), stored little-endian:
 *   sb.table_crc = crc32c(~0, table, sb.table_bytes)
 *   sb.sb_crc    = crc32c(~0, sb with sb_crc set to 0, PODVOL_SB_SIZE)
 *
 * Everything except member_uuid/member_index/slot and sb_crc is identical on
 * all members for one generation.  Assembly uses the highest generation G for
 * which every member G lists has a valid slot and all those copies agree
 * (pool uuid, member list, chunk, data offset, table_crc, table_bytes,
 * nr_volumes).  Member lists only grow, by appending (POOL_EXTEND, which
 * writes the new member first): a member past the end of G's list is left
 * over from an extension that did not reach every old member.
 *
 * An extent maps logical sectors [lstart, lstart + width * stripe_sectors) of
 * its volume: logical chunk c of the extent (c = (sector - lstart) / chunk)
 * is on stripe (c % width), at member sector
 *   stripe[c % width].pstart + (c / width) * chunk + (sector - lstart) % chunk.
 * Extents of a volume are contiguous and in order (the first starts at 0)
 * and together cover at least vol.size_sectors; the last one is needed.
 * stripe_sectors and pstart are multiples of the chunk size; pstart is at
 * least data_offset and pstart + stripe_sectors at most the member's
 * sectors; no two stripes on one member overlap; the members of one extent
 * are distinct.
 */

#define PODVOL_SB_MAGIC		0x42534c4f56444f50ULL	/* "PODVOLSB" */
#define PODVOL_META_VERSION	1
#define PODVOL_SB_SIZE		4096
#define PODVOL_SLOT_SIZE	(512 * 1024)
#define PODVOL_SLOT0_OFFSET	(512 * 1024)	/* bytes */
#define PODVOL_SLOT1_OFFSET	(1024 * 1024)	/* bytes */
#define PODVOL_RESERVED_SIZE	(512 * 1024)	/* zeroed at creation */
#define PODVOL_DATA_OFFSET_MIN	(2 * 1024 * 1024)	/* bytes */
#define PODVOL_MAX_VOLUMES	1024

/*
 * sb.incompat_flags: a module that does not know a flag refuses the pool.
 * DIRTY: the volume table is followed by sb.nr_dirty struct
 * podvol_dirty_rec, the free space not yet zeroed.  Pools without it (made
 * before it existed) have all their free space treated as dirty.
 */
#define PODVOL_INCOMPAT_DIRTY	(1U << 0)
#define PODVOL_INCOMPAT_KNOWN	PODVOL_INCOMPAT_DIRTY

struct podvol_sb_member {
	__u8	uuid[PODVOL_UUID_SIZE];
	__le64	sectors;		/* member size at creation */
	__le64	reserved;
};

struct podvol_sb {
	__le64	magic;			/* PODVOL_SB_MAGIC */
	__le32	version;		/* PODVOL_META_VERSION */
	__le32	sb_crc;
	__le64	generation;		/* >= 1 */
	__u8	pool_uuid[PODVOL_UUID_SIZE];
	__u8	member_uuid[PODVOL_UUID_SIZE];	/* == members[member_index] */
	__le32	member_index;		/* this device's index */
	__le32	nr_members;		/* 1..PODVOL_MAX_MEMBERS */
	char	pool_name[PODVOL_NAME_MAX + 1];	/* NUL-terminated, padded */
	__le32	chunk_sectors;		/* power of two */
	__le32	slot;			/* 0 or 1: where this copy lives */
	__le64	data_offset;		/* sectors */
	__le32	table_bytes;
	__le32	table_crc;
	__le32	nr_volumes;		/* <= PODVOL_MAX_VOLUMES */
	__le32	incompat_flags;		/* PODVOL_INCOMPAT_*, no others */
	__le64	ctime;			/* pool creation, seconds since epoch */
	__le64	utime;			/* this generation, seconds */
	__le32	nr_dirty;		/* dirty records; 0 without DIRTY */
	__le32	reserved0;		/* zero */
	__u8	reserved1[840];		/* zero; pads members to 1024 */
	struct podvol_sb_member members[PODVOL_MAX_MEMBERS];	/* at 1024 */
	__u8	reserved2[2048];	/* zero */
};

struct podvol_vol_rec {
	__u8	uuid[PODVOL_UUID_SIZE];
	char	name[PODVOL_NAME_MAX + 1];	/* NUL-terminated, padded */
	__le64	size_sectors;		/* > 0, multiple of 8 */
	__le64	ctime;
	__le32	nr_extents;		/* >= 1 */
	__le32	flags;			/* must be 0 */
	__u8	reserved[24];
};

struct podvol_ext_rec {
	__le64	lstart;			/* logical start in the volume, sectors */
	__le64	stripe_sectors;		/* length on each member */
	__le32	width;			/* number of stripes */
	__le32	reserved;
};

struct podvol_stripe_rec {
	__le32	member;			/* member index */
	__le32	reserved;
	__le64	pstart;			/* start on the member, sectors */
};

/*
 * Free space that may still hold data written through a volume: member
 * sectors [start, end), to be zeroed before a volume may use them.
 */
struct podvol_dirty_rec {
	__le32	member;			/* member index */
	__le32	reserved;		/* zero */
	__le64	start;			/* sectors, multiple of the chunk */
	__le64	end;			/* sectors, multiple of the chunk */
};

#endif /* _UAPI_LINUX_PODVOL_H */
