/* Constant-to-name tables (generated) and their strace-style printers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <asm/prctl.h>
#include <linux/futex.h>

#include "zdiag/common.h"
#include "zdiag/xlat.h"

/* The tables: build/gen/xlat-defs.h, asserted against the headers above. */
#include "xlat-defs.h"


const char *
zd_xlat_name(const struct zd_xlat_tab *t, uint64_t v)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].val == v)
			return t->v[i].name;
	return NULL;
}

bool
zd_xlat_lookup(const struct zd_xlat_tab *t, const char *name, uint64_t *out)
{
	unsigned i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->v[i].name, name)) {
			*out = t->v[i].val;
			return true;
		}
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* Styles (-X)                                                       */

static __thread enum zd_xlat_style cur_style, saved_style;
static __thread unsigned sym_depth;

int
zd_xlat_style_parse(const char *s, enum zd_xlat_style *style)
{
	static const char *const names[] = {
		[ZD_XLAT_ABBREV] = "abbrev", [ZD_XLAT_RAW] = "raw", [ZD_XLAT_VERBOSE] = "verbose",
	};
	unsigned i;

	for (i = 0; i < ZD_ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*style = (enum zd_xlat_style)i;
			return 0;
		}
	}
	return -EINVAL;
}

int
zd_xstr_parse(const char *s, enum zd_xstr *x)
{
	static const char *const names[] = {
		[ZD_XSTR_NONE] = "none", [ZD_XSTR_NON_ASCII_CHARS] = "non-ascii-chars",
		[ZD_XSTR_NON_ASCII] = "non-ascii", [ZD_XSTR_ALL] = "all",
	};
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*x = (enum zd_xstr)i;
			return 0;
		}
	}
	return -EINVAL;
}

void
zd_xlat_set_style(enum zd_xlat_style style)
{
	sym_depth = 0;   /* also ends a zd_xlat_sym_begin left open */
	cur_style = style;
}

enum zd_xlat_style
zd_xlat_get_style(void)
{
	return cur_style;
}

static void
put_num(struct zd_sb *sb, enum zd_xlat_num fmt, uint64_t v)
{
	switch (fmt) {
	case ZD_XN_DEC:
		zd_sb_addf(sb, "%lld", (long long)v);
		break;
	case ZD_XN_UDEC:
		zd_sb_addf(sb, "%llu", (unsigned long long)v);
		break;
	case ZD_XN_OCT:
		zd_sb_addf(sb, "%#03llo", (unsigned long long)v);
		break;
	default:
		if (v)
			zd_sb_addhex(sb, v);
		else
			zd_sb_addc(sb, '0');
		break;
	}
}

bool
zd_xlat_sym_begin(struct zd_sb *sb, enum zd_xlat_num fmt, uint64_t v)
{
	if (sym_depth) {
		sym_depth++;
		return true;
	}
	if (cur_style != ZD_XLAT_ABBREV)
		put_num(sb, fmt, v);
	if (cur_style == ZD_XLAT_RAW)
		return false;
	if (cur_style == ZD_XLAT_VERBOSE)
		zd_sb_adds(sb, " /* ");
	saved_style = cur_style;
	cur_style = ZD_XLAT_ABBREV;
	sym_depth = 1;
	return true;
}

void
zd_xlat_sym_end(struct zd_sb *sb)
{
	if (!sym_depth || --sym_depth)
		return;
	cur_style = saved_style;
	if (cur_style == ZD_XLAT_VERBOSE)
		zd_sb_adds(sb, " */");
}

void
zd_xlat_sym(struct zd_sb *sb, enum zd_xlat_num fmt, uint64_t v, const char *name)
{
	if (zd_xlat_sym_begin(sb, fmt, v)) {
		zd_sb_adds(sb, name);
		zd_xlat_sym_end(sb);
	}
}

/* ---------------------------------------------------------------- */
/* Printers                                                          */

static void
unknown_comment(struct zd_sb *sb, const struct zd_xlat_tab *t)
{
	if (!*t->unknown)   /* "#unknown" alone: the number without a comment */
		return;
	zd_sb_adds(sb, " /* ");
	zd_sb_adds(sb, t->unknown);
	zd_sb_adds(sb, " */");
}

void
zd_xlat_val(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v)
{
	const char *n = zd_xlat_name(t, v);

	if (n) {
		zd_xlat_sym(sb, ZD_XN_HEX, v, n);
		return;
	}
	zd_sb_addhex(sb, v);
	if (cur_style != ZD_XLAT_RAW)
		unknown_comment(sb, t);
}

void
zd_xlat_val_dec(struct zd_sb *sb, const struct zd_xlat_tab *t, int64_t v)
{
	const char *n = zd_xlat_name(t, (uint64_t)v);

	if (n)
		zd_xlat_sym(sb, ZD_XN_DEC, (uint64_t)v, n);
	else
		zd_sb_addf(sb, "%lld", (long long)v);
}

uint64_t
zd_xlat_flags_part(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v, bool *first)
{
	unsigned i;

	for (i = 0; i < t->n && v; i++) {
		uint64_t f = t->v[i].val;

		if (!f || (v & f) != f)
			continue;
		if (sb) {
			if (!*first)
				zd_sb_addc(sb, '|');
			zd_sb_adds(sb, t->v[i].name);
		}
		*first = false;
		v &= ~f;
	}
	return v;
}

void
zd_xlat_flags(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v)
{
	bool first = true;
	uint64_t rest;

	if (!v) {
		if (t->zero)
			zd_xlat_sym(sb, ZD_XN_HEX, 0, t->zero);
		else
			zd_sb_addc(sb, '0');
		return;
	}
	zd_xlat_flags_part(NULL, t, v, &first);
	if (first) {
		/* Nothing known: the number and what it should have been. */
		zd_sb_addhex(sb, v);
		if (cur_style != ZD_XLAT_RAW)
			unknown_comment(sb, t);
		return;
	}
	if (!zd_xlat_sym_begin(sb, ZD_XN_HEX, v))
		return;
	first = true;
	rest = zd_xlat_flags_part(sb, t, v, &first);
	if (rest) {
		zd_sb_addc(sb, '|');
		zd_sb_addhex(sb, rest);
	}
	zd_xlat_sym_end(sb);
}
