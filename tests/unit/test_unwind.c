/*
 * The ptrace session and the unwinder on a real tracee: a forked child
 * parks in a known chain; we attach, copy registers and stack, detach, and
 * only then unwind and symbolize from the copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/procfs.h"
#include "zdiag/ptrace.h"
#include "zdiag/unwind.h"

#define NOINLINE __attribute__((noinline))

volatile long zd_unit_sink;
static int ready_fd = -1; /* the child says it is inside zd_unit_park */

NOINLINE void zd_unit_park(void);
NOINLINE void zd_unit_mid(void);
NOINLINE void zd_unit_top(void);

NOINLINE void
zd_unit_park(void)
{
	if (ready_fd >= 0) {
		if (write(ready_fd, "r", 1) != 1)
			_exit(3);
		close(ready_fd);
		ready_fd = -1;
	}
	for (;;) {
		struct timespec ts = { 0, 5000000 };

		nanosleep(&ts, NULL);
		zd_unit_sink++;
	}
}

NOINLINE void
zd_unit_mid(void)
{
	zd_unit_park();
	zd_unit_sink++;
}

NOINLINE void
zd_unit_top(void)
{
	zd_unit_mid();
	zd_unit_sink++;
}

/* A child parked in zd_unit_top > zd_unit_mid > zd_unit_park: returns once
 * it has said (from inside zd_unit_park) that it got there. */
static pid_t
spawn(void)
{
	int p[2];
	char b;
	pid_t c;

	if (pipe(p) < 0)
		return -1;
	c = fork();
	if (c == 0) {
		close(p[0]);
		ready_fd = p[1];
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		zd_unit_top();
		_exit(0);
	}
	close(p[1]);
	if (c > 0 && read(p[0], &b, 1) != 1)
		c = -1;
	close(p[0]);
	return c;
}

static char
state_of(pid_t pid)
{
	char path[64];
	struct zd_stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || zd_proc_read_stat(fd, &st) < 0)
		st.state = 0;
	if (fd >= 0)
		close(fd);
	return st.state;
}

static ssize_t
reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read_raw(ctx, addr, buf, len);
}

/* zd_tsnap_capture_all() leaves each snapshot as zd_tsnap_capture() does:
 * a plain stack, an rsp in no mapping, an rsp in [vvar] (no
 * process_vm_readv there: the batch stops and the rest is read one by
 * one), the stack again after it, and all of it without the batch (pid 0). */
static void
check_capture_all(struct zd_ptrace *pt, pid_t c, const struct user_regs_struct *r0, const struct zd_maps *maps)
{
	struct user_regs_struct regs[4];
	struct zd_tsnap one[4], all[4];
	pid_t tids[4] = { c, c, c, c };
	uint64_t vvar = 0;
	size_t i, k;

	for (i = 0; i < maps->n; i++)
		if (!strcmp(maps->v[i].path, "[vvar]"))
			vvar = maps->v[i].start;
	for (i = 0; i < 4; i++)
		regs[i] = *r0;
	regs[1].rsp = 16;
	regs[2].rsp = vvar ? vvar + 256 : 16;
	for (k = 0; k < 2; k++) {
		zd_tsnap_capture_all(all, 4, tids, regs, k ? 0 : c, maps, reader, pt, 1 << 20);
		for (i = 0; i < 4; i++) {
			zd_tsnap_capture(&one[i], c, &regs[i], maps, reader, pt, 1 << 20);
			assert_int_equal(all[i].stack_base, one[i].stack_base);
			assert_int_equal(all[i].stack_len, one[i].stack_len);
			assert_int_equal(all[i].truncated, one[i].truncated);
			assert_int_equal(all[i].stack == NULL, one[i].stack == NULL);
			if (one[i].stack)
				assert_memory_equal(all[i].stack, one[i].stack, one[i].stack_len);
			zd_tsnap_release(&one[i]);
			zd_tsnap_release(&all[i]);
		}
	}
	assert_int_equal(zd_tsnap_capture(&one[0], c, &regs[0], maps, reader, pt, 1 << 20), 0);
	assert_true(one[0].stack_len > 0);
	zd_tsnap_release(&one[0]);
}

static void
test_capture_detach_unwind(void **state)
{
	struct zd_ptrace pt;
	struct zd_space sp;
	struct zd_tsnap ts;
	struct zd_frame fr[64];
	struct zd_unwinder *u;
	struct zd_thread *t;
	size_t n, i;
	int found = 0, ret, st;
	pid_t c = spawn();

	(void)state;
	assert_true(c > 0);
	zd_pt_init(&pt);
	ret = zd_pt_attach(&pt, c, 2000);
	if (ret == -EPERM) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		zd_pt_release(&pt);
		zd_skip("ptrace attach not permitted (EPERM: yama ptrace_scope or seccomp)");
	}
	assert_int_equal(ret, 0);
	t = zd_pt_thread(&pt, c);
	assert_non_null(t);
	assert_true(t->flags & ZD_TH_SEIZED);
	assert_true(t->flags & ZD_TH_STOPPED);
	assert_int_equal(state_of(c), 't');
	assert_int_equal(zd_pt_getregs(&pt, t), 0);
	zd_space_init(&sp);
	assert_int_equal(zd_space_load(&sp, c, reader, &pt), 0);
	assert_int_equal(zd_tsnap_capture(&ts, c, &t->regs, &sp.maps, reader, &pt, 1 << 20), 0);
	assert_true(ts.stack_len > 0);
	check_capture_all(&pt, c, &t->regs, &sp.maps);
	assert_int_equal(zd_pt_detach(&pt), 0);
	usleep(20000);
	assert_true(state_of(c) == 'S' || state_of(c) == 'R');

	/* Detached: unwind from the copies only. */
	u = zd_unwinder_new(&sp);
	assert_non_null(u);
	n = zd_unwind(u, &ts, NULL, NULL, fr, 64);
	assert_true(n >= 4);
	assert_true(fr[0].flags & ZD_FRAME_EXACT);
	for (i = 0; i < n; i++) {
		struct zd_where w;

		if (zd_space_lookup(&sp, fr[i].ip, i ? ZD_LOOKUP_CALLER : 0, &w) < 0)
			continue;
		if (found == 0 && !strcmp(w.sym->name, "zd_unit_park"))
			found = 1;
		else if (found == 1 && !strcmp(w.sym->name, "zd_unit_mid"))
			found = 2;
		else if (found == 2 && !strcmp(w.sym->name, "zd_unit_top"))
			found = 3;
	}
	assert_int_equal(found, 3);
	zd_unwinder_free(u);
	zd_tsnap_release(&ts);
	zd_space_release(&sp);
	zd_pt_release(&pt);
	kill(c, SIGKILL);
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void
test_memory_and_breakpoints(void **state)
{
	struct zd_ptrace pt;
	struct zd_bkpt *b;
	unsigned char before[16], after[16], raw[16];
	uint64_t addr = (uint64_t)(uintptr_t)&zd_unit_mid;
	long v = 0;
	pid_t c = spawn();

	(void)state;
	assert_true(c > 0);
	zd_pt_init(&pt);
	if (zd_pt_attach(&pt, c, 2000) < 0) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		zd_pt_release(&pt);
		zd_skip("cannot attach to a child with ptrace");
	}
	assert_int_equal(zd_pt_read(&pt, addr, before, sizeof(before)), sizeof(before));
	assert_memory_equal(before, (void *)(uintptr_t)addr, sizeof(before));
	assert_int_equal(zd_pt_break(&pt, addr, &b), 0);
	assert_int_equal(zd_pt_break(&pt, addr, &b), -EEXIST);
	/* Breakpoints are in memory only while the process runs: stopped,
	 * even the raw bytes are the original ones. */
	assert_int_equal(zd_pt_read(&pt, addr, after, sizeof(after)), sizeof(after));
	assert_memory_equal(before, after, sizeof(after));
	assert_int_equal(zd_pt_read_raw(&pt, addr, raw, sizeof(raw)), sizeof(raw));
	assert_memory_equal(raw, before, sizeof(raw));
	/* A write of a global is seen by the child's memory. */
	v = 12345;
	assert_int_equal(zd_pt_write(&pt, (uint64_t)(uintptr_t)&zd_unit_sink, &v, sizeof(v)), 0);
	v = 0;
	assert_int_equal(zd_pt_read(&pt, (uint64_t)(uintptr_t)&zd_unit_sink, &v, sizeof(v)), sizeof(v));
	assert_true(v >= 12345);
	/* Unmapped memory fails cleanly. */
	assert_true(zd_pt_read(&pt, 8, raw, 8) < 0);
	/* Detach removes the breakpoint bytes. */
	assert_int_equal(zd_pt_detach(&pt), 0);
	zd_pt_release(&pt);
	zd_pt_init(&pt);
	assert_int_equal(zd_pt_attach(&pt, c, 2000), 0);
	assert_int_equal(zd_pt_read_raw(&pt, addr, raw, sizeof(raw)), sizeof(raw));
	assert_memory_equal(raw, before, sizeof(raw));
	zd_pt_detach(&pt);
	zd_pt_release(&pt);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
}

static void
test_attach_errors(void **state)
{
	struct zd_ptrace pt;

	(void)state;
	zd_pt_init(&pt);
	assert_int_equal(zd_pt_attach(&pt, 0x7ffffff0, 100), -ESRCH);
	zd_pt_release(&pt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_detach_unwind),
		cmocka_unit_test(test_memory_and_breakpoints),
		cmocka_unit_test(test_attach_errors),
	};
	/* Children are killed with us (PDEATHSIG) and reaped by us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
