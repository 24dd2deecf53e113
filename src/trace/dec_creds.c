/*
 * Credentials as strace 6.1 prints them (src/uid.c, src/capability.c
 * there): group lists as arrays, -1 ids as -1.
 */
#include <string.h>
#include <unistd.h>

#include "dec.h"

static void
put_gid(const struct zd_call *c, struct zd_sb *sb, const void *elem)
{
	uint32_t gid;

	(void)c;
	memcpy(&gid, elem, sizeof(gid));
	if (gid == UINT32_MAX)
		zd_sb_adds(sb, "-1");
	else
		put_udec(sb, gid);
}

/* More than NGROUPS_MAX entries: only the address, as strace. */
static void
put_groups(const struct zd_call *c, struct zd_sb *sb, uint32_t len, uint64_t addr)
{
	static long ngroups_max;

	if (!ngroups_max)
		ngroups_max = sysconf(_SC_NGROUPS_MAX);
	if (ngroups_max > 0 && len > (unsigned long)ngroups_max)
		put_ptr(sb, addr);
	else
		put_array(c, sb, addr, len, sizeof(uint32_t), put_gid);
}

int
zd_dec_setgroups(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_groups(c, sb, (uint32_t)c->args[0], c->args[1]);
	return ZD_DEC_DONE;
}

int
zd_dec_getgroups(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_dec(sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_groups(c, sb, (uint32_t)c->rval, c->args[1]);
	return ZD_DEC_DONE;
}
