#!/usr/bin/env python3
"""Compare zdiag trace's syscall table (src/trace/syscalls.in) with strace's
x86-64 one, from a strace source tree (git tag v6.1 matches the installed
strace 6.1 of Debian 12):

    tests/agree/strace-table.py STRACE_SRC raw       syscalls strace decodes
                                                     that zdiag prints raw
    tests/agree/strace-table.py STRACE_SRC classes   -e trace=%CLASS
                                                     memberships that differ

STRACE_SRC is the top of a strace checkout (src/linux/x86_64/syscallent.h,
src/linux/generic/syscallent-common.h and src/syscall_dummy.h are read).
"Raw" in strace is an entry whose function is printargs* (after the
aliases of syscall_dummy.h); in zdiag an args column of "-".  Calls
without arguments print the same either way and are left out.  Exit status 0
either way; the lists go to stdout, one syscall a line, sorted by number.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

# strace's class flags (src/sysent_shorthand_defs.h) -> zdiag's class names
FLAGS = {
    "TF": "file", "TI": "ipc", "TN": "net", "TP": "process", "TS": "signal",
    "TD": "desc", "TM": "memory", "TST": "stat", "TLST": "lstat",
    "TFST": "fstat", "TSF": "statfs", "TFSF": "fstatfs", "TC": "creds",
    "TCL": "clock", "PU": "pure",
}


def aliases(src):
    """sys_NAME -> what syscall_dummy.h defines it as (sys_OTHER, printargs)."""
    a = {}
    with open(os.path.join(src, "src", "syscall_dummy.h")) as fh:
        for line in fh:
            m = re.match(r"#\s*define\s+sys_(\w+)\s+(\w+)", line)
            if m:
                a[m.group(1)] = m.group(2)[4:] if m.group(2).startswith("sys_") else m.group(2)
    return a


def strace_table(src):
    ent = {}
    alias = aliases(src)
    base = os.path.join(src, "src", "linux")
    files = [os.path.join(base, "x86_64", "syscallent.h"),
             os.path.join(base, "generic", "syscallent-common.h")]
    pat = re.compile(r'^\[\s*(?:BASE_NR\s*\+\s*)?(\d+)\]\s*=\s*\{\s*(\d+),\s*([^,]*),\s*'
                     r'SEN\((\w+)\),\s*"(\w+)"')
    for f in files:
        with open(f) as fh:
            for line in fh:
                m = pat.match(line.strip())
                if not m:
                    continue
                nr, nargs, flags, sen, name = m.groups()
                for _ in range(8):
                    sen = alias.get(sen, sen)
                fl = set(x.strip() for x in flags.split("|")) - {"0", ""}
                cls = set(FLAGS[x] for x in fl if x in FLAGS)
                # %%statfs (TSFA) beyond statfs and fstatfs: zdiag's statfs_like
                if "TSFA" in fl and not fl & {"TSF", "TFSF"}:
                    cls.add("statfs_like")
                ent[name] = (int(nr), sen, cls, int(nargs))
    return ent


def zdiag_table():
    ent = {}
    with open(os.path.join(ROOT, "src", "trace", "syscalls.in")) as fh:
        for line in fh:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, _nargs, classes, _ret, args = line.split()
            ent[name] = (set() if classes == "-" else set(classes.split(",")), args)
    return ent


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("raw", "classes"):
        sys.stderr.write("usage: strace-table.py STRACE_SRC raw|classes\n")
        return 2
    s, z = strace_table(sys.argv[1]), zdiag_table()
    rows = []
    for name, (nr, sen, cls, nargs) in s.items():
        if name not in z:
            rows.append((nr, "%s: not in src/trace/syscalls.in" % name))
            continue
        zcls, args = z[name]
        if sys.argv[2] == "raw":
            if nargs and not sen.startswith("printargs") and args == "-":
                rows.append((nr, name))
        elif cls != zcls:
            rows.append((nr, "%s: strace %s, zdiag %s" % (
                name, ",".join(sorted(cls)) or "-", ",".join(sorted(zcls)) or "-")))
    for _, r in sorted(rows):
        print(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
