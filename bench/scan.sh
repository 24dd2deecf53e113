#!/bin/sh
# make bench: zdiag scan against `ps -eLo pid,tid,ppid,stat,wchan,comm`,
# side by side in one run, inside a private PID namespace holding 3,000
# extra single-threaded processes and 30 processes of 100 threads (3,000
# extra threads).  Prints the time ratio and zdiag's syscalls per
# single-threaded process (marginal, from strace -c at two loads).
# Targets (issue 2): ratio <= 0.35, <= 4 syscalls per process.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench/scan.sh: needs root (PID namespace)"; exit 1; }
for t in hyperfine strace ps python3; do
	command -v $t > /dev/null || { echo "bench/scan.sh: $t missing (make bench-deps)"; exit 1; }
done
ZDIAG=$top/zdiag HELPERS=$top/build/helpers OUT=$(mktemp -d)
export ZDIAG HELPERS OUT
trap 'rm -rf "$OUT"' EXIT

unshare --pid --fork --mount-proc --kill-child sh -c '
	set -e
	calls() { strace -f -c -o "$OUT/sc" "$ZDIAG" scan --settle 0 -q || true
		awk "\$NF == \"total\" { print \$4 }" "$OUT/sc"; }
	"$HELPERS"/stage load 1000 0 > /dev/null
	a=$(calls); na=$(ls -d /proc/[0-9]* | wc -l)
	"$HELPERS"/stage load 2000 30 > /dev/null
	b=$(calls); nb=$(ls -d /proc/[0-9]* | wc -l)
	echo "$a $na $b $nb" > "$OUT/calls"
	hyperfine -N --warmup 3 --runs 25 --export-json "$OUT/h.json" \
		"$ZDIAG scan --settle 0 -q" \
		"ps -eLo pid,tid,ppid,stat,wchan,comm" > "$OUT/hyperfine.txt" 2>&1
	ls -d /proc/[0-9]* | wc -l > "$OUT/nproc"
	awk "{ s += \$20 } END { print s }" /proc/[0-9]*/stat > "$OUT/nthreads" 2>/dev/null || true
'
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
h = json.load(open(os.path.join(out, "h.json")))["results"]
z, p = h[0], h[1]
a, na, b, nb = map(int, open(os.path.join(out, "calls")).read().split())
procs = int(open(os.path.join(out, "nproc")).read())
threads = open(os.path.join(out, "nthreads")).read().strip()
print("zdiag scan vs ps -eLo pid,tid,ppid,stat,wchan,comm (%d processes, %s threads)" % (procs, threads))
print("  zdiag scan : median %.1f ms (mean %.1f +- %.1f)" % (z["median"] * 1e3, z["mean"] * 1e3, z["stddev"] * 1e3))
print("  ps -eLo    : median %.1f ms (mean %.1f +- %.1f)" % (p["median"] * 1e3, p["mean"] * 1e3, p["stddev"] * 1e3))
ratio = z["median"] / p["median"]
print("  ratio zdiag/ps = %.3f (target <= 0.35): %s" % (ratio, "OK" if ratio <= 0.35 else "MISSED"))
per = (b - a) / float(nb - na)
print("  syscalls: %d at %d processes, %d at %d processes -> %.2f per extra process (target <= 4): %s"
      % (a, na, b, nb, per, "OK" if per <= 4 else "MISSED"))
PY
