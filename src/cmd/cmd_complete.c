/*
 * zdiag __complete CWORD WORDS...: shell completion candidates, one per
 * line, computed from the option tables so completions cannot drift from
 * the code.  "@file", "@dir" and "@command" ask the shell to complete
 * file names, directories or command names itself.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/cmd.h"
#include "zdiag/err.h"

static bool
has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void
emit(const char *cand, const char *cur)
{
	if (has_prefix(cand, cur))
		puts(cand);
}

static void
complete_hint(const char *hint, const char *cur)
{
	if (!hint)
		return;
	if (!strcmp(hint, "@pid")) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d)
			return;
		while ((de = readdir(d)))
			if (isdigit((unsigned char)de->d_name[0]))
				emit(de->d_name, cur);
		closedir(d);
	} else if (!strcmp(hint, "@subcommand")) {
		for (size_t i = 0; zd_commands[i]; i++)
			if (!(zd_commands[i]->flags & ZD_CMD_HIDDEN))
				emit(zd_commands[i]->name, cur);
	} else if (hint[0] == '@') {
		puts(hint);
	} else {
		char buf[512];
		char *save = NULL, *w;

		snprintf(buf, sizeof(buf), "%s", hint);
		for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
			emit(w, cur);
	}
}

/* The option named by word ("-p", "--pid"), or NULL. */
static const struct zd_opt *
lookup_opt(const struct zd_cmd *c, const char *word)
{
	const struct zd_opt *o;

	for (o = c->opts; o && (o->sname || o->lname); o++) {
		if (word[0] == '-' && word[1] == '-' && o->lname && !strcmp(word + 2, o->lname))
			return o;
		if (word[0] == '-' && word[1] == o->sname && o->sname && !word[2])
			return o;
	}
	return NULL;
}

static int
complete(int cword, int nwords, char **words)
{
	const char *cur = cword < nwords ? words[cword] : "";
	const struct zd_cmd *c;
	const struct zd_opt *o;
	int i, npos = 0;

	if (cword <= 1) {
		complete_hint("@subcommand", cur);
		emit("--help", cur);
		emit("--version", cur);
		return 0;
	}
	c = zd_cmd_find(words[1]);
	if (!c || (c->flags & ZD_CMD_HIDDEN))
		return 0;

	/* Count operands before the cursor (options with arguments skip one). */
	for (i = 2; i < cword; i++) {
		const char *w = words[i];

		if (!strcmp(w, "--")) {
			npos++;
			break;
		}
		if (w[0] == '-' && w[1]) {
			o = lookup_opt(c, w);
			if (o && o->arg == ZD_ARG_REQ && !strchr(w, '='))
				i++;
			continue;
		}
		if (!strcmp(w, "=") || (i > 2 && !strcmp(words[i - 1], "=")))
			continue;
		npos++;
		if (c->flags & ZD_CMD_STOP_AT_NONOPT)
			break;
	}
	if ((c->flags & ZD_CMD_STOP_AT_NONOPT) && npos) {
		puts("@file");
		return 0;
	}

	/* Argument of the previous option ("-p 12", "--pid 12", "--pid=12"). */
	if (cword >= 3 && !strcmp(words[cword - 1], "=") && (o = lookup_opt(c, words[cword - 2]))) {
		complete_hint(o->complete, cur);
		return 0;
	}
	if (!strcmp(cur, "=") && (o = lookup_opt(c, words[cword - 1]))) {
		complete_hint(o->complete, "");
		return 0;
	}
	if ((o = lookup_opt(c, words[cword - 1])) && o->arg == ZD_ARG_REQ) {
		complete_hint(o->complete, cur);
		return 0;
	}
	if (cur[0] == '-') {
		const char *eq = strchr(cur, '=');

		if (eq) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - cur), cur);
			if ((o = lookup_opt(c, name)))
				complete_hint(o->complete, eq + 1);
			return 0;
		}
		for (o = c->opts; o && (o->sname || o->lname); o++) {
			char buf[160];

			if (o->lname) {
				snprintf(buf, sizeof(buf), "--%s", o->lname);
				emit(buf, cur);
			} else if (o->sname) {
				snprintf(buf, sizeof(buf), "-%c", o->sname);
				emit(buf, cur);
			}
		}
		emit("--help", cur);
		return 0;
	}
	complete_hint(c->positional, cur);
	return 0;
}

static int
cmd_complete_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	long long cword;

	(void)cmd;
	if (argc < 2 || zd_parse_ll(argv[1], 0, 10000, &cword))
		return zd_usage_error("__complete", "usage: zdiag __complete CWORD WORDS...");
	return complete((int)cword, argc - 2, argv + 2);
}

const struct zd_cmd zd_cmd_complete = {
	.name = "__complete",
	.fn = cmd_complete_fn,
	.summary = "shell completion helper",
	.synopsis = "CWORD WORDS...",
	.flags = ZD_CMD_HIDDEN,
};
