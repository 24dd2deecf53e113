/* Growable byte buffer. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

char zd_sb_empty[1];

void
zd_sb_init(struct zd_sb *sb)
{
	sb->buf = zd_sb_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void
zd_sb_release(struct zd_sb *sb)
{
	if (sb->alloc)
		free(sb->buf);
	zd_sb_init(sb);
}

void
zd_sb_grow(struct zd_sb *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->alloc)
		return;
	if (!sb->alloc) {
		size_t n = need < 64 ? 64 : need;
		sb->buf = zd_xmalloc(n);
		sb->buf[0] = '\0';
		sb->alloc = n;
		return;
	}
	ZD_GROW(sb->buf, sb->alloc, need);
}

void
zd_sb_reset(struct zd_sb *sb)
{
	zd_sb_setlen(sb, 0);
}

void
zd_sb_setlen(struct zd_sb *sb, size_t len)
{
	if (!sb->alloc)
		return;
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	sb->buf[len] = '\0';
}

void
zd_sb_add(struct zd_sb *sb, const void *data, size_t n)
{
	if (!n)
		return;
	zd_sb_grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
zd_sb_adds(struct zd_sb *sb, const char *s)
{
	zd_sb_add(sb, s, strlen(s));
}

void
zd_sb_addc(struct zd_sb *sb, char c)
{
	zd_sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void
zd_sb_vaddf(struct zd_sb *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	zd_sb_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		zd_sb_grow(sb, (size_t)n);
		va_copy(cp, ap);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
		va_end(cp);
		if (n < 0) {
			sb->buf[sb->len] = '\0';
			return;
		}
	}
	sb->len += (size_t)n;
}

void
zd_sb_addf(struct zd_sb *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	zd_sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void
zd_sb_addhex(struct zd_sb *sb, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[20];
	int i = sizeof(buf);

	do {
		buf[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	zd_sb_add(sb, buf + i, sizeof(buf) - (size_t)i);
}

void
zd_sb_addpad(struct zd_sb *sb, char c, size_t n)
{
	if (!n)
		return;
	zd_sb_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

char *
zd_sb_detach(struct zd_sb *sb)
{
	char *r;

	if (!sb->alloc)
		return zd_xstrdup("");
	r = sb->buf;
	zd_sb_init(sb);
	return r;
}

void
zd_sb_rtrim(struct zd_sb *sb)
{
	while (sb->len && isspace((unsigned char)sb->buf[sb->len - 1]))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

int
zd_sb_write(const struct zd_sb *sb, FILE *f)
{
	if (sb->len && fwrite(sb->buf, 1, sb->len, f) != sb->len)
		return errno ? -errno : -EIO;
	return 0;
}
