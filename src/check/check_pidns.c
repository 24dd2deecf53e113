/*
 * PID-namespace probes: the first process is pid 1, NSpid shows every
 * level, orphans go to the namespace's init, init is protected from its
 * own namespace, and when init exits everything in the namespace dies
 * and is reaped before init itself can be waited for.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"
#include "zdiag/xalloc.h"

static int
p_init_pid1(struct zd_check_ctx *c)
{
	long long v[2] = { 0, 0 };
	int rep[2], st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(rep, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_unshare_pidns(c));
	pid = zd_check_fork(c);
	if (pid == 0) {
		zd_check_send_int(rep[1], getpid());
		zd_check_send_int(rep[1], getppid());
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork() into a new PID namespace"));
	zd_check_step(c, "reading getpid() and getppid() of the namespace's first process");
	zd_check_expect(c, "the first process of a new PID namespace reports its getpid() and getppid()");
	if (zd_check_recv_int(rep[0], &v[0]) < 0 || zd_check_recv_int(rep[0], &v[1]) < 0)
		return zd_check_fail(c, "it did not report");
	zd_check_note(c, "pid %d outside, getpid() %lld, getppid() %lld inside", (int)pid, v[0], v[1]);
	zd_check_expect(c, "the first process of a new PID namespace has getpid() 1 and getppid() 0");
	if (v[0] != 1 || v[1] != 0)
		return zd_check_fail(c, "getpid() %lld, getppid() %lld", v[0], v[1]);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "its parent outside reaps it by its outer pid %d: exited 0", (int)pid);
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static void
nslist(char *buf, size_t size, const pid_t *v, int n)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d", i ? " " : "", (int)v[i]);
}

static int
p_nspid(struct zd_check_ctx *c)
{
	struct zd_status self, st;
	char have[256];
	int go[2], r;
	pid_t pid;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	r = zd_check_read_status(getpid(), &self);
	ZD_CHECK_TRY(zd_check_sys(c, r, "reading /proc/self/status"));
	if (!self.nspid_n)
		return zd_check_skip(c, "/proc/PID/status has no NSpid line (kernels before 4.1)");
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_unshare_pidns(c));
	pid = zd_check_fork_waiter(c, go[0]);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork() into a new PID namespace"));
	r = zd_check_read_status(pid, &st);
	zd_check_expect(c, "/proc/%d/status of the namespace's init is readable", (int)pid);
	if (r < 0)
		return zd_check_fail(c, "reading it failed with %s", zd_check_errstr(-r));
	nslist(have, sizeof(have), st.nspid, st.nspid_n);
	zd_check_note(c, "NSpid: %s (this process: %d level%s)", have, self.nspid_n, self.nspid_n == 1 ? "" : "s");
	zd_check_expect(c, "NSpid of the init of a child namespace has one more level than ours (%d), "
			   "ending with \"%d 1\"", self.nspid_n + 1, (int)pid);
	if (st.nspid_n != self.nspid_n + 1 || st.nspid[st.nspid_n - 1] != 1 || st.nspid[st.nspid_n - 2] != pid)
		return zd_check_fail(c, "NSpid: %s", have);
	zd_check_expect(c, "NStgid matches NSpid for the namespace's init (a thread-group leader)");
	{
		char line[1024];
		char path[64];
		ssize_t n;
		const char *p;

		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		n = zd_read_small(AT_FDCWD, path, line, sizeof(line));
		if (n > 0 && (p = strstr(line, "NStgid:"))) {
			char want[256], got[256];
			const char *q = strstr(line, "NSpid:");
			size_t k;

			for (k = 0, p += 7; *p && *p != '\n' && k < sizeof(got) - 1; p++)
				got[k++] = *p == '\t' ? ' ' : *p;
			got[k] = '\0';
			for (k = 0, q = q ? q + 6 : ""; *q && *q != '\n' && k < sizeof(want) - 1; q++)
				want[k++] = *q == '\t' ? ' ' : *q;
			want[k] = '\0';
			if (strcmp(want, got))
				return zd_check_fail(c, "NStgid:%s, NSpid:%s", got, want);
		}
	}
	zd_check_send(go[1], 0);
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(pid, NULL, 0), "waitpid(%d)", (int)pid));
	return ZD_CHECK_PASS;
}

static int
p_orphan_to_init(struct zd_check_ctx *c)
{
	int go[2], ans[2], st = 0;
	long long v = 0, bst = 0, bpid = 0;
	pid_t init;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(ans, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_unshare_pidns(c));
	init = zd_check_fork(c);
	if (init == 0) {
		int bs = 0;
		pid_t a = zd_check_fork(c), w;

		if (a == 0) {
			pid_t b = zd_check_fork(c);

			if (b == 0) {
				zd_check_recv(go[0]);
				zd_check_send_int(ans[1], getppid());
				_exit(4);
			}
			_exit(b > 0 ? 0 : 1);
		}
		if (a < 0 || zd_check_waitpid(a, NULL, 0) != a)
			_exit(80);
		zd_check_send_int(ans[1], 0);
		/* Reap whatever comes: the adopted orphan. */
		w = zd_check_waitpid(-1, &bs, 0);
		zd_check_send_int(ans[1], w);
		zd_check_send_int(ans[1], bs);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, init, "fork() into a new PID namespace"));
	zd_check_step(c, "waiting for the middle process inside the namespace to exit");
	zd_check_expect(c, "inside the namespace, a child forks a grandchild and exits");
	if (zd_check_recv_int(ans[0], &v) < 0)
		return zd_check_fail(c, "the namespace's init reported nothing (%s)",
				     zd_check_waitpid(init, &st, WNOHANG) == init ? zd_check_wstr(st) : "still running");
	zd_check_send(go[1], 1);
	zd_check_step(c, "asking the orphan for its getppid()");
	zd_check_expect(c, "inside a PID namespace an orphan is adopted by the namespace's init: getppid() 1");
	if (zd_check_recv_int(ans[0], &v) < 0)
		return zd_check_fail(c, "the orphan did not answer");
	if (v != 1)
		return zd_check_fail(c, "getppid() %lld", v);
	zd_check_step(c, "waiting for the namespace's init to reap the orphan");
	zd_check_expect(c, "the namespace's init reaps the adopted orphan (exit 4)");
	if (zd_check_recv_int(ans[0], &bpid) < 0 || zd_check_recv_int(ans[0], &bst) < 0)
		return zd_check_fail(c, "the init did not report");
	if (bpid <= 0 || !WIFEXITED((int)bst) || WEXITSTATUS((int)bst) != 4)
		return zd_check_fail(c, "its waitpid(-1) returned %lld with %s", bpid, zd_check_wstr((int)bst));
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(init, NULL, 0), "waitpid(%d)", (int)init));
	return ZD_CHECK_PASS;
}

/* Every process below root (a walk of /proc by ppid). */
static int
descendants(pid_t root, pid_t **out, size_t *n)
{
	pid_t *v = NULL;
	size_t len = 0, alloc = 0, i;
	pid_t *kids;
	size_t nkids, k;
	int r;

	r = zd_check_children_of(root, &kids, &nkids);
	if (r < 0)
		return r;
	for (k = 0; k < nkids; k++) {
		ZD_GROW(v, alloc, len + 1);
		v[len++] = kids[k];
	}
	free(kids);
	for (i = 0; i < len && i < 64; i++) {
		r = zd_check_children_of(v[i], &kids, &nkids);
		if (r < 0)
			continue;
		for (k = 0; k < nkids; k++) {
			ZD_GROW(v, alloc, len + 1);
			v[len++] = kids[k];
		}
		free(kids);
	}
	*out = v;
	*n = len;
	return 0;
}

#define NS_MEMBERS 7

static int
p_init_exit_kills(struct zd_check_ctx *c)
{
	int ready[2], cmd[2], st = 0;
	pid_t init, w, *members = NULL;
	size_t n = 0, i;
	long long v = 0;
	char list[512];

	ZD_CHECK_TRY(zd_check_need_proc(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(ready, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(cmd, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_unshare_pidns(c));
	init = zd_check_fork(c);
	if (init == 0) {
		int kr[2], k;
		pid_t kids[6] = { 0 };
		siginfo_t si;

		if (pipe(kr) < 0)
			_exit(80);
		for (k = 0; k < 6; k++) {
			kids[k] = zd_check_fork(c);
			if (kids[k] < 0)
				_exit(81);
			if (kids[k])
				continue;
			switch (k) {
			case 0: /* plain sleeper */
				break;
			case 1: /* its own session */
				setsid();
				break;
			case 2: /* with a grandchild */
				if (zd_check_fork(c) == 0) {
					zd_check_send(kr[1], 1);
					for (;;)
						pause();
				}
				break;
			case 3: /* ignores the catchable signals */
				signal(SIGTERM, SIG_IGN);
				signal(SIGHUP, SIG_IGN);
				signal(SIGINT, SIG_IGN);
				break;
			case 4: /* stopped */
				zd_check_send(kr[1], 1);
				kill(getpid(), SIGSTOP);
				for (;;)
					pause();
			case 5: /* a zombie nobody reaps */
				zd_check_send(kr[1], 1);
				_exit(0);
			}
			zd_check_send(kr[1], 1);
			for (;;)
				pause();
		}
		for (k = 0; k < NS_MEMBERS; k++)
			if (zd_check_recv(kr[0]) != 1)
				_exit(82);
		if (zd_check_waitpid(kids[4], NULL, WUNTRACED) != kids[4])
			_exit(83);
		if (waitid(P_PID, (id_t)kids[5], &si, WEXITED | WNOWAIT) < 0)
			_exit(84);
		zd_check_send_int(ready[1], 1);
		zd_check_recv(cmd[0]);
		_exit(0);
	}
	ZD_CHECK_TRY(zd_check_sys(c, init, "fork() into a new PID namespace"));
	zd_check_step(c, "waiting for the namespace's init to set up %d processes", NS_MEMBERS);
	zd_check_expect(c, "the namespace's init sets up %d processes (a session leader, a stopped one, a zombie, ...)",
			NS_MEMBERS);
	if (zd_check_recv_int(ready[0], &v) < 0)
		return zd_check_fail(c, "it did not (%s)",
				     zd_check_waitpid(init, &st, WNOHANG) == init ? zd_check_wstr(st) : "no answer");
	ZD_CHECK_TRY(zd_check_sys(c, descendants(init, &members, &n), "reading /proc"));
	{
		size_t len = 0;

		list[0] = '\0';
		for (i = 0; i < n && len < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d", i ? " " : "", (int)members[i]);
	}
	zd_check_note(c, "namespace members (outer pids): %s", list);
	zd_check_expect(c, "/proc shows the %d processes below the namespace's init %d", NS_MEMBERS, (int)init);
	if (n != NS_MEMBERS) {
		free(members);
		return zd_check_fail(c, "it shows %zu: %s", n, list);
	}
	zd_check_send(cmd[1], 1);
	zd_check_step(c, "waitpid(%d): the namespace's init exits", (int)init);
	w = zd_check_waitpid(init, &st, 0);
	if (w < 0) {
		free(members);
		return zd_check_sys(c, -1, "waitpid(%d)", (int)init);
	}
	zd_check_expect(c, "the namespace's init is reaped with its own status (exited 0)");
	if (w != init || !WIFEXITED(st) || WEXITSTATUS(st)) {
		free(members);
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	}
	for (i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", (int)members[i]);
		zd_check_expect(c, "by the time the namespace's init can be waited for, every other process in the "
				   "namespace was killed and reaped: kill(%d, 0) fails with ESRCH", (int)members[i]);
		if (kill(members[i], 0) == 0) {
			char s = zd_check_state(members[i], 0);

			free(members);
			return zd_check_fail(c, "kill() succeeded: the process is still there (state '%c')", s ? s : '-');
		}
		if (access(path, F_OK) == 0) {
			zd_check_expect(c, "%s is gone once the namespace's init has been reaped", path);
			free(members);
			return zd_check_fail(c, "it still exists");
		}
	}
	free(members);
	return ZD_CHECK_PASS;
}

static int
p_init_protected(struct zd_check_ctx *c)
{
	int go[2], ans[2], cmd[2], st = 0;
	long long r1 = -1, r2 = -1;
	pid_t init, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(ans, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(cmd, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_unshare_pidns(c));
	init = zd_check_fork(c);
	if (init == 0) {
		pid_t k = zd_check_fork(c);

		if (k == 0) {
			zd_check_recv(go[0]);
			zd_check_send_int(ans[1], kill(1, SIGKILL) == 0 ? 0 : -errno);
			zd_check_send_int(ans[1], kill(1, SIGTERM) == 0 ? 0 : -errno);
			_exit(0);
		}
		for (;;) {
			int b = zd_check_recv(cmd[0]);

			if (b != 'p')
				_exit(0);
			zd_check_send_int(ans[1], 'a');
		}
	}
	ZD_CHECK_TRY(zd_check_sys(c, init, "fork() into a new PID namespace"));
	zd_check_send(go[1], 1);
	zd_check_step(c, "waiting for a process inside the namespace to signal its init");
	zd_check_expect(c, "kill(1, SIGKILL) and kill(1, SIGTERM) from inside the namespace succeed (return 0)");
	if (zd_check_recv_int(ans[0], &r1) < 0 || zd_check_recv_int(ans[0], &r2) < 0)
		return zd_check_fail(c, "the process inside did not report");
	if (r1 || r2)
		return zd_check_fail(c, "kill(1, SIGKILL): %s, kill(1, SIGTERM): %s",
				     r1 ? zd_check_errstr((int)-r1) : "0", r2 ? zd_check_errstr((int)-r2) : "0");
	zd_check_send(cmd[1], 'p');
	zd_check_step(c, "pinging the namespace's init after the signals");
	zd_check_expect(c, "the namespace's init ignores SIGKILL and SIGTERM (no handler) sent from inside: it still answers");
	if (zd_check_recv_int(ans[0], &r1) < 0 || r1 != 'a') {
		w = zd_check_waitpid(init, &st, WNOHANG);
		return zd_check_fail(c, "it did not answer%s%s", w == init ? ": it " : "", w == init ? zd_check_wstr(st) : "");
	}
	ZD_CHECK_TRY(zd_check_sys(c, kill(init, SIGKILL), "kill(%d, SIGKILL) from the parent namespace", (int)init));
	zd_check_step(c, "waitpid(%d) after SIGKILL from outside", (int)init);
	w = zd_check_waitpid(init, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)init));
	zd_check_expect(c, "SIGKILL from the parent namespace does kill the namespace's init");
	if (w != init || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

const struct zd_probe zd_check_pidns_probes[] = {
	{ "pidns.init-pid-1", "pidns",
	  "the first process in a new PID namespace has getpid() 1 and getppid() 0",
	  "kernel/pid.c, kernel/pid_namespace.c", p_init_pid1, NULL },
	{ "pidns.nspid", "pidns",
	  "/proc/PID/status NSpid lists the pid in every namespace level, outermost first: \"<outer pid> 1\"",
	  "fs/proc/array.c", p_nspid, NULL },
	{ "pidns.orphan-to-init", "pidns",
	  "inside a PID namespace an orphan is adopted by the namespace's init (pid 1), which reaps it",
	  "kernel/exit.c", p_orphan_to_init, NULL },
	{ "pidns.init-protected", "pidns",
	  "the namespace's init ignores SIGKILL/SIGTERM from inside (no handler) but dies of SIGKILL from outside",
	  "kernel/signal.c", p_init_protected, NULL },
	{ "pidns.init-exit-kills", "pidns",
	  "when the namespace's init exits, every other process in it is killed and reaped before init can be waited for",
	  "kernel/pid_namespace.c", p_init_exit_kills, NULL },
	{ 0 },
};
