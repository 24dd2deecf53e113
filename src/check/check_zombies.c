/* zombie probes: a dead child stays until reaped, unless SIGCHLD says not to. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"

static bool
have_proc(void)
{
	return access("/proc/self/stat", F_OK) == 0;
}

/* The zombie pid is still there: kill(pid, 0) works and /proc says Z. */
static int
still_zombie(struct zd_check_ctx *c, pid_t pid, const char *after)
{
	zd_check_expect(c, "the zombie %d is still there %s (kill(pid, 0) succeeds)", (int)pid, after);
	if (kill(pid, 0) < 0)
		return zd_check_fail(c, "kill(%d, 0) failed with %s", (int)pid, zd_check_errstr(errno));
	if (have_proc()) {
		char s = zd_check_state(pid, 0);

		zd_check_expect(c, "/proc/%d/stat still shows state Z %s", (int)pid, after);
		if (s != 'Z')
			return zd_check_fail(c, "state is '%c'", s ? s : '-');
	}
	return ZD_CHECK_PASS;
}

static int
reap_42(struct zd_check_ctx *c, pid_t pid, const char *after)
{
	int st = 0;
	pid_t w;

	zd_check_step(c, "waitpid(%d)", (int)pid);
	w = zd_check_waitpid(pid, &st, WNOHANG);
	zd_check_expect(c, "waitpid(%d, WNOHANG) reaps the zombie at once %s and reports its exit(42)", (int)pid, after);
	if (w < 0)
		return zd_check_fail(c, "it failed with %s", zd_check_errstr(errno));
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 42)
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	return zd_check_errno(c, kill(pid, 0), ESRCH, "kill(<reaped zombie %d>, 0)", (int)pid);
}

static int
p_unreaped_stays(struct zd_check_ctx *c)
{
	pid_t pid = zd_check_make_zombie(c, 42);

	if (pid < 0)
		return ZD_CHECK_FAIL;
	ZD_CHECK_TRY(still_zombie(c, pid, "after it exited"));
	/* Nothing but a wait may remove it: give the kernel every chance. */
	zd_check_sleep_ms(50);
	sched_yield();
	ZD_CHECK_TRY(still_zombie(c, pid, "50 ms later"));
	return reap_42(c, pid, "");
}

static int
p_sigkill_zombie(struct zd_check_ctx *c)
{
	pid_t pid = zd_check_make_zombie(c, 42);

	if (pid < 0)
		return ZD_CHECK_FAIL;
	ZD_CHECK_TRY(zd_check_sys(c, kill(pid, SIGKILL), "kill(<zombie %d>, SIGKILL)", (int)pid));
	ZD_CHECK_TRY(still_zombie(c, pid, "after SIGKILL"));
	return reap_42(c, pid, "after SIGKILL (the status is still exit 42, not SIGKILL)");
}

/* With SIGCHLD ignored one way or another, children vanish on exit. */
static int
autoreaped(struct zd_check_ctx *c, const char *how)
{
	char path[64];
	int go[2], st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork_waiter(c, go[0]);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	zd_check_send(go[1], 9);
	zd_check_step(c, "waitpid(%d) with %s: blocks until the child exits", (int)pid, how);
	w = zd_check_waitpid(pid, &st, 0);
	zd_check_expect(c, "with %s the exited child is reaped by the kernel: waitpid(%d) fails with ECHILD", how,
			(int)pid);
	if (w >= 0)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	if (errno != ECHILD)
		return zd_check_fail(c, "waitpid() failed with %s", zd_check_errstr(errno));
	/*
	 * An auto-reaped child is released (its pid unhashed) by the exiting
	 * child itself, just after exit_notify() drops tasklist_lock; a waiter
	 * woken meanwhile skips the EXIT_DEAD child and may return ECHILD a
	 * moment before release_task() runs.  Allow that window, bounded.
	 */
	{
		long long deadline = zd_check_now_ns() + ZD_MIN(zd_check_budget_ms(c), 2000) * 1000000LL;

		while (kill(pid, 0) == 0 && zd_check_now_ns() < deadline)
			zd_check_sleep_ms(1);
	}
	ZD_CHECK_TRY(zd_check_errno(c, kill(pid, 0), ESRCH, "kill(<auto-reaped child %d>, 0)", (int)pid));
	if (have_proc()) {
		int e = 0;

		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (zd_check_wait_gone(c, path, &e) < 0)
			return zd_check_fail(c, "access(\"%s\") after the auto-reap %s", path,
					     e ? zd_check_errstr(e) : "still succeeds");
	}
	return zd_check_errno(c, wait(NULL), ECHILD, "wait() after the auto-reap");
}

static int
p_sigchld_ign(struct zd_check_ctx *c)
{
	ZD_CHECK_TRY(zd_check_sys(c, signal(SIGCHLD, SIG_IGN) == SIG_ERR ? -1 : 0, "signal(SIGCHLD, SIG_IGN)"));
	return autoreaped(c, "SIGCHLD set to SIG_IGN");
}

static int
p_nocldwait(struct zd_check_ctx *c)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	ZD_CHECK_TRY(zd_check_sys(c, sigaction(SIGCHLD, &sa, NULL), "sigaction(SIGCHLD, SA_NOCLDWAIT)"));
	return autoreaped(c, "SA_NOCLDWAIT");
}

static int
p_ign_keeps_existing(struct zd_check_ctx *c)
{
	pid_t pid = zd_check_make_zombie(c, 42);

	if (pid < 0)
		return ZD_CHECK_FAIL;
	ZD_CHECK_TRY(zd_check_sys(c, signal(SIGCHLD, SIG_IGN) == SIG_ERR ? -1 : 0, "signal(SIGCHLD, SIG_IGN)"));
	ZD_CHECK_TRY(still_zombie(c, pid, "after SIGCHLD was set to SIG_IGN"));
	return reap_42(c, pid, "although SIGCHLD is now SIG_IGN");
}

const struct zd_probe zd_check_zombies_probes[] = {
	{ "zombies.unreaped-stays", "zombies",
	  "a child that has exited stays a zombie (Z) until its parent waits for it",
	  "kernel/exit.c", p_unreaped_stays, NULL },
	{ "zombies.sigkill-zombie", "zombies",
	  "kill(zombie, SIGKILL) succeeds and changes nothing: still Z, and wait still reports exit(42)",
	  "kernel/signal.c, kernel/exit.c", p_sigkill_zombie, NULL },
	{ "zombies.sigchld-ign", "zombies",
	  "with SIGCHLD set to SIG_IGN, exited children are reaped at once and wait fails with ECHILD",
	  "kernel/signal.c", p_sigchld_ign, NULL },
	{ "zombies.sa-nocldwait", "zombies",
	  "with SA_NOCLDWAIT on SIGCHLD, exited children are reaped at once and wait fails with ECHILD",
	  "kernel/signal.c", p_nocldwait, NULL },
	{ "zombies.ign-keeps-existing", "zombies",
	  "setting SIGCHLD to SIG_IGN does not reap a child that is already a zombie; wait still does",
	  "kernel/signal.c, kernel/exit.c", p_ign_keeps_existing, NULL },
	{ 0 },
};
