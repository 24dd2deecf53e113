/*
 * Scheduler calls as strace 6.1 prints them (src/affinity.c, src/sched.c
 * there): CPU sets as "[0 1]", the policy a call returns by name.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"

/* The most of a CPU set ever read from a tracee (8192 CPUs). */
#define CPUSET_MAX 1024

/*
 * strace's get_cpuset_size(): the smallest set size the kernel accepts
 * (it fails with EINVAL below it, without looking at the pointer), from
 * 128 bytes up.  Sets are shown up to that size, "..." after.
 */
static unsigned
cpuset_size(void)
{
	static unsigned size;

	if (!size) {
		unsigned s = 128;

		while (s < CPUSET_MAX && sched_getaffinity(0, s, NULL) == -1 && errno == EINVAL)
			s <<= 1;
		size = s;
	}
	return size;
}

static void
put_cpuset(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint32_t len)
{
	unsigned char buf[CPUSET_MAX];
	uint32_t want = ZD_MIN(len, cpuset_size());
	uint32_t size = (want + 7) & ~7u;   /* whole words, as strace */
	bool printed = false;
	uint32_t i;

	if (!addr || (c->exiting && dec_failed(c))) {
		put_ptr(sb, addr);
		return;
	}
	if (!len) {
		zd_sb_adds(sb, "[]");
		return;
	}
	memset(buf, 0, sizeof(buf));
	if (!umove_all(c, addr, buf, want)) {
		put_ptr(sb, addr);
		return;
	}
	zd_sb_addc(sb, '[');
	for (i = 0; i < size * 8; i++) {
		if (!(buf[i / 8] & (1u << (i % 8))))
			continue;
		if (printed)
			zd_sb_addc(sb, ' ');
		printed = true;
		put_udec(sb, i);
	}
	if (size < len)
		zd_sb_adds(sb, printed ? " ..." : "...");
	zd_sb_addc(sb, ']');
}

int
zd_dec_sched_setaffinity(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_udec(sb, (uint32_t)c->args[1]);
	dec_arg(c, sb);
	put_cpuset(c, sb, c->args[2], (uint32_t)c->args[1]);
	return ZD_DEC_DONE;
}

int
zd_dec_sched_getaffinity(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_dec(sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[1]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_cpuset(c, sb, c->args[2], (uint32_t)c->rval);
	return ZD_DEC_DONE;
}

/* "= 0 (SCHED_OTHER)" */
int
zd_dec_sched_getscheduler(struct zd_call *c, struct zd_sb *sb)
{
	const char *n;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_dec(sb, (int32_t)c->args[0]);
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	n = dec_failed(c) ? NULL : zd_xlat_name(&zd_xlat_schedulers, (uint64_t)c->rval);
	if (n) {
		struct zd_sb t = ZD_SB_INIT;

		zd_sb_addf(&t, " (%s)", n);
		dec_rextra(c, &t);
		zd_sb_release(&t);
	}
	return ZD_DEC_DONE;
}
