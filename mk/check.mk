# zdiag check: build rules beyond the defaults.

# The fault-injection helper of tests/e2e/check.bats links libseccomp (an
# explicit rule wins over the generic build/helpers/% one).
build/helpers/check_errno: tests/helpers/check_errno.c tests/helpers/helper.h
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -Itests/helpers -o $@ $< $(shell $(PKG_CONFIG) --libs libseccomp 2>/dev/null || echo -lseccomp) -pthread
