/*
 * A seccomp filter, evaluated as the kernel would: classic BPF over struct
 * seccomp_data.  Used before injecting a system call into a process that
 * runs under a filter (zdiag reap): a call the filter would refuse, trap or
 * punish with SIGSYS must not be made at all.
 *
 *	struct seccomp_data d = { .nr = __NR_waitid, .arch = AUDIT_ARCH_X86_64 };
 *	uint32_t act = zd_seccomp_eval(prog, n, &d);
 *	if ((act & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW) ...
 *
 * Programs come from PTRACE_SECCOMP_GET_FILTER; nothing here trusts them:
 * an instruction the kernel's checker would reject, a jump out of the
 * program or a fall off its end gives SECCOMP_RET_KILL_PROCESS.
 */
#ifndef ZDIAG_SECCOMP_H
#define ZDIAG_SECCOMP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

uint32_t zd_seccomp_eval(const struct sock_filter *prog, size_t n, const struct seccomp_data *d);

/* True when the action lets the call run (ALLOW, LOG). */
int zd_seccomp_allows(uint32_t action);

#endif
