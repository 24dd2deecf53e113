#!/bin/sh
# make demo: stage real stuck zombies in a private PID namespace, explain
# them with `zdiag scan`, and clean up (every staged process dies with the
# namespace when the demo ends).  tests/lib/pidns makes the namespace (in a
# chroot too) or says in one line what is missing.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ZDIAG=$top/zdiag HELPERS=$top/build/helpers
export ZDIAG HELPERS
mode=$("$top/tests/lib/pidns" --mode) || {
	echo "zdiag demo: ${mode#none: }" >&2
	exit 1
}
ZDIAG_NS_MODE=$mode "$top/tests/lib/pidns" '
	set -e
	for s in parent-not-waiting waits-for-other sigchld-blocked d-state traced init-not-reaping; do
		"$HELPERS"/stage "$s" > /dev/null
	done
	echo "Staged 6 stuck zombies in a private PID namespace: a parent that never"
	echo "waits, one waiting for another child, SIGCHLD blocked, a leader whose"
	echo "thread is stuck in D state (vfork), a tracer that never waits, and a"
	echo "container-style PID 1 that does not reap.  Now: zdiag scan"
	echo
	"$ZDIAG" scan || true
'
echo "Demo over: the namespace is gone, and every staged process with it."
