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
#include "zdiag/launch.h"
#include "zdiag/pathtrace.h"
#include "zdiag/target.h"
#include "zdiag/tamper.h"
#include "zdiag/trace.h"
#include "zdiag/tracefmt.h"
#include "zdiag/xalloc.h"


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
	bool gone, announce;

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
	announce = !(cli->fmt.quiet & ZD_QUIET_ATTACH) && !cli->fmt.json && ev->tcb->tid == ev->tcb->pid;
	if (announce && ev->type == ZD_TEV_DETACH) {
		/* As strace: said in the middle of the tracee's open line,
		 * which then ends " <detached ...>". */
		if (!cli->ff)
			flush_out(cli);
		fprintf(stderr, "zdiag: process %d detached\n", (int)ev->tcb->pid);
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
	if (announce && ev->type == ZD_TEV_DETACH && !cli->ff)
		flush_out(cli);
	if (announce && ev->type == ZD_TEV_ATTACH) {
		zd_tfmt_close(&cli->fmt);
		flush_out(cli);
		fprintf(stderr, "zdiag: process %d attached\n", (int)ev->tcb->pid);
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

/* -d: the tracer's requests and wait statuses, one line each, on stderr
 * (in the middle of a trace line there, as strace -d). */
static void
cb_debug(void *ctx, const char *msg)
{
	struct trace_cli *cli = ctx;

	if (cli->outfd == 2)
		flush_out(cli);
	fprintf(stderr, "zdiag: %s\n", msg);
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
on_ignored(int sig)
{
	(void)sig;
}

/*
 * -I intr: 1 (anywhere) leaves the fatal signals' default action (zdiag
 * dies at once); 2 (waiting, the default) acts on them when the tracer
 * waits; 3 (never) and 4 (never_tstp, also ^Z) ignore them, as strace.
 * "Ignored" is a handler that does nothing, not SIG_IGN, so that a
 * command launched after this does not inherit it.
 */
static void
install_handlers(int intr)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = intr >= 3 ? on_ignored : on_stop_signal;
	for (i = 0; intr >= 2 && i < ZD_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	if (intr >= 3)
		sigaction(SIGPIPE, &sa, NULL);
	if (intr == 4)
		sigaction(SIGTSTP, &sa, NULL);
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

/*
 * -u -E -D -b -I -P once every option is known: checks, as strace makes
 * them, and what they give the tracer.  Returns 0 or an exit code.
 */
static int
setup_launch(struct trace_cli *cli, bool have_cmd)
{
	size_t i;
	int r;

	if (cli->dcount && cli->dlong)
		return zd_usage_error(cli->cmd, "-D and --daemonize cannot be given together");
	if (cli->dcount > 3)
		return zd_usage_error(cli->cmd, "too many -D's (%d): at most 3 (-DDD)", cli->dcount);
	cli->o.daemonize = cli->dlong ? cli->dlong : (enum zd_daemonize)cli->dcount;
	if (cli->o.daemonize && !have_cmd)
		return zd_usage_error(cli->cmd, "-D/--daemonize needs a command to run");
	if (!cli->intr)
		cli->intr = cli->o.daemonize ? 4 : 2;
	if (cli->username) {
		if (getuid() != 0 || geteuid() != 0)
			return zd_error("-u/--user needs root");
		r = zd_launch_user_lookup(cli->username, &cli->user);
		if (r == -ENOENT)
			return zd_error("cannot find user '%s'", cli->username);
		if (r < 0)
			return zd_error_errno(r, "cannot look up user '%s'", cli->username);
		cli->o.user = &cli->user;
	}
	if (cli->nenv) {
		cli->envp = zd_launch_env(environ, cli->env_changes, cli->nenv);
		cli->o.envp = cli->envp;
	}
	if (cli->o.detach_on_execve && cli->seccomp_asked)
		zd_warn("--seccomp-bpf is not enabled because it is not compatible with -b");
	for (i = 0; i < cli->npargs; i++) {
		const char *resolved;

		zd_pathset_add(&cli->paths, cli->pargs[i], &resolved);
		if (resolved && !(cli->fmt.quiet & ZD_QUIET_PATH)) {
			/* As strace says it (-e quiet=path-resolution: not). */
			struct zd_sb a = ZD_SB_INIT, b = ZD_SB_INIT;

			zd_esc_cs(&a, cli->pargs[i], ZD_ESC_QUOTE);
			zd_esc_cs(&b, resolved, ZD_ESC_QUOTE);
			fprintf(stderr, "zdiag: requested path \"%s\" resolved into \"%s\"\n", a.buf, b.buf);
			zd_sb_release(&a);
			zd_sb_release(&b);
		}
	}
	if (cli->paths.n) {
		cli->o.paths = &cli->paths;
		zd_pathtrace_limit(&cli->o.show);   /* the others never show */
	}
	return 0;
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
	zd_tamper_init(&cli.tamper);
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
	if ((r = zd_trace_styles_finish(&cli)))
		goto out_rc;
	if (cli.tcount && !cli.ts_given) {
		/* -t: time of day; -tt: with microseconds; -ttt: epoch too */
		cli.fmt.tsfmt = cli.tcount >= 3 ? ZD_TSF_UNIX : ZD_TSF_TIME;
		cli.fmt.tsprec = cli.tcount >= 2 ? 6 : 0;
	}
	if (!cli.trace_given)
		zd_scset_fill(&cli.o.show);
	if (!zd_tamper_empty(&cli.tamper)) {
		cli.o.tamper = &cli.tamper;
		/* signal= goes with the restart from the syscall-entry stop, as in
		 * strace (a blocking call is interrupted); a seccomp stop cannot
		 * pass a signal on. */
		if (cli.tamper.any_signal)
			cli.o.seccomp = false;
	}
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
	if ((r = setup_launch(&cli, cargv != NULL)))
		goto out_rc;
	if (cli.debug)
		ops.debug = cb_debug;

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
	install_handlers(cli.intr);

	/* -D: attached from the tracer, once it is the grandchild. */
	if (cli.npids && !cli.o.daemonize && (r = attach_all(&cli)))
		goto out_tracer;
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
			goto out_tracer;
		}
		if (!(cli.fmt.quiet & ZD_QUIET_ATTACH) && zd_tracer_seccomp_note(cli.tracer))
			zd_warn("%s; every syscall stops the tracee", zd_tracer_seccomp_note(cli.tracer));
	}
	if (cli.npids && cli.o.daemonize && (r = attach_all(&cli)))
		goto out_tracer;
	/* Only now: with -D, the command (this process before the launch)
	 * would keep the timer across its exec. */
	if (!cli.eager)
		start_tick_timer();

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
	zd_tamper_release(&cli.tamper);
	ff_release(&cli);
	zd_launch_user_release(&cli.user);
	free(cli.env_changes);
	free(cli.envp);
	zd_pathset_release(&cli.paths);
	free(cli.pargs);
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
		"[-fcCkrTyzZvq] [-t[t[t]]] [-e EXPR]... [-s N] [-o FILE] [--json] [--lifecycle [--late MS]] [--no-seccomp] [--ptrace=MODE] [--color[=WHEN]] [-d] [-D[D[D]]] [-u USERNAME] [-E VAR[=VAL]]... [-b execve] [-I N] [-P PATH]... CMD [ARG...]\n"
		"[-fcCkrTyzZvq] [-t[t[t]]] [-e EXPR]... [-s N] [-o FILE] [--json] [--lifecycle [--late MS]] [--ptrace=MODE] [--color[=WHEN]] [-d] [-b execve] [-I N] [-P PATH]... -p PID[,PID...]",
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
	.opts = zd_trace_opts,
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
