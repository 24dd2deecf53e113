/*
 * zdiag scan: walk the proc root, find zombies, and decide for each one why
 * it is not being reaped (the verdict logic is in verdict.c).
 *
 * Cost model: one stat read per process (openat, read, close on the proc
 * root fd, getdents amortised); task/ only for zombie leaders with threads,
 * or for every multi-threaded process when a full D-state count is asked
 * for.  Everything else is read only for zombies, their parents, tracers
 * and ancestors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "scan-int.h"
#include "zdiag/xalloc.h"

static int
cmp_pentry(const void *a, const void *b)
{
	pid_t x = ((const struct zd_pentry *)a)->pid, y = ((const struct zd_pentry *)b)->pid;

	return (x > y) - (x < y);
}

const struct zd_pentry *
zd_scan_lookup(const struct zd_scan_ctx *c, pid_t pid)
{
	struct zd_pentry key = { .pid = pid };

	if (!c->npe)
		return NULL;
	return bsearch(&key, c->pe, c->npe, sizeof(*c->pe), cmp_pentry);
}

void
zd_scan_note_d(struct zd_scan_ctx *c, pid_t pid, pid_t tid)
{
	size_t i;

	for (i = 0; i < c->nd; i++)
		if (c->dv[i].tid == tid)
			return;
	ZD_GROW(c->dv, c->ad, c->nd + 1);
	c->dv[c->nd].pid = pid;
	c->dv[c->nd].tid = tid;
	c->nd++;
}

/* Read task/TID/stat of every non-leader thread of pid; note D threads. */
static void
walk_tasks(struct zd_scan_ctx *c, pid_t pid)
{
	char path[64];
	pid_t *tids;
	size_t n, i;
	int r;

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	r = zd_proc_list(c->pfs->rootfd, path, &tids, &n);
	if (r < 0) {
		/* A process that exited has no threads to count; any other
		 * failure (EACCES, EIO) leaves its threads unseen. */
		if (!zd_proc_gone(r))
			c->s->d_state_complete = false;
		return;
	}
	for (i = 0; i < n; i++) {
		char buf[2048];
		struct zd_stat st;
		ssize_t len;

		if (tids[i] == pid)
			continue;
		snprintf(path, sizeof(path), "%d/task/%d/stat", (int)pid, (int)tids[i]);
		len = zd_read_small(c->pfs->rootfd, path, buf, sizeof(buf));
		if (len <= 0 || zd_stat_parse(buf, (size_t)len, &st) < 0)
			continue;
		if (st.state == 'D')
			zd_scan_note_d(c, pid, tids[i]);
	}
	free(tids);
}

static int
walk(struct zd_scan_ctx *c)
{
	struct zd_scan *s = c->s;
	bool threads = c->opts->all || c->opts->walk_threads, kthreads = false;
	pid_t *pids;
	size_t n, i;
	int r;

	r = zd_proc_list(c->pfs->rootfd, ".", &pids, &n);
	if (r < 0)
		return r;
	c->pe = zd_xcalloc(n ? n : 1, sizeof(*c->pe));
	s->d_state_complete = threads; /* until a thread list cannot be read */
	for (i = 0; i < n; i++) {
		struct zd_pentry *e = &c->pe[c->npe];
		char path[32], buf[2048];
		struct zd_stat st;
		ssize_t len;

		snprintf(path, sizeof(path), "%d/stat", (int)pids[i]);
		len = zd_read_small(c->pfs->rootfd, path, buf, sizeof(buf));
		if (len < 0) {
			if (zd_proc_gone((int)len))
				s->vanished++;
			else
				s->malformed++;
			continue;
		}
		if (zd_stat_parse(buf, (size_t)len, &st) < 0 || st.pid != pids[i]) {
			s->malformed++;
			continue;
		}
		e->pid = st.pid;
		e->ppid = st.ppid;
		e->pgrp = st.pgrp;
		e->state = st.state;
		e->num_threads = st.num_threads > 0 ? st.num_threads : 1;
		e->starttime = st.starttime;
		e->exit_signal = st.exit_signal;
		e->flags = st.flags;
		memcpy(e->comm, st.comm, sizeof(e->comm));
		c->npe++;
		s->processes++;
		s->threads += (size_t)e->num_threads;
		if (st.state == 'D')
			zd_scan_note_d(c, st.pid, st.pid);
		if (st.flags & ZD_PF_KTHREAD)
			kthreads = true;
		if (threads && e->num_threads > 1)
			walk_tasks(c, st.pid);
	}
	free(pids);
	/* Kernel threads live in the initial PID namespace only: a live proc
	 * root that shows none is a nested namespace (unless hidepid hides
	 * them from us). */
	s->pidns_nested = !c->pfs->live || s->hidepid_limits ? ZD_UNKNOWN : kthreads ? ZD_NO : ZD_YES;
	return 0;
}

/* Is the proc root mounted with hidepid/subset=pid (see the note in scope)? */
static void
detect_hidepid(struct zd_scan_ctx *c)
{
	struct zd_sb mi = ZD_SB_INIT;
	char root[4096];
	const char *line;
	ssize_t rl;
	char link[64];

	if (!c->pfs->live)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", c->pfs->rootfd);
	rl = readlink(link, root, sizeof(root) - 1);
	if (rl <= 0)
		return;
	root[rl] = '\0';
	if (zd_read_file(AT_FDCWD, "/proc/self/mountinfo", &mi) < 0) {
		zd_sb_release(&mi);
		return;
	}
	/* Fields: id parent maj:min root mountpoint opts ... - fstype source superopts */
	for (line = mi.buf; line && *line;) {
		const char *nl = strchr(line, '\n');
		char mp[4096], fstype[64], super[512];
		const char *dash = strstr(line, " - ");

		if (dash && (!nl || dash < nl) &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
		    sscanf(dash + 3, "%63s %*s %511s", fstype, super) == 2 &&
		    !strcmp(fstype, "proc") && !strcmp(mp, root)) {
			const char *h = strstr(super, "hidepid=");
			c->s->hidepid[0] = '\0';
			if (h) {
				size_t k = strcspn(h + 8, ",");
				snprintf(c->s->hidepid, sizeof(c->s->hidepid), "%.*s", (int)k, h + 8);
				if (!strcmp(c->s->hidepid, "0") || !strcmp(c->s->hidepid, "off"))
					c->s->hidepid[0] = '\0';
			}
			if (strstr(super, "subset=pid") && !c->s->hidepid[0])
				snprintf(c->s->hidepid, sizeof(c->s->hidepid), "subset=pid");
		}
		line = nl ? nl + 1 : NULL;
	}
	c->s->hidepid_limits = c->s->hidepid[0] && strcmp(c->s->hidepid, "subset=pid") &&
			       c->s->euid != 0;
	zd_sb_release(&mi);
}

static void
read_pressure(struct zd_scan_ctx *c)
{
	struct zd_scan *s = c->s;

	if (zd_procfs_tasks_total(c->pfs, &s->tasks) < 0)
		s->tasks = 0;
	if (zd_read_ull(c->pfs->rootfd, "sys/kernel/pid_max", &s->pid_max) < 0)
		s->pid_max = 0;
	if (zd_read_ull(c->pfs->rootfd, "sys/kernel/threads-max", &s->threads_max) < 0)
		s->threads_max = 0;
}

/* Seconds since boot in the proc root's view (-1: unknown). */
static double
read_uptime(const struct zd_procfs *pfs)
{
	char buf[128];
	ssize_t n = zd_read_small(pfs->rootfd, "uptime", buf, sizeof(buf));
	char *end;
	double up;

	if (n <= 0)
		return -1;
	up = strtod(buf, &end);
	return end == buf || up < 0 ? -1 : up;
}

static int
cmp_count(const void *a, const void *b)
{
	const struct zd_parent_count *x = a, *y = b;

	if (x->zombies != y->zombies)
		return x->zombies < y->zombies ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void
top_parents(struct zd_scan_ctx *c)
{
	struct zd_scan *s = c->s;
	struct zd_parent_count *v = NULL;
	size_t n = 0, a = 0, i, k;

	for (i = 0; i < s->nz; i++) {
		const struct zd_zombie *z = &s->zv[i];

		if (!z->stuck)
			continue;
		for (k = 0; k < n; k++)
			if (v[k].pid == z->ppid)
				break;
		if (k == n) {
			const struct zd_pentry *pe = zd_scan_lookup(c, z->ppid);

			ZD_GROW(v, a, n + 1);
			memset(&v[n], 0, sizeof(v[n]));
			v[n].pid = z->ppid;
			if (pe)
				memcpy(v[n].comm, pe->comm, sizeof(v[n].comm));
			n++;
		}
		v[k].zombies++;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_count);
	s->ntop = ZD_MIN(n, ZD_ARRAY_SIZE(s->top));
	for (i = 0; i < s->ntop; i++)
		s->top[i] = v[i];
	free(v);
}

/* --all: details of every D-state thread, grouped by identical kernel stack. */
static void
hung_groups(struct zd_scan_ctx *c)
{
	struct zd_scan *s = c->s;
	size_t i, g, ag = 0;

	for (i = 0; i < c->nd; i++) {
		struct zd_task t;
		char path[64];
		const char *key;
		char keybuf[160];
		int fd;

		snprintf(path, sizeof(path), "%d/task/%d", (int)c->dv[i].pid, (int)c->dv[i].tid);
		fd = openat(c->pfs->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && c->dv[i].pid == c->dv[i].tid) /* trees without task/ */
			fd = zd_proc_open_pid(c->pfs, c->dv[i].pid);
		if (fd < 0)
			continue;
		memset(&t, 0, sizeof(t));
		t.pid = c->dv[i].pid;
		t.tid = c->dv[i].tid;
		if (zd_scan_task_detail(c, fd, &t, true) < 0 || t.state != 'D') {
			close(fd);
			zd_task_release(&t);
			continue;
		}
		close(fd);
		if (t.stack && *t.stack) {
			key = t.stack;
		} else {
			snprintf(keybuf, sizeof(keybuf), "wchan %s", t.wchan[0] ? t.wchan : "?");
			key = keybuf;
		}
		for (g = 0; g < s->nhung; g++)
			if (!strcmp(s->hung[g].key, key))
				break;
		if (g == s->nhung) {
			ZD_GROW(s->hung, ag, s->nhung + 1);
			memset(&s->hung[g], 0, sizeof(s->hung[g]));
			s->hung[g].key = zd_xstrdup(key);
			s->nhung++;
		}
		s->hung[g].tasks = zd_xrealloc(s->hung[g].tasks, (s->hung[g].n + 1) * sizeof(t));
		s->hung[g].tasks[s->hung[g].n++] = t;
	}
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * How many zombies may be pinned by a held directory fd at once: a quarter
 * of the fd limit, at most 256; the rest are re-opened one at a time and
 * re-identified by (pid, starttime).
 */
static size_t
held_budget(void)
{
	struct rlimit rl;
	size_t n = 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < n)
		n = (size_t)(rl.rlim_cur / 4);
	return n;
}

/*
 * Open the zombie's directory and check it is still the same zombie (pid,
 * starttime).  Returns 0 with w->dirfd and w->st set; -ESRCH/-ENOENT when it
 * is gone or replaced; another -errno when it cannot be opened (EMFILE).
 */
static int
pin_zombie(struct zd_scan_ctx *c, const struct zd_pentry *e, struct zd_zwork *w)
{
	int fd = zd_proc_open_pid(c->pfs, e->pid), r;

	w->dirfd = -1;
	if (fd < 0)
		return fd;
	r = zd_proc_read_stat(fd, &w->st);
	if (r == 0 && (w->st.starttime != e->starttime || w->st.state != 'Z'))
		r = -ESRCH; /* reaped, and the pid reused */
	if (r < 0) {
		close(fd);
		return r;
	}
	w->dirfd = fd;
	return 0;
}

int
zd_scan_load_subreapers(struct zd_scan_ctx *c)
{
	char link[32];
	ssize_t n;

	if (c->opts->no_bpf)
		return -ECANCELED;
	if (!c->pfs->live)
		return -EXDEV;
	/* the iterator sees the caller's namespace: only the proc root of
	 * that namespace has a /proc/self that names the caller */
	n = readlinkat(c->pfs->rootfd, "self", link, sizeof(link) - 1);
	if (n <= 0)
		return -EXDEV;
	link[n] = '\0';
	if (strtol(link, NULL, 10) != (long)getpid())
		return -EXDEV;
	return zd_subreaper_read(&c->sr);
}

/* The -p target when it is not a zombie: its stat, for a one-line answer. */
static void
read_target(struct zd_scan_ctx *c)
{
	struct zd_scan *s = c->s;
	pid_t pid = c->opts->only_pid;
	int fd = zd_proc_open_pid(c->pfs, pid);

	if (fd < 0)
		return;
	if (zd_proc_read_stat(fd, &s->target) == 0) {
		struct zd_status st;

		s->target_found = true;
		if (zd_proc_read_status(fd, &st) == 0 && st.tgid && st.tgid != pid)
			s->target_is_thread = true;
	}
	close(fd);
}

int
zd_scan_run(const struct zd_procfs *pfs, const struct zd_scan_opts *opts, struct zd_scan *s)
{
	struct zd_scan_ctx c;
	struct zd_zwork *zw = NULL;
	size_t nzw = 0, nheld = 0, held_max, i;
	double uptime;
	long hz;
	int r;

	memset(s, 0, sizeof(*s));
	memset(&c, 0, sizeof(c));
	c.pfs = pfs;
	c.opts = opts;
	c.s = s;
	s->euid = geteuid();
	detect_hidepid(&c);
	read_pressure(&c);
	r = walk(&c);
	if (r < 0)
		goto out;
	if (opts->only_pid)
		read_target(&c);

	/*
	 * Candidates: zombies in the table.  The first ZD_HELD_MAX are pinned by
	 * a held directory fd (reads through it fail with ESRCH once reaped,
	 * even if the pid is reused); the rest are re-identified by
	 * (pid, starttime) so that fd use stays bounded.
	 */
	held_max = held_budget();
	zw = zd_xcalloc(c.npe ? c.npe : 1, sizeof(*zw));
	for (i = 0; i < c.npe; i++) {
		const struct zd_pentry *e = &c.pe[i];
		struct zd_zwork *w = &zw[nzw];

		if (e->state != 'Z')
			continue;
		if (opts->only_pid && e->pid != opts->only_pid)
			continue;
		w->pe = e;
		w->dirfd = -1;
		if (nheld < held_max) {
			r = pin_zombie(&c, e, w);
			if (zd_proc_gone(r))
				continue; /* already gone */
			if (r == 0)
				nheld++;
			else
				held_max = nheld; /* out of fds: re-open the rest later */
		}
		nzw++;
	}

	if (nzw && opts->settle_ms > 0)
		sleep_ms(opts->settle_ms);

	s->zv = zd_xcalloc(nzw ? nzw : 1, sizeof(*s->zv));
	uptime = nzw ? read_uptime(pfs) : -1;
	hz = sysconf(_SC_CLK_TCK);
	for (i = 0; i < nzw; i++) {
		struct zd_zwork *w = &zw[i];
		struct zd_zombie *z;
		struct zd_stat now;
		int rr = 0;

		if (w->dirfd < 0) {
			rr = pin_zombie(&c, w->pe, w);
			if (zd_proc_gone(rr) && opts->settle_ms <= 0)
				continue; /* not pinned, and gone before we looked closer */
		}
		if (w->dirfd >= 0 && opts->settle_ms > 0) {
			rr = zd_proc_read_stat(w->dirfd, &now);
			if (rr == 0 && now.state != 'Z')
				rr = -ESRCH;
		} else {
			now = w->st;
		}
		z = &s->zv[s->nz++];
		w->z = z;
		zd_scan_zombie_init(&c, z, w->pe, w->dirfd >= 0 ? &w->st : NULL);
		z->age_s = -1;
		if (uptime >= 0 && hz > 0 && (double)z->starttime / (double)hz <= uptime)
			z->age_s = uptime - (double)z->starttime / (double)hz;
		if (zd_proc_gone(rr))
			zd_verdict_reaped(&c, z);
		else if (rr < 0)
			zd_verdict_unreadable(&c, z, rr);
		else
			zd_verdict_decide(&c, z, w->dirfd, &now);
		if (w->dirfd >= 0)
			close(w->dirfd);
		w->dirfd = -1;
		s->zombies++;
		s->by_cause[z->cause]++;
		if (z->stuck)
			s->stuck++;
	}
	top_parents(&c);
	s->d_state = c.nd;
	if (opts->all)
		hung_groups(&c);
	r = 0;
out:
	free(zw);
	zd_scan_cache_release(&c);
	zd_subreaper_release(&c.sr);
	free(c.pe);
	free(c.dv);
	zd_sb_release(&c.tmp);
	return r;
}

void
zd_task_release(struct zd_task *t)
{
	free(t->stack);
	free(t->frozen_by);
	t->stack = NULL;
	t->frozen_by = NULL;
}

void
zd_scan_release(struct zd_scan *s)
{
	size_t i, k;

	for (i = 0; i < s->nz; i++) {
		struct zd_zombie *z = &s->zv[i];

		free(z->headline);
		for (k = 0; k < z->n_evidence; k++)
			free(z->evidence[k]);
		free(z->evidence);
		free(z->advice);
		for (k = 0; k < z->n_blockers; k++)
			zd_task_release(&z->blockers[k]);
		free(z->blockers);
		zd_task_release(&z->parent);
		zd_task_release(&z->tracer_task);
		free(z->parent_doing);
		free(z->kill_parent_note);
	}
	free(s->zv);
	for (i = 0; i < s->nhung; i++) {
		for (k = 0; k < s->hung[i].n; k++)
			zd_task_release(&s->hung[i].tasks[k]);
		free(s->hung[i].tasks);
		free(s->hung[i].key);
	}
	free(s->hung);
	memset(s, 0, sizeof(*s));
}
