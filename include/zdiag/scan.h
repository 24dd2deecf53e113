/*
 * zdiag scan: find every zombie and explain why it is not being reaped.
 *
 * zd_scan_run() walks the proc root once (one stat read per process), then,
 * for zombies only, reads what the verdict needs: the zombie's status and
 * task/ (live sibling threads), its parent's state, syscall, wchan, signal
 * masks and threads, its tracer, and its ancestors (the would-be reaper).
 * The result is plain data; the front-end (src/cmd/cmd_scan.c) renders it
 * as text, JSON or Prometheus.  Nothing here prints or exits.
 *
 * Causes have stable names (zd_cause_name) used in JSON, Prometheus labels
 * and documentation; never rename one.
 */
#ifndef ZDIAG_SCAN_H
#define ZDIAG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "zdiag/procfs.h"

enum zd_cause {
	ZD_CAUSE_TRANSIENT,            /* reaped on re-check, or parent's wait will reap it */
	ZD_CAUSE_THREADS_ALIVE,        /* leader exited, sibling threads still run */
	ZD_CAUSE_BLOCKED_BY_D,         /* ... and a sibling is in D state */
	ZD_CAUSE_TRACED,               /* a tracer holds it and is not waiting */
	ZD_CAUSE_PARENT_STOPPED,       /* parent stopped (T/t) or frozen */
	ZD_CAUSE_PARENT_IN_D,          /* parent blocked in the kernel (D) */
	ZD_CAUSE_SIGCHLD_BLOCKED,      /* SIGCHLD blocked and pending in the parent */
	ZD_CAUSE_SIGNALFD_NOT_READ,    /* ... pending for a signalfd nobody reads */
	ZD_CAUSE_SIGCHLD_IGNORED,      /* SIG_IGN set after the child died */
	ZD_CAUSE_PARENT_WAITS_FOR_OTHER, /* in wait4/waitid that cannot return it */
	ZD_CAUSE_INIT_NOT_REAPING,     /* parent is PID 1 of its namespace, not reaping */
	ZD_CAUSE_SUBREAPER_NOT_REAPING,/* parent is a known subreaper, not reaping */
	ZD_CAUSE_HANDLER_MISSED,       /* SIGCHLD handler ran but did not reap it */
	ZD_CAUSE_PARENT_NOT_WAITING,   /* parent alive and doing something else */
	ZD_CAUSE_PARENT_NOT_VISIBLE,   /* ppid 0: parent outside this PID namespace */
	ZD_CAUSE_UNDETERMINED,         /* evidence unreadable (permissions) */
	ZD_CAUSE__COUNT
};

const char *zd_cause_name(enum zd_cause c);
/* One-line description of the cause, for docs and --help. */
const char *zd_cause_describe(enum zd_cause c);
/* Cause by name, or -1. */
int zd_cause_lookup(const char *name);

/* Who `zdiag reap` (include/zdiag/reap.h) makes reap a zombie of a cause. */
enum zd_reaper_role {
	ZD_ROLE_NONE,       /* nothing can reap it (threads alive, D state, ...) */
	ZD_ROLE_PARENT,
	ZD_ROLE_TRACER,     /* then the parent it is handed back to */
	ZD_ROLE_INIT,       /* the parent is PID 1 of its namespace */
	ZD_ROLE_SUBREAPER,
	ZD_ROLE__COUNT
};
enum zd_reaper_role zd_cause_reaper(enum zd_cause c);
/* zdiag reap can reap it as it is (a transient zombie needs --force, one
 * of a stopped parent --cont: neither counts). */
bool zd_cause_reapable(enum zd_cause c);

enum zd_tristate { ZD_NO = 0, ZD_YES = 1, ZD_UNKNOWN = 2 };

/*
 * How zdiag knows who inherits a zombie whose parent dies.  The kernel
 * hands orphans to the nearest ancestor of the parent that set
 * PR_SET_CHILD_SUBREAPER, else to PID 1 of the namespace; /proc does not
 * show that flag (include/zdiag/subreaper.h reads it with BPF).
 */
enum zd_heir_source {
	ZD_HEIR_NONE,      /* not applicable (the parent is a namespace init, or unseen) */
	ZD_HEIR_BPF,       /* the subreaper flags were read from the kernel */
	ZD_HEIR_TREE,      /* no ancestor between the parent and init: init, certainly */
	ZD_HEIR_UNKNOWN,   /* flags unreadable: one of heir_candidates, else heir_fallback */
};
const char *zd_heir_source_name(enum zd_heir_source s);

/* How the scan knew about subreapers at all. */
enum zd_sr_source {
	ZD_SR_NOT_NEEDED,  /* no verdict depended on the flag */
	ZD_SR_BPF,         /* read from the kernel with a BPF task iterator */
	ZD_SR_NAME,        /* unreadable: known names (containerd-shim, conmon, ...) are hints only */
};
const char *zd_sr_source_name(enum zd_sr_source s);
/* Why the subreaper flags could not be read (subreaper_err), in words. */
const char *zd_sr_error_str(int err);

struct zd_pidcomm {
	pid_t pid;
	char comm[ZD_COMM_MAX + 1];
	bool known_subreaper;   /* a name on the known-subreaper list (a hint, not a fact) */
};
#define ZD_HEIR_CANDIDATES_MAX 16

/* A thread or process looked at in detail.  Strings are owned. */
struct zd_task {
	pid_t pid;              /* thread-group id */
	pid_t tid;
	char comm[ZD_COMM_MAX + 1];
	char state;
	char wchan[128];        /* "" when running or unreadable */
	int wchan_err;          /* 0 or -errno */
	struct zd_scstate sc;   /* kind ZD_SC_UNKNOWN when unreadable */
	int sc_err;
	char *stack;            /* kernel stack, one frame per line; NULL if unread */
	int stack_err;
	bool has_sig;
	bool sigkill_pending;   /* SIGKILL in SigPnd or ShdPnd */
	bool frozen;            /* cgroup freezer */
	char *frozen_by;        /* the freezer control file, when known */
	pid_t vfork_child;      /* in vfork(): the child it waits for (0: none/unknown) */
	char vfork_comm[ZD_COMM_MAX + 1];
};

struct zd_zombie {
	pid_t pid;
	unsigned long long starttime;
	double age_s;           /* seconds since it started (not since it died); -1 unknown */
	char comm[ZD_COMM_MAX + 1];
	pid_t ppid;
	pid_t nspid;            /* pid in its innermost namespace (== pid if none) */
	int ns_level;           /* 0 = the proc root's namespace */
	int exit_signal;        /* signal sent to the parent at exit (17 = SIGCHLD) */
	bool has_wait_status;
	int wait_status;        /* stat field 52 (root only): exit code or signal */
	long live_threads;

	enum zd_cause cause;
	bool stuck;
	bool reapable;          /* zdiag reap can reap it now (zd_cause_reapable) */
	char *headline;         /* one sentence: why */
	char **evidence;
	size_t n_evidence;
	char *advice;           /* the remedy */

	struct zd_task *blockers; /* threads that keep the group from being reaped */
	size_t n_blockers;

	bool parent_seen;
	struct zd_task parent;
	bool parent_waiting;    /* some thread of the parent is in wait4/waitid */
	char *parent_doing;     /* "read(0x0, ...)", "wait4(-1, ...)", ... */

	pid_t tracer;           /* 0: not traced (or traced by its parent) */
	char tracer_comm[ZD_COMM_MAX + 1];
	struct zd_task tracer_task;

	pid_t reaper;           /* who inherits it if the parent dies; 0 unknown */
	char reaper_comm[ZD_COMM_MAX + 1];
	enum zd_heir_source heir_source;
	/* ZD_HEIR_UNKNOWN: the heir is the nearest of these (nearest first)
	 * that is a subreaper, else heir_fallback (PID 1 of the namespace) */
	struct zd_pidcomm heir_candidates[ZD_HEIR_CANDIDATES_MAX];
	size_t n_heir_candidates;
	bool heir_candidates_truncated;
	struct zd_pidcomm heir_fallback;
	enum zd_tristate kill_parent_helps;
	char *kill_parent_note;
};

/* D-state threads with identical kernel stacks (scan --all). */
struct zd_hung_group {
	char *key;              /* the kernel stack (or "wchan X" when unreadable) */
	struct zd_task *tasks;
	size_t n;
};

struct zd_parent_count {
	pid_t pid;
	char comm[ZD_COMM_MAX + 1];
	size_t zombies;
};

struct zd_scan_opts {
	int settle_ms;          /* re-check zombies after this long (0: no re-check) */
	bool all;               /* list every D-state thread (walks task/ everywhere) */
	bool walk_threads;      /* read every thread's stat: exact D-state count */
	bool no_bpf;            /* never read subreaper flags with BPF (tests of the fallback) */
	pid_t only_pid;         /* explain just this pid (0: all) */
};

struct zd_scan {
	size_t processes;       /* thread groups seen */
	size_t threads;         /* sum of num_threads */
	size_t zombies;         /* zombies seen (stuck + transient) */
	size_t stuck;
	size_t d_state;         /* D-state threads seen */
	bool d_state_complete;  /* every thread was looked at */
	size_t by_cause[ZD_CAUSE__COUNT];

	struct zd_zombie *zv;
	size_t nz;

	struct zd_hung_group *hung; /* --all */
	size_t nhung;

	/* PID pressure.  tasks and threads_max are host-wide; pid_max is per
	 * PID namespace (since 6.14) and so is `threads` (what the walk saw). */
	unsigned long long tasks;       /* /proc/loadavg total, zombies included (host) */
	unsigned long long pid_max;     /* 0 when unreadable */
	unsigned long long threads_max;
	enum zd_tristate pidns_nested;  /* the proc root shows a nested PID namespace */
	struct zd_parent_count top[5];  /* parents holding the most zombies */
	size_t ntop;

	/* Scope of the view */
	uid_t euid;
	char hidepid[32];               /* "" when /proc is not restricted */
	bool hidepid_limits;            /* we cannot see other users' processes */
	size_t vanished;                /* tasks that went away mid-scan */
	size_t unreadable_syscall;      /* EACCES on syscall files */
	size_t unreadable_stack;
	size_t malformed;               /* stat files that did not parse */
	enum zd_sr_source subreaper_source;
	int subreaper_err;              /* ZD_SR_NAME: why BPF failed (-errno) */

	/* -p PID */
	bool target_found;
	bool target_is_thread;          /* only_pid names a non-leader thread */
	struct zd_stat target;
};

/* Run a scan.  Returns 0 or -errno (the proc root is unreadable). */
int zd_scan_run(const struct zd_procfs *pfs, const struct zd_scan_opts *opts, struct zd_scan *out);
void zd_scan_release(struct zd_scan *s);
/* Free a zd_task's strings (the struct itself is not freed). */
void zd_task_release(struct zd_task *t);

#endif
