/*
 * Source-level types and values of a debugged program, and their gdb-style
 * text: the data model shared by the DWARF reader (dwarf.h, which builds
 * these types from DW_TAG_*_type entries) and the C expression evaluator
 * (dexpr.h, which makes new ones: literals, &x, casts).  No libdw here, so
 * the formatter and the evaluator can be fuzzed without a program.
 *
 *	struct zd_types ts;                  // an arena of types
 *	zd_types_init(&ts);
 *	const struct zd_type *i = zd_type_base(&ts, ZD_T_INT, "int", 4);
 *	struct zd_value v = { .type = i, .loc = ZD_V_IMPLICIT };
 *	zd_value_set_bytes(&v, &x, 4);
 *	struct zd_fmt f = { .mem = reader, .ctx = ctx };
 *	zd_value_format(&v, &f, &sb);        // "42"
 *	zd_value_release(&v);
 *	zd_types_release(&ts);
 *
 * Formatting follows gdb's `print`: integers in decimal, chars as
 * `65 'A'`, pointers as `(struct node *) 0x4052a0` at top level and as
 * bare hex inside aggregates, `char *` as `0x4006f4 "text"` (a bounded,
 * escaped read), arrays as `{1, 2, 3}` with `<repeats N times>` for runs
 * of ten or more, char arrays as strings, structs as `{a = 1, in = {x =
 * 2}}`, enums by name, bools as true/false, doubles with 17 significant
 * digits (gdb's %g).  Memory the value points to is read through
 * f->mem; an unreadable pointee shows as `<error: Cannot access memory at
 * address 0x...>` as gdb does.  Nothing prints; strings from the target
 * are escaped into the buffer.
 */
#ifndef ZDIAG_DVALUE_H
#define ZDIAG_DVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdiag/strbuf.h"
#include "zdiag/symtab.h"

enum zd_tkind {
	ZD_T_VOID,
	ZD_T_INT,      /* signed integer */
	ZD_T_UINT,     /* unsigned integer */
	ZD_T_CHAR,     /* char, signed char */
	ZD_T_UCHAR,    /* unsigned char */
	ZD_T_BOOL,
	ZD_T_FLOAT,    /* float, double, long double (size 4, 8, 16) */
	ZD_T_PTR,      /* target: pointee */
	ZD_T_ARRAY,    /* target: element; count (has_count false: []) */
	ZD_T_STRUCT,
	ZD_T_UNION,
	ZD_T_ENUM,
	ZD_T_TYPEDEF,  /* name, target */
	ZD_T_CONST,    /* target */
	ZD_T_VOLATILE, /* target */
	ZD_T_FUNC,     /* target: return type; params; varargs */
};

struct zd_type;

struct zd_member {
	const char *name;          /* NULL: anonymous struct/union member */
	uint64_t off;              /* byte offset */
	unsigned bitsize, bitoff;  /* bit-field: width, bits from the LSB of the storage at off */
	const struct zd_type *type;
};

struct zd_enumerator {
	const char *name;
	int64_t value;
};

struct zd_type {
	enum zd_tkind kind;
	const char *name;          /* base, typedef, struct/union/enum tag; NULL if anonymous */
	uint64_t size;             /* bytes (0 unknown / incomplete) */
	const struct zd_type *target;
	uint64_t count;            /* ZD_T_ARRAY */
	bool has_count;
	bool declaration;          /* an incomplete struct/union/enum */
	bool varargs;              /* ZD_T_FUNC */
	bool unprototyped;         /* ZD_T_FUNC: K&R "()" */
	struct zd_member *members; /* ZD_T_STRUCT, ZD_T_UNION */
	size_t nmembers;
	struct zd_enumerator *enums;
	size_t nenums;
	const struct zd_type **params; /* ZD_T_FUNC */
	size_t nparams;
	struct zd_type *next_;     /* private: the arena's list */
};

/* An arena owning types and the strings they name. */
struct zd_types {
	struct zd_type *all;
	char **strs;
	size_t nstrs, strs_alloc;
};

void zd_types_init(struct zd_types *ts);
void zd_types_release(struct zd_types *ts);
/* A new zeroed type of kind k owned by ts. */
struct zd_type *zd_type_new(struct zd_types *ts, enum zd_tkind k);
/* A copy of s owned by ts. */
const char *zd_types_str(struct zd_types *ts, const char *s);
/* A base type (ZD_T_INT ... ZD_T_FLOAT, ZD_T_VOID) named name (copied). */
const struct zd_type *zd_type_base(struct zd_types *ts, enum zd_tkind k, const char *name, uint64_t size);
/* Pointer to t (8 bytes). */
const struct zd_type *zd_type_ptr(struct zd_types *ts, const struct zd_type *t);
/* t without typedefs, const and volatile. */
const struct zd_type *zd_type_strip(const struct zd_type *t);
/* The C name of t: "int", "struct node *", "char [16]", "int (*)(int)". */
void zd_type_name(const struct zd_type *t, struct zd_sb *sb);
/* gdb's ptype text, without the "type = " prefix: a struct with its
 * members, one per line (4 spaces indent), typedefs resolved one level. */
void zd_type_ptype(const struct zd_type *t, struct zd_sb *sb);
/* True for integers, chars, bools, enums, pointers (after zd_type_strip). */
bool zd_type_is_scalar(const struct zd_type *t);

enum zd_vloc {
	ZD_V_MEM,       /* an lvalue in target memory at addr (bytes read from there) */
	ZD_V_REG,       /* held in DWARF register reg (bytes are its value) */
	ZD_V_IMPLICIT,  /* computed: a constant, DW_OP_stack_value, an expression result */
	ZD_V_OPTOUT,    /* no location at this pc: `<optimized out>` */
	ZD_V_UNAVAIL,   /* a location the frame cannot provide (register not recovered) */
};

struct zd_value {
	const struct zd_type *type;
	enum zd_vloc loc;
	uint64_t addr;          /* ZD_V_MEM */
	int reg;                /* ZD_V_REG */
	unsigned char *bytes;   /* the contents, type->size bytes (owned); NULL when unknown */
	size_t size;
	bool partial;           /* pieces were optimized out (shown whole; noted here) */
	int err;                /* ZD_V_MEM whose bytes could not be read: -errno */
};

/* Replace v's bytes with a copy of len bytes. */
void zd_value_set_bytes(struct zd_value *v, const void *data, size_t len);
void zd_value_release(struct zd_value *v);
/* A deep copy (bytes duplicated). */
void zd_value_copy(struct zd_value *dst, const struct zd_value *src);
/*
 * Read a scalar as an integer (sign-extended for signed types, bit-fields
 * excluded); -EINVAL for aggregates and floats, -ENODATA without bytes.
 */
int zd_value_int(const struct zd_value *v, int64_t *out);
/* A float or double as a double; integers converted.  -EINVAL otherwise. */
int zd_value_double(const struct zd_value *v, double *out);

/* Symbolizes an address for `<sym+off>` after pointers; writes nothing
 * when it does not know it. */
typedef void (*zd_addr_namer)(void *ctx, uint64_t addr, bool code, struct zd_sb *sb);

struct zd_fmt {
	zd_mem_reader mem;      /* reads pointees (strings); NULL: none are read */
	void *ctx;
	zd_addr_namer namer;    /* may be NULL */
	void *namer_ctx;
	char letter;            /* 0 natural, or print/FMT: x d u o t c s a */
	unsigned max_elems;     /* print elements (0: gdb's 200) */
	unsigned max_depth;     /* nesting limit (0: 20) */
	bool bare;              /* `info locals` style: no "(type *) " before top-level pointers */
};

/* The value as `print` shows it after "$1 = ". */
void zd_value_format(const struct zd_value *v, const struct zd_fmt *f, struct zd_sb *sb);

#endif
