/*
 * Disassembly through capstone (cs_disasm_iter, details for branch targets).
 *
 * libcapstone is loaded with dlopen() the first time a disassembler is
 * made, not linked: its relocated decoder tables cost every zdiag process
 * about 3 MB of resident memory and startup time, and only `attach`'s
 * disas needs them.  The soname matches the header we compile against.
 */
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/disasm.h"
#include "zdiag/xalloc.h"

#define ZD_STR_(x) #x
#define ZD_STR(x) ZD_STR_(x)
#define CAPSTONE_SONAME "libcapstone.so." ZD_STR(CS_API_MAJOR)

/* The capstone entry points zdiag uses, resolved at run time. */
static struct {
	bool tried, ok;
	char error[256];
	cs_err (*open)(cs_arch, cs_mode, csh *);
	cs_err (*option)(csh, cs_opt_type, size_t);
	cs_insn *(*malloc)(csh);
	bool (*disasm_iter)(csh, const uint8_t **, size_t *, uint64_t *, cs_insn *);
	void (*free)(cs_insn *, size_t);
	cs_err (*close)(csh *);
} cs;

static bool
load_capstone(void)
{
	void *h;

	if (cs.tried)
		return cs.ok;
	cs.tried = true;
	h = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(cs.error, sizeof(cs.error), "%s", dlerror());
		return false;
	}
	*(void **)&cs.open = dlsym(h, "cs_open");
	*(void **)&cs.option = dlsym(h, "cs_option");
	*(void **)&cs.malloc = dlsym(h, "cs_malloc");
	*(void **)&cs.disasm_iter = dlsym(h, "cs_disasm_iter");
	*(void **)&cs.free = dlsym(h, "cs_free");
	*(void **)&cs.close = dlsym(h, "cs_close");
	if (!cs.open || !cs.option || !cs.malloc || !cs.disasm_iter || !cs.free || !cs.close) {
		snprintf(cs.error, sizeof(cs.error), "%s: missing symbols", CAPSTONE_SONAME);
		dlclose(h);
		return false;
	}
	cs.ok = true; /* kept loaded for the life of the process */
	return true;
}

const char *
zd_disasm_error(void)
{
	return cs.error[0] ? cs.error : "capstone could not be initialised";
}

struct zd_disasm {
	csh h;
	cs_insn *insn;
};

int
zd_disasm_new(struct zd_disasm **out, enum zd_syntax syntax)
{
	struct zd_disasm *d;

	if (!load_capstone())
		return -ENOENT;
	d = zd_xcalloc(1, sizeof(*d));
	if (cs.open(CS_ARCH_X86, CS_MODE_64, &d->h) != CS_ERR_OK) {
		free(d);
		snprintf(cs.error, sizeof(cs.error), "cs_open(CS_ARCH_X86, CS_MODE_64) failed");
		return -EINVAL;
	}
	cs.option(d->h, CS_OPT_DETAIL, CS_OPT_ON);
	zd_disasm_set_syntax(d, syntax);
	d->insn = cs.malloc(d->h);
	*out = d;
	return 0;
}

int
zd_disasm_set_syntax(struct zd_disasm *d, enum zd_syntax syntax)
{
	return cs.option(d->h, CS_OPT_SYNTAX, syntax == ZD_SYNTAX_ATT ? CS_OPT_SYNTAX_ATT : CS_OPT_SYNTAX_INTEL) ==
			       CS_ERR_OK ? 0 : -EINVAL;
}

void
zd_disasm_free(struct zd_disasm *d)
{
	if (!d)
		return;
	cs.free(d->insn, 1);
	cs.close(&d->h);
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
	if (!cs.disasm_iter(d->h, &code, &left, &addr, d->insn)) {
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
