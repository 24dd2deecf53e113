/* /proc parsers: stat (hostile comm, truncation), status, syscall, stack, listing. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/procfs.h"

static void
stat_comm_with_paren_and_fake_fields(void **state)
{
	/* prctl(PR_SET_NAME, "x) Z 1 1 (y") fools parsers that split on spaces. */
	const char *line = "100 (x) Z 1 1 (y) S 1 100 100 0 -1 4194560 0 0 0 0 5 6 0 0 20 0 3 0 777 "
			   "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 256\n";
	struct zd_stat st;

	(void)state;
	assert_int_equal(zd_stat_parse(line, strlen(line), &st), 0);
	assert_int_equal(st.pid, 100);
	assert_string_equal(st.comm, "x) Z 1 1 (y");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.num_threads, 3);
	assert_int_equal(st.starttime, 777);
	assert_int_equal(st.exit_signal, 17);
	assert_true(st.has_exit_code);
	assert_int_equal(st.exit_code, 256);
	assert_int_equal(st.utime, 5);
	assert_int_equal(st.stime, 6);
}

static void
stat_comm_with_newline_and_spaces(void **state)
{
	const char line[] = "7 (a\nb c) Z 6 6 6 0 -1 4194820 0 0 0 0 0 0 0 0 20 0 1 0 9 "
			    "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 10 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n";
	struct zd_stat st;

	(void)state;
	assert_int_equal(zd_stat_parse(line, sizeof(line) - 1, &st), 0);
	assert_string_equal(st.comm, "a\nb c");
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.ppid, 6);
	assert_int_equal(st.exit_signal, 10);
	assert_int_equal(st.exit_code, 9);
}

static void
stat_old_kernel_fields_optional(void **state)
{
	/* 44 fields (a 3.x kernel): exit_code absent, still parses. */
	const char *line = "5 (old) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
	struct zd_stat st;

	(void)state;
	assert_int_equal(zd_stat_parse(line, strlen(line), &st), 0);
	assert_int_equal(st.starttime, 42);
	assert_false(st.has_exit_code);
	assert_int_equal(st.exit_signal, 17);
}

static void
stat_truncated_or_garbage_is_einval(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "12 (x", "12 (x) S", "12 (x) S 1 2 3", "12 (x) S 1 12 12 0 -1 0 0 0 0 0",
		"(x) S 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 5", "12 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 abc",
	};
	struct zd_stat st;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(zd_stat_parse(bad[i], strlen(bad[i]), &st), -EINVAL);
}

static void
status_fields(void **state)
{
	const char *buf = "Name:\tqemu-kvm\nState:\tZ (zombie)\nTgid:\t22889\nPid:\t22889\nPPid:\t1\n"
			  "TracerPid:\t6076\nUid:\t42436\t42436\t42436\t42436\nNSpid:\t22889\t12\t1\n"
			  "NSpgid:\t22807\t3\t1\nThreads:\t2\nSigPnd:\t0000000000040000\n"
			  "ShdPnd:\t0000000000004100\nSigBlk:\tfffffffe7ffbfeff\nSigIgn:\t0000000000001000\n"
			  "SigCgt:\t0000000180004243\n";
	struct zd_status st;

	(void)state;
	assert_int_equal(zd_status_parse(buf, &st), 0);
	assert_string_equal(st.name, "qemu-kvm");
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.tgid, 22889);
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.tracer, 6076);
	assert_int_equal(st.ruid, 42436);
	assert_int_equal(st.nspid_n, 3);
	assert_int_equal(st.nspid[0], 22889);
	assert_int_equal(st.nspid[2], 1);
	assert_int_equal(st.nspgid_n, 3);
	assert_int_equal(st.threads, 2);
	assert_true(st.shdpnd & ZD_SIGBIT(9));  /* SIGKILL pending: 0x100 */
	assert_true(st.sigign & ZD_SIGBIT(13)); /* SIGPIPE ignored: 0x1000 */
	assert_false(st.sigcgt & ZD_SIGBIT(17));
	assert_int_equal(zd_status_parse("no colon here\n", &st), -EINVAL);
}

static void
syscall_file_forms(void **state)
{
	struct zd_scstate sc;

	(void)state;
	assert_int_equal(zd_syscall_parse("running\n", &sc), 0);
	assert_int_equal(sc.kind, ZD_SC_RUNNING);
	assert_int_equal(zd_syscall_parse("-1 0x7ffc1000 0x7f00aa\n", &sc), 0);
	assert_int_equal(sc.kind, ZD_SC_NONE);
	assert_int_equal(sc.sp, 0x7ffc1000);
	assert_int_equal(zd_syscall_parse("247 0x1 0x493d 0x7ffd 0x40000004 0x0 0x0 0x7ffd10 0x7f20\n", &sc), 0);
	assert_int_equal(sc.kind, ZD_SC_IN);
	assert_int_equal(sc.nr, 247);
	assert_int_equal(sc.args[1], 0x493d);
	assert_int_equal(sc.args[3], 0x40000004);
	assert_int_equal(sc.pc, 0x7f20);
	assert_int_equal(zd_syscall_parse("61 0x1\n", &sc), -EINVAL);
	assert_int_equal(zd_syscall_parse("", &sc), -EINVAL);
}

static void
stack_is_normalized(void **state)
{
	struct zd_procfs pfs;
	struct zd_sb sb = ZD_SB_INIT;
	int fd;

	(void)state;
	assert_int_equal(zd_procfs_open(&pfs, ZD_FIXTURE("proc/qemu-d-state")), 0);
	assert_false(pfs.live);
	fd = openat(pfs.rootfd, "22889/task/22976", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(zd_proc_read_stack(fd, &sb), 0);
	/* "[<0>] " prefixes and the 0xffffffffffffffff terminator are gone */
	assert_non_null(strstr(sb.buf, "__switch_to+0x6c/0x90\nexit_aio+0x104/0x120\n"));
	assert_null(strstr(sb.buf, "[<0>]"));
	assert_null(strstr(sb.buf, "0xffffffffffffffff"));
	close(fd);
	zd_sb_release(&sb);
	zd_procfs_close(&pfs);
}

static void
listing_is_numeric_and_sorted(void **state)
{
	struct zd_procfs pfs;
	pid_t *v;
	size_t n;

	(void)state;
	assert_int_equal(zd_procfs_open(&pfs, ZD_FIXTURE("proc/broken")), 0);
	assert_int_equal(zd_proc_list(pfs.rootfd, ".", &v, &n), 0);
	/* 1 200 201 202 300; not "self", "12abc", "sys", "loadavg" */
	assert_int_equal(n, 5);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], 200);
	assert_int_equal(v[4], 300);
	free(v);
	assert_int_equal(zd_proc_list(pfs.rootfd, "nonexistent", &v, &n), -ENOENT);
	zd_procfs_close(&pfs);
}

static void
gone_errors_and_reads(void **state)
{
	struct zd_procfs pfs;
	struct zd_stat st;
	unsigned long long v;
	char w[64];
	int fd;

	(void)state;
	assert_true(zd_proc_gone(-ENOENT));
	assert_true(zd_proc_gone(-ESRCH));
	assert_false(zd_proc_gone(-EACCES));
	assert_int_equal(zd_procfs_open(&pfs, ZD_FIXTURE("proc/broken")), 0);
	fd = zd_proc_open_pid(&pfs, 201);
	assert_true(fd >= 0);
	assert_true(zd_proc_gone(zd_proc_read_stat(fd, &st)));
	close(fd);
	assert_int_equal(zd_proc_open_pid(&pfs, 99999), -ENOENT);
	assert_int_equal(zd_procfs_tasks_total(&pfs, &v), 0);
	assert_int_equal(v, 120);
	assert_int_equal(zd_read_ull(pfs.rootfd, "sys/kernel/pid_max", &v), 0);
	assert_int_equal(v, 32768);
	fd = zd_proc_open_pid(&pfs, 1);
	assert_int_equal(zd_proc_read_wchan(fd, w, sizeof(w)), 0);
	assert_string_equal(w, "do_wait");
	close(fd);
	zd_procfs_close(&pfs);
	assert_true(zd_procfs_open(&pfs, "/nonexistent/dir") < 0);
}

static void
live_proc_self(void **state)
{
	struct zd_procfs pfs;
	struct zd_stat st;
	struct zd_status ss;
	struct zd_sb sb = ZD_SB_INIT;
	int fd;

	(void)state;
	assert_int_equal(zd_procfs_open(&pfs, NULL), 0);
	assert_true(pfs.live);
	fd = zd_proc_open_pid(&pfs, getpid());
	assert_true(fd >= 0);
	assert_int_equal(zd_proc_read_stat(fd, &st), 0);
	assert_int_equal(st.pid, getpid());
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.state, 'R');
	assert_int_equal(zd_proc_read_status(fd, &ss), 0);
	assert_int_equal(ss.tgid, getpid());
	assert_true(ss.nspid_n >= 1);
	assert_int_equal(zd_proc_read_cmdline(fd, &sb), 0);
	assert_non_null(strstr(sb.buf, "test_procfs"));
	close(fd);
	zd_sb_release(&sb);
	zd_procfs_close(&pfs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_comm_with_paren_and_fake_fields),
		cmocka_unit_test(stat_comm_with_newline_and_spaces),
		cmocka_unit_test(stat_old_kernel_fields_optional),
		cmocka_unit_test(stat_truncated_or_garbage_is_einval),
		cmocka_unit_test(status_fields),
		cmocka_unit_test(syscall_file_forms),
		cmocka_unit_test(stack_is_normalized),
		cmocka_unit_test(listing_is_numeric_and_sorted),
		cmocka_unit_test(gone_errors_and_reads),
		cmocka_unit_test(live_proc_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
