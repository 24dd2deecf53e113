/*
 * The decoding engine: argument bookkeeping, the generic table-driven
 * decoder, return values, and the primitive printers every decoder uses
 * (numbers, fds, strings, buffers).  Strings are quoted with strace's
 * rules; the formatting avoids printf on the hot path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dec.h"
#include "zdiag/sig.h"
#include "zdiag/xalloc.h"

/* ---------------------------------------------------------------- */
/* Numbers                                                           */

void
put_udec(struct zd_sb *sb, uint64_t v)
{
	char buf[24];
	int i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	zd_sb_add(sb, buf + i, sizeof(buf) - (size_t)i);
}

void
put_dec(struct zd_sb *sb, int64_t v)
{
	if (v < 0) {
		zd_sb_addc(sb, '-');
		put_udec(sb, (uint64_t)0 - (uint64_t)v);
		return;
	}
	put_udec(sb, (uint64_t)v);
}

void
put_hex(struct zd_sb *sb, uint64_t v)
{
	if (!v)
		zd_sb_addc(sb, '0');
	else
		zd_sb_addhex(sb, v);
}

void
put_ptr(struct zd_sb *sb, uint64_t v)
{
	if (!v)
		zd_sb_adds(sb, "NULL");
	else
		put_hex(sb, v);
}

void
put_oct(struct zd_sb *sb, uint64_t v)
{
	char buf[26];
	int i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	buf[--i] = '0';
	while (sizeof(buf) - (size_t)i < 3)
		buf[--i] = '0';
	zd_sb_add(sb, buf + i, sizeof(buf) - (size_t)i);
}

void
put_mode(struct zd_sb *sb, uint64_t mode)
{
	static const struct { unsigned v; const char *n; } types[] = {
		{ S_IFREG, "S_IFREG" }, { S_IFDIR, "S_IFDIR" }, { S_IFLNK, "S_IFLNK" },
		{ S_IFCHR, "S_IFCHR" }, { S_IFBLK, "S_IFBLK" }, { S_IFIFO, "S_IFIFO" },
		{ S_IFSOCK, "S_IFSOCK" },
	};
	unsigned type = (unsigned)mode & S_IFMT;
	size_t i;

	for (i = 0; type && i < ZD_ARRAY_SIZE(types); i++) {
		if (types[i].v == type) {
			/* as strace: S_IFDIR|S_ISVTX|0777; no type, plain octal */
			zd_sb_adds(sb, types[i].n);
			zd_sb_adds(sb, mode & S_ISUID ? "|S_ISUID" : "");
			zd_sb_adds(sb, mode & S_ISGID ? "|S_ISGID" : "");
			zd_sb_adds(sb, mode & S_ISVTX ? "|S_ISVTX" : "");
			zd_sb_addc(sb, '|');
			mode &= ~(uint64_t)(S_IFMT | S_ISUID | S_ISGID | S_ISVTX);
			break;
		}
	}
	put_oct(sb, mode);
}

/* ---------------------------------------------------------------- */
/* Quoting                                                           */

void
put_quoted(struct zd_sb *sb, const void *data, size_t len, bool hex_all)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *o;
	size_t i;

	zd_sb_grow(sb, len * 4 + 2);
	o = sb->buf + sb->len;
	*o++ = '"';
	for (i = 0; i < len; i++) {
		unsigned c = p[i];

		if (hex_all) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 15];
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			if (c == '"' || c == '\\')
				*o++ = '\\';
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '\n': *o++ = 'n'; continue;
		case '\t': *o++ = 't'; continue;
		case '\r': *o++ = 'r'; continue;
		case '\v': *o++ = 'v'; continue;
		case '\f': *o++ = 'f'; continue;
		default: break;
		}
		/* Octal, with all three digits when an octal digit follows. */
		if ((i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7') || c > 077) {
			*o++ = (char)('0' + (c >> 6));
			*o++ = (char)('0' + ((c >> 3) & 7));
			*o++ = (char)('0' + (c & 7));
		} else if (c > 07) {
			*o++ = (char)('0' + (c >> 3));
			*o++ = (char)('0' + (c & 7));
		} else {
			*o++ = (char)('0' + c);
		}
	}
	*o++ = '"';
	sb->len = (size_t)(o - sb->buf);
	sb->buf[sb->len] = '\0';
}

void
zd_dec_quote(struct zd_sb *sb, const void *data, size_t len, bool truncated)
{
	put_quoted(sb, data, len, false);
	if (truncated)
		zd_sb_adds(sb, "...");
}

/* ---------------------------------------------------------------- */
/* File descriptors                                                  */

void
put_fd_path(pid_t tid, struct zd_sb *sb, int fd)
{
	char path[64], target[ZD_PATH_MAX];
	ssize_t n;
	size_t i;

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	zd_sb_addc(sb, '<');
	/* Escape as strace does: no raw control bytes, and '<' '>' '\' escaped
	 * so the decoration stays unambiguous. */
	for (i = 0; i < (size_t)n; i++) {
		unsigned char ch = (unsigned char)target[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '<' || ch == '>' || ch == '\\')
			zd_sb_addf(sb, "\\x%02x", ch);
		else
			zd_sb_addc(sb, (char)ch);
	}
	zd_sb_addc(sb, '>');
}

void
put_fd(const struct zd_call *c, struct zd_sb *sb, int fd)
{
	put_dec(sb, fd);
	if (c->opts && c->opts->fd_paths)
		put_fd_path(c->tid, sb, fd);
}

void
put_dirfd(const struct zd_call *c, struct zd_sb *sb, int fd)
{
	if (fd == AT_FDCWD)
		zd_sb_adds(sb, "AT_FDCWD");
	else
		put_fd(c, sb, fd);
}

/* ---------------------------------------------------------------- */
/* Strings and buffers                                               */

static size_t
strsize(const struct zd_call *c)
{
	return c->opts ? c->opts->strsize : ZD_DEC_STRSIZE;
}

/* Print a string of at most max bytes at addr (0: no limit). */
static void
put_cstring(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, size_t max)
{
	char small[ZD_PATH_MAX + 1];
	char *buf = small;
	bool terminated;
	ssize_t n;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (!max || max > ZD_DEC_STRMAX)
		max = ZD_DEC_STRMAX;
	/* Most strings fit the stack buffer: allocate (up to the cap) only
	 * for one that does not, then read it again whole. */
	n = zd_umove_str(c->tid, addr, buf, ZD_MIN(max, (size_t)ZD_PATH_MAX), &terminated);
	if (n == ZD_PATH_MAX && !terminated && max > ZD_PATH_MAX) {
		buf = zd_xmalloc(max + 1);
		n = zd_umove_str(c->tid, addr, buf, max, &terminated);
	}
	if (n < 0)
		put_ptr(sb, addr);
	else
		zd_dec_quote(sb, buf, (size_t)n, !terminated);
	if (buf != small)
		free(buf);
}

void
put_path(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	put_cstring(c, sb, addr, ZD_PATH_MAX);
}

void
put_str(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	put_cstring(c, sb, addr, strsize(c));
}

static void
put_buffer(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len, bool hex_all,
	   bool omit0)
{
	size_t max = strsize(c);
	size_t n;
	char small[256];
	char *buf = small;
	ssize_t got;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	/* The tracee chose len: never allocate or print more than the cap. */
	if (!max || max > ZD_DEC_STRMAX)
		max = ZD_DEC_STRMAX;
	n = len > max ? max : (size_t)len;
	if (n > sizeof(small))
		buf = zd_xmalloc(n);
	got = zd_umove(c->tid, addr, buf, n);
	if (got != (ssize_t)n) {
		put_ptr(sb, addr);
	} else {
		/* strace's QUOTE_OMIT_TRAILING_0: the last byte shown, if NUL */
		put_quoted(sb, buf, omit0 && n && !buf[n - 1] ? n - 1 : n, hex_all);
		if (n < len)
			zd_sb_adds(sb, "...");
	}
	if (buf != small)
		free(buf);
}

void
put_buf(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len)
{
	put_buffer(c, sb, addr, len, false, false);
}

void
put_buf_omit0(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len)
{
	put_buffer(c, sb, addr, len, false, true);
}

void
put_buf_hex(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t len)
{
	put_buffer(c, sb, addr, len, true, false);
}

/* ---------------------------------------------------------------- */
/* Flags and signals                                                 */

void
put_open_flags(struct zd_sb *sb, uint64_t flags)
{
	bool first = false;
	uint64_t rest;

	flags &= 0xffffffffULL;
	zd_sb_adds(sb, zd_xlat_name(&zd_xlat_open_access, flags & 3));
	rest = zd_xlat_flags_part(sb, &zd_xlat_open_flags, flags & ~3ULL, &first);
	if (rest) {
		zd_sb_addc(sb, '|');
		put_hex(sb, rest);
	}
}

void
put_sig(struct zd_sb *sb, int64_t sig)
{
	if (sig > 0 && sig <= 64)
		zd_sb_adds(sb, zd_dec_signame((int)sig));
	else
		put_dec(sb, sig);
}

/* ---------------------------------------------------------------- */
/* The engine                                                        */

void
dec_arg(struct zd_call *c, struct zd_sb *sb)
{
	size_t pos;

	if (c->narg > 0 && c->narg <= ZD_CALL_MAXARGS && !c->argpos[c->narg - 1].end && !c->sep_pending)
		c->argpos[c->narg - 1].end = (uint32_t)(sb->len - c->base);
	if (c->narg > 0 && !c->sep_pending)
		zd_sb_adds(sb, ", ");
	c->sep_pending = false;
	pos = sb->len - c->base;
	if (c->narg < ZD_CALL_MAXARGS) {
		c->argpos[c->narg].start = (uint32_t)pos;
		c->argpos[c->narg].end = 0;
	}
	c->narg++;
}

static void
close_arg(struct zd_call *c, struct zd_sb *sb)
{
	if (c->narg > 0 && c->narg <= ZD_CALL_MAXARGS && !c->argpos[c->narg - 1].end)
		c->argpos[c->narg - 1].end = (uint32_t)(sb->len - c->base);
}

static bool
is_clone_tab(const struct zd_xlat_tab *t)
{
	return t == &zd_xlat_clone_flags;
}

void
put_arg(struct zd_call *c, struct zd_sb *sb, const struct zd_argdesc *a, uint64_t v)
{
	if (a->out && (!c->exiting || dec_failed(c)) && a->kind != ZD_AK_BUF) {
		put_ptr(sb, v);
		return;
	}
	switch ((enum zd_arg_kind)a->kind) {
	case ZD_AK_RAW:
	case ZD_AK_X:
		put_hex(sb, v);
		break;
	case ZD_AK_D:
		put_dec(sb, (int32_t)v);
		break;
	case ZD_AK_U:
		put_udec(sb, (uint32_t)v);
		break;
	case ZD_AK_LD:
		put_dec(sb, (int64_t)v);
		break;
	case ZD_AK_LU:
		put_udec(sb, v);
		break;
	case ZD_AK_P:
		put_ptr(sb, v);
		break;
	case ZD_AK_O:
		put_oct(sb, (uint32_t)v);
		break;
	case ZD_AK_FD:
		put_fd(c, sb, (int32_t)v);
		break;
	case ZD_AK_DFD:
		put_dirfd(c, sb, (int32_t)v);
		break;
	case ZD_AK_PATH:
		put_path(c, sb, v);
		break;
	case ZD_AK_STR:
		put_str(c, sb, v);
		break;
	case ZD_AK_BUF:
		if (!a->out)
			put_buf(c, sb, v, c->args[a->param]);
		else if (!c->exiting || dec_failed(c))
			put_ptr(sb, v);
		else
			put_buf(c, sb, v, (uint64_t)c->rval);
		break;
	case ZD_AK_FLAGS:
		put_flags(sb, a->xlat, is_clone_tab(a->xlat) ? v : (uint32_t)v);
		break;
	case ZD_AK_XVAL:
		if (zd_xlat_name(a->xlat, v))
			put_xval(sb, a->xlat, v);
		else
			put_xval(sb, a->xlat, (uint64_t)(int64_t)(int32_t)v);
		break;
	case ZD_AK_SIG:
		put_sig(sb, (int32_t)v);
		break;
	case ZD_AK_SIGSET:
		put_sigset(c, sb, v, c->args[a->param]);
		break;
	case ZD_AK_STAT:
		put_stat(c, sb, v);
		break;
	case ZD_AK_STATFS:
		put_statfs(c, sb, v);
		break;
	case ZD_AK_TS:
		put_timespec(c, sb, v);
		break;
	case ZD_AK_TV:
		put_timeval(c, sb, v);
		break;
	case ZD_AK_ITS:
		put_itimerspec(c, sb, v);
		break;
	case ZD_AK_ITV:
		put_itimerval(c, sb, v);
		break;
	case ZD_AK_RLIM:
		put_rlimit(c, sb, v);
		break;
	case ZD_AK_UTS:
		put_utsname(c, sb, v);
		break;
	case ZD_AK_TZ:
		put_timezone(c, sb, v);
		break;
	case ZD_AK_FDPAIR:
		put_fdpair(c, sb, v);
		break;
	case ZD_AK_INTP:
		put_intp(c, sb, v);
		break;
	case ZD_AK_TMS:
		put_tms(c, sb, v);
		break;
	case ZD_AK_SYSINFO:
		put_sysinfo(c, sb, v);
		break;
	case ZD_AK_RUSAGE:
		put_rusage(c, sb, v);
		break;
	}
}

/* The table-driven decoder: input arguments at entry, output ones (and
 * everything after the first of them) at exit. */
static int
generic(struct zd_call *c, struct zd_sb *sb)
{
	const struct zd_sysent *e = c->ent;
	int i = c->exiting ? c->next_arg : 0;

	for (; i < e->nargs; i++) {
		const struct zd_argdesc *a = &e->args[i];

		if (!c->exiting && a->out) {
			c->next_arg = i;
			return ZD_DEC_MORE;
		}
		dec_arg(c, sb);
		put_arg(c, sb, a, c->args[i]);
	}
	return ZD_DEC_DONE;
}

static int
raw6(struct zd_call *c, struct zd_sb *sb)
{
	int i;

	for (i = 0; i < 6; i++) {
		dec_arg(c, sb);
		put_hex(sb, c->args[i]);
	}
	return ZD_DEC_DONE;
}

static int
run_decoder(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->ent)
		return c->exiting ? ZD_DEC_DONE : raw6(c, sb);
	if (c->ent->decode)
		return c->ent->decode(c, sb);
	return generic(c, sb);
}

void
zd_call_init(struct zd_call *c, pid_t tid, long nr, const uint64_t args[6],
	     const struct zd_dec_opts *opts)
{
	c->tid = tid;
	c->nr = nr;
	memcpy(c->args, args, sizeof(c->args));
	c->sp = 0;
	c->opts = opts;
	c->ent = zd_sysent(nr);
	c->rval = 0;
	c->exiting = false;
	c->exited = false;
	c->state = ZD_DEC_DONE;
	c->entry_nosep = false;
	c->next_arg = 0;
	c->priv[0] = c->priv[1] = c->priv[2] = 0;
	c->restarted_nr = -1;
	c->rkind = -1;
	c->rextra[0] = '\0';
	c->base = 0;
	c->entry_end = 0;
	c->narg = 0;
	c->sep_pending = false;
}

const char *
zd_call_name(const struct zd_call *c)
{
	return c->ent ? c->ent->name : NULL;
}

void
zd_call_entry(struct zd_call *c, struct zd_sb *sb)
{
	c->base = sb->len;
	if (c->ent) {
		zd_sb_adds(sb, c->ent->name);
	} else {
		zd_sb_adds(sb, "syscall_");
		put_hex(sb, (uint64_t)c->nr);
	}
	zd_sb_addc(sb, '(');
	c->exiting = false;
	c->state = run_decoder(c, sb);
	if (c->state == ZD_DEC_MORE) {
		close_arg(c, sb);
		if (c->narg > 0 && !c->entry_nosep) {
			zd_sb_adds(sb, ", ");
			c->sep_pending = true;
		}
	}
	c->entry_end = sb->len - c->base;
}

void
zd_call_exit(struct zd_call *c, struct zd_sb *sb, int64_t rval)
{
	c->rval = rval;
	c->exiting = true;
	c->exited = true;
	if (c->state == ZD_DEC_MORE)
		run_decoder(c, sb);
	close_arg(c, sb);
	zd_sb_addc(sb, ')');
}

void
zd_call_pad(struct zd_sb *sb, size_t line_start)
{
	size_t col = sb->len - line_start;

	if (col < 40)
		zd_sb_addpad(sb, ' ', 40 - col);
	else
		zd_sb_addc(sb, ' ');
}

static const struct {
	int err;
	const char *name, *text;
} restart_errnos[] = {
	{ 512, "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	{ 513, "ERESTARTNOINTR", "To be restarted" },
	{ 514, "ERESTARTNOHAND", "To be restarted if no handler" },
	{ 515, "ENOIOCTLCMD", "No ioctl command" },
	{ 516, "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
	{ 517, "EPROBE_DEFER", "Requested probe deferral" },
	{ 518, "EOPENSTALE", "Open found a stale dentry" },
	{ 519, "ENOPARAM", "Parameter not supported" },
};

void
zd_call_retval(const struct zd_call *c, struct zd_sb *sb)
{
	int kind;

	zd_sb_adds(sb, "= ");
	if (!c->exited) {
		zd_sb_addc(sb, '?');
		return;
	}
	if (zd_call_failed(c->rval)) {
		int err = (int)-c->rval;
		const char *name = err < 512 ? zd_errname(err) : NULL;
		size_t i;

		for (i = 0; i < ZD_ARRAY_SIZE(restart_errnos); i++) {
			if (restart_errnos[i].err == err) {
				zd_sb_addf(sb, "%s %s (%s)", err <= 514 || err == 516 ? "?" : "-1",
					   restart_errnos[i].name, restart_errnos[i].text);
				return;
			}
		}
		if (name)
			zd_sb_addf(sb, "-1 %s (%s)", name, strerror(err));
		else
			zd_sb_addf(sb, "-1 ERRNO_%d (Unknown error %d)", err, err);
		return;
	}
	kind = c->rkind >= 0 ? c->rkind : c->ent ? c->ent->ret : ZD_RET_D;
	switch (kind) {
	case ZD_RET_X:
		put_hex(sb, (uint64_t)c->rval);
		break;
	case ZD_RET_O:
		put_oct(sb, (uint64_t)c->rval);
		break;
	case ZD_RET_U:
		put_udec(sb, (uint64_t)c->rval);
		break;
	case ZD_RET_FD:
		put_dec(sb, c->rval);
		if (c->opts && c->opts->fd_paths)
			put_fd_path(c->tid, sb, (int)c->rval);
		break;
	default:
		put_dec(sb, c->rval);
		break;
	}
	if (c->rextra[0])
		zd_sb_adds(sb, c->rextra);
}

void
zd_call_format(struct zd_call *c, struct zd_sb *sb, int64_t rval)
{
	zd_call_entry(c, sb);
	zd_call_exit(c, sb, rval);
	zd_call_pad(sb, c->base);
	zd_call_retval(c, sb);
}

void
zd_call_release(struct zd_call *c)
{
	(void)c;
}

bool
zd_call_arg(const struct zd_call *c, int i, size_t *start, size_t *end)
{
	if (i < 0 || i >= c->narg || i >= ZD_CALL_MAXARGS)
		return false;
	*start = c->base + c->argpos[i].start;
	*end = c->base + (c->argpos[i].end ? c->argpos[i].end : c->argpos[i].start);
	return true;
}

void
dec_rextra(struct zd_call *c, const struct zd_sb *text)
{
	size_t n = text->len;

	if (n >= sizeof(c->rextra)) {
		n = sizeof(c->rextra) - 5;
		memcpy(c->rextra, text->buf, n);
		memcpy(c->rextra + n, "...", 4);
		return;
	}
	memcpy(c->rextra, text->buf, n + 1);
}
