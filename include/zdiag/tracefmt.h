/*
 * Rendering zdiag trace events: strace-compatible text lines, JSON Lines
 * (schema: docs/trace-json.md), and the -c summary table.  Output goes to
 * fmt->out (a zd_sb) which the front-end writes out when it likes; nothing
 * here prints.
 *
 * Text follows strace: "name(args) = ret" with " = " aligned at column 40;
 * a call interrupted by another tracee's line ends in " <unfinished ...>"
 * and continues later as "<... name resumed>"; "--- SIGCHLD {...} ---";
 * "+++ exited with 0 +++".  Unlike strace, a call is split only when
 * another line really comes between its halves.
 */
#ifndef ZDIAG_TRACEFMT_H
#define ZDIAG_TRACEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdiag/strbuf.h"
#include "zdiag/trace.h"
#include "zdiag/tracesum.h"

enum zd_pidmode {
	ZD_PID_NONE,     /* one process: no prefix */
	ZD_PID_MULTI,    /* "[pid  1234] " while more than one tracee lives */
	ZD_PID_ALWAYS,   /* "1234  " on every line (-f with -o FILE) */
};

/* Absolute timestamps (-t, --absolute-timestamps=FORMAT,PRECISION). */
enum zd_tsfmt {
	ZD_TSF_NONE,
	ZD_TSF_TIME,     /* -t:   15:19:21, -tt: 15:19:21.922938 */
	ZD_TSF_UNIX,     /* -ttt: 1700000000.922938 */
};

/* -e status=SET: the calls shown (a mask). */
enum {
	ZD_ST_SUCCESSFUL = 1 << 0,   /* returned, no error (-z) */
	ZD_ST_FAILED = 1 << 1,       /* returned an error (-Z) */
	ZD_ST_UNFINISHED = 1 << 2,   /* never returned: the tracee died in it */
	ZD_ST_UNAVAILABLE = 1 << 3,  /* returned, but its value could not be read */
	ZD_ST_DETACHED = 1 << 4,     /* the tracer detached while it ran */
	ZD_ST_ALL = (1 << 5) - 1,
};

/* -q, -qq, -e quiet=SET: the messages left out (a mask). */
enum {
	ZD_QUIET_ATTACH = 1 << 0,        /* attached/detached, seccomp notes */
	ZD_QUIET_EXIT = 1 << 1,          /* +++ exited with N +++ */
	ZD_QUIET_PATH = 1 << 2,          /* -P: path resolution */
	ZD_QUIET_PERSONALITY = 1 << 3,   /* personality changes (x86-64 only: none) */
	ZD_QUIET_THREAD_EXECVE = 1 << 4, /* +++ superseded by execve +++ */
	ZD_QUIET_ALL = (1 << 5) - 1,
};

struct zd_tfmt {
	struct zd_sb out;
	bool json;
	bool text;                   /* syscall lines (false with -c alone) */
	bool summary;                /* -c or -C */
	bool per_process;            /* --summary-per-process */
	bool sum_wall;               /* -w: wall time, not system time */
	struct zd_sum_opts sumopts;  /* -S, -U, -O */
	bool show_time;              /* -T */
	int durprec;                 /* -T: digits after the second (6) */
	bool color;
	enum zd_pidmode pidmode;
	enum zd_tsfmt tsfmt;         /* -t */
	int tsprec;                  /* -t: digits after the second (0, 3, 6, 9) */
	bool relative;               /* -r: time since the previous line */
	int relprec;                 /* -r: digits (6) */
	size_t align;                /* -a: column of " = " (40) */
	bool show_nr;                /* -n: "[ 39] " */
	bool show_ip;                /* -i: "[00007f0123456789] " */
	unsigned quiet;              /* ZD_QUIET_* left out */
	bool separate;               /* -ff: each tcb's lines go to a stream of
					their own (the caller routes out after
					every event): no line of one interrupts
					another's */
	unsigned status;             /* ZD_ST_* shown (ZD_ST_ALL) */
	struct zd_tracer *tracer;    /* for the number of tracees */
	/* Called when a call's text line is complete (-k appends the stack
	 * taken at its entry); NULL: nothing. */
	void (*after_call)(void *ctx, struct zd_tcb *tcb, struct zd_sb *out);
	void *after_ctx;

	/* state */
	struct zd_tcb *open;         /* whose line is open (entry half printed) */
	size_t opencol;              /* its visible width so far */
	struct timespec rel_last;    /* -r: monotonic time of the previous line */
	struct zd_summary sum;
};

void zd_tfmt_init(struct zd_tfmt *f);
void zd_tfmt_release(struct zd_tfmt *f);
/* Render one tracer event. */
void zd_tfmt_event(struct zd_tfmt *f, const struct zd_tev *ev);
/* End a line left open (at the end of the trace). */
void zd_tfmt_close(struct zd_tfmt *f);
/* The -c table (all processes, or one per process with per_process). */
void zd_tfmt_summary(struct zd_tfmt *f, struct zd_lifecycle *lc);

/* Append a timestamp as -t/-tt/-ttt print it (with a trailing space):
 * prec digits after the second (0, 3, 6 or 9). */
void zd_tfmt_timestamp(struct zd_sb *sb, enum zd_tsfmt fmt, int prec, const struct timespec *wall);
/* "s", "ms", "us", "ns" -> 0, 3, 6, 9; -EINVAL for anything else. */
int zd_tfmt_precision(const char *s, int *digits);

#endif
