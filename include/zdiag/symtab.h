/*
 * Symbolization with zdiag's own libelf code: ELF files are loaded once
 * (mmap'ed; symbols sorted by address, with size checks and alias ranking),
 * debug symbols come from a separate debug file found by build-id or
 * .gnu_debuglink when the file itself is stripped, the vDSO is read from
 * the target's memory, and FILE:LINE comes from DWARF (libdw) when present.
 *
 * Two levels:
 *   struct zd_elf    one ELF file (or in-memory image), process-independent;
 *   struct zd_space  one process's address space: its maps and the ELF
 *                    modules mapped in it, each with its load bias.
 *
 *	struct zd_space sp;
 *	struct zd_where w;
 *	zd_space_init(&sp);
 *	zd_space_load(&sp, tid, vdso_reader, ctx);   // reads /proc/TID/maps
 *	if (zd_space_lookup(&sp, ip, ZD_LOOKUP_CALLER, &w) == 0)
 *		printf("%s+0x%lx (%s)\n", w.sym->name, w.off, w.mod->name);
 *	zd_space_release(&sp);
 *
 * Nothing here prints; strings (symbol names, paths) are raw bytes from
 * files and must be escaped by the caller.
 */
#ifndef ZDIAG_SYMTAB_H
#define ZDIAG_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdiag/maps.h"

struct zd_elf;
struct Dwarf;
struct Elf;

struct zd_sym {
	uint64_t addr;        /* ELF virtual address (add the module bias) */
	uint64_t size;
	const char *name;
	unsigned char type;   /* STT_FUNC, STT_OBJECT, STT_GNU_IFUNC */
	unsigned char bind;   /* STB_* */
	unsigned char rank;   /* lower is preferred among aliases */
};

/* Load an ELF file from fd (mmap'ed; fd can be closed afterwards). */
int zd_elf_open_fd(int fd, const char *path, struct zd_elf **out);
/* Load an ELF image from memory (copied), e.g. the vDSO. */
int zd_elf_open_mem(const void *data, size_t len, const char *name, struct zd_elf **out);
void zd_elf_free(struct zd_elf *e);

/*
 * Find and attach the separate debug file (build-id, then .gnu_debuglink
 * next to path, under /usr/lib/debug; then, when DEBUGINFOD_URLS is set,
 * by build-id from debuginfod: debuginfod.h).  Its .symtab replaces
 * .dynsym and its DWARF gives lines.  debug_root NULL means
 * "/usr/lib/debug".  Returns 0 when one was attached, -ENOENT when there
 * is none.
 */
int zd_elf_find_debug(struct zd_elf *e, const char *path, const char *debug_root);

/* The symbol containing vaddr (sized symbols; a size-0 symbol only at its
 * exact address), preferring global, non-__GI_ names among aliases. */
const struct zd_sym *zd_elf_sym_at(const struct zd_elf *e, uint64_t vaddr);
/* The best symbol named name (exact match), or NULL. */
const struct zd_sym *zd_elf_sym_named(struct zd_elf *e, const char *name);
/* Symbols: in address order for tables under 1,024 symbols; larger ones
 * stay in the file's order (lookups sort them bucket by bucket as they go,
 * so the pointers they return stay valid). */
const struct zd_sym *zd_elf_syms(const struct zd_elf *e, size_t *n);
/* Sort a large table now: zd_elf_syms() is then in address order.  Symbols
 * move: pointers from earlier lookups no longer point at what they did
 * (for tests comparing both ways, and tools that walk the table). */
void zd_elf_sort_syms(struct zd_elf *e);
/* Source file and line of vaddr from DWARF; -ENOENT without debug info. */
int zd_elf_line(struct zd_elf *e, uint64_t vaddr, const char **file, int *line);
/* libdw's handle on the DWARF zd_elf_line reads (the debug file's when
 * there is one), opened on first use; NULL without DWARF.  Owned by e. */
struct Dwarf *zd_elf_dwarf(struct zd_elf *e);
/* libelf's handle on the file itself (for .eh_frame), owned by e. */
struct Elf *zd_elf_libelf(const struct zd_elf *e);
/* "9f3c...": the GNU build-id in hex, or NULL. */
const char *zd_elf_build_id(const struct zd_elf *e);
/* True when a .symtab (from the file or its debug file) is in use. */
bool zd_elf_has_symtab(const struct zd_elf *e);
bool zd_elf_has_debug_file(const struct zd_elf *e);
/* The whole file image. */
const unsigned char *zd_elf_image(const struct zd_elf *e, size_t *size);
/* Lowest and highest (exclusive) PT_LOAD virtual addresses. */
void zd_elf_load_range(const struct zd_elf *e, uint64_t *lo, uint64_t *hi);
/* vaddr -> file offset through the PT_LOAD covering it (file-backed part). */
int zd_elf_vaddr_to_off(const struct zd_elf *e, uint64_t vaddr, uint64_t *off);
/* The load bias of a mapping of this file at start with file offset pgoff. */
int zd_elf_bias_for(const struct zd_elf *e, uint64_t start, uint64_t pgoff, uint64_t *bias);
/* PT_GNU_EH_FRAME: its vaddr and size, -ENOENT if absent. */
int zd_elf_eh_frame_hdr(const struct zd_elf *e, uint64_t *vaddr, uint64_t *size);

/* ---------------------------------------------------------------- */

struct zd_module {
	struct zd_elf *elf;   /* NULL when the file could not be loaded */
	int err;              /* -errno why elf is NULL */
	char *path;           /* from maps: raw bytes */
	const char *name;     /* basename of path, "[vdso]" */
	uint64_t start, end;  /* runtime address range of its image */
	uint64_t bias;        /* runtime address - ELF vaddr */
	uint64_t dev, inode;
	bool vdso, exe;
};

/* Reads the target's memory (for the vDSO image): returns bytes read or -errno. */
typedef ssize_t (*zd_mem_reader)(void *ctx, uint64_t addr, void *buf, size_t len);

struct zd_space {
	struct zd_maps maps;
	struct zd_module *mods;  /* sorted by start */
	size_t nmods;
	pid_t tid;               /* the live task whose /proc entries were read */
	/* private: ELF files kept across reloads */
	struct zd_elf_cache *cache;
	const char *debug_root;
};

enum zd_lookup_flags {
	/* A return address: look the symbol up at addr-1 (the call). */
	ZD_LOOKUP_CALLER = 1 << 0,
	/* Also fill file/line from DWARF. */
	ZD_LOOKUP_LINE = 1 << 1,
	/* With ZD_LOOKUP_LINE: only DWARF in the module's own file, not a
	 * separate debug file (whose compressed sections cost tens of ms to
	 * inflate, e.g. ~50 ms for libc6-dbg). */
	ZD_LOOKUP_OWN_LINES = 1 << 2,
};

struct zd_where {
	const struct zd_module *mod;  /* NULL: not in any module */
	const struct zd_sym *sym;     /* NULL: no symbol */
	uint64_t off;                 /* addr - symbol address */
	uint64_t vaddr;               /* addr - module bias */
	const char *file;             /* NULL without line info */
	int line;
};

void zd_space_init(struct zd_space *sp);
/*
 * (Re)load maps from /proc/TID/maps and the modules mapped there; ELF files
 * already loaded are reused.  reader (may be NULL) reads the vDSO.
 */
int zd_space_load(struct zd_space *sp, pid_t tid, zd_mem_reader reader, void *ctx);
/* Like zd_space_load, from an already parsed maps (taken over by sp). */
int zd_space_load_maps(struct zd_space *sp, pid_t tid, struct zd_maps *maps, zd_mem_reader reader,
		       void *ctx);
void zd_space_release(struct zd_space *sp);
/* The module whose image contains addr, or NULL. */
const struct zd_module *zd_space_module(const struct zd_space *sp, uint64_t addr);
/* Symbolize addr.  Returns 0 when a symbol was found, -ENOENT otherwise
 * (w->mod may still be set). */
int zd_space_lookup(const struct zd_space *sp, uint64_t addr, unsigned flags, struct zd_where *w);
/*
 * Resolve a symbol name: "main", "libc.so.6!malloc" (module by basename or
 * prefix).  The executable is searched first, then libraries in address
 * order; with several matches, the first.  Returns 0 and the runtime
 * address (and symbol/module when asked), or -ENOENT.
 */
int zd_space_resolve(const struct zd_space *sp, const char *name, uint64_t *addr,
		     const struct zd_sym **sym, const struct zd_module **mod);
/*
 * The read-only file-backed span around addr whose bytes zdiag holds (from
 * the module's ELF image): [*lo, *hi) is at *img.  Lets a reader of many
 * small words (libunwind's table search) cache one lookup.  0 or -EFAULT.
 */
int zd_space_static_span(const struct zd_space *sp, uint64_t addr, uint64_t *lo, uint64_t *hi,
			 const unsigned char **img);
/*
 * Read len bytes at addr from the file image of a read-only file mapping
 * (or the vDSO copy): what unwinding needs from code and .eh_frame after
 * the target has been let go.  Returns 0, or -EFAULT if not available.
 */
int zd_space_read_static(const struct zd_space *sp, uint64_t addr, void *buf, size_t len);

#endif
