/*
 * Workloads for bench/trace.sh (built -O2 by mk/trace.mk):
 *	trace_work loop N          N cheap syscalls (getppid)
 *	trace_work files DIR N     make DIR/0..N-1 (once; not timed by the bench)
 *	trace_work read DIR N      stat, open, read and close each of DIR/0..N-1
 *	trace_work forkexec N      N times: fork, exec /bin/true, wait
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n, i;
	char path[4096], buf[4096];

	if (argc < 3)
		goto usage;
	n = atol(argv[argc - 1]);
	if (!strcmp(argv[1], "loop")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (!strcmp(argv[1], "files") && argc == 4) {
		if (mkdir(argv[2], 0755) < 0 && access(argv[2], W_OK) < 0)
			return 1;
		for (i = 0; i < n; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s/%ld", argv[2], i);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, "some file contents\n", 19) != 19)
				return 1;
			close(fd);
		}
		return 0;
	}
	if (!strcmp(argv[1], "read") && argc == 4) {
		for (i = 0; i < n; i++) {
			struct stat st;
			int fd;

			snprintf(path, sizeof(path), "%s/%ld", argv[2], i);
			if (stat(path, &st) < 0)
				return 1;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return 1;
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		return 0;
	}
	if (!strcmp(argv[1], "forkexec")) {
		for (i = 0; i < n; i++) {
			pid_t p = fork();
			int st;

			if (p < 0)
				return 1;
			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
				return 1;
		}
		return 0;
	}
usage:
	fprintf(stderr, "usage: trace_work loop N | files DIR N | read DIR N | forkexec N\n");
	return 2;
}
