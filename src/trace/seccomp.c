/*
 * The seccomp filter that lets untraced syscalls run without stopping.
 *
 * libseccomp (the Debian library for this) generates the BPF program; we
 * export it to memory in the tracer, so the child only has to call
 * seccomp(2) between fork and exec.  Syscalls of other architectures
 * (int 0x80, x32) are allowed: they are not in our table.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "seccomp-int.h"
#include "zdiag/xalloc.h"

int
zd_seccomp_build(const struct zd_scset *trap, struct sock_fprog *prog, char *why, size_t whysize)
{
	scmp_filter_ctx ctx;
	struct stat st;
	long nr;
	int fd = -1, r;
	void *buf = NULL;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(why, whysize, "libseccomp could not create a filter");
		return -ENOMEM;
	}
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree of comparisons rather than a linear chain: cheap per
	 * syscall even for large sets (-e trace=%file).  Older libseccomp
	 * lacks the attribute; the linear filter is then fine. */
	if (!r)
		(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (nr = 0; !r && nr < ZD_SC_NMAX; nr++) {
		if (!zd_scset_has(trap, nr) || !zd_sysent(nr))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), (int)nr, 0);
		if (r) {
			/* Never drop a wanted syscall: no filter rather than a
			 * filter that would hide it. */
			snprintf(why, whysize, "libseccomp refused syscall %s: %s", zd_sysent(nr)->name, strerror(-r));
			goto out;
		}
	}
	if (r) {
		snprintf(why, whysize, "libseccomp refused the filter: %s", strerror(-r));
		goto out;
	}
	fd = memfd_create("zdiag-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(why, whysize, "memfd_create: %s", strerror(errno));
		goto out;
	}
	r = seccomp_export_bpf(ctx, fd);
	if (r) {
		snprintf(why, whysize, "libseccomp could not export the filter: %s", strerror(-r));
		goto out;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		r = -EINVAL;
		snprintf(why, whysize, "the filter is too large for the kernel");
		goto out;
	}
	buf = zd_xmalloc((size_t)st.st_size);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		r = -EIO;
		snprintf(why, whysize, "could not read the exported filter");
		free(buf);
		goto out;
	}
	prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	prog->filter = buf;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return r;
}

int
zd_seccomp_install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	/* Unprivileged: the kernel wants no_new_privs first. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	return -errno;
}
