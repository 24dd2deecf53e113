/*
 * watch_target: staged for watchpoints and catch syscall (tests/e2e/attach_watch.bats).
 * main loops: g_counter++ (a global written), bump() (a local that changes,
 * then its frame returns), open+close of /dev/null (syscalls to catch), a
 * short sleep.  When the debugger sets g_spawn, main starts a thread
 * (worker) that reads g_counter (a read-only access) and sleeps.
 * Prints "ready" once the loop runs.
 */
#include <fcntl.h>
#include <pthread.h>

#include "helper.h"

#define NOINLINE __attribute__((noinline))

volatile int g_counter;
volatile long g_spawn;    /* set by the debugger: start the worker */
volatile int g_seen;
long g_total;

NOINLINE void *
worker(void *arg)
{
	(void)arg;
	for (;;) {
		g_seen = g_counter;
		msleep(3);
	}
	return NULL;
}

NOINLINE int
bump(int n)
{
	int local = n;
	local += 1;
	local += 1;
	return local;
}

int
main(void)
{
	pthread_t th;
	int started = 0;

	alarm(HELPER_ALARM);
	fputs("ready\n", stdout);
	fflush(stdout);
	for (;;) {
		int fd;

		g_counter++;
		if (g_spawn && !started) {
			if (pthread_create(&th, NULL, worker, NULL) != 0)
				die("pthread_create");
			started = 1;
		}
		g_total += bump(g_counter);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			close(fd);
		msleep(2);
	}
}
