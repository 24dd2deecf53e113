/*
 * -e read=SET, -e write=SET: hex and ASCII dumps of the data a call read
 * or wrote, line for line as strace 6.1 prints them (dumpio, dumpstr and
 * dumpiov_upto in its src/syscall.c and src/util.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "dec.h"
#include "zdiag/xalloc.h"

enum {
	ROW = 16,               /* bytes per line */
	CHUNK = 1 << 16,        /* bytes read from the tracee at a time */
};

/* One buffer: " | 00000  68 65 ...  hello.     |" lines. */
static void
dump_buf(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char *buf;
	int width = 5;
	uint64_t off;

	if (!len || addr + len < addr)
		return;
	if (len > ZD_DEC_STRMAX)    /* the tracee chose len: the cap of -s 0 */
		len = ZD_DEC_STRMAX;
	if (len > (1u << 20)) {     /* offsets wider than 5 digits, as strace */
		uint64_t v = len - 1;

		for (width = 0; v; v >>= 4)
			width++;
	}
	buf = zd_xmalloc(CHUNK);
	for (off = 0; off < len; off += ROW) {
		char line[ROW * 4 + 4], *o = line;
		size_t row = len - off < ROW ? (size_t)(len - off) : ROW;
		const unsigned char *p = buf + off % CHUNK;
		size_t i;

		if (off % CHUNK == 0) {
			size_t want = len - off < CHUNK ? (size_t)(len - off) : CHUNK;

			if (zd_umove(c->tid, addr + off, buf, want) != (ssize_t)want) {
				if (off)
					zd_sb_addf(sb, " | <Cannot fetch %zu byte%s from pid %d @%#llx>\n",
						   want, want == 1 ? "" : "s", (int)c->tid,
						   (unsigned long long)(addr + off));
				break;
			}
		}
		for (i = 0; i < ROW; i++) {
			*o++ = i < row ? hexd[p[i] >> 4] : ' ';
			*o++ = i < row ? hexd[p[i] & 15] : ' ';
			*o++ = ' ';
			if (i % 8 == 7)
				*o++ = ' ';
		}
		for (i = 0; i < ROW; i++)
			*o++ = i < row ? (p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.') : ' ';
		zd_sb_addf(sb, " | %0*llx  %.*s |\n", width, (unsigned long long)off, (int)(o - line), line);
	}
	free(buf);
}

/* The buffers of an iovec array of cnt entries at addr, up to size bytes. */
static void
dump_iov(const struct zd_call *c, struct zd_sb *sb, uint64_t cnt, uint64_t addr, uint64_t size)
{
	struct iovec *iov;
	uint64_t i;

	if (!cnt || cnt > 1024)     /* UIO_MAXIOV */
		return;
	iov = zd_xmalloc(cnt * sizeof(*iov));
	if (zd_umove(c->tid, addr, iov, cnt * sizeof(*iov)) == (ssize_t)(cnt * sizeof(*iov))) {
		for (i = 0; i < cnt; i++) {
			uint64_t n = iov[i].iov_len;

			if (n > size)
				n = size;
			if (!n)
				break;
			size -= n;
			zd_sb_addf(sb, " * %llu bytes in buffer %llu\n",
				   (unsigned long long)n, (unsigned long long)i);
			dump_buf(c, sb, (uint64_t)(uintptr_t)iov[i].iov_base, n);
		}
	}
	free(iov);
}

static void
dump_msghdr(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t size)
{
	struct msghdr m;

	if (addr && zd_umove(c->tid, addr, &m, sizeof(m)) == sizeof(m))
		dump_iov(c, sb, m.msg_iovlen, (uint64_t)(uintptr_t)m.msg_iov, size);
}

/* sendmmsg, recvmmsg: the first rval messages of the vector. */
static void
dump_mmsghdr(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	uint64_t n = c->rval > 0 ? (uint64_t)c->rval : 0, i;

	for (i = 0; i < n && i < 1024; i++) {
		struct mmsghdr m;

		if (zd_umove(c->tid, addr + i * sizeof(m), &m, sizeof(m)) != sizeof(m))
			break;
		zd_sb_addf(sb, " = %llu buffers in vector %llu\n",
			   (unsigned long long)m.msg_hdr.msg_iovlen, (unsigned long long)i);
		dump_iov(c, sb, m.msg_hdr.msg_iovlen, (uint64_t)(uintptr_t)m.msg_hdr.msg_iov, m.msg_len);
	}
}

void
zd_call_dump(const struct zd_call *c, struct zd_sb *sb)
{
	const struct zd_dec_opts *o = c->opts;
	int fd = (int)c->args[0];
	const uint64_t *a = c->args;

	if (!o || !c->exited || fd < 0)
		return;
	if (o->dump_write && zd_fdset_has(o->dump_write, fd)) {
		switch (c->nr) {
		case SYS_write:
		case SYS_pwrite64:
		case SYS_sendto:
		case SYS_mq_timedsend:
			dump_buf(c, sb, a[1], a[2]);
			break;
		case SYS_writev:
		case SYS_pwritev:
		case SYS_pwritev2:
		case SYS_vmsplice:
			dump_iov(c, sb, a[2], a[1], UINT64_MAX);
			break;
		case SYS_sendmsg:
			dump_msghdr(c, sb, a[1], UINT64_MAX);
			break;
		case SYS_sendmmsg:
			dump_mmsghdr(c, sb, a[1]);
			break;
		default:
			break;
		}
	}
	if (zd_call_failed(c->rval) || !o->dump_read || !zd_fdset_has(o->dump_read, fd))
		return;
	switch (c->nr) {
	case SYS_read:
	case SYS_pread64:
	case SYS_recvfrom:
	case SYS_mq_timedreceive:
		dump_buf(c, sb, a[1], (uint64_t)c->rval);
		break;
	case SYS_readv:
	case SYS_preadv:
	case SYS_preadv2:
		dump_iov(c, sb, a[2], a[1], (uint64_t)c->rval);
		break;
	case SYS_recvmsg:
		dump_msghdr(c, sb, a[1], (uint64_t)c->rval);
		break;
	case SYS_recvmmsg:
		dump_mmsghdr(c, sb, a[1]);
		break;
	default:
		break;
	}
}
