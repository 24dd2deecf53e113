# make static: ./zdiag-static, a fully statically linked zdiag to copy into
# another kernel's disk image (docs/check.md).  It holds the commands that
# need no shared-only library: check, scan and reap (plus help and
# __complete; reap is the one to copy into a container whose init does not
# reap);
# trace, attach and run are left out with -DZD_NO_TRACE -DZD_NO_ATTACH.
#
# It is built in its own directory from explicit source lists, never from
# the wildcards of the main build, so work on other subcommands (and their
# libraries: libunwind, libelf, capstone, readline) cannot break it.  It
# ignores SANITIZE= (the sanitizers cannot link statically).

STATIC_B := build/static
STATIC_LIB_SRCS := $(addprefix src/proc/,procfs.c reap.c scan.c subreaper.c verdict.c) \
	$(addprefix src/ptrace/,dbgline.c inject.c maps.c ptwait.c seccomp.c) \
	$(addprefix src/util/,esc.c json.c sig.c strbuf.c sysname.c xalloc.c) \
	$(sort $(wildcard src/check/*.c))
STATIC_CLI_SRCS := src/cli/err.c src/cli/opt.c src/cmd/cmd_scan.c src/cmd/cmd_reap.c src/cmd/cmd_check.c \
	src/cmd/cmd_complete.c \
	src/main.c
STATIC_OBJS := $(STATIC_LIB_SRCS:%.c=$(STATIC_B)/%.o) $(STATIC_CLI_SRCS:%.c=$(STATIC_B)/%.o)
STATIC_OPT ?= -O2 -g
STATIC_CFLAGS = -std=gnu11 -D_GNU_SOURCE -MMD -MP $(WARN) -Iinclude -I$(G) $(STATIC_OPT) \
	-DZD_NO_TRACE -DZD_NO_ATTACH

static: zdiag-static

zdiag-static: $(STATIC_B)/zdiag
	cp $< $@

$(STATIC_B)/zdiag: $(STATIC_OBJS)
	$(CC) -static -o $@ $(STATIC_OBJS) -lpthread

$(STATIC_B)/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) -c -o $@ $<

# The static build is part of what `make check` tests (tests/e2e/check_static.bats).
CHECK_PREREQS += zdiag-static

-include $(STATIC_OBJS:.o=.d)
BENCH_TARGETS += zdiag-static
