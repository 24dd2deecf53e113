/* Rendering tracer events: strace-style text, JSON Lines, the -c summary. */
#include <signal.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "dec.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/tamper.h"
#include "zdiag/lifecycle.h"
#include "zdiag/sig.h"
#include "zdiag/tracefmt.h"
#include "zdiag/xalloc.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"

#define ALIGN_COLUMN 40

/* tcb->ustate bits */
/* US_OPEN: with separate streams (-ff), this tcb's line is open (ucol: its width) */
enum { US_UNFINISHED = 1, US_OPEN = 2 };

void
zd_tfmt_init(struct zd_tfmt *f)
{
	memset(f, 0, sizeof(*f));
	zd_sb_init(&f->out);
	f->text = true;
	f->status = ZD_ST_ALL;
	f->durprec = 6;
	f->relprec = 6;
	f->align = ALIGN_COLUMN;
	f->sumopts = (struct zd_sum_opts)ZD_SUM_OPTS_INIT;
}

void
zd_tfmt_release(struct zd_tfmt *f)
{
	zd_sb_release(&f->out);
	zd_sum_release(&f->sum);
}

static const char *
col(const struct zd_tfmt *f, const char *code)
{
	return f->color ? code : "";
}

int
zd_tfmt_precision(const char *s, int *digits)
{
	static const char *const names[] = { "s", "ms", "us", "ns" };
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*digits = (int)(3 * i);
			return 0;
		}
	return -EINVAL;
}

/* ".123" for prec 3 of nsec; nothing for prec 0 */
static void
put_frac(struct zd_sb *sb, long nsec, int prec)
{
	long div = 1;
	int i;

	if (prec <= 0)
		return;
	for (i = prec; i < 9; i++)
		div *= 10;
	zd_sb_addf(sb, ".%0*ld", prec, nsec / div);
}

void
zd_tfmt_timestamp(struct zd_sb *sb, enum zd_tsfmt fmt, int prec, const struct timespec *wall)
{
	struct tm tm;
	char buf[32];
	time_t s = wall->tv_sec;

	switch (fmt) {
	case ZD_TSF_NONE:
		return;
	case ZD_TSF_UNIX:
		zd_sb_addf(sb, "%lld", (long long)s);
		break;
	case ZD_TSF_TIME:
		localtime_r(&s, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		zd_sb_adds(sb, buf);
		break;
	}
	put_frac(sb, wall->tv_nsec, prec);
	zd_sb_addc(sb, ' ');
}

/* -r: the time since the previous line's (monotonic), "     0.000123";
 * with -t/-tt/-ttt, "(+     0.000123) " after the time of day. */
static void
put_relative(struct zd_tfmt *f, struct zd_tcb *tcb, const struct timespec *mono)
{
	struct timespec d = { 0, 0 };
	struct timespec *last = f->separate ? &tcb->urel : &f->rel_last;

	if (last->tv_sec || last->tv_nsec) {
		d.tv_sec = mono->tv_sec - last->tv_sec;
		d.tv_nsec = mono->tv_nsec - last->tv_nsec;
		if (d.tv_nsec < 0) {
			d.tv_sec--;
			d.tv_nsec += 1000000000L;
		}
		if (d.tv_sec < 0)   /* a line for an earlier stop (a -z/-Z call) */
			d.tv_sec = d.tv_nsec = 0;
	}
	if (mono->tv_sec > last->tv_sec || (mono->tv_sec == last->tv_sec && mono->tv_nsec > last->tv_nsec))
		*last = *mono;
	zd_sb_addf(&f->out, f->tsfmt != ZD_TSF_NONE ? "(+%6lld" : "%6lld", (long long)d.tv_sec);
	put_frac(&f->out, d.tv_nsec, f->relprec);
	zd_sb_adds(&f->out, f->tsfmt != ZD_TSF_NONE ? ") " : " ");
}

/* What a line's -n and -i columns show. */
enum line_kind {
	LINE_CALL,      /* a call's entry: its number and address */
	LINE_SIGNAL,    /* a signal: the last call's number, the stop's address */
	LINE_OTHER,     /* exits and other events: the last number, no address */
};

/* -Y: the command name of tcb as of now, or as last seen (a thread that
 * is gone keeps its last name, as in strace's "+++ exited" lines). */
static void
refresh_comm(struct zd_tcb *tcb)
{
	struct zd_sb t = ZD_SB_INIT;

	zd_dec_pid_comm(&t, tcb->tid);
	if (t.len && t.len < sizeof(tcb->ucomm))
		memcpy(tcb->ucomm, t.buf, t.len + 1);
	zd_sb_release(&t);
}

/* Start a line: pid prefix, timestamps, -n, -i.  Returns the visible width. */
static size_t
line_start(struct zd_tfmt *f, struct zd_tcb *tcb, const struct timespec *wall,
	   const struct timespec *mono, enum line_kind kind)
{
	size_t start = f->out.len, colors = 0;
	bool pid = f->pidmode == ZD_PID_ALWAYS ||
		   (f->pidmode == ZD_PID_MULTI && f->tracer && zd_tracer_count(f->tracer) > 1);

	if (pid) {
		if (f->color) {
			zd_sb_adds(&f->out, C_DIM);
			colors += strlen(C_DIM);
		}
		if (f->decode_pids & ZD_DECPID_COMM)
			refresh_comm(tcb);
		else
			tcb->ucomm[0] = '\0';
		/* strace -Y: "[pid  1234<sleep>] ", or "1234<sleep> " (no padding) */
		if (f->pidmode == ZD_PID_ALWAYS)
			zd_sb_addf(&f->out, tcb->ucomm[0] ? "%d%s " : "%-5d%s ", (int)tcb->tid, tcb->ucomm);
		else
			zd_sb_addf(&f->out, "[pid %5d%s] ", (int)tcb->tid, tcb->ucomm);
		if (f->color) {
			zd_sb_adds(&f->out, C_RESET);
			colors += strlen(C_RESET);
		}
	}
	if (f->tsfmt != ZD_TSF_NONE)
		zd_tfmt_timestamp(&f->out, f->tsfmt, f->tsprec, wall);
	if (f->relative)
		put_relative(f, tcb, mono);
	if (f->show_nr) {
		long nr = kind == LINE_CALL || tcb->in_syscall ? tcb->sc_nr : tcb->last_nr;

		if (kind == LINE_SIGNAL && tcb->sig_nr >= 0)
			nr = tcb->sig_nr;
		zd_sb_addf(&f->out, "[%4ld] ", nr);
	}
	if (f->show_ip) {
		uint64_t ip = kind == LINE_CALL ? tcb->sc_ip : kind == LINE_SIGNAL ? tcb->sig_ip : 0;

		if (ip)
			zd_sb_addf(&f->out, "[%016llx] ", (unsigned long long)ip);
		else
			zd_sb_adds(&f->out, "[????????????????] ");
	}
	return f->out.len - start - colors;
}

/* The line tcb is about to write after: in one stream, whichever tracee's
 * line is open; with separate streams (-ff), only tcb's own. */
static struct zd_tcb *
open_line(const struct zd_tfmt *f, struct zd_tcb *tcb)
{
	if (f->separate)
		return tcb && (tcb->ustate & US_OPEN) ? tcb : NULL;
	return f->open;
}

static void
set_open(struct zd_tfmt *f, struct zd_tcb *tcb, size_t col)
{
	if (f->separate) {
		tcb->ustate |= US_OPEN;
		tcb->ucol = col;
	} else {
		f->open = tcb;
		f->opencol = col;
	}
}

/* End the open line before tcb writes (as strace does): it goes on later
 * as "<... name resumed>". */
static void
interrupt_open(struct zd_tfmt *f, struct zd_tcb *tcb)
{
	struct zd_tcb *o = open_line(f, tcb);

	if (!o)
		return;
	zd_sb_adds(&f->out, " <unfinished ...>\n");
	o->ustate = (o->ustate | US_UNFINISHED) & ~US_OPEN;
	if (!f->separate)
		f->open = NULL;
}

void
zd_tfmt_close(struct zd_tfmt *f)
{
	interrupt_open(f, NULL);
}

/* The call's text with the name coloured. */
static void
put_call_text(struct zd_tfmt *f, const struct zd_tcb *tcb, size_t from, size_t to)
{
	const char *s = tcb->line.buf;
	size_t namelen = 0;

	if (!f->color || from > 0) {
		zd_sb_add(&f->out, s + from, to - from);
		return;
	}
	while (namelen < to && s[namelen] != '(')
		namelen++;
	zd_sb_adds(&f->out, C_BOLD);
	zd_sb_add(&f->out, s, namelen);
	zd_sb_adds(&f->out, C_RESET);
	zd_sb_add(&f->out, s + namelen, to - namelen);
}

static void
put_pad(struct zd_tfmt *f, size_t width)
{
	if (width < f->align)
		zd_sb_addpad(&f->out, ' ', f->align - width);
	else
		zd_sb_addc(&f->out, ' ');
}

static void
put_retval(struct zd_tfmt *f, const struct zd_tcb *tcb)
{
	bool err = tcb->call.exited && zd_call_error(&tcb->call);

	if (err)
		zd_sb_adds(&f->out, col(f, C_RED));
	zd_call_retval(&tcb->call, &f->out);
	if (err)
		zd_sb_adds(&f->out, col(f, C_RESET));
}

static void
put_duration(struct zd_tfmt *f, const struct zd_tcb *tcb, const struct timespec *end)
{
	double d;

	if (!f->show_time)
		return;
	d = zd_ts_diff(&tcb->sc_start, end);
	if (d < 0)
		d = 0;
	zd_sb_addf(&f->out, " <%.*f>", f->durprec, d);
}

static const char *
call_name(const struct zd_tcb *tcb, char *buf, size_t size)
{
	const struct zd_sysent *e = zd_sysent(tcb->sc_nr);

	if (e)
		return e->name;
	snprintf(buf, size, "syscall_%#lx", tcb->sc_nr);
	return buf;
}

/* Which ZD_ST_* a finished call is (died: the tracee died in it). */
static unsigned
call_status(const struct zd_tcb *tcb, bool died)
{
	if (died || !tcb->call.exited)
		return ZD_ST_UNFINISHED;
	return zd_call_error(&tcb->call) ? ZD_ST_FAILED : ZD_ST_SUCCESSFUL;
}

/* ---------------------------------------------------------------- */
/* Text                                                              */

static void
text_enter(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_tcb *tcb = ev->tcb;
	size_t w;

	tcb->ustate &= ~US_UNFINISHED;
	if (f->status != ZD_ST_ALL)
		return;   /* the whole line is written at the exit */
	if (open_line(f, tcb) != tcb || f->separate)
		interrupt_open(f, tcb);
	w = line_start(f, tcb, &ev->wall, &tcb->sc_start, LINE_CALL);
	put_call_text(f, tcb, 0, tcb->call.entry_end);
	set_open(f, tcb, w + tcb->call.entry_end);
}

/* The end of a call: exit half (or the resumed line), padding, value. */
static void
text_finish(struct zd_tfmt *f, struct zd_tcb *tcb, const struct timespec *wall, const struct timespec *mono,
	    bool died)
{
	size_t w;
	size_t end = tcb->line.len;
	char nbuf[32];
	bool resumed = false;

	if (f->status != ZD_ST_ALL) {
		if (!(f->status & call_status(tcb, died)))
			return;
		interrupt_open(f, tcb);
		w = line_start(f, tcb, &tcb->sc_start_wall, &tcb->sc_start, LINE_CALL);
		put_call_text(f, tcb, 0, end);
		w += end;
	} else if (open_line(f, tcb) == tcb && !(tcb->ustate & US_UNFINISHED)) {
		put_call_text(f, tcb, tcb->call.entry_end, end);
		w = (f->separate ? tcb->ucol : f->opencol) + (end - tcb->call.entry_end);
		if (f->separate)
			tcb->ustate &= ~US_OPEN;
		else
			f->open = NULL;
	} else {
		resumed = true;
		interrupt_open(f, tcb);
		w = line_start(f, tcb, wall, mono, LINE_CALL);
		zd_sb_addf(&f->out, "<... %s resumed>", call_name(tcb, nbuf, sizeof(nbuf)));
		w += strlen(call_name(tcb, nbuf, sizeof(nbuf))) + 14;
		put_call_text(f, tcb, tcb->call.entry_end, end);
		w += end - tcb->call.entry_end;
	}
	if (died) {
		/* The tracee died inside the call. */
		long nr = tcb->sc_nr;

		if (nr != 60 && nr != 231 && !resumed) {   /* exit, exit_group never return */
			zd_sb_adds(&f->out, " <unfinished ...>");
			w += 17;
		}
		zd_sb_addc(&f->out, ')');
		w++;
	}
	put_pad(f, w);
	put_retval(f, tcb);
	if (!died)
		put_duration(f, tcb, mono);
	zd_sb_addc(&f->out, '\n');
	if (!died)
		zd_call_dump(&tcb->call, &f->out);   /* -e read=, -e write= */
	tcb->ustate &= ~US_UNFINISHED;
	if (f->after_call)
		f->after_call(f->after_ctx, tcb, &f->out);
}

static void
text_event_line(struct zd_tfmt *f, const struct zd_tev *ev, const char *color, const char *fmt, ...)
	ZD_PRINTF(4, 5);

static void
text_event_line(struct zd_tfmt *f, const struct zd_tev *ev, const char *color, const char *fmt, ...)
{
	va_list ap;

	interrupt_open(f, ev->tcb);
	line_start(f, ev->tcb, &ev->wall, &ev->mono, ev->type == ZD_TEV_SIGNAL ? LINE_SIGNAL : LINE_OTHER);
	zd_sb_adds(&f->out, col(f, color));
	va_start(ap, fmt);
	zd_sb_vaddf(&f->out, fmt, ap);
	va_end(ap);
	zd_sb_adds(&f->out, col(f, C_RESET));
	zd_sb_addc(&f->out, '\n');
}

static void
text_signal(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_sb si = ZD_SB_INIT;

	zd_dec_siginfo_pids(&si, ev->si, f->decode_pids, ev->tcb ? ev->tcb->tid : 0);
	text_event_line(f, ev, C_YELLOW, "--- %s %s ---", zd_dec_signame(ev->si->si_signo), si.buf);
	zd_sb_release(&si);
}

static void
text_exit(struct zd_tfmt *f, const struct zd_tev *ev)
{
	int s = ev->status;

	if (ev->unfinished)
		text_finish(f, ev->tcb, &ev->wall, &ev->mono, true);
	if (WIFEXITED(s) && !(f->quiet & ZD_QUIET_EXIT))
		text_event_line(f, ev, C_BOLD, "+++ exited with %d +++", WEXITSTATUS(s));
	else if (WIFSIGNALED(s))
		text_event_line(f, ev, C_BOLD, "+++ killed by %s%s +++", zd_dec_signame(WTERMSIG(s)),
				WCOREDUMP(s) ? " (core dumped)" : "");
}

/* Detached inside a shown call: strace's "read(0,  <detached ...>". */
static void
text_detached(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_tcb *tcb = ev->tcb;

	if (!tcb->in_syscall || !tcb->sc_shown)
		return;
	if (open_line(f, tcb) == tcb) {
		zd_sb_adds(&f->out, " <detached ...>\n");
		if (f->separate)
			tcb->ustate &= ~US_OPEN;
		else
			f->open = NULL;
	} else if (f->status != ZD_ST_ALL && (f->status & ZD_ST_DETACHED)) {
		interrupt_open(f, tcb);
		line_start(f, tcb, &tcb->sc_start_wall, &tcb->sc_start, LINE_CALL);
		put_call_text(f, tcb, 0, tcb->call.entry_end);
		zd_sb_adds(&f->out, " <detached ...>\n");
	}
}

/* ---------------------------------------------------------------- */
/* JSON                                                              */

/* Epoch seconds with microseconds (a double printed with %.9g would lose them). */
static void
json_time(struct zd_json *j, const char *key, const struct timespec *t)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%lld.%06ld", (long long)t->tv_sec, t->tv_nsec / 1000);
	zd_json_key(j, key);
	zd_json_raw(j, buf);
}

static void
json_head(struct zd_json *j, const char *event, const struct zd_tev *ev, const struct timespec *wall)
{
	zd_json_obj_begin(j);
	zd_json_kstr(j, "event", event);
	json_time(j, "time", wall);
	zd_json_kint(j, "pid", ev->tcb->pid);
	zd_json_kint(j, "tid", ev->tcb->tid);
}

static void
json_end(struct zd_tfmt *f, struct zd_json *j)
{
	zd_json_obj_end(j);
	zd_sb_addc(&f->out, '\n');
}

/* -e inject=: what was done to the call, strace's notes as words */
static void
json_tampered(struct zd_json *j, unsigned tampered)
{
	static const struct { unsigned bit; const char *word; } notes[] = {
		{ ZD_TAMPERED_RET, "retval" },
		{ ZD_TAMPERED_ARGS, "args" },
		{ ZD_TAMPERED_DELAYED, "delayed" },
	};
	size_t i;

	zd_json_key(j, "tampered");
	zd_json_arr_begin(j);
	for (i = 0; i < ZD_ARRAY_SIZE(notes); i++)
		if (tampered & notes[i].bit)
			zd_json_str(j, notes[i].word);
	zd_json_arr_end(j);
}

static void
json_syscall(struct zd_tfmt *f, const struct zd_tev *ev, bool died)
{
	struct zd_tcb *tcb = ev->tcb;
	const struct zd_call *c = &tcb->call;
	struct zd_json j;
	char buf[24];
	int i, nargs = c->ent ? c->ent->nargs : 6;
	size_t s, e;

	if (!(f->status & call_status(tcb, died)))
		return;
	zd_json_init(&j, &f->out, false);
	json_head(&j, "syscall", ev, &tcb->sc_start_wall);
	zd_json_kstr(&j, "name", c->ent ? c->ent->name : NULL);
	zd_json_kint(&j, "nr", tcb->sc_nr);
	zd_json_key(&j, "args");
	zd_json_arr_begin(&j);
	for (i = 0; zd_call_arg(c, i, &s, &e); i++)
		zd_json_strn(&j, tcb->line.buf + s, e - s);
	zd_json_arr_end(&j);
	zd_json_key(&j, "raw_args");
	zd_json_arr_begin(&j);
	for (i = 0; i < nargs; i++) {
		snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)c->args[i]);
		zd_json_str(&j, buf);
	}
	zd_json_arr_end(&j);
	if (died || !c->exited) {
		zd_json_knull(&j, "retval");
		zd_json_knull(&j, "errno");
		zd_json_knull(&j, "error");
		zd_json_knull(&j, "strerror");
	} else if (zd_call_error(c)) {
		int err = (int)-c->rval;

		zd_json_kint(&j, "retval", -1);
		zd_json_kint(&j, "errno", err);
		/* "ENOENT", "ERESTARTSYS" (its text "To be restarted ..."), or
		 * null for a number without a name (strace: "-1 (errno 600)") */
		zd_json_kstr(&j, "error", zd_dec_errname(err));
		zd_json_kstr(&j, "strerror", zd_dec_errtext(err));
	} else {
		zd_json_kint(&j, "retval", c->rval);
		zd_json_knull(&j, "errno");
		zd_json_knull(&j, "error");
		zd_json_knull(&j, "strerror");
	}
	zd_json_kbool(&j, "unfinished", died || !c->exited);
	json_tampered(&j, c->tampered);
	if (!died && c->exited) {
		double d = zd_ts_diff(&tcb->sc_start, &ev->mono);

		zd_json_kdouble(&j, "duration", d < 0 ? 0 : d);
	} else {
		zd_json_knull(&j, "duration");
	}
	{
		struct zd_sb t = ZD_SB_INIT;

		zd_sb_add(&t, tcb->line.buf, tcb->line.len);
		if (died)
			zd_sb_addc(&t, ')');
		zd_sb_adds(&t, " ");
		zd_call_retval(c, &t);
		zd_json_kstr(&j, "text", t.buf);
		zd_sb_release(&t);
	}
	json_end(f, &j);
}

static void
json_signal(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_json j;
	struct zd_sb si = ZD_SB_INIT;

	zd_dec_siginfo_pids(&si, ev->si, f->decode_pids, ev->tcb ? ev->tcb->tid : 0);
	zd_json_init(&j, &f->out, false);
	json_head(&j, "signal", ev, &ev->wall);
	zd_json_kstr(&j, "signal", zd_dec_signame(ev->si->si_signo));
	zd_json_kint(&j, "signo", ev->si->si_signo);
	zd_json_kint(&j, "code", ev->si->si_code);
	zd_json_kstr(&j, "siginfo", si.buf);
	json_end(f, &j);
	zd_sb_release(&si);
}

static void
json_exit(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_json j;
	int s = ev->status;

	if (ev->unfinished)
		json_syscall(f, ev, true);
	zd_json_init(&j, &f->out, false);
	json_head(&j, "exit", ev, &ev->wall);
	zd_json_kbool(&j, "thread", ev->tcb->tid != ev->tcb->pid);
	if (WIFEXITED(s)) {
		zd_json_kint(&j, "exit_code", WEXITSTATUS(s));
		zd_json_knull(&j, "signal");
		zd_json_kbool(&j, "core_dumped", false);
	} else {
		zd_json_knull(&j, "exit_code");
		zd_json_kstr(&j, "signal", zd_dec_signame(WTERMSIG(s)));
		zd_json_kbool(&j, "core_dumped", WCOREDUMP(s));
	}
	json_end(f, &j);
}

static const char *
spawn_name(enum zd_spawn_kind k)
{
	switch (k) {
	case ZD_SPAWN_FORK: return "fork";
	case ZD_SPAWN_VFORK: return "vfork";
	case ZD_SPAWN_CLONE: return "clone";
	case ZD_SPAWN_THREAD: return "thread";
	}
	return "?";
}

static void
json_simple(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_json j;

	zd_json_init(&j, &f->out, false);
	switch (ev->type) {
	case ZD_TEV_SPAWN:
		json_head(&j, "fork", ev, &ev->wall);
		zd_json_kint(&j, "child", ev->child);
		zd_json_kstr(&j, "kind", spawn_name(ev->spawn));
		break;
	case ZD_TEV_EXEC:
		json_head(&j, "exec", ev, &ev->wall);
		zd_json_kstr(&j, "comm", ev->tcb->proc ? ev->tcb->proc->comm : NULL);
		break;
	case ZD_TEV_REAP: {
		struct zd_tproc *p = f->tracer ? zd_lc_find(zd_tracer_lifecycle(f->tracer), ev->child) : NULL;

		json_head(&j, "reap", ev, &ev->wall);
		zd_json_kint(&j, "child", ev->child);
		if (p && p->exited)
			zd_json_kdouble(&j, "zombie_seconds", zd_ts_diff(&p->t_exit, &p->t_reap));
		else
			zd_json_knull(&j, "zombie_seconds");
		break;
	}
	case ZD_TEV_GROUP_STOP:
		json_head(&j, "stop", ev, &ev->wall);
		zd_json_kstr(&j, "signal", zd_dec_signame(ev->status));
		break;
	case ZD_TEV_ATTACH:
		json_head(&j, "attach", ev, &ev->wall);
		break;
	case ZD_TEV_DETACH:
		json_head(&j, "detach", ev, &ev->wall);
		break;
	default:
		return;
	}
	json_end(f, &j);
}

/* ---------------------------------------------------------------- */
/* Summary                                                           */

static void
summary_free(void *p)
{
	struct zd_summary *sum = p;

	if (sum)
		zd_sum_release(sum);
	free(sum);
}

/* -c: the call's time: system time (wait4's ru_stime, strace's default)
 * or, with -w, the wall time from entry to exit. */
static void
count(struct zd_tfmt *f, const struct zd_tev *ev)
{
	struct zd_tcb *tcb = ev->tcb;
	bool failed = zd_call_error(&tcb->call);
	double d = f->sum_wall ? zd_ts_diff(&tcb->sc_start, &ev->mono)
			       : zd_ts_diff(&tcb->sc_start_stime, &ev->stime);

	zd_sum_add(&f->sum, tcb->sc_nr, d, failed, &f->sumopts);
	if (f->per_process && tcb->proc) {
		if (!tcb->proc->user) {
			tcb->proc->user = zd_xcalloc(1, sizeof(struct zd_summary));
			tcb->proc->user_free = summary_free;
		}
		zd_sum_add(tcb->proc->user, tcb->sc_nr, d, failed, &f->sumopts);
	}
}

void
zd_tfmt_summary(struct zd_tfmt *f, struct zd_lifecycle *lc)
{
	size_t i;

	interrupt_open(f, NULL);
	if (!f->per_process || !lc) {
		zd_sum_table(&f->out, &f->sum, &f->sumopts);
		return;
	}
	for (i = 0; i < lc->n; i++) {
		struct zd_tproc *p = lc->v[i];

		if (!p->user)
			continue;
		zd_sb_addf(&f->out, "%sprocess %d (", i ? "\n" : "", (int)p->pid);
		zd_esc_cs(&f->out, p->comm, 0);
		zd_sb_adds(&f->out, "):\n");
		zd_sum_table(&f->out, p->user, &f->sumopts);
	}
	zd_sb_adds(&f->out, "\nall processes:\n");
	zd_sum_table(&f->out, &f->sum, &f->sumopts);
}

/* ---------------------------------------------------------------- */

void
zd_tfmt_event(struct zd_tfmt *f, const struct zd_tev *ev)
{
	switch (ev->type) {
	case ZD_TEV_SYSCALL_ENTER:
		if (f->text && !f->json)
			text_enter(f, ev);
		break;
	case ZD_TEV_SYSCALL_EXIT:
		if (f->summary)
			count(f, ev);
		if (f->json)
			json_syscall(f, ev, false);
		else if (f->text)
			text_finish(f, ev->tcb, &ev->wall, &ev->mono, false);
		break;
	case ZD_TEV_SIGNAL:
		if (f->json)
			json_signal(f, ev);
		else if (f->text)
			text_signal(f, ev);
		break;
	case ZD_TEV_EXIT:
		if (f->json)
			json_exit(f, ev);
		else if (f->text)
			text_exit(f, ev);
		if (f->open == ev->tcb)
			f->open = NULL;
		break;
	case ZD_TEV_SUPERSEDED:
		if (f->json) {
			if (ev->tcb->in_syscall && ev->tcb->sc_shown)
				json_syscall(f, ev, true);
		} else if (f->text) {
			if (ev->tcb->in_syscall && ev->tcb->sc_shown)
				text_finish(f, ev->tcb, &ev->wall, &ev->mono, true);
			if (!(f->quiet & ZD_QUIET_THREAD_EXECVE))
				text_event_line(f, ev, C_BOLD, "+++ superseded by execve in pid %d +++", (int)ev->child);
		}
		if (f->open == ev->tcb)
			f->open = NULL;
		break;
	case ZD_TEV_GROUP_STOP:
		if (f->json)
			json_simple(f, ev);
		else if (f->text)
			text_event_line(f, ev, C_YELLOW, "--- stopped by %s ---", zd_dec_signame(ev->status));
		break;
	case ZD_TEV_SPAWN:
	case ZD_TEV_EXEC:
	case ZD_TEV_REAP:
	case ZD_TEV_ATTACH:
	case ZD_TEV_DETACH:
		if (f->json)
			json_simple(f, ev);
		if (ev->type == ZD_TEV_DETACH && f->text && !f->json)
			text_detached(f, ev);
		break;
	}
}
