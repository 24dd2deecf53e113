/*
 * The x86-64 syscall table of zdiag trace: for every syscall number its
 * name (from the generated name table, include/zdiag/sysname.h), its
 * argument count, its classes (-e trace=%file ...), how its return value
 * prints and how its arguments decode.  Generated at build time from
 * src/trace/syscalls.in by src/gen/gen-syscalls.sh.
 *
 * Also: sets of syscalls, as selected by strace's -e trace=SET syntax.
 */
#ifndef ZDIAG_SYSCALL_H
#define ZDIAG_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zd_call;
struct zd_sb;
struct zd_xlat_tab;

/* Classes, as in strace (-e trace=%file and friends). */
enum zd_sc_class {
	ZD_SCC_FILE = 1u << 0,    /* takes a file name */
	ZD_SCC_DESC = 1u << 1,    /* takes or returns a file descriptor */
	ZD_SCC_PROCESS = 1u << 2, /* process lifecycle */
	ZD_SCC_NET = 1u << 3,     /* sockets */
	ZD_SCC_SIGNAL = 1u << 4,
	ZD_SCC_MEMORY = 1u << 5,  /* mappings */
	ZD_SCC_IPC = 1u << 6,     /* SysV IPC */
	ZD_SCC_CREDS = 1u << 7,   /* user and group ids, capabilities */
	ZD_SCC_CLOCK = 1u << 8,   /* read or change clocks */
	ZD_SCC_STAT = 1u << 9,    /* stat variants */
	ZD_SCC_LSTAT = 1u << 10,
	ZD_SCC_FSTAT = 1u << 11,
	ZD_SCC_STATFS = 1u << 12,
	ZD_SCC_FSTATFS = 1u << 13,
	ZD_SCC_PURE = 1u << 14,   /* no arguments, always succeed (getpid) */
	ZD_SCC_STATFS_LIKE = 1u << 15, /* ustat: only in %%statfs, with statfs and fstatfs */
};

/* How the return value prints. */
enum zd_ret_kind {
	ZD_RET_D,   /* decimal */
	ZD_RET_X,   /* hex (mmap, brk) */
	ZD_RET_O,   /* octal (umask) */
	ZD_RET_FD,  /* a new file descriptor (-y shows its path) */
	ZD_RET_U,   /* unsigned decimal */
	ZD_RET_PID, /* a process or thread id (-Y shows its command name) */
};

/* Argument kinds of the generic decoder (see src/trace/syscalls.in). */
enum zd_arg_kind {
	ZD_AK_RAW = 0,  /* hex; also "no argument list given" */
	ZD_AK_D, ZD_AK_U, ZD_AK_LD, ZD_AK_LU, ZD_AK_X, ZD_AK_P, ZD_AK_O,
	ZD_AK_FD, ZD_AK_DFD, ZD_AK_PATH, ZD_AK_STR, ZD_AK_BUF,
	ZD_AK_FLAGS, ZD_AK_XVAL, ZD_AK_SIG, ZD_AK_SIGSET,
	ZD_AK_STAT, ZD_AK_STATFS, ZD_AK_TS, ZD_AK_TV, ZD_AK_ITS, ZD_AK_ITV,
	ZD_AK_RLIM, ZD_AK_UTS, ZD_AK_TZ, ZD_AK_FDPAIR, ZD_AK_INTP, ZD_AK_TMS,
	ZD_AK_SYSINFO, ZD_AK_RUSAGE,
	ZD_AK_PID,      /* a process or thread id (-Y: 1234<sleep>) */
};

struct zd_argdesc {
	uint8_t kind;    /* enum zd_arg_kind */
	uint8_t out;     /* printed when the call returns */
	uint8_t param;   /* index of a related argument (buffer length, set size) */
	const struct zd_xlat_tab *xlat;
};

/*
 * A decoder: called at entry (c->exiting false) and, if it returned
 * ZD_DEC_MORE, again at exit.  It prints arguments with the helpers of
 * src/trace/dec.h.
 */
typedef int zd_decode_fn(struct zd_call *c, struct zd_sb *sb);

struct zd_sysent {
	const char *name;
	uint8_t nargs;
	uint8_t ret;            /* enum zd_ret_kind */
	uint16_t classes;       /* enum zd_sc_class */
	zd_decode_fn *decode;   /* NULL: the generic decoder over args[] */
	struct zd_argdesc args[6];
};

/* The entry for nr, or NULL for a number the table does not know. */
const struct zd_sysent *zd_sysent(long nr);
/* One past the highest number in the table. */
long zd_sysent_limit(void);

/* ---------------------------------------------------------------- */
/* Sets of syscalls                                                  */

#define ZD_SC_NMAX 512   /* numbers below this are in the bitmap */

struct zd_scset {
	uint64_t bits[ZD_SC_NMAX / 64];
	bool others;         /* numbers outside the table (unknown syscalls) */
};

static inline bool
zd_scset_has(const struct zd_scset *s, long nr)
{
	if (nr < 0 || nr >= ZD_SC_NMAX)
		return s->others;
	return (s->bits[nr >> 6] >> (nr & 63)) & 1;
}

void zd_scset_clear(struct zd_scset *s);
void zd_scset_fill(struct zd_scset *s);
void zd_scset_add(struct zd_scset *s, long nr);
void zd_scset_del(struct zd_scset *s, long nr);
/* Number of table syscalls in the set. */
size_t zd_scset_count(const struct zd_scset *s);
/* Whether every syscall the table knows is in the set. */
bool zd_scset_full(const struct zd_scset *s);

/*
 * Parse strace's SET syntax into s (replacing it): a comma-separated list
 * of syscall names, %CLASS (file desc process net network signal memory
 * ipc creds clock stat lstat fstat %stat statfs fstatfs %statfs pure; the
 * plain old names "file", "process" ... too), /REGEX (extended, matched
 * against names), ?NAME (no error if unknown), "all" and "none"; a
 * leading '!' negates the whole set.  On error returns -EINVAL and
 * writes a one-line reason to err ("unknown syscall 'opne'").
 */
int zd_scset_parse(struct zd_scset *s, const char *spec, char *err, size_t errsize);

/* ---------------------------------------------------------------- */
/* Sets of file descriptors                                          */

/* A set of file descriptors (-e read=, -e write=). */
#define ZD_FDSET_MAX 4096   /* descriptors from 0 to this - 1 */
struct zd_fdset {
	uint64_t bits[ZD_FDSET_MAX / 64];
};

static inline bool
zd_fdset_has(const struct zd_fdset *s, int fd)
{
	return fd >= 0 && fd < ZD_FDSET_MAX && ((s->bits[fd / 64] >> (fd % 64)) & 1);
}

/*
 * strace's descriptor set syntax into s (replacing it): numbers separated
 * by commas, "all", "none", a leading '!' negating the whole set.
 * Returns -EINVAL (err: "invalid descriptor 'x'") on error.
 */
int zd_fdset_parse(struct zd_fdset *s, const char *spec, char *err, size_t errsize);

#endif
