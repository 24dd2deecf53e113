/*
 * The check runner and suite: hanging probes are killed and reported
 * TIMEOUT, crashing probes are FAIL, whatever a probe leaves behind is
 * killed and reaped (and the caller's own children are left alone), a
 * wrong expectation is reported with both behaviours, and every real
 * probe passes on this kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/check.h"

/* ---------------------------------------------------------------- */
/* Helpers                                                           */

/* Children of this process, read independently of the library. */
static size_t
count_children(void)
{
	char path[64], buf[8192], *save = NULL;
	size_t n = 0;
	ssize_t len;
	char *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)gettid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(len >= 0);
	buf[len] = '\0';
	for (p = strtok_r(buf, " \n", &save); p; p = strtok_r(NULL, " \n", &save))
		n++;
	return n;
}

static bool
pid_gone(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return kill(pid, 0) < 0 && errno == ESRCH && access(path, F_OK) < 0;
}

/* The pid in a note "pid N". */
static pid_t
note_pid(const struct zd_check_result *r, const char *label)
{
	size_t i, len = strlen(label);

	for (i = 0; i < r->n_notes; i++)
		if (!strncmp(r->notes[i], label, len) && r->notes[i][len] == ' ')
			return (pid_t)atoi(r->notes[i] + len + 1);
	return 0;
}

static void
run_one(const struct zd_probe *p, long long timeout_ms, struct zd_check_result *res)
{
	struct zd_check_opts o = { .timeout_ms = timeout_ms };
	struct zd_check_runner r;

	assert_int_equal(zd_check_runner_init(&r, &o), 0);
	assert_int_equal(zd_check_runner_run(&r, p, res), 0);
	zd_check_runner_release(&r);
}

static pid_t
fork_sleeper(struct zd_check_ctx *c)
{
	pid_t pid = zd_check_fork(c);

	if (pid == 0)
		for (;;)
			pause();
	return pid;
}

/* ---------------------------------------------------------------- */
/* Fake probes                                                       */

static int
probe_pass(struct zd_check_ctx *c)
{
	zd_check_note(c, "all good");
	return ZD_CHECK_PASS;
}

static int
probe_hang(struct zd_check_ctx *c)
{
	pid_t kid = fork_sleeper(c);

	zd_check_note(c, "kid %d", (int)kid);
	zd_check_step(c, "sleeping forever on purpose");
	for (;;)
		pause();
	return ZD_CHECK_PASS;
}

static int
probe_crash(struct zd_check_ctx *c)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile int *bad = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t kid = fork_sleeper(c);

	zd_check_note(c, "kid %d", (int)kid);
	zd_check_expect(c, "the store does not fault");
	zd_check_step(c, "writing to an unmapped page");
	munmap((void *)bad, (size_t)page);
	*bad = 1;
	return ZD_CHECK_PASS;
}

static int
probe_exit_quietly(struct zd_check_ctx *c)
{
	_exit(3);
}

/* Children of every kind: plain, own session, an orphaned grandchild, a
 * zombie, a stopped one; the pids go out as notes. */
static int
probe_leak(struct zd_check_ctx *c)
{
	int p[2];
	long long g = 0;
	pid_t a, z, s;

	zd_check_note(c, "plain %d", (int)fork_sleeper(c));
	s = zd_check_fork(c);
	if (s == 0) {
		setsid();
		for (;;)
			pause();
	}
	zd_check_note(c, "session %d", (int)s);
	if (pipe(p) < 0)
		return zd_check_fail(c, "pipe");
	a = zd_check_fork(c);
	if (a == 0) {
		pid_t gg = fork();

		if (gg == 0) {
			alarm(30);
			setpgid(0, 0);
			for (;;)
				pause();
		}
		zd_check_send_int(p[1], gg);
		_exit(0);
	}
	zd_check_recv_int(p[0], &g);
	zd_check_note(c, "middle %d", (int)a);
	zd_check_note(c, "orphan %lld", g);
	z = zd_check_fork(c);
	if (z == 0)
		_exit(0);
	zd_check_note(c, "zombie %d", (int)z);
	s = zd_check_fork(c);
	if (s == 0) {
		kill(getpid(), SIGSTOP);
		_exit(0);
	}
	zd_check_note(c, "stopped %d", (int)s);
	zd_check_wait_state(c, s, 0, "T", NULL);
	zd_check_wait_state(c, z, 0, "Z", NULL);
	zd_check_wait_state(c, a, 0, "Z", NULL);
	return ZD_CHECK_PASS;
}

static int
probe_skip(struct zd_check_ctx *c)
{
	return zd_check_skip(c, "no %s here", "widgets");
}

static int
probe_fail_then_hang(struct zd_check_ctx *c)
{
	zd_check_expect(c, "one equals two");
	zd_check_fail(c, "one is %d", 1);
	for (;;)
		pause();
	return ZD_CHECK_FAIL;
}

static int
probe_long_texts(struct zd_check_ctx *c)
{
	char big[5000];
	int i;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 100; i++)
		zd_check_note(c, "%s", big);
	zd_check_expect(c, "%s", big);
	return zd_check_fail(c, "%s", big);
}

static int
probe_sigchld_ignored(struct zd_check_ctx *c)
{
	struct sigaction sa;

	sigaction(SIGCHLD, NULL, &sa);
	zd_check_expect(c, "the probe starts with SIGCHLD at SIG_DFL and nothing blocked");
	if (sa.sa_handler != SIG_DFL)
		return zd_check_fail(c, "SIGCHLD is not SIG_DFL");
	return ZD_CHECK_PASS;
}

/* ---------------------------------------------------------------- */
/* Runner tests                                                      */

static void
test_pass(void **state)
{
	static const struct zd_probe p = { "fake.pass", "fake", "passes", "none", probe_pass, NULL };
	struct zd_check_result res;
	size_t before = count_children();

	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_PASS);
	assert_null(res.expected);
	assert_null(res.observed);
	assert_int_equal(res.n_notes, 1);
	assert_string_equal(res.notes[0], "all good");
	assert_true(WIFEXITED(res.wait_status) && WEXITSTATUS(res.wait_status) == 0);
	assert_int_equal(res.leftovers, 0);
	assert_int_equal(res.unreaped, 0);
	assert_int_equal(count_children(), before);
	zd_check_result_release(&res);
}

static void
test_hang_is_timeout(void **state)
{
	static const struct zd_probe p = { "fake.hang", "fake", "hangs", "none", probe_hang, NULL };
	struct zd_check_result res;
	size_t before = count_children();
	pid_t kid;

	/* A short limit, but on a loaded machine the probe may not even reach
	 * its step within it: then the limit grows, and every assertion below
	 * holds for the run that is kept. */
	static const struct { long long ms; const char *secs; } limits[] = {
		{ 300, "within 0.3 s" }, { 1200, "within 1.2 s" }, { 4800, "within 4.8 s" }, { 19200, "within 19.2 s" },
	};
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(limits); i++) {
		run_one(&p, limits[i].ms, &res);
		if (res.step || i + 1 == ZD_ARRAY_SIZE(limits))
			break;
		zd_check_result_release(&res);
	}
	assert_int_equal(res.status, ZD_CHECK_TIMEOUT);
	assert_non_null(res.expected);
	assert_non_null(strstr(res.expected, limits[i].secs));
	assert_non_null(strstr(res.observed, "sleeping forever on purpose"));
	assert_string_equal(res.step, "sleeping forever on purpose");
	assert_true(WIFSIGNALED(res.wait_status) && WTERMSIG(res.wait_status) == SIGKILL);
	kid = note_pid(&res, "kid");
	assert_true(kid > 0);
	assert_true(pid_gone(kid));
	assert_int_equal(res.leftovers, 1);
	assert_int_equal(res.unreaped, 0);
	assert_int_equal(count_children(), before);
	zd_check_result_release(&res);
}

static void
test_crash_is_fail(void **state)
{
	static const struct zd_probe p = { "fake.crash", "fake", "crashes", "none", probe_crash, NULL };
	struct zd_check_result res;
	size_t before = count_children();
	pid_t kid;

	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_FAIL);
	assert_true(WIFSIGNALED(res.wait_status) && WTERMSIG(res.wait_status) == SIGSEGV);
	assert_non_null(strstr(res.observed, "killed by SIGSEGV"));
	assert_non_null(strstr(res.observed, "writing to an unmapped page"));
	assert_non_null(strstr(res.expected, "the store does not fault"));
	kid = note_pid(&res, "kid");
	assert_true(kid > 0 && pid_gone(kid));
	assert_int_equal(res.leftovers, 1);
	assert_int_equal(count_children(), before);
	zd_check_result_release(&res);
}

static void
test_exit_without_verdict(void **state)
{
	static const struct zd_probe p = { "fake.exit", "fake", "exits", "none", probe_exit_quietly, NULL };
	struct zd_check_result res;

	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_FAIL);
	assert_non_null(strstr(res.observed, "exited 3 without a verdict"));
	zd_check_result_release(&res);
}

static void
test_leftovers_reaped(void **state)
{
	static const struct zd_probe p = { "fake.leak", "fake", "leaks", "none", probe_leak, NULL };
	static const char *const labels[] = { "plain", "session", "middle", "orphan", "zombie", "stopped" };
	struct zd_check_result res;
	size_t before, i;
	pid_t mine;
	int st;

	/* A child of the caller from before the runner: never touched. */
	mine = fork();
	if (mine == 0) {
		alarm(60);
		for (;;)
			pause();
	}
	assert_true(mine > 0);
	before = count_children();
	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_PASS);
	assert_int_equal(res.n_notes, ZD_ARRAY_SIZE(labels));
	for (i = 0; i < ZD_ARRAY_SIZE(labels); i++) {
		pid_t pid = note_pid(&res, labels[i]);

		assert_true(pid > 0);
		assert_true(pid_gone(pid));
	}
	assert_int_equal(res.leftovers, ZD_ARRAY_SIZE(labels));
	assert_int_equal(res.unreaped, 0);
	assert_int_equal(count_children(), before);
	assert_int_equal(kill(mine, 0), 0);
	assert_int_equal(waitpid(mine, &st, WNOHANG), 0);
	kill(mine, SIGKILL);
	assert_int_equal(waitpid(mine, &st, 0), mine);
	zd_check_result_release(&res);
}

static void
test_skip(void **state)
{
	static const struct zd_probe p = { "fake.skip", "fake", "skips", "none", probe_skip, NULL };
	struct zd_check_result res;

	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_SKIP);
	assert_string_equal(res.reason, "no widgets here");
	assert_null(res.observed);
	zd_check_result_release(&res);
}

static void
test_fail_then_hang(void **state)
{
	static const struct zd_probe p = { "fake.fh", "fake", "fails, hangs", "none", probe_fail_then_hang, NULL };
	struct zd_check_result res;
	size_t before = count_children();

	run_one(&p, 300, &res);
	assert_int_equal(res.status, ZD_CHECK_FAIL);
	assert_string_equal(res.expected, "one equals two");
	assert_string_equal(res.observed, "one is 1");
	assert_int_equal(res.n_notes, 1);
	assert_non_null(strstr(res.notes[0], "hung"));
	assert_int_equal(count_children(), before);
	zd_check_result_release(&res);
}

static void
test_long_texts(void **state)
{
	static const struct zd_probe p = { "fake.long", "fake", "long", "none", probe_long_texts, NULL };
	struct zd_check_result res;

	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_FAIL);
	assert_true(strlen(res.observed) == 1024);
	assert_true(res.n_notes >= 1 && res.n_notes <= 64);
	zd_check_result_release(&res);
}

static void
test_sigchld_reset(void **state)
{
	static const struct zd_probe p = { "fake.chld", "fake", "clean", "none", probe_sigchld_ignored, NULL };
	struct zd_check_result res;
	struct sigaction ign, old, now;

	/* A caller that ignores SIGCHLD: the runner must still see its
	 * probes exit, and give the caller its disposition back. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGCHLD, &ign, &old);
	run_one(&p, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_PASS);
	assert_true(WIFEXITED(res.wait_status));
	sigaction(SIGCHLD, &old, &now);
	assert_true(now.sa_handler == SIG_IGN);
	zd_check_result_release(&res);
}

static void
test_cancel(void **state)
{
	static const struct zd_probe p = { "fake.hang", "fake", "hangs", "none", probe_hang, NULL };
	static volatile sig_atomic_t stop = 1;
	struct zd_check_opts o = { .timeout_ms = 5000, .cancel = &stop };
	struct zd_check_result res;
	struct zd_check_runner r;
	size_t before = count_children();

	assert_int_equal(zd_check_runner_init(&r, &o), 0);
	assert_int_equal(zd_check_runner_run(&r, &p, &res), -EINTR);
	zd_check_result_release(&res);
	zd_check_runner_release(&r);
	assert_int_equal(count_children(), before);
}

static void
test_subreaper_restored(void **state)
{
	struct zd_check_runner r;
	int flag = -1;

	assert_int_equal(zd_check_runner_init(&r, NULL), 0);
	assert_true(r.subreaper);
	assert_int_equal(r.opts.timeout_ms, ZD_CHECK_DEFAULT_TIMEOUT_MS);
	assert_int_equal(prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0), 0);
	assert_int_equal(flag, 1);
	zd_check_runner_release(&r);
	assert_int_equal(prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&flag, 0, 0, 0), 0);
	assert_int_equal(flag, 0);
}

/* ---------------------------------------------------------------- */
/* The suite                                                         */

static void
test_registry(void **state)
{
	static const char *const areas[] = { "procfs", "wait", "zombies", "threads", "orphans", "ptrace", "pidns" };
	const struct zd_probe *p;
	size_t n, i, k, a = 0;

	p = zd_check_probes(&n);
	assert_true(n >= 40);
	for (i = 0; i < n; i++) {
		size_t alen = strlen(p[i].area);
		const char *s;

		assert_non_null(p[i].fn);
		/* "area.what", areas in suite order */
		assert_int_equal(strncmp(p[i].name, p[i].area, alen), 0);
		assert_int_equal(p[i].name[alen], '.');
		while (a < ZD_ARRAY_SIZE(areas) && strcmp(areas[a], p[i].area))
			a++;
		assert_true(a < ZD_ARRAY_SIZE(areas));
		/* one-line ASCII rule, a kernel source file */
		assert_true(strlen(p[i].rule) > 20 && strlen(p[i].rule) < 140);
		for (s = p[i].rule; *s; s++)
			assert_true(*s >= 0x20 && *s < 0x7f);
		assert_true(strstr(p[i].source, ".c") != NULL);
		for (k = 0; k < i; k++)
			assert_true(strcmp(p[k].name, p[i].name) != 0);
		assert_ptr_equal(zd_check_find(p[i].name), &p[i]);
	}
	assert_int_equal(a, ZD_ARRAY_SIZE(areas) - 1);
	assert_null(zd_check_find("procfs"));
	assert_null(zd_check_find("no.such-probe"));
}

static void
test_match(void **state)
{
	const struct zd_probe *acc = zd_check_find("procfs.reaped-access");
	const struct zd_probe *tf = zd_check_find("ptrace.tracefork");
	const char *none[] = { NULL };
	const char *sub[] = { "procfs" };
	const char *glob[] = { "ptrace.*fork" };
	const char *both[] = { "procfs", "ptrace" };
	const char *excl[] = { "!ptrace" };
	const char *mixed[] = { "reaped", "!access" };
	const char *anchored[] = { "*fork" };

	assert_non_null(acc);
	assert_non_null(tf);
	assert_true(zd_check_match(acc, none, 0));
	assert_true(zd_check_match(acc, sub, 1));
	assert_false(zd_check_match(tf, sub, 1));
	assert_true(zd_check_match(tf, glob, 1));
	assert_false(zd_check_match(acc, glob, 1));
	assert_true(zd_check_match(acc, both, 2) && zd_check_match(tf, both, 2));
	assert_true(zd_check_match(acc, excl, 1));
	assert_false(zd_check_match(tf, excl, 1));
	assert_false(zd_check_match(acc, mixed, 2));
	assert_true(zd_check_match(zd_check_find("procfs.reaped-opendir"), mixed, 2));
	assert_true(zd_check_match(tf, anchored, 1));
	assert_false(zd_check_match(zd_check_find("ptrace.attach-missing"), anchored, 1));
}

/* A real probe with a deliberately wrong expectation: exit(42) expected
 * to read as WEXITSTATUS 43. */
static void
test_wrong_expectation(void **state)
{
	static const struct zd_check_exit_arg wrong = { 42, 43 };
	const struct zd_probe *real = zd_check_find("wait.exit-status");
	struct zd_probe variant;
	struct zd_check_result res;

	assert_non_null(real);
	variant = *real;
	variant.arg = &wrong;
	run_one(&variant, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_FAIL);
	assert_string_equal(res.expected, "exit(42) is reported by waitpid() as WIFEXITED with WEXITSTATUS 43");
	assert_non_null(strstr(res.observed, "exited 42"));
	zd_check_result_release(&res);

	/* The real one passes. */
	run_one(real, 5000, &res);
	assert_int_equal(res.status, ZD_CHECK_PASS);
	zd_check_result_release(&res);
}

static void
test_every_probe_passes(void **state)
{
	struct zd_check_opts o = { .timeout_ms = 20000 };
	const struct zd_probe *p;
	struct zd_check_runner r;
	size_t n, i, before = count_children();

	p = zd_check_probes(&n);
	assert_int_equal(zd_check_runner_init(&r, &o), 0);
	for (i = 0; i < n; i++) {
		struct zd_check_result res;

		assert_int_equal(zd_check_runner_run(&r, &p[i], &res), 0);
		if (res.status != ZD_CHECK_PASS && !(res.status == ZD_CHECK_SKIP && geteuid() != 0))
			fail_msg("%s: %s: expected %s; observed %s; %s", p[i].name, zd_check_status_name(res.status),
				 res.expected ? res.expected : "-", res.observed ? res.observed : "-",
				 res.reason ? res.reason : "");
		assert_int_equal(res.unreaped, 0);
		zd_check_result_release(&res);
	}
	zd_check_runner_release(&r);
	assert_int_equal(count_children(), before);
}

static void
test_children_of(void **state)
{
	pid_t kid = fork(), *v = NULL;
	size_t n = 0, i;
	bool found = false;

	if (kid == 0) {
		alarm(60);
		for (;;)
			pause();
	}
	assert_true(kid > 0);
	assert_int_equal(zd_check_children_of(getpid(), &v, &n), 0);
	for (i = 0; i < n; i++)
		found |= v[i] == kid;
	free(v);
	assert_true(found);
	assert_int_equal(zd_check_children(&v, &n), 0);
	found = false;
	for (i = 0; i < n; i++)
		found |= v[i] == kid;
	free(v);
	assert_true(found);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_hang_is_timeout),
		cmocka_unit_test(test_crash_is_fail),
		cmocka_unit_test(test_exit_without_verdict),
		cmocka_unit_test(test_leftovers_reaped),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_fail_then_hang),
		cmocka_unit_test(test_long_texts),
		cmocka_unit_test(test_sigchld_reset),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_subreaper_restored),
		cmocka_unit_test(test_children_of),
		cmocka_unit_test(test_wrong_expectation),
		cmocka_unit_test(test_every_probe_passes),
	};

	alarm(300);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
