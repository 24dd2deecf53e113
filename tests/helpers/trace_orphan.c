/*
 * trace_orphan: an orphan that dies a zombie under a reaper, for
 * `zdiag trace --lifecycle` (its parent exited first and must not be
 * blamed).
 *	this process sets PR_SET_CHILD_SUBREAPER and forks P
 *	P forks C and exits at once (this process reaps P)
 *	C, now a child of this process, exits after 100 ms and is never reaped
 * Prints "reaper=PID parent=PID orphan=PID" once C is a zombie.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include "helper.h"

int
main(void)
{
	int fd[2];
	pid_t p, c = 0;

	alarm(HELPER_ALARM);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("prctl");
	if (pipe(fd) < 0)
		die("pipe");
	p = fork();
	if (p < 0)
		die("fork");
	if (p == 0) {
		c = fork();
		if (c < 0)
			die("fork");
		if (c == 0) {
			msleep(100); /* P has exited by now: this is an orphan */
			_exit(0);
		}
		if (write(fd[1], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		_exit(0);
	}
	if (read(fd[0], &c, sizeof(c)) != sizeof(c))
		die("read");
	if (waitpid(p, NULL, 0) != p)
		die("waitpid");
	if (wait_state(c, 0, "Z") < 0)
		return 1;
	printf("reaper=%d parent=%d orphan=%d\n", (int)getpid(), (int)p, (int)c);
	return 0;
}
