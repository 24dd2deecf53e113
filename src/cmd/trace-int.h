/* Shared by the files of zdiag trace's front-end (src/cmd/). */
#ifndef ZDIAG_CMD_TRACE_INT_H
#define ZDIAG_CMD_TRACE_INT_H

#include <stdio.h>

/* --tips: the number of tips, and tip id (-1: random) boxed onto f. */
int zd_trace_tip_count(void);
void zd_trace_tip(FILE *f, int id);

#endif
