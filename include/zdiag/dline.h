/*
 * Line-table questions the stepping commands ask (src/debug/step.c), as
 * gdb answers them (find_pc_line, is_stmt), with libdw.
 */
#ifndef ZDIAG_DLINE_H
#define ZDIAG_DLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdiag/dwarf.h"

/* The accessor dwarf.c gives this file: the Dwarf_Lines of the CU that
 * holds pc and the module's bias.  -ENOENT without line info. */
int zd_di_lines_at(struct zd_di *di, uint64_t pc, void **lines, size_t *n, uint64_t *bias);

/* The line of pc as gdb's find_pc_line sees it: [lo, hi) starts at the
 * statement row (is_stmt) of the line at or before pc and runs past the
 * following non-statement rows of the same line; start: pc is the first
 * address of a statement row. */
struct zd_dl_line {
	uint64_t lo, hi;
	int line;
	const char *file;
	bool start;
};

int zd_dl_line(struct zd_di *di, uint64_t pc, struct zd_dl_line *out);

/*
 * Where `step` stops in a function entered at func_pc: after its
 * prologue, where `break FUNC` goes (zd_di_func_addr, checked to be the
 * same function), else the end of its first line.  -ENOENT: func_pc has
 * no line info (the caller steps over the call).
 */
int zd_dl_after_prologue(struct zd_di *di, uint64_t func_pc, uint64_t *addr);

#endif
