/* The register table: names, sub-registers, DWARF numbers. */
#include <string.h>

#include "unit.h"
#include "zdiag/regs.h"

static void
test_find(void **state)
{
	(void)state;
	assert_non_null(zd_reg_find("rax"));
	assert_ptr_equal(zd_reg_find("RAX"), zd_reg_find("$rax"));
	assert_ptr_equal(zd_reg_find("pc"), zd_reg_find("rip"));
	assert_ptr_equal(zd_reg_find("rflags"), zd_reg_find("eflags"));
	assert_null(zd_reg_find("xyz"));
	assert_null(zd_reg_find(NULL));
	assert_string_equal(zd_reg_by_dwarf(7)->name, "rsp");
	assert_string_equal(zd_reg_by_dwarf(16)->name, "rip");
	assert_null(zd_reg_by_dwarf(99));
}

static void
test_subregs(void **state)
{
	struct user_regs_struct r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rax = 0x1122334455667788ULL;
	assert_int_equal(zd_reg_get(&r, zd_reg_find("eax")), 0x55667788);
	assert_int_equal(zd_reg_get(&r, zd_reg_find("ax")), 0x7788);
	assert_int_equal(zd_reg_get(&r, zd_reg_find("al")), 0x88);
	assert_int_equal(zd_reg_get(&r, zd_reg_find("ah")), 0x77);
	zd_reg_set(&r, zd_reg_find("al"), 0x41);
	assert_int_equal(r.rax, 0x1122334455667741ULL);
	zd_reg_set(&r, zd_reg_find("ah"), 0xff);
	assert_int_equal(r.rax, 0x112233445566ff41ULL);
	/* A 32-bit write zero-extends, as on the CPU. */
	zd_reg_set(&r, zd_reg_find("eax"), 0xdeadbeef);
	assert_int_equal(r.rax, 0xdeadbeefULL);
	r.r12 = 5;
	zd_reg_set(&r, zd_reg_find("r12w"), 0xabcd);
	assert_int_equal(r.r12, 0xabcd);
	zd_reg_set(&r, zd_reg_find("rsp"), 0x7ffd0000);
	assert_int_equal(r.rsp, 0x7ffd0000);
}

static void
test_table(void **state)
{
	size_t n, i, full = 0;
	const struct zd_reg *t = zd_reg_table(&n);

	(void)state;
	for (i = 0; i < n; i++) {
		assert_ptr_equal(zd_reg_find(t[i].name), &t[i]);
		if (t[i].full) {
			assert_int_equal(i, full); /* full registers come first */
			full++;
		}
	}
	assert_int_equal(full, 27);
}

static void
test_eflags(void **state)
{
	char buf[64];

	(void)state;
	zd_reg_eflags_str(0x246, buf, sizeof(buf));
	assert_string_equal(buf, "[ PF ZF IF ]");
	zd_reg_eflags_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "[ ]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_subregs),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_eflags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
