/*
 * Syscall tampering: strace's -e inject= and -e fault= (strace(1),
 * "Tampering"), for zdiag trace.
 *
 * A spec "SET:error=ENOENT:when=2..3" is parsed into a rule (SET has the
 * -e trace= syntax); the last rule naming a syscall is the one it gets,
 * as in strace.  Each traced thread counts its own invocations of every
 * syscall that has a rule (strace: "per syscall and per tracee"); a new
 * thread or child starts from zero.  The tracer (src/trace/tracer.c)
 * calls zd_tamper_enter at the entry stop of a syscall it reports and
 * zd_tamper_exit at its exit stop; what they did is recorded in the
 * call (zd_call.tampered), which zd_call_retval prints as strace does:
 * "= -1 ENOENT (No such file or directory) (INJECTED)", "= 42 (INJECTED)",
 * " (INJECTED: args)", " (DELAYED)".
 *
 * Mechanism (x86-64): error= and retval= replace the syscall number with
 * -1 (or the syscall= one) at entry, so the kernel runs nothing, and set
 * rax at exit (PTRACE_POKEUSER, one word each); signal= is passed with
 * the restart from the entry stop (from the exit stop when the entry was
 * a seccomp stop, where the kernel ignores a restart signal); poke_*=
 * write tracee memory (process_vm_writev, PTRACE_POKEDATA where that
 * fails); delays are returned to the tracer, which restarts the thread
 * later without waiting for it.  Nothing here prints or exits.
 *
 *	struct zd_tamper tp;
 *	char msg[160];
 *
 *	zd_tamper_init(&tp);
 *	if (zd_tamper_parse(&tp, "openat:error=ENOENT:when=2+", false, msg, sizeof(msg)) < 0)
 *		... msg says why ...
 *	opts.tamper = &tp;            // struct zd_trace_opts
 *	...
 *	zd_tamper_release(&tp);
 */
#ifndef ZDIAG_TAMPER_H
#define ZDIAG_TAMPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include "zdiag/syscall.h"

/* What a rule does (zd_inject.flags). */
enum zd_inject_flags {
	ZD_INJ_ERROR = 1u << 0,        /* error=ERRNO: fail with -ERRNO */
	ZD_INJ_RETVAL = 1u << 1,       /* retval=VALUE: succeed with VALUE */
	ZD_INJ_SIGNAL = 1u << 2,       /* signal=SIG */
	ZD_INJ_SYSCALL = 1u << 3,      /* syscall=NAME: run this pure syscall instead of -1 */
	ZD_INJ_DELAY_ENTER = 1u << 4,  /* delay_enter=DELAY */
	ZD_INJ_DELAY_EXIT = 1u << 5,   /* delay_exit=DELAY */
	ZD_INJ_POKE_ENTER = 1u << 6,   /* poke_enter=@argN=HEX,... */
	ZD_INJ_POKE_EXIT = 1u << 7,    /* poke_exit=@argN=HEX,... */
};

/* What was done to a call (zd_call.tampered): strace's notes. */
enum zd_tampered {
	ZD_TAMPERED_RET = 1u << 0,     /* "(INJECTED)": return value replaced */
	ZD_TAMPERED_ARGS = 1u << 1,    /* "(INJECTED: args)": memory poked */
	ZD_TAMPERED_DELAYED = 1u << 2, /* "(DELAYED)" */
	ZD_TAMPERED_OK = 1u << 3,      /* retval=: a success, even a value that reads as -errno */
};

/* One poke: data written where argument argn (1..7) points. */
struct zd_poke {
	uint8_t argn;
	bool at_exit;
	uint16_t len;
	uint8_t *data;
};

/* when=FIRST[..LAST][+[STEP]] as strace keeps it: the countdown state. */
#define ZD_INJ_LAST_INF 0xffff
struct zd_inj_when {
	uint16_t first;   /* invocations until the next injection (0: no more) */
	uint16_t last;    /* invocations left in the range (ZD_INJ_LAST_INF: no end) */
	uint16_t step;    /* first after an injection (0: once) */
};

/* One -e inject= (or -e fault=) rule. */
struct zd_inject {
	unsigned flags;               /* ZD_INJ_* */
	uint64_t rval;                /* error: the errno (1..4095); retval: the value */
	int signo;
	long scno;                    /* syscall= */
	struct timespec delay_enter, delay_exit;
	struct zd_poke *pokes;
	size_t npokes;
	struct zd_inj_when when;
	char *spec;                   /* as given, for messages */
};

struct zd_tamper {
	struct zd_inject *rules;
	size_t nrules, arules;
	int16_t rule_of[ZD_SC_NMAX];  /* rule of each syscall number, -1: none */
	struct zd_scset set;          /* every syscall with a rule */
	bool any_signal;              /* some rule has signal= */
};

void zd_tamper_init(struct zd_tamper *tp);
void zd_tamper_release(struct zd_tamper *tp);
/* Whether no rule was added. */
bool zd_tamper_empty(const struct zd_tamper *tp);

/*
 * Add the rule spec ("SET:TOKEN:TOKEN...", what follows "-e inject=");
 * fault: -e fault= syntax (error= and when= only; error defaults to
 * ENOSYS).  Returns 0, or -EINVAL with a one-line reason in msg ("unknown
 * token 'retval=1'", "error= and retval= are mutually exclusive").  A
 * spec accepted with a warning (strace's "Inadvertent injection of error
 * 1 is possible for retval=...") returns 0 with the warning in msg;
 * otherwise msg is "".
 */
int zd_tamper_parse(struct zd_tamper *tp, const char *spec, bool fault, char *msg, size_t msgsize);

/*
 * The countdown of one invocation (strace's tamper_with_syscall_entering):
 * whether this one is injected, updating w.
 */
bool zd_inj_when_step(struct zd_inj_when *w);

/*
 * Parse a delay: "10" (microseconds), "1.5ms", "2s", "100us", "500ns"
 * (strace's time specification).  Returns 0 or -EINVAL.
 */
int zd_tamper_parse_delay(const char *s, struct timespec *ts);

/* ---------------------------------------------------------------- */
/* The tracer's side                                                 */

/* What the tracer must do when it next restarts a thread. */
struct zd_tamper_act {
	int signo;                    /* restart with this signal (0: none) */
	struct timespec delay;        /* restart only after this long */
	bool hold;                    /* a delay is due (even of 0) */
};

/* Per traced thread: its counters and the current call's pending work. */
struct zd_tamper_tcb {
	struct zd_inj_when *when;     /* copy of every rule's when=, per syscall (lazily) */
	const struct zd_inject *cur;  /* the rule that fired for the current call, or NULL */
	unsigned tampered;            /* ZD_TAMPERED_* so far for the current call */
	bool signal_at_exit;          /* the entry was a seccomp stop */
	struct zd_tamper_act act;     /* for the next restart (zd_tamper_take) */
};

/*
 * The entry stop of syscall nr of thread tid, which the tracer reports
 * (strace injects only into traced syscalls).  at_seccomp: the stop is a
 * seccomp stop (a restart signal would be lost: it is kept for the
 * exit).  *st is allocated on first use (zd_tamper_tcb_free).  Returns
 * whether this call is tampered with (then the exit stop must call
 * zd_tamper_exit); a failure to change the tracee's registers or memory
 * leaves that part undone (and unreported).
 */
bool zd_tamper_enter(const struct zd_tamper *tp, struct zd_tamper_tcb **st, pid_t tid, long nr,
		     const uint64_t args[6], bool at_seccomp);
/*
 * The exit stop of that call: sets the return value (*rval is updated to
 * what the tracee will see), pokes, delay_exit, the kept signal.  Returns
 * the ZD_TAMPERED_* notes of the call, and forgets it.
 */
unsigned zd_tamper_exit(struct zd_tamper_tcb *st, pid_t tid, long nr, const uint64_t args[6], int64_t *rval);
/*
 * At a restart: the signal to pass (*sig, unless one is passed already)
 * and whether to hold the thread for *delay first.  Clears st->act.
 */
bool zd_tamper_take(struct zd_tamper_tcb *st, int *sig, struct timespec *delay);
/* Forget the current call (the thread died in it, or exec'd). */
void zd_tamper_tcb_reset(struct zd_tamper_tcb *st);
void zd_tamper_tcb_free(struct zd_tamper_tcb *st);

/*
 * Threads held by a delay: each is restarted (ptrace(req, tid, 0, sig))
 * once its time has come, by zd_tamper_wait, while the tracer goes on
 * with the others (strace arms a timer; here the wait itself times out).
 */
struct zd_tamper_hold {
	pid_t tid;
	int req;                      /* PTRACE_SYSCALL or PTRACE_CONT */
	int sig;
	struct timespec due;          /* CLOCK_MONOTONIC */
};

struct zd_tamper_queue {
	struct zd_tamper_hold *v;
	size_t n, a;
};

/* Hold tid for delay, then restart it with req and sig. */
void zd_tamper_hold(struct zd_tamper_queue *q, pid_t tid, int req, int sig, const struct timespec *delay);
/* Forget tid (it is gone or detached). */
void zd_tamper_unhold(struct zd_tamper_queue *q, pid_t tid);
/* Restart every held thread now (before detaching). */
void zd_tamper_release_all(struct zd_tamper_queue *q);
/*
 * wait4(-1, status, __WALL) for a tracer with held threads: restarts
 * those whose time has come, and waits no longer than until the next
 * one is due (SIGCHLD, which every tracee stop and exit sends the
 * tracer, is blocked and waited for with sigtimedwait around a WNOHANG
 * wait4, so no stop is missed; with SIGCHLD ignored, which the kernel
 * then does not send for stops, it polls every 10 ms).  Returns what
 * wait4 returns; -1 with
 * errno EINTR when a signal handler ran (the caller's stop flag).
 * With nothing held it is a plain blocking wait4.  ru (may be NULL) as wait4s.
 */
pid_t zd_tamper_wait(struct zd_tamper_queue *q, int *status, struct rusage *ru);
void zd_tamper_queue_release(struct zd_tamper_queue *q);

#endif
