# Shell functions for in_ns scripts that attach to helper programs
# (tests/e2e/attach*.bats): PRELUDE="$(cat "$ROOT/tests/lib/attach.sh")".

# start_target VAR CMD...: run a helper in the background, wait for "ready".
start_target() {
	v=$1; shift
	"$@" > "$T/$v.out" 2>&1 &
	eval "$v=\$!"
	i=0; while ! grep -q ready "$T/$v.out" 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || { echo "target never ready" >&2; exit 99; }; sleep 0.01; done
}
# not_stopped PID: every thread runs or sleeps (no t/T) and nobody traces it.
not_stopped() {
	for s in /proc/$1/task/*/status; do
		info=$(cat $s 2>/dev/null) || continue   # a thread that just exited
		st=$(echo "$info" | sed -n "s/^State:\t\(.\).*/\1/p")
		tr=$(echo "$info" | sed -n "s/^TracerPid:\t//p")
		[ -n "$tr" ] || continue
		case $st in T|t) echo "$s is stopped ($st)" >&2; return 1 ;; esac
		[ "$tr" = 0 ] || { echo "$s traced by $tr" >&2; return 1; }
	done
}
