#!/usr/bin/env bats
# zdiag attach: every test runs its targets inside a private PID namespace.

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/attach_chain" ] || skip "helpers not built"
}

# Shell snippets used inside in_ns scripts (start_target, not_stopped: tests/lib/attach.sh).
PRELUDE="$(cat "$ROOT/tests/lib/attach.sh")"'
# names FILE: the helper functions of a backtrace, in order, one line.
names() {
	sed -nE "s/^#[0-9]+ +0x[0-9a-f]+ in (<signal handler called>|[^ +]+).*/\1/p" "$1" |
		grep -xE "park|handler_body|on_usr1|inner|middle|outer|main|worker_wait|worker|spin|tick|<signal handler called>" | tr "\n" " "
}
'

@test "--bt shows the helper's call chain in order, like gdb (-O0 and -O2)" {
	for v in attach_chain attach_chain-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"' park
			"$ZDIAG" attach $P --bt > $T/bt.txt || exit 1
			not_stopped $P || exit 2
			gdb -p $P -batch -nx -ex bt > $T/gdb.txt 2>/dev/null
			not_stopped $P || exit 3
			ours=$(names $T/bt.txt)
			theirs=$(grep "^#" $T/gdb.txt | sed -E "s/^#[0-9]+ +(0x[0-9a-f]+ in )?([^ ]+).*/\2/" | grep -xE "park|inner|middle|outer|main" | tr "\n" " ")
			echo "ours: $ours"; echo "gdb:  $theirs"
			[ "$ours" = "park inner middle outer main " ] || exit 4
			[ "$ours" = "$theirs" ] || exit 5
		'
	done
}

@test "a signal handler frame: handler, <signal handler called>, then the interrupted chain" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain-O2" signal
		"$ZDIAG" attach $P --bt > $T/bt.txt || exit 1
		cat $T/bt.txt
		[ "$(names $T/bt.txt)" = "park handler_body on_usr1 <signal handler called> inner middle outer main " ] || exit 2
		grep -q "<signal handler called> (__restore_rt, libc.so.6)" $T/bt.txt || exit 3
		grep -qE "in (__pthread_kill_implementation|raise)" $T/bt.txt || exit 4
		not_stopped $P
	'
}

@test "unwinding through the vDSO reaches main (vDSO read from memory)" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" spin
		for i in 1 2 3 4 5; do
			"$ZDIAG" attach $P --bt --no-lines > $T/bt.txt || exit 1
			names $T/bt.txt | grep -q "spin inner middle outer main" || { cat $T/bt.txt; exit 2; }
		done
		grep -q "\[vdso\]" $T/bt.txt || echo "# (no sample inside the vDSO this time)"
		not_stopped $P
	'
}

@test "--bt --unique groups identical thread stacks and lists their tids" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads" 6
		"$ZDIAG" attach $P --bt --unique > $T/bt.txt || exit 1
		cat $T/bt.txt
		line=$(grep "^6 threads:" $T/bt.txt) || exit 2
		for t in $(ls /proc/$P/task); do
			[ $t = $P ] && continue
			echo "$line" | grep -qw $t || exit 3
		done
		grep -A8 "^6 threads:" $T/bt.txt | grep -q "worker_wait" || exit 4
		not_stopped $P
	'
}

@test "--bt --json is valid JSON with every thread's frames" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads" 3
		"$ZDIAG" attach $P --bt --json --unique > $T/bt.json || exit 1
		python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
assert d[\"pid\"] == int(sys.argv[2]), d[\"pid\"]
assert len(d[\"threads\"]) == 4
assert all(t[\"stopped\"] for t in d[\"threads\"])
fns = [f[\"function\"] for t in d[\"threads\"] for f in t[\"frames\"]]
assert fns.count(\"worker_wait\") == 3 and \"main_wait\" in fns, fns
assert len(d[\"groups\"]) == 2
assert d[\"stopped_ms\"] >= 0
" $T/bt.json $P || exit 2
		not_stopped $P
	'
}

@test "a zombie leader with live threads is attachable; the live threads' stacks are shown" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads" 3 zleader
		i=0; while [ "$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$P/status)" != Z ]; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		"$ZDIAG" attach $P --bt > $T/bt.txt || exit 1
		cat $T/bt.txt
		grep -q "thread $P (attach_threads): zombie" $T/bt.txt || exit 2
		[ $(grep -c "in worker_wait" $T/bt.txt) = 3 ] || exit 3
		"$ZDIAG" attach $P -e "info threads" -e "peek zd_sink" > $T/s.txt || exit 4
		grep -q "zd_sink" $T/s.txt || exit 5
		not_stopped $P
	'
}

@test "peek and poke read and change a global the program then sees" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		"$ZDIAG" attach $P -e "peek zd_value" > $T/peek.txt || exit 1
		grep -q "<zd_value>: 0x000000000000002a (42)" $T/peek.txt || { cat $T/peek.txt; exit 2; }
		"$ZDIAG" attach $P -e "poke zd_value 7" -e "peek zd_value" > $T/poke.txt || exit 3
		grep -q "(7)" $T/poke.txt || exit 4
		wait $P; rc=$?
		cat $T/P.out
		[ $rc = 0 ] && grep -q "^value=7$" $T/P.out
	'
}

@test "regs agrees with the stack pointer in /proc/PID/syscall" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		# The target wakes every 10 ms; on a loaded machine it can be
		# caught runnable, between two sleeps: then look again.
		for try in $(seq 50); do
			sp=$(cut -d" " -f8 -s /proc/$P/syscall)
			[ -n "$sp" ] || continue
			"$ZDIAG" attach $P -e "regs rsp" -e regs > $T/r.txt || exit 1
			grep -q "^rip .*<clock_nanosleep" $T/r.txt && break
		done
		cat $T/r.txt
		ours=$(awk "/^rsp/ {print \$2; exit}" $T/r.txt)
		echo "proc: $sp zdiag: $ours (try $try)"
		[ "$ours" = "$sp" ] || exit 2
		grep -q "^rip .*<clock_nanosleep" $T/r.txt || exit 3
		grep -q "^eflags .*\[ .*IF.* \]" $T/r.txt || exit 4
		not_stopped $P
	'
}

@test "disas of a known function has objdump's instruction boundaries, with no int3 shown" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		"$ZDIAG" attach $P -e "break *inner" -e "disas inner" -e "addr inner" > $T/d.txt || exit 1
		base=$(awk "/  inner \(function/ {print \$1}" $T/d.txt)
		ours=$(grep -oE "<inner\+[0-9]+>" $T/d.txt | tr -dc "0-9\n" | tr "\n" " ")
		start=$(nm "$HELPERS/attach_chain" | awk "\$3 == \"inner\" {print \$1}")
		theirs=$(objdump -d --no-show-raw-insn "$HELPERS/attach_chain" | awk "/<inner>:/ {f=1; next} f && /^$/ {exit} f {sub(\":\", \"\", \$1); print \$1}" |
			while read a; do echo $((0x$a - 0x$start)); done | tr "\n" " ")
		[ -n "$ours" ] && [ "$ours" = "$theirs" ] || { echo "ours: $ours"; echo "objdump: $theirs"; exit 2; }
		grep -q "<inner+0>: \[b\]" $T/d.txt || exit 3
		! grep -q "int3" $T/d.txt || exit 4
		grep -qE "call.*<middle>|call.*<park>" $T/d.txt || grep -qE "<park>" $T/d.txt || exit 5
		not_stopped $P
	'
}

@test "a breakpoint is hit the expected number of times; after delete and detach the program finishes" {
	in_ns "$PRELUDE"'
		"$HELPERS/attach_chain" loop 5 poke > $T/P.out 2>&1 &
		P=$!
		i=0; while ! grep -q ready $T/P.out; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		# the target starts ticking only when the debugger pokes zd_go
		"$ZDIAG" attach $P -e "break tick" -e "poke zd_go 1" -e cont -e cont -e cont -e "info breaks" -e "delete 1" -e "info breaks" > $T/o.txt || exit 1
		cat $T/o.txt
		[ $(grep -c "hit breakpoint 1" $T/o.txt) = 3 ] || exit 2
		grep -qE "^1 +0x[0-9a-f]+ 3 +tick" $T/o.txt || exit 3
		grep -q "no breakpoints" $T/o.txt || exit 4
		wait $P; rc=$?
		[ $rc = 0 ] && grep -q "^ticks=5$" $T/P.out
	'
}

@test "breakpoints do not leak into forked children" {
	in_ns "$PRELUDE"'
		"$HELPERS/attach_chain" fork 3 poke > $T/P.out 2>&1 &
		P=$!
		i=0; while ! grep -q ready $T/P.out; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		"$ZDIAG" attach $P -e "break tick" -e "poke zd_go 1" -e cont -e cont -e cont > $T/o.txt || exit 1
		cat $T/o.txt
		[ $(grep -c "hit breakpoint 1" $T/o.txt) = 3 ] || exit 2
		wait $P; rc=$?
		cat $T/P.out
		[ $rc = 0 ] && grep -q "^children=3$" $T/P.out
	'
}

@test "stepi, syscall and signal on a live target" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		"$ZDIAG" attach $P -e "syscall" -e "syscall" -e "stepi" -e "signal SIGUSR2" -e "info signals" -e "signal 0" > $T/o.txt || exit 1
		cat $T/o.txt
		grep -qE "^thread $P: (clock_nanosleep|restart_syscall)\(.*\) = 0$" $T/o.txt || exit 2
		grep -q "SIGUSR2 will be delivered" $T/o.txt || exit 3
		grep -q "to deliver on resume: SIGUSR2" $T/o.txt || exit 4
		not_stopped $P
	'
}

@test "a thread stuck in D state is reported, not waited on; the rest are shown and let go" {
	in_ns "$PRELUDE"'
		"$HELPERS/stage" dstate-live > $T/st.txt &
		i=0; while ! grep -q blocker $T/st.txt; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		eval "$(cat $T/st.txt)"
		"$ZDIAG" attach $pid --bt --timeout 200 > $T/bt.txt; rc=$?
		cat $T/bt.txt
		[ $rc = 1 ] || exit 1
		grep -q "thread $blocker (stage): did not stop within 200 ms" $T/bt.txt || exit 2
		grep -q "state D" $T/bt.txt || exit 3
		grep -q "in forever" $T/bt.txt || exit 4
		st=$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$pid/task/$pid/status)
		[ "$st" != T ] && [ "$st" != t ] || exit 5
	'
}

@test "a stopped (T) process stays stopped after detach; a running one keeps running" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		kill -STOP $P
		i=0; while [ "$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$P/status)" != T ]; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		"$ZDIAG" attach $P -e bt > $T/o.txt || exit 1
		"$ZDIAG" attach $P --bt > $T/o2.txt || exit 2
		grep -q "in park" $T/o2.txt || exit 3
		[ "$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$P/status)" = T ] || exit 4
		kill -CONT $P
		sleep 0.1
		not_stopped $P
	'
}

@test "bad input: one line, documented status, target left running" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		"$ZDIAG" attach $P -q -e "peek 0" 2> $T/e1 > /dev/null; [ $? = 1 ] || exit 1
		[ "$(cat $T/e1)" = "zdiag: cannot read memory at 0x0: Bad address" ] || { cat $T/e1; exit 2; }
		"$ZDIAG" attach $P -q -e "frobnicate" 2> $T/e2; [ $? = 1 ] || exit 3
		[ "$(cat $T/e2)" = "zdiag: unknown command '"'"'frobnicate'"'"' (see '"'"'help'"'"')" ] || { cat $T/e2; exit 4; }
		"$ZDIAG" attach $P -q -e "break no_such_function" 2> $T/e3; [ $? = 1 ] || exit 5
		grep -q "no symbol '"'"'no_such_function'"'"'" $T/e3 || exit 6
		"$ZDIAG" attach 99999 --bt 2> $T/e4; [ $? = 2 ] || exit 7
		[ "$(cat $T/e4)" = "zdiag: cannot attach to 99999: No such process" ] || exit 8
		"$ZDIAG" attach notapid 2> /dev/null; [ $? = 2 ] || exit 9
		sh -c "exec \"$ZDIAG\" attach \$\$ --bt" 2> $T/e5; [ $? = 2 ] || exit 10
		grep -q "it is zdiag itself" $T/e5 || exit 11
		not_stopped $P
	'
}

@test "a plain zombie is refused with a pointer to zdiag scan" {
	in_ns "$PRELUDE"'
		"$HELPERS/stage" parent-not-waiting > $T/st.txt &
		i=0; while ! grep -q zombie= $T/st.txt; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		eval "$(cat $T/st.txt)"
		"$ZDIAG" attach $zombie --bt 2> $T/e; rc=$?
		cat $T/e
		[ $rc = 2 ] && grep -q "zombie" $T/e && grep -q "zdiag scan -p $zombie" $T/e
		[ $(wc -l < $T/e) = 1 ]
	'
}

@test "EPERM for a target already traced names the tracer" {
	command -v strace >/dev/null || skip "no strace"
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		strace -qq -p $P -o /dev/null & S=$!
		i=0; while [ "$(sed -n "s/^TracerPid:\t//p" /proc/$P/status)" = 0 ]; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		"$ZDIAG" attach $P --bt 2> $T/e; rc=$?
		cat $T/e
		[ $rc = 2 ] || exit 1
		grep -q "already traced by $S (strace)" $T/e || exit 2
		kill $S; wait $S
		sleep 0.1
		not_stopped $P
	'
}

@test "a kernel thread is refused" {
	require_root
	kt=$(awk '$1 == "Name:" {n=$2} END {}' /proc/2/status 2>/dev/null; grep -l "^Name:.*kthreadd" /proc/2/status >/dev/null 2>&1 && echo 2)
	[ -n "$kt" ] || skip "no kthreadd visible"
	run "$ZDIAG" attach 2 --bt
	[ "$status" = 2 ]
	[[ "$output" == *"kernel thread"* ]]
}

@test "commands from standard input; SIGTERM to zdiag detaches and leaves the target running" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		printf "peek zd_value\nbt\n" | "$ZDIAG" attach $P > $T/o.txt || exit 1
		grep -q "(42)" $T/o.txt && grep -q "in park" $T/o.txt || exit 2
		mkfifo $T/in
		"$ZDIAG" attach $P < $T/in > $T/o2.txt 2>&1 & Z=$!
		exec 3> $T/in
		i=0; while ! grep -q attached $T/o2.txt; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		kill -TERM $Z
		wait $Z; rc=$?
		cat $T/o2.txt
		[ $rc = 143 ] || exit 3
		grep -q "detached from $P" $T/o2.txt || exit 4
		not_stopped $P
	'
}

@test "interactive prompt on a terminal: completion, Ctrl-C during cont, history saved" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		export XDG_STATE_HOME=$T/state HOME=$T
		python3 - "$ZDIAG" $P > $T/pty.txt <<"PY" || exit 1
import os, pty, sys, time, select
zd, pid = sys.argv[1], sys.argv[2]
child, fd = pty.fork()
if child == 0:
    os.execv(zd, [zd, "attach", pid])
acc = b""
pos = 0
def read_until(s, t=10):
    global acc, pos
    end = time.time() + t
    while time.time() < end and s not in acc[pos:]:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try: acc += os.read(fd, 4096)
            except OSError: break
    i = acc.find(s, pos)
    if i >= 0:
        pos = i + len(s)
read_until(b"(zdiag) ")
os.write(fd, b"pee\tzd_val\t\r")
read_until(b"(42)")
os.write(fd, b"cont\r")
time.sleep(0.3)
os.write(fd, b"\x03")
read_until(b"interrupted")
read_until(b"(zdiag) ")
os.write(fd, b"detach\r")
read_until(b"detached")
_, st = os.waitpid(child, 0)
out = acc
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
		cat $T/pty.txt
		grep -q "<zd_value>: 0x000000000000002a (42)" $T/pty.txt || exit 2
		grep -q "interrupted: thread $P at" $T/pty.txt || exit 4
		grep -q "^peek zd_value$" $T/state/zdiag/history || exit 3
		not_stopped $P
	'
}

@test "output escapes control bytes from the target" {
	in_ns "$PRELUDE"'
		ZD_COMM="$(printf "evil\033[31m")" start_target P "$HELPERS/attach_chain" park
		"$ZDIAG" attach $P --bt > $T/bt.txt || exit 1
		grep -qF "(evil\\33[31m)" $T/bt.txt || { cat -v $T/bt.txt; exit 2; }
	'
	no_control_bytes "$BATS_TEST_TMPDIR/bt.txt"
}

@test "if zdiag itself crashes, breakpoints are taken out and the target let go" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain" park
		"$ZDIAG" attach $P -q -e "x tick 1" > $T/before.txt || exit 1
		mkfifo $T/in
		"$ZDIAG" attach $P < $T/in > $T/o.txt 2>&1 & Z=$!
		exec 3> $T/in
		echo "break tick" >&3
		i=0; while ! grep -q "breakpoint 1 at" $T/o.txt; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		# the crash is the tracer'"'"'s: the child of the zdiag started (include/zdiag/shield.h)
		read -r ZT _ < /proc/$Z/task/$Z/children
		[ "$(sed -n "s/^TracerPid:\t//p" /proc/$P/status)" = "$ZT" ] || exit 97
		kill -ABRT $ZT
		wait $Z; rc=$?
		[ $rc -gt 128 ] || exit 2
		not_stopped $P || exit 3
		"$ZDIAG" attach $P -q -e "x tick 1" > $T/after.txt || exit 4
		cat $T/before.txt $T/after.txt
		cmp $T/before.txt $T/after.txt
	'
}

@test "threads that appear and vanish during the attach: no failure, target never left stopped" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads" 2 churn
		for i in $(seq 20); do
			"$ZDIAG" attach $P --bt --no-lines > $T/bt.txt || { cat $T/bt.txt; exit 1; }
			[ $(grep -c "in worker_wait" $T/bt.txt) = 2 ] || { cat $T/bt.txt; exit 2; }
		done
		"$ZDIAG" attach $P -q -e "bt all" -e "info threads" > $T/s.txt || exit 3
		sleep 0.1
		not_stopped $P
	'
}

@test "code without CFI (frame pointers only) still unwinds to main, with no bogus frames" {
	[ -x "$HELPERS/attach_chain-nocfi" ] || skip "nocfi helper not built"
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_chain-nocfi" park
		"$ZDIAG" attach $P --bt > $T/bt.txt || exit 1
		cat $T/bt.txt
		[ "$(names $T/bt.txt)" = "park inner middle outer main " ] || exit 2
		! grep -q "in ?? ()" $T/bt.txt || exit 3
		"$ZDIAG" attach $P --bt --json > $T/bt.json || exit 4
		python3 -c "
import json, sys
f = {x[\"function\"]: x[\"unwinder\"] for x in json.load(open(sys.argv[1]))[\"threads\"][0][\"frames\"]}
assert f[\"park\"] == \"fp\" and f[\"main\"] == \"fp\", f
" $T/bt.json || exit 5
		not_stopped $P
	'
}
