/* zdiag trace -k: a stack trace per shown syscall (see zdiag/kstack.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "zdiag/common.h"
#include "zdiag/decode.h"
#include "zdiag/esc.h"
#include "zdiag/kstack.h"
#include "zdiag/symtab.h"
#include "zdiag/unwind.h"
#include "zdiag/xalloc.h"

#define KSTACK_COPY (32 * 1024)   /* stack bytes copied per call; deeper frames are read live */
#define KSTACK_FRAMES 256

struct kproc {
	pid_t pid;
	bool loaded;
	struct zd_space space;
	struct zd_unwinder *uw;
};

struct kthread {
	pid_t tid;
	struct zd_sb lines;
};

struct zd_kstack {
	struct kproc **procs;       /* each allocated: the unwinder borrows its space */
	size_t nprocs, aprocs;
	struct kthread *threads;
	size_t nthreads, athreads;
	struct zd_frame fr[KSTACK_FRAMES];
};

struct zd_kstack *
zd_kstack_new(void)
{
	return zd_xcalloc(1, sizeof(struct zd_kstack));
}

static void
proc_free(struct kproc *p)
{
	if (p->uw)
		zd_unwinder_free(p->uw);
	zd_space_release(&p->space);
	free(p);
}

void
zd_kstack_free(struct zd_kstack *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nprocs; i++)
		proc_free(k->procs[i]);
	for (i = 0; i < k->nthreads; i++)
		zd_sb_release(&k->threads[i].lines);
	free(k->procs);
	free(k->threads);
	free(k);
}

static ssize_t
tracee_reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_umove(*(pid_t *)ctx, addr, buf, len);
}

static struct kproc *
proc_get(struct zd_kstack *k, pid_t pid)
{
	struct kproc *p;
	size_t i;

	for (i = 0; i < k->nprocs; i++)
		if (k->procs[i]->pid == pid)
			return k->procs[i];
	ZD_GROW(k->procs, k->aprocs, k->nprocs + 1);
	p = zd_xcalloc(1, sizeof(*p));
	k->procs[k->nprocs++] = p;
	p->pid = pid;
	zd_space_init(&p->space);
	return p;
}

static struct kthread *
thread_get(struct zd_kstack *k, pid_t tid, bool create)
{
	size_t i;

	for (i = 0; i < k->nthreads; i++)
		if (k->threads[i].tid == tid)
			return &k->threads[i];
	if (!create)
		return NULL;
	ZD_GROW(k->threads, k->athreads, k->nthreads + 1);
	k->threads[k->nthreads].tid = tid;
	zd_sb_init(&k->threads[k->nthreads].lines);
	return &k->threads[k->nthreads++];
}

/* (Re)load pid's maps and modules through the stopped thread tid. */
static int
proc_load(struct kproc *p, pid_t tid)
{
	pid_t ctx = tid;

	if (zd_space_load(&p->space, tid, tracee_reader, &ctx) < 0)
		return -1;
	if (p->uw)
		zd_unwinder_flush(p->uw);
	else
		p->uw = zd_unwinder_new(&p->space);
	p->loaded = p->uw != NULL;
	return p->loaded ? 0 : -1;
}

static size_t
unwind(struct zd_kstack *k, struct kproc *p, pid_t tid, const struct user_regs_struct *regs)
{
	struct zd_tsnap ts;
	pid_t ctx = tid;
	size_t n;

	if (zd_tsnap_capture(&ts, tid, regs, &p->space.maps, tracee_reader, &ctx, KSTACK_COPY) < 0) {
		k->fr[0].ip = regs->rip;
		k->fr[0].sp = regs->rsp;
		k->fr[0].flags = ZD_FRAME_EXACT;
		return 1;
	}
	n = zd_unwind(p->uw, &ts, tracee_reader, &ctx, k->fr, KSTACK_FRAMES);
	zd_tsnap_release(&ts);
	return n;
}

static bool
all_known(const struct kproc *p, const struct zd_frame *fr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!zd_space_module(&p->space, fr[i].ip))
			return false;
	return true;
}

static void
put_frame(struct zd_sb *sb, const struct kproc *p, const struct zd_frame *f, bool caller)
{
	struct zd_where w;
	uint64_t off;

	memset(&w, 0, sizeof(w));
	zd_space_lookup(&p->space, f->ip, caller ? ZD_LOOKUP_CALLER : 0, &w);
	zd_sb_adds(sb, " > ");
	if (!w.mod) {
		zd_sb_addf(sb, "?() [0x%" PRIx64 "]\n", f->ip);
		return;
	}
	zd_esc_cs(sb, w.mod->path ? w.mod->path : w.mod->name, 0);
	zd_sb_addc(sb, '(');
	if (w.sym) {
		zd_esc_cs(sb, w.sym->name, 0);
		zd_sb_addf(sb, "+0x%" PRIx64, w.off);
	}
	if (!w.mod->elf || zd_elf_vaddr_to_off(w.mod->elf, w.vaddr, &off) < 0)
		off = w.vaddr;
	zd_sb_addf(sb, ") [0x%" PRIx64 "]\n", off);
}

void
zd_kstack_capture(struct zd_kstack *k, pid_t pid, pid_t tid)
{
	struct user_regs_struct regs;
	struct kthread *t = thread_get(k, tid, true);
	struct kproc *p = proc_get(k, pid);
	size_t n, i;

	zd_sb_reset(&t->lines);
	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0) {
		zd_sb_addf(&t->lines, " > (no stack: %s)\n", strerror(errno));
		return;
	}
	if (!p->loaded && proc_load(p, tid) < 0) {
		zd_sb_addf(&t->lines, " > (no stack: cannot read /proc/%d/maps)\n", (int)tid);
		return;
	}
	n = unwind(k, p, tid, &regs);
	if (!all_known(p, k->fr, n) && proc_load(p, tid) == 0)
		n = unwind(k, p, tid, &regs);   /* something was mapped since the load */
	for (i = 0; i < n; i++)
		put_frame(&t->lines, p, &k->fr[i], i > 0 && !(k->fr[i].flags & ZD_FRAME_EXACT));
}

void
zd_kstack_put(struct zd_kstack *k, pid_t tid, struct zd_sb *out)
{
	struct kthread *t = thread_get(k, tid, false);

	if (!t)
		return;
	zd_sb_add(out, t->lines.buf, t->lines.len);
	zd_sb_reset(&t->lines);
}

void
zd_kstack_forget(struct zd_kstack *k, pid_t pid, pid_t tid)
{
	size_t i;

	for (i = 0; i < k->nthreads; i++)
		if (k->threads[i].tid == tid) {
			zd_sb_release(&k->threads[i].lines);
			k->threads[i] = k->threads[--k->nthreads];
			break;
		}
	if (!pid)
		return;
	for (i = 0; i < k->nprocs; i++)
		if (k->procs[i]->pid == pid) {
			proc_free(k->procs[i]);
			k->procs[i] = k->procs[--k->nprocs];
			break;
		}
}
