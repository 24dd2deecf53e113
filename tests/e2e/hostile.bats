#!/usr/bin/env bats
# Hostile input: crafted /proc trees, tracees that pass absurd lengths, and
# the fuzz harnesses' corpora and regressions replayed (make fuzz runs the
# harnesses themselves; see docs/HACKING.md).

load '../lib/common'

bats_require_minimum_version 1.5.0

BUILD=${ZDIAG_BUILD:-$ROOT/build/default}

@test "every fuzz harness replays its seed corpus and its regressions" {
	n=0
	for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
		name=${src##*/fuzz_}
		name=${name%.c}
		dirs="$ROOT/tests/fuzz/corpus/$name"
		[ -d "$ROOT/tests/fuzz/regress/$name" ] && dirs="$dirs $ROOT/tests/fuzz/regress/$name"
		# shellcheck disable=SC2086
		run "$BUILD/tests/fuzz/replay_$name" $dirs
		[ "$status" -eq 0 ] || { echo "replay_$name: status $status"; echo "$output" | tail -n 20; return 1; }
		# Every harness has seeds: the replay ran files, and said how many.
		echo "$output" | grep -q '^1\.\.[1-9]' || { echo "replay_$name ran nothing"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 6 ]
}

# A /proc tree with the values that broke the parsers: LLONG_MIN and
# beyond-64-bit fields in stat, a FIFO where a file should be, a cmdline
# that never ends (/dev/zero), an empty wchan, a stack without a newline.
make_hostile_tree() {
	P=$1
	mkdir -p "$P/1" "$P/66/task/66" "$P/67" "$P/68" "$P/sys/kernel"
	echo 32768 > "$P/sys/kernel/pid_max"
	echo "0.00 0.00 0.00 1/4 68" > "$P/loadavg"
	st='S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 10 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0'
	echo "1 (init) $st" > "$P/1/stat"
	printf 'Name:\tinit\nState:\tS (sleeping)\nTgid:\t1\nPid:\t1\nPPid:\t0\nTracerPid:\t0\nThreads:\t1\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000010000\n' > "$P/1/status"
	echo "61 0xffffffffffffffff 0x7ffd 0x0 0x0 0x0 0x0 0x7ffd 0x7f00" > "$P/1/syscall"
	printf do_wait > "$P/1/wchan"
	z='4242 (z) Z 1 66 66 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 -9223372036854775808 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 17 -9223372036854775808 0 0 0 0 0 0 0 0 0 0 0 0 -9223372036854775808'
	echo "${z/4242/66}" > "$P/66/stat"
	echo "${z/4242/66}" > "$P/66/task/66/stat"
	printf 'Name:\tz\nState:\tZ (zombie)\nTgid:\t66\nPid:\t66\nPPid:\t1\nTracerPid:\t-9223372036854775808\nThreads:\t99999999999999999999999\nNSpid:\t66\t-1\t99999999999\n' > "$P/66/status"
	cp "$P/66/status" "$P/66/task/66/status"
	: > "$P/66/wchan"
	printf '[<0>] do_exit+0x1/0x2' > "$P/66/stack"
	echo "67 (big) Z 1 67 67 0 -1 99999999999999999999999 0 0 0 0 0 0 0 0 20 0 -1 0 99999999999999999999999" > "$P/67/stat"
	ln -s /dev/zero "$P/67/cmdline"
	mkfifo "$P/68/stat" "$P/68/status" "$P/68/syscall"
}

@test "scan --proc-root: a crafted tree (LLONG_MIN, 2^64 and beyond, FIFO, /dev/zero) parses and does not abort" {
	P=$BATS_TEST_TMPDIR/proc
	make_hostile_tree "$P"
	# Exit 1: zombies found (ZD_EXIT_FOUND).  UBSan halts with 1 too, so
	# what tells is the whole JSON document and no sanitizer report.
	run -1 --separate-stderr timeout 60 "$ZDIAG" scan --proc-root "$P" --settle 0 --json
	echo "$stderr"
	if grep -q 'runtime error\|Sanitizer' <<< "$stderr"; then return 1; fi
	echo "$output" > "$BATS_TEST_TMPDIR/scan.json"
	json_valid "$BATS_TEST_TMPDIR/scan.json"
	# The zombie with LLONG_MIN fields is found and reported under its parent.
	[ "$(jget "$BATS_TEST_TMPDIR/scan.json" '[z["pid"] for z in d["zombies"]]')" = "[66, 67]" ] || \
		{ jget "$BATS_TEST_TMPDIR/scan.json" 'd["zombies"]'; return 1; }
	run timeout 60 "$ZDIAG" scan --proc-root "$P" --settle 0 --all --color=never
	[ "$status" -lt 64 ]
	no_control_bytes <(echo "$output")
}

@test "trace -s 0: 1 GiB write/writev/read lengths are shown capped, and the traced command completes" {
	require_pidns
	in_ns '
		"$ZDIAG" trace -s 0 -e trace=write,writev,read -o "$T/trace.txt" -- "$HELPERS/hostile_len" > "$T/out" 2> "$T/err"
		echo $? > "$T/rc"
	'
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = 0 ] || { cat "$BATS_TEST_TMPDIR/err"; return 1; }
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = done ]
	tr=$BATS_TEST_TMPDIR/trace.txt
	# Each buffer shows at most 1 MiB (ZD_DEC_STRMAX) of the tracee's 1 GiB, then "...".
	grep -q '^write([0-9]*, "\\0\\0\\0.*\\0"\.\.\., 1073741824) *= 1073741824$' "$tr"
	grep -q '^writev([0-9]*, \[{iov_base="\\0\\0.*\\0"\.\.\., iov_len=536870912}, \.\.\.\], 2) *= 1073741824$' "$tr"
	grep -q '^read([0-9]*, "hello", 1073741824) *= 5$' "$tr"
	[ "$(wc -c < "$tr")" -lt $((8 * 1024 * 1024)) ]
	# The same with strace's default -s 32: exactly what strace prints.
	in_ns '"$ZDIAG" trace -e trace=write -o "$T/trace32.txt" -- "$HELPERS/hostile_len" > /dev/null'
	grep -q '^write([0-9]*, "\(\\0\)\{32\}"\.\.\., 1073741824) *= 1073741824$' "$BATS_TEST_TMPDIR/trace32.txt"
}
