# Sourced by bench/attach.sh and bench/core.sh (after setting ROOT): the
# script is run again as PID 1 of a private PID namespace, so its targets die
# with it, and gets $TMP, removed at exit.  A target started in the
# background as PID writes to $TMP/target.out; its ticker thread prints its
# longest gap between 1 ms ticks ("maxgap=US") at SIGUSR2.

if [ "${ZD_BENCH_INNER:-}" != 1 ]; then
	ZD_BENCH_INNER=1 exec unshare --pid --fork --mount-proc --kill-child sh "$0" "$@"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# wait_ready: until the target printed "ready", then let it settle.
wait_ready() {
	i=0
	while ! grep -q ready "$TMP/target.out"; do
		i=$((i + 1)); [ $i -lt 1000 ] || { echo "target did not start" >&2; exit 1; }
		sleep 0.01
	done
	sleep 0.2
}

# maxgap: the ticker's longest gap (us) since the previous call.
maxgap() {
	: > "$TMP/target.out"
	kill -USR2 $PID
	i=0
	while ! grep -q maxgap "$TMP/target.out"; do i=$((i + 1)); [ $i -lt 500 ] || break; sleep 0.01; done
	sed -n 's/^maxgap=//p' "$TMP/target.out" | tail -1
}

# gaps CMD...: the target-side pause while CMD runs 5 times (max gap in us).
gaps() {
	maxgap > /dev/null
	for i in 1 2 3 4 5; do "$@" > /dev/null 2>&1 || true; done
	maxgap
}
