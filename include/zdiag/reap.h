/*
 * zdiag reap: make the process that should reap a zombie do it, without
 * killing or otherwise disturbing that process.
 *
 * zd_reap_run() scans (include/zdiag/scan.h) to learn each zombie's cause,
 * picks its reaper from the verdict (the parent; the tracer of a traced
 * zombie, then the parent it is handed back to; the namespace init or the
 * subreaper that adopted it), refuses where nothing can reap it or where
 * reaping would be wrong (a parent about to wait for it, a stopped parent
 * without --cont, a reaper in D state or under a seccomp filter that would
 * refuse the calls), and makes each reaper call waitid() for all of its
 * zombies in one injection (include/zdiag/inject.h).
 *
 *	struct zd_reap r;
 *	struct zd_reap_opts o = { .timeout_ms = 2000 };
 *	if (zd_reap_run(pids, n, 0, &o, &r) == 0)
 *		... r.v[i].action, r.v[i].reason ...
 *	zd_reap_release(&r);
 *
 * Nothing prints; strings (reasons, comm) are raw and escaped by the caller.
 */
#ifndef ZDIAG_REAP_H
#define ZDIAG_REAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdiag/inject.h"
#include "zdiag/procfs.h"
#include "zdiag/scan.h"

enum zd_reap_action {
	ZD_REAP_REAPED,     /* gone: its reaper's waitid took it */
	ZD_REAP_WOULD,      /* --dry-run: would be reaped */
	ZD_REAP_REFUSED,    /* not touched, with the reason */
	ZD_REAP_FAILED,     /* tried, and it is still there */
	ZD_REAP_GONE,       /* no such process (already reaped) */
	ZD_REAP_CONTINUED,  /* --cont: its stopped parent, resumed, reaped it */
	ZD_REAP__COUNT
};
const char *zd_reap_action_name(enum zd_reap_action a);

const char *zd_reap_role_name(enum zd_reaper_role r);

struct zd_reap_item {
	pid_t pid;
	char comm[ZD_COMM_MAX + 1];
	pid_t ppid;
	int cause;                  /* enum zd_cause, or -1 (not a zombie, gone) */
	enum zd_reap_action action;
	char *reason;               /* why refused/failed, what would be done; or NULL */
	pid_t reaper;               /* who called (or would call) waitid; 0: none */
	char reaper_comm[ZD_COMM_MAX + 1];
	enum zd_reaper_role role;
	bool have_exit;             /* from the waitid result */
	int exit_code;              /* CLD_EXITED, CLD_KILLED, CLD_DUMPED */
	int exit_status;            /* the exit code, or the signal */
	char *warning;              /* what the reaper will see later, or NULL */
	bool perm_error;            /* EPERM attaching: a permission problem */
	unsigned long long starttime;
};

struct zd_reaper_stat {
	pid_t pid;
	char comm[ZD_COMM_MAX + 1];
	double stopped_ms;          /* how long its thread was held */
	size_t zombies;             /* asked for in that one injection */
	bool thread;                /* its waitids ran in a helper thread */
	uint64_t left_addr, left_size; /* a scratch mapping left in it, or 0 */
};

struct zd_reap_opts {
	bool dry_run;
	bool cont;                  /* SIGCONT a stopped parent (then reap if needed) */
	bool force;                 /* reap even when the parent is waiting for it */
	long long timeout_ms;       /* bound for stopping a reaper (and for --cont) */
	enum zd_inject_method method; /* where the waitids run (inject.h) */
};

struct zd_reap {
	struct zd_reap_item *v;
	size_t n;
	struct zd_reaper_stat *rs;
	size_t nrs;
};

/*
 * Reap pids[0..n-1], and with parent > 0 every zombie whose parent it is.
 * Returns 0 (outcomes in out, one item per zombie) or -errno when /proc
 * cannot be read.
 */
int zd_reap_run(const pid_t *pids, size_t n, pid_t parent, const struct zd_reap_opts *o,
		struct zd_reap *out);
void zd_reap_release(struct zd_reap *r);

#endif
