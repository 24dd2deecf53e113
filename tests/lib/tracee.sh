# Shell functions for the scripts that tests/e2e/trace*.bats run in a PID
# namespace (in_ns runs sh, so no exported bash functions): the tests
# prepend "$FUNCS" (this file's text) to a script that needs them.
#   not_stopped PID      every thread of PID runs or sleeps; nobody traces it
#   none_stopped         no thread in the namespace is stopped (t or T)
#   wait_file FILE PAT   wait (up to 10 s) until FILE has a line matching PAT
#   advances FILE        the counter in FILE goes up (within 10 s): the process runs
none_stopped() {
	for f in /proc/[0-9]*/task/*/stat; do
		st=$(sed -n "s/.*) \(.\) .*/\1/p" "$f" 2> /dev/null) || continue
		case "$st" in t|T) echo "$f is stopped ($st)" >&2; return 1 ;; esac
	done
	return 0
}
not_stopped() {
	for s in /proc/$1/task/*/status; do
		st=$(sed -n "s/^State:\t\(.\).*/\1/p" "$s") || continue
		tr=$(sed -n "s/^TracerPid:\t//p" "$s")
		case "$st" in t|T) echo "$s is stopped ($st)" >&2; return 1 ;; esac
		[ "$tr" = 0 ] || { echo "$s traced by $tr" >&2; return 1; }
	done
}
wait_file() {
	for i in $(seq 200); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for $2 in $1" >&2
	return 1
}
# advances FILE: the counter in FILE goes up (within 10 s): the process runs.
advances() {
	a=$(cat "$1")
	for i in $(seq 200); do
		[ "$(cat "$1")" -gt "$a" ] && return 0
		sleep 0.05
	done
	echo "$1 stayed at $a" >&2
	return 1
}
