/*
 * Escaping of bytes that come from other processes (comm, argv, paths,
 * memory) before they reach a terminal, JSON or Prometheus.
 */
#ifndef ZDIAG_ESC_H
#define ZDIAG_ESC_H

#include <stddef.h>

#include "zdiag/strbuf.h"

enum zd_esc_flags {
	/* Also escape '"' (for quoted strings). */
	ZD_ESC_QUOTE = 1 << 0,
	/* Hex escapes (\xNN) instead of strace's octal (\NNN). */
	ZD_ESC_HEX = 1 << 1,
	/* Escape every byte, printable or not (strace -xx). */
	ZD_ESC_ALL = 1 << 2,
	/* Stop at the first NUL byte. */
	ZD_ESC_STOP_NUL = 1 << 3,
};

/*
 * C-style escaping for a terminal: printable ASCII passes, \n \t \r \v \f,
 * backslash, and every other byte as an octal (or hex) escape, so no raw
 * control byte or non-ASCII byte can reach the terminal.
 */
void zd_esc_c(struct zd_sb *sb, const void *data, size_t len, unsigned flags);
/* zd_esc_c of a NUL-terminated string. */
void zd_esc_cs(struct zd_sb *sb, const char *s, unsigned flags);
/* Returns a static-free, caller-owned escaped copy of s. */
char *zd_esc_dup(const char *s);

/*
 * JSON string contents (without the surrounding quotes): ", \ and control
 * characters escaped; valid UTF-8 passes; each invalid byte becomes U+FFFD.
 */
void zd_esc_json(struct zd_sb *sb, const void *data, size_t len);

/* Prometheus label value: \, " and newline escaped; other control bytes
 * and bytes that are not UTF-8 become the text \xNN (a literal backslash),
 * so the value is valid UTF-8 without raw control characters. */
void zd_esc_prom(struct zd_sb *sb, const char *s);

#endif
