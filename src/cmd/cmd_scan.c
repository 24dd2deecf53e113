/* zdiag scan: explain every zombie that is not being reaped. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zdiag/cmd.h"
#include "zdiag/err.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/scan.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"
#include "zdiag/sysname.h"
#include "zdiag/xalloc.h"

enum {
	OPT_JSON = ZD_OPT_LONG,
	OPT_PROM,
	OPT_PROC_ROOT,
	OPT_SETTLE,
	OPT_WATCH,
	OPT_COUNT,
	OPT_COLOR,
	OPT_PROM_FILE,
	OPT_NO_BPF,
};

static const struct zd_opt scan_opts[] = {
	{ 'a', 'a', "all", ZD_ARG_NONE, NULL, "also list every D-state thread (hung tasks), grouped by kernel stack", NULL },
	{ 'p', 'p', "pid", ZD_ARG_REQ, "PID", "explain just this pid", "@pid" },
	{ OPT_JSON, 0, "json", ZD_ARG_NONE, NULL, "one JSON document (schema: docs/scan-json.md)", NULL },
	{ OPT_PROM, 0, "prom", ZD_ARG_NONE, NULL, "Prometheus text exposition (node_exporter textfile collector)", NULL },
	{ OPT_PROM_FILE, 0, "prom-file", ZD_ARG_REQ, "PATH", "write the Prometheus exposition to PATH atomically (PATH.tmp, then rename); exit 0 whatever is found", "@file" },
	{ OPT_PROC_ROOT, 0, "proc-root", ZD_ARG_REQ, "DIR", "read a /proc tree from DIR (fixtures, snapshots)", "@dir" },
	{ OPT_SETTLE, 0, "settle", ZD_ARG_REQ, "MS", "re-check zombies after MS milliseconds (default 200; 0: no re-check)", NULL },
	{ OPT_WATCH, 0, "watch", ZD_ARG_REQ, "SECS", "repeat every SECS seconds, showing zombies that appear and are reaped", NULL },
	{ OPT_COUNT, 0, "count", ZD_ARG_REQ, "N", "with --watch: stop after N scans", NULL },
	{ 'q', 'q', "quiet", ZD_ARG_NONE, NULL, "print nothing; only the exit status", NULL },
	{ OPT_NO_BPF, 0, "no-bpf", ZD_ARG_NONE, NULL, "do not read PR_SET_CHILD_SUBREAPER flags with BPF (heirs are then reported as uncertain)", NULL },
	{ 'x', 'x', "expand", ZD_ARG_NONE, NULL, "one block per zombie (default: zombies with the same parent and cause share one block)", NULL },
	{ OPT_COLOR, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never; NO_COLOR disables auto", "auto always never" },
	{ 0 },
};

enum fmt { FMT_TEXT, FMT_JSON, FMT_PROM };

struct scan_cli {
	enum fmt fmt;
	bool quiet;
	bool color;
	bool expand;
	const char *prom_file;
	long long watch_ms;
	long long count;
	struct zd_scan_opts so;
	const char *proc_root;
};

/* ---------------------------------------------------------------- */
/* Text                                                              */

struct out {
	struct zd_sb sb;
	bool color;
};

static const char *
col(const struct out *o, const char *code)
{
	return o->color ? code : "";
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"

/* Append untrusted text, escaped for the terminal. */
static void
put_esc(struct out *o, const char *s)
{
	zd_esc_cs(&o->sb, s ? s : "", 0);
}

static void
label(struct out *o, const char *name)
{
	zd_sb_addf(&o->sb, "  %s%-11s%s ", col(o, C_DIM), name, col(o, C_RESET));
}

static const char *
sc_state_name(const struct zd_task *t)
{
	switch (t->sc.kind) {
	case ZD_SC_IN: return "in-syscall";
	case ZD_SC_RUNNING: return "running";
	case ZD_SC_NONE: return "not-in-syscall";
	default: return "unreadable";
	}
}

static void
put_task_line(struct out *o, const struct zd_task *t)
{
	zd_sb_addf(&o->sb, "tid %d (", (int)t->tid);
	put_esc(o, t->comm);
	zd_sb_addf(&o->sb, ") %s%c%s", t->state == 'D' ? col(o, C_RED) : "", t->state,
		   t->state == 'D' ? col(o, C_RESET) : "");
	if (t->wchan[0]) {
		zd_sb_adds(&o->sb, ", wchan ");
		put_esc(o, t->wchan);
	}
	if (t->sc.kind == ZD_SC_IN) {
		const char *n = zd_sysname(t->sc.nr);
		if (n)
			zd_sb_addf(&o->sb, ", in %s()", n);
		else
			zd_sb_addf(&o->sb, ", in syscall %ld", t->sc.nr);
	} else if (t->sc.kind == ZD_SC_NONE) {
		zd_sb_adds(&o->sb, ", not in a syscall");
	} else if (t->sc_err) {
		zd_sb_adds(&o->sb, ", syscall unreadable");
	}
	if (t->sigkill_pending)
		zd_sb_addf(&o->sb, ", %sSIGKILL pending%s", col(o, C_RED), col(o, C_RESET));
	if (t->frozen)
		zd_sb_adds(&o->sb, ", frozen");
	zd_sb_addc(&o->sb, '\n');
}

static void
put_stack(struct out *o, const char *stack, int err, const char *indent)
{
	const char *line;

	if (!stack) {
		if (err == -EACCES || err == -EPERM)
			zd_sb_addf(&o->sb, "%skernel stack: unreadable (needs root)\n", indent);
		else if (err)
			zd_sb_addf(&o->sb, "%skernel stack: unavailable (%s)\n", indent, strerror(-err));
		return;
	}
	zd_sb_addf(&o->sb, "%skernel stack:\n", indent);
	for (line = stack; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		zd_sb_addf(&o->sb, "%s  ", indent);
		zd_esc_c(&o->sb, line, n, 0);
		zd_sb_addc(&o->sb, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
}

/* "STUCK", "transient", or "running" for a leader whose threads run on. */
static const char *
zombie_tag(const struct out *o, const struct zd_zombie *z, const char **color)
{
	*color = z->stuck ? col(o, C_RED) : col(o, C_GREEN);
	return z->stuck ? "STUCK" : z->cause == ZD_CAUSE_TRANSIENT ? "transient" : "running";
}

/* Everything of a zombie's block after its title line; `group` > 1 when
 * it stands for that many zombies of the same parent and cause. */
static void text_zombie_body(struct out *o, const struct zd_zombie *z, size_t group);

static void
text_zombie(struct out *o, const struct zd_zombie *z)
{
	const char *c;
	const char *tag = zombie_tag(o, z, &c);

	zd_sb_addf(&o->sb, "%s%s%s  zombie %d (", c, tag, col(o, C_RESET), (int)z->pid);
	put_esc(o, z->comm);
	zd_sb_addf(&o->sb, ")  %s%s%s\n", col(o, C_YELLOW), zd_cause_name(z->cause), col(o, C_RESET));
	text_zombie_body(o, z, 1);
}

static void
text_zombie_body(struct out *o, const struct zd_zombie *z, size_t group)
{
	size_t i;

	label(o, "why");
	put_esc(o, z->headline);
	zd_sb_addc(&o->sb, '\n');
	for (i = 0; i < z->n_blockers && i < 64; i++) {
		const struct zd_task *t = &z->blockers[i];

		label(o, i ? "" : (z->cause == ZD_CAUSE_BLOCKED_BY_D ? "blocker" : "threads"));
		put_task_line(o, t);
		if (t->state == 'D')
			put_stack(o, t->stack, t->stack_err, "              ");
	}
	if (z->n_blockers > 64)
		zd_sb_addf(&o->sb, "              ... and %zu more threads\n", z->n_blockers - 64);
	for (i = 0; i < z->n_evidence; i++) {
		label(o, i ? "" : "evidence");
		if (!i && group > 1)
			zd_sb_addf(&o->sb, "(zombie %d) ", (int)z->pid);
		put_esc(o, z->evidence[i]);
		zd_sb_addc(&o->sb, '\n');
	}
	label(o, "remedy");
	zd_sb_adds(&o->sb, col(o, C_BOLD));
	put_esc(o, z->advice);
	zd_sb_addf(&o->sb, "%s\n", col(o, C_RESET));
	if (z->stuck && z->kill_parent_note) {
		label(o, "kill parent");
		put_esc(o, z->kill_parent_note);
		zd_sb_addc(&o->sb, '\n');
	}
	if (z->stuck && z->reaper) {
		label(o, "reaper");
		zd_sb_addf(&o->sb, "if the parent dies, %d (", (int)z->reaper);
		put_esc(o, z->reaper_comm);
		zd_sb_adds(&o->sb, ") inherits it");
		if (z->heir_source == ZD_HEIR_BPF)
			zd_sb_adds(&o->sb, " (subreaper flags read from the kernel)");
		zd_sb_addc(&o->sb, '\n');
	} else if (z->stuck && z->heir_source == ZD_HEIR_UNKNOWN) {
		label(o, "heir");
		zd_sb_adds(&o->sb, "the nearest child subreaper among ancestors ");
		for (i = 0; i < z->n_heir_candidates; i++) {
			zd_sb_addf(&o->sb, "%s%d (", i ? ", " : "", (int)z->heir_candidates[i].pid);
			put_esc(o, z->heir_candidates[i].comm);
			zd_sb_adds(&o->sb, z->heir_candidates[i].known_subreaper ? ", a known subreaper name)" : ")");
		}
		if (z->heir_candidates_truncated)
			zd_sb_adds(&o->sb, ", ...");
		zd_sb_addf(&o->sb, " if any has PR_SET_CHILD_SUBREAPER (not visible in /proc), else %d (",
			   (int)z->heir_fallback.pid);
		put_esc(o, z->heir_fallback.comm);
		zd_sb_adds(&o->sb, ")\n");
	}
	zd_sb_addc(&o->sb, '\n');
}

static void
text_scope(struct out *o, const struct zd_scan *s)
{
	if (s->hidepid_limits)
		zd_sb_addf(&o->sb, "note: /proc is mounted with hidepid=%s: other users' processes are hidden from uid %u\n",
			   s->hidepid, (unsigned)s->euid);
	if (s->unreadable_syscall || s->unreadable_stack)
		zd_sb_addf(&o->sb, "note: not permitted to read %zu syscall file%s and %zu kernel stack%s (run as root for full evidence)\n",
			   s->unreadable_syscall, s->unreadable_syscall == 1 ? "" : "s",
			   s->unreadable_stack, s->unreadable_stack == 1 ? "" : "s");
	if (s->malformed)
		zd_sb_addf(&o->sb, "note: %zu stat file%s did not parse and %s skipped\n", s->malformed,
			   s->malformed == 1 ? "" : "s", s->malformed == 1 ? "was" : "were");
}

/*
 * Pids in use against pid_max, in one scope: pid_max is per PID namespace
 * and /proc/loadavg counts the whole host, so in a nested namespace the
 * numerator is what the walk saw there (zombies included).
 */
static unsigned long long
pids_in_use(const struct zd_scan *s)
{
	if (s->pidns_nested == ZD_YES || !s->tasks)
		return s->threads;
	return s->tasks;
}

static void
text_pressure(struct out *o, const struct zd_scan *s)
{
	size_t i;

	zd_sb_adds(&o->sb, "pid pressure: ");
	if (s->pidns_nested == ZD_YES) {
		zd_sb_addf(&o->sb, "this PID namespace: %zu threads, zombies included", s->threads);
		if (s->pid_max)
			zd_sb_addf(&o->sb, ", pid_max %llu (%.1f%%)", s->pid_max,
				   100.0 * (double)s->threads / (double)s->pid_max);
		zd_sb_adds(&o->sb, "; host:");
		if (s->tasks)
			zd_sb_addf(&o->sb, " %llu tasks in use", s->tasks);
		if (s->threads_max)
			zd_sb_addf(&o->sb, "%s threads-max %llu", s->tasks ? "," : "", s->threads_max);
	} else {
		if (s->tasks)
			zd_sb_addf(&o->sb, "%llu tasks in use (zombies included)", s->tasks);
		else
			zd_sb_addf(&o->sb, "%zu threads seen", s->threads);
		if (s->pid_max)
			zd_sb_addf(&o->sb, ", pid_max %llu (%.1f%%)", s->pid_max,
				   100.0 * (double)pids_in_use(s) / (double)s->pid_max);
		if (s->threads_max)
			zd_sb_addf(&o->sb, ", threads-max %llu", s->threads_max);
	}
	zd_sb_addc(&o->sb, '\n');
	if (s->ntop) {
		zd_sb_adds(&o->sb, "most stuck zombies held by:");
		for (i = 0; i < s->ntop; i++) {
			zd_sb_addf(&o->sb, "%s %d (", i ? "," : "", (int)s->top[i].pid);
			put_esc(o, s->top[i].comm);
			zd_sb_addf(&o->sb, ") %zu", s->top[i].zombies);
		}
		zd_sb_addc(&o->sb, '\n');
	}
}

static void
text_hung(struct out *o, const struct zd_scan *s)
{
	size_t g, k;

	if (!s->nhung) {
		zd_sb_adds(&o->sb, "no threads in D state\n\n");
		return;
	}
	zd_sb_addf(&o->sb, "%s%zu thread%s in D state%s, by kernel stack:\n", col(o, C_BOLD), s->d_state,
		   s->d_state == 1 ? "" : "s", col(o, C_RESET));
	for (g = 0; g < s->nhung; g++) {
		const struct zd_hung_group *h = &s->hung[g];

		zd_sb_addf(&o->sb, "  %zu thread%s:\n", h->n, h->n == 1 ? "" : "s");
		for (k = 0; k < h->n; k++) {
			zd_sb_addf(&o->sb, "    pid %d ", (int)h->tasks[k].pid);
			put_task_line(o, &h->tasks[k]);
		}
		put_stack(o, h->tasks[0].stack, h->tasks[0].stack_err, "    ");
	}
	zd_sb_addc(&o->sb, '\n');
}

/* ---- Many zombies of one parent: one block ---- */

/* The scan being rendered, for the qsort comparator below. */
static const struct zd_scan *block_scan;

/* Order of the text blocks: stuck first, then by parent, cause and pid, so
 * zombies sharing a block are adjacent. */
static int
cmp_block(const void *a, const void *b)
{
	const struct zd_zombie *x = &block_scan->zv[*(const size_t *)a], *y = &block_scan->zv[*(const size_t *)b];

	if (x->stuck != y->stuck)
		return x->stuck ? -1 : 1;
	if (x->ppid != y->ppid)
		return x->ppid < y->ppid ? -1 : 1;
	if (x->cause != y->cause)
		return x->cause < y->cause ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool
same_block(const struct zd_zombie *a, const struct zd_zombie *b)
{
	return a->ppid == b->ppid && a->cause == b->cause && a->stuck == b->stuck;
}

static int
cmp_pid_t(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* "10-19, 25, 31-40": at most ZD_RANGES_MAX runs, then how many more pids. */
#define ZD_RANGES_MAX 24
static void
put_ranges(struct out *o, pid_t *v, size_t n)
{
	size_t i = 0, runs = 0;

	qsort(v, n, sizeof(*v), cmp_pid_t);
	while (i < n && runs < ZD_RANGES_MAX) {
		size_t j = i;

		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		zd_sb_addf(&o->sb, "%s%d", runs ? ", " : "", (int)v[i]);
		if (j > i)
			zd_sb_addf(&o->sb, "-%d", (int)v[j]);
		runs++;
		i = j + 1;
	}
	if (i < n)
		zd_sb_addf(&o->sb, ", ... %zu more", n - i);
	zd_sb_addc(&o->sb, '\n');
}

static void
put_age(struct out *o, double s)
{
	if (s < 120)
		zd_sb_addf(&o->sb, "%.0f s", s);
	else if (s < 7200)
		zd_sb_addf(&o->sb, "%.0f min", s / 60);
	else if (s < 172800)
		zd_sb_addf(&o->sb, "%.1f h", s / 3600);
	else
		zd_sb_addf(&o->sb, "%.1f days", s / 86400);
}

/* One block for n zombies of one parent with one cause (idx into s->zv). */
static void
text_group(struct out *o, const struct zd_scan *s, const size_t *idx, size_t n)
{
	const struct zd_zombie *z = &s->zv[idx[0]], *oldest = z;
	pid_t *pids = zd_xcalloc(n, sizeof(*pids));
	bool one_comm = true;
	const char *c, *tag;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct zd_zombie *y = &s->zv[idx[i]];

		pids[i] = y->pid;
		if (strcmp(y->comm, z->comm))
			one_comm = false;
		if (y->starttime < oldest->starttime)
			oldest = y;
	}
	tag = zombie_tag(o, z, &c);
	zd_sb_addf(&o->sb, "%s%s%s  %zu zombies", c, tag, col(o, C_RESET), n);
	if (one_comm) {
		zd_sb_adds(&o->sb, " (");
		put_esc(o, z->comm);
		zd_sb_adds(&o->sb, ")");
	}
	zd_sb_addf(&o->sb, " of parent %d", (int)z->ppid);
	if (z->parent_seen) {
		zd_sb_adds(&o->sb, " (");
		put_esc(o, z->parent.comm);
		zd_sb_adds(&o->sb, ")");
	}
	zd_sb_addf(&o->sb, "  %s%s%s\n", col(o, C_YELLOW), zd_cause_name(z->cause), col(o, C_RESET));
	label(o, "pids");
	put_ranges(o, pids, n);
	free(pids);
	label(o, "oldest");
	zd_sb_addf(&o->sb, "zombie %d (", (int)oldest->pid);
	put_esc(o, oldest->comm);
	zd_sb_adds(&o->sb, ")");
	if (oldest->age_s >= 0) {
		zd_sb_adds(&o->sb, ", started ");
		put_age(o, oldest->age_s);
		zd_sb_adds(&o->sb, " ago");
	}
	zd_sb_addc(&o->sb, '\n');
	text_zombie_body(o, oldest, n);
	zd_sb_setlen(&o->sb, o->sb.len - 1); /* the body's blank line comes after the hint */
	zd_sb_addf(&o->sb, "  %s(one block per zombie: --expand; every zombie: --json)%s\n\n", col(o, C_DIM),
		   col(o, C_RESET));
}

static void
render_text(struct out *o, const struct scan_cli *cli, const struct zd_scan *s)
{
	size_t i, ntrans = 0, nrun = 0;
	size_t *idx;
	bool visible = s->hidepid_limits;

	if (cli->so.only_pid && !s->nz) {
		if (s->target_is_thread) {
			zd_sb_addf(&o->sb, "%d is a thread, not a process: state %c (%s); zombies are thread-group leaders\n",
				   (int)cli->so.only_pid, s->target.state, zd_state_name(s->target.state));
		} else {
			zd_sb_addf(&o->sb, "pid %d (", (int)cli->so.only_pid);
			put_esc(o, s->target.comm);
			zd_sb_addf(&o->sb, ") is not a zombie: state %c (%s)\n", s->target.state,
				   zd_state_name(s->target.state));
		}
		return;
	}
	if (!cli->so.only_pid) {
		if (s->stuck)
			zd_sb_addf(&o->sb, "%s%zu stuck zombie%s%s (%zu zombie%s in %zu processes, %zu threads",
				   col(o, C_BOLD), s->stuck, s->stuck == 1 ? "" : "s", col(o, C_RESET),
				   s->zombies, s->zombies == 1 ? "" : "s", s->processes, s->threads);
		else
			zd_sb_addf(&o->sb, "no %sstuck zombies (%zu processes, %zu threads",
				   visible ? "visible " : "", s->processes, s->threads);
		if (s->d_state_complete || s->d_state)
			zd_sb_addf(&o->sb, "; %zu thread%s in D state%s", s->d_state, s->d_state == 1 ? "" : "s",
				   s->d_state_complete ? "" : " seen, --all for a full count");
		for (i = 0; i < s->nz; i++)
			nrun += s->zv[i].cause == ZD_CAUSE_THREADS_ALIVE;
		if (nrun)
			zd_sb_addf(&o->sb, "; %zu process%s running on after %s leader exited", nrun,
				   nrun == 1 ? "" : "es", nrun == 1 ? "its" : "their");
		zd_sb_adds(&o->sb, ")\n\n");
	}
	/* Stuck zombies and running processes get blocks; zombies of one parent
	 * with one cause share a block unless --expand. */
	idx = zd_xcalloc(s->nz ? s->nz : 1, sizeof(*idx));
	for (i = 0; i < s->nz; i++)
		idx[i] = i;
	block_scan = s;
	if (s->nz)
		qsort(idx, s->nz, sizeof(*idx), cmp_block);
	for (i = 0; i < s->nz;) {
		const struct zd_zombie *z = &s->zv[idx[i]];
		size_t n = 1;

		if (!z->stuck && z->cause == ZD_CAUSE_TRANSIENT && !cli->so.only_pid) {
			ntrans++;
			i++;
			continue;
		}
		while (!cli->expand && i + n < s->nz && same_block(z, &s->zv[idx[i + n]]))
			n++;
		if (n == 1)
			text_zombie(o, z);
		else
			text_group(o, s, idx + i, n);
		i += n;
	}
	free(idx);
	if (ntrans) {
		size_t k = 0;

		zd_sb_addf(&o->sb, "%s%zu transient zombie%s%s (reaped or about to be):", col(o, C_GREEN), ntrans,
			   ntrans == 1 ? "" : "s", col(o, C_RESET));
		for (i = 0; i < s->nz && k < 20; i++) {
			if (s->zv[i].stuck || s->zv[i].cause != ZD_CAUSE_TRANSIENT)
				continue;
			zd_sb_addf(&o->sb, "%s %d (", k++ ? "," : "", (int)s->zv[i].pid);
			put_esc(o, s->zv[i].comm);
			zd_sb_adds(&o->sb, ")");
		}
		if (ntrans > k)
			zd_sb_adds(&o->sb, ", ...");
		zd_sb_adds(&o->sb, "\n\n");
	}
	if (cli->so.all)
		text_hung(o, s);
	if (!cli->so.only_pid)
		text_pressure(o, s);
	text_scope(o, s);
}

static const struct zd_zombie *find_same(const struct zd_scan *s, const struct zd_zombie *z);

/* ---------------------------------------------------------------- */
/* JSON                                                              */

static void
json_sc(struct zd_json *j, const struct zd_task *t)
{
	size_t i;

	zd_json_kstr(j, "syscall_state", sc_state_name(t));
	if (t->sc.kind == ZD_SC_IN) {
		const char *n = zd_sysname(t->sc.nr);

		zd_json_kstr(j, "syscall", n ? n : "unknown");
		zd_json_kint(j, "syscall_nr", t->sc.nr);
		zd_json_key(j, "syscall_args");
		zd_json_arr_begin(j);
		for (i = 0; i < 6; i++) {
			char buf[24];
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)t->sc.args[i]);
			zd_json_str(j, buf);
		}
		zd_json_arr_end(j);
	} else {
		zd_json_knull(j, "syscall");
	}
}

static void
json_stack(struct zd_json *j, const char *stack)
{
	const char *line;

	zd_json_key(j, "kernel_stack");
	if (!stack) {
		zd_json_null(j);
		return;
	}
	zd_json_arr_begin(j);
	for (line = stack; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		zd_json_strn(j, line, n);
		if (!nl)
			break;
		line = nl + 1;
	}
	zd_json_arr_end(j);
}

static void
json_task(struct zd_json *j, const struct zd_task *t)
{
	char st[2] = { t->state, 0 };

	zd_json_obj_begin(j);
	zd_json_kint(j, "pid", t->pid);
	zd_json_kint(j, "tid", t->tid);
	zd_json_kstr(j, "comm", t->comm);
	zd_json_kstr(j, "state", st);
	zd_json_kstr(j, "wchan", t->wchan[0] ? t->wchan : NULL);
	json_sc(j, t);
	json_stack(j, t->stack);
	zd_json_kbool(j, "sigkill_pending", t->sigkill_pending);
	zd_json_kbool(j, "frozen", t->frozen);
	zd_json_key(j, "vfork_child");
	if (t->vfork_child) {
		zd_json_obj_begin(j);
		zd_json_kint(j, "pid", t->vfork_child);
		zd_json_kstr(j, "comm", t->vfork_comm);
		zd_json_obj_end(j);
	} else {
		zd_json_null(j);
	}
	zd_json_obj_end(j);
}

static void
json_pidcomm(struct zd_json *j, const struct zd_pidcomm *pc, bool with_hint)
{
	zd_json_obj_begin(j);
	zd_json_kint(j, "pid", pc->pid);
	zd_json_kstr(j, "comm", pc->comm);
	if (with_hint)
		zd_json_kbool(j, "known_subreaper_name", pc->known_subreaper);
	zd_json_obj_end(j);
}

static void
json_zombie(struct zd_json *j, const struct zd_zombie *z)
{
	size_t i;

	zd_json_obj_begin(j);
	zd_json_kint(j, "pid", z->pid);
	zd_json_kstr(j, "comm", z->comm);
	zd_json_kint(j, "ppid", z->ppid);
	zd_json_kint(j, "nspid", z->nspid);
	zd_json_kuint(j, "starttime", z->starttime);
	zd_json_key(j, "age_seconds");
	if (z->age_s >= 0)
		zd_json_double(j, z->age_s);
	else
		zd_json_null(j);
	zd_json_kstr(j, "cause", zd_cause_name(z->cause));
	zd_json_kbool(j, "stuck", z->stuck);
	zd_json_kbool(j, "reapable", z->reapable);
	zd_json_kstr(j, "headline", z->headline);
	zd_json_key(j, "evidence");
	zd_json_arr_begin(j);
	for (i = 0; i < z->n_evidence; i++)
		zd_json_str(j, z->evidence[i]);
	zd_json_arr_end(j);
	zd_json_kstr(j, "advice", z->advice);
	zd_json_key(j, "exit_status");
	if (z->has_wait_status) {
		char ws[96];

		zd_wait_status_str(z->wait_status, ws, sizeof(ws));
		zd_json_obj_begin(j);
		zd_json_kint(j, "raw", z->wait_status);
		zd_json_kstr(j, "text", ws);
		zd_json_obj_end(j);
	} else {
		zd_json_null(j);
	}
	if (z->exit_signal > 0)
		zd_json_kstr(j, "exit_signal", zd_signame(z->exit_signal));
	else
		zd_json_knull(j, "exit_signal");
	zd_json_kint(j, "live_threads", z->live_threads);
	zd_json_key(j, "blockers");
	zd_json_arr_begin(j);
	for (i = 0; i < z->n_blockers; i++)
		json_task(j, &z->blockers[i]);
	zd_json_arr_end(j);
	zd_json_key(j, "parent");
	if (z->parent_seen) {
		char st[2] = { z->parent.state, 0 };

		zd_json_obj_begin(j);
		zd_json_kint(j, "pid", z->ppid);
		zd_json_kstr(j, "comm", z->parent.comm);
		zd_json_kstr(j, "state", st);
		zd_json_kbool(j, "waiting", z->parent_waiting);
		json_sc(j, &z->parent);
		zd_json_kstr(j, "wchan", z->parent.wchan[0] ? z->parent.wchan : NULL);
		zd_json_kstr(j, "doing", z->parent_doing);
		zd_json_kbool(j, "frozen", z->parent.frozen);
		zd_json_obj_end(j);
	} else {
		zd_json_null(j);
	}
	zd_json_key(j, "tracer");
	if (z->tracer) {
		char st[2] = { z->tracer_task.state, 0 };

		zd_json_obj_begin(j);
		zd_json_kint(j, "pid", z->tracer);
		zd_json_kstr(j, "comm", z->tracer_comm);
		zd_json_kstr(j, "state", st[0] ? st : NULL);
		json_sc(j, &z->tracer_task);
		zd_json_obj_end(j);
	} else {
		zd_json_null(j);
	}
	zd_json_key(j, "reaper");
	if (z->reaper) {
		zd_json_obj_begin(j);
		zd_json_kint(j, "pid", z->reaper);
		zd_json_kstr(j, "comm", z->reaper_comm);
		zd_json_obj_end(j);
	} else {
		zd_json_null(j);
	}
	zd_json_kstr(j, "heir_source", zd_heir_source_name(z->heir_source));
	zd_json_key(j, "heir_candidates");
	zd_json_arr_begin(j);
	for (i = 0; i < z->n_heir_candidates; i++)
		json_pidcomm(j, &z->heir_candidates[i], true);
	zd_json_arr_end(j);
	zd_json_key(j, "heir_fallback");
	if (z->heir_source == ZD_HEIR_UNKNOWN)
		json_pidcomm(j, &z->heir_fallback, false);
	else
		zd_json_null(j);
	zd_json_key(j, "killing_parent_helps");
	if (z->kill_parent_helps == ZD_UNKNOWN)
		zd_json_null(j);
	else
		zd_json_bool(j, z->kill_parent_helps == ZD_YES);
	zd_json_kstr(j, "killing_parent", z->kill_parent_note);
	zd_json_obj_end(j);
}

static void
render_json(struct zd_sb *sb, const struct scan_cli *cli, const struct zd_scan *s, bool pretty,
	    const struct zd_scan *prev)
{
	struct zd_json j;
	size_t i, g, k;

	zd_json_init(&j, sb, pretty);
	zd_json_obj_begin(&j);
	zd_json_kint(&j, "version", 1);
	zd_json_kstr(&j, "zdiag", ZD_VERSION_STRING);
	zd_json_kstr(&j, "proc_root", cli->proc_root ? cli->proc_root : "/proc");
	zd_json_kint(&j, "settle_ms", cli->so.settle_ms);
	zd_json_key(&j, "summary");
	zd_json_obj_begin(&j);
	zd_json_kuint(&j, "processes", s->processes);
	zd_json_kuint(&j, "threads", s->threads);
	zd_json_kuint(&j, "zombies", s->zombies);
	zd_json_kuint(&j, "stuck", s->stuck);
	zd_json_kuint(&j, "d_state", s->d_state);
	zd_json_kbool(&j, "d_state_complete", s->d_state_complete);
	zd_json_key(&j, "by_cause");
	zd_json_obj_begin(&j);
	for (i = 0; i < ZD_CAUSE__COUNT; i++)
		if (s->by_cause[i])
			zd_json_kuint(&j, zd_cause_name((enum zd_cause)i), s->by_cause[i]);
	zd_json_obj_end(&j);
	zd_json_obj_end(&j);

	zd_json_key(&j, "zombies");
	zd_json_arr_begin(&j);
	for (i = 0; i < s->nz; i++)
		json_zombie(&j, &s->zv[i]);
	zd_json_arr_end(&j);

	if (cli->so.only_pid) {
		zd_json_key(&j, "target");
		if (s->target_found) {
			char st[2] = { s->target.state, 0 };

			zd_json_obj_begin(&j);
			zd_json_kint(&j, "pid", cli->so.only_pid);
			zd_json_kstr(&j, "comm", s->target.comm);
			zd_json_kstr(&j, "state", st);
			zd_json_kbool(&j, "zombie", s->target.state == 'Z');
			zd_json_kbool(&j, "thread", s->target_is_thread);
			zd_json_obj_end(&j);
		} else {
			zd_json_null(&j);
		}
	}

	zd_json_key(&j, "pressure");
	zd_json_obj_begin(&j);
	zd_json_kuint(&j, "tasks", s->tasks);
	zd_json_kuint(&j, "pid_max", s->pid_max);
	zd_json_kuint(&j, "threads_max", s->threads_max);
	zd_json_kstr(&j, "pid_namespace", s->pidns_nested == ZD_UNKNOWN ? NULL :
					      s->pidns_nested == ZD_YES ? "nested" : "host");
	zd_json_kuint(&j, "pids_in_use", pids_in_use(s));
	zd_json_key(&j, "top_parents");
	zd_json_arr_begin(&j);
	for (i = 0; i < s->ntop; i++) {
		zd_json_obj_begin(&j);
		zd_json_kint(&j, "pid", s->top[i].pid);
		zd_json_kstr(&j, "comm", s->top[i].comm);
		zd_json_kuint(&j, "zombies", s->top[i].zombies);
		zd_json_obj_end(&j);
	}
	zd_json_arr_end(&j);
	zd_json_obj_end(&j);

	if (cli->so.all) {
		zd_json_key(&j, "d_state_threads");
		zd_json_arr_begin(&j);
		for (g = 0; g < s->nhung; g++) {
			zd_json_obj_begin(&j);
			json_stack(&j, s->hung[g].tasks[0].stack);
			zd_json_kstr(&j, "wchan", s->hung[g].tasks[0].wchan[0] ? s->hung[g].tasks[0].wchan : NULL);
			zd_json_key(&j, "threads");
			zd_json_arr_begin(&j);
			for (k = 0; k < s->hung[g].n; k++)
				json_task(&j, &s->hung[g].tasks[k]);
			zd_json_arr_end(&j);
			zd_json_obj_end(&j);
		}
		zd_json_arr_end(&j);
	}

	if (prev) {
		zd_json_key(&j, "appeared");
		zd_json_arr_begin(&j);
		for (i = 0; i < s->nz; i++)
			if (!find_same(prev, &s->zv[i]))
				zd_json_int(&j, s->zv[i].pid);
		zd_json_arr_end(&j);
		zd_json_key(&j, "reaped");
		zd_json_arr_begin(&j);
		for (k = 0; k < prev->nz; k++)
			if (!find_same(s, &prev->zv[k]))
				zd_json_int(&j, prev->zv[k].pid);
		zd_json_arr_end(&j);
	}

	zd_json_key(&j, "scope");
	zd_json_obj_begin(&j);
	zd_json_kuint(&j, "euid", s->euid);
	zd_json_kstr(&j, "hidepid", s->hidepid[0] ? s->hidepid : NULL);
	zd_json_kbool(&j, "visible_only", s->hidepid_limits);
	zd_json_kuint(&j, "vanished", s->vanished);
	zd_json_kuint(&j, "malformed", s->malformed);
	zd_json_kstr(&j, "subreaper_source", zd_sr_source_name(s->subreaper_source));
	zd_json_kstr(&j, "subreaper_error", s->subreaper_source == ZD_SR_NAME ? zd_sr_error_str(s->subreaper_err) : NULL);
	zd_json_key(&j, "unreadable");
	zd_json_obj_begin(&j);
	zd_json_kuint(&j, "syscall", s->unreadable_syscall);
	zd_json_kuint(&j, "stack", s->unreadable_stack);
	zd_json_obj_end(&j);
	zd_json_obj_end(&j);

	zd_json_obj_end(&j);
	zd_sb_addc(sb, '\n');
}

/* ---------------------------------------------------------------- */
/* Prometheus                                                        */

static void
prom_metric(struct zd_sb *sb, const char *name, const char *type, const char *help)
{
	zd_sb_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
render_prom(struct zd_sb *sb, const struct zd_scan *s)
{
	size_t i;

	prom_metric(sb, "zdiag_zombies", "gauge", "Zombie processes by cause; all but transient and threads-alive (a running process whose leader exited) are stuck.");
	for (i = 0; i < ZD_CAUSE__COUNT; i++)
		zd_sb_addf(sb, "zdiag_zombies{cause=\"%s\"} %zu\n", zd_cause_name((enum zd_cause)i), s->by_cause[i]);
	prom_metric(sb, "zdiag_zombies_stuck", "gauge", "Zombies that are not being reaped.");
	zd_sb_addf(sb, "zdiag_zombies_stuck %zu\n", s->stuck);
	/* not "d_state": promtool reads "_d_" as an abbreviated unit (days) */
	prom_metric(sb, "zdiag_uninterruptible_threads", "gauge", "Threads in uninterruptible sleep (D state).");
	zd_sb_addf(sb, "zdiag_uninterruptible_threads %zu\n", s->d_state);
	prom_metric(sb, "zdiag_processes", "gauge", "Thread groups seen in /proc (this PID namespace).");
	zd_sb_addf(sb, "zdiag_processes %zu\n", s->processes);
	prom_metric(sb, "zdiag_threads", "gauge", "Threads seen in /proc (this PID namespace).");
	zd_sb_addf(sb, "zdiag_threads %zu\n", s->threads);
	prom_metric(sb, "zdiag_tasks", "gauge", "Tasks in use on the host, zombies included (/proc/loadavg).");
	zd_sb_addf(sb, "zdiag_tasks %llu\n", s->tasks);
	prom_metric(sb, "zdiag_pid_max", "gauge", "kernel.pid_max of this PID namespace.");
	zd_sb_addf(sb, "zdiag_pid_max %llu\n", s->pid_max);
	prom_metric(sb, "zdiag_threads_max", "gauge", "kernel.threads-max (host).");
	zd_sb_addf(sb, "zdiag_threads_max %llu\n", s->threads_max);
	prom_metric(sb, "zdiag_pid_usage_ratio", "gauge", "Pids in use in this PID namespace divided by its pid_max.");
	zd_sb_addf(sb, "zdiag_pid_usage_ratio %.6f\n", s->pid_max ? (double)pids_in_use(s) / (double)s->pid_max : 0.0);
	prom_metric(sb, "zdiag_parent_stuck_zombies", "gauge", "Stuck zombies held by a parent (top parents only).");
	for (i = 0; i < s->ntop; i++) {
		zd_sb_addf(sb, "zdiag_parent_stuck_zombies{pid=\"%d\",comm=\"", (int)s->top[i].pid);
		zd_esc_prom(sb, s->top[i].comm);
		zd_sb_addf(sb, "\"} %zu\n", s->top[i].zombies);
	}
}

/* ---------------------------------------------------------------- */

static int
exit_status_of(const struct scan_cli *cli, const struct zd_scan *s)
{
	if (s->stuck)
		return ZD_EXIT_FOUND;
	if (cli->so.all && s->d_state)
		return ZD_EXIT_FOUND;
	return ZD_EXIT_OK;
}

static volatile sig_atomic_t stop_watch;

static void
on_stop(int sig)
{
	(void)sig;
	stop_watch = 1;
}

static void
now_str(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

/* The zombie (pid, starttime) of z in scan s, or NULL. */
static const struct zd_zombie *
find_same(const struct zd_scan *s, const struct zd_zombie *z)
{
	size_t i;

	for (i = 0; i < s->nz; i++)
		if (s->zv[i].pid == z->pid && s->zv[i].starttime == z->starttime)
			return &s->zv[i];
	return NULL;
}

/* When each stuck zombie was first seen stuck (watch mode). */
struct seen {
	pid_t pid;
	unsigned long long starttime;
	double first;
};
static struct seen *seen_v;
static size_t seen_n, seen_a;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
seen_add(const struct zd_zombie *z)
{
	ZD_GROW(seen_v, seen_a, seen_n + 1);
	seen_v[seen_n].pid = z->pid;
	seen_v[seen_n].starttime = z->starttime;
	seen_v[seen_n].first = now_s();
	seen_n++;
}

/* Seconds since z was first seen stuck (removing it), or -1. */
static double
seen_take(const struct zd_zombie *z)
{
	size_t i;

	for (i = 0; i < seen_n; i++) {
		if (seen_v[i].pid == z->pid && seen_v[i].starttime == z->starttime) {
			double d = now_s() - seen_v[i].first;

			seen_v[i] = seen_v[--seen_n];
			return d;
		}
	}
	return -1;
}

static void
watch_diff(struct out *o, const struct zd_scan *prev, const struct zd_scan *s)
{
	char ts[16];
	size_t i;

	now_str(ts, sizeof(ts));
	for (i = 0; i < s->nz; i++) {
		const struct zd_zombie *z = &s->zv[i], *old = prev ? find_same(prev, z) : NULL;

		if (!z->stuck || (old && old->stuck))
			continue;
		seen_add(z);
		if (!prev)
			continue; /* the first report shows it in full */
		zd_sb_addf(&o->sb, "%s + stuck: ", ts);
		text_zombie(o, z);
	}
	for (i = 0; prev && i < prev->nz; i++) {
		const struct zd_zombie *z = &prev->zv[i];
		double d;

		if (!z->stuck || find_same(s, z))
			continue;
		d = seen_take(z);
		zd_sb_addf(&o->sb, "%s - reaped: zombie %d (", ts, (int)z->pid);
		put_esc(o, z->comm);
		zd_sb_addf(&o->sb, "), was %s", zd_cause_name(z->cause));
		if (d >= 0)
			zd_sb_addf(&o->sb, ", stuck for at least %.1f s", d);
		zd_sb_addc(&o->sb, '\n');
	}
}

/*
 * Write sb to path the way a textfile collector wants it: to PATH.tmp in
 * the same directory, then rename(2) over PATH, so a reader never sees a
 * half-written file.  Exit 0 on success whatever the scan found: the
 * findings are in the metrics, and a cron job must not mail every minute.
 */
static int
write_atomic(const char *path, const struct zd_sb *sb)
{
	struct zd_sb tmp = ZD_SB_INIT;
	FILE *f;
	int e = 0;

	zd_sb_addf(&tmp, "%s.tmp", path);
	f = fopen(tmp.buf, "we");
	if (!f) {
		e = errno;
		zd_error_errno(e, "cannot create '%s'", tmp.buf);
		zd_sb_release(&tmp);
		return ZD_EXIT_ERROR;
	}
	if (zd_sb_write(sb, f) < 0 || fflush(f) == EOF || fsync(fileno(f)) < 0)
		e = errno ? errno : EIO;
	if (fclose(f) == EOF && !e)
		e = errno;
	if (!e && rename(tmp.buf, path) < 0)
		e = errno;
	if (e) {
		unlink(tmp.buf);
		zd_error_errno(e, "cannot write '%s'", path);
	}
	zd_sb_release(&tmp);
	return e ? ZD_EXIT_ERROR : ZD_EXIT_OK;
}

static int
run_once(const struct zd_procfs *pfs, struct scan_cli *cli, struct zd_scan *s, const struct zd_scan *prev)
{
	struct out o = { ZD_SB_INIT, cli->color };
	int r;

	r = zd_scan_run(pfs, &cli->so, s);
	if (r < 0)
		return zd_error_errno(r, "cannot read '%s'", pfs->root);
	if (cli->so.only_pid && !s->nz && !s->target_found)
		return zd_error("no process %d in '%s'", (int)cli->so.only_pid, pfs->root);
	if (cli->quiet)
		return exit_status_of(cli, s);
	if (cli->prom_file) {
		render_prom(&o.sb, s);
		r = write_atomic(cli->prom_file, &o.sb);
		zd_sb_release(&o.sb);
		return r;
	}
	switch (cli->fmt) {
	case FMT_JSON:
		render_json(&o.sb, cli, s, !cli->watch_ms, prev);
		break;
	case FMT_PROM:
		render_prom(&o.sb, s);
		break;
	case FMT_TEXT:
		if (!prev)
			render_text(&o, cli, s);
		if (cli->watch_ms)
			watch_diff(&o, prev, s);
		break;
	}
	if (zd_sb_write(&o.sb, stdout) < 0 || fflush(stdout) == EOF) {
		zd_sb_release(&o.sb);
		return zd_error_errno(errno, "cannot write output");
	}
	zd_sb_release(&o.sb);
	return exit_status_of(cli, s);
}

static int
cmd_scan_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	struct scan_cli cli = { .so = { .settle_ms = 200 } };
	enum zd_color cmode = ZD_COLOR_AUTO;
	struct zd_optparse p;
	struct zd_procfs pfs;
	long long v;
	int id, r;

	zd_opt_init(&p, cmd, argc, argv);
	while ((id = zd_opt_next(&p)) != ZD_OPT_END) {
		switch (id) {
		case 'a':
			cli.so.all = true;
			break;
		case 'p':
			if (zd_parse_ll(p.arg, 1, 0x7fffffff, &v) < 0) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid pid '%s'", p.arg);
			}
			cli.so.only_pid = (pid_t)v;
			break;
		case 'q':
			cli.quiet = true;
			break;
		case 'x':
			cli.expand = true;
			break;
		case OPT_NO_BPF:
			cli.so.no_bpf = true;
			break;
		case OPT_PROM_FILE:
			cli.prom_file = p.arg;
			cli.fmt = FMT_PROM;
			break;
		case OPT_JSON:
			cli.fmt = FMT_JSON;
			break;
		case OPT_PROM:
			cli.fmt = FMT_PROM;
			break;
		case OPT_PROC_ROOT:
			cli.proc_root = p.arg;
			break;
		case OPT_SETTLE:
			if (zd_parse_ms(p.arg, 60000, &v) < 0) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid --settle '%s' (milliseconds, 0-60000)", p.arg);
			}
			cli.so.settle_ms = (int)v;
			break;
		case OPT_WATCH: {
			char *end;
			double d = strtod(p.arg, &end);

			if (end == p.arg || *end || !(d >= 0.1 && d <= 86400)) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid --watch '%s' (seconds, 0.1-86400)", p.arg);
			}
			cli.watch_ms = (long long)(d * 1000.0 + 0.5);
			break;
		}
		case OPT_COUNT:
			if (zd_parse_ll(p.arg, 1, 1000000000, &v) < 0) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid --count '%s'", p.arg);
			}
			cli.count = v;
			break;
		case OPT_COLOR:
			if (zd_color_parse(p.arg, &cmode) < 0) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid --color '%s' (auto, always, never)", p.arg);
			}
			break;
		default:
			return zd_opt_default(&p, id);
		}
	}
	if (p.ind < argc)
		return zd_usage_error(cmd->name, "unexpected argument '%s'", argv[p.ind]);
	if (cli.count && !cli.watch_ms)
		return zd_usage_error(cmd->name, "--count needs --watch");
	if (cli.watch_ms && cli.fmt == FMT_PROM)
		return zd_usage_error(cmd->name, "--watch cannot be combined with --prom");
	if (cli.prom_file && (cli.quiet || !*cli.prom_file))
		return zd_usage_error(cmd->name, cli.quiet ? "--prom-file cannot be combined with -q" : "--prom-file needs a path");
	/* Prometheus needs an exact D-state count: read every thread. */
	if (cli.fmt == FMT_PROM)
		cli.so.walk_threads = true;
	cli.color = cli.fmt == FMT_TEXT && zd_color_use(cmode, 1);

	r = zd_procfs_open(&pfs, cli.proc_root);
	if (r < 0)
		return zd_error_errno(r, "cannot open '%s'", cli.proc_root ? cli.proc_root : "/proc");

	if (!cli.watch_ms) {
		struct zd_scan s;

		r = run_once(&pfs, &cli, &s, NULL);
		zd_scan_release(&s);
	} else {
		struct zd_scan s[2];
		struct sigaction sa;
		long long n = 0;
		int cur = 0;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		memset(s, 0, sizeof(s));
		for (;;) {
			r = run_once(&pfs, &cli, &s[cur], n ? &s[!cur] : NULL);
			n++;
			if (r == ZD_EXIT_ERROR || stop_watch || (cli.count && n >= cli.count))
				break;
			zd_scan_release(&s[!cur]);
			cur = !cur;
			{
				struct timespec ts = { cli.watch_ms / 1000, (cli.watch_ms % 1000) * 1000000L };
				while (!stop_watch && nanosleep(&ts, &ts) < 0 && errno == EINTR)
					;
			}
			if (stop_watch)
				break;
		}
		zd_scan_release(&s[0]);
		zd_scan_release(&s[1]);
		free(seen_v);
	}
	zd_procfs_close(&pfs);
	return r;
}

const struct zd_cmd zd_cmd_scan = {
	.name = "scan",
	.fn = cmd_scan_fn,
	.summary = "explain every zombie that is not being reaped, and why",
	.synopsis = "[--json | --prom | --prom-file PATH] [--all] [-x] [-p PID] [--proc-root DIR] [--settle MS] [--watch SECS [--count N]] [--no-bpf] [-q] [--color[=WHEN]]",
	.description =
		"Walk /proc and explain every zombie (<defunct>) that is not being reaped:\n"
		"the cause (parent-not-waiting, parent-waits-for-other, sigchld-blocked,\n"
		"parent-stopped, threads-alive, blocked-by-d-state-thread, traced,\n"
		"init-not-reaping, ...), the evidence, the remedy, who inherits the zombie\n"
		"if its parent dies, and whether killing the parent would help.  Zombies\n"
		"are re-checked after a short settle interval so ordinary churn is\n"
		"reported as transient, not stuck; a leader whose threads run on\n"
		"(threads-alive) is a running process, not a stuck zombie.  Zombies of one\n"
		"parent with one cause share a block (-x: one each).  As root, child\n"
		"subreapers are read from the kernel with BPF; without that, an heir that\n"
		"depends on them is reported as uncertain, never guessed.",
	.opts = scan_opts,
	.exit_status =
		"  0  no stuck zombies (and, with --all, no D-state threads); with\n"
		"     --prom-file: the file was written, whatever was found\n"
		"  1  stuck zombies found (or, with --all, D-state threads)\n"
		"  2  usage error, the proc root cannot be read, or --prom-file failed",
};
