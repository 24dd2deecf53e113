#!/usr/bin/env bats
# zdiag trace: real tracees on the real kernel, each test in its own PID
# namespace (in_ns) so nothing it starts outlives it.

load '../lib/common'

bats_require_minimum_version 1.5.0

CALLS_SET=chdir,openat,pwrite64,close,read,lseek,dup,dup3,fcntl,pipe2,newfstatat,mkdirat,unlinkat,socket,connect,kill,rt_sigprocmask,umask,wait4,getcwd,nanosleep

# The ptrace flows the tests marked "(both flows)" run in, one after the
# other: PTRACE_SEIZE (the default) and the classic ones (PTRACE_TRACEME,
# PTRACE_ATTACH, PTRACE_GETREGS, PTRACE_PEEKDATA: --ptrace=classic).
MODES="seize classic"

# Shell functions for the scripts in_ns runs (sh, so no exported bash
# functions): prepend "$FUNCS" to a script that needs them (tests/lib/tracee.sh:
# not_stopped, none_stopped, wait_file, advances).
FUNCS="
$(cat "$ROOT/tests/lib/tracee.sh")
"

# ---------------------------------------------------------------- usage

@test "usage errors are one line and exit 2" {
	run zdiag trace
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: no command to run and no -p PID to attach to (see 'zdiag trace --help')" ]
	run zdiag trace -e trace=opne true
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: invalid -e trace=opne: unknown syscall 'opne' (see 'zdiag trace --help')" ]
	run zdiag trace -e 'trace=%bogus' true
	[ "$status" = 2 ]
	[[ "$output" == *"unknown syscall class '%bogus'"* ]]
	run zdiag trace -e frob=1 true
	[ "$status" = 2 ]
	[[ "$output" == *"unknown -e qualifier 'frob'"* ]]
	run zdiag trace -e signal=SIGNOPE true
	[ "$status" = 2 ]
	run zdiag trace -s -1 true
	[ "$status" = 2 ]
	run zdiag trace -p abc
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: invalid pid 'abc' (see 'zdiag trace --help')" ]
	run zdiag trace --per-process true
	[ "$status" = 2 ]
	run zdiag trace --bogus true
	[ "$status" = 2 ]
	[ "${#lines[@]}" = 1 ]
}

@test "a command that does not exist: 127, one line, nothing run" {
	run -127 zdiag trace zdiag-no-such-command
	[ "$output" = "zdiag: cannot run 'zdiag-no-such-command': No such file or directory" ]
	run -127 zdiag trace /zdiag/no/such/file
}

@test "a file that cannot be executed: 126" {
	printf 'data\n' > "$BATS_TEST_TMPDIR/plain"
	chmod 644 "$BATS_TEST_TMPDIR/plain"
	run -126 zdiag trace "$BATS_TEST_TMPDIR/plain"
	[ "$output" = "zdiag: cannot run '$BATS_TEST_TMPDIR/plain': Permission denied" ]
	run -126 zdiag trace "$BATS_TEST_TMPDIR"
}

@test "options end at the first non-option argument" {
	require_pidns
	in_ns '"$ZDIAG" trace -o $T/out -e trace=execve sh -c "exit 3"; echo rc=$? > $T/rc'
	grep -qx rc=3 "$T/rc"
	grep -q 'execve("/usr/bin/sh", \["sh", "-c", "exit 3"\]' "$T/out"
}

# ---------------------------------------------------------------- lines

# calls_match NAME [ZDIAG OPTION...]: run trace_calls under zdiag with
# the options (and $WRAP before zdiag: a simulated kernel), then diff what
# it printed with the trace.  The trace in $T/NAME.trace, zdiag's stderr
# in $T/NAME.err.
calls_match() {
	local name=$1
	shift
	WRAP="${WRAP:-}" OPTS="$*" NAME=$name in_ns '$WRAP "$ZDIAG" trace $OPTS -e trace='$CALLS_SET' -e signal=none -o $T/$NAME.trace "$HELPERS/trace_calls" $T > $T/$NAME.expected 2> $T/$NAME.err'
	sed -n '/zdiag-trace-marker/,$p' "$T/$name.trace" > "$T/$name.got"
	[ -s "$T/$name.expected" ] || { echo "$name: no expected lines"; cat "$T/$name.err"; return 1; }
	diff -u "$T/$name.expected" "$T/$name.got" || { echo "($name)"; return 1; }
}

@test "the lines of known calls are exactly what the program says it did (both flows)" {
	require_pidns
	for m in $MODES; do
		calls_match $m --ptrace=$m
	done
}

@test "the same lines without the seccomp filter (both flows)" {
	require_pidns
	for m in $MODES; do
		calls_match $m --ptrace=$m --no-seccomp
	done
}

@test "a full trace starts at execve and ends with the exit (both flows)" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do "$ZDIAG" trace --ptrace=$m -o $T/out.$m true; done'
	for m in $MODES; do
		echo "($m)"
		head -1 "$T/out.$m" | grep -q '^execve("/usr/bin/true", \["true"\], 0x[0-9a-f]* /\* [0-9]* vars \*/) = 0$'
		grep -q '^openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = [0-9]*$' "$T/out.$m"
		grep -q '^exit_group(0) *= ?$' "$T/out.$m"
		[ "$(tail -1 "$T/out.$m")" = "+++ exited with 0 +++" ]
		# " = " is aligned at column 40, as strace does.
		grep -Eq '^close\([0-9]\) {32}= 0$' "$T/out.$m"
	done
}

@test "-e trace= takes classes, negation and names" {
	require_pidns
	in_ns '"$ZDIAG" trace -e trace=%file -o $T/file "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace -e '\''trace=!%desc,%memory'\'' -o $T/neg "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace --trace=umask,dup3 -o $T/names "$HELPERS/trace_calls" $T > /dev/null'
	grep -q '^openat(' "$T/file"
	grep -q '^unlinkat(' "$T/file"
	! grep -q '^read(' "$T/file"
	! grep -q '^close(' "$T/file"
	grep -q '^umask(' "$T/neg"
	! grep -q '^close(' "$T/neg"
	! grep -q '^mmap(' "$T/neg"
	[ "$(grep -c '(' "$T/names")" = 2 ]
	grep -q '^umask(027) *= 0[0-7]*$' "$T/names"
}

@test "-z shows only successful calls, -Z only failed ones" {
	require_pidns
	in_ns '"$ZDIAG" trace -z -e trace='$CALLS_SET' -o $T/ok "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace -Z -e trace='$CALLS_SET' -o $T/fail "$HELPERS/trace_calls" $T > /dev/null'
	! grep -q '= -1 ' "$T/ok"
	grep -q '^dup3(' "$T/ok"
	grep -q '^chdir("/zdiag-trace-marker") *= -1 ENOENT' "$T/fail"
	grep -q '^close(99) *= -1 EBADF' "$T/fail"
	! grep '^[a-z]' "$T/fail" | grep -v '= -1 '
}

@test "-T, -t, -tt and -ttt" {
	require_pidns
	in_ns '"$ZDIAG" trace -T -e trace=umask -o $T/T "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace -t -e trace=umask -o $T/t "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace -tt -e trace=umask -o $T/tt "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace -ttt -e trace=umask -o $T/ttt "$HELPERS/trace_calls" $T > /dev/null'
	grep -Eq '^umask\(027\) += 0[0-7]+ <[0-9]+\.[0-9]{6}>$' "$T/T"
	grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2} umask\(027\)' "$T/t"
	grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} umask\(027\)' "$T/tt"
	grep -Eq '^[0-9]{10}\.[0-9]{6} umask\(027\)' "$T/ttt"
	grep -Eq '^[0-9]{10}\.[0-9]{6} \+\+\+ exited with 0 \+\+\+$' "$T/ttt"
}

@test "-r: the time since the previous line; with -tt after the time of day" {
	require_pidns
	in_ns '"$ZDIAG" trace -r -e trace=clock_nanosleep,exit_group -o $T/r sleep 0.3
	       "$ZDIAG" trace -r -tt -e trace=clock_nanosleep,exit_group -o $T/rtt sleep 0.3'
	cat "$T/r"
	# First line 0; every line has the stamp; exit_group comes >= 0.3 s after
	# the entry of the sleep (a call's line counts from its entry).
	grep -Eq '^     0\.000000 clock_nanosleep\(' "$T/r"
	[ "$(grep -Evc '^ *[0-9]+\.[0-9]{6} ' "$T/r")" = 0 ]
	awk '/exit_group/ { exit !($1 >= 0.29 && $1 < 5) }' "$T/r"
	grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} \(\+ +0\.[0-9]{6}\) clock_nanosleep\(' "$T/rtt"
	grep -Eq '^[0-9:.]+ \(\+ +0\.(29|[3-9])[0-9]+\) exit_group\(0\)' "$T/rtt"
}

@test "-y shows the path of every fd" {
	require_pidns
	in_ns '"$ZDIAG" trace -y -e trace=read,close -o $T/out cat /etc/hostname > /dev/null'
	grep -q '^read([0-9]*</etc/hostname>, "' "$T/out"
	grep -q '^close([0-9]*</etc/hostname>) *= 0$' "$T/out"
}

@test "-s limits strings; -s 0 shows them whole" {
	require_pidns
	in_ns '"$ZDIAG" trace -s 4 -e trace=execve -o $T/s4 sh -c ": abcdefgh"
	       "$ZDIAG" trace -s 0 -e trace=execve -o $T/s0 sh -c ": abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"'
	grep -q '\["sh", "-c", ": ab"\.\.\.\]' "$T/s4"
	grep -q '": abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"\]' "$T/s0"
}

@test "bytes from the tracee are escaped: no raw control byte" {
	require_pidns
	in_ns '"$ZDIAG" trace -e trace=write -o $T/out "$HELPERS/trace_sig" escape 2> /dev/null'
	grep -qF 'write(2, "\33[31mred\33[0m\r\7\233" "2J"' "$T/out" || grep -qF 'write(2, "\33[31mred\33[0m\r\7\2332J"' "$T/out"
	no_control_bytes "$T/out"
}

# ---------------------------------------------------------------- signals, exits

@test "the exit status is the command's (both flows)" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do "$ZDIAG" trace --ptrace=$m -o $T/out.$m "$HELPERS/trace_sig" exit 7; echo rc=$? > $T/rc.$m; done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=7 "$T/rc.$m"
		[ "$(tail -1 "$T/out.$m")" = "+++ exited with 7 +++" ]
	done
}

@test "killed by a signal: the same line as strace, and zdiag dies of it (both flows)" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do "$ZDIAG" trace --ptrace=$m -o $T/out.$m "$HELPERS/trace_sig" raise 15; echo rc=$? > $T/rc.$m; done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=143 "$T/rc.$m"
		grep -q '^--- SIGTERM {si_signo=SIGTERM, si_code=SI_TKILL, si_pid=[0-9]*, si_uid=0} ---$' "$T/out.$m"
		[ "$(tail -1 "$T/out.$m")" = "+++ killed by SIGTERM +++" ]
	done
}

@test "signal 29 is SIGIO, as strace and kill -l name it (glibc calls it POLL)" {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
	in_ns '"$ZDIAG" trace -e trace=kill -o $T/z "$HELPERS/trace_sig" raise 29; strace -e trace=kill -o $T/s "$HELPERS/trace_sig" raise 29; true'
	cat "$T/z" "$T/s"
	grep -q '^--- SIGIO {si_signo=SIGIO, si_code=SI_TKILL' "$T/z"
	[ "$(tail -1 "$T/z")" = "+++ killed by SIGIO +++" ]
	[ "$(tail -1 "$T/s")" = "$(tail -1 "$T/z")" ]
	[ "$(grep -c SIGPOLL "$T/z")" = 0 ]
}

@test "file modes with set-id and sticky bits: S_IFDIR|S_ISVTX|0777 and S_IFREG|S_ISUID|0755, as strace prints them" {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
	T=$BATS_TEST_TMPDIR
	mkdir -m 1777 "$T/sticky"
	cp /bin/true "$T/suid" && chmod 4755 "$T/suid"
	in_ns '"$ZDIAG" trace -e trace=statx,newfstatat -o $T/z stat $T/sticky $T/suid > /dev/null; strace -e trace=statx,newfstatat -o $T/s stat $T/sticky $T/suid > /dev/null'
	grep -o "st[x]*_mode=[^,]*" "$T/z" > "$T/z.modes"
	grep -o "st[x]*_mode=[^,]*" "$T/s" > "$T/s.modes"
	cat "$T/z.modes"
	grep -q "_mode=S_IFDIR|S_ISVTX|0777" "$T/z.modes"
	grep -q "_mode=S_IFREG|S_ISUID|0755" "$T/z.modes"
	diff "$T/s.modes" "$T/z.modes"
}

@test "faccessat2's flags are its own: AT_EACCESS (bash's test -r), not AT_REMOVEDIR, as strace prints them" {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
	in_ns '"$ZDIAG" trace -e trace=faccessat2 -o $T/z bash -c "test -r /tmp"; strace -e trace=faccessat2 -o $T/s bash -c "test -r /tmp"'
	cat "$T/z"
	grep -qx 'faccessat2(AT_FDCWD, "/tmp", R_OK, AT_EACCESS) = 0' "$T/z"
	diff "$T/s" "$T/z"
}

@test "a segmentation fault shows its siginfo (both flows)" {
	require_pidns
	in_ns 'ulimit -c 0; for m in '"$MODES"'; do "$ZDIAG" trace --ptrace=$m -o $T/out.$m "$HELPERS/trace_sig" segv; echo rc=$? > $T/rc.$m; done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=139 "$T/rc.$m"
		grep -q '^--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---$' "$T/out.$m"
		[ "$(tail -1 "$T/out.$m")" = "+++ killed by SIGSEGV +++" ]
	done
}

@test "signals reach the tracee unchanged; -e signal= filters the lines (both flows)" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do
	         "$ZDIAG" trace --ptrace=$m -o $T/out.$m "$HELPERS/trace_sig" handle; echo rc=$? > $T/rc.$m
	         "$ZDIAG" trace --ptrace=$m -e signal=none -o $T/none.$m "$HELPERS/trace_sig" handle
	       done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=0 "$T/rc.$m"
		grep -q '^--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=[0-9]*, si_uid=0} ---$' "$T/out.$m"
		grep -q '^rt_sigreturn({mask=\[\]}) ' "$T/out.$m"
		! grep -q -- '--- SIG' "$T/none.$m"
		grep -q '^rt_sigreturn(' "$T/none.$m"
	done
}

@test "a group-stop stays a stop under the tracer (kill -STOP)" {
	require_pidns
	in_ns '"$ZDIAG" trace -f -o $T/out "$HELPERS/trace_sig" stop; echo rc=$? > $T/rc'
	# The helper's child saw its parent in state T before continuing it.
	grep -qx rc=0 "$T/rc"
	grep -q -- '--- stopped by SIGSTOP ---' "$T/out"
	grep -q -- '--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER' "$T/out"
}

@test "classic flows: kill -STOP is shown and told to the parent, but the tracee runs on (as strace without SEIZE)" {
	require_pidns
	in_ns '"$ZDIAG" trace --ptrace=classic -f -e trace=none -o $T/out "$HELPERS/trace_sig" stop-child > $T/seen; echo rc=$? > $T/rc'
	grep -qx rc=0 "$T/rc"
	# The parent's waitpid(WUNTRACED) reported the stop (and SIGCHLD
	# with CLD_STOPPED came); the child ran before any SIGCONT.
	[ "$(cat "$T/seen")" = "$(printf 'stopped 19\nran on\nexited 0')" ]
	grep -q -- '--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_TKILL, ' "$T/out"
	grep -q -- '--- stopped by SIGSTOP ---$' "$T/out"
	grep -q -- 'si_code=CLD_STOPPED, .*si_status=SIGSTOP' "$T/out"
}

# ---------------------------------------------------------------- -f

# tree_match OUT IDS: the -f trace OUT of trace_tree (which printed IDS)
# has each child's chdir and exit, and the parent's exit.
tree_match() {
	eval "$(cat "$2")"
	grep -q "^$fork  *chdir(\"/zdiag-tree-fork\") *= -1 ENOENT" "$1"
	grep -q "^$vfork  *chdir(\"/zdiag-tree-vfork\") *= -1 ENOENT" "$1"
	grep -q "^$clone  *chdir(\"/zdiag-tree-clone\") *= -1 ENOENT" "$1"
	grep -q "^$thread  *chdir(\"/zdiag-tree-thread\") *= -1 ENOENT" "$1"
	grep -q "^$fork  *+++ exited with 1 +++" "$1"
	grep -q "^$vfork  *+++ exited with 2 +++" "$1"
	grep -q "^$clone  *+++ exited with 3 +++" "$1"
	grep -q "^$thread  *+++ exited with 0 +++" "$1"
	grep -q "^$parent  *+++ exited with 0 +++" "$1"
	# No SIGSTOP of the tracer's reaches a line (or the program).
	! grep -q -- "--- SIGSTOP" "$1"
}

@test "-f follows fork, vfork, clone and threads (both flows, with and without the filter)" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do
	         "$ZDIAG" trace --ptrace=$m -f -e trace=chdir,exit,exit_group -o $T/out.$m "$HELPERS/trace_tree" > $T/ids.$m
	         "$ZDIAG" trace --ptrace=$m --no-seccomp -f -e trace=chdir,exit,exit_group -o $T/full.$m "$HELPERS/trace_tree" > $T/fids.$m
	       done'
	for m in $MODES; do
		echo "($m)"
		tree_match "$T/out.$m" "$T/ids.$m"
		tree_match "$T/full.$m" "$T/fids.$m"
	done
}

@test "without -f, children are not shown (and a filtered trace still works)" {
	require_pidns
	in_ns '"$ZDIAG" trace -e trace=chdir -o $T/out "$HELPERS/trace_tree" > $T/ids
	       "$ZDIAG" trace --no-seccomp -e trace=chdir -o $T/out2 "$HELPERS/trace_tree" > /dev/null'
	[ -s "$T/ids" ]
	! grep -q zdiag-tree "$T/out"
	! grep -q zdiag-tree "$T/out2"
	[ "$(tail -1 "$T/out")" = "+++ exited with 0 +++" ]
}

# write_cmp_py FILE: a script comparing two traces (strace's and zdiag's,
# "PID line" each, or one process without PIDs) process by process: the
# same calls in the same order with the same results; with --stacks also
# each call's -k stack as module:file offset pairs (symbol names are left
# out: strace 6.1 calls __libc_start_call_main __libc_init_first).
write_cmp_py() {
	cat > "$1" <<'EOF'
import re, sys, difflib
# Return values that differ from run to run by nature: pids and addresses.
PIDRET = {'clone', 'clone3', 'fork', 'vfork', 'wait4', 'waitid', 'getpid', 'gettid', 'getppid',
          'set_tid_address', 'getpgrp', 'getpgid', 'getsid', 'setsid', 'rt_sigreturn'}
STACKS = '--stacks' in sys.argv[3:]
def parse(path):
    procs, prog, last = {}, {}, None
    for raw in open(path, errors='replace'):
        raw = raw.rstrip('\n')
        if raw.startswith(' > '):
            if STACKS and last:
                m = re.match(r'^ > (.*)\(.*\) \[(0x[0-9a-f]+)\]$', raw)
                procs[last[0]][last[1]] += ' | ' + ('%s:%s' % m.groups() if m else raw)
            continue
        last = None
        m = re.match(r'^(?:(\d+)\s+)?(.*)$', raw)
        pid, rest = int(m.group(1) or 0), m.group(2)
        if pid not in procs:
            procs[pid] = []
        m = re.match(r'^execve\("([^"]*)"', rest)
        if m and pid not in prog:
            prog[pid] = m.group(1)
        if rest.startswith(('+++', '---')) or rest.endswith('<unfinished ...>'):
            continue
        m = re.match(r'^<\.\.\. (\S+) resumed>', rest)
        name = m.group(1) if m else rest.split('(', 1)[0]
        if not re.match(r'^[a-z0-9_]+$', name):
            continue
        ret = rest.rsplit(' = ', 1)[1] if ' = ' in rest else '?'
        ret = re.sub(r' \(.*\)$', '', ret)
        # When a signal (SIGCHLD) lands is up to the scheduler, in either
        # run: its handler's return and the calls it interrupted are not
        # the tracer's doing.  Nor is a futex call, made only when two
        # threads happen to contend (seen once in a thread's exit path).
        if name in ('rt_sigreturn', 'futex') or re.match(r'^(\? ERESTART|-1 EINTR)', ret):
            continue
        if ret.startswith('0x'):
            ret = 'ADDR'
        elif name in PIDRET and re.match(r'^\d+$', ret):
            ret = 'PID'
        procs[pid].append('%s = %s' % (name, ret))
        # (strace prints exit_group's stack after "+++ exited": not compared)
        if name not in ('exit', 'exit_group'):
            last = (pid, len(procs[pid]) - 1)
    # In creation order (pids grow in the test's namespace): which
    # sibling's first line comes first is up to the scheduler.
    # (Processes running at the same time, ls and wc in a pipeline, are
    # matched by the program they exec.)
    return [procs[p] for p in sorted(procs, key=lambda p: (prog.get(p, ''), p))]
a, b = parse(sys.argv[1]), parse(sys.argv[2])
ok = len(a) == len(b) and all(x == y for x, y in zip(a, b))
if len(a) != len(b):
    print('%d processes with strace, %d with zdiag' % (len(a), len(b)))
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        print('process #%d:' % i)
        for l in difflib.unified_diff(x, y, 'strace', 'zdiag', lineterm='', n=1):
            print('  ' + l)
n = sum(len(x) for x in a)
frames = sum(c.count(' | ') for x in a for c in x)
print('%d calls compared' % n + (', %d frames' % frames if STACKS else ''))
sys.exit(0 if ok and n > 10 and (not STACKS or frames > 3 * n) else 1)
EOF
}

@test "compared with strace: the same calls, in the same order, with the same results (both flows)" {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
	T=$BATS_TEST_TMPDIR
	write_cmp_py "$T/cmp.py"
	in_ns 'cd /; for w in 1 2 3; do
	         case $w in
	         1) set -- ls / ;;
	         2) set -- sh -c "ls / | wc -l" ;;
	         3) set -- "$HELPERS/trace_tree" ;;
	         esac
	         strace -f -o $T/s$w "$@" > /dev/null
	         for m in '"$MODES"'; do "$ZDIAG" trace --ptrace=$m -f -o $T/z$w.$m "$@" > /dev/null; done
	       done'
	for w in 1 2 3; do
		for m in $MODES; do
			run python3 "$T/cmp.py" "$T/s$w" "$T/z$w.$m"
			echo "workload $w, $m: $output"
			[ "$status" = 0 ]
		done
	done
}

@test "-ff -o FILE: one file per thread, FILE.TID, without pid prefixes; strace -ff writes the same calls" {
	require_pidns
	T=$BATS_TEST_TMPDIR
	write_cmp_py "$T/cmp.py"
	in_ns 'cd /; for m in '"$MODES"'; do
	         mkdir $T/ff.$m $T/ffn.$m
	         "$ZDIAG" trace --ptrace=$m -ff -e trace=chdir,exit,exit_group -o $T/ff.$m/t "$HELPERS/trace_tree" > $T/ids.$m
	         "$ZDIAG" trace --ptrace=$m --no-seccomp -ff -o $T/ffn.$m/t sh -c "ls / | wc -l" > /dev/null
	       done
	       if command -v strace > /dev/null; then
	         mkdir $T/sff; strace -ff -o $T/sff/t sh -c "ls / | wc -l" > /dev/null
	       fi'
	for m in $MODES; do
		echo "($m)"
		eval "$(cat "$T/ids.$m")"
		ls "$T/ff.$m"
		[ "$(ls "$T/ff.$m" | wc -l)" = 5 ]
		for who in fork vfork clone thread; do
			eval "id=\$$who"
			grep -qx "chdir(\"/zdiag-tree-$who\") *= -1 ENOENT (No such file or directory)" "$T/ff.$m/t.$id"
		done
		grep -qx '+++ exited with 1 +++' "$T/ff.$m/t.$fork"
		grep -qx '+++ exited with 2 +++' "$T/ff.$m/t.$vfork"
		grep -qx '+++ exited with 3 +++' "$T/ff.$m/t.$clone"
		grep -qx '+++ exited with 0 +++' "$T/ff.$m/t.$thread"
		[ "$(tail -1 "$T/ff.$m/t.$parent")" = "+++ exited with 0 +++" ]
		# No pid prefix, and a file holds only its own thread's calls.
		! grep -h '^\[pid\|^[0-9]' "$T"/ff.$m/*
		! grep -q zdiag-tree "$T/ff.$m/t.$parent"
		# Each file is whole lines of its own: nothing interrupted it.
		! grep -h 'resumed>' "$T"/ffn.$m/*
		[ "$(ls "$T/ffn.$m" | wc -l)" = 3 ]
		if [ -d "$T/sff" ]; then
			for d in sff ffn.$m; do
				for f in "$T"/$d/t.*; do sed "s/^/${f##*.} /" "$f"; done > "$T/$d.all"
			done
			run python3 "$T/cmp.py" "$T/sff.all" "$T/ffn.$m.all"
			echo "$output"
			[ "$status" = 0 ]
		fi
	done
}

@test "-ff: without -o it is -f; with -c it is refused; an unwritable folder is one error" {
	require_pidns
	in_ns '"$ZDIAG" trace -ff -e trace=chdir "$HELPERS/trace_tree" > /dev/null 2> $T/err; echo rc=$? >> $T/err
	       "$ZDIAG" trace -ff -c -o $T/x true 2> $T/c; echo rc=$? >> $T/c
	       "$ZDIAG" trace -ff -o /nonexistent/dir/t true 2> $T/dir; echo rc=$? >> $T/dir'
	grep -q '^\[pid  *[0-9]*\] chdir("/zdiag-tree-fork")' "$T/err"
	grep -qx rc=0 "$T/err"
	grep -q "^zdiag trace: -c/-C and -ff (--output-separately) cannot be used together" "$T/c"
	grep -qx rc=2 "$T/c"
	[ "$(cat "$T/dir")" = "$(printf "zdiag: cannot write '/nonexistent/dir/t.TID' files in '/nonexistent/dir': No such file or directory\nrc=2")" ]
	[ ! -e "$T/x" ]
}

@test "-k: each call's stack, innermost first, by the functions of the program" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do
	         echo | "$ZDIAG" trace --ptrace=$m -k -e trace=clock_nanosleep -o $T/k.$m "$HELPERS/attach_chain" loop 3 > /dev/null
	       done'
	for m in $MODES; do
		echo "($m)"
		sed -n 1,12p "$T/k.$m"
		# The first sleep (parked in inner) and a tick's: the chain in order.
		awk '/^clock_nanosleep/ { n++ } n == 1 && /^ > / { sub(/\+0x.*/, ""); sub(/.*\(/, ""); print }' "$T/k.$m" |
			grep -E '^(msleep|inner|middle|outer|main)$' | tr '\n' ' ' > "$T/chain.$m"
		[ "$(cat "$T/chain.$m")" = "msleep inner middle outer main " ]
		# every sleep is in inner (the loop's sleeps too)
		[ "$(awk '/^clock_nanosleep/ { n++ } /^ > .*\(inner\+/ { i++ } END { print n - i }' "$T/k.$m")" = 0 ]
		grep -q "^ > .*/libc\.so\.6(__libc_start_call_main+0x[0-9a-f]*) \[0x[0-9a-f]*\]$" "$T/k.$m"
		# a stack after every call line
		[ "$(grep -c '^clock_nanosleep' "$T/k.$m")" -ge 3 ]
		[ "$(awk '/^clock_nanosleep/ { c = $0; next } c && /^ > / { print c; c = "" }' "$T/k.$m" | wc -l)" = "$(grep -c '^clock_nanosleep' "$T/k.$m")" ]
	done
}

@test "-k: the same stacks (modules and file offsets) as strace -k, across fork and exec" {
	command -v strace > /dev/null || skip "strace not installed"
	strace -k -e trace=none true 2> /dev/null || skip "this strace has no -k"
	require_pidns
	T=$BATS_TEST_TMPDIR
	write_cmp_py "$T/cmp.py"
	in_ns 'cd /
	       strace -k -o $T/s1 ls / > /dev/null
	       strace -f -k -o $T/s2 sh -c "ls / | wc -l" > /dev/null
	       for m in '"$MODES"'; do
	         "$ZDIAG" trace --ptrace=$m -k -o $T/z1.$m ls / > /dev/null
	         "$ZDIAG" trace --ptrace=$m -f -k -o $T/z2.$m sh -c "ls / | wc -l" > /dev/null
	       done'
	for w in 1 2; do
		for m in $MODES; do
			run python3 "$T/cmp.py" "$T/s$w" "$T/z$w.$m" --stacks
			echo "workload $w, $m: $output"
			[ "$status" = 0 ]
		done
	done
}

@test "-k is refused with --json and -c; escapes what it prints" {
	run "$ZDIAG" trace -k --json true
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: -k prints stacks in the text trace: not with --json (see 'zdiag trace --help')" ]
	run "$ZDIAG" trace -k -c true
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: -k prints stacks in the text trace: not with -c (see 'zdiag trace --help')" ]
	require_pidns
	# a program whose path has a newline and an escape byte
	in_ns 'd=$(printf "$T/a\\nb\\033c"); mkdir -p "$d"; cp "$HELPERS/trace_calls" "$d/prog"
	       "$ZDIAG" trace -k -e trace=umask -o $T/out "$d/prog" $T > /dev/null'
	# (/proc/PID/maps writes the newline as \012; the backslash is escaped)
	grep -qF ' > '"$T"'/a\\012b\33c/prog(main+0x' "$T/out"
	! grep -q "$(printf '\033')" "$T/out"
}

# ---------------------------------------------------------------- -p

@test "-p attaches to every thread; SIGINT detaches and the target keeps running (both flows)" {
	require_pidns
	in_ns "$FUNCS"'for m in '"$MODES"'; do
	         "$HELPERS/trace_loop" $T/count.$m 2 & P=$!
	         wait_file $T/count.$m 1 || exit 1
	         "$ZDIAG" trace --ptrace=$m -p $P -o $T/out.$m 2> $T/err.$m & Z=$!
	         wait_file $T/out.$m pwrite64 || exit 2
	         wait_file $T/out.$m getppid || exit 3
	         kill -INT $Z; wait $Z; echo rc=$? > $T/rc.$m
	         not_stopped $P || exit 4
	         advances $T/count.$m || exit 5
	         kill $P
	       done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=130 "$T/rc.$m"
		grep -q "^zdiag: process [0-9]* attached$" "$T/err.$m"
		grep -q "^zdiag: process [0-9]* detached$" "$T/err.$m"
		# The main thread and both threads were traced (-p takes every
		# thread); in a file each line starts with its tid (strace).
		[ "$(grep -o '^[0-9]\+ ' "$T/out.$m" | sort -u | wc -l)" -ge 2 ]
		! grep -v '^[0-9]\+ ' "$T/out.$m"
		# The SIGSTOPs of PTRACE_ATTACH and of the detach never show.
		! grep -q -- "--- SIGSTOP" "$T/out.$m"
	done
}

@test "classic flows, -p: a kill -STOP while traced does not stop the target; it is stopped again at the detach" {
	require_pidns
	in_ns "$FUNCS"'"$HELPERS/trace_loop" $T/count & P=$!
	       wait_file $T/count 1 || exit 1
	       "$ZDIAG" trace --ptrace=classic -p $P -o $T/out 2> /dev/null & Z=$!
	       wait_file $T/out pwrite64 || exit 2
	       kill -STOP $P
	       wait_file $T/out "stopped by SIGSTOP" || exit 3
	       a=$(cat $T/count)
	       for i in $(seq 200); do [ "$(cat $T/count)" -gt $((a + 1)) ] && break; sleep 0.05; done
	       [ "$(cat $T/count)" -gt $((a + 1)) ] || exit 4
	       kill -INT $Z; wait $Z
	       for i in $(seq 100); do grep -q "^State:.T" /proc/$P/status && break; sleep 0.02; done
	       grep "^State:" /proc/$P/status > $T/state
	       grep "^TracerPid:" /proc/$P/status > $T/tracer
	       kill -CONT $P
	       not_stopped $P || exit 5
	       kill $P'
	grep -q -- '--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, ' "$T/out"
	grep -q 'T (stopped)' "$T/state"
	grep -q 'TracerPid:.0' "$T/tracer"
}

@test "-p on a stopped process leaves it stopped (both flows)" {
	require_pidns
	in_ns "$FUNCS"'for m in '"$MODES"'; do
	         "$HELPERS/trace_loop" $T/count.$m & P=$!
	         wait_file $T/count.$m 1 || exit 1
	         kill -STOP $P
	         for i in $(seq 100); do grep -q "^State:.T" /proc/$P/status && break; sleep 0.02; done
	         "$ZDIAG" trace --ptrace=$m -p $P -o $T/out.$m 2> $T/err.$m & Z=$!
	         wait_file $T/err.$m attached || exit 2
	         kill -INT $Z; wait $Z
	         # (detached, it must run to stop again: on a busy machine, later)
	         for i in $(seq 100); do grep -q "^State:.T" /proc/$P/status && break; sleep 0.02; done
	         grep "^State:" /proc/$P/status > $T/state.$m
	         grep "^TracerPid:" /proc/$P/status > $T/tracer.$m
	         kill -CONT $P
	         advances $T/count.$m || exit 5
	         kill $P
	       done'
	for m in $MODES; do
		echo "($m)"
		grep -q 'T (stopped)' "$T/state.$m"
		grep -q 'TracerPid:.0' "$T/tracer.$m"
	done
}

@test "-p: the target's parent sees no stop, before, during or after the trace (both flows)" {
	require_pidns
	in_ns "$FUNCS"'for m in '"$MODES"'; do
	         "$HELPERS/trace_watch" $T/log.$m "$HELPERS/trace_loop" $T/count.$m 2 > $T/ids.$m & W=$!
	         wait_file $T/ids.$m pid= || exit 1
	         P=$(sed -n "s/^pid=//p" $T/ids.$m)
	         wait_file $T/count.$m 1 || exit 2
	         "$ZDIAG" trace --ptrace=$m -p $P -o $T/out.$m 2> $T/err.$m & Z=$!
	         wait_file $T/out.$m pwrite64 || exit 3
	         wait_file $T/out.$m getppid || exit 4
	         kill -TERM $Z; wait $Z; echo rc=$? > $T/rc.$m
	         not_stopped $P || exit 5
	         advances $T/count.$m || exit 6
	         kill $P; wait $W
	       done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=143 "$T/rc.$m"
		grep -q "^zdiag: process [0-9]* detached$" "$T/err.$m"
		# SIGSTOP cannot be caught: its trace is the parent's view.  The
		# only state change the parent saw is the death we caused.
		cat "$T/log.$m"
		[ "$(cat "$T/log.$m")" = "$(printf 'sigchld CLD_KILLED\nkilled 15')" ]
		! grep -q -- "--- SIGSTOP" "$T/out.$m"
	done
}

@test "-p -f on a forking target: Ctrl-C detaches everything, nothing is left stopped or traced (both flows)" {
	require_pidns
	in_ns "$FUNCS"'for m in '"$MODES"'; do
	         sh -c "while :; do /bin/true; \"$HELPERS/trace_loop\" $T/c.$m 1 & sleep 0.02; kill \$!; done" & P=$!
	         "$ZDIAG" trace --ptrace=$m -f -p $P -o $T/out.$m 2> $T/err.$m & Z=$!
	         wait_file $T/out.$m "execve(\"/bin/true\"" || exit 1
	         wait_file $T/out.$m "execve(\"$HELPERS/trace_loop\"" || exit 2
	         kill -INT $Z; wait $Z; echo rc=$? > $T/rc.$m
	         none_stopped || exit 3
	         kill $P
	       done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=130 "$T/rc.$m"
		grep -q "^zdiag: process [0-9]* detached$" "$T/err.$m"
		! grep -q -- "--- SIGSTOP" "$T/out.$m"
	done
}

@test "-p refuses clearly: no such process, a zombie, zdiag itself" {
	require_pidns
	in_ns '"$ZDIAG" trace -p 99999 2> $T/missing; echo rc=$? >> $T/missing
	       eval "$("$HELPERS/stage" parent-not-waiting)"
	       "$ZDIAG" trace -p $zombie 2> $T/zombie; echo rc=$? >> $T/zombie; echo $zombie > $T/zpid
	       sh -c '\''exec "$ZDIAG" trace -p $$'\'' 2> $T/self; echo rc=$? >> $T/self'
	[ "$(head -1 "$T/missing")" = "zdiag: cannot attach to 99999: No such process" ]
	grep -qx rc=2 "$T/missing"
	z=$(cat "$T/zpid")
	grep -q "^zdiag: cannot attach to $z: it is a zombie .*see 'zdiag scan -p $z'" "$T/zombie"
	grep -qx rc=2 "$T/zombie"
	grep -q "^zdiag: cannot attach to [0-9]*: it is zdiag itself$" "$T/self"
	grep -qx rc=2 "$T/self"
}

@test "-p explains EPERM: another uid, or already traced" {
	require_pidns
	command -v setpriv > /dev/null || skip "setpriv not installed"
	in_ns "$FUNCS"'"$HELPERS/trace_loop" $T/count & P=$!
	       wait_file $T/count 1 || exit 1
	       setpriv --reuid=65534 --regid=65534 --clear-groups "$ZDIAG" trace -p $P 2> $T/uid; echo rc=$? >> $T/uid
	       "$ZDIAG" trace -p $P -o /dev/null 2> /dev/null & Z=$!
	       wait_file /proc/$P/status "TracerPid:.$Z" || exit 2
	       "$ZDIAG" trace -p $P 2> $T/traced; echo rc=$? >> $T/traced
	       kill -INT $Z; wait $Z
	       not_stopped $P || exit 3
	       kill $P'
	grep -q "^zdiag: cannot attach to [0-9]*: Operation not permitted: uid 65534 may not trace a process of uid 0 without CAP_SYS_PTRACE" "$T/uid"
	grep -qx rc=2 "$T/uid"
	grep -q "^zdiag: cannot attach to [0-9]*: Operation not permitted: already traced by [0-9]* (zdiag)" "$T/traced"
	grep -qx rc=2 "$T/traced"
}

# ---------------------------------------------------------------- launched command

@test "Ctrl-C passes SIGINT to the command; zdiag dies of the same signal (both flows)" {
	# the trace on stderr: with -o FILE CMD zdiag ignores it (-I 3, strace)
	require_pidns
	in_ns "$FUNCS"'for m in '"$MODES"'; do
	         "$ZDIAG" trace --ptrace=$m "$HELPERS/trace_loop" $T/count.$m 2> $T/out.$m & Z=$!
	         wait_file $T/count.$m 1 || exit 1
	         kill -INT $Z; wait $Z; echo rc=$? > $T/rc.$m
	       done'
	for m in $MODES; do
		echo "($m)"
		grep -qx rc=130 "$T/rc.$m"
		[ "$(tail -1 "$T/out.$m")" = "+++ killed by SIGINT +++" ]
	done
}

@test "a launched command dies with zdiag (both flows)" {
	require_pidns
	in_ns "$FUNCS"'for m in '"$MODES"'; do
	         "$ZDIAG" trace --ptrace=$m -o /dev/null "$HELPERS/trace_loop" $T/count.$m & Z=$!
	         wait_file $T/count.$m 1 || exit 1
	         P=$(pgrep -P $Z trace_loop)
	         kill -KILL $Z; wait $Z
	         for i in $(seq 100); do [ -d /proc/$P ] && [ "$(cut -d" " -f3 /proc/$P/stat)" != Z ] || break; sleep 0.05; done
	         if [ -d /proc/$P ] && [ "$(cut -d" " -f3 /proc/$P/stat)" != Z ]; then echo alive > $T/state.$m; else echo gone > $T/state.$m; fi
	       done'
	for m in $MODES; do
		grep -qx gone "$T/state.$m"
	done
}

@test "the seccomp filter is used when -e leaves calls out, and not otherwise" {
	require_pidns
	in_ns '"$ZDIAG" trace -e trace=openat -o /dev/null grep Seccomp: /proc/self/status > $T/filtered
	       "$ZDIAG" trace --no-seccomp -e trace=openat -o /dev/null grep Seccomp: /proc/self/status > $T/off
	       "$ZDIAG" trace -o /dev/null grep Seccomp: /proc/self/status > $T/full'
	grep -q 'Seccomp:.2' "$T/filtered"
	grep -q 'Seccomp:.0' "$T/off"
	grep -q 'Seccomp:.0' "$T/full"
}

@test "-o FILE that cannot be written is an error" {
	run zdiag trace -o /zdiag/no/such/dir/out true
	[ "$status" = 2 ]
	[ "$output" = "zdiag: cannot open '/zdiag/no/such/dir/out': No such file or directory" ]
}

@test "--color=always colours; NO_COLOR and files do not" {
	require_pidns
	in_ns '"$ZDIAG" trace --color=always -e trace=chdir -o $T/always "$HELPERS/trace_calls" $T > /dev/null
	       NO_COLOR=1 "$ZDIAG" trace -e trace=chdir -o $T/nocolor "$HELPERS/trace_calls" $T > /dev/null'
	grep -q $'\033\\[' "$T/always"
	! grep -q $'\033' "$T/nocolor"
}

# ---------------------------------------------------------------- -c, --json, --lifecycle

@test "-c counts calls, errors and time per syscall" {
	require_pidns
	in_ns '"$ZDIAG" trace -c -o $T/out "$HELPERS/trace_calls" $T > /dev/null
	       "$ZDIAG" trace -C -e trace=unlinkat -o $T/both "$HELPERS/trace_calls" $T > /dev/null'
	grep -q '^% time     seconds  usecs/call     calls    errors syscall$' "$T/out"
	grep -Eq '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +1 +1 chdir$' "$T/out"
	grep -Eq '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +1 +mkdirat$' "$T/out"
	grep -Eq '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +2 +unlinkat$' "$T/out"
	grep -Eq '^100.00 +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ total$' "$T/out"
	! grep -q '^unlinkat(' "$T/out"
	grep -q '^unlinkat(' "$T/both"
	grep -Eq ' 2 +unlinkat$' "$T/both"
}

@test "-c --per-process: a table per process" {
	require_pidns
	in_ns '"$ZDIAG" trace -f -c --per-process -e trace=chdir -o $T/out "$HELPERS/trace_tree" > $T/ids'
	eval "$(cat "$T/ids")"
	grep -q "^process $fork (trace_tree):" "$T/out"
	grep -q "^process $clone (trace_tree):" "$T/out"
	grep -q "^all processes:" "$T/out"
	grep -Eq ' 4 +4 chdir$' "$T/out"
}

@test "--json: one object per line for syscalls, signals, exits, forks and execs" {
	require_pidns
	in_ns '"$ZDIAG" trace -f --json -o $T/out "$HELPERS/trace_tree" > $T/ids
	       "$ZDIAG" trace --json -o $T/sig "$HELPERS/trace_sig" handle'
	python3 - "$T/out" "$T/sig" <<'EOF'
import json, sys
events = {}
for path in sys.argv[1:]:
    for n, line in enumerate(open(path), 1):
        o = json.loads(line)
        for k in ('event', 'time', 'pid', 'tid'):
            assert k in o, '%s:%d: no %s' % (path, n, k)
        events.setdefault(o['event'], []).append(o)
for e in ('syscall', 'signal', 'exit', 'fork', 'exec', 'reap'):
    assert e in events, 'no %s event' % e
chdir = [o for o in events['syscall'] if o['name'] == 'chdir']
assert len(chdir) == 4, chdir
for o in chdir:
    assert o['args'][0].startswith('"/zdiag-tree-'), o
    assert o['retval'] == -1 and o['errno'] == 2 and o['error'] == 'ENOENT', o
    assert o['raw_args'][0].startswith('0x'), o
    assert o['text'].startswith('chdir("/zdiag-tree-') and o['text'].endswith('ENOENT (No such file or directory)'), o
ok = [o for o in events['syscall'] if o['retval'] is not None and o['retval'] >= 0]
assert ok and all(o['errno'] is None for o in ok)
# A raw clone() with SIGCHLD is a fork to the kernel (PTRACE_EVENT_FORK).
assert {o['kind'] for o in events['fork']} >= {'fork', 'vfork', 'thread'}, events['fork']
assert any(o['signal'] == 'SIGUSR1' for o in events['signal'])
assert any(o['signal'] == 'SIGCHLD' for o in events['signal'])
assert any(o['exit_code'] == 3 for o in events['exit'])
print('ok')
EOF
}

@test "--lifecycle: a child reaped late and a child never reaped, with their parent" {
	require_pidns
	in_ns '"$ZDIAG" trace --lifecycle --late 200 -e trace=none -o $T/out "$HELPERS/trace_zombie" 600 > $T/ids
	       "$ZDIAG" trace --lifecycle --late 200 --json -e trace=none -o $T/json "$HELPERS/trace_zombie" 600 > $T/ids2'
	eval "$(cat "$T/ids")"
	grep -q "^process lifecycle:$" "$T/out"
	grep -q "^$parent trace_zombie (launched at " "$T/out"
	grep -Eq "^\|-- $late trace_zombie \(fork at .*exited 4 at .*reaped by $parent \(wait4\) after (0\.[5-9]|[1-9])[0-9.]*s as a zombie" "$T/out"
	grep -q "^\`-- $never trace_zombie (fork at .*exited 0 at .*never reaped" "$T/out"
	grep -q "^1 child reaped late (over 200 ms), 1 never reaped by its parent:" "$T/out"
	grep -Eq "^  $late \(trace_zombie\) exited at .*a zombie for (0\.[5-9]|[1-9])[0-9.]*s until its parent $parent \(trace_zombie\) reaped it with wait4" "$T/out"
	grep -q "^  $never (trace_zombie) exited at .*its parent $parent (trace_zombie) exited at .* without reaping it" "$T/out"
	eval "$(cat "$T/ids2")"
	python3 - "$T/json" "$late" "$never" "$parent" <<'EOF'
import json, sys
path, late, never, parent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lc = {}
summary = None
for line in open(path):
    o = json.loads(line)
    if o['event'] == 'lifecycle':
        lc[o['pid']] = o
    elif o['event'] == 'lifecycle_summary':
        summary = o
assert lc[late]['reap'] == 'wait4' and lc[late]['reaper'] == parent and lc[late]['late'], lc[late]
assert lc[late]['zombie_seconds'] >= 0.5, lc[late]
assert lc[never]['never_reaped'] and lc[never]['parent_exited_first'], lc[never]
assert lc[parent]['origin'] == 'launched' and lc[parent]['reap'] == 'zdiag', lc[parent]
assert lc[late]['ppid'] == parent and lc[late]['origin'] == 'fork'
assert summary == {'event': 'lifecycle_summary', 'processes': 3, 'late_ms': 200, 'late': 1, 'never_reaped': 1}, summary
print('ok')
EOF
}

@test "--lifecycle: an orphan left a zombie under a reaper does not blame its exited parent" {
	require_pidns
	in_ns '"$ZDIAG" trace --lifecycle -e trace=none -o $T/out "$HELPERS/trace_orphan" > $T/ids
	       "$ZDIAG" trace --lifecycle --json -e trace=none -o $T/json "$HELPERS/trace_orphan" > $T/ids2'
	eval "$(cat "$T/ids")"
	# the parent exited (and was reaped by the reaper) before the orphan died
	grep -q "^\`-- $parent trace_orphan (fork at .*reaped by $reaper (wait4)" "$T/out"
	# When the reaper exits, the orphan moves on to the namespace's init,
	# which may reap it before the trace ends: either way nobody blames
	# the parent, and an untraced reaper is not "released without a wait".
	if grep -q "still a zombie when the trace ended" "$T/out"; then
		grep -q "orphaned: its parent $parent (trace_orphan) exited at .*, before it" "$T/out"
		grep -q "1 orphan still a zombie under a reaper:" "$T/out"
	else
		grep -q "^    \`-- $orphan trace_orphan (fork at .*reaped by an untraced process" "$T/out"
	fi
	! grep -q "without reaping it" "$T/out"
	! grep -q "released without a wait" "$T/out"
	eval "$(cat "$T/ids2")"
	python3 - "$T/json" "$orphan" <<'EOF'
import json, sys
lc = {o['pid']: o for o in map(json.loads, open(sys.argv[1])) if o['event'] == 'lifecycle'}
o = lc[int(sys.argv[2])]
assert o['orphaned'] and not o['parent_exited_first'], o
assert (o['reap'], o['never_reaped']) in (('never', True), ('untraced', False)), o
print('ok')
EOF
}

@test "--json follows its schema (docs/trace.schema.json), event by event" {
	require_pidns
	in_ns "$FUNCS"'"$ZDIAG" trace -f --json --lifecycle -o $T/a "$HELPERS/trace_tree" > /dev/null
	       "$ZDIAG" trace --json -C -o $T/b "$HELPERS/trace_sig" handle
	       "$ZDIAG" trace --json -f -o $T/c "$HELPERS/trace_sig" stop
	       "$ZDIAG" trace --json -o $T/d "$HELPERS/trace_sig" raise 9
	       "$HELPERS/trace_loop" $T/count & P=$!
	       wait_file $T/count 1 || exit 1
	       "$ZDIAG" trace --json -p $P -o $T/e & Z=$!
	       wait_file $T/e "\"event\":\"attach\"" || exit 2
	       wait_file $T/e "\"event\":\"syscall\"" || exit 3
	       kill -INT $Z; wait $Z; kill $P'
	cat "$T/a" "$T/b" "$T/c" "$T/d" "$T/e" > "$T/all"
	python3 - "$ROOT" "$T/all" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1] + '/tests/lib')
import schema
root = json.load(open(sys.argv[1] + '/docs/trace.schema.json'))
seen = set()
for n, line in enumerate(open(sys.argv[2]), 1):
    o = json.loads(line)
    schema.check(root, o, root, '$')
    schema.check(root['$defs'][o['event']], o, root, 'line %d' % n)
    seen.add(o['event'])
want = set(root['properties']['event']['enum'])
assert seen == want, 'events never seen: %s' % sorted(want - seen)
print('ok: %s' % sorted(seen))
EOF
}

@test "--lifecycle: children reaped at once are not reported" {
	require_pidns
	in_ns '"$ZDIAG" trace --lifecycle -e trace=none -o $T/out "$HELPERS/trace_tree" > /dev/null'
	grep -q "^every child was reaped within 1000 ms$" "$T/out"
}

@test "a thread's exec supersedes the leader, as strace says (both flows)" {
	require_pidns
	in_ns 'for m in '"$MODES"'; do
	         "$ZDIAG" trace --ptrace=$m -f -e trace=execve,pause -o $T/out.$m "$HELPERS/trace_sig" thread-exec > $T/ids.$m; echo rc=$? > $T/rc.$m
	       done'
	for m in $MODES; do
		echo "($m)"
		out=$T/out.$m
		eval "$(cat "$T/ids.$m")"
		grep -qx rc=0 "$T/rc.$m"
		grep -q "^$leader  *pause( <unfinished ...>" "$out"
		grep -q "^$thread  *execve(\"/bin/true\", \[\"true\"\]" "$out"
		grep -q "^$leader  *<... pause resumed>) *= ?$" "$out"
		grep -q "^$leader  *+++ superseded by execve in pid $thread +++" "$out"
		grep -q "^$leader  *<... execve resumed>) *= 0" "$out"
		[ "$(tail -1 "$out")" = "$leader  +++ exited with 0 +++" ] || [ "$(tail -1 "$out" | tr -s ' ')" = "$leader +++ exited with 0 +++" ]
	done
}

# ---------------------------------------------------------------- older kernels (simulated)

# tests/helpers/trace_oldkernel runs zdiag under a seccomp filter that
# answers precise ptrace requests (and process_vm_readv) the way a kernel
# without them does; the rest is the real kernel.
NOTE_SEIZE='zdiag: warning: PTRACE_SEIZE is not available (EIO): using PTRACE_TRACEME and PTRACE_ATTACH (kill -STOP does not keep a tracee stopped)'
NOTE_INFO='zdiag: warning: PTRACE_GET_SYSCALL_INFO is not available (EIO): syscall state from PTRACE_GETREGS'
NOTE_VM='zdiag: warning: process_vm_readv is not available (ENOSYS): tracee memory is read with PTRACE_PEEKDATA'

# notes FILE LINE...: FILE holds exactly these lines (in any order).
notes() {
	local f=$1
	shift
	diff -u <(printf '%s\n' "$@" | sort) <(sort "$f")
}

@test "without PTRACE_SEIZE, GET_SYSCALL_INFO and process_vm_readv: the same lines, and one notice for each fallback" {
	require_pidns
	WRAP="$HELPERS/trace_oldkernel" calls_match old
	WRAP="$HELPERS/trace_oldkernel" calls_match old-noseccomp --no-seccomp
	WRAP="$HELPERS/trace_oldkernel -s" calls_match noseize
	WRAP="$HELPERS/trace_oldkernel -i" calls_match noinfo
	WRAP="$HELPERS/trace_oldkernel -m" calls_match novm
	notes "$T/old.err" "$NOTE_SEIZE" "$NOTE_INFO" "$NOTE_VM"
	notes "$T/old-noseccomp.err" "$NOTE_SEIZE" "$NOTE_INFO" "$NOTE_VM"
	notes "$T/noseize.err" "$NOTE_SEIZE"
	notes "$T/noinfo.err" "$NOTE_INFO"
	notes "$T/novm.err" "$NOTE_VM"
}

@test "without PTRACE_SEIZE: -f follows fork, vfork, clone and threads; exit statuses and signals pass" {
	require_pidns
	in_ns '"$HELPERS/trace_oldkernel" "$ZDIAG" trace -f -e trace=chdir,exit,exit_group -o $T/out "$HELPERS/trace_tree" > $T/ids 2> $T/err
	       "$HELPERS/trace_oldkernel" "$ZDIAG" trace -o $T/sig "$HELPERS/trace_sig" raise 15 2> /dev/null; echo rc=$? > $T/rc'
	tree_match "$T/out" "$T/ids"
	notes "$T/err" "$NOTE_SEIZE" "$NOTE_INFO" "$NOTE_VM"
	grep -qx rc=143 "$T/rc"
	[ "$(tail -1 "$T/sig")" = "+++ killed by SIGTERM +++" ]
}

@test "without PTRACE_SEIZE: -p attaches with PTRACE_ATTACH and detaches without PTRACE_INTERRUPT; the target runs on" {
	require_pidns
	in_ns "$FUNCS"'"$HELPERS/trace_watch" $T/log "$HELPERS/trace_loop" $T/count 2 > $T/ids & W=$!
	       wait_file $T/ids pid= || exit 1
	       P=$(sed -n "s/^pid=//p" $T/ids)
	       wait_file $T/count 1 || exit 2
	       "$HELPERS/trace_oldkernel" "$ZDIAG" trace -p $P -o $T/out 2> $T/err & Z=$!
	       wait_file $T/out pwrite64 || exit 3
	       wait_file $T/out getppid || exit 4
	       kill -HUP $Z; wait $Z; echo rc=$? > $T/rc
	       not_stopped $P || exit 5
	       advances $T/count || exit 6
	       kill $P; wait $W'
	grep -qx rc=129 "$T/rc"
	grep -q '^[0-9]* *pwrite64([0-9]*, "[0-9]*\\n", [0-9]*, 0) *= [0-9]*$' "$T/out"
	! grep -q -- "--- SIGSTOP" "$T/out"
	grep -v "^zdiag: process [0-9]* \(attached\|detached\)$" "$T/err" > "$T/notes"
	notes "$T/notes" "$NOTE_SEIZE" "$NOTE_INFO" "$NOTE_VM"
	[ "$(cat "$T/log")" = "$(printf 'sigchld CLD_KILLED\nkilled 15')" ]
}

@test "PTRACE_O_* options the kernel rejects are dropped, each with a notice; the trace stays right" {
	require_pidns
	# EXITKILL unknown: SEIZE with it fails (EIO), without it works;
	# the options are then set (and probed) at the first stop.
	WRAP="$HELPERS/trace_oldkernel -o exitkill" calls_match exitkill
	notes "$T/exitkill.err" 'zdiag: warning: the kernel rejects PTRACE_O_EXITKILL: the command survives if zdiag is killed'
	# No TRACESYSGOOD (syscall stops are plain SIGTRAPs), no exec event
	# (a non-seized tracee gets a SIGTRAP after execve instead).
	WRAP="$HELPERS/trace_oldkernel -s -o sysgood,exec,exit" calls_match old-opts
	WRAP="$HELPERS/trace_oldkernel -s -o sysgood,exec,exit" calls_match old-opts-noseccomp --no-seccomp
	WRAP="$HELPERS/trace_oldkernel -o sysgood,exec" calls_match seize-opts
	for n in old-opts old-opts-noseccomp; do
		notes "$T/$n.err" "$NOTE_SEIZE" \
			'zdiag: warning: the kernel rejects PTRACE_O_TRACESYSGOOD: every SIGTRAP stop is checked with PTRACE_GETSIGINFO' \
			"zdiag: warning: the kernel rejects PTRACE_O_TRACEEXEC: execs are seen at execve's return (a thread's exec is not recognized)" \
			'zdiag: warning: the kernel rejects PTRACE_O_TRACEEXIT (zdiag does not need it)'
	done
	# No seccomp stops: no filter, every syscall stops.
	WRAP="$HELPERS/trace_oldkernel -o seccomp" calls_match noseccomp
	notes "$T/noseccomp.err" 'zdiag: warning: the kernel rejects PTRACE_O_TRACESECCOMP: no seccomp filter; every syscall stops the tracee'
	# (the simulated kernel is one filter; zdiag's would be a second)
	in_ns '"$HELPERS/trace_oldkernel" -o seccomp "$ZDIAG" trace -e trace=openat -o /dev/null grep Seccomp_filters: /proc/self/status > $T/filters 2> /dev/null
	       "$HELPERS/trace_oldkernel" -o exit "$ZDIAG" trace -e trace=openat -o /dev/null grep Seccomp_filters: /proc/self/status >> $T/filters 2> /dev/null'
	[ "$(cat "$T/filters")" = "$(printf 'Seccomp_filters:\t1\nSeccomp_filters:\t2')" ]
	# Without the fork options, -f cannot follow: said once, the parent
	# is still traced; the launched command is what it was.
	in_ns '"$HELPERS/trace_oldkernel" -s -o fork "$ZDIAG" trace -f -e trace=chdir,exit_group -o $T/nofollow "$HELPERS/trace_tree" > /dev/null 2> $T/nofollow.err; echo rc=$? > $T/rc'
	grep -qx rc=0 "$T/rc"
	grep -qx 'zdiag: warning: the kernel rejects PTRACE_O_TRACEFORK/VFORK/CLONE: children and threads are not followed' "$T/nofollow.err"
	! grep -q chdir "$T/nofollow"
	grep -q '^[0-9]* *exit_group(0) *= ?$' "$T/nofollow"
}

@test "--ptrace=seize where the kernel has no PTRACE_SEIZE: one clear line, exit 2; -q keeps fallbacks quiet" {
	require_pidns
	in_ns '"$HELPERS/trace_oldkernel" "$ZDIAG" trace --ptrace=seize true 2> $T/launch; echo rc=$? >> $T/launch
	       "$HELPERS/trace_loop" $T/count & P=$!
	       "$HELPERS/trace_oldkernel" "$ZDIAG" trace --ptrace=seize -p $P 2> $T/attach; echo rc=$? >> $T/attach
	       grep "^State:" /proc/$P/status > $T/state
	       kill $P
	       "$HELPERS/trace_oldkernel" "$ZDIAG" trace -q -o $T/q.out true 2> $T/quiet'
	[ "$(cat "$T/launch")" = "$(printf '%s\nrc=2' "zdiag: cannot run 'true': PTRACE_SEIZE failed: Input/output error (try --ptrace=classic)")" ]
	grep -qx "zdiag: cannot attach to [0-9]*: PTRACE_SEIZE failed: Input/output error (try --ptrace=classic)" "$T/attach"
	grep -qx rc=2 "$T/attach"
	! grep -q "State:.[tT]" "$T/state"
	[ ! -s "$T/quiet" ]
	[ "$(tail -1 "$T/q.out")" = "+++ exited with 0 +++" ]
	run zdiag trace --ptrace=bogus true
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: invalid --ptrace 'bogus' (auto, seize, classic) (see 'zdiag trace --help')" ]
}
