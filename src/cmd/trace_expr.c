/* zdiag trace's -e qualifiers: trace=, signal=, status=, quiet=, inject= ... (strace's names and aliases). */
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

/* -e abbrev=SET, -e verbose=SET, -e raw=SET: the syscall set of one style */
static int
q_scstyle(struct trace_cli *cli, const char *set, const char *name, struct zd_scset *dst, bool complement)
{
	char err[160];
	size_t i;

	if (zd_scset_parse(dst, set, err, sizeof(err)) < 0)
		return zd_usage_error(cli->cmd, "invalid -e %s=%s: %s", name, set, err);
	if (complement) {
		for (i = 0; i < ZD_ARRAY_SIZE(dst->bits); i++)
			dst->bits[i] = ~dst->bits[i];
		dst->others = !dst->others;
	}
	return 0;
}

static int
q_abbrev(struct trace_cli *cli, const char *set)
{
	cli->o.dec.verbose = false;   /* -v is abbrev=none: the last one counts */
	return q_scstyle(cli, set, "abbrev", &cli->o.dec.noabbrev, true);
}

static int
q_verbose(struct trace_cli *cli, const char *set)
{
	return q_scstyle(cli, set, "verbose", &cli->o.dec.noverbose, true);
}

static int
q_raw(struct trace_cli *cli, const char *set)
{
	return q_scstyle(cli, set, "raw", &cli->o.dec.raw, false);
}

/* -e read=FDS, -e write=FDS */
static int
q_dump(struct trace_cli *cli, const char *set, const char *name, struct zd_fdset *dst, struct zd_fdset **opt)
{
	char err[160];

	if (zd_fdset_parse(dst, set, err, sizeof(err)) < 0)
		return zd_usage_error(cli->cmd, "invalid -e %s=%s: %s", name, set, err);
	*opt = dst;
	return 0;
}

static int
q_read(struct trace_cli *cli, const char *set)
{
	return q_dump(cli, set, "read", &cli->dump_rd, &cli->o.dec.dump_read);
}

static int
q_write(struct trace_cli *cli, const char *set)
{
	return q_dump(cli, set, "write", &cli->dump_wr, &cli->o.dec.dump_write);
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
	cli->quiet_set = true;
	return parse_flag_set(cli, "quiet", quiet_names, ZD_QUIET_ALL, set, &cli->fmt.quiet);
}

/* -e inject=SPEC, -e fault=SPEC: rules for include/zdiag/tamper.h */
static int
tamper_rule(struct trace_cli *cli, const char *spec, bool fault)
{
	char msg[200];

	if (zd_tamper_parse(&cli->tamper, spec, fault, msg, sizeof(msg)) < 0)
		return zd_usage_error(cli->cmd, "invalid -e %s=%s: %s", fault ? "fault" : "inject", spec, msg);
	if (msg[0])
		zd_warn("%s", msg);
	return 0;
}

static int
q_inject(struct trace_cli *cli, const char *spec)
{
	return tamper_rule(cli, spec, false);
}

static int
q_fault(struct trace_cli *cli, const char *spec)
{
	return tamper_rule(cli, spec, true);
}

/* -e decode-fds=SET, --decode-fds[=SET] (strace refuses it with -y) */
static int
q_decode_fds(struct trace_cli *cli, const char *set)
{
	unsigned v;

	if (cli->ycount)
		return zd_usage_error(cli->cmd, "-y and --decode-fds cannot be given together");
	if (zd_dec_parse_fds(set, &v) < 0)
		return zd_usage_error(cli->cmd, "invalid decode-fds '%s' (path, socket, dev, pidfd, all, none)", set);
	cli->o.dec.decode_fds = (uint8_t)v;
	cli->decfd_given = true;
	return 0;
}

/* -e decode-pids=SET, --decode-pids=SET */
static int
q_decode_pids(struct trace_cli *cli, const char *set)
{
	unsigned v;

	if (zd_dec_parse_pids(set, &v) < 0)
		return zd_usage_error(cli->cmd, "invalid decode-pids '%s' (comm, pidns, all, none)", set);
	cli->o.dec.decode_pids = (uint8_t)v;
	cli->fmt.decode_pids = v;
	return 0;
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
	{ "abbrev", "a", q_abbrev },
	{ "verbose", "v", q_verbose },
	{ "raw", "x", q_raw },
	{ "read", "reads r", q_read },
	{ "write", "writes w", q_write },
	{ "signal", "signals s", q_signal },
	{ "status", NULL, q_status },
	{ "quiet", "silent silence q", q_quiet },
	{ "inject", NULL, q_inject },
	{ "fault", NULL, q_fault },
	{ "decode-fds", NULL, q_decode_fds },
	{ "decode-pids", NULL, q_decode_pids },
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
int
zd_trace_parse_expr(struct trace_cli *cli, const char *expr)
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

int
zd_trace_qualifier(struct trace_cli *cli, const char *name, const char *value)
{
	const struct trace_qual *q = find_qual(name, strlen(name));

	if (!q)
		zd_bug("no -e qualifier '%s'", name);
	return q->set(cli, value);
}
