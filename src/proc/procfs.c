/* Reading /proc: held directory fds, stat/status/syscall/wchan/stack parsers. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "zdiag/procfs.h"
#include "zdiag/xalloc.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

int
zd_procfs_open(struct zd_procfs *pfs, const char *root)
{
	struct statfs sfs;

	if (!root)
		root = "/proc";
	pfs->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfs->rootfd < 0)
		return -errno;
	pfs->root = zd_xstrdup(root);
	pfs->live = fstatfs(pfs->rootfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
	return 0;
}

void
zd_procfs_close(struct zd_procfs *pfs)
{
	if (pfs->rootfd >= 0)
		close(pfs->rootfd);
	pfs->rootfd = -1;
	free(pfs->root);
	pfs->root = NULL;
}

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int
zd_proc_list(int dirfd, const char *sub, pid_t **out, size_t *n)
{
	int fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid_t *v = NULL;
	size_t len = 0, alloc = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int e = -errno;
		close(fd);
		return e;
	}
	for (;;) {
		const char *s;
		long long val = 0;

		errno = 0;
		de = readdir(d);
		if (!de) {
			/* End of directory, or a failed getdents (the directory
			 * went away, EIO): a partial list is no list. */
			int e = errno;

			closedir(d);
			if (e) {
				free(v);
				return -e;
			}
			break;
		}
		s = de->d_name;
		if (*s < '1' || *s > '9')
			continue;
		for (; *s; s++) {
			if (!isdigit((unsigned char)*s) || val > (0x7fffffff - (*s - '0')) / 10)
				break;
			val = val * 10 + (*s - '0');
		}
		if (*s)
			continue;
		ZD_GROW(v, alloc, len + 1);
		v[len++] = (pid_t)val;
	}
	if (len > 1)   /* qsort(NULL, 0, ...) is undefined */
		qsort(v, len, sizeof(*v), cmp_pid);
	*out = v;
	*n = len;
	return 0;
}

int
zd_proc_open_pid(const struct zd_procfs *pfs, pid_t pid)
{
	char path[24];
	int fd;

	snprintf(path, sizeof(path), "%d", (int)pid);
	fd = openat(pfs->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int
zd_proc_open_task(int piddirfd, pid_t tid)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "task/%d", (int)tid);
	fd = openat(piddirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

ssize_t
zd_read_small(int dirfd, const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd;

	if (!size)
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	for (;;) {
		size_t room = size - 1 - len;
		ssize_t r;

		if (!room)
			break;
		r = read(fd, buf + len, room);
		if (r < 0) {
			int e = -errno;
			if (e == -EINTR)
				continue;
			close(fd);
			return e;
		}
		len += (size_t)r;
		/* A short read returned everything there was (one read for a
		 * procfs seq file that fits); only a full buffer reads again. */
		if ((size_t)r < room)
			break;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

int
zd_read_file(int dirfd, const char *path, struct zd_sb *sb)
{
	/* O_NONBLOCK: a FIFO planted in a fixture tree must not hang us. */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	zd_sb_reset(sb);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;
		size_t room;

		if (sb->len >= ZD_READ_FILE_MAX) {
			/* /dev/zero, or a crafted tree: keep what was read. */
			close(fd);
			return -EFBIG;
		}
		zd_sb_grow(sb, 4096);
		room = ZD_MIN(sb->alloc - sb->len - 1, ZD_READ_FILE_MAX - sb->len);
		r = read(fd, sb->buf + sb->len, room);
		if (r < 0) {
			int e = -errno;
			if (e == -EINTR)
				continue;
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		sb->len += (size_t)r;
		sb->buf[sb->len] = '\0';
	}
	close(fd);
	return 0;
}

/*
 * Parse one decimal field, "-" allowed (the kernel prints some fields
 * signed); advances *p past it and one space.  A negative value comes back
 * as its two's complement; a value beyond 64 bits saturates (ULLONG_MAX, or
 * LLONG_MIN negated) instead of wrapping.
 */
static bool
next_ull(const char **p, const char *end, unsigned long long *v)
{
	const char *s = *p;
	unsigned long long x = 0;
	bool neg = false, big = false;

	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || !isdigit((unsigned char)*s))
		return false;
	while (s < end && isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');

		if (x > (ULLONG_MAX - d) / 10)
			big = true;
		else
			x = x * 10 + d;
	}
	if (s < end && *s != ' ' && *s != '\n')
		return false;
	if (s < end)
		s++;
	if (neg && (big || x > (unsigned long long)LLONG_MAX + 1))
		x = (unsigned long long)LLONG_MAX + 1;   /* LLONG_MIN */
	else if (big)
		x = ULLONG_MAX;
	/* Negate in unsigned arithmetic: -(long long)x overflows for LLONG_MIN. */
	*v = neg ? 0ULL - x : x;
	*p = s;
	return true;
}

int
zd_stat_parse(const char *buf, size_t len, struct zd_stat *st)
{
	const char *end = buf + len, *open, *close_, *p;
	unsigned long long f[53];
	size_t clen;
	int i, nf;

	memset(st, 0, sizeof(*st));
	st->exit_signal = -1;
	open = memchr(buf, '(', len);
	if (!open)
		return -EINVAL;
	for (close_ = end - 1; close_ > open && *close_ != ')'; close_--)
		;
	if (close_ <= open)
		return -EINVAL;
	p = buf;
	if (!next_ull(&p, open, &f[1]))
		return -EINVAL;
	st->pid = (pid_t)f[1];
	clen = (size_t)(close_ - open - 1);
	if (clen > ZD_COMM_MAX)
		clen = ZD_COMM_MAX;
	memcpy(st->comm, open + 1, clen);
	st->comm[clen] = '\0';

	p = close_ + 1;
	if (end - p < 3 || p[0] != ' ' || p[2] != ' ')
		return -EINVAL;
	st->state = p[1];
	p += 3;
	/* fields 4.. */
	for (nf = 4; nf <= 52 && p < end && *p != '\n'; nf++)
		if (!next_ull(&p, end, &f[nf]))
			return -EINVAL;
	nf--; /* last field parsed */
	if (nf < 22)
		return -EINVAL;
	for (i = nf + 1; i <= 52; i++)
		f[i] = 0;
	st->ppid = (pid_t)f[4];
	st->pgrp = (pid_t)f[5];
	st->session = (pid_t)f[6];
	st->flags = (unsigned)f[9];
	st->utime = f[14];
	st->stime = f[15];
	st->num_threads = (long)f[20];
	st->starttime = f[22];
	if (nf >= 35)
		st->wchan = f[35];
	if (nf >= 38)
		st->exit_signal = (int)f[38];
	if (nf >= 39)
		st->processor = (int)f[39];
	if (nf >= 52) {
		st->exit_code = (int)f[52];
		st->has_exit_code = true;
	}
	return 0;
}

int
zd_proc_read_stat(int dirfd, struct zd_stat *st)
{
	char buf[2048];
	ssize_t n = zd_read_small(dirfd, "stat", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (n == 0)
		return -EINVAL;
	return zd_stat_parse(buf, (size_t)n, st);
}

static int
parse_idlist(const char *v, pid_t *out, int max)
{
	int n = 0;

	while (*v && n < max) {
		char *end;
		long x;

		while (*v == ' ' || *v == '\t')
			v++;
		if (!isdigit((unsigned char)*v))
			break;
		x = strtol(v, &end, 10);
		out[n++] = (pid_t)x;
		v = end;
	}
	return n;
}

int
zd_status_parse(const char *buf, struct zd_status *st)
{
	const char *line = buf;
	int seen = 0;

	memset(st, 0, sizeof(*st));
	st->seccomp = -1;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *colon = strchr(line, ':');
		char key[24];
		const char *v;
		size_t klen;

		if (!colon || (nl && colon > nl))
			goto next;
		klen = (size_t)(colon - line);
		if (klen >= sizeof(key))
			goto next;
		memcpy(key, line, klen);
		key[klen] = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		seen++;
		if (!strcmp(key, "Name")) {
			size_t n = nl ? (size_t)(nl - v) : strlen(v);
			if (n >= sizeof(st->name))
				n = sizeof(st->name) - 1;
			memcpy(st->name, v, n);
			st->name[n] = '\0';
		} else if (!strcmp(key, "State")) {
			st->state = *v;
		} else if (!strcmp(key, "Tgid")) {
			st->tgid = (pid_t)strtol(v, NULL, 10);
		} else if (!strcmp(key, "Pid")) {
			st->pid = (pid_t)strtol(v, NULL, 10);
		} else if (!strcmp(key, "PPid")) {
			st->ppid = (pid_t)strtol(v, NULL, 10);
		} else if (!strcmp(key, "TracerPid")) {
			st->tracer = (pid_t)strtol(v, NULL, 10);
		} else if (!strcmp(key, "Uid")) {
			char *e;
			st->ruid = (uid_t)strtoul(v, &e, 10);
			st->euid = (uid_t)strtoul(e, NULL, 10);
		} else if (!strcmp(key, "Threads")) {
			st->threads = strtol(v, NULL, 10);
		} else if (!strcmp(key, "NSpid")) {
			st->nspid_n = parse_idlist(v, st->nspid, ZD_NS_MAX);
		} else if (!strcmp(key, "NSpgid")) {
			st->nspgid_n = parse_idlist(v, st->nspgid, ZD_NS_MAX);
		} else if (!strcmp(key, "SigPnd")) {
			st->sigpnd = strtoull(v, NULL, 16);
			st->has_sig = true;
		} else if (!strcmp(key, "ShdPnd")) {
			st->shdpnd = strtoull(v, NULL, 16);
		} else if (!strcmp(key, "SigBlk")) {
			st->sigblk = strtoull(v, NULL, 16);
		} else if (!strcmp(key, "SigIgn")) {
			st->sigign = strtoull(v, NULL, 16);
		} else if (!strcmp(key, "SigCgt")) {
			st->sigcgt = strtoull(v, NULL, 16);
		} else if (!strcmp(key, "Seccomp")) {
			st->seccomp = (int)strtol(v, NULL, 10);
		}
next:
		line = nl ? nl + 1 : NULL;
	}
	return seen && st->state ? 0 : -EINVAL;
}

int
zd_proc_read_status(int dirfd, struct zd_status *st)
{
	char buf[4096];
	ssize_t n = zd_read_small(dirfd, "status", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return zd_status_parse(buf, st);
}

int
zd_syscall_parse(const char *buf, struct zd_scstate *sc)
{
	const char *p = buf;
	char *end;
	int i;

	memset(sc, 0, sizeof(*sc));
	sc->nr = -1;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "running", 7)) {
		sc->kind = ZD_SC_RUNNING;
		return 0;
	}
	errno = 0;
	sc->nr = strtol(p, &end, 10);
	if (end == p)
		return -EINVAL;
	p = end;
	if (sc->nr < 0) {
		sc->kind = ZD_SC_NONE;
		sc->sp = strtoull(p, &end, 16);
		sc->pc = strtoull(end, NULL, 16);
		return 0;
	}
	for (i = 0; i < 6; i++) {
		sc->args[i] = strtoull(p, &end, 16);
		if (end == p)
			return -EINVAL;
		p = end;
	}
	sc->sp = strtoull(p, &end, 16);
	sc->pc = strtoull(end, NULL, 16);
	sc->kind = ZD_SC_IN;
	return 0;
}

int
zd_proc_read_syscall(int dirfd, struct zd_scstate *sc)
{
	char buf[512];
	ssize_t n = zd_read_small(dirfd, "syscall", buf, sizeof(buf));

	if (n < 0) {
		memset(sc, 0, sizeof(*sc));
		return (int)n;
	}
	return zd_syscall_parse(buf, sc);
}

int
zd_proc_read_wchan(int dirfd, char *buf, size_t size)
{
	ssize_t n = zd_read_small(dirfd, "wchan", buf, size);

	if (n < 0) {
		buf[0] = '\0';
		return (int)n;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (!strcmp(buf, "0"))
		buf[0] = '\0';
	return 0;
}

void
zd_stack_parse(const char *text, size_t len, struct zd_sb *sb)
{
	const char *line = text, *end = text + len;

	zd_sb_reset(sb);
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *e = nl ? nl : end;
		const char *s = line;

		if (*s == '[') {
			const char *rb = memchr(s, ']', (size_t)(e - s));
			if (rb)
				s = rb + 1;
		}
		while (s < e && *s == ' ')
			s++;
		if (s < e && (e - s < 18 || memcmp(s, "0xffffffffffffffff", 18))) {
			zd_sb_add(sb, s, (size_t)(e - s));
			zd_sb_addc(sb, '\n');
		}
		line = nl ? nl + 1 : end;
	}
}

int
zd_proc_read_stack(int dirfd, struct zd_sb *sb)
{
	struct zd_sb raw = ZD_SB_INIT;
	int r = zd_read_file(dirfd, "stack", &raw);

	zd_sb_reset(sb);
	if (r == 0)
		zd_stack_parse(raw.buf, raw.len, sb);
	zd_sb_release(&raw);
	return r;
}

int
zd_proc_read_cmdline(int dirfd, struct zd_sb *sb)
{
	int r = zd_read_file(dirfd, "cmdline", sb);
	size_t i;

	if (r < 0)
		return r;
	while (sb->len && sb->buf[sb->len - 1] == '\0')
		sb->len--;
	for (i = 0; i < sb->len; i++)
		if (sb->buf[i] == '\0')
			sb->buf[i] = ' ';
	sb->buf[sb->len] = '\0';
	return 0;
}

int
zd_read_ull(int dirfd, const char *path, unsigned long long *out)
{
	char buf[64], *end;
	ssize_t n = zd_read_small(dirfd, path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (end == buf || errno)
		return -EINVAL;
	return 0;
}

int
zd_procfs_tasks_total(const struct zd_procfs *pfs, unsigned long long *out)
{
	char buf[128];
	const char *slash;
	ssize_t n = zd_read_small(pfs->rootfd, "loadavg", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*out = strtoull(slash + 1, NULL, 10);
	return 0;
}

const char *
zd_state_name(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk sleep";
	case 'Z': return "zombie";
	case 'T': return "stopped";
	case 't': return "tracing stop";
	case 'X': return "dead";
	case 'I': return "idle";
	case 'P': return "parked";
	case 'W': return "waking";
	case 'K': return "wakekill";
	default: return "unknown";
	}
}
