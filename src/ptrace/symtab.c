/*
 * ELF symbol tables loaded once per file, the vDSO from memory, debug files
 * by build-id, and the modules of one address space.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <elfutils/libdw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdiag/common.h"
#include "zdiag/debuginfod.h"
#include "zdiag/strbuf.h"
#include "zdiag/symtab.h"
#include "zdiag/xalloc.h"

#define PAGE_MASK_4K (~(uint64_t)0xfff)

struct zd_phdr {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;
};

struct zd_elf {
	unsigned char *image;     /* mmap'ed (or malloc'ed for memory images) */
	size_t size;
	bool mapped;
	Elf *elf;
	struct zd_phdr *load;     /* PT_LOAD headers */
	size_t nload;
	uint64_t eh_vaddr, eh_size;
	bool has_eh;
	char *build_id;
	char *debuglink;
	bool has_symtab;
	struct zd_sym *syms;      /* sorted by address, then rank (idx: in load order) */
	size_t nsyms;
	struct zd_symidx *idx;    /* large tables: their order, sorted as lookups need it */
	size_t *by_name;          /* indices sorted by name (lazy) */
	struct zd_elf *debug;     /* separate debug file, or NULL */
	char **names;             /* blocks of names stripped of @VERSION (owned) */
	size_t nnames, names_alloc;
	size_t names_used;        /* bytes used in the last block */
	Dwarf *dwarf;             /* lazy */
	bool dwarf_tried;
};

struct zd_elf_cache_entry {
	uint64_t dev, inode;
	char *path;
	struct zd_elf *elf;
	int err;
};

struct zd_elf_cache {
	struct zd_elf_cache_entry *v;
	size_t n, alloc;
};

static void
elf_lib_init(void)
{
	static bool done;

	if (!done) {
		elf_version(EV_CURRENT);
		done = true;
	}
}

/* Lower rank wins among symbols at one address. */
static unsigned char
sym_rank(const char *name, unsigned char bind, unsigned char type)
{
	unsigned r = 0;

	/* "__GI_" and "__GL_" spelled out: this runs for every symbol of libc */
	if ((name[0] == '_' && name[1] == '_' && name[2] == 'G' && (name[3] == 'I' || name[3] == 'L') &&
	     name[4] == '_') ||
	    strstr(name, "_internal"))
		r += 8;
	if (bind == STB_LOCAL)
		r += 4;
	else if (bind == STB_WEAK)
		r += 2;
	if (type == STT_NOTYPE)
		r += 16;
	while (*name == '_' && r < 200) {
		r++;
		name++;
	}
	return (unsigned char)ZD_MIN(r, 255u);
}

/* load_syms() leaves the version's share of the rank; this adds the rest. */
static void
add_rank(struct zd_sym *s)
{
	s->rank = (unsigned char)ZD_MIN(255u, sym_rank(s->name, s->bind, s->type) + s->rank);
}

static int
cmp_sym(const void *a, const void *b)
{
	const struct zd_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The string at off in a string table whose last byte is NUL, or NULL. */
static const char *
strtab_at(const Elf_Data *strs, size_t off)
{
	return off < strs->d_size ? (const char *)strs->d_buf + off : NULL;
}

/* A copy of name[0..len) that lives as long as e: names are packed into
 * blocks (e->names), not allocated one by one. */
#define NAME_BLOCK 16384

static const char *
keep_name(struct zd_elf *e, const char *name, size_t len)
{
	char *p;

	if (len + 1 > NAME_BLOCK) {
		/* a block of its own, put before the current one (the last) */
		ZD_GROW(e->names, e->names_alloc, e->nnames + 1);
		p = zd_xstrndup(name, len);
		e->names[e->nnames] = p;
		if (e->nnames) {
			e->names[e->nnames] = e->names[e->nnames - 1];
			e->names[e->nnames - 1] = p;
		}
		e->nnames++;
		return p;
	}
	if (!e->nnames || e->names_used + len + 1 > NAME_BLOCK) {
		ZD_GROW(e->names, e->names_alloc, e->nnames + 1);
		e->names[e->nnames++] = zd_xmalloc(NAME_BLOCK);
		e->names_used = 0;
	}
	p = e->names[e->nnames - 1] + e->names_used;
	memcpy(p, name, len);
	p[len] = '\0';
	e->names_used += len + 1;
	return p;
}

/* Read symbols from the first section of type `type` into e->syms.  The
 * table is read in place (libelf hands out the image's own bytes for a
 * native ELF64 file) and the array sized once: libc's debug .symtab has
 * 10,000 entries. */
static int
load_syms(struct zd_elf *e, Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	size_t alloc = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data, *strs = NULL;
		Elf_Scn *strscn;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		if (data->d_type != ELF_T_SYM || !data->d_buf)
			return 1;
		n = ZD_MIN(n, data->d_size / sizeof(Elf64_Sym));
		/* The names: straight from the table when it ends in NUL, else
		 * through elf_strptr's checks. */
		strscn = elf_getscn(elf, sh.sh_link);
		if (strscn && (strs = elf_getdata(strscn, NULL)) &&
		    (!strs->d_buf || !strs->d_size || ((const char *)strs->d_buf)[strs->d_size - 1] != '\0'))
			strs = NULL;
		if (n > 1)
			ZD_GROW(e->syms, alloc, e->nsyms + n - 1);
		for (i = 1; i < n; i++) {
			const Elf64_Sym *s = (const Elf64_Sym *)data->d_buf + i;
			const char *name, *at;
			unsigned char st, sb;
			unsigned rank_extra;

			st = GELF_ST_TYPE(s->st_info);
			sb = GELF_ST_BIND(s->st_info);
			if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS)
				continue;
			if (st == STT_NOTYPE && s->st_shndx < SHN_LORESERVE) {
				/* Assembly entry points (ld.so's _start): labels in code. */
				Elf_Scn *ts = elf_getscn(elf, s->st_shndx);
				GElf_Shdr tsh;

				if (!ts || !gelf_getshdr(ts, &tsh) || !(tsh.sh_flags & SHF_EXECINSTR))
					continue;
			} else if (st != STT_FUNC && st != STT_OBJECT && st != STT_GNU_IFUNC) {
				continue;
			}
			name = strs ? strtab_at(strs, s->st_name) : elf_strptr(elf, sh.sh_link, s->st_name);
			if (!name || !*name || *name == '@')
				continue;
			rank_extra = 0;
			if ((at = strchr(name, '@'))) {
				/* "clock_nanosleep@@GLIBC_2.17": keep the plain name;
				 * a non-default version ranks below its aliases. */
				rank_extra = at[1] == '@' ? 1 : 32;
				name = keep_name(e, name, (size_t)(at - name));
			}
			e->syms[e->nsyms].addr = s->st_value;
			e->syms[e->nsyms].size = s->st_size;
			e->syms[e->nsyms].name = name;
			e->syms[e->nsyms].type = st;
			e->syms[e->nsyms].bind = sb;
			/* The version part only: sort_syms() adds sym_rank() where
			 * aliases share an address (strstr over every name of a
			 * 10,000-symbol table was a quarter of its loading). */
			e->syms[e->nsyms].rank = (unsigned char)rank_extra;
			e->nsyms++;
		}
		return 1;
	}
	return 0;
}

/*
 * Sort symbols by address: a stable LSD radix sort over the address bits
 * that vary (11 bits a pass; two passes for a libc), then cmp_sym within
 * each run of equal addresses (aliases).  qsort() with a comparator over
 * libc's 10,000-entry debug symtab cost more than the rest of a 64-thread
 * backtrace.
 */
static void
sort_syms(struct zd_elf *e)
{
	size_t n = e->nsyms, i, j;
	struct zd_sym *tmp, *src, *dst;
	uint64_t maxa = 0;
	unsigned shift;

	free(e->by_name);
	e->by_name = NULL;
	if (n < 64) {
		for (i = 0; i < n; i++)
			add_rank(&e->syms[i]);
		if (n)
			qsort(e->syms, n, sizeof(*e->syms), cmp_sym);
		return;
	}
	for (i = 0; i < n; i++)
		maxa = ZD_MAX(maxa, e->syms[i].addr);
	tmp = zd_xmalloc(n * sizeof(*tmp));
	src = e->syms;
	dst = tmp;
	for (shift = 0; shift < 64 && (maxa >> shift); shift += 11) {
		size_t pos[2048] = { 0 }, sum = 0;

		for (i = 0; i < n; i++)
			pos[(src[i].addr >> shift) & 2047]++;
		for (i = 0; i < 2048; i++) {
			size_t c = pos[i];

			pos[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[pos[(src[i].addr >> shift) & 2047]++] = src[i];
		tmp = src;
		src = dst;
		dst = tmp;
	}
	if (src != e->syms) {
		memcpy(e->syms, src, n * sizeof(*src));
		free(src);
	} else {
		free(dst);
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && e->syms[j].addr == e->syms[i].addr; j++)
			;
		if (j - i == 1)
			continue;
		for (size_t a = i; a < j; a++)
			add_rank(&e->syms[a]);
		if (j - i > 8) {
			qsort(e->syms + i, j - i, sizeof(*e->syms), cmp_sym);
		} else {
			/* A few aliases: insertion sort (qsort's merge sort
			 * allocates and copies for every run). */
			for (size_t a = i + 1; a < j; a++) {
				struct zd_sym v = e->syms[a];
				size_t b = a;

				for (; b > i && cmp_sym(&e->syms[b - 1], &v) > 0; b--)
					e->syms[b] = e->syms[b - 1];
				e->syms[b] = v;
			}
		}
	}
}

/*
 * Large tables (libc's debug .symtab: 10,000 symbols) are not sorted when
 * loaded: a backtrace looks up a handful of addresses.  Their indices are
 * put in address buckets (one counting pass), and a bucket is sorted the
 * first time a lookup reaches it.  The buckets in a row are then the order
 * sort_syms() would have made (each sorted by cmp_sym, ties in load order),
 * so lookups answer as they would on the sorted table, and e->syms never
 * moves (pointers handed out stay valid).
 */
#define LAZY_MIN_SYMS 1024

struct zd_symidx {
	uint64_t base;            /* the lowest address */
	unsigned shift;           /* bucket of a: (a - base) >> shift */
	size_t nb;                /* buckets */
	uint32_t *start;          /* nb + 1: bucket b is ord[start[b] .. start[b + 1]) */
	uint32_t *ord;            /* symbol indices, bucket by bucket */
	unsigned char *sorted;    /* per bucket */
};

static void
symidx_free(struct zd_symidx *x)
{
	if (!x)
		return;
	free(x->start);
	free(x->ord);
	free(x->sorted);
	free(x);
}

static void
build_index(struct zd_elf *e)
{
	struct zd_symidx *x = zd_xcalloc(1, sizeof(*x));
	size_t n = e->nsyms, i, b;
	uint64_t lo = UINT64_MAX, hi = 0;

	for (i = 0; i < n; i++) {
		lo = ZD_MIN(lo, e->syms[i].addr);
		hi = ZD_MAX(hi, e->syms[i].addr);
	}
	/* about one symbol a bucket */
	while (((hi - lo) >> x->shift) >= n)
		x->shift++;
	x->base = lo;
	x->nb = (size_t)((hi - lo) >> x->shift) + 1;
	x->start = zd_xcalloc(x->nb + 1, sizeof(*x->start));
	x->ord = zd_xmalloc(n * sizeof(*x->ord));
	x->sorted = zd_xcalloc(x->nb, 1);
	for (i = 0; i < n; i++)
		x->start[((e->syms[i].addr - lo) >> x->shift) + 1]++;
	for (b = 0; b < x->nb; b++)
		x->start[b + 1] += x->start[b];
	{
		uint32_t *fill = zd_xmalloc(x->nb * sizeof(*fill));

		memcpy(fill, x->start, x->nb * sizeof(*fill));
		for (i = 0; i < n; i++)
			x->ord[fill[(e->syms[i].addr - lo) >> x->shift]++] = (uint32_t)i;
		free(fill);
	}
	symidx_free(e->idx);
	e->idx = x;
}

static const struct zd_sym *idx_syms; /* for cmp_ord */

/* The rank add_rank() would give (a lazy table's ranks stay unadded). */
static unsigned
full_rank(const struct zd_sym *s)
{
	return ZD_MIN(255u, sym_rank(s->name, s->bind, s->type) + s->rank);
}

/* cmp_sym with full ranks, ties in load order (as sort_syms' stable sort
 * leaves them). */
static int
cmp_ord(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct zd_sym *x = &idx_syms[i], *y = &idx_syms[j];
	unsigned rx, ry;
	int c;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	rx = full_rank(x);
	ry = full_rank(y);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	c = strcmp(x->name, y->name);
	return c ? c : i < j ? -1 : i > j;
}

static void
sort_bucket(const struct zd_elf *e, size_t b)
{
	struct zd_symidx *x = e->idx;
	uint32_t *v = x->ord + x->start[b];
	size_t n = x->start[b + 1] - x->start[b], i, k;

	if (x->sorted[b])
		return;
	x->sorted[b] = 1;
	idx_syms = e->syms;
	if (n > 16) {
		qsort(v, n, sizeof(*v), cmp_ord);
		return;
	}
	for (i = 1; i < n; i++) {
		uint32_t t = v[i];

		for (k = i; k > 0 && cmp_ord(&v[k - 1], &t) > 0; k--)
			v[k] = v[k - 1];
		v[k] = t;
	}
}

/* The symbol at position p of the address order. */
static const struct zd_sym *
sym_pos(const struct zd_elf *e, size_t p)
{
	const struct zd_symidx *x = e->idx;
	size_t lo = 0, hi = x ? x->nb : 0;

	if (!x)
		return &e->syms[p];
	/* the bucket b with start[b] <= p < start[b + 1] */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->start[mid + 1] <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	sort_bucket(e, lo);
	return &e->syms[x->ord[p]];
}

/* Every bucket sorted: ord is the whole table's order. */
static void
sort_all_buckets(const struct zd_elf *e)
{
	for (size_t b = 0; e->idx && b < e->idx->nb; b++)
		sort_bucket(e, b);
}

/* After load_syms(): sorted now, or indexed when large. */
static void
finish_syms(struct zd_elf *e)
{
	symidx_free(e->idx);
	e->idx = NULL;
	if (e->nsyms >= LAZY_MIN_SYMS) {
		free(e->by_name);
		e->by_name = NULL;
		build_index(e);
	} else {
		sort_syms(e);
	}
}

void
zd_elf_sort_syms(struct zd_elf *e)
{
	if (!e->idx)
		return;
	symidx_free(e->idx);
	e->idx = NULL;
	sort_syms(e);
}

static void
read_notes(struct zd_elf *e)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t shstrndx;
		const char *sname;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (elf_getshdrstrndx(e->elf, &shstrndx) < 0)
			return;
		sname = elf_strptr(e->elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_NOTE && !e->build_id) {
			size_t off = 0, name_off, desc_off;
			GElf_Nhdr nh;

			data = elf_getdata(scn, NULL);
			while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
				if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
				    !memcmp((char *)data->d_buf + name_off, "GNU", 4) && nh.n_descsz <= 64) {
					const unsigned char *d = (unsigned char *)data->d_buf + desc_off;
					char *hex = zd_xmalloc(nh.n_descsz * 2 + 1);

					for (size_t k = 0; k < nh.n_descsz; k++)
						snprintf(hex + 2 * k, 3, "%02x", d[k]);
					e->build_id = hex;
					break;
				}
			}
		} else if (sname && !strcmp(sname, ".gnu_debuglink") && sh.sh_type == SHT_PROGBITS) {
			data = elf_getdata(scn, NULL);
			if (data && data->d_size > 4 && memchr(data->d_buf, '\0', data->d_size))
				e->debuglink = zd_xstrdup(data->d_buf);
		}
	}
}

static int
elf_setup(struct zd_elf *e, bool want_dynsym)
{
	size_t i, nph, alloc = 0;

	elf_lib_init();
	e->elf = elf_memory((char *)e->image, e->size);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF || gelf_getclass(e->elf) != ELFCLASS64)
		return -ENOEXEC;
	if (elf_getphdrnum(e->elf, &nph) < 0)
		nph = 0;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD) {
			/* A segment must lie inside the image (the vDSO comes
			 * from the target's memory): later offsets are used to
			 * index it.  A truncated file keeps what it has. */
			if (ph.p_offset > e->size || ph.p_vaddr + ph.p_memsz < ph.p_vaddr ||
			    ph.p_memsz < ph.p_filesz)
				continue;
			if (ph.p_filesz > e->size - ph.p_offset)
				ph.p_filesz = e->size - ph.p_offset;
			ZD_GROW(e->load, alloc, e->nload + 1);
			e->load[e->nload].vaddr = ph.p_vaddr;
			e->load[e->nload].memsz = ph.p_memsz;
			e->load[e->nload].offset = ph.p_offset;
			e->load[e->nload].filesz = ph.p_filesz;
			e->load[e->nload].flags = ph.p_flags;
			e->nload++;
		} else if (ph.p_type == PT_GNU_EH_FRAME) {
			e->eh_vaddr = ph.p_vaddr;
			e->eh_size = ph.p_memsz;
			e->has_eh = true;
		}
	}
	read_notes(e);
	if (load_syms(e, e->elf, SHT_SYMTAB))
		e->has_symtab = true;
	else if (want_dynsym)
		load_syms(e, e->elf, SHT_DYNSYM);
	finish_syms(e);
	return 0;
}

/* want_dynsym false: no symbols unless the file has a .symtab (the caller
 * looks for a debug file first and falls back with load_dynsym()). */
static int
open_fd(int fd, bool want_dynsym, struct zd_elf **out)
{
	struct zd_elf *e;
	struct stat st;
	void *p;
	int ret;

	*out = NULL;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 64)
		return -ENOEXEC;
	/* Private and writable so libelf may touch it; nothing is written back. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	e = zd_xcalloc(1, sizeof(*e));
	e->image = p;
	e->size = (size_t)st.st_size;
	e->mapped = true;
	ret = elf_setup(e, want_dynsym);
	if (ret < 0) {
		zd_elf_free(e);
		return ret;
	}
	*out = e;
	return 0;
}

int
zd_elf_open_fd(int fd, const char *path, struct zd_elf **out)
{
	(void)path;
	return open_fd(fd, true, out);
}

/* The .dynsym of a file opened without it, when no .symtab came instead. */
static void
load_dynsym(struct zd_elf *e)
{
	if (e->has_symtab || e->nsyms)
		return;
	load_syms(e, e->elf, SHT_DYNSYM);
	finish_syms(e);
}

int
zd_elf_open_mem(const void *data, size_t len, const char *name, struct zd_elf **out)
{
	struct zd_elf *e;
	int ret;

	(void)name;
	*out = NULL;
	if (len < 64)
		return -ENOEXEC;
	e = zd_xcalloc(1, sizeof(*e));
	e->image = zd_xmemdup(data, len);
	e->size = len;
	ret = elf_setup(e, true);
	if (ret < 0) {
		zd_elf_free(e);
		return ret;
	}
	*out = e;
	return 0;
}

void
zd_elf_free(struct zd_elf *e)
{
	if (!e)
		return;
	if (e->debug)
		zd_elf_free(e->debug);
	if (e->dwarf)
		dwarf_end(e->dwarf);
	if (e->elf)
		elf_end(e->elf);
	if (e->mapped)
		munmap(e->image, e->size);
	else
		free(e->image);
	free(e->load);
	free(e->syms);
	symidx_free(e->idx);
	free(e->by_name);
	free(e->build_id);
	free(e->debuglink);
	for (size_t i = 0; i < e->nnames; i++)
		free(e->names[i]);
	free(e->names);
	free(e);
}

static bool
has_section(const struct zd_elf *e, const char *want)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e->elf, &shstrndx) < 0)
		return false;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(e->elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, want) && sh.sh_type != SHT_NOBITS)
			return true;
	}
	return false;
}

static int
try_debug(struct zd_elf *e, const char *path)
{
	struct zd_elf *d;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (zd_elf_open_fd(fd, path, &d) < 0) {
		close(fd);
		return -ENOEXEC;
	}
	close(fd);
	if (e->build_id && d->build_id && strcmp(e->build_id, d->build_id)) {
		zd_elf_free(d);
		return -ESTALE;
	}
	if (!d->has_symtab && !has_section(d, ".debug_info")) {
		zd_elf_free(d);
		return -ENOENT;
	}
	e->debug = d;
	if (e->dwarf_tried && !e->dwarf)
		e->dwarf_tried = false; /* looked for before the debug file came */
	if (d->has_symtab) {
		/* The debug file's .symtab is complete: it replaces .dynsym. */
		free(e->syms);
		symidx_free(e->idx);
		e->syms = d->syms;
		e->nsyms = d->nsyms;
		e->idx = d->idx;
		d->syms = NULL;
		d->nsyms = 0;
		d->idx = NULL;
		e->has_symtab = true;
		/* Already sorted (same order) when the debug file was loaded. */
		free(e->by_name);
		e->by_name = NULL;
	}
	return 0;
}

static int
try_debug_sb(struct zd_elf *e, struct zd_sb *sb)
{
	int ret = try_debug(e, sb->buf);

	zd_sb_reset(sb);
	return ret;
}

int
zd_elf_find_debug(struct zd_elf *e, const char *path, const char *debug_root)
{
	struct zd_sb sb = ZD_SB_INIT;
	const char *slash;
	int ret = -ENOENT;

	if (e->debug)
		return 0;
	if (!debug_root)
		debug_root = "/usr/lib/debug";
	if (e->build_id && strlen(e->build_id) > 2) {
		zd_sb_addf(&sb, "%s/.build-id/%.2s/%s.debug", debug_root, e->build_id, e->build_id + 2);
		if (try_debug_sb(e, &sb) == 0)
			ret = 0;
	}
	if (ret && e->debuglink && path && (slash = strrchr(path, '/'))) {
		int dl = (int)(slash - path);

		zd_sb_addf(&sb, "%.*s/%s", dl, path, e->debuglink);
		if (strcmp(sb.buf, path) && try_debug_sb(e, &sb) == 0)
			ret = 0;
		zd_sb_reset(&sb);
		if (ret) {
			zd_sb_addf(&sb, "%.*s/.debug/%s", dl, path, e->debuglink);
			if (try_debug_sb(e, &sb) == 0)
				ret = 0;
		}
		if (ret) {
			zd_sb_addf(&sb, "%s%.*s/%s", debug_root, dl, path, e->debuglink);
			if (try_debug_sb(e, &sb) == 0)
				ret = 0;
		}
	}
	zd_sb_release(&sb);
	if (ret && e->build_id && zd_dinfod_enabled()) {
		char *fetched;

		if (zd_dinfod_find_debuginfo(e->build_id, path, &fetched) == 0) {
			ret = try_debug(e, fetched);
			free(fetched);
		}
	}
	return ret;
}

const struct zd_sym *
zd_elf_syms(const struct zd_elf *e, size_t *n)
{
	*n = e->nsyms;
	return e->syms;
}

/* Index of the last symbol with addr <= vaddr, or -1. */
static long
upper_index(const struct zd_elf *e, uint64_t vaddr)
{
	size_t lo = 0, hi = e->nsyms;

	if (e->idx && e->nsyms) {
		/* in vaddr's bucket (sorted), or the last one before it */
		const struct zd_symidx *x = e->idx;
		size_t b;

		if (vaddr < x->base)
			return -1;
		b = (size_t)ZD_MIN((vaddr - x->base) >> x->shift, (uint64_t)(x->nb - 1));
		sort_bucket(e, b);
		lo = x->start[b];
		hi = x->start[b + 1];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (e->syms[x->ord[mid]].addr <= vaddr)
				lo = mid + 1;
			else
				hi = mid;
		}
		return (long)lo - 1;
	}

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

const struct zd_sym *
zd_elf_sym_at(const struct zd_elf *e, uint64_t vaddr)
{
	long i = upper_index(e, vaddr), k, x0 = -1;
	const struct zd_sym *s;

	if (i < 0)
		return NULL;
	/* Walk back over symbols starting at or below vaddr; entries with the
	 * same address are sorted sized-first and best rank first.  Nested or
	 * overlapping symbols are rare: a bounded walk is enough. */
	for (k = i; k >= 0 && i - k < 64; k--) {
		s = sym_pos(e, (size_t)k);
		if (s->size && vaddr < s->addr + s->size) {
			/* The best-ranked alias at this address. */
			while (k > 0 && sym_pos(e, (size_t)k - 1)->addr == s->addr && sym_pos(e, (size_t)k - 1)->size)
				s = sym_pos(e, (size_t)--k);
			return s;
		}
		if (!s->size && s->addr == vaddr && x0 < 0)
			x0 = k;
		if (s->addr + (1u << 20) < vaddr)
			break;
	}
	s = sym_pos(e, (size_t)i);
	if (x0 < 0 && !s->size && vaddr - s->addr < 0x1000)
		/* Assembly without .size (ld.so's _start): the label before it,
		 * when no sized symbol is closer. */
		x0 = i;
	if (x0 >= 0) {
		/* Prefer the best-ranked size-0 alias. */
		s = sym_pos(e, (size_t)x0);
		while (x0 > 0 && sym_pos(e, (size_t)x0 - 1)->addr == s->addr && !sym_pos(e, (size_t)x0 - 1)->size)
			s = sym_pos(e, (size_t)--x0);
		return s;
	}
	return NULL;
}

static const struct zd_elf *sort_ctx;

static int
cmp_by_name(const void *a, const void *b)
{
	const struct zd_sym *x = &sort_ctx->syms[*(const size_t *)a];
	const struct zd_sym *y = &sort_ctx->syms[*(const size_t *)b];
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	if (x->bind != y->bind)
		return x->bind == STB_GLOBAL ? -1 : y->bind == STB_GLOBAL ? 1 : 0;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

const struct zd_sym *
zd_elf_sym_named(struct zd_elf *e, const char *name)
{
	size_t lo = 0, hi, i;

	if (!e->nsyms)
		return NULL;
	if (!e->by_name) {
		e->by_name = zd_xmalloc(e->nsyms * sizeof(*e->by_name));
		/* from the address order, as on a sorted table (ties stay in it) */
		sort_all_buckets(e);
		for (i = 0; i < e->nsyms; i++)
			e->by_name[i] = e->idx ? e->idx->ord[i] : i;
		sort_ctx = e;
		qsort(e->by_name, e->nsyms, sizeof(*e->by_name), cmp_by_name);
		sort_ctx = NULL;
	}
	hi = e->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(e->syms[e->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->nsyms && !strcmp(e->syms[e->by_name[lo]].name, name))
		return &e->syms[e->by_name[lo]];
	return NULL;
}

static Dwarf *
get_dwarf(struct zd_elf *e)
{
	struct zd_elf *src;

	if (e->dwarf_tried)
		return e->dwarf;
	e->dwarf_tried = true;
	src = e->debug && has_section(e->debug, ".debug_info") ? e->debug : e;
	if (!has_section(src, ".debug_info") && !has_section(src, ".zdebug_info"))
		return NULL;
	e->dwarf = dwarf_begin_elf(src->elf, DWARF_C_READ, NULL);
	return e->dwarf;
}

struct Dwarf *
zd_elf_dwarf(struct zd_elf *e)
{
	return get_dwarf(e);
}

struct Elf *
zd_elf_libelf(const struct zd_elf *e)
{
	return e->elf;
}

int
zd_elf_line(struct zd_elf *e, uint64_t vaddr, const char **file, int *line)
{
	Dwarf *dw = get_dwarf(e);
	Dwarf_Die cu;
	Dwarf_Line *l;
	const char *src;
	int ln;

	if (!dw)
		return -ENOENT;
	if (!dwarf_addrdie(dw, vaddr, &cu))
		return -ENOENT;
	l = dwarf_getsrc_die(&cu, vaddr);
	if (!l || dwarf_lineno(l, &ln) != 0 || !(src = dwarf_linesrc(l, NULL, NULL)))
		return -ENOENT;
	*file = src;
	*line = ln;
	return 0;
}

const char *
zd_elf_build_id(const struct zd_elf *e)
{
	return e->build_id;
}

bool
zd_elf_has_symtab(const struct zd_elf *e)
{
	return e->has_symtab;
}

bool
zd_elf_has_debug_file(const struct zd_elf *e)
{
	return e->debug != NULL;
}

const unsigned char *
zd_elf_image(const struct zd_elf *e, size_t *size)
{
	*size = e->size;
	return e->image;
}

void
zd_elf_load_range(const struct zd_elf *e, uint64_t *lo, uint64_t *hi)
{
	size_t i;

	*lo = UINT64_MAX;
	*hi = 0;
	for (i = 0; i < e->nload; i++) {
		*lo = ZD_MIN(*lo, e->load[i].vaddr & PAGE_MASK_4K);
		*hi = ZD_MAX(*hi, e->load[i].vaddr + e->load[i].memsz);
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}

int
zd_elf_vaddr_to_off(const struct zd_elf *e, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < e->nload; i++) {
		const struct zd_phdr *p = &e->load[i];

		if (vaddr >= p->vaddr && vaddr < p->vaddr + p->filesz) {
			*off = vaddr - p->vaddr + p->offset;
			return 0;
		}
	}
	return -ENOENT;
}

int
zd_elf_bias_for(const struct zd_elf *e, uint64_t start, uint64_t pgoff, uint64_t *bias)
{
	size_t i;

	for (i = 0; i < e->nload; i++) {
		const struct zd_phdr *p = &e->load[i];

		if ((p->offset & PAGE_MASK_4K) == pgoff) {
			*bias = start - (p->vaddr & PAGE_MASK_4K);
			return 0;
		}
	}
	/* A mapping in the middle of a segment (split by mprotect). */
	for (i = 0; i < e->nload; i++) {
		const struct zd_phdr *p = &e->load[i];

		if (pgoff >= (p->offset & PAGE_MASK_4K) && pgoff < p->offset + p->filesz) {
			*bias = start - (p->vaddr & PAGE_MASK_4K) - (pgoff - (p->offset & PAGE_MASK_4K));
			return 0;
		}
	}
	return -ENOENT;
}

int
zd_elf_eh_frame_hdr(const struct zd_elf *e, uint64_t *vaddr, uint64_t *size)
{
	if (!e->has_eh)
		return -ENOENT;
	*vaddr = e->eh_vaddr;
	*size = e->eh_size;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Address spaces                                                    */

void
zd_space_init(struct zd_space *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->cache = zd_xcalloc(1, sizeof(*sp->cache));
}

static void
free_modules(struct zd_space *sp)
{
	size_t i;

	for (i = 0; i < sp->nmods; i++) {
		free(sp->mods[i].path);
		if (sp->mods[i].vdso)
			zd_elf_free(sp->mods[i].elf);
	}
	free(sp->mods);
	sp->mods = NULL;
	sp->nmods = 0;
}

void
zd_space_release(struct zd_space *sp)
{
	size_t i;

	free_modules(sp);
	zd_maps_release(&sp->maps);
	if (sp->cache) {
		for (i = 0; i < sp->cache->n; i++) {
			zd_elf_free(sp->cache->v[i].elf);
			free(sp->cache->v[i].path);
		}
		free(sp->cache->v);
		free(sp->cache);
		sp->cache = NULL;
	}
}

/* Open the file of a mapping: map_files (exact, even deleted or in another
 * mount namespace), then through the task's root, then the plain path. */
static int
open_mapped(pid_t tid, const struct zd_map *mp)
{
	char buf[PATH_MAX + 64];
	struct stat st;
	int fd;

	snprintf(buf, sizeof(buf), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)tid, mp->start, mp->end);
	fd = open(buf, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	snprintf(buf, sizeof(buf), "/proc/%d/root%s", (int)tid, mp->path);
	fd = open(buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(mp->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != mp->inode) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static struct zd_elf_cache_entry *
cache_get(struct zd_space *sp, pid_t tid, const struct zd_map *mp)
{
	struct zd_elf_cache *c = sp->cache;
	struct zd_elf_cache_entry *ce;
	uint64_t dev = ((uint64_t)mp->dev_major << 32) | mp->dev_minor;
	size_t i;
	int fd;

	for (i = 0; i < c->n; i++)
		if (c->v[i].dev == dev && c->v[i].inode == mp->inode && !strcmp(c->v[i].path, mp->path))
			return &c->v[i];
	ZD_GROW(c->v, c->alloc, c->n + 1);
	ce = &c->v[c->n++];
	memset(ce, 0, sizeof(*ce));
	ce->dev = dev;
	ce->inode = mp->inode;
	ce->path = zd_xstrdup(mp->path);
	fd = open_mapped(tid, mp);
	if (fd < 0) {
		ce->err = fd;
		return ce;
	}
	/* .dynsym only when no debug file brings a .symtab: libc's would be
	 * read and sorted for nothing. */
	ce->err = open_fd(fd, false, &ce->elf);
	close(fd);
	if (ce->elf && !ce->elf->has_symtab)
		zd_elf_find_debug(ce->elf, mp->path, sp->debug_root);
	else if (ce->elf && !has_section(ce->elf, ".debug_info"))
		zd_elf_find_debug(ce->elf, mp->path, sp->debug_root);
	if (ce->elf)
		load_dynsym(ce->elf);
	return ce;
}

static int
cmp_mod(const void *a, const void *b)
{
	const struct zd_module *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool
same_file(const struct zd_map *a, const struct zd_map *b)
{
	return a->inode == b->inode && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor &&
	       !strcmp(a->path, b->path);
}

int
zd_space_load_maps(struct zd_space *sp, pid_t tid, struct zd_maps *maps, zd_mem_reader reader, void *ctx)
{
	char exe[PATH_MAX + 1], buf[64];
	ssize_t n;
	size_t i, k, alloc = 0;

	free_modules(sp);
	zd_maps_release(&sp->maps);
	sp->maps = *maps;
	maps->v = NULL;
	maps->n = 0;
	sp->tid = tid;
	snprintf(buf, sizeof(buf), "/proc/%d/exe", (int)tid);
	n = readlink(buf, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
		exe[n - 10] = '\0';

	for (i = 0; i < sp->maps.n; i++) {
		const struct zd_map *mp = &sp->maps.v[i];
		struct zd_module m;
		bool exec = false, seen = false;

		if (!(mp->perms & ZD_MAP_X) && !zd_map_is_file(mp))
			continue;
		memset(&m, 0, sizeof(m));
		if (!strcmp(mp->path, "[vdso]")) {
			unsigned char *img;

			if (!reader)
				continue;
			img = zd_xmalloc(mp->end - mp->start);
			n = reader(ctx, mp->start, img, mp->end - mp->start);
			if (n == (ssize_t)(mp->end - mp->start))
				m.err = zd_elf_open_mem(img, (size_t)n, "[vdso]", &m.elf);
			else
				m.err = n < 0 ? (int)n : -EIO;
			free(img);
			m.vdso = true;
			m.path = zd_xstrdup("[vdso]");
			m.start = mp->start;
			m.end = mp->end;
			if (m.elf && zd_elf_bias_for(m.elf, mp->start, 0, &m.bias) < 0)
				m.bias = mp->start;
		} else {
			if (!zd_map_is_file(mp))
				continue;
			/* One module per file; only files with code are modules. */
			for (k = 0; k < sp->nmods; k++)
				if (!sp->mods[k].vdso && sp->mods[k].inode == mp->inode &&
				    !strcmp(sp->mods[k].path, mp->path))
					seen = true;
			if (seen)
				continue;
			for (k = i; k < sp->maps.n; k++)
				if (same_file(&sp->maps.v[k], mp) && (sp->maps.v[k].perms & ZD_MAP_X))
					exec = true;
			if (!exec)
				continue;
			{
				struct zd_elf_cache_entry *ce = cache_get(sp, tid, mp);
				uint64_t lo, hi;

				m.elf = ce->elf;
				m.err = ce->err;
				m.path = zd_xstrdup(mp->path);
				m.inode = mp->inode;
				m.dev = ce->dev;
				m.exe = exe[0] && !strcmp(exe, mp->path);
				m.start = mp->start;
				m.end = mp->end;
				for (k = i + 1; k < sp->maps.n; k++)
					if (same_file(&sp->maps.v[k], mp))
						m.end = sp->maps.v[k].end;
				if (m.elf && zd_elf_bias_for(m.elf, mp->start, mp->pgoff, &m.bias) == 0) {
					zd_elf_load_range(m.elf, &lo, &hi);
					m.start = ZD_MIN(m.start, lo + m.bias);
					m.end = ZD_MAX(m.end, hi + m.bias);
				}
			}
		}
		{
			const char *slash = strrchr(m.path, '/');

			m.name = slash ? slash + 1 : m.path;
		}
		ZD_GROW(sp->mods, alloc, sp->nmods + 1);
		sp->mods[sp->nmods++] = m;
	}
	qsort(sp->mods, sp->nmods, sizeof(*sp->mods), cmp_mod);
	for (i = 0; i < sp->nmods; i++) {
		const char *slash = strrchr(sp->mods[i].path, '/');

		sp->mods[i].name = slash ? slash + 1 : sp->mods[i].path;
	}
	return 0;
}

int
zd_space_load(struct zd_space *sp, pid_t tid, zd_mem_reader reader, void *ctx)
{
	struct zd_maps m;
	char path[64];
	int dfd, ret;

	snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	ret = zd_maps_read(dfd, &m);
	close(dfd);
	if (ret < 0)
		return ret;
	return zd_space_load_maps(sp, tid, &m, reader, ctx);
}

const struct zd_module *
zd_space_module(const struct zd_space *sp, uint64_t addr)
{
	size_t lo = 0, hi = sp->nmods;
	long i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sp->mods[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Ranges may nest (a library mapped into another's reserved gap). */
	for (i = (long)lo - 1; i >= 0 && (size_t)(lo - 1 - (size_t)i) < 8; i--)
		if (addr >= sp->mods[i].start && addr < sp->mods[i].end) {
			const struct zd_map *mp = zd_maps_find(&sp->maps, addr);

			if (mp && zd_map_is_file(mp) && mp->inode != sp->mods[i].inode && !sp->mods[i].vdso)
				continue;
			return &sp->mods[i];
		}
	return NULL;
}

int
zd_space_lookup(const struct zd_space *sp, uint64_t addr, unsigned flags, struct zd_where *w)
{
	uint64_t look = (flags & ZD_LOOKUP_CALLER) && addr ? addr - 1 : addr;
	const struct zd_module *m = zd_space_module(sp, look);

	memset(w, 0, sizeof(*w));
	w->mod = m;
	if (!m || !m->elf)
		return -ENOENT;
	w->vaddr = addr - m->bias;
	w->sym = zd_elf_sym_at(m->elf, look - m->bias);
	if (w->sym)
		w->off = addr - m->bias - w->sym->addr;
	if ((flags & ZD_LOOKUP_LINE) && (!(flags & ZD_LOOKUP_OWN_LINES) || !zd_elf_has_debug_file(m->elf)))
		zd_elf_line(m->elf, look - m->bias, &w->file, &w->line);
	return w->sym ? 0 : -ENOENT;
}

int
zd_space_resolve(const struct zd_space *sp, const char *name, uint64_t *addr, const struct zd_sym **symp,
		 const struct zd_module **modp)
{
	const char *bang = strchr(name, '!');
	size_t modlen = bang ? (size_t)(bang - name) : 0;
	const char *sname = bang ? bang + 1 : name;
	int pass;

	/* Pass 0: the executable; pass 1: everything else in address order. */
	for (pass = 0; pass < 2; pass++) {
		size_t i;

		for (i = 0; i < sp->nmods; i++) {
			const struct zd_module *m = &sp->mods[i];
			const struct zd_sym *s;

			if (!m->elf || (pass == 0) != m->exe)
				continue;
			if (bang && (strncmp(m->name, name, modlen) || (m->name[modlen] && m->name[modlen] != '.' &&
									  m->name[modlen] != '-')))
				continue;
			s = zd_elf_sym_named(m->elf, sname);
			if (!s)
				continue;
			*addr = s->addr + m->bias;
			if (symp)
				*symp = s;
			if (modp)
				*modp = m;
			return 0;
		}
	}
	return -ENOENT;
}

int
zd_space_static_span(const struct zd_space *sp, uint64_t addr, uint64_t *lo, uint64_t *hi,
		     const unsigned char **img)
{
	const struct zd_map *mp = zd_maps_find(&sp->maps, addr);
	const struct zd_module *m;
	const unsigned char *base;
	size_t size;
	uint64_t off;

	if (!mp || (mp->perms & ZD_MAP_W))
		return -EFAULT;
	m = zd_space_module(sp, addr);
	if (!m || !m->elf)
		return -EFAULT;
	base = zd_elf_image(m->elf, &size);
	if (m->vdso)
		off = 0;
	else if (mp->inode == m->inode)
		off = mp->pgoff;
	else
		return -EFAULT;
	if (off >= size)
		return -EFAULT;
	/* the map, clipped to the bytes the image has */
	*lo = mp->start;
	*hi = mp->start + ZD_MIN(mp->end - mp->start, size - off);
	*img = base + off;
	return addr < *hi ? 0 : -EFAULT;
}

int
zd_space_read_static(const struct zd_space *sp, uint64_t addr, void *buf, size_t len)
{
	const unsigned char *img;
	uint64_t lo, hi;

	if (zd_space_static_span(sp, addr, &lo, &hi, &img) < 0 || len > hi - addr)
		return -EFAULT;
	memcpy(buf, img + (addr - lo), len);
	return 0;
}
