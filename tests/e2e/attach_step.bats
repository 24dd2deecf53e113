#!/usr/bin/env bats
# zdiag run/attach: source-level breakpoints (FILE:LINE, LINE, FUNC, *ADDR,
# tbreak, conditions) and stepping (next, step, finish, until, advance) on
# tests/helpers/step_target, compared with gdb on the same program: the
# sequence of lines and functions after each command must be gdb's.
# Targets run in a private PID namespace.

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/step_target" ] || skip "helpers not built"
	command -v gdb >/dev/null || skip "gdb is not installed (make deps)"
}

PRELUDE="$(cat "$ROOT/tests/lib/attach.sh")"'
# seq FILE: what a session showed after each step: source lines (L, with the text), new
# frames (F), values returned (V); gdb and zdiag print these the same way
# (but for libc'"'"'s function aliases: gdb names __snprintf __GI___snprintf).
seq() {
	awk "/^(Breakpoint [0-9]+, |thread [0-9]+ hit breakpoint )/ { skip = 1; next } skip { skip = 0; if (\$0 ~ /^[0-9]+\t/) next } { print }" "$1" | sed -nE -e "s/^([0-9]+)\t(.*)/L\1 \2/p" \
		-e "s/^(0x[0-9a-f]+ in )?([A-Za-z_][A-Za-z0-9_]*) \(.*\) at .*:([0-9]+)$/F\2:\3/p" \
		-e "s/^Value returned is [$][0-9]+ = (.*)/V\1/p" | sed "s/^F__GI_/F/"
}
# both PROGRAM CMD...: the same commands after "break $BRK" (work) + run, in gdb
# and zdiag; PROGRAM may carry arguments
both() {
	prog=$1; shift
	zargs=""; gargs=""
	for c in "$@"; do zargs="$zargs -e \"$c\""; gargs="$gargs -ex \"$c\""; done
	# away from the sources: relative paths are found through the compile directory
	cd $T
	eval "\"$ZDIAG\" run -q -e \"break ${BRK:-work}\" -e cont $zargs -- $prog" > $T/ours.txt 2>&1
	eval "gdb -nx -batch -ex \"break ${BRK:-work}\" -ex run $gargs --args $prog" > $T/gdb.txt 2>&1
	# gdb'"'"'s frame N also prints the source line; zdiag'"'"'s does not: FRAMESRC=drop leaves it out
	[ "${FRAMESRC:-}" != drop ] || sed -i "/^#[0-9]/{n;/^[0-9]\+\t/d}" $T/gdb.txt
	seq $T/ours.txt > $T/ours.seq
	seq $T/gdb.txt > $T/gdb.seq
	diff $T/gdb.seq $T/ours.seq
}
'

@test "next through a loop and out of the function: gdb's lines (-O0 and -O2)" {
	in_ns "$PRELUDE"'
		both "$HELPERS/step_target" next next next next next next "next 3" next next next next next "step 3" next next next || { cat $T/ours.txt; exit 1; }
		[ $(wc -l < $T/ours.seq) -ge 15 ] || { cat $T/ours.txt; exit 2; }
		grep -q "^L82 " $T/ours.seq || exit 3
		# a breakpoint in the middle of the line being stepped stops the step
		# (gdb): the jmp of the for loop, in the line after the first
		jmp=$(objdump -d "$HELPERS/step_target" | awk "/<work>:/ { f = 1 } f && /\tjmp / { sub(\":\", \"\", \$1); print \$1; exit }")
		start=$(nm "$HELPERS/step_target" | awk "\$3 == \"work\" { print \$1 }")
		off=$(printf "0x%x" $((0x$jmp - 0x$start)))
		both "$HELPERS/step_target" "break *work+$off" next next next || { cat $T/ours.txt; exit 5; }
		grep -q "^thread [0-9]* hit breakpoint 2 at .* in work+$off " $T/ours.txt || exit 6
		grep -q "^Breakpoint 2, work ()" $T/gdb.txt || exit 7
		# -O2: rows that are not statements are stepped through as gdb does
		set -- next next next next next next next next next next next next next next next next next next
		both "$HELPERS/step_target-O2" "$@" || { cat $T/ours.txt; exit 4; }
	'
}

@test "step into functions with line info, over libc calls, out to the caller: gdb's lines and frames" {
	in_ns "$PRELUDE"'
		set -- step step step step step step step step step step step step step step step step step step step step \
			step step step step step step step step step step step step step step step step step step step step \
			step step step step step step step step step step step step step step step step step step step step
		both "$HELPERS/step_target" "$@" || { cat $T/ours.txt; exit 1; }
		grep -q "^Fadd:33$" $T/ours.seq || exit 2
		grep -q "^Ffact:" $T/ours.seq || exit 3
		# through the PLT (and the lazy resolver) into libc: entered when its
		# debug info is installed (libc6-dbg), else stepped over; as gdb
		both "$HELPERS/step_target" "until 90" step step step step step step || { cat $T/ours.txt; exit 4; }
		! grep -q "_dl_runtime_resolve" $T/ours.txt || exit 5
	'
}

@test "finish prints gdb's values (int, recursion, double, char, small, float-pair and large struct) at -O0 and -O2" {
	for v in step_target step_target-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			both "$HELPERS/'$v'" "break add" cont finish "delete" "break fact if n == 1" cont finish finish \
				"break half" "break make_pair" "break make_big" cont finish cont finish cont finish || { cat $T/ours.txt; exit 1; }
			grep -q "^V2$" $T/ours.seq || grep -q "^V0$" $T/ours.seq || exit 2
			[ '$v' = step_target-O2 ] || grep -q "^V2.5$" $T/ours.seq || exit 3
			[ '$v' = step_target-O2 ] || grep -q "^V{a = 3, b = 3.5}$" $T/ours.seq || exit 4
			[ '$v' = step_target-O2 ] || grep -q "^V{v = {7, 8, 9, 10}}$" $T/ours.seq || exit 5
			# two floats in one SSE register, a char
			BRK=make_fpair both "$HELPERS/'$v'" finish "break letter" cont finish || { cat $T/ours.txt; exit 6; }
			grep -q "^V{x = 1.5, y = 2.5}$" $T/ours.seq || exit 7
			grep -q "^V99 '"'"'c'"'"'$" $T/ours.seq || exit 8
		'
	done
}

@test "until and advance: gdb's lines" {
	in_ns "$PRELUDE"'
		both "$HELPERS/step_target" next next until until until until "advance 86" "until 88" || { cat $T/ours.txt; exit 1; }
		grep -q "^L84 " $T/ours.seq || exit 2
		both "$HELPERS/step_target" "advance 83" "advance 85" "until 86" "until 87" "advance add" "advance 35" || { cat $T/ours.txt; exit 3; }
		grep -q "^Fwork:87$" $T/ours.seq || exit 4
	'
}

@test "break FUNC, FILE:LINE, LINE and *ADDR land where gdb puts them (-O0 and -O2)" {
	for v in step_target step_target-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			# each location alone (break, delete): several are one address at -O2
			set -- add twice fact half make_pair make_big work thread_hit wait_worker main step_target.c:78 \
				step_target.c:80 step_target.c:83 tests/helpers/step_target.c:86 89 "*half" write step_target.c:33 \
				step_target.c:120
			zargs=""; gargs=""
			for c in "$@"; do zargs="$zargs -e \"break $c\" -e delete"; gargs="$gargs -ex \"break $c\" -ex delete"; done
			eval "\"$ZDIAG\" run -q -e \"break main\" -e cont $zargs -- \"$HELPERS/'$v'\"" > $T/ours.txt 2>&1
			eval "gdb -nx -batch -ex \"break main\" -ex run $gargs --args \"$HELPERS/'$v'\"" > $T/gdb.txt 2>&1
			grep -oE "^breakpoint [0-9]+ at 0x[0-9a-f]+" $T/ours.txt | sed 1d | sed -E "s/.* at 0x/0x/" > $T/ours.addrs
			grep -oE "^Breakpoint [0-9]+ at 0x[0-9a-f]+" $T/gdb.txt | sed 1d | sed -E "s/.* at 0x/0x/" > $T/gdb.addrs
			[ $(wc -l < $T/ours.addrs) = $# ] || { cat $T/ours.txt; exit 1; }
			diff $T/gdb.addrs $T/ours.addrs || exit 2
		'
	done
}

@test "tbreak, conditions (true, false, failing), condition N, enable/disable, delete, bad locations" {
	in_ns "$PRELUDE"'
		P="$HELPERS/step_target"
		"$ZDIAG" run -q -e "tbreak add" -e cont -e "info breaks" -e "break add if a == 2" -e cont -e "print a" \
			-e "break fact" -e "condition 3 nosuch > 1" -e cont -e "condition 3 n == 2" -e cont -e "print n" -e "disable 2" \
			-e "info breaks" -e "delete" -e "info breaks" -e cont -- "$P" > $T/o.txt 2>&1 || { cat $T/o.txt; exit 1; }
		cat $T/o.txt
		grep -q "^temporary breakpoint 1 at" $T/o.txt || exit 2
		[ $(grep -c "hit breakpoint 1 " $T/o.txt) = 1 ] || exit 3
		grep -q "^\$1 = 2$" $T/o.txt || exit 4
		grep -q "^Error in testing condition for breakpoint 3:" $T/o.txt || exit 5
		grep -q "No symbol \"nosuch\" in current context" $T/o.txt || exit 6
		grep -q "^\$2 = 2$" $T/o.txt || exit 7
		grep -qE "^2 +0x[0-9a-f]+ 1 +add.* \[disabled\]$" $T/o.txt || exit 8
		grep -qE "^	stop only if n == 2$" $T/o.txt || exit 19
		[ $(grep -c "^no breakpoints$" $T/o.txt) = 2 ] || exit 9
		grep -q "^work=30$" $T/o.txt || exit 10
		# several breakpoints at one address (gdb allows them): each counts its hits,
		# the lowest number whose condition holds is reported, a tbreak among them
		# goes at the first stop, deleting one keeps the others
		"$ZDIAG" run -q -e "break add" -e "break step_target.c:33 if a == 1" -e "tbreak add" -e cont -e "info breaks" \
			-e "delete 1" -e cont -e "info breaks" -e "delete" -e cont -- "$P" > $T/o2.txt 2>&1 || { cat $T/o2.txt; exit 20; }
		cat $T/o2.txt
		[ "$(grep -c "^breakpoint 2 at .*step_target.c:33$" $T/o2.txt)" = 1 ] || exit 21
		[ "$(grep -c "hit breakpoint 1 at" $T/o2.txt)" = 1 ] || exit 22
		[ "$(grep -c "hit breakpoint 2 at" $T/o2.txt)" = 1 ] || exit 23
		grep -qE "^1 +0x[0-9a-f]+ 1 +add" $T/o2.txt || exit 24
		grep -qE "^2 +0x[0-9a-f]+ 0 +add" $T/o2.txt || exit 25
		grep -qE "^2 +0x[0-9a-f]+ 1 +add" $T/o2.txt || exit 26
		! grep -qE "^3 +0x" $T/o2.txt || exit 27
		grep -q "^work=30$" $T/o2.txt || exit 28
		# (run mode exits with the status of the program: the messages are checked)
		"$ZDIAG" run -q -e "break nosuch.c:3" -- "$P" 2> $T/e1 > /dev/null
		[ "$(cat $T/e1)" = "zdiag: no source file named '"'"'nosuch.c'"'"'" ] || { cat $T/e1; exit 12; }
		"$ZDIAG" run -q -e "break step_target.c:99999" -- "$P" 2> $T/e2 > /dev/null
		grep -q "out of range" $T/e2 || exit 14
		"$ZDIAG" run -q -e "break add if" -- "$P" 2> $T/e3 > /dev/null
		grep -q "argument required" $T/e3 || exit 16
		"$ZDIAG" run -q -e "delete 7" -- "$P" 2> $T/e4 > /dev/null
		grep -q "no breakpoint 7" $T/e4 || exit 18
	'
}

@test "a signal that does not stop (SIGALRM) arriving in the middle of a stepped line: its handler is stepped over, as gdb" {
	in_ns "$PRELUDE"'
		BRK=self_signal both "$HELPERS/step_target signal" next next next next next || { cat $T/ours.txt; exit 1; }
		! grep -q "^Fon_alarm" $T/ours.seq || exit 2
		grep -q "^Fmain:" $T/ours.seq || exit 3
	'
}

@test "another thread hitting a breakpoint ends a next (reported); after detach no int3 is left and the target runs on" {
	line=$(grep -n "^		wait_worker();" "$BATS_TEST_DIRNAME/../helpers/step_target.c" | cut -d: -f1)
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/step_target" threads
		line='"$line"'
		"$ZDIAG" attach $P -e "break step_target.c:$line" -e "poke zd_go 1" -e cont -e "break thread_hit" -e next \
			-e "delete 2" -e "next" -e "step" -e detach > $T/o.txt 2>&1 || { cat $T/o.txt; exit 1; }
		cat $T/o.txt
		grep -qE "hit breakpoint 1 at .*step_target.c:$line" $T/o.txt || exit 2
		grep -qE "^thread [0-9]+ hit breakpoint 2 at .* in thread_hit" $T/o.txt || exit 3
		i=0; while ! grep -q "^work=30" $T/P.out; do i=$((i+1)); [ $i -lt 500 ] || exit 97; sleep 0.01; done
		not_stopped $P || exit 4
		# the code of the functions in memory is the file'"'"'s, byte for byte
		python3 - "$P" "$HELPERS/step_target" <<"PY" || exit 5
import subprocess, sys
pid, exe = sys.argv[1], sys.argv[2]
base = None
for l in open(f"/proc/{pid}/maps"):
    f = l.split()
    if len(f) >= 6 and f[5].endswith("/step_target") and int(f[2], 16) == 0:
        base = int(f[0].split("-")[0], 16)
        break
syms = {}
for l in subprocess.run(["nm", "-S", exe], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if len(f) == 4 and f[2] in "tT":
        syms[f[3]] = (int(f[0], 16), int(f[1], 16))
data = open(exe, "rb").read()
mem = open(f"/proc/{pid}/mem", "rb")
for name in ("add", "twice", "work", "thread_hit", "wait_worker", "main"):
    off, size = syms[name]
    mem.seek(base + off)
    if mem.read(size) != data[off:off + size]:
        sys.exit(f"{name} differs")
PY
		kill $P
	'
}

@test "SIGTERM to zdiag during a long until: its internal breakpoints are taken out, the target runs on and finishes" {
	line=$(grep -n 'printf("work=' "$BATS_TEST_DIRNAME/../helpers/step_target.c" | cut -d: -f1)
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/step_target" park
		mkfifo $T/in
		"$ZDIAG" attach $P < $T/in > $T/o.txt 2>&1 & Z=$!
		exec 3> $T/in
		i=0; while ! grep -q attached $T/o.txt; do i=$((i+1)); [ $i -lt 500 ] || exit 98; sleep 0.01; done
		# main waits for zd_go in msleep: until that line never returns by itself
		echo "frame 3" >&3
		echo "until step_target.c:'"$line"'" >&3
		# attached, it is in a ptrace stop (t); running again once until runs
		i=0; while ! grep -q "^State:.[RS]" /proc/$P/status; do i=$((i+1)); [ $i -lt 500 ] || exit 97; sleep 0.01; done
		kill -TERM $Z
		wait $Z; rc=$?
		cat $T/o.txt
		[ $rc = 143 ] || exit 1
		grep -q "detached from $P" $T/o.txt || exit 2
		not_stopped $P || exit 3
		# no int3 left: the program, let go, finishes its work normally
		"$ZDIAG" attach $P -q -e "poke zd_go 1" > /dev/null || exit 4
		wait $P; rc=$?
		[ $rc = 0 ] || { cat $T/P.out; exit 5; }
		grep -q "^work=30$" $T/P.out || exit 6
	'
}

@test "nexti / ni: one instruction, a call run to its return; the pcs are gdb's" {
	in_ns "$PRELUDE"'
		cd $T
		{ echo "break main"; echo "run"; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo nexti; echo "p/x \$pc"; done; } > gdb.cmds
		sed "s/^run$/cont/; s/^nexti$/ni/" gdb.cmds > ours.cmds
		"$ZDIAG" run -q -- $HELPERS/step_target < ours.cmds > ours.txt 2>&1
		gdb -nx -batch -x gdb.cmds --args $HELPERS/step_target > gdb.txt 2>&1
		sed -nE "s/^[$][0-9]+ = (0x[0-9a-f]+)$/\1/p" ours.txt > ours.pc
		sed -nE "s/^[$][0-9]+ = (0x[0-9a-f]+)$/\1/p" gdb.txt > gdb.pc
		[ $(wc -l < gdb.pc) = 12 ] || { cat gdb.txt; exit 1; }
		diff gdb.pc ours.pc || { cat ours.txt; exit 2; }
		# the sequence went over a call (alarm): never inside libc
		! grep -q "^0x7f" ours.pc || exit 3
		objdump -d "$HELPERS/step_target" | grep -q "call.*<alarm@plt>" || exit 4
		# bad count: one line
		"$ZDIAG" run -q -e "nexti x" -- $HELPERS/step_target > bad.txt 2>&1
		grep -qx "zdiag: usage: nexti \[N\]" bad.txt || { cat bad.txt; exit 5; }
	'
}

@test "inlined functions (-O2): step enters them without running, next and finish run them, frame N then finish; gdb's lines and frames" {
	line=$(grep -n "sum += sq_plus(sum);" "$BATS_TEST_DIRNAME/../helpers/step_target.c" | cut -d: -f1)
	in_ns "$PRELUDE"'
		line='"$line"'
		P="$HELPERS/step_target-O2 inline"
		# the helper really has inline code where the steps go
		objdump --dwarf=info "$HELPERS/step_target-O2" | grep -q "DW_TAG_inlined_subroutine" || exit 1
		! objdump -d "$HELPERS/step_target-O2" | awk "/<inline_work>:/,/^\$/" | grep -q "call" || exit 2
		# step: into sq() at its first instruction (nothing run), out of it, into
		# sq_plus() and the sq() it inlines, out to inline_work, main and libc
		set -- step step step step step step step step step step step step step step step step step step step step \
			step step step step step
		BRK=inline_work both "$P" "$@" || { cat $T/ours.txt; exit 3; }
		grep -q "^Fsq:" $T/ours.seq || exit 4
		grep -q "^Fsq_plus:" $T/ours.seq || exit 5
		# a stop at a call site with sq() hidden: the call line alone, then step shows sq()
		grep -A1 "^L[0-9]* 		sum += sq(i);" $T/ours.seq | grep -q "^Fsq:" || exit 6
		# next: the inlined bodies are part of their lines
		set -- next next next next next next next next next next next next
		BRK=inline_work both "$P" "$@" || { cat $T/ours.txt; exit 7; }
		! grep -q "^Fsq" $T/ours.seq || exit 8
		# finish out of an inline frame: the same physical frame, no value
		BRK=inline_work both "$P" step step finish next step step step finish step step step step finish finish || { cat $T/ours.txt; exit 9; }
		grep -q "^Run till exit from #0  sq (" $T/ours.txt || exit 10
		grep -A1 "^Run till exit from #0  sq (" $T/ours.txt | grep -q "^inline_work (" || exit 11
		! grep -A3 "^Run till exit from #0  sq (" $T/ours.txt | grep -q "^Value returned" || exit 12
		# from a breakpoint inside the nested inline code; frame 1 (sq_plus) then
		# finish leaves sq_plus; up, then step and next use the innermost frame
		FRAMESRC=drop BRK=step_target.c:$line both "$P" step step "frame 1" finish step step up step next finish || { cat $T/ours.txt; exit 13; }
		grep -q "^Run till exit from #1  sq_plus (" $T/ours.txt || exit 14
		FRAMESRC=drop BRK=step_target.c:$line both "$P" step "up" next next "up" step step || { cat $T/ours.txt; exit 15; }
		# libc at -O2 is full of inlined functions, nested ones starting at the same
		# pc (outstring_func and IO_validate_vtable in vfprintf): 180 steps from work(),
		# up to strlen (whose AVX2 code branches on the stack address: not the same in gdb)
		set --; while [ $# -lt 180 ]; do set -- "$@" step; done
		both "$HELPERS/step_target-O2" "$@" || { cat $T/ours.txt; exit 19; }
		[ $(wc -l < $T/ours.seq) -ge 240 ] || exit 20
		# finish from strchrnul back into vfprintf: a pc where the line table switches
		# files at one address (gdb's end marker drops the first file's row)
		set --; while [ $# -lt 60 ]; do set -- "$@" step; done
		both "$HELPERS/step_target-O2" "$@" next next finish next next finish next next finish next next finish || { cat $T/ours.txt; exit 21; }
		grep -q "^F__vfprintf_internal:763" $T/ours.seq || exit 22
		# finish with an inline frame of an outer physical frame selected: the call
		# inside it is run to its return, then the steps go on out of the inline
		# function (__find_specmb, inlined into vfprintf, calls strchrnul)
		FRAMESRC=drop both "$HELPERS/step_target-O2" "break __strchrnul_avx2" cont up finish next next || { cat $T/ours.txt; exit 23; }
		grep -q "^Run till exit from #1  0x[0-9a-f]* in __find_specmb (" $T/ours.txt || exit 24
		grep -q "^F__vfprintf_internal:" $T/ours.seq || exit 25
		# a user breakpoint where sq() starts: its stop shows sq(); disabled, it hides nothing
		line234=$((line - 1))
		BRK=inline_work both "$P" "break step_target.c:$line234" "disable 2" step step step step || { cat $T/ours.txt; exit 28; }
		BRK=inline_work both "$P" "break step_target.c:$line234" cont step step "delete 2" step step step || { cat $T/ours.txt; exit 29; }
		# -O0: sq() is a call, sq_plus() (always_inline) is inlined even there
		set -- next next next next next next step step step step step step step step step step step step step step \
			step step step step
		BRK=inline_work both "$HELPERS/step_target inline" "$@" || { cat $T/ours.txt; exit 16; }
		grep -A1 "^L$line " $T/ours.seq | grep -q "^Fsq_plus:" || exit 17
		# sq_plus (inlined) calls sq (a call at -O0): up from sq, finish leaves sq_plus
		FRAMESRC=drop BRK=step_target.c:$((line - 13)) both "$HELPERS/step_target inline" step step up finish next next || { cat $T/ours.txt; exit 26; }
		grep -q "^Run till exit from #1  0x[0-9a-f]* in sq_plus (" $T/ours.txt || exit 27
	'
}
