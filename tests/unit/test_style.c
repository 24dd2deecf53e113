/*
 * Output styles of the decoder, as strace 6.1 prints them: -x/-xx
 * (--strings-in-hex), -X raw|abbrev|verbose, -e abbrev= -e verbose=
 * -e raw=, and the -e read=/-e write= dumps.  The "tracee" is this
 * process (process_vm_readv on one's own pid); every expected line was
 * checked against strace 6.1 on the same call.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/decode.h"
#include "zdiag/xlat.h"

#define A(p) ((uint64_t)(uintptr_t)(p))

static struct zd_dec_opts opts = ZD_DEC_OPTS_INIT;
static struct zd_sb out;
static struct zd_call call;

/* The call's text up to the closing parenthesis, and " = value" with
 * one space (the alignment is tested elsewhere). */
static const char *
line(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, int64_t rval)
{
	uint64_t args[6] = { a0, a1, a2, a3, 0, 0 };

	zd_sb_release(&out);
	zd_call_init(&call, getpid(), nr, args, &opts);
	zd_call_entry(&call, &out);
	zd_call_exit(&call, &out, rval);
	zd_sb_addc(&out, ' ');
	zd_call_retval(&call, &out);
	return out.buf;
}

static void
reset(void)
{
	struct zd_dec_opts o = ZD_DEC_OPTS_INIT;

	opts = o;
}

static void
test_strings_in_hex(void **state)
{
	static const char elf[] = "\177ELF\2\1\1\0 bin";
	static const char utf8[] = "caf\303\251\n";
	static const char tab[] = "tab\there\n";
	enum zd_xstr x;

	(void)state;
	reset();
	assert_string_equal(line(SYS_write, 1, A(elf), 12, 0, 12), "write(1, \"\\177ELF\\2\\1\\1\\0 bin\", 12) = 12");
	opts.xstr = ZD_XSTR_NON_ASCII_CHARS;
	assert_string_equal(line(SYS_write, 1, A(elf), 12, 0, 12), "write(1, \"\\x7fELF\\x02\\x01\\x01\\x00 bin\", 12) = 12");
	assert_string_equal(line(SYS_write, 1, A(utf8), 6, 0, 6), "write(1, \"caf\\xc3\\xa9\\n\", 6) = 6");
	opts.xstr = ZD_XSTR_NON_ASCII;   /* -x */
	assert_string_equal(line(SYS_write, 1, A(elf), 12, 0, 12),
			    "write(1, \"\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x20\\x62\\x69\\x6e\", 12) = 12");
	assert_string_equal(line(SYS_write, 1, A(utf8), 6, 0, 6), "write(1, \"\\x63\\x61\\x66\\xc3\\xa9\\x0a\", 6) = 6");
	/* White space with a C escape does not make a string "binary". */
	assert_string_equal(line(SYS_write, 1, A(tab), 9, 0, 9), "write(1, \"tab\\there\\n\", 9) = 9");
	opts.xstr = ZD_XSTR_ALL;         /* -xx */
	assert_string_equal(line(SYS_write, 1, A(tab), 3, 0, 3), "write(1, \"\\x74\\x61\\x62\", 3) = 3");
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A("/a"), O_RDONLY, 0, 3),
			    "openat(AT_FDCWD, \"\\x2f\\x61\", O_RDONLY) = 3");
	assert_int_equal(zd_xstr_parse("non-ascii-chars", &x), 0);
	assert_int_equal(x, ZD_XSTR_NON_ASCII_CHARS);
	assert_int_equal(zd_xstr_parse("none", &x), 0);
	assert_int_equal(x, ZD_XSTR_NONE);
	assert_int_equal(zd_xstr_parse("ALL", &x), -EINVAL);
	assert_int_equal(zd_xstr_parse("", &x), -EINVAL);
	reset();
}

static void
test_const_styles(void **state)
{
	/* struct sigaction as the kernel takes it: handler, flags, restorer, mask */
	static const uint64_t sa[4] = { 1 /* SIG_IGN */, 0, 0, 0 };
	enum zd_xlat_style st;
	static uint64_t mask = 1ULL << (SIGKILL - 1) | 1ULL << (SIGUSR1 - 1);

	(void)state;
	reset();
	opts.xlat_style = ZD_XLAT_RAW;
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A("/x"), O_RDONLY | O_CLOEXEC, 0, 3),
			    "openat(-100, \"/x\", 0x80000) = 3");
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A("/x"), O_WRONLY | O_CREAT | 0x40000000, 0644, 3),
			    "openat(-100, \"/x\", 0x40000041, 0644) = 3");
	assert_string_equal(line(SYS_lseek, 0, 0, SEEK_END, 0, 0), "lseek(0, 0, 0x2) = 0");
	assert_string_equal(line(SYS_kill, 1, SIGUSR1, 0, 0, 0), "kill(1, 10) = 0");
	assert_string_equal(line(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -ENOMEM),
			    "mmap(NULL, 4096, 0x3, 0x22, 0, 0) = -1 ENOMEM (Cannot allocate memory)");
	assert_string_equal(line(SYS_rt_sigprocmask, SIG_BLOCK, A(&mask), 0, 8, 0),
			    "rt_sigprocmask(0, [9 10], NULL, 8) = 0");

	opts.xlat_style = ZD_XLAT_VERBOSE;
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A("/x"), O_RDONLY | O_CLOEXEC, 0, 3),
			    "openat(-100 /* AT_FDCWD */, \"/x\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3");
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A("/x"), O_RDONLY, 0, 3),
			    "openat(-100 /* AT_FDCWD */, \"/x\", 0 /* O_RDONLY */) = 3");
	assert_string_equal(line(SYS_lseek, 0, 0, SEEK_END, 0, 0), "lseek(0, 0, 0x2 /* SEEK_END */) = 0");
	assert_string_equal(line(SYS_lseek, 0, 0, 9, 0, -EINVAL),
			    "lseek(0, 0, 0x9 /* SEEK_??? */) = -1 EINVAL (Invalid argument)");
	assert_string_equal(line(SYS_kill, 1, SIGUSR1, 0, 0, 0), "kill(1, 10 /* SIGUSR1 */) = 0");
	assert_string_equal(line(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -ENOMEM),
			    "mmap(NULL, 4096, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, 0, 0)"
			    " = -1 ENOMEM (Cannot allocate memory)");
	assert_string_equal(line(SYS_mmap, 0, 4096, 0x100 | PROT_READ, MAP_PRIVATE, -ENOMEM),
			    "mmap(NULL, 4096, 0x101 /* PROT_READ|0x100 */, 0x2 /* MAP_PRIVATE */, 0, 0)"
			    " = -1 ENOMEM (Cannot allocate memory)");
	assert_string_equal(line(SYS_rt_sigprocmask, SIG_BLOCK, A(&mask), 0, 8, 0),
			    "rt_sigprocmask(0 /* SIG_BLOCK */, [9 /* KILL */ 10 /* USR1 */], NULL, 8) = 0");
	assert_string_equal(line(SYS_rt_sigaction, SIGUSR1, A(sa), 0, 8, 0),
			    "rt_sigaction(10 /* SIGUSR1 */, {sa_handler=0x1 /* SIG_IGN */, sa_mask=[], sa_flags=0}, NULL, 8) = 0");
	assert_string_equal(line(SYS_socket, AF_UNIX, SOCK_STREAM, 0, 0, 3),
			    "socket(0x1 /* AF_UNIX */, 0x1 /* SOCK_STREAM */, 0) = 3");
	/* The style is back once a composite constant is printed. */
	assert_int_equal(zd_xlat_get_style(), ZD_XLAT_VERBOSE);

	assert_int_equal(zd_xlat_style_parse("raw", &st), 0);
	assert_int_equal(st, ZD_XLAT_RAW);
	assert_int_equal(zd_xlat_style_parse("abbrev", &st), 0);
	assert_int_equal(st, ZD_XLAT_ABBREV);
	assert_int_equal(zd_xlat_style_parse("RAW", &st), -EINVAL);
	reset();
	/* The default is back with default options. */
	assert_string_equal(line(SYS_lseek, 0, 0, SEEK_END, 0, 0), "lseek(0, 0, SEEK_END) = 0");
}

/* "pre0x7ffc...post" */
static const char *
with_addr(const char *pre, uint64_t addr, const char *post)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s%#llx%s", pre, (unsigned long long)addr, post);
	return buf;
}

static void
test_per_syscall(void **state)
{
	struct stat st;
	int fds[2] = { 4, 5 };
	char err[128];

	(void)state;
	assert_int_equal(fstat(0, &st), 0);
	reset();
	assert_int_equal(zd_scset_parse(&opts.raw, "openat,pipe2", err, sizeof(err)), 0);
	/* The registers as the kernel got them (an int: its low 32 bits). */
	assert_string_equal(line(SYS_openat, (uint32_t)AT_FDCWD, 0x1000, O_RDONLY | O_CLOEXEC, 0, 3),
			    "openat(0xffffff9c, 0x1000, 0x80000, 0) = 0x3");
	assert_string_equal(line(SYS_openat, (uint32_t)AT_FDCWD, 0x1000, O_RDONLY, 0, -ENOENT),
			    "openat(0xffffff9c, 0x1000, 0, 0) = -1 ENOENT (No such file or directory)");
	/* Others decode as usual. */
	assert_string_equal(line(SYS_lseek, 0, 0, SEEK_END, 0, 0), "lseek(0, 0, SEEK_END) = 0");
	reset();

	/* -e verbose=none: structures and arrays as their address. */
	assert_int_equal(zd_scset_parse(&opts.noverbose, "all", err, sizeof(err)), 0);
	assert_string_equal(line(SYS_pipe2, A(fds), 0, 0, 0, 0),
			    with_addr("pipe2(", A(fds), ", 0) = 0"));
	assert_string_equal(line(SYS_fstat, 0, A(&st), 0, 0, 0), with_addr("fstat(0, ", A(&st), ") = 0"));
	reset();
	assert_string_equal(line(SYS_pipe2, A(fds), 0, 0, 0, 0), "pipe2([4, 5], 0) = 0");

	/* -e abbrev=none (for fstat): every field, as -v. */
	assert_int_equal(zd_scset_parse(&opts.noabbrev, "fstat", err, sizeof(err)), 0);
	assert_non_null(strstr(line(SYS_fstat, 0, A(&st), 0, 0, 0), "st_blksize="));
	reset();
	assert_null(strstr(line(SYS_fstat, 0, A(&st), 0, 0, 0), "st_blksize="));
}

static const char *
dump(long nr, uint64_t a0, uint64_t a1, uint64_t a2, int64_t rval)
{
	uint64_t args[6] = { a0, a1, a2, 0, 0, 0 };

	zd_sb_release(&out);
	zd_call_init(&call, getpid(), nr, args, &opts);
	zd_call_exit(&call, &out, rval);
	zd_sb_reset(&out);
	zd_call_dump(&call, &out);
	return out.buf ? out.buf : "";
}

static void
test_dumps(void **state)
{
	static const char data[] = "0123456789abcdefghijklmnopqrstuvwxyz\0\1\2\3ABCD";
	static char a[] = "hello\n", b[] = "world";
	struct iovec iov[2] = { { a, 6 }, { b, 5 } };
	struct zd_fdset rd, wr;
	char err[128];

	(void)state;
	reset();
	assert_int_equal(zd_fdset_parse(&wr, "1,5", err, sizeof(err)), 0);
	assert_int_equal(zd_fdset_parse(&rd, "!1", err, sizeof(err)), 0);
	assert_true(zd_fdset_has(&wr, 5));
	assert_false(zd_fdset_has(&wr, 4));
	assert_true(zd_fdset_has(&rd, 4));
	assert_false(zd_fdset_has(&rd, 1));
	assert_int_equal(zd_fdset_parse(&rd, "x", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "invalid descriptor 'x'");
	assert_int_equal(zd_fdset_parse(&rd, "3,", err, sizeof(err)), 0);
	assert_int_equal(zd_fdset_parse(&rd, "none", err, sizeof(err)), 0);
	assert_false(zd_fdset_has(&rd, 0));
	assert_int_equal(zd_fdset_parse(&rd, "all", err, sizeof(err)), 0);
	opts.dump_write = &wr;
	opts.dump_read = &rd;

	assert_string_equal(dump(SYS_write, 1, A(a), 6, 6),
			    " | 00000  68 65 6c 6c 6f 0a                                 hello.           |\n");
	/* The whole count written, even a short write's or a failed one's. */
	assert_string_equal(dump(SYS_write, 5, A(data), 44, -EAGAIN),
			    " | 00000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  0123456789abcdef |\n"
			    " | 00010  67 68 69 6a 6b 6c 6d 6e  6f 70 71 72 73 74 75 76  ghijklmnopqrstuv |\n"
			    " | 00020  77 78 79 7a 00 01 02 03  41 42 43 44              wxyz....ABCD     |\n");
	assert_string_equal(dump(SYS_write, 4, A(a), 6, 6), "");
	/* Reads: what was read, and nothing for a failed read. */
	assert_string_equal(dump(SYS_read, 3, A(a), 100, 2),
			    " | 00000  68 65                                             he               |\n");
	assert_string_equal(dump(SYS_read, 3, A(a), 100, -EAGAIN), "");
	assert_string_equal(dump(SYS_read, 3, A(a), 100, 0), "");
	assert_string_equal(dump(SYS_writev, 1, A(iov), 2, 11),
			    " * 6 bytes in buffer 0\n"
			    " | 00000  68 65 6c 6c 6f 0a                                 hello.           |\n"
			    " * 5 bytes in buffer 1\n"
			    " | 00000  77 6f 72 6c 64                                    world            |\n");
	assert_string_equal(dump(SYS_readv, 0, A(iov), 2, 8),
			    " * 6 bytes in buffer 0\n"
			    " | 00000  68 65 6c 6c 6f 0a                                 hello.           |\n"
			    " * 2 bytes in buffer 1\n"
			    " | 00000  77 6f                                             wo               |\n");
	/* Unreadable memory: nothing (strace's dumpstr does the same). */
	assert_string_equal(dump(SYS_write, 1, 0x10, 6, 6), "");
	reset();
	assert_string_equal(dump(SYS_write, 1, A(a), 6, 6), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_in_hex),
		cmocka_unit_test(test_const_styles),
		cmocka_unit_test(test_per_syscall),
		cmocka_unit_test(test_dumps),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	zd_sb_release(&out);
	return r;
}
