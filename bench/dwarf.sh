#!/bin/sh
# make bench: the first source-level lookup on a program with large debug
# info.  `zdiag attach PID -e "frame 1" -e "info locals"` against gdb doing
# the same, on Debian's python3.11 (its DWARF from python3.11-dbg, found by
# build-id: 11 MB of compressed sections) parked in time.sleep.  Each run is
# a new process: nothing is cached between runs (gdb's index-cache is off by
# default).  The issue's goal: zdiag at most 0.1x gdb.
# The target lives in a private PID namespace: it dies with this script.
# BENCH_RUNS overrides the number of hyperfine runs (default 5; gdb takes seconds).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "${ZD_BENCH_INNER:-}" != 1 ]; then
	ZD_BENCH_INNER=1 exec unshare --pid --fork --mount-proc --kill-child sh "$0" "$@"
fi

ZDIAG=$ROOT/zdiag
PY=/usr/bin/python3.11
RUNS=${BENCH_RUNS:-5}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for tool in hyperfine gdb $PY; do
	command -v $tool >/dev/null || { echo "bench/dwarf.sh: $tool is missing (make bench-deps)" >&2; exit 1; }
done
bid=$(readelf -n $PY | sed -n 's/.*Build ID: //p')
dbg=/usr/lib/debug/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug
[ -e "$dbg" ] || { echo "bench/dwarf.sh: no $dbg (apt-get install python3.11-dbg: make bench-deps)" >&2; exit 1; }

$PY -c 'import time
def f(a, b):
    x = a + b
    time.sleep(3600)
f(1, 2)' &
PID=$!
i=0
while ! grep -q "^230 " /proc/$PID/syscall 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 1000 ] || { echo "target did not park" >&2; exit 1; }
	sleep 0.01
done

echo "-- the frame and its locals, zdiag then gdb:"
"$ZDIAG" attach $PID -e "frame 1" -e "info locals" 2>/dev/null
gdb -nx -batch -p $PID -ex "frame 1" -ex "info locals" 2>/dev/null | grep -v "^\[\|^Using"
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$TMP/h.json" \
	-n zdiag "$ZDIAG attach $PID -e 'frame 1' -e 'info locals'" \
	-n gdb "gdb -nx -batch -p $PID -ex 'frame 1' -ex 'info locals'"
python3 - "$TMP/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
z, g = r["zdiag"]["median"], r["gdb"]["median"]
print(f"first locals: zdiag {z*1000:.0f} ms, gdb {g*1000:.0f} ms: {z/g:.3f}x gdb (goal <= 0.1x)")
PY
kill $PID
