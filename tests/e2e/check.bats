#!/usr/bin/env bats
# zdiag check: the conformance suite against this (Linux) kernel, its output
# formats, selection, and faults injected with seccomp (tests/helpers/
# check_errno) to see FAIL, SKIP and TIMEOUT on a kernel that misbehaves.

load '../lib/common'

ERRNO() {
	"$HELPERS/check_errno" "$@"
}

# Probes whose lines (text mode) say STATUS.
count_status() {
	grep -c "^$1 " <<<"$output" || true
}

@test "every probe passes on this kernel (--strict: none skipped)" {
	require_pidns
	run in_ns '"$ZDIAG" check --strict'
	echo "$output"
	[ "$status" -eq 0 ]
	n=$("$ZDIAG" check --list | wc -l)
	[ "$n" -ge 45 ]
	[ "$(count_status PASS)" -eq "$n" ]
	[ "$(count_status FAIL)" -eq 0 ]
	[ "$(count_status SKIP)" -eq 0 ]
	[ "$(count_status TIMEOUT)" -eq 0 ]
	[[ "${lines[-1]}" == "$n probes: $n passed, 0 failed, 0 skipped, 0 timed out ("* ]]
}

@test "the header names the kernel, the user and the time limit" {
	require_pidns
	run in_ns '"$ZDIAG" check -k wait.exit-status --timeout 2.5'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "zdiag check "*" on Linux $(uname -r) $(uname -m), euid $(id -u): 1 probe, time limit 2.5 s each" ]]
}

@test "nothing is left in the namespace after the suite" {
	require_pidns
	run in_ns '"$ZDIAG" check -q; echo "rc=$?"; for d in /proc/[0-9]*; do c=$(cat $d/comm 2>/dev/null) && echo "${d#/proc/} $c"; done'
	echo "$output"
	[ "${lines[0]}" = "rc=0" ]
	! grep -q zdcheck <<<"$output"
	! grep -qw zdiag <<<"$output"
	# sh (pid 1) and the cat of the loop, at most
	[ "${#lines[@]}" -le 3 ]
}

@test "--list prints one line per probe: name, rule and kernel source" {
	run "$ZDIAG" check --list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 45 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^(procfs|wait|zombies|threads|orphans|ptrace|pidns)\.[a-z0-9-]+\ +[^\ ].*\ \ \[[a-z].*\.c(,\ [a-z].*\.c)*\]$ ]] || {
			echo "bad line: $l"
			false
		}
	done
	for area in procfs wait zombies threads orphans ptrace pidns; do
		grep -q "^$area\." <<<"$output"
	done
	# names are unique
	[ "$(cut -d' ' -f1 <<<"$output" | sort | uniq -d)" = "" ]
	# the probes the issue asks for
	for name in procfs.reaped-access procfs.reaped-opendir procfs.reaped-readdir procfs.reaped-stat-fd \
		procfs.thread-gone wait.exit-status wait.killed-by-signal wait.wnohang-running wait.echild \
		wait.waitid-wnowait wait.wait4-rusage wait.sigchld-exited wait.sigchld-killed wait.sigchld-stopped \
		wait.sigchld-continued zombies.unreaped-stays zombies.sigkill-zombie zombies.sigchld-ign \
		zombies.sa-nocldwait threads.leader-zombie threads.exec-from-thread orphans.subreaper \
		ptrace.traceme-stop ptrace.attach-detach ptrace.syscall-pairs ptrace.getregs ptrace.peek-poke \
		ptrace.singlestep ptrace.tracefork ptrace.attach-traced ptrace.attach-missing \
		ptrace.exit-to-tracer-first pidns.init-pid-1 pidns.nspid pidns.init-exit-kills; do
		grep -q "^$name " <<<"$output" || { echo "missing $name"; false; }
	done
}

@test "--list --json is one document that agrees with --list" {
	"$ZDIAG" check --list --json > "$BATS_TEST_TMPDIR/list.json"
	json_valid "$BATS_TEST_TMPDIR/list.json"
	n=$("$ZDIAG" check --list | wc -l)
	[ "$(jget "$BATS_TEST_TMPDIR/list.json" 'len(d["probes"])')" -eq "$n" ]
	[ "$(jget "$BATS_TEST_TMPDIR/list.json" 'd["probes"][0]["name"]')" = "$("$ZDIAG" check --list | head -1 | cut -d' ' -f1)" ]
	[ "$(jget "$BATS_TEST_TMPDIR/list.json" 'all(p["source"] and p["rule"] and p["area"] == p["name"].split(".")[0] for p in d["probes"])')" = true ]
}

@test "-k selects by substring and glob, !PATTERN excludes" {
	run "$ZDIAG" check --list -k procfs
	[ "$status" -eq 0 ]
	! grep -qv '^procfs\.' <<<"$output"
	run "$ZDIAG" check --list -k 'ptrace.attach-*'
	[ "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" = "ptrace.attach-detach ptrace.attach-traced ptrace.attach-missing ptrace.attach-zombie " ]
	run "$ZDIAG" check --list -k '!ptrace' -k '!pidns'
	! grep -qE '^(ptrace|pidns)\.' <<<"$output"
	grep -q '^wait\.' <<<"$output"
	run "$ZDIAG" check --list -k sigchld -k reaped-access
	[ "${#lines[@]}" -eq 6 ]
	run "$ZDIAG" check --match=wait.echild --list
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "wait.echild  wait(), waitpid() and waitid() fail with ECHILD "*"  [kernel/exit.c]" ]]
}

@test "-k that matches nothing is a usage error" {
	run "$ZDIAG" check -k nope
	[ "$status" -eq 2 ]
	[ "$output" = "zdiag check: no probe name matches 'nope' (see 'zdiag check --help')" ]
}

@test "--tap is TAP that prove accepts" {
	require_pidns
	in_ns '"$ZDIAG" check --tap' > "$BATS_TEST_TMPDIR/out.tap"
	n=$("$ZDIAG" check --list | wc -l)
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out.tap")" = "TAP version 13" ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out.tap")" = "1..$n" ]
	[ "$(grep -c '^ok [0-9]* - ' "$BATS_TEST_TMPDIR/out.tap")" -eq "$n" ]
	prove --exec cat "$BATS_TEST_TMPDIR/out.tap"
}

@test "--json is one document with every probe's verdict" {
	require_pidns
	in_ns '"$ZDIAG" check --json' > "$BATS_TEST_TMPDIR/out.json"
	json_valid "$BATS_TEST_TMPDIR/out.json"
	j="$BATS_TEST_TMPDIR/out.json"
	n=$("$ZDIAG" check --list | wc -l)
	[ "$(jget "$j" 'd["version"]')" = 1 ]
	[ "$(jget "$j" 'd["ok"]')" = true ]
	[ "$(jget "$j" 'd["summary"]["probes"]')" -eq "$n" ]
	[ "$(jget "$j" 'd["summary"]["pass"]')" -eq "$n" ]
	[ "$(jget "$j" 'len(d["probes"])')" -eq "$n" ]
	[ "$(jget "$j" 'd["system"]["release"]')" = "$(uname -r)" ]
	[ "$(jget "$j" 'd["timeout_ms"]')" = 10000 ]
	[ "$(jget "$j" 'sorted(d["probes"][0].keys())')" = '["area", "duration_ms", "expected", "leftovers", "name", "notes", "observed", "reason", "rule", "runs", "source", "status", "step", "unreaped"]' ]
	[ "$(jget "$j" 'all(p["status"] == "PASS" and p["expected"] is None and p["unreaped"] == 0 for p in d["probes"])')" = true ]
	"$ZDIAG" check --list | cut -d' ' -f1 > "$BATS_TEST_TMPDIR/names"
	[ "$(jget "$j" '"\n".join(p["name"] for p in d["probes"])')" = "$(cat "$BATS_TEST_TMPDIR/names")" ]
}

@test "a probe that fails shows the rule, what Linux does and what happened (exit 1)" {
	# access() "succeeds" on everything: a reaped child's /proc/PID seems to survive
	run ERRNO access 0 "$ZDIAG" check -k procfs.reaped-access --color=never
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[1]}" = "FAIL     procfs.reaped-access" ]
	[[ "${lines[2]}" == "         rule      right after the parent reaps a child, access(\"/proc/PID\", F_OK) fails with ENOENT  [fs/proc/base.c]" ]]
	[[ "${lines[3]}" =~ ^\ +expected\ +access\(\"/proc/[0-9]+\",\ F_OK\)\ right\ after\ the\ reap\ fails\ with\ ENOENT$ ]]
	[[ "${lines[4]}" =~ ^\ +observed\ +access\(\"/proc/[0-9]+\",\ F_OK\)\ right\ after\ the\ reap\ returned\ 0$ ]]
	[[ "${lines[-1]}" == "1 probe: 0 passed, 1 failed, 0 skipped, 0 timed out"* ]]
}

@test "a failure in TAP and JSON carries expected and observed" {
	run ERRNO access 0 "$ZDIAG" check -k procfs.reaped-access --tap
	[ "$status" -eq 1 ]
	[ "${lines[3]}" = "not ok 1 - procfs.reaped-access" ]
	grep -q '^  status: "FAIL"$' <<<"$output"
	grep -q '^  expected: "access(\\"/proc/[0-9]*\\", F_OK) right after the reap fails with ENOENT"$' <<<"$output"
	grep -q '^  observed: ".* returned 0"$' <<<"$output"
	echo "$output" > "$BATS_TEST_TMPDIR/f.tap"
	! prove --exec cat "$BATS_TEST_TMPDIR/f.tap" >/dev/null 2>&1
	ERRNO access 0 "$ZDIAG" check -k procfs.reaped-access --json > "$BATS_TEST_TMPDIR/f.json" || [ $? -eq 1 ]
	j="$BATS_TEST_TMPDIR/f.json"
	[ "$(jget "$j" 'd["ok"]')" = false ]
	[ "$(jget "$j" 'd["probes"][0]["status"]')" = FAIL ]
	[[ "$(jget "$j" 'd["probes"][0]["observed"]')" == *"returned 0" ]]
}

@test "a probe that needs what the system lacks is SKIP with the reason (exit 0)" {
	# LeakSanitizer needs ptrace itself (SANITIZE=address builds)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 run ERRNO ptrace ENOSYS "$ZDIAG" check -k ptrace
	echo "$output"
	[ "$status" -eq 0 ]
	n=$("$ZDIAG" check --list -k ptrace | wc -l)
	[ "$(grep -c '^SKIP     ptrace\.[a-z-]*: ptrace(2) is not implemented (ENOSYS)$' <<<"$output")" -eq "$n" ]
	run ERRNO unshare EINVAL "$ZDIAG" check -k pidns
	[ "$status" -eq 0 ]
	[ "$(grep -c '^SKIP .*kernel without PID namespaces' <<<"$output")" -eq "$("$ZDIAG" check --list -k pidns | wc -l)" ]
	run ERRNO unshare EPERM "$ZDIAG" check -k pidns.init-pid-1 --tap
	[ "$status" -eq 0 ]
	[[ "${lines[3]}" == "ok 1 - pidns.init-pid-1 # SKIP not permitted to create a PID namespace"* ]]
}

@test "a kernel without ptrace: the skips are counted with their reason, and --strict fails" {
	require_pidns
	# The whole suite under a seccomp filter that makes ptrace(2) ENOSYS, as
	# on a kernel without it (LeakSanitizer needs ptrace: no leak check).
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	all=$("$ZDIAG" check --list | wc -l)
	n=$("$ZDIAG" check --list -k ptrace | wc -l)
	[ "$n" -ge 10 ]
	run in_ns '"$HELPERS/check_errno" ptrace ENOSYS "$ZDIAG" check --color=never'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(count_status SKIP)" -eq "$n" ]
	[ "$(count_status PASS)" -eq $((all - n)) ]
	[[ "${lines[-3]}" == "$all probes: $((all - n)) passed, 0 failed, $n skipped, 0 timed out ("* ]]
	[ "${lines[-2]}" = "$n skipped, so their rules were not tested here (--strict would exit 1):" ]
	[ "${lines[-1]}" = "$(printf '%5d  %s' "$n" 'ptrace(2) is not implemented (ENOSYS)')" ]
	# --strict: the same run fails
	run in_ns '"$HELPERS/check_errno" ptrace ENOSYS "$ZDIAG" check --strict --color=never'
	[ "$status" -eq 1 ]
	[ "$(count_status SKIP)" -eq "$n" ]
	[ "$(count_status FAIL)" -eq 0 ]
	[ "${lines[-2]}" = "$n skipped, so their rules were not tested here (--strict: exit 1):" ]
	# TAP: the same summary as comments; JSON: ok is false only with --strict
	run in_ns '"$HELPERS/check_errno" ptrace ENOSYS "$ZDIAG" check -k ptrace.attach -k wait.echild --strict --tap'
	[ "$status" -eq 1 ]
	[ "${lines[-2]}" = "# 4 skipped, so their rules were not tested here (--strict: exit 1):" ]
	[ "${lines[-1]}" = "#     4  ptrace(2) is not implemented (ENOSYS)" ]
	for strict in "" --strict; do
		in_ns '"$HELPERS/check_errno" ptrace ENOSYS "$ZDIAG" check -k ptrace.attach -k wait.echild --json '$strict > "$BATS_TEST_TMPDIR/s.json" || [ $? -eq 1 ]
		j="$BATS_TEST_TMPDIR/s.json"
		[ "$(jget "$j" 'd["summary"]["skip"]')" -eq 4 ]
		[ "$(jget "$j" 'd["summary"]["pass"]')" -eq 1 ]
		[ "$(jget "$j" '[p["reason"] for p in d["probes"] if p["status"] == "SKIP"]')" = "$(python3 -c 'print(["ptrace(2) is not implemented (ENOSYS)"] * 4)' | tr "'" '"')" ]
		if [ -n "$strict" ]; then
			[ "$(jget "$j" '[d["strict"], d["ok"]]')" = "[true, false]" ]
		else
			[ "$(jget "$j" '[d["strict"], d["ok"]]')" = "[false, true]" ]
		fi
	done
	# Two reasons: one line each, with its count
	run in_ns '"$HELPERS/check_errno" unshare EINVAL "$HELPERS/check_errno" ptrace ENOSYS "$ZDIAG" check -k ptrace.attach -k pidns.nspid'
	[ "$status" -eq 0 ]
	[ "${lines[-3]}" = "5 skipped, so their rules were not tested here (--strict would exit 1):" ]
	[ "${lines[-2]}" = "$(printf '%5d  %s' 4 'ptrace(2) is not implemented (ENOSYS)')" ]
	[[ "${lines[-1]}" == "    1  kernel without PID namespaces (CONFIG_PID_NS): unshare(CLONE_NEWPID): EINVAL"* ]]
}

@test "without subreaper support the suite warns once and goes on" {
	run ERRNO prctl EINVAL "$ZDIAG" check -k orphans -k wait.exit-status
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^zdiag: warning: cannot become a child subreaper' <<<"$output")" -eq 1 ]
	grep -q '^SKIP     orphans.subreaper: prctl(PR_SET_CHILD_SUBREAPER) is not supported' <<<"$output"
	grep -q '^PASS     wait.exit-status$' <<<"$output"
}

@test "a probe that hangs is TIMEOUT, names its last step, and the suite goes on" {
	require_pidns
	# sigtimedwait() that only ever says EINTR: the probe spins forever.  The
	# time limit is short, but on a loaded machine the hanging probe may not
	# reach its step, or the next one may not finish, within it: then the
	# limit grows, and every assertion below holds for the run that is kept.
	for t in 0.5 2 8 30; do
		run in_ns '"$HELPERS/check_errno" rt_sigtimedwait EINTR "$ZDIAG" check --timeout '$t' -k wait.sigchld-exited -k wait.exit-status; echo "rc=$?"; ls /proc | grep -cE "^[0-9]+$"'
		echo "$output"
		grep -q 'it was still in: sigtimedwait' <<<"$output" && grep -q '^PASS     wait.exit-status$' <<<"$output" && break
	done
	grep -q '^TIMEOUT  wait.sigchld-exited$' <<<"$output"
	grep -q "^         expected  the probe finishes within $t s\$" <<<"$output"
	grep -q "^         observed  no verdict after $t s; it was still in: sigtimedwait() for SIGCHLD CLD_EXITED from [0-9]*\$" <<<"$output"
	grep -q '^PASS     wait.exit-status$' <<<"$output"
	grep -q '^rc=1$' <<<"$output"
	# sh, ls and grep: the spinning probe is gone
	[ "${lines[-1]}" -le 3 ]
}

@test "SIGTERM stops the suite, kills the probe under way, and nothing is left" {
	require_pidns
	run in_ns '
		"$HELPERS/check_errno" rt_sigtimedwait EINTR "$ZDIAG" check --timeout 60 -k wait.sigchld-exited &
		z=$!
		for i in $(seq 200); do pgrep -x zdcheck >/dev/null && break; sleep 0.05; done
		kill -TERM $z
		wait $z; echo "rc=$?"
		pgrep -x zdcheck || echo "no probe left"'
	echo "$output"
	grep -q '^rc=143$' <<<"$output"
	grep -q '^no probe left$' <<<"$output"
}

@test "usage errors exit 2 with one line" {
	run "$ZDIAG" check --tap --json
	[ "$status" -eq 2 ]
	[ "$output" = "zdiag check: --tap and --json cannot be combined (see 'zdiag check --help')" ]
	for t in 0 0.01 abc 3601 -1 ""; do
		run "$ZDIAG" check --timeout "$t"
		[ "$status" -eq 2 ]
		[ "$output" = "zdiag check: invalid --timeout '$t' (seconds, 0.1-3600) (see 'zdiag check --help')" ]
	done
	run "$ZDIAG" check extra
	[ "$status" -eq 2 ]
	[ "$output" = "zdiag check: unexpected argument 'extra' (see 'zdiag check --help')" ]
	run "$ZDIAG" check --bogus
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$ZDIAG" check -k
	[ "$status" -eq 2 ]
	run "$ZDIAG" check --list --tap
	[ "$status" -eq 2 ]
	run "$ZDIAG" check -k ''
	[ "$status" -eq 2 ]
}

@test "--timeout takes seconds with fractions" {
	require_pidns
	run in_ns '"$ZDIAG" check --timeout 1.5s -k wait.echild --json'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"timeout_ms": 1500'* ]]
}

@test "-q prints nothing; -v shows rules and observations of passing probes" {
	require_pidns
	run in_ns '"$ZDIAG" check -q -k wait'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run ERRNO access 0 "$ZDIAG" check -q -k procfs.reaped-access
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run in_ns '"$ZDIAG" check -v -k wait.wait4-rusage -k pidns.nspid'
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^         rule      wait4() fills struct rusage' <<<"$output"
	grep -q '^         note      ru_utime [0-9.]* s, ru_stime [0-9.]* s, ru_maxrss [0-9]* KiB$' <<<"$output"
	grep -q '^         note      NSpid: [0-9 ]* 1 ' <<<"$output"
}

@test "colour only when asked or on a terminal; never raw control bytes otherwise" {
	require_pidns
	in_ns '"$ZDIAG" check -k zombies' > "$BATS_TEST_TMPDIR/plain"
	no_control_bytes "$BATS_TEST_TMPDIR/plain"
	in_ns '"$ZDIAG" check -k zombies --color=always' > "$BATS_TEST_TMPDIR/color"
	grep -q $'\033\\[32mPASS' "$BATS_TEST_TMPDIR/color"
	NO_COLOR=1 in_ns '"$ZDIAG" check -k zombies.sigkill --color=auto' > "$BATS_TEST_TMPDIR/nocolor"
	no_control_bytes "$BATS_TEST_TMPDIR/nocolor"
}

@test "check --help, the man page and completion cover every option" {
	run "$ZDIAG" check --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: zdiag check [-k PATTERN]... [--tap | --json]"* ]]
	[ -f "$ROOT/build/zdiag.1" ]
	sect=$(sed -n '/^\.SS "zdiag check"/,/^\.SS /p' "$ROOT/build/zdiag.1")
	[ -n "$sect" ]
	for o in list match tap json timeout repeat strict verbose quiet color; do
		grep -q -- "--$o" <<<"$output"
		grep -q -- "\\\\-\\\\-$o" <<<"$sect" || { echo "man page lacks --$o"; false; }
	done
	if command -v groff >/dev/null; then
		run groff -man -ww -z "$ROOT/build/zdiag.1"
		[ -z "$output" ]
	fi
	run "$ZDIAG" __complete 2 zdiag check --t
	[ "$(tr '\n' ' ' <<<"$output")" = "--tap --timeout " ]
	run "$ZDIAG" __complete 3 zdiag check -k p
	[ "$(tr '\n' ' ' <<<"$output")" = "procfs ptrace pidns " ]
	run "$ZDIAG" __complete 1 zdiag ch
	[ "$output" = "check" ]
}

@test "--repeat runs each probe up to N times and stops at the first failure" {
	require_pidns
	run in_ns '"$ZDIAG" check --repeat 5 -k wait.echild -k zombies.sigkill --json'
	[ "$status" -eq 0 ]
	echo "$output" > "$BATS_TEST_TMPDIR/r.json"
	[ "$(jget "$BATS_TEST_TMPDIR/r.json" '[p["runs"] for p in d["probes"]]')" = "[5, 5]" ]
	[ "$(jget "$BATS_TEST_TMPDIR/r.json" 'd["repeat"]')" = 5 ]
	run ERRNO access 0 "$ZDIAG" check --repeat 5 -k procfs.reaped-access
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == *", up to 5 runs each" ]]
	grep -q '^         run       on run 1 of 5$' <<<"$output"
	for n in 0 -1 x 1000001; do
		run "$ZDIAG" check --repeat "$n"
		[ "$status" -eq 2 ]
		[ "$output" = "zdiag check: invalid --repeat '$n' (1-1000000) (see 'zdiag check --help')" ]
	done
}

@test "docs/check.md lists every probe with its rule and every JSON field" {
	doc="$ROOT/docs/check.md"
	while read -r name; do
		rule=$("$ZDIAG" check --list --json | python3 -c 'import json,sys; print(next(p["rule"] for p in json.load(sys.stdin)["probes"] if p["name"] == sys.argv[1]))' "$name")
		grep -qF "| \`$name\` | ${rule//|/\\|} |" "$doc" || { echo "docs/check.md: $name is missing or stale"; false; }
	done < <("$ZDIAG" check --list | cut -d' ' -f1)
	for f in version system timeout_ms repeat subreaper ok summary; do
		grep -q "^| \`$f\`" "$doc" || grep -q "^| \`[a-z_]*\`, \`$f\`" "$doc" || { echo "field $f"; false; }
	done
	for f in name area rule source status expected observed reason step notes runs duration_ms leftovers unreaped; do
		grep -q "probes\[\]\.[a-z_, \`]*$f" "$doc" || grep -q "\`$f\`" "$doc" || { echo "field $f"; false; }
	done
}

@test "a reader that goes away stops the suite cleanly (SIGPIPE), nothing left" {
	require_pidns
	run in_ns '"$ZDIAG" check | head -2; sleep 0.2; pgrep -x zdcheck || echo "no probe left"'
	echo "$output"
	grep -q '^PASS     procfs.running-visible$' <<<"$output"
	grep -q '^no probe left$' <<<"$output"
}
