#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted podvol member sets for selftests/podvol_crafted.sh.

  podvol_crafted.py SEED COUNT DIR
  podvol_crafted.py run SEED COUNT DIR

writes COUNT member sets into DIR/NNNN/m0 ... (sparse files, to be put on
loop devices) and one line per set to stdout:

  NNNN MEMBERS KIND EXPECT [REPAIR]

and DIR/NNNN/allowed: one line per pool state the set's metadata allows to
run (see allowed()), in the form podvol_crafted.sh builds from
"podvolctl -j pool show" and "volume list" of a running pool:

  POOL-UUID GENERATION NR_MEMBERS CHUNK-BYTES MEMBER-BYTES,... NAME:BYTES,...

(MEMBER-BYTES: a member's data area, whole chunks after the data offset.)

EXPECT is "run:G" (the pool must assemble at generation G), "refuse" (the
pool must not start) or "any" (either, as long as the kernel refuses
cleanly or assembles a consistent pool).  REPAIR "i:g:s..." names a
member i whose damaged slot must afterwards hold generation g, and whose
other slot must still hold generation s (0: not checked).

"run" (podvol_crafted.sh with more than 20 sets: make stress) makes the
sets one at a time and puts each through the kernel itself, as the shell
test does with podvolctl and losetup but without a process per step:
loop devices by ioctl, the kernel's "pool add" (PODVOL_CMD_POOL_ADD_MEMBER,
what "podvolctl pool add" sends), the pools by dump, the volumes from sysfs,
I/O over every volume whole, "pool stop"; and prints the same checks as
"@@ ok DESC" / "@@ fail DESC" lines, reasons as plain lines.

Every set starts from a consistent pool of 1 to 4 members with two
generations on disk (G in slot G & 1, G - 1 in the other, as podvol writes
them); KIND says what was done to it (see MUTATIONS).  The on-disk format
is that of include/uapi/linux/podvol.h, written here independently of the
C codec.
"""
import fcntl
import mmap
import os
import random
import socket
import struct
import sys
import time
import uuid

MAGIC = 0x42534c4f56444f50
SB_SIZE = 4096
SLOT_OFF = (512 * 1024, 1024 * 1024)
DATA_MIN = 4096         # sectors

CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    CRC_TABLE.append(_c)


def crc32c(data, crc=0xFFFFFFFF):
    """As the kernel's crc32c(): seed ~0, no final inversion."""
    t = CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


class Pool:
    """One generation of a pool: geometry, members, volumes."""

    def __init__(self, rng, n):
        self.uuid = rng.randbytes(16)
        self.name = 'p%d' % rng.randrange(1000)
        self.ctime = 1700000000 + rng.randrange(10**6)
        self.n = n
        self.chunk = rng.choice((8, 32, 128))
        self.data_offset = (DATA_MIN + self.chunk - 1) // self.chunk * self.chunk
        self.sectors = [2048 * rng.randrange(4, 9) + 8 * rng.randrange(8)
                        for _ in range(n)]
        self.muuid = [rng.randbytes(16) for _ in range(n)]
        self.vols = []
        self.gen = 1

    def copy(self):
        p = Pool.__new__(Pool)
        p.__dict__.update(self.__dict__)
        p.sectors = list(self.sectors)
        p.muuid = list(self.muuid)
        p.vols = [dict(v) for v in self.vols]
        return p

    def add_volume(self, rng, cursor):
        """A volume of one or two extents on free space after @cursor."""
        exts = []
        lpos = 0
        for _ in range(rng.choice((1, 1, 2))):
            w = rng.randrange(1, self.n + 1)
            members = rng.sample(range(self.n), w)
            room = min((self.sectors[m] - cursor[m]) // self.chunk
                       for m in members)
            if room < 1:
                break
            ln = self.chunk * rng.randrange(1, min(room, 24) + 1)
            stripes = []
            for m in members:
                stripes.append((m, cursor[m]))
                cursor[m] += ln
            exts.append((lpos, ln, stripes))
            lpos += ln * w
        if not exts:
            return False
        last = exts[-1][1] * len(exts[-1][2])
        lo = lpos - last + 8
        size = rng.randrange(lo, lpos + 8, 8) if lo <= lpos else lpos
        self.vols.append({'uuid': rng.randbytes(16),
                          'name': 'v%d' % len(self.vols), 'size': size,
                          'ctime': self.ctime + len(self.vols),
                          'exts': exts})
        return True

    def table(self):
        out = b''
        for v in self.vols:
            out += struct.pack('<16s64sQQII24x', v['uuid'],
                               v['name'].encode(), v['size'], v['ctime'],
                               len(v['exts']), 0)
            for lstart, ln, stripes in v['exts']:
                out += struct.pack('<QQII', lstart, ln, len(stripes), 0)
                for m, pstart in stripes:
                    out += struct.pack('<IIQ', m, 0, pstart)
        return out

    def encode(self, idx, slot=None, seal=True):
        """Member @idx's copy of this generation: the bytes of a slot."""
        if slot is None:
            slot = self.gen & 1
        tb = self.table()
        sb = bytearray(SB_SIZE)
        struct.pack_into('<QII Q16s16sII64sIIQIIIIQQ', sb, 0, MAGIC, 1, 0,
                         self.gen, self.uuid, self.muuid[idx], idx, self.n,
                         self.name.encode(), self.chunk, slot,
                         self.data_offset, len(tb), crc32c(tb),
                         len(self.vols), 0, self.ctime,
                         self.ctime + self.gen)
        for i in range(min(self.n, 32)):
            struct.pack_into('<16sQQ', sb, 1024 + 32 * i, self.muuid[i],
                             self.sectors[i], 0)
        if seal:
            reseal(sb)
        return bytes(sb) + tb


def reseal(sb):
    struct.pack_into('<I', sb, 12, 0)
    struct.pack_into('<I', sb, 12, crc32c(bytes(sb[:SB_SIZE])))


def build(rng, n):
    """Generations G - 1 and G of a pool; G adds a volume."""
    p = Pool(rng, n)
    cursor = [p.data_offset] * n
    for _ in range(rng.randrange(0, 3)):
        p.add_volume(rng, cursor)
    p.gen = rng.randrange(2, 60)
    old = p.copy()
    old.gen = p.gen - 1
    p.add_volume(rng, cursor)
    return old, p


def torn(rng, data):
    """A copy cut short or scribbled on, magic kept: checksum fails."""
    b = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        at = rng.randrange(8, len(b))
        b[at] ^= 1 << rng.randrange(8)
    if b == bytearray(data):
        b[20] ^= 1
    return bytes(b)


def m_clean(rng, n, disks, old, new):
    return 'run:%d' % new.gen, ''


def m_torn_newest(rng, n, disks, old, new):
    """One member's copy of G damaged: G still wins, and is written back."""
    i = rng.randrange(n)
    disks[i][new.gen & 1] = torn(rng, disks[i][new.gen & 1])
    if n == 1:
        return 'run:%d' % old.gen, ''
    return 'run:%d' % new.gen, '%d:%d:%d' % (i, new.gen, old.gen)


def m_plausible(rng, n, disks, old, new):
    """A changed field in one member's copy of G, checksum not updated."""
    i = rng.randrange(n)
    b = bytearray(disks[i][new.gen & 1])
    field = rng.choice((40 + 16 + 4, 24, 120 + 4, 1024 + 16))
    b[field] ^= 1 << rng.randrange(4)
    disks[i][new.gen & 1] = bytes(b)
    if n == 1:
        return 'run:%d' % old.gen, ''
    return 'run:%d' % new.gen, '%d:%d:%d' % (i, new.gen, old.gen)


def m_crash_mid(rng, n, disks, old, new):
    """Power cut while writing G: the later members still have G - 2."""
    if n == 1:
        return 'run:%d' % new.gen, ''
    k = rng.randrange(1, n)
    older = old.copy()
    older.gen = old.gen - 1
    for i in range(k, n):
        disks[i][new.gen & 1] = older.encode(i) if older.gen else b''
    return 'run:%d' % old.gen, ''


def m_finding2(rng, n, disks, old, new):
    """Newest copies (2 members) disagree; older ones agree on 3 members."""
    return 'refuse', ''


def m_wrong_index(rng, n, disks, old, new):
    """Member i's copy of G names another index (and its UUID)."""
    if n == 1:
        return m_clean(rng, n, disks, old, new)
    i = rng.randrange(n)
    j = (i + rng.randrange(1, n)) % n
    disks[i][new.gen & 1] = new.encode(j)
    if rng.randrange(2):
        disks[i][old.gen & 1] = old.encode(j)
    return 'any', ''


def m_swap_members(rng, n, disks, old, new):
    """Two members' disks exchanged within generation G only."""
    if n == 1:
        return m_clean(rng, n, disks, old, new)
    i, j = rng.sample(range(n), 2)
    disks[i][new.gen & 1], disks[j][new.gen & 1] = \
        disks[j][new.gen & 1], disks[i][new.gen & 1]
    return 'any', ''


def m_nr_members(rng, n, disks, old, new):
    """One member's copies count another number of members."""
    i = rng.randrange(n)
    for g in (old, new):
        p = g.copy()
        p.n = rng.choice([x for x in range(1, 6) if x != n and x > i])
        while len(p.sectors) < p.n:
            p.sectors.append(p.sectors[0])
            p.muuid.append(rng.randbytes(16))
        p.sectors = p.sectors[:p.n]
        p.muuid = p.muuid[:p.n]
        p.vols = [v for v in p.vols
                  if all(m < p.n for e in v['exts'] for m, _ in e[2])]
        if rng.randrange(2) or g is new:
            disks[i][g.gen & 1] = p.encode(i)
    return 'any', ''


def m_geometry(rng, n, disks, old, new):
    """Geometry other than the members': sizes, offset, chunk, overlap."""
    what = rng.randrange(5)
    for g in ((new,) if rng.randrange(2) else (old, new)):
        p = g.copy()
        if what == 0:
            p.sectors = [s + 2048 * 64 for s in p.sectors]
        elif what == 1:
            p.data_offset = (1 << 64) - p.chunk
        elif what == 2:
            p.chunk *= 2
        elif what == 3 and p.vols:
            v = p.vols[-1]
            lstart, ln, stripes = v['exts'][0]
            v['exts'][0] = (lstart, ln, [(m, p.data_offset) for m, _ in stripes])
            if len(p.vols) == 1:
                p.vols.append(dict(v, name='dup', uuid=rng.randbytes(16)))
        else:
            p.sectors[rng.randrange(n)] = rng.choice((0, 1 << 63, (1 << 64) - 8))
        for i in range(n):
            disks[i][g.gen & 1] = p.encode(i)
    return 'any', ''


def m_wrong_slot(rng, n, disks, old, new):
    """Copies of G and G - 1 written into each other's slots."""
    for i in range(n):
        disks[i] = [new.encode(i, slot=0), old.encode(i, slot=1)] \
            if new.gen & 1 else [old.encode(i, slot=0), new.encode(i, slot=1)]
    return 'refuse', ''


def m_foreign(rng, n, disks, old, new):
    """One member's copy of G belongs to another pool (or another name)."""
    i = rng.randrange(n)
    p = new.copy()
    if rng.randrange(2):
        p.uuid = rng.randbytes(16)
    else:
        p.name = 'other'
    disks[i][new.gen & 1] = p.encode(i)
    return 'any', ''


def m_fuzz(rng, n, disks, old, new):
    """Random bytes changed in random copies, resealed or not."""
    for _ in range(rng.randrange(1, 4)):
        i, s = rng.randrange(n), rng.randrange(2)
        if not disks[i][s]:
            continue
        b = bytearray(disks[i][s])
        for _ in range(rng.randrange(1, 4)):
            at = rng.choice((rng.randrange(256), rng.randrange(1024, 1200),
                             rng.randrange(SB_SIZE, len(b)) if len(b) > SB_SIZE
                             else 16))
            b[at] = rng.randrange(256)
        if rng.randrange(4):
            struct.pack_into("<I", b, 148, crc32c(bytes(b[SB_SIZE:])))
            reseal(b)
        disks[i][s] = bytes(b)
    return 'any', ''


def m_mixed(rng, n, disks, old, new):
    """Two mutations at once."""
    for f in rng.sample(MUTATIONS[2:-1], 2):
        f(rng, n, disks, old, new)
    return 'any', ''


MUTATIONS = [m_clean, m_finding2, m_torn_newest, m_plausible, m_crash_mid,
             m_wrong_index, m_swap_members, m_nr_members, m_geometry,
             m_wrong_slot, m_foreign, m_fuzz, m_mixed]


def finding2(rng):
    """The review's pair: generation G on 2 members, G - 1 on 3."""
    old, new = build(rng, 3)
    two = new.copy()
    two.n = 2
    two.sectors = two.sectors[:2]
    two.muuid = two.muuid[:2]
    two.vols = []
    cursor = [two.data_offset] * 2
    a = two.copy()
    a.add_volume(rng, cursor)
    b = two.copy()
    b.add_volume(rng, cursor)
    b.add_volume(rng, cursor)
    # G - 1 must stripe over member 2 for the first I/O to reach it.
    cursor = [old.data_offset] * 3
    old.vols = []
    while not any(m == 2 for v in old.vols for e in v['exts'] for m, _ in e[2]):
        old.vols = []
        cursor = [old.data_offset] * 3
        old.add_volume(rng, cursor)
    return old, [[None, None], [None, None]], a, b


def decode(data):
    """A valid copy (magic, version, flags, both checksums, its own member
    UUID the one the member list gives its index) as a dict, or None.

    Independent of the C codec: this is what the format allows, byte by byte.
    """
    if len(data) < SB_SIZE:
        return None
    sb = bytearray(data[:SB_SIZE])
    (magic, version, crc, gen, puuid, muuid, idx, n, _name, chunk, slot,
     doff, tbytes, tcrc, nvols, incompat) = struct.unpack_from(
         '<QIIQ16s16sII64sIIQIIII', sb, 0)
    if magic != MAGIC or version != 1 or incompat & ~1 or not gen:
        return None
    struct.pack_into('<I', sb, 12, 0)
    if crc32c(bytes(sb)) != crc or tbytes > 512 * 1024 - SB_SIZE or \
            len(data) < SB_SIZE + tbytes or \
            crc32c(data[SB_SIZE:SB_SIZE + tbytes]) != tcrc:
        return None
    if not 1 <= n <= 32 or idx >= n:
        return None
    members = [struct.unpack_from('<16sQ', sb, 1024 + 32 * i)
               for i in range(n)]
    tb = data[SB_SIZE:SB_SIZE + tbytes]
    vols, pos = [], 0
    try:
        for _ in range(nvols):
            _vu, vname, size, _ct, nex, flags = struct.unpack_from(
                '<16s64sQQII', tb, pos)
            pos += 128
            exts = []
            for _ in range(nex):
                lstart, ln, width, _r = struct.unpack_from('<QQII', tb, pos)
                pos += 24
                stripes = []
                for _ in range(width):
                    m, _r, pstart = struct.unpack_from('<IIQ', tb, pos)
                    pos += 16
                    stripes.append((m, pstart))
                exts.append((lstart, ln, stripes))
            vols.append((vname.split(b'\0')[0], size, flags, exts))
    except struct.error:
        return None
    if muuid != members[idx][0]:
        return None
    return {'uuid': puuid, 'gen': gen, 'idx': idx, 'n': n, 'chunk': chunk,
            'slot': slot, 'doff': doff, 'members': members, 'vols': vols,
            'muuid': muuid, 'end': pos == tbytes}


def geometry_ok(c, disk_bytes):
    """Does copy @c describe a layout that fits, @disk_bytes[i] being the
    size of the disk that is member i?  Chunk a power of two of 4 KiB to
    1 GiB, data offset from 2 MiB and chunk aligned, members inside their
    disks, every extent a positive multiple of the chunk at its logical
    place, stripes of distinct members inside the data area, no two
    stripes overlapping, each volume's size within its extents.
    """
    ch, doff = c['chunk'], c['doff']
    if ch & (ch - 1) or not 8 <= ch <= (1 << 21) or doff < 4096 or doff % ch:
        return False
    if not c['end'] or len(c['vols']) > 1024:
        return False
    for i, (_u, sectors) in enumerate(c['members']):
        if sectors <= doff or sectors * 512 > disk_bytes[i]:
            return False
    used = []
    for name, size, flags, exts in c['vols']:
        if not name or flags or not exts or not size or size % 8:
            return False
        lpos = 0
        for lstart, ln, stripes in exts:
            if lstart != lpos or not ln or ln % ch or not stripes:
                return False
            if len(set(m for m, _ in stripes)) != len(stripes):
                return False
            for m, pstart in stripes:
                if m >= c['n'] or pstart % ch or pstart < doff or \
                        pstart + ln > c['members'][m][1]:
                    return False
                used.append((m, pstart, pstart + ln))
            lpos += ln * len(stripes)
        if size > lpos or size <= lpos - exts[-1][1] * len(exts[-1][2]):
            return False
    used.sort()
    for a, b in zip(used, used[1:]):
        if a[0] == b[0] and b[1] < a[2]:
            return False
    return True


def allowed(disks, sizes):
    """The pool states this set lets run: a generation of one pool whose
    valid copies, in their own slots, are on n of the set's disks as members
    0 .. n - 1 (one each, with the member UUIDs the copies list), agree on
    the geometry and the volumes, and whose geometry fits those disks.
    Disks whose copy of that generation says otherwise are not among those
    members (a pool may run without a disk that claims to belong to it:
    "pool add" refuses that disk), but they cannot stand in for one.  A
    member may lack a valid copy of that generation only if its slot for it
    holds no valid copy at all (damaged) and its other copy shows it to be
    that member of that pool.
    """
    # a copy that is not valid on its own disk is damaged, as one that
    # fails its checksums: the member's slot holds no valid copy
    dec = [[decode(d) if d else None for d in dk] for dk in disks]
    for i, dk in enumerate(dec):
        for s, c in enumerate(dk):
            if c and not geometry_ok(c, [sizes[i] if m == c['idx'] else 1 << 62
                                         for m in range(c['n'])]):
                dk[s] = None
    out = set()
    groups = {}

    def geom(c):
        return (c['n'], c['chunk'], c['doff'], c['members'], c['vols'])
    for i, dk in enumerate(dec):
        for s, c in enumerate(dk):
            if c and c['slot'] == s and s == c['gen'] & 1:
                groups.setdefault((c['uuid'], c['gen'], repr(geom(c))),
                                  []).append((i, c))
    for (puuid, gen, _), copies in groups.items():
        ref = copies[0][1]
        # which disk is member m: its copy of this generation, or another
        # valid copy of the same pool naming it m with that member UUID
        where = {}
        for i, c in copies:
            where.setdefault(c['idx'], set()).add(i)
        for i, dk in enumerate(dec):
            if any(i in w for w in where.values()):
                continue
            if dk[gen & 1]:
                continue
            for c in dk:
                if c and c['uuid'] == puuid and c['idx'] < ref['n'] and \
                        c['muuid'] == ref['members'][c['idx']][0]:
                    where.setdefault(c['idx'], set()).add(i)
        if sorted(where) != list(range(ref['n'])) or \
                any(len(w) != 1 for w in where.values()):
            continue
        if any(c['muuid'] != ref['members'][c['idx']][0] for _, c in copies):
            continue
        bytes_of = [sizes[next(iter(where[m]))] for m in range(ref['n'])]
        if not geometry_ok(ref, bytes_of):
            continue
        vols = ','.join(sorted('%s:%d' % (v[0].decode('latin-1'), v[1] * 512)
                               for v in ref['vols']))
        out.add('%s %d %d %d %s %s' % (
            uuid.UUID(bytes=puuid), gen, ref['n'], ref['chunk'] * 512,
            ','.join(str((s - ref['doff']) // ref['chunk'] * ref['chunk'] * 512)
                     for _, s in ref['members']), vols or '-'))
    return sorted(out)


def make_set(rng, idx, kind):
    if kind is m_finding2:
        old, disks, a, b = finding2(rng)
        for i, p in enumerate((a, b)):
            disks[i][p.gen & 1] = p.encode(i)
            disks[i][old.gen & 1] = old.encode(i)
        return 2, disks, old.sectors[:2], 'refuse', ''
    n = rng.randrange(1, 5)
    old, new = build(rng, n)
    disks = [[None, None] for _ in range(n)]
    for i in range(n):
        disks[i][new.gen & 1] = new.encode(i)
        disks[i][old.gen & 1] = old.encode(i)
    expect, repair = kind(rng, n, disks, old, new)
    return n, disks, new.sectors, expect, repair


# ------------------------------------------------------------ the kernel --
NETLINK_GENERIC, SOL_NETLINK, NETLINK_EXT_ACK = 16, 270, 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG = 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
# include/uapi/linux/podvol.h
CMD_POOL_ADD_MEMBER, CMD_POOL_STOP, CMD_POOL_GET = 2, 3, 4
A_POOL_NAME, A_POOL_UUID, A_POOL_STATE, A_CHUNK_SIZE, A_GENERATION = 2, 3, 4, 5, 6
A_NR_MEMBERS, A_NR_PRESENT, A_MEMBERS, A_MEMBER = 9, 10, 12, 13
M_INDEX, M_PATH, M_SIZE = 2, 4, 7
POOL_RUNNING = 1
LOOP_SET_FD, LOOP_CLR_FD, LOOP_CTL_GET_FREE = 0x4C00, 0x4C01, 0x4C82


def nla(t, data):
    a = struct.pack('HH', 4 + len(data), t) + data
    return a + b'\0' * (-len(a) % 4)


def nlas(buf):
    """[(type, payload)] in order (nests hold repeated types)."""
    out = []
    while len(buf) >= 4:
        ln, t = struct.unpack_from('HH', buf)
        if ln < 4:
            break
        out.append((t & 0x3fff, buf[4:ln]))
        buf = buf[(ln + 3) & ~3:]
    return out


class Podvol:
    """The podvol generic netlink family, request by request."""

    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 0
        self.fam = GENL_ID_CTRL
        _, _, msgs = self.talk(CTRL_CMD_GETFAMILY,
                            nla(CTRL_ATTR_FAMILY_NAME, b'podvol\0'))
        fid = dict(nlas(msgs[0][4:]))[CTRL_ATTR_FAMILY_ID]
        self.fam = struct.unpack('H', fid[:2])[0]

    def talk(self, cmd, payload, dump=False):
        """Returns (errno, extack message or "", [genl payloads])."""
        self.seq += 1
        body = struct.pack('BBH', cmd, 1, 0) + payload
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        self.s.send(struct.pack('IHHII', 16 + len(body), self.fam, flags,
                                self.seq, 0) + body)
        msgs = []
        while True:
            data = self.s.recv(1 << 20)
            while len(data) >= 16:
                ln, t, fl, seq, _ = struct.unpack_from('IHHII', data)
                p = data[16:ln]
                data = data[(ln + 3) & ~3:]
                if seq != self.seq:
                    continue
                if t == NLMSG_DONE:
                    return 0, '', msgs
                if t == NLMSG_ERROR:
                    err = -struct.unpack_from('i', p)[0]
                    why = ''
                    if fl & 0x200:		# NLM_F_ACK_TLVS
                        off = 4 + (16 if fl & 0x100 else
                                   struct.unpack_from('I', p, 4)[0])
                        for at, av in nlas(p[(off + 3) & ~3:]):
                            if at == NLMSGERR_ATTR_MSG:
                                why = av.rstrip(b'\0').decode(errors='replace')
                    if err or not dump:
                        return err, why, msgs
                    continue
                msgs.append(p)

    def add(self, dev):
        err, why, _ = self.talk(CMD_POOL_ADD_MEMBER,
                                nla(A_MEMBER | 0x8000,
                                    nla(M_PATH, dev.encode() + b'\0')))
        return err, why

    def stop(self, name):
        err, why, _ = self.talk(CMD_POOL_STOP,
                                nla(A_POOL_NAME, name.encode() + b'\0'))
        return err, why

    def pools(self):
        err, why, msgs = self.talk(CMD_POOL_GET, b'', dump=True)
        if err:
            raise OSError(err, why)
        out = []
        for m in msgs:
            a = nlas(m[4:])
            d = {t: v for t, v in a}
            mem = []
            for t, v in a:
                if t != A_MEMBERS:
                    continue
                for _, mv in nlas(v):
                    md = dict(nlas(mv))
                    mem.append((struct.unpack('I', md[M_INDEX])[0],
                                struct.unpack('Q', md[M_SIZE])[0]
                                if M_SIZE in md else 0))
            out.append({
                'name': d[A_POOL_NAME].rstrip(b'\0').decode(),
                'uuid': str(uuid.UUID(bytes=d[A_POOL_UUID])),
                'running': struct.unpack('I', d[A_POOL_STATE])[0] == POOL_RUNNING,
                'gen': struct.unpack('Q', d[A_GENERATION])[0],
                'n': struct.unpack('I', d[A_NR_MEMBERS])[0],
                'present': struct.unpack('I', d[A_NR_PRESENT])[0],
                'chunk': struct.unpack('I', d[A_CHUNK_SIZE])[0],
                'members': [sz for _, sz in sorted(mem)]})
        return out


def volumes(pool):
    """{name: (bytes, /dev/podvolN)} of @pool, from sysfs."""
    out = {}
    for d in os.listdir('/sys/block'):
        if not d.startswith('podvol'):
            continue
        try:
            with open('/sys/block/%s/podvol/pool' % d) as f:
                if f.read().strip() != pool:
                    continue
            with open('/sys/block/%s/podvol/name' % d) as f:
                name = f.read().strip()
            with open('/sys/block/%s/podvol/size' % d) as f:
                out[name] = (int(f.read()), '/dev/' + d)
        except OSError:
            continue
    return out


def loop_attach(path):
    with open('/dev/loop-control', 'rb') as ctl:
        n = fcntl.ioctl(ctl, LOOP_CTL_GET_FREE)
    dev = '/dev/loop%d' % n
    fd = os.open(path, os.O_RDWR)
    try:
        with open(dev, 'r+b') as lo:
            fcntl.ioctl(lo, LOOP_SET_FD, fd)
    finally:
        os.close(fd)
    return dev


def loop_detach(dev):
    with open(dev, 'rb') as lo:
        fcntl.ioctl(lo, LOOP_CLR_FD)


def volume_io(dev, size, pat):
    """Write the whole volume (O_DIRECT), read it back: True if equal."""
    step = 1 << 20
    buf = mmap.mmap(-1, step)
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    try:
        for off in range(0, size, step):
            n = min(step, size - off)
            buf.seek(0)
            buf.write(pat[off % len(pat):off % len(pat) + n])
            if os.pwritev(fd, [memoryview(buf)[:n]], off) != n:
                return False
        os.fsync(fd)
        for off in range(0, size, step):
            n = min(step, size - off)
            if os.preadv(fd, [memoryview(buf)[:n]], off) != n or \
                    buf[:n] != pat[off % len(pat):off % len(pat) + n]:
                return False
    finally:
        os.close(fd)
    return True


def slot_gen(path, slot):
    with open(path, 'rb') as f:
        f.seek(SLOT_OFF[slot] + 16)
        return struct.unpack('<Q', f.read(8))[0]


def run(seed, count, top):
    """Every set through the kernel; the checks of podvol_crafted.sh."""
    rng = random.Random(seed)
    pat = random.Random(seed).randbytes(32 << 20)
    pv = Podvol()
    bad = {k: [] for k in ('add', 'geom', 'run', 'refuse', 'repair', 'io',
                           'stop')}
    f2 = None
    nrun = nref = nrep = nio = ngeom = nstarted = 0
    kinds, shown = {}, {}
    t0 = time.monotonic()
    for idx in range(count):
        kind = MUTATIONS[[1, 0, 2, 4, 3][idx]] if idx < 5 else \
            rng.choice(MUTATIONS)
        kinds[kind.__name__[2:]] = kinds.get(kind.__name__[2:], 0) + 1
        n, disks, sectors, expect, repair = make_set(rng, idx, kind)
        sid = '%04d' % idx
        files = write_set(disks, sectors, n, os.path.join(top, sid))
        sizes = [os.path.getsize(f) for f in files]
        allow = allowed(disks, sizes)
        loops = []
        try:
            for f in files:
                loops.append(loop_attach(f))
            for i, dev in enumerate(loops):
                err, why = pv.add(dev)
                if err and not why:
                    bad['add'].append('%s/m%d: error %d without a message'
                                      % (sid, i, err))
                if idx == 0 and err:
                    f2 = why
            pools = pv.pools()
            running = [p for p in pools if p['running']]
            nstarted += bool(running)
            gens = ' '.join(str(p['gen']) for p in running)
            if expect.startswith('run:'):
                nrun += 1
                if len(running) != 1 or gens != expect[4:]:
                    bad['run'].append('%s(%s:%s)' % (sid, kind.__name__[2:],
                                                     gens or 'not running'))
            elif expect == 'refuse':
                nref += 1
                if running:
                    bad['refuse'].append('%s(%s)' % (sid, kind.__name__[2:]))
            for p in running:
                ngeom += 1
                vols = volumes(p['name'])
                sig = '%s %d %d %d %s %s' % (
                    p['uuid'], p['gen'], p['n'], p['chunk'],
                    ','.join(str(x) for x in p['members']),
                    ','.join(sorted('%s:%d' % (v, s)
                                    for v, (s, _) in vols.items())) or '-')
                if sig not in allow or p['present'] != p['n']:
                    bad['geom'].append('%s(%s: %s, %d present; allowed: %s)' % (
                        sid, kind.__name__[2:], sig, p['present'],
                        '|'.join(allow)))
            if running:
                nio += 1
            for p in running:
                for v, (size, dev) in sorted(volumes(p['name']).items()):
                    try:
                        ok = volume_io(dev, size, pat)
                    except OSError as e:
                        ok = False
                        v += ': ' + str(e)
                    if not ok:
                        bad['io'].append('%s/%s(%s)' % (sid, v,
                                                        kind.__name__[2:]))
            for p in pools:
                err, why = pv.stop(p['name'])
                if err:
                    bad['stop'].append('%s(%s: %d %s)' % (sid, p['name'],
                                                          err, why))
            if repair and running:
                nrep += 1
                ri, rg, rs = (int(x) for x in repair.split(':'))
                g0 = slot_gen(files[ri], rg & 1)
                g1 = slot_gen(files[ri], (rg + 1) & 1)
                if g0 != rg or g1 != rs:
                    bad['repair'].append(
                        '%s(member %d: slot %d has %d, want %d; slot %d has '
                        '%d, want %d)' % (sid, ri, rg & 1, g0, rg,
                                          (rg + 1) & 1, g1, rs))
        finally:
            for dev in loops:
                loop_detach(dev)
            for f in files:
                os.unlink(f)
            os.rmdir(os.path.join(top, sid))
        for k, v in bad.items():
            for w in v[shown.get(k, 0):]:
                say('set %s: %s: %s' % (sid, k, w))
            shown[k] = len(v)
        if idx % 50 == 49:
            say('%d sets, %d started, %.0f s' % (idx + 1, nstarted,
                                                 time.monotonic() - t0))

    def result(good, desc, why):
        say('@@ %s %s' % ('ok' if good else 'fail', desc))
        for w in why[:12]:
            say(w)
    result(f2 is not None and f2 != '' and count > 0,
           "finding 2's pair (newest copies disagree, older ones name a "
           "third member) is refused, not assembled",
           [] if f2 else ['pool started or no message'])
    result(not bad['add'], 'every pool add of %d sets succeeded or was '
           'refused with a message' % count, bad['add'])
    result(not bad['geom'], '%d started pools have a generation, members, '
           'geometry and volumes their metadata allows' % ngeom, bad['geom'])
    result(not bad['run'], '%d sets with a consistent generation assembled '
           'at it' % nrun, bad['run'])
    result(not bad['refuse'], '%d sets without one were not started' % nref,
           bad['refuse'])
    result(not bad['repair'], '%d damaged copies written back into their '
           "own slot, the member's other copy kept" % nrep, bad['repair'])
    result(not bad['io'], '%d started pools read back what was written over '
           'every volume' % nio, bad['io'])
    result(not bad['stop'], 'every pool stopped', bad['stop'])
    left = [p['name'] for p in pv.pools()]
    result(not left, 'no pool left', left)
    say('%d sets (%s), %d started, in %.0f s' % (
        count, ' '.join('%s %d' % kv for kv in sorted(kinds.items())),
        nstarted, time.monotonic() - t0))
    return 0


def say(*a):
    print(*a, flush=True)


def write_set(disks, sectors, n, d):
    os.makedirs(d, exist_ok=True)
    files = []
    for i in range(n):
        path = os.path.join(d, 'm%d' % i)
        with open(path, 'wb') as f:
            f.truncate(max(sectors[i], DATA_MIN + 2048) * 512)
            for s in range(2):
                if disks[i][s]:
                    f.seek(SLOT_OFF[s])
                    f.write(disks[i][s])
        files.append(path)
    return files


def main():
    if sys.argv[1] == 'run':
        return run(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    seed, count, top = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    for idx in range(count):
        # The first sets cover every kind once, finding 2's pair first.
        kind = MUTATIONS[[1, 0, 2, 4, 3][idx]] if idx < 5 else \
            rng.choice(MUTATIONS)
        n, disks, sectors, expect, repair = make_set(rng, idx, kind)
        d = os.path.join(top, '%04d' % idx)
        os.makedirs(d, exist_ok=True)
        sizes = [max(sectors[i], DATA_MIN + 2048) * 512 for i in range(n)]
        for i in range(n):
            path = os.path.join(d, 'm%d' % i)
            with open(path, 'wb') as f:
                f.truncate(sizes[i])
                for s in range(2):
                    if disks[i][s]:
                        f.seek(SLOT_OFF[s])
                        f.write(disks[i][s])
        with open(os.path.join(d, 'allowed'), 'w') as f:
            for line in allowed(disks, sizes):
                f.write(line + '\n')
        print('%04d %d %s %s %s' % (idx, n, kind.__name__[2:], expect,
                                    repair or '-'))


if __name__ == '__main__':
    sys.exit(main())
