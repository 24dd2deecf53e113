/* System calls made by another process (see include/zdiag/inject.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdiag/inject.h"
#include "zdiag/maps.h"
#include "zdiag/procfs.h"
#include "zdiag/ptrace.h"
#include "zdiag/seccomp.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

#define PAGE 4096u
#define WAITID_FLAGS (WEXITED | WNOHANG | __WALL)
#define BATCH_MAX 4096u      /* pids per run of the routine */
#define SIGINFO_SIZE 128u

/*
 * The two routines run in the scratch mapping, assembled here and copied
 * into its first page (tests/unit/test_inject.c disassembles them and
 * checks every instruction).  Neither uses the stack; both touch nothing
 * outside the mapping.  In both, the arguments are
 *	rdi = n, rsi = int32 pids[n], rdx = 128-byte siginfo infos[n],
 *	rcx = int64 results[n], r8 = the control block, r9 = its page's end
 * and the loop is
 *	for (i = 0; i < n; i++)
 *		results[i] = waitid(P_PID, pids[i], &infos[i], WEXITED|WNOHANG|__WALL, NULL);
 *
 * zd_rt_inplace: the loop, then int3 (the held thread runs it all).
 *
 * zd_rt_thread: the held thread blocks every signal, starts a thread
 * (clone: CLONE_VM|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|
 * CLONE_CHILD_CLEARTID, so it has its own fs_struct: setns() in the
 * process is not refused for it), restores its own mask and stops at int3;
 * the new thread, with every signal blocked, runs the loop and exits.  The
 * kernel clears ctl->ctid when it is gone.
 *	ctl: +0 sigset "all", +8 old sigset, +16 int32 ctid, +24 int64 clone's
 *	     result (or rt_sigprocmask's error), +32 cookie (written by zdiag)
 */
#define RT_CLONE_FLAGS 0x250d00 /* see above */
#define RT_STR_(x) #x
#define RT_STR(x) RT_STR_(x)
#define CTL_ALL 0
#define CTL_OLD 8
#define CTL_CTID 16
#define CTL_RES 24
#define CTL_COOKIE 32

_Static_assert(RT_CLONE_FLAGS == (CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
				  CLONE_CHILD_CLEARTID), "zd_rt_thread encodes the clone flags");
_Static_assert(WAITID_FLAGS == 0x40000005, "the routines encode the waitid flags");
_Static_assert(__NR_waitid == 247 && __NR_clone == 56 && __NR_rt_sigprocmask == 14 && __NR_exit == 60,
	       "the routines encode these call numbers");

#define RT_LOOP(loop, done)                                                \
	loop ":	test %r12,%r12\n"                                          \
	"	je " done "\n"                                             \
	"	mov $1,%edi\n"                  /* P_PID */                \
	"	mov (%r13),%esi\n"                                         \
	"	mov %r14,%rdx\n"                                           \
	"	mov $0x40000005,%r10d\n"        /* WEXITED|WNOHANG|__WALL */ \
	"	xor %r8d,%r8d\n"                                           \
	"	mov $247,%eax\n"                /* waitid */               \
	"	syscall\n"                                                 \
	"	mov %rax,(%r15)\n"                                         \
	"	add $4,%r13\n"                                             \
	"	add $128,%r14\n"                                           \
	"	add $8,%r15\n"                                             \
	"	dec %r12\n"                                                \
	"	jmp " loop "\n"

__asm__(".pushsection .rodata.zd_rt,\"a\"\n"
	".balign 16\n"
	".type zd_rt_inplace, @object\n"
	"zd_rt_inplace:\n"
	"	mov %rdi,%r12\n"
	"	mov %rsi,%r13\n"
	"	mov %rdx,%r14\n"
	"	mov %rcx,%r15\n"
	RT_LOOP(".Lzd_ip_loop", ".Lzd_ip_done")
	".Lzd_ip_done:\n"
	"	int3\n"
	"zd_rt_inplace_end:\n"
	".balign 16\n"
	".type zd_rt_thread, @object\n"
	"zd_rt_thread:\n"
	"	mov %rdi,%r12\n"
	"	mov %rsi,%r13\n"
	"	mov %rdx,%r14\n"
	"	mov %rcx,%r15\n"
	"	mov %r8,%rbx\n"
	"	mov %r9,%rbp\n"
	"	mov $14,%eax\n"                 /* rt_sigprocmask(SIG_SETMASK, all, old, 8) */
	"	mov $2,%edi\n"
	"	mov %rbx,%rsi\n"
	"	lea 8(%rbx),%rdx\n"
	"	mov $8,%r10d\n"
	"	syscall\n"
	"	test %rax,%rax\n"
	"	jne .Lzd_th_nomask\n"
	"	mov $56,%eax\n"                 /* clone(flags, stack, NULL, &ctid, 0) */
	"	mov $" RT_STR(RT_CLONE_FLAGS) ",%edi\n"
	"	mov %rbp,%rsi\n"
	"	xor %edx,%edx\n"
	"	lea 16(%rbx),%r10\n"
	"	xor %r8d,%r8d\n"
	"	syscall\n"
	"	test %rax,%rax\n"
	"	je .Lzd_th_child\n"
	"	mov %rax,24(%rbx)\n"
	"	mov $14,%eax\n"                 /* rt_sigprocmask(SIG_SETMASK, old, NULL, 8) */
	"	mov $2,%edi\n"
	"	lea 8(%rbx),%rsi\n"
	"	xor %edx,%edx\n"
	"	mov $8,%r10d\n"
	"	syscall\n"
	"	jmp zd_rt_thread_trap\n"
	".Lzd_th_nomask:\n"
	"	mov %rax,24(%rbx)\n"
	"zd_rt_thread_trap:\n"
	"	int3\n"
	".Lzd_th_child:\n"                     /* the new thread */
	RT_LOOP(".Lzd_th_loop", ".Lzd_th_done")
	".Lzd_th_done:\n"
	"	mov $60,%eax\n"                 /* exit(0): this thread only */
	"	xor %edi,%edi\n"
	"	syscall\n"
	"	jmp .Lzd_th_done\n"
	"zd_rt_thread_end:\n"
	".popsection\n");

/* (Referred to by address only: the bytes are copied, never run here.) */
extern const unsigned char zd_rt_inplace[], zd_rt_inplace_end[];
extern const unsigned char zd_rt_thread[], zd_rt_thread_end[], zd_rt_thread_trap[];

/* For tests: a routine's bytes (thread: the helper-thread one), and where
 * its int3 is. */
const unsigned char *zd_inject_routine(bool thread, size_t *len, size_t *trap);

const unsigned char *
zd_inject_routine(bool thread, size_t *len, size_t *trap)
{
	if (thread) {
		*len = (size_t)(zd_rt_thread_end - zd_rt_thread);
		*trap = (size_t)(zd_rt_thread_trap - zd_rt_thread);
		return zd_rt_thread;
	}
	*len = (size_t)(zd_rt_inplace_end - zd_rt_inplace);
	*trap = *len - 1;
	return zd_rt_inplace;
}

static long
pt(enum __ptrace_request req, pid_t tid, unsigned long addr, unsigned long data)
{
	return ptrace(req, tid, (void *)addr, (void *)data);
}

static bool
is_stop_sig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void
keep_signal(struct zd_inject *in, const siginfo_t *si)
{
	if (in->nsig < ZD_INJECT_SIGS)
		in->sigs[in->nsig++] = *si;
	else /* more than we can hold with their siginfo: send it again later */
		syscall(SYS_tgkill, in->pid, in->tid, si->si_signo);
}

/*
 * Wait for the next stop of the thread until deadline.  Returns 1 and the
 * wait status, 0 on timeout, -ESRCH if the thread exited.
 */
static int
next_stop(struct zd_inject *in, int64_t deadline, int *status)
{
	pid_t tid;
	int wsig, r;

	r = zd_pt_wait_event(in->tid, deadline, NULL, &tid, status, &wsig);
	if (r == 0)
		return 0;
	if (r < 0 || r == 2)
		return r < 0 ? r : 0;
	if (!WIFSTOPPED(*status)) {
		in->stopped = false;
		in->seized = false; /* an exited tracee is no longer ours */
		return -ESRCH;
	}
	in->stopped = true;
	return 1;
}

/* Is this signal-delivery-stop a fault of our own making (at pc)? */
static bool
our_fault(const siginfo_t *si, uint64_t pc, uint64_t lo, uint64_t hi)
{
	if (si->si_code <= 0) /* sent by a process (kill, tgkill, sigqueue) */
		return false;
	if (si->si_signo != SIGSEGV && si->si_signo != SIGBUS && si->si_signo != SIGILL &&
	    si->si_signo != SIGFPE && si->si_signo != SIGTRAP && si->si_signo != SIGSYS)
		return false;
	return si->si_signo == SIGSYS || (pc >= lo && pc <= hi);
}

/*
 * Resume with req (PTRACE_SINGLESTEP or PTRACE_CONT) until the thread
 * reports SIGTRAP with rip == expect.  Other stops are dealt with on the
 * way: a signal is kept for later and suppressed now, a group-stop or our
 * interrupt is resumed.  [lo, hi] is where our own code runs.
 */
static int
run_until(struct zd_inject *in, enum __ptrace_request req, uint64_t expect, uint64_t lo, uint64_t hi, long long timeout_ms)
{
	int64_t deadline = zd_now_ns() + timeout_ms * 1000000LL;

	for (;;) {
		struct user_regs_struct regs;
		siginfo_t si;
		int status, r, sig, event;

		if (pt(req, in->tid, 0, 0) < 0)
			return -errno;
		in->stopped = false;
		r = next_stop(in, deadline, &status);
		if (r < 0)
			return r;
		if (r == 0) {
			/* Our code must not take this long: stop it, report. */
			pt(PTRACE_INTERRUPT, in->tid, 0, 0);
			r = next_stop(in, zd_now_ns() + timeout_ms * 1000000LL, &status);
			return r < 0 ? r : -ETIMEDOUT;
		}
		sig = WSTOPSIG(status);
		event = status >> 16;
		if (event) {                   /* our interrupt, a group-stop */
			in->sigstop = false;
			continue;
		}
		in->sigstop = true;
		if (pt(PTRACE_GETREGS, in->tid, 0, (unsigned long)&regs) < 0)
			return -errno;
		if (pt(PTRACE_GETSIGINFO, in->tid, 0, (unsigned long)&si) < 0)
			return -errno;
		if (sig == SIGTRAP && regs.rip == expect && si.si_code > 0)
			return 0;
		if (our_fault(&si, regs.rip, lo, hi))
			return -EFAULT;
		keep_signal(in, &si); /* delivered again at the end */
	}
}

static void
block_signals(struct zd_inject *in)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_BLOCK, &set, &in->saved_mask);
}

/* A `syscall` instruction: the one the thread stopped after, or the vDSO's. */
static int
find_syscall_insn(struct zd_inject *in)
{
	unsigned char b[2];
	char path[64];
	struct zd_maps maps;
	struct zd_sb sb;
	size_t i;
	int r = -ENOEXEC;

	if ((long long)in->saved.orig_rax >= 0 && in->saved.rip >= 2 &&
	    pread(in->memfd, b, 2, (off_t)(in->saved.rip - 2)) == 2 && b[0] == 0x0f && b[1] == 0x05) {
		in->sc_insn = in->saved.rip - 2;
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/maps", (int)in->pid, (int)in->tid);
	zd_sb_init(&sb);
	r = zd_read_file(AT_FDCWD, path, &sb);
	if (r == 0 && zd_maps_parse(sb.buf, sb.len, &maps) < 0)
		r = -EIO;
	zd_sb_release(&sb);
	if (r < 0)
		return r;
	r = -ENOEXEC;
	for (i = 0; i < maps.n && r < 0; i++) {
		const struct zd_map *m = &maps.v[i];
		unsigned char code[2 * PAGE];
		size_t sz = (size_t)ZD_MIN(m->end - m->start, (uint64_t)sizeof(code)), k;

		if (strcmp(m->path, "[vdso]"))
			continue;
		if (pread(in->memfd, code, sz, (off_t)m->start) != (ssize_t)sz)
			break;
		for (k = 0; k + 1 < sz; k++)
			if (code[k] == 0x0f && code[k + 1] == 0x05) {
				in->sc_insn = m->start + k;
				r = 0;
				break;
			}
	}
	zd_maps_release(&maps);
	return r;
}

/*
 * Calls the kernel never restarts (signal(7)): stopping the thread ends them
 * with plain -EINTR, as any signal would.  Nothing the program should see
 * happened to it, so when no signal arrived they are made to run again.
 */
static const long never_restarted[] = {
	__NR_epoll_wait, __NR_epoll_pwait, __NR_epoll_pwait2, __NR_semop, __NR_semtimedop,
	__NR_rt_sigtimedwait, __NR_io_getevents, __NR_io_pgetevents,
};

static void
undo_eintr(struct zd_inject *in)
{
	long nr = (long)in->saved.orig_rax;
	size_t i;

	if (in->nsig || (long long)in->saved.rax != -EINTR || in->sc_insn != in->saved.rip - 2)
		return;
	for (i = 0; i < ZD_ARRAY_SIZE(never_restarted); i++)
		if (never_restarted[i] == nr) {
			in->saved.rax = in->saved.orig_rax; /* its timeout starts again */
			in->saved.rip -= 2;
			in->eintr_undone = true;
			return;
		}
}

int
zd_inject_begin(struct zd_inject *in, pid_t pid, pid_t tid, long long timeout_ms)
{
	char path[64];
	int status, r;
	int64_t deadline;

	memset(in, 0, sizeof(*in));
	in->pid = pid;
	in->tid = tid;
	in->memfd = -1;
	in->timeout_ms = timeout_ms;
	block_signals(in);
	if (pt(PTRACE_SEIZE, tid, 0, 0) < 0) {
		r = -errno;
		sigprocmask(SIG_SETMASK, &in->saved_mask, NULL);
		return r;
	}
	in->seized = true;
	pt(PTRACE_INTERRUPT, tid, 0, 0);
	deadline = zd_now_ns() + timeout_ms * 1000000LL;
	for (;;) {
		siginfo_t si;

		r = next_stop(in, deadline, &status);
		if (r <= 0) {
			/* A thread that does not stop (D state) stays seized
			 * until it stops or zdiag exits: the kernel then
			 * detaches it without a trace of us. */
			zd_inject_end(in);
			return r < 0 ? r : -ETIMEDOUT;
		}
		if (status >> 16 == PTRACE_EVENT_STOP) {
			in->sigstop = false;
			if (is_stop_sig(WSTOPSIG(status))) {
				zd_inject_end(in); /* stays in its group-stop */
				return -EAGAIN;
			}
			break;
		}
		/* A signal arrived before our interrupt: hold it, carry on
		 * from this stop (the interrupt comes later and is skipped). */
		in->sigstop = true;
		if (pt(PTRACE_GETSIGINFO, tid, 0, (unsigned long)&si) == 0)
			keep_signal(in, &si);
		break;
	}
	in->stop_ns = zd_now_ns();
	if (pt(PTRACE_GETREGS, tid, 0, (unsigned long)&in->saved) < 0 ||
	    pt(PTRACE_GETFPREGS, tid, 0, (unsigned long)&in->fpsaved) < 0) {
		r = -errno;
		goto fail;
	}
	if (in->saved.cs != 0x33) { /* a 32-bit (ia32) process: another ABI */
		r = -ENOEXEC;
		goto fail;
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/mem", (int)pid, (int)tid);
	in->memfd = open(path, O_RDWR | O_CLOEXEC);
	if (in->memfd < 0) {
		r = -errno;
		goto fail;
	}
	r = find_syscall_insn(in);
	if (r < 0)
		goto fail;
	undo_eintr(in);
	return 0;
fail:
	zd_inject_end(in);
	return r;
}

int
zd_inject_syscall(struct zd_inject *in, long nr, const uint64_t a[6], int64_t *ret)
{
	struct user_regs_struct regs = in->saved;
	int r;

	regs.rip = in->sc_insn;
	regs.rax = (unsigned long long)nr;
	regs.orig_rax = (unsigned long long)-1; /* no restart logic for our call */
	regs.rdi = a[0];
	regs.rsi = a[1];
	regs.rdx = a[2];
	regs.r10 = a[3];
	regs.r8 = a[4];
	regs.r9 = a[5];
	regs.eflags &= ~0x100ULL; /* TF: the kernel sets it for the step */
	if (pt(PTRACE_SETREGS, in->tid, 0, (unsigned long)&regs) < 0)
		return -errno;
	r = run_until(in, PTRACE_SINGLESTEP, in->sc_insn + 2, in->sc_insn, in->sc_insn + 2, 5000);
	if (r < 0)
		return r;
	if (pt(PTRACE_GETREGS, in->tid, 0, (unsigned long)&regs) < 0)
		return -errno;
	*ret = (int64_t)regs.rax;
	return 0;
}

static int
check_seccomp_filters(struct zd_inject *in, const struct zd_inject_call *calls, size_t n)
{
	struct sock_filter *prog = zd_xcalloc(BPF_MAXINSNS, sizeof(*prog));
	unsigned long idx;
	int ok = 1;

	for (idx = 0; ok == 1; idx++) {
		long len = pt(PTRACE_SECCOMP_GET_FILTER, in->tid, idx, 0);
		size_t i;

		if (len < 0) {
			/* ENOENT: past the last filter */
			ok = errno == ENOENT && idx > 0 ? 1 : -errno;
			break;
		}
		if (len == 0 || len > BPF_MAXINSNS ||
		    pt(PTRACE_SECCOMP_GET_FILTER, in->tid, idx, (unsigned long)prog) != len) {
			ok = -EIO;
			break;
		}
		for (i = 0; i < n && ok == 1; i++) {
			struct seccomp_data d;

			memset(&d, 0, sizeof(d));
			d.nr = (int)calls[i].nr;
			memcpy(d.args, calls[i].a, sizeof(d.args));
			d.arch = AUDIT_ARCH_X86_64;
			d.instruction_pointer = in->sc_insn;
			if (!zd_seccomp_allows(zd_seccomp_eval(prog, (size_t)len, &d)))
				ok = 0;
		}
	}
	free(prog);
	return ok;
}

int
zd_inject_seccomp_ok(struct zd_inject *in, const struct zd_inject_call *calls, size_t n)
{
	struct zd_status st;
	char path[64];
	int dfd, r;

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)in->pid, (int)in->tid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	r = zd_proc_read_status(dfd, &st);
	close(dfd);
	if (r < 0)
		return r;
	if (st.seccomp <= 0)   /* none, or a kernel without the line */
		return 1;
	if (st.seccomp == 1)   /* strict mode: read, write, exit only */
		return 0;
	return check_seccomp_filters(in, calls, n);
}

static bool
is_err(int64_t v)
{
	return v < 0 && v >= -4095;
}

/* The calls each way makes, with the arguments a seccomp filter sees
 * (pointers and sizes, unknown in advance, as 0). */
static const struct zd_inject_call inplace_calls[] = {
	{ __NR_mmap, { 0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0 } },
	{ __NR_mprotect, { 0, PAGE, PROT_READ | PROT_EXEC, 0, 0, 0 } },
	{ __NR_waitid, { P_PID, 0, 0, WAITID_FLAGS, 0, 0 } },
	{ __NR_munmap, { 0, 0, 0, 0, 0, 0 } },
};
static const struct zd_inject_call thread_calls[] = {
	{ __NR_madvise, { 0, 0, MADV_DONTFORK, 0, 0, 0 } },
	{ __NR_rt_sigprocmask, { SIG_SETMASK, 0, 0, 8, 0, 0 } },
	{ __NR_clone, { RT_CLONE_FLAGS, 0, 0, 0, 0, 0 } },
	{ __NR_exit, { 0, 0, 0, 0, 0, 0 } },
};

const struct zd_inject_call *
zd_inject_waitid_calls(bool thread, size_t *n)
{
	*n = thread ? ZD_ARRAY_SIZE(thread_calls) : ZD_ARRAY_SIZE(inplace_calls);
	return thread ? thread_calls : inplace_calls;
}

/*
 * The scratch mapping: page 0 the routines (read+exec), page 1 the control
 * block (and the new thread's stack top, never used), then pids[n],
 * infos[n], results[n].
 */
#define THREAD_OFF 256u      /* zd_rt_thread's place in page 0 */

struct scratch {
	uint64_t base, size, ctl, pids, infos, res, cookie;
	size_t n;
};

_Static_assert(THREAD_OFF >= 64, "zd_rt_inplace fits before zd_rt_thread");

static int
scratch_map(struct zd_inject *in, const pid_t *pids, size_t n, struct scratch *sc)
{
	size_t data = n * (sizeof(int32_t) + SIGINFO_SIZE + sizeof(int64_t)), i;
	unsigned char code[PAGE], ctl[40];
	uint64_t a[6] = { 0 };
	int64_t ret;
	int32_t *ids;
	int r;

	memset(sc, 0, sizeof(*sc));
	sc->n = n;
	sc->size = 2 * PAGE + ((data + PAGE - 1) / PAGE) * PAGE;
	a[1] = sc->size;
	a[2] = PROT_READ | PROT_WRITE;
	a[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	a[4] = (uint64_t)-1;
	r = zd_inject_syscall(in, __NR_mmap, a, &ret);
	if (r < 0)
		return r;
	if (is_err(ret))
		return (int)ret;
	sc->base = (uint64_t)ret;
	sc->ctl = sc->base + PAGE;
	sc->pids = sc->base + 2 * PAGE;
	sc->infos = sc->pids + n * sizeof(int32_t);
	sc->res = sc->infos + n * SIGINFO_SIZE;
	memset(code, 0xcc, sizeof(code));
	memcpy(code, zd_rt_inplace, (size_t)(zd_rt_inplace_end - zd_rt_inplace));
	memcpy(code + THREAD_OFF, zd_rt_thread, (size_t)(zd_rt_thread_end - zd_rt_thread));
	memset(ctl, 0, sizeof(ctl));
	memset(ctl + CTL_ALL, 0xff, 8);
	ids = zd_xcalloc(n, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = pids[i];
	/* ctid: nonzero until the kernel clears it at the thread's exit */
	*(int32_t *)(void *)(ctl + CTL_CTID) = 1;
	sc->cookie = (uint64_t)zd_now_ns() ^ ((uint64_t)getpid() << 32) ^ sc->base;
	memcpy(ctl + CTL_COOKIE, &sc->cookie, 8);
	r = 0;
	if (pwrite(in->memfd, code, sizeof(code), (off_t)sc->base) != sizeof(code) ||
	    pwrite(in->memfd, ctl, sizeof(ctl), (off_t)sc->ctl) != sizeof(ctl) ||
	    pwrite(in->memfd, ids, n * sizeof(*ids), (off_t)sc->pids) != (ssize_t)(n * sizeof(*ids)))
		r = -EIO;
	free(ids);
	if (r == 0) {
		/* The routines run from a read+exec page, never a writable one. */
		memset(a, 0, sizeof(a));
		a[0] = sc->base;
		a[1] = PAGE;
		a[2] = PROT_READ | PROT_EXEC;
		r = zd_inject_syscall(in, __NR_mprotect, a, &ret);
		if (r == 0 && is_err(ret))
			r = (int)ret;
	}
	return r;
}

static int
scratch_unmap(struct zd_inject *in, const struct scratch *sc)
{
	uint64_t a[6] = { sc->base, sc->size, 0, 0, 0, 0 };
	int64_t ret;

	return zd_inject_syscall(in, __NR_munmap, a, &ret) < 0 || is_err(ret) ? -EIO : 0;
}

/* Run the routine at entry in the held thread until its int3 at trap. */
static int
run_routine(struct zd_inject *in, const struct scratch *sc, uint64_t entry, uint64_t trap)
{
	struct user_regs_struct regs = in->saved;

	regs.rip = entry;
	regs.orig_rax = (unsigned long long)-1;
	regs.rdi = sc->n;
	regs.rsi = sc->pids;
	regs.rdx = sc->infos;
	regs.rcx = sc->res;
	regs.r8 = sc->ctl;
	regs.r9 = sc->ctl + PAGE;
	regs.eflags &= ~0x100ULL;
	if (pt(PTRACE_SETREGS, in->tid, 0, (unsigned long)&regs) < 0)
		return -errno;
	return run_until(in, PTRACE_CONT, trap + 1, sc->base, sc->base + PAGE, 5000 + (long long)sc->n);
}

/* Read the routine's results (through fd) into out. */
static int
collect(int fd, const struct scratch *sc, const pid_t *pids, struct zd_waited *out)
{
	size_t n = sc->n, len = n * (SIGINFO_SIZE + sizeof(int64_t)), i;
	unsigned char *buf = zd_xmalloc(len);

	if (pread(fd, buf, len, (off_t)sc->infos) != (ssize_t)len) {
		free(buf);
		return -EIO;
	}
	for (i = 0; i < n; i++) {
		siginfo_t si;
		int64_t res;

		memcpy(&si, buf + i * SIGINFO_SIZE, sizeof(si));
		memcpy(&res, buf + n * SIGINFO_SIZE + i * sizeof(int64_t), sizeof(res));
		out[i].pid = pids[i];
		out[i].ret = (long)res;
		out[i].reaped = res == 0 && si.si_pid == pids[i];
		out[i].code = out[i].reaped ? si.si_code : 0;
		out[i].status = out[i].reaped ? si.si_status : 0;
	}
	free(buf);
	return 0;
}

/* Wait until the kernel has cleared ctid (the helper thread is gone). */
static int
wait_helper(int fd, const struct scratch *sc, int64_t deadline)
{
	long us = 50 + (long)sc->n * 4; /* about what its waitids take */

	for (;;) {
		struct timespec ts;
		int32_t ctid;

		if (pread(fd, &ctid, sizeof(ctid), (off_t)(sc->ctl + CTL_CTID)) != sizeof(ctid))
			return -ESRCH; /* the process exited or exec'd */
		if (ctid == 0)
			return 0;
		if (zd_now_ns() > deadline)
			return -ETIMEDOUT;
		ts.tv_sec = 0;
		ts.tv_nsec = ZD_MIN(us, 2000L) * 1000;
		nanosleep(&ts, NULL);
		us = 200;
	}
}

/* Stop the thread again after a detach (keeping what was measured). */
static int
reseize(struct zd_inject *in)
{
	int64_t held = in->held_ns;
	long long timeout = in->timeout_ms;
	sigset_t mask = in->saved_mask;
	bool used = in->used_thread;
	int r;

	r = zd_inject_begin(in, in->pid, in->tid, timeout);
	in->held_ns += held;
	in->used_thread = used;
	in->saved_mask = mask; /* what end puts back: zdiag's mask before it all */
	return r;
}

/*
 * The helper-thread way: the held thread starts a thread that reaps, and is
 * let go at once.  Returns 1 if the clone failed (nothing else changed: the
 * caller goes on in place), else 0 or -errno.
 */
static int
waitid_thread(struct zd_inject *in, struct scratch *sc, const pid_t *pids, struct zd_waited *out)
{
	int64_t res = 0, deadline;
	uint64_t a[6] = { sc->base, sc->size, MADV_DONTFORK, 0, 0, 0 }, cookie = 0;
	sigset_t mask;
	int fd, r, w;

	/* Not copied into a child the process forks meanwhile. */
	r = zd_inject_syscall(in, __NR_madvise, a, &res);
	if (r < 0)
		return r;
	r = run_routine(in, sc, sc->base + THREAD_OFF,
			sc->base + THREAD_OFF + (uint64_t)(zd_rt_thread_trap - zd_rt_thread));
	if (r < 0)
		return r;
	if (pread(in->memfd, &res, sizeof(res), (off_t)(sc->ctl + CTL_RES)) != sizeof(res))
		return -EIO;
	if (res <= 0)
		return 1;
	in->used_thread = true;
	fd = fcntl(in->memfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Let the thread go; zdiag's own signals stay held throughout. */
	sigprocmask(SIG_SETMASK, NULL, &mask);
	r = zd_inject_end(in);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	deadline = zd_now_ns() + (in->timeout_ms + (long long)sc->n) * 1000000LL;
	w = wait_helper(fd, sc, deadline);
	if (w == 0)
		w = collect(fd, sc, pids, out);
	close(fd);
	if (w == -ETIMEDOUT) {
		/* It may still run in there (the process was stopped?): the
		 * mapping stays, and what it reaped shows in /proc. */
		in->left_addr = sc->base;
		in->left_size = sc->size;
		return r < 0 ? r : w;
	}
	if (w == -ESRCH)
		return r < 0 ? r : w;
	if (reseize(in) < 0) {
		in->left_addr = sc->base;
		in->left_size = sc->size;
		return r;
	}
	/* Still the same memory (no exec meanwhile): our cookie is there. */
	if (pread(in->memfd, &cookie, sizeof(cookie), (off_t)(sc->ctl + CTL_COOKIE)) == sizeof(cookie) &&
	    cookie == sc->cookie && scratch_unmap(in, sc) < 0 && r == 0)
		r = -EIO;
	return r < 0 ? r : w;
}

static int
waitid_batch(struct zd_inject *in, const pid_t *pids, size_t n, struct zd_waited *out, enum zd_inject_method m)
{
	struct scratch sc;
	int r;

	r = scratch_map(in, pids, n, &sc);
	if (r < 0 && !sc.base)
		return r;
	if (r == 0 && m == ZD_INJECT_THREAD) {
		r = waitid_thread(in, &sc, pids, out);
		if (r <= 0)
			return r; /* the thread did it, or it all failed */
		r = 0;  /* no thread: on in place */
	}
	if (r == 0)
		r = run_routine(in, &sc, sc.base, sc.base + (uint64_t)(zd_rt_inplace_end - zd_rt_inplace) - 1);
	if (r == 0)
		r = collect(in->memfd, &sc, pids, out);
	if (scratch_unmap(in, &sc) < 0 && r == 0)
		r = -EIO;
	return r;
}

int
zd_inject_waitid(struct zd_inject *in, const pid_t *pids, size_t n, struct zd_waited *out,
		 enum zd_inject_method m)
{
	size_t done = 0;

	if (m == ZD_INJECT_AUTO)
		m = n >= ZD_INJECT_THREAD_MIN ? ZD_INJECT_THREAD : ZD_INJECT_IN_PLACE;
	/* Any doubt about the filters' verdict on the thread's calls: in place. */
	if (m == ZD_INJECT_THREAD &&
	    zd_inject_seccomp_ok(in, thread_calls, ZD_ARRAY_SIZE(thread_calls)) != 1)
		m = ZD_INJECT_IN_PLACE;
	while (done < n) {
		size_t k = ZD_MIN(n - done, (size_t)BATCH_MAX);
		int r;

		if (!in->seized)
			return -ESRCH;
		r = waitid_batch(in, pids + done, k, out + done, m);
		if (r < 0)
			return r;
		done += k;
	}
	return 0;
}

int
zd_inject_end(struct zd_inject *in)
{
	int r = 0, i, detach_sig = 0;

	if (in->seized && in->stopped) {
		/* A signal came after all: it would have ended the call. */
		if (in->eintr_undone && in->nsig) {
			in->saved.rax = (unsigned long long)-EINTR;
			in->saved.rip += 2;
		}
		if (in->stop_ns &&
		    (pt(PTRACE_SETREGS, in->tid, 0, (unsigned long)&in->saved) < 0 ||
		     pt(PTRACE_SETFPREGS, in->tid, 0, (unsigned long)&in->fpsaved) < 0))
			r = -errno;
		/* Signals that arrived while we held it: the first one from a
		 * signal-delivery-stop keeps its own siginfo. */
		i = 0;
		if (in->nsig && in->sigstop &&
		    pt(PTRACE_SETSIGINFO, in->tid, 0, (unsigned long)&in->sigs[0]) == 0) {
			detach_sig = in->sigs[0].si_signo;
			i = 1;
		}
		for (; i < in->nsig; i++)
			if (syscall(SYS_rt_tgsigqueueinfo, in->pid, in->tid, in->sigs[i].si_signo, &in->sigs[i]) < 0)
				syscall(SYS_tgkill, in->pid, in->tid, in->sigs[i].si_signo);
		if (pt(PTRACE_DETACH, in->tid, 0, (unsigned long)detach_sig) < 0 && r == 0)
			r = -errno;
		in->seized = in->stopped = false;
	}
	in->end_ns = zd_now_ns();
	if (in->stop_ns && in->end_ns > in->stop_ns)
		in->held_ns += in->end_ns - in->stop_ns;
	in->stop_ns = 0;
	if (in->memfd >= 0)
		close(in->memfd);
	in->memfd = -1;
	sigprocmask(SIG_SETMASK, &in->saved_mask, NULL);
	return r;
}

double
zd_inject_held_ms(const struct zd_inject *in)
{
	return (double)in->held_ns / 1e6;
}
