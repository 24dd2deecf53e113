/*
 * trace_fds DIR: file descriptors of every kind -y/-yy decorate, for
 * `zdiag trace` next to strace (tests/e2e/trace_fds.bats).  Single
 * process for the tracer (the one child is never traced without -f):
 *	/dev/null (a char device) opened and dup2/dup3'ed, AT_FDCWD calls
 *	a TCP server on 127.0.0.1 and a client connected to it
 *	a connected UDP socket, a listening TCPv6 socket on ::1 (if any)
 *	a UNIX socketpair, a UNIX listener bound to DIR/sock and a
 *	connection to it, an unbound UNIX datagram socket
 *	a NETLINK_ROUTE socket, bound
 *	a pidfd of a child: pidfd_send_signal, waitid(P_PIDFD)
 *	a memfd (a deleted file), a pipe, an fd on a path with '<'
 * trace_fds DIR udp: only a UDP socket bound to 127.0.0.1, getsockname,
 * connected to port 9, getsockname again.
 * Exits 0, or 99 when a step fails.
 */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "helper.h"

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(a);
	struct stat st;
	int fd, ls, c, acc, s, sv[2], p[2], pfd;
	char b;
	pid_t child;
	siginfo_t si;

	alarm(HELPER_ALARM);
	if (argc < 2 || chdir(argv[1]) < 0)
		die("usage: trace_fds DIR [udp]");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (argc > 2 && !strcmp(argv[2], "udp")) {
		if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 || bind(s, (void *)&a, sizeof(a)) < 0 ||
		    getsockname(s, (void *)&a, &len) < 0)
			die("udp bind");
		a.sin_port = htons(9);
		if (connect(s, (void *)&a, sizeof(a)) < 0 || getsockname(s, (void *)&a, &len) < 0)
			die("udp connect");
		return 0;
	}
	if ((fd = openat(AT_FDCWD, "/dev/null", O_RDONLY)) < 0)
		die("open /dev/null");
	(void)fstatat(AT_FDCWD, ".", &st, 0);
	if (dup2(fd, 10) < 0 || dup3(fd, 11, O_CLOEXEC) < 0 || dup2(fd, 10) < 0)
		die("dup2");
	close(11);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || write(sv[0], "x", 1) != 1)
		die("socketpair");

	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(ls, (void *)&a, sizeof(a)) < 0 ||
	    listen(ls, 1) < 0 || getsockname(ls, (void *)&a, &len) < 0)
		die("tcp listen");
	if ((c = socket(AF_INET, SOCK_STREAM, 0)) < 0 || connect(c, (void *)&a, sizeof(a)) < 0)
		die("tcp connect");
	if ((acc = accept(ls, NULL, NULL)) < 0 || write(c, "x", 1) != 1 || read(acc, &b, 1) != 1)
		die("tcp accept");
	close(acc);
	close(c);
	close(ls);

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 || connect(s, (void *)&a, sizeof(a)) < 0)
		die("udp");
	close(s);
	a6.sin6_port = htons(9);
	if ((s = socket(AF_INET6, SOCK_STREAM, 0)) >= 0) {
		if (bind(s, (void *)&a6, sizeof(a6)) == 0)
			(void)listen(s, 1);
		close(s);
	}

	if ((s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) < 0 || bind(s, (void *)&nl, sizeof(nl)) < 0)
		die("netlink");
	close(s);

	snprintf(un.sun_path, sizeof(un.sun_path), "%s/sock", argv[1]);
	if ((ls = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || bind(ls, (void *)&un, sizeof(un)) < 0 ||
	    listen(ls, 1) < 0)
		die("unix listen");
	if ((c = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 || connect(c, (void *)&un, sizeof(un)) < 0 ||
	    (acc = accept(ls, NULL, NULL)) < 0 || write(c, "y", 1) != 1)
		die("unix connect");
	close(acc);
	close(c);
	close(ls);
	if ((s = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0)
		die("unix dgram");
	close(s);

	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		pause();
		_exit(0);
	}
	if ((pfd = (int)syscall(SYS_pidfd_open, child, 0)) < 0)
		die("pidfd_open");
	if (syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0) < 0)
		die("pidfd_send_signal");
	if (waitid(P_PIDFD, (id_t)pfd, &si, WEXITED) < 0)
		die("waitid");
	close(pfd);
	(void)getpid();

	if ((s = memfd_create("zz", 0)) < 0)
		die("memfd");
	close(s);
	if (pipe(p) < 0)
		die("pipe");
	close(p[0]);
	close(p[1]);
	if ((s = open("a<b>", O_CREAT | O_WRONLY, 0600)) < 0)
		die("open a<b>");
	close(s);
	return 0;
}
