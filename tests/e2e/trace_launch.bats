#!/usr/bin/env bats
# zdiag trace: strace's process-setup and selection options (-u -E -D -b
# -I -d -P) on the real kernel, compared with strace 6.1's output where
# that says more; every process-creating test in its own PID namespace.

load '../lib/common'

bats_require_minimum_version 1.5.0

# Shell functions for in_ns scripts (prepend "$FUNCS"):
#   wait_file FILE PAT   wait (up to 10 s) until FILE has a line matching PAT
#   settled PID          PID has no signal pending and sleeps in wait4 (the
#                        tracer has acted on whatever it was sent)
FUNCS='
wait_file() {
	for i in $(seq 200); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for $2 in $1" >&2
	return 1
}
settled() {
	for i in $(seq 400); do
		[ -d /proc/$1 ] || return 1
		p=$(sed -n "s/^\(SigPnd\|ShdPnd\):\t//p" /proc/$1/status 2>/dev/null | tr -d "0\n")
		s=$(cut -d" " -f1 /proc/$1/syscall 2>/dev/null) || return 1
		[ -z "$p" ] && [ "$s" = 61 ] && return 0
		sleep 0.05
	done
	echo "$1 did not settle" >&2
	return 1
}
'

# norm FILE: a trace with the numbers that differ from run to run
# (pids, addresses) replaced, to compare zdiag's with strace's.
norm() {
	sed -E -e 's/^[0-9]+ +/PID /' -e 's/0x[0-9a-f]+/0xADDR/g' \
		-e 's/(si_pid|si_uid)=[0-9]+/\1=N/g' \
		-e 's,(si_utime|si_stime)=[0-9]+( /\* [0-9.]+ s \*/)?,\1=N,g' "$1"
}

# ---------------------------------------------------------------- usage

@test "-u, -D, -b, -I: bad arguments are usage errors, as strace refuses them" {
	run zdiag trace -b open true
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: syscall 'open' for -b is not supported (only execve) (see 'zdiag trace --help')" ]
	for a in 0 5 x; do
		run zdiag trace -I "$a" true
		[ "$status" = 2 ]
		[[ "$output" == "zdiag trace: invalid -I '$a'"* ]]
	done
	run zdiag trace -D -p 1
	[ "$status" = 2 ]
	[[ "$output" == *"-D/--daemonize needs a command to run"* ]]
	run zdiag trace -DDDD true
	[ "$status" = 2 ]
	[[ "$output" == *"too many -D's (4)"* ]]
	run zdiag trace -D --daemonize=session true
	[ "$status" = 2 ]
	run zdiag trace --daemonize=orphan true
	[ "$status" = 2 ]
	[[ "$output" == *"invalid --daemonize 'orphan' (grandchild, pgroup, session)"* ]]
}

@test "-u takes a user name only, as strace 6.1 (not a uid, not USER:GROUP)" {
	require_root
	for u in 65534 nobody:nogroup; do
		run zdiag trace -u "$u" true
		[ "$status" != 0 ]
		[ "$output" = "zdiag: cannot find user '$u'" ]
		run strace -u "$u" true
		[ "$output" = "strace: Cannot find user '$u'" ]
	done
}

# ---------------------------------------------------------------- -u

@test "-u USER: the command runs with the user's uids, gids and supplementary groups, as under strace -u" {
	require_pidns
	# nobody, and a user with supplementary groups if this system has one
	users="nobody $(getent group | awk -F: '$4 != "" { split($4, u, ","); print u[1]; exit }')"
	for u in $users; do
		echo "($u)"
		in_ns '"$ZDIAG" trace -u '"$u"' -e trace=none -o $T/z sh -c "grep -E \"^(Uid|Gid|Groups):\" /proc/self/status" > $T/ids.z
		       strace -u '"$u"' -e trace=none -o $T/s sh -c "grep -E \"^(Uid|Gid|Groups):\" /proc/self/status" > $T/ids.s'
		cat "$T/ids.z"
		uid=$(id -u "$u") gid=$(id -g "$u")
		grep -qx "Uid:	$uid	$uid	$uid	$uid" "$T/ids.z"
		grep -qx "Gid:	$gid	$gid	$gid	$gid" "$T/ids.z"
		[ "$(sed -n 's/^Groups:\t//p' "$T/ids.z" | tr ' ' '\n' | grep . | sort -n)" = "$(id -G "$u" | tr ' ' '\n' | sort -n)" ]
		diff "$T/ids.s" "$T/ids.z"
		[ "$(tail -1 "$T/z")" = "+++ exited with 0 +++" ]
	done
}

@test "-u USER with a set-uid program: it runs with its owner as effective uid, as under strace -u" {
	require_pidns
	D=$(mktemp -d /tmp/zdiag-suid.XXXXXX)
	chmod 755 "$D"
	cp /usr/bin/cat "$D/suidcat"
	chmod 4755 "$D/suidcat"
	if findmnt -n -o OPTIONS -T "$D" | grep -qw nosuid; then
		rm -rf "$D"
		skip "$D is on a nosuid file system"
	fi
	D=$D in_ns '"$ZDIAG" trace -u nobody -e trace=none -o /dev/null $D/suidcat /proc/self/status > $T/st.z
	            strace -u nobody -e trace=none -o /dev/null $D/suidcat /proc/self/status > $T/st.s' || { rm -rf "$D"; false; }
	rm -rf "$D"
	grep -E '^(Uid|Gid):' "$T/st.z"
	grep -qx "Uid:	65534	0	0	0" "$T/st.z"
	diff <(grep -E '^(Uid|Gid|Groups):' "$T/st.s") <(grep -E '^(Uid|Gid|Groups):' "$T/st.z")
}

# ---------------------------------------------------------------- -E

@test "-E VAR=VAL sets, -E VAR unsets, in order, as strace's environment" {
	require_pidns
	in_ns 'env -i A=1 B=2 PATH=/usr/bin:/bin "$ZDIAG" trace -E B=3 -E C=4 -E A -E C=5 -E D= -e trace=none -o /dev/null /usr/bin/env > $T/env.z
	       env -i A=1 B=2 PATH=/usr/bin:/bin strace -E B=3 -E C=4 -E A -E C=5 -E D= -e trace=none -o /dev/null /usr/bin/env > $T/env.s
	       env -i A=1 "$ZDIAG" trace -E A -e trace=none -o /dev/null /usr/bin/env > $T/empty.z'
	cat "$T/env.z"
	[ "$(cat "$T/env.z")" = "$(printf 'B=3\nPATH=/usr/bin:/bin\nC=5\nD=')" ]
	diff "$T/env.s" "$T/env.z"
	[ ! -s "$T/empty.z" ]
}

@test "-E: the execve line shows the command's environment (-v)" {
	require_pidns
	in_ns 'env -i X=1 "$ZDIAG" trace -v -E Y=2 -e trace=execve -o $T/z /bin/true'
	grep -q '^execve("/bin/true", \["/bin/true"\], \["X=1", "Y=2"\]) = 0$' "$T/z"
}

# ---------------------------------------------------------------- -D

# The script for the -D tests: the command prints its pid, parent, process
# group and session, and its tracer's, then waits until the test saw them.
DSCRIPT='
t=$(sed -n "s/^TracerPid:\t//p" /proc/$$/status)
echo "cmd=$$ ppid=$PPID pgid=$(cut -d" " -f5 /proc/$$/stat) sid=$(cut -d" " -f6 /proc/$$/stat)"
echo "tracer=$t tppid=$(cut -d" " -f4 /proc/$t/stat) tpgid=$(cut -d" " -f5 /proc/$t/stat) tsid=$(cut -d" " -f6 /proc/$t/stat)"
exit 7'

@test "-D: the command keeps zdiag's pid and parent; the tracer is a grandchild, re-parented (-D, -DD, -DDD)" {
	require_pidns
	for d in D DD DDD; do
		echo "(-$d)"
		DS=$DSCRIPT in_ns "$FUNCS"'
		       "$ZDIAG" trace -'"$d"' -e trace=exit_group -o $T/out sh -c "$DS" > $T/ids & Z=$!
		       wait $Z; echo rc=$? >> $T/ids
		       echo "zdiag=$Z shell=$$" >> $T/ids
		       wait_file $T/out "^+++ exited with 7 +++"'
		cat "$T/ids" "$T/out"
		eval "$(tr ' ' '\n' < "$T/ids" | grep = | sed 's/^/local /')"
		[ "$rc" = 7 ]                 # the shell waited for the command itself
		[ "$cmd" = "$zdiag" ]         # the command has zdiag's pid ...
		[ "$ppid" = "$shell" ]        # ... and parent
		[ "$tracer" != 0 ] && [ "$tracer" != "$cmd" ]
		[ "$tppid" != "$cmd" ]        # the tracer is not the command's child
		[ "$tppid" = 1 ]              # re-parented to the namespace's init
		case $d in
		D)   [ "$tpgid" = "$pgid" ] && [ "$tsid" = "$sid" ] ;;
		DD)  [ "$tpgid" = "$tracer" ] && [ "$tsid" = "$sid" ] ;;
		DDD) [ "$tsid" = "$tracer" ] && [ "$tpgid" = "$tracer" ] ;;
		esac
		grep -q '^exit_group(7) *= ?$' "$T/out"
	done
}

@test "-D: the trace and the attach message are strace -D's" {
	require_pidns
	in_ns "$FUNCS"'"$ZDIAG" trace -D -e trace=execve,exit_group -o $T/z sh -c "exit 3" 2> $T/z.err; echo rc=$? > $T/rc
	       wait_file $T/z "^+++ exited"
	       strace -D -e trace=execve,exit_group -o $T/s sh -c "exit 3" 2> $T/s.err
	       wait_file $T/s "^+++ exited"
	       "$ZDIAG" trace -D -e trace=none sh -c "exit 3" 2> $T/z2.err
	       strace -D -e trace=none sh -c "exit 3" 2> $T/s2.err
	       sleep 0.5'
	cat "$T/z" "$T/z.err" "$T/z2.err" "$T/s2.err"
	grep -qx rc=3 "$T/rc"
	diff <(norm "$T/s") <(norm "$T/z")
	# -o FILE CMD is quiet (an implied -q), as strace; on stderr, told
	! grep -q 'attached' "$T/z.err" "$T/s.err"
	grep -q '^strace: Process [0-9]* attached$' "$T/s2.err"
	grep -q '^zdiag: process [0-9]* attached$' "$T/z2.err"
}

@test "-D: a pipe from the command ends when the command does (the tracer holds no stdout)" {
	require_pidns
	in_ns "$FUNCS"'"$ZDIAG" trace -D -o $T/z sh -c "echo one; exit 0" | cat > $T/piped
	       wait_file $T/z "^+++ exited"'
	[ "$(cat "$T/piped")" = one ]
}

# ---------------------------------------------------------------- -b

@test "-b execve: the command's second exec detaches it; the line ends <detached ...>, as strace's" {
	require_pidns
	in_ns '"$ZDIAG" trace -b execve -e trace=execve,write -o $T/z sh -c "exec sh -c \"echo hi; exit 3\"" > /dev/null 2> $T/z.err; echo rc=$? > $T/rc
	       strace -b execve -e trace=execve,write -o $T/s sh -c "exec sh -c \"echo hi; exit 3\"" > /dev/null 2> $T/s.err'
	cat "$T/z" "$T/z.err"
	diff <(norm "$T/s") <(norm "$T/z")
	[[ "$(tail -1 "$T/z")" == 'execve("/usr/bin/sh", ["sh", "-c", "echo hi; exit 3"], 0x'*' vars */ <detached ...>' ]]
	! grep -q 'write(1, "hi' "$T/z"
	# -o FILE CMD is quiet (an implied -q), as strace; on stderr, told
	! grep -q 'detached$' "$T/z.err" "$T/s.err"
	in_ns '"$ZDIAG" trace -b execve -e trace=execve sh -c "exec sh -c \"echo hi; exit 3\"" > /dev/null 2> $T/z2.err' || true
	grep -q "zdiag: process [0-9]* detached$" "$T/z2.err"   # mid-line, as strace
	# zdiag waits for the command it let go and exits with its status (strace: 0)
	grep -qx rc=3 "$T/rc"
}

@test "-f -b execve: children are let go at their exec, the parent is still traced" {
	require_pidns
	in_ns '"$ZDIAG" trace -f -b execve -e trace=execve,write,exit_group -o $T/z sh -c "/bin/echo hi; echo there" > /dev/null 2> $T/z.err
	       strace -f -b execve -e trace=execve,write,exit_group -o $T/s sh -c "/bin/echo hi; echo there" > /dev/null'
	cat "$T/z" "$T/z.err"
	for f in "$T/s" "$T/z"; do
		# the child: its execve, cut short; nothing of /bin/echo after it
		child=$(sed -n 's/^\([0-9]*\) *execve("\/bin\/echo".*/\1/p' "$f")
		[ -n "$child" ]
		grep -q "^$child *execve(\"/bin/echo\", \[\"/bin/echo\", \"hi\"\], 0x[0-9a-f]* /\* [0-9]* vars \*/ <\(detached\|unfinished\) ...>$" "$f"
		[ "$(grep -c "^$child " "$f")" = 1 ]
		! grep -q 'write(1, "hi' "$f"
		# the parent: traced to its end
		grep -q '^[0-9]* *write(1, "there\\n", 6) *= 6$' "$f"
		[ "$(tail -1 "$f" | sed 's/^[0-9]* *//')" = "+++ exited with 0 +++" ]
	done
	! grep -q "detached$" "$T/z.err"   # -o FILE CMD: quiet, as strace
}

# ---------------------------------------------------------------- -P

# The command for -P: opens the file, reads it through fd 0 after dup2,
# closes it; cat (a child, not followed) and the echo are unrelated.
PSCRIPT='exec 3< "$P"; read x <&3; exec 3<&-; cat "$P" /etc/passwd > /dev/null; echo $x > /dev/null'

@test "-P PATH: the calls naming PATH or using a descriptor to it, as strace -P shows them" {
	require_pidns
	echo hello > "$BATS_TEST_TMPDIR/data"
	P=$BATS_TEST_TMPDIR/data PS=$PSCRIPT in_ns '"$ZDIAG" trace -P "$P" -o $T/z sh -c "$PS"
	       strace -P "$P" -o $T/s sh -c "$PS"'
	cat "$T/z"
	diff <(norm "$T/s") <(norm "$T/z")
	grep -q "^openat(AT_FDCWD, \"$BATS_TEST_TMPDIR/data\", O_RDONLY) = [0-9]*$" "$T/z"   # the path
	grep -q '^dup2([0-9]*, 0) *= 0$' "$T/z"                                              # a descriptor to it
	grep -q '^read(0, "h", 1) *= 1$' "$T/z"                                         # ... duplicated
	grep -q '^close(3) *= 0$' "$T/z"
	! grep -q 'passwd\|execve\|getpid\|rt_sig\|mmap' "$T/z"                           # unrelated calls
	[ "$(tail -1 "$T/z")" = "+++ exited with 0 +++" ]
}

@test "-P LINK: a symbolic link selects its target too, and says so as strace does; an untouched path shows no call" {
	require_pidns
	echo hello > "$BATS_TEST_TMPDIR/data"
	ln -s data "$BATS_TEST_TMPDIR/link"
	P=$BATS_TEST_TMPDIR/data PS=$PSCRIPT in_ns 'cd $T
	       "$ZDIAG" trace -P link -o $T/z sh -c "$PS" 2> $T/z.err
	       strace -P link -o $T/s sh -c "$PS" 2> $T/s.err
	       "$ZDIAG" trace -P $T/nothing -o $T/none sh -c "$PS"'
	cat "$T/z.err" "$T/z"
	real=$(realpath "$BATS_TEST_TMPDIR/data")
	[ "$(cat "$T/z.err")" = "zdiag: requested path \"link\" resolved into \"$real\"" ]
	[ "$(sed 's/^strace: Requested/zdiag: requested/' "$T/s.err")" = "$(cat "$T/z.err")" ]
	diff <(norm "$T/s") <(norm "$T/z")
	grep -q '^read(0, "h", 1) *= 1$' "$T/z"
	[ "$(grep -v '^--- SIGCHLD' "$T/none")" = "+++ exited with 0 +++" ]
}

@test "-P with select and poll: a descriptor to PATH in the sets matches" {
	require_pidns
	echo hello > "$BATS_TEST_TMPDIR/data"
	P=$BATS_TEST_TMPDIR/data in_ns '"$ZDIAG" trace -P "$P" -e trace=pselect6,select,poll,ppoll -o $T/z python3 -c "
import os, select
fd = os.open(\"$P\", os.O_RDONLY)
select.select([fd], [], [], 0)
select.select([0], [], [], 0)
p = select.poll(); p.register(fd); p.poll(0)
q = select.poll(); q.register(0); q.poll(0)
" < /dev/null
	       strace -P "$P" -e trace=pselect6,select,poll,ppoll -o $T/s python3 -c "
import os, select
fd = os.open(\"$P\", os.O_RDONLY)
select.select([fd], [], [], 0)
select.select([0], [], [], 0)
p = select.poll(); p.register(fd); p.poll(0)
q = select.poll(); q.register(0); q.poll(0)
" < /dev/null'
	cat "$T/z"
	[ "$(grep -c 'select6*(' "$T/z")" = 1 ]
	[ "$(grep -c 'poll(' "$T/z")" = 1 ]
	diff <(norm "$T/s" | grep -v '^--- SIGCHLD') <(norm "$T/z" | grep -v '^--- SIGCHLD')
}

# ---------------------------------------------------------------- -I

@test "-I 2: SIGTERM to zdiag goes to the command; -I 3 (the default with -o FILE CMD) and 4: ignored, the command goes on" {
	require_pidns
	for i in 2 3 4 default; do
		echo "(-I $i)"
		I="-I $i"; [ "$i" = default ] && I=
		# the command blocks on a fifo: no events while zdiag gets the signal
		in_ns "$FUNCS"'rm -f $T/go $T/up; mkfifo $T/go
		       "$ZDIAG" trace '"$I"' -e trace=none -o $T/out sh -c "echo > $T/up; read x < $T/go; exit 5" & Z=$!
		       wait_file $T/up "" || exit 1
		       kill -TERM $Z
		       settled $Z || [ '"$i"' = 2 ] || exit 2
		       exec 3<> $T/go; echo >&3
		       wait $Z; echo rc=$? > $T/rc'
		cat "$T/out" "$T/rc"
		if [ "$i" = 2 ]; then
			grep -qx rc=143 "$T/rc"
			[ "$(tail -1 "$T/out")" = "+++ killed by SIGTERM +++" ]
		else
			grep -qx rc=5 "$T/rc"
			[ "$(tail -1 "$T/out")" = "+++ exited with 5 +++" ]
			! grep -q SIGTERM "$T/out"
		fi
	done
}

@test "-I 1: SIGTERM kills zdiag at once (the trace ends without the command's end); -I 4 ignores Ctrl-Z" {
	require_pidns
	in_ns "$FUNCS"'"$ZDIAG" trace -I 1 -e trace=none -o $T/out sh -c "echo > $T/up; sleep 100" & Z=$!
	       wait_file $T/up "" || exit 1
	       kill -TERM $Z; wait $Z; echo rc=$? > $T/rc
	       mkfifo $T/go
	       "$ZDIAG" trace -I never_tstp -e trace=none -o $T/out4 sh -c "echo > $T/up4; read x < $T/go" & Z=$!
	       wait_file $T/up4 "" || exit 2
	       kill -TSTP $Z
	       settled $Z || exit 3
	       sed -n "s/^State:\t//p" /proc/$Z/status > $T/state4
	       kill -CONT $Z; exec 3<> $T/go; echo >&3; wait $Z; echo rc=$? >> $T/rc'
	cat "$T/rc" "$T/out" "$T/state4"
	[ "$(cat "$T/rc")" = "$(printf 'rc=143\nrc=0')" ]
	! grep -q '^+++' "$T/out"
	grep -q '^S' "$T/state4"
}

# ---------------------------------------------------------------- -d

@test "-d: one line per wait status (strace -d's format) and per ptrace request" {
	require_pidns
	in_ns '"$ZDIAG" trace -d -e trace=getpid -o $T/z /bin/true 2> $T/z.err
	       strace -d -e trace=getpid -o $T/s /bin/true 2> $T/s.err'
	head -20 "$T/z.err"
	grep -Eq '^zdiag: \[wait\(0x[0-9a-f]{6}\) = [0-9]+\] WIFSTOPPED,sig=SIGTRAP,EVENT_EXEC \(4\)$' "$T/z.err"
	grep -Eq '^zdiag: \[wait\(0x[0-9a-f]{6}\) = [0-9]+\] WIFSTOPPED,sig=133$' "$T/z.err"
	grep -Eq '^zdiag: \[wait\(0x000000\) = [0-9]+\] WIFEXITED,exitcode=0$' "$T/z.err"
	grep -Eq '^zdiag: ptrace\(PTRACE_(SYSCALL|CONT), [0-9]+, 0, 0\)$' "$T/z.err"
	# strace -d's wait lines read the same
	for l in 'WIFEXITED,exitcode=0' 'WIFSTOPPED,sig=SIGTRAP,EVENT_EXEC (4)'; do
		grep -q "^strace: \[wait(0x[0-9a-f]*) = [0-9]*\] $l$" "$T/s.err"
	done
	# nothing but debug lines on stderr, and the trace unchanged
	! grep -v '^zdiag: \(\[wait(\|ptrace(\)' "$T/z.err"
	diff "$T/s" "$T/z"
}

# ---------------------------------------------------------------- with -p

@test "-P with -p: only the attached process's calls on PATH; after Ctrl-C it runs on, untraced" {
	require_pidns
	echo hello > "$BATS_TEST_TMPDIR/data"
	P=$BATS_TEST_TMPDIR/data in_ns "$FUNCS"'sh -c "while :; do read x < \"$P\"; echo \$x > $T/beat; sleep 0.05; done" & L=$!
	       wait_file $T/beat hello || exit 1
	       "$ZDIAG" trace -P "$P" -p $L -o $T/z 2> $T/z.err & Z=$!
	       wait_file $T/z "openat(AT_FDCWD, \"$P\"" || exit 2
	       wait_file $T/z "^close(" || exit 3
	       kill -INT $Z; wait $Z; echo rc=$? > $T/rc
	       sleep 0.2
	       sed -n "s/^\(State\|TracerPid\):\t\(.\).*/\1=\2/p" /proc/$L/status > $T/after
	       : > $T/beat; wait_file $T/beat hello || exit 4
	       kill $L'
	cat "$T/z" "$T/z.err" "$T/after"
	grep -q "^openat(AT_FDCWD, \"$BATS_TEST_TMPDIR/data\", O_RDONLY) = [0-9]*$" "$T/z"
	grep -q '^read(0, "h", 1) *= 1$' "$T/z"             # through a descriptor to it
	! grep -q 'wait4\|clone\|execve\|write(1' "$T/z"     # the loop's other calls
	grep -q '^zdiag: process [0-9]* attached$' "$T/z.err"
	grep -qx 'TracerPid=0' "$T/after"
	grep -qx 'State=S' "$T/after"
}

@test "-p with a command: both traced, the attached one without the seccomp filter; every line has its pid, as strace" {
	require_pidns
	for tool in zdiag strace; do
		run_tool="$ZDIAG trace"; [ $tool = strace ] && run_tool=strace
		in_ns "$FUNCS"'rm -f $T/beat; sh -c "while :; do echo beat > $T/beat; sleep 0.05; done" & L=$!
		       wait_file $T/beat beat || exit 1
		       (sleep 1.5; kill $L) &
		       '"$run_tool"' -p $L -e trace=openat,exit_group -o $T/out sh -c "sleep 0.3; exec 7< /etc/hostname; exit 4"; echo rc=$? > $T/rc'
		grep -qx rc=4 "$T/rc"
		# each line: its pid, then the call; the set of distinct lines (a
		# call split by the other process's line is joined again: where
		# the split falls is up to the scheduler)
		python3 -c '
import re, sys
pend = {}
for ln in open(sys.argv[1]):
    ln = ln.rstrip("\n")
    m = re.match(r"^(\d+ +)(.*) <unfinished \.\.\.>$", ln)
    if m:
        pend[m.group(1).strip()] = m.group(1) + m.group(2)
        continue
    m = re.match(r"^(\d+) +<\.\.\. \w+ resumed>(.*)$", ln)
    if m and m.group(1) in pend:
        ln = pend.pop(m.group(1)) + m.group(2)
    print(re.sub(r"\s+= ", " = ", ln))
' "$T/out" > "$T/whole"
		sed -E -e 's/^[0-9]+ +/PID /' -e 's/(si_pid|si_uid)=[0-9]+/\1=N/g' \
			-e 's,(si_utime|si_stime)=[0-9]+( /\* [0-9.]+ s \*/)?,\1=N,g' "$T/whole" | sort -u > "$T/set.$tool"
		! grep -v '^PID ' "$T/out"
	done
	cat "$T/set.zdiag"
	diff "$T/set.strace" "$T/set.zdiag"
	grep -q "^PID openat(AT_FDCWD, \"$BATS_TEST_TMPDIR/beat\", O_WRONLY|O_CREAT|O_TRUNC, 0666) *= [0-9]*$" "$T/set.zdiag"
	grep -q '^PID openat(AT_FDCWD, "/etc/hostname", O_RDONLY) *= [0-9]*$' "$T/set.zdiag"
}

@test "-D with -p and a command: the daemonized tracer traces both; -D with -p alone is refused, as strace" {
	require_pidns
	in_ns "$FUNCS"'sh -c "while :; do echo beat > $T/beat; sleep 0.05; done" & L=$!
	       wait_file $T/beat beat || exit 1
	       "$ZDIAG" trace -D -p $L -e trace=openat,exit_group -o $T/z sh -c "sleep 0.5; exec 7< /etc/hostname; exit 4"; echo rc=$? > $T/rc
	       wait_file $T/z "exited with 4" || exit 2
	       # the command is done; the tracer goes on with the loop until it ends
	       t=$(sed -n "s/^TracerPid:\t//p" /proc/$L/status)
	       : > $T/beat; wait_file $T/beat beat || exit 3
	       kill $L; wait $L
	       wait_file $T/z "^$L *+++ killed by SIGTERM +++" || exit 4
	       [ -d /proc/$t ] && sleep 0.5
	       [ -d /proc/$t ] && echo "tracer $t left" > $T/after || echo "tracer=0" > $T/after'
	grep -v SIGCHLD "$T/z"; cat "$T/rc" "$T/after"
	grep -qx rc=4 "$T/rc"
	grep -q '^[0-9]* *openat(AT_FDCWD, "/etc/hostname", O_RDONLY) *= [0-9]*$' "$T/z"   # the command
	# the attached loop: its redirections to $T/beat
	grep -q "^[0-9]* *openat(AT_FDCWD, \"$BATS_TEST_TMPDIR/beat\", O_WRONLY|O_CREAT|O_TRUNC, 0666) *= [0-9]*$" "$T/z"
	grep -qx 'tracer=0' "$T/after"
	run zdiag trace -D -p 1
	[ "$status" = 2 ]
	[[ "$output" == *"-D/--daemonize needs a command to run"* ]]
}
