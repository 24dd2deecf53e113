/*
 * attach_chain MODE: a target for `zdiag attach` with a known call chain
 * and known globals.  Built -O0 and -O2 (attach_chain-O2).  Prints "ready"
 * (and facts as key=value) once it is parked, then waits.
 *
 *   park      main > outer > middle > inner > park (nanosleep loop); exits 0
 *             with "value=N" on stdout when zd_value changes from 42
 *   loop N [poke]
 *             calls tick() N times (every 20 ms), then exits 0 printing
 *             "ticks=N"; waits for a byte on stdin before starting, or with
 *             "poke" until a debugger sets zd_go (no timing in the test)
 *   signal    inner raises SIGUSR1; the handler parks:
 *             park < handler_body < on_usr1 < <signal> < ... < inner < middle < outer < main
 *   spin      main > outer > middle > inner > spin (busy loop on clock_gettime: vDSO)
 *   fork N [poke]
 *             calls tick() then fork()s a child that calls tick() and exits 7,
 *             N times; prints "children=N" (breakpoints must not kill the child);
 *             starts like loop
 *
 * ZD_COMM=NAME sets the process name (to test escaping).
 */
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <stdint.h>
#include <sys/wait.h>

#include "helper.h"

#define NOINLINE __attribute__((noinline))

long zd_value = 42;
volatile long zd_go;      /* set by a debugger: start (loop/fork with "poke") */
static bool wait_poke;
volatile long zd_sink;
const char zd_greeting[] = "hello, \"zdiag\"\n";
static const char *mode = "park";
static long loops;

/* Wait for the start signal: a byte on stdin, or zd_go set by a debugger. */
static void
wait_go(void)
{
	char c;

	if (wait_poke) {
		while (!zd_go)
			msleep(1);
		return;
	}
	if (read(0, &c, 1) < 0)
		die("read");
}

NOINLINE void
park(void)
{
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		msleep(10);
		if (zd_value != 42) {
			printf("value=%ld\n", zd_value);
			fflush(stdout);
			exit(0);
		}
	}
}

NOINLINE void
spin(void)
{
	struct timespec ts;

	printf("ready\n");
	fflush(stdout);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		zd_sink += ts.tv_nsec;
	}
}

NOINLINE void
tick(void)
{
	zd_sink++;
	__asm__ volatile("" ::: "memory");
}

NOINLINE void
handler_body(int sig)
{
	zd_sink += sig;
	park();
}

NOINLINE void
on_usr1(int sig)
{
	handler_body(sig);
	zd_sink++;
}

NOINLINE void
inner(void)
{
	if (!strcmp(mode, "signal")) {
		signal(SIGUSR1, on_usr1);
		raise(SIGUSR1);
	} else if (!strcmp(mode, "spin")) {
		spin();
	} else if (!strcmp(mode, "loop")) {
		printf("ready\n");
		fflush(stdout);
		wait_go();
		for (long i = 0; i < loops; i++) {
			tick();
			msleep(20);
		}
		printf("ticks=%ld\n", loops);
		exit(0);
	} else if (!strcmp(mode, "fork")) {
		long n = 0;

		printf("ready\n");
		fflush(stdout);
		wait_go();
		for (long i = 0; i < loops; i++) {
			pid_t p;
			int st;

			tick();
			p = fork();
			if (p == 0) {
				tick();
				_exit(7);
			}
			if (waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 7)
				n++;
		}
		printf("children=%ld\n", n);
		exit(0);
	} else {
		park();
	}
	zd_sink++;
}

NOINLINE void
middle(void)
{
	inner();
	zd_sink++;
}

NOINLINE void
outer(void)
{
	middle();
	zd_sink++;
}

int
main(int argc, char **argv)
{
	alarm(HELPER_ALARM);
	if (getenv("ZD_COMM"))
		prctl(PR_SET_NAME, getenv("ZD_COMM"));
	if (argc > 1)
		mode = argv[1];
	loops = argc > 2 ? atol(argv[2]) : 3;
	wait_poke = argc > 3 && !strcmp(argv[3], "poke");
	setvbuf(stdout, NULL, _IOLBF, 0);
	outer();
	zd_sink++;
	return 0;
}
