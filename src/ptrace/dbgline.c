/* The debugger's command-line words and address expressions. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/dbgline.h"

int
zd_dbg_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	while (*p && argc < max) {
		char q = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (*p == '"' || *p == '\'')
			q = *p++;
		argv[argc++] = p;
		while (*p && (q ? *p != q : !isspace((unsigned char)*p)))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return argc;
}

int
zd_dbg_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

bool
zd_dbg_parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	if (*s == '-') {
		long long x = strtoll(s, &end, 0);

		*v = (uint64_t)x;
	} else {
		*v = strtoull(s, &end, 0);
	}
	return !*end && !errno;
}

int
zd_dbg_eval(const char *expr, zd_dbg_term_fn *term, void *ctx, uint64_t *out)
{
	char buf[ZD_DBG_EXPR_MAX + 1];
	char *p = buf;
	uint64_t acc = 0;
	int sign = 1;

	if (strlen(expr) > ZD_DBG_EXPR_MAX)
		return -E2BIG;
	snprintf(buf, sizeof(buf), "%s", expr);
	while (*p) {
		char *start, save;
		uint64_t v;

		while (isspace((unsigned char)*p))
			p++;
		start = p;
		while (*p && *p != '+' && (*p != '-' || p == start) && !isspace((unsigned char)*p))
			p++;
		save = *p;
		*p = '\0';
		if (!*start)
			return -EINVAL;
		if (!zd_dbg_parse_num(start, &v)) {
			int r = term(ctx, start, &v);

			if (r < 0)
				return r;
		}
		acc += sign > 0 ? v : (uint64_t)0 - v;
		*p = save;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (*p == '+')
			sign = 1;
		else if (*p == '-')
			sign = -1;
		else
			return -EINVAL;
		p++;
	}
	*out = acc;
	return 0;
}
