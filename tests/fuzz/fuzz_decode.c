/*
 * The syscall decoders with tracee memory served from the input, through
 * the zd_umove_set_reader seam (src/trace/mem.c).  Input:
 *	u16 nr, u8 mode, u8 style, u64 args[6], i64 rval, u64 sp, memory...
 * mode bits 0-1 pick -s (0 = no limit, 32, 4, 1024), bit 2 -v, bit 3 also
 * decodes a siginfo and a wait status.  style bits 0-1 pick -x
 * (--strings-in-hex none, non-ascii-chars, non-ascii, all), bits 2-3 -X
 * (abbrev, raw, verbose, abbrev), bit 4 -e verbose=none, bit 5 -e raw=all,
 * bit 6 -e abbrev=none, bit 7 -e read=all -e write=all (the dump).  Memory: an address below 2^62
 * reads the image cyclically (byte at addr = image[addr % size], so every
 * pointer the fuzzer picks is readable); bit 62 set makes the read stop at
 * the next 4 KiB page (a partly mapped range); bit 63 set is unmapped.
 */
#include <assert.h>
#include <errno.h>
#include <signal.h>

#include "fuzz.h"
#include "zdiag/decode.h"
#include "zdiag/syscall.h"

static const uint8_t *mem;
static size_t memlen;

static ssize_t
fuzz_reader(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	unsigned char *o = buf;
	size_t i, off;

	(void)tid;
	if (!memlen || addr >> 63)
		return -EFAULT;
	if (addr >> 62) {
		size_t room = 4096 - (size_t)(addr & 4095);

		if (len > room)
			len = room;
	}
	/* One period (memlen bytes from off), then doubling copies of it. */
	off = (size_t)(addr % memlen);
	i = len < memlen ? len : memlen;
	if (i <= memlen - off) {
		memcpy(o, mem + off, i);
	} else {
		memcpy(o, mem + off, memlen - off);
		memcpy(o + (memlen - off), mem, i - (memlen - off));
	}
	while (i < len) {
		size_t k = len - i < i ? len - i : i;

		memcpy(o + i, o, k);
		i += k;
	}
	return (ssize_t)len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t strsizes[] = { 0, 32, 4, 1024 };
	struct zd_dec_opts opts = ZD_DEC_OPTS_INIT;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_call c;
	uint16_t nr;
	uint8_t mode, style;
	struct zd_fdset all_fds;
	uint64_t args[6], sp;
	int64_t rval;
	size_t start, end;
	int i;

	fuzz_take(&data, &size, &nr, sizeof(nr));
	fuzz_take(&data, &size, &mode, sizeof(mode));
	fuzz_take(&data, &size, &style, sizeof(style));
	fuzz_take(&data, &size, args, sizeof(args));
	fuzz_take(&data, &size, &rval, sizeof(rval));
	fuzz_take(&data, &size, &sp, sizeof(sp));
	mem = data;
	memlen = size;
	zd_umove_set_reader(fuzz_reader);
	opts.xstr = (enum zd_xstr)(style & 3);
	opts.xlat_style = (enum zd_xlat_style)((style >> 2) & 3) % 3;
	if (style & 16)
		zd_scset_fill(&opts.noverbose);
	if (style & 32)
		zd_scset_fill(&opts.raw);
	if (style & 64)
		zd_scset_fill(&opts.noabbrev);
	memset(&all_fds, 0xff, sizeof(all_fds));
	if (style & 128)
		opts.dump_read = opts.dump_write = &all_fds;

	opts.strsize = strsizes[mode & 3];
	opts.verbose = mode & 4;
	opts.decode_fds = 0;    /* -y reads the real /proc/TID/fd */
	zd_call_init(&c, 1, (long)(nr % (unsigned)(zd_sysent_limit() + 8)), args, &opts);
	c.sp = sp;
	zd_sb_adds(&sb, "[pid 1] ");
	zd_call_format(&c, &sb, rval);
	for (i = -1; i <= ZD_CALL_MAXARGS; i++)
		if (zd_call_arg(&c, i, &start, &end))
			assert(start <= end && end <= sb.len);
	if (mode & 8) {
		unsigned char si[sizeof(siginfo_t)];

		if (zd_umove(1, args[0], si, sizeof(si)) == (ssize_t)sizeof(si))
			zd_dec_siginfo(&sb, si);
		zd_dec_wstatus(&sb, (int)rval);
	}
	/* Tracee bytes are escaped: the line stays one line. */
	assert(!memchr(sb.buf, '\n', sb.len));
	/* -e read=/write= dumps: whole lines of strace's three kinds. */
	zd_sb_reset(&sb);
	zd_call_dump(&c, &sb);
	for (start = 0; start < sb.len; start = end + 1) {
		const char *nl = memchr(sb.buf + start, '\n', sb.len - start);

		assert(nl);
		end = (size_t)(nl - sb.buf);
		assert(end - start > 3 && sb.buf[start] == ' ' && strchr("|*=", sb.buf[start + 1]));
	}
	zd_call_release(&c);
	zd_sb_release(&sb);
	zd_umove_set_reader(NULL);
	return 0;
}
