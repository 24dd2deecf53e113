/*
 * trace_oldkernel [-s] [-i] [-m] [-o OPT[,OPT...]] COMMAND [ARG...]: run
 * COMMAND on a simulated older (or hobby) kernel, for `zdiag trace`'s
 * fallbacks.  A seccomp filter (libseccomp, matching ptrace's first
 * argument, the request) makes precise calls fail the way such a kernel
 * answers them:
 *
 *	-s  ptrace(PTRACE_SEIZE, ...) and PTRACE_INTERRUPT, PTRACE_LISTEN
 *	    fail with EIO (no SEIZE: Linux before 3.4, or a kernel with only
 *	    TRACEME/ATTACH/DETACH/SYSCALL/PEEKDATA/POKEDATA/GETREGS)
 *	-i  ptrace(PTRACE_GET_SYSCALL_INFO, ...) fails with EIO (before 5.3)
 *	-m  process_vm_readv fails with ENOSYS (no CONFIG_CROSS_MEMORY_ATTACH)
 *	-o  these PTRACE_O_* options are unknown: PTRACE_SETOPTIONS with one
 *	    of them fails with EINVAL, PTRACE_SEIZE with one with EIO
 *	    (sysgood, exec, exit, fork, vfork, clone, seccomp, exitkill)
 *
 * Without -s, -i, -m or -o: -s -i -m.  The filter is inherited by every
 * child and across exec; the rest of ptrace works as usual.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>
#include <linux/ptrace.h>

#include "helper.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif

static const struct {
	const char *name;
	unsigned bit;
} options[] = {
	{ "sysgood", PTRACE_O_TRACESYSGOOD }, { "exec", PTRACE_O_TRACEEXEC },
	{ "exit", PTRACE_O_TRACEEXIT },       { "fork", PTRACE_O_TRACEFORK },
	{ "vfork", PTRACE_O_TRACEVFORK },     { "clone", PTRACE_O_TRACECLONE },
	{ "seccomp", PTRACE_O_TRACESECCOMP }, { "exitkill", PTRACE_O_EXITKILL },
};

static void
rule(scmp_filter_ctx ctx, int e, int nr, unsigned n, struct scmp_arg_cmp a, struct scmp_arg_cmp b)
{
	int r;

	if (n == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)e), nr, 0);
	else if (n == 1)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)e), nr, 1, a);
	else
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)e), nr, 2, a, b);

	if (r < 0) {
		errno = -r;
		die("seccomp_rule_add");
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: trace_oldkernel [-s] [-i] [-m] [-o OPT[,OPT...]] COMMAND [ARG...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int c, r, nr_ptrace = SCMP_SYS(ptrace);
	bool seize = false, info = false, vm = false;
	unsigned bad = 0;
	size_t i;

	while ((c = getopt(argc, argv, "+simo:")) != -1) {
		switch (c) {
		case 's':
			seize = true;
			break;
		case 'i':
			info = true;
			break;
		case 'm':
			vm = true;
			break;
		case 'o': {
			char *copy = strdup(optarg), *p, *save = NULL;

			for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
				for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
					if (!strcmp(p, options[i].name))
						break;
				if (i == sizeof(options) / sizeof(options[0])) {
					fprintf(stderr, "trace_oldkernel: unknown option '%s'\n", p);
					return 2;
				}
				bad |= options[i].bit;
			}
			free(copy);
			break;
		}
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (!seize && !info && !vm && !bad)
		seize = info = vm = true;

	/* A last resort that survives exec: nothing outlives a test by long. */
	alarm(HELPER_ALARM);
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		die("seccomp_init");
	if (seize) {
		rule(ctx, EIO, nr_ptrace, 1, SCMP_A0(SCMP_CMP_EQ, PTRACE_SEIZE), SCMP_A0(SCMP_CMP_EQ, 0));
		rule(ctx, EIO, nr_ptrace, 1, SCMP_A0(SCMP_CMP_EQ, PTRACE_INTERRUPT), SCMP_A0(SCMP_CMP_EQ, 0));
		rule(ctx, EIO, nr_ptrace, 1, SCMP_A0(SCMP_CMP_EQ, PTRACE_LISTEN), SCMP_A0(SCMP_CMP_EQ, 0));
	}
	if (info)
		rule(ctx, EIO, nr_ptrace, 1, SCMP_A0(SCMP_CMP_EQ, PTRACE_GET_SYSCALL_INFO), SCMP_A0(SCMP_CMP_EQ, 0));
	if (vm)
		rule(ctx, ENOSYS, SCMP_SYS(process_vm_readv), 0, SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A0(SCMP_CMP_EQ, 0));
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		unsigned b = options[i].bit;

		if (!(bad & b))
			continue;
		rule(ctx, EINVAL, nr_ptrace, 2, SCMP_A0(SCMP_CMP_EQ, PTRACE_SETOPTIONS), SCMP_A3(SCMP_CMP_MASKED_EQ, b, b));
		if (!seize)
			rule(ctx, EIO, nr_ptrace, 2, SCMP_A0(SCMP_CMP_EQ, PTRACE_SEIZE), SCMP_A3(SCMP_CMP_MASKED_EQ, b, b));
	}
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		errno = -r;
		die("seccomp_load");
	}
	execvp(argv[optind], argv + optind);
	die("execvp");
}
