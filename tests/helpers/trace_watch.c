/*
 * trace_watch LOG COMMAND [ARG...]: run COMMAND as a child and watch it
 * the way a parent can: every SIGCHLD (its si_code) and every state change
 * waitid() reports with WSTOPPED|WCONTINUED|WEXITED, one line each in LOG:
 *
 *	sigchld CLD_STOPPED        stopped SIGSTOP
 *	sigchld CLD_CONTINUED      continued
 *	sigchld CLD_EXITED         exited 0 / killed SIGTERM
 *
 * Prints "pid=N" on stdout once the child runs; exits when the child is
 * gone.  A `zdiag trace -p N` that stops or continues N behind its back
 * shows up here (SIGSTOP itself cannot be caught by N).
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "helper.h"

static int logfd;

static void
logline(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(logfd, buf, (size_t)n) < 0)
		die("write");
}

static const char *
cld(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	default: return "?";
	}
}

int
main(int argc, char **argv)
{
	sigset_t set;
	pid_t pid;

	alarm(HELPER_ALARM);
	if (argc < 3) {
		fprintf(stderr, "usage: trace_watch LOG COMMAND [ARG...]\n");
		return 2;
	}
	logfd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (logfd < 0)
		die("open");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execvp(argv[2], argv + 2);
		die("execvp");
	}
	printf("pid=%d\n", (int)pid);
	fflush(stdout);
	for (;;) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0) {
			if (errno == EINTR)
				continue;
			die("sigwaitinfo");
		}
		logline("sigchld %s\n", cld(si.si_code));
		/* Signals merge: collect every state change now pending. */
		for (;;) {
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)pid, &si, WEXITED | WSTOPPED | WCONTINUED | WNOHANG) < 0)
				die("waitid");
			if (!si.si_pid)
				break;
			switch (si.si_code) {
			case CLD_STOPPED:
				logline("stopped %d\n", si.si_status);
				break;
			case CLD_CONTINUED:
				logline("continued\n");
				break;
			case CLD_EXITED:
				logline("exited %d\n", si.si_status);
				return 0;
			default:
				logline("killed %d\n", si.si_status);
				return 0;
			}
		}
	}
}
