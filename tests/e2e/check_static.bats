#!/usr/bin/env bats
# make static: ./zdiag-static needs no shared library and runs the suite
# from a root that holds nothing but itself (and /proc), as it would in
# another kernel's disk image.

load '../lib/common'

ZSTATIC=${ZDIAG_STATIC:-$ROOT/zdiag-static}

setup() {
	[ -x "$ZSTATIC" ] || skip "no $ZSTATIC (make static)"
}

# An empty root holding only zdiag-static (and an empty /proc mount point).
make_root() {
	R="$BATS_TEST_TMPDIR/root"
	mkdir -p "$R/proc"
	cp "$ZSTATIC" "$R/zdiag-static"
}

@test "zdiag-static is statically linked" {
	run readelf -l "$ZSTATIC"
	[ "$status" -eq 0 ]
	! grep -q 'INTERP' <<<"$output"
	! grep -q 'Requesting program interpreter' <<<"$output"
	run readelf -d "$ZSTATIC"
	[[ "$output" == *"There is no dynamic section in this file."* ]]
	if command -v file >/dev/null; then
		run file -L "$ZSTATIC"
		[[ "$output" == *"statically linked"* ]]
	fi
	run ldd "$ZSTATIC"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not a dynamic executable"* ]]
}

@test "zdiag-static has check, scan and help; trace and attach are left out" {
	run "$ZSTATIC" --help
	[ "$status" -eq 0 ]
	grep -q '^  check ' <<<"$output"
	grep -q '^  scan ' <<<"$output"
	grep -q '^  help ' <<<"$output"
	! grep -qE '^  (trace|attach|run) ' <<<"$output"
	run "$ZSTATIC" trace true
	[ "$status" -eq 2 ]
	[[ "$output" == "zdiag: unknown command 'trace'"* ]]
	run "$ZSTATIC" __complete 1 zdiag ch
	[ "$output" = check ]
	[ "$("$ZSTATIC" check --list)" = "$("$ZDIAG" check --list)" ]
}

@test "zdiag-static runs the whole suite in a root with nothing but itself and /proc" {
	make_root
	require_private_mounts "$R/proc"
	run timeout -k 5 120 "$ROOT/tests/lib/pidns" \
		'mount -t proc proc "$1/proc" && exec chroot "$1" /zdiag-static check --tap' sh "$R"
	echo "$output"
	[ "$status" -eq 0 ]
	n=$("$ZSTATIC" check --list | wc -l)
	[ "${lines[1]}" = "1..$n" ]
	[ "$(grep -c '^ok [0-9]* - ' <<<"$output")" -eq "$n" ]
	! grep -q '# SKIP' <<<"$output"
	[ "$(ls -A "$R" | tr '\n' ' ')" = "proc zdiag-static " ]
}

@test "without /proc the procfs probes are skipped, not failed" {
	require_pidns
	make_root
	run timeout -k 5 120 "$ROOT/tests/lib/pidns" 'exec chroot "$1" /zdiag-static check' sh "$R"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^FAIL\|^TIMEOUT' <<<"$output")" -eq 0 ]
	[ "$(grep -c '^SKIP     procfs\.[a-z-]*: no procfs on /proc (/proc/self/stat: ENOENT)$' <<<"$output")" -eq \
		"$("$ZSTATIC" check --list -k procfs | wc -l)" ]
	grep -q '^PASS     threads.exec-from-thread$' <<<"$output"
	grep -q '^PASS     ptrace.singlestep$' <<<"$output"
}

@test "zdiag-static scan works too" {
	require_pidns
	run in_ns "\"$ZSTATIC\" scan --settle 0"
	[ "$status" -eq 0 ]
	[[ "$output" == "no stuck zombies"* ]]
}

@test "zdiag-static reap makes a container's init reap its zombie" {
	require_pidns
	in_ns 'eval "$("$HELPERS"/stage init-not-reaping)"
		echo "zombie=$zombie parent=$parent" > "$T/pids"
		"'"$ZSTATIC"'" reap "$zombie" > "$T/out"; echo $? > "$T/rc"
		[ -e /proc/$zombie ] && echo still > "$T/still"
		grep -E "^(State|TracerPid)" /proc/$parent/status > "$T/parent"
		true'
	cat "$T/out"
	[ "$(cat "$T/rc")" = 0 ]
	[ ! -e "$T/still" ]
	grep -q '^reaped .*exited with status 7; reaper .*init) stopped' "$T/out"
	grep -q 'TracerPid:.0' "$T/parent"
	! grep -q 'State:.[tT]' "$T/parent"
}
