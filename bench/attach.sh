#!/bin/sh
# make bench: `zdiag attach PID --bt` against eu-stack and gdb on targets with
# 1, 64 and 512 threads, side by side in one hyperfine run per size, with
# ratios, and how long each tool kept the target stopped:
#   - zdiag's own clock (first PTRACE_INTERRUPT .. last PTRACE_DETACH,
#     "stopped_ms" in --json), and
#   - the target's view: a ticker thread (attach_threads ticker) records the
#     longest gap between its 1 ms ticks while a tool runs; the same window
#     without any tool is the scheduler's noise.
# Targets live in a private PID namespace: they die with this script.
# Timing lives only here (never in make check).  BENCH_RUNS overrides the
# number of hyperfine runs (default 15).  BENCH_BASE=/path/to/an/older/zdiag
# runs that one in the same hyperfine runs too (before/after a change) and
# prints its ratio to eu-stack next to zdiag's.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib/ticker.sh"

ZDIAG=$ROOT/zdiag
TARGET=$ROOT/build/helpers/attach_threads-O2
RUNS=${BENCH_RUNS:-15}
BASE=${BENCH_BASE:-}

for tool in hyperfine eu-stack gdb python3; do
	command -v $tool >/dev/null || { echo "bench/attach.sh: $tool is missing (make bench-deps)" >&2; exit 1; }
done

# start N: a target with N threads in total (main + ticker + N-2 workers; N=1: main only)
start() {
	if [ "$1" = 1 ]; then
		"$TARGET" 0 >> "$TMP/target.out" 2>&1 &
	else
		"$TARGET" $(($1 - 2)) ticker >> "$TMP/target.out" 2>&1 &
	fi
	PID=$!
	wait_ready
}

echo "zdiag attach --bt vs eu-stack vs gdb (hyperfine, $RUNS runs each; medians in ms)"
echo "machine: $(nproc) cpus, $(uname -r); noise from other work on this machine is expected"
printf '\n%-8s %10s %10s %10s %12s %12s %14s\n' threads zdiag eu-stack gdb zdiag/eu zdiag/gdb "zdiag stop ms"
for n in 1 64 512; do
	start $n
	set --
	[ -z "$BASE" ] || set -- -n base "$BASE attach $PID --bt"
	hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$TMP/h$n.json" "$@" \
		-n zdiag "$ZDIAG attach $PID --bt" \
		-n eu-stack "eu-stack -p $PID" \
		-n gdb "gdb -p $PID -batch -nx -ex 'thread apply all bt'" > "$TMP/h$n.txt" 2>&1 ||
		{ cat "$TMP/h$n.txt" >&2; exit 1; }
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$ZDIAG" attach $PID --bt --json > "$TMP/z$n.$i.json"
	done
	python3 - "$TMP" $n <<'PY'
import json, sys, statistics, glob
tmp, n = sys.argv[1], sys.argv[2]
h = {r["command"]: r for r in json.load(open(f"{tmp}/h{n}.json"))["results"]}
med = {k: statistics.median(v["times"]) * 1000 for k, v in h.items()}
stops = [json.load(open(f))["stopped_ms"] for f in glob.glob(f"{tmp}/z{n}.*.json")]
threads = len(json.load(open(f"{tmp}/z{n}.1.json"))["threads"])
print(f"{threads:<8} {med['zdiag']:10.1f} {med['eu-stack']:10.1f} {med['gdb']:10.1f} "
      f"{med['zdiag']/med['eu-stack']:11.3f}x {med['zdiag']/med['gdb']:11.3f}x "
      f"{statistics.median(stops):6.2f} (max {max(stops):.2f})")
if "base" in med:
    print(f"{'':<8} {med['base']:10.1f} {'':>10} {'':>10} {med['base']/med['eu-stack']:11.3f}x "
          f"{med['base']/med['gdb']:11.3f}x  (BENCH_BASE)")
PY
	if [ "$n" != 1 ]; then
		idle=$(gaps sleep 0.05)
		z=$(gaps "$ZDIAG" attach $PID --bt)
		e=$(gaps eu-stack -p $PID)
		g=$(gaps gdb -p $PID -batch -nx -ex 'thread apply all bt')
		echo "         target's longest tick gap (ms) over 5 runs: none $(echo "$idle" | awk '{printf "%.1f", $1/1000}'), zdiag $(echo "$z" | awk '{printf "%.1f", $1/1000}'), eu-stack $(echo "$e" | awk '{printf "%.1f", $1/1000}'), gdb $(echo "$g" | awk '{printf "%.1f", $1/1000}')"
	fi
	kill $PID
	wait $PID 2>/dev/null || true
done
echo
echo "targets: zdiag <= 0.25x eu-stack (issue 10) and <= 0.05x gdb at 64 threads; stopped <= 10 ms at 64 threads (issue 4)"
