/*
 * Socket decoders: socket, socketpair, connect, bind, accept(4),
 * getsockname, getpeername, sendto, recvfrom, sendmsg, recvmsg,
 * setsockopt, getsockopt; socket addresses for AF_UNIX, AF_INET,
 * AF_INET6 and AF_NETLINK (others print their family and raw bytes).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/netlink.h>

#include "dec.h"

#define SOCK_TYPE_MASK 0xf


void
put_sockaddr(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, int64_t len)
{
	struct sockaddr_storage ss;
	size_t n;
	int family;

	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (len < 2) {
		put_hex(sb, addr);
		return;
	}
	n = (size_t)ZD_MIN(len, (int64_t)sizeof(ss));
	memset(&ss, 0, sizeof(ss));
	if (!umove_all(c, addr, &ss, n)) {
		put_hex(sb, addr);
		return;
	}
	family = ss.ss_family;
	zd_sb_adds(sb, "{sa_family=");
	put_xval(sb, &zd_xlat_address_families, (uint64_t)family);
	switch (family) {
	case AF_UNIX: {
		const struct sockaddr_un *un = (const void *)&ss;
		size_t plen = n - offsetof(struct sockaddr_un, sun_path);

		if (!plen)
			break;
		zd_sb_adds(sb, ", sun_path=");
		if (un->sun_path[0] == '\0' && plen > 1) {
			/* Abstract socket: every byte counts, including NULs. */
			zd_sb_addc(sb, '@');
			put_quoted(sb, un->sun_path + 1, plen - 1, false);
		} else {
			put_quoted(sb, un->sun_path, strnlen(un->sun_path, plen), false);
		}
		break;
	}
	case AF_INET: {
		const struct sockaddr_in *in = (const void *)&ss;
		char buf[INET_ADDRSTRLEN];

		if (n < sizeof(*in))
			goto raw;
		inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
		zd_sb_addf(sb, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")", ntohs(in->sin_port), buf);
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const void *)&ss;
		char buf[INET6_ADDRSTRLEN];

		if (n < sizeof(*in6))
			goto raw;
		inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
		zd_sb_addf(sb, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"%s\", &sin6_addr), sin6_scope_id=%u",
			   ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo), buf, in6->sin6_scope_id);
		break;
	}
	case AF_NETLINK: {
		const struct sockaddr_nl *nl = (const void *)&ss;

		if (n < sizeof(*nl))
			goto raw;
		zd_sb_addf(sb, ", nl_pid=%u, nl_groups=%08x", nl->nl_pid, nl->nl_groups);
		break;
	}
	default:
	raw:
		if (n > 2) {
			zd_sb_adds(sb, ", sa_data=");
			put_quoted(sb, (const char *)&ss + 2, n - 2, false);
		}
		break;
	}
	zd_sb_addc(sb, '}');
}

/* strace's tprint_sock_type: a known type, then the flags; an unknown
 * type goes with them into the flags' printer. */
static void
put_sock_type(struct zd_sb *sb, uint64_t type)
{
	uint32_t t = (uint32_t)type;

	if (zd_xlat_name(&zd_xlat_socket_types, t & SOCK_TYPE_MASK)) {
		put_xval(sb, &zd_xlat_socket_types, t & SOCK_TYPE_MASK);
		t &= ~(uint32_t)SOCK_TYPE_MASK;
		if (!t)
			return;
		zd_sb_addc(sb, '|');
	}
	put_flags(sb, &zd_xlat_sock_type_flags, t);
}

static void
put_protocol(struct zd_sb *sb, int family, uint64_t proto)
{
	if (family == AF_INET || family == AF_INET6)
		put_xval(sb, &zd_xlat_inet_protocols, (uint32_t)proto);
	else if (family == AF_NETLINK)
		put_xval(sb, &zd_xlat_netlink_protocols, (uint32_t)proto);
	else
		put_dec(sb, (int32_t)proto);
}

int
zd_dec_socket(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_address_families, (uint32_t)c->args[0]);
	dec_arg(c, sb);
	put_sock_type(sb, c->args[1]);
	dec_arg(c, sb);
	put_protocol(sb, (int)(uint32_t)c->args[0], c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_socketpair(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		zd_dec_socket(c, sb);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[3]);
	else
		put_fdpair(c, sb, c->args[3]);
	return ZD_DEC_DONE;
}

static int
dec_sockaddr_in(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_sockaddr(c, sb, c->args[1], (int32_t)c->args[2]);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int zd_dec_connect(struct zd_call *c, struct zd_sb *sb) { return dec_sockaddr_in(c, sb); }
int zd_dec_bind(struct zd_call *c, struct zd_sb *sb) { return dec_sockaddr_in(c, sb); }

/*
 * An address returned through (addr, *lenp): at entry remember *lenp, at
 * exit print the address and "[in => out]" (or "[out]" when unchanged).
 */
static void
remember_len(struct zd_call *c, uint64_t lenp, int slot)
{
	int len = -1;

	if (lenp && zd_umove(c->tid, lenp, &len, sizeof(len)) != sizeof(len))
		len = -1;
	c->priv[slot] = (uint64_t)(uint32_t)len;
}

static void
put_addr_out(struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t lenp, int slot)
{
	int in = (int32_t)c->priv[slot], out;

	dec_arg(c, sb);
	if (dec_failed(c) || !addr || !lenp || zd_umove(c->tid, lenp, &out, sizeof(out)) != sizeof(out)) {
		put_ptr(sb, addr);
		dec_arg(c, sb);
		if (lenp && in >= 0)
			zd_sb_addf(sb, "[%d]", in);
		else
			put_ptr(sb, lenp);
		return;
	}
	put_sockaddr(c, sb, addr, ZD_MIN(in, out));
	dec_arg(c, sb);
	if (in == out)
		zd_sb_addf(sb, "[%d]", out);
	else
		zd_sb_addf(sb, "[%d => %d]", in, out);
}

static int
dec_accept_common(struct zd_call *c, struct zd_sb *sb, bool has_flags)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		remember_len(c, c->args[2], 0);
		return ZD_DEC_MORE;
	}
	put_addr_out(c, sb, c->args[1], c->args[2], 0);
	if (has_flags) {
		dec_arg(c, sb);
		put_flags(sb, &zd_xlat_sock_type_flags, (uint32_t)c->args[3]);
	}
	return ZD_DEC_DONE;
}

int zd_dec_accept(struct zd_call *c, struct zd_sb *sb) { return dec_accept_common(c, sb, false); }
int zd_dec_accept4(struct zd_call *c, struct zd_sb *sb) { return dec_accept_common(c, sb, true); }
int zd_dec_getsockname(struct zd_call *c, struct zd_sb *sb) { return dec_accept_common(c, sb, false); }
int zd_dec_getpeername(struct zd_call *c, struct zd_sb *sb) { return dec_accept_common(c, sb, false); }

int
zd_dec_sendto(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_buf(c, sb, c->args[1], c->args[2]);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_msg_flags, (uint32_t)c->args[3]);
	dec_arg(c, sb);
	put_sockaddr(c, sb, c->args[4], (int32_t)c->args[5]);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[5]);
	return ZD_DEC_DONE;
}

int
zd_dec_recvfrom(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		remember_len(c, c->args[5], 0);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_buf(c, sb, c->args[1], (uint64_t)c->rval);
	dec_arg(c, sb);
	put_udec(sb, c->args[2]);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_msg_flags, (uint32_t)c->args[3]);
	put_addr_out(c, sb, c->args[4], c->args[5], 0);
	return ZD_DEC_DONE;
}

static void
put_msghdr(struct zd_call *c, struct zd_sb *sb, uint64_t addr, int64_t data_len)
{
	struct msghdr m;

	if (!umove_all(c, addr, &m, sizeof(m))) {
		put_ptr(sb, addr);
		return;
	}
	zd_sb_adds(sb, "{msg_name=");
	if (m.msg_name && m.msg_namelen)
		put_sockaddr(c, sb, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen);
	else
		put_ptr(sb, (uint64_t)(uintptr_t)m.msg_name);
	zd_sb_adds(sb, ", msg_namelen=");
	put_udec(sb, m.msg_namelen);
	zd_sb_adds(sb, ", msg_iov=");
	put_iov(c, sb, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen, data_len);
	zd_sb_adds(sb, ", msg_iovlen=");
	put_udec(sb, m.msg_iovlen);
	if (m.msg_controllen) {
		zd_sb_adds(sb, ", msg_control=");
		put_ptr(sb, (uint64_t)(uintptr_t)m.msg_control);
	}
	zd_sb_adds(sb, ", msg_controllen=");
	put_udec(sb, m.msg_controllen);
	zd_sb_adds(sb, ", msg_flags=");
	put_flags(sb, &zd_xlat_msg_flags, (uint32_t)m.msg_flags);
	zd_sb_addc(sb, '}');
}

int
zd_dec_sendmsg(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_msghdr(c, sb, c->args[1], INT64_MAX);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_msg_flags, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

int
zd_dec_recvmsg(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c))
		put_ptr(sb, c->args[1]);
	else
		put_msghdr(c, sb, c->args[1], c->rval);
	dec_arg(c, sb);
	put_flags(sb, &zd_xlat_msg_flags, (uint32_t)c->args[2]);
	return ZD_DEC_DONE;
}

static void
put_sockopt_name(struct zd_sb *sb, uint64_t level, uint64_t name)
{
	switch ((uint32_t)level) {
	case SOL_SOCKET:
		put_xval(sb, &zd_xlat_sock_options, (uint32_t)name);
		break;
	case IPPROTO_TCP:
		put_xval(sb, &zd_xlat_tcp_options, (uint32_t)name);
		break;
	default:
		put_dec(sb, (int32_t)name);
		break;
	}
}

static void
put_optval(struct zd_call *c, struct zd_sb *sb, uint64_t addr, int64_t len)
{
	if (len == 4)
		put_intp(c, sb, addr);
	else if (len > 0)
		put_buf(c, sb, addr, (uint64_t)len);
	else
		put_ptr(sb, addr);
}

int
zd_dec_setsockopt(struct zd_call *c, struct zd_sb *sb)
{
	dec_arg(c, sb);
	put_fd(c, sb, (int32_t)c->args[0]);
	dec_arg(c, sb);
	put_xval(sb, &zd_xlat_sock_levels, (uint32_t)c->args[1]);
	dec_arg(c, sb);
	put_sockopt_name(sb, c->args[1], c->args[2]);
	dec_arg(c, sb);
	put_optval(c, sb, c->args[3], (int32_t)c->args[4]);
	dec_arg(c, sb);
	put_dec(sb, (int32_t)c->args[4]);
	return ZD_DEC_DONE;
}

int
zd_dec_getsockopt(struct zd_call *c, struct zd_sb *sb)
{
	int out;

	if (!c->exiting) {
		dec_arg(c, sb);
		put_fd(c, sb, (int32_t)c->args[0]);
		dec_arg(c, sb);
		put_xval(sb, &zd_xlat_sock_levels, (uint32_t)c->args[1]);
		dec_arg(c, sb);
		put_sockopt_name(sb, c->args[1], c->args[2]);
		remember_len(c, c->args[4], 0);
		return ZD_DEC_MORE;
	}
	dec_arg(c, sb);
	if (dec_failed(c) || !c->args[4] || zd_umove(c->tid, c->args[4], &out, sizeof(out)) != sizeof(out)) {
		put_ptr(sb, c->args[3]);
		dec_arg(c, sb);
		put_ptr(sb, c->args[4]);
		return ZD_DEC_DONE;
	}
	put_optval(c, sb, c->args[3], out);
	dec_arg(c, sb);
	if ((int32_t)c->priv[0] == out)
		zd_sb_addf(sb, "[%d]", out);
	else
		zd_sb_addf(sb, "[%d => %d]", (int32_t)c->priv[0], out);
	return ZD_DEC_DONE;
}
