/*
 * Debug files from debuginfod (src/ptrace/debuginfod.c) through
 * zd_elf_find_debug(): a file:// "server" (libdebuginfod reads
 * DIR/buildid/ID/debuginfo) holds the debug file of a stripped copy of
 * build/helpers/dbg_vars.  The e2e test (tests/e2e/attach_debuginfod.bats)
 * runs a real debuginfod server.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/debuginfod.h"
#include "zdiag/symtab.h"

#define HELPER ZD_SRCDIR "/build/helpers/dbg_vars"
#define NO_SUCH_ID "00112233445566778899aabbccddeeff00112233"

static char dir[64];          /* a private temp dir */
static char prog[128];        /* DIR/prog: dbg_vars without its DWARF */
static char id[64];           /* its build-id */
static struct zd_elf *stripped; /* DIR/prog, loaded */

static struct {
	int failed, progress, end, nolib;
	int last_err;
	char last_id[64];
} seen;

static int
hook(void *ctx, enum zd_dinfod_event ev, const struct zd_dinfod_report *r)
{
	(void)ctx;
	switch (ev) {
	case ZD_DINFOD_PROGRESS:
		seen.progress++;
		break;
	case ZD_DINFOD_END:
		seen.end++;
		break;
	case ZD_DINFOD_FAILED:
		seen.failed++;
		seen.last_err = r->err;
		snprintf(seen.last_id, sizeof(seen.last_id), "%s", r->build_id);
		break;
	case ZD_DINFOD_NO_LIBRARY:
		seen.nolib++;
		break;
	}
	return 0;
}

/* DIR/prog stripped of its DWARF, DIR/srv/buildid/ID/debuginfo its debug file. */
static int
setup_files(void **state)
{
	char cmd[8192];
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/zd-dinfod-XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		return 0;
	}
	snprintf(prog, sizeof(prog), "%s/prog", dir);
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s'; cp '%s' prog; objcopy --only-keep-debug prog prog.debug; strip --strip-debug prog; "
		 "id=$(readelf -n prog | sed -n 's/^ *Build ID: //p'); mkdir -p srv/buildid/$id empty; "
		 "mv prog.debug srv/buildid/$id/debuginfo",
		 dir, HELPER);
	zd_dinfod_set_hook(hook, NULL);
	if (system(cmd) != 0 || (fd = open(prog, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (zd_elf_open_fd(fd, prog, &stripped) == 0 && zd_elf_build_id(stripped))
		snprintf(id, sizeof(id), "%s", zd_elf_build_id(stripped));
	close(fd);
	return 0;
}

static int
teardown_files(void **state)
{
	char cmd[128];

	(void)state;
	zd_dinfod_set_hook(NULL, NULL);
	zd_elf_free(stripped);
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

static void
set_urls(const char *sub)
{
	char urls[128], cache[128];

	snprintf(urls, sizeof(urls), "file://%s/%s", dir, sub);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	setenv("DEBUGINFOD_URLS", urls, 1);
	setenv("DEBUGINFOD_CACHE_PATH", cache, 1);
}

static void
test_off_without_urls(void **state)
{
	char *p = (char *)"x";

	(void)state;
	unsetenv("DEBUGINFOD_URLS");
	assert_false(zd_dinfod_enabled());
	assert_int_equal(zd_dinfod_find_debuginfo(NO_SUCH_ID, "/x", &p), -ENOSYS);
	assert_null(p);
	setenv("DEBUGINFOD_URLS", "", 1);
	assert_false(zd_dinfod_enabled());
	assert_int_equal(zd_dinfod_find_debuginfo(NO_SUCH_ID, "/x", &p), -ENOSYS);
	/* nothing was asked, so nothing was reported */
	assert_int_equal(seen.failed + seen.progress + seen.nolib, 0);
	/* without a hook (trace -k): off too */
	set_urls("srv");
	assert_true(zd_dinfod_enabled());
	zd_dinfod_set_hook(NULL, NULL);
	assert_false(zd_dinfod_enabled());
	assert_int_equal(zd_dinfod_find_debuginfo(NO_SUCH_ID, "/x", &p), -ENOSYS);
	zd_dinfod_set_hook(hook, NULL);
}

static void
test_fetched_file_gives_symbols_and_lines(void **state)
{
	char empty[128];
	struct zd_elf *e = stripped;
	const struct zd_sym *m;
	const char *file;
	int line;

	(void)state;
	if (!id[0])
		zd_skip("could not split %s (objcopy, strip)", HELPER);
	m = zd_elf_sym_named(e, "leaf");
	assert_non_null(m);
	/* no DWARF of its own, none locally */
	assert_int_equal(zd_elf_line(e, m->addr, &file, &line), -ENOENT);
	snprintf(empty, sizeof(empty), "%s/nodebug", dir);
	unsetenv("DEBUGINFOD_URLS");
	assert_int_equal(zd_elf_find_debug(e, prog, empty), -ENOENT);
	assert_false(zd_elf_has_debug_file(e));
	/* from the "server" */
	set_urls("srv");
	assert_int_equal(zd_elf_find_debug(e, prog, empty), 0);
	assert_true(zd_elf_has_debug_file(e));
	/* (its .symtab replaced the file's: m is gone) */
	m = zd_elf_sym_named(e, "leaf");
	assert_non_null(m);
	assert_int_equal(zd_elf_line(e, m->addr, &file, &line), 0);
	assert_non_null(strstr(file, "dbg_vars.c"));
	assert_true(line > 0);
	assert_int_equal(seen.failed + seen.nolib, 0);
}

static void
test_failure_reported_once(void **state)
{
	char *p = NULL;
	int before;

	(void)state;
	if (!dir[0])
		zd_skip("no temp dir");
	set_urls("empty");
	before = seen.failed;
	assert_int_equal(zd_dinfod_find_debuginfo(NO_SUCH_ID, "/usr/bin/nothing", &p), -ENOENT);
	assert_null(p);
	assert_int_equal(seen.failed, before + 1);
	assert_int_equal(seen.last_err, -ENOENT);
	assert_string_equal(seen.last_id, NO_SUCH_ID);
	/* asked again: the same answer, no new report, nothing asked */
	assert_int_equal(zd_dinfod_find_debuginfo(NO_SUCH_ID, "/usr/bin/nothing", &p), -ENOENT);
	assert_int_equal(seen.failed, before + 1);
	/* every query that reported progress was ended */
	assert_int_equal(seen.progress > 0, seen.end > 0);
}

static void
test_disable(void **state)
{
	char *p = NULL;

	(void)state;
	set_urls("srv");
	assert_true(zd_dinfod_enabled());
	zd_dinfod_disable();
	assert_false(zd_dinfod_enabled());
	assert_int_equal(zd_dinfod_find_debuginfo(id[0] ? id : NO_SUCH_ID, "/x", &p), -ENOSYS);
	assert_null(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_without_urls),
		cmocka_unit_test(test_fetched_file_gives_symbols_and_lines),
		cmocka_unit_test(test_failure_reported_once),
		cmocka_unit_test(test_disable),   /* last: it is for the whole process */
	};

	return cmocka_run_group_tests(tests, setup_files, teardown_files);
}
