/*
 * Diagnostics for the front-ends (src/main.c, src/cli/, src/cmd/) only:
 * the libraries (src/proc, src/ptrace, src/util, src/trace, src/debug) never
 * print; they return 0 or
 * -errno and the front-end turns that into one line here.
 *
 * Style: lowercase, subject quoted, no final period:
 *	zdiag: cannot attach to 1234: No such process
 */
#ifndef ZDIAG_ERR_H
#define ZDIAG_ERR_H

#include "zdiag/common.h"

/* "zdiag: <msg>" on stderr; returns ZD_EXIT_ERROR so callers can
 * `return zd_error(...)` from a command. */
int zd_error(const char *fmt, ...) ZD_PRINTF(1, 2);
/* "zdiag: <msg>: <strerror(err)>"; err may be negative (-errno). */
int zd_error_errno(int err, const char *fmt, ...) ZD_PRINTF(2, 3);
/* "zdiag: warning: <msg>" */
void zd_warn(const char *fmt, ...) ZD_PRINTF(1, 2);
/* "zdiag: <msg>" and exit(ZD_EXIT_ERROR). */
ZD_NORETURN void zd_die(const char *fmt, ...) ZD_PRINTF(1, 2);
/* An invariant was violated: report and abort(). */
ZD_NORETURN void zd_bug_at(const char *file, int line, const char *fmt, ...) ZD_PRINTF(3, 4);
#define zd_bug(...) zd_bug_at(__FILE__, __LINE__, __VA_ARGS__)

/* Usage error for subcommand `cmd` (NULL: top level): one line plus a hint,
 *	zdiag scan: unknown option '--bogus' (see 'zdiag scan --help')
 * Returns ZD_EXIT_USAGE. */
int zd_usage_error(const char *cmd, const char *fmt, ...) ZD_PRINTF(2, 3);

#endif
