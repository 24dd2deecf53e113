/*
 * Pieces of the ptrace loop (src/trace/tracer.c) that are pure logic, so
 * the unit tests can drive them without a tracee
 * (tests/unit/test_trace_classic.c).  Internal to the tracer library.
 */
#ifndef ZDIAG_TRACE_TRACER_INT_H
#define ZDIAG_TRACE_TRACER_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#define ZD_AUDIT_ARCH_X86_64 0xc000003eU
#define ZD_AUDIT_ARCH_I386 0x40000003U

/* The state of a syscall stop, from PTRACE_GET_SYSCALL_INFO or registers. */
struct zd_scinfo {
	int op;             /* PTRACE_SYSCALL_INFO_ENTRY/EXIT/SECCOMP, 0: unknown */
	long nr;
	uint64_t args[6];
	uint64_t sp;
	uint64_t ip;         /* instruction pointer */
	int64_t rval;
	uint32_t arch;
};

/*
 * A syscall stop's state from PTRACE_GETREGS registers (kernels without
 * PTRACE_GET_SYSCALL_INFO): registers cannot say entry from exit, so the
 * caller's bookkeeping does (exiting); a 32-bit code segment (int 0x80 from
 * a 32-bit process) is the i386 ABI.
 */
void zd_trace_regs_info(const struct user_regs_struct *r, bool exiting, struct zd_scinfo *si);

/*
 * Is this SIGSTOP (its siginfo at a signal-delivery-stop) one the tracer
 * caused, to be swallowed: PTRACE_ATTACH's (SI_KERNEL), a new child's
 * (no siginfo: pid 0), the detach's tgkill from the tracer (self, or 0
 * when the tracer is outside the tracee's PID namespace), or the launched
 * child's own raise() (tid)?  A kill -STOP from another visible process
 * is not.
 */
bool zd_trace_own_sigstop(const siginfo_t *si, pid_t self, pid_t tid);

/*
 * Find the PTRACE_O_* options of want the kernel accepts, after
 * PTRACE_SETOPTIONS(want) failed: set(ctx, opts) is PTRACE_SETOPTIONS,
 * returning 0 or -errno.  Options are added one at a time, most needed
 * first (TRACESYSGOOD, TRACEEXEC, the fork trio, TRACEEXIT, TRACESECCOMP,
 * EXITKILL); a rejected one (any error but -ESRCH) goes to *dropped.  The
 * fork trio goes together: one rejected drops all three.  On return the
 * kernel holds want & ~*dropped.  Returns 0, or -ESRCH (the tracee is gone).
 */
int zd_trace_opts_probe(unsigned want, int (*set)(void *ctx, unsigned opts), void *ctx, unsigned *dropped);

#endif
