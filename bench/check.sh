#!/bin/sh
# make bench: what `zdiag check` costs, side by side in one hyperfine run.
# Only ratios are printed as results: the machine is shared, absolute times
# drift from run to run.
set -eu
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench/check.sh: hyperfine is missing (make bench-deps)" >&2; exit 1; }
[ -x ./zdiag ] && [ -x ./zdiag-static ] || { echo "bench/check.sh: build ./zdiag and ./zdiag-static first" >&2; exit 1; }
n=$(./zdiag check --list | wc -l)
json=$(mktemp)
trap 'rm -f "$json"' EXIT
# The suite runs as root here (PID-namespace probes); each command is the
# whole suite or one probe, -q so that no terminal output is timed.
hyperfine -N --warmup 3 --runs 30 --export-json "$json" \
	-n "zdiag check ($n probes)" "./zdiag check -q" \
	-n "zdiag-static check" "./zdiag-static check -q" \
	-n "one probe (wait.echild)" "./zdiag check -q -k wait.echild" \
	-n "zdiag --version (start-up)" "./zdiag --version"
python3 - "$json" "$n" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
suite, static, one, start = (r[k]["median"] for k in sorted(r, key=list(r).index))
print()
print("ratios (medians):")
print("  zdiag-static / zdiag, whole suite:      %.2f" % (static / suite))
print("  whole suite / one probe:                %.1f  (%d probes)" % (suite / one, n))
print("  one probe / zdiag start-up:             %.1f" % (one / start))
print("  mean probe cost / one-probe run:        %.2f" % (((suite - start) / n) / (one - start)))
PY
