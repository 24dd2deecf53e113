/* Option tables: parsing with getopt_long, --help text, number parsing. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/cmd.h"
#include "zdiag/dbgline.h"
#include "zdiag/err.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

static size_t
count_opts(const struct zd_opt *o)
{
	size_t n = 0;

	while (o && (o[n].sname || o[n].lname))
		n++;
	return n;
}

void
zd_opt_init(struct zd_optparse *p, const struct zd_cmd *cmd, int argc, char **argv)
{
	size_t n = count_opts(cmd->opts), i, k = 0;
	struct option *lo = zd_xcalloc(n + 2, sizeof(*lo));
	const struct zd_opt **rows = zd_xcalloc(n + 2, sizeof(*rows));
	struct zd_sb so = ZD_SB_INIT;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	zd_sb_adds(&so, (cmd->flags & ZD_CMD_STOP_AT_NONOPT) ? "+:h" : ":h");
	for (i = 0; i < n; i++) {
		const struct zd_opt *o = &cmd->opts[i];

		if (o->sname) {
			zd_sb_addc(&so, (char)o->sname);
			if (o->arg == ZD_ARG_REQ)
				zd_sb_addc(&so, ':');
		}
		if (o->lname) {
			lo[k].name = o->lname;
			lo[k].has_arg = o->arg == ZD_ARG_REQ ? required_argument :
					o->arg == ZD_ARG_OPT ? optional_argument : no_argument;
			/* Rows without an id (table-driven commands) are
			 * found through longrow: any value not a letter. */
			lo[k].val = o->id ? o->id : ZD_OPT_ROW;
			rows[k] = o;
			k++;
		}
	}
	lo[k].name = "help";
	lo[k].val = ZD_OPT_HELP;
	p->longopts = lo;
	p->longrow = rows;
	p->shortopts = zd_sb_detach(&so);
	optind = 0; /* full re-initialization of getopt */
	opterr = 0;
}

void
zd_opt_release(struct zd_optparse *p)
{
	free(p->longopts);
	free(p->shortopts);
	free(p->longrow);
	p->longopts = NULL;
	p->shortopts = NULL;
	p->longrow = NULL;
}

static const struct zd_opt *
find_opt(const struct zd_cmd *cmd, int id)
{
	const struct zd_opt *o;

	for (o = cmd->opts; o && (o->sname || o->lname); o++)
		if ((o->id && o->id == id) || (o->sname && o->sname == id))
			return o;
	return NULL;
}

int
zd_opt_next(struct zd_optparse *p)
{
	int longind = -1, c;
	const char *bad;

	p->arg = NULL;
	p->opt = NULL;
	c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, &longind);
	p->ind = optind;
	if (c == -1) {
		zd_opt_release(p);
		return ZD_OPT_END;
	}
	if (c == 'h' || c == ZD_OPT_HELP)
		return ZD_OPT_HELP;
	bad = p->argv[optind - 1];
	if (c == '?' || c == ':') {
		const char *what = c == ':' ? "option requires an argument" : "unknown option";
		char shortbuf[3] = { '-', (char)optopt, 0 };

		if (optopt && !(bad && bad[0] == '-' && bad[1] == '-'))
			zd_usage_error(p->cmd->name, "%s '%s'", what, shortbuf);
		else
			zd_usage_error(p->cmd->name, "%s '%s'", what, bad ? bad : "?");
		return ZD_OPT_ERROR;
	}
	p->opt = longind >= 0 ? p->longrow[longind] : find_opt(p->cmd, c);
	p->arg = optarg;
	if (!p->opt)
		return c;
	return p->opt->id ? p->opt->id : p->opt->sname ? p->opt->sname : ZD_OPT_ROW;
}

bool
zd_opt_parse(struct zd_optparse *p, void *ctx, int *rc)
{
	int id;

	*rc = 0;
	while ((id = zd_opt_next(p)) != ZD_OPT_END) {
		if (!p->opt || !p->opt->set) {
			*rc = zd_opt_default(p, id);
			return false;
		}
		if ((*rc = p->opt->set(ctx, p->arg, p->opt))) {
			if (*rc == ZD_OPT_DONE)
				*rc = ZD_EXIT_OK;
			zd_opt_release(p);
			return false;
		}
	}
	return true;
}

int
zd_opt_default(struct zd_optparse *p, int id)
{
	zd_opt_release(p);
	if (id == ZD_OPT_HELP) {
		zd_cmd_print_help(p->cmd, stdout);
		return ZD_EXIT_OK;
	}
	if (id != ZD_OPT_ERROR)
		zd_bug("option id %d not handled by '%s'", id, p->cmd->name);
	return ZD_EXIT_USAGE;
}

void
zd_cmd_synopsis(const struct zd_cmd *cmd, FILE *f, const char *prefix)
{
	const char *s = cmd->synopsis ? cmd->synopsis : "";

	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		fprintf(f, "%szdiag %s%s%.*s\n", prefix, cmd->name, len ? " " : "", (int)len, s);
		if (!nl || !nl[1])
			break;
		s = nl + 1;
	}
}

void
zd_cmd_print_help(const struct zd_cmd *cmd, FILE *f)
{
	const struct zd_opt *o;

	fputs("usage: ", f);
	zd_cmd_synopsis(cmd, f, "");
	if (cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	fputs("\noptions:\n", f);
	for (o = cmd->opts; o && (o->sname || o->lname); o++) {
		struct zd_sb sb = ZD_SB_INIT;

		zd_sb_adds(&sb, "  ");
		if (o->sname)
			zd_sb_addf(&sb, "-%c%s", o->sname, o->lname ? ", " : "");
		else
			zd_sb_adds(&sb, "    ");
		if (o->lname)
			zd_sb_addf(&sb, "--%s", o->lname);
		if (o->arg == ZD_ARG_REQ)
			zd_sb_addf(&sb, "%s%s", o->lname ? "=" : " ", o->argname ? o->argname : "ARG");
		else if (o->arg == ZD_ARG_OPT)
			zd_sb_addf(&sb, "[=%s]", o->argname ? o->argname : "ARG");
		if (sb.len < 28)
			zd_sb_addpad(&sb, ' ', 28 - sb.len);
		else
			zd_sb_adds(&sb, "\n                            ");
		fprintf(f, "%s%s\n", sb.buf, o->help ? o->help : "");
		zd_sb_release(&sb);
	}
	fprintf(f, "  -h, --help                show this help\n");
	if (cmd->exit_status)
		fprintf(f, "\nexit status:\n%s\n", cmd->exit_status);
	fprintf(f, "\nSee zdiag(1) for details.\n");
}

/* The debugger's words use the same strict parser (src/ptrace/dbgline.c). */
int
zd_parse_ll(const char *s, long long min, long long max, long long *out)
{
	return zd_dbg_parse_int(s, min, max, out);
}

int
zd_parse_ms(const char *s, long long max_ms, long long *out)
{
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -EINVAL;
	if (!strcmp(end, "s"))
		v *= 1000.0;
	else if (*end && strcmp(end, "ms"))
		return -EINVAL;
	if (v < 0 || v > (double)max_ms)
		return -ERANGE;
	*out = (long long)(v + 0.5);
	return 0;
}

int
zd_color_parse(const char *s, enum zd_color *out)
{
	if (!s || !strcmp(s, "auto"))
		*out = ZD_COLOR_AUTO;
	else if (!strcmp(s, "always") || !strcmp(s, "yes") || !strcmp(s, "force"))
		*out = ZD_COLOR_ALWAYS;
	else if (!strcmp(s, "never") || !strcmp(s, "no") || !strcmp(s, "none"))
		*out = ZD_COLOR_NEVER;
	else
		return -EINVAL;
	return 0;
}

bool
zd_color_use(enum zd_color mode, int fd)
{
	const char *term;

	if (mode == ZD_COLOR_ALWAYS)
		return true;
	if (mode == ZD_COLOR_NEVER)
		return false;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		return false;
	term = getenv("TERM");
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd);
}
