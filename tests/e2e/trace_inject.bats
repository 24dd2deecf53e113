#!/usr/bin/env bats
# zdiag trace -e inject= / -e fault= (syscall tampering), compared with
# strace 6.1 on real programs: the lines, and what the program does.
# Every test runs its tracees in a private PID namespace (in_ns).

load '../lib/common'

bats_require_minimum_version 1.5.0

# Shell functions for the in_ns scripts (tests/lib/tracee.sh).
FUNCS="
$(cat "$ROOT/tests/lib/tracee.sh")
"

require_strace() {
	command -v strace > /dev/null || skip "strace not installed"
}

# both ARGS...: run "zdiag trace ARGS" and "strace ARGS" in the namespace,
# LC_ALL=C (no locale files opened), trace to $T/z and $T/s, the program's
# stdout+stderr to $T/z.out and $T/s.out, exit codes to $T/z.rc, $T/s.rc.
both() {
	local q=""
	local a
	for a in "$@"; do
		q="$q '${a//\'/\'\\\'\'}'"
	done
	in_ns 'export LC_ALL=C
	       cd $T
	       "$ZDIAG" trace -o $T/z '"$q"' > $T/z.out 2>&1; echo $? > $T/z.rc
	       strace -o $T/s '"$q"' > $T/s.out 2>&1; echo $? > $T/s.rc'
}

# same [SED]: zdiag's trace and strace's are the same lines (pids, and
# whatever SED rewrites, made equal), and so are the program's output and
# exit code.
same() {
	local norm='s/^[0-9]\+ \+/PID /; s/\[pid \+[0-9]\+\]/[pid N]/'"${1:+; $1}"
	echo "--- zdiag"; cat "$T/z"
	echo "--- strace"; cat "$T/s"
	diff -u <(sed "$norm" "$T/s") <(sed "$norm" "$T/z")
	diff -u "$T/s.out" "$T/z.out"
	diff -u "$T/s.rc" "$T/z.rc"
}

# ---------------------------------------------------------------- usage

@test "inject and fault usage errors are one line and exit 2" {
	run -2 zdiag trace -e inject=openat true
	[ "$output" = "zdiag trace: invalid -e inject=openat: one of error=, retval=, signal=, delay_enter=, delay_exit=, poke_enter=, poke_exit= is required (see 'zdiag trace --help')" ]
	run -2 zdiag trace -e inject=openat:error=ENOENT:retval=0 true
	[ "$output" = "zdiag trace: invalid -e inject=openat:error=ENOENT:retval=0: only one of error= and retval= may be given (see 'zdiag trace --help')" ]
	run -2 zdiag trace --inject=opne:error=ENOENT true
	[ "$output" = "zdiag trace: invalid -e inject=opne:error=ENOENT: unknown syscall 'opne' (see 'zdiag trace --help')" ]
	run -2 zdiag trace -e fault=openat:retval=1 true
	[ "$output" = "zdiag trace: invalid -e fault=openat:retval=1: unknown token 'retval=1' (error=, when=, syscall=) (see 'zdiag trace --help')" ]
	run -2 zdiag trace --fault=openat:when=0 true
	[ "$output" = "zdiag trace: invalid -e fault=openat:when=0: invalid when=0 (FIRST[..LAST][+[STEP]], 1..65535) (see 'zdiag trace --help')" ]
	run -2 zdiag trace -e inject=chdir:retval=0:syscall=chdir true
	[[ "$output" == *"invalid syscall=chdir (only a pure syscall: -e trace=%pure)"* ]]
	run -2 zdiag trace -e inject=write:poke_enter=@arg9=00 true
	[[ "$output" == *"invalid poke_enter=@arg9=00"* ]]
	run -2 zdiag trace -e inject=write:delay_enter=1h true
	[[ "$output" == *"invalid delay_enter=1h"* ]]
	# strace's warning for a retval that reads as an error
	require_pidns
	in_ns '"$ZDIAG" trace -o /dev/null -e inject=getpid:retval=-1 true 2> $T/err; echo $? > $T/rc'
	grep -qx 0 "$T/rc"
	[ "$(cat "$T/err")" = "zdiag: warning: Inadvertent injection of error 1 is possible for retval=18446744073709551615" ]
}

# ---------------------------------------------------------------- strace, line for line

@test "cat with its openat failing: the lines, cat's message and exit code are strace's" {
	require_strace
	require_pidns
	echo data > "$BATS_TEST_TMPDIR/file"
	# LC_ALL=C: ld.so.cache, libc, then the file: the third openat.
	both -e trace=openat -e inject=openat:error=ENOENT:when=3 cat file
	same
	grep -q '^openat(AT_FDCWD, "file", O_RDONLY) *= -1 ENOENT (No such file or directory) (INJECTED)$' "$T/z"
	grep -qx 'cat: file: No such file or directory' "$T/z.out"
	grep -qx 1 "$T/z.rc"
	[ "$(tail -1 "$T/z")" = "+++ exited with 1 +++" ]
	# the file is still there: the call never ran
	[ "$(cat "$BATS_TEST_TMPDIR/file")" = data ]
}

@test "-e fault= (ENOSYS by default), --fault and --inject with when=2..3: the same calls fail as with strace" {
	require_strace
	require_pidns
	both -e trace=chdir -e fault=chdir:when=2..3 sh -c 'cd /; cd /; cd /; cd /; echo done'
	same
	[ "$(grep -c '(INJECTED)$' "$T/z")" = 2 ]
	[ "$(sed -n 2p "$T/z")" = 'chdir("/")                              = -1 ENOSYS (Function not implemented) (INJECTED)' ]
	[ "$(sed -n 4p "$T/z")" = 'chdir("/")                              = 0' ]
	[ "$(grep -c "can't cd to /" "$T/z.out")" = 2 ]
	both --trace=chdir --fault=chdir:error=EACCES:when=2+2 sh -c 'for i in 1 2 3 4 5 6; do cd /; done; echo done'
	same
	[ "$(grep -c 'EACCES (Permission denied) (INJECTED)$' "$T/z")" = 3 ]
	both --trace=chdir,getpid --inject=chdir:error=EPERM:when=3 --inject=getpid:retval=42 sh -c 'cd /; cd /; cd /; cd /; echo $$'
	same
	grep -qx '42' "$T/z.out"
}

@test "retval=: the program sees the value, printed = 42 (INJECTED)" {
	require_strace
	require_pidns
	both -e trace=getpid -e inject=getpid:retval=42 sh -c 'echo $$'
	same
	[ "$(cat "$T/z")" = 'getpid()                                = 42 (INJECTED)
+++ exited with 0 +++' ]
	[ "$(cat "$T/z.out")" = 42 ]
	# a value that reads as -errno is still a success, with strace's warning
	both -e trace=getpid -e inject=getpid:retval=-5 sh -c 'echo $$'
	diff -u "$T/s" "$T/z"
	grep -qx 'getpid()                                = -5 (INJECTED)' "$T/z"
	grep -qx -- '-5' "$T/z.out"
	grep -qx 'zdiag: warning: Inadvertent injection of error 5 is possible for retval=18446744073709551611' "$T/z.out"
	# syscall=: getpid runs instead of chdir, then the result is the injected one
	both -e trace=chdir -e inject=chdir:retval=0:syscall=getpid sh -c 'cd /nonexistent && echo moved'
	same
	grep -qx moved "$T/z.out"
	grep -q '^chdir("/nonexistent") *= 0 (INJECTED)$' "$T/z"
}

@test "several rules: the last one naming a syscall wins; untraced syscalls are not tampered with (strace 6.1)" {
	require_strace
	require_pidns
	both -e trace=chdir -e inject=chdir,getpid:error=EPERM -e inject=chdir:retval=0 sh -c 'cd /nonexistent && echo moved; [ $$ -gt 0 ] && echo pid'
	same
	# getpid has a rule but is not traced: strace leaves it alone, and so do we
	[ "$(cat "$T/z.out")" = 'moved
pid' ]
	both -e trace=write -e inject=chdir:error=ENOENT sh -c 'cd /; echo $?'
	same
	grep -qx 0 "$T/z.out"
	# -e trace=none: nothing is tampered with
	both -e trace=none -e fault=chdir sh -c 'cd /; echo $?'
	same
	grep -qx 0 "$T/z.out"
}

@test "signal= interrupts the call as strace's does: sleep dies of SIGALRM at once" {
	require_strace
	require_pidns
	both -e trace=clock_nanosleep -e inject=clock_nanosleep:signal=SIGALRM sleep 100
	same 's/{tv_sec=[0-9]*, tv_nsec=[0-9]*})/{REM})/'
	grep -qx -- '--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---' "$T/z"
	grep -q '^clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=100, tv_nsec=0}, .*) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)$' "$T/z"
	[ "$(tail -1 "$T/z")" = "+++ killed by SIGALRM +++" ]
	grep -qx 142 "$T/z.rc"
	# handled: the program goes on; when=2 picks the second chdir only
	both -e trace=chdir -e inject=chdir:signal=USR1:when=2 sh -c 'trap "echo got USR1" USR1; cd /; cd /; cd /; echo done'
	same
	[ "$(cat "$T/z.out")" = 'got USR1
done' ]
	[ "$(grep -c -- '--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---' "$T/z")" = 1 ]
}

@test "poke_enter= and poke_exit= write the tracee's memory: (INJECTED: args) and (INJECTED: args, retval)" {
	require_strace
	require_pidns
	both -e trace=write -e inject=write:poke_enter=@arg2=4142 echo hi
	same
	grep -qx 'AB' "$T/z.out"
	grep -qx 'write(1, "AB\\n", 3)                     = 3 (INJECTED: args)' "$T/z"
	both -e trace=write -e inject=write:poke_exit=@arg2=4142:retval=1 echo hi
	same
	[ "$(head -3 "$T/z")" = 'write(1, "hi\n", 3)                     = 1 (INJECTED: args, retval)
write(1, "B\n", 2)                      = 1 (INJECTED: args, retval)
write(1, "B", 1)                        = 1 (INJECTED: args, retval)' ]
}

@test "-f: when= counts per process, as strace's does" {
	require_strace
	require_pidns
	both -f -e trace=chdir -e fault=chdir:error=EACCES:when=2 sh -c 'cd /; (cd /; cd /; cd /); cd /; cd /'
	# a child's exit line may come before or after the parent's SIGCHLD
	same '/+++ exited with 0 +++/d; /--- SIGCHLD/d'
	[ "$(grep -c '(INJECTED)$' "$T/z")" = 2 ]
	[ "$(grep -c "can't cd" "$T/z.out")" = 2 ]
}

# ---------------------------------------------------------------- delays

@test "delay_enter= and delay_exit=: (DELAYED), the call takes at least that long, the program finishes normally" {
	require_strace
	require_pidns
	both -T -e trace=write -e inject=write:delay_enter=200ms:delay_exit=100000 echo hi
	same 's/<[0-9.]*>$/<T>/'
	grep -qx 'hi' "$T/z.out"
	grep -qx 0 "$T/z.rc"
	grep -q '^write(1, "hi\\n", 3) *= 3 (DELAYED) <0\.[2-9][0-9]*>$' "$T/z"
	# JSON says the same
	in_ns '"$ZDIAG" trace --json -e trace=write,chdir -e inject=write:delay_exit=1ms -e inject=chdir:retval=0 -o $T/j sh -c "cd /x; echo hi" > /dev/null'
	python3 - "$T/j" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
calls = {e['name']: e for e in ev if e['event'] == 'syscall'}
assert calls['write']['tampered'] == ['delayed'], calls['write']
assert calls['write']['text'].endswith('= 3 (DELAYED)'), calls['write']['text']
assert calls['chdir']['tampered'] == ['retval'], calls['chdir']
assert calls['chdir']['retval'] == 0 and calls['chdir']['text'].endswith('= 0 (INJECTED)')
print('ok')
EOF
}

@test "a delayed tracee does not stall the others: its sibling runs and kills it long before the delay ends" {
	require_pidns
	# The child's sleep is held at entry for 100 s; the parent (traced
	# too) waits until the child is held, then kills it.  A tracer that
	# slept through the delay would never let the parent run: in_ns's
	# timeout ends the test as a failure.
	in_ns 'cd $T
	       timeout 60 "$ZDIAG" trace -f -e trace=clock_nanosleep,kill -e inject=clock_nanosleep:delay_enter=100s -o $T/z sh -c "
	         sleep 7 & p=\$!
	         until grep -q \"^230 \" /proc/\$p/syscall 2>/dev/null && grep -q \"^State:.*t (tracing stop)\" /proc/\$p/status; do :; done
	         echo held; kill -9 \$p; wait \$p; echo rc=\$?" > $T/out 2>&1
	       echo $? > $T/rc'
	cat "$T/z" "$T/out"
	grep -qx 0 "$T/rc"
	grep -qx held "$T/out"
	grep -qx rc=137 "$T/out"
	grep -q '^[0-9]\+ \+clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=7, tv_nsec=0},  <unfinished ...>$' "$T/z"
	grep -q '^[0-9]\+ \+<... clock_nanosleep resumed>) *= ?$' "$T/z"
	grep -q '^[0-9]\+ \+kill([0-9]*, SIGKILL) *= 0$' "$T/z"
	grep -q '^[0-9]\+ \++++ killed by SIGKILL +++$' "$T/z"
}

# ---------------------------------------------------------------- -p

@test "-p: each thread counts its own calls; after the detach the process runs on, untraced and unharmed" {
	require_pidns
	in_ns "$FUNCS"'"$HELPERS/trace_loop" $T/count 2 & P=$!
	       wait_file $T/count 1 || exit 1
	       "$ZDIAG" trace -f -p $P -e trace=getppid,pwrite64 -e inject=getppid:retval=42:when=1..2 -e inject=pwrite64:delay_enter=30s:when=3 -o $T/z & Z=$!
	       # wait until the main thread is held in its third pwrite64 and both
	       # threads have made 3 getppid calls
	       touch $T/z
	       for i in $(seq 400); do
	         [ "$(grep -c "= 42 (INJECTED)" $T/z)" -ge 4 ] && [ "$(grep -c "getppid.* = 1$" $T/z)" -ge 2 ] && break
	         sleep 0.05
	       done
	       wait_file $T/z "pwrite64(.*<unfinished ...>" || exit 3
	       kill -INT $Z; wait $Z; echo zrc=$? > $T/zrc
	       not_stopped $P || exit 4
	       advances $T/count || exit 5
	       kill $P; wait $P; echo prc=$? > $T/prc'
	cat "$T/z"
	grep -qx zrc=130 "$T/zrc" || grep -qx zrc=0 "$T/zrc"
	grep -qx prc=143 "$T/prc"
	# per thread: exactly calls 1 and 2 of each thread are injected
	python3 - "$T/z" <<'EOF'
import re, sys, collections
calls = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r'^(\d+) +(?:getppid\(\)|<\.\.\. getppid resumed>\)) += (\S+)( \(INJECTED\))?$', line)
    if m:
        calls[m.group(1)].append(bool(m.group(3)))
threads = [c for c in calls.values() if len(c) >= 3]
assert len(threads) >= 2, calls
for c in threads:
    assert c[:3] == [True, True, False], calls
print('ok', dict(calls))
EOF
}

@test "every errno, as error=N: the same return text as strace 6.1 (names, the kernel's internal ones, (errno N)), and in JSON" {
	require_strace
	require_pidns
	in_ns 'export LC_ALL=C
	       for e in $(seq 1 134) $(seq 510 535) 4095; do
	         strace -e trace=chdir -e inject=chdir:error=$e sh -c "cd /" 2>&1 | grep "^chdir" >> $T/s
	         "$ZDIAG" trace -e trace=chdir -e inject=chdir:error=$e sh -c "cd /" 2>&1 | grep "^chdir" >> $T/z
	       done
	       for e in 2 512 515 600; do
	         "$ZDIAG" trace --json -e trace=chdir -e inject=chdir:error=$e -o $T/j.$e sh -c "cd /" 2> /dev/null
	       done; true'
	diff -u "$T/s" "$T/z"
	[ "$(wc -l < "$T/z")" = 161 ]
	grep -qx 'chdir("/")                              = ? ERESTARTSYS (To be restarted if SA_RESTART is set) (INJECTED)' "$T/z"
	grep -qx 'chdir("/")                              = -1 (errno 4095) (INJECTED)' "$T/z"
	python3 - "$T" <<'EOF2'
import json, sys
want = {2: ('ENOENT', 'No such file or directory'), 512: ('ERESTARTSYS', 'To be restarted if SA_RESTART is set'),
        515: ('ENOIOCTLCMD', 'Unknown error 515'), 600: (None, None)}
for e, (name, text) in want.items():
    c = [json.loads(l) for l in open('%s/j.%d' % (sys.argv[1], e))]
    c = [o for o in c if o['event'] == 'syscall' and o['name'] == 'chdir'][0]
    assert (c['retval'], c['errno'], c['error'], c['strerror'], c['tampered']) == (-1, e, name, text, ['retval']), c
print('ok')
EOF2
}

@test "-p detached while a tampered call is held: the tracee still gets the injected result, not ENOSYS (both flows)" {
	require_pidns
	# python prints getppid()'s result, error or not (-38 would be ENOSYS).
	for m in seize classic; do
		in_ns "$FUNCS"'python3 -c "
import os, time
while True:
    print(os.getppid(), flush=True)
    time.sleep(0.02)
" > $T/pp.'$m' & P=$!
		       wait_file $T/pp.'$m' . || exit 1
		       "$ZDIAG" trace --ptrace='$m' -p $P -e trace=getppid -e inject=getppid:retval=42:delay_enter=60s:when=3 -o $T/z.'$m' & Z=$!
		       touch $T/z.'$m'
		       for i in $(seq 400); do [ "$(grep -c getppid $T/z.'$m')" -ge 3 ] && break; sleep 0.05; done
		       wait_file $T/z.'$m' "^getppid($" || exit 2
		       kill -INT $Z; wait $Z
		       not_stopped $P || exit 3
		       n=$(wc -l < $T/pp.'$m')
		       for i in $(seq 200); do [ "$(wc -l < $T/pp.'$m')" -gt $((n + 2)) ] && break; sleep 0.05; done
		       kill $P; wait $P; true'
		echo "($m)"
		cat "$T/z.$m"
		grep -qx 42 "$T/pp.$m"
		! grep -qx -- -38 "$T/pp.$m"
		[ "$(grep -c . "$T/pp.$m")" -gt "$(grep -n '^42$' "$T/pp.$m" | cut -d: -f1)" ]
	done
}
