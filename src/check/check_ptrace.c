/*
 * ptrace probes: TRACEME, ATTACH/DETACH, syscall stops, registers, memory,
 * single-step, fork events, attach errors, and who hears of a tracee's
 * exit first.  Register and single-step probes are x86-64 only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"
#include "zdiag/sig.h"

#define XSTR(x) #x
#define STR(x) XSTR(x)

/* Exit codes of a tracee whose PTRACE_TRACEME failed: 100 + errno. */
#define TRACEME_FAILED 100

static bool
have_proc(void)
{
	return access("/proc/self/stat", F_OK) == 0;
}

/* /proc/PID/status says TracerPid `tracer` (when /proc is there). */
static int
check_tracer(struct zd_check_ctx *c, pid_t pid, pid_t tracer, const char *when)
{
	struct zd_status st;
	int r;

	if (!have_proc())
		return ZD_CHECK_PASS;
	r = zd_check_read_status(pid, &st);
	zd_check_expect(c, "/proc/%d/status says TracerPid %d %s", (int)pid, (int)tracer, when);
	if (r < 0)
		return zd_check_fail(c, "reading it failed with %s", zd_check_errstr(-r));
	if (st.tracer != tracer)
		return zd_check_fail(c, "TracerPid: %d", (int)st.tracer);
	return ZD_CHECK_PASS;
}

/* waitpid(__WALL) that must report a stop by `sig`. */
static int
expect_stop(struct zd_check_ctx *c, pid_t pid, int sig, const char *what)
{
	int st = 0;
	pid_t w;

	zd_check_step(c, "waitpid(%d, __WALL) for %s", (int)pid, what);
	w = zd_check_waitpid(pid, &st, __WALL);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
	if (sig == (SIGTRAP | 0x80))
		zd_check_expect(c, "%s: waitpid() reports WIFSTOPPED with WSTOPSIG SIGTRAP|0x80", what);
	else
		zd_check_expect(c, "%s: waitpid() reports WIFSTOPPED with WSTOPSIG %s", what, zd_signame(sig));
	if (w != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != sig)
		return zd_check_fail(c, "waitpid() returned %d with %s%s", (int)w, zd_check_wstr(st),
				     WIFSTOPPED(st) && (WSTOPSIG(st) & 0x80) ? " (SIGTRAP|0x80)" : "");
	return ZD_CHECK_PASS;
}

static int
expect_exit(struct zd_check_ctx *c, pid_t pid, int code, const char *what)
{
	int st = 0;
	pid_t w;

	zd_check_step(c, "waitpid(%d, __WALL) for %s", (int)pid, what);
	w = zd_check_waitpid(pid, &st, __WALL);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
	zd_check_expect(c, "%s: waitpid() reports WIFEXITED with WEXITSTATUS %d", what, code);
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != code)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static int
ptrace_ok(struct zd_check_ctx *c, long ret, const char *req, pid_t pid)
{
	return zd_check_sys(c, ret, "ptrace(%s, %d)", req, (int)pid);
}

/*
 * Fork a tracee: PTRACE_TRACEME, a raw kill(getpid(), SIGSTOP), then body.
 * Returns once the tracer has seen the SIGSTOP stop; TRACEME refused by the
 * system (ENOSYS, EPERM) is a SKIP.
 */
static int
traceme_child(struct zd_check_ctx *c, void (*body)(void *), void *arg, pid_t *out)
{
	int st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	pid = zd_check_fork(c);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(TRACEME_FAILED + (errno < 100 ? errno : 99));
		syscall(SYS_kill, getpid(), SIGSTOP);
		if (body)
			body(arg);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	*out = pid;
	zd_check_step(c, "waitpid(%d) for the tracee's SIGSTOP", (int)pid);
	w = zd_check_waitpid(pid, &st, __WALL);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
	if (WIFEXITED(st) && WEXITSTATUS(st) >= TRACEME_FAILED) {
		int e = WEXITSTATUS(st) - TRACEME_FAILED;

		if (e == ENOSYS || e == EPERM)
			return zd_check_skip(c, "PTRACE_TRACEME is refused here: %s", zd_check_errstr(e));
		zd_check_expect(c, "PTRACE_TRACEME succeeds");
		return zd_check_fail(c, "it failed with %s", zd_check_errstr(e));
	}
	zd_check_expect(c, "a tracee that raises SIGSTOP stops: WIFSTOPPED with WSTOPSIG SIGSTOP");
	if (w != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

/* PTRACE_ATTACH that turns a refusal by policy (not by the rule under
 * test) into a SKIP. */
static int
attach(struct zd_check_ctx *c, pid_t pid)
{
	unsigned long long scope = 0;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0)
		return ZD_CHECK_PASS;
	if (errno == ENOSYS)
		return zd_check_skip(c, "ptrace(2) is not implemented (ENOSYS)");
	if (errno == EPERM && zd_read_ull(AT_FDCWD, "/proc/sys/kernel/yama/ptrace_scope", &scope) == 0 && scope)
		return zd_check_skip(c, "PTRACE_ATTACH refused by kernel.yama.ptrace_scope=%llu", scope);
	return ptrace_ok(c, -1, "PTRACE_ATTACH", pid);
}

static int
p_traceme(struct zd_check_ctx *c)
{
	int st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	pid = zd_check_fork(c);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(TRACEME_FAILED + (errno < 100 ? errno : 99));
		raise(SIGSTOP);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	zd_check_step(c, "waitpid(%d) for the SIGSTOP of a PTRACE_TRACEME child", (int)pid);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	if (WIFEXITED(st) && WEXITSTATUS(st) >= TRACEME_FAILED) {
		int e = WEXITSTATUS(st) - TRACEME_FAILED;

		if (e == ENOSYS || e == EPERM)
			return zd_check_skip(c, "PTRACE_TRACEME is refused here: %s", zd_check_errstr(e));
		zd_check_expect(c, "PTRACE_TRACEME succeeds");
		return zd_check_fail(c, "it failed with %s", zd_check_errstr(e));
	}
	zd_check_expect(c, "after PTRACE_TRACEME and raise(SIGSTOP) the parent sees WIFSTOPPED with WSTOPSIG SIGSTOP");
	if (w != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	if (have_proc()) {
		char s = zd_check_state(pid, 0);

		zd_check_expect(c, "/proc/%d/stat shows state t (tracing stop)", (int)pid);
		if (s != 't')
			return zd_check_fail(c, "state is '%c'", s ? s : '-');
	}
	ZD_CHECK_TRY(check_tracer(c, pid, getpid(), "after PTRACE_TRACEME"));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, NULL), "PTRACE_CONT", pid));
	return expect_exit(c, pid, 0, "after PTRACE_CONT the child runs on and exits 0");
}

static int
p_attach_detach(struct zd_check_ctx *c)
{
	int go[2];
	char seen;
	pid_t pid;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork_waiter(c, go[0]);

	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	ZD_CHECK_TRY(attach(c, pid));
	ZD_CHECK_TRY(expect_stop(c, pid, SIGSTOP, "PTRACE_ATTACH stops the target"));
	if (have_proc()) {
		char s = zd_check_state(pid, 0);

		zd_check_expect(c, "/proc/%d/stat shows state t (tracing stop) after the attach", (int)pid);
		if (s != 't')
			return zd_check_fail(c, "state is '%c'", s ? s : '-');
	}
	ZD_CHECK_TRY(check_tracer(c, pid, getpid(), "while attached"));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_DETACH, pid, NULL, NULL), "PTRACE_DETACH", pid));
	ZD_CHECK_TRY(check_tracer(c, pid, 0, "after PTRACE_DETACH"));
	if (have_proc()) {
		int r;

		zd_check_expect(c, "after PTRACE_DETACH the target runs again (state S or R, not t or T)");
		r = zd_check_wait_state(c, pid, 0, "SR", &seen);
		if (r < 0)
			return zd_check_fail(c, "state stayed '%c'", seen ? seen : '-');
	}
	zd_check_send(go[1], 5);
	return expect_exit(c, pid, 5, "the detached target exits normally");
}

#if defined(__x86_64__)

#define PEEK_MAGIC 0x5a44494147434b31UL  /* "ZDIAGCK1" */
#define POKE_MAGIC 0x1122334455667788UL
#define WRITE_BUF 0x5a5a0000UL

/* The syscalls the syscall-stop tracee makes after its SIGSTOP. */
static void
syscall_body(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	syscall(SYS_write, -1L, WRITE_BUF, 7L);
	syscall(SYS_exit_group, 0);
}

struct sc_stop {
	int sig;
	struct user_regs_struct regs;
};

#define MAX_STOPS 16

/* Trace the syscall tracee with PTRACE_SYSCALL; collect every stop. */
static int
trace_syscalls(struct zd_check_ctx *c, bool sysgood, struct sc_stop *stops, int *nstops)
{
	pid_t pid = 0, w;
	int st = 0, n = 0;

	ZD_CHECK_TRY(traceme_child(c, syscall_body, NULL, &pid));
	if (sysgood)
		ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_TRACESYSGOOD),
				       "PTRACE_SETOPTIONS, PTRACE_O_TRACESYSGOOD", pid));
	for (;;) {
		ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_SYSCALL, pid, NULL, NULL), "PTRACE_SYSCALL", pid));
		zd_check_step(c, "waitpid(%d, __WALL) for syscall stop %d", (int)pid, n + 1);
		w = zd_check_waitpid(pid, &st, __WALL);
		ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		zd_check_expect(c, "PTRACE_SYSCALL leads to syscall stops until the tracee exits");
		if (!WIFSTOPPED(st))
			return zd_check_fail(c, "waitpid() reported %s", zd_check_wstr(st));
		if (n == MAX_STOPS)
			return zd_check_fail(c, "more than %d stops for 3 syscalls", MAX_STOPS);
		stops[n].sig = WSTOPSIG(st);
		ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_GETREGS, pid, NULL, &stops[n].regs), "PTRACE_GETREGS", pid));
		n++;
	}
	*nstops = n;
	zd_check_expect(c, "the syscall tracee exits 0 through exit_group(0)");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return zd_check_fail(c, "it %s", zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static void
describe_stops(struct zd_sb *sb, const struct sc_stop *stops, int n)
{
	int i;

	for (i = 0; i < n; i++)
		zd_sb_addf(sb, "%s%lld", i ? ", " : "", (long long)stops[i].regs.orig_rax);
}

/* getppid entry+exit, write entry+exit, exit_group entry. */
static const long want_nrs[] = { SYS_getppid, SYS_getppid, SYS_write, SYS_write, SYS_exit_group };

static int
check_pairs(struct zd_check_ctx *c, const struct sc_stop *stops, int n, int sig, const char *signame)
{
	struct zd_sb sb = ZD_SB_INIT;
	int i;

	describe_stops(&sb, stops, n);
	zd_check_note(c, "orig_rax at each stop: %s", sb.buf);
	zd_check_expect(c, "getppid(), write() and exit_group() give stops with orig_rax %ld, %ld, %ld, %ld, %ld "
			   "(entry and exit of each, entry only of exit_group)",
			want_nrs[0], want_nrs[1], want_nrs[2], want_nrs[3], want_nrs[4]);
	if (n != (int)ZD_ARRAY_SIZE(want_nrs)) {
		int r = zd_check_fail(c, "%d stops with orig_rax %s", n, sb.buf);

		zd_sb_release(&sb);
		return r;
	}
	for (i = 0; i < n; i++) {
		if ((long)stops[i].regs.orig_rax != want_nrs[i]) {
			int r = zd_check_fail(c, "stop %d has orig_rax %lld (all: %s)", i + 1,
					      (long long)stops[i].regs.orig_rax, sb.buf);

			zd_sb_release(&sb);
			return r;
		}
	}
	zd_sb_release(&sb);
	zd_check_expect(c, "every syscall stop reports WSTOPSIG %s", signame);
	for (i = 0; i < n; i++)
		if (stops[i].sig != sig)
			return zd_check_fail(c, "stop %d reports signal 0x%x (%s%s)", i + 1, (unsigned)stops[i].sig,
					     zd_signame(stops[i].sig & 0x7f), stops[i].sig & 0x80 ? "|0x80" : "");
	return ZD_CHECK_PASS;
}

static int
p_syscall_pairs(struct zd_check_ctx *c)
{
	struct sc_stop stops[MAX_STOPS];
	int n = 0;

	ZD_CHECK_TRY(trace_syscalls(c, true, stops, &n));
	return check_pairs(c, stops, n, SIGTRAP | 0x80, "SIGTRAP|0x80 (PTRACE_O_TRACESYSGOOD)");
}

static int
p_syscall_sigtrap(struct zd_check_ctx *c)
{
	struct sc_stop stops[MAX_STOPS];
	int n = 0;

	ZD_CHECK_TRY(trace_syscalls(c, false, stops, &n));
	return check_pairs(c, stops, n, SIGTRAP, "SIGTRAP (no PTRACE_O_TRACESYSGOOD)");
}

static int
p_getregs(struct zd_check_ctx *c)
{
	struct sc_stop stops[MAX_STOPS];
	const struct user_regs_struct *in, *out;
	int n = 0;

	ZD_CHECK_TRY(trace_syscalls(c, true, stops, &n));
	zd_check_expect(c, "5 syscall stops (getppid, write, exit_group)");
	if (n != 5 || (long)stops[2].regs.orig_rax != SYS_write)
		return zd_check_fail(c, "%d stops", n);
	in = &stops[2].regs;
	out = &stops[3].regs;
	zd_check_note(c, "write entry: orig_rax %lld rdi 0x%llx rsi 0x%llx rdx %lld rax %lld; exit: rax %lld",
		      (long long)in->orig_rax, (unsigned long long)in->rdi, (unsigned long long)in->rsi,
		      (long long)in->rdx, (long long)in->rax, (long long)out->rax);
	zd_check_expect(c, "at the entry stop of write(-1, 0x%lx, 7): orig_rax %d, rdi -1, rsi 0x%lx, rdx 7",
			WRITE_BUF, SYS_write, WRITE_BUF);
	if (in->orig_rax != SYS_write || (long long)in->rdi != -1 || in->rsi != WRITE_BUF || in->rdx != 7)
		return zd_check_fail(c, "orig_rax %lld, rdi %lld, rsi 0x%llx, rdx %lld", (long long)in->orig_rax,
				     (long long)in->rdi, (unsigned long long)in->rsi, (long long)in->rdx);
	zd_check_expect(c, "at a syscall-entry stop rax is -ENOSYS (-%d)", ENOSYS);
	if ((long long)in->rax != -ENOSYS)
		return zd_check_fail(c, "rax %lld", (long long)in->rax);
	zd_check_expect(c, "at the exit stop of write(-1, ...) rax is -EBADF (-%d)", EBADF);
	if ((long long)out->rax != -EBADF)
		return zd_check_fail(c, "rax %lld", (long long)out->rax);
	zd_check_expect(c, "at the exit stop of getppid() rax is the tracer's pid %d", (int)getpid());
	if ((long long)stops[1].regs.rax != getpid())
		return zd_check_fail(c, "rax %lld", (long long)stops[1].regs.rax);
	return ZD_CHECK_PASS;
}

/* Known words for PEEKDATA/POKEDATA: the tracee is a fork, so the
 * address is the same in both processes. */
static volatile unsigned long peek_word = PEEK_MAGIC;

static void
peek_body(void *arg)
{
	int fd = *(int *)arg;

	zd_check_send_int(fd, (long long)peek_word);
}

static int
p_peek_poke(struct zd_check_ctx *c)
{
	int rep[2];
	long long seen = 0;
	pid_t pid = 0;
	long v;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(rep, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(traceme_child(c, peek_body, &rep[1], &pid));
	close(rep[1]);
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, pid, (void *)&peek_word, NULL);
	zd_check_expect(c, "PTRACE_PEEKDATA at %p reads the tracee's word 0x%lx", (void *)&peek_word, PEEK_MAGIC);
	if (errno)
		return zd_check_fail(c, "it failed with %s", zd_check_errstr(errno));
	if ((unsigned long)v != PEEK_MAGIC)
		return zd_check_fail(c, "it read 0x%lx", (unsigned long)v);
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_POKEDATA, pid, (void *)&peek_word, (void *)POKE_MAGIC),
			       "PTRACE_POKEDATA", pid));
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, pid, (void *)&peek_word, NULL);
	zd_check_expect(c, "PTRACE_PEEKDATA after PTRACE_POKEDATA reads the new word 0x%lx", POKE_MAGIC);
	if (errno)
		return zd_check_fail(c, "it failed with %s", zd_check_errstr(errno));
	if ((unsigned long)v != POKE_MAGIC)
		return zd_check_fail(c, "it read 0x%lx", (unsigned long)v);
	zd_check_expect(c, "PTRACE_POKEDATA changes the tracee's copy only, not the tracer's");
	if (peek_word != PEEK_MAGIC)
		return zd_check_fail(c, "the tracer's word became 0x%lx", (unsigned long)peek_word);
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, NULL), "PTRACE_CONT", pid));
	zd_check_step(c, "reading the word the tracee sees after PTRACE_CONT");
	zd_check_expect(c, "after PTRACE_CONT the tracee itself reads the poked word 0x%lx", POKE_MAGIC);
	if (zd_check_recv_int(rep[0], &seen) < 0)
		return zd_check_fail(c, "the tracee did not report");
	if ((unsigned long)seen != POKE_MAGIC)
		return zd_check_fail(c, "the tracee read 0x%llx", (unsigned long long)seen);
	return expect_exit(c, pid, 0, "the tracee then exits 0");
}

static int
p_peek_unmapped(struct zd_check_ctx *c)
{
	pid_t pid = 0;
	long v;

	ZD_CHECK_TRY(traceme_child(c, NULL, NULL, &pid));
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, pid, (void *)8, NULL);
	ZD_CHECK_TRY(zd_check_errno(c, errno ? -1 : v, EIO, "ptrace(PTRACE_PEEKDATA) at the unmapped address 0x8"));
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_POKEDATA, pid, (void *)8, (void *)1UL), EIO,
				    "ptrace(PTRACE_POKEDATA) at the unmapped address 0x8"));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, NULL), "PTRACE_CONT", pid));
	return expect_exit(c, pid, 0, "the tracee then exits 0");
}

/*
 * The single-step target: kill(pid, SIGSTOP) by a raw syscall, then three
 * no-ops of 1, 2 and 3 bytes.  The SIGSTOP stop leaves rip at
 * zd_check_step_nops; each PTRACE_SINGLESTEP must advance it by exactly
 * one instruction.
 */
void zd_check_step_stub(long pid, long sig);
extern const char zd_check_step_nops[];
__asm__(".text\n"
	".globl zd_check_step_stub\n"
	".hidden zd_check_step_stub\n"
	".type zd_check_step_stub, @function\n"
	"zd_check_step_stub:\n"
	"	mov $" STR(SYS_kill) ", %eax\n"
	"	syscall\n"
	".globl zd_check_step_nops\n"
	".hidden zd_check_step_nops\n"
	"zd_check_step_nops:\n"
	"	nop\n"
	"	xchg %ax, %ax\n"
	"	nopl (%rax)\n"
	"	ret\n"
	".size zd_check_step_stub, . - zd_check_step_stub\n");

static int
p_singlestep(struct zd_check_ctx *c)
{
	static const int advance[] = { 1, 3, 6 };
	unsigned long base = (unsigned long)zd_check_step_nops;
	struct user_regs_struct regs;
	pid_t pid;
	int st = 0, i;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	pid = zd_check_fork(c);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(TRACEME_FAILED + (errno < 100 ? errno : 99));
		zd_check_step_stub(getpid(), SIGSTOP);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	zd_check_step(c, "waitpid(%d) for the SIGSTOP before the no-ops", (int)pid);
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(pid, &st, __WALL), "waitpid(%d)", (int)pid));
	if (WIFEXITED(st) && WEXITSTATUS(st) >= TRACEME_FAILED)
		return zd_check_skip(c, "PTRACE_TRACEME is refused here: %s",
				     zd_check_errstr(WEXITSTATUS(st) - TRACEME_FAILED));
	zd_check_expect(c, "the tracee stops with SIGSTOP");
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return zd_check_fail(c, "waitpid() reported %s", zd_check_wstr(st));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_GETREGS, pid, NULL, &regs), "PTRACE_GETREGS", pid));
	zd_check_expect(c, "at the SIGSTOP stop after the syscall instruction rip is 0x%lx", base);
	if (regs.rip != base)
		return zd_check_fail(c, "rip is 0x%llx", (unsigned long long)regs.rip);
	for (i = 0; i < 3; i++) {
		ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL), "PTRACE_SINGLESTEP", pid));
		ZD_CHECK_TRY(expect_stop(c, pid, SIGTRAP, "PTRACE_SINGLESTEP"));
		ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_GETREGS, pid, NULL, &regs), "PTRACE_GETREGS", pid));
		zd_check_expect(c, "single step %d executes exactly one instruction (a %d-byte nop): rip 0x%lx", i + 1,
				i + 1, base + (unsigned long)advance[i]);
		if (regs.rip != base + (unsigned long)advance[i])
			return zd_check_fail(c, "rip is 0x%llx (%+lld bytes from the first nop)",
					     (unsigned long long)regs.rip, (long long)(regs.rip - base));
	}
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, NULL), "PTRACE_CONT", pid));
	return expect_exit(c, pid, 0, "the stepped tracee then exits 0");
}

#else /* !__x86_64__ */

static int
p_x86_only(struct zd_check_ctx *c)
{
	return zd_check_skip(c, "this probe reads x86-64 registers");
}

#define p_syscall_pairs p_x86_only
#define p_syscall_sigtrap p_x86_only
#define p_getregs p_x86_only
#define p_peek_poke p_x86_only
#define p_peek_unmapped p_x86_only
#define p_singlestep p_x86_only

#endif

static void
fork_body(void *arg)
{
	int fd = *(int *)arg;
	pid_t g = fork();

	if (g == 0)
		_exit(0);
	zd_check_send_int(fd, g);
}

static int
p_tracefork(struct zd_check_ctx *c)
{
	unsigned long msg = 0;
	long long forked = 0;
	int rep[2], st = 0, sig = 0, stops = 0;
	pid_t pid = 0, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(rep, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(traceme_child(c, fork_body, &rep[1], &pid));
	close(rep[1]);
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_TRACEFORK),
			       "PTRACE_SETOPTIONS, PTRACE_O_TRACEFORK", pid));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, NULL), "PTRACE_CONT", pid));
	zd_check_step(c, "waitpid(%d, __WALL) for the fork event", (int)pid);
	w = zd_check_waitpid(pid, &st, __WALL);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
	zd_check_expect(c, "fork() in a tracee with PTRACE_O_TRACEFORK stops it with status>>8 == "
			   "SIGTRAP|PTRACE_EVENT_FORK<<8 (0x%x)", SIGTRAP | (PTRACE_EVENT_FORK << 8));
	if (w != pid || !WIFSTOPPED(st) || (st >> 8) != (SIGTRAP | (PTRACE_EVENT_FORK << 8)))
		return zd_check_fail(c, "waitpid() returned %d with %s (status>>8 0x%x)", (int)w, zd_check_wstr(st),
				     (unsigned)st >> 8);
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg), "PTRACE_GETEVENTMSG", pid));
	zd_check_note(c, "PTRACE_GETEVENTMSG: %lu", msg);
	zd_check_expect(c, "PTRACE_GETEVENTMSG gives the new child's pid");
	if (!msg || kill((pid_t)msg, 0) < 0)
		return zd_check_fail(c, "it gave %lu, which is not a live process", msg);
	ZD_CHECK_TRY(expect_stop(c, (pid_t)msg, SIGSTOP, "the new child starts traced"));
	ZD_CHECK_TRY(check_tracer(c, (pid_t)msg, getpid(), "for the auto-attached new child"));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, (pid_t)msg, NULL, NULL), "PTRACE_CONT", (pid_t)msg));
	ZD_CHECK_TRY(expect_exit(c, (pid_t)msg, 0, "the traced new child exits 0 (seen by its tracer)"));
	/* Run the tracee to its end, passing on the signals it gets (the
	 * SIGCHLD of its exited child stops it first). */
	for (;;) {
		ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig), "PTRACE_CONT", pid));
		zd_check_step(c, "waitpid(%d, __WALL) until the tracee exits", (int)pid);
		w = zd_check_waitpid(pid, &st, __WALL);
		ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
		if (!WIFSTOPPED(st))
			break;
		sig = WSTOPSIG(st) == SIGCHLD ? SIGCHLD : 0;
		zd_check_expect(c, "after the fork event the tracee stops only for its child's SIGCHLD");
		if (WSTOPSIG(st) != SIGCHLD || ++stops > 3)
			return zd_check_fail(c, "waitpid() reported %s", zd_check_wstr(st));
	}
	zd_check_expect(c, "the tracee then exits 0");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return zd_check_fail(c, "it %s", zd_check_wstr(st));
	zd_check_expect(c, "the pid in PTRACE_GETEVENTMSG is the one fork() returned in the tracee");
	if (zd_check_recv_int(rep[0], &forked) < 0)
		return zd_check_fail(c, "the tracee did not report");
	if (forked != (long long)msg)
		return zd_check_fail(c, "fork() returned %lld, the event said %lu", forked, msg);
	return ZD_CHECK_PASS;
}

static int
p_attach_traced(struct zd_check_ctx *c)
{
	int info[2], quit[2];
	long long other = 0;
	pid_t pid = 0, m;

	/* Traced by this probe already. */
	ZD_CHECK_TRY(traceme_child(c, NULL, NULL, &pid));
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_ATTACH, pid, NULL, NULL), EPERM,
				    "ptrace(PTRACE_ATTACH) by its tracer to the already traced %d", (int)pid));
	/* Traced by another process (a child M of this probe). */
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(info, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(quit, O_CLOEXEC), "pipe2()"));
	m = zd_check_fork(c);
	if (m == 0) {
		int st;
		pid_t t = zd_check_fork(c);

		if (t == 0) {
			if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
				_exit(1);
			syscall(SYS_kill, getpid(), SIGSTOP);
			_exit(0);
		}
		if (t < 0 || zd_check_waitpid(t, &st, __WALL) != t || !WIFSTOPPED(st))
			t = -1;
		zd_check_send_int(info[1], t);
		zd_check_recv(quit[0]);
		if (t > 0)
			kill(t, SIGKILL);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, m, "fork()"));
	close(info[1]);
	zd_check_step(c, "waiting for %d to trace a child of its own", (int)m);
	zd_check_expect(c, "a second process can trace a child with PTRACE_TRACEME");
	if (zd_check_recv_int(info[0], &other) < 0 || other <= 0)
		return zd_check_fail(c, "it could not");
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_ATTACH, (pid_t)other, NULL, NULL), EPERM,
				    "ptrace(PTRACE_ATTACH) to %lld, already traced by %d", other, (int)m));
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_SEIZE, (pid_t)other, NULL, NULL), EPERM,
				    "ptrace(PTRACE_SEIZE) to %lld, already traced by %d", other, (int)m));
	zd_check_send(quit[1], 1);
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(m, NULL, 0), "waitpid(%d)", (int)m));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, pid, NULL, NULL), "PTRACE_CONT", pid));
	return expect_exit(c, pid, 0, "the tracee then exits 0");
}

static int
p_attach_missing(struct zd_check_ctx *c)
{
	int tries;
	pid_t pid = -1;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	/* A pid that existed a moment ago and is free now. */
	for (tries = 0; tries < 5; tries++) {
		pid = zd_check_fork(c);
		if (pid == 0)
			_exit(0);
		ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
		ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(pid, NULL, 0), "waitpid(%d)", (int)pid));
		if (kill(pid, 0) < 0 && errno == ESRCH)
			break;
	}
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_ATTACH, pid, NULL, NULL), ESRCH,
				    "ptrace(PTRACE_ATTACH) to the reaped pid %d", (int)pid));
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_SEIZE, pid, NULL, NULL), ESRCH,
				    "ptrace(PTRACE_SEIZE) to the reaped pid %d", (int)pid));
	return zd_check_errno(c, ptrace(PTRACE_ATTACH, (pid_t)0x7ffffff0, NULL, NULL), ESRCH,
			      "ptrace(PTRACE_ATTACH) to pid %d (above any pid_max)", 0x7ffffff0);
}

static int
p_attach_zombie(struct zd_check_ctx *c)
{
	pid_t pid;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	ZD_CHECK_TRY(zd_check_errno(c, ptrace(PTRACE_ATTACH, pid, NULL, NULL), EPERM,
				    "ptrace(PTRACE_ATTACH) to the zombie %d", (int)pid));
	return expect_exit(c, pid, 42, "the zombie is then reaped by its parent");
}

static int
p_exit_to_tracer_first(struct zd_check_ctx *c)
{
	int cmd[2], ans[2], go[2];
	long long t = 0, r = 0, pst = 0;
	siginfo_t si;
	pid_t p;
	int rc;

	ZD_CHECK_TRY(zd_check_ptrace_usable(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(cmd, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(ans, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	/* P is the real parent of T; this probe becomes T's tracer. */
	p = zd_check_fork(c);
	if (p == 0) {
		pid_t tt = zd_check_fork(c);

		if (tt == 0) {
			int b = zd_check_recv(go[0]);
			_exit(b > 0 ? b : 0);
		}
		zd_check_send_int(ans[1], tt);
		for (;;) {
			int b = zd_check_recv(cmd[0]), st = 0;
			pid_t w;

			if (b != 1 && b != 2)
				_exit(0);
			w = zd_check_waitpid(tt, &st, b == 1 ? WNOHANG : 0);
			zd_check_send_int(ans[1], w < 0 ? -errno : w);
			zd_check_send_int(ans[1], st);
		}
	}
	ZD_CHECK_TRY(zd_check_sys(c, p, "fork()"));
	zd_check_step(c, "reading the grandchild's pid from %d", (int)p);
	zd_check_expect(c, "the child forks a grandchild");
	if (zd_check_recv_int(ans[0], &t) < 0 || t <= 0)
		return zd_check_fail(c, "no grandchild pid came back");
	ZD_CHECK_TRY(attach(c, (pid_t)t));
	ZD_CHECK_TRY(expect_stop(c, (pid_t)t, SIGSTOP, "PTRACE_ATTACH to the grandchild"));
	ZD_CHECK_TRY(ptrace_ok(c, ptrace(PTRACE_CONT, (pid_t)t, NULL, NULL), "PTRACE_CONT", (pid_t)t));
	zd_check_send(go[1], 7);
	zd_check_step(c, "waitid(P_PID, %lld, WEXITED|WNOWAIT|__WALL): the tracee exits", t);
	do
		rc = waitid(P_PID, (id_t)t, &si, WEXITED | WNOWAIT | __WALL);
	while (rc < 0 && errno == EINTR);
	ZD_CHECK_TRY(zd_check_sys(c, rc, "waitid(P_PID, %lld, WEXITED|WNOWAIT|__WALL) by the tracer", t));
	zd_check_expect(c, "the tracer hears of the tracee's exit: waitid(WNOWAIT) reports CLD_EXITED, status 7");
	if (si.si_pid != (pid_t)t || si.si_code != CLD_EXITED || si.si_status != 7)
		return zd_check_fail(c, "si_pid %d, si_code %s, si_status %d", (int)si.si_pid,
				     zd_check_cld_name(si.si_code), si.si_status);
	zd_check_send(cmd[1], 1);
	zd_check_step(c, "asking the real parent %d for waitpid(%lld, WNOHANG)", (int)p, t);
	zd_check_expect(c, "before the tracer has waited, the real parent's waitpid(%lld, WNOHANG) returns 0", t);
	if (zd_check_recv_int(ans[0], &r) < 0 || zd_check_recv_int(ans[0], &pst) < 0)
		return zd_check_fail(c, "the real parent did not answer");
	if (r != 0)
		return zd_check_fail(c, r < 0 ? "it failed with %s" : "it returned %s", r < 0 ? zd_check_errstr((int)-r) :
				     zd_check_wstr((int)pst));
	ZD_CHECK_TRY(expect_exit(c, (pid_t)t, 7, "the tracer reaps the exit report first"));
	zd_check_send(cmd[1], 2);
	zd_check_step(c, "asking the real parent %d for waitpid(%lld)", (int)p, t);
	zd_check_expect(c, "after the tracer's wait, the real parent's waitpid(%lld) reaps it: exited 7", t);
	if (zd_check_recv_int(ans[0], &r) < 0 || zd_check_recv_int(ans[0], &pst) < 0)
		return zd_check_fail(c, "the real parent did not answer");
	if (r != t || !WIFEXITED((int)pst) || WEXITSTATUS((int)pst) != 7)
		return zd_check_fail(c, "it returned %lld (%s)", r,
				     r < 0 ? zd_check_errstr((int)-r) : zd_check_wstr((int)pst));
	zd_check_send(cmd[1], 3);
	return expect_exit(c, p, 0, "the real parent exits 0");
}

const struct zd_probe zd_check_ptrace_probes[] = {
	{ "ptrace.traceme-stop", "ptrace",
	  "PTRACE_TRACEME then raise(SIGSTOP): the parent sees WIFSTOPPED/SIGSTOP; after PTRACE_CONT the child exits 0",
	  "kernel/ptrace.c, kernel/signal.c", p_traceme, NULL },
	{ "ptrace.attach-detach", "ptrace",
	  "PTRACE_ATTACH stops the target with SIGSTOP (TracerPid set); PTRACE_DETACH lets it run and exit normally",
	  "kernel/ptrace.c", p_attach_detach, NULL },
	{ "ptrace.syscall-pairs", "ptrace",
	  "with PTRACE_O_TRACESYSGOOD, PTRACE_SYSCALL stops come in entry/exit pairs and report SIGTRAP|0x80",
	  "kernel/entry/common.c, kernel/ptrace.c", p_syscall_pairs, NULL },
	{ "ptrace.syscall-sigtrap", "ptrace",
	  "without PTRACE_O_TRACESYSGOOD, PTRACE_SYSCALL stops report plain SIGTRAP, in the same pairs",
	  "kernel/entry/common.c, kernel/ptrace.c", p_syscall_sigtrap, NULL },
	{ "ptrace.getregs", "ptrace",
	  "PTRACE_GETREGS at a syscall stop shows the number in orig_rax, the arguments, -ENOSYS then the result in rax",
	  "arch/x86/kernel/ptrace.c, arch/x86/entry/common.c", p_getregs, NULL },
	{ "ptrace.peek-poke", "ptrace",
	  "PTRACE_PEEKDATA reads a known word of the tracee and PTRACE_POKEDATA changes it (the tracee's copy only)",
	  "kernel/ptrace.c, mm/memory.c", p_peek_poke, NULL },
	{ "ptrace.peek-unmapped", "ptrace",
	  "PTRACE_PEEKDATA and PTRACE_POKEDATA at an unmapped address fail with EIO",
	  "kernel/ptrace.c", p_peek_unmapped, NULL },
	{ "ptrace.singlestep", "ptrace",
	  "PTRACE_SINGLESTEP executes exactly one instruction and stops with SIGTRAP",
	  "arch/x86/kernel/step.c", p_singlestep, NULL },
	{ "ptrace.tracefork", "ptrace",
	  "with PTRACE_O_TRACEFORK, fork() gives PTRACE_EVENT_FORK, GETEVENTMSG the new pid, and the child starts traced",
	  "kernel/fork.c, kernel/ptrace.c", p_tracefork, NULL },
	{ "ptrace.attach-traced", "ptrace",
	  "PTRACE_ATTACH or PTRACE_SEIZE to a process that is already traced fails with EPERM",
	  "kernel/ptrace.c", p_attach_traced, NULL },
	{ "ptrace.attach-missing", "ptrace",
	  "PTRACE_ATTACH or PTRACE_SEIZE to a pid that does not exist fails with ESRCH",
	  "kernel/ptrace.c", p_attach_missing, NULL },
	{ "ptrace.attach-zombie", "ptrace",
	  "PTRACE_ATTACH to a zombie fails with EPERM",
	  "kernel/ptrace.c", p_attach_zombie, NULL },
	{ "ptrace.exit-to-tracer-first", "ptrace",
	  "a traced child's exit is reported to its tracer first; the real parent can reap it only after the tracer waited",
	  "kernel/exit.c", p_exit_to_tracer_first, NULL },
	{ 0 },
};
