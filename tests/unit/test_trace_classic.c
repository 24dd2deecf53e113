/*
 * The classic ptrace flows of zdiag trace, the parts that are logic:
 * --ptrace= parsing, which SIGSTOP is the tracer's own, syscall state
 * from registers, the PTRACE_O_* probe against a fake kernel; and
 * tracee memory read with PTRACE_PEEKDATA only, compared with
 * process_vm_readv on a forked, stopped child (strings and buffers that
 * run into an unmapped page).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

#include "unit.h"
#include "zdiag/decode.h"
#include "zdiag/trace.h"
#include "../../src/trace/tracer-int.h"

/* ---------------------------------------------------------------- */

static void
test_mode_parse(void **state)
{
	enum zd_ptrace_mode m = ZD_PTRACE_AUTO;

	(void)state;
	assert_int_equal(zd_ptrace_mode_parse("classic", &m), 0);
	assert_int_equal(m, ZD_PTRACE_CLASSIC);
	assert_int_equal(zd_ptrace_mode_parse("seize", &m), 0);
	assert_int_equal(m, ZD_PTRACE_SEIZE);
	assert_int_equal(zd_ptrace_mode_parse("auto", &m), 0);
	assert_int_equal(m, ZD_PTRACE_AUTO);
	assert_int_equal(zd_ptrace_mode_parse("Classic", &m), -EINVAL);
	assert_int_equal(zd_ptrace_mode_parse("", &m), -EINVAL);
	assert_int_equal(zd_ptrace_mode_parse("traceme", &m), -EINVAL);
	assert_int_equal(m, ZD_PTRACE_AUTO);
}

/* ---------------------------------------------------------------- */

static siginfo_t
si_of(int signo, int code, pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = signo;
	si.si_code = code;
	si.si_pid = pid;
	return si;
}

static void
test_own_sigstop(void **state)
{
	siginfo_t si;

	(void)state;
	/* PTRACE_ATTACH's (SEND_SIG_PRIV) */
	si = si_of(SIGSTOP, SI_KERNEL, 0);
	assert_true(zd_trace_own_sigstop(&si, 100, 200));
	/* a new child's: no siginfo queued */
	si = si_of(SIGSTOP, SI_USER, 0);
	assert_true(zd_trace_own_sigstop(&si, 100, 200));
	/* the detach's tgkill, from us; or from outside the tracee's PID namespace */
	si = si_of(SIGSTOP, SI_TKILL, 100);
	assert_true(zd_trace_own_sigstop(&si, 100, 200));
	si = si_of(SIGSTOP, SI_TKILL, 0);
	assert_true(zd_trace_own_sigstop(&si, 100, 200));
	/* the launched child's raise() */
	si = si_of(SIGSTOP, SI_TKILL, 200);
	assert_true(zd_trace_own_sigstop(&si, 100, 200));
	/* somebody's kill -STOP, sigqueue, another signal */
	si = si_of(SIGSTOP, SI_USER, 300);
	assert_false(zd_trace_own_sigstop(&si, 100, 200));
	si = si_of(SIGSTOP, SI_TKILL, 300);
	assert_false(zd_trace_own_sigstop(&si, 100, 200));
	si = si_of(SIGSTOP, SI_QUEUE, 0);
	assert_false(zd_trace_own_sigstop(&si, 100, 200));
	si = si_of(SIGTSTP, SI_KERNEL, 0);
	assert_false(zd_trace_own_sigstop(&si, 100, 200));
}

/* ---------------------------------------------------------------- */

static void
test_regs_info(void **state)
{
	struct user_regs_struct r;
	struct zd_scinfo si;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.orig_rax = 257;                /* openat */
	r.rdi = (unsigned long long)-100;
	r.rsi = 0x1000;
	r.rdx = 0x80000;
	r.r10 = 0644;
	r.r8 = 5;
	r.r9 = 6;
	r.rax = (unsigned long long)-ENOSYS;
	r.rsp = 0x7ffe0000;
	r.cs = 0x33;
	zd_trace_regs_info(&r, false, &si);
	assert_int_equal(si.op, PTRACE_SYSCALL_INFO_ENTRY);
	assert_int_equal(si.arch, ZD_AUDIT_ARCH_X86_64);
	assert_int_equal(si.nr, 257);
	assert_int_equal((int64_t)si.args[0], -100);
	assert_int_equal(si.args[1], 0x1000);
	assert_int_equal(si.args[2], 0x80000);
	assert_int_equal(si.args[3], 0644);
	assert_int_equal(si.args[4], 5);
	assert_int_equal(si.args[5], 6);
	assert_int_equal(si.sp, 0x7ffe0000);

	r.rax = 3;
	zd_trace_regs_info(&r, true, &si);
	assert_int_equal(si.op, PTRACE_SYSCALL_INFO_EXIT);
	assert_int_equal(si.rval, 3);
	r.rax = (unsigned long long)-ENOENT;
	zd_trace_regs_info(&r, true, &si);
	assert_int_equal(si.rval, -ENOENT);

	/* A 32-bit process (int 0x80): i386 numbers and argument registers. */
	memset(&r, 0, sizeof(r));
	r.cs = 0x23;
	r.orig_rax = 5;                  /* i386 open */
	r.rbx = 0xffffd000;
	r.rcx = 0x8000;
	r.rdx = 0;
	r.rsi = 4;
	r.rdi = 5;
	r.rbp = 0x1ffffffff;             /* only the low half is the i386 register */
	zd_trace_regs_info(&r, false, &si);
	assert_int_equal(si.arch, ZD_AUDIT_ARCH_I386);
	assert_int_equal(si.nr, 5);
	assert_int_equal(si.args[0], 0xffffd000);
	assert_int_equal(si.args[1], 0x8000);
	assert_int_equal(si.args[3], 4);
	assert_int_equal(si.args[4], 5);
	assert_int_equal(si.args[5], 0xffffffff);
}

/* ---------------------------------------------------------------- */

/* A kernel that knows the options in `known`: PTRACE_SETOPTIONS. */
struct fake_kernel {
	unsigned known;
	unsigned set;        /* the options in effect */
	int calls;
	int esrch_after;     /* answer ESRCH from this call on (0: never) */
};

static int
fake_set(void *ctx, unsigned opts)
{
	struct fake_kernel *k = ctx;

	k->calls++;
	if (k->esrch_after && k->calls >= k->esrch_after)
		return -ESRCH;
	if (opts & ~k->known)
		return -EINVAL;
	k->set = opts;
	return 0;
}

#define ALL_OPTS                                                                                                     \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)
#define FOLLOW (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE)

static void
probe(unsigned known, unsigned want, unsigned expect_dropped)
{
	struct fake_kernel k = { known, 0, 0, 0 };   /* a new tracee has no options */
	unsigned dropped = 12345;

	assert_int_equal(zd_trace_opts_probe(want, fake_set, &k, &dropped), 0);
	assert_int_equal(dropped, expect_dropped);
	assert_int_equal(k.set, want & ~expect_dropped);
}

static void
test_opts_probe(void **state)
{
	(void)state;
	/* Everything known (a transient failure): nothing dropped. */
	probe(ALL_OPTS, ALL_OPTS, 0);
	/* Linux 3.4-3.7: no EXITKILL. */
	probe(ALL_OPTS & ~PTRACE_O_EXITKILL, ALL_OPTS, PTRACE_O_EXITKILL);
	/* Before 3.5: no TRACESECCOMP or EXITKILL. */
	probe(ALL_OPTS & ~(PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP), ALL_OPTS,
	      PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP);
	/* A kernel with no options at all. */
	probe(0, ALL_OPTS, ALL_OPTS);
	/* Only a part of the fork trio: following needs all three. */
	probe(ALL_OPTS & ~PTRACE_O_TRACEVFORK, ALL_OPTS, FOLLOW);
	probe(ALL_OPTS & ~PTRACE_O_TRACECLONE, PTRACE_O_TRACESYSGOOD | FOLLOW, FOLLOW);
	/* No SYSGOOD, no EXEC: the rest stays. */
	probe(ALL_OPTS & ~(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC), ALL_OPTS,
	      PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC);
	/* Only what was wanted is tried. */
	probe(0, PTRACE_O_TRACESYSGOOD, PTRACE_O_TRACESYSGOOD);
	/* A bit this list does not know is tried too, after the others. */
	probe(ALL_OPTS, ALL_OPTS | (1u << 30), 1u << 30);
	probe(ALL_OPTS | (1u << 30), PTRACE_O_TRACESYSGOOD | (1u << 30), 0);
}

static void
test_opts_probe_gone(void **state)
{
	struct fake_kernel k = { 0, 0, 0, 3 };
	unsigned dropped;

	(void)state;
	assert_int_equal(zd_trace_opts_probe(ALL_OPTS, fake_set, &k, &dropped), -ESRCH);
	assert_int_equal(k.calls, 3);
}

/* ---------------------------------------------------------------- */
/* PTRACE_PEEKDATA against process_vm_readv, on a real stopped tracee */

static char *area;            /* two pages: the second one unmapped */
static long page;

static pid_t
stopped_child(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFSTOPPED(st))
		return -1;
	return c;
}

static int
setup_mem(void **state)
{
	(void)state;
	page = sysconf(_SC_PAGESIZE);
	area = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -1;
	munmap(area + page, (size_t)page);
	memset(area, 'a', (size_t)page);
	/* A string at an odd address, 23 bytes before the hole. */
	memcpy(area + page - 41, "unaligned-string!", 18);
	/* A string that runs into the hole without its NUL. */
	memcpy(area + page - 6, "abcdef", 6);
	memcpy(area + 8, "short", 6);
	return 0;
}

static int
teardown_mem(void **state)
{
	(void)state;
	munmap(area, (size_t)page);
	zd_umove_peek_only(false);
	return 0;
}

/* Read everything in one mode, into one buffer of results. */
static void
reads(pid_t c, bool peek, char out[6][64], ssize_t n[6], bool term[6])
{
	zd_umove_peek_only(peek);
	memset(out, 0, 6 * 64);
	n[0] = zd_umove(c, (uintptr_t)area + 8, out[0], 6);
	n[1] = zd_umove(c, (uintptr_t)area + page - 27, out[1], 40);      /* runs into the hole */
	n[2] = zd_umove(c, (uintptr_t)area + page, out[2], 8);            /* in the hole */
	n[3] = zd_umove_str(c, (uintptr_t)area + page - 41, out[3], 63, &term[3]);
	n[4] = zd_umove_str(c, (uintptr_t)area + page - 6, out[4], 63, &term[4]);
	n[5] = zd_umove_str(c, (uintptr_t)area + 8, out[5], 3, &term[5]); /* truncated */
}

static void
test_peekdata(void **state)
{
	char a[6][64], b[6][64];
	ssize_t na[6], nb[6];
	bool ta[6] = { 0 }, tb[6] = { 0 };
	pid_t c = stopped_child();
	int i, st;

	(void)state;
	if (c < 0)
		zd_skip("cannot fork a PTRACE_TRACEME child (ptrace not permitted?)");
	reads(c, false, a, na, ta);
	reads(c, true, b, nb, tb);
	assert_int_equal(zd_umove_fallback_errno(), 0);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);

	assert_int_equal(na[0], 6);
	assert_string_equal(a[0], "short");
	assert_int_equal(na[1], 27);
	assert_memory_equal(a[1], area + page - 27, 27);
	assert_memory_equal(a[1] + 21, "abcdef", 6);
	assert_int_equal(na[2], -EFAULT);
	assert_int_equal(na[3], 17);
	assert_string_equal(a[3], "unaligned-string!");
	assert_true(ta[3]);
	assert_int_equal(na[4], 6);
	assert_string_equal(a[4], "abcdef");
	assert_false(ta[4]);
	assert_int_equal(na[5], 3);
	assert_string_equal(a[5], "sho");
	assert_false(ta[5]);
	/* PEEKDATA reads the same bytes (what lies past them may differ). */
	for (i = 0; i < 6; i++) {
		assert_int_equal(nb[i], na[i]);
		if (nb[i] > 0)
			assert_memory_equal(b[i], a[i], (size_t)nb[i]);
		if (i >= 3) {
			assert_int_equal(tb[i], ta[i]);
			assert_int_equal(b[i][nb[i]], '\0');
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_parse),
		cmocka_unit_test(test_own_sigstop),
		cmocka_unit_test(test_regs_info),
		cmocka_unit_test(test_opts_probe),
		cmocka_unit_test(test_opts_probe_gone),
		cmocka_unit_test_setup_teardown(test_peekdata, setup_mem, teardown_mem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
