/*
 * Socket details by inode through NETLINK_SOCK_DIAG (see
 * include/zdiag/sockdiag.h): one request per lookup on a socket of its
 * own, a bounded parser that trusts no length in the reply, and a small
 * direct-mapped cache of the sockets found.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "zdiag/common.h"
#include "zdiag/sockdiag.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP 115
#endif

/* The protocols sock_diag serves, by the kernel's sockprotoname. */
static const struct {
	const char *name;
	uint8_t kind, family, protocol;
} protos[] = {
	{ "UNIX", ZD_SOCK_UNIX, AF_UNIX, 0 },
	{ "UNIX-STREAM", ZD_SOCK_UNIX, AF_UNIX, 0 },
	{ "TCP", ZD_SOCK_INET, AF_INET, IPPROTO_TCP },
	{ "UDP", ZD_SOCK_INET, AF_INET, IPPROTO_UDP },
	{ "UDPLITE", ZD_SOCK_INET, AF_INET, IPPROTO_UDPLITE },
	{ "DCCP", ZD_SOCK_INET, AF_INET, IPPROTO_DCCP },
	{ "SCTP", ZD_SOCK_INET, AF_INET, IPPROTO_SCTP },
	{ "L2TP/IP", ZD_SOCK_INET, AF_INET, IPPROTO_L2TP },
	{ "PING", ZD_SOCK_INET, AF_INET, IPPROTO_ICMP },
	{ "RAW", ZD_SOCK_INET, AF_INET, IPPROTO_RAW },
	{ "TCPv6", ZD_SOCK_INET, AF_INET6, IPPROTO_TCP },
	{ "UDPv6", ZD_SOCK_INET, AF_INET6, IPPROTO_UDP },
	{ "UDPLITEv6", ZD_SOCK_INET, AF_INET6, IPPROTO_UDPLITE },
	{ "DCCPv6", ZD_SOCK_INET, AF_INET6, IPPROTO_DCCP },
	{ "SCTPv6", ZD_SOCK_INET, AF_INET6, IPPROTO_SCTP },
	{ "L2TP/IPv6", ZD_SOCK_INET, AF_INET6, IPPROTO_L2TP },
	{ "PINGv6", ZD_SOCK_INET, AF_INET6, IPPROTO_ICMP },
	{ "RAWv6", ZD_SOCK_INET, AF_INET6, IPPROTO_RAW },
	{ "NETLINK", ZD_SOCK_NETLINK, AF_NETLINK, 0 },
};

/* ---------------------------------------------------------------- */
/* The parser                                                        */

/* One SOCK_DIAG_BY_FAMILY message of plen bytes at p: 1 found, 0 another
 * socket, -errno. */
static int
parse_inet(const unsigned char *p, size_t plen, uint64_t ino, struct zd_sockinfo *out)
{
	struct inet_diag_msg m;

	if (plen < sizeof(m))
		return -EPROTO;
	memcpy(&m, p, sizeof(m));
	if (m.idiag_inode != ino)
		return 0;
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->kind = ZD_SOCK_INET;
	out->family = m.idiag_family;
	out->state = m.idiag_state;
	out->sport = ntohs(m.id.idiag_sport);
	out->dport = ntohs(m.id.idiag_dport);
	memcpy(out->src, m.id.idiag_src, sizeof(out->src));
	memcpy(out->dst, m.id.idiag_dst, sizeof(out->dst));
	return 1;
}

static int
parse_unix(const unsigned char *p, size_t plen, uint64_t ino, struct zd_sockinfo *out)
{
	struct unix_diag_msg m;
	size_t off = sizeof(m);

	if (plen < sizeof(m))
		return -EPROTO;
	memcpy(&m, p, sizeof(m));
	if (m.udiag_ino != ino)
		return 0;
	if (m.udiag_family != AF_UNIX)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->kind = ZD_SOCK_UNIX;
	out->state = m.udiag_state;
	out->type = m.udiag_type;
	/* Attributes: {u16 len, u16 type, payload}, each 4-aligned. */
	while (plen - off >= sizeof(struct rtattr)) {
		struct rtattr a;
		size_t alen, pay;

		memcpy(&a, p + off, sizeof(a));
		alen = a.rta_len;
		if (alen < sizeof(a) || alen > plen - off)
			break;
		pay = alen - sizeof(a);
		if (a.rta_type == UNIX_DIAG_NAME && !out->pathlen && pay) {
			out->pathlen = (uint16_t)ZD_MIN(pay, sizeof(out->path));
			memcpy(out->path, p + off + sizeof(a), out->pathlen);
		} else if (a.rta_type == UNIX_DIAG_PEER && pay >= 4) {
			memcpy(&out->peer, p + off + sizeof(a), 4);
		}
		alen = NLMSG_ALIGN(alen);
		if (alen >= plen - off)
			break;
		off += alen;
	}
	/* strace shows a UNIX socket with neither as "UNIX:[ino]" */
	return out->peer || out->pathlen ? 1 : -ENOENT;
}

static int
parse_netlink(const unsigned char *p, size_t plen, uint64_t ino, struct zd_sockinfo *out)
{
	struct netlink_diag_msg m;

	if (plen < sizeof(m))
		return -EPROTO;
	memcpy(&m, p, sizeof(m));
	if (m.ndiag_ino != ino)
		return 0;
	if (m.ndiag_family != AF_NETLINK)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->kind = ZD_SOCK_NETLINK;
	out->nlproto = m.ndiag_protocol;
	out->portid = m.ndiag_portid;
	return 1;
}

int
zd_sockdiag_parse(enum zd_sock_kind kind, const void *buf, size_t len, uint64_t ino,
		  struct zd_sockinfo *out)
{
	const unsigned char *p = buf;
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t hlen;
		int rc;

		memcpy(&h, p + off, sizeof(h));
		hlen = h.nlmsg_len;
		if (hlen < sizeof(h) || hlen > len - off)
			return -EPROTO;
		if (h.nlmsg_type == NLMSG_DONE)
			return 2;
		if (h.nlmsg_type == NLMSG_ERROR)
			return -ENOENT;
		if (h.nlmsg_type != SOCK_DIAG_BY_FAMILY)
			return -EPROTO;
		switch (kind) {
		case ZD_SOCK_INET:
			rc = parse_inet(p + off + sizeof(h), hlen - sizeof(h), ino, out);
			break;
		case ZD_SOCK_UNIX:
			rc = parse_unix(p + off + sizeof(h), hlen - sizeof(h), ino, out);
			break;
		case ZD_SOCK_NETLINK:
			rc = parse_netlink(p + off + sizeof(h), hlen - sizeof(h), ino, out);
			break;
		default:
			return -EINVAL;
		}
		if (rc)
			return rc;
		hlen = NLMSG_ALIGN(hlen);
		if (hlen >= len - off)
			break;
		off += hlen;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Queries                                                           */

static int
send_request(int fd, const void *req, size_t len)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	for (;;) {
		if (sendto(fd, req, len, 0, (const struct sockaddr *)&nl, sizeof(nl)) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

static int
request(int fd, unsigned kind, unsigned family, unsigned protocol, uint64_t ino)
{
	if (kind == ZD_SOCK_INET) {
		struct {
			struct nlmsghdr h;
			struct inet_diag_req_v2 r;
		} q;

		memset(&q, 0, sizeof(q));
		q.h.nlmsg_len = sizeof(q);
		q.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		q.r.sdiag_family = (uint8_t)family;
		q.r.sdiag_protocol = (uint8_t)protocol;
		q.r.idiag_states = ~0u;
		return send_request(fd, &q, sizeof(q));
	}
	if (kind == ZD_SOCK_UNIX) {
		struct {
			struct nlmsghdr h;
			struct unix_diag_req r;
		} q;

		/* One socket, asked by inode: no dump. */
		memset(&q, 0, sizeof(q));
		q.h.nlmsg_len = sizeof(q);
		q.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		q.h.nlmsg_flags = NLM_F_REQUEST;
		q.r.sdiag_family = AF_UNIX;
		q.r.udiag_ino = (uint32_t)ino;
		q.r.udiag_states = ~0u;
		q.r.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
		q.r.udiag_cookie[0] = q.r.udiag_cookie[1] = ~0u;
		return send_request(fd, &q, sizeof(q));
	}
	{
		struct {
			struct nlmsghdr h;
			struct netlink_diag_req r;
		} q;

		memset(&q, 0, sizeof(q));
		q.h.nlmsg_len = sizeof(q);
		q.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		q.r.sdiag_family = AF_NETLINK;
		q.r.sdiag_protocol = NDIAG_PROTO_ALL;
		return send_request(fd, &q, sizeof(q));
	}
}

/* A dump's replies, up to this many reads (a dump of every socket of one
 * protocol ends with NLMSG_DONE long before). */
#define MAX_READS 65536

static int
query(unsigned kind, unsigned family, unsigned protocol, uint64_t ino, struct zd_sockinfo *out)
{
	static uint32_t buf[65536 / sizeof(uint32_t)];   /* 4-aligned for the headers */
	struct timeval tv = { 2, 0 };
	int fd, rc, i;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	/* The kernel answers at once; the limit only guards against a hang. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	rc = request(fd, kind, family, protocol, ino);
	for (i = 0; !rc && i < MAX_READS; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0) {
			rc = -ENOENT;
			break;
		}
		rc = zd_sockdiag_parse((enum zd_sock_kind)kind, buf, (size_t)n, ino, out);
		if (rc == 1) {
			rc = 0;
			break;
		}
		if (rc == 2 || (rc == 0 && kind == ZD_SOCK_UNIX))   /* exact request: one answer */
			rc = -ENOENT;
	}
	if (i == MAX_READS)
		rc = -ENOENT;
	close(fd);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The cache                                                         */

#define CACHE_SIZE 1024u

static struct {
	bool used;
	struct zd_sockinfo si;
} cache[CACHE_SIZE];

/* Whether what sock_diag said stays true while the inode lives. */
static bool
settled(const struct zd_sockinfo *si, unsigned protocol)
{
	switch (si->kind) {
	case ZD_SOCK_INET:
		/* TCP listening, or connected (and what follows): addresses
		 * fixed.  A datagram socket once connected (reconnecting one
		 * is rare); one only bound may connect at any time. */
		if (protocol == IPPROTO_TCP)
			return si->state != TCP_CLOSE && si->state != TCP_SYN_SENT;
		return si->state == TCP_ESTABLISHED;
	case ZD_SOCK_UNIX:
		return (si->type == SOCK_STREAM || si->type == SOCK_SEQPACKET) &&
		       (si->peer || si->state == TCP_LISTEN);
	case ZD_SOCK_NETLINK:
		return si->portid != 0;   /* bound: the port id stays */
	default:
		return false;
	}
}

void
zd_sockdiag_flush(void)
{
	memset(cache, 0, sizeof(cache));
}

int
zd_sockdiag_lookup(const char *proto, uint64_t ino, struct zd_sockinfo *out)
{
	size_t i;
	int rc;

	for (i = 0; i < ZD_ARRAY_SIZE(protos); i++)
		if (!strcmp(proto, protos[i].name))
			break;
	if (i == ZD_ARRAY_SIZE(protos))
		return -EPROTONOSUPPORT;
	if (cache[ino % CACHE_SIZE].used && cache[ino % CACHE_SIZE].si.ino == ino &&
	    cache[ino % CACHE_SIZE].si.kind == protos[i].kind) {
		*out = cache[ino % CACHE_SIZE].si;
		return 0;
	}
	rc = query(protos[i].kind, protos[i].family, protos[i].protocol, ino, out);
	if (rc || !settled(out, protos[i].protocol))
		return rc;
	cache[ino % CACHE_SIZE].used = true;
	cache[ino % CACHE_SIZE].si = *out;
	return 0;
}
