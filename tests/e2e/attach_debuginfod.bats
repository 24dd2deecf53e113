#!/usr/bin/env bats
# zdiag attach and debuginfod: the debug info of a program whose own was
# stripped (objcopy --only-keep-debug, strip --strip-debug) comes from a
# local `debuginfod -F` server when DEBUGINFOD_URLS names it, and only then.
# Everything runs in a private PID namespace; the servers listen on
# 127.0.0.1 of a private network namespace (only loopback, so any port is
# free and nothing is reachable from outside).  Afterwards the targets run
# on, untraced.

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/dbg_vars" ] || skip "helpers not built"
	for c in debuginfod curl ip nsenter objcopy strip gdb script; do
		command -v $c >/dev/null || skip "$c is not installed (make deps)"
	done
	unshare --net true 2>/dev/null || skip "cannot make a network namespace here (unshare --net)"
}

# start_target and not_stopped: tests/lib/attach.sh.
PRELUDE="$(cat "$ROOT/tests/lib/attach.sh")"'
trap "kill \$SERVERS 2>/dev/null" EXIT
SERVERS=
# parked VAR CMD...: start_target, then wait until it sleeps in its park loop.
parked() {
	start_target "$@"
	i=0; while ! grep -q "^230 " /proc/$!/syscall 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never parked" >&2; exit 98; }; sleep 0.01; done
}
# net_up: a network namespace with loopback only; $NS CMD runs CMD in it.
net_up() {
	unshare --net sh -c "ip link set lo up && echo up && exec sleep 600" > $T/net.out 2>&1 &
	H=$!
	SERVERS="$SERVERS $H"
	i=0; while ! grep -q up $T/net.out; do i=$((i+1)); [ $i -lt 500 ] || { cat $T/net.out >&2; exit 97; }; sleep 0.01; done
	NS="nsenter --net=/proc/$H/ns/net"
}
# split_target: $T/prog, dbg_vars without its DWARF (.symtab, build-id and
# .gnu_debuglink kept), and its debug file $T/srv/prog.debug; ID its build-id.
split_target() {
	mkdir -p $T/srv $T/empty
	cp "$HELPERS/dbg_vars" $T/prog
	objcopy --only-keep-debug $T/prog $T/srv/prog.debug
	strip --strip-debug $T/prog
	objcopy --add-gnu-debuglink=$T/srv/prog.debug $T/prog
	! readelf -S $T/prog | grep -q "\.debug_info" || exit 96
	ID=$(readelf -n $T/prog | sed -n "s/^ *Build ID: //p")
	[ -n "$ID" ] || exit 95
}
# start_server VAR PORT DIR N: debuginfod on 127.0.0.1:PORT serving the ELF
# files under DIR; waits until it answers and has indexed N debug files.
start_server() {
	$NS debuginfod -F -c 1 -t 0 -g 0 -p $2 -d $T/db$2.sqlite $3 > $T/srv$2.log 2>&1 &
	eval "$1=\$!"
	SERVERS="$SERVERS $!"
	i=0
	while ! $NS curl -s http://127.0.0.1:$2/metrics > $T/metrics$2 ||
		{ [ $4 -gt 0 ] && ! grep -q "^found_debuginfo_total{source=\"files\"} $4\$" $T/metrics$2; }; do
		i=$((i+1)); [ $i -lt 1000 ] || { cat $T/srv$2.log >&2; exit 94; }; sleep 0.02
	done
}
# start_blackhole VAR PORT: accepts connections on 127.0.0.1:PORT and never
# answers; writes "accepted" to $T/bh$PORT.log for each.
start_blackhole() {
	$NS python3 -c "
import socket, sys
s = socket.socket()
s.bind((\"127.0.0.1\", $2))
s.listen(8)
print(\"listening\", flush=True)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    print(\"accepted\", flush=True)
" > $T/bh$2.log 2>&1 &
	eval "$1=\$!"
	SERVERS="$SERVERS $!"
	i=0; while ! grep -q listening $T/bh$2.log; do i=$((i+1)); [ $i -lt 500 ] || { cat $T/bh$2.log >&2; exit 93; }; sleep 0.01; done
}
# wait_accepted PORT [N]: until the blackhole on PORT accepted more than N connections.
wait_accepted() {
	i=0; while [ $(grep -c accepted $T/bh$1.log) -le ${2:-0} ]; do i=$((i+1)); [ $i -lt 3000 ] || exit 92; sleep 0.01; done
}
# zd_urls URLS CACHE ARGS...: zdiag ARGS with DEBUGINFOD_URLS=URLS, in $NS
# (not for "&": $! would be the subshell).
zd_urls() {
	u=$1 c=$2; shift 2
	DEBUGINFOD_URLS=$u DEBUGINFOD_CACHE_PATH=$c $NS "$ZDIAG" "$@"
}
# no_debug_line FILE WHY: FILE has the line about $T/prog with reason WHY.
no_debug_line() {
	grep -qx "zdiag: no debug info for $T/prog (build-id $ID): debuginfod: $2" $1
}
'

@test "a stripped program's DWARF comes from debuginfod: bt, frame, locals as with the unstripped one, and gdb agrees" {
	in_ns "$PRELUDE"'
		net_up
		split_target
		start_server S 8002 $T/srv 1
		mkdir $T/full
		cp "$HELPERS/dbg_vars" $T/full/prog
		parked F $T/full/prog
		parked P $T/prog
		set -- -e bt -e "frame 5" -e "info locals" -e "print *n" -e "print keep * 2"
		"$ZDIAG" attach $F "$@" > $T/full.txt || exit 1
		zd_urls http://127.0.0.1:8002 $T/cache attach $P "$@" > $T/fetched.txt 2> $T/fetched.err || { cat $T/fetched.err; exit 2; }
		not_stopped $P || exit 3
		cat $T/fetched.txt
		# the same text as with the unstripped program, addresses aside
		sed -E "s/0x[0-9a-f]+/ADDR/g" $T/full.txt > $T/full.n
		sed -E "s/0x[0-9a-f]+/ADDR/g" $T/fetched.txt > $T/fetched.n
		diff $T/full.n $T/fetched.n || exit 4
		grep -q "in park+0x[0-9a-f]* (prog) at tests/helpers/dbg_vars.c:[0-9]*$" $T/fetched.txt || exit 5
		grep -qx "keep = 15" $T/fetched.txt || exit 6
		grep -qx "\$2 = 30" $T/fetched.txt || exit 7
		! grep -q "no debug info" $T/fetched.err || exit 8
		# fetched once, into the cache it was told
		[ -s $T/cache/$ID/debuginfo ] || exit 9
		[ $(grep -c "GET /buildid/$ID/debuginfo 200" $T/srv8002.log) = 1 ] || exit 10

		# gdb (debuginfod on) prints the same locals
		DEBUGINFOD_URLS=http://127.0.0.1:8002 DEBUGINFOD_CACHE_PATH=$T/gcache \
			$NS gdb -nx -batch -iex "set debuginfod enabled on" -p $P -ex "frame 5" -ex "info locals" 2>/dev/null |
			grep -E "^[a-z_]+ = " > $T/gdb.vals
		grep -E "^[a-z_]+ = " $T/fetched.txt | sed -n "1,$(wc -l < $T/gdb.vals)p" > $T/ours.vals
		[ -s $T/gdb.vals ] || exit 11
		diff $T/gdb.vals $T/ours.vals || exit 12
		not_stopped $P || exit 13

		# without DEBUGINFOD_URLS (or with it empty): no request, no lines
		nreq=$(grep -c "GET /buildid/" $T/srv8002.log)
		for urls in unset ""; do
			if [ "$urls" = unset ]; then
				$NS "$ZDIAG" attach $P -e bt -e "print keep" > $T/plain.txt 2> $T/plain.err && exit 14
			else
				DEBUGINFOD_URLS= DEBUGINFOD_CACHE_PATH=$T/cache2 \
					$NS "$ZDIAG" attach $P -e bt -e "print keep" > $T/plain.txt 2> $T/plain.err && exit 15
			fi
			grep -q "in park+0x[0-9a-f]* (prog)$" $T/plain.txt || exit 16
			! grep -q "dbg_vars.c" $T/plain.txt || exit 17
			grep -qx "zdiag: no symbol \"keep\" in current context" $T/plain.err || exit 18
			! grep -q "debuginfod" $T/plain.err || exit 19
		done
		[ $(grep -c "GET /buildid/" $T/srv8002.log) = $nreq ] || exit 20
		not_stopped $P || exit 21

		# zdiag run: the same, from the cache this time (no new request)
		zd_urls http://127.0.0.1:8002 $T/cache run -e "break park" -e cont -e bt -e kill -- $T/prog > $T/run.txt 2> $T/run.err
		cat $T/run.txt $T/run.err
		grep -q "^#1 .* in mid \[inlined\] (prog) at tests/helpers/dbg_vars.c:[0-9]*$" $T/run.txt && grep -q "^#2 .* in leaf+0x[0-9a-f]* (prog) at tests/helpers/dbg_vars.c:[0-9]*$" $T/run.txt || exit 22
		! grep -q "no debug info" $T/run.err || exit 23
		[ $(grep -c "GET /buildid/" $T/srv8002.log) = $nreq ] || exit 24
		kill $F $P $S $H
	'
}

@test "a server without the file: one line for the file, once, and the session goes on" {
	in_ns "$PRELUDE"'
		net_up
		split_target
		start_server E 8003 $T/empty 0
		parked P $T/prog
		zd_urls http://127.0.0.1:8003 $T/cache attach $P -e bt -e "frame 5" -e "print 1 + 1" -e bt > $T/out.txt 2> $T/err.txt || exit 1
		cat $T/err.txt
		[ $(grep -c "no debug info" $T/err.txt) = 1 ] || exit 2
		no_debug_line $T/err.txt "Not found" || exit 3
		[ $(grep -c "^#0 " $T/out.txt) = 2 ] || exit 4
		grep -qx "\$1 = 2" $T/out.txt || exit 5
		grep -q "in park+0x[0-9a-f]* (prog)$" $T/out.txt || exit 6
		grep -q "GET /buildid/$ID/debuginfo 404" $T/srv8003.log || exit 7
		not_stopped $P || exit 8
		# --bt too: the same line, the stacks, exit 0
		zd_urls http://127.0.0.1:8003 $T/cache3 attach $P --bt > $T/bt.txt 2> $T/bt.err || exit 9
		no_debug_line $T/bt.err "Not found" || exit 10
		grep -q "in park+0x[0-9a-f]* (prog)$" $T/bt.txt || exit 11
		not_stopped $P || exit 12
		# a libdebuginfod that cannot be loaded: one line, then as without it
		mkdir $T/badlib
		: > $T/badlib/libdebuginfod.so.1
		LD_LIBRARY_PATH=$T/badlib DEBUGINFOD_URLS=http://127.0.0.1:8003 DEBUGINFOD_CACHE_PATH=$T/cache4 \
			$NS "$ZDIAG" attach $P --bt > $T/nolib.txt 2> $T/nolib.err || exit 13
		cat $T/nolib.err
		grep -qx "zdiag: DEBUGINFOD_URLS is set but debuginfod cannot be used: $T/badlib/libdebuginfod.so.1: file too short" \
			$T/nolib.err || exit 14
		[ $(wc -l < $T/nolib.err) = 1 ] || exit 15
		grep -q "in park+0x[0-9a-f]* (prog)$" $T/nolib.txt || exit 16
		not_stopped $P || exit 17
		kill $P $E $H
	'
}

@test "--bt downloads after detaching (the process runs meanwhile); Ctrl-C cancels the download" {
	in_ns "$PRELUDE"'
		net_up
		split_target
		start_blackhole B 8004
		parked P $T/prog
		DEBUGINFOD_URLS=http://127.0.0.1:8004 DEBUGINFOD_CACHE_PATH=$T/cache \
			$NS "$ZDIAG" attach $P --bt > $T/out.txt 2> $T/err.txt &
		Z=$!
		wait_accepted 8004
		# the query is under way and the target is let go already
		not_stopped $P || exit 1
		kill -INT $Z
		rc=0; wait $Z || rc=$?
		cat $T/out.txt $T/err.txt
		[ $rc = 130 ] || { echo "rc $rc" >&2; exit 2; }
		grep -q "in park+0x[0-9a-f]* (prog)$" $T/out.txt || exit 3
		no_debug_line $T/err.txt "download interrupted" || exit 4
		! grep -q Downloading $T/err.txt || exit 5   # not a terminal
		not_stopped $P || exit 6

		# in a session Ctrl-C cancels the download and the commands go on
		n=$(grep -c accepted $T/bh8004.log)
		DEBUGINFOD_URLS=http://127.0.0.1:8004 DEBUGINFOD_CACHE_PATH=$T/cache2 \
			$NS "$ZDIAG" attach $P -e bt -e "print 1 + 1" > $T/s.txt 2> $T/s.err &
		Z=$!
		wait_accepted 8004 $n
		kill -INT $Z
		rc=0; wait $Z || rc=$?
		cat $T/s.txt $T/s.err
		[ $rc = 0 ] || { echo "rc $rc" >&2; exit 8; }
		no_debug_line $T/s.err "download interrupted" || exit 9
		grep -qx "\$1 = 2" $T/s.txt || exit 10
		grep -q "^zdiag: detached from $P" $T/s.err || exit 11
		not_stopped $P || exit 12
		kill $P $B $H
	'
}

@test "a progress line on a terminal while the download runs" {
	in_ns "$PRELUDE"'
		net_up
		split_target
		start_blackhole B 8005
		parked P $T/prog
		DEBUGINFOD_URLS=http://127.0.0.1:8005 DEBUGINFOD_CACHE_PATH=$T/cache \
			$NS script -qec "exec \"$ZDIAG\" attach $P --bt" /dev/null > $T/tty.out 2>&1 &
		SC=$!
		wait_accepted 8005
		i=0; while ! grep -q "Downloading separate debug info for $T/prog\.\.\." $T/tty.out; do
			i=$((i+1)); [ $i -lt 3000 ] || { cat -A $T/tty.out; exit 1; }; sleep 0.01
		done
		Z=$(pgrep -x -P $SC zdiag) || exit 2
		kill -INT $Z
		wait $SC
		cat -A $T/tty.out
		# the line is erased before the next message
		grep -q "$(printf "\r\033\\[K")zdiag: no debug info for $T/prog" $T/tty.out || exit 3
		not_stopped $P || exit 4
		kill $P $B $H
	'
}
