/*
 * Subcommands and their option tables.
 *
 * Adding a subcommand: write src/cmd/cmd_NAME.c defining
 *	const struct zd_cmd zd_cmd_NAME = { .name = "NAME", ... };
 * add one row to the table in src/main.c, a section in docs/man/NAME.1,
 * and tests/e2e/NAME.bats.  The option table drives parsing, --help,
 * shell completion (zdiag __complete) and the man-page synopsis test.
 *
 * Table-driven parsing (every row has a set handler; ids may be 0):
 *	int rc;
 *	zd_opt_init(&p, cmd, argc, argv);
 *	if (!zd_opt_parse(&p, &ctx, &rc))
 *		return rc;              // --help printed (0) or a usage error
 *	// positional arguments: argv[p.ind .. argc-1]
 *
 * Parsing idiom with a switch:
 *	struct zd_optparse p;
 *	int id;
 *	zd_opt_init(&p, cmd, argc, argv);
 *	while ((id = zd_opt_next(&p)) != ZD_OPT_END) {
 *		switch (id) {
 *		case 'p': ... p.arg ...; break;
 *		default: return zd_opt_default(&p, id);  // --help, errors
 *		}
 *	}
 *	// positional arguments: argv[p.ind .. argc-1]
 */
#ifndef ZDIAG_CMD_H
#define ZDIAG_CMD_H

#include <stdio.h>

#include "zdiag/common.h"

enum zd_opt_arg {
	ZD_ARG_NONE,
	ZD_ARG_REQ,
	ZD_ARG_OPT, /* long form only: --color[=WHEN] */
};

/* Option ids: a short letter when the option has one, else >= ZD_OPT_LONG. */
enum {
	ZD_OPT_END = -1,
	ZD_OPT_DONE = -2, /* a set handler's "stop here, exit 0" (-V) */
	ZD_OPT_HELP = 0x10000,
	ZD_OPT_ERROR,
	ZD_OPT_ROW,       /* a row without an id (zd_opt_parse) */
	ZD_OPT_LONG = 0x10100,
};

struct zd_opt {
	int id;
	int sname;            /* short letter, or 0 */
	const char *lname;    /* long name without "--", or NULL */
	enum zd_opt_arg arg;
	const char *argname;  /* "PID", "MS", ... */
	const char *help;     /* one line */
	/*
	 * Completion of the argument: NULL (nothing), "@pid", "@file",
	 * "@dir", "@command", or a space-separated word list.
	 */
	const char *complete;
	/*
	 * Table-driven commands (zd_opt_parse): called for each occurrence
	 * with the command's context and the argument (NULL when none).
	 * Returns 0, an exit code (zd_usage_error's), or ZD_OPT_DONE.
	 */
	int (*set)(void *ctx, const char *arg, const struct zd_opt *o);
};

enum zd_cmd_flags {
	/* Options end at the first non-option argument (strace, env). */
	ZD_CMD_STOP_AT_NONOPT = 1 << 0,
	/* Not shown in zdiag --help (internal commands). */
	ZD_CMD_HIDDEN = 1 << 1,
};

struct zd_cmd {
	const char *name;
	int (*fn)(const struct zd_cmd *cmd, int argc, char **argv);
	const char *summary;      /* one line for zdiag --help */
	const char *synopsis;     /* after "zdiag NAME ", one line per form */
	const char *description;  /* a paragraph for NAME --help */
	const struct zd_opt *opts; /* ends with an all-zero entry */
	const char *positional;   /* completion of operands: "@pid", ... */
	const char *exit_status;  /* one paragraph for --help */
	unsigned flags;
};

struct zd_optparse {
	const struct zd_cmd *cmd;
	int argc;
	char **argv;
	int ind;          /* index of the next argv element after parsing */
	const char *arg;  /* argument of the option just returned */
	const struct zd_opt *opt; /* the option just returned */
	/* private */
	void *longopts;
	char *shortopts;
	const struct zd_opt **longrow; /* the row of each longopts entry */
};

void zd_opt_init(struct zd_optparse *p, const struct zd_cmd *cmd, int argc, char **argv);
/* Next option id, ZD_OPT_HELP, ZD_OPT_ERROR (message already printed) or
 * ZD_OPT_END.  Frees its private state at ZD_OPT_END. */
int zd_opt_next(struct zd_optparse *p);
/* Handles ZD_OPT_HELP (prints help, returns 0) and ZD_OPT_ERROR (returns 2);
 * anything else is a bug in the caller's switch. Frees private state. */
int zd_opt_default(struct zd_optparse *p, int id);
void zd_opt_release(struct zd_optparse *p);
/*
 * Parse every option, calling each row's set handler with ctx.  Returns
 * true when the command goes on (options done, p->ind the first operand);
 * false with *rc the exit code when it must stop (--help printed: 0;
 * a usage error or a handler's non-zero return).
 */
bool zd_opt_parse(struct zd_optparse *p, void *ctx, int *rc);

/* Print `zdiag NAME --help`. */
void zd_cmd_print_help(const struct zd_cmd *cmd, FILE *f);
/* The synopsis lines, each prefixed by "zdiag NAME ". */
void zd_cmd_synopsis(const struct zd_cmd *cmd, FILE *f, const char *prefix);

/*
 * Strict number parsing (strtonum-like): the whole string must be a number
 * in [min, max].  Returns 0, or -EINVAL / -ERANGE.
 */
int zd_parse_ll(const char *s, long long min, long long max, long long *out);
/* Milliseconds from "200", "200ms", "1.5s", "2s". */
int zd_parse_ms(const char *s, long long max_ms, long long *out);

/* --color=WHEN handling (WHEN: auto, always, never; NO_COLOR disables auto). */
enum zd_color { ZD_COLOR_AUTO, ZD_COLOR_ALWAYS, ZD_COLOR_NEVER };
int zd_color_parse(const char *s, enum zd_color *out);
/* Whether to colour output written to fd. */
bool zd_color_use(enum zd_color mode, int fd);

/* The command table (src/main.c). */
extern const struct zd_cmd *const zd_commands[];
const struct zd_cmd *zd_cmd_find(const char *name);

#endif
