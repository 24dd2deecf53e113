/*
 * Why is this zombie not reaped?  One verdict per zombie: a cause with a
 * stable name, the evidence that supports it, a remedy, and who would
 * inherit the zombie if its parent died.
 *
 * Order of the checks (the first that applies wins):
 *   1. live sibling threads (the kernel will not reap a leader with them):
 *      blocked-by-d-state-thread when one is in D, else threads-alive;
 *   2. a tracer other than the parent: the exit is reported to it first;
 *   3. the parent: gone or invisible, stopped/frozen, in a wait that will
 *      reap it (transient), in D, in a wait that cannot, SIGCHLD ignored,
 *      blocked (signalfd), PID-namespace init, subreaper, handler missed,
 *      and finally plain "not waiting".
 * Messages are ASCII; the front-end escapes everything it prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan-int.h"
#include "zdiag/sig.h"
#include "zdiag/sysname.h"
#include "zdiag/xalloc.h"

/* wait(2) option bits (linux/wait.h), spelled out to decode raw arguments. */
#define ZD_WNOHANG     0x00000001u
#define ZD_WUNTRACED   0x00000002u
#define ZD_WEXITED     0x00000004u
#define ZD_WCONTINUED  0x00000008u
#define ZD_WNOWAIT     0x01000000u
#define ZD_WNOTHREAD   0x20000000u
#define ZD_WALL        0x40000000u
#define ZD_WCLONE      0x80000000u
#define ZD_P_ALL 0
#define ZD_P_PID 1
#define ZD_P_PGID 2
#define ZD_P_PIDFD 3

/* Per cause: its name, a description, and who `zdiag reap` makes reap it
 * (ZD_ROLE_NONE: nothing can; a transient zombie only with --force, one of
 * a stopped parent only with --cont). */
static const struct {
	enum zd_cause cause;
	enum zd_reaper_role reaper;
	const char *name;
	const char *describe;
} causes[] = {
	{ ZD_CAUSE_TRANSIENT, ZD_ROLE_PARENT, "transient",
	  "not stuck: reaped during the settle interval, the parent is in a wait that will reap it, or the parent is exiting" },
	{ ZD_CAUSE_THREADS_ALIVE, ZD_ROLE_NONE, "threads-alive",
	  "not stuck: the thread-group leader exited (pthread_exit) but the process runs on in its other threads; it is reaped when the last one exits" },
	{ ZD_CAUSE_BLOCKED_BY_D, ZD_ROLE_NONE, "blocked-by-d-state-thread",
	  "the leader exited and a sibling thread is stuck in D state, so the thread group cannot finish exiting" },
	{ ZD_CAUSE_TRACED, ZD_ROLE_TRACER, "traced",
	  "a tracer other than the parent holds it and is not waiting; the exit is reported to the tracer first" },
	{ ZD_CAUSE_PARENT_STOPPED, ZD_ROLE_PARENT, "parent-stopped",
	  "the parent is stopped (SIGSTOP, ptrace stop) or frozen by a cgroup freezer" },
	{ ZD_CAUSE_PARENT_IN_D, ZD_ROLE_NONE, "parent-in-d-state",
	  "the parent is blocked in the kernel (D state) and cannot run its wait" },
	{ ZD_CAUSE_SIGCHLD_BLOCKED, ZD_ROLE_PARENT, "sigchld-blocked",
	  "the parent has SIGCHLD blocked and pending and is not waiting: a handler, if any, cannot run" },
	{ ZD_CAUSE_SIGNALFD_NOT_READ, ZD_ROLE_PARENT, "signalfd-not-read",
	  "the parent takes SIGCHLD through a signalfd that its event loop does not read" },
	{ ZD_CAUSE_SIGCHLD_IGNORED, ZD_ROLE_PARENT, "sigchld-ignored",
	  "the parent set SIGCHLD to SIG_IGN after this child died; Linux does not auto-reap existing zombies" },
	{ ZD_CAUSE_PARENT_WAITS_FOR_OTHER, ZD_ROLE_PARENT, "parent-waits-for-other",
	  "the parent is in wait4/waitid for another child, or without __WALL/__WCLONE for a non-SIGCHLD child" },
	{ ZD_CAUSE_INIT_NOT_REAPING, ZD_ROLE_INIT, "init-not-reaping",
	  "the parent is PID 1 of its PID namespace and does not reap orphans (a container without an init)" },
	{ ZD_CAUSE_SUBREAPER_NOT_REAPING, ZD_ROLE_SUBREAPER, "subreaper-not-reaping",
	  "the parent is a child subreaper (orphans are reparented to it) and does not reap them" },
	{ ZD_CAUSE_HANDLER_MISSED, ZD_ROLE_PARENT, "sigchld-handler-missed",
	  "the parent catches SIGCHLD but its handler did not reap this child (one signal for several exits)" },
	{ ZD_CAUSE_PARENT_NOT_WAITING, ZD_ROLE_PARENT, "parent-not-waiting",
	  "the parent is alive and not in wait4/waitid: it never reaps this child" },
	{ ZD_CAUSE_PARENT_NOT_VISIBLE, ZD_ROLE_NONE, "parent-not-visible",
	  "the parent is outside this PID namespace (ppid 0); scan from the parent namespace" },
	{ ZD_CAUSE_UNDETERMINED, ZD_ROLE_PARENT, "undetermined",
	  "the evidence needed is unreadable (run as root)" },
};

const char *
zd_cause_name(enum zd_cause c)
{
	return (unsigned)c < ZD_ARRAY_SIZE(causes) ? causes[c].name : "?";
}

const char *
zd_cause_describe(enum zd_cause c)
{
	return (unsigned)c < ZD_ARRAY_SIZE(causes) ? causes[c].describe : "?";
}

enum zd_reaper_role
zd_cause_reaper(enum zd_cause c)
{
	return (unsigned)c < ZD_ARRAY_SIZE(causes) ? causes[c].reaper : ZD_ROLE_NONE;
}

bool
zd_cause_reapable(enum zd_cause c)
{
	return zd_cause_reaper(c) != ZD_ROLE_NONE && c != ZD_CAUSE_TRANSIENT && c != ZD_CAUSE_PARENT_STOPPED;
}

int
zd_cause_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(causes); i++)
		if (!strcmp(causes[i].name, name))
			return (int)causes[i].cause;
	return -1;
}

/* Inits that reap orphans when PID 1, and programs that act as subreapers. */
static const char *const known_inits[] = {
	"systemd", "init", "tini", "dumb-init", "docker-init", "catatonit",
	"s6-svscan", "runit", "runit-init", "openrc-init", "sinit", "busybox",
	"pause", "zd-reaper",
};
static const char *const known_subreapers[] = {
	"containerd-shim", "conmon", "systemd", "tini", "catatonit", "dumb-init",
	"docker-init", "s6-svscan", "runsvdir", "supervisord", "zd-reaper",
};

static bool
in_list(const char *comm, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(comm, list[i]))
			return true;
	/* comm is truncated to 15 bytes: "containerd-shim-runc-v2" */
	return !strncmp(comm, "containerd-shim", 15) && list == known_subreapers;
}

/* The four parts of a verdict are printf-formatted strings owned by z. */
#define FORMAT_INTO(dst, fmt)                          \
	do {                                           \
		struct zd_sb sb_ = ZD_SB_INIT;         \
		va_list ap_;                           \
		va_start(ap_, fmt);                    \
		zd_sb_vaddf(&sb_, fmt, ap_);           \
		va_end(ap_);                           \
		free(dst);                             \
		(dst) = zd_sb_detach(&sb_);            \
	} while (0)

static void evidence(struct zd_zombie *z, const char *fmt, ...) ZD_PRINTF(2, 3);
static void verdict(struct zd_zombie *z, enum zd_cause cause, const char *fmt, ...) ZD_PRINTF(3, 4);
static void advise(struct zd_zombie *z, const char *fmt, ...) ZD_PRINTF(2, 3);
static void kill_parent(struct zd_zombie *z, enum zd_tristate helps, const char *fmt, ...) ZD_PRINTF(3, 4);

/* Append one evidence line. */
static void
evidence(struct zd_zombie *z, const char *fmt, ...)
{
	z->evidence = zd_xrealloc(z->evidence, (z->n_evidence + 1) * sizeof(*z->evidence));
	z->evidence[z->n_evidence] = NULL;
	FORMAT_INTO(z->evidence[z->n_evidence], fmt);
	z->n_evidence++;
}

/* Set the cause and its one-sentence headline. */
static void
verdict(struct zd_zombie *z, enum zd_cause cause, const char *fmt, ...)
{
	z->cause = cause;
	/* A zombie leader whose threads run on is a running process, not a
	 * stuck zombie (its D-state variant is ZD_CAUSE_BLOCKED_BY_D). */
	z->stuck = cause != ZD_CAUSE_TRANSIENT && cause != ZD_CAUSE_THREADS_ALIVE;
	FORMAT_INTO(z->headline, fmt);
}

static void
advise(struct zd_zombie *z, const char *fmt, ...)
{
	FORMAT_INTO(z->advice, fmt);
}

static void
kill_parent(struct zd_zombie *z, enum zd_tristate helps, const char *fmt, ...)
{
	z->kill_parent_helps = helps;
	FORMAT_INTO(z->kill_parent_note, fmt);
}

/* ------------------------------------------------------------------ */
/* Reading one task in detail                                          */

/* Is this task frozen by a cgroup freezer?  Sets t->frozen_by when known. */
static void
detect_frozen(struct zd_scan_ctx *c, int tdfd, struct zd_task *t)
{
	struct zd_sb cg = ZD_SB_INIT;
	const char *line;
	bool v1 = !strcmp(t->wchan, "__refrigerator");

	if (v1)
		t->frozen = true;
	if (!c->pfs->live || (t->state != 'S' && t->state != 'D')) {
		zd_sb_release(&cg);
		return;
	}
	if (zd_read_file(tdfd, "cgroup", &cg) < 0) {
		zd_sb_release(&cg);
		return;
	}
	for (line = cg.buf; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char l[1024], path[1200], buf[256];
		char *c1, *c2;

		snprintf(l, sizeof(l), "%.*s", (int)ZD_MIN(n, sizeof(l) - 1), line);
		line = nl ? nl + 1 : NULL;
		c1 = strchr(l, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (!strcmp(c1 + 1, "freezer")) {
			snprintf(path, sizeof(path), "/sys/fs/cgroup/freezer%s/freezer.state",
				 !strcmp(c2 + 1, "/") ? "" : c2 + 1);
			if (zd_read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
			    (!strncmp(buf, "FROZEN", 6) || !strncmp(buf, "FREEZING", 8))) {
				t->frozen = true;
				free(t->frozen_by);
				t->frozen_by = zd_xstrdup(path);
			}
		} else if (c1 == l + 1 && l[0] == '0' && c1[1] == '\0' && !v1) {
			static const char *const bases[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
			size_t b;

			for (b = 0; b < ZD_ARRAY_SIZE(bases); b++) {
				snprintf(path, sizeof(path), "%s%s/cgroup.events", bases[b],
					 !strcmp(c2 + 1, "/") ? "" : c2 + 1);
				if (zd_read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0) {
					if (strstr(buf, "frozen 1")) {
						t->frozen = true;
						free(t->frozen_by);
						snprintf(path, sizeof(path), "%s%s/cgroup.freeze", bases[b],
							 !strcmp(c2 + 1, "/") ? "" : c2 + 1);
						t->frozen_by = zd_xstrdup(path);
					}
					break;
				}
			}
		}
	}
	zd_sb_release(&cg);
}

int
zd_scan_task_detail(struct zd_scan_ctx *c, int tdfd, struct zd_task *t, bool want_stack)
{
	struct zd_stat st;
	struct zd_status ss;
	int r;

	r = zd_proc_read_stat(tdfd, &st);
	if (r < 0)
		return r;
	memcpy(t->comm, st.comm, sizeof(t->comm));
	t->state = st.state;
	if (!t->tid)
		t->tid = st.pid;
	t->wchan_err = zd_proc_read_wchan(tdfd, t->wchan, sizeof(t->wchan));
	t->sc_err = zd_proc_read_syscall(tdfd, &t->sc);
	if (t->sc_err == -EACCES || t->sc_err == -EPERM)
		c->s->unreadable_syscall++;
	if (zd_proc_read_status(tdfd, &ss) == 0) {
		t->has_sig = ss.has_sig;
		t->sigkill_pending = ((ss.sigpnd | ss.shdpnd) & ZD_SIGBIT(SIGKILL)) != 0;
		if (!t->pid)
			t->pid = ss.tgid;
	}
	if (want_stack) {
		zd_sb_reset(&c->tmp);
		t->stack_err = zd_proc_read_stack(tdfd, &c->tmp);
		if (t->stack_err == 0)
			t->stack = zd_xstrdup(c->tmp.buf);
		else if (t->stack_err == -EACCES || t->stack_err == -EPERM)
			c->s->unreadable_stack++;
	}
	if (t->state == 'D' || t->state == 'S')
		detect_frozen(c, tdfd, t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Describing what a task is doing                                      */

static void
add_wait_options(struct zd_sb *sb, unsigned opts, bool waitid)
{
	static const struct { unsigned bit; const char *name; } bits[] = {
		{ ZD_WNOHANG, "WNOHANG" }, { ZD_WUNTRACED, "WSTOPPED" },
		{ ZD_WEXITED, "WEXITED" }, { ZD_WCONTINUED, "WCONTINUED" },
		{ ZD_WNOWAIT, "WNOWAIT" }, { ZD_WNOTHREAD, "__WNOTHREAD" },
		{ ZD_WALL, "__WALL" }, { ZD_WCLONE, "__WCLONE" },
	};
	unsigned rest = opts;
	bool any = false;
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(bits); i++) {
		if (!(opts & bits[i].bit))
			continue;
		if (bits[i].bit == ZD_WUNTRACED && !waitid) {
			zd_sb_addf(sb, "%sWUNTRACED", any ? "|" : "");
		} else {
			zd_sb_addf(sb, "%s%s", any ? "|" : "", bits[i].name);
		}
		rest &= ~bits[i].bit;
		any = true;
	}
	if (rest)
		zd_sb_addf(sb, "%s%#x", any ? "|" : "", rest);
	else if (!any)
		zd_sb_adds(sb, "0");
}

/* "wait4(-1, __WALL)", "read()", "not in a syscall", "running"; with_wchan
 * appends ", wchan X". */
static char *
describe_sc_w(const struct zd_task *t, bool with_wchan)
{
	struct zd_sb sb = ZD_SB_INIT;
	const char *name;

	switch (t->sc.kind) {
	case ZD_SC_RUNNING:
		zd_sb_adds(&sb, "running");
		break;
	case ZD_SC_NONE:
		zd_sb_adds(&sb, "not in a syscall");
		break;
	case ZD_SC_IN:
		name = zd_sysname(t->sc.nr);
		if (t->sc.nr == ZD_NR_WAIT4) {
			zd_sb_addf(&sb, "wait4(%d, ", (int)t->sc.args[0]);
			add_wait_options(&sb, (unsigned)t->sc.args[2], false);
			zd_sb_addc(&sb, ')');
		} else if (t->sc.nr == ZD_NR_WAITID) {
			static const char *const idt[] = { "P_ALL", "P_PID", "P_PGID", "P_PIDFD" };
			unsigned it = (unsigned)t->sc.args[0];

			if (it < 4)
				zd_sb_addf(&sb, "waitid(%s, %d, ", idt[it], (int)t->sc.args[1]);
			else
				zd_sb_addf(&sb, "waitid(%u, %d, ", it, (int)t->sc.args[1]);
			add_wait_options(&sb, (unsigned)t->sc.args[3], true);
			zd_sb_addc(&sb, ')');
		} else if (name) {
			zd_sb_addf(&sb, "%s()", name);
		} else {
			zd_sb_addf(&sb, "syscall_%#lx()", t->sc.nr);
		}
		break;
	default:
		zd_sb_adds(&sb, t->sc_err ? "syscall unreadable" : "unknown");
		break;
	}
	if (with_wchan && t->wchan[0])
		zd_sb_addf(&sb, ", wchan %s", t->wchan);
	return zd_sb_detach(&sb);
}

/* ------------------------------------------------------------------ */
/* Would a wait call of this task reap the zombie?                      */

struct zinfo {
	pid_t nspid[ZD_NS_MAX];   /* the zombie's pid at each namespace level */
	int nspid_n;
	pid_t nspgid[ZD_NS_MAX];
	int nspgid_n;
	pid_t pid, pgrp;          /* in the proc root's view */
	int exit_signal;
};

enum wait_result {
	W_NOT_WAITING,
	W_MATCH,
	W_OTHER_PID,
	W_OTHER_PGRP,
	W_NEEDS_WALL,     /* child's exit signal is not SIGCHLD */
	W_CLONE_ONLY,     /* __WCLONE without __WALL, child is a SIGCHLD child */
	W_NOWAIT,
	W_NO_WEXITED,
	W_NOTHREAD,
};

static pid_t
pid_at_level(const pid_t *v, int n, int level, pid_t fallback)
{
	if (n <= 0)
		return fallback;
	if (level < n)
		return v[level];
	return -1; /* not visible at that level */
}

/* The pid that pidfd `fd` of process pid refers to (0: unknown). */
static pid_t
pidfd_target(struct zd_scan_ctx *c, pid_t pid, int fd)
{
	char path[64], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "%d/fdinfo/%d", (int)pid, fd);
	if (zd_read_small(c->pfs->rootfd, path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nPid:");
	if (!p)
		return 0;
	return (pid_t)strtol(p + 5, NULL, 10);
}

/*
 * Would task t (a thread of process pid at namespace `level`, with process
 * group `wpgrp` in the proc root's view) reap zombie zi with the wait it
 * is blocked in?  `tracer`: t's process traces the zombie (exit_signal and
 * __WCLONE do not matter then).
 */
static enum wait_result
wait_reaps(struct zd_scan_ctx *c, const struct zd_task *t, pid_t pid, int level, pid_t wpgrp,
	   const struct zinfo *zi, bool tracer, pid_t *other)
{
	pid_t zpid = pid_at_level(zi->nspid, zi->nspid_n, level, zi->pid);
	pid_t zpgrp = pid_at_level(zi->nspgid, zi->nspgid_n, level, zi->pgrp);
	unsigned opts;
	long id;

	*other = 0;
	if (t->sc.kind != ZD_SC_IN)
		return W_NOT_WAITING;
	if (t->sc.nr == ZD_NR_WAIT4) {
		id = (int)t->sc.args[0];
		opts = (unsigned)t->sc.args[2];
		if (id > 0 && id != zpid) {
			*other = (pid_t)id;
			return W_OTHER_PID;
		}
		if (id == 0 && wpgrp != zi->pgrp)
			return W_OTHER_PGRP;
		if (id < -1 && -id != zpgrp) {
			*other = (pid_t)-id;
			return W_OTHER_PGRP;
		}
	} else if (t->sc.nr == ZD_NR_WAITID) {
		unsigned idtype = (unsigned)t->sc.args[0];

		id = (int)t->sc.args[1];
		opts = (unsigned)t->sc.args[3];
		if (!(opts & ZD_WEXITED))
			return W_NO_WEXITED;
		if (idtype == ZD_P_PID && id != zpid) {
			*other = (pid_t)id;
			return W_OTHER_PID;
		}
		if (idtype == ZD_P_PGID && ((id == 0 && wpgrp != zi->pgrp) || (id != 0 && id != zpgrp))) {
			*other = (pid_t)id;
			return W_OTHER_PGRP;
		}
		if (idtype == ZD_P_PIDFD) {
			pid_t target = pidfd_target(c, pid, (int)id);

			if (target && target != zi->pid) {
				*other = target;
				return W_OTHER_PID;
			}
		}
		if (opts & ZD_WNOWAIT)
			return W_NOWAIT;
	} else {
		return W_NOT_WAITING;
	}
	if (tracer || (opts & ZD_WALL))
		return W_MATCH;
	if (zi->exit_signal != SIGCHLD && !(opts & ZD_WCLONE))
		return W_NEEDS_WALL;
	if (zi->exit_signal == SIGCHLD && (opts & ZD_WCLONE))
		return W_CLONE_ONLY;
	return W_MATCH;
}

/* ------------------------------------------------------------------ */
/* Examining a process (parent or tracer) and its threads               */

struct pview {
	bool seen;
	bool gone;
	struct zd_stat st;
	struct zd_status ss;
	bool has_status;
	int level;                /* namespace level (0 = the proc root's) */
	bool ns_init;             /* PID 1 of its namespace */
	struct zd_task leader;    /* details of the leader thread */
	/* the best wait found among its threads */
	enum wait_result wait;
	pid_t wait_other;
	pid_t wait_tid;
	char *wait_desc;
	bool any_wait;            /* some thread is in wait4/waitid */
	bool sc_unreadable;
	long live_threads;
};

static void
pview_release(struct pview *v)
{
	zd_task_release(&v->leader);
	free(v->wait_desc);
}

static int
wait_rank(enum wait_result w)
{
	return w == W_MATCH ? 3 : w == W_NOT_WAITING ? 0 : 2;
}

static void
consider_wait(struct zd_scan_ctx *c, struct pview *v, const struct zd_task *t, pid_t pid,
	      const struct zinfo *zi, bool tracer)
{
	pid_t other;
	enum wait_result w = wait_reaps(c, t, pid, v->level, v->st.pgrp, zi, tracer, &other);

	if (t->sc_err)
		v->sc_unreadable = true;
	if (w != W_NOT_WAITING)
		v->any_wait = true;
	if (wait_rank(w) > wait_rank(v->wait) || !v->wait_desc) {
		if (w == W_NOT_WAITING && v->wait_desc)
			return;
		v->wait = w;
		v->wait_other = other;
		v->wait_tid = t->tid;
		free(v->wait_desc);
		v->wait_desc = describe_sc_w(t, false);
	}
}

static void
task_copy(struct zd_task *dst, const struct zd_task *src)
{
	*dst = *src;
	dst->stack = src->stack ? zd_xstrdup(src->stack) : NULL;
	dst->frozen_by = src->frozen_by ? zd_xstrdup(src->frozen_by) : NULL;
}

/* Read process pid once per scan: stat, status, leader details, threads. */
static const struct zd_pcache *
pcache_get(struct zd_scan_ctx *c, pid_t pid)
{
	struct zd_pcache *e;
	pid_t *tids = NULL;
	size_t n = 0, i;
	int fd;

	for (i = 0; i < c->npc; i++)
		if (c->pc[i].pid == pid)
			return &c->pc[i];
	ZD_GROW(c->pc, c->apc, c->npc + 1);
	e = &c->pc[c->npc++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->signalfd = -2;
	e->gone = true;
	fd = zd_proc_open_pid(c->pfs, pid);
	if (fd < 0)
		return e;
	if (zd_proc_read_stat(fd, &e->st) < 0) {
		close(fd);
		return e;
	}
	e->gone = false;
	e->has_status = zd_proc_read_status(fd, &e->ss) == 0;
	e->leader.pid = pid;
	e->leader.tid = pid;
	zd_scan_task_detail(c, fd, &e->leader, e->st.state == 'D');
	if (e->st.num_threads > 1 && zd_proc_list(fd, "task", &tids, &n) == 0) {
		e->threads = zd_xcalloc(n ? n : 1, sizeof(*e->threads));
		for (i = 0; i < n && i < 4096; i++) {
			struct zd_task *t = &e->threads[e->nthreads];
			struct zd_stat tst;
			int tfd;

			if (tids[i] == pid)
				continue;
			tfd = zd_proc_open_task(fd, tids[i]);
			if (tfd < 0)
				continue;
			if (zd_proc_read_stat(tfd, &tst) < 0 || tst.state == 'Z' || tst.state == 'X') {
				close(tfd);
				continue;
			}
			memset(t, 0, sizeof(*t));
			t->pid = pid;
			t->tid = tids[i];
			t->state = tst.state;
			t->sc_err = zd_proc_read_syscall(tfd, &t->sc);
			zd_proc_read_wchan(tfd, t->wchan, sizeof(t->wchan));
			close(tfd);
			e->nthreads++;
		}
		free(tids);
	}
	close(fd);
	return e;
}

void
zd_scan_cache_release(struct zd_scan_ctx *c)
{
	size_t i, k;

	for (i = 0; i < c->npc; i++) {
		struct zd_pcache *e = &c->pc[i];

		zd_task_release(&e->leader);
		for (k = 0; k < e->nthreads; k++)
			zd_task_release(&e->threads[k]);
		free(e->threads);
	}
	free(c->pc);
	c->pc = NULL;
	c->npc = c->apc = 0;
}

/* Look at process pid (from the cache) against zombie zi: who waits how. */
static void
examine(struct zd_scan_ctx *c, pid_t pid, const struct zinfo *zi, bool tracer, struct pview *v)
{
	const struct zd_pcache *e = pcache_get(c, pid);
	size_t i;

	memset(v, 0, sizeof(*v));
	if (e->gone) {
		v->gone = true;
		return;
	}
	v->seen = true;
	v->st = e->st;
	v->ss = e->ss;
	v->has_status = e->has_status;
	if (v->has_status && v->ss.nspid_n > 0) {
		v->level = v->ss.nspid_n - 1;
		v->ns_init = v->ss.nspid[v->ss.nspid_n - 1] == 1;
	} else {
		v->ns_init = pid == 1;
	}
	task_copy(&v->leader, &e->leader);
	v->live_threads = v->st.state == 'Z' ? 0 : 1;
	if (v->leader.state != 'Z')
		consider_wait(c, v, &v->leader, pid, zi, tracer);
	for (i = 0; i < e->nthreads && v->wait != W_MATCH; i++) {
		v->live_threads++;
		consider_wait(c, v, &e->threads[i], pid, zi, tracer);
	}
}

/* ------------------------------------------------------------------ */
/* The verdict                                                          */

void
zd_scan_zombie_init(struct zd_scan_ctx *c, struct zd_zombie *z, const struct zd_pentry *pe,
		    const struct zd_stat *st)
{
	z->pid = pe->pid;
	z->starttime = pe->starttime;
	memcpy(z->comm, pe->comm, sizeof(z->comm));
	z->ppid = pe->ppid;
	z->nspid = pe->pid;
	z->exit_signal = pe->exit_signal;
	z->kill_parent_helps = ZD_UNKNOWN;
	/* field 52 is only meaningful to a reader with ptrace read access */
	if (st && st->has_exit_code && (c->s->euid == 0 || st->exit_code != 0)) {
		z->has_wait_status = true;
		z->wait_status = st->exit_code;
	}
}

void
zd_verdict_reaped(struct zd_scan_ctx *c, struct zd_zombie *z)
{
	verdict(z, ZD_CAUSE_TRANSIENT, "reaped during the %d ms settle interval: not stuck",
		c->opts->settle_ms);
	evidence(z, "zombie at the first look, gone %d ms later", c->opts->settle_ms);
	advise(z, "nothing to do: its parent reaped it");
	kill_parent(z, ZD_NO, "not needed: it has already been reaped");
}

void
zd_verdict_unreadable(struct zd_scan_ctx *c, struct zd_zombie *z, int err)
{
	(void)c;
	verdict(z, ZD_CAUSE_UNDETERMINED, "cannot read /proc/%d: %s", (int)z->pid, strerror(-err));
	advise(z, "run zdiag scan again (with a higher open-files limit, or as root)");
	kill_parent(z, ZD_UNKNOWN, "unknown: the zombie could not be examined");
}

/*
 * The child a thread blocked in vfork() waits for: the one in the thread's
 * own children list (task/TID/children); without that file, the only
 * live child of the process, if there is exactly one.
 */
static void
find_vfork_child(struct zd_scan_ctx *c, int tfd, pid_t pid, struct zd_task *t)
{
	char buf[256];
	const struct zd_pentry *e;
	pid_t child = 0;
	size_t i, n = 0;

	if (zd_read_small(tfd, "children", buf, sizeof(buf)) > 0) {
		child = (pid_t)strtol(buf, NULL, 10);
	} else {
		for (i = 0; i < c->npe; i++) {
			if (c->pe[i].ppid == pid && c->pe[i].state != 'Z') {
				child = c->pe[i].pid;
				n++;
			}
		}
		if (n != 1)
			child = 0;
	}
	e = child > 0 ? zd_scan_lookup(c, child) : NULL;
	if (!e)
		return;
	t->vfork_child = child;
	memcpy(t->vfork_comm, e->comm, sizeof(t->vfork_comm));
}

/* Live sibling threads of a zombie leader: the blockers. */
static void
collect_threads(struct zd_scan_ctx *c, struct zd_zombie *z, int dirfd, size_t *n_d)
{
	pid_t *tids = NULL;
	size_t n = 0, i, nd = 0;

	if (zd_proc_list(dirfd, "task", &tids, &n) < 0)
		return;
	z->blockers = zd_xcalloc(n ? n : 1, sizeof(*z->blockers));
	for (i = 0; i < n; i++) {
		struct zd_task *t = &z->blockers[z->n_blockers];
		int tfd;

		if (tids[i] == z->pid)
			continue;
		tfd = zd_proc_open_task(dirfd, tids[i]);
		if (tfd < 0)
			continue;
		memset(t, 0, sizeof(*t));
		t->pid = z->pid;
		t->tid = tids[i];
		/* Only D threads get a kernel stack: that is where the answer is. */
		if (zd_scan_task_detail(c, tfd, t, false) < 0 || t->state == 'Z' || t->state == 'X') {
			zd_task_release(t);
			close(tfd);
			continue;
		}
		if (t->state == 'D') {
			struct zd_sb sb = ZD_SB_INIT;

			t->stack_err = zd_proc_read_stack(tfd, &sb);
			if (t->stack_err == 0)
				t->stack = zd_sb_detach(&sb);
			else if (t->stack_err == -EACCES || t->stack_err == -EPERM)
				c->s->unreadable_stack++;
			zd_sb_release(&sb);
			nd++;
			zd_scan_note_d(c, z->pid, t->tid);
			if (t->sc.kind == ZD_SC_IN && t->sc.nr == ZD_NR_VFORK)
				find_vfork_child(c, tfd, z->pid, t);
		}
		close(tfd);
		z->n_blockers++;
	}
	free(tids);
	/* D threads first: they are the ones that matter. */
	for (i = 0; i < z->n_blockers; i++) {
		size_t k;

		for (k = i + 1; k < z->n_blockers; k++) {
			if (z->blockers[k].state == 'D' && z->blockers[i].state != 'D') {
				struct zd_task tmp = z->blockers[i];
				z->blockers[i] = z->blockers[k];
				z->blockers[k] = tmp;
			}
		}
	}
	*n_d = nd;
}

static void
first_stack_frame(const char *stack, char *buf, size_t size)
{
	size_t n;

	buf[0] = '\0';
	if (!stack)
		return;
	/* skip scheduler frames: the first interesting one says what it waits for */
	while (*stack) {
		const char *nl = strchr(stack, '\n');
		n = nl ? (size_t)(nl - stack) : strlen(stack);
		if (strncmp(stack, "__switch_to", 11) && strncmp(stack, "__schedule", 10) &&
		    strncmp(stack, "schedule", 8) && strncmp(stack, "io_schedule", 11)) {
			snprintf(buf, size, "%.*s", (int)n, stack);
			return;
		}
		if (!nl)
			break;
		stack = nl + 1;
	}
}

static void
verdict_threads(struct zd_scan_ctx *c, struct zd_zombie *z, size_t nd)
{
	const struct zd_task *d = NULL;
	size_t i;
	bool all_killpending = true, any_frozen = false;

	{
		struct zd_sb sb = ZD_SB_INIT;

		for (i = 0; i < z->n_blockers && i < 8; i++)
			zd_sb_addf(&sb, "%s%d (%c)", i ? ", " : "", (int)z->blockers[i].tid, z->blockers[i].state);
		if (z->n_blockers > 8)
			zd_sb_addf(&sb, ", ... %zu more", z->n_blockers - 8);
		evidence(z, "leader exited; %zu live sibling thread%s: %s", z->n_blockers,
			 z->n_blockers == 1 ? "" : "s", sb.buf);
		zd_sb_release(&sb);
	}
	for (i = 0; i < z->n_blockers; i++) {
		const struct zd_task *t = &z->blockers[i];

		if (t->state == 'D') {
			if (!d)
				d = t;
			if (!t->sigkill_pending)
				all_killpending = false;
			if (t->frozen)
				any_frozen = true;
		}
	}
	kill_parent(z, ZD_NO, "no: a leader with live threads cannot be reaped by anyone, a new parent included; the thread group must finish exiting first");
	if (!nd) {
		verdict(z, ZD_CAUSE_THREADS_ALIVE,
			"not stuck: the thread-group leader exited (pthread_exit), and the process runs on in %zu live thread%s; it is reaped when the last one exits",
			z->n_blockers, z->n_blockers == 1 ? "" : "s");
		advise(z, "nothing to do: this is a running process, not a leaked zombie. To end it: kill %d", (int)z->pid);
		return;
	}
	{
		char frame[160];

		first_stack_frame(d->stack, frame, sizeof(frame));
		if (d->vfork_child && !d->frozen) {
			verdict(z, ZD_CAUSE_BLOCKED_BY_D,
				"the leader exited, but thread %d (%s) is in vfork() (D state), waiting for its vfork child %d (%s) to exec or exit%s; the thread group cannot finish exiting, so it cannot be reaped",
				(int)d->tid, d->comm, (int)d->vfork_child, d->vfork_comm,
				d->sigkill_pending ? ", with SIGKILL pending" : "");
			evidence(z, "thread %d's vfork child: %d (%s)", (int)d->tid, (int)d->vfork_child, d->vfork_comm);
			advise(z, "the vfork child %d (%s) must exec or exit: find why it does not (zdiag scan -p %d, zdiag trace -p %d), or kill -KILL %d; the vfork wait is killable, so kill -KILL %d also ends the thread group and lets the parent reap it",
			       (int)d->vfork_child, d->vfork_comm, (int)d->vfork_child, (int)d->vfork_child,
			       (int)d->vfork_child, (int)z->pid);
			return;
		}
		if (d->frozen)
			verdict(z, ZD_CAUSE_BLOCKED_BY_D,
				"the leader exited, but thread %d (%s) is frozen by a cgroup freezer (D state%s%s)%s; the thread group cannot finish exiting, so it cannot be reaped",
				(int)d->tid, d->comm, d->wchan[0] ? ", wchan " : "", d->wchan,
				d->sigkill_pending ? " with SIGKILL pending" : "");
		else
			verdict(z, ZD_CAUSE_BLOCKED_BY_D,
				"the leader exited, but thread %d (%s) is stuck in D state%s%s%s; the thread group cannot finish exiting, so it cannot be reaped",
				(int)d->tid, d->comm,
				d->wchan[0] || frame[0] ? " in " : "",
				d->wchan[0] ? d->wchan : frame,
				d->sigkill_pending ? " with SIGKILL pending" : "");
		if (any_frozen) {
			const char *file = NULL;

			for (i = 0; i < z->n_blockers; i++)
				if (z->blockers[i].frozen_by)
					file = z->blockers[i].frozen_by;
			if (file && strstr(file, "freezer.state"))
				advise(z, "the D thread is frozen by a cgroup-v1 freezer: thaw it (echo THAWED > %s); a pending SIGKILL is delivered only after the thaw", file);
			else if (file)
				advise(z, "the D thread is frozen by the cgroup freezer: thaw it (echo 0 > %s)", file);
			else
				advise(z, "the D thread is frozen by a cgroup freezer (wchan __refrigerator): thaw its cgroup");
		} else if (all_killpending) {
			advise(z, "nothing but the blocked operation finishing can help: SIGKILL is already pending and the thread is still in D state. Find what %s waits for (storage, NFS/FUSE server, driver: see its kernel stack); if it never completes, only a reboot clears it",
			       d->wchan[0] ? d->wchan : (frame[0] ? frame : "it"));
		} else {
			advise(z, "kill -KILL %d: if the D wait is killable (vfork, many NFS waits) the threads exit and the parent reaps it. If SIGKILL then stays pending and the thread stays in D, only the blocked operation finishing (or a reboot) can help",
			       (int)z->pid);
		}
	}
}

const char *
zd_heir_source_name(enum zd_heir_source h)
{
	static const char *const names[] = { "none", "bpf", "tree", "unknown" };

	return (unsigned)h < ZD_ARRAY_SIZE(names) ? names[h] : "?";
}

const char *
zd_sr_source_name(enum zd_sr_source s)
{
	static const char *const names[] = { "not-needed", "bpf", "name" };

	return (unsigned)s < ZD_ARRAY_SIZE(names) ? names[s] : "?";
}

const char *
zd_sr_error_str(int err)
{
	switch (err) {
	case 0: return "none";
	case -ECANCELED: return "--no-bpf";
	case -EXDEV: return "the proc root is not the live /proc of zdiag's own PID namespace";
	case -EPERM:
	case -EACCES: return "BPF needs root (CAP_BPF and CAP_PERFMON)";
	case -ENOENT: return "no kernel BTF (/sys/kernel/btf/vmlinux)";
	case -EOPNOTSUPP:
	case -EINVAL: return "the kernel's BPF or BTF lacks what the task iterator needs";
	default: return "BPF failed";
	}
}

/* Is pid a child subreaper?  From the kernel (BPF, loaded once per scan
 * and only when a verdict depends on it); ZD_UNKNOWN when unreadable. */
static enum zd_tristate
is_subreaper(struct zd_scan_ctx *c, pid_t pid)
{
	if (!c->sr_tried) {
		c->sr_tried = true;
		c->sr_err = zd_scan_load_subreapers(c);
		c->s->subreaper_source = c->sr_err ? ZD_SR_NAME : ZD_SR_BPF;
		c->s->subreaper_err = c->sr_err;
	}
	if (c->sr_err)
		return ZD_UNKNOWN;
	return zd_subreaper_has(&c->sr, pid) ? ZD_YES : ZD_NO;
}

static void
pidcomm_set(struct zd_pidcomm *pc, const struct zd_pentry *a)
{
	pc->pid = a->pid;
	memcpy(pc->comm, a->comm, sizeof(pc->comm));
	pc->known_subreaper = in_list(a->comm, known_subreapers, ZD_ARRAY_SIZE(known_subreapers));
}

/*
 * Who inherits the zombie if the parent dies: the kernel (find_new_reaper)
 * walks the parent's ancestors for the nearest one with
 * PR_SET_CHILD_SUBREAPER, up to PID 1 of the namespace.  When the flags
 * cannot be read, the heir is known only if no ancestor lies between the
 * parent and init; otherwise the candidates are kept, and no heir is named.
 */
static void
find_reaper(struct zd_scan_ctx *c, struct zd_zombie *z, const struct pview *p)
{
	const struct zd_pentry *a;
	int guard = 0;

	if (p->ns_init)
		return;
	z->heir_source = ZD_HEIR_UNKNOWN;
	for (a = zd_scan_lookup(c, p->st.ppid); a && guard < 4096; a = zd_scan_lookup(c, a->ppid), guard++) {
		const struct zd_pcache *e = pcache_get(c, a->pid);
		bool init = a->pid == 1;
		enum zd_tristate sr;

		if (e->has_status && e->ss.nspid_n > 0) {
			if (e->ss.nspid_n - 1 < p->level)
				break; /* left the parent's namespace */
			init = e->ss.nspid_n - 1 == p->level && e->ss.nspid[e->ss.nspid_n - 1] == 1;
		}
		if (init) {
			if (z->n_heir_candidates) {
				pidcomm_set(&z->heir_fallback, a);
				return; /* one of the candidates, else init: unknown */
			}
			z->reaper = a->pid;
			memcpy(z->reaper_comm, a->comm, sizeof(z->reaper_comm));
			z->heir_source = guard == 0 || c->sr_err ? ZD_HEIR_TREE : ZD_HEIR_BPF;
			return;
		}
		sr = is_subreaper(c, a->pid);
		if (sr == ZD_YES) {
			z->reaper = a->pid;
			memcpy(z->reaper_comm, a->comm, sizeof(z->reaper_comm));
			z->heir_source = ZD_HEIR_BPF;
			return;
		}
		if (sr == ZD_UNKNOWN) {
			if (z->n_heir_candidates < ZD_HEIR_CANDIDATES_MAX)
				pidcomm_set(&z->heir_candidates[z->n_heir_candidates++], a);
			else
				z->heir_candidates_truncated = true;
		}
		if (a->ppid == 0 || a->ppid == a->pid)
			break;
	}
	/* the chain ended outside view (ppid 0): the heir is not visible */
	z->n_heir_candidates = 0;
	z->heir_candidates_truncated = false;
	z->heir_source = ZD_HEIR_NONE;
}

static bool
sc_waits_for_any(const struct zd_scstate *sc)
{
	return sc->kind == ZD_SC_IN &&
	       ((sc->nr == ZD_NR_WAIT4 && (int)sc->args[0] == -1) ||
		(sc->nr == ZD_NR_WAITID && sc->args[0] == ZD_P_ALL && (sc->args[3] & ZD_WEXITED)));
}

/* Is some thread of pid blocked in a wait for any child (wait4(-1), P_ALL)? */
static bool
waits_for_any(struct zd_scan_ctx *c, pid_t pid)
{
	const struct zd_pcache *e = pcache_get(c, pid);
	size_t i;

	if (e->gone)
		return false;
	if (sc_waits_for_any(&e->leader.sc))
		return true;
	for (i = 0; i < e->nthreads; i++)
		if (sc_waits_for_any(&e->threads[i].sc))
			return true;
	return false;
}

/* Does pid ignore SIGCHLD (then the kernel reaps its children at once)? */
static bool
sigchld_ignored(struct zd_scan_ctx *c, pid_t pid)
{
	const struct zd_pcache *e = pcache_get(c, pid);

	return !e->gone && e->has_status && e->ss.has_sig && (e->ss.sigign & ZD_SIGBIT(SIGCHLD));
}

/* Is pid PID 1 of its namespace? */
static bool
is_ns_init(struct zd_scan_ctx *c, pid_t pid)
{
	const struct zd_pcache *e = pcache_get(c, pid);

	if (e->has_status && e->ss.nspid_n > 0)
		return e->ss.nspid[e->ss.nspid_n - 1] == 1;
	return pid == 1;
}

static void
kill_parent_default(struct zd_scan_ctx *c, struct zd_zombie *z, const struct pview *p)
{
	const struct zd_pentry *r;

	if (p->ns_init && (p->level == 0 || z->ppid == 1)) {
		kill_parent(z, ZD_NO, "no: the parent is PID 1%s; it cannot be killed short of a reboot",
			    p->level ? " of its namespace" : "");
		if (p->level)
			kill_parent(z, ZD_YES, "yes, but killing PID 1 of a namespace ends the whole namespace (container): every process in it is killed and reaped");
		return;
	}
	if (p->ns_init) {
		kill_parent(z, ZD_YES, "yes, but the parent is PID 1 of its namespace: killing it ends the whole namespace (container), and every process in it is killed and reaped");
		return;
	}
	if (z->heir_source == ZD_HEIR_UNKNOWN) {
		kill_parent(z, ZD_UNKNOWN, "unknown: the zombie goes to the nearest ancestor with PR_SET_CHILD_SUBREAPER, else to %d (%s), and zdiag cannot read that flag here (%s)",
			    (int)z->heir_fallback.pid, z->heir_fallback.comm, zd_sr_error_str(c->sr_err));
		return;
	}
	if (!z->reaper) {
		kill_parent(z, ZD_UNKNOWN, "unknown: the parent's ancestors are not all visible, so the heir is unknown");
		return;
	}
	r = zd_scan_lookup(c, z->reaper);
	if (waits_for_any(c, z->reaper))
		kill_parent(z, ZD_YES, "yes: %d (%s) inherits it and is waiting for any child", (int)z->reaper,
			    z->reaper_comm);
	else if (sigchld_ignored(c, z->reaper))
		kill_parent(z, ZD_YES, "yes: %d (%s) inherits it and ignores SIGCHLD, so the kernel reaps it on the spot",
			    (int)z->reaper, z->reaper_comm);
	else if (r && is_ns_init(c, z->reaper) && in_list(r->comm, known_inits, ZD_ARRAY_SIZE(known_inits)))
		kill_parent(z, ZD_YES, "yes: %d (%s) inherits it, and %s reaps orphans", (int)z->reaper,
			    z->reaper_comm, z->reaper_comm);
	else
		kill_parent(z, ZD_UNKNOWN, "unknown: %d (%s) inherits it, but it is not in a wait now; it reaps the zombie only if it waits for its children",
			    (int)z->reaper, z->reaper_comm);
}

static void
parent_evidence(struct zd_zombie *z, const struct pview *p)
{
	evidence(z, "parent %d (%s): state %c (%s), %s%s%s%s", (int)z->ppid, p->st.comm, p->st.state,
		 zd_state_name(p->st.state), z->parent_doing,
		 p->wait_tid && p->wait_tid != z->ppid ? " (in one of its threads)" : "",
		 z->parent.wchan[0] ? ", wchan " : "", z->parent.wchan);
}

static void
sig_evidence(struct zd_zombie *z, const struct pview *p)
{
	const char *disp;
	uint64_t bit = ZD_SIGBIT(SIGCHLD);

	if (!p->has_status || !p->ss.has_sig)
		return;
	disp = (p->ss.sigign & bit) ? "ignored (SIG_IGN)" : (p->ss.sigcgt & bit) ? "caught by a handler" : "default (SIG_DFL)";
	evidence(z, "parent SIGCHLD: %s%s%s", disp,
		 (p->ss.sigblk & bit) ? ", blocked" : "",
		 ((p->ss.sigpnd | p->ss.shdpnd) & bit) ? ", pending" : "");
}

/* Does the parent read SIGCHLD through a signalfd?  Returns its fd or -1. */
static int
find_sigchld_signalfd(struct zd_scan_ctx *c, pid_t pid)
{
	struct zd_pcache *e = (struct zd_pcache *)pcache_get(c, pid);
	pid_t *fds = NULL;
	size_t n = 0, i;

	int dfd;

	if (e->signalfd != -2)
		return e->signalfd;
	e->signalfd = -1;
	dfd = e->gone ? -1 : zd_proc_open_pid(c->pfs, pid);
	if (dfd < 0 || zd_proc_list(dfd, "fd", &fds, &n) < 0)
		n = 0;
	for (i = 0; i < n && e->signalfd < 0; i++) {
		char path[48], link[64], buf[512];
		ssize_t l;
		char *m;

		snprintf(path, sizeof(path), "fd/%d", (int)fds[i]);
		l = readlinkat(dfd, path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (strcmp(link, "anon_inode:[signalfd]"))
			continue;
		snprintf(path, sizeof(path), "fdinfo/%d", (int)fds[i]);
		if (zd_read_small(dfd, path, buf, sizeof(buf)) <= 0)
			continue;
		m = strstr(buf, "sigmask:");
		if (m && (strtoull(m + 8, NULL, 16) & ZD_SIGBIT(SIGCHLD)))
			e->signalfd = (int)fds[i];
	}
	free(fds);
	if (dfd >= 0)
		close(dfd);
	return e->signalfd;
}

static void
verdict_parent(struct zd_scan_ctx *c, struct zd_zombie *z, const struct zinfo *zi)
{
	struct pview p;
	uint64_t bit = ZD_SIGBIT(SIGCHLD);
	enum zd_tristate psr;
	const char *pc;
	char frame[160];

	if (z->ppid == 0) {
		verdict(z, ZD_CAUSE_PARENT_NOT_VISIBLE,
			"its parent is outside this PID namespace (ppid 0), so zdiag cannot see who should reap it");
		advise(z, "scan from the parent PID namespace (for a container, from the host)");
		kill_parent(z, ZD_UNKNOWN, "unknown: the parent is not visible");
		return;
	}
	examine(c, z->ppid, zi, false, &p);
	if (!p.seen) {
		verdict(z, ZD_CAUSE_TRANSIENT, "its parent %d has just exited; the zombie is being reparented",
			(int)z->ppid);
		advise(z, "nothing yet: scan again to see its new parent");
		kill_parent(z, ZD_UNKNOWN, "the parent is already gone");
		pview_release(&p);
		return;
	}
	pc = p.st.comm;
	z->parent_seen = true;
	z->parent = p.leader;
	memset(&p.leader, 0, sizeof(p.leader));
	z->parent.state = p.st.state;
	z->parent_waiting = p.any_wait;
	z->parent_doing = p.wait_desc ? zd_xstrdup(p.wait_desc) : describe_sc_w(&z->parent, false);
	find_reaper(c, z, &p);

	parent_evidence(z, &p);
	if (z->exit_signal > 0 && z->exit_signal != SIGCHLD)
		evidence(z, "exit signal %s, not SIGCHLD: only a wait with __WALL or __WCLONE sees it",
			 zd_signame(z->exit_signal));
	sig_evidence(z, &p);

	kill_parent_default(c, z, &p);

	if (p.st.state == 'T' || p.st.state == 't' || z->parent.frozen) {
		if (z->parent.frozen) {
			verdict(z, ZD_CAUSE_PARENT_STOPPED, "parent %d (%s) is frozen by a cgroup freezer, so it cannot run its wait",
				(int)z->ppid, pc);
			if (z->parent.frozen_by && strstr(z->parent.frozen_by, "freezer.state"))
				advise(z, "thaw the parent's cgroup: echo THAWED > %s", z->parent.frozen_by);
			else if (z->parent.frozen_by)
				advise(z, "thaw the parent's cgroup: echo 0 > %s", z->parent.frozen_by);
			else
				advise(z, "thaw the parent's cgroup (cgroup.freeze / freezer.state)");
			kill_parent(z, ZD_NO, "no: a frozen task does not act on SIGKILL until it is thawed");
		} else if (p.st.state == 't') {
			verdict(z, ZD_CAUSE_PARENT_STOPPED, "parent %d (%s) is in a ptrace stop (state t), so it cannot run its wait",
				(int)z->ppid, pc);
			if (p.has_status && p.ss.tracer) {
				const struct zd_pcache *tr = pcache_get(c, p.ss.tracer);
				const char *tc = tr->gone ? "?" : tr->st.comm;

				evidence(z, "parent is traced by %d (%s)", (int)p.ss.tracer, tc);
				advise(z, "the parent's tracer %d (%s) must continue it or detach (e.g. 'continue' in gdb, or quit strace); killing the tracer %d also lets the parent run",
				       (int)p.ss.tracer, tc, (int)p.ss.tracer);
			} else {
				advise(z, "the parent's tracer (not visible from this PID namespace: TracerPid 0) must continue it or detach");
			}
		} else {
			verdict(z, ZD_CAUSE_PARENT_STOPPED, "parent %d (%s) is stopped (state T), so it cannot run its wait",
				(int)z->ppid, pc);
			advise(z, "resume the parent: kill -CONT %d", (int)z->ppid);
		}
		pview_release(&p);
		return;
	}
	if (p.wait == W_MATCH) {
		verdict(z, ZD_CAUSE_TRANSIENT, "parent %d (%s) is in %s, which will reap it", (int)z->ppid, pc,
			p.wait_desc);
		advise(z, "nothing to do: it is about to be reaped");
		kill_parent(z, ZD_NO, "not needed");
		pview_release(&p);
		return;
	}
	if (p.st.state == 'D') {
		first_stack_frame(z->parent.stack, frame, sizeof(frame));
		verdict(z, ZD_CAUSE_PARENT_IN_D, "parent %d (%s) is blocked in the kernel (D state%s%s), so it cannot run its wait",
			(int)z->ppid, pc, z->parent.wchan[0] || frame[0] ? ", in " : "",
			z->parent.wchan[0] ? z->parent.wchan : frame);
		if (z->parent.stack && *z->parent.stack)
			evidence(z, "parent kernel stack: %s", z->parent.stack);
		advise(z, "find what the parent waits for in the kernel (see its kernel stack) and fix it (storage, NFS/FUSE, driver); kill -KILL %d only works if the wait is killable",
		       (int)z->ppid);
		pview_release(&p);
		return;
	}
	if ((p.st.flags & ZD_PF_EXITING) && p.st.state != 'Z' && p.st.state != 'X') {
		/* exit_notify() is about to hand the zombie to the heir: a
		 * moment's state, not a stuck zombie (a parent stuck in D while
		 * exiting was caught above) */
		verdict(z, ZD_CAUSE_TRANSIENT, "its parent %d (%s) is exiting (PF_EXITING); the zombie is being reparented",
			(int)z->ppid, pc);
		advise(z, "nothing yet: scan again to see its new parent");
		kill_parent(z, ZD_NO, "not needed: the parent is already exiting");
		pview_release(&p);
		return;
	}
	if (p.any_wait && p.wait != W_NOT_WAITING) {
		switch (p.wait) {
		case W_OTHER_PID:
			verdict(z, ZD_CAUSE_PARENT_WAITS_FOR_OTHER, "parent %d (%s) is in %s, waiting for pid %d only",
				(int)z->ppid, pc, p.wait_desc, (int)p.wait_other);
			advise(z, "the parent waits for one specific child; it must also reap the others: waitpid(-1, &st, WNOHANG) in a loop, or a SIGCHLD handler that does");
			break;
		case W_OTHER_PGRP:
			verdict(z, ZD_CAUSE_PARENT_WAITS_FOR_OTHER, "parent %d (%s) is in %s, waiting for a process group this child is not in",
				(int)z->ppid, pc, p.wait_desc);
			advise(z, "the parent waits for another process group; reap every child: waitpid(-1, &st, WNOHANG) in a loop");
			break;
		case W_NEEDS_WALL:
			verdict(z, ZD_CAUSE_PARENT_WAITS_FOR_OTHER, "parent %d (%s) is in %s without __WALL/__WCLONE, but this child's exit signal is %s, not SIGCHLD, so that wait never sees it",
				(int)z->ppid, pc, p.wait_desc, zd_signame(z->exit_signal));
			advise(z, "wait with __WALL (or __WCLONE) for children cloned with an exit signal other than SIGCHLD, or create them with SIGCHLD");
			break;
		case W_CLONE_ONLY:
			verdict(z, ZD_CAUSE_PARENT_WAITS_FOR_OTHER, "parent %d (%s) is in %s: __WCLONE waits only for clone children, and this child exits with SIGCHLD",
				(int)z->ppid, pc, p.wait_desc);
			advise(z, "use __WALL to wait for every kind of child");
			break;
		case W_NOWAIT:
			verdict(z, ZD_CAUSE_PARENT_WAITS_FOR_OTHER, "parent %d (%s) is in %s: WNOWAIT only peeks and leaves the zombie in place",
				(int)z->ppid, pc, p.wait_desc);
			advise(z, "after waitid(..., WNOWAIT) the parent must reap with a wait without WNOWAIT");
			break;
		case W_NO_WEXITED:
			verdict(z, ZD_CAUSE_PARENT_WAITS_FOR_OTHER, "parent %d (%s) is in %s without WEXITED, so exited children are not reported",
				(int)z->ppid, pc, p.wait_desc);
			advise(z, "add WEXITED to the waitid options");
			break;
		default:
			break;
		}
		pview_release(&p);
		return;
	}
	if (p.has_status && p.ss.has_sig && (p.ss.sigign & bit)) {
		verdict(z, ZD_CAUSE_SIGCHLD_IGNORED, "parent %d (%s) ignores SIGCHLD (SIG_IGN), but this child died before that was set: Linux auto-reaps only children that exit afterwards",
			(int)z->ppid, pc);
		advise(z, "the parent must still wait() for this child; or kill the parent so the reaper inherits it");
		pview_release(&p);
		return;
	}
	if (p.has_status && p.ss.has_sig && (p.ss.sigblk & bit) && ((p.ss.sigpnd | p.ss.shdpnd) & bit)) {
		int sfd = find_sigchld_signalfd(c, z->ppid);

		if (sfd >= 0) {
			verdict(z, ZD_CAUSE_SIGNALFD_NOT_READ, "parent %d (%s) takes SIGCHLD through a signalfd (fd %d), and SIGCHLD is pending there unread",
				(int)z->ppid, pc, sfd);
			evidence(z, "parent fd %d is a signalfd whose mask includes SIGCHLD", sfd);
			advise(z, "application bug: the event loop must read the signalfd and reap with waitpid(-1, &st, WNOHANG) in a loop");
		} else if (p.ss.sigcgt & bit) {
			verdict(z, ZD_CAUSE_SIGCHLD_BLOCKED, "parent %d (%s) has SIGCHLD blocked and pending, so its SIGCHLD handler cannot run, and it is not waiting",
				(int)z->ppid, pc);
			advise(z, "the parent must unblock SIGCHLD (sigprocmask) so its handler runs and reaps, or collect it with sigwaitinfo/signalfd and reap");
		} else {
			verdict(z, ZD_CAUSE_SIGCHLD_BLOCKED, "parent %d (%s) has SIGCHLD blocked and pending with no handler installed, and it is not waiting: nothing in it collects the signal or reaps the child",
				(int)z->ppid, pc);
			advise(z, "the parent blocks SIGCHLD, presumably to collect it with sigwaitinfo/signalfd, but does not: it must do that and reap with waitpid(-1, &st, WNOHANG) in a loop");
		}
		pview_release(&p);
		return;
	}
	if (p.ns_init) {
		bool known = in_list(pc, known_inits, ZD_ARRAY_SIZE(known_inits));

		verdict(z, ZD_CAUSE_INIT_NOT_REAPING, "parent %d (%s) is PID 1 of %s and is not reaping%s",
			(int)z->ppid, pc, p.level ? "its PID namespace" : "this PID namespace",
			known ? "" : ": orphans in a container without an init end up here");
		if (p.has_status && p.ss.nspid_n > 1)
			evidence(z, "parent NSpid: %d ... 1 (PID 1 of a nested namespace)", (int)p.ss.nspid[0]);
		if (known)
			advise(z, "%s normally reaps orphans but is not in a wait now; if this persists, it is stuck or busy (check it with zdiag trace -p %d)",
			       pc, (int)z->ppid);
		else
			advise(z, "run a real init as PID 1: docker run --init (or podman --init), or tini / dumb-init as the entrypoint (tini -s when it cannot be PID 1); or make %s reap with waitpid(-1, &st, WNOHANG) on SIGCHLD",
			       pc);
		pview_release(&p);
		return;
	}
	if (p.sc_unreadable && !p.any_wait) {
		verdict(z, ZD_CAUSE_UNDETERMINED, "cannot tell whether parent %d (%s) is waiting: its /proc syscall file is unreadable",
			(int)z->ppid, pc);
		advise(z, "run zdiag scan as root (or with CAP_SYS_PTRACE) to read the parent's syscall");
		pview_release(&p);
		return;
	}
	psr = is_subreaper(c, z->ppid);
	if (psr == ZD_YES || (psr == ZD_UNKNOWN && in_list(pc, known_subreapers, ZD_ARRAY_SIZE(known_subreapers)))) {
		if (psr == ZD_YES) {
			verdict(z, ZD_CAUSE_SUBREAPER_NOT_REAPING, "parent %d (%s) is a child subreaper (orphans are reparented to it) and is not reaping",
				(int)z->ppid, pc);
			evidence(z, "parent %d has PR_SET_CHILD_SUBREAPER set (read from the kernel with BPF)", (int)z->ppid);
		} else {
			verdict(z, ZD_CAUSE_SUBREAPER_NOT_REAPING, "parent %d (%s) is probably a child subreaper (%s is a known subreaper; the flag itself is not visible in /proc) and is not reaping",
				(int)z->ppid, pc, pc);
		}
		advise(z, "%s should reap the orphans it adopts (waitpid(-1, &st, WNOHANG) in a loop on SIGCHLD); restart or fix it", pc);
		pview_release(&p);
		return;
	}
	if (p.has_status && p.ss.has_sig && (p.ss.sigcgt & bit)) {
		verdict(z, ZD_CAUSE_HANDLER_MISSED, "parent %d (%s) catches SIGCHLD, but its handler did not reap this child and the parent is not waiting (one SIGCHLD can stand for several exits)",
			(int)z->ppid, pc);
		advise(z, "reap in a loop in the handler or event loop: while (waitpid(-1, &st, WNOHANG) > 0) ; kill -CHLD %d retries the handler once",
		       (int)z->ppid);
		pview_release(&p);
		return;
	}
	verdict(z, ZD_CAUSE_PARENT_NOT_WAITING, "parent %d (%s) is alive but not in wait4/waitid: it is %s%s",
		(int)z->ppid, pc, z->parent.sc.kind == ZD_SC_IN ? "in " : "",
		z->parent.sc.kind == ZD_SC_IN || z->parent.sc.kind == ZD_SC_RUNNING || z->parent.sc.kind == ZD_SC_NONE ?
		z->parent_doing : "doing something unknown (its syscall file is unreadable)");
	if (z->reaper)
		advise(z, "fix the parent to reap its children (a waitpid loop, a SIGCHLD handler, SA_NOCLDWAIT, or double-fork). kill -CHLD does not help while SIGCHLD is SIG_DFL. Killing the parent hands the zombie to %d (%s)",
		       (int)z->reaper, z->reaper_comm);
	else
		advise(z, "fix the parent to reap its children (a waitpid loop, a SIGCHLD handler, SA_NOCLDWAIT, or double-fork). kill -CHLD does not help while SIGCHLD is SIG_DFL");
	pview_release(&p);
}

static void
verdict_tracer(struct zd_scan_ctx *c, struct zd_zombie *z, const struct zinfo *zi, bool *done)
{
	struct pview t;

	*done = false;
	examine(c, z->tracer, zi, true, &t);
	if (!t.seen) {
		pview_release(&t);
		return;
	}
	memcpy(z->tracer_comm, t.st.comm, sizeof(z->tracer_comm));
	z->tracer_task = t.leader;
	memset(&t.leader, 0, sizeof(t.leader));
	z->tracer_task.state = t.st.state;
	evidence(z, "traced by %d (%s): state %c (%s), %s", (int)z->tracer, t.st.comm, t.st.state,
		 zd_state_name(t.st.state), t.wait_desc ? t.wait_desc : "unknown");
	if (t.wait == W_MATCH && t.st.state != 'T' && t.st.state != 't') {
		verdict(z, ZD_CAUSE_TRANSIENT, "its tracer %d (%s) is in %s, which will collect it",
			(int)z->tracer, t.st.comm, t.wait_desc);
		advise(z, "nothing to do: the tracer is about to collect it");
		kill_parent(z, ZD_NO, "not needed");
	} else {
		struct pview p;

		verdict(z, ZD_CAUSE_TRACED, "traced by %d (%s), which is not waiting for it: an exited tracee is reported to its tracer first, and parent %d cannot reap it until the tracer does or detaches",
			(int)z->tracer, t.st.comm, (int)z->ppid);
		/* What happens next depends on the parent: is it in a wait that
		 * would reap the zombie once the tracer lets go? */
		examine(c, z->ppid, zi, false, &p);
		if (p.seen && p.wait == W_MATCH)
			advise(z, "make the tracer collect or detach it (continue/quit the debugger or strace), or kill the tracer %d: then parent %d, which is in %s, reaps it",
			       (int)z->tracer, (int)z->ppid, p.wait_desc);
		else if (p.seen)
			advise(z, "make the tracer detach it (continue/quit the debugger or strace), or kill the tracer %d: the zombie then goes back to parent %d, which must still reap it and is not in a wait for it now",
			       (int)z->tracer, (int)z->ppid);
		else
			advise(z, "make the tracer detach it (continue/quit the debugger or strace), or kill the tracer %d",
			       (int)z->tracer);
		pview_release(&p);
		kill_parent(z, ZD_NO, "no: the tracer %d still holds it", (int)z->tracer);
	}
	*done = true;
	pview_release(&t);
}

/* For verdicts decided elsewhere: still report the parent and the reaper. */
static void
describe_parent(struct zd_scan_ctx *c, struct zd_zombie *z, const struct zinfo *zi, bool with_evidence)
{
	struct pview p;

	if (!z->ppid)
		return;
	examine(c, z->ppid, zi, false, &p);
	if (p.seen) {
		z->parent_seen = true;
		z->parent = p.leader;
		memset(&p.leader, 0, sizeof(p.leader));
		z->parent.state = p.st.state;
		z->parent_waiting = p.any_wait;
		z->parent_doing = p.wait_desc ? zd_xstrdup(p.wait_desc) : describe_sc_w(&z->parent, false);
		if (with_evidence)
			parent_evidence(z, &p);
		find_reaper(c, z, &p);
	}
	pview_release(&p);
}

/* Where zdiag reap can do it, say so after the remedy. */
static void
suggest_reap(struct zd_zombie *z)
{
	char *a = z->advice;

	z->reapable = zd_cause_reapable(z->cause);
	if (!z->reapable)
		return;
	z->advice = NULL;
	if (a)
		advise(z, "%s. Or reap it now without killing %s: zdiag reap %d", a,
		       z->cause == ZD_CAUSE_TRACED ? "anything" : "the parent", (int)z->pid);
	else
		advise(z, "reap it now without killing the parent: zdiag reap %d", (int)z->pid);
	free(a);
}

void
zd_verdict_decide(struct zd_scan_ctx *c, struct zd_zombie *z, int dirfd, const struct zd_stat *st)
{
	struct zd_status ss;
	struct zinfo zi;
	size_t nd = 0;
	bool done;

	memset(&zi, 0, sizeof(zi));
	zi.pid = z->pid;
	zi.pgrp = st->pgrp;
	zi.exit_signal = st->exit_signal < 0 ? SIGCHLD : st->exit_signal;
	z->ppid = st->ppid;
	if (zd_proc_read_status(dirfd, &ss) == 0) {
		memcpy(zi.nspid, ss.nspid, sizeof(zi.nspid));
		zi.nspid_n = ss.nspid_n;
		memcpy(zi.nspgid, ss.nspgid, sizeof(zi.nspgid));
		zi.nspgid_n = ss.nspgid_n;
		if (ss.nspid_n > 0) {
			z->nspid = ss.nspid[ss.nspid_n - 1];
			z->ns_level = ss.nspid_n - 1;
		}
		if (ss.tracer && ss.tracer != st->ppid)
			z->tracer = ss.tracer;
	}
	if (z->has_wait_status) {
		char ws[96];

		zd_wait_status_str(z->wait_status, ws, sizeof(ws));
		evidence(z, "exit status: %s", ws);
	}
	if (c->opts->settle_ms > 0)
		evidence(z, "still a zombie after the %d ms settle interval", c->opts->settle_ms);

	if (st->num_threads > 1) {
		collect_threads(c, z, dirfd, &nd);
		z->live_threads = (long)z->n_blockers;
	}
	if (z->n_blockers) {
		verdict_threads(c, z, nd);
		describe_parent(c, z, &zi, true);
	} else if (z->tracer && (verdict_tracer(c, z, &zi, &done), done)) {
		describe_parent(c, z, &zi, false);
	} else {
		verdict_parent(c, z, &zi);
	}
	suggest_reap(z);
}
