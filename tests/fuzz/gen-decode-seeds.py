#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_decode.c (see its header for the
input layout): plausible arguments for common syscalls, with tracee memory
that holds a path, an argv array, an iovec array, a sockaddr, pollfds, a
sigset and a timespec at fixed offsets.  Usage: gen-decode-seeds.py DIR"""
import os
import struct
import sys

def image():
    m = bytearray(4096)
    def put(off, b):
        m[off:off + len(b)] = b
    put(0x10, b"/etc/hostname\0")
    put(0x20, b"hello, world\n\0")
    put(0x40, b"-c\0")
    put(0x100, struct.pack("<4Q", 0x10, 0x40, 0x20, 0))           # argv
    put(0x200, struct.pack("<4Q", 0x20, 13, 0x10, 5))             # iovec[2]
    put(0x300, struct.pack("<HH4s8x", 2, 0x5000, bytes([127, 0, 0, 1])))  # sockaddr_in
    put(0x320, struct.pack("<H", 1) + b"/tmp/sock\0")              # sockaddr_un
    put(0x400, struct.pack("<ihh", 3, 1, 0) + struct.pack("<ihh", 4, 4, 4))  # pollfd[2]
    put(0x500, struct.pack("<Q", (1 << 9) | (1 << 14)))            # sigset USR1|TERM
    put(0x600, struct.pack("<qq", 1, 500000000))                   # timespec
    put(0x700, struct.pack("<QQ", 0x12345, 0))                     # sigaction-ish
    # a linux_dirent64: d_ino, d_off, d_reclen, d_type, name
    put(0x800, struct.pack("<QqHB", 42, 1, 24, 8) + b"file\0")
    put(0xc00, b"\xff\xfe\x00\x01\x7f\x80" * 8)
    return bytes(m)

M = image()
A = AT_FDCWD = (1 << 64) - 100
calls = {
    "read":       (0,   [3, 0x20, 64, 0, 0, 0], 13),
    "write":      (1,   [1, 0x20, 13, 0, 0, 0], 13),
    "write-huge": (1,   [1, 0x20, 1 << 40, 0, 0, 0], -14),
    "open":       (2,   [0x10, 0o2101, 0o644, 0, 0, 0], 3),
    "poll":       (7,   [0x400, 2, 1000, 0, 0, 0], 1),
    "rt_sigaction": (13, [10, 0x700, 0x700, 8, 0, 0], 0),
    "rt_sigprocmask": (14, [0, 0x500, 0x500, 8, 0, 0], 0),
    "ioctl":      (16,  [1, 0x5413, 0x600, 0, 0, 0], 0),
    "readv":      (19,  [3, 0x200, 2, 0, 0, 0], 18),
    "writev":     (20,  [1, 0x200, 2, 0, 0, 0], 18),
    "select":     (23,  [5, 0x500, 0x500, 0, 0x600, 0], 1),
    "nanosleep":  (35,  [0x600, 0x600, 0, 0, 0, 0], 0),
    "connect":    (42,  [3, 0x300, 16, 0, 0, 0], 0),
    "connect-un": (42,  [3, 0x320, 12, 0, 0, 0], -2),
    "sendto":     (44,  [3, 0x20, 13, 0, 0x300, 16], 13),
    "recvfrom":   (45,  [3, 0x20, 64, 0, 0x300, 0x600], 13),
    "setsockopt": (54,  [3, 1, 2, 0x600, 4, 0], 0),
    "clone":      (56,  [0x1200011, 0, 0, 0x600, 0, 0], 77),
    "execve":     (59,  [0x10, 0x100, 0x100, 0, 0, 0], 0),
    "wait4":      (61,  [(1 << 64) - 1, 0x600, 0, 0xc00, 0, 0], 77),
    "kill":       (62,  [77, 15, 0, 0, 0, 0], 0),
    "uname":      (63,  [0xc00, 0, 0, 0, 0, 0], 0),
    "fcntl":      (72,  [3, 4, 0o4000, 0, 0, 0], 0),
    "readlink":   (89,  [0x10, 0x20, 64, 0, 0, 0], 12),
    "sysinfo":    (99,  [0xc00, 0, 0, 0, 0, 0], 0),
    "statfs":     (137, [0x10, 0xc00, 0, 0, 0, 0], 0),
    "prctl":      (157, [15, 0x20, 0, 0, 0, 0], 0),
    "futex":      (202, [0x600, 0x80, 1, 0x600, 0, 0], -110),
    "getdents64": (217, [3, 0x800, 4096, 0, 0, 0], 24),
    "epoll_wait": (232, [5, 0x400, 8, 100, 0, 0], 1),
    "waitid":     (247, [1, 77, 0xc00, 4, 0, 0], 0),
    "openat":     (257, [A, 0x10, 0o2000000, 0, 0, 0], 3),
    "newfstatat": (262, [A, 0x10, 0xc00, 0x100, 0, 0], 0),
    "pselect6":   (270, [5, 0x500, 0, 0, 0x600, 0x700], 0),
    "ppoll":      (271, [0x400, 2, 0x600, 0x500, 8, 0], 1),
    "accept4":    (288, [3, 0x300, 0x600, 0x80000, 0, 0], 4),
    "pipe2":      (293, [0x600, 0o2000000, 0, 0, 0, 0], 0),
    "prlimit64":  (302, [0, 7, 0x600, 0x600, 0, 0], 0),
    "getrandom":  (318, [0xc00, 16, 0, 0, 0, 0], 16),
    "execveat":   (322, [A, 0x10, 0x100, 0x100, 0x1000, 0], 0),
    "openat2":    (437, [A, 0x10, 0x600, 24, 0, 0], 3),
    "setxattr":   (188, [0x10, 0x40, 0x20, 13, 1, 0], 0),
    "getxattr":   (191, [0x10, 0x40, 0x20, 64, 0, 0], 13),
    "listxattr":  (194, [0x10, 0x20, 64, 0, 0, 0], 13),
    "getdents":   (78,  [3, 0x800, 4096, 0, 0, 0], 48),
    "getrusage":  (98,  [0, 0xc00, 0, 0, 0, 0], 0),
    "sched_getaffinity": (204, [0, 128, 0xc00, 0, 0, 0], 32),
    "sched_setaffinity": (203, [0, 1 << 31, 0xc00, 0, 0, 0], 0),
    "fstatfs":    (138, [3, 0x600, 0, 0, 0, 0], 0),
    "getgroups":  (115, [64, 0xc00, 0, 0, 0, 0], 40),
    "setgroups":  (116, [1 << 20, 0xc00, 0, 0, 0, 0], 0),
    "stat":       (4,   [0x10, 0xc00, 0, 0, 0, 0], 0),
    "statx":      (332, [A, 0x10, 0x6100, 0x7fff, 0xc00, 0], 0),
    "ustat":      (136, [0x14, 0xc00, 0, 0, 0, 0], 0),
    "utimensat":  (280, [A, 0x10, 0x600, 0, 0, 0], 0),
    "unknown":    (500, [1, 2, 3, 4, 5, 6], -38),
    # decoders added on 2026-12-06 (issue 11): their structure readers
    "rt_sigtimedwait": (128, [0x500, 0xc00, 0x600, 8, 0, 0], 10),
    "rt_sigqueueinfo": (129, [1, 10, 0xc00, 0, 0, 0], 0),
    "sigaltstack": (131, [0x700, 0xc00, 0, 0, 0, 0], 0),
    "capget":     (125, [0x700, 0xc00, 0, 0, 0, 0], 0),
    "capset":     (126, [0x700, 0xc00, 0, 0, 0, 0], 0),
    "timer_create": (222, [1, 0xc00, 0x600, 0, 0, 0], 0),
    "mq_open":    (240, [0x10, 0o102, 0o600, 0xc00, 0, 0], 3),
    "mq_timedreceive": (243, [3, 0x20, 64, 0x600, 0x600, 0], 13),
    "mq_getsetattr": (245, [3, 0xc00, 0x700, 0, 0, 0], 0),
    "ioprio_get": (252, [1, 0, 0, 0, 0, 0], 0x4004),
    "get_robust_list": (274, [0, 0x600, 0x700, 0, 0, 0], 0),
    "name_to_handle_at": (303, [A, 0x10, 0xc00, 0x600, 0, 0], 0),
    "open_by_handle_at": (304, [A, 0xc00, 0, 0, 0, 0], 3),
    "process_vm_readv": (310, [1, 0x200, 2, 0x200, 2, 0], 18),
    "kcmp-epoll": (312, [1, 1, 7, 3, 0xc00, 0], 0),
    "preadv2":    (327, [3, 0x200, 2, 0, 0, 0x18], 18),
    "membarrier": (324, [0, 0, 0, 0, 0, 0], 0x1ff),
    "fsconfig-bin": (431, [3, 2, 0x20, 0xc00, 16, 0], 0),
    "epoll_pwait2": (441, [3, 0xc00, 4, 0x600, 0x500, 8], 2),
    "mount_setattr": (442, [A, 0x10, 0x8000, 0xc00, 32, 0], 0),
    "landlock_create_ruleset": (444, [0xc00, 24, 0, 0, 0, 0], 3),
    "sched_setattr": (314, [0, 0xc00, 0, 0, 0, 0], -7),
    "sched_getattr": (315, [0, 0xc00, 56, 0, 0, 0], 0),
    "semtimedop": (220, [0, 0xc00, 3, 0x600, 0, 0], 0),
    "msgrcv":     (70, [0, 0xc00, 32, 0, 0, 0], 13),
    "futex_waitv": (449, [0xc00, 200, 0, 0x600, 1, 0], -11),
    "io_getevents": (208, [0x7f0000, 1, 4, 0xc00, 0x600, 0], 2),
    "io_setup":   (206, [16, 0x600, 0, 0, 0, 0], 0),
    "adjtimex":   (159, [0xc00, 0, 0, 0, 0, 0], 5),
    "clock_adjtime": (305, [0, 0xc00, 0, 0, 0, 0], 0),
    "kexec_load": (246, [0, 3, 0xc00, 0x3e0001, 0, 0], -22),
    "landlock_add_rule": (445, [3, 1, 0xc00, 0, 0, 0], 0),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, (nr, args, rval) in calls.items():
    for mode in (1, 0 | 4 | 8):
        hdr = struct.pack("<HBB6QqQ", nr, mode, 0, *[a & (2**64 - 1) for a in args],
                          rval, 0x7ffc0000)
        with open(os.path.join(out, "%s-%d" % (name, mode)), "wb") as f:
            f.write(hdr + M)
