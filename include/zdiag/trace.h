/*
 * The ptrace syscall tracer behind `zdiag trace`.
 *
 * A zd_tracer launches a command (zd_tracer_launch) or attaches to running
 * processes and all their threads (zd_tracer_attach), then drives them
 * (zd_tracer_run) until none is left, reporting every event to the
 * caller's callbacks as data: syscall entry and exit (decoded by
 * include/zdiag/decode.h into the thread's zd_tcb), signals, group-stops,
 * exits, new processes and threads, execs, and reaps (for the lifecycle
 * view, include/zdiag/lifecycle.h).  Nothing here prints or exits.
 *
 * Hot path, per syscall stop: one blocking wait4(-1, __WALL), one
 * PTRACE_GET_SYSCALL_INFO (PTRACE_GETREGS on kernels without it), one
 * restart; tracee memory is read with process_vm_readv.  When a command
 * is launched and only some syscalls are wanted, a seccomp filter
 * (SECCOMP_RET_TRACE for the wanted ones) keeps the others from stopping
 * at all.
 *
 * Tracees are PTRACE_SEIZEd (group-stops stay stops, PTRACE_LISTEN).  On
 * a kernel without PTRACE_SEIZE, or when asked (ZD_PTRACE_CLASSIC), the
 * classic flows are used instead: PTRACE_TRACEME in the launched child,
 * PTRACE_ATTACH per thread (its SIGSTOP swallowed), SIGSTOP then
 * PTRACE_DETACH to detach; group-stops then do not keep a tracee stopped
 * (see docs/trace.md).  Every fallback is reported once through
 * zd_trace_ops.notice.
 *
 *	struct zd_tracer *t = zd_tracer_new(&opts, &ops, ctx);
 *	r = zd_tracer_launch(t, argv, path);      // or zd_tracer_attach(t, pid)
 *	r = zd_tracer_run(t);
 *	zd_tracer_free(t);
 */
#ifndef ZDIAG_TRACE_H
#define ZDIAG_TRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "zdiag/decode.h"
#include "zdiag/strbuf.h"
#include "zdiag/syscall.h"

struct zd_tproc;

/* A traced thread. */
struct zd_tcb {
	pid_t tid;
	pid_t pid;                  /* thread group id */
	struct zd_tproc *proc;      /* its process (lifecycle record) */
	unsigned flags;             /* ZD_TCB_* (private) */

	/* The current syscall */
	bool in_syscall;
	bool sc_shown;              /* in the -e trace set: reported */
	long sc_nr;
	long last_nr;               /* the previous syscall (restart_syscall) */
	struct zd_call call;        /* decoded when sc_shown and decoding is on */
	struct zd_sb line;          /* the call's text: entry half, then exit half */
	struct timespec sc_start;   /* monotonic time of the entry stop */
	struct timespec sc_start_wall; /* realtime of the entry stop */
	struct timespec sc_start_stime; /* want_stime: ru_stime at the entry stop */
	uint64_t sc_ip;             /* instruction pointer at the entry (-i) */
	uint64_t sig_ip;            /* want_ip: ... at the last signal stop, 0 unknown */
	long sig_nr;                /* want_ip: the last syscall then (orig_rax), -1 unknown */

	/* Owned by the caller (renderer state) */
	unsigned ustate;
	size_t ucol;
	struct timespec urel;
};

/* Kinds of new task (ZD_TEV_SPAWN). */
enum zd_spawn_kind { ZD_SPAWN_FORK, ZD_SPAWN_VFORK, ZD_SPAWN_CLONE, ZD_SPAWN_THREAD };

enum zd_tev_type {
	ZD_TEV_SYSCALL_ENTER,   /* tcb->call holds the entry half (if decoding) */
	ZD_TEV_SYSCALL_EXIT,    /* ... and now the exit half and return value */
	ZD_TEV_SIGNAL,          /* signal-delivery-stop: si */
	ZD_TEV_GROUP_STOP,      /* stopped by sig (kill -STOP): stays stopped */
	ZD_TEV_EXIT,            /* the thread is gone: status is its wait status */
	ZD_TEV_SPAWN,           /* tcb created a new task: child, spawn */
	ZD_TEV_EXEC,            /* tcb exec'd (its pid may have changed) */
	ZD_TEV_REAP,            /* tcb reaped child (wait4/waitid): child */
	ZD_TEV_ATTACH,          /* -p: tcb attached */
	ZD_TEV_DETACH,          /* tcb detached (Ctrl-C with -p) */
	ZD_TEV_SUPERSEDED,      /* tcb, a leader, vanished: thread child exec'd and took its tid */
};

struct zd_tev {
	enum zd_tev_type type;
	struct zd_tcb *tcb;
	struct timespec wall;       /* CLOCK_REALTIME of the event (when wanted) */
	struct timespec mono;       /* CLOCK_MONOTONIC of the event (when wanted) */
	struct timespec stime;      /* want_stime: system time of the stopped
				     * tracee's thread group (wait4's ru_stime) */
	int status;                 /* EXIT: wait status; GROUP_STOP: signal */
	const siginfo_t *si;        /* SIGNAL */
	pid_t child;                /* SPAWN: the new tid; REAP: the reaped pid;
				     * SUPERSEDED: the thread that exec'd */
	enum zd_spawn_kind spawn;   /* SPAWN */
	bool unfinished;            /* EXIT: died inside tcb->sc_nr (no return) */
};

struct zd_trace_ops {
	/* Every event, in the order the tracer sees them. */
	void (*event)(void *ctx, const struct zd_tev *ev);
	/*
	 * The tracer is about to block waiting for tracees (and again each
	 * time a timer or signal interrupts that wait): the moment to flush
	 * buffered output.  May be NULL.
	 */
	void (*idle)(void *ctx);
	/*
	 * The tracer fell back to something less capable, once per kind: the
	 * classic ptrace flows, PTRACE_GETREGS, PTRACE_PEEKDATA, a
	 * PTRACE_O_* option the kernel rejects.  msg is one line of ASCII
	 * ("PTRACE_SEIZE is not available (Input/output error): ...").  May
	 * be NULL.
	 */
	void (*notice)(void *ctx, const char *msg);
};

/* How tracees are taken and read (--ptrace=). */
enum zd_ptrace_mode {
	ZD_PTRACE_AUTO,     /* SEIZE; the classic flows where the kernel has no SEIZE */
	ZD_PTRACE_SEIZE,    /* SEIZE only (an error where the kernel has none) */
	ZD_PTRACE_CLASSIC,  /* TRACEME/ATTACH, PTRACE_GETREGS and PTRACE_PEEKDATA */
};

/* "auto", "seize", "classic" -> *mode; -EINVAL for anything else. */
int zd_ptrace_mode_parse(const char *s, enum zd_ptrace_mode *mode);

struct zd_trace_opts {
	bool follow;                /* -f: follow forks, vforks, clones */
	struct zd_scset show;       /* syscalls reported (-e trace=) */
	struct zd_scset also_stop;  /* stopped for but not reported (lifecycle: wait4) */
	bool decode;                /* decode arguments (false for -c only) */
	bool want_wall;             /* fill zd_tev.wall */
	bool want_mono;             /* fill zd_tev.mono and sc_start */
	bool want_comm;             /* keep command names (/proc/PID/comm) in the records */
	bool want_stime;            /* fill zd_tev.stime (strace -c's system time) */
	bool want_ip;               /* fill zd_tcb.sig_ip/sig_nr at signal stops (-i, -n) */
	uint64_t show_signals;      /* -e signal=: bit N-1 for signal N */
	bool seccomp;               /* may use a seccomp filter when launching */
	enum zd_ptrace_mode mode;   /* ZD_PTRACE_AUTO unless asked */
	struct zd_dec_opts dec;
	/* Set asynchronously (signal handlers): the loop checks it whenever
	 * wait4 is interrupted.  *stop = signal number: detach or stop. */
	volatile sig_atomic_t *stop;
};

struct zd_tracer;

struct zd_tracer *zd_tracer_new(const struct zd_trace_opts *opts,
				const struct zd_trace_ops *ops, void *ctx);
void zd_tracer_free(struct zd_tracer *t);

/*
 * Start argv[0] (already resolved to path) traced: fork, the child stops
 * itself, the tracer seizes it (options set, PTRACE_O_EXITKILL: it dies
 * with zdiag), then it installs the seccomp filter if one is used and
 * execs.  In the classic flows the child calls PTRACE_TRACEME before it
 * stops itself, and the tracer sets the options at that stop.  Returns
 * the child's pid, or -errno (fork, seize or PTRACE_TRACEME failed:
 * zd_tracer_failed_call() names the request).  Whether exec itself
 * failed is known after zd_tracer_run: zd_tracer_exec_errno().
 */
pid_t zd_tracer_launch(struct zd_tracer *t, char *const argv[], const char *path);
/* errno of the launched command's failed exec, or 0. */
int zd_tracer_exec_errno(const struct zd_tracer *t);
/* Whether the seccomp filter is in use (after zd_tracer_launch). */
bool zd_tracer_seccomp_active(const struct zd_tracer *t);
/* Why the seccomp filter is not in use (NULL: it is, or was not wanted). */
const char *zd_tracer_seccomp_note(const struct zd_tracer *t);

/*
 * Attach to process pid and all its threads (PTRACE_SEIZE and
 * PTRACE_INTERRUPT each, or PTRACE_ATTACH in the classic flows,
 * re-reading task/ until no new thread appears).  Returns 0, or -errno of
 * the first failure (then zd_tracer_detach_all() lets go of the threads
 * already taken).
 */
int zd_tracer_attach(struct zd_tracer *t, pid_t pid);

/* Whether the classic flows are in use (asked for, or SEIZE failed). */
bool zd_tracer_classic(const struct zd_tracer *t);
/* The ptrace request behind the last launch or attach failure ("PTRACE_SEIZE"), or NULL. */
const char *zd_tracer_failed_call(const struct zd_tracer *t);

/*
 * Run until no tracee is left, or *opts->stop is set: then every tracee
 * is detached (attached ones) or the stop signal is passed to the
 * launched command (which the loop keeps tracing until it dies; a second
 * stop kills every launched tracee).  Returns 0 or -errno.
 */
int zd_tracer_run(struct zd_tracer *t);

/* Detach every tracee now: each keeps running (or stays group-stopped)
 * as it would without the tracer. */
void zd_tracer_detach_all(struct zd_tracer *t);

/* The launched command's wait status once it is gone; -1 if not yet. */
int zd_tracer_root_status(const struct zd_tracer *t);
/* Number of live tracees (threads) whose events are reported. */
size_t zd_tracer_count(const struct zd_tracer *t);
/* The lifecycle records (include/zdiag/lifecycle.h). */
struct zd_lifecycle *zd_tracer_lifecycle(struct zd_tracer *t);

#endif
