/*
 * Signals: names (strace's kernel numbering: 32 is SIGRTMIN, 34 SIGRT_2),
 * signal sets, sigaction, siginfo and wait statuses.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "dec.h"
#include "zdiag/sig.h"

#define NSIG_KERNEL 64

static char signames[NSIG_KERNEL + 1][16];

const char *
zd_dec_signame(int sig)
{
	static __thread char other[24];

	if (sig < 1 || sig > NSIG_KERNEL) {
		snprintf(other, sizeof(other), "%d", sig);
		return other;
	}
	if (!signames[sig][0]) {
		const char *ab = sig < 32 ? sigabbrev_np(sig) : NULL;

		if (ab) /* zd_signame: SIGIO, as strace says, not glibc's POLL */
			snprintf(signames[sig], sizeof(signames[sig]), "%s", zd_signame(sig));
		else if (sig == 32)
			snprintf(signames[sig], sizeof(signames[sig]), "SIGRTMIN");
		else if (sig > 32)
			snprintf(signames[sig], sizeof(signames[sig]), "SIGRT_%d", sig - 32);
		else
			snprintf(signames[sig], sizeof(signames[sig]), "SIG_%d", sig);
	}
	return signames[sig];
}

void
put_sigmask(struct zd_sb *sb, const uint64_t *words, size_t nsig)
{
	size_t set = 0, i;
	bool invert, first = true;

	for (i = 0; i < nsig; i++)
		set += (words[i / 64] >> (i % 64)) & 1;
	invert = set > nsig / 2;
	if (invert)
		zd_sb_addc(sb, '~');
	zd_sb_addc(sb, '[');
	for (i = 0; i < nsig; i++) {
		bool bit = (words[i / 64] >> (i % 64)) & 1;

		if (bit == invert)
			continue;
		if (!first)
			zd_sb_addc(sb, ' ');
		first = false;
		zd_xlat_sym(sb, ZD_XN_DEC, i + 1, zd_dec_signame((int)i + 1) + 3);
	}
	zd_sb_addc(sb, ']');
}

void
put_sigset(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t size)
{
	uint64_t words[2] = { 0, 0 };

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	/* The kernel takes exactly 8 bytes (64 signals) on x86-64; strace
	 * shows other sizes as the address. */
	if (size != 8) {
		put_hex(sb, addr);
		return;
	}
	if (!umove_all(c, addr, words, (size_t)size)) {
		put_hex(sb, addr);
		return;
	}
	put_sigmask(sb, words, (size_t)size * 8);
}

/* struct sigaction as the rt_sigaction syscall takes it on x86-64. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

static void
put_k_sigaction(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct k_sigaction sa;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (!umove_all(c, addr, &sa, sizeof(sa))) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_adds(sb, "{sa_handler=");
	if (sa.handler == (uint64_t)(uintptr_t)SIG_DFL)
		zd_xlat_sym(sb, ZD_XN_HEX, sa.handler, "SIG_DFL");
	else if (sa.handler == (uint64_t)(uintptr_t)SIG_IGN)
		zd_xlat_sym(sb, ZD_XN_HEX, sa.handler, "SIG_IGN");
	else
		put_hex(sb, sa.handler);
	zd_sb_adds(sb, ", sa_mask=");
	put_sigmask(sb, &sa.mask, 64);
	zd_sb_adds(sb, ", sa_flags=");
	put_flags(sb, &zd_xlat_sa_flags, sa.flags);
	if (sa.flags & 0x04000000) {   /* SA_RESTORER */
		zd_sb_adds(sb, ", sa_restorer=");
		put_hex(sb, sa.restorer);
	}
	zd_sb_addc(sb, '}');
}

int
zd_dec_rt_sigaction(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_sig(sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_k_sigaction(c, sb, c->args[1]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[2]);
	else
		put_k_sigaction(c, sb, c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_rt_sigprocmask(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_sigprocmask_how, (uint32_t)c->args[0]);
		dec_arg(c, sb);
		put_sigset(c, sb, c->args[1], c->args[3]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[2]);
	else
		put_sigset(c, sb, c->args[2], c->args[3]);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	return ZD_DEC_DONE;
}

/*
 * rt_sigreturn restores the mask saved in the signal frame: at its entry
 * the stack pointer addresses the frame's struct ucontext (the return to
 * the restorer popped pretcode), whose uc_sigmask follows uc_flags,
 * uc_link, uc_stack (24 bytes) and the 256-byte sigcontext.
 */
#define UC_SIGMASK_OFFSET (8 + 8 + 24 + 256)

int
zd_dec_rt_sigreturn(struct zd_call *c, struct zd_sb *sb)
{
	uint64_t mask;

	if (!c->sp)
		return ZD_DEC_DONE;
	dec_arg(c, sb);
	if (zd_umove(c->tid, c->sp + UC_SIGMASK_OFFSET, &mask, sizeof(mask)) != sizeof(mask)) {
		put_hex(sb, c->sp);
		return ZD_DEC_DONE;
	}
	zd_sb_adds(sb, "{mask=");
	put_sigmask(sb, &mask, 64);
	zd_sb_addc(sb, '}');
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* siginfo                                                           */

static const struct zd_xlat_tab *
code_table(int signo, int code)
{
	if (code <= 0 || code == 0x80)
		return &zd_xlat_sigcodes_generic;
	switch (signo) {
	case SIGCHLD: return &zd_xlat_sigcodes_chld;
	case SIGSEGV: return &zd_xlat_sigcodes_segv;
	case SIGBUS: return &zd_xlat_sigcodes_bus;
	case SIGILL: return &zd_xlat_sigcodes_ill;
	case SIGFPE: return &zd_xlat_sigcodes_fpe;
	case SIGTRAP: return &zd_xlat_sigcodes_trap;
	case SIGPOLL: return &zd_xlat_sigcodes_poll;
	case SIGSYS: return &zd_xlat_sigcodes_sys;
	default: return &zd_xlat_sigcodes_generic;
	}
}

/* si_code as strace prints it: a name, else (and with -X raw) unsigned hex. */
void
put_si_code(struct zd_sb *sb, const struct zd_xlat_tab *t, int code)
{
	const char *n = zd_xlat_name(t, (uint64_t)(int64_t)code);

	if (n)
		zd_xlat_sym(sb, ZD_XN_HEX, (uint32_t)code, n);
	else
		put_hex(sb, (uint32_t)code);
}

static void
put_clock_t(struct zd_sb *sb, long v)
{
	put_dec(sb, v);
	if (v)
		zd_sb_addf(sb, " /* %ld.%02ld s */", v / 100, v % 100);
}

/* si_pid, with -Y the sender's command name */
static void
put_si_pid(struct zd_sb *sb, pid_t pid, unsigned decode_pids, pid_t tid)
{
	zd_sb_adds(sb, ", si_pid=");
	put_dec(sb, pid);
	if (decode_pids & ZD_DECPID_COMM)
		zd_dec_pid_comm(sb, pid);
	if ((decode_pids & ZD_DECPID_PIDNS) && tid > 0)
		zd_dec_pidns_note(sb, tid, pid);
}

void
zd_dec_siginfo(struct zd_sb *sb, const void *p)
{
	zd_dec_siginfo_pids(sb, p, 0, 0);
}

void
zd_dec_siginfo_pids(struct zd_sb *sb, const void *p, unsigned decode_pids, pid_t tid)
{
	const siginfo_t *si = p;
	int signo = si->si_signo, code = si->si_code;

	zd_sb_adds(sb, "{si_signo=");
	put_sig(sb, signo);
	if (si->si_errno) {
		zd_sb_adds(sb, ", si_errno=");
		put_dec(sb, si->si_errno);
	}
	zd_sb_adds(sb, ", si_code=");
	put_si_code(sb, code_table(signo, code), code);
	if (code <= 0) {
		/* Sent by a process: kill, tkill, sigqueue, timers, mq. */
		if (code == SI_TIMER) {
			zd_sb_adds(sb, ", si_timerid=");
			put_hex(sb, (uint32_t)si->si_timerid);
			zd_sb_adds(sb, ", si_overrun=");
			put_dec(sb, si->si_overrun);
		} else {
			put_si_pid(sb, si->si_pid, decode_pids, tid);
			zd_sb_adds(sb, ", si_uid=");
			put_udec(sb, si->si_uid);
		}
		if (code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ) {
			zd_sb_adds(sb, ", si_int=");
			put_dec(sb, si->si_value.sival_int);
			zd_sb_adds(sb, ", si_ptr=");
			put_ptr(sb, (uint64_t)(uintptr_t)si->si_value.sival_ptr);
		}
		zd_sb_addc(sb, '}');
		return;
	}
	if (code == SI_KERNEL) {
		if (signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE) {
			zd_sb_adds(sb, ", si_addr=");
			put_ptr(sb, (uint64_t)(uintptr_t)si->si_addr);
		}
		zd_sb_addc(sb, '}');
		return;
	}
	switch (signo) {
	case SIGCHLD:
		put_si_pid(sb, si->si_pid, decode_pids, tid);
		zd_sb_adds(sb, ", si_uid=");
		put_udec(sb, si->si_uid);
		zd_sb_adds(sb, ", si_status=");
		if (code == CLD_EXITED)
			put_dec(sb, si->si_status);
		else
			put_sig(sb, si->si_status);
		zd_sb_adds(sb, ", si_utime=");
		put_clock_t(sb, si->si_utime);
		zd_sb_adds(sb, ", si_stime=");
		put_clock_t(sb, si->si_stime);
		break;
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		zd_sb_adds(sb, ", si_addr=");
		put_ptr(sb, (uint64_t)(uintptr_t)si->si_addr);
		break;
	case SIGPOLL:
		zd_sb_adds(sb, ", si_band=");
		put_dec(sb, si->si_band);
		zd_sb_adds(sb, ", si_fd=");
		put_dec(sb, si->si_fd);
		break;
	case SIGSYS: {
		const char *n = zd_sysent(si->si_syscall) ? zd_sysent(si->si_syscall)->name : NULL;

		zd_sb_adds(sb, ", si_call_addr=");
		put_ptr(sb, (uint64_t)(uintptr_t)si->si_call_addr);
		zd_sb_adds(sb, ", si_syscall=");
		if (n) {
			zd_sb_adds(sb, "__NR_");
			zd_sb_adds(sb, n);
		} else {
			put_dec(sb, si->si_syscall);
		}
		zd_sb_adds(sb, ", si_arch=");
		if (si->si_arch == 0xc000003e)
			zd_sb_adds(sb, "AUDIT_ARCH_X86_64");
		else
			put_hex(sb, si->si_arch);
		break;
	}
	default:
		break;
	}
	zd_sb_addc(sb, '}');
}

void
zd_dec_wstatus(struct zd_sb *sb, int s)
{
	zd_sb_addc(sb, '{');
	if (WIFEXITED(s)) {
		zd_sb_adds(sb, "WIFEXITED(s) && WEXITSTATUS(s) == ");
		put_dec(sb, WEXITSTATUS(s));
	} else if (WIFSIGNALED(s)) {
		zd_sb_adds(sb, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		zd_sb_adds(sb, zd_dec_signame(WTERMSIG(s)));   /* a name even with -X raw, as strace */
		if (WCOREDUMP(s))
			zd_sb_adds(sb, " && WCOREDUMP(s)");
	} else if (WIFSTOPPED(s)) {
		zd_sb_adds(sb, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		zd_sb_adds(sb, zd_dec_signame(WSTOPSIG(s)));
	} else if (WIFCONTINUED(s)) {
		zd_sb_adds(sb, "WIFCONTINUED(s)");
	} else {
		put_hex(sb, (uint32_t)s);
	}
	zd_sb_addc(sb, '}');
	if (s >> 16) {
		zd_sb_adds(sb, " | ");
		put_hex(sb, (uint32_t)(s >> 16) << 16);
	}
}

/* ---------------------------------------------------------------- */
/* rt_sigtimedwait, rt_(tg)sigqueueinfo, sigaltstack                 */

static void
put_siginfo_at(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	siginfo_t si;

	if (!addr)
		zd_sb_adds(sb, "NULL");
	else if (!umove_all(c, addr, &si, sizeof(si)))
		put_hex(sb, addr);
	else
		zd_dec_siginfo_pids(sb, &si, c->opts ? c->opts->decode_pids : 0, c->tid);
}

/* "= 10 (SIGUSR1)" */
static void
rextra_signame(struct zd_call *c)
{
	struct zd_sb t = ZD_SB_INIT;

	if (dec_failed(c) || !c->rval)
		return;
	zd_sb_addf(&t, " (%s)", zd_dec_signame((int)c->rval));
	dec_rextra(c, &t);
	zd_sb_release(&t);
}

int
zd_dec_rt_sigtimedwait(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_sigset(c, sb, c->args[0], c->args[3]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_siginfo_at(c, sb, c->args[1]);
	dec_arg(c, sb);
	put_timespec(c, sb, c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	rextra_signame(c);
	return ZD_DEC_DONE;
}

/* pids[0..n-1], then the signal and the siginfo */
static int
dec_sigqueueinfo(struct zd_call *c, struct zd_sb *sb, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[i]);
	}
	dec_arg(c, sb);
	put_sig(sb, (int32_t)c->args[n]);
	dec_arg(c, sb);
	put_siginfo_at(c, sb, c->args[n + 1]);
	return ZD_DEC_DONE;
}

int zd_dec_rt_sigqueueinfo(struct zd_call *c, struct zd_sb *sb) { return dec_sigqueueinfo(c, sb, 1); }
int zd_dec_rt_tgsigqueueinfo(struct zd_call *c, struct zd_sb *sb) { return dec_sigqueueinfo(c, sb, 2); }

static void
put_stack_t(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	stack_t ss;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (!umove_all(c, addr, &ss, sizeof(ss))) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_adds(sb, "{ss_sp=");
	put_ptr(sb, (uint64_t)(uintptr_t)ss.ss_sp);
	zd_sb_adds(sb, ", ss_flags=");
	put_flags(sb, &zd_xlat_sigaltstack_flags, (uint32_t)ss.ss_flags);
	zd_sb_adds(sb, ", ss_size=");
	put_udec(sb, ss.ss_size);
	zd_sb_addc(sb, '}');
}

int
zd_dec_sigaltstack(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_stack_t(c, sb, c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_stack_t(c, sb, c->args[1]);
	return ZD_DEC_DONE;
}
