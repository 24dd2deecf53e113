/*
 * attach_threads N [MODE]: N worker threads parked in a known chain
 * (worker > worker_wait > nanosleep), the main thread in main > main_wait.
 * Prints "ready" when every worker is parked.
 *
 *   MODE park      (default) as above
 *   MODE zleader   the main thread exits (pthread_exit): a zombie leader
 *                  whose workers live on
 *   MODE churn     the main thread keeps creating threads that exit at once
 *                  (threads appear and vanish while a debugger attaches)
 *   MODE ticker    one more thread ticks every millisecond and reports the
 *                  longest gap (in us) on stdout at SIGUSR2 ("maxgap=N"),
 *                  for measuring how long a tool kept the process stopped
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "helper.h"

#define NOINLINE __attribute__((noinline))

static atomic_int parked;
static atomic_long maxgap_us;
volatile long zd_sink;

NOINLINE void
worker_wait(void)
{
	atomic_fetch_add(&parked, 1);
	for (;;)
		msleep(1000);
}

NOINLINE void *
worker(void *arg)
{
	(void)arg;
	worker_wait();
	zd_sink++;
	return NULL;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *
ticker(void *arg)
{
	int64_t last = now_us();

	(void)arg;
	for (;;) {
		int64_t t;

		msleep(1);
		t = now_us();
		if (t - last > atomic_load(&maxgap_us))
			atomic_store(&maxgap_us, t - last);
		last = t;
	}
	return NULL;
}

static void
on_usr2(int sig)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "maxgap=%ld\n", atomic_load(&maxgap_us));

	(void)sig;
	if (write(1, buf, (size_t)n) < 0)
		_exit(1);
	atomic_store(&maxgap_us, 0);
}

static void *
short_lived(void *arg)
{
	(void)arg;
	zd_sink++;
	return NULL;
}

NOINLINE void
main_wait(void)
{
	for (;;)
		msleep(1000);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4, i;
	const char *mode = argc > 2 ? argv[2] : "park";
	pthread_attr_t a;

	alarm(HELPER_ALARM);
	if (!strcmp(mode, "ticker")) {
		pthread_t t;

		signal(SIGUSR2, on_usr2);
		if (pthread_create(&t, NULL, ticker, NULL))
			die("pthread_create");
	}
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 256 * 1024);
	for (i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, &a, worker, NULL))
			die("pthread_create");
	}
	while (atomic_load(&parked) < n)
		msleep(1);
	printf("ready\n");
	fflush(stdout);
	if (!strcmp(mode, "zleader"))
		pthread_exit(NULL);
	if (!strcmp(mode, "churn"))
		for (;;) {
			pthread_t t;

			if (pthread_create(&t, &a, short_lived, NULL) == 0)
				pthread_join(t, NULL);
		}
	main_wait();
	return 0;
}
