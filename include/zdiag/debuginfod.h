/*
 * Separate debug files fetched by build-id from debuginfod servers, the
 * user's opt-in: only when DEBUGINFOD_URLS is set and not empty.
 *
 * libdebuginfod (elfutils) is dlopen()ed on the first fetch, not linked:
 * zdiag works without it, and a process that never fetches does not load
 * libcurl.  The library keeps its own cache (DEBUGINFOD_CACHE_PATH, else
 * $XDG_CACHE_HOME/debuginfod_client or ~/.cache/debuginfod_client) and reads
 * its other variables itself (DEBUGINFOD_TIMEOUT, DEBUGINFOD_MAXSIZE, ...).
 *
 * zd_elf_find_debug() (symtab.h) calls zd_dinfod_find_debuginfo() when no
 * local debug file was found, so symbols, lines and variables (dwarf.h)
 * all come from the fetched file.
 *
 * Nothing here prints.  Only a front-end that set a hook (for the progress
 * line and the failures) fetches:
 *
 *	static int hook(void *ctx, enum zd_dinfod_event ev, const struct zd_dinfod_report *r)
 *	{ ... return 0; }            // non-zero on PROGRESS cancels the download
 *	zd_dinfod_set_hook(hook, ctx);
 */
#ifndef ZDIAG_DEBUGINFOD_H
#define ZDIAG_DEBUGINFOD_H

#include <stdbool.h>

enum zd_dinfod_event {
	ZD_DINFOD_PROGRESS,   /* a download runs: done of total (total 0: not known yet) */
	ZD_DINFOD_END,        /* the query that reported PROGRESS is over (a progress line can go) */
	ZD_DINFOD_FAILED,     /* no file for build_id: err (reported once per build-id) */
	ZD_DINFOD_NO_LIBRARY, /* libdebuginfod cannot be loaded: msg (reported once) */
};

struct zd_dinfod_report {
	const char *path;      /* the file whose debug info is wanted (raw bytes), or NULL */
	const char *build_id;  /* lowercase hex */
	long done, total;      /* PROGRESS */
	int err;               /* FAILED: -errno (-ENOENT: no server has it) */
	const char *msg;       /* NO_LIBRARY: dlerror()'s text */
};

typedef int (*zd_dinfod_hook)(void *ctx, enum zd_dinfod_event ev, const struct zd_dinfod_report *r);

/* Set (fn NULL: remove) the hook for reports; the library calls it from
 * inside zd_dinfod_find_debuginfo().  Setting it is the front-end's opt-in:
 * without a hook nothing is fetched (a command that could show neither
 * progress nor failures, and offers no way to cancel, never blocks on a
 * server). */
void zd_dinfod_set_hook(zd_dinfod_hook fn, void *ctx);

/* True when DEBUGINFOD_URLS is set and not empty, a hook is set, and
 * fetching was not turned off by zd_dinfod_disable(). */
bool zd_dinfod_enabled(void);

/* No more fetches in this process (e.g. after the user interrupted one). */
void zd_dinfod_disable(void);

/*
 * The debug file of build_id (lowercase hex) from the cache or a server:
 * 0 and *debug_path (malloc'ed; the caller frees it), or -errno: -ENOSYS
 * when not enabled or libdebuginfod cannot be loaded, -ENOENT when no
 * server has it, -EINTR when the hook cancelled it, another -errno from
 * the library (timeouts, connection errors).  path (may be NULL) names
 * the file for the hook's reports.  A build-id that failed once fails
 * again at once with the same error and no new report.
 */
int zd_dinfod_find_debuginfo(const char *build_id, const char *path, char **debug_path);

#endif
