/*
 * Debug files by build-id from debuginfod servers (DEBUGINFOD_URLS).
 *
 * libdebuginfod.so.1 is loaded with dlopen() on the first fetch, as
 * disasm.c loads capstone: zdiag neither links it nor libcurl behind it,
 * and runs without it.  One client serves the whole process.
 */
#include <dlfcn.h>
#include <elfutils/debuginfod.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/common.h"
#include "zdiag/debuginfod.h"
#include "zdiag/xalloc.h"

/* The libdebuginfod entry points zdiag uses, resolved at run time. */
static struct {
	bool tried, ok, disabled;
	debuginfod_client *(*begin)(void);
	int (*find_debuginfo)(debuginfod_client *, const unsigned char *, int, char **);
	void (*set_progressfn)(debuginfod_client *, debuginfod_progressfn_t);
	debuginfod_client *client;
} di;

static struct {
	zd_dinfod_hook fn;
	void *ctx;
} hook;

/* Build-ids that failed, with why: asked once per process. */
static struct failed {
	char *build_id;
	int err;
} *failed;
static size_t nfailed, failed_alloc;

/* The query under way, for the progress callback. */
static struct {
	const char *path, *build_id;
	bool reported, cancelled;
} cur;

void
zd_dinfod_set_hook(zd_dinfod_hook fn, void *ctx)
{
	hook.fn = fn;
	hook.ctx = ctx;
}

bool
zd_dinfod_enabled(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");

	return !di.disabled && hook.fn && urls && *urls;
}

void
zd_dinfod_disable(void)
{
	di.disabled = true;
}

static int
report(enum zd_dinfod_event ev, const struct zd_dinfod_report *r)
{
	return hook.fn ? hook.fn(hook.ctx, ev, r) : 0;
}

/* Called by libdebuginfod while it waits on a server: a/b done. */
static int
progress(debuginfod_client *c, long a, long b)
{
	struct zd_dinfod_report r = { .path = cur.path, .build_id = cur.build_id, .done = a, .total = b };

	(void)c;
	cur.reported = true;
	if (report(ZD_DINFOD_PROGRESS, &r) != 0)
		cur.cancelled = true;
	return cur.cancelled;
}

static bool
load_debuginfod(void)
{
	struct zd_dinfod_report r = { 0 };
	void *h;

	if (di.tried)
		return di.ok;
	di.tried = true;
	h = dlopen(DEBUGINFOD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		r.msg = dlerror();
		report(ZD_DINFOD_NO_LIBRARY, &r);
		return false;
	}
	*(void **)&di.begin = dlsym(h, "debuginfod_begin");
	*(void **)&di.find_debuginfo = dlsym(h, "debuginfod_find_debuginfo");
	*(void **)&di.set_progressfn = dlsym(h, "debuginfod_set_progressfn");
	if (!di.begin || !di.find_debuginfo || !di.set_progressfn) {
		r.msg = DEBUGINFOD_SONAME ": missing symbols";
		report(ZD_DINFOD_NO_LIBRARY, &r);
		dlclose(h);
		return false;
	}
	di.client = di.begin();
	if (!di.client) {
		r.msg = "debuginfod_begin failed";
		report(ZD_DINFOD_NO_LIBRARY, &r);
		return false;
	}
	/* Always ours, even a silent one: with DEBUGINFOD_PROGRESS set the
	 * library's default callback would print to stderr itself. */
	di.set_progressfn(di.client, progress);
	di.ok = true; /* kept loaded for the life of the process */
	return true;
}

int
zd_dinfod_find_debuginfo(const char *build_id, const char *path, char **debug_path)
{
	struct zd_dinfod_report r = { .path = path, .build_id = build_id };
	size_t i;
	int fd;

	*debug_path = NULL;
	if (!zd_dinfod_enabled() || !build_id || !*build_id)
		return -ENOSYS;
	for (i = 0; i < nfailed; i++)
		if (!strcmp(failed[i].build_id, build_id))
			return failed[i].err;
	if (!load_debuginfod())
		return -ENOSYS;
	cur.path = path;
	cur.build_id = build_id;
	cur.reported = cur.cancelled = false;
	fd = di.find_debuginfo(di.client, (const unsigned char *)build_id, 0, debug_path);
	if (cur.reported)
		report(ZD_DINFOD_END, &r);
	if (fd >= 0) {
		close(fd);
		if (*debug_path)
			return 0;
		fd = -ENOENT;
	}
	free(*debug_path);
	*debug_path = NULL;
	if (cur.cancelled)
		fd = -EINTR;
	ZD_GROW(failed, failed_alloc, nfailed + 1);
	failed[nfailed].build_id = zd_xstrdup(build_id);
	failed[nfailed].err = fd;
	nfailed++;
	r.err = fd;
	report(ZD_DINFOD_FAILED, &r);
	return fd;
}
