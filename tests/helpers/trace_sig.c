/*
 * trace_sig MODE: signals and exits for `zdiag trace`.
 *	exit N     exit with status N
 *	raise SIG  die of SIG (default action)
 *	handle     catch SIGUSR1 sent to itself, then exit 0
 *	segv       dereference a null pointer
 *	stop       stop itself with SIGSTOP; a child that saw it stopped
 *	           continues it after 200 ms; exits with the child's status
 *	           (0: it really stopped, 1: it never did)
 *	escape     write control bytes (ESC sequences, \r, BEL) to fd 2
 *	thread-exec  a second thread execs /bin/true while the main thread
 *	           waits in pause(); prints "thread=TID leader=PID" first
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "helper.h"

static volatile sig_atomic_t got;

static void *
exec_thread(void *arg)
{
	printf("thread=%d leader=%d\n", (int)syscall(SYS_gettid), (int)getpid());
	fflush(stdout);
	msleep(100);
	execl("/bin/true", "true", (char *)NULL);
	return arg;
}

static void
on_usr1(int sig)
{
	got = sig;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "exit";

	alarm(HELPER_ALARM);
	if (!strcmp(mode, "exit"))
		return argc > 2 ? atoi(argv[2]) : 0;
	if (!strcmp(mode, "raise")) {
		int sig = argc > 2 ? atoi(argv[2]) : SIGTERM;

		signal(sig, SIG_DFL);
		raise(sig);
		return 99;
	}
	if (!strcmp(mode, "handle")) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		kill(getpid(), SIGUSR1);
		while (!got)
			msleep(1);
		return 0;
	}
	if (!strcmp(mode, "segv")) {
		volatile int *p = NULL;

		return *p;
	}
	if (!strcmp(mode, "stop")) {
		pid_t me = getpid(), c = fork();

		if (c < 0)
			die("fork");
		if (c == 0) {
			if (wait_state(me, 0, "tT") < 0)
				_exit(1);
			msleep(200);
			kill(me, SIGCONT);
			_exit(0);
		}
		raise(SIGSTOP);
		{
			int st;

			if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
				return 3;
			return WEXITSTATUS(st);
		}
	}
	if (!strcmp(mode, "thread-exec")) {
		pthread_t th;

		if (pthread_create(&th, NULL, exec_thread, NULL))
			die("pthread_create");
		for (;;)
			pause();
	}
	if (!strcmp(mode, "escape")) {
		static const char bytes[] = "\033[31mred\033[0m\r\a\x9b" "2J";

		if (write(2, bytes, sizeof(bytes) - 1) < 0)
			return 1;
		return 0;
	}
	fprintf(stderr, "trace_sig: unknown mode '%s'\n", mode);
	return 2;
}
