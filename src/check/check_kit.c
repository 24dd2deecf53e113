/* The probe toolkit: reporting, bounded waits and small helpers for probes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"

/* ---------------------------------------------------------------- */
/* Reporting                                                         */

void
zd_check_send_rec(struct zd_check_ctx *c, char type, const char *text)
{
	unsigned char buf[3 + ZD_CHECK_REC_MAX];
	size_t n = strlen(text), off = 0;

	if (c->fd < 0)
		return;
	if (n > ZD_CHECK_REC_MAX)
		n = ZD_CHECK_REC_MAX;
	buf[0] = (unsigned char)type;
	buf[1] = (unsigned char)(n & 0xff);
	buf[2] = (unsigned char)(n >> 8);
	memcpy(buf + 3, text, n);
	while (off < n + 3) {
		ssize_t w = write(c->fd, buf + off, n + 3 - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

static void
vsend(struct zd_check_ctx *c, char type, const char *fmt, va_list ap)
{
	char buf[ZD_CHECK_REC_MAX + 1];
	int e = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	zd_check_send_rec(c, type, buf);
	errno = e;
}

void
zd_check_expect(struct zd_check_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vsnprintf(c->expected, sizeof(c->expected), fmt, ap);
	va_end(ap);
	zd_check_send_rec(c, ZD_REC_EXPECTED, c->expected);
	errno = e;
}

int
zd_check_fail(struct zd_check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return ZD_CHECK_FAIL;
	va_start(ap, fmt);
	vsend(c, ZD_REC_FAIL, fmt, ap);
	va_end(ap);
	c->failed = true;
	return ZD_CHECK_FAIL;
}

int
zd_check_skip(struct zd_check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed || c->skipped)
		return c->failed ? ZD_CHECK_FAIL : ZD_CHECK_SKIP;
	va_start(ap, fmt);
	vsend(c, ZD_REC_SKIP, fmt, ap);
	va_end(ap);
	c->skipped = true;
	return ZD_CHECK_SKIP;
}

void
zd_check_step(struct zd_check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsend(c, ZD_REC_STEP, fmt, ap);
	va_end(ap);
}

void
zd_check_note(struct zd_check_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsend(c, ZD_REC_NOTE, fmt, ap);
	va_end(ap);
}

const void *
zd_check_arg(const struct zd_check_ctx *c)
{
	return c->probe->arg;
}

long long
zd_check_budget_ms(const struct zd_check_ctx *c)
{
	long long left = (c->deadline_ns - zd_check_now_ns()) / 1000000LL;
	long long margin = ZD_MIN(c->timeout_ms / 5, 1000);

	return ZD_MAX(left - margin, 0);
}

/* Rotating static buffers, so two can appear in one message. */
static char *
rbuf(void)
{
	static __thread char bufs[4][128];
	static __thread unsigned i;

	return bufs[i++ % 4];
}

const char *
zd_check_errstr(int e)
{
	char *b = rbuf();
	const char *name = zd_errname(e);

	if (e < 0)
		e = -e;
	if (!e)
		snprintf(b, 128, "no error");
	else if (name)
		snprintf(b, 128, "%s (%s)", name, strerror(e));
	else
		snprintf(b, 128, "errno %d (%s)", e, strerror(e));
	return b;
}

const char *
zd_check_wstr(int status)
{
	char *b = rbuf();

	zd_wait_status_str(status, b, 128);
	return b;
}

int
zd_check_sys(struct zd_check_ctx *c, long ret, const char *fmt, ...)
{
	char call[256];
	int e = errno;
	va_list ap;

	if (ret >= 0)
		return ZD_CHECK_PASS;
	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	zd_check_expect(c, "%s succeeds", call);
	return zd_check_fail(c, "%s failed with %s", call, zd_check_errstr(e));
}

int
zd_check_errno(struct zd_check_ctx *c, long ret, int err, const char *fmt, ...)
{
	char call[256];
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	if (ret == -1 && e == err)
		return ZD_CHECK_PASS;
	zd_check_expect(c, "%s fails with %s", call, zd_errname(err) ? zd_errname(err) : "?");
	if (ret == -1)
		return zd_check_fail(c, "%s failed with %s", call, zd_check_errstr(e));
	return zd_check_fail(c, "%s returned %ld", call, ret);
}

/* ---------------------------------------------------------------- */
/* Processes                                                         */

pid_t
zd_check_fork(struct zd_check_ctx *c)
{
	pid_t pid = fork();

	if (pid == 0) {
		zd_check_child_detach(c);
		alarm((unsigned)(c->timeout_ms / 1000 + 30));
	}
	return pid;
}

void
zd_check_child_detach(struct zd_check_ctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

pid_t
zd_check_fork_waiter(struct zd_check_ctx *c, int fd)
{
	pid_t pid = zd_check_fork(c);

	if (pid == 0) {
		int b = zd_check_recv(fd);
		_exit(b > 0 ? b : 0);
	}
	return pid;
}

pid_t
zd_check_waitpid(pid_t pid, int *status, int options)
{
	pid_t r;

	do
		r = waitpid(pid, status, options);
	while (r < 0 && errno == EINTR);
	return r;
}

int
zd_check_send(int fd, char byte)
{
	ssize_t w;

	do
		w = write(fd, &byte, 1);
	while (w < 0 && errno == EINTR);
	return w == 1 ? 0 : -1;
}

int
zd_check_recv(int fd)
{
	unsigned char b;
	ssize_t r;

	do
		r = read(fd, &b, 1);
	while (r < 0 && errno == EINTR);
	if (r == 1)
		return b;
	if (r == 0)
		errno = 0;
	return -1;
}

int
zd_check_send_int(int fd, long long v)
{
	ssize_t w;

	do
		w = write(fd, &v, sizeof(v));
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)sizeof(v) ? 0 : -1;
}

int
zd_check_recv_int(int fd, long long *v)
{
	size_t off = 0;

	while (off < sizeof(*v)) {
		ssize_t r = read(fd, (char *)v + off, sizeof(*v) - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		off += (size_t)r;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* /proc                                                             */

char
zd_check_state(pid_t pid, pid_t tid)
{
	char path[64], buf[1024];
	struct zd_stat st;
	ssize_t n;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = zd_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n <= 0 || zd_stat_parse(buf, (size_t)n, &st) < 0)
		return 0;
	return st.state;
}

int
zd_check_wait_state(struct zd_check_ctx *c, pid_t pid, pid_t tid, const char *states, char *seen)
{
	long long deadline = zd_check_now_ns() + zd_check_budget_ms(c) * 1000000LL;
	long long pause_ms = 1;
	char s = 0;

	for (;;) {
		s = zd_check_state(pid, tid);
		if (s && strchr(states, s))
			break;
		if (!s && kill(pid, 0) < 0 && errno == ESRCH) {
			if (seen)
				*seen = 0;
			return -ENOENT;
		}
		if (zd_check_now_ns() > deadline) {
			if (seen)
				*seen = s;
			return -ETIMEDOUT;
		}
		zd_check_sleep_ms(pause_ms);
		if (pause_ms < 16)
			pause_ms *= 2;
	}
	if (seen)
		*seen = s;
	return 0;
}

int
zd_check_wait_gone(struct zd_check_ctx *c, const char *path, int *err)
{
	long long deadline = zd_check_now_ns() + zd_check_budget_ms(c) * 1000000LL;
	long long pause_ms = 1;

	for (;;) {
		int e = access(path, F_OK) == 0 ? 0 : errno;

		if (err)
			*err = e;
		if (e == ENOENT)
			return 0;
		if (zd_check_now_ns() > deadline)
			return -ETIMEDOUT;
		zd_check_sleep_ms(pause_ms);
		if (pause_ms < 16)
			pause_ms *= 2;
	}
}

int
zd_check_dir_lists(const char *dir, const char *name)
{
	struct dirent *de;
	int found = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	errno = 0;
	while ((de = readdir(d)))
		if (!strcmp(de->d_name, name)) {
			found = 1;
			break;
		}
	if (!de && errno) {
		int e = -errno;
		closedir(d);
		return e;
	}
	closedir(d);
	return found;
}

/* ---------------------------------------------------------------- */
/* Capabilities of the system                                        */

int
zd_check_unshare_pidns(struct zd_check_ctx *c)
{
	int e;

	if (unshare(CLONE_NEWPID) == 0)
		return ZD_CHECK_PASS;
	e = errno;
	if (e == EPERM && unshare(CLONE_NEWUSER | CLONE_NEWPID) == 0) {
		zd_check_note(c, "not privileged: used a new user namespace for the PID namespace");
		return ZD_CHECK_PASS;
	}
	if (e == EPERM)
		return zd_check_skip(c, "not permitted to create a PID namespace (needs CAP_SYS_ADMIN, "
				     "or unprivileged user namespaces): unshare(CLONE_NEWPID): %s",
				     zd_check_errstr(errno));
	if (e == EINVAL)
		return zd_check_skip(c, "kernel without PID namespaces (CONFIG_PID_NS): unshare(CLONE_NEWPID): %s",
				     zd_check_errstr(e));
	if (e == ENOSYS)
		return zd_check_skip(c, "unshare(2) is not implemented: %s", zd_check_errstr(e));
	zd_check_expect(c, "unshare(CLONE_NEWPID) succeeds");
	return zd_check_fail(c, "unshare(CLONE_NEWPID) failed with %s", zd_check_errstr(e));
}

int
zd_check_ptrace_usable(struct zd_check_ctx *c)
{
	/* PTRACE_TRACEME by the probe itself would make the runner its
	 * tracer; a harmless request on a bad pid tells ENOSYS apart. */
	errno = 0;
	if (ptrace(PTRACE_PEEKDATA, (pid_t)-1, NULL, NULL) == -1 && errno == ENOSYS)
		return zd_check_skip(c, "ptrace(2) is not implemented (ENOSYS)");
	return ZD_CHECK_PASS;
}

pid_t
zd_check_make_zombie(struct zd_check_ctx *c, int code)
{
	siginfo_t si;
	pid_t pid = zd_check_fork(c);
	int r;

	if (pid == 0)
		_exit(code);
	if (pid < 0) {
		zd_check_sys(c, -1, "fork()");
		return -1;
	}
	zd_check_step(c, "waitid(P_PID, %d, WEXITED|WNOWAIT) until the child has exited", (int)pid);
	memset(&si, 0, sizeof(si));
	do
		r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		zd_check_sys(c, -1, "waitid(P_PID, %d, WEXITED|WNOWAIT)", (int)pid);
		return -1;
	}
	zd_check_expect(c, "waitid(WEXITED|WNOWAIT) leaves the exited child %d in place (kill(pid, 0) succeeds)",
			(int)pid);
	if (si.si_pid != pid) {
		zd_check_fail(c, "waitid() returned si_pid %d", (int)si.si_pid);
		return -1;
	}
	if (kill(pid, 0) < 0) {
		zd_check_fail(c, "kill(%d, 0) failed with %s: WNOWAIT reaped it", (int)pid, zd_check_errstr(errno));
		return -1;
	}
	return pid;
}

int
zd_check_need_proc(struct zd_check_ctx *c)
{
	if (access("/proc/self/stat", F_OK) < 0)
		return zd_check_skip(c, "no procfs on /proc (/proc/self/stat: %s)",
				     zd_errname(errno) ? zd_errname(errno) : strerror(errno));
	return ZD_CHECK_PASS;
}

int
zd_check_read_status(pid_t pid, struct zd_status *st)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = zd_proc_read_status(fd, st);
	close(fd);
	return r;
}
