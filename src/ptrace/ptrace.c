/*
 * The ptrace session: attach/spawn, bounded waits, all-stop resume,
 * memory, registers, breakpoints and a detach that leaves no trace.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdiag/debugreg.h"
#include "zdiag/procfs.h"
#include "zdiag/ptrace.h"
#include "zdiag/xalloc.h"

#define SEIZE_OPTIONS (PTRACE_O_TRACECLONE | PTRACE_O_TRACESYSGOOD)
#define SESSION_OPTIONS (SEIZE_OPTIONS | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK | \
			 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE)

static long
pt(enum __ptrace_request req, pid_t tid, unsigned long addr, unsigned long data)
{
	return ptrace(req, tid, (void *)addr, (void *)data);
}

void
zd_pt_init(struct zd_ptrace *p)
{
	sigset_t s;

	memset(p, 0, sizeof(*p));
	p->memfd = -1;
	p->timeout_ms = 1000;
	zd_bkpts_init(&p->bps);
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, &p->saved_mask);
}

void
zd_pt_release(struct zd_ptrace *p)
{
	if (p->memfd >= 0)
		close(p->memfd);
	zd_bkpts_release(&p->bps);
	free(p->th);
	free(p->evq);
	free(p->early);
	sigprocmask(SIG_SETMASK, &p->saved_mask, NULL);
	p->th = NULL;
	p->nth = p->alloc = 0;
	p->memfd = -1;
}

struct zd_thread *
zd_pt_thread(struct zd_ptrace *p, pid_t tid)
{
	size_t i;

	for (i = 0; i < p->nth; i++)
		if (p->th[i].tid == tid)
			return &p->th[i];
	return NULL;
}

static struct zd_thread *
add_thread(struct zd_ptrace *p, pid_t tid, unsigned flags)
{
	struct zd_thread *t = zd_pt_thread(p, tid);

	if (t)
		return t;
	ZD_GROW(p->th, p->alloc, p->nth + 1);
	t = &p->th[p->nth++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->flags = flags;
	return t;
}

struct zd_thread *
zd_pt_any_stopped(struct zd_ptrace *p)
{
	size_t i;

	for (i = 0; i < p->nth; i++)
		if ((p->th[i].flags & (ZD_TH_STOPPED | ZD_TH_GONE)) == ZD_TH_STOPPED)
			return &p->th[i];
	return NULL;
}

size_t
zd_pt_count(const struct zd_ptrace *p, unsigned flags)
{
	size_t i, n = 0;

	for (i = 0; i < p->nth; i++)
		if (p->th[i].flags & flags)
			n++;
	return n;
}

static size_t
count_live(const struct zd_ptrace *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->nth; i++)
		if (!(p->th[i].flags & ZD_TH_GONE))
			n++;
	return n;
}

static void
push_event(struct zd_ptrace *p, const struct zd_pt_event *ev)
{
	ZD_GROW(p->evq, p->evalloc, p->nev + 1);
	p->evq[p->nev++] = *ev;
}

static int
wait_any(int64_t deadline_ns, const sigset_t *wake, pid_t *tid, int *status, int *wsig)
{
	return zd_pt_wait_event(-1, deadline_ns, wake, tid, status, wsig);
}

static bool
is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Signals passed on without stopping (gdb's defaults: `handle ... nostop`). */
static bool
is_quiet_signal(int sig)
{
	return sig == SIGCHLD || sig == SIGWINCH || sig == SIGURG || sig == SIGALRM || sig == SIGVTALRM ||
	       sig == SIGPROF || sig == SIGIO || sig == SIGRTMIN || sig == SIGRTMIN + 1 ||
	       sig == 32 || sig == 33;
}

static int
resume_thread(struct zd_ptrace *p, struct zd_thread *t, enum __ptrace_request req);
static void
insert_all(struct zd_ptrace *p);
static void
remove_all(struct zd_ptrace *p, pid_t tid);

/* A forked child inherited our breakpoints: take them out and let it go. */
static void
handle_fork(struct zd_ptrace *p, pid_t child, bool vfork)
{
	int64_t deadline = zd_now_ns() + p->timeout_ms * 1000000LL;
	int st;

	/* Its first stop (EVENT_STOP when seized, else SIGSTOP), unless the
	 * wait loop already saw it. */
	for (size_t i = 0; i < p->nearly; i++)
		if (p->early[i].pid == child) {
			st = p->early[i].status;
			p->early[i] = p->early[--p->nearly];
			goto have_stop;
		}
	for (;;) {
		pid_t r = waitpid(child, &st, WNOHANG | __WALL);

		if (r == child || (r < 0 && errno != EINTR))
			break;
		if (zd_now_ns() > deadline)
			return; /* released when zdiag exits */
		usleep(100);
	}
have_stop:
	if (!WIFSTOPPED(st))
		return;
	if (vfork) {
		/* Shared memory: take the bytes out of the parent until VFORK_DONE. */
		remove_all(p, 0);
		p->bps_out = true;
	} else {
		remove_all(p, child);
	}
	pt(PTRACE_DETACH, child, 0, 0);
}

static int
syscall_info(pid_t tid, struct ptrace_syscall_info *sc)
{
	memset(sc, 0, sizeof(*sc));
	return pt(PTRACE_GET_SYSCALL_INFO, tid, sizeof(*sc), (unsigned long)sc) > 0 ? 0 : -errno;
}

/*
 * Thread t (stopped) reports the trap of an int3: if the int3 was ours (in
 * memory now, or taken out since the thread executed it), put its pc back
 * on the original instruction so the trap is never delivered.  Only
 * syscalls (also used by zd_pt_emergency in a signal handler).
 */
static bool
rewind_if_ours(struct zd_ptrace *p, struct zd_thread *t)
{
	if (pt(PTRACE_GETREGS, t->tid, 0, (unsigned long)&t->regs) < 0 ||
	    !zd_bkpt_ours(&p->bps, t->regs.rip - 1))
		return false;
	t->regs.rip--;
	return pt(PTRACE_SETREGS, t->tid, 0, (unsigned long)&t->regs) == 0;
}

#ifndef TRAP_HWBKPT
#define TRAP_HWBKPT 4
#endif

/* A debug-register trap: which slots fired (DR6, then cleared). */
static bool
hw_trap(struct zd_thread *t, struct zd_pt_event *ev)
{
	uint64_t dr6 = 0;

	if (zd_dr_peek(t->tid, 6, &dr6) < 0 || !zd_dr6_fired(dr6))
		return false;
	zd_dr_poke(t->tid, 6, 0);
	ev->kind = ZD_EV_WATCH;
	ev->bp_id = (int)zd_dr6_fired(dr6);
	return true;
}

/* Write the session's debug registers into stopped thread t (DR7 off
 * while the addresses change).  Only syscalls. */
static int
apply_dr(struct zd_ptrace *p, struct zd_thread *t)
{
	int ret = zd_dr_poke(t->tid, 7, 0);

	for (unsigned i = 0; ret == 0 && i < 4; i++)
		ret = zd_dr_poke(t->tid, i, p->dr[i]);
	if (ret == 0 && p->dr7)
		ret = zd_dr_poke(t->tid, 7, p->dr7);
	if (ret == 0)
		t->dr_gen = p->dr_gen;
	return ret;
}

/* Every stopped thread whose debug registers are stale gets them now. */
static int
sync_dr(struct zd_ptrace *p)
{
	int first = 0;

	if (!p->dr_used)
		return 0;
	for (size_t i = 0; i < p->nth; i++) {
		struct zd_thread *t = &p->th[i];
		int ret;

		if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED || t->dr_gen == p->dr_gen)
			continue;
		ret = apply_dr(p, t);
		if (ret < 0 && !first)
			first = ret;
	}
	return first;
}

int
zd_pt_set_debugregs(struct zd_ptrace *p, const uint64_t dr[4], uint64_t dr7)
{
	memcpy(p->dr, dr, sizeof(p->dr));
	p->dr7 = dr7;
	p->dr_gen++;
	p->dr_used = true;
	return sync_dr(p);
}

/* Is this syscall stop one that catch syscall asked for? */
static bool
sc_caught(struct zd_ptrace *p, struct zd_thread *t, const struct ptrace_syscall_info *sc)
{
	unsigned long long nr;

	if (sc->op == PTRACE_SYSCALL_INFO_ENTRY)
		nr = sc->entry.nr;
	else if (sc->op == PTRACE_SYSCALL_INFO_SECCOMP)
		nr = sc->seccomp.nr;
	else if (pt(PTRACE_GETREGS, t->tid, 0, (unsigned long)&t->regs) == 0)
		nr = t->regs.orig_rax;
	else
		return true;
	return nr < sizeof(p->sc_catch) * 8 && (p->sc_catch[nr / 8] & (1u << (nr % 8)));
}

/*
 * Record a wait status for thread t.  Returns true when it is an event to
 * report (filled into ev); false for internal stops (the thread may then
 * be resumed by the caller when it wants everything running).
 */
static bool
note_status(struct zd_ptrace *p, struct zd_thread *t, int status, struct zd_pt_event *ev)
{
	int sig, event;

	memset(ev, 0, sizeof(*ev));
	ev->tid = t->tid;
	t->status = status;
	t->bp_hit = 0;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->flags = (t->flags & ZD_TH_SEIZED) | ZD_TH_GONE;
		if (t->tid == p->pid || !count_live(p)) {
			size_t i;

			/* The leader reports last: everything is gone. */
			for (i = 0; i < p->nth; i++)
				p->th[i].flags = (p->th[i].flags & ZD_TH_SEIZED) | ZD_TH_GONE;
			p->exited = true;
			p->exit_status = status;
			ev->kind = ZD_EV_EXITED;
			ev->status = status;
			return true;
		}
		return false;
	}
	if (!WIFSTOPPED(status))
		return false;
	t->flags |= ZD_TH_STOPPED;
	t->flags &= ~ZD_TH_STUCK;
	t->regs_valid = false;
	t->stop_ns = zd_now_ns();
	sig = WSTOPSIG(status);
	event = status >> 16;
	ev->sig = sig;
	switch (event) {
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			t->flags |= ZD_TH_GROUP_STOP;
			ev->kind = ZD_EV_GROUP_STOP;
			return true;
		}
		t->flags &= ~ZD_TH_GROUP_STOP;
		ev->kind = ZD_EV_INTERRUPTED;
		return false;
	case PTRACE_EVENT_CLONE: {
		unsigned long msg = 0;

		if (pt(PTRACE_GETEVENTMSG, t->tid, 0, (unsigned long)&msg) == 0 && msg)
			add_thread(p, (pid_t)msg, (t->flags & ZD_TH_SEIZED) ? ZD_TH_SEIZED : ZD_TH_EXPECT_SIGSTOP);
		return false;
	}
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK: {
		unsigned long msg = 0;

		if (pt(PTRACE_GETEVENTMSG, t->tid, 0, (unsigned long)&msg) == 0 && msg)
			handle_fork(p, (pid_t)msg, event == PTRACE_EVENT_VFORK);
		return false;
	}
	case PTRACE_EVENT_VFORK_DONE:
		if (p->bps_out) {
			p->bps_out = false;
			if (p->bps_live)
				insert_all(p);
		}
		return false;
	case PTRACE_EVENT_EXEC: {
		size_t i;

		/* The old threads are gone; the address space is new. */
		for (i = 0; i < p->nth; i++)
			if (&p->th[i] != t)
				p->th[i].flags = (p->th[i].flags & ZD_TH_SEIZED) | ZD_TH_GONE;
		t->tid = p->pid;
		zd_bkpts_release(&p->bps);
		if (p->memfd >= 0)
			close(p->memfd);
		p->memfd = -1;
		p->memtid = 0;
		ev->tid = t->tid;
		ev->kind = ZD_EV_EXEC;
		return true;
	}
	case 0:
		break;
	default:
		return false;
	}
	t->flags &= ~ZD_TH_GROUP_STOP;
	if (sig == (SIGTRAP | 0x80)) {
		ev->kind = ZD_EV_SYSCALL;
		syscall_info(t->tid, &ev->sc);
		return true;
	}
	if (sig == SIGTRAP) {
		siginfo_t si;
		bool stepping = t->flags & ZD_TH_STEPPING;

		memset(&si, 0, sizeof(si));
		pt(PTRACE_GETSIGINFO, t->tid, 0, (unsigned long)&si);
		t->flags &= ~ZD_TH_STEPPING;
		if (si.si_code == SI_KERNEL && rewind_if_ours(p, t)) {
			struct zd_bkpt *b = zd_bkpt_at(&p->bps, t->regs.rip);

			t->regs_valid = true;
			if (!b) {
				ev->kind = ZD_EV_INTERRUPTED;
				return false;
			}
			b->hits++;
			t->bp_hit = b->id;
			ev->kind = ZD_EV_BREAK;
			ev->bp_id = b->id;
			return true;
		}
		if (si.si_code == TRAP_HWBKPT && p->dr_used && hw_trap(t, ev))
			return true;
		if (stepping && si.si_code != SI_USER && si.si_code != SI_TKILL) {
			ev->kind = ZD_EV_STEP;
			return true;
		}
		if (si.si_code == TRAP_TRACE) {
			/* The late trap of a single-step that was interrupted
			 * (a wake signal came first): ours, swallowed. */
			ev->kind = ZD_EV_INTERRUPTED;
			return false;
		}
	}
	if (sig == SIGSTOP && (t->flags & ZD_TH_EXPECT_SIGSTOP)) {
		t->flags &= ~ZD_TH_EXPECT_SIGSTOP;
		ev->kind = ZD_EV_INTERRUPTED;
		return false;
	}
	t->pending_sig = sig;
	ev->kind = ZD_EV_SIGNAL;
	return !is_quiet_signal(sig);
}

static bool
same_group(const struct zd_ptrace *p, pid_t tid)
{
	char path[64];
	struct zd_status st;
	int fd;
	bool same = false;

	snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (zd_proc_read_status(fd, &st) == 0)
		same = st.tgid == p->pid;
	close(fd);
	return same;
}

/* Find (or adopt) the thread of a wait result. */
static struct zd_thread *
thread_of(struct zd_ptrace *p, pid_t tid, int status)
{
	struct zd_thread *t = zd_pt_thread(p, tid);

	if (t)
		return t;
	if (!WIFSTOPPED(status))
		return NULL;
	if (!same_group(p, tid)) {
		/* A forked child whose first stop came before its parent's FORK
		 * event: keep it for handle_fork. */
		ZD_GROW(p->early, p->earlyalloc, p->nearly + 1);
		p->early[p->nearly].pid = tid;
		p->early[p->nearly].status = status;
		p->nearly++;
		return NULL;
	}
	/* A clone whose first stop came before its parent's CLONE event. */
	return add_thread(p, tid, (p->spawned ? ZD_TH_EXPECT_SIGSTOP : ZD_TH_SEIZED));
}

static int
open_mem(struct zd_ptrace *p)
{
	size_t i;

	if (p->memfd >= 0)
		return 0;
	for (i = 0; i < p->nth; i++) {
		char path[64];
		int fd;

		if (p->th[i].flags & ZD_TH_GONE)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->th[i].tid);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			p->memfd = fd;
			p->memtid = p->th[i].tid;
			return 0;
		}
	}
	return -ESRCH;
}

static void
interrupt(struct zd_ptrace *p, struct zd_thread *t)
{
	if (t->flags & ZD_TH_SEIZED) {
		pt(PTRACE_INTERRUPT, t->tid, 0, 0);
	} else if (!(t->flags & ZD_TH_EXPECT_SIGSTOP)) {
		syscall(SYS_tgkill, p->pid, t->tid, SIGSTOP);
		t->flags |= ZD_TH_EXPECT_SIGSTOP;
	}
}

/* Wait until every thread not stopped/gone/stuck is stopped or the deadline
 * passes; reportable stops go to the event queue. */
static int
wait_all_stopped(struct zd_ptrace *p, int64_t deadline)
{
	size_t i, left;

	for (;;) {
		struct zd_pt_event ev;
		pid_t tid;
		int status, wsig, r;

		left = 0;
		for (i = 0; i < p->nth; i++)
			if (!(p->th[i].flags & (ZD_TH_STOPPED | ZD_TH_GONE | ZD_TH_STUCK)))
				left++;
		if (!left)
			return 0;
		r = wait_any(deadline, NULL, &tid, &status, &wsig);
		if (r == 1) {
			struct zd_thread *t = thread_of(p, tid, status);

			if (t && note_status(p, t, status, &ev))
				push_event(p, &ev);
			if (p->exited)
				return 0;
			/* New clones must stop too (they do on their own). */
			continue;
		}
		if (r == -ECHILD) {
			for (i = 0; i < p->nth; i++)
				if (!(p->th[i].flags & ZD_TH_STOPPED))
					p->th[i].flags |= ZD_TH_GONE;
			return 0;
		}
		break;
	}
	left = 0;
	for (i = 0; i < p->nth; i++)
		if (!(p->th[i].flags & (ZD_TH_STOPPED | ZD_TH_GONE | ZD_TH_STUCK))) {
			p->th[i].flags |= ZD_TH_STUCK;
			left++;
		}
	return (int)left;
}

/* PTRACE_CONT a stopped thread with no signal: the signal it holds (if
 * any) waits for the real resume.  For a stop that runs no instruction
 * (taking a queued trap, parking after a step). */
static int
resume_quiet(struct zd_ptrace *p, struct zd_thread *t)
{
	int sig = t->pending_sig, ret;

	t->pending_sig = 0;
	ret = resume_thread(p, t, PTRACE_CONT);
	t->pending_sig = sig;
	return ret;
}

/*
 * Does thread tid have a trap of ours queued but not yet taken?  That is a
 * thread stopped (PTRACE_INTERRUPT, a group-stop) after it executed an int3
 * or finished a single-step but before it dequeued the SIGTRAP: let go in
 * that state it would die of the signal.  PTRACE_PEEKSIGINFO reads the
 * thread's private queue without taking anything out of it.
 */
static bool
trap_pending(pid_t tid)
{
	struct ptrace_peeksiginfo_args a = { .off = 0, .flags = 0, .nr = 8 };
	siginfo_t si[8];
	long i, n = pt(PTRACE_PEEKSIGINFO, tid, (unsigned long)&a, (unsigned long)si);

	for (i = 0; i < n; i++)
		if (si[i].si_signo == SIGTRAP &&
		    (si[i].si_code == SI_KERNEL || si[i].si_code == TRAP_TRACE || si[i].si_code == TRAP_BRKPT))
			return true;
	return false;
}

/*
 * Let every stopped thread with a pending trap take it now: resumed, it
 * dequeues the SIGTRAP (synchronous signals come first) and reports it
 * before running a single instruction, and note_status rewinds it.  What it
 * reports is queued in p->evq.  Bounded: a few rounds, each with the
 * session timeout.
 */
static void
drain_traps(struct zd_ptrace *p)
{
	int round;

	for (round = 0; round < 4 && !p->exited; round++) {
		size_t i, n = 0;

		for (i = 0; i < p->nth; i++) {
			struct zd_thread *t = &p->th[i];

			if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED || !trap_pending(t->tid))
				continue;
			if (resume_quiet(p, t) == 0)
				n++;
		}
		if (!n)
			return;
		wait_all_stopped(p, zd_now_ns() + p->timeout_ms * 1000000LL);
	}
}

int
zd_pt_stop_all(struct zd_ptrace *p)
{
	size_t i;
	int left;

	if (p->exited)
		return 0;
	for (i = 0; i < p->nth; i++)
		if (!(p->th[i].flags & (ZD_TH_STOPPED | ZD_TH_GONE)))
			interrupt(p, &p->th[i]);
	left = wait_all_stopped(p, zd_now_ns() + p->timeout_ms * 1000000LL);
	drain_traps(p);
	return left;
}

static char
task_state(int taskdir_fd, pid_t tid)
{
	char path[32];
	struct zd_stat st;
	int fd;

	snprintf(path, sizeof(path), "%d", (int)tid);
	fd = openat(taskdir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (zd_proc_read_stat(fd, &st) < 0)
		st.state = 0;
	close(fd);
	return st.state;
}

int
zd_pt_attach(struct zd_ptrace *p, pid_t pid, long long timeout_ms)
{
	char path[64];
	struct zd_status ss;
	int dfd, taskfd, first_err = 0, round;
	size_t seized = 0;

	p->timeout_ms = timeout_ms;
	p->options = SEIZE_OPTIONS;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (zd_proc_read_status(dfd, &ss) == 0 && ss.tgid)
		pid = ss.tgid;
	close(dfd);
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	taskfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;

	/* Seize until a pass over task/ finds nobody new. */
	for (round = 0; round < 1000; round++) {
		pid_t *tids;
		size_t n, i, fresh = 0;

		if (zd_proc_list(taskfd, ".", &tids, &n) < 0)
			break;
		for (i = 0; i < n; i++) {
			struct zd_thread *t;
			char state;

			if (zd_pt_thread(p, tids[i]))
				continue;
			fresh++;
			if (!p->pause_begin_ns)
				p->pause_begin_ns = zd_now_ns();
			/* Seize first, ask questions later: the pause has begun. */
			if (pt(PTRACE_SEIZE, tids[i], 0, p->options) < 0) {
				int e = errno;

				state = task_state(taskfd, tids[i]);
				t = add_thread(p, tids[i], ZD_TH_GONE);
				t->state = state ? state : 'X';
				/* A zombie (leader) or a thread that just exited is no failure. */
				if (e != ESRCH && state != 'Z' && state != 'X' && state && !first_err)
					first_err = -e;
				continue;
			}
			t = add_thread(p, tids[i], ZD_TH_SEIZED);
			pt(PTRACE_INTERRUPT, tids[i], 0, 0);
			seized++;
		}
		free(tids);
		if (!fresh)
			break;
	}
	close(taskfd);
	if (!seized)
		return first_err ? first_err : -ESRCH;
	wait_all_stopped(p, zd_now_ns() + timeout_ms * 1000000LL);
	if (!zd_pt_any_stopped(p))
		return p->exited ? -ESRCH : -ETIMEDOUT;
	open_mem(p);
	return 0;
}

int
zd_pt_set_session_options(struct zd_ptrace *p)
{
	size_t i;

	p->options = SESSION_OPTIONS | (p->spawned ? PTRACE_O_EXITKILL : 0);
	for (i = 0; i < p->nth; i++)
		if ((p->th[i].flags & (ZD_TH_STOPPED | ZD_TH_GONE)) == ZD_TH_STOPPED)
			pt(PTRACE_SETOPTIONS, p->th[i].tid, 0, p->options);
	return 0;
}

int
zd_pt_spawn(struct zd_ptrace *p, char *const argv[])
{
	int fds[2], st, err = 0;
	pid_t child;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	child = fork();
	if (child < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (child == 0) {
		sigset_t none;

		close(fds[0]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Like gdb: the same addresses on every run. */
		personality(ADDR_NO_RANDOMIZE);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
			err = errno;
		} else {
			execvp(argv[0], argv);
			err = errno;
		}
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(err == ENOENT ? 127 : 126);
	}
	close(fds[1]);
	while (waitpid(child, &st, __WALL) < 0 && errno == EINTR)
		;
	n = read(fds[0], &err, sizeof(err));
	close(fds[0]);
	if (!WIFSTOPPED(st)) {
		return n == sizeof(err) && err ? -err : -ECHILD;
	}
	p->pid = child;
	p->spawned = true;
	add_thread(p, child, ZD_TH_STOPPED)->state = 'R';
	p->options = SESSION_OPTIONS | PTRACE_O_EXITKILL;
	pt(PTRACE_SETOPTIONS, child, 0, p->options);
	open_mem(p);
	return 0;
}

int
zd_pt_getregs(struct zd_ptrace *p, struct zd_thread *t)
{
	(void)p;
	if (t->regs_valid)
		return 0;
	if (!(t->flags & ZD_TH_STOPPED))
		return -ESRCH;
	if (pt(PTRACE_GETREGS, t->tid, 0, (unsigned long)&t->regs) < 0)
		return -errno;
	t->regs_valid = true;
	return 0;
}

int
zd_pt_setregs(struct zd_ptrace *p, struct zd_thread *t)
{
	(void)p;
	if (!(t->flags & ZD_TH_STOPPED))
		return -ESRCH;
	if (pt(PTRACE_SETREGS, t->tid, 0, (unsigned long)&t->regs) < 0) {
		t->regs_valid = false;
		return -errno;
	}
	t->regs_valid = true;
	return 0;
}

ssize_t
zd_pt_read_raw(struct zd_ptrace *p, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };
	ssize_t n = 0, r;

	if (!len)
		return 0;
	if (p->memtid) {
		n = process_vm_readv(p->memtid, &local, 1, &remote, 1, 0);
		if (n == (ssize_t)len)
			return n;
		if (n < 0)
			n = 0;
	}
	/* /proc/PID/mem reads pages process_vm_readv refuses (PROT_NONE, --x). */
	if (open_mem(p) == 0) {
		r = pread(p->memfd, (char *)buf + n, len - (size_t)n, (off_t)(addr + (uint64_t)n));
		if (r > 0)
			n += r;
	}
	if (n > 0)
		return n;
	return -EFAULT;
}

ssize_t
zd_pt_read(struct zd_ptrace *p, uint64_t addr, void *buf, size_t len)
{
	ssize_t n = zd_pt_read_raw(p, addr, buf, len);

	if (n > 0)
		zd_bkpt_mask(&p->bps, addr, buf, (size_t)n);
	return n;
}

/* Write with PTRACE_POKEDATA (works on read-only text), word by word. */
static int
poke_bytes(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	const unsigned char *src = buf;

	while (len) {
		uint64_t base = addr & ~7ULL;
		size_t skip = (size_t)(addr - base), k = ZD_MIN(8 - skip, len);
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, (void *)base, NULL);
		if (word == -1 && errno)
			return -errno;
		memcpy((char *)&word + skip, src, k);
		if (ptrace(PTRACE_POKEDATA, tid, (void *)base, (void *)word) < 0)
			return -errno;
		addr += k;
		src += k;
		len -= k;
	}
	return 0;
}

int
zd_pt_write(struct zd_ptrace *p, uint64_t addr, const void *buf, size_t len)
{
	struct zd_thread *t = zd_pt_any_stopped(p);
	unsigned char *copy;
	int ret;

	if (!t)
		return -ESRCH;
	copy = zd_xmemdup(buf, len);
	zd_bkpt_merge_write(&p->bps, addr, copy, len);
	ret = poke_bytes(t->tid, addr, copy, len);
	free(copy);
	return ret;
}

/* Write code bytes: PTRACE_POKEDATA through a stopped thread, else through
 * /proc/PID/mem (which also works while every thread runs). */
static int
poke_text(struct zd_ptrace *p, pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	if (tid && poke_bytes(tid, addr, buf, len) == 0)
		return 0;
	if (open_mem(p) == 0 && pwrite(p->memfd, buf, len, (off_t)addr) == (ssize_t)len)
		return 0;
	return -EFAULT;
}

static int
insert_one(struct zd_ptrace *p, pid_t tid, struct zd_bkpt *b)
{
	unsigned char orig, int3 = ZD_INT3;
	int ret;

	if (b->inserted)
		return 0;
	if (zd_pt_read_raw(p, b->addr, &orig, 1) != 1)
		return -EFAULT;
	if (p->guard)
		zd_guard_set(p->guard, b->addr, orig);
	ret = poke_text(p, tid, b->addr, &int3, 1);
	if (ret == 0) {
		b->orig = orig;
		b->inserted = true;
	}
	return ret;
}

static int
remove_one(struct zd_ptrace *p, pid_t tid, struct zd_bkpt *b)
{
	int ret;

	if (!b->inserted)
		return 0;
	ret = poke_text(p, tid, b->addr, &b->orig, 1);
	if (ret == 0) {
		b->inserted = false;
		if (p->guard)
			zd_guard_clear(p->guard, b->addr);
	}
	return ret;
}

static void
insert_all(struct zd_ptrace *p)
{
	struct zd_thread *t = zd_pt_any_stopped(p);
	size_t i;

	for (i = 0; t && i < p->bps.n; i++)
		insert_one(p, t->tid, &p->bps.v[i]);
}

/* tid 0: from the traced process; else from that (forked) process, whose
 * memory is a copy: the table keeps its "inserted" state for the parent. */
static void
remove_all(struct zd_ptrace *p, pid_t tid)
{
	struct zd_thread *t = zd_pt_any_stopped(p);
	size_t i;

	for (i = 0; i < p->bps.n; i++) {
		struct zd_bkpt *b = &p->bps.v[i];

		if (!b->inserted)
			continue;
		if (tid)
			poke_bytes(tid, b->addr, &b->orig, 1);
		else
			remove_one(p, t ? t->tid : 0, b);
	}
}

int
zd_pt_break(struct zd_ptrace *p, uint64_t addr, struct zd_bkpt **out)
{
	struct zd_thread *t = zd_pt_any_stopped(p);
	struct zd_bkpt *b;
	int ret;

	if (!t)
		return -ESRCH;
	if (zd_bkpt_at(&p->bps, addr))
		return -EEXIST;
	b = zd_bkpt_add(&p->bps, addr);
	/* In and out again: the address must take an int3 (the bytes go in
	 * for real when the process runs). */
	ret = insert_one(p, t->tid, b);
	if (ret == 0 && !p->bps_live)
		ret = remove_one(p, t->tid, b);
	if (ret < 0) {
		zd_bkpt_remove(&p->bps, b->id);
		p->bps.next_id--;
		return ret;
	}
	*out = b;
	return 0;
}

int
zd_pt_delete(struct zd_ptrace *p, int id)
{
	struct zd_thread *t = zd_pt_any_stopped(p);
	struct zd_bkpt *b = zd_bkpt_by_id(&p->bps, id);
	int ret;

	if (!b)
		return -ENOENT;
	if (!t)
		return -ESRCH;
	ret = remove_one(p, t->tid, b);
	if (ret < 0)
		return ret;
	zd_bkpt_retire(&p->bps, b);
	zd_bkpt_remove(&p->bps, id);
	return 0;
}

/* Resume one stopped thread. */
static int
resume_thread(struct zd_ptrace *p, struct zd_thread *t, enum __ptrace_request req)
{
	int sig = t->pending_sig;

	if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED)
		return 0;
	if (t->flags & ZD_TH_GROUP_STOP)
		sig = 0;
	if (p->dr_used && t->dr_gen != p->dr_gen)
		apply_dr(p, t);
	if (pt(req, t->tid, 0, (unsigned long)sig) < 0)
		return -errno;
	t->pending_sig = 0;
	t->flags &= ~(ZD_TH_STOPPED | ZD_TH_GROUP_STOP);
	t->regs_valid = false;
	t->bp_hit = 0;
	if (req == PTRACE_SINGLESTEP)
		t->flags |= ZD_TH_STEPPING;
	return 0;
}

/*
 * After a single-step the thread still has the trap flag set, and only a
 * resume or an explicit detach clears it: were zdiag killed now, the
 * kernel's implicit detach would leave it set and the next instruction
 * would raise a SIGTRAP nobody catches.  So resume it at once into a
 * PTRACE_INTERRUPT stop (which clears the flag and runs no instruction).
 */
static void
park(struct zd_ptrace *p, struct zd_thread *t)
{
	if (!(t->flags & ZD_TH_SEIZED) || (t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED)
		return;
	if (pt(PTRACE_INTERRUPT, t->tid, 0, 0) < 0)
		return;
	if (resume_quiet(p, t) == 0)
		wait_all_stopped(p, zd_now_ns() + p->timeout_ms * 1000000LL);
}

/* Wait for one thread's next reportable event (others stay as they are). */
static int
wait_thread(struct zd_ptrace *p, struct zd_thread *want, const sigset_t *wake, struct zd_pt_event *ev)
{
	for (;;) {
		pid_t tid;
		int status, wsig = 0, r;
		struct zd_thread *t;
		struct zd_pt_event e;

		r = wait_any(-1, wake, &tid, &status, &wsig);
		if (r == 2) {
			interrupt(p, want);
			wait_all_stopped(p, zd_now_ns() + p->timeout_ms * 1000000LL);
			drain_traps(p);
			memset(ev, 0, sizeof(*ev));
			ev->kind = ZD_EV_WOKEN;
			ev->sig = wsig;
			ev->tid = want->tid;
			return 0;
		}
		if (r < 0)
			return r;
		t = thread_of(p, tid, status);
		if (!t)
			continue;
		if (note_status(p, t, status, &e)) {
			if (t == want && e.kind == ZD_EV_STEP)
				park(p, t);
			if (t == want || e.kind == ZD_EV_EXITED) {
				*ev = e;
				return 0;
			}
			push_event(p, &e);
		} else if (t == want && e.kind == ZD_EV_INTERRUPTED && (t->flags & ZD_TH_STOPPED)) {
			*ev = e;
			return 0;
		}
		if (p->exited) {
			memset(ev, 0, sizeof(*ev));
			ev->kind = ZD_EV_EXITED;
			ev->status = p->exit_status;
			return 0;
		}
		/* Another thread (a clone in its first stop, a quiet signal):
		 * while single-stepping, the others stay stopped. */
		if (t != want && (t->flags & ZD_TH_STOPPED) && !(t->flags & ZD_TH_EXPECT_SIGSTOP))
			continue;
		if (t == want && (t->flags & ZD_TH_STOPPED))
			resume_thread(p, t, (t->flags & ZD_TH_STEPPING) ? PTRACE_SINGLESTEP : PTRACE_CONT);
	}
}

/*
 * Breakpoints are in memory only while the process runs (gdb's default,
 * "breakpoint always-inserted off"): while zdiag waits at its prompt no
 * int3 is in the process, so nothing is left behind whatever becomes of
 * zdiag then (even SIGKILL).  Step every stopped thread that sits on a
 * breakpoint address over it first (the bytes are out, so a plain step).
 * Returns 1 if the process exited, 2 if a wake signal came (*ev says
 * which), else 0.
 */
/* General register n as instructions number them (rax rcx rdx rbx rsp rbp
 * rsi rdi r8 ... r15). */
static unsigned long long *
gpr(struct user_regs_struct *r, unsigned n)
{
	unsigned long long *const v[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return v[n & 15];
}

/*
 * Move a thread off a breakpoint without the trap flag, by doing what the
 * instruction under it does, for the usual first instructions of a
 * function: endbr64, nop, push REG, mov %rsp,%rbp (none of them touches
 * the flags).  A thread being single-stepped when zdiag is killed keeps TF
 * and dies of SIGTRAP one instruction later; an emulated step leaves no
 * such window (and costs no round trip).  Returns 1 when done, 0 when the
 * instruction is another one (single-step it).
 */
static int
emulate_step(struct zd_ptrace *p, struct zd_thread *t)
{
	struct user_regs_struct r = t->regs;
	unsigned char b[4];
	uint64_t v;

	if (zd_pt_read(p, r.rip, b, sizeof(b)) != (ssize_t)sizeof(b))
		return 0;
	if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa) {
		r.rip += 4;
	} else if (b[0] == 0x90) {
		r.rip += 1;
	} else if (b[0] == 0x48 && b[1] == 0x89 && b[2] == 0xe5) {
		r.rbp = r.rsp;
		r.rip += 3;
	} else if ((b[0] & 0xf8) == 0x50 || (b[0] == 0x41 && (b[1] & 0xf8) == 0x50)) {
		bool rex = b[0] == 0x41;

		v = *gpr(&r, rex ? 8u + (b[1] & 7u) : b[0] & 7u);
		if (zd_pt_write(p, r.rsp - 8, &v, sizeof(v)) < 0)
			return 0;
		r.rsp -= 8;
		r.rip += rex ? 2 : 1;
	} else {
		return 0;
	}
	/* The thread still sits in the stop of its int3 and is about to be
	 * moved past the instruction: if zdiag dies then, the crash handler
	 * must not take it for an unrewound hit (pc - 1 is the breakpoint
	 * after a 1-byte push) and rewind it into the push again.  So its
	 * siginfo says "a step" (as after a real single-step) BEFORE the
	 * registers move: a crash in between finds it at the breakpoint's
	 * address, not rewound, and it runs the real instruction (1 target
	 * of 50 crash trials died of SIGSEGV with the other order, 0 of 200
	 * crash and abort trials since). */
	{
		siginfo_t si;

		if (pt(PTRACE_GETSIGINFO, t->tid, 0, (unsigned long)&si) == 0 && si.si_code == SI_KERNEL) {
			si.si_code = TRAP_TRACE;
			pt(PTRACE_SETSIGINFO, t->tid, 0, (unsigned long)&si);
		}
	}
	t->regs = r;
	if (zd_pt_setregs(p, t) < 0)
		return 0;
	return 1;
}

static int
step_off_breakpoints(struct zd_ptrace *p, const sigset_t *wake, struct zd_pt_event *ev)
{
	size_t i;

	for (i = 0; i < p->nth; i++) {
		struct zd_thread *t = &p->th[i];
		struct zd_pt_event sev;
		int sig;

		if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED || zd_pt_getregs(p, t) < 0 ||
		    !zd_bkpt_at(&p->bps, t->regs.rip) || emulate_step(p, t))
			continue;
		memset(&sev, 0, sizeof(sev));
		sig = t->pending_sig;
		t->pending_sig = 0;   /* delivered on the real resume, not inside the step */
		if (resume_thread(p, t, PTRACE_SINGLESTEP) == 0)
			wait_thread(p, t, wake, &sev);
		if (sig && !t->pending_sig)
			t->pending_sig = sig;
		if (p->exited)
			return 1;
		if (sev.kind == ZD_EV_WOKEN) {
			*ev = sev;
			return 2;
		}
	}
	return 0;
}

/* Put the breakpoints in (unless a vfork child shares the memory now). */
static void
bps_in(struct zd_ptrace *p)
{
	p->bps_live = true;
	if (!p->bps_out)
		insert_all(p);
}

/* Take them out: everything is stopped (or gone). */
static void
bps_off(struct zd_ptrace *p)
{
	p->bps_live = false;
	if (!p->exited)
		remove_all(p, 0);
}

int
zd_pt_resume(struct zd_ptrace *p, pid_t cur, enum zd_resume how, const sigset_t *wake, struct zd_pt_event *ev)
{
	struct zd_thread *ct = cur ? zd_pt_thread(p, cur) : NULL;
	size_t i;
	int r;

	memset(ev, 0, sizeof(*ev));
	p->nev = 0;
	if (p->exited)
		return -ESRCH;
	if (how != ZD_RESUME_CONT && (!ct || !(ct->flags & ZD_TH_STOPPED)))
		return -ESRCH;
	p->syscall_mode = how == ZD_RESUME_SYSCALL;
	if (how == ZD_RESUME_STEP) {
		/* One instruction of one thread: no breakpoint needs to be in. */
		if (resume_thread(p, ct, PTRACE_SINGLESTEP) < 0)
			return -errno;
		return wait_thread(p, ct, wake, ev);
	}
	r = step_off_breakpoints(p, wake, ev);
	if (r == 1) {
		ev->kind = ZD_EV_EXITED;
		ev->status = p->exit_status;
		return 0;
	}
	if (r == 2)
		return 0;
	/* Anything that arrived during the steps is reported first. */
	for (i = 0; i < p->nev; i++)
		if (p->evq[i].kind != ZD_EV_INTERRUPTED) {
			*ev = p->evq[i];
			memmove(&p->evq[i], &p->evq[i + 1], (p->nev - i - 1) * sizeof(*p->evq));
			p->nev--;
			return 0;
		}
	p->nev = 0;
	bps_in(p);
	for (i = 0; i < p->nth; i++) {
		struct zd_thread *t = &p->th[i];

		resume_thread(p, t, (p->sc_catch_on || (ct == t && how == ZD_RESUME_SYSCALL)) ? PTRACE_SYSCALL : PTRACE_CONT);
	}
	p->pause_end_ns = zd_now_ns();
	for (;;) {
		pid_t tid;
		int status, wsig = 0;
		struct zd_thread *t;

		r = wait_any(-1, wake, &tid, &status, &wsig);
		if (r == 2) {
			zd_pt_stop_all(p);
			ev->kind = ZD_EV_WOKEN;
			ev->sig = wsig;
			ev->tid = cur;
			break;
		}
		if (r < 0) {
			ev->kind = ZD_EV_EXITED;
			ev->status = p->exit_status;
			p->exited = true;
			return 0;
		}
		t = thread_of(p, tid, status);
		if (!t)
			continue;
		if (note_status(p, t, status, ev) &&
		    !(ev->kind == ZD_EV_SYSCALL && p->sc_catch_on && !(how == ZD_RESUME_SYSCALL && t == ct) &&
		      !sc_caught(p, t, &ev->sc)))
			break;
		if (p->exited)
			break;
		/* Internal stop (or a syscall nobody catches): keep it running. */
		if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) == ZD_TH_STOPPED)
			resume_thread(p, t, p->sc_catch_on ? PTRACE_SYSCALL : PTRACE_CONT);
	}
	p->pause_begin_ns = zd_now_ns();
	if (!p->exited && ev->kind != ZD_EV_WOKEN)
		zd_pt_stop_all(p);
	bps_off(p);
	sync_dr(p);
	return 0;
}

/* Let a TRACEME-attached thread take the SIGSTOP we sent it. */
static void
consume_sigstops(struct zd_ptrace *p)
{
	size_t i;

	for (i = 0; i < p->nth; i++) {
		struct zd_thread *t = &p->th[i];
		int64_t deadline = zd_now_ns() + p->timeout_ms * 1000000LL;

		if ((t->flags & (ZD_TH_EXPECT_SIGSTOP | ZD_TH_STOPPED | ZD_TH_GONE)) !=
		    (ZD_TH_EXPECT_SIGSTOP | ZD_TH_STOPPED))
			continue;
		if (resume_thread(p, t, PTRACE_CONT) < 0)
			continue;
		while (!(t->flags & (ZD_TH_STOPPED | ZD_TH_GONE))) {
			struct zd_pt_event ev;
			pid_t tid;
			int status, wsig, r = wait_any(deadline, NULL, &tid, &status, &wsig);
			struct zd_thread *u;

			if (r != 1)
				break;
			u = thread_of(p, tid, status);
			if (u)
				note_status(p, u, status, &ev);
		}
	}
}

int
zd_pt_detach(struct zd_ptrace *p)
{
	size_t i;
	int left = 0;

	if (p->exited)
		return 0;
	zd_pt_stop_all(p);
	consume_sigstops(p);
	remove_all(p, 0);
	if (p->dr_used) {
		/* No debug register is left set on any thread. */
		memset(p->dr, 0, sizeof(p->dr));
		p->dr7 = 0;
		p->dr_gen++;
		sync_dr(p);
	}
	for (i = 0; i < p->bps.n; i++)
		zd_bkpt_retire(&p->bps, &p->bps.v[i]);
	p->bps.n = 0;
	for (i = 0; i < p->nth; i++) {
		struct zd_thread *t = &p->th[i];
		int sig = t->pending_sig;

		if (t->flags & ZD_TH_GONE)
			continue;
		if (!(t->flags & ZD_TH_STOPPED)) {
			left++;
			continue;
		}
		if (t->flags & ZD_TH_GROUP_STOP)
			sig = 0;
		if (pt(PTRACE_DETACH, t->tid, 0, (unsigned long)sig) < 0 && errno != ESRCH)
			left++;
		else
			t->flags = (t->flags & ~ZD_TH_STOPPED) | ZD_TH_GONE;
	}
	p->pause_end_ns = zd_now_ns();
	return left;
}

/* In a SIGTRAP stop: rewind an int3 trap of ours (async-signal-safe). */
static void
emergency_trap(struct zd_ptrace *p, struct zd_thread *t)
{
	siginfo_t si;

	si.si_code = 0;
	if (pt(PTRACE_GETSIGINFO, t->tid, 0, (unsigned long)&si) == 0 && si.si_signo == SIGTRAP &&
	    si.si_code == SI_KERNEL)
		rewind_if_ours(p, t);
}

/* Is the thread in a ptrace-stop now (whether or not its wait status was
 * collected)?  Polls until deadline; async-signal-safe. */
static bool
emergency_stopped(pid_t tid, int64_t deadline)
{
	struct user_regs_struct r;
	struct timespec ts = { 0, 200000 };
	int st;

	for (;;) {
		if (pt(PTRACE_GETREGS, tid, 0, (unsigned long)&r) == 0)
			return true;
		if (errno != ESRCH || zd_now_ns() > deadline)
			return false;
		if (waitpid(tid, &st, WNOHANG | __WALL) == tid && !WIFSTOPPED(st))
			return false;
		nanosleep(&ts, NULL);
	}
}

/*
 * zdiag is dying (a fatal signal): it may be anywhere, with a wait status
 * collected but not looked at, threads running with int3 in memory, or a
 * step under way.  So trust the kernel, not the table: take every int3
 * out through /proc/PID/mem, stop every thread (bounded), rewind any that
 * sits just past an int3 of ours, let any with a queued trap take it, and
 * detach.  Only syscalls, no allocation.
 */
void
zd_pt_emergency(struct zd_ptrace *p)
{
	int64_t deadline;
	size_t i;

	if (p->exited)
		return;
	for (i = 0; i < p->bps.n; i++)
		if (p->bps.v[i].inserted && p->memfd >= 0 &&
		    pwrite(p->memfd, &p->bps.v[i].orig, 1, (off_t)p->bps.v[i].addr) == 1)
			p->bps.v[i].inserted = false;
	for (i = 0; i < p->nth; i++)
		if (!(p->th[i].flags & ZD_TH_GONE) && (p->th[i].flags & ZD_TH_SEIZED))
			pt(PTRACE_INTERRUPT, p->th[i].tid, 0, 0);
	deadline = zd_now_ns() + 300 * 1000000LL;
	for (i = 0; i < p->nth; i++) {
		struct zd_thread *t = &p->th[i];

		if ((t->flags & ZD_TH_GONE) || !emergency_stopped(t->tid, deadline))
			continue;
		emergency_trap(p, t);
		if (p->dr_used) {
			pt(PTRACE_POKEUSER, t->tid, offsetof(struct user, u_debugreg) + 7 * sizeof(long), 0);
			for (unsigned k = 0; k < 4; k++)
				pt(PTRACE_POKEUSER, t->tid, offsetof(struct user, u_debugreg) + k * sizeof(long), 0);
		}
		/* A stop may come first (our INTERRUPT), hence a few rounds. */
		for (int k = 0; k < 3 && trap_pending(t->tid); k++)
			if (pt(PTRACE_CONT, t->tid, 0, 0) == 0 &&
			    emergency_stopped(t->tid, zd_now_ns() + 100 * 1000000LL))
				emergency_trap(p, t);
		pt(PTRACE_DETACH, t->tid, 0,
		   (t->flags & (ZD_TH_GROUP_STOP | ZD_TH_STOPPED)) == ZD_TH_STOPPED ? (unsigned long)t->pending_sig : 0);
	}
}

int
zd_pt_kill(struct zd_ptrace *p)
{
	int64_t deadline = zd_now_ns() + 5000LL * 1000000LL;

	if (p->exited)
		return 0;
	if (kill(p->pid, SIGKILL) < 0)
		return -errno;
	while (!p->exited) {
		struct zd_pt_event ev;
		pid_t tid;
		int status, wsig, r = wait_any(deadline, NULL, &tid, &status, &wsig);
		struct zd_thread *t;

		if (r != 1)
			break;
		t = zd_pt_thread(p, tid);
		if (t)
			note_status(p, t, status, &ev);
	}
	return 0;
}
