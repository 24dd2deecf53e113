/* Shared by the files of zdiag trace's front-end (src/cmd/). */
#ifndef ZDIAG_CMD_TRACE_INT_H
#define ZDIAG_CMD_TRACE_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "zdiag/cmd.h"
#include "zdiag/launch.h"
#include "zdiag/pathtrace.h"
#include "zdiag/tamper.h"
#include "zdiag/tout.h"
#include "zdiag/trace.h"
#include "zdiag/tracefmt.h"

struct zd_kstack;

/* Everything zdiag trace's options set, and the run's state. */
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
	bool quiet_set;             /* -e quiet= / --quiet=SET given */
	bool quiet_notes;           /* no fallback notes: -q or quiet=attach given */
	bool append;                /* -A */
	int pipe_pidfd;             /* -o |CMD: CMD's pidfd, or -1 */
	bool tips;                  /* --tips */
	int tip;                    /* its id, -1: random */
	enum zd_color cmode;
	const char *outfile;
	int xcount;                 /* -x given: 1 non-ascii, 2 all */
	bool xlong;                 /* --strings-in-hex given */
	struct zd_fdset dump_rd, dump_wr;   /* -e read=, -e write= */
	pid_t *pids;
	size_t npids, apids;
	int outfd;
	int fcount;                 /* -f given twice: -ff */
	bool ff;                    /* -ff -o FILE: FILE.TID per thread */
	struct zd_tout_ff ffs;      /* -ff: its files */
	bool eager;                 /* flush before every blocking wait */
	bool write_failed;
	struct zd_kstack *kstack;   /* -k */
	bool kstack_before_exec;    /* -k: the launched command has not exec'd yet */
	struct timespec pending_since;
	struct zd_tracer *tracer;
	struct zd_tamper tamper;    /* -e inject=, -e fault= */
	int ycount;                 /* -y given (-yy: twice) */
	bool decfd_given;           /* --decode-fds or -e decode-fds= */

	/* Process setup and selection: -u -E -D -b -I -d -P */
	const char *username;       /* -u */
	struct zd_launch_user user;
	char **env_changes;         /* -E, in order */
	size_t nenv, aenv;
	char **envp;
	int dcount;                 /* -D given N times */
	enum zd_daemonize dlong;    /* --daemonize[=MODE] */
	int intr;                   /* -I 1..4; 0: not given */
	bool seccomp_asked;         /* --seccomp-bpf given */
	bool debug;                 /* -d */
	struct zd_pathset paths;    /* -P */
	const char **pargs;         /* -P arguments, in order */
	size_t npargs, apargs;
};

/* The option table (trace_opts.c). */
extern const struct zd_opt zd_trace_opts[];
/* -e EXPR (trace_expr.c): QUALIFIER=VALUE or a bare trace set; 0 or a usage error. */
int zd_trace_parse_expr(struct trace_cli *cli, const char *expr);
/* The -e qualifier name (a known one) with value. */
int zd_trace_qualifier(struct trace_cli *cli, const char *name, const char *value);
/* After parsing: the -x/-X/-e abbrev/verbose/raw combination; 0 or a usage error. */
int zd_trace_styles_finish(struct trace_cli *cli);

/* --tips: the number of tips, and tip id (-1: random) boxed onto f. */
int zd_trace_tip_count(void);
void zd_trace_tip(FILE *f, int id);

#endif
