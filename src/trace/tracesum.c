/* The -c summary: counters and strace's table (include/zdiag/tracesum.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/syscall.h"
#include "zdiag/tracesum.h"
#include "zdiag/xalloc.h"

/* Names, strace's spellings; '-' and '_' are the same. */
struct name_val {
	const char *name;
	int val;
};

static const struct name_val sort_names[] = {
	{ "time", ZD_SORT_TIME }, { "total_time", ZD_SORT_TIME },
	{ "min_time", ZD_SORT_MIN }, { "shortest", ZD_SORT_MIN },
	{ "max_time", ZD_SORT_MAX }, { "longest", ZD_SORT_MAX },
	{ "avg_time", ZD_SORT_AVG }, { "time_avg", ZD_SORT_AVG },
	{ "calls", ZD_SORT_CALLS }, { "count", ZD_SORT_CALLS },
	{ "errors", ZD_SORT_ERRORS }, { "error", ZD_SORT_ERRORS },
	{ "name", ZD_SORT_NAME }, { "syscall", ZD_SORT_NAME }, { "syscall_name", ZD_SORT_NAME },
	{ "nothing", ZD_SORT_NOTHING }, { "none", ZD_SORT_NOTHING },
	{ NULL, 0 },
};

static const struct name_val col_names[] = {
	{ "time_percent", ZD_COL_PERCENT },
	{ "total_time", ZD_COL_TOTAL }, { "time", ZD_COL_TOTAL },
	{ "min_time", ZD_COL_MIN }, { "shortest", ZD_COL_MIN },
	{ "max_time", ZD_COL_MAX }, { "longest", ZD_COL_MAX },
	{ "avg_time", ZD_COL_AVG }, { "time_avg", ZD_COL_AVG },
	{ "calls", ZD_COL_CALLS }, { "count", ZD_COL_CALLS },
	{ "errors", ZD_COL_ERRORS }, { "error", ZD_COL_ERRORS },
	{ "name", ZD_COL_NAME }, { "syscall", ZD_COL_NAME }, { "syscall_name", ZD_COL_NAME },
	{ NULL, 0 },
};

/* Look up s[0..len) in t, '-' matching '_'. */
static int
lookup(const struct name_val *t, const char *s, size_t len, int *val)
{
	for (; t->name; t++) {
		size_t i;

		if (strlen(t->name) != len)
			continue;
		for (i = 0; i < len; i++)
			if ((s[i] == '-' ? '_' : s[i]) != t->name[i])
				break;
		if (i == len) {
			*val = t->val;
			return 0;
		}
	}
	return -EINVAL;
}

int
zd_sum_parse_sort(const char *s, enum zd_sum_sort *out)
{
	int v;

	if (lookup(sort_names, s, strlen(s), &v) < 0)
		return -EINVAL;
	*out = (enum zd_sum_sort)v;
	return 0;
}

int
zd_sum_parse_columns(const char *s, struct zd_sum_opts *o)
{
	size_t n = 0;

	while (*s) {
		size_t len = strcspn(s, ",");
		int v;

		if (!len || n == ZD_ARRAY_SIZE(o->cols) || lookup(col_names, s, len, &v) < 0)
			return -EINVAL;
		o->cols[n++] = (unsigned char)v;
		s += len + (s[len] == ',');
	}
	if (!n)
		return -EINVAL;
	o->ncols = n;
	return 0;
}

int
zd_sum_parse_overhead(const char *s, double *seconds)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "", 1e-6 }, { "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0 || *s == '-' || *s == '+')
		return -EINVAL;
	for (i = 0; i < ZD_ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			*seconds = v * units[i].scale;
			return 0;
		}
	return -EINVAL;
}

static struct zd_scstat *
slot(struct zd_summary *sum, long nr)
{
	if (!sum->by_nr)
		sum->by_nr = zd_xcalloc(ZD_SC_NMAX, sizeof(*sum->by_nr));
	if (nr < 0 || nr >= ZD_SC_NMAX)
		return &sum->other;
	return &sum->by_nr[nr];
}

void
zd_sum_add(struct zd_summary *sum, long nr, double seconds, bool failed, const struct zd_sum_opts *o)
{
	struct zd_scstat *s = slot(sum, nr);

	seconds -= o->overhead;
	if (seconds < 0)
		seconds = 0;
	if (!s->calls || seconds < s->min)
		s->min = seconds;
	if (!s->calls || seconds > s->max)
		s->max = seconds;
	s->calls++;
	s->errors += failed;
	s->seconds += seconds;
}

void
zd_sum_release(struct zd_summary *sum)
{
	free(sum->by_nr);
	sum->by_nr = NULL;
}

struct row {
	const char *name;
	char buf[24];
	long nr;
	const struct zd_scstat *s;
};

static enum zd_sum_sort sort_key;   /* qsort has no context argument */

static int
cmp_double(double a, double b)
{
	return a < b ? 1 : a > b ? -1 : 0;   /* larger first */
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int r = 0;

	switch (sort_key) {
	case ZD_SORT_TIME:
		r = cmp_double(x->s->seconds, y->s->seconds);
		break;
	case ZD_SORT_MIN:
		r = cmp_double(x->s->min, y->s->min);
		break;
	case ZD_SORT_MAX:
		r = cmp_double(x->s->max, y->s->max);
		break;
	case ZD_SORT_AVG:
		r = cmp_double(x->s->seconds / (double)x->s->calls, y->s->seconds / (double)y->s->calls);
		break;
	case ZD_SORT_CALLS:
		r = x->s->calls < y->s->calls ? 1 : x->s->calls > y->s->calls ? -1 : 0;
		break;
	case ZD_SORT_ERRORS:
		r = x->s->errors < y->s->errors ? 1 : x->s->errors > y->s->errors ? -1 : 0;
		break;
	case ZD_SORT_NAME:
		return strcmp(x->name, y->name);
	case ZD_SORT_NOTHING:
		return x->nr < y->nr ? -1 : x->nr > y->nr;
	}
	if (r)
		return r;
	return x->nr < y->nr ? -1 : x->nr > y->nr;   /* strace: table order */
}

/* Column heads, widths and rules, as strace prints them. */
static const struct {
	const char *head;
	int width;
} cols[] = {
	[ZD_COL_PERCENT] = { "% time", 6 },
	[ZD_COL_TOTAL] = { "seconds", 11 },
	[ZD_COL_MIN] = { "shortest", 8 },
	[ZD_COL_MAX] = { "longest", 8 },
	[ZD_COL_AVG] = { "usecs/call", 11 },
	[ZD_COL_CALLS] = { "calls", 9 },
	[ZD_COL_ERRORS] = { "errors", 9 },
	[ZD_COL_NAME] = { "syscall", 16 },
};

static void
put_row(struct zd_sb *sb, const struct zd_sum_opts *o, const struct zd_scstat *s, const char *name,
	double total_seconds, bool is_total)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		int c = o->cols[i], w = cols[c].width;
		bool last = i + 1 == o->ncols;

		if (i)
			zd_sb_addc(sb, ' ');
		switch (c) {
		case ZD_COL_PERCENT:
			zd_sb_addf(sb, "%*.2f", w, is_total ? (s->calls ? 100.0 : 0.0)
					  : total_seconds > 0 ? 100.0 * s->seconds / total_seconds : 0.0);
			break;
		case ZD_COL_TOTAL:
			zd_sb_addf(sb, "%*.6f", w, s->seconds);
			break;
		case ZD_COL_MIN:
			zd_sb_addf(sb, "%*.6f", w, s->min);
			break;
		case ZD_COL_MAX:
			zd_sb_addf(sb, "%*.6f", w, s->max);
			break;
		case ZD_COL_AVG:
			zd_sb_addf(sb, "%*llu", w, s->calls ? (unsigned long long)(s->seconds * 1e6 / (double)s->calls) : 0ULL);
			break;
		case ZD_COL_CALLS:
			zd_sb_addf(sb, "%*llu", w, (unsigned long long)s->calls);
			break;
		case ZD_COL_ERRORS:
			if (s->errors)
				zd_sb_addf(sb, "%*llu", w, (unsigned long long)s->errors);
			else
				zd_sb_addpad(sb, ' ', (size_t)w);
			break;
		case ZD_COL_NAME:
			if (last)
				zd_sb_adds(sb, name);
			else
				zd_sb_addf(sb, "%-*s", w, name);
			break;
		}
	}
	zd_sb_addc(sb, '\n');
}

static void
put_head(struct zd_sb *sb, const struct zd_sum_opts *o)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		int c = o->cols[i];

		if (i)
			zd_sb_addc(sb, ' ');
		if (c == ZD_COL_NAME && i + 1 == o->ncols)
			zd_sb_adds(sb, cols[c].head);
		else
			zd_sb_addf(sb, c == ZD_COL_NAME ? "%-*s" : "%*s", cols[c].width, cols[c].head);
	}
	zd_sb_addc(sb, '\n');
}

static void
put_rule(struct zd_sb *sb, const struct zd_sum_opts *o)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		if (i)
			zd_sb_addc(sb, ' ');
		zd_sb_addpad(sb, '-', (size_t)cols[o->cols[i]].width);
	}
	zd_sb_addc(sb, '\n');
}

void
zd_sum_table(struct zd_sb *sb, const struct zd_summary *sum, const struct zd_sum_opts *o)
{
	struct row *rows = zd_xcalloc(ZD_SC_NMAX + 1, sizeof(*rows));
	struct zd_scstat total = { 0, 0, 0, 0, 0 };
	size_t n = 0, i;

	for (i = 0; sum->by_nr && i < ZD_SC_NMAX; i++) {
		const struct zd_scstat *s = &sum->by_nr[i];

		if (!s->calls)
			continue;
		rows[n].s = s;
		rows[n].nr = (long)i;
		if (zd_sysent((long)i)) {
			rows[n].name = zd_sysent((long)i)->name;
		} else {
			snprintf(rows[n].buf, sizeof(rows[n].buf), "syscall_%#zx", i);
			rows[n].name = rows[n].buf;
		}
		n++;
	}
	if (sum->other.calls) {
		rows[n].s = &sum->other;
		rows[n].nr = ZD_SC_NMAX;
		rows[n].name = "(other)";
		n++;
	}
	sort_key = o->sort;
	qsort(rows, n, sizeof(*rows), row_cmp);
	for (i = 0; i < n; i++) {
		const struct zd_scstat *s = rows[i].s;

		if (!total.calls || s->min < total.min)
			total.min = s->min;
		if (!total.calls || s->max > total.max)
			total.max = s->max;
		total.calls += s->calls;
		total.errors += s->errors;
		total.seconds += s->seconds;
	}
	put_head(sb, o);
	put_rule(sb, o);
	for (i = 0; i < n; i++)
		put_row(sb, o, rows[i].s, rows[i].name, total.seconds, false);
	put_rule(sb, o);
	put_row(sb, o, &total, "total", total.seconds, true);
	free(rows);
}
