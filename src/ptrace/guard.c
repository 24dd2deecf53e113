/* The breakpoint guardian (see include/zdiag/guard.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdiag/guard.h"

struct zd_guard_page {
	volatile int clean;        /* zdiag ended normally: nothing to do */
	volatile unsigned n;
	struct {
		volatile uint64_t addr;
		volatile uint8_t orig;
		volatile uint8_t live;
	} e[ZD_GUARD_MAX];
};

/* The guardian itself: never returns. */
static void
guardian(struct zd_guard_page *pg, int rfd, pid_t pid)
{
	struct sched_param sp = { .sched_priority = 1 };
	char path[64], c;
	unsigned i;
	int mem;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	mem = open(path, O_RDWR | O_CLOEXEC);
	/* Keep nothing of zdiag's (terminal, files) but the pipe and mem. */
	for (i = 0; i < 1024; i++)
		if ((int)i != rfd && (int)i != mem)
			close((int)i);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_NAME, "zdiag-guard", 0, 0, 0);
	/* Run first when it wakes (best effort: needs privilege). */
	sched_setscheduler(0, SCHED_FIFO, &sp);
	while (read(rfd, &c, 1) < 0 && errno == EINTR)
		;
	if (!pg->clean && mem >= 0)
		for (i = 0; i < pg->n && i < ZD_GUARD_MAX; i++) {
			uint8_t now, orig = pg->e[i].orig;
			off_t at = (off_t)pg->e[i].addr;

			if (pg->e[i].live && pread(mem, &now, 1, at) == 1 && now == 0xcc)
				if (pwrite(mem, &orig, 1, at) != 1)
					continue;
		}
	_exit(0);
}

int
zd_guard_start(struct zd_guard *g, pid_t pid)
{
	int fds[2], st;
	pid_t mid;

	g->fd = -1;
	g->pg = mmap(NULL, sizeof(*g->pg), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g->pg == MAP_FAILED) {
		g->pg = NULL;
		return -errno;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		int e = errno;

		munmap(g->pg, sizeof(*g->pg));
		g->pg = NULL;
		return -e;
	}
	/* Twice forked: the guardian is not our child, so the session's
	 * waitpid(-1) never sees it, and it outlives us. */
	mid = fork();
	if (mid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(fds[1]);
		if (fork() == 0)
			guardian(g->pg, fds[0], pid);
		_exit(0);
	}
	close(fds[0]);
	if (mid < 0) {
		int e = errno;

		close(fds[1]);
		munmap(g->pg, sizeof(*g->pg));
		g->pg = NULL;
		return -e;
	}
	while (waitpid(mid, &st, __WALL) < 0 && errno == EINTR)
		;
	g->fd = fds[1];
	return 0;
}

int
zd_guard_set(struct zd_guard *g, uint64_t addr, uint8_t orig)
{
	unsigned i, n;

	if (!g->pg)
		return 0;
	n = g->pg->n;
	for (i = 0; i < n; i++)
		if (g->pg->e[i].addr == addr || !g->pg->e[i].live)
			break;
	if (i == ZD_GUARD_MAX)
		return -ENOSPC;
	g->pg->e[i].live = 0;
	g->pg->e[i].addr = addr;
	g->pg->e[i].orig = orig;
	__atomic_store_n(&g->pg->e[i].live, 1, __ATOMIC_RELEASE);
	if (i == n)
		__atomic_store_n(&g->pg->n, n + 1, __ATOMIC_RELEASE);
	return 0;
}

void
zd_guard_clear(struct zd_guard *g, uint64_t addr)
{
	unsigned i;

	if (!g->pg)
		return;
	for (i = 0; i < g->pg->n; i++)
		if (g->pg->e[i].addr == addr)
			g->pg->e[i].live = 0;
}

void
zd_guard_stop(struct zd_guard *g)
{
	if (g->pg) {
		g->pg->clean = 1;
		munmap(g->pg, sizeof(*g->pg));
		g->pg = NULL;
	}
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}
