/*
 * Process decoders: clone, clone3, execve, wait4, waitid, prctl,
 * arch_prctl, ptrace, prlimit64, futex, nanosleep, getrandom,
 * restart_syscall.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "dec.h"
#include "zdiag/sysname.h"

#define CSIGNAL_MASK 0xffULL
#define F_CLONE_PARENT_SETTID 0x00100000ULL
#define F_CLONE_CHILD_CLEARTID 0x00200000ULL
#define F_CLONE_CHILD_SETTID 0x01000000ULL
#define F_CLONE_SETTLS 0x00080000ULL
#define F_CLONE_PIDFD 0x00001000ULL
#define F_CLONE_INTO_CGROUP 0x200000000ULL

static void
put_clone_flags(struct zd_sb *sb, uint64_t flags, bool with_signal)
{
	uint64_t sig = with_signal ? flags & CSIGNAL_MASK : 0;
	uint64_t rest;
	bool first = true;

	if (with_signal)
		flags &= ~CSIGNAL_MASK;
	if (zd_xlat_get_style() != ZD_XLAT_ABBREV && (flags || sig)) {
		/* -X raw, verbose: strace prints the flags and the signal
		 * apart: 0x1200000|17 */
		if (flags)
			put_flags(sb, &zd_xlat_clone_flags, flags);
		if (flags && sig)
			zd_sb_addc(sb, '|');
		if (sig)
			put_sig(sb, (int64_t)sig);
		return;
	}
	if (!flags && !sig) {
		zd_sb_addc(sb, '0');
		return;
	}
	rest = zd_xlat_flags_part(sb, &zd_xlat_clone_flags, flags, &first);
	if (rest) {
		if (!first)
			zd_sb_addc(sb, '|');
		put_hex(sb, rest);
		first = false;
	}
	if (sig) {
		if (!first)
			zd_sb_addc(sb, '|');
		put_sig(sb, (int64_t)sig);
	}
}

/* clone(flags, newsp, parent_tid, child_tid, tls) on x86-64. */
int
zd_dec_clone(struct zd_call *c, struct zd_sb *sb)
{
	uint64_t flags = c->args[0];

	if (!c->exiting) {
		dec_arg(c, sb);
		zd_sb_adds(sb, "child_stack=");
		put_ptr(sb, c->args[1]);
		dec_arg(c, sb);
		zd_sb_adds(sb, "flags=");
		put_clone_flags(sb, flags, true);
		if (!(flags & (F_CLONE_PARENT_SETTID | F_CLONE_SETTLS | F_CLONE_CHILD_SETTID | F_CLONE_CHILD_CLEARTID | F_CLONE_PIDFD)))
			return ZD_DEC_DONE;
		/* The rest is output (parent_tid) or printed with it, as strace. */
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	if (flags & (F_CLONE_PARENT_SETTID | F_CLONE_PIDFD)) {
		dec_arg(c, sb);
		zd_sb_adds(sb, flags & F_CLONE_PIDFD ? "parent_tid=" : "parent_tid=");
		if (dec_failed(c))
			put_ptr(sb, c->args[2]);
		else
			put_intp(c, sb, c->args[2]);
	}
	if (flags & F_CLONE_SETTLS) {
		dec_arg(c, sb);
		zd_sb_adds(sb, "tls=");
		put_ptr(sb, c->args[4]);
	}
	if (flags & (F_CLONE_CHILD_SETTID | F_CLONE_CHILD_CLEARTID)) {
		dec_arg(c, sb);
		zd_sb_adds(sb, "child_tidptr=");
		put_ptr(sb, c->args[3]);
	}
	return ZD_DEC_DONE;
}

struct clone_args_k {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

int
zd_dec_clone3(struct zd_call *c, struct zd_sb *sb)
{
	struct clone_args_k a;
	size_t size = (size_t)ZD_MIN(c->args[1], sizeof(a));

	memset(&a, 0, sizeof(a));
	if (!c->exiting) {
		dec_arg(c, sb);
		if (size < 64 || !umove_all(c, c->args[0], &a, size)) {
			put_ptr(sb, c->args[0]);
			dec_arg(c, sb);
			put_udec(sb, c->args[1]);
			return ZD_DEC_DONE;
		}
		c->priv[0] = a.flags;
		c->priv[1] = a.parent_tid;
		c->priv[2] = a.pidfd;
		zd_sb_adds(sb, "{flags=");
		put_clone_flags(sb, a.flags, false);
		if (a.flags & F_CLONE_PIDFD) {
			zd_sb_adds(sb, ", pidfd=");
			put_ptr(sb, a.pidfd);
		}
		if (a.flags & (F_CLONE_CHILD_SETTID | F_CLONE_CHILD_CLEARTID)) {
			zd_sb_adds(sb, ", child_tid=");
			put_ptr(sb, a.child_tid);
		}
		if (a.flags & F_CLONE_PARENT_SETTID) {
			zd_sb_adds(sb, ", parent_tid=");
			put_ptr(sb, a.parent_tid);
		}
		zd_sb_adds(sb, ", exit_signal=");
		put_sig(sb, (int64_t)a.exit_signal);
		zd_sb_adds(sb, ", stack=");
		put_ptr(sb, a.stack);
		zd_sb_adds(sb, ", stack_size=");
		put_hex(sb, a.stack_size);
		if (a.flags & F_CLONE_SETTLS) {
			zd_sb_adds(sb, ", tls=");
			put_ptr(sb, a.tls);
		}
		if (a.set_tid_size) {
			zd_sb_adds(sb, ", set_tid=");
			put_ptr(sb, a.set_tid);
			zd_sb_adds(sb, ", set_tid_size=");
			put_udec(sb, a.set_tid_size);
		}
		if (size >= 88 && (a.flags & F_CLONE_INTO_CGROUP)) {
			zd_sb_adds(sb, ", cgroup=");
			put_udec(sb, a.cgroup);
		}
		zd_sb_addc(sb, '}');
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	if (!dec_failed(c) && (c->priv[0] & (F_CLONE_PARENT_SETTID | F_CLONE_PIDFD))) {
		bool first = true;

		zd_sb_adds(sb, " => {");
		if (c->priv[0] & F_CLONE_PIDFD) {
			zd_sb_adds(sb, "pidfd=");
			put_intp(c, sb, c->priv[2]);
			first = false;
		}
		if (c->priv[0] & F_CLONE_PARENT_SETTID) {
			if (!first)
				zd_sb_adds(sb, ", ");
			zd_sb_adds(sb, "parent_tid=");
			put_intp(c, sb, c->priv[1]);
		}
		zd_sb_addc(sb, '}');
	}
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	return ZD_DEC_DONE;
}

/*
 * Pointer arrays (argv, envp) are read in blocks up to the end of a page:
 * one process_vm_readv for a typical environment instead of one per
 * pointer.
 */
struct ptr_reader {
	const struct zd_call *c;
	uint64_t addr;          /* of the next block */
	uint64_t buf[64];
	size_t n, i;            /* pointers in buf, next one */
};

/* The next pointer: 1, or 0 when unreadable. */
static int
next_ptr(struct ptr_reader *r, uint64_t *p)
{
	if (r->i == r->n) {
		size_t room = (4096 - (r->addr & 4095)) / 8;
		size_t want = ZD_MIN(room ? room : 1, ZD_ARRAY_SIZE(r->buf));
		ssize_t got = zd_umove(r->c->tid, r->addr, r->buf, want * 8);

		if (got < 8)
			return 0;
		r->n = (size_t)got / 8;
		r->i = 0;
		r->addr += r->n * 8;
	}
	*p = r->buf[r->i++];
	return 1;
}

/* An argv/envp array: ["a", "b", ...], at most -s elements shown. */
static void
put_str_array(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	size_t max = c->opts && c->opts->strsize && !dec_full(c) ? ZD_MAX(c->opts->strsize, 32) : (size_t)-1;
	struct ptr_reader r = { c, addr, { 0 }, 0, 0 };
	size_t i, start = sb->len;

	if (!addr || !c->deref) {   /* -e verbose= leaves this call out: the address */
		put_ptr(sb, addr);
		return;
	}
	zd_sb_addc(sb, '[');
	for (i = 0;; i++) {
		uint64_t p;

		if (!next_ptr(&r, &p)) {
			if (!i) {
				sb->len--;
				sb->buf[sb->len] = '\0';
				put_hex(sb, addr);
				return;
			}
			zd_sb_adds(sb, ", ...");
			break;
		}
		if (!p)
			break;
		if (i)
			zd_sb_adds(sb, ", ");
		/* -s 0: every element, but not an endless array the tracee
		 * mapped (ZD_DEC_STRMAX bytes of output bound it). */
		if (i >= max || sb->len - start > ZD_DEC_STRMAX) {
			zd_sb_adds(sb, "...");
			break;
		}
		put_str(c, sb, p);
	}
	zd_sb_addc(sb, ']');
}

static void
put_env(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct ptr_reader r = { c, addr, { 0 }, 0, 0 };
	size_t n;

	if (c->opts && c->opts->verbose) {
		put_str_array(c, sb, addr);
		return;
	}
	put_ptr(sb, addr);
	if (!addr || !c->deref)
		return;
	for (n = 0; n < 1000000; n++) {
		uint64_t p;

		if (!next_ptr(&r, &p))
			return;
		if (!p)
			break;
	}
	zd_sb_addf(sb, " /* %zu var%s */", n, n == 1 ? "" : "s");
}

int
zd_dec_execve(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_path(c, sb, c->args[0]);
	dec_arg(c, sb);
	put_str_array(c, sb, c->args[1]);
	dec_arg(c, sb);
	put_env(c, sb, c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_execveat(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dirfd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_path(c, sb, c->args[1]);
	dec_arg(c, sb);
	put_str_array(c, sb, c->args[2]);
	dec_arg(c, sb);
	put_env(c, sb, c->args[3]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_at_flags, (uint32_t)c->args[4]);
	return ZD_DEC_DONE;
}

static void
put_wait_options(struct zd_sb *sb, uint64_t v)
{
	put_flags(sb, &zd_xlat_wait_options, (uint32_t)v);
}

int
zd_dec_wait4(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (!c->args[1]) {
		zd_sb_adds(sb, "NULL");
	} else if (c->rval <= 0) {
		put_hex(sb, c->args[1]);
	} else {
		int status;

		if (umove_all(c, c->args[1], &status, sizeof(status))) {
			zd_sb_addc(sb, '[');
			zd_dec_wstatus(sb, status);
			zd_sb_addc(sb, ']');
		} else {
			put_hex(sb, c->args[1]);
		}
	}
	dec_arg(c, sb);
	put_wait_options(sb, c->args[2]);
	dec_arg(c, sb);
	/* strace: the usage only when a child was reaped */
	if (c->rval > 0)
		put_rusage(c, sb, c->args[3]);
	else
		put_ptr(sb, c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_waitid(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_idtypes, (uint32_t)c->args[0]);
		dec_arg(c, sb);
		if ((uint32_t)c->args[0] == 3)   /* P_PIDFD */
			put_fd(c, sb, (int32_t)c->args[1]);
		else
			put_dec(sb, (int32_t)c->args[1]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (!c->args[2]) {
		zd_sb_adds(sb, "NULL");
	} else if (dec_failed(c)) {
		put_hex(sb, c->args[2]);
	} else {
		siginfo_t si;

		if (!umove_all(c, c->args[2], &si, sizeof(si))) {
			put_hex(sb, c->args[2]);
		} else if (!si.si_signo) {
			zd_sb_adds(sb, "{}");
		} else {
			/* waitid fills only signo, errno, code, pid, uid and
			 * status: si_utime/si_stime hold whatever was there. */
			zd_sb_adds(sb, "{si_signo=");
			put_sig(sb, si.si_signo);
			zd_sb_adds(sb, ", si_code=");
			put_si_code(sb, &zd_xlat_sigcodes_chld, si.si_code);
			zd_sb_adds(sb, ", si_pid=");
			put_pid(c, sb, si.si_pid);
			zd_sb_adds(sb, ", si_uid=");
			put_udec(sb, si.si_uid);
			zd_sb_adds(sb, ", si_status=");
			if (si.si_code == CLD_EXITED)
				put_dec(sb, si.si_status);
			else
				put_sig(sb, si.si_status);
			zd_sb_addc(sb, '}');
		}
	}
	dec_arg(c, sb);
	put_wait_options(sb, c->args[3]);
	dec_arg(c, sb);
	put_ptr(sb, c->args[4]);
	return ZD_DEC_DONE;
}

int
zd_dec_prlimit64(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_rlimit, (uint32_t)c->args[1]);
		dec_arg(c, sb);
		put_rlimit(c, sb, c->args[2]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[3]);
	else
		put_rlimit(c, sb, c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_ptrace(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_ptrace_requests, c->args[0]);
	dec_arg(c, sb);
	put_pid(c, sb, (int32_t)c->args[1]);
	dec_arg(c, sb);
	put_ptr(sb, c->args[2]);
	dec_arg(c, sb);
	put_ptr(sb, c->args[3]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* prctl, arch_prctl                                                 */

enum {
	PR_SET_PDEATHSIG_ = 1, PR_GET_PDEATHSIG_ = 2, PR_GET_DUMPABLE_ = 3, PR_SET_DUMPABLE_ = 4,
	PR_SET_NAME_ = 15, PR_GET_NAME_ = 16, PR_GET_SECCOMP_ = 21, PR_SET_SECCOMP_ = 22,
	PR_CAPBSET_READ_ = 23, PR_CAPBSET_DROP_ = 24, PR_SET_CHILD_SUBREAPER_ = 36,
	PR_GET_CHILD_SUBREAPER_ = 37, PR_SET_NO_NEW_PRIVS_ = 38, PR_GET_NO_NEW_PRIVS_ = 39,
	PR_SET_VMA_ = 0x53564d41,
};

static const char *const dumpable_names[] = { "SUID_DUMP_DISABLE", "SUID_DUMP_USER", "SUID_DUMP_ROOT" };

int
zd_dec_prctl(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t op = (uint32_t)c->args[0];
	int i;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_prctl_options, op);
		switch (op) {
		case PR_GET_DUMPABLE_:
		case PR_GET_SECCOMP_:
		case PR_GET_NO_NEW_PRIVS_:
			c->entry_nosep = true;
			return ZD_DEC_MORE;
		case PR_SET_DUMPABLE_:
			dec_arg(c, sb);
			if (c->args[1] < 3)
				zd_sb_adds(sb, dumpable_names[c->args[1]]);
			else
				put_udec(sb, c->args[1]);
			return ZD_DEC_DONE;
		case PR_SET_PDEATHSIG_:
			dec_arg(c, sb);
			put_sig(sb, (int64_t)c->args[1]);
			return ZD_DEC_DONE;
		case PR_SET_NAME_:
			dec_arg(c, sb);
			put_str(c, sb, c->args[1]);
			return ZD_DEC_DONE;
		case PR_GET_NAME_:
		case PR_GET_PDEATHSIG_:
		case PR_GET_CHILD_SUBREAPER_:
			return ZD_DEC_MORE;
		case PR_SET_CHILD_SUBREAPER_:
		case PR_CAPBSET_READ_:
		case PR_CAPBSET_DROP_:
			dec_arg(c, sb);
			put_udec(sb, c->args[1]);
			return ZD_DEC_DONE;
		case PR_SET_NO_NEW_PRIVS_:
			for (i = 1; i < 5; i++) {
				dec_arg(c, sb);
				put_udec(sb, c->args[i]);
			}
			return ZD_DEC_DONE;
		case PR_SET_SECCOMP_:
			dec_arg(c, sb);
			if (c->args[1] == 1)
				zd_sb_adds(sb, "SECCOMP_MODE_STRICT");
			else if (c->args[1] == 2)
				zd_sb_adds(sb, "SECCOMP_MODE_FILTER");
			else
				put_udec(sb, c->args[1]);
			if (c->args[1] == 2) {
				dec_arg(c, sb);
				put_ptr(sb, c->args[2]);
			}
			return ZD_DEC_DONE;
		default:
			for (i = 1; i < 5; i++) {
				dec_arg(c, sb);
				put_hex(sb, c->args[i]);
			}
			return ZD_DEC_DONE;
		}
	}
	switch (op) {
	case PR_GET_DUMPABLE_:
		if (!dec_failed(c) && c->rval >= 0 && c->rval < 3)
			snprintf(c->rextra, sizeof(c->rextra), " (%s)", dumpable_names[c->rval]);
		break;
	case PR_GET_NAME_:
		dec_arg(c, sb);
		if (dec_failed(c))
			put_ptr(sb, c->args[1]);
		else
			put_str(c, sb, c->args[1]);
		break;
	case PR_GET_PDEATHSIG_:
	case PR_GET_CHILD_SUBREAPER_:
		dec_arg(c, sb);
		if (dec_failed(c)) {
			put_ptr(sb, c->args[1]);
		} else if (op == PR_GET_PDEATHSIG_) {
			int v;

			if (umove_all(c, c->args[1], &v, sizeof(v))) {
				zd_sb_addc(sb, '[');
				put_sig(sb, v ? v : 0);
				zd_sb_addc(sb, ']');
			} else {
				put_ptr(sb, c->args[1]);
			}
		} else {
			put_intp(c, sb, c->args[1]);
		}
		break;
	default:
		break;
	}
	return ZD_DEC_DONE;
}

int
zd_dec_arch_prctl(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t code = (uint32_t)c->args[0];
	bool get = code == 0x1003 || code == 0x1004;   /* ARCH_GET_FS/GS */

	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_arch_prctl_codes, code);
		if (get)
			return ZD_DEC_MORE;
		dec_arg(c, sb);
		put_hex(sb, c->args[1]);
		return ZD_DEC_DONE;
	}
	dec_arg(c, sb);
	if (dec_failed(c)) {
		put_ptr(sb, c->args[1]);
	} else {
		uint64_t v;

		if (umove_all(c, c->args[1], &v, sizeof(v))) {
			zd_sb_addc(sb, '[');
			put_hex(sb, v);
			zd_sb_addc(sb, ']');
		} else {
			put_ptr(sb, c->args[1]);
		}
	}
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* futex                                                             */

#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_RT 256
#define FUTEX_CMD_MASK 0x7f

int
zd_dec_futex(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t op = (uint32_t)c->args[1];
	uint32_t cmd = op & FUTEX_CMD_MASK;
	const char *name = zd_xlat_name(&zd_xlat_futex_ops, cmd);
	uint32_t val3 = (uint32_t)c->args[5];

	dec_arg(c, sb);
	put_ptr(sb, c->args[0]);
	dec_arg(c, sb);
	if (!name || (op & ~(FUTEX_CMD_MASK | FUTEX_PRIVATE | FUTEX_CLOCK_RT))) {
		put_hex(sb, op);
		zd_sb_adds(sb, " /* FUTEX_??? */");
		for (int i = 2; i < 6; i++) {
			dec_arg(c, sb);
			put_hex(sb, c->args[i]);
		}
		return ZD_DEC_DONE;
	}
	if (zd_xlat_sym_begin(sb, ZD_XN_HEX, op)) {   /* -X raw: 0x81 */
		zd_sb_adds(sb, name);
		if (op & FUTEX_PRIVATE)
			zd_sb_adds(sb, "_PRIVATE");
		if (op & FUTEX_CLOCK_RT)
			zd_sb_adds(sb, "|FUTEX_CLOCK_REALTIME");
		zd_xlat_sym_end(sb);
	}
	switch (cmd) {
	case 0:   /* WAIT: val, timeout */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[3]);
		break;
	case 1:   /* WAKE */
	case 2:   /* FD */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		break;
	case 3:   /* REQUEUE: val, val2, uaddr2 */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[3]);
		dec_arg(c, sb);
		put_ptr(sb, c->args[4]);
		break;
	case 4:   /* CMP_REQUEUE: val, val2, uaddr2, val3 */
	case 12:  /* CMP_REQUEUE_PI */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[3]);
		dec_arg(c, sb);
		put_ptr(sb, c->args[4]);
		dec_arg(c, sb);
		put_udec(sb, val3);
		break;
	case 5:   /* WAKE_OP: val, val2, uaddr2, encoded op */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[3]);
		dec_arg(c, sb);
		put_ptr(sb, c->args[4]);
		dec_arg(c, sb);
		put_hex(sb, val3);
		break;
	case 6:   /* LOCK_PI: timeout */
	case 13:  /* LOCK_PI2 */
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[3]);
		break;
	case 7:   /* UNLOCK_PI */
	case 8:   /* TRYLOCK_PI */
		break;
	case 9:   /* WAIT_BITSET: val, timeout, bitset */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[3]);
		dec_arg(c, sb);
		if (val3 == 0xffffffffu)
			zd_sb_adds(sb, "FUTEX_BITSET_MATCH_ANY");
		else
			put_hex(sb, val3);
		break;
	case 10:  /* WAKE_BITSET: val, bitset */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		if (val3 == 0xffffffffu)
			zd_sb_adds(sb, "FUTEX_BITSET_MATCH_ANY");
		else
			put_hex(sb, val3);
		break;
	case 11:  /* WAIT_REQUEUE_PI: val, timeout, uaddr2 */
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[3]);
		dec_arg(c, sb);
		put_ptr(sb, c->args[4]);
		break;
	default:
		break;
	}
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* Time, randomness, restarts                                        */

static bool
interrupted(const struct zd_call *c)
{
	int64_t r = c->rval;

	return r == -EINTR || r == -512 || r == -513 || r == -514 || r == -516;
}

int
zd_dec_nanosleep(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (interrupted(c))
		put_timespec(c, sb, c->args[1]);
	else
		put_ptr(sb, c->args[1]);
	return ZD_DEC_DONE;
}

int
zd_dec_clock_nanosleep(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_clocks, (uint32_t)c->args[0]);
		dec_arg(c, sb);
		put_flags(sb, &zd_xlat_timer_flags, (uint32_t)c->args[1]);
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[2]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (interrupted(c) && !(c->args[1] & 1))
		put_timespec(c, sb, c->args[3]);
	else
		put_ptr(sb, c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_getrandom(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting)
		return ZD_DEC_MORE;
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[0]);
	else
		put_buf_hex(c, sb, c->args[0], (uint64_t)c->rval);
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_getrandom_flags, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_restart_syscall(struct zd_call *c, struct zd_sb *sb)
{
	const char *n = c->restarted_nr >= 0 ? zd_sysname(c->restarted_nr) : NULL;

	zd_sb_adds(sb, "<... resuming interrupted ");
	zd_sb_adds(sb, n ? n : "call");
	zd_sb_adds(sb, " ...>");
	return ZD_DEC_DONE;
}
