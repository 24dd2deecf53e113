/*
 * Source level on the DWARF library (include/zdiag/dwarf.h, dvalue.h,
 * dexpr.h): frame/up/down, print[/FMT], ptype, info locals/args, as gdb
 * shows them.  The frames (inline ones numbered as gdb does) are rebuilt
 * when the current thread has moved.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
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
};

void
dbg_src_release(struct zd_dbg *d)
{
	if (!d->src)
		return;
	zd_di_free(d->src->di);
	free(d->src);
	d->src = NULL;
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
	if (!d->src) {
		d->src = zd_xcalloc(1, sizeof(*d->src));
		d->src->di = zd_di_new(&d->space);
	}
	s = d->src;
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
dbg_src_di(struct zd_dbg *d)
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

/* print[/FMT] EXPR and ptype EXPR: the expression is the rest of the typed
 * line (the word splitter would drop its quotes: print 'A'). */
static int
cmd_print(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	const char *line = d->line ? d->line : "", *e;
	bool ptype = !strcmp(argv[0], "ptype");
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;
	struct zd_value val;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_fmt f;
	char err[256], letter = 0;

	(void)argc;
	if (dbg_src_frames(d, out) < 0)
		return -1;
	while (*line == ' ' || *line == '\t')
		line++;
	line += strcspn(line, " \t/");
	e = ptype ? line : zd_dexpr_format(line, &letter);
	if (!e)
		return zd_dbg_fail(out, "undefined output format");
	c.di = d->src->di;
	c.fr = &d->src->fr[d->src->v[d->src->sel].phys];
	c.inl = d->src->v[d->src->sel].inl;
	zd_di_dexpr_env(&c, &env);
	if (zd_dexpr_eval(&env, e, &val, err, sizeof(err)) < 0) {
		/* gdb's words, in zdiag's style: lowercase, no final period */
		if (err[0] >= 'A' && err[0] <= 'Z' && !(err[1] >= 'A' && err[1] <= 'Z'))
			err[0] = (char)(err[0] - 'A' + 'a');
		if (*err && err[strlen(err) - 1] == '.')
			err[strlen(err) - 1] = '\0';
		zd_esc_cs(&sb, err, 0);
		zd_dbg_fail(out, "%s", sb.buf);
		zd_sb_release(&sb);
		return -1;
	}
	if (ptype) {
		zd_sb_adds(&out->text, "type = ");
		zd_type_ptype(val.type, &out->text);
	} else {
		src_fmt(d, &f, false);
		f.letter = letter;
		zd_sb_addf(&out->text, "$%u = ", ++d->src->nprint);
		zd_value_format(&val, &f, &out->text);
	}
	zd_sb_addc(&out->text, '\n');
	zd_value_release(&val);
	return 0;
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
