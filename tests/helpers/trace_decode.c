/*
 * trace_decode WHAT [ARG]: make the real syscalls of one decoder family,
 * for tests/e2e/trace_decode.bats, which traces this program with strace
 * and with zdiag trace and compares the lines.  Results are not checked
 * here (an error return is a line to compare too).
 *
 *	xattr FILE     set/get/list/remove user.* attributes on FILE (l-, f-
 *	               forms too), with a value, a NULL buffer, a short one
 *	socket         sockets with type flags (SOCK_CLOEXEC, SOCK_NONBLOCK)
 *	dents DIR      getdents and getdents64 on DIR, twice (the second at
 *	               the end: 0 entries), and once with a too small buffer
 *	fcntl FILE     record locks (F_SETLK with junk in l_pid, F_GETLK,
 *	               OFD locks), leases, F_SETOWN_EX, F_NOTIFY on FILE
 *	sched          getrusage, wait4 with a usage, CPU affinity (sets of
 *	               several sizes), sched_*param, policies, priorities
 *	statfs PATH... statfs and fstatfs of each PATH, then ustat
 *	stat PATH...   stat, lstat, fstat, newfstatat and statx (basic and
 *	               all fields, sync flags) of each PATH
 *	groups         setgroups and getgroups (root): NULL, empty, short,
 *	               40 groups (more than -s shows), a bad address
 */
#include <netinet/in.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <grp.h>

#include "helper.h"

static void
do_xattr(const char *file)
{
	char buf[256];
	int fd = open(file, O_RDWR | O_CREAT, 0600);

	if (fd < 0)
		die("open");
	setxattr(file, "user.zdiag", "value\0", 6, XATTR_CREATE);
	setxattr(file, "user.zdiag", "v2", 2, XATTR_CREATE);
	lsetxattr(file, "user.bin", "\1\2\3\n", 4, 0);
	fsetxattr(fd, "user.f", "ffff", 4, XATTR_REPLACE | XATTR_CREATE);
	fsetxattr(fd, "user.long", "0123456789012345678901234567890123456789", 40, 0);
	getxattr(file, "user.zdiag", NULL, 0);
	getxattr(file, "user.zdiag", buf, sizeof(buf));
	lgetxattr(file, "user.bin", buf, sizeof(buf));
	lgetxattr(file, "user.zdiag", buf, 2);
	fgetxattr(fd, "user.long", buf, sizeof(buf));
	fgetxattr(fd, "user.none", buf, sizeof(buf));
	listxattr(file, NULL, 0);
	listxattr(file, buf, sizeof(buf));
	llistxattr(file, buf, 1);
	flistxattr(fd, buf, sizeof(buf));
	removexattr(file, "user.zdiag");
	lremovexattr(file, "user.none");
	fremovexattr(fd, "user.bin");
	close(fd);
}

static void
do_socket(void)
{
	int fds[2];

	close(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	close(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	close(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
	close(socket(AF_UNIX, 0xe | SOCK_CLOEXEC, 0));
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

static void
do_dents(const char *dir)
{
	static char buf[65536];
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		die("open");
	syscall(SYS_getdents64, fd, buf, 10);
	syscall(SYS_getdents64, fd, buf, sizeof(buf));
	syscall(SYS_getdents64, fd, buf, sizeof(buf));
	lseek(fd, 0, SEEK_SET);
	syscall(SYS_getdents, fd, buf, sizeof(buf));
	syscall(SYS_getdents, fd, buf, sizeof(buf));
	syscall(SYS_getdents64, -1, buf, sizeof(buf));
	close(fd);
}

static void
do_fcntl(const char *file)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10,
			    .l_len = 20, .l_pid = 4242 };
	struct f_owner_ex ow = { F_OWNER_PID, 0 };
	static const char data[200];
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int fd2 = open(file, O_RDWR);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);

	if (fd < 0 || fd2 < 0 || dfd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
		die("open");
	/* a POSIX lock (junk in l_pid), another one from the end */
	fcntl(fd, F_SETLK, &fl);
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_END;
	fl.l_start = -5;
	fl.l_len = 0;
	fcntl(fd, F_SETLKW, &fl);
	/* an OFD lock query that meets the POSIX lock: its l_pid is ours */
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 50;
	fl.l_pid = 0;
	fcntl(fd2, F_OFD_GETLK, &fl);
	/* an OFD lock, and a POSIX query that meets it: l_pid -1 */
	fl.l_start = 100;
	fl.l_len = 10;
	fl.l_pid = 0;
	fcntl(fd2, F_OFD_SETLK, &fl);
	fl.l_pid = 77;
	fcntl(fd, F_GETLK, &fl);
	/* no conflict: F_UNLCK back */
	fl.l_start = 60;
	fcntl(fd, F_GETLK, &fl);
	fl.l_pid = 1;
	fcntl(fd2, F_OFD_SETLK, &fl);
	fcntl(fd, F_GETLK, (void *)8);
	fcntl(fd, F_GETLEASE);
	fcntl(fd, F_SETLEASE, F_RDLCK);
	ow.pid = getpid();
	fcntl(fd, F_SETOWN_EX, &ow);
	fcntl(fd, F_GETOWN_EX, &ow);
	fcntl(dfd, F_NOTIFY, DN_CREATE | DN_DELETE | DN_MULTISHOT);
	fcntl(dfd, F_NOTIFY, 0);
	close(dfd);
	close(fd2);
	close(fd);
}

static void
do_sched(void)
{
	unsigned char set[512];
	struct sched_param sp = { 0 };
	struct rusage ru;
	struct timespec ts;
	int status;
	pid_t pid;

	getrusage(RUSAGE_SELF, &ru);
	getrusage(RUSAGE_CHILDREN, &ru);
	getrusage(RUSAGE_THREAD, NULL);
	if ((pid = fork()) == 0)
		_exit(3);
	wait4(pid, &status, 0, &ru);
	wait4(-1, &status, WNOHANG, &ru);
	syscall(SYS_sched_getaffinity, 0, sizeof(set), set);
	syscall(SYS_sched_getaffinity, 0, 8, set);
	syscall(SYS_sched_getaffinity, 0, 4, set);
	memset(set, 0, sizeof(set));
	set[0] = 1;
	syscall(SYS_sched_setaffinity, 0, 8, set);
	syscall(SYS_sched_setaffinity, 0, sizeof(set), set);
	set[0] = 3;
	syscall(SYS_sched_setaffinity, 0, 16, set);
	syscall(SYS_sched_setaffinity, 0, 0, set);
	syscall(SYS_sched_setaffinity, 0, 8, NULL);
	sched_getparam(0, &sp);
	sched_setparam(0, &sp);
	sched_getscheduler(0);
	sched_getscheduler(-1);
	sched_setscheduler(0, SCHED_BATCH, &sp);
	sched_getscheduler(0);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	sched_get_priority_max(SCHED_FIFO);
	sched_get_priority_min(SCHED_RR);
	sched_rr_get_interval(0, &ts);
}

static void
do_statfs(char **paths)
{
	struct statfs sf;

	for (; *paths; paths++) {
		int fd = open(*paths, O_RDONLY);

		statfs(*paths, &sf);
		fstatfs(fd, &sf);
		close(fd);
	}
	statfs("/nonexistent", &sf);
	syscall(SYS_ustat, 0, &sf);
}

static void
do_groups(void)
{
	gid_t g[64];
	int i;

	for (i = 0; i < 40; i++)
		g[i] = (gid_t)(1000 + i);
	getgroups(0, NULL);
	setgroups(3, g);
	getgroups(0, NULL);
	getgroups(1, g);
	getgroups(64, g);
	setgroups(40, g);
	getgroups(64, g);
	g[1] = (gid_t)-1;
	setgroups(3, g);
	setgroups(2, (gid_t *)8);
	setgroups(0, NULL);
	getgroups(64, g);
}

static void
do_stat(char **paths)
{
	struct stat st;
	struct statx sx;

	for (; *paths; paths++) {
		int fd = open(*paths, O_RDONLY | O_NOFOLLOW | O_PATH);

		syscall(SYS_stat, *paths, &st);
		syscall(SYS_lstat, *paths, &st);
		syscall(SYS_fstat, fd, &st);
		syscall(SYS_newfstatat, AT_FDCWD, *paths, &st, AT_SYMLINK_NOFOLLOW);
		statx(AT_FDCWD, *paths, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &sx);
		statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE | STATX_SIZE, &sx);
		statx(AT_FDCWD, *paths, AT_STATX_FORCE_SYNC | AT_NO_AUTOMOUNT, STATX_ALL | STATX_MNT_ID, &sx);
		close(fd);
	}
	statx(AT_FDCWD, "/nonexistent", 0, STATX_ALL, &sx);
}

int
main(int argc, char **argv)
{
	alarm(HELPER_ALARM);
	if (argc == 3 && !strcmp(argv[1], "xattr"))
		do_xattr(argv[2]);
	else if (argc == 2 && !strcmp(argv[1], "socket"))
		do_socket();
	else if (argc == 3 && !strcmp(argv[1], "fcntl"))
		do_fcntl(argv[2]);
	else if (argc == 2 && !strcmp(argv[1], "sched"))
		do_sched();
	else if (argc >= 3 && !strcmp(argv[1], "statfs"))
		do_statfs(argv + 2);
	else if (argc >= 3 && !strcmp(argv[1], "stat"))
		do_stat(argv + 2);
	else if (argc == 2 && !strcmp(argv[1], "groups"))
		do_groups();
	else if (argc == 3 && !strcmp(argv[1], "dents"))
		do_dents(argv[2]);
	else {
		fprintf(stderr, "usage: trace_decode WHAT [ARG]\n");
		return 2;
	}
	return 0;
}
