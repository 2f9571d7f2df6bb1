/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * podnet: a Geneve (RFC 8926) L3 overlay device whose route table (pod
 * prefix -> node underlay address) is programmed over generic netlink.
 *
 * Documentation
 * =============
 *
 * Link attributes (rtnetlink)
 * ---------------------------
 *
 * `ip link add NAME type podnet ...` carries these in IFLA_INFO_DATA of
 * RTM_NEWLINK; RTM_GETLINK reports all of them.
 *
 *    IFLA_PODNET_VNI: NLA_U32, 0..0xffffff; required at creation, may not
 *        be changed afterwards.
 *    IFLA_PODNET_PORT: NLA_BE16, UDP port (network byte order) the device
 *        listens on and sends to; default 6081 (PODNET_DEFAULT_PORT).
 *        Not changeable.
 *    IFLA_PODNET_LOCAL: NLA_BE32 (struct in_addr), local IPv4 underlay
 *        address: the socket binds to it and it is the outer source.
 *    IFLA_PODNET_LOCAL6: NLA_BINARY, exactly sizeof(struct in6_addr), local
 *        IPv6 underlay address.
 *        With neither LOCAL nor LOCAL6 the device listens on the IPv4 and
 *        IPv6 wildcard addresses and can reach nodes over either family.
 *        With one of them it uses only that family, with both it uses
 *        both.  Neither is changeable.
 *    IFLA_PODNET_TTL: NLA_U8, outer TTL / hop limit; 0 means the
 *        underlay route's default; default 64.
 *    IFLA_PODNET_TOS: NLA_U8, outer TOS / traffic class;
 *        PODNET_TOS_INHERIT (1) copies the inner packet's DSCP and ECN;
 *        default PODNET_TOS_INHERIT.
 *    IFLA_PODNET_UDP_CSUM: NLA_U8 (0 or 1), compute the UDP checksum on
 *        an IPv4 underlay; default 1 (receivers need it for GRO).
 *    IFLA_PODNET_UDP_ZERO_CSUM6_TX: NLA_U8 (0 or 1), send a zero UDP
 *        checksum on an IPv6 underlay; default 0.
 *    IFLA_PODNET_UDP_ZERO_CSUM6_RX: NLA_U8 (0 or 1), accept zero UDP
 *        checksums on an IPv6 underlay; default 0.  Not changeable.
 *    IFLA_PODNET_DF: NLA_U8, enum podnet_df, the outer IPv4 DF bit;
 *        default PODNET_DF_UNSET.
 *    IFLA_PODNET_MAX_ROUTES: NLA_U32, 1..PODNET_MAX_ROUTES_LIMIT, the
 *        most prefixes the device's route table may hold; default
 *        PODNET_DEFAULT_MAX_ROUTES (16384).  Adding a prefix beyond it
 *        fails with -ENOSPC, as does a PODNET_CMD_ROUTE_SET with more.
 *        Lowering it below the current count takes no route away; it
 *        only refuses new prefixes until the count is below it.
 *
 * TTL, TOS, UDP_CSUM, UDP_ZERO_CSUM6_TX, DF and MAX_ROUTES may be changed with
 * `ip link set ... type podnet ...`; giving an unchangeable attribute
 * with a different value fails with an extack message naming it.
 *
 * Generic netlink family
 * ----------------------
 *
 * Family PODNET_GENL_NAME ("podnet"), version PODNET_GENL_VERSION.
 * Every command that changes state requires CAP_NET_ADMIN in the network
 * namespace of the device (GENL_UNS_ADMIN_PERM); PODNET_CMD_GET_DEVICE and
 * PODNET_CMD_ROUTE_GET may be used by anyone.  The family works in every
 * network namespace and names devices of the caller's namespace.
 *
 * Attribute policies are strict: unknown attributes, wrong lengths and
 * out-of-range values are refused with an extack message.
 *
 * The device is given by one of (IFINDEX wins if both are present, and they
 * must then name the same device):
 *
 *    PODNET_A_IFINDEX: NLA_U32
 *    PODNET_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *
 * A route is a nest, PODNET_A_ROUTE, of:
 *
 *    PODNET_ROUTE_A_FAMILY: NLA_U16, AF_INET or AF_INET6, the prefix family
 *    PODNET_ROUTE_A_DST: NLA_BINARY, struct in_addr or struct in6_addr
 *        (4 or 16 bytes, matching FAMILY), the prefix; host bits beyond
 *        DST_LEN must be zero
 *    PODNET_ROUTE_A_DST_LEN: NLA_U8, prefix length, 0..32 or 0..128
 *    PODNET_ROUTE_A_VIA: NLA_BINARY, struct in_addr or struct in6_addr
 *        (4 or 16 bytes; the length gives the family), underlay address
 *        of the node that owns the prefix; may be of either family
 *        independently of the prefix, but the device must have an
 *        underlay socket of that family
 *    PODNET_ROUTE_A_TX_PACKETS: NLA_U64 (output only)
 *    PODNET_ROUTE_A_TX_BYTES: NLA_U64 (output only)
 *    PODNET_ROUTE_A_RX_PACKETS: NLA_U64 (output only)
 *    PODNET_ROUTE_A_RX_BYTES: NLA_U64 (output only)
 *
 * The counters are those of the route's node (its VIA address), shared by
 * every prefix of the device routed via that address, as WireGuard counts
 * per peer rather than per allowed IP: TX counts packets sent to the node,
 * RX packets received from it whose inner source matched one of its
 * prefixes.  (Before PODNET_A_PEER_COUNT existed they were per prefix.)
 * They start at zero when the first prefix via an address is added, are
 * kept while any prefix of the device (in the live table, or in one a
 * PODNET_CMD_ROUTE_SET is building) goes via it, and follow a prefix
 * whose VIA is replaced to its new node.
 *
 * PODNET_CMD_GET_DEVICE
 *    do: device attributes in; reply: IFINDEX, IFNAME, VNI, PORT, LOCAL
 *    and/or LOCAL6 (if set), TTL, TOS, UDP_CSUM, UDP_ZERO_CSUM6_TX,
 *    UDP_ZERO_CSUM6_RX, DF, ROUTE_COUNT, GENERATION, DROPS, MAX_ROUTES
 *    and PEER_COUNT.
 *    dump: no attributes; one message as above per podnet device of the
 *    caller's namespace.
 *
 *    PODNET_A_ROUTE_COUNT: NLA_U32, number of routes (both families)
 *    PODNET_A_GENERATION: NLA_U32, the device's own: changes whenever its
 *        route table does, and only then (never by changes of another
 *        device); never 0
 *    PODNET_A_MAX_ROUTES: NLA_U32, the route limit (IFLA_PODNET_MAX_ROUTES)
 *    PODNET_A_PEER_COUNT: NLA_U32, number of distinct VIA addresses the
 *        routes go to; each has one set of counters and one route cache
 *    PODNET_A_DROPS: NLA_NESTED of PODNET_DROP_A_* (NLA_U64 each): packets
 *        dropped, by reason (see enum podnet_drop_attr)
 *
 * PODNET_CMD_ROUTE_NEW (do)
 *    Device and one PODNET_A_ROUTE with FAMILY, DST, DST_LEN and VIA.
 *    Follows the nlmsg_flags as `ip route` does:
 *      - the prefix exists and NLM_F_EXCL is set: -EEXIST;
 *      - the prefix exists otherwise: its VIA is replaced;
 *      - the prefix does not exist, NLM_F_REPLACE set, NLM_F_CREATE not:
 *        -ENOENT;
 *      - the prefix does not exist otherwise: it is created, or -ENOSPC if
 *        the device holds IFLA_PODNET_MAX_ROUTES prefixes already.
 *    So "add" sends NLM_F_CREATE | NLM_F_EXCL, "replace" sends
 *    NLM_F_CREATE | NLM_F_REPLACE.
 *
 * PODNET_CMD_ROUTE_DEL (do)
 *    Device and one PODNET_A_ROUTE with FAMILY, DST and DST_LEN (exact
 *    prefix); if VIA is given it must match.  -ENOENT if there is no such
 *    route.
 *
 * PODNET_CMD_ROUTE_GET
 *    do: device and one PODNET_A_ROUTE with FAMILY and DST; with DST_LEN
 *    the exact prefix is returned, without it the longest prefix matching
 *    DST (what the data path would use).  -ENOENT if none.  The reply
 *    carries IFINDEX, IFNAME and PODNET_A_ROUTE with all route attributes.
 *    dump: optional device (without one, the routes of every podnet device
 *    of the caller's namespace); one message (NLM_F_MULTI) per route, each
 *    with IFINDEX, IFNAME and PODNET_A_ROUTE.  Dumps are resumable across
 *    any number of recvmsg() calls, each resuming after the last route it
 *    sent (by prefix, not by position), so a dump costs time in
 *    proportion to the table and takes no lock that route changes wait
 *    for.  If the table changes while a dump is in progress, the messages
 *    after the change carry NLM_F_DUMP_INTR and the caller should start
 *    over.  A dump of one device is checked against that device's
 *    generation, a dump of every device against changes to any device of
 *    the caller's namespace; changes in other namespaces never interrupt it.
 *
 * PODNET_CMD_ROUTE_FLUSH (do)
 *    Device; removes every route.  Optional PODNET_A_FAMILY (NLA_U16,
 *    AF_INET or AF_INET6) limits the flush to prefixes of that family.
 *
 * PODNET_CMD_ROUTE_SET (do)
 *    Device and any number (including zero) of PODNET_A_ROUTE attributes,
 *    repeated at the top level of the message (not nested in a list: a
 *    nest is limited to 64 KiB).  Builds a new table from them and swaps
 *    it in atomically: the data path sees either the old table or the new
 *    one, never a mix.  Duplicate prefixes in the request are an error,
 *    as are more than IFLA_PODNET_MAX_ROUTES of them (-ENOSPC).
 *    Counters of prefixes present in both tables are kept.  A large table
 *    needs a large message: raise the socket's send buffer
 *    (SO_SNDBUFFORCE) accordingly, about 64 bytes per route, or send
 *    the table in a transaction (below).
 *
 * Route set transactions: a whole-table replace of any size
 *    A table too large for one message is sent in several, as nftables
 *    sends a batch: PODNET_CMD_ROUTE_SET_BEGIN, any number of
 *    PODNET_CMD_ROUTE_SET_APPEND, then PODNET_CMD_ROUTE_SET_COMMIT (or
 *    PODNET_CMD_ROUTE_SET_ABORT).  The table is built aside; readers and
 *    the data path see the old table until the commit swaps the new one in
 *    at once, exactly as PODNET_CMD_ROUTE_SET does (same notification,
 *    counters of kept prefixes kept, one generation change).  Each command
 *    carries the device (IFINDEX or IFNAME) and nothing else but for the
 *    routes of APPEND.
 *
 *    A transaction belongs to the netlink socket that began it: only that
 *    socket may append to, commit or abort it (another gets -EBUSY), and
 *    it is aborted when that socket is closed.  A device has at most one
 *    transaction: a second BEGIN, from any socket, fails with -EBUSY
 *    until the first is committed or aborted.  Single changes
 *    (ROUTE_NEW, ROUTE_DEL, ROUTE_FLUSH, ROUTE_SET) meanwhile still apply
 *    to the live table, and the commit replaces them with the
 *    transaction's table.  The transaction's table is bounded by
 *    IFLA_PODNET_MAX_ROUTES and its memory is charged to the memory
 *    cgroup of the caller.
 *
 * PODNET_CMD_ROUTE_SET_BEGIN (do)
 *    Device.  Starts an empty transaction.  -EBUSY if the device has one.
 *
 * PODNET_CMD_ROUTE_SET_APPEND (do)
 *    Device and any number of PODNET_A_ROUTE attributes at the top level,
 *    as in PODNET_CMD_ROUTE_SET, each with FAMILY, DST, DST_LEN and VIA.
 *    Adds them to the transaction's table.  A route that is invalid,
 *    given twice (in this chunk or an earlier one), or beyond
 *    IFLA_PODNET_MAX_ROUTES (-ENOSPC) aborts the whole transaction: the
 *    error's extack names the route (its attribute offset in this
 *    message) and nothing is applied.  -ENOENT if the device has no
 *    transaction (none begun, or aborted), -EBUSY if it is another
 *    socket's.
 *
 * PODNET_CMD_ROUTE_SET_COMMIT (do)
 *    Device.  Swaps the transaction's table in and ends the transaction.
 *    -ENOENT / -EBUSY as for APPEND.
 *
 * PODNET_CMD_ROUTE_SET_ABORT (do)
 *    Device.  Discards the transaction; the live table and its generation
 *    are untouched.  -ENOENT / -EBUSY as for APPEND.
 *
 * Multicast group PODNET_MCGRP_ROUTES ("routes")
 *    PODNET_CMD_ROUTE_NEW (route created or replaced) and
 *    PODNET_CMD_ROUTE_DEL (route removed) with IFINDEX, IFNAME and
 *    PODNET_A_ROUTE (FAMILY, DST, DST_LEN, VIA); PODNET_CMD_ROUTE_FLUSH
 *    and PODNET_CMD_ROUTE_SET with IFINDEX, IFNAME, ROUTE_COUNT and
 *    GENERATION after a flush or a whole-table replace.  Routes removed
 *    because their device is deleted are not announced.
 */

#ifndef _UAPI_LINUX_PODNET_H
#define _UAPI_LINUX_PODNET_H

#include <linux/types.h>

#define PODNET_LINK_KIND	"podnet"
#define PODNET_GENL_NAME	"podnet"
#define PODNET_GENL_VERSION	1
#define PODNET_MCGRP_ROUTES	"routes"

#define PODNET_DEFAULT_PORT	6081
#define PODNET_DEFAULT_TTL	64
#define PODNET_TOS_INHERIT	1
#define PODNET_VNI_MAX		0xffffff
#define PODNET_DEFAULT_MAX_ROUTES	16384
#define PODNET_MAX_ROUTES_LIMIT		1048576

enum podnet_df {
	PODNET_DF_UNSET,	/* outer DF clear */
	PODNET_DF_SET,		/* outer DF set */
	PODNET_DF_INHERIT,	/* from the inner IPv4 header; set for IPv6 */
	__PODNET_DF_MAX
};

#define PODNET_DF_MAX (__PODNET_DF_MAX - 1)

/* Link attributes, in IFLA_INFO_DATA. */
enum {
	IFLA_PODNET_UNSPEC,
	IFLA_PODNET_VNI,
	IFLA_PODNET_PORT,
	IFLA_PODNET_LOCAL,
	IFLA_PODNET_LOCAL6,
	IFLA_PODNET_TTL,
	IFLA_PODNET_TOS,
	IFLA_PODNET_UDP_CSUM,
	IFLA_PODNET_UDP_ZERO_CSUM6_TX,
	IFLA_PODNET_UDP_ZERO_CSUM6_RX,
	IFLA_PODNET_DF,
	IFLA_PODNET_MAX_ROUTES,
	__IFLA_PODNET_MAX
};

#define IFLA_PODNET_MAX (__IFLA_PODNET_MAX - 1)

enum podnet_cmd {
	PODNET_CMD_UNSPEC,
	PODNET_CMD_GET_DEVICE,
	PODNET_CMD_ROUTE_NEW,
	PODNET_CMD_ROUTE_DEL,
	PODNET_CMD_ROUTE_GET,
	PODNET_CMD_ROUTE_FLUSH,
	PODNET_CMD_ROUTE_SET,
	PODNET_CMD_ROUTE_SET_BEGIN,
	PODNET_CMD_ROUTE_SET_APPEND,
	PODNET_CMD_ROUTE_SET_COMMIT,
	PODNET_CMD_ROUTE_SET_ABORT,
	__PODNET_CMD_MAX
};

#define PODNET_CMD_MAX (__PODNET_CMD_MAX - 1)

/* Top-level attributes. */
enum podnet_attr {
	PODNET_A_UNSPEC,
	PODNET_A_PAD,
	PODNET_A_IFINDEX,		/* u32 */
	PODNET_A_IFNAME,		/* string */
	PODNET_A_ROUTE,			/* nest: PODNET_ROUTE_A_* */
	PODNET_A_FAMILY,		/* u16: ROUTE_FLUSH filter */
	PODNET_A_VNI,			/* u32 */
	PODNET_A_PORT,			/* be16 */
	PODNET_A_LOCAL,			/* be32, struct in_addr */
	PODNET_A_LOCAL6,		/* struct in6_addr */
	PODNET_A_TTL,			/* u8 */
	PODNET_A_TOS,			/* u8 */
	PODNET_A_UDP_CSUM,		/* u8 */
	PODNET_A_UDP_ZERO_CSUM6_TX,	/* u8 */
	PODNET_A_UDP_ZERO_CSUM6_RX,	/* u8 */
	PODNET_A_DF,			/* u8, enum podnet_df */
	PODNET_A_ROUTE_COUNT,		/* u32 */
	PODNET_A_GENERATION,		/* u32 */
	PODNET_A_DROPS,			/* nest: PODNET_DROP_A_* */
	PODNET_A_MAX_ROUTES,		/* u32 */
	PODNET_A_PEER_COUNT,		/* u32 */
	__PODNET_A_MAX
};

#define PODNET_A_MAX (__PODNET_A_MAX - 1)

/* Attributes of a route, nested in PODNET_A_ROUTE. */
enum podnet_route_attr {
	PODNET_ROUTE_A_UNSPEC,
	PODNET_ROUTE_A_PAD,
	PODNET_ROUTE_A_FAMILY,		/* u16 */
	PODNET_ROUTE_A_DST,		/* in_addr or in6_addr */
	PODNET_ROUTE_A_DST_LEN,		/* u8 */
	PODNET_ROUTE_A_VIA,		/* in_addr or in6_addr */
	PODNET_ROUTE_A_TX_PACKETS,	/* u64 */
	PODNET_ROUTE_A_TX_BYTES,	/* u64 */
	PODNET_ROUTE_A_RX_PACKETS,	/* u64 */
	PODNET_ROUTE_A_RX_BYTES,	/* u64 */
	__PODNET_ROUTE_A_MAX
};

#define PODNET_ROUTE_A_MAX (__PODNET_ROUTE_A_MAX - 1)

/*
 * Drop counters by reason, nested in PODNET_A_DROPS, each a u64 count of
 * packets.
 */
enum podnet_drop_attr {
	PODNET_DROP_A_UNSPEC,
	PODNET_DROP_A_PAD,
	/* transmit: no route for the inner destination (ICMP unreachable sent) */
	PODNET_DROP_A_NO_ROUTE,
	/* transmit: the route's node is not reachable in the underlay */
	PODNET_DROP_A_UNDERLAY,
	/* transmit: too big for the path, with DF (ICMP sent) */
	PODNET_DROP_A_TOO_BIG,
	/* transmit: not an IPv4 or IPv6 packet, or a malformed one */
	PODNET_DROP_A_TX_INVALID,
	/* receive: Geneve version other than 0 */
	PODNET_DROP_A_BAD_VERSION,
	/* receive: an option with the critical (C) bit set */
	PODNET_DROP_A_CRITICAL_OPTION,
	/* receive: VNI not the device's */
	PODNET_DROP_A_UNKNOWN_VNI,
	/* receive: protocol type neither 0x0800 nor 0x86dd */
	PODNET_DROP_A_UNKNOWN_PROTO,
	/* receive: truncated or malformed Geneve header or inner packet */
	PODNET_DROP_A_MALFORMED,
	/* receive: inner source not routed to the node that sent it */
	PODNET_DROP_A_SPOOFED_SOURCE,
	/* receive: control (OAM) packet, O bit set */
	PODNET_DROP_A_OAM,
	/* receive: ECN decapsulation error (CE on a not-ECT inner packet) */
	PODNET_DROP_A_ECN,
	/* receive: device down */
	PODNET_DROP_A_DOWN,
	__PODNET_DROP_A_MAX
};

#define PODNET_DROP_A_MAX (__PODNET_DROP_A_MAX - 1)

#endif /* _UAPI_LINUX_PODNET_H */
