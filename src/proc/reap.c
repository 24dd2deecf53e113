/* zdiag reap: the plan from the scan's verdicts, and the injections
 * (see include/zdiag/reap.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdiag/inject.h"
#include "zdiag/ptrace.h"
#include "zdiag/reap.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

static const char *const action_names[ZD_REAP__COUNT] = {
	[ZD_REAP_REAPED] = "reaped",
	[ZD_REAP_WOULD] = "would-reap",
	[ZD_REAP_REFUSED] = "refused",
	[ZD_REAP_FAILED] = "failed",
	[ZD_REAP_GONE] = "gone",
	[ZD_REAP_CONTINUED] = "continued",
};

static const char *const role_names[ZD_ROLE__COUNT] = {
	[ZD_ROLE_NONE] = "none",
	[ZD_ROLE_PARENT] = "parent",
	[ZD_ROLE_TRACER] = "tracer",
	[ZD_ROLE_INIT] = "init",
	[ZD_ROLE_SUBREAPER] = "subreaper",
};

/* A zombie younger than this may still be reaped by its parent (ms). */
#define SETTLE_MS 200.0

const char *
zd_reap_action_name(enum zd_reap_action a)
{
	return (unsigned)a < ZD_REAP__COUNT ? action_names[a] : "?";
}

const char *
zd_reap_role_name(enum zd_reaper_role r)
{
	return (unsigned)r < ZD_ROLE__COUNT ? role_names[r] : "?";
}

static char *
fmt(const char *f, ...) ZD_PRINTF(1, 2);

static char *
fmt(const char *f, ...)
{
	struct zd_sb sb;
	va_list ap;

	zd_sb_init(&sb);
	va_start(ap, f);
	zd_sb_vaddf(&sb, f, ap);
	va_end(ap);
	return zd_sb_detach(&sb);
}

static void
set_outcome(struct zd_reap_item *it, enum zd_reap_action a, char *reason)
{
	free(it->reason);
	it->action = a;
	it->reason = reason;
}

static struct zd_reap_item *
add_item(struct zd_reap *r, size_t *alloc, pid_t pid)
{
	struct zd_reap_item *it;

	ZD_GROW(r->v, *alloc, r->n + 1);
	it = &r->v[r->n++];
	memset(it, 0, sizeof(*it));
	it->pid = pid;
	it->cause = -1;
	return it;
}

/* Is (pid, starttime) still a zombie?  1 yes, 0 no (gone, or another
 * process now has the pid), -errno unknown. */
static int
still_zombie(const struct zd_procfs *pfs, pid_t pid, unsigned long long starttime)
{
	struct zd_stat st;
	int dfd = zd_proc_open_pid(pfs, pid), r;

	if (dfd < 0)
		return zd_proc_gone(dfd) ? 0 : dfd;
	r = zd_proc_read_stat(dfd, &st);
	close(dfd);
	if (r < 0)
		return zd_proc_gone(r) ? 0 : r;
	return st.state == 'Z' && st.starttime == starttime;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A thread of pid that can be stopped: not in D, not stopped.  0 if none;
 * *why tells what the threads are doing then. */
static pid_t
pick_thread(const struct zd_procfs *pfs, pid_t pid, char *why)
{
	char path[48];
	pid_t *tids, best = 0;
	size_t n, i;

	*why = 0;
	snprintf(path, sizeof(path), "%d/task", (int)pid);
	if (zd_proc_list(pfs->rootfd, path, &tids, &n) < 0)
		return 0;
	for (i = 0; i < n && !best; i++) {
		char buf[1024];
		struct zd_stat st;
		ssize_t len;

		snprintf(path, sizeof(path), "%d/task/%d/stat", (int)pid, (int)tids[i]);
		len = zd_read_small(pfs->rootfd, path, buf, sizeof(buf));
		if (len <= 0 || zd_stat_parse(buf, (size_t)len, &st) < 0)
			continue;
		if (st.state == 'S' || st.state == 'R' || st.state == 'I')
			best = tids[i];
		else if (!*why || st.state == 'D')
			*why = st.state;
	}
	free(tids);
	return best;
}

/* pid's state letter (0: gone), and its comm into comm if not NULL. */
static char
proc_state(const struct zd_procfs *pfs, pid_t pid, char comm[ZD_COMM_MAX + 1])
{
	struct zd_stat st;
	int dfd = zd_proc_open_pid(pfs, pid);

	if (dfd < 0)
		return 0;
	if (zd_proc_read_stat(dfd, &st) < 0)
		st.state = 0;
	else if (comm)
		snprintf(comm, ZD_COMM_MAX + 1, "%s", st.comm);
	close(dfd);
	return st.state;
}

/* The plan for one zombie from its verdict; *reaper 0 when refused. */
static void
plan(struct zd_reap_item *it, const struct zd_zombie *z, const struct zd_reap_opts *o)
{
	enum zd_cause c = z->cause;

	it->cause = (int)c;
	it->role = zd_cause_reaper(c);
	it->reaper = z->ppid;
	snprintf(it->reaper_comm, sizeof(it->reaper_comm), "%s", z->parent_seen ? z->parent.comm : "");
	switch (c) {
	case ZD_CAUSE_TRACED:
		it->reaper = z->tracer;
		snprintf(it->reaper_comm, sizeof(it->reaper_comm), "%s", z->tracer_comm);
		break;
	case ZD_CAUSE_TRANSIENT:
		if (!o->force)
			set_outcome(it, ZD_REAP_REFUSED,
				    fmt("%s; it is about to be reaped (--force reaps it now)",
					z->headline ? z->headline : "its parent is waiting for it"));
		break;
	case ZD_CAUSE_PARENT_STOPPED:
		if (z->parent_seen && z->parent.state == 't')
			set_outcome(it, ZD_REAP_REFUSED,
				    fmt("its parent %d is stopped by its tracer: %s", (int)z->ppid,
					z->advice ? z->advice : "make the tracer continue or detach"));
		else if (z->parent_seen && z->parent.frozen)
			set_outcome(it, ZD_REAP_REFUSED,
				    fmt("its parent %d is frozen: %s", (int)z->ppid,
					z->advice ? z->advice : "thaw its cgroup"));
		else if (!o->cont)
			set_outcome(it, ZD_REAP_REFUSED,
				    fmt("its parent %d (%s) is stopped; --cont sends it SIGCONT, then reaps "
					"the zombie if the parent does not", (int)z->ppid, it->reaper_comm));
		break;
	default:
		if (it->role == ZD_ROLE_NONE)
			set_outcome(it, ZD_REAP_REFUSED,
				    fmt("nothing can reap it: %s", z->headline ? z->headline : zd_cause_describe(c)));
		break;
	}
	if (it->action == ZD_REAP_REFUSED)
		it->reaper = 0;
}

static void
note_reaper(struct zd_reap *r, size_t *alloc, pid_t pid, const char *comm, const struct zd_inject *in, size_t nz)
{
	struct zd_reaper_stat *s;

	ZD_GROW(r->rs, *alloc, r->nrs + 1);
	s = &r->rs[r->nrs++];
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	snprintf(s->comm, sizeof(s->comm), "%s", comm);
	s->stopped_ms = zd_inject_held_ms(in);
	s->zombies = nz;
	s->thread = in->used_thread;
	s->left_addr = in->left_addr;
	s->left_size = in->left_size;
}

static void
fail_all(struct zd_reap *r, const size_t *idx, size_t k, int err, char *reason)
{
	size_t i;

	for (i = 0; i < k; i++) {
		struct zd_reap_item *it = &r->v[idx[i]];

		set_outcome(it, err == -EPERM ? ZD_REAP_FAILED : ZD_REAP_REFUSED,
			    i + 1 < k ? zd_xstrdup(reason) : reason);
		it->perm_error = err == -EPERM;
	}
	if (!k)
		free(reason);
}

/* TracerPid of thread tid of pid (0: none or unreadable). */
static pid_t
thread_tracer(const struct zd_procfs *pfs, pid_t pid, pid_t tid)
{
	struct zd_status st;
	char path[48];
	int dfd, r;

	snprintf(path, sizeof(path), "%d/task/%d", (int)pid, (int)tid);
	dfd = openat(pfs->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	r = zd_proc_read_status(dfd, &st);
	close(dfd);
	return r < 0 ? 0 : st.tracer;
}

/* Depth of pid's PID namespace below the proc root's (-1: unknown), and
 * its pid at each level (NSpid). */
static int
ns_pids(const struct zd_procfs *pfs, pid_t pid, struct zd_status *st)
{
	int dfd = zd_proc_open_pid(pfs, pid), r;

	if (dfd < 0)
		return -1;
	r = zd_proc_read_status(dfd, st);
	close(dfd);
	return r < 0 || st->nspid_n <= 0 ? -1 : st->nspid_n - 1;
}

/*
 * The number the reaper knows zombie zpid by: waitid(P_PID) runs in the
 * reaper's PID namespace (a container's init sees its children as 2, 3, ...).
 */
static pid_t
pid_seen_by(const struct zd_procfs *pfs, pid_t zpid, int reaper_level)
{
	struct zd_status zs;
	int zl;

	if (reaper_level <= 0)
		return zpid;
	zl = ns_pids(pfs, zpid, &zs);
	return zl < reaper_level ? zpid : zs.nspid[reaper_level];
}

/*
 * Make reaper call waitid() for the items idx[0..k-1] (all planned with this
 * reaper) in one injection.
 */
static void
reap_by(const struct zd_procfs *pfs, struct zd_reap *r, size_t *rsalloc, pid_t reaper,
	const size_t *idx, size_t k, const struct zd_reap_opts *o)
{
	const char *comm = r->v[idx[0]].reaper_comm;
	struct zd_waited *res;
	struct zd_inject in;
	pid_t tid, tracer, *pids;
	char why;
	size_t i;
	int ret;

	tid = pick_thread(pfs, reaper, &why);
	if (!tid) {
		fail_all(r, idx, k, 0,
			 why == 'D' ? fmt("its reaper %d (%s) is in D state (uninterruptible): nothing can "
					  "run in it until the kernel lets it go", (int)reaper, comm)
			 : why ? fmt("its reaper %d (%s) is in state %c", (int)reaper, comm, why)
			       : fmt("its reaper %d (%s) is gone", (int)reaper, comm));
		return;
	}
	tracer = thread_tracer(pfs, reaper, tid);
	if (tracer > 0) {
		fail_all(r, idx, k, 0,
			 fmt("its reaper %d (%s) is traced by %d: a thread has one tracer at a time (that "
			     "one must detach: quit strace or gdb)", (int)reaper, comm, (int)tracer));
		return;
	}
	ret = zd_inject_begin(&in, reaper, tid, o->timeout_ms);
	if (ret < 0) {
		fail_all(r, idx, k, ret,
			 ret == -ETIMEDOUT ? fmt("its reaper %d (%s) did not stop within %lld ms "
						 "(in the kernel, D state?)", (int)reaper, comm, o->timeout_ms)
			 : ret == -EAGAIN ? fmt("its reaper %d (%s) is stopped (--cont resumes it)", (int)reaper, comm)
			 : ret == -ENOEXEC ? fmt("its reaper %d (%s) is a 32-bit process, or has no syscall "
						 "instruction to borrow (no vDSO)", (int)reaper, comm)
			 : fmt("cannot attach to %d (%s): %s", (int)reaper, comm, strerror(-ret)));
		return;
	}
	{
		size_t ncalls;
		const struct zd_inject_call *calls = zd_inject_waitid_calls(false, &ncalls);

		ret = zd_inject_seccomp_ok(&in, calls, ncalls);
	}
	if (ret == 0 || (ret < 0 && !o->force)) {
		zd_inject_end(&in);
		note_reaper(r, rsalloc, reaper, comm, &in, 0);
		fail_all(r, idx, k, 0,
			 ret == 0 ? fmt("its reaper %d (%s) runs under a seccomp filter that would not let it "
					"call mmap, mprotect, waitid and munmap", (int)reaper, comm)
				  : fmt("its reaper %d (%s) runs under a seccomp filter zdiag cannot read (%s); "
					"--force reaps anyway", (int)reaper, comm, strerror(-ret)));
		return;
	}
	pids = zd_xcalloc(k, sizeof(*pids));
	res = zd_xcalloc(k, sizeof(*res));
	{
		struct zd_status rs;
		int level = ns_pids(pfs, reaper, &rs); /* the reaper's namespace, once */

		for (i = 0; i < k; i++)
			pids[i] = pid_seen_by(pfs, r->v[idx[i]].pid, level);
	}
	ret = zd_inject_waitid(&in, pids, k, res, o->method);
	{
		int e = zd_inject_end(&in);

		if (ret == 0 && e < 0)
			ret = e;
	}
	note_reaper(r, rsalloc, reaper, comm, &in, k);
	for (i = 0; i < k; i++) {
		struct zd_reap_item *it = &r->v[idx[i]];

		if (ret < 0 && !res[i].reaped && in.left_size) {
			set_outcome(it, ZD_REAP_FAILED,
				    fmt("the helper thread in %d (%s) did not finish within --timeout (is the "
					"process stopped?); it reaps the rest when the process runs again",
					(int)reaper, comm));
		} else if (ret < 0 && !res[i].reaped) {
			set_outcome(it, ZD_REAP_FAILED, fmt("the injection into %d (%s) failed: %s", (int)reaper,
							    comm, strerror(-ret)));
		} else if (res[i].reaped) {
			it->have_exit = true;
			it->exit_code = res[i].code;
			it->exit_status = res[i].status;
			set_outcome(it, ZD_REAP_REAPED, NULL);
			free(it->warning);
			it->warning = fmt("%d (%s) gets ECHILD if it waits for %d later", (int)reaper, comm,
					  (int)it->pid);
		} else if (still_zombie(pfs, it->pid, it->starttime) == 0) {
			/* Someone else's wait took it between the plan and the
			 * injection (the parent's own wait4, most often). */
			set_outcome(it, ZD_REAP_GONE, fmt("reaped meanwhile, not by %d (%s)", (int)reaper, comm));
		} else if (res[i].ret < 0) {
			set_outcome(it, ZD_REAP_FAILED, fmt("%d (%s) cannot wait for it: %s", (int)reaper, comm,
							    strerror((int)-res[i].ret)));
		} else {
			set_outcome(it, ZD_REAP_FAILED,
				    fmt("waitid in %d (%s) found nothing to reap", (int)reaper, comm));
		}
	}
	free(pids);
	free(res);
}

/* Run every planned injection: items with action WOULD and a reaper. */
static void
execute(const struct zd_procfs *pfs, struct zd_reap *r, size_t *rsalloc, const struct zd_reap_opts *o)
{
	size_t *idx = zd_xcalloc(r->n ? r->n : 1, sizeof(*idx));
	bool *done = zd_xcalloc(r->n ? r->n : 1, sizeof(*done));
	size_t i, j, k;

	for (i = 0; i < r->n; i++) {
		pid_t reaper = r->v[i].reaper;

		if (done[i] || r->v[i].action != ZD_REAP_WOULD || !reaper)
			continue;
		for (k = 0, j = i; j < r->n; j++)
			if (!done[j] && r->v[j].action == ZD_REAP_WOULD && r->v[j].reaper == reaper) {
				idx[k++] = j;
				done[j] = true;
			}
		reap_by(pfs, r, rsalloc, reaper, idx, k, o);
	}
	free(idx);
	free(done);
}

static void
describe_plan(struct zd_reap_item *it)
{
	if (it->action != ZD_REAP_WOULD || it->reason)
		return;
	it->reason = fmt("%d (%s, %s) would call waitid(P_PID, %d, ..., WEXITED|WNOHANG|__WALL)",
			 (int)it->reaper, it->reaper_comm, zd_reap_role_name(it->role), (int)it->pid);
}

/* --cont: SIGCONT to each stopped parent, then give it a moment to reap. */
static void
resume_parents(const struct zd_procfs *pfs, struct zd_reap *r, const struct zd_reap_opts *o)
{
	int64_t deadline;
	bool any = false;
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct zd_reap_item *it = &r->v[i];

		if (it->cause != ZD_CAUSE_PARENT_STOPPED || it->action != ZD_REAP_WOULD)
			continue;
		if (proc_state(pfs, it->reaper, NULL) == 'T') {
			kill(it->reaper, SIGCONT);
			any = true;
		}
	}
	if (!any)
		return;
	/* The parent may reap on its own once it runs (a pending SIGCHLD
	 * handler, a wait loop): give it until the deadline. */
	deadline = zd_now_ns() + ZD_MIN(o->timeout_ms, 500LL) * 1000000LL;
	for (;;) {
		bool left = false;

		for (i = 0; i < r->n; i++) {
			struct zd_reap_item *it = &r->v[i];

			if (it->cause != ZD_CAUSE_PARENT_STOPPED || it->action != ZD_REAP_WOULD)
				continue;
			if (still_zombie(pfs, it->pid, it->starttime) == 0)
				set_outcome(it, ZD_REAP_CONTINUED,
					    fmt("its parent %d (%s) reaped it after SIGCONT", (int)it->reaper,
						it->reaper_comm));
			else
				left = true;
		}
		if (!left || zd_now_ns() > deadline)
			break;
		sleep_ms(10);
	}
}

/* After the tracer's waitid a zombie goes back to its real parent: the
 * second round makes that parent reap it.  When the parent's own wait
 * (a wait4 already pending for it) takes it first, the second round finds
 * it gone, and the tracer's waitid stays what reaped it. */
static void
second_round(const struct zd_procfs *pfs, struct zd_reap *r, size_t *rsalloc, const struct zd_reap_opts *o)
{
	struct zd_reap_item *was = zd_xcalloc(r->n ? r->n : 1, sizeof(*was));
	bool *moved = zd_xcalloc(r->n ? r->n : 1, sizeof(*moved));
	size_t i;
	bool any = false;

	for (i = 0; i < r->n; i++) {
		struct zd_reap_item *it = &r->v[i];
		struct zd_stat st;
		int dfd;

		if (it->action != ZD_REAP_REAPED || it->role != ZD_ROLE_TRACER)
			continue;
		if (still_zombie(pfs, it->pid, it->starttime) != 1)
			continue;
		dfd = zd_proc_open_pid(pfs, it->pid);
		if (dfd < 0)
			continue;
		if (zd_proc_read_stat(dfd, &st) == 0 && st.ppid > 0 && st.ppid != it->reaper) {
			was[i] = *it;
			was[i].warning = NULL;  /* stays with the item */
			moved[i] = true;
			it->reason = NULL;      /* kept in was[i], given back below */
			it->reaper = st.ppid;
			it->role = ZD_ROLE_PARENT;
			it->reaper_comm[0] = 0;
			{
				int pfd = zd_proc_open_pid(pfs, st.ppid);
				struct zd_stat ps;

				if (pfd >= 0 && zd_proc_read_stat(pfd, &ps) == 0)
					snprintf(it->reaper_comm, sizeof(it->reaper_comm), "%s", ps.comm);
				if (pfd >= 0)
					close(pfd);
			}
			set_outcome(it, ZD_REAP_WOULD, NULL);
			any = true;
		}
		close(dfd);
	}
	if (any)
		execute(pfs, r, rsalloc, o);
	for (i = 0; i < r->n; i++) {
		struct zd_reap_item *it = &r->v[i];

		if (!moved[i])
			continue;
		if (it->action == ZD_REAP_GONE) {
			char *warning = it->warning;

			free(it->reason);
			*it = was[i];
			it->warning = warning;
		} else {
			free(was[i].reason);
		}
	}
	free(was);
	free(moved);
}

/* Is this zombie one of those asked for? */
static bool
wanted(pid_t pid, pid_t ppid, const pid_t *pids, size_t n, pid_t parent)
{
	size_t i;

	if (parent > 0 && ppid == parent)
		return true;
	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* se.exec_start of a task (ms, the scheduler's clock), or -1. */
static double
exec_start_ms(const struct zd_procfs *pfs, const char *path)
{
	struct zd_sb sb;
	const char *p;
	double v = -1;

	zd_sb_init(&sb);
	if (zd_read_file(pfs->rootfd, path, &sb) == 0 && (p = strstr(sb.buf, "se.exec_start")) &&
	    (p = strchr(p, ':')))
		v = strtod(p + 1, NULL);
	zd_sb_release(&sb);
	return v;
}

/*
 * How long ago a zombie died, in ms: the last time it ran (its exit),
 * against now_ms, the last time this process ran (within a tick), both on
 * the scheduler's clock (/proc/PID/sched).  0 when unknown: then it is
 * treated as just dead.
 */
static double
dead_ms(const struct zd_procfs *pfs, pid_t pid, double now_ms)
{
	char path[32];
	double then;

	snprintf(path, sizeof(path), "%d/sched", (int)pid);
	then = exec_start_ms(pfs, path);
	return then < 0 || now_ms < 0 || now_ms < then ? 0 : now_ms - then;
}

int
zd_reap_run(const pid_t *pids, size_t n, pid_t parent, const struct zd_reap_opts *o, struct zd_reap *out)
{
	struct zd_scan_opts so = { .settle_ms = 0 };
	struct zd_procfs pfs;
	struct zd_scan s;
	size_t alloc = 0, rsalloc = 0, i, j;
	double young = SETTLE_MS, now_ms;
	int r;

	memset(out, 0, sizeof(*out));
	r = zd_procfs_open(&pfs, NULL);
	if (r < 0)
		return r;
	r = zd_scan_run(&pfs, &so, &s);
	/* Like scan's settle interval, but paid only for zombies that died
	 * less than SETTLE_MS ago: their parent may be about to reap them,
	 * and does so first. */
	now_ms = exec_start_ms(&pfs, "self/sched");
	for (i = 0; r == 0 && i < s.nz; i++)
		if (wanted(s.zv[i].pid, s.zv[i].ppid, pids, n, parent))
			young = ZD_MIN(young, dead_ms(&pfs, s.zv[i].pid, now_ms));
	if (r == 0 && young < SETTLE_MS) {
		zd_scan_release(&s);
		sleep_ms((long)(SETTLE_MS - young) + 1);
		r = zd_scan_run(&pfs, &so, &s);
	}
	if (r < 0) {
		zd_procfs_close(&pfs);
		return r;
	}
	/* The requested zombies, each once, in the order asked. */
	for (i = 0; i < n + s.nz; i++) {
		const struct zd_zombie *z = NULL;
		struct zd_reap_item *it;
		pid_t pid;

		if (i < n) {
			pid = pids[i];
		} else {
			if (parent <= 0 || s.zv[i - n].ppid != parent)
				continue;
			pid = s.zv[i - n].pid;
		}
		for (j = 0; j < out->n; j++)
			if (out->v[j].pid == pid)
				break;
		if (j < out->n)
			continue;
		for (j = 0; j < s.nz; j++)
			if (s.zv[j].pid == pid)
				z = &s.zv[j];
		it = add_item(out, &alloc, pid);
		it->action = ZD_REAP_WOULD; /* until decided otherwise */
		if (z) {
			snprintf(it->comm, sizeof(it->comm), "%s", z->comm);
			it->ppid = z->ppid;
			it->starttime = z->starttime;
			if (z->cause == ZD_CAUSE_TRANSIENT && still_zombie(&pfs, pid, z->starttime) == 0) {
				set_outcome(it, ZD_REAP_GONE, zd_xstrdup("reaped by its parent"));
				continue;
			}
			plan(it, z, o);
			if (it->action == ZD_REAP_WOULD && it->reaper == 1 && s.pidns_nested == ZD_NO && !o->force) {
				set_outcome(it, ZD_REAP_REFUSED,
					    zd_xstrdup("its reaper is the system's init (PID 1 of the host): a "
						       "mistake there takes the machine down; --force reaps anyway"));
				it->reaper = 0;
			}
			continue;
		}
		{
			char st = proc_state(&pfs, pid, it->comm);

			if (!st)
				set_outcome(it, ZD_REAP_GONE, zd_xstrdup("no such process"));
			else
				set_outcome(it, ZD_REAP_REFUSED, fmt("not a zombie (state %c)", st));
		}
	}
	zd_scan_release(&s);
	for (i = 0; i < out->n; i++)
		describe_plan(&out->v[i]);
	if (!o->dry_run) {
		if (o->cont)
			resume_parents(&pfs, out, o);
		for (i = 0; i < out->n; i++)
			if (out->v[i].action == ZD_REAP_WOULD) {
				free(out->v[i].reason);
				out->v[i].reason = NULL;
			}
		execute(&pfs, out, &rsalloc, o);
		second_round(&pfs, out, &rsalloc, o);
		/* Trust the kernel, not the waitid result: is it gone? */
		for (i = 0; i < out->n; i++) {
			struct zd_reap_item *it = &out->v[i];

			if (it->action == ZD_REAP_REAPED && still_zombie(&pfs, it->pid, it->starttime) == 1)
				set_outcome(it, ZD_REAP_FAILED,
					    fmt("%d (%s) collected its status but it is still a zombie",
						(int)it->reaper, it->reaper_comm));
		}
	}
	zd_procfs_close(&pfs);
	return 0;
}

void
zd_reap_release(struct zd_reap *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].reason);
		free(r->v[i].warning);
	}
	free(r->v);
	free(r->rs);
	memset(r, 0, sizeof(*r));
}
