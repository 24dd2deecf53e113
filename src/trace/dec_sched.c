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

/* struct sched_attr: 48 bytes in version 0, 56 in version 1 */
struct sched_attr_k {
	uint32_t size;
	uint32_t policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
	uint32_t util_min;
	uint32_t util_max;
};

#define SCHED_ATTR_V0 48u
#define SCHED_FLAG_KEEP_POLICY_K 0x08
#define SCHED_FLAG_KEEP_PARAMS_K 0x10

/* usize: sched_getattr's buffer size, 0 for sched_setattr (the size is
 * the structure's own first field) */
static void
put_sched_attr(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint32_t usize)
{
	struct sched_attr_k a;
	uint32_t size;
	bool set = !usize;

	memset(&a, 0, sizeof(a));
	if (!set) {
		size = ZD_MIN(usize, (uint32_t)sizeof(a));
		if ((c->exiting && dec_failed(c)) || !umove_all(c, addr, &a, size)) {
			put_ptr(sb, addr);
			return;
		}
		size = a.size;
	} else {
		if (!umove_all(c, addr, &a.size, sizeof(a.size))) {
			put_ptr(sb, addr);
			return;
		}
		usize = a.size ? a.size : SCHED_ATTR_V0;
		size = ZD_MIN(usize, (uint32_t)sizeof(a));
		if (size >= SCHED_ATTR_V0 && !umove_all(c, addr, &a, size)) {
			put_ptr(sb, addr);
			return;
		}
	}
	zd_sb_adds(sb, "{size=");
	put_udec(sb, a.size);
	if (size >= SCHED_ATTR_V0) {
		if (!set || (int32_t)a.policy < 0 ||
		    !(a.flags & (SCHED_FLAG_KEEP_POLICY_K | SCHED_FLAG_KEEP_PARAMS_K))) {
			zd_sb_adds(sb, ", sched_policy=");
			put_xval(sb, &zd_xlat_schedulers, a.policy);
		}
		zd_sb_adds(sb, ", sched_flags=");
		put_flags(sb, &zd_xlat_sched_flags, a.flags);
		if (!set || !(a.flags & SCHED_FLAG_KEEP_PARAMS_K))
			zd_sb_addf(sb, ", sched_nice=%d, sched_priority=%u, sched_runtime=%llu, "
				   "sched_deadline=%llu, sched_period=%llu", a.nice, a.priority,
				   (unsigned long long)a.runtime, (unsigned long long)a.deadline,
				   (unsigned long long)a.period);
		if (size >= sizeof(a))
			zd_sb_addf(sb, ", sched_util_min=%u, sched_util_max=%u", a.util_min, a.util_max);
	}
	if ((set ? usize : a.size) > size)
		zd_sb_adds(sb, ", ...");
	zd_sb_addc(sb, '}');
}

int
zd_dec_sched_setattr(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t size;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_sched_attr(c, sb, c->args[1], 0);
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	/* E2BIG: the kernel wrote the size it takes */
	if (c->deref && c->rval == -E2BIG &&
	    zd_umove(c->tid, c->args[1], &size, sizeof(size)) == (ssize_t)sizeof(size))
		zd_sb_addf(sb, " => {size=%u}", size);
	dec_arg(c, sb);
	put_udec(sb, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_sched_getattr(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t size = (uint32_t)c->args[2];

	if (!c->exiting) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (size)
		put_sched_attr(c, sb, c->args[1], size);
	else
		put_ptr(sb, c->args[1]);
	dec_arg(c, sb);
	put_udec(sb, size);
	dec_arg(c, sb);
	put_udec(sb, (uint32_t)c->args[3]);
	return ZD_DEC_DONE;
}

/* futex_waitv(waiters, nr, flags, timeout, clockid) */
struct futex_waitv_k {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

#define FUTEX_WAITV_MAX_K 128

static void
put_waiter(const struct zd_call *c, struct zd_sb *sb, const void *elem)
{
	const struct futex_waitv_k *w = elem;

	(void)c;
	zd_sb_adds(sb, "{val=");
	put_hex(sb, w->val);
	zd_sb_adds(sb, ", uaddr=");
	put_ptr(sb, w->uaddr);
	zd_sb_adds(sb, ", flags=");
	put_flags(sb, &zd_xlat_futex_waiter_flags, w->flags);
	if (w->reserved) {
		zd_sb_adds(sb, ", __reserved=");
		put_hex(sb, w->reserved);
	}
	zd_sb_addc(sb, '}');
}

int
zd_dec_futex_waitv(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t nr = (uint32_t)c->args[1];

	dec_arg(c, sb);
	put_array(c, sb, c->args[0], ZD_MIN(nr, (uint32_t)FUTEX_WAITV_MAX_K), sizeof(struct futex_waitv_k),
		  put_waiter);
	/* strace shows at most 128 waiters (FUTEX_WAITV_MAX), then "..." */
	if (nr > FUTEX_WAITV_MAX_K && sb->len && sb->buf[sb->len - 1] == ']' &&
	    (!c->opts || c->opts->verbose || !c->opts->strsize || c->opts->strsize >= FUTEX_WAITV_MAX_K)) {
		sb->len--;
		zd_sb_adds(sb, ", ...]");
	}
	dec_arg(c, sb);
	put_udec(sb, nr);
	dec_arg(c, sb);
	put_hex(sb, (uint32_t)c->args[2]);
	dec_arg(c, sb);
	put_timespec(c, sb, c->args[3]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_clocks, (uint32_t)c->args[4]);
	return ZD_DEC_DONE;
}
