/*
 * Breakpoint extras (conditions, tbreak, disable) and source-level
 * stepping as gdb does it: `next` and `step` single-step the current
 * thread while its pc stays in the current line's address range; a call
 * is stepped over with an internal breakpoint at the return address (the
 * whole process runs meanwhile), which counts only when the thread comes
 * back to it with its stack pointer above the call's (recursion passes
 * it deeper); `step` into a function with line info stops after its
 * prologue.  `finish`, `until` and `advance` run to internal breakpoints.
 * Internal breakpoints live in the same table as the user's (so the
 * guardian and detach take them out like any other) and are deleted
 * before the command returns.  Another thread's stop (a breakpoint, a
 * signal) is reported as `cont` reports it and ends the command, as gdb
 * does.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "zdiag/bploc.h"
#include "zdiag/dexpr.h"
#include "zdiag/dline.h"
#include "zdiag/dvalue.h"
#include "zdiag/dwarf.h"
#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"
#include "step.h"

struct dbg_step {
	struct dbg_bpx *bx;
	size_t nbx, abx;
	int *ibp;                 /* internal breakpoints of the running command */
	size_t nibp, aibp;
	int *tdel;                /* tbreaks that stopped the process: deleted after the stop */
	size_t ntdel, atdel;
	char *last_src;           /* the source file printed from last */
	bool last_src_err;        /* ... which could not be opened */
	/* `step` entered inline frames that gdb hides at this stop: thread
	 * inl_tid at inl_pc shows inl_hidden of them hidden (until it runs) */
	bool inl_set;
	pid_t inl_tid;
	uint64_t inl_pc;
	int inl_hidden;
};

static struct dbg_step *
step_state(struct zd_dbg *d)
{
	if (!d->step)
		d->step = zd_xcalloc(1, sizeof(*d->step));
	return d->step;
}

void
dbg_step_release(struct zd_dbg *d)
{
	size_t i;

	if (!d->step)
		return;
	for (i = 0; i < d->step->nbx; i++)
		free(d->step->bx[i].cond);
	free(d->step->bx);
	free(d->step->ibp);
	free(d->step->tdel);
	free(d->step->last_src);
	free(d->step);
	d->step = NULL;
}

struct dbg_bpx *
dbg_bpx(struct zd_dbg *d, int id, bool create)
{
	struct dbg_step *s = step_state(d);
	size_t i;

	for (i = 0; i < s->nbx; i++)
		if (s->bx[i].id == id)
			return &s->bx[i];
	if (!create)
		return NULL;
	ZD_GROW(s->bx, s->abx, s->nbx + 1);
	memset(&s->bx[s->nbx], 0, sizeof(s->bx[0]));
	s->bx[s->nbx].id = id;
	return &s->bx[s->nbx++];
}

static void
bpx_remove(struct dbg_step *s, struct dbg_bpx *x)
{
	free(x->cond);
	*x = s->bx[--s->nbx];
}

static bool
has_sharers(struct dbg_step *s, int site)
{
	size_t i;

	for (i = 0; i < s->nbx; i++)
		if (s->bx[i].site == site)
			return true;
	return false;
}

/* Take zd_bkpt id out of the process and the tables. */
static int
site_delete(struct zd_dbg *d, int id)
{
	struct dbg_step *s = step_state(d);
	struct dbg_bpx *x;
	size_t i;
	int ret = zd_pt_delete(&d->pt, id);

	if (ret < 0)
		return ret;
	for (i = 0; i < d->pt.nth; i++)
		if (d->pt.th[i].bp_hit == id)
			d->pt.th[i].bp_hit = 0;
	if ((x = dbg_bpx(d, id, false)))
		bpx_remove(s, x);
	return 0;
}

int
dbg_bp_delete(struct zd_dbg *d, int id)
{
	struct dbg_step *s = step_state(d);
	struct dbg_bpx *x = dbg_bpx(d, id, false);
	struct dbg_bpx *sx;
	int site;

	if (x && x->site) {
		/* one of several at an address: the zd_bkpt stays while it is used */
		site = x->site;
		bpx_remove(s, x);
		sx = dbg_bpx(d, site, false);
		if (sx && sx->gone && !has_sharers(s, site))
			return site_delete(d, site);
		return 0;
	}
	if (has_sharers(s, id)) {
		x = dbg_bpx(d, id, true);
		free(x->cond);
		x->cond = NULL;
		x->gone = true;
		x->temp = x->disabled = false;
		return 0;
	}
	return site_delete(d, id);
}

int
dbg_bp_share(struct zd_dbg *d, int site)
{
	int id = d->pt.bps.next_id++;

	dbg_bpx(d, id, true)->site = site;
	return id;
}

bool
dbg_bp_visible(struct zd_dbg *d, int id, uint64_t *addr, unsigned long *hits)
{
	struct dbg_bpx *x = dbg_bpx(d, id, false);
	struct zd_bkpt *b = zd_bkpt_by_id(&d->pt.bps, x && x->site ? x->site : id);

	if (!b || (x && (x->internal || x->gone)))
		return false;
	*addr = b->addr;
	*hits = x && x->site ? x->hits : b->hits;
	return true;
}

static bool
is_internal(struct zd_dbg *d, const struct zd_pt_event *e)
{
	struct dbg_bpx *x;

	if (e->kind != ZD_EV_BREAK)
		return false;
	x = dbg_bpx(d, e->bp_id, false);
	return x && x->internal;
}

/* A value as a condition: 0 false, 1 true, -1 not a scalar. */
static int
truth(const struct zd_value *v)
{
	int64_t i;
	double f;

	if (zd_value_int(v, &i) == 0)
		return i != 0;
	if (zd_value_double(v, &f) == 0)
		return f != 0;
	return -1;
}

/*
 * Does breakpoint x stop the thread of e?  Not when disabled or its
 * condition is false; a condition that cannot be evaluated stops, with
 * gdb's message.
 */
static bool
one_stops(struct zd_dbg *d, const struct dbg_bpx *x, const struct zd_pt_event *e, struct zd_dbg_out *out)
{
	struct zd_dbg_out scratch;
	struct zd_value v;
	char err[256] = "";
	pid_t cur = d->cur;
	int r = -1;

	if (!x)
		return true;
	if (x->disabled)
		return false;
	if (!x->cond)
		return true;
	zd_dbg_out_init(&scratch, NULL, NULL);
	d->cur = e->tid;
	if (dbg_src_frames(d, &scratch) == 0) {
		if (dbg_src_eval0(d, x->cond, &v, err, sizeof(err)) == 0) {
			r = truth(&v);
			if (r < 0)
				snprintf(err, sizeof(err), "the condition is not a number or a pointer");
		}
		zd_value_release(&v);
	} else {
		snprintf(err, sizeof(err), "%s", scratch.err.len ? scratch.err.buf : "no frame");
		err[strcspn(err, "\n")] = '\0';
	}
	zd_dbg_out_release(&scratch);
	d->cur = cur;
	if (r < 0) {
		zd_sb_addf(&out->text, "Error in testing condition for breakpoint %d:\n", x->id);
		zd_esc_cs(&out->text, err, 0);
		zd_sb_addc(&out->text, '\n');
	}
	return r != 0;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * Does the hit e of a zd_bkpt stop?  Each breakpoint at that address that
 * is enabled and whose condition holds counts the hit (as gdb counts);
 * the lowest-numbered of them is the one reported (e->bp_id set to it).
 * None: the process goes on.
 */
static bool
bp_stops(struct zd_dbg *d, struct zd_pt_event *e, struct zd_dbg_out *out)
{
	struct dbg_step *s = step_state(d);
	int site = e->bp_id, first = 0, *ids;
	struct zd_bkpt *b = zd_bkpt_by_id(&d->pt.bps, site);
	struct dbg_bpx *x = dbg_bpx(d, site, false);
	size_t i, n = 0;

	if (x && x->internal)
		return true;
	if (!(x && x->gone) && one_stops(d, x, e, out)) {
		first = site;
		if (x && x->temp) {
			ZD_GROW(s->tdel, s->atdel, s->ntdel + 1);
			s->tdel[s->ntdel++] = site;
		}
	} else if (b && b->hits) {
		b->hits--;
	}
	ids = zd_xcalloc(s->nbx + 1, sizeof(*ids));
	for (i = 0; i < s->nbx; i++)
		if (s->bx[i].site == site)
			ids[n++] = s->bx[i].id;
	qsort(ids, n, sizeof(*ids), cmp_int);
	for (i = 0; i < n; i++) {
		x = dbg_bpx(d, ids[i], false);
		if (x && one_stops(d, x, e, out)) {
			x->hits++;
			if (!first)
				first = ids[i];
			if (x->temp) {
				ZD_GROW(s->tdel, s->atdel, s->ntdel + 1);
				s->tdel[s->ntdel++] = ids[i];
			}
		}
	}
	free(ids);
	if (!first)
		return false;
	e->bp_id = first;
	return true;
}

static void dbg_tbreaks_done(struct zd_dbg *d);

int
dbg_resume_bp(struct zd_dbg *d, pid_t tid, enum zd_resume how, struct zd_pt_event *ev, struct zd_dbg_out *out)
{
	size_t i;
	int ret;

	step_state(d)->inl_set = false;
	for (;;) {
		ret = dbg_watch_resume(d, tid, how, ev);
		d->space_ok = false;
		if (ret < 0)
			return ret;
		for (i = 0; i < d->pt.nev;) {
			if (d->pt.evq[i].kind == ZD_EV_BREAK && !bp_stops(d, &d->pt.evq[i], out)) {
				memmove(&d->pt.evq[i], &d->pt.evq[i + 1], (d->pt.nev - i - 1) * sizeof(*d->pt.evq));
				d->pt.nev--;
				continue;
			}
			i++;
		}
		if (ev->kind != ZD_EV_BREAK || bp_stops(d, ev, out))
			break;
		if (d->pt.nev) {
			*ev = d->pt.evq[0];
			memmove(&d->pt.evq[0], &d->pt.evq[1], (d->pt.nev - 1) * sizeof(*d->pt.evq));
			d->pt.nev--;
			break;
		}
		if (how == ZD_RESUME_STEP)
			break;
	}
	dbg_tbreaks_done(d);
	return 0;
}

/* tbreaks are gone once they stopped the process */
static void
dbg_tbreaks_done(struct zd_dbg *d)
{
	struct dbg_step *s = step_state(d);
	size_t i;

	for (i = 0; i < s->ntdel; i++)
		dbg_bp_delete(d, s->tdel[i]);
	s->ntdel = 0;
}

/* ---------------------------------------------------------------- */
/* Locations                                                          */

/* Code bytes for dline.c's prologue analysis (breakpoints masked). */
static int
code_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read(ctx, addr, buf, len) == (ssize_t)len ? 0 : -EFAULT;
}

static int
add_addr(uint64_t **v, size_t *n, uint64_t a)
{
	*v = zd_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = a;
	return 0;
}

int
dbg_loc_addrs(struct zd_dbg *d, const struct zd_loc *l, uint64_t **addrs, size_t *n, struct zd_dbg_out *out)
{
	struct zd_thread *t;
	struct zd_srcpos pos;
	struct zd_di *di;
	uint64_t a, *v = NULL;
	size_t k;
	int moved, ret;

	*addrs = NULL;
	*n = 0;
	switch (l->kind) {
	case ZD_LOC_ADDR:
	case ZD_LOC_EXPR:
		if (dbg_eval(d, l->text, &a, out) < 0)
			return -1;
		return add_addr(addrs, n, a);
	case ZD_LOC_HERE:
		t = zd_dbg_cur_thread(d);
		if (!t || zd_pt_getregs(&d->pt, t) < 0)
			return zd_dbg_fail(out, "no registers: no stopped thread");
		return add_addr(addrs, n, t->regs.rip);
	default:
		break;
	}
	if (dbg_src_frames(d, out) < 0)
		return -1;
	di = dbg_src_dwarf(d);
	if (l->kind == ZD_LOC_FUNC) {
		const struct zd_sym *sym;
		const struct zd_module *mod;

		if (zd_dbg_load_space(d) == 0 && zd_space_resolve(&d->space, l->text, &a, &sym, &mod) == 0 && sym &&
		    (sym->type == STT_FUNC || sym->type == STT_GNU_IFUNC))
			return add_addr(addrs, n, zd_dl_post_prologue(di, a, a + (sym->size ? sym->size : 1), code_read,
								      &d->pt));
		if (zd_di_func_addr(di, l->text, &a) == 0)
			return add_addr(addrs, n, a);
		/* not a function: the symbol's address, as before */
		if (dbg_eval(d, l->text, &a, out) < 0)
			return -1;
		return add_addr(addrs, n, a);
	}
	if (l->kind == ZD_LOC_LINE) {
		struct zd_dframe fr;
		unsigned inl;

		dbg_src_selected(d, &fr, &inl);
		if (zd_di_line(di, fr.regs.r[16], fr.caller, &pos) < 0)
			return zd_dbg_fail(out, "no current source file: use FILE:LINE");
	} else {
		pos.file = l->text;
	}
	ret = zd_dl_file_line(di, pos.file, l->line, code_read, &d->pt, &v, &k, &moved);
	if (ret == -ENOENT)
		return dbg_fail_word(out, "no source file named '%s'", pos.file);
	if (ret < 0) {
		struct zd_sb e = ZD_SB_INIT;

		zd_esc_cs(&e, pos.file, 0);
		zd_dbg_fail(out, "line %d is out of range for '%s'", l->line, e.buf);
		zd_sb_release(&e);
		return -1;
	}
	*addrs = v;
	*n = k;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Stepping                                                           */

/* gdb's frame id, inline frames included: the physical frame's CFA, the
 * entry of the function (inlined or not) and its inline depth. */
struct fid {
	uint64_t cfa, func;
	int depth;                /* inline frames outside it in its physical frame */
	bool ok;
};

struct stepper {
	struct zd_dbg *d;
	struct zd_dbg_out *out;
	pid_t tid;
	struct zd_di *di;
	uint64_t func0, cfa0;     /* the frame the command started in */
	bool have_frame0;
	bool quiet;               /* an intermediate step of `next N`: gdb prints only the last */
	struct fid sf;            /* gdb's step_frame_id (inline frames count) */
	uint64_t phys0;           /* gdb's step_start_function: the physical function's entry */
	bool finish_inline;       /* finish out of an inline frame: sf is its caller, no line */
	bool eval_here;           /* step_line judges the pc it starts at first */
	bool force_frame;         /* print the frame at the stop (finish) */
};

/* The frames a step sees at a stop: the inline chain at pc, innermost
 * first, of which the h innermost are hidden; id is the innermost shown. */
struct vis {
	struct zd_srcpos pos[16];
	int n, h;
	struct fid id;
};

struct target {
	uint64_t addr;
	uint64_t min_sp;          /* the thread's sp must be at least this */
	bool frame_check;         /* its frame must not be deeper than the start frame */
};

static struct zd_thread *
cur_th(struct stepper *s)
{
	struct zd_thread *t = zd_pt_thread(&s->d->pt, s->tid);

	if (!t || zd_pt_getregs(&s->d->pt, t) < 0)
		return NULL;
	return t;
}

/* Frame 0's CFA and return address of the stepped thread now. */
static int
frame_now(struct stepper *s, uint64_t *cfa, uint64_t *ret)
{
	struct zd_thread *t = cur_th(s);
	struct zd_dframe fr, up;

	if (!t)
		return -ESRCH;
	memset(&fr, 0, sizeof(fr));
	zd_dregs_from_user(&fr.regs, &t->regs);
	fr.mem = dbg_pt_reader;
	fr.ctx = &s->d->pt;
	if (zd_di_frame_up(s->di, &fr, &up) < 0 || !fr.regs.has_cfa)
		return -ENOENT;
	*cfa = fr.regs.cfa;
	if (ret)
		*ret = up.regs.r[16];
	return 0;
}

/*
 * How many inline frames gdb hides at pc: those whose code starts there
 * (skip_inline_frames), none when the thread stopped at a user breakpoint
 * there (gdb shows the frame a breakpoint is in), fewer once `step`
 * entered them.
 */
static int
hidden_at(struct stepper *s, uint64_t pc)
{
	struct dbg_step *st = step_state(s->d);
	struct zd_thread *t = zd_pt_thread(&s->d->pt, s->tid);
	struct zd_bkpt *b = t && t->bp_hit ? zd_bkpt_by_id(&s->d->pt.bps, t->bp_hit) : NULL;
	struct dbg_bpx *x;

	if (st->inl_set && st->inl_tid == s->tid && st->inl_pc == pc)
		return st->inl_hidden;
	if (b && b->addr == pc && !((x = dbg_bpx(s->d, b->id, false)) && x->internal))
		return 0;
	return zd_dl_inline_entries(s->di, pc);
}

/* `step` showed one more inline frame at pc. */
static void
hide_set(struct stepper *s, uint64_t pc, int h)
{
	struct dbg_step *st = step_state(s->d);

	st->inl_set = true;
	st->inl_tid = s->tid;
	st->inl_pc = pc;
	st->inl_hidden = h;
}

/* The frames of the stepped thread at pc (its registers current). */
static void
vis_at(struct stepper *s, uint64_t pc, struct vis *v)
{
	uint64_t cfa;

	memset(v, 0, sizeof(*v));
	v->n = zd_di_inline_chain(s->di, pc, false, v->pos, 16);
	if (v->n <= 0) {
		v->n = 0;
		return;
	}
	v->h = hidden_at(s, pc);
	if (v->h > v->n - 1)
		v->h = v->n - 1;
	if (frame_now(s, &cfa, NULL) < 0)
		return;
	v->id = (struct fid){ cfa, v->pos[v->h].func_pc, v->n - 1 - v->h, true };
}

static bool
fid_eq(const struct fid *a, const struct fid *b)
{
	return a->ok && b->ok && a->cfa == b->cfa && a->func == b->func && a->depth == b->depth;
}

/* Do two line-table paths name one file (the same, or the same basename)? */
static bool
same_file(const char *a, const char *b)
{
	const char *x, *y;

	if (!a || !b)
		return a == b;
	if (!strcmp(a, b))
		return true;
	x = strrchr(a, '/');
	y = strrchr(b, '/');
	return !strcmp(x ? x + 1 : a, y ? y + 1 : b);
}

/* gdb's stepped_in_from: is id one of the frames outside v's shown one, in its physical frame? */
static bool
stepped_in_from(const struct vis *v, const struct fid *id)
{
	int j;

	if (!v->id.ok || !id->ok || id->cfa != v->id.cfa)
		return false;
	for (j = v->h + 1; j < v->n; j++)
		if (v->pos[j].func_pc == id->func && v->n - 1 - j == id->depth)
			return true;
	return false;
}

static void
ibp_clear(struct stepper *s)
{
	struct dbg_step *st = step_state(s->d);
	size_t i;

	for (i = 0; i < st->nibp; i++)
		dbg_bp_delete(s->d, st->ibp[i]);
	st->nibp = 0;
}

static int
ibp_add(struct stepper *s, uint64_t addr)
{
	struct dbg_step *st = step_state(s->d);
	struct zd_bkpt *b;
	int r = zd_pt_break(&s->d->pt, addr, &b);

	if (r == -EEXIST)
		return 0;     /* a breakpoint is there already */
	if (r < 0)
		return r;
	dbg_bpx(s->d, b->id, true)->internal = true;
	ZD_GROW(st->ibp, st->aibp, st->nibp + 1);
	st->ibp[st->nibp++] = b->id;
	return 0;
}

static bool
target_reached(struct stepper *s, const struct zd_pt_event *e, const struct target *tg, size_t n)
{
	struct zd_thread *t;
	size_t i;

	if (e->kind != ZD_EV_BREAK || e->tid != s->tid || !(t = cur_th(s)))
		return false;
	for (i = 0; i < n; i++) {
		uint64_t cfa;

		if (t->regs.rip != tg[i].addr || t->regs.rsp < tg[i].min_sp)
			continue;
		if (tg[i].frame_check && s->have_frame0 && frame_now(s, &cfa, NULL) == 0 && cfa != s->cfa0)
			continue;
		return true;
	}
	return false;
}

/*
 * Run the process until the stepped thread reaches a target: 0 there,
 * 1 when something else stopped it (reported; the command ends), -1 on
 * failure (in out).
 */
static int
run_to(struct stepper *s, const struct target *tg, size_t n)
{
	struct zd_dbg *d = s->d;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		if ((r = ibp_add(s, tg[i].addr)) < 0) {
			ibp_clear(s);
			return zd_dbg_fail(s->out, "cannot set a breakpoint at 0x%" PRIx64 ": %s", tg[i].addr, strerror(-r));
		}
	for (;;) {
		struct zd_pt_event ev, rep;
		bool hit = false, have_rep = false;

		r = dbg_resume_bp(d, s->tid, ZD_RESUME_CONT, &ev, s->out);
		if (r < 0) {
			ibp_clear(s);
			return zd_dbg_fail(s->out, "cannot resume thread %d: %s", (int)s->tid, strerror(-r));
		}
		/* ev and the queued events: ours, internal ones of other threads, reportable ones */
		for (i = 0; i <= d->pt.nev; i++) {
			const struct zd_pt_event *e = i ? &d->pt.evq[i - 1] : &ev;

			if (!hit && target_reached(s, e, tg, n))
				hit = true;
			else if (!is_internal(d, e) && !have_rep) {
				rep = *e;
				have_rep = true;
			}
		}
		for (i = 0; i < d->pt.nev;) {
			const struct zd_pt_event *e = &d->pt.evq[i];

			/* internal hits go; so does the one reported as the main event */
			if (is_internal(d, e) ||
			    (have_rep && e->kind == rep.kind && e->tid == rep.tid && e->bp_id == rep.bp_id)) {
				memmove(&d->pt.evq[i], &d->pt.evq[i + 1], (d->pt.nev - i - 1) * sizeof(*d->pt.evq));
				d->pt.nev--;
				continue;
			}
			i++;
		}
		if (have_rep) {
			ibp_clear(s);
			dbg_report_stop(d, &rep, s->out);
			return 1;
		}
		d->pt.nev = 0;
		if (hit) {
			ibp_clear(s);
			return 0;
		}
	}
}

/* run_to one address; then the thread (its registers read) in *t: 0, 1 or -1 as run_to. */
static int
run_to_one(struct stepper *s, uint64_t addr, uint64_t min_sp, struct zd_thread **t)
{
	struct target tg = { addr, min_sp, false };
	int r = run_to(s, &tg, 1);

	if (r != 0)
		return r;
	*t = cur_th(s);
	return *t ? 0 : -1;
}

/* One instruction of the stepped thread: 0, 1 (another stop, reported), -1. */
static int
step_insn(struct stepper *s)
{
	struct zd_pt_event ev;
	int r;

	step_state(s->d)->inl_set = false;
	r = dbg_watch_resume(s->d, s->tid, ZD_RESUME_STEP, &ev);
	s->d->space_ok = false;
	if (r < 0)
		return zd_dbg_fail(s->out, "cannot step thread %d: %s", (int)s->tid, strerror(-r));
	if (ev.kind == ZD_EV_STEP && ev.tid == s->tid) {
		s->d->pt.nev = 0;
		return 0;
	}
	dbg_report_stop(s->d, &ev, s->out);
	return 1;
}

/*
 * The stepped thread reached pc by single steps, with the breakpoints out
 * of memory: a user breakpoint there stops it as if its int3 had been hit
 * (gdb reports such a breakpoint in the middle of a step), unless its
 * condition says no.  1 when reported (the command ends), else 0.
 */
static int
user_break_at(struct stepper *s, uint64_t pc)
{
	struct zd_bkpt *b = zd_bkpt_at(&s->d->pt.bps, pc);
	struct zd_thread *t = zd_pt_thread(&s->d->pt, s->tid);
	struct zd_pt_event ev;

	if (!b || !t)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.kind = ZD_EV_BREAK;
	ev.tid = s->tid;
	ev.bp_id = b->id;
	if (is_internal(s->d, &ev))
		return 0;
	b->hits++;
	if (!bp_stops(s->d, &ev, s->out))
		return 0;
	t->bp_hit = b->id;
	s->d->pt.nev = 0;
	dbg_report_stop(s->d, &ev, s->out);
	dbg_tbreaks_done(s->d);
	return 1;
}

/*
 * Did the last single step enter a signal handler (a signal that does not
 * stop the process, such as SIGALRM, delivered on the way)?  The kernel's
 * rt_sigframe is at sp: the restorer (__restore_rt) as return address,
 * then the ucontext whose mcontext holds the interrupted rsp (+168) and
 * rip (+176).  gdb runs the handler at full speed and steps on where it
 * returns: *pc and *sp get that place.
 */
static bool
in_signal_handler(struct stepper *s, const struct zd_thread *t, uint64_t *pc, uint64_t *sp)
{
	uint64_t ret, frame[2];
	struct zd_where w;

	if (zd_pt_read(&s->d->pt, t->regs.rsp, &ret, 8) != 8 || zd_dbg_load_space(s->d) < 0 ||
	    zd_space_lookup(&s->d->space, ret, 0, &w) < 0 || !w.sym || w.off || strcmp(w.sym->name, "__restore_rt"))
		return false;
	if (zd_pt_read(&s->d->pt, t->regs.rsp + 168, frame, sizeof(frame)) != (ssize_t)sizeof(frame))
		return false;
	*sp = frame[0];
	*pc = frame[1];
	return true;
}

/* Is the code at pc a PLT stub (jmp *GOT(%rip), or the push of a lazy
 * one), after an endbr64 and a bnd prefix? */
static bool
plt_code(struct zd_dbg *d, uint64_t pc)
{
	unsigned char b[8];
	size_t off = 0;

	if (zd_pt_read(&d->pt, pc, b, sizeof(b)) != (ssize_t)sizeof(b))
		return false;
	if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
		off = 4;
	if (b[off] == 0xf2)
		off++;
	return (b[off] == 0xff && b[off + 1] == 0x25) || b[off] == 0x68;
}

/*
 * `step` into a call that went to a PLT stub: on through the stub (and the
 * dynamic linker's lazy resolver, whose frames are below the call's) to
 * the function it jumps to, which starts with the stack as the call left
 * it; as gdb steps through solib trampolines.  0 (*t there, or back in the
 * caller), 1 or -1 as step_insn.
 */
static int
through_plt(struct stepper *s, struct zd_thread **t, uint64_t call_sp)
{
	uint64_t stub = (*t)->regs.rip;
	long n;
	int r;

	if (!plt_code(s->d, stub))
		return 0;
	for (n = 0; n < 2000000; n++) {
		struct zd_where w;
		uint64_t pc, sp;

		if ((r = step_insn(s)) != 0)
			return r;
		if (!(*t = cur_th(s)))
			return -1;
		pc = (*t)->regs.rip;
		sp = (*t)->regs.rsp;
		if (sp > call_sp - 8)
			return 0;
		/* the stack as the call left it, at the start of a function */
		if (sp == call_sp - 8 && (pc < stub || pc >= stub + 16) && !plt_code(s->d, pc) &&
		    zd_dbg_load_space(s->d) == 0 && zd_space_lookup(&s->d->space, pc, 0, &w) == 0 && w.sym && !w.off)
			return 0;
	}
	return 0;
}

/* "42\t  x = f(y);" as gdb prints a source line; for a file that cannot be
 * opened "42\tFILE: No such file or directory." once, then "43\tin FILE". */
static void
put_source_line(struct zd_dbg *d, struct zd_sb *sb, const char *file, const char *comp_dir, int line)
{
	struct dbg_step *st = step_state(d);
	bool same = st->last_src && !strcmp(st->last_src, file);
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len = -1;
	int n;

	if (!same || !st->last_src_err) {
		/* a relative path is relative to the compile directory (as gdb opens it) */
		if (file[0] != '/' && comp_dir) {
			struct zd_sb p = ZD_SB_INIT;

			zd_sb_addf(&p, "%s/%s", comp_dir, file);
			f = fopen(p.buf, "re");
			zd_sb_release(&p);
		}
		if (!f)
			f = fopen(file, "re");
	}
	if (!same) {
		free(st->last_src);
		st->last_src = zd_xstrdup(file);
	}
	st->last_src_err = !f;
	zd_sb_addf(sb, "%d\t", line);
	for (n = 0; f && n < line; n++)
		if ((len = getline(&buf, &cap, f)) < 0)
			break;
	if (!f) {
		if (same)
			zd_sb_adds(sb, "in ");
		dbg_put_esc(sb, file);
		zd_sb_adds(sb, same ? "\n" : ": No such file or directory.\n");
	} else if (len < 0) {
		zd_sb_addf(sb, "line %d is past the end of ", line);
		dbg_put_esc(sb, file);
		zd_sb_addc(sb, '\n');
	} else {
		ssize_t i;

		for (i = 0; i < len && buf[i] != '\n'; i++)
			zd_sb_addc(sb, (unsigned char)buf[i] < 0x20 && buf[i] != '\t' ? '?' : buf[i]);
		zd_sb_addc(sb, '\n');
	}
	free(buf);
	if (f)
		fclose(f);
}

/* After a breakpoint stop, gdb's source line ("176\t  x = f(y);") when
 * the pc has a line and its file can be read; nothing otherwise. */
void
dbg_put_stop_source(struct zd_sb *sb, struct zd_dbg *d, uint64_t pc)
{
	struct zd_where w;
	struct zd_di *di = dbg_src_dwarf(d);
	const char *comp_dir = di ? zd_dl_comp_dir(di, pc) : NULL;
	struct zd_sb path = ZD_SB_INIT;
	bool found;

	if (!d->lines || zd_dbg_load_space(d) < 0 || zd_space_lookup(&d->space, pc, ZD_LOOKUP_LINE, &w) < 0 ||
	    !w.file || w.line <= 0)
		return;
	if (w.file[0] != '/' && comp_dir)
		zd_sb_addf(&path, "%s/%s", comp_dir, w.file);
	found = (path.buf && access(path.buf, R_OK) == 0) || access(w.file, R_OK) == 0;
	zd_sb_release(&path);
	if (found)
		put_source_line(d, sb, w.file, comp_dir, w.line);
}

/* Where the thread stopped, as gdb prints it after a step: the source line, preceded by
 * "FUNC (ARGS) at FILE:LINE" when the frame is not the step's (gdb's step_frame_id, and
 * the physical function the command started in).  With inline frames hidden (their code
 * starts at the pc), the frame shown is their caller, at the call's line. */
static int
print_stop(struct stepper *s, bool force_frame)
{
	struct zd_thread *t = cur_th(s);
	struct zd_srcpos pos;
	struct zd_dl_line dl;
	struct vis v;
	uint64_t pc;
	bool same;

	if (!t)
		return 0;
	s->d->cur = s->tid;
	if (s->quiet)
		return 0;
	force_frame |= s->force_frame;
	pc = t->regs.rip;
	if (zd_di_line(s->di, pc, false, &pos) < 0 || zd_dl_line(s->di, pc, &dl) < 0) {
		zd_sb_addf(&s->out->text, "0x%016" PRIx64 " in ", pc);
		dbg_put_where(&s->out->text, s->d, pc);
		zd_sb_addc(&s->out->text, '\n');
		return 0;
	}
	vis_at(s, pc, &v);
	same = s->have_frame0 && fid_eq(&v.id, &s->sf) && v.n && v.pos[v.n - 1].func_pc == s->phys0;
	if (force_frame || !same) {
		struct zd_sb fl = ZD_SB_INIT;
		const char *p;
		size_t len;

		if (dbg_src_frames(s->d, s->out) < 0)
			return -1;
		dbg_src_frame_line(s->d, v.h, &fl);
		p = fl.buf;
		if (*p == '#') {
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		/* FILE:LINE with gdb's line of the pc (the statement row at its address);
		 * the address when the pc is not at the start of a statement (frame_show_address) */
		len = strlen(p);
		while (len && p[len - 1] >= '0' && p[len - 1] <= '9')
			len--;
		if (!v.h && (dl.lo != pc || !dl.stmt))
			zd_sb_addf(&s->out->text, "0x%016" PRIx64 " in ", pc);
		/* the caller of hidden inline frames: at the call's line, no address */
		if (!v.h && len && p[len - 1] == ':') {
			zd_sb_add(&s->out->text, p, len);
			zd_sb_addf(&s->out->text, "%d\n", dl.line);
		} else {
			zd_sb_adds(&s->out->text, p);
			zd_sb_addc(&s->out->text, '\n');
		}
		zd_sb_release(&fl);
		/* the frames were rebuilt: the library's state is new */
		s->di = dbg_src_dwarf(s->d);
		if (zd_dl_line(s->di, pc, &dl) < 0)
			return 0;
		vis_at(s, pc, &v);
	}
	if (v.h > 0 && v.pos[v.h].file && v.pos[v.h].line > 0)
		put_source_line(s->d, &s->out->text, v.pos[v.h].file, zd_dl_comp_dir(s->di, pc), v.pos[v.h].line);
	else
		put_source_line(s->d, &s->out->text, dl.file ? dl.file : pos.file, zd_dl_comp_dir(s->di, pc),
				dl.line);
	return 0;
}

static int
stepper_init(struct stepper *s, struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_thread *t;
	struct zd_srcpos pos;

	memset(s, 0, sizeof(*s));
	s->d = d;
	s->out = out;
	if (dbg_src_frames(d, out) < 0)
		return -1;
	t = zd_dbg_cur_thread(d);
	s->tid = t->tid;
	s->di = dbg_src_dwarf(d);
	if (zd_pt_getregs(&d->pt, t) < 0)
		return zd_dbg_fail(out, "cannot read the registers of thread %d", (int)s->tid);
	if (zd_di_line(s->di, t->regs.rip, false, &pos) == 0 && frame_now(s, &s->cfa0, NULL) == 0) {
		struct vis v;

		s->func0 = pos.func_pc;
		s->have_frame0 = true;
		vis_at(s, t->regs.rip, &v);
		s->sf = v.id;
		s->phys0 = v.n ? v.pos[v.n - 1].func_pc : 0;
	}
	return 0;
}

/*
 * nexti: one instruction of the current thread, a call run to its return
 * (the return address above the sp the call left; recursion passes by).
 * No line info is needed.  Each stop is reported as stepi reports it.
 */
int
dbg_nexti(struct zd_dbg *d, long long count, struct zd_dbg_out *out)
{
	struct stepper s;
	long long i;

	memset(&s, 0, sizeof(s));
	s.d = d;
	s.out = out;
	s.tid = zd_dbg_cur_thread(d)->tid;
	for (i = 0; i < count && !d->done && !d->end_signal; i++) {
		struct zd_thread *t = cur_th(&s);
		struct zd_pt_event ev;
		uint64_t prev_pc, prev_sp, ra;
		int r;

		if (!t)
			return zd_dbg_fail(out, "cannot read the registers of thread %d", (int)s.tid);
		prev_pc = t->regs.rip;
		prev_sp = t->regs.rsp;
		if ((r = step_insn(&s)) != 0)
			return r < 0 ? -1 : 0;
		if (!(t = cur_th(&s)))
			return -1;
		if (t->regs.rsp == prev_sp - 8 && zd_pt_read(&d->pt, t->regs.rsp, &ra, 8) == 8 && ra > prev_pc &&
		    ra <= prev_pc + 15 && t->regs.rip != ra) {
			if ((r = run_to_one(&s, ra, prev_sp, &t)) != 0)
				return r < 0 ? -1 : 0;
		}
		if (user_break_at(&s, t->regs.rip))
			return 0;
		memset(&ev, 0, sizeof(ev));
		ev.kind = ZD_EV_STEP;
		ev.tid = s.tid;
		dbg_report_stop(d, &ev, out);
	}
	return 0;
}

/* "FUNC" of pc for messages, or "??". */
static void
func_name(struct stepper *s, uint64_t pc, char *buf, size_t size)
{
	struct zd_where w;

	if (zd_dbg_load_space(s->d) == 0 && zd_space_lookup(&s->d->space, pc, 0, &w) == 0 && w.sym)
		snprintf(buf, size, "%s", w.sym->name);
	else
		snprintf(buf, size, "??");
}

/* One next/step/until: 0 done (stop printed), 1 ended by another stop (reported), -1 failure. */
static int
step_line(struct stepper *s, enum dbg_step_kind k)
{
	struct zd_dbg *d = s->d;
	struct zd_thread *t = cur_th(s);
	struct zd_dl_line cur, nl;
	struct vis v;
	uint64_t pc, cfa, ret;
	int r;

	if (!t)
		return zd_dbg_fail(s->out, "no registers: no stopped thread");
	pc = t->regs.rip;
	/* gdb: `step` where inline frames are hidden enters the outermost of
	 * them without running anything */
	if (k == DBG_STEP_INTO && !s->finish_inline && zd_dl_line(s->di, pc, &cur) == 0) {
		vis_at(s, pc, &v);
		if (v.h > 0) {
			hide_set(s, pc, v.h - 1);
			return print_stop(s, false);
		}
	}
	if (zd_dl_line(s->di, pc, &cur) < 0) {
		char name[128];

		func_name(s, pc, name, sizeof(name));
		zd_sb_adds(&s->out->text, "Single stepping until exit from function ");
		dbg_put_esc(&s->out->text, name);
		zd_sb_adds(&s->out->text, ",\nwhich has no line number information.\n");
		zd_dbg_out_flush(s->out);
		if (frame_now(s, &cfa, &ret) < 0)
			return zd_dbg_fail(s->out, "cannot find the caller of %s", name);
		if ((r = run_to_one(s, ret, cfa, &t)) != 0)
			return r;
		pc = t->regs.rip;
		if (zd_dl_line(s->di, pc, &cur) < 0)
			return print_stop(s, true);
		s->have_frame0 = false;   /* a new frame: print it */
	}
	if (!s->have_frame0)
		s->sf.ok = false;
	/* gdb's current line: with inline frames hidden, the line of their call */
	vis_at(s, pc, &v);
	if (s->finish_inline) {
		/* gdb's finish out of an inline frame: an empty range, no line */
		cur.lo = cur.hi = pc;
		cur.line = 0;
		cur.file = NULL;
	} else if (v.h > 0 && v.pos[v.h].line > 0) {
		cur.line = v.pos[v.h].line;
		cur.file = v.pos[v.h].file;
	}
	if (k == DBG_STEP_UNTIL) {
		struct zd_srcpos pos;

		if (zd_di_line(s->di, pc, false, &pos) == 0 && pos.func_pc && pos.func_pc < cur.lo)
			cur.lo = pos.func_pc;
	}
	for (;;) {
		uint64_t prev_pc = pc, prev_sp = t->regs.rsp, ra = 0, sigsp;
		bool here = s->eval_here;

		/* eval_here: the pc reached is judged before any step (finish) */
		s->eval_here = false;
		if (!here && (r = step_insn(s)) != 0)
			return r;
		if (!(t = cur_th(s)))
			return -1;
		pc = t->regs.rip;
		if (!here && in_signal_handler(s, t, &ra, &sigsp)) {
			if ((r = run_to_one(s, ra, sigsp, &t)) != 0)
				return r;
			pc = t->regs.rip;
		}
		if (!here && user_break_at(s, pc))
			return 1;
		if (pc >= cur.lo && pc < cur.hi)
			continue;
		/* a call: the return address was pushed just above the new sp */
		if (t->regs.rsp == prev_sp - 8 && zd_pt_read(&d->pt, t->regs.rsp, &ra, 8) == 8 && ra > prev_pc &&
		    ra <= prev_pc + 15 && pc != ra) {
			uint64_t entry = pc, tgt;

			if (k == DBG_STEP_INTO) {
				if ((r = through_plt(s, &t, prev_sp)) != 0)
					return r;
				entry = t->regs.rip;
			}
			if (k == DBG_STEP_INTO && t->regs.rsp == prev_sp - 8 &&
			    zd_dl_after_prologue(s->di, entry, code_read, &d->pt, &tgt) == 0) {
				if (tgt != entry && (r = run_to_one(s, tgt, 0, &t)) != 0)
					return r;
				return print_stop(s, false);
			}
			if ((r = run_to_one(s, ra, prev_sp, &t)) != 0)
				return r;
			pc = t->regs.rip;
			if (pc >= cur.lo && pc < cur.hi)
				continue;
		}
		if (zd_dl_line(s->di, pc, &nl) < 0) {
			struct zd_srcpos cp;

			/* no line info here (returned into a caller without it, jumped to
			 * a stub): run to this frame's return if that has line info,
			 * else let the process go on, as gdb does */
			if (frame_now(s, &cfa, &ret) == 0 && zd_di_line(s->di, ret, true, &cp) == 0) {
				if ((r = run_to_one(s, ret, cfa, &t)) != 0)
					return r;
				pc = t->regs.rip;
				if (zd_dl_line(s->di, pc, &nl) < 0)
					return print_stop(s, true);
			} else {
				struct zd_pt_event ev;

				r = dbg_resume_bp(d, s->tid, ZD_RESUME_CONT, &ev, s->out);
				if (r < 0)
					return zd_dbg_fail(s->out, "cannot resume thread %d: %s", (int)s->tid,
							   strerror(-r));
				dbg_report_stop(d, &ev, s->out);
				return 1;
			}
		}
		/* returned out of a recursive call: gdb stops in the outer one at once */
		if (t->regs.rsp == prev_sp + 8 && zd_pt_read(&d->pt, prev_sp, &ra, 8) == 8 && ra == pc) {
			struct zd_srcpos rp;

			if (s->have_frame0 && zd_di_line(s->di, pc, false, &rp) == 0 && rp.func_pc == s->func0)
				return print_stop(s, false);
		}
		vis_at(s, pc, &v);
		/* gdb's "stepped into inlined function": the code of inline frames
		 * starts here, in the step's frame; their call is on the line
		 * stepped: `step` enters them, `next` goes on; else a stop at the call */
		if (v.h > 0 && fid_eq(&v.id, &s->sf)) {
			bool same_line = v.pos[v.h].line == cur.line && same_file(v.pos[v.h].file, cur.file);

			if (k == DBG_STEP_INTO) {
				if (same_line)
					hide_set(s, pc, v.h - 1);
				return print_stop(s, false);
			}
			if (same_line)
				continue;
			return print_stop(s, false);
		}
		/* "stepping through inlined function": deeper inline code of the step's frame */
		if (v.h < v.n - 1 && !fid_eq(&v.id, &s->sf) && stepped_in_from(&v, &s->sf)) {
			if (k != DBG_STEP_INTO)
				continue;
			return print_stop(s, false);
		}
		/* gdb's end of process_event_stop_test: the start of a statement
		 * of another line ends the step; the start of a non-statement row
		 * of another line moves the range on but keeps the line (same
		 * frame) or forgets it (another frame); anything else (the same
		 * line, the middle of a line) moves the range and the line on */
		if (nl.start && (nl.line != cur.line || strcmp(nl.file ? nl.file : "", cur.file ? cur.file : ""))) {
			bool same_frame;

			if (nl.stmt)
				return print_stop(s, false);
			same_frame = fid_eq(&v.id, &s->sf);
			if (same_frame) {
				cur.lo = nl.lo;
				cur.hi = nl.hi;
				continue;
			}
			nl.line = 0;
		}
		cur = nl;
		if (v.id.ok)
			s->sf = v.id;
	}
}

int
dbg_step(struct zd_dbg *d, enum dbg_step_kind k, long long count, struct zd_dbg_out *out)
{
	struct stepper s;
	long long i;
	int r = 0;

	for (i = 0; i < count && !d->done && !d->end_signal; i++) {
		if (stepper_init(&s, d, out) < 0)
			return -1;
		s.quiet = i + 1 < count;
		r = step_line(&s, k);
		ibp_clear(&s);
		d->space_ok = false;
		zd_dbg_out_flush(out);
		if (r != 0)
			break;
	}
	return r < 0 ? -1 : 0;
}

int
dbg_run_until(struct zd_dbg *d, const uint64_t *addrs, size_t n, bool advance, struct zd_dbg_out *out)
{
	struct stepper s;
	struct target *tg;
	struct zd_dframe fr, up;
	unsigned inl;
	size_t i, k = 0;
	int r;

	if (stepper_init(&s, d, out) < 0)
		return -1;
	/* gdb: the selected frame; until's location counts only in it */
	dbg_src_selected(d, &fr, &inl);
	tg = zd_xcalloc(n + 1, sizeof(*tg));
	if (zd_di_frame_up(s.di, &fr, &up) == 0 && fr.regs.has_cfa) {
		s.cfa0 = fr.regs.cfa;
		s.have_frame0 = true;
		tg[k++] = (struct target){ up.regs.r[16], fr.regs.cfa, false };
	}
	for (i = 0; i < n; i++)
		tg[k++] = (struct target){ addrs[i], 0, !advance };
	r = run_to(&s, tg, k);
	free(tg);
	/* a breakpoint stop, not the end of a step: gdb shows the frame too */
	if (r == 0)
		r = print_stop(&s, true);
	ibp_clear(&s);
	d->space_ok = false;
	zd_dbg_out_flush(out);
	return r < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* finish                                                             */

enum { CLS_NONE, CLS_INT, CLS_SSE };

/* SysV x86-64: the class of each eightbyte of a small aggregate. */
static void
classify(const struct zd_type *t, uint64_t off, int cls[2])
{
	size_t i;

	t = zd_type_strip(t);
	if (!t || off >= 16)
		return;
	switch (t->kind) {
	case ZD_T_STRUCT:
	case ZD_T_UNION:
		for (i = 0; i < t->nmembers; i++)
			classify(t->members[i].type, off + t->members[i].off, cls);
		break;
	case ZD_T_ARRAY: {
		const struct zd_type *e = zd_type_strip(t->target);

		for (i = 0; e && e->size && i < t->count && off + i * e->size < 16; i++)
			classify(e, off + i * e->size, cls);
		break;
	}
	case ZD_T_FLOAT:
		if (cls[off / 8] == CLS_NONE)
			cls[off / 8] = CLS_SSE;
		break;
	default:
		cls[off / 8] = CLS_INT;
		break;
	}
}

/* The value a function of type rt just returned, from the thread's registers. */
static int
return_value(struct zd_dbg *d, pid_t tid, const struct zd_type *rt, struct zd_value *v)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, tid);
	const struct zd_type *u = zd_type_strip(rt);
	struct user_fpregs_struct fp;
	unsigned char buf[16];
	uint64_t size = u ? u->size : 0;

	memset(v, 0, sizeof(*v));
	v->type = rt;
	v->loc = ZD_V_IMPLICIT;
	if (!t || !u || zd_pt_getregs(&d->pt, t) < 0 || !size)
		return -ENODATA;
	memset(buf, 0, sizeof(buf));
	memset(&fp, 0, sizeof(fp));
	if ((u->kind == ZD_T_FLOAT || u->kind == ZD_T_STRUCT || u->kind == ZD_T_UNION) && size <= 16 &&
	    ptrace(PTRACE_GETFPREGS, tid, NULL, &fp) < 0)
		return -errno;
	if (u->kind == ZD_T_FLOAT) {
		if (size == 16)
			memcpy(buf, fp.st_space, 10);
		else if (size <= 8)
			memcpy(buf, fp.xmm_space, size);
		else
			return -ENODATA;
	} else if (u->kind == ZD_T_STRUCT || u->kind == ZD_T_UNION || u->kind == ZD_T_ARRAY) {
		int cls[2] = { CLS_NONE, CLS_NONE };
		uint64_t gp[2] = { t->regs.rax, t->regs.rdx };
		unsigned ngp = 0, nsse = 0, i;

		if (size > 16) {
			unsigned char *m = zd_xmalloc(size);

			if (zd_pt_read(&d->pt, t->regs.rax, m, size) != (ssize_t)size) {
				free(m);
				return -EFAULT;
			}
			v->loc = ZD_V_MEM;
			v->addr = t->regs.rax;
			zd_value_set_bytes(v, m, size);
			free(m);
			return 0;
		}
		classify(u, 0, cls);
		for (i = 0; i * 8 < size; i++) {
			if (cls[i] == CLS_SSE)
				memcpy(buf + i * 8, &fp.xmm_space[4 * nsse++], 8);
			else
				memcpy(buf + i * 8, &gp[ngp++], 8);
		}
	} else if (size <= 8) {
		memcpy(buf, &t->regs.rax, size);
	} else {
		memcpy(buf, &t->regs.rax, 8);
		memcpy(buf + 8, &t->regs.rdx, size - 8);
	}
	zd_value_set_bytes(v, buf, size);
	return 0;
}

/* "Run till exit from #N  ..." for frame n, flushed before the process runs. */
static void
put_run_till(struct zd_dbg *d, size_t n, struct zd_dbg_out *out)
{
	struct zd_sb fl = ZD_SB_INIT;

	dbg_src_frame_line(d, n, &fl);
	zd_sb_adds(&out->text, "Run till exit from ");
	zd_sb_adds(&out->text, fl.buf);
	zd_sb_addc(&out->text, '\n');
	zd_sb_release(&fl);
	zd_dbg_out_flush(out);
}

/* The end of a finish whose steps returned r: 0 or -1. */
static int
finish_done(struct stepper *s, int r)
{
	ibp_clear(s);
	s->d->space_ok = false;
	zd_dbg_out_flush(s->out);
	return r < 0 ? -1 : 0;
}

/* Step out of the inline frame whose caller is the frame of entry caller_pc
 * and inline depth depth in the physical frame of CFA cfa: 0 or -1. */
static int
finish_inline_run(struct stepper *s, uint64_t cfa, uint64_t caller_pc, int depth)
{
	s->sf = (struct fid){ cfa, caller_pc, depth, true };
	s->finish_inline = true;
	s->force_frame = true;
	return finish_done(s, step_line(s, DBG_STEP_OVER));
}

/*
 * finish with inline frame inl of the innermost physical frame selected
 * (or shown: gdb's frame 0 is the innermost frame not hidden): as gdb,
 * step the thread in its caller's frame, over calls and deeper inline
 * code, with no line, until it is out of the inline function; no value
 * is printed.  2 when the frame is not an inline one (the caller finishes
 * the physical frame), else 0 or -1.
 */

static int
finish_inline(struct stepper *s, unsigned inl)
{
	struct zd_thread *t = cur_th(s);
	struct vis v;

	if (!t)
		return 2;
	vis_at(s, t->regs.rip, &v);
	if ((int)inl < v.h)
		inl = (unsigned)v.h;
	if (!v.id.ok || (int)inl >= v.n - 1)
		return 2;
	put_run_till(s->d, inl, s->out);
	return finish_inline_run(s, v.id.cfa, v.pos[inl + 1].func_pc, v.n - 2 - (int)inl);
}

/*
 * finish with inline frame inl of an outer physical frame fr selected:
 * run to where the physical frame inside it returns (as gdb steps over
 * that call), then on out of the inline function as above.  2 when the
 * frame is not an inline one.
 */
static int
finish_inline_outer(struct stepper *s, const struct zd_dframe *fr, unsigned inl, size_t sel)
{
	struct zd_srcpos ch[16];
	struct zd_thread *t;
	struct vis v;
	int nc = zd_di_inline_chain(s->di, fr->regs.r[16], fr->caller, ch, 16), r;

	if (nc <= 0 || (int)inl >= nc - 1)
		return 2;
	put_run_till(s->d, sel, s->out);
	/* as gdb: the call is stepped over, then the steps go on from its return */
	if ((r = run_to_one(s, fr->regs.r[16], fr->regs.r[7], &t)) != 0)
		return finish_done(s, r);
	vis_at(s, t->regs.rip, &v);
	if (!v.id.ok)
		return finish_done(s, print_stop(s, true));
	s->eval_here = true;
	return finish_inline_run(s, v.id.cfa, ch[inl + 1].func_pc, nc - 2 - (int)inl);
}

int
dbg_finish(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct stepper s;
	struct zd_dframe fr, up;
	struct target tg;
	char *name = NULL;
	unsigned inl;
	size_t sel;
	int r;

	if (stepper_init(&s, d, out) < 0)
		return -1;
	sel = dbg_src_selected(d, &fr, &inl);
	if (sel == inl && s.sf.ok && (r = finish_inline(&s, inl)) != 2)
		return r;
	if (sel != inl && fr.caller && (r = finish_inline_outer(&s, &fr, inl, sel)) != 2)
		return r;
	if (zd_di_frame_up(s.di, &fr, &up) < 0 || !fr.regs.has_cfa || !up.regs.r[16])
		return zd_dbg_fail(out, "\"finish\" not meaningful in the outermost frame");
	/* the function returning: the outermost of the frame's inline chain */
	{
		struct zd_srcpos ch[16];
		int nc = zd_di_inline_chain(s.di, fr.regs.r[16], fr.caller, ch, 16);

		if (nc > 0 && ch[nc - 1].func)
			name = zd_xstrdup(ch[nc - 1].func);
	}
	if (sel == inl) {
		/* gdb's frame 0 is the innermost one not hidden */
		struct vis v;
		struct zd_thread *t = cur_th(&s);

		if (t) {
			vis_at(&s, t->regs.rip, &v);
			if ((int)sel < v.h)
				sel = (size_t)v.h;
		}
	}
	put_run_till(d, sel, out);
	tg = (struct target){ up.regs.r[16], fr.regs.cfa, false };
	r = run_to(&s, &tg, 1);
	if (r == 0)
		r = print_stop(&s, true);
	if (r == 0 && name && dbg_src_frames(d, out) == 0) {
		struct zd_value fv, rv;

		dbg_src_selected(d, &fr, &inl);
		if (zd_di_lookup(dbg_src_dwarf(d), &fr, 0, name, &fv) == 0 && fv.type &&
		    zd_type_strip(fv.type)->kind == ZD_T_FUNC) {
			const struct zd_type *rt = zd_type_strip(fv.type)->target;

			if (rt && zd_type_strip(rt) && zd_type_strip(rt)->kind != ZD_T_VOID &&
			    return_value(d, s.tid, rt, &rv) == 0) {
				struct zd_fmt f;

				dbg_src_fmt(d, &f);
				zd_sb_addf(&out->text, "Value returned is $%u = ", dbg_src_next_value(d));
				zd_value_format(&rv, &f, &out->text);
				zd_sb_addc(&out->text, '\n');
				zd_value_release(&rv);
			}
		}
		zd_value_release(&fv);
	}
	free(name);
	return finish_done(&s, r);
}
