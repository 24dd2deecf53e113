/* Flag and value tables and their printers. */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/xlat.h"

static char *
flags(const struct zd_xlat_tab *t, uint64_t v)
{
	static struct zd_sb sb;

	zd_sb_release(&sb);
	zd_xlat_flags(&sb, t, v);
	return sb.buf;
}

static char *
val(const struct zd_xlat_tab *t, uint64_t v)
{
	static struct zd_sb sb;

	zd_sb_release(&sb);
	zd_xlat_val(&sb, t, v);
	return sb.buf;
}

static void
test_flags(void **state)
{
	(void)state;
	assert_string_equal(flags(&zd_xlat_mmap_prot, PROT_READ | PROT_WRITE), "PROT_READ|PROT_WRITE");
	assert_string_equal(flags(&zd_xlat_mmap_prot, 0), "PROT_NONE");
	/* Unknown bits next to known ones, and alone (strace's forms). */
	assert_string_equal(flags(&zd_xlat_access_modes, X_OK | 8), "X_OK|0x8");
	assert_string_equal(flags(&zd_xlat_mmap_prot, 0x100), "0x100 /* PROT_??? */");
	assert_string_equal(flags(&zd_xlat_access_modes, 0), "F_OK");
	assert_string_equal(flags(&zd_xlat_access_modes, R_OK | W_OK | X_OK), "R_OK|W_OK|X_OK");
	assert_string_equal(flags(&zd_xlat_at_flags, 0), "0");
	assert_string_equal(flags(&zd_xlat_at_flags, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW),
			    "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
	/* Multi-bit entries take their bits before the single ones. */
	assert_string_equal(flags(&zd_xlat_open_flags, O_TMPFILE), "O_TMPFILE");
	assert_string_equal(flags(&zd_xlat_open_flags, O_DIRECTORY), "O_DIRECTORY");
	assert_string_equal(flags(&zd_xlat_open_flags, O_SYNC), "O_SYNC");
	assert_string_equal(flags(&zd_xlat_open_flags, O_DSYNC), "O_DSYNC");
	/* 64-bit flags (clone3). */
	assert_string_equal(flags(&zd_xlat_clone_flags, 0x100000000ULL | 0x100), "CLONE_VM|CLONE_CLEAR_SIGHAND");
}

static void
test_values(void **state)
{
	uint64_t v;

	(void)state;
	assert_string_equal(val(&zd_xlat_whence, SEEK_END), "SEEK_END");
	assert_string_equal(val(&zd_xlat_whence, 9), "0x9 /* SEEK_??? */");
	assert_string_equal(val(&zd_xlat_madvise_advice, MADV_DONTNEED), "MADV_DONTNEED");
	assert_string_equal(val(&zd_xlat_rusage_who, (uint64_t)-1), "RUSAGE_CHILDREN");
	assert_string_equal(zd_xlat_name(&zd_xlat_fcntl_cmds, F_DUPFD_CLOEXEC), "F_DUPFD_CLOEXEC");
	assert_null(zd_xlat_name(&zd_xlat_fcntl_cmds, 99999));
	assert_true(zd_xlat_lookup(&zd_xlat_address_families, "AF_INET6", &v));
	assert_int_equal(v, 10);
	assert_false(zd_xlat_lookup(&zd_xlat_address_families, "AF_NOPE", &v));
}

static void
test_flags_part(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	bool first = true;
	uint64_t rest;

	(void)state;
	rest = zd_xlat_flags_part(&sb, &zd_xlat_mmap_flags, 0x20 | 0x10 | 0x400000000ULL, &first);
	assert_string_equal(sb.buf, "MAP_FIXED|MAP_ANONYMOUS");
	assert_int_equal(rest, 0x400000000ULL);
	assert_false(first);
	zd_sb_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_flags_part),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
