# zdiag attach / run: the ptrace debugger (issue 4).
#
# libdw gives FILE:LINE from DWARF (symbols and unwinding do not need it).
PKGS += libdw
DEB_PKGS += libdw-dev

# Missing debug files come from debuginfod (src/ptrace/debuginfod.c): the
# library is dlopen()ed, its header is libdebuginfod-dev's; the test
# (tests/e2e/attach_debuginfod.bats) runs a local `debuginfod` server in a
# network namespace (ip: iproute2) and asks it with curl.
DEB_PKGS += libdebuginfod-dev debuginfod iproute2 curl

# Helper variants: the same programs built -O2 (inlining, no frame pointer).
ATTACH_O2_HELPERS := build/helpers/attach_chain-O2 build/helpers/attach_threads-O2
CHECK_PREREQS += $(ATTACH_O2_HELPERS)
# bench/attach.sh stops attach_threads-O2.
BENCH_TARGETS += $(ATTACH_O2_HELPERS)
build/helpers/attach_%-O2: tests/helpers/attach_%.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(subst -O0,-O2,$(HELPER_CFLAGS)) -Itests/helpers -o $@ $< -pthread

# And without any CFI (.eh_frame), frame pointers kept: the unwinder's
# frame-pointer fallback must carry the walk.
ATTACH_NOCFI_HELPERS := build/helpers/attach_chain-nocfi
CHECK_PREREQS += $(ATTACH_NOCFI_HELPERS)
build/helpers/attach_%-nocfi: tests/helpers/attach_%.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -fno-asynchronous-unwind-tables -fno-unwind-tables -Itests/helpers -o $@ $< -pthread

# Randomized trials of every way a debugger session ends (tests/trials/):
# the target must stay alive, running, untraced.  `make check` runs a few
# per path (tests/e2e/attach_trials.bats); this is the long run.
TRIALS ?= 200
.PHONY: trials
trials: zdiag helpers
	unshare --pid --fork --mount-proc --kill-child \
		python3 tests/trials/bp_trials.py --trials $(TRIALS) --zdiag $(CURDIR)/zdiag \
		--target $(CURDIR)/build/helpers/bp_target

# The DWARF library's target (tests/unit/test_dwarf.c), also built -O2.
DWARF_O2_HELPERS := build/helpers/dbg_vars-O2 build/helpers/step_target-O2
CHECK_PREREQS += $(DWARF_O2_HELPERS)
build/helpers/dbg_%-O2: tests/helpers/dbg_%.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(subst -O0,-O2,$(HELPER_CFLAGS)) -Itests/helpers -o $@ $< -pthread
# Stepping (tests/e2e/attach_step.bats): break FUNC and finish at -O2.
build/helpers/step_%-O2: tests/helpers/step_%.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(subst -O0,-O2,$(HELPER_CFLAGS)) -Itests/helpers -o $@ $< -pthread

# make bench (bench/dwarf.sh): the first `info locals` on Debian's python3.11
# with its debug file, zdiag against gdb.
BENCH_DEB_PKGS += python3.11-dbg
