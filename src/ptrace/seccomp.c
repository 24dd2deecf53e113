/* Classic BPF for seccomp filters (see include/zdiag/seccomp.h). */
#include <string.h>
#include <linux/bpf_common.h>

#include "zdiag/seccomp.h"

#define KILL SECCOMP_RET_KILL_PROCESS

/* A 32-bit word of seccomp_data at byte offset k (aligned, inside it). */
static int
load_word(const struct seccomp_data *d, uint32_t k, uint32_t *out)
{
	if (k % 4 || k > sizeof(*d) - 4)
		return -1;
	memcpy(out, (const char *)d + k, 4);
	return 0;
}

static int
alu(uint16_t op, uint32_t *a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_DIV: if (!v) return -1; *a /= v; break;
	case BPF_MOD: if (!v) return -1; *a %= v; break;
	case BPF_OR: *a |= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_XOR: *a ^= v; break;
	case BPF_LSH: if (v >= 32) return -1; *a <<= v; break;
	case BPF_RSH: if (v >= 32) return -1; *a >>= v; break;
	case BPF_NEG: *a = -*a; break;
	default: return -1;
	}
	return 0;
}

static int
jump_taken(uint16_t op, uint32_t a, uint32_t v, int *taken)
{
	switch (op) {
	case BPF_JEQ: *taken = a == v; break;
	case BPF_JGT: *taken = a > v; break;
	case BPF_JGE: *taken = a >= v; break;
	case BPF_JSET: *taken = (a & v) != 0; break;
	default: return -1;
	}
	return 0;
}

uint32_t
zd_seccomp_eval(const struct sock_filter *prog, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc = 0;

	if (n == 0 || n > BPF_MAXINSNS)
		return KILL;
	/* Every jump goes forward, so the walk ends within n steps. */
	while (pc < n) {
		const struct sock_filter *f = &prog[pc++];
		uint32_t v = BPF_SRC(f->code) == BPF_X ? x : f->k;
		int taken;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (load_word(d, f->k, &a) < 0)
					return KILL;
			} else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				a = f->k;
			} else if (f->code == (BPF_LD | BPF_MEM) && f->k < BPF_MEMWORDS) {
				a = mem[f->k];
			} else {
				return KILL;
			}
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else if (f->code == (BPF_LDX | BPF_IMM))
				x = f->k;
			else if (f->code == (BPF_LDX | BPF_MEM) && f->k < BPF_MEMWORDS)
				x = mem[f->k];
			else
				return KILL;
			break;
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return KILL;
			mem[f->k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (alu(BPF_OP(f->code), &a, v) < 0)
				return KILL;
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				if (f->k >= n - pc)
					return KILL;
				pc += f->k;
				break;
			}
			if (jump_taken(BPF_OP(f->code), a, v, &taken) < 0)
				return KILL;
			if ((taken ? f->jt : f->jf) >= n - pc)
				return KILL;
			pc += taken ? f->jt : f->jf;
			break;
		case BPF_RET:
			if (BPF_RVAL(f->code) == BPF_K)
				return f->k;
			if (BPF_RVAL(f->code) == BPF_A)
				return a;
			return KILL;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else if (BPF_MISCOP(f->code) == BPF_TXA)
				a = x;
			else
				return KILL;
			break;
		default:
			return KILL;
		}
	}
	return KILL; /* fell off the end */
}

int
zd_seccomp_allows(uint32_t action)
{
	uint32_t act = action & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG;
}
