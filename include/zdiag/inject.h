/*
 * Making another process execute system calls (for zdiag reap), without it
 * being able to tell.
 *
 * One thread is seized (PTRACE_SEIZE, PTRACE_INTERRUPT; the others run on)
 * and its complete register state saved.  A system call is made by pointing
 * rip at a `syscall` instruction the process already has (the one its
 * thread is stopped after, or one in its vDSO), with orig_rax = -1 so that
 * the kernel's restart logic does not fire for it, and single-stepping over
 * it.  A longer job runs as a small routine in a scratch mapping (mmap'ed
 * in the process, written through /proc/PID/mem, made read+exec, unmapped
 * afterwards) that ends in an int3.  At the end the saved registers are put
 * back, -ERESTART* value and orig_rax included, so that an interrupted
 * read, nanosleep, poll, futex or wait4 restarts exactly as it would have;
 * signals that arrived meanwhile are delivered again (the first one with its
 * own siginfo) and the thread is detached.
 *
 *	struct zd_inject in;
 *	if (zd_inject_begin(&in, pid, tid, 2000) == 0) {
 *		r = zd_inject_waitid(&in, pids, n, res);
 *		zd_inject_end(&in);
 *	}
 *
 * Every wait is bounded: a thread that does not stop (D state) gives
 * -ETIMEDOUT.  Process-directed signals and SIGCHLD are blocked in the
 * calling thread between begin and end (so that zdiag cannot be stopped by
 * SIGINT/SIGTERM half-way through); they are delivered after end.
 * Nothing prints; all functions return 0 or -errno.
 */
#ifndef ZDIAG_INJECT_H
#define ZDIAG_INJECT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#define ZD_INJECT_SIGS 8

struct zd_inject {
	pid_t pid, tid;
	bool seized, stopped;
	bool sigstop;               /* last stop was a signal-delivery-stop */
	int memfd;
	struct user_regs_struct saved;
	struct user_fpregs_struct fpsaved;
	uint64_t sc_insn;           /* a `syscall` instruction in the process */
	bool eintr_undone;          /* a never-restarted call made to run again */
	siginfo_t sigs[ZD_INJECT_SIGS]; /* arrived while we held the thread */
	int nsig;
	int64_t stop_ns, end_ns;    /* monotonic: this hold's stop, detach */
	int64_t held_ns;            /* all holds of this job, summed */
	long long timeout_ms;
	sigset_t saved_mask;
	bool used_thread;           /* zd_inject_waitid ran in a helper thread */
	uint64_t left_addr, left_size; /* a scratch mapping that had to stay */
};

/* A system call and its arguments, as a seccomp filter sees them. */
struct zd_inject_call {
	long nr;
	uint64_t a[6];
};

/* Where zd_inject_waitid's waitid calls run. */
enum zd_inject_method {
	ZD_INJECT_AUTO,     /* a helper thread from ZD_INJECT_THREAD_MIN pids on */
	ZD_INJECT_IN_PLACE, /* in the held thread: it is held while they run */
	ZD_INJECT_THREAD,   /* in a helper thread; in place if it cannot start */
};
#define ZD_INJECT_THREAD_MIN 64

/* The outcome of one waitid(P_PID, pid, ..., WEXITED|WNOHANG|__WALL). */
struct zd_waited {
	pid_t pid;
	long ret;                   /* 0 or -errno (-ECHILD: not a child of it) */
	bool reaped;                /* ret 0 and the kernel returned this pid */
	int code;                   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED */
	int status;                 /* exit code, or the signal */
};

/*
 * Seize thread tid of process pid and stop it within timeout_ms.
 * -ETIMEDOUT: it did not stop (D state); -EAGAIN: the process is stopped
 * (group-stop) and was left so; -EPERM, -ESRCH: from ptrace.
 */
int zd_inject_begin(struct zd_inject *in, pid_t pid, pid_t tid, long long timeout_ms);

/*
 * Would the process's seccomp filters (if any) let these calls run?
 * 1 yes, 0 no (some filter refuses, traps or kills), -errno when the filters
 * cannot be read (they exist but PTRACE_SECCOMP_GET_FILTER failed).
 */
int zd_inject_seccomp_ok(struct zd_inject *in, const struct zd_inject_call *calls, size_t n);

/* The calls zd_inject_waitid makes, in place or (thread) for the helper
 * thread on top of those. */
const struct zd_inject_call *zd_inject_waitid_calls(bool thread, size_t *n);

/* One system call; *ret is its raw result (negative errno on failure). */
int zd_inject_syscall(struct zd_inject *in, long nr, const uint64_t args[6], int64_t *ret);

/*
 * waitid(P_PID, pids[i], &info, WEXITED|WNOHANG|__WALL) for every pid, in
 * one run of a routine in a scratch mapping.  out[i] gets each result.
 *
 * In place, the held thread runs them all (held about 10 us per zombie:
 * the kernel's release of each one).  With a helper thread, the held
 * thread only starts a thread (every signal blocked in it, its own
 * fs_struct) that runs them and exits, and is let go at once; once the
 * helper is gone, the thread is stopped again for the munmap.  The process
 * has one more thread meanwhile (calls that need a single-threaded
 * process, unshare(CLONE_NEWUSER), fail then).  If zdiag dies meanwhile,
 * the helper finishes and only the mapping is left behind; if it does not
 * finish (the process stopped), the mapping stays and left_addr says so.
 * Without a thread (clone refused, seccomp), it runs in place.
 */
int zd_inject_waitid(struct zd_inject *in, const pid_t *pids, size_t n, struct zd_waited *out,
		     enum zd_inject_method m);

/* Restore the thread, deliver what arrived meanwhile, detach.  Returns 0,
 * or -errno if the thread could not be restored (it is detached anyway). */
int zd_inject_end(struct zd_inject *in);

/* How long the thread was held (each stop to its detach, summed), in ms. */
double zd_inject_held_ms(const struct zd_inject *in);

#endif
