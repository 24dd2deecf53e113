/*
 * The floor of ptrace tracing, for bench/trace.sh: run CMD and all its
 * children under the smallest possible PTRACE_SYSCALL loop (one blocking
 * wait4 and one restart per stop, plus one PTRACE_GET_SYSCALL_INFO per
 * syscall stop so it reads what a tracer must read), printing nothing.
 * No tracer that shows every syscall can be faster than this on the same
 * kernel; zdiag and strace are compared with it.
 *
 *	ptrace_floor CMD [ARG...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

int
main(int argc, char **argv)
{
	struct ptrace_syscall_info info;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: ptrace_floor CMD [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &status, WSTOPPED) < 0)
		return 2;
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK |
				  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE)) < 0)
		return 2;
	kill(pid, SIGCONT);
	for (;;) {
		pid_t w = wait4(-1, &status, __WALL, NULL);
		int sig = 0;

		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (w != pid)
				continue;
			/* The command is done; its children (if any) die with us. */
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			ptrace(PTRACE_GET_SYSCALL_INFO, w, (void *)sizeof(info), &info);
		else if (!(status >> 16) && WSTOPSIG(status) != SIGSTOP)
			sig = WSTOPSIG(status);
		ptrace(PTRACE_SYSCALL, w, NULL, (void *)(long)sig);
	}
	return 0;
}
