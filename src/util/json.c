/* Streaming JSON writer. */
#include <math.h>
#include <string.h>

#include "zdiag/esc.h"
#include "zdiag/json.h"

void
zd_json_init(struct zd_json *j, struct zd_sb *sb, bool pretty)
{
	j->sb = sb;
	j->depth = 0;
	j->pretty = pretty;
	j->after_key = false;
	j->first[0] = true;
}

static void
newline(struct zd_json *j)
{
	if (j->pretty) {
		zd_sb_addc(j->sb, '\n');
		zd_sb_addpad(j->sb, ' ', (size_t)j->depth * 2);
	}
}

/* Separator before a value or key in the current container. */
static void
before_value(struct zd_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		zd_sb_addc(j->sb, ',');
	j->first[j->depth] = false;
	newline(j);
}

static void
open_container(struct zd_json *j, char c)
{
	before_value(j);
	zd_sb_addc(j->sb, c);
	if (j->depth + 1 < ZD_JSON_MAXDEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_container(struct zd_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	zd_sb_addc(j->sb, c);
}

void zd_json_obj_begin(struct zd_json *j) { open_container(j, '{'); }
void zd_json_obj_end(struct zd_json *j) { close_container(j, '}'); }
void zd_json_arr_begin(struct zd_json *j) { open_container(j, '['); }
void zd_json_arr_end(struct zd_json *j) { close_container(j, ']'); }

void
zd_json_key(struct zd_json *j, const char *key)
{
	before_value(j);
	zd_sb_addc(j->sb, '"');
	zd_esc_json(j->sb, key, strlen(key));
	zd_sb_adds(j->sb, j->pretty ? "\": " : "\":");
	j->after_key = true;
}

void
zd_json_strn(struct zd_json *j, const void *s, size_t n)
{
	before_value(j);
	zd_sb_addc(j->sb, '"');
	zd_esc_json(j->sb, s, n);
	zd_sb_addc(j->sb, '"');
}

void
zd_json_str(struct zd_json *j, const char *s)
{
	if (!s) {
		zd_json_null(j);
		return;
	}
	zd_json_strn(j, s, strlen(s));
}

void
zd_json_int(struct zd_json *j, long long v)
{
	before_value(j);
	zd_sb_addf(j->sb, "%lld", v);
}

void
zd_json_uint(struct zd_json *j, unsigned long long v)
{
	before_value(j);
	zd_sb_addf(j->sb, "%llu", v);
}

void
zd_json_double(struct zd_json *j, double v)
{
	before_value(j);
	if (!isfinite(v))
		zd_sb_adds(j->sb, "null");
	else
		zd_sb_addf(j->sb, "%.9g", v);
}

void
zd_json_bool(struct zd_json *j, bool v)
{
	before_value(j);
	zd_sb_adds(j->sb, v ? "true" : "false");
}

void
zd_json_null(struct zd_json *j)
{
	before_value(j);
	zd_sb_adds(j->sb, "null");
}

void
zd_json_raw(struct zd_json *j, const char *json)
{
	before_value(j);
	zd_sb_adds(j->sb, json);
}

void zd_json_kstr(struct zd_json *j, const char *k, const char *s) { zd_json_key(j, k); zd_json_str(j, s); }
void zd_json_kstrn(struct zd_json *j, const char *k, const void *s, size_t n) { zd_json_key(j, k); zd_json_strn(j, s, n); }
void zd_json_kint(struct zd_json *j, const char *k, long long v) { zd_json_key(j, k); zd_json_int(j, v); }
void zd_json_kuint(struct zd_json *j, const char *k, unsigned long long v) { zd_json_key(j, k); zd_json_uint(j, v); }
void zd_json_kdouble(struct zd_json *j, const char *k, double v) { zd_json_key(j, k); zd_json_double(j, v); }
void zd_json_kbool(struct zd_json *j, const char *k, bool v) { zd_json_key(j, k); zd_json_bool(j, v); }
void zd_json_knull(struct zd_json *j, const char *k) { zd_json_key(j, k); zd_json_null(j); }
