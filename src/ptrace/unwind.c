/*
 * Remote unwinding from copies: libunwind (x86-64 DWARF CFI) with our
 * accessors, and a frame-pointer fallback.
 */
#include <errno.h>
#include <libunwind.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "zdiag/common.h"
#include "zdiag/unwind.h"
#include "zdiag/xalloc.h"

/* Exported by libunwind-x86_64 (perf uses it the same way), not declared
 * in its public headers: search a .eh_frame_hdr table for ip. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
					      unw_proc_info_t *pi, int need_unwind_info, void *arg);

#define RED_ZONE 128
#define DW_EH_PE_omit 0xff
#define DW_EH_PE_datarel_sdata4 0x3b

struct di_cache {
	const struct zd_module *mod;
	unw_dyn_info_t di;
	bool ok;
};

/* has_fde() answers by lookup address: threads of one program share pcs. */
#define FDE_MEMO 256

struct fde_memo {
	unw_word_t ip;   /* 0: empty slot */
	bool has;
};

struct zd_unwinder {
	unw_addr_space_t as;
	const struct zd_space *sp;
	struct di_cache *dic;
	size_t ndic, alloc;
	struct fde_memo memo[FDE_MEMO];
};

/* Per-walk state: the accessors' arg. */
struct walk {
	struct zd_unwinder *u;
	const struct zd_tsnap *ts;
	struct user_regs_struct regs;  /* the registers of the frame we start from */
	zd_mem_reader live;
	void *live_ctx;
	/* the last static span read from: [span_lo, span_hi) at span_img */
	uint64_t span_lo, span_hi;
	const unsigned char *span_img;
};

/* The range zd_tsnap_capture() copies: fills ts but its stack, returns
 * the length from ts->stack_base, or -EFAULT when rsp is in no mapping. */
static ssize_t
tsnap_plan(struct zd_tsnap *ts, pid_t tid, const struct user_regs_struct *regs, const struct zd_maps *maps,
	   size_t max_stack)
{
	const struct zd_map *mp;
	uint64_t lo, hi;

	memset(ts, 0, sizeof(*ts));
	ts->tid = tid;
	ts->regs = *regs;
	mp = zd_maps_find(maps, regs->rsp);
	if (!mp)
		return -EFAULT;
	lo = regs->rsp >= mp->start + RED_ZONE ? regs->rsp - RED_ZONE : mp->start;
	hi = mp->end;
	if (hi - lo > max_stack) {
		hi = lo + max_stack;
		ts->truncated = true;
	}
	ts->stack_base = lo;
	return (ssize_t)(hi - lo);
}

/* The planned len bytes through reader. */
static int
tsnap_read(struct zd_tsnap *ts, size_t len, zd_mem_reader reader, void *ctx)
{
	ssize_t n;

	ts->stack = zd_xmalloc(len);
	n = reader(ctx, ts->stack_base, ts->stack, len);
	if (n <= 0) {
		free(ts->stack);
		ts->stack = NULL;
		ts->stack_base = 0;
		return n < 0 ? (int)n : -EFAULT;
	}
	ts->stack_len = (size_t)n;
	return 0;
}

int
zd_tsnap_capture(struct zd_tsnap *ts, pid_t tid, const struct user_regs_struct *regs, const struct zd_maps *maps,
		 zd_mem_reader reader, void *ctx, size_t max_stack)
{
	ssize_t len = tsnap_plan(ts, tid, regs, maps, max_stack);

	if (len < 0) {
		ts->stack_base = 0;
		return (int)len;
	}
	return tsnap_read(ts, (size_t)len, reader, ctx);
}

void
zd_tsnap_capture_all(struct zd_tsnap *ts, size_t n, const pid_t *tids, const struct user_regs_struct *regs,
		     pid_t pid, const struct zd_maps *maps, zd_mem_reader reader, void *ctx, size_t max_stack)
{
	struct iovec *local = zd_xcalloc(n ? n : 1, sizeof(*local)), *remote = zd_xcalloc(n ? n : 1, sizeof(*remote));
	size_t *which = zd_xcalloc(n ? n : 1, sizeof(*which)), nv = 0, i, v = 0;
	bool *done = zd_xcalloc(n ? n : 1, sizeof(*done));

	for (i = 0; i < n; i++) {
		ssize_t len = tsnap_plan(&ts[i], tids[i], &regs[i], maps, max_stack);

		if (len < 0) {
			ts[i].stack_base = 0;
			done[i] = true;
			continue;
		}
		ts[i].stack = zd_xmalloc((size_t)len ? (size_t)len : 1);
		local[nv].iov_base = ts[i].stack;
		local[nv].iov_len = (size_t)len;
		remote[nv].iov_base = (void *)(uintptr_t)ts[i].stack_base;
		remote[nv].iov_len = (size_t)len;
		which[nv++] = i;
	}
	/* IOV_MAX (1024) vectors a call; a call stops at the first range it
	 * cannot read, the ranges after it are read one by one below. */
	while (pid && v < nv) {
		size_t cnt = ZD_MIN(nv - v, (size_t)1024), k;
		ssize_t got = process_vm_readv(pid, local + v, cnt, remote + v, cnt, 0);

		for (k = 0; k < cnt && got >= (ssize_t)local[v + k].iov_len && local[v + k].iov_len; k++) {
			ts[which[v + k]].stack_len = local[v + k].iov_len;
			done[which[v + k]] = true;
			got -= (ssize_t)local[v + k].iov_len;
		}
		if (k < cnt)
			break;
		v += cnt;
	}
	for (i = 0; i < n; i++)
		if (!done[i]) {
			size_t len = 0;

			for (v = 0; v < nv; v++)
				if (which[v] == i)
					len = local[v].iov_len;
			free(ts[i].stack);
			ts[i].stack = NULL;
			tsnap_read(&ts[i], len, reader, ctx);
		}
	free(local);
	free(remote);
	free(which);
	free(done);
}

void
zd_tsnap_release(struct zd_tsnap *ts)
{
	free(ts->stack);
	ts->stack = NULL;
	ts->stack_len = 0;
}

static int
read_mem(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	const struct zd_tsnap *ts = w->ts;

	if (addr >= ts->stack_base && addr - ts->stack_base + len <= ts->stack_len) {
		memcpy(buf, ts->stack + (addr - ts->stack_base), len);
		return 0;
	}
	/* Unwind tables are read a word at a time: keep the last span found. */
	if (!(addr >= w->span_lo && addr < w->span_hi) &&
	    zd_space_static_span(w->u->sp, addr, &w->span_lo, &w->span_hi, &w->span_img) < 0)
		w->span_lo = w->span_hi = 0;
	if (addr >= w->span_lo && addr < w->span_hi && len <= w->span_hi - addr) {
		memcpy(buf, w->span_img + (addr - w->span_lo), len);
		return 0;
	}
	if (w->live && w->live(w->live_ctx, addr, buf, len) == (ssize_t)len)
		return 0;
	return -EFAULT;
}

/* The module's .eh_frame_hdr search table for ip (found once per module),
 * or NULL when ip is in no module or the module has no usable table. */
static const struct di_cache *
module_table(struct zd_unwinder *u, unw_word_t ip)
{
	const struct zd_module *m = zd_space_module(u->sp, ip);
	struct di_cache *c = NULL;
	size_t i;

	if (!m || !m->elf)
		return NULL;
	for (i = 0; i < u->ndic; i++)
		if (u->dic[i].mod == m)
			c = &u->dic[i];
	if (!c) {
		uint64_t vaddr, size, off;
		const unsigned char *img, *h;
		size_t isize;

		ZD_GROW(u->dic, u->alloc, u->ndic + 1);
		c = &u->dic[u->ndic++];
		memset(c, 0, sizeof(*c));
		c->mod = m;
		img = zd_elf_image(m->elf, &isize);
		if (zd_elf_eh_frame_hdr(m->elf, &vaddr, &size) == 0 && size >= 12 &&
		    (m->vdso ? (off = vaddr, 0) : zd_elf_vaddr_to_off(m->elf, vaddr, &off)) == 0 &&
		    off + 12 <= isize) {
			uint32_t count;

			h = img + off;
			/* version 1; eh_frame_ptr 4 bytes; fde_count udata4; table datarel|sdata4 */
			if (h[0] == 1 && (h[1] & 0x0f) == 0x0b && h[2] == 0x03 && h[3] == DW_EH_PE_datarel_sdata4) {
				memcpy(&count, h + 8, 4);
				c->di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
				c->di.start_ip = m->start;
				c->di.end_ip = m->end;
				c->di.gp = 0;
				c->di.u.rti.name_ptr = 0;
				c->di.u.rti.segbase = vaddr + m->bias;
				c->di.u.rti.table_len = (unw_word_t)count * 8 / sizeof(unw_word_t);
				c->di.u.rti.table_data = vaddr + m->bias + 12;
				c->ok = true;
			}
		}
	}
	return c->ok ? c : NULL;
}

static int
acc_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need, void *arg)
{
	struct walk *w = arg;
	const struct di_cache *c = module_table(w->u, ip);
	unw_dyn_info_t di;

	if (!c)
		return -UNW_ENOINFO;
	di = c->di;
	return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need, arg);
}

/*
 * Whether an FDE covers ip: the table search alone, without the unwind
 * info.  unw_get_proc_info() would also parse the FDE's CFI program, and
 * libunwind takes its allocator's lock (two sigprocmask calls each way)
 * for that: 65% of a 64-thread backtrace's system calls went there.
 */
static bool
has_fde(struct walk *w, unw_word_t ip)
{
	struct fde_memo *slot = &w->u->memo[(ip ^ (ip >> 12)) % FDE_MEMO];
	const struct di_cache *c;
	unw_dyn_info_t di;
	unw_proc_info_t pi;
	bool has = false;

	if (ip && slot->ip == ip)
		return slot->has;
	c = module_table(w->u, ip);
	if (c) {
		di = c->di;
		memset(&pi, 0, sizeof(pi));
		has = _Ux86_64_dwarf_search_unwind_table(w->u->as, ip, &di, &pi, 0, w) == 0 &&
		      pi.end_ip - pi.start_ip > 1;
	}
	slot->ip = ip;
	slot->has = has;
	return has;
}

static void
acc_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as;
	(void)pi;
	(void)arg;
}

static int
acc_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	(void)as;
	(void)addr;
	(void)arg;
	return -UNW_ENOINFO;
}

static int
acc_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
	(void)as;
	if (write)
		return -UNW_EINVAL;
	return read_mem(arg, addr, val, sizeof(*val)) == 0 ? 0 : -UNW_EINVAL;
}

static unsigned long long *
reg_slot(struct user_regs_struct *r, unw_regnum_t n)
{
	switch (n) {
	case UNW_X86_64_RAX: return &r->rax;
	case UNW_X86_64_RDX: return &r->rdx;
	case UNW_X86_64_RCX: return &r->rcx;
	case UNW_X86_64_RBX: return &r->rbx;
	case UNW_X86_64_RSI: return &r->rsi;
	case UNW_X86_64_RDI: return &r->rdi;
	case UNW_X86_64_RBP: return &r->rbp;
	case UNW_X86_64_RSP: return &r->rsp;
	case UNW_X86_64_R8: return &r->r8;
	case UNW_X86_64_R9: return &r->r9;
	case UNW_X86_64_R10: return &r->r10;
	case UNW_X86_64_R11: return &r->r11;
	case UNW_X86_64_R12: return &r->r12;
	case UNW_X86_64_R13: return &r->r13;
	case UNW_X86_64_R14: return &r->r14;
	case UNW_X86_64_R15: return &r->r15;
	case UNW_X86_64_RIP: return &r->rip;
	default: return NULL;
	}
}

static int
acc_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg)
{
	struct walk *w = arg;
	unsigned long long *slot = reg_slot(&w->regs, reg);

	(void)as;
	if (!slot || write)
		return -UNW_EBADREG;
	*val = *slot;
	return 0;
}

static int
acc_access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write, void *arg)
{
	(void)as;
	(void)reg;
	(void)val;
	(void)write;
	(void)arg;
	return -UNW_EBADREG;
}

static int
acc_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as;
	(void)c;
	(void)arg;
	return -UNW_EINVAL;
}

static int
acc_get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len, unw_word_t *off, void *arg)
{
	(void)as;
	(void)addr;
	(void)buf;
	(void)len;
	(void)off;
	(void)arg;
	return -UNW_ENOINFO;
}

static unw_accessors_t accessors = {
	.find_proc_info = acc_find_proc_info,
	.put_unwind_info = acc_put_unwind_info,
	.get_dyn_info_list_addr = acc_get_dyn_info_list_addr,
	.access_mem = acc_access_mem,
	.access_reg = acc_access_reg,
	.access_fpreg = acc_access_fpreg,
	.resume = acc_resume,
	.get_proc_name = acc_get_proc_name,
};

struct zd_unwinder *
zd_unwinder_new(const struct zd_space *sp)
{
	struct zd_unwinder *u = zd_xcalloc(1, sizeof(*u));

	u->sp = sp;
	u->as = unw_create_addr_space(&accessors, 0);
	if (!u->as) {
		free(u);
		return NULL;
	}
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	return u;
}

void
zd_unwinder_flush(struct zd_unwinder *u)
{
	unw_flush_cache(u->as, 0, 0);
	u->ndic = 0;
	memset(u->memo, 0, sizeof(u->memo));
}

void
zd_unwinder_free(struct zd_unwinder *u)
{
	if (!u)
		return;
	unw_destroy_addr_space(u->as);
	free(u->dic);
	free(u);
}

bool
zd_unwind_is_sigreturn(const struct zd_space *sp, uint64_t ip)
{
	/* mov $15, %rax; syscall (glibc's __restore_rt) */
	static const unsigned char code[] = { 0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05 };
	unsigned char buf[sizeof(code)];

	return zd_space_read_static(sp, ip, buf, sizeof(buf)) == 0 && !memcmp(buf, code, sizeof(code));
}

static bool
is_code(const struct zd_space *sp, uint64_t ip)
{
	const struct zd_map *mp = zd_maps_find(&sp->maps, ip);

	return mp && (mp->perms & ZD_MAP_X);
}

/* One frame-pointer step from (ip, sp, rbp): [rbp] is the caller's rbp,
 * [rbp+8] the return address.  Returns 0 and the caller's registers. */
static int
fp_step(struct walk *w, struct user_regs_struct *r)
{
	uint64_t saved[2];

	if (!r->rbp || r->rbp < r->rsp || (r->rbp & 7) || r->rbp - r->rsp > (64u << 20))
		return -EINVAL;
	if (read_mem(w, r->rbp, saved, sizeof(saved)) < 0)
		return -EFAULT;
	if (!is_code(w->u->sp, saved[1]))
		return -EINVAL;
	r->rsp = r->rbp + 16;
	r->rip = saved[1];
	r->rbp = saved[0];
	return 0;
}

size_t
zd_unwind(struct zd_unwinder *u, const struct zd_tsnap *ts, zd_mem_reader live, void *live_ctx, struct zd_frame *fr,
	  size_t max)
{
	struct walk w = { .u = u, .ts = ts, .regs = ts->regs, .live = live, .live_ctx = live_ctx };
	size_t n = 0;
	bool via_fp = false, next_exact = true, exact_lookup = true;

	while (n < max) {
		unw_cursor_t c;
		int r;

		if (unw_init_remote(&c, u->as, &w) < 0)
			break;
		exact_lookup = true;
		for (;;) {
			unw_word_t ip = 0, sp = 0, bp = 0;

			unw_get_reg(&c, UNW_REG_IP, &ip);
			unw_get_reg(&c, UNW_REG_SP, &sp);
			unw_get_reg(&c, UNW_X86_64_RBP, &bp);
			if (!ip)
				return n;
			/* A caller's return address must point into code: anything
			 * else is a walk gone wrong (no CFI, clobbered frame). */
			if (n && !is_code(u->sp, ip))
				return n;
			/* A loop guard: the stack only grows towards higher addresses. */
			if (n && sp < fr[n - 1].sp)
				return n;
			if (n && sp == fr[n - 1].sp && ip == fr[n - 1].ip)
				return n;
			fr[n].ip = ip;
			fr[n].sp = sp;
			fr[n].flags = (next_exact ? ZD_FRAME_EXACT : 0) | (via_fp ? ZD_FRAME_FP : 0);
			next_exact = false;
			via_fp = false;
			if (zd_unwind_is_sigreturn(u->sp, ip)) {
				fr[n].flags |= ZD_FRAME_SIGNAL | ZD_FRAME_EXACT;
				next_exact = true;
			}
			if (++n >= max)
				return n;
			/* No CFI for this frame: libunwind's step falls back on
			 * rbp, so its caller is a frame-pointer guess.  The FDE is
			 * looked up as libunwind does: at ip itself for the first
			 * frame of a walk and after a signal frame, else at ip-1
			 * (a return address may be just past its function). */
			if (!has_fde(&w, exact_lookup ? ip : ip - 1))
				via_fp = true;
			exact_lookup = (fr[n - 1].flags & ZD_FRAME_SIGNAL) != 0;
			r = unw_step(&c);
			if (r > 0)
				continue;
			if (r == 0)
				return n;
			/* No CFI here: try the frame-pointer chain from this frame. */
			memset(&w.regs, 0, sizeof(w.regs));
			w.regs.rip = ip;
			w.regs.rsp = sp;
			w.regs.rbp = bp;
			if (fp_step(&w, &w.regs) < 0)
				return n;
			via_fp = true;
			break;
		}
	}
	return n;
}
