/* The seccomp filter of zdiag trace (internal to the tracer library). */
#ifndef ZDIAG_TRACE_SECCOMP_INT_H
#define ZDIAG_TRACE_SECCOMP_INT_H

#include <linux/filter.h>
#include <stddef.h>

#include "zdiag/syscall.h"

/*
 * Build a filter that returns SECCOMP_RET_TRACE for the syscalls in trap
 * and SECCOMP_RET_ALLOW for every other one (other architectures too),
 * with libseccomp.  On success fills prog (prog->filter is malloc'ed;
 * free it) and returns 0; else -errno and a reason in why.
 */
int zd_seccomp_build(const struct zd_scset *trap, struct sock_fprog *prog, char *why, size_t whysize);

/* In the child before exec: install prog, setting no_new_privs only if
 * the kernel demands it.  Async-signal-safe.  Returns 0 or -errno. */
int zd_seccomp_install(const struct sock_fprog *prog);

#endif
