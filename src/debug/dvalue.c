/*
 * Types and values of the debugged program and their gdb-style text.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/dvalue.h"
#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

#define GDB_REPEATS 10      /* repeat_count_threshold */
#define GDB_ELEMENTS 200    /* print elements */
#define STR_CHUNK 64

void
zd_types_init(struct zd_types *ts)
{
	memset(ts, 0, sizeof(*ts));
}

void
zd_types_release(struct zd_types *ts)
{
	struct zd_type *t, *next;
	size_t i;

	for (t = ts->all; t; t = next) {
		next = t->next_;
		free(t->members);
		free(t->enums);
		free(t->params);
		free(t);
	}
	for (i = 0; i < ts->nstrs; i++)
		free(ts->strs[i]);
	free(ts->strs);
	memset(ts, 0, sizeof(*ts));
}

struct zd_type *
zd_type_new(struct zd_types *ts, enum zd_tkind k)
{
	struct zd_type *t = zd_xcalloc(1, sizeof(*t));

	t->kind = k;
	t->next_ = ts->all;
	ts->all = t;
	return t;
}

const char *
zd_types_str(struct zd_types *ts, const char *s)
{
	if (!s)
		return NULL;
	ZD_GROW(ts->strs, ts->strs_alloc, ts->nstrs + 1);
	ts->strs[ts->nstrs] = zd_xstrdup(s);
	return ts->strs[ts->nstrs++];
}

const struct zd_type *
zd_type_base(struct zd_types *ts, enum zd_tkind k, const char *name, uint64_t size)
{
	struct zd_type *t;

	for (t = ts->all; t; t = t->next_)
		if (t->kind == k && t->size == size && t->name && name && !strcmp(t->name, name) && !t->target)
			return t;
	t = zd_type_new(ts, k);
	t->name = zd_types_str(ts, name);
	t->size = size;
	return t;
}

const struct zd_type *
zd_type_ptr(struct zd_types *ts, const struct zd_type *target)
{
	struct zd_type *t;

	for (t = ts->all; t; t = t->next_)
		if (t->kind == ZD_T_PTR && t->target == target)
			return t;
	t = zd_type_new(ts, ZD_T_PTR);
	t->size = 8;
	t->target = target;
	return t;
}

const struct zd_type *
zd_type_strip(const struct zd_type *t)
{
	int guard = 0;

	while (t && (t->kind == ZD_T_TYPEDEF || t->kind == ZD_T_CONST || t->kind == ZD_T_VOLATILE) && guard++ < 64)
		t = t->target;
	return t;
}

bool
zd_type_is_scalar(const struct zd_type *t)
{
	t = zd_type_strip(t);
	if (!t)
		return false;
	switch (t->kind) {
	case ZD_T_INT: case ZD_T_UINT: case ZD_T_CHAR: case ZD_T_UCHAR: case ZD_T_BOOL:
	case ZD_T_ENUM: case ZD_T_PTR:
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------- */
/* Type names (C declarators)                                         */

/* Names come from the target's files: escaped (plain C names pass as they are). */
static void
put_name(struct zd_sb *sb, const char *s)
{
	zd_esc_cs(sb, s, 0);
}

static const char *
tag_word(enum zd_tkind k)
{
	return k == ZD_T_STRUCT ? "struct" : k == ZD_T_UNION ? "union" : "enum";
}

/* The "base" words of t, before any declarator. */
static void
base_name(const struct zd_type *t, struct zd_sb *sb)
{
	switch (t->kind) {
	case ZD_T_STRUCT: case ZD_T_UNION: case ZD_T_ENUM:
		zd_sb_adds(sb, tag_word(t->kind));
		zd_sb_adds(sb, t->name ? " " : " {...}");
		if (t->name)
			put_name(sb, t->name);
		break;
	case ZD_T_VOID:
		zd_sb_adds(sb, "void");
		break;
	default:
		put_name(sb, t->name ? t->name : "?");
		break;
	}
}

/* C declarator: t applied to inner ("" for an abstract declarator). */
static void
decl_name(const struct zd_type *t, const char *inner, struct zd_sb *sb, int depth)
{
	struct zd_sb in = ZD_SB_INIT;
	const struct zd_type *tg;
	size_t i;

	if (!t) {
		zd_sb_adds(sb, "void");
		if (*inner)
			zd_sb_addf(sb, " %s", inner);
		return;
	}
	if (depth > 32) {
		zd_sb_adds(sb, "...");
		return;
	}
	switch (t->kind) {
	case ZD_T_PTR:
		tg = t->target;
		while (tg && (tg->kind == ZD_T_CONST || tg->kind == ZD_T_VOLATILE))
			tg = tg->target;
		if (tg && (tg->kind == ZD_T_ARRAY || tg->kind == ZD_T_FUNC))
			zd_sb_addf(&in, "(*%s)", inner);
		else
			zd_sb_addf(&in, "*%s", inner);
		decl_name(t->target, in.buf, sb, depth + 1);
		break;
	case ZD_T_ARRAY:
		if (t->has_count)
			zd_sb_addf(&in, "%s[%" PRIu64 "]", inner, t->count);
		else
			zd_sb_addf(&in, "%s[]", inner);
		decl_name(t->target, in.buf, sb, depth + 1);
		break;
	case ZD_T_FUNC:
		zd_sb_addf(&in, "%s(", inner);
		for (i = 0; i < t->nparams; i++) {
			if (i)
				zd_sb_adds(&in, ", ");
			decl_name(t->params[i], "", &in, depth + 1);
		}
		if (t->varargs)
			zd_sb_adds(&in, t->nparams ? ", ..." : "...");
		else if (!t->nparams && !t->unprototyped)
			zd_sb_adds(&in, "void");
		zd_sb_addc(&in, ')');
		decl_name(t->target, in.buf, sb, depth + 1);
		break;
	case ZD_T_CONST: case ZD_T_VOLATILE: {
		const char *w = t->kind == ZD_T_CONST ? "const" : "volatile";

		tg = zd_type_strip(t->target);
		if (t->target && t->target->kind == ZD_T_PTR) {
			zd_sb_addf(&in, "%s%s%s", w, *inner ? " " : "", inner);
			decl_name(t->target, in.buf, sb, depth + 1);
		} else {
			zd_sb_addf(sb, "%s ", w);
			decl_name(t->target, inner, sb, depth + 1);
		}
		(void)tg;
		break;
	}
	default:
		base_name(t, sb);
		if (*inner)
			zd_sb_addf(sb, " %s", inner);
		break;
	}
	zd_sb_release(&in);
}

void
zd_type_name(const struct zd_type *t, struct zd_sb *sb)
{
	decl_name(t, "", sb, 0);
}

/* The innermost type of a declarator chain. */
static const struct zd_type *
decl_base(const struct zd_type *t)
{
	int guard = 0;

	while (t && guard++ < 64 &&
	       (t->kind == ZD_T_PTR || t->kind == ZD_T_ARRAY || t->kind == ZD_T_FUNC || t->kind == ZD_T_CONST ||
		t->kind == ZD_T_VOLATILE))
		t = t->target;
	return t;
}

static void
ptype_body(const struct zd_type *t, struct zd_sb *sb, int indent)
{
	size_t i;
	int64_t next = 0;

	base_name(t, sb);
	if (t->declaration) {
		zd_sb_adds(sb, " {\n");
		zd_sb_addpad(sb, ' ', (size_t)indent + 4);
		zd_sb_adds(sb, "<incomplete type>\n");
		zd_sb_addpad(sb, ' ', (size_t)indent);
		zd_sb_addc(sb, '}');
		return;
	}
	if (!t->name)
		zd_sb_setlen(sb, sb->len - 6); /* drop " {...}" */
	if (t->kind == ZD_T_ENUM) {
		zd_sb_adds(sb, " {");
		for (i = 0; i < t->nenums; i++) {
			zd_sb_adds(sb, i ? ", " : "");
			put_name(sb, t->enums[i].name ? t->enums[i].name : "?");
			if (t->enums[i].value != next)
				zd_sb_addf(sb, " = %" PRId64, t->enums[i].value);
			next = t->enums[i].value + 1;
		}
		zd_sb_addc(sb, '}');
		return;
	}
	zd_sb_adds(sb, " {\n");
	for (i = 0; i < t->nmembers; i++) {
		const struct zd_member *m = &t->members[i];
		const struct zd_type *mb = decl_base(m->type);

		zd_sb_addpad(sb, ' ', (size_t)indent + 4);
		if (mb && !mb->name && (mb->kind == ZD_T_STRUCT || mb->kind == ZD_T_UNION || mb->kind == ZD_T_ENUM) &&
		    indent < 40) {
			/* an anonymous aggregate is shown whole */
			struct zd_sb tmp = ZD_SB_INIT;
			size_t bl;

			ptype_body(mb, sb, indent + 4);
			base_name(mb, &tmp);
			bl = tmp.len;
			zd_sb_reset(&tmp);
			decl_name(m->type, m->name ? m->name : "", &tmp, 0);
			if (tmp.len > bl)
				zd_sb_add(sb, tmp.buf + bl, tmp.len - bl);
			zd_sb_release(&tmp);
		} else {
			decl_name(m->type, m->name ? m->name : "", sb, 0);
		}
		if (m->bitsize)
			zd_sb_addf(sb, " : %u", m->bitsize);
		zd_sb_adds(sb, ";\n");
	}
	zd_sb_addpad(sb, ' ', (size_t)indent);
	zd_sb_addc(sb, '}');
}

void
zd_type_ptype(const struct zd_type *t, struct zd_sb *sb)
{
	const struct zd_type *b, *rb;
	struct zd_sb full = ZD_SB_INIT, bn = ZD_SB_INIT;
	int guard = 0;

	/* gdb resolves the typedefs of the top level and of the base type */
	while (t && t->kind == ZD_T_TYPEDEF && guard++ < 64)
		t = t->target;
	b = decl_base(t);
	rb = b;
	while (rb && rb->kind == ZD_T_TYPEDEF && guard++ < 128)
		rb = rb->target;
	zd_type_name(t, &full);
	if (b)
		base_name(b, &bn);
	if (!b || full.len < bn.len || memcmp(full.buf, bn.buf, bn.len)) {
		zd_sb_add(sb, full.buf ? full.buf : "", full.len);
	} else if (rb && (rb->kind == ZD_T_STRUCT || rb->kind == ZD_T_UNION || rb->kind == ZD_T_ENUM)) {
		ptype_body(rb, sb, 0);
		zd_sb_adds(sb, full.buf + bn.len);
	} else {
		zd_type_name(rb, sb);
		zd_sb_adds(sb, full.buf + bn.len);
	}
	zd_sb_release(&full);
	zd_sb_release(&bn);
}

/* ---------------------------------------------------------------- */
/* Values                                                             */

void
zd_value_set_bytes(struct zd_value *v, const void *data, size_t len)
{
	free(v->bytes);
	v->bytes = len ? zd_xmemdup(data, len) : NULL;
	v->size = len;
}

void
zd_value_release(struct zd_value *v)
{
	free(v->bytes);
	v->bytes = NULL;
	v->size = 0;
}

void
zd_value_copy(struct zd_value *dst, const struct zd_value *src)
{
	*dst = *src;
	dst->bytes = src->bytes && src->size ? zd_xmemdup(src->bytes, src->size) : NULL;
	if (!dst->bytes)
		dst->size = 0;
}

static bool
is_signed_kind(const struct zd_type *t)
{
	size_t i;

	if (t->kind == ZD_T_INT || t->kind == ZD_T_CHAR)
		return true;
	if (t->kind == ZD_T_ENUM)
		for (i = 0; i < t->nenums; i++)
			if (t->enums[i].value < 0)
				return true;
	return false;
}

/* Load size bytes little-endian, sign-extended when sign. */
static int64_t
load_int(const unsigned char *p, size_t size, bool sign)
{
	uint64_t u = 0;
	size_t i, n = ZD_MIN(size, (size_t)8);

	for (i = 0; i < n; i++)
		u |= (uint64_t)p[i] << (8 * i);
	if (sign && n && n < 8 && (u >> (8 * n - 1)) & 1)
		u |= ~(uint64_t)0 << (8 * n);
	return (int64_t)u;
}

int
zd_value_int(const struct zd_value *v, int64_t *out)
{
	const struct zd_type *t = zd_type_strip(v->type);

	if (!t || !zd_type_is_scalar(t))
		return -EINVAL;
	if (!v->bytes || v->size < ZD_MIN(t->size, (uint64_t)8) || !t->size)
		return -ENODATA;
	*out = load_int(v->bytes, (size_t)t->size, is_signed_kind(t));
	return 0;
}

static double
load_float(const unsigned char *p, size_t size)
{
	if (size == 4) {
		float f;

		memcpy(&f, p, 4);
		return f;
	}
	if (size == 16 || size == 10) {
		long double ld = 0;

		memcpy(&ld, p, ZD_MIN(size, sizeof(ld)));
		return (double)ld;
	}
	{
		double d = 0;

		memcpy(&d, p, ZD_MIN(size, sizeof(d)));
		return d;
	}
}

int
zd_value_double(const struct zd_value *v, double *out)
{
	const struct zd_type *t = zd_type_strip(v->type);
	int64_t i;

	if (!t)
		return -EINVAL;
	if (t->kind == ZD_T_FLOAT) {
		if (!v->bytes || v->size < t->size || !t->size)
			return -ENODATA;
		*out = load_float(v->bytes, (size_t)t->size);
		return 0;
	}
	if (zd_value_int(v, &i) < 0)
		return -EINVAL;
	*out = t->kind == ZD_T_UINT || t->kind == ZD_T_UCHAR || t->kind == ZD_T_PTR ? (double)(uint64_t)i : (double)i;
	return 0;
}

/* One character as gdb writes it inside quote q. */
static void
esc_char(struct zd_sb *sb, unsigned char c, char q)
{
	static const char from[] = "\a\b\f\n\r\t\v", to[] = "abfnrtv";
	const char *p;

	if (c == (unsigned char)q || c == '\\') {
		zd_sb_addc(sb, '\\');
		zd_sb_addc(sb, (char)c);
	} else if (c >= 0x20 && c < 0x7f) {
		zd_sb_addc(sb, (char)c);
	} else if (c && (p = strchr(from, c))) {
		zd_sb_addc(sb, '\\');
		zd_sb_addc(sb, to[p - from]);
	} else {
		zd_sb_addf(sb, "\\%03o", c);
	}
}

/*
 * gdb's string printing: runs longer than the repeat threshold become
 * `'c' <repeats N times>` segments between quoted parts.
 */
static void
print_chars(struct zd_sb *sb, const unsigned char *s, size_t n, bool truncated)
{
	size_t i = 0, j;
	bool open = false, any = false;

	if (!n) {
		zd_sb_adds(sb, "\"\"");
		return;
	}
	while (i < n) {
		for (j = i + 1; j < n && s[j] == s[i]; j++)
			;
		if (j - i > GDB_REPEATS) {
			if (open)
				zd_sb_adds(sb, "\", ");
			else if (any)
				zd_sb_adds(sb, ", ");
			open = false;
			zd_sb_addc(sb, '\'');
			esc_char(sb, s[i], '\'');
			zd_sb_addf(sb, "' <repeats %zu times>", j - i);
			i = j;
		} else {
			if (!open) {
				if (any)
					zd_sb_adds(sb, ", ");
				zd_sb_addc(sb, '"');
				open = true;
			}
			for (; i < j; i++)
				esc_char(sb, s[i], '"');
		}
		any = true;
	}
	if (open)
		zd_sb_addc(sb, '"');
	if (truncated)
		zd_sb_adds(sb, "...");
}

static void
print_mem_error(struct zd_sb *sb, uint64_t addr)
{
	zd_sb_addf(sb, "<error: Cannot access memory at address 0x%" PRIx64 ">", addr);
}

/* A NUL-terminated string at addr, at most max bytes. */
static void
print_cstring(struct zd_sb *sb, const struct zd_fmt *f, uint64_t addr, unsigned max)
{
	unsigned char *buf = zd_xmalloc(max + 1);
	size_t n = 0;
	bool nul = false;

	while (n < max && !nul) {
		size_t want = ZD_MIN((size_t)STR_CHUNK, (size_t)(max - n)), k;
		ssize_t got;

		/* stay inside the page: a read across into an unmapped one fails */
		want = ZD_MIN(want, (size_t)(0x1000 - ((addr + n) & 0xfff)));
		got = f->mem(f->ctx, addr + n, buf + n, want);
		if (got <= 0)
			break;
		for (k = 0; k < (size_t)got; k++)
			if (!buf[n + k]) {
				nul = true;
				break;
			}
		n += k;
	}
	if (!nul && n == 0) {
		print_mem_error(sb, addr);
	} else if (!nul && n < max) {
		print_chars(sb, buf, n, false);
		zd_sb_adds(sb, "<error: Cannot access memory at address ");
		zd_sb_addf(sb, "0x%" PRIx64 ">", addr + n);
	} else {
		print_chars(sb, buf, n, !nul);
	}
	free(buf);
}

static void
print_binary(struct zd_sb *sb, uint64_t u)
{
	int b = 63;

	while (b > 0 && !((u >> b) & 1))
		b--;
	for (; b >= 0; b--)
		zd_sb_addc(sb, (u >> b) & 1 ? '1' : '0');
}

/* An integer under print/FMT letter. */
static void
print_int_letter(struct zd_sb *sb, int64_t v, uint64_t size, bool sign, char letter)
{
	uint64_t mask = size >= 8 || !size ? ~(uint64_t)0 : (((uint64_t)1 << (8 * size)) - 1);
	uint64_t u = (uint64_t)v & mask;

	switch (letter) {
	case 'x':
		zd_sb_addf(sb, "0x%" PRIx64, u);
		break;
	case 'o':
		zd_sb_addf(sb, u ? "0%" PRIo64 : "%" PRIo64, u);
		break;
	case 't':
		print_binary(sb, u);
		break;
	case 'u':
		zd_sb_addf(sb, "%" PRIu64, u);
		break;
	case 'd':
		zd_sb_addf(sb, "%" PRId64, load_int((unsigned char *)&u, (size_t)ZD_MIN(size ? size : 8, (uint64_t)8), true));
		break;
	case 'c': {
		int64_t c = (int8_t)(u & 0xff);

		zd_sb_addf(sb, "%" PRId64 " '", c);
		esc_char(sb, (unsigned char)c, '\'');
		zd_sb_addc(sb, '\'');
		break;
	}
	default:
		if (sign)
			zd_sb_addf(sb, "%" PRId64, v);
		else
			zd_sb_addf(sb, "%" PRIu64, u);
		break;
	}
}

static void
print_double(struct zd_sb *sb, double d, uint64_t size)
{
	if (isnan(d))
		zd_sb_adds(sb, signbit(d) ? "-nan(0x8000000000000)" : "nan(0x8000000000000)");
	else if (isinf(d))
		zd_sb_adds(sb, d < 0 ? "-inf" : "inf");
	else
		zd_sb_addf(sb, "%.*g", size == 4 ? 9 : size == 8 ? 17 : 18, d);
}

struct fctx {
	const struct zd_fmt *f;
	struct zd_sb *sb;
	unsigned max_elems, max_depth;
};

static void fmt_obj(struct fctx *c, const struct zd_type *t, const unsigned char *p, size_t avail, bool top,
		    unsigned depth);

/* " <sym+off>" after an address, when the namer knows it. */
static void
add_sym(struct fctx *c, uint64_t u, bool code)
{
	size_t before;

	if (!c->f->namer || !u)
		return;
	zd_sb_adds(c->sb, " <");
	before = c->sb->len;
	c->f->namer(c->f->namer_ctx, u, code, c->sb);
	if (c->sb->len == before)
		zd_sb_setlen(c->sb, before - 2);
	else
		zd_sb_addc(c->sb, '>');
}

static void
fmt_pointer(struct fctx *c, const struct zd_type *t, uint64_t u, bool top)
{
	const struct zd_type *tg = zd_type_strip(t->target);
	char letter = c->f->letter;

	if (letter && letter != 's' && letter != 'a') {
		print_int_letter(c->sb, (int64_t)u, 8, false, letter);
		return;
	}
	if (tg && tg->kind == ZD_T_FUNC) {
		if (top) {
			zd_sb_adds(c->sb, "(");
			zd_type_name(t, c->sb);
			zd_sb_adds(c->sb, ") ");
		}
		zd_sb_addf(c->sb, "0x%" PRIx64, u);
		add_sym(c, u, true);
		return;
	}
	if (tg && (tg->kind == ZD_T_CHAR || tg->kind == ZD_T_UCHAR) && tg->size == 1) {
		zd_sb_addf(c->sb, "0x%" PRIx64, u);
		add_sym(c, u, false);
		if (u && c->f->mem) {
			zd_sb_addc(c->sb, ' ');
			print_cstring(c->sb, c->f, u, c->max_elems);
		}
		return;
	}
	if (top) {
		zd_sb_addc(c->sb, '(');
		zd_type_name(t, c->sb);
		zd_sb_adds(c->sb, ") ");
	}
	zd_sb_addf(c->sb, "0x%" PRIx64, u);
	add_sym(c, u, false);
}

static void
fmt_array(struct fctx *c, const struct zd_type *t, const unsigned char *p, size_t avail, unsigned depth)
{
	const struct zd_type *et = zd_type_strip(t->target);
	uint64_t esz = et ? et->size : 0, n = t->count, i, j, shown = 0;
	bool first = true;

	if (!et || !t->has_count) {
		zd_sb_adds(c->sb, "0x0");
		return;
	}
	if (esz && n > avail / esz)
		n = avail / esz;
	if (esz == 1 && (et->kind == ZD_T_CHAR || et->kind == ZD_T_UCHAR) && (!c->f->letter || c->f->letter == 's')) {
		size_t len = (size_t)ZD_MIN(n, (uint64_t)c->max_elems);
		bool trunc = len < n;

		/* a trailing NUL of a string that fits is not shown */
		if (!trunc && len && !p[len - 1])
			len--;
		print_chars(c->sb, p, len, trunc);
		return;
	}
	if (!esz) {
		zd_sb_adds(c->sb, "{}");
		return;
	}
	zd_sb_addc(c->sb, '{');
	for (i = 0; i < n; i = j) {
		if (shown >= c->max_elems) {
			zd_sb_adds(c->sb, "...");
			break;
		}
		for (j = i + 1; j < n && !memcmp(p + j * esz, p + i * esz, (size_t)esz); j++)
			;
		if (!first)
			zd_sb_adds(c->sb, ", ");
		first = false;
		fmt_obj(c, t->target, p + i * esz, (size_t)esz, false, depth + 1);
		if (j - i >= GDB_REPEATS) {
			zd_sb_addf(c->sb, " <repeats %" PRIu64 " times>", j - i);
			shown += GDB_REPEATS;
		} else {
			j = i + 1;
			shown++;
		}
	}
	zd_sb_addc(c->sb, '}');
}

static void
fmt_struct(struct fctx *c, const struct zd_type *t, const unsigned char *p, size_t avail, unsigned depth)
{
	size_t i;

	if (t->declaration) {
		zd_sb_adds(c->sb, "<incomplete type>");
		return;
	}
	zd_sb_addc(c->sb, '{');
	for (i = 0; i < t->nmembers; i++) {
		const struct zd_member *m = &t->members[i];
		const struct zd_type *mt = zd_type_strip(m->type);

		if (i)
			zd_sb_adds(c->sb, ", ");
		if (m->name) {
			put_name(c->sb, m->name);
			zd_sb_adds(c->sb, " = ");
		}
		if (m->off > avail || !mt) {
			zd_sb_adds(c->sb, "<error>");
			continue;
		}
		if (m->bitsize && mt->size && m->off + mt->size <= avail && m->bitsize < 64) {
			int64_t raw = load_int(p + m->off, (size_t)mt->size, false);
			uint64_t u = ((uint64_t)raw >> m->bitoff) & (((uint64_t)1 << m->bitsize) - 1);
			unsigned char tmp[8];
			size_t k;

			if (is_signed_kind(mt) && (u >> (m->bitsize - 1)) & 1)
				u |= ~(uint64_t)0 << m->bitsize;
			for (k = 0; k < 8; k++)
				tmp[k] = (unsigned char)(u >> (8 * k));
			fmt_obj(c, m->type, tmp, ZD_MIN((size_t)8, (size_t)mt->size), false, depth + 1);
			continue;
		}
		fmt_obj(c, m->type, p + m->off, avail - (size_t)m->off, false, depth + 1);
	}
	zd_sb_addc(c->sb, '}');
}

static void
fmt_obj(struct fctx *c, const struct zd_type *t0, const unsigned char *p, size_t avail, bool top, unsigned depth)
{
	const struct zd_type *t = zd_type_strip(t0);
	char letter = c->f->letter;
	int64_t iv;
	size_t i;

	if (!t) {
		zd_sb_adds(c->sb, "void");
		return;
	}
	if (depth > c->max_depth) {
		zd_sb_adds(c->sb, "{...}");
		return;
	}
	if (t->kind != ZD_T_FUNC && t->kind != ZD_T_ARRAY && t->kind != ZD_T_STRUCT && t->kind != ZD_T_UNION &&
	    (t->size > avail || !t->size)) {
		zd_sb_adds(c->sb, t->kind == ZD_T_VOID ? "void" : "<error: value not available>");
		return;
	}
	switch (t->kind) {
	case ZD_T_INT: case ZD_T_UINT:
		iv = load_int(p, (size_t)t->size, t->kind == ZD_T_INT);
		print_int_letter(c->sb, iv, t->size, t->kind == ZD_T_INT, letter == 's' ? 0 : letter);
		break;
	case ZD_T_CHAR: case ZD_T_UCHAR:
		iv = load_int(p, (size_t)t->size, t->kind == ZD_T_CHAR);
		if (letter && letter != 's' && letter != 'c') {
			print_int_letter(c->sb, iv, t->size, t->kind == ZD_T_CHAR, letter);
		} else {
			zd_sb_addf(c->sb, "%" PRId64 " '", iv);
			esc_char(c->sb, (unsigned char)iv, '\'');
			zd_sb_addc(c->sb, '\'');
		}
		break;
	case ZD_T_BOOL:
		iv = load_int(p, (size_t)t->size, false);
		if (letter && letter != 's')
			print_int_letter(c->sb, iv, t->size, false, letter);
		else if (iv == 0 || iv == 1)
			zd_sb_adds(c->sb, iv ? "true" : "false");
		else
			zd_sb_addf(c->sb, "%" PRId64, iv);
		break;
	case ZD_T_FLOAT:
		if (letter && letter != 's' && letter != 'f') {
			double d = load_float(p, (size_t)t->size);

			if (letter == 'x' || letter == 't' || letter == 'o' || letter == 'c' || letter == 'u' ||
			    letter == 'd') {
				/* gdb 13 converts the raw bytes for x/o/t, the value otherwise */
				if (letter == 'x' || letter == 't' || letter == 'o')
					iv = load_int(p, (size_t)ZD_MIN(t->size, (uint64_t)8), false);
				else
					iv = (d >= -9.2e18 && d <= 9.2e18) ? (int64_t)d : 0;
				print_int_letter(c->sb, iv, ZD_MIN(t->size, (uint64_t)8), letter == 'd', letter);
				break;
			}
		}
		print_double(c->sb, load_float(p, (size_t)t->size), t->size);
		break;
	case ZD_T_ENUM:
		iv = load_int(p, (size_t)t->size, is_signed_kind(t));
		if (letter && letter != 's') {
			print_int_letter(c->sb, iv, t->size, is_signed_kind(t), letter);
			break;
		}
		for (i = 0; i < t->nenums; i++)
			if (t->enums[i].value == iv && t->enums[i].name) {
				put_name(c->sb, t->enums[i].name);
				return;
			}
		zd_sb_addf(c->sb, "%" PRId64, iv);
		break;
	case ZD_T_PTR:
		fmt_pointer(c, t, (uint64_t)load_int(p, 8, false), top);
		break;
	case ZD_T_ARRAY:
		fmt_array(c, t, p, avail, depth);
		break;
	case ZD_T_STRUCT: case ZD_T_UNION:
		fmt_struct(c, t, p, avail, depth);
		break;
	case ZD_T_FUNC:
		zd_sb_adds(c->sb, "{");
		zd_type_name(t, c->sb);
		zd_sb_adds(c->sb, "}");
		break;
	default:
		zd_sb_adds(c->sb, "void");
		break;
	}
}

void
zd_value_format(const struct zd_value *v, const struct zd_fmt *f, struct zd_sb *sb)
{
	struct fctx c = { f, sb, f->max_elems ? f->max_elems : GDB_ELEMENTS, f->max_depth ? f->max_depth : 20 };
	const struct zd_type *t = zd_type_strip(v->type);

	if (v->loc == ZD_V_OPTOUT || (v->loc == ZD_V_UNAVAIL && !v->bytes)) {
		zd_sb_adds(sb, v->loc == ZD_V_OPTOUT ? "<optimized out>" : "<not saved>");
		return;
	}
	if (t && t->kind == ZD_T_FUNC) {
		/* a function designator: {int (int)} 0x401136 <fn> */
		zd_sb_addc(sb, '{');
		zd_type_name(t, sb);
		zd_sb_addf(sb, "} 0x%" PRIx64, v->addr);
		add_sym(&c, v->addr, true);
		return;
	}
	if (v->err && v->loc == ZD_V_MEM) {
		print_mem_error(sb, v->addr);
		return;
	}
	if (!v->bytes) {
		zd_sb_adds(sb, t && t->kind == ZD_T_VOID ? "void" : "<error: value not available>");
		return;
	}
	fmt_obj(&c, v->type, v->bytes, v->size, !f->bare, 0);
}
