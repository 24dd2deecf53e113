/*
 * The syscall summary of `zdiag trace -c/-C`: per-syscall counts, errors
 * and times, and strace's table of them (-S sort order, -U columns, -O
 * overhead).  Nothing here prints: the table goes to a zd_sb.
 *
 *	struct zd_sum_opts o = ZD_SUM_OPTS_INIT;
 *	struct zd_summary s = { 0 };
 *	zd_sum_add(&s, nr, seconds, failed, &o);   // every finished call
 *	zd_sum_table(&sb, &s, &o);
 *	zd_sum_release(&s);
 */
#ifndef ZDIAG_TRACESUM_H
#define ZDIAG_TRACESUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdiag/strbuf.h"

/* Per-syscall counters. */
struct zd_scstat {
	uint64_t calls, errors;
	double seconds;             /* total */
	double min, max;            /* of one call */
};

struct zd_summary {
	struct zd_scstat *by_nr;    /* ZD_SC_NMAX entries, allocated on first use */
	struct zd_scstat other;     /* numbers outside the table */
};

/* -S: the order of the rows. */
enum zd_sum_sort {
	ZD_SORT_TIME, ZD_SORT_MIN, ZD_SORT_MAX, ZD_SORT_AVG,
	ZD_SORT_CALLS, ZD_SORT_ERRORS, ZD_SORT_NAME, ZD_SORT_NOTHING,
};

/* -U: the columns. */
enum zd_sum_col {
	ZD_COL_PERCENT, ZD_COL_TOTAL, ZD_COL_MIN, ZD_COL_MAX, ZD_COL_AVG,
	ZD_COL_CALLS, ZD_COL_ERRORS, ZD_COL_NAME, ZD_COL_COUNT_,
};

struct zd_sum_opts {
	enum zd_sum_sort sort;
	unsigned char cols[16];     /* enum zd_sum_col, in order */
	size_t ncols;
	double overhead;            /* -O: seconds taken off every call */
};

#define ZD_SUM_OPTS_INIT { ZD_SORT_TIME, { ZD_COL_PERCENT, ZD_COL_TOTAL, ZD_COL_AVG, ZD_COL_CALLS, ZD_COL_ERRORS, ZD_COL_NAME }, 6, 0 }

/* strace's names ("calls", "min_time", "shortest", ...; - or _); -EINVAL. */
int zd_sum_parse_sort(const char *s, enum zd_sum_sort *out);
/* A comma-separated column list into o->cols; -EINVAL (unknown or empty). */
int zd_sum_parse_columns(const char *s, struct zd_sum_opts *o);
/* -O: "15", "15us", "1ms", "0.5s", "200ns" (default unit us) into seconds. */
int zd_sum_parse_overhead(const char *s, double *seconds);

/* Count one finished call of nr that took seconds (less the overhead). */
void zd_sum_add(struct zd_summary *sum, long nr, double seconds, bool failed, const struct zd_sum_opts *o);
/* Append strace's table: header, rule, rows, rule, total. */
void zd_sum_table(struct zd_sb *sb, const struct zd_summary *sum, const struct zd_sum_opts *o);
void zd_sum_release(struct zd_summary *sum);

#endif
