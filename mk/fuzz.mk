# make fuzz: libFuzzer harnesses for every parser of hostile input.
#
#   make fuzz                     build every tests/fuzz/fuzz_NAME.c with
#                                 clang -fsanitize=fuzzer,address,undefined
#                                 and run each for FUZZ_SECONDS; fails on a crash
#   make fuzz FUZZ_SECONDS=600    longer
#   make fuzz FUZZ_ONLY=decode    one harness
#   make fuzz-build               build only (build/fuzz/fuzz_NAME)
#   make fuzz-deps                install the fuzzing packages (root; apt-get)
#
# Adding a harness: one file tests/fuzz/fuzz_NAME.c (LLVMFuzzerTestOneInput,
# see tests/fuzz/fuzz.h) and a seed directory tests/fuzz/corpus/NAME/
# (optional: a libFuzzer dictionary tests/fuzz/NAME.dict).
# Nothing else: both the fuzzer and its `make check` replay
# (build/<config>/tests/fuzz/replay_NAME, run by tests/e2e/hostile.bats over
# tests/fuzz/corpus/NAME and tests/fuzz/regress/NAME) come from the file.
# A harness that needs objects outside libzdiag.a/libzdcli.a (a front-end's
# parser in src/cmd/) lists their sources in FUZZ_SRCS_NAME, e.g.
#   FUZZ_SRCS_debugcmd := src/cmd/cmd_attach.c
#
# The library objects for fuzzing live in build/fuzz/ (instrumented with
# -fsanitize=fuzzer-no-link); the working corpus libFuzzer grows goes to
# build/fuzz/corpus/NAME (seeds stay untouched), crashes to
# build/fuzz/crash-NAME-*: copy a crash into tests/fuzz/regress/NAME/ once
# fixed so `make check` replays it forever.

FUZZ_DEB_PKGS := clang libclang-rt-14-dev
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?= -rss_limit_mb=1024 -malloc_limit_mb=256 -timeout=20 -print_final_stats=1
FUZZ_ONLY ?=

FB := build/fuzz
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
ifneq ($(FUZZ_ONLY),)
FUZZ_RUN := $(filter $(FUZZ_ONLY),$(FUZZ_NAMES))
else
FUZZ_RUN := $(FUZZ_NAMES)
endif
FUZZ_BINS := $(FUZZ_NAMES:%=$(FB)/fuzz_%)
REPLAY_BINS := $(FUZZ_NAMES:%=$(B)/tests/fuzz/replay_%)

FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -s 0 shows up to ZD_DEC_STRMAX bytes per buffer (1 MiB); quoting that
# under coverage instrumentation makes 40 execs/s.  The fuzz build caps at
# 16 KiB: the same code paths, 50 times faster.
FUZZ_DEFS := -DZD_DEC_STRMAX=16384
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -MMD -MP $(WARN) -Wno-error -Wno-format-nonliteral $(FUZZ_DEFS) -Iinclude -I$(G) \
	$(PKG_CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FB)/%.o)
FUZZ_CLI_OBJS := $(CLI_LIB_SRCS:%.c=$(FB)/%.o)

.PHONY: fuzz fuzz-build fuzz-deps

# The main `deps` recipe, over this list.
fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(FUZZ_DEB_PKGS)"

fuzz-build: $(FUZZ_BINS)

# Each harness runs FUZZ_SECONDS on one CPU (no -jobs/-fork: one process);
# libFuzzer exits non-zero on a crash, leak, timeout or over-sized malloc.
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@for n in $(FUZZ_RUN); do \
		mkdir -p $(FB)/corpus/$$n tests/fuzz/corpus/$$n; \
		echo "== fuzz_$$n: $(FUZZ_SECONDS)s"; \
		dict=; [ -e tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
		$(FB)/fuzz_$$n $(FUZZ_FLAGS) $$dict -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=$(FB)/crash-$$n- \
			$(FB)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

$(FB)/libzdiag.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FB)/libzdcli.a: $(FUZZ_CLI_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FB)/%.o: %.c | $(GEN_HDRS) $(TRACE_GEN)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# One link rule per harness (FUZZ_SRCS_NAME: its extra objects).
define fuzz_harness
$(FB)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h $(FUZZ_SRCS_$(1):%.c=$(FB)/%.o) $(FB)/libzdcli.a $(FB)/libzdiag.a
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $$@ $$< \
		$(FUZZ_SRCS_$(1):%.c=$(FB)/%.o) $(FB)/libzdcli.a $(FB)/libzdiag.a $$(LIBS)

$(B)/tests/fuzz/replay_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c tests/fuzz/fuzz.h $(FUZZ_SRCS_$(1):%.c=$(B)/%.o) $(LIBZDCLI) $(LIBZD)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) -Itests/fuzz -o $$@ tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c \
		$(FUZZ_SRCS_$(1):%.c=$(B)/%.o) $$(LIBZDCLI) $$(LIBZD) $$(ALL_LDFLAGS) $$(LIBS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_harness,$(n))))

# make check replays every corpus and regression file (tests/e2e/hostile.bats).
CHECK_PREREQS += $(REPLAY_BINS)
$(REPLAY_BINS): | $(TRACE_GEN)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_CLI_OBJS:.o=.d)
