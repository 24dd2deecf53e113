/* Signal and errno names; wait-status rendering. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "zdiag/common.h"
#include "zdiag/sig.h"

const char *
zd_signame(int sig)
{
	static __thread char buf[24];
	const char *ab;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		if (sig == SIGRTMIN)
			return "SIGRTMIN";
		snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	/* Kernel-reserved realtime signals 32 and 33 (used by glibc). */
	if (sig >= 32 && sig < SIGRTMIN) {
		snprintf(buf, sizeof(buf), "SIGRT_%d", sig - 32);
		return buf;
	}
	if (sig == SIGIO) /* glibc says POLL (the same number); strace, kill -l: IO */
		return "SIGIO";
	ab = sig > 0 ? sigabbrev_np(sig) : NULL;
	if (!ab) {
		snprintf(buf, sizeof(buf), "SIG%d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", ab);
	return buf;
}

int
zd_sigparse(const char *s)
{
	char *end;
	long v;
	int i;

	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)*s)) {
		v = strtol(s, &end, 10);
		return (*end || v <= 0 || v > SIGRTMAX) ? -1 : (int)v;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strncasecmp(s, "RTMIN", 5)) {
		if (!s[5])
			return SIGRTMIN;
		if (s[5] != '+')
			return -1;
		v = strtol(s + 6, &end, 10);
		return (*end || v < 0 || v > SIGRTMAX - SIGRTMIN) ? -1 : (int)(SIGRTMIN + v);
	}
	if (!strcasecmp(s, "RTMAX"))
		return SIGRTMAX;
	for (i = 1; i < SIGRTMIN; i++) {
		const char *ab = sigabbrev_np(i);
		if (ab && !strcasecmp(ab, s))
			return i;
	}
	return -1;
}

const char *
zd_errname(int err)
{
	if (err < 0)
		err = -err;
	return strerrorname_np(err);
}

void
zd_wait_status_str(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by %s%s", zd_signame(WTERMSIG(status)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WIFSTOPPED(status))
		snprintf(buf, size, "stopped by %s", zd_signame(WSTOPSIG(status)));
	else if (WIFCONTINUED(status))
		snprintf(buf, size, "continued");
	else
		snprintf(buf, size, "status 0x%x", (unsigned)status);
}

void
zd_sigmask_str(unsigned long long mask, char *buf, size_t size)
{
	size_t len = 0;
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= 64 && len + 1 < size; sig++) {
		if (!(mask & (1ULL << (sig - 1))))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "", zd_signame(sig));
		if (len >= size)
			len = size - 1;
	}
	if (!len)
		snprintf(buf, size, "none");
}
