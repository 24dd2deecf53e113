/*
 * Helpers shared by the syscall decoders (src/trace/dec_*.c); internal to
 * the tracer library.  A decoder prints each argument as
 *	dec_arg(c, sb);        // ", " separator and offset bookkeeping
 *	put_fd(c, sb, fd);     // the value
 * and returns ZD_DEC_MORE at entry when output arguments remain for the
 * exit half (c->exiting is then true on the second call).
 */
#ifndef ZDIAG_TRACE_DEC_H
#define ZDIAG_TRACE_DEC_H

#include <stdbool.h>
#include <stdint.h>

#include "zdiag/decode.h"
#include "zdiag/strbuf.h"
#include "zdiag/syscall.h"
#include "zdiag/xlat.h"

#define ZD_DECODER(name) int zd_dec_##name(struct zd_call *c, struct zd_sb *sb);
#include "syscall-decoders.h"
#undef ZD_DECODER

#define ZD_PATH_MAX 4096

/* --decode-pids=pidns (pidns.c): pid as tracee tid sees it, in zdiag's PID
 * namespace (0: same namespace, not alive, unknown); _note appends strace's
 * comment, naming zdiag: 1234 in zdiag's PID NS. */
pid_t zd_dec_pidns_outer(pid_t tid, int64_t pid);
void zd_dec_pidns_note(struct zd_sb *sb, pid_t tid, int64_t pid);

/* Start the next argument (", " unless it is the first). */
void dec_arg(struct zd_call *c, struct zd_sb *sb);

/* The call failed: output arguments print as addresses. */
static inline bool
dec_failed(const struct zd_call *c)
{
	return zd_call_failed(c->rval);
}

/* Set the return-value decoration (" (flags O_RDONLY)"), truncated to fit. */
void dec_rextra(struct zd_call *c, const struct zd_sb *text);

/* Numbers (fast: no printf on the hot path). */
void put_dec(struct zd_sb *sb, int64_t v);
void put_udec(struct zd_sb *sb, uint64_t v);
void put_hex(struct zd_sb *sb, uint64_t v);       /* "0x1f", "0" */
void put_ptr(struct zd_sb *sb, uint64_t v);       /* "NULL", "0x7ffd..." */
void put_oct(struct zd_sb *sb, uint64_t v);       /* "0644", "000" (strace's %#03o) */

/* File descriptors: "3", decorated as --decode-fds selects:
 * "3</etc/hostname>", "3<TCP:[127.0.0.1:80->127.0.0.1:4567]>",
 * "3</dev/null<char 1:3>>", "3<pid:42>"; dirfd: "AT_FDCWD", with -y
 * "AT_FDCWD</cwd>".  put_fd_of: an fd of another process (pidfd_getfd). */
void put_fd(const struct zd_call *c, struct zd_sb *sb, int fd);
void put_fd_of(const struct zd_call *c, struct zd_sb *sb, pid_t pid, int fd);
void put_dirfd(const struct zd_call *c, struct zd_sb *sb, int fd);
/* A pid the tracee passed or got: "1234", with -Y "1234<sleep>". */
void put_pid(const struct zd_call *c, struct zd_sb *sb, int64_t pid);

/* Strings from tracee memory; an unreadable address prints as a pointer. */
void put_path(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_str(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
/* A buffer of len bytes, shown up to -s bytes with "..." after. */
void put_buf(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len);
/* Same, without the last byte shown if it is a NUL (xattr values). */
void put_buf_omit0(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len);
/* Same, every byte as \xNN (getrandom). */
void put_buf_hex(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len);
/* Quote len bytes already read (escape rules of zd_esc_c, strace's). */
void put_quoted(struct zd_sb *sb, const void *data, size_t len, bool hex_all);

/* Flags and values. */
static inline void
put_flags(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v)
{
	zd_xlat_flags(sb, t, v);
}

static inline void
put_xval(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v)
{
	zd_xlat_val(sb, t, v);
}

void put_open_flags(struct zd_sb *sb, uint64_t flags);
void put_sig(struct zd_sb *sb, int64_t sig);       /* "SIGUSR1", or "77" */
/* A signal set at addr of size bytes: "[USR1 TERM]", "~[RTMIN RT_1]", "[]". */
void put_sigset(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t size);
void put_sigmask(struct zd_sb *sb, const uint64_t *words, size_t nsig);
void put_si_code(struct zd_sb *sb, const struct zd_xlat_tab *t, int code);   /* "CLD_EXITED", "0x7" */
void put_mode(struct zd_sb *sb, uint64_t mode);   /* "S_IFREG|0644" */

/* A device number: "makedev(0x1, 0x3)". */
void put_dev(struct zd_sb *sb, uint64_t dev);

/* Structures (dec_struct.c); addr is read from the tracee. */
void put_stat(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
/* strace's date comment: " /" "* 2026-12-05T21:50:59.123456789+0000 *" "/" (local
 * time); nothing for 0 or an invalid nsec. */
void put_time_comment(struct zd_sb *sb, int64_t sec, uint64_t nsec);
void put_statfs(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_timespec(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_timeval(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_itimerspec(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_itimerval(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_rlimit(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_utsname(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_timezone(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_fdpair(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_intp(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_tms(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
void put_sysinfo(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
/* struct rusage: the times, and with -v every counter. */
void put_rusage(const struct zd_call *c, struct zd_sb *sb, uint64_t addr);
/*
 * strace's print_array: nmemb elements of elem_size bytes from addr, each
 * printed by put_elem, as "[a, b, c]"; after -s elements (without -v)
 * "...", an unreadable element "... /" "* 0x... *" "/".  Elements are read
 * one at a time (elem_size at most 64), so a tracee-given count costs no
 * memory.
 */
typedef void dec_elem_fn(const struct zd_call *c, struct zd_sb *sb, const void *elem);
void put_array(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t nmemb,
	       size_t elem_size, dec_elem_fn *put_elem);
/* An iovec array of cnt entries at addr; with data_len >= 0 the contents
 * (at most data_len bytes in all), else the addresses. */
void put_iov(struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t cnt, int64_t data_len);
/* mmap's flags word: "MAP_PRIVATE|MAP_ANONYMOUS|2<<MAP_HUGE_SHIFT". */
void put_mmap_flags(struct zd_sb *sb, uint64_t flags);
/* A socket address of len bytes at addr. */
void put_sockaddr(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, int64_t len);

/* The generic decoder's printer for one argument of a given kind. */
void put_arg(struct zd_call *c, struct zd_sb *sb, const struct zd_argdesc *a, uint64_t v);

/* Read a whole structure; false if it cannot be read (then print addr),
 * or is not to be read at all (-e verbose= leaves this call out). */
static inline bool
umove_all(const struct zd_call *c, uint64_t addr, void *buf, size_t len)
{
	return addr && c->deref && zd_umove(c->tid, addr, buf, len) == (ssize_t)len;
}

/* Structures in full: -v, or -e abbrev= leaves this call out (the same
 * as c->opts->verbose: zd_call_init points opts at a copy saying so). */
static inline bool
dec_full(const struct zd_call *c)
{
	return c->full;
}

#endif
