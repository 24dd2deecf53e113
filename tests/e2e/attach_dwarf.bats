#!/usr/bin/env bats
# zdiag attach, source level (the DWARF library): print, ptype, info
# locals/args, frame/up/down on tests/helpers/dbg_vars (-O0 and -O2),
# compared with gdb on the same stop.  Targets run in a private PID
# namespace; afterwards they run on, untraced.

load '../lib/common'

setup() {
	require_pidns
	[ -x "$HELPERS/dbg_vars" ] || skip "helpers not built"
	command -v gdb >/dev/null || skip "gdb is not installed (make deps)"
}

PRELUDE='
# start_target VAR CMD...: start a helper, wait until it sleeps in its park loop.
start_target() {
	v=$1; shift
	"$@" > "$T/$v.out" 2>&1 &
	eval "$v=\$!"
	i=0; while ! grep -q ready "$T/$v.out" 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never ready" >&2; exit 99; }; sleep 0.01; done
	i=0; while ! grep -q "^230 " /proc/$!/syscall 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never parked" >&2; exit 98; }; sleep 0.01; done
}
# runs_untraced PID: sleeping or running, TracerPid 0.
runs_untraced() {
	st=$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$1/status)
	tr=$(sed -n "s/^TracerPid:\t//p" /proc/$1/status)
	case $st in S|R) ;; *) echo "state $st" >&2; return 1 ;; esac
	[ "$tr" = 0 ] || { echo "traced by $tr" >&2; return 1; }
}
'

@test "info locals, info args and print agree with gdb on the same stop (-O0 and -O2)" {
	for v in dbg_vars dbg_vars-O2; do
		T=$BATS_TEST_TMPDIR/$v in_ns "$PRELUDE"'
			mkdir -p $T
			start_target P '"$HELPERS/$v"'
			set -- "frame 4" "info locals" "info args" "frame 5" "info locals" "info args" "print *n" \
				"print g_list[0].tag" "print/x g_arr" "print n->next->v * 2" "print g_name" "print &g_counter"
			zargs=""; gargs=""
			for c in "$@"; do zargs="$zargs -e \"$c\""; gargs="$gargs -ex \"$c\""; done
			eval "\"$ZDIAG\" attach $P $zargs" > $T/ours.txt || exit 1
			runs_untraced $P || exit 2
			eval "gdb -nx -batch -p $P $gargs" 2>/dev/null | grep -E "^([A-Za-z_][A-Za-z0-9_]*|[$][0-9]+) = " > $T/gdb.txt
			runs_untraced $P || exit 3
			grep -E "^([A-Za-z_][A-Za-z0-9_]*|[$][0-9]+) = " $T/ours.txt > $T/ours.vals
			diff $T/gdb.txt $T/ours.vals || exit 4
			grep -q "^keep = 15$" $T/ours.vals || exit 5
			grep -q "^twice = 10$" $T/ours.vals || exit 6
			grep -q "^d = 2.5$" $T/ours.vals || exit 7
			kill $P
		'
	done
}

@test "frame, up and down number frames as gdb does (inline frames included)" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/dbg_vars-O2"
		"$ZDIAG" attach $P -e "frame 4" -e up -e up -e "down 2" > $T/ours.txt || exit 1
		runs_untraced $P || exit 2
		cat $T/ours.txt
		gdb -nx -batch -p $P -ex "frame 4" -ex up -ex up -ex "down 2" 2>/dev/null | grep "^#" > $T/gdb.txt
		# the same frame numbers, functions and FILE:LINE
		norm() { sed -E "s/^(#[0-9]+) +(0x[0-9a-f]+ in )?([^ ]+) .* at ([^ ]+)$/\1 \3 \4/"; }
		norm < $T/gdb.txt > $T/gdb.n
		norm < $T/ours.txt > $T/ours.n
		diff $T/gdb.n $T/ours.n || exit 3
		grep -q "^#5  leaf (a=5, d=2.5, s=0x[0-9a-f]* \"leafstr\", n=0x[0-9a-f]* <g_list>) at " $T/ours.txt || exit 4
		kill $P
	'
}

@test "ptype and errors: gdb's text, zdiag's diagnostics" {
	in_ns "$PRELUDE"'
		start_target P "$HELPERS/dbg_vars"
		"$ZDIAG" attach $P -e "frame 5" -e "ptype n" -e "ptype g_fn" -e "ptype g_color" > $T/ours.txt || exit 1
		gdb -nx -batch -p $P -ex "frame 5" -ex "ptype n" -ex "ptype g_fn" -ex "ptype g_color" 2>/dev/null |
			grep -E "^(type = |    |\})" > $T/gdb.txt
		grep -E "^(type = |    |\})" $T/ours.txt > $T/ours.t
		diff $T/gdb.txt $T/ours.t || exit 2
		run_rc=0
		"$ZDIAG" attach $P -e "print nosuch + 1" -e "print 1 / 0" -e "frame 99" > $T/out.txt 2> $T/err.txt || run_rc=$?
		cat $T/err.txt
		[ $run_rc = 1 ] || exit 3
		grep -qx "zdiag: no symbol \"nosuch\" in current context" $T/err.txt || exit 4
		grep -qx "zdiag: division by zero" $T/err.txt || exit 5
		grep -q "^zdiag: no frame 99" $T/err.txt || exit 6
		runs_untraced $P || exit 7
		kill $P
	'
}
