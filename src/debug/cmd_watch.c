/* Watchpoint and catchpoint commands: watch, rwatch, awatch, catch syscall (watch.c). */
#include <string.h>

#include "zdiag/watch.h"

#include "dbg-int.h"

/* watch [-l|-location] EXPR: the expression is the rest of the typed line
 * (the word splitter would drop its quotes and casts' blanks). */
static int
cmd_watch(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	const char *e = d->line ? d->line : "";
	enum zd_watch_kind kind = !strcmp(argv[0], "rwatch") ? ZD_WATCH_READ
				: !strcmp(argv[0], "awatch") ? ZD_WATCH_ACCESS : ZD_WATCH_WRITE;
	bool location = false;
	size_t n;

	(void)argc;
	e += strspn(e, " \t");
	e += strcspn(e, " \t");
	e += strspn(e, " \t");
	n = strcspn(e, " \t");
	if ((n == 2 && !strncmp(e, "-l", 2)) || (n == 9 && !strncmp(e, "-location", 9))) {
		location = true;
		e += n;
		e += strspn(e, " \t");
	}
	if (!*e)
		return zd_dbg_fail(out, "usage: %s [-l] EXPR", argv[0]);
	return dbg_watch_add(d, kind, location, e, out);
}

static int
cmd_catch(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	if (strcmp(argv[1], "syscall"))
		return zd_dbg_fail(out, "usage: catch syscall [NAME|NUMBER ...] (only syscalls can be caught)");
	return dbg_catch_add(d, argv + 2, argc - 2, out);
}

const struct zd_dbg_cmd zd_dbg_cmds_watch[] = {
	{ "watch", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_watch, "watch [-l] EXPR",
	  "stop when the value of an lvalue changes (debug registers, or single-stepping when they do not fire "
	  "here: 'info watchpoints' says which)", NULL },
	{ "rwatch", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_watch, "rwatch [-l] EXPR",
	  "stop when an lvalue is read (debug registers only)", NULL },
	{ "awatch", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_watch, "awatch [-l] EXPR",
	  "stop when an lvalue is read or written (debug registers only)", NULL },
	{ "catch", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_catch, "catch syscall [NAME|NUMBER ...]",
	  "stop at the entry and the return of these syscalls (all without names), decoded", "syscall" },
	{ 0 },
};
