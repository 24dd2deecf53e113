/*
 * trace_loop FILE [THREADS]: a target for `zdiag trace -p`: every 20 ms
 * bump a counter in FILE (pwrite of the count as text) from the main
 * thread, with THREADS extra threads sleeping and calling getppid().
 * Runs until killed (or alarm()).
 */
#include <pthread.h>
#include <sys/syscall.h>

#include "helper.h"

static void *
spin(void *arg)
{
	for (;;) {
		syscall(SYS_getppid);
		msleep(30);
	}
	return arg;
}

int
main(int argc, char **argv)
{
	int fd, i, n = argc > 2 ? atoi(argv[2]) : 0;
	unsigned long count = 0;
	pthread_t th;

	alarm(HELPER_ALARM);
	if (argc < 2) {
		fprintf(stderr, "usage: trace_loop FILE [THREADS]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open");
	for (i = 0; i < n; i++)
		if (pthread_create(&th, NULL, spin, NULL))
			die("pthread_create");
	for (;;) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%lu\n", ++count);

		if (pwrite(fd, buf, (size_t)len, 0) != len)
			die("pwrite");
		msleep(20);
	}
}
