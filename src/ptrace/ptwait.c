/* Bounded waits for ptrace stops, shared by the debugger (ptrace.c) and
 * system-call injection (inject.c); see include/zdiag/ptrace.h. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include "zdiag/ptrace.h"

int64_t
zd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
zd_pt_wait_event(pid_t who, int64_t deadline_ns, const sigset_t *wake, pid_t *tid, int *status,
		 int *wsig)
{
	sigset_t set;

	if (wake)
		set = *wake;
	else
		sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		siginfo_t si;
		struct timespec ts, *tsp = NULL;
		pid_t r = waitpid(who, status, WNOHANG | __WALL);
		int s;

		if (r > 0) {
			*tid = r;
			return 1;
		}
		if (r < 0 && errno == ECHILD)
			return -ECHILD;
		if (deadline_ns >= 0) {
			int64_t left = deadline_ns - zd_now_ns();

			if (left <= 0)
				return 0;
			ts.tv_sec = left / 1000000000LL;
			ts.tv_nsec = left % 1000000000LL;
			tsp = &ts;
		}
		s = sigtimedwait(&set, &si, tsp);
		if (s == SIGCHLD || (s < 0 && errno == EINTR))
			continue;
		if (s > 0) {
			*wsig = s;
			return 2;
		}
		if (s < 0 && errno == EAGAIN)
			continue; /* re-check the deadline (and a last waitpid) */
	}
}
