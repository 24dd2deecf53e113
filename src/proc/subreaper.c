/*
 * Child subreapers from the kernel itself: a BPF task iterator assembled
 * here from a dozen instructions, with the field offsets of the running
 * kernel read from its BTF.  See include/zdiag/subreaper.h.
 *
 * The program, per task (ctx->task):
 *
 *	if (!task || task->pid != task->tgid) return 0;     leaders only
 *	byte = *((u8 *)task->signal + SUBREAPER_BYTE);       probe read
 *	if (!(byte >> SUBREAPER_BIT & 1)) return 0;
 *	me = bpf_get_current_task()->thread_pid->level;    the reader's namespace
 *	if (task->thread_pid->level < me) return 0;
 *	nr = task->thread_pid->numbers[me].nr;              probe reads
 *	bpf_seq_write(ctx->meta->seq, &nr, 4);
 *
 * so reading the iterator fd yields one u32 pid per subreaper, as the
 * reader's PID namespace numbers it (the iterator runs in the reader's
 * context, and visits only the tasks of that namespace).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdiag/common.h"
#include "zdiag/procfs.h"
#include "zdiag/strbuf.h"
#include "zdiag/subreaper.h"
#include "zdiag/xalloc.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* ---- The kernel's BTF: just enough to find a few members ---- */

struct btf_view {
	char *data;
	size_t len;
	bool mapped;
	const char *strs;
	uint32_t str_len;
	const unsigned char *types;
	uint32_t types_len;
};

static const char *
btf_name(const struct btf_view *b, uint32_t off)
{
	return off < b->str_len ? b->strs + off : "";
}

/* Bytes that follow struct btf_type for this kind. */
static long
btf_extra(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: return 4;
	case BTF_KIND_ARRAY: return (long)sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: return (long)vlen * (long)sizeof(struct btf_member);
	case BTF_KIND_ENUM: return (long)vlen * (long)sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO: return (long)vlen * (long)sizeof(struct btf_param);
	case BTF_KIND_VAR: return (long)sizeof(struct btf_var);
	case BTF_KIND_DATASEC: return (long)vlen * (long)sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG: return (long)sizeof(struct btf_decl_tag);
	case 19: /* BTF_KIND_ENUM64 */ return (long)vlen * 12;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case 18: /* BTF_KIND_TYPE_TAG */
		return 0;
	default:
		return -1; /* a kind this reader does not know: give up */
	}
}

/* Map the kernel's BTF (6.16+ allows it); else read it, 4 KiB per read(2). */
static int
btf_load(struct btf_view *b)
{
	const struct btf_header *h;
	struct stat st;
	size_t alloc;
	ssize_t n = 0;
	int fd, e = 0;

	memset(b, 0, sizeof(*b));
	fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m != MAP_FAILED) {
			b->data = m;
			b->len = (size_t)st.st_size;
			b->mapped = true;
		}
	}
	if (!b->mapped) {
		alloc = st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 20;
		b->data = zd_xmalloc(alloc);
		for (;;) {
			if (b->len == alloc) {
				alloc *= 2;
				b->data = zd_xrealloc(b->data, alloc);
			}
			n = read(fd, b->data + b->len, alloc - b->len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			b->len += (size_t)n;
		}
		e = n < 0 ? -errno : 0;
	}
	close(fd);
	if (e)
		return e;
	if (b->len < sizeof(*h))
		return -EINVAL;
	h = (const struct btf_header *)(const void *)b->data;
	if (h->magic != BTF_MAGIC || h->hdr_len > b->len ||
	    (uint64_t)h->hdr_len + h->type_off + h->type_len > b->len ||
	    (uint64_t)h->hdr_len + h->str_off + h->str_len > b->len || !h->str_len)
		return -EINVAL;
	b->types = (const unsigned char *)b->data + h->hdr_len + h->type_off;
	b->types_len = h->type_len;
	b->strs = b->data + h->hdr_len + h->str_off;
	b->str_len = h->str_len;
	if (b->strs[b->str_len - 1] != '\0')
		return -EINVAL;
	return 0;
}

static void
btf_release(struct btf_view *b)
{
	if (b->mapped)
		munmap(b->data, b->len);
	else
		free(b->data);
}

/* What to look for in one pass over the types: the first of each. */
struct btf_want {
	unsigned kind;
	const char *name;
	const struct btf_type *t;
	uint32_t id;
};

static int
btf_find_all(const struct btf_view *b, struct btf_want *w, size_t nw)
{
	uint32_t off, id = 1;
	size_t left = nw, i;

	for (off = 0; left && off + sizeof(struct btf_type) <= b->types_len; id++) {
		const struct btf_type *t = (const struct btf_type *)(const void *)(b->types + off);
		long extra = btf_extra(t);
		unsigned kind = BTF_INFO_KIND(t->info);

		if (extra < 0 || off + sizeof(*t) + (unsigned long)extra > b->types_len)
			return -EINVAL;
		for (i = 0; i < nw; i++) {
			if (!w[i].t && w[i].kind == kind && !strcmp(btf_name(b, t->name_off), w[i].name)) {
				w[i].t = t;
				w[i].id = id;
				left--;
			}
		}
		off += (uint32_t)(sizeof(*t) + (unsigned long)extra);
	}
	return 0;
}

/* Bit offset of member `name` of struct t (-1: none); *bits = its bitfield
 * size (0: not a bitfield). */
static long
btf_member(const struct btf_view *b, const struct btf_type *t, const char *name, unsigned *bits)
{
	const struct btf_member *m = (const struct btf_member *)(const void *)(t + 1);
	uint32_t i, vlen = BTF_INFO_VLEN(t->info);

	for (i = 0; i < vlen; i++) {
		if (strcmp(btf_name(b, m[i].name_off), name))
			continue;
		if (BTF_INFO_KFLAG(t->info)) {
			*bits = BTF_MEMBER_BITFIELD_SIZE(m[i].offset);
			return (long)BTF_MEMBER_BIT_OFFSET(m[i].offset);
		}
		*bits = 0;
		return (long)m[i].offset;
	}
	return -1;
}

/* ---- The program ---- */

struct layout {
	uint32_t iter_btf_id;   /* FUNC bpf_iter_task */
	int32_t pid, tgid, signal, thread_pid;  /* task_struct, bytes */
	int32_t sub_byte, sub_bit;              /* signal_struct.is_child_subreaper */
	int32_t level, numbers, upid_size, nr;  /* struct pid, struct upid */
};

static int
find_layout(struct layout *l)
{
	struct btf_view b;
	struct btf_want w[] = {
		{ BTF_KIND_STRUCT, "task_struct", NULL, 0 }, { BTF_KIND_STRUCT, "signal_struct", NULL, 0 },
		{ BTF_KIND_STRUCT, "pid", NULL, 0 }, { BTF_KIND_STRUCT, "upid", NULL, 0 },
		{ BTF_KIND_FUNC, "bpf_iter_task", NULL, 0 },
	};
	const struct btf_type *task, *sig, *pid, *upid;
	long o[9];
	unsigned bits[9];
	int r, i;

	r = btf_load(&b);
	if (r == 0)
		r = btf_find_all(&b, w, ZD_ARRAY_SIZE(w));
	if (r < 0) {
		btf_release(&b);
		return r;
	}
	task = w[0].t;
	sig = w[1].t;
	pid = w[2].t;
	upid = w[3].t;
	l->iter_btf_id = w[4].id;
	if (!w[4].t) {
		btf_release(&b);
		return -EOPNOTSUPP;
	}
	if (!task || !sig || !pid || !upid) {
		btf_release(&b);
		return -EINVAL;
	}
	o[0] = btf_member(&b, task, "pid", &bits[0]);
	o[1] = btf_member(&b, task, "tgid", &bits[1]);
	o[2] = btf_member(&b, task, "signal", &bits[2]);
	o[3] = btf_member(&b, task, "thread_pid", &bits[3]);
	o[4] = btf_member(&b, sig, "is_child_subreaper", &bits[4]);
	o[5] = btf_member(&b, pid, "level", &bits[5]);
	o[6] = btf_member(&b, pid, "numbers", &bits[6]);
	o[7] = btf_member(&b, upid, "nr", &bits[7]);
	o[8] = 0;
	bits[8] = 0;
	for (i = 0; i < 8; i++) {
		/* only is_child_subreaper may be (must be) a one-bit field */
		if (o[i] < 0 || (i == 4 ? bits[i] != 1 : (bits[i] || o[i] % 8))) {
			btf_release(&b);
			return -EINVAL;
		}
	}
	l->pid = (int32_t)(o[0] / 8);
	l->tgid = (int32_t)(o[1] / 8);
	l->signal = (int32_t)(o[2] / 8);
	l->thread_pid = (int32_t)(o[3] / 8);
	l->sub_byte = (int32_t)(o[4] / 8);
	l->sub_bit = (int32_t)(o[4] % 8);
	l->level = (int32_t)(o[5] / 8);
	l->numbers = (int32_t)(o[6] / 8);
	l->nr = (int32_t)(o[7] / 8);
	l->upid_size = (int32_t)upid->size;
	btf_release(&b);
	return 0;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_REG(d, s)       INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i)       INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD_IMM(d, i)       INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define RSH_IMM(d, i)       INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
#define AND_IMM(d, i)       INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o)    INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define ST0(o)              INSN(BPF_ST | BPF_DW | BPF_MEM, BPF_REG_10, 0, o, 0)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define CALL(f)             INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()              INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define OUT                 (-1) /* placeholder: jump to the exit, fixed up below */

/* bpf_probe_read_kernel(fp + slot, size, base + off) */
#define PROBE(slot, size, base, off)                                        \
	ST0(slot), MOV_REG(BPF_REG_1, BPF_REG_10), ADD_IMM(BPF_REG_1, slot), \
	MOV_IMM(BPF_REG_2, size), MOV_REG(BPF_REG_3, base), ADD_IMM(BPF_REG_3, off), \
	CALL(BPF_FUNC_probe_read_kernel), JMP_IMM(BPF_JNE, BPF_REG_0, 0, OUT)

static long
bpf_sys(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int
load_program(const struct layout *l)
{
	struct bpf_insn p[] = {
		MOV_REG(BPF_REG_6, BPF_REG_1),
		LDX(BPF_DW, BPF_REG_7, BPF_REG_6, 8),              /* ctx->task */
		JMP_IMM(BPF_JEQ, BPF_REG_7, 0, OUT),
		LDX(BPF_W, BPF_REG_1, BPF_REG_7, (int16_t)l->pid),
		LDX(BPF_W, BPF_REG_2, BPF_REG_7, (int16_t)l->tgid),
		JMP_REG(BPF_JNE, BPF_REG_1, BPF_REG_2, OUT),        /* leaders only */
		LDX(BPF_DW, BPF_REG_8, BPF_REG_7, (int16_t)l->signal),
		PROBE(-8, 1, BPF_REG_8, l->sub_byte),
		LDX(BPF_B, BPF_REG_1, BPF_REG_10, -8),
		RSH_IMM(BPF_REG_1, l->sub_bit),
		AND_IMM(BPF_REG_1, 1),
		JMP_IMM(BPF_JEQ, BPF_REG_1, 0, OUT),
		/* r8 = the reader's namespace level: current->thread_pid->level
		 * (the iterator runs in the context of the read(2) caller) */
		CALL(BPF_FUNC_get_current_task),
		MOV_REG(BPF_REG_9, BPF_REG_0),
		PROBE(-16, 8, BPF_REG_9, l->thread_pid),
		LDX(BPF_DW, BPF_REG_9, BPF_REG_10, -16),
		PROBE(-16, 4, BPF_REG_9, l->level),
		LDX(BPF_W, BPF_REG_8, BPF_REG_10, -16),
		/* r9 = task->thread_pid; its level must reach the reader's */
		PROBE(-24, 8, BPF_REG_7, l->thread_pid),
		LDX(BPF_DW, BPF_REG_9, BPF_REG_10, -24),
		PROBE(-32, 4, BPF_REG_9, l->level),
		LDX(BPF_W, BPF_REG_1, BPF_REG_10, -32),
		JMP_REG(BPF_JLT, BPF_REG_1, BPF_REG_8, OUT),
		/* nr = task->thread_pid->numbers[r8].nr */
		MOV_REG(BPF_REG_3, BPF_REG_8),
		INSN(BPF_ALU64 | BPF_MUL | BPF_K, BPF_REG_3, 0, 0, l->upid_size),
		INSN(BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_3, BPF_REG_9, 0, 0),
		ADD_IMM(BPF_REG_3, l->numbers + l->nr),
		ST0(-40),
		MOV_REG(BPF_REG_1, BPF_REG_10),
		ADD_IMM(BPF_REG_1, -40),
		MOV_IMM(BPF_REG_2, 4),
		CALL(BPF_FUNC_probe_read_kernel),
		JMP_IMM(BPF_JNE, BPF_REG_0, 0, OUT),
		LDX(BPF_DW, BPF_REG_1, BPF_REG_6, 0),               /* ctx->meta */
		LDX(BPF_DW, BPF_REG_1, BPF_REG_1, 0),               /* meta->seq */
		MOV_REG(BPF_REG_2, BPF_REG_10),
		ADD_IMM(BPF_REG_2, -40),
		MOV_IMM(BPF_REG_3, 4),
		CALL(BPF_FUNC_seq_write),
		MOV_IMM(BPF_REG_0, 0),                              /* OUT */
		EXIT(),
	};
	const size_t n = ZD_ARRAY_SIZE(p), out = n - 2;
	union bpf_attr a;
	size_t i;
	long fd;

	/* the offsets must fit the 16-bit instruction field */
	if (l->pid > 32767 || l->tgid > 32767 || l->signal > 32767 || l->thread_pid > 32767)
		return -EOPNOTSUPP;
	for (i = 0; i < n; i++)
		if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_CALL &&
		    BPF_OP(p[i].code) != BPF_EXIT && p[i].off == OUT)
			p[i].off = (int16_t)(out - i - 1);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.expected_attach_type = BPF_TRACE_ITER;
	a.attach_btf_id = l->iter_btf_id;
	a.insns = (uint64_t)(uintptr_t)p;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	memcpy(a.prog_name, "zd_subreapers", sizeof("zd_subreapers"));
	fd = bpf_sys(BPF_PROG_LOAD, &a);
	return fd < 0 ? -errno : (int)fd;
}

static int
cmp_pid(const void *x, const void *y)
{
	pid_t a = *(const pid_t *)x, b = *(const pid_t *)y;

	return (a > b) - (a < b);
}

int
zd_subreaper_read(struct zd_subreapers *out)
{
	union bpf_iter_link_info info;
	union bpf_attr a;
	struct layout l;
	int prog = -1, link = -1, it = -1, r;
	size_t alloc = 0;
	uint32_t buf[256];
	ssize_t n;

	memset(out, 0, sizeof(*out));
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	return -EOPNOTSUPP; /* the bit position below assumes little-endian */
#endif
	r = find_layout(&l);
	if (r < 0)
		return r;
	prog = load_program(&l);
	if (prog < 0)
		return prog;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog;
	a.link_create.attach_type = BPF_TRACE_ITER;
	a.link_create.iter_info = (uint64_t)(uintptr_t)&info;
	a.link_create.iter_info_len = sizeof(info);
	link = (int)bpf_sys(BPF_LINK_CREATE, &a);
	if (link < 0) {
		r = -errno;
		goto out;
	}
	memset(&a, 0, sizeof(a));
	a.iter_create.link_fd = (uint32_t)link;
	it = (int)bpf_sys(BPF_ITER_CREATE, &a);
	if (it < 0) {
		r = -errno;
		goto out;
	}
	while ((n = read(it, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		size_t i;

		for (i = 0; n > 0 && i < (size_t)n / sizeof(buf[0]); i++) {
			ZD_GROW(out->pids, alloc, out->n + 1);
			out->pids[out->n++] = (pid_t)buf[i];
		}
	}
	if (n < 0) {
		r = -errno;
		zd_subreaper_release(out);
		goto out;
	}
	if (out->n)
		qsort(out->pids, out->n, sizeof(*out->pids), cmp_pid);
	r = 0;
out:
	if (it >= 0)
		close(it);
	if (link >= 0)
		close(link);
	close(prog);
	return r;
}

bool
zd_subreaper_has(const struct zd_subreapers *s, pid_t pid)
{
	return s->n && bsearch(&pid, s->pids, s->n, sizeof(*s->pids), cmp_pid);
}

void
zd_subreaper_release(struct zd_subreapers *s)
{
	free(s->pids);
	s->pids = NULL;
	s->n = 0;
}
