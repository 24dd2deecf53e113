/* The syscall table (generated from src/trace/syscalls.in) and syscall sets. */
#include <errno.h>
#include <regex.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "zdiag/sysname.h"
#include "zdiag/xalloc.h"

static const struct zd_sysent table[] = {
#include "syscallent.h"
};

_Static_assert(ZD_ARRAY_SIZE(table) <= ZD_SC_NMAX, "raise ZD_SC_NMAX");

const struct zd_sysent *
zd_sysent(long nr)
{
	if (nr < 0 || (size_t)nr >= ZD_ARRAY_SIZE(table) || !table[nr].name)
		return NULL;
	return &table[nr];
}

long
zd_sysent_limit(void)
{
	return (long)ZD_ARRAY_SIZE(table);
}

void
zd_scset_clear(struct zd_scset *s)
{
	memset(s, 0, sizeof(*s));
}

void
zd_scset_fill(struct zd_scset *s)
{
	memset(s->bits, 0xff, sizeof(s->bits));
	s->others = true;
}

void
zd_scset_add(struct zd_scset *s, long nr)
{
	if (nr >= 0 && nr < ZD_SC_NMAX)
		s->bits[nr >> 6] |= 1ULL << (nr & 63);
}

void
zd_scset_del(struct zd_scset *s, long nr)
{
	if (nr >= 0 && nr < ZD_SC_NMAX)
		s->bits[nr >> 6] &= ~(1ULL << (nr & 63));
}

size_t
zd_scset_count(const struct zd_scset *s)
{
	size_t n = 0;
	long nr;

	for (nr = 0; nr < zd_sysent_limit(); nr++)
		if (zd_sysent(nr) && zd_scset_has(s, nr))
			n++;
	return n;
}

bool
zd_scset_full(const struct zd_scset *s)
{
	long nr;

	for (nr = 0; nr < zd_sysent_limit(); nr++)
		if (zd_sysent(nr) && !zd_scset_has(s, nr))
			return false;
	return s->others;
}

static const struct {
	const char *name;
	unsigned cls;
} classes[] = {
	{ "file", ZD_SCC_FILE },
	{ "desc", ZD_SCC_DESC },
	{ "process", ZD_SCC_PROCESS },
	{ "net", ZD_SCC_NET },
	{ "network", ZD_SCC_NET },
	{ "signal", ZD_SCC_SIGNAL },
	{ "memory", ZD_SCC_MEMORY },
	{ "ipc", ZD_SCC_IPC },
	{ "creds", ZD_SCC_CREDS },
	{ "clock", ZD_SCC_CLOCK },
	{ "stat", ZD_SCC_STAT },
	{ "lstat", ZD_SCC_LSTAT },
	{ "fstat", ZD_SCC_FSTAT },
	{ "%stat", ZD_SCC_STAT | ZD_SCC_LSTAT | ZD_SCC_FSTAT },
	{ "statfs", ZD_SCC_STATFS },
	{ "fstatfs", ZD_SCC_FSTATFS },
	{ "%statfs", ZD_SCC_STATFS | ZD_SCC_FSTATFS | ZD_SCC_STATFS_LIKE },
	{ "pure", ZD_SCC_PURE },
};

static unsigned
class_bits(const char *name)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(classes); i++)
		if (!strcmp(classes[i].name, name))
			return classes[i].cls;
	return 0;
}

/* strace's old class names, accepted without '%' ("-e trace=file"). */
static bool
old_class_name(const char *el)
{
	static const char *const old[] = { "file", "process", "network", "signal", "ipc", "desc", "memory" };
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(old); i++)
		if (!strcmp(old[i], el))
			return true;
	return false;
}

/* Add the syscalls one element of a set names; 0 or -EINVAL. */
static int
add_element(struct zd_scset *s, const char *el, char *err, size_t errsize)
{
	unsigned cls;
	long nr;

	if (!strcmp(el, "all")) {
		zd_scset_fill(s);
		return 0;
	}
	if (!strcmp(el, "none"))
		return 0;
	if (el[0] == '%' || old_class_name(el)) {
		cls = class_bits(el[0] == '%' ? el + 1 : el);
		if (!cls) {
			snprintf(err, errsize, "unknown syscall class '%s'", el);
			return -EINVAL;
		}
		for (nr = 0; nr < zd_sysent_limit(); nr++) {
			const struct zd_sysent *e = zd_sysent(nr);

			if (e && (e->classes & cls))
				zd_scset_add(s, nr);
		}
		return 0;
	}
	if (el[0] == '/') {
		regex_t re;
		int r = regcomp(&re, el + 1, REG_EXTENDED | REG_NOSUB);
		bool any = false;

		if (r) {
			char why[128];

			regerror(r, &re, why, sizeof(why));
			snprintf(err, errsize, "invalid regular expression '%s': %s", el + 1, why);
			regfree(&re);
			return -EINVAL;
		}
		for (nr = 0; nr < zd_sysent_limit(); nr++) {
			const struct zd_sysent *e = zd_sysent(nr);

			if (e && !regexec(&re, e->name, 0, NULL, 0)) {
				zd_scset_add(s, nr);
				any = true;
			}
		}
		regfree(&re);
		if (!any) {
			snprintf(err, errsize, "no syscall matches '%s'", el + 1);
			return -EINVAL;
		}
		return 0;
	}
	if (el[0] == '?') {
		nr = zd_sysnr(el + 1);
		if (nr >= 0)
			zd_scset_add(s, nr);
		return 0;
	}
	nr = zd_sysnr(el);
	if (nr < 0) {
		/* syscall_0x1c3 or a plain number. */
		char *end;
		unsigned long v;

		if (!strncmp(el, "syscall_0x", 10))
			v = strtoul(el + 10, &end, 16);
		else
			v = strtoul(el, &end, 10);
		if (*el && !*end && end != el && v < ZD_SC_NMAX) {
			zd_scset_add(s, (long)v);
			return 0;
		}
		snprintf(err, errsize, "unknown syscall '%s'", el);
		return -EINVAL;
	}
	zd_scset_add(s, nr);
	return 0;
}

int
zd_scset_parse(struct zd_scset *s, const char *spec, char *err, size_t errsize)
{
	bool neg = false;
	char *copy, *p, *next;
	int r = 0;

	zd_scset_clear(s);
	if (*spec == '!') {
		neg = true;
		spec++;
	}
	if (!*spec) {
		snprintf(err, errsize, "empty syscall set");
		return -EINVAL;
	}
	copy = zd_xstrdup(spec);
	for (p = copy; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (!*p) {
			snprintf(err, errsize, "empty element in syscall set '%s'", spec);
			r = -EINVAL;
			break;
		}
		r = add_element(s, p, err, errsize);
		if (r < 0)
			break;
	}
	free(copy);
	if (r < 0)
		return r;
	if (neg) {
		size_t i;

		for (i = 0; i < ZD_ARRAY_SIZE(s->bits); i++)
			s->bits[i] = ~s->bits[i];
		s->others = !s->others;
	}
	return 0;
}

int
zd_fdset_parse(struct zd_fdset *s, const char *spec, char *err, size_t errsize)
{
	bool negate = false;
	const char *p, *end;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (*spec == '!') {
		negate = true;
		spec++;
	}
	for (p = spec; *p; p = *end ? end + 1 : end) {
		char tok[32], *e;
		size_t n;
		unsigned long v;

		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n >= sizeof(tok))
			n = sizeof(tok) - 1;
		memcpy(tok, p, n);
		tok[n] = '\0';
		if (!strcmp(tok, "all")) {
			memset(s->bits, 0xff, sizeof(s->bits));
			continue;
		}
		if (!strcmp(tok, "none"))
			continue;
		errno = 0;
		v = strtoul(tok, &e, 10);
		if (!*tok || *e || errno || tok[0] == '-' || tok[0] == '+' || v >= ZD_FDSET_MAX) {
			snprintf(err, errsize, v >= ZD_FDSET_MAX && !*e && *tok
				 ? "descriptor '%s' out of range (0-%d)" : "invalid descriptor '%s'",
				 tok, ZD_FDSET_MAX - 1);
			return -EINVAL;
		}
		s->bits[v / 64] |= 1ULL << (v % 64);
	}
	if (!*spec) {
		snprintf(err, errsize, "invalid descriptor ''");
		return -EINVAL;
	}
	if (negate)
		for (i = 0; i < ZD_ARRAY_SIZE(s->bits); i++)
			s->bits[i] = ~s->bits[i];
	return 0;
}
