#!/bin/sh
# make bench: `zdiag reap --parent P --json` against gdb's
# `call (int)waitpid(Z, 0, WNOHANG)` run once per zombie (the forum recipe),
# on a parent (tests/helpers/reap_parent pause) holding 1, 100 and 1,000
# zombies.  Reported per size:
#   - wall time of the whole job: one zdiag run; the sum of the gdb runs
#     (for 100 and 1,000 zombies gdb runs on a sample of GDB_SAMPLE
#     (default 20) zombies and the sum is extrapolated; the line says so:
#     gdb takes 0.5-2 s per zombie here, and the parent's alarm is 120 s);
#   - how long the parent was stopped: zdiag's own clock
#     (reapers[0].stopped_ms, the default --method auto, and for
#     comparison --method in-place), and for both tools the time the parent was
#     seen in state t by a sampler reading /proc/P/stat every ~0.2 ms (an
#     outside view, coarse for short stops);
#   - ratios zdiag/gdb.
# Every run is checked: all zombies gone, the parent alive, untraced, and
# its own verdict "ok" once woken.  Timing lives only here (never in make
# check); nothing is asserted on times.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "${ZD_BENCH_INNER:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/reap.sh: needs root (PID namespace)"; exit 1; }
	ZD_BENCH_INNER=1 exec unshare --pid --fork --mount-proc --kill-child sh "$0" "$@"
fi
for tool in gdb python3; do
	command -v $tool > /dev/null || { echo "bench/reap.sh: $tool is missing (make bench-deps)" >&2; exit 1; }
done

exec python3 - "$ROOT/zdiag" "$ROOT/build/helpers/reap_parent" "${GDB_SAMPLE:-20}" <<'PY'
import json, os, signal, subprocess, sys, tempfile, threading, time

zdiag, helper, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
tmp = tempfile.mkdtemp()


def reap_orphans():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


class Sampler:
    """Time the parent spends in state t (ptrace stop), seen from outside."""
    def __init__(self, pid):
        self.path = "/proc/%d/stat" % pid
        self.stopped = 0.0
        self.run = True
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        last, was = time.monotonic(), False
        while self.run:
            try:
                with open(self.path) as f:
                    s = f.read()
                st = s[s.rindex(")") + 2] in "tT"
            except (OSError, ValueError):
                st = False
            now = time.monotonic()
            if was:
                self.stopped += now - last
            last, was = now, st
            time.sleep(0.0002)

    def stop(self):
        self.run = False
        self.t.join()
        return self.stopped * 1000


def park(n):
    res = os.path.join(tmp, "result.%d" % n)
    if os.path.exists(res):
        os.unlink(res)
    p = subprocess.Popen([helper, "pause", str(n), res], stdout=subprocess.PIPE)
    kv = dict(x.split("=", 1) for x in p.stdout.readline().decode().split())
    # Stuck zombies are old: past zdiag's 200 ms settle wait for young ones.
    time.sleep(0.5)
    return p, int(kv["parent"]), [int(z) for z in kv["zombies"].split(",")], res


def verify(p, parent, zombies, res, who):
    left = [z for z in zombies if os.path.exists("/proc/%d" % z)]
    with open("/proc/%d/status" % parent) as f:
        traced = "TracerPid:\t0\n" not in f.read()
    os.kill(parent, signal.SIGUSR1)
    for _ in range(500):
        if os.path.exists(res):
            break
        time.sleep(0.01)
    verdict = open(res).read().strip() if os.path.exists(res) else "no result"
    p.kill()
    p.wait()
    p.stdout.close()
    reap_orphans()
    if left or traced or verdict != "ok":
        print("  %s run: %d zombies left, traced %s, parent says %s" % (who, len(left), traced, verdict))


def run_zdiag(n, method):
    """One zdiag run for all n zombies: (total ms, stopped_ms, sampled ms, method used)."""
    p, parent, zombies, res = park(n)
    s = Sampler(parent)
    t0 = time.monotonic()
    out = subprocess.run([zdiag, "reap", "--parent", str(parent), "--json", "--method", method],
                         stdout=subprocess.PIPE)
    zt = (time.monotonic() - t0) * 1000
    zs = s.stop()
    try:
        r = json.loads(out.stdout)["reapers"][0]
        zstop, used = r["stopped_ms"], r["method"]
    except (ValueError, KeyError, IndexError):
        zstop, used = float("nan"), "?"
        print("  zdiag exit %d, output %r" % (out.returncode, out.stdout[:200]))
    verify(p, parent, zombies, res, "zdiag --method " + method)
    return zt, zstop, zs, used


print("zdiag reap --parent P vs gdb -p P -batch -ex 'call (int)waitpid(Z,0,1)' once per zombie")
print("machine: %d cpus, %s; noise from other work on this machine is expected" % (os.cpu_count(), os.uname().release))
print("zdiag: the default (--method auto: a helper thread from 64 zombies on); 'in-place stop' is")
print("--method in-place (the held thread runs every waitid) for comparison")
print("%-8s %11s %11s %9s   %14s %9s %14s %15s %16s %9s" % (
    "zombies", "zdiag ms", "gdb ms", "zdiag/gdb", "zdiag stop ms", "method", "(sampled)",
    "in-place stop", "gdb stop ms (s.)", "stop/gdb"))
for n in (1, 100, 1000):
    zt, zstop, zs, used = run_zdiag(n, "auto")
    _, istop, _, _ = run_zdiag(n, "in-place")
    # gdb: one run per zombie (a sample for 1,000)
    p, parent, zombies, res = park(n)
    k = min(sample, n)
    s = Sampler(parent)
    t0 = time.monotonic()
    for z in zombies[:k]:
        subprocess.run(["gdb", "-nx", "-q", "-batch", "-p", str(parent),
                        "-ex", "call (int)waitpid(%d,0,1)" % z],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    gt = (time.monotonic() - t0) * 1000 * n / k
    gs = s.stop() * n / k
    verify(p, parent, zombies[:k], res, "gdb")
    note = "" if k == n else "   (gdb: %d of %d zombies, extrapolated)" % (k, n)
    print("%-8d %11.1f %11.1f %9.5fx  %14.2f %9s %14.1f %15.2f %16.1f %9.6fx%s" %
          (n, zt, gt, zt / gt, zstop, used, zs, istop, gs, zstop / gs if gs else float("nan"), note))
    sys.stdout.flush()
print()
print("goals (issue 12): parent stopped <= 5 ms for 1,000 zombies; total <= 0.05x gdb's")
PY
