/*
 * Source level on the DWARF library (include/zdiag/dwarf.h, dvalue.h,
 * dexpr.h): frame/up/down, print[/FMT], ptype, info locals/args, as gdb
 * shows them.  The frames (inline ones numbered as gdb does) are rebuilt
 * when the current thread has moved.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/dbgline.h"
#include "zdiag/dexpr.h"
#include "zdiag/dvalue.h"
#include "zdiag/dwarf.h"
#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

struct src_vframe {
	unsigned phys, inl;
};

struct dbg_src {
	struct zd_di *di;
	pid_t tid;
	uint64_t pc, sp;            /* frame 0 when the frames were built */
	struct zd_dframe fr[64];
	size_t nfr;
	struct src_vframe v[256];   /* gdb's frame numbers, inline frames included */
	size_t nv, sel;
	unsigned nprint;            /* $N */
	struct dbg_view view;
};

void
dbg_src_release(struct zd_dbg *d)
{
	size_t i;

	if (!d->src)
		return;
	for (i = 0; i < d->src->view.ndisp; i++)
		free(d->src->view.disp[i].expr);
	free(d->src->view.disp);
	free(d->src->view.list_file);
	free(d->src->view.list_name);
	zd_di_free(d->src->di);
	free(d->src);
	d->src = NULL;
}

static struct dbg_src *
src_get(struct zd_dbg *d)
{
	if (!d->src) {
		d->src = zd_xcalloc(1, sizeof(*d->src));
		d->src->di = zd_di_new(&d->space);
		d->src->view.x_fmt = 'x';
		d->src->view.x_size = 'w';
	}
	return d->src;
}

struct dbg_view *
dbg_view(struct zd_dbg *d)
{
	return &src_get(d)->view;
}

/* The frames of the current thread, rebuilt when it has moved. */
int
dbg_src_frames(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct dbg_src *s;
	struct zd_thread *t;
	size_t i;

	if (!dbg_need_process(d, out))
		return -1;
	if (zd_dbg_load_space(d) < 0)
		return zd_dbg_fail(out, "cannot read the memory maps of %d", (int)d->pid);
	t = zd_dbg_cur_thread(d);
	if (!t)
		return zd_dbg_fail(out, "no registers: no stopped thread");
	if (zd_pt_getregs(&d->pt, t) < 0)
		return zd_dbg_fail(out, "cannot read the registers of thread %d: %s", (int)t->tid, strerror(errno));
	s = src_get(d);
	if (s->nfr && s->tid == t->tid && s->pc == t->regs.rip && s->sp == t->regs.rsp)
		return 0;
	zd_di_flush(s->di);
	s->tid = t->tid;
	s->pc = t->regs.rip;
	s->sp = t->regs.rsp;
	memset(&s->fr[0], 0, sizeof(s->fr[0]));
	zd_dregs_from_user(&s->fr[0].regs, &t->regs);
	s->fr[0].mem = dbg_pt_reader;
	s->fr[0].ctx = &d->pt;
	for (s->nfr = 1; s->nfr < ZD_ARRAY_SIZE(s->fr); s->nfr++)
		if (zd_di_frame_up(s->di, &s->fr[s->nfr - 1], &s->fr[s->nfr]) < 0)
			break;
	{
		uint64_t pcs[ZD_ARRAY_SIZE(s->fr)];

		for (i = 0; i < s->nfr; i++)
			pcs[i] = s->fr[i].regs.r[16] - (s->fr[i].caller ? 1 : 0);
		zd_di_preload(s->di, pcs, s->nfr);
	}
	s->nv = 0;
	for (i = 0; i < s->nfr && s->nv < ZD_ARRAY_SIZE(s->v); i++) {
		struct zd_srcpos pos[16];
		int n = zd_di_inline_chain(s->di, s->fr[i].regs.r[16], s->fr[i].caller, pos, 16), k;

		for (k = 0; k < (n > 0 ? n : 1) && s->nv < ZD_ARRAY_SIZE(s->v); k++)
			s->v[s->nv++] = (struct src_vframe){ (unsigned)i, (unsigned)k };
	}
	s->sel = 0;
	return 0;
}

static void
src_fmt(struct zd_dbg *d, struct zd_fmt *f, bool bare)
{
	memset(f, 0, sizeof(*f));
	f->mem = dbg_pt_reader;
	f->ctx = &d->pt;
	f->namer = zd_di_name_addr;
	f->namer_ctx = d->src->di;
	f->bare = bare;
}

/* "#5  0x... in leaf (a=5, s=0x... \"x\") at FILE:LINE" */
void
dbg_src_frame_line(struct zd_dbg *d, size_t n, struct zd_sb *sb)
{
	struct dbg_src *s = d->src;
	const struct src_vframe *v = &s->v[n];
	const struct zd_dframe *fr = &s->fr[v->phys];
	struct zd_srcpos pos[16];
	struct zd_dvar *vars;
	struct zd_fmt f;
	size_t nvars, i;
	int k = zd_di_inline_chain(s->di, fr->regs.r[16], fr->caller, pos, 16);

	zd_sb_addf(sb, "#%-2zu ", n);
	if (v->phys > 0 && v->inl == 0)
		zd_sb_addf(sb, "0x%016" PRIx64 " in ", fr->regs.r[16]);
	if (k <= (int)v->inl || !pos[v->inl].func) {
		struct zd_where w;

		if (zd_space_lookup(&d->space, fr->regs.r[16], fr->caller ? ZD_LOOKUP_CALLER : 0, &w) == 0)
			dbg_put_esc(sb, w.sym->name);
		else
			zd_sb_adds(sb, "??");
		zd_sb_adds(sb, " ()");
		return;
	}
	dbg_put_esc(sb, pos[v->inl].func);
	zd_sb_adds(sb, " (");
	src_fmt(d, &f, true);
	if (zd_di_locals(s->di, fr, v->inl, ZD_DI_ARGS, &vars, &nvars) == 0) {
		for (i = 0; i < nvars; i++) {
			zd_sb_adds(sb, i ? ", " : "");
			dbg_put_esc(sb, vars[i].name);
			zd_sb_addc(sb, '=');
			zd_value_format(&vars[i].value, &f, sb);
		}
		zd_dvars_free(vars, nvars);
	}
	zd_sb_adds(sb, ") at ");
	dbg_put_esc(sb, pos[v->inl].file);
	zd_sb_addf(sb, ":%d", pos[v->inl].line);
}

static int
cmd_frame(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct dbg_src *s;
	long long n = 0;

	if (dbg_src_frames(d, out) < 0)
		return -1;
	s = d->src;
	if (argc == 2 && zd_dbg_parse_int(argv[1], 0, INT_MAX, &n) < 0)
		return zd_dbg_fail(out, "usage: %s [N]", argv[0]);
	if (!strcmp(argv[0], "frame") || !strcmp(argv[0], "f"))
		n = argc == 2 ? n : (long long)s->sel;
	else if (!strcmp(argv[0], "up"))
		n = (long long)s->sel + (argc == 2 ? n : 1);
	else
		n = (long long)s->sel - (argc == 2 ? n : 1);
	if (n < 0 || n >= (long long)s->nv)
		return zd_dbg_fail(out, n < 0 ? "bottom (innermost) frame selected; you cannot go down"
				       : "no frame %lld (the stack has %zu)", n, s->nv);
	s->sel = (size_t)n;
	dbg_src_frame_line(d, s->sel, &out->text);
	zd_sb_addc(&out->text, '\n');
	return 0;
}

struct zd_di *
dbg_src_dwarf(struct zd_dbg *d)
{
	return d->src ? d->src->di : NULL;
}

size_t
dbg_src_selected(struct zd_dbg *d, struct zd_dframe *fr, unsigned *inl)
{
	const struct src_vframe *v = &d->src->v[d->src->sel];

	*fr = d->src->fr[v->phys];
	*inl = v->inl;
	return d->src->sel;
}

unsigned
dbg_src_next_value(struct zd_dbg *d)
{
	return ++d->src->nprint;
}

int
dbg_src_eval0(struct zd_dbg *d, const char *expr, struct zd_value *val, char *err, size_t errlen)
{
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;

	c.di = d->src->di;
	c.fr = &d->src->fr[0];
	c.inl = 0;
	zd_di_dexpr_env(&c, &env);
	return zd_dexpr_eval(&env, expr, val, err, errlen);
}

void
dbg_src_fmt(struct zd_dbg *d, struct zd_fmt *f)
{
	src_fmt(d, f, false);
}

/* info locals / info args of the selected frame, as gdb prints them. */
static int
src_info_vars(struct zd_dbg *d, unsigned what, struct zd_dbg_out *out)
{
	const struct src_vframe *v;
	struct zd_dvar *vars;
	struct zd_fmt f;
	size_t n, i;

	if (dbg_src_frames(d, out) < 0)
		return -1;
	v = &d->src->v[d->src->sel];
	if (zd_di_locals(d->src->di, &d->src->fr[v->phys], v->inl, what, &vars, &n) < 0)
		return zd_dbg_fail(out, "no symbol table info available");
	src_fmt(d, &f, true);
	for (i = 0; i < n; i++) {
		dbg_put_esc(&out->text, vars[i].name);
		zd_sb_adds(&out->text, " = ");
		zd_value_format(&vars[i].value, &f, &out->text);
		zd_sb_addc(&out->text, '\n');
	}
	if (!n)
		zd_sb_adds(&out->text, what == ZD_DI_ARGS ? "No arguments.\n" : "No locals.\n");
	zd_dvars_free(vars, n);
	return 0;
}

int
dbg_info_locals(struct zd_dbg *d, struct zd_dbg_out *out)
{
	return src_info_vars(d, ZD_DI_LOCALS, out);
}

int
dbg_info_args(struct zd_dbg *d, struct zd_dbg_out *out)
{
	return src_info_vars(d, ZD_DI_ARGS, out);
}

/* A failed expression: gdb's words, in zdiag's style (lowercase, no final period). */
static int
src_eval_fail(struct zd_dbg_out *out, char *err)
{
	struct zd_sb sb = ZD_SB_INIT;

	if (err[0] >= 'A' && err[0] <= 'Z' && !(err[1] >= 'A' && err[1] <= 'Z'))
		err[0] = (char)(err[0] - 'A' + 'a');
	if (*err && err[strlen(err) - 1] == '.')
		err[strlen(err) - 1] = '\0';
	zd_esc_cs(&sb, err, 0);
	zd_dbg_fail(out, "%s", sb.buf);
	zd_sb_release(&sb);
	return -1;
}

/* Evaluate e in the selected frame; -1 and gdb's words (in zdiag's style) in out. */
static int
src_eval(struct zd_dbg *d, const char *e, struct zd_value *val, struct zd_dbg_out *out)
{
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;
	char err[256];

	if (dbg_src_frames(d, out) < 0)
		return -1;
	c.di = d->src->di;
	c.fr = &d->src->fr[d->src->v[d->src->sel].phys];
	c.inl = d->src->v[d->src->sel].inl;
	zd_di_dexpr_env(&c, &env);
	if (zd_dexpr_eval(&env, e, val, err, sizeof(err)) == 0)
		return 0;
	return src_eval_fail(out, err);
}

int
dbg_src_print(struct zd_dbg *d, const char *expr, char letter, struct zd_sb *sb, struct zd_dbg_out *out)
{
	struct zd_value val;
	struct zd_fmt f;

	if (src_eval(d, expr, &val, out) < 0)
		return -1;
	src_fmt(d, &f, false);
	f.letter = letter;
	zd_value_format(&val, &f, sb);
	zd_value_release(&val);
	return 0;
}

int
dbg_src_addr(struct zd_dbg *d, const char *expr, uint64_t *addr, struct zd_dbg_out *out)
{
	struct zd_dbg_out quiet;
	struct zd_value val;
	const struct zd_type *t;
	int64_t iv;
	int ret = -1;

	zd_dbg_out_init(&quiet, NULL, NULL);
	if (src_eval(d, expr, &val, &quiet) < 0) {
		/* no DWARF for it: an address expression (numbers, $REG, SYMBOL) */
		struct zd_dbg_out q2;

		zd_dbg_out_init(&q2, NULL, NULL);
		ret = dbg_eval(d, expr, addr, &q2);
		zd_dbg_out_release(&q2);
		if (ret < 0) {
			size_t len = quiet.err.len;

			while (len && quiet.err.buf[len - 1] == '\n')
				len--;
			zd_dbg_fail(out, "%.*s", (int)len, len ? quiet.err.buf : "cannot evaluate");
		}
		zd_dbg_out_release(&quiet);
		return ret;
	}
	zd_dbg_out_release(&quiet);
	t = zd_type_strip(val.type);
	if (t && (t->kind == ZD_T_ARRAY || t->kind == ZD_T_FUNC || t->kind == ZD_T_STRUCT || t->kind == ZD_T_UNION)) {
		if (val.loc == ZD_V_MEM) {
			*addr = val.addr;
			ret = 0;
		} else {
			zd_dbg_fail(out, "attempt to take address of value not located in memory");
		}
	} else if (zd_value_int(&val, &iv) == 0) {
		*addr = (uint64_t)iv;
		ret = 0;
	} else {
		zd_dbg_fail(out, "value can't be converted to an address");
	}
	zd_value_release(&val);
	return ret;
}

int
dbg_src_where(struct zd_dbg *d, uint64_t *pc, struct zd_srcpos *pos, struct zd_dbg_out *out)
{
	const struct src_vframe *v;
	const struct zd_dframe *fr;
	struct zd_srcpos p[16];
	int k;

	if (dbg_src_frames(d, out) < 0)
		return -1;
	v = &d->src->v[d->src->sel];
	fr = &d->src->fr[v->phys];
	*pc = fr->regs.r[16];
	k = zd_di_inline_chain(d->src->di, fr->regs.r[16], fr->caller, p, 16);
	if (k <= (int)v->inl)
		return zd_dbg_fail(out, "no line number information for the selected frame");
	*pos = p[v->inl];
	return 0;
}

bool
dbg_src_frame_reg(struct zd_dbg *d, int dwarf, uint64_t *v)
{
	const struct zd_dframe *fr;
	struct zd_thread *t = zd_dbg_cur_thread(d);

	if (!d->src || !d->src->nfr || !d->src->sel || !t || d->src->tid != t->tid || dwarf < 0 || dwarf >= ZD_DREGS)
		return false;
	fr = &d->src->fr[d->src->v[d->src->sel].phys];
	if (!(fr->regs.valid & (1u << dwarf)))
		return false;
	*v = fr->regs.r[dwarf];
	return true;
}

struct zd_di *
dbg_src_di(struct zd_dbg *d, struct zd_dbg_out *out)
{
	if (!dbg_need_process(d, out))
		return NULL;
	if (zd_dbg_load_space(d) < 0) {
		zd_dbg_fail(out, "cannot read the memory maps of %d", (int)d->pid);
		return NULL;
	}
	return src_get(d)->di;
}

/* The locals of virtual frame n, 8 spaces in, as gdb's bt full. */
static void
src_frame_locals(struct zd_dbg *d, size_t n, struct zd_sb *sb)
{
	const struct src_vframe *v = &d->src->v[n];
	struct zd_dvar *vars;
	struct zd_fmt f;
	size_t nv, i;

	if (zd_di_locals(d->src->di, &d->src->fr[v->phys], v->inl, ZD_DI_LOCALS, &vars, &nv) < 0) {
		zd_sb_adds(sb, "No symbol table info available.\n");
		return;
	}
	src_fmt(d, &f, true);
	for (i = 0; i < nv; i++) {
		zd_sb_adds(sb, "        ");
		dbg_put_esc(sb, vars[i].name);
		zd_sb_adds(sb, " = ");
		zd_value_format(&vars[i].value, &f, sb);
		zd_sb_addc(sb, '\n');
	}
	if (!nv)
		zd_sb_adds(sb, "No locals.\n");
	zd_dvars_free(vars, nv);
}

int
dbg_src_bt(struct zd_dbg *d, long long limit, bool full, struct zd_dbg_out *out)
{
	struct dbg_src *s;
	size_t from = 0, to, i;
	bool more;

	if (dbg_src_frames(d, out) < 0)
		return -1;
	s = d->src;
	/* gdb's backtrace ends at main (backtrace past-main off) */
	for (to = 0; to < s->nv; to++) {
		const struct zd_dframe *fr = &s->fr[s->v[to].phys];
		struct zd_srcpos pos[16];
		int k = zd_di_inline_chain(s->di, fr->regs.r[16], fr->caller, pos, 16);

		if (k > (int)s->v[to].inl && pos[s->v[to].inl].func && !strcmp(pos[s->v[to].inl].func, "main")) {
			to++;
			break;
		}
	}
	if (to > s->nv)
		to = s->nv;
	more = limit > 0 && (size_t)limit < to;
	if (more)
		to = (size_t)limit;
	else if (limit < 0 && (size_t)-limit < to)
		from = to - (size_t)-limit;
	for (i = from; i < to; i++) {
		dbg_src_frame_line(d, i, &out->text);
		zd_sb_addc(&out->text, '\n');
		if (full)
			src_frame_locals(d, i, &out->text);
	}
	if (full && more)
		zd_sb_adds(&out->text, "(More stack frames follow...)\n");
	return 0;
}

/*
 * The "Arglist at" / "Locals at" base of gdb's amd64_frame_cache: the
 * function's prologue up to pc decides: after push %rbp; mov %rsp,%rbp
 * it is rbp, else the frame's sp (+8 after push %rbp, -8 before).
 */
static uint64_t
frame_base_gdb(struct zd_dbg *d, const struct zd_dframe *fr, uint64_t entry)
{
	unsigned char b[8];
	uint64_t pc = fr->regs.r[16], p = entry;
	int64_t sp_off = -8;

	if (entry && dbg_pt_reader_masked(&d->pt, entry, b, sizeof(b)) == (ssize_t)sizeof(b)) {
		size_t i = 0;

		if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
			i = 4;  /* endbr64 */
		p = entry + i;
		if (pc > p && b[i] == 0x55) {
			sp_off = 0;
			/* mov %rsp,%rbp (48 89 e5 or 48 8b ec) after it, and pc past it */
			if (pc > p + 1 && i + 4 <= sizeof(b) && b[i + 1] == 0x48 &&
			    ((b[i + 2] == 0x89 && b[i + 3] == 0xe5) || (b[i + 2] == 0x8b && b[i + 3] == 0xec)) &&
			    (fr->regs.valid & (1u << 6)))
				return fr->regs.r[6];
		}
	}
	return fr->regs.r[7] + (uint64_t)sp_off;
}

/* gdb's info frame for the selected frame (amd64: the return address at CFA-8). */
int
dbg_info_frame(struct zd_dbg *d, struct zd_dbg_out *out)
{
	static const char *const names[ZD_DREGS] = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
						     "r10", "r11", "r12", "r13", "r14", "r15", "rip" };
	struct zd_sb *sb = &out->text;
	const struct src_vframe *v;
	const struct zd_dframe *fr;
	struct dbg_src *s;
	struct zd_srcpos pos[16];
	struct zd_dvar *vars;
	struct zd_fmt f;
	size_t nvars, i, nsaved = 0;
	uint64_t base;
	int k;

	if (dbg_src_frames(d, out) < 0)
		return -1;
	s = d->src;
	v = &s->v[s->sel];
	fr = &s->fr[v->phys];
	if (!fr->regs.has_cfa)
		return zd_dbg_fail(out, "no frame address for frame %zu (no unwind information)", s->sel);
	k = zd_di_inline_chain(s->di, fr->regs.r[16], fr->caller, pos, 16);
	zd_sb_addf(sb, "Stack level %zu, frame at 0x%" PRIx64 ":\n rip = 0x%" PRIx64, s->sel, fr->regs.cfa,
		   fr->regs.r[16]);
	if (k > (int)v->inl && pos[v->inl].func) {
		zd_sb_adds(sb, " in ");
		dbg_put_esc(sb, pos[v->inl].func);
		zd_sb_adds(sb, " (");
		dbg_put_esc(sb, pos[v->inl].file);
		zd_sb_addf(sb, ":%d)", pos[v->inl].line);
	}
	if (v->phys + 1 < s->nfr)
		zd_sb_addf(sb, "; saved rip = 0x%" PRIx64, s->fr[v->phys + 1].regs.r[16]);
	zd_sb_addc(sb, '\n');
	if ((int)v->inl + 1 < k)
		zd_sb_addf(sb, " inlined into frame %zu\n", s->sel + 1);
	if (v->phys + 1 < s->nfr && s->fr[v->phys + 1].regs.has_cfa)
		zd_sb_addf(sb, " called by frame at 0x%" PRIx64, s->fr[v->phys + 1].regs.cfa);
	if (s->sel > 0 && s->fr[s->v[s->sel - 1].phys].regs.has_cfa)
		zd_sb_addf(sb, "%scaller of frame at 0x%" PRIx64, v->phys + 1 < s->nfr ? ", " : " ",
			   s->fr[s->v[s->sel - 1].phys].regs.cfa);
	zd_sb_adds(sb, "\n source language c.\n");
	base = frame_base_gdb(d, fr, k > 0 ? pos[k - 1].func_pc : 0);
	zd_sb_addf(sb, " Arglist at 0x%" PRIx64 ", args: ", base);
	src_fmt(d, &f, true);
	if (zd_di_locals(s->di, fr, v->inl, ZD_DI_ARGS, &vars, &nvars) == 0) {
		for (i = 0; i < nvars; i++) {
			zd_sb_adds(sb, i ? ", " : "");
			dbg_put_esc(sb, vars[i].name);
			zd_sb_addc(sb, '=');
			zd_value_format(&vars[i].value, &f, sb);
		}
		zd_dvars_free(vars, nvars);
	}
	zd_sb_addf(sb, "\n Locals at 0x%" PRIx64 ", Previous frame's sp is 0x%" PRIx64 "\n Saved registers:\n ",
		   base, fr->regs.cfa);
	for (i = 0; i < ZD_DREGS; i++)
		if (fr->regs.saved_mask & (1u << i))
			zd_sb_addf(sb, "%s %s at 0x%" PRIx64, nsaved++ ? "," : "", names[i], fr->regs.saved[i]);
	zd_sb_addc(sb, '\n');
	return 0;
}

/* print[/FMT] EXPR and ptype EXPR: the expression is the rest of the typed
 * line (the word splitter would drop its quotes: print 'A'). */
static int
cmd_print(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	const char *line = d->line ? d->line : "", *e;
	bool ptype = !strcmp(argv[0], "ptype");
	struct zd_value val;
	struct zd_sb sb = ZD_SB_INIT;
	char letter = 0;

	(void)argc;
	if (dbg_src_frames(d, out) < 0)
		return -1;
	while (*line == ' ' || *line == '\t')
		line++;
	line += strcspn(line, " \t/");
	e = ptype ? line : zd_dexpr_format(line, &letter);
	if (!e)
		return zd_dbg_fail(out, "undefined output format");
	if (ptype) {
		if (src_eval(d, e, &val, out) < 0)
			return -1;
		zd_sb_adds(&out->text, "type = ");
		zd_type_ptype(val.type, &out->text);
		zd_value_release(&val);
	} else {
		if (dbg_src_print(d, e, letter, &sb, out) < 0) {
			zd_sb_release(&sb);
			return -1;
		}
		zd_sb_addf(&out->text, "$%u = %s", ++d->src->nprint, sb.buf ? sb.buf : "");
		zd_sb_release(&sb);
	}
	zd_sb_addc(&out->text, '\n');
	return 0;
}

/* ---------------------------------------------------------------- */
/* For watchpoints (watch.c)                                         */

int
dbg_src_eval(struct zd_dbg *d, const char *expr, struct zd_value *val, uint64_t *cfa, struct zd_dbg_out *out)
{
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;
	char err[256];

	if (dbg_src_frames(d, out) < 0)
		return -1;
	c.di = d->src->di;
	c.fr = &d->src->fr[d->src->v[d->src->sel].phys];
	c.inl = d->src->v[d->src->sel].inl;
	zd_di_dexpr_env(&c, &env);
	if (zd_dexpr_eval(&env, expr, val, err, sizeof(err)) < 0)
		return src_eval_fail(out, err);
	*cfa = c.fr->regs.has_cfa ? c.fr->regs.cfa : 0;
	return 0;
}

void
dbg_src_format(struct zd_dbg *d, const struct zd_value *v, struct zd_sb *sb)
{
	struct zd_fmt f;

	if (!d->src) {
		zd_sb_adds(sb, "?");
		return;
	}
	src_fmt(d, &f, false);
	zd_value_format(v, &f, sb);
}

/* LINE<tab>TEXT of FILE, as gdb shows the line it stopped at (tabs kept). */
static void
src_put_text(struct zd_sb *sb, const char *dir, const char *file, int line)
{
	struct zd_sb path = ZD_SB_INIT;
	FILE *fp;
	char buf[1024];
	int n = 0;

	if (file[0] != '/' && dir)
		zd_sb_addf(&path, "%s/", dir);
	zd_sb_adds(&path, file);
	fp = fopen(path.buf, "r");
	zd_sb_release(&path);
	if (!fp)
		return;
	while (fgets(buf, sizeof(buf), fp))
		if (strchr(buf, '\n') && ++n == line)
			break;
	fclose(fp);
	if (n != line)
		return;
	zd_sb_addf(sb, "%d\t", line);
	for (const char *c = buf; *c && *c != '\n'; c++)
		if (*c == '\t')
			zd_sb_addc(sb, '\t');
		else
			zd_esc_c(sb, c, 1, 0);
	zd_sb_addc(sb, '\n');
}

void
dbg_src_stop_line(struct zd_dbg *d, struct zd_sb *sb)
{
	struct zd_dbg_out scratch;
	struct zd_sb f = ZD_SB_INIT;
	struct zd_srcpos pos;
	const char *dir = NULL;
	uint64_t lo, hi;

	zd_dbg_out_init(&scratch, NULL, NULL);
	if (dbg_src_frames(d, &scratch) == 0 && d->src->nv) {
		struct dbg_src *s = d->src;

		dbg_src_frame_line(d, 0, &f);
		if (zd_di_line_range(s->di, s->pc, &lo, &hi) < 0 || lo != s->pc)
			zd_sb_addf(sb, "0x%016" PRIx64 " in ", s->pc);
		zd_sb_adds(sb, f.len > 4 ? f.buf + 4 : f.buf);
		zd_sb_addc(sb, '\n');
		if (zd_di_line(s->di, s->pc, false, &pos) == 0 && pos.file) {
			zd_di_comp_dir(s->di, s->pc, &dir);
			src_put_text(sb, dir, pos.file, pos.line);
		}
	}
	zd_sb_release(&f);
	zd_dbg_out_release(&scratch);
}

const struct zd_dbg_cmd zd_dbg_cmds_src[] = {
	{ "print", "p", 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS | ZD_DBG_FORMAT, cmd_print, "print[/FMT] EXPR",
	  "a C expression in the selected frame, as gdb prints it (FMT: x d u o t c s)", NULL },
	{ "ptype", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_print, "ptype EXPR",
	  "the type of EXPR, as gdb shows it", NULL },
	{ "frame", "f", 0, 1, ZD_DBG_NEED_PROCESS, cmd_frame, "frame [N]",
	  "select frame N (inline frames count, as in gdb) and show it", NULL },
	{ "up", NULL, 0, 1, ZD_DBG_NEED_PROCESS, cmd_frame, "up [N]", "select the caller's frame", NULL },
	{ "down", NULL, 0, 1, ZD_DBG_NEED_PROCESS, cmd_frame, "down [N]", "select the callee's frame", NULL },
	{ 0 },
};
