/*
 * C expressions over a debugged program's values, as gdb's `print`
 * takes them: identifiers (locals, arguments, globals, functions),
 * $registers ($rax, $eax, $pc, $sp, $fp), integer, character and
 * floating literals, `.` and `->`, unary `*` `&` `-` `+` `!` `~`, `[]`,
 * casts to base types, named types and pointers (`(char *) p`,
 * `(struct node *) 0x4040`), `sizeof`, `* / % + - << >> < > <= >= == !=
 * & ^ | && ||` with C's precedence, conversions and pointer arithmetic,
 * and parentheses.  `&&` and `||` do not evaluate (read memory for)
 * their right side when the left decides.
 *
 * Its own tokenizer and recursive-descent parser (fuzzed:
 * tests/fuzz/fuzz_dexpr.c); symbols, registers, types and memory come
 * through struct zd_dexpr_env, so it knows nothing of DWARF (dwarf.h
 * fills an env from a frame: zd_di_dexpr_env).
 *
 *	struct zd_value v;
 *	char err[128];
 *	if (zd_dexpr_eval(&env, "n->next->v + 1", &v, err, sizeof(err)) == 0)
 *		zd_value_format(&v, &fmt, &sb);     // "10"
 *	else
 *		puts(err);                          // "Cannot access memory at address 0x0"
 *	zd_value_release(&v);
 *
 * Error texts are gdb's where gdb has one (`No symbol "x" in current
 * context.`, `Division by zero`, `Attempt to take contents of a
 * non-pointer value.`); plain ASCII, names included raw (escape them).
 */
#ifndef ZDIAG_DEXPR_H
#define ZDIAG_DEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "zdiag/dvalue.h"

struct zd_dexpr_env {
	struct zd_types *types;   /* owns the types expressions make */
	void *ctx;
	/* An identifier's value (caller releases it), -ENOENT if unknown. */
	int (*lookup)(void *ctx, const char *name, struct zd_value *out);
	/* A register without the '$' ("rax", "eax", "pc", "sp", "fp"): its value. */
	int (*reg)(void *ctx, const char *name, uint64_t *v);
	/* A named type ("node_t", "struct node", "enum color"), -ENOENT if unknown. */
	int (*type_named)(void *ctx, const char *name, const struct zd_type **out);
	zd_mem_reader mem;        /* target memory (NULL: none can be read) */
	void *mem_ctx;
};

#define ZD_DEXPR_MAX 4096     /* longest expression accepted */

/*
 * Evaluate expr into *out (always initialized; release it).  Returns 0,
 * or -EINVAL (syntax, types), -ENOENT (unknown symbol or register),
 * -EFAULT (memory), -EDOM (division by zero), -E2BIG (too long or too
 * deep), with the reason in err.
 */
int zd_dexpr_eval(const struct zd_dexpr_env *env, const char *expr, struct zd_value *out, char *err, size_t errlen);

/*
 * Split gdb's print/FMT: "/x expr" -> letter 'x' and the rest.  Returns
 * the expression (after the format and blanks); *letter 0 without one.
 * NULL for an unknown letter (x d u o t c s a f are known).
 */
const char *zd_dexpr_format(const char *arg, char *letter);

#endif
