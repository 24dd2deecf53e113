#!/bin/sh
# make bench: `zdiag trace` against strace and the floor of ptrace tracing
# (build/bench/ptrace_floor: a minimal PTRACE_SYSCALL loop following forks,
# reading each stop's syscall info and printing nothing), side by side:
#   (a) a loop of 200,000 cheap syscalls (getppid)
#   (b) decode-heavy: stat, open, read, close 3,000 files
#   (c) 300 fork + exec /bin/true + wait
# Full tracing (strace -f / zdiag trace -f, both -o /dev/null) for all three;
# then -e trace=openat (zdiag's seccomp filter, strace --seccomp-bpf) on (a)
# and on find /usr -name '*.h', against the untraced run; and each tracer's
# peak RSS (VmHWM).  A last table gives the ratios side by side.
#
# This machine is shared and noisy, so the tools run interleaved, round
# by round (untraced, floor, strace, zdiag, untraced, ...), and the report
# gives medians and ratios of medians.  BENCH_RUNS sets the rounds
# (default 7).  Everything runs in a private PID namespace; timing lives
# only here (never in make check).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "${ZD_BENCH_INNER:-}" != 1 ]; then
	ZD_BENCH_INNER=1 exec unshare --pid --fork --mount-proc --kill-child sh "$0" "$@"
fi

ZDIAG=$ROOT/zdiag
FLOOR=$ROOT/build/bench/ptrace_floor
WORK=$ROOT/build/bench/trace_work
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for tool in strace python3; do
	command -v $tool >/dev/null || { echo "bench/trace.sh: $tool is missing (make bench-deps)" >&2; exit 1; }
done
for f in "$ZDIAG" "$FLOOR" "$WORK"; do
	[ -x "$f" ] || { echo "bench/trace.sh: $f is missing (make bench builds it)" >&2; exit 1; }
done
"$WORK" files "$TMP/files" 3000

ZDIAG=$ZDIAG FLOOR=$FLOOR WORK=$WORK FILES=$TMP/files RUNS=${BENCH_RUNS:-7} python3 - <<'PY'
import os, statistics, subprocess, sys, time

Z, FLOOR, WORK, FILES = os.environ["ZDIAG"], os.environ["FLOOR"], os.environ["WORK"], os.environ["FILES"]
RUNS = int(os.environ["RUNS"])
STRACE = ["strace", "-qq", "-f", "-o", "/dev/null"]
ZTRACE = [Z, "trace", "-q", "-f", "-o", "/dev/null"]

def run(cmd):
    """Wall-clock and CPU (user + system, the tracee's included) seconds."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        sys.exit("bench/trace.sh: %s exited %d" % (" ".join(cmd), p.returncode))
    return wall, ru.ru_utime + ru.ru_stime

def peak_rss(cmd):
    """VmHWM of cmd's own process, polled until it exits (kB)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        try:
            for line in open("/proc/%d/status" % p.pid):
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.005)
    return peak

def interleaved(cmds):
    """Medians of wall-clock and of CPU time, the commands run in turn."""
    wall = {k: [] for k in cmds}
    cpu = {k: [] for k in cmds}
    for k, c in cmds.items():          # warm up caches once
        run(c)
    for _ in range(RUNS):
        for k, c in cmds.items():
            w, u = run(c)
            wall[k].append(w)
            cpu[k].append(u)
    return ({k: statistics.median(v) for k, v in wall.items()},
            {k: statistics.median(v) for k, v in cpu.items()})

print("zdiag trace vs strace %s: medians of %d interleaved rounds, seconds" %
      (subprocess.run(["strace", "-V"], capture_output=True, text=True).stdout.split()[3], RUNS))
print("machine: %d cpus, %s; other work on this machine adds noise" % (os.cpu_count(), os.uname().release))
print("\nwall-clock time:")
print("%-20s %9s %9s %9s %9s %13s %12s %13s %10s %10s" %
      ("workload", "untraced", "floor", "strace", "zdiag", "zdiag/strace", "zdiag/floor", "strace/floor",
       "rss zdiag", "rss strace"))
workloads = [
    ("(a) 200k getppid", [WORK, "loop", "200000"]),
    ("(b) 3000 files", [WORK, "read", FILES, "3000"]),
    ("(c) 300 fork+exec", [WORK, "forkexec", "300"]),
]
cpu_rows = []
full_ratio, rss_ratio = {}, {}
for name, w in workloads:
    m, c = interleaved({"untraced": w, "floor": [FLOOR] + w, "strace": STRACE + w, "zdiag": ZTRACE + w})
    rz, rs = peak_rss(ZTRACE + w), peak_rss(STRACE + w)
    print("%-20s %9.3f %9.3f %9.3f %9.3f %12.3fx %11.3fx %12.3fx %8dkB %8dkB" %
          (name, m["untraced"], m["floor"], m["strace"], m["zdiag"], m["zdiag"] / m["strace"],
           m["zdiag"] / m["floor"], m["strace"] / m["floor"], rz, rs))
    cpu_rows.append((name, c))
    full_ratio[name] = (m["zdiag"] / m["strace"], c["zdiag"] / c["strace"])
    rss_ratio[name] = rz / rs
print("\nCPU time (user + system of tracer and tracee; steadier than wall-clock on a busy machine):")
print("%-20s %9s %9s %9s %9s %13s %12s %13s" %
      ("workload", "untraced", "floor", "strace", "zdiag", "zdiag/strace", "zdiag/floor", "strace/floor"))
for name, c in cpu_rows:
    print("%-20s %9.3f %9.3f %9.3f %9.3f %12.3fx %11.3fx %12.3fx" %
          (name, c["untraced"], c["floor"], c["strace"], c["zdiag"], c["zdiag"] / c["strace"],
           c["zdiag"] / c["floor"], c["strace"] / c["floor"]))

# Filtered traces (-e trace=openat, the seccomp filter): (a), and find
# over /usr (~17,000 openat among ~250,000 syscalls: two ptrace stops each).
FIND = ["find", "/usr", "-name", "*.h"]
ZF = [Z, "trace", "-q", "-e", "trace=openat", "-o", "/dev/null"]
SF = ["strace", "-qq", "-f", "--seccomp-bpf", "-e", "trace=openat", "-o", "/dev/null"]
filtered = []
for name, w in [("(a) 200k getppid", workloads[0][1]), ("find /usr -name '*.h'", FIND)]:
    m, c = interleaved({"untraced": w, "zdiag": ZF + w, "strace": SF + w})
    filtered.append((name, m, c, peak_rss(ZF + w), peak_rss(SF + w)))

print("\nratios (medians of interleaved rounds; wall-clock, CPU time in brackets):")
print("%-22s %21s %21s %21s %9s" % ("workload", "zdiag -e / untraced", "strace -e / untraced",
                                     "zdiag / strace full", "rss z/s"))
for name, m, c, rz, rs in filtered:
    fr = full_ratio.get(name)
    print("%-22s %10.2fx (%5.2fx) %10.2fx (%5.2fx) %21s %8.2fx" %
          (name, m["zdiag"] / m["untraced"], c["zdiag"] / c["untraced"],
           m["strace"] / m["untraced"], c["strace"] / c["untraced"],
           "%10.2fx (%5.2fx)" % fr if fr else "-", rz / rs))
for name in full_ratio:
    if full_ratio[name] and name not in [f[0] for f in filtered]:
        fr = full_ratio[name]
        print("%-22s %21s %21s %10.2fx (%5.2fx) %8.2fx" % (name, "-", "-", fr[0], fr[1], rss_ratio[name]))
print("\ntargets (issue 3): full tracing <= 1.0x strace (aim 0.9x) on each workload;")
print("-e trace=openat <= 1.3x untraced (issue 11); peak RSS <= strace's")
PY
