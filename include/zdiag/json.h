/*
 * Streaming JSON writer into a zd_sb.  Commas and (optional) indentation are
 * handled by the writer; callers only open, fill and close containers.
 *
 *	struct zd_json j;
 *	zd_json_init(&j, &sb, true);
 *	zd_json_obj_begin(&j);
 *	zd_json_kint(&j, "pid", 42);
 *	zd_json_key(&j, "evidence");
 *	zd_json_arr_begin(&j);
 *	zd_json_str(&j, "parent is in read(0, ...)");
 *	zd_json_arr_end(&j);
 *	zd_json_obj_end(&j);
 *
 * Strings are escaped with zd_esc_json() (invalid UTF-8 becomes U+FFFD).
 */
#ifndef ZDIAG_JSON_H
#define ZDIAG_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "zdiag/strbuf.h"

#define ZD_JSON_MAXDEPTH 32

struct zd_json {
	struct zd_sb *sb;
	int depth;
	bool pretty;
	bool after_key;
	bool first[ZD_JSON_MAXDEPTH];
};

void zd_json_init(struct zd_json *j, struct zd_sb *sb, bool pretty);
void zd_json_obj_begin(struct zd_json *j);
void zd_json_obj_end(struct zd_json *j);
void zd_json_arr_begin(struct zd_json *j);
void zd_json_arr_end(struct zd_json *j);
void zd_json_key(struct zd_json *j, const char *key);
/* s may be NULL: writes null. */
void zd_json_str(struct zd_json *j, const char *s);
void zd_json_strn(struct zd_json *j, const void *s, size_t n);
void zd_json_int(struct zd_json *j, long long v);
void zd_json_uint(struct zd_json *j, unsigned long long v);
void zd_json_double(struct zd_json *j, double v);
void zd_json_bool(struct zd_json *j, bool v);
void zd_json_null(struct zd_json *j);
/* An already-encoded JSON value. */
void zd_json_raw(struct zd_json *j, const char *json);

void zd_json_kstr(struct zd_json *j, const char *key, const char *s);
void zd_json_kstrn(struct zd_json *j, const char *key, const void *s, size_t n);
void zd_json_kint(struct zd_json *j, const char *key, long long v);
void zd_json_kuint(struct zd_json *j, const char *key, unsigned long long v);
void zd_json_kdouble(struct zd_json *j, const char *key, double v);
void zd_json_kbool(struct zd_json *j, const char *key, bool v);
void zd_json_knull(struct zd_json *j, const char *key);

#endif
