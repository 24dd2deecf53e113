/*
 * Reading /proc (or a /proc-shaped tree given with --proc-root).
 *
 * Every reader works relative to a directory fd: the proc root, a held
 * per-pid directory fd, or a task/TID directory fd.  Once a pid directory
 * is open, every later read through it refers to the same process: after
 * the process is reaped they fail with ESRCH (even if the pid is reused),
 * which zd_proc_gone() recognises.  Identity is (pid, starttime).
 *
 * All functions return 0 (or a byte count) on success and -errno on
 * failure; nothing here prints or exits.
 */
#ifndef ZDIAG_PROCFS_H
#define ZDIAG_PROCFS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdiag/strbuf.h"

#define ZD_COMM_MAX 64   /* kernel threads may have up to 63 bytes */
#define ZD_NS_MAX 32     /* maximum PID-namespace nesting (kernel: 32) */

/* Bits of the signal masks in /proc/PID/status: signal N is bit N-1. */
#define ZD_SIGBIT(n) (1ULL << ((n) - 1))

/* PF_* flags from stat field 9 that zdiag uses. */
#define ZD_PF_EXITING 0x00000004u
#define ZD_PF_KTHREAD 0x00200000u

struct zd_procfs {
	int rootfd;     /* O_DIRECTORY fd of the proc root */
	char *root;     /* its path, for messages */
	bool live;      /* the live /proc of this machine (not a fixture tree) */
};

/* Open root (NULL: "/proc").  Returns 0 or -errno. */
int zd_procfs_open(struct zd_procfs *pfs, const char *root);
void zd_procfs_close(struct zd_procfs *pfs);

/* True for the errors that mean "the task is gone" (ENOENT, ESRCH). */
static inline bool
zd_proc_gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/*
 * Numeric entries of directory `sub` under dirfd ("." for the root, "task"
 * for a pid directory), sorted ascending.  *out is malloc'ed (caller frees).
 * Returns 0 or -errno, also when reading the directory fails midway (no
 * partial list).
 */
int zd_proc_list(int dirfd, const char *sub, pid_t **out, size_t *n);

/* openat(dirfd, "PID" or "task/TID", O_DIRECTORY): a held pid directory. */
int zd_proc_open_pid(const struct zd_procfs *pfs, pid_t pid);
int zd_proc_open_task(int piddirfd, pid_t tid);

/*
 * Read a whole small file at dirfd/path into buf (NUL-terminated, at most
 * size-1 bytes) with a single read when it fits.  Returns the byte count
 * or -errno.  Three syscalls: openat, read, close.
 */
ssize_t zd_read_small(int dirfd, const char *path, char *buf, size_t size);
/*
 * Read a whole file into sb (replacing its contents), up to
 * ZD_READ_FILE_MAX bytes: a longer one (a crafted tree, /dev/zero) gives
 * -EFBIG with the first ZD_READ_FILE_MAX bytes in sb.  Both readers open
 * with O_NONBLOCK, so a FIFO in a fixture tree reads as empty.
 */
#define ZD_READ_FILE_MAX (64u << 20)
int zd_read_file(int dirfd, const char *path, struct zd_sb *sb);

/* /proc/PID/stat, fields per proc(5) (1-based numbers in comments). */
struct zd_stat {
	pid_t pid;                 /* (1) */
	char comm[ZD_COMM_MAX + 1];/* (2) raw bytes: may hold spaces, ')', newlines */
	char state;                /* (3) R S D Z T t X I P W K */
	pid_t ppid;                /* (4) */
	pid_t pgrp;                /* (5) */
	pid_t session;             /* (6) */
	unsigned flags;            /* (9) PF_* */
	unsigned long long utime;  /* (14) clock ticks */
	unsigned long long stime;  /* (15) */
	long num_threads;          /* (20) */
	unsigned long long starttime; /* (22) clock ticks after boot */
	unsigned long long wchan;  /* (35) 0/1 since 5.16 */
	int exit_signal;           /* (38), -1 if absent */
	int processor;             /* (39) */
	int exit_code;             /* (52) wait status; valid if has_exit_code */
	bool has_exit_code;
};

/*
 * Parse a stat line.  comm is taken between the first '(' and the LAST ')'
 * so a comm like "x) Z 1 1 (y" cannot fool it.  Fields up to starttime (22)
 * are required (-EINVAL if truncated); later ones are optional.
 */
int zd_stat_parse(const char *buf, size_t len, struct zd_stat *st);
int zd_proc_read_stat(int dirfd, struct zd_stat *st);

/* /proc/PID/status: the fields zdiag uses. */
struct zd_status {
	char name[2 * ZD_COMM_MAX + 1]; /* as printed (kernel escapes \n as "\\n") */
	char state;
	pid_t tgid, pid, ppid, tracer;
	uid_t ruid, euid;
	long threads;
	int nspid_n;                 /* 0 if the kernel has no NSpid line */
	pid_t nspid[ZD_NS_MAX];      /* outermost (this /proc's view) first */
	int nspgid_n;
	pid_t nspgid[ZD_NS_MAX];
	bool has_sig;
	uint64_t sigpnd, shdpnd, sigblk, sigign, sigcgt;
	int seccomp;                 /* 0 none, 1 strict, 2 filter (-1: no such line) */
};

int zd_status_parse(const char *buf, struct zd_status *st);
int zd_proc_read_status(int dirfd, struct zd_status *st);

/* /proc/PID/syscall */
enum zd_sc_kind {
	ZD_SC_UNKNOWN = 0,
	ZD_SC_RUNNING,   /* "running" */
	ZD_SC_NONE,      /* "-1 sp pc": blocked, but not in a syscall */
	ZD_SC_IN,        /* blocked in syscall nr with args */
};

struct zd_scstate {
	enum zd_sc_kind kind;
	long nr;
	uint64_t args[6];
	uint64_t sp, pc;
};

int zd_syscall_parse(const char *buf, struct zd_scstate *sc);
int zd_proc_read_syscall(int dirfd, struct zd_scstate *sc);

/* /proc/PID/wchan: the symbol, or "" for "0" (running, or not permitted). */
int zd_proc_read_wchan(int dirfd, char *buf, size_t size);

/*
 * /proc/PID/stack as frames "func+0x1c/0x90" (the "[<0>] " prefix and the
 * final 0xffffffffffffffff line removed), one per line in sb.
 */
int zd_proc_read_stack(int dirfd, struct zd_sb *sb);
/* The same for the text of a stack file already read (len bytes). */
void zd_stack_parse(const char *text, size_t len, struct zd_sb *sb);

/* /proc/PID/cmdline with NULs turned into spaces (trailing NUL dropped). */
int zd_proc_read_cmdline(int dirfd, struct zd_sb *sb);

/* A single unsigned number from a file (e.g. "sys/kernel/pid_max"). */
int zd_read_ull(int dirfd, const char *path, unsigned long long *out);

/* Field 4 of /proc/loadavg ("running/total"): total tasks, zombies included. */
int zd_procfs_tasks_total(const struct zd_procfs *pfs, unsigned long long *out);

/* Name of a process state letter ("sleeping", "zombie", ...). */
const char *zd_state_name(char state);

#endif
