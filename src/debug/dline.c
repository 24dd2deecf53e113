/* Line-table questions for stepping and breakpoints, as gdb answers them (include/zdiag/dline.h). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/dline.h"
#include "zdiag/xalloc.h"

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

	memset(r, 0, sizeof(*r));
	dwarf_lineaddr(l, &r->addr);
	dwarf_lineno(l, &r->line);
	dwarf_linediscriminator(l, &r->disc);
	dwarf_linebeginstatement(l, &r->stmt);
	dwarf_lineendsequence(l, &r->end);
	r->file = dwarf_linesrc(l, NULL, NULL);
}

/* Is there a statement row before row i at its address (gdb's m_stmt_at_address)? */
static bool
stmt_before(Dwarf_Lines *lines, size_t i, Dwarf_Addr addr)
{
	struct row q;

	while (i > 0) {
		row_at(lines, --i, &q);
		if (q.end || q.addr != addr)
			return false;
		if (q.stmt)
			return true;
	}
	return false;
}

/*
 * Does a switch to another file at row i (at the address of the row
 * before) end the rows of the file before at that address?  gdb puts an
 * end marker in that file, which takes out its rows at the address; but
 * it ignores a switch to a non-statement row where a statement row is.
 */
static bool
popped(Dwarf_Lines *lines, size_t i, const struct row *r)
{
	struct row t, p;
	size_t k;

	for (k = i + 1; dwarf_onesrcline(lines, k); k++) {
		row_at(lines, k, &t);
		if (t.end || t.addr != r->addr)
			return false;
		row_at(lines, k - 1, &p);
		if (t.file != p.file && p.file == r->file && t.line &&
		    !(!t.stmt && stmt_before(lines, k, t.addr)))
			return true;
	}
	return false;
}

/* Is row i in gdb's line table (dwarf_record_line_p and the rows gdb ignores)? */
static bool
kept(Dwarf_Lines *lines, size_t i)
{
	struct row r, q;
	bool disc;
	size_t k;

	row_at(lines, i, &r);
	if (r.end)
		return true;
	if (!r.line)
		return false;
	if (popped(lines, i, &r))
		return false;
	if (!i)
		return true;
	row_at(lines, i - 1, &q);
	if (q.end)
		return true;
	if (q.file != r.file)
		return !(q.addr == r.addr && !r.stmt && stmt_before(lines, i, r.addr));
	if (q.line != r.line)
		return true;
	/* the same line: dropped if a row of this run of the line has a discriminator */
	disc = r.disc != 0;
	for (k = i; k > 0 && !disc; k--) {
		row_at(lines, k - 1, &q);
		if (q.end || q.line != r.line || q.file != r.file)
			break;
		disc = q.disc != 0;
	}
	return !disc;
}

static int
cu_lines(void *cu, Dwarf_Lines **lines, size_t *n)
{
	return dwarf_getsrclines(cu, lines, n) == 0 && *n ? 0 : -ENOENT;
}

int
zd_dl_line(struct zd_di *di, uint64_t pc, struct zd_dl_line *out)
{
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	size_t n, i, j, p;
	uint64_t bias, vaddr;
	struct row r, q;

	if (zd_di_cu_at(di, pc, &cu, &bias) < 0 || cu_lines(&cu, &lines, &n) < 0)
		return -ENOENT;
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
	while (p > 0 && !kept(lines, p))
		p--;
	row_at(lines, p, &r);
	if (r.end || !r.line || r.addr > vaddr)
		return -ENOENT;
	/* a non-statement row: a statement row at the same address instead */
	if (!r.stmt) {
		size_t t = p;

		while (t > 0) {
			row_at(lines, t - 1, &q);
			if (q.addr != r.addr || q.end || !q.line)
				break;
			t--;
			if (kept(lines, t) && q.stmt) {
				p = t;
				r = q;
				break;
			}
		}
	}
	out->lo = r.addr + bias;
	out->line = r.line;
	out->file = r.file;
	out->stmt = r.stmt;
	out->start = r.addr == vaddr;
	/* up to the next row above */
	out->hi = pc + 1;
	for (j = i; j < n; j++) {
		row_at(lines, j, &q);
		if (q.addr > vaddr && kept(lines, j)) {
			out->hi = q.addr + bias;
			break;
		}
	}
	return 0;
}

/* Does the CU have a variable or parameter with a location list (gdb's
 * has_loclist: it then trusts the code from the function's entry on)? */
static bool
has_loclist(Dwarf_Die *die)
{
	Dwarf_Die c;

	if (dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);
		Dwarf_Attribute a;

		if ((tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) && dwarf_attr(&c, DW_AT_location, &a)) {
			unsigned f = dwarf_whatform(&a);

			if (f == DW_FORM_sec_offset || f == DW_FORM_loclistx || f == DW_FORM_data4 || f == DW_FORM_data8)
				return true;
		}
		if (has_loclist(&c))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* amd64_skip_prologue for GCC code, and the move to the next row of skip_prologue_sal. */
static uint64_t
skip_prologue(struct zd_di *di, uint64_t entry, uint64_t end, zd_dl_code_fn code, void *ctx)
{
	unsigned char b[8];
	size_t off = 0;
	uint64_t pc = entry;
	struct zd_dl_line l;

	if (code(ctx, entry, b, sizeof(b)) < 0)
		return entry;
	if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
		off = 4;
	if (b[off] == 0x55 && b[off + 1] == 0x48 &&
	    ((b[off + 2] == 0x89 && b[off + 3] == 0xe5) || (b[off + 2] == 0x8b && b[off + 3] == 0xec)))
		pc = entry + off + 4;
	if (pc == entry)
		return entry;
	if (zd_dl_line(di, pc, &l) == 0 && l.lo != pc && l.hi > entry && l.hi < end)
		pc = l.hi;
	return pc;
}

/* The function (not inlined) whose code holds vaddr in cu: entry and end. */
static int
func_bounds(Dwarf_Die *cu, uint64_t vaddr, uint64_t *entry, uint64_t *end)
{
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes(cu, vaddr, &scopes), i;
	Dwarf_Addr lo, hi;

	for (i = n - 1; i >= 0; i--)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			if (dwarf_entrypc(&scopes[i], &lo) != 0 && dwarf_lowpc(&scopes[i], &lo) != 0)
				break;
			if (dwarf_highpc(&scopes[i], &hi) != 0)
				hi = lo + 1;
			*entry = lo;
			*end = hi;
			free(scopes);
			return 0;
		}
	free(scopes);
	return -ENOENT;
}

uint64_t
zd_dl_post_prologue(struct zd_di *di, uint64_t entry, uint64_t end, zd_dl_code_fn code, void *ctx)
{
	Dwarf_Die cu;
	uint64_t bias;

	if (zd_di_cu_at(di, entry, &cu, &bias) == 0 && has_loclist(&cu))
		return entry;
	return skip_prologue(di, entry, end, code, ctx);
}

int
zd_dl_after_prologue(struct zd_di *di, uint64_t func_pc, zd_dl_code_fn code, void *ctx, uint64_t *addr)
{
	struct zd_dl_line l;
	Dwarf_Die cu;
	uint64_t bias, lo, hi;

	if (zd_dl_line(di, func_pc, &l) < 0 || zd_di_cu_at(di, func_pc, &cu, &bias) < 0)
		return -ENOENT;
	if (func_bounds(&cu, func_pc - bias, &lo, &hi) < 0)
		hi = func_pc + 1;
	else
		hi += bias;
	/* gdb's handle_step_into_function: the prologue analysis, then the end of a line it ends in */
	*addr = skip_prologue(di, func_pc, hi, code, ctx);
	return 0;
}

const char *
zd_dl_comp_dir(struct zd_di *di, uint64_t pc)
{
	Dwarf_Die cu;
	Dwarf_Attribute a;
	uint64_t bias;

	if (zd_di_cu_at(di, pc, &cu, &bias) < 0 || !dwarf_attr(&cu, DW_AT_comp_dir, &a))
		return NULL;
	return dwarf_formstring(&a);
}

/* ---------------------------------------------------------------- */
/* FILE:LINE                                                          */

bool
zd_dl_file_matches(const char *path, const char *want)
{
	size_t pl, wl;

	if (!path)
		return false;
	if (!strcmp(path, want))
		return true;
	pl = strlen(path);
	wl = strlen(want);
	return pl > wl && path[pl - wl - 1] == '/' && !strcmp(path + pl - wl, want);
}

struct hit {
	uint64_t addr;      /* runtime */
	uint64_t bias;
	Dwarf_Die cu;
};

struct line_search {
	const char *file;
	int want;
	int best;           /* the smallest line above want with a statement row */
	bool file_seen;
	struct hit *v;
	size_t n, alloc;
};

static int
search_cu(void *cuv, uint64_t bias, void *ctx)
{
	struct line_search *s = ctx;
	Dwarf_Die *cu = cuv;
	Dwarf_Files *files;
	Dwarf_Lines *lines;
	size_t nf, n, i;
	bool any = false;

	if (dwarf_getsrcfiles(cu, &files, &nf) != 0)
		return 0;
	for (i = 0; i < nf && !any; i++)
		any = zd_dl_file_matches(dwarf_filesrc(files, i, NULL, NULL), s->file);
	if (!any || cu_lines(cu, &lines, &n) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct row r;

		row_at(lines, i, &r);
		if (r.end || !r.stmt || !zd_dl_file_matches(r.file, s->file) || !kept(lines, i))
			continue;
		s->file_seen = true;
		if (r.line == s->want) {
			ZD_GROW(s->v, s->alloc, s->n + 1);
			s->v[s->n].addr = r.addr + bias;
			s->v[s->n].bias = bias;
			s->v[s->n].cu = *cu;
			s->n++;
		} else if (r.line > s->want && (s->best < 0 || r.line < s->best)) {
			s->best = r.line;
		}
	}
	return 0;
}

/* The innermost lexical block (or function, or CU) holding the hit. */
static Dwarf_Off
block_of(struct hit *h)
{
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes(&h->cu, h->addr - h->bias, &scopes);
	Dwarf_Off off = n > 0 ? dwarf_dieoffset(&scopes[0]) : 0;

	free(scopes);
	return off;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
zd_dl_file_line(struct zd_di *di, const char *file, int line, zd_dl_code_fn code, void *ctx, uint64_t **addrs,
		size_t *n, int *line_out)
{
	struct line_search s = { file, line, -1, false, NULL, 0, 0 };
	Dwarf_Off *blocks;
	bool *drop;
	size_t i, j, k;

	*addrs = NULL;
	*n = 0;
	zd_di_each_cu(di, true, search_cu, &s);
	if (!s.file_seen)
		zd_di_each_cu(di, false, search_cu, &s);
	if (!s.file_seen)
		return -ENOENT;
	if (!s.n && s.best > 0) {
		s.want = s.best;
		s.best = -1;
		zd_di_each_cu(di, false, search_cu, &s);
	}
	if (!s.n) {
		free(s.v);
		return -ERANGE;
	}
	/* linespec.c: one address per block (and its quirk: each address
	 * removes only the next one of its block) */
	blocks = zd_xcalloc(s.n, sizeof(*blocks));
	drop = zd_xcalloc(s.n, sizeof(*drop));
	for (i = 0; i < s.n; i++)
		blocks[i] = block_of(&s.v[i]);
	for (i = 0; i < s.n; i++)
		for (j = i + 1; blocks[i] && j < s.n; j++)
			if (blocks[j] == blocks[i]) {
				drop[j] = true;
				break;
			}
	*addrs = zd_xcalloc(s.n, sizeof(**addrs));
	for (i = k = 0; i < s.n; i++) {
		uint64_t entry, end, p, a = s.v[i].addr;

		if (drop[i])
			continue;
		/* skip_prologue_sal: not before the function's breakpoint address */
		if (func_bounds(&s.v[i].cu, a - s.v[i].bias, &entry, &end) == 0) {
			p = zd_dl_post_prologue(di, entry + s.v[i].bias, end + s.v[i].bias, code, ctx);
			if (a < p)
				a = p;
		}
		(*addrs)[k++] = a;
	}
	qsort(*addrs, k, sizeof(**addrs), cmp_u64);
	for (i = j = 0; i < k; i++)
		if (!j || (*addrs)[j - 1] != (*addrs)[i])
			(*addrs)[j++] = (*addrs)[i];
	*n = j;
	if (line_out)
		*line_out = s.want;
	free(blocks);
	free(drop);
	free(s.v);
	return 0;
}

/* Is vaddr in die's ranges (or [low_pc, high_pc))? */
static bool
die_has(Dwarf_Die *die, uint64_t vaddr)
{
	return dwarf_haspc(die, vaddr) == 1;
}

/* The first address of die's first range (gdb's BLOCK_ENTRY_PC), or 0. */
static uint64_t
die_first(Dwarf_Die *die)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off;

	off = dwarf_ranges(die, 0, &base, &lo, &hi);
	return off > 0 ? lo : 0;
}

int
zd_dl_inline_entries(struct zd_di *di, uint64_t pc)
{
	Dwarf_Die cu, scopes[64], child;
	uint64_t bias, vaddr;
	int n = 0, i, k = 0;

	if (zd_di_cu_at(di, pc, &cu, &bias) < 0)
		return 0;
	vaddr = pc - bias;
	/* the concrete scopes holding vaddr, outermost first (dwarf_getscopes
	 * goes on with an inlined subroutine's abstract origin instead) */
	scopes[0] = cu;
	while (n < 63 && dwarf_child(&scopes[n], &child) == 0) {
		bool found = false;

		do {
			int tag = dwarf_tag(&child);

			if ((tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
			     tag == DW_TAG_lexical_block) && die_has(&child, vaddr)) {
				scopes[++n] = child;
				found = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
	}
	for (i = n; i > 0; i--) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_lexical_block)
			continue;
		if (tag != DW_TAG_inlined_subroutine)
			break;
		if (die_first(&scopes[i]) != vaddr && (!vaddr || die_has(&scopes[i], vaddr - 1)))
			break;
		k++;
	}
	return k;
}
