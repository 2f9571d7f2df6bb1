/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podvol internals shared by pool.c (pools, members, metadata I/O,
 * assembly), volume.c (gendisks and the I/O path) and netlink.c (control).
 *
 * Locking: pv_lock (a mutex) serialises every configuration change and
 * protects the pool list, each pool's members and volume list, and volume
 * sizes.  The I/O path takes no lock: it reads a volume's map under RCU, and
 * a map is only replaced (resize) with rcu_assign_pointer() and freed after
 * synchronize_rcu().  Member block devices stay open as long as the pool
 * exists, and volumes are deleted before their pool's members are closed.
 */
#ifndef _PODVOL_PODVOL_H
#define _PODVOL_PODVOL_H

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "meta.h"

struct pv_member {
	struct pv_bdev b;		/* also the exclusive-open holder: this */
	dev_t dev;
	u32 index;
	struct pv_meta *slot[2];	/* decoded slots while assembling */
	bool damaged[2];		/* slot unreadable or corrupt */
	/*
	 * A volume's pre-flush reaches this member only if a write to it
	 * completed since the last flush sent to it, or a flush to it is in
	 * flight (see pv_flush_members()).
	 */
	unsigned long written;		/* bit 0: written since last flush */
	atomic_t flushing;		/* pre-flushes deciding or in flight */
};

struct pv_pool {
	struct list_head node;
	char name[PODVOL_NAME_MAX + 1];
	u8 uuid[PODVOL_UUID_SIZE];
	enum podvol_pool_state state;
	struct pv_geom geom;
	u8 member_uuid[PODVOL_MAX_MEMBERS][PODVOL_UUID_SIZE];
	u64 ctime;
	u64 generation;			/* last generation on every member */
	u32 nr_present;
	struct pv_member *member[PODVOL_MAX_MEMBERS];
	struct list_head volumes;
	u32 nr_volumes;
	void *slot_buf;			/* PODVOL_SLOT_SIZE, vmalloc */
	/*
	 * Free space not zeroed yet, a range set (map.h), under pv_lock.
	 * What zero_work zeroed leaves it here at once; the metadata lists
	 * it as dirty until the next commit (see pv_pool_commit()).
	 */
	struct pv_range *dirty;
	u32 nr_dirty;
	bool zero_failed;		/* stop background zeroing */
	struct delayed_work zero_work;
};

struct pv_volume {
	struct list_head node;
	struct pv_pool *pool;
	char name[PODVOL_NAME_MAX + 1];
	u8 uuid[PODVOL_UUID_SIZE];
	u64 size;			/* sectors */
	u64 ctime;
	struct pv_map __rcu *map;
	struct gendisk *disk;
	int index;
	bool claimed;			/* under disk->open_mutex */
	bool added;			/* disk is live */
	/* bios waiting for their pre-flush, see pv_flush_done() */
	spinlock_t lock;
	struct bio_list deferred;
	struct work_struct work;
};

extern struct mutex pv_lock;
extern struct list_head pv_pools;
extern unsigned int pv_seq;		/* bumped on every change, for dumps */

/* pool.c */
int pv_pool_create(const char *name, u32 chunk_bytes, const char *const *paths,
		   u32 nr, bool force, struct pv_pool **out,
		   struct netlink_ext_ack *extack);
int pv_pool_add_member(const char *path, struct pv_pool **out,
		       struct netlink_ext_ack *extack);
int pv_pool_stop(struct pv_pool *pool, struct netlink_ext_ack *extack);
int pv_pool_extend(struct pv_pool *pool, const char *path, bool force,
		   bool validate, struct netlink_ext_ack *extack);
struct pv_pool *pv_pool_find(const char *name);
int pv_pool_commit(struct pv_pool *pool, struct pv_volume *add,
		   struct pv_volume *drop, struct pv_volume *resize,
		   struct pv_map *map, u64 size, struct netlink_ext_ack *extack);
int pv_pool_space(struct pv_pool *pool, u64 *member_free);
u32 pv_pool_maps(struct pv_pool *pool, const struct pv_map **maps);
u64 pv_pool_dirty_bytes(struct pv_pool *pool);
int pv_pool_zero_map(struct pv_pool *pool, const struct pv_map *map,
		     struct netlink_ext_ack *extack);

/* volume.c */
int pv_volume_init(void);
void pv_volume_exit(void);
struct pv_volume *pv_volume_alloc(struct pv_pool *pool, const char *name,
				  const u8 *uuid, u64 size, u64 ctime,
				  struct pv_map *map);
int pv_volume_add(struct pv_volume *vol);
void pv_volume_free(struct pv_volume *vol);
void pv_volume_del(struct pv_volume *vol);
int pv_volume_claim(struct pv_volume *vol);
void pv_volume_unclaim(struct pv_volume *vol);
unsigned int pv_volume_openers(struct pv_volume *vol);
struct pv_volume *pv_volume_find(struct pv_pool *pool, const char *name);
int pv_volume_create(struct pv_pool *pool, const char *name, u64 bytes,
		     struct pv_volume **out, struct netlink_ext_ack *extack);
int pv_volume_delete(struct pv_volume *vol, struct netlink_ext_ack *extack);
int pv_volume_resize(struct pv_volume *vol, u64 bytes,
		     struct netlink_ext_ack *extack);

static inline struct pv_map *pv_vol_map(struct pv_volume *vol)
{
	return rcu_dereference_protected(vol->map, lockdep_is_held(&pv_lock));
}

/* netlink.c */
__printf(2, 3) void pv_errmsg(struct netlink_ext_ack *extack,
			      const char *fmt, ...);
int pv_netlink_init(void);
void pv_netlink_exit(void);
void pv_notify_pool(struct pv_pool *pool, u8 cmd);
void pv_notify_volume(struct pv_volume *vol, u8 cmd);

#endif /* _PODVOL_PODVOL_H */
