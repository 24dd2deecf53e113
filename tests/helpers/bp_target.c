/*
 * bp_target NTHREADS PROGRESS_FILE [ALARM_S]: a target for breakpoint-safety
 * trials.  NTHREADS threads each call bp_hot() every 0.5 ms; the main thread
 * writes the total number of calls (decimal, at offset 0) to PROGRESS_FILE
 * every 10 ms, so a test can see that the process keeps doing its work.
 * A SIGTRAP left behind by a debugger kills it (default action), which is
 * exactly what the trials look for.  Prints "ready" once every thread runs.
 * SIGUSR1 makes the main thread call bp_cold() once; the progress file's
 * second number counts those calls.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "helper.h"

static atomic_long calls, colds;
static atomic_int running;
static volatile sig_atomic_t want_cold;

/* Called only after SIGUSR1 (a breakpoint there is not hit until then). */
__attribute__((noinline)) void
bp_cold(void)
{
	atomic_fetch_add(&colds, 1);
	__asm__ volatile("" ::: "memory");
}

static void
on_usr1(int sig)
{
	(void)sig;
	want_cold = 1;
}

__attribute__((noinline)) void
bp_hot(void)
{
	atomic_fetch_add(&calls, 1);
	__asm__ volatile("" ::: "memory");
}

static void *
worker(void *arg)
{
	struct timespec ts = { 0, 500000 };

	(void)arg;
	atomic_fetch_add(&running, 1);
	for (;;) {
		bp_hot();
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4, fd, i;
	char buf[64];

	if (argc < 3 || n < 1 || n > 64) {
		fprintf(stderr, "usage: bp_target NTHREADS PROGRESS_FILE [ALARM_S]\n");
		return 2;
	}
	alarm(argc > 3 ? (unsigned)atoi(argv[3]) : HELPER_ALARM);
	signal(SIGUSR1, on_usr1);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open");
	for (i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, worker, NULL))
			die("pthread_create");
	}
	while (atomic_load(&running) < n)
		msleep(1);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int len;

		if (want_cold) {
			want_cold = 0;
			bp_cold();
		}
		len = snprintf(buf, sizeof(buf), "%-20ld %-8ld\n", atomic_load(&calls), atomic_load(&colds));

		if (pwrite(fd, buf, (size_t)len, 0) != len)
			die("pwrite");
		msleep(10);
	}
}
