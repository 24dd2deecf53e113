/* Breakpoint locations and conditions as gdb takes them (include/zdiag/bploc.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/bploc.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A decimal line number, the whole of s[0..n). */
static int
line_number(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (!n || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 0 && v <= INT_MAX ? (int)v : -1;
}

static bool
identifier(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* Where " if " starts the condition: "if" as a whole word, at the start or after a blank. */
static const char *
find_if(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((p == s || blank(p[-1])) && p[0] == 'i' && p[1] == 'f' && (!p[2] || blank(p[2])))
			return p;
	return NULL;
}

int
zd_loc_parse(const char *arg, struct zd_loc *loc, const char **why)
{
	const char *end, *ifp, *colon;
	size_t n;
	int ln;

	memset(loc, 0, sizeof(*loc));
	*why = "";
	while (blank(*arg))
		arg++;
	ifp = find_if(arg);
	end = ifp ? ifp : arg + strlen(arg);
	while (end > arg && blank(end[-1]))
		end--;
	if (ifp) {
		const char *c = ifp + 2, *ce;

		while (blank(*c))
			c++;
		ce = c + strlen(c);
		while (ce > c && blank(ce[-1]))
			ce--;
		if (ce == c) {
			*why = "argument required (boolean expression)";
			return -EINVAL;
		}
		if ((size_t)(ce - c) >= sizeof(loc->cond))
			return -E2BIG;
		memcpy(loc->cond, c, (size_t)(ce - c));
	}
	n = (size_t)(end - arg);
	if (n >= sizeof(loc->text))
		return -E2BIG;
	if (!n) {
		loc->kind = ZD_LOC_HERE;
		return 0;
	}
	if (arg[0] == '*') {
		const char *e = arg + 1;

		while (e < end && blank(*e))
			e++;
		if (e >= end) {
			*why = "an address is required after '*'";
			return -EINVAL;
		}
		loc->kind = ZD_LOC_ADDR;
		memcpy(loc->text, e, (size_t)(end - e));
		return 0;
	}
	memcpy(loc->text, arg, n);
	if ((ln = line_number(arg, n)) > 0) {
		loc->kind = ZD_LOC_LINE;
		loc->line = ln;
		loc->text[0] = '\0';
		return 0;
	}
	if (isdigit((unsigned char)arg[0]) && strspn(arg, "0123456789") == n) {
		*why = "malformed line number";
		return -EINVAL;
	}
	colon = memchr(arg, ':', n);
	if (colon && colon > arg && !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		ln = line_number(colon + 1, (size_t)(end - colon - 1));
		if (ln > 0) {
			loc->kind = ZD_LOC_FILE_LINE;
			loc->line = ln;
			loc->text[colon - arg] = '\0';
			return 0;
		}
		if (isdigit((unsigned char)colon[1])) {
			*why = "malformed line number";
			return -EINVAL;
		}
	}
	loc->kind = identifier(arg, n) ? ZD_LOC_FUNC : ZD_LOC_EXPR;
	return 0;
}
