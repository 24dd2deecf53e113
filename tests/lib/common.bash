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

# zdiag ARGS: run the binary under test (ZDIAG_WRAP=valgrind ... wraps it).
zdiag() {
	${ZDIAG_WRAP:-} "$ZDIAG" "$@"
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

require_pidns() {
	require_root
	unshare --pid --fork --mount-proc true 2>/dev/null || skip "no PID namespaces"
}

# in_ns SCRIPT: run sh -c SCRIPT as PID 1 of a new PID namespace (own /proc).
# T (a private temp dir), ZDIAG, HELPERS and FIXTURES are exported to it.
in_ns() {
	T=${T:-$BATS_TEST_TMPDIR}
	export T
	timeout -k 5 120 unshare --pid --fork --mount-proc --kill-child sh -c "$1"
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
