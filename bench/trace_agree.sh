#!/bin/sh
# make bench: how far `zdiag trace` agrees with strace 6.1, line for line,
# on the real programs of tests/agree/trace_agree.py (issue 11): per program
# the strace-vs-strace and zdiag-vs-strace agreement, and the corpus total.
# Prints the table; does not fail the bench when the goal is not met.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
python3 "$ROOT/tests/agree/trace_agree.py" "$@"
echo "(trace_agree: exit $? ; 0 = goal met)"
