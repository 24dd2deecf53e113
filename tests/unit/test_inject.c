/*
 * System-call injection (src/ptrace/inject.c) and seccomp filter evaluation
 * (src/ptrace/seccomp.c), on real child processes: the child must go on as if
 * nothing happened (its nanosleep neither cut short nor failing with EINTR),
 * and a filter that would kill it is seen before any call is made.
 */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/common.h"
#include "zdiag/disasm.h"
#include "zdiag/inject.h"
#include "zdiag/seccomp.h"

const unsigned char *zd_inject_routine(bool thread, size_t *len, size_t *trap);

/* Decode a routine: exactly the instructions want, jumps inside it, int3 at trap. */
static void
check_routine(bool thread, const char *const *want, size_t nwant)
{
	struct zd_disasm *d;
	struct zd_insn in;
	size_t len, trap, off = 0, i = 0;
	const unsigned char *code = zd_inject_routine(thread, &len, &trap);

	if (zd_disasm_new(&d, ZD_SYNTAX_ATT) < 0)
		zd_skip("no capstone: %s", zd_disasm_error());
	while (off < len) {
		assert_int_equal(zd_disasm_one(d, code, len, &off, 0x1000, &in), 0);
		assert_true(i < nwant);
		if (strcmp(in.mnemonic, want[i]))
			fail_msg("instruction %zu: %s %s, expected %s", i, in.mnemonic, in.ops, want[i]);
		if (in.mnemonic[0] == 'j')
			assert_true(in.has_target && in.target >= 0x1000 && in.target < 0x1000 + len);
		i++;
	}
	assert_int_equal(i, nwant);
	assert_true(trap < len);
	assert_int_equal(code[trap], 0xcc);
	zd_disasm_free(d);
}

/* The routines decode to exactly the instructions their comment shows. */
static void
test_routines_disassemble(void **state)
{
	static const char *const inplace[] = {
		"movq", "movq", "movq", "movq", "testq", "je", "movl", "movl", "movq", "movl", "xorl", "movl",
		"syscall", "movq", "addq", "addq", "addq", "decq", "jmp", "int3",
	};
	static const char *const thread[] = {
		"movq", "movq", "movq", "movq", "movq", "movq",                   /* args */
		"movl", "movl", "movq", "leaq", "movl", "syscall",                 /* block all */
		"testq", "jne",
		"movl", "movl", "movq", "xorl", "leaq", "xorl", "syscall",         /* clone */
		"testq", "je", "movq",
		"movl", "movl", "leaq", "xorl", "movl", "syscall", "jmp",          /* unblock */
		"movq", "int3",
		"testq", "je", "movl", "movl", "movq", "movl", "xorl", "movl",     /* the thread */
		"syscall", "movq", "addq", "addq", "addq", "decq", "jmp",
		"movl", "xorl", "syscall", "jmp",                                  /* exit */
	};

	(void)state;
	check_routine(false, inplace, ZD_ARRAY_SIZE(inplace));
	check_routine(true, thread, ZD_ARRAY_SIZE(thread));
}

static uint32_t
eval1(const struct sock_filter *f, size_t n, int nr, uint32_t arch)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = arch;
	return zd_seccomp_eval(f, n, &d);
}

static void
test_seccomp_eval(void **state)
{
	/* The usual shape: check arch, then allow everything but waitid. */
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_waitid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter bad_jump[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter fall_off[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	};
	const struct sock_filter bad_load[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 62), /* unaligned */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter scratch[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 1),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG),
	};

	(void)state;
	assert_true(zd_seccomp_allows(eval1(prog, ZD_ARRAY_SIZE(prog), __NR_mmap, AUDIT_ARCH_X86_64)));
	assert_int_equal(eval1(prog, ZD_ARRAY_SIZE(prog), __NR_waitid, AUDIT_ARCH_X86_64),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_false(zd_seccomp_allows(eval1(prog, ZD_ARRAY_SIZE(prog), __NR_waitid, AUDIT_ARCH_X86_64)));
	assert_int_equal(eval1(prog, ZD_ARRAY_SIZE(prog), __NR_mmap, AUDIT_ARCH_I386), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(eval1(bad_jump, 2, 0, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(eval1(fall_off, 1, 0, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(eval1(bad_load, 2, 0, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(eval1(scratch, ZD_ARRAY_SIZE(scratch), 9, AUDIT_ARCH_X86_64), SECCOMP_RET_TRAP);
	assert_int_equal(eval1(scratch, ZD_ARRAY_SIZE(scratch), 8, AUDIT_ARCH_X86_64), SECCOMP_RET_LOG);
	assert_true(zd_seccomp_allows(SECCOMP_RET_LOG));
	assert_false(zd_seccomp_allows(SECCOMP_RET_TRAP));
	assert_int_equal(eval1(prog, 0, 0, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_PROCESS);
}

/* Would a filter kill one of the calls of this way of reaping? */
static bool
kills_one(const struct sock_filter *f, size_t n, bool thread)
{
	size_t ncalls, i;
	const struct zd_inject_call *calls = zd_inject_waitid_calls(thread, &ncalls);

	for (i = 0; i < ncalls; i++) {
		struct seccomp_data d;

		memset(&d, 0, sizeof(d));
		d.nr = (int)calls[i].nr;
		d.arch = AUDIT_ARCH_X86_64;
		memcpy(d.args, calls[i].a, sizeof(d.args));
		if (!zd_seccomp_allows(zd_seccomp_eval(f, n, &d)))
			return true;
	}
	return false;
}

/* The calls are checked with their arguments: a filter on clone's flags
 * (no threads; no new user namespace) is read as the kernel would. */
static void
test_seccomp_sees_arguments(void **state)
{
#define CLONE_FILTER(mask) {                                                           \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),        \
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),                        \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),   \
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (mask), 0, 1),                           \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),                          \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                                 \
	}
	const struct sock_filter no_threads[] = CLONE_FILTER(0x10000 /* CLONE_THREAD */);
	const struct sock_filter no_userns[] = CLONE_FILTER(0x10000000 /* CLONE_NEWUSER */);
	const struct sock_filter no_exec_pages[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 4 /* PROT_EXEC */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	(void)state;
	assert_true(kills_one(no_threads, ZD_ARRAY_SIZE(no_threads), true));
	assert_false(kills_one(no_threads, ZD_ARRAY_SIZE(no_threads), false));
	assert_false(kills_one(no_userns, ZD_ARRAY_SIZE(no_userns), true));
	assert_true(kills_one(no_exec_pages, ZD_ARRAY_SIZE(no_exec_pages), false));
#undef CLONE_FILTER
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A child that sleeps 400 ms in one nanosleep and reports through the pipe
 * what it saw: "ok" when the call returned 0 after at least 400 ms.  With
 * kill_waitid, it first installs a filter that kills it for waitid.
 */
static pid_t
sleeper(int fd[2], bool kill_waitid)
{
	pid_t c;

	if (pipe(fd) < 0)
		return -1;
	c = fork();
	if (c == 0) {
		struct timespec ts = { 0, 400 * 1000000L };
		int64_t t0;
		int r;

		close(fd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		if (kill_waitid) {
			scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

			if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(waitid), 0) < 0 ||
			    seccomp_load(ctx) < 0)
				_exit(3);
		}
		if (write(fd[1], "r", 1) != 1)
			_exit(4);
		t0 = mono_ms();
		r = (int)syscall(SYS_nanosleep, &ts, NULL);
		if (write(fd[1], r == 0 && mono_ms() - t0 >= 400 ? "ok" : "no", 2) != 2)
			_exit(5);
		_exit(0);
	}
	close(fd[1]);
	return c;
}

/* Wait until pid sleeps in a system call (state S). */
static void
wait_sleeping(pid_t pid)
{
	char path[64], buf[512];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 2000; i++) {
		FILE *f = fopen(path, "r");
		char *p;

		if (f && fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[2] == 'S') {
			fclose(f);
			return;
		}
		if (f)
			fclose(f);
		usleep(1000);
	}
	fail_msg("child %d never slept", (int)pid);
}

/* Start a sleeper and seize it while it sleeps; skip without ptrace. */
static pid_t
seize_sleeper(struct zd_inject *in, int fd[2], bool kill_waitid)
{
	char c1;
	pid_t c = sleeper(fd, kill_waitid);
	int r;

	assert_true(c > 0);
	assert_int_equal(read(fd[0], &c1, 1), 1);
	wait_sleeping(c);
	r = zd_inject_begin(in, c, c, 2000);
	if (r == -EPERM) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		zd_skip("ptrace attach not permitted (EPERM: yama ptrace_scope or seccomp)");
	}
	assert_int_equal(r, 0);
	return c;
}

/* After zd_inject_end: the child finishes its sleep, whole, no EINTR. */
static void
sleeper_unharmed(pid_t c, int fd[2])
{
	char buf[3] = { 0 };
	int st;

	assert_int_equal(read(fd[0], buf, 2), 2);
	assert_string_equal(buf, "ok");
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd[0]);
}

static void
test_syscall_keeps_nanosleep(void **state)
{
	struct zd_inject in;
	uint64_t a[6] = { 0 };
	int64_t ret;
	int fd[2];
	pid_t c = seize_sleeper(&in, fd, false);

	(void)state;
	assert_int_equal(zd_inject_syscall(&in, __NR_getpid, a, &ret), 0);
	assert_int_equal(ret, c);
	assert_int_equal(zd_inject_syscall(&in, __NR_getppid, a, &ret), 0);
	assert_int_equal(ret, getpid());
	assert_int_equal(zd_inject_seccomp_ok(&in, &(const struct zd_inject_call){ __NR_waitid, { 0 } }, 1), 1);
	assert_int_equal(zd_inject_end(&in), 0);
	assert_true(zd_inject_held_ms(&in) >= 0);
	sleeper_unharmed(c, fd);
}

static void
test_seccomp_filter_seen(void **state)
{
	struct zd_inject in;
	int fd[2];
	const struct zd_inject_call getpid_waitid[] = { { __NR_getpid, { 0 } }, { __NR_waitid, { 0 } } };
	pid_t c = seize_sleeper(&in, fd, true);

	(void)state;
	assert_int_equal(zd_inject_seccomp_ok(&in, getpid_waitid, 1), 1);
	assert_int_equal(zd_inject_seccomp_ok(&in, getpid_waitid, 2), 0);
	assert_int_equal(zd_inject_end(&in), 0);
	sleeper_unharmed(c, fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routines_disassemble),
		cmocka_unit_test(test_seccomp_eval),
		cmocka_unit_test(test_syscall_keeps_nanosleep),
		cmocka_unit_test(test_seccomp_filter_seen),
		cmocka_unit_test(test_seccomp_sees_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
