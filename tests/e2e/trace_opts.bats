#!/usr/bin/env bats
# zdiag trace: strace's output options (-n -i -a -t -r -T and their long
# forms with precisions, -q/-qq/-e quiet=, -e status=, -c's -S -U -O -w,
# -A, -o |CMD, --tips, -V), each compared with strace 6.1's output on the
# same real program, in its own PID namespace.

load '../lib/common'

bats_require_minimum_version 1.5.0

SET=rt_sigaction,tgkill,kill,getpid,rt_sigreturn,exit_group

# norm FILE: what differs between two runs of the same program: pids,
# addresses, random bytes, and the digits of times (their number stays: it is the
# precision being compared).
norm() {
	sed -E -e 's/(si_pid|si_uid)=[0-9]+/\1=P/g' -e 's/(getpid\(\) += )[0-9]+/\1P/' \
		-e 's/kill\([0-9]+,/kill(P,/; s/tgkill\([0-9]+, [0-9]+,/tgkill(P, P,/' \
		-e 's/getrandom\("[^"]*"/getrandom("R"/' -e 's/0x[0-9a-f]{6,}/0xADDR/g' -e 's/\[[0-9a-f]{16}\]/[IP]/g' -e 's/[0-9]/9/g' "$1"
}

# both OPTS...: run strace and zdiag trace with OPTS on trace_sig handle
# (a SIGUSR1 caught, then exit 0); $T/s and $T/z are the outputs.
both() {
	in_ns "strace $* -o $T/s $HELPERS/trace_sig handle; \"$ZDIAG\" trace $* -o $T/z $HELPERS/trace_sig handle"
}

same() {
	norm "$T/s" > "$T/s.n"
	norm "$T/z" > "$T/z.n"
	diff -u "$T/s.n" "$T/z.n"
}

setup() {
	T=$BATS_TEST_TMPDIR
	require_pidns
	command -v strace > /dev/null || skip "strace not installed"
}

@test "-n and -i: the syscall number and the caller's address before each line, as strace prints them" {
	both -n -i -e trace=$SET
	same
	grep -q '^\[ *62\] \[[0-9a-f]\{16\}\] kill(' "$T/z"
	grep -q '^\[ *[0-9]*\] \[[0-9a-f]\{16\}\] --- SIGUSR1 ' "$T/z"
	grep -q '^\[ *231\] \[????????????????\] +++ exited with 0 +++' "$T/z"
}

@test "timestamps: -t, -tt, -ttt, -r, -T and their long forms with a precision, as strace prints them" {
	for opts in "-t" "-tt" "-ttt" "-t -r -T" "--absolute-timestamps=unix,ms" \
		"--absolute-timestamps=format:time,precision:ns" "--timestamps=ns" "--timestamps" \
		"-r --relative-timestamps=ns" "--relative-timestamps=ms" "--syscall-times=ms" \
		"-T --syscall-times=s" "--syscall-times=ns"; do
		both $opts -e trace=$SET
		same || { echo "differs with $opts"; false; }
	done
}

@test "-a COLUMN aligns the return values, as strace" {
	for a in 10 60 0; do
		both -a $a -e trace=$SET
		same || { echo "differs with -a $a"; false; }
	done
	grep -q '^getpid() = ' "$T/z"
}

@test "-q, -qq, -qqq and -e quiet=: the exit lines and notes left out, as strace" {
	for opts in "-q" "-qq" "-qqq" "-e quiet=exit" "--quiet=exit,attach" "-e quiet=!exit" "--quiet=none"; do
		both $opts -e trace=$SET
		same || { echo "differs with $opts"; false; }
	done
	both -qq -e trace=$SET
	! grep -q 'exited with' "$T/z"
	# killed by a signal is still told (strace too)
	in_ns "\"$ZDIAG\" trace -qq -e trace=none -o $T/k $HELPERS/trace_sig raise 15" || true
	grep -q '^+++ killed by SIGTERM +++$' "$T/k"
}

@test "-e status=: successful, failed, unfinished and negations, as strace" {
	for st in successful failed unfinished '!successful' 'successful,unfinished' none all; do
		in_ns "strace -e status=$st -o $T/s cat /etc/hostname /nonexistent > /dev/null 2>&1; \"$ZDIAG\" trace -e status=$st -o $T/z cat /etc/hostname /nonexistent > /dev/null 2>&1" || true
		same || { echo "differs with status=$st"; false; }
	done
}

@test "-e status=detached: a call still running when zdiag detaches ends in <detached ...>; the process runs on, untraced" {
	in_ns '
	sleep 30 & p=$!
	"$ZDIAG" trace -e status=detached -o $T/z -p $p 2> $T/err & z=$!
	for i in $(seq 100); do grep -q attached $T/err && break; sleep 0.05; done
	sleep 0.2
	kill -INT $z; wait $z
	st=$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$p/status)
	tr=$(sed -n "s/^TracerPid:\t//p" /proc/$p/status)
	echo "state=$st tracer=$tr" > $T/after
	kill $p'
	cat "$T/z"
	grep -q ' <detached ...>$' "$T/z"
	grep -q 'state=S tracer=0' "$T/after"
}

@test "-c with -S and -U: strace's columns, heads and order; -O takes the overhead off every call" {
	# Times differ from run to run: the columns without them are compared.
	for opts in "-U name,calls,errors -S name" "-U calls,errors,name -S calls" "-U errors,name,calls -S errors" \
		"-U name,calls -S nothing" "-O 1s -U total-time,min-time,max-time,avg-time,name -S name"; do
		in_ns "strace -c $opts -o $T/s ls -l / /nonexistent > /dev/null 2>&1; \"$ZDIAG\" trace -c $opts -o $T/z ls -l / /nonexistent > /dev/null 2>&1" || true
		diff -u "$T/s" "$T/z" || { echo "differs with $opts"; false; }
	done
	# All the columns: the same heads and rules, the same rows
	in_ns "strace -c -U time-percent,total-time,min-time,max-time,avg-time,calls,errors,name -S name -o $T/s ls > /dev/null; \"$ZDIAG\" trace -c -U time-percent,total-time,min-time,max-time,avg-time,calls,errors,name -S name -o $T/z ls > /dev/null"
	diff <(head -2 "$T/s") <(head -2 "$T/z")
	diff <(awk '{print $6, $7, $8}' "$T/s") <(awk '{print $6, $7, $8}' "$T/z")
}

@test "-c counts system time by default and wall time with -w, both in the same table" {
	in_ns "\"$ZDIAG\" trace -c -o $T/sys ls -R /usr/share/doc > /dev/null; \"$ZDIAG\" trace -c -w -o $T/wall ls -R /usr/share/doc > /dev/null"
	head -1 "$T/sys" | grep -q '^% time     seconds  usecs/call     calls    errors syscall$'
	head -1 "$T/wall" | grep -q '^% time     seconds  usecs/call     calls    errors syscall$'
	# the same calls counted either way
	diff <(awk '{print $(NF-1), $NF}' "$T/sys" | sort) <(awk '{print $(NF-1), $NF}' "$T/wall" | sort) ||
		diff <(awk '$NF != "total" {print $NF}' "$T/sys" | sort) <(awk '$NF != "total" {print $NF}' "$T/wall" | sort)
}

@test "-A appends to the -o file; -o |CMD and -o !CMD pipe the trace to a command and wait for it" {
	in_ns "\"$ZDIAG\" trace -e trace=getpid -o $T/a $HELPERS/trace_sig handle; \"$ZDIAG\" trace -A -e trace=getpid -o $T/a $HELPERS/trace_sig handle"
	[ "$(grep -c '^getpid()' "$T/a")" = 2 ]
	in_ns "\"$ZDIAG\" trace -e trace=getpid -o '|tr a-z A-Z > $T/up' $HELPERS/trace_sig handle"
	grep -q '^GETPID()' "$T/up"
	grep -q '^+++ EXITED WITH 0 +++' "$T/up"
	in_ns "\"$ZDIAG\" trace -e trace=getpid -o '!wc -l > $T/wc' $HELPERS/trace_sig handle"
	[ "$(cat "$T/wc")" -ge 3 ]
	run zdiag trace -ff -o '|cat' true
	[ "$status" = 2 ]
	[ "${#lines[@]}" = 1 ]
}

@test "--tips prints a boxed tip on stderr at the end; format:none prints none; -V prints the version" {
	in_ns "\"$ZDIAG\" trace --tips=id:2 -e trace=none -o $T/z true 2> $T/err"
	grep -q '^ /  *\\$' "$T/err"
	grep -q 'JSON' "$T/err"
	! grep -q '^ |' "$T/z"
	in_ns "\"$ZDIAG\" trace --tips=format:none -e trace=none -o $T/z true 2> $T/err2"
	[ ! -s "$T/err2" ]
	run zdiag trace -V
	[ "$status" = 0 ]
	[[ "$output" == "zdiag trace -- version "* ]]
}

@test "bad values of the output options: one line, exit 2" {
	for opts in "-e quiet=bogus" "-e status=bogus" "-S bogus" "-U bogus" "-U ," "-O -1" "-O 1parsec" \
		"--absolute-timestamps=bogus" "--timestamps=format:ns" "--syscall-times=ks" "-a x" "-a 99999" \
		"--tips=format:huge" "--relative-timestamps=1"; do
		run zdiag trace $opts true
		[ "$status" = 2 ] || { echo "$opts: status $status"; false; }
		[ "${#lines[@]}" = 1 ] || { echo "$opts: ${#lines[@]} lines: $output"; false; }
		[[ "$output" == "zdiag trace: "* ]]
	done
}

@test "--pidns-translation (--decode-pids=pidns): a pid seen in another PID namespace gets its number in zdiag's, as strace shows it" {
	printf '%s\n' 'sh -c "kill -0 \$PPID; exit 3"' ':' > "$T/prog.sh"
	o="-f --pidns-translation -e trace=getpid,getppid,kill,exit_group"
	in_ns "strace $o -o $T/s unshare --pid --fork sh $T/prog.sh; \"$ZDIAG\" trace $o -o $T/z unshare --pid --fork sh $T/prog.sh"
	# Pids differ between the runs: number them in order of appearance.
	cat > "$T/norm.py" <<'PY'
import re, sys
seen = {}
def tok(m):
    return seen.setdefault(m.group(0), "P%d" % len(seen))
for line in open(sys.argv[1]):
    line = line.replace("strace's PID NS", "zdiag's PID NS")
    line = re.sub(r"^\d+", tok, line)
    line = re.sub(r"(?<=/\* )\d+(?= in zdiag's PID NS \*/)", tok, line)
    line = re.sub(r"(?<=si_pid=)\d+", tok, line)
    sys.stdout.write(re.sub(r" +", " ", line))
PY
	python3 "$T/norm.py" "$T/s" > "$T/s.n"
	python3 "$T/norm.py" "$T/z" > "$T/z.n"
	diff -u "$T/s.n" "$T/z.n"
	# And what it says is true: getpid's own number is the line's pid.
	grep -Eq '^P0 getpid\(\) = 1 /\* P0 in zdiag' "$T/z.n"
	grep -Eq "^P1 kill\(1 /\* P0 in zdiag's PID NS \*/, 0\) = 0" "$T/z.n"
}
