/*
 * Decoding one syscall of a stopped tracee, strace-style.
 *
 * A call decodes in two halves, as a tracer sees it: the entry half (name
 * and input arguments) at the syscall-entry stop, the exit half (output
 * arguments, the closing parenthesis) at the syscall-exit stop, then the
 * return value.  The tracee must be ptrace-stopped by the caller while
 * either half runs, because decoders read its memory.
 *
 *	struct zd_dec_opts o = ZD_DEC_OPTS_INIT;
 *	struct zd_call c;
 *	struct zd_sb sb = ZD_SB_INIT;
 *
 *	zd_call_init(&c, tid, nr, args, &o);
 *	zd_call_entry(&c, &sb);       // "openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY"
 *	... PTRACE_SYSCALL, wait for the exit stop ...
 *	zd_call_exit(&c, &sb, rval);  // ")"
 *	zd_call_pad(&sb, 0);          // spaces up to column 40, as strace
 *	zd_call_retval(&c, &sb);      // "= 3"
 *	zd_call_release(&c);
 *
 * The same zd_sb must receive both halves when the argument offsets
 * (zd_call_arg) are wanted; the text itself can go anywhere.
 * Nothing here prints or exits.
 */
#ifndef ZDIAG_DECODE_H
#define ZDIAG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdiag/strbuf.h"
#include "zdiag/syscall.h"
#include "zdiag/xlat.h"

/* What --decode-fds shows after an fd (strace 6.1's set; -y is PATH,
 * -yy all four). */
enum zd_decode_fds {
	ZD_DECFD_PATH = 1u << 0,    /* 3</etc/hostname>, AT_FDCWD</cwd> */
	ZD_DECFD_SOCKET = 1u << 1,  /* 3<TCP:[127.0.0.1:80->127.0.0.1:34567]> (sock_diag) */
	ZD_DECFD_DEV = 1u << 2,     /* 3</dev/null<char 1:3>> */
	ZD_DECFD_PIDFD = 1u << 3,   /* 3<pid:1234> */
	ZD_DECFD_ALL = 0xfu,
};

/* What --decode-pids shows after a pid (strace 6.1's set; -Y is COMM). */
enum zd_decode_pids {
	ZD_DECPID_COMM = 1u << 0,   /* 1234<sleep> */
	ZD_DECPID_PIDNS = 1u << 1,  /* "1 (comment: 1234 in zdiag's PID NS)" for other namespaces */
};

struct zd_dec_opts {
	size_t strsize;   /* bytes of strings and buffers shown (-s); 0: unlimited */
	uint8_t decode_fds;   /* enum zd_decode_fds bits (-y, -yy, --decode-fds) */
	bool verbose;     /* full structures (stat: every field) */
	enum zd_xstr xstr;               /* -x, -xx (include/zdiag/xlat.h) */
	enum zd_xlat_style xlat_style;   /* -X */
	/* Per-syscall styles, as strace's -e abbrev= -e verbose= -e raw=
	 * (the complements of the first two, so that zero is the default;
	 * -e abbrev= decides verbose per call, see zd_call.eff): */
	struct zd_scset noabbrev;   /* structures in full (as -v) */
	struct zd_scset noverbose;  /* structures and arrays as addresses */
	struct zd_scset raw;        /* every argument in hex, undecoded */
	/* -e read=, -e write=: hex dumps of the data (zd_call_dump) */
	struct zd_fdset *dump_read, *dump_write;   /* NULL: none */
	uint8_t decode_pids;  /* enum zd_decode_pids bits (-Y, --decode-pids) */
};

#define ZD_DEC_STRSIZE 32
/*
 * What "no limit" (strsize 0) means: the tracee chooses lengths (a write()
 * of 1 GiB, a string without a NUL), so every string or buffer is shown up
 * to this many bytes, then "...", and an iovec array up to this many bytes
 * in total.
 */
#ifndef ZD_DEC_STRMAX   /* the fuzz build lowers it (mk/fuzz.mk): same paths, faster */
#define ZD_DEC_STRMAX (1u << 20)
#endif
#define ZD_DEC_OPTS_INIT { ZD_DEC_STRSIZE, 0, false, 0 }

enum { ZD_DEC_DONE = 0, ZD_DEC_MORE = 1 };

#define ZD_CALL_MAXARGS 8

struct zd_call {
	/* Set by zd_call_init */
	pid_t tid;
	long nr;
	uint64_t args[6];
	uint64_t sp;                    /* stack pointer at entry, if known (rt_sigreturn) */
	const struct zd_dec_opts *opts;
	const struct zd_sysent *ent;    /* NULL: a number the table does not know */

	/* Set by zd_call_exit */
	int64_t rval;
	bool exiting;                   /* the exit half is being (or was) decoded */
	bool exited;                    /* zd_call_exit ran */

	/* Styles of this call (from opts and its number) */
	bool full;                      /* structures unabbreviated (-v, -e abbrev=) */
	bool deref;                     /* structures read at all (-e verbose=) */
	bool raw;                       /* arguments in hex (-e raw=) */
	/* opts with verbose = full, when -e abbrev= makes them differ: then
	 * opts points here, so that decoders need only look at opts->verbose
	 * (c must not be copied between zd_call_init and zd_call_exit) */
	struct zd_dec_opts eff;

	/* Decoder state (private) */
	int state;                      /* ZD_DEC_DONE / ZD_DEC_MORE after the entry half */
	bool entry_nosep;               /* decoder: no ", " after the entry half */
	int next_arg;                   /* generic decoder: first argument left for the exit */
	uint64_t priv[3];
	long restarted_nr;              /* restart_syscall: the call it resumes, or -1 */

	/* Return value decoration, set by exit-half decoders */
	int rkind;                      /* enum zd_ret_kind, or -1 for the table's */
	char rextra[512];               /* printed after the value: " (flags O_RDONLY)" */
	unsigned tampered;              /* ZD_TAMPERED_* (include/zdiag/tamper.h): " (INJECTED)" */

	/* Layout of the text in the zd_sb, offsets from base */
	size_t base;
	size_t entry_end;               /* end of the entry half */
	int narg;                       /* arguments started so far */
	bool sep_pending;               /* the entry half ended with ", " */
	struct { uint32_t start, end; } argpos[ZD_CALL_MAXARGS];
};

/* Prepare c for a syscall-entry stop of tid (nr, its 6 raw arguments). */
void zd_call_init(struct zd_call *c, pid_t tid, long nr, const uint64_t args[6],
		  const struct zd_dec_opts *opts);
/* The entry half: "name(" and the input arguments (", " after the last one
 * when output arguments follow at exit).  Unknown numbers print as
 * "syscall_0x1c3(" with six hex arguments. */
void zd_call_entry(struct zd_call *c, struct zd_sb *sb);
/* The exit half for return value rval (the raw rax: -errno on failure):
 * the output arguments and ")". */
void zd_call_exit(struct zd_call *c, struct zd_sb *sb, int64_t rval);
/* Spaces from column col_start (where the line began in sb) up to column
 * 40, or one space when past it: strace's alignment of " = ". */
void zd_call_pad(struct zd_sb *sb, size_t line_start);
/* The return value: "3", "0x7f12...", "-1 ENOENT (No such file or directory)",
 * "? ERESTARTSYS (To be restarted if SA_RESTART is set)", with "= " before.
 * A call that never returned (the tracee died in it) prints "= ?".
 * A tampered call ends as strace's: " (INJECTED)", " (INJECTED: args)",
 * " (INJECTED: args, retval)", " (DELAYED)". */
void zd_call_retval(const struct zd_call *c, struct zd_sb *sb);
/* Both halves and the return value at once, for a call whose exit is
 * known (zdiag attach): "read(3, \"abc\", 10) = 3" appended to sb. */
void zd_call_format(struct zd_call *c, struct zd_sb *sb, int64_t rval);
void zd_call_release(struct zd_call *c);

/*
 * -e read=SET, -e write=SET: after the line of a finished call, a hex and
 * ASCII dump of the data it wrote to (write, pwrite64, send, sendto,
 * writev, pwritev, pwritev2, vmsplice, sendmsg, sendmmsg) or read from
 * (read, pread64, recvfrom, readv, preadv, preadv2, recvmsg, recvmmsg;
 * only when it succeeded) a descriptor of the sets, as strace prints it:
 *	" | 00000  68 65 6c 6c 6f 0a                                 hello.           |\n"
 * with " * 5 bytes in buffer 0\n" before each buffer of a vector.  The
 * tracee must still be stopped at the call's exit.  Appends nothing when
 * nothing is to be dumped.
 */
void zd_call_dump(const struct zd_call *c, struct zd_sb *sb);

/* Whether rval is an error return (-4095..-1) and its errno. */
static inline bool
zd_call_failed(int64_t rval)
{
	return rval < 0 && rval >= -4095;
}

/* Whether the call failed: an error return, unless -e inject=...:retval=
 * made it (strace prints "getpid() = -5 (INJECTED)" then). */
bool zd_call_error(const struct zd_call *c);

/* Argument i of the decoded text: [*start, *end) in the sb that received
 * both halves.  Returns false when argument i was not printed. */
bool zd_call_arg(const struct zd_call *c, int i, size_t *start, size_t *end);
/* Syscall name, or NULL for an unknown number. */
const char *zd_call_name(const struct zd_call *c);

/* ---------------------------------------------------------------- */
/* Tracee memory                                                     */

/*
 * Read len bytes at addr of tid's memory: process_vm_readv (whole buffer,
 * one syscall), falling back to PTRACE_PEEKDATA (the tracee must then be
 * ptrace-stopped) where process_vm_readv is not allowed.  Returns the
 * number of bytes read (short if the range runs into an unmapped page) or
 * -errno (-EFAULT: nothing readable at addr).
 */
ssize_t zd_umove(pid_t tid, uint64_t addr, void *buf, size_t len);
/*
 * Read a NUL-terminated string at addr, at most max bytes (not counting
 * the NUL), into buf (of max + 1 bytes, always NUL-terminated).  Returns
 * its length, or -errno; *terminated says whether the NUL was seen.
 */
ssize_t zd_umove_str(pid_t tid, uint64_t addr, char *buf, size_t max, bool *terminated);
/*
 * Read with PTRACE_PEEKDATA only (true), as on a kernel without
 * process_vm_readv, or go back to process_vm_readv first (false: the
 * default; also forgets an earlier fallback).  Process-wide.
 */
void zd_umove_peek_only(bool peek);
/*
 * The test seam: route every zd_umove (and so zd_umove_str and every
 * decoder's read) to reader instead of the kernel, e.g. tracee memory
 * served from a fuzz input (tests/fuzz/fuzz_decode.c).  reader has
 * zd_umove's contract (called with len > 0 and addr != 0).  NULL restores
 * the kernel.  Process-wide; not for the tracer itself.
 */
typedef ssize_t zd_umove_fn(pid_t tid, uint64_t addr, void *buf, size_t len);
void zd_umove_set_reader(zd_umove_fn *reader);
/*
 * The errno with which process_vm_readv failed when zd_umove fell back to
 * PTRACE_PEEKDATA for good (ENOSYS, EPERM), or 0 (no fallback, or
 * zd_umove_peek_only).
 */
int zd_umove_fallback_errno(void);

/* ---------------------------------------------------------------- */
/* Pieces shared with the tracer's event lines                       */

/* strace 6.1's errno names: "ENOENT", the kernel's internal
 * "ERESTARTSYS" (512) ... "ERECALLCONFLICT" (530); NULL for a number
 * without one (strace prints "-1 (errno 600)"). */
const char *zd_dec_errname(int err);
/* What strace prints in parentheses after that name: strerror(err), or a
 * restart's "To be restarted if SA_RESTART is set"; NULL without a name. */
const char *zd_dec_errtext(int err);
/* strace's signal names: "SIGCHLD", "SIGRTMIN" (32), "SIGRT_2" (34). */
const char *zd_dec_signame(int sig);
/* A siginfo_t as "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, ...}". */
void zd_dec_siginfo(struct zd_sb *sb, const void *siginfo);
/* Same, with si_pid decorated as decode_pids (enum zd_decode_pids) says:
 * "si_pid=42<sleep>", or with pidns as the receiving thread tid sees it. */
void zd_dec_siginfo_pids(struct zd_sb *sb, const void *siginfo, unsigned decode_pids, pid_t tid);
/* A wait status as "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]" (without brackets). */
void zd_dec_wstatus(struct zd_sb *sb, int status);
/*
 * Parse strace's --decode-fds=SET (path socket dev pidfd, all, none; a
 * leading '!' negates) and --decode-pids=SET (comm pidns, all, none) into
 * a bit set.  Returns 0, or -EINVAL for an unknown word.
 */
int zd_dec_parse_fds(const char *spec, unsigned *out);
int zd_dec_parse_pids(const char *spec, unsigned *out);
/* The command name of pid as --decode-pids=comm shows it after the pid
 * ("<sleep>", escaped as strace does), appended to sb; nothing when pid
 * is gone.  For the tracer's "[pid 1234<sleep>]" prefixes. */
void zd_dec_pid_comm(struct zd_sb *sb, pid_t pid);

/* A string escaped and quoted as strace prints it ("a\nb\0"), with "..."
 * after the quote when truncated is true. */
void zd_dec_quote(struct zd_sb *sb, const void *data, size_t len, bool truncated);

#endif
