/*
 * ELF core files of a live process (gdb's gcore, zdiag's `gcore` and
 * `attach PID --core FILE`), laid out as the kernel writes them
 * (fs/binfmt_elf.c): an ET_CORE header, one PT_NOTE, then one PT_LOAD per
 * mapping, in address order; memory at page-aligned offsets.
 *
 * Notes, in the kernel's order: per thread NT_PRSTATUS, NT_FPREGSET,
 * NT_X86_XSTATE; after the first thread's NT_PRSTATUS come the process's
 * NT_PRPSINFO, NT_SIGINFO, NT_AUXV and NT_FILE; NT_X86_XSAVE_LAYOUT (where
 * the XSTATE components lie, Linux 6.11+) comes last.
 *
 * Which mappings get their memory written follows /proc/PID/coredump_filter
 * and the kernel's vma_dump_size() (core(5)), with what /proc/PID/smaps
 * says of each mapping: VmFlags dd (VM_DONTDUMP) and io write nothing, ht
 * (hugetlb) follows bits 5/6, shared mappings bit 1 (anonymous: deleted or
 * no file) or bit 3, private ones with anonymous pages bit 0, other file
 * mappings bit 2, or only their first page under bit 4 when it is an ELF
 * header (or the file is executable).  The kernel's special mappings
 * ([vdso], [vvar], [vsyscall], ...) are always written.  Every mapping has its PT_LOAD (p_filesz 0 when not written).
 * Pages that cannot be read (guard pages, [vvar]) are written as zeros;
 * zero pages become holes when fd is a regular file.
 *
 *	struct zd_core_thread th[n];     // tid + regs from PTRACE_GETREGS
 *	for (i = 0; i < n; i++)
 *		zd_core_thread_read(&th[i]);     // FP, XSTATE, siginfo (stopped)
 *	struct zd_core_src src = { .pid = pid, .memtid = live_tid, .th = th, .nth = n,
 *				   .filter = -1 };
 *	struct zd_core_stats st;
 *	ret = zd_core_write(&src, fd, &st);
 *	zd_core_thread_release(...);
 *
 * The threads must be ptrace-stopped by the caller while zd_core_thread_read
 * and zd_core_write run (the memory is read then too: a consistent image).
 * Nothing prints.  Memory is streamed through a fixed buffer; no allocation
 * depends on a size the target controls without a bound.
 */
#ifndef ZDIAG_CORE_H
#define ZDIAG_CORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct zd_core_thread {
	pid_t tid;
	struct user_regs_struct regs;     /* filled by the caller */
	int cursig;                       /* a signal this thread stopped with, 0 if none */
	/* Filled by zd_core_thread_read: */
	struct user_fpregs_struct fpregs;
	bool have_fp;
	void *xstate;                     /* NT_X86_XSTATE bytes (malloc'd), or NULL */
	size_t xstate_len;
	siginfo_t si;                     /* zeroed unless cursig's siginfo was read */
};

/* PTRACE_GETFPREGS, PTRACE_GETREGSET NT_X86_XSTATE and, when cursig is
 * set, PTRACE_GETSIGINFO for a ptrace-stopped thread.  Returns 0 or -errno
 * (only when FP registers cannot be read at all). */
int zd_core_thread_read(struct zd_core_thread *t);
void zd_core_thread_release(struct zd_core_thread *t);

struct zd_core_src {
	pid_t pid;                 /* thread-group id (the leader may be a zombie) */
	pid_t memtid;              /* a live thread: its /proc/TID maps, smaps, auxv, mem */
	const struct zd_core_thread *th;
	size_t nth;                /* th[0] is written first (gdb's current thread) */
	long long filter;          /* coredump_filter bits; -1: read /proc/TID/coredump_filter */
};

struct zd_core_stats {
	unsigned long filter;      /* the coredump_filter used */
	size_t nthreads;
	size_t nsegs;              /* PT_LOAD headers */
	size_t nsegs_written;      /* ... with memory */
	uint64_t mem_bytes;        /* memory written (holes included) */
	uint64_t unreadable_bytes; /* written as zeros: the process could not be read there */
	uint64_t file_size;        /* the core's size */
};

/* Bits of /proc/PID/coredump_filter (core(5)). */
enum {
	ZD_CORE_ANON_PRIVATE = 1 << 0,
	ZD_CORE_ANON_SHARED = 1 << 1,
	ZD_CORE_MAPPED_PRIVATE = 1 << 2,
	ZD_CORE_MAPPED_SHARED = 1 << 3,
	ZD_CORE_ELF_HEADERS = 1 << 4,
	ZD_CORE_HUGETLB_PRIVATE = 1 << 5,
	ZD_CORE_HUGETLB_SHARED = 1 << 6,
	ZD_CORE_FILTER_DEFAULT = 0x33,
};

/*
 * Write the core to fd (at its current offset 0; a regular file gets
 * holes for zero pages).  Returns 0, or -errno: -ESRCH the process is
 * gone, -EIO/-ENOSPC/... writing fd, -EINVAL no threads.
 */
int zd_core_write(const struct zd_core_src *src, int fd, struct zd_core_stats *st);

/* How many bytes of a mapping vma_dump_size() would write (exposed for
 * tests).  flags: VmFlags words of smaps as a bitmask of ZD_VMF_*. */
enum {
	ZD_VMF_SHARED = 1 << 0,   /* sh */
	ZD_VMF_DONTDUMP = 1 << 1, /* dd */
	ZD_VMF_IO = 1 << 2,       /* io */
	ZD_VMF_HUGETLB = 1 << 3,  /* ht */
	ZD_VMF_READ = 1 << 4,     /* rd */
};

struct zd_core_vma {
	uint64_t start, end, pgoff;
	unsigned vmflags;          /* ZD_VMF_* */
	bool has_file;             /* a file behind it (NT_FILE lists it) */
	bool anon_file;            /* shared anonymous memory: the file is deleted or /dev/zero, memfd, SysV */
	bool special;              /* [vdso], [vvar], [vsyscall], [uprobes]: always written */
	bool anon_pages;           /* smaps Anonymous > 0 (the kernel's vma->anon_vma) */
	bool elf_head;             /* its first page is an ELF header or the file is executable */
};

uint64_t zd_core_dump_size(const struct zd_core_vma *v, unsigned long filter);

#endif
