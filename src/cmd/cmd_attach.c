/* zdiag attach: placeholder until its issue lands (replaced by the real command). */
#include "zdiag/cmd.h"
#include "zdiag/err.h"

static int
cmd_attach_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return zd_error("'%s' is not implemented yet", cmd->name);
}

const struct zd_cmd zd_cmd_attach = {
	.name = "attach",
	.fn = cmd_attach_fn,
	.summary = "(not implemented yet)",
	.flags = ZD_CMD_HIDDEN,
};
