/*
 * procfs probes: /proc/PID and /proc/PID/task/TID appear and disappear with
 * the process and thread lifecycle (the reported bug: a reaped child's
 * /proc entry survived in a procfs cache).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-int.h"
#include "zdiag/procfs.h"

/* access(), opendir() and a readdir of /proc all find pid. */
static int
visible(struct zd_check_ctx *c, pid_t pid, const char *what)
{
	char path[64], name[24];
	DIR *d;
	int r;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	snprintf(name, sizeof(name), "%d", (int)pid);
	zd_check_expect(c, "access(\"%s\", F_OK) succeeds for %s", path, what);
	if (access(path, F_OK) < 0)
		return zd_check_fail(c, "access() failed with %s", zd_check_errstr(errno));
	zd_check_expect(c, "opendir(\"%s\") succeeds for %s", path, what);
	d = opendir(path);
	if (!d)
		return zd_check_fail(c, "opendir() failed with %s", zd_check_errstr(errno));
	closedir(d);
	zd_check_expect(c, "a readdir of /proc lists %s (%s)", name, what);
	r = zd_check_dir_lists("/proc", name);
	if (r < 0)
		return zd_check_fail(c, "reading /proc failed with %s", zd_check_errstr(-r));
	if (!r)
		return zd_check_fail(c, "the readdir of /proc did not list %s", name);
	return ZD_CHECK_PASS;
}

static int
reap(struct zd_check_ctx *c, pid_t pid, int code)
{
	int st = 0;

	zd_check_step(c, "waitpid(%d) to reap the child", (int)pid);
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_waitpid(pid, &st, 0), "waitpid(%d)", (int)pid));
	zd_check_expect(c, "waitpid() reports the child's exit(%d)", code);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		return zd_check_fail(c, "waitpid() reported %s", zd_check_wstr(st));
	return ZD_CHECK_PASS;
}

static int
p_running_visible(struct zd_check_ctx *c)
{
	int go[2];
	pid_t pid;
	char s;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(go, O_CLOEXEC), "pipe2()"));
	pid = zd_check_fork_waiter(c, go[0]);
	ZD_CHECK_TRY(zd_check_sys(c, pid, "fork()"));
	ZD_CHECK_TRY(visible(c, pid, "a running child"));
	s = zd_check_state(pid, 0);
	zd_check_expect(c, "/proc/%d/stat shows a live state (not Z or X) for a running child", (int)pid);
	if (!s || s == 'Z' || s == 'X')
		return zd_check_fail(c, "state is '%c'", s ? s : '-');
	zd_check_note(c, "state %c", s);
	zd_check_send(go[1], 7);
	return reap(c, pid, 7);
}

static int
p_zombie_visible(struct zd_check_ctx *c)
{
	pid_t pid;
	char s;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	ZD_CHECK_TRY(visible(c, pid, "an unreaped zombie"));
	s = zd_check_state(pid, 0);
	zd_check_expect(c, "/proc/%d/stat shows state Z for the unreaped zombie", (int)pid);
	if (s != 'Z')
		return zd_check_fail(c, "state is '%c'", s ? s : '-');
	return reap(c, pid, 42);
}

static int
p_zombie_status(struct zd_check_ctx *c)
{
	struct zd_status st;
	char path[64];
	int fd, r;
	pid_t pid;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ZD_CHECK_TRY(zd_check_sys(c, fd, "open(\"%s\", O_DIRECTORY)", path));
	r = zd_proc_read_status(fd, &st);
	close(fd);
	zd_check_expect(c, "/proc/%d/status of a zombie is readable", (int)pid);
	if (r < 0)
		return zd_check_fail(c, "reading it failed with %s", zd_check_errstr(-r));
	zd_check_expect(c, "/proc/%d/status says \"State: Z (zombie)\"", (int)pid);
	if (st.state != 'Z')
		return zd_check_fail(c, "State: %c", st.state ? st.state : '-');
	zd_check_expect(c, "/proc/%d/status of the zombie keeps PPid %d (its parent)", (int)pid, (int)getpid());
	if (st.ppid != getpid())
		return zd_check_fail(c, "PPid: %d", (int)st.ppid);
	zd_check_expect(c, "/proc/%d/status says Tgid %d and Pid %d", (int)pid, (int)pid, (int)pid);
	if (st.tgid != pid || st.pid != pid)
		return zd_check_fail(c, "Tgid: %d, Pid: %d", (int)st.tgid, (int)st.pid);
	return reap(c, pid, 42);
}

static int
p_reaped_access(struct zd_check_ctx *c)
{
	char path[64];
	pid_t pid;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	zd_check_expect(c, "access(\"%s\", F_OK) succeeds before the reap", path);
	if (access(path, F_OK) < 0)
		return zd_check_fail(c, "access() failed with %s", zd_check_errstr(errno));
	ZD_CHECK_TRY(reap(c, pid, 42));
	return zd_check_errno(c, access(path, F_OK), ENOENT, "access(\"%s\", F_OK) right after the reap", path);
}

static int
p_reaped_opendir(struct zd_check_ctx *c)
{
	char path[64];
	DIR *d;
	pid_t pid;
	int r;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	d = opendir(path);
	ZD_CHECK_TRY(zd_check_sys(c, d ? 0 : -1, "opendir(\"%s\") before the reap", path));
	closedir(d);
	ZD_CHECK_TRY(reap(c, pid, 42));
	d = opendir(path);
	r = zd_check_errno(c, d ? 0 : -1, ENOENT, "opendir(\"%s\") right after the reap", path);
	if (d)
		closedir(d);
	return r;
}

static int
p_reaped_readdir(struct zd_check_ctx *c)
{
	char name[24];
	pid_t pid;
	int r;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	snprintf(name, sizeof(name), "%d", (int)pid);
	zd_check_expect(c, "a readdir of /proc lists the zombie %s before the reap", name);
	r = zd_check_dir_lists("/proc", name);
	if (r != 1)
		return zd_check_fail(c, r < 0 ? "reading /proc failed" : "it is not listed");
	ZD_CHECK_TRY(reap(c, pid, 42));
	zd_check_expect(c, "a fresh readdir of /proc right after the reap does not list %s", name);
	r = zd_check_dir_lists("/proc", name);
	if (r < 0)
		return zd_check_fail(c, "reading /proc failed with %s", zd_check_errstr(-r));
	if (r)
		return zd_check_fail(c, "/proc still lists %s", name);
	return ZD_CHECK_PASS;
}

static int
p_reaped_stat_fd(struct zd_check_ctx *c)
{
	char path[64], buf[1024];
	struct zd_stat st;
	ssize_t n;
	pid_t pid;
	int fd;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ZD_CHECK_TRY(zd_check_sys(c, fd, "open(\"%s\")", path));
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ZD_CHECK_TRY(zd_check_sys(c, n, "pread() of %s before the reap", path));
	zd_check_expect(c, "the open %s reads state Z before the reap", path);
	if (zd_stat_parse(buf, (size_t)n, &st) < 0 || st.state != 'Z')
		return zd_check_fail(c, "it read state '%c'", n > 0 ? st.state : '-');
	ZD_CHECK_TRY(reap(c, pid, 42));
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	return zd_check_errno(c, n, ESRCH, "pread() of the %s fd kept open across the reap", path);
}

static int
p_reaped_dirfd(struct zd_check_ctx *c)
{
	char path[64];
	pid_t pid;
	int dfd, fd, r;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	if ((pid = zd_check_make_zombie(c, 42)) < 0)
		return ZD_CHECK_FAIL;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ZD_CHECK_TRY(zd_check_sys(c, dfd, "open(\"%s\", O_DIRECTORY)", path));
	fd = openat(dfd, "status", O_RDONLY | O_CLOEXEC);
	ZD_CHECK_TRY(zd_check_sys(c, fd, "openat(<%s>, \"status\") before the reap", path));
	close(fd);
	ZD_CHECK_TRY(reap(c, pid, 42));
	fd = openat(dfd, "status", O_RDONLY | O_CLOEXEC);
	r = zd_check_errno(c, fd, ESRCH, "openat(<%s fd held across the reap>, \"status\")", path);
	if (fd >= 0)
		close(fd);
	return r;
}

/* A thread that announces its tid and waits to be told to exit. */
struct thr {
	int ready[2], go[2];
	pid_t tid;
};

static void *
thr_main(void *arg)
{
	struct thr *t = arg;

	t->tid = gettid();
	zd_check_send_int(t->ready[1], t->tid);
	zd_check_recv(t->go[0]);
	return NULL;
}

static int
start_thread(struct zd_check_ctx *c, struct thr *t, pthread_t *th)
{
	long long tid;
	int e;

	ZD_CHECK_TRY(zd_check_sys(c, pipe2(t->ready, O_CLOEXEC), "pipe2()"));
	ZD_CHECK_TRY(zd_check_sys(c, pipe2(t->go, O_CLOEXEC), "pipe2()"));
	e = pthread_create(th, NULL, thr_main, t);
	if (e) {
		errno = e;
		return zd_check_sys(c, -1, "pthread_create()");
	}
	zd_check_step(c, "waiting for the new thread to start");
	ZD_CHECK_TRY(zd_check_sys(c, zd_check_recv_int(t->ready[0], &tid), "reading the new thread's tid"));
	return ZD_CHECK_PASS;
}

static int
task_visible(struct zd_check_ctx *c, pid_t tid, const char *what)
{
	char path[80], task[64], name[24];
	DIR *d;
	int r;

	snprintf(task, sizeof(task), "/proc/%d/task", (int)getpid());
	snprintf(path, sizeof(path), "%s/%d", task, (int)tid);
	snprintf(name, sizeof(name), "%d", (int)tid);
	zd_check_expect(c, "access(\"%s\", F_OK) succeeds for %s", path, what);
	if (access(path, F_OK) < 0)
		return zd_check_fail(c, "access() failed with %s", zd_check_errstr(errno));
	zd_check_expect(c, "opendir(\"%s\") succeeds for %s", path, what);
	d = opendir(path);
	if (!d)
		return zd_check_fail(c, "opendir() failed with %s", zd_check_errstr(errno));
	closedir(d);
	zd_check_expect(c, "a readdir of %s lists %s (%s)", task, name, what);
	r = zd_check_dir_lists(task, name);
	if (r < 0)
		return zd_check_fail(c, "reading %s failed with %s", task, zd_check_errstr(-r));
	if (!r)
		return zd_check_fail(c, "%s does not list %s", task, name);
	return ZD_CHECK_PASS;
}

static int
p_thread_visible(struct zd_check_ctx *c)
{
	struct thr t;
	pthread_t th;
	char s;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	ZD_CHECK_TRY(start_thread(c, &t, &th));
	ZD_CHECK_TRY(task_visible(c, t.tid, "a live thread"));
	s = zd_check_state(getpid(), t.tid);
	zd_check_expect(c, "/proc/%d/task/%d/stat shows a live thread (not Z or X)", (int)getpid(), (int)t.tid);
	if (!s || s == 'Z' || s == 'X')
		return zd_check_fail(c, "state is '%c'", s ? s : '-');
	zd_check_send(t.go[1], 1);
	pthread_join(th, NULL);
	return ZD_CHECK_PASS;
}

static int
p_thread_gone(struct zd_check_ctx *c)
{
	char path[80], task[64], name[24];
	struct thr t;
	pthread_t th;
	long long budget;
	int err = 0, r;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	ZD_CHECK_TRY(start_thread(c, &t, &th));
	snprintf(task, sizeof(task), "/proc/%d/task", (int)getpid());
	snprintf(path, sizeof(path), "%s/%d", task, (int)t.tid);
	snprintf(name, sizeof(name), "%d", (int)t.tid);
	ZD_CHECK_TRY(task_visible(c, t.tid, "a live thread"));
	zd_check_send(t.go[1], 1);
	zd_check_step(c, "pthread_join() of thread %d", (int)t.tid);
	pthread_join(th, NULL);
	/* The join returns when the kernel clears the tid (exit_mm), a little
	 * before the thread is released: allow a bounded wait. */
	zd_check_expect(c, "%s disappears (ENOENT) once the thread has exited and been joined", path);
	budget = zd_check_budget_ms(c);
	if (zd_check_wait_gone(c, path, &err) < 0) {
		if (err)
			return zd_check_fail(c, "access() failed with %s instead", zd_check_errstr(err));
		return zd_check_fail(c, "it still exists %lld ms after the join", budget);
	}
	zd_check_expect(c, "a readdir of %s no longer lists %s", task, name);
	r = zd_check_dir_lists(task, name);
	if (r < 0)
		return zd_check_fail(c, "reading %s failed with %s", task, zd_check_errstr(-r));
	if (r)
		return zd_check_fail(c, "%s still lists %s", task, name);
	return ZD_CHECK_PASS;
}

static int
p_thread_not_listed(struct zd_check_ctx *c)
{
	char path[64], name[24];
	struct thr t;
	pthread_t th;
	int r;

	ZD_CHECK_TRY(zd_check_need_proc(c));
	ZD_CHECK_TRY(start_thread(c, &t, &th));
	snprintf(path, sizeof(path), "/proc/%d", (int)t.tid);
	snprintf(name, sizeof(name), "%d", (int)t.tid);
	zd_check_expect(c, "a readdir of /proc lists processes only, not thread %s of process %d", name,
			(int)getpid());
	r = zd_check_dir_lists("/proc", name);
	if (r < 0)
		return zd_check_fail(c, "reading /proc failed with %s", zd_check_errstr(-r));
	if (r)
		return zd_check_fail(c, "/proc lists the thread id %s", name);
	zd_check_expect(c, "access(\"%s\", F_OK) still succeeds for the thread id (lookup of any tid works)", path);
	if (access(path, F_OK) < 0)
		return zd_check_fail(c, "access() failed with %s", zd_check_errstr(errno));
	zd_check_send(t.go[1], 1);
	pthread_join(th, NULL);
	return ZD_CHECK_PASS;
}

const struct zd_probe zd_check_procfs_probes[] = {
	{ "procfs.running-visible", "procfs",
	  "/proc/PID of a running child exists: access(), opendir() and a readdir of /proc find it",
	  "fs/proc/base.c", p_running_visible, NULL },
	{ "procfs.zombie-visible", "procfs",
	  "an unreaped zombie keeps /proc/PID (access, opendir, readdir) and its stat shows state Z",
	  "fs/proc/base.c, fs/proc/array.c", p_zombie_visible, NULL },
	{ "procfs.zombie-status", "procfs",
	  "/proc/PID/status of a zombie says \"State: Z (zombie)\" and keeps its PPid, Tgid and Pid",
	  "fs/proc/array.c", p_zombie_status, NULL },
	{ "procfs.reaped-access", "procfs",
	  "right after the parent reaps a child, access(\"/proc/PID\", F_OK) fails with ENOENT",
	  "fs/proc/base.c", p_reaped_access, NULL },
	{ "procfs.reaped-opendir", "procfs",
	  "right after the parent reaps a child, opendir(\"/proc/PID\") fails with ENOENT",
	  "fs/proc/base.c", p_reaped_opendir, NULL },
	{ "procfs.reaped-readdir", "procfs",
	  "right after the parent reaps a child, a readdir of /proc no longer lists PID",
	  "fs/proc/base.c", p_reaped_readdir, NULL },
	{ "procfs.reaped-stat-fd", "procfs",
	  "a /proc/PID/stat fd opened before the reap reads ESRCH after it",
	  "fs/proc/base.c", p_reaped_stat_fd, NULL },
	{ "procfs.reaped-dirfd", "procfs",
	  "openat() through a /proc/PID directory fd held across the reap fails with ESRCH",
	  "fs/proc/base.c", p_reaped_dirfd, NULL },
	{ "procfs.thread-visible", "procfs",
	  "/proc/PID/task/TID of a live thread exists: access(), opendir() and a readdir of task/ find it",
	  "fs/proc/base.c", p_thread_visible, NULL },
	{ "procfs.thread-gone", "procfs",
	  "once a thread has exited, /proc/PID/task/TID is gone (ENOENT) and task/ no longer lists it",
	  "fs/proc/base.c, kernel/exit.c", p_thread_gone, NULL },
	{ "procfs.thread-not-listed", "procfs",
	  "a readdir of /proc lists thread-group leaders only, but /proc/TID of a thread still resolves",
	  "fs/proc/base.c", p_thread_not_listed, NULL },
	{ 0 },
};
