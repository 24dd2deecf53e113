/* Where zdiag trace writes: whole writes, -o |CMD, -ff -o FILE.TID (include/zdiag/tout.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdiag/common.h"
#include "zdiag/tout.h"
#include "zdiag/xalloc.h"

#define FF_FLUSH_BYTES (64 * 1024)

struct zd_tout_file {
	pid_t tid;
	int fd;
	char *name;                 /* PREFIX.TID */
	struct zd_sb buf;
};

int
zd_tout_write(int fd, struct zd_sb *sb)
{
	size_t off = 0;
	int err = 0;

	while (off < sb->len) {
		ssize_t n = write(fd, sb->buf + off, sb->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
	zd_sb_reset(sb);
	return err;
}

int
zd_tout_pipe(const char *cmd, int *pidfd)
{
	int fds[2], pidp[2], st;
	pid_t mid, grand = 0;

	*pidfd = -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pidp, O_CLOEXEC) < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	mid = fork();
	if (mid == 0) {
		pid_t g = fork();

		if (g == 0) {
			dup2(fds[0], 0);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		if (write(pidp[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		_exit(g < 0);
	}
	close(fds[0]);
	close(pidp[1]);
	if (mid > 0) {
		while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
			;
		if (read(pidp[0], &grand, sizeof(grand)) != sizeof(grand))
			grand = 0;
	}
	close(pidp[0]);
	if (mid < 0 || grand <= 0) {
		int e = mid < 0 ? errno : ECHILD;

		close(fds[1]);
		return -e;
	}
	*pidfd = (int)syscall(SYS_pidfd_open, grand, 0);
	return fds[1];
}

void
zd_tout_ff_init(struct zd_tout_ff *ff, const char *prefix, bool append)
{
	memset(ff, 0, sizeof(*ff));
	ff->prefix = prefix;
	ff->append = append;
}

static void
ff_failed(struct zd_tout_ff *ff, int err, const char *name)
{
	if (ff->err)
		return;
	ff->err = err;
	ff->errname = zd_xstrdup(name);
}

static struct zd_tout_file *
ff_get(struct zd_tout_ff *ff, pid_t tid)
{
	struct zd_tout_file *f;
	struct zd_sb name = ZD_SB_INIT;
	bool seen = false;
	size_t i;

	if (ff->last < ff->n && ff->v[ff->last].tid == tid)
		return &ff->v[ff->last];
	for (i = 0; i < ff->n; i++)
		if (ff->v[i].tid == tid) {
			ff->last = i;
			return &ff->v[i];
		}
	for (i = 0; i < ff->nseen && !seen; i++)
		seen = ff->seen[i] == tid;
	if (!seen) {
		ZD_GROW(ff->seen, ff->aseen, ff->nseen + 1);
		ff->seen[ff->nseen++] = tid;
	}
	ZD_GROW(ff->v, ff->cap, ff->n + 1);
	ff->last = ff->n;
	f = &ff->v[ff->n++];
	f->tid = tid;
	zd_sb_init(&f->buf);
	zd_sb_addf(&name, "%s.%d", ff->prefix, (int)tid);
	f->name = zd_sb_detach(&name);
	f->fd = open(f->name, O_WRONLY | O_CREAT | O_CLOEXEC | (seen || ff->append ? O_APPEND : O_TRUNC), 0644);
	if (f->fd < 0)
		ff_failed(ff, errno, f->name);
	return f;
}

static void
ff_write(struct zd_tout_ff *ff, struct zd_tout_file *f)
{
	int err;

	if (f->fd < 0) {
		zd_sb_reset(&f->buf);
		return;
	}
	if ((err = zd_tout_write(f->fd, &f->buf))) {
		ff_failed(ff, -err, f->name);
		close(f->fd);
		f->fd = -1;
	}
}

void
zd_tout_ff_take(struct zd_tout_ff *ff, pid_t tid, struct zd_sb *lines)
{
	struct zd_tout_file *f;

	if (!lines->len)
		return;
	f = ff_get(ff, tid);
	zd_sb_add(&f->buf, lines->buf, lines->len);
	zd_sb_reset(lines);
	ff->pending = true;
	if (f->buf.len >= FF_FLUSH_BYTES)
		ff_write(ff, f);
}

void
zd_tout_ff_flush(struct zd_tout_ff *ff)
{
	size_t i;

	for (i = 0; i < ff->n; i++)
		ff_write(ff, &ff->v[i]);
	ff->pending = false;
}

void
zd_tout_ff_close(struct zd_tout_ff *ff, pid_t tid)
{
	size_t i;

	for (i = 0; i < ff->n; i++) {
		if (ff->v[i].tid != tid)
			continue;
		ff_write(ff, &ff->v[i]);
		if (ff->v[i].fd >= 0)
			close(ff->v[i].fd);
		zd_sb_release(&ff->v[i].buf);
		free(ff->v[i].name);
		ff->v[i] = ff->v[--ff->n];
		return;
	}
}

void
zd_tout_ff_close_all(struct zd_tout_ff *ff)
{
	while (ff->n)
		zd_tout_ff_close(ff, ff->v[0].tid);
}

void
zd_tout_ff_release(struct zd_tout_ff *ff)
{
	zd_tout_ff_close_all(ff);
	free(ff->v);
	free(ff->seen);
	free(ff->errname);
	memset(ff, 0, sizeof(*ff));
}

int
zd_tout_ff_check_dir(const char *prefix, char **dir)
{
	char *copy = zd_xstrdup(prefix), *slash = strrchr(copy, '/');
	int r = 0;

	*dir = NULL;
	if (slash && slash != copy)
		*slash = '\0';
	else if (slash)
		copy[1] = '\0';
	else {
		free(copy);
		copy = zd_xstrdup(".");
	}
	if (access(copy, W_OK | X_OK) < 0) {
		r = -errno;
		*dir = copy;
	} else {
		free(copy);
	}
	return r;
}
