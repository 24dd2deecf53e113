/* Stack and thread commands: bt, thread. */
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

static size_t
live_unwind(struct zd_dbg *d, struct zd_thread *t, struct zd_frame *fr, bool *truncated)
{
	struct zd_tsnap ts;
	size_t n = 0;

	*truncated = false;
	if (zd_pt_getregs(&d->pt, t) < 0 || zd_dbg_load_space(d) < 0)
		return 0;
	if (!d->uw)
		d->uw = zd_unwinder_new(&d->space);
	if (!d->uw)
		return 0;
	if (zd_tsnap_capture(&ts, t->tid, &t->regs, &d->space.maps, dbg_pt_reader, &d->pt, d->stack_max) < 0) {
		/* No readable stack: just the pc. */
		fr[0].ip = t->regs.rip;
		fr[0].sp = t->regs.rsp;
		fr[0].flags = ZD_FRAME_EXACT;
		return 1;
	}
	n = zd_unwind(d->uw, &ts, dbg_pt_reader_masked, &d->pt, fr, d->max_frames);
	*truncated = ts.truncated;
	zd_tsnap_release(&ts);
	return n;
}

/*
 * One thread's frames as bt shows them, with gdb's inline frames: a
 * physical frame whose pc is in code inlined into its function is preceded
 * by one "#N  0xIP in FUNC [inlined] (MODULE) at FILE:LINE" line per
 * inlined function (innermost first), and its own line then ends at the
 * call site's FILE:LINE, as gdb numbers and places them.
 */
static void
put_frames_inline(struct zd_dbg *d, const struct zd_frame *fr, size_t n, struct zd_sb *sb)
{
	struct zd_dbg_out q;
	struct zd_di *di = NULL;
	size_t i, num = 0;

	zd_dbg_out_init(&q, NULL, NULL);
	if (d->lines)
		di = dbg_src_di(d, &q);
	zd_dbg_out_release(&q);
	for (i = 0; i < n; i++) {
		const struct zd_frame *f = &fr[i];
		struct zd_srcpos pos[16];
		struct zd_sb line = ZD_SB_INIT;
		const char *at;
		int k = 0, j;

		if (di && !(f->flags & ZD_FRAME_SIGNAL))
			k = zd_di_inline_chain(di, f->ip, !(f->flags & ZD_FRAME_EXACT), pos, 16);
		for (j = 0; j < k - 1; j++) {
			const struct zd_module *m = zd_space_module(&d->space, f->ip);

			zd_sb_addf(sb, "#%-2zu %s0x%016" PRIx64 "%s in %s", num++, dbg_col(d, C_ADDR), f->ip,
				   dbg_col(d, C_RESET), dbg_col(d, C_FUNC));
			dbg_put_esc(sb, pos[j].func ? pos[j].func : "??");
			zd_sb_addf(sb, "%s [inlined] (%s", dbg_col(d, C_RESET), dbg_col(d, C_MOD));
			dbg_put_esc(sb, m ? m->name : "");
			zd_sb_addf(sb, "%s) at ", dbg_col(d, C_RESET));
			dbg_put_esc(sb, pos[j].file);
			zd_sb_addf(sb, ":%d\n", pos[j].line);
		}
		dbg_put_frame(&line, d, &d->space, num++, f);
		at = k > 1 && line.len ? strstr(line.buf, " at ") : NULL;
		if (at) {
			/* the outer function stands at the call site */
			zd_sb_add(sb, line.buf, (size_t)(at - line.buf));
			zd_sb_adds(sb, " at ");
			dbg_put_esc(sb, pos[k - 1].file);
			zd_sb_addf(sb, ":%d\n", pos[k - 1].line);
		} else {
			zd_sb_add(sb, line.buf, line.len);
		}
		zd_sb_release(&line);
	}
}

static int
cmd_bt(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	bool all = false, unique = false;
	pid_t only = 0;
	struct dbg_tbt *t;
	size_t i, n = 0;
	struct zd_sb *sb = &out->text;
	int k;
	bool full = false, gdb_form = false;
	long long limit = 0;

	for (k = 1; k < argc; k++) {
		long long v;

		if (!strcmp(argv[k], "full") || !strcmp(argv[k], "-full"))
			full = gdb_form = true;
		else if (argv[k][0] == '-' && zd_dbg_parse_int(argv[k] + 1, 1, INT_MAX, &v) == 0)
			limit = -v, gdb_form = true;
		else if (k == argc - 1 && (full || argc == 2) && zd_dbg_parse_int(argv[k], 1, INT_MAX, &v) == 0 &&
			 !zd_pt_thread(&d->pt, (pid_t)v))
			limit = v, gdb_form = true;  /* bt N (a number that is no thread of ours) */
		else if (!strcmp(argv[k], "all"))
			all = true;
		else if (!strcmp(argv[k], "--unique") || !strcmp(argv[k], "unique"))
			unique = all = true;
		else if (zd_dbg_parse_int(argv[k], 1, INT_MAX, &v) == 0)
			only = (pid_t)v;
		else
			return zd_dbg_fail(out, "usage: bt [TID|all] [--unique] | bt [full] [N|-N]");
	}
	if (gdb_form) {
		if (all || only)
			return zd_dbg_fail(out, "usage: bt [TID|all] [--unique] | bt [full] [N|-N]");
		return dbg_src_bt(d, limit, full, out);
	}
	if (only && !zd_pt_thread(&d->pt, only))
		return zd_dbg_fail(out, "no thread %d in process %d", (int)only, (int)d->pid);
	if (!all && !only)
		only = zd_dbg_cur_thread(d)->tid;
	t = zd_xcalloc(d->pt.nth, sizeof(*t));
	for (i = 0; i < d->pt.nth; i++) {
		struct zd_thread *th = &d->pt.th[i];
		struct dbg_tbt *b = &t[n];

		if (only && th->tid != only)
			continue;
		if ((th->flags & ZD_TH_GONE) && th->state != 'Z')
			continue;
		b->tid = th->tid;
		b->state = th->state;
		b->stopped = th->flags & ZD_TH_STOPPED;
		b->zombie = (th->flags & ZD_TH_GONE) != 0;
		dbg_read_comm(d->pid, th->tid, b->comm, sizeof(b->comm));
		if (b->stopped) {
			b->fr = zd_xcalloc(d->max_frames, sizeof(*b->fr));
			b->n = live_unwind(d, th, b->fr, &b->truncated);
		}
		n++;
	}
	if (n == 1 && !all) {
		put_frames_inline(d, t[0].fr, t[0].n, sb);
		if (t[0].truncated)
			zd_sb_adds(sb, "    (stack copy truncated: see --stack-size)\n");
	} else {
		dbg_render_bt_text(out, d, &d->space, t, n, unique);
	}
	for (i = 0; i < n; i++)
		free(t[i].fr);
	free(t);
	return 0;
}

static int
cmd_thread(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	long long v;
	struct zd_thread *t;

	if (argc == 1) {
		zd_sb_addf(&out->text, "current thread: %d\n", (int)zd_dbg_cur_thread(d)->tid);
		return 0;
	}
	if (zd_dbg_parse_int(argv[1], 1, INT_MAX, &v) < 0)
		return zd_dbg_fail(out, "usage: thread [TID]");
	t = zd_pt_thread(&d->pt, (pid_t)v);
	if (!t || !(t->flags & ZD_TH_STOPPED) || (t->flags & ZD_TH_GONE))
		return zd_dbg_fail(out, "no stopped thread %lld in process %d", v, (int)d->pid);
	d->cur = t->tid;
	zd_sb_addf(&out->text, "current thread: %d\n", (int)t->tid);
	return 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_stack[] = {
	{ "bt", "backtrace", 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_bt, "bt [TID|all] [--unique] | bt [full] [N|-N]",
	  "backtrace: #N 0xADDR in FUNC+0xOFF (MODULE) at FILE:LINE, inlined functions as [inlined] frames; "
	  "with full (locals), N (innermost N; a thread's id is a TID) or -N (outermost N): gdb's frames from DWARF", "full all --unique" },
	{ "thread", NULL, 0, 1, ZD_DBG_NEED_PROCESS, cmd_thread, "thread [TID]", "show or switch the current thread", NULL },
	{ 0 },
};
