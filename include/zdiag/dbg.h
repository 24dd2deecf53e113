/*
 * The debugger as a library: a session on one process (attached with
 * PTRACE_SEIZE or started under PTRACE_TRACEME) and its commands.
 *
 * Nothing here prints or exits.  Every command and every step of the
 * session's life writes into a struct zd_dbg_out: `text` is the command's
 * output (stdout), `err` holds whole diagnostic lines without the "zdiag: "
 * prefix (errors, "warning: ..." lines and, unless the session is quiet,
 * session messages such as "detached from 1234"); `failed` says a command
 * failed.  The front-end (src/cmd/cmd_attach.c) prints text, then err.
 * Where output must reach the terminal before the command is over (each
 * stop of a `stepi 100`, a long backtrace), the library calls
 * zd_dbg_out_flush(), which hands both buffers to out->flush if set.
 *
 *	struct zd_dbg d;
 *	struct zd_dbg_out out;
 *	zd_dbg_init(&d);                     // then set options: d.pid, d.lines, ...
 *	zd_dbg_out_init(&out, my_print, NULL);
 *	if (zd_dbg_open(&d, &out) == 0 && zd_dbg_attach(&d, &out) == 0) {
 *		zd_dbg_exec(&d, "bt", &out);     // one command line
 *		zd_dbg_end(&d, false, &out);     // detach: the process runs on
 *	}
 *	zd_dbg_out_flush(&out);
 *	zd_dbg_release(&d);
 *
 * Safety (unchanged from the front-end this came from): breakpoints are
 * registered with a guardian process (zdiag is SIGKILLed: it takes the int3
 * bytes out), every end of the session (zd_dbg_end, zd_dbg_emergency)
 * restores them, and no thread stays stopped that was not stopped before.
 */
#ifndef ZDIAG_DBG_H
#define ZDIAG_DBG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdiag/decode.h"
#include "zdiag/disasm.h"
#include "zdiag/guard.h"
#include "zdiag/procfs.h"
#include "zdiag/ptrace.h"
#include "zdiag/strbuf.h"
#include "zdiag/symtab.h"
#include "zdiag/target.h"
#include "zdiag/unwind.h"

/* ---------------------------------------------------------------- */
/* Output sink                                                       */

struct zd_dbg_out;
typedef void zd_dbg_flush_fn(struct zd_dbg_out *out, void *ctx);

struct zd_dbg_out {
	struct zd_sb text;       /* output (stdout) */
	struct zd_sb err;        /* diagnostic lines, each "\n"-terminated, no "zdiag: " */
	bool failed;             /* a command failed since the last zd_dbg_out_reset */
	zd_dbg_flush_fn *flush;  /* renders and empties text and err; may be NULL */
	void *ctx;
};

void zd_dbg_out_init(struct zd_dbg_out *out, zd_dbg_flush_fn *flush, void *ctx);
void zd_dbg_out_release(struct zd_dbg_out *out);
/* Hand text and err to out->flush (which empties them); without one, keep them. */
void zd_dbg_out_flush(struct zd_dbg_out *out);
/* A failed command: one diagnostic line, out->failed.  Returns -1. */
int zd_dbg_fail(struct zd_dbg_out *out, const char *fmt, ...) ZD_PRINTF(2, 3);
/* A diagnostic line that is not a failure ("warning: ...", a note). */
void zd_dbg_diag(struct zd_dbg_out *out, const char *fmt, ...) ZD_PRINTF(2, 3);

/* ---------------------------------------------------------------- */
/* Session                                                           */

/* A thread as seen in /proc before attaching ('info threads': WAS, WCHAN). */
struct zd_dbg_before {
	pid_t tid;
	char state;
	char wchan[64];
	char comm[ZD_COMM_MAX + 1];
};

struct zd_dbg {
	/* Options: set by the caller between zd_dbg_init and zd_dbg_attach/launch. */
	pid_t pid;               /* attach: the target; launch: set by zd_dbg_launch */
	bool run_mode;           /* started by zd_dbg_launch: quit kills, exit status kept */
	bool interactive;        /* a person at a prompt: SIGINT interrupts, does not end */
	bool quiet;              /* no session messages in out->err */
	bool verbose;            /* --bt: report the pause */
	bool lines;              /* FILE:LINE from DWARF */
	bool own_lines;          /* lines only from a module's own DWARF (fast --bt) */
	bool color;              /* ANSI colours in text */
	size_t max_frames;
	size_t stack_max;        /* bytes of each stack copied */
	long long timeout_ms;
	enum zd_syntax syntax;
	sigset_t wake;           /* signals that interrupt a resume (blocked by the caller) */

	/* State. */
	bool opened;             /* zd_dbg_open succeeded */
	struct zd_ptrace pt;
	bool pt_on;              /* pt initialised (zd_pt_init saved the signal mask) */
	struct zd_guard guard;   /* restores int3 bytes if zdiag is killed */
	struct zd_space space;
	bool space_ok;
	struct zd_unwinder *uw;
	struct zd_disasm *dis;
	struct zd_procfs pfs;
	struct zd_target target;
	pid_t cur;               /* current thread */
	bool done;               /* the session is over (detached, killed, exited) */
	int end_signal;          /* a terminating signal arrived (set by resume or the caller) */
	int exit_code;           /* run mode: the program's status, 128+N for signal N */
	bool have_exit_code;
	struct zd_dbg_before *before;
	size_t nbefore;
	struct zd_call call;     /* the syscall entered last (the tracer's decoders) */
	struct zd_sb call_text;  /* its entry half, completed at the exit stop */
	pid_t call_tid;          /* 0: none pending */
	const char *line;        /* the command line being run, as typed (print's expression) */
	struct dbg_src *src;     /* source level: DWARF, frames, the selected one (cmd_src.c) */
	struct zd_watches *watch; /* watchpoints and catchpoints (watch.c), NULL: none yet */
	struct dbg_step *step;   /* breakpoint conditions, tbreak, stepping (step.c) */
};

/* Defaults: lines on, 256 frames, 1 MiB stacks, 1000 ms, AT&T syntax. */
void zd_dbg_init(struct zd_dbg *d);
/* Open /proc, set up the address space.  0 or -errno (the line in out). */
int zd_dbg_open(struct zd_dbg *d, struct zd_dbg_out *out);
/* Is d->pid attachable (live, or a zombie leader with live threads)?
 * 0, or -errno with "cannot attach to PID: why" in out. */
int zd_dbg_check_target(struct zd_dbg *d, struct zd_dbg_out *out);
/* Stop every thread of d->pid for a session; start the guardian.  0 or -errno. */
int zd_dbg_attach(struct zd_dbg *d, struct zd_dbg_out *out);
/* Start argv stopped before its first instruction.  0 or -errno
 * (-ENOENT: not found; other: cannot be executed); the line in out. */
int zd_dbg_launch(struct zd_dbg *d, char *const argv[], struct zd_dbg_out *out);
/* Run one command line (see zd_dbg_cmds).  0, or -1 with out->failed. */
int zd_dbg_exec(struct zd_dbg *d, const char *line, struct zd_dbg_out *out);
/* End the session: detach (breakpoints out, the process runs on) or kill. */
int zd_dbg_end(struct zd_dbg *d, bool kill_it, struct zd_dbg_out *out);
/* Run mode, after detaching: wait for the program to finish, keep its status. */
void zd_dbg_wait_program(struct zd_dbg *d);
/* From a fatal signal handler: breakpoints out, every thread let go. */
void zd_dbg_emergency(struct zd_dbg *d);
/* Stop the guardian, release the tracer and everything else. */
void zd_dbg_release(struct zd_dbg *d);

/* The current thread (switches to another stopped one if it is gone), or NULL. */
struct zd_thread *zd_dbg_cur_thread(struct zd_dbg *d);
/* (Re)load maps and modules while the process is stopped.  0 or -errno. */
int zd_dbg_load_space(struct zd_dbg *d);
/* How long the process was stopped (--bt), in ms. */
double zd_dbg_stopped_ms(const struct zd_dbg *d);

/*
 * `attach --bt`: stop, copy registers and stacks, detach, then unwind and
 * symbolize from the copies; text (or JSON) into out, flushed as it grows.
 * Returns the number of threads that could not be stopped or read (0: all
 * shown), or -errno if attaching failed (the line in out).
 */
int zd_dbg_fast_bt(struct zd_dbg *d, bool unique, bool json, struct zd_dbg_out *out);

/*
 * `attach --core FILE` (cmd_core.c): create FILE, stop every thread, write
 * an ELF core (include/zdiag/core.h), let go.  0; 1 when the core could not
 * be written; -errno when attaching failed (the line in out either way).
 */
int zd_dbg_core_batch(struct zd_dbg *d, const char *file, struct zd_dbg_out *out);

/* ---------------------------------------------------------------- */
/* Commands                                                          */

typedef int zd_dbg_cmd_fn(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out);

enum {
	ZD_DBG_NEED_PROCESS = 1 << 0,   /* fails "no process" once the session is over */
	ZD_DBG_COMPLETE_REGS = 1 << 1,  /* arguments complete as register names */
	ZD_DBG_FORMAT = 1 << 2,         /* also typed as NAME/FMT (print/x) */
};

#define ZD_DBG_ARGS_ANY (-1)

/*
 * One command.  zd_dbg_exec splits the line, finds the command by name or
 * alias, checks min_args..max_args words after the name ("usage: USAGE"
 * otherwise; ZD_DBG_ARGS_ANY: the handler checks), then NEED_PROCESS, then
 * calls fn with argv[0] the name typed.  An unknown name fails with the
 * nearest name or alias as a suggestion (edit distance).
 */
struct zd_dbg_cmd {
	const char *name;
	const char *aliases;     /* space-separated, or NULL */
	int min_args, max_args;
	unsigned flags;
	zd_dbg_cmd_fn *fn;
	const char *usage;
	const char *help;
	const char *words;       /* completions of the first argument (space-separated), or NULL */
};

/* Command groups, one file each under src/debug/ (cmd_data.c, ...). */
extern const struct zd_dbg_cmd zd_dbg_cmds_data[], zd_dbg_cmds_stack[], zd_dbg_cmds_break[],
	zd_dbg_cmds_resume[], zd_dbg_cmds_info[], zd_dbg_cmds_core[], zd_dbg_cmds_src[], zd_dbg_cmds_step[],
	zd_dbg_cmds_help[], zd_dbg_cmds_watch[];
/* x/NFU and list/display (cmd_x.c, cmd_list.c). */
extern const struct zd_dbg_cmd zd_dbg_cmds_x[], zd_dbg_cmds_list[];

/*
 * gdb's x/NFU: s is what follows the '/' (up to a blank or the end): an
 * optional count, then letters in any order, a format (x d u o t a c f s
 * i z) and a size (b h w g).  What is not given comes from the last used
 * (last_fmt, last_size; 0: none yet) as gdb's decode_format: 'a' is 8
 * bytes, 'c' and 's' one, 'f' 8 unless the last size was w or g.
 * -EINVAL: *bad is the letter that is neither; -ERANGE: count over 4096.
 */
struct zd_dbg_xfmt {
	unsigned long count;
	char fmt, size;
};
int zd_dbg_xfmt_parse(const char *s, char last_fmt, char last_size, struct zd_dbg_xfmt *out, char *bad);

/* Every command, in the order of 'help': calls fn for each; stops when fn returns non-zero. */
int zd_dbg_cmd_each(int (*fn)(const struct zd_dbg_cmd *c, void *ctx), void *ctx);
/* By name or alias, or NULL. */
const struct zd_dbg_cmd *zd_dbg_cmd_find(const char *name);
/* The name or alias nearest to an unknown word (at most 2 edits): its
 * length, *name pointing at it (not NUL-terminated); 0 if none is near. */
int zd_dbg_cmd_suggest(const char *word, const char **name);

#endif
