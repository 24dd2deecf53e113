/*
 * Extended attributes: setxattr getxattr listxattr removexattr and their
 * l- and f- forms, as strace 6.1 prints them (src/xattr.c there): the
 * value is a byte string without its trailing NUL, the list of names a
 * byte string of the returned length.
 */
#include "dec.h"

#define XATTR_SIZE_MAX 65536

/* The path (getxattr, lgetxattr) or the fd (fgetxattr) of argument 0. */
static void
put_target(struct zd_call *c, struct zd_sb *sb, bool fd)
{
	dec_arg(c, sb);
	if (fd)
		put_fd(c, sb, (int32_t)c->args[0]);
	else
		put_path(c, sb, c->args[0]);
}

/* A value of size bytes; strace shows an address past XATTR_SIZE_MAX. */
static void
put_value(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t size)
{
	if (size > XATTR_SIZE_MAX)
		put_ptr(sb, addr);
	else
		put_buf_omit0(c, sb, addr, size);
}

static int
dec_setxattr(struct zd_call *c, struct zd_sb *sb, bool fd)
{
	put_target(c, sb, fd);
	dec_arg(c, sb);
	put_str(c, sb, c->args[1]);
	dec_arg(c, sb);
	put_value(c, sb, c->args[2], c->args[3]);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_xattr_flags, (uint32_t)c->args[4]);
	return ZD_DEC_DONE;
}

int zd_dec_setxattr(struct zd_call *c, struct zd_sb *sb) { return dec_setxattr(c, sb, false); }
int zd_dec_fsetxattr(struct zd_call *c, struct zd_sb *sb) { return dec_setxattr(c, sb, true); }

static int
dec_getxattr(struct zd_call *c, struct zd_sb *sb, bool fd)
{
	if (!c->exiting) {
		put_target(c, sb, fd);
		dec_arg(c, sb);
		put_str(c, sb, c->args[1]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	/* a failed call's size is -1: past the limit, an address */
	put_value(c, sb, c->args[2], dec_failed(c) ? UINT64_MAX : (uint64_t)c->rval);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	return ZD_DEC_DONE;
}

int zd_dec_getxattr(struct zd_call *c, struct zd_sb *sb) { return dec_getxattr(c, sb, false); }
int zd_dec_fgetxattr(struct zd_call *c, struct zd_sb *sb) { return dec_getxattr(c, sb, true); }

static int
dec_listxattr(struct zd_call *c, struct zd_sb *sb, bool fd)
{
	if (!c->exiting) {
		put_target(c, sb, fd);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (!c->args[2] || dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_buf(c, sb, c->args[1], (uint64_t)c->rval);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	return ZD_DEC_DONE;
}

int zd_dec_listxattr(struct zd_call *c, struct zd_sb *sb) { return dec_listxattr(c, sb, false); }
int zd_dec_flistxattr(struct zd_call *c, struct zd_sb *sb) { return dec_listxattr(c, sb, true); }
