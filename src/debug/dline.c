/* Line-table questions for stepping (include/zdiag/dline.h). */
#include <elfutils/libdw.h>
#include <errno.h>

#include "zdiag/dline.h"

struct row {
	Dwarf_Addr addr;
	int line;
	unsigned disc;
	bool stmt, end;
	const char *file;
};

static void
row_at(Dwarf_Lines *lines, size_t i, struct row *r)
{
	Dwarf_Line *l = dwarf_onesrcline(lines, i);

	r->addr = 0;
	r->line = 0;
	r->disc = 0;
	r->stmt = r->end = false;
	dwarf_lineaddr(l, &r->addr);
	dwarf_lineno(l, &r->line);
	dwarf_linediscriminator(l, &r->disc);
	dwarf_linebeginstatement(l, &r->stmt);
	dwarf_lineendsequence(l, &r->end);
	r->file = dwarf_linesrc(l, NULL, NULL);
}

/* Does gdb keep row i in its line table?  Not a row of the same file and
 * line as the one before when a discriminator is set (gdb's
 * dwarf_record_line_p: loops' extra rows are not new lines). */
static bool
recorded(Dwarf_Lines *lines, size_t i)
{
	struct row r, q;

	if (!i)
		return true;
	row_at(lines, i, &r);
	row_at(lines, i - 1, &q);
	if (r.end || q.end || r.line != q.line || r.file != q.file)
		return true;
	return !r.disc && !q.disc;
}

int
zd_dl_line(struct zd_di *di, uint64_t pc, struct zd_dl_line *out)
{
	void *lv;
	Dwarf_Lines *lines;
	size_t n, i, j, p;
	uint64_t bias, vaddr;
	struct row r, q;

	if (zd_di_lines_at(di, pc, &lv, &n, &bias) < 0)
		return -ENOENT;
	lines = lv;
	vaddr = pc - bias;
	/* the last row at or below vaddr (rows sorted by address) */
	for (i = 0, j = n; i < j;) {
		size_t mid = i + (j - i) / 2;

		row_at(lines, mid, &r);
		if (r.addr <= vaddr)
			i = mid + 1;
		else
			j = mid;
	}
	if (!i)
		return -ENOENT;
	p = i - 1;
	row_at(lines, p, &r);
	if (r.end || !r.line)
		return -ENOENT;
	while (p > 0 && !recorded(lines, p))
		p--;
	row_at(lines, p, &r);
	/* back up over non-statement rows of the same line */
	while (!r.stmt && p > 0) {
		row_at(lines, p - 1, &q);
		if (q.end || q.line != r.line)
			break;
		p--;
		r = q;
	}
	out->start = r.addr == vaddr && r.stmt;
	out->lo = r.addr + bias;
	out->line = r.line;
	out->file = r.file;
	/* the end: the next kept row above, past non-statement rows of the same line */
	out->hi = vaddr + 1 + bias;
	for (j = i; j < n; j++) {
		row_at(lines, j, &q);
		if (q.addr <= vaddr || !recorded(lines, j))
			continue;
		if (!q.end && q.line == out->line && !q.stmt)
			continue;
		out->hi = q.addr + bias;
		break;
	}
	return 0;
}

int
zd_dl_after_prologue(struct zd_di *di, uint64_t func_pc, uint64_t *addr)
{
	struct zd_srcpos pos, at;
	struct zd_dl_line l;
	uint64_t a;

	if (zd_di_line(di, func_pc, false, &pos) < 0 || !pos.func)
		return -ENOENT;
	if (zd_di_func_addr(di, pos.func, &a) == 0 && zd_di_line(di, a, false, &at) == 0 && at.func_pc == pos.func_pc &&
	    a >= func_pc) {
		*addr = a;
		return 0;
	}
	if (zd_dl_line(di, func_pc, &l) == 0 && zd_di_line(di, l.hi, false, &at) == 0 && at.func_pc == pos.func_pc) {
		*addr = l.hi;
		return 0;
	}
	*addr = func_pc;
	return 0;
}
