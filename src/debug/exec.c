/*
 * The command table and the one routine that parses a command line: split
 * into words, find the command by name or alias, check the number of
 * arguments and whether a process is needed, call the handler.  Unknown
 * words get the nearest name as a suggestion.  Also `help`.
 */
#include <stdlib.h>
#include <string.h>

#include "zdiag/dbgline.h"
#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

#define MAX_WORDS 16

/* In the order of 'help'. */
static const struct zd_dbg_cmd *const groups[] = {
	zd_dbg_cmds_data, zd_dbg_cmds_stack, zd_dbg_cmds_src, zd_dbg_cmds_info, zd_dbg_cmds_break, zd_dbg_cmds_watch,
	zd_dbg_cmds_step, zd_dbg_cmds_resume, zd_dbg_cmds_core, zd_dbg_cmds_x, zd_dbg_cmds_list, zd_dbg_cmds_help,
};

int
zd_dbg_cmd_each(int (*fn)(const struct zd_dbg_cmd *c, void *ctx), void *ctx)
{
	size_t g;
	int r;

	for (g = 0; g < ZD_ARRAY_SIZE(groups); g++)
		for (const struct zd_dbg_cmd *c = groups[g]; c->name; c++)
			if ((r = fn(c, ctx)) != 0)
				return r;
	return 0;
}

/* Is word one of the space-separated words of list? */
static bool
in_list(const char *list, const char *word)
{
	size_t len = strlen(word);

	while (list && *list) {
		size_t n = strcspn(list, " ");

		if (n == len && !strncmp(list, word, len))
			return true;
		list += n;
		list += strspn(list, " ");
	}
	return false;
}

struct find {
	const char *name;
	const struct zd_dbg_cmd *found;
};

static int
find_one(const struct zd_dbg_cmd *c, void *ctx)
{
	struct find *f = ctx;

	if (strcmp(c->name, f->name) && !in_list(c->aliases, f->name))
		return 0;
	f->found = c;
	return 1;
}

const struct zd_dbg_cmd *
zd_dbg_cmd_find(const char *name)
{
	struct find f = { name, NULL };

	zd_dbg_cmd_each(find_one, &f);
	return f.found;
}

/* Levenshtein distance of short words (longer ones are never near). */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[33], i, j;

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

struct near {
	const char *word;
	const char *best;        /* not NUL-terminated when it is an alias */
	int len;
	size_t dist;
};

static int
near_one(const struct zd_dbg_cmd *c, void *ctx)
{
	struct near *n = ctx;
	const char *w = c->name;

	/* The name, then each alias. */
	for (const char *next = c->aliases; w; w = next, next = NULL) {
		while (*w) {
			size_t len = strcspn(w, " "), dist = edit_distance(n->word, strlen(n->word), w, len);

			if (dist < n->dist) {
				n->dist = dist;
				n->best = w;
				n->len = (int)len;
			}
			w += len;
			w += strspn(w, " ");
		}
	}
	return 0;
}

int
zd_dbg_cmd_suggest(const char *word, const char **name)
{
	size_t len = strlen(word);
	struct near n = { word, NULL, 0, SIZE_MAX };

	zd_dbg_cmd_each(near_one, &n);
	/* One edit for short words, two for longer ones; never the whole word. */
	if (!n.best || n.dist > (len <= 3 ? 1u : 2u) || n.dist >= len)
		return 0;
	*name = n.best;
	return n.len;
}

int
zd_dbg_exec(struct zd_dbg *d, const char *line, struct zd_dbg_out *out)
{
	char *copy = zd_xstrdup(line), *argv[MAX_WORDS];
	int argc = zd_dbg_split(copy, argv, MAX_WORDS), ret = 0;
	const struct zd_dbg_cmd *c;

	if (argc == 0)
		goto out;
	c = zd_dbg_cmd_find(argv[0]);
	if (!c && strchr(argv[0], '/')) {
		/* gdb's NAME/FMT (print/x, p/x): the handler reads the format */
		char *name = zd_xstrndup(argv[0], strcspn(argv[0], "/"));

		c = zd_dbg_cmd_find(name);
		free(name);
		if (c && !(c->flags & ZD_DBG_FORMAT))
			c = NULL;
	}
	if (!c) {
		const char *near;
		int nlen = zd_dbg_cmd_suggest(argv[0], &near);
		struct zd_sb e = ZD_SB_INIT;

		zd_esc_cs(&e, argv[0], 0);
		if (nlen)
			ret = zd_dbg_fail(out, "unknown command '%s' (see 'help'); did you mean '%.*s'?", e.buf, nlen, near);
		else
			ret = zd_dbg_fail(out, "unknown command '%s' (see 'help')", e.buf);
		zd_sb_release(&e);
		goto out;
	}
	if (argc - 1 < c->min_args || (c->max_args != ZD_DBG_ARGS_ANY && argc - 1 > c->max_args)) {
		ret = zd_dbg_fail(out, "usage: %s", c->usage);
		goto out;
	}
	if ((c->flags & ZD_DBG_NEED_PROCESS) && !dbg_need_process(d, out)) {
		ret = -1;
		goto out;
	}
	d->line = line;
	ret = c->fn(d, argc, argv, out) < 0 ? -1 : 0;
	d->line = NULL;
out:
	free(copy);
	return ret;
}

/* ---------------------------------------------------------------- */
/* help                                                              */

static int
help_row(const struct zd_dbg_cmd *c, void *ctx)
{
	zd_sb_addf(ctx, "  %-38s %s\n", c->usage, c->help);
	return 0;
}

static int
cmd_help(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	if (argc == 2) {
		const struct zd_dbg_cmd *c = zd_dbg_cmd_find(argv[1]);

		if (!c)
			return dbg_fail_word(out, "no command '%s' (see 'help')", argv[1]);
		zd_sb_addf(&out->text, "%s\n    %s\n", c->usage, c->help);
		return 0;
	}
	zd_dbg_cmd_each(help_row, &out->text);
	zd_sb_adds(&out->text, "Addresses: numbers (0x..), $REG, SYMBOL or MODULE!SYMBOL, joined by + and -.\n");
	zd_sb_adds(&out->text, "Locations (break, tbreak, until, advance): FILE:LINE, LINE, FUNC, *ADDRESS.\n");
	return 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_help[] = {
	{ "help", NULL, 0, 1, 0, cmd_help, "help [COMMAND]", "this list", NULL },
	{ 0 },
};
