/*
 * Allocation wrappers that never return NULL.  On out-of-memory they print
 * "zdiag: out of memory" and abort(): the one place the library may end the
 * process, because no caller could do anything better.
 */
#ifndef ZDIAG_XALLOC_H
#define ZDIAG_XALLOC_H

#include <stddef.h>

void *zd_xmalloc(size_t n);
void *zd_xcalloc(size_t nmemb, size_t size);
void *zd_xrealloc(void *p, size_t n);
/* Grow *p (of *alloc elements of size elsz) to hold at least `need` elements. */
void zd_xgrow(void **p, size_t *alloc, size_t need, size_t elsz);
char *zd_xstrdup(const char *s);
char *zd_xstrndup(const char *s, size_t n);
void *zd_xmemdup(const void *p, size_t n);

#define ZD_GROW(arr, alloc, need) \
	zd_xgrow((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

#endif
