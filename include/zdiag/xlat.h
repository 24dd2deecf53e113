/*
 * Constant-to-name tables ("xlat", after strace) for flags and enumerated
 * values, and their strace-style printers.
 *
 * The tables are generated at build time by src/gen/gen-xlat.sh from the
 * lists in src/trace/xlat/NAME.in (one constant per line, with its kernel
 * value; the build checks each value against the system headers when they
 * define it) into build/gen/xlat-tables.h, which declares them as
 *	extern const struct zd_xlat_tab zd_xlat_NAME;
 *
 * Printing conventions (strace's):
 *	flags:   "O_CREAT|O_TRUNC", unknown bits as "|0x40000000", no known
 *	         bit at all as "0x100 /" "* PROT_??? *" "/", zero as the
 *	         table's zero name ("PROT_NONE") or "0"
 *	value:   "SEEK_END", unknown as "0x9 /" "* SEEK_??? *" "/"
 *
 * The style (strace's -X) changes all of them: ZD_XLAT_RAW prints the number
 * only ("0x80000", "-100", "10"), ZD_XLAT_VERBOSE the number and the name
 * in a comment ("0x80000 /" "* O_RDONLY|O_CLOEXEC *" "/").  It is a
 * per-thread setting, applied by the decoder from its options
 * (zd_dec_opts.xlat_style) at each call, so that no printer needs them.
 */
#ifndef ZDIAG_XLAT_H
#define ZDIAG_XLAT_H

#include <stdbool.h>
#include <stdint.h>

#include "zdiag/strbuf.h"

struct zd_xlat {
	uint64_t val;
	const char *name;
};

enum zd_xlat_kind {
	ZD_XLAT_VALUE,  /* one of the values */
	ZD_XLAT_FLAGS,  /* an OR of the values, printed in table order */
};

struct zd_xlat_tab {
	const struct zd_xlat *v;
	unsigned n;
	enum zd_xlat_kind kind;
	const char *unknown;  /* "SEEK_???", for the comment after an unknown value */
	const char *zero;     /* flags: name of 0 ("PROT_NONE"), or NULL for "0" */
};

enum zd_xlat_style {
	ZD_XLAT_ABBREV,   /* names (the default) */
	ZD_XLAT_RAW,      /* numbers */
	ZD_XLAT_VERBOSE,  /* numbers, names in a comment */
};

/* "raw", "abbrev", "verbose" -> *style; -EINVAL for anything else. */
int zd_xlat_style_parse(const char *s, enum zd_xlat_style *style);
/* The style of this thread's printers (ZD_XLAT_ABBREV until set); also
 * ends any zd_xlat_sym_begin() still open. */
void zd_xlat_set_style(enum zd_xlat_style style);
enum zd_xlat_style zd_xlat_get_style(void);

/* Escapes of quoted strings (-x, -xx, --strings-in-hex=), strace's: the
 * decoder's other printing style (zd_dec_opts.xstr, src/trace/decode.c). */
enum zd_xstr {
	ZD_XSTR_NONE,             /* octal escapes: "\177ELF\2" (the default) */
	ZD_XSTR_NON_ASCII_CHARS,  /* hex escapes: "\x7fELF\x02" */
	ZD_XSTR_NON_ASCII,        /* -x: a string with any byte other than
				     printable ASCII and \t\n\v\f\r is all hex */
	ZD_XSTR_ALL,              /* -xx: every string all hex */
};

/* "none", "non-ascii-chars", "non-ascii", "all" -> *x; -EINVAL otherwise. */
int zd_xstr_parse(const char *s, enum zd_xstr *x);

/* How the number of a constant prints in the raw and verbose styles. */
enum zd_xlat_num {
	ZD_XN_HEX,   /* "0x80000", "0" */
	ZD_XN_DEC,   /* "-100" (the value as a signed 64-bit number) */
	ZD_XN_UDEC,  /* "18446744073709551615" */
	ZD_XN_OCT,   /* "0100644" (strace's %#03o) */
};

/*
 * A constant printed by hand (AT_FDCWD, SIG_IGN, "S_IFREG|0644", the
 * several tables of one open flags word) in the current style:
 *
 *	if (zd_xlat_sym_begin(sb, ZD_XN_HEX, v)) {
 *		... print the names, as always ...
 *		zd_xlat_sym_end(sb);
 *	}
 *
 * zd_xlat_sym_begin prints the number (raw, verbose) and " /" "* " (verbose)
 * and returns whether the names are wanted (abbrev, verbose); while they
 * print, every printer here is in the abbrev style.  zd_xlat_sym_end
 * closes the comment and restores the style.  zd_xlat_sym is both for a
 * single name.
 */
bool zd_xlat_sym_begin(struct zd_sb *sb, enum zd_xlat_num fmt, uint64_t v);
void zd_xlat_sym_end(struct zd_sb *sb);
void zd_xlat_sym(struct zd_sb *sb, enum zd_xlat_num fmt, uint64_t v, const char *name);

/* Name of value v, or NULL. */
const char *zd_xlat_name(const struct zd_xlat_tab *t, uint64_t v);
/* Value named `name` (exact match); returns false if there is none. */
bool zd_xlat_lookup(const struct zd_xlat_tab *t, const char *name, uint64_t *out);

/* Append v as one value: its name, or "0x9 /" "* SEEK_??? *" "/". */
void zd_xlat_val(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v);
/* Same, but an unknown value prints in decimal ("77"), as strace prints
 * unknown signal numbers and the like. */
void zd_xlat_val_dec(struct zd_sb *sb, const struct zd_xlat_tab *t, int64_t v);
/* Append v as flags: "A|B", "A|0x40", "0x100 /" "* X_??? *" "/", or the zero name. */
void zd_xlat_flags(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v);
/*
 * Append the known flags of v with '|' and return the bits no entry
 * matched; prints nothing for 0.  `first` says whether nothing has been
 * printed yet (no leading '|').  For decoders that print several fields
 * into one flags word (open: access mode, flags; clone: flags, signal).
 * sb NULL: print nothing, only compute.
 */
uint64_t zd_xlat_flags_part(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v, bool *first);

#include "xlat-tables.h"   /* build/gen/xlat-tables.h: the generated declarations */

#endif
