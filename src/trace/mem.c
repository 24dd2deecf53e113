/*
 * Reading tracee memory: process_vm_readv of whole buffers (one syscall),
 * falling back to PTRACE_PEEKDATA, one word per call, where the kernel
 * refuses process_vm_readv (ENOSYS, or EPERM under some security modules)
 * or when asked (zd_umove_peek_only: zdiag trace --ptrace=classic).
 * PEEKDATA reads strings word by word up to their NUL.
 */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "zdiag/decode.h"

#define PAGE 4096UL

static int vm_readv_broken;   /* PEEKDATA only: process_vm_readv failed, or asked */
static int vm_readv_errno;    /* how process_vm_readv failed (ENOSYS, EPERM) */
static zd_umove_fn *test_reader; /* zd_umove_set_reader: the test seam */

void
zd_umove_set_reader(zd_umove_fn *reader)
{
	test_reader = reader;
}

void
zd_umove_peek_only(bool peek)
{
	vm_readv_broken = peek;
	vm_readv_errno = 0;
}

int
zd_umove_fallback_errno(void)
{
	return vm_readv_errno;
}

/*
 * Copy len bytes at addr with PTRACE_PEEKDATA, word by word; with to_nul,
 * stop after the word holding a NUL (*nul then says where it is, relative
 * to buf, or stays -1).  Returns the bytes copied (short at an unreadable
 * word) or -errno when the first word is unreadable.
 */
static ssize_t
peek_copy(pid_t tid, uint64_t addr, unsigned char *buf, size_t len, bool to_nul, ssize_t *nul)
{
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done;
		uint64_t aligned = a & ~7ULL;
		size_t off = (size_t)(a - aligned);
		size_t n = ZD_MIN(8 - off, len - done);
		unsigned char *z;
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, (void *)aligned, NULL);
		if (errno) {
			if (done)
				break;
			return errno == EIO ? -EFAULT : -errno;
		}
		memcpy(buf + done, (unsigned char *)&word + off, n);
		if (to_nul && (z = memchr(buf + done, '\0', n))) {
			*nul = z - buf;
			return (ssize_t)(done + n);
		}
		done += n;
	}
	return (ssize_t)done;
}

static ssize_t
peek_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	return peek_copy(tid, addr, buf, len, false, NULL);
}

/* A string with PEEKDATA: word by word, up to its NUL (not to max). */
static ssize_t
peek_str(pid_t tid, uint64_t addr, char *buf, size_t max, bool *terminated)
{
	ssize_t nul = -1, r = peek_copy(tid, addr, (unsigned char *)buf, max, true, &nul);

	if (r < 0)
		return r;
	if (nul >= 0) {
		*terminated = true;
		return nul;
	}
	buf[r] = '\0';
	return r;
}

ssize_t
zd_umove(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (!len)
		return 0;
	if (!addr)
		return -EFAULT;
	if (test_reader)
		return test_reader(tid, addr, buf, len);
	if (!vm_readv_broken) {
		n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
		if (n >= 0)
			return n;
		if (errno == ENOSYS || errno == EPERM) {
			vm_readv_errno = errno;
			vm_readv_broken = 1;
		} else if (errno == EFAULT) {
			/* Partly mapped: read what lies before the first hole, page
			 * by page (process_vm_readv stops at no partial page). */
			size_t done = 0;

			while (done < len) {
				size_t chunk = ZD_MIN(len - done, PAGE - ((addr + done) & (PAGE - 1)));
				struct iovec l2 = { (char *)buf + done, chunk };
				struct iovec r2 = { (void *)(uintptr_t)(addr + done), chunk };

				n = process_vm_readv(tid, &l2, 1, &r2, 1, 0);
				if (n <= 0)
					break;
				done += (size_t)n;
				if ((size_t)n < chunk)
					break;
			}
			return done ? (ssize_t)done : -EFAULT;
		} else {
			return -errno;
		}
	}
	return peek_read(tid, addr, buf, len);
}

ssize_t
zd_umove_str(pid_t tid, uint64_t addr, char *buf, size_t max, bool *terminated)
{
	size_t done = 0;

	*terminated = false;
	buf[0] = '\0';
	if (!addr)
		return -EFAULT;
	if (vm_readv_broken && !test_reader) {
		ssize_t n = peek_str(tid, addr, buf, max, terminated);

		if (n < 0)
			buf[0] = '\0';
		return n;
	}
	/* Read up to each page end, so an unmapped next page cannot make a
	 * string that ends before it unreadable. */
	while (done < max) {
		size_t chunk = ZD_MIN(max - done, PAGE - ((addr + done) & (PAGE - 1)));
		ssize_t n = zd_umove(tid, addr + done, buf + done, chunk);
		char *nul;

		if (n <= 0) {
			if (!done)
				return n < 0 ? n : -EFAULT;
			break;
		}
		nul = memchr(buf + done, '\0', (size_t)n);
		if (nul) {
			*terminated = true;
			return nul - buf;
		}
		done += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	buf[done] = '\0';
	return (ssize_t)done;
}
