/* Allocation wrappers that abort on out-of-memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/common.h"
#include "zdiag/xalloc.h"

static ZD_NORETURN void
oom(void)
{
	static const char msg[] = "zdiag: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *
zd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *
zd_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *
zd_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

void
zd_xgrow(void **p, size_t *alloc, size_t need, size_t elsz)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elsz)
			oom();
		n *= 2;
	}
	*p = zd_xrealloc(*p, n * elsz);
	*alloc = n;
}

char *
zd_xstrdup(const char *s)
{
	return zd_xmemdup(s, strlen(s) + 1);
}

char *
zd_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *r = zd_xmalloc(len + 1);

	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

void *
zd_xmemdup(const void *p, size_t n)
{
	void *r = zd_xmalloc(n);

	memcpy(r, p, n);
	return r;
}
