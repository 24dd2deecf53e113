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
 *	stop-child a child stops itself (raise SIGSTOP), then tells the
 *	           parent it runs; the parent prints what waitpid(WUNTRACED)
 *	           said ("stopped 19"), whether the child ran before any
 *	           SIGCONT ("ran on", or "stayed stopped" after 10 s), then
 *	           continues it and prints its exit ("exited 0")
 *	thread-exec  a second thread execs /bin/true while the main thread
 *	           waits in pause(); prints "thread=TID leader=PID" first
 */
#include <poll.h>
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
	if (!strcmp(mode, "stop-child")) {
		int up[2], go[2], st;
		struct pollfd pfd;
		char c = 0;
		pid_t child;

		if (pipe(up) < 0 || pipe(go) < 0)
			die("pipe");
		child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			raise(SIGSTOP);
			if (write(up[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
		if (waitpid(child, &st, WUNTRACED) != child)
			die("waitpid");
		if (WIFSTOPPED(st))
			printf("stopped %d\n", WSTOPSIG(st));
		else
			printf("status 0x%x\n", st);
		pfd.fd = up[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) == 1 && read(up[0], &c, 1) == 1)
			printf("ran on\n");
		else
			printf("stayed stopped\n");
		if (write(go[1], "g", 1) != 1)
			die("write");
		kill(child, SIGCONT);
		if (waitpid(child, &st, 0) != child)
			die("waitpid");
		if (WIFEXITED(st))
			printf("exited %d\n", WEXITSTATUS(st));
		else
			printf("status 0x%x\n", st);
		return 0;
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
