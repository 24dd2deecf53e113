/* Commands that resume or end the process: cont, stepi, syscall, signal, detach, kill, quit. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/dbgline.h"
#include "zdiag/esc.h"
#include "zdiag/maps.h"
#include "zdiag/regs.h"
#include "zdiag/sig.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

static int
cmd_signal(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct zd_thread *t;
	int sig;

	sig = !strcmp(argv[1], "0") ? 0 : zd_sigparse(argv[1]);
	if (sig < 0)
		return dbg_fail_word(out, "unknown signal '%s'", argv[1]);
	t = zd_dbg_cur_thread(d);
	t->pending_sig = sig;
	if (sig)
		zd_sb_addf(&out->text, "%s will be delivered to thread %d on continue\n", zd_signame(sig), (int)t->tid);
	else
		zd_sb_addf(&out->text, "no signal will be delivered to thread %d\n", (int)t->tid);
	return 0;
}

static int
cmd_cont(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	return dbg_resume(d, ZD_RESUME_CONT, out);
}

static int
cmd_stepi(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	long long n = 1, i;

	if (argc == 2 && zd_dbg_parse_int(argv[1], 1, 100000, &n) < 0)
		return zd_dbg_fail(out, "usage: stepi [N]");
	for (i = 0; i < n && !d->done && !d->end_signal; i++)
		if (dbg_resume(d, ZD_RESUME_STEP, out) < 0)
			return -1;
	return 0;
}

static int
cmd_syscall(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	return dbg_resume(d, ZD_RESUME_SYSCALL, out);
}

static int
cmd_detach(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	return zd_dbg_end(d, false, out);
}

static int
cmd_kill(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	return zd_dbg_end(d, true, out);
}

static int
cmd_quit(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	/* attach: detach; run: kill the program, like gdb ('detach' lets it run on). */
	return zd_dbg_end(d, d->run_mode, out);
}

const struct zd_dbg_cmd zd_dbg_cmds_resume[] = {
	{ "cont", "c continue", 0, 0, 0, cmd_cont, "cont",
	  "continue until a breakpoint, a signal or exit; Ctrl-C interrupts the process", NULL },
	{ "stepi", "si", 0, 1, 0, cmd_stepi, "stepi [N]", "execute one instruction (or N) in the current thread", NULL },
	{ "syscall", NULL, 0, 0, 0, cmd_syscall, "syscall", "continue to the current thread's next syscall entry or exit",
	  NULL },
	{ "signal", NULL, 1, 1, ZD_DBG_NEED_PROCESS, cmd_signal, "signal SIG|0",
	  "deliver SIG to the current thread on continue (0: none)", NULL },
	{ "detach", NULL, 0, ZD_DBG_ARGS_ANY, 0, cmd_detach, "detach",
	  "remove breakpoints, let the process run on, end the session", NULL },
	{ "kill", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_kill, "kill", "SIGKILL the process and end the session",
	  NULL },
	{ "quit", "q exit", 0, ZD_DBG_ARGS_ANY, 0, cmd_quit, "quit",
	  "end the session: detach (attach) or kill the program (run)", NULL },
	{ 0 },
};
