/*
 * zdiag attach / zdiag run: a small, fast, safe ptrace debugger.
 *
 * `attach PID --bt` stops every thread, copies registers and stacks,
 * detaches, and only then unwinds and symbolizes (the pause is a few ms).
 * `attach PID` (or `-e CMD`) keeps the process stopped for a session of
 * commands; `run -- CMD` starts a program under the debugger.  The engine
 * is in src/core (ptrace.c, symtab.c, unwind.c, disasm.c, bkpt.c, regs.c);
 * this file parses commands and renders their output.
 */
#include <ctype.h>
#include <elf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "zdiag/cmd.h"
#include "zdiag/dbgline.h"
#include "zdiag/decode.h"
#include "zdiag/disasm.h"
#include "zdiag/dwarf.h"
#include "zdiag/err.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/maps.h"
#include "zdiag/procfs.h"
#include "zdiag/ptrace.h"
#include "zdiag/regs.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"
#include "zdiag/symtab.h"
#include "zdiag/sysname.h"
#include "zdiag/target.h"
#include "zdiag/unwind.h"
#include "zdiag/xalloc.h"

/* Shared with cmd_run.c. */
int zd_attach_main(const struct zd_cmd *cmd, int argc, char **argv, bool run_mode);
extern const struct zd_opt zd_attach_run_opts[];

enum {
	OPT_BT = ZD_OPT_LONG,
	OPT_UNIQUE,
	OPT_JSON,
	OPT_TIMEOUT,
	OPT_MAX_FRAMES,
	OPT_NO_LINES,
	OPT_STACK_SIZE,
	OPT_LINES,
	OPT_COLOR,
};

static const struct zd_opt attach_opts[] = {
	{ 'e', 'e', "eval", ZD_ARG_REQ, "CMD", "run CMD (repeatable), then detach; no prompt", NULL },
	{ OPT_BT, 0, "bt", ZD_ARG_NONE, NULL, "all-thread backtrace, pausing the process only to copy stacks", NULL },
	{ OPT_UNIQUE, 0, "unique", ZD_ARG_NONE, NULL, "with --bt: group threads with identical stacks", NULL },
	{ OPT_JSON, 0, "json", ZD_ARG_NONE, NULL, "with --bt: one JSON document (schema: docs/attach-json.md)", NULL },
	{ OPT_TIMEOUT, 0, "timeout", ZD_ARG_REQ, "MS", "give up on a thread that does not stop within MS (default 1000)", NULL },
	{ OPT_MAX_FRAMES, 0, "max-frames", ZD_ARG_REQ, "N", "at most N frames per thread (default 256)", NULL },
	{ OPT_STACK_SIZE, 0, "stack-size", ZD_ARG_REQ, "KB", "copy at most KB of each stack (default 1024)", NULL },
	{ OPT_LINES, 0, "lines", ZD_ARG_NONE, NULL, "with --bt: FILE:LINE from separate debug files too (slower)", NULL },
	{ OPT_NO_LINES, 0, "no-lines", ZD_ARG_NONE, NULL, "do not look up FILE:LINE in DWARF", NULL },
	{ 'q', 'q', "quiet", ZD_ARG_NONE, NULL, "no session messages (attached, detached)", NULL },
	{ 'v', 'v', "verbose", ZD_ARG_NONE, NULL, "report how long the process was stopped", NULL },
	{ OPT_COLOR, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never", "auto always never" },
	{ 0 },
};

const struct zd_opt zd_attach_run_opts[] = {
	{ 'e', 'e', "eval", ZD_ARG_REQ, "CMD", "run CMD (repeatable); then let the program run to completion", NULL },
	{ OPT_TIMEOUT, 0, "timeout", ZD_ARG_REQ, "MS", "give up on a thread that does not stop within MS (default 1000)", NULL },
	{ OPT_MAX_FRAMES, 0, "max-frames", ZD_ARG_REQ, "N", "at most N frames per thread (default 256)", NULL },
	{ OPT_NO_LINES, 0, "no-lines", ZD_ARG_NONE, NULL, "do not look up FILE:LINE in DWARF", NULL },
	{ 'q', 'q', "quiet", ZD_ARG_NONE, NULL, "no session messages", NULL },
	{ OPT_COLOR, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never", "auto always never" },
	{ 0 },
};

/* ---------------------------------------------------------------- */
/* State                                                             */

struct info0 {
	pid_t tid;
	char state;
	char wchan[64];
	char comm[ZD_COMM_MAX + 1];
};

struct dbg {
	struct zd_ptrace pt;
	struct zd_guard guard;  /* restores int3 bytes if zdiag is killed */
	struct zd_space space;
	bool space_ok;
	struct zd_unwinder *uw;
	struct zd_disasm *dis;
	struct zd_procfs pfs;
	struct zd_target target;
	pid_t pid;
	pid_t cur;
	bool run_mode;
	bool interactive;
	bool quiet;
	bool verbose;
	bool lines;
	bool own_lines;       /* lines only from a module's own DWARF */
	bool all_lines;       /* --lines */
	bool color;
	bool done;            /* the session is over (detached, killed, exited) */
	bool failed;          /* a command failed */
	int exit_code;        /* for run mode and signals */
	bool have_exit_code;
	size_t max_frames;
	size_t stack_max;
	long long timeout_ms;
	enum zd_syntax syntax;
	sigset_t wake;        /* SIGINT, SIGTERM, SIGHUP: blocked, waited for */
	int sigfd;
	int end_signal;       /* a terminating signal arrived */
	struct info0 *before; /* thread states seen before attaching */
	struct zd_call call;   /* the syscall entered last (decoded by the tracer's decoders) */
	struct zd_sb call_text; /* its entry half, completed at the exit stop */
	pid_t call_tid;        /* 0: none pending */
	size_t nbefore;
};

static struct dbg *g_dbg;  /* for readline completion */

#define C_RESET "\033[0m"
#define C_FUNC "\033[33m"
#define C_ADDR "\033[34m"
#define C_MOD "\033[32m"
#define C_DIM "\033[2m"

static const char *
col(const struct dbg *d, const char *code)
{
	return d->color ? code : "";
}

static void
out_flush(struct zd_sb *sb)
{
	fwrite(sb->buf, 1, sb->len, stdout);
	fflush(stdout);
	zd_sb_reset(sb);
}

/* A failed command: one line on stderr; the batch exit status becomes 1. */
static int
cmd_fail(struct dbg *d, const char *fmt, ...) ZD_PRINTF(2, 3);

static int
cmd_fail(struct dbg *d, const char *fmt, ...)
{
	struct zd_sb sb = ZD_SB_INIT;
	va_list ap;

	va_start(ap, fmt);
	zd_sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	zd_error("%s", sb.buf);
	zd_sb_release(&sb);
	d->failed = true;
	return -1;
}

static void
put_esc(struct zd_sb *sb, const char *s)
{
	zd_esc_cs(sb, s ? s : "", 0);
}

static ssize_t
pt_reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read_raw(ctx, addr, buf, len);
}

static ssize_t
pt_reader_masked(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read(ctx, addr, buf, len);
}

/* (Re)load maps and modules while the process is stopped. */
static int
load_space(struct dbg *d)
{
	int ret;

	if (d->space_ok)
		return 0;
	if (!d->pt.memtid && !zd_pt_any_stopped(&d->pt))
		return -ESRCH;
	ret = zd_space_load(&d->space, d->pt.memtid ? d->pt.memtid : zd_pt_any_stopped(&d->pt)->tid, pt_reader,
			    &d->pt);
	if (ret == 0) {
		d->space_ok = true;
		if (d->uw)
			zd_unwinder_flush(d->uw);
	}
	return ret;
}

/* "park+0x1a" or "??" */
static void
put_sym(struct zd_sb *sb, const struct dbg *d, const struct zd_where *w)
{
	zd_sb_adds(sb, col(d, C_FUNC));
	if (w->sym) {
		put_esc(sb, w->sym->name);
		if (w->off)
			zd_sb_addf(sb, "+0x%" PRIx64, w->off);
	} else {
		zd_sb_adds(sb, "??");
	}
	zd_sb_adds(sb, col(d, C_RESET));
}

/* "<main+4>" for an address that has a symbol, else nothing. */
static void
put_angle(struct zd_sb *sb, struct dbg *d, uint64_t addr)
{
	struct zd_where w;

	if (load_space(d) < 0 || zd_space_lookup(&d->space, addr, 0, &w) < 0)
		return;
	zd_sb_adds(sb, " <");
	put_esc(sb, w.sym->name);
	if (w.off)
		zd_sb_addf(sb, "+0x%" PRIx64, w.off);
	zd_sb_adds(sb, ">");
}

/* ---------------------------------------------------------------- */
/* Backtraces                                                        */

struct tbt {
	pid_t tid;
	char comm[ZD_COMM_MAX + 1];
	char state;
	bool stopped;
	bool zombie;
	bool truncated;
	int err;
	struct zd_frame *fr;
	size_t n;
	int group;            /* --unique: index of its group's first thread */
};

static void
frame_where(const struct zd_space *sp, const struct zd_frame *f, bool lines, struct zd_where *w)
{
	unsigned flags = (f->flags & ZD_FRAME_EXACT) ? 0 : ZD_LOOKUP_CALLER;

	if (lines)
		flags |= ZD_LOOKUP_LINE;
	if (g_dbg && g_dbg->own_lines)
		flags |= ZD_LOOKUP_OWN_LINES;
	zd_space_lookup(sp, f->ip, flags, w);
}

static void
put_frame(struct zd_sb *sb, const struct dbg *d, const struct zd_space *sp, size_t i, const struct zd_frame *f)
{
	struct zd_where w;

	frame_where(sp, f, d->lines, &w);
	zd_sb_addf(sb, "#%-2zu %s0x%016" PRIx64 "%s in ", i, col(d, C_ADDR), f->ip, col(d, C_RESET));
	if (f->flags & ZD_FRAME_SIGNAL) {
		zd_sb_adds(sb, "<signal handler called>");
		if (w.sym) {
			zd_sb_adds(sb, " (");
			put_esc(sb, w.sym->name);
			zd_sb_adds(sb, w.mod ? ", " : ")");
		} else if (w.mod) {
			zd_sb_adds(sb, " (");
		}
		if (w.mod) {
			zd_sb_adds(sb, col(d, C_MOD));
			put_esc(sb, w.mod->name);
			zd_sb_addf(sb, "%s)", col(d, C_RESET));
		}
	} else {
		put_sym(sb, d, &w);
		zd_sb_addf(sb, " (%s", col(d, C_MOD));
		put_esc(sb, w.mod ? w.mod->name : "");
		zd_sb_addf(sb, "%s)", col(d, C_RESET));
	}
	if (w.file) {
		zd_sb_adds(sb, " at ");
		put_esc(sb, w.file);
		zd_sb_addf(sb, ":%d", w.line);
	}
	zd_sb_addc(sb, '\n');
}

static void
json_frames(struct zd_json *j, const struct dbg *d, const struct zd_space *sp, const struct tbt *t)
{
	size_t i;

	zd_json_key(j, "frames");
	zd_json_arr_begin(j);
	for (i = 0; i < t->n; i++) {
		const struct zd_frame *f = &t->fr[i];
		struct zd_where w;
		char ip[24];

		frame_where(sp, f, d->lines, &w);
		snprintf(ip, sizeof(ip), "0x%" PRIx64, f->ip);
		zd_json_obj_begin(j);
		zd_json_kint(j, "index", (long long)i);
		zd_json_kstr(j, "ip", ip);
		zd_json_kstr(j, "function", w.sym ? w.sym->name : NULL);
		if (w.sym)
			zd_json_kuint(j, "offset", w.off);
		else
			zd_json_knull(j, "offset");
		zd_json_kstr(j, "module", w.mod ? w.mod->path : NULL);
		zd_json_kstr(j, "file", w.file);
		if (w.file)
			zd_json_kint(j, "line", w.line);
		else
			zd_json_knull(j, "line");
		zd_json_kbool(j, "signal_frame", f->flags & ZD_FRAME_SIGNAL);
		zd_json_kstr(j, "unwinder", (f->flags & ZD_FRAME_FP) ? "fp" : i ? "dwarf" : "regs");
		zd_json_obj_end(j);
	}
	zd_json_arr_end(j);
}

static bool
same_stack(const struct tbt *a, const struct tbt *b)
{
	size_t i;

	if (a->n != b->n || !a->stopped || !b->stopped)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->fr[i].ip != b->fr[i].ip)
			return false;
	return true;
}

static void
group_stacks(struct tbt *t, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		t[i].group = (int)i;
		for (k = 0; k < i; k++)
			if (t[k].group == (int)k && same_stack(&t[k], &t[i])) {
				t[i].group = (int)k;
				break;
			}
	}
}

/* Group leaders (first thread of each group), the largest group first. */
static size_t
group_order(const struct tbt *t, size_t n, size_t *order)
{
	size_t i, k, ng = 0, *count = zd_xcalloc(n ? n : 1, sizeof(*count));

	for (i = 0; i < n; i++)
		count[t[i].group]++;
	for (i = 0; i < n; i++)
		if (t[i].group == (int)i)
			order[ng++] = i;
	/* insertion sort: stable, groups are few */
	for (i = 1; i < ng; i++)
		for (k = i; k > 0 && count[order[k]] > count[order[k - 1]]; k--) {
			size_t tmp = order[k];

			order[k] = order[k - 1];
			order[k - 1] = tmp;
		}
	free(count);
	return ng;
}

/* Kernel-side facts for a thread that could not be stopped. */
static void
put_stuck(struct zd_sb *sb, struct dbg *d, pid_t tid, const char *indent)
{
	char path[64], wchan[128] = "";
	struct zd_sb stack = ZD_SB_INIT;
	struct zd_scstate sc;
	struct zd_stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (zd_proc_read_stat(fd, &st) == 0)
		zd_sb_addf(sb, "%sstate %c (%s)", indent, st.state, zd_state_name(st.state));
	if (zd_proc_read_wchan(fd, wchan, sizeof(wchan)) == 0 && wchan[0]) {
		zd_sb_adds(sb, ", wchan ");
		put_esc(sb, wchan);
	}
	if (zd_proc_read_syscall(fd, &sc) == 0 && sc.kind == ZD_SC_IN) {
		const char *n = zd_sysname(sc.nr);

		zd_sb_addf(sb, ", in %s()", n ? n : "?");
		if (sc.pc && d->space_ok) {
			struct zd_where w;

			zd_sb_addf(sb, ", user pc 0x%" PRIx64, sc.pc);
			if (zd_space_lookup(&d->space, sc.pc, 0, &w) == 0) {
				zd_sb_adds(sb, " in ");
				put_sym(sb, d, &w);
			}
		}
	}
	zd_sb_addc(sb, '\n');
	if (zd_proc_read_stack(fd, &stack) == 0 && stack.len) {
		const char *line = stack.buf;

		zd_sb_addf(sb, "%skernel stack:\n", indent);
		while (*line) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);

			zd_sb_addf(sb, "%s  ", indent);
			zd_esc_c(sb, line, len, 0);
			zd_sb_addc(sb, '\n');
			if (!nl)
				break;
			line = nl + 1;
		}
	}
	zd_sb_release(&stack);
	close(fd);
}

static void
read_comm(pid_t pid, pid_t tid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	n = zd_read_small(AT_FDCWD, path, buf, size);
	if (n <= 0)
		buf[0] = '\0';
	else if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

static void
thread_stat(pid_t pid, pid_t tid, char *comm, size_t size, char *state)
{
	char path[64], buf[1024];
	struct zd_stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	n = zd_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n <= 0 || zd_stat_parse(buf, (size_t)n, &st) < 0) {
		comm[0] = '\0';
		return;
	}
	snprintf(comm, size, "%s", st.comm);
	if (!*state)
		*state = st.state;
}

static void
render_bt_text(struct zd_sb *sb, struct dbg *d, const struct zd_space *sp, struct tbt *t, size_t n, bool unique)
{
	size_t i, k;

	size_t *order = zd_xcalloc(n ? n : 1, sizeof(*order)), ng = n, gi;

	if (unique) {
		group_stacks(t, n);
		ng = group_order(t, n, order);
	} else {
		for (i = 0; i < n; i++)
			order[i] = i;
	}
	for (gi = 0; gi < ng; gi++) {
		size_t members = 0;

		i = order[gi];
		if (unique)
			for (k = i; k < n; k++)
				members += t[k].group == (int)i;
		if (gi)
			zd_sb_addc(sb, '\n');
		if (unique && members > 1) {
			zd_sb_addf(sb, "%zu threads:", members);
			for (k = i; k < n; k++)
				if (t[k].group == (int)i)
					zd_sb_addf(sb, " %d", (int)t[k].tid);
			zd_sb_adds(sb, " (");
			put_esc(sb, t[i].comm);
			zd_sb_adds(sb, ")\n");
		} else {
			zd_sb_addf(sb, "thread %d (", (int)t[i].tid);
			put_esc(sb, t[i].comm);
			zd_sb_adds(sb, ")");
			if (t[i].zombie)
				zd_sb_adds(sb, ": zombie (exited; the other threads live on)\n");
			else if (!t[i].stopped)
				zd_sb_addf(sb, ": did not stop within %lld ms\n", d->timeout_ms);
			else if (t[i].err)
				zd_sb_addf(sb, ": registers unavailable (%s)\n", strerror(-t[i].err));
			else
				zd_sb_adds(sb, ":\n");
		}
		if (!t[i].stopped && !t[i].zombie)
			put_stuck(sb, d, t[i].tid, "    ");
		for (k = 0; k < t[i].n; k++)
			put_frame(sb, d, sp, k, &t[i].fr[k]);
		if (t[i].truncated)
			zd_sb_adds(sb, "    (stack copy truncated: see --stack-size)\n");
		if (sb->len > 65536)
			out_flush(sb);
	}
	free(order);
}

static void
render_bt_json(struct zd_sb *sb, struct dbg *d, const struct zd_space *sp, struct tbt *t, size_t n, bool unique,
	       double stopped_ms)
{
	struct zd_json j;
	size_t i, k;

	zd_json_init(&j, sb, true);
	zd_json_obj_begin(&j);
	zd_json_kint(&j, "version", 1);
	zd_json_kstr(&j, "zdiag", ZD_VERSION_STRING);
	zd_json_kint(&j, "pid", d->pid);
	zd_json_kstr(&j, "comm", d->target.comm);
	zd_json_kdouble(&j, "stopped_ms", stopped_ms);
	zd_json_key(&j, "threads");
	zd_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		char st[2] = { t[i].state, 0 };

		zd_json_obj_begin(&j);
		zd_json_kint(&j, "tid", t[i].tid);
		zd_json_kstr(&j, "comm", t[i].comm);
		zd_json_kstr(&j, "state", st[0] ? st : NULL);
		zd_json_kbool(&j, "stopped", t[i].stopped);
		zd_json_kbool(&j, "zombie", t[i].zombie);
		zd_json_kbool(&j, "truncated", t[i].truncated);
		if (!t[i].stopped && !t[i].zombie) {
			struct zd_sb why = ZD_SB_INIT;

			zd_sb_addf(&why, "did not stop within %lld ms", d->timeout_ms);
			zd_json_kstr(&j, "error", why.buf);
			zd_sb_reset(&why);
			put_stuck(&why, d, t[i].tid, "");
			zd_json_kstr(&j, "kernel", why.buf);
			zd_sb_release(&why);
		} else if (t[i].err) {
			zd_json_kstr(&j, "error", strerror(-t[i].err));
		} else {
			zd_json_knull(&j, "error");
		}
		json_frames(&j, d, sp, &t[i]);
		zd_json_obj_end(&j);
	}
	zd_json_arr_end(&j);
	if (unique) {
		size_t *order = zd_xcalloc(n ? n : 1, sizeof(*order)), ng, gi;

		group_stacks(t, n);
		ng = group_order(t, n, order);
		zd_json_key(&j, "groups");
		zd_json_arr_begin(&j);
		for (gi = 0; gi < ng; gi++) {
			i = order[gi];
			zd_json_obj_begin(&j);
			zd_json_key(&j, "tids");
			zd_json_arr_begin(&j);
			for (k = i; k < n; k++)
				if (t[k].group == (int)i)
					zd_json_int(&j, t[k].tid);
			zd_json_arr_end(&j);
			json_frames(&j, d, sp, &t[i]);
			zd_json_obj_end(&j);
		}
		zd_json_arr_end(&j);
		free(order);
	}
	zd_json_obj_end(&j);
	zd_sb_addc(sb, '\n');
}

/* ---------------------------------------------------------------- */
/* Attaching                                                         */

/* Refuse what cannot be attached; explain failures.  Returns 0 or an exit code. */
static int
check_target(struct dbg *d, pid_t pid)
{
	char why[512];

	if (zd_target_probe(&d->pfs, pid, &d->target) < 0)
		return zd_error("cannot attach to %d: /proc is not readable", (int)pid);
	if (d->target.kind == ZD_TARGET_LIVE || d->target.kind == ZD_TARGET_ZOMBIE_LEADER)
		return 0;
	zd_target_refusal(&d->target, why, sizeof(why));
	return zd_error("cannot attach to %d: %s", (int)pid, why);
}

static int
attach_error(struct dbg *d, pid_t pid, int err)
{
	char why[512];

	if (err == -ETIMEDOUT)
		return zd_error("cannot attach to %d: no thread stopped within %lld ms (all in D state?)", (int)pid,
				d->timeout_ms);
	/* The target may have changed under us (exited, became a zombie). */
	zd_target_probe(&d->pfs, pid, &d->target);
	zd_target_explain(&d->target, err, why, sizeof(why));
	return zd_error("cannot attach to %d: %s", (int)pid, why);
}

static double
stopped_ms(const struct zd_ptrace *pt)
{
	if (!pt->pause_begin_ns || pt->pause_end_ns < pt->pause_begin_ns)
		return 0;
	return (double)(pt->pause_end_ns - pt->pause_begin_ns) / 1e6;
}

struct vdso_copy {
	uint64_t start;
	unsigned char *data;
	size_t len;
};

static ssize_t
vdso_reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct vdso_copy *v = ctx;

	if (!v->data || addr < v->start || addr - v->start + len > v->len)
		return -EFAULT;
	memcpy(buf, v->data + (addr - v->start), len);
	return (ssize_t)len;
}

/*
 * --bt: stop, copy, let go, then unwind and symbolize from the copies.
 */
static int
fast_bt(struct dbg *d, bool unique, bool json)
{
	struct zd_maps maps = { 0 };
	struct vdso_copy vdso = { 0 };
	struct zd_tsnap *snaps;
	struct tbt *t;
	struct zd_sb sb = ZD_SB_INIT;
	size_t i, n;
	int ret, rc = ZD_EXIT_OK;

	zd_pt_init(&d->pt);
	ret = zd_pt_attach(&d->pt, d->pid, d->timeout_ms);
	if (ret < 0) {
		zd_pt_release(&d->pt);
		return attach_error(d, d->pid, ret);
	}
	n = d->pt.nth;
	snaps = zd_xcalloc(n ? n : 1, sizeof(*snaps));
	t = zd_xcalloc(n ? n : 1, sizeof(*t));

	/* While stopped: maps, the vDSO image, registers and stacks. */
	{
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d", (int)d->pt.memtid);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			zd_maps_read(fd, &maps);
			close(fd);
		}
	}
	for (i = 0; i < maps.n; i++)
		if (!strcmp(maps.v[i].path, "[vdso]")) {
			vdso.start = maps.v[i].start;
			vdso.len = maps.v[i].end - maps.v[i].start;
			vdso.data = zd_xmalloc(vdso.len);
			if (zd_pt_read_raw(&d->pt, vdso.start, vdso.data, vdso.len) != (ssize_t)vdso.len) {
				free(vdso.data);
				vdso.data = NULL;
			}
		}
	for (i = 0; i < n; i++) {
		struct zd_thread *th = &d->pt.th[i];

		t[i].tid = th->tid;
		t[i].state = th->state;
		t[i].stopped = th->flags & ZD_TH_STOPPED;
		t[i].zombie = (th->flags & ZD_TH_GONE) && th->state == 'Z';
		if (!t[i].stopped)
			continue;
		t[i].err = zd_pt_getregs(&d->pt, th);
		if (t[i].err == 0)
			zd_tsnap_capture(&snaps[i], th->tid, &th->regs, &maps, pt_reader, &d->pt, d->stack_max);
	}
	/* Threads that exited while we attached are not shown. */
	{
		size_t k = 0;

		for (i = 0; i < n; i++) {
			struct zd_thread *th = &d->pt.th[i];

			if ((th->flags & ZD_TH_GONE) && !t[i].zombie) {
				zd_tsnap_release(&snaps[i]);
				continue;
			}
			t[k] = t[i];
			snaps[k] = snaps[i];
			k++;
		}
		n = k;
	}
	zd_pt_detach(&d->pt);

	/* Let go: the rest works on the copies. */
	zd_space_load_maps(&d->space, d->pt.memtid, &maps, vdso.data ? vdso_reader : NULL, &vdso);
	d->space_ok = true;
	d->uw = zd_unwinder_new(&d->space);
	for (i = 0; i < n; i++) {
		/* Name and state in one read of task/TID/stat. */
		thread_stat(d->pid, t[i].tid, t[i].comm, sizeof(t[i].comm), &t[i].state);
		if (!t[i].stopped || t[i].err)
			continue;
		t[i].truncated = snaps[i].truncated;
		t[i].fr = zd_xcalloc(d->max_frames, sizeof(*t[i].fr));
		if (d->uw)
			t[i].n = zd_unwind(d->uw, &snaps[i], NULL, NULL, t[i].fr, d->max_frames);
	}
	if (json)
		render_bt_json(&sb, d, &d->space, t, n, unique, stopped_ms(&d->pt));
	else
		render_bt_text(&sb, d, &d->space, t, n, unique);
	out_flush(&sb);
	if (d->verbose)
		fprintf(stderr, "zdiag: %d was stopped for %.2f ms (%zu thread%s)\n", (int)d->pid,
			stopped_ms(&d->pt), n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		if (!t[i].zombie && (!t[i].stopped || t[i].err))
			rc = ZD_EXIT_FOUND;
		free(t[i].fr);
		zd_tsnap_release(&snaps[i]);
	}
	free(t);
	free(snaps);
	free(vdso.data);
	zd_sb_release(&sb);
	zd_pt_release(&d->pt);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Session commands                                                  */

static struct zd_thread *
cur_thread(struct dbg *d)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, d->cur);

	if (!t || (t->flags & ZD_TH_GONE) || !(t->flags & ZD_TH_STOPPED)) {
		t = zd_pt_any_stopped(&d->pt);
		if (t)
			d->cur = t->tid;
	}
	return t;
}

static bool
need_process(struct dbg *d)
{
	if (d->done || d->pt.exited || !zd_pt_any_stopped(&d->pt)) {
		cmd_fail(d, "no process: the session is over");
		return false;
	}
	return true;
}

/* A term of an address expression that is not a number: $REG or a symbol.
 * Failures are reported here (-1). */
static int
eval_term(void *ctx, const char *term, uint64_t *v)
{
	struct dbg *d = ctx;
	struct zd_sb e = ZD_SB_INIT;

	if (*term == '$') {
		const struct zd_reg *r = zd_reg_find(term);
		struct zd_thread *t = cur_thread(d);

		if (r && t && zd_pt_getregs(&d->pt, t) == 0) {
			*v = zd_reg_get(&t->regs, r);
			return 0;
		}
		if (r)
			return cmd_fail(d, "no registers: no stopped thread");
		zd_esc_cs(&e, term, 0);
		cmd_fail(d, "unknown register '%s'", e.buf);
	} else {
		if (load_space(d) == 0 && zd_space_resolve(&d->space, term, v, NULL, NULL) == 0)
			return 0;
		zd_esc_cs(&e, term, 0);
		cmd_fail(d, "no symbol '%s' in the executable or its libraries", e.buf);
	}
	zd_sb_release(&e);
	return -1;
}

/* Evaluate an address expression (include/zdiag/dbgline.h). */
static int
eval(struct dbg *d, const char *expr, uint64_t *out)
{
	int r = zd_dbg_eval(expr, eval_term, d, out);
	struct zd_sb e = ZD_SB_INIT;

	if (r == -E2BIG)
		return cmd_fail(d, "expression too long");
	if (r == -EINVAL) {
		zd_esc_cs(&e, expr, 0);
		cmd_fail(d, "bad expression '%s'", e.buf);
		zd_sb_release(&e);
	}
	return r < 0 ? -1 : 0;
}

static int
cmd_regs(struct dbg *d, int argc, char **argv)
{
	struct zd_thread *t;
	struct zd_sb sb = ZD_SB_INIT;
	const struct zd_reg *tab;
	size_t n, i;

	if (!need_process(d))
		return -1;
	t = cur_thread(d);
	if (zd_pt_getregs(&d->pt, t) < 0)
		return cmd_fail(d, "cannot read the registers of thread %d: %s", (int)t->tid, strerror(errno));
	tab = zd_reg_table(&n);
	for (i = 0; i < n || argc > 1; i++) {
		const struct zd_reg *r;
		uint64_t v;

		if (argc > 1) {
			if ((int)i + 1 >= argc)
				break;
			r = zd_reg_find(argv[i + 1]);
			if (!r) {
				struct zd_sb e = ZD_SB_INIT;

				zd_esc_cs(&e, argv[i + 1], 0);
				out_flush(&sb);
				cmd_fail(d, "unknown register '%s'", e.buf);
				zd_sb_release(&e);
				zd_sb_release(&sb);
				return -1;
			}
		} else {
			r = &tab[i];
			if (!r->full)
				break;
		}
		v = zd_reg_get(&t->regs, r);
		zd_sb_addf(&sb, "%-10s 0x%-18" PRIx64, r->name, v);
		if (!strcmp(r->name, "eflags")) {
			char f[96];

			zd_reg_eflags_str(v, f, sizeof(f));
			zd_sb_addf(&sb, " %s", f);
		} else if (!strcmp(r->name, "rip")) {
			put_angle(&sb, d, v);
		} else if (r->width == 8 && r->dwarf >= 0 && r->dwarf <= 15) {
			zd_sb_addf(&sb, " %" PRId64, (int64_t)v);
		} else if (r->width < 8) {
			zd_sb_addf(&sb, " %" PRIu64, v);
		}
		zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
cmd_set(struct dbg *d, int argc, char **argv)
{
	const struct zd_reg *r;
	struct zd_thread *t;
	uint64_t v;

	if (argc != 3)
		return cmd_fail(d, "usage: set REG VALUE | set syntax att|intel");
	if (!strcmp(argv[1], "syntax")) {
		if (!strcmp(argv[2], "att"))
			d->syntax = ZD_SYNTAX_ATT;
		else if (!strcmp(argv[2], "intel"))
			d->syntax = ZD_SYNTAX_INTEL;
		else
			return cmd_fail(d, "syntax must be 'att' or 'intel'");
		if (d->dis)
			zd_disasm_set_syntax(d->dis, d->syntax);
		return 0;
	}
	if (!need_process(d))
		return -1;
	r = zd_reg_find(argv[1]);
	if (!r) {
		struct zd_sb e = ZD_SB_INIT;

		zd_esc_cs(&e, argv[1], 0);
		cmd_fail(d, "unknown register '%s'", e.buf);
		zd_sb_release(&e);
		return -1;
	}
	if (eval(d, argv[2], &v) < 0)
		return -1;
	t = cur_thread(d);
	if (zd_pt_getregs(&d->pt, t) < 0)
		return cmd_fail(d, "cannot read the registers of thread %d", (int)t->tid);
	zd_reg_set(&t->regs, r, v);
	if (zd_pt_setregs(&d->pt, t) < 0)
		return cmd_fail(d, "cannot set %s of thread %d: %s", r->name, (int)t->tid, strerror(errno));
	printf("%s = 0x%" PRIx64 "\n", r->name, zd_reg_get(&t->regs, r));
	return 0;
}

/* Unwind one thread of the live session. */
static size_t
live_unwind(struct dbg *d, struct zd_thread *t, struct zd_frame *fr, bool *truncated)
{
	struct zd_tsnap ts;
	size_t n = 0;

	*truncated = false;
	if (zd_pt_getregs(&d->pt, t) < 0 || load_space(d) < 0)
		return 0;
	if (!d->uw)
		d->uw = zd_unwinder_new(&d->space);
	if (!d->uw)
		return 0;
	if (zd_tsnap_capture(&ts, t->tid, &t->regs, &d->space.maps, pt_reader, &d->pt, d->stack_max) < 0) {
		/* No readable stack: just the pc. */
		fr[0].ip = t->regs.rip;
		fr[0].sp = t->regs.rsp;
		fr[0].flags = ZD_FRAME_EXACT;
		return 1;
	}
	n = zd_unwind(d->uw, &ts, pt_reader_masked, &d->pt, fr, d->max_frames);
	*truncated = ts.truncated;
	zd_tsnap_release(&ts);
	return n;
}

static int
cmd_bt(struct dbg *d, int argc, char **argv)
{
	bool all = false, unique = false;
	pid_t only = 0;
	struct tbt *t;
	size_t i, n = 0;
	struct zd_sb sb = ZD_SB_INIT;
	int k;

	if (!need_process(d))
		return -1;
	for (k = 1; k < argc; k++) {
		long long v;

		if (!strcmp(argv[k], "all"))
			all = true;
		else if (!strcmp(argv[k], "--unique") || !strcmp(argv[k], "unique"))
			unique = all = true;
		else if (zd_parse_ll(argv[k], 1, INT_MAX, &v) == 0)
			only = (pid_t)v;
		else
			return cmd_fail(d, "usage: bt [TID|all] [--unique]");
	}
	if (only && !zd_pt_thread(&d->pt, only))
		return cmd_fail(d, "no thread %d in process %d", (int)only, (int)d->pid);
	if (!all && !only)
		only = cur_thread(d)->tid;
	t = zd_xcalloc(d->pt.nth, sizeof(*t));
	for (i = 0; i < d->pt.nth; i++) {
		struct zd_thread *th = &d->pt.th[i];
		struct tbt *b = &t[n];

		if (only && th->tid != only)
			continue;
		if ((th->flags & ZD_TH_GONE) && th->state != 'Z')
			continue;
		b->tid = th->tid;
		b->state = th->state;
		b->stopped = th->flags & ZD_TH_STOPPED;
		b->zombie = (th->flags & ZD_TH_GONE) != 0;
		read_comm(d->pid, th->tid, b->comm, sizeof(b->comm));
		if (b->stopped) {
			b->fr = zd_xcalloc(d->max_frames, sizeof(*b->fr));
			b->n = live_unwind(d, th, b->fr, &b->truncated);
		}
		n++;
	}
	if (n == 1 && !all) {
		for (i = 0; i < t[0].n; i++)
			put_frame(&sb, d, &d->space, i, &t[0].fr[i]);
		if (t[0].truncated)
			zd_sb_adds(&sb, "    (stack copy truncated: see --stack-size)\n");
	} else {
		render_bt_text(&sb, d, &d->space, t, n, unique);
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	for (i = 0; i < n; i++)
		free(t[i].fr);
	free(t);
	return 0;
}

static int
cmd_x(struct dbg *d, int argc, char **argv)
{
	uint64_t addr, count = 8, buf[512];
	struct zd_sb sb = ZD_SB_INIT;
	ssize_t got;
	size_t i, words;

	if (argc < 2 || argc > 3)
		return cmd_fail(d, "usage: x ADDR|SYMBOL [COUNT]");
	if (!need_process(d) || eval(d, argv[1], &addr) < 0)
		return -1;
	if (argc == 3 && (!zd_dbg_parse_num(argv[2], &count) || !count || count > 512))
		return cmd_fail(d, "COUNT must be 1..512 words");
	got = zd_pt_read(&d->pt, addr, buf, count * 8);
	if (got < 8)
		return cmd_fail(d, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
	words = (size_t)got / 8;
	for (i = 0; i < words; i++) {
		if (i % 2 == 0) {
			zd_sb_addf(&sb, "%s0x%016" PRIx64 "%s", col(d, C_ADDR), addr + i * 8, col(d, C_RESET));
			if (i == 0)
				put_angle(&sb, d, addr);
			zd_sb_adds(&sb, ":");
		}
		zd_sb_addf(&sb, "  0x%016" PRIx64, buf[i]);
		if (i % 2 == 1 || i + 1 == words)
			zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	if (words < count)
		return cmd_fail(d, "cannot read memory at 0x%" PRIx64 ": %s", addr + words * 8, strerror(EFAULT));
	return 0;
}

static int
cmd_peek(struct dbg *d, int argc, char **argv)
{
	uint64_t addr, v;
	struct zd_sb sb = ZD_SB_INIT;

	if (argc != 2)
		return cmd_fail(d, "usage: peek ADDR|SYMBOL");
	if (!need_process(d) || eval(d, argv[1], &addr) < 0)
		return -1;
	if (zd_pt_read(&d->pt, addr, &v, 8) != 8)
		return cmd_fail(d, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
	zd_sb_addf(&sb, "0x%016" PRIx64, addr);
	put_angle(&sb, d, addr);
	zd_sb_addf(&sb, ": 0x%016" PRIx64 " (%" PRId64 ")\n", v, (int64_t)v);
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
cmd_poke(struct dbg *d, int argc, char **argv)
{
	uint64_t addr, v;
	int ret;

	if (argc != 3)
		return cmd_fail(d, "usage: poke ADDR|SYMBOL VALUE");
	if (!need_process(d) || eval(d, argv[1], &addr) < 0 || eval(d, argv[2], &v) < 0)
		return -1;
	ret = zd_pt_write(&d->pt, addr, &v, 8);
	if (ret < 0)
		return cmd_fail(d, "cannot write memory at 0x%" PRIx64 ": %s", addr, strerror(-ret));
	printf("0x%016" PRIx64 ": 0x%016" PRIx64 "\n", addr, v);
	return 0;
}

static int
cmd_str(struct dbg *d, int argc, char **argv)
{
	uint64_t addr, max = 4096;
	char buf[4096];
	size_t len = 0;
	struct zd_sb sb = ZD_SB_INIT;

	if (argc < 2 || argc > 3)
		return cmd_fail(d, "usage: str ADDR [MAX]");
	if (!need_process(d) || eval(d, argv[1], &addr) < 0)
		return -1;
	if (argc == 3 && (!zd_dbg_parse_num(argv[2], &max) || !max || max > sizeof(buf)))
		return cmd_fail(d, "MAX must be 1..%zu", sizeof(buf));
	/* Page by page: a string may end just before an unmapped page. */
	while (len < max) {
		uint64_t a = addr + len;
		size_t chunk = ZD_MIN((size_t)(max - len), (size_t)(4096 - (a & 4095)));
		ssize_t got = zd_pt_read(&d->pt, a, buf + len, chunk);

		if (got <= 0)
			break;
		if (memchr(buf + len, '\0', (size_t)got)) {
			len += strnlen(buf + len, (size_t)got);
			goto found;
		}
		len += (size_t)got;
		if ((size_t)got < chunk)
			break;
	}
	if (!len)
		return cmd_fail(d, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
found:
	zd_sb_addf(&sb, "0x%016" PRIx64 ": \"", addr);
	zd_esc_c(&sb, buf, len, ZD_ESC_QUOTE);
	zd_sb_adds(&sb, len >= max ? "\"...\n" : "\"\n");
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
cmd_disas(struct dbg *d, int argc, char **argv)
{
	uint64_t addr, n = 10, end = 0;
	unsigned char buf[8192];
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_thread *t;
	size_t off = 0, len, count = 0;
	ssize_t got;
	bool whole = false;

	if (argc > 3)
		return cmd_fail(d, "usage: disas [ADDR|SYMBOL] [N]");
	if (!need_process(d))
		return -1;
	t = cur_thread(d);
	zd_pt_getregs(&d->pt, t);
	if (argc >= 2) {
		const struct zd_sym *s = NULL;
		const struct zd_module *m = NULL;

		if (eval(d, argv[1], &addr) < 0)
			return -1;
		/* A bare function name: the whole function unless N is given. */
		if (load_space(d) == 0 && zd_space_resolve(&d->space, argv[1], &addr, &s, &m) == 0 && s->size &&
		    argc == 2) {
			whole = true;
			end = addr + s->size;
		}
	} else {
		addr = t->regs.rip;
	}
	if (argc == 3 && (!zd_dbg_parse_num(argv[2], &n) || !n || n > 2000))
		return cmd_fail(d, "N must be 1..2000 instructions");
	len = whole ? ZD_MIN((size_t)(end - addr), sizeof(buf)) : ZD_MIN((size_t)n * 15, sizeof(buf));
	got = zd_pt_read(&d->pt, addr, buf, len);
	if (got <= 0)
		return cmd_fail(d, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
	if (!d->dis && zd_disasm_new(&d->dis, d->syntax) < 0)
		return cmd_fail(d, "cannot disassemble: %s", zd_disasm_error());
	while (off < (size_t)got && (whole || count < n)) {
		struct zd_insn in;
		struct zd_where w;
		bool bp;

		zd_disasm_one(d->dis, buf, (size_t)got, &off, addr, &in);
		bp = zd_bkpt_at(&d->pt.bps, in.addr) != NULL;
		zd_sb_addf(&sb, "%s%s0x%016" PRIx64 "%s", in.addr == t->regs.rip ? "=> " : "   ", col(d, C_ADDR),
			   in.addr, col(d, C_RESET));
		if (load_space(d) == 0 && zd_space_lookup(&d->space, in.addr, 0, &w) == 0) {
			zd_sb_adds(&sb, " <");
			put_esc(&sb, w.sym->name);
			zd_sb_addf(&sb, "+%" PRIu64 ">", w.off);
		}
		zd_sb_addf(&sb, ":%s\t%-7s %s", bp ? " [b]" : "", in.mnemonic, in.ops);
		if (in.has_target)
			put_angle(&sb, d, in.target);
		zd_sb_addc(&sb, '\n');
		count++;
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
cmd_sym(struct dbg *d, int argc, char **argv)
{
	uint64_t addr;
	struct zd_where w;
	struct zd_sb sb = ZD_SB_INIT;

	if (argc != 2)
		return cmd_fail(d, "usage: sym ADDR");
	if (!need_process(d) || eval(d, argv[1], &addr) < 0)
		return -1;
	if (load_space(d) < 0)
		return cmd_fail(d, "cannot read the memory map");
	zd_space_lookup(&d->space, addr, d->lines ? ZD_LOOKUP_LINE : 0, &w);
	if (!w.sym && !w.mod) {
		const struct zd_map *mp = zd_maps_find(&d->space.maps, addr);

		if (!mp)
			return cmd_fail(d, "0x%" PRIx64 " is not mapped", addr);
		zd_sb_addf(&sb, "0x%" PRIx64 " is in ", addr);
		put_esc(&sb, mp->path[0] ? mp->path : "an anonymous mapping");
		zd_sb_addf(&sb, " (0x%" PRIx64 "-0x%" PRIx64 ", offset 0x%" PRIx64 ")\n", mp->start, mp->end,
			   addr - mp->start);
	} else {
		zd_sb_addf(&sb, "0x%" PRIx64 " is ", addr);
		put_sym(&sb, d, &w);
		zd_sb_adds(&sb, " in ");
		put_esc(&sb, w.mod ? w.mod->path : "?");
		if (w.file) {
			zd_sb_adds(&sb, " at ");
			put_esc(&sb, w.file);
			zd_sb_addf(&sb, ":%d", w.line);
		}
		zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return w.sym || !w.mod ? 0 : cmd_fail(d, "no symbol covers 0x%" PRIx64, addr);
}

static int
cmd_addr(struct dbg *d, int argc, char **argv)
{
	struct zd_sb sb = ZD_SB_INIT;
	const char *bang;
	const char *name;
	size_t i, found = 0;

	if (argc != 2)
		return cmd_fail(d, "usage: addr SYMBOL");
	if (!need_process(d) || load_space(d) < 0)
		return -1;
	bang = strchr(argv[1], '!');
	name = bang ? bang + 1 : argv[1];
	/* Every module that defines it: the executable first. */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < d->space.nmods; i++) {
			const struct zd_module *m = &d->space.mods[i];
			const struct zd_sym *s;

			if (!m->elf || (pass == 0) != m->exe)
				continue;
			if (bang && strncmp(m->name, argv[1], (size_t)(bang - argv[1])))
				continue;
			s = zd_elf_sym_named(m->elf, name);
			if (!s)
				continue;
			found++;
			zd_sb_addf(&sb, "%s0x%016" PRIx64 "%s  ", col(d, C_ADDR), s->addr + m->bias, col(d, C_RESET));
			put_esc(&sb, s->name);
			zd_sb_addf(&sb, " (%s, size %" PRIu64 ") in ",
				   s->type == STT_OBJECT ? "object" : "function", s->size);
			put_esc(&sb, m->path);
			zd_sb_addc(&sb, '\n');
		}
	out_flush(&sb);
	zd_sb_release(&sb);
	if (!found) {
		struct zd_sb e = ZD_SB_INIT;

		zd_esc_cs(&e, argv[1], 0);
		cmd_fail(d, "no symbol '%s' in the executable or its libraries", e.buf);
		zd_sb_release(&e);
		return -1;
	}
	return 0;
}

static const struct info0 *
before_of(const struct dbg *d, pid_t tid)
{
	size_t i;

	for (i = 0; i < d->nbefore; i++)
		if (d->before[i].tid == tid)
			return &d->before[i];
	return NULL;
}

static const char *
stop_reason(const struct zd_thread *t, char *buf, size_t size)
{
	if (t->flags & ZD_TH_GONE)
		return t->state == 'Z' ? "zombie" : "exited";
	if (t->flags & ZD_TH_STUCK)
		return "not stopped (D state?)";
	if (!(t->flags & ZD_TH_STOPPED))
		return "running";
	if (t->bp_hit) {
		snprintf(buf, size, "breakpoint %d", t->bp_hit);
		return buf;
	}
	if (t->flags & ZD_TH_GROUP_STOP)
		return "group-stop";
	if (t->pending_sig) {
		snprintf(buf, size, "%s pending", zd_signame(t->pending_sig));
		return buf;
	}
	return "stopped";
}

static int
info_threads(struct dbg *d)
{
	struct zd_sb sb = ZD_SB_INIT;
	size_t i;

	zd_sb_addf(&sb, "  %-8s %-16s %-5s %-22s %-24s %s\n", "TID", "NAME", "WAS", "NOW", "WCHAN (before)", "FUNCTION");
	for (i = 0; i < d->pt.nth; i++) {
		struct zd_thread *t = &d->pt.th[i];
		const struct info0 *b = before_of(d, t->tid);
		char comm[ZD_COMM_MAX + 1], why[48];
		struct zd_where w;
		struct zd_sb name = ZD_SB_INIT;

		if ((t->flags & ZD_TH_GONE) && t->state != 'Z')
			continue;
		read_comm(d->pid, t->tid, comm, sizeof(comm));
		zd_esc_cs(&name, comm[0] ? comm : (b ? b->comm : ""), 0);
		zd_sb_addf(&sb, "%c %-8d %-16s %-5c %-22s ", t->tid == d->cur ? '*' : ' ', (int)t->tid, name.buf,
			   b ? b->state : t->state ? t->state : '?', stop_reason(t, why, sizeof(why)));
		zd_sb_release(&name);
		zd_sb_reset(&name);
		zd_esc_cs(&name, b && b->wchan[0] ? b->wchan : "-", 0);
		zd_sb_addf(&sb, "%-24s ", name.buf);
		zd_sb_release(&name);
		if ((t->flags & ZD_TH_STOPPED) && zd_pt_getregs(&d->pt, t) == 0 && load_space(d) == 0) {
			zd_space_lookup(&d->space, t->regs.rip, 0, &w);
			put_sym(&sb, d, &w);
		}
		zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
info_maps(struct dbg *d)
{
	struct zd_sb sb = ZD_SB_INIT;
	size_t i;

	if (load_space(d) < 0)
		return cmd_fail(d, "cannot read the memory map of %d", (int)d->pid);
	for (i = 0; i < d->space.maps.n; i++) {
		const struct zd_map *m = &d->space.maps.v[i];
		char perms[5];

		zd_map_perms_str(m->perms, perms);
		zd_sb_addf(&sb, "0x%012" PRIx64 "-0x%012" PRIx64 " %s %08" PRIx64 " ", m->start, m->end, perms, m->pgoff);
		put_esc(&sb, m->path);
		if (m->deleted)
			zd_sb_adds(&sb, " (deleted)");
		zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
info_modules(struct dbg *d)
{
	struct zd_sb sb = ZD_SB_INIT;
	size_t i;

	if (load_space(d) < 0)
		return cmd_fail(d, "cannot read the memory map of %d", (int)d->pid);
	for (i = 0; i < d->space.nmods; i++) {
		const struct zd_module *m = &d->space.mods[i];

		zd_sb_addf(&sb, "0x%012" PRIx64 "-0x%012" PRIx64 " bias 0x%-12" PRIx64 " ", m->start, m->end, m->bias);
		if (!m->elf)
			zd_sb_addf(&sb, "%-22s", "(unreadable)");
		else
			zd_sb_addf(&sb, "%-22s", zd_elf_has_debug_file(m->elf) ? ".symtab (debug file)" :
					 zd_elf_has_symtab(m->elf) ? ".symtab" : ".dynsym");
		put_esc(&sb, m->path);
		zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
info_signals(struct dbg *d)
{
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_status st;
	char path[64], buf[1024];
	struct zd_thread *t = cur_thread(d);
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)d->pid, (int)(t ? t->tid : d->pid));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || zd_proc_read_status(fd, &st) < 0 || !st.has_sig) {
		if (fd >= 0)
			close(fd);
		return cmd_fail(d, "cannot read the signal state of %d", (int)d->pid);
	}
	close(fd);
	zd_sigmask_str(st.sigpnd, buf, sizeof(buf));
	zd_sb_addf(&sb, "pending (thread %d):  %s\n", (int)(t ? t->tid : d->pid), buf);
	zd_sigmask_str(st.shdpnd, buf, sizeof(buf));
	zd_sb_addf(&sb, "pending (process):    %s\n", buf);
	zd_sigmask_str(st.sigblk, buf, sizeof(buf));
	zd_sb_addf(&sb, "blocked (thread %d):  %s\n", (int)(t ? t->tid : d->pid), buf);
	zd_sigmask_str(st.sigign, buf, sizeof(buf));
	zd_sb_addf(&sb, "ignored:              %s\n", buf);
	zd_sigmask_str(st.sigcgt, buf, sizeof(buf));
	zd_sb_addf(&sb, "caught (handlers):    %s\n", buf);
	for (i = 0; i < d->pt.nth; i++)
		if (d->pt.th[i].pending_sig && !(d->pt.th[i].flags & ZD_TH_GONE))
			zd_sb_addf(&sb, "to deliver on resume: %s to thread %d\n", zd_signame(d->pt.th[i].pending_sig),
				   (int)d->pt.th[i].tid);
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
info_fds(struct dbg *d)
{
	struct zd_sb sb = ZD_SB_INIT;
	char path[64];
	pid_t *fds;
	size_t n, i;
	int dfd, ret;

	snprintf(path, sizeof(path), "/proc/%d", (int)(d->pt.memtid ? d->pt.memtid : d->pid));
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cmd_fail(d, "cannot read the file descriptors of %d: %s", (int)d->pid, strerror(errno));
	/* fd numbers start at 0, which zd_proc_list skips: list fd/ ourselves. */
	ret = zd_proc_list(dfd, "fd", &fds, &n);
	if (ret < 0) {
		close(dfd);
		return cmd_fail(d, "cannot read the file descriptors of %d: %s", (int)d->pid, strerror(-ret));
	}
	for (i = 0; i <= n; i++) {
		char lpath[64], target[PATH_MAX + 1], info[256];
		int fdn = i == 0 ? 0 : (int)fds[i - 1];
		ssize_t len;

		snprintf(lpath, sizeof(lpath), "fd/%d", fdn);
		len = readlinkat(dfd, lpath, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		zd_sb_addf(&sb, "%4d  ", fdn);
		put_esc(&sb, target);
		snprintf(lpath, sizeof(lpath), "fdinfo/%d", fdn);
		if (zd_read_small(dfd, lpath, info, sizeof(info)) > 0) {
			unsigned long long pos = 0;
			unsigned flags = 0;
			const char *f = strstr(info, "flags:");

			sscanf(info, "pos: %llu", &pos);
			if (f)
				flags = (unsigned)strtoul(f + 6, NULL, 8);
			zd_sb_addf(&sb, "  (%s%s%s, pos %llu)", (flags & O_ACCMODE) == O_RDONLY ? "r" :
						      (flags & O_ACCMODE) == O_WRONLY ? "w" : "rw",
				   flags & O_NONBLOCK ? ", nonblock" : "", flags & O_CLOEXEC ? ", cloexec" : "", pos);
		}
		zd_sb_addc(&sb, '\n');
	}
	free(fds);
	close(dfd);
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
cmd_list_breaks(struct dbg *d)
{
	struct zd_sb sb = ZD_SB_INIT;
	size_t i;

	if (!d->pt.bps.n) {
		printf("no breakpoints\n");
		return 0;
	}
	zd_sb_addf(&sb, "%-4s %-18s %-6s %s\n", "ID", "ADDRESS", "HITS", "WHERE");
	for (i = 0; i < d->pt.bps.n; i++) {
		const struct zd_bkpt *b = &d->pt.bps.v[i];
		struct zd_where w;

		zd_sb_addf(&sb, "%-4d 0x%016" PRIx64 " %-6lu ", b->id, b->addr, b->hits);
		if (load_space(d) == 0) {
			zd_space_lookup(&d->space, b->addr, d->lines ? ZD_LOOKUP_LINE : 0, &w);
			put_sym(&sb, d, &w);
			zd_sb_addf(&sb, " (%s)", w.mod ? w.mod->name : "?");
			if (w.file) {
				zd_sb_adds(&sb, " at ");
				put_esc(&sb, w.file);
				zd_sb_addf(&sb, ":%d", w.line);
			}
		}
		zd_sb_addc(&sb, '\n');
	}
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Source level (the DWARF library, include/zdiag/dwarf.h):          */
/* print, ptype, info locals/args, frame/up/down.  One hunk (h-dwarf) */

struct src_vframe {
	unsigned phys, inl;
};

static struct {
	struct zd_di *di;
	pid_t tid;
	uint64_t pc, sp;            /* frame 0 when the frames were built */
	struct zd_dframe fr[64];
	size_t nfr;
	struct src_vframe v[256];   /* gdb's frame numbers, inline frames included */
	size_t nv, sel;
	unsigned nprint;            /* $N */
	const char *line;           /* the command line as typed (for print) */
} g_src;

static void
src_release(void)
{
	zd_di_free(g_src.di);
	g_src.di = NULL;
}

/* The frames of the current thread, rebuilt when it has moved. */
static int
src_frames(struct dbg *d)
{
	struct zd_thread *t;
	size_t i;

	if (!need_process(d))
		return -1;
	if (load_space(d) < 0)
		return cmd_fail(d, "cannot read the memory maps of %d", (int)d->pid);
	t = cur_thread(d);
	if (zd_pt_getregs(&d->pt, t) < 0)
		return cmd_fail(d, "cannot read the registers of thread %d: %s", (int)t->tid, strerror(errno));
	if (!g_src.di) {
		g_src.di = zd_di_new(&d->space);
		atexit(src_release);
	}
	if (g_src.nfr && g_src.tid == t->tid && g_src.pc == t->regs.rip && g_src.sp == t->regs.rsp)
		return 0;
	zd_di_flush(g_src.di);
	g_src.tid = t->tid;
	g_src.pc = t->regs.rip;
	g_src.sp = t->regs.rsp;
	memset(&g_src.fr[0], 0, sizeof(g_src.fr[0]));
	zd_dregs_from_user(&g_src.fr[0].regs, &t->regs);
	g_src.fr[0].mem = pt_reader;
	g_src.fr[0].ctx = &d->pt;
	for (g_src.nfr = 1; g_src.nfr < ZD_ARRAY_SIZE(g_src.fr); g_src.nfr++)
		if (zd_di_frame_up(g_src.di, &g_src.fr[g_src.nfr - 1], &g_src.fr[g_src.nfr]) < 0)
			break;
	g_src.nv = 0;
	for (i = 0; i < g_src.nfr && g_src.nv < ZD_ARRAY_SIZE(g_src.v); i++) {
		struct zd_srcpos pos[16];
		int n = zd_di_inline_chain(g_src.di, g_src.fr[i].regs.r[16], g_src.fr[i].caller, pos, 16), k;

		for (k = 0; k < (n > 0 ? n : 1) && g_src.nv < ZD_ARRAY_SIZE(g_src.v); k++)
			g_src.v[g_src.nv++] = (struct src_vframe){ (unsigned)i, (unsigned)k };
	}
	g_src.sel = 0;
	return 0;
}

static void
src_fmt(struct dbg *d, struct zd_fmt *f, bool bare)
{
	memset(f, 0, sizeof(*f));
	f->mem = pt_reader;
	f->ctx = &d->pt;
	f->namer = zd_di_name_addr;
	f->namer_ctx = g_src.di;
	f->bare = bare;
}

/* "#5  0x... in leaf (a=5, s=0x... \"x\") at FILE:LINE" */
static void
src_frame_line(struct dbg *d, size_t n, struct zd_sb *sb)
{
	const struct src_vframe *v = &g_src.v[n];
	const struct zd_dframe *fr = &g_src.fr[v->phys];
	struct zd_srcpos pos[16];
	struct zd_dvar *vars;
	struct zd_fmt f;
	size_t nvars, i;
	int k = zd_di_inline_chain(g_src.di, fr->regs.r[16], fr->caller, pos, 16);

	zd_sb_addf(sb, "#%-2zu ", n);
	if (v->phys > 0 && v->inl == 0)
		zd_sb_addf(sb, "0x%016" PRIx64 " in ", fr->regs.r[16]);
	if (k <= (int)v->inl || !pos[v->inl].func) {
		struct zd_where w;

		if (zd_space_lookup(&d->space, fr->regs.r[16], fr->caller ? ZD_LOOKUP_CALLER : 0, &w) == 0)
			put_esc(sb, w.sym->name);
		else
			zd_sb_adds(sb, "??");
		zd_sb_adds(sb, " ()");
		return;
	}
	put_esc(sb, pos[v->inl].func);
	zd_sb_adds(sb, " (");
	src_fmt(d, &f, true);
	if (zd_di_locals(g_src.di, fr, v->inl, ZD_DI_ARGS, &vars, &nvars) == 0) {
		for (i = 0; i < nvars; i++) {
			zd_sb_adds(sb, i ? ", " : "");
			put_esc(sb, vars[i].name);
			zd_sb_addc(sb, '=');
			zd_value_format(&vars[i].value, &f, sb);
		}
		zd_dvars_free(vars, nvars);
	}
	zd_sb_adds(sb, ") at ");
	put_esc(sb, pos[v->inl].file);
	zd_sb_addf(sb, ":%d", pos[v->inl].line);
}

static int
cmd_frame(struct dbg *d, int argc, char **argv)
{
	struct zd_sb sb = ZD_SB_INIT;
	long long n = 0;

	if (src_frames(d) < 0)
		return -1;
	if (argc > 2 || (argc == 2 && zd_parse_ll(argv[1], 0, INT_MAX, &n) < 0))
		return cmd_fail(d, "usage: %s [N]", argv[0]);
	if (!strcmp(argv[0], "frame"))
		n = argc == 2 ? n : (long long)g_src.sel;
	else if (!strcmp(argv[0], "up"))
		n = (long long)g_src.sel + (argc == 2 ? n : 1);
	else
		n = (long long)g_src.sel - (argc == 2 ? n : 1);
	if (n < 0 || n >= (long long)g_src.nv)
		return cmd_fail(d, n < 0 ? "bottom (innermost) frame selected; you cannot go down"
				  : "no frame %lld (the stack has %zu)", n, g_src.nv);
	g_src.sel = (size_t)n;
	src_frame_line(d, g_src.sel, &sb);
	zd_sb_addc(&sb, '\n');
	zd_sb_write(&sb, stdout);
	zd_sb_release(&sb);
	return 0;
}

/* info locals / info args of the selected frame, as gdb prints them. */
static int
src_info_vars(struct dbg *d, unsigned what)
{
	const struct src_vframe *v;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_dvar *vars;
	struct zd_fmt f;
	size_t n, i;
	int ret;

	if (src_frames(d) < 0)
		return -1;
	v = &g_src.v[g_src.sel];
	ret = zd_di_locals(g_src.di, &g_src.fr[v->phys], v->inl, what, &vars, &n);
	if (ret < 0)
		return cmd_fail(d, "no symbol table info available");
	src_fmt(d, &f, true);
	for (i = 0; i < n; i++) {
		put_esc(&sb, vars[i].name);
		zd_sb_adds(&sb, " = ");
		zd_value_format(&vars[i].value, &f, &sb);
		zd_sb_addc(&sb, '\n');
	}
	if (!n)
		zd_sb_adds(&sb, what == ZD_DI_ARGS ? "No arguments.\n" : "No locals.\n");
	zd_sb_write(&sb, stdout);
	zd_sb_release(&sb);
	zd_dvars_free(vars, n);
	return 0;
}

/* print[/FMT] EXPR and ptype EXPR: the expression is the rest of the typed line. */
static int
cmd_print(struct dbg *d, int argc, char **argv)
{
	const char *line = g_src.line ? g_src.line : "", *e;
	bool ptype = !strcmp(argv[0], "ptype");
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;
	struct zd_value val;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_fmt f;
	char err[256], letter = 0;
	int ret;

	(void)argc;
	if (src_frames(d) < 0)
		return -1;
	while (*line == ' ' || *line == '\t')
		line++;
	line += strcspn(line, " \t/");
	e = ptype ? line : zd_dexpr_format(line, &letter);
	if (!e)
		return cmd_fail(d, "undefined output format");
	c.di = g_src.di;
	c.fr = &g_src.fr[g_src.v[g_src.sel].phys];
	c.inl = g_src.v[g_src.sel].inl;
	zd_di_dexpr_env(&c, &env);
	ret = zd_dexpr_eval(&env, e, &val, err, sizeof(err));
	if (ret < 0) {
		/* gdb's words, in zdiag's style: lowercase, no final period */
		if (err[0] >= 'A' && err[0] <= 'Z' && !(err[1] >= 'A' && err[1] <= 'Z'))
			err[0] = (char)(err[0] - 'A' + 'a');
		if (*err && err[strlen(err) - 1] == '.')
			err[strlen(err) - 1] = '\0';
		zd_esc_cs(&sb, err, 0);
		cmd_fail(d, "%s", sb.buf);
		zd_sb_release(&sb);
		return -1;
	}
	if (ptype) {
		zd_sb_adds(&sb, "type = ");
		zd_type_ptype(val.type, &sb);
	} else {
		src_fmt(d, &f, false);
		f.letter = letter;
		zd_sb_addf(&sb, "$%u = ", ++g_src.nprint);
		zd_value_format(&val, &f, &sb);
	}
	zd_sb_addc(&sb, '\n');
	zd_sb_write(&sb, stdout);
	zd_sb_release(&sb);
	zd_value_release(&val);
	return 0;
}

static int
cmd_info(struct dbg *d, int argc, char **argv)
{
	if (argc != 2)
		return cmd_fail(d, "usage: info threads|maps|modules|signals|fds|breaks|regs|locals|args");
	if (!need_process(d))
		return -1;
	if (!strcmp(argv[1], "threads"))
		return info_threads(d);
	if (!strcmp(argv[1], "maps"))
		return info_maps(d);
	if (!strcmp(argv[1], "modules") || !strcmp(argv[1], "sharedlibrary"))
		return info_modules(d);
	if (!strcmp(argv[1], "signals"))
		return info_signals(d);
	if (!strcmp(argv[1], "fds"))
		return info_fds(d);
	if (!strcmp(argv[1], "breaks") || !strcmp(argv[1], "breakpoints"))
		return cmd_list_breaks(d);
	if (!strcmp(argv[1], "regs") || !strcmp(argv[1], "registers"))
		return cmd_regs(d, 1, argv);
	if (!strcmp(argv[1], "locals") || !strcmp(argv[1], "args"))
		return src_info_vars(d, argv[1][0] == 'l' ? ZD_DI_LOCALS : ZD_DI_ARGS);
	return cmd_fail(d, "usage: info threads|maps|modules|signals|fds|breaks|regs|locals|args");
}

static int
cmd_thread(struct dbg *d, int argc, char **argv)
{
	long long v;
	struct zd_thread *t;

	if (!need_process(d))
		return -1;
	if (argc == 1) {
		printf("current thread: %d\n", (int)cur_thread(d)->tid);
		return 0;
	}
	if (argc != 2 || zd_parse_ll(argv[1], 1, INT_MAX, &v) < 0)
		return cmd_fail(d, "usage: thread [TID]");
	t = zd_pt_thread(&d->pt, (pid_t)v);
	if (!t || !(t->flags & ZD_TH_STOPPED) || (t->flags & ZD_TH_GONE))
		return cmd_fail(d, "no stopped thread %lld in process %d", v, (int)d->pid);
	d->cur = t->tid;
	printf("current thread: %d\n", (int)t->tid);
	return 0;
}

static int
cmd_break(struct dbg *d, int argc, char **argv)
{
	struct zd_bkpt *b;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_where w;
	uint64_t addr;
	int ret;

	if (argc != 2)
		return cmd_fail(d, "usage: break ADDR|SYMBOL");
	if (!need_process(d) || eval(d, argv[1], &addr) < 0)
		return -1;
	ret = zd_pt_break(&d->pt, addr, &b);
	if (ret == -EEXIST)
		return cmd_fail(d, "there is already a breakpoint at 0x%" PRIx64, addr);
	if (ret < 0)
		return cmd_fail(d, "cannot set a breakpoint at 0x%" PRIx64 ": %s", addr,
				ret == -EFAULT || ret == -EIO ? "address not mapped" : strerror(-ret));
	zd_sb_addf(&sb, "breakpoint %d at 0x%" PRIx64, b->id, addr);
	if (load_space(d) == 0 && zd_space_lookup(&d->space, addr, d->lines ? ZD_LOOKUP_LINE : 0, &w) == 0) {
		zd_sb_adds(&sb, ": ");
		put_sym(&sb, d, &w);
		if (w.file) {
			zd_sb_adds(&sb, " at ");
			put_esc(&sb, w.file);
			zd_sb_addf(&sb, ":%d", w.line);
		}
	}
	zd_sb_addc(&sb, '\n');
	out_flush(&sb);
	zd_sb_release(&sb);
	return 0;
}

static int
cmd_delete(struct dbg *d, int argc, char **argv)
{
	long long id;
	int ret;

	if (argc != 2 || zd_parse_ll(argv[1], 1, INT_MAX, &id) < 0)
		return cmd_fail(d, "usage: delete N (see 'list breaks')");
	if (!need_process(d))
		return -1;
	ret = zd_pt_delete(&d->pt, (int)id);
	if (ret == -ENOENT)
		return cmd_fail(d, "no breakpoint %lld", id);
	if (ret < 0)
		return cmd_fail(d, "cannot remove breakpoint %lld: %s", id, strerror(-ret));
	for (size_t i = 0; i < d->pt.nth; i++)
		if (d->pt.th[i].bp_hit == (int)id)
			d->pt.th[i].bp_hit = 0;
	printf("deleted breakpoint %lld\n", id);
	return 0;
}

static const struct zd_dec_opts syscall_dec_opts = ZD_DEC_OPTS_INIT;

/*
 * One syscall stop of a stopped thread, decoded strace-style by the tracer's
 * decoders (include/zdiag/decode.h): at the entry stop the name and input
 * arguments ("openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY <unfinished ...>"); at the exit
 * stop of the same thread the whole call with its output arguments and
 * return value.  An exit stop whose entry zdiag did not see shows only the
 * return value.
 */
static void
format_syscall(struct zd_sb *sb, struct dbg *d, pid_t tid, const struct ptrace_syscall_info *sc)
{
	if (sc->op == PTRACE_SYSCALL_INFO_ENTRY || sc->op == PTRACE_SYSCALL_INFO_SECCOMP) {
		if (d->call_tid)
			zd_call_release(&d->call);
		zd_sb_reset(&d->call_text);
		zd_call_init(&d->call, tid, (long)sc->entry.nr, (const uint64_t *)sc->entry.args, &syscall_dec_opts);
		zd_call_entry(&d->call, &d->call_text);
		d->call_tid = tid;
		zd_sb_addf(sb, "%s <unfinished ...>", d->call_text.buf);
	} else if (sc->op == PTRACE_SYSCALL_INFO_EXIT && d->call_tid == tid) {
		zd_call_exit(&d->call, &d->call_text, sc->exit.rval);
		zd_call_pad(&d->call_text, 0);
		zd_call_retval(&d->call, &d->call_text);
		zd_sb_adds(sb, d->call_text.buf);
		zd_call_release(&d->call);
		d->call_tid = 0;
	} else if (sc->op == PTRACE_SYSCALL_INFO_EXIT) {
		long long rv = (long long)sc->exit.rval;

		if (sc->exit.is_error) {
			const char *en = zd_errname((int)-rv);

			zd_sb_addf(sb, "<... resumed> = -1 %s (%s)", en ? en : "E?", strerror((int)-rv));
		} else {
			zd_sb_addf(sb, "<... resumed> = %lld", rv);
		}
	} else {
		zd_sb_adds(sb, "(syscall stop)");
	}
}

static void
report_where(struct zd_sb *sb, struct dbg *d, struct zd_thread *t)
{
	struct zd_where w;

	if (!t || zd_pt_getregs(&d->pt, t) < 0)
		return;
	zd_sb_addf(sb, "0x%016" PRIx64 " in ", (uint64_t)t->regs.rip);
	if (load_space(d) == 0) {
		zd_space_lookup(&d->space, t->regs.rip, d->lines ? ZD_LOOKUP_LINE : 0, &w);
		put_sym(sb, d, &w);
		zd_sb_addf(sb, " (%s)", w.mod ? w.mod->name : "?");
		if (w.file) {
			zd_sb_adds(sb, " at ");
			put_esc(sb, w.file);
			zd_sb_addf(sb, ":%d", w.line);
		}
	}
	zd_sb_addc(sb, '\n');
}

static void
session_over(struct dbg *d, int status)
{
	char ws[96];

	zd_wait_status_str(status, ws, sizeof(ws));
	printf("process %d %s\n", (int)d->pid, ws);
	d->done = true;
	if (d->run_mode) {
		d->have_exit_code = true;
		d->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

static void
report_event(struct zd_sb *sb, struct dbg *d, const struct zd_pt_event *ev, bool main_event)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, ev->tid);

	switch (ev->kind) {
	case ZD_EV_BREAK:
		zd_sb_addf(sb, "thread %d hit breakpoint %d at ", (int)ev->tid, ev->bp_id);
		report_where(sb, d, t);
		break;
	case ZD_EV_STEP:
		if (main_event)
			report_where(sb, d, t);
		break;
	case ZD_EV_SIGNAL:
		zd_sb_addf(sb, "thread %d received %s", (int)ev->tid, zd_signame(ev->sig));
		if (ev->sig == SIGINT && t) {
			/* Like gdb: Ctrl-C is for the debugger, not passed on. */
			t->pending_sig = 0;
			zd_sb_adds(sb, " (not passed on; 'signal SIGINT' delivers it)");
		} else {
			zd_sb_adds(sb, " (delivered on continue; 'signal 0' discards it)");
		}
		zd_sb_adds(sb, " at ");
		report_where(sb, d, t);
		break;
	case ZD_EV_SYSCALL:
		zd_sb_addf(sb, "thread %d: ", (int)ev->tid);
		format_syscall(sb, d, ev->tid, &ev->sc);
		zd_sb_addc(sb, '\n');
		break;
	case ZD_EV_INTERRUPTED:
	case ZD_EV_WOKEN:
		zd_sb_addf(sb, "interrupted: thread %d at ", (int)(t ? t->tid : ev->tid));
		report_where(sb, d, t ? t : cur_thread(d));
		break;
	case ZD_EV_GROUP_STOP:
		zd_sb_addf(sb, "process stopped by %s (group-stop); 'cont' resumes it\n", zd_signame(ev->sig));
		break;
	case ZD_EV_EXEC:
		zd_sb_addf(sb, "process %d executed a new program; breakpoints were removed\n", (int)d->pid);
		d->space_ok = false;
		break;
	case ZD_EV_EXITED:
		break;
	default:
		break;
	}
}

static int
resume(struct dbg *d, enum zd_resume how)
{
	struct zd_pt_event ev;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_thread *t;
	size_t i;
	int ret;

	if (!need_process(d))
		return -1;
	t = cur_thread(d);
	ret = zd_pt_resume(&d->pt, t->tid, how, &d->wake, &ev);
	d->space_ok = false;
	if (ret < 0)
		return cmd_fail(d, "cannot resume thread %d: %s", (int)t->tid, strerror(-ret));
	/* A termination signal ends the session; so does Ctrl-C unless a
	 * person at the prompt used it to interrupt the process (gdb). */
	if (ev.kind == ZD_EV_WOKEN && (ev.sig != SIGINT || !d->interactive))
		d->end_signal = ev.sig;
	if (ev.kind == ZD_EV_EXITED) {
		session_over(d, ev.status);
		return 0;
	}
	if (ev.tid && zd_pt_thread(&d->pt, ev.tid) && (zd_pt_thread(&d->pt, ev.tid)->flags & ZD_TH_STOPPED))
		d->cur = ev.tid;
	report_event(&sb, d, &ev, true);
	for (i = 0; i < d->pt.nev; i++)
		report_event(&sb, d, &d->pt.evq[i], false);
	out_flush(&sb);
	zd_sb_release(&sb);
	if (d->pt.exited)
		session_over(d, d->pt.exit_status);
	return 0;
}

static int
cmd_signal(struct dbg *d, int argc, char **argv)
{
	struct zd_thread *t;
	int sig;

	if (argc != 2)
		return cmd_fail(d, "usage: signal SIG|0");
	if (!need_process(d))
		return -1;
	sig = !strcmp(argv[1], "0") ? 0 : zd_sigparse(argv[1]);
	if (sig < 0) {
		struct zd_sb e = ZD_SB_INIT;

		zd_esc_cs(&e, argv[1], 0);
		cmd_fail(d, "unknown signal '%s'", e.buf);
		zd_sb_release(&e);
		return -1;
	}
	t = cur_thread(d);
	t->pending_sig = sig;
	if (sig)
		printf("%s will be delivered to thread %d on continue\n", zd_signame(sig), (int)t->tid);
	else
		printf("no signal will be delivered to thread %d\n", (int)t->tid);
	return 0;
}

static int
end_session(struct dbg *d, bool kill_it)
{
	int left;

	if (d->done || d->pt.exited) {
		d->done = true;
		return 0;
	}
	if (kill_it) {
		zd_pt_kill(&d->pt);
		d->done = true;
		if (!d->quiet)
			fprintf(stderr, "zdiag: killed %d\n", (int)d->pid);
		if (d->run_mode) {
			d->have_exit_code = true;
			d->exit_code = 128 + SIGKILL;
		}
		return 0;
	}
	left = zd_pt_detach(&d->pt);
	d->done = true;
	if (left)
		zd_warn("%d thread%s of %d did not stop and stay%s traced until zdiag exits", left,
			left == 1 ? "" : "s", (int)d->pid, left == 1 ? "s" : "");
	if (!d->quiet)
		fprintf(stderr, "zdiag: detached from %d\n", (int)d->pid);
	return 0;
}

static int cmd_help(struct dbg *d, int argc, char **argv);

static int
cmd_cont(struct dbg *d, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_fail(d, "usage: cont");
	return resume(d, ZD_RESUME_CONT);
}

static int
cmd_stepi(struct dbg *d, int argc, char **argv)
{
	long long n = 1, i;

	if (argc > 2 || (argc == 2 && zd_parse_ll(argv[1], 1, 100000, &n) < 0))
		return cmd_fail(d, "usage: stepi [N]");
	for (i = 0; i < n && !d->done && !d->end_signal; i++)
		if (resume(d, ZD_RESUME_STEP) < 0)
			return -1;
	return 0;
}

static int
cmd_syscall(struct dbg *d, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_fail(d, "usage: syscall");
	return resume(d, ZD_RESUME_SYSCALL);
}

static int
cmd_detach(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return end_session(d, false);
}

static int
cmd_kill(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!need_process(d))
		return -1;
	return end_session(d, true);
}

static int
cmd_quit(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* attach: detach; run: kill the program, like gdb ('detach' lets it run on). */
	return end_session(d, d->run_mode);
}

static int
cmd_list(struct dbg *d, int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "breaks") && strcmp(argv[1], "breakpoints")))
		return cmd_fail(d, "usage: list breaks");
	if (!need_process(d))
		return -1;
	return cmd_list_breaks(d);
}

struct dcmd {
	const char *name;
	const char *alias;
	int (*fn)(struct dbg *d, int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct dcmd dcmds[] = {
	{ "regs", "info registers", cmd_regs, "regs [NAME...]", "general registers of the current thread (eax, al, ... work too)" },
	{ "set", NULL, cmd_set, "set REG VALUE | set syntax att|intel", "change a register (SETREGS); choose the disassembly syntax" },
	{ "bt", "backtrace", cmd_bt, "bt [TID|all] [--unique]", "backtrace: #N 0xADDR in FUNC+0xOFF (MODULE) at FILE:LINE" },
	{ "x", NULL, cmd_x, "x ADDR|SYMBOL [COUNT]", "hex dump of COUNT (default 8) 8-byte words" },
	{ "peek", NULL, cmd_peek, "peek ADDR|SYMBOL", "one 8-byte word" },
	{ "poke", NULL, cmd_poke, "poke ADDR|SYMBOL VALUE", "write one 8-byte word (POKEDATA)" },
	{ "str", NULL, cmd_str, "str ADDR [MAX]", "a C string, escaped" },
	{ "disas", "disassemble", cmd_disas, "disas [ADDR|SYMBOL] [N]", "disassemble N instructions (a whole function by name); => marks the pc, [b] a breakpoint" },
	{ "sym", NULL, cmd_sym, "sym ADDR", "address to FUNC+OFF, module, FILE:LINE" },
	{ "addr", NULL, cmd_addr, "addr SYMBOL", "symbol to address in the executable and every library (MODULE!SYMBOL to choose)" },
	{ "info", NULL, cmd_info, "info threads|maps|modules|signals|fds|breaks", "process state" },
	{ "thread", NULL, cmd_thread, "thread [TID]", "show or switch the current thread" },
	{ "break", "b", cmd_break, "break ADDR|SYMBOL", "set a breakpoint (int3)" },
	{ "delete", NULL, cmd_delete, "delete N", "remove breakpoint N" },
	{ "list", NULL, cmd_list, "list breaks", "breakpoints with hit counts" },
	{ "cont", "c", cmd_cont, "cont", "continue until a breakpoint, a signal or exit; Ctrl-C interrupts the process" },
	{ "stepi", "si", cmd_stepi, "stepi [N]", "execute one instruction (or N) in the current thread" },
	{ "syscall", NULL, cmd_syscall, "syscall", "continue to the current thread's next syscall entry or exit" },
	{ "signal", NULL, cmd_signal, "signal SIG|0", "deliver SIG to the current thread on continue (0: none)" },
	{ "detach", NULL, cmd_detach, "detach", "remove breakpoints, let the process run on, end the session" },
	{ "kill", NULL, cmd_kill, "kill", "SIGKILL the process and end the session" },
	{ "quit", "q", cmd_quit, "quit", "end the session: detach (attach) or kill the program (run)" },
	{ "print", "p", cmd_print, "print[/FMT] EXPR", "a C expression in the selected frame, as gdb prints it (FMT: x d u o t c s)" },
	{ "ptype", NULL, cmd_print, "ptype EXPR", "the type of EXPR, as gdb shows it" },
	{ "frame", NULL, cmd_frame, "frame [N]", "select frame N (inline frames count, as in gdb) and show it" },
	{ "up", NULL, cmd_frame, "up [N]", "select the caller's frame" },
	{ "down", NULL, cmd_frame, "down [N]", "select the callee's frame" },
	{ "help", NULL, cmd_help, "help [COMMAND]", "this list" },
};

static const struct dcmd *
find_dcmd(const char *name)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(dcmds); i++)
		if (!strcmp(dcmds[i].name, name) || (dcmds[i].alias && !strcmp(dcmds[i].alias, name)))
			return &dcmds[i];
	if (!strcmp(name, "exit"))
		return find_dcmd("quit");
	if (!strcmp(name, "continue"))
		return find_dcmd("cont");
	if (!strncmp(name, "print/", 6) || !strncmp(name, "p/", 2))
		return find_dcmd("print");
	return NULL;
}

static int
cmd_help(struct dbg *d, int argc, char **argv)
{
	size_t i;

	if (argc == 2) {
		const struct dcmd *c = find_dcmd(argv[1]);

		if (!c)
			return cmd_fail(d, "no command '%s' (see 'help')", argv[1]);
		printf("%s\n    %s\n", c->usage, c->help);
		return 0;
	}
	for (i = 0; i < ZD_ARRAY_SIZE(dcmds); i++)
		printf("  %-38s %s\n", dcmds[i].usage, dcmds[i].help);
	printf("Addresses: numbers (0x..), $REG, SYMBOL or MODULE!SYMBOL, joined by + and -.\n");
	return 0;
}

static void
exec_line(struct dbg *d, const char *line)
{
	char *copy = zd_xstrdup(line), *argv[16];
	int argc = zd_dbg_split(copy, argv, 16);
	const struct dcmd *c;

	g_src.line = line;

	if (argc > 0) {
		/* "info registers" is an alias of regs. */
		if (argc == 2 && !strcmp(argv[0], "info") && !strcmp(argv[1], "registers"))
			argc = 1, argv[0] = (char *)"regs";
		c = find_dcmd(argv[0]);
		if (!c) {
			struct zd_sb e = ZD_SB_INIT;

			zd_esc_cs(&e, argv[0], 0);
			cmd_fail(d, "unknown command '%s' (see 'help')", e.buf);
			zd_sb_release(&e);
		} else {
			c->fn(d, argc, argv);
		}
	}
	fflush(stdout);
	free(copy);
}

/* ---------------------------------------------------------------- */
/* Interactive prompt                                                */

static char *
history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct zd_sb sb = ZD_SB_INIT;

	if (state && *state == '/')
		zd_sb_addf(&sb, "%s/zdiag", state);
	else if (home && *home)
		zd_sb_addf(&sb, "%s/.local/state/zdiag", home);
	else
		return NULL;
	/* mkdir -p, private */
	for (char *p = sb.buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(sb.buf, 0700);
			*p = '/';
		}
	mkdir(sb.buf, 0700);
	zd_sb_adds(&sb, "/history");
	return zd_sb_detach(&sb);
}

static char *
gen_words(const char *text, int state, const char *const *words, size_t n)
{
	static size_t i;
	size_t len = strlen(text);

	if (!state)
		i = 0;
	while (i < n) {
		const char *w = words[i++];

		if (w && !strncmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static char *
gen_cmd(const char *text, int state)
{
	const char *w[ZD_ARRAY_SIZE(dcmds)];
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(dcmds); i++)
		w[i] = dcmds[i].name;
	return gen_words(text, state, w, ZD_ARRAY_SIZE(dcmds));
}

static char *
gen_info(const char *text, int state)
{
	static const char *const w[] = { "threads", "maps", "modules", "signals", "fds", "breaks", "registers" };

	return gen_words(text, state, w, ZD_ARRAY_SIZE(w));
}

static char *
gen_reg(const char *text, int state)
{
	static size_t i;
	size_t n, len = strlen(text);
	const struct zd_reg *tab = zd_reg_table(&n);

	if (!state)
		i = 0;
	while (i < n) {
		const char *w = tab[i++].name;

		if (!strncmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static char *
gen_sym(const char *text, int state)
{
	static size_t mi, si;
	size_t len = strlen(text);
	struct dbg *d = g_dbg;

	if (!state) {
		mi = 0;
		si = 0;
		if (load_space(d) < 0)
			return NULL;
	}
	for (; mi < d->space.nmods; mi++, si = 0) {
		const struct zd_module *m = &d->space.mods[mi];
		const struct zd_sym *s;
		size_t n;

		if (!m->elf)
			continue;
		s = zd_elf_syms(m->elf, &n);
		while (si < n) {
			const char *name = s[si++].name;

			if (!strncmp(name, text, len))
				return strdup(name);
		}
	}
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	char first[32] = "";
	int i = 0;

	(void)end;
	rl_attempted_completion_over = 1;
	while (rl_line_buffer[i] == ' ')
		i++;
	if (start <= i)
		return rl_completion_matches(text, gen_cmd);
	sscanf(rl_line_buffer + i, "%31s", first);
	if (!strcmp(first, "info"))
		return rl_completion_matches(text, gen_info);
	if (!strcmp(first, "regs") || !strcmp(first, "set") || text[0] == '$')
		return rl_completion_matches(text[0] == '$' ? text + 1 : text, gen_reg);
	return rl_completion_matches(text, gen_sym);
}

static char *pending_line;
static bool line_eof;

static void
on_line(char *line)
{
	if (!line)
		line_eof = true;
	pending_line = line;
}

/* Wait for input or a signal; returns the signal number when one came. */
static int
wait_input(struct dbg *d)
{
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { d->sigfd, POLLIN, 0 } };

	for (;;) {
		int r = poll(pf, d->sigfd >= 0 ? 2 : 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return SIGHUP;
		if (d->sigfd >= 0 && (pf[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(d->sigfd, &si, sizeof(si)) == sizeof(si))
				return (int)si.ssi_signo;
		}
		if (pf[0].revents)
			return 0;
	}
}

static void
repl_tty(struct dbg *d)
{
	char *hist = history_path();

	using_history();
	stifle_history(1000);
	if (hist)
		read_history(hist);
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_readline_name = "zdiag";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n+-";
	rl_callback_handler_install("(zdiag) ", on_line);
	while (!d->done && !d->end_signal) {
		int sig = wait_input(d);

		if (sig == SIGINT) {
			/* Ctrl-C at the prompt: drop the line. */
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_crlf();
			rl_replace_line("", 0);
			rl_on_new_line();
			rl_redisplay();
			continue;
		}
		if (sig == SIGWINCH) {
			rl_resize_terminal();
			continue;
		}
		if (sig) {
			d->end_signal = sig;
			break;
		}
		rl_callback_read_char();
		if (line_eof) {
			putchar('\n');
			break;
		}
		if (pending_line) {
			char *line = pending_line;

			pending_line = NULL;
			rl_callback_handler_remove();
			for (size_t n = strlen(line); n && isspace((unsigned char)line[n - 1]); n--)
				line[n - 1] = '\0';
			if (*line) {
				HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;

				if (!last || strcmp(last->line, line))
					add_history(line);
			}
			exec_line(d, line);
			free(line);
			if (!d->done && !d->end_signal)
				rl_callback_handler_install("(zdiag) ", on_line);
		}
	}
	rl_callback_handler_remove();
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, 1000);
		free(hist);
	}
	clear_history();
}

/* Commands from a pipe or file: no prompt, no echo. */
static void
repl_pipe(struct dbg *d)
{
	struct zd_sb buf = ZD_SB_INIT;
	bool eof = false;

	while (!d->done && !d->end_signal) {
		char *nl = memchr(buf.buf, '\n', buf.len);

		if (nl || (eof && buf.len)) {
			size_t n = nl ? (size_t)(nl - buf.buf) : buf.len;
			char *line = zd_xstrndup(buf.buf, n);

			memmove(buf.buf, buf.buf + n + (nl ? 1 : 0), buf.len - n - (nl ? 1 : 0));
			zd_sb_setlen(&buf, buf.len - n - (nl ? 1 : 0));
			exec_line(d, line);
			free(line);
			continue;
		}
		if (eof)
			break;
		{
			int sig = wait_input(d);
			char chunk[4096];
			ssize_t r;

			if (sig && sig != SIGWINCH) {
				d->end_signal = sig;
				break;
			}
			if (sig)
				continue;
			r = read(0, chunk, sizeof(chunk));
			if (r <= 0)
				eof = true;
			else
				zd_sb_add(&buf, chunk, (size_t)r);
		}
	}
	zd_sb_release(&buf);
}

/* ---------------------------------------------------------------- */
/* Entry points                                                      */

static void
snapshot_before(struct dbg *d)
{
	char path[64];
	pid_t *tids;
	size_t n, i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)d->pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (zd_proc_list(fd, ".", &tids, &n) == 0) {
		d->before = zd_xcalloc(n ? n : 1, sizeof(*d->before));
		for (i = 0; i < n; i++) {
			struct info0 *b = &d->before[d->nbefore];
			struct zd_stat st;
			int tfd = zd_proc_open_task(fd, tids[i]);

			if (tfd < 0)
				tfd = openat(fd, (snprintf(path, sizeof(path), "%d", (int)tids[i]), path),
					     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (tfd < 0)
				continue;
			b->tid = tids[i];
			if (zd_proc_read_stat(tfd, &st) == 0) {
				b->state = st.state;
				memcpy(b->comm, st.comm, sizeof(b->comm));
			}
			zd_proc_read_wchan(tfd, b->wchan, sizeof(b->wchan));
			close(tfd);
			d->nbefore++;
		}
		free(tids);
	}
	close(fd);
}

/* zdiag is crashing: never leave int3 bytes or stopped threads behind. */
static void
on_fatal(int sig)
{
	if (g_dbg && !g_dbg->done)
		zd_pt_emergency(&g_dbg->pt);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_fatal_handlers(void)
{
	/* Under AddressSanitizer, SEGV & co. stay with its reports. */
#ifndef __SANITIZE_ADDRESS__
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE };
#else
	static const int sigs[] = { SIGABRT };
#endif
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < ZD_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int
parse_common(struct dbg *d, struct zd_optparse *p, int id)
{
	long long v;
	enum zd_color cm;

	switch (id) {
	case OPT_TIMEOUT:
		if (zd_parse_ms(p->arg, 3600000, &v) < 0 || v < 1)
			return zd_usage_error(p->cmd->name, "--timeout wants milliseconds (1..3600000), not '%s'", p->arg);
		d->timeout_ms = v;
		return 0;
	case OPT_MAX_FRAMES:
		if (zd_parse_ll(p->arg, 1, 100000, &v) < 0)
			return zd_usage_error(p->cmd->name, "--max-frames wants 1..100000, not '%s'", p->arg);
		d->max_frames = (size_t)v;
		return 0;
	case OPT_STACK_SIZE:
		if (zd_parse_ll(p->arg, 4, 1024 * 1024, &v) < 0)
			return zd_usage_error(p->cmd->name, "--stack-size wants KB (4..1048576), not '%s'", p->arg);
		d->stack_max = (size_t)v * 1024;
		return 0;
	case OPT_NO_LINES:
		d->lines = false;
		return 0;
	case OPT_LINES:
		d->lines = true;
		d->all_lines = true;
		return 0;
	case 'q':
		d->quiet = true;
		return 0;
	case 'v':
		d->verbose = true;
		return 0;
	case OPT_COLOR:
		if (zd_color_parse(p->arg, &cm) < 0)
			return zd_usage_error(p->cmd->name, "--color wants auto, always or never, not '%s'", p->arg);
		d->color = zd_color_use(cm, 1);
		return 0;
	}
	return -1;
}

static void
dbg_release(struct dbg *d)
{
	zd_unwinder_free(d->uw);
	zd_disasm_free(d->dis);
	zd_space_release(&d->space);
	zd_procfs_close(&d->pfs);
	free(d->before);
	if (d->call_tid)
		zd_call_release(&d->call);
	zd_sb_release(&d->call_text);
	if (d->sigfd >= 0)
		close(d->sigfd);
}

int
zd_attach_main(const struct zd_cmd *cmd, int argc, char **argv, bool run_mode)
{
	struct dbg d;
	struct zd_optparse p;
	const char **evals = NULL;
	size_t nevals = 0, alloc = 0, i;
	bool bt = false, unique = false, json = false;
	sigset_t block;
	int id, rc, ret;

	memset(&d, 0, sizeof(d));
	d.run_mode = run_mode;
	d.lines = true;
	d.max_frames = 256;
	d.stack_max = 1024 * 1024;
	d.timeout_ms = 1000;
	d.syntax = ZD_SYNTAX_ATT;
	d.sigfd = -1;
	zd_sb_init(&d.call_text);
	d.color = zd_color_use(ZD_COLOR_AUTO, 1);
	zd_opt_init(&p, cmd, argc, argv);
	while ((id = zd_opt_next(&p)) != ZD_OPT_END) {
		switch (id) {
		case 'e':
			ZD_GROW(evals, alloc, nevals + 1);
			evals[nevals++] = p.arg;
			break;
		case OPT_BT:
			bt = true;
			break;
		case OPT_UNIQUE:
			unique = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			if (id == ZD_OPT_HELP || id == ZD_OPT_ERROR) {
				free(evals);
				return zd_opt_default(&p, id);
			}
			rc = parse_common(&d, &p, id);
			if (rc) {
				zd_opt_release(&p);
				free(evals);
				return rc;
			}
		}
	}
	if (run_mode) {
		if (p.ind >= argc) {
			free(evals);
			return zd_usage_error(cmd->name, "no command to run (zdiag run [-e CMD]... -- CMD [ARGS])");
		}
	} else {
		long long v;

		if (p.ind >= argc) {
			free(evals);
			return zd_usage_error(cmd->name, "no pid given");
		}
		if (p.ind + 1 < argc) {
			free(evals);
			return zd_usage_error(cmd->name, "unexpected argument '%s'", argv[p.ind + 1]);
		}
		if (zd_parse_ll(argv[p.ind], 1, INT_MAX, &v) < 0) {
			free(evals);
			return zd_usage_error(cmd->name, "'%s' is not a pid", argv[p.ind]);
		}
		d.pid = (pid_t)v;
		if ((unique || json || d.all_lines) && !bt) {
			free(evals);
			return zd_usage_error(cmd->name, "--unique, --json and --lines go with --bt");
		}
		if (bt && nevals) {
			free(evals);
			return zd_usage_error(cmd->name, "--bt and -e do not mix (use -e 'bt all')");
		}
	}
	if (zd_procfs_open(&d.pfs, NULL) < 0) {
		free(evals);
		return zd_error("cannot open /proc");
	}
	zd_space_init(&d.space);
	g_dbg = &d;

	/* Signals that end or interrupt a session are taken synchronously. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	d.wake = block;
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, NULL);

	if (!run_mode) {
		rc = check_target(&d, d.pid);
		if (rc) {
			dbg_release(&d);
			free(evals);
			return rc;
		}
		if (bt) {
			d.own_lines = !d.all_lines;
			rc = fast_bt(&d, unique, json);
			dbg_release(&d);
			free(evals);
			return rc;
		}
		snapshot_before(&d);
		zd_pt_init(&d.pt);
		ret = zd_pt_attach(&d.pt, d.pid, d.timeout_ms);
		if (ret < 0) {
			zd_pt_release(&d.pt);
			rc = attach_error(&d, d.pid, ret);
			dbg_release(&d);
			free(evals);
			return rc;
		}
		zd_pt_set_session_options(&d.pt);
		/* SIGKILL cannot be caught: a guardian process takes our int3
		 * bytes out if we die while the process runs with them. */
		if (zd_guard_start(&d.guard, d.pid) == 0)
			d.pt.guard = &d.guard;
	} else {
		zd_pt_init(&d.pt);
		d.pt.timeout_ms = d.timeout_ms;
		ret = zd_pt_spawn(&d.pt, argv + p.ind);
		if (ret < 0) {
			struct zd_sb e = ZD_SB_INIT;

			zd_pt_release(&d.pt);
			zd_esc_cs(&e, argv[p.ind], 0);
			zd_error("cannot run '%s': %s", e.buf, strerror(-ret));
			zd_sb_release(&e);
			dbg_release(&d);
			free(evals);
			return ret == -ENOENT ? ZD_EXIT_NOT_FOUND : ZD_EXIT_CANNOT_EXEC;
		}
		d.pid = d.pt.pid;
		zd_target_probe(&d.pfs, d.pid, &d.target);
	}
	install_fatal_handlers();
	d.cur = zd_pt_thread(&d.pt, d.pid) && (zd_pt_thread(&d.pt, d.pid)->flags & ZD_TH_STOPPED) ?
			d.pid : zd_pt_any_stopped(&d.pt)->tid;
	d.interactive = !nevals && isatty(0);
	d.sigfd = signalfd(-1, &block, SFD_CLOEXEC);
	if (!d.quiet) {
		size_t stopped = zd_pt_count(&d.pt, ZD_TH_STOPPED), stuck = zd_pt_count(&d.pt, ZD_TH_STUCK);
		struct zd_sb e = ZD_SB_INIT;

		zd_esc_cs(&e, run_mode ? argv[p.ind] : d.target.comm, 0);
		if (run_mode)
			fprintf(stderr, "zdiag: started %d (%s), stopped before its first instruction\n", (int)d.pid, e.buf);
		else
			fprintf(stderr, "zdiag: attached to %d (%s): %zu thread%s stopped%s\n", (int)d.pid, e.buf, stopped,
				stopped == 1 ? "" : "s", d.target.kind == ZD_TARGET_ZOMBIE_LEADER ? " (zombie leader)" : "");
		if (stuck)
			fprintf(stderr, "zdiag: warning: %zu thread%s did not stop within %lld ms (see 'info threads')\n",
				stuck, stuck == 1 ? "" : "s", d.timeout_ms);
		if (d.interactive)
			fprintf(stderr, "zdiag: 'help' lists the commands; 'detach' or Ctrl-D ends the session\n");
		zd_sb_release(&e);
	}
	for (i = 0; i < nevals && !d.done && !d.end_signal; i++) {
		struct pollfd pf = { d.sigfd, POLLIN, 0 };

		exec_line(&d, evals[i]);
		if (d.sigfd >= 0 && poll(&pf, 1, 0) > 0) {
			struct signalfd_siginfo si;

			if (read(d.sigfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGWINCH)
				d.end_signal = (int)si.ssi_signo;
		}
	}
	if (!nevals && !d.done && !d.end_signal) {
		if (d.interactive)
			repl_tty(&d);
		else
			repl_pipe(&d);
	}
	/* End of batch, EOF, a signal: leave the process as it was found. */
	if (!d.done)
		end_session(&d, false);
	if (run_mode && !d.have_exit_code && !d.pt.exited) {
		/* Detached: the program runs to completion; report its status.
		 * zdiag stays killable meanwhile. */
		int st;

		sigprocmask(SIG_UNBLOCK, &block, NULL);

		while (waitpid(d.pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			d.have_exit_code = true;
			d.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
	}
	if (d.pt.guard)
		zd_guard_stop(&d.guard);
	zd_pt_release(&d.pt);
	rc = d.failed ? ZD_EXIT_FOUND : ZD_EXIT_OK;
	if (d.end_signal)
		rc = 128 + d.end_signal;
	else if (run_mode && d.have_exit_code)
		rc = d.exit_code;
	dbg_release(&d);
	free(evals);
	g_dbg = NULL;
	return rc;
}

static int
cmd_attach_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	return zd_attach_main(cmd, argc, argv, false);
}

const struct zd_cmd zd_cmd_attach = {
	.name = "attach",
	.fn = cmd_attach_fn,
	.summary = "debug a running process: all-thread stacks in milliseconds, or a session",
	.synopsis = "PID --bt [--unique] [--json] [--lines | --no-lines] [--timeout MS] [--max-frames N] [--stack-size KB] [-v]\n"
		    "PID [-e CMD]... [-q] [--timeout MS]\n",
	.description =
		"Attach to every thread of PID with PTRACE_SEIZE (never a SIGSTOP).  With --bt, copy\n"
		"registers and stacks, detach at once, then unwind (libunwind, frame-pointer fallback)\n"
		"and symbolize (.symtab, debug files by build-id, vDSO): the process is stopped only\n"
		"for the copy.  Otherwise keep it stopped for commands: from -e (batch), a terminal\n"
		"(readline prompt, history, completion) or standard input.  Every way out (detach,\n"
		"quit, end of input, SIGINT/SIGTERM/SIGHUP, errors) removes breakpoints and leaves\n"
		"the process running (or stopped, if it was stopped before).  A zombie leader whose\n"
		"threads live is attachable.  'help' at the prompt lists the commands.",
	.opts = attach_opts,
	.positional = "@pid",
	.exit_status = "0 every command succeeded; 1 a command failed (unknown symbol, unreadable address)\n"
		       "or, with --bt, a thread could not be stopped; 2 usage error or cannot attach;\n"
		       "128+N ended by signal N (after detaching).",
};
