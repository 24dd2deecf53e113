/*
 * Watchpoints and syscall catchpoints of a debugger session (struct zd_dbg,
 * src/debug/watch.c; commands in src/debug/cmd_watch.c).
 *
 * A watchpoint watches the bytes of an lvalue (its address and size taken
 * when it is set).  Two paths, as gdb has them:
 *  - hardware: x86-64 debug registers (include/zdiag/debugreg.h) on every
 *    thread, new ones included; the process runs at full speed;
 *  - software: `cont` single-steps the current thread (the others stay
 *    stopped: all-stop) and compares the bytes after every instruction.
 *    Slow (a few microseconds per instruction), writes only, as in gdb.
 * Which one: `set can-use-hw-watchpoints 0|1`, or by default a probe run
 * once per session (zd_dr_probe) that finds out whether the debug
 * registers fire on this machine at all.
 *
 * Ids are shared with breakpoints (the breakpoint table's next_id), as in
 * gdb, so `delete N` works on all of them.
 */
#ifndef ZDIAG_WATCH_H
#define ZDIAG_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdiag/dvalue.h"

enum zd_watch_kind {
	ZD_WATCH_WRITE,   /* watch: stops when the value changes */
	ZD_WATCH_READ,    /* rwatch: stops when it is read (hardware only) */
	ZD_WATCH_ACCESS,  /* awatch: read or written (hardware only) */
};

struct zd_watch {
	int id;
	enum zd_watch_kind kind;
	char *expr;               /* as typed (raw; escape it) */
	uint64_t addr;
	size_t len;
	const struct zd_type *type; /* owned by the session's DWARF arena */
	unsigned char *old;       /* the value last seen */
	bool hw;                  /* debug registers (else single-stepping) */
	unsigned slots;           /* hw: the DR slots it uses (bits 0-3) */
	bool scoped;              /* a local: deleted when its frame returns */
	pid_t tid;                /* scoped: the thread, and its frame's CFA */
	uint64_t cfa;
	unsigned long hits;
};

#define ZD_SC_BITS 1024

struct zd_catch {
	int id;
	bool all;                 /* no names: every syscall */
	uint8_t nrs[ZD_SC_BITS / 8];
	char *what;               /* "'openat' [257] 'close' [3]" */
	unsigned long hits;
};

struct zd_watches {
	struct zd_watch *v;
	size_t n, alloc;
	struct zd_catch *c;
	size_t nc, calloc;
	int probe;                /* zd_dr_probe: 1 fires, 0 does not, <0 cannot set; 2 not run */
	int can_use_hw;           /* -1 the probe decides, 0 never, 1 always */
	/* The last stop: which watchpoint, its value before, or gone out of scope. */
	int hit_id;
	bool hit_scope;
	bool hit_changed;
	unsigned char *hit_old;
	struct zd_watch gone;     /* a copy of the one deleted by scope (for the report) */
	unsigned long long steps; /* instructions single-stepped in this session */
};

/* The syscall set of "NAME|NUMBER ..." into nrs (bit per number).  -ENOENT
 * for an unknown name (*bad: its index). */
int zd_catch_parse(char **words, int n, uint8_t *nrs, int *bad);

#endif
