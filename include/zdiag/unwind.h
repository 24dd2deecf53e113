/*
 * Unwinding a thread's stack with libunwind's DWARF engine, driven by our
 * own accessors: registers and stack bytes come from a copy taken while the
 * thread was stopped, code and .eh_frame from the ELF images of struct
 * zd_space (vDSO from its memory copy).  So a backtrace can be computed
 * after the target has been let go: stop, copy, detach, then unwind.
 * When there is no CFI, a frame-pointer step (rbp chain) takes over.
 *
 *	struct zd_unwinder *u = zd_unwinder_new(&space);
 *	struct zd_tsnap ts;                    // regs + stack copy
 *	zd_tsnap_capture(&ts, tid, &regs, &space.maps, reader, ctx, 1 << 20);
 *	// ... detach ...
 *	struct zd_frame fr[128];
 *	size_t n = zd_unwind(u, &ts, NULL, NULL, fr, 128);
 *	zd_tsnap_release(&ts);
 *	zd_unwinder_free(u);
 */
#ifndef ZDIAG_UNWIND_H
#define ZDIAG_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "zdiag/symtab.h"

enum zd_frame_flags {
	ZD_FRAME_EXACT = 1 << 0,   /* ip is the exact pc (frame 0, or interrupted by a signal) */
	ZD_FRAME_SIGNAL = 1 << 1,  /* the signal trampoline (__restore_rt): <signal handler called> */
	ZD_FRAME_FP = 1 << 2,      /* found by the frame-pointer fallback */
};

struct zd_frame {
	uint64_t ip;
	uint64_t sp;
	unsigned flags;
};

/* One thread's state captured while it was stopped. */
struct zd_tsnap {
	pid_t tid;
	struct user_regs_struct regs;
	uint64_t stack_base;       /* address of stack[0] */
	unsigned char *stack;
	size_t stack_len;
	bool truncated;            /* the stack mapping was longer than the cap */
};

/*
 * Copy regs and the stack from rsp-128 (red zone) to the end of the mapping
 * holding rsp, at most max_stack bytes.  reader reads the target's memory.
 */
int zd_tsnap_capture(struct zd_tsnap *ts, pid_t tid, const struct user_regs_struct *regs,
		     const struct zd_maps *maps, zd_mem_reader reader, void *ctx, size_t max_stack);
/*
 * zd_tsnap_capture() for n threads (tids[i], regs[i] into ts[i]) with one
 * process_vm_readv(2) of pid for all their stacks: one system call instead
 * of n while the process is stopped.  A stack it could not read whole is
 * read again through reader, so each ts ends as zd_tsnap_capture() leaves
 * it.  pid 0: every stack through reader.
 */
void zd_tsnap_capture_all(struct zd_tsnap *ts, size_t n, const pid_t *tids, const struct user_regs_struct *regs,
			  pid_t pid, const struct zd_maps *maps, zd_mem_reader reader, void *ctx, size_t max_stack);
void zd_tsnap_release(struct zd_tsnap *ts);

struct zd_unwinder;

/* An unwinder over sp (borrowed: it must outlive the unwinder). */
struct zd_unwinder *zd_unwinder_new(const struct zd_space *sp);
void zd_unwinder_free(struct zd_unwinder *u);
/* Forget cached unwind info (after the space was reloaded). */
void zd_unwinder_flush(struct zd_unwinder *u);

/*
 * Walk ts's stack into fr[0..max); returns the number of frames.  live
 * (may be NULL) reads memory that is neither in the stack copy nor in a
 * read-only file image: use it only while the target is still stopped.
 */
size_t zd_unwind(struct zd_unwinder *u, const struct zd_tsnap *ts, zd_mem_reader live, void *live_ctx,
		 struct zd_frame *fr, size_t max);

/* Whether the code at ip is the x86-64 rt_sigreturn trampoline. */
bool zd_unwind_is_sigreturn(const struct zd_space *sp, uint64_t ip);

#endif
