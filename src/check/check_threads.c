/*
 * thread-group probes: a leader that exits early stays a zombie until the
 * last thread exits; exec from a non-leader thread keeps the leader's pid;
 * exit_group from any thread ends them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"

/* The environment variable that turns a re-executed zdiag (or any program
 * linked with this file) into the exec probe's target. */
#define EXEC_ENV "ZDIAG_CHECK_EXEC"

/* Count the tasks in /proc/self/task, or -1 without /proc. */
static long long
count_tasks(void)
{
	pid_t *tids;
	size_t n;

	if (zd_proc_list(AT_FDCWD, "/proc/self/task", &tids, &n) < 0)
		return -1;
	free(tids);
	return (long long)n;
}

/*
 * The exec probe re-executes /proc/self/exe from a non-leader thread with
 * ZDIAG_CHECK_EXEC=FD: the new image reports its pid, tid and thread count
 * on FD before main() runs, and exits.
 */
__attribute__((constructor)) static void
exec_target(void)
{
	const char *e = getenv(EXEC_ENV);
	long long v[3];
	ssize_t w;
	int fd;

	if (!e || !*e)
		return;
	fd = atoi(e);
	v[0] = getpid();
	v[1] = gettid();
	v[2] = count_tasks();
	w = write(fd, v, sizeof(v));
	_exit(w == (ssize_t)sizeof(v) ? 0 : 1);
}

static void *
sibling_exit(void *arg)
{
	int fd = *(int *)arg;
	int code = zd_check_recv(fd);

	syscall(SYS_exit, code > 0 ? code : 0);
	return NULL;
}

static int
p_leader_zombie(struct zd_check_ctx *c)
{
	int go[2], st = 0, i, err;
	pid_t pid, w;
	char seen;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork(c);
	if (pid == 0) {
		pthread_t th;

		if (pthread_create(&th, NULL, sibling_exit, &go[0]))
			_exit(90);
		/* The leader alone: the raw exit syscall, not exit_group. */
		syscall(SYS_exit, 3);
		_exit(91);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	zd_check_step(c, "polling /proc/%d/stat for the leader to become Z", (int)pid);
	zd_check_expect(c, "a leader that called the exit syscall while a sibling runs shows state Z");
	err = zd_check_wait_state(c, pid, 0, "Z", &seen);
	if (err == -ENOENT)
		return zd_check_fail(c, "process %d disappeared", (int)pid);
	if (err < 0)
		return zd_check_fail(c, "/proc/%d/stat stayed in state '%c'", (int)pid, seen ? seen : '-');
	for (i = 0; i < 3; i++) {
		w = zd_check_waitpid(pid, &st, WNOHANG);
		zd_check_expect(c, "the parent cannot reap a zombie leader while a thread lives: "
				   "waitpid(%d, WNOHANG) returns 0", (int)pid);
		if (w < 0)
			return zd_check_fail(c, "it failed with %s", zd_check_errstr(errno));
		if (w)
			return zd_check_fail(c, "it reaped the process: %s", zd_check_wstr(st));
		if (i == 0)
			zd_check_sleep_ms(20);
	}
	zd_check_expect(c, "the zombie leader is still Z while its sibling thread runs");
	seen = zd_check_state(pid, 0);
	if (seen != 'Z')
		return zd_check_fail(c, "state is '%c'", seen ? seen : '-');
	zd_check_send(go[1], 3);
	zd_check_step(c, "waitpid(%d) after the last thread was told to exit", (int)pid);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "once the last thread exits, waitpid(%d) reaps the process: exited 3", (int)pid);
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return zd_check_fail(c, "it returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

struct exec_args {
	int fd;
	const char *path;
};

static void *
thread_exec(void *arg)
{
	struct exec_args *a = arg;
	char env[64];
	char *argv[] = { (char *)"zdiag-check-exec", NULL };
	char *envp[] = { env, NULL };
	long long v[3];

	snprintf(env, sizeof(env), EXEC_ENV "=%d", a->fd);
	execve(a->path, argv, envp);
	v[0] = -1;
	v[1] = errno;
	v[2] = 0;
	if (write(a->fd, v, sizeof(v)) < 0)
		_exit(93);
	_exit(92);
}

static int
p_exec_from_thread(struct zd_check_ctx *c)
{
	const char *path = "/proc/self/exe";
	int rep[2], st = 0;
	long long v[3];
	pid_t pid, w;
	size_t off = 0;

	/* This program, to re-execute: /proc/self/exe, or else the name it
	 * was executed by (a kernel without procfs). */
	if (access(path, X_OK) < 0) {
		const char *fn = (const char *)getauxval(AT_EXECFN);

		if (!fn || access(fn, X_OK) < 0)
			return zd_check_skip(c, "cannot find this program to re-execute it: /proc/self/exe: %s",
					     zd_check_errstr(errno));
		path = fn;
	}
	ZD_CHECK_TRY(zd_check_sys(c, pipe(rep), "pipe()"));
	fcntl(rep[0], F_SETFD, FD_CLOEXEC);
	pid = zd_check_fork(c);
	if (pid == 0) {
		static struct exec_args a;
		pthread_t th;

		close(rep[0]);
		a.fd = rep[1];
		a.path = path;
		if (pthread_create(&th, NULL, thread_exec, &a))
			_exit(90);
		/* The leader waits; de_thread() must kill it. */
		for (;;)
			pause();
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	close(rep[1]);
	zd_check_step(c, "reading the pid reported by the image executed from a thread of %d", (int)pid);
	while (off < sizeof(v)) {
		ssize_t r = read(rep[0], (char *)v + off, sizeof(v) - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	zd_check_step(c, "waitpid(%d) for the executed image", (int)pid);
	w = zd_check_waitpid(pid, &st, 0);
	zd_check_expect(c, "execve() from a non-leader thread succeeds and the new image runs");
	if (off < sizeof(v))
		return zd_check_fail(c, "the new image never reported (the process %s)",
				     w == pid ? zd_check_wstr(st) : "could not be waited for");
	if (v[0] == -1)
		return zd_check_fail(c, "execve(\"%s\") failed with %s", path, zd_check_errstr((int)v[1]));
	zd_check_note(c, "after exec: getpid() %lld, gettid() %lld, %lld task(s)", v[0], v[1], v[2]);
	zd_check_expect(c, "after execve() from a non-leader thread the process keeps the leader's pid: "
			   "getpid() == gettid() == %d", (int)pid);
	if (v[0] != pid || v[1] != pid)
		return zd_check_fail(c, "getpid() %lld, gettid() %lld", v[0], v[1]);
	zd_check_expect(c, "after execve() only the executing thread is left (/proc/self/task has 1 entry)");
	if (v[2] != -1 && v[2] != 1)
		return zd_check_fail(c, "/proc/self/task has %lld entries", v[2]);
	zd_check_expect(c, "the parent's waitpid(%d) reaps the executed image (exit 0)", (int)pid);
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w,
				     w < 0 ? zd_check_errstr(errno) : zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static void *
thread_exit_group(void *arg)
{
	(void)arg;
	syscall(SYS_exit_group, 9);
	return NULL;
}

static int
p_exit_group(struct zd_check_ctx *c)
{
	int block[2], st = 0;
	pid_t pid, w;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(block, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork(c);
	if (pid == 0) {
		pthread_t th;
		char b;

		if (pthread_create(&th, NULL, thread_exit_group, NULL))
			_exit(90);
		while (read(block[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(91);
	}
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	close(block[0]);
	zd_check_step(c, "waitpid(%d) after exit_group(9) from a non-leader thread", (int)pid);
	w = zd_check_waitpid(pid, &st, 0);
	ZD_CHECK_TRY(zd_check_sys(c, w, "waitpid(%d)", (int)pid));
	zd_check_expect(c, "exit_group(9) from a non-leader thread ends the blocked leader too: exited 9");
	if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 9)
		return zd_check_fail(c, "waitpid() returned %d with %s", (int)w, zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

const struct zd_probe zd_check_threads_probes[] = {
	{ "threads.leader-zombie", "threads",
	  "a leader that calls the exit syscall while a sibling runs stays Z and cannot be reaped until the last thread exits",
	  "kernel/exit.c", p_leader_zombie, NULL },
	{ "threads.exec-from-thread", "threads",
	  "execve() from a non-leader thread kills the other threads and the process keeps the leader's pid",
	  "fs/exec.c", p_exec_from_thread, NULL },
	{ "threads.exit-group", "threads",
	  "exit_group() from a non-leader thread ends every thread; the parent sees that exit status",
	  "kernel/exit.c", p_exit_group, NULL },
	{ 0 },
};
