/* Breakpoint locations and conditions as gdb takes them (bploc.h). */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "zdiag/bploc.h"

static void
parse_ok(const char *arg, enum zd_loc_kind kind, const char *text, int line, const char *cond)
{
	struct zd_loc l;
	const char *why;

	assert_int_equal(zd_loc_parse(arg, &l, &why), 0);
	assert_int_equal(l.kind, kind);
	assert_string_equal(l.text, text);
	assert_int_equal(l.line, line);
	assert_string_equal(l.cond, cond);
}

static void
test_kinds(void **state)
{
	(void)state;
	parse_ok("42", ZD_LOC_LINE, "", 42, "");
	parse_ok("  step_target.c:17 ", ZD_LOC_FILE_LINE, "step_target.c", 17, "");
	parse_ok("/src/a b/x.c:3", ZD_LOC_FILE_LINE, "/src/a b/x.c", 3, "");
	parse_ok("add", ZD_LOC_FUNC, "add", 0, "");
	parse_ok("_start.x", ZD_LOC_FUNC, "_start.x", 0, "");
	parse_ok("*0x401136", ZD_LOC_ADDR, "0x401136", 0, "");
	parse_ok("* main+4", ZD_LOC_ADDR, "main+4", 0, "");
	parse_ok("main+4", ZD_LOC_EXPR, "main+4", 0, "");
	parse_ok("0x401000", ZD_LOC_EXPR, "0x401000", 0, "");
	parse_ok("libc.so.6!write", ZD_LOC_EXPR, "libc.so.6!write", 0, "");
	parse_ok("", ZD_LOC_HERE, "", 0, "");
}

static void
test_conditions(void **state)
{
	(void)state;
	parse_ok("add if a > 3", ZD_LOC_FUNC, "add", 0, "a > 3");
	parse_ok("x.c:9 if i == 2 && j", ZD_LOC_FILE_LINE, "x.c", 9, "i == 2 && j");
	parse_ok("if n", ZD_LOC_HERE, "", 0, "n");
	parse_ok("iffy", ZD_LOC_FUNC, "iffy", 0, "");
	parse_ok("diff if  iffy ", ZD_LOC_FUNC, "diff", 0, "iffy");
	parse_ok("12\tif\tk<0", ZD_LOC_LINE, "", 12, "k<0");
}

static void
test_errors(void **state)
{
	struct zd_loc l;
	const char *why;
	char big[2 * ZD_LOC_MAX];

	(void)state;
	assert_int_equal(zd_loc_parse("add if", &l, &why), -EINVAL);
	assert_string_equal(why, "argument required (boolean expression)");
	assert_int_equal(zd_loc_parse("x.c:12x", &l, &why), -EINVAL);
	assert_string_equal(why, "malformed line number");
	assert_int_equal(zd_loc_parse("0", &l, &why), -EINVAL);
	assert_int_equal(zd_loc_parse("*", &l, &why), -EINVAL);
	assert_int_equal(zd_loc_parse("*\tif x", &l, &why), -EINVAL); /* found by fuzz_bploc */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(zd_loc_parse(big, &l, &why), -E2BIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
