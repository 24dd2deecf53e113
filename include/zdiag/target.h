/*
 * Checking a pid before ptrace-attaching to it, and explaining why an
 * attach failed.  Shared by `zdiag trace -p` and `zdiag attach`.
 *
 *	struct zd_target t;
 *	char why[256];
 *	if (zd_target_probe(&pfs, pid, &t) < 0 || t.kind != ZD_TARGET_LIVE) {
 *		zd_target_refusal(&t, why, sizeof(why));
 *		return zd_error("cannot attach to %d: %s", pid, why);
 *	}
 *	if (ptrace(PTRACE_SEIZE, tid, 0, opts) < 0) {
 *		zd_target_explain(&t, errno, why, sizeof(why));
 *		return zd_error("cannot attach to %d: %s", pid, why);
 *	}
 */
#ifndef ZDIAG_TARGET_H
#define ZDIAG_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "zdiag/procfs.h"

enum zd_target_kind {
	ZD_TARGET_LIVE,            /* a live user process (or one of its threads) */
	ZD_TARGET_MISSING,         /* no such process */
	ZD_TARGET_ZOMBIE,          /* exited, not reaped, no live threads */
	ZD_TARGET_ZOMBIE_LEADER,   /* leader exited but threads live: attach those */
	ZD_TARGET_KTHREAD,         /* a kernel thread */
	ZD_TARGET_SELF,            /* zdiag's own thread group */
};

struct zd_target {
	pid_t pid;                 /* as given */
	pid_t tgid;                /* its thread group */
	enum zd_target_kind kind;
	char comm[ZD_COMM_MAX + 1];
	char state;
	uid_t uid;                 /* real uid of the target */
	pid_t tracer;              /* TracerPid, 0 if none */
	char tracer_comm[ZD_COMM_MAX + 1];
	long live_threads;         /* for ZD_TARGET_ZOMBIE_LEADER */
};

/* Fill t for pid.  Returns 0 (t->kind says what it is) or -errno when the
 * proc root itself cannot be used. */
int zd_target_probe(const struct zd_procfs *pfs, pid_t pid, struct zd_target *t);

/* Why zdiag will not attach to a target that is not ZD_TARGET_LIVE:
 *	"it is a zombie (exited, not yet reaped): see 'zdiag scan -p 1234'" */
void zd_target_refusal(const struct zd_target *t, char *buf, size_t size);

/*
 * Why PTRACE_ATTACH/SEIZE failed with errno err (EPERM, ESRCH, ...):
 *	"already traced by 812 (strace)"
 *	"not permitted: uid 1000 may not trace uid 0 without CAP_SYS_PTRACE"
 *	"not permitted: kernel.yama.ptrace_scope=1 allows only descendants ..."
 */
void zd_target_explain(const struct zd_target *t, int err, char *buf, size_t size);

#endif
