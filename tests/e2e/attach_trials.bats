#!/usr/bin/env bats
# Randomized trials of every way an attach session ends (the short run;
# `make trials` is the long one): after each, the target is alive, no
# thread stopped or traced, and it keeps calling the function that had the
# breakpoint.  SIGKILL of zdiag is tried while it waits for a command (the
# mid-`cont` SIGKILL case is measured by `make trials`, not asserted: see
# docs/attach.md).
load '../lib/common'

@test "every way out of a session leaves the target running, untraced, unharmed (randomized trials)" {
	require_pidns
	paths=detach,quit,batch-end,eof,sigint,sigterm,sighup,crash,abort,sigkill-idle
	if [ -n "${ZDIAG_SANITIZE:-}" ]; then
		# Under the sanitizers SEGV belongs to ASan's report.
		paths=detach,quit,batch-end,eof,sigint,sigterm,sighup,sigkill-idle
	fi
	run in_ns "python3 '$ROOT/tests/trials/bp_trials.py' --trials 4 --paths $paths --zdiag '$ZDIAG' --target '$HELPERS/bp_target'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0 failed"* ]]
}
