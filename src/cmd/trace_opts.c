/* zdiag trace's options: one row per option and its handler (zd_opt_parse), the -e qualifiers. */
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
	return zd_trace_parse_expr(ctx, arg);
}

/* --trace=SET, --signal=SET, ...: the qualifier of the option's name */
static int
opt_qual(void *ctx, const char *arg, const struct zd_opt *o)
{
	return zd_trace_qualifier(ctx, o->lname, arg);
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

/* --decode-fds alone: paths, as strace */
static int
opt_decode_fds(void *ctx, const char *arg, const struct zd_opt *o)
{
	return zd_trace_qualifier(ctx, "decode-fds", arg ? arg : "path");
}

/* -y: paths, -yy: everything */
static int
opt_y(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (cli->decfd_given)
		return zd_usage_error(cli->cmd, "-y and --decode-fds cannot be given together");
	cli->ycount++;
	cli->o.dec.decode_fds = cli->ycount > 1 ? ZD_DECFD_ALL : ZD_DECFD_PATH;
	return 0;
}

/* --pidns-translation: --decode-pids=pidns */
static int
opt_pidns(void *ctx, const char *arg, const struct zd_opt *o)
{
	return zd_trace_qualifier(ctx, "decode-pids", "pidns");
}

/* -Y: --decode-pids=comm */
static int
opt_decode_comm(void *ctx, const char *arg, const struct zd_opt *o)
{
	return zd_trace_qualifier(ctx, "decode-pids", "comm");
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

/* -x, -xx */
static int
opt_hex(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->xcount++;
	return 0;
}

/* --strings-in-hex[=none|non-ascii-chars|non-ascii|all] (alone: all) */
static int
opt_strings_in_hex(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	cli->xlong = true;
	if (zd_xstr_parse(arg ? arg : "all", &cli->o.dec.xstr) < 0)
		return zd_usage_error(cli->cmd, "invalid --strings-in-hex '%s' (none, non-ascii-chars, non-ascii, all)",
				      arg);
	return 0;
}

static int
opt_const_style(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (zd_xlat_style_parse(arg, &cli->o.dec.xlat_style) < 0)
		return zd_usage_error(cli->cmd, "invalid -X '%s' (raw, abbrev, verbose)", arg);
	return 0;
}

/* After parsing: -x and --strings-in-hex, the style of event lines. */
int
zd_trace_styles_finish(struct trace_cli *cli)
{
	if (cli->xcount && cli->xlong)
		return zd_usage_error(cli->cmd, "-x and --strings-in-hex cannot be given together");
	if (cli->xcount)
		cli->o.dec.xstr = cli->xcount > 1 ? ZD_XSTR_ALL : ZD_XSTR_NON_ASCII;
	zd_xlat_set_style(cli->o.dec.xlat_style);   /* --- SIGCHLD {...} --- lines */
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
		return zd_trace_qualifier(cli, "quiet", arg);
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
	struct trace_cli *cli = ctx;

	cli->o.seccomp = cli->seccomp_asked = !strcmp(o->lname, "seccomp-bpf");
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

static int
opt_user(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->username = arg;
	return 0;
}

static int
opt_env(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	ZD_GROW(cli->env_changes, cli->aenv, cli->nenv + 1);
	cli->env_changes[cli->nenv++] = (char *)arg;
	return 0;
}

static int
opt_daemonize_short(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->dcount++;
	return 0;
}

static int
opt_daemonize(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (!arg) {
		cli->dlong = ZD_DAEMONIZE_GRANDCHILD;
		return 0;
	}
	if (zd_daemonize_parse(arg, &cli->dlong) < 0)
		return zd_usage_error(cli->cmd, "invalid --daemonize '%s' (grandchild, pgroup, session)", arg);
	return 0;
}

static int
opt_detach_on(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	if (strcmp(arg, "execve"))
		return zd_usage_error(cli->cmd, "syscall '%s' for -b is not supported (only execve)", arg);
	cli->o.detach_on_execve = true;
	return 0;
}

/* -I: strace's numbers and names. */
static int
opt_interruptible(void *ctx, const char *arg, const struct zd_opt *o)
{
	static const char *const names[] = { "anywhere", "waiting", "never", "never_tstp" };
	struct trace_cli *cli = ctx;
	long long v;
	size_t i;

	if (!strcmp(arg, "always"))
		arg = "anywhere";
	for (i = 0; i < ZD_ARRAY_SIZE(names); i++)
		if (!strcmp(arg, names[i])) {
			cli->intr = (int)i + 1;
			return 0;
		}
	if (zd_parse_ll(arg, 1, 4, &v) < 0)
		return zd_usage_error(cli->cmd,
				      "invalid -I '%s' (1 anywhere, 2 waiting, 3 never, 4 never_tstp)", arg);
	cli->intr = (int)v;
	return 0;
}

static int
opt_debug(void *ctx, const char *arg, const struct zd_opt *o)
{
	((struct trace_cli *)ctx)->debug = true;
	return 0;
}

static int
opt_trace_path(void *ctx, const char *arg, const struct zd_opt *o)
{
	struct trace_cli *cli = ctx;

	ZD_GROW(cli->pargs, cli->apargs, cli->npargs + 1);
	cli->pargs[cli->npargs++] = arg;
	return 0;
}

/*
 * One row per option: parsing, --help, completion and the man page's
 * synopsis test all read it.  Long names are strace's where strace has
 * the option; rows without a letter are long-only.
 */
const struct zd_opt zd_trace_opts[] = {
	{ 0, 'f', "follow-forks", ZD_ARG_NONE, NULL, "follow forks, vforks and clones (threads and child processes); -ff with -o FILE: see --output-separately", NULL, opt_follow },
	{ 0, 0, "output-separately", ZD_ARG_NONE, NULL, "with -o FILE: write each thread's trace to FILE.TID (like -ff)", NULL, opt_separately },
	{ 0, 'p', "attach", ZD_ARG_REQ, "PID", "attach to PID (and all its threads); repeat or list: -p 12,34", "@pid", opt_attach },
	{ 0, 'o', "output", ZD_ARG_REQ, "FILE", "write the trace to FILE instead of stderr", "@file", opt_output },
	{ 0, 'e', "expr", ZD_ARG_REQ, "EXPR", "QUALIFIER=SET: trace= (names, !neg, %file %process %network ...), signal=, status=, quiet=, abbrev=, verbose=, raw=, read=, write=, inject=, fault=, decode-fds=, decode-pids=", "trace= signal= status= quiet= abbrev= verbose= raw= read= write= inject= fault= decode-fds= decode-pids= trace=%file trace=%process trace=%network trace=%signal trace=%memory trace=%desc", opt_expr },
	{ 0, 0, "trace", ZD_ARG_REQ, "SET", "same as -e trace=SET", NULL, opt_qual },
	{ 0, 0, "signal", ZD_ARG_REQ, "SET", "same as -e signal=SET", NULL, opt_qual },
	{ 0, 0, "status", ZD_ARG_REQ, "SET", "same as -e status=SET", "all successful failed", opt_qual },
	{ 0, 0, "quiet", ZD_ARG_OPT, "SET", "same as -e quiet=SET (attach, exit, path-resolution, personality, thread-execve); alone: -q", "attach exit path-resolution personality thread-execve all none", opt_quiet },
	{ 0, 0, "inject", ZD_ARG_REQ, "SPEC", "same as -e inject=SET:error=E|retval=V[:signal=S][:syscall=S][:delay_enter=D][:delay_exit=D][:poke_enter=@argN=HEX][:poke_exit=...][:when=F..L+S]", NULL, opt_qual },
	{ 0, 0, "fault", ZD_ARG_REQ, "SPEC", "same as -e fault=SET[:error=ERRNO][:when=EXPR] (default error ENOSYS)", NULL, opt_qual },
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
	{ 0, 'y', NULL, ZD_ARG_NONE, NULL, "show the paths of fds: 3</etc/hostname>, AT_FDCWD</cwd>; -yy: all that --decode-fds knows", NULL, opt_y },
	{ 0, 0, "decode-fds", ZD_ARG_OPT, "SET", "what to show after fds: path socket (3<TCP:[127.0.0.1:80->127.0.0.1:4567]>) dev (</dev/null<char 1:3>>) pidfd (<pid:42>), all, none; alone: path", "path socket dev pidfd all none", opt_decode_fds },
	{ 0, 'Y', NULL, ZD_ARG_NONE, NULL, "show command names of pids: kill(1234<sleep>, SIGTERM) (--decode-pids=comm)", NULL, opt_decode_comm },
	{ 0, 0, "decode-pids", ZD_ARG_REQ, "SET", "comm (names of pids), pidns, all, none", "comm pidns all none", opt_qual },
	{ 0, 0, "pidns-translation", ZD_ARG_NONE, NULL, "--decode-pids=pidns: pids of other PID namespaces also as zdiag sees them", NULL, opt_pidns },
	{ 0, 'z', "successful-only", ZD_ARG_NONE, NULL, "show only calls that succeeded", NULL, opt_successful },
	{ 0, 'Z', "failed-only", ZD_ARG_NONE, NULL, "show only calls that failed", NULL, opt_failed },
	{ 0, 'v', "no-abbrev", ZD_ARG_NONE, NULL, "print structures in full (stat, uname, directory entries, environment)", NULL, opt_no_abbrev },
	{ 0, 'q', NULL, ZD_ARG_NONE, NULL, "no attach, detach and seccomp notes (-qq: no \"+++ exited\" lines either; -qqq: no notes at all)", NULL, opt_quiet },
	{ 0, 'x', NULL, ZD_ARG_NONE, NULL, "print strings with non-ASCII bytes in hex: \"\\x7f\\x45...\" (-xx: all strings)", NULL, opt_hex },
	{ 0, 0, "strings-in-hex", ZD_ARG_OPT, "WHICH", "hex escapes: none (octal: the default), non-ascii-chars (\\x7f, not \\177), non-ascii (-x), all (-xx; also when WHICH is left out)", "none non-ascii-chars non-ascii all", opt_strings_in_hex },
	{ 0, 'X', "const-print-style", ZD_ARG_REQ, "STYLE", "constants and flags: abbrev (O_RDONLY|O_CLOEXEC, the default), raw (0x80000), verbose (0x80000 /* O_RDONLY|O_CLOEXEC */)", "raw abbrev verbose", opt_const_style },
	{ 0, 0, "abbrev", ZD_ARG_REQ, "SET", "same as -e abbrev=SET: structures of these syscalls abbreviated (none: -v)", NULL, opt_qual },
	{ 0, 0, "verbose", ZD_ARG_REQ, "SET", "same as -e verbose=SET: structures of the others printed as addresses", NULL, opt_qual },
	{ 0, 0, "raw", ZD_ARG_REQ, "SET", "same as -e raw=SET: arguments and return value of these syscalls in hex, undecoded", NULL, opt_qual },
	{ 0, 0, "read", ZD_ARG_REQ, "FDS", "same as -e read=FDS: hex and ASCII dump of all data read from these descriptors", NULL, opt_qual },
	{ 0, 0, "write", ZD_ARG_REQ, "FDS", "same as -e write=FDS: hex and ASCII dump of all data written to these descriptors", NULL, opt_qual },
	{ 0, 0, "json", ZD_ARG_NONE, NULL, "JSON Lines: one object per event (schema: docs/trace-json.md)", NULL, opt_json },
	{ 0, 0, "lifecycle", ZD_ARG_NONE, NULL, "follow forks and report every process's life: parent, exec, exit, reaper, zombie time", NULL, opt_lifecycle },
	{ 0, 0, "late", ZD_ARG_REQ, "MS", "with --lifecycle: a zombie reaped after MS milliseconds is late (default 1000)", NULL, opt_late },
	{ 0, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never; NO_COLOR disables auto", "auto always never", opt_color },
	{ 0, 0, "no-seccomp", ZD_ARG_NONE, NULL, "never use a seccomp filter (every syscall stops the tracee)", NULL, opt_seccomp },
	{ 0, 0, "seccomp-bpf", ZD_ARG_NONE, NULL, "use a seccomp filter when possible (the default; accepted for strace users)", NULL, opt_seccomp },
	{ 0, 0, "ptrace", ZD_ARG_REQ, "MODE", "auto (default: seize, classic where the kernel has no PTRACE_SEIZE), seize, classic (TRACEME/ATTACH, GETREGS, PEEKDATA)", "auto seize classic", opt_ptrace },
	{ 0, 'u', "user", ZD_ARG_REQ, "USERNAME", "run the command with the user ID, group ID and supplementary groups of USERNAME (root only)", NULL, opt_user },
	{ 0, 'E', "env", ZD_ARG_REQ, "VAR[=VAL]", "run the command with VAR=VAL in its environment, or without VAR; repeatable", NULL, opt_env },
	{ 0, 'D', NULL, ZD_ARG_NONE, NULL, "run the tracer as the command's grandchild (-DD: in its own process group, -DDD: session)", NULL, opt_daemonize_short },
	{ 0, 0, "daemonize", ZD_ARG_OPT, "MODE", "same as -D (grandchild, the default), -DD (pgroup) or -DDD (session)", "grandchild pgroup session", opt_daemonize },
	{ 0, 'b', "detach-on", ZD_ARG_REQ, "SYSCALL", "detach from a tracee when it calls SYSCALL (only execve; not the command's own first exec)", "execve", opt_detach_on },
	{ 0, 'I', "interruptible", ZD_ARG_REQ, "N", "when signals interrupt zdiag: 1 anywhere, 2 waiting (default), 3 never (default with -o FILE CMD), 4 never_tstp (also ignore ^Z; default with -D)", "anywhere waiting never never_tstp", opt_interruptible },
	{ 0, 'd', "debug", ZD_ARG_NONE, NULL, "print the tracer's ptrace requests and wait statuses on stderr", NULL, opt_debug },
	{ 0, 'P', "trace-path", ZD_ARG_REQ, "PATH", "trace only syscalls accessing PATH (a path argument or a descriptor to it); repeatable", "@file", opt_trace_path },
	{ 0 },
};
