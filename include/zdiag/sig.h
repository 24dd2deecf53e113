/*
 * Signal and errno names (from glibc's sigabbrev_np/strerrorname_np), and
 * wait-status rendering, shared by scan, trace, attach and check.
 */
#ifndef ZDIAG_SIG_H
#define ZDIAG_SIG_H

#include <stddef.h>

/* "SIGCHLD", "SIGRTMIN+3", or "SIG99": a static or thread-local string. */
const char *zd_signame(int sig);
/* Parse "CHLD", "SIGCHLD", "sigchld", "17", "RTMIN+2": signal number or -1. */
int zd_sigparse(const char *s);
/* "ENOENT", or NULL for an unknown errno value. */
const char *zd_errname(int err);
/*
 * Render a wait(2) status: "exited 7", "killed by SIGKILL",
 * "killed by SIGSEGV (core dumped)", "stopped by SIGSTOP", "continued".
 */
void zd_wait_status_str(int status, char *buf, size_t size);
/* A signal mask (bit N-1 = signal N) as "SIGINT|SIGCHLD", or "none". */
void zd_sigmask_str(unsigned long long mask, char *buf, size_t size);

#endif
