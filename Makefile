# zdiag: one non-recursive GNU make.
#
#   make                 build ./zdiag
#   make deps            install missing Debian packages (root; apt-get)
#   make demo            stage real stuck zombies in a private PID namespace and scan them
#   make check           unit (cmocka) + end-to-end (bats) tests under prove
#   make check SANITIZE=address,undefined
#   make bench           side-by-side timings against ps/strace/gdb/eu-stack (not in check)
#   make static          ./zdiag-static (statically linked; `check` and `scan`)
#   make install         PREFIX=/usr/local DESTDIR=
#
# Feature makefiles in mk/*.mk add their own targets and test programs.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
PKGS := libunwind-ptrace libelf capstone readline libseccomp
TEST_PKGS := cmocka

# Debian packages: build, test and demo dependencies.  `make deps` installs
# the missing ones (mk/deps.sh).  A feature makefile adds its own with
#	DEB_PKGS += libfoo-dev
# (test-only tools too: a test must not skip for want of a package).
DEB_PKGS := gcc make pkg-config libc6-dev linux-libc-dev binutils \
	libunwind-dev libelf-dev libcapstone-dev libreadline-dev libseccomp-dev \
	libcmocka-dev bats python3 util-linux mount procps strace gdb elfutils \
	libc6-dbg groff-base zsh file
BENCH_DEB_PKGS := hyperfine strace gdb elfutils procps

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wvla -Wundef -Wno-unused-parameter \
	-Wno-missing-field-initializers -fno-common
ifneq ($(filter 1,$(DEVELOPER))$(filter true,$(CI)),)
WARN += -Werror
endif

comma := ,
CONFIG := default
SAN_FLAGS :=
ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
CONFIG := san-$(subst $(comma),-,$(SANITIZE))
endif

B := build/$(CONFIG)
G := build/gen

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# capstone is dlopen()ed by src/ptrace/disasm.c (only attach's disas needs it).
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(filter-out capstone,$(PKGS)) 2>/dev/null)
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -MMD -MP $(WARN) -Iinclude -I$(G) \
	$(PKG_CFLAGS) $(CFLAGS) $(SAN_FLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)
LIBS = $(PKG_LIBS) -lpthread

LIB_SRCS := $(sort $(wildcard src/proc/*.c src/ptrace/*.c src/util/*.c src/trace/*.c src/check/*.c src/debug/*.c))
CLI_LIB_SRCS := $(sort $(wildcard src/cli/*.c))
CLI_SRCS := $(sort $(wildcard src/cmd/*.c)) src/main.c
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
CLI_LIB_OBJS := $(CLI_LIB_SRCS:%.c=$(B)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
LIBZD := $(B)/libzdiag.a
LIBZDCLI := $(B)/libzdcli.a

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=build/helpers/%)
E2E_TESTS := $(sort $(wildcard tests/e2e/*.bats))

GEN_HDRS := $(G)/sysnames.h
MAN_FRAGS := docs/man/head.1 $(sort $(wildcard docs/man/[0-9]*.1)) docs/man/tail.1

# Targets feature makefiles may add to.
CHECK_PREREQS := zdiag unit helpers build/zdiag.1
BENCH_TARGETS :=
CLEAN_FILES :=

.PHONY: all deps bench-deps demo check unit helpers bench static install \
	uninstall clean lint man FORCE
.DELETE_ON_ERROR:

all: zdiag build/zdiag.1

# The configuration stamp makes ./zdiag follow SANITIZE= switches.
$(shell mkdir -p build; echo '$(CONFIG)' | cmp -s - build/config.stamp 2>/dev/null || echo '$(CONFIG)' > build/config.stamp)

zdiag: $(B)/zdiag build/config.stamp
	cp $< $@

$(B)/zdiag: $(CLI_OBJS) $(LIBZDCLI) $(LIBZD)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIBZDCLI) $(LIBZD) $(LIBS)

$(LIBZD): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Front-end helpers (diagnostics, option tables), also linked by unit tests.
$(LIBZDCLI): $(CLI_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(G)/sysnames.h: src/gen/gen-sysnames.sh
	@mkdir -p $(@D)
	sh $< "$(CC)" > $@.tmp && mv $@.tmp $@

# Unit tests (cmocka): tests/unit/test_NAME.c, linked with libzdiag.a.
unit: $(UNIT_BINS)
$(B)/tests/unit/%: tests/unit/%.c $(LIBZDCLI) $(LIBZD) tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit -DZD_SRCDIR='"$(CURDIR)"' -o $@ $< $(LIBZDCLI) $(LIBZD) $(TEST_LIBS) $(ALL_LDFLAGS) $(LIBS)

# Helper programs that stage real scenarios; built -O0 -g, never sanitized
# (they are tracees and must behave like ordinary programs).
HELPER_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O0 -g -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter -pthread
helpers: $(HELPER_BINS)
build/helpers/%: tests/helpers/%.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -Itests/helpers -o $@ $< -pthread

# Man page: assembled from one fragment per command.
man: build/zdiag.1
build/zdiag.1: $(MAN_FRAGS)
	@mkdir -p $(@D)
	cat $^ | sed 's/@VERSION@/$(shell sed -n 's/.*ZD_VERSION_STRING "\(.*\)"/\1/p' include/zdiag/common.h)/' > $@

deps:
	@sh mk/deps.sh deps $(sort $(DEB_PKGS))

bench-deps: deps
	@sh mk/deps.sh bench-deps $(sort $(BENCH_DEB_PKGS))

# The main job: stage stuck zombies in a private PID namespace and explain them.
demo: deps
	@$(MAKE) --no-print-directory zdiag helpers
	@sh tests/demo.sh

PROVE ?= prove
PROVE_FLAGS ?=
# Every skipped test is listed with its reason after prove's summary; with
# ZDIAG_NO_SKIP=1 (the default when CI=true) a skip fails the run.
ZDIAG_NO_SKIP ?= $(if $(filter true,$(CI)),1,0)
SKIP_LOG := $(B)/skipped.txt
check: deps
	@$(MAKE) --no-print-directory $(CHECK_PREREQS)
	@rm -f $(SKIP_LOG); rc=0; \
	ZDIAG="$(CURDIR)/zdiag" ZDIAG_BUILD="$(CURDIR)/$(B)" ZDIAG_HELPERS="$(CURDIR)/build/helpers" \
	ZDIAG_SANITIZE="$(SANITIZE)" CMOCKA_MESSAGE_OUTPUT=TAP ZDIAG_SKIP_LOG="$(CURDIR)/$(SKIP_LOG)" DEBUGINFOD_URLS= \
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(PROVE) $(PROVE_FLAGS) --exec "$(CURDIR)/tests/run-test" $(UNIT_BINS) $(E2E_TESTS) || rc=$$?; \
	ZDIAG_NO_SKIP=$(ZDIAG_NO_SKIP) tests/run-test --summary $(SKIP_LOG) || rc=1; \
	exit $$rc

bench: bench-deps
	@$(MAKE) --no-print-directory zdiag helpers $(BENCH_TARGETS)
	@for t in bench/*.sh; do echo "== $$t"; sh $$t || exit 1; done

install: zdiag build/zdiag.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 zdiag $(DESTDIR)$(BINDIR)/zdiag
	install -m 644 build/zdiag.1 $(DESTDIR)$(MANDIR)/man1/zdiag.1
	install -m 644 completions/zdiag.bash $(DESTDIR)$(BASHCOMPDIR)/zdiag
	install -m 644 completions/_zdiag $(DESTDIR)$(ZSHCOMPDIR)/_zdiag

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/zdiag $(DESTDIR)$(MANDIR)/man1/zdiag.1 \
		$(DESTDIR)$(BASHCOMPDIR)/zdiag $(DESTDIR)$(ZSHCOMPDIR)/_zdiag

lint: build/zdiag.1
	groff -man -ww -z build/zdiag.1
	command -v shellcheck >/dev/null && shellcheck -s bash completions/zdiag.bash tests/lib/*.bash || true
	cppcheck --quiet --enable=warning,portability --std=c11 -Iinclude src

clean:
	rm -rf build zdiag zdiag-static $(CLEAN_FILES)

-include mk/*.mk
-include $(LIB_OBJS:.o=.d) $(CLI_LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
