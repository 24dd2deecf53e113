/*
 * x86-64 syscall names, generated at build time from <asm/unistd_64.h>
 * by src/gen/gen-sysnames.sh (build/gen/sysnames.h).  This is the one name
 * table: richer tables (argument kinds, classes) key on these numbers.
 */
#ifndef ZDIAG_SYSNAME_H
#define ZDIAG_SYSNAME_H

/* Name of syscall nr, or NULL when the headers have none. */
const char *zd_sysname(long nr);
/* Number of the named syscall, or -1. */
long zd_sysnr(const char *name);
/* One past the highest numbered syscall in the table. */
long zd_sysname_limit(void);

/* Well-known numbers used by scan (checked against the table in tests). */
#define ZD_NR_WAIT4 61
#define ZD_NR_WAITID 247
#define ZD_NR_VFORK 58

#endif
