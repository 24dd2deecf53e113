/*
 * The mount API, landlock, fanotify and file handles as strace 6.1
 * prints them (src/fsconfig.c, mount_setattr.c, landlock.c, fanotify.c,
 * file_handle.c there).
 */
#include <string.h>

#include "dec.h"

/* fsconfig(fd, cmd, key, value, aux): what key, value and aux are
 * depends on the command. */
enum {
	FSC_SET_FLAG, FSC_SET_STRING, FSC_SET_BINARY, FSC_SET_PATH,
	FSC_SET_PATH_EMPTY, FSC_SET_FD, FSC_CMD_CREATE, FSC_CMD_RECONFIGURE,
};

int
zd_dec_fsconfig(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t cmd = (uint32_t)c->args[1];
	int32_t aux = (int32_t)c->args[4];

	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_fsconfig_cmds, cmd);
	dec_arg(c, sb);
	if (cmd <= FSC_SET_FD)
		put_str(c, sb, c->args[2]);
	else
		put_ptr(sb, c->args[2]);
	dec_arg(c, sb);
	if (cmd == FSC_SET_STRING)
		put_str(c, sb, c->args[3]);
	else if (cmd == FSC_SET_PATH || cmd == FSC_SET_PATH_EMPTY)
		put_path(c, sb, c->args[3]);
	else if (cmd == FSC_SET_BINARY && aux >= 0 && aux <= 1024 * 1024)
		put_buf_hex(c, sb, c->args[3], (uint64_t)aux);
	else
		put_ptr(sb, c->args[3]);
	dec_arg(c, sb);
	if (cmd == FSC_SET_PATH || cmd == FSC_SET_PATH_EMPTY)
		put_dirfd(c, sb, aux);
	else if (cmd == FSC_SET_FD)
		put_fd(c, sb, aux);
	else
		put_dec(sb, aux);
	return ZD_DEC_DONE;
}

/* struct mount_attr (size 32 in version 0) */
struct mount_attr_k {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

#define MOUNT_ATTR_IDMAP_K 0x100000ULL

int
zd_dec_mount_setattr(struct zd_call *c, struct zd_sb *sb)
{
	struct mount_attr_k a;
	uint64_t size = c->args[4];

	dec_arg(c, sb);
	put_dirfd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_path(c, sb, c->args[1]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_mount_setattr_flags, (uint32_t)c->args[2]);
	dec_arg(c, sb);
	memset(&a, 0, sizeof(a));
	if (size < sizeof(a) || !umove_all(c, c->args[3], &a, sizeof(a))) {
		put_ptr(sb, c->args[3]);
	} else {
		zd_sb_adds(sb, "{attr_set=");
		put_flags(sb, &zd_xlat_mount_attr_attr, a.attr_set);
		zd_sb_adds(sb, ", attr_clr=");
		put_flags(sb, &zd_xlat_mount_attr_attr, a.attr_clr);
		zd_sb_adds(sb, ", propagation=");
		put_xval(sb, &zd_xlat_mount_attr_propagation, a.propagation);
		zd_sb_adds(sb, ", userns_fd=");
		if (a.userns_fd > 0x7fffffff || !((a.attr_set | a.attr_clr) & MOUNT_ATTR_IDMAP_K))
			put_udec(sb, a.userns_fd);
		else
			put_fd(c, sb, (int32_t)a.userns_fd);
		/* a larger structure's tail is not shown (strace: its
		 * non-zero bytes) */
		zd_sb_addc(sb, '}');
	}
	dec_arg(c, sb);
	put_udec(sb, size);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* landlock                                                          */

int
zd_dec_landlock_create_ruleset(struct zd_call *c, struct zd_sb *sb)
{
	uint64_t access, size = c->args[1];
	uint32_t flags = (uint32_t)c->args[2];

	dec_arg(c, sb);
	if (size < sizeof(access) || !umove_all(c, c->args[0], &access, sizeof(access))) {
		put_ptr(sb, c->args[0]);
	} else {
		zd_sb_adds(sb, "{handled_access_fs=");
		put_flags(sb, &zd_xlat_landlock_access_fs, access);
		if (size > sizeof(access))
			zd_sb_adds(sb, ", ...");
		zd_sb_addc(sb, '}');
	}
	dec_arg(c, sb);
	put_udec(sb, size);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_landlock_create_ruleset_flags, flags);
	if (flags & 1)   /* LANDLOCK_CREATE_RULESET_VERSION: a number, not an fd */
		c->rkind = ZD_RET_D;
	return ZD_DEC_DONE;
}

int
zd_dec_landlock_add_rule(struct zd_call *c, struct zd_sb *sb)
{
	struct __attribute__((packed)) {
		uint64_t allowed_access;
		int32_t parent_fd;
	} pb;
	uint32_t type = (uint32_t)c->args[1];

	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_landlock_rule_types, type);
	dec_arg(c, sb);
	if (type != 1 || !umove_all(c, c->args[2], &pb, sizeof(pb))) {
		put_ptr(sb, c->args[2]);
	} else {
		zd_sb_adds(sb, "{allowed_access=");
		put_flags(sb, &zd_xlat_landlock_access_fs, pb.allowed_access);
		zd_sb_adds(sb, ", parent_fd=");
		put_fd(c, sb, pb.parent_fd);
		zd_sb_addc(sb, '}');
	}
	dec_arg(c, sb);
	put_hex(sb, (uint32_t)c->args[3]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* fanotify                                                          */

int
zd_dec_fanotify_init(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t flags = (uint32_t)c->args[0];

	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_fan_classes, flags & 0xc);
	if (flags & ~0xcu) {
		zd_sb_addc(sb, '|');
		put_flags(sb, &zd_xlat_fan_init_flags, flags & ~0xcu);
	}
	dec_arg(c, sb);
	put_open_flags(sb, (uint32_t)c->args[1]);
	return ZD_DEC_DONE;
}

int
zd_dec_fanotify_mark(struct zd_call *c, struct zd_sb *sb)
{
	int32_t dfd = (int32_t)c->args[3];

	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_fan_mark_flags, (uint32_t)c->args[1]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_fan_event_flags, c->args[2]);
	dec_arg(c, sb);
	if (dfd == -1)
		zd_xlat_sym(sb, ZD_XN_DEC, (uint64_t)-1, "FAN_NOFD");
	else
		put_dirfd(c, sb, dfd);
	dec_arg(c, sb);
	put_path(c, sb, c->args[4]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* name_to_handle_at, open_by_handle_at                              */

#define HANDLE_MAX 128

struct file_handle_k {
	uint32_t handle_bytes;
	int32_t handle_type;
};

/* f_handle="\x92\x20..." (all of it, in hex, at most 128 bytes) */
static void
put_f_handle(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint32_t bytes)
{
	unsigned char h[HANDLE_MAX];
	uint32_t len = ZD_MIN(bytes, (uint32_t)HANDLE_MAX);

	zd_sb_adds(sb, ", f_handle=");
	if (zd_umove(c->tid, addr + sizeof(struct file_handle_k), h, len) != (ssize_t)len) {
		zd_sb_adds(sb, "???");
		return;
	}
	put_quoted(sb, h, len, true);
	if (bytes > len)
		zd_sb_adds(sb, "...");
}

int
zd_dec_name_to_handle_at(struct zd_call *c, struct zd_sb *sb)
{
	struct file_handle_k h;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_dirfd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_path(c, sb, c->args[1]);
		dec_arg(c, sb);
		if (!umove_all(c, c->args[2], &h, sizeof(h))) {
			put_ptr(sb, c->args[2]);
			dec_arg(c, sb);
			put_ptr(sb, c->args[3]);
			dec_arg(c, sb);
			put_flags(sb, &zd_xlat_name_to_handle_at_flags, (uint32_t)c->args[4]);
			return ZD_DEC_DONE;
		}
		zd_sb_adds(sb, "{handle_bytes=");
		put_udec(sb, h.handle_bytes);
		c->priv[0] = h.handle_bytes;
		c->entry_nosep = true;
		return ZD_DEC_MORE;
	}
	if ((!dec_failed(c) || c->rval == -75 /* EOVERFLOW */) &&
	    zd_umove(c->tid, c->args[2], &h, sizeof(h)) == (ssize_t)sizeof(h)) {
		if (h.handle_bytes != (uint32_t)c->priv[0]) {
			zd_sb_adds(sb, " => ");
			put_udec(sb, h.handle_bytes);
		}
		if (!dec_failed(c)) {
			zd_sb_adds(sb, ", handle_type=");
			put_dec(sb, h.handle_type);
			put_f_handle(c, sb, c->args[2], h.handle_bytes);
		}
	}
	zd_sb_addc(sb, '}');
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[3]);
	else
		put_intp(c, sb, c->args[3]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_name_to_handle_at_flags, (uint32_t)c->args[4]);
	return ZD_DEC_DONE;
}

int
zd_dec_open_by_handle_at(struct zd_call *c, struct zd_sb *sb)
{
	struct file_handle_k h;

	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	if (!umove_all(c, c->args[1], &h, sizeof(h))) {
		put_ptr(sb, c->args[1]);
	} else {
		zd_sb_adds(sb, "{handle_bytes=");
		put_udec(sb, h.handle_bytes);
		zd_sb_adds(sb, ", handle_type=");
		put_dec(sb, h.handle_type);
		put_f_handle(c, sb, c->args[1], h.handle_bytes);
		zd_sb_addc(sb, '}');
	}
	dec_arg(c, sb);
	put_open_flags(sb, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}
