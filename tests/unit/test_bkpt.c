/* The breakpoint table and int3 masking. */
#include <string.h>

#include "unit.h"
#include "zdiag/bkpt.h"

static void
test_table(void **state)
{
	struct zd_bkpts b;
	struct zd_bkpt *p1, *p2;

	(void)state;
	zd_bkpts_init(&b);
	p1 = zd_bkpt_add(&b, 0x1000);
	assert_non_null(p1);
	assert_int_equal(p1->id, 1);
	assert_null(zd_bkpt_add(&b, 0x1000)); /* one per address */
	p2 = zd_bkpt_add(&b, 0x2000);
	assert_int_equal(p2->id, 2);
	assert_ptr_equal(zd_bkpt_at(&b, 0x2000), zd_bkpt_by_id(&b, 2));
	zd_bkpt_remove(&b, 1);
	assert_null(zd_bkpt_by_id(&b, 1));
	assert_int_equal(zd_bkpt_add(&b, 0x1000)->id, 3); /* ids are never reused */
	zd_bkpts_release(&b);
}

static void
test_mask(void **state)
{
	struct zd_bkpts b;
	unsigned char mem[8] = { 0x55, ZD_INT3, 0x89, 0xe5, ZD_INT3, 0, 0, 0 };
	struct zd_bkpt *p;

	(void)state;
	zd_bkpts_init(&b);
	p = zd_bkpt_add(&b, 0x401);
	p->orig = 0x48;
	p->inserted = true;
	p = zd_bkpt_add(&b, 0x404);
	p->orig = 0xc3;
	p->inserted = false; /* not in memory: a real 0xcc stays */
	p = zd_bkpt_add(&b, 0x500);
	p->orig = 0x90;
	p->inserted = true;
	zd_bkpt_mask(&b, 0x400, mem, sizeof(mem));
	assert_int_equal(mem[1], 0x48);
	assert_int_equal(mem[4], ZD_INT3);
	zd_bkpts_release(&b);
}

static void
test_merge_write(void **state)
{
	struct zd_bkpts b;
	unsigned char data[4] = { 1, 2, 3, 4 };
	struct zd_bkpt *p;

	(void)state;
	zd_bkpts_init(&b);
	p = zd_bkpt_add(&b, 0x802);
	p->orig = 0x77;
	p->inserted = true;
	zd_bkpt_merge_write(&b, 0x800, data, sizeof(data));
	assert_int_equal(data[2], ZD_INT3); /* the breakpoint stays */
	assert_int_equal(p->orig, 3);     /* and will restore the new byte */
	zd_bkpts_release(&b);
}

/* Removed breakpoints stay "ours" (a late trap is rewound, not delivered),
 * a program's own int3 never is, and the memory is bounded. */
static void
test_retired(void **state)
{
	struct zd_bkpts b;
	struct zd_bkpt *p;
	uint64_t a;

	(void)state;
	zd_bkpts_init(&b);
	assert_false(zd_bkpt_ours(&b, 0x1000));
	p = zd_bkpt_add(&b, 0x1000);
	p->orig = 0x55;
	assert_true(zd_bkpt_ours(&b, 0x1000));
	zd_bkpt_retire(&b, p);
	zd_bkpt_remove(&b, p->id);
	assert_null(zd_bkpt_at(&b, 0x1000));
	assert_true(zd_bkpt_ours(&b, 0x1000));
	p = zd_bkpt_add(&b, 0x2000);
	p->orig = ZD_INT3;          /* the program's own int3 */
	assert_false(zd_bkpt_ours(&b, 0x2000));
	for (a = 0; a < ZD_BKPT_GONE_MAX + 10; a++) {
		struct zd_bkpt q = { .addr = 0x10000 + a, .orig = 0x90 };

		zd_bkpt_retire(&b, &q);
	}
	assert_int_equal(b.ngone, ZD_BKPT_GONE_MAX);
	assert_false(zd_bkpt_ours(&b, 0x1000));   /* the oldest are forgotten */
	assert_true(zd_bkpt_ours(&b, 0x10000 + ZD_BKPT_GONE_MAX + 9));
	zd_bkpts_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_merge_write),
		cmocka_unit_test(test_retired),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
