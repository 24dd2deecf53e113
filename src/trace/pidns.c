/*
 * --decode-pids=pidns (--pidns-translation): a pid as a tracee in another
 * PID namespace sees it, translated into zdiag's own namespace.
 *
 * The kernel has no call for "pid P of namespace N, as seen from mine", so
 * this reads /proc as strace does: the tracee's NSpid line says how deep
 * its namespace is below ours (L entries); a process X of ours whose NSpid
 * has P at position L-1 and whose namespace at that depth is the tracee's
 * (the same inode, or an ancestor of X's reached with NS_GET_PARENT) is
 * the one.  A small cache of answers is checked again on every use (one
 * status read), since pids are reused; a miss scans /proc (processes, then
 * threads).  Pids no longer alive are not translated (strace neither).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dec.h"

#define NS_MAX 32          /* the kernel nests at most 32 PID namespaces */
#define CACHE_N 64

/* The NSpid entries of /proc/PID/status (or /proc/PID/task/TID/status). */
static int
read_nspid(const char *path, long *v, int max)
{
	char buf[4096], *p;
	ssize_t n;
	int fd, k = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return -1;
	p += 7;
	while (k < max) {
		char *end;
		long x;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		x = strtol(p, &end, 10);
		v[k++] = x;
		p = end;
	}
	return k;
}

/* The inode of the PID namespace `up` levels above the one of /proc/PATH/ns/pid. */
static ino_t
ns_ino(const char *dir, int up)
{
	char path[640];
	struct stat st;
	int fd, r;

	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (up-- > 0) {
		int pfd = ioctl(fd, NS_GET_PARENT);

		close(fd);
		if (pfd < 0)
			return 0;
		fd = pfd;
	}
	r = fstat(fd, &st);
	close(fd);
	return r < 0 ? 0 : st.st_ino;
}

struct target {
	int depth;          /* NSpid entries of the tracee */
	ino_t ns;           /* its PID namespace */
};

/* Does the process or thread at dir (/proc/X or /proc/X/task/T) have pid p in t's namespace? */
static bool
matches(const char *dir, const struct target *t, long p)
{
	char path[640];
	long v[NS_MAX];
	int k;

	snprintf(path, sizeof(path), "%s/status", dir);
	k = read_nspid(path, v, NS_MAX);
	if (k < t->depth || v[t->depth - 1] != p)
		return false;
	return ns_ino(dir, k - t->depth) == t->ns;
}

static struct {
	ino_t ns;
	long inner;
	pid_t outer;
	bool thread;
	pid_t tgid;
} cache[CACHE_N];
static unsigned cache_next;

static bool
numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Scan /proc for the process (threads: false) or thread with pid p in t's namespace. */
static pid_t
scan(const struct target *t, long p, bool threads, pid_t *tgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char dir[300];

		if (!numeric(e->d_name))
			continue;
		snprintf(dir, sizeof(dir), "/proc/%s", e->d_name);
		if (!threads) {
			if (matches(dir, t, p))
				found = *tgid = (pid_t)atoi(e->d_name);
			continue;
		}
		char tdir[320];
		DIR *td;
		struct dirent *te;

		snprintf(tdir, sizeof(tdir), "%s/task", dir);
		td = opendir(tdir);
		if (!td)
			continue;
		while ((te = readdir(td))) {
			char one[600];

			if (!numeric(te->d_name) || !strcmp(te->d_name, e->d_name))
				continue;
			snprintf(one, sizeof(one), "%s/%s", tdir, te->d_name);
			if (matches(one, t, p)) {
				found = (pid_t)atoi(te->d_name);
				*tgid = (pid_t)atoi(e->d_name);
				break;
			}
		}
		closedir(td);
	}
	closedir(d);
	return found;
}

pid_t
zd_dec_pidns_outer(pid_t tid, int64_t pid)
{
	char dir[64], path[96];
	long v[NS_MAX];
	struct target t;
	pid_t outer, tgid = 0;
	size_t i;

	if (pid <= 0 || pid > INT32_MAX)
		return 0;
	snprintf(dir, sizeof(dir), "/proc/%d", (int)tid);
	snprintf(path, sizeof(path), "%s/status", dir);
	t.depth = read_nspid(path, v, NS_MAX);
	if (t.depth < 2)        /* our own namespace (or no NSpid): nothing to say */
		return 0;
	t.ns = ns_ino(dir, 0);
	if (!t.ns)
		return 0;
	if (v[t.depth - 1] == pid)
		return tid;
	for (i = 0; i < CACHE_N; i++) {
		char cdir[96];

		if (cache[i].ns != t.ns || cache[i].inner != pid || !cache[i].outer)
			continue;
		if (cache[i].thread)
			snprintf(cdir, sizeof(cdir), "/proc/%d/task/%d", (int)cache[i].tgid, (int)cache[i].outer);
		else
			snprintf(cdir, sizeof(cdir), "/proc/%d", (int)cache[i].outer);
		if (matches(cdir, &t, pid))
			return cache[i].outer;
		cache[i].outer = 0;
	}
	outer = scan(&t, pid, false, &tgid);
	bool thread = false;
	if (!outer) {
		outer = scan(&t, pid, true, &tgid);
		thread = outer != 0;
	}
	if (outer) {
		i = cache_next++ % CACHE_N;
		cache[i].ns = t.ns;
		cache[i].inner = pid;
		cache[i].outer = outer;
		cache[i].thread = thread;
		cache[i].tgid = tgid;
	}
	return outer;
}

void
zd_dec_pidns_note(struct zd_sb *sb, pid_t tid, int64_t pid)
{
	pid_t outer = zd_dec_pidns_outer(tid, pid);

	if (outer)
		zd_sb_addf(sb, " /* %d in zdiag's PID NS */", (int)outer);
}
