/*
 * Hostile input: the crashes and unbounded allocations found in the /proc
 * parsers and the syscall decoders, each fed to the same entry points
 * (tests/fuzz/regress/ holds the raw inputs; tests/e2e/hostile.bats
 * replays them and the corpora through the fuzz harnesses).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/decode.h"
#include "zdiag/procfs.h"

#define GIB (1ULL << 30)

/* ---------------------------------------------------------------- */
/* /proc parsers                                                     */

static void
stat_llong_min(void **state)
{
	/* scan --proc-root aborted under UBSan: -(long long) of LLONG_MIN. */
	const char line[] = "4242 (z) Z -1 4242 4242 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 "
			    "-9223372036854775808 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 "
			    "17 1 0 0 0 0 0 0 0 0 0 0 0 0 -9223372036854775808\n";
	struct zd_stat st;

	(void)state;
	assert_int_equal(zd_stat_parse(line, strlen(line), &st), 0);
	assert_int_equal(st.ppid, -1);
	assert_true(st.starttime == 1ULL << 63);
	assert_int_equal(st.state, 'Z');
	assert_true(st.has_exit_code);
}

static void
stat_overflow_saturates(void **state)
{
	const char line[] = "1 (x) S 1 1 1 0 -1 0 0 0 0 0 99999999999999999999999 "
			    "-99999999999999999999999 0 0 20 0 1 0 18446744073709551616\n";
	struct zd_stat st;

	(void)state;
	assert_int_equal(zd_stat_parse(line, strlen(line), &st), 0);
	assert_true(st.utime == ULLONG_MAX);
	assert_true(st.stime == 1ULL << 63);      /* LLONG_MIN, not a wrap */
	assert_true(st.starttime == ULLONG_MAX);
}

static void
stat_cut_after_comm(void **state)
{
	static const char *const lines[] = { "1 (x)", "1 (x) ", "1 (x) S", "1 ()", "(x) S 1", "" };
	struct zd_stat st;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(zd_stat_parse(lines[i], strlen(lines[i]), &st), -EINVAL);
}

static void
stack_without_newline(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	const char text[] = "[<0>] do_wait+0x1/0x2\n[<0>] 0xffffffffffffffff\n[<0>] ep_poll";

	(void)state;
	zd_stack_parse(text, sizeof(text) - 1, &sb);
	assert_string_equal(sb.buf, "do_wait+0x1/0x2\nep_poll\n");
	zd_stack_parse("[", 1, &sb);
	assert_string_equal(sb.buf, "[\n");
	zd_sb_release(&sb);
}

/* A private directory with files for the file readers. */
static char dir[64];

static int
dir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/zdiag-hostile-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
dir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
list_empty_dir(void **state)
{
	/* qsort(NULL, 0, ...) is undefined: UBSan's nonnull-attribute. */
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	pid_t *v = (pid_t *)1;
	size_t n = 7;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(mkdirat(fd, "task", 0700), 0);
	assert_int_equal(mkdirat(fd, "task/2147483648", 0700), 0);   /* > INT_MAX: not a pid */
	assert_int_equal(zd_proc_list(fd, "task", &v, &n), 0);
	assert_null(v);
	assert_int_equal(n, 0);
	close(fd);
}

static void
fifo_reads_empty(void **state)
{
	/* A FIFO planted in a --proc-root tree must not hang the reader. */
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	struct zd_sb sb = ZD_SB_INIT;
	char buf[64];

	(void)state;
	assert_int_equal(mkfifoat(fd, "stat", 0600), 0);
	alarm(30);
	assert_int_equal(zd_read_small(fd, "stat", buf, sizeof(buf)), 0);
	assert_int_equal(zd_read_file(fd, "stat", &sb), 0);
	assert_int_equal(sb.len, 0);
	alarm(0);
	zd_sb_release(&sb);
	close(fd);
}

static void
endless_file_is_capped(void **state)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	struct zd_sb sb = ZD_SB_INIT;

	(void)state;
	assert_int_equal(symlinkat("/dev/zero", fd, "cmdline"), 0);
	assert_int_equal(zd_read_file(fd, "cmdline", &sb), -EFBIG);
	assert_int_equal(sb.len, ZD_READ_FILE_MAX);
	zd_sb_release(&sb);
	close(fd);
}

/* ---------------------------------------------------------------- */
/* Decoders: tracee memory from the zd_umove_set_reader seam          */

/* Tracee memory: below 2^40 every byte reads as 'A' (a tracee with 1 TiB
 * mapped), above it nothing is mapped. */
static ssize_t
reader_a(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	(void)tid;
	if (addr >= 1ULL << 40)
		return -EFAULT;
	memset(buf, 'A', len);
	return (ssize_t)len;
}

/* Memory that is all 'A': an argv array of pointers 0x4141414141414141
 * without its NULL, each to a string without its NUL. */
static ssize_t
reader_ptrs(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	uint64_t p = 0x4141414141414141ULL;
	size_t i;

	(void)tid;
	(void)addr;
	for (i = 0; i < len; i++)
		((unsigned char *)buf)[i] = ((unsigned char *)&p)[(addr + i) % 8];
	return (ssize_t)len;
}

static char *
decode(long nr, const uint64_t args[6], int64_t rval, size_t strsize, zd_umove_fn *reader)
{
	struct zd_dec_opts opts = ZD_DEC_OPTS_INIT;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_call c;

	opts.strsize = strsize;
	zd_umove_set_reader(reader);
	zd_call_init(&c, getpid(), nr, args, &opts);
	zd_call_format(&c, &sb, rval);
	zd_call_release(&c);
	zd_umove_set_reader(NULL);
	return zd_sb_detach(&sb);
}

static void
write_huge_s0(void **state)
{
	/* trace -s 0 allocated the tracee's length (up to 1 GiB) and aborted. */
	const uint64_t args[6] = { 1, 0x1000, GIB };
	char *s = decode(1, args, (int64_t)GIB, 0, reader_a);
	size_t quoted = strlen("write(1, \"") + ZD_DEC_STRMAX + strlen("\"...");

	(void)state;
	assert_true(strlen(s) > quoted && strlen(s) < quoted + 64);
	assert_memory_equal(s, "write(1, \"AAAA", 14);
	assert_non_null(strstr(s, "A\"..., 1073741824)"));
	assert_non_null(strstr(s, "= 1073741824"));
	free(s);
}

static void
write_huge_default_like_strace(void **state)
{
	const uint64_t args[6] = { 1, 0x1000, GIB };
	char *s = decode(1, args, (int64_t)GIB, 8, reader_a);

	(void)state;
	/* strace -s 8: write(1, "AAAAAAAA"..., 1073741824) = 1073741824 */
	assert_non_null(strstr(s, "write(1, \"AAAAAAAA\"..., 1073741824)"));
	free(s);
}

static void
unreadable_buffer_is_an_address(void **state)
{
	const uint64_t args[6] = { 1, 1ULL << 41, GIB };
	char *s = decode(1, args, -14, 0, reader_a);

	(void)state;
	assert_non_null(strstr(s, "write(1, 0x20000000000, 1073741824)"));
	free(s);
}

static void
read_huge_s0(void **state)
{
	/* read(0, buf, 1 GiB) returning 1 GiB: the exit half shows the cap. */
	const uint64_t args[6] = { 0, 0x1000, GIB };
	char *s = decode(0, args, (int64_t)GIB, 0, reader_a);

	(void)state;
	assert_true(strlen(s) < ZD_DEC_STRMAX + 64);
	assert_non_null(strstr(s, "\"..., 1073741824)"));
	free(s);
}

static void
string_without_nul_s0(void **state)
{
	/* openat's path is capped at PATH_MAX, prctl(PR_SET_NAME)'s string at the cap. */
	const uint64_t args[6] = { 15, 0x1000 };
	char *s = decode(157, args, 0, 0, reader_a);

	(void)state;
	assert_true(strlen(s) < ZD_DEC_STRMAX + 64);
	assert_non_null(strstr(s, "AAA\"..."));
	free(s);
}

static void
endless_argv_s0(void **state)
{
	/* execve with an argv array without its NULL: stops after the budget. */
	const uint64_t args[6] = { 0x1000, 0x2000, 0 };
	char *s = decode(59, args, 0, 0, reader_ptrs);

	(void)state;
	assert_true(strlen(s) < 4 * ZD_DEC_STRMAX + 4096);
	assert_non_null(strstr(s, ", ...]"));
	free(s);
}

static void
writev_1024_huge_iovecs_s0(void **state)
{
	/* 1024 iovecs of 1 GiB: at most ZD_DEC_STRMAX bytes shown in all. */
	const uint64_t args[6] = { 1, 0x1000, 1024 };
	char *s = decode(20, args, (int64_t)GIB, 0, reader_a);

	(void)state;
	assert_true(strlen(s) < 2 * 4 * ZD_DEC_STRMAX + 4096);
	assert_non_null(strstr(s, "}, ...], 1024)"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_llong_min),
		cmocka_unit_test(stat_overflow_saturates),
		cmocka_unit_test(stat_cut_after_comm),
		cmocka_unit_test(stack_without_newline),
		cmocka_unit_test_setup_teardown(list_empty_dir, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(fifo_reads_empty, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(endless_file_is_capped, dir_setup, dir_teardown),
		cmocka_unit_test(write_huge_s0),
		cmocka_unit_test(write_huge_default_like_strace),
		cmocka_unit_test(unreadable_buffer_is_an_address),
		cmocka_unit_test(read_huge_s0),
		cmocka_unit_test(string_without_nul_s0),
		cmocka_unit_test(endless_argv_s0),
		cmocka_unit_test(writev_1024_huge_iovecs_s0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
