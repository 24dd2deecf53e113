/*
 * Software breakpoints: the table (id, address, saved byte, hit count) and
 * the masking of breakpoint bytes in memory read back from the tracee, so
 * that dumps and disassembly never show int3.  Pure: inserting and removing
 * the 0xcc byte is done by ptrace.c through the tracee's memory.
 */
#ifndef ZDIAG_BKPT_H
#define ZDIAG_BKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZD_INT3 0xcc

struct zd_bkpt {
	int id;              /* 1, 2, ... never reused */
	uint64_t addr;
	uint8_t orig;        /* the byte under the int3 (valid when inserted) */
	bool inserted;       /* int3 is in memory now */
	unsigned long hits;
};

/* An address where an int3 of ours once was: a thread that executed it
 * just before it was taken out may still report its trap (gdb's "moribund
 * locations"); that trap is ours to rewind and swallow, never the
 * program's to die of. */
struct zd_bkpt_gone {
	uint64_t addr;
	uint8_t orig;
};

#define ZD_BKPT_GONE_MAX 1024

struct zd_bkpts {
	struct zd_bkpt *v;
	size_t n, alloc;
	int next_id;
	struct zd_bkpt_gone *gone;  /* ring of the last ZD_BKPT_GONE_MAX removed */
	size_t ngone, gonenext;
};

void zd_bkpts_init(struct zd_bkpts *b);
void zd_bkpts_release(struct zd_bkpts *b);
/* New breakpoint at addr (not inserted); NULL if one is already there. */
struct zd_bkpt *zd_bkpt_add(struct zd_bkpts *b, uint64_t addr);
struct zd_bkpt *zd_bkpt_by_id(struct zd_bkpts *b, int id);
struct zd_bkpt *zd_bkpt_at(struct zd_bkpts *b, uint64_t addr);
/* Remove from the table (the caller restored the byte first). */
void zd_bkpt_remove(struct zd_bkpts *b, int id);
/* Remember that an int3 of ours was at b->addr (call when it is removed for
 * good: deleted, detached, exec).  Bounded: the oldest are forgotten. */
void zd_bkpt_retire(struct zd_bkpts *b, const struct zd_bkpt *p);
/* Was there an int3 of ours at addr (now or before)? */
bool zd_bkpt_ours(const struct zd_bkpts *b, uint64_t addr);
/* Put the original bytes back into buf, which holds memory read at addr. */
void zd_bkpt_mask(const struct zd_bkpts *b, uint64_t addr, void *buf, size_t len);
/* After writing buf at addr: record the new original bytes under inserted
 * breakpoints and put int3 back into buf (so the write keeps them). */
void zd_bkpt_merge_write(struct zd_bkpts *b, uint64_t addr, void *buf, size_t len);

#endif
