# zdiag reap: tests (tests/e2e/reap.bats), the long randomized run and the
# bench (bench/reap.sh).  tests/helpers/reap_parent.c is built by the
# Makefile's helpers rule.
#
# Randomized trials over the timing-sensitive parked calls (tests/trials/):
# every zombie gone, every parent alive, in the same state, untraced, and
# its own program content.  `make check` runs 3 per mode
# (tests/e2e/reap.bats); this is the long run.
REAP_TRIALS ?= 300
.PHONY: reap-trials
reap-trials: zdiag helpers
	unshare --pid --fork --mount-proc --kill-child \
		python3 tests/trials/reap_trials.py --trials $(REAP_TRIALS) --zdiag $(CURDIR)/zdiag \
		--helper $(CURDIR)/build/helpers/reap_parent
