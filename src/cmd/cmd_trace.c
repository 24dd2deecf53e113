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
#include "zdiag/tout.h"
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

static void
flush_out(struct trace_cli *cli)
{
	if (!cli->write_failed && zd_tout_write(cli->outfd, &cli->fmt.out))
		cli->write_failed = true;
	zd_sb_reset(&cli->fmt.out);
	if (cli->ff)
		zd_tout_ff_flush(&cli->ffs);
	cli->pending_since.tv_sec = 0;
}

#define FLUSH_BYTES (64 * 1024)   /* the one stream: written at this size */
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
		zd_tout_ff_take(&cli->ffs, ev->tcb->tid, &cli->fmt.out);
		if (gone)
			zd_tout_ff_close(&cli->ffs, ev->tcb->tid);
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

	if (cli->quiet_notes)
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

	if (!cli->fmt.out.len && !cli->ffs.pending)
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
	}
	tick = 0;
}


/* ---------------------------------------------------------------- */
/* Launching                                                         */

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
	if (cli->qcount && cli->quiet_set)
		return zd_usage_error(cli->cmd, "-q and -e quiet/--quiet cannot be given together");
	/* -o FILE CMD: nobody watches a terminal, so Ctrl-C and the like go to
	 * the command and the tracer stays to record them; and -q (strace). */
	if (!cli->intr && cli->o.daemonize)
		cli->intr = 4;
	cli->quiet_notes = cli->fmt.quiet & ZD_QUIET_ATTACH;
	if (cli->outfile && have_cmd) {
		if (!cli->intr)
			cli->intr = 3;
		if (!cli->qcount && !cli->quiet_set)
			cli->fmt.quiet |= ZD_QUIET_ATTACH | ZD_QUIET_PERSONALITY;
	}
	if (!cli->intr)
		cli->intr = 2;
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
		r = zd_launch_resolve(cargv[0], getenv("PATH"), &path);
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
		char *dir;

		if ((r = zd_tout_ff_check_dir(cli.outfile, &dir))) {
			r = zd_error_errno(-r, "cannot write '%s.TID' files in '%s'", cli.outfile, dir);
			free(dir);
			goto out_rc;
		}
		zd_tout_ff_init(&cli.ffs, cli.outfile, cli.append);
		cli.fmt.separate = true;
	} else if (cli.outfile && (cli.outfile[0] == '|' || cli.outfile[0] == '!')) {
		if ((cli.outfd = zd_tout_pipe(cli.outfile + 1, &cli.pipe_pidfd)) < 0) {
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
		if (!cli.quiet_notes && zd_tracer_seccomp_note(cli.tracer))
			zd_warn("%s; every syscall stops the tracee", zd_tracer_seccomp_note(cli.tracer));
	}
	if (cli.npids && cli.o.daemonize && (r = attach_all(&cli)))
		goto out_tracer;
	/* -o FILE without -f (strace): every line has its pid when more
	 * than one thread is traced from the start (-p PID,PID, a threaded
	 * -p, -p with a command), none otherwise.  (The command, before its
	 * exec, is not counted by the tracer yet.) */
	if (cli.outfile && !cli.ff && !cli.o.follow)
		cli.fmt.pidmode = zd_tracer_count(cli.tracer) + (cargv != NULL) > 1 ? ZD_PID_ALWAYS : ZD_PID_NONE;
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
	if (cargv && !cli.quiet_notes && zd_tracer_seccomp_note(cli.tracer) && zd_tracer_seccomp_active(cli.tracer) == false &&
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
	zd_tout_ff_close_all(&cli.ffs);
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
			zd_tout_ff_release(&cli.ffs);
			if (cli.outfile && !cli.ff)
				close(cli.outfd);
			die_by_signal(sig);
		}
	} else if (first_sig) {
		int sig = first_sig;

		zd_tracer_free(cli.tracer);
		zd_tfmt_release(&cli.fmt);
		free(cli.pids);
		zd_tout_ff_release(&cli.ffs);
		die_by_signal(sig);
	}
	if (cli.write_failed && rc == ZD_EXIT_OK)
		rc = zd_error_errno(EIO, "cannot write the trace%s%s%s", cli.outfile ? " to '" : "",
				    cli.outfile ? cli.outfile : "", cli.outfile ? "'" : "");
	if (cli.ffs.err && rc == ZD_EXIT_OK)
		rc = zd_error_errno(cli.ffs.err, "cannot write the trace to '%s'", cli.ffs.errname);
	r = rc;
out_tracer:
	zd_tracer_free(cli.tracer);
	if (cli.outfile && !cli.ff && cli.outfd >= 0)
		close(cli.outfd);
out_rc:
	zd_tamper_release(&cli.tamper);
	zd_tout_ff_release(&cli.ffs);
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
		"[-ACdfhikqrtTvVwxyYzZ] [-I N] [-b execve] [-e EXPR]... [-a COLUMN] [-o FILE] [-s STRSIZE] [-X STYLE] [-O OVERHEAD] [-S SORTBY] [-U COLUMNS] [-P PATH]... [--json] [--lifecycle [--late MS]] [--no-seccomp] [--ptrace=MODE] [--color[=WHEN]] [-DDD] [-E VAR[=VAL]]... [-u USERNAME] CMD [ARG...]\n"
		"[-ACdfhikqrtTvVwxyYzZ] [-I N] [-b execve] [-e EXPR]... [-a COLUMN] [-o FILE] [-s STRSIZE] [-X STYLE] [-O OVERHEAD] [-S SORTBY] [-U COLUMNS] [-P PATH]... [--json] [--lifecycle [--late MS]] [--ptrace=MODE] [--color[=WHEN]] -p PID[,PID...]",
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
