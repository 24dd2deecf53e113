/*
 * Line-table questions of the stepping and breakpoint commands, answered
 * as gdb answers them, with libdw on the compile units dwarf.c finds:
 *
 *  - gdb's view of a line table: a row of the same file and line as the
 *    row before it is dropped when either has a discriminator (gdb's
 *    dwarf_record_line_p), rows with line 0 are dropped;
 *  - the line of a pc (find_pc_line): the last row at or below it, backed
 *    up to a statement row at the same address, up to the next row;
 *  - where `break FUNC` goes (amd64_skip_prologue + skip_prologue_sal):
 *    after `push %rbp; mov %rsp,%rbp` (endbr64 first allowed), moved to
 *    the next row when that is mid-row; but at the entry itself in a
 *    compile unit with location lists (gdb trusts such code: -O2);
 *  - FILE:LINE (linespec.c): the statement rows of that line (or of the
 *    next line that has one), one per lexical block, each moved past its
 *    function's prologue when before it.
 */
#ifndef ZDIAG_DLINE_H
#define ZDIAG_DLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdiag/dwarf.h"

/* The accessors dwarf.c gives this file (cu: a Dwarf_Die).  zd_di_cu_at:
 * the CU holding pc (-ENOENT: none); zd_di_each_cu: fn for every CU of
 * the executable (and of the libraries unless exe_only), until fn
 * returns non-zero (returned). */
int zd_di_cu_at(struct zd_di *di, uint64_t pc, void *cu, uint64_t *bias);
int zd_di_each_cu(struct zd_di *di, bool exe_only, int (*fn)(void *cu, uint64_t bias, void *ctx), void *ctx);

struct zd_dl_line {
	uint64_t lo, hi;         /* the row's range */
	int line;
	const char *file;
	bool stmt;               /* the row is a statement */
	bool start;              /* pc == lo */
};

/* The line of pc as gdb's find_pc_line sees it.  -ENOENT: no line info. */
int zd_dl_line(struct zd_di *di, uint64_t pc, struct zd_dl_line *out);

/* Reads code bytes at a runtime address (0 or -errno). */
typedef int (*zd_dl_code_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/*
 * Where gdb puts `break FUNC` for the function entered at entry and
 * ending at end (runtime addresses): see above.  Functions without line
 * info get the prologue analysis alone.
 */
uint64_t zd_dl_post_prologue(struct zd_di *di, uint64_t entry, uint64_t end, zd_dl_code_fn code, void *ctx);

/*
 * FILE:LINE -> the addresses `break FILE:LINE` uses (see above), malloc'ed
 * in *addrs; *line_out the line used.  file matches a row's path whole,
 * as a suffix after '/', or by basename.  -ENOENT: no such file (*n 0),
 * -ERANGE: the file has no code at that line or after.
 */
int zd_dl_file_line(struct zd_di *di, const char *file, int line, zd_dl_code_fn code, void *ctx, uint64_t **addrs,
		    size_t *n, int *line_out);

/* The compile directory of the CU holding pc (relative source paths are
 * relative to it), or NULL. */
const char *zd_dl_comp_dir(struct zd_di *di, uint64_t pc);

/* Does a line table's path name the file the user typed: the same, a
 * suffix after '/', or the basename?  (Also dwarf.c's FILE:LINE.) */
bool zd_dl_file_matches(const char *path, const char *want);

/*
 * Where `step` stops in a function entered at func_pc: where `break FUNC`
 * would put it.  -ENOENT: func_pc has no line info (the caller steps over
 * the call).
 */
int zd_dl_after_prologue(struct zd_di *di, uint64_t func_pc, zd_dl_code_fn code, void *ctx, uint64_t *addr);

/*
 * How many of the innermost inline frames at pc gdb hides when a thread
 * stops there (skip_inline_frames): the inlined subroutines (lexical
 * blocks passed over) that pc starts, at the start of their first range
 * or of another range (pc-1 outside them), innermost first, up to the
 * first that pc does not start.  0 without DWARF.
 */
int zd_dl_inline_entries(struct zd_di *di, uint64_t pc);

#endif
