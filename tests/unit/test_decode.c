/*
 * Syscall decoding, strace-style.  The "tracee" is this process itself:
 * process_vm_readv works on one's own pid, so every decoder reads real
 * buffers and structures from real addresses, and the expected line is
 * spelled out next to each case.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/decode.h"

#define A(p) ((uint64_t)(uintptr_t)(p))

static struct zd_dec_opts opts = ZD_DEC_OPTS_INIT;
static struct zd_sb out;
static struct zd_call call;

/* Decode a whole call (entry, exit, return value) as one line. */
static const char *
line(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, int64_t rval)
{
	uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };

	zd_sb_release(&out);
	zd_call_init(&call, getpid(), nr, args, &opts);
	zd_call_format(&call, &out, rval);
	zd_call_release(&call);
	return out.buf;
}

/* The same line with %p-style addresses substituted (hex of a pointer). */
static char *
expect(const char *fmt, ...) ZD_PRINTF(1, 2);

static char *
expect(const char *fmt, ...)
{
	static char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* Compare ignoring the width of the alignment before " = " (for lines
 * holding addresses, whose length varies). */
static void
assert_line(const char *got, const char *want)
{
	char a[1024], b[1024];
	const char *src[2] = { got, want };
	char *dst[2] = { a, b };
	int k;

	for (k = 0; k < 2; k++) {
		const char *s = src[k];
		char *d = dst[k];

		while (*s && d < dst[k] + 1000) {
			if (*s == ' ' && s[1] == ' ') {
				while (s[1] == ' ')
					s++;
			}
			*d++ = *s++;
		}
		*d = '\0';
	}
	assert_string_equal(a, b);
}

static void
test_open(void **state)
{
	static const char path[] = "/etc/hostname";

	(void)state;
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A(path), O_RDONLY | O_CLOEXEC, 0, 0, 0, 3),
			    "openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY|O_CLOEXEC) = 3");
	assert_string_equal(line(SYS_openat, 5, A(path), O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0, -ENOENT),
			    "openat(5, \"/etc/hostname\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = -1 ENOENT (No such file or directory)");
	assert_string_equal(line(SYS_open, A(path), O_RDWR | O_TMPFILE, 0, 0, 0, 0, -EINVAL),
			    "open(\"/etc/hostname\", O_RDWR|O_TMPFILE, 000) = -1 EINVAL (Invalid argument)");
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, A(path), 3 | 0x40000000, 0, 0, 0, -EINVAL),
			    "openat(AT_FDCWD, \"/etc/hostname\", O_ACCMODE|0x40000000) = -1 EINVAL (Invalid argument)");
	/* An unreadable file name prints as its address, never as garbage. */
	assert_string_equal(line(SYS_openat, (uint64_t)AT_FDCWD, 0x10, O_RDONLY, 0, 0, 0, -EFAULT),
			    "openat(AT_FDCWD, 0x10, O_RDONLY)        = -1 EFAULT (Bad address)");
	assert_string_equal(line(SYS_close, 3, 0, 0, 0, 0, 0, 0), "close(3)                                = 0");
}

static void
test_buffers(void **state)
{
	static const char text[] = "hello\n";
	static const char elf[] = "\177ELF\2\1\1\0\0\0\0\0";
	static const char quote[] = "a\"b\\c\td\033[31m";
	char big[100];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_string_equal(line(SYS_read, 3, A(text), 100, 0, 0, 0, 6), "read(3, \"hello\\n\", 100)                 = 6");
	assert_string_equal(line(SYS_write, 1, A(big), sizeof(big), 0, 0, 0, 100),
			    "write(1, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., 100) = 100");
	assert_string_equal(line(SYS_read, 3, A(elf), 832, 0, 0, 0, 12),
			    "read(3, \"\\177ELF\\2\\1\\1\\0\\0\\0\\0\\0\", 832) = 12");
	/* Quotes, backslashes and control bytes are escaped (no raw ESC). */
	assert_string_equal(line(SYS_write, 2, A(quote), strlen(quote), 0, 0, 0, (int64_t)strlen(quote)),
			    "write(2, \"a\\\"b\\\\c\\td\\33[31m\", 12)       = 12");
	/* A failed read shows the buffer's address. */
	assert_line(line(SYS_read, 3, A(big), 100, 0, 0, 0, -EBADF),
			    expect("read(3, %#llx, 100) = -1 EBADF (Bad file descriptor)", (unsigned long long)A(big)));
	opts.strsize = 0;   /* -s 0: no limit */
	assert_string_equal(line(SYS_write, 1, A(big), 40, 0, 0, 0, 40),
			    "write(1, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", 40) = 40");
	opts.strsize = 4;
	assert_string_equal(line(SYS_write, 1, A(text), 6, 0, 0, 0, 6), "write(1, \"hell\"..., 6)                  = 6");
	opts.strsize = ZD_DEC_STRSIZE;
}

static void
test_memory(void **state)
{
	(void)state;
	assert_string_equal(line(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 (uint64_t)-1, 0, 0x7f0000001000LL),
			    "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000");
	assert_string_equal(line(SYS_mmap, 0x7f0000000000, 4096, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3, 0x26000, 0x7f0000000000LL),
			    "mmap(0x7f0000000000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7f0000000000");
	assert_string_equal(line(SYS_mprotect, 0x1000, 4096, PROT_NONE, 0, 0, 0, 0),
			    "mprotect(0x1000, 4096, PROT_NONE)       = 0");
	assert_string_equal(line(SYS_brk, 0, 0, 0, 0, 0, 0, 0x55550000), "brk(NULL)                               = 0x55550000");
	assert_string_equal(line(SYS_umask, 022, 0, 0, 0, 0, 0, 077), "umask(022)                              = 077");
}

static void
test_stat(void **state)
{
	static const char path[] = "/dev/null";
	struct stat st;

	(void)state;
	assert_int_equal(stat(path, &st), 0);
	/* /dev/null is 0666 on most systems, not all */
	assert_line(line(SYS_newfstatat, (uint64_t)AT_FDCWD, A(path), A(&st), 0, 0, 0, 0),
		    expect("newfstatat(AT_FDCWD, \"/dev/null\", {st_mode=S_IFCHR|%#03o, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0",
			   (unsigned)(st.st_mode & 07777)));
	st.st_mode = S_IFREG | 0644;
	st.st_size = 42051;
	assert_string_equal(line(SYS_newfstatat, 3, A(""), A(&st), AT_EMPTY_PATH, 0, 0, 0),
			    "newfstatat(3, \"\", {st_mode=S_IFREG|0644, st_size=42051, ...}, AT_EMPTY_PATH) = 0");
	/* Output structures of failed calls are addresses. */
	assert_line(line(SYS_newfstatat, (uint64_t)AT_FDCWD, A(path), A(&st), 0, 0, 0, -ENOENT),
			    expect("newfstatat(AT_FDCWD, \"/dev/null\", %#llx, 0) = -1 ENOENT (No such file or directory)",
				   (unsigned long long)A(&st)));
}

static void
test_signals(void **state)
{
	struct {
		uint64_t handler, flags, restorer, mask;
	} sa = { 0x1234, 0x04000000 | 0x10000000, 0x5678, 0 };
	uint64_t set = (1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGTERM - 1));
	uint64_t most = ~((1ULL << 31) | (1ULL << 32));

	(void)state;
	assert_string_equal(line(SYS_rt_sigaction, SIGCHLD, A(&sa), 0, 8, 0, 0, 0),
			    "rt_sigaction(SIGCHLD, {sa_handler=0x1234, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x5678}, NULL, 8) = 0");
	sa.handler = 1;
	sa.flags = 0;
	assert_string_equal(line(SYS_rt_sigaction, SIGPIPE, A(&sa), 0, 8, 0, 0, 0),
			    "rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, NULL, 8) = 0");
	assert_string_equal(line(SYS_rt_sigprocmask, SIG_BLOCK, A(&set), 0, 8, 0, 0, 0),
			    "rt_sigprocmask(SIG_BLOCK, [USR1 TERM], NULL, 8) = 0");
	/* More than half the set: its complement, strace's "~[...]". */
	assert_string_equal(line(SYS_rt_sigprocmask, SIG_SETMASK, A(&most), A(&set), 8, 0, 0, 0),
			    "rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], [USR1 TERM], 8) = 0");
	assert_string_equal(line(SYS_kill, 42, SIGTERM, 0, 0, 0, 0, 0), "kill(42, SIGTERM)                       = 0");
	assert_string_equal(line(SYS_kill, 42, 77, 0, 0, 0, 0, -EINVAL), "kill(42, 77)                            = -1 EINVAL (Invalid argument)");
	assert_string_equal(line(SYS_tgkill, 1, 2, 34, 0, 0, 0, 0), "tgkill(1, 2, SIGRT_2)                   = 0");
}

static void
test_process(void **state)
{
	int status = 3 << 8;
	int killed = SIGKILL;
	static char a0[] = "ls", a1[] = "-l", e0[] = "A=1", e1[] = "B=2";
	char *argv[] = { a0, a1, NULL };
	char *envp[] = { e0, e1, NULL };
	static const char path[] = "/bin/ls";

	(void)state;
	assert_string_equal(line(SYS_wait4, (uint64_t)-1, A(&status), 0, 0, 0, 0, 1234),
			    "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 1234");
	assert_string_equal(line(SYS_wait4, 77, A(&killed), WNOHANG | __WALL, 0, 0, 0, 77),
			    "wait4(77, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], WNOHANG|__WALL, NULL) = 77");
	assert_line(line(SYS_wait4, (uint64_t)-1, A(&status), WNOHANG, 0, 0, 0, 0),
			    expect("wait4(-1, %#llx, WNOHANG, NULL) = 0", (unsigned long long)A(&status)));
	assert_string_equal(line(SYS_clone, 0x01200011, 0, 0, 0x7f00aa, 0, 0, 42),
			    "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00aa) = 42");
	assert_line(line(SYS_execve, A(path), A(argv), A(envp), 0, 0, 0, 0),
			    expect("execve(\"/bin/ls\", [\"ls\", \"-l\"], %#llx /* 2 vars */) = 0", (unsigned long long)A(envp)));
	assert_string_equal(line(SYS_exit_group, 0, 0, 0, 0, 0, 0, 0), "exit_group(0)                           = 0");
}

static void
test_net(void **state)
{
	struct sockaddr_un un = { AF_UNIX, "/run/x.sock" };
	struct sockaddr_in in = { AF_INET, htons(53), { htonl(0x7f000001) } };
	struct sockaddr_in6 in6;

	(void)state;
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(80);
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	assert_string_equal(line(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0, 5),
			    "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 5");
	assert_string_equal(line(SYS_socket, AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0, 0, 0, 6),
			    "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 6");
	assert_string_equal(line(SYS_connect, 5, A(&un), sizeof(un), 0, 0, 0, -ENOENT),
			    "connect(5, {sa_family=AF_UNIX, sun_path=\"/run/x.sock\"}, 110) = -1 ENOENT (No such file or directory)");
	assert_string_equal(line(SYS_connect, 6, A(&in), sizeof(in), 0, 0, 0, 0),
			    "connect(6, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0");
	assert_string_equal(line(SYS_bind, 7, A(&in6), sizeof(in6), 0, 0, 0, 0),
			    "bind(7, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0");
}

static void
test_desc(void **state)
{
	struct pollfd pf[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, POLLOUT } };
	struct __attribute__((packed)) { uint32_t events; uint64_t data; } ev = { EPOLLIN | EPOLLET, 3 };

	(void)state;
	assert_string_equal(line(SYS_poll, A(pf), 2, 0, 0, 0, 0, 1),
			    "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 0) = 1 ([{fd=4, revents=POLLOUT}])");
	assert_string_equal(line(SYS_poll, A(pf), 2, 100, 0, 0, 0, 0),
			    "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 100) = 0 (Timeout)");
	assert_string_equal(line(SYS_fcntl, 3, F_GETFL, 0, 0, 0, 0, 0x800),
			    "fcntl(3, F_GETFL)                       = 0x800 (flags O_RDONLY|O_NONBLOCK)");
	assert_string_equal(line(SYS_fcntl, 3, F_DUPFD_CLOEXEC, 10, 0, 0, 0, 11),
			    "fcntl(3, F_DUPFD_CLOEXEC, 10)           = 11");
	assert_string_equal(line(SYS_epoll_ctl, 8, EPOLL_CTL_ADD, 3, A(&ev), 0, 0, 0),
			    "epoll_ctl(8, EPOLL_CTL_ADD, 3, {events=EPOLLIN|EPOLLET, data={u32=3, u64=3}}) = 0");
	assert_string_equal(line(SYS_lseek, 0, (uint64_t)-5, SEEK_END, 0, 0, 0, 95), "lseek(0, -5, SEEK_END)                  = 95");
	assert_string_equal(line(SYS_dup2, 1, 20, 0, 0, 0, 0, 20), "dup2(1, 20)                             = 20");
}

static void
test_time_futex(void **state)
{
	struct timespec req = { 10, 0 }, rem = { 9, 999941903 };
	uint32_t word = 0;

	(void)state;
	assert_line(line(SYS_nanosleep, A(&req), A(&rem), 0, 0, 0, 0, 0),
			    expect("nanosleep({tv_sec=10, tv_nsec=0}, %#llx) = 0", (unsigned long long)A(&rem)));
	/* Interrupted: the remaining time is shown. */
	assert_string_equal(line(SYS_nanosleep, A(&req), A(&rem), 0, 0, 0, 0, -516),
			    "nanosleep({tv_sec=10, tv_nsec=0}, {tv_sec=9, tv_nsec=999941903}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)");
	assert_string_equal(line(SYS_clock_gettime, CLOCK_MONOTONIC, A(&req), 0, 0, 0, 0, 0),
			    "clock_gettime(CLOCK_MONOTONIC, {tv_sec=10, tv_nsec=0}) = 0");
	assert_line(line(SYS_futex, A(&word), 1 | 128, 1, 0, 0, 0, 0),
			    expect("futex(%#llx, FUTEX_WAKE_PRIVATE, 1) = 0", (unsigned long long)A(&word)));
	assert_line(line(SYS_futex, A(&word), 9 | 256, 5, 0, 0, 0xffffffff, 0),
			    expect("futex(%#llx, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 5, NULL, FUTEX_BITSET_MATCH_ANY) = 0",
				   (unsigned long long)A(&word)));
}

static void
test_returns(void **state)
{
	(void)state;
	assert_string_equal(line(SYS_read, 0, 0, 10, 0, 0, 0, -512),
			    "read(0, NULL, 10)                       = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	assert_string_equal(line(SYS_getpid, 0, 0, 0, 0, 0, 0, 42), "getpid()                                = 42");
	/* Unknown numbers print as syscall_0xNNN with six raw arguments. */
	assert_string_equal(line(0x1f4, 1, 2, 3, 4, 5, 6, -ENOSYS),
			    "syscall_0x1f4(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)");
	/* Syscalls without a decoder print their arguments raw. */
	assert_string_equal(line(SYS_shmctl, 0x1234, 4096, 0x3b6, 0, 0, 0, 7),
			    "shmctl(0x1234, 0x1000, 0x3b6)           = 7");
	assert_string_equal(line(SYS_shmget, 0x1234, 4096, 0x3b6, 0, 0, 0, 7),
			    "shmget(0x1234, 4096, IPC_CREAT|0666)    = 7");
}

/* The two halves, the alignment and the argument offsets JSON uses. */
static void
test_halves(void **state)
{
	static const char text[] = "abc";
	uint64_t args[6] = { 3, A(text), 10, 0, 0, 0 };
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_call c;
	size_t s, e;

	(void)state;
	zd_call_init(&c, getpid(), SYS_read, args, &opts);
	zd_call_entry(&c, &sb);
	assert_string_equal(sb.buf, "read(3, ");
	assert_int_equal(c.entry_end, 8);
	zd_call_exit(&c, &sb, 3);
	assert_string_equal(sb.buf, "read(3, \"abc\", 10)");
	assert_true(zd_call_arg(&c, 0, &s, &e));
	assert_int_equal(e - s, 1);
	assert_true(zd_call_arg(&c, 1, &s, &e));
	assert_memory_equal(sb.buf + s, "\"abc\"", e - s);
	assert_true(zd_call_arg(&c, 2, &s, &e));
	assert_memory_equal(sb.buf + s, "10", e - s);
	assert_false(zd_call_arg(&c, 3, &s, &e));
	zd_call_pad(&sb, 0);
	assert_int_equal(sb.len, 40);
	zd_call_retval(&c, &sb);
	assert_string_equal(sb.buf + 40, "= 3");
	assert_string_equal(zd_call_name(&c), "read");
	zd_call_release(&c);
	zd_sb_release(&sb);
}

static void
test_siginfo(void **state)
{
	siginfo_t si;
	struct zd_sb sb = ZD_SB_INIT;

	(void)state;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = CLD_EXITED;
	si.si_pid = 42;
	si.si_status = 3;
	zd_dec_siginfo(&sb, &si);
	assert_string_equal(sb.buf, "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=3, si_utime=0, si_stime=0}");
	zd_sb_reset(&sb);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSEGV;
	si.si_code = SEGV_MAPERR;
	si.si_addr = (void *)0x10;
	zd_dec_siginfo(&sb, &si);
	assert_string_equal(sb.buf, "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}");
	zd_sb_reset(&sb);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_USER;
	si.si_pid = 7;
	si.si_uid = 1000;
	zd_dec_siginfo(&sb, &si);
	assert_string_equal(sb.buf, "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=7, si_uid=1000}");
	assert_string_equal(zd_dec_signame(32), "SIGRTMIN");
	assert_string_equal(zd_dec_signame(34), "SIGRT_2");
	assert_string_equal(zd_dec_signame(SIGKILL), "SIGKILL");
	zd_sb_release(&sb);
}

static void
test_umove(void **state)
{
	static const char s[] = "string";
	char buf[16];
	bool term;

	(void)state;
	assert_int_equal(zd_umove(getpid(), A(s), buf, 7), 7);
	assert_string_equal(buf, "string");
	assert_int_equal(zd_umove(getpid(), 0, buf, 4), -EFAULT);
	assert_int_equal(zd_umove(getpid(), 0x10, buf, 4), -EFAULT);
	assert_int_equal(zd_umove_str(getpid(), A(s), buf, sizeof(buf) - 1, &term), 6);
	assert_true(term);
	assert_int_equal(zd_umove_str(getpid(), A(s), buf, 3, &term), 3);
	assert_false(term);
	assert_string_equal(buf, "str");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_process),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_desc),
		cmocka_unit_test(test_time_futex),
		cmocka_unit_test(test_returns),
		cmocka_unit_test(test_halves),
		cmocka_unit_test(test_siginfo),
		cmocka_unit_test(test_umove),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	zd_sb_release(&out);
	return r;
}
