#!/usr/bin/env python3
"""Randomized trials of `zdiag reap` over the timing-sensitive parked calls.

Each trial starts tests/helpers/reap_parent in a random mode (nanosleep,
read, poll, epoll, condwait, wait4-other, sigchld-handler) with 1-20
zombies, waits a random delay, and reaps them all with `zdiag reap --json`
(the pids, or --parent; --method in-place or thread at random: the
waitids in the held thread, or in a helper thread it starts); pause-signal is pause with the test's SIGUSR1
sent while zdiag holds the parent (state t), when that is caught.  Then every time: zdiag exits 0 and its JSON
reports each zombie reaped by the parent with its exit status, the way
asked for (tests/lib/reap_check.py), every zombie is gone, the parent is
alive with the threads it had (a helper thread is gone), every
thread of it is in the state class it was in before (S), none is traced, and
once woken or fed the parent's own verdict (RESULT_FILE) is "ok": no
EINTR, no stray signal, registers and memory unchanged, its sleep kept.

Run it inside a private PID namespace (make reap-trials,
tests/e2e/reap.bats): it starts every process it checks and ends them by
pid.  Prints one line per mode and a closing line 'N passed, N failed'.
"""
import argparse
import ctypes
import difflib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import reap_check  # noqa: E402
from procfacts import task_facts  # noqa: E402

MODES = ["nanosleep", "read", "poll", "epoll", "condwait", "wait4-other", "sigchld-handler",
         "pause-signal"]
FIFO_MODES = {"read", "poll", "epoll", "condwait", "wait4-other"}
# nanosleep mode: the reap comes 0-1.9 s into a 2 s sleep; the helper
# allows at most 1.5 s more in total, so a sleep restarted from scratch by a
# late reap is caught.
SLEEP_S = 2.0


def reap_orphans():
    """We are PID 1 or a subreaper: reap whatever was left to us."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def state_class(s):
    """S and R are the same class here (a sleeper may be running for a moment)."""
    return "S" if s in "SR" else s


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.005)
    return pred()


def read_result(path, timeout):
    def get():
        try:
            with open(path) as f:
                return f.read().strip()
        except OSError:
            return ""
    return wait_for(get, timeout)


def read_maps(pid):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return f.read()
    except OSError:
        return ""


saw = [0]  # pause-signal trials whose parent saw the helper's mapping


def trial(args, mode, rng, tmp):
    """One trial: (what went wrong or '', stopped_ms or None, whether the
    signal of pause-signal was sent while the parent was held, the method)."""
    nz = rng.randint(1, 20)
    delay = rng.uniform(0.0, 1.9 if mode == "nanosleep" else 0.4)
    result = os.path.join(tmp, "result")
    fifo = os.path.join(tmp, "fifo")
    for f in (result, fifo):
        try:
            os.unlink(f)
        except FileNotFoundError:
            pass
    helper_mode = "pause" if mode == "pause-signal" else mode
    arg = [str(SLEEP_S)] if mode == "nanosleep" else [fifo] if mode in FIFO_MODES else []
    p = subprocess.Popen([args.helper, helper_mode, str(nz), result] + arg,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = p.stdout.readline().decode()
        if not line.startswith("parent="):
            return "reap_parent %s did not start: %s" % (mode, p.stderr.read().decode()[-300:]), None, False, None
        kv = dict(x.split("=", 1) for x in line.split())
        parent = int(kv["parent"])
        zombies = [int(z) for z in kv["zombies"].split(",")]
        t0 = time.monotonic()
        # The parent parks right after its line: wait until it sleeps.
        before = wait_for(lambda: (lambda f: f if f and all(s == "S" for _, s, _ in f) else None)(task_facts(parent)), 5)
        if not before:
            return "parent never slept: %s" % task_facts(parent), None, False, None
        time.sleep(max(0.0, delay - (time.monotonic() - t0)))
        maps_before = read_maps(parent)
        by_parent = rng.random() < 0.5
        method = rng.choice(("in-place", "thread"))
        argv = [args.zdiag, "reap", "--json", "--method", method] + \
            (["--parent", str(parent)] if by_parent else [str(z) for z in zombies])
        zp = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        hit = False
        if mode == "pause-signal":
            # SIGUSR1 while the parent is held by zdiag (seen in state t),
            # or at a random moment if it never is: the parent must see
            # it exactly once, never lose it.
            late = time.monotonic() + rng.uniform(0.0, 0.4)
            while zp.poll() is None and not hit and time.monotonic() < late + 5:
                try:
                    with open("/proc/%d/stat" % parent) as f:
                        st = f.read()
                    hit = st[st.rindex(")") + 2] == "t"
                except (OSError, ValueError):
                    pass
            os.kill(parent, signal.SIGUSR1)
        out, err = zp.communicate(timeout=60)
        z = subprocess.CompletedProcess(argv, zp.returncode, out, err)
        bad = []
        stopped = None
        if z.returncode != 0:
            bad.append("zdiag exit %d: %s" % (z.returncode, z.stderr.decode().strip()[-200:]))
        try:
            doc = json.loads(z.stdout)
            bad += reap_check.check(doc, zombies, reapers=[parent], roles=["parent"], method=method)
            stopped = max((r["stopped_ms"] for r in doc.get("reapers", [])), default=None)
        except ValueError as e:
            bad.append("not JSON (%s): %r" % (e, z.stdout[:200]))
        left = [x for x in zombies if os.path.exists("/proc/%d" % x)]
        if left:
            bad.append("zombies left: %s" % left)
        maps_after = read_maps(parent)
        if maps_after != maps_before:
            bad.append("maps after the reap differ from before:\n%s" % "\n".join(
                difflib.unified_diff(maps_before.splitlines(), maps_after.splitlines(), lineterm="", n=0)))
        after = task_facts(parent)
        if mode == "pause-signal" and after:
            # woken before or after the reap, it is back in pause() (S)
            wait_for(lambda: read_result(result, 0), 5)
            after = task_facts(parent)
        if not after:
            bad.append("parent died")
        else:
            if sorted(t for t, _, _ in after) != sorted(t for t, _, _ in before):
                bad.append("threads %s, were %s" % ([t for t, _, _ in after], [t for t, _, _ in before]))
            cls = {t: state_class(s) for t, s, _ in before}
            for t, s, tr in after:
                if state_class(s) != cls.get(t, "S"):
                    bad.append("thread %d state %s, was %s" % (t, s, cls.get(t)))
                if tr:
                    bad.append("thread %d traced by %d" % (t, tr))
        # Wake or feed it, and read its own verdict.
        if mode in FIFO_MODES:
            with open(fifo, "w") as f:
                f.write("K")
        elif mode == "sigchld-handler":
            os.kill(parent, signal.SIGUSR1)
        verdict = read_result(result, SLEEP_S + 20)
        if verdict.startswith("bad: memory map changed") and mode == "pause-signal" and method == "thread":
            # Woken by the signal, the parent ran (and read its maps)
            # while the helper thread still worked: the scratch mapping
            # is there then (gone afterwards: checked above).
            saw[0] += 1
            verdict = "ok"
        if verdict != "ok":
            bad.append("reap_parent: %s" % (verdict or "no result"))
        return "; ".join(bad), stopped, hit, method
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stdout.close()
        p.stderr.close()
        reap_orphans()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=5, help="trials per mode")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--zdiag", default=os.environ.get("ZDIAG", "./zdiag"))
    ap.add_argument("--helper", default=os.path.join(
        os.environ.get("ZDIAG_HELPERS", "build/helpers"), "reap_parent"))
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    if os.getpid() != 1:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us
    print("# seed %d, %d trials per mode, 1-20 zombies, 0-400 ms before the reap (nanosleep: 0-1.9 s into 2 s)" % (seed, args.trials))
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes.split(","):
            if mode not in MODES:
                raise SystemExit("unknown mode %s" % mode)
            bad, stops, hits, threads = [], [], 0, 0
            for i in range(args.trials):
                why, stopped, hit, method = trial(args, mode, rng, tmp)
                hits += hit
                threads += method == "thread"
                if stopped is not None:
                    stops.append(stopped)
                if why:
                    bad.append("trial %d (%s): %s" % (i, method, why))
            stops.sort()
            med = stops[len(stops) // 2] if stops else float("nan")
            print("%-16s %4d trials (%d thread)  %4d failed  (parent stopped: median %.2f ms, max %.2f ms)%s" %
                  (mode, args.trials, threads, len(bad), med, stops[-1] if stops else float("nan"),
                   "  signal sent while held: %d; parent saw the helper's mapping: %d" % (hits, saw[0])
                   if mode == "pause-signal" else ""))
            for b in bad[:10]:
                print("    " + b)
            sys.stdout.flush()
            failed += len(bad)
            passed += args.trials - len(bad)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
