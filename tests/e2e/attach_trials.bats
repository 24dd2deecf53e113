#!/usr/bin/env bats
# Randomized trials of every way an attach session ends (the short run;
# `make trials` is the long one): after each, the target is alive, no
# thread stopped or traced, and it keeps calling the function that had the
# breakpoint.  SIGKILL of the zdiag started is tried while it waits for a
# command and in the middle of a run of `cont` on a hot breakpoint (the
# tracer is its child and ends the session cleanly: include/zdiag/shield.h).
# SIGKILL of the tracer itself mid-`cont` is measured by `make trials`, not
# asserted: see docs/attach.md.
load '../lib/common'

@test "every way out of a session leaves the target running, untraced, unharmed (randomized trials)" {
	require_pidns
	paths=detach,quit,batch-end,eof,sigint,sigterm,sighup,crash,abort,sigkill,sigkill-idle
	if [ -n "${ZDIAG_SANITIZE:-}" ]; then
		# Under the sanitizers SEGV belongs to ASan's report.
		paths=detach,quit,batch-end,eof,sigint,sigterm,sighup,sigkill,sigkill-idle
	fi
	run in_ns "python3 '$ROOT/tests/trials/bp_trials.py' --trials 4 --paths $paths --zdiag '$ZDIAG' --target '$HELPERS/bp_target'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0 failed"* ]]
}

@test "the tracer killed with SIGKILL while the process runs with a breakpoint in: the guardian takes the int3 out" {
	require_pidns
	run in_ns '
		"$HELPERS"/bp_target 2 "$T/progress" 60 > "$T/out" & tp=$!
		until grep -q ready "$T/out"; do sleep 0.01; done
		mkfifo "$T/cmds"
		"$ZDIAG" attach $tp < "$T/cmds" 2> "$T/err" & zp=$!
		exec 3> "$T/cmds"
		echo "break bp_cold" >&3
		echo "cont" >&3
		# Running, int3 in bp_cold (never called yet): wait until zdiag
		# is inside cont (all threads running again), then kill it.
		until grep -q "attached to" "$T/err"; do sleep 0.01; done
		while grep -q "^State:.*tracing stop" /proc/$tp/task/*/status; do sleep 0.01; done
		sleep 0.2
		pgrep -x zdiag-guard > /dev/null || { echo "no guardian"; exit 1; }
		# The tracer is the child of the zdiag started (a SIGKILL of that
		# one ends the session cleanly): kill the tracer itself.
		read -r zt _ < /proc/$zp/task/$zp/children
		[ "$(sed -n "s/^TracerPid:\t//p" /proc/$tp/status)" = "$zt" ] || { echo "tracer is not $zt"; exit 1; }
		kill -9 $zt; wait $zp; echo "zdiag exit $?"
		exec 3>&-
		# The guardian exits once it has written the bytes back.
		n=0; while pgrep -x zdiag-guard > /dev/null && [ $n -lt 500 ]; do sleep 0.01; n=$((n+1)); done
		grep -q TracerPid:.0 /proc/$tp/status || { echo "still traced"; exit 1; }
		kill -USR1 $tp
		n=0; until [ "$(awk "{print \$2}" "$T/progress")" = 1 ] || [ $n -ge 500 ]; do sleep 0.01; n=$((n+1)); done
		kill -0 $tp || { echo "target died"; exit 1; }
		[ "$(awk "{print \$2}" "$T/progress")" = 1 ] || { echo "bp_cold not called"; exit 1; }
		echo survived
	'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *survived* ]]
	[[ "$output" == *"zdiag exit 137"* ]]
}
