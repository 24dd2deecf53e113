/*
 * The debugger's command-line parsing: words of a command line and address
 * expressions (terms joined by + and -: numbers, $REG, SYMBOL or
 * MODULE!SYMBOL).  Pure: registers and symbols are resolved by the caller's
 * callback, so the parser is fuzzed on its own (tests/fuzz/fuzz_dbgline.c).
 */
#ifndef ZDIAG_DBGLINE_H
#define ZDIAG_DBGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Split line in place into at most max words (quotes group, no escapes,
 * '#' starts a comment); returns the number of words. */
int zd_dbg_split(char *line, char **argv, int max);

/* A number: 0x.., 0.., decimal, or negative decimal; false if not one. */
bool zd_dbg_parse_num(const char *s, uint64_t *v);

/* A decimal number in [min, max] (the whole word): 0, -EINVAL or -ERANGE
 * (also zd_parse_ll, the front-ends' option parser). */
int zd_dbg_parse_int(const char *s, long long min, long long max, long long *out);

/* Value of a term that is not a number ($REG or a symbol): 0 or a negative
 * value, which zd_dbg_eval returns as is. */
typedef int zd_dbg_term_fn(void *ctx, const char *term, uint64_t *v);

#define ZD_DBG_EXPR_MAX 511

/*
 * Evaluate expr (wrapping arithmetic).  Returns 0 (*out), -E2BIG (longer
 * than ZD_DBG_EXPR_MAX), -EINVAL (syntax), or the callback's error.
 */
int zd_dbg_eval(const char *expr, zd_dbg_term_fn *term, void *ctx, uint64_t *out);

#endif
