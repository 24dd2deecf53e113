/*
 * -P PATH: does a syscall access a selected path?  strace 6.1's rules
 * (src/pathtrace.c there), keyed by syscall name in one table; every
 * syscall the table does not name falls back on its class.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdiag/common.h"
#include "zdiag/decode.h"
#include "zdiag/pathtrace.h"
#include "zdiag/syscall.h"
#include "zdiag/sysname.h"
#include "zdiag/xalloc.h"

/* Which arguments name a file, beyond "the first one, by class". */
enum pt_rule {
	PT_CLASS = 0,       /* %file: path in arg 0; %desc, %network: fd in arg 0 */
	PT_FD_FD,           /* fd, fd */
	PT_FD_PATH,         /* dirfd, path */
	PT_PATH_PATH,       /* path, path */
	PT_X_PATH,          /* x, path */
	PT_FDPATH_FDPATH,   /* dirfd, path, dirfd, path */
	PT_MMAP,            /* x, x, x, x, fd */
	PT_X_FD_PATH,       /* x, dirfd, path */
	PT_FD_X_FD,         /* fd, x, fd */
	PT_EPOLL_CTL,       /* x, x, fd */
	PT_FANOTIFY_MARK,   /* x, x, mask, dirfd, path */
	PT_SELECT,          /* nfds, fd_set *, fd_set *, fd_set * */
	PT_POLL,            /* struct pollfd *, nfds */
	PT_FSCONFIG,        /* x, cmd, x, path?, fd? */
	PT_NONE,            /* makes descriptors, names no file */
};

static const struct {
	const char *name;
	enum pt_rule rule;
} pt_rules[] = {
	{ "dup2", PT_FD_FD }, { "dup3", PT_FD_FD }, { "kexec_file_load", PT_FD_FD },
	{ "sendfile", PT_FD_FD }, { "tee", PT_FD_FD },

	{ "execveat", PT_FD_PATH }, { "faccessat", PT_FD_PATH }, { "faccessat2", PT_FD_PATH },
	{ "fchmodat", PT_FD_PATH }, { "fchownat", PT_FD_PATH }, { "fspick", PT_FD_PATH },
	{ "futimesat", PT_FD_PATH }, { "inotify_add_watch", PT_FD_PATH }, { "mkdirat", PT_FD_PATH },
	{ "mknodat", PT_FD_PATH }, { "mount_setattr", PT_FD_PATH }, { "name_to_handle_at", PT_FD_PATH },
	{ "newfstatat", PT_FD_PATH }, { "open_tree", PT_FD_PATH }, { "openat", PT_FD_PATH },
	{ "openat2", PT_FD_PATH }, { "readlinkat", PT_FD_PATH }, { "statx", PT_FD_PATH },
	{ "unlinkat", PT_FD_PATH }, { "utimensat", PT_FD_PATH },

	{ "link", PT_PATH_PATH }, { "mount", PT_PATH_PATH }, { "pivot_root", PT_PATH_PATH },
	{ "quotactl", PT_X_PATH }, { "symlink", PT_X_PATH },
	{ "linkat", PT_FDPATH_FDPATH }, { "move_mount", PT_FDPATH_FDPATH },
	{ "renameat", PT_FDPATH_FDPATH }, { "renameat2", PT_FDPATH_FDPATH },
	{ "mmap", PT_MMAP },
	{ "symlinkat", PT_X_FD_PATH },
	{ "copy_file_range", PT_FD_X_FD }, { "splice", PT_FD_X_FD },
	{ "epoll_ctl", PT_EPOLL_CTL },
	{ "fanotify_mark", PT_FANOTIFY_MARK },
	{ "select", PT_SELECT }, { "pselect6", PT_SELECT },
	{ "poll", PT_POLL }, { "ppoll", PT_POLL },
	{ "fsconfig", PT_FSCONFIG },

	{ "accept", PT_NONE }, { "accept4", PT_NONE }, { "bpf", PT_NONE },
	{ "epoll_create", PT_NONE }, { "epoll_create1", PT_NONE }, { "epoll_ctl_old", PT_NONE },
	{ "epoll_wait_old", PT_NONE }, { "eventfd", PT_NONE }, { "eventfd2", PT_NONE },
	{ "fanotify_init", PT_NONE }, { "fsmount", PT_NONE }, { "fsopen", PT_NONE },
	{ "inotify_init", PT_NONE }, { "inotify_init1", PT_NONE }, { "io_uring_enter", PT_NONE },
	{ "io_uring_register", PT_NONE }, { "io_uring_setup", PT_NONE },
	{ "landlock_add_rule", PT_NONE }, { "landlock_create_ruleset", PT_NONE },
	{ "landlock_restrict_self", PT_NONE }, { "memfd_create", PT_NONE }, { "memfd_secret", PT_NONE },
	{ "mq_getsetattr", PT_NONE }, { "mq_notify", PT_NONE }, { "mq_open", PT_NONE },
	{ "mq_timedreceive", PT_NONE }, { "mq_timedsend", PT_NONE }, { "perf_event_open", PT_NONE },
	{ "pidfd_open", PT_NONE }, { "pipe", PT_NONE }, { "pipe2", PT_NONE }, { "signalfd", PT_NONE },
	{ "signalfd4", PT_NONE }, { "socket", PT_NONE }, { "socketpair", PT_NONE },
	{ "timerfd_create", PT_NONE }, { "timerfd_gettime", PT_NONE }, { "timerfd_settime", PT_NONE },
	{ "userfaultfd", PT_NONE },
	/* Not %desc in strace 6.1 (zdiag's table says it is). */
	{ "close_range", PT_NONE },
};

static unsigned char rule_of[ZD_SC_NMAX];
static bool rules_ready;

static enum pt_rule
rule_for(long nr)
{
	if (!rules_ready) {
		size_t i;

		for (i = 0; i < ZD_ARRAY_SIZE(pt_rules); i++) {
			long n = zd_sysnr(pt_rules[i].name);

			if (n >= 0 && n < ZD_SC_NMAX)
				rule_of[n] = (unsigned char)pt_rules[i].rule;
		}
		rules_ready = true;
	}
	return nr >= 0 && nr < ZD_SC_NMAX ? (enum pt_rule)rule_of[nr] : PT_CLASS;
}

/* ---------------------------------------------------------------- */
/* The set                                                           */

static const char *
find(const struct zd_pathset *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->paths[i], path))
			return s->paths[i];
	return NULL;
}

bool
zd_pathset_has(const struct zd_pathset *s, const char *path)
{
	return find(s, path) != NULL;
}

/* Add path (once); returns the set's copy. */
static const char *
store(struct zd_pathset *s, const char *path)
{
	const char *had = find(s, path);

	if (had)
		return had;
	ZD_GROW(s->paths, s->cap, s->n + 1);
	s->paths[s->n] = zd_xstrdup(path);
	return s->paths[s->n++];
}

void
zd_pathset_add(struct zd_pathset *s, const char *path, const char **resolved)
{
	char *real;

	if (resolved)
		*resolved = NULL;
	store(s, path);
	real = realpath(path, NULL);
	if (!real)
		return;
	if (strcmp(real, path)) {
		const char *r = store(s, real);

		if (resolved)
			*resolved = r;
	}
	free(real);
}

void
zd_pathset_release(struct zd_pathset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	s->paths = NULL;
	s->n = s->cap = 0;
}

/* ---------------------------------------------------------------- */
/* Matching                                                          */

ssize_t
zd_fd_path(pid_t tid, int fd, char *buf, size_t size)
{
	static const char del[] = " (deleted)";
	char link[64];
	struct stat st_link, st_path;
	ssize_t n;

	if (fd < 0 || size < 2)
		return -EBADF;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* " (deleted)": strip it when the name no longer is that file. */
	if ((size_t)n > sizeof(del) - 1 && !strcmp(buf + n - (sizeof(del) - 1), del) &&
	    stat(link, &st_link) == 0 &&
	    (lstat(buf, &st_path) < 0 || st_link.st_ino != st_path.st_ino || st_link.st_dev != st_path.st_dev)) {
		n -= (ssize_t)(sizeof(del) - 1);
		buf[n] = '\0';
	}
	return n;
}

static bool
fd_match(const struct zd_pathset *s, pid_t tid, uint64_t arg)
{
	char path[PATH_MAX + 1];

	/* The kernel takes an int; so does strace. */
	return zd_fd_path(tid, (int)arg, path, sizeof(path)) >= 0 && zd_pathset_has(s, path);
}

static bool
path_match(const struct zd_pathset *s, pid_t tid, uint64_t addr)
{
	char path[PATH_MAX + 1];
	bool terminated = false;

	if (!addr)
		return false;
	return zd_umove_str(tid, addr, path, PATH_MAX, &terminated) >= 0 && terminated &&
	       zd_pathset_has(s, path);
}

static bool
select_match(const struct zd_pathset *s, pid_t tid, const uint64_t args[6])
{
	int nfds = (int)args[0];
	size_t size;
	unsigned char *bits;
	bool hit = false;
	int i, fd;

	if (nfds <= 0)
		return false;
	if (nfds > 1024 * 1024)
		nfds = 1024 * 1024;
	size = (((size_t)nfds + 7) / 8 + 7) & ~(size_t)7;
	bits = zd_xmalloc(size);
	for (i = 1; i <= 3 && !hit; i++) {
		if (!args[i] || zd_umove(tid, args[i], bits, size) != (ssize_t)size)
			continue;
		for (fd = 0; fd < nfds && !hit; fd++)
			if ((bits[fd / 8] >> (fd % 8)) & 1)
				hit = fd_match(s, tid, (uint64_t)fd);
	}
	free(bits);
	return hit;
}

static bool
poll_match(const struct zd_pathset *s, pid_t tid, const uint64_t args[6])
{
	struct {
		int fd;
		short events, revents;
	} pfd;
	unsigned nfds = (unsigned)args[1];
	uint64_t cur, end;

	if (nfds > 1024 * 1024)
		nfds = 1024 * 1024;
	end = args[0] + sizeof(pfd) * nfds;
	if (!nfds || end < args[0])
		return false;
	for (cur = args[0]; cur < end; cur += sizeof(pfd)) {
		if (zd_umove(tid, cur, &pfd, sizeof(pfd)) != (ssize_t)sizeof(pfd))
			break;
		if (fd_match(s, tid, (uint64_t)(int64_t)pfd.fd))
			return true;
	}
	return false;
}

bool
zd_pathtrace_match(const struct zd_pathset *s, pid_t tid, long nr, const uint64_t a[6])
{
	const struct zd_sysent *e = zd_sysent(nr);
	unsigned classes = e ? e->classes : 0;

	if (!(classes & (ZD_SCC_FILE | ZD_SCC_DESC | ZD_SCC_NET)))
		return false;
	switch (rule_for(nr)) {
	case PT_FD_FD:
		return fd_match(s, tid, a[0]) || fd_match(s, tid, a[1]);
	case PT_FD_PATH:
		return fd_match(s, tid, a[0]) || path_match(s, tid, a[1]);
	case PT_PATH_PATH:
		return path_match(s, tid, a[0]) || path_match(s, tid, a[1]);
	case PT_X_PATH:
		return path_match(s, tid, a[1]);
	case PT_FDPATH_FDPATH:
		return fd_match(s, tid, a[0]) || fd_match(s, tid, a[2]) || path_match(s, tid, a[1]) ||
		       path_match(s, tid, a[3]);
	case PT_MMAP:
		return fd_match(s, tid, a[4]);
	case PT_X_FD_PATH:
		return fd_match(s, tid, a[1]) || path_match(s, tid, a[2]);
	case PT_FD_X_FD:
		return fd_match(s, tid, a[0]) || fd_match(s, tid, a[2]);
	case PT_EPOLL_CTL:
		return fd_match(s, tid, a[2]);
	case PT_FANOTIFY_MARK:
		return fd_match(s, tid, a[3]) || path_match(s, tid, a[4]);
	case PT_SELECT:
		return select_match(s, tid, a);
	case PT_POLL:
		return poll_match(s, tid, a);
	case PT_FSCONFIG:
		switch ((unsigned)a[1]) {
		case 3:   /* FSCONFIG_SET_PATH */
		case 4:   /* FSCONFIG_SET_PATH_EMPTY */
			return fd_match(s, tid, a[4]) || path_match(s, tid, a[3]);
		case 5:   /* FSCONFIG_SET_FD */
			return fd_match(s, tid, a[4]);
		}
		return false;
	case PT_NONE:
		return false;
	case PT_CLASS:
		break;
	}
	if (classes & ZD_SCC_FILE)
		return path_match(s, tid, a[0]);
	return fd_match(s, tid, a[0]);
}

void
zd_pathtrace_limit(struct zd_scset *s)
{
	long nr;

	for (nr = 0; nr < ZD_SC_NMAX; nr++) {
		const struct zd_sysent *e = zd_sysent(nr);

		if (!e || !(e->classes & (ZD_SCC_FILE | ZD_SCC_DESC | ZD_SCC_NET)) || rule_for(nr) == PT_NONE)
			zd_scset_del(s, nr);
	}
	s->others = false;
}
