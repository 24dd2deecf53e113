/* zdiag check: the process-lifecycle conformance suite (front-end). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "zdiag/check.h"
#include "zdiag/cmd.h"
#include "zdiag/err.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

enum {
	OPT_TAP = ZD_OPT_LONG,
	OPT_JSON,
	OPT_TIMEOUT,
	OPT_REPEAT,
	OPT_COLOR,
	OPT_STRICT,
};

static const struct zd_opt check_opts[] = {
	{ 'l', 'l', "list", ZD_ARG_NONE, NULL, "list the probes (name, Linux rule, kernel source) and exit", NULL },
	{ 'k', 'k', "match", ZD_ARG_REQ, "PATTERN",
	  "run only probes whose name matches (substring or glob; !PATTERN excludes; repeatable)",
	  "procfs wait zombies threads orphans ptrace pidns" },
	{ OPT_TAP, 0, "tap", ZD_ARG_NONE, NULL, "print TAP (Test Anything Protocol) version 13", NULL },
	{ OPT_JSON, 0, "json", ZD_ARG_NONE, NULL, "print one JSON document (schema: docs/check.md)", NULL },
	{ OPT_TIMEOUT, 0, "timeout", ZD_ARG_REQ, "SECS", "time limit per probe (default 10; fractions allowed)", NULL },
	{ OPT_REPEAT, 0, "repeat", ZD_ARG_REQ, "N", "run each probe up to N times, stopping at its first failure (races)", NULL },
	{ OPT_STRICT, 0, "strict", ZD_ARG_NONE, NULL, "a skipped probe is not a pass: exit 1 when any probe is skipped", NULL },
	{ 'v', 'v', "verbose", ZD_ARG_NONE, NULL, "also show the rule and the observations of passing probes", NULL },
	{ 'q', 'q', "quiet", ZD_ARG_NONE, NULL, "print nothing; only the exit status", NULL },
	{ OPT_COLOR, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never; NO_COLOR disables auto",
	  "auto always never" },
	{ 0 },
};

enum fmt { FMT_TEXT, FMT_TAP, FMT_JSON };

struct check_cli {
	enum fmt fmt;
	bool list, verbose, quiet, color, strict;
	long long timeout_ms;
	long long repeat;
	const char **pats;
	size_t npats;
};

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_MAGENTA "\033[1;35m"
#define C_DIM "\033[2m"

static const char *
col(const struct check_cli *cli, const char *code)
{
	return cli->color ? code : "";
}

static const char *
status_color(enum zd_check_status s)
{
	switch (s) {
	case ZD_CHECK_PASS: return C_GREEN;
	case ZD_CHECK_FAIL: return C_RED;
	case ZD_CHECK_SKIP: return C_YELLOW;
	default: return C_MAGENTA;
	}
}

/* Probe texts are our own, but may quote what a kernel returned. */
static void
put_esc(struct zd_sb *sb, const char *s)
{
	zd_esc_cs(sb, s ? s : "", 0);
}

static int
flush_sb(struct zd_sb *sb)
{
	int r = 0;

	if (sb->len && (zd_sb_write(sb, stdout) < 0 || fflush(stdout) == EOF))
		r = -(errno ? errno : EIO);
	zd_sb_reset(sb);
	return r;
}

/* ---------------------------------------------------------------- */
/* --list                                                            */

static int
do_list(const struct check_cli *cli, const struct zd_probe **sel, size_t n)
{
	struct zd_sb sb = ZD_SB_INIT;
	size_t i, w = 0;
	int r;

	if (cli->fmt == FMT_JSON) {
		struct zd_json j;

		zd_json_init(&j, &sb, true);
		zd_json_obj_begin(&j);
		zd_json_kint(&j, "version", 1);
		zd_json_key(&j, "probes");
		zd_json_arr_begin(&j);
		for (i = 0; i < n; i++) {
			zd_json_obj_begin(&j);
			zd_json_kstr(&j, "name", sel[i]->name);
			zd_json_kstr(&j, "area", sel[i]->area);
			zd_json_kstr(&j, "rule", sel[i]->rule);
			zd_json_kstr(&j, "source", sel[i]->source);
			zd_json_obj_end(&j);
		}
		zd_json_arr_end(&j);
		zd_json_obj_end(&j);
		zd_sb_addc(&sb, '\n');
	} else {
		for (i = 0; i < n; i++)
			w = ZD_MAX(w, strlen(sel[i]->name));
		for (i = 0; i < n; i++) {
			zd_sb_addf(&sb, "%s%-*s%s  ", col(cli, C_BOLD), (int)w, sel[i]->name, col(cli, C_RESET));
			put_esc(&sb, sel[i]->rule);
			zd_sb_addf(&sb, "  %s[%s]%s\n", col(cli, C_DIM), sel[i]->source, col(cli, C_RESET));
		}
	}
	r = flush_sb(&sb);
	zd_sb_release(&sb);
	if (r < 0)
		return zd_error_errno(r, "cannot write output");
	return ZD_EXIT_OK;
}

/* ---------------------------------------------------------------- */
/* Text and TAP, one probe at a time                                 */

static void
text_field(struct zd_sb *sb, const struct check_cli *cli, const char *label, const char *s)
{
	zd_sb_addf(sb, "         %s%-9s%s ", col(cli, C_DIM), label, col(cli, C_RESET));
	put_esc(sb, s);
	zd_sb_addc(sb, '\n');
}

static void
text_result(struct zd_sb *sb, const struct check_cli *cli, const struct zd_check_result *r, long long runs)
{
	const struct zd_probe *p = r->probe;
	bool detail = r->status == ZD_CHECK_FAIL || r->status == ZD_CHECK_TIMEOUT;
	size_t i;

	zd_sb_addf(sb, "%s%-7s%s  %s", col(cli, status_color(r->status)), zd_check_status_name(r->status),
		   col(cli, C_RESET), p->name);
	if (r->status == ZD_CHECK_SKIP) {
		zd_sb_adds(sb, ": ");
		put_esc(sb, r->reason);
	}
	zd_sb_addc(sb, '\n');
	if (detail || cli->verbose) {
		struct zd_sb rule = ZD_SB_INIT;

		zd_sb_addf(&rule, "%s  [%s]", p->rule, p->source);
		text_field(sb, cli, "rule", rule.buf);
		zd_sb_release(&rule);
	}
	if (detail) {
		text_field(sb, cli, "expected", r->expected);
		text_field(sb, cli, "observed", r->observed);
		if (cli->repeat > 1) {
			char buf[96];

			snprintf(buf, sizeof(buf), "on run %lld of %lld", runs, cli->repeat);
			text_field(sb, cli, "run", buf);
		}
	}
	if (detail || cli->verbose)
		for (i = 0; i < r->n_notes; i++)
			text_field(sb, cli, "note", r->notes[i]);
	if (cli->verbose && r->leftovers) {
		char buf[96];

		snprintf(buf, sizeof(buf), "killed and reaped %zu process%s left behind", r->leftovers,
			 r->leftovers == 1 ? "" : "es");
		text_field(sb, cli, "cleanup", buf);
	}
	if (r->unreaped) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%zu process%s could not be reaped (stuck in the kernel?)", r->unreaped,
			 r->unreaped == 1 ? "" : "es");
		text_field(sb, cli, "warning", buf);
	}
}

static void
yaml_kv(struct zd_sb *sb, const char *key, const char *v)
{
	if (!v)
		return;
	zd_sb_addf(sb, "  %s: \"", key);
	zd_esc_json(sb, v, strlen(v));
	zd_sb_adds(sb, "\"\n");
}

static void
tap_result(struct zd_sb *sb, size_t num, const struct zd_check_result *r, long long runs)
{
	const struct zd_probe *p = r->probe;
	size_t i;

	switch (r->status) {
	case ZD_CHECK_PASS:
		zd_sb_addf(sb, "ok %zu - %s\n", num, p->name);
		return;
	case ZD_CHECK_SKIP:
		zd_sb_addf(sb, "ok %zu - %s # SKIP ", num, p->name);
		put_esc(sb, r->reason);
		zd_sb_addc(sb, '\n');
		return;
	default:
		break;
	}
	zd_sb_addf(sb, "not ok %zu - %s\n  ---\n", num, p->name);
	yaml_kv(sb, "status", zd_check_status_name(r->status));
	yaml_kv(sb, "rule", p->rule);
	yaml_kv(sb, "source", p->source);
	yaml_kv(sb, "expected", r->expected);
	yaml_kv(sb, "observed", r->observed);
	yaml_kv(sb, "step", r->step);
	zd_sb_addf(sb, "  runs: %lld\n", runs);
	if (r->n_notes) {
		zd_sb_adds(sb, "  notes:\n");
		for (i = 0; i < r->n_notes; i++) {
			zd_sb_adds(sb, "    - \"");
			zd_esc_json(sb, r->notes[i], strlen(r->notes[i]));
			zd_sb_adds(sb, "\"\n");
		}
	}
	zd_sb_adds(sb, "  ...\n");
}

static void
json_result(struct zd_json *j, const struct zd_check_result *r, long long runs)
{
	const struct zd_probe *p = r->probe;
	size_t i;

	zd_json_obj_begin(j);
	zd_json_kstr(j, "name", p->name);
	zd_json_kstr(j, "area", p->area);
	zd_json_kstr(j, "rule", p->rule);
	zd_json_kstr(j, "source", p->source);
	zd_json_kstr(j, "status", zd_check_status_name(r->status));
	zd_json_kstr(j, "expected", r->expected);
	zd_json_kstr(j, "observed", r->observed);
	zd_json_kstr(j, "reason", r->reason);
	zd_json_kstr(j, "step", r->step);
	zd_json_key(j, "notes");
	zd_json_arr_begin(j);
	for (i = 0; i < r->n_notes; i++)
		zd_json_str(j, r->notes[i]);
	zd_json_arr_end(j);
	zd_json_kint(j, "runs", runs);
	zd_json_kint(j, "duration_ms", r->elapsed_ms);
	zd_json_kuint(j, "leftovers", r->leftovers);
	zd_json_kuint(j, "unreaped", r->unreaped);
	zd_json_obj_end(j);
}

/* ---------------------------------------------------------------- */
/* Running                                                           */

static volatile sig_atomic_t cancel_sig;

static void
on_cancel(int sig)
{
	cancel_sig = sig;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
fmt_secs(char *buf, size_t size, long long ms)
{
	if (ms % 1000)
		snprintf(buf, size, "%.1f s", (double)ms / 1000.0);
	else
		snprintf(buf, size, "%lld s", ms / 1000);
}

static void
header(struct zd_sb *sb, const struct check_cli *cli, size_t n, const struct utsname *u)
{
	char secs[32];

	fmt_secs(secs, sizeof(secs), cli->timeout_ms);
	if (cli->fmt == FMT_TAP)
		zd_sb_addf(sb, "TAP version 13\n1..%zu\n# ", n);
	zd_sb_addf(sb, "zdiag check %s on ", ZD_VERSION_STRING);
	put_esc(sb, u->sysname);
	zd_sb_addc(sb, ' ');
	put_esc(sb, u->release);
	zd_sb_addc(sb, ' ');
	put_esc(sb, u->machine);
	zd_sb_addf(sb, ", euid %u: %zu probe%s, time limit %s each", (unsigned)geteuid(), n, n == 1 ? "" : "s", secs);
	if (cli->repeat > 1)
		zd_sb_addf(sb, ", up to %lld runs each", cli->repeat);
	zd_sb_addc(sb, '\n');
}

/* The verdict of the run: no failure, no timeout, and with --strict no skip. */
static bool
run_ok(const struct check_cli *cli, const size_t *count)
{
	return !count[ZD_CHECK_FAIL] && !count[ZD_CHECK_TIMEOUT] && !(cli->strict && count[ZD_CHECK_SKIP]);
}

static void
json_doc(struct zd_sb *sb, const struct check_cli *cli, const struct utsname *u, const struct zd_check_runner *r,
	 const struct zd_check_result *res, const long long *runs, size_t n, const size_t *count, long long elapsed)
{
	struct zd_json j;
	size_t i;

	zd_json_init(&j, sb, true);
	zd_json_obj_begin(&j);
	zd_json_kint(&j, "version", 1);
	zd_json_kstr(&j, "zdiag", ZD_VERSION_STRING);
	zd_json_key(&j, "system");
	zd_json_obj_begin(&j);
	zd_json_kstr(&j, "sysname", u->sysname);
	zd_json_kstr(&j, "release", u->release);
	zd_json_kstr(&j, "version", u->version);
	zd_json_kstr(&j, "machine", u->machine);
	zd_json_kuint(&j, "euid", geteuid());
	zd_json_obj_end(&j);
	zd_json_kint(&j, "timeout_ms", cli->timeout_ms);
	zd_json_kint(&j, "repeat", cli->repeat);
	zd_json_kbool(&j, "subreaper", r->subreaper);
	zd_json_kbool(&j, "strict", cli->strict);
	zd_json_kbool(&j, "ok", run_ok(cli, count));
	zd_json_key(&j, "summary");
	zd_json_obj_begin(&j);
	zd_json_kuint(&j, "probes", n);
	zd_json_kuint(&j, "pass", count[ZD_CHECK_PASS]);
	zd_json_kuint(&j, "fail", count[ZD_CHECK_FAIL]);
	zd_json_kuint(&j, "skip", count[ZD_CHECK_SKIP]);
	zd_json_kuint(&j, "timeout", count[ZD_CHECK_TIMEOUT]);
	zd_json_kint(&j, "elapsed_ms", elapsed);
	zd_json_obj_end(&j);
	zd_json_key(&j, "probes");
	zd_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_result(&j, &res[i], runs[i]);
	zd_json_arr_end(&j);
	zd_json_obj_end(&j);
	zd_sb_addc(sb, '\n');
}

/*
 * The last lines: the counts, then, when probes were skipped, that they did
 * not run (so the run says nothing about those rules) and why, one line per
 * distinct reason with the number of probes it skipped.
 */
static void
summary(struct zd_sb *sb, const struct check_cli *cli, const struct zd_check_result *res, size_t n,
	const size_t *count, long long elapsed)
{
	const char *pfx = cli->fmt == FMT_TAP ? "# " : "";
	bool bad = !run_ok(cli, count);
	size_t i, k;

	if (cli->fmt != FMT_TAP)
		zd_sb_addc(sb, '\n');
	zd_sb_addf(sb, "%s%s%zu probe%s: %zu passed, %zu failed, %zu skipped, %zu timed out%s (%.1f s)\n", pfx,
		   col(cli, bad ? C_RED : count[ZD_CHECK_SKIP] ? C_YELLOW : C_GREEN), n, n == 1 ? "" : "s",
		   count[ZD_CHECK_PASS], count[ZD_CHECK_FAIL], count[ZD_CHECK_SKIP], count[ZD_CHECK_TIMEOUT],
		   col(cli, C_RESET), (double)elapsed / 1000.0);
	if (!count[ZD_CHECK_SKIP])
		return;
	zd_sb_addf(sb, "%s%zu skipped, so %s rule%s not tested here (%s):\n", pfx, count[ZD_CHECK_SKIP],
		   count[ZD_CHECK_SKIP] == 1 ? "its" : "their", count[ZD_CHECK_SKIP] == 1 ? " was" : "s were",
		   cli->strict ? "--strict: exit 1" : "--strict would exit 1");
	for (i = 0; i < n; i++) {
		size_t same = 0;

		if (res[i].status != ZD_CHECK_SKIP)
			continue;
		for (k = 0; k < i; k++)
			if (res[k].status == ZD_CHECK_SKIP && !strcmp(res[k].reason, res[i].reason))
				break;
		if (k < i)
			continue; /* counted with its first occurrence */
		for (k = i; k < n; k++)
			same += res[k].status == ZD_CHECK_SKIP && !strcmp(res[k].reason, res[i].reason);
		zd_sb_addf(sb, "%s%5zu  ", pfx, same);
		put_esc(sb, res[i].reason);
		zd_sb_addc(sb, '\n');
	}
}

static const int cancel_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_sigs[ZD_ARRAY_SIZE(cancel_sigs)];

/* SIGINT, SIGTERM and SIGHUP stop the suite cleanly (the runner kills the
 * probe under way), unless they were ignored when zdiag started (a
 * background job of a non-interactive shell). */
static void
catch_cancel(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_cancel;
	for (i = 0; i < ZD_ARRAY_SIZE(cancel_sigs); i++) {
		sigaction(cancel_sigs[i], NULL, &saved_sigs[i]);
		if (saved_sigs[i].sa_handler != SIG_IGN)
			sigaction(cancel_sigs[i], &sa, NULL);
	}
}

static void
restore_cancel(void)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(cancel_sigs); i++)
		sigaction(cancel_sigs[i], &saved_sigs[i], NULL);
}

static int
do_run(const struct check_cli *cli, const struct zd_probe **sel, size_t n)
{
	struct zd_check_opts o = { .timeout_ms = cli->timeout_ms, .cancel = &cancel_sig };
	struct zd_check_result *res = zd_xcalloc(n ? n : 1, sizeof(*res));
	long long *runs = zd_xcalloc(n ? n : 1, sizeof(*runs));
	size_t count[ZD_CHECK__COUNT] = { 0 }, i, done = 0;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_check_runner r;
	struct utsname u;
	long long start = now_ms();
	int werr = 0, rerr = 0, ret;
	bool out = !cli->quiet && cli->fmt != FMT_JSON;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	/* Output errors (EPIPE) are noticed between probes, never by dying
	 * mid-probe: the runner must clean up first. */
	signal(SIGPIPE, SIG_IGN);
	catch_cancel();
	zd_check_runner_init(&r, &o);
	if (out) {
		header(&sb, cli, n, &u);
		werr = flush_sb(&sb);
	}
	if (!r.subreaper && !cli->quiet)
		zd_warn("cannot become a child subreaper (prctl: %s): orphans of a failed probe may escape to init",
			strerror(-r.subreaper_err));
	for (i = 0; i < n && !werr; i++) {
		/* Up to --repeat runs; the first that does not pass is kept. */
		for (;;) {
			rerr = zd_check_runner_run(&r, sel[i], &res[i]);
			if (rerr < 0)
				break;
			runs[i]++;
			if (res[i].status != ZD_CHECK_PASS || runs[i] >= cli->repeat)
				break;
			zd_check_result_release(&res[i]);
		}
		if (rerr < 0)
			break;
		done++;
		count[res[i].status]++;
		if (!out)
			continue;
		if (cli->fmt == FMT_TAP)
			tap_result(&sb, i + 1, &res[i], runs[i]);
		else
			text_result(&sb, cli, &res[i], runs[i]);
		werr = flush_sb(&sb);
	}
	zd_check_runner_release(&r);
	restore_cancel();

	if (rerr == -EINTR) {
		int sig = cancel_sig;

		if (out && cli->fmt == FMT_TAP)
			zd_sb_addf(&sb, "Bail out! interrupted by %s\n", strsignal(sig));
		flush_sb(&sb);
		for (i = 0; i < done; i++)
			zd_check_result_release(&res[i]);
		free(res);
		free(runs);
		zd_sb_release(&sb);
		signal(SIGPIPE, SIG_DFL);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	if (rerr < 0) {
		for (i = 0; i < done; i++)
			zd_check_result_release(&res[i]);
		free(res);
		free(runs);
		zd_sb_release(&sb);
		return zd_error_errno(rerr, "cannot run probe '%s'", sel[done]->name);
	}
	if (!werr && !cli->quiet) {
		if (cli->fmt == FMT_JSON)
			json_doc(&sb, cli, &u, &r, res, runs, n, count, now_ms() - start);
		else
			summary(&sb, cli, res, n, count, now_ms() - start);
		werr = flush_sb(&sb);
	}
	for (i = 0; i < done; i++)
		zd_check_result_release(&res[i]);
	free(res);
	free(runs);
	zd_sb_release(&sb);
	signal(SIGPIPE, SIG_DFL);
	if (werr == -EPIPE) {
		raise(SIGPIPE);
		return ZD_EXIT_ERROR;
	}
	if (werr)
		return zd_error_errno(werr, "cannot write output");
	ret = run_ok(cli, count) ? ZD_EXIT_OK : ZD_EXIT_FOUND;
	return ret;
}

static int
cmd_check_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	struct check_cli cli = { .timeout_ms = ZD_CHECK_DEFAULT_TIMEOUT_MS, .repeat = 1 };
	enum zd_color cmode = ZD_COLOR_AUTO;
	const struct zd_probe *all, **sel;
	size_t nall, nsel = 0, i, alloc = 0;
	bool tap = false, json = false;
	struct zd_optparse p;
	int id, r;

	zd_opt_init(&p, cmd, argc, argv);
	while ((id = zd_opt_next(&p)) != ZD_OPT_END) {
		switch (id) {
		case 'l':
			cli.list = true;
			break;
		case 'k':
			if (!*p.arg || !strcmp(p.arg, "!")) {
				zd_opt_release(&p);
				free(cli.pats);
				return zd_usage_error(cmd->name, "empty -k pattern");
			}
			ZD_GROW(cli.pats, alloc, cli.npats + 1);
			cli.pats[cli.npats++] = p.arg;
			break;
		case OPT_TAP:
			tap = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_TIMEOUT: {
			char *end;
			double d = strtod(p.arg, &end);

			if (end == p.arg || (*end && strcmp(end, "s")) || !(d >= 0.1 && d <= 3600)) {
				zd_opt_release(&p);
				free(cli.pats);
				return zd_usage_error(cmd->name, "invalid --timeout '%s' (seconds, 0.1-3600)", p.arg);
			}
			cli.timeout_ms = (long long)(d * 1000.0 + 0.5);
			break;
		}
		case OPT_REPEAT: {
			long long v;

			if (zd_parse_ll(p.arg, 1, 1000000, &v) < 0) {
				zd_opt_release(&p);
				free(cli.pats);
				return zd_usage_error(cmd->name, "invalid --repeat '%s' (1-1000000)", p.arg);
			}
			cli.repeat = v;
			break;
		}
		case OPT_STRICT:
			cli.strict = true;
			break;
		case 'v':
			cli.verbose = true;
			break;
		case 'q':
			cli.quiet = true;
			break;
		case OPT_COLOR:
			if (zd_color_parse(p.arg, &cmode) < 0) {
				zd_opt_release(&p);
				free(cli.pats);
				return zd_usage_error(cmd->name, "invalid --color '%s' (auto, always, never)", p.arg);
			}
			break;
		default:
			free(cli.pats);
			return zd_opt_default(&p, id);
		}
	}
	if (p.ind < argc) {
		free(cli.pats);
		return zd_usage_error(cmd->name, "unexpected argument '%s'", argv[p.ind]);
	}
	if (tap && json) {
		free(cli.pats);
		return zd_usage_error(cmd->name, "--tap and --json cannot be combined");
	}
	if (cli.list && tap) {
		free(cli.pats);
		return zd_usage_error(cmd->name, "--list prints text or --json, not --tap");
	}
	cli.fmt = json ? FMT_JSON : tap ? FMT_TAP : FMT_TEXT;
	cli.color = cli.fmt == FMT_TEXT && zd_color_use(cmode, 1);

	all = zd_check_probes(&nall);
	sel = zd_xcalloc(nall ? nall : 1, sizeof(*sel));
	for (i = 0; i < nall; i++)
		if (zd_check_match(&all[i], cli.pats, cli.npats))
			sel[nsel++] = &all[i];
	if (!nsel) {
		struct zd_sb pats = ZD_SB_INIT;

		for (i = 0; i < cli.npats; i++) {
			zd_sb_addf(&pats, "%s'", i ? ", " : "");
			zd_esc_cs(&pats, cli.pats[i], ZD_ESC_QUOTE);
			zd_sb_addc(&pats, '\'');
		}
		r = zd_usage_error(cmd->name, "no probe name matches %s", pats.buf);
		zd_sb_release(&pats);
	} else if (cli.list) {
		r = cli.quiet ? ZD_EXIT_OK : do_list(&cli, sel, nsel);
	} else {
		r = do_run(&cli, sel, nsel);
	}
	free(sel);
	free(cli.pats);
	return r;
}

const struct zd_cmd zd_cmd_check = {
	.name = "check",
	.fn = cmd_check_fn,
	.summary = "process-lifecycle conformance suite for Linux-compatible kernels",
	.synopsis = "[-k PATTERN]... [--tap | --json] [--timeout SECS] [--repeat N] [--strict] [-v | -q] [--color[=WHEN]]\n"
		    "--list [-k PATTERN]... [--json]",
	.description =
		"Probe the process-lifecycle ABI of the running kernel: /proc entries of\n"
		"children, zombies and threads; wait statuses, WNOHANG, WNOWAIT, rusage and\n"
		"SIGCHLD; zombies and SIGCHLD dispositions; thread-group exit and exec;\n"
		"child subreapers; ptrace (TRACEME, ATTACH/DETACH, syscall stops, registers,\n"
		"memory, single-step, fork events); PID namespaces.  Each probe runs in its\n"
		"own process with a time limit and prints PASS, FAIL, SKIP or TIMEOUT; a\n"
		"failure shows the Linux rule, what Linux does and what this kernel did.\n"
		"A SKIP (the probe needs what this system lacks: root, ptrace, PID\n"
		"namespaces) is not a pass: the summary counts the skips and gives their\n"
		"reasons, and --strict makes them fail the run.\n"
		"On Linux every probe passes.  'make static' builds a self-contained\n"
		"./zdiag-static to copy into another kernel's disk image (docs/check.md).",
	.opts = check_opts,
	.exit_status =
		"  0  no selected probe failed or timed out (some may have been skipped:\n"
		"     see the summary; with --strict, every probe passed)\n"
		"  1  a probe failed or timed out, or with --strict was skipped\n"
		"  2  usage error, or the suite could not run (cannot fork, cannot write)",
};
