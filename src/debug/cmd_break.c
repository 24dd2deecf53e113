/* Breakpoint commands: break, delete, list breaks. */
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

int
dbg_list_breaks(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	size_t i;

	if (!d->pt.bps.n && !dbg_watch_count(d)) {
		zd_sb_addf(&out->text, "no breakpoints\n");
		return 0;
	}
	zd_sb_addf(sb, "%-4s %-18s %-6s %s\n", "ID", "ADDRESS", "HITS", "WHERE");
	dbg_watch_list(d, sb);      /* watchpoints and catchpoints (watch.c) */
	for (i = 0; i < d->pt.bps.n; i++) {
		const struct zd_bkpt *b = &d->pt.bps.v[i];

		zd_sb_addf(sb, "%-4d 0x%016" PRIx64 " %-6lu ", b->id, b->addr, b->hits);
		dbg_put_where(sb, d, b->addr);
		zd_sb_addc(sb, '\n');
	}
	return 0;
}

static int
cmd_break(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct zd_bkpt *b;
	struct zd_sb *sb = &out->text;
	struct zd_where w;
	uint64_t addr;
	int ret;

	if (dbg_eval(d, argv[1], &addr, out) < 0)
		return -1;
	ret = zd_pt_break(&d->pt, addr, &b);
	if (ret == -EEXIST)
		return zd_dbg_fail(out, "there is already a breakpoint at 0x%" PRIx64, addr);
	if (ret < 0)
		return zd_dbg_fail(out, "cannot set a breakpoint at 0x%" PRIx64 ": %s", addr,
				ret == -EFAULT || ret == -EIO ? "address not mapped" : strerror(-ret));
	zd_sb_addf(sb, "breakpoint %d at 0x%" PRIx64, b->id, addr);
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

static int
cmd_delete(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	long long id;
	int ret;

	if (zd_dbg_parse_int(argv[1], 1, INT_MAX, &id) < 0)
		return zd_dbg_fail(out, "usage: delete N (see 'list breaks')");
	ret = zd_pt_delete(&d->pt, (int)id);
	if (ret == -ENOENT && dbg_watch_delete(d, (int)id) == 0) {
		zd_sb_addf(&out->text, "deleted watchpoint or catchpoint %lld\n", id);
		return 0;
	}
	if (ret == -ENOENT)
		return zd_dbg_fail(out, "no breakpoint %lld", id);
	if (ret < 0)
		return zd_dbg_fail(out, "cannot remove breakpoint %lld: %s", id, strerror(-ret));
	for (size_t i = 0; i < d->pt.nth; i++)
		if (d->pt.th[i].bp_hit == (int)id)
			d->pt.th[i].bp_hit = 0;
	zd_sb_addf(&out->text, "deleted breakpoint %lld\n", id);
	return 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_break[] = {
	{ "break", "b", 1, 1, ZD_DBG_NEED_PROCESS, cmd_break, "break ADDR|SYMBOL", "set a breakpoint (int3)", NULL },
	{ "delete", NULL, 1, 1, ZD_DBG_NEED_PROCESS, cmd_delete, "delete N", "remove breakpoint, watchpoint or catchpoint N", NULL },
	{ 0 },
};
