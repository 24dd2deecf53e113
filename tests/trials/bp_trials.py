#!/usr/bin/env python3
"""Randomized trials of every way a debugger session can end.

A target (tests/helpers/bp_target) has several threads calling bp_hot()
every 0.5 ms.  Each trial attaches `zdiag attach` to it, sets a breakpoint
in bp_hot, continues a random number of times and ends the session one way
(detach, quit, end of batch, end of input, SIGINT, SIGTERM, SIGHUP, a crash
of zdiag (SIGSEGV, SIGABRT), SIGKILL), at a random moment for the signal
paths.  `zdiag attach` is two processes (include/zdiag/shield.h): the one
started, which only waits, and the tracer, its child.  Signals from outside
go to the one started; a crash (crash, abort) happens in the tracer, and
sigkill-tracer kills the tracer itself: the case only the guardian helps.  After each trial the target must be alive, no thread in t/T state,
TracerPid 0 on every thread, and it must go on calling bp_hot (a leftover
int3 or a SIGTRAP would kill it first).

Run it inside a private PID namespace (make trials, tests/e2e/attach_trials.bats):
it starts every process it checks and ends them by pid.  With --peer gdb it
runs the SIGKILL path with gdb instead of zdiag, for comparison.

Prints one line per path and a closing line 'N passed, N failed'.
"""
import argparse
import ctypes
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

from procfacts import task_facts

PATHS = ["detach", "quit", "batch-end", "eof", "sigint", "sigterm", "sighup",
         "crash", "abort", "sigkill", "sigkill-idle", "sigkill-tracer"]
SIGNAL_OF = {"sigint": signal.SIGINT, "sigterm": signal.SIGTERM,
             "sighup": signal.SIGHUP, "crash": signal.SIGSEGV,
             "abort": signal.SIGABRT, "sigkill": signal.SIGKILL,
             "sigkill-idle": signal.SIGKILL, "sigkill-tracer": signal.SIGKILL}
# Paths whose signal goes to the tracer (the child of the zdiag started).
IN_TRACER = ("crash", "abort", "sigkill-tracer")


def tracer_of(zpid, timeout=30.0):
    """The tracer: the child of the zdiag started (None once zdiag is gone)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open("/proc/%d/task/%d/children" % (zpid, zpid)) as f:
                kids = f.read().split()
        except OSError:
            return None
        if kids:
            return int(kids[0])
        time.sleep(0.001)
    return None


def reap_orphans(target):
    """We may be PID 1 (or a subreaper): reap whatever was left to us,
    without taking the target's own status from it."""
    while True:
        try:
            si = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if si is None:
            return
        if target.proc and si.si_pid == target.proc.pid:
            target.proc.wait()
            continue
        os.waitpid(si.si_pid, 0)


class Target:
    def __init__(self, exe, nthreads, tmp):
        self.exe, self.nthreads, self.tmp = exe, nthreads, tmp
        self.proc = None
        self.restarts = 0

    def ensure(self):
        if self.proc and self.proc.poll() is None:
            return
        if self.proc:
            self.restarts += 1
        self.progress = os.path.join(self.tmp, "progress")
        self.proc = subprocess.Popen([self.exe, str(self.nthreads), self.progress, "3600"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if line.strip() != b"ready":
            raise SystemExit("bp_target did not start")

    @property
    def pid(self):
        return self.proc.pid

    def calls(self):
        try:
            with open(self.progress) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return -1

    def check(self, deadline_s=20.0):
        """'' if the target is fine, else what is wrong."""
        rc = self.proc.poll()
        if rc is not None:
            return "target died (%s)" % (("signal %s" % signal.Signals(-rc).name) if rc < 0 else "exit %d" % rc)
        end = time.monotonic() + deadline_s
        # Threads: not stopped, not traced (the kernel detaches a dead
        # tracer's tracees as it exits, before its parent can reap it).
        while True:
            facts = task_facts(self.pid)
            bad = [f for f in facts or [] if f[1] in "tT" or f[2] != 0]
            if facts and not bad:
                break
            if time.monotonic() > end:
                return "threads left stopped or traced: %s" % bad
            time.sleep(0.01)
        # Work goes on: bp_hot keeps being called (many times, so that an
        # int3 left in memory would have been hit and killed it).
        c0 = self.calls()
        want = c0 + 200 * self.nthreads
        while self.calls() < want:
            if self.proc.poll() is not None:
                return self.check(0)
            if time.monotonic() > end:
                return "no progress (calls %d -> %d)" % (c0, self.calls())
            time.sleep(0.01)
        rc = self.proc.poll()
        if rc is not None:
            return self.check(0)
        return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def first_hit(p, marker, timeout=30.0, count=1):
    """Read p's stdout until count lines hold marker (the debugger reported
    a breakpoint hit), then keep draining it in a thread so that the
    debugger never blocks on a full pipe.  Returns whether the process is
    still running (at the end of its output it is not)."""
    seen = threading.Event()

    def drain():
        n = 0
        for line in p.stdout:
            if marker in line:
                n += 1
                if n >= count:
                    seen.set()
        seen.set()  # end of output: stop waiting

    threading.Thread(target=drain, daemon=True).start()
    seen.wait(timeout)
    return p.poll() is None


def sig_of(path):
    return SIGNAL_OF.get(path, 0)


def zdiag_trial(zdiag, path, pid, rng, tmp):
    """Run one session; returns '' or what went wrong with zdiag itself."""
    nconts = rng.randint(1, 12)
    cmds = ["break bp_hot"] + ["cont"] * nconts
    argv = [zdiag, "attach", str(pid)]
    stdin = subprocess.DEVNULL
    expect_rc = 0
    if path in ("detach", "quit", "batch-end"):
        if path != "batch-end":
            cmds.append(path)
        for c in cmds:
            argv += ["-e", c]
    elif path == "sigkill-idle":
        # SIGKILL while zdiag waits for its next command (the process
        # stopped at a breakpoint): the way a session usually spends time.
        # Idle for sure: every `cont` has reported its hit (on a loaded
        # machine a fixed delay could land in a run of `cont`, the case
        # measured by the sigkill path).
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(("\n".join(cmds) + "\n").encode())
        p.stdin.flush()
        if not first_hit(p, b"hit breakpoint 1", count=nconts):
            p.kill()
            p.wait(timeout=60)
            return "zdiag did not report %d hits" % nconts
        time.sleep(rng.uniform(0.0, 0.3))
        p.kill()
        p.wait(timeout=60)
        p.stdin.close()
        p.stderr.close()
        return "" if p.returncode == -signal.SIGKILL else "zdiag exit %d" % p.returncode
    else:
        # Commands from standard input (a file: no prompt).
        if path != "eof":
            cmds = ["break bp_hot"] + ["cont"] * 100000
        fn = os.path.join(tmp, "cmds")
        with open(fn, "w") as f:
            f.write("\n".join(cmds) + "\n")
        stdin = open(fn)
    hot = path in ("sigkill", "sigkill-tracer")
    p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE if hot else subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    if stdin is not subprocess.DEVNULL:
        stdin.close()
    if hot:
        # As for gdb (gdb_trial): the moment is measured from the first
        # reported hit, so that the kill lands in a run of `cont`.
        first_hit(p, b"hit breakpoint 1")
    if path in SIGNAL_OF:
        sig = SIGNAL_OF[path]
        time.sleep(rng.uniform(0.0, 0.15))
        who = tracer_of(p.pid) if path in IN_TRACER else p.pid
        try:
            if who:
                os.kill(who, sig)
        except ProcessLookupError:
            pass
        # The zdiag started returns the tracer's status (128 + its signal);
        # a SIGKILL of the one started is its own death.
        expect_rc = -sig if path == "sigkill" else 128 + sig
    try:
        if hot:  # stdout belongs to first_hit's thread
            p.wait(timeout=60)
            err = p.stderr.read()
            p.stderr.close()
        else:
            _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return "zdiag hung"
    text = err.decode(errors="replace")
    if p.returncode in (-sig_of(path), 128 + sig_of(path)) and "attached to" not in text:
        return ""  # killed before it set up its signals: it never attached
    if p.returncode != expect_rc:
        return "zdiag exit %d, expected %d: %s" % (p.returncode, expect_rc, text.strip()[-300:])
    return ""


def gdb_trial(path, pid, rng, tmp):
    """gdb batch session with a breakpoint in bp_hot and a run of
    `continue`, SIGKILLed at a random moment after its first reported hit
    (the same moment zdiag_trial picks for the sigkill path)."""
    if path != "sigkill":
        raise SystemExit("--peer gdb runs the sigkill path only")
    fn = os.path.join(tmp, "gdb-cmds")
    with open(fn, "w") as f:
        f.write("break bp_hot\n" + "continue\n" * 100000)
    argv = ["gdb", "-nx", "-q", "-batch", "-p", str(pid), "-x", fn]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    if not first_hit(p, b"Breakpoint 1, "):
        p.wait()
        return "gdb never reported a hit (exit %s)" % p.returncode
    time.sleep(rng.uniform(0.0, 0.15))
    p.kill()
    p.wait()
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=5, help="trials per path")
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--zdiag", default=os.environ.get("ZDIAG", "./zdiag"))
    ap.add_argument("--target", default=os.path.join(
        os.environ.get("ZDIAG_HELPERS", "build/helpers"), "bp_target"))
    ap.add_argument("--peer", choices=["zdiag", "gdb"], default="zdiag")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    if os.getpid() != 1:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us
    print("# seed %d, %d trials per path, %d threads, peer %s" % (seed, args.trials, args.threads, args.peer))
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        target = Target(args.target, args.threads, tmp)
        try:
            for path in args.paths.split(","):
                if path not in PATHS:
                    raise SystemExit("unknown path %s" % path)
                bad = []
                for i in range(args.trials):
                    target.ensure()
                    if args.peer == "gdb":
                        why = gdb_trial(path, target.pid, rng, tmp)
                    else:
                        why = zdiag_trial(args.zdiag, path, target.pid, rng, tmp)
                    reap_orphans(target)
                    harm = target.check()
                    reap_orphans(target)
                    if harm or why:
                        bad.append("trial %d: %s" % (i, "; ".join(x for x in (harm, why) if x)))
                        if harm:
                            target.stop()
                died = sum("target died" in b for b in bad)
                stopped = sum("stopped or traced" in b for b in bad)
                print("%-10s %4d trials  %4d failed (target died %d, left stopped %d)" %
                      (path, args.trials, len(bad), died, stopped))
                for b in bad[:10]:
                    print("    " + b)
                sys.stdout.flush()
                failed += len(bad)
                passed += args.trials - len(bad)
        finally:
            target.stop()
            reap_orphans(target)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
