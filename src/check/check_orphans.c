/* orphan probes: reparenting to the nearest child subreaper, PDEATHSIG. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"

static int
become_subreaper(struct zd_check_ctx *c)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0) == 0)
		return ZD_CHECK_PASS;
	if (errno == EINVAL)
		return zd_check_skip(c, "prctl(PR_SET_CHILD_SUBREAPER) is not supported: %s", zd_check_errstr(errno));
	return zd_check_sys(c, -1, "prctl(PR_SET_CHILD_SUBREAPER, 1)");
}

/* The grandchild B of the orphan tests: on each command byte it answers
 * getppid() (byte 1) or exits 9 (byte 2). */
static void
grandchild(int cmd, int ans)
{
	for (;;) {
		int b = zd_check_recv(cmd);

		if (b == 1)
			zd_check_send_int(ans, getppid());
		else
			_exit(b == 2 ? 9 : 0);
	}
}

/* The new parent of orphan b as /proc and getppid() see it. */
static int
check_new_parent(struct zd_check_ctx *c, pid_t b, pid_t want, const char *who, int cmd, int ans)
{
	long long ppid = 0;

	if (access("/proc/self/stat", F_OK) == 0) {
		char path[64], buf[1024];
		struct zd_stat st;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)b);
		n = zd_read_small(AT_FDCWD, path, buf, sizeof(buf));
		zd_check_expect(c, "the orphan %d is reparented to %s %d: /proc/%d/stat ppid %d", (int)b, who,
				(int)want, (int)b, (int)want);
		if (n <= 0 || zd_stat_parse(buf, (size_t)n, &st) < 0)
			return zd_check_fail(c, "reading /proc/%d/stat failed (%s)", (int)b,
					     n < 0 ? zd_check_errstr((int)-n) : "unparsable");
		if (st.ppid != want)
			return zd_check_fail(c, "ppid %d", (int)st.ppid);
	}
	zd_check_send(cmd, 1);
	zd_check_step(c, "asking the orphan %d for its getppid()", (int)b);
	zd_check_expect(c, "the orphan's getppid() returns %s %d", who, (int)want);
	if (zd_check_recv_int(ans, &ppid) < 0)
		return zd_check_fail(c, "the orphan did not answer");
	if (ppid != want)
		return zd_check_fail(c, "getppid() returned %lld", ppid);
	return ZD_CHECK_PASS;
}

static int
reap_orphan(struct zd_check_ctx *c, pid_t b, int cmd, int *status)
{
	pid_t w;

	zd_check_send(cmd, 2);
	zd_check_step(c, "waitpid(%d) for the adopted orphan", (int)b);
	w = zd_check_waitpid(b, status, 0);
	zd_check_expect(c, "the subreaper reaps the adopted orphan %d (exit 9)", (int)b);
	if (w < 0)
		return zd_check_fail(c, "waitpid(%d) failed with %s", (int)b, zd_check_errstr(errno));
	if (w != b || !WIFEXITED(*status) || WEXITSTATUS(*status) != 9)
		return zd_check_fail(c, "waitpid(%d) returned %d with %s", (int)b, (int)w, zd_check_wstr(*status));
	return ZD_CHECK_PASS;
}

static int
p_subreaper(struct zd_check_ctx *c)
{
	int info[2], cmd[2], ans[2], st = 0;
	long long b = 0;
	pid_t a, w;

	ZD_CHECK_TRY(become_subreaper(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(info, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(cmd, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(ans, O_CLOEXEC), "pipe2()"));
	a = zd_check_fork(c);
	if (a == 0) {
		pid_t g = zd_check_fork(c);

		if (g == 0)
			grandchild(cmd[0], ans[1]);
		zd_check_send_int(info[1], g);
		_exit(g > 0 ? 0 : 1);
	}
	ZD_CHECK_TRY(zd_check_sys(c, a, "fork()"));
	close(info[1]);
	zd_check_step(c, "reading the grandchild's pid from %d", (int)a);
	zd_check_expect(c, "the child forks a grandchild");
	if (zd_check_recv_int(info[0], &b) < 0 || b <= 0)
		return zd_check_fail(c, "no grandchild pid came back");
	zd_check_step(c, "waitpid(%d): the middle process exits", (int)a);
	w = zd_check_waitpid(a, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)a));
	ZD_CHECK_TRY(check_new_parent(c, (pid_t)b, getpid(), "the subreaper", cmd[1], ans[0]));
	return reap_orphan(c, (pid_t)b, cmd[1], &st);
}

static int
p_nearest(struct zd_check_ctx *c)
{
	int info[2], cmd[2], ans[2], to_s[2], st = 0;
	long long b = 0, s_status = 0;
	pid_t s, w;

	ZD_CHECK_TRY(become_subreaper(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(info, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(cmd, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(ans, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(to_s, O_CLOEXEC), "pipe2()"));
	s = zd_check_fork(c);
	if (s == 0) {
		/* The inner subreaper S: child A, grandchild B. */
		int mid[2];
		long long g = 0;
		pid_t a;

		if (prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0) < 0 || pipe(mid) < 0)
			_exit(80);
		a = zd_check_fork(c);
		if (a == 0) {
			pid_t gg = zd_check_fork(c);

			if (gg == 0)
				grandchild(cmd[0], ans[1]);
			zd_check_send_int(mid[1], gg);
			_exit(0);
		}
		if (a < 0 || zd_check_recv_int(mid[0], &g) < 0 || zd_check_waitpid(a, NULL, 0) != a)
			_exit(81);
		zd_check_send_int(info[1], g);
		/* Wait for the go, then reap B and pass its status on. */
		zd_check_recv(to_s[0]);
		{
			int gst = 0;
			pid_t gw = zd_check_waitpid((pid_t)g, &gst, 0);

			zd_check_send_int(info[1], gw == g ? gst : -1);
		}
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, s, "fork()"));
	close(info[1]);
	zd_check_step(c, "reading the grandchild's pid from the inner subreaper %d", (int)s);
	zd_check_expect(c, "the inner subreaper's child forks a grandchild and exits");
	if (zd_check_recv_int(info[0], &b) < 0 || b <= 0)
		return zd_check_fail(c, "no grandchild pid came back");
	ZD_CHECK_TRY(check_new_parent(c, (pid_t)b, s, "the nearest subreaper", cmd[1], ans[0]));
	zd_check_send(cmd[1], 2);
	zd_check_send(to_s[1], 1);
	zd_check_step(c, "waiting for the inner subreaper %d to reap %lld", (int)s, b);
	zd_check_expect(c, "the nearest subreaper %d reaps the orphan %lld (exit 9)", (int)s, b);
	if (zd_check_recv_int(info[0], &s_status) < 0)
		return zd_check_fail(c, "the inner subreaper did not answer");
	if (s_status < 0 || !WIFEXITED((int)s_status) || WEXITSTATUS((int)s_status) != 9)
		return zd_check_fail(c, s_status < 0 ? "its waitpid() failed" : "it saw %s",
				     zd_check_wstr((int)s_status));
	w = zd_check_waitpid(s, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)s));
	return ZD_CHECK_PASS;
}

static int
p_not_inherited(struct zd_check_ctx *c)
{
	int flag = -1, st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(become_subreaper(c));
	ZD_CHECK_TRY(zd_check_sys(c, prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0),
				  "prctl(PR_GET_CHILD_SUBREAPER)"));
	zd_check_expect(c, "PR_GET_CHILD_SUBREAPER reads 1 after PR_SET_CHILD_SUBREAPER 1");
	if (flag != 1)
		return zd_check_fail(c, "it read %d", flag);
	pid = zd_check_fork(c);
	if (pid == 0) {
		int f = -1;

		if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&f, 0, 0, 0) < 0)
			_exit(100);
		_exit(f == 0 ? 0 : f == 1 ? 1 : 2);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "the child-subreaper flag is not inherited: PR_GET_CHILD_SUBREAPER reads 0 in a forked child");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return zd_check_fail(c, WIFEXITED(st) && WEXITSTATUS(st) == 1 ? "the child read 1 (%s)" :
				     "the child could not read it (%s)", zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static int
p_pdeathsig(struct zd_check_ctx *c)
{
	int info[2], st = 0;
	long long b = 0;
	pid_t a, w;

	ZD_CHECK_TRY(become_subreaper(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(info, O_CLOEXEC), "pipe2()"));
	a = zd_check_fork(c);
	if (a == 0) {
		int ready[2];
		pid_t g, parent = getpid();

		if (pipe(ready) < 0)
			_exit(80);
		g = zd_check_fork(c);
		if (g == 0) {
			if (prctl(PR_SET_PDEATHSIG, (unsigned long)SIGTERM, 0, 0, 0) < 0)
				_exit(81);
			if (getppid() != parent)
				_exit(82);
			zd_check_send(ready[1], 1);
			for (;;)
				pause();
		}
		if (g < 0 || zd_check_recv(ready[0]) != 1)
			_exit(83);
		zd_check_send_int(info[1], g);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, a, "fork()"));
	close(info[1]);
	zd_check_step(c, "reading the grandchild's pid from %d", (int)a);
	zd_check_expect(c, "the child forks a grandchild that sets PR_SET_PDEATHSIG(SIGTERM)");
	if (zd_check_recv_int(info[0], &b) < 0 || b <= 0)
		return zd_check_fail(c, "no grandchild pid came back");
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(a, &st, 0), "waitpid(%d)", (int)a));
	zd_check_step(c, "waitpid(%lld): the orphan should die of its parent-death signal", b);
	w = zd_check_waitpid((pid_t)b, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%lld)", b));
	zd_check_expect(c, "PR_SET_PDEATHSIG(SIGTERM) kills the child when its parent exits: WTERMSIG SIGTERM");
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		return zd_check_fail(c, "the orphan %s", zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

const struct zd_probe zd_check_orphans_probes[] = {
	{ "orphans.subreaper", "orphans",
	  "an orphan is reparented to its child subreaper ancestor (PR_SET_CHILD_SUBREAPER), which can reap it",
	  "kernel/exit.c", p_subreaper, NULL },
	{ "orphans.nearest-subreaper", "orphans",
	  "with two subreaper ancestors the nearest one adopts the orphan and reaps it",
	  "kernel/exit.c", p_nearest, NULL },
	{ "orphans.subreaper-not-inherited", "orphans",
	  "the child-subreaper flag is not inherited across fork(): PR_GET_CHILD_SUBREAPER reads 0 in the child",
	  "kernel/fork.c, kernel/sys.c", p_not_inherited, NULL },
	{ "orphans.pdeathsig", "orphans",
	  "PR_SET_PDEATHSIG sends the chosen signal to a child when its parent exits",
	  "kernel/exit.c", p_pdeathsig, NULL },
	{ 0 },
};
