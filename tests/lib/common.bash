# Shared helpers for the bats end-to-end tests (load 'lib/common').
#
# Every test that creates processes runs them with in_ns: the script runs as
# PID 1 of a fresh PID namespace with its own /proc, so everything it starts
# is killed and reaped when it returns, and a scan inside sees only the
# test's own processes.

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
ZDIAG=${ZDIAG:-$ROOT/zdiag}
HELPERS=${ZDIAG_HELPERS:-$ROOT/build/helpers}
FIXTURES=$ROOT/tests/fixtures
export ROOT ZDIAG HELPERS FIXTURES
# No test reaches a debuginfod server but its own (attach_debuginfod.bats
# sets DEBUGINFOD_URLS per command).
unset DEBUGINFOD_URLS

# zdiag ARGS: run the binary under test (ZDIAG_WRAP=valgrind ... wraps it).
zdiag() {
	${ZDIAG_WRAP:-} "$ZDIAG" "$@"
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# ns_mode: how tests/lib/pidns gives a test its PID namespace here
# in ZDIAG_NS_MODE: mount-proc, private-proc (a chroot), or "none: WHY".
# tests/run-test sets it once per file.
ns_mode() {
	[ -n "${ZDIAG_NS_MODE:-}" ] || ZDIAG_NS_MODE=$("$ROOT/tests/lib/pidns" --mode)
	export ZDIAG_NS_MODE
}

require_pidns() {
	require_root
	ns_mode
	case $ZDIAG_NS_MODE in none*) skip "${ZDIAG_NS_MODE#none: }" ;; esac
}

# require_private_mounts DIR: skip unless a mount made on DIR inside
# tests/lib/pidns stays in its mount namespace.  With unshare --mount-proc
# every mount is private; in a chroot (private-proc) only the mounts it can
# see are made private, and DIR on the root file system (when / is not a
# mount point) would propagate to the host if that mount is shared.
require_private_mounts() {
	require_pidns
	[ "$ZDIAG_NS_MODE" = mount-proc ] || findmnt -n -T "$1" > /dev/null 2>&1 ||
		skip "$1 is on the root file system of a chroot whose / is not a mount point: a mount there could reach the host (mount a tmpfs on /tmp, or bind-mount the root onto itself, before chroot)"
}

# in_ns SCRIPT: run sh -c SCRIPT as PID 1 of a new PID namespace (own /proc),
# through tests/lib/pidns (which also works in a chroot).
# T (a private temp dir), ZDIAG, HELPERS and FIXTURES are exported to it.
in_ns() {
	T=${T:-$BATS_TEST_TMPDIR}
	export T
	ns_mode
	# A guard against hangs, not a time limit: a test that loops over many
	# cases ran past 120 s under the sanitizers with five suites sharing
	# the two CPUs.
	timeout -k 5 "${ZD_NS_TIMEOUT:-300}" "$ROOT/tests/lib/pidns" "$1"
}

# jget FILE EXPR: evaluate a Python expression on the JSON document d.
#   jget out.json 'd["zombies"][0]["cause"]'
jget() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"
}

# json_valid FILE: the file is one valid JSON document.
json_valid() {
	python3 -m json.tool "$1" >/dev/null
}

# no_control_bytes FILE: no raw control bytes except newline and tab.
no_control_bytes() {
	! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n\t' < "$1")
}
