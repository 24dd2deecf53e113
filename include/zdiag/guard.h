/*
 * The breakpoint guardian: a small process that outlives zdiag and takes
 * zdiag's int3 bytes out of the target if zdiag dies without doing it
 * (SIGKILL, the OOM killer).  The kernel detaches a dead tracer's tracees
 * at once and lets them run; an int3 left in memory then kills the first
 * thread that reaches it.  The guardian holds /proc/PID/mem open and a
 * copy of the table of bytes in memory (a shared page); it wakes when
 * zdiag's end of a pipe closes, which the kernel does while zdiag exits
 * (before it detaches the tracees), and writes the original bytes back
 * wherever an int3 still is.
 *
 *	struct zd_guard g;
 *	zd_guard_start(&g, pid);          // after attaching
 *	zd_guard_set(&g, addr, orig);     // before an int3 goes in
 *	zd_guard_clear(&g, addr);         // after it came out
 *	zd_guard_stop(&g);                // clean end: the guardian just exits
 *
 * Nothing prints; functions return 0 or -errno.  Without a guardian (it
 * could not start) the other calls do nothing.
 */
#ifndef ZDIAG_GUARD_H
#define ZDIAG_GUARD_H

#include <stdint.h>
#include <sys/types.h>

#define ZD_GUARD_MAX 500

struct zd_guard_page;

struct zd_guard {
	struct zd_guard_page *pg;  /* shared with the guardian */
	int fd;                    /* our end of the pipe; -1 without a guardian */
};

int zd_guard_start(struct zd_guard *g, pid_t pid);
/* Record that an int3 is going in at addr over orig.  -ENOSPC when the
 * table is full (the breakpoint is then not guarded). */
int zd_guard_set(struct zd_guard *g, uint64_t addr, uint8_t orig);
void zd_guard_clear(struct zd_guard *g, uint64_t addr);
void zd_guard_stop(struct zd_guard *g);

#endif
