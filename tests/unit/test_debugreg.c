/* DR7 encoding, DR6 decoding, splitting a range into debug-register
 * pieces, catch syscall's name list, and the probe (include/zdiag/debugreg.h,
 * zdiag/watch.h). */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "unit.h"
#include "zdiag/debugreg.h"
#include "zdiag/watch.h"

static void
test_dr7(void **state)
{
	uint64_t dr7 = 0;

	(void)state;
	/* slot 0, write, 4 bytes: L0 | RW0=01 | LEN0=11 */
	assert_int_equal(zd_dr7_encode(&dr7, 0, ZD_DR_WRITE, 4, 0x1000), 0);
	assert_int_equal(dr7, 0xd0001);
	/* slot 1, read/write, 8 bytes: L1 | RW1=11 | LEN1=10 */
	assert_int_equal(zd_dr7_encode(&dr7, 1, ZD_DR_RW, 8, 0x2000), 0);
	assert_int_equal(dr7, 0xb00000 | 0xd0001 | 0x4);
	/* slot 2, write, 2 bytes (LEN 01); slot 3, write, 1 byte (LEN 00) */
	assert_int_equal(zd_dr7_encode(&dr7, 2, ZD_DR_WRITE, 2, 0x2002), 0);
	assert_int_equal(zd_dr7_encode(&dr7, 3, ZD_DR_WRITE, 1, 0x2003), 0);
	assert_int_equal(dr7, 0x15bd0055);
	/* re-encoding a slot replaces its bits */
	assert_int_equal(zd_dr7_encode(&dr7, 3, ZD_DR_RW, 4, 0x2004), 0);
	assert_int_equal(dr7, 0xf5bd0055);
	assert_int_equal(zd_dr7_clear(dr7, 1), 0xf50d0051);
	/* refused: misaligned, bad length, bad slot; dr7 unchanged */
	assert_int_equal(zd_dr7_encode(&dr7, 0, ZD_DR_WRITE, 4, 0x1002), -EINVAL);
	assert_int_equal(zd_dr7_encode(&dr7, 0, ZD_DR_WRITE, 3, 0x1000), -EINVAL);
	assert_int_equal(zd_dr7_encode(&dr7, 4, ZD_DR_WRITE, 4, 0x1000), -EINVAL);
	assert_int_equal(zd_dr7_encode(&dr7, 0, ZD_DR_EXEC, 4, 0x1000), -EINVAL);
	assert_int_equal(dr7, 0xf5bd0055);
	assert_int_equal(zd_dr6_fired(0xffff0ff2), 2);
	assert_int_equal(zd_dr6_fired(0xffff4ff0), 0); /* BS (a single-step) only */
}

static void
test_split(void **state)
{
	uint64_t a[4];
	unsigned l[4];

	(void)state;
	assert_int_equal(zd_dr_split(0x1000, 4, a, l, 4), 1);
	assert_int_equal(l[0], 4);
	/* 12 bytes at 0x1004: 4 + 8 */
	assert_int_equal(zd_dr_split(0x1004, 12, a, l, 4), 2);
	assert_int_equal(a[0], 0x1004);
	assert_int_equal(l[0], 4);
	assert_int_equal(a[1], 0x1008);
	assert_int_equal(l[1], 8);
	/* 3 bytes at 0x1001: 1 + 2 */
	assert_int_equal(zd_dr_split(0x1001, 3, a, l, 4), 2);
	assert_int_equal(l[0], 1);
	assert_int_equal(l[1], 2);
	/* 40 bytes need 5 registers */
	assert_int_equal(zd_dr_split(0x1000, 40, a, l, 4), -ENOSPC);
	assert_int_equal(zd_dr_split(0x1000, 16, a, l, 1), -ENOSPC);
}

static void
test_catch_parse(void **state)
{
	uint8_t nrs[ZD_SC_BITS / 8];
	char *ok[] = { (char *)"openat", (char *)"3" };
	char *bad[] = { (char *)"close", (char *)"nosuch" };
	int at = -1;

	(void)state;
	assert_int_equal(zd_catch_parse(ok, 2, nrs, &at), 0);
	assert_true(nrs[257 / 8] & (1u << (257 % 8)));
	assert_true(nrs[0] & (1u << 3));
	assert_false(nrs[0] & (1u << 2));
	assert_int_equal(zd_catch_parse(bad, 2, nrs, &at), -ENOENT);
	assert_int_equal(at, 1);
}

/* Whatever the machine says, the probe answers and leaves no child behind. */
static void
test_probe(void **state)
{
	int r = zd_dr_probe(2000);

	(void)state;
	assert_true(r == 0 || r == 1 || r < 0);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dr7),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_catch_parse),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
