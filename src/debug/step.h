/* Stepping and locations (step.c), for cmd_break.c and cmd_step.c. */
#ifndef ZDIAG_DEBUG_STEP_H
#define ZDIAG_DEBUG_STEP_H

#include "zdiag/bploc.h"

#include "dbg-int.h"

enum dbg_step_kind {
	DBG_STEP_OVER,   /* next */
	DBG_STEP_INTO,   /* step */
	DBG_STEP_UNTIL,  /* until: next, but not back into a loop */
};

/* The addresses of a location (break, tbreak, until, advance): 0, or -1
 * with the failure in out.  *addrs is malloc'ed. */
int dbg_loc_addrs(struct zd_dbg *d, const struct zd_loc *l, uint64_t **addrs, size_t *n, struct zd_dbg_out *out);
/* A location typed after a command (cmd_break.c): parsed, then its addresses. */
int dbg_parse_loc(struct zd_dbg *d, const char *arg, struct zd_loc *l, uint64_t **addrs, size_t *n,
		  struct zd_dbg_out *out);
/* next/step/until, count times (fewer when something else stops the process). */
int dbg_step(struct zd_dbg *d, enum dbg_step_kind k, long long count, struct zd_dbg_out *out);
/* until LOCATION / advance LOCATION: run to addrs or the current frame's return. */
int dbg_run_until(struct zd_dbg *d, const uint64_t *addrs, size_t n, bool advance, struct zd_dbg_out *out);
/* nexti [N]: stepi, with calls run to their return. */
int dbg_nexti(struct zd_dbg *d, long long count, struct zd_dbg_out *out);
/* finish: run to the return of the selected frame, print the value returned. */
int dbg_finish(struct zd_dbg *d, struct zd_dbg_out *out);

#endif
