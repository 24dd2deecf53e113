/*
 * Process lifecycles seen by the tracer (`zdiag trace --lifecycle`): for
 * every traced process, who created it and how, its execs, when it exited
 * and with what status, who reaped it (which wait, which pid) and how
 * long it stayed a zombie; and the report at the end of a trace: the
 * process tree and the children reaped late or never, with the parent
 * that failed to reap them.
 *
 * A zombie's time starts when the tracer sees the process exit (the
 * kernel reports a traced child's death to the tracer first, and only then
 * lets its parent reap it) and ends at the syscall-exit stop of the
 * parent's wait4/waitid that returned it.  Without a traced reaper, the
 * end of the trace settles the rest from /proc: still a zombie there
 * ("never reaped"), or gone without a traced wait (auto-reaped, or reaped
 * by an untraced parent or by the reaper it was reparented to).
 *
 * Nothing here prints; the renderers append to a zd_sb.
 */
#ifndef ZDIAG_LIFECYCLE_H
#define ZDIAG_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "zdiag/strbuf.h"

enum zd_lc_origin {
	ZD_LC_LAUNCHED,   /* the command zdiag started */
	ZD_LC_ATTACHED,   /* -p: already running */
	ZD_LC_FORK,
	ZD_LC_VFORK,
	ZD_LC_CLONE,      /* clone/clone3 without CLONE_THREAD */
};

enum zd_lc_reap {
	ZD_REAP_NOT_YET,  /* alive, or a zombie nobody reaped (yet) */
	ZD_REAP_WAIT4,    /* the parent's wait4 returned it */
	ZD_REAP_WAITID,   /* the parent's waitid returned it */
	ZD_REAP_TRACER,   /* zdiag itself, the launched command's parent */
	ZD_REAP_NO_WAIT,  /* gone without a wait: SIGCHLD ignored or SA_NOCLDWAIT */
	ZD_REAP_OTHER,    /* gone, reaped by an untraced process (a reaper after
			   * the parent died, or an untraced parent) */
	ZD_REAP_NEVER,    /* still a zombie when the trace ended */
};

struct zd_tproc {
	pid_t pid;
	pid_t ppid;                 /* parent when it appeared (0: unknown) */
	struct zd_tproc *parent;    /* the parent's record, if traced */
	enum zd_lc_origin origin;
	char comm[32];              /* the last known command name */
	unsigned execs;
	size_t threads;             /* live threads */
	size_t threads_max;
	bool traced;                /* reported (not a hidden follower) */

	struct timespec t_start;    /* monotonic: fork, launch or attach */
	bool exited;
	struct timespec t_exit;     /* monotonic: the tracer saw it exit */
	int status;                 /* wait status at exit */
	enum zd_lc_reap reap;
	pid_t reaper;               /* who reaped it (0: unknown) */
	struct timespec t_reap;     /* monotonic: reaped */
	bool parent_exited_first;   /* its parent exited while it was a zombie */
	bool orphaned;              /* its parent exited while it still ran: it went
				     * to a reaper, and its parent is not to blame */

	void *user;                 /* renderer data (per-process -c) */
	void (*user_free)(void *);  /* frees user with the record (NULL: free()) */
};

struct zd_lifecycle {
	struct zd_tproc **v;        /* every record, in creation order */
	size_t n, alloc;
	struct timespec mono0;      /* the start of the trace */
	struct timespec wall0;      /* the same instant, CLOCK_REALTIME */
};

void zd_lc_init(struct zd_lifecycle *lc);
void zd_lc_release(struct zd_lifecycle *lc);
/* A new record (pid may repeat after pid reuse: lookups take the latest). */
struct zd_tproc *zd_lc_add(struct zd_lifecycle *lc, pid_t pid, pid_t ppid, enum zd_lc_origin origin,
			   const struct timespec *now);
/* The latest record of pid, or NULL. */
struct zd_tproc *zd_lc_find(const struct zd_lifecycle *lc, pid_t pid);
/* pid exited (status) at now; children still zombies note that. */
void zd_lc_exit(struct zd_lifecycle *lc, struct zd_tproc *p, int status, const struct timespec *now);
/* reaper's wait returned pid at now.  Returns the record (NULL if pid is
 * not an exited traced process). */
struct zd_tproc *zd_lc_reap(struct zd_lifecycle *lc, pid_t reaper, pid_t pid, enum zd_lc_reap how,
			    const struct timespec *now);
/* Settle the records of exited, unreaped processes from /proc at the end
 * of the trace (proc_root: "/proc"). */
void zd_lc_finish(struct zd_lifecycle *lc, const char *proc_root, const struct timespec *now);

/* Seconds from a to b. */
double zd_ts_diff(const struct timespec *a, const struct timespec *b);

/* Stable names used in text and JSON. */
const char *zd_lc_origin_name(enum zd_lc_origin o);
const char *zd_lc_reap_name(enum zd_lc_reap r);

/*
 * The end-of-trace report: the process tree (one line per process: pid,
 * comm, origin, lifetime, exit status, reaper, zombie time), then the
 * children reaped later than late_ms after they exited, or never, with
 * the parent that failed to reap them.  Returns the number of such
 * children.
 */
size_t zd_lc_report_text(const struct zd_lifecycle *lc, struct zd_sb *sb, long late_ms, bool color);
/* The same as JSON Lines: one {"event":"lifecycle",...} object per process
 * and a final {"event":"lifecycle_summary",...}. */
size_t zd_lc_report_json(const struct zd_lifecycle *lc, struct zd_sb *sb, long late_ms);

#endif
