# Shell helpers for tests/e2e/reap.bats, sourced inside in_ns scripts (sh):
#
#	. "$ROOT/tests/lib/reap.sh"
#	park pause 3              # reap_parent: parent=, zombies=, ZS, NZ, ...
#	reap_both                 # text reap of zombie 0, --json reap of the rest
#	kill -USR1 $parent; result_ok
#	echo passed
#
# Every check calls fail, which prints what it saw and exits 1.

fail() {
	echo "FAIL: $*"
	exit 1
}

# park MODE N [ARG]: start tests/helpers/reap_parent and wait for its line;
# sets parent, zombies (Z0,Z1,...), ZS (the same, spaces), NZ, other, tracer.
park() {
	rm -f "$T/park.out" "$T/result" "$T/result.tracer"
	"$HELPERS/reap_parent" "$1" "$2" "$T/result" ${3:-} > "$T/park.out" 2> "$T/park.err" &
	PARK_PID=$!
	n=0
	until [ -s "$T/park.out" ]; do
		n=$((n + 1))
		[ $n -lt 6000 ] || fail "reap_parent $1 did not start: $(cat "$T/park.err")"
		kill -0 $PARK_PID 2> /dev/null || fail "reap_parent $1 exited: $(cat "$T/park.err")"
		sleep 0.01
	done
	other= tracer=
	eval "$(cat "$T/park.out")"
	ZS=$(echo "$zombies" | tr , ' ')
	NZ=$2
	ZCOMM=reap_parent
	[ "$1" != init ] || ZCOMM=reap-init # forked after the namespace init named itself
}

# unpark: end the parked helper (and its tracer) before parking another
unpark() {
	kill -KILL $PARK_PID $tracer 2> /dev/null || true
	wait $PARK_PID 2> /dev/null || true
}

# zpid I: the pid of zombie I
zpid() {
	echo "$ZS" | cut -d' ' -f$(($1 + 1))
}

# zstatus I: how zdiag must report zombie I's end
zstatus() {
	if [ "$1" = 2 ] && [ "$NZ" -ge 3 ]; then
		echo "killed by SIGTERM"
	else
		echo "exited with status $((10 + $1 % 200))"
	fi
}

# state PID: the state letter in /proc/PID/stat (empty when gone)
state() {
	sed 's/.*) //' /proc/$1/stat 2> /dev/null | cut -c1
}

# gone PID...: no such process any more
gone() {
	for z; do
		[ ! -e /proc/$z ] || fail "zombie $z is still there (state $(state $z))"
	done
}

# gone_soon PID...: gone within 5 s (a parent that reaps it itself)
gone_soon() {
	for z; do
		n=0
		while [ -e /proc/$z ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
	done
	gone "$@"
}

# still_zombies PID...: every one is still a zombie
still_zombies() {
	for z; do
		[ "$(state $z)" = Z ] || fail "zombie $z changed: state '$(state $z)'"
	done
}

# healthy PID [STATES]: alive, every thread in one of STATES (default: not
# t, T, Z, X; D is no state a parked helper is in either), untraced
healthy() {
	[ -d /proc/$1 ] || fail "$1 died"
	for t in /proc/$1/task/*; do
		s=$(sed 's/.*) //' $t/stat 2> /dev/null | cut -c1)
		case ${2:-S R} in *$s*) ;; *) fail "$1 thread ${t##*/} is in state $s" ;; esac
		grep -q '^TracerPid:[[:space:]]*0$' $t/status ||
			fail "$1 thread ${t##*/} is traced: $(grep TracerPid $t/status)"
	done
}

# result_ok [SUFFIX]: reap_parent's own verdict (RESULT_FILE, or .tracer) is ok
result_ok() {
	f=$T/result${1:-}
	n=0
	until [ -s "$f" ]; do
		n=$((n + 1))
		[ $n -lt 3000 ] || fail "reap_parent wrote no result to $f (parent state $(state $parent))"
		sleep 0.01
	done
	[ "$(cat "$f")" = ok ] || fail "reap_parent${1:-}: $(cat "$f")"
}

# feed FIFO: the byte the parked helper waits for
feed() {
	printf K > "$1"
}

# run_reap NAME ARGS...: zdiag reap ARGS with stdout in $T/NAME and
# stderr in $T/NAME.err; RC is its exit status
run_reap() {
	out=$1
	shift
	# shellcheck disable=SC2086 # REAP_ARGS: extra options, split
	"$ZDIAG" reap $REAP_ARGS "$@" > "$T/$out" 2> "$T/$out.err"
	RC=$?
}

# expect_rc WANT: RC is WANT
expect_rc() {
	[ "$RC" = "$1" ] || fail "zdiag reap exit $RC, expected $1: $(cat "$T/$out" "$T/$out.err")"
}

# check_json FILE ARGS...: tests/lib/reap_check.py on FILE (--zombies given;
# --method METHOD when METHOD is set)
check_json() {
	f=$1
	shift
	python3 "$ROOT/tests/lib/reap_check.py" "$f" --zombies "$zombies" ${METHOD:+--method "$METHOD"} "$@" ||
		fail "zdiag reap --json: $(cat "$f")"
}

# reap_both [ROLE [REAPER]]: reap zombie 0 in text and the others with
# --json (one run each); both exit 0, every zombie is gone, the report has
# each exit status, the parent stays healthy.  ROLE (default parent) and
# REAPER (default $parent) may be lists: a|b, a,b.
reap_both() {
	role=${1:-parent}
	reaper=${2:-$parent}
	z0=$(zpid 0)
	run_reap text $z0
	expect_rc 0
	n=$(grep -c . "$T/text")
	[ "$n" = 1 ] || fail "text: $n lines: $(cat "$T/text")"
	grep -Eq "^reaped $z0 \\($ZCOMM\\): $(zstatus 0); reaper ($(echo "$reaper" | tr , '|')) \\([^)]*, ($(echo "$role" | tr , '|'))\\) stopped [0-9]+\\.[0-9] ms\$" "$T/text" ||
		fail "text: $(cat "$T/text")"
	gone $z0
	healthy $parent
	if [ "$NZ" -gt 1 ]; then
		rest=$(echo "$ZS" | cut -d' ' -f2-)
		idx=$(seq -s, 1 $((NZ - 1)))
		run_reap json --json $rest
		expect_rc 0
		check_json "$T/json" --idx "$idx" --role "$role" --reaper "$reaper" ${CAUSE:+--cause "$CAUSE"}
		gone $rest
		healthy $parent
	fi
}
