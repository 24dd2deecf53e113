#!/usr/bin/env bats
# zdiag trace -y/-yy/--decode-fds/-Y: fd and pid decorations next to
# strace 6.1's on the same real programs, each run in its own PID
# namespace (in_ns), so pids come out the same for both tracers.

load '../lib/common'

bats_require_minimum_version 1.5.0

FD_CALLS=openat,newfstatat,dup2,dup3,close,socketpair,write,read,socket,bind,listen,getsockname,connect,accept,pidfd_open,pidfd_send_signal,getpid,memfd_create,pipe2

# norm FILE: inode numbers, ports and addresses vary from run to run, and
# pids too (strace forks more than zdiag does): each pid becomes P1, P2 ...
# in the order it first appears, wherever a pid is printed.
norm() {
	python3 - "$1" <<'PY'
import re, sys
pids = {}
def p(m):
    v = m.group(2)
    pids.setdefault(v, "P%d" % (len(pids) + 1))
    return m.group(1) + pids[v]
ctx = re.compile(r"(^|\[pid +|si_pid=|pid:|ROUTE:|(?:kill|tkill|tgkill|pidfd_open|wait4)\(|"
                 r"(?:getpid|getppid|gettid|clone|clone3|fork|vfork|wait4)\(.*\) += |"
                 r"<\.\.\. (?:clone|clone3|fork|vfork|wait4) resumed>.*\) += )(\d+)")
for line in open(sys.argv[1]):
    line = ctx.sub(p, line)
    line = re.sub(r"0x[0-9a-f]+", "0xX", line)
    # the working folder's size changes as the runs write files in it (tmpfs)
    line = re.sub(r"(S_IFDIR\|[0-7]+, st_size=)\d+", r"\1D", line)
    # inode numbers (N below) differ in length between runs, and so does
    # the padding to strace's column 40 after them
    line = re.sub(r"\) +(= )", r") \1", line)
    sys.stdout.write(re.sub(r"[0-9]{5,}", "N", line))
PY
}

setup() {
	require_pidns
	command -v strace > /dev/null || skip "strace not installed"
}

# has FILE ERE...: FILE has a line matching each ERE (says which not).
has() {
	local f=$1 re
	shift
	for re in "$@"; do
		grep -Eq -- "$re" "$f" || { echo "no line matches: $re"; return 1; }
	done
}

# run_both OPTS -- CMD...: $T/z (zdiag) and $T/s (strace) traces of CMD.
run_both() {
	local opts=$1
	shift 2
	CMD="$*" OPTS="$opts" in_ns 'rm -f $T/sock; "$ZDIAG" trace $OPTS -o $T/z $CMD > /dev/null; echo $? > $T/zrc'
	CMD="$*" OPTS="$opts" in_ns 'rm -f $T/sock; strace $OPTS -o $T/s $CMD > /dev/null; echo $? > $T/src'
	[ "$(cat "$T/zrc")" = 0 ] && [ "$(cat "$T/src")" = 0 ]
}

@test "-yy: sockets (TCP, UDP, TCPv6, UNIX, NETLINK), devices, pidfds, memfd and odd paths, line for line as strace" {
	T=$BATS_TEST_TMPDIR
	run_both "-yy -e trace=$FD_CALLS" -- "$HELPERS/trace_fds" "$T"
	diff -u <(norm "$T/s") <(norm "$T/z")
	# the decorations are there (a diff of two empty decorations would pass)
	has "$T/z" \
		'^openat\(AT_FDCWD</.*>, "/dev/null", O_RDONLY\) = [0-9]+</dev/null<char 1:3>>$' \
		'^dup2\([0-9]+</dev/null<char 1:3>>, 10(</dev/null<char 1:3>>)?\) += 10</dev/null<char 1:3>>$' \
		'^dup2\([0-9]+</dev/null<char 1:3>>, 10</dev/null<char 1:3>>\) += 10</dev/null<char 1:3>>$' \
		'^socketpair\(AF_UNIX, SOCK_STREAM, 0, \[[0-9]+<UNIX-STREAM:\[[0-9]+->[0-9]+\]>, [0-9]+<UNIX-STREAM:\[[0-9]+->[0-9]+\]>\]\) += 0$' \
		'^accept\([0-9]+<TCP:\[127\.0\.0\.1:[0-9]+\]>, NULL, NULL\) += [0-9]+<TCP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:[0-9]+\]>$' \
		'^close\([0-9]+<UDP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:[0-9]+\]>\)' \
		'^listen\([0-9]+<UNIX-STREAM:\[[0-9]+,"'"$T"'/sock"\]>, 1\)' \
		'^close\([0-9]+<NETLINK:\[ROUTE:[0-9]+\]>\)' \
		'^pidfd_send_signal\([0-9]+<pid:[0-9]+>, SIGTERM, NULL, 0\)'
	grep -Fq '</memfd:zz>(deleted)' "$T/z"
	grep -Fq '/a\74b\76>' "$T/z"
}

@test "-y: paths only (sockets as socket:[N], devices and pidfds as paths), as strace" {
	T=$BATS_TEST_TMPDIR
	run_both "-y -e trace=$FD_CALLS" -- "$HELPERS/trace_fds" "$T"
	diff -u <(norm "$T/s") <(norm "$T/z")
	has "$T/z" \
		'^openat\(AT_FDCWD</.*>, "/dev/null", O_RDONLY\) = [0-9]+</dev/null>$' \
		'^write\([0-9]+<socket:\[[0-9]+\]>, "x", 1\)' \
		'<anon_inode:\[pidfd\]>'
}

@test "--decode-fds=SET: each element alone, and all/none, as strace" {
	T=$BATS_TEST_TMPDIR
	for set in socket dev pidfd path,dev none all '!path'; do
		run_both "--decode-fds=$set -e trace=$FD_CALLS" -- "$HELPERS/trace_fds" "$T"
		diff -u <(norm "$T/s") <(norm "$T/z") || { echo "--decode-fds=$set differs"; return 1; }
	done
	run_both "--decode-fds=dev -e trace=openat" -- "$HELPERS/trace_fds" "$T"
	has "$T/z" \
		'^openat\(AT_FDCWD, "/dev/null", O_RDONLY\) += [0-9]+</dev/null<char 1:3>>$' \
		'^openat\(AT_FDCWD, "a<b>", O_WRONLY\|O_CREAT, 0600\) += [0-9]+$'
}

@test "--decode-fds usage: unknown words, and -y with --decode-fds, are refused as strace refuses them" {
	run zdiag trace --decode-fds=eventfd true
	[ "$status" = 2 ]
	[[ "$output" == *"invalid decode-fds 'eventfd'"* ]]
	run zdiag trace -y --decode-fds=dev true
	[ "$status" = 2 ]
	[[ "$output" == *"-y and --decode-fds cannot be given together"* ]]
	run zdiag trace -e decode-pids=bogus true
	[ "$status" = 2 ]
	[[ "$output" == *"invalid decode-pids 'bogus'"* ]]
}

@test "sock_diag answers are not kept past a connect: a UDP socket bound, then connected, shows its peer (strace 6.1 keeps the bound address)" {
	T=$BATS_TEST_TMPDIR
	# connect untraced: the answer must not come from a cache
	in_ns '"$ZDIAG" trace -yy -e trace=getsockname -o $T/z "$HELPERS/trace_fds" $T udp'
	[ "$(grep -c '^getsockname' "$T/z")" = 2 ]
	head -n 1 "$T/z" | grep -Eq '^getsockname\([0-9]+<UDP:\[127\.0\.0\.1:[0-9]+\]>'
	sed -n 2p "$T/z" | grep -Eq '^getsockname\([0-9]+<UDP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:9\]>'
}

@test "-Y: pid arguments, return values, si_pid and the pid prefix show command names, as strace" {
	T=$BATS_TEST_TMPDIR
	# one child, waited for in the foreground: the same order every time
	# (sh's vfork is left out: what the parent's return shows depends on
	# whether the child has exec'd yet, and strace names it from its cache)
	printf 'sleep 0\nkill -0 $$\n' > "$T/bg.sh"
	run_both "-f -Y -e trace=kill,getpid,getppid,wait4,exit_group -e signal=none" -- sh "$T/bg.sh"
	# the tracer's own name differs: the parent of sh is zdiag, not strace
	diff -u <(norm "$T/s" | sed 's/<strace>/<TRACER>/g') <(norm "$T/z" | sed 's/<zdiag>/<TRACER>/g')
	has "$T/z" \
		'^[0-9]+<sh> +kill\([0-9]+<sh>, 0\)' \
		'^[0-9]+<sh> +getpid\(\) += [0-9]+<sh>$' \
		'^[0-9]+<sleep> exit_group\(0\)'
}

@test "-Y: a pidfd shows its pid's command name, and the [pid N<comm>] prefix, as strace" {
	T=$BATS_TEST_TMPDIR
	# (not SIGCHLD: its child is reaped by then; strace 6.1 in a PID
	# namespace still names it, from its pid translation cache)
	run_both "-f -yy -Y -e trace=clone,pidfd_open,pidfd_send_signal,getpid -e signal=SIGTERM" -- "$HELPERS/trace_fds" "$T"
	diff -u <(norm "$T/s") <(norm "$T/z")
	has "$T/z" \
		'^[0-9]+<trace_fds> clone\(.*\) += [0-9]+<trace_fds>$' \
		'^[0-9]+<trace_fds> pidfd_open\([0-9]+<trace_fds>, 0\) += [0-9]+<pid:[0-9]+<trace_fds>>$'
}
