/*
 * zdiag trace -k: the user-space stack of each shown syscall, as strace -k
 * prints it, taken at the call's entry stop (so execve shows the stack of
 * the program that called it) with the debugger's unwinder and symbol
 * tables (zdiag/unwind.h, zdiag/symtab.h):
 *
 *	 > /usr/lib/x86_64-linux-gnu/libc.so.6(__write+0x14) [0xf6bd4]
 *
 * module path, function+offset, and the address as an offset into the
 * module's file.  One address space per process, loaded at its first stack
 * and kept until the process execs or exits; reloaded once for a stack that
 * reaches an address outside every known module (a library mapped since).
 * Nothing here prints: lines are kept per thread until the front-end takes
 * them after the call's line.
 */
#ifndef ZDIAG_KSTACK_H
#define ZDIAG_KSTACK_H

#include <sys/types.h>

#include "zdiag/strbuf.h"

struct zd_kstack;

struct zd_kstack *zd_kstack_new(void);
void zd_kstack_free(struct zd_kstack *k);

/* At a ptrace stop of tid (of process pid): unwind its stack now and keep
 * the lines for tid (replacing any kept before). */
void zd_kstack_capture(struct zd_kstack *k, pid_t pid, pid_t tid);

/* Append the lines kept for tid to out and forget them (none: nothing). */
void zd_kstack_put(struct zd_kstack *k, pid_t tid, struct zd_sb *out);

/* Forget a thread's kept lines; with pid too (the process exec'd or is
 * gone), its address space. */
void zd_kstack_forget(struct zd_kstack *k, pid_t pid, pid_t tid);

#endif
