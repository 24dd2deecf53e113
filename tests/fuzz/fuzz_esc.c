/*
 * Escaping of untrusted bytes (comm, argv, tracee memory) for a terminal,
 * JSON and Prometheus: whatever the input, the output holds no raw control
 * or non-ASCII byte, and the JSON string stays one string.
 */
#include <assert.h>

#include "fuzz.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"

/* Printable ASCII only (the escapes themselves are printable). */
static void
all_printable(const struct zd_sb *sb)
{
	size_t i;

	for (i = 0; i < sb->len; i++)
		assert(sb->buf[i] >= 0x20 && sb->buf[i] < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_json j;
	unsigned flags = size ? data[0] & 15 : 0;
	char *s = fuzz_cstr(data, size), *dup;
	size_t i;

	zd_esc_c(&sb, data, size, flags);
	all_printable(&sb);
	zd_sb_reset(&sb);
	zd_esc_cs(&sb, s, flags);
	all_printable(&sb);
	zd_sb_reset(&sb);
	dup = zd_esc_dup(s);
	for (i = 0; dup[i]; i++)
		assert(dup[i] >= 0x20 && dup[i] < 0x7f);
	free(dup);
	zd_esc_prom(&sb, s);
	zd_sb_reset(&sb);

	/* JSON: one string value; no raw control byte, quotes all escaped. */
	zd_json_init(&j, &sb, false);
	zd_json_strn(&j, data, size);
	assert(sb.len >= 2 && sb.buf[0] == '"' && sb.buf[sb.len - 1] == '"');
	for (i = 1; i + 1 < sb.len; i++) {
		assert((unsigned char)sb.buf[i] >= 0x20);
		if (sb.buf[i] == '\\')
			i++;
		else
			assert(sb.buf[i] != '"');
	}
	zd_sb_release(&sb);
	free(s);
	return 0;
}
