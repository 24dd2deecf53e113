/*
 * zdiag attach / zdiag run: a small, fast, safe ptrace debugger.
 *
 * `attach PID --bt` stops every thread, copies registers and stacks,
 * detaches, and only then unwinds and symbolizes (the pause is a few ms).
 * `attach PID` (or `-e CMD`) keeps the process stopped for a session of
 * commands; `run -- CMD` starts a program under the debugger.  The engine
 * is the library in src/debug (include/zdiag/dbg.h: the session, the
 * command table, --bt) over src/ptrace and src/debug; this file is the front-end: options,
 * the prompt (readline, history, completion from the command table),
 * printing what the library wrote into its struct zd_dbg_out, exit codes.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "zdiag/cmd.h"
#include "zdiag/dbg.h"
#include "zdiag/debuginfod.h"
#include "zdiag/err.h"
#include "zdiag/esc.h"
#include "zdiag/regs.h"
#include "zdiag/shield.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

/* Shared with cmd_run.c. */
int zd_attach_main(const struct zd_cmd *cmd, int argc, char **argv, bool run_mode);
extern const struct zd_opt zd_attach_run_opts[];

enum {
	OPT_BT = ZD_OPT_LONG,
	OPT_UNIQUE,
	OPT_JSON,
	OPT_TIMEOUT,
	OPT_MAX_FRAMES,
	OPT_NO_LINES,
	OPT_STACK_SIZE,
	OPT_LINES,
	OPT_COLOR,
	OPT_CORE,
};

static const struct zd_opt attach_opts[] = {
	{ 'e', 'e', "eval", ZD_ARG_REQ, "CMD", "run CMD (repeatable), then detach; no prompt", NULL },
	{ OPT_BT, 0, "bt", ZD_ARG_NONE, NULL, "all-thread backtrace, pausing the process only to copy stacks", NULL },
	{ OPT_CORE, 0, "core", ZD_ARG_REQ, "FILE", "write an ELF core of the process to FILE, then detach", NULL },
	{ OPT_UNIQUE, 0, "unique", ZD_ARG_NONE, NULL, "with --bt: group threads with identical stacks", NULL },
	{ OPT_JSON, 0, "json", ZD_ARG_NONE, NULL, "with --bt: one JSON document (schema: docs/attach-json.md)", NULL },
	{ OPT_TIMEOUT, 0, "timeout", ZD_ARG_REQ, "MS", "give up on a thread that does not stop within MS (default 1000)", NULL },
	{ OPT_MAX_FRAMES, 0, "max-frames", ZD_ARG_REQ, "N", "at most N frames per thread (default 256)", NULL },
	{ OPT_STACK_SIZE, 0, "stack-size", ZD_ARG_REQ, "KB", "copy at most KB of each stack (default 1024)", NULL },
	{ OPT_LINES, 0, "lines", ZD_ARG_NONE, NULL, "with --bt: FILE:LINE from separate debug files too (slower)", NULL },
	{ OPT_NO_LINES, 0, "no-lines", ZD_ARG_NONE, NULL, "do not look up FILE:LINE in DWARF", NULL },
	{ 'q', 'q', "quiet", ZD_ARG_NONE, NULL, "no session messages (attached, detached)", NULL },
	{ 'v', 'v', "verbose", ZD_ARG_NONE, NULL, "report how long the process was stopped", NULL },
	{ OPT_COLOR, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never", "auto always never" },
	{ 0 },
};

const struct zd_opt zd_attach_run_opts[] = {
	{ 'e', 'e', "eval", ZD_ARG_REQ, "CMD", "run CMD (repeatable); then let the program run to completion", NULL },
	{ OPT_TIMEOUT, 0, "timeout", ZD_ARG_REQ, "MS", "give up on a thread that does not stop within MS (default 1000)", NULL },
	{ OPT_MAX_FRAMES, 0, "max-frames", ZD_ARG_REQ, "N", "at most N frames per thread (default 256)", NULL },
	{ OPT_NO_LINES, 0, "no-lines", ZD_ARG_NONE, NULL, "do not look up FILE:LINE in DWARF", NULL },
	{ 'q', 'q', "quiet", ZD_ARG_NONE, NULL, "no session messages", NULL },
	{ OPT_COLOR, 0, "color", ZD_ARG_OPT, "WHEN", "colour: auto (default), always, never", "auto always never" },
	{ 0 },
};

/* ---------------------------------------------------------------- */
/* Rendering the library's output                                    */

/* The session and what the front-end adds to it. */
struct fe {
	struct zd_dbg d;
	struct zd_dbg_out out;
	bool failed;          /* a command failed: exit status 1 */
	bool all_lines;       /* --lines */
	const char *core;     /* --core FILE */
	int sigfd;            /* SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH */
	bool bt;              /* --bt: a signal during a download ends zdiag */
	bool dinfod_tty;      /* stderr is a terminal: show download progress */
	bool dinfod_line;     /* a progress line is on the terminal */
	int dinfod_pct;       /* the percentage it shows (-1: none yet) */
};

static struct fe *g_fe;  /* for readline completion and the fatal-signal handler */

/* Text on stdout, then each diagnostic line as "zdiag: LINE" on stderr. */
static void
render(struct zd_dbg_out *out, void *ctx)
{
	const char *line = out->err.buf;

	(void)ctx;
	fwrite(out->text.buf, 1, out->text.len, stdout);
	fflush(stdout);
	while (*line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		zd_error("%.*s", len, line);
		line += len + (nl ? 1 : 0);
	}
	zd_sb_reset(&out->text);
	zd_sb_reset(&out->err);
}

static void
exec_line(struct fe *fe, const char *line)
{
	if (zd_dbg_exec(&fe->d, line, &fe->out) < 0)
		fe->failed = true;
	zd_dbg_out_flush(&fe->out);
}

/* ---------------------------------------------------------------- */
/* debuginfod: a progress line on a terminal, failures in one line   */

/* A signal that came during a download (they are blocked here): Ctrl-C
 * cancels the downloads, SIGTERM & co. (and Ctrl-C under --bt) also end
 * zdiag once the process has been let go. */
static bool
dinfod_interrupted(struct fe *fe)
{
	static const struct timespec zero;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sig = sigtimedwait(&set, NULL, &zero);
	if (sig <= 0)
		return false;
	if (sig != SIGINT || fe->bt)
		fe->d.end_signal = sig;
	zd_dinfod_disable();
	return true;
}

static int
dinfod_hook(void *ctx, enum zd_dinfod_event ev, const struct zd_dinfod_report *r)
{
	struct fe *fe = ctx;
	struct zd_sb e = ZD_SB_INIT;
	int pct;

	switch (ev) {
	case ZD_DINFOD_PROGRESS:
		if (dinfod_interrupted(fe))
			return 1;
		pct = r->total > 0 && r->done >= 0 ? (int)(ZD_MIN(r->done, r->total) * 100 / r->total) : -1;
		if (!fe->dinfod_tty || (fe->dinfod_line && pct == fe->dinfod_pct))
			return 0;
		zd_esc_cs(&e, r->path ? r->path : r->build_id, 0);
		fprintf(stderr, "\rDownloading separate debug info for %s...", e.buf);
		if (pct >= 0)
			fprintf(stderr, " %d%%", pct);
		fputs("\033[K", stderr);
		fflush(stderr);
		fe->dinfod_line = true;
		fe->dinfod_pct = pct;
		break;
	case ZD_DINFOD_END:
		if (fe->dinfod_line)
			fputs("\r\033[K", stderr);
		fe->dinfod_line = false;
		fe->dinfod_pct = -1;
		break;
	case ZD_DINFOD_FAILED:
		zd_esc_cs(&e, r->path ? r->path : "?", 0);
		zd_error("no debug info for %s (build-id %s): debuginfod: %s", e.buf, r->build_id,
			 r->err == -ENOENT ? "Not found" : r->err == -EINTR ? "download interrupted" : strerror(-r->err));
		break;
	case ZD_DINFOD_NO_LIBRARY:
		zd_error("DEBUGINFOD_URLS is set but debuginfod cannot be used: %s", r->msg ? r->msg : "?");
		break;
	}
	zd_sb_release(&e);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Interactive prompt                                                */

static char *
history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct zd_sb sb = ZD_SB_INIT;

	if (state && *state == '/')
		zd_sb_addf(&sb, "%s/zdiag", state);
	else if (home && *home)
		zd_sb_addf(&sb, "%s/.local/state/zdiag", home);
	else
		return NULL;
	/* mkdir -p, private */
	for (char *p = sb.buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(sb.buf, 0700);
			*p = '/';
		}
	mkdir(sb.buf, 0700);
	zd_sb_adds(&sb, "/history");
	return zd_sb_detach(&sb);
}

static char *
gen_words(const char *text, int state, const char *const *words, size_t n)
{
	static size_t i;
	size_t len = strlen(text);

	if (!state)
		i = 0;
	while (i < n) {
		const char *w = words[i++];

		if (w && !strncmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static int
add_name(const struct zd_dbg_cmd *c, void *ctx)
{
	const char **w = ctx;
	size_t i = 0;

	while (w[i])
		i++;
	w[i] = c->name;
	return 0;
}

static char *
gen_cmd(const char *text, int state)
{
	static const char *w[64];

	if (!w[0])
		zd_dbg_cmd_each(add_name, w);
	return gen_words(text, state, w, ZD_ARRAY_SIZE(w) - 1);
}

/* The first argument's words of the command being completed (info ...). */
static const char *arg_words;

static char *
gen_arg(const char *text, int state)
{
	static const char *p;
	size_t len = strlen(text);

	if (!state)
		p = arg_words;
	while (p && *p) {
		size_t n = strcspn(p, " ");
		const char *w = p;

		p += n;
		p += strspn(p, " ");
		if (n >= len && !strncmp(w, text, len))
			return zd_xstrndup(w, n);
	}
	return NULL;
}

static char *
gen_reg(const char *text, int state)
{
	static size_t i;
	size_t n, len = strlen(text);
	const struct zd_reg *tab = zd_reg_table(&n);

	if (!state)
		i = 0;
	while (i < n) {
		const char *w = tab[i++].name;

		if (!strncmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static char *
gen_sym(const char *text, int state)
{
	static size_t mi, si;
	size_t len = strlen(text);
	struct zd_dbg *d = &g_fe->d;

	if (!state) {
		mi = 0;
		si = 0;
		if (zd_dbg_load_space(d) < 0)
			return NULL;
	}
	for (; mi < d->space.nmods; mi++, si = 0) {
		const struct zd_module *m = &d->space.mods[mi];
		const struct zd_sym *s;
		size_t n;

		if (!m->elf)
			continue;
		s = zd_elf_syms(m->elf, &n);
		while (si < n) {
			const char *name = s[si++].name;

			if (!strncmp(name, text, len))
				return strdup(name);
		}
	}
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	char first[32] = "";
	const struct zd_dbg_cmd *c;
	int i = 0;

	(void)end;
	rl_attempted_completion_over = 1;
	while (rl_line_buffer[i] == ' ')
		i++;
	if (start <= i)
		return rl_completion_matches(text, gen_cmd);
	sscanf(rl_line_buffer + i, "%31s", first);
	c = zd_dbg_cmd_find(first);
	if (c && c->words) {
		arg_words = c->words;
		return rl_completion_matches(text, gen_arg);
	}
	if ((c && (c->flags & ZD_DBG_COMPLETE_REGS)) || text[0] == '$')
		return rl_completion_matches(text[0] == '$' ? text + 1 : text, gen_reg);
	return rl_completion_matches(text, gen_sym);
}

static char *pending_line;
static bool line_eof;

static void
on_line(char *line)
{
	if (!line)
		line_eof = true;
	pending_line = line;
}

/* Wait for input or a signal; returns the signal number when one came. */
static int
wait_input(struct fe *fe)
{
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { fe->sigfd, POLLIN, 0 } };

	for (;;) {
		int r = poll(pf, fe->sigfd >= 0 ? 2 : 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return SIGHUP;
		if (fe->sigfd >= 0 && (pf[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(fe->sigfd, &si, sizeof(si)) == sizeof(si))
				return (int)si.ssi_signo;
		}
		if (pf[0].revents)
			return 0;
	}
}

static void
repl_tty(struct fe *fe)
{
	char *hist = history_path();

	using_history();
	stifle_history(1000);
	if (hist)
		read_history(hist);
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_readline_name = "zdiag";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n+-";
	rl_callback_handler_install("(zdiag) ", on_line);
	while (!fe->d.done && !fe->d.end_signal) {
		int sig = wait_input(fe);

		if (sig == SIGINT) {
			/* Ctrl-C at the prompt: drop the line. */
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_crlf();
			rl_replace_line("", 0);
			rl_on_new_line();
			rl_redisplay();
			continue;
		}
		if (sig == SIGWINCH) {
			rl_resize_terminal();
			continue;
		}
		if (sig) {
			fe->d.end_signal = sig;
			break;
		}
		rl_callback_read_char();
		if (line_eof) {
			putchar('\n');
			break;
		}
		if (pending_line) {
			char *line = pending_line;

			pending_line = NULL;
			rl_callback_handler_remove();
			for (size_t n = strlen(line); n && isspace((unsigned char)line[n - 1]); n--)
				line[n - 1] = '\0';
			if (*line) {
				HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;

				if (!last || strcmp(last->line, line))
					add_history(line);
			}
			exec_line(fe, line);
			free(line);
			if (!fe->d.done && !fe->d.end_signal)
				rl_callback_handler_install("(zdiag) ", on_line);
		}
	}
	rl_callback_handler_remove();
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, 1000);
		free(hist);
	}
	clear_history();
}

/* Commands from a pipe or file: no prompt, no echo. */
static void
repl_pipe(struct fe *fe)
{
	struct zd_sb buf = ZD_SB_INIT;
	bool eof = false;

	while (!fe->d.done && !fe->d.end_signal) {
		char *nl = memchr(buf.buf, '\n', buf.len);

		if (nl || (eof && buf.len)) {
			size_t n = nl ? (size_t)(nl - buf.buf) : buf.len;
			char *line = zd_xstrndup(buf.buf, n);

			memmove(buf.buf, buf.buf + n + (nl ? 1 : 0), buf.len - n - (nl ? 1 : 0));
			zd_sb_setlen(&buf, buf.len - n - (nl ? 1 : 0));
			exec_line(fe, line);
			free(line);
			continue;
		}
		if (eof)
			break;
		{
			int sig = wait_input(fe);
			char chunk[4096];
			ssize_t r;

			if (sig && sig != SIGWINCH) {
				fe->d.end_signal = sig;
				break;
			}
			if (sig)
				continue;
			r = read(0, chunk, sizeof(chunk));
			if (r <= 0)
				eof = true;
			else
				zd_sb_add(&buf, chunk, (size_t)r);
		}
	}
	zd_sb_release(&buf);
}

/* zdiag is crashing: never leave int3 bytes or stopped threads behind. */
static void
on_fatal(int sig)
{
	if (g_fe)
		zd_dbg_emergency(&g_fe->d);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_fatal_handlers(void)
{
	/* Under AddressSanitizer, SEGV & co. stay with its reports. */
#ifndef __SANITIZE_ADDRESS__
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE };
#else
	static const int sigs[] = { SIGABRT };
#endif
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < ZD_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int
parse_common(struct fe *fe, struct zd_optparse *p, int id)
{
	struct zd_dbg *d = &fe->d;
	long long v;
	enum zd_color cm;

	switch (id) {
	case OPT_TIMEOUT:
		if (zd_parse_ms(p->arg, 3600000, &v) < 0 || v < 1)
			return zd_usage_error(p->cmd->name, "--timeout wants milliseconds (1..3600000), not '%s'", p->arg);
		d->timeout_ms = v;
		return 0;
	case OPT_MAX_FRAMES:
		if (zd_parse_ll(p->arg, 1, 100000, &v) < 0)
			return zd_usage_error(p->cmd->name, "--max-frames wants 1..100000, not '%s'", p->arg);
		d->max_frames = (size_t)v;
		return 0;
	case OPT_STACK_SIZE:
		if (zd_parse_ll(p->arg, 4, 1024 * 1024, &v) < 0)
			return zd_usage_error(p->cmd->name, "--stack-size wants KB (4..1048576), not '%s'", p->arg);
		d->stack_max = (size_t)v * 1024;
		return 0;
	case OPT_NO_LINES:
		d->lines = false;
		return 0;
	case OPT_LINES:
		d->lines = true;
		fe->all_lines = true;
		return 0;
	case 'q':
		d->quiet = true;
		return 0;
	case 'v':
		d->verbose = true;
		return 0;
	case OPT_COLOR:
		if (zd_color_parse(p->arg, &cm) < 0)
			return zd_usage_error(p->cmd->name, "--color wants auto, always or never, not '%s'", p->arg);
		d->color = zd_color_use(cm, 1);
		return 0;
	}
	return -1;
}

/* ---------------------------------------------------------------- */
/* Entry points                                                      */

/* Options; -1 to go on, or the exit code (--help: 0). */
static int
parse_args(struct fe *fe, const struct zd_cmd *cmd, int argc, char **argv, bool run_mode, struct zd_optparse *p,
	   const char ***evals, size_t *nevals, bool *bt, bool *unique, bool *json)
{
	size_t alloc = 0;
	long long v;
	int id, rc;

	zd_opt_init(p, cmd, argc, argv);
	while ((id = zd_opt_next(p)) != ZD_OPT_END) {
		switch (id) {
		case 'e':
			ZD_GROW(*evals, alloc, *nevals + 1);
			(*evals)[(*nevals)++] = p->arg;
			break;
		case OPT_BT:
			*bt = true;
			break;
		case OPT_CORE:
			fe->core = p->arg;
			break;
		case OPT_UNIQUE:
			*unique = true;
			break;
		case OPT_JSON:
			*json = true;
			break;
		default:
			if (id == ZD_OPT_HELP || id == ZD_OPT_ERROR)
				return zd_opt_default(p, id);
			rc = parse_common(fe, p, id);
			if (rc) {
				zd_opt_release(p);
				return rc < 0 ? ZD_EXIT_USAGE : rc;
			}
		}
	}
	if (run_mode)
		return p->ind >= argc ? zd_usage_error(cmd->name, "no command to run (zdiag run [-e CMD]... -- CMD [ARGS])")
				      : -1;
	if (p->ind >= argc)
		return zd_usage_error(cmd->name, "no pid given");
	if (p->ind + 1 < argc)
		return zd_usage_error(cmd->name, "unexpected argument '%s'", argv[p->ind + 1]);
	if (zd_parse_ll(argv[p->ind], 1, INT_MAX, &v) < 0)
		return zd_usage_error(cmd->name, "'%s' is not a pid", argv[p->ind]);
	fe->d.pid = (pid_t)v;
	if ((*unique || *json || fe->all_lines) && !*bt)
		return zd_usage_error(cmd->name, "--unique, --json and --lines go with --bt");
	if (*bt && *nevals)
		return zd_usage_error(cmd->name, "--bt and -e do not mix (use -e 'bt all')");
	if (fe->core && (*bt || *nevals))
		return zd_usage_error(cmd->name, "--core goes alone (use -e 'gcore FILE' in a session)");
	return -1;
}

/* The session messages of the start. */
static void
say_started(struct fe *fe, const char *what)
{
	struct zd_dbg *d = &fe->d;
	size_t stopped = zd_pt_count(&d->pt, ZD_TH_STOPPED), stuck = zd_pt_count(&d->pt, ZD_TH_STUCK);
	struct zd_sb e = ZD_SB_INIT;

	zd_esc_cs(&e, what, 0);
	if (d->run_mode)
		fprintf(stderr, "zdiag: started %d (%s), stopped before its first instruction\n", (int)d->pid, e.buf);
	else
		fprintf(stderr, "zdiag: attached to %d (%s): %zu thread%s stopped%s\n", (int)d->pid, e.buf, stopped,
			stopped == 1 ? "" : "s", d->target.kind == ZD_TARGET_ZOMBIE_LEADER ? " (zombie leader)" : "");
	if (stuck)
		fprintf(stderr, "zdiag: warning: %zu thread%s did not stop within %lld ms (see 'info threads')\n", stuck,
			stuck == 1 ? "" : "s", d->timeout_ms);
	if (d->interactive)
		fprintf(stderr, "zdiag: 'help' lists the commands; 'detach' or Ctrl-D ends the session\n");
	zd_sb_release(&e);
}

/* Commands from -e, then from a terminal or standard input. */
static void
run_commands(struct fe *fe, const char **evals, size_t nevals)
{
	struct zd_dbg *d = &fe->d;
	size_t i;

	for (i = 0; i < nevals && !d->done && !d->end_signal; i++) {
		struct pollfd pf = { fe->sigfd, POLLIN, 0 };

		exec_line(fe, evals[i]);
		if (fe->sigfd >= 0 && poll(&pf, 1, 0) > 0) {
			struct signalfd_siginfo si;

			if (read(fe->sigfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGWINCH)
				d->end_signal = (int)si.ssi_signo;
		}
	}
	if (!nevals && !d->done && !d->end_signal) {
		if (d->interactive)
			repl_tty(fe);
		else
			repl_pipe(fe);
	}
}

/* Attach or start the program, run the commands, end the session; the exit code. */
static int
session(struct fe *fe, char **argv, bool run_mode, const char **evals, size_t nevals, bool bt, bool unique, bool json,
	sigset_t *block)
{
	struct zd_dbg *d = &fe->d;
	int ret;

	if (!run_mode) {
		if (zd_dbg_check_target(d, &fe->out) < 0)
			return ZD_EXIT_ERROR;
		if (fe->core) {
			ret = zd_dbg_core_batch(d, fe->core, &fe->out);
			return ret < 0 ? ZD_EXIT_ERROR : ret > 0 ? ZD_EXIT_FOUND : ZD_EXIT_OK;
		}
		if (bt) {
			d->own_lines = !fe->all_lines;
			fe->bt = true;
			ret = zd_dbg_fast_bt(d, unique, json, &fe->out);
			if (d->end_signal)
				return 128 + d->end_signal;
			return ret < 0 ? ZD_EXIT_ERROR : ret > 0 ? ZD_EXIT_FOUND : ZD_EXIT_OK;
		}
		/* From here on the tracer is a child the user's kill cannot reach
		 * unannounced (include/zdiag/shield.h). */
		if (zd_shield_split(&ret) > 0)
			return ret;
		if (zd_dbg_attach(d, &fe->out) < 0)
			return ZD_EXIT_ERROR;
	} else {
		if (zd_shield_split(&ret) > 0)
			return ret;
		ret = zd_dbg_launch(d, argv, &fe->out);
		if (ret < 0)
			return ret == -ENOENT ? ZD_EXIT_NOT_FOUND : ZD_EXIT_CANNOT_EXEC;
	}
	install_fatal_handlers();
	d->interactive = !nevals && isatty(0);
	fe->sigfd = signalfd(-1, block, SFD_CLOEXEC);
	if (!d->quiet)
		say_started(fe, run_mode ? argv[0] : d->target.comm);
	run_commands(fe, evals, nevals);
	/* End of batch, EOF, a signal: leave the process as it was found. */
	if (!d->done)
		zd_dbg_end(d, false, &fe->out);
	zd_dbg_out_flush(&fe->out);
	if (run_mode && !d->have_exit_code && !d->pt.exited) {
		/* Detached: the program runs to completion; report its status.
		 * zdiag stays killable meanwhile. */
		sigprocmask(SIG_UNBLOCK, block, NULL);
		zd_dbg_wait_program(d);
	}
	if (d->end_signal)
		return 128 + d->end_signal;
	if (run_mode && d->have_exit_code)
		return d->exit_code;
	return fe->failed ? ZD_EXIT_FOUND : ZD_EXIT_OK;
}

int
zd_attach_main(const struct zd_cmd *cmd, int argc, char **argv, bool run_mode)
{
	struct fe fe = { .sigfd = -1 };
	struct zd_optparse p;
	const char **evals = NULL;
	size_t nevals = 0;
	bool bt = false, unique = false, json = false;
	sigset_t block;
	int rc;

	zd_dbg_init(&fe.d);
	zd_dbg_out_init(&fe.out, render, NULL);
	fe.d.run_mode = run_mode;
	fe.d.color = zd_color_use(ZD_COLOR_AUTO, 1);
	rc = parse_args(&fe, cmd, argc, argv, run_mode, &p, &evals, &nevals, &bt, &unique, &json);
	if (rc >= 0) {
		free(evals);
		zd_dbg_release(&fe.d);
		zd_dbg_out_release(&fe.out);
		return rc;
	}
	if (zd_dbg_open(&fe.d, &fe.out) < 0) {
		zd_dbg_out_flush(&fe.out);
		zd_dbg_release(&fe.d);
		zd_dbg_out_release(&fe.out);
		free(evals);
		return ZD_EXIT_ERROR;
	}
	g_fe = &fe;

	/* Signals that end or interrupt a session are taken synchronously. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	fe.d.wake = block;
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, NULL);

	fe.dinfod_tty = isatty(2);
	fe.dinfod_pct = -1;
	zd_dinfod_set_hook(dinfod_hook, &fe);
	rc = session(&fe, argv + p.ind, run_mode, evals, nevals, bt, unique, json, &block);
	zd_dinfod_set_hook(NULL, NULL);
	zd_dbg_out_flush(&fe.out);
	zd_dbg_release(&fe.d);
	zd_dbg_out_release(&fe.out);
	if (fe.sigfd >= 0)
		close(fe.sigfd);
	free(evals);
	g_fe = NULL;
	return rc;
}

static int
cmd_attach_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	return zd_attach_main(cmd, argc, argv, false);
}

const struct zd_cmd zd_cmd_attach = {
	.name = "attach",
	.fn = cmd_attach_fn,
	.summary = "debug a running process: all-thread stacks in milliseconds, or a session",
	.synopsis = "PID --bt [--unique] [--json] [--lines | --no-lines] [--timeout MS] [--max-frames N] [--stack-size KB] [-v]\n"
		    "PID --core FILE [--timeout MS] [-v]\n"
		    "PID [-e CMD]... [-q] [--timeout MS]\n",
	.description =
		"Attach to every thread of PID with PTRACE_SEIZE (never a SIGSTOP).  With --bt, copy\n"
		"registers and stacks, detach at once, then unwind (libunwind, frame-pointer fallback)\n"
		"and symbolize (.symtab, debug files by build-id, from debuginfod when DEBUGINFOD_URLS\n"
		"is set, vDSO): the process is stopped only for the copy.  Otherwise keep it stopped\n"
		"for commands: from -e (batch), a terminal (readline prompt, history, completion) or\n"
		"standard input.  Every way out (detach, quit, end of input, SIGINT/SIGTERM/SIGHUP,\n"
		"errors) removes breakpoints and leaves the process running (or stopped, if it was\n"
		"stopped before).  A zombie leader whose threads live is attachable.  --core FILE (or\n"
		"'gcore FILE' in a session) writes an ELF core as the kernel would.  'help' at the\n"
		"prompt lists the commands.",
	.opts = attach_opts,
	.positional = "@pid",
	.exit_status = "0 every command succeeded; 1 a command failed (unknown symbol, unreadable address)\n"
		       "or, with --bt, a thread could not be stopped, or with --core, the core could not\n"
		       "be written; 2 usage error or cannot attach;\n"
		       "128+N ended by signal N (after detaching).",
};
