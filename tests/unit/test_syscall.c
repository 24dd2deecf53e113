/* The syscall table and -e trace=SET parsing. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "unit.h"
#include "zdiag/syscall.h"
#include "zdiag/sysname.h"

/* Every syscall the name table knows has an entry with the same name. */
static void
test_table_covers_names(void **state)
{
	long nr, n = 0;

	(void)state;
	for (nr = 0; nr < zd_sysname_limit(); nr++) {
		const char *name = zd_sysname(nr);
		const struct zd_sysent *e = zd_sysent(nr);

		if (!name) {
			assert_null(e);
			continue;
		}
		assert_non_null(e);
		assert_string_equal(e->name, name);
		assert_true(e->nargs <= 6);
		n++;
	}
	/* x86-64 has 335 + 46 numbered syscalls up to 469 on Linux 6.18. */
	assert_true(n >= 370);
}

/* The numbers match the C library's and the newer ones are there. */
static void
test_known_numbers(void **state)
{
	(void)state;
	assert_int_equal(zd_sysnr("openat"), SYS_openat);
	assert_int_equal(zd_sysnr("execve"), SYS_execve);
	assert_int_equal(zd_sysnr("wait4"), ZD_NR_WAIT4);
	assert_int_equal(zd_sysnr("waitid"), ZD_NR_WAITID);
	assert_int_equal(zd_sysnr("fchmodat2"), 452);
	assert_int_equal(zd_sysnr("mseal"), 462);
	assert_int_equal(zd_sysnr("file_setattr"), 469);
	assert_null(zd_sysent(470));
	assert_null(zd_sysent(-1));
	assert_null(zd_sysent(100000));
	assert_int_equal(zd_sysent(SYS_read)->nargs, 3);
	assert_int_equal(zd_sysent(SYS_mmap)->nargs, 6);
	assert_int_equal(zd_sysent(SYS_getpid)->nargs, 0);
	assert_int_equal(zd_sysent(SYS_mmap)->ret, ZD_RET_X);
	assert_int_equal(zd_sysent(SYS_openat)->ret, ZD_RET_FD);
}

static void
test_classes(void **state)
{
	(void)state;
	assert_true(zd_sysent(SYS_openat)->classes & ZD_SCC_FILE);
	assert_true(zd_sysent(SYS_openat)->classes & ZD_SCC_DESC);
	assert_false(zd_sysent(SYS_read)->classes & ZD_SCC_FILE);
	assert_true(zd_sysent(SYS_read)->classes & ZD_SCC_DESC);
	assert_true(zd_sysent(SYS_clone)->classes & ZD_SCC_PROCESS);
	assert_true(zd_sysent(SYS_wait4)->classes & ZD_SCC_PROCESS);
	assert_true(zd_sysent(SYS_connect)->classes & ZD_SCC_NET);
	assert_true(zd_sysent(SYS_rt_sigaction)->classes & ZD_SCC_SIGNAL);
	assert_true(zd_sysent(SYS_mmap)->classes & ZD_SCC_MEMORY);
	assert_true(zd_sysent(SYS_mmap)->classes & ZD_SCC_DESC);   /* takes an fd, as in strace */
}

static struct zd_scset
parse_ok(const char *spec)
{
	struct zd_scset s;
	char err[160];

	assert_int_equal(zd_scset_parse(&s, spec, err, sizeof(err)), 0);
	return s;
}

static void
test_set_names(void **state)
{
	struct zd_scset s;

	(void)state;
	s = parse_ok("openat,read");
	assert_true(zd_scset_has(&s, SYS_openat));
	assert_true(zd_scset_has(&s, SYS_read));
	assert_false(zd_scset_has(&s, SYS_write));
	assert_false(s.others);
	assert_int_equal(zd_scset_count(&s), 2);

	s = parse_ok("!write");
	assert_false(zd_scset_has(&s, SYS_write));
	assert_true(zd_scset_has(&s, SYS_read));
	assert_true(s.others);

	s = parse_ok("all");
	assert_true(zd_scset_full(&s));
	s = parse_ok("none");
	assert_int_equal(zd_scset_count(&s), 0);
	s = parse_ok("!all");
	assert_int_equal(zd_scset_count(&s), 0);

	/* "stat" is the syscall, "%stat" the class. */
	s = parse_ok("stat");
	assert_int_equal(zd_scset_count(&s), 1);
	/* strace 6.1 on x86-64: %stat is stat alone, %%stat all five */
	s = parse_ok("%stat");
	assert_int_equal(zd_scset_count(&s), 1);
	assert_true(zd_scset_has(&s, SYS_stat));
	s = parse_ok("%%stat");
	assert_int_equal(zd_scset_count(&s), 5);
	assert_true(zd_scset_has(&s, SYS_newfstatat));
	assert_true(zd_scset_has(&s, SYS_statx));
	s = parse_ok("%%statfs");
	assert_int_equal(zd_scset_count(&s), 3);
	assert_true(zd_scset_has(&s, SYS_ustat));

	s = parse_ok("?no_such_call,read");
	assert_int_equal(zd_scset_count(&s), 1);
	s = parse_ok("syscall_0x1f4");
	assert_true(zd_scset_has(&s, 0x1f4));
}

static void
test_set_classes(void **state)
{
	struct zd_scset s;

	(void)state;
	s = parse_ok("%file");
	assert_true(zd_scset_has(&s, SYS_openat));
	assert_true(zd_scset_has(&s, SYS_execve));
	assert_false(zd_scset_has(&s, SYS_read));
	s = parse_ok("file");   /* strace's old spelling */
	assert_true(zd_scset_has(&s, SYS_openat));
	s = parse_ok("%process");
	assert_true(zd_scset_has(&s, SYS_clone));
	assert_true(zd_scset_has(&s, SYS_exit_group));
	assert_false(zd_scset_has(&s, SYS_openat));
	s = parse_ok("%network");
	assert_true(zd_scset_has(&s, SYS_socket));
	s = parse_ok("%net,%signal");
	assert_true(zd_scset_has(&s, SYS_socket));
	assert_true(zd_scset_has(&s, SYS_kill));
	s = parse_ok("%memory");
	assert_true(zd_scset_has(&s, SYS_brk));
	s = parse_ok("%desc");
	assert_true(zd_scset_has(&s, SYS_close));
	s = parse_ok("!%desc");
	assert_false(zd_scset_has(&s, SYS_close));
	assert_true(zd_scset_has(&s, SYS_getpid));
	s = parse_ok("/^wait");
	assert_true(zd_scset_has(&s, SYS_wait4));
	assert_true(zd_scset_has(&s, SYS_waitid));
	assert_false(zd_scset_has(&s, SYS_read));
}

static void
test_set_errors(void **state)
{
	struct zd_scset s;
	char err[160];

	(void)state;
	assert_int_equal(zd_scset_parse(&s, "opne", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown syscall 'opne'");
	assert_int_equal(zd_scset_parse(&s, "%bogus", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "%bogus"));
	assert_int_equal(zd_scset_parse(&s, "", err, sizeof(err)), -EINVAL);
	assert_int_equal(zd_scset_parse(&s, "read,,write", err, sizeof(err)), -EINVAL);
	assert_int_equal(zd_scset_parse(&s, "/[", err, sizeof(err)), -EINVAL);
	assert_int_equal(zd_scset_parse(&s, "/^zzz", err, sizeof(err)), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_covers_names),
		cmocka_unit_test(test_known_numbers),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_set_names),
		cmocka_unit_test(test_set_classes),
		cmocka_unit_test(test_set_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
