/*
 * trace_tree: a process tree for `zdiag trace -f`: fork, vfork, clone
 * (a raw clone with SIGCHLD) and a thread, each making one chdir() to a
 * path naming it, then exiting with a known status.  Prints, once all
 * are done, "fork=PID vfork=PID clone=PID thread=TID parent=PID".
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "helper.h"

static pid_t thread_tid;

static void *
thread_main(void *arg)
{
	thread_tid = (pid_t)syscall(SYS_gettid);
	syscall(SYS_chdir, "/zdiag-tree-thread");
	return arg;
}

static int
clone_main(void *arg)
{
	syscall(SYS_chdir, "/zdiag-tree-clone");
	_exit(3);
	return 0;
}

int
main(void)
{
	static char stack[64 * 1024];
	pid_t f, v, c;
	pthread_t th;
	int st;

	alarm(HELPER_ALARM);
	f = fork();
	if (f < 0)
		die("fork");
	if (f == 0) {
		syscall(SYS_chdir, "/zdiag-tree-fork");
		_exit(1);
	}
	waitpid(f, &st, 0);
	v = vfork();
	if (v < 0)
		die("vfork");
	if (v == 0) {
		syscall(SYS_chdir, "/zdiag-tree-vfork");
		_exit(2);
	}
	waitpid(v, &st, 0);
	c = clone(clone_main, stack + sizeof(stack), SIGCHLD, NULL);
	if (c < 0)
		die("clone");
	waitpid(c, &st, 0);
	if (pthread_create(&th, NULL, thread_main, NULL))
		die("pthread_create");
	pthread_join(th, NULL);
	printf("fork=%d vfork=%d clone=%d thread=%d parent=%d\n", (int)f, (int)v, (int)c, (int)thread_tid,
	       (int)getpid());
	return 0;
}
