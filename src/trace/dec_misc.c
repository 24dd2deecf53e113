/*
 * Process attributes and timers as strace 6.1 prints them (src/time.c,
 * resource.c, ioprio.c, mknod.c, membarrier.c, capability.c there):
 * timer_create's struct sigevent, priorities, I/O priorities as
 * IOPRIO_PRIO_VALUE(class, data), device nodes, capability sets.
 */
#include <linux/capability.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>

#include "dec.h"

/* ---------------------------------------------------------------- */
/* timer_create                                                      */

/* struct sigevent (64 bytes on x86-64): the union's thread fields. */
struct k_sigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	union {
		int32_t tid;
		struct {
			uint64_t function;
			uint64_t attribute;
		} thread;
		char pad[48];
	} un;
};

#define SIGEV_THREAD_K    2
#define SIGEV_THREAD_ID_K 4

static void
put_sigevent(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct k_sigevent ev;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (!umove_all(c, addr, &ev, sizeof(ev))) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_addc(sb, '{');
	if (ev.value) {
		zd_sb_adds(sb, "sigev_value={sival_int=");
		put_dec(sb, (int32_t)ev.value);
		zd_sb_adds(sb, ", sival_ptr=");
		put_ptr(sb, ev.value);
		zd_sb_adds(sb, "}, ");
	}
	zd_sb_adds(sb, "sigev_signo=");
	if (ev.notify == 0 || ev.notify == SIGEV_THREAD_K || ev.notify == SIGEV_THREAD_ID_K)
		put_sig(sb, ev.signo);
	else
		put_udec(sb, (uint32_t)ev.signo);
	zd_sb_adds(sb, ", sigev_notify=");
	put_xval(sb, &zd_xlat_sigev_notify, (uint32_t)ev.notify);
	if (ev.notify == SIGEV_THREAD_ID_K) {
		zd_sb_adds(sb, ", sigev_notify_thread_id=");
		put_dec(sb, ev.un.tid);
	} else if (ev.notify == SIGEV_THREAD_K) {
		zd_sb_adds(sb, ", sigev_notify_function=");
		put_ptr(sb, ev.un.thread.function);
		zd_sb_adds(sb, ", sigev_notify_attributes=");
		put_ptr(sb, ev.un.thread.attribute);
	}
	zd_sb_addc(sb, '}');
}

int
zd_dec_timer_create(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_clocks, (uint32_t)c->args[0]);
		dec_arg(c, sb);
		put_sigevent(c, sb, c->args[1]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[2]);
	else
		put_intp(c, sb, c->args[2]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* Priorities                                                        */

/* who: a pid for a process or process group (-Y decorates it). */
static void
put_prio_who(const struct zd_call *c, struct zd_sb *sb, uint32_t which, int32_t who, uint32_t process,
	     uint32_t pgrp)
{
	if (which == process || which == pgrp)
		put_pid(c, sb, who);
	else
		put_dec(sb, who);
}

int
zd_dec_getpriority(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_priorities, (uint32_t)c->args[0]);
	dec_arg(c, sb);
	put_prio_who(c, sb, (uint32_t)c->args[0], (int32_t)c->args[1], 0, 1);
	return ZD_DEC_DONE;
}

int
zd_dec_setpriority(struct zd_call *c, struct zd_sb *sb)
{
	zd_dec_getpriority(c, sb);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[2]);
	return ZD_DEC_DONE;
}

/* "IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)" */
static void
put_ioprio_text(struct zd_sb *sb, uint32_t prio)
{
	zd_sb_adds(sb, "IOPRIO_PRIO_VALUE(");
	put_xval(sb, &zd_xlat_ioprio_class, prio >> 13);
	zd_sb_addf(sb, ", %d)", (int)(prio & 0x1fff));
}

static void
put_ioprio(struct zd_sb *sb, uint32_t prio)
{
	enum zd_xlat_style st = zd_xlat_get_style();

	if (st != ZD_XLAT_ABBREV)   /* in decimal, as strace 6.1 */
		put_udec(sb, prio);
	if (st == ZD_XLAT_RAW)
		return;
	if (st == ZD_XLAT_VERBOSE)
		zd_sb_adds(sb, " /* ");
	put_ioprio_text(sb, prio);
	if (st == ZD_XLAT_VERBOSE)
		zd_sb_adds(sb, " */");
}

int
zd_dec_ioprio_get(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_ioprio_who, (uint32_t)c->args[0]);
		dec_arg(c, sb);
		put_prio_who(c, sb, (uint32_t)c->args[0], (int32_t)c->args[1], 1, 2);
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	if (!dec_failed(c) && zd_xlat_get_style() != ZD_XLAT_RAW) {
		struct zd_sb t = ZD_SB_INIT;

		zd_sb_adds(&t, " (");
		put_ioprio_text(&t, (uint32_t)c->rval);
		zd_sb_addc(&t, ')');
		dec_rextra(c, &t);
		zd_sb_release(&t);
	}
	return ZD_DEC_DONE;
}

int
zd_dec_ioprio_set(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_ioprio_who, (uint32_t)c->args[0]);
	dec_arg(c, sb);
	put_prio_who(c, sb, (uint32_t)c->args[0], (int32_t)c->args[1], 1, 2);
	dec_arg(c, sb);
	put_ioprio(sb, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* mknod, mknodat                                                    */

static void
dec_mknod(struct zd_call *c, struct zd_sb *sb, int i)
{
	uint32_t mode = (uint16_t)c->args[i + 1];

	dec_arg(c, sb);
	put_path(c, sb, c->args[i]);
	dec_arg(c, sb);
	put_mode(sb, mode);
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		dec_arg(c, sb);
		put_dev(sb, (uint32_t)c->args[i + 2]);
	}
}

int
zd_dec_mknod(struct zd_call *c, struct zd_sb *sb)
{
	dec_mknod(c, sb, 0);
	return ZD_DEC_DONE;
}

int
zd_dec_mknodat(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dirfd(c, sb, (int32_t)c->args[0]);
	dec_mknod(c, sb, 1);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* membarrier                                                        */

int
zd_dec_membarrier(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		uint32_t flags = (uint32_t)c->args[1];

		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_membarrier_cmds, (uint32_t)c->args[0]);
		dec_arg(c, sb);
		put_flags(sb, &zd_xlat_membarrier_flags, flags);
		if (flags & 1) {   /* MEMBARRIER_CMD_FLAG_CPU: the cpu_id */
			dec_arg(c, sb);
			put_dec(sb, (int32_t)c->args[2]);
		}
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	/* MEMBARRIER_CMD_QUERY returns the supported commands */
	if (!(uint32_t)c->args[0] && !dec_failed(c) && c->rval) {
		struct zd_sb t = ZD_SB_INIT;

		zd_sb_adds(&t, " (");
		put_flags(&t, &zd_xlat_membarrier_cmds, (uint64_t)c->rval);
		zd_sb_addc(&t, ')');
		dec_rextra(c, &t);
		zd_sb_release(&t);
	}
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* capget, capset                                                    */

/* The header, or NULL if it cannot (or is not to) be read. */
static bool
cap_header(const struct zd_call *c, struct __user_cap_header_struct *h)
{
	return umove_all(c, c->args[0], h, sizeof(*h));
}

static void
put_cap_header(const struct zd_call *c, struct zd_sb *sb)
{
	struct __user_cap_header_struct h;

	if (!cap_header(c, &h)) {
		put_ptr(sb, c->args[0]);
		return;
	}
	zd_sb_adds(sb, "{version=");
	put_xval(sb, &zd_xlat_cap_version, h.version);
	zd_sb_adds(sb, ", pid=");
	put_pid(c, sb, h.pid);
	zd_sb_addc(sb, '}');
}

static void
put_cap_bits(struct zd_sb *sb, uint32_t lo, uint32_t hi)
{
	if (lo || !hi)
		put_flags(sb, &zd_xlat_cap_mask0, lo);
	if (hi) {
		if (lo)
			zd_sb_addc(sb, '|');
		put_flags(sb, &zd_xlat_cap_mask1, hi);
	}
}

static void
put_cap_data(const struct zd_call *c, struct zd_sb *sb, bool have_header)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	unsigned n;

	if (!c->args[1] || !have_header || !cap_header(c, &h)) {
		put_ptr(sb, c->args[1]);
		return;
	}
	n = h.version == _LINUX_CAPABILITY_VERSION_2 || h.version == _LINUX_CAPABILITY_VERSION_3 ? 2 : 1;
	memset(d, 0, sizeof(d));
	if (!umove_all(c, c->args[1], d, n * sizeof(d[0]))) {
		put_hex(sb, c->args[1]);
		return;
	}
	zd_sb_adds(sb, "{effective=");
	put_cap_bits(sb, d[0].effective, d[1].effective);
	zd_sb_adds(sb, ", permitted=");
	put_cap_bits(sb, d[0].permitted, d[1].permitted);
	zd_sb_adds(sb, ", inheritable=");
	put_cap_bits(sb, d[0].inheritable, d[1].inheritable);
	zd_sb_addc(sb, '}');
}

int
zd_dec_capget(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_cap_header(c, sb);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_cap_data(c, sb, !dec_failed(c));
	return ZD_DEC_DONE;
}

int
zd_dec_capset(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_cap_header(c, sb);
	dec_arg(c, sb);
	put_cap_data(c, sb, true);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* POSIX message queues                                              */

struct mq_attr_k {
	int64_t flags;
	int64_t maxmsg;
	int64_t msgsize;
	int64_t curmsgs;
	int64_t pad[4];
};

static void
put_mq_attr(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, bool flags_by_name)
{
	struct mq_attr_k a;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if ((c->exiting && dec_failed(c)) || !umove_all(c, addr, &a, sizeof(a))) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_adds(sb, "{mq_flags=");
	if (flags_by_name)
		put_flags(sb, &zd_xlat_mq_attr_flags, (uint64_t)a.flags);
	else
		put_hex(sb, (uint64_t)a.flags);
	zd_sb_addf(sb, ", mq_maxmsg=%lld, mq_msgsize=%lld, mq_curmsgs=%lld}",
		   (long long)a.maxmsg, (long long)a.msgsize, (long long)a.curmsgs);
}

int
zd_dec_mq_open(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_path(c, sb, c->args[0]);
	dec_arg(c, sb);
	put_open_flags(sb, (uint32_t)c->args[1]);
	if (c->args[1] & 0100) {   /* O_CREAT: mode and attributes */
		dec_arg(c, sb);
		put_oct(sb, (uint16_t)c->args[2]);
		dec_arg(c, sb);
		put_mq_attr(c, sb, c->args[3], false);
	}
	return ZD_DEC_DONE;
}

int
zd_dec_mq_timedsend(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_buf(c, sb, c->args[1], c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, (uint32_t)c->args[3]);
	dec_arg(c, sb);
	put_timespec(c, sb, c->args[4]);
	return ZD_DEC_DONE;
}

int
zd_dec_mq_timedreceive(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t prio;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_buf(c, sb, c->args[1], (uint64_t)c->rval);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	if (!c->args[3])
		zd_sb_adds(sb, "NULL");
	else if (dec_failed(c) || !umove_all(c, c->args[3], &prio, sizeof(prio)))
		put_hex(sb, c->args[3]);
	else
		zd_sb_addf(sb, "[%u]", prio);
	dec_arg(c, sb);
	/* read by the kernel at the entry: shown even when the call failed */
	put_timespec(c, sb, c->args[4]);
	return ZD_DEC_DONE;
}

int
zd_dec_mq_notify(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_sigevent(c, sb, c->args[1]);
	return ZD_DEC_DONE;
}

int
zd_dec_mq_getsetattr(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_mq_attr(c, sb, c->args[1], true);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_mq_attr(c, sb, c->args[2], true);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* adjtimex, clock_adjtime: struct timex, read at the exit            */

static int
dec_timex(struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct timex tx;
	const char *state;

	dec_arg(c, sb);
	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return ZD_DEC_DONE;
	}
	if (dec_failed(c) || !umove_all(c, addr, &tx, sizeof(tx))) {
		put_hex(sb, addr);
		return ZD_DEC_DONE;
	}
	zd_sb_adds(sb, "{modes=");
	put_flags(sb, &zd_xlat_adjtimex_modes, tx.modes);
	zd_sb_addf(sb, ", offset=%ld, freq=%ld, maxerror=%ld, esterror=%ld, status=",
		   (long)tx.offset, (long)tx.freq, (long)tx.maxerror, (long)tx.esterror);
	put_flags(sb, &zd_xlat_adjtimex_status, (uint32_t)tx.status);
	zd_sb_addf(sb, ", constant=%ld, precision=%ld, tolerance=%ld, time={tv_sec=%ld, tv_usec=%lu}, "
		   "tick=%ld, ppsfreq=%ld, jitter=%ld, shift=%d, stabil=%ld, jitcnt=%ld, calcnt=%ld, "
		   "errcnt=%ld, stbcnt=%ld, tai=%d}",
		   (long)tx.constant, (long)tx.precision, (long)tx.tolerance, (long)tx.time.tv_sec,
		   (unsigned long)tx.time.tv_usec, (long)tx.tick, (long)tx.ppsfreq, (long)tx.jitter,
		   tx.shift, (long)tx.stabil, (long)tx.jitcnt, (long)tx.calcnt, (long)tx.errcnt,
		   (long)tx.stbcnt, tx.tai);
	state = zd_xlat_name(&zd_xlat_adjtimex_state, (uint64_t)c->rval);
	if (state) {
		struct zd_sb t = ZD_SB_INIT;

		zd_sb_addf(&t, " (%s)", state);
		dec_rextra(c, &t);
		zd_sb_release(&t);
	}
	return ZD_DEC_DONE;
}

int
zd_dec_adjtimex(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting)
		return ZD_DEC_MORE;
	return dec_timex(c, sb, c->args[0]);
}

int
zd_dec_clock_adjtime(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_clocks, (uint32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	return dec_timex(c, sb, c->args[1]);
}
