/* zdiag run: start a program under the debugger (PTRACE_TRACEME). */
#include "zdiag/cmd.h"
#include "zdiag/err.h"

/* The debugger front-end lives in cmd_attach.c. */
int zd_attach_main(const struct zd_cmd *cmd, int argc, char **argv, bool run_mode);

/* Its option table too (the option ids are shared). */
extern const struct zd_opt zd_attach_run_opts[];

static int
cmd_run_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	return zd_attach_main(cmd, argc, argv, true);
}

const struct zd_cmd zd_cmd_run = {
	.name = "run",
	.fn = cmd_run_fn,
	.summary = "start a program under the debugger, stopped before its first instruction",
	.synopsis = "[-e CMD]... [-q] [--timeout MS] [--] CMD [ARGS]",
	.description =
		"Start CMD with PTRACE_TRACEME, stopped before its first instruction (address-space\n"
		"randomization off, like gdb), and take the same commands as 'zdiag attach': from -e,\n"
		"a terminal prompt, or standard input.  At the end of the commands (or 'detach') the\n"
		"program runs on to completion and zdiag exits with its status; 'quit' and 'kill'\n"
		"kill it.",
	.opts = zd_attach_run_opts,
	.positional = "@command",
	.exit_status = "the program's exit status when it ran to completion (128+N: killed by signal N);\n"
		       "126 CMD cannot be executed; 127 CMD not found; 2 usage error.",
	.flags = ZD_CMD_STOP_AT_NONOPT,
};
