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

enum zd_pidmode {
	ZD_PID_NONE,     /* one process: no prefix */
	ZD_PID_MULTI,    /* "[pid  1234] " while more than one tracee lives */
	ZD_PID_ALWAYS,   /* "1234  " on every line (-f with -o FILE) */
};

enum zd_tsmode {
	ZD_TS_NONE,
	ZD_TS_SEC,       /* -t:   15:19:21 */
	ZD_TS_USEC,      /* -tt:  15:19:21.922938 */
	ZD_TS_EPOCH,     /* -ttt: 1700000000.922938 */
};

enum zd_status_filter {
	ZD_STATUS_ALL,
	ZD_STATUS_OK,    /* -z: successful calls only */
	ZD_STATUS_FAIL,  /* -Z: failed calls only */
};

/* Per-syscall counters of the summary (-c). */
struct zd_scstat {
	uint64_t calls, errors;
	double seconds;
};

struct zd_summary {
	struct zd_scstat *by_nr;     /* ZD_SC_NMAX entries */
	struct zd_scstat other;      /* numbers outside the table */
};

struct zd_tfmt {
	struct zd_sb out;
	bool json;
	bool text;                   /* syscall lines (false with -c alone) */
	bool summary;                /* -c or -C */
	bool per_process;            /* --summary-per-process */
	bool show_time;              /* -T */
	bool color;
	enum zd_pidmode pidmode;
	enum zd_tsmode tsmode;
	bool relative;               /* -r: time since the previous line */
	bool separate;               /* -ff: each tcb's lines go to a stream of
					their own (the caller routes out after
					every event): no line of one interrupts
					another's */
	enum zd_status_filter status;
	unsigned decode_pids;        /* enum zd_decode_pids (-Y): pid prefixes and
					si_pid show command names */
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

/* Append a timestamp as -t/-tt/-ttt print it (with a trailing space). */
void zd_tfmt_timestamp(struct zd_sb *sb, enum zd_tsmode mode, const struct timespec *wall);

#endif
