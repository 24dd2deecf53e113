/*
 * x/NFU ADDR as gdb: N items of format F (x d u o t a c f s i z) and size
 * U (b h w g), "0x4010 <g_arr>:\t0x00000001\t..." lines; the format, size
 * and count are remembered, and a bare `x` goes on after the last item.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/dbgline.h"
#include "zdiag/disasm.h"
#include "zdiag/dwarf.h"
#include "zdiag/esc.h"

#include "dbg-int.h"

#define X_MAX_ITEMS 4096
#define X_MAX_STR 200   /* gdb's print elements */

int
zd_dbg_xfmt_parse(const char *s, char last_fmt, char last_size, struct zd_dbg_xfmt *out, char *bad)
{
	char fmt = 0, size = 0;
	unsigned long n = 1;

	*bad = 0;
	if (*s >= '0' && *s <= '9') {
		char *end;

		errno = 0;
		n = strtoul(s, &end, 10);
		if (errno || n > X_MAX_ITEMS)
			return -ERANGE;
		s = end;
	}
	for (; *s && *s != ' ' && *s != '\t'; s++) {
		if (strchr("bhwg", *s))
			size = *s;
		else if (strchr("xduotacfsiz", *s))
			fmt = *s;
		else {
			*bad = *s;
			return -EINVAL;
		}
	}
	if (!fmt)
		fmt = last_fmt ? last_fmt : 'x';
	if (!size) {
		/* decode_format's defaults */
		switch (fmt) {
		case 'a':
			size = 'g';
			break;
		case 'f':
			size = last_size == 'w' || last_size == 'g' ? last_size : 'g';
			break;
		case 'c':
		case 's':
			size = 'b';
			break;
		default:
			size = last_size ? last_size : 'w';
		}
	}
	out->count = n;
	out->fmt = fmt;
	out->size = size;
	return 0;
}

static size_t
unit_bytes(char size)
{
	return size == 'b' ? 1 : size == 'h' ? 2 : size == 'w' ? 4 : 8;
}

/* "0x4010 <g_arr+4>" as gdb's print_address */
static void
put_addr(struct zd_dbg *d, struct zd_di *di, uint64_t addr, struct zd_sb *sb)
{
	struct zd_sb n = ZD_SB_INIT;

	zd_sb_addf(sb, "0x%" PRIx64, addr);
	if (di && zd_dbg_load_space(d) == 0)
		zd_di_name_addr(di, addr, false, &n);
	if (n.len)
		zd_sb_addf(sb, " <%s>", n.buf);
	zd_sb_release(&n);
}

/* gdb's escapes inside '' and "" */
static void
put_char(struct zd_sb *sb, unsigned char c, char q)
{
	static const char esc[] = "\a\b\f\n\r\t\v";
	static const char let[] = "abfnrtv";
	const char *p = c ? strchr(esc, c) : NULL;

	if (c == (unsigned char)q || c == '\\')
		zd_sb_addf(sb, "\\%c", c);
	else if (p)
		zd_sb_addf(sb, "\\%c", let[p - esc]);
	else if (c >= 0x20 && c < 0x7f)
		zd_sb_addc(sb, (char)c);
	else
		zd_sb_addf(sb, "\\%03o", c);
}

static void
put_binary(struct zd_sb *sb, uint64_t v, size_t bits)
{
	while (bits--)
		zd_sb_addc(sb, (v >> bits) & 1 ? '1' : '0');
}

static void
put_item(struct zd_dbg *d, struct zd_di *di, const unsigned char *p, size_t sz, char fmt, struct zd_sb *sb)
{
	uint64_t u = 0;
	int64_t sv;

	memcpy(&u, p, sz);
	sv = sz == 8 ? (int64_t)u : (int64_t)(u << (64 - 8 * sz)) >> (64 - 8 * sz);
	switch (fmt) {
	case 'x':
	case 'z':
		zd_sb_addf(sb, "0x%0*" PRIx64, (int)(sz * 2), u);
		break;
	case 'd':
		zd_sb_addf(sb, "%" PRId64, sv);
		break;
	case 'u':
		zd_sb_addf(sb, "%" PRIu64, u);
		break;
	case 'o':
		zd_sb_addf(sb, u ? "0%" PRIo64 : "%" PRIo64, u);
		break;
	case 't':
		put_binary(sb, u, sz * 8);
		break;
	case 'c':
		zd_sb_addf(sb, "%d '", (int)(signed char)p[0]);
		put_char(sb, p[0], '\'');
		zd_sb_addc(sb, '\'');
		break;
	case 'a':
		put_addr(d, di, u, sb);
		break;
	case 'f':
		if (sz == 4) {
			float f;

			memcpy(&f, p, 4);
			zd_sb_addf(sb, "%.9g", (double)f);
		} else if (sz == 8) {
			double f;

			memcpy(&f, p, 8);
			zd_sb_addf(sb, "%.17g", f);
		} else {
			zd_sb_addf(sb, "%" PRId64, sv);
		}
		break;
	}
}

/* One C string at addr (at most X_MAX_STR chars); returns the address after it. */
static int
put_string(struct zd_dbg *d, uint64_t addr, uint64_t *next, struct zd_sb *sb)
{
	unsigned char buf[X_MAX_STR + 1];
	size_t len = 0;

	while (len < sizeof(buf)) {
		ssize_t got = zd_pt_read(&d->pt, addr + len, buf + len, 1);

		if (got != 1)
			break;
		if (!buf[len])
			break;
		len++;
	}
	if (len < sizeof(buf) && (len == 0 || buf[len] != 0) && zd_pt_read(&d->pt, addr + len, buf + len, 1) != 1)
		return -EFAULT;
	zd_sb_addc(sb, '"');
	for (size_t i = 0; i < ZD_MIN(len, (size_t)X_MAX_STR); i++)
		put_char(sb, buf[i], '"');
	zd_sb_addc(sb, '"');
	if (len > X_MAX_STR) {
		zd_sb_adds(sb, "...");
		*next = addr + X_MAX_STR;
	} else {
		*next = addr + len + 1;
	}
	return 0;
}

static int
put_insn(struct zd_dbg *d, struct zd_di *di, uint64_t addr, uint64_t pc, uint64_t *next, struct zd_sb *sb)
{
	unsigned char buf[16];
	ssize_t got = zd_pt_read(&d->pt, addr, buf, sizeof(buf));
	struct zd_insn in;
	size_t off = 0;

	if (got <= 0)
		return -EFAULT;
	if (!d->dis && zd_disasm_new(&d->dis, d->syntax) < 0)
		return -ENOSYS;
	/* the bytes under breakpoints, not int3 */
	dbg_pt_reader_masked(&d->pt, addr, buf, (size_t)got);
	if (zd_disasm_one(d->dis, buf, (size_t)got, &off, addr, &in) < 0 || !in.size)
		return -EILSEQ;
	zd_sb_adds(sb, addr == pc ? "=> " : "   ");
	put_addr(d, di, addr, sb);
	zd_sb_addf(sb, ":\t%-6s %s", in.mnemonic, in.ops);
	if (in.has_target) {
		zd_sb_adds(sb, " ");
		put_addr(d, di, in.target, sb);
	}
	*next = addr + in.size;
	return 0;
}

int
dbg_examine(struct zd_dbg *d, uint64_t addr, char fmt, char size, unsigned long count, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	struct dbg_view *v = dbg_view(d);
	struct zd_di *di = dbg_src_di(d, out);
	size_t sz = unit_bytes(size), per = fmt == 's' || fmt == 'i' ? 1 : size == 'w' ? 4 : size == 'g' ? 2 : 8;
	uint64_t pc = 0;
	unsigned long i;

	if (!di)
		return -1;
	if (fmt == 'i') {
		/* => marks the selected frame's pc, as gdb */
		struct zd_dbg_out q;
		struct zd_srcpos pos;
		struct zd_thread *t = zd_dbg_cur_thread(d);

		zd_dbg_out_init(&q, NULL, NULL);
		if (dbg_src_where(d, &pc, &pos, &q) < 0 && t && zd_pt_getregs(&d->pt, t) == 0)
			pc = t->regs.rip;
		zd_dbg_out_release(&q);
	}
	for (i = 0; i < count; i++) {
		uint64_t next = addr + sz;
		int r = 0;

		if (i % per == 0) {
			if (i)
				zd_sb_addc(sb, '\n');
			if (fmt != 'i') {
				put_addr(d, di, addr, sb);
				zd_sb_addc(sb, ':');
			}
		}
		if (fmt == 's') {
			zd_sb_addc(sb, '\t');
			r = put_string(d, addr, &next, sb);
		} else if (fmt == 'i') {
			r = put_insn(d, di, addr, pc, &next, sb);
		} else {
			unsigned char buf[8];

			if (zd_pt_read(&d->pt, addr, buf, sz) != (ssize_t)sz)
				r = -EFAULT;
			else {
				zd_sb_addc(sb, '\t');
				put_item(d, di, buf, sz, fmt, sb);
			}
		}
		if (r < 0) {
			if (i % per)
				zd_sb_addc(sb, '\n');
			else if (fmt != 'i')
				zd_sb_addc(sb, '\n');
			v->x_next = addr;
			v->x_have_next = true;
			if (r == -ENOSYS)
				return zd_dbg_fail(out, "cannot disassemble: %s", zd_disasm_error());
			return zd_dbg_fail(out, r == -EILSEQ ? "cannot decode the instruction at 0x%" PRIx64
					       : "cannot access memory at address 0x%" PRIx64, addr);
		}
		addr = next;
	}
	if (count)
		zd_sb_addc(sb, '\n');
	v->x_next = addr;
	v->x_have_next = true;
	return 0;
}

/* x[/NFU] [ADDR|EXPR]; the old `x ADDR COUNT` (COUNT 8-byte words) still works. */
static int
cmd_x(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct dbg_view *v = dbg_view(d);
	const char *line = d->line ? d->line : "", *slash, *e;
	struct zd_dbg_xfmt f;
	uint64_t addr;
	char bad;
	int r;

	while (*line == ' ' || *line == '\t')
		line++;
	e = line + strcspn(line, " \t/");
	slash = *e == '/' ? e + 1 : NULL;
	if (slash) {
		r = zd_dbg_xfmt_parse(slash, v->x_fmt, v->x_size, &f, &bad);
		if (r == -ERANGE)
			return zd_dbg_fail(out, "count must be 0..%d", X_MAX_ITEMS);
		if (r < 0)
			return zd_dbg_fail(out, bad >= 0x21 && bad < 0x7f ? "undefined output format \"%c\""
					   : "undefined output format", bad);
		e = slash + strcspn(slash, " \t");
	} else {
		f.fmt = v->x_fmt;
		f.size = v->x_fmt == 's' ? 'b' : v->x_size;
		f.count = 1;
		if (argc == 1 && v->x_count)
			f.count = v->x_count;
		if (argc == 3 && !slash) {
			/* x ADDR COUNT: COUNT giant words in hex */
			uint64_t n;

			if (!zd_dbg_parse_num(argv[2], &n) || !n || n > 512)
				return zd_dbg_fail(out, "COUNT must be 1..512 words");
			if (dbg_src_addr(d, argv[1], &addr, out) < 0)
				return -1;
			return dbg_examine(d, addr, 'x', 'g', (unsigned long)n, out);
		}
	}
	e += strspn(e, " \t");
	if (*e) {
		if (dbg_src_addr(d, e, &addr, out) < 0)
			return -1;
	} else if (v->x_have_next) {
		addr = v->x_next;
	} else {
		return zd_dbg_fail(out, "argument required (starting display address)");
	}
	v->x_fmt = f.fmt;
	v->x_size = f.fmt == 's' ? 'b' : f.size;
	v->x_count = f.count;
	return dbg_examine(d, addr, f.fmt, f.size, f.count, out);
}

const struct zd_dbg_cmd zd_dbg_cmds_x[] = {
	{ "x", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS | ZD_DBG_FORMAT, cmd_x, "x[/NFU] [ADDR|EXPR]",
	  "examine memory as gdb: N items, F one of x d u o t a c f s i z, U one of b h w g (remembered; "
	  "a bare x goes on); x ADDR COUNT: COUNT 8-byte words",
	  NULL },
	{ 0 },
};
