/*
 * trace_style DIR FIXED: calls whose arguments show the output styles of
 * `zdiag trace` (-x, -xx, -X, -e abbrev/verbose/raw/read/write) next to
 * strace's: binary, UTF-8 and plain strings written to and read back
 * from DIR/data (fd 3) and a pipe (fds 3 and 4: run it with 3 and up
 * closed), vectors, open flags,
 * AT_FDCWD, whence values, signal numbers and sets, sigaction, mmap
 * flags, a socket type, uname, stat of FIXED (a file nobody changes, so
 * two runs print the same structure), two children reaped with wait4 (one
 * exits 3, one is killed: wait statuses and SIGCHLD lines) and a signal
 * (SIGURG, ignored by default: a "--- SIGURG ..." line).
 *
 * Nothing it does depends on the run but addresses and pids, which the
 * test masks.  The first traced call is chdir("/zdiag-style-marker").
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "helper.h"

int
main(int argc, char **argv)
{
	static const char elf[] = "\177ELF\2\1\1\0 bin\n";
	static const char utf8[] = "caf\303\251\n";
	static const char plain[] = "tab\there \"quoted\" back\\slash\n";
	static const char mixed[] = "0123456789abcdefghijklmnopqrstuvwxyz\0\1\2\3ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";
	char a[] = "first ", b[] = "second\n";
	struct iovec iov[2] = { { a, sizeof(a) - 1 }, { b, sizeof(b) - 1 } };
	char buf[256], r1[8], r2[64];
	struct iovec riov[2] = { { r1, sizeof(r1) }, { r2, sizeof(r2) } };
	char path[4096];
	struct sigaction sa;
	sigset_t set;
	struct stat st;
	struct utsname u;
	int fd, p[2], s;
	void *m;

	alarm(HELPER_ALARM);
	if (argc != 3)
		return 2;
	snprintf(path, sizeof(path), "%s/data", argv[1]);
	(void)chdir("/zdiag-style-marker");

	fd = openat(AT_FDCWD, path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		die("openat data");
	fcntl(fd, F_GETFL);   /* = 0x8002 (flags O_RDWR|O_LARGEFILE) */
	fcntl(fd, F_GETFD);   /* = 0x1 (flags FD_CLOEXEC) */
	if (write(fd, elf, sizeof(elf) - 1) < 0 || write(fd, utf8, sizeof(utf8) - 1) < 0 ||
	    write(fd, plain, sizeof(plain) - 1) < 0 || write(fd, mixed, sizeof(mixed) - 1) < 0)
		die("write");
	if (writev(fd, iov, 2) < 0)
		die("writev");
	lseek(fd, 0, SEEK_SET);
	if (read(fd, buf, sizeof(buf)) < 0)
		die("read");
	if (pread(fd, buf, 8, 4) < 0)
		die("pread");
	lseek(fd, 13, SEEK_SET);
	if (readv(fd, riov, 2) < 0)
		die("readv");
	lseek(fd, 0, 7);   /* an unknown whence: EINVAL */
	close(fd);

	if (openat(AT_FDCWD, "/nonexistent-zdiag-style", O_RDONLY | O_DIRECTORY | O_NOFOLLOW) >= 0)
		die("openat nonexistent");
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2");
	if (write(p[1], mixed, sizeof(mixed) - 1) < 0 || read(p[0], buf, 40) < 0)
		die("pipe write/read");
	close(p[0]);
	close(p[1]);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	kill(0, 0);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap");
	munmap(m, 4096);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s >= 0)
		close(s);
	if (uname(&u) < 0)
		die("uname");
	if (stat(argv[2], &st) < 0)
		die("stat FIXED");
	/* Two children (not traced without -f): one exits 3, one is killed.
	 * SIGCHLD is blocked until each is reaped, so its line comes at the
	 * same place in every run: after the unblocking call. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (s = 0; s < 2; s++) {
		pid_t pid;
		int status;

		sigprocmask(SIG_BLOCK, &set, NULL);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			if (s)
				kill(getpid(), SIGKILL);
			_exit(3);
		}
		if (wait4(-1, &status, 0, NULL) != pid)
			die("wait4");
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	raise(SIGURG);
	return 0;
}
