/* Source-level stepping: next, step, until, advance, finish, nexti (the engine is step.c). */
#include <stdlib.h>
#include <string.h>

#include "zdiag/dbgline.h"

#include "dbg-int.h"
#include "step.h"

/* until LOCATION, advance LOCATION: the location is the rest of the typed line. */
static int
run_to_location(struct zd_dbg *d, bool advance, struct zd_dbg_out *out)
{
	const char *line = d->line ? d->line : "";
	struct zd_loc l;
	uint64_t *addrs;
	size_t n;
	int r;

	line += strspn(line, " \t");
	line += strcspn(line, " \t");
	if (dbg_parse_loc(d, line, &l, &addrs, &n, out) < 0)
		return -1;
	r = dbg_run_until(d, addrs, n, advance, out);
	free(addrs);
	return r;
}

static int
cmd_next(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	enum dbg_step_kind k = argv[0][0] == 'n' ? DBG_STEP_OVER : argv[0][0] == 's' ? DBG_STEP_INTO : DBG_STEP_UNTIL;
	long long n = 1;

	if (!dbg_need_process(d, out))
		return -1;
	if (k == DBG_STEP_UNTIL && argc >= 2)
		return run_to_location(d, false, out);
	if (argc == 2 && zd_dbg_parse_int(argv[1], 1, 1000000, &n) < 0)
		return zd_dbg_fail(out, "usage: %s [N]", argv[0]);
	return dbg_step(d, k, n, out);
}

static int
cmd_nexti(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	long long n = 1;

	if (!dbg_need_process(d, out))
		return -1;
	if (argc == 2 && zd_dbg_parse_int(argv[1], 1, 100000, &n) < 0)
		return zd_dbg_fail(out, "usage: nexti [N]");
	return dbg_nexti(d, n, out);
}

static int
cmd_advance(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	return run_to_location(d, true, out);
}

static int
cmd_finish(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	if (!dbg_need_process(d, out))
		return -1;
	return dbg_finish(d, out);
}

const struct zd_dbg_cmd zd_dbg_cmds_step[] = {
	{ "next", "n", 0, 1, ZD_DBG_NEED_PROCESS, cmd_next, "next [N]",
	  "run the current thread to the next source line, stepping over calls (N lines)", NULL },
	{ "step", "s", 0, 1, ZD_DBG_NEED_PROCESS, cmd_next, "step [N]",
	  "to the next source line, into functions that have line info (after their prologue) and inlined ones", NULL },
	{ "until", "u", 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_next, "until [LOCATION]",
	  "next, but never back into a loop; with LOCATION: run there (in the selected frame) or until that frame returns", NULL },
	{ "advance", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_advance, "advance LOCATION",
	  "run to LOCATION (any frame) or until the selected frame returns", NULL },
	{ "nexti", "ni", 0, 1, ZD_DBG_NEED_PROCESS, cmd_nexti, "nexti [N]",
	  "one instruction (or N) in the current thread, running a call to its return", NULL },
	{ "finish", "fin", 0, 0, ZD_DBG_NEED_PROCESS, cmd_finish, "finish",
	  "run until the selected frame returns; print the value it returned (an inlined one: until the thread leaves it)", NULL },
	{ 0 },
};
