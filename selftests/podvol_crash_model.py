#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""podvol crash model: what a power cut may leave on the members.

Run by selftests/podvol_crash.sh in a guest; see the section "The crash
model" of Documentation/dev-tools/testing.rst.

  run MEMBER... : the workload, on a pool of MEMBERs, each a dm-log-writes
      device (/dev/mapper/NAME): pool create, volume create / resize /
      delete and data writes (O_DIRECT, fdatasync).  After every operation
      reported done it appends the operation to OPS and puts the mark
      "opN" into every member's log, one after the other, while nothing
      else runs.
  check LOG:IMAGE... : replays the logs (one per member, in pool order)
      into member images for CUTS cut points and checks each: the pool
      assembles, podvolctl check accepts it, the volumes are those of the
      operations reported done before the cut (or those and the one in
      flight), and every data write reported done reads back with its
      checksum.  IMAGE is the member device as the workload left it, to
      check the replayer against.

Each result is a line "@@ ok DESC" or "@@ fail DESC", followed by the
reasons as plain lines; podvol_crash.sh turns them into KTAP.
"""
import argparse
import fcntl
import hashlib
import mmap
import os
import random
import struct
import subprocess
import sys
import time

PV = "podvolctl"
SPENT = {}


def spent(what, t0):
    """Account the time since t0 to what; return the time now."""
    t = time.monotonic()
    SPENT[what] = SPENT.get(what, 0) + t - t0
    return t
POOL = "c"
CHUNK = "16K"

LOG_FLUSH, LOG_FUA, LOG_DISCARD, LOG_MARK = 1, 2, 4, 8
LOG_MAGIC = 0x6a736677736872

# struct dm_ioctl (linux/dm-ioctl.h), 312 bytes, and DM_TARGET_MSG
DM_IOCTL = struct.Struct("<3IIIIiIII Q128s129s7x")
DM_TARGET_MSG = (3 << 30) | (DM_IOCTL.size << 16) | (0xfd << 8) | 14

LOOP_SET_FD, LOOP_CLR_FD, LOOP_CTL_GET_FREE = 0x4C00, 0x4C01, 0x4C82
BLKFLSBUF = 0x1261


def say(*a):
    print(*a, flush=True)


def sh(*cmd):
    """Run cmd; return (status, output)."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, check=False)
    return p.returncode, p.stdout.strip()


def volumes():
    """The volumes of the running pools: {name: (size in MiB, /dev/podvolN)}."""
    vols = {}
    for d in sorted(os.listdir("/sys/block")):
        if not d.startswith("podvol"):
            continue
        with open(f"/sys/block/{d}/podvol/name") as f:
            name = f.read().strip()
        with open(f"/sys/block/{d}/podvol/size") as f:
            size = int(f.read()) >> 20
        vols[name] = (size, "/dev/" + d)
    return vols


def dm_message(name, msg):
    """dmsetup message NAME 0 MSG, without a process per mark."""
    body = struct.pack("<Q", 0) + msg.encode() + b"\0"
    buf = bytearray(DM_IOCTL.pack(4, 0, 0, DM_IOCTL.size + len(body),
                                  DM_IOCTL.size, 0, 0, 0, 0, 0, 0,
                                  name.encode(), b"") + body)
    with open("/dev/mapper/control", "r+b", buffering=0) as ctl:
        fcntl.ioctl(ctl, DM_TARGET_MSG, buf)


def pattern(seed, length):
    return random.Random(seed).randbytes(length)


# ------------------------------------------------------------- workload --
def workload(members, opsfile, rounds):
    """Op k of a round creates v$k (4M) and writes it, grows v$(k-1) to 8M
    and writes its new half, deletes v$(k-2).  Returns 0 when every
    operation was reported done."""
    t0 = time.monotonic()
    logs = [m.rsplit("/", 1)[-1] for m in members]
    ops = open(opsfile, "w")
    n = 0

    def done(line):
        nonlocal n
        n += 1
        ops.write(f"{n} {line}\n")
        ops.flush()
        for lg in logs:
            dm_message(lg, f"mark op{n}")

    def change(line, *cmd):
        rc, out = sh(PV, *cmd)
        if rc:
            raise RuntimeError(f"{' '.join(cmd)}: {out}")
        done(line)

    def write(vol, off, length):
        dev = volumes()[vol][1]
        data = pattern(f"{vol}@{off}", length)
        buf = mmap.mmap(-1, length)
        buf.write(data)
        fd = os.open(dev, os.O_WRONLY | os.O_DIRECT)
        try:
            if os.pwritev(fd, [buf], off) != length:
                raise RuntimeError(f"short write to {vol}")
            os.fdatasync(fd)
        finally:
            os.close(fd)
        done(f"write {vol} {off} {length} {hashlib.sha256(data).hexdigest()}")

    try:
        change("pool", "pool", "create", POOL, "--force", "--chunk", CHUNK,
               *members)
        for k in range(rounds):
            change(f"create v{k} 4", "volume", "create", f"{POOL}/v{k}", "4M")
            write(f"v{k}", 0, 64 << 10)			# every member
            write(f"v{k}", (1 << 20) + (k << 14), 16 << 10)	# one member
            if k >= 1:
                change(f"resize v{k - 1} 8", "volume", "resize",
                       f"{POOL}/v{k - 1}", "8M")
                write(f"v{k - 1}", (6 << 20) - (16 << 10), 48 << 10)
            if k >= 2:
                change(f"delete v{k - 2}", "volume", "delete",
                       f"{POOL}/v{k - 2}")
    except (RuntimeError, OSError) as e:
        say(f"@@ fail workload: operation {n + 1} failed")
        say(str(e))
        return 1
    rc, out = sh(PV, "pool", "stop", POOL)
    if rc:
        say("@@ fail workload: pool stop")
        say(out)
        return 1
    say(f"@@ ok workload: {n} operations reported done "
        f"({time.monotonic() - t0:.0f} s)")
    return 0


# ----------------------------------------------------------------- logs --
class Entry:
    __slots__ = ("sector", "nr", "flags", "off", "mark")

    def __init__(self, sector, nr, flags, off, mark):
        self.sector, self.nr, self.flags, self.off, self.mark = \
            sector, nr, flags, off, mark

    def is_write(self):
        return not self.flags & LOG_MARK and (self.nr or 0) > 0


def read_log(path):
    """The entries of a dm-log-writes log, its data and its sector size."""
    with open(path, "rb") as f:
        raw = f.read()
    magic, version, nr, ssize = struct.unpack_from("<QQQI", raw, 0)
    if magic != LOG_MAGIC or version != 1:
        raise ValueError(f"{path}: not a dm-log-writes log")
    entries, pos = [], ssize
    for _ in range(nr):
        sector, nrs, flags, dlen = struct.unpack_from("<QQQQ", raw, pos)
        mark = None
        if flags & LOG_MARK:
            mark = raw[pos + 32:pos + 32 + dlen].decode()
            nrs = 0
        entries.append(Entry(sector, nrs, flags, pos + ssize, mark))
        pos += ssize
        if not flags & LOG_DISCARD:
            pos += nrs * ssize
    return entries, raw, ssize


class Member:
    def __init__(self, logpath, imgpath):
        self.entries, self.raw, self.ssize = read_log(logpath)
        self.img = imgpath
        self.size = os.path.getsize(imgpath)
        self.marks = {e.mark: i for i, e in enumerate(self.entries)
                      if e.mark is not None}
        # The first flush after each entry: a write that is not FUA is
        # durable once a later flush completed.
        self.next_flush = [len(self.entries)] * (len(self.entries) + 1)
        nxt = len(self.entries)
        for i in range(len(self.entries) - 1, -1, -1):
            self.next_flush[i] = nxt
            if self.entries[i].flags & LOG_FLUSH:
                nxt = i

    def durable(self, i, cut):
        e = self.entries[i]
        return bool(e.flags & LOG_FUA) or self.next_flush[i] < cut

    def image(self, path, cut, end, keep):
        """Write the member as a power cut leaves it: entries [0, cut) have
        completed (durable when FUA or flushed by a flush before cut);
        every other write that completed before cut, and those in [cut,
        end) up to the first flush, may be lost or survive: keep(entry)
        decides.  Returns the number of writes lost that only a flush
        would have made durable (not FUA), and of the writes kept."""
        lost = kept = 0
        flush = cut
        while flush < end and not self.entries[flush].flags & LOG_FLUSH:
            flush += 1
        with open(path, "wb") as f:
            f.truncate(self.size)
            for i in range(min(flush + 1, end)):
                e = self.entries[i]
                if not e.is_write():
                    continue
                if i < cut and self.durable(i, cut):
                    self.put(f, e)
                elif keep(e):
                    self.put(f, e)
                    kept += 1
                elif not e.flags & LOG_FUA:
                    lost += 1
        return lost, kept

    def put(self, f, e):
        f.seek(e.sector * self.ssize)
        if e.flags & LOG_DISCARD:
            f.write(bytes(e.nr * self.ssize))
        else:
            f.write(self.raw[e.off:e.off + e.nr * self.ssize])


# ---------------------------------------------------------------- state --
def load_ops(path):
    ops = []
    with open(path) as f:
        for line in f:
            w = line.split()
            ops.append(w[1:])
    return ops


def state(ops, k):
    """Volumes after the first k operations: {name: size in MiB}."""
    vols = {}
    for op in ops[:k]:
        if op[0] == "create":
            vols[op[1]] = int(op[2])
        elif op[0] == "resize":
            vols[op[1]] = int(op[2])
        elif op[0] == "delete":
            del vols[op[1]]
    return vols


def loop_attach(path):
    with open("/dev/loop-control", "rb") as ctl:
        n = fcntl.ioctl(ctl, LOOP_CTL_GET_FREE)
    dev = f"/dev/loop{n}"
    fd = os.open(path, os.O_RDWR)
    try:
        with open(dev, "r+b") as lo:
            fcntl.ioctl(lo, LOOP_SET_FD, fd)
            fcntl.ioctl(lo, BLKFLSBUF)
    finally:
        os.close(fd)
    return dev


def loop_detach(dev):
    with open(dev, "rb") as lo:
        fcntl.ioctl(lo, LOOP_CLR_FD)


def read_back(dev, off, length):
    buf = mmap.mmap(-1, length)
    fd = os.open(dev, os.O_RDONLY | os.O_DIRECT)
    try:
        got = os.preadv(fd, [buf], off)
    finally:
        os.close(fd)
    return hashlib.sha256(buf[:got]).hexdigest()


def isolation(ops, k, vols):
    """Read every volume whole: each 4 KiB block must be zeroes or what this
    volume's own writes (reported done, or the one in flight) put there.
    Anything else is data written through another volume (the patterns are
    random bytes, and what a volume did not write was never written to it).
    Returns a description of the blocks that were neither, or ""."""
    own = {}
    for op in ops[:k + 1]:
        if op[0] != "write":
            continue
        off, length = int(op[2]), int(op[3])
        data = pattern(f"{op[1]}@{off}", length)
        for b in range(0, length, 4096):
            own[(op[1], off + b)] = data[b:b + 4096]
    zero = bytes(4096)
    bad = []
    for name, (size, dev) in sorted(vols.items()):
        length = size << 20
        buf = mmap.mmap(-1, 1 << 20)
        fd = os.open(dev, os.O_RDONLY | os.O_DIRECT)
        try:
            for base in range(0, length, 1 << 20):
                got = os.preadv(fd, [buf], base)
                for b in range(0, got, 4096):
                    blk = buf[b:b + 4096]
                    if blk != zero and blk != own.get((name, base + b)):
                        bad.append(f"{name}+{base + b}")
        finally:
            os.close(fd)
    if not bad:
        return ""
    return f"{len(bad)} blocks neither zero nor the volume's own: " + \
        " ".join(bad[:8])


def check_cut(ops, k, imgs, devs):
    """Assemble the pool from devs (loop devices of imgs) after a cut that
    followed k operations reported done; return {check: reason} for the
    checks that failed and the number of data writes compared."""
    bad = {}
    t = time.monotonic()
    # The offline check reads the image files, while the kernel assembles
    # the pool from the loop devices: a process less to wait for.
    chk = subprocess.Popen([PV, "check", *imgs], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        for d in devs:
            rc, out = sh(PV, "pool", "add", d)
            if rc:
                bad["assemble"] = f"pool add {d}: {out}"
                sh(PV, "pool", "stop", POOL)
                return bad, 0
    finally:
        out = chk.communicate()[0].strip()
        if chk.returncode:
            bad["check"] = out
    t = spent("assemble", t)
    vols = volumes()
    found = {v: s for v, (s, _) in vols.items()}
    before, after = state(ops, k), state(ops, k + 1)
    if found not in (before, after):
        bad["volumes"] = (f"found {sorted(found.items())}; reported done "
                          f"{sorted(before.items())}; in flight: "
                          f"{' '.join(ops[k][:4]) if k < len(ops) else 'none'}")
    compared = 0
    for op in ops[:k]:
        if op[0] != "write" or op[1] not in vols:
            continue
        off, length = int(op[2]), int(op[3])
        if off + length > vols[op[1]][0] << 20:
            continue	# the volume is smaller than when written: reported above
        compared += 1
        got = read_back(vols[op[1]][1], off, length)
        if got != op[4]:
            bad.setdefault("data", "")
            bad["data"] += (f"{op[1]} [{off}, +{length}): sha256 "
                            f"{got[:16]}, written {op[4][:16]}; ")
    t = spent("read", t)
    foreign = isolation(ops, k, vols)
    if foreign:
        bad["isolation"] = foreign
    t = spent("isolation", t)
    rc, out = sh(PV, "pool", "stop", POOL)
    if rc:
        bad["stop"] = out
    spent("stop", t)
    return bad, compared


def check(pairs, opsfile, cuts, seed, tmp):
    ops = load_ops(opsfile)
    members = [Member(*p.split(":", 1)) for p in pairs]
    n = len(ops)
    fails = 0

    def result(good, desc, why=()):
        nonlocal fails
        say(f"@@ {'ok' if good else 'fail'} {desc}")
        for w in list(why)[:12]:
            say(w)
        fails += not good

    # The log of every member holds each operation's mark, in order.
    why = []
    for i, m in enumerate(members):
        pos = [m.marks.get(f"op{j}") for j in range(1, n + 1)]
        if None in pos or pos != sorted(pos):
            why.append(f"member {i}: marks {pos}")
    result(not why, f"model: every member's log has the marks of all {n} "
           "operations, in order", why)
    if why:
        return 1

    # Replaying all of each log gives the member as the workload left it.
    why = []
    for i, m in enumerate(members):
        img = f"{tmp}/replay{i}"
        m.image(img, len(m.entries), len(m.entries), lambda e: True)
        with open(img, "rb") as a, open(m.img, "rb") as b:
            if hashlib.sha256(a.read()).digest() != \
               hashlib.sha256(b.read()).digest():
                why.append(f"member {i}: the replay of its whole log differs "
                           "from the device")
    result(not why, "model: replaying every log whole gives the members "
           "as written", why)

    t0 = time.monotonic()
    rng = random.Random(seed)
    why = {"assemble": [], "check": [], "volumes": [], "data": [],
           "isolation": [], "stop": []}
    compared = lost = kept = 0
    nways = ("all lost", "all kept", "random")
    for c in range(cuts):
        # Cut c follows k operations reported done (1..n: the pool create
        # is op 1), while op k+1 runs.  Every member is cut at its own
        # place among the entries op k+1 logged.
        k = 1 + (c % n if cuts > n else c * n // cuts)
        way = (c + c // n) % 3
        keep = {0: lambda e: False, 1: lambda e: True,
                2: lambda e: rng.random() < 0.5}[way]
        imgs = [f"{tmp}/img{i}" for i in range(len(members))]
        devs, where = [], []
        t = time.monotonic()
        for i, m in enumerate(members):
            a = m.marks[f"op{k}"] + 1
            b = m.marks.get(f"op{k + 1}", len(m.entries))
            cut = rng.randint(a, b)
            lo, ke = m.image(f"{tmp}/img{i}", cut, b, keep)
            lost += lo
            kept += ke
            where.append(f"{cut - a}/{b - a}")
            devs.append(loop_attach(f"{tmp}/img{i}"))
        spent("replay", t)
        try:
            bad, cmp = check_cut(ops, k, imgs, devs)
        finally:
            for d in devs:
                loop_detach(d)
        compared += cmp
        for kind, text in bad.items():
            why[kind].append(f"cut {c} after op {k} ({' '.join(ops[k - 1][:4])}),"
                             f" {nways[way]}, members cut at "
                             f"{' '.join(where)}: {text}")
    result(lost > 0, f"model: the cuts lost {lost} writes that a later flush "
           f"would have made durable, and kept {kept} writes in doubt")
    desc = f"{cuts} cut points"
    say(f"{desc} in {time.monotonic() - t0:.0f} s: " +
        ", ".join(f"{k} {v:.0f} s" for k, v in SPENT.items()))
    result(not why["assemble"], f"{desc}: the pool assembles", why["assemble"])
    result(not why["check"], f"{desc}: podvolctl check finds no problem",
           why["check"])
    result(not why["volumes"], f"{desc}: the volumes are those of the "
           "operations reported done, or those and the one in flight",
           why["volumes"])
    result(not why["data"] and compared > 0, f"{desc}: every data write "
           f"reported done reads back with its checksum ({compared} "
           "compared)", why["data"])
    result(not why["isolation"], f"{desc}: every volume reads whole as "
           "zeroes or its own writes, never another volume's data",
           why["isolation"])
    result(not why["stop"], f"{desc}: pool stop", why["stop"])
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ops", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--cuts", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tmp", default="/tmp")
    ap.add_argument("cmd", choices=("run", "check"))
    ap.add_argument("args", nargs="+")
    a = ap.parse_args()
    if a.cmd == "run":
        return workload(a.args, a.ops, a.rounds)
    return check(a.args, a.ops, a.cuts, a.seed, a.tmp)


if __name__ == "__main__":
    sys.exit(main())
