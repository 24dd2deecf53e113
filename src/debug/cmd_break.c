/* Breakpoint commands: break, tbreak, condition, delete, enable, disable (and info breaks). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/dbgline.h"
#include "zdiag/esc.h"
#include "zdiag/maps.h"
#include "zdiag/regs.h"
#include "zdiag/sig.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"
#include "step.h"

struct bp_row {
	int id;
	uint64_t addr;
	unsigned long hits;
};

/* The breakpoints the user sees, by number (malloc'ed; ids never exceed next_id). */
static struct bp_row *
bp_rows(struct zd_dbg *d, size_t *n)
{
	int id, last = d->pt.bps.next_id;
	struct bp_row *v = zd_xcalloc(last > 0 ? (size_t)last : 1, sizeof(*v));

	*n = 0;
	for (id = 1; id < last; id++)
		if (dbg_bp_visible(d, id, &v[*n].addr, &v[*n].hits))
			v[(*n)++].id = id;
	return v;
}

int
dbg_list_breaks(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	size_t i, n;
	struct bp_row *v = bp_rows(d, &n);

	if (n || dbg_watch_count(d))
		zd_sb_addf(sb, "%-4s %-18s %-6s %s\n", "ID", "ADDRESS", "HITS", "WHERE");
	dbg_watch_list(d, sb);      /* watchpoints and catchpoints (watch.c) */
	for (i = 0; i < n; i++) {
		struct dbg_bpx *x = dbg_bpx(d, v[i].id, false);

		zd_sb_addf(sb, "%-4d 0x%016" PRIx64 " %-6lu ", v[i].id, v[i].addr, v[i].hits);
		dbg_put_where(sb, d, v[i].addr);
		if (x && x->temp)
			zd_sb_adds(sb, " [temporary]");
		if (x && x->disabled)
			zd_sb_adds(sb, " [disabled]");
		zd_sb_addc(sb, '\n');
		if (x && x->cond) {
			zd_sb_adds(sb, "\tstop only if ");
			dbg_put_esc(sb, x->cond);
			zd_sb_addc(sb, '\n');
		}
	}
	if (!n && !dbg_watch_count(d))
		zd_sb_addf(&out->text, "no breakpoints\n");
	free(v);
	return 0;
}

/* The typed line after the command's name (the splitter drops quotes). */
static const char *
rest_of_line(struct zd_dbg *d)
{
	const char *line = d->line ? d->line : "";

	line += strspn(line, " \t");
	line += strcspn(line, " \t");
	return line;
}

static int
set_one(struct zd_dbg *d, uint64_t addr, const struct zd_loc *l, bool temp, struct zd_dbg_out *out)
{
	struct zd_bkpt *b;
	struct zd_sb *sb = &out->text;
	struct zd_where w;
	int ret, id;

	ret = zd_pt_break(&d->pt, addr, &b);
	if (ret == -EEXIST) {
		/* as gdb: another breakpoint at the same address */
		b = zd_bkpt_at(&d->pt.bps, addr);
		id = dbg_bp_share(d, b->id);
	} else if (ret < 0) {
		return zd_dbg_fail(out, "cannot set a breakpoint at 0x%" PRIx64 ": %s", addr,
				   ret == -EFAULT || ret == -EIO ? "address not mapped" : strerror(-ret));
	} else {
		id = b->id;
	}
	if (temp || l->cond[0]) {
		struct dbg_bpx *x = dbg_bpx(d, id, true);

		x->temp = temp;
		x->cond = l->cond[0] ? zd_xstrdup(l->cond) : NULL;
	}
	zd_sb_addf(sb, "%sbreakpoint %d at 0x%" PRIx64, temp ? "temporary " : "", id, addr);
	if (zd_dbg_load_space(d) == 0 && zd_space_lookup(&d->space, addr, d->lines ? ZD_LOOKUP_LINE : 0, &w) == 0) {
		zd_sb_adds(sb, ": ");
		dbg_put_sym(sb, d, &w);
		if (w.file) {
			zd_sb_adds(sb, " at ");
			dbg_put_esc(sb, w.file);
			zd_sb_addf(sb, ":%d", w.line);
		}
	}
	zd_sb_addc(sb, '\n');
	return 0;
}

/* A location typed after the command (break, tbreak, until, advance): its addresses. */
int
dbg_parse_loc(struct zd_dbg *d, const char *arg, struct zd_loc *l, uint64_t **addrs, size_t *n,
	      struct zd_dbg_out *out)
{
	const char *why;
	int ret = zd_loc_parse(arg, l, &why);

	*addrs = NULL;
	*n = 0;
	if (ret == -E2BIG)
		return zd_dbg_fail(out, "location too long");
	if (ret < 0)
		return zd_dbg_fail(out, "%s", why);
	return dbg_loc_addrs(d, l, addrs, n, out);
}

static int
cmd_break(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct zd_loc l;
	uint64_t *addrs;
	size_t n, i;
	int ret = 0;

	if (dbg_parse_loc(d, rest_of_line(d), &l, &addrs, &n, out) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (set_one(d, addrs[i], &l, !strcmp(argv[0], "tbreak"), out) < 0)
			ret = -1;
	free(addrs);
	return ret;
}

static int
bp_number(struct zd_dbg *d, const char *word, const char *usage, struct zd_dbg_out *out)
{
	long long id;
	unsigned long hits;
	uint64_t addr;

	if (zd_dbg_parse_int(word, 1, INT_MAX, &id) < 0)
		return zd_dbg_fail(out, "usage: %s", usage);
	if (!dbg_bp_visible(d, (int)id, &addr, &hits))
		return zd_dbg_fail(out, "no breakpoint %lld", id);
	return (int)id;
}

static int
cmd_delete(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	int id, ret, i;

	if (argc == 1) {
		/* gdb: all of them */
		size_t n, k;
		struct bp_row *v = bp_rows(d, &n);

		for (k = 0; k < n; k++)
			if ((ret = dbg_bp_delete(d, v[k].id)) < 0) {
				free(v);
				return zd_dbg_fail(out, "cannot remove breakpoint %d: %s", v[k].id, strerror(-ret));
			}
		free(v);
		dbg_watch_delete_all(d);   /* and watchpoints, catchpoints (watch.c) */
		zd_sb_addf(&out->text, "deleted all breakpoints\n");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		long long wid;

		if (zd_dbg_parse_int(argv[i], 1, INT_MAX, &wid) == 0 && dbg_watch_delete(d, (int)wid) == 0) {
			zd_sb_addf(&out->text, "deleted watchpoint or catchpoint %lld\n", wid);
			continue;
		}
		if ((id = bp_number(d, argv[i], "delete [N...] (see 'info breaks')", out)) < 0)
			return -1;
		ret = dbg_bp_delete(d, id);
		if (ret < 0)
			return zd_dbg_fail(out, "cannot remove breakpoint %d: %s", id, strerror(-ret));
		zd_sb_addf(&out->text, "deleted breakpoint %d\n", id);
	}
	return 0;
}

static int
cmd_condition(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	const char *rest = rest_of_line(d), *e;
	struct dbg_bpx *x;
	int id;

	if ((id = bp_number(d, argv[1], "condition N [EXPR]", out)) < 0)
		return -1;
	rest += strspn(rest, " \t");
	rest += strcspn(rest, " \t");
	rest += strspn(rest, " \t");
	e = rest + strlen(rest);
	while (e > rest && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	x = dbg_bpx(d, id, true);
	free(x->cond);
	x->cond = e > rest ? zd_xstrndup(rest, (size_t)(e - rest)) : NULL;
	if (x->cond)
		zd_sb_addf(&out->text, "breakpoint %d stops only if ", id), dbg_put_esc(&out->text, x->cond),
			zd_sb_addc(&out->text, '\n');
	else
		zd_sb_addf(&out->text, "breakpoint %d now unconditional\n", id);
	return 0;
}

static int
cmd_enable(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	bool off = !strcmp(argv[0], "disable");
	int i, id;

	if (argc == 1) {
		size_t n, k;
		struct bp_row *v = bp_rows(d, &n);

		for (k = 0; k < n; k++)
			dbg_bpx(d, v[k].id, true)->disabled = off;
		free(v);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if ((id = bp_number(d, argv[i], off ? "disable [N...]" : "enable [N...]", out)) < 0)
			return -1;
		dbg_bpx(d, id, true)->disabled = off;
	}
	return 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_break[] = {
	{ "break", "b", 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_break, "break [LOCATION] [if EXPR]",
	  "set a breakpoint: FILE:LINE, LINE (current file), FUNC (after its prologue, as gdb), *ADDR, or an address "
	  "expression; 'if EXPR' stops only when EXPR is true in the thread that hit it", NULL },
	{ "tbreak", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_break, "tbreak [LOCATION] [if EXPR]",
	  "a breakpoint deleted when it first stops the process", NULL },
	{ "condition", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_condition, "condition N [EXPR]",
	  "breakpoint N stops only when EXPR is true (without EXPR: always)", NULL },
	{ "delete", "d", 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_delete, "delete [N...]",
	  "remove breakpoints, watchpoints or catchpoints N... (all without N)", NULL },
	{ "disable", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_enable, "disable [N...]",
	  "breakpoints N... (all without N) no longer stop the process", NULL },
	{ "enable", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_enable, "enable [N...]",
	  "disabled breakpoints stop the process again", NULL },
	{ 0 },
};
