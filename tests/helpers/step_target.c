/*
 * step_target [park|threads|signal]: a target for source-level stepping (next,
 * step, finish, until, advance) compared with gdb: a loop, nested calls,
 * recursion, functions returning an int, a double, a small and a large
 * struct, libc calls.
 *   (none)   runs work() once, prints "work=N", exits 0
 *   park     prints "ready", waits until a debugger sets zd_go, then the same
 *   threads  as park, and a second thread calls thread_hit() every ms;
 *            main calls wait_worker() before work(), and parks after it
 */
#include <pthread.h>

#include "helper.h"

#define NOINLINE __attribute__((noinline))

struct pair {
	int a;
	double b;
};

struct big {
	long v[4];
};

volatile long zd_go;
volatile long zd_sink;
volatile long worker_calls;

NOINLINE int
add(int a, int b)
{
	int s = a + b;

	return s;
}

NOINLINE int
twice(int x)
{
	int r = add(x, x);

	return r;
}

NOINLINE int
fact(int n)
{
	if (n <= 1)
		return 1;
	return n * fact(n - 1);
}

NOINLINE double
half(double x)
{
	return x / 2;
}

NOINLINE struct pair
make_pair(int a)
{
	struct pair p = { a, a + 0.5 };

	return p;
}

NOINLINE struct big
make_big(long x)
{
	struct big b = { { x, x + 1, x + 2, x + 3 } };

	return b;
}

NOINLINE int
work(void)
{
	int i, sum = 0;
	char buf[32];

	for (i = 0; i < 3; i++)
		sum += twice(i);
	sum += fact(4);
	snprintf(buf, sizeof(buf), "%d", sum);
	zd_sink = (long)strlen(buf);
	zd_sink += (long)half(5.0);
	zd_sink += make_pair(3).a;
	zd_sink += make_big(7).v[3];
	return sum;
}

NOINLINE void
thread_hit(int n)
{
	zd_sink += n;
}

/* Returns once the second thread called thread_hit() twice more. */
NOINLINE void
wait_worker(void)
{
	long c = worker_calls;

	while (worker_calls < c + 2)
		msleep(1);
}

static void
on_alarm(int sig)
{
	(void)sig;
	zd_sink += 1000;
}

/* More return conventions for finish: two floats in one SSE eightbyte, a
 * long double in st(0), a char (defined after work(): the line numbers
 * above it are named by tests/e2e/attach_step.bats). */
struct fpair {
	float x, y;
};

NOINLINE struct fpair
make_fpair(float x)
{
	struct fpair p = { x, x + 1 };

	return p;
}

NOINLINE long double
ld_third(long double x)
{
	return x / 3;
}

NOINLINE char
letter(int i)
{
	return (char)('a' + i);
}

#include <signal.h>
#include <sys/syscall.h>

/* Mode "signal": before work(), tgkill(getpid(), gettid(), SIGALRM) by an
 * inline syscall instruction, not a call: single-stepping it delivers the
 * signal in the middle of a stepped line, and the step enters on_alarm(),
 * which a debugger steps over as gdb does. */
NOINLINE void
self_signal(int sig)
{
	long pid = getpid(), tid = gettid(), nr = SYS_tgkill;

	__asm__ volatile("syscall" : "+a"(nr) : "D"(pid), "S"(tid), "d"((long)sig) : "rcx", "r11", "memory");
	zd_sink += nr;
}

static void *
worker(void *arg)
{
	int n = 0;

	(void)arg;
	for (;;) {
		thread_hit(n++);
		worker_calls++;
		msleep(1);
	}
	return NULL;
}

int inline_mode(int n);

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pthread_t t;

	alarm(HELPER_ALARM);
	if (!strcmp(mode, "inline"))
		return inline_mode(3);
	if (!strcmp(mode, "threads") && pthread_create(&t, NULL, worker, NULL))
		die("pthread_create");
	if (!strcmp(mode, "park") || !strcmp(mode, "threads")) {
		printf("ready\n");
		fflush(stdout);
		while (!zd_go)
			msleep(1);
	}
	if (!strcmp(mode, "threads"))
		wait_worker();
	if (!strcmp(mode, "signal")) {
		signal(SIGALRM, on_alarm);
		self_signal(SIGALRM);
	}
	zd_sink += (long)make_fpair(1.5f).y + (long)ld_third(1.0L) + letter(2);
	printf("work=%d\n", work());
	fflush(stdout);
	while (!strcmp(mode, "threads"))
		msleep(10);
	return 0;
}

/* Mode "inline" (step_target inline): runs inline_work(3), prints
 * "inline=N", exits 0.  At -O2, sq() and sq_plus() (which calls sq()) are inlined
 * into inline_work(): `step` enters them without running anything, `next`
 * runs them as part of the line, `finish` leaves them in the same physical
 * frame (tests/e2e/attach_step.bats compares with gdb). */
static inline int
sq(int x)
{
	int y = x * x;

	return y + (int)(zd_sink & 1);
}

static inline __attribute__((always_inline)) int
sq_plus(int x)
{
	int s = sq(x + 1);

	zd_sink += s;
	return s + 1;
}

NOINLINE int
inline_work(int n)
{
	int i, sum = 0;

	for (i = 0; i < n; i++)
		sum += sq(i);
	sum += sq_plus(sum);
	zd_sink = sum;
	return sum * 2;
}

int
inline_mode(int n)
{
	printf("inline=%d\n", inline_work(n));
	fflush(stdout);
	return 0;
}
