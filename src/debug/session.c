/*
 * The debugger session: attach or launch, the current thread, resuming
 * and reporting what stopped the process, and every way the session ends.
 * Text goes into a struct zd_dbg_out (include/zdiag/dbg.h); nothing here
 * prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdiag/dbgline.h"
#include "zdiag/esc.h"
#include "zdiag/regs.h"
#include "zdiag/sig.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

/* ---------------------------------------------------------------- */
/* Output sink                                                       */

void
zd_dbg_out_init(struct zd_dbg_out *out, zd_dbg_flush_fn *flush, void *ctx)
{
	zd_sb_init(&out->text);
	zd_sb_init(&out->err);
	out->failed = false;
	out->flush = flush;
	out->ctx = ctx;
}

void
zd_dbg_out_release(struct zd_dbg_out *out)
{
	zd_sb_release(&out->text);
	zd_sb_release(&out->err);
}

void
zd_dbg_out_flush(struct zd_dbg_out *out)
{
	if (out->flush && (out->text.len || out->err.len))
		out->flush(out, out->ctx);
}

static void
vdiag(struct zd_dbg_out *out, const char *fmt, va_list ap)
{
	zd_sb_vaddf(&out->err, fmt, ap);
	zd_sb_addc(&out->err, '\n');
}

int
zd_dbg_fail(struct zd_dbg_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(out, fmt, ap);
	va_end(ap);
	out->failed = true;
	return -1;
}

void
zd_dbg_diag(struct zd_dbg_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(out, fmt, ap);
	va_end(ap);
}

int
dbg_fail_word(struct zd_dbg_out *out, const char *msg, const char *word)
{
	const char *at = strstr(msg, "%s");

	zd_sb_add(&out->err, msg, (size_t)(at - msg));
	zd_esc_cs(&out->err, word, 0);
	zd_sb_adds(&out->err, at + 2);
	zd_sb_addc(&out->err, '\n');
	out->failed = true;
	return -1;
}

/* ---------------------------------------------------------------- */
/* Rendering helpers                                                 */

const char *
dbg_col(const struct zd_dbg *d, const char *code)
{
	return d->color ? code : "";
}

void
dbg_put_esc(struct zd_sb *sb, const char *s)
{
	zd_esc_cs(sb, s ? s : "", 0);
}

void
dbg_put_sym(struct zd_sb *sb, const struct zd_dbg *d, const struct zd_where *w)
{
	zd_sb_adds(sb, dbg_col(d, C_FUNC));
	if (w->sym) {
		dbg_put_esc(sb, w->sym->name);
		if (w->off)
			zd_sb_addf(sb, "+0x%" PRIx64, w->off);
	} else {
		zd_sb_adds(sb, "??");
	}
	zd_sb_adds(sb, dbg_col(d, C_RESET));
}

void
dbg_put_angle(struct zd_sb *sb, struct zd_dbg *d, uint64_t addr)
{
	struct zd_where w;

	if (zd_dbg_load_space(d) < 0 || zd_space_lookup(&d->space, addr, 0, &w) < 0)
		return;
	zd_sb_adds(sb, " <");
	dbg_put_esc(sb, w.sym->name);
	if (w.off)
		zd_sb_addf(sb, "+0x%" PRIx64, w.off);
	zd_sb_adds(sb, ">");
}

void
dbg_put_where(struct zd_sb *sb, struct zd_dbg *d, uint64_t addr)
{
	struct zd_where w;

	if (zd_dbg_load_space(d) < 0)
		return;
	zd_space_lookup(&d->space, addr, d->lines ? ZD_LOOKUP_LINE : 0, &w);
	dbg_put_sym(sb, d, &w);
	zd_sb_addf(sb, " (%s)", w.mod ? w.mod->name : "?");
	if (w.file) {
		zd_sb_adds(sb, " at ");
		dbg_put_esc(sb, w.file);
		zd_sb_addf(sb, ":%d", w.line);
	}
}

ssize_t
dbg_pt_reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read_raw(ctx, addr, buf, len);
}

ssize_t
dbg_pt_reader_masked(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read(ctx, addr, buf, len);
}

void
dbg_read_comm(pid_t pid, pid_t tid, char *buf, size_t size)
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

/* ---------------------------------------------------------------- */
/* Life of a session                                                 */

void
zd_dbg_init(struct zd_dbg *d)
{
	memset(d, 0, sizeof(*d));
	d->lines = true;
	d->max_frames = 256;
	d->stack_max = 1024 * 1024;
	d->timeout_ms = 1000;
	d->syntax = ZD_SYNTAX_ATT;
	sigemptyset(&d->wake);
	zd_sb_init(&d->call_text);
}

/* After the caller blocked its signals: zd_pt_release restores this mask. */
void
dbg_pt_start(struct zd_dbg *d)
{
	zd_pt_init(&d->pt);
	d->pt_on = true;
}

void
dbg_pt_stop(struct zd_dbg *d)
{
	if (d->pt_on)
		zd_pt_release(&d->pt);
	d->pt_on = false;
}

int
zd_dbg_open(struct zd_dbg *d, struct zd_dbg_out *out)
{
	int ret = zd_procfs_open(&d->pfs, NULL);

	if (ret < 0) {
		zd_dbg_diag(out, "cannot open /proc");
		return ret;
	}
	zd_space_init(&d->space);
	d->opened = true;
	return 0;
}

int
zd_dbg_check_target(struct zd_dbg *d, struct zd_dbg_out *out)
{
	char why[512];

	if (zd_target_probe(&d->pfs, d->pid, &d->target) < 0) {
		zd_dbg_diag(out, "cannot attach to %d: /proc is not readable", (int)d->pid);
		return -EIO;
	}
	if (d->target.kind == ZD_TARGET_LIVE || d->target.kind == ZD_TARGET_ZOMBIE_LEADER)
		return 0;
	zd_target_refusal(&d->target, why, sizeof(why));
	zd_dbg_diag(out, "cannot attach to %d: %s", (int)d->pid, why);
	return -EPERM;
}

/* Why zd_pt_attach failed, as one line. */
int
dbg_attach_error(struct zd_dbg *d, int err, struct zd_dbg_out *out)
{
	char why[512];

	if (err == -ETIMEDOUT) {
		zd_dbg_diag(out, "cannot attach to %d: no thread stopped within %lld ms (all in D state?)", (int)d->pid,
			    d->timeout_ms);
		return err;
	}
	/* The target may have changed under us (exited, became a zombie). */
	zd_target_probe(&d->pfs, d->pid, &d->target);
	zd_target_explain(&d->target, err, why, sizeof(why));
	zd_dbg_diag(out, "cannot attach to %d: %s", (int)d->pid, why);
	return err;
}

/* Thread states before attaching, for 'info threads'. */
static void
snapshot_before(struct zd_dbg *d)
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
			struct zd_dbg_before *b = &d->before[d->nbefore];
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

static void
pick_first_thread(struct zd_dbg *d)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, d->pid);

	d->cur = t && (t->flags & ZD_TH_STOPPED) ? d->pid : zd_pt_any_stopped(&d->pt)->tid;
}

int
zd_dbg_attach(struct zd_dbg *d, struct zd_dbg_out *out)
{
	int ret;

	snapshot_before(d);
	dbg_pt_start(d);
	ret = zd_pt_attach(&d->pt, d->pid, d->timeout_ms);
	if (ret < 0) {
		dbg_pt_stop(d);
		return dbg_attach_error(d, ret, out);
	}
	zd_pt_set_session_options(&d->pt);
	/* SIGKILL cannot be caught: a guardian process takes our int3
	 * bytes out if we die while the process runs with them. */
	if (zd_guard_start(&d->guard, d->pid) == 0)
		d->pt.guard = &d->guard;
	pick_first_thread(d);
	return 0;
}

int
zd_dbg_launch(struct zd_dbg *d, char *const argv[], struct zd_dbg_out *out)
{
	int ret;

	d->run_mode = true;
	dbg_pt_start(d);
	d->pt.timeout_ms = d->timeout_ms;
	ret = zd_pt_spawn(&d->pt, argv);
	if (ret < 0) {
		struct zd_sb e = ZD_SB_INIT;

		dbg_pt_stop(d);
		zd_esc_cs(&e, argv[0], 0);
		zd_dbg_diag(out, "cannot run '%s': %s", e.buf, strerror(-ret));
		zd_sb_release(&e);
		return ret;
	}
	d->pid = d->pt.pid;
	zd_target_probe(&d->pfs, d->pid, &d->target);
	pick_first_thread(d);
	return 0;
}

int
zd_dbg_end(struct zd_dbg *d, bool kill_it, struct zd_dbg_out *out)
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
			zd_dbg_diag(out, "killed %d", (int)d->pid);
		if (d->run_mode) {
			d->have_exit_code = true;
			d->exit_code = 128 + SIGKILL;
		}
		return 0;
	}
	left = zd_pt_detach(&d->pt);
	d->done = true;
	if (left)
		zd_dbg_diag(out, "warning: %d thread%s of %d did not stop and stay%s traced until zdiag exits", left,
			    left == 1 ? "" : "s", (int)d->pid, left == 1 ? "s" : "");
	if (!d->quiet)
		zd_dbg_diag(out, "detached from %d", (int)d->pid);
	return 0;
}

void
zd_dbg_wait_program(struct zd_dbg *d)
{
	int st;

	if (!d->run_mode || d->have_exit_code || d->pt.exited)
		return;
	while (waitpid(d->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		d->have_exit_code = true;
		d->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

void
zd_dbg_emergency(struct zd_dbg *d)
{
	if (d->pt_on && !d->done)
		zd_pt_emergency(&d->pt);
}

void
zd_dbg_release(struct zd_dbg *d)
{
	if (d->pt.guard)
		zd_guard_stop(&d->guard);
	d->pt.guard = NULL;
	dbg_pt_stop(d);
	zd_unwinder_free(d->uw);
	d->uw = NULL;
	zd_disasm_free(d->dis);
	d->dis = NULL;
	if (d->opened) {
		zd_space_release(&d->space);
		zd_procfs_close(&d->pfs);
	}
	d->opened = false;
	free(d->before);
	d->before = NULL;
	if (d->call_tid)
		zd_call_release(&d->call);
	d->call_tid = 0;
	zd_sb_release(&d->call_text);
	dbg_watch_release(d);
	dbg_src_release(d);
	dbg_step_release(d);
}

/* ---------------------------------------------------------------- */
/* Threads, memory map, expressions                                  */

struct zd_thread *
zd_dbg_cur_thread(struct zd_dbg *d)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, d->cur);

	if (!t || (t->flags & ZD_TH_GONE) || !(t->flags & ZD_TH_STOPPED)) {
		t = zd_pt_any_stopped(&d->pt);
		if (t)
			d->cur = t->tid;
	}
	return t;
}

int
zd_dbg_load_space(struct zd_dbg *d)
{
	int ret;

	if (d->space_ok)
		return 0;
	if (!d->pt.memtid && !zd_pt_any_stopped(&d->pt))
		return -ESRCH;
	ret = zd_space_load(&d->space, d->pt.memtid ? d->pt.memtid : zd_pt_any_stopped(&d->pt)->tid, dbg_pt_reader,
			    &d->pt);
	if (ret == 0) {
		d->space_ok = true;
		if (d->uw)
			zd_unwinder_flush(d->uw);
	}
	return ret;
}

double
zd_dbg_stopped_ms(const struct zd_dbg *d)
{
	const struct zd_ptrace *pt = &d->pt;

	if (!pt->pause_begin_ns || pt->pause_end_ns < pt->pause_begin_ns)
		return 0;
	return (double)(pt->pause_end_ns - pt->pause_begin_ns) / 1e6;
}

bool
dbg_need_process(struct zd_dbg *d, struct zd_dbg_out *out)
{
	if (d->done || d->pt.exited || !zd_pt_any_stopped(&d->pt)) {
		zd_dbg_fail(out, "no process: the session is over");
		return false;
	}
	return true;
}

struct eval_ctx {
	struct zd_dbg *d;
	struct zd_dbg_out *out;
};

/* A term of an address expression that is not a number: $REG or a symbol.
 * Failures are reported here (-1). */
static int
eval_term(void *ctx, const char *term, uint64_t *v)
{
	struct eval_ctx *c = ctx;
	struct zd_dbg *d = c->d;

	if (*term == '$') {
		const struct zd_reg *r = zd_reg_find(term);
		struct zd_thread *t = zd_dbg_cur_thread(d);

		if (r && t && zd_pt_getregs(&d->pt, t) == 0) {
			*v = zd_reg_get(&t->regs, r);
			return 0;
		}
		if (r)
			return zd_dbg_fail(c->out, "no registers: no stopped thread");
		return dbg_fail_word(c->out, "unknown register '%s'", term);
	}
	if (zd_dbg_load_space(d) == 0 && zd_space_resolve(&d->space, term, v, NULL, NULL) == 0)
		return 0;
	return dbg_fail_word(c->out, "no symbol '%s' in the executable or its libraries", term);
}

int
dbg_eval(struct zd_dbg *d, const char *expr, uint64_t *v, struct zd_dbg_out *out)
{
	struct eval_ctx c = { d, out };
	int r = zd_dbg_eval(expr, eval_term, &c, v);

	if (r == -E2BIG)
		return zd_dbg_fail(out, "expression too long");
	if (r == -EINVAL)
		dbg_fail_word(out, "bad expression '%s'", expr);
	return r < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* Resuming and events                                               */

static const struct zd_dec_opts syscall_dec_opts = ZD_DEC_OPTS_INIT;

/*
 * One syscall stop of a stopped thread, decoded strace-style by the tracer's
 * decoders (include/zdiag/decode.h): at the entry stop the name and input
 * arguments ("openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY <unfinished ...>"); at the exit
 * stop of the same thread the whole call with its output arguments and
 * return value.  An exit stop whose entry zdiag did not see shows only the
 * return value.
 */
void
dbg_format_syscall(struct zd_sb *sb, struct zd_dbg *d, pid_t tid, const struct ptrace_syscall_info *sc)
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
report_where(struct zd_sb *sb, struct zd_dbg *d, struct zd_thread *t)
{
	if (!t || zd_pt_getregs(&d->pt, t) < 0)
		return;
	zd_sb_addf(sb, "0x%016" PRIx64 " in ", (uint64_t)t->regs.rip);
	dbg_put_where(sb, d, t->regs.rip);
	zd_sb_addc(sb, '\n');
}

static void
session_over(struct zd_dbg *d, int status, struct zd_sb *sb)
{
	char ws[96];

	zd_wait_status_str(status, ws, sizeof(ws));
	zd_sb_addf(sb, "process %d %s\n", (int)d->pid, ws);
	d->done = true;
	if (d->run_mode) {
		d->have_exit_code = true;
		d->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

static void
report_event(struct zd_sb *sb, struct zd_dbg *d, const struct zd_pt_event *ev, bool main_event)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, ev->tid);

	if (dbg_watch_report(sb, d, ev, main_event))   /* watchpoints, catchpoints (watch.c) */
		return;
	switch (ev->kind) {
	case ZD_EV_BREAK:
		zd_sb_addf(sb, "thread %d hit breakpoint %d at ", (int)ev->tid, ev->bp_id);
		report_where(sb, d, t);
		if (main_event && t)
			dbg_put_stop_source(sb, d, t->regs.rip);   /* as gdb */
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
		dbg_format_syscall(sb, d, ev->tid, &ev->sc);
		zd_sb_addc(sb, '\n');
		break;
	case ZD_EV_INTERRUPTED:
	case ZD_EV_WOKEN:
		zd_sb_addf(sb, "interrupted: thread %d at ", (int)(t ? t->tid : ev->tid));
		report_where(sb, d, t ? t : zd_dbg_cur_thread(d));
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

int
dbg_resume(struct zd_dbg *d, enum zd_resume how, struct zd_dbg_out *out)
{
	struct zd_pt_event ev;
	struct zd_thread *t;
	int ret;

	if (!dbg_need_process(d, out))
		return -1;
	t = zd_dbg_cur_thread(d);
	ret = dbg_resume_bp(d, t->tid, how, &ev, out);
	d->space_ok = false;
	if (ret < 0)
		return zd_dbg_fail(out, "cannot resume thread %d: %s", (int)t->tid, strerror(-ret));
	dbg_report_stop(d, &ev, out);
	return 0;
}

void
dbg_report_stop(struct zd_dbg *d, const struct zd_pt_event *evp, struct zd_dbg_out *out)
{
	struct zd_pt_event ev = *evp;
	size_t i;

	/* A termination signal ends the session; so does Ctrl-C unless a
	 * person at the prompt used it to interrupt the process (gdb). */
	if (ev.kind == ZD_EV_WOKEN && (ev.sig != SIGINT || !d->interactive))
		d->end_signal = ev.sig;
	if (ev.kind == ZD_EV_EXITED) {
		session_over(d, ev.status, &out->text);
		zd_dbg_out_flush(out);
		return;
	}
	if (ev.tid && zd_pt_thread(&d->pt, ev.tid) && (zd_pt_thread(&d->pt, ev.tid)->flags & ZD_TH_STOPPED))
		d->cur = ev.tid;
	report_event(&out->text, d, &ev, true);
	for (i = 0; i < d->pt.nev; i++)
		report_event(&out->text, d, &d->pt.evq[i], false);
	dbg_display_stop(d, out);
	zd_dbg_out_flush(out);
	if (d->pt.exited)
		session_over(d, d->pt.exit_status, &out->text);
}
