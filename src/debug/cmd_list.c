/*
 * Source listing and auto-display as gdb: list [LOCATION] (the selected
 * frame's line, FUNC, FILE:LINE, N, N,M, - to go back; a bare list goes
 * on), display[/FMT] EXPR re-printed after every stop, undisplay, info
 * display.  Source files are found as the DWARF has them: comp_dir + name.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/dbgline.h"
#include "zdiag/dwarf.h"
#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

#define LIST_LINES 10

/* ---------------------------------------------------------------- */
/* list                                                              */

/* The path to open: name if absolute, else comp_dir/name. */
static char *
src_path(const struct zd_srcpos *pos)
{
	struct zd_sb sb = ZD_SB_INIT;

	if (pos->file[0] != '/' && pos->comp_dir && pos->comp_dir[0])
		zd_sb_addf(&sb, "%s/", pos->comp_dir);
	zd_sb_adds(&sb, pos->file);
	return zd_sb_detach(&sb);
}

/* A line of the file: printable ASCII and tabs as they are (gdb), control
 * bytes and bytes over 0x7f through zd_esc_c (which keeps valid UTF-8). */
static void
put_line(struct zd_sb *sb, int n, const char *s, size_t len)
{
	size_t i = 0;

	zd_sb_addf(sb, "%d\t", n);
	while (i < len) {
		size_t j = i;

		if (s[i] == '\t' || (s[i] >= 0x20 && s[i] < 0x7f)) {
			while (j < len && (s[j] == '\t' || (s[j] >= 0x20 && s[j] < 0x7f)))
				j++;
			zd_sb_add(sb, s + i, j - i);
		} else {
			while (j < len && !(s[j] == '\t' || (s[j] >= 0x20 && s[j] < 0x7f)))
				j++;
			zd_esc_c(sb, s + i, j - i, 0);
		}
		i = j;
	}
	zd_sb_addc(sb, '\n');
}

/* Lines first..last of v->list_file (last clamped to the file's end). */
static int
list_lines(struct dbg_view *v, int first, int last, struct zd_dbg_out *out)
{
	FILE *f = fopen(v->list_file, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0, shown = 0;

	if (first < 1)
		first = 1;
	if (!f) {
		/* gdb: "71\tFILE: No such file or directory." */
		int e = errno;

		zd_sb_addf(&out->text, "%d\t", first);
		dbg_put_esc(&out->text, v->list_name);
		zd_sb_addf(&out->text, ": %s.\n", strerror(e));
		v->list_first = first;
		v->list_last = last;
		return 0;
	}
	while ((len = getline(&buf, &cap, f)) > 0 && ++n <= last) {
		if (n < first)
			continue;
		if (buf[len - 1] == '\n')
			len--;
		put_line(&out->text, n, buf, (size_t)len);
		shown++;
	}
	free(buf);
	fclose(f);
	if (!shown) {
		if (n < first) {
			struct zd_sb e = ZD_SB_INIT;

			zd_esc_cs(&e, v->list_name, 0);
			zd_dbg_fail(out, "line number %d out of range; \"%s\" has %d lines", first, e.buf, n);
			zd_sb_release(&e);
			return -1;
		}
	}
	v->list_first = first;
	v->list_last = first + shown - 1;
	return 0;
}

static void
list_set_file(struct dbg_view *v, const struct zd_srcpos *pos)
{
	free(v->list_file);
	free(v->list_name);
	v->list_file = src_path(pos);
	v->list_name = zd_xstrdup(pos->file);
}

static int
list_centred(struct dbg_view *v, int line, struct zd_dbg_out *out)
{
	int first = line - LIST_LINES / 2;

	if (first < 1)
		first = 1;
	return list_lines(v, first, first + LIST_LINES - 1, out);
}

/* LOCATION -> file (set in v) and line: FUNC, FILE:LINE, LINE, *ADDR. */
static int
list_locate(struct zd_dbg *d, const char *loc, int *line, struct zd_dbg_out *out)
{
	struct dbg_view *v = dbg_view(d);
	struct zd_di *di = dbg_src_di(d, out);
	const char *colon = strrchr(loc, ':');
	struct zd_srcpos pos;
	uint64_t addr;
	long long n;

	if (!di)
		return -1;
	if (zd_dbg_parse_int(loc, 1, INT_MAX, &n) == 0) {
		if (!v->list_file) {
			uint64_t pc;

			if (dbg_src_where(d, &pc, &pos, out) < 0)
				return -1;
			list_set_file(v, &pos);
		}
		*line = (int)n;
		return 0;
	}
	if (colon && colon != loc && zd_dbg_parse_int(colon + 1, 1, INT_MAX, &n) == 0) {
		char *file = zd_xstrndup(loc, (size_t)(colon - loc));
		uint64_t *addrs;
		size_t na;
		int got;

		if (zd_di_line_addrs(di, file, (int)n, &addrs, &na, &got) < 0 || !na) {
			dbg_fail_word(out, "no source file named %s", file);
			free(file);
			return -1;
		}
		free(file);
		addr = addrs[0];
		free(addrs);
		if (zd_di_line(di, addr, false, &pos) < 0)
			return zd_dbg_fail(out, "no line number information for 0x%" PRIx64, addr);
		list_set_file(v, &pos);
		*line = (int)n;
		return 0;
	}
	if (loc[0] == '*') {
		if (dbg_src_addr(d, loc + 1, &addr, out) < 0)
			return -1;
	} else if (zd_di_func_entry(di, loc, &addr) < 0) {
		return dbg_fail_word(out, "function \"%s\" not defined", loc);
	}
	if (zd_di_line(di, addr, false, &pos) < 0)
		return zd_dbg_fail(out, "no line number information for 0x%" PRIx64, addr);
	list_set_file(v, &pos);
	*line = pos.line;
	return 0;
}

static int
cmd_list(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct dbg_view *v = dbg_view(d);
	const char *arg = argc > 1 ? argv[1] : NULL, *comma;
	struct zd_srcpos pos;
	uint64_t pc;
	int a, b;

	if (argc > 2)
		return zd_dbg_fail(out, "usage: list [FUNC|FILE:LINE|LINE|N,M|-]");
	if (!arg) {
		/* around the selected frame, unless the last list was there already */
		if (dbg_src_where(d, &pc, &pos, out) < 0)
			return -1;
		if (!v->list_file || v->list_pc != pc) {
			list_set_file(v, &pos);
			v->list_pc = pc;
			return list_centred(v, pos.line, out);
		}
		return list_lines(v, v->list_last + 1, v->list_last + LIST_LINES, out);
	}
	if (!strcmp(arg, "breaks") || !strcmp(arg, "breakpoints"))
		return dbg_list_breaks(d, out);  /* zdiag's older spelling of info breaks */
	if (!strcmp(arg, "-")) {
		if (!v->list_file)
			return zd_dbg_fail(out, "no default source file: use list FUNC or FILE:LINE");
		if (v->list_first <= 1)
			return dbg_fail_word(out, "already at the start of %s", v->list_name);
		return list_lines(v, v->list_first - LIST_LINES, v->list_first - 1, out);
	}
	comma = strchr(arg, ',');
	if (comma) {
		char *l = zd_xstrndup(arg, (size_t)(comma - arg));
		int r = 0;

		a = b = 0;
		if (*l && list_locate(d, l, &a, out) < 0)
			r = -1;
		free(l);
		if (r == 0 && comma[1] && list_locate(d, comma + 1, &b, out) < 0)
			r = -1;
		if (r < 0)
			return -1;
		if (!*arg || arg == comma)
			a = b - LIST_LINES + 1;
		if (!comma[1])
			b = a + LIST_LINES - 1;
		if (b < a)
			return zd_dbg_fail(out, "second line %d is before the first %d", b, a);
		return list_lines(v, a, b, out);
	}
	if (list_locate(d, arg, &a, out) < 0)
		return -1;
	return list_centred(v, a, out);
}

/* ---------------------------------------------------------------- */
/* display                                                           */

/* Is fmt ("/x", "/2i", "") an x format (count, size, i or s) rather than print's? */
static bool
disp_is_x(const char *fmt)
{
	return fmt[0] == '/' && fmt[1 + strcspn(fmt + 1, "0123456789bhwgis")] != '\0';
}

static void
disp_one(struct zd_dbg *d, const struct dbg_display *p, struct zd_dbg_out *out)
{
	struct zd_dbg_out q;

	zd_dbg_out_init(&q, NULL, NULL);
	if (disp_is_x(p->fmt)) {
		struct zd_dbg_xfmt f;
		uint64_t addr;
		char bad;

		zd_dbg_xfmt_parse(p->fmt + 1, 'x', 'w', &f, &bad);
		/* gdb's do_one_display: x/[COUNT]F[U], no size for i and s */
		zd_sb_addf(&out->text, "%u: x/", p->num);
		if (f.count != 1)
			zd_sb_addf(&out->text, "%lu", f.count);
		zd_sb_addc(&out->text, f.fmt);
		if (f.fmt != 'i' && f.fmt != 's')
			zd_sb_addc(&out->text, f.size);
		zd_sb_addc(&out->text, ' ');
		dbg_put_esc(&out->text, p->expr);
		zd_sb_addc(&out->text, '\n');
		if (dbg_src_addr(d, p->expr, &addr, &q) == 0)
			dbg_examine(d, addr, f.fmt, f.size, f.count, &q);
		zd_sb_add(&out->text, q.text.buf, q.text.len);
	} else {
		struct zd_sb val = ZD_SB_INIT;

		zd_sb_addf(&out->text, "%u: %s%s", p->num, p->fmt, p->fmt[0] ? " " : "");
		dbg_put_esc(&out->text, p->expr);
		zd_sb_adds(&out->text, " = ");
		if (dbg_src_print(d, p->expr, p->fmt[0] ? p->fmt[1] : 0, &val, &q) == 0)
			zd_sb_add(&out->text, val.buf, val.len);
		zd_sb_release(&val);
		if (!q.failed)
			zd_sb_addc(&out->text, '\n');
	}
	if (q.failed) {
		/* the error in its place, as gdb's <error: ...> */
		size_t len = q.err.len;

		while (len && q.err.buf[len - 1] == '\n')
			len--;
		zd_sb_addf(&out->text, "<error: %.*s>\n", (int)len, q.err.buf ? q.err.buf : "");
	}
	zd_dbg_out_release(&q);
}

void
dbg_display_stop(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct dbg_view *v;
	size_t i;

	if (d->done || d->pt.exited || !d->src)
		return;
	v = dbg_view(d);
	for (i = 0; i < v->ndisp; i++)
		disp_one(d, &v->disp[i], out);
}

int
dbg_info_display(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct dbg_view *v = dbg_view(d);
	size_t i;

	if (!v->ndisp) {
		zd_sb_adds(&out->text, "There are no auto-display expressions now.\n");
		return 0;
	}
	zd_sb_adds(&out->text, "Auto-display expressions now in effect:\nNum Enb Expression\n");
	for (i = 0; i < v->ndisp; i++) {
		const struct dbg_display *p = &v->disp[i];

		zd_sb_addf(&out->text, "%u:   y  ", p->num);
		if (disp_is_x(p->fmt)) {
			/* gdb: /COUNT SIZE FORMAT, bytes for i and s */
			struct zd_dbg_xfmt f;
			char bad;

			zd_dbg_xfmt_parse(p->fmt + 1, 'x', 'w', &f, &bad);
			zd_sb_addf(&out->text, "/%lu%c%c ", f.count, f.fmt == 'i' || f.fmt == 's' ? 'b' : f.size, f.fmt);
		} else if (p->fmt[0]) {
			zd_sb_addf(&out->text, "%s ", p->fmt);
		}
		dbg_put_esc(&out->text, p->expr);
		zd_sb_addc(&out->text, '\n');
	}
	return 0;
}

/* display[/FMT] [EXPR]: the expression is the rest of the typed line. */
static int
cmd_display(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct dbg_view *v = dbg_view(d);
	const char *line = d->line ? d->line : "", *e, *slash;
	struct dbg_display *p;
	struct zd_dbg_xfmt f;
	char bad;
	size_t flen = 0, i;

	while (*line == ' ' || *line == '\t')
		line++;
	e = line + strcspn(line, " \t/");
	slash = *e == '/' ? e : NULL;
	if (slash) {
		flen = strcspn(slash, " \t");
		if (flen >= sizeof(p->fmt) || zd_dbg_xfmt_parse(slash + 1, 'x', 'w', &f, &bad) < 0)
			return zd_dbg_fail(out, "undefined output format \"%.*s\"", (int)(flen > 1 ? flen - 1 : 0),
					   slash + 1);
		e = slash + flen;
	}
	e += strspn(e, " \t");
	if (!*e) {
		if (slash)
			return zd_dbg_fail(out, "usage: display[/FMT] EXPR");
		for (i = 0; i < v->ndisp; i++)
			disp_one(d, &v->disp[i], out);
		return 0;
	}
	(void)argc;
	(void)argv;
	ZD_GROW(v->disp, v->disp_alloc, v->ndisp + 1);
	p = &v->disp[v->ndisp++];
	memset(p, 0, sizeof(*p));
	p->num = ++v->disp_num;
	p->expr = zd_xstrdup(e);
	if (slash)
		memcpy(p->fmt, slash, flen);
	if (!disp_is_x(p->fmt) && flen > 2) {
		/* print takes one letter */
		free(p->expr);
		v->ndisp--;
		v->disp_num--;
		return zd_dbg_fail(out, "undefined output format \"%.*s\"", (int)flen - 1, slash + 1);
	}
	disp_one(d, p, out);
	return 0;
}

static int
cmd_undisplay(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct dbg_view *v = dbg_view(d);
	size_t i, k;
	int a;

	if (argc == 1) {
		for (i = 0; i < v->ndisp; i++)
			free(v->disp[i].expr);
		v->ndisp = 0;
		return 0;
	}
	for (a = 1; a < argc; a++) {
		long long n;

		if (zd_dbg_parse_int(argv[a], 1, INT_MAX, &n) < 0)
			return dbg_fail_word(out, "not a display number: '%s'", argv[a]);
		for (i = 0; i < v->ndisp && v->disp[i].num != (unsigned)n; i++)
			;
		if (i == v->ndisp)
			return zd_dbg_fail(out, "no display number %lld", n);
		free(v->disp[i].expr);
		for (k = i + 1; k < v->ndisp; k++)
			v->disp[k - 1] = v->disp[k];
		v->ndisp--;
	}
	return 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_list[] = {
	{ "list", "l", 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_list, "list [FUNC|FILE:LINE|LINE|N,M|-]",
	  "source lines as gdb: 10 around the selected frame's line or LOCATION; again: the next 10; -: the 10 before",
	  NULL },
	{ "display", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS | ZD_DBG_FORMAT, cmd_display, "display[/FMT] [EXPR]",
	  "print EXPR now and after every stop (\"1: x = 5\"; /i, /s, /NFU: as x); bare: show them all", NULL },
	{ "undisplay", NULL, 0, ZD_DBG_ARGS_ANY, 0, cmd_undisplay, "undisplay [N...]",
	  "stop displaying expression N (all without N)", NULL },
	{ 0 },
};
