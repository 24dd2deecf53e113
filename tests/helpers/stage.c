/*
 * stage SCENARIO [ARG [ARG2]]: build a real zombie scenario on the running kernel
 * and print its pids as shell assignments once the kernel shows the
 * expected states, e.g.
 *
 *	eval "$(stage parent-not-waiting)"   # zombie=12 parent=11
 *
 * The scenario keeps running in the background (as an orphan of the
 * caller); run it inside a private PID namespace so that it dies with it.
 * Every process arms alarm(HELPER_ALARM) as a last resort.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>

#include "helper.h"

static int report_fd = -1;

static void
report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	if (write(report_fd, buf, (size_t)n) != n)
		die("report");
	close(report_fd);
	report_fd = -1;
}

static void
forever(void)
{
	for (;;)
		pause();
}

static void
sleep_raw(long secs)
{
	struct timespec ts = { secs, 0 };
	syscall(SYS_nanosleep, &ts, NULL);
}

/* A child that exits with code right away; returns its pid once it is Z. */
static pid_t
zombie_child(int code)
{
	pid_t c = fork();

	if (c < 0)
		die("fork");
	if (c == 0)
		_exit(code);
	if (wait_state(c, 0, "Z") < 0)
		_exit(98);
	return c;
}

static pid_t
sleeper_child(void)
{
	pid_t c = fork();

	if (c < 0)
		die("fork");
	if (c == 0) {
		close(report_fd);
		for (;;)
			sleep_raw(600);
	}
	return c;
}

static void noop_handler(int sig) { (void)sig; }

static void
reap_handler(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ---- thread-group leader scenarios ---- */

static int leader_pipe[2];

static void *
thread_sleep(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	if (write(leader_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		die("write");
	for (;;)
		sleep_raw(600);
	return NULL;
}

static void *
thread_vfork(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	pid_t v;

	(void)arg;
	if (write(leader_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		die("write");
	v = vfork();
	if (v == 0) {
		sleep_raw(600);
		_exit(0);
	}
	for (;;)
		sleep_raw(600);
	return NULL;
}

/* Fork a process whose leader exits while one thread (fn) lives on. */
static pid_t
leader_with_thread(void *(*fn)(void *), pid_t *tid)
{
	pid_t l;

	if (pipe(leader_pipe) < 0)
		die("pipe");
	l = fork();
	if (l < 0)
		die("fork");
	if (l == 0) {
		pthread_t t;

		close(report_fd);
		alarm(HELPER_ALARM);
		if (pthread_create(&t, NULL, fn, NULL))
			_exit(97);
		msleep(50);
		syscall(SYS_exit, 0); /* only the leader thread exits */
	}
	if (read(leader_pipe[0], tid, sizeof(*tid)) != sizeof(*tid))
		die("read tid");
	if (wait_state(l, 0, "Z") < 0)
		_exit(98);
	return l;
}

static int
write_file(const char *path, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Find a child of ppid in state Z (any namespace); 0 if none yet.  With
 * count, walk everything and store how many there are. */
static pid_t
find_zombie_children(pid_t ppid, int *count)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	if (count)
		*count = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)) && (!found || count)) {
		char path[300], buf[1024], *p;
		int fd;
		ssize_t n;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p && p[2] == 'Z' && atoi(p + 4) == ppid) {
			found = atoi(buf);
			if (count)
				(*count)++;
		}
	}
	closedir(d);
	return found;
}

static pid_t
find_zombie_child(pid_t ppid)
{
	return find_zombie_children(ppid, NULL);
}

static void *
thread_park(void *arg)
{
	(void)arg;
	for (;;)
		sleep_raw(600);
	return NULL;
}

static int
scenario(const char *name, const char *arg, const char *arg2)
{
	pid_t self = getpid(), z, o, t;
	sigset_t set;

	if (!strcmp(name, "parent-not-waiting")) {
		z = zombie_child(7);
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "waits-for-other")) {
		z = zombie_child(3);
		o = sleeper_child();
		report("zombie=%d parent=%d other=%d", z, self, o);
		waitpid(o, NULL, 0);
		forever();
	}
	if (!strcmp(name, "waits-for-pgrp")) {
		z = zombie_child(3);
		o = fork();
		if (o == 0) {
			setpgid(0, 0);
			for (;;)
				sleep_raw(600);
		}
		setpgid(o, o);
		report("zombie=%d parent=%d other=%d", z, self, o);
		waitpid(-o, NULL, 0);
		forever();
	}
	if (!strcmp(name, "waits-pidfd")) {
		int fd;
		siginfo_t si;

		z = zombie_child(3);
		o = sleeper_child();
		fd = (int)syscall(SYS_pidfd_open, o, 0);
		if (fd < 0)
			die("pidfd_open");
		report("zombie=%d parent=%d other=%d", z, self, o);
		syscall(SYS_waitid, 3 /* P_PIDFD */, fd, &si, WEXITED, NULL);
		forever();
	}
	if (!strcmp(name, "needs-wall")) {
		signal(SIGUSR1, noop_handler);
		o = sleeper_child();
		z = (pid_t)syscall(SYS_clone, (unsigned long)SIGUSR1, NULL, NULL, NULL, 0);
		if (z == 0)
			_exit(5);
		if (z < 0 || wait_state(z, 0, "Z") < 0)
			return 98;
		report("zombie=%d parent=%d other=%d", z, self, o);
		waitpid(-1, NULL, 0); /* no __WALL: never sees the SIGUSR1 child */
		forever();
	}
	if (!strcmp(name, "wclone-only")) {
		signal(SIGUSR1, noop_handler);
		z = zombie_child(3);
		o = (pid_t)syscall(SYS_clone, (unsigned long)SIGUSR1, NULL, NULL, NULL, 0);
		if (o == 0) {
			for (;;)
				sleep_raw(600);
		}
		report("zombie=%d parent=%d other=%d", z, self, o);
		waitpid(-1, NULL, __WCLONE);
		forever();
	}
	if (!strcmp(name, "sigchld-blocked") || !strcmp(name, "sigchld-blocked-nohandler")) {
		if (!strcmp(name, "sigchld-blocked"))
			signal(SIGCHLD, reap_handler);
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
		z = zombie_child(7);
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "signalfd")) {
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (signalfd(-1, &set, SFD_CLOEXEC) < 0)
			die("signalfd");
		z = zombie_child(7);
		report("zombie=%d parent=%d", z, self);
		for (;;)
			sleep_raw(600);
	}
	if (!strcmp(name, "ctl-parent")) {
		/* a parent whose name holds ESC, BEL and DEL */
		prctl(PR_SET_NAME, "p\033[1m\a\177");
		z = zombie_child(7);
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "parent-traced-stop")) {
		/* the parent sits in a ptrace stop: its tracer never continues it */
		pid_t tracer;
		int st;

		z = zombie_child(7);
		tracer = fork();
		if (tracer < 0)
			die("fork");
		if (tracer == 0) {
			prctl(PR_SET_NAME, "zd-tracer");
			if (ptrace(PTRACE_ATTACH, self, 0, 0) < 0)
				_exit(96);
			if (waitpid(self, &st, __WALL) != self || wait_state(self, 0, "t") < 0)
				_exit(98);
			report("zombie=%d parent=%d tracer=%d", z, self, getpid());
			forever();
		}
		close(report_fd);
		forever();
	}
	if (!strcmp(name, "sigchld-ignored")) {
		z = zombie_child(7);
		signal(SIGCHLD, SIG_IGN);
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "handler-missed")) {
		signal(SIGCHLD, noop_handler);
		z = zombie_child(7);
		msleep(20);
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "parent-stopped")) {
		z = zombie_child(7);
		report("zombie=%d parent=%d", z, self);
		raise(SIGSTOP);
		forever();
	}
	if (!strcmp(name, "threads-alive")) {
		z = leader_with_thread(thread_sleep, &t);
		if (wait_state(z, t, "S") < 0)
			return 98;
		report("zombie=%d parent=%d thread=%d", z, self, t);
		waitpid(z, NULL, 0);
		forever();
	}
	if (!strcmp(name, "d-state")) {
		z = leader_with_thread(thread_vfork, &t);
		if (wait_state(z, t, "D") < 0)
			return 98;
		report("zombie=%d parent=%d blocker=%d", z, self, t);
		waitpid(z, NULL, 0);
		forever();
	}
	if (!strcmp(name, "d-frozen")) {
		char path[512];

		if (!arg)
			return 2;
		z = leader_with_thread(thread_sleep, &t);
		if (wait_state(z, t, "S") < 0)
			return 98;
		snprintf(path, sizeof(path), "%s/tasks", arg);
		if (write_file(path, "%d", t) < 0)
			die("freezer tasks");
		snprintf(path, sizeof(path), "%s/freezer.state", arg);
		if (write_file(path, "FROZEN") < 0)
			die("freezer.state");
		if (wait_state(z, t, "D") < 0)
			return 98;
		kill(z, SIGKILL);
		msleep(50);
		report("zombie=%d parent=%d blocker=%d", z, self, t);
		waitpid(z, NULL, 0);
		forever();
	}
	if (!strcmp(name, "dstate-live")) {
		pthread_t th;

		if (pipe(leader_pipe) < 0)
			die("pipe");
		if (pthread_create(&th, NULL, thread_vfork, NULL))
			return 97;
		if (read(leader_pipe[0], &t, sizeof(t)) != sizeof(t))
			die("read");
		if (wait_state(self, t, "D") < 0)
			return 98;
		report("pid=%d blocker=%d", self, t);
		forever();
	}
	if (!strcmp(name, "traced")) {
		int go[2], att[2];
		char c = 0;
		pid_t tracer;

		if (pipe(go) < 0 || pipe(att) < 0)
			die("pipe");
		z = fork();
		if (z == 0) {
			close(report_fd);
			if (read(go[0], &c, 1) != 1)
				_exit(1);
			_exit(9);
		}
		tracer = fork();
		if (tracer == 0) {
			close(report_fd);
			prctl(PR_SET_NAME, "zd-tracer");
			if (ptrace(PTRACE_SEIZE, z, 0, 0) < 0)
				_exit(96);
			if (write(att[1], &c, 1) != 1)
				_exit(1);
			forever(); /* never waits */
		}
		if (read(att[0], &c, 1) != 1)
			return 96;
		if (write(go[1], &c, 1) != 1)
			die("write");
		if (wait_state(z, 0, "Z") < 0)
			return 98;
		report("zombie=%d parent=%d tracer=%d", z, self, tracer);
		if (arg && !strcmp(arg, "pause"))
			forever(); /* the parent never waits either */
		waitpid(z, NULL, 0);
		forever();
	}
	if (!strcmp(name, "init-not-reaping")) {
		pid_t init;
		int i;

		if (unshare(CLONE_NEWPID) < 0)
			die("unshare");
		init = fork();
		if (init == 0) {
			close(report_fd);
			prctl(PR_SET_NAME, "myapp");
			if (fork() == 0)
				_exit(7);
			forever(); /* PID 1 of the namespace that never waits */
		}
		for (i = 0, z = 0; i < 1000 && !z; i++) {
			z = find_zombie_child(init);
			if (!z)
				msleep(10);
		}
		if (!z)
			return 98;
		report("zombie=%d parent=%d", z, init);
		forever();
	}
	if (!strcmp(name, "subreaper")) {
		pid_t m;
		int i;

		prctl(PR_SET_CHILD_SUBREAPER, 1);
		prctl(PR_SET_NAME, arg ? arg : "conmon");
		m = fork();
		if (m == 0) {
			pid_t c = fork();
			if (c == 0) {
				while (getppid() != self)
					msleep(5);
				_exit(4);
			}
			_exit(0);
		}
		waitpid(m, NULL, 0);
		for (i = 0, z = 0; i < 1000 && !z; i++) {
			z = find_zombie_child(self);
			if (!z)
				msleep(10);
		}
		if (!z)
			return 98;
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "under-subreaper")) {
		/* self: a child subreaper with an ordinary name (ARG, default
		 * "helper") that never waits; its child (the parent) never
		 * reaps its zombie child.  Killing the parent hands the zombie
		 * to self, not to init. */
		int zp[2];
		pid_t parent;

		prctl(PR_SET_CHILD_SUBREAPER, 1);
		prctl(PR_SET_NAME, arg ? arg : "helper");
		if (pipe(zp) < 0)
			die("pipe");
		parent = fork();
		if (parent < 0)
			die("fork");
		if (parent == 0) {
			close(report_fd);
			prctl(PR_SET_NAME, "worker");
			z = zombie_child(7);
			if (write(zp[1], &z, sizeof(z)) != sizeof(z))
				_exit(1);
			forever();
		}
		if (read(zp[0], &z, sizeof(z)) != sizeof(z))
			return 98;
		report("zombie=%d parent=%d subreaper=%d", z, parent, self);
		forever();
	}
	if (!strcmp(name, "transient")) {
		/* ARG: reap after ARG ms, or "usr1": when a SIGUSR1 comes */
		bool on_usr1 = arg && !strcmp(arg, "usr1");
		long ms = arg && !on_usr1 ? atol(arg) : 300;
		sigset_t usr1;
		int sig;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		if (on_usr1)
			sigprocmask(SIG_BLOCK, &usr1, NULL);
		z = zombie_child(0);
		report("zombie=%d parent=%d", z, self);
		if (on_usr1)
			sigwait(&usr1, &sig);
		else
			msleep(ms);
		waitpid(z, NULL, 0);
		forever();
	}
	if (!strcmp(name, "zombies")) {
		int i, n = arg ? atoi(arg) : 10;

		for (i = 0; i < n; i++) {
			pid_t c = fork();
			if (c < 0)
				die("fork");
			if (c == 0)
				_exit(0);
		}
		/* Report only once every child is a zombie: on a loaded machine
		 * the last ones take a while to exit (HELPER_ALARM bounds it). */
		for (;;) {
			int nz;

			find_zombie_children(self, &nz);
			if (nz >= n)
				break;
			msleep(20);
		}
		report("parent=%d count=%d", self, n);
		forever();
	}
	if (!strcmp(name, "weird-comm")) {
		prctl(PR_SET_NAME, "x) Z 1 1 (y");
		z = fork();
		if (z == 0) {
			prctl(PR_SET_NAME, "ev\nil\033[31m");
			_exit(1);
		}
		if (wait_state(z, 0, "Z") < 0)
			return 98;
		report("zombie=%d parent=%d", z, self);
		forever();
	}
	if (!strcmp(name, "load")) {
		/* ARG single-threaded sleepers, ARG2 processes with 100 threads each */
		int i, k, nproc = arg ? atoi(arg) : 1000, nthr = arg2 ? atoi(arg2) : 10;
		int done[2];
		char c = 0;

		if (pipe(done) < 0)
			die("pipe");
		for (i = 0; i < nproc + nthr; i++) {
			pid_t p = fork();

			if (p < 0)
				die("fork");
			if (p == 0) {
				close(report_fd);
				if (i >= nproc) {
					pthread_attr_t a;
					pthread_t th;

					pthread_attr_init(&a);
					pthread_attr_setstacksize(&a, 65536);
					for (k = 0; k < 99; k++)
						if (pthread_create(&th, &a, thread_park, NULL))
							_exit(97);
				}
				if (write(done[1], &c, 1) != 1)
					_exit(1);
				for (;;)
					sleep_raw(600);
			}
		}
		for (i = 0; i < nproc + nthr; i++)
			if (read(done[0], &c, 1) != 1)
				die("read");
		report("procs=%d threads=%d", nproc + nthr, nproc + nthr * 100);
		forever();
	}
	fprintf(stderr, "stage: unknown scenario '%s'\n", name);
	return 2;
}

int
main(int argc, char **argv)
{
	int p[2];
	pid_t root;
	char buf[512];
	ssize_t n;

	if (argc < 2) {
		fprintf(stderr, "usage: stage SCENARIO [ARG [ARG2]]\n");
		return 2;
	}
	if (pipe(p) < 0)
		die("pipe");
	root = fork();
	if (root < 0)
		die("fork");
	if (root == 0) {
		int null = open("/dev/null", O_RDWR);
		const char *log = getenv("STAGE_LOG");
		int logfd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;

		/* Never hold the caller's stdout/stderr: $(stage ...) waits for EOF. */
		close(p[0]);
		report_fd = p[1];
		dup2(null, 0);
		dup2(null, 1);
		dup2(logfd >= 0 ? logfd : null, 2);
		close(null);
		if (logfd >= 0)
			close(logfd);
		alarm(HELPER_ALARM);
		_exit(scenario(argv[1], argc > 2 ? argv[2] : NULL, argc > 3 ? argv[3] : NULL));
	}
	close(p[1]);
	alarm(30);
	n = read(p[0], buf, sizeof(buf) - 1);
	if (n <= 0) {
		int st = 0;

		waitpid(root, &st, 0);
		fprintf(stderr, "stage: scenario '%s' failed (status %d)\n", argv[1], WEXITSTATUS(st));
		return 1;
	}
	buf[n] = '\0';
	fputs(buf, stdout);
	return 0;
}
