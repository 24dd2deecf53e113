#!/usr/bin/env bats
# zdiag attach: gdb's source and data commands (list, x/NFU, bt full,
# info frame, info registers, display) on tests/helpers/dbg_vars (-O0 and
# -O2), compared with gdb on the same stop.  Targets run in a private PID
# namespace; afterwards they run on, untraced.

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/dbg_vars" ] || skip "helpers not built"
	command -v gdb >/dev/null || skip "gdb is not installed (make deps)"
}

PRELUDE='
start_target() {
	v=$1; shift
	"$@" > "$T/$v.out" 2>&1 &
	eval "$v=\$!"
	i=0; while ! grep -q ready "$T/$v.out" 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never ready" >&2; exit 99; }; sleep 0.01; done
	i=0; while ! grep -q "^230 " /proc/$!/syscall 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never parked" >&2; exit 98; }; sleep 0.01; done
}
runs_untraced() {
	st=$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$1/status)
	tr=$(sed -n "s/^TracerPid:\t//p" /proc/$1/status)
	case $st in S|R) ;; *) echo "state $st" >&2; return 1 ;; esac
	[ "$tr" = 0 ] || { echo "traced by $tr" >&2; return 1; }
}
# both P OUT CMD...: zdiag into $T/OUT.z, gdb into $T/OUT.g (after an @@ marker)
both() {
	p=$1; o=$2; shift 2
	n=$#
	for c in "$@"; do set -- "$@" -e "$c"; done
	shift $n
	"$ZDIAG" attach $p "$@" > $T/$o.z 2>$T/$o.zerr || { cat $T/$o.zerr >&2; return 1; }
	runs_untraced $p || return 2
	n=$#
	for c in "$@"; do [ "$c" = -e ] && set -- "$@" -ex || set -- "$@" "$c"; done
	shift $n
	gdb -nx -batch -p $p -ex "echo @@\\n" "$@" 2>/dev/null | sed -n "/^@@$/,\$p" | sed 1d > $T/$o.g
	runs_untraced $p || return 3
}
'

@test "list, list, list -, list FUNC, list FILE:LINE, list N,M: gdb's lines" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			# gdb prints the frame'"'"'s source line after "frame 5": list it first on both sides
			both $P l "frame 5" "list" "list" "list -" "list leaf" "list dbg_vars.c:100" "list 10,12" "list 30," || exit 1
			grep -P "^\d+\t" $T/l.g | sed 1d > $T/g.txt
			grep -P "^\d+\t" $T/l.z > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			[ $(wc -l < $T/z.txt) = 63 ] || exit 5
			grep -qP "^87\t\t\tkeep \+= mid\(a\);$" $T/z.txt || exit 6
			kill $P
		'
	done
}

@test "x/NFU: the same lines as gdb (x d u o t a c f s; x/2i addresses; a bare x goes on)" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			both $P x "frame 5" "x/4gx &g_arr" "x/8xb &g_arr" "x/s g_name" "x/3dw g_arr" "x" "x/2c g_buf" \
				"x/2a \$sp" "x/fg &g_pi" "x/3tb &g_uc" "x/2o g_arr" "x/uh g_arr" "x/2s g_buf" "x/3ub g_buf" || exit 1
			grep "^0x" $T/x.g > $T/g.txt
			grep "^0x" $T/x.z > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			grep -qP "^0x[0-9a-f]+ <g_arr>:\t0x0000000200000001\t0x0000000400000003$" $T/z.txt || exit 5
			grep -qP "^0x[0-9a-f]+ <g_buf\+6>:\t\"\"$" $T/z.txt || exit 6
			# instructions: the same addresses and the same => line
			both $P i "frame 5" "x/2i \$pc" "x" || exit 7
			grep -E "^(=> |   )0x" $T/i.g | sed "s/:\t.*//" > $T/g.txt
			grep -E "^(=> |   )0x" $T/i.z | sed "s/:\t.*//" > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 8
			[ $(wc -l < $T/z.txt) = 4 ] || exit 9
			kill $P
		'
	done
}

@test "bt full, bt N, bt -N: gdb's frames (inline ones included) and locals" {
	for v in "dbg_vars 8" "dbg_vars-O2 5"; do
		set -- $v
		T=$BATS_TEST_TMPDIR/$1 in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$1"'
			both $P b "bt full -'"$2"'" "bt 6" "bt -2" || exit 1
			# frames 0-2 are libc (gdb names __GI_ aliases): the tail of bt 6 and the rest
			# gdb'"'"'s a=a@entry=5 (entry values) are not shown by zdiag'"'"'s frame lines
			grep -E "^(#[3-9]|#1[0-9]|        )" $T/b.g | sed -E "s/([a-z_]+)=\1@entry=/\1=/g" > $T/g.txt
			grep -E "^(#[3-9]|#1[0-9]|        )" $T/b.z > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			grep -q "^#4  0x[0-9a-f]* in mid (m=5) at .*dbg_vars.c:68\|^#4  mid (m=5) at .*dbg_vars.c:68" $T/z.txt || { cat $T/z.txt; exit 5; }
			grep -q "^        twice = 10$" $T/z.txt || exit 6
			grep -q "^        blockvar = 105$" $T/z.txt || exit 7
			grep -q " in main (" $T/z.txt || exit 8
			grep -q "_start\|__libc_start" $T/b.z && exit 9
			kill $P
		'
	done
}

@test "plain bt shows inline frames as gdb numbers and places them (-O0 and -O2)" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			both $P b "bt" || exit 1
			# frame number, function, FILE:LINE from #2 (libc'"'"'s names are aliases) to main
			upto_main() { awk "/^#[0-9]/ { print } / in main[ (+]|^#[0-9]+ +main /{ exit }" | sed 1,2d; }
			upto_main < $T/b.g | sed -E "s/^(#[0-9]+) +(0x[0-9a-f]+ in )?([^ ]+) .* at (.*)$/\1 \3 \4/" > $T/g.txt
			upto_main < $T/b.z | sed -E "s/^(#[0-9]+) +0x[0-9a-f]+ in ([^ +]+)(\+0x[0-9a-f]+)?( \[inlined\])? \([^)]*\) at (.*)$/\1 \2 \5/" > $T/z.txt
			cat $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			grep -qx "#4 mid tests/helpers/dbg_vars.c:68" $T/z.txt || exit 5
			grep -qx "#5 leaf tests/helpers/dbg_vars.c:87" $T/z.txt || exit 6
			grep -q "^#4  0x[0-9a-f]* in mid \[inlined\] (dbg_vars[-O2]*) at " $T/b.z || exit 7
			kill $P
		'
	done
}

@test "info frame: gdb's frame address, rip, saved rip, caller and callee, argument base, saved registers" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			both $P f "info frame" "frame 5" "info frame" "frame 6" "info frame" || exit 1
			# frame 0 is libc'"'"'s (gdb names it __GI___clock_nanosleep); the argument values differ by @entry
			key() { grep -E "^(Stack level| rip = | called by| caller of| Saved registers|  [a-z0-9]+ at )" $1 |
				sed -E "s/ in (__GI_)?_*clock_nanosleep / in clock_nanosleep /"
				grep -oE "(Arglist at|Locals at|Previous frame.s sp is) 0x[0-9a-f]*" $1; }
			key $T/f.g > $T/g.txt
			key $T/f.z > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			[ $(grep -c "^Stack level" $T/z.txt) = 3 ] || exit 6
			[ $(grep -c "^Arglist at" $T/z.txt) = 3 ] || exit 7
			grep -q "^ rip = 0x[0-9a-f]* in leaf (tests/helpers/dbg_vars.c:87); saved rip = 0x" $T/z.txt || exit 5
			kill $P
		'
	done
}

@test "info registers REG, p \$rip, p/x \$rsp in the selected frame: gdb's text" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			both $P r "info registers rip" "p \$rip" "p/x \$rsp" "p \$rsp" "info registers rax rsp eflags cs" \
				"frame 5" "info registers rip" "p \$rip" "p/x \$rsp" "p \$sp" "info registers rbp" "info registers" || exit 1
			# libc'"'"'s symbol: gdb names the DWARF alias (__GI___clock_nanosleep), zdiag the ELF symbol
			libc() { sed -E "s/ <(__GI___)?clock_nanosleep\+[0-9]+>$//"; }
			grep -E "^([a-z0-9_]+ +0x|[$][0-9]+ = )" $T/r.g | libc > $T/g.txt
			grep -E "^([a-z0-9_]+ +0x|[$][0-9]+ = )" $T/r.z | libc > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			[ $(wc -l < $T/z.txt) = 37 ] || exit 5
			kill $P
		'
	done
}

@test "display: re-printed after every stepi as gdb; undisplay, info display" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			both $P d "display g_counter" "display/x g_arr[1]" "display/i \$pc" "info display" "stepi" \
				"undisplay 1" "stepi" "info display" || exit 1
			# gdb -batch does not show a display when it is created; zdiag does (as gdb at a prompt)
			grep -E "^[0-9]+: " $T/d.g > $T/g.txt
			grep -E "^[0-9]+: " $T/d.z | sed 1,3d > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 4
			grep -E "^([0-9]+: +y|Num|Auto)" $T/d.g > $T/g.txt
			grep -E "^([0-9]+: +y|Num|Auto)" $T/d.z > $T/z.txt
			diff $T/g.txt $T/z.txt || exit 5
			[ $(grep -c "^1: g_counter = 42$" $T/d.z) = 2 ] || exit 6
			[ $(grep -c "^2: /x g_arr\[1\] = 0x2$" $T/d.z) = 3 ] || exit 7
			# the instruction display: the same addresses as gdb
			grep -E "^=> 0x" $T/d.g | sed -E "s/^=> (0x[0-9a-f]+).*/\\1/" > $T/g.txt
			grep -E "^=> 0x" $T/d.z | sed 1d | sed -E "s/^=> (0x[0-9a-f]+).*/\\1/" > $T/z.txt
			[ $(wc -l < $T/z.txt) = 2 ] || exit 9
			diff $T/g.txt $T/z.txt || exit 8
			kill $P
		'
	done
}

@test "bad input: one-line errors, no crash, the target runs on untraced" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/dbg_vars"
		for c in "x/2q 0" "x/4xw 0" "x/5000x &g_arr" "list nosuch" "list 99999" "list nosuch.c:3" "undisplay 9" \
			"undisplay x" "display/qq g_counter" "x/s" "bt full 1 2 3" "info registers nosuch" "display nosuch_var" "info frame 1"; do
			"$ZDIAG" attach $P -q -e "frame 5" -e "$c" > $T/o.txt 2> $T/e.txt; rc=$?
			runs_untraced $P || exit 2
			case $c in
			"display nosuch_var")
				# gdb keeps the display and shows the error in its place
				grep -q "^1: nosuch_var = <error: no symbol \"nosuch_var\" in current context>$" $T/o.txt || { cat $T/o.txt; exit 3; } ;;
			"info frame 1") [ $rc = 0 ] || true ;;
			*)
				[ $rc != 0 ] || { echo "$c: rc 0" >&2; exit 4; }
				[ $(wc -l < $T/e.txt) = 1 ] || { echo "$c:"; cat $T/e.txt; exit 5; }
				grep -q "^zdiag: " $T/e.txt || exit 6 ;;
			esac
		done
		"$ZDIAG" attach $P -q -e "x/2q 0" 2>&1 | grep -qx "zdiag: undefined output format \"q\"" || exit 7
		"$ZDIAG" attach $P -q -e "x/4xw 0" 2>&1 | grep -qx "zdiag: cannot access memory at address 0x0" || exit 8
		"$ZDIAG" attach $P -q -e "list nosuch" 2>&1 | grep -qx "zdiag: function \"nosuch\" not defined" || exit 9
		kill $P
	'
}

@test "list escapes control bytes of the source file; a missing file is one line as gdb" {
	command -v cc >/dev/null || skip "no C compiler"
	in_ns "$PRELUDE"'
		mkdir -p $T/src && cd $T/src
		printf "#include <stdio.h>\n#include <unistd.h>\n/* \033[31mred\033[0m \001 */\nint main(void)\n{\n\tputs(\"ready\");\n\tfflush(stdout);\n\tfor (;;)\n\t\tsleep(1);\n}\n" > esc.c
		cc -g -O0 -o esc esc.c || exit 1
		start_target P ./esc
		"$ZDIAG" attach $P -e "list main" -e "frame 0" -e "list" > $T/o.txt || exit 2
		runs_untraced $P || exit 3
		cat -v $T/o.txt
		grep -qF "3	/* \\33[31mred\\33[0m \\1 */" $T/o.txt || exit 4
		! grep -q "$(printf "\033")" $T/o.txt || exit 5
		# frame 0 is in libc, whose sources are not here: one line, as gdb
		# (gdb says it once, when it shows frame 0, and then lists nothing: compare the text after the number)
		gdb -nx -batch -p $P -ex "frame 0" -ex "list" 2>&1 | grep -P "^\d+\t.*: No such file or directory\.$" | cut -f2- > $T/g.txt
		grep -P "^\d+\t.*: No such file or directory\.$" $T/o.txt > $T/z.l
		[ $(wc -l < $T/z.l) = 1 ] || exit 6
		[ -s $T/g.txt ] || { echo "gdb found the libc sources: nothing to compare"; kill $P; exit 0; }
		cut -f2- $T/z.l | diff $T/g.txt - || exit 7
		kill $P
	'
}
