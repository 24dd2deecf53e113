#!/usr/bin/env bats
# zdiag scan on the real kernel: every cause staged by tests/helpers/stage
# inside a private PID namespace, plus fixtures, formats and bad input.

load '../lib/common'

setup() {
	T=$BATS_TEST_TMPDIR
	export T
}

# scenario NAME [ARG] [SCAN_OPTS...]: stage NAME in a fresh PID namespace and
# scan it there.  Leaves $T/pids (sourced here), $T/scan.json, $T/scan.txt
# and $T/rc (exit status of the JSON run).
scenario() {
	SC_NAME=$1 SC_ARG=${2:-}
	shift 2 || shift $#
	SC_OPTS="$*"
	export SC_NAME SC_ARG SC_OPTS
	in_ns '
		out=$("$HELPERS"/stage "$SC_NAME" $SC_ARG) || exit 99
		echo "$out" > "$T/pids"
		eval "$out"
		"$ZDIAG" scan --json --settle 50 $SC_OPTS > "$T/scan.json"; echo $? > "$T/rc"
		"$ZDIAG" scan --color=never --settle 50 $SC_OPTS > "$T/scan.txt" 2>&1
		true
	'
	[ -s "$T/pids" ] || { echo "scenario $SC_NAME did not start"; return 1; }
	. "$T/pids"
	json_valid "$T/scan.json"
	python3 "$ROOT/tests/lib/schema.py" "$ROOT/docs/scan.schema.json" "$T/scan.json" > /dev/null
}

# z EXPR: evaluate EXPR on the staged zombie's JSON object (variable z).
z() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
zs = [x for x in d["zombies"] if x["pid"] == int(sys.argv[2])]
assert zs, "zombie %s not in scan" % sys.argv[2]
z = zs[0]
v = eval(sys.argv[3])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$T/scan.json" "$zombie" "$1"
}

@test "no zombies: exit 0 and says so" {
	require_pidns
	in_ns '"$ZDIAG" scan --color=never > "$T/out"; echo $? > "$T/rc"'
	[ "$(cat "$T/rc")" = 0 ]
	grep -q '^no stuck zombies' "$T/out"
}

@test "parent-not-waiting: names the parent's syscall and exit status" {
	require_pidns
	scenario parent-not-waiting
	[ "$(cat "$T/rc")" = 1 ]
	[ "$(z 'z["cause"]')" = parent-not-waiting ]
	[ "$(z 'z["stuck"]')" = true ]
	[ "$(z 'z["ppid"]')" = "$parent" ]
	[ "$(z 'z["parent"]["syscall"]')" = pause ]
	[ "$(z 'z["parent"]["waiting"]')" = false ]
	[ "$(z 'z["exit_status"]["text"]')" = "exited 7" ]
	[ "$(z 'z["blockers"]')" = "[]" ]
	[ "$(z 'z["tracer"]')" = null ]
	[ "$(jget "$T/scan.json" 'd["summary"]["stuck"]')" = 1 ]
	grep -q "STUCK  zombie $zombie (stage)  parent-not-waiting" "$T/scan.txt"
	grep -q 'pause()' "$T/scan.txt"
	# the remedy names the one that does not kill the parent
	[ "$(z 'z["reapable"]')" = true ]
	z 'z["advice"]' | grep -q "Or reap it now without killing the parent: zdiag reap $zombie\$"
}

@test "parent-waits-for-other: wait4 for a specific other pid" {
	require_pidns
	scenario waits-for-other
	[ "$(z 'z["cause"]')" = parent-waits-for-other ]
	[ "$(z 'z["parent"]["waiting"]')" = true ]
	[ "$(z 'z["parent"]["syscall"]')" = wait4 ]
	z 'z["headline"]' | grep -q "waiting for pid $other only"
}

@test "parent-waits-for-other: wait4 for another process group" {
	require_pidns
	scenario waits-for-pgrp
	[ "$(z 'z["cause"]')" = parent-waits-for-other ]
	z 'z["headline"]' | grep -q "process group"
}

@test "parent-waits-for-other: waitid(P_PIDFD) on another child's pidfd" {
	require_pidns
	scenario waits-pidfd
	[ "$(z 'z["cause"]')" = parent-waits-for-other ]
	[ "$(z 'z["parent"]["syscall"]')" = waitid ]
	z 'z["headline"]' | grep -q "P_PIDFD"
	z 'z["headline"]' | grep -q "waiting for pid $other only"
}

@test "parent-waits-for-other: a non-SIGCHLD child needs __WALL" {
	require_pidns
	scenario needs-wall
	[ "$(z 'z["cause"]')" = parent-waits-for-other ]
	[ "$(z 'z["exit_signal"]')" = SIGUSR1 ]
	z 'z["headline"]' | grep -q "__WALL"
}

@test "parent-waits-for-other: __WCLONE does not see a SIGCHLD child" {
	require_pidns
	scenario wclone-only
	[ "$(z 'z["cause"]')" = parent-waits-for-other ]
	z 'z["headline"]' | grep -q "__WCLONE"
}

@test "sigchld-blocked: SIGCHLD blocked and pending with a handler" {
	require_pidns
	scenario sigchld-blocked
	[ "$(z 'z["cause"]')" = sigchld-blocked ]
	z 'z["evidence"]' | grep -q "caught by a handler, blocked, pending"
	z 'z["headline"]' | grep -q "its SIGCHLD handler cannot run"
}

@test "sigchld-blocked: blocked and pending with no handler installed says so" {
	require_pidns
	scenario sigchld-blocked-nohandler
	[ "$(z 'z["cause"]')" = sigchld-blocked ]
	z 'z["evidence"]' | grep -q "default (SIG_DFL), blocked, pending"
	z 'z["headline"]' | grep -q "no handler installed"
	! z 'z["headline"]' | grep -q "handler cannot run"
	! z 'z["advice"]' | grep -q "handler runs"
}

@test "signalfd-not-read: SIGCHLD waits in an unread signalfd" {
	require_pidns
	scenario signalfd
	[ "$(z 'z["cause"]')" = signalfd-not-read ]
	z 'z["headline"]' | grep -qE "signalfd \(fd [0-9]+\)"
}

@test "sigchld-ignored: SIG_IGN set after the child died" {
	require_pidns
	scenario sigchld-ignored
	[ "$(z 'z["cause"]')" = sigchld-ignored ]
}

@test "sigchld-handler-missed: the handler ran but did not reap" {
	require_pidns
	scenario handler-missed
	[ "$(z 'z["cause"]')" = sigchld-handler-missed ]
	z 'z["advice"]' | grep -q "WNOHANG"
}

@test "parent-stopped: a stopped parent gets kill -CONT" {
	require_pidns
	scenario parent-stopped
	[ "$(z 'z["cause"]')" = parent-stopped ]
	[ "$(z 'z["parent"]["state"]')" = T ]
	z 'z["advice"]' | grep -q "kill -CONT $parent"
}

@test "parent-stopped: a parent in a ptrace stop names its tracer" {
	require_pidns
	scenario parent-traced-stop
	[ "$(z 'z["cause"]')" = parent-stopped ]
	[ "$(z 'z["parent"]["state"]')" = t ]
	z 'z["advice"]' | grep -q "the parent's tracer $tracer (zd-tracer) must continue it or detach"
	z 'z["evidence"]' | grep -q "parent is traced by $tracer (zd-tracer)"
}

@test "threads-alive: a leader that called pthread_exit is a running process, not a stuck zombie" {
	require_pidns
	scenario threads-alive
	[ "$(z 'z["cause"]')" = threads-alive ]
	[ "$(z 'z["stuck"]')" = false ]
	[ "$(z 'z["reapable"]')" = false ]
	! z 'z["advice"]' | grep -q "zdiag reap"
	# no page at 3 a.m.: exit 0, not in the stuck count or the stuck metric
	[ "$(cat "$T/rc")" = 0 ]
	[ "$(jget "$T/scan.json" 'd["summary"]["stuck"]')" = 0 ]
	grep -q "^running  zombie $zombie (stage)  threads-alive" "$T/scan.txt"
	grep -q "^no stuck zombies (.*1 process running on after its leader exited)" "$T/scan.txt"
	grep -q "tid $thread (stage) S" "$T/scan.txt"
	in_ns 'eval "$("$HELPERS"/stage threads-alive)"
	       "$ZDIAG" scan -q --settle 50; echo $? > "$T/rcq"
	       "$ZDIAG" scan --prom --settle 50 > "$T/prom"'
	[ "$(cat "$T/rcq")" = 0 ]
	grep -qx 'zdiag_zombies_stuck 0' "$T/prom"
	grep -qx 'zdiag_zombies{cause="threads-alive"} 1' "$T/prom"
	[ "$(z 'z["live_threads"]')" = 1 ]
	[ "$(z 'z["blockers"][0]["tid"]')" = "$thread" ]
	[ "$(z 'z["blockers"][0]["state"]')" = S ]
	[ "$(z 'z["killing_parent_helps"]')" = false ]
	# the parent is in wait4 for it, and still cannot reap it
	[ "$(z 'z["parent"]["syscall"]')" = wait4 ]
}

@test "blocked-by-d-state-thread: a sibling thread in vfork() is in D" {
	require_pidns
	scenario d-state
	[ "$(cat "$T/rc")" = 1 ]
	[ "$(z 'z["cause"]')" = blocked-by-d-state-thread ]
	[ "$(z 'z["blockers"][0]["tid"]')" = "$blocker" ]
	[ "$(z 'z["blockers"][0]["state"]')" = D ]
	[ "$(z 'z["blockers"][0]["syscall"]')" = vfork ]
	[ "$(z 'z["blockers"][0]["wchan"]')" = kernel_clone ]
	[ "$(z 'z["blockers"][0]["sigkill_pending"]')" = false ]
	z 'z["blockers"][0]["kernel_stack"]' | grep -q vfork
	[ "$(z 'z["killing_parent_helps"]')" = false ]
	grep -q "blocker     tid $blocker (stage) D" "$T/scan.txt"
	# the thread waits for its vfork child: the verdict names it
	vc=$(z 'z["blockers"][0]["vfork_child"]["pid"]')
	[ "$vc" -gt 0 ]
	z 'z["headline"]' | grep -q "is in vfork() (D state), waiting for its vfork child $vc (stage) to exec or exit"
	z 'z["advice"]' | grep -q "kill -KILL $vc"
}

@test "blocked-by-d-state-thread: frozen D thread with SIGKILL pending (cgroup v1 freezer)" {
	require_pidns
	fz=/sys/fs/cgroup/freezer
	{ [ -d "$fz" ] && [ -w "$fz" ]; } || skip "no writable cgroup-v1 freezer"
	cg="$fz/zdiag-test-$$-$BATS_TEST_NUMBER"
	mkdir "$cg" || skip "cannot create a freezer cgroup"
	export cg
	# The frozen thread cannot die until thawed: thaw on every exit path.
	in_ns '
		trap "echo THAWED > $cg/freezer.state" EXIT
		out=$("$HELPERS"/stage d-frozen "$cg") || exit 99
		echo "$out" > "$T/pids"
		"$ZDIAG" scan --json --settle 50 > "$T/scan.json"
		"$ZDIAG" scan --color=never --settle 50 > "$T/scan.txt"
	' || true
	echo THAWED > "$cg/freezer.state"
	for i in $(seq 50); do rmdir "$cg" 2>/dev/null && break; sleep 0.1; done
	. "$T/pids"
	json_valid "$T/scan.json"
	[ "$(z 'z["cause"]')" = blocked-by-d-state-thread ]
	[ "$(z 'z["blockers"][0]["tid"]')" = "$blocker" ]
	[ "$(z 'z["blockers"][0]["state"]')" = D ]
	[ "$(z 'z["blockers"][0]["sigkill_pending"]')" = true ]
	[ "$(z 'z["blockers"][0]["frozen"]')" = true ]
	# 6.x freezes a task where it sleeps (TASK_FROZEN shows as D, wchan unchanged)
	z 'z["headline"]' | grep -q "frozen by a cgroup freezer"
	z 'z["advice"]' | grep -q "THAWED"
	grep -q "SIGKILL pending" "$T/scan.txt"
}

@test "traced: a tracer that never waits holds the zombie" {
	require_pidns
	scenario traced
	[ "$(z 'z["cause"]')" = traced ]
	[ "$(z 'z["tracer"]["pid"]')" = "$tracer" ]
	[ "$(z 'z["tracer"]["comm"]')" = zd-tracer ]
	[ "$(z 'z["killing_parent_helps"]')" = false ]
	z 'z["advice"]' | grep -q "kill the tracer $tracer"
	# the parent is in wait4 for it: it reaps it once the tracer lets go
	z 'z["advice"]' | grep -q "then parent $parent, which is in wait4($zombie, 0), reaps it"
}

@test "traced: with a parent in pause(), the remedy does not promise that the parent reaps it" {
	require_pidns
	scenario traced pause
	[ "$(z 'z["cause"]')" = traced ]
	[ "$(z 'z["parent"]["syscall"]')" = pause ]
	! z 'z["advice"]' | grep -q "can reap it"
	! z 'z["advice"]' | grep -q "reaps it"
	z 'z["advice"]' | grep -q "goes back to parent $parent, which must still reap it and is not in a wait for it now"
}

@test "init-not-reaping: PID 1 of a nested namespace that never waits" {
	require_pidns
	scenario init-not-reaping
	[ "$(z 'z["cause"]')" = init-not-reaping ]
	[ "$(z 'z["parent"]["comm"]')" = myapp ]
	[ "$(z 'z["nspid"]')" = 2 ]
	z 'z["advice"]' | grep -q -- "--init"
	z 'z["advice"]' | grep -q "tini"
}

@test "subreaper-not-reaping: an orphan adopted by a subreaper that never waits" {
	require_pidns
	scenario subreaper conmon
	[ "$(z 'z["cause"]')" = subreaper-not-reaping ]
	[ "$(z 'z["parent"]["pid"]')" = "$parent" ]
	[ "$(jget "$T/scan.json" 'd["scope"]["subreaper_source"]')" = bpf ]
}

@test "subreaper-not-reaping: a subreaper with an ordinary name is found through BPF" {
	require_pidns
	scenario subreaper worker
	[ "$(z 'z["cause"]')" = subreaper-not-reaping ]
	z 'z["evidence"]' | grep -q "parent $parent has PR_SET_CHILD_SUBREAPER set (read from the kernel with BPF)"
	# without BPF zdiag cannot know, and does not guess from the name
	scenario subreaper worker --no-bpf
	[ "$(z 'z["cause"]')" = parent-not-waiting ]
	[ "$(jget "$T/scan.json" 'd["scope"]["subreaper_source"]')" = name ]
	[ "$(jget "$T/scan.json" 'd["scope"]["subreaper_error"]')" = --no-bpf ]
}

@test "heir: under an unnamed subreaper, killing the parent hands the zombie to it (and zdiag says so)" {
	require_pidns
	export T
	in_ns '
		eval "$("$HELPERS"/stage under-subreaper)"
		echo "zombie=$zombie parent=$parent subreaper=$subreaper" > "$T/pids"
		"$ZDIAG" scan --json --settle 50 > "$T/scan.json"
		"$ZDIAG" scan --color=never --settle 50 > "$T/scan.txt"
		"$ZDIAG" scan --json --settle 50 --no-bpf > "$T/nobpf.json"
		"$ZDIAG" scan --color=never --settle 50 --no-bpf > "$T/nobpf.txt"
		kill -KILL $parent
		for i in $(seq 100); do [ "$(cut -d" " -f4 /proc/$zombie/stat)" = "$subreaper" ] && break; sleep 0.05; done
		"$ZDIAG" scan --json --settle 50 > "$T/after.json"
		true
	'
	. "$T/pids"
	[ "$(z 'z["cause"]')" = parent-not-waiting ]
	[ "$(z 'z["reaper"]["pid"]')" = "$subreaper" ]
	[ "$(z 'z["reaper"]["comm"]')" = helper ]
	[ "$(z 'z["heir_source"]')" = bpf ]
	# the subreaper is not waiting: whether it would reap is not stated as fact
	[ "$(z 'z["killing_parent_helps"]')" = null ]
	grep -q "reaper      if the parent dies, $subreaper (helper) inherits it (subreaper flags read from the kernel)" "$T/scan.txt"
	! grep -q "1 (sh) inherits" "$T/scan.txt"
	# what zdiag said is what the kernel did
	cp "$T/after.json" "$T/scan.json"
	[ "$(z 'z["ppid"]')" = "$subreaper" ]
	[ "$(z 'z["cause"]')" = subreaper-not-reaping ]
	# without the flags: no heir named, no "kill parent" verdict, the candidates listed
	cp "$T/nobpf.json" "$T/scan.json"
	[ "$(z 'z["reaper"]')" = null ]
	[ "$(z 'z["heir_source"]')" = unknown ]
	[ "$(z '[c["pid"] for c in z["heir_candidates"]]')" = "[$subreaper]" ]
	[ "$(z 'z["heir_fallback"]["pid"]')" = 1 ]
	[ "$(z 'z["killing_parent_helps"]')" = null ]
	z 'z["killing_parent"]' | grep -q "^unknown: "
	grep -q "heir        the nearest child subreaper among ancestors $subreaper (helper) if any has PR_SET_CHILD_SUBREAPER (not visible in /proc), else 1 (sh)" "$T/nobpf.txt"
	! grep -q "inherits it" "$T/nobpf.txt"
	! grep -q "Killing the parent hands" "$T/nobpf.txt"
}

@test "transient: a zombie reaped during the settle interval is not stuck" {
	require_pidns
	export T
	# The parent reaps once zdiag sleeps between its two looks (syscall
	# 230, clock_nanosleep): after a fixed delay, a slow start (sanitizers,
	# a loaded machine) missed the zombie altogether.
	in_ns '
		eval "$("$HELPERS"/stage transient usr1)"
		echo "zombie=$zombie" > "$T/pids"
		"$ZDIAG" scan --json --settle 2000 > "$T/scan.json" & S=$!
		for i in $(seq 1200); do
			[ "$(cut -d" " -f1 /proc/$S/syscall 2> /dev/null)" = 230 ] && break
			sleep 0.05
		done
		kill -USR1 $parent
		wait $S; echo $? > "$T/rc"
	'
	. "$T/pids"
	[ "$(cat "$T/rc")" = 0 ]
	[ "$(z 'z["cause"]')" = transient ]
	[ "$(z 'z["stuck"]')" = false ]
	[ "$(jget "$T/scan.json" 'd["summary"]["stuck"]')" = 0 ]
}

@test "hostile comm: no raw control bytes reach the terminal, JSON keeps the bytes" {
	require_pidns
	scenario weird-comm
	[ "$(z 'z["comm"]')" = "$(printf 'ev\nil\033[31m')" ]
	[ "$(z 'z["parent"]["comm"]')" = "x) Z 1 1 (y" ]
	no_control_bytes "$T/scan.txt"
	grep -q 'zombie [0-9]* (ev\\nil\\33\[31m)' "$T/scan.txt"
	# the parent with a fake ") Z" in its name is not taken for a zombie
	[ "$(jget "$T/scan.json" 'd["summary"]["zombies"]')" = 1 ]
}

@test "--all lists D-state threads grouped by kernel stack; exit 1" {
	require_pidns
	export T
	in_ns '
		eval "$("$HELPERS"/stage dstate-live)"
		echo "pid=$pid blocker=$blocker" > "$T/pids"
		"$ZDIAG" scan --json --all --settle 0 > "$T/scan.json"; echo $? > "$T/rc"
		"$ZDIAG" scan --all --color=never --settle 0 > "$T/scan.txt"; echo $? > "$T/rc2"
		"$ZDIAG" scan --settle 0 > /dev/null; echo $? > "$T/rc3"
	'
	. "$T/pids"
	[ "$(cat "$T/rc")" = 1 ]
	[ "$(cat "$T/rc2")" = 1 ]
	[ "$(cat "$T/rc3")" = 0 ]
	json_valid "$T/scan.json"
	[ "$(jget "$T/scan.json" 'd["summary"]["d_state_complete"]')" = true ]
	jget "$T/scan.json" '[t["tid"] for g in d["d_state_threads"] for t in g["threads"]]' | grep -qw "$blocker"
	grep -q "thread.* in D state, by kernel stack" "$T/scan.txt"
}

@test "--prom: Prometheus exposition with every cause and the pid pressure" {
	require_pidns
	in_ns 'eval "$("$HELPERS"/stage parent-not-waiting)"; "$ZDIAG" scan --prom --settle 50 > "$T/prom"; echo $? > "$T/rc"'
	[ "$(cat "$T/rc")" = 1 ]
	grep -qx 'zdiag_zombies{cause="parent-not-waiting"} 1' "$T/prom"
	grep -qx 'zdiag_zombies{cause="blocked-by-d-state-thread"} 0' "$T/prom"
	grep -qx 'zdiag_zombies_stuck 1' "$T/prom"
	grep -q '^zdiag_pid_max [0-9]' "$T/prom"
	grep -q '^zdiag_uninterruptible_threads 0$' "$T/prom"
	grep -q '^# TYPE zdiag_zombies gauge$' "$T/prom"
	# every sample line is "name{labels} value" or "name value"
	! grep -v '^#' "$T/prom" | grep -vqE '^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$'
	promtool check metrics < "$T/prom"
}

@test "--prom: control bytes in a comm never reach a label; promtool accepts the file" {
	require_pidns
	command -v promtool > /dev/null || skip "no promtool (Debian package prometheus)"
	in_ns 'out=$("$HELPERS"/stage ctl-parent) && echo "$out" > "$T/pids" && eval "$out"
		"$ZDIAG" scan --prom --settle 50 > "$T/prom"; true'
	. "$T/pids"
	no_control_bytes "$T/prom"
	grep -qF "zdiag_parent_stuck_zombies{pid=\"$parent\",comm=\"p\\\\x1b[1m\\\\x07\\\\x7f\"} 1" "$T/prom"
	promtool check metrics < "$T/prom"
	# the check can fail: the raw bytes, or a name with a unit abbreviation
	printf 'zdiag_d_state_threads 0\n' | { ! promtool check metrics; }
}

@test "--prom-file: atomic write for a textfile collector, exit 0 whatever is found" {
	require_pidns
	mkdir "$T/collector"
	export T
	in_ns '
		eval "$("$HELPERS"/stage parent-not-waiting)"
		"$ZDIAG" scan --prom-file "$T/collector/zdiag.prom" --settle 50 > "$T/stdout"; echo $? > "$T/rc"
		"$ZDIAG" scan --prom --settle 50 > /dev/null; echo $? > "$T/rc_prom"
	'
	[ "$(cat "$T/rc")" = 0 ]
	[ "$(cat "$T/rc_prom")" = 1 ]
	[ ! -s "$T/stdout" ]
	grep -qx 'zdiag_zombies_stuck 1' "$T/collector/zdiag.prom"
	[ "$(ls "$T/collector")" = zdiag.prom ]  # no PATH.tmp left behind
	promtool check metrics < "$T/collector/zdiag.prom"
	run zdiag scan --prom-file /nonexistent/dir/zdiag.prom --settle 0
	[ "$status" = 2 ]
	[ "$output" = "zdiag: cannot create '/nonexistent/dir/zdiag.prom.tmp': No such file or directory" ]
	run zdiag scan --prom-file "$T/x.prom" -q
	[ "$status" = 2 ]
}

@test "--watch shows a zombie appearing and then being reaped" {
	require_pidns
	export T
	# reaped once the first frame shows it (not after a fixed delay)
	in_ns '
		eval "$("$HELPERS"/stage transient usr1)"
		"$ZDIAG" scan --watch 0.5 --count 5 --settle 0 --color=never > "$T/watch.txt" & S=$!
		for i in $(seq 1200); do
			grep -q "STUCK  zombie $zombie" "$T/watch.txt" && break
			sleep 0.05
		done
		kill -USR1 $parent
		wait $S; echo $? > "$T/rc"
		echo "zombie=$zombie" > "$T/pids"
	'
	. "$T/pids"
	grep -q "STUCK  zombie $zombie" "$T/watch.txt"
	grep -q -- "- reaped: zombie $zombie (stage), was parent-not-waiting, stuck for at least [0-9.]* s" "$T/watch.txt"
	[ "$(cat "$T/rc")" = 0 ]
}

@test "--watch --json prints one document per scan with appeared/reaped" {
	require_pidns
	in_ns '
		"$ZDIAG" scan --watch 0.2 --count 3 --json --settle 0 > "$T/watch.jsonl"
	'
	[ "$(wc -l < "$T/watch.jsonl")" = 3 ]
	while read -r line; do echo "$line" | python3 -m json.tool > /dev/null; done < "$T/watch.jsonl"
	sed -n 2p "$T/watch.jsonl" | grep -q '"appeared":\[\]'
}

@test "-p explains one pid; a live process gets a one-line statement" {
	require_pidns
	in_ns '
		eval "$("$HELPERS"/stage parent-not-waiting)"
		"$ZDIAG" scan -p "$zombie" --settle 0 --color=never > "$T/z.txt"; echo $? > "$T/rc1"
		"$ZDIAG" scan -p "$parent" --settle 0 > "$T/p.txt"; echo $? > "$T/rc2"
		"$ZDIAG" scan -p 999999 > "$T/n.txt" 2>&1; echo $? > "$T/rc3"
		echo "zombie=$zombie parent=$parent" > "$T/pids"
	'
	. "$T/pids"
	[ "$(cat "$T/rc1")" = 1 ]
	grep -q "STUCK  zombie $zombie" "$T/z.txt"
	[ "$(cat "$T/rc2")" = 0 ]
	[ "$(cat "$T/p.txt")" = "pid $parent (stage) is not a zombie: state S (sleeping)" ]
	[ "$(cat "$T/rc3")" = 2 ]
	[ "$(cat "$T/n.txt")" = "zdiag: no process 999999 in '/proc'" ]
}

@test "--proc-root: a parent running on a CPU is 'running', and an empty tree is no error" {
	run zdiag scan --proc-root "$FIXTURES/proc/running-parent" --settle 0 --color=never
	[ "$status" = 1 ]
	[[ "$output" == *"parent 60 (runner) is alive but not in wait4/waitid: it is running"* ]]
	[[ "$output" != *"it is in running"* ]]
	# a crafted tree without pids (UBSan once aborted on qsort(NULL, 0))
	mkdir -p "$T/empty"
	run zdiag scan --proc-root "$T/empty" --settle 0 --all
	[ "$status" = 0 ]
	[[ "$output" == "no stuck zombies (0 processes, 0 threads"* ]]
}

@test "pid pressure: in a nested PID namespace, namespace and host figures are kept apart" {
	require_pidns
	in_ns '"$ZDIAG" scan --settle 0 --color=never > "$T/out"; "$ZDIAG" scan --json --settle 0 > "$T/scan.json"'
	grep -qE "^pid pressure: this PID namespace: [0-9]+ threads, zombies included, pid_max [0-9]+ \([0-9.]+%\); host: [0-9]+ tasks in use" "$T/out"
	[ "$(jget "$T/scan.json" 'd["pressure"]["pid_namespace"]')" = nested ]
	[ "$(jget "$T/scan.json" 'd["pressure"]["pids_in_use"] == d["summary"]["threads"]')" = true ]
	"$ZDIAG" scan --json --settle 0 > "$T/host.json" || true
	[ "$(jget "$T/host.json" 'd["pressure"]["pid_namespace"]')" = host ]
}

@test "--proc-root reads a fixture tree: the qemu-kvm reference case" {
	run zdiag scan --proc-root "$FIXTURES/proc/qemu-d-state" --settle 0 --json
	[ "$status" = 1 ]
	echo "$output" > "$T/scan.json"
	zombie=22889
	[ "$(z 'z["cause"]')" = blocked-by-d-state-thread ]
	[ "$(z 'z["blockers"][0]["sigkill_pending"]')" = true ]
	z 'z["advice"]' | grep -q "nothing but the blocked operation finishing can help"
}

@test "non-root: unreadable evidence is reported, not fatal" {
	require_pidns
	command -v setpriv > /dev/null || skip "no setpriv"
	export T
	chmod 755 "$T"
	in_ns '
		eval "$("$HELPERS"/stage parent-not-waiting)"
		echo "zombie=$zombie" > "$T/pids"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ZDIAG" scan --json --settle 0 > "$T/scan.json"; echo $? > "$T/rc"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ZDIAG" scan --settle 0 --color=never > "$T/scan.txt"
		true
	'
	. "$T/pids"
	[ "$(cat "$T/rc")" = 1 ]
	[ "$(z 'z["cause"]')" = undetermined ]
	[ "$(jget "$T/scan.json" 'd["scope"]["euid"]')" = 65534 ]
	[ "$(jget "$T/scan.json" 'd["scope"]["unreadable"]["syscall"] > 0')" = true ]
	grep -q "not permitted to read" "$T/scan.txt"
}

@test "hidepid: a restricted /proc gives 'no visible stuck zombies'" {
	require_pidns
	command -v setpriv > /dev/null || skip "no setpriv"
	require_private_mounts /tmp # the proc mount below is made on /tmp
	HP=$(mktemp -d /tmp/zdiag-hidepid.XXXXXX)
	chmod 755 "$HP"
	export T HP
	in_ns '
		mount -t proc -o hidepid=invisible proc "$HP" || exit 77
		eval "$("$HELPERS"/stage parent-not-waiting)"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ZDIAG" scan --proc-root "$HP" --settle 0 --color=never > "$T/scan.txt"; echo $? > "$T/rc"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ZDIAG" scan --proc-root "$HP" --settle 0 --json > "$T/scan.json"
		umount "$HP"
	' || { rmdir "$HP"; skip "cannot mount proc with hidepid"; }
	rmdir "$HP"
	[ "$(cat "$T/rc")" = 0 ]
	grep -q '^no visible stuck zombies' "$T/scan.txt"
	grep -q 'hidepid=invisible' "$T/scan.txt"
	[ "$(jget "$T/scan.json" 'd["scope"]["visible_only"]')" = true ]
}

@test "bad input: usage errors exit 2 with a one-line hint" {
	run zdiag scan --settle abc
	[ "$status" = 2 ]
	[ "$output" = "zdiag scan: invalid --settle 'abc' (milliseconds, 0-60000) (see 'zdiag scan --help')" ]
	run zdiag scan extra
	[ "$status" = 2 ]
	run zdiag scan --count 3
	[ "$status" = 2 ]
	run zdiag scan --watch 1 --prom
	[ "$status" = 2 ]
	run zdiag scan -p 0
	[ "$status" = 2 ]
	run zdiag scan --color=purple
	[ "$status" = 2 ]
	run zdiag scan --proc-root /nonexistent
	[ "$status" = 2 ]
	[ "$output" = "zdiag: cannot open '/nonexistent': No such file or directory" ]
	[ "${#lines[@]}" = 1 ]
}

@test "-q prints nothing and reports through the exit status" {
	run zdiag scan -q --proc-root "$FIXTURES/proc/parents" --settle 0
	[ "$status" = 1 ]
	[ -z "$output" ]
	run zdiag scan -q --proc-root "$FIXTURES/proc/broken" --settle 0
	[ "$status" = 0 ]
}

@test "--json matches docs/scan.schema.json (and the check can fail)" {
	for t in qemu-d-state parents hung weird-comm broken; do
		zdiag scan --json --all --settle 0 --proc-root "$FIXTURES/proc/$t" > "$T/$t.json" || true
		python3 "$ROOT/tests/lib/schema.py" "$ROOT/docs/scan.schema.json" "$T/$t.json"
	done
	zdiag scan --json --settle 0 --proc-root "$FIXTURES/proc/parents" -p 20 > "$T/target.json"
	python3 "$ROOT/tests/lib/schema.py" "$ROOT/docs/scan.schema.json" "$T/target.json"
	sed 's/"stuck": true/"stuck": "yes"/' "$T/parents.json" > "$T/bad.json"
	run python3 "$ROOT/tests/lib/schema.py" "$ROOT/docs/scan.schema.json" "$T/bad.json"
	[ "$status" != 0 ]
	[[ "$output" == *"expected boolean"* ]]
}

@test "hundreds of zombies of one parent: every one is reported (fd use stays bounded)" {
	require_pidns
	# stage reports only once all 600 children are zombies, so a loaded
	# machine (both CPUs busy) cannot make the count short
	in_ns '
		eval "$("$HELPERS"/stage zombies 600)"
		echo "parent=$parent" > "$T/pids"
		(ulimit -n 128; "$ZDIAG" scan --json --settle 20 > "$T/scan.json"); echo $? > "$T/rc"
		"$ZDIAG" scan --color=never --settle 20 > "$T/scan.txt"
		"$ZDIAG" scan --color=never --settle 20 --expand > "$T/expand.txt"
		true
	'
	. "$T/pids"
	[ "$(cat "$T/rc")" = 1 ]
	# text: one block for the 600 (pid ranges, the oldest), not 6,000 lines
	[ "$(grep -c "^STUCK" "$T/scan.txt")" = 1 ]
	grep -q "^STUCK  600 zombies (stage) of parent $parent (stage)  parent-not-waiting" "$T/scan.txt"
	grep -qE "^  pids        [0-9]+" "$T/scan.txt"
	grep -qE "^  oldest      zombie [0-9]+ \(stage\), started [0-9]+ s ago" "$T/scan.txt"
	[ "$(wc -l < "$T/scan.txt")" -lt 30 ]
	# --expand: one block each
	[ "$(grep -c "^STUCK  zombie" "$T/expand.txt")" = 600 ]
	[ "$(jget "$T/scan.json" 'len(d["zombies"])')" = 600 ]
	[ "$(jget "$T/scan.json" 'd["summary"]["stuck"]')" = 600 ]
	[ "$(jget "$T/scan.json" 'sorted(set(z["cause"] for z in d["zombies"]))')" = '["parent-not-waiting"]' ]
	[ "$(jget "$T/scan.json" 'd["pressure"]["top_parents"][0]["zombies"]')" = 600 ]
	[ "$(jget "$T/scan.json" 'd["pressure"]["top_parents"][0]["pid"]')" = "$parent" ]
}
