/* zdiag trace: a strace-class syscall tracer with a process-lifecycle view. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace-int.h"
#include "zdiag/cmd.h"
#include "zdiag/err.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/lifecycle.h"
#include "zdiag/procfs.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"
#include "zdiag/syscall.h"
#include "zdiag/sysname.h"
#include "zdiag/kstack.h"
#include "zdiag/target.h"
#include "zdiag/trace.h"
#include "zdiag/tracefmt.h"
#include "zdiag/xalloc.h"

struct trace_cli {
	const char *cmd;            /* "trace", for usage errors */
	struct zd_trace_opts o;
	struct zd_tfmt fmt;
	bool trace_given;
	bool summary_only;
	bool lifecycle;
	long late_ms;
	int tcount;                 /* -t given N times */
	bool ts_given;              /* --absolute-timestamps */
	int qcount;                 /* -q given N times */
	bool append;                /* -A */
	int pipe_pidfd;             /* -o |CMD: CMD's pidfd, or -1 */
	bool tips;                  /* --tips */
	int tip;                    /* its id, -1: random */
	enum zd_color cmode;
	const char *outfile;
	pid_t *pids;
	size_t npids, apids;
	int outfd;
	int fcount;                 /* -f given twice: -ff */
	bool ff;                    /* -ff -o FILE: FILE.TID per thread */
	struct ff_file *ffv;        /* the open ones */
	size_t ffn, ffcap, fflast;
	pid_t *ffseen;              /* tids given a file so far (appended to if reused) */
	size_t nseen, aseen;
	int ff_errno;
	char *ff_errname;           /* the first file that could not be written */
	bool eager;                 /* flush before every blocking wait */
	bool write_failed;
	struct zd_kstack *kstack;   /* -k */
	bool kstack_before_exec;    /* -k: the launched command has not exec'd yet */
	bool ff_pending;            /* -ff: some file's buffer has lines */
	struct timespec pending_since;
	struct zd_tracer *tracer;
};

static volatile sig_atomic_t stop_sig;   /* for the tracer, which clears it */
static volatile sig_atomic_t first_sig;  /* what zdiag dies of with -p */
static volatile sig_atomic_t tick;

static void
on_stop_signal(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
	if (!first_sig)
		first_sig = sig;
}

static void
on_tick(int sig)
{
	(void)sig;
	tick = 1;
}

/* ---------------------------------------------------------------- */
/* Output                                                            */

/* Write all of sb to fd and empty it; the errno of a failed write. */
static int
write_sb(int fd, struct zd_sb *sb)
{
	size_t off = 0;
	int err = 0;

	while (off < sb->len) {
		ssize_t n = write(fd, sb->buf + off, sb->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		off += (size_t)n;
	}
	zd_sb_reset(sb);
	return err;
}

/* -ff -o FILE: one file per traced thread, FILE.TID, as strace names them.
 * A file is closed when its thread ends, so the number open is the number
 * of live tracees; a tid used again in the same trace appends. */
struct ff_file {
	pid_t tid;
	int fd;
	char *name;                 /* FILE.TID */
	struct zd_sb buf;
};

static void
ff_failed(struct trace_cli *cli, int err, const char *name)
{
	if (cli->ff_errno)
		return;
	cli->ff_errno = err;
	cli->ff_errname = zd_xstrdup(name);
}

static struct ff_file *
ff_get(struct trace_cli *cli, pid_t tid)
{
	struct ff_file *f;
	struct zd_sb name = ZD_SB_INIT;
	bool seen = false;

	size_t i;

	if (cli->fflast < cli->ffn && cli->ffv[cli->fflast].tid == tid)
		return &cli->ffv[cli->fflast];
	for (i = 0; i < cli->ffn; i++)
		if (cli->ffv[i].tid == tid) {
			cli->fflast = i;
			return &cli->ffv[i];
		}
	for (i = 0; i < cli->nseen && !seen; i++)
		seen = cli->ffseen[i] == tid;
	if (!seen) {
		ZD_GROW(cli->ffseen, cli->aseen, cli->nseen + 1);
		cli->ffseen[cli->nseen++] = tid;
	}
	ZD_GROW(cli->ffv, cli->ffcap, cli->ffn + 1);
	cli->fflast = cli->ffn;
	f = &cli->ffv[cli->ffn++];
	f->tid = tid;
	zd_sb_init(&f->buf);
	zd_sb_addf(&name, "%s.%d", cli->outfile, (int)tid);
	f->name = zd_sb_detach(&name);
	f->fd = open(f->name, O_WRONLY | O_CREAT | O_CLOEXEC | (seen || cli->append ? O_APPEND : O_TRUNC), 0644);
	if (f->fd < 0)
		ff_failed(cli, errno, f->name);
	return f;
}

static void
ff_flush(struct trace_cli *cli, struct ff_file *f)
{
	int err;

	if (f->fd < 0) {
		zd_sb_reset(&f->buf);
		return;
	}
	if ((err = write_sb(f->fd, &f->buf))) {
		ff_failed(cli, err, f->name);
		close(f->fd);
		f->fd = -1;
	}
}

static void
ff_close(struct trace_cli *cli, pid_t tid)
{
	size_t i;

	for (i = 0; i < cli->ffn; i++) {
		if (cli->ffv[i].tid != tid)
			continue;
		ff_flush(cli, &cli->ffv[i]);
		if (cli->ffv[i].fd >= 0)
			close(cli->ffv[i].fd);
		zd_sb_release(&cli->ffv[i].buf);
		free(cli->ffv[i].name);
		cli->ffv[i] = cli->ffv[--cli->ffn];
		return;
	}
}

static void
ff_release(struct trace_cli *cli)
{
	while (cli->ffn)
		ff_close(cli, cli->ffv[0].tid);
	free(cli->ffv);
	free(cli->ffseen);
	free(cli->ff_errname);
}

static void
flush_out(struct trace_cli *cli)
{
	size_t i;

	if (!cli->write_failed && write_sb(cli->outfd, &cli->fmt.out))
		cli->write_failed = true;
	zd_sb_reset(&cli->fmt.out);
	for (i = 0; i < cli->ffn; i++)
		ff_flush(cli, &cli->ffv[i]);
	cli->pending_since.tv_sec = 0;
}

#define FLUSH_BYTES (64 * 1024)
#define FLUSH_AGE_NS (100 * 1000000L)

static void
cb_event(void *ctx, const struct zd_tev *ev)
{
	struct trace_cli *cli = ctx;
	bool gone;

	if (cli->kstack) {
		/* At the entry (execve: the caller's stack, as strace), except
		 * the launched command's first execve, whose caller is zdiag:
		 * that one is taken after the exec, at the new program's start. */
		if (ev->type == ZD_TEV_SYSCALL_ENTER && !cli->kstack_before_exec) {
			zd_kstack_capture(cli->kstack, ev->tcb->pid, ev->tcb->tid);
		} else if (ev->type == ZD_TEV_EXEC) {
			zd_kstack_forget(cli->kstack, ev->tcb->pid, 0);
			if (cli->kstack_before_exec) {
				cli->kstack_before_exec = false;
				zd_kstack_capture(cli->kstack, ev->tcb->pid, ev->tcb->tid);
			}
		}
	}
	zd_tfmt_event(&cli->fmt, ev);
	gone = ev->type == ZD_TEV_EXIT || ev->type == ZD_TEV_SUPERSEDED || ev->type == ZD_TEV_DETACH;
	if (cli->kstack && gone)
		zd_kstack_forget(cli->kstack, ev->tcb->tid == ev->tcb->pid ? ev->tcb->pid : 0, ev->tcb->tid);
	if (cli->ff) {
		/* Everything an event writes is its own thread's. */
		if (cli->fmt.out.len) {
			struct ff_file *f = ff_get(cli, ev->tcb->tid);

			zd_sb_add(&f->buf, cli->fmt.out.buf, cli->fmt.out.len);
			zd_sb_reset(&cli->fmt.out);
			cli->ff_pending = true;
			if (f->buf.len >= FLUSH_BYTES)
				ff_flush(cli, f);
		}
		if (gone)
			ff_close(cli, ev->tcb->tid);
	}
	if (!(cli->fmt.quiet & ZD_QUIET_ATTACH) && !cli->fmt.json && ev->tcb->tid == ev->tcb->pid) {
		if (ev->type == ZD_TEV_ATTACH || ev->type == ZD_TEV_DETACH) {
			zd_tfmt_close(&cli->fmt);
			flush_out(cli);
			fprintf(stderr, "zdiag: process %d %s\n", (int)ev->tcb->pid,
				ev->type == ZD_TEV_ATTACH ? "attached" : "detached");
		}
	}
	if (cli->fmt.out.len >= FLUSH_BYTES)
		flush_out(cli);
}

/* -k: the stack taken at the entry of tcb's call, after its line. */
static void
put_stack(void *ctx, struct zd_tcb *tcb, struct zd_sb *out)
{
	zd_kstack_put(ctx, tcb->tid, out);
}

/* The tracer fell back to something (no PTRACE_SEIZE, ...): one warning. */
static void
cb_notice(void *ctx, const char *msg)
{
	struct trace_cli *cli = ctx;

	if (cli->fmt.quiet & ZD_QUIET_ATTACH)
		return;
	if (cli->outfd == 2) {
		/* The same stream as the trace: end the pending line first. */
		zd_tfmt_close(&cli->fmt);
		flush_out(cli);
	}
	zd_warn("%s", msg);
}

/* Before the tracer blocks: on a terminal, show everything now (a blocked
 * call stays visible); elsewhere, write in large batches, or once the
 * oldest buffered line is 100 ms old (a timer wakes the tracer up). */
static void
cb_idle(void *ctx)
{
	struct trace_cli *cli = ctx;
	struct timespec now;

	if (!cli->fmt.out.len && !cli->ff_pending)
		return;
	if (cli->eager) {
		flush_out(cli);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!cli->pending_since.tv_sec) {
		cli->pending_since = now;
		return;
	}
	if ((now.tv_sec - cli->pending_since.tv_sec) * 1000000000L + (now.tv_nsec - cli->pending_since.tv_nsec) >=
	    FLUSH_AGE_NS) {
		flush_out(cli);
		cli->ff_pending = false;
	}
	tick = 0;
}

/* -ff: the folder of FILE.TID must take new files (else one clear error
 * now, not one per thread later). */
static int
ff_check_dir(const char *prefix)
{
	char *copy = zd_xstrdup(prefix), *slash = strrchr(copy, '/');
	const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
	int r = 0;

	if (slash && slash != copy)
		*slash = '\0';
	if (access(dir, W_OK | X_OK) < 0)
		r = zd_error_errno(errno, "cannot write '%s.TID' files in '%s'", prefix, dir);
	free(copy);
	return r;
}

/* ---------------------------------------------------------------- */
/* Options                                                           */

static int
parse_pids(struct trace_cli *cli, const char *arg)
{
	char *copy = zd_xstrdup(arg), *p, *next;
	long long v;

	for (p = copy; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (!*p)
			continue;
		if (zd_parse_ll(p, 1, INT_MAX, &v) < 0) {
			int r = zd_usage_error(cli->cmd, "invalid pid '%s'", p);

			free(copy);
			return r;
		}
		ZD_GROW(cli->pids, cli->apids, cli->npids + 1);
		cli->pids[cli->npids++] = (pid_t)v;
	}
	free(copy);
	return 0;
}

/* -e signal=SET */
static int
q_signal(struct trace_cli *cli, const char *spec)
{
	char *copy, *p, *next;
	bool neg = false;
	uint64_t m = 0;

	if (*spec == '!') {
		neg = true;
		spec++;
	}
	copy = zd_xstrdup(spec);
	for (p = copy; p; p = next) {
		int sig;

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(p, "all")) {
			m = ~0ULL;
			continue;
		}
		if (!strcmp(p, "none"))
			continue;
		sig = zd_sigparse(p);
		if (sig < 1 || sig > 64) {
			int r = zd_usage_error(cli->cmd, "invalid signal '%s' in -e signal=", p);

			free(copy);
			return r;
		}
		m |= 1ULL << (sig - 1);
	}
	free(copy);
	cli->o.show_signals = neg ? ~m : m;
	return 0;
}

/* -e trace=SET: several add up */
static int
q_trace(struct trace_cli *cli, const char *set)
{
	struct zd_scset s;
	char err[160];
	size_t i;

	if (zd_scset_parse(&s, set, err, sizeof(err)) < 0)
		return zd_usage_error(cli->cmd, "invalid -e trace=%s: %s", set, err);
	if (!cli->trace_given) {
		cli->o.show = s;
		cli->trace_given = true;
		return 0;
	}
	for (i = 0; i < ZD_ARRAY_SIZE(s.bits); i++)
		cli->o.show.bits[i] |= s.bits[i];
	cli->o.show.others |= s.others;
	return 0;
}

/* A name of a set of flags: -e status=, -e quiet=. */
struct flag_name {
	const char *name;
	unsigned bits;
};

/*
 * [!]NAME[,NAME]... over names (with "all" and "none") into *mask.
 * Returns 0 or a usage error naming what.
 */
static int
parse_flag_set(struct trace_cli *cli, const char *what, const struct flag_name *names, unsigned all,
	       const char *spec, unsigned *mask)
{
	const char *p = spec;
	bool neg = *p == '!';
	unsigned m = 0;

	if (neg)
		p++;
	while (*p) {
		size_t n = strcspn(p, ",");
		const struct flag_name *f;

		for (f = names; f->name; f++)
			if (strlen(f->name) == n && !strncmp(f->name, p, n))
				break;
		if (!f->name && !(n == 3 && !strncmp(p, "all", 3)) && !(n == 4 && !strncmp(p, "none", 4))) {
			struct zd_sb list = ZD_SB_INIT;
			int r;

			for (f = names; f->name; f++)
				zd_sb_addf(&list, "%s, ", f->name);
			zd_sb_adds(&list, "all, none");
			r = zd_usage_error(cli->cmd, "invalid -e %s=%s: '%.*s' (%s)", what, spec, (int)n, p, list.buf);
			zd_sb_release(&list);
			return r;
		}
		m |= f->name ? f->bits : n == 3 ? all : 0;
		p += n + (p[n] == ',');
	}
	*mask = neg ? all & ~m : m;
	return 0;
}

static const struct flag_name status_names[] = {
	{ "successful", ZD_ST_SUCCESSFUL },
	{ "failed", ZD_ST_FAILED },
	{ "unfinished", ZD_ST_UNFINISHED },
	{ "unavailable", ZD_ST_UNAVAILABLE },
	{ "detached", ZD_ST_DETACHED },
	{ NULL, 0 },
};

/* -e status=SET */
static int
q_status(struct trace_cli *cli, const char *set)
{
	return parse_flag_set(cli, "status", status_names, ZD_ST_ALL, set, &cli->fmt.status);
}

static const struct flag_name quiet_names[] = {
	{ "attach", ZD_QUIET_ATTACH },
	{ "exit", ZD_QUIET_EXIT },
	{ "exits", ZD_QUIET_EXIT },
	{ "path-resolution", ZD_QUIET_PATH },
	{ "personality", ZD_QUIET_PERSONALITY },
	{ "thread-execve", ZD_QUIET_THREAD_EXECVE },
	{ "superseded", ZD_QUIET_THREAD_EXECVE },
	{ NULL, 0 },
};

/* -e quiet=SET */
static int
q_quiet(struct trace_cli *cli, const char *set)
{
	return parse_flag_set(cli, "quiet", quiet_names, ZD_QUIET_ALL, set, &cli->fmt.quiet);
}

/*
 * The -e qualifiers, strace's names and aliases.  Each long option of the
 * same name (--trace=SET, --signal=SET, ...) goes through the same row.
 */
static const struct trace_qual {
	const char *name;
	const char *aliases;        /* space-separated, or NULL */
	int (*set)(struct trace_cli *cli, const char *value);
} trace_quals[] = {
	{ "trace", "t", q_trace },
	{ "signal", "signals s", q_signal },
	{ "status", NULL, q_status },
	{ "quiet", "silent silence q", q_quiet },
	{ NULL, NULL, NULL },
};

static const struct trace_qual *
find_qual(const char *name, size_t len)
{
	const struct trace_qual *q;

	for (q = trace_quals; q->name; q++) {
		const char *a = q->aliases;

		if (strlen(q->name) == len && !strncmp(q->name, name, len))
			return q;
		while (a && *a) {
			size_t n = strcspn(a, " ");

			if (n == len && !strncmp(a, name, len))
				return q;
			a += n + (a[n] == ' ');
		}
	}
	return NULL;
}

/* -e EXPR: QUALIFIER=VALUE, or a bare SET (trace=SET) */
static int
parse_expr(struct trace_cli *cli, const char *expr)
{
	const char *eq = strchr(expr, '=');
	const struct trace_qual *q;

	if (!eq)
		return q_trace(cli, expr);
	q = find_qual(expr, (size_t)(eq - expr));
	if (!q)
		return zd_usage_error(cli->cmd, "unknown -e qualifier '%.*s'", (int)(eq - expr), expr);
	return q->set(cli, eq + 1);
}

/* Option handlers: one per row of trace_opts, ctx is the trace_cli. */

static int
opt_follow(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->o.follow = true;
	cli->fcount++;
	return 0;
}

static int
opt_separately(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fcount = 2;
	return 0;
}

static int
opt_attach(void *ctx, const char *arg, const struct zd_opt *o)
{
	return parse_pids(ctx, arg);
}

static int
opt_output(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->outfile = arg;
	return 0;
}

static int
opt_expr(void *ctx, const char *arg, const struct zd_opt *o)
{
	return parse_expr(ctx, arg);
}

/* --trace=SET, --signal=SET, ...: the qualifier of the option's name */
static int
opt_qual(void *ctx, const char *arg, const struct zd_opt *o)
{
	const struct trace_qual *q = find_qual(o->lname, strlen(o->lname));

	if (!q)
		zd_bug("--%s has no -e qualifier", o->lname);
	return q->set(ctx, arg);
}

static int
opt_strsize(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;
	long long v;

	if (zd_parse_ll(arg, 0, 1 << 30, &v) < 0)
		return zd_usage_error(cli->cmd, "invalid -s '%s' (bytes, 0 for no limit)", arg);
	cli->o.dec.strsize = (size_t)v;
	return 0;
}

/* A precision (s, ms, us, ns) into *digits, or a usage error. */
static int
parse_precision(struct trace_cli *cli, const struct zd_opt *o, const char *arg, int *digits)
{
	if (zd_tfmt_precision(arg, digits) < 0)
		return zd_usage_error(cli->cmd, "invalid --%s '%s' (s, ms, us, ns)", o->lname, arg);
	return 0;
}

/* -T, --syscall-times[=PRECISION] */
static int
opt_syscall_times(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->fmt.show_time = true;
	return arg ? parse_precision(cli, o, arg, &cli->fmt.durprec) : 0;
}

/* -t (again: -tt, -ttt) */
static int
opt_t(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->tcount++;
	return 0;
}

/*
 * --absolute-timestamps[=[[format:]FORMAT][,[precision:]PRECISION]] and
 * its alias --timestamps: FORMAT none, time, unix; PRECISION s ms us ns.
 */
static int
opt_timestamps(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;
	static const char *const fmts[] = { "none", "time", "unix" };
	const char *p = arg ? arg : "";

	cli->ts_given = true;
	cli->fmt.tsfmt = ZD_TSF_TIME;
	while (*p) {
		size_t n = strcspn(p, ",");
		char item[32];
		const char *v = item;
		size_t i;
		bool is_fmt = false, is_prec = false;

		snprintf(item, sizeof(item), "%.*s", (int)(n < sizeof(item) ? n : sizeof(item) - 1), p);
		if (!strncmp(item, "format:", 7)) {
			v = item + 7;
			is_fmt = true;
		} else if (!strncmp(item, "precision:", 10)) {
			v = item + 10;
			is_prec = true;
		}
		for (i = 0; !is_prec && i < ZD_ARRAY_SIZE(fmts); i++)
			if (!strcmp(v, fmts[i])) {
				cli->fmt.tsfmt = (enum zd_tsfmt)i;
				break;
			}
		if (is_prec || i == ZD_ARRAY_SIZE(fmts)) {
			if (is_fmt || zd_tfmt_precision(v, &cli->fmt.tsprec) < 0)
				return zd_usage_error(cli->cmd, "invalid --%s '%s' (%s)", o->lname, arg,
						      "[format:]none|time|unix, [precision:]s|ms|us|ns");
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

/* -r, --relative-timestamps[=PRECISION] */
static int
opt_relative(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->fmt.relative = true;
	return arg ? parse_precision(cli, o, arg, &cli->fmt.relprec) : 0;
}

static int
opt_syscall_number(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->fmt.show_nr = true;
	cli->o.want_ip = true;   /* a signal's line shows the last call's number */
	return 0;
}

static int
opt_instruction_pointer(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->fmt.show_ip = true;
	cli->o.want_ip = true;
	return 0;
}

/* -a COLUMN */
static int
opt_columns(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;
	long long v;

	if (zd_parse_ll(arg, 0, 4096, &v) < 0)
		return zd_usage_error(cli->cmd, "invalid -a '%s' (a column, 0-4096)", arg);
	cli->fmt.align = (size_t)v;
	return 0;
}

static int
opt_append(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->append = true;
	return 0;
}

/* --tips[=[[id:]ID][,[format:]FORMAT]]: ID a number or random; FORMAT none, compact, full */
static int
opt_tips(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;
	const char *p = arg ? arg : "";

	cli->tip = -1;
	cli->tips = true;
	while (*p) {
		size_t n = strcspn(p, ",");
		char item[32];
		const char *v = item;
		long long id;

		snprintf(item, sizeof(item), "%.*s", (int)(n < sizeof(item) ? n : sizeof(item) - 1), p);
		if (!strncmp(item, "id:", 3) || !strncmp(item, "format:", 7))
			v = strchr(item, ':') + 1;
		if (v == item + 7 || (v == item && (!strcmp(v, "none") || !strcmp(v, "compact") || !strcmp(v, "full")))) {
			if (!strcmp(v, "none"))
				cli->tips = false;
			else if (strcmp(v, "compact") && strcmp(v, "full"))
				return zd_usage_error(cli->cmd, "invalid --tips format '%s' (none, compact, full)", v);
		} else if (!strcmp(v, "random")) {
			cli->tip = -1;
		} else if (zd_parse_ll(v, 0, INT_MAX, &id) == 0) {
			cli->tip = (int)(id % zd_trace_tip_count());
		} else {
			return zd_usage_error(cli->cmd, "invalid --tips '%s' ([id:]N|random, [format:]none|compact|full)", arg);
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

static int
opt_version(void *ctx, const char *arg, const struct zd_opt *o)
{
	printf("zdiag trace -- version %s\n", ZD_VERSION_STRING);
	return ZD_OPT_DONE;
}

static int
opt_stack(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (!cli->kstack)
		cli->kstack = zd_kstack_new();
	return 0;
}

static int
opt_summary_only(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->summary_only = true;
	cli->fmt.summary = true;
	return 0;
}

static int
opt_summary(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fmt.summary = true;
	return 0;
}

static int
opt_wall_clock(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fmt.sum_wall = true;
	return 0;
}

static int
opt_sort_by(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (zd_sum_parse_sort(arg, &cli->fmt.sumopts.sort) < 0)
		return zd_usage_error(cli->cmd, "invalid -S '%s' (time, min-time, max-time, avg-time, calls, errors, name, nothing)", arg);
	return 0;
}

static int
opt_overhead(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (zd_sum_parse_overhead(arg, &cli->fmt.sumopts.overhead) < 0)
		return zd_usage_error(cli->cmd, "invalid -O '%s' (a time: 15, 15us, 1ms, 0.5s, 200ns)", arg);
	return 0;
}

static int
opt_sum_columns(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (zd_sum_parse_columns(arg, &cli->fmt.sumopts) < 0)
		return zd_usage_error(cli->cmd, "invalid -U '%s' (time-percent, total-time, min-time, max-time, avg-time, calls, errors, name)", arg);
	return 0;
}

static int
opt_per_process(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fmt.per_process = true;
	return 0;
}

static int
opt_decode_fds(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->o.dec.fd_paths = true;
	return 0;
}

/* -z, -Z */
static int
opt_successful(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fmt.status = ZD_ST_SUCCESSFUL;
	return 0;
}

static int
opt_failed(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fmt.status = ZD_ST_FAILED;
	return 0;
}

static int
opt_no_abbrev(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->o.dec.verbose = true;
	return 0;
}

/* -q (-qq, -qqq), --quiet[=SET] */
static int
opt_quiet(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;
	static const unsigned levels[] = {
		ZD_QUIET_ATTACH | ZD_QUIET_PERSONALITY,
		ZD_QUIET_ATTACH | ZD_QUIET_PERSONALITY | ZD_QUIET_EXIT,
		ZD_QUIET_ALL,
	};

	if (arg)
		return q_quiet(cli, arg);
	cli->qcount++;
	cli->fmt.quiet = levels[cli->qcount > 3 ? 2 : cli->qcount - 1];
	return 0;
}

static int
opt_json(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->fmt.json = true;
	return 0;
}

static int
opt_lifecycle(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->lifecycle = true;
	return 0;
}

static int
opt_late(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;
	long long v;

	if (zd_parse_ms(arg, 86400000LL, &v) < 0)
		return zd_usage_error(cli->cmd, "invalid --late '%s' (milliseconds)", arg);
	cli->late_ms = (long)v;
	return 0;
}

static int
opt_color(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (zd_color_parse(arg, &cli->cmode) < 0)
		return zd_usage_error(cli->cmd, "invalid --color '%s' (auto, always, never)", arg);
	return 0;
}

static int
opt_seccomp(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->o.seccomp = !strcmp(o->lname, "seccomp-bpf");
	return 0;
}

static int
opt_ptrace(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (zd_ptrace_mode_parse(arg, &cli->o.mode) < 0)
		return zd_usage_error(cli->cmd, "invalid --ptrace '%s' (auto, seize, classic)", arg);
	return 0;
}

/*
 * One row per option: parsing, --help, completion and the man page's
 * synopsis test all read it.  Long names are strace's where strace has
 * the option; rows without a letter are long-only.
 */
static const struct zd_opt trace_opts[] = {
	{ 0, 'f', "follow-forks", ZD_ARG_NONE, NULL, "follow forks, vforks and clones (threads and child processes); -ff with -o FILE: see --output-separately", NULL, opt_follow },
	{ 0, 0, "output-separately", ZD_ARG_NONE, NULL, "with -o FILE: write each thread's trace to FILE.TID (like -ff)", NULL, opt_separately },
	{ 0, 'p', "attach", ZD_ARG_REQ, "PID", "attach to PID (and all its threads); repeat or list: -p 12,34", "@pid", opt_attach },
	{ 0, 'o', "output", ZD_ARG_REQ, "FILE", "write the trace to FILE instead of stderr", "@file", opt_output },
	{ 0, 'e', "expr", ZD_ARG_REQ, "EXPR", "trace=SET (names, !neg, %file %process %network %signal %memory %desc ...), signal=SET, status=SET", "trace= signal= status= trace=%file trace=%process trace=%network trace=%signal trace=%memory trace=%desc", opt_expr },
	{ 0, 0, "trace", ZD_ARG_REQ, "SET", "same as -e trace=SET", NULL, opt_qual },
	{ 0, 0, "signal", ZD_ARG_REQ, "SET", "same as -e signal=SET", NULL, opt_qual },
	{ 0, 0, "status", ZD_ARG_REQ, "SET", "same as -e status=SET", "all successful failed", opt_qual },
	{ 0, 0, "quiet", ZD_ARG_OPT, "SET", "same as -e quiet=SET (attach, exit, path-resolution, personality, thread-execve); alone: -q", "attach exit path-resolution personality thread-execve all none", opt_quiet },
	{ 0, 's', "string-limit", ZD_ARG_REQ, "N", "show at most N bytes of strings and buffers (default 32; 0: no limit)", NULL, opt_strsize },
	{ 0, 'T', "syscall-times", ZD_ARG_OPT, "PRECISION", "show the time spent in each call: <0.000011> (PRECISION s, ms, us (default), ns)", "s ms us ns", opt_syscall_times },
	{ 0, 't', NULL, ZD_ARG_NONE, NULL, "prefix lines with the time of day (-tt: microseconds, -ttt: seconds since the epoch)", NULL, opt_t },
	{ 0, 0, "absolute-timestamps", ZD_ARG_OPT, "FMT", "[format:]none|time|unix, [precision:]s|ms|us|ns: the -t prefix (no FMT: -t)", "time unix none format:time format:unix precision:s precision:ms precision:us precision:ns", opt_timestamps },
	{ 0, 0, "timestamps", ZD_ARG_OPT, "FMT", "same as --absolute-timestamps", "time unix none format:time format:unix precision:s precision:ms precision:us precision:ns", opt_timestamps },
	{ 0, 'k', "stack-traces", ZD_ARG_NONE, NULL, "print the user stack of each call after its line (taken at its entry)", NULL, opt_stack },
	{ 0, 0, "stack-trace", ZD_ARG_NONE, NULL, "same as -k", NULL, opt_stack },
	{ 0, 'r', "relative-timestamps", ZD_ARG_OPT, "PRECISION", "prefix lines with the time since the previous line: 0.000123 (PRECISION s, ms, us, ns)", "s ms us ns", opt_relative },
	{ 0, 'n', "syscall-number", ZD_ARG_NONE, NULL, "prefix each call with its number: [ 39] getpid()", NULL, opt_syscall_number },
	{ 0, 'i', "instruction-pointer", ZD_ARG_NONE, NULL, "prefix each call with the address it was made from: [00007f8e9c2c1e2d]", NULL, opt_instruction_pointer },
	{ 0, 'a', "columns", ZD_ARG_REQ, "COLUMN", "align return values at COLUMN (default 40)", NULL, opt_columns },
	{ 0, 'A', "output-append-mode", ZD_ARG_NONE, NULL, "with -o FILE: append to FILE instead of truncating it", NULL, opt_append },
	{ 0, 0, "tips", ZD_ARG_OPT, "ID,FORMAT", "at the end, show a tip about zdiag trace on stderr ([id:]N|random, [format:]none|compact|full)", "random format:none format:compact format:full", opt_tips },
	{ 0, 'V', "version", ZD_ARG_NONE, NULL, "print the version and exit", NULL, opt_version },
	{ 0, 'c', "summary-only", ZD_ARG_NONE, NULL, "count time, calls and errors per syscall; print a table at the end instead of the trace", NULL, opt_summary_only },
	{ 0, 'C', "summary", ZD_ARG_NONE, NULL, "like -c, but also print the trace", NULL, opt_summary },
	{ 0, 'w', "summary-wall-clock", ZD_ARG_NONE, NULL, "with -c/-C: count the wall time from entry to exit, not the system time", NULL, opt_wall_clock },
	{ 0, 'S', "summary-sort-by", ZD_ARG_REQ, "SORTBY", "with -c/-C: sort by time (default), min-time, max-time, avg-time, calls, errors, name, nothing", "time min-time max-time avg-time calls errors name nothing", opt_sort_by },
	{ 0, 'U', "summary-columns", ZD_ARG_REQ, "COLUMNS", "with -c/-C: the columns, from time-percent, total-time, min-time, max-time, avg-time, calls, errors, name", NULL, opt_sum_columns },
	{ 0, 'O', "summary-syscall-overhead", ZD_ARG_REQ, "OVERHEAD", "with -c/-C: take OVERHEAD (15, 15us, 1ms, ...) off every call's time", NULL, opt_overhead },
	{ 0, 0, "per-process", ZD_ARG_NONE, NULL, "with -c/-C: one table per process, then the total", NULL, opt_per_process },
	{ 0, 'y', "decode-fds", ZD_ARG_NONE, NULL, "show the path of file descriptors: 3</etc/hostname>", NULL, opt_decode_fds },
	{ 0, 'z', "successful-only", ZD_ARG_NONE, NULL, "show only calls that succeeded", NULL, opt_successful },
	{ 0, 'Z', "failed-only", ZD_ARG_NONE, NULL, "show only calls that failed", NULL, opt_failed },
	{ 0, 'v', "no-abbrev", ZD_ARG_NONE, NULL, "print structures in full (stat, uname, directory entries, environment)", NULL, opt_no_abbrev },
	{ 0, 'q', NULL, ZD_ARG_NONE, NULL, "no attach, detach and seccomp notes (-qq: no \"+++ exited\" lines either; -qqq: no notes at all)", NULL, opt_quiet },
	{ 0, 0, "json", ZD_ARG_NONE, NULL, "JSON Lines: one object per event (schema: docs/trace-json.md)", NULL, opt_json },
	{ 0, 0, "lifecycle", ZD_ARG_NONE, NULL, "follow forks and report every process's life: parent, exec, exit, reaper, zombie time", NULL, opt_lifecycle },
	{ 0, 0, "late", ZD_ARG_REQ, "MS", "with --lifecycle: a zombie reaped after MS milliseconds is late (default 1000)", NULL, opt_late },
	{ 0, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never; NO_COLOR disables auto", "auto always never", opt_color },
	{ 0, 0, "no-seccomp", ZD_ARG_NONE, NULL, "never use a seccomp filter (every syscall stops the tracee)", NULL, opt_seccomp },
	{ 0, 0, "seccomp-bpf", ZD_ARG_NONE, NULL, "use a seccomp filter when possible (the default; accepted for strace users)", NULL, opt_seccomp },
	{ 0, 0, "ptrace", ZD_ARG_REQ, "MODE", "auto (default: seize, classic where the kernel has no PTRACE_SEIZE), seize, classic (TRACEME/ATTACH, GETREGS, PEEKDATA)", "auto seize classic", opt_ptrace },
	{ 0 },
};

/* ---------------------------------------------------------------- */
/* Launching                                                         */

/*
 * Resolve name as execvp(3) would: a name with '/' as is, else the first
 * executable regular file along PATH.  Returns 0, or -ENOENT / -EACCES.
 */
static int
resolve_command(const char *name, struct zd_sb *out)
{
	const char *path, *p;
	int err = -ENOENT;
	struct stat st;

	zd_sb_reset(out);
	if (strchr(name, '/')) {
		zd_sb_adds(out, name);
		if (stat(name, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EACCES;
		return access(name, X_OK) < 0 ? -errno : 0;
	}
	if (!*name)
		return -ENOENT;
	path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		zd_sb_reset(out);
		if (len)
			zd_sb_add(out, p, len);
		else
			zd_sb_addc(out, '.');
		zd_sb_addc(out, '/');
		zd_sb_adds(out, name);
		if (stat(out->buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out->buf, X_OK) == 0)
				return 0;
			err = -EACCES;
		}
		if (!end)
			break;
		p = end;
	}
	return err;
}

static void
install_handlers(void)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ZD_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = on_tick;
	sigaction(SIGALRM, &sa, NULL);
}

static void
start_tick_timer(void)
{
	struct itimerval it = { { 0, 100000 }, { 0, 100000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void
stop_tick_timer(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_DFL);
}

/* Die of sig the way the traced command did (strace's convention). */
static ZD_NORETURN void
die_by_signal(int sig)
{
	struct rlimit rl = { 0, 0 };
	sigset_t set;

	fflush(NULL);
	setrlimit(RLIMIT_CORE, &rl);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

/*
 * -o |CMD (or !CMD): the trace goes to the standard input of sh -c CMD.
 * CMD runs as a grandchild, so the tracer's wait for any child never sees
 * it; a pidfd tells when it is done.  Returns the pipe's write end, or
 * -errno.
 */
static int
open_pipe_command(struct trace_cli *cli, const char *cmd)
{
	int fds[2], pidp[2], st;
	pid_t mid, grand = 0;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pidp, O_CLOEXEC) < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	mid = fork();
	if (mid == 0) {
		pid_t g = fork();

		if (g == 0) {
			dup2(fds[0], 0);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		if (write(pidp[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		_exit(g < 0);
	}
	close(fds[0]);
	close(pidp[1]);
	if (mid > 0) {
		while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
			;
		if (read(pidp[0], &grand, sizeof(grand)) != sizeof(grand))
			grand = 0;
	}
	close(pidp[0]);
	if (mid < 0 || grand <= 0) {
		close(fds[1]);
		return mid < 0 ? -errno : -ECHILD;
	}
	cli->pipe_pidfd = (int)syscall(SYS_pidfd_open, grand, 0);
	return fds[1];
}

/* ---------------------------------------------------------------- */
/* -p                                                                */

static int
check_targets(struct trace_cli *cli, const struct zd_cmd *cmd)
{
	struct zd_procfs pfs;
	size_t i;
	int r;

	r = zd_procfs_open(&pfs, NULL);
	if (r < 0)
		return zd_error_errno(r, "cannot open '/proc'");
	for (i = 0; i < cli->npids; i++) {
		struct zd_target tg;
		char why[256];

		r = zd_target_probe(&pfs, cli->pids[i], &tg);
		if (r < 0) {
			zd_procfs_close(&pfs);
			return zd_error_errno(r, "cannot read '/proc'");
		}
		if (tg.kind != ZD_TARGET_LIVE && tg.kind != ZD_TARGET_ZOMBIE_LEADER) {
			zd_target_refusal(&tg, why, sizeof(why));
			zd_procfs_close(&pfs);
			return zd_error("cannot attach to %d: %s", (int)cli->pids[i], why);
		}
		if (tg.tgid != cli->pids[i]) {
			/* A thread id: attach its whole process, as strace does. */
			cli->pids[i] = tg.tgid;
		}
	}
	zd_procfs_close(&pfs);
	(void)cmd;
	return 0;
}

static int
attach_all(struct trace_cli *cli)
{
	struct zd_procfs pfs;
	size_t i;
	int r;

	for (i = 0; i < cli->npids; i++) {
		size_t k;
		bool dup = false;

		for (k = 0; k < i; k++)
			dup |= cli->pids[k] == cli->pids[i];
		if (dup)
			continue;
		r = zd_tracer_attach(cli->tracer, cli->pids[i]);
		if (r < 0) {
			struct zd_target tg;
			char why[256];

			zd_tracer_detach_all(cli->tracer);
			if (zd_procfs_open(&pfs, NULL) == 0) {
				zd_target_probe(&pfs, cli->pids[i], &tg);
				zd_procfs_close(&pfs);
			} else {
				memset(&tg, 0, sizeof(tg));
				tg.pid = cli->pids[i];
			}
			if ((r == -EIO || r == -EINVAL || r == -ENOSYS) && zd_tracer_failed_call(cli->tracer))
				return zd_error("cannot attach to %d: %s failed: %s%s", (int)cli->pids[i],
						zd_tracer_failed_call(cli->tracer), strerror(-r),
						cli->o.mode == ZD_PTRACE_SEIZE ? " (try --ptrace=classic)" : "");
			zd_target_explain(&tg, r, why, sizeof(why));
			return zd_error("cannot attach to %d: %s", (int)cli->pids[i], why);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- */

static void
json_summary(struct trace_cli *cli)
{
	struct zd_json j;
	long nr;
	const struct zd_summary *s = &cli->fmt.sum;

	zd_json_init(&j, &cli->fmt.out, false);
	zd_json_obj_begin(&j);
	zd_json_kstr(&j, "event", "summary");
	zd_json_key(&j, "syscalls");
	zd_json_arr_begin(&j);
	for (nr = 0; s->by_nr && nr < ZD_SC_NMAX; nr++) {
		const struct zd_scstat *st = &s->by_nr[nr];

		if (!st->calls)
			continue;
		zd_json_obj_begin(&j);
		zd_json_kstr(&j, "name", zd_sysent(nr) ? zd_sysent(nr)->name : NULL);
		zd_json_kint(&j, "nr", nr);
		zd_json_kuint(&j, "calls", st->calls);
		zd_json_kuint(&j, "errors", st->errors);
		zd_json_kdouble(&j, "seconds", st->seconds);
		zd_json_obj_end(&j);
	}
	zd_json_arr_end(&j);
	zd_json_obj_end(&j);
	zd_sb_addc(&cli->fmt.out, '\n');
}

static int
cmd_trace_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	struct trace_cli cli;
	struct zd_trace_ops ops = { cb_event, cb_idle, cb_notice };
	struct zd_optparse p;
	struct zd_sb path = ZD_SB_INIT;
	char **cargv = NULL;
	pid_t root = 0;
	int r, rc = ZD_EXIT_OK;

	memset(&cli, 0, sizeof(cli));
	cli.cmd = cmd->name;
	cli.pipe_pidfd = -1;
	zd_tfmt_init(&cli.fmt);
	cli.o.dec.strsize = ZD_DEC_STRSIZE;
	cli.o.seccomp = true;
	cli.o.show_signals = ~0ULL;
	cli.late_ms = 1000;
	cli.outfd = 2;

	zd_opt_init(&p, cmd, argc, argv);
	if (!zd_opt_parse(&p, &cli, &r))
		goto out_rc;
	if (p.ind < argc)
		cargv = argv + p.ind;
	if (!cargv && !cli.npids) {
		r = zd_usage_error(cmd->name, "no command to run and no -p PID to attach to");
		goto out_rc;
	}
	if (cli.tcount && !cli.ts_given) {
		/* -t: time of day; -tt: with microseconds; -ttt: epoch too */
		cli.fmt.tsfmt = cli.tcount >= 3 ? ZD_TSF_UNIX : ZD_TSF_TIME;
		cli.fmt.tsprec = cli.tcount >= 2 ? 6 : 0;
	}
	if (!cli.trace_given)
		zd_scset_fill(&cli.o.show);
	if (cli.lifecycle)
		cli.o.follow = true;
	if (cli.fcount >= 2) {
		/* -ff without -o is -f, as in strace */
		cli.o.follow = true;
		cli.ff = cli.outfile != NULL;
		if (cli.ff && (cli.outfile[0] == '|' || cli.outfile[0] == '!')) {
			r = zd_usage_error(cmd->name, "-ff (--output-separately) cannot write to a command (-o |CMD)");
			goto out_rc;
		}
		if (cli.fmt.summary) {
			r = zd_usage_error(cmd->name, "-c/-C and -ff (--output-separately) cannot be used together");
			goto out_rc;
		}
	}
	if (cli.kstack && (cli.fmt.json || cli.summary_only)) {
		r = zd_usage_error(cmd->name, "-k prints stacks in the text trace: not with %s",
				   cli.fmt.json ? "--json" : "-c");
		goto out_rc;
	}
	if (cli.kstack) {
		cli.kstack_before_exec = cargv != NULL;
		cli.fmt.after_call = put_stack;
		cli.fmt.after_ctx = cli.kstack;
	}
	if (cli.fmt.per_process && !cli.fmt.summary) {
		r = zd_usage_error(cmd->name, "--per-process needs -c or -C");
		goto out_rc;
	}
	if (cli.fmt.json && cli.summary_only)
		cli.fmt.text = false;
	else if (cli.summary_only)
		cli.fmt.text = false;

	/* Lifecycle and JSON reap events need every wait4/waitid's return. */
	zd_scset_clear(&cli.o.also_stop);
	if (cli.lifecycle || cli.fmt.json) {
		zd_scset_add(&cli.o.also_stop, ZD_NR_WAIT4);
		zd_scset_add(&cli.o.also_stop, ZD_NR_WAITID);
	}
	cli.o.decode = cli.fmt.text || cli.fmt.json;
	cli.o.want_mono = true;
	cli.o.want_stime = cli.fmt.summary && !cli.fmt.sum_wall;
	cli.o.want_comm = cli.lifecycle || cli.fmt.json || cli.fmt.per_process;
	cli.o.want_wall = cli.fmt.json || cli.fmt.tsfmt != ZD_TSF_NONE;
	cli.o.stop = &stop_sig;

	if (cargv) {
		r = resolve_command(cargv[0], &path);
		if (r < 0) {
			zd_error("cannot run '%s': %s", cargv[0], strerror(-r));
			r = r == -ENOENT ? ZD_EXIT_NOT_FOUND : ZD_EXIT_CANNOT_EXEC;
			goto out_rc;
		}
	}
	if (cli.npids && (r = check_targets(&cli, cmd)))
		goto out_rc;

	if (cli.ff) {
		/* FILE.TID files, made as threads appear; the end-of-trace
		 * reports (--lifecycle) go to stderr. */
		if ((r = ff_check_dir(cli.outfile)))
			goto out_rc;
		cli.fmt.separate = true;
	} else if (cli.outfile && (cli.outfile[0] == '|' || cli.outfile[0] == '!')) {
		if ((cli.outfd = open_pipe_command(&cli, cli.outfile + 1)) < 0) {
			r = zd_error_errno(-cli.outfd, "cannot run '%s'", cli.outfile + 1);
			goto out_rc;
		}
	} else if (cli.outfile) {
		cli.outfd = open(cli.outfile, O_WRONLY | O_CREAT | (cli.append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0644);
		if (cli.outfd < 0) {
			r = zd_error_errno(errno, "cannot open '%s'", cli.outfile);
			goto out_rc;
		}
	}
	cli.eager = !cli.ff && isatty(cli.outfd);
	cli.fmt.color = !cli.fmt.json && (cli.ff ? cli.cmode == ZD_COLOR_ALWAYS : zd_color_use(cli.cmode, cli.outfd));
	if (cli.ff)
		cli.fmt.pidmode = ZD_PID_NONE;
	else if (cli.o.follow)
		cli.fmt.pidmode = cli.outfile ? ZD_PID_ALWAYS : ZD_PID_MULTI;
	else
		cli.fmt.pidmode = ZD_PID_MULTI;

	cli.tracer = zd_tracer_new(&cli.o, &ops, &cli);
	cli.fmt.tracer = cli.tracer;
	install_handlers();
	if (!cli.eager)
		start_tick_timer();

	if (cli.npids && (r = attach_all(&cli))) {
		stop_tick_timer();
		goto out_tracer;
	}
	if (cargv) {
		root = zd_tracer_launch(cli.tracer, cargv, path.buf);
		if (root < 0) {
			const char *call = zd_tracer_failed_call(cli.tracer);

			zd_tracer_detach_all(cli.tracer);
			if (call)
				r = zd_error("cannot run '%s': %s failed: %s%s", cargv[0], call, strerror((int)-root),
					     cli.o.mode == ZD_PTRACE_SEIZE && (root == -EIO || root == -EINVAL || root == -ENOSYS)
						     ? " (try --ptrace=classic)" : "");
			else
				r = zd_error_errno((int)root, "cannot run '%s'", cargv[0]);
			stop_tick_timer();
			goto out_tracer;
		}
		if (!(cli.fmt.quiet & ZD_QUIET_ATTACH) && zd_tracer_seccomp_note(cli.tracer))
			zd_warn("%s; every syscall stops the tracee", zd_tracer_seccomp_note(cli.tracer));
	}

	r = zd_tracer_run(cli.tracer);
	stop_tick_timer();
	zd_tfmt_close(&cli.fmt);
	if (r < 0) {
		flush_out(&cli);
		zd_tracer_detach_all(cli.tracer);
		r = zd_error_errno(r, "tracing failed");
		goto out_tracer;
	}
	if (cargv && !(cli.fmt.quiet & ZD_QUIET_ATTACH) && zd_tracer_seccomp_note(cli.tracer) && zd_tracer_seccomp_active(cli.tracer) == false &&
	    !strcmp(zd_tracer_seccomp_note(cli.tracer), "the seccomp filter could not be installed"))
		zd_warn("the seccomp filter could not be installed; traced without it");

	/* The end of the trace: summary and lifecycle. */
	{
		struct zd_lifecycle *lc = zd_tracer_lifecycle(cli.tracer);
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (cli.lifecycle)
			zd_lc_finish(lc, "/proc", &now);
		if (cli.fmt.summary) {
			if (cli.fmt.json)
				json_summary(&cli);
			else
				zd_tfmt_summary(&cli.fmt, lc);
		}
		if (cli.lifecycle) {
			if (cli.fmt.json)
				zd_lc_report_json(lc, &cli.fmt.out, cli.late_ms);
			else
				zd_lc_report_text(lc, &cli.fmt.out, cli.late_ms, cli.fmt.color);
		}
	}
	flush_out(&cli);
	while (cli.ffn)
		ff_close(&cli, cli.ffv[0].tid);
	if (cli.pipe_pidfd >= 0) {
		/* -o |CMD: CMD sees the end of the trace, then zdiag waits for it. */
		struct pollfd pfd = { cli.pipe_pidfd, POLLIN, 0 };

		close(cli.outfd);
		cli.outfd = -1;
		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
	}
	if (cli.tips)
		zd_trace_tip(stderr, cli.tip);

	if (cargv) {
		int st = zd_tracer_root_status(cli.tracer);
		int eerr = zd_tracer_exec_errno(cli.tracer);

		if (eerr) {
			r = zd_error("cannot run '%s': %s", cargv[0], strerror(eerr));
			rc = eerr == ENOENT ? ZD_EXIT_NOT_FOUND : ZD_EXIT_CANNOT_EXEC;
		} else if (st >= 0 && WIFEXITED(st)) {
			rc = WEXITSTATUS(st);
		} else if (st >= 0 && WIFSIGNALED(st)) {
			int sig = WTERMSIG(st);

			zd_tracer_free(cli.tracer);
			zd_tfmt_release(&cli.fmt);
			zd_sb_release(&path);
			free(cli.pids);
			ff_release(&cli);
			if (cli.outfile && !cli.ff)
				close(cli.outfd);
			die_by_signal(sig);
		}
	} else if (first_sig) {
		int sig = first_sig;

		zd_tracer_free(cli.tracer);
		zd_tfmt_release(&cli.fmt);
		free(cli.pids);
		ff_release(&cli);
		die_by_signal(sig);
	}
	if (cli.write_failed && rc == ZD_EXIT_OK)
		rc = zd_error_errno(EIO, "cannot write the trace%s%s%s", cli.outfile ? " to '" : "",
				    cli.outfile ? cli.outfile : "", cli.outfile ? "'" : "");
	if (cli.ff_errno && rc == ZD_EXIT_OK)
		rc = zd_error_errno(cli.ff_errno, "cannot write the trace to '%s'", cli.ff_errname);
	r = rc;
out_tracer:
	zd_tracer_free(cli.tracer);
	if (cli.outfile && !cli.ff && cli.outfd >= 0)
		close(cli.outfd);
out_rc:
	ff_release(&cli);
	zd_kstack_free(cli.kstack);
	zd_sb_release(&path);
	zd_tfmt_release(&cli.fmt);
	free(cli.pids);
	return r;
}

const struct zd_cmd zd_cmd_trace = {
	.name = "trace",
	.fn = cmd_trace_fn,
	.summary = "trace syscalls, signals and process lifecycles (strace-compatible)",
	.synopsis =
		"[-fcCkrTyzZvq] [-t[t[t]]] [-e EXPR]... [-s N] [-o FILE] [--json] [--lifecycle [--late MS]] [--no-seccomp] [--ptrace=MODE] [--color[=WHEN]] CMD [ARG...]\n"
		"[-fcCkrTyzZvq] [-t[t[t]]] [-e EXPR]... [-s N] [-o FILE] [--json] [--lifecycle [--late MS]] [--ptrace=MODE] [--color[=WHEN]] -p PID[,PID...]",
	.description =
		"Trace the system calls and signals of a command, or of running processes\n"
		"(-p), printing one strace-style line per call:\n"
		"  openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY|O_CLOEXEC) = 3\n"
		"Options end at the first non-option argument (zdiag trace -f sh -c 'ls | wc').\n"
		"A launched command dies with zdiag; attached processes are detached on\n"
		"Ctrl-C, SIGTERM or SIGHUP and keep running.  When -e trace= leaves syscalls\n"
		"out, a seccomp filter keeps those from stopping the command (--no-seccomp\n"
		"turns it off).  --lifecycle follows every process: who forked it, its execs,\n"
		"exit, who reaped it and how long it stayed a zombie, then prints the process\n"
		"tree and the children reaped late or never.  Tracees are taken with\n"
		"PTRACE_SEIZE; on a kernel without it (or with --ptrace=classic), with\n"
		"PTRACE_TRACEME and PTRACE_ATTACH, and a kill -STOP then does not keep a\n"
		"tracee stopped.",
	.opts = trace_opts,
	.positional = "@command",
	.exit_status =
		"  N    the traced command's exit status (killed by a signal: zdiag kills\n"
		"       itself with the same signal; 128+N where that is not possible)\n"
		"  126  the command cannot be executed; 127: not found\n"
		"  2    usage error, or cannot attach to a -p PID\n"
		"  0    with -p only: every tracee exited or was detached (Ctrl-C: zdiag then\n"
		"       dies of that signal, as strace does)",
	.flags = ZD_CMD_STOP_AT_NONOPT,
};
