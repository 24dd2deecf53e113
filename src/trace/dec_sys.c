/*
 * System administration calls as strace 6.1 prints them (src/hostname.c,
 * syslog.c, reboot.c, kexec.c, kcmp.c, keyctl.c, process_vm.c there):
 * host names, the kernel log, reboot's magic numbers, kernel modules,
 * kcmp, keys, another process's memory.
 */
#include <string.h>
#include <sys/uio.h>

#include "dec.h"

/* sethostname, setdomainname: the name as len bytes; longer than the
 * kernel's 64 the address. */
int
zd_dec_sethostname(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t len = (uint32_t)c->args[1];

	dec_arg(c, sb);
	if (len > 64)
		put_ptr(sb, c->args[0]);
	else
		put_buf(c, sb, c->args[0], len);
	dec_arg(c, sb);
	put_udec(sb, len);
	return ZD_DEC_DONE;
}

int
zd_dec_setdomainname(struct zd_call *c, struct zd_sb *sb)
{
	return zd_dec_sethostname(c, sb);
}

/* A value always in strace's verbose style, in decimal:
 * "10 /" "* SYSLOG_ACTION_SIZE_BUFFER *" "/". */
static void
put_xval_verbose_dec(struct zd_sb *sb, const struct zd_xlat_tab *t, int32_t v)
{
	const char *n = zd_xlat_name(t, (uint64_t)(int64_t)v);

	zd_sb_addf(sb, "%d /* %s */", v, n ? n : t->unknown);
}

enum {
	SYSLOG_READ = 2, SYSLOG_READ_ALL = 3, SYSLOG_READ_CLEAR = 4,
	SYSLOG_CONSOLE_LEVEL = 8,
};

int
zd_dec_syslog(struct zd_call *c, struct zd_sb *sb)
{
	int32_t type = (int32_t)c->args[0], len = (int32_t)c->args[2];

	if (!c->exiting) {
		dec_arg(c, sb);
		put_xval_verbose_dec(sb, &zd_xlat_syslog_actions, type);
		if (type == SYSLOG_READ || type == SYSLOG_READ_ALL || type == SYSLOG_READ_CLEAR)
			return ZD_DEC_MORE;
		if (type >= 0 && type <= 10 && type != SYSLOG_CONSOLE_LEVEL)
			return ZD_DEC_DONE;   /* buffer and length unused */
		dec_arg(c, sb);
		put_ptr(sb, c->args[1]);
		dec_arg(c, sb);
		if (type == SYSLOG_CONSOLE_LEVEL)
			put_xval_verbose_dec(sb, &zd_xlat_syslog_levels, len);
		else
			put_dec(sb, len);
		return ZD_DEC_DONE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_buf(c, sb, c->args[1], (uint64_t)c->rval);
	dec_arg(c, sb);
	put_dec(sb, len);
	return ZD_DEC_DONE;
}

#define REBOOT_CMD_RESTART2 0xA1B2C3D4u

int
zd_dec_reboot(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t cmd = (uint32_t)c->args[2];

	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_reboot_magic1, (uint32_t)c->args[0]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_reboot_magic2, (uint32_t)c->args[1]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_reboot_cmds, cmd);
	if (cmd == REBOOT_CMD_RESTART2) {
		dec_arg(c, sb);
		put_str(c, sb, c->args[3]);
	}
	return ZD_DEC_DONE;
}

/* kexec_file_load(kernel_fd, initrd_fd, cmdline_len, cmdline, flags) */
int
zd_dec_kexec_file_load(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[1]);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_buf(c, sb, c->args[3], c->args[2]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_kexec_file_load_flags, c->args[4]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* kcmp                                                              */

enum { KCMP_FILE_K = 0, KCMP_EPOLL_TFD_K = 7 };

struct kcmp_epoll_slot_k {
	uint32_t efd;
	uint32_t tfd;
	uint32_t toff;
};

int
zd_dec_kcmp(struct zd_call *c, struct zd_sb *sb)
{
	int32_t pid1 = (int32_t)c->args[0], pid2 = (int32_t)c->args[1];
	int32_t type = (int32_t)c->args[2];
	struct kcmp_epoll_slot_k slot;

	dec_arg(c, sb);
	put_pid(c, sb, pid1);
	dec_arg(c, sb);
	put_pid(c, sb, pid2);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_kcmp_types, (uint32_t)type);
	switch (type) {
	case KCMP_FILE_K:
		dec_arg(c, sb);
		put_fd_of(c, sb, pid1, (int32_t)c->args[3]);
		dec_arg(c, sb);
		put_fd_of(c, sb, pid2, (int32_t)c->args[4]);
		break;
	case KCMP_EPOLL_TFD_K:
		dec_arg(c, sb);
		put_fd_of(c, sb, pid1, (int32_t)c->args[3]);
		dec_arg(c, sb);
		if (!umove_all(c, c->args[4], &slot, sizeof(slot))) {
			put_ptr(sb, c->args[4]);
			break;
		}
		zd_sb_adds(sb, "{efd=");
		put_fd_of(c, sb, pid2, (int32_t)slot.efd);
		zd_sb_adds(sb, ", tfd=");
		put_fd_of(c, sb, pid2, (int32_t)slot.tfd);
		zd_sb_adds(sb, ", toff=");
		put_udec(sb, slot.toff);
		zd_sb_addc(sb, '}');
		break;
	case 1: case 2: case 3: case 4: case 5: case 6:
		break;
	default:
		dec_arg(c, sb);
		put_hex(sb, c->args[3]);
		dec_arg(c, sb);
		put_hex(sb, c->args[4]);
		break;
	}
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* Keys                                                              */

static void
put_key_serial(struct zd_sb *sb, uint64_t v)
{
	zd_xlat_val_dec(sb, &zd_xlat_key_spec, (int32_t)v);
}

int
zd_dec_add_key(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_str(c, sb, c->args[0]);
	dec_arg(c, sb);
	put_str(c, sb, c->args[1]);
	dec_arg(c, sb);
	put_buf(c, sb, c->args[2], c->args[3]);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	dec_arg(c, sb);
	put_key_serial(sb, c->args[4]);
	return ZD_DEC_DONE;
}

int
zd_dec_request_key(struct zd_call *c, struct zd_sb *sb)
{
	int i;

	for (i = 0; i < 3; i++) {
		dec_arg(c, sb);
		put_str(c, sb, c->args[i]);
	}
	dec_arg(c, sb);
	put_key_serial(sb, c->args[3]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* process_vm_readv, process_vm_writev, process_madvise              */

/* local iov (contents up to data_len bytes, or addresses), then the
 * counts, the remote iov (addresses) and the flags */
static int
dec_process_vm(struct zd_call *c, struct zd_sb *sb, int64_t data_len)
{
	dec_arg(c, sb);
	put_iov(c, sb, c->args[1], c->args[2], data_len);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_iov(c, sb, c->args[3], c->args[4], -1);
	dec_arg(c, sb);
	put_udec(sb, c->args[4]);
	dec_arg(c, sb);
	put_udec(sb, c->args[5]);
	return ZD_DEC_DONE;
}

int
zd_dec_process_vm_readv(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	return dec_process_vm(c, sb, dec_failed(c) ? -1 : c->rval);
}

int
zd_dec_process_vm_writev(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_pid(c, sb, (int32_t)c->args[0]);
	return dec_process_vm(c, sb, INT64_MAX);
}

int
zd_dec_process_madvise(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_iov(c, sb, c->args[1], c->args[2], -1);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_madvise_advice, (uint32_t)c->args[3]);
	dec_arg(c, sb);
	put_hex(sb, (uint32_t)c->args[4]);
	return ZD_DEC_DONE;
}

/* get_robust_list(pid, >[head], >[len]) */
static void
put_ulong_at(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, bool hex)
{
	uint64_t v;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
	} else if (dec_failed(c) || !umove_all(c, addr, &v, sizeof(v))) {
		put_hex(sb, addr);
	} else {
		zd_sb_addc(sb, '[');
		if (hex)
			put_ptr(sb, v);
		else
			put_udec(sb, v);
		zd_sb_addc(sb, ']');
	}
}

int
zd_dec_get_robust_list(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_pid(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_ulong_at(c, sb, c->args[1], true);
	dec_arg(c, sb);
	put_ulong_at(c, sb, c->args[2], false);
	return ZD_DEC_DONE;
}

int
zd_dec_remap_file_pages(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_ptr(sb, c->args[0]);
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_mmap_prot, c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[3]);
	dec_arg(c, sb);
	put_mmap_flags(sb, c->args[4]);
	return ZD_DEC_DONE;
}

/* ---------------------------------------------------------------- */
/* AIO: io_setup, io_getevents (io_destroy is a table line)         */

int
zd_dec_io_setup(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_udec(sb, (uint32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_ulong_at(c, sb, c->args[1], true);
	return ZD_DEC_DONE;
}

static void
put_io_event(const struct zd_call *c, struct zd_sb *sb, const void *elem)
{
	const struct { uint64_t data, obj; int64_t res, res2; } *e = elem;

	(void)c;
	zd_sb_adds(sb, "{data=");
	put_hex(sb, e->data);
	zd_sb_adds(sb, ", obj=");
	put_hex(sb, e->obj);
	zd_sb_addf(sb, ", res=%lld, res2=%lld}", (long long)e->res, (long long)e->res2);
}

int
zd_dec_io_getevents(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_ptr(sb, c->args[0]);
		dec_arg(c, sb);
		put_dec(sb, (int64_t)c->args[1]);
		dec_arg(c, sb);
		put_dec(sb, (int64_t)c->args[2]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[3]);
	else
		put_array(c, sb, c->args[3], (uint64_t)c->rval, 32, put_io_event);
	dec_arg(c, sb);
	/* read by the kernel at the entry: shown even when the call failed */
	put_timespec(c, sb, c->args[4]);
	return ZD_DEC_DONE;
}

/* kexec_load(entry, nr_segments, segments, flags): the segments (at most
 * KEXEC_SEGMENT_MAX, 16, else the address), the arch and the flags */
static void
put_kexec_segment(const struct zd_call *c, struct zd_sb *sb, const void *elem)
{
	const uint64_t *s = elem;

	(void)c;
	zd_sb_adds(sb, "{buf=");
	put_ptr(sb, s[0]);
	zd_sb_addf(sb, ", bufsz=%llu, mem=", (unsigned long long)s[1]);
	put_ptr(sb, s[2]);
	zd_sb_addf(sb, ", memsz=%llu}", (unsigned long long)s[3]);
}

int
zd_dec_kexec_load(struct zd_call *c, struct zd_sb *sb)
{
	uint64_t flags = c->args[3];

	dec_arg(c, sb);
	put_ptr(sb, c->args[0]);
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	dec_arg(c, sb);
	if (c->args[1] > 16)
		put_ptr(sb, c->args[2]);
	else
		put_array(c, sb, c->args[2], c->args[1], 4 * sizeof(uint64_t), put_kexec_segment);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_kexec_arch, flags & 0xffff0000ULL);
	if (flags & ~0xffff0000ULL) {
		zd_sb_addc(sb, '|');
		put_flags(sb, &zd_xlat_kexec_load_flags, flags & ~0xffff0000ULL);
	}
	return ZD_DEC_DONE;
}
