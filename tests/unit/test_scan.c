/* The scan engine on fixture /proc trees: causes, blockers, evidence, counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/scan.h"

static void
run(const char *tree, struct zd_scan_opts *o, struct zd_scan *s)
{
	struct zd_procfs pfs;
	char path[512];

	snprintf(path, sizeof(path), "%s/tests/fixtures/proc/%s", ZD_SRCDIR, tree);
	assert_int_equal(zd_procfs_open(&pfs, path), 0);
	assert_int_equal(zd_scan_run(&pfs, o, s), 0);
	zd_procfs_close(&pfs);
}

static const struct zd_zombie *
find(const struct zd_scan *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->nz; i++)
		if (s->zv[i].pid == pid)
			return &s->zv[i];
	fail_msg("zombie %d not found", (int)pid);
	return NULL;
}

static bool
has_evidence(const struct zd_zombie *z, const char *needle)
{
	size_t i;

	for (i = 0; i < z->n_evidence; i++)
		if (strstr(z->evidence[i], needle))
			return true;
	return false;
}

static void
qemu_blocked_by_d_thread_with_sigkill(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0 };
	struct zd_scan s;
	const struct zd_zombie *z;

	(void)state;
	run("qemu-d-state", &o, &s);
	assert_int_equal(s.processes, 3);
	assert_int_equal(s.zombies, 1);
	assert_int_equal(s.stuck, 1);
	z = find(&s, 22889);
	assert_int_equal(z->cause, ZD_CAUSE_BLOCKED_BY_D);
	assert_string_equal(zd_cause_name(z->cause), "blocked-by-d-state-thread");
	assert_true(z->stuck);
	assert_string_equal(z->comm, "qemu-kvm");
	assert_int_equal(z->n_blockers, 1);
	assert_int_equal(z->blockers[0].tid, 22976);
	assert_int_equal(z->blockers[0].state, 'D');
	assert_string_equal(z->blockers[0].wchan, "exit_aio");
	assert_int_equal(z->blockers[0].sc.kind, ZD_SC_NONE);
	assert_true(z->blockers[0].sigkill_pending);
	assert_non_null(strstr(z->blockers[0].stack, "exit_aio+0x104/0x120"));
	assert_non_null(strstr(z->advice, "nothing but the blocked operation finishing"));
	assert_int_equal(z->kill_parent_helps, ZD_NO);
	assert_true(z->has_wait_status);
	assert_true(has_evidence(z, "killed by SIGKILL"));
	assert_true(z->parent_seen);
	assert_string_equal(z->parent.comm, "systemd");
	assert_int_equal(s.d_state, 1);
	zd_scan_release(&s);
}

static void
hostile_comm_is_not_a_zombie(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0 };
	struct zd_scan s;
	const struct zd_zombie *z;

	(void)state;
	run("weird-comm", &o, &s);
	/* "x) Z 1 1 (y" is sleeping; only 101 is a zombie */
	assert_int_equal(s.zombies, 1);
	z = find(&s, 101);
	assert_string_equal(z->comm, "ev\nil \033[31m)");
	assert_int_equal(z->cause, ZD_CAUSE_PARENT_NOT_WAITING);
	assert_string_equal(z->parent.comm, "x) Z 1 1 (y");
	assert_non_null(strstr(z->headline, "pause()"));
	assert_int_equal(z->reaper, 1);
	zd_scan_release(&s);
}

static void
broken_files_are_skipped(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0 };
	struct zd_scan s;
	const struct zd_zombie *z;

	(void)state;
	run("broken", &o, &s);
	assert_int_equal(s.processes, 2);  /* 1 and 300 */
	assert_int_equal(s.malformed, 2);  /* truncated 200, empty 202 */
	assert_int_equal(s.vanished, 1);   /* 201 has no files */
	z = find(&s, 300);
	/* PID 1 is in wait4(-1, __WALL): it will reap it */
	assert_int_equal(z->cause, ZD_CAUSE_TRANSIENT);
	assert_false(z->stuck);
	assert_int_equal(s.stuck, 0);
	zd_scan_release(&s);
}

static void
parent_causes(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0 };
	struct zd_scan s;
	const struct zd_zombie *z;

	(void)state;
	run("parents", &o, &s);
	assert_int_equal(s.stuck, 4);

	z = find(&s, 11);
	assert_int_equal(z->cause, ZD_CAUSE_PARENT_WAITS_FOR_OTHER);
	assert_non_null(strstr(z->headline, "waiting for pid 20"));
	assert_true(z->parent_waiting);
	assert_int_equal(z->reaper, 1);
	assert_int_equal(z->kill_parent_helps, ZD_YES);

	z = find(&s, 31); /* exit signal SIGUSR1, parent waits without __WALL */
	assert_int_equal(z->cause, ZD_CAUSE_PARENT_WAITS_FOR_OTHER);
	assert_non_null(strstr(z->headline, "SIGUSR1"));
	assert_true(has_evidence(z, "__WALL"));

	z = find(&s, 42);
	assert_int_equal(z->cause, ZD_CAUSE_INIT_NOT_REAPING);
	assert_int_equal(z->nspid, 7);
	assert_non_null(strstr(z->advice, "--init"));
	assert_non_null(strstr(z->advice, "tini"));

	z = find(&s, 51);
	assert_int_equal(z->cause, ZD_CAUSE_PARENT_STOPPED);
	assert_non_null(strstr(z->advice, "kill -CONT 50"));

	/* top parents: four parents with one zombie each */
	assert_int_equal(s.ntop, 4);
	assert_int_equal(s.top[0].zombies, 1);
	assert_int_equal(s.pid_max, 32768);
	assert_int_equal(s.tasks, 120);
	zd_scan_release(&s);
}

static void
only_pid_and_non_zombie(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0, .only_pid = 51 };
	struct zd_scan s;

	(void)state;
	run("parents", &o, &s);
	assert_int_equal(s.nz, 1);
	assert_int_equal(s.zv[0].pid, 51);
	zd_scan_release(&s);

	o.only_pid = 20;
	run("parents", &o, &s);
	assert_int_equal(s.nz, 0);
	assert_true(s.target_found);
	assert_int_equal(s.target.state, 'S');
	zd_scan_release(&s);

	o.only_pid = 4242;
	run("parents", &o, &s);
	assert_false(s.target_found);
	zd_scan_release(&s);
}

static void
all_groups_d_threads_by_stack(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0, .all = true };
	struct zd_scan s;

	(void)state;
	run("hung", &o, &s);
	assert_true(s.d_state_complete);
	assert_int_equal(s.d_state, 2);
	assert_int_equal(s.nhung, 1);
	assert_int_equal(s.hung[0].n, 2);
	assert_string_equal(s.hung[0].tasks[0].wchan, "rpc_wait_bit_killable");
	zd_scan_release(&s);

	/* without --all the non-leader D thread of 60 is not looked at */
	o.all = false;
	run("hung", &o, &s);
	assert_false(s.d_state_complete);
	assert_int_equal(s.d_state, 1);
	zd_scan_release(&s);
}

/* A leader that called pthread_exit is running, not stuck; the heir is
 * stated only when it is known; a parent on a CPU "is running". */
static void
running_leader_and_heirs(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0 };
	struct zd_scan s;
	const struct zd_zombie *z;

	(void)state;
	run("running-parent", &o, &s);
	assert_int_equal(s.zombies, 4);
	assert_int_equal(s.stuck, 2);
	/* a parent caught exiting is about to hand the zombie on */
	z = find(&s, 101);
	assert_int_equal(z->cause, ZD_CAUSE_TRANSIENT);
	assert_false(z->stuck);
	assert_non_null(strstr(z->headline, "is exiting"));
	z = find(&s, 90);
	assert_int_equal(z->cause, ZD_CAUSE_THREADS_ALIVE);
	assert_false(z->stuck);
	assert_int_equal(z->live_threads, 1);
	assert_non_null(strstr(z->headline, "not stuck"));
	/* parent directly under init: the heir is certain without BPF */
	z = find(&s, 61);
	assert_non_null(strstr(z->headline, "it is running"));
	assert_null(strstr(z->headline, "in running"));
	assert_int_equal(z->heir_source, ZD_HEIR_TREE);
	assert_int_equal(z->reaper, 1);
	/* an ancestor between the parent and init: not a fixture's business
	 * to know its PR_SET_CHILD_SUBREAPER flag, so no heir is named */
	z = find(&s, 82);
	assert_int_equal(z->heir_source, ZD_HEIR_UNKNOWN);
	assert_int_equal(z->reaper, 0);
	assert_int_equal(z->n_heir_candidates, 1);
	assert_int_equal(z->heir_candidates[0].pid, 80);
	assert_int_equal(z->heir_fallback.pid, 1);
	assert_int_equal(z->kill_parent_helps, ZD_UNKNOWN);
	assert_null(strstr(z->advice, "hands the zombie"));
	assert_int_equal(s.subreaper_source, ZD_SR_NAME);
	assert_int_equal(s.subreaper_err, -EXDEV);
	zd_scan_release(&s);
}

/* A tree without a single pid is no error (qsort(NULL, 0) was UB). */
static void
empty_tree(void **state)
{
	struct zd_scan_opts o = { .settle_ms = 0, .all = true };
	struct zd_procfs pfs;
	struct zd_scan s;
	char dir[] = "/tmp/zd-empty-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(zd_procfs_open(&pfs, dir), 0);
	assert_int_equal(zd_scan_run(&pfs, &o, &s), 0);
	assert_int_equal(s.processes, 0);
	assert_int_equal(s.nz, 0);
	zd_scan_release(&s);
	zd_procfs_close(&pfs);
	rmdir(dir);
}

static void
cause_names_are_stable(void **state)
{
	static const char *const names[] = {
		"transient", "threads-alive", "blocked-by-d-state-thread", "traced", "parent-stopped",
		"parent-in-d-state", "sigchld-blocked", "signalfd-not-read", "sigchld-ignored",
		"parent-waits-for-other", "init-not-reaping", "subreaper-not-reaping",
		"sigchld-handler-missed", "parent-not-waiting", "parent-not-visible", "undetermined",
	};
	size_t i;

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), ZD_CAUSE__COUNT);
	for (i = 0; i < ZD_CAUSE__COUNT; i++) {
		assert_string_equal(zd_cause_name((enum zd_cause)i), names[i]);
		assert_int_equal(zd_cause_lookup(names[i]), (int)i);
		assert_true(strlen(zd_cause_describe((enum zd_cause)i)) > 10);
	}
	assert_int_equal(zd_cause_lookup("nope"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_blocked_by_d_thread_with_sigkill),
		cmocka_unit_test(hostile_comm_is_not_a_zombie),
		cmocka_unit_test(broken_files_are_skipped),
		cmocka_unit_test(parent_causes),
		cmocka_unit_test(only_pid_and_non_zombie),
		cmocka_unit_test(all_groups_d_threads_by_stack),
		cmocka_unit_test(cause_names_are_stable),
		cmocka_unit_test(running_leader_and_heirs),
		cmocka_unit_test(empty_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
