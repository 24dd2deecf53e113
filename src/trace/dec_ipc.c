/*
 * System V IPC as strace 6.1 prints it (src/ipc_sem.c, ipc_shm.c,
 * ipc_msg.c, print_msgbuf.c there): keys, "IPC_CREAT|0600", semaphore
 * operations, messages.  The *ctl calls are still printed raw.
 */
#include <stdio.h>

#include "dec.h"

/* The key: IPC_PRIVATE or hex. */
static void
put_ipc_key(struct zd_sb *sb, uint64_t key)
{
	if (!(uint32_t)key)
		zd_xlat_sym(sb, ZD_XN_HEX, 0, "IPC_PRIVATE");
	else
		put_hex(sb, (uint32_t)key);
}

/* "IPC_CREAT|IPC_EXCL|0600": flags, then the permission bits */
static void
put_ipc_flags(struct zd_sb *sb, const struct zd_xlat_tab *t, uint32_t v)
{
	if (v & ~0777u) {
		put_flags(sb, t, v & ~0777u);
		zd_sb_addc(sb, '|');
	}
	put_oct(sb, v & 0777);
}

int
zd_dec_semget(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_ipc_key(sb, c->args[0]);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[1]);
	dec_arg(c, sb);
	put_ipc_flags(sb, &zd_xlat_ipc_resource_flags, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_msgget(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_ipc_key(sb, c->args[0]);
	dec_arg(c, sb);
	put_ipc_flags(sb, &zd_xlat_ipc_resource_flags, (uint32_t)c->args[1]);
	return ZD_DEC_DONE;
}

int
zd_dec_shmget(struct zd_call *c, struct zd_sb *sb)
{
	uint32_t flags = (uint32_t)c->args[2] & ~0777u;
	uint32_t huge = flags & (0x3fu << 26);

	dec_arg(c, sb);
	put_ipc_key(sb, c->args[0]);
	dec_arg(c, sb);
	put_udec(sb, c->args[1]);
	dec_arg(c, sb);
	flags &= ~huge;
	if (flags)
		put_flags(sb, &zd_xlat_shm_resource_flags, flags);
	if (huge) {
		if (flags)
			zd_sb_addc(sb, '|');
		zd_sb_addf(sb, "%u<<", huge >> 26);
		zd_xlat_sym(sb, ZD_XN_UDEC, 26, "SHM_HUGE_SHIFT");
	}
	if (flags || huge)
		zd_sb_addc(sb, '|');
	put_oct(sb, (uint32_t)c->args[2] & 0777);
	return ZD_DEC_DONE;
}

int
zd_dec_shmat(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_ptr(sb, c->args[1]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_shmat_flags, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

static void
put_sembuf(const struct zd_call *c, struct zd_sb *sb, const void *elem)
{
	const struct { uint16_t num; int16_t op; int16_t flg; } *s = elem;

	(void)c;
	zd_sb_addf(sb, "{sem_num=%u, sem_op=%d, sem_flg=", s->num, s->op);
	put_flags(sb, &zd_xlat_semop_flags, (uint16_t)s->flg);
	zd_sb_addc(sb, '}');
}

static void
dec_sops(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_array(c, sb, c->args[1], (uint32_t)c->args[2], 6, put_sembuf);
	dec_arg(c, sb);
	put_udec(sb, (uint32_t)c->args[2]);
}

int
zd_dec_semop(struct zd_call *c, struct zd_sb *sb)
{
	dec_sops(c, sb);
	return ZD_DEC_DONE;
}

int
zd_dec_semtimedop(struct zd_call *c, struct zd_sb *sb)
{
	dec_sops(c, sb);
	dec_arg(c, sb);
	put_timespec(c, sb, c->args[3]);
	return ZD_DEC_DONE;
}

/* {mtype=1, mtext="..."} with count bytes of text (msgrcv: the size
 * asked for, as strace) */
static void
put_msgbuf(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t count)
{
	int64_t mtype;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if ((c->exiting && dec_failed(c)) || !umove_all(c, addr, &mtype, sizeof(mtype))) {
		put_hex(sb, addr);
		return;
	}
	zd_sb_addf(sb, "{mtype=%lld, mtext=", (long long)mtype);
	put_buf(c, sb, addr + sizeof(mtype), count);
	zd_sb_addc(sb, '}');
}

int
zd_dec_msgsnd(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_msgbuf(c, sb, c->args[1], c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_ipc_msg_flags, (uint32_t)c->args[3]);
	return ZD_DEC_DONE;
}

int
zd_dec_msgrcv(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_dec(sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	put_msgbuf(c, sb, c->args[1], c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_dec(sb, (int64_t)c->args[3]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_ipc_msg_flags, (uint32_t)c->args[4]);
	return ZD_DEC_DONE;
}
