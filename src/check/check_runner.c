/*
 * The probe runner: one forked process (and process group) per probe, a
 * time limit, the verdict through a pipe, and afterwards every process the
 * probe left behind killed and reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

/* How long the runner waits for killed processes to be reaped. */
#define REAP_GRACE_MS 3000

static const char *const status_names[ZD_CHECK__COUNT] = {
	[ZD_CHECK_PASS] = "PASS",
	[ZD_CHECK_FAIL] = "FAIL",
	[ZD_CHECK_SKIP] = "SKIP",
	[ZD_CHECK_TIMEOUT] = "TIMEOUT",
};

const char *
zd_check_status_name(enum zd_check_status s)
{
	return (unsigned)s < ZD_CHECK__COUNT ? status_names[s] : "?";
}

long long
zd_check_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
zd_check_sleep_ms(long long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- */
/* Children of the runner                                            */

static int
parse_pids(const char *s, pid_t **v, size_t *len, size_t *alloc)
{
	while (*s) {
		char *end;
		long p;

		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		p = strtol(s, &end, 10);
		if (end == s || p <= 0)
			return -EINVAL;
		ZD_GROW(*v, *alloc, *len + 1);
		(*v)[(*len)++] = (pid_t)p;
		s = end;
	}
	return 0;
}

int
zd_check_children_of(pid_t ppid, pid_t **out, size_t *n)
{
	pid_t *all, *v = NULL;
	size_t nall, i, len = 0, alloc = 0;
	int r;

	*out = NULL;
	*n = 0;
	r = zd_proc_list(AT_FDCWD, "/proc", &all, &nall);
	if (r < 0)
		return r;
	for (i = 0; i < nall; i++) {
		char path[64], buf[1024];
		struct zd_stat st;
		ssize_t len_read;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)all[i]);
		len_read = zd_read_small(AT_FDCWD, path, buf, sizeof(buf));
		if (len_read <= 0 || zd_stat_parse(buf, (size_t)len_read, &st) < 0)
			continue;
		if (st.ppid != ppid)
			continue;
		ZD_GROW(v, alloc, len + 1);
		v[len++] = all[i];
	}
	free(all);
	*out = v;
	*n = len;
	return 0;
}

int
zd_check_children(pid_t **out, size_t *n)
{
	pid_t *tids, *v = NULL;
	size_t ntids, i, len = 0, alloc = 0;
	int r;

	*out = NULL;
	*n = 0;
	r = zd_proc_list(AT_FDCWD, "/proc/self/task", &tids, &ntids);
	if (r < 0)
		return r;
	for (i = 0; i < ntids; i++) {
		char path[64];
		struct zd_sb sb = ZD_SB_INIT;

		snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)tids[i]);
		r = zd_read_file(AT_FDCWD, path, &sb);
		if (r == -ENOENT && i == 0) {
			/* No CONFIG_PROC_CHILDREN: walk /proc instead. */
			zd_sb_release(&sb);
			free(tids);
			free(v);
			return zd_check_children_of(getpid(), out, n);
		}
		if (r >= 0)
			parse_pids(sb.buf, &v, &len, &alloc);
		zd_sb_release(&sb);
	}
	free(tids);
	*out = v;
	*n = len;
	return 0;
}

static bool
in_list(const pid_t *v, size_t n, pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/*
 * Kill the probe's process group and every child of the runner that is
 * not the caller's own, reap them, and repeat until nothing is left:
 * grandchildren come back to the runner (a subreaper) as their parents
 * die.  Bounded by REAP_GRACE_MS.  Returns the number reaped; *left gets
 * the number still there at the end.
 */
static size_t
sweep(const struct zd_check_runner *r, pid_t pgid, size_t *left)
{
	long long deadline = zd_check_now_ns() + REAP_GRACE_MS * 1000000LL;
	long long pause_ms = 1;
	size_t reaped = 0;

	*left = 0;
	for (;;) {
		pid_t *kids = NULL, w;
		size_t nkids = 0, i, alive = 0;
		bool group = false;
		int st;

		if (pgid > 0)
			kill(-pgid, SIGKILL);
		if (zd_check_children(&kids, &nkids) < 0)
			nkids = 0;
		for (i = 0; i < nkids; i++) {
			if (in_list(r->keep, r->nkeep, kids[i]))
				continue;
			kill(kids[i], SIGKILL);
			w = waitpid(kids[i], &st, WNOHANG | __WALL);
			if (w == kids[i])
				reaped++;
			else
				alive++;
		}
		free(kids);
		/* Without /proc, the probe's group is all the runner can find. */
		if (pgid > 0) {
			while ((w = waitpid(-pgid, &st, WNOHANG | __WALL)) > 0)
				reaped++;
			group = kill(-pgid, 0) == 0;
		}
		if (!alive && !group)
			break;
		if (zd_check_now_ns() > deadline) {
			*left = alive + (alive ? 0 : 1);
			break;
		}
		zd_check_sleep_ms(pause_ms);
		if (pause_ms < 20)
			pause_ms *= 2;
	}
	return reaped;
}

/* ---------------------------------------------------------------- */
/* Runner                                                            */

int
zd_check_runner_init(struct zd_check_runner *r, const struct zd_check_opts *o)
{
	int old = 0;

	memset(r, 0, sizeof(*r));
	if (o)
		r->opts = *o;
	if (r->opts.timeout_ms <= 0)
		r->opts.timeout_ms = ZD_CHECK_DEFAULT_TIMEOUT_MS;
	if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&old, 0, 0, 0) < 0)
		old = 0;
	r->old_subreaper = old;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0) == 0) {
		r->subreaper = true;
	} else {
		r->subreaper_err = -errno;
	}
	if (sigaction(SIGCHLD, NULL, &r->old_sigchld) == 0 &&
	    (r->old_sigchld.sa_handler == SIG_IGN || (r->old_sigchld.sa_flags & SA_NOCLDWAIT))) {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		r->sigchld_changed = sigaction(SIGCHLD, &dfl, NULL) == 0;
	}
	if (zd_check_children(&r->keep, &r->nkeep) < 0) {
		r->keep = NULL;
		r->nkeep = 0;
	}
	return 0;
}

void
zd_check_runner_release(struct zd_check_runner *r)
{
	size_t left;

	sweep(r, 0, &left);
	if (r->subreaper && !r->old_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0UL, 0, 0, 0);
	if (r->sigchld_changed)
		sigaction(SIGCHLD, &r->old_sigchld, NULL);
	r->sigchld_changed = false;
	free(r->keep);
	r->keep = NULL;
	r->nkeep = 0;
}

void
zd_check_result_release(struct zd_check_result *res)
{
	size_t i;

	free(res->expected);
	free(res->observed);
	free(res->reason);
	free(res->step);
	for (i = 0; i < res->n_notes; i++)
		free(res->notes[i]);
	free(res->notes);
	memset(res, 0, sizeof(*res));
}

/* What the runner learned from the report pipe. */
struct report {
	struct zd_sb in;       /* bytes not yet parsed */
	char *expected;        /* the latest expectation */
	char *fail_expected;   /* the expectation at the first failure */
	char *fail_observed;
	char *skip;
	char *step;
	char **notes;
	size_t n_notes, notes_alloc;
	bool pass;
};

static void
set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = zd_xstrndup(s, n);
}

static void
parse_records(struct report *rep)
{
	size_t off = 0;

	while (rep->in.len - off >= 3) {
		const unsigned char *h = (const unsigned char *)rep->in.buf + off;
		size_t n = (size_t)h[1] | ((size_t)h[2] << 8);
		const char *text = (const char *)h + 3;

		if (rep->in.len - off - 3 < n)
			break;
		switch (h[0]) {
		case ZD_REC_EXPECTED:
			set_str(&rep->expected, text, n);
			break;
		case ZD_REC_FAIL:
			if (!rep->fail_observed) {
				set_str(&rep->fail_observed, text, n);
				if (rep->expected)
					rep->fail_expected = zd_xstrdup(rep->expected);
			}
			break;
		case ZD_REC_SKIP:
			if (!rep->skip)
				set_str(&rep->skip, text, n);
			break;
		case ZD_REC_STEP:
			set_str(&rep->step, text, n);
			break;
		case ZD_REC_NOTE:
			if (rep->n_notes < 64) {
				ZD_GROW(rep->notes, rep->notes_alloc, rep->n_notes + 1);
				rep->notes[rep->n_notes++] = zd_xstrndup(text, n);
			}
			break;
		case ZD_REC_PASS:
			rep->pass = true;
			break;
		default:
			break;
		}
		off += 3 + n;
	}
	if (off) {
		memmove(rep->in.buf, rep->in.buf + off, rep->in.len - off);
		zd_sb_setlen(&rep->in, rep->in.len - off);
	}
}

/* Read what is available; returns false at end of file. */
static bool
drain(int fd, struct report *rep)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			zd_sb_add(&rep->in, buf, (size_t)n);
			parse_records(rep);
			continue;
		}
		if (n == 0)
			return false;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN;
	}
}

static void
report_release(struct report *rep)
{
	size_t i;

	zd_sb_release(&rep->in);
	free(rep->expected);
	free(rep->fail_expected);
	free(rep->fail_observed);
	free(rep->skip);
	free(rep->step);
	for (i = 0; i < rep->n_notes; i++)
		free(rep->notes[i]);
	free(rep->notes);
}

static void
add_note(struct zd_check_result *res, size_t *alloc, char *note)
{
	ZD_GROW(res->notes, *alloc, res->n_notes + 1);
	res->notes[res->n_notes++] = note;
}

static char *
xasprintf(const char *fmt, ...) ZD_PRINTF(1, 2);

static char *
xasprintf(const char *fmt, ...)
{
	struct zd_sb sb = ZD_SB_INIT;
	va_list ap;

	va_start(ap, fmt);
	zd_sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return zd_sb_detach(&sb);
}

static void
fmt_secs(char *buf, size_t size, long long ms)
{
	if (ms % 1000)
		snprintf(buf, size, "%.1f s", (double)ms / 1000.0);
	else
		snprintf(buf, size, "%lld s", ms / 1000);
}

/* The probe process: never returns. */
static ZD_NORETURN void
probe_main(const struct zd_probe *p, int wfd, pid_t runner, long long deadline_ns, long long timeout_ms)
{
	struct zd_check_ctx c;
	sigset_t none;
	int sig, nul, ret;
	char comm[16];

	setpgid(0, 0);
	/* A clean slate: default dispositions, nothing blocked. */
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL, 0, 0, 0);
	if (getppid() != runner)
		_exit(127); /* the runner died before PDEATHSIG was armed */
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		close(nul);
	}
	snprintf(comm, sizeof(comm), "zdcheck");
	prctl(PR_SET_NAME, (unsigned long)comm, 0, 0, 0);
	/* Last resort if the runner vanished without killing us. */
	alarm((unsigned)(timeout_ms / 1000 + 30));

	memset(&c, 0, sizeof(c));
	c.fd = wfd;
	c.probe = p;
	c.deadline_ns = deadline_ns;
	c.timeout_ms = timeout_ms;
	ret = p->fn(&c);
	if (c.fd >= 0) {
		if (c.failed || ret == ZD_CHECK_FAIL) {
			if (!c.failed)
				zd_check_send_rec(&c, ZD_REC_FAIL, "the probe returned FAIL without saying why");
		} else if (c.skipped || ret == ZD_CHECK_SKIP) {
			if (!c.skipped)
				zd_check_send_rec(&c, ZD_REC_SKIP, "the probe returned SKIP without saying why");
		} else if (ret == ZD_CHECK_PASS) {
			zd_check_send_rec(&c, ZD_REC_PASS, "");
		} else {
			zd_check_send_rec(&c, ZD_REC_FAIL, "the probe returned an unknown status");
		}
	}
	_exit(0);
}

int
zd_check_runner_run(struct zd_check_runner *r, const struct zd_probe *p, struct zd_check_result *res)
{
	long long start = zd_check_now_ns(), timeout_ms = r->opts.timeout_ms;
	long long deadline = start + timeout_ms * 1000000LL;
	pid_t self = getpid();
	struct report rep;
	bool exited = false, timed_out = false, interrupted = false, eof = false;
	size_t notes_alloc = 0, left = 0;
	int fds[2], pidfd = -1, st = 0, e;
	char secs[32];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	memset(&rep, 0, sizeof(rep));
	zd_sb_init(&rep.in);
	res->probe = p;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = -errno;
		close(fds[0]);
		close(fds[1]);
		return e;
	}
	if (pid == 0) {
		close(fds[0]);
		probe_main(p, fds[1], self, deadline, timeout_ms);
	}
	close(fds[1]);
	/* Both sides set the group, so it exists whichever runs first. */
	setpgid(pid, pid);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
#ifdef SYS_pidfd_open
	if (!r->no_pidfd) {
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0 && errno == ENOSYS)
			r->no_pidfd = true;
	}
#endif

	for (;;) {
		struct pollfd pf[2];
		long long now = zd_check_now_ns(), wait_ms;
		nfds_t n = 0;
		pid_t w;

		if (r->opts.cancel && *r->opts.cancel) {
			interrupted = true;
			break;
		}
		if (now >= deadline) {
			timed_out = true;
			break;
		}
		wait_ms = (deadline - now + 999999) / 1000000;
		/* Without a pidfd (or once the pipe is at EOF) poll the child. */
		if (pidfd < 0 || eof)
			wait_ms = ZD_MIN(wait_ms, 20);
		if (!eof)
			pf[n++] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
		if (pidfd >= 0)
			pf[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(pf, n, (int)ZD_MIN(wait_ms, 1000)) < 0 && errno != EINTR)
			zd_check_sleep_ms(1);
		if (!eof && !drain(fds[0], &rep))
			eof = true;
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			exited = true;
			break;
		}
	}
	if (!exited) {
		long long reap_deadline = zd_check_now_ns() + REAP_GRACE_MS * 1000000LL;

		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		for (;;) {
			if (waitpid(pid, &st, WNOHANG) == pid) {
				exited = true;
				break;
			}
			if (zd_check_now_ns() > reap_deadline)
				break;
			zd_check_sleep_ms(2);
		}
	}
	drain(fds[0], &rep);
	close(fds[0]);
	if (pidfd >= 0)
		close(pidfd);
	res->elapsed_ms = (zd_check_now_ns() - start) / 1000000LL;
	res->wait_status = exited ? st : 0;
	res->leftovers = sweep(r, pid, &left);
	res->unreaped = left + (exited ? 0 : 1);

	if (interrupted) {
		report_release(&rep);
		return -EINTR;
	}

	fmt_secs(secs, sizeof(secs), timeout_ms);
	res->step = rep.step;
	rep.step = NULL;
	res->notes = rep.notes;
	res->n_notes = rep.n_notes;
	notes_alloc = rep.notes_alloc;
	rep.notes = NULL;
	rep.n_notes = 0;
	if (rep.fail_observed) {
		res->status = ZD_CHECK_FAIL;
		res->expected = rep.fail_expected ? rep.fail_expected : zd_xstrdup("(no expectation stated)");
		res->observed = rep.fail_observed;
		rep.fail_expected = rep.fail_observed = NULL;
		if (timed_out)
			add_note(res, &notes_alloc, xasprintf("after the failure the probe hung and was killed after %s", secs));
	} else if (rep.skip) {
		res->status = ZD_CHECK_SKIP;
		res->reason = rep.skip;
		rep.skip = NULL;
	} else if (rep.pass) {
		res->status = ZD_CHECK_PASS;
	} else if (timed_out) {
		res->status = ZD_CHECK_TIMEOUT;
		res->expected = xasprintf("the probe finishes within %s", secs);
		if (res->step)
			res->observed = xasprintf("no verdict after %s; it was still in: %s", secs, res->step);
		else
			res->observed = xasprintf("no verdict after %s", secs);
	} else {
		char ws[96];

		res->status = ZD_CHECK_FAIL;
		if (rep.expected)
			res->expected = xasprintf("%s (and the probe reports a verdict)", rep.expected);
		else
			res->expected = zd_xstrdup("the probe process reports a verdict and exits");
		zd_wait_status_str(st, ws, sizeof(ws));
		if (!exited)
			res->observed = xasprintf("the probe process could not be reaped");
		else if (res->step)
			res->observed = xasprintf("the probe process %s without a verdict, in: %s", ws, res->step);
		else
			res->observed = xasprintf("the probe process %s without a verdict", ws);
	}
	report_release(&rep);
	return 0;
}
