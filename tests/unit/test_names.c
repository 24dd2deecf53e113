/* Signal/errno names, wait statuses, the generated syscall table, number parsing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "unit.h"
#include "zdiag/cmd.h"
#include "zdiag/sig.h"
#include "zdiag/sysname.h"

static void
signal_names(void **state)
{
	(void)state;
	assert_string_equal(zd_signame(SIGCHLD), "SIGCHLD");
	assert_string_equal(zd_signame(SIGKILL), "SIGKILL");
	assert_string_equal(zd_signame(SIGRTMIN + 2), "SIGRTMIN+2");
	assert_string_equal(zd_signame(0), "SIG0");
	assert_int_equal(zd_sigparse("CHLD"), SIGCHLD);
	assert_int_equal(zd_sigparse("sigterm"), SIGTERM);
	assert_int_equal(zd_sigparse("9"), 9);
	assert_int_equal(zd_sigparse("RTMIN+1"), SIGRTMIN + 1);
	assert_int_equal(zd_sigparse("NOPE"), -1);
	assert_int_equal(zd_sigparse("0"), -1);
	assert_int_equal(zd_sigparse("9x"), -1);
	assert_string_equal(zd_errname(ENOENT), "ENOENT");
	assert_string_equal(zd_errname(-EPERM), "EPERM");
}

static void
wait_statuses(void **state)
{
	char b[64];

	(void)state;
	zd_wait_status_str(7 << 8, b, sizeof(b));
	assert_string_equal(b, "exited 7");
	zd_wait_status_str(SIGKILL, b, sizeof(b));
	assert_string_equal(b, "killed by SIGKILL");
	zd_wait_status_str(SIGSEGV | 0x80, b, sizeof(b));
	assert_string_equal(b, "killed by SIGSEGV (core dumped)");
	zd_wait_status_str((SIGSTOP << 8) | 0x7f, b, sizeof(b));
	assert_string_equal(b, "stopped by SIGSTOP");
	zd_wait_status_str(0xffff, b, sizeof(b));
	assert_string_equal(b, "continued");
	zd_sigmask_str(0x10100, b, sizeof(b));
	assert_string_equal(b, "SIGKILL|SIGCHLD");
	zd_sigmask_str(0, b, sizeof(b));
	assert_string_equal(b, "none");
}

static void
syscall_table_from_headers(void **state)
{
	(void)state;
	assert_string_equal(zd_sysname(SYS_read), "read");
	assert_string_equal(zd_sysname(ZD_NR_WAIT4), "wait4");
	assert_string_equal(zd_sysname(ZD_NR_WAITID), "waitid");
	assert_string_equal(zd_sysname(ZD_NR_VFORK), "vfork");
	assert_int_equal(zd_sysnr("openat"), SYS_openat);
	assert_int_equal(zd_sysnr("no_such_call"), -1);
	assert_null(zd_sysname(-1));
	assert_null(zd_sysname(100000));
	assert_true(zd_sysname_limit() > SYS_pidfd_open);
}

static void
number_parsing(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(zd_parse_ll("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(zd_parse_ll("101", 0, 100, &v), -ERANGE);
	assert_int_equal(zd_parse_ll("4x", 0, 100, &v), -EINVAL);
	assert_int_equal(zd_parse_ll("", 0, 100, &v), -EINVAL);
	assert_int_equal(zd_parse_ll("99999999999999999999", 0, 100, &v), -ERANGE);
	assert_int_equal(zd_parse_ms("250", 1000, &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(zd_parse_ms("1.5s", 5000, &v), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(zd_parse_ms("20ms", 5000, &v), 0);
	assert_int_equal(v, 20);
	assert_int_equal(zd_parse_ms("-1", 5000, &v), -EINVAL);
	assert_int_equal(zd_parse_ms("9s", 5000, &v), -ERANGE);
	assert_int_equal(zd_parse_ms("3h", 5000, &v), -EINVAL);
}

static int seen_fn(const struct zd_cmd *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return 0; }

static const struct zd_opt t_opts[] = {
	{ 'p', 'p', "pid", ZD_ARG_REQ, "PID", "a pid", "@pid" },
	{ 'f', 'f', NULL, ZD_ARG_NONE, NULL, "follow", NULL },
	{ ZD_OPT_LONG, 0, "color", ZD_ARG_OPT, "WHEN", "colour", "auto always never" },
	{ 0 },
};

static void
option_parsing(void **state)
{
	struct zd_cmd c = { .name = "t", .fn = seen_fn, .opts = t_opts };
	char a0[] = "t", a1[] = "-fp", a2[] = "12", a3[] = "--color=never", a4[] = "x", a5[] = "-f";
	char b2[] = "cmd", b3[] = "-p", b4[] = "3", c1[] = "--bogus";
	char *argv1[] = { a0, a1, a2, a3, a4, a5, NULL };
	char *argv2[] = { a0, a5, b2, b3, b4, NULL };
	char *argv3[] = { a0, c1, NULL };
	struct zd_optparse p;
	int id, nf = 0;

	(void)state;
	/* permuting (scan-like): options after operands are options */
	zd_opt_init(&p, &c, 6, argv1);
	while ((id = zd_opt_next(&p)) != ZD_OPT_END) {
		if (id == 'f')
			nf++;
		else if (id == 'p')
			assert_string_equal(p.arg, "12");
		else if (id == ZD_OPT_LONG)
			assert_string_equal(p.arg, "never");
		else
			fail();
	}
	assert_int_equal(nf, 2);
	assert_string_equal(argv1[p.ind], "x");

	/* stop at the first operand (trace-like) */
	c.flags = ZD_CMD_STOP_AT_NONOPT;
	zd_opt_init(&p, &c, 5, argv2);
	assert_int_equal(zd_opt_next(&p), 'f');
	assert_int_equal(zd_opt_next(&p), ZD_OPT_END);
	assert_string_equal(argv2[p.ind], "cmd");

	/* an unknown option: ERROR and one line on stderr (captured) */
	c.flags = 0;
	{
		FILE *cap = tmpfile();
		int saved = dup(2);
		char line[256] = "";

		assert_non_null(cap);
		fflush(stderr);
		dup2(fileno(cap), 2);
		zd_opt_init(&p, &c, 2, argv3);
		id = zd_opt_next(&p);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		rewind(cap);
		assert_non_null(fgets(line, sizeof line, cap));
		fclose(cap);
		assert_int_equal(id, ZD_OPT_ERROR);
		assert_string_equal(line, "zdiag t: unknown option '--bogus' (see 'zdiag t --help')\n");
	}
	zd_opt_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signal_names),
		cmocka_unit_test(wait_statuses),
		cmocka_unit_test(syscall_table_from_headers),
		cmocka_unit_test(number_parsing),
		cmocka_unit_test(option_parsing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
