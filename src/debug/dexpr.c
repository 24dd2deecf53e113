/*
 * C expressions over debugged values: a tokenizer and a recursive-descent
 * evaluator (values are computed while parsing; `noeval` parses the
 * side of && / || that is not taken without reading memory).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/dexpr.h"
#include "zdiag/xalloc.h"

#define MAX_DEPTH 200
#define MAX_READ (1u << 20)
#define NAME_MAX_LEN 256

enum tok {
	T_END, T_NUM, T_FLOAT, T_CHAR, T_IDENT, T_REG, T_OP,
};

struct px {
	const struct zd_dexpr_env *env;
	const char *s;          /* next input */
	enum tok tok;
	char text[NAME_MAX_LEN];   /* identifier, register, operator */
	uint64_t num;
	bool num_unsigned, num_long;
	double fnum;
	int depth;
	int noeval;
	int err;
	char *errbuf;
	size_t errlen;
	const struct zd_type *t_int, *t_uint, *t_long, *t_ulong, *t_char, *t_double, *t_void;
};

static void ZD_PRINTF(3, 4)
fail(struct px *p, int err, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return;
	p->err = err;
	if (p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->errbuf, p->errlen, fmt, ap);
		va_end(ap);
	}
}

/* ---------------------------------------------------------------- */
/* Tokens                                                             */

static const char *const ops3[] = { "<<=", ">>=", NULL };
static const char *const ops2[] = { "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", NULL };

static int
char_escape(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	static const char from[] = "abfnrtve", to[] = "\a\b\f\n\r\t\v\033";
	const char *q;

	if (*s != '\\') {
		if (!*s)
			return -1;
		*v = (unsigned char)*s;
		*sp = s + 1;
		return 0;
	}
	s++;
	if ((q = strchr(from, *s)) && *s) {
		*v = (unsigned char)to[q - from];
		*sp = s + 1;
		return 0;
	}
	if (*s >= '0' && *s <= '7') {
		int k;

		*v = 0;
		for (k = 0; k < 3 && *s >= '0' && *s <= '7'; k++)
			*v = *v * 8 + (uint64_t)(*s++ - '0');
		*v &= 0xff;
		*sp = s;
		return 0;
	}
	if (*s == 'x') {
		char *end;

		*v = strtoull(s + 1, &end, 16) & 0xff;
		if (end == s + 1)
			return -1;
		*sp = end;
		return 0;
	}
	if (!*s)
		return -1;
	*v = (unsigned char)*s;
	*sp = s + 1;
	return 0;
}

static void
next(struct px *p)
{
	const char *s = p->s;
	size_t n;
	int i;

	while (isspace((unsigned char)*s))
		s++;
	p->text[0] = '\0';
	if (!*s) {
		p->tok = T_END;
		p->s = s;
		return;
	}
	if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
		char *end;
		const char *e = s;

		while (isalnum((unsigned char)*e) || *e == '.')
			e++;
		if ((memchr(s, '.', (size_t)(e - s)) || ((memchr(s, 'e', (size_t)(e - s)) || memchr(s, 'E', (size_t)(e - s))) &&
							  !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))) ) {
			p->fnum = strtod(s, &end);
			p->tok = T_FLOAT;
			if (end == s)
				fail(p, -EINVAL, "Invalid number \"%.*s\".", (int)ZD_MIN(e - s, 64), s);
			while (*end == 'f' || *end == 'F' || *end == 'l' || *end == 'L')
				end++;
			if (end != e)
				fail(p, -EINVAL, "Invalid number \"%.*s\".", (int)ZD_MIN(e - s, 64), s);
			p->s = e;
			return;
		}
		errno = 0;
		if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
			p->num = strtoull(s + 2, &end, 2);
		else
			p->num = strtoull(s, &end, 0);
		if (errno == ERANGE)
			fail(p, -EINVAL, "Numeric constant too large.");
		p->num_unsigned = p->num_long = false;
		while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L') {
			if (*end == 'u' || *end == 'U')
				p->num_unsigned = true;
			else
				p->num_long = true;
			end++;
		}
		if (end != e)
			fail(p, -EINVAL, "Invalid number \"%.*s\".", (int)ZD_MIN(e - s, 64), s);
		p->tok = T_NUM;
		p->s = e;
		return;
	}
	if (*s == '\'') {
		s++;
		if (*s == '\'' || char_escape(&s, &p->num) < 0 || *s != '\'') {
			fail(p, -EINVAL, "Unmatched single quote.");
			p->tok = T_END;
			p->s = s + strlen(s);
			return;
		}
		p->tok = T_CHAR;
		p->s = s + 1;
		return;
	}
	if (isalpha((unsigned char)*s) || *s == '_' || *s == '$') {
		bool reg = *s == '$';
		const char *b = reg ? s + 1 : s;

		for (n = 0; isalnum((unsigned char)b[n]) || b[n] == '_'; n++)
			;
		if (n >= sizeof(p->text)) {
			fail(p, -E2BIG, "Name too long.");
			n = sizeof(p->text) - 1;
		}
		memcpy(p->text, b, n);
		p->text[n] = '\0';
		p->tok = reg ? T_REG : T_IDENT;
		p->s = b + n;
		for (; isalnum((unsigned char)*p->s) || *p->s == '_'; p->s++)
			;
		if (reg && !n)
			fail(p, -EINVAL, "Invalid register name.");
		return;
	}
	for (i = 0; ops3[i]; i++)
		if (!strncmp(s, ops3[i], 3))
			break;
	if (ops3[i]) {
		fail(p, -EINVAL, "Assignments are not supported.");
		p->tok = T_END;
		p->s = s + 3;
		return;
	}
	for (i = 0; ops2[i]; i++)
		if (!strncmp(s, ops2[i], 2)) {
			memcpy(p->text, s, 2);
			p->text[2] = '\0';
			p->tok = T_OP;
			p->s = s + 2;
			return;
		}
	if (strchr("+-*/%<>&|^!~()[].?:,=", *s)) {
		p->text[0] = *s;
		p->text[1] = '\0';
		p->tok = T_OP;
		p->s = s + 1;
		return;
	}
	fail(p, -EINVAL, "Invalid character '%c' in expression.", isprint((unsigned char)*s) ? *s : '?');
	p->tok = T_END;
	p->s = s + strlen(s);
}

static bool
is_op(const struct px *p, const char *op)
{
	return p->tok == T_OP && !strcmp(p->text, op);
}

static bool
accept(struct px *p, const char *op)
{
	if (!is_op(p, op))
		return false;
	next(p);
	return true;
}

/* ---------------------------------------------------------------- */
/* Values                                                             */

static void
set_int(struct zd_value *v, const struct zd_type *t, uint64_t x)
{
	unsigned char b[8];
	size_t i, n = (size_t)ZD_MIN(t->size ? t->size : 8, (uint64_t)8);

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(x >> (8 * i));
	zd_value_release(v);
	v->type = t;
	v->loc = ZD_V_IMPLICIT;
	v->addr = 0;
	v->err = 0;
	zd_value_set_bytes(v, b, n);
}

static void
set_double(struct zd_value *v, const struct zd_type *t, double d)
{
	zd_value_release(v);
	v->type = t;
	v->loc = ZD_V_IMPLICIT;
	v->err = 0;
	if (t->size == 4) {
		float f = (float)d;

		zd_value_set_bytes(v, &f, 4);
	} else {
		zd_value_set_bytes(v, &d, 8);
	}
}

static bool
is_float(const struct zd_type *t)
{
	t = zd_type_strip(t);
	return t && t->kind == ZD_T_FLOAT;
}

static bool
is_ptr(const struct zd_type *t)
{
	t = zd_type_strip(t);
	return t && t->kind == ZD_T_PTR;
}

static bool
is_array(const struct zd_type *t)
{
	t = zd_type_strip(t);
	return t && t->kind == ZD_T_ARRAY;
}

static bool
is_unsigned(const struct zd_type *t)
{
	t = zd_type_strip(t);
	return t && (t->kind == ZD_T_UINT || t->kind == ZD_T_UCHAR || t->kind == ZD_T_BOOL || t->kind == ZD_T_PTR);
}

/* Read a value of type t at addr (an lvalue). */
static void
load(struct px *p, const struct zd_type *t, uint64_t addr, struct zd_value *out)
{
	const struct zd_type *st = zd_type_strip(t);
	size_t size = st ? (size_t)ZD_MIN(st->size, (uint64_t)SIZE_MAX) : 0;
	unsigned char *b;

	zd_value_release(out);
	memset(out, 0, sizeof(*out));
	out->type = t;
	out->loc = ZD_V_MEM;
	out->addr = addr;
	if (!st || st->kind == ZD_T_FUNC || st->kind == ZD_T_VOID)
		return;
	if (size > MAX_READ) {
		fail(p, -E2BIG, "value requires %zu bytes, which is more than max-value-size", size);
		return;
	}
	if (!size)
		return;
	b = zd_xcalloc(1, size);
	if (!p->noeval) {
		if (!p->env->mem || p->env->mem(p->env->mem_ctx, addr, b, size) != (ssize_t)size) {
			free(b);
			fail(p, -EFAULT, "Cannot access memory at address 0x%" PRIx64, addr);
			return;
		}
	}
	out->bytes = b;
	out->size = size;
}

/* The integer value of v (scalars, bools, enums, pointers); floats truncated. */
static int64_t
as_int(struct px *p, const struct zd_value *v)
{
	int64_t i = 0;
	double d;

	if (is_float(v->type)) {
		if (zd_value_double(v, &d) == 0)
			return d >= -9.2e18 && d <= 9.2e18 ? (int64_t)d : 0;
		return 0;
	}
	if (is_array(v->type) && v->loc == ZD_V_MEM)
		return (int64_t)v->addr;
	if (zd_value_int(v, &i) < 0) {
		if (v->loc == ZD_V_OPTOUT)
			fail(p, -EINVAL, "value has been optimized out");
		else if (!p->noeval)
			fail(p, -EINVAL, "Argument to arithmetic operation not a number or boolean.");
		return 0;
	}
	return i;
}

static double
as_double(struct px *p, const struct zd_value *v)
{
	double d = 0;

	if (zd_value_double(v, &d) < 0 && !p->noeval)
		fail(p, -EINVAL, "Argument to arithmetic operation not a number or boolean.");
	return d;
}

/* C's usual arithmetic conversions for integers: the result type. */
static const struct zd_type *
arith_type(struct px *p, const struct zd_type *a, const struct zd_type *b)
{
	const struct zd_type *x = zd_type_strip(a), *y = zd_type_strip(b);
	uint64_t sa = x ? x->size : 4, sb = y ? y->size : 4;

	if (sa < 4 && sb < 4)
		return p->t_int;
	if (sa == 8 || sb == 8)
		return (sa == 8 && is_unsigned(x)) || (sb == 8 && is_unsigned(y)) ? p->t_ulong : p->t_long;
	return (sa == 4 && is_unsigned(x)) || (sb == 4 && is_unsigned(y)) ? p->t_uint : p->t_int;
}

/* An array in memory decays to a pointer to its first element. */
static void
decay(struct px *p, struct zd_value *v)
{
	const struct zd_type *t = zd_type_strip(v->type);

	if (t && t->kind == ZD_T_ARRAY && v->loc == ZD_V_MEM)
		set_int(v, zd_type_ptr(p->env->types, t->target), v->addr);
	else if (t && t->kind == ZD_T_FUNC && v->loc == ZD_V_MEM)
		set_int(v, zd_type_ptr(p->env->types, v->type), v->addr);
}

static uint64_t
elem_size(const struct zd_type *ptr)
{
	const struct zd_type *t = zd_type_strip(zd_type_strip(ptr)->target);

	return t && t->size ? t->size : 1;
}

static void
deref(struct px *p, struct zd_value *v)
{
	const struct zd_type *t;

	decay(p, v);
	t = zd_type_strip(v->type);
	if (!t || t->kind != ZD_T_PTR) {
		fail(p, -EINVAL, "Attempt to take contents of a non-pointer value.");
		return;
	}
	if (!t->target || zd_type_strip(t->target)->kind == ZD_T_VOID) {
		fail(p, -EINVAL, "Attempt to take contents of a non-pointer value.");
		return;
	}
	load(p, t->target, (uint64_t)as_int(p, v), v);
}

/* A member of struct/union t by name (anonymous members searched too); *off gets its offset. */
static const struct zd_member *
find_member(const struct zd_type *t, const char *name, uint64_t *off, int depth)
{
	size_t i;

	if (depth > 8)
		return NULL;
	for (i = 0; i < t->nmembers; i++) {
		const struct zd_member *m = &t->members[i];

		if (m->name && !strcmp(m->name, name)) {
			*off += m->off;
			return m;
		}
		if (!m->name) {
			const struct zd_type *mt = zd_type_strip(m->type);
			uint64_t o = *off + m->off;
			const struct zd_member *r;

			if (mt && (mt->kind == ZD_T_STRUCT || mt->kind == ZD_T_UNION) &&
			    (r = find_member(mt, name, &o, depth + 1))) {
				*off = o;
				return r;
			}
		}
	}
	return NULL;
}

static void
member(struct px *p, struct zd_value *v, const char *name)
{
	const struct zd_type *t = zd_type_strip(v->type), *mt;
	const struct zd_member *m;
	uint64_t off = 0;

	if (!t || (t->kind != ZD_T_STRUCT && t->kind != ZD_T_UNION)) {
		fail(p, -EINVAL, "Attempt to extract a component of a value that is not a structure.");
		return;
	}
	m = find_member(t, name, &off, 0);
	if (!m) {
		struct zd_sb sb = ZD_SB_INIT;

		zd_type_name(v->type, &sb);
		fail(p, -ENOENT, "There is no member named %s.", name);
		zd_sb_release(&sb);
		return;
	}
	mt = zd_type_strip(m->type);
	if (m->bitsize && mt && mt->size <= 8) {
		unsigned char b[8] = { 0 };
		uint64_t raw = 0, u;
		size_t i;

		if (v->bytes && off + mt->size <= v->size)
			memcpy(b, v->bytes + off, (size_t)mt->size);
		for (i = 0; i < 8; i++)
			raw |= (uint64_t)b[i] << (8 * i);
		u = (raw >> m->bitoff) & (m->bitsize < 64 ? (((uint64_t)1 << m->bitsize) - 1) : ~(uint64_t)0);
		if (!is_unsigned(mt) && m->bitsize < 64 && ((u >> (m->bitsize - 1)) & 1))
			u |= ~(uint64_t)0 << m->bitsize;
		set_int(v, m->type, u);
		return;
	}
	if (v->loc == ZD_V_MEM) {
		load(p, m->type, v->addr + off, v);
		return;
	}
	/* a member of a computed value: a slice of its bytes */
	{
		size_t size = mt ? (size_t)mt->size : 0;
		unsigned char *b = NULL;

		if (v->bytes && off + size <= v->size && size)
			b = zd_xmemdup(v->bytes + off, size);
		zd_value_release(v);
		v->type = m->type;
		v->bytes = b;
		v->size = b ? size : 0;
	}
}

/* ---------------------------------------------------------------- */
/* Types in casts and sizeof                                          */

struct base_kw {
	const char *name;
	enum zd_tkind kind;
	uint64_t size;
};

/* The C spellings casts accept, and their gdb names. */
static const struct base_kw base_kws[] = {
	{ "char", ZD_T_CHAR, 1 },
	{ "signed char", ZD_T_CHAR, 1 },
	{ "unsigned char", ZD_T_UCHAR, 1 },
	{ "short", ZD_T_INT, 2 },
	{ "unsigned short", ZD_T_UINT, 2 },
	{ "int", ZD_T_INT, 4 },
	{ "unsigned int", ZD_T_UINT, 4 },
	{ "long", ZD_T_INT, 8 },
	{ "unsigned long", ZD_T_UINT, 8 },
	{ "long long", ZD_T_INT, 8 },
	{ "unsigned long long", ZD_T_UINT, 8 },
	{ "float", ZD_T_FLOAT, 4 },
	{ "double", ZD_T_FLOAT, 8 },
	{ "long double", ZD_T_FLOAT, 16 },
	{ "_Bool", ZD_T_BOOL, 1 },
	{ "void", ZD_T_VOID, 0 },
};

static bool
is_type_word(const char *w)
{
	static const char *const words[] = { "char", "short", "int", "long", "unsigned", "signed", "float",
					     "double", "void", "_Bool", "struct", "union", "enum", "const",
					     "volatile", NULL };
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/*
 * A type name at the current token: keywords or a typedef, then '*'s.
 * Returns NULL (nothing consumed) when the tokens are not a type.
 */
static const struct zd_type *
parse_type(struct px *p)
{
	const struct zd_type *t = NULL;
	const char *save = p->s;
	enum tok stok = p->tok;
	char stext[NAME_MAX_LEN];
	int nunsigned = 0, nsigned = 0, nlong = 0, nshort = 0;
	const char *core = NULL;
	size_t i;

	memcpy(stext, p->text, sizeof(stext));
	if (p->tok != T_IDENT)
		return NULL;
	if (!strcmp(p->text, "struct") || !strcmp(p->text, "union") || !strcmp(p->text, "enum")) {
		char name[NAME_MAX_LEN + 8];

		snprintf(name, sizeof(name), "%s ", p->text);
		next(p);
		if (p->tok != T_IDENT) {
			fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
			return NULL;
		}
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s", p->text);
		if (!p->env->type_named || p->env->type_named(p->env->ctx, name, &t) < 0) {
			fail(p, -ENOENT, "No %s.", name);
			return NULL;
		}
		next(p);
	} else if (is_type_word(p->text)) {
		while (p->tok == T_IDENT && is_type_word(p->text)) {
			if (!strcmp(p->text, "unsigned"))
				nunsigned++;
			else if (!strcmp(p->text, "signed"))
				nsigned++;
			else if (!strcmp(p->text, "long"))
				nlong++;
			else if (!strcmp(p->text, "short"))
				nshort++;
			else if (!strcmp(p->text, "const") || !strcmp(p->text, "volatile"))
				;
			else if (!core)
				core = !strcmp(p->text, "char") ? "char" : !strcmp(p->text, "int") ? "int"
				       : !strcmp(p->text, "float") ? "float" : !strcmp(p->text, "double") ? "double"
				       : !strcmp(p->text, "void") ? "void" : !strcmp(p->text, "_Bool") ? "_Bool" : NULL;
			else
				break;
			next(p);
		}
		{
			char name[64];

			if (core && !strcmp(core, "char"))
				snprintf(name, sizeof(name), "%schar", nunsigned ? "unsigned " : nsigned ? "signed " : "");
			else if (core && strcmp(core, "int"))
				snprintf(name, sizeof(name), "%s%s", nlong && !strcmp(core, "double") ? "long " : "", core);
			else
				snprintf(name, sizeof(name), "%s%s", nunsigned ? "unsigned " : "",
					 nshort ? "short" : nlong >= 2 ? "long long" : nlong ? "long" : "int");
			for (i = 0; i < ZD_ARRAY_SIZE(base_kws); i++)
				if (!strcmp(base_kws[i].name, name))
					break;
			if (i == ZD_ARRAY_SIZE(base_kws)) {
				fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
				return NULL;
			}
			/* gdb's own names for the unsigned forms */
			t = zd_type_base(p->env->types, base_kws[i].kind, base_kws[i].name, base_kws[i].size);
		}
	} else {
		/* a typedef: only when the word is not a variable */
		struct zd_value tmp = { 0 };
		const char *after = p->s;

		while (isspace((unsigned char)*after))
			after++;
		if (!p->env->type_named || (*after != '*' && *after != ')'))
			return NULL;
		if (p->env->lookup && p->env->lookup(p->env->ctx, p->text, &tmp) == 0) {
			zd_value_release(&tmp);
			return NULL;
		}
		zd_value_release(&tmp);
		if (p->env->type_named(p->env->ctx, p->text, &t) < 0) {
			p->s = save;
			p->tok = stok;
			memcpy(p->text, stext, sizeof(stext));
			return NULL;
		}
		next(p);
	}
	while (p->tok == T_IDENT && (!strcmp(p->text, "const") || !strcmp(p->text, "volatile")))
		next(p);
	while (accept(p, "*")) {
		t = zd_type_ptr(p->env->types, t);
		while (p->tok == T_IDENT && (!strcmp(p->text, "const") || !strcmp(p->text, "volatile")))
			next(p);
	}
	return t;
}

static void
cast(struct px *p, const struct zd_type *t, struct zd_value *v)
{
	const struct zd_type *st = zd_type_strip(t);

	if (!st)
		return;
	decay(p, v);
	if (st->kind == ZD_T_VOID) {
		zd_value_release(v);
		v->type = t;
		v->loc = ZD_V_IMPLICIT;
		return;
	}
	if (st->kind == ZD_T_FLOAT) {
		set_double(v, t, as_double(p, v));
		return;
	}
	if (zd_type_is_scalar(st)) {
		if (is_float(v->type))
			set_int(v, t, (uint64_t)as_int(p, v));
		else
			set_int(v, t, (uint64_t)as_int(p, v));
		if (st->kind == ZD_T_BOOL && v->bytes)
			v->bytes[0] = v->bytes[0] ? 1 : 0;
		return;
	}
	if (v->loc == ZD_V_MEM) {
		/* reinterpret an lvalue (struct casts) */
		load(p, t, v->addr, v);
		return;
	}
	fail(p, -EINVAL, "Invalid cast.");
}

/* ---------------------------------------------------------------- */
/* The grammar                                                        */

static void expr(struct px *p, struct zd_value *v);
static void unary(struct px *p, struct zd_value *v);

static void
primary(struct px *p, struct zd_value *v)
{
	switch (p->tok) {
	case T_NUM: {
		uint64_t n = p->num;
		const struct zd_type *t;

		if (p->num_long || n > 0xffffffffull)
			t = p->num_unsigned || n > INT64_MAX ? p->t_ulong : p->t_long;
		else if (p->num_unsigned || n > INT32_MAX)
			t = p->num_unsigned ? p->t_uint : p->t_long;
		else
			t = p->t_int;
		set_int(v, t, n);
		next(p);
		return;
	}
	case T_FLOAT:
		set_double(v, p->t_double, p->fnum);
		next(p);
		return;
	case T_CHAR:
		set_int(v, p->t_char, p->num);
		next(p);
		return;
	case T_REG: {
		uint64_t r = 0;
		const struct zd_type *t = p->t_long;

		if (!p->env->reg || p->env->reg(p->env->ctx, p->text, &r) < 0) {
			/* gdb: an unknown $name is a void convenience variable */
			fail(p, -ENOENT, "Invalid register `%s'", p->text);
			next(p);
			return;
		}
		if (!strcmp(p->text, "pc") || !strcmp(p->text, "rip")) {
			struct zd_type *f = zd_type_new(p->env->types, ZD_T_FUNC);

			f->target = p->t_void;
			f->unprototyped = true;
			f->size = 1;
			t = zd_type_ptr(p->env->types, f);
		} else if (!strcmp(p->text, "sp") || !strcmp(p->text, "fp") || !strcmp(p->text, "rsp") ||
			   !strcmp(p->text, "rbp")) {
			t = zd_type_ptr(p->env->types, p->t_void);
		}
		set_int(v, t, r);
		next(p);
		return;
	}
	case T_IDENT: {
		char name[NAME_MAX_LEN];

		if (!strcmp(p->text, "sizeof")) {
			const struct zd_type *t = NULL;
			uint64_t size;

			next(p);
			if (is_op(p, "(")) {
				const char *save = p->s;

				next(p);
				t = parse_type(p);
				if (t) {
					if (!accept(p, ")"))
						fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
				} else {
					p->s = save;
					p->tok = T_OP;
					memcpy(p->text, "(", 2);
				}
			}
			if (!t) {
				p->noeval++;
				unary(p, v);
				p->noeval--;
				t = v->type;
			}
			size = zd_type_strip(t) ? zd_type_strip(t)->size : 0;
			set_int(v, p->t_ulong, size);
			return;
		}
		snprintf(name, sizeof(name), "%s", p->text);
		next(p);
		zd_value_release(v);
		memset(v, 0, sizeof(*v));
		if (!p->env->lookup || p->env->lookup(p->env->ctx, name, v) < 0) {
			fail(p, -ENOENT, "No symbol \"%s\" in current context.", name);
			set_int(v, p->t_int, 0);
		}
		return;
	}
	case T_OP:
		if (accept(p, "(")) {
			expr(p, v);
			if (!accept(p, ")"))
				fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
			return;
		}
		/* fall through */
	default:
		fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->tok == T_END ? "" : p->text);
		set_int(v, p->t_int, 0);
		next(p);
		return;
	}
}

static void
index_value(struct px *p, struct zd_value *v, int64_t i)
{
	const struct zd_type *t = zd_type_strip(v->type);

	if (t && t->kind == ZD_T_ARRAY && v->loc != ZD_V_MEM) {
		/* an array held in registers or computed: slice its bytes */
		const struct zd_type *et = zd_type_strip(t->target);
		uint64_t es = et ? et->size : 0;
		unsigned char *b = NULL;

		if (es && i >= 0 && v->bytes && (uint64_t)i < v->size / es)
			b = zd_xmemdup(v->bytes + (uint64_t)i * es, (size_t)es);
		if (!b && !p->noeval)
			fail(p, -EINVAL, "no such vector element");
		zd_value_release(v);
		v->type = t->target;
		v->loc = ZD_V_IMPLICIT;
		v->bytes = b;
		v->size = b ? (size_t)es : 0;
		return;
	}
	decay(p, v);
	if (!is_ptr(v->type)) {
		fail(p, -EINVAL, "cannot subscript something of type `%s'", "value");
		return;
	}
	load(p, zd_type_strip(v->type)->target, (uint64_t)as_int(p, v) + (uint64_t)i * elem_size(v->type), v);
}

static void
postfix(struct px *p, struct zd_value *v)
{
	primary(p, v);
	while (!p->err) {
		if (accept(p, "[")) {
			struct zd_value ix = { 0 };

			expr(p, &ix);
			if (!accept(p, "]"))
				fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
			index_value(p, v, as_int(p, &ix));
			zd_value_release(&ix);
		} else if (accept(p, ".")) {
			if (p->tok != T_IDENT) {
				fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
				return;
			}
			member(p, v, p->text);
			next(p);
		} else if (accept(p, "->")) {
			if (p->tok != T_IDENT) {
				fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
				return;
			}
			deref(p, v);
			if (!p->err)
				member(p, v, p->text);
			next(p);
		} else {
			return;
		}
	}
}

static void
unary(struct px *p, struct zd_value *v)
{
	if (++p->depth > MAX_DEPTH) {
		fail(p, -E2BIG, "Expression too deeply nested.");
		p->tok = T_END;
		return;
	}
	if (accept(p, "-")) {
		unary(p, v);
		decay(p, v);
		if (is_float(v->type))
			set_double(v, v->type, -as_double(p, v));
		else
			set_int(v, arith_type(p, v->type, p->t_int), (uint64_t)-(uint64_t)as_int(p, v));
	} else if (accept(p, "+")) {
		unary(p, v);
	} else if (accept(p, "!")) {
		unary(p, v);
		decay(p, v);
		set_int(v, p->t_int, is_float(v->type) ? as_double(p, v) == 0 : as_int(p, v) == 0);
	} else if (accept(p, "~")) {
		unary(p, v);
		if (is_float(v->type))
			fail(p, -EINVAL, "Argument to complement operation not an integer, boolean.");
		set_int(v, arith_type(p, v->type, p->t_int), ~(uint64_t)as_int(p, v));
	} else if (accept(p, "*")) {
		unary(p, v);
		if (!p->err)
			deref(p, v);
	} else if (accept(p, "&")) {
		unary(p, v);
		if (p->err)
			;
		else if (v->loc != ZD_V_MEM)
			fail(p, -EINVAL, "Attempt to take address of value not located in memory.");
		else
			set_int(v, zd_type_ptr(p->env->types, v->type), v->addr);
	} else if (is_op(p, "(")) {
		/* a cast, or a parenthesized expression */
		const char *save = p->s;
		const struct zd_type *t;

		next(p);
		t = p->err ? NULL : parse_type(p);
		if (t) {
			if (!accept(p, ")")) {
				fail(p, -EINVAL, "A syntax error in expression, near `%s'.", p->s);
			} else {
				unary(p, v);
				if (!p->err)
					cast(p, t, v);
			}
		} else if (!p->err) {
			p->s = save;
			p->tok = T_OP;
			memcpy(p->text, "(", 2);
			postfix(p, v);
		}
	} else {
		postfix(p, v);
	}
	p->depth--;
}

enum binop { B_MUL, B_DIV, B_MOD, B_ADD, B_SUB, B_SHL, B_SHR, B_LT, B_GT, B_LE, B_GE, B_EQ, B_NE, B_AND, B_XOR, B_OR };

static void
binary(struct px *p, enum binop op, struct zd_value *a, struct zd_value *b)
{
	bool cmp = op >= B_LT && op <= B_NE;

	decay(p, a);
	decay(p, b);
	if (p->err)
		return;
	/* pointer arithmetic */
	if ((op == B_ADD || op == B_SUB) && is_ptr(a->type) && !is_ptr(b->type)) {
		int64_t k = as_int(p, b);
		uint64_t base = (uint64_t)as_int(p, a), es = elem_size(a->type);

		set_int(a, a->type, op == B_ADD ? base + (uint64_t)k * es : base - (uint64_t)k * es);
		return;
	}
	if (op == B_ADD && is_ptr(b->type) && !is_ptr(a->type)) {
		int64_t k = as_int(p, a);

		set_int(a, b->type, (uint64_t)as_int(p, b) + (uint64_t)k * elem_size(b->type));
		return;
	}
	if (op == B_SUB && is_ptr(a->type) && is_ptr(b->type)) {
		uint64_t es = elem_size(a->type);

		set_int(a, p->t_long, (uint64_t)(((int64_t)as_int(p, a) - as_int(p, b)) / (int64_t)es));
		return;
	}
	if ((is_float(a->type) || is_float(b->type)) && op <= B_SUB) {
		double x = as_double(p, a), y = as_double(p, b), r = 0;

		switch (op) {
		case B_MUL: r = x * y; break;
		case B_DIV:
			if (y == 0 && !p->noeval) {
				fail(p, -EDOM, "Division by zero");
				return;
			}
			r = y == 0 ? 0 : x / y;
			break;
		case B_ADD: r = x + y; break;
		case B_SUB: r = x - y; break;
		default:
			fail(p, -EINVAL, "Integer only operation %s.", "%");
			return;
		}
		set_double(a, p->t_double, r);
		return;
	}
	if ((is_float(a->type) || is_float(b->type)) && cmp) {
		double x = as_double(p, a), y = as_double(p, b);
		int r = op == B_LT ? x < y : op == B_GT ? x > y : op == B_LE ? x <= y : op == B_GE ? x >= y
		      : op == B_EQ ? x == y : x != y;

		set_int(a, p->t_int, (uint64_t)r);
		return;
	}
	if (is_float(a->type) || is_float(b->type)) {
		fail(p, -EINVAL, "Integer only operation.");
		return;
	}
	{
		const struct zd_type *rt = op == B_SHL || op == B_SHR ? arith_type(p, a->type, p->t_int)
					   : arith_type(p, a->type, b->type);
		bool uns = is_unsigned(rt) || (cmp && (is_ptr(a->type) || is_ptr(b->type)));
		int64_t x = as_int(p, a), y = as_int(p, b);
		uint64_t ux, uy, r = 0;
		unsigned bits = (unsigned)(zd_type_strip(rt)->size * 8);

		if (bits < 64 && uns) {
			x = (int64_t)((uint64_t)x & (((uint64_t)1 << bits) - 1));
			y = (int64_t)((uint64_t)y & (((uint64_t)1 << bits) - 1));
		}
		ux = (uint64_t)x;
		uy = (uint64_t)y;
		switch (op) {
		case B_MUL: r = ux * uy; break;
		case B_DIV: case B_MOD:
			if (!y) {
				if (!p->noeval)
					fail(p, -EDOM, "Division by zero");
				r = 0;
			} else if (uns) {
				r = op == B_DIV ? ux / uy : ux % uy;
			} else if (x == INT64_MIN && y == -1) {
				r = op == B_DIV ? (uint64_t)INT64_MIN : 0;
			} else {
				r = (uint64_t)(op == B_DIV ? x / y : x % y);
			}
			break;
		case B_ADD: r = ux + uy; break;
		case B_SUB: r = ux - uy; break;
		case B_SHL: r = uy >= 64 ? 0 : ux << uy; break;
		case B_SHR: r = uy >= 64 ? (uns || x >= 0 ? 0 : ~(uint64_t)0) : uns ? ux >> uy : (uint64_t)(x >> uy); break;
		case B_LT: r = uns ? ux < uy : x < y; rt = p->t_int; break;
		case B_GT: r = uns ? ux > uy : x > y; rt = p->t_int; break;
		case B_LE: r = uns ? ux <= uy : x <= y; rt = p->t_int; break;
		case B_GE: r = uns ? ux >= uy : x >= y; rt = p->t_int; break;
		case B_EQ: r = ux == uy; rt = p->t_int; break;
		case B_NE: r = ux != uy; rt = p->t_int; break;
		case B_AND: r = ux & uy; break;
		case B_XOR: r = ux ^ uy; break;
		case B_OR: r = ux | uy; break;
		}
		set_int(a, rt, r);
	}
}

struct level {
	const char *ops[4];
	enum binop codes[4];
};

/* From the tightest binding: * / %, + -, << >>, < > <= >=, == !=, &, ^, | */
static const struct level levels[] = {
	{ { "*", "/", "%", NULL }, { B_MUL, B_DIV, B_MOD } },
	{ { "+", "-", NULL }, { B_ADD, B_SUB } },
	{ { "<<", ">>", NULL }, { B_SHL, B_SHR } },
	{ { "<", ">", "<=", ">=" }, { B_LT, B_GT, B_LE, B_GE } },
	{ { "==", "!=", NULL }, { B_EQ, B_NE } },
	{ { "&", NULL }, { B_AND } },
	{ { "^", NULL }, { B_XOR } },
	{ { "|", NULL }, { B_OR } },
};

static void
binlevel(struct px *p, int lv, struct zd_value *v)
{
	if (lv < 0) {
		unary(p, v);
		return;
	}
	binlevel(p, lv - 1, v);
	while (!p->err && p->tok == T_OP) {
		const struct level *L = &levels[lv];
		struct zd_value r = { 0 };
		int k;

		for (k = 0; k < 4 && L->ops[k]; k++)
			if (!strcmp(p->text, L->ops[k]))
				break;
		if (k == 4 || !L->ops[k])
			return;
		next(p);
		binlevel(p, lv - 1, &r);
		if (!p->err)
			binary(p, L->codes[k], v, &r);
		zd_value_release(&r);
	}
}

static bool
truth(struct px *p, struct zd_value *v)
{
	decay(p, v);
	return is_float(v->type) ? as_double(p, v) != 0 : as_int(p, v) != 0;
}

static void
logical(struct px *p, bool is_or, struct zd_value *v)
{
	if (is_or)
		logical(p, false, v);
	else
		binlevel(p, (int)ZD_ARRAY_SIZE(levels) - 1, v);
	while (!p->err && is_op(p, is_or ? "||" : "&&")) {
		bool l = truth(p, v), decided = is_or ? l : !l;
		struct zd_value r = { 0 };

		next(p);
		if (decided)
			p->noeval++;
		if (is_or)
			logical(p, false, &r);
		else
			binlevel(p, (int)ZD_ARRAY_SIZE(levels) - 1, &r);
		if (decided) {
			p->noeval--;
			set_int(v, p->t_int, is_or ? 1 : 0);
		} else {
			set_int(v, p->t_int, truth(p, &r));
		}
		zd_value_release(&r);
	}
}

static void
expr(struct px *p, struct zd_value *v)
{
	if (++p->depth > MAX_DEPTH) {
		fail(p, -E2BIG, "Expression too deeply nested.");
		p->tok = T_END;
		return;
	}
	logical(p, true, v);
	p->depth--;
}

int
zd_dexpr_eval(const struct zd_dexpr_env *env, const char *text, struct zd_value *out, char *err, size_t errlen)
{
	struct px p;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.env = env;
	p.s = text;
	p.errbuf = err;
	p.errlen = errlen;
	if (errlen)
		err[0] = '\0';
	if (strlen(text) > ZD_DEXPR_MAX) {
		fail(&p, -E2BIG, "Expression too long.");
		return p.err;
	}
	p.t_int = zd_type_base(env->types, ZD_T_INT, "int", 4);
	p.t_uint = zd_type_base(env->types, ZD_T_UINT, "unsigned int", 4);
	p.t_long = zd_type_base(env->types, ZD_T_INT, "long", 8);
	p.t_ulong = zd_type_base(env->types, ZD_T_UINT, "unsigned long", 8);
	p.t_char = zd_type_base(env->types, ZD_T_CHAR, "char", 1);
	p.t_double = zd_type_base(env->types, ZD_T_FLOAT, "double", 8);
	p.t_void = zd_type_base(env->types, ZD_T_VOID, "void", 0);
	next(&p);
	if (p.tok == T_END && !p.err)
		fail(&p, -EINVAL, "Empty expression.");
	if (!p.err)
		expr(&p, out);
	if (!p.err && p.tok != T_END)
		fail(&p, -EINVAL, "A syntax error in expression, near `%s'.", p.tok == T_OP ? p.text : p.s);
	if (p.err) {
		zd_value_release(out);
		memset(out, 0, sizeof(*out));
		return p.err;
	}
	return 0;
}

const char *
zd_dexpr_format(const char *arg, char *letter)
{
	*letter = 0;
	while (isspace((unsigned char)*arg))
		arg++;
	if (*arg != '/')
		return arg;
	if (!arg[1] || !strchr("xduotcsaf", arg[1]) || (arg[2] && !isspace((unsigned char)arg[2])))
		return NULL;
	*letter = arg[1];
	arg += 2;
	while (isspace((unsigned char)*arg))
		arg++;
	return arg;
}
