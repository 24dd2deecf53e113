/*
 * zdiag check: a process-lifecycle conformance suite (wait, zombies, /proc,
 * ptrace, orphans, PID namespaces) for developers of Linux-compatible
 * kernels.  On Linux every probe passes; on another kernel each probe says
 * what Linux does and what this kernel did.
 *
 * A probe is one small, independent unit: a name ("area.what"), the Linux
 * rule it checks in one line, the kernel source file that implements the
 * rule, and a function.  The runner forks every probe into its own process
 * (and process group) with a time limit, collects its verdict through a
 * pipe, and afterwards kills and reaps everything the probe left behind:
 *
 *	struct zd_check_runner r;
 *	struct zd_check_result res;
 *	size_t i, n;
 *	const struct zd_probe *p = zd_check_probes(&n);
 *
 *	zd_check_runner_init(&r, &(struct zd_check_opts){ .timeout_ms = 10000 });
 *	for (i = 0; i < n; i++) {
 *		if (zd_check_runner_run(&r, &p[i], &res) < 0)
 *			break;                       // could not fork: -errno
 *		... res.status, res.expected, res.observed ...
 *		zd_check_result_release(&res);
 *	}
 *	zd_check_runner_release(&r);
 *
 * zd_check_runner_init() makes the calling process a child subreaper
 * (PR_SET_CHILD_SUBREAPER) until zd_check_runner_release(), so that every
 * orphan a probe creates comes back to the runner and is reaped; an ignored
 * SIGCHLD (SIG_IGN, SA_NOCLDWAIT) is set back to SIG_DFL meanwhile.  Children
 * the caller had before zd_check_runner_init() are never touched.  The
 * runner is single-threaded and must not be used from two threads.
 *
 * The runner never prints or exits (probe processes end with _exit()); the
 * front-end is src/cmd/cmd_check.c.
 */
#ifndef ZDIAG_CHECK_H
#define ZDIAG_CHECK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "zdiag/common.h"

enum zd_check_status {
	ZD_CHECK_PASS = 0,
	ZD_CHECK_FAIL,
	ZD_CHECK_SKIP,
	ZD_CHECK_TIMEOUT,
	ZD_CHECK__COUNT,
};

/* "PASS", "FAIL", "SKIP", "TIMEOUT". */
const char *zd_check_status_name(enum zd_check_status s);

/* The probe's side of the report pipe (opaque; only valid inside a probe). */
struct zd_check_ctx;

struct zd_probe {
	const char *name;    /* "procfs.reaped-access": area "." what */
	const char *area;    /* "procfs", "wait", "zombies", "threads", ... */
	const char *rule;    /* the Linux rule, one line, plain ASCII */
	const char *source;  /* kernel file(s) implementing it: "fs/proc/base.c" */
	/* Runs in its own process; returns a zd_check_status (PASS, or the
	 * value of zd_check_fail()/zd_check_skip()). */
	int (*fn)(struct zd_check_ctx *c);
	const void *arg;     /* optional parameters, see zd_check_arg() */
};

/* ---------------------------------------------------------------- */
/* The suite                                                         */

/*
 * zd_probe.arg of wait.exit-status: the child calls exit(code) and the
 * probe expects WEXITSTATUS `expect` (NULL: 42 and 42, plus 0, 255 and
 * 256+42).  A copy of the probe with a wrong expectation shows how a
 * failure is reported.
 */
struct zd_check_exit_arg {
	int code, expect;
};

/* Every built-in probe, in suite order (areas: procfs, wait, zombies,
 * threads, orphans, ptrace, pidns). */
const struct zd_probe *zd_check_probes(size_t *n);
/* The probe with that exact name, or NULL. */
const struct zd_probe *zd_check_find(const char *name);

/*
 * Selection by -k patterns.  A pattern with a glob character (* ? [) is
 * matched against the whole name with fnmatch(); any other pattern matches
 * when it is a substring of the name ("procfs", "sigchld").  A pattern
 * starting with '!' excludes.  A probe is selected when it matches at least
 * one including pattern (or there are none) and no excluding pattern.
 */
bool zd_check_match(const struct zd_probe *p, const char *const *patterns, size_t n);

/* ---------------------------------------------------------------- */
/* The runner                                                        */

#define ZD_CHECK_DEFAULT_TIMEOUT_MS 10000

struct zd_check_opts {
	long long timeout_ms;   /* per probe; 0: ZD_CHECK_DEFAULT_TIMEOUT_MS */
	/* When set to non-zero (by the caller's signal handler), the probe
	 * under way is killed and zd_check_runner_run() returns -EINTR. */
	volatile sig_atomic_t *cancel;
};

struct zd_check_runner {
	struct zd_check_opts opts;
	pid_t *keep;            /* the caller's own children: never touched */
	size_t nkeep;
	bool subreaper;         /* PR_SET_CHILD_SUBREAPER worked */
	int subreaper_err;      /* else why not (-errno) */
	int old_subreaper;      /* restored by zd_check_runner_release() */
	struct sigaction old_sigchld; /* SIGCHLD must not be ignored while running */
	bool sigchld_changed;
	bool no_pidfd;          /* pidfd_open() is ENOSYS: poll the probe instead */
};

struct zd_check_result {
	const struct zd_probe *probe;
	enum zd_check_status status;
	char *expected;         /* FAIL/TIMEOUT: what Linux does; else NULL */
	char *observed;         /* FAIL/TIMEOUT: what happened; else NULL */
	char *reason;           /* SKIP: why; else NULL */
	char *step;             /* the last step the probe announced, or NULL */
	char **notes;           /* extra observations (values seen), n_notes */
	size_t n_notes;
	int wait_status;        /* of the probe process (0 if never reaped) */
	long long elapsed_ms;   /* wall time of the probe */
	size_t leftovers;       /* processes killed and reaped after the probe */
	size_t unreaped;        /* processes that could not be reaped in time */
};

/* Become a child subreaper and remember the caller's children.  Returns 0
 * (check r->subreaper: without it orphans of a failed probe may end up with
 * init) or -errno. */
int zd_check_runner_init(struct zd_check_runner *r, const struct zd_check_opts *o);
/*
 * Run one probe in a forked process and fill res (always released with
 * zd_check_result_release()).  Returns 0, -EINTR when opts.cancel was set,
 * or -errno when the probe could not be started (pipe, fork).
 */
int zd_check_runner_run(struct zd_check_runner *r, const struct zd_probe *p,
			struct zd_check_result *res);
/* Reap whatever is left and restore the subreaper flag. */
void zd_check_runner_release(struct zd_check_runner *r);
void zd_check_result_release(struct zd_check_result *res);

/*
 * Children of the calling process (read from /proc/self/task/T/children,
 * or by a walk of /proc when that file is missing).  *out is malloc'ed.
 */
int zd_check_children(pid_t **out, size_t *n);

/* ---------------------------------------------------------------- */
/* The probe toolkit: for probe functions only (they run in the probe  */
/* process, never in the runner).                                     */

/*
 * State what Linux does for the check that follows ("access(\"/proc/12\",
 * F_OK) fails with ENOENT").  zd_check_fail() reports the latest
 * expectation together with what was observed.
 */
void zd_check_expect(struct zd_check_ctx *c, const char *fmt, ...) ZD_PRINTF(2, 3);
/* Record a failure: the current expectation and what was observed.
 * Returns ZD_CHECK_FAIL (return it from the probe). */
int zd_check_fail(struct zd_check_ctx *c, const char *observed_fmt, ...) ZD_PRINTF(2, 3);
/* Record that the probe cannot run here (not root, no PID namespaces...).
 * Returns ZD_CHECK_SKIP. */
int zd_check_skip(struct zd_check_ctx *c, const char *fmt, ...) ZD_PRINTF(2, 3);
/* Announce what the probe is doing now: a TIMEOUT or crash report names
 * the last step ("waitpid(123) for the SIGSTOP stop"). */
void zd_check_step(struct zd_check_ctx *c, const char *fmt, ...) ZD_PRINTF(2, 3);
/* An extra observation, kept with the result ("NSpid: 812 1"). */
void zd_check_note(struct zd_check_ctx *c, const char *fmt, ...) ZD_PRINTF(2, 3);

/* The probe's zd_probe.arg. */
const void *zd_check_arg(const struct zd_check_ctx *c);
/* Milliseconds left for a bounded wait inside the probe: the probe's time
 * limit minus a margin, so that a condition that never comes true is
 * reported as FAIL with what was seen, not as TIMEOUT. */
long long zd_check_budget_ms(const struct zd_check_ctx *c);

/*
 * Checks that record a failure and return ZD_CHECK_FAIL, or return
 * ZD_CHECK_PASS (0).  ret and errno are those of the call just made:
 *	ZD_CHECK_TRY(zd_check_sys(c, fd = open(p, O_RDONLY), "open(\"%s\")", p));
 * zd_check_sys: the call must succeed (ret >= 0);
 * zd_check_errno: the call must fail (ret == -1) with errno err.
 */
int zd_check_sys(struct zd_check_ctx *c, long ret, const char *call_fmt, ...) ZD_PRINTF(3, 4);
int zd_check_errno(struct zd_check_ctx *c, long ret, int err, const char *call_fmt, ...) ZD_PRINTF(4, 5);
#define ZD_CHECK_TRY(expr) \
	do { \
		int zd_r_ = (expr); \
		if (zd_r_ != ZD_CHECK_PASS) \
			return zd_r_; \
	} while (0)

/*
 * fork() for probes (and their children): the child closes the report pipe
 * (only the probe process reports) and arms alarm() as a last resort; the
 * rest is plain fork() (signal mask and dispositions are inherited).
 * Returns what fork() returns.
 */
pid_t zd_check_fork(struct zd_check_ctx *c);
/* In a child made some other way (a raw clone()): close the report pipe. */
void zd_check_child_detach(struct zd_check_ctx *c);

/* One byte through a pipe: the usual handshake between a probe and its
 * children.  zd_check_recv() returns the byte, or -1 on EOF/error (with
 * errno; 0 on EOF). */
int zd_check_send(int fd, char byte);
int zd_check_recv(int fd);
/* An int through a pipe (a pid, a status). 0 or -1. */
int zd_check_send_int(int fd, long long v);
int zd_check_recv_int(int fd, long long *v);

/*
 * Poll /proc/PID/stat (or /proc/PID/task/TID/stat when tid) until the
 * state is one of `states`, within zd_check_budget_ms().  Returns 0,
 * -ETIMEDOUT (*seen holds the last state, 0 if the file was gone) or
 * -ENOENT when the task disappeared.
 */
int zd_check_wait_state(struct zd_check_ctx *c, pid_t pid, pid_t tid, const char *states, char *seen);
/* Poll until access(path, F_OK) fails with ENOENT, within the budget.
 * Returns 0 or -ETIMEDOUT (*err: the last errno, 0 if it still existed). */
int zd_check_wait_gone(struct zd_check_ctx *c, const char *path, int *err);
/* State letter of /proc/PID/stat (tid 0) or task/TID/stat; 0 if unreadable. */
char zd_check_state(pid_t pid, pid_t tid);
/* Whether a readdir of dir lists the entry name (1), not (0), or -errno. */
int zd_check_dir_lists(const char *dir, const char *name);
/* Pids whose /proc/PID/stat ppid is ppid (a walk of /proc). */
int zd_check_children_of(pid_t ppid, pid_t **out, size_t *n);
/* "exited 42", "killed by SIGKILL", ... for messages (static buffer). */
const char *zd_check_wstr(int status);
/* "ENOENT (No such file or directory)" for errno e (static buffer). */
const char *zd_check_errstr(int e);

#endif
