/*
 * Growable byte buffer.
 *
 * Invariant: after zd_sb_init(), sb->buf is never NULL and sb->buf[sb->len]
 * is always '\0', so sb->buf can be used as a C string (it may also hold
 * embedded NUL bytes; len is authoritative).
 *
 *	struct zd_sb sb = ZD_SB_INIT;
 *	zd_sb_addf(&sb, "pid %d", pid);
 *	puts(sb.buf);
 *	zd_sb_release(&sb);
 */
#ifndef ZDIAG_STRBUF_H
#define ZDIAG_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zdiag/common.h"

struct zd_sb {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char zd_sb_empty[];
#define ZD_SB_INIT { zd_sb_empty, 0, 0 }

void zd_sb_init(struct zd_sb *sb);
/* Free the contents; sb is left initialized and empty. */
void zd_sb_release(struct zd_sb *sb);
/* Ensure room for `extra` more bytes (plus the NUL). */
void zd_sb_grow(struct zd_sb *sb, size_t extra);
void zd_sb_reset(struct zd_sb *sb);
void zd_sb_setlen(struct zd_sb *sb, size_t len);
void zd_sb_add(struct zd_sb *sb, const void *data, size_t n);
void zd_sb_adds(struct zd_sb *sb, const char *s);
void zd_sb_addc(struct zd_sb *sb, char c);
void zd_sb_addf(struct zd_sb *sb, const char *fmt, ...) ZD_PRINTF(2, 3);
void zd_sb_vaddf(struct zd_sb *sb, const char *fmt, va_list ap) ZD_PRINTF(2, 0);
/* Append "0x" and v in lower-case hex, without printf (hot in the tracer). */
void zd_sb_addhex(struct zd_sb *sb, uint64_t v);
/* Append n copies of c. */
void zd_sb_addpad(struct zd_sb *sb, char c, size_t n);
/* Detach the buffer: the caller owns the returned string (never NULL). */
char *zd_sb_detach(struct zd_sb *sb);
/* Remove trailing whitespace. */
void zd_sb_rtrim(struct zd_sb *sb);
/* Write the whole buffer to f; returns 0 or -errno. */
int zd_sb_write(const struct zd_sb *sb, FILE *f);

#endif
