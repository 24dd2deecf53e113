/* Capstone wrapper: decoding and branch targets. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "zdiag/disasm.h"

static void
test_basic(void **state)
{
	/* push %rbp; mov %rsp,%rbp; call +5; jmp -2; ret; (bad) */
	static const unsigned char code[] = { 0x55, 0x48, 0x89, 0xe5, 0xe8, 0x05, 0x00, 0x00, 0x00,
					      0xeb, 0xfe, 0xc3, 0x06 };
	struct zd_disasm *d;
	struct zd_insn in;
	size_t off = 0;

	(void)state;
	assert_int_equal(zd_disasm_new(&d, ZD_SYNTAX_ATT), 0);
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), 0);
	assert_string_equal(in.mnemonic, "pushq");
	assert_string_equal(in.ops, "%rbp");
	assert_int_equal(in.size, 1);
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), 0);
	assert_int_equal(in.addr, 0x1001);
	assert_string_equal(in.mnemonic, "movq");
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), 0);
	assert_true(in.is_call);
	assert_true(in.has_target);
	assert_int_equal(in.target, 0x1004 + 5 + 5);
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), 0);
	assert_true(in.is_jump);
	assert_int_equal(in.target, 0x1009);
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), 0);
	assert_true(in.is_ret);
	/* 0x06 is invalid in 64-bit mode */
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), -EINVAL);
	assert_string_equal(in.mnemonic, ".byte");
	assert_int_equal(off, sizeof(code));
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), -ENOENT);
	assert_int_equal(zd_disasm_set_syntax(d, ZD_SYNTAX_INTEL), 0);
	off = 0;
	assert_int_equal(zd_disasm_one(d, code, sizeof(code), &off, 0x1000, &in), 0);
	assert_string_equal(in.mnemonic, "push");
	assert_string_equal(in.ops, "rbp");
	zd_disasm_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
