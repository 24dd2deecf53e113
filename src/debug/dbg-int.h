/*
 * Shared by the files of src/debug/ only: rendering helpers (symbols,
 * frames, addresses), the session's checks and the backtrace records.
 */
#ifndef ZDIAG_DBG_INT_H
#define ZDIAG_DBG_INT_H

#include "zdiag/dbg.h"
#include "zdiag/dwarf.h"

#define C_RESET "\033[0m"
#define C_FUNC "\033[33m"
#define C_ADDR "\033[34m"
#define C_MOD "\033[32m"
#define C_DIM "\033[2m"

/* The colour code, or "" without colours. */
const char *dbg_col(const struct zd_dbg *d, const char *code);
/* Escaped text (tracee strings, paths). */
void dbg_put_esc(struct zd_sb *sb, const char *s);
/* "park+0x1a" or "??" */
void dbg_put_sym(struct zd_sb *sb, const struct zd_dbg *d, const struct zd_where *w);
/* " <main+4>" for an address that has a symbol, else nothing. */
void dbg_put_angle(struct zd_sb *sb, struct zd_dbg *d, uint64_t addr);
/* "FUNC+OFF (MODULE) at FILE:LINE" for addr, if the memory map is readable. */
void dbg_put_where(struct zd_sb *sb, struct zd_dbg *d, uint64_t addr);
/* A failure naming a word the user typed: msg ("unknown register '%s'") has
 * one %s, where the word goes escaped. */
int dbg_fail_word(struct zd_dbg_out *out, const char *msg, const char *word);

/* zd_pt_init / zd_pt_release of d->pt (the signal mask is saved and restored). */
void dbg_pt_start(struct zd_dbg *d);
void dbg_pt_stop(struct zd_dbg *d);

/* "cannot attach to PID: why" for an error of zd_pt_attach; returns err. */
int dbg_attach_error(struct zd_dbg *d, int err, struct zd_dbg_out *out);

/* False (and the failure in out) once the session is over. */
bool dbg_need_process(struct zd_dbg *d, struct zd_dbg_out *out);
/* An address expression (include/zdiag/dbgline.h): 0, or -1 and the failure in out. */
int dbg_eval(struct zd_dbg *d, const char *expr, uint64_t *v, struct zd_dbg_out *out);
/* Resume the current thread (cont, stepi, syscall) and report what stopped it. */
int dbg_resume(struct zd_dbg *d, enum zd_resume how, struct zd_dbg_out *out);

/* Memory readers for the unwinder: raw bytes, or with breakpoints masked. */
ssize_t dbg_pt_reader(void *ctx, uint64_t addr, void *buf, size_t len);
ssize_t dbg_pt_reader_masked(void *ctx, uint64_t addr, void *buf, size_t len);
/* /proc/PID/task/TID/comm, "" if unreadable. */
void dbg_read_comm(pid_t pid, pid_t tid, char *buf, size_t size);

/* One thread's backtrace (bt.c). */
struct dbg_tbt {
	pid_t tid;
	char comm[ZD_COMM_MAX + 1];
	char state;
	bool stopped;
	bool zombie;
	bool truncated;
	int err;
	struct zd_frame *fr;
	size_t n;
	int group;            /* unique: index of its group's first thread */
};

void dbg_put_frame(struct zd_sb *sb, const struct zd_dbg *d, const struct zd_space *sp, size_t i,
		   const struct zd_frame *f);
/* Threads with their frames ("thread N (comm):" headers, --unique groups). */
void dbg_render_bt_text(struct zd_dbg_out *out, struct zd_dbg *d, const struct zd_space *sp, struct dbg_tbt *t,
			size_t n, bool unique);

/* The source-level state (cmd_src.c), freed with the session. */
void dbg_src_release(struct zd_dbg *d);
/* info locals / info args of the selected frame (cmd_src.c). */
int dbg_info_locals(struct zd_dbg *d, struct zd_dbg_out *out);
int dbg_info_args(struct zd_dbg *d, struct zd_dbg_out *out);

/* Watchpoints (watch.c): expr evaluated in the selected frame (*cfa: that
 * frame's CFA, 0 unknown); a value as print shows it; frame 0 of the
 * current thread as gdb shows a stop ("FUNC (ARGS) at FILE:LINE" and the
 * source line). */
struct zd_value;
int dbg_src_eval(struct zd_dbg *d, const char *expr, struct zd_value *val, uint64_t *cfa, struct zd_dbg_out *out);
void dbg_src_format(struct zd_dbg *d, const struct zd_value *v, struct zd_sb *sb);
void dbg_src_stop_line(struct zd_dbg *d, struct zd_sb *sb);
/* Resume as zd_pt_resume does; with software watchpoints, single-step the
 * current thread and compare after each instruction.  ZD_EV_WATCH: a
 * watchpoint triggered (or went out of scope). */
int dbg_watch_resume(struct zd_dbg *d, pid_t tid, enum zd_resume how, struct zd_pt_event *ev);
/* Report a watchpoint or catchpoint stop; false: not one (report it as usual). */
bool dbg_watch_report(struct zd_sb *sb, struct zd_dbg *d, const struct zd_pt_event *ev, bool main_event);
void dbg_watch_release(struct zd_dbg *d);
/* watch/rwatch/awatch (kind: enum zd_watch_kind) and catch syscall. */
int dbg_watch_add(struct zd_dbg *d, int kind, bool location, const char *expr, struct zd_dbg_out *out);
int dbg_catch_add(struct zd_dbg *d, char **words, int n, struct zd_dbg_out *out);
/* Hooks for the other groups: set can-use-hw-watchpoints, delete N, the
 * breakpoint list, info watchpoints / debug-registers. */
int dbg_watch_set_hw(struct zd_dbg *d, const char *val, struct zd_dbg_out *out);
int dbg_watch_delete(struct zd_dbg *d, int id);
void dbg_watch_delete_all(struct zd_dbg *d);
size_t dbg_watch_count(const struct zd_dbg *d);
void dbg_watch_list(struct zd_dbg *d, struct zd_sb *sb);
int dbg_info_watch(struct zd_dbg *d, struct zd_dbg_out *out);
int dbg_info_debugregs(struct zd_dbg *d, struct zd_dbg_out *out);
/* One syscall stop decoded by the tracer's decoders (session.c). */
void dbg_format_syscall(struct zd_sb *sb, struct zd_dbg *d, pid_t tid, const struct ptrace_syscall_info *sc);
/* What x, list and display remember between commands (gdb's "last used"). */
struct dbg_display {
	unsigned num;
	char *expr;            /* as typed, after the format */
	char fmt[24];          /* "" or "/x" (print) or "/2i" (x) */
};

struct dbg_view {
	char x_fmt, x_size;    /* x: last format and size ('x', 'w' at first) */
	unsigned long x_count; /* last count */
	uint64_t x_next;       /* where a bare `x` goes on */
	bool x_have_next;
	char *list_file;       /* list: the file to open, its last shown lines */
	char *list_name;       /* its name as the DWARF has it (messages) */
	int list_first, list_last;
	uint64_t list_pc;      /* the frame pc the listing started from */
	struct dbg_display *disp;
	size_t ndisp, disp_alloc;
	unsigned disp_num;
};

/* The view state of the session, created on first use (cmd_src.c). */
struct dbg_view *dbg_view(struct zd_dbg *d);
/*
 * Evaluate a C expression in the selected frame (DWARF), or an address
 * expression (dbgline.h) when that fails without debug info: an address
 * as gdb's x takes it (pointers: their value, arrays and functions: their
 * address, integers: the number).  0, or -1 and the failure in out.
 */
int dbg_src_addr(struct zd_dbg *d, const char *expr, uint64_t *addr, struct zd_dbg_out *out);
/* print/FMT EXPR's text after "$N = " ("= " not included); 0 or -1 (failure in out). */
int dbg_src_print(struct zd_dbg *d, const char *expr, char letter, struct zd_sb *sb, struct zd_dbg_out *out);
/* The selected frame's pc and its source position (inline frames as gdb); -1 without one. */
int dbg_src_where(struct zd_dbg *d, uint64_t *pc, struct zd_srcpos *pos, struct zd_dbg_out *out);
/* Register DWARF number dwarf of the selected frame when a caller frame is
 * selected and the unwinder knows it (info registers as gdb); else false. */
bool dbg_src_frame_reg(struct zd_dbg *d, int dwarf, uint64_t *v);
/* The struct zd_di of the session (NULL if the process is gone). */
struct zd_di *dbg_src_di(struct zd_dbg *d, struct zd_dbg_out *out);
/* bt full / bt N / bt -N from the DWARF frames (inline frames as gdb). */
int dbg_src_bt(struct zd_dbg *d, long long limit, bool full, struct zd_dbg_out *out);
/* info frame of the selected frame, as gdb. */
int dbg_info_frame(struct zd_dbg *d, struct zd_dbg_out *out);
/* display: re-print the expressions after a stop (session.c); info display. */
void dbg_display_stop(struct zd_dbg *d, struct zd_dbg_out *out);
int dbg_info_display(struct zd_dbg *d, struct zd_dbg_out *out);
/* x's core, shared by x and display/i: count items of fmt/size at addr. */
int dbg_examine(struct zd_dbg *d, uint64_t addr, char fmt, char size, unsigned long count, struct zd_dbg_out *out);
/* For stepping and breakpoint conditions (cmd_src.c): the current
 * thread's frames (0, or -1 with the failure in out), then the DWARF
 * library, the selected frame (returns its number), the next $N, an
 * expression in frame 0, a value format for print. */
struct zd_dframe;
struct zd_value;
struct zd_fmt;
int dbg_src_frames(struct zd_dbg *d, struct zd_dbg_out *out);
struct zd_di *dbg_src_dwarf(struct zd_dbg *d);
size_t dbg_src_selected(struct zd_dbg *d, struct zd_dframe *fr, unsigned *inl);
void dbg_src_frame_line(struct zd_dbg *d, size_t n, struct zd_sb *sb);
unsigned dbg_src_next_value(struct zd_dbg *d);
int dbg_src_eval0(struct zd_dbg *d, const char *expr, struct zd_value *val, char *err, size_t errlen);
void dbg_src_fmt(struct zd_dbg *d, struct zd_fmt *f);

/* Breakpoint extras and stepping (step.c). */
struct dbg_bpx {
	int id;                /* the breakpoint's number: a zd_bkpt's id, or one of its own (site) */
	int site;              /* 0: it is the zd_bkpt itself; else the zd_bkpt id it shares
	                        * (gdb allows several breakpoints at one address) */
	bool gone;             /* a zd_bkpt whose own breakpoint was deleted: kept for the others */
	bool temp;             /* tbreak: deleted when hit */
	bool disabled;
	bool internal;         /* a step's own breakpoint, never shown */
	unsigned long hits;    /* site != 0: its hits (a zd_bkpt counts its own) */
	char *cond;            /* NULL: none */
};
void dbg_step_release(struct zd_dbg *d);
/* The extras of breakpoint id (created when asked), NULL if none. */
struct dbg_bpx *dbg_bpx(struct zd_dbg *d, int id, bool create);
/* Delete breakpoint id with its extras (threads stopped at it forget it). */
int dbg_bp_delete(struct zd_dbg *d, int id);
/* A second breakpoint at the address of zd_bkpt site: its new number. */
int dbg_bp_share(struct zd_dbg *d, int site);
/* Is id a breakpoint the user sees (not internal, not gone)?  Its address and hits. */
bool dbg_bp_visible(struct zd_dbg *d, int id, uint64_t *addr, unsigned long *hits);
/* zd_pt_resume, going on past breakpoint hits that must not stop (false
 * condition, disabled); a tbreak that stops is deleted.  0 or -errno. */
int dbg_resume_bp(struct zd_dbg *d, pid_t tid, enum zd_resume how, struct zd_pt_event *ev, struct zd_dbg_out *out);
/* gdb's source line after a breakpoint stop, when the file can be read (step.c). */
void dbg_put_stop_source(struct zd_sb *sb, struct zd_dbg *d, uint64_t pc);
/* Report a stop as cont does (and end the session if the process is gone). */
void dbg_report_stop(struct zd_dbg *d, const struct zd_pt_event *ev, struct zd_dbg_out *out);

/* Commands shared between groups. */
int dbg_cmd_regs(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out);
int dbg_list_breaks(struct zd_dbg *d, struct zd_dbg_out *out);

#endif
