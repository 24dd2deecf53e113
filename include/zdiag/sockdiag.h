/*
 * What a socket is, by its inode, from the kernel's sock_diag netlink
 * interface (NETLINK_SOCK_DIAG): inet_diag for TCP, UDP and the other
 * inet protocols (IPv4 and IPv6), unix_diag for UNIX sockets,
 * netlink_diag for NETLINK sockets.  This is what strace -yy shows:
 * "TCP:[127.0.0.1:34567->127.0.0.1:80]", "UNIX-STREAM:[12345->12346]".
 *
 * The inode comes from readlink /proc/PID/fd/N ("socket:[12345]"), the
 * protocol name from that fd's "system.sockprotoname" extended attribute
 * ("TCP", "UDPv6", "UNIX-STREAM", "NETLINK"), both read by the caller.
 * One lookup is one query for that protocol (a dump of its sockets, or for
 * UNIX an exact request by inode), answered in the querying process's
 * network namespace.
 *
 *	struct zd_sockinfo si;
 *
 *	if (zd_sockdiag_lookup("TCP", 12345, &si) == 0)
 *		... si.src, si.sport, si.dst, si.dport ...
 *
 * Results are cached by inode, but only those that will not change any
 * more while the inode lives: a TCP socket listening or connected, a UDP
 * (or other datagram) socket connected, a UNIX stream socket connected or
 * listening, a bound NETLINK socket.  Others (a UDP socket only bound may
 * connect at any time; a socket not yet bound is not reported at all) are
 * asked again at each lookup.  Unlike strace 6.1,
 * which keeps every answer, a UDP socket bound and later connected shows
 * its peer.  Process-wide state, not thread-safe.  Nothing here prints.
 */
#ifndef ZDIAG_SOCKDIAG_H
#define ZDIAG_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

enum zd_sock_kind {
	ZD_SOCK_INET = 1,     /* inet_diag: family, addresses, ports */
	ZD_SOCK_UNIX,         /* unix_diag: peer inode, bound path */
	ZD_SOCK_NETLINK,      /* netlink_diag: protocol, port id */
};

#define ZD_SOCK_PATH_MAX 108  /* sizeof sun_path */

struct zd_sockinfo {
	uint64_t ino;
	uint8_t kind;            /* enum zd_sock_kind */
	uint8_t family;          /* ZD_SOCK_INET: AF_INET or AF_INET6 */
	uint8_t state;           /* TCP_LISTEN, TCP_ESTABLISHED ... (inet, unix) */
	uint8_t type;            /* ZD_SOCK_UNIX: SOCK_STREAM, SOCK_DGRAM ... */
	uint16_t sport, dport;   /* host byte order */
	uint8_t src[16], dst[16];/* network byte order; AF_INET: first 4 bytes */
	uint32_t peer;           /* ZD_SOCK_UNIX: the peer's inode, or 0 */
	uint16_t pathlen;        /* ZD_SOCK_UNIX: bytes in path; 0: unnamed */
	char path[ZD_SOCK_PATH_MAX];  /* not NUL-terminated; abstract: path[0] == 0 */
	uint32_t nlproto;        /* ZD_SOCK_NETLINK: NETLINK_ROUTE ... */
	uint32_t portid;
};

/*
 * Look up the socket with inode ino whose protocol is named proto (the
 * sockprotoname: "TCP", "UDP", "UDPLITE", "DCCP", "SCTP", "L2TP/IP",
 * "PING", "RAW", the same with "v6", "UNIX", "UNIX-STREAM", "NETLINK").
 * Returns 0 and fills *out, -ENOENT when the kernel does not report it
 * (not bound or connected yet, or another network namespace),
 * -EPROTONOSUPPORT for a protocol name sock_diag does not serve, or
 * another -errno (no sock_diag, a malformed reply).
 */
int zd_sockdiag_lookup(const char *proto, uint64_t ino, struct zd_sockinfo *out);
/* Drop the whole cache. */
void zd_sockdiag_flush(void);

/*
 * The reply parser, on one received buffer of len bytes (any bytes: no
 * length in it is trusted).  kind says which reply is expected (the
 * message layout); ino the socket searched for.  Returns
 *	1	found: *out filled
 *	0	not in this buffer: read the next one
 *	2	the end of the reply (NLMSG_DONE) without it
 *	-ENOENT	the kernel answered with an error (an exact UNIX request for
 *		an inode it does not know), or the socket is there but has
 *		nothing to show (a UNIX socket without peer or name)
 *	-EPROTO	a malformed or unexpected message
 */
int zd_sockdiag_parse(enum zd_sock_kind kind, const void *buf, size_t len, uint64_t ino,
		      struct zd_sockinfo *out);

#endif
