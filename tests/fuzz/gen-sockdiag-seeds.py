#!/usr/bin/env python3
"""Write seeds for tests/fuzz/fuzz_sockdiag.c: real sock_diag replies.

Each seed is: one byte kind (0 inet, 1 unix, 2 netlink), the inode searched
for (u32 little-endian), then one buffer as recv() returned it.  Run as
root in a network namespace of its own, so that no other socket of the host
ends up in the seeds:
  unshare -n sh -c 'ip link set lo up &&
      python3 tests/fuzz/gen-sockdiag-seeds.py tests/fuzz/corpus/sockdiag'
"""
import os
import socket
import struct
import sys

SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
NETLINK_SOCK_DIAG = 4


def query(payload, dump):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else 0)
    s.send(struct.pack("=IHHII", 16 + len(payload), SOCK_DIAG_BY_FAMILY, flags, 1, 0) + payload)
    bufs = []
    while len(bufs) < 64:
        b = s.recv(65536)
        bufs.append(b)
        if not dump or done(b):
            break
    s.close()
    return bufs


def done(b):
    """Whether buffer b holds NLMSG_DONE or NLMSG_ERROR."""
    off = 0
    while off + 16 <= len(b):
        n, t = struct.unpack_from("=IH", b, off)
        if t in (2, 3):
            return True
        if n < 16:
            return True
        off += (n + 3) & ~3
    return False


def inet_req(family, proto):
    # inet_diag_req_v2: family, protocol, ext, pad, states, sockid (48 bytes)
    return struct.pack("=BBBBI", family, proto, 0, 0, 0xFFFFFFFF) + bytes(48)


def unix_req(ino):
    # unix_diag_req: family, protocol, pad16, states, ino, show, cookie[2]
    return struct.pack("=BBHIII II", socket.AF_UNIX, 0, 0, 0xFFFFFFFF, ino, 1 | 4, 0xFFFFFFFF, 0xFFFFFFFF)


def netlink_req():
    # netlink_diag_req: family, protocol, pad16, ino, show, cookie[2]
    return struct.pack("=BBHIIII", socket.AF_NETLINK, 0xFF, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF)


def ino(s):
    return os.fstat(s.fileno()).st_ino


def main(out):
    os.makedirs(out, exist_ok=True)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname())
    a, _ = ls.accept()
    l6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    l6.bind(("::1", 0))
    l6.listen(1)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.connect(("127.0.0.1", 9))
    p, q = socket.socketpair()
    named = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    named.bind("\0zdiag-fuzz-seed")
    named.listen(1)
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    nl.bind((0, 0))
    seeds = [
        ("tcp", 0, ino(c), query(inet_req(socket.AF_INET, socket.IPPROTO_TCP), True)),
        ("tcp6", 0, ino(l6), query(inet_req(socket.AF_INET6, socket.IPPROTO_TCP), True)),
        ("udp", 0, ino(u), query(inet_req(socket.AF_INET, socket.IPPROTO_UDP), True)),
        ("unixpair", 1, ino(p), query(unix_req(ino(p)), False)),
        ("unixabstract", 1, ino(named), query(unix_req(ino(named)), False)),
        ("unixmissing", 1, 1, query(unix_req(1), False)),
        ("netlink", 2, ino(nl), query(netlink_req(), True)),
    ]
    for name, kind, i, bufs in seeds:
        for n, b in enumerate(bufs[:2]):
            with open(os.path.join(out, "%s-%d" % (name, n)), "wb") as f:
                f.write(struct.pack("<BI", kind, i & 0xFFFFFFFF) + b)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/sockdiag")
