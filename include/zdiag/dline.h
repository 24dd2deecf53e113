/*
 * Line-table questions the stepping commands ask (src/debug/step.c), on
 * the public API of dwarf.h.
 */
#ifndef ZDIAG_DLINE_H
#define ZDIAG_DLINE_H

#include <stdint.h>

#include "zdiag/dwarf.h"

/*
 * Where `step` stops in a function entered at func_pc: after its
 * prologue, where `break FUNC` goes (zd_di_func_addr, checked to be the
 * same function), else the second line-table row of the function.
 * -ENOENT: func_pc has no line info (the caller steps over the call).
 */
int zd_dl_after_prologue(struct zd_di *di, uint64_t func_pc, uint64_t *addr);

/* Is pc at the first address of its line-table row (gdb prints no
 * "0x... in" before the function then)? */
int zd_dl_row_start(struct zd_di *di, uint64_t pc);

#endif
