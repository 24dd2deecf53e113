#!/usr/bin/env bats
# zdiag attach: watchpoints (debug registers or single-stepping) and catch
# syscall on tests/helpers/watch_target, compared with gdb on the same
# process.  Targets run in a private PID namespace; afterwards they run on,
# untraced, with every debug register cleared (read by a fresh attach).

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/watch_target" ] || skip "helpers not built"
	command -v gdb >/dev/null || skip "gdb is not installed (make deps)"
}

PRELUDE='
start_target() {
	v=$1; shift
	"$@" > "$T/$v.out" 2>&1 &
	eval "$v=\$!"
	i=0; while ! grep -q ready "$T/$v.out" 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never ready" >&2; exit 99; }; sleep 0.01; done
}
runs_untraced() {
	st=$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$1/status)
	tr=$(sed -n "s/^TracerPid:\t//p" /proc/$1/status)
	case $st in S|R) ;; *) echo "state $st" >&2; return 1 ;; esac
	[ "$tr" = 0 ] || { echo "traced by $tr" >&2; return 1; }
}
# no_debugregs PID: a fresh attach reads DR0-3 and DR7 of every thread as 0.
no_debugregs() {
	"$ZDIAG" attach $1 -e "info debug-registers" > $T/dr.txt 2>/dev/null || return 1
	grep -q "^thread " $T/dr.txt || return 1
	! grep "^thread " $T/dr.txt | grep -v "dr0=0x0 dr1=0x0 dr2=0x0 dr3=0x0 dr6=0x[0-9a-f]* dr7=0x0$" >&2
}
# new_is_old_plus_one FILE: every Old/New pair differs by one.
new_is_old_plus_one() {
	awk "/^Old value = /{o=\$4} /^New value = /{n++; if (\$4 != o + 1) bad=1} END{exit (bad || n < 2)}" $1
}
# Does the probe say the debug registers fire?
hw_fires() {
	"$ZDIAG" attach $1 -e "watch g_counter" -e "info watchpoints" 2>/dev/null | grep -q "the probe saw them fire"
}
'

@test "watch on a global: software path (and the hardware one when the probe sees it fire) agrees with gdb" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/watch_target"
		if hw_fires $P; then modes="0 1"; else modes="0"; fi
		echo "modes: $modes" >&2
		for m in $modes; do
			"$ZDIAG" attach $P -e "set can-use-hw-watchpoints $m" -e "watch g_counter" -e cont -e cont \
				-e "info watchpoints" > $T/ours.$m 2>&1 || exit 1
			runs_untraced $P || exit 2
			no_debugregs $P || exit 15
			gdb -nx -batch -p $P -ex "set can-use-hw-watchpoints $m" -ex "watch g_counter" -ex continue \
				-ex continue > $T/gdb.$m 2>&1
			runs_untraced $P || exit 3
			new_is_old_plus_one $T/ours.$m || exit 4
			new_is_old_plus_one $T/gdb.$m || exit 5
			grep -E "^(main \(\) at |[0-9]+[[:space:]]+[^[:space:]0-9])" $T/gdb.$m | grep -v "No such file" > $T/gdb.stops
			grep -E "^(main \(\) at |[0-9]+[[:space:]]+[^[:space:]0-9])" $T/ours.$m > $T/ours.stops
			[ $(wc -l < $T/ours.stops) = 4 ] || { cat $T/ours.$m >&2; exit 6; }
			diff $T/gdb.stops $T/ours.stops || exit 7
			if [ $m = 0 ]; then
				grep -q "^Watchpoint 1: g_counter (software: single-stepping, slow)$" $T/ours.$m || exit 8
				[ $(grep -c "^Watchpoint 1: g_counter$" $T/ours.$m) = 2 ] || exit 9
			else
				[ $(grep -c "^Hardware watchpoint 1: g_counter$" $T/ours.$m) = 3 ] || exit 10
				grep -q "instructions single-stepped" $T/ours.$m || exit 11
				grep -q "; 0 instructions single-stepped" $T/ours.$m || exit 12
			fi
		done
		# gdb leaves DR0 set after a hardware watch (DR7 is 0): only DR7 here.
		"$ZDIAG" attach $P -e "info debug-registers" > $T/dr.txt || exit 13
		! grep "^thread " $T/dr.txt | grep -v "dr7=0x0$" || exit 16
		runs_untraced $P || exit 14
		kill $P
	'
}

@test "debug registers go to every thread, one created after the watch included, and are cleared at detach" {
	# Twice: as the probe finds this machine, and as if the registers did not
	# fire (ZDIAG_DR_PROBE=0, what the probe says on some machines).
	for fake in "" 0; do
	ZDIAG_DR_PROBE=$fake in_ns "$PRELUDE"'
		start_target P "$HELPERS/watch_target"
		if hw_fires $P; then
			# g_seen is written only by the thread main starts once g_spawn is set:
			# the watch can only fire if the new thread got the debug registers.
			"$ZDIAG" attach $P -e "watch g_seen" -e "poke g_spawn 1" -e cont -e "info debug-registers" \
				-e "info watchpoints" > $T/ours.txt 2>&1 || exit 1
			grep -q "^Hardware watchpoint 1: g_seen$" $T/ours.txt || exit 2
			grep -q "^New value = " $T/ours.txt || exit 3
			grep -q "^worker (arg=0x0) at .*watch_target.c:[0-9]*$" $T/ours.txt || exit 4
		else
			# The registers do not fire here: set them anyway, stop in the new
			# thread at a breakpoint and read them back.
			"$ZDIAG" attach $P -e "set can-use-hw-watchpoints 1" -e "watch g_seen" -e "break worker" \
				-e "poke g_spawn 1" -e cont -e "info debug-registers" -e "info watchpoints" > $T/ours.txt 2>&1 || exit 1
			grep -q "hit breakpoint 2 .* in worker" $T/ours.txt || exit 5
			grep -q "the probe saw them not fire" $T/ours.txt || exit 6
		fi
		cat $T/ours.txt >&2
		addr=$(sed -n "s/^1 *0x0*\([0-9a-f]*\) .*g_seen.*/\1/p" $T/ours.txt)
		[ -n "$addr" ] || exit 7
		[ $(grep -c "^thread [0-9]*: dr0=0x$addr dr1=0x0 dr2=0x0 dr3=0x0 dr6=0x[0-9a-f]* dr7=0xd0001$" $T/ours.txt) = 2 ] || exit 8
		runs_untraced $P || exit 9
		[ $(ls /proc/$P/task | wc -l) = 2 ] || exit 10
		no_debugregs $P || exit 11
		runs_untraced $P || exit 12
		kill $P
	'
	done
}

@test "a watch on a local is deleted when its frame returns, as gdb says it" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/watch_target"
		"$ZDIAG" attach $P -e "break bump" -e cont -e "watch local" -e cont -e cont -e cont -e cont \
			-e "info watchpoints" > $T/ours.txt 2>&1 || exit 1
		runs_untraced $P || exit 2
		gdb -nx -batch -p $P -ex "break bump" -ex continue -ex "set can-use-hw-watchpoints 0" -ex "watch local" \
			-ex continue -ex continue -ex continue -ex continue > $T/gdb.txt 2>&1
		runs_untraced $P || exit 3
		grep -A3 "^Watchpoint 2 deleted" $T/gdb.txt > $T/gdb.end
		grep -A3 "^Watchpoint 2 deleted" $T/ours.txt | grep -v "^no watchpoints" > $T/ours.end
		[ $(wc -l < $T/ours.end) = 4 ] || exit 4
		diff $T/gdb.end $T/ours.end || exit 5
		grep -E "^(bump|[0-9]+[[:space:]])" $T/gdb.txt | grep -v "^bump (n=[0-9]*) at .*:34$" > $T/gdb.lines
		grep -E "^(bump|[0-9]+[[:space:]])" $T/ours.txt > $T/ours.lines
		sed "s/n=[0-9]*/n=N/" $T/gdb.lines | tail -6 > $T/a; sed "s/n=[0-9]*/n=N/" $T/ours.lines | tail -6 > $T/b
		diff $T/a $T/b || exit 6
		grep -q "^no watchpoints$" $T/ours.txt || exit 7
		no_debugregs $P || exit 8
		kill $P
	'
}

@test "catch syscall: the entry and return sequence agrees with gdb, decoded" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/watch_target"
		"$ZDIAG" attach $P -e "catch syscall openat close" -e cont -e cont -e cont -e cont > $T/ours.txt 2>&1 || exit 1
		runs_untraced $P || exit 2
		gdb -nx -batch -p $P -ex "catch syscall openat close" -ex continue -ex continue -ex continue -ex continue \
			> $T/gdb.txt 2>&1
		runs_untraced $P || exit 3
		grep -o "^Catchpoint 1 ([a-z ]* syscall [a-z0-9_]*)" $T/gdb.txt > $T/gdb.seq
		grep -o "^Catchpoint 1 ([a-z ]* syscall [a-z0-9_]*)" $T/ours.txt > $T/ours.seq
		cat $T/ours.seq >&2
		[ $(wc -l < $T/ours.seq) = 4 ] || exit 4
		diff $T/gdb.seq $T/ours.seq || exit 5
		grep -q "^thread $P: openat(AT_FDCWD, \"/dev/null\", O_RDONLY) = [0-9]*$" $T/ours.txt || exit 6
		grep -q "^thread $P: close([0-9]*) *= 0$" $T/ours.txt || exit 7
		"$ZDIAG" attach $P -e "catch syscall" -e cont -e "info breakpoints" -e "delete 1" -e "info breakpoints" \
			> $T/all.txt 2>&1 || exit 8
		grep -q "^Catchpoint 1 (any syscall)$" $T/all.txt || exit 9
		grep -q "^Catchpoint 1 (call to syscall [a-z_0-9]*), 0x" $T/all.txt || exit 10
		grep -q "^no breakpoints$" $T/all.txt || exit 11
		runs_untraced $P || exit 12
		kill $P
	'
}

@test "watch and catch refuse bad input in one line and leave the target running" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/watch_target"
		for c in "watch nosuch" "watch 1 + 2" "catch syscall nosuch" "catch fork" "delete 99"; do
			"$ZDIAG" attach $P -e "$c" > $T/out 2> $T/err && exit 1
			[ $(grep -c "^zdiag: " $T/err) -ge 1 ] || exit 2
			grep -v "^zdiag: \(attached\|detached\)" $T/err | grep -qv "^zdiag: " && exit 3
			runs_untraced $P || exit 4
		done
		"$ZDIAG" attach $P -e "set can-use-hw-watchpoints 0" -e "rwatch g_counter" 2> $T/err && exit 5
		grep -q "^zdiag: can.t set read/access watchpoint when hardware watchpoints are disabled$" $T/err || exit 6
		"$ZDIAG" attach $P -e "set can-use-hw-watchpoints 2" 2> $T/err && exit 7
		grep -q "usage: set can-use-hw-watchpoints 0|1" $T/err || exit 8
		# Where the probe says the registers do not fire: watch single-steps,
		# rwatch is refused.
		ZDIAG_DR_PROBE=0 "$ZDIAG" attach $P -e "watch g_counter" -e cont -e "info watchpoints" \
			-e "rwatch g_seen" > $T/out 2> $T/err && exit 11
		grep -q "^Watchpoint 1: g_counter (software: single-stepping, slow)$" $T/out || exit 12
		grep -q "^Watchpoint 1: g_counter$" $T/out || exit 13
		grep -q "^debug registers: not used (the probe saw them not fire); [1-9][0-9]* instructions single-stepped$" \
			$T/out || exit 14
		grep -q "^zdiag: read/access watchpoints need debug registers, which do not fire on this machine" $T/err || exit 15
		no_debugregs $P || exit 9
		runs_untraced $P || exit 10
		kill $P
	'
}
