/*
 * Which processes are child subreapers (prctl(PR_SET_CHILD_SUBREAPER))?
 *
 * /proc does not show the flag: it lives in the kernel's
 * task->signal->is_child_subreaper bitfield, and the only one who can
 * read it back through prctl(PR_GET_CHILD_SUBREAPER) is the process
 * itself.  zd_subreaper_read() asks the kernel directly: it builds a small
 * BPF task iterator at run time (no compiler, no libbpf), with the field
 * offsets taken from the running kernel's BTF (/sys/kernel/btf/vmlinux),
 * loads it, and reads back the pid of every thread-group leader whose
 * signal struct has is_child_subreaper set.  The pids are those of the
 * caller's PID namespace (the iterator walks only the tasks visible there).
 *
 * It needs CAP_BPF and CAP_PERFMON (root), BTF, and a kernel with task
 * iterators (5.8+).  When any is missing it fails, and the caller must
 * treat the flag as unknown: guessing "not a subreaper" names a wrong
 * heir (the zombie goes to the nearest subreaper ancestor, not to init).
 *
 * Cost: one read of the kernel's BTF (about 5 MB) and one program load,
 * a few milliseconds; call it only when the answer matters.
 */
#ifndef ZDIAG_SUBREAPER_H
#define ZDIAG_SUBREAPER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct zd_subreapers {
	pid_t *pids;            /* sorted ascending; malloc'ed */
	size_t n;
};

/*
 * Read the child subreapers of the caller's PID namespace.  Returns 0, or
 * -errno:
 * -EPERM/-EACCES (not privileged), -ENOENT (no kernel BTF), -EOPNOTSUPP
 * (the kernel lacks what the iterator needs, or a big-endian host),
 * -EINVAL (the BTF does not describe the fields).
 */
int zd_subreaper_read(struct zd_subreapers *out);

bool zd_subreaper_has(const struct zd_subreapers *s, pid_t pid);
void zd_subreaper_release(struct zd_subreapers *s);

#endif
