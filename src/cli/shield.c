/* The debugger's shield: a waiting parent over the tracer (see include/zdiag/shield.h). */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdiag/shield.h"

/* The parent's loop: forward what other processes send, wait for the child. */
static int
wait_child(pid_t child, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int status, sig = sigwaitinfo(set, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			/* Cannot happen with a valid set; wait plainly. */
			sig = SIGCHLD;
		}
		if (sig == SIGCHLD) {
			pid_t r = waitpid(child, &status, WNOHANG);

			if (r == child && WIFEXITED(status))
				return WEXITSTATUS(status);
			if (r == child && WIFSIGNALED(status))
				return 128 + WTERMSIG(status);
			if (r < 0 && errno != EINTR)
				return 127;
			continue;
		}
		/* si_code <= 0: kill(), sigqueue(), tgkill() from a process; a
		 * terminal's signal (SI_KERNEL) went to the child as well. */
		if (sig != SIGWINCH && si.si_code <= 0)
			kill(child, sig);
	}
}

int
zd_shield_split(int *exit_code)
{
	sigset_t set, old;
	pid_t parent = getpid(), child;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return -errno;
	child = fork();
	if (child < 0) {
		int err = -errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		return err;
	}
	if (child == 0) {
		/* SIGCHLD as before (the tracer waits with its own mask). */
		if (!sigismember(&old, SIGCHLD)) {
			sigset_t chld;

			sigemptyset(&chld);
			sigaddset(&chld, SIGCHLD);
			sigprocmask(SIG_UNBLOCK, &chld, NULL);
		}
		/* The parent may be gone already: then SIGHUP now (it is blocked
		 * and taken like any other ending signal). */
		if (prctl(PR_SET_PDEATHSIG, SIGHUP) < 0 || getppid() != parent)
			raise(SIGHUP);
		return 0;
	}
	*exit_code = wait_child(child, &set);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 1;
}
