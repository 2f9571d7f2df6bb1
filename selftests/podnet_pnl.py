#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal podnet generic netlink client for the selftests: adds many
routes fast (pipelined), and dumps routes with a pause (a command run)
after the first part, reporting NLM_F_DUMP_INTR.

  podnet_pnl.py add DEV COUNT [distinct]   routes 10.0.0.0/32 upwards, via
                                           192.168.0.2 (distinct: one via
                                           per route); prints "added N" and
                                           the first error
  podnet_pnl.py dump DEV|- OUT [CMD]       dump to OUT (one route a line);
                                           prints "routes N intr 0|1"
  podnet_pnl.py txn DEV STEP...            route set transaction steps, each
                                           SOCKET:VERB[:ARG] (SOCKET a name,
                                           one netlink socket each; VERB
                                           begin, append:COUNT[@FIRST]
                                           (routes 11.0.0.0/32 upwards,
                                           from the next or FIRST), commit,
                                           abort, close, hold:CMD (run CMD)),
                                           prints "STEP ERRNO" for each
"""
import os
import socket
import struct
import subprocess
import sys

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 1, 2, 4
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP = 0x300
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CMD_ROUTE_NEW, CMD_ROUTE_GET = 2, 4
CMD_SET_BEGIN, CMD_SET_APPEND, CMD_SET_COMMIT, CMD_SET_ABORT = 7, 8, 9, 10
A_IFNAME, A_ROUTE = 3, 4
R_FAMILY, R_DST, R_DST_LEN, R_VIA = 2, 3, 4, 5


def attr(t, data):
    a = struct.pack('HH', 4 + len(data), t) + data
    return a + b'\0' * (-len(a) % 4)


def attrs(buf):
    out = {}
    while len(buf) >= 4:
        ln, t = struct.unpack_from('HH', buf)
        if ln < 4:
            break
        out.setdefault(t & 0x3fff, buf[4:ln])
        buf = buf[(ln + 3) & ~3:]
    return out


class Genl:
    def __init__(self, rcvbuf=None):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.bind((0, 0))
        self.seq = 0
        self.fam = GENL_ID_CTRL
        a = attr(CTRL_ATTR_FAMILY_NAME, b'podnet\0')
        self.send(CTRL_CMD_GETFAMILY, a, NLM_F_REQUEST)
        for t, flags, seq, payload in self.recv():
            if t == GENL_ID_CTRL:
                fid = attrs(payload[4:])[CTRL_ATTR_FAMILY_ID]
                self.fam = struct.unpack('H', fid[:2])[0]
                break

    def msg(self, cmd, payload, flags):
        self.seq += 1
        body = struct.pack('BBH', cmd, 1, 0) + payload
        return struct.pack('IHHII', 16 + len(body), self.fam, flags,
                           self.seq, 0) + body

    def send(self, cmd, payload, flags):
        self.s.send(self.msg(cmd, payload, flags))

    def recv(self):
        data = self.s.recv(1 << 20)
        out = []
        while len(data) >= 16:
            ln, t, flags, seq, _ = struct.unpack_from('IHHII', data)
            out.append((t, flags, seq, data[16:ln]))
            data = data[(ln + 3) & ~3:]
        return out


def route(i, distinct, base=0x0a000000):
    dst = struct.pack('>I', base + i)
    via = struct.pack('>I', 0xc0a80002 + (i if distinct else 0))
    return attr(A_ROUTE | NLA_F_NESTED,
                attr(R_FAMILY, struct.pack('H', socket.AF_INET)) +
                attr(R_DST, dst) + attr(R_DST_LEN, b'\x20') +
                attr(R_VIA, via))


def add(dev, count, distinct):
    g = Genl()
    ifname = attr(A_IFNAME, dev.encode() + b'\0')
    added, err, i = 0, 0, 0
    while i < count and not err:
        batch = min(128, count - i)
        for k in range(batch):
            g.s.send(g.msg(CMD_ROUTE_NEW, ifname + route(i + k, distinct),
                           NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
                           NLM_F_EXCL))
        acks = 0
        while acks < batch:
            for t, flags, seq, payload in g.recv():
                if t != NLMSG_ERROR:
                    continue
                acks += 1
                e = struct.unpack_from('i', payload)[0]
                if e == 0:
                    added += 1
                elif not err:
                    err = -e
        i += batch
        if i % 4096 < 128:
            print('progress', added, flush=True)
    print('added', added, flush=True)
    if err:
        print('error', err, os.strerror(err), flush=True)


def dump(dev, out, cmd):
    g = Genl(rcvbuf=8192)
    payload = attr(A_IFNAME, dev.encode() + b'\0') if dev != '-' else b''
    g.send(CMD_ROUTE_GET, payload, NLM_F_REQUEST | NLM_F_DUMP)
    n, intr, parts, done = 0, 0, 0, False
    with open(out, 'w') as f:
        while not done:
            msgs = g.recv()
            parts += 1
            for t, flags, seq, p in msgs:
                if flags & NLM_F_DUMP_INTR:
                    intr = 1
                if t == NLMSG_DONE:
                    done = True
                    break
                if t == NLMSG_ERROR:
                    print('error', struct.unpack_from('i', p)[0])
                    sys.exit(1)
                a = attrs(p[4:])
                r = attrs(a[A_ROUTE])
                fam = struct.unpack('H', r[R_FAMILY])[0]
                f.write('%s %s/%d\n' % (a[A_IFNAME].rstrip(b'\0').decode(),
                                        socket.inet_ntop(fam, r[R_DST]),
                                        r[R_DST_LEN][0]))
                n += 1
            if parts == 1 and cmd:
                subprocess.run(cmd, shell=True, check=True)
    print('routes', n, 'intr', intr, 'parts', parts)


def request(g, cmd, payload):
    """One request with an ack: returns its errno (0 for success)."""
    g.send(cmd, payload, NLM_F_REQUEST | NLM_F_ACK)
    while True:
        for t, flags, seq, p in g.recv():
            if t == NLMSG_ERROR and seq == g.seq:
                return -struct.unpack_from('i', p)[0]


def txn(dev, steps):
    socks, appended = {}, 0
    ifname = attr(A_IFNAME, dev.encode() + b'\0')
    cmds = {'begin': CMD_SET_BEGIN, 'commit': CMD_SET_COMMIT,
            'abort': CMD_SET_ABORT}
    for step in steps:
        name, verb, arg = (step.split(':', 2) + [''])[:3]
        if verb == 'hold':
            subprocess.run(arg, shell=True, check=False)
            continue
        if name not in socks:
            socks[name] = Genl()
        g = socks[name]
        if verb == 'close':
            g.s.close()
            del socks[name]
            err = 0
        elif verb == 'append':
            count, _, first = arg.partition('@')
            first = int(first) if first else appended
            body = b''.join(route(first + i, False, 0x0b000000)
                            for i in range(int(count)))
            appended = first + int(count)
            err = request(g, CMD_SET_APPEND, ifname + body)
        else:
            err = request(g, cmds[verb], ifname)
        print(step, err, flush=True)


if __name__ == '__main__':
    if sys.argv[1] == 'txn':
        txn(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == 'add':
        add(sys.argv[2], int(sys.argv[3]), len(sys.argv) > 4)
    else:
        dump(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
