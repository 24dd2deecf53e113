/* zdiag: global options, the command table, dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/cmd.h"
#include "zdiag/err.h"

extern const struct zd_cmd zd_cmd_scan;
extern const struct zd_cmd zd_cmd_reap;
extern const struct zd_cmd zd_cmd_trace;
extern const struct zd_cmd zd_cmd_attach;
extern const struct zd_cmd zd_cmd_run;
extern const struct zd_cmd zd_cmd_check;
extern const struct zd_cmd zd_cmd_help;
extern const struct zd_cmd zd_cmd_complete;

/*
 * The command table: one row per subcommand, in --help order.  A build
 * without some library (the static build) leaves rows out with
 * -DZD_NO_TRACE / -DZD_NO_ATTACH.
 */
const struct zd_cmd *const zd_commands[] = {
	&zd_cmd_scan,
	&zd_cmd_reap,
#ifndef ZD_NO_TRACE
	&zd_cmd_trace,
#endif
#ifndef ZD_NO_ATTACH
	&zd_cmd_attach,
	&zd_cmd_run,
#endif
	&zd_cmd_check,
	&zd_cmd_help,
	&zd_cmd_complete,
	NULL,
};

const struct zd_cmd *
zd_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; zd_commands[i]; i++)
		if (!strcmp(zd_commands[i]->name, name))
			return zd_commands[i];
	return NULL;
}

static void
main_help(FILE *f)
{
	size_t i;

	fputs("usage: zdiag [--version] [--help] COMMAND [ARGS]\n\n"
	      "Process-lifecycle diagnostics: why a process will not die, will not\n"
	      "be reaped, or will not say what it is doing.\n\ncommands:\n", f);
	for (i = 0; zd_commands[i]; i++) {
		const struct zd_cmd *c = zd_commands[i];

		if (!(c->flags & ZD_CMD_HIDDEN))
			fprintf(f, "  %-10s %s\n", c->name, c->summary);
	}
	fputs("\n'zdiag help COMMAND' or 'zdiag COMMAND --help' shows a command's options.\n"
	      "exit status: 0 nothing found, 1 found (stuck zombies, failed probes),\n"
	      "2 usage or runtime error; see zdiag(1).\n", f);
}

static int
cmd_help_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	const struct zd_cmd *c;

	if (argc < 2) {
		main_help(stdout);
		return ZD_EXIT_OK;
	}
	if (argc > 2)
		return zd_usage_error("help", "too many arguments");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		zd_cmd_print_help(cmd, stdout);
		return ZD_EXIT_OK;
	}
	c = zd_cmd_find(argv[1]);
	if (!c || (c->flags & ZD_CMD_HIDDEN))
		return zd_usage_error(NULL, "unknown command '%s'", argv[1]);
	zd_cmd_print_help(c, stdout);
	return ZD_EXIT_OK;
}

const struct zd_cmd zd_cmd_help = {
	.name = "help",
	.fn = cmd_help_fn,
	.summary = "show help for zdiag or one command",
	.synopsis = "[COMMAND]",
	.description = "Show the list of commands, or the options of COMMAND.",
	.positional = "@subcommand",
};

int
main(int argc, char **argv)
{
	const struct zd_cmd *c;
	const char *name;

	/* A closed stdin/stdout/stderr must not make later opens land on 0-2. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) < 0)
			return ZD_EXIT_ERROR;
	signal(SIGPIPE, SIG_DFL);

	if (argc < 2) {
		main_help(stderr);
		return ZD_EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		main_help(stdout);
		return ZD_EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("zdiag %s\n", ZD_VERSION_STRING);
		return ZD_EXIT_OK;
	}
	if (name[0] == '-')
		return zd_usage_error(NULL, "unknown option '%s'", name);
	c = zd_cmd_find(name);
	if (!c)
		return zd_usage_error(NULL, "unknown command '%s'", name);
	return c->fn(c, argc - 1, argv + 1);
}
