/*
 * x86-64 debug registers of traced threads: DR0-DR3 hold addresses, DR6
 * says which fired, DR7 enables them (PTRACE_POKEUSER/PEEKUSER at
 * offsetof(struct user, u_debugreg[i])).  zd_dr7_encode is pure;
 * zd_dr_probe finds out once whether they fire on this machine (a forked
 * child writes a watched variable under ptrace): on some virtual machines
 * the registers are accepted and read back but never trigger.
 * Nothing prints; 0 or -errno.
 */
#ifndef ZDIAG_DEBUGREG_H
#define ZDIAG_DEBUGREG_H

#include <stdint.h>
#include <sys/types.h>

#define ZD_DR_SLOTS 4

enum zd_dr_type {
	ZD_DR_EXEC = 0,   /* instruction fetch (len 1) */
	ZD_DR_WRITE = 1,  /* data writes */
	ZD_DR_RW = 3,     /* data reads or writes (x86 has no read-only) */
};

/*
 * Enable slot (0-3) in *dr7 for len bytes (1, 2, 4 or 8, addr aligned to
 * len) of type: local-enable bit 2*slot, R/W at 16+4*slot, LEN at
 * 18+4*slot (1:00 2:01 8:10 4:11).  -EINVAL for a bad slot, length or
 * alignment (*dr7 unchanged).
 */
int zd_dr7_encode(uint64_t *dr7, unsigned slot, enum zd_dr_type type, unsigned len, uint64_t addr);
/* Clear slot's bits in dr7. */
uint64_t zd_dr7_clear(uint64_t dr7, unsigned slot);
/* The slots that fired according to dr6 (bits 0-3). */
unsigned zd_dr6_fired(uint64_t dr6);
/*
 * Split [addr, addr+len) into aligned pieces of 1, 2, 4 or 8 bytes, as
 * many as fit in max: returns the count, or -ENOSPC when more are needed.
 */
int zd_dr_split(uint64_t addr, uint64_t len, uint64_t *paddr, unsigned *plen, int max);

/* Debug register n (0-7) of a stopped traced thread. */
int zd_dr_peek(pid_t tid, unsigned n, uint64_t *v);
int zd_dr_poke(pid_t tid, unsigned n, uint64_t v);

/*
 * Do hardware watchpoints fire here?  Forks a child that stops under
 * PTRACE_TRACEME, sets DR0/DR7 on a variable it then writes, and waits
 * (bounded by timeout_ms) for a SIGTRAP with DR6 bit 0.  Returns 1 (they
 * fire), 0 (set and read back, but the child ran past the write), or
 * -errno (the registers could not be set).  The result is not cached here.
 */
int zd_dr_probe(long long timeout_ms);

#endif
