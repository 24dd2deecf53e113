/*
 * Source-level debug information from DWARF (libdw): lines, inline frames,
 * scopes, variables, location expressions, CFI frames, types.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/dline.h"
#include "zdiag/dwarf.h"
#include "zdiag/esc.h"
#include "zdiag/regs.h"
#include "zdiag/xalloc.h"

#define MAX_VALUE (1u << 20)
#define MAX_SCOPES 64
#define EVAL_STACK 64
#define MAX_PIECES 16
/* rbx, rbp, r12-r15 by DWARF number */
#define CALLEE_SAVED ((1u << 3) | (1u << 6) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 15))

struct cu_range {
	uint64_t lo, hi;
	Dwarf_Off off;
};

struct tcache_ent {
	Dwarf_Off off;
	const struct zd_type *t;
};

/* One entry of a module's name index (find_global). */
struct name_ent {
	const char *name;          /* in the module's .debug_str */
	int tag;
	Dwarf_Off die, cu;
	size_t seq;                /* walk order: the first CU wins, as before */
};

struct di_mod {
	struct zd_elf *elf;
	Dwarf *dw;                 /* owned by elf; see mod_dwarf() */
	bool dw_tried;
	Dwarf_CFI *eh;             /* .eh_frame (ours) */
	bool eh_tried;
	bool no_aranges;           /* dwarf_addrdie failed once: use the CU walk */
	struct cu_range *cus;      /* the CU walk (lazy) */
	size_t ncus;
	bool cus_done;
	struct tcache_ent *tc;     /* open addressing, DIE offset -> type */
	size_t tc_cap, tc_n;
	size_t *cus_read;          /* the zd_di's count */
	struct name_ent *names;    /* top-level functions and variables by name (lazy) */
	size_t nnames;
	bool names_done;
};

struct zd_di {
	const struct zd_space *sp;
	struct di_mod *mods;
	size_t nmods, alloc;
	struct zd_types types;
	const struct zd_type *t_void;
	size_t cus_read;           /* CU DIEs opened (zd_di_cus_read) */
};

struct zd_di *
zd_di_new(const struct zd_space *sp)
{
	struct zd_di *di = zd_xcalloc(1, sizeof(*di));

	di->sp = sp;
	zd_types_init(&di->types);
	di->t_void = zd_type_base(&di->types, ZD_T_VOID, "void", 0);
	return di;
}

static void
free_mods(struct zd_di *di)
{
	size_t i;

	for (i = 0; i < di->nmods; i++) {
		if (di->mods[i].eh)
			dwarf_cfi_end(di->mods[i].eh);
		free(di->mods[i].cus);
		free(di->mods[i].tc);
		free(di->mods[i].names);
	}
	free(di->mods);
	di->mods = NULL;
	di->nmods = di->alloc = 0;
}

void
zd_di_flush(struct zd_di *di)
{
	/* types stay valid (values handed out may point at them) */
	free_mods(di);
}

void
zd_di_free(struct zd_di *di)
{
	if (!di)
		return;
	free_mods(di);
	zd_types_release(&di->types);
	free(di);
}

struct zd_types *
zd_di_types(struct zd_di *di)
{
	return &di->types;
}

void
zd_di_name_addr(void *ctx, uint64_t addr, bool code, struct zd_sb *sb)
{
	struct zd_di *di = ctx;
	struct zd_where w;

	(void)code;
	if (zd_space_lookup(di->sp, addr, 0, &w) < 0 || !w.sym)
		return;
	zd_esc_cs(sb, w.sym->name, 0);
	if (w.off)
		zd_sb_addf(sb, "+%" PRIu64, w.off);
}

void
zd_dregs_from_user(struct zd_dregs *d, const struct user_regs_struct *u)
{
	memset(d, 0, sizeof(*d));
	d->r[0] = u->rax;
	d->r[1] = u->rdx;
	d->r[2] = u->rcx;
	d->r[3] = u->rbx;
	d->r[4] = u->rsi;
	d->r[5] = u->rdi;
	d->r[6] = u->rbp;
	d->r[7] = u->rsp;
	d->r[8] = u->r8;
	d->r[9] = u->r9;
	d->r[10] = u->r10;
	d->r[11] = u->r11;
	d->r[12] = u->r12;
	d->r[13] = u->r13;
	d->r[14] = u->r14;
	d->r[15] = u->r15;
	d->r[16] = u->rip;
	d->valid = (1u << ZD_DREGS) - 1;
}

/* ---------------------------------------------------------------- */
/* Modules and compile units                                          */

static struct di_mod *
mod_of_elf(struct zd_di *di, struct zd_elf *elf)
{
	struct di_mod *m;
	size_t i;

	for (i = 0; i < di->nmods; i++)
		if (di->mods[i].elf == elf)
			return &di->mods[i];
	ZD_GROW(di->mods, di->alloc, di->nmods + 1);
	m = &di->mods[di->nmods++];
	memset(m, 0, sizeof(*m));
	m->elf = elf;
	m->cus_read = &di->cus_read;
	return m;
}

/* The module's DWARF, opened on first use (a debug file's sections are
 * inflated then: the CFI walk must not pay for that). */
size_t
zd_di_cus_read(const struct zd_di *di)
{
	return di->cus_read;
}

static Dwarf *
mod_dwarf(struct di_mod *m)
{
	if (!m->dw_tried) {
		m->dw_tried = true;
		m->dw = zd_elf_dwarf(m->elf);
	}
	return m->dw;
}

static void *
open_thread(void *arg)
{
	mod_dwarf(arg);
	return NULL;
}

void
zd_di_preload(struct zd_di *di, const uint64_t *pcs, size_t n)
{
	struct zd_elf *elfs[8];
	struct di_mod *mods[8];
	pthread_t th[8];
	bool started[8] = { false };
	size_t ne = 0, i, k;

	for (i = 0; i < n && ne < ZD_ARRAY_SIZE(elfs); i++) {
		const struct zd_module *zm = zd_space_module(di->sp, pcs[i]);

		if (!zm || !zm->elf)
			continue;
		for (k = 0; k < ne && elfs[k] != zm->elf; k++)
			;
		if (k == ne)
			elfs[ne++] = zm->elf;
	}
	/* create every module first: mod_of_elf may move the array */
	for (i = 0; i < ne; i++)
		mod_of_elf(di, elfs[i]);
	for (i = 0, k = 0; i < ne; i++) {
		struct di_mod *m = mod_of_elf(di, elfs[i]);

		if (!m->dw_tried)
			mods[k++] = m;
	}
	/* each module's sections are inflated on its own thread (separate Elf
	 * handles share nothing in libelf/libdw); the first on this one */
	for (i = 1; i < k; i++)
		started[i] = pthread_create(&th[i], NULL, open_thread, mods[i]) == 0;
	if (k)
		mod_dwarf(mods[0]);
	for (i = 1; i < k; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			mod_dwarf(mods[i]);
	}
}

/* The module holding runtime address pc with its bias; NULL without one. */
static struct di_mod *
mod_at(struct zd_di *di, uint64_t pc, uint64_t *bias)
{
	const struct zd_module *zm = zd_space_module(di->sp, pc);

	if (!zm || !zm->elf)
		return NULL;
	*bias = zm->bias;
	return mod_of_elf(di, zm->elf);
}

static int
cmp_cu_range(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The CU walk for a file without usable aranges: only CU DIEs are read. */
static void
list_cus(struct di_mod *m)
{
	Dwarf_Off off = 0, next;
	size_t hsize, alloc = 0;

	m->cus_done = true;
	while (dwarf_nextcu(m->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Addr base, lo, hi;
		ptrdiff_t r = 0;

		if (dwarf_offdie(m->dw, off + hsize, &cu)) {
			(*m->cus_read)++;
			while ((r = dwarf_ranges(&cu, r, &base, &lo, &hi)) > 0) {
				ZD_GROW(m->cus, alloc, m->ncus + 1);
				m->cus[m->ncus].lo = lo;
				m->cus[m->ncus].hi = hi;
				m->cus[m->ncus].off = off + hsize;
				m->ncus++;
			}
		}
		off = next;
	}
	if (m->ncus)
		qsort(m->cus, m->ncus, sizeof(*m->cus), cmp_cu_range);
}

/* The CU DIE covering ELF address vaddr. */
static int
cu_at(struct di_mod *m, uint64_t vaddr, Dwarf_Die *cu)
{
	size_t i;

	if (!mod_dwarf(m))
		return -ENOENT;
	if (!m->no_aranges) {
		if (dwarf_addrdie(m->dw, vaddr, cu)) {
			(*m->cus_read)++;
			return 0;
		}
		m->no_aranges = true;
	}
	if (!m->cus_done)
		list_cus(m);
	for (i = 0; i < m->ncus; i++)
		if (vaddr >= m->cus[i].lo && vaddr < m->cus[i].hi)
			return dwarf_offdie(m->dw, m->cus[i].off, cu) ? 0 : -EIO;
	return -ENOENT;
}

static bool
is_func_tag(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/*
 * The DIEs containing vaddr from the CU down (chain[0] the CU), through
 * subprograms, lexical blocks and inlined subroutines.
 */
static int
scope_chain(Dwarf_Die *cu, uint64_t vaddr, Dwarf_Die *chain, size_t max)
{
	size_t n = 1;
	Dwarf_Die child, *cur = cu;

	chain[0] = *cu;
	while (n < max) {
		bool found = false;

		if (dwarf_child(cur, &child) != 0)
			break;
		do {
			int tag = dwarf_tag(&child);

			if (tag != DW_TAG_subprogram && tag != DW_TAG_lexical_block && tag != DW_TAG_inlined_subroutine &&
			    tag != DW_TAG_namespace && tag != DW_TAG_try_block && tag != DW_TAG_catch_block)
				continue;
			if (tag == DW_TAG_namespace || dwarf_haspc(&child, vaddr) == 1) {
				if (tag == DW_TAG_namespace) {
					/* look inside only; keep walking siblings if it has no hit */
					Dwarf_Die sub;

					if (dwarf_child(&child, &sub) != 0)
						continue;
				}
				chain[n] = child;
				cur = &chain[n++];
				found = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
	}
	/* drop trailing namespaces that held nothing */
	while (n > 1 && dwarf_tag(&chain[n - 1]) == DW_TAG_namespace)
		n--;
	return (int)n;
}

/* Index in chain of the function DIE of inline frame inl (0 innermost), or -1. */
static int
func_index(Dwarf_Die *chain, int n, unsigned inl)
{
	int i;

	for (i = n - 1; i >= 0; i--)
		if (is_func_tag(dwarf_tag(&chain[i]))) {
			if (!inl)
				return i;
			inl--;
		}
	return -1;
}

static const char *
die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(die, DW_AT_name, &a))
		return NULL;
	return dwarf_formstring(&a);
}

/* ---------------------------------------------------------------- */
/* Lines                                                              */

static uint64_t
lookup_pc(uint64_t pc, bool caller)
{
	return caller && pc ? pc - 1 : pc;
}

static const char *
call_file(Dwarf_Die *cu, Dwarf_Die *inl)
{
	Dwarf_Attribute a;
	Dwarf_Word idx;
	Dwarf_Files *files;
	size_t nf;

	if (!dwarf_attr(inl, DW_AT_call_file, &a) || dwarf_formudata(&a, &idx) != 0)
		return NULL;
	if (dwarf_getsrcfiles(cu, &files, &nf) != 0 || idx >= nf)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

static int
attr_int(Dwarf_Die *die, int at, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(die, at, &a))
		return -ENOENT;
	return dwarf_formudata(&a, v) == 0 ? 0 : -EINVAL;
}

static uint64_t
func_entry(Dwarf_Die *f)
{
	Dwarf_Addr a = 0;

	if (dwarf_entrypc(f, &a) != 0)
		dwarf_lowpc(f, &a);
	return a;
}

static const char *
cu_dir(Dwarf_Die *cu)
{
	Dwarf_Attribute a;

	return dwarf_attr(cu, DW_AT_comp_dir, &a) ? dwarf_formstring(&a) : NULL;
}

int
zd_di_inline_chain(struct zd_di *di, uint64_t pc, bool caller, struct zd_srcpos *pos, size_t max)
{
	uint64_t bias, vaddr;
	struct di_mod *m = mod_at(di, lookup_pc(pc, caller), &bias);
	Dwarf_Die cu, chain[MAX_SCOPES];
	Dwarf_Line *l;
	int n, i, ln = 0, col = 0;
	size_t k = 0;
	const char *file;

	if (!m || !max)
		return -ENOENT;
	vaddr = lookup_pc(pc, caller) - bias;
	if (cu_at(m, vaddr, &cu) < 0)
		return -ENOENT;
	l = dwarf_getsrc_die(&cu, vaddr);
	if (!l || !(file = dwarf_linesrc(l, NULL, NULL)))
		return -ENOENT;
	dwarf_lineno(l, &ln);
	dwarf_linecol(l, &col);
	n = scope_chain(&cu, vaddr, chain, MAX_SCOPES);
	for (i = n - 1; i >= 0 && k < max; i--) {
		Dwarf_Word w;

		if (!is_func_tag(dwarf_tag(&chain[i])))
			continue;
		pos[k].comp_dir = cu_dir(&cu);
		pos[k].file = file;
		pos[k].line = ln;
		pos[k].column = col;
		pos[k].func = die_name(&chain[i]);
		pos[k].func_pc = func_entry(&chain[i]) + bias;
		k++;
		if (dwarf_tag(&chain[i]) != DW_TAG_inlined_subroutine)
			break;
		/* the caller's position is the call site */
		file = call_file(&cu, &chain[i]);
		if (!file)
			file = pos[k - 1].file;
		ln = attr_int(&chain[i], DW_AT_call_line, &w) == 0 ? (int)w : 0;
		col = attr_int(&chain[i], DW_AT_call_column, &w) == 0 ? (int)w : 0;
	}
	if (!k) {
		/* no function DIE: just the line */
		pos[0].comp_dir = cu_dir(&cu);
		pos[0].file = file;
		pos[0].line = ln;
		pos[0].column = col;
		pos[0].func = NULL;
		pos[0].func_pc = 0;
		k = 1;
	}
	return (int)k;
}

int
zd_di_line(struct zd_di *di, uint64_t pc, bool caller, struct zd_srcpos *pos)
{
	return zd_di_inline_chain(di, pc, caller, pos, 1) < 0 ? -ENOENT : 0;
}

int
zd_di_line_range(struct zd_di *di, uint64_t pc, uint64_t *lo, uint64_t *hi)
{
	uint64_t bias, vaddr;
	struct di_mod *m = mod_at(di, pc, &bias);
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	size_t n, i, j, k;
	int ln = 0;
	Dwarf_Addr a;

	if (!m)
		return -ENOENT;
	vaddr = pc - bias;
	if (cu_at(m, vaddr, &cu) < 0 || dwarf_getsrclines(&cu, &lines, &n) != 0 || !n)
		return -ENOENT;
	/* the last row at or below vaddr (rows sorted by address) */
	for (i = 0, j = n; i < j;) {
		size_t mid = i + (j - i) / 2;

		dwarf_lineaddr(dwarf_onesrcline(lines, mid), &a);
		if (a <= vaddr)
			i = mid + 1;
		else
			j = mid;
	}
	if (!i)
		return -ENOENT;
	i--;
	{
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		bool end;

		dwarf_lineendsequence(l, &end);
		if (end)
			return -ENOENT;
		dwarf_lineno(l, &ln);
		dwarf_lineaddr(l, &a);
	}
	*lo = a;
	*hi = a;
	for (k = i + 1; k < n; k++) {
		dwarf_lineaddr(dwarf_onesrcline(lines, k), &a);
		if (a > *lo) {
			*hi = a;
			break;
		}
	}
	(void)ln;
	if (*hi <= vaddr)
		*hi = vaddr + 1;
	*lo += bias;
	*hi += bias;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Where gdb (13, amd64, GCC code) puts `break FUNC`: after `push %rbp;
 * mov %rsp,%rbp` (an endbr64 first allowed) when the function starts with
 * them, else the entry itself; then, when that is in the middle of a
 * line-table row, the address of the next row (skip_prologue_sal).  A
 * row flagged prologue_end wins.  ELF addresses; sp reads the code.
 */
static uint64_t
post_prologue(const struct zd_space *sp, uint64_t bias, Dwarf_Die *cu, Dwarf_Die *f)
{
	Dwarf_Addr lo = 0, hi = 0, a;
	Dwarf_Lines *lines;
	unsigned char b[8];
	size_t n, i, off = 0;
	uint64_t pc, best = 0, next = 0;
	bool have_best = false;

	if (dwarf_lowpc(f, &lo) != 0 || dwarf_highpc(f, &hi) != 0)
		return lo;
	if (dwarf_getsrclines(cu, &lines, &n) != 0)
		return lo;
	for (i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		bool pe = false;

		dwarf_lineaddr(l, &a);
		dwarf_lineprologueend(l, &pe);
		if (pe && a >= lo && a < hi)
			return a;
	}
	pc = lo;
	if (zd_space_read_static(sp, lo + bias, b, sizeof(b)) == 0) {
		if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
			off = 4;
		if (b[off] == 0x55 && off + 4 <= sizeof(b) && b[off + 1] == 0x48 &&
		    ((b[off + 2] == 0x89 && b[off + 3] == 0xe5) || (b[off + 2] == 0x8b && b[off + 3] == 0xec)))
			pc = lo + off + 4;
	}
	if (pc == lo)
		return lo;
	for (i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		bool end = false;

		dwarf_lineaddr(l, &a);
		dwarf_lineendsequence(l, &end);
		if (end)
			continue;
		if (a <= pc && a >= lo && (!have_best || a >= best)) {
			best = a;
			have_best = true;
		}
		if (a > pc && a < hi && (!next || a < next))
			next = a;
	}
	if (have_best && best != pc && next)
		return next;
	return pc;
}

/* The function DIE of cu whose low_pc is exactly vaddr, searched among the top-level DIEs. */
static bool
func_at_entry(Dwarf_Die *cu, uint64_t vaddr, Dwarf_Die *out)
{
	Dwarf_Die c;
	Dwarf_Addr lo;

	if (dwarf_child(cu, &c) != 0)
		return false;
	do {
		if (dwarf_tag(&c) == DW_TAG_subprogram && dwarf_lowpc(&c, &lo) == 0 && lo == vaddr) {
			*out = c;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

struct line_hits {
	uint64_t *v;
	size_t n, alloc;
	int best;            /* the smallest line >= wanted seen so far */
};

static void
collect_line(const struct zd_space *sp, uint64_t bias, Dwarf_Die *cu, const char *file, int want, struct line_hits *h,
	     bool exact_pass)
{
	Dwarf_Lines *lines;
	size_t n, i;
	int prev_line = -1;
	const char *prev_file = NULL;

	if (dwarf_getsrclines(cu, &lines, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = dwarf_linesrc(l, NULL, NULL);
		bool stmt = false, end = false;
		int ln = 0;
		Dwarf_Addr a;

		dwarf_lineno(l, &ln);
		dwarf_linebeginstatement(l, &stmt);
		dwarf_lineendsequence(l, &end);
		dwarf_lineaddr(l, &a);
		if (!end && stmt && zd_dl_file_matches(src, file)) {
			if (!exact_pass) {
				if (ln >= want && (h->best < 0 || ln < h->best))
					h->best = ln;
			} else if (ln == want && (prev_line != ln || prev_file != src)) {
				Dwarf_Die f;
				uint64_t addr = a;

				if (func_at_entry(cu, a, &f))
					addr = post_prologue(sp, bias, cu, &f);
				ZD_GROW(h->v, h->alloc, h->n + 1);
				h->v[h->n++] = addr + bias;
			}
		}
		prev_line = end ? -1 : ln;
		prev_file = src;
	}
}

static void
each_cu(struct di_mod *m, void (*fn)(Dwarf_Die *cu, void *arg), void *arg)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!mod_dwarf(m))
		return;
	while (dwarf_nextcu(m->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(m->dw, off + hsize, &cu)) {
			(*m->cus_read)++;
			fn(&cu, arg);
		}
		off = next;
	}
}

/* ---- For src/debug/dline.c (include/zdiag/dline.h): compile units. ---- */

int
zd_di_cu_at(struct zd_di *di, uint64_t pc, void *cu, uint64_t *bias)
{
	struct di_mod *m = mod_at(di, pc, bias);

	if (!m || cu_at(m, pc - *bias, cu) < 0)
		return -ENOENT;
	return 0;
}

struct cu_each {
	int (*fn)(void *cu, uint64_t bias, void *ctx);
	void *ctx;
	uint64_t bias;
	int ret;
};

static void
cu_each_one(Dwarf_Die *cu, void *arg)
{
	struct cu_each *e = arg;

	if (!e->ret)
		e->ret = e->fn(cu, e->bias, e->ctx);
}

int
zd_di_each_cu(struct zd_di *di, bool exe_only, int (*fn)(void *cu, uint64_t bias, void *ctx), void *ctx)
{
	struct cu_each e = { fn, ctx, 0, 0 };
	size_t i;
	int pass;

	for (pass = 0; pass < (exe_only ? 1 : 2) && !e.ret; pass++)
		for (i = 0; i < di->sp->nmods && !e.ret; i++) {
			const struct zd_module *zm = &di->sp->mods[i];

			if (!zm->elf || (pass == 0) != zm->exe)
				continue;
			e.bias = zm->bias;
			each_cu(mod_of_elf(di, zm->elf), cu_each_one, &e);
		}
	return e.ret;
}

struct line_walk {
	const struct zd_space *sp;
	struct di_mod *m;
	uint64_t bias;
	const char *file;
	int want;
	struct line_hits *h;
	bool exact;
};

static void
line_walk_cu(Dwarf_Die *cu, void *arg)
{
	struct line_walk *w = arg;

	collect_line(w->sp, w->bias, cu, w->file, w->want, w->h, w->exact);
}

int
zd_di_line_addrs(struct zd_di *di, const char *file, int line, uint64_t **addrs, size_t *n, int *line_out)
{
	struct line_hits h = { NULL, 0, 0, -1 };
	size_t i, k;
	int pass;

	*addrs = NULL;
	*n = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < di->sp->nmods; i++) {
			const struct zd_module *zm = &di->sp->mods[i];
			struct line_walk w;

			if (!zm->elf)
				continue;
			w.sp = di->sp;
			w.m = mod_of_elf(di, zm->elf);
			w.bias = zm->bias;
			w.file = file;
			w.want = pass ? h.best : line;
			w.h = &h;
			w.exact = pass == 1;
			each_cu(w.m, line_walk_cu, &w);
		}
		if (!pass && h.best < 0)
			return -ENOENT;
	}
	if (!h.n) {
		free(h.v);
		return -ENOENT;
	}
	qsort(h.v, h.n, sizeof(*h.v), cmp_u64);
	for (i = k = 0; i < h.n; i++)
		if (!k || h.v[k - 1] != h.v[i])
			h.v[k++] = h.v[i];
	*addrs = h.v;
	*n = k;
	if (line_out)
		*line_out = h.best;
	return 0;
}

/* A top-level DIE named name with tag (subprogram with code, or a variable), any CU of m. */
struct find_top {
	const char *name;
	int tag;
	bool found;
	Dwarf_Die die, cu;
};

static bool
want_die(Dwarf_Die *c, struct find_top *f)
{
	const char *nm;
	Dwarf_Attribute a;
	Dwarf_Addr lo;

	if (dwarf_tag(c) != f->tag)
		return false;
	nm = die_name(c);
	if (!nm || strcmp(nm, f->name))
		return false;
	if (f->tag == DW_TAG_subprogram)
		return dwarf_lowpc(c, &lo) == 0;
	return dwarf_attr_integrate(c, DW_AT_location, &a) || dwarf_attr_integrate(c, DW_AT_const_value, &a);
}

/*
 * The name index of module m, built by one walk over its CUs the first time
 * a global is looked up by name (no .debug_names reader: libdw 0.188 has
 * none): each top-level subprogram with code and variable with a location
 * or a constant, sorted by name.  Later lookups are a binary search.
 */
struct index_walk {
	struct di_mod *m;
	size_t alloc;
};

static void
index_cu(Dwarf_Die *cu, void *arg)
{
	struct index_walk *w = arg;
	struct di_mod *m = w->m;
	struct find_top f;
	Dwarf_Die c;

	if (dwarf_child(cu, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		const char *nm;

		if (tag != DW_TAG_subprogram && tag != DW_TAG_variable)
			continue;
		nm = die_name(&c);
		if (!nm)
			continue;
		f.name = nm;
		f.tag = tag;
		if (!want_die(&c, &f))
			continue;
		ZD_GROW(m->names, w->alloc, m->nnames + 1);
		m->names[m->nnames] = (struct name_ent){ nm, tag, dwarf_dieoffset(&c), dwarf_dieoffset(cu), m->nnames };
		m->nnames++;
	} while (dwarf_siblingof(&c, &c) == 0);
}

static int
cmp_name_ent(const void *a, const void *b)
{
	const struct name_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool
index_find(struct di_mod *m, const char *name, int tag, struct find_top *f)
{
	size_t lo = 0, hi;

	if (!m->names_done) {
		struct index_walk w = { m, 0 };

		m->names_done = true;
		each_cu(m, index_cu, &w);
		if (m->nnames)
			qsort(m->names, m->nnames, sizeof(*m->names), cmp_name_ent);
	}
	hi = m->nnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->names[mid].name, name);

		if (c < 0 || (c == 0 && m->names[mid].tag < tag))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->nnames || strcmp(m->names[lo].name, name) || m->names[lo].tag != tag)
		return false;
	if (!dwarf_offdie(m->dw, m->names[lo].die, &f->die) || !dwarf_offdie(m->dw, m->names[lo].cu, &f->cu))
		return false;
	(*m->cus_read)++;
	f->found = true;
	return true;
}

/* Search the executable, then the others, for a top-level DIE. */
static int
find_global(struct zd_di *di, const char *name, int tag, struct find_top *f, struct di_mod **mp, uint64_t *bias)
{
	int pass;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->tag = tag;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < di->sp->nmods; i++) {
			const struct zd_module *zm = &di->sp->mods[i];
			struct di_mod *m;

			if (!zm->elf || (pass == 0) != zm->exe)
				continue;
			m = mod_of_elf(di, zm->elf);
			if (!mod_dwarf(m))
				continue;
			if (index_find(m, name, tag, f)) {
				*mp = m;
				*bias = zm->bias;
				return 0;
			}
		}
	return -ENOENT;
}

int
zd_di_func_addr(struct zd_di *di, const char *func, uint64_t *addr)
{
	struct find_top f;
	struct di_mod *m;
	uint64_t bias;

	if (find_global(di, func, DW_TAG_subprogram, &f, &m, &bias) < 0)
		return -ENOENT;
	*addr = post_prologue(di->sp, bias, &f.cu, &f.die) + bias;
	return 0;
}

int
zd_di_func_entry(struct zd_di *di, const char *func, uint64_t *addr)
{
	struct find_top f;
	struct di_mod *m;
	uint64_t bias;

	if (find_global(di, func, DW_TAG_subprogram, &f, &m, &bias) < 0)
		return -ENOENT;
	*addr = func_entry(&f.die) + bias;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Types                                                              */

static const struct zd_type *conv_type(struct zd_di *di, struct di_mod *m, Dwarf_Die *die);

static const struct zd_type *
tc_get(struct di_mod *m, Dwarf_Off off)
{
	size_t i;

	if (!m->tc_cap)
		return NULL;
	for (i = (size_t)(off * 0x9e3779b97f4a7c15ull >> 40) & (m->tc_cap - 1); m->tc[i].t; i = (i + 1) & (m->tc_cap - 1))
		if (m->tc[i].off == off)
			return m->tc[i].t;
	return NULL;
}

static void
tc_put(struct di_mod *m, Dwarf_Off off, const struct zd_type *t)
{
	size_t i;

	if ((m->tc_n + 1) * 2 > m->tc_cap) {
		struct tcache_ent *old = m->tc;
		size_t oc = m->tc_cap, k;

		m->tc_cap = oc ? oc * 2 : 256;
		m->tc = zd_xcalloc(m->tc_cap, sizeof(*m->tc));
		m->tc_n = 0;
		for (k = 0; k < oc; k++)
			if (old[k].t)
				tc_put(m, old[k].off, old[k].t);
		free(old);
	}
	for (i = (size_t)(off * 0x9e3779b97f4a7c15ull >> 40) & (m->tc_cap - 1); m->tc[i].t; i = (i + 1) & (m->tc_cap - 1))
		;
	m->tc[i].off = off;
	m->tc[i].t = t;
	m->tc_n++;
}

/* The type DW_AT_type of die refers to; void when absent. */
static const struct zd_type *
type_of(struct zd_di *di, struct di_mod *m, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return di->t_void;
	return conv_type(di, m, &t);
}

/* GCC's base type names as gdb prints them ("long int" -> "long"). */
static const char *
gdb_base_name(const char *n)
{
	static const char *const map[][2] = {
		{ "short int", "short" },
		{ "short unsigned int", "unsigned short" },
		{ "long int", "long" },
		{ "long unsigned int", "unsigned long" },
		{ "long long int", "long long" },
		{ "long long unsigned int", "unsigned long long" },
	};
	size_t i;

	for (i = 0; n && i < ZD_ARRAY_SIZE(map); i++)
		if (!strcmp(n, map[i][0]))
			return map[i][1];
	return n;
}

static enum zd_tkind
base_kind(Dwarf_Word enc)
{
	switch (enc) {
	case DW_ATE_signed: return ZD_T_INT;
	case DW_ATE_signed_char: return ZD_T_CHAR;
	case DW_ATE_unsigned_char: return ZD_T_UCHAR;
	case DW_ATE_boolean: return ZD_T_BOOL;
	case DW_ATE_float: return ZD_T_FLOAT;
	default: return ZD_T_UINT;
	}
}

static void
conv_members(struct zd_di *di, struct di_mod *m, Dwarf_Die *die, struct zd_type *t)
{
	Dwarf_Die c;
	size_t alloc = 0;

	if (dwarf_child(die, &c) != 0)
		return;
	do {
		struct zd_member mb;
		Dwarf_Word w;
		Dwarf_Attribute a;

		if (dwarf_tag(&c) != DW_TAG_member)
			continue;
		memset(&mb, 0, sizeof(mb));
		mb.name = die_name(&c);
		mb.type = type_of(di, m, &c);
		if (dwarf_attr(&c, DW_AT_data_member_location, &a) && dwarf_formudata(&a, &w) == 0)
			mb.off = w;
		if (attr_int(&c, DW_AT_bit_size, &w) == 0 && w && w < 64) {
			const struct zd_type *st = zd_type_strip(mb.type);
			uint64_t unit = st && st->size && st->size <= 8 ? st->size : 4;
			Dwarf_Word dbo;

			mb.bitsize = (unsigned)w;
			if (attr_int(&c, DW_AT_data_bit_offset, &dbo) == 0) {
				mb.off = (dbo / (8 * unit)) * unit;
				mb.bitoff = (unsigned)(dbo - mb.off * 8);
			} else if (attr_int(&c, DW_AT_bit_offset, &dbo) == 0) {
				/* DWARF 2/3: from the MSB of the storage unit */
				Dwarf_Word bs = unit;

				attr_int(&c, DW_AT_byte_size, &bs);
				if (dbo + w <= bs * 8)
					mb.bitoff = (unsigned)(bs * 8 - dbo - w);
			}
			if (mb.bitoff + mb.bitsize > unit * 8) {
				/* does not fit the unit: drop the bit-field view */
				mb.bitsize = 0;
				mb.bitoff = 0;
			}
		}
		ZD_GROW(t->members, alloc, t->nmembers + 1);
		t->members[t->nmembers++] = mb;
	} while (dwarf_siblingof(&c, &c) == 0);
}

static void
conv_enums(Dwarf_Die *die, struct zd_type *t)
{
	Dwarf_Die c;
	size_t alloc = 0;

	if (dwarf_child(die, &c) != 0)
		return;
	do {
		Dwarf_Attribute a;
		Dwarf_Sword sv = 0;

		if (dwarf_tag(&c) != DW_TAG_enumerator)
			continue;
		if (dwarf_attr(&c, DW_AT_const_value, &a))
			dwarf_formsdata(&a, &sv);
		ZD_GROW(t->enums, alloc, t->nenums + 1);
		t->enums[t->nenums].name = die_name(&c);
		t->enums[t->nenums].value = sv;
		t->nenums++;
	} while (dwarf_siblingof(&c, &c) == 0);
}

static void
conv_params(struct zd_di *di, struct di_mod *m, Dwarf_Die *die, struct zd_type *t)
{
	Dwarf_Die c;
	size_t alloc = 0;

	if (dwarf_child(die, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_unspecified_parameters) {
			t->varargs = true;
		} else if (tag == DW_TAG_formal_parameter) {
			ZD_GROW(t->params, alloc, t->nparams + 1);
			t->params[t->nparams++] = type_of(di, m, &c);
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* Array dimensions from the subrange at and after c: nested array types. */
static const struct zd_type *
conv_dims(struct zd_di *di, Dwarf_Die *c, const struct zd_type *elem, int depth)
{
	Dwarf_Die next;
	struct zd_type *t;
	Dwarf_Word w;
	Dwarf_Sword sw;
	Dwarf_Attribute a;
	bool more = false;

	next = *c;
	while (dwarf_siblingof(&next, &next) == 0)
		if (dwarf_tag(&next) == DW_TAG_subrange_type) {
			more = true;
			break;
		}
	if (more && depth < 16)
		elem = conv_dims(di, &next, elem, depth + 1);
	t = zd_type_new(&di->types, ZD_T_ARRAY);
	t->target = elem;
	if (attr_int(c, DW_AT_count, &w) == 0) {
		t->count = w;
		t->has_count = true;
	} else if (dwarf_attr(c, DW_AT_upper_bound, &a)) {
		if (dwarf_formsdata(&a, &sw) == 0 && sw >= -1) {
			t->count = (uint64_t)(sw + 1);
			t->has_count = true;
		}
	}
	t->size = elem && t->has_count && t->count < (UINT64_MAX / (elem->size + 1)) ? t->count * elem->size : 0;
	return t;
}

static const struct zd_type *
conv_type(struct zd_di *di, struct di_mod *m, Dwarf_Die *die)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	const struct zd_type *hit = tc_get(m, off);
	struct zd_type *t;
	Dwarf_Word w;
	Dwarf_Attribute a;
	int tag = dwarf_tag(die);

	if (hit)
		return hit;
	switch (tag) {
	case DW_TAG_base_type:
		t = zd_type_new(&di->types, ZD_T_UINT);
		if (attr_int(die, DW_AT_encoding, &w) == 0)
			t->kind = base_kind(w);
		break;
	case DW_TAG_pointer_type: case DW_TAG_reference_type: case DW_TAG_rvalue_reference_type:
		t = zd_type_new(&di->types, ZD_T_PTR);
		break;
	case DW_TAG_structure_type: case DW_TAG_class_type:
		t = zd_type_new(&di->types, ZD_T_STRUCT);
		break;
	case DW_TAG_union_type:
		t = zd_type_new(&di->types, ZD_T_UNION);
		break;
	case DW_TAG_enumeration_type:
		t = zd_type_new(&di->types, ZD_T_ENUM);
		break;
	case DW_TAG_typedef:
		t = zd_type_new(&di->types, ZD_T_TYPEDEF);
		break;
	case DW_TAG_const_type:
		t = zd_type_new(&di->types, ZD_T_CONST);
		break;
	case DW_TAG_volatile_type:
		t = zd_type_new(&di->types, ZD_T_VOLATILE);
		break;
	case DW_TAG_subroutine_type: case DW_TAG_subprogram:
		t = zd_type_new(&di->types, ZD_T_FUNC);
		break;
	case DW_TAG_array_type: {
		Dwarf_Die c;
		const struct zd_type *elem = type_of(di, m, die), *arr = NULL;

		if ((hit = tc_get(m, off)))
			return hit;
		if (dwarf_child(die, &c) == 0) {
			do
				if (dwarf_tag(&c) == DW_TAG_subrange_type) {
					arr = conv_dims(di, &c, elem, 0);
					break;
				}
			while (dwarf_siblingof(&c, &c) == 0);
		}
		if (!arr) {
			struct zd_type *u = zd_type_new(&di->types, ZD_T_ARRAY);

			u->target = elem;
			arr = u;
		}
		tc_put(m, off, arr);
		return arr;
	}
	default:
		/* restrict, atomic, and the rest: what they qualify */
		if (tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type || tag == DW_TAG_immutable_type) {
			hit = type_of(di, m, die);
			tc_put(m, off, hit);
			return hit;
		}
		t = zd_type_new(&di->types, ZD_T_VOID);
		t->name = "?";
		tc_put(m, off, t);
		return t;
	}
	tc_put(m, off, t);    /* before members: types refer to themselves */
	t->name = die_name(die);
	if (tag == DW_TAG_base_type)
		t->name = gdb_base_name(t->name);
	if (tag == DW_TAG_subprogram)
		t->name = NULL;
	if (attr_int(die, DW_AT_byte_size, &w) == 0)
		t->size = w;
	t->declaration = dwarf_attr(die, DW_AT_declaration, &a) != NULL;
	switch (t->kind) {
	case ZD_T_PTR:
		t->target = type_of(di, m, die);
		if (!t->size)
			t->size = 8;
		break;
	case ZD_T_TYPEDEF: case ZD_T_CONST: case ZD_T_VOLATILE:
		t->target = type_of(di, m, die);
		if (t->target)
			t->size = t->target->size;
		break;
	case ZD_T_STRUCT: case ZD_T_UNION:
		conv_members(di, m, die, t);
		break;
	case ZD_T_ENUM:
		conv_enums(die, t);
		if (!t->size)
			t->size = 4;
		break;
	case ZD_T_FUNC:
		t->target = type_of(di, m, die);
		conv_params(di, m, die, t);
		t->unprototyped = !dwarf_hasattr(die, DW_AT_prototyped);
		t->size = 1;
		break;
	default:
		break;
	}
	return t;
}

/* ---------------------------------------------------------------- */
/* Location expressions                                               */

enum piece_kind { P_MEM, P_REG, P_VALUE, P_IMPL, P_OPTOUT, P_UNAVAIL };

struct piece {
	enum piece_kind kind;
	uint64_t v;             /* address, register, value */
	const unsigned char *impl;
	size_t size;            /* bytes; 0: the whole value */
};

struct loc {
	struct piece p[MAX_PIECES];
	size_t n;
};

static int
read_reg(const struct zd_dframe *fr, uint64_t reg, uint64_t *v)
{
	if (reg >= ZD_DREGS || !(fr->regs.valid & (1u << reg)))
		return -ENODATA;
	*v = fr->regs.r[reg];
	return 0;
}

static int
read_u64(const struct zd_dframe *fr, uint64_t addr, uint64_t *v, size_t size)
{
	unsigned char b[8] = { 0 };
	size_t i;

	if (!fr->mem || size > 8 || fr->mem(fr->ctx, addr, b, size) != (ssize_t)size)
		return -EFAULT;
	*v = 0;
	for (i = 0; i < size; i++)
		*v |= (uint64_t)b[i] << (8 * i);
	return 0;
}

/*
 * Run ops into loc.  frame_base: DW_OP_fbreg's base (has_fb false: none);
 * attr: for DW_OP_implicit_value (may be NULL).
 */
struct eval_env {
	struct zd_di *di;          /* for DW_OP_entry_value (NULL: not resolved) */
	const struct zd_dframe *fr;
	uint64_t bias;
	bool has_fb;
	uint64_t fb;
	Dwarf_Attribute *attr;     /* the attribute ops came from (may be NULL) */
	int depth;                 /* entry-value recursion */
};

static int entry_value(const struct eval_env *env, Dwarf_Attribute *sub, uint64_t *v);

static int
eval_ops(const struct eval_env *env, const Dwarf_Op *ops, size_t nops, struct loc *out)
{
	const struct zd_dframe *fr = env->fr;
	uint64_t bias = env->bias, frame_base = env->fb;
	bool has_fb = env->has_fb;
	Dwarf_Attribute *attr = env->attr;
	uint64_t st[EVAL_STACK];
	size_t sp = 0, i, steps = 0;
	bool have_reg = false, stack_value = false;
	uint64_t reg = 0, v, x;
	int ret;

	out->n = 0;
#define PUSH(val) do { uint64_t pv_ = (val); if (sp >= EVAL_STACK) return -E2BIG; st[sp++] = pv_; } while (0)
#define NEED(k) do { if (sp < (k)) return -EINVAL; } while (0)
	for (i = 0; i < nops; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t a = op->atom;

		if (++steps > 10000)
			return -ELOOP;
		if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			PUSH((uint64_t)(a - DW_OP_lit0));
			continue;
		}
		if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
			have_reg = true;
			reg = a - DW_OP_reg0;
			continue;
		}
		if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			if ((ret = read_reg(fr, a - DW_OP_breg0, &v)) < 0)
				return ret;
			PUSH(v + (uint64_t)(int64_t)op->number);
			continue;
		}
		switch (a) {
		case DW_OP_addr:
			PUSH(op->number + bias);
			break;
		case DW_OP_regx:
			have_reg = true;
			reg = op->number;
			break;
		case DW_OP_bregx:
			if ((ret = read_reg(fr, op->number, &v)) < 0)
				return ret;
			PUSH(v + (uint64_t)(int64_t)op->number2);
			break;
		case DW_OP_fbreg:
			if (!has_fb)
				return -ENODATA;
			PUSH(frame_base + (uint64_t)(int64_t)op->number);
			break;
		case DW_OP_call_frame_cfa:
			if (!fr->regs.has_cfa)
				return -ENODATA;
			PUSH(fr->regs.cfa);
			break;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u: case DW_OP_constu:
			PUSH(op->number);
			break;
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s: case DW_OP_consts:
			PUSH((uint64_t)(int64_t)op->number);
			break;
		case DW_OP_dup:
			NEED(1);
			PUSH(st[sp - 1]);
			break;
		case DW_OP_drop:
			NEED(1);
			sp--;
			break;
		case DW_OP_over:
			NEED(2);
			PUSH(st[sp - 2]);
			break;
		case DW_OP_pick:
			NEED(op->number + 1);
			PUSH(st[sp - 1 - op->number]);
			break;
		case DW_OP_swap:
			NEED(2);
			x = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = x;
			break;
		case DW_OP_rot:
			NEED(3);
			x = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = st[sp - 3];
			st[sp - 3] = x;
			break;
		case DW_OP_deref:
			NEED(1);
			if (read_u64(fr, st[sp - 1], &st[sp - 1], 8) < 0)
				return -EFAULT;
			break;
		case DW_OP_deref_size:
			NEED(1);
			if (op->number > 8 || read_u64(fr, st[sp - 1], &st[sp - 1], (size_t)op->number) < 0)
				return -EFAULT;
			break;
		case DW_OP_abs:
			NEED(1);
			if ((int64_t)st[sp - 1] < 0)
				st[sp - 1] = -st[sp - 1];
			break;
		case DW_OP_neg:
			NEED(1);
			st[sp - 1] = -st[sp - 1];
			break;
		case DW_OP_not:
			NEED(1);
			st[sp - 1] = ~st[sp - 1];
			break;
		case DW_OP_plus_uconst:
			NEED(1);
			st[sp - 1] += op->number;
			break;
		case DW_OP_and: case DW_OP_div: case DW_OP_minus: case DW_OP_mod: case DW_OP_mul: case DW_OP_or:
		case DW_OP_plus: case DW_OP_shl: case DW_OP_shr: case DW_OP_shra: case DW_OP_xor:
		case DW_OP_eq: case DW_OP_ge: case DW_OP_gt: case DW_OP_le: case DW_OP_lt: case DW_OP_ne: {
			uint64_t b2, a2;

			NEED(2);
			b2 = st[--sp];
			a2 = st[sp - 1];
			switch (a) {
			case DW_OP_and: v = a2 & b2; break;
			case DW_OP_div:
				if (!b2 || ((int64_t)a2 == INT64_MIN && (int64_t)b2 == -1))
					return -EDOM;
				v = (uint64_t)((int64_t)a2 / (int64_t)b2);
				break;
			case DW_OP_minus: v = a2 - b2; break;
			case DW_OP_mod:
				if (!b2)
					return -EDOM;
				v = a2 % b2;
				break;
			case DW_OP_mul: v = a2 * b2; break;
			case DW_OP_or: v = a2 | b2; break;
			case DW_OP_plus: v = a2 + b2; break;
			case DW_OP_shl: v = b2 >= 64 ? 0 : a2 << b2; break;
			case DW_OP_shr: v = b2 >= 64 ? 0 : a2 >> b2; break;
			case DW_OP_shra: v = (uint64_t)((int64_t)a2 >> (b2 >= 63 ? 63 : b2)); break;
			case DW_OP_xor: v = a2 ^ b2; break;
			case DW_OP_eq: v = a2 == b2; break;
			case DW_OP_ge: v = (int64_t)a2 >= (int64_t)b2; break;
			case DW_OP_gt: v = (int64_t)a2 > (int64_t)b2; break;
			case DW_OP_le: v = (int64_t)a2 <= (int64_t)b2; break;
			case DW_OP_lt: v = (int64_t)a2 < (int64_t)b2; break;
			default: v = a2 != b2; break;
			}
			st[sp - 1] = v;
			break;
		}
		case DW_OP_skip: case DW_OP_bra: {
			Dwarf_Word target;
			size_t k;

			if (a == DW_OP_bra) {
				NEED(1);
				if (!st[--sp])
					break;
			}
			target = op->offset + 3 + (Dwarf_Word)(int64_t)(int16_t)op->number;
			for (k = 0; k < nops && ops[k].offset != target; k++)
				;
			if (k == nops && !(nops && target == ops[nops - 1].offset + 1))
				return -EINVAL;
			i = k - 1; /* the loop's i++ lands on k */
			break;
		}
		case DW_OP_nop:
			break;
		case DW_OP_stack_value:
			stack_value = true;
			break;
		case DW_OP_implicit_value: {
			Dwarf_Block blk;

			if (!attr || dwarf_getlocation_implicit_value(attr, op, &blk) != 0)
				return -ENODATA;
			if (out->n >= MAX_PIECES)
				return -E2BIG;
			out->p[out->n].kind = P_IMPL;
			out->p[out->n].impl = blk.data;
			out->p[out->n].size = blk.length;
			out->p[out->n].v = blk.length;
			out->n++;
			if (i + 1 < nops && (ops[i + 1].atom == DW_OP_piece))
				out->p[out->n - 1].size = ZD_MIN((size_t)ops[i + 1].number, (size_t)blk.length), i++;
			else if (i + 1 == nops)
				return 0;
			break;
		}
		case DW_OP_piece: {
			struct piece *p;

			if (out->n >= MAX_PIECES)
				return -E2BIG;
			p = &out->p[out->n++];
			p->size = (size_t)op->number;
			if (have_reg) {
				p->kind = P_REG;
				p->v = reg;
			} else if (sp) {
				p->kind = stack_value ? P_VALUE : P_MEM;
				p->v = st[--sp];
			} else {
				p->kind = P_OPTOUT;
			}
			have_reg = stack_value = false;
			sp = 0;
			break;
		}
		case DW_OP_GNU_entry_value: case DW_OP_entry_value: {
			Dwarf_Attribute sub;

			if (!attr || dwarf_getlocation_attr(attr, op, &sub) != 0)
				return -ENODATA;
			if ((ret = entry_value(env, &sub, &v)) < 0)
				return ret;
			PUSH(v);
			break;
		}
		case DW_OP_const_type: case DW_OP_GNU_const_type: {
			/* libdw: number2 points at the block (a length byte, then the bytes) */
			const unsigned char *blk = (const unsigned char *)(uintptr_t)op->number2;
			size_t k, len;

			if (!blk)
				return -ENODATA;
			len = blk[0];
			if (len > 8)
				return -ENOTSUP;
			for (v = 0, k = 0; k < len; k++)
				v |= (uint64_t)blk[1 + k] << (8 * k);
			PUSH(v);
			break;
		}
		case DW_OP_GNU_parameter_ref:
		case DW_OP_implicit_pointer: case DW_OP_GNU_implicit_pointer:
			return -ENODATA;
		default:
			return -ENOTSUP;
		}
	}
#undef PUSH
#undef NEED
	if (out->n) {
		/* pieces only; anything left after the last piece is ignored */
		return 0;
	}
	out->n = 1;
	out->p[0].size = 0;
	if (have_reg) {
		out->p[0].kind = P_REG;
		out->p[0].v = reg;
	} else if (sp) {
		out->p[0].kind = stack_value ? P_VALUE : P_MEM;
		out->p[0].v = st[sp - 1];
	} else {
		out->p[0].kind = P_OPTOUT;
	}
	return 0;
}

/* Fill v (type set) from loc. */
static void
loc_to_value(const struct zd_dframe *fr, const struct loc *l, struct zd_value *v)
{
	size_t size = (size_t)ZD_MIN(v->type ? v->type->size : 0, (uint64_t)MAX_VALUE), off = 0, i;
	unsigned char *b;

	if (l->n == 1 && l->p[0].kind == P_MEM && !l->p[0].size) {
		zd_di_value_at(fr, v->type, l->p[0].v, v);
		return;
	}
	if (l->n == 1 && l->p[0].kind == P_OPTOUT) {
		v->loc = ZD_V_OPTOUT;
		return;
	}
	if (!size) {
		v->loc = ZD_V_OPTOUT;
		return;
	}
	b = zd_xcalloc(1, size);
	v->loc = l->n == 1 && l->p[0].kind == P_REG ? ZD_V_REG : ZD_V_IMPLICIT;
	if (v->loc == ZD_V_REG)
		v->reg = (int)l->p[0].v;
	for (i = 0; i < l->n && off < size; i++) {
		const struct piece *p = &l->p[i];
		size_t n = p->size ? ZD_MIN(p->size, size - off) : size - off;
		uint64_t r;

		switch (p->kind) {
		case P_MEM:
			if (!fr->mem || fr->mem(fr->ctx, p->v, b + off, n) != (ssize_t)n)
				v->partial = true;
			break;
		case P_REG:
			if (read_reg(fr, p->v, &r) == 0)
				memcpy(b + off, &r, ZD_MIN(n, (size_t)8));
			else if (l->n == 1) {
				free(b);
				v->loc = ZD_V_UNAVAIL;
				return;
			} else {
				v->partial = true;
			}
			break;
		case P_VALUE:
			r = p->v;
			memcpy(b + off, &r, ZD_MIN(n, (size_t)8));
			break;
		case P_IMPL:
			memcpy(b + off, p->impl, ZD_MIN(n, (size_t)p->v));
			break;
		default:
			v->partial = true;
			if (l->n == 1) {
				free(b);
				v->loc = ZD_V_OPTOUT;
				return;
			}
			break;
		}
		off += n;
	}
	v->bytes = b;
	v->size = size;
}

int
zd_di_value_at(const struct zd_dframe *fr, const struct zd_type *t, uint64_t addr, struct zd_value *out)
{
	size_t size = t ? (size_t)ZD_MIN(zd_type_strip(t) ? zd_type_strip(t)->size : 0, (uint64_t)SIZE_MAX) : 0;
	unsigned char *b;

	memset(out, 0, sizeof(*out));
	out->type = t;
	out->loc = ZD_V_MEM;
	out->addr = addr;
	if (size > MAX_VALUE)
		return -EFBIG;
	if (!size)
		return 0;
	b = zd_xmalloc(size);
	if (!fr->mem || fr->mem(fr->ctx, addr, b, size) != (ssize_t)size) {
		free(b);
		out->err = -EFAULT;
		return -EFAULT;
	}
	out->bytes = b;
	out->size = size;
	return 0;
}

/* The frame base of the physical function (chain[fi] and outward). */
static bool
frame_base(const struct zd_dframe *fr, Dwarf_Die *chain, int fi, uint64_t vaddr, uint64_t bias, uint64_t *fb)
{
	int i;

	for (i = fi; i >= 0; i--) {
		Dwarf_Attribute a;
		Dwarf_Op *ops;
		size_t nops;
		struct loc l;

		if (dwarf_tag(&chain[i]) != DW_TAG_subprogram)
			continue;
		if (!dwarf_attr(&chain[i], DW_AT_frame_base, &a))
			return false;
		if (dwarf_getlocation_addr(&a, vaddr, &ops, &nops, 1) != 1)
			return false;
		{
			struct eval_env env = { NULL, fr, bias, false, 0, &a, 0 };

			if (eval_ops(&env, ops, nops, &l) < 0 || l.n != 1)
				return false;
		}
		if (l.p[0].kind == P_MEM || l.p[0].kind == P_VALUE) {
			*fb = l.p[0].v;
			return true;
		}
		if (l.p[0].kind == P_REG)
			return read_reg(fr, l.p[0].v, fb) == 0;
		return false;
	}
	return false;
}

/* A variable or parameter DIE's value at vaddr. */
static void
var_value(struct zd_di *di, struct di_mod *m, const struct zd_dframe *fr, Dwarf_Die *die, uint64_t vaddr,
	  uint64_t bias, bool has_fb, uint64_t fb, struct zd_value *v, int depth)
{
	struct eval_env env;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	struct loc l;
	int n;

	memset(v, 0, sizeof(*v));
	v->type = type_of(di, m, die);
	if (dwarf_attr_integrate(die, DW_AT_const_value, &a)) {
		Dwarf_Block blk;
		Dwarf_Sword sv;
		Dwarf_Word uv;
		size_t size = (size_t)ZD_MIN(v->type->size, (uint64_t)MAX_VALUE);
		unsigned char *b = zd_xcalloc(1, size ? size : 1);

		v->loc = ZD_V_IMPLICIT;
		if (dwarf_formblock(&a, &blk) == 0) {
			memcpy(b, blk.data, ZD_MIN(size, (size_t)blk.length));
		} else if (dwarf_whatform(&a) == DW_FORM_sdata || dwarf_whatform(&a) == DW_FORM_implicit_const) {
			dwarf_formsdata(&a, &sv);
			memcpy(b, &sv, ZD_MIN(size, (size_t)8));
		} else if (dwarf_formudata(&a, &uv) == 0) {
			memcpy(b, &uv, ZD_MIN(size, (size_t)8));
		}
		v->bytes = b;
		v->size = size;
		return;
	}
	if (!dwarf_attr_integrate(die, DW_AT_location, &a)) {
		v->loc = ZD_V_OPTOUT;
		return;
	}
	n = dwarf_getlocation_addr(&a, vaddr, &ops, &nops, 1);
	if (n != 1 || !nops) {
		v->loc = ZD_V_OPTOUT;
		return;
	}
	env.di = di;
	env.fr = fr;
	env.bias = bias;
	env.has_fb = has_fb;
	env.fb = fb;
	env.attr = &a;
	env.depth = depth;
	if (eval_ops(&env, ops, nops, &l) < 0) {
		v->loc = ZD_V_OPTOUT;
		return;
	}
	loc_to_value(fr, &l, v);
}

struct frame_scope {
	struct di_mod *m;
	uint64_t bias, vaddr;
	Dwarf_Die cu;
	Dwarf_Die chain[MAX_SCOPES];
	int n, fi, fend;        /* chain[fi] is the function; its blocks run to fend (exclusive) */
	bool has_fb;
	uint64_t fb;
};

static int
frame_scope(struct zd_di *di, const struct zd_dframe *fr, unsigned inl, struct frame_scope *s)
{
	uint64_t pc = lookup_pc(fr->regs.r[16], fr->caller);
	int i;

	if (!(fr->regs.valid & (1u << 16)))
		return -ENODATA;
	s->m = mod_at(di, pc, &s->bias);
	if (!s->m)
		return -ENOENT;
	s->vaddr = pc - s->bias;
	if (cu_at(s->m, s->vaddr, &s->cu) < 0)
		return -ENOENT;
	s->n = scope_chain(&s->cu, s->vaddr, s->chain, MAX_SCOPES);
	s->fi = func_index(s->chain, s->n, inl);
	if (s->fi < 0)
		return -ENOENT;
	s->fend = s->n;
	for (i = s->fi + 1; i < s->n; i++)
		if (is_func_tag(dwarf_tag(&s->chain[i]))) {
			s->fend = i;
			break;
		}
	s->has_fb = frame_base(fr, s->chain, s->fi, s->vaddr, s->bias, &s->fb);
	return 0;
}

/* The register reg holds on entry to fr's function, from the caller's call site. */
static int
call_site_value(const struct eval_env *env, struct frame_scope *s, const struct zd_dframe *up, int reg, uint64_t *v)
{
	uint64_t ret_pc = up->regs.r[16] - s->bias;
	int i;

	for (i = s->n - 1; i >= 1; i--) {
		Dwarf_Die c, p;

		if (dwarf_child(&s->chain[i], &c) != 0)
			continue;
		do {
			int tag = dwarf_tag(&c);
			Dwarf_Attribute a;
			Dwarf_Addr rp;

			if (tag != DW_TAG_call_site && tag != DW_TAG_GNU_call_site)
				continue;
			if (!(dwarf_attr(&c, DW_AT_call_return_pc, &a) || dwarf_attr(&c, DW_AT_low_pc, &a)) ||
			    dwarf_formaddr(&a, &rp) != 0 || rp != ret_pc)
				continue;
			if (dwarf_child(&c, &p) != 0)
				return -ENODATA;
			do {
				Dwarf_Attribute la, va;
				Dwarf_Op *ops;
				size_t nops;
				struct loc l;
				struct eval_env e2;
				int ptag = dwarf_tag(&p), preg;

				if (ptag != DW_TAG_call_site_parameter && ptag != DW_TAG_GNU_call_site_parameter)
					continue;
				if (!dwarf_attr(&p, DW_AT_location, &la) || dwarf_getlocation(&la, &ops, &nops) != 0 ||
				    nops != 1)
					continue;
				preg = ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31 ? ops[0].atom - DW_OP_reg0
				       : ops[0].atom == DW_OP_regx ? (int)ops[0].number : -1;
				if (preg != reg)
					continue;
				if (!(dwarf_attr(&p, DW_AT_call_value, &va) || dwarf_attr(&p, DW_AT_GNU_call_site_value, &va)) ||
				    dwarf_getlocation(&va, &ops, &nops) != 0 || !nops)
					return -ENODATA;
				e2.di = env->di;
				e2.fr = up;
				e2.bias = s->bias;
				e2.has_fb = s->has_fb;
				e2.fb = s->fb;
				e2.attr = &va;
				e2.depth = env->depth + 1;
				if (eval_ops(&e2, ops, nops, &l) < 0 || l.n != 1)
					return -ENODATA;
				if (l.p[0].kind == P_MEM || l.p[0].kind == P_VALUE) {
					*v = l.p[0].v;
					return 0;
				}
				if (l.p[0].kind == P_REG)
					return read_reg(up, l.p[0].v, v);
				return -ENODATA;
			} while (dwarf_siblingof(&p, &p) == 0);
			return -ENODATA;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	return -ENODATA;
}

static int
entry_value(const struct eval_env *env, Dwarf_Attribute *sub, uint64_t *v)
{
	struct zd_dframe cur, up;
	struct frame_scope *s;
	Dwarf_Op *ops;
	size_t nops;
	int reg, ret = -ENODATA;

	if (!env->di || env->depth > 2)
		return -ENODATA;
	if (dwarf_getlocation(sub, &ops, &nops) != 0 || nops != 1)
		return -ENODATA;
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		reg = ops[0].atom - DW_OP_reg0;
	else if ((ops[0].atom == DW_OP_regx || ops[0].atom == DW_OP_regval_type || ops[0].atom == DW_OP_GNU_regval_type) &&
		 ops[0].number < 128)
		reg = (int)ops[0].number;
	else
		return -ENODATA;
	cur = *env->fr;
	if (zd_di_frame_up(env->di, &cur, &up) < 0)
		return -ENODATA;
	s = zd_xmalloc(sizeof(*s));
	if (frame_scope(env->di, &up, 0, s) == 0)
		ret = call_site_value(env, s, &up, reg, v);
	free(s);
	return ret;
}

static bool
is_var_tag(int tag, unsigned what)
{
	return (tag == DW_TAG_formal_parameter && (what & ZD_DI_ARGS)) || (tag == DW_TAG_variable && (what & ZD_DI_LOCALS));
}

static void
add_var(struct zd_di *di, const struct zd_dframe *fr, struct frame_scope *s, Dwarf_Die *c, struct zd_dvar **vars,
	size_t *n, size_t *alloc)
{
	struct zd_dvar *dv;
	const char *nm = die_name(c);
	Dwarf_Word w;
	Dwarf_Attribute a;

	if (!nm || (dwarf_attr(c, DW_AT_declaration, &a) && dwarf_hasattr(c, DW_AT_external)))
		return;
	ZD_GROW(*vars, *alloc, *n + 1);
	dv = &(*vars)[(*n)++];
	memset(dv, 0, sizeof(*dv));
	dv->name = zd_xstrdup(nm);
	dv->is_arg = dwarf_tag(c) == DW_TAG_formal_parameter;
	dv->decl_line = attr_int(c, DW_AT_decl_line, &w) == 0 ? (int)w : 0;
	var_value(di, s->m, fr, c, s->vaddr, s->bias, s->has_fb, s->fb, &dv->value, 0);
}

int
zd_di_locals(struct zd_di *di, const struct zd_dframe *fr, unsigned inl, unsigned what, struct zd_dvar **vars,
	     size_t *n)
{
	struct frame_scope *s = zd_xmalloc(sizeof(*s));
	size_t alloc = 0;
	int i, ret;

	*vars = NULL;
	*n = 0;
	ret = frame_scope(di, fr, inl, s);
	if (ret < 0) {
		free(s);
		return ret;
	}
	/* innermost block first; args only from the function itself */
	for (i = s->fend - 1; i >= s->fi; i--) {
		Dwarf_Die c;
		unsigned w = i == s->fi ? what : (what & ZD_DI_LOCALS);

		if (dwarf_child(&s->chain[i], &c) != 0)
			continue;
		do
			if (is_var_tag(dwarf_tag(&c), w))
				add_var(di, fr, s, &c, vars, n, &alloc);
		while (dwarf_siblingof(&c, &c) == 0);
	}
	if (what == (ZD_DI_ARGS | ZD_DI_LOCALS)) {
		/* args before locals, each group in its order */
		size_t k, j = 0;
		struct zd_dvar *tmp = zd_xmalloc((*n ? *n : 1) * sizeof(*tmp));

		for (k = 0; k < *n; k++)
			if ((*vars)[k].is_arg)
				tmp[j++] = (*vars)[k];
		for (k = 0; k < *n; k++)
			if (!(*vars)[k].is_arg)
				tmp[j++] = (*vars)[k];
		if (*n)
			memcpy(*vars, tmp, *n * sizeof(*tmp));
		free(tmp);
	}
	free(s);
	return 0;
}

void
zd_dvars_free(struct zd_dvar *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		zd_value_release(&v[i].value);
	}
	free(v);
}

/* A function DIE as a value: its type, entry address. */
static void
func_value(struct zd_di *di, struct di_mod *m, Dwarf_Die *f, uint64_t bias, struct zd_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = conv_type(di, m, f);
	out->loc = ZD_V_MEM;
	out->addr = func_entry(f) + bias;
}

int
zd_di_lookup(struct zd_di *di, const struct zd_dframe *fr, unsigned inl, const char *name, struct zd_value *out)
{
	struct frame_scope *s = zd_xmalloc(sizeof(*s));
	struct find_top f;
	struct di_mod *m;
	uint64_t bias;
	int i, ret;

	memset(out, 0, sizeof(*out));
	if (frame_scope(di, fr, inl, s) == 0) {
		for (i = s->fend - 1; i >= 0; i--) {
			Dwarf_Die c;
			bool file_scope = i < s->fi;

			if (dwarf_child(&s->chain[i], &c) != 0)
				continue;
			/* enclosing functions' locals are not visible from an inlined one */
			if (file_scope && dwarf_tag(&s->chain[i]) != DW_TAG_compile_unit)
				continue;
			do {
				int tag = dwarf_tag(&c);
				const char *nm;

				if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter && tag != DW_TAG_subprogram)
					continue;
				nm = die_name(&c);
				if (!nm || strcmp(nm, name))
					continue;
				if (tag == DW_TAG_subprogram) {
					Dwarf_Addr lo;

					if (dwarf_lowpc(&c, &lo) != 0)
						continue;
					func_value(di, s->m, &c, s->bias, out);
					free(s);
					return 0;
				}
				{
					Dwarf_Attribute a;

					if (!dwarf_attr_integrate(&c, DW_AT_location, &a) &&
					    !dwarf_attr_integrate(&c, DW_AT_const_value, &a) && file_scope)
						continue; /* an extern declaration: the definition is elsewhere */
				}
				var_value(di, s->m, fr, &c, s->vaddr, s->bias, s->has_fb, s->fb, out, 0);
				free(s);
				return 0;
			} while (dwarf_siblingof(&c, &c) == 0);
		}
	}
	free(s);
	if (find_global(di, name, DW_TAG_variable, &f, &m, &bias) == 0) {
		struct zd_dframe g = *fr;

		g.regs.valid = 0;
		g.regs.has_cfa = false;
		var_value(di, m, &g, &f.die, 0, bias, false, 0, out, 0);
		return 0;
	}
	ret = find_global(di, name, DW_TAG_subprogram, &f, &m, &bias);
	if (ret == 0)
		func_value(di, m, &f.die, bias, out);
	return ret;
}

/* A named type among the top-level DIEs of cu. */
struct find_type {
	const char *name;
	int tag;        /* 0: base type or typedef */
	bool found;
	Dwarf_Die die;
};

static void
find_type_cu(Dwarf_Die *cu, void *arg)
{
	struct find_type *f = arg;
	Dwarf_Die c;

	if (f->found || dwarf_child(cu, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		const char *nm;

		if (f->tag ? tag != f->tag : (tag != DW_TAG_base_type && tag != DW_TAG_typedef))
			continue;
		nm = die_name(&c);
		if (nm && !strcmp(nm, f->name) && !dwarf_hasattr(&c, DW_AT_declaration)) {
			f->die = c;
			f->found = true;
			return;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

int
zd_di_type_named(struct zd_di *di, uint64_t pc, const char *name, const struct zd_type **out)
{
	struct find_type f = { 0 };
	uint64_t bias;
	struct di_mod *m = mod_at(di, pc, &bias);
	Dwarf_Die cu;
	size_t i;
	int pass;

	f.name = name;
	if (!strncmp(name, "struct ", 7)) {
		f.tag = DW_TAG_structure_type;
		f.name = name + 7;
	} else if (!strncmp(name, "union ", 6)) {
		f.tag = DW_TAG_union_type;
		f.name = name + 6;
	} else if (!strncmp(name, "enum ", 5)) {
		f.tag = DW_TAG_enumeration_type;
		f.name = name + 5;
	}
	/* the CU of pc first, then every CU of the executable, then the rest */
	if (m && cu_at(m, pc - bias, &cu) == 0) {
		find_type_cu(&cu, &f);
		if (f.found) {
			*out = conv_type(di, m, &f.die);
			return 0;
		}
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < di->sp->nmods; i++) {
			const struct zd_module *zm = &di->sp->mods[i];
			struct di_mod *dm;

			if (!zm->elf || (pass == 0) != zm->exe)
				continue;
			dm = mod_of_elf(di, zm->elf);
			each_cu(dm, find_type_cu, &f);
			if (f.found) {
				*out = conv_type(di, dm, &f.die);
				return 0;
			}
		}
	return -ENOENT;
}

/* ---------------------------------------------------------------- */
/* CFI frames                                                         */

int
zd_di_frame_up(struct zd_di *di, struct zd_dframe *fr, struct zd_dframe *up)
{
	uint64_t pc = lookup_pc(fr->regs.r[16], fr->caller), bias;
	struct di_mod *m;
	Dwarf_CFI *cfis[2];
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops, mem[3];
	size_t nops, k;
	struct loc l;
	int r, ret = -ENOENT;
	struct eval_env env = { NULL, fr, 0, false, 0, NULL, 0 };

	if (!(fr->regs.valid & (1u << 16)))
		return -ENODATA;
	m = mod_at(di, pc, &bias);
	if (!m)
		return -ENOENT;
	env.bias = bias;
	if (!m->eh_tried) {
		m->eh_tried = true;
		m->eh = dwarf_getcfi_elf(zd_elf_libelf(m->elf));
	}
	cfis[0] = m->eh;
	cfis[1] = NULL;
	for (k = 0; k < 2 && !frame; k++) {
		if (k == 1 && mod_dwarf(m))
			cfis[1] = dwarf_getcfi(m->dw);  /* .debug_frame: only without .eh_frame */
		if (cfis[k] && dwarf_cfi_addrframe(cfis[k], pc - bias, &frame) != 0)
			frame = NULL;
	}
	if (!frame)
		return -ENOENT;
	if (dwarf_frame_cfa(frame, &ops, &nops) != 0 || !nops ||
	    eval_ops(&env, ops, nops, &l) < 0 || l.n != 1 ||
	    (l.p[0].kind != P_MEM && l.p[0].kind != P_VALUE))
		goto out;
	fr->regs.cfa = l.p[0].v;
	fr->regs.has_cfa = true;
	*up = *fr;
	up->caller = true;
	up->regs.valid = 0;
	up->regs.has_cfa = false;
	up->regs.cfa = 0;
	up->regs.saved_mask = 0;
	fr->regs.saved_mask = 0;
	for (r = 0; r < ZD_DREGS; r++) {
		if (dwarf_frame_register(frame, r, mem, &ops, &nops) != 0)
			continue;
		if (!nops) {
			/* No rule of the FDE's own: the x86-64 psABI's (libdw 0.188
			 * answers "same value" for rax and "undefined" for rbx). */
			if (CALLEE_SAVED & (1u << r) && (fr->regs.valid & (1u << r))) {
				/* same value */
				up->regs.r[r] = fr->regs.r[r];
				up->regs.valid |= 1u << r;
			}
			continue;
		}
		if (eval_ops(&env, ops, nops, &l) < 0 || l.n != 1)
			continue;
		if (l.p[0].kind == P_VALUE) {
			up->regs.r[r] = l.p[0].v;
		} else if (l.p[0].kind == P_MEM) {
			fr->regs.saved[r] = l.p[0].v;
			fr->regs.saved_mask |= 1u << r;
			if (read_u64(fr, l.p[0].v, &up->regs.r[r], 8) < 0)
				continue;
		} else if (l.p[0].kind == P_REG) {
			if (read_reg(fr, l.p[0].v, &up->regs.r[r]) < 0)
				continue;
		} else {
			continue;
		}
		up->regs.valid |= 1u << r;
	}
	/* the caller's sp is this frame's CFA */
	up->regs.r[7] = fr->regs.cfa;
	up->regs.valid |= 1u << 7;
	ret = (up->regs.valid & (1u << 16)) && up->regs.r[16] ? 0 : -ENOENT;
out:
	free(frame);
	return ret;
}

/* ---------------------------------------------------------------- */
/* Expressions                                                        */

int
zd_dframe_reg(const struct zd_dframe *fr, const char *name, uint64_t *v)
{
	static const char *const alias[][2] = { { "pc", "rip" }, { "sp", "rsp" }, { "fp", "rbp" } };
	const struct zd_reg *r;
	size_t i;
	uint64_t full;
	int dw;

	for (i = 0; i < ZD_ARRAY_SIZE(alias); i++)
		if (!strcmp(name, alias[i][0]))
			name = alias[i][1];
	r = zd_reg_find(name);
	if (!r)
		return -ENOENT;
	dw = r->dwarf;
	if (dw < 0) {
		/* a slice (eax, al): the DWARF number of its 64-bit register */
		const struct zd_reg *t = zd_reg_table(&i);

		while (i--)
			if (t[i].full && t[i].offset == r->offset)
				dw = t[i].dwarf;
	}
	if (dw < 0 || dw >= ZD_DREGS) {
		/* eflags, segment registers: only frame 0 has them, and not here */
		return -ENODATA;
	}
	if (!(fr->regs.valid & (1u << dw)))
		return -ENODATA;
	full = fr->regs.r[dw];
	full >>= r->shift;
	if (r->width < 8)
		full &= ((uint64_t)1 << (8 * r->width)) - 1;
	*v = full;
	return 0;
}

static int
ex_lookup(void *ctx, const char *name, struct zd_value *out)
{
	struct zd_di_expr_ctx *c = ctx;

	return zd_di_lookup(c->di, c->fr, c->inl, name, out);
}

static int
ex_reg(void *ctx, const char *name, uint64_t *v)
{
	struct zd_di_expr_ctx *c = ctx;

	return zd_dframe_reg(c->fr, name, v);
}

static int
ex_type(void *ctx, const char *name, const struct zd_type **out)
{
	struct zd_di_expr_ctx *c = ctx;

	return zd_di_type_named(c->di, lookup_pc(c->fr->regs.r[16], c->fr->caller), name, out);
}

void
zd_di_dexpr_env(struct zd_di_expr_ctx *c, struct zd_dexpr_env *env)
{
	memset(env, 0, sizeof(*env));
	env->types = &c->di->types;
	env->ctx = c;
	env->lookup = ex_lookup;
	env->reg = ex_reg;
	env->type_named = ex_type;
	env->mem = c->fr->mem;
	env->mem_ctx = c->fr->ctx;
}

int
zd_di_comp_dir(struct zd_di *di, uint64_t pc, const char **dir)
{
	uint64_t bias;
	struct di_mod *m = mod_at(di, pc, &bias);
	Dwarf_Die cu;
	Dwarf_Attribute at;

	if (!m || cu_at(m, pc - bias, &cu) < 0)
		return -ENOENT;
	*dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at));
	return *dir ? 0 : -ENOENT;
}
