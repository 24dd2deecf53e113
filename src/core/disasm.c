/* Disassembly through capstone (cs_disasm_iter, details for branch targets). */
#include <capstone/capstone.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/disasm.h"
#include "zdiag/xalloc.h"

struct zd_disasm {
	csh h;
	cs_insn *insn;
};

int
zd_disasm_new(struct zd_disasm **out, enum zd_syntax syntax)
{
	struct zd_disasm *d = zd_xcalloc(1, sizeof(*d));

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->h) != CS_ERR_OK) {
		free(d);
		return -EINVAL;
	}
	cs_option(d->h, CS_OPT_DETAIL, CS_OPT_ON);
	zd_disasm_set_syntax(d, syntax);
	d->insn = cs_malloc(d->h);
	*out = d;
	return 0;
}

int
zd_disasm_set_syntax(struct zd_disasm *d, enum zd_syntax syntax)
{
	return cs_option(d->h, CS_OPT_SYNTAX, syntax == ZD_SYNTAX_ATT ? CS_OPT_SYNTAX_ATT : CS_OPT_SYNTAX_INTEL) ==
			       CS_ERR_OK ? 0 : -EINVAL;
}

void
zd_disasm_free(struct zd_disasm *d)
{
	if (!d)
		return;
	cs_free(d->insn, 1);
	cs_close(&d->h);
	free(d);
}

static bool
in_group(const cs_insn *ci, uint8_t g)
{
	uint8_t i;

	if (!ci->detail)
		return false;
	for (i = 0; i < ci->detail->groups_count; i++)
		if (ci->detail->groups[i] == g)
			return true;
	return false;
}

int
zd_disasm_one(struct zd_disasm *d, const unsigned char *buf, size_t len, size_t *off, uint64_t base,
	      struct zd_insn *in)
{
	const uint8_t *code = buf + *off;
	size_t left = len - *off;
	uint64_t addr = base + *off;

	memset(in, 0, sizeof(*in));
	in->addr = addr;
	if (*off >= len)
		return -ENOENT;
	if (!cs_disasm_iter(d->h, &code, &left, &addr, d->insn)) {
		in->size = 1;
		in->bytes[0] = buf[*off];
		snprintf(in->mnemonic, sizeof(in->mnemonic), ".byte");
		snprintf(in->ops, sizeof(in->ops), "0x%02x", buf[*off]);
		(*off)++;
		return -EINVAL;
	}
	in->size = d->insn->size;
	memcpy(in->bytes, d->insn->bytes, ZD_MIN(sizeof(in->bytes), (size_t)d->insn->size));
	snprintf(in->mnemonic, sizeof(in->mnemonic), "%s", d->insn->mnemonic);
	snprintf(in->ops, sizeof(in->ops), "%s", d->insn->op_str);
	in->is_call = in_group(d->insn, CS_GRP_CALL);
	in->is_jump = in_group(d->insn, CS_GRP_JUMP);
	in->is_ret = in_group(d->insn, CS_GRP_RET);
	if ((in->is_call || in->is_jump) && d->insn->detail) {
		const cs_x86 *x = &d->insn->detail->x86;

		if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
			in->has_target = true;
			in->target = (uint64_t)x->operands[0].imm;
		}
	}
	*off += in->size;
	return 0;
}
