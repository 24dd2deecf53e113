/*
 * The ptrace event loop of zdiag trace.
 *
 * Every tracee is PTRACE_SEIZEd (a launched command too: it stops itself
 * before exec and the tracer seizes it), so group-stops can be left in
 * place with PTRACE_LISTEN and attached processes can be stopped with
 * PTRACE_INTERRUPT to detach.  One blocking wait4(-1, __WALL) per event;
 * one PTRACE_GET_SYSCALL_INFO per syscall stop (none at the exit of a
 * syscall that is neither shown nor watched); one restart.
 *
 * The classic flows (t->classic: asked for, or the kernel has no
 * PTRACE_SEIZE) use what every ptrace has: the launched child calls
 * PTRACE_TRACEME and stops itself; -p takes each thread with
 * PTRACE_ATTACH; options are set with PTRACE_SETOPTIONS at a tracee's
 * first stop.  The SIGSTOP that PTRACE_ATTACH queues, the one a new child
 * of a non-seized tracee starts with and the one sent to detach are
 * swallowed at their signal-delivery-stop (TCB_IGNORE_SIGSTOP), so the
 * program never sees them.  Without PTRACE_EVENT_STOP, a stop-signal stop
 * is a group-stop when PTRACE_GETSIGINFO fails with EINVAL; without
 * PTRACE_LISTEN the tracee is restarted from it, as strace does without
 * SEIZE (it keeps running; its parent was told it stopped).  Detaching
 * sends each attached thread a SIGSTOP (tgkill) and detaches it at that
 * SIGSTOP's stop, passing every other signal on meanwhile.  Kernels
 * without PTRACE_GET_SYSCALL_INFO: PTRACE_GETREGS; without
 * process_vm_readv: PTRACE_PEEKDATA (src/trace/mem.c); options the kernel
 * rejects are dropped one by one, each with its own degradation.
 *
 * With a seccomp filter (launched command, partial -e trace set) tracees
 * run under PTRACE_CONT: only the filtered syscalls stop (a seccomp stop
 * at entry, then PTRACE_SYSCALL for the exit stop).  Children must stay
 * traced, since SECCOMP_RET_TRACE without a tracer fails the syscall with
 * ENOSYS: without -f they are followed silently (hidden).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

#include "dec.h"
#include "seccomp-int.h"
#include "tracer-int.h"
#include "zdiag/launch.h"
#include "zdiag/lifecycle.h"
#include "zdiag/pathtrace.h"
#include "zdiag/procfs.h"
#include "zdiag/sig.h"
#include "zdiag/tamper.h"
#include "zdiag/trace.h"
#include "zdiag/xalloc.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

#define NR_EXECVE 59
#define NR_EXECVEAT 322
#define NR_WAIT4 61
#define NR_WAITID 247
#define NR_RESTART 219

#define AUDIT_ARCH_X86_64_ ZD_AUDIT_ARCH_X86_64
#define FOLLOW_OPTS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE)

enum {
	TCB_HIDDEN = 1 << 0,        /* no events (followed only for seccomp) */
	TCB_PRE_EXEC = 1 << 1,      /* the launched command before its exec */
	TCB_ATTACHED = 1 << 2,      /* -p: detach, never kill */
	TCB_STARTUP = 1 << 3,       /* its first stop is still to come */
	TCB_GROUP_STOP = 1 << 4,    /* in a group-stop (PTRACE_LISTEN) */
	TCB_WATCH = 1 << 5,         /* current syscall watched (lifecycle) */
	TCB_DETACHING = 1 << 6,     /* PTRACE_INTERRUPT sent to detach */
	TCB_STATE_KNOWN = 1 << 7,   /* in_syscall is known to be right */
	TCB_SPAWN_SEEN = 1 << 8,    /* the parent's fork event arrived */
	TCB_IGNORE_SIGSTOP = 1 << 9, /* classic: a SIGSTOP of ours is still to come */
	TCB_SET_OPTS = 1 << 10,     /* PTRACE_SETOPTIONS at its first stop */
	TCB_EXEC_TRAP = 1 << 11,    /* no PTRACE_O_TRACEEXEC: execve's SIGTRAP is to come */
	TCB_TAMPER = 1 << 12,       /* the current call is tampered with (-e inject=) */
};

/* Fallbacks reported once each (zd_trace_ops.notice). */
enum {
	NOTE_CLASSIC = 1 << 0,
	NOTE_GETREGS = 1 << 1,
	NOTE_PEEK = 1 << 2,
	NOTE_SETOPTIONS = 1 << 3,
};

struct zd_tracer {
	struct zd_trace_opts o;
	struct zd_trace_ops ops;
	void *ctx;

	/* tid -> tcb, open addressing (tid 0 = empty, -1 = deleted) */
	pid_t *keys;
	struct zd_tcb **vals;
	size_t hcap, hused;
	struct zd_tcb *last;
	struct timespec stime;      /* want_stime: the last stop's ru_stime */
	size_t ntcb;
	size_t nvisible;            /* tcbs whose events are reported */

	struct zd_lifecycle lc;

	unsigned ptrace_opts;       /* options of launched tracees */
	unsigned attach_opts;       /* options of attached ones (no EXITKILL) */
	unsigned opts_dropped;      /* PTRACE_O_* the kernel rejects */
	bool sysgood;               /* PTRACE_O_TRACESYSGOOD in effect */
	bool have_info;             /* PTRACE_GET_SYSCALL_INFO works */
	bool info_probed;
	bool classic;               /* TRACEME/ATTACH flows (no PTRACE_SEIZE) */
	bool seize_ok;              /* a PTRACE_SEIZE succeeded: no fallback now */
	unsigned noted;             /* NOTE_* already reported */
	const char *failed_call;    /* the request behind a launch/attach error */
	pid_t self;                 /* getpid(): our own SIGSTOPs */

	pid_t root;                 /* the launched command, 0 if none */
	bool root_execd;            /* its exec succeeded */
	bool root_exec_tried;       /* its first exec failed */
	bool hide_root_after;       /* hide it from the next stop on */
	int root_status;
	int errpipe;                /* read end: the child's exec errno */
	int exec_errno;

	bool use_seccomp;           /* filter wanted and built */
	bool seccomp_active;        /* tracees run under PTRACE_CONT */
	const char *seccomp_note;
	char seccomp_why[160];
	struct sock_fprog prog;

	int stops_handled;          /* *o.stop values acted upon */
	struct zd_tamper_queue held; /* threads held by a delay_enter=/delay_exit= */
	bool root_detached;         /* -b execve let the launched command go */
};

/* ---------------------------------------------------------------- */
/* The tcb table                                                     */

static size_t
hslot(pid_t tid, size_t cap)
{
	return ((size_t)(uint32_t)tid * 2654435761u) & (cap - 1);
}

static void
hput(struct zd_tracer *t, struct zd_tcb *tcb);

static void
hgrow(struct zd_tracer *t)
{
	pid_t *ok = t->keys;
	struct zd_tcb **ov = t->vals;
	size_t ocap = t->hcap, i;

	t->hcap = ocap ? ocap * 2 : 64;
	t->keys = zd_xcalloc(t->hcap, sizeof(*t->keys));
	t->vals = zd_xcalloc(t->hcap, sizeof(*t->vals));
	t->hused = 0;
	for (i = 0; i < ocap; i++)
		if (ok[i] > 0)
			hput(t, ov[i]);
	free(ok);
	free(ov);
}

static void
hput(struct zd_tracer *t, struct zd_tcb *tcb)
{
	size_t i;

	if ((t->hused + 1) * 2 > t->hcap)
		hgrow(t);
	for (i = hslot(tcb->tid, t->hcap);; i = (i + 1) & (t->hcap - 1)) {
		if (t->keys[i] <= 0) {
			if (!t->keys[i])
				t->hused++;
			t->keys[i] = tcb->tid;
			t->vals[i] = tcb;
			return;
		}
	}
}

static struct zd_tcb *
hget(struct zd_tracer *t, pid_t tid)
{
	size_t i;

	if (t->last && t->last->tid == tid)
		return t->last;
	if (!t->hcap)
		return NULL;
	for (i = hslot(tid, t->hcap); t->keys[i]; i = (i + 1) & (t->hcap - 1)) {
		if (t->keys[i] == tid) {
			t->last = t->vals[i];
			return t->vals[i];
		}
	}
	return NULL;
}

static void
hdel(struct zd_tracer *t, pid_t tid)
{
	size_t i;

	if (t->last && t->last->tid == tid)
		t->last = NULL;
	if (!t->hcap)
		return;
	for (i = hslot(tid, t->hcap); t->keys[i]; i = (i + 1) & (t->hcap - 1)) {
		if (t->keys[i] == tid) {
			t->keys[i] = -1;
			t->vals[i] = NULL;
			return;
		}
	}
}

#define INVISIBLE (TCB_HIDDEN | TCB_PRE_EXEC)

/* Change flags, keeping the count of visible tracees right. */
static void
tcb_flags(struct zd_tracer *t, struct zd_tcb *tcb, unsigned set, unsigned clear)
{
	bool was = !(tcb->flags & INVISIBLE);

	tcb->flags = (tcb->flags & ~clear) | set;
	if (was != !(tcb->flags & INVISIBLE)) {
		if (was)
			t->nvisible--;
		else
			t->nvisible++;
	}
}

static struct zd_tcb *
tcb_new(struct zd_tracer *t, pid_t tid, pid_t pid, unsigned flags)
{
	struct zd_tcb *tcb = zd_xcalloc(1, sizeof(*tcb));

	tcb->tid = tid;
	tcb->pid = pid;
	tcb->flags = flags;
	tcb->sc_nr = -1;
	tcb->last_nr = -1;
	zd_sb_init(&tcb->line);
	hput(t, tcb);
	t->ntcb++;
	if (!(flags & INVISIBLE))
		t->nvisible++;
	return tcb;
}

static void
tcb_free(struct zd_tracer *t, struct zd_tcb *tcb)
{
	hdel(t, tcb->tid);
	t->ntcb--;
	if (!(tcb->flags & INVISIBLE))
		t->nvisible--;
	zd_call_release(&tcb->call);
	zd_sb_release(&tcb->line);
	zd_tamper_tcb_free(tcb->tamper);
	zd_tamper_unhold(&t->held, tcb->tid);
	free(tcb);
}

/* Iterate over every tcb (the table may change during the walk only by
 * deleting the current one). */
#define FOR_EACH_TCB(t, i, tcb) \
	for (i = 0; i < (t)->hcap; i++) \
		if ((t)->keys[i] > 0 && ((tcb) = (t)->vals[i]))

/* ---------------------------------------------------------------- */
/* Small helpers                                                     */

static void
now_ts(struct zd_tracer *t, struct zd_tev *ev)
{
	if (t->o.want_wall)
		clock_gettime(CLOCK_REALTIME, &ev->wall);
	if (t->o.want_mono)
		clock_gettime(CLOCK_MONOTONIC, &ev->mono);
	ev->stime = t->stime;
}

static void
emit(struct zd_tracer *t, struct zd_tev *ev)
{
	if (t->ops.event)
		t->ops.event(t->ctx, ev);
}

/* Report a fallback of the given kind (NOTE_*), once. */
static void ZD_PRINTF(3, 4)
notice(struct zd_tracer *t, unsigned kind, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (kind && (t->noted & kind))
		return;
	t->noted |= kind;
	if (!t->ops.notice)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->ops.notice(t->ctx, msg);
}

/* -d: one line for ops.debug. */
static void ZD_PRINTF(2, 3)
debug(struct zd_tracer *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->ops.debug(t->ctx, msg);
}

/* -d: a wait status, as strace -d prints it. */
static void
debug_status(struct zd_tracer *t, pid_t pid, int status)
{
	static const char *const events[] = {
		[PTRACE_EVENT_FORK] = "FORK", [PTRACE_EVENT_VFORK] = "VFORK", [PTRACE_EVENT_CLONE] = "CLONE",
		[PTRACE_EVENT_EXEC] = "EXEC", [PTRACE_EVENT_VFORK_DONE] = "VFORK_DONE",
		[PTRACE_EVENT_EXIT] = "EXIT", [PTRACE_EVENT_SECCOMP] = "SECCOMP",
	};
	unsigned event = (unsigned)status >> 16;
	char what[64], ev[48] = "";

	if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "WIFSIGNALED,%ssig=%s", WCOREDUMP(status) ? "core," : "",
			 zd_dec_signame(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(what, sizeof(what), "WIFEXITED,exitcode=%d", WEXITSTATUS(status));
	else if (WIFSTOPPED(status))
		snprintf(what, sizeof(what), "WIFSTOPPED,sig=%s", zd_dec_signame(WSTOPSIG(status)));
	else
		snprintf(what, sizeof(what), "???");
	if (event)
		snprintf(ev, sizeof(ev), ",EVENT_%s (%u)",
			 event == PTRACE_EVENT_STOP ? "STOP" :
			 event < ZD_ARRAY_SIZE(events) && events[event] ? events[event] : "??", event);
	debug(t, "[wait(0x%06x) = %d] %s%s", (unsigned)status, (int)pid, what, ev);
}

static const char *
ename(int e)
{
	const char *n = zd_errname(e);

	return n ? n : "unknown error";
}

/* The errno that says "this kernel has no such ptrace request". */
static bool
unsupported(int e)
{
	return e == EIO || e == EINVAL || e == ENOSYS;
}

static bool
hidden(const struct zd_tcb *tcb)
{
	return tcb->flags & (TCB_HIDDEN | TCB_PRE_EXEC);
}

/* Under the seccomp filter: the launched command and its descendants.
 * Processes attached with -p (and theirs) have no filter of ours, so
 * every syscall stops them (strace: "--seccomp-bpf is not enabled for
 * processes attached with -p"). */
static bool
filtered(const struct zd_tracer *t, const struct zd_tcb *tcb)
{
	return t->seccomp_active && !(tcb->flags & TCB_ATTACHED);
}

static void
restart(struct zd_tracer *t, struct zd_tcb *tcb, int sig)
{
	int req = (filtered(t, tcb) && !tcb->in_syscall) ? PTRACE_CONT : PTRACE_SYSCALL;
	struct timespec delay;

	if (tcb->tamper && zd_tamper_take(tcb->tamper, &sig, &delay)) {
		zd_tamper_hold(&t->held, tcb->tid, req, sig, &delay);
		return;
	}
	if (t->ops.debug)
		debug(t, "ptrace(%s, %d, 0, %d)", req == PTRACE_CONT ? "PTRACE_CONT" : "PTRACE_SYSCALL",
		      (int)tcb->tid, sig);
	if (ptrace(req, tcb->tid, NULL, (void *)(long)sig) < 0 && errno != ESRCH) {
		/* Nothing sensible to do: the tracee is gone or not stopped. */
	}
}

/* Read Tgid and PPid of tid from /proc (for tasks seen before their
 * parent's fork event). */
static void
read_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[48], buf[2048];
	struct zd_status st;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (zd_read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0 && zd_status_parse(buf, &st) == 0) {
		*tgid = st.tgid ? st.tgid : tid;
		*ppid = st.ppid;
		return;
	}
	*tgid = tid;
	*ppid = 0;
}

static void
read_comm(pid_t pid, char *buf, size_t size)
{
	char path[48];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	n = zd_read_small(AT_FDCWD, path, buf, size);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

static struct zd_tproc *
proc_for(struct zd_tracer *t, pid_t pid, pid_t ppid, enum zd_lc_origin origin, const struct timespec *now,
	 bool shown)
{
	struct zd_tproc *p = zd_lc_find(&t->lc, pid);

	if (p && !p->exited)
		return p;
	p = zd_lc_add(&t->lc, pid, ppid, origin, now);
	p->traced = shown;
	if (t->o.want_comm)
		read_comm(pid, p->comm, sizeof(p->comm));
	return p;
}

static void
mono_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static struct zd_tcb *exec_done(struct zd_tracer *t, struct zd_tcb *tcb, unsigned long old);

/* ---------------------------------------------------------------- */
/* Syscall state                                                     */

void
zd_trace_regs_info(const struct user_regs_struct *r, bool exiting, struct zd_scinfo *si)
{
	memset(si, 0, sizeof(*si));
	si->op = exiting ? PTRACE_SYSCALL_INFO_EXIT : PTRACE_SYSCALL_INFO_ENTRY;
	si->arch = r->cs == 0x23 ? ZD_AUDIT_ARCH_I386 : ZD_AUDIT_ARCH_X86_64;
	si->nr = (long)r->orig_rax;
	if (si->arch == ZD_AUDIT_ARCH_I386) {
		si->nr = (long)(uint32_t)r->orig_rax;
		si->args[0] = (uint32_t)r->rbx;
		si->args[1] = (uint32_t)r->rcx;
		si->args[2] = (uint32_t)r->rdx;
		si->args[3] = (uint32_t)r->rsi;
		si->args[4] = (uint32_t)r->rdi;
		si->args[5] = (uint32_t)r->rbp;
	} else {
		si->args[0] = r->rdi;
		si->args[1] = r->rsi;
		si->args[2] = r->rdx;
		si->args[3] = r->r10;
		si->args[4] = r->r8;
		si->args[5] = r->r9;
	}
	si->rval = (int64_t)r->rax;
	si->sp = r->rsp;
	si->ip = r->rip;
}

static int
get_info(struct zd_tracer *t, struct zd_tcb *tcb, struct zd_scinfo *si)
{
	/* (Without TRACESYSGOOD the kernel's answer would be op NONE.) */
	if ((t->have_info || !t->info_probed) && t->sysgood) {
		struct ptrace_syscall_info info;
		long n;
		int e;

		/* valgrind does not know this request fills info. */
		memset(&info, 0, sizeof(info));
		n = ptrace(PTRACE_GET_SYSCALL_INFO, tcb->tid, (void *)sizeof(info), &info);
		if (n > 0) {
			if (!t->info_probed) {
				t->info_probed = true;
				t->have_info = true;
			}
			/* The kernel knows entry from exit only with
			 * PTRACE_O_TRACESYSGOOD: without it, registers. */
			if (info.op == PTRACE_SYSCALL_INFO_NONE)
				goto regs;
			memset(si, 0, sizeof(*si));
			si->op = info.op;
			si->arch = info.arch;
			si->sp = info.stack_pointer;
			si->ip = info.instruction_pointer;
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY || info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
				si->nr = (long)info.entry.nr;
				memcpy(si->args, info.entry.args, sizeof(si->args));
			} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
				si->rval = info.exit.rval;
			}
			return 0;
		}
		e = n < 0 ? errno : EIO;
		/* Only "no such request" decides; a tracee that died decides nothing. */
		if (t->have_info || !unsupported(e))
			return -e;
		t->info_probed = true;
		t->have_info = false;
		notice(t, NOTE_GETREGS, "PTRACE_GET_SYSCALL_INFO is not available (%s): syscall state from PTRACE_GETREGS",
		       ename(e));
	}
	/* No PTRACE_GET_SYSCALL_INFO (kernels before 5.3, or the classic
	 * flows): registers, and entry or exit from our own bookkeeping. */
regs:
	{
		struct user_regs_struct r;

		if (ptrace(PTRACE_GETREGS, tcb->tid, NULL, &r) < 0)
			return -errno;
		zd_trace_regs_info(&r, tcb->in_syscall, si);
	}
	return 0;
}

/* A syscall number in our table's space (other ABIs are unknown numbers). */
static long
table_nr(const struct zd_scinfo *si)
{
	if (si->arch && si->arch != AUDIT_ARCH_X86_64_)
		return 0x40000000L | si->nr;   /* never in the table */
	return si->nr;
}

static void
on_entry(struct zd_tracer *t, struct zd_tcb *tcb, const struct zd_scinfo *si)
{
	long nr = table_nr(si);
	bool was_hidden = hidden(tcb);   /* strace: no tampering before the first exec */

	tcb->in_syscall = true;
	tcb->flags = (tcb->flags | TCB_STATE_KNOWN) & ~TCB_TAMPER;
	tcb->sc_nr = nr;
	memcpy(tcb->call.args, si->args, sizeof(si->args));
	if ((tcb->flags & TCB_PRE_EXEC) && (nr == NR_EXECVE || nr == NR_EXECVEAT))
		tcb_flags(t, tcb, 0, TCB_PRE_EXEC);
	tcb->sc_shown = !hidden(tcb) && zd_scset_has(&t->o.show, nr) &&
			(!t->o.paths || zd_pathtrace_match(t->o.paths, tcb->tid, nr, si->args));
	if (zd_scset_has(&t->o.also_stop, nr))
		tcb->flags |= TCB_WATCH;
	else
		tcb->flags &= ~TCB_WATCH;
	if (tcb->sc_shown) {
		struct zd_tev ev = { .type = ZD_TEV_SYSCALL_ENTER, .tcb = tcb };

		now_ts(t, &ev);
		tcb->sc_start = ev.mono;
		tcb->sc_start_wall = ev.wall;
		tcb->sc_start_stime = ev.stime;
		tcb->sc_ip = si->ip;
		zd_call_init(&tcb->call, tcb->tid, nr, si->args, &t->o.dec);
		tcb->call.sp = si->sp;
		if (nr == NR_RESTART)
			tcb->call.restarted_nr = tcb->last_nr;
		zd_sb_reset(&tcb->line);
		if (t->o.tamper && !was_hidden &&
		    zd_tamper_enter(t->o.tamper, &tcb->tamper, tcb->tid, nr, si->args,
				    si->op == PTRACE_SYSCALL_INFO_SECCOMP))
			tcb->flags |= TCB_TAMPER;
		if (t->o.decode)
			zd_call_entry(&tcb->call, &tcb->line);
		emit(t, &ev);
	}
}

/* A watched wait4/waitid returned: record the reap for the lifecycle. */
static void
check_reap(struct zd_tracer *t, struct zd_tcb *tcb, int64_t rval)
{
	pid_t child = 0;
	enum zd_lc_reap how;
	struct timespec now;
	struct zd_tproc *p;

	if (zd_call_failed(rval))
		return;
	if (tcb->sc_nr == NR_WAIT4) {
		if (rval <= 0)
			return;
		child = (pid_t)rval;
		how = ZD_REAP_WAIT4;
	} else if (tcb->sc_nr == NR_WAITID) {
		siginfo_t info;

		if (rval != 0 || !tcb->call.args[2] || (tcb->call.args[3] & 0x01000000 /* WNOWAIT */))
			return;
		if (zd_umove(tcb->tid, tcb->call.args[2], &info, sizeof(info)) != sizeof(info))
			return;
		if (info.si_code != CLD_EXITED && info.si_code != CLD_KILLED && info.si_code != CLD_DUMPED)
			return;
		child = info.si_pid;
		how = ZD_REAP_WAITID;
	} else {
		return;
	}
	mono_now(&now);
	p = zd_lc_reap(&t->lc, tcb->pid, child, how, &now);
	if (p && !hidden(tcb)) {
		struct zd_tev ev = { .type = ZD_TEV_REAP, .tcb = tcb, .child = child };

		now_ts(t, &ev);
		emit(t, &ev);
	}
}

static void
on_exit_stop(struct zd_tracer *t, struct zd_tcb *tcb, const struct zd_scinfo *real)
{
	struct zd_scinfo tampered = *real;
	const struct zd_scinfo *si = &tampered;   /* rval: what the tracee sees */
	unsigned notes = 0;

	if (tcb->flags & TCB_TAMPER) {
		tcb->flags &= ~TCB_TAMPER;
		notes = zd_tamper_exit(tcb->tamper, tcb->tid, tcb->sc_nr, tcb->call.args, &tampered.rval);
	}
	if (!tcb->in_syscall) {
		/* An exit without its entry: attached in the middle of a call. */
		long nr = table_nr(si);

		tcb->flags |= TCB_STATE_KNOWN;
		if (!hidden(tcb) && si->op == PTRACE_SYSCALL_INFO_EXIT && zd_scset_has(&t->o.show, nr)) {
			/* Only the return value is known; shown as resumed. */
			(void)nr;
		}
		return;
	}
	if ((tcb->flags & TCB_WATCH) || (tcb->sc_shown && (tcb->sc_nr == NR_WAIT4 || tcb->sc_nr == NR_WAITID)))
		check_reap(t, tcb, si->rval);
	if (tcb->tid == t->root && !t->root_execd && (tcb->sc_nr == NR_EXECVE || tcb->sc_nr == NR_EXECVEAT)) {
		if (!zd_call_failed(si->rval)) {
			t->root_execd = true;
		} else if (!t->root_exec_tried) {
			/* The command could not be executed: what the child does
			 * next is zdiag's own code (reporting the error).  Show
			 * the failed execve, hide the rest, except the sh
			 * fallback for scripts without "#!". */
			t->root_exec_tried = true;
			if (si->rval != -ENOEXEC)
				t->hide_root_after = true;
		}
	}
	if ((t->opts_dropped & PTRACE_O_TRACEEXEC) && (tcb->sc_nr == NR_EXECVE || tcb->sc_nr == NR_EXECVEAT) &&
	    !zd_call_failed(si->rval)) {
		/* No PTRACE_EVENT_EXEC: the successful return is the exec (a
		 * non-seized tracee also gets a SIGTRAP, swallowed later). */
		exec_done(t, tcb, 0);
		if (t->classic)
			tcb->flags |= TCB_EXEC_TRAP;
	}
	if (tcb->sc_shown) {
		struct zd_tev ev = { .type = ZD_TEV_SYSCALL_EXIT, .tcb = tcb };

		now_ts(t, &ev);
		tcb->call.tampered = notes;
		if (t->o.decode)
			zd_call_exit(&tcb->call, &tcb->line, si->rval);
		else
			tcb->call.rval = si->rval, tcb->call.exited = true;
		emit(t, &ev);
	}
	tcb->last_nr = tcb->sc_nr;
	tcb->in_syscall = false;
	tcb->sc_shown = false;
	tcb->flags &= ~TCB_WATCH;
	if (t->hide_root_after && tcb->tid == t->root) {
		t->hide_root_after = false;
		tcb_flags(t, tcb, TCB_HIDDEN, 0);
	}
}

static void
on_syscall_stop(struct zd_tracer *t, struct zd_tcb *tcb)
{
	struct zd_scinfo si;

	/* The exit of a call nobody looks at needs no syscall info. */
	if (tcb->in_syscall && (tcb->flags & TCB_STATE_KNOWN) && !tcb->sc_shown && !(tcb->flags & TCB_WATCH)) {
		tcb->last_nr = tcb->sc_nr;
		tcb->in_syscall = false;
		restart(t, tcb, 0);
		return;
	}
	if (get_info(t, tcb, &si) < 0) {
		restart(t, tcb, 0);
		return;
	}
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
		if (tcb->in_syscall && tcb->sc_shown && filtered(t, tcb) && tcb->sc_nr == table_nr(&si)) {
			/* Entry stop after the seccomp stop (kernels before 4.8). */
		} else {
			if (tcb->in_syscall && tcb->sc_shown) {
				/* Lost the exit (should not happen): finish it as unknown. */
				tcb->in_syscall = false;
			}
			on_entry(t, tcb, &si);
		}
	} else if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		on_exit_stop(t, tcb, &si);
	}
	restart(t, tcb, 0);
}

static void
on_seccomp_stop(struct zd_tracer *t, struct zd_tcb *tcb)
{
	struct zd_scinfo si;

	if (get_info(t, tcb, &si) < 0) {
		restart(t, tcb, 0);
		return;
	}
	if (!filtered(t, tcb)) {
		/* A filter from before zdiag (or ours without ptrace stops
		 * wanted): the syscall-entry stop follows anyway. */
		restart(t, tcb, 0);
		return;
	}
	if (si.op != PTRACE_SYSCALL_INFO_SECCOMP)
		si.op = PTRACE_SYSCALL_INFO_ENTRY;
	on_entry(t, tcb, &si);
	restart(t, tcb, 0);   /* in_syscall: PTRACE_SYSCALL, for the exit stop */
}

/* ---------------------------------------------------------------- */
/* Process events                                                    */

static bool
is_thread_of(pid_t tgid, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)tgid, (int)tid);
	return access(path, F_OK) == 0;
}

static unsigned
child_flags(struct zd_tracer *t, const struct zd_tcb *parent)
{
	unsigned f = 0;

	if ((parent->flags & TCB_HIDDEN) || !t->o.follow)
		f |= TCB_HIDDEN;
	if (parent->flags & TCB_ATTACHED)
		f |= TCB_ATTACHED;
	return f;
}

static void
on_spawn(struct zd_tracer *t, struct zd_tcb *tcb, int event)
{
	unsigned long msg = 0;
	struct zd_tcb *child;
	struct zd_tev ev = { .type = ZD_TEV_SPAWN, .tcb = tcb };
	bool thread = false;
	pid_t cpid;
	struct timespec now;

	if (ptrace(PTRACE_GETEVENTMSG, tcb->tid, NULL, &msg) < 0 || !msg) {
		restart(t, tcb, 0);
		return;
	}
	cpid = (pid_t)msg;
	if (event == PTRACE_EVENT_CLONE)
		thread = is_thread_of(tcb->pid, cpid);
	ev.child = cpid;
	ev.spawn = event == PTRACE_EVENT_FORK ? ZD_SPAWN_FORK : event == PTRACE_EVENT_VFORK ? ZD_SPAWN_VFORK :
		   thread ? ZD_SPAWN_THREAD : ZD_SPAWN_CLONE;
	child = hget(t, cpid);
	if (!child) {
		child = tcb_new(t, cpid, thread ? tcb->pid : cpid,
				child_flags(t, tcb) | TCB_STARTUP | (t->classic ? TCB_IGNORE_SIGSTOP : 0));
	} else {
		/* Its first stop came before this event: set it right. */
		child->pid = thread ? tcb->pid : cpid;
		tcb_flags(t, child, child_flags(t, tcb), TCB_HIDDEN | TCB_ATTACHED);
	}
	child->flags |= TCB_SPAWN_SEEN;
	now_ts(t, &ev);
	mono_now(&now);
	if (thread) {
		child->proc = tcb->proc;
		if (child->proc) {
			child->proc->threads++;
			if (child->proc->threads > child->proc->threads_max)
				child->proc->threads_max = child->proc->threads;
		}
	} else if (!child->proc) {
		child->proc = proc_for(t, cpid, tcb->pid,
				       event == PTRACE_EVENT_FORK ? ZD_LC_FORK :
				       event == PTRACE_EVENT_VFORK ? ZD_LC_VFORK : ZD_LC_CLONE,
				       &now, !hidden(child));
		child->proc->parent = tcb->proc;
		child->proc->threads = child->proc->threads_max = 1;
	}
	if (!hidden(tcb))
		emit(t, &ev);
	restart(t, tcb, 0);
}

/* tcb exec'd; old: the tid that exec'd (a thread, which took the
 * leader's tid), or 0.  Returns the tcb that lives on. */
static struct zd_tcb *
exec_done(struct zd_tracer *t, struct zd_tcb *tcb, unsigned long old)
{
	struct zd_tev ev = { .type = ZD_TEV_EXEC, .tcb = tcb };

	if (old && (pid_t)old != tcb->tid) {
		/* A non-leader thread exec'd: the kernel gave it the leader's
		 * tid and the leader is gone.  Close the leader's record and
		 * let the exec'ing thread's tcb (its call state, and whatever
		 * the renderer holds of it) live on under the leader's tid. */
		struct zd_tcb *from = hget(t, (pid_t)old);

		if (from) {
			pid_t leader = tcb->tid;

			if (!hidden(tcb)) {
				struct zd_tev sev = { .type = ZD_TEV_SUPERSEDED, .tcb = tcb, .child = (pid_t)old };

				now_ts(t, &sev);
				emit(t, &sev);
			}
			if (from->proc && from->proc->threads)
				from->proc->threads--;
			tcb_free(t, tcb);
			hdel(t, (pid_t)old);
			from->tid = leader;
			from->call.tid = leader;
			hput(t, from);
			tcb = from;
			ev.tcb = tcb;
		}
	}
	if (tcb->proc) {
		tcb->proc->execs++;
		tcb->proc->threads = tcb->proc->threads_max = 1;
		if (t->o.want_comm)
			read_comm(tcb->pid, tcb->proc->comm, sizeof(tcb->proc->comm));
	}
	if (tcb->flags & TCB_PRE_EXEC) {
		/* The launched command exec'd without a stop at execve's entry:
		 * the filter did not load.  Trace without it from now on. */
		tcb_flags(t, tcb, 0, TCB_PRE_EXEC);
		if (t->seccomp_active) {
			t->seccomp_active = false;
			t->seccomp_note = "the seccomp filter could not be installed";
		}
	}
	if (!hidden(tcb)) {
		now_ts(t, &ev);
		emit(t, &ev);
	}
	return tcb;
}

/* -b execve: let tcb go at its exec event (not the launched command's
 * first exec), as strace does: its execve line ends "<detached ...>". */
static void
detach_at_exec(struct zd_tracer *t, struct zd_tcb *tcb)
{
	if (!hidden(tcb)) {
		struct zd_tev ev = { .type = ZD_TEV_DETACH, .tcb = tcb };

		now_ts(t, &ev);
		emit(t, &ev);
	}
	if (t->ops.debug)
		debug(t, "ptrace(PTRACE_DETACH, %d, 0, 0)", (int)tcb->tid);
	ptrace(PTRACE_DETACH, tcb->tid, NULL, NULL);
	if (tcb->tid == t->root)
		t->root_detached = true;   /* still our child: its status comes by wait */
	tcb_free(t, tcb);
}

static void
on_exec(struct zd_tracer *t, struct zd_tcb *tcb)
{
	unsigned long old = 0;

	if (ptrace(PTRACE_GETEVENTMSG, tcb->tid, NULL, &old) < 0)
		old = 0;
	tcb = exec_done(t, tcb, old);
	if (t->o.detach_on_execve && !(tcb->tid == t->root && !t->root_execd)) {
		detach_at_exec(t, tcb);
		return;
	}
	restart(t, tcb, 0);
}

static void
on_gone(struct zd_tracer *t, struct zd_tcb *tcb, int status)
{
	struct zd_tev ev = { .type = ZD_TEV_EXIT, .tcb = tcb, .status = status };
	struct zd_tproc *p = tcb->proc;

	ev.unfinished = tcb->in_syscall && tcb->sc_shown;
	if (!hidden(tcb) || tcb->tid == t->root) {
		now_ts(t, &ev);
		if (!hidden(tcb))
			emit(t, &ev);
	}
	if (p && tcb->tid == tcb->pid) {
		struct timespec now;

		mono_now(&now);
		zd_lc_exit(&t->lc, p, status, &now);
		if (tcb->tid == t->root)
			zd_lc_reap(&t->lc, 0, tcb->tid, ZD_REAP_TRACER, &now);
	} else if (p && p->threads) {
		p->threads--;
	}
	if (tcb->tid == t->root)
		t->root_status = status;
	tcb_free(t, tcb);
}

/* A signal-delivery-stop: show it (known: its siginfo, or NULL) and pass
 * the signal on. */
static void
on_signal(struct zd_tracer *t, struct zd_tcb *tcb, int sig, const siginfo_t *known)
{
	siginfo_t si;

	if (!hidden(tcb) && sig >= 1 && sig <= 64 && ((t->o.show_signals >> (sig - 1)) & 1)) {
		struct zd_tev ev = { .type = ZD_TEV_SIGNAL, .tcb = tcb };

		if (known) {
			si = *known;
		} else {
			memset(&si, 0, sizeof(si));
			if (ptrace(PTRACE_GETSIGINFO, tcb->tid, NULL, &si) < 0) {
				si.si_signo = sig;
				si.si_code = SI_KERNEL;
			}
		}
		ev.si = &si;
		now_ts(t, &ev);
		if (t->o.want_ip) {
			struct user_regs_struct r;

			tcb->sig_ip = 0;
			tcb->sig_nr = -1;
			if (ptrace(PTRACE_GETREGS, tcb->tid, NULL, &r) == 0) {
				tcb->sig_ip = r.rip;
				tcb->sig_nr = (long)r.orig_rax;
			}
		}
		emit(t, &ev);
	}
	restart(t, tcb, sig);
}

static bool
is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void
on_event_stop(struct zd_tracer *t, struct zd_tcb *tcb, int sig)
{
	if (tcb->flags & TCB_STARTUP) {
		tcb->flags &= ~TCB_STARTUP;
		if ((tcb->flags & TCB_ATTACHED) && !hidden(tcb) && !(tcb->flags & TCB_SPAWN_SEEN)) {
			struct zd_tev ev = { .type = ZD_TEV_ATTACH, .tcb = tcb };

			now_ts(t, &ev);
			emit(t, &ev);
		}
		restart(t, tcb, 0);
		return;
	}
	if (is_stop_signal(sig)) {
		/* A group-stop: leave it stopped, as it would be untraced, but
		 * keep listening for SIGCONT and SIGKILL. */
		if (!(tcb->flags & TCB_GROUP_STOP) && !hidden(tcb)) {
			struct zd_tev ev = { .type = ZD_TEV_GROUP_STOP, .tcb = tcb, .status = sig };

			now_ts(t, &ev);
			emit(t, &ev);
		}
		tcb->flags |= TCB_GROUP_STOP;
		if (ptrace(PTRACE_LISTEN, tcb->tid, NULL, NULL) < 0)
			restart(t, tcb, 0);
		return;
	}
	/* PTRACE_INTERRUPT, or the end of a group-stop (SIGCONT). */
	tcb->flags &= ~TCB_GROUP_STOP;
	restart(t, tcb, 0);
}

bool
zd_trace_own_sigstop(const siginfo_t *si, pid_t self, pid_t tid)
{
	if (si->si_signo != SIGSTOP)
		return false;
	switch (si->si_code) {
	case SI_KERNEL:
	case SI_USER:
	case SI_TKILL:
		return si->si_pid == 0 || si->si_pid == self || si->si_pid == tid;
	default:
		return false;
	}
}

/* A stop of a non-seized tracee that is not a syscall or an event stop:
 * a signal-delivery-stop or, for a stop signal, maybe a group-stop. */
static void
on_classic_stop(struct zd_tracer *t, struct zd_tcb *tcb, int sig)
{
	siginfo_t si;

	if (tcb->flags & TCB_STARTUP) {
		/* Its first stop: not inside a syscall (no syscall stops yet). */
		tcb->flags &= ~TCB_STARTUP;
		tcb->flags |= TCB_STATE_KNOWN;
		if ((tcb->flags & TCB_ATTACHED) && !hidden(tcb) && !(tcb->flags & TCB_SPAWN_SEEN)) {
			struct zd_tev ev = { .type = ZD_TEV_ATTACH, .tcb = tcb };

			now_ts(t, &ev);
			emit(t, &ev);
		}
	}
	if (sig == SIGTRAP && (tcb->flags & TCB_EXEC_TRAP)) {
		/* The legacy SIGTRAP after execve (no PTRACE_O_TRACEEXEC). */
		tcb->flags &= ~TCB_EXEC_TRAP;
		restart(t, tcb, 0);
		return;
	}
	if (!is_stop_signal(sig)) {
		on_signal(t, tcb, sig, NULL);
		return;
	}
	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, tcb->tid, NULL, &si) < 0) {
		if (errno != EINVAL) {
			restart(t, tcb, 0);   /* gone (ESRCH): its exit follows */
			return;
		}
		/* A group-stop.  Without PTRACE_LISTEN the only way to keep
		 * the tracee stopped is not to restart it, and then SIGCONT
		 * could not wake it: restart it, as strace does without
		 * PTRACE_SEIZE.  Its parent has been told it stopped. */
		if (!hidden(tcb)) {
			struct zd_tev ev = { .type = ZD_TEV_GROUP_STOP, .tcb = tcb, .status = sig };

			now_ts(t, &ev);
			emit(t, &ev);
		}
		restart(t, tcb, 0);
		return;
	}
	if (sig == SIGSTOP && (tcb->flags & TCB_IGNORE_SIGSTOP) && zd_trace_own_sigstop(&si, t->self, tcb->tid)) {
		/* PTRACE_ATTACH's, a new child's, or the launched child's own
		 * SIGSTOP: swallowed, so the program never stops. */
		tcb->flags &= ~TCB_IGNORE_SIGSTOP;
		restart(t, tcb, 0);
		return;
	}
	on_signal(t, tcb, sig, &si);
}

/* Without PTRACE_O_TRACESYSGOOD a syscall stop is a plain SIGTRAP stop:
 * its siginfo says which (si_code SIGTRAP, from ptrace_notify). */
static bool
is_syscall_trap(const struct zd_tcb *tcb)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return ptrace(PTRACE_GETSIGINFO, tcb->tid, NULL, &si) == 0 && si.si_code == SIGTRAP;
}

/* ---------------------------------------------------------------- */
/* Options the kernel rejects                                        */

int
zd_trace_opts_probe(unsigned want, int (*set)(void *ctx, unsigned opts), void *ctx, unsigned *dropped)
{
	static const unsigned order[] = {
		PTRACE_O_TRACESYSGOOD, PTRACE_O_TRACEEXEC, PTRACE_O_TRACEFORK, PTRACE_O_TRACEVFORK,
		PTRACE_O_TRACECLONE, PTRACE_O_TRACEEXIT, PTRACE_O_TRACESECCOMP, PTRACE_O_EXITKILL,
	};
	unsigned acc = 0, rest = want;
	size_t i;
	int r;

	*dropped = 0;
	/* The known options in order, then any other bit, lowest first. */
	for (i = 0; rest; i++) {
		unsigned bit = i < ZD_ARRAY_SIZE(order) ? order[i] & rest : rest & -rest;

		if (!bit)
			continue;
		rest &= ~bit;
		if ((bit & FOLLOW_OPTS) && (*dropped & FOLLOW_OPTS)) {
			*dropped |= bit;
			continue;
		}
		r = set(ctx, acc | bit);
		if (r == -ESRCH)
			return r;
		if (r == 0)
			acc |= bit;
		else
			*dropped |= bit;
	}
	if ((*dropped & FOLLOW_OPTS) && (acc & FOLLOW_OPTS)) {
		/* Following needs all three. */
		*dropped |= want & FOLLOW_OPTS;
		acc &= ~FOLLOW_OPTS;
		r = set(ctx, acc);
		if (r == -ESRCH)
			return r;
	}
	return 0;
}

static int
setopts(void *ctx, unsigned opts)
{
	pid_t tid = *(pid_t *)ctx;

	return ptrace(PTRACE_SETOPTIONS, tid, NULL, (void *)(unsigned long)opts) < 0 ? -errno : 0;
}

/* The options a tracee should have. */
static unsigned
opts_for(const struct zd_tracer *t, const struct zd_tcb *tcb)
{
	return ((tcb->flags & TCB_ATTACHED) ? t->attach_opts : t->ptrace_opts) & ~t->opts_dropped;
}

/* Clear a bool in the launched child's copy of the tracer (it reads it
 * after its self-stop, before exec): PEEKDATA, POKEDATA. */
static void
poke_false(pid_t tid, bool *field)
{
	uintptr_t a = (uintptr_t)field, aligned = a & ~(uintptr_t)7;
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, tid, (void *)aligned, NULL);
	if (errno)
		return;
	((unsigned char *)&word)[a - aligned] = 0;
	ptrace(PTRACE_POKEDATA, tid, (void *)aligned, (void *)word);
}

/* The launched command cannot have its seccomp filter (why): tell the
 * child, which has not installed it yet, and trace every syscall. */
static void
drop_seccomp(struct zd_tracer *t, const char *why)
{
	struct zd_tcb *root = t->root ? hget(t, t->root) : NULL;

	if (!t->use_seccomp)
		return;
	if (root && (root->flags & TCB_PRE_EXEC))
		poke_false(root->tid, &t->use_seccomp);
	t->use_seccomp = false;
	t->seccomp_active = false;
	t->ptrace_opts &= ~PTRACE_O_TRACESECCOMP;
	notice(t, 0, "%s: no seccomp filter; every syscall stops the tracee", why);
}

/* Options just found rejected: degrade, and say so once each. */
static void
options_dropped(struct zd_tracer *t, unsigned bits)
{
	bits &= ~t->opts_dropped;
	t->opts_dropped |= bits;
	if (bits & PTRACE_O_TRACESYSGOOD) {
		t->sysgood = false;
		notice(t, 0, "the kernel rejects PTRACE_O_TRACESYSGOOD: every SIGTRAP stop is checked with PTRACE_GETSIGINFO");
	}
	if (bits & PTRACE_O_TRACEEXEC) {
		/* Watch every execve's return instead of the exec event. */
		zd_scset_add(&t->o.also_stop, NR_EXECVE);
		zd_scset_add(&t->o.also_stop, NR_EXECVEAT);
		notice(t, 0, "the kernel rejects PTRACE_O_TRACEEXEC: execs are seen at execve's return (a thread's exec is not recognized)");
	}
	if (bits & FOLLOW_OPTS) {
		if (t->o.follow)
			notice(t, 0, "the kernel rejects PTRACE_O_TRACEFORK/VFORK/CLONE: children and threads are not followed");
		drop_seccomp(t, "the kernel cannot follow children (PTRACE_O_TRACEFORK)");
	}
	if (bits & PTRACE_O_TRACESECCOMP)
		drop_seccomp(t, "the kernel rejects PTRACE_O_TRACESECCOMP");
	if (bits & PTRACE_O_TRACEEXIT)
		notice(t, 0, "the kernel rejects PTRACE_O_TRACEEXIT (zdiag does not need it)");
	if (bits & PTRACE_O_EXITKILL)
		notice(t, 0, "the kernel rejects PTRACE_O_EXITKILL: the command survives if zdiag is killed");
}

/* PTRACE_SETOPTIONS at a tracee's first stop, dropping what the kernel
 * rejects. */
static void
set_options(struct zd_tracer *t, struct zd_tcb *tcb)
{
	unsigned want = opts_for(t, tcb), dropped = 0;
	pid_t tid = tcb->tid;
	int r;

	tcb->flags &= ~TCB_SET_OPTS;
	r = setopts(&tid, want);
	if (r == 0 || r == -ESRCH)
		return;
	if (zd_trace_opts_probe(want, setopts, &tid, &dropped) < 0)
		return;
	if (dropped)
		options_dropped(t, dropped);
}

/* A stop of a task we do not know yet: a new child whose parent's fork
 * event is still to come. */
static struct zd_tcb *
adopt_unknown(struct zd_tracer *t, pid_t tid)
{
	pid_t tgid, ppid;
	struct zd_tcb *parent, *tcb;
	unsigned flags = TCB_STARTUP;

	read_ids(tid, &tgid, &ppid);
	parent = hget(t, tgid != tid ? tgid : ppid);
	if (parent)
		flags |= child_flags(t, parent);
	else if (!t->o.follow)
		flags |= TCB_HIDDEN;
	if (t->classic)
		flags |= TCB_IGNORE_SIGSTOP;   /* a new child starts with one */
	tcb = tcb_new(t, tid, tgid, flags);
	if (tgid != tid) {
		struct zd_tcb *leader = hget(t, tgid);

		tcb->proc = leader ? leader->proc : NULL;
	}
	return tcb;
}

static void
handle(struct zd_tracer *t, pid_t tid, int status)
{
	struct zd_tcb *tcb = hget(t, tid);
	int sig, event;

	if (t->ops.debug)
		debug_status(t, tid, status);
	if (!tcb) {
		if (!WIFSTOPPED(status) && tid == t->root && t->root_detached)
			t->root_status = status;   /* -b execve let it go */
		if (!WIFSTOPPED(status))
			return;   /* not ours */
		tcb = adopt_unknown(t, tid);
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_gone(t, tcb, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	sig = WSTOPSIG(status);
	event = (unsigned)status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t, tcb);
		return;
	}
	if (tcb->flags & TCB_SET_OPTS)
		set_options(t, tcb);
	switch (event) {
	case 0:
		if (sig == SIGTRAP && !t->sysgood && is_syscall_trap(tcb)) {
			on_syscall_stop(t, tcb);
			return;
		}
		if (t->classic) {
			on_classic_stop(t, tcb, sig);
			return;
		}
		if (tcb->flags & TCB_STARTUP) {
			/* Attached (not seized) children report a plain SIGSTOP. */
			on_event_stop(t, tcb, sig);
			return;
		}
		on_signal(t, tcb, sig, NULL);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_spawn(t, tcb, event);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(t, tcb);
		return;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(t, tcb);
		return;
	case PTRACE_EVENT_STOP:
		on_event_stop(t, tcb, sig);
		return;
	case PTRACE_EVENT_EXIT:
	case PTRACE_EVENT_VFORK_DONE:
	default:
		restart(t, tcb, 0);
		return;
	}
}

/* ---------------------------------------------------------------- */
/* Public API                                                        */

int
zd_ptrace_mode_parse(const char *s, enum zd_ptrace_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = ZD_PTRACE_AUTO;
	else if (!strcmp(s, "seize"))
		*mode = ZD_PTRACE_SEIZE;
	else if (!strcmp(s, "classic"))
		*mode = ZD_PTRACE_CLASSIC;
	else
		return -EINVAL;
	return 0;
}

int
zd_daemonize_parse(const char *s, enum zd_daemonize *d)
{
	if (!strcmp(s, "grandchild"))
		*d = ZD_DAEMONIZE_GRANDCHILD;
	else if (!strcmp(s, "pgroup") || !strcmp(s, "pgrp"))
		*d = ZD_DAEMONIZE_PGROUP;
	else if (!strcmp(s, "session"))
		*d = ZD_DAEMONIZE_SESSION;
	else
		return -EINVAL;
	return 0;
}

struct zd_tracer *
zd_tracer_new(const struct zd_trace_opts *opts, const struct zd_trace_ops *ops, void *ctx)
{
	struct zd_tracer *t = zd_xcalloc(1, sizeof(*t));

	t->o = *opts;
	/* A filter would outlive the detach: the program's traced calls
	 * would fail with ENOSYS (strace: "not compatible with -b"). */
	if (opts->detach_on_execve)
		t->o.seccomp = false;
	if (ops)
		t->ops = *ops;
	t->ctx = ctx;
	t->root_status = -1;
	t->errpipe = -1;
	t->self = getpid();
	t->sysgood = true;
	if (opts->mode == ZD_PTRACE_CLASSIC) {
		/* Also what a kernel without PTRACE_SEIZE usually lacks. */
		t->classic = true;
		t->info_probed = true;
		t->have_info = false;
		zd_umove_peek_only(true);
	}
	zd_lc_init(&t->lc);
	return t;
}

void
zd_tracer_free(struct zd_tracer *t)
{
	size_t i;
	struct zd_tcb *tcb;

	if (!t)
		return;
	FOR_EACH_TCB(t, i, tcb)
		tcb_free(t, tcb);
	free(t->keys);
	free(t->vals);
	free(t->prog.filter);
	if (t->errpipe >= 0)
		close(t->errpipe);
	if (t->o.mode == ZD_PTRACE_CLASSIC)
		zd_umove_peek_only(false);
	zd_lc_release(&t->lc);
	zd_tamper_queue_release(&t->held);
	free(t);
}

static unsigned
base_options(const struct zd_tracer *t, bool follow)
{
	unsigned o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT;

	if (follow)
		o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	if (t->use_seccomp)
		o |= PTRACE_O_TRACESECCOMP;
	return o;
}

/* The syscalls the filter must trap: shown, watched, and exec (so the
 * launched command's exec is seen, and seccomp activity confirmed). */
static void
trap_set(const struct zd_tracer *t, struct zd_scset *trap)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(trap->bits); i++)
		trap->bits[i] = t->o.show.bits[i] | t->o.also_stop.bits[i];
	trap->others = false;
	zd_scset_add(trap, NR_EXECVE);
	zd_scset_add(trap, NR_EXECVEAT);
}

/* waitpid, again when a signal (the output timer) interrupts it. */
static pid_t
wait_pid(pid_t pid, int *status, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, status, flags);
	while (r < 0 && errno == EINTR);
	return r;
}

/* PTRACE_SEIZE is not there (e): the classic flows from now on. */
static void
use_classic(struct zd_tracer *t, int e)
{
	t->classic = true;
	notice(t, NOTE_CLASSIC,
	       "PTRACE_SEIZE is not available (%s): using PTRACE_TRACEME and PTRACE_ATTACH (kill -STOP does not keep a tracee stopped)",
	       ename(e));
}

/*
 * PTRACE_SEIZE tid with options opts.  Returns 0 (*later: seized without
 * options, which the kernel refused: to be set at the first stop), -errno,
 * or 1: the kernel has no PTRACE_SEIZE and the classic flows are in use
 * now (not with ZD_PTRACE_SEIZE, nor once a seize has worked).
 */
static int
seize(struct zd_tracer *t, pid_t tid, unsigned opts, bool *later)
{
	int e;

	*later = false;
	if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(unsigned long)opts) == 0)
		goto ok;
	e = errno;
	if (!unsupported(e))
		return -e;
	/* The options (an unknown one is EIO here), or SEIZE itself? */
	if (opts) {
		if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) == 0) {
			*later = true;
			goto ok;
		}
		e = errno;
		if (!unsupported(e))
			return -e;
	}
	if (t->o.mode == ZD_PTRACE_SEIZE || t->seize_ok)
		return -e;
	use_classic(t, e);
	return 1;
ok:
	t->seize_ok = true;
	return 0;
}

/* A launched child's message to the tracer: kind, then an errno. */
static void
tell(int fd, char kind, int err)
{
	char msg[8] = { kind };

	memcpy(msg + 1, &err, sizeof(err));
	if (write(fd, msg, 1 + sizeof(err)) < 0) {
		/* nothing to do */
	}
}

/*
 * The launched command, once traced: install the seccomp filter if still
 * wanted (a failure is told on errfd, if any), become the -u user, exec
 * path with the -E environment.  Returns the errno of the failure.
 */
static int
child_exec(struct zd_tracer *t, char *const argv[], const char *path, int errfd)
{
	char *const *env = t->o.envp ? t->o.envp : environ;
	int err;

	/* The tracer clears this (PTRACE_POKEDATA) when the kernel cannot
	 * report seccomp stops.  Installed before -u drops privileges, so
	 * no_new_privs is not needed (set-uid programs keep working). */
	if (*(volatile bool *)&t->use_seccomp) {
		err = zd_seccomp_install(&t->prog);
		if (err < 0 && errfd >= 0) {
			char msg = 'S';

			/* Tell the tracer and go on without the filter. */
			if (write(errfd, &msg, 1) < 0) {
				/* nothing */
			}
		}
	}
	err = zd_launch_become(t->o.user, path);
	if (err < 0)
		return -err;
	execve(path, argv, env);
	err = errno;
	if (err == ENOEXEC) {
		/* A script without "#!": run it with sh, as execvp(3) does. */
		size_t n = 0;
		char **sh;

		while (argv[n])
			n++;
		sh = calloc(n + 2, sizeof(*sh));
		if (sh) {
			sh[0] = (char *)"sh";
			sh[1] = (char *)path;
			memcpy(sh + 2, argv + 1, n * sizeof(*sh));
			execve("/bin/sh", sh, env);
		}
	}
	return err;
}

/*
 * Fork the command.  The child (classic: after PTRACE_TRACEME) stops
 * itself until the tracer has it with its options, then installs the
 * seccomp filter if still wanted and execs.  Returns its pid or -errno.
 */
static pid_t
spawn(struct zd_tracer *t, char *const argv[], const char *path)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		return -e;
	}
	if (pid == 0) {
		int err;

		close(pfd[0]);
		if (t->classic && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
			tell(pfd[1], 'T', errno);
			_exit(126);
		}
		/* Wait here until the tracer has us. */
		raise(SIGSTOP);
		err = child_exec(t, argv, path, pfd[1]);
		tell(pfd[1], 'E', err);
		_exit(err == ENOENT ? 127 : 126);
	}
	close(pfd[1]);
	t->errpipe = pfd[0];
	t->root = pid;
	return pid;
}

/* Give up the child before its exec: kill and reap it. */
static void
unspawn(struct zd_tracer *t, pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	wait_pid(pid, &status, __WALL);
	if (t->errpipe >= 0)
		close(t->errpipe);
	t->errpipe = -1;
	t->root = 0;
}

/* The errno the child sent before exiting ("T": PTRACE_TRACEME failed). */
static int
child_errno(struct zd_tracer *t, char kind)
{
	char msg[16];
	ssize_t n;
	int e = 0;

	if (t->errpipe < 0)
		return 0;
	do
		n = read(t->errpipe, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n >= (ssize_t)(1 + sizeof(int)) && msg[0] == kind)
		memcpy(&e, msg + 1, sizeof(int));
	return e;
}

/*
 * -D, in the grandchild: take the command (cmd, blocked reading fd) and
 * tell it to go on ('G'), or why not (a kind and an errno), then exit.
 * Returns cmd.
 */
static pid_t
daemon_take(struct zd_tracer *t, pid_t cmd, int fd)
{
	bool later = false;
	struct zd_tcb *tcb;
	struct timespec now;
	pid_t tgid, ppid;
	int r, devnull;

	t->self = getpid();
	if (t->o.daemonize == ZD_DAEMONIZE_PGROUP && setpgid(0, 0) < 0) {
		tell(fd, 'P', errno);
		_exit(1);
	}
	if (t->o.daemonize == ZD_DAEMONIZE_SESSION && setsid() < 0) {
		tell(fd, 's', errno);
		_exit(1);
	}
	r = t->classic ? 1 : seize(t, cmd, t->ptrace_opts & ~t->opts_dropped, &later);
	if (r == 0 && ptrace(PTRACE_INTERRUPT, cmd, NULL, NULL) < 0)
		r = -errno;
	if (r < 0) {
		tell(fd, 'Z', -r);
		_exit(1);
	}
	if (r == 1 && ptrace(PTRACE_ATTACH, cmd, NULL, NULL) < 0) {
		tell(fd, 'A', errno);
		_exit(1);
	}
	if (t->ops.debug)
		debug(t, "ptrace(%s, %d): the command", t->classic ? "PTRACE_ATTACH" : "PTRACE_SEIZE", (int)cmd);
	t->root = cmd;
	t->seccomp_active = t->use_seccomp;
	tcb = tcb_new(t, cmd, cmd,
		      TCB_PRE_EXEC | TCB_STARTUP | (t->classic || later ? TCB_SET_OPTS : 0) |
			      (t->classic ? TCB_IGNORE_SIGSTOP : 0));
	mono_now(&now);
	read_ids(cmd, &tgid, &ppid);
	tcb->proc = proc_for(t, cmd, ppid, ZD_LC_LAUNCHED, &now, true);
	tcb->proc->threads = tcb->proc->threads_max = 1;
	{
		/* strace -D says "Process N attached" too. */
		struct zd_tev ev = { .type = ZD_TEV_ATTACH, .tcb = tcb };

		now_ts(t, &ev);
		emit(t, &ev);
	}
	if (write(fd, "G", 1) < 0) {
		/* the command is gone: its exit is the next event */
	}
	close(fd);
	/* Keep no terminal or pipe of the command's open but the trace's
	 * (stderr): a reader of its stdout sees the end when it exits. */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		if (devnull > 1)
			close(devnull);
	}
	return cmd;
}

/*
 * -D: this process becomes the command; a grandchild (daemon_take) traces
 * it.  Returns cmd's pid in the grandchild; here only a failure (-errno).
 */
static pid_t
launch_daemonized(struct zd_tracer *t, char *const argv[], const char *path)
{
	static const struct {
		char kind;
		const char *call;
	} steps[] = {
		{ 'F', "fork" }, { 'P', "setpgid" }, { 's', "setsid" },
		{ 'Z', "PTRACE_SEIZE" }, { 'A', "PTRACE_ATTACH" },
	};
	pid_t cmd = getpid(), mid;
	int sync[2], status, err = ECHILD;
	char msg[8];
	ssize_t n;
	size_t i;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	/* Yama (ptrace_scope 1) lets only ancestors trace: allow ours. */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	mid = fork();
	if (mid == 0) {
		pid_t g;

		close(sync[0]);
		g = fork();
		if (g < 0)
			tell(sync[1], 'F', errno);
		if (g != 0)
			_exit(0);
		return daemon_take(t, cmd, sync[1]);
	}
	if (mid < 0)
		err = errno;
	close(sync[1]);
	if (mid > 0)
		wait_pid(mid, &status, 0);
	do
		n = mid > 0 ? read(sync[0], msg, sizeof(msg)) : 0;
	while (n < 0 && errno == EINTR);
	close(sync[0]);
	prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	if (n == 1 && msg[0] == 'G')
		return -child_exec(t, argv, path, -1);   /* traced: be the command */
	if (n >= (ssize_t)(1 + sizeof(int))) {
		memcpy(&err, msg + 1, sizeof(int));
		for (i = 0; i < ZD_ARRAY_SIZE(steps); i++)
			if (steps[i].kind == msg[0])
				t->failed_call = steps[i].call;
	}
	return -err;
}

pid_t
zd_tracer_launch(struct zd_tracer *t, char *const argv[], const char *path)
{
	pid_t pid;
	int status, r;
	bool later = false;
	struct timespec now;
	struct zd_tcb *tcb;

	t->failed_call = NULL;
	if (t->o.seccomp) {
		struct zd_scset trap;

		trap_set(t, &trap);
		if (zd_scset_full(&t->o.show)) {
			t->seccomp_note = NULL;   /* nothing to filter */
		} else if (zd_seccomp_build(&trap, &t->prog, t->seccomp_why, sizeof(t->seccomp_why)) == 0) {
			t->use_seccomp = true;
		} else {
			t->seccomp_note = t->seccomp_why;
		}
	}
	t->ptrace_opts = base_options(t, t->o.follow || t->use_seccomp) | (t->o.daemonize ? 0 : PTRACE_O_EXITKILL);
	if ((t->opts_dropped & FOLLOW_OPTS) && t->use_seccomp)
		drop_seccomp(t, "the kernel cannot follow children (PTRACE_O_TRACEFORK)");
	if ((t->opts_dropped & PTRACE_O_TRACESECCOMP) && t->use_seccomp)
		drop_seccomp(t, "the kernel rejects PTRACE_O_TRACESECCOMP");

	if (t->o.daemonize)
		return launch_daemonized(t, argv, path);
	pid = spawn(t, argv, path);
	if (pid < 0)
		return pid;
	if (!t->classic) {
		/* The child stopped itself; seize it and let it go on. */
		if (wait_pid(pid, &status, WSTOPPED) < 0 || !WIFSTOPPED(status)) {
			int e = errno ? errno : ECHILD;

			unspawn(t, pid);
			return -e;
		}
		r = seize(t, pid, t->ptrace_opts & ~t->opts_dropped, &later);
		if (r < 0) {
			t->failed_call = "PTRACE_SEIZE";
			unspawn(t, pid);
			return r;
		}
		if (r == 1) {
			/* No PTRACE_SEIZE: start again, the classic way. */
			unspawn(t, pid);
			pid = spawn(t, argv, path);
			if (pid < 0)
				return pid;
		}
	}
	t->seccomp_active = t->use_seccomp;
	tcb = tcb_new(t, pid, pid,
		      TCB_PRE_EXEC | TCB_STARTUP | (t->classic || later ? TCB_SET_OPTS : 0) |
			      (t->classic ? TCB_IGNORE_SIGSTOP : 0));
	mono_now(&now);
	tcb->proc = proc_for(t, pid, getpid(), ZD_LC_LAUNCHED, &now, true);
	tcb->proc->threads = tcb->proc->threads_max = 1;
	if (!t->classic) {
		/* End the self-inflicted stop: the tracer sees it as an event
		 * stop (handled as the startup stop) and a SIGCONT. */
		kill(pid, SIGCONT);
		return pid;
	}
	/* Classic: the child's SIGSTOP stop sets the options and is
	 * swallowed; or the child exits: PTRACE_TRACEME failed. */
	r = (int)wait_pid(pid, &status, __WALL);
	if (r < 0 || !WIFSTOPPED(status)) {
		int e = r < 0 ? errno : child_errno(t, 'T');

		if (r >= 0)
			t->failed_call = "PTRACE_TRACEME";   /* it exited, saying why */
		if (!e)
			e = ECHILD;
		tcb_free(t, tcb);
		t->seccomp_active = false;
		unspawn(t, pid);
		return -e;
	}
	handle(t, pid, status);
	return pid;
}

int
zd_tracer_exec_errno(const struct zd_tracer *t)
{
	return t->exec_errno;
}

bool
zd_tracer_seccomp_active(const struct zd_tracer *t)
{
	return t->seccomp_active;
}

const char *
zd_tracer_seccomp_note(const struct zd_tracer *t)
{
	return t->seccomp_note;
}

int
zd_tracer_attach(struct zd_tracer *t, pid_t pid)
{
	bool changed = true;
	int rounds = 0;
	struct timespec now;
	struct zd_tproc *proc;

	t->failed_call = NULL;
	if (!t->attach_opts)
		t->attach_opts = base_options(t, t->o.follow);
	mono_now(&now);
	proc = proc_for(t, pid, 0, ZD_LC_ATTACHED, &now, true);
	{
		pid_t tg, pp;

		read_ids(pid, &tg, &pp);
		proc->ppid = pp;
	}
	/* Threads may appear while we attach: repeat until task/ is stable. */
	while (changed && rounds++ < 100) {
		char dir[48];
		pid_t *tids = NULL;
		size_t n = 0, i;
		int r;

		changed = false;
		snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
		r = zd_proc_list(AT_FDCWD, dir, &tids, &n);
		if (r < 0) {
			free(tids);
			if (!t->ntcb || !rounds)
				return r;
			break;
		}
		for (i = 0; i < n; i++) {
			struct zd_tcb *tcb;
			unsigned flags = TCB_ATTACHED | TCB_STARTUP;

			if (hget(t, tids[i]))
				continue;
			if (!t->classic) {
				bool later;

				r = seize(t, tids[i], t->attach_opts & ~t->opts_dropped, &later);
				if (r < 0) {
					if (r == -ESRCH && tids[i] != pid)
						continue;   /* a thread that just exited */
					t->failed_call = "PTRACE_SEIZE";
					free(tids);
					return r;
				}
				if (r == 0 && later)
					flags |= TCB_SET_OPTS;
			}
			if (t->classic) {
				/* It gets a SIGSTOP, swallowed at its stop, where
				 * the options are set. */
				if (ptrace(PTRACE_ATTACH, tids[i], NULL, NULL) < 0) {
					int e = errno;

					if (e == ESRCH && tids[i] != pid)
						continue;
					t->failed_call = "PTRACE_ATTACH";
					free(tids);
					return -e;
				}
				flags |= TCB_SET_OPTS | TCB_IGNORE_SIGSTOP;
			}
			tcb = tcb_new(t, tids[i], pid, flags);
			tcb->proc = proc;
			{
				/* The call it is blocked in: the interrupt makes it
				 * come back as restart_syscall, named after it. */
				char tdir[64];
				int dfd;
				struct zd_scstate sc;

				snprintf(tdir, sizeof(tdir), "/proc/%d/task/%d", (int)pid, (int)tids[i]);
				dfd = open(tdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (dfd >= 0) {
					if (zd_proc_read_syscall(dfd, &sc) == 0 && sc.kind == ZD_SC_IN)
						tcb->last_nr = sc.nr;
					close(dfd);
				}
			}
			proc->threads++;
			if (proc->threads > proc->threads_max)
				proc->threads_max = proc->threads;
			if (!t->classic && ptrace(PTRACE_INTERRUPT, tids[i], NULL, NULL) < 0 && errno != ESRCH) {
				/* It will still stop at its next event. */
			}
			changed = true;
		}
		free(tids);
	}
	return 0;
}

bool
zd_tracer_classic(const struct zd_tracer *t)
{
	return t->classic;
}

const char *
zd_tracer_failed_call(const struct zd_tracer *t)
{
	return t->failed_call;
}

static void
read_errpipe(struct zd_tracer *t)
{
	char msg[16];
	ssize_t n;

	if (t->errpipe < 0)
		return;
	n = read(t->errpipe, msg, sizeof(msg));
	if (n > 0 && msg[0] == 'S') {
		/* The filter did not load. */
		memmove(msg, msg + 1, (size_t)n - 1);
		n--;
	}
	if (n >= (ssize_t)(1 + sizeof(int)) && msg[0] == 'E')
		memcpy(&t->exec_errno, msg + 1, sizeof(int));
	close(t->errpipe);
	t->errpipe = -1;
}

/* Stop requested (signal to zdiag): detach from attached tracees; pass
 * the signal to a launched command, kill everything on the second. */
static void
act_on_stop(struct zd_tracer *t, int sig)
{
	size_t i;
	struct zd_tcb *tcb;
	bool any_launched = false;

	FOR_EACH_TCB(t, i, tcb)
		if (!(tcb->flags & TCB_ATTACHED))
			any_launched = true;
	if (!any_launched) {
		zd_tracer_detach_all(t);
		return;
	}
	t->stops_handled++;
	if (t->stops_handled == 1 && t->root && hget(t, t->root)) {
		kill(t->root, sig);
		zd_tracer_detach_all(t);   /* attached ones only */
		return;
	}
	FOR_EACH_TCB(t, i, tcb)
		if (!(tcb->flags & TCB_ATTACHED))
			kill(tcb->tid, SIGKILL);
}

int
zd_tracer_run(struct zd_tracer *t)
{
	int last_stop = 0;

	while (t->ntcb) {
		struct rusage ru;
		int status;
		pid_t pid;

		if (t->o.stop && *t->o.stop && *t->o.stop != last_stop) {
			last_stop = *t->o.stop;
			act_on_stop(t, last_stop);
			*t->o.stop = 0;
			last_stop = 0;
			if (!t->ntcb)
				break;
		}
		if (!(t->noted & NOTE_PEEK) && zd_umove_fallback_errno())
			notice(t, NOTE_PEEK,
			       "process_vm_readv is not available (%s): tracee memory is read with PTRACE_PEEKDATA",
			       ename(zd_umove_fallback_errno()));
		if (t->ops.idle)
			t->ops.idle(t->ctx);
		pid = zd_tamper_wait(&t->held, &status, t->o.want_stime ? &ru : NULL);   /* wait4, or held threads' time */
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			return -errno;
		}
		if (t->o.want_stime) {
			t->stime.tv_sec = ru.ru_stime.tv_sec;
			t->stime.tv_nsec = ru.ru_stime.tv_usec * 1000L;
		}
		handle(t, pid, status);
	}
	read_errpipe(t);
	if (t->root_detached && t->root_status == -1) {
		/* -b execve let the command go: it is still our child. */
		int status;

		if (wait_pid(t->root, &status, 0) == t->root)
			t->root_status = status;
	}
	return 0;
}

/* A syscall stop while detaching: the exit of a tampered call (nothing
 * else can follow its entry) gets its injected result, not the skipped
 * call's ENOSYS. */
static void
detach_tampered(struct zd_tcb *tcb)
{
	int64_t rv = 0;

	if (!(tcb->flags & TCB_TAMPER))
		return;
	tcb->flags &= ~TCB_TAMPER;
	(void)zd_tamper_exit(tcb->tamper, tcb->tid, tcb->sc_nr, tcb->call.args, &rv);
}

/*
 * A stop of an attached tracee being detached the classic way: it runs
 * on (PTRACE_CONT, signals passed on) until the SIGSTOP we sent it, where
 * it is detached.  New children are detached the same way (at their own
 * first SIGSTOP).  Returns the change to the number of tracees still to
 * detach.
 */
static int
detach_stop(struct zd_tracer *t, struct zd_tcb *tcb, int status)
{
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
	siginfo_t si;

	if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
		unsigned long msg = 0;
		int more = 0;

		if (ptrace(PTRACE_GETEVENTMSG, tcb->tid, NULL, &msg) == 0 && msg) {
			struct zd_tcb *c = hget(t, (pid_t)msg);
			bool thread = event == PTRACE_EVENT_CLONE && is_thread_of(tcb->pid, (pid_t)msg);

			if (!c) {
				c = tcb_new(t, (pid_t)msg, thread ? tcb->pid : (pid_t)msg,
					    TCB_HIDDEN | TCB_ATTACHED | TCB_STARTUP | TCB_IGNORE_SIGSTOP);
				if (thread)
					c->proc = tcb->proc;
			}
			if (!(c->flags & TCB_DETACHING)) {
				c->flags |= TCB_DETACHING | TCB_ATTACHED;
				more = 1;
			}
		}
		ptrace(PTRACE_CONT, tcb->tid, NULL, NULL);
		return more;
	}
	if (event || sig == (SIGTRAP | 0x80)) {
		if (!event)
			detach_tampered(tcb);
		ptrace(PTRACE_CONT, tcb->tid, NULL, NULL);
		return 0;
	}
	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, tcb->tid, NULL, &si) < 0) {
		/* A group-stop (EINVAL): it runs on, and is stopped again
		 * when detached if no SIGCONT came meanwhile (the kernel keeps
		 * the group-stop for it).  Or gone (ESRCH): its exit follows. */
		ptrace(PTRACE_CONT, tcb->tid, NULL, NULL);
		return 0;
	}
	if (sig == SIGTRAP && (si.si_code == SIGTRAP || (tcb->flags & TCB_EXEC_TRAP))) {
		/* A syscall stop without TRACESYSGOOD, or execve's SIGTRAP. */
		tcb->flags &= ~TCB_EXEC_TRAP;
		ptrace(PTRACE_CONT, tcb->tid, NULL, NULL);
		return 0;
	}
	if (sig == SIGSTOP && (tcb->flags & TCB_IGNORE_SIGSTOP) && zd_trace_own_sigstop(&si, t->self, tcb->tid)) {
		if (!hidden(tcb) && !(tcb->flags & TCB_STARTUP)) {
			struct zd_tev ev = { .type = ZD_TEV_DETACH, .tcb = tcb };

			now_ts(t, &ev);
			emit(t, &ev);
		}
		ptrace(PTRACE_DETACH, tcb->tid, NULL, NULL);
		if (tcb->proc && tcb->tid == tcb->pid && tcb->proc->threads)
			tcb->proc->threads--;
		tcb_free(t, tcb);
		return -1;
	}
	/* Any other signal: delivered as it would be without us. */
	ptrace(PTRACE_CONT, tcb->tid, NULL, (void *)(long)sig);
	return 0;
}

/*
 * Detach every attached tracee without PTRACE_INTERRUPT: a tgkill SIGSTOP
 * to each thread (unless one of ours is already coming), then
 * PTRACE_DETACH at that SIGSTOP's signal-delivery-stop, with no signal,
 * so the process never stops (a group-stop in effect is put back by the
 * kernel at the detach).  Launched tracees go on being traced meanwhile.
 */
static void
detach_classic(struct zd_tracer *t)
{
	size_t i;
	long pending = 0;
	struct zd_tcb *tcb;

	FOR_EACH_TCB(t, i, tcb) {
		if (!(tcb->flags & TCB_ATTACHED) || (tcb->flags & TCB_DETACHING))
			continue;
		tcb->flags |= TCB_DETACHING;
		if (!(tcb->flags & TCB_IGNORE_SIGSTOP)) {
			/* If it is gone (ESRCH), its exit is still to come. */
			syscall(SYS_tgkill, (int)tcb->pid, (int)tcb->tid, SIGSTOP);
			tcb->flags |= TCB_IGNORE_SIGSTOP;
		}
		pending++;
	}
	while (pending > 0) {
		int status;
		pid_t pid = wait4(-1, &status, __WALL, NULL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		tcb = hget(t, pid);
		if (!tcb && WIFSTOPPED(status)) {
			/* A new child, before its parent's fork event. */
			tcb = adopt_unknown(t, pid);
			if (tcb->flags & TCB_ATTACHED) {
				tcb->flags |= TCB_DETACHING;
				pending++;
			}
		}
		if (!tcb)
			continue;
		if (!(tcb->flags & TCB_DETACHING)) {
			/* A launched tracee's event meanwhile: handle it normally. */
			handle(t, pid, status);
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			on_gone(t, tcb, status);
			pending--;
			continue;
		}
		if (WIFSTOPPED(status))
			pending += detach_stop(t, tcb, status);
	}
}

void
zd_tracer_detach_all(struct zd_tracer *t)
{
	size_t i, pending = 0;
	struct zd_tcb *tcb;

	zd_tamper_release_all(&t->held);   /* held ones run again: they can be stopped */
	if (t->classic) {
		detach_classic(t);
		return;
	}
	FOR_EACH_TCB(t, i, tcb) {
		if (!(tcb->flags & TCB_ATTACHED))
			continue;
		if (ptrace(PTRACE_INTERRUPT, tcb->tid, NULL, NULL) < 0) {
			if (errno == ESRCH) {
				/* Gone, or not in a ptrace-stop but not ours: try to
				 * detach directly (works when it is stopped). */
				ptrace(PTRACE_DETACH, tcb->tid, NULL, NULL);
				tcb_free(t, tcb);
				continue;
			}
		}
		tcb->flags |= TCB_DETACHING;
		pending++;
	}
	while (pending) {
		int status, sig, event;
		pid_t pid = wait4(-1, &status, __WALL, NULL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		tcb = hget(t, pid);
		if (!tcb || !(tcb->flags & TCB_DETACHING)) {
			/* A launched tracee's event meanwhile: handle it normally. */
			if (tcb)
				handle(t, pid, status);
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			on_gone(t, tcb, status);
			pending--;
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		event = (unsigned)status >> 16;
		/* A pending signal goes back to the tracee with the detach. */
		if (sig == (SIGTRAP | 0x80) || event)
			sig = 0;
		if (sig == 0 && !event)
			detach_tampered(tcb);
		if (!hidden(tcb)) {
			struct zd_tev ev = { .type = ZD_TEV_DETACH, .tcb = tcb };

			now_ts(t, &ev);
			emit(t, &ev);
		}
		ptrace(PTRACE_DETACH, tcb->tid, NULL, (void *)(long)sig);
		if (tcb->proc && tcb->tid == tcb->pid && tcb->proc->threads)
			tcb->proc->threads--;
		tcb_free(t, tcb);
		pending--;
	}
}

int
zd_tracer_root_status(const struct zd_tracer *t)
{
	return t->root_status;
}

size_t
zd_tracer_count(const struct zd_tracer *t)
{
	return t->nvisible;
}

struct zd_lifecycle *
zd_tracer_lifecycle(struct zd_tracer *t)
{
	return &t->lc;
}
