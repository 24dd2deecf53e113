/*
 * trace_zombie LATE_MS: a parent that reaps one child late and never
 * reaps another, for `zdiag trace --lifecycle`.
 *	child A exits at once and is reaped after LATE_MS (wait4)
 *	child B exits after 50 ms and is never waited for
 * The parent exits 0 right after reaping A, leaving B a zombie.
 * Prints "late=PID never=PID parent=PID".
 */
#include <sys/wait.h>

#include "helper.h"

int
main(int argc, char **argv)
{
	long late = argc > 1 ? atol(argv[1]) : 300;
	pid_t a, b;
	int st;

	alarm(HELPER_ALARM);
	a = fork();
	if (a < 0)
		die("fork");
	if (a == 0)
		_exit(4);
	b = fork();
	if (b < 0)
		die("fork");
	if (b == 0) {
		msleep(50);
		_exit(0);
	}
	msleep(late);
	if (waitpid(a, &st, 0) != a)
		die("waitpid");
	/* Make sure B is a zombie before we leave. */
	if (wait_state(b, 0, "Z") < 0)
		return 1;
	printf("late=%d never=%d parent=%d\n", (int)a, (int)b, (int)getpid());
	return 0;
}
