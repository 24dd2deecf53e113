#!/usr/bin/env bats
# zdiag reap on the real kernel: parents parked in every blocking call
# (tests/helpers/reap_parent), each checking afterwards that its program saw
# nothing (no EINTR, no stray signal, registers and memory unchanged); the
# refusals; dry run; usage errors; --parent; a short randomized run (the
# long one is `make reap-trials`).  Each test is one script run as PID 1 of
# a private PID namespace (in_ns) with the checks of tests/lib/reap.sh: a
# check that fails prints FAIL and what it saw.

load '../lib/common'
bats_require_minimum_version 1.5.0

setup() {
	T=$BATS_TEST_TMPDIR
	export T
}

# ns SCRIPT: run SCRIPT (with tests/lib/reap.sh) in a private PID namespace;
# it must end by printing "passed".
ns() {
	run in_ns ". \"\$ROOT/tests/lib/reap.sh\"
$1
echo passed"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *passed ]]
}

@test "pause: reaped through the parent; pause() goes on and sees only the test's SIGUSR1" {
	require_pidns
	ns '
		park pause 3
		CAUSE=parent-not-waiting reap_both
		kill -USR1 $parent
		result_ok
	'
}

@test "nanosleep: the parent sleeps its full time (no EINTR, remaining time kept)" {
	# reap_parent allows 3 s + 1.5 s in all: reaped 1.8 s in, a sleep
	# restarted with its full time would take 4.8 s.
	require_pidns
	ns '
		park nanosleep 3 3
		sleep 1.8
		CAUSE=parent-not-waiting reap_both
		result_ok
	'
}

@test "read on a fifo without SA_RESTART: no EINTR, the byte written later is read" {
	require_pidns
	ns '
		park read 3 "$T/fifo"
		reap_both
		feed "$T/fifo"
		result_ok
	'
}

@test "poll: goes on waiting and reports POLLIN for the byte written later" {
	require_pidns
	ns '
		park poll 3 "$T/fifo"
		reap_both
		feed "$T/fifo"
		result_ok
	'
}

@test "epoll_wait: goes on waiting and returns the one event written later" {
	require_pidns
	ns '
		park epoll 3 "$T/fifo"
		reap_both
		feed "$T/fifo"
		result_ok
	'
}

@test "pthread_cond_wait in a 3-thread parent: wakes once, when a worker is told" {
	require_pidns
	ns '
		park condwait 3 "$T/fifo"
		[ $(ls /proc/$parent/task | wc -l) = 3 ] || fail "not 3 threads"
		reap_both
		feed "$T/fifo"
		result_ok
	'
}

@test "wait4 for another child: that wait still returns the other child with its status; the reaped ones give ECHILD" {
	require_pidns
	ns '
		park wait4-other 3 "$T/fifo"
		CAUSE=parent-waits-for-other reap_both
		healthy $other
		feed "$T/fifo"
		result_ok
	'
}

@test "a SIGCHLD handler that never waits: the reap sends it no SIGCHLD" {
	require_pidns
	ns '
		park sigchld-handler 3
		reap_both
		kill -USR1 $parent
		result_ok
	'
}

@test "traced zombies whose tracer never waits: reaped through the tracer, then the parent; both go on untouched" {
	require_pidns
	ns '
		park traced 3
		grep -q "^TracerPid:[[:space:]]*$tracer\$" /proc/$(zpid 0)/status || fail "zombie not traced"
		CAUSE=traced reap_both tracer,parent $tracer,$parent
		python3 "$ROOT/tests/lib/reap_check.py" "$T/json" --zombies "$zombies" --idx 1,2 \
			--role tracer,parent --reaper $tracer,$parent --reapers-include $tracer ||
			fail "the tracer is not among the reapers"
		healthy $tracer
		kill -USR1 $parent $tracer
		result_ok
		result_ok .tracer
	'
}

@test "parent in wait4 for exactly the traced zombie: reaped through the tracer without --force, and the parent's own wait4 gets its status" {
	# The only stable way for a parent to sit in wait4(Z) while Z is a
	# zombie that something else holds (tests/helpers/reap_parent.c,
	# wait4-target): zdiag must not refuse (the parent is not the reaper)
	# nor take the status from it.
	require_pidns
	ns '
		park wait4-target 3
		z0=$(zpid 0)
		[ "$(cut -d" " -f1,2 /proc/$parent/syscall)" = "61 $(printf 0x%x $z0)" ] ||
			fail "parent not in wait4($z0): $(cat /proc/$parent/syscall)"
		run_reap json0 --json $z0
		expect_rc 0
		check_json "$T/json0" --idx 0 --role tracer --reaper $tracer --cause traced
		gone_soon $z0
		result_ok
		healthy $parent
		healthy $tracer
		rest=$(zpid 1)\ $(zpid 2)
		run_reap json --json $rest
		expect_rc 0
		check_json "$T/json" --idx 1,2 --role tracer,parent --reaper $tracer,$parent
		gone $rest
		healthy $parent
	'
}

@test "namespace init that never waits: reaped through that init (its own pid numbers)" {
	require_pidns
	ns '
		park init 3
		grep -q "^NSpid:.*[[:space:]]1\$" /proc/$parent/status || fail "parent is not a namespace init"
		CAUSE=init-not-reaping reap_both init
		kill -USR1 $parent
		result_ok
	'
}

@test "stopped parent without --cont: refused with a hint, parent still stopped, zombies still there" {
	require_pidns
	ns '
		park stopped 3
		n=0; until [ "$(state $parent)" = T ] || [ $n -gt 500 ]; do sleep 0.01; n=$((n+1)); done
		run_reap text $ZS
		expect_rc 1
		for i in 0 1 2; do
			grep -q "^refused $(zpid $i) (reap_parent): .*--cont" "$T/text" || fail "text: $(cat "$T/text")"
		done
		run_reap json --json $ZS
		expect_rc 1
		check_json "$T/json" --action refused --cause parent-stopped
		[ "$(state $parent)" = T ] || fail "parent state $(state $parent)"
		still_zombies $ZS
		grep -q "^TracerPid:[[:space:]]*0\$" /proc/$parent/status || fail "parent traced"
	'
}

@test "stopped parent with --cont: continued, it reaps its zombies itself with the right statuses" {
	require_pidns
	ns '
		park stopped 3
		n=0; until [ "$(state $parent)" = T ] || [ $n -gt 500 ]; do sleep 0.01; n=$((n+1)); done
		run_reap json --cont --json $ZS
		expect_rc 0
		check_json "$T/json" --action continued
		gone_soon $ZS
		result_ok
		healthy $parent
	'
}

@test "a leader held by a D-state thread: refused (nothing can reap it), left as it is" {
	require_pidns
	ns '
		eval "$("$HELPERS"/stage d-state)"
		zombies=$zombie
		run_reap text $zombie
		expect_rc 1
		grep -q "^refused $zombie (" "$T/text" || fail "text: $(cat "$T/text")"
		run_reap json --json --force $zombie
		expect_rc 1
		check_json "$T/json" --action refused --cause blocked-by-d-state-thread
		still_zombies $zombie
		[ "$(state $blocker)" = D ] || fail "blocker state $(state $blocker)"
		healthy $parent
	'
}

@test "a leader whose threads live on: refused even with --force (its parent is in wait4 for it)" {
	require_pidns
	ns '
		eval "$("$HELPERS"/stage threads-alive)"
		zombies=$zombie
		run_reap json --json $zombie
		expect_rc 1
		check_json "$T/json" --action refused --cause threads-alive
		run_reap json --json --force $zombie
		expect_rc 1
		check_json "$T/json" --action refused --cause threads-alive
		still_zombies $zombie
		healthy $parent
		[ "$(sed "s/.*) //" /proc/$zombie/task/$thread/stat | cut -c1)" = S ] || fail "thread $thread disturbed"
		grep -q "^TracerPid:[[:space:]]*0\$" /proc/$zombie/task/$thread/status || fail "thread $thread traced"
	'
}

@test "a live process: refused as not a zombie, not touched" {
	require_pidns
	ns '
		park pause 1
		run_reap text $parent
		expect_rc 1
		grep -q "^refused $parent (reap-parent): not a zombie" "$T/text" || fail "text: $(cat "$T/text")"
		healthy $parent
		still_zombies $ZS
		kill -USR1 $parent
		result_ok
	'
}

@test "a parent in D state: refused within --timeout, left untraced" {
	require_pidns
	ns '
		park vfork 2 "$T/fifo"
		n=0; until [ "$(state $parent)" = D ] || [ $n -gt 500 ]; do sleep 0.01; n=$((n+1)); done
		[ "$(state $parent)" = D ] || fail "parent not in D"
		out=json
		timeout 60 "$ZDIAG" reap --json --timeout 300 $ZS > "$T/json" 2> "$T/json.err"
		RC=$?
		expect_rc 1
		check_json "$T/json" --action refused
		still_zombies $ZS
		healthy $parent D
		feed "$T/fifo"
		n=0; until [ "$(state $parent)" = S ] || [ $n -gt 500 ]; do sleep 0.01; n=$((n+1)); done
		healthy $parent
		kill -USR1 $parent
		result_ok
	'
}

@test "a parent whose seccomp filter kills, fails or traps waitid: refused, and the parent lives" {
	require_pidns
	ns '
		for action in kill errno trap; do
			park seccomp 2 $action
			grep -q "^Seccomp:[[:space:]]*2" /proc/$parent/status || fail "no filter"
			run_reap json --json $ZS
			expect_rc 1
			check_json "$T/json" --action refused
			grep -qi seccomp "$T/json" || fail "$action: the reason does not name seccomp: $(cat "$T/json")"
			still_zombies $ZS
			healthy $parent
			kill -USR1 $parent
			result_ok
			kill $parent
		done
	'
}

@test "a parent with a seccomp filter that lets waitid through: reaped" {
	require_pidns
	ns '
		park seccomp 3 allow
		reap_both
		kill -USR1 $parent
		result_ok
	'
}

@test "an orphan adopted by a subreaper that never waits: reaped through the subreaper" {
	require_pidns
	ns '
		eval "$("$HELPERS"/stage subreaper worker)"
		run_reap json --json $zombie
		expect_rc 0
		python3 -c "import json,sys
z = json.load(open(sys.argv[1]))[\"zombies\"][0]
assert z[\"action\"] == \"reaped\" and z[\"cause\"] == \"subreaper-not-reaping\", z
assert z[\"reaper\"][\"pid\"] == int(sys.argv[2]) and z[\"reaper\"][\"role\"] == \"subreaper\", z
assert z[\"exit\"][\"code\"] == 4 and z[\"exit\"][\"signal\"] is None, z" "$T/json" $parent ||
			fail "$(cat "$T/json")"
		gone $zombie
		healthy $parent
	'
}

@test "a parent held in a ptrace stop by another tracer: not reaped, the parent left to that tracer" {
	require_pidns
	ns '
		eval "$("$HELPERS"/stage parent-traced-stop)"
		zombies=$zombie
		run_reap json --json --timeout 300 $zombie
		expect_rc 1
		python3 -c "import json,sys
z = json.load(open(sys.argv[1]))[\"zombies\"][0]
assert z[\"action\"] in (\"refused\", \"failed\") and z[\"reason\"], z" "$T/json" || fail "$(cat "$T/json")"
		still_zombies $zombie
		[ "$(state $parent)" = t ] || fail "parent state $(state $parent)"
		grep -q "^TracerPid:[[:space:]]*$tracer\$" /proc/$parent/status || fail "parent: $(grep TracerPid /proc/$parent/status)"
	'
}

@test "dry run: says what it would do and changes nothing" {
	require_pidns
	ns '
		park pause 3
		run_reap text -n $ZS
		expect_rc 0
		for i in 0 1 2; do
			grep -q "^would reap $(zpid $i) (reap_parent): " "$T/text" || fail "text: $(cat "$T/text")"
		done
		run_reap json --dry-run --json $ZS
		expect_rc 0
		check_json "$T/json" --action would-reap --dry-run --role parent --reaper $parent
		still_zombies $ZS
		healthy $parent
		kill -USR1 $parent
		result_ok
	'
}

@test "a zombie already reaped is gone: exit 0; mixed with a refusal: exit 1, one line each" {
	require_pidns
	ns '
		park pause 2
		z0=$(zpid 0) z1=$(zpid 1)
		run_reap text $z0
		expect_rc 0
		run_reap text $z0
		expect_rc 0
		grep -qx "gone $z0: no such process" "$T/text" || fail "text: $(cat "$T/text")"
		run_reap text $z1 $parent
		expect_rc 1
		[ $(grep -c . "$T/text") = 2 ] || fail "text: $(cat "$T/text")"
		grep -q "^reaped $z1 (reap_parent): exited with status 11; " "$T/text" || fail "text: $(cat "$T/text")"
		grep -q "^refused $parent (reap-parent): not a zombie" "$T/text" || fail "text: $(cat "$T/text")"
		gone $z0 $z1
		healthy $parent
		kill -USR1 $parent
		result_ok
	'
}

@test "--parent reaps all 50 zombies of one parent, each with its own status" {
	require_pidns
	ns '
		park pause 50
		run_reap text --parent $parent
		expect_rc 0
		[ $(grep -c . "$T/text") = 50 ] || fail "$(grep -c . "$T/text") lines: $(cat "$T/text")"
		i=0
		for z in $ZS; do
			grep -Eq "^reaped $z \\(reap_parent\\): $(zstatus $i); reaper $parent \\(reap-parent, parent\\) stopped [0-9.]+ ms\$" "$T/text" ||
				fail "zombie $i ($z): $(grep "^[a-z ]* $z " "$T/text")"
			i=$((i + 1))
		done
		gone $ZS
		healthy $parent
		kill -USR1 $parent
		result_ok
	'
}

@test "--parent --json: one injection into the parent for all its zombies" {
	require_pidns
	ns '
		park pause 20
		run_reap json --parent $parent --json
		expect_rc 0
		check_json "$T/json" --role parent --reaper $parent --cause parent-not-waiting
		python3 -c "import json,sys; r = json.load(open(sys.argv[1]))[\"reapers\"]; assert len(r) == 1 and r[0][\"zombies\"] == 20, r" "$T/json" ||
			fail "reapers: $(cat "$T/json")"
		gone $ZS
		healthy $parent
		kill -USR1 $parent
		result_ok
	'
}

@test "a helper thread (--method thread) in parents parked in pause, read, poll, epoll_wait, pthread_cond_wait, wait4, a SIGCHLD handler, a tracer and a namespace init: each goes on untouched, the thread is gone" {
	require_pidns
	ns '
		REAP_ARGS="--method thread" METHOD=thread
		for m in pause read poll epoll condwait wait4-other sigchld-handler traced init; do
			park $m 3 "$T/fifo.$m"
			ntask=$(ls /proc/$parent/task | wc -l)
			case $m in
			traced) reap_both tracer,parent $tracer,$parent ;;
			init) reap_both init ;;
			*) reap_both ;;
			esac
			[ "$(ls /proc/$parent/task | wc -l)" = $ntask ] || fail "$m: threads $(ls /proc/$parent/task), were $ntask"
			case $m in
			read|poll|epoll|condwait|wait4-other) feed "$T/fifo.$m" ;;
			traced) kill -USR1 $parent $tracer ;;
			*) kill -USR1 $parent ;;
			esac
			result_ok
			[ $m != traced ] || result_ok .tracer
			unpark
			echo "$m: ok"
		done
	'
}

@test "a helper thread: the parent is stopped once to start it and once to unmap, the reaped statuses are all there" {
	require_pidns
	ns '
		park pause 300
		run_reap json --parent $parent --json
		expect_rc 0
		METHOD=thread check_json "$T/json" --role parent --reaper $parent
		gone $ZS
		healthy $parent
		[ "$(ls /proc/$parent/task | wc -l)" = 1 ] || fail "threads left: $(ls /proc/$parent/task)"
		kill -USR1 $parent
		result_ok
	'
}

@test "--method auto: in place for a few zombies, a helper thread from 64 on; --method in-place keeps it in place" {
	require_pidns
	ns '
		park pause 63
		run_reap json --parent $parent --json
		expect_rc 0
		METHOD=in-place check_json "$T/json" --role parent --reaper $parent
		kill -USR1 $parent; result_ok; unpark
		park pause 64
		run_reap json --parent $parent --json
		expect_rc 0
		METHOD=thread check_json "$T/json" --role parent --reaper $parent
		kill -USR1 $parent; result_ok; unpark
		park pause 100
		run_reap json --parent $parent --json --method in-place
		expect_rc 0
		METHOD=in-place check_json "$T/json" --role parent --reaper $parent
		healthy $parent
		kill -USR1 $parent; result_ok
	'
}

@test "a parent whose seccomp filter kills threads: --method thread is not tried, it is reaped in place and lives" {
	require_pidns
	ns '
		park seccomp 3 kill-threads
		REAP_ARGS="--method thread" METHOD=in-place reap_both
		healthy $parent
		kill -USR1 $parent
		result_ok
	'
}

@test "a parent stopped while its helper thread runs: zdiag waits --timeout, reports the mapping it had to leave, and the parent lives" {
	# The helper runs for ~10 us per zombie: with 4000 a watcher sees the
	# second thread and stops the parent; when it misses, try again.
	require_pidns
	ns '
		tries=0
		while :; do
			tries=$((tries + 1))
			[ $tries -le 5 ] || fail "the helper thread was never caught running"
			park pause 4000
			python3 -c "
import os, signal, sys, time
p = int(sys.argv[1])
end = time.monotonic() + 20
while time.monotonic() < end:
    if len(os.listdir(\"/proc/%d/task\" % p)) > 1:
        os.kill(p, signal.SIGSTOP)
        sys.exit(0)
sys.exit(1)
" $parent &
			watcher=$!
			sleep 0.2
			run_reap json --parent $parent --json --timeout 300
			wait $watcher && caught=1 || caught=0
			if [ $caught = 1 ] && [ "$(state $parent)" = T ]; then
				break
			fi
			kill -CONT $parent; unpark
		done
		python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
r = d[\"reapers\"][0]
assert r[\"method\"] == \"thread\" and r[\"left_mapping\"] and r[\"left_mapping\"][\"size\"] > 0, r
" "$T/json" || fail "no left_mapping: $(head -c 600 "$T/json")"
		grep -q "scratch mapping at 0x[0-9a-f]* stays in $parent" "$T/json.err" || fail "no warning: $(cat "$T/json.err")"
		grep -q "did not finish within --timeout" "$T/json" || fail "no reason: $(head -c 600 "$T/json")"
		kill -CONT $parent
		# the helper finishes its loop, then exits: wait for that first
		n=0
		until [ "$(ls /proc/$parent/task | wc -l)" = 1 ]; do
			n=$((n + 1))
			[ $n -lt 3000 ] || fail "the helper thread did not end: $(ls /proc/$parent/task)"
			sleep 0.01
		done
		healthy $parent
		gone $ZS
	'
}

@test "hostile names: the text escapes control bytes, the JSON stays valid" {
	require_pidns
	in_ns '
		eval "$("$HELPERS"/stage weird-comm)"
		"$ZDIAG" reap -n $zombie > "$T/dry.txt"
		"$ZDIAG" reap --json -n $zombie > "$T/dry.json"
		"$ZDIAG" reap $zombie > "$T/text"; echo $? > "$T/rc"
	'
	cat "$T/dry.txt" "$T/text"
	[ "$(cat "$T/rc")" = 0 ]
	no_control_bytes "$T/text"
	no_control_bytes "$T/dry.txt"
	json_valid "$T/dry.json"
	[ "$(jget "$T/dry.json" 'd["zombies"][0]["comm"]')" = "$(printf 'ev\nil\033[31m')" ]
	grep -q "^reaped [0-9]* (ev" "$T/text"
}

@test "usage errors: exit 2 with one line on stderr, in the house form 'zdiag reap: ...'" {
	for args in "" "abc" "12x" "0" "-5" "--bogus 1" "--parent" "--parent abc" "--timeout x 1" "--timeout 0 1" "--method x 1" "--method"; do
		run --separate-stderr zdiag reap $args
		echo "reap $args: $status [$output] [$stderr]"
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | grep -c .)" = 1 ]
		[[ "$stderr" =~ ^zdiag( reap)?:\  ]]
	done
}

@test "randomized trials: every zombie gone, every parent unharmed (short run; make reap-trials is the long one)" {
	require_pidns
	run in_ns "python3 '$ROOT/tests/trials/reap_trials.py' --trials 3 --zdiag '$ZDIAG' --helper '$HELPERS/reap_parent'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0 failed"* ]]
}
