/* x86-64 debug registers (include/zdiag/debugreg.h). */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdiag/debugreg.h"

int
zd_dr7_encode(uint64_t *dr7, unsigned slot, enum zd_dr_type type, unsigned len, uint64_t addr)
{
	uint64_t lenbits, v;

	if (slot >= ZD_DR_SLOTS || (type != ZD_DR_EXEC && type != ZD_DR_WRITE && type != ZD_DR_RW))
		return -EINVAL;
	switch (len) {
	case 1: lenbits = 0; break;
	case 2: lenbits = 1; break;
	case 8: lenbits = 2; break;
	case 4: lenbits = 3; break;
	default: return -EINVAL;
	}
	if (addr % len || (type == ZD_DR_EXEC && len != 1))
		return -EINVAL;
	v = zd_dr7_clear(*dr7, slot);
	v |= 1ULL << (2 * slot);
	v |= ((uint64_t)type | lenbits << 2) << (16 + 4 * slot);
	*dr7 = v;
	return 0;
}

uint64_t
zd_dr7_clear(uint64_t dr7, unsigned slot)
{
	if (slot >= ZD_DR_SLOTS)
		return dr7;
	return dr7 & ~(3ULL << (2 * slot)) & ~(0xfULL << (16 + 4 * slot));
}

unsigned
zd_dr6_fired(uint64_t dr6)
{
	return (unsigned)(dr6 & 0xf);
}

int
zd_dr_split(uint64_t addr, uint64_t len, uint64_t *paddr, unsigned *plen, int max)
{
	int n = 0;

	while (len) {
		unsigned size = 8;

		while (size > 1 && (addr % size || size > len))
			size /= 2;
		if (n == max)
			return -ENOSPC;
		paddr[n] = addr;
		plen[n] = size;
		n++;
		addr += size;
		len -= size;
	}
	return n;
}

static long
dr_offset(unsigned n)
{
	return (long)(offsetof(struct user, u_debugreg) + n * sizeof(((struct user *)0)->u_debugreg[0]));
}

int
zd_dr_peek(pid_t tid, unsigned n, uint64_t *v)
{
	long r;

	if (n > 7)
		return -EINVAL;
	errno = 0;
	r = ptrace(PTRACE_PEEKUSER, tid, (void *)dr_offset(n), NULL);
	if (r == -1 && errno)
		return -errno;
	*v = (uint64_t)r;
	return 0;
}

int
zd_dr_poke(pid_t tid, unsigned n, uint64_t v)
{
	if (n > 7)
		return -EINVAL;
	if (ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(n), (void *)v) < 0)
		return -errno;
	return 0;
}

static volatile int probe_var;

/* waitpid with a deadline (SIGCHLD may be blocked: poll). */
static int
probe_wait(pid_t child, int *st, long long timeout_ms)
{
	struct timespec ts = { 0, 200000 };
	long long waited_us = 0;

	for (;;) {
		pid_t r = waitpid(child, st, WNOHANG | __WALL);

		if (r == child)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (waited_us / 1000 > timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
		waited_us += 200;
	}
}

int
zd_dr_probe(long long timeout_ms)
{
	uint64_t dr7 = 0, back = 0, dr6 = 0;
	pid_t child;
	int st, ret;

	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		raise(SIGSTOP);
		probe_var = 1;
		_exit(0);
	}
	ret = probe_wait(child, &st, timeout_ms);
	if (ret < 0 || !WIFSTOPPED(st)) {
		ret = ret < 0 ? ret : -ECHILD;
		goto out;
	}
	zd_dr7_encode(&dr7, 0, ZD_DR_WRITE, sizeof(probe_var), (uint64_t)(uintptr_t)&probe_var);
	if ((ret = zd_dr_poke(child, 0, (uint64_t)(uintptr_t)&probe_var)) < 0 || (ret = zd_dr_poke(child, 7, dr7)) < 0)
		goto out;
	if ((ret = zd_dr_peek(child, 7, &back)) < 0)
		goto out;
	if ((back & 0xffff0003) != (dr7 & 0xffff0003)) {
		ret = -EIO;
		goto out;
	}
	if (ptrace(PTRACE_CONT, child, NULL, NULL) < 0) {
		ret = -errno;
		goto out;
	}
	ret = probe_wait(child, &st, timeout_ms);
	if (ret < 0)
		goto out;
	ret = 0;
	if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && zd_dr_peek(child, 6, &dr6) == 0 && (zd_dr6_fired(dr6) & 1))
		ret = 1;
out:
	kill(child, SIGKILL);
	while (waitpid(child, &st, __WALL) < 0 && errno == EINTR)
		;
	return ret;
}
