#!/bin/sh
# make bench: `zdiag attach PID --core FILE` against gdb's gcore
# (`gdb -p PID -batch -ex 'gcore FILE'`) on three targets:
#   - small:  attach_threads-O2 (-O2 -g): main + a ticker thread
#   - 64thr:  attach_threads-O2 with 62 workers + the ticker
#   - python: Debian's python3 (/usr/bin/python3) with a ticker thread
# For each: wall-clock time (hyperfine medians), how long the process was
# stopped (zdiag's own clock from -v; the target's view: the ticker's longest
# gap between its 1 ms ticks while a tool runs 5 times, next to the same
# window with no tool), and the core's size (bytes, and blocks on disk: both
# leave zero pages as holes).  Ratios are zdiag / gdb.
# Targets live in a private PID namespace: they die with this script.
# BENCH_RUNS overrides the number of hyperfine runs (default 10).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib/ticker.sh"

ZDIAG=$ROOT/zdiag
TARGET=$ROOT/build/helpers/attach_threads-O2
PY=/usr/bin/python3
RUNS=${BENCH_RUNS:-10}

for tool in hyperfine gdb python3 "$PY"; do
	command -v $tool >/dev/null || { echo "bench/core.sh: $tool is missing (make bench-deps)" >&2; exit 1; }
done

# start KIND: a target; PID and its output in $TMP/target.out
start() {
	: > "$TMP/target.out"
	case $1 in
	small) "$TARGET" 0 ticker >> "$TMP/target.out" 2>&1 & ;;
	64thr) "$TARGET" 62 ticker >> "$TMP/target.out" 2>&1 & ;;
	python) "$PY" -c '
import signal, sys, threading, time
gap = 0.0
def tick():
    global gap
    last = time.monotonic()
    while True:
        time.sleep(0.001)
        t = time.monotonic()
        gap = max(gap, t - last)
        last = t
def report(sig, frame):
    global gap
    print("maxgap=%d" % (gap * 1e6), flush=True)
    gap = 0.0
signal.signal(signal.SIGUSR2, report)
data = [str(i) * 10 for i in range(200000)]
threading.Thread(target=tick, daemon=True).start()
print("ready", flush=True)
while True:
    time.sleep(1)
' >> "$TMP/target.out" 2>&1 & ;;
	esac
	PID=$!
	wait_ready
}

echo "zdiag attach --core vs gdb gcore (hyperfine, $RUNS runs each; medians)"
echo "machine: $(nproc) cpus, $(uname -r); noise from other work on this machine is expected"
printf '\n%-7s %8s %8s %9s %9s %9s %11s %11s %9s %9s %9s %9s\n' target "zdiag ms" "gdb ms" "time z/g" \
	"z stop" "z gap" "gdb gap" "idle gap" "gap z/g" "z MB" "gdb MB" "size z/g"
for kind in small 64thr python; do
	start $kind
	hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$TMP/h.json" \
		-n zdiag "$ZDIAG attach $PID --core $TMP/z.core" \
		-n gdb "gdb -p $PID -batch -nx -ex 'gcore $TMP/g.core'" > "$TMP/h.txt" 2>&1 ||
		{ cat "$TMP/h.txt" >&2; exit 1; }
	: > "$TMP/stops"
	for i in 1 2 3 4 5; do
		"$ZDIAG" attach $PID --core "$TMP/z.core" -v 2>&1 >/dev/null |
			sed -n 's/.* was stopped for \([0-9.]*\) ms.*/\1/p' >> "$TMP/stops"
	done
	idle=$(gaps sleep 0.05)
	zg=$(gaps "$ZDIAG" attach $PID --core "$TMP/z.core")
	gg=$(gaps gdb -p $PID -batch -nx -ex "gcore $TMP/g.core")
	zs=$(stat -c %s "$TMP/z.core"); gs=$(stat -c %s "$TMP/g.core")
	zb=$(stat -c %b "$TMP/z.core"); gb=$(stat -c %b "$TMP/g.core")
	threads=$(ls /proc/$PID/task | wc -l)
	python3 - "$TMP" "$kind" "$threads" "$idle" "$zg" "$gg" "$zs" "$gs" "$zb" "$gb" <<'PY'
import json, statistics, sys
tmp, kind, threads = sys.argv[1], sys.argv[2], sys.argv[3]
idle, zg, gg, zs, gs, zb, gb = (float(x or 0) for x in sys.argv[4:11])
h = {r["command"]: r for r in json.load(open(f"{tmp}/h.json"))["results"]}
med = {k: statistics.median(v["times"]) * 1000 for k, v in h.items()}
stops = [float(x) for x in open(f"{tmp}/stops").read().split()]
print(f"{kind:<7} {med['zdiag']:8.1f} {med['gdb']:8.1f} {med['zdiag']/med['gdb']:8.3f}x "
      f"{statistics.median(stops):9.1f} {zg/1000:9.1f} {gg/1000:11.1f} {idle/1000:11.1f} "
      f"{(zg/gg if gg else 0):8.3f}x {zs/1e6:9.2f} {gs/1e6:9.2f} {zs/gs:8.3f}x"
      f"   ({threads} threads; on disk {zb*512/1e6:.2f} vs {gb*512/1e6:.2f} MB)")
PY
	kill $PID
	wait $PID 2>/dev/null || true
done
echo
echo "z stop: zdiag's own clock (first PTRACE_INTERRUPT .. last detach, ms); gaps: the target's"
echo "longest tick gap (ms) over 5 runs of each tool; goal (issue 10): zdiag <= 0.5x gdb's time"
