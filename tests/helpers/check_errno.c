/*
 * check_errno SYSCALL ERRNO COMMAND [ARG...]: run COMMAND with SYSCALL
 * answering -ERRNO without running (seccomp, via libseccomp), to make the
 * running kernel look broken in one precise way:
 *
 *	check_errno access 0 zdiag check -k procfs.reaped-access
 *		access() "succeeds" on a reaped child's /proc/PID (FAIL)
 *	check_errno ptrace ENOSYS zdiag check -k ptrace      (SKIP)
 *	check_errno rt_sigtimedwait EINTR zdiag check -k wait.sigchld-exited
 *		sigtimedwait() never returns a signal (TIMEOUT)
 *
 * ERRNO is a number or a name (EPERM, EINVAL, ...); 0 means the call
 * returns 0.  The filter is inherited by every child and across exec.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR }, { "EIO", EIO },
	{ "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EINVAL", EINVAL },
	{ "ENOSYS", ENOSYS },
};

int
main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int nr, e = -1, r;
	size_t i;

	if (argc < 4) {
		fprintf(stderr, "usage: check_errno SYSCALL ERRNO COMMAND [ARG...]\n");
		return 2;
	}
	nr = seccomp_syscall_resolve_name(argv[1]);
	if (nr == __NR_SCMP_ERROR) {
		fprintf(stderr, "check_errno: unknown syscall '%s'\n", argv[1]);
		return 2;
	}
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(argv[2], errnos[i].name))
			e = errnos[i].value;
	if (e < 0) {
		char *end;

		e = (int)strtol(argv[2], &end, 10);
		if (*end || e < 0 || e > 4095) {
			fprintf(stderr, "check_errno: bad errno '%s'\n", argv[2]);
			return 2;
		}
	}
	/* A last resort that survives exec: nothing outlives a test by long. */
	alarm(HELPER_ALARM);
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		die("seccomp_init");
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)e), nr, 0);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		errno = -r;
		die("seccomp");
	}
	execvp(argv[3], argv + 3);
	die("execvp");
}
