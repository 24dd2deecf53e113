/*
 * x86-64 disassembly with capstone: one instruction at a time from a byte
 * buffer, with the target address of direct calls and jumps so the caller
 * can symbolize it.
 *
 *	struct zd_disasm *d;
 *	struct zd_insn in;
 *	zd_disasm_new(&d, ZD_SYNTAX_ATT);
 *	size_t off = 0;
 *	while (zd_disasm_one(d, buf, len, &off, addr, &in) == 0) { ... }
 *	zd_disasm_free(d);
 */
#ifndef ZDIAG_DISASM_H
#define ZDIAG_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum zd_syntax { ZD_SYNTAX_ATT, ZD_SYNTAX_INTEL };

struct zd_insn {
	uint64_t addr;
	size_t size;
	unsigned char bytes[24];
	char mnemonic[32];
	char ops[160];
	bool is_call, is_jump, is_ret;
	bool has_target;     /* a direct call/jump: target is its destination */
	uint64_t target;
};

struct zd_disasm;

/* Returns 0, -ENOENT when libcapstone cannot be loaded (it is dlopen()ed on
 * first use; zd_disasm_error() says why) or -EINVAL. */
int zd_disasm_new(struct zd_disasm **out, enum zd_syntax syntax);
/* Why the last zd_disasm_new() failed. */
const char *zd_disasm_error(void);
void zd_disasm_free(struct zd_disasm *d);
int zd_disasm_set_syntax(struct zd_disasm *d, enum zd_syntax syntax);
/*
 * Decode the instruction at buf[*off] (which sits at address base + *off)
 * and advance *off.  Returns 0, or -EINVAL for bytes that do not decode
 * (then *off advances by one and in describes a ".byte").
 */
int zd_disasm_one(struct zd_disasm *d, const unsigned char *buf, size_t len, size_t *off, uint64_t base,
		  struct zd_insn *in);

#endif
