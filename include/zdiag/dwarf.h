/*
 * Source-level debug information of one address space (struct zd_space),
 * from DWARF through elfutils libdw: line tables, inline frames, scopes,
 * variables and their locations, types.  The debugger's `print`, `info
 * locals`, `break FILE:LINE`, `next` and `step` are built on it.
 *
 * Lazy: a module's DWARF is opened (its own, or the separate debug file
 * found by build-id as symtab.h does) the first time a pc in it is asked
 * about, and only the compile unit holding that pc is read (aranges, or a
 * walk over the CU headers when a file has none); types are converted on
 * demand and cached by DIE.  Only FILE:LINE -> address and global lookups
 * by name walk every CU (of the modules with DWARF).
 *
 *	struct zd_di *di = zd_di_new(&space);         // space borrowed
 *	struct zd_dregs r;
 *	zd_dregs_from_user(&r, &regs);                // frame 0
 *	struct zd_dframe fr = { .regs = r, .mem = reader, .ctx = pt };
 *	struct zd_dvar *vars; size_t n;
 *	zd_di_locals(di, &fr, 0, ZD_DI_ARGS | ZD_DI_LOCALS, &vars, &n);
 *	for (i = 0; i < n; i++)  // vars[i].name, vars[i].value (dvalue.h)
 *		zd_value_format(&vars[i].value, &fmt, &sb);
 *	zd_dvars_free(vars, n);
 *	zd_di_free(di);
 *
 * Frames: struct zd_dframe is one physical frame: its registers as DWARF
 * numbers (0-16: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip), which of them
 * are known, and the CFA when known.  zd_di_frame_up() computes the
 * caller's from the CFI (.eh_frame or .debug_frame), so callee-saved
 * registers are right in outer frames.  A physical frame may hold inline
 * frames (gdb shows each): `inl` 0 is the innermost.
 *
 * Nothing here prints; names and paths are raw bytes from the files.
 * Errors: 0 or -errno (-ENOENT: no debug info / no such thing).
 */
#ifndef ZDIAG_DWARF_H
#define ZDIAG_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

#include "zdiag/dexpr.h"
#include "zdiag/dvalue.h"
#include "zdiag/symtab.h"

struct zd_di;

struct zd_di *zd_di_new(const struct zd_space *sp);
void zd_di_free(struct zd_di *di);
/*
 * Open the DWARF of the modules holding pcs now, each on its own thread:
 * libdw inflates a module's compressed debug sections whole when it opens
 * it, and that dominates the first source-level command on a program with
 * large debug info (docs/attach.md).  Optional: lookups open them anyway.
 */
void zd_di_preload(struct zd_di *di, const uint64_t *pcs, size_t n);
/* Forget modules (after the space was reloaded: modules may have moved). */
void zd_di_flush(struct zd_di *di);
/* A zd_addr_namer (dvalue.h) over the space's ELF symbols, ctx the
 * struct zd_di: "g_list+40", "recurse", as gdb's <...> after pointers. */
void zd_di_name_addr(void *di, uint64_t addr, bool code, struct zd_sb *sb);
/* The arena that owns every type the library hands out. */
struct zd_types *zd_di_types(struct zd_di *di);

#define ZD_DREGS 17

struct zd_dregs {
	uint64_t r[ZD_DREGS];  /* by DWARF number; r[16] is the pc */
	uint32_t valid;        /* bit n: r[n] known */
	uint64_t cfa;          /* the frame's canonical frame address */
	bool has_cfa;
	uint64_t saved[ZD_DREGS]; /* where this frame saved its caller's registers (info frame) */
	uint32_t saved_mask;   /* bit n: saved[n] known (set by zd_di_frame_up) */
};

/* Frame 0's registers from a ptrace register set (all valid). */
void zd_dregs_from_user(struct zd_dregs *d, const struct user_regs_struct *u);

struct zd_dframe {
	struct zd_dregs regs;
	bool caller;           /* pc is a return address: look up pc-1 (outer frames) */
	zd_mem_reader mem;     /* target memory */
	void *ctx;
};

/*
 * The caller of fr: its registers from fr's CFI, caller set; fr's CFA
 * filled in when it was missing.  -ENOENT: no CFI for the pc (end of the
 * stack or no unwind info), -EIO: a saved register could not be read.
 */
int zd_di_frame_up(struct zd_di *di, struct zd_dframe *fr, struct zd_dframe *up);

/* ---------------------------------------------------------------- */
/* Lines                                                              */

struct zd_srcpos {
	const char *file;      /* full path as the line table has it */
	int line, column;
	const char *func;      /* function (or inlined function) name, NULL if unknown */
	uint64_t func_pc;      /* runtime address of its entry (outermost: low_pc) */
	const char *comp_dir;  /* the CU's DW_AT_comp_dir (file is relative to it), or NULL */
};

/*
 * The inline frames at pc, innermost first, as gdb's backtrace shows them:
 * pos[0] is the innermost function and the line of pc; pos[k] (k > 0) the
 * function that inlined pos[k-1], at its call site's line.  caller: pc is
 * a return address (looked up at pc-1).  Returns the count (>= 1), or
 * -ENOENT without line info.
 */
int zd_di_inline_chain(struct zd_di *di, uint64_t pc, bool caller, struct zd_srcpos *pos, size_t max);
/* The compilation directory of the CU holding pc (relative source paths
 * are relative to it), owned by the library.  -ENOENT without one. */
int zd_di_comp_dir(struct zd_di *di, uint64_t pc, const char **dir);
/* pc -> FILE:LINE (innermost; the line-table row covering pc). */
int zd_di_line(struct zd_di *di, uint64_t pc, bool caller, struct zd_srcpos *pos);
/*
 * [*lo, *hi): the line-table row holding pc, as gdb's `info line *PC`:
 * from the last row at or below pc to the next row above it.  `next`
 * steps through it and goes on while the new row has the same line
 * (zd_di_line).  -ENOENT without line info.
 */
int zd_di_line_range(struct zd_di *di, uint64_t pc, uint64_t *lo, uint64_t *hi);
/*
 * FILE:LINE -> runtime addresses, as `break FILE:LINE` places them: the
 * is_stmt rows of that line in every CU of every module with DWARF, one
 * per run (the first address of each block of rows for the line), the
 * prologue skipped when the line is a function's opening line; when no
 * row has that line, the next line that has one (*line_out).  file
 * matches by whole path, by path suffix at a '/' or by basename.  *addrs
 * is malloc'ed, sorted, without duplicates.
 */
int zd_di_line_addrs(struct zd_di *di, const char *file, int line, uint64_t **addrs, size_t *n, int *line_out);
/*
 * The address `break FUNC` uses: after the prologue, as gdb places it:
 * the address of the second line-table row of the function (the first
 * row whose line differs from the opening one... gdb's
 * skip_prologue_using_sal), or the row flagged prologue_end.  Looks in
 * the executable first, then the libraries.  -ENOENT when no DWARF
 * function has that name (the caller can fall back to the ELF symbol).
 */
int zd_di_func_addr(struct zd_di *di, const char *func, uint64_t *addr);
/* The entry address (low_pc) of function func, as `list FUNC` centres on
 * its line; -ENOENT as zd_di_func_addr. */
int zd_di_func_entry(struct zd_di *di, const char *func, uint64_t *addr);
/*
 * How many compile-unit DIEs the library has opened so far (a pc lookup
 * opens one through .debug_aranges; a walk over a module opens them all).
 * For tests of the laziness.
 */
size_t zd_di_cus_read(const struct zd_di *di);

/* ---------------------------------------------------------------- */
/* Variables                                                          */

enum zd_di_what {
	ZD_DI_ARGS = 1 << 0,
	ZD_DI_LOCALS = 1 << 1,
};

struct zd_dvar {
	char *name;
	bool is_arg;
	int decl_line;
	struct zd_value value;  /* type from zd_di_types(di) */
};

/*
 * The arguments and/or locals of inline frame inl (0: innermost) of
 * physical frame fr, as `info args` / `info locals`: locals of the
 * innermost lexical block first (each block in declaration order), then
 * the enclosing ones; a local whose scope does not contain pc is left
 * out.  Each value is read now (memory through fr->mem); no location at
 * pc gives ZD_V_OPTOUT.  -ENOENT: no function DIE covers pc.
 */
int zd_di_locals(struct zd_di *di, const struct zd_dframe *fr, unsigned inl, unsigned what, struct zd_dvar **vars,
		 size_t *n);
void zd_dvars_free(struct zd_dvar *v, size_t n);

/*
 * Look name up as C would from inline frame inl of fr: locals and args of
 * the scopes containing pc (innermost first), then file-scope variables of
 * the CU, then globals of the executable and the libraries.  Functions
 * resolve to a ZD_T_FUNC value whose addr is their entry.  -ENOENT: no
 * such symbol in the debug info.
 */
int zd_di_lookup(struct zd_di *di, const struct zd_dframe *fr, unsigned inl, const char *name, struct zd_value *out);
/* A type by name for casts and ptype: "int", "struct node", "node_t". */
int zd_di_type_named(struct zd_di *di, uint64_t pc, const char *name, const struct zd_type **out);

/*
 * Read a value of type t at addr (an lvalue).  Used for *p, p->x, a[i].
 * Sizes over 1 MiB are refused (-EFBIG).
 */
int zd_di_value_at(const struct zd_dframe *fr, const struct zd_type *t, uint64_t addr, struct zd_value *out);

/*
 * A register of fr by gdb's name without '$' ("rax", "eax", "al", "pc",
 * "sp", "fp"); -ENODATA when the frame does not know it (caller-saved
 * registers of outer frames), -ENOENT for an unknown name.
 */
int zd_dframe_reg(const struct zd_dframe *fr, const char *name, uint64_t *v);

/* What the C expressions of dexpr.h need, from inline frame inl of fr. */
struct zd_di_expr_ctx {
	struct zd_di *di;
	const struct zd_dframe *fr;
	unsigned inl;
};

/* Fill env for zd_dexpr_eval over c (which must outlive env). */
void zd_di_dexpr_env(struct zd_di_expr_ctx *c, struct zd_dexpr_env *env);

#endif
