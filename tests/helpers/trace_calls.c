/*
 * trace_calls DIR: make known syscalls and print, on stdout, the exact
 * lines `zdiag trace -e trace=SET` must write for them (strace's own
 * testing approach: the program knows what it did).
 *
 * The first traced call is a marker, chdir("/zdiag-trace-marker"), so
 * the test can skip what the dynamic loader did before main.  The
 * expected lines are collected in memory and written with one raw
 * write(2) at the end, so printing adds no traced call.
 *
 * SET: chdir,openat,pwrite64,close,read,lseek,dup,dup3,fcntl,pipe2,
 *      newfstatat,mkdirat,unlinkat,socket,connect,kill,rt_sigprocmask,
 *      umask,wait4,getcwd,nanosleep
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "helper.h"

static char expected[16384];
static size_t elen;

static void
add(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(expected + elen, sizeof(expected) - elen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(expected) - elen)
		die("expected output too long");
	elen += (size_t)n;
}

/* The return value as zdiag prints it. */
static const char *
rv(long r)
{
	static char buf[128];

	if (r == -1)
		snprintf(buf, sizeof(buf), "-1 %s (%s)", strerrorname_np(errno), strerror(errno));
	else
		snprintf(buf, sizeof(buf), "%ld", r);
	return buf;
}

/* One line: the call, padded to column 40 (one space past it), "= ret". */
static void
line(const char *ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
line(const char *ret, const char *fmt, ...)
{
	char call[1024];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	n = strlen(call);
	add("%s", call);
	if (n < 40)
		add("%*s", (int)(40 - n), "");
	else
		add(" ");
	add("= %s\n", ret);
}

int
main(int argc, char **argv)
{
	char path[512], dir[512], buf[64];
	const char *base = argc > 1 ? argv[1] : "/tmp";
	struct sockaddr_un un = { AF_UNIX, "/zdiag-no-such.sock" };
	int fd, fd2, p[2], sock, status;
	long r;
	sigset_t set;
	pid_t child;
	struct stat st;

	alarm(HELPER_ALARM);
	snprintf(path, sizeof(path), "%s/calls.data", base);
	snprintf(dir, sizeof(dir), "%s/calls.dir", base);

	r = syscall(SYS_chdir, "/zdiag-trace-marker");
	line(rv(r), "chdir(\"/zdiag-trace-marker\")");

	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	line(rv(fd), "openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600)", path);
	r = syscall(SYS_pwrite64, fd, "data\n\0\1", 7, 0);
	line(rv(r), "pwrite64(%d, \"data\\n\\0\\1\", 7, 0)", fd);
	r = syscall(SYS_close, fd);
	line(rv(r), "close(%d)", fd);

	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	line(rv(fd), "openat(AT_FDCWD, \"%s\", O_RDONLY)", path);
	r = syscall(SYS_read, fd, buf, sizeof(buf));
	line(rv(r), "read(%d, \"data\\n\\0\\1\", %zu)", fd, sizeof(buf));
	r = syscall(SYS_read, fd, buf, sizeof(buf));
	line(rv(r), "read(%d, \"\", %zu)", fd, sizeof(buf));
	r = syscall(SYS_lseek, fd, 2, SEEK_SET);
	line(rv(r), "lseek(%d, 2, SEEK_SET)", fd);
	fd2 = (int)syscall(SYS_dup, fd);
	line(rv(fd2), "dup(%d)", fd);
	r = syscall(SYS_dup3, fd, 20, O_CLOEXEC);
	line(rv(r), "dup3(%d, 20, O_CLOEXEC)", fd);
	r = syscall(SYS_fcntl, 20, F_GETFD);
	line(r == 1 ? "0x1 (flags FD_CLOEXEC)" : rv(r), "fcntl(20, F_GETFD)");
	r = syscall(SYS_close, 20);
	line(rv(r), "close(20)");
	r = syscall(SYS_close, fd2);
	line(rv(r), "close(%d)", fd2);
	r = syscall(SYS_close, fd);
	line(rv(r), "close(%d)", fd);
	r = syscall(SYS_close, 99);
	line(rv(r), "close(99)");

	r = syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK);
	line(rv(r), "pipe2([%d, %d], O_NONBLOCK|O_CLOEXEC)", p[0], p[1]);
	r = syscall(SYS_read, p[0], buf, 10);
	snprintf(buf, sizeof(buf), "%p", (void *)buf);
	line(rv(r), "read(%d, %s, 10)", p[0], buf);

	r = syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
	line(rv(r), "newfstatat(AT_FDCWD, \"%s\", {st_mode=S_IFREG|0600, st_size=7, ...}, 0)", path);
	r = syscall(SYS_newfstatat, AT_FDCWD, "/zdiag-no-such-file", &st, AT_SYMLINK_NOFOLLOW);
	line(rv(r), "newfstatat(AT_FDCWD, \"/zdiag-no-such-file\", %p, AT_SYMLINK_NOFOLLOW)", (void *)&st);
	r = syscall(SYS_mkdirat, AT_FDCWD, dir, 0755);
	line(rv(r), "mkdirat(AT_FDCWD, \"%s\", 0755)", dir);
	r = syscall(SYS_unlinkat, AT_FDCWD, dir, AT_REMOVEDIR);
	line(rv(r), "unlinkat(AT_FDCWD, \"%s\", AT_REMOVEDIR)", dir);
	r = syscall(SYS_unlinkat, AT_FDCWD, path, 0);
	line(rv(r), "unlinkat(AT_FDCWD, \"%s\", 0)", path);

	sock = (int)syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	line(rv(sock), "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0)");
	r = syscall(SYS_connect, sock, &un, sizeof(un));
	line(rv(r), "connect(%d, {sa_family=AF_UNIX, sun_path=\"/zdiag-no-such.sock\"}, %zu)", sock, sizeof(un));

	r = syscall(SYS_kill, getpid(), 0);
	line(rv(r), "kill(%d, 0)", (int)getpid());
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	r = syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	line(rv(r), "rt_sigprocmask(SIG_BLOCK, [USR1], NULL, 8)");
	r = syscall(SYS_umask, 027);
	line("", "umask(027)");
	/* umask returns the old mask in octal: patch the line just written. */
	elen--;
	add("0%lo\n", r);

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0)
		_exit(7);
	r = syscall(SYS_wait4, child, &status, 0, NULL);
	line(rv(r), "wait4(%d, [{WIFEXITED(s) && WEXITSTATUS(s) == 7}], 0, NULL)", (int)child);

	{
		struct timespec ts = { 0, 1000 };

		r = syscall(SYS_nanosleep, &ts, NULL);
		line(rv(r), "nanosleep({tv_sec=0, tv_nsec=1000}, NULL)");
	}
	add("+++ exited with 0 +++\n");
	if (write(1, expected, elen) != (ssize_t)elen)
		die("write");
	return 0;
}
