#!/usr/bin/env bats
# zdiag run: start a program under the debugger (inside a private PID namespace).

load '../lib/common'
bats_require_minimum_version 1.5.0

setup() {
	require_pidns
	[ -x "$HELPERS/attach_chain" ] || skip "helpers not built"
}

@test "run stops before the first instruction (in the dynamic loader)" {
	in_ns '
		"$ZDIAG" run -q -e "sym \$rip" -e "info threads" -- "$HELPERS/attach_chain" loop 1 < /dev/null > $T/o.txt; rc=$?
		cat $T/o.txt
		[ $rc = 0 ] || exit 1
		grep -q "in /.*ld-linux" $T/o.txt || exit 2
		grep -q "^ticks=1$" $T/o.txt
	'
}

@test "break main, cont, bt; then the program runs to completion with its status" {
	in_ns '
		"$ZDIAG" run -q -e "break main" -e cont -e bt -e "break tick" -e cont -e cont -e "info breaks" -- "$HELPERS/attach_chain" loop 3 < /dev/null > $T/o.txt; rc=$?
		cat $T/o.txt
		[ $rc = 0 ] || exit 1
		grep -qE "hit breakpoint 1 at .* in main(\+0x[0-9a-f]+)? " $T/o.txt || exit 2
		grep -qE "^#0 +0x[0-9a-f]+ in main(\+0x[0-9a-f]+)? \(attach_chain\)" $T/o.txt || exit 3
		[ $(grep -c "hit breakpoint 2" $T/o.txt) = 2 ] || exit 4
		grep -qE "^2 +0x[0-9a-f]+ 2 +tick" $T/o.txt || exit 5
		grep -q "^ticks=3$" $T/o.txt
	'
}

@test "the program's exit status is zdiag's; cont to the end reports it" {
	in_ns '
		"$ZDIAG" run -q -e cont -- sh -c "exit 3" > $T/o.txt; rc=$?
		cat $T/o.txt
		[ $rc = 3 ] && grep -q "exited 3" $T/o.txt || exit 1
		"$ZDIAG" run -q -- sh -c "exit 5" < /dev/null; [ $? = 5 ] || exit 2
		"$ZDIAG" run -q -e kill -- sleep 30; [ $? = 137 ] || exit 3
	'
}

@test "a command that cannot be run: 127 not found, 126 not executable, 2 usage" {
	run -127 "$ZDIAG" run -- /nonexistent/prog
	[ "$status" = 127 ]
	[ "$output" = "zdiag: cannot run '/nonexistent/prog': No such file or directory" ]
	run "$ZDIAG" run -- /etc/passwd
	[ "$status" = 126 ]
	[[ "$output" == *"Permission denied"* ]]
	run "$ZDIAG" run
	[ "$status" = 2 ]
}

@test "syscall stops are shown strace-style" {
	in_ns '
		"$ZDIAG" run -q -e syscall -e syscall -- /bin/true > $T/o.txt; rc=$?
		cat $T/o.txt
		[ $rc = 0 ] || exit 1
		# decoded as zdiag trace does: brk(NULL), the result in hex
		grep -qE "^thread [0-9]+: brk\(NULL <unfinished \.\.\.>$" $T/o.txt || exit 2
		grep -qE "^thread [0-9]+: brk\(NULL\) += 0x[0-9a-f]+$" $T/o.txt
	'
}
