/*
 * x86-64 general registers of a stopped tracee (struct user_regs_struct),
 * described by one table: name, offset, width and DWARF number.  Sub-
 * registers (eax, ax, al, ah, r8d, ...) read and write a slice of their
 * 64-bit register, so `regs eax` and `set al 1` work like in gdb.
 *
 *	const struct zd_reg *r = zd_reg_find("rsp");
 *	uint64_t v = zd_reg_get(&regs, r);
 *	zd_reg_set(&regs, zd_reg_find("al"), 0x41);   // only the low byte
 *
 * Pure: no ptrace here (see ptrace.h for GETREGS/SETREGS).
 */
#ifndef ZDIAG_REGS_H
#define ZDIAG_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

struct zd_reg {
	const char *name;
	unsigned offset;   /* byte offset of the 64-bit slot in user_regs_struct */
	unsigned char width; /* bytes: 8, 4, 2 or 1 */
	unsigned char shift; /* bit shift inside the slot (8 for ah, bh, ch, dh) */
	short dwarf;       /* DWARF register number, -1 if none */
	bool full;         /* a full 64-bit register listed by `regs` */
};

/* The register named name ("rax", "eax", "al", "rip", "eflags", "fs_base"),
 * case-insensitive, an optional leading '$' allowed; NULL if unknown. */
const struct zd_reg *zd_reg_find(const char *name);
/* The 64-bit register with DWARF number n, or NULL. */
const struct zd_reg *zd_reg_by_dwarf(int n);
/* Every register (full ones first, in `regs` order); *n gets the count. */
const struct zd_reg *zd_reg_table(size_t *n);

uint64_t zd_reg_get(const struct user_regs_struct *regs, const struct zd_reg *r);
/* Write v into the register's slice; the rest of the slot is kept. */
void zd_reg_set(struct user_regs_struct *regs, const struct zd_reg *r, uint64_t v);

/* eflags as "[ ZF PF IF ]" (gdb's notation). */
void zd_reg_eflags_str(uint64_t eflags, char *buf, size_t size);

#endif
