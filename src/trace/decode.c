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
#include <arpa/inet.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "dec.h"
#include "zdiag/sig.h"
#include "zdiag/tamper.h"
#include "zdiag/sockdiag.h"
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
		{ 0, "" },
		{ S_IFREG, "S_IFREG" }, { S_IFDIR, "S_IFDIR" }, { S_IFLNK, "S_IFLNK" },
		{ S_IFCHR, "S_IFCHR" }, { S_IFBLK, "S_IFBLK" }, { S_IFIFO, "S_IFIFO" },
		{ S_IFSOCK, "S_IFSOCK" },
	};
	unsigned type = (unsigned)mode & S_IFMT;
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(types); i++) {
		if (types[i].v == type) {
			if (!zd_xlat_sym_begin(sb, ZD_XN_OCT, mode))
				return;
			/* as strace: S_IFDIR|S_ISVTX|0777; no type, the
			 * octal alone (with -X verbose "0600 /" "* 0600 *" "/") */
			zd_sb_adds(sb, types[i].n);
			zd_sb_adds(sb, type ? "|" : "");
			zd_sb_adds(sb, mode & S_ISUID ? "S_ISUID|" : "");
			zd_sb_adds(sb, mode & S_ISGID ? "S_ISGID|" : "");
			zd_sb_adds(sb, mode & S_ISVTX ? "S_ISVTX|" : "");
			mode &= ~(uint64_t)(S_IFMT | S_ISUID | S_ISGID | S_ISVTX);
			put_oct(sb, mode);
			zd_xlat_sym_end(sb);
			return;
		}
	}
	put_oct(sb, mode);
}

/* ---------------------------------------------------------------- */
/* Quoting                                                           */

/* -x, -xx: this thread's string style, set from the call's options. */
static __thread enum zd_xstr cur_xstr;

/* -x: whether a string holds anything but printable ASCII and \t\n\v\f\r. */
static bool
needs_hex(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] > 0x7e || (p[i] < 0x20 && (p[i] < 9 || p[i] > 13)))
			return true;
	return false;
}

void
put_quoted(struct zd_sb *sb, const void *data, size_t len, bool hex_all)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *o;
	size_t i;

	if (cur_xstr == ZD_XSTR_ALL || (cur_xstr == ZD_XSTR_NON_ASCII && needs_hex(p, len)))
		hex_all = true;
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
		if (cur_xstr == ZD_XSTR_NON_ASCII_CHARS) {
			*o++ = 'x';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 15];
			continue;
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
/* File descriptors and pids                                         */

/*
 * Text shown inside "<...>" after an fd or a pid, escaped as strace does
 * (its string quoting without the quotes, and '<' '>' in octal so the
 * decoration stays unambiguous).
 */
static void
put_assoc(struct zd_sb *sb, const char *s, size_t len)
{
	struct zd_sb q = ZD_SB_INIT;
	size_t i;

	if (!memchr(s, '<', len) && !memchr(s, '>', len)) {
		size_t at = sb->len;

		zd_dec_quote(sb, s, len, false);
		memmove(sb->buf + at, sb->buf + at + 1, sb->len - at - 2);
		sb->len -= 2;
		sb->buf[sb->len] = '\0';
		return;
	}
	zd_dec_quote(&q, s, len, false);
	for (i = 1; i + 1 < q.len; i++) {
		char ch = q.buf[i];
		bool digit = i + 2 < q.len && q.buf[i + 1] >= '0' && q.buf[i + 1] <= '7';

		if (ch == '<')
			zd_sb_adds(sb, digit ? "\\074" : "\\74");
		else if (ch == '>')
			zd_sb_adds(sb, digit ? "\\076" : "\\76");
		else
			zd_sb_addc(sb, ch);
	}
	zd_sb_release(&q);
}

static bool
same_pidns(pid_t tid)
{
	static ino_t self;
	struct stat st;
	char path[64];

	if (!self) {
		if (stat("/proc/self/ns/pid", &st) < 0)
			return true;   /* no namespaces to tell apart */
		self = st.st_ino;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)tid);
	return stat(path, &st) < 0 || st.st_ino == self;
}

void
zd_dec_pid_comm(struct zd_sb *sb, pid_t pid)
{
	char path[64], comm[64];
	ssize_t n;
	int fd;

	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, comm, sizeof(comm));
	close(fd);
	if (n > 0 && comm[n - 1] == '\n')
		n--;
	if (n <= 0)
		return;
	zd_sb_addc(sb, '<');
	put_assoc(sb, comm, (size_t)n);
	zd_sb_addc(sb, '>');
}

/* A pid that the tracee c->tid sees, and with --decode-pids=comm its
 * command name: "1234<sleep>".  Pids of another PID namespace than ours
 * show no name; --decode-pids=pidns adds the pid in ours. */
void
put_pid(const struct zd_call *c, struct zd_sb *sb, int64_t pid)
{
	put_dec(sb, pid);
	if (c->opts && (c->opts->decode_pids & ZD_DECPID_COMM) && pid > 0 && pid <= INT32_MAX &&
	    same_pidns(c->tid))
		zd_dec_pid_comm(sb, (pid_t)pid);
	if (c->opts && (c->opts->decode_pids & ZD_DECPID_PIDNS))
		zd_dec_pidns_note(sb, c->tid, pid);
}

/* readlink /proc/PID/fd/FD as strace's getfdpath: a " (deleted)" the
 * kernel appended is cut off (and *deleted set) unless a file of that
 * name is really there.  Returns the length, or -1. */
static ssize_t
fd_path(pid_t pid, int fd, char *buf, size_t size, bool *deleted)
{
	static const char del[] = " (deleted)";
	char link[64];
	struct stat sl, sp;
	ssize_t n;

	*deleted = false;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(link, buf, size - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((size_t)n <= sizeof(del) - 1 || memcmp(buf + n - (sizeof(del) - 1), del, sizeof(del) - 1))
		return n;
	if (stat(link, &sl) < 0)
		return n;
	buf[n - (sizeof(del) - 1)] = '\0';
	if (lstat(buf, &sp) < 0 || sp.st_ino != sl.st_ino || sp.st_dev != sl.st_dev) {
		*deleted = true;
		return n - (ssize_t)(sizeof(del) - 1);
	}
	buf[n - (sizeof(del) - 1)] = ' ';
	return n;
}

/* -yy on a socket: "<TCP:[127.0.0.1:80->127.0.0.1:34567]>", what sock_diag
 * says about its inode, else "<TCP:[12345]>"; false for no socket. */
static bool
put_socket_info(struct zd_sb *sb, pid_t pid, int fd, const char *path)
{
	char link[64], proto[64], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct zd_sockinfo si;
	unsigned long long ino;
	char *end;
	ssize_t n;
	int rc;

	if (strncmp(path, "socket:[", 8) || !(ino = strtoull(path + 8, &end, 10)) ||
	    strcmp(end, "]"))
		return false;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = getxattr(link, "system.sockprotoname", proto, sizeof(proto) - 1);
	if (n <= 0)
		return false;
	proto[n] = '\0';
	rc = zd_sockdiag_lookup(proto, ino, &si);
	if (rc == -EPROTONOSUPPORT)
		return false;
	zd_sb_addf(sb, "<%s:[", proto);
	if (rc < 0) {
		zd_sb_addf(sb, "%llu]>", ino);
		return true;
	}
	switch (si.kind) {
	case ZD_SOCK_INET: {
		static const uint8_t zero[16];
		const char *ob = si.family == AF_INET6 ? "[" : "", *cb = si.family == AF_INET6 ? "]" : "";

		if (!inet_ntop(si.family, si.src, a, sizeof(a)) || !inet_ntop(si.family, si.dst, b, sizeof(b)))
			a[0] = b[0] = '\0';
		zd_sb_addf(sb, "%s%s%s:%u", ob, a, cb, si.sport);
		if (si.dport || memcmp(si.dst, zero, si.family == AF_INET6 ? 16 : 4))
			zd_sb_addf(sb, "->%s%s%s:%u", ob, b, cb, si.dport);
		break;
	}
	case ZD_SOCK_UNIX:
		zd_sb_addf(sb, "%llu", ino);
		if (si.peer)
			zd_sb_addf(sb, "->%u", si.peer);
		if (si.pathlen) {
			bool abstract = si.path[0] == '\0';
			const char *p = si.path + abstract;
			size_t len = si.pathlen - abstract;

			zd_sb_adds(sb, abstract ? ",@" : ",");
			zd_dec_quote(sb, p, strnlen(p, len), false);
		}
		break;
	case ZD_SOCK_NETLINK: {
		const char *name = zd_xlat_name(&zd_xlat_netlink_protocols, si.nlproto);

		if (name)
			zd_sb_addf(sb, "%s:%u", name + strlen("NETLINK_"), si.portid);
		else
			zd_sb_addf(sb, "%u", si.nlproto);
		break;
	}
	default:
		break;
	}
	zd_sb_adds(sb, "]>");
	return true;
}

/* -yy on a device: "</dev/null<char 1:3>>". */
static bool
put_dev_info(struct zd_sb *sb, const char *path, size_t len)
{
	struct stat st;

	if (path[0] != '/' || stat(path, &st) < 0 || (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)))
		return false;
	zd_sb_addc(sb, '<');
	put_assoc(sb, path, len);
	zd_sb_addf(sb, "<%s %u:%u>>", S_ISBLK(st.st_mode) ? "block" : "char",
		   major(st.st_rdev), minor(st.st_rdev));
	return true;
}

/* -yy on a pidfd: "<pid:1234>" (the pid in our namespace, from fdinfo). */
static bool
put_pidfd_info(const struct zd_call *c, struct zd_sb *sb, pid_t pid, int fd, const char *path)
{
	char fdinfo[64], buf[1024];
	const char *p;
	long v = -1;
	ssize_t n;
	int f;

	if (strcmp(path, "anon_inode:[pidfd]"))
		return false;
	snprintf(fdinfo, sizeof(fdinfo), "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = open(fdinfo, O_RDONLY | O_CLOEXEC);
	if (f >= 0) {
		n = read(f, buf, sizeof(buf) - 1);
		close(f);
		buf[n > 0 ? n : 0] = '\0';
		p = strstr(buf, "\nPid:\t");
		if (p)
			v = strtol(p + 6, NULL, 10);
	}
	if (v <= 0 || v > INT32_MAX) {
		zd_sb_addf(sb, "<%s>", path);
		return true;
	}
	zd_sb_adds(sb, "<pid:");
	put_dec(sb, v);
	if (c->opts && (c->opts->decode_pids & ZD_DECPID_COMM))
		zd_dec_pid_comm(sb, (pid_t)v);
	zd_sb_addc(sb, '>');
	return true;
}

/*
 * The one place an fd is decorated: what --decode-fds selects about fd of
 * process pid, in strace's order (socket, device, pidfd, else the path).
 */
static void
put_fd_info(const struct zd_call *c, struct zd_sb *sb, pid_t pid, int fd)
{
	unsigned what = c->opts ? c->opts->decode_fds : 0;
	char path[ZD_PATH_MAX + 1];
	bool deleted;
	ssize_t n;

	if (!what || fd < 0 || pid <= 0)
		return;
	n = fd_path(pid, fd, path, sizeof(path), &deleted);
	if (n < 0)
		return;
	if ((what & ZD_DECFD_SOCKET) && put_socket_info(sb, pid, fd, path))
		return;
	if ((what & ZD_DECFD_DEV) && put_dev_info(sb, path, (size_t)n))
		return;
	if ((what & ZD_DECFD_PIDFD) && put_pidfd_info(c, sb, pid, fd, path))
		return;
	if (what & ZD_DECFD_PATH) {
		zd_sb_addc(sb, '<');
		put_assoc(sb, path, (size_t)n);
		zd_sb_addc(sb, '>');
		if (deleted)
			zd_sb_adds(sb, "(deleted)");
	}
}

void
put_fd(const struct zd_call *c, struct zd_sb *sb, int fd)
{
	put_dec(sb, fd);
	put_fd_info(c, sb, c->tid, fd);
}

void
put_fd_of(const struct zd_call *c, struct zd_sb *sb, pid_t pid, int fd)
{
	put_dec(sb, fd);
	put_fd_info(c, sb, pid, fd);
}

void
put_dirfd(const struct zd_call *c, struct zd_sb *sb, int fd)
{
	char link[64], cwd[ZD_PATH_MAX];
	ssize_t n;

	if (fd != AT_FDCWD) {
		put_fd(c, sb, fd);
		return;
	}
	zd_xlat_sym(sb, ZD_XN_DEC, (uint64_t)(int64_t)AT_FDCWD, "AT_FDCWD");
	if (!c->opts || !(c->opts->decode_fds & ZD_DECFD_PATH))
		return;
	/* -y: the tracee's working directory, as strace 6.1 shows it */
	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)c->tid);
	n = readlink(link, cwd, sizeof(cwd));
	if (n <= 0 || (size_t)n >= sizeof(cwd))
		return;
	zd_sb_addc(sb, '<');
	put_assoc(sb, cwd, (size_t)n);
	zd_sb_addc(sb, '>');
}

struct set_word {
	const char *name;
	unsigned bit;
};

static const struct set_word decode_fds_words[] = {
	{ "path", ZD_DECFD_PATH }, { "socket", ZD_DECFD_SOCKET },
	{ "dev", ZD_DECFD_DEV }, { "pidfd", ZD_DECFD_PIDFD },
	{ "all", ZD_DECFD_ALL }, { "none", 0 },
};

static const struct set_word decode_pids_words[] = {
	{ "comm", ZD_DECPID_COMM }, { "pidns", ZD_DECPID_PIDNS },
	{ "all", ZD_DECPID_COMM | ZD_DECPID_PIDNS }, { "none", 0 },
};

/* strace's SET of words: "a,b", "all", "none", "!a" (all but a). */
static int
parse_set(const char *spec, const struct set_word *w, size_t nw, unsigned all, unsigned *out)
{
	bool neg = spec[0] == '!';
	const char *p = spec + neg;
	unsigned bits = 0;

	for (;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < nw; i++)
			if (strlen(w[i].name) == len && !strncmp(p, w[i].name, len))
				break;
		if (!len || i == nw)
			return -EINVAL;
		bits |= w[i].bit;
		if (!p[len])
			break;
		p += len + 1;
	}
	*out = neg ? all & ~bits : bits;
	return 0;
}

int
zd_dec_parse_fds(const char *spec, unsigned *out)
{
	return parse_set(spec, decode_fds_words, ZD_ARRAY_SIZE(decode_fds_words), ZD_DECFD_ALL, out);
}

int
zd_dec_parse_pids(const char *spec, unsigned *out)
{
	return parse_set(spec, decode_pids_words, ZD_ARRAY_SIZE(decode_pids_words),
			 ZD_DECPID_COMM | ZD_DECPID_PIDNS, out);
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
	if (!zd_xlat_sym_begin(sb, ZD_XN_HEX, flags))
		return;
	zd_sb_adds(sb, zd_xlat_name(&zd_xlat_open_access, flags & 3));
	rest = zd_xlat_flags_part(sb, &zd_xlat_open_flags, flags & ~3ULL, &first);
	if (rest) {
		zd_sb_addc(sb, '|');
		put_hex(sb, rest);
	}
	zd_xlat_sym_end(sb);
}

void
put_sig(struct zd_sb *sb, int64_t sig)
{
	if (sig > 0 && sig <= 64)
		zd_xlat_sym(sb, ZD_XN_DEC, (uint64_t)sig, zd_dec_signame((int)sig));
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
	case ZD_AK_PID:
		put_pid(c, sb, (int32_t)v);
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

/* Unknown numbers and -e raw=: the arguments in hex. */
static int
raw_args(struct zd_call *c, struct zd_sb *sb)
{
	int i, n = c->ent ? c->ent->nargs : 6;

	for (i = 0; i < n; i++) {
		dec_arg(c, sb);
		put_hex(sb, c->args[i]);
	}
	return ZD_DEC_DONE;
}

static int
run_decoder(struct zd_call *c, struct zd_sb *sb)
{
	if (!c->ent || c->raw)
		return c->exiting ? ZD_DEC_DONE : raw_args(c, sb);
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
	c->full = opts && (opts->verbose || zd_scset_has(&opts->noabbrev, nr));
	if (opts && c->full != opts->verbose) {
		c->eff = *opts;
		c->eff.verbose = c->full;
		c->opts = &c->eff;
	}
	c->deref = !opts || !zd_scset_has(&opts->noverbose, nr);
	c->raw = opts && zd_scset_has(&opts->raw, nr);
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
	c->tampered = 0;
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

/* The thread-wide printing styles (-x, -X) of c's options. */
static void
apply_styles(const struct zd_call *c)
{
	cur_xstr = c->opts ? c->opts->xstr : ZD_XSTR_NONE;
	zd_xlat_set_style(c->opts ? c->opts->xlat_style : ZD_XLAT_ABBREV);
}

void
zd_call_entry(struct zd_call *c, struct zd_sb *sb)
{
	apply_styles(c);
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
	apply_styles(c);
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

/* The restarts strace prints as "= ? NAME (text)" (its syscall.c). */
static const struct {
	int err;
	const char *text;
} restart_errnos[] = {
	{ 512, "To be restarted if SA_RESTART is set" },
	{ 513, "To be restarted" },
	{ 514, "To be restarted if no handler" },
	{ 516, "Interrupted by signal" },
};

const char *
zd_dec_errname(int err)
{
	if (err >= 1 && err < 512)
		return zd_errname(err);
	return err >= 512 ? zd_xlat_name(&zd_xlat_errnos_kernel, (uint64_t)err) : NULL;
}

/* The restart's text, or NULL when err is not one of strace's restarts. */
static const char *
restart_text(int err)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(restart_errnos); i++)
		if (restart_errnos[i].err == err)
			return restart_errnos[i].text;
	return NULL;
}

const char *
zd_dec_errtext(int err)
{
	const char *t = restart_text(err);

	return t ? t : zd_dec_errname(err) ? strerror(err) : NULL;
}

bool
zd_call_error(const struct zd_call *c)
{
	return zd_call_failed(c->rval) && !(c->tampered & ZD_TAMPERED_OK);
}

/* strace's print_injected_note */
static void
put_tampered(const struct zd_call *c, struct zd_sb *sb)
{
	if ((c->tampered & ZD_TAMPERED_RET) && (c->tampered & ZD_TAMPERED_ARGS))
		zd_sb_adds(sb, " (INJECTED: args, retval)");
	else if (c->tampered & ZD_TAMPERED_ARGS)
		zd_sb_adds(sb, " (INJECTED: args)");
	else if (c->tampered & ZD_TAMPERED_RET)
		zd_sb_adds(sb, " (INJECTED)");
	if (c->tampered & ZD_TAMPERED_DELAYED)
		zd_sb_adds(sb, " (DELAYED)");
}

void
zd_call_retval(const struct zd_call *c, struct zd_sb *sb)
{
	int kind;

	zd_sb_adds(sb, "= ");
	if (!c->exited) {
		zd_sb_addc(sb, '?');
		return;
	}
	if (zd_call_error(c)) {
		int err = (int)-c->rval;
		const char *name = zd_dec_errname(err);

		if (restart_text(err))
			zd_sb_addf(sb, "? %s (%s)", name, restart_text(err));
		else if (name)
			zd_sb_addf(sb, "-1 %s (%s)", name, strerror(err));
		else
			zd_sb_addf(sb, "-1 (errno %d)", err);
		put_tampered(c, sb);
		return;
	}
	kind = c->raw ? ZD_RET_X : c->rkind >= 0 ? c->rkind : c->ent ? c->ent->ret : ZD_RET_D;
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
		put_fd(c, sb, (int)c->rval);
		break;
	case ZD_RET_PID:
		put_pid(c, sb, c->rval);
		break;
	default:
		put_dec(sb, c->rval);
		break;
	}
	if (c->rextra[0])
		zd_sb_adds(sb, c->rextra);
	put_tampered(c, sb);
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
