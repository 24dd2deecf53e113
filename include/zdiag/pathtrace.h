/*
 * -P PATH (--trace-path): which syscalls access one of a set of paths, as
 * strace 6.1 decides it (src/pathtrace.c there): a path argument (read
 * from the tracee) equal to a selected path, or a file descriptor argument
 * whose /proc/TID/fd link names one.  Which arguments count comes from
 * strace's special cases (openat: dirfd and path; renameat: both pairs;
 * mmap: the fd in argument 5; select, poll: every fd in the sets; ...),
 * then from the syscall's class: a %file syscall's first argument is a
 * path, a %desc or %network one's first argument a descriptor; any other
 * syscall never matches.  Calls that make new descriptors without naming a
 * path (pipe, socket, eventfd ...) never match.
 *
 *	struct zd_pathset ps = ZD_PATHSET_INIT;
 *	zd_pathset_add(&ps, "/etc/hostname", &resolved);   // also its realpath
 *	if (zd_pathtrace_match(&ps, tid, nr, args)) ...
 *	zd_pathset_release(&ps);
 */
#ifndef ZDIAG_PATHTRACE_H
#define ZDIAG_PATHTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct zd_pathset {
	char **paths;
	size_t n, cap;
};

#define ZD_PATHSET_INIT { NULL, 0, 0 }

/*
 * Select path and, when it resolves (realpath(3)) to another name, that
 * name too, as strace does; *resolved (if not NULL) is then that name
 * (owned by the set), else NULL.  A path already selected is not added
 * twice.
 */
void zd_pathset_add(struct zd_pathset *s, const char *path, const char **resolved);
void zd_pathset_release(struct zd_pathset *s);

/* Whether path is one of the selected paths (exact string). */
bool zd_pathset_has(const struct zd_pathset *s, const char *path);

/*
 * Whether syscall nr of thread tid (at its entry stop, arguments args)
 * accesses a selected path.
 */
bool zd_pathtrace_match(const struct zd_pathset *s, pid_t tid, long nr, const uint64_t args[6]);

/*
 * Take out of s every syscall that can never match (no path or descriptor
 * argument by the rules above), so a seccomp filter need not stop them.
 */
struct zd_scset;
void zd_pathtrace_limit(struct zd_scset *s);

/*
 * The path fd of tid refers to, from /proc/TID/fd/FD, without the
 * " (deleted)" the kernel appends to a file that is really gone (as
 * strace's getfdpath).  Returns its length, or -errno.
 */
ssize_t zd_fd_path(pid_t tid, int fd, char *buf, size_t size);

#endif
