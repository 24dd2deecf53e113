/* Escaping for terminal, JSON and Prometheus output. */
#include <string.h>

#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

void
zd_esc_c(struct zd_sb *sb, const void *data, size_t len, unsigned flags)
{
	const unsigned char *p = data;
	size_t i;

	zd_sb_grow(sb, len);
	for (i = 0; i < len; i++) {
		unsigned c = p[i];

		if (!c && (flags & ZD_ESC_STOP_NUL))
			break;
		if (flags & ZD_ESC_ALL) {
			zd_sb_addf(sb, "\\x%02x", c);
			continue;
		}
		switch (c) {
		case '\n': zd_sb_adds(sb, "\\n"); continue;
		case '\t': zd_sb_adds(sb, "\\t"); continue;
		case '\r': zd_sb_adds(sb, "\\r"); continue;
		case '\v': zd_sb_adds(sb, "\\v"); continue;
		case '\f': zd_sb_adds(sb, "\\f"); continue;
		case '\\': zd_sb_adds(sb, "\\\\"); continue;
		case '"':
			if (flags & ZD_ESC_QUOTE) {
				zd_sb_adds(sb, "\\\"");
				continue;
			}
			break;
		default:
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			zd_sb_addc(sb, (char)c);
		} else if (flags & ZD_ESC_HEX) {
			zd_sb_addf(sb, "\\x%02x", c);
		} else if (i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7') {
			/* Next byte is an octal digit: use all three digits. */
			zd_sb_addf(sb, "\\%03o", c);
		} else {
			zd_sb_addf(sb, "\\%o", c);
		}
	}
}

void
zd_esc_cs(struct zd_sb *sb, const char *s, unsigned flags)
{
	zd_esc_c(sb, s, strlen(s), flags);
}

char *
zd_esc_dup(const char *s)
{
	struct zd_sb sb = ZD_SB_INIT;

	zd_esc_cs(&sb, s, 0);
	return zd_sb_detach(&sb);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t
utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	return n;
}

void
zd_esc_json(struct zd_sb *sb, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;

	zd_sb_grow(sb, len);
	while (i < len) {
		unsigned c = p[i];
		size_t n;

		switch (c) {
		case '"': zd_sb_adds(sb, "\\\""); i++; continue;
		case '\\': zd_sb_adds(sb, "\\\\"); i++; continue;
		case '\n': zd_sb_adds(sb, "\\n"); i++; continue;
		case '\t': zd_sb_adds(sb, "\\t"); i++; continue;
		case '\r': zd_sb_adds(sb, "\\r"); i++; continue;
		case '\b': zd_sb_adds(sb, "\\b"); i++; continue;
		case '\f': zd_sb_adds(sb, "\\f"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			zd_sb_addf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_seq_len(p + i, len - i);
		if (!n) {
			zd_sb_adds(sb, "\\ufffd");
			i++;
			continue;
		}
		zd_sb_add(sb, p + i, n);
		i += n;
	}
}

void
zd_esc_prom(struct zd_sb *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;

	while (i < len) {
		unsigned char c = p[i];

		if (c == '\\') {
			zd_sb_adds(sb, "\\\\");
		} else if (c == '"') {
			zd_sb_adds(sb, "\\\"");
		} else if (c == '\n') {
			zd_sb_adds(sb, "\\n");
		} else if (c < 0x20 || c == 0x7f) {
			/* the format has no escape for these: spell the byte out
			 * (a literal backslash, so the value reads "\x1b") */
			zd_sb_addf(sb, "\\\\x%02x", c);
		} else if (c < 0x80) {
			zd_sb_addc(sb, (char)c);
		} else if ((n = utf8_seq_len(p + i, len - i))) {
			zd_sb_add(sb, p + i, n);
			i += n;
			continue;
		} else {
			zd_sb_addf(sb, "\\\\x%02x", c); /* label values must be UTF-8 */
		}
		i++;
	}
}
