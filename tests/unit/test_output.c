/* Escaping (terminal, JSON, Prometheus), the JSON writer and strbuf. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/strbuf.h"

static void
esc_c_terminal_safe(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	const char in[] = "a\nb\t\033[31m\\\"\x7f\xc3\xa9\0" "1";
	size_t i;

	(void)state;
	zd_esc_c(&sb, in, sizeof(in) - 1, ZD_ESC_QUOTE);
	/* strace-style: minimal octal unless a digit follows */
	assert_string_equal(sb.buf, "a\\nb\\t\\33[31m\\\\\\\"\\177\\303\\251\\0001");
	for (i = 0; i < sb.len; i++)
		assert_true(sb.buf[i] >= 0x20 && sb.buf[i] < 0x7f);
	zd_sb_reset(&sb);
	zd_esc_c(&sb, "\x01\x02", 2, ZD_ESC_HEX);
	assert_string_equal(sb.buf, "\\x01\\x02");
	zd_sb_reset(&sb);
	zd_esc_c(&sb, "ab\0cd", 5, ZD_ESC_STOP_NUL);
	assert_string_equal(sb.buf, "ab");
	zd_sb_reset(&sb);
	zd_esc_c(&sb, "\"q\"", 3, 0);
	assert_string_equal(sb.buf, "\"q\"");
	zd_sb_release(&sb);
}

static void
esc_json_utf8_and_controls(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	const char in[] = "\"\\\n\x01\xc3\xa9\xff\xed\xa0\x80z";

	(void)state;
	zd_esc_json(&sb, in, sizeof(in) - 1);
	/* valid UTF-8 passes, invalid bytes and surrogates become U+FFFD */
	assert_string_equal(sb.buf, "\\\"\\\\\\n\\u0001\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffdz");
	zd_sb_release(&sb);
}

static void
esc_prom_label(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;

	(void)state;
	zd_esc_prom(&sb, "a\"b\\c\nd");
	assert_string_equal(sb.buf, "a\\\"b\\\\c\\nd");
	/* ESC, BEL, DEL and a byte that is not UTF-8 never reach the label raw */
	zd_sb_reset(&sb);
	zd_esc_prom(&sb, "e\033[31m\a\x7f\xff\xc3\xa9");
	assert_string_equal(sb.buf, "e\\\\x1b[31m\\\\x07\\\\x7f\\\\xff\xc3\xa9");
	zd_sb_release(&sb);
}

static void
json_compact_document(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_json j;

	(void)state;
	zd_json_init(&j, &sb, false);
	zd_json_obj_begin(&j);
	zd_json_kint(&j, "pid", -5);
	zd_json_kstr(&j, "comm", "x\"y");
	zd_json_kstr(&j, "none", NULL);
	zd_json_key(&j, "a");
	zd_json_arr_begin(&j);
	zd_json_uint(&j, 1);
	zd_json_bool(&j, true);
	zd_json_obj_begin(&j);
	zd_json_obj_end(&j);
	zd_json_arr_begin(&j);
	zd_json_arr_end(&j);
	zd_json_double(&j, 0.5);
	zd_json_arr_end(&j);
	zd_json_kbool(&j, "b", false);
	zd_json_obj_end(&j);
	assert_string_equal(sb.buf, "{\"pid\":-5,\"comm\":\"x\\\"y\",\"none\":null,\"a\":[1,true,{},[],0.5],\"b\":false}");
	zd_sb_release(&sb);
}

static void
json_pretty_document(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_json j;

	(void)state;
	zd_json_init(&j, &sb, true);
	zd_json_obj_begin(&j);
	zd_json_key(&j, "z");
	zd_json_arr_begin(&j);
	zd_json_int(&j, 1);
	zd_json_arr_end(&j);
	zd_json_obj_end(&j);
	assert_string_equal(sb.buf, "{\n  \"z\": [\n    1\n  ]\n}");
	zd_sb_release(&sb);
}

static void
strbuf_growth_and_detach(void **state)
{
	struct zd_sb sb = ZD_SB_INIT;
	char *s;
	int i;

	(void)state;
	assert_string_equal(sb.buf, "");
	for (i = 0; i < 1000; i++)
		zd_sb_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_true(sb.len > 3000);
	zd_sb_setlen(&sb, 4);
	assert_string_equal(sb.buf, "0,1,");
	zd_sb_addpad(&sb, ' ', 3);
	zd_sb_rtrim(&sb);
	assert_string_equal(sb.buf, "0,1,");
	zd_sb_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 7);
	s = zd_sb_detach(&sb);
	assert_memory_equal(s, "0,1,a\0b", 8);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	free(s);
	s = zd_sb_detach(&sb);
	assert_string_equal(s, "");
	free(s);
	zd_sb_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(esc_c_terminal_safe),
		cmocka_unit_test(esc_json_utf8_and_controls),
		cmocka_unit_test(esc_prom_label),
		cmocka_unit_test(json_compact_document),
		cmocka_unit_test(json_pretty_document),
		cmocka_unit_test(strbuf_growth_and_detach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
