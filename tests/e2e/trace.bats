#!/usr/bin/env bats
# zdiag trace: real tracees on the real kernel, each test in its own PID
# namespace (in_ns) so nothing it starts outlives it.

load '../lib/common'

bats_require_minimum_version 1.5.0

CALLS_SET=chdir,openat,pwrite64,close,read,lseek,dup,dup3,fcntl,pipe2,newfstatat,mkdirat,unlinkat,socket,connect,kill,rt_sigprocmask,umask,wait4,getcwd,nanosleep

# Shell functions for the scripts in_ns runs (sh, so no exported bash
# functions): prepend "$FUNCS" to a script that needs them.
#   not_stopped PID      every thread of PID runs or sleeps; nobody traces it
#   wait_file FILE PAT   wait (up to 10 s) until FILE has a line matching PAT
FUNCS='
not_stopped() {
	for s in /proc/$1/task/*/status; do
		st=$(sed -n "s/^State:\t\(.\).*/\1/p" "$s") || continue
		tr=$(sed -n "s/^TracerPid:\t//p" "$s")
		case "$st" in t|T) echo "$s is stopped ($st)" >&2; return 1 ;; esac
		[ "$tr" = 0 ] || { echo "$s traced by $tr" >&2; return 1; }
	done
}
wait_file() {
	for i in $(seq 200); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for $2 in $1" >&2
	return 1
}
# advances FILE: the counter in FILE goes up (within 10 s): the process runs.
advances() {
	a=$(cat "$1")
	for i in $(seq 200); do
		[ "$(cat "$1")" -gt "$a" ] && return 0
		sleep 0.05
	done
	echo "$1 stayed at $a" >&2
	return 1
}
'

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

@test "the lines of known calls are exactly what the program says it did" {
	require_pidns
	in_ns '"$ZDIAG" trace -e trace='$CALLS_SET' -e signal=none -o $T/trace "$HELPERS/trace_calls" $T > $T/expected'
	sed -n '/zdiag-trace-marker/,$p' "$T/trace" > "$T/got"
	[ -s "$T/expected" ]
	diff -u "$T/expected" "$T/got"
}

@test "the same lines without the seccomp filter" {
	require_pidns
	in_ns '"$ZDIAG" trace --no-seccomp -e trace='$CALLS_SET' -e signal=none -o $T/trace "$HELPERS/trace_calls" $T > $T/expected'
	sed -n '/zdiag-trace-marker/,$p' "$T/trace" > "$T/got"
	[ -s "$T/expected" ]
	diff -u "$T/expected" "$T/got"
}

@test "a full trace starts at execve and ends with the exit" {
	require_pidns
	in_ns '"$ZDIAG" trace -o $T/out true'
	head -1 "$T/out" | grep -q '^execve("/usr/bin/true", \["true"\], 0x[0-9a-f]* /\* [0-9]* vars \*/) = 0$'
	grep -q '^openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = [0-9]*$' "$T/out"
	grep -q '^exit_group(0) *= ?$' "$T/out"
	[ "$(tail -1 "$T/out")" = "+++ exited with 0 +++" ]
	# " = " is aligned at column 40, as strace does.
	grep -Eq '^close\([0-9]\) {32}= 0$' "$T/out"
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

@test "the exit status is the command's" {
	require_pidns
	in_ns '"$ZDIAG" trace -o $T/out "$HELPERS/trace_sig" exit 7; echo rc=$? > $T/rc'
	grep -qx rc=7 "$T/rc"
	[ "$(tail -1 "$T/out")" = "+++ exited with 7 +++" ]
}

@test "killed by a signal: the same line as strace, and zdiag dies of it" {
	require_pidns
	in_ns '"$ZDIAG" trace -o $T/out "$HELPERS/trace_sig" raise 15; echo rc=$? > $T/rc'
	grep -qx rc=143 "$T/rc"
	grep -q '^--- SIGTERM {si_signo=SIGTERM, si_code=SI_TKILL, si_pid=[0-9]*, si_uid=0} ---$' "$T/out"
	[ "$(tail -1 "$T/out")" = "+++ killed by SIGTERM +++" ]
}

@test "a segmentation fault shows its siginfo" {
	require_pidns
	in_ns 'ulimit -c 0; "$ZDIAG" trace -o $T/out "$HELPERS/trace_sig" segv; echo rc=$? > $T/rc'
	grep -qx rc=139 "$T/rc"
	grep -q '^--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---$' "$T/out"
	[ "$(tail -1 "$T/out")" = "+++ killed by SIGSEGV +++" ]
}

@test "signals reach the tracee unchanged; -e signal= filters the lines" {
	require_pidns
	in_ns '"$ZDIAG" trace -o $T/out "$HELPERS/trace_sig" handle; echo rc=$? > $T/rc
	       "$ZDIAG" trace -e signal=none -o $T/none "$HELPERS/trace_sig" handle'
	grep -qx rc=0 "$T/rc"
	grep -q '^--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=[0-9]*, si_uid=0} ---$' "$T/out"
	grep -q '^rt_sigreturn({mask=\[\]}) ' "$T/out"
	! grep -q -- '--- SIG' "$T/none"
	grep -q '^rt_sigreturn(' "$T/none"
}

@test "a group-stop stays a stop under the tracer (kill -STOP)" {
	require_pidns
	in_ns '"$ZDIAG" trace -f -o $T/out "$HELPERS/trace_sig" stop; echo rc=$? > $T/rc'
	# The helper's child saw its parent in state T before continuing it.
	grep -qx rc=0 "$T/rc"
	grep -q -- '--- stopped by SIGSTOP ---' "$T/out"
	grep -q -- '--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER' "$T/out"
}

# ---------------------------------------------------------------- -f

@test "-f follows fork, vfork, clone and threads" {
	require_pidns
	in_ns '"$ZDIAG" trace -f -e trace=chdir,exit,exit_group -o $T/out "$HELPERS/trace_tree" > $T/ids'
	eval "$(cat "$T/ids")"
	grep -q "^$fork  *chdir(\"/zdiag-tree-fork\") *= -1 ENOENT" "$T/out"
	grep -q "^$vfork  *chdir(\"/zdiag-tree-vfork\") *= -1 ENOENT" "$T/out"
	grep -q "^$clone  *chdir(\"/zdiag-tree-clone\") *= -1 ENOENT" "$T/out"
	grep -q "^$thread  *chdir(\"/zdiag-tree-thread\") *= -1 ENOENT" "$T/out"
	grep -q "^$fork  *+++ exited with 1 +++" "$T/out"
	grep -q "^$vfork  *+++ exited with 2 +++" "$T/out"
	grep -q "^$clone  *+++ exited with 3 +++" "$T/out"
	grep -q "^$thread  *+++ exited with 0 +++" "$T/out"
	grep -q "^$parent  *+++ exited with 0 +++" "$T/out"
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

@test "compared with strace: the same calls, in the same order, with the same results" {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
	T=$BATS_TEST_TMPDIR
	cat > "$T/cmp.py" <<'EOF'
import re, sys, difflib
# Return values that differ from run to run by nature: pids and addresses.
PIDRET = {'clone', 'clone3', 'fork', 'vfork', 'wait4', 'waitid', 'getpid', 'gettid', 'getppid',
          'set_tid_address', 'getpgrp', 'getpgid', 'getsid', 'setsid', 'rt_sigreturn'}
def parse(path):
    procs, order, prog = {}, [], {}
    for raw in open(path, errors='replace'):
        m = re.match(r'^(\d+)\s+(.*)$', raw.rstrip('\n'))
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if pid not in procs:
            procs[pid] = []
            order.append(pid)
        # Processes that run at the same time (ls and wc in a pipeline) start
        # in either order: match them by the program they exec.
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
        # the tracer's doing.
        if name == 'rt_sigreturn' or re.match(r'^(\? ERESTART|-1 EINTR)', ret):
            continue
        if ret.startswith('0x'):
            ret = 'ADDR'
        elif name in PIDRET and re.match(r'^\d+$', ret):
            ret = 'PID'
        procs[pid].append('%s = %s' % (name, ret))
    # stable: processes running the same program keep their order
    order.sort(key=lambda p: prog.get(p, ''))
    return [procs[p] for p in order]
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
print('%d calls compared' % n)
sys.exit(0 if ok and n > 10 else 1)
EOF
	in_ns 'cd /; for w in 1 2 3; do
	         case $w in
	         1) set -- ls / ;;
	         2) set -- sh -c "ls / | wc -l" ;;
	         3) set -- "$HELPERS/trace_tree" ;;
	         esac
	         strace -f -o $T/s$w "$@" > /dev/null
	         "$ZDIAG" trace -f -o $T/z$w "$@" > /dev/null
	       done'
	for w in 1 2 3; do
		run python3 "$T/cmp.py" "$T/s$w" "$T/z$w"
		echo "workload $w: $output"
		[ "$status" = 0 ]
	done
}

# ---------------------------------------------------------------- -p

@test "-p attaches to every thread; SIGINT detaches and the target keeps running" {
	require_pidns
	in_ns "$FUNCS"'"$HELPERS/trace_loop" $T/count 2 & P=$!
	       wait_file $T/count 1 || exit 1
	       "$ZDIAG" trace -p $P -o $T/out 2> $T/err & Z=$!
	       wait_file $T/out pwrite64 || exit 2
	       wait_file $T/out getppid || exit 3
	       kill -INT $Z; wait $Z; echo rc=$? > $T/rc
	       not_stopped $P || exit 4
	       advances $T/count || exit 5
	       kill $P'
	grep -qx rc=130 "$T/rc"
	grep -q "^zdiag: process [0-9]* attached$" "$T/err"
	grep -q "^zdiag: process [0-9]* detached$" "$T/err"
	# The main thread and both threads were traced (-p takes every thread).
	[ "$(grep -o '^\[pid *[0-9]*\]' "$T/out" | sort -u | wc -l)" -ge 2 ]
}

@test "-p on a stopped process leaves it stopped" {
	require_pidns
	in_ns "$FUNCS"'"$HELPERS/trace_loop" $T/count & P=$!
	       wait_file $T/count 1 || exit 1
	       kill -STOP $P
	       for i in $(seq 100); do grep -q "^State:.T" /proc/$P/status && break; sleep 0.02; done
	       "$ZDIAG" trace -p $P -o $T/out 2> $T/err & Z=$!
	       wait_file $T/err attached || exit 2
	       kill -INT $Z; wait $Z
	       grep "^State:" /proc/$P/status > $T/state
	       grep "^TracerPid:" /proc/$P/status > $T/tracer
	       kill -CONT $P
	       advances $T/count || exit 5
	       kill $P'
	grep -q 'T (stopped)' "$T/state"
	grep -q 'TracerPid:.0' "$T/tracer"
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

@test "Ctrl-C passes SIGINT to the command; zdiag dies of the same signal" {
	require_pidns
	in_ns "$FUNCS"'"$ZDIAG" trace -o $T/out "$HELPERS/trace_loop" $T/count & Z=$!
	       wait_file $T/count 1 || exit 1
	       kill -INT $Z; wait $Z; echo rc=$? > $T/rc'
	grep -qx rc=130 "$T/rc"
	[ "$(tail -1 "$T/out")" = "+++ killed by SIGINT +++" ]
}

@test "a launched command dies with zdiag" {
	require_pidns
	in_ns "$FUNCS"'"$ZDIAG" trace -o /dev/null "$HELPERS/trace_loop" $T/count & Z=$!
	       wait_file $T/count 1 || exit 1
	       P=$(pgrep -P $Z trace_loop)
	       kill -KILL $Z; wait $Z
	       for i in $(seq 100); do [ -d /proc/$P ] && [ "$(cut -d" " -f3 /proc/$P/stat)" != Z ] || break; sleep 0.05; done
	       if [ -d /proc/$P ] && [ "$(cut -d" " -f3 /proc/$P/stat)" != Z ]; then echo alive > $T/state; else echo gone > $T/state; fi'
	grep -qx gone "$T/state"
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

@test "a thread's exec supersedes the leader, as strace says" {
	require_pidns
	in_ns '"$ZDIAG" trace -f -e trace=execve,pause -o $T/out "$HELPERS/trace_sig" thread-exec > $T/ids; echo rc=$? > $T/rc'
	eval "$(cat "$T/ids")"
	grep -qx rc=0 "$T/rc"
	grep -q "^$leader  *pause( <unfinished ...>" "$T/out"
	grep -q "^$thread  *execve(\"/bin/true\", \[\"true\"\]" "$T/out"
	grep -q "^$leader  *<... pause resumed>) *= ?$" "$T/out"
	grep -q "^$leader  *+++ superseded by execve in pid $thread +++" "$T/out"
	grep -q "^$leader  *<... execve resumed>) *= 0" "$T/out"
	[ "$(tail -1 "$T/out")" = "$leader  +++ exited with 0 +++" ] || [ "$(tail -1 "$T/out" | tr -s ' ')" = "$leader +++ exited with 0 +++" ]
}
