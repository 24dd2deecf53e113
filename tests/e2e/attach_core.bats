#!/usr/bin/env bats
# zdiag attach --core FILE / gcore: ELF core files of a live process, read
# back by gdb, eu-stack and readelf.  Every target lives in a private PID
# namespace and must be running, untraced and unharmed afterwards.

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/attach_threads-O2" ] || skip "helpers not built"
	command -v gdb >/dev/null || skip "gdb is missing (make deps)"
	command -v eu-stack >/dev/null || skip "eu-stack is missing (make deps)"
}

PRELUDE="$(cat "$ROOT/tests/lib/attach.sh")"'
# unharmed PID: alive, no thread stopped, nobody traces it.
unharmed() {
	kill -0 $1 || { echo "$1 is gone" >&2; return 1; }
	not_stopped $1
}
# pcs FILE: one line per thread, "TID PC PC ...", sorted by TID, from the
# output of zdiag --bt, eu-stack or gdb (frames without a pc, gdb inline
# frames, are left out).
pcs() {
	awk "
		/^thread [0-9]+ / { t = \$2; next }
		/^TID [0-9]+:/ { t = \$2; sub(\":\", \"\", t); next }
		/^Thread [0-9]+ .*LWP [0-9]+/ { t = \$0; sub(/.*LWP /, \"\", t); sub(/[^0-9].*/, \"\", t); next }
		/^#[0-9]+ +0x[0-9a-f]+/ { p = \$2; sub(/^0x0*/, \"0x\", p); f[t] = f[t] \" \" p }
		END { for (k in f) if (k != \"\") print k f[k] }
	" "$1" | sort -n
}
# notes CORE: the note types of a core, one per line, in order.
notes() {
	readelf -nW "$1" | awk "/^ +(CORE|LINUX) +0x/ { print \$3 }"
}
'

@test "--core: gdb and eu-stack read the core's stacks as the live process shows them (-O0 and -O2)" {
	for v in attach_threads attach_threads-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"' 3
			for try in 1 2 3; do
				"$ZDIAG" attach $P --bt > $T/live.txt || exit 1
				eu-stack -p $P > $T/eu-live.txt 2>&1
				"$ZDIAG" attach $P --core $T/core > $T/saved.txt || exit 2
				unharmed $P || exit 3
				eu-stack --core $T/core -e '"$HELPERS/$v"' > $T/eu-core.txt 2>&1
				gdb -batch -nx -ex "thread apply all bt" '"$HELPERS/$v"' $T/core > $T/gdb.txt 2>&1
				pcs $T/live.txt > $T/live.pcs; pcs $T/eu-live.txt > $T/eu-live.pcs
				pcs $T/eu-core.txt > $T/eu-core.pcs; pcs $T/gdb.txt > $T/gdb.pcs
				# A worker between two sleeps moves: take all four again.
				cmp -s $T/live.pcs $T/eu-core.pcs && cmp -s $T/eu-live.pcs $T/eu-core.pcs && break
			done
			cat $T/saved.txt; cat $T/live.pcs
			grep -q "^saved core .*: 4 threads, " $T/saved.txt || exit 4
			[ $(wc -l < $T/live.pcs) = 4 ] || exit 5
			diff $T/live.pcs $T/eu-core.pcs || exit 6
			diff $T/eu-live.pcs $T/eu-core.pcs || exit 7
			# eu-stack names the same functions from the core as live.
			sed -E "s/^TID.*//; s/^PID.*//" $T/eu-live.txt > $T/eu-live.names
			sed -E "s/^TID.*//; s/^PID.*//" $T/eu-core.txt > $T/eu-core.names
			diff $T/eu-live.names $T/eu-core.names || exit 8
			# gdb stops at main: its pcs are a prefix of the live ones, thread by thread.
			[ $(wc -l < $T/gdb.pcs) = 4 ] || { cat $T/gdb.txt; exit 9; }
			while read -r g; do
				grep -q "^$g" $T/live.pcs || { echo "gdb: $g"; exit 10; }
			done < $T/gdb.pcs
			[ $(grep -c "in worker_wait ()\|^#[0-9]* *worker_wait ()" $T/gdb.txt) = 3 ] || { cat $T/gdb.txt; exit 11; }
			grep -q "main_wait ()" $T/gdb.txt || exit 12
			unharmed $P
		'
	done
}

@test "gcore in a session: every note the kernel writes, per thread and once per process" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads-O2" 2
		cd $T
		W=$(ls /proc/$P/task | sort -n | tail -1)
		"$ZDIAG" attach -q $P -e "thread $W" -e gcore -e "gcore $T/second" > $T/out.txt || exit 1
		cat $T/out.txt
		unharmed $P || exit 2
		[ -s $T/core.$P ] && [ -s $T/second ] || exit 3
		grep -q "^saved core .core.$P.: 3 threads" $T/out.txt || exit 4
		notes $T/core.$P | tee $T/notes.txt
		# PRSTATUS, the process notes, FP and XSTATE for the first thread; the other two follow.
		[ "$(head -8 $T/notes.txt | tr "\n" " ")" = "NT_PRSTATUS NT_PRPSINFO NT_SIGINFO NT_AUXV NT_FILE NT_FPREGSET NT_X86_XSTATE NT_PRSTATUS " ] || exit 5
		[ $(grep -c NT_PRSTATUS $T/notes.txt) = 3 ] && [ $(grep -c NT_FPREGSET $T/notes.txt) = 3 ] || exit 6
		[ $(grep -c NT_X86_XSTATE $T/notes.txt) = 3 ] || exit 7
		# and last NT_X86_XSAVE_LAYOUT (0x205, too new for readelf s names)
		[ $(wc -l < $T/notes.txt) = 14 ] || exit 8
		readelf -nW $T/core.$P | grep -q "LINUX .*Unknown note type: (0x00000205)" || exit 16
		# The current thread comes first (gdb selects it).
		eu-readelf -n $T/core.$P > $T/eu.txt
		[ "$(grep -o "[ p]pid: [0-9]*" $T/eu.txt | head -1)" = " pid: $W" ] || exit 9
		grep -q "fname: attach_threads" $T/eu.txt || exit 10
		grep -q "psargs: .*attach_threads-O2 2" $T/eu.txt || exit 11
		grep -q "SYSINFO_EHDR: 0x" $T/eu.txt || exit 12
		grep -q "attach_threads-O2$" $T/eu.txt || exit 13
		grep -q "libc.so.6$" $T/eu.txt || exit 14
		# The auxv note is the process s own.
		od -An -tx1 /proc/$P/auxv > $T/auxv.live
		python3 -c "
import sys, struct
d = open(sys.argv[1], \"rb\").read()
off, = struct.unpack_from(\"<Q\", d, 64 + 8)
size, = struct.unpack_from(\"<Q\", d, 64 + 32)
i = off
while i < off + size:
    nn, nd, ty = struct.unpack_from(\"<III\", d, i)
    d0 = i + 12 + (nn + 3) // 4 * 4
    if ty == 6:
        sys.stdout.buffer.write(d[d0:d0 + nd])
    i = d0 + (nd + 3) // 4 * 4
" $T/core.$P | od -An -tx1 > $T/auxv.core
		cmp $T/auxv.live $T/auxv.core || exit 15
		unharmed $P
	'
}

@test "a zombie leader with live threads: the core has the live threads, gdb and eu-stack show them" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads" 3 zleader
		i=0; while [ "$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$P/status)" != Z ]; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		"$ZDIAG" attach $P --core $T/core > $T/saved.txt || exit 1
		cat $T/saved.txt
		unharmed $P || exit 2
		grep -q "^saved core .*: 3 threads" $T/saved.txt || exit 3
		[ $(notes $T/core | grep -c NT_PRSTATUS) = 3 ] || exit 4
		eu-stack --core $T/core -e "$HELPERS/attach_threads" > $T/eu.txt 2>&1
		cat $T/eu.txt
		[ $(grep -c " worker_wait$" $T/eu.txt) = 3 ] || exit 5
		gdb -batch -nx -ex "thread apply all bt" "$HELPERS/attach_threads" $T/core > $T/gdb.txt 2>&1
		[ $(grep -c "in worker_wait ()" $T/gdb.txt) = 3 ] || { cat $T/gdb.txt; exit 6; }
		# the psinfo note says the leader is a zombie, its cmdline read through a live thread
		eu-readelf -n $T/core > $T/n.txt
		grep -q "sname: Z, zomb: 1" $T/n.txt || exit 7
		grep -q "psargs: .*attach_threads 3 zleader" $T/n.txt || exit 8
		unharmed $P
	'
}

@test "coredump_filter decides which mappings get their memory, as the kernel's own core" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads-O2" 2
		# filesz per mapping, in address order
		sizes() { readelf -lW "$1" | awk "/LOAD/ { print \$5 }" | tr "\n" " "; }
		"$ZDIAG" attach $P --core $T/default > /dev/null || exit 1
		echo 0 > /proc/$P/coredump_filter
		"$ZDIAG" attach $P --core $T/none > /dev/null || exit 2
		echo 0x37 > /proc/$P/coredump_filter
		"$ZDIAG" attach $P --core $T/private > /dev/null || exit 3
		unharmed $P || exit 4
		heap=$(grep -n "\[heap\]" /proc/$P/maps | cut -d: -f1)
		libc_text=$(grep -n "r-xp.*libc.so.6" /proc/$P/maps | cut -d: -f1)
		vdso=$(grep -n "\[vdso\]" /proc/$P/maps | cut -d: -f1)
		d=$(sizes $T/default); n=$(sizes $T/none); p=$(sizes $T/private)
		echo "default: $d"; echo "none:    $n"; echo "0x37:    $p"
		at() { echo "$1" | cut -d" " -f$2; }
		# 0x33: the heap, not libc s text; 0: neither; 0x37 (+ file-backed private): both
		[ $(at "$d" $heap) != 0x000000 ] && [ $(at "$d" $libc_text) = 0x000000 ] || exit 5
		[ $(at "$n" $heap) = 0x000000 ] && [ $(at "$n" $libc_text) = 0x000000 ] || exit 6
		[ $(at "$p" $heap) != 0x000000 ] && [ $(at "$p" $libc_text) != 0x000000 ] || exit 7
		# [vdso] is always written
		[ $(at "$n" $vdso) != 0x000000 ] || exit 8
		[ $(stat -c %s $T/none) -lt $(stat -c %s $T/default) ] || exit 9
		[ $(stat -c %s $T/default) -lt $(stat -c %s $T/private) ] || exit 10
		unharmed $P
	'
}

@test "the segments and their sizes equal a core the kernel writes of the same program" {
	[ "$(cat /proc/sys/kernel/core_pattern)" = core ] ||
		skip "kernel.core_pattern is '$(cat /proc/sys/kernel/core_pattern)', not 'core': no kernel core to compare with"
	in_ns "$PRELUDE"'
		cd $T
		ulimit -c unlimited
		start_target P "$HELPERS/attach_threads-O2" 2
		start_target K "$HELPERS/attach_threads-O2" 2
		"$ZDIAG" attach $P --core $T/ours > /dev/null || exit 1
		unharmed $P || exit 2
		kill -ABRT $K; wait $K
		k=$(ls $T/core* 2>/dev/null | head -1)
		[ -n "$k" ] || { echo "the kernel wrote no core (core_uses_pid? limits?)"; exit 3; }
		readelf -lW $T/ours | awk "/LOAD/ { print \$5, \$6, \$7, \$8 }" > $T/ours.seg
		readelf -lW $k | awk "/LOAD/ { print \$5, \$6, \$7, \$8 }" > $T/kernel.seg
		diff $T/kernel.seg $T/ours.seg || exit 4
		[ $(stat -c %s $k) = $(stat -c %s $T/ours) ] || exit 5
		[ "$(notes $k | sort | uniq -c)" = "$(notes $T/ours | sort | uniq -c)" ] || exit 6
		unharmed $P
	'
}

@test "bad input: no such pid, an unwritable FILE, --core with --bt; the target is unharmed" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/attach_threads-O2" 1
		"$ZDIAG" attach 999999 --core $T/x 2> $T/e1; rc=$?
		cat $T/e1
		[ $rc = 2 ] && grep -qx "zdiag: cannot attach to 999999: .*" $T/e1 && [ $(wc -l < $T/e1) = 1 ] || exit 1
		[ ! -e $T/x ] || exit 2
		"$ZDIAG" attach $P --core /nonexistent/dir/core > /dev/null 2> $T/e2; rc=$?
		cat $T/e2
		[ $rc = 1 ] && [ "$(cat $T/e2)" = "zdiag: cannot write core '\''/nonexistent/dir/core'\'': No such file or directory" ] || exit 3
		unharmed $P || exit 4
		"$ZDIAG" attach -q $P -e "gcore /nonexistent/dir/core" > /dev/null 2> $T/e3; rc=$?
		[ $rc = 1 ] && grep -qx "zdiag: cannot write core .*: No such file or directory" $T/e3 || exit 5
		"$ZDIAG" attach -q $P -e "gcore a b" 2> $T/e4; rc=$?
		[ $rc = 1 ] && grep -qx "zdiag: usage: gcore \[FILE\]" $T/e4 || exit 6
		"$ZDIAG" attach $P --core $T/y --bt 2> $T/e5; rc=$?
		[ $rc = 2 ] && grep -q "^zdiag attach: --core goes alone" $T/e5 || { cat $T/e5; exit 7; }
		unharmed $P
	'
}
