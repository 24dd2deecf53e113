/* System calls made by another process (see include/zdiag/inject.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
 * The routine run in the scratch mapping (tests/unit/test_inject.c
 * disassembles it and checks every instruction):
 *	rdi = n, rsi = int32 pids[n], rdx = 128-byte siginfo infos[n],
 *	rcx = int64 results[n]
 *	for (i = 0; i < n; i++)
 *		results[i] = waitid(P_PID, pids[i], &infos[i], WEXITED|WNOHANG|__WALL, NULL);
 *	int3
 * It uses no stack and touches nothing outside the mapping.
 */
static const unsigned char waitid_routine[] = {
	0x49, 0x89, 0xfc,                         /* mov %rdi,%r12 */
	0x49, 0x89, 0xf5,                         /* mov %rsi,%r13 */
	0x49, 0x89, 0xd6,                         /* mov %rdx,%r14 */
	0x49, 0x89, 0xcf,                         /* mov %rcx,%r15 */
	0x4d, 0x85, 0xe4,                         /* 1: test %r12,%r12 */
	0x74, 0x33,                               /* je 2f */
	0xbf, 0x01, 0x00, 0x00, 0x00,             /* mov $P_PID,%edi */
	0x41, 0x8b, 0x75, 0x00,                   /* mov (%r13),%esi */
	0x4c, 0x89, 0xf2,                         /* mov %r14,%rdx */
	0x41, 0xba, 0x05, 0x00, 0x00, 0x40,       /* mov $WEXITED|WNOHANG|__WALL,%r10d */
	0x45, 0x31, 0xc0,                         /* xor %r8d,%r8d */
	0xb8, 0xf7, 0x00, 0x00, 0x00,             /* mov $__NR_waitid,%eax */
	0x0f, 0x05,                               /* syscall */
	0x49, 0x89, 0x07,                         /* mov %rax,(%r15) */
	0x49, 0x83, 0xc5, 0x04,                   /* add $4,%r13 */
	0x49, 0x81, 0xc6, 0x80, 0x00, 0x00, 0x00, /* add $128,%r14 */
	0x49, 0x83, 0xc7, 0x08,                   /* add $8,%r15 */
	0x49, 0xff, 0xcc,                         /* dec %r12 */
	0xeb, 0xc8,                               /* jmp 1b */
	0xcc,                                     /* 2: int3 */
};

_Static_assert(WAITID_FLAGS == 0x40000005, "waitid_routine encodes the flags");
_Static_assert(__NR_waitid == 247, "waitid_routine encodes the call number");

/* For tests: the routine's bytes. */
const unsigned char *zd_inject_routine(size_t *len);

const unsigned char *
zd_inject_routine(size_t *len)
{
	*len = sizeof(waitid_routine);
	return waitid_routine;
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
check_seccomp_filters(struct zd_inject *in, const long *nrs, size_t n)
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
			d.nr = (int)nrs[i];
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
zd_inject_seccomp_ok(struct zd_inject *in, const long *nrs, size_t n)
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
	return check_seccomp_filters(in, nrs, n);
}

static bool
is_err(int64_t v)
{
	return v < 0 && v >= -4095;
}

static int
waitid_batch(struct zd_inject *in, const pid_t *pids, size_t n, struct zd_waited *out)
{
	size_t data = n * (sizeof(int32_t) + SIGINFO_SIZE + sizeof(int64_t));
	size_t size = PAGE + ((data + PAGE - 1) / PAGE) * PAGE, i;
	uint64_t a[6] = { 0 }, base, p_pids, p_infos, p_res;
	struct user_regs_struct regs;
	unsigned char *buf = NULL;
	int64_t ret, ign;
	int32_t *ids;
	int r;

	a[1] = size;
	a[2] = PROT_READ | PROT_WRITE;
	a[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	a[4] = (uint64_t)-1;
	r = zd_inject_syscall(in, __NR_mmap, a, &ret);
	if (r < 0)
		return r;
	if (is_err(ret))
		return (int)ret;
	base = (uint64_t)ret;
	p_pids = base + PAGE;
	p_infos = p_pids + n * sizeof(int32_t);
	p_res = p_infos + n * SIGINFO_SIZE;
	ids = zd_xcalloc(n, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = pids[i];
	r = -EIO;
	if (pwrite(in->memfd, waitid_routine, sizeof(waitid_routine), (off_t)base) != sizeof(waitid_routine) ||
	    pwrite(in->memfd, ids, n * sizeof(*ids), (off_t)p_pids) != (ssize_t)(n * sizeof(*ids)))
		goto unmap;
	/* The routine runs from a read+exec page, never a writable one. */
	memset(a, 0, sizeof(a));
	a[0] = base;
	a[1] = PAGE;
	a[2] = PROT_READ | PROT_EXEC;
	r = zd_inject_syscall(in, __NR_mprotect, a, &ret);
	if (r == 0 && is_err(ret))
		r = (int)ret;
	if (r < 0)
		goto unmap;
	regs = in->saved;
	regs.rip = base;
	regs.orig_rax = (unsigned long long)-1;
	regs.rdi = n;
	regs.rsi = p_pids;
	regs.rdx = p_infos;
	regs.rcx = p_res;
	regs.eflags &= ~0x100ULL;
	if (pt(PTRACE_SETREGS, in->tid, 0, (unsigned long)&regs) < 0) {
		r = -errno;
		goto unmap;
	}
	r = run_until(in, PTRACE_CONT, base + sizeof(waitid_routine), base,
		      base + sizeof(waitid_routine), 5000 + (long long)n);
	if (r < 0)
		goto unmap;
	buf = zd_xmalloc(n * (SIGINFO_SIZE + sizeof(int64_t)));
	if (pread(in->memfd, buf, n * (SIGINFO_SIZE + sizeof(int64_t)), (off_t)p_infos) !=
	    (ssize_t)(n * (SIGINFO_SIZE + sizeof(int64_t)))) {
		r = -EIO;
		goto unmap;
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
	r = 0;
unmap:
	memset(a, 0, sizeof(a));
	a[0] = base;
	a[1] = size;
	if (zd_inject_syscall(in, __NR_munmap, a, &ign) < 0 && r == 0)
		r = -EIO;
	free(buf);
	free(ids);
	return r;
}

int
zd_inject_waitid(struct zd_inject *in, const pid_t *pids, size_t n, struct zd_waited *out)
{
	size_t done = 0;

	while (done < n) {
		size_t k = ZD_MIN(n - done, (size_t)BATCH_MAX);
		int r = waitid_batch(in, pids + done, k, out + done);

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
	if (in->memfd >= 0)
		close(in->memfd);
	in->memfd = -1;
	sigprocmask(SIG_SETMASK, &in->saved_mask, NULL);
	return r;
}

double
zd_inject_held_ms(const struct zd_inject *in)
{
	if (!in->stop_ns || in->end_ns < in->stop_ns)
		return 0;
	return (double)(in->end_ns - in->stop_ns) / 1e6;
}
