/* Syscall tampering (-e inject=, -e fault=): parsing, counting, and the
 * registers and memory of a real tracee. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

#include "unit.h"
#include "zdiag/sysname.h"
#include "zdiag/tamper.h"

static char msg[200];

static int
parse(struct zd_tamper *tp, const char *spec, bool fault)
{
	return zd_tamper_parse(tp, spec, fault, msg, sizeof(msg));
}

static const struct zd_inject *
rule_for(const struct zd_tamper *tp, const char *name)
{
	long nr = zd_sysnr(name);

	assert_true(nr >= 0);
	return tp->rule_of[nr] < 0 ? NULL : &tp->rules[tp->rule_of[nr]];
}

static void
test_parse(void **state)
{
	struct zd_tamper tp;
	const struct zd_inject *r;

	(void)state;
	zd_tamper_init(&tp);
	assert_true(zd_tamper_empty(&tp));
	assert_int_equal(parse(&tp, "openat,chdir:error=ENOENT:when=2..3", false), 0);
	assert_string_equal(msg, "");
	r = rule_for(&tp, "openat");
	assert_non_null(r);
	assert_ptr_equal(r, rule_for(&tp, "chdir"));
	assert_int_equal(r->flags, ZD_INJ_ERROR);
	assert_int_equal(r->rval, ENOENT);
	assert_int_equal(r->when.first, 2);
	assert_int_equal(r->when.last, 3);
	assert_int_equal(r->when.step, 1);
	assert_null(rule_for(&tp, "read"));

	/* The last rule naming a syscall wins (strace's inject_vec). */
	assert_int_equal(parse(&tp, "chdir:retval=0x2a:signal=USR1:delay_enter=1.5ms:delay_exit=7", false), 0);
	r = rule_for(&tp, "chdir");
	assert_int_equal(r->flags, ZD_INJ_RETVAL | ZD_INJ_SIGNAL | ZD_INJ_DELAY_ENTER | ZD_INJ_DELAY_EXIT);
	assert_int_equal(r->rval, 42);
	assert_int_equal(r->signo, SIGUSR1);
	assert_int_equal(parse(&tp, "getpid:signal=SIGRTMIN+30", false), 0);
	assert_int_equal(rule_for(&tp, "getpid")->signo, 64);
	assert_int_equal(r->delay_enter.tv_sec, 0);
	assert_int_equal(r->delay_enter.tv_nsec, 1500000);
	assert_int_equal(r->delay_exit.tv_nsec, 7000);   /* microseconds by default */
	assert_int_equal(r->when.first, 1);
	assert_int_equal(r->when.last, ZD_INJ_LAST_INF);
	assert_int_equal(r->when.step, 1);
	assert_true(tp.any_signal);
	assert_int_equal(rule_for(&tp, "openat")->rval, ENOENT);

	/* fault=: error defaults to ENOSYS; numbers and classes. */
	assert_int_equal(parse(&tp, "%file:when=3+", true), 0);
	r = rule_for(&tp, "unlinkat");
	assert_int_equal(r->flags, ZD_INJ_ERROR);
	assert_int_equal(r->rval, ENOSYS);
	assert_int_equal(r->when.first, 3);
	assert_int_equal(r->when.step, 1);
	assert_int_equal(parse(&tp, "mkdir:error=13:when=5+4", true), 0);
	r = rule_for(&tp, "mkdir");
	assert_int_equal(r->rval, EACCES);
	assert_int_equal(r->when.step, 4);
	assert_int_equal(parse(&tp, "getppid:when=2:error=EPERM:when=4", true), 0);
	assert_int_equal(rule_for(&tp, "getppid")->when.first, 4);   /* the last when= */
	assert_int_equal(rule_for(&tp, "getppid")->when.step, 0);    /* F: once */

	/* syscall= takes a pure syscall; pokes. */
	assert_int_equal(parse(&tp, "getuid:retval=0:syscall=getpid", false), 0);
	assert_int_equal(rule_for(&tp, "getuid")->scno, zd_sysnr("getpid"));
	assert_int_equal(parse(&tp, "write:poke_enter=@arg2=4142,@arg1=00:poke_exit=@arg3=ff", false), 0);
	r = rule_for(&tp, "write");
	assert_int_equal(r->npokes, 3);
	assert_int_equal(r->pokes[0].argn, 2);
	assert_int_equal(r->pokes[0].len, 2);
	assert_memory_equal(r->pokes[0].data, "AB", 2);
	assert_false(r->pokes[1].at_exit);
	assert_true(r->pokes[2].at_exit);
	assert_int_equal(r->pokes[2].data[0], 0xff);

	/* A warning is not an error. */
	assert_int_equal(parse(&tp, "getpid:retval=-1", false), 0);
	assert_string_equal(msg, "Inadvertent injection of error 1 is possible for retval=18446744073709551615");
	zd_tamper_release(&tp);
	assert_true(zd_tamper_empty(&tp));
}

static void
test_parse_errors(void **state)
{
	static const struct { const char *spec; bool fault; const char *msg; } bad[] = {
		{ "", false, "no syscall set before ':'" },
		{ ":error=ENOENT", false, "no syscall set before ':'" },
		{ "openat", false, "one of error=, retval=, signal=, delay_enter=, delay_exit=, poke_enter=, poke_exit= is required" },
		{ "openat:when=2", false, "one of error=, retval=, signal=, delay_enter=, delay_exit=, poke_enter=, poke_exit= is required" },
		{ "opne:error=ENOENT", false, "unknown syscall 'opne'" },
		{ "openat:error=ENOENT:retval=1", false, "only one of error= and retval= may be given" },
		{ "openat:error=ENOENT:error=EPERM", false, "only one of error= and retval= may be given" },
		{ "openat:error=ENOPE", false, "invalid error=ENOPE (an errno name or 1..4095)" },
		{ "openat:error=4096", false, "invalid error=4096 (an errno name or 1..4095)" },
		{ "openat:error=0", false, "invalid error=0 (an errno name or 1..4095)" },
		{ "openat:retval=x", false, "invalid retval=x (a number)" },
		{ "openat:retval=1", true, "unknown token 'retval=1' (error=, when=, syscall=)" },
		{ "openat:signal=1", true, "unknown token 'signal=1' (error=, when=, syscall=)" },
		{ "openat:signal=NOPE", false, "invalid signal=NOPE" },
		{ "openat:signal=USR1:signal=USR2", false, "signal= given twice" },
		{ "openat:signal=RTMIN+41111111111111111119", false, "invalid signal=RTMIN+41111111111111111119" },
		{ "openat:signal=RTMIN+31", false, "invalid signal=RTMIN+31" },
		{ "openat:error=EIO:when=0", false, "invalid when=0 (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:error=EIO:when=3..2", false, "invalid when=3..2 (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:error=EIO:when=2..65535", false, "invalid when=2..65535 (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:error=EIO:when=2.3", false, "invalid when=2.3 (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:error=EIO:when=2+0", false, "invalid when=2+0 (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:error=EIO:when=65536", false, "invalid when=65536 (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:error=EIO:when=x", false, "invalid when=x (FIRST[..LAST][+[STEP]], 1..65535)" },
		{ "openat:retval=0:syscall=openat", false, "invalid syscall=openat (only a pure syscall: -e trace=%pure)" },
		{ "openat:delay_enter=1h", false, "invalid delay_enter=1h (microseconds, or NUMBER with s, ms, us or ns)" },
		{ "openat:delay_exit=-1", false, "invalid delay_exit=-1 (microseconds, or NUMBER with s, ms, us or ns)" },
		{ "openat:delay_exit=1:delay_exit=2", false, "delay_exit= given twice" },
		{ "write:poke_enter=@arg8=00", false, "invalid poke_enter=@arg8=00 (@argN=HEX,... with N 1..7 and an even number of hex digits)" },
		{ "write:poke_enter=@arg1=0", false, "invalid poke_enter=@arg1=0 (@argN=HEX,... with N 1..7 and an even number of hex digits)" },
		{ "write:poke_exit=@arg1=zz", false, "invalid poke_exit=@arg1=zz (@argN=HEX,... with N 1..7 and an even number of hex digits)" },
		{ "write:poke_exit=", false, "invalid poke_exit= (@argN=HEX,... with N 1..7 and an even number of hex digits)" },
		{ "write:frob=1", false, "unknown token 'frob=1' (error=, retval=, signal=, syscall=, delay_enter=, delay_exit=, poke_enter=, poke_exit=, when=)" },
		{ "write:error", false, "unknown token 'error' (error=, retval=, signal=, syscall=, delay_enter=, delay_exit=, poke_enter=, poke_exit=, when=)" },
	};
	struct zd_tamper tp;
	size_t i;

	(void)state;
	zd_tamper_init(&tp);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(&tp, bad[i].spec, bad[i].fault);

		if (r != -EINVAL || strcmp(msg, bad[i].msg))
			fail_msg("'%s': %d '%s', want '%s'", bad[i].spec, r, msg, bad[i].msg);
	}
	/* The reason quotes the spec escaped: plain ASCII (fuzz_tamper). */
	assert_int_equal(parse(&tp, "write:poke_ex\377it=@arg3=ff", false), -EINVAL);
	assert_string_equal(msg, "unknown token 'poke_ex\\377it=@arg3=ff' (error=, retval=, signal=, syscall=, "
			    "delay_enter=, delay_exit=, poke_enter=, poke_exit=, when=)");
	assert_true(zd_tamper_empty(&tp));
	zd_tamper_release(&tp);
}

/* The invocations injected by a when= expression, out of n. */
static char *
injected(const char *when, int n)
{
	static char out[256];
	struct zd_tamper tp;
	char spec[64];
	struct zd_inj_when w;
	int i;

	zd_tamper_init(&tp);
	snprintf(spec, sizeof(spec), "getpid:retval=0:when=%s", when);
	assert_int_equal(parse(&tp, spec, false), 0);
	w = rule_for(&tp, "getpid")->when;
	out[0] = '\0';
	for (i = 1; i <= n; i++)
		if (zd_inj_when_step(&w))
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%d", out[0] ? "," : "", i);
	zd_tamper_release(&tp);
	return out;
}

static void
test_when(void **state)
{
	(void)state;
	/* strace(1)'s table, and strace 6.1's countdown (checked against
	 * strace -e inject=chdir:...:when=... on a shell's cd loop). */
	assert_string_equal(injected("3", 10), "3");
	assert_string_equal(injected("2..3", 10), "2,3");
	assert_string_equal(injected("3+", 6), "3,4,5,6");
	assert_string_equal(injected("2..4+", 10), "2,3,4");
	assert_string_equal(injected("2+3", 12), "2,5,8,11");
	assert_string_equal(injected("1..7+3", 12), "1,4,7");
	assert_string_equal(injected("2..6+3", 12), "2,5");
	assert_string_equal(injected("1", 3), "1");
	assert_string_equal(injected("65535", 3), "");
}

static void
test_delay(void **state)
{
	struct timespec ts;

	(void)state;
	assert_int_equal(zd_tamper_parse_delay("10", &ts), 0);
	assert_int_equal(ts.tv_sec, 0);
	assert_int_equal(ts.tv_nsec, 10000);
	assert_int_equal(zd_tamper_parse_delay("2s", &ts), 0);
	assert_int_equal(ts.tv_sec, 2);
	assert_int_equal(ts.tv_nsec, 0);
	assert_int_equal(zd_tamper_parse_delay("1.25s", &ts), 0);
	assert_int_equal(ts.tv_sec, 1);
	assert_int_equal(ts.tv_nsec, 250000000);
	assert_int_equal(zd_tamper_parse_delay("300ms", &ts), 0);
	assert_int_equal(ts.tv_nsec, 300000000);
	assert_int_equal(zd_tamper_parse_delay("5ns", &ts), 0);
	assert_int_equal(ts.tv_nsec, 5);
	assert_int_equal(zd_tamper_parse_delay("0", &ts), 0);
	assert_int_equal(ts.tv_nsec, 0);
	assert_int_equal(zd_tamper_parse_delay("", &ts), -EINVAL);
	assert_int_equal(zd_tamper_parse_delay("s", &ts), -EINVAL);
	assert_int_equal(zd_tamper_parse_delay("1m", &ts), -EINVAL);
	assert_int_equal(zd_tamper_parse_delay("-1", &ts), -EINVAL);
	assert_int_equal(zd_tamper_parse_delay("0x10", &ts), -EINVAL);
	assert_int_equal(zd_tamper_parse_delay("1e", &ts), -EINVAL);
	assert_int_equal(zd_tamper_parse_delay("2e3us", &ts), 0);
	assert_int_equal(ts.tv_nsec, 2000000);
}

/* ---------------------------------------------------------------- */
/* A real tracee                                                      */

/* Run pid to its next syscall stop (entry or exit) of nr. */
static void
to_syscall_sig(pid_t pid, long nr, int op, int sig)
{
	for (;; sig = 0) {
		struct ptrace_syscall_info info;
		int st;

		assert_int_equal(ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig), 0);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFSTOPPED(st));
		if (WSTOPSIG(st) != (SIGTRAP | 0x80))
			continue;
		memset(&info, 0, sizeof(info));
		assert_true(ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) > 0);
		if (info.op == op && (op != PTRACE_SYSCALL_INFO_ENTRY || (long)info.entry.nr == nr))
			return;
	}
}

static void
to_syscall(pid_t pid, long nr, int op)
{
	to_syscall_sig(pid, nr, op, 0);
}

static int
finish(pid_t pid, int sig)
{
	int st;

	assert_int_equal(ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
start(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	assert_int_equal(ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)), 0);
}

/* One write by the child, tampered as spec says. */
static void
one(const char *spec, int want_exit, unsigned want_notes, int64_t want_rval, bool skip_first)
{
	struct zd_tamper tp;
	struct zd_tamper_tcb *st = NULL;
	static char buf[4] = "abc";
	uint64_t args[6] = { 1, (uint64_t)(uintptr_t)buf, 3, 0, 0, 0 };
	int64_t rval;
	unsigned notes = 0;
	int status, fds[2];
	pid_t pid;
	bool on;

	zd_tamper_init(&tp);
	assert_int_equal(parse(&tp, spec, false), 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		long r;

		alarm(20);
		dup2(fds[1], 1);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(100);
		raise(SIGSTOP);
		if (skip_first)
			(void)syscall(SYS_write, 1, buf, 3);
		r = syscall(SYS_write, 1, buf, 3);
		if (r == -1)
			r = -errno;
		_exit((int)(r & 0x7f) | (buf[0] == 'X' ? 0x80 : 0));
	}
	close(fds[1]);
	start(pid);
	if (skip_first) {
		to_syscall(pid, SYS_write, PTRACE_SYSCALL_INFO_ENTRY);
		assert_false(zd_tamper_enter(&tp, &st, pid, SYS_write, args, false));
		to_syscall(pid, SYS_write, PTRACE_SYSCALL_INFO_EXIT);
	}
	to_syscall(pid, SYS_write, PTRACE_SYSCALL_INFO_ENTRY);
	on = zd_tamper_enter(&tp, &st, pid, SYS_write, args, false);
	to_syscall(pid, SYS_write, PTRACE_SYSCALL_INFO_EXIT);
	rval = -ENOSYS;
	if (on)
		notes = zd_tamper_exit(st, pid, SYS_write, args, &rval);
	status = finish(pid, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), want_exit);
	assert_int_equal(notes, want_notes);
	if (on)
		assert_int_equal(rval, want_rval);
	/* An injected call never ran: it wrote nothing to the pipe. */
	{
		char got[16];
		ssize_t n = read(fds[0], got, sizeof(got));

		assert_int_equal(n, (skip_first ? 3 : 0) + ((notes & ZD_TAMPERED_RET) ? 0 : 3));
	}
	close(fds[0]);
	zd_tamper_tcb_free(st);
	zd_tamper_release(&tp);
}

/* The tracee sees what was injected, and the call never runs: write(1,
 * "abc", 3) to a pipe; the child exits with the result and whether its
 * buffer now starts with 'X' (0x58, poked). */
static void
test_tracee(void **state)
{
	(void)state;
	one("write:error=EPERM", (-EPERM) & 0x7f, ZD_TAMPERED_RET, -EPERM, false);
	one("write:retval=9:poke_enter=@arg2=58", 9 | 0x80, ZD_TAMPERED_RET | ZD_TAMPERED_ARGS | ZD_TAMPERED_OK, 9, false);
	one("write:poke_exit=@arg2=58:retval=2", 2 | 0x80, ZD_TAMPERED_RET | ZD_TAMPERED_ARGS | ZD_TAMPERED_OK, 2, false);
	one("write:poke_enter=@arg2=58", 3 | 0x80, ZD_TAMPERED_ARGS, -ENOSYS, false);   /* runs, with "Xbc" */
	one("write:retval=5:when=2", 5, ZD_TAMPERED_RET | ZD_TAMPERED_OK, 5, true);     /* the second call */
	one("write:delay_exit=0", 3, ZD_TAMPERED_DELAYED, -ENOSYS, false);
}

/* signal=: passed with the restart from the entry stop, or from the exit
 * stop when the entry was a seccomp stop; the tracee dies of it after
 * its write ran. */
static void
test_signal(void **state)
{
	int seccomp;

	(void)state;
	for (seccomp = 0; seccomp < 2; seccomp++) {
		struct zd_tamper tp;
		struct zd_tamper_tcb *st = NULL;
		static char buf[4] = "abc";
		uint64_t args[6] = { 1, (uint64_t)(uintptr_t)buf, 3, 0, 0, 0 };
		struct timespec delay;
		int64_t rval = 3;
		int status, fds[2], sig = 0;
		pid_t pid;

		zd_tamper_init(&tp);
		assert_int_equal(parse(&tp, "write:signal=SIGUSR2", false), 0);
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			alarm(20);
			dup2(fds[1], 1);
			if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
				_exit(100);
			raise(SIGSTOP);
			(void)syscall(SYS_write, 1, buf, 3);
			_exit(0);
		}
		close(fds[1]);
		start(pid);
		to_syscall(pid, SYS_write, PTRACE_SYSCALL_INFO_ENTRY);
		assert_true(zd_tamper_enter(&tp, &st, pid, SYS_write, args, seccomp));
		assert_false(zd_tamper_take(st, &sig, &delay));
		assert_int_equal(sig, seccomp ? 0 : SIGUSR2);
		to_syscall_sig(pid, SYS_write, PTRACE_SYSCALL_INFO_EXIT, sig);
		assert_int_equal(zd_tamper_exit(st, pid, SYS_write, args, &rval), 0);
		assert_int_equal(rval, 3);
		sig = 0;
		assert_false(zd_tamper_take(st, &sig, &delay));
		assert_int_equal(sig, seccomp ? SIGUSR2 : 0);
		status = finish(pid, sig);
		assert_true(WIFSTOPPED(status) || WIFSIGNALED(status));
		if (WIFSTOPPED(status)) {
			/* the signal's delivery stop: pass it on */
			assert_int_equal(WSTOPSIG(status), SIGUSR2);
			status = finish(pid, SIGUSR2);
		}
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2);
		{
			char got[16];

			assert_int_equal(read(fds[0], got, sizeof(got)), 3);
		}
		close(fds[0]);
		zd_tamper_tcb_free(st);
		zd_tamper_release(&tp);
	}
}

/* A traced child that stops itself (after pause_us), then exits with code. */
static pid_t
traced_child(int code, useconds_t pause_us)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(100);
		if (pause_us)
			usleep(pause_us);
		raise(SIGSTOP);
		_exit(code);
	}
	return pid;
}

/* A held thread does not stop the wait for others: with A held for a
 * minute, B's exit is reported; A runs on once released. */
static void
test_hold(void **state)
{
	struct zd_tamper_queue q = { 0 };
	struct timespec minute = { 60, 0 }, now = { 0, 0 };
	pid_t a, b, pid;
	int st;

	(void)state;
	a = traced_child(7, 0);
	assert_int_equal(waitpid(a, &st, 0), a);
	assert_true(WIFSTOPPED(st));
	zd_tamper_hold(&q, a, PTRACE_CONT, 0, &minute);
	b = fork();
	assert_true(b >= 0);
	if (b == 0)
		_exit(3);
	pid = zd_tamper_wait(&q, &st, NULL);
	assert_int_equal(pid, b);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	assert_int_equal(q.n, 1);
	/* A is still stopped: nothing else to reap. */
	assert_int_equal(waitpid(a, &st, WNOHANG), 0);
	/* Released (a delay of 0 is due at once): A exits. */
	zd_tamper_unhold(&q, a);
	zd_tamper_hold(&q, a, PTRACE_CONT, 0, &now);
	pid = zd_tamper_wait(&q, &st, NULL);
	assert_int_equal(pid, a);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	assert_int_equal(q.n, 0);
	zd_tamper_queue_release(&q);
}

/* The same with SIGCHLD ignored (inherited SIG_IGN): the kernel sends
 * no SIGCHLD for B's stop, yet the wait reports it while A is held (A's
 * alarm would end it after 20 s: it must still be there, stopped). */
static void
test_hold_sigchld_ignored(void **state)
{
	struct zd_tamper_queue q = { 0 };
	struct timespec minute = { 60, 0 };
	pid_t a, b, pid;
	int st;

	(void)state;
	signal(SIGCHLD, SIG_IGN);
	a = traced_child(7, 0);
	assert_int_equal(waitpid(a, &st, 0), a);
	zd_tamper_hold(&q, a, PTRACE_CONT, 0, &minute);
	b = traced_child(3, 100000);   /* stops once the wait is under way */
	pid = zd_tamper_wait(&q, &st, NULL);
	assert_int_equal(pid, b);
	assert_true(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	assert_int_equal(q.n, 1);
	assert_int_equal(waitpid(a, &st, WNOHANG), 0);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	assert_int_equal(waitpid(a, &st, 0), a);
	assert_int_equal(waitpid(b, &st, 0), b);
	signal(SIGCHLD, SIG_DFL);
	zd_tamper_queue_release(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_when),
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_tracee),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_hold_sigchld_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
