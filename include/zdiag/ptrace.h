/*
 * A ptrace session on one thread group: attach every thread (PTRACE_SEIZE +
 * PTRACE_INTERRUPT, re-reading /proc/PID/task until the set is stable, with
 * PTRACE_O_TRACECLONE), or start a program (PTRACE_TRACEME); bounded waits;
 * all-stop resume and stop; memory and registers; breakpoints; detach that
 * leaves the process as it was found.
 *
 *	struct zd_ptrace pt;
 *	zd_pt_init(&pt);
 *	if (zd_pt_attach(&pt, pid, 500) == 0) {
 *		...  // every thread in pt.th[] with ZD_TH_STOPPED is stopped
 *		zd_pt_detach(&pt);
 *	}
 *	zd_pt_release(&pt);
 *
 * Waiting: while a session exists, SIGCHLD is blocked in the calling thread
 * (zd_pt_init blocks it, zd_pt_release restores the mask) and waits use
 * sigtimedwait, so they can be bounded and woken by signals the caller
 * names (SIGINT, SIGTERM, ...), which must be blocked by the caller too.
 *
 * Safety rules kept here:
 *  - no SIGSTOP is ever sent to a seized thread; a thread that does not stop
 *    in time (D state) is marked ZD_TH_STUCK and never waited on again;
 *  - signals that arrive while stopped are re-delivered on resume/detach;
 *  - breakpoint bytes are removed before detach and from forked children;
 *  - a process found in group-stop (T) stays stopped after detach, any
 *    other is left running.
 * Nothing prints; all functions return 0 or -errno.
 */
#ifndef ZDIAG_PTRACE_H
#define ZDIAG_PTRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <linux/ptrace.h>

#include "zdiag/bkpt.h"
#include "zdiag/guard.h"

enum zd_th_flags {
	ZD_TH_SEIZED = 1 << 0,        /* attached by SEIZE (PTRACE_INTERRUPT works) */
	ZD_TH_STOPPED = 1 << 1,       /* in a ptrace-stop now */
	ZD_TH_GONE = 1 << 2,          /* exited */
	ZD_TH_STUCK = 1 << 3,         /* did not stop within the timeout */
	ZD_TH_EXPECT_SIGSTOP = 1 << 4, /* our SIGSTOP (TRACEME mode) still to swallow */
	ZD_TH_GROUP_STOP = 1 << 5,    /* stopped in a group-stop (SIGSTOP/SIGTSTP...) */
	ZD_TH_STEPPING = 1 << 6,      /* resumed with PTRACE_SINGLESTEP */
};

struct zd_thread {
	pid_t tid;
	unsigned flags;
	int status;             /* last wait status */
	int pending_sig;        /* delivered on the next resume or detach */
	char state;             /* /proc state letter seen before attaching */
	int bp_hit;             /* id of the breakpoint it stopped at, 0 if none */
	struct user_regs_struct regs;
	bool regs_valid;
	int64_t stop_ns;        /* monotonic time of its last stop */
	unsigned dr_gen;        /* debug registers applied (== pt->dr_gen: up to date) */
};

enum zd_ev_kind {
	ZD_EV_NONE,
	ZD_EV_BREAK,        /* a breakpoint was hit (bp_id); rip rewound */
	ZD_EV_WATCH,        /* a debug register fired (bp_id: DR6 bits 0-3) */
	ZD_EV_STEP,         /* a single-step finished */
	ZD_EV_SIGNAL,       /* a signal arrived (sig); delivered on resume */
	ZD_EV_SYSCALL,      /* a syscall-entry or -exit stop (sc) */
	ZD_EV_INTERRUPTED,  /* stopped on our request (Ctrl-C) */
	ZD_EV_GROUP_STOP,   /* the process was stopped by a stop signal (sig) */
	ZD_EV_EXEC,         /* the process executed a new program */
	ZD_EV_EXITED,       /* the whole process exited (status: wait status) */
	ZD_EV_WOKEN,        /* one of the caller's wake signals arrived (sig) */
	ZD_EV_TIMEOUT,
};

struct zd_pt_event {
	enum zd_ev_kind kind;
	pid_t tid;
	int sig;
	int status;
	int bp_id;
	struct ptrace_syscall_info sc;  /* ZD_EV_SYSCALL */
};

struct zd_ptrace {
	pid_t pid;               /* thread-group id */
	struct zd_thread *th;
	size_t nth, alloc;
	int memfd;               /* /proc/TID/mem of a live thread */
	pid_t memtid;
	bool spawned;            /* started by zd_pt_spawn (PTRACE_TRACEME) */
	bool exited;             /* the process is gone (exit_status valid) */
	int exit_status;
	bool group_stopped;      /* found in group-stop (T) */
	bool syscall_mode;       /* last resume asked for syscall stops */
	long long timeout_ms;    /* bound for stopping threads */
	unsigned options;        /* PTRACE_O_* in use */
	struct zd_bkpts bps;
	bool bps_out;            /* bytes removed while a vfork child runs */
	bool bps_live;           /* the process runs: breakpoints belong in memory */
	struct zd_guard *guard;  /* told of every int3 in memory, or NULL */
	int64_t pause_begin_ns, pause_end_ns; /* first stop .. last resume/detach */
	sigset_t saved_mask;
	struct zd_pt_event *evq; /* extra events seen while stopping everything */
	size_t nev, evalloc;
	struct { pid_t pid; int status; } *early; /* forked children seen before their parent's event */
	size_t nearly, earlyalloc;
	/* Watchpoints and catchpoints (include/zdiag/debugreg.h, src/debug/watch.c). */
	uint64_t dr[4], dr7;     /* debug registers every thread gets before it runs */
	unsigned dr_gen;         /* bumped on every change */
	bool dr_used;            /* ever set: cleared on every thread at detach */
	bool sc_catch_on;        /* catch syscall: every thread resumed with PTRACE_SYSCALL */
	uint8_t sc_catch[128];   /* bit per syscall number: stops reported (others pass) */
};

void zd_pt_init(struct zd_ptrace *pt);
void zd_pt_release(struct zd_ptrace *pt);

/*
 * Attach to every live thread of pid's thread group and stop them (bounded
 * by timeout_ms).  A zombie leader is skipped: its live threads are attached.
 * Threads that did not stop are marked ZD_TH_STUCK.  Returns 0 if at least
 * one thread is stopped, else -errno of the first failure (EPERM, ESRCH).
 */
int zd_pt_attach(struct zd_ptrace *pt, pid_t pid, long long timeout_ms);
/* Extra ptrace options for a debugging session (fork/exec tracking). */
int zd_pt_set_session_options(struct zd_ptrace *pt);

/*
 * Start argv[0] (PATH search) with PTRACE_TRACEME, stopped before its first
 * instruction.  On exec failure returns -errno (ENOENT, EACCES, ...).
 */
int zd_pt_spawn(struct zd_ptrace *pt, char *const argv[]);

/* Remove breakpoints and detach every thread (with its pending signal).
 * Returns the number of threads that could not be detached (stuck ones are
 * released when zdiag exits). */
int zd_pt_detach(struct zd_ptrace *pt);
/*
 * Last resort when zdiag itself is crashing (called from a fatal-signal
 * handler): put the original bytes back under every breakpoint and detach
 * every stopped thread.  Async-signal-safe: only syscalls, no allocation.
 */
void zd_pt_emergency(struct zd_ptrace *pt);
/* SIGKILL the process and reap what is ours to reap. */
int zd_pt_kill(struct zd_ptrace *pt);

struct zd_thread *zd_pt_thread(struct zd_ptrace *pt, pid_t tid);
/* A stopped thread to use for memory access, or NULL. */
struct zd_thread *zd_pt_any_stopped(struct zd_ptrace *pt);
size_t zd_pt_count(const struct zd_ptrace *pt, unsigned flags);

int zd_pt_getregs(struct zd_ptrace *pt, struct zd_thread *t);
int zd_pt_setregs(struct zd_ptrace *pt, struct zd_thread *t);

/* Memory: reads mask breakpoint bytes; writes keep breakpoints in place. */
ssize_t zd_pt_read(struct zd_ptrace *pt, uint64_t addr, void *buf, size_t len);
int zd_pt_write(struct zd_ptrace *pt, uint64_t addr, const void *buf, size_t len);
/* Raw read without masking (what is really in memory). */
ssize_t zd_pt_read_raw(struct zd_ptrace *pt, uint64_t addr, void *buf, size_t len);

/* Breakpoints (inserted at once while stopped). */
int zd_pt_break(struct zd_ptrace *pt, uint64_t addr, struct zd_bkpt **out);
int zd_pt_delete(struct zd_ptrace *pt, int id);

enum zd_resume {
	ZD_RESUME_CONT,
	ZD_RESUME_SYSCALL,  /* `cur` to the next syscall stop, others continue */
	ZD_RESUME_STEP,     /* single-step `cur` only; others stay stopped */
};

/*
 * Resume (stepping over a breakpoint under a thread first) and wait for the
 * next event, then stop every other thread again (all-stop).  wake lists
 * signals (blocked by the caller) that end the wait: the threads are then
 * interrupted and ZD_EV_INTERRUPTED returned (or ZD_EV_WOKEN with sig for
 * SIGTERM-like signals the caller wants to act on: see zd_pt_wake_interrupts).
 * Additional events seen while stopping the others are queued in pt->evq.
 */
int zd_pt_resume(struct zd_ptrace *pt, pid_t cur, enum zd_resume how, const sigset_t *wake,
		 struct zd_pt_event *ev);

/*
 * Debug registers DR0-DR3 and DR7 for every thread: written now into the
 * stopped ones, and into any other (a new clone) before it next runs.
 * Detach clears them on every thread.  0 or the first -errno.
 */
int zd_pt_set_debugregs(struct zd_ptrace *pt, const uint64_t dr[4], uint64_t dr7);

/* Stop every running thread (bounded); returns how many did not stop. */
int zd_pt_stop_all(struct zd_ptrace *pt);

/*
 * Wait for the next event of child who (-1: any) until deadline_ns (-1:
 * forever), with SIGCHLD blocked by the caller.  Returns 1 (*tid, *status),
 * 0 on timeout, 2 when a signal of wake arrived (*wsig), or -ECHILD.
 */
int zd_pt_wait_event(pid_t who, int64_t deadline_ns, const sigset_t *wake, pid_t *tid, int *status,
		     int *wsig);

/* Monotonic clock in ns. */
int64_t zd_now_ns(void);

#endif
