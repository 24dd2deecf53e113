/* wait probes: exit statuses, WNOHANG, ECHILD, WNOWAIT, rusage, SIGCHLD. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/sig.h"

const char *
zd_check_cld_name(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	default: return "?";
	}
}

static int
reap_exited(struct zd_check_ctx *c, pid_t pid, int code)
{
	int st = 0;
	pid_t w;

	zd_check_step(c, "waitpid(%d) to reap the child", (int)pid);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "waitpid(%d) returns %d with WIFEXITED and WEXITSTATUS %d", (int)pid, (int)pid, code);
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != code)
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static const struct zd_check_exit_arg exit_default = { 42, 42 };

static int
exit_once(struct zd_check_ctx *c, int code, int expect)
{
	pid_t pid, w;
	int st = 0;

	pid = zd_check_fork(c);
	if (pid == 0)
		_exit(code);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	zd_check_step(c, "waitpid(%d) for the child's exit(%d)", (int)pid, code);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "exit(%d) is reported by waitpid() as WIFEXITED with WEXITSTATUS %d", code, expect);
	if (w != pid)
		return zd_check_fail(c, "waitpid(%d) returned %d", (int)pid, (int)w);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != expect)
		return zd_check_fail(c, "waitpid() reported %s (raw status 0x%x)", zd_check_wstr(st), (unsigned)st);
	return ZD_CHECK_PASS;
}

static int
p_exit_status(struct zd_check_ctx *c)
{
	const struct zd_check_exit_arg *a = zd_check_arg(c);

	if (!a)
		a = &exit_default;
	ZD_CHECK_TRY(exit_once(c, a->code, a->expect));
	if (a != &exit_default)
		return ZD_CHECK_PASS;
	/* Only the low 8 bits travel. */
	ZD_CHECK_TRY(exit_once(c, 0, 0));
	ZD_CHECK_TRY(exit_once(c, 255, 255));
	return exit_once(c, 256 + 42, 42);
}

static int
p_killed_by_signal(struct zd_check_ctx *c)
{
	int go[2], st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork_waiter(c, go[0]);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	ZD_CHECK_TRY(zd_check_sys(c, kill(pid, SIGTERM), "kill(%d, SIGTERM)", (int)pid));
	zd_check_step(c, "waitpid(%d) after SIGTERM", (int)pid);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "a child killed by SIGTERM is reported as WIFSIGNALED with WTERMSIG SIGTERM, no core");
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM || WCOREDUMP(st))
		return zd_check_fail(c, "waitpid() reported %s (raw status 0x%x)", zd_check_wstr(st), (unsigned)st);
	return ZD_CHECK_PASS;
}

static int
p_wnohang_running(struct zd_check_ctx *c)
{
	int go[2], st = 0, i;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork_waiter(c, go[0]);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	for (i = 0; i < 3; i++) {
		w = zd_check_waitpid(pid, &st, WNOHANG);
		zd_check_expect(c, "waitpid(%d, WNOHANG) returns 0 while the child is still running", (int)pid);
		if (w < 0)
			return zd_check_fail(c, "it failed with %s", zd_check_errstr(errno));
		if (w != 0)
			return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
		w = zd_check_waitpid(-1, &st, WNOHANG);
		zd_check_expect(c, "waitpid(-1, WNOHANG) returns 0 while the only child is still running");
		if (w != 0)
			return zd_check_fail(c, "it returned %d (%s)", (int)w,
					     w < 0 ? zd_check_errstr(errno) : zd_check_wstr(st));
	}
	zd_check_send(go[1], 3);
	return reap_exited(c, pid, 3);
}

static int
p_echild(struct zd_check_ctx *c)
{
	siginfo_t si;
	int st;

	ZD_CHECK_TRY(zd_check_errno(c, wait(&st), ECHILD, "wait() in a process without children"));
	ZD_CHECK_TRY(zd_check_errno(c, waitpid(-1, &st, WNOHANG), ECHILD,
				    "waitpid(-1, WNOHANG) in a process without children"));
	ZD_CHECK_TRY(zd_check_errno(c, waitpid(getppid(), &st, WNOHANG), ECHILD,
				    "waitpid(<the parent>, WNOHANG) (not a child)"));
	return zd_check_errno(c, waitid(P_ALL, 0, &si, WEXITED | WNOHANG), ECHILD,
			      "waitid(P_ALL, WEXITED|WNOHANG) in a process without children");
}

static int
p_waitid_wnowait(struct zd_check_ctx *c)
{
	siginfo_t si;
	pid_t pid;
	int i, r;

	pid = zd_check_fork(c);
	if (pid == 0)
		_exit(42);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	for (i = 0; i < 2; i++) {
		zd_check_step(c, "waitid(P_PID, %d, WEXITED|WNOWAIT), call %d", (int)pid, i + 1);
		memset(&si, 0, sizeof(si));
		do
			r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
		while (r < 0 && errno == EINTR);
		ZD_CHECK_TRY(zd_check_sys(c, r, "waitid(P_PID, %d, WEXITED|WNOWAIT) (call %d)", (int)pid, i + 1));
		zd_check_expect(c, "waitid(WNOWAIT) call %d reports si_pid %d, CLD_EXITED, si_status 42", i + 1,
				(int)pid);
		if (si.si_pid != pid || si.si_code != CLD_EXITED || si.si_status != 42 || si.si_signo != SIGCHLD)
			return zd_check_fail(c, "si_signo %d, si_pid %d, si_code %s, si_status %d", si.si_signo,
					     (int)si.si_pid, zd_check_cld_name(si.si_code), si.si_status);
		zd_check_expect(c, "the child is still a zombie after waitid(WNOWAIT) (kill(pid, 0) succeeds)");
		if (kill(pid, 0) < 0)
			return zd_check_fail(c, "kill(%d, 0) failed with %s", (int)pid, zd_check_errstr(errno));
		if (access("/proc/self/stat", F_OK) == 0) {
			char s = zd_check_state(pid, 0);

			zd_check_expect(c, "/proc/%d/stat still shows state Z after waitid(WNOWAIT)", (int)pid);
			if (s != 'Z')
				return zd_check_fail(c, "state is '%c'", s ? s : '-');
		}
	}
	ZD_CHECK_TRY(reap_exited(c, pid, 42));
	return zd_check_errno(c, waitpid(pid, NULL, WNOHANG), ECHILD, "a second waitpid(%d) after the reap", (int)pid);
}

static long long
cputime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define BURN_MS 60
#define TOUCH_MB 8

static int
p_wait4_rusage(struct zd_check_ctx *c)
{
	struct rusage ru;
	long long cpu_ms;
	pid_t pid, w;
	int st = 0;

	pid = zd_check_fork(c);
	if (pid == 0) {
		size_t i, len = (size_t)TOUCH_MB << 20;
		volatile char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		long long start = cputime_ms();

		if (mem == MAP_FAILED)
			_exit(99);
		for (i = 0; i < len; i += 4096)
			mem[i] = 1;
		while (cputime_ms() - start < BURN_MS)
			;
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	zd_check_step(c, "wait4(%d) for a child that burns %d ms of CPU", (int)pid, BURN_MS);
	memset(&ru, 0, sizeof(ru));
	do
		w = wait4(pid, &st, 0, &ru);
	while (w < 0 && errno == EINTR);
	ZD_CHECK_TRY(zd_check_sys(c, w, "wait4(%d)", (int)pid));
	cpu_ms = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	zd_check_note(c, "ru_utime %ld.%06ld s, ru_stime %ld.%06ld s, ru_maxrss %ld KiB",
		      (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
		      (long)ru.ru_stime.tv_usec, ru.ru_maxrss);
	zd_check_expect(c, "wait4() reaps the child (exit 0)");
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	zd_check_expect(c, "wait4() fills rusage: ru_utime + ru_stime >= %d ms for a child that used %d ms of CPU",
			BURN_MS / 2, BURN_MS);
	if (cpu_ms < BURN_MS / 2)
		return zd_check_fail(c, "ru_utime + ru_stime = %lld ms", cpu_ms);
	zd_check_expect(c, "wait4() fills rusage: ru_maxrss >= %d KiB for a child that touched %d MiB",
			TOUCH_MB * 1024, TOUCH_MB);
	if (ru.ru_maxrss < TOUCH_MB * 1024)
		return zd_check_fail(c, "ru_maxrss = %ld KiB", ru.ru_maxrss);
	return ZD_CHECK_PASS;
}

/* SIGCHLD is blocked by the caller; wait for it within the budget. */
static int
await_sigchld(struct zd_check_ctx *c, pid_t pid, int code, int status, const char *status_name)
{
	long long budget = zd_check_budget_ms(c);
	struct timespec ts = { (time_t)(budget / 1000), (long)(budget % 1000) * 1000000L };
	sigset_t set;
	siginfo_t si;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	zd_check_step(c, "sigtimedwait() for SIGCHLD %s from %d", zd_check_cld_name(code), (int)pid);
	memset(&si, 0, sizeof(si));
	do
		r = sigtimedwait(&set, &si, &ts);
	while (r < 0 && errno == EINTR);
	zd_check_expect(c, "SIGCHLD arrives with si_code %s, si_pid %d, si_status %s, si_uid %u",
			zd_check_cld_name(code), (int)pid, status_name, (unsigned)getuid());
	if (r < 0 && errno == EAGAIN)
		return zd_check_fail(c, "no SIGCHLD within %lld ms", budget);
	if (r < 0)
		return zd_check_fail(c, "sigtimedwait() failed with %s", zd_check_errstr(errno));
	if (si.si_signo != SIGCHLD || si.si_code != code || si.si_pid != pid || si.si_status != status ||
	    si.si_uid != getuid())
		return zd_check_fail(c, "si_signo %s, si_code %s (%d), si_pid %d, si_status %d, si_uid %u",
				     zd_signame(si.si_signo), zd_check_cld_name(si.si_code), si.si_code,
				     (int)si.si_pid, si.si_status, (unsigned)si.si_uid);
	return ZD_CHECK_PASS;
}

static void
block_sigchld(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int
p_sigchld_exited(struct zd_check_ctx *c)
{
	pid_t pid;

	block_sigchld();
	pid = zd_check_fork(c);
	if (pid == 0)
		_exit(42);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	ZD_CHECK_TRY(await_sigchld(c, pid, CLD_EXITED, 42, "42"));
	return reap_exited(c, pid, 42);
}

static int
p_sigchld_killed(struct zd_check_ctx *c)
{
	int go[2], st = 0;
	pid_t pid;

	block_sigchld();
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork_waiter(c, go[0]);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	ZD_CHECK_TRY(zd_check_sys(c, kill(pid, SIGKILL), "kill(%d, SIGKILL)", (int)pid));
	ZD_CHECK_TRY(await_sigchld(c, pid, CLD_KILLED, SIGKILL, "SIGKILL"));
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(pid, &st, 0), "waitpid(%d)", (int)pid));
	zd_check_expect(c, "waitpid() reports WIFSIGNALED with WTERMSIG SIGKILL");
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return zd_check_fail(c, "waitpid() reported %s", zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

/* A child that stops itself with SIGSTOP; returns its pid once the stop
 * has been reported by SIGCHLD and waitpid(WUNTRACED). */
static int
stopped_child(struct zd_check_ctx *c, pid_t *out, int go[2])
{
	int st = 0;
	pid_t pid, w;

	block_sigchld();
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork(c);
	if (pid == 0) {
		int b;

		kill(getpid(), SIGSTOP);
		/* Continued: stay alive until told, so the continue is seen
		 * before the exit. */
		b = zd_check_recv(go[0]);
		_exit(b > 0 ? b : 0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	*out = pid;
	ZD_CHECK_TRY(await_sigchld(c, pid, CLD_STOPPED, SIGSTOP, "SIGSTOP"));
	zd_check_step(c, "waitpid(%d, WUNTRACED) for the stop", (int)pid);
	w = zd_check_waitpid(pid, &st, WUNTRACED);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, WUNTRACED)", (int)pid));
	zd_check_expect(c, "waitpid(WUNTRACED) reports WIFSTOPPED with WSTOPSIG SIGSTOP");
	if (w != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	zd_check_expect(c, "the stop is reported once: a second waitpid(WUNTRACED|WNOHANG) returns 0");
	w = zd_check_waitpid(pid, &st, WUNTRACED | WNOHANG);
	if (w != 0)
		return zd_check_fail(c, "it returned %d (%s)", (int)w, w < 0 ? zd_check_errstr(errno) : zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static int
p_sigchld_stopped(struct zd_check_ctx *c)
{
	pid_t pid = 0;
	int go[2];

	ZD_CHECK_TRY(stopped_child(c, &pid, go));
	ZD_CHECK_TRY(zd_check_sys(c, kill(pid, SIGKILL), "kill(%d, SIGKILL)", (int)pid));
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(pid, NULL, 0), "waitpid(%d)", (int)pid));
	return ZD_CHECK_PASS;
}

static int
p_sigchld_continued(struct zd_check_ctx *c)
{
	pid_t pid = 0, w;
	int st = 0, go[2];

	ZD_CHECK_TRY(stopped_child(c, &pid, go));
	ZD_CHECK_TRY(zd_check_sys(c, kill(pid, SIGCONT), "kill(%d, SIGCONT)", (int)pid));
	ZD_CHECK_TRY(await_sigchld(c, pid, CLD_CONTINUED, SIGCONT, "SIGCONT"));
	zd_check_step(c, "waitpid(%d, WCONTINUED)", (int)pid);
	w = zd_check_waitpid(pid, &st, WCONTINUED);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, WCONTINUED)", (int)pid));
	zd_check_expect(c, "waitpid(WCONTINUED) reports WIFCONTINUED for the continued child");
	if (w != pid || !WIFCONTINUED(st))
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	zd_check_send(go[1], 5);
	return reap_exited(c, pid, 5);
}

static int
p_wclone(struct zd_check_ctx *c)
{
	sigset_t pending;
	siginfo_t si;
	pid_t pid, w;
	int st = 0, r;

	block_sigchld();
	/* A fork-like clone whose exit signal is 0, not SIGCHLD. */
	pid = (pid_t)syscall(SYS_clone, 0UL, NULL, NULL, NULL, 0UL);
	if (pid == 0) {
		zd_check_child_detach(c);
		_exit(7);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "clone(exit signal 0)"));
	zd_check_step(c, "waitid(P_PID, %d, WEXITED|WNOWAIT|__WALL) until the clone child exits", (int)pid);
	do
		r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | __WALL);
	while (r < 0 && errno == EINTR);
	ZD_CHECK_TRY(zd_check_sys(c, r, "waitid(P_PID, %d, WEXITED|WNOWAIT|__WALL)", (int)pid));
	ZD_CHECK_TRY(zd_check_errno(c, waitpid(pid, &st, WNOHANG), ECHILD,
				    "waitpid(%d, WNOHANG) without __WALL/__WCLONE for a child with exit signal 0",
				    (int)pid));
	zd_check_expect(c, "a child with exit signal 0 sends no SIGCHLD when it exits");
	sigpending(&pending);
	if (sigismember(&pending, SIGCHLD))
		return zd_check_fail(c, "SIGCHLD is pending");
	w = zd_check_waitpid(pid, &st, __WALL);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d, __WALL)", (int)pid));
	zd_check_expect(c, "waitpid(__WALL) reaps the clone child and reports its exit(7)");
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

const struct zd_probe zd_check_wait_probes[] = {
	{ "wait.exit-status", "wait",
	  "exit(42) is reported by waitpid() as WIFEXITED with WEXITSTATUS 42 (only the low 8 bits travel)",
	  "kernel/exit.c", p_exit_status, NULL },
	{ "wait.killed-by-signal", "wait",
	  "a child killed by SIGTERM is reported as WIFSIGNALED with WTERMSIG SIGTERM",
	  "kernel/exit.c", p_killed_by_signal, NULL },
	{ "wait.wnohang-running", "wait",
	  "waitpid(pid, WNOHANG) and waitpid(-1, WNOHANG) return 0 while the child is still running",
	  "kernel/exit.c", p_wnohang_running, NULL },
	{ "wait.echild", "wait",
	  "wait(), waitpid() and waitid() fail with ECHILD when there is no child to wait for",
	  "kernel/exit.c", p_echild, NULL },
	{ "wait.waitid-wnowait", "wait",
	  "waitid(WEXITED|WNOWAIT) reports the exit but leaves the zombie, so it can be waited for again",
	  "kernel/exit.c", p_waitid_wnowait, NULL },
	{ "wait.wait4-rusage", "wait",
	  "wait4() fills struct rusage with the reaped child's CPU time and maximum RSS",
	  "kernel/exit.c, kernel/sys.c", p_wait4_rusage, NULL },
	{ "wait.sigchld-exited", "wait",
	  "a child's exit(42) sends SIGCHLD with si_code CLD_EXITED, si_pid the child and si_status 42",
	  "kernel/signal.c", p_sigchld_exited, NULL },
	{ "wait.sigchld-killed", "wait",
	  "a child killed by SIGKILL sends SIGCHLD with si_code CLD_KILLED and si_status SIGKILL",
	  "kernel/signal.c", p_sigchld_killed, NULL },
	{ "wait.sigchld-stopped", "wait",
	  "a child stopped by SIGSTOP sends SIGCHLD CLD_STOPPED (si_status SIGSTOP); waitpid(WUNTRACED) sees it once",
	  "kernel/signal.c, kernel/exit.c", p_sigchld_stopped, NULL },
	{ "wait.sigchld-continued", "wait",
	  "SIGCONT to a stopped child sends SIGCHLD CLD_CONTINUED (si_status SIGCONT); waitpid(WCONTINUED) sees it",
	  "kernel/signal.c, kernel/exit.c", p_sigchld_continued, NULL },
	{ "wait.wclone", "wait",
	  "a child whose exit signal is not SIGCHLD sends none and is reaped only with __WALL or __WCLONE",
	  "kernel/exit.c", p_wclone, NULL },
	{ 0 },
};
