#!/usr/bin/env python3
"""Check one `zdiag reap --json` document against what tests/helpers/reap_parent
staged (used by tests/lib/reap.sh and tests/trials/reap_trials.py).

  reap_check.py FILE --zombies Z0,Z1,... [--idx 1,2] [--action reaped]
                [--reaper PID[,PID]] [--role parent[,tracer]] [--cause NAME]
                [--dry-run] [--reapers-include PID] [--method in-place|thread]

Zombie i of reap_parent exits with code 10 + i % 200, except i = 2 (when
there are 3 or more), killed by SIGTERM.  --idx lists which of them were
asked for (default all).  Prints what is wrong and exits 1, or exits 0.
"""
import argparse
import json
import sys

ACTIONS = {"reaped", "would-reap", "refused", "failed", "gone", "continued"}
ROLES = {"parent", "tracer", "init", "subreaper"}


def expected_exit(i, nz):
    """(code, signal) that zombie i of nz leaves."""
    if i == 2 and nz >= 3:
        return None, 15
    return 10 + i % 200, None


def shape(doc):
    """The document's shape (types of every field); a list of problems."""
    bad = []

    def want(obj, key, types, where):
        if not isinstance(obj, dict) or key not in obj:
            bad.append("%s: no %r" % (where, key))
            return None
        v = obj[key]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types and int in types):
            bad.append("%s.%s: %r is not %s" % (where, key, v, types))
        return v

    want(doc, "dry_run", (bool,), "doc")
    for i, z in enumerate(want(doc, "zombies", (list,), "doc") or []):
        w = "zombies[%d]" % i
        want(z, "pid", (int,), w)
        want(z, "comm", (str,), w)
        want(z, "ppid", (int,), w)
        want(z, "cause", (str, type(None)), w)
        a = want(z, "action", (str,), w)
        if a is not None and a not in ACTIONS:
            bad.append("%s.action %r unknown" % (w, a))
        want(z, "reason", (str, type(None)), w)
        r = want(z, "reaper", (dict, type(None)), w)
        if r:
            want(r, "pid", (int,), w + ".reaper")
            want(r, "comm", (str,), w + ".reaper")
            if want(r, "role", (str,), w + ".reaper") not in ROLES:
                bad.append("%s.reaper.role %r unknown" % (w, r.get("role")))
        e = want(z, "exit", (dict, type(None)), w)
        if e:
            want(e, "code", (int, type(None)), w + ".exit")
            want(e, "signal", (int, type(None)), w + ".exit")
            want(e, "signal_name", (str, type(None)), w + ".exit")
            want(e, "core_dumped", (bool,), w + ".exit")
        want(z, "warning", (str, type(None)), w)
    for i, r in enumerate(want(doc, "reapers", (list,), "doc") or []):
        w = "reapers[%d]" % i
        want(r, "pid", (int,), w)
        want(r, "comm", (str,), w)
        want(r, "stopped_ms", (int, float), w)
        want(r, "zombies", (int,), w)
        if want(r, "method", (str,), w) not in ("in-place", "thread"):
            bad.append("%s.method %r unknown" % (w, r.get("method")))
        lm = want(r, "left_mapping", (dict, type(None)), w)
        if lm:
            want(lm, "address", (str,), w + ".left_mapping")
            want(lm, "size", (int,), w + ".left_mapping")
    s = want(doc, "summary", (dict,), "doc")
    for k in ("requested", "reaped", "gone", "refused", "failed"):
        want(s, k, (int,), "summary")
    return bad


def check(doc, zombies, idx=None, action="reaped", reapers=None, roles=None,
          cause=None, dry_run=False, reapers_include=(), method=None):
    """Problems with doc (a parsed document); [] if none."""
    bad = shape(doc)
    if bad:
        return bad
    nz = len(zombies)
    idx = list(range(nz)) if idx is None else idx
    if doc["dry_run"] != dry_run:
        bad.append("dry_run is %r" % doc["dry_run"])
    by_pid = {}
    for z in doc["zombies"]:
        if z["pid"] in by_pid:
            bad.append("zombie %d listed twice" % z["pid"])
        by_pid[z["pid"]] = z
    if set(by_pid) != {zombies[i] for i in idx}:
        bad.append("zombies listed %s, asked for %s" % (sorted(by_pid), sorted(zombies[i] for i in idx)))
    for i in idx:
        z = by_pid.get(zombies[i])
        if not z:
            continue
        w = "zombie %d (#%d)" % (z["pid"], i)
        if z["action"] != action:
            bad.append("%s: action %s (%s), expected %s" % (w, z["action"], z["reason"], action))
            continue
        if cause and z["cause"] != cause:
            bad.append("%s: cause %s, expected %s" % (w, z["cause"], cause))
        if action in ("refused", "failed") and not z["reason"]:
            bad.append("%s: %s without a reason" % (w, action))
        if action in ("reaped", "would-reap", "continued"):
            r = z["reaper"]
            if action != "continued" or r:
                if not r:
                    bad.append("%s: no reaper" % w)
                elif reapers and r["pid"] not in reapers:
                    bad.append("%s: reaper %d, expected one of %s" % (w, r["pid"], reapers))
                elif roles and r["role"] not in roles:
                    bad.append("%s: reaper role %s, expected %s" % (w, r["role"], roles))
        if action == "reaped":
            e = z["exit"]
            code, sig = expected_exit(i, nz)
            if not e:
                bad.append("%s: no exit status" % w)
            elif (e["code"], e["signal"]) != (code, sig) or e["core_dumped"]:
                bad.append("%s: exit %s, expected code %s signal %s" % (w, e, code, sig))
            elif sig and e["signal_name"] != "SIGTERM":
                bad.append("%s: signal_name %s" % (w, e["signal_name"]))
            if not z["warning"] or "ECHILD" not in z["warning"]:
                bad.append("%s: no ECHILD warning (%r)" % (w, z["warning"]))
    s = doc["summary"]
    if s["requested"] != len(idx):
        bad.append("summary.requested %d, asked %d" % (s["requested"], len(idx)))
    n = {a: sum(1 for z in doc["zombies"] if z["action"] == a) for a in ACTIONS}
    if s["reaped"] != n["reaped"] + n["continued"] or s["gone"] != n["gone"] or \
       s["refused"] != n["refused"] or s["failed"] != n["failed"]:
        bad.append("summary %s does not add up (%s)" % (s, n))
    rp = {r["pid"]: r for r in doc["reapers"]}
    if action == "reaped":
        for z in doc["zombies"]:
            if z["reaper"] and z["reaper"]["pid"] not in rp:
                bad.append("reaper %d not in reapers[]" % z["reaper"]["pid"])
        for r in doc["reapers"]:
            if r["stopped_ms"] < 0 or r["zombies"] < 1:
                bad.append("reapers: %s" % r)
            if method and r["method"] != method:
                bad.append("reaper %d: method %s, expected %s" % (r["pid"], r["method"], method))
            if r["left_mapping"]:
                bad.append("reaper %d: a scratch mapping was left: %s" % (r["pid"], r["left_mapping"]))
    elif action in ("refused", "would-reap") and doc["reapers"]:
        if any(r["stopped_ms"] > 0 for r in doc["reapers"]) and action == "would-reap":
            bad.append("dry run stopped a reaper: %s" % doc["reapers"])
    for p in reapers_include:
        if p not in rp:
            bad.append("reaper %d not in reapers[] %s" % (p, sorted(rp)))
    return bad


def ints(s):
    return [int(x) for x in s.split(",") if x]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--zombies", required=True)
    ap.add_argument("--idx")
    ap.add_argument("--action", default="reaped")
    ap.add_argument("--reaper")
    ap.add_argument("--role")
    ap.add_argument("--cause")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--reapers-include", default="")
    ap.add_argument("--method")
    a = ap.parse_args()
    try:
        with open(a.file) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("not one JSON document: %s" % e)
        return 1
    bad = check(doc, ints(a.zombies), ints(a.idx) if a.idx else None, a.action,
                ints(a.reaper) if a.reaper else None, a.role.split(",") if a.role else None,
                a.cause, a.dry_run, ints(a.reapers_include), a.method)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
