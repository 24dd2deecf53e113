# zdiag trace: generated tables, the bench floor program, and the objects
# that need the generated headers before they compile.
#
#   build/gen/syscallent.h        src/trace/syscalls.in (+ sysnames.h)
#   build/gen/syscall-decoders.h  the decoder prototypes named there
#   build/gen/xlat-tables.h, xlat-defs.h src/trace/xlat/*.in

XLAT_INS := $(sort $(wildcard src/trace/xlat/*.in))
TRACE_GEN := $(G)/syscallent.h $(G)/syscall-decoders.h $(G)/xlat-tables.h $(G)/xlat-defs.h

# The name table also takes the syscalls newer than the installed headers.
$(G)/sysnames.h: src/gen/sysnames-extra.in

$(G)/syscallent.h: src/gen/gen-syscalls.sh src/trace/syscalls.in $(G)/sysnames.h
	@mkdir -p $(@D)
	sh src/gen/gen-syscalls.sh $(G)/sysnames.h src/trace/syscalls.in table > $@.tmp && mv $@.tmp $@

$(G)/syscall-decoders.h: src/gen/gen-syscalls.sh src/trace/syscalls.in $(G)/sysnames.h
	@mkdir -p $(@D)
	sh src/gen/gen-syscalls.sh $(G)/sysnames.h src/trace/syscalls.in decls > $@.tmp && mv $@.tmp $@

$(G)/xlat-tables.h: src/gen/gen-xlat.sh $(XLAT_INS)
	@mkdir -p $(@D)
	sh src/gen/gen-xlat.sh h $(XLAT_INS) > $@.tmp && mv $@.tmp $@

$(G)/xlat-defs.h: src/gen/gen-xlat.sh $(XLAT_INS)
	@mkdir -p $(@D)
	sh src/gen/gen-xlat.sh c $(XLAT_INS) > $@.tmp && mv $@.tmp $@

# Every object and unit test may include the trace headers (xlat.h pulls in
# the generated declarations): generate before compiling anything.
$(LIB_OBJS) $(CLI_OBJS) $(UNIT_BINS): | $(TRACE_GEN)

# The bench: the floor tracer and the workloads, -O2 (bench/trace.sh).
TRACE_BENCH := build/bench/ptrace_floor build/bench/trace_work
BENCH_TARGETS += $(TRACE_BENCH)
CLEAN_FILES +=
build/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -o $@ $<

# The simulated-old-kernel helper of tests/e2e/trace.bats links libseccomp.
build/helpers/trace_oldkernel: tests/helpers/trace_oldkernel.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -Itests/helpers -o $@ $< $(shell $(PKG_CONFIG) --libs libseccomp 2>/dev/null || echo -lseccomp) -pthread

# The agreement test (tests/agree/trace_agree.py, tests/e2e/trace_agree.bats)
# traces these real programs under strace and zdiag.
DEB_PKGS += sqlite3 curl wget zip unzip xz-utils bzip2 git perl tar gzip \
	coreutils findutils grep sed gawk make cpp
