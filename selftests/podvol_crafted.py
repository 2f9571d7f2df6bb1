#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted podvol member sets for selftests/podvol_crafted.sh.

  podvol_crafted.py SEED COUNT DIR

writes COUNT member sets into DIR/NNNN/m0 ... (sparse files, to be put on
loop devices) and one line per set to stdout:

  NNNN MEMBERS KIND EXPECT [REPAIR]

EXPECT is "run:G" (the pool must assemble at generation G), "refuse" (the
pool must not start) or "any" (either, as long as the kernel refuses
cleanly or assembles a consistent pool).  REPAIR "i:g:s..." names a
member i whose damaged slot must afterwards hold generation g, and whose
other slot must still hold generation s (0: not checked).

Every set starts from a consistent pool of 1 to 4 members with two
generations on disk (G in slot G & 1, G - 1 in the other, as podvol writes
them); KIND says what was done to it (see MUTATIONS).  The on-disk format
is that of include/uapi/linux/podvol.h, written here independently of the
C codec.
"""
import os
import random
import struct
import sys

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


def main():
    seed, count, top = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    for idx in range(count):
        # The first sets cover every kind once, finding 2's pair first.
        kind = MUTATIONS[[1, 0, 2, 4, 3][idx]] if idx < 5 else \
            rng.choice(MUTATIONS)
        n, disks, sectors, expect, repair = make_set(rng, idx, kind)
        d = os.path.join(top, '%04d' % idx)
        os.makedirs(d, exist_ok=True)
        for i in range(n):
            path = os.path.join(d, 'm%d' % i)
            with open(path, 'wb') as f:
                f.truncate(max(sectors[i], DATA_MIN + 2048) * 512)
                for s in range(2):
                    if disks[i][s]:
                        f.seek(SLOT_OFF[s])
                        f.write(disks[i][s])
        print('%04d %d %s %s %s' % (idx, n, kind.__name__[2:], expect,
                                    repair or '-'))


if __name__ == '__main__':
    main()
