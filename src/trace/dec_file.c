/*
 * File and descriptor decoders: open*, fcntl, ioctl, getdents*, readlink*,
 * getcwd, statx, utimensat, readv/writev, poll, select, epoll, mmap.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>

#include "dec.h"
#include "zdiag/xalloc.h"

#define K_O_CREAT 0100
#define K_O_TMPFILE 020000000   /* __O_TMPFILE: the bit O_TMPFILE adds to O_DIRECTORY */

static void
put_open_tail(struct zd_call *c, struct zd_sb *sb, uint64_t flags, uint64_t mode)
{
	dec_arg(c, sb);
	put_open_flags(sb, flags);
	if (flags & (K_O_CREAT | K_O_TMPFILE)) {
		dec_arg(c, sb);
		put_oct(sb, (uint32_t)mode);
	}
}

int
zd_dec_open(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_path(c, sb, c->args[0]);
	put_open_tail(c, sb, c->args[1], c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_openat(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dirfd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_path(c, sb, c->args[1]);
	put_open_tail(c, sb, c->args[2], c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_openat2(struct zd_call *c, struct zd_sb *sb)
{
	struct { uint64_t flags, mode, resolve; } how;

	dec_arg(c, sb);
	put_dirfd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_path(c, sb, c->args[1]);
	dec_arg(c, sb);
	if (c->args[3] < sizeof(how) || !umove_all(c, c->args[2], &how, sizeof(how))) {
		put_ptr(sb, c->args[2]);
	} else {
		zd_sb_adds(sb, "{flags=");
		put_open_flags(sb, how.flags);
		if (how.flags & (K_O_CREAT | K_O_TMPFILE) || how.mode) {
			zd_sb_adds(sb, ", mode=");
			put_oct(sb, how.mode);
		}
		zd_sb_adds(sb, ", resolve=");
		put_flags(sb, &zd_xlat_resolve_flags, how.resolve);
		zd_sb_addc(sb, '}');
	}
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* fcntl                                                             */

/* strace's print_struct_flock64: l_pid only for F_GETLK and F_OFD_GETLK
 * (a set call's l_pid is whatever the caller left there). */
static void
put_flock(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, bool getlk)
{
	struct flock fl;

	if (!umove_all(c, addr, &fl, sizeof(fl))) {
		put_ptr(sb, addr);
		return;
	}
	zd_sb_adds(sb, "{l_type=");
	put_xval(sb, &zd_xlat_lock_types, (uint16_t)fl.l_type);
	zd_sb_adds(sb, ", l_whence=");
	put_xval(sb, &zd_xlat_whence, (uint16_t)fl.l_whence);
	zd_sb_adds(sb, ", l_start=");
	put_dec(sb, fl.l_start);
	zd_sb_adds(sb, ", l_len=");
	put_dec(sb, fl.l_len);
	if (getlk) {
		zd_sb_adds(sb, ", l_pid=");
		put_dec(sb, fl.l_pid);
	}
	zd_sb_addc(sb, '}');
}

static void
put_f_owner_ex(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct { int type, pid; } o;

	if (!umove_all(c, addr, &o, sizeof(o))) {
		put_ptr(sb, addr);
		return;
	}
	zd_sb_adds(sb, "{type=");
	put_xval(sb, &zd_xlat_f_owner_types, (uint32_t)o.type);
	zd_sb_adds(sb, ", pid=");
	put_dec(sb, o.pid);
	zd_sb_addc(sb, '}');
}

static void
rextra_flags(struct zd_call *c, const char *what, const struct zd_xlat_tab *t, uint64_t v, bool open)
{
	struct zd_sb sb = ZD_SB_INIT;
	enum zd_xlat_style style = zd_xlat_get_style();

	if (open)   /* F_GETFL: names even with -X raw (strace's sprint_open_modes) */
		zd_xlat_set_style(ZD_XLAT_ABBREV);
	zd_sb_addf(&sb, " (%s ", what);
	if (open)
		put_open_flags(&sb, v);
	else
		put_flags(&sb, t, v);
	zd_sb_addc(&sb, ')');
	zd_xlat_set_style(style);
	dec_rextra(c, &sb);
	zd_sb_release(&sb);
}

int
zd_dec_fcntl(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t cmd = (uint32_t)c->args[1];

	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_fcntl_cmds, cmd);
		switch (cmd) {
		case F_DUPFD:
		case F_DUPFD_CLOEXEC:
			dec_arg(c, sb);
			put_dec(sb, (int32_t)c->args[2]);
			c->rkind = ZD_RET_FD;
			return ZD_DEC_DONE;
		case F_SETFD:
			dec_arg(c, sb);
			put_flags(sb, &zd_xlat_fd_flags, (uint32_t)c->args[2]);
			return ZD_DEC_DONE;
		case F_SETFL:
			dec_arg(c, sb);
			put_open_flags(sb, c->args[2]);
			return ZD_DEC_DONE;
		case F_SETLK:
		case F_SETLKW:
		case F_OFD_SETLK:
		case F_OFD_SETLKW:
			dec_arg(c, sb);
			put_flock(c, sb, c->args[2], false);
			return ZD_DEC_DONE;
		case F_SETOWN_EX:
			dec_arg(c, sb);
			put_f_owner_ex(c, sb, c->args[2]);
			return ZD_DEC_DONE;
		case F_NOTIFY:
			dec_arg(c, sb);
			put_flags(sb, &zd_xlat_notify_flags, c->args[2]);
			return ZD_DEC_DONE;
		case F_GETLK:
		case F_OFD_GETLK:
		case F_GETOWN_EX:
			return ZD_DEC_MORE;
		case F_SETOWN:
		case F_SETPIPE_SZ:
			dec_arg(c, sb);
			put_dec(sb, (int32_t)c->args[2]);
			return ZD_DEC_DONE;
		case F_SETSIG:
			dec_arg(c, sb);
			put_sig(sb, (int32_t)c->args[2]);
			return ZD_DEC_DONE;
		case F_SETLEASE:
			dec_arg(c, sb);
			put_xval(sb, &zd_xlat_lock_types, (uint32_t)c->args[2]);
			return ZD_DEC_DONE;
		case F_ADD_SEALS:
			dec_arg(c, sb);
			put_flags(sb, &zd_xlat_seals, (uint32_t)c->args[2]);
			return ZD_DEC_DONE;
		case F_GETFD:
		case F_GETFL:
		case F_GET_SEALS:
		case F_GETLEASE:
			c->entry_nosep = true;
			return ZD_DEC_MORE;
		case F_GETOWN:
		case F_GETSIG:
		case F_GETPIPE_SZ:
			return ZD_DEC_DONE;
		default:
			dec_arg(c, sb);
			put_hex(sb, c->args[2]);
			return ZD_DEC_DONE;
		}
	}
	if (dec_failed(c)) {
		if (cmd == F_GETLK || cmd == F_OFD_GETLK || cmd == F_GETOWN_EX) {
			dec_arg(c, sb);
			put_ptr(sb, c->args[2]);
		}
		return ZD_DEC_DONE;
	}
	switch (cmd) {
	case F_GETLK:
	case F_OFD_GETLK:
		dec_arg(c, sb);
		put_flock(c, sb, c->args[2], true);
		break;
	case F_GETOWN_EX:
		dec_arg(c, sb);
		put_f_owner_ex(c, sb, c->args[2]);
		break;
	case F_GETFD:
		if (c->rval) {
			c->rkind = ZD_RET_X;
			rextra_flags(c, "flags", &zd_xlat_fd_flags, (uint64_t)c->rval, false);
		}
		break;
	case F_GETFL:
		c->rkind = ZD_RET_X;
		rextra_flags(c, "flags", NULL, (uint64_t)c->rval, true);
		break;
	case F_GET_SEALS:
		if (c->rval) {
			c->rkind = ZD_RET_X;
			rextra_flags(c, "seals", &zd_xlat_seals, (uint64_t)c->rval, false);
		}
		break;
	case F_GETLEASE: {
		const char *n = zd_xlat_name(&zd_xlat_lock_types, (uint64_t)c->rval);

		c->rkind = ZD_RET_X;   /* strace: "= 0x2 (F_UNLCK)" */
		if (n)
			snprintf(c->rextra, sizeof(c->rextra), " (%s)", n);
		break;
	}
	default:
		break;
	}
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* ioctl                                                             */

int
zd_dec_ioctl(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t req = (uint32_t)c->args[1];
	const char *name = zd_xlat_name(&zd_xlat_ioctl_cmds, req);

	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		if (name)
			zd_xlat_sym(sb, ZD_XN_HEX, req, name);
		else
			put_hex(sb, req);
		switch (req) {
		case FIOCLEX:
		case FIONCLEX:
		case TIOCNOTTY:
		case TIOCSCTTY:
			if (req == TIOCSCTTY) {
				dec_arg(c, sb);
				put_dec(sb, (int32_t)c->args[2]);
			}
			return ZD_DEC_DONE;
		case TIOCSWINSZ:
		case FIONBIO:
		case FIOASYNC:
		case TIOCSPGRP:
			dec_arg(c, sb);
			if (req == TIOCSWINSZ) {
				struct winsize ws;

				if (umove_all(c, c->args[2], &ws, sizeof(ws)))
					zd_sb_addf(sb, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}",
						   ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel);
				else
					put_ptr(sb, c->args[2]);
			} else {
				put_intp(c, sb, c->args[2]);
			}
			return ZD_DEC_DONE;
		case TIOCGWINSZ:
		case FIONREAD:
		case TIOCGPGRP:
		case TIOCOUTQ:
			return ZD_DEC_MORE;
		default:
			dec_arg(c, sb);
			put_hex(sb, c->args[2]);
			return ZD_DEC_DONE;
		}
	}
	dec_arg(c, sb);
	if (dec_failed(c)) {
		put_ptr(sb, c->args[2]);
	} else if (req == TIOCGWINSZ) {
		struct winsize ws;

		if (umove_all(c, c->args[2], &ws, sizeof(ws)))
			zd_sb_addf(sb, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}",
				   ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel);
		else
			put_ptr(sb, c->args[2]);
	} else {
		put_intp(c, sb, c->args[2]);
	}
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* Directories, links, cwd                                           */

/* strace's printpathn(addr, n): a name of at most n bytes, "..." after
 * it when no NUL comes within n + 1.  Returns false if unreadable. */
static bool
put_dirent_name(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, size_t n)
{
	char name[258];
	bool terminated;
	ssize_t got = zd_umove_str(c->tid, addr, name, n + 1, &terminated);

	if (got < 0) {
		put_ptr(sb, addr);
		return false;
	}
	if (terminated) {
		put_quoted(sb, name, (size_t)got, false);
	} else {
		put_quoted(sb, name, ZD_MIN((size_t)got, n), false);
		zd_sb_adds(sb, "...");
	}
	return true;
}

/* The fields after d_reclen of the entry whose header is at addr, with
 * rest bytes after the header (getdents: name then type; getdents64:
 * type then name).  Returns false if the name could not be read. */
static bool
put_dirent_tail(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, size_t rest, bool d64,
		unsigned char type64)
{
	bool ok = true;
	size_t namelen;

	if (d64) {
		zd_sb_adds(sb, ", d_type=");
		put_xval(sb, &zd_xlat_dirent_types, type64);
		if (rest) {
			zd_sb_adds(sb, ", d_name=");
			ok = put_dirent_name(c, sb, addr, ZD_MIN(rest, (size_t)256) - 1);
		}
	} else if (rest) {
		unsigned char type;

		namelen = rest - 1;
		if (namelen) {
			zd_sb_adds(sb, ", d_name=");
			ok = put_dirent_name(c, sb, addr, ZD_MIN(namelen, (size_t)256) - 1);
		}
		zd_sb_adds(sb, ", d_type=");
		if (umove_all(c, addr + rest - 1, &type, 1)) {
			put_xval(sb, &zd_xlat_dirent_types, type);
		} else {
			put_ptr(sb, addr + rest - 1);
			ok = false;
		}
	}
	zd_sb_addc(sb, '}');
	return ok;
}

/*
 * getdents, getdents64 as strace's xgetdents: "0x... /" "* 3 entries *" "/"
 * (a "+" after the count when bytes are left over), with -v the array of
 * entries.  Entries are read one by one from the tracee, never the whole
 * tracee-sized buffer at once.
 */
static int
dec_getdents_common(struct zd_call *c, struct zd_sb *sb, bool d64)
{
	const size_t hdr = d64 ? 19 : 18;
	bool verbose = c->opts && c->opts->verbose;
	uint64_t addr = c->args[1], len;
	unsigned count = 0;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c) || (uint64_t)c->rval > (uint32_t)c->args[2]) {
		put_ptr(sb, addr);
		goto tail;
	}
	len = (uint64_t)c->rval;
	if (!verbose)
		put_ptr(sb, addr);
	for (;;) {
		unsigned char h[19];
		uint64_t ino, doff, next_addr = 0, next_len;
		uint16_t reclen;

		if (len < hdr) {
			if (verbose && !len) {
				zd_sb_addc(sb, '[');
				count++;
			} else if (verbose) {
				put_buf_hex(c, sb, addr, len);
			}
			break;
		}
		if (!umove_all(c, addr, h, hdr)) {
			if (verbose && count) {
				zd_sb_adds(sb, "... /* ");
				put_hex(sb, addr);
				zd_sb_adds(sb, " */");
			} else if (verbose) {
				put_ptr(sb, addr);
			}
			break;
		}
		if (verbose && !count)
			zd_sb_addc(sb, '[');
		count++;
		memcpy(&ino, h, 8);
		memcpy(&doff, h + 8, 8);
		memcpy(&reclen, h + 16, 2);
		if (verbose) {
			zd_sb_adds(sb, "{d_ino=");
			put_udec(sb, ino);
			zd_sb_adds(sb, ", d_off=");
			put_udec(sb, doff);
			zd_sb_adds(sb, ", d_reclen=");
			put_udec(sb, reclen);
		}
		if (reclen > len) {
			zd_sb_addf(sb, " /* %s%llu bytes overflow */", verbose ? "" : "d_reclen ",
				   (unsigned long long)(reclen - len));
			reclen = (uint16_t)len;
			next_len = 0;
		} else if (reclen < hdr) {
			zd_sb_addf(sb, " /* %s%zu bytes underflow */", verbose ? "" : "d_reclen ",
				   hdr - reclen);
			reclen = (uint16_t)hdr;
			next_len = len - hdr;
		} else {
			next_len = len - reclen;
			if (next_len)
				next_addr = addr + reclen;
		}
		len = next_len;
		if (verbose) {
			bool ok = put_dirent_tail(c, sb, addr + hdr, reclen - hdr, d64, h[18]);

			if (next_addr) {
				zd_sb_adds(sb, ", ");
				if (!ok) {
					zd_sb_adds(sb, "...");
					break;
				}
			}
		}
		if (!next_addr)
			break;
		addr = next_addr;
	}
	if (!verbose)
		zd_sb_addf(sb, " /* %u%s entries */", count, len ? "+" : "");
	else if (count)
		zd_sb_addc(sb, ']');
tail:
	dec_arg(c, sb);
	put_udec(sb, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_getdents(struct zd_call *c, struct zd_sb *sb)
{
	return dec_getdents_common(c, sb, false);
}

int
zd_dec_getdents64(struct zd_call *c, struct zd_sb *sb)
{
	return dec_getdents_common(c, sb, true);
}

static void
put_out_string(struct zd_call *c, struct zd_sb *sb, uint64_t addr, int64_t len)
{
	if (dec_failed(c) || len < 0)
		put_ptr(sb, addr);
	else
		put_buf(c, sb, addr, (uint64_t)len);
}

int
zd_dec_readlink(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_path(c, sb, c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_out_string(c, sb, c->args[1], c->rval);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_readlinkat(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_dirfd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_path(c, sb, c->args[1]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_out_string(c, sb, c->args[2], c->rval);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_getcwd(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting)
		return ZD_DEC_MORE;
	dec_arg(c, sb);
	if (dec_failed(c) || c->rval <= 0)
		put_ptr(sb, c->args[0]);
	else
		put_path(c, sb, c->args[0]);
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* statx, utimensat                                                  */

struct statx_ts_k { int64_t sec; uint32_t nsec; int32_t pad; };

/* The kernel's struct statx, up to the fields strace 6.1 prints. */
struct statx_k {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts_k atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
};

/* strace's order: the sync type first, then the AT_* flags. */
static void
put_statx_flags(struct zd_sb *sb, uint32_t flags)
{
	uint32_t sync = flags & 0x6000;
	bool first = false;
	uint64_t rest;

	if (sync == 0x2000)
		zd_sb_adds(sb, "AT_STATX_FORCE_SYNC");
	else if (sync == 0x4000)
		zd_sb_adds(sb, "AT_STATX_DONT_SYNC");
	else if (sync == 0x6000)
		zd_sb_adds(sb, "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC");
	else
		zd_sb_adds(sb, "AT_STATX_SYNC_AS_STAT");
	rest = zd_xlat_flags_part(sb, &zd_xlat_at_flags, flags & ~0x6000u, &first);
	if (rest) {
		zd_sb_addc(sb, '|');
		put_hex(sb, rest);
	}
}

#define K_STATX_TYPE 0x1
#define K_STATX_MODE 0x2
#define K_STATX_NLINK 0x4
#define K_STATX_UID 0x8
#define K_STATX_GID 0x10
#define K_STATX_ATIME 0x20
#define K_STATX_MTIME 0x40
#define K_STATX_CTIME 0x80
#define K_STATX_INO 0x100
#define K_STATX_SIZE 0x200
#define K_STATX_BLOCKS 0x400
#define K_STATX_BTIME 0x800
#define K_STATX_MNT_ID 0x1000
#define K_STATX_DIOALIGN 0x2000

static void
put_statx_time(struct zd_sb *sb, const char *name, const struct statx_ts_k *t)
{
	zd_sb_adds(sb, name);
	zd_sb_adds(sb, "={tv_sec=");
	put_dec(sb, t->sec);
	zd_sb_adds(sb, ", tv_nsec=");
	put_udec(sb, t->nsec);
	zd_sb_addc(sb, '}');
	put_time_comment(sb, t->sec, t->nsec);
}

/* strace 6.1's statx printer: the fields stx_mask says were filled in;
 * without -v only the mask, attributes, mode and size. */
static void
put_statx(const struct zd_call *c, struct zd_sb *sb, const struct statx_k *sx)
{
	bool verbose = c->opts && c->opts->verbose;
	uint32_t m = sx->mask;

	zd_sb_adds(sb, "{stx_mask=");
	put_flags(sb, &zd_xlat_statx_masks, m);
	if (verbose)
		zd_sb_addf(sb, ", stx_blksize=%u", sx->blksize);
	zd_sb_adds(sb, ", stx_attributes=");
	put_flags(sb, &zd_xlat_statx_attrs, sx->attributes);
	if (verbose && (m & K_STATX_NLINK))
		zd_sb_addf(sb, ", stx_nlink=%u", sx->nlink);
	if (verbose && (m & K_STATX_UID))
		zd_sb_addf(sb, ", stx_uid=%u", sx->uid);
	if (verbose && (m & K_STATX_GID))
		zd_sb_addf(sb, ", stx_gid=%u", sx->gid);
	if (m & (K_STATX_TYPE | K_STATX_MODE)) {
		zd_sb_adds(sb, ", stx_mode=");
		put_mode(sb, sx->mode);
	}
	if (verbose && (m & K_STATX_INO)) {
		zd_sb_adds(sb, ", stx_ino=");
		put_udec(sb, sx->ino);
	}
	if (m & K_STATX_SIZE) {
		zd_sb_adds(sb, ", stx_size=");
		put_udec(sb, sx->size);
	}
	if (!verbose) {
		zd_sb_adds(sb, ", ...}");
		return;
	}
	if (m & K_STATX_BLOCKS) {
		zd_sb_adds(sb, ", stx_blocks=");
		put_udec(sb, sx->blocks);
	}
	zd_sb_adds(sb, ", stx_attributes_mask=");
	put_flags(sb, &zd_xlat_statx_attrs, sx->attributes_mask);
	if (m & K_STATX_ATIME)
		put_statx_time(sb, ", stx_atime", &sx->atime);
	if (m & K_STATX_BTIME)
		put_statx_time(sb, ", stx_btime", &sx->btime);
	if (m & K_STATX_CTIME)
		put_statx_time(sb, ", stx_ctime", &sx->ctime);
	if (m & K_STATX_MTIME)
		put_statx_time(sb, ", stx_mtime", &sx->mtime);
	zd_sb_addf(sb, ", stx_rdev_major=%u, stx_rdev_minor=%u, stx_dev_major=%u, stx_dev_minor=%u",
		   sx->rdev_major, sx->rdev_minor, sx->dev_major, sx->dev_minor);
	if (m & K_STATX_MNT_ID) {
		zd_sb_adds(sb, ", stx_mnt_id=");
		put_hex(sb, sx->mnt_id);
	}
	if (m & K_STATX_DIOALIGN)
		zd_sb_addf(sb, ", stx_dio_mem_align=%u, stx_dio_offset_align=%u",
			   sx->dio_mem_align, sx->dio_offset_align);
	zd_sb_addc(sb, '}');
}

int
zd_dec_statx(struct zd_call *c, struct zd_sb *sb)
{
	struct statx_k sx;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_dirfd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_path(c, sb, c->args[1]);
		dec_arg(c, sb);
		put_statx_flags(sb, (uint32_t)c->args[2]);
		dec_arg(c, sb);
		put_flags(sb, &zd_xlat_statx_masks, (uint32_t)c->args[3]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c) || !umove_all(c, c->args[4], &sx, sizeof(sx))) {
		put_ptr(sb, c->args[4]);
		return ZD_DEC_DONE;
	}
	put_statx(c, sb, &sx);
	return ZD_DEC_DONE;
}

/* ustat(makedev(0, 0x14), {f_tfree=..., f_tinode=...}) */
int
zd_dec_ustat(struct zd_call *c, struct zd_sb *sb)
{
	struct { int32_t tfree; uint32_t pad; uint64_t tinode; } u;   /* before f_fname */

	if (!c->exiting) {
		dec_arg(c, sb);
		put_dev(sb, (uint32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c) || !umove_all(c, c->args[1], &u, sizeof(u)))
		put_ptr(sb, c->args[1]);
	else
		zd_sb_addf(sb, "{f_tfree=%u, f_tinode=%llu}", (unsigned)u.tfree, (unsigned long long)u.tinode);
	return ZD_DEC_DONE;
}

int
zd_dec_utimensat(struct zd_call *c, struct zd_sb *sb)
{
	struct { int64_t sec, nsec; } ts[2];
	int i;

	dec_arg(c, sb);
	put_dirfd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_path(c, sb, c->args[1]);
	dec_arg(c, sb);
	if (!c->args[2]) {
		zd_sb_adds(sb, "NULL");
	} else if (!umove_all(c, c->args[2], ts, sizeof(ts))) {
		put_hex(sb, c->args[2]);
	} else {
		zd_sb_addc(sb, '[');
		for (i = 0; i < 2; i++) {
			if (i)
				zd_sb_adds(sb, ", ");
			if (ts[i].nsec == ((1L << 30) - 1))
				zd_sb_adds(sb, "UTIME_NOW");
			else if (ts[i].nsec == ((1L << 30) - 2))
				zd_sb_adds(sb, "UTIME_OMIT");
			else {
				zd_sb_addf(sb, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts[i].sec, (long long)ts[i].nsec);
				/* strace: the date after each time */
				put_time_comment(sb, ts[i].sec, (uint64_t)ts[i].nsec);
			}
		}
		zd_sb_addc(sb, ']');
	}
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_at_flags, (uint32_t)c->args[3]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* Vectored I/O                                                      */

/*
 * An iovec array of cnt entries; with data_len >= 0 the contents are shown
 * (at most data_len bytes in total: a read's return value).
 */
void
put_iov(struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t cnt, int64_t data_len)
{
	struct iovec iov;
	uint64_t i, max = 1024, shown = 0;
	int64_t left = data_len;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (cnt > 1024 || !umove_all(c, addr, &iov, sizeof(iov))) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_addc(sb, '[');
	for (i = 0; i < cnt && i < max; i++) {
		if (i && !umove_all(c, addr + i * sizeof(iov), &iov, sizeof(iov))) {
			zd_sb_adds(sb, ", ...");
			break;
		}
		if (i)
			zd_sb_adds(sb, ", ");
		zd_sb_adds(sb, "{iov_base=");
		if (data_len < 0) {
			put_ptr(sb, (uint64_t)(uintptr_t)iov.iov_base);
		} else {
			uint64_t n = ZD_MIN((uint64_t)(left > 0 ? left : 0), (uint64_t)iov.iov_len);

			put_buf(c, sb, (uint64_t)(uintptr_t)iov.iov_base, n);
			left -= (int64_t)n;
			if (c->opts && !c->opts->strsize)
				shown += ZD_MIN(n, (uint64_t)ZD_DEC_STRMAX);
		}
		zd_sb_adds(sb, ", iov_len=");
		put_udec(sb, iov.iov_len);
		zd_sb_addc(sb, '}');
		if (c->opts && c->opts->strsize && i + 1 >= ZD_MAX(c->opts->strsize, 32) && i + 1 < cnt) {
			zd_sb_adds(sb, ", ...");
			break;
		}
		/* -s 0: the whole array, but not a tracee-chosen 1024 MiB of it. */
		if (shown >= ZD_DEC_STRMAX && i + 1 < cnt) {
			zd_sb_adds(sb, ", ...");
			break;
		}
	}
	zd_sb_addc(sb, ']');
}

static int
dec_rwv(struct zd_call *c, struct zd_sb *sb, bool write, int positioned)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		if (!write)
			return ZD_DEC_MORE;
		dec_arg(c, sb);
		put_iov(c, sb, c->args[1], c->args[2], INT64_MAX);
	} else {
		dec_arg(c, sb);
		/* failed: the array with its buffers' addresses (strace's iov_decode_addr) */
		put_iov(c, sb, c->args[1], c->args[2], dec_failed(c) ? -1 : c->rval);
	}
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	if (positioned) {
		dec_arg(c, sb);
		put_dec(sb, (int64_t)c->args[3]);
	}
	if (positioned == 2) {   /* preadv2, pwritev2: pos_h is not shown on 64-bit */
		dec_arg(c, sb);
		put_flags(sb, &zd_xlat_rwf_flags, (uint32_t)c->args[5]);
	}
	return ZD_DEC_DONE;
}

int zd_dec_readv(struct zd_call *c, struct zd_sb *sb) { return dec_rwv(c, sb, false, false); }
int zd_dec_writev(struct zd_call *c, struct zd_sb *sb) { return dec_rwv(c, sb, true, false); }
int zd_dec_preadv(struct zd_call *c, struct zd_sb *sb) { return dec_rwv(c, sb, false, true); }
int zd_dec_pwritev(struct zd_call *c, struct zd_sb *sb) { return dec_rwv(c, sb, true, true); }
int zd_dec_preadv2(struct zd_call *c, struct zd_sb *sb) { return dec_rwv(c, sb, false, 2); }
int zd_dec_pwritev2(struct zd_call *c, struct zd_sb *sb) { return dec_rwv(c, sb, true, 2); }

/* vmsplice(fd, iov, nr_segs, flags): the iovec with its contents (the
 * data given to the pipe), as strace. */
int
zd_dec_vmsplice(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_iov(c, sb, c->args[1], c->args[2], INT64_MAX);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_splice_flags, (uint32_t)c->args[3]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* poll, select, epoll                                               */

static void
put_pollfds(struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t n, bool revents)
{
	struct pollfd pf;
	uint64_t i;
	bool first = true;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (n > 4096) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_addc(sb, '[');
	for (i = 0; i < n; i++) {
		if (!umove_all(c, addr + i * sizeof(pf), &pf, sizeof(pf))) {
			zd_sb_adds(sb, first ? "..." : ", ...");
			break;
		}
		if (revents && !pf.revents)
			continue;
		if (!first)
			zd_sb_adds(sb, ", ");
		first = false;
		zd_sb_adds(sb, "{fd=");
		if (revents)   /* the result: plain numbers, as strace */
			put_dec(sb, pf.fd);
		else
			put_fd(c, sb, pf.fd);
		zd_sb_adds(sb, revents ? ", revents=" : ", events=");
		put_flags(sb, &zd_xlat_poll_events, (uint16_t)(revents ? pf.revents : pf.events));
		zd_sb_addc(sb, '}');
	}
	zd_sb_addc(sb, ']');
}

static void
poll_rextra(struct zd_call *c, uint64_t addr, uint64_t n, const struct zd_sb *left)
{
	struct zd_sb sb = ZD_SB_INIT;

	if (dec_failed(c) || c->rval <= 0) {
		if (!dec_failed(c) && c->rval == 0)
			snprintf(c->rextra, sizeof(c->rextra), " (Timeout)");
		return;
	}
	zd_sb_adds(&sb, " (");
	put_pollfds(c, &sb, addr, n, true);
	if (left && left->len) {
		zd_sb_adds(&sb, ", left ");
		zd_sb_add(&sb, left->buf, left->len);
	}
	zd_sb_addc(&sb, ')');
	dec_rextra(c, &sb);
	zd_sb_release(&sb);
}

int
zd_dec_poll(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_pollfds(c, sb, c->args[0], (uint32_t)c->args[1], false);
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[1]);
		dec_arg(c, sb);
		put_dec(sb, (int32_t)c->args[2]);
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	poll_rextra(c, c->args[0], (uint32_t)c->args[1], NULL);
	return ZD_DEC_DONE;
}

int
zd_dec_ppoll(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_pollfds(c, sb, c->args[0], (uint32_t)c->args[1], false);
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[1]);
		dec_arg(c, sb);
		put_timespec(c, sb, c->args[2]);
		dec_arg(c, sb);
		put_sigset(c, sb, c->args[3], c->args[4]);
		dec_arg(c, sb);
		put_udec(sb, c->args[4]);
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	{
		struct zd_sb left = ZD_SB_INIT;

		if (c->args[2] && !dec_failed(c) && c->rval > 0)
			put_timespec(c, &left, c->args[2]);
		poll_rextra(c, c->args[0], (uint32_t)c->args[1], &left);
		zd_sb_release(&left);
	}
	return ZD_DEC_DONE;
}

/* An fd_set of nfds bits at addr: "[3 4]". */
static void
put_fdset(struct zd_call *c, struct zd_sb *sb, uint64_t addr, int nfds)
{
	uint64_t words[16];
	size_t nbytes;
	int fd;
	bool first = true;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (nfds < 0 || nfds > 1024) {
		put_hex(sb, addr);
		return;
	}
	nbytes = (size_t)((nfds + 63) / 64) * 8;
	memset(words, 0, sizeof(words));
	if (nbytes && !umove_all(c, addr, words, nbytes)) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_addc(sb, '[');
	for (fd = 0; fd < nfds; fd++) {
		if (!((words[fd / 64] >> (fd % 64)) & 1))
			continue;
		if (!first)
			zd_sb_addc(sb, ' ');
		first = false;
		if (c->exiting)   /* the result: plain numbers, as strace */
			put_dec(sb, fd);
		else
			put_fd(c, sb, fd);
	}
	zd_sb_addc(sb, ']');
}

static int
dec_select_common(struct zd_call *c, struct zd_sb *sb, bool pselect)
{
	int nfds = (int32_t)c->args[0];
	static const char *const what[3] = { "in", "out", "except" };
	int i;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_dec(sb, nfds);
		for (i = 1; i <= 3; i++) {
			dec_arg(c, sb);
			put_fdset(c, sb, c->args[i], nfds);
		}
		dec_arg(c, sb);
		if (pselect) {
			struct { uint64_t ss, len; } sm;

			put_timespec(c, sb, c->args[4]);
			dec_arg(c, sb);
			/* pselect6's sixth argument: { const sigset_t *, size_t }. */
			if (c->args[5] && umove_all(c, c->args[5], &sm, sizeof(sm))) {
				zd_sb_addc(sb, '{');
				put_sigset(c, sb, sm.ss, sm.len);
				zd_sb_adds(sb, ", ");
				put_udec(sb, sm.len);
				zd_sb_addc(sb, '}');
			} else {
				put_ptr(sb, c->args[5]);
			}
		} else {
			put_timeval(c, sb, c->args[4]);
		}
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	if (!dec_failed(c)) {
		struct zd_sb x = ZD_SB_INIT;
		bool any = false;

		if (c->rval == 0) {
			zd_sb_adds(&x, " (Timeout)");
		} else {
			zd_sb_adds(&x, " (");
			for (i = 1; i <= 3; i++) {
				if (!c->args[i])
					continue;
				if (any)
					zd_sb_adds(&x, ", ");
				any = true;
				zd_sb_adds(&x, what[i - 1]);
				zd_sb_addc(&x, ' ');
				put_fdset(c, &x, c->args[i], nfds);
			}
			if (c->args[4]) {
				zd_sb_adds(&x, any ? ", left " : "left ");
				if (pselect)
					put_timespec(c, &x, c->args[4]);
				else
					put_timeval(c, &x, c->args[4]);
			}
			zd_sb_addc(&x, ')');
		}
		dec_rextra(c, &x);
		zd_sb_release(&x);
	}
	return ZD_DEC_DONE;
}

int zd_dec_select(struct zd_call *c, struct zd_sb *sb) { return dec_select_common(c, sb, false); }
int zd_dec_pselect6(struct zd_call *c, struct zd_sb *sb) { return dec_select_common(c, sb, true); }

struct epoll_event_k {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static void
put_epoll_event(struct zd_sb *sb, const struct epoll_event_k *ev)
{
	zd_sb_adds(sb, "{events=");
	put_flags(sb, &zd_xlat_epoll_events, ev->events);
	zd_sb_adds(sb, ", data={u32=");
	put_udec(sb, (uint32_t)ev->data);
	zd_sb_adds(sb, ", u64=");
	put_udec(sb, ev->data);
	zd_sb_adds(sb, "}}");
}

int
zd_dec_epoll_ctl(struct zd_call *c, struct zd_sb *sb)
{
	struct epoll_event_k ev;

	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_epoll_ctl_ops, (uint32_t)c->args[1]);
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[2]);
	dec_arg(c, sb);
	if (!c->args[3])
		zd_sb_adds(sb, "NULL");
	else if (umove_all(c, c->args[3], &ev, sizeof(ev)))
		put_epoll_event(sb, &ev);
	else
		put_hex(sb, c->args[3]);
	return ZD_DEC_DONE;
}

static int
dec_epoll_wait_common(struct zd_call *c, struct zd_sb *sb, int pwait)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c) || c->rval < 0 || c->rval > 4096) {
		put_ptr(sb, c->args[1]);
	} else {
		int64_t i;

		zd_sb_addc(sb, '[');
		for (i = 0; i < c->rval; i++) {
			struct epoll_event_k ev;

			if (!umove_all(c, c->args[1] + (uint64_t)i * sizeof(ev), &ev, sizeof(ev))) {
				zd_sb_adds(sb, i ? ", ..." : "...");
				break;
			}
			if (i)
				zd_sb_adds(sb, ", ");
			put_epoll_event(sb, &ev);
		}
		zd_sb_addc(sb, ']');
	}
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[2]);
	dec_arg(c, sb);
	/* epoll_pwait2: a struct timespec; read at the exit, as strace, so
	 * an address when the call failed (the signal set too) */
	if (pwait == 2 && !dec_failed(c))
		put_timespec(c, sb, c->args[3]);
	else if (pwait == 2)
		put_ptr(sb, c->args[3]);
	else
		put_dec(sb, (int32_t)c->args[3]);
	if (pwait) {
		dec_arg(c, sb);
		if (dec_failed(c))
			put_ptr(sb, c->args[4]);
		else
			put_sigset(c, sb, c->args[4], c->args[5]);
		dec_arg(c, sb);
		put_udec(sb, c->args[5]);
	}
	return ZD_DEC_DONE;
}

int zd_dec_epoll_wait(struct zd_call *c, struct zd_sb *sb) { return dec_epoll_wait_common(c, sb, false); }
int zd_dec_epoll_pwait(struct zd_call *c, struct zd_sb *sb) { return dec_epoll_wait_common(c, sb, true); }
int zd_dec_epoll_pwait2(struct zd_call *c, struct zd_sb *sb) { return dec_epoll_wait_common(c, sb, 2); }

/* ---------------------------------------------------------------- */
/* mmap                                                              */

/* mmap's flags: "MAP_PRIVATE|MAP_ANONYMOUS", the type first (also
 * remap_file_pages). */
void
put_mmap_flags(struct zd_sb *sb, uint64_t flags)
{
	uint64_t huge = (flags >> 26) & 0x3f;
	uint64_t rest;
	bool first = false;

	if (!zd_xlat_sym_begin(sb, ZD_XN_HEX, flags))
		return;
	put_xval(sb, &zd_xlat_mmap_type, flags & 0x0f);
	flags &= ~0x0fULL & ~(0x3fULL << 26);
	rest = zd_xlat_flags_part(sb, &zd_xlat_mmap_flags, flags, &first);
	if (rest) {
		zd_sb_addc(sb, '|');
		put_hex(sb, rest);
	}
	if (huge)
		zd_sb_addf(sb, "|%u<<MAP_HUGE_SHIFT", (unsigned)huge);
	zd_xlat_sym_end(sb);
}

int
zd_dec_mmap(struct zd_call *c, struct zd_sb *sb)
{
	uint64_t flags = (uint32_t)c->args[3];

	dec_arg(c, sb);
	put_ptr(sb, c->args[0]);
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_mmap_prot, (uint32_t)c->args[2]);
	dec_arg(c, sb);
	put_mmap_flags(sb, flags);
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[4]);
	dec_arg(c, sb);
	put_hex(sb, c->args[5]);
	return ZD_DEC_DONE;
}
