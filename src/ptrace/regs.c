/* The x86-64 register table: one row per name, for `regs`, `set` and DWARF. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "zdiag/regs.h"

#define OFF(f) ((unsigned)offsetof(struct user_regs_struct, f))
/* A full 64-bit register with its DWARF number (System V psABI, fig. 3.36). */
#define R64(n, f, dw) { n, OFF(f), 8, 0, dw, true }
/* A slice of a 64-bit register. */
#define RSUB(n, f, w, sh) { n, OFF(f), w, sh, -1, false }

static const struct zd_reg regs_table[] = {
	R64("rax", rax, 0), R64("rbx", rbx, 3), R64("rcx", rcx, 2), R64("rdx", rdx, 1),
	R64("rsi", rsi, 4), R64("rdi", rdi, 5), R64("rbp", rbp, 6), R64("rsp", rsp, 7),
	R64("r8", r8, 8), R64("r9", r9, 9), R64("r10", r10, 10), R64("r11", r11, 11),
	R64("r12", r12, 12), R64("r13", r13, 13), R64("r14", r14, 14), R64("r15", r15, 15),
	R64("rip", rip, 16), R64("eflags", eflags, 49),
	R64("cs", cs, 51), R64("ss", ss, 52), R64("ds", ds, 53), R64("es", es, 50),
	R64("fs", fs, 54), R64("gs", gs, 55),
	R64("fs_base", fs_base, 58), R64("gs_base", gs_base, 59),
	R64("orig_rax", orig_rax, -1),
	RSUB("eax", rax, 4, 0), RSUB("ebx", rbx, 4, 0), RSUB("ecx", rcx, 4, 0), RSUB("edx", rdx, 4, 0),
	RSUB("esi", rsi, 4, 0), RSUB("edi", rdi, 4, 0), RSUB("ebp", rbp, 4, 0), RSUB("esp", rsp, 4, 0),
	RSUB("r8d", r8, 4, 0), RSUB("r9d", r9, 4, 0), RSUB("r10d", r10, 4, 0), RSUB("r11d", r11, 4, 0),
	RSUB("r12d", r12, 4, 0), RSUB("r13d", r13, 4, 0), RSUB("r14d", r14, 4, 0), RSUB("r15d", r15, 4, 0),
	RSUB("eip", rip, 4, 0),
	RSUB("ax", rax, 2, 0), RSUB("bx", rbx, 2, 0), RSUB("cx", rcx, 2, 0), RSUB("dx", rdx, 2, 0),
	RSUB("si", rsi, 2, 0), RSUB("di", rdi, 2, 0), RSUB("bp", rbp, 2, 0), RSUB("sp", rsp, 2, 0),
	RSUB("r8w", r8, 2, 0), RSUB("r9w", r9, 2, 0), RSUB("r10w", r10, 2, 0), RSUB("r11w", r11, 2, 0),
	RSUB("r12w", r12, 2, 0), RSUB("r13w", r13, 2, 0), RSUB("r14w", r14, 2, 0), RSUB("r15w", r15, 2, 0),
	RSUB("al", rax, 1, 0), RSUB("bl", rbx, 1, 0), RSUB("cl", rcx, 1, 0), RSUB("dl", rdx, 1, 0),
	RSUB("ah", rax, 1, 8), RSUB("bh", rbx, 1, 8), RSUB("ch", rcx, 1, 8), RSUB("dh", rdx, 1, 8),
	RSUB("sil", rsi, 1, 0), RSUB("dil", rdi, 1, 0), RSUB("bpl", rbp, 1, 0), RSUB("spl", rsp, 1, 0),
	RSUB("r8b", r8, 1, 0), RSUB("r9b", r9, 1, 0), RSUB("r10b", r10, 1, 0), RSUB("r11b", r11, 1, 0),
	RSUB("r12b", r12, 1, 0), RSUB("r13b", r13, 1, 0), RSUB("r14b", r14, 1, 0), RSUB("r15b", r15, 1, 0),
};

const struct zd_reg *
zd_reg_table(size_t *n)
{
	*n = sizeof(regs_table) / sizeof(regs_table[0]);
	return regs_table;
}

const struct zd_reg *
zd_reg_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	if (*name == '$')
		name++;
	if (!strcasecmp(name, "pc"))
		name = "rip";
	else if (!strcasecmp(name, "rflags"))
		name = "eflags";
	for (i = 0; i < sizeof(regs_table) / sizeof(regs_table[0]); i++)
		if (!strcasecmp(regs_table[i].name, name))
			return &regs_table[i];
	return NULL;
}

const struct zd_reg *
zd_reg_by_dwarf(int n)
{
	size_t i;

	for (i = 0; i < sizeof(regs_table) / sizeof(regs_table[0]); i++)
		if (regs_table[i].full && regs_table[i].dwarf == n)
			return &regs_table[i];
	return NULL;
}

static uint64_t
mask_of(const struct zd_reg *r)
{
	return r->width == 8 ? ~0ULL : ((1ULL << (r->width * 8)) - 1);
}

uint64_t
zd_reg_get(const struct user_regs_struct *regs, const struct zd_reg *r)
{
	uint64_t slot;

	memcpy(&slot, (const char *)regs + r->offset, sizeof(slot));
	return (slot >> r->shift) & mask_of(r);
}

void
zd_reg_set(struct user_regs_struct *regs, const struct zd_reg *r, uint64_t v)
{
	uint64_t slot, m = mask_of(r) << r->shift;

	memcpy(&slot, (const char *)regs + r->offset, sizeof(slot));
	/* Like the CPU: writing a 32-bit register zero-extends into the 64-bit one. */
	if (r->width == 4)
		slot = v & 0xffffffffULL;
	else
		slot = (slot & ~m) | ((v << r->shift) & m);
	memcpy((char *)regs + r->offset, &slot, sizeof(slot));
}

void
zd_reg_eflags_str(uint64_t eflags, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *name; } flags[] = {
		{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" }, { 8, "TF" },
		{ 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 16, "RF" }, { 18, "AC" }, { 21, "ID" },
	};
	size_t i, len = 0;

	if (!size)
		return;
	buf[0] = '\0';
	len += (size_t)snprintf(buf + len, size - len, "[");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]) && len < size; i++)
		if (eflags & (1ULL << flags[i].bit))
			len += (size_t)snprintf(buf + len, size - len, " %s", flags[i].name);
	if (len < size)
		snprintf(buf + len, size - len, " ]");
}
