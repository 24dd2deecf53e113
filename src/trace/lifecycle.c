/* Process lifecycle records and the end-of-trace report (zdiag trace --lifecycle). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/lifecycle.h"
#include "zdiag/procfs.h"
#include "zdiag/sig.h"
#include "zdiag/xalloc.h"

void
zd_lc_init(struct zd_lifecycle *lc)
{
	memset(lc, 0, sizeof(*lc));
	clock_gettime(CLOCK_MONOTONIC, &lc->mono0);
	clock_gettime(CLOCK_REALTIME, &lc->wall0);
}

void
zd_lc_release(struct zd_lifecycle *lc)
{
	size_t i;

	for (i = 0; i < lc->n; i++) {
		if (lc->v[i]->user_free)
			lc->v[i]->user_free(lc->v[i]->user);
		else
			free(lc->v[i]->user);
		free(lc->v[i]);
	}
	free(lc->v);
	memset(lc, 0, sizeof(*lc));
}

double
zd_ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

struct zd_tproc *
zd_lc_add(struct zd_lifecycle *lc, pid_t pid, pid_t ppid, enum zd_lc_origin origin, const struct timespec *now)
{
	struct zd_tproc *p = zd_xcalloc(1, sizeof(*p));

	p->pid = pid;
	p->ppid = ppid;
	p->origin = origin;
	p->t_start = *now;
	p->traced = true;
	ZD_GROW(lc->v, lc->alloc, lc->n + 1);
	lc->v[lc->n++] = p;
	return p;
}

struct zd_tproc *
zd_lc_find(const struct zd_lifecycle *lc, pid_t pid)
{
	size_t i;

	for (i = lc->n; i-- > 0;)
		if (lc->v[i]->pid == pid)
			return lc->v[i];
	return NULL;
}

void
zd_lc_exit(struct zd_lifecycle *lc, struct zd_tproc *p, int status, const struct timespec *now)
{
	size_t i;

	if (p->exited)
		return;
	p->exited = true;
	p->status = status;
	p->t_exit = *now;
	p->threads = 0;
	for (i = 0; i < lc->n; i++) {
		struct zd_tproc *c = lc->v[i];

		if (c->parent == p && c->exited && c->reap == ZD_REAP_NOT_YET)
			c->parent_exited_first = true;
		else if (c->parent == p && !c->exited)
			c->orphaned = true;
	}
}

struct zd_tproc *
zd_lc_reap(struct zd_lifecycle *lc, pid_t reaper, pid_t pid, enum zd_lc_reap how, const struct timespec *now)
{
	struct zd_tproc *p = zd_lc_find(lc, pid);

	if (!p || !p->exited || p->reap != ZD_REAP_NOT_YET)
		return NULL;
	p->reap = how;
	p->reaper = reaper;
	p->t_reap = *now;
	return p;
}

void
zd_lc_finish(struct zd_lifecycle *lc, const char *proc_root, const struct timespec *now)
{
	size_t i;

	for (i = 0; i < lc->n; i++) {
		struct zd_tproc *p = lc->v[i];
		char path[64];
		struct zd_stat st;
		int fd;

		if (!p->exited || p->reap != ZD_REAP_NOT_YET)
			continue;
		snprintf(path, sizeof(path), "%s/%d", proc_root, (int)p->pid);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && zd_proc_read_stat(fd, &st) == 0 && st.state == 'Z') {
			p->reap = ZD_REAP_NEVER;
			p->t_reap = *now;
		} else if (p->parent && !p->parent_exited_first && !p->orphaned) {
			p->reap = ZD_REAP_NO_WAIT;
		} else {
			p->reap = ZD_REAP_OTHER;
		}
		if (fd >= 0)
			close(fd);
	}
}

const char *
zd_lc_origin_name(enum zd_lc_origin o)
{
	switch (o) {
	case ZD_LC_LAUNCHED: return "launched";
	case ZD_LC_ATTACHED: return "attached";
	case ZD_LC_FORK: return "fork";
	case ZD_LC_VFORK: return "vfork";
	case ZD_LC_CLONE: return "clone";
	}
	return "?";
}

const char *
zd_lc_reap_name(enum zd_lc_reap r)
{
	switch (r) {
	case ZD_REAP_NOT_YET: return "not-yet";
	case ZD_REAP_WAIT4: return "wait4";
	case ZD_REAP_WAITID: return "waitid";
	case ZD_REAP_TRACER: return "zdiag";
	case ZD_REAP_NO_WAIT: return "no-wait";
	case ZD_REAP_OTHER: return "untraced";
	case ZD_REAP_NEVER: return "never";
	}
	return "?";
}

/* ---------------------------------------------------------------- */
/* The report                                                        */

static bool
reaped_by_wait(const struct zd_tproc *p)
{
	return p->reap == ZD_REAP_WAIT4 || p->reap == ZD_REAP_WAITID;
}

static double
zombie_seconds(const struct zd_tproc *p)
{
	return zd_ts_diff(&p->t_exit, &p->t_reap);
}

/* Reaped later than the threshold by its parent's wait. */
static bool
is_late(const struct zd_tproc *p, long late_ms)
{
	return reaped_by_wait(p) && zombie_seconds(p) * 1000.0 > (double)late_ms;
}

/* Its parent never reaped it: still a zombie at the end, or the parent
 * exited first (the child went to a reaper). */
static bool
is_never(const struct zd_tproc *p)
{
	return p->reap == ZD_REAP_NEVER || (p->parent_exited_first && !reaped_by_wait(p));
}

static void
put_comm(struct zd_sb *sb, const struct zd_tproc *p)
{
	zd_esc_cs(sb, p->comm[0] ? p->comm : "?", 0);
}

static const char *
col(bool color, const char *code)
{
	return color ? code : "";
}

#define C_RESET "\033[0m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"

static void
text_status(struct zd_sb *sb, const struct zd_tproc *p)
{
	char ws[64];

	zd_wait_status_str(p->status, ws, sizeof(ws));
	zd_sb_adds(sb, ws);
}

static void
text_one(const struct zd_lifecycle *lc, struct zd_sb *sb, const struct zd_tproc *p, long late_ms, bool color)
{
	zd_sb_addf(sb, "%d ", (int)p->pid);
	put_comm(sb, p);
	zd_sb_addf(sb, " %s(%s at +%.3fs", col(color, C_DIM), zd_lc_origin_name(p->origin),
		   zd_ts_diff(&lc->mono0, &p->t_start));
	if (p->execs)
		zd_sb_addf(sb, ", %u exec%s", p->execs, p->execs == 1 ? "" : "s");
	if (p->threads_max > 1)
		zd_sb_addf(sb, ", %zu threads", p->threads_max);
	zd_sb_addf(sb, ")%s", col(color, C_RESET));
	if (!p->exited) {
		zd_sb_adds(sb, p->origin == ZD_LC_ATTACHED ? ": still running (detached)" : ": still running");
		zd_sb_addc(sb, '\n');
		return;
	}
	zd_sb_addf(sb, ": ");
	text_status(sb, p);
	zd_sb_addf(sb, " at +%.3fs", zd_ts_diff(&lc->mono0, &p->t_exit));
	switch (p->reap) {
	case ZD_REAP_WAIT4:
	case ZD_REAP_WAITID:
		zd_sb_addf(sb, ", reaped by %d (%s) after %s%.3fs%s as a zombie", (int)p->reaper,
			   zd_lc_reap_name(p->reap), is_late(p, late_ms) ? col(color, C_YELLOW) : "",
			   zombie_seconds(p), is_late(p, late_ms) ? col(color, C_RESET) : "");
		break;
	case ZD_REAP_TRACER:
		zd_sb_adds(sb, ", reaped by zdiag");
		break;
	case ZD_REAP_NO_WAIT:
		zd_sb_adds(sb, ", released without a wait (parent ignores SIGCHLD or uses SA_NOCLDWAIT)");
		break;
	case ZD_REAP_OTHER:
		if (p->parent_exited_first)
			zd_sb_addf(sb, ", %snever reaped by its parent%s (reparented when the parent exited)",
				   col(color, C_RED), col(color, C_RESET));
		else
			zd_sb_adds(sb, ", reaped by an untraced process");
		break;
	case ZD_REAP_NEVER:
		zd_sb_addf(sb, ", %snever reaped%s (still a zombie when the trace ended, %.3fs after it exited%s)",
			   col(color, C_RED), col(color, C_RESET), zombie_seconds(p),
			   p->orphaned ? "; orphaned before, so its new parent holds it" : "");
		break;
	case ZD_REAP_NOT_YET:
		zd_sb_adds(sb, ", not reaped yet");
		break;
	}
	zd_sb_addc(sb, '\n');
}

static void
text_tree(const struct zd_lifecycle *lc, struct zd_sb *sb, const struct zd_tproc *p, struct zd_sb *prefix,
	  bool last, bool root, long late_ms, bool color, int depth)
{
	size_t i, nkids = 0, k = 0, plen = prefix->len;

	if (!root)
		zd_sb_add(sb, prefix->buf, prefix->len);
	if (!root)
		zd_sb_adds(sb, last ? "`-- " : "|-- ");
	text_one(lc, sb, p, late_ms, color);
	if (depth > 64)
		return;
	for (i = 0; i < lc->n; i++)
		if (lc->v[i]->parent == p)
			nkids++;
	if (!root)
		zd_sb_adds(prefix, last ? "    " : "|   ");
	for (i = 0; i < lc->n; i++) {
		if (lc->v[i]->parent != p)
			continue;
		k++;
		text_tree(lc, sb, lc->v[i], prefix, k == nkids, false, late_ms, color, depth + 1);
	}
	zd_sb_setlen(prefix, plen);
}

static const struct zd_tproc *
parent_rec(const struct zd_lifecycle *lc, const struct zd_tproc *p)
{
	return p->parent ? p->parent : zd_lc_find(lc, p->ppid);
}

size_t
zd_lc_report_text(const struct zd_lifecycle *lc, struct zd_sb *sb, long late_ms, bool color)
{
	struct zd_sb prefix = ZD_SB_INIT;
	size_t i, nlate = 0, nnever = 0, norphan = 0;

	zd_sb_adds(sb, "\nprocess lifecycle:\n");
	for (i = 0; i < lc->n; i++)
		if (!lc->v[i]->parent)
			text_tree(lc, sb, lc->v[i], &prefix, true, true, late_ms, color, 0);
	zd_sb_release(&prefix);
	for (i = 0; i < lc->n; i++) {
		nlate += is_late(lc->v[i], late_ms);
		if (is_never(lc->v[i]) && lc->v[i]->orphaned)
			norphan++;
		else
			nnever += is_never(lc->v[i]);
	}
	if (!nlate && !nnever && !norphan) {
		zd_sb_addf(sb, "every child was reaped within %ld ms\n", late_ms);
		return 0;
	}
	zd_sb_addf(sb, "\n%s%zu child%s reaped late (over %ld ms), %zu never reaped by %s parent",
		   col(color, nnever || norphan ? C_RED : C_YELLOW), nlate, nlate == 1 ? "" : "ren", late_ms, nnever,
		   nnever == 1 ? "its" : "their");
	if (norphan)
		zd_sb_addf(sb, ", %zu orphan%s still a zombie under a reaper", norphan, norphan == 1 ? "" : "s");
	zd_sb_addf(sb, ":%s\n", col(color, C_RESET));
	for (i = 0; i < lc->n; i++) {
		const struct zd_tproc *p = lc->v[i], *pp;

		if (!is_late(p, late_ms) && !is_never(p))
			continue;
		pp = parent_rec(lc, p);
		zd_sb_addf(sb, "  %d (", (int)p->pid);
		put_comm(sb, p);
		zd_sb_addf(sb, ") exited at +%.3fs; ", zd_ts_diff(&lc->mono0, &p->t_exit));
		if (is_late(p, late_ms)) {
			const struct zd_tproc *rp = zd_lc_find(lc, p->reaper);

			zd_sb_addf(sb, "a zombie for %.3fs until its %sparent %d (", zombie_seconds(p),
				   p->orphaned ? "new " : "", (int)p->reaper);
			if (rp)
				put_comm(sb, rp);
			else
				zd_sb_addc(sb, '?');
			zd_sb_addf(sb, ") reaped it with %s\n", zd_lc_reap_name(p->reap));
			continue;
		}
		if (p->orphaned) {
			/* never blame a parent that was gone before the child died */
			zd_sb_addf(sb, "orphaned: its parent %d (", (int)p->ppid);
			if (pp)
				put_comm(sb, pp);
			else
				zd_sb_addc(sb, '?');
			if (pp && pp->exited)
				zd_sb_addf(sb, ") exited at +%.3fs, before it, so", zd_ts_diff(&lc->mono0, &pp->t_exit));
			else
				zd_sb_adds(sb, ") exited before it, so");
			zd_sb_addf(sb, " a reaper (its new parent) holds it; still a zombie when the trace ended (see 'zdiag scan -p %d')\n",
				   (int)p->pid);
			continue;
		}
		zd_sb_addf(sb, "its parent %d (", (int)p->ppid);
		if (pp)
			put_comm(sb, pp);
		else
			zd_sb_addc(sb, '?');
		if (p->reap == ZD_REAP_NEVER && !p->parent_exited_first)
			zd_sb_addf(sb, ") never reaped it: still a zombie when the trace ended (see 'zdiag scan -p %d')\n",
				   (int)p->pid);
		else if (pp && pp->exited)
			zd_sb_addf(sb, ") exited at +%.3fs without reaping it\n", zd_ts_diff(&lc->mono0, &pp->t_exit));
		else
			zd_sb_adds(sb, ") did not reap it\n");
	}
	return nlate + nnever + norphan;
}

/* The realtime of monotonic instant t, as epoch seconds with microseconds. */
static void
json_epoch(struct zd_json *j, const char *key, const struct zd_lifecycle *lc, const struct timespec *t)
{
	long long ns = (long long)lc->wall0.tv_sec * 1000000000LL + lc->wall0.tv_nsec +
		       ((long long)(t->tv_sec - lc->mono0.tv_sec) * 1000000000LL + (t->tv_nsec - lc->mono0.tv_nsec));
	char buf[40];

	snprintf(buf, sizeof(buf), "%lld.%06lld", ns / 1000000000LL, (ns % 1000000000LL) / 1000);
	zd_json_key(j, key);
	zd_json_raw(j, buf);
}

size_t
zd_lc_report_json(const struct zd_lifecycle *lc, struct zd_sb *sb, long late_ms)
{
	size_t i, nlate = 0, nnever = 0;

	for (i = 0; i < lc->n; i++) {
		const struct zd_tproc *p = lc->v[i];
		struct zd_json j;

		nlate += is_late(p, late_ms);
		nnever += is_never(p);
		zd_json_init(&j, sb, false);
		zd_json_obj_begin(&j);
		zd_json_kstr(&j, "event", "lifecycle");
		zd_json_kint(&j, "pid", p->pid);
		zd_json_kint(&j, "ppid", p->ppid);
		zd_json_kstr(&j, "comm", p->comm);
		zd_json_kstr(&j, "origin", zd_lc_origin_name(p->origin));
		json_epoch(&j, "start", lc, &p->t_start);
		zd_json_kuint(&j, "execs", p->execs);
		zd_json_kuint(&j, "threads_max", p->threads_max);
		if (p->exited) {
			char ws[64];

			json_epoch(&j, "exit", lc, &p->t_exit);
			zd_json_key(&j, "status");
			zd_json_obj_begin(&j);
			zd_wait_status_str(p->status, ws, sizeof(ws));
			zd_json_kint(&j, "raw", p->status);
			zd_json_kstr(&j, "text", ws);
			zd_json_obj_end(&j);
		} else {
			zd_json_knull(&j, "exit");
			zd_json_knull(&j, "status");
		}
		zd_json_kstr(&j, "reap", p->exited ? zd_lc_reap_name(p->reap) : NULL);
		if (p->reaper && reaped_by_wait(p))
			zd_json_kint(&j, "reaper", p->reaper);
		else
			zd_json_knull(&j, "reaper");
		if (p->exited && (reaped_by_wait(p) || p->reap == ZD_REAP_NEVER))
			zd_json_kdouble(&j, "zombie_seconds", zombie_seconds(p));
		else
			zd_json_knull(&j, "zombie_seconds");
		zd_json_kbool(&j, "late", is_late(p, late_ms));
		zd_json_kbool(&j, "never_reaped", is_never(p));
		zd_json_kbool(&j, "parent_exited_first", p->parent_exited_first);
		zd_json_kbool(&j, "orphaned", p->orphaned);
		zd_json_obj_end(&j);
		zd_sb_addc(sb, '\n');
	}
	{
		struct zd_json j;

		zd_json_init(&j, sb, false);
		zd_json_obj_begin(&j);
		zd_json_kstr(&j, "event", "lifecycle_summary");
		zd_json_kuint(&j, "processes", lc->n);
		zd_json_kint(&j, "late_ms", late_ms);
		zd_json_kuint(&j, "late", nlate);
		zd_json_kuint(&j, "never_reaped", nnever);
		zd_json_obj_end(&j);
		zd_sb_addc(sb, '\n');
	}
	return nlate + nnever;
}
