/* Internals shared by the files under src/check/ (not a public API). */
#ifndef ZDIAG_CHECK_INT_H
#define ZDIAG_CHECK_INT_H

#include "zdiag/check.h"
#include "zdiag/procfs.h"

/*
 * The probe's side of the report pipe.  Records are
 *	type (1 byte) | length (2 bytes, little endian) | text
 * and at most ZD_CHECK_REC_MAX bytes of text, so one record is one write()
 * below PIPE_BUF and never interleaves.
 */
struct zd_check_ctx {
	int fd;                        /* write end; -1 in the probe's children */
	const struct zd_probe *probe;
	long long deadline_ns;         /* CLOCK_MONOTONIC */
	long long timeout_ms;
	char expected[512];
	bool failed, skipped;
};

#define ZD_CHECK_REC_MAX 1024

enum zd_check_rec {
	ZD_REC_EXPECTED = 'E',
	ZD_REC_FAIL = 'F',             /* observed */
	ZD_REC_SKIP = 'K',
	ZD_REC_STEP = 'S',
	ZD_REC_NOTE = 'N',
	ZD_REC_PASS = 'P',
};

void zd_check_send_rec(struct zd_check_ctx *c, char type, const char *text);
/* /proc/PID/status of pid: 0 or -errno. */
int zd_check_read_status(pid_t pid, struct zd_status *st);
long long zd_check_now_ns(void);
void zd_check_sleep_ms(long long ms);

/* The probe tables, one per area, each ended by an all-zero entry. */
extern const struct zd_probe zd_check_procfs_probes[];
extern const struct zd_probe zd_check_wait_probes[];
extern const struct zd_probe zd_check_zombies_probes[];
extern const struct zd_probe zd_check_threads_probes[];
extern const struct zd_probe zd_check_orphans_probes[];
extern const struct zd_probe zd_check_ptrace_probes[];
extern const struct zd_probe zd_check_pidns_probes[];

/* Helpers shared by several areas (check_kit.c). */

/* A child that blocks reading `fd` and then _exit()s with the byte read
 * (or 0 on EOF). */
pid_t zd_check_fork_waiter(struct zd_check_ctx *c, int fd);
/* A child that exits with code at once; returns its pid once it is a
 * zombie (waitid(WNOWAIT)), or -1 with the failure recorded. */
pid_t zd_check_make_zombie(struct zd_check_ctx *c, int code);
/* Skip when /proc is not mounted. */
int zd_check_need_proc(struct zd_check_ctx *c);
/* "CLD_EXITED", ... */
const char *zd_check_cld_name(int code);
/* waitpid() that retries on EINTR. */
pid_t zd_check_waitpid(pid_t pid, int *status, int options);
/* Enter a new PID namespace for the probe's next child: unshare(CLONE_NEWPID),
 * falling back to a new user namespace as well when not privileged.
 * Returns ZD_CHECK_PASS, or SKIP with the reason recorded. */
int zd_check_unshare_pidns(struct zd_check_ctx *c);
/* Whether ptrace works at all here; SKIP with the reason if not. */
int zd_check_ptrace_usable(struct zd_check_ctx *c);

#endif
