/*
 * Shared bits for the test helper programs under tests/helpers/.  Helpers
 * are ordinary programs built -O0 -g; they arm alarm() so nothing they
 * start can outlive a test by long, even outside a PID namespace.
 */
#ifndef ZDIAG_TEST_HELPER_H
#define ZDIAG_TEST_HELPER_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define HELPER_ALARM 120

static inline void
die(const char *what)
{
	fprintf(stderr, "helper: %s: %s\n", what, strerror(errno));
	_exit(99);
}

static inline void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* State letter of /proc/PID/stat (or /proc/PID/task/TID/stat); 0 if gone. */
static inline char
proc_state(pid_t pid, pid_t tid)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;
	char *p;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Wait (up to ~10 s) until the task is in one of the given states. */
static inline int
wait_state(pid_t pid, pid_t tid, const char *states)
{
	int i;

	for (i = 0; i < 1000; i++) {
		char s = proc_state(pid, tid);
		if (s && strchr(states, s))
			return 0;
		msleep(10);
	}
	fprintf(stderr, "helper: %d/%d never reached state [%s] (now %c)\n", (int)pid, (int)tid,
		states, proc_state(pid, tid) ? proc_state(pid, tid) : '-');
	return -1;
}

#endif
