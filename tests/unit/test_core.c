/* The core writer's choice of mappings: the kernel's vma_dump_size() rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "zdiag/core.h"

#define MB (1u << 20)

static struct zd_core_vma
vma(unsigned flags, bool file, bool anon_pages)
{
	struct zd_core_vma v;

	memset(&v, 0, sizeof(v));
	v.start = 0x7f0000000000ULL;
	v.end = v.start + MB;
	v.vmflags = flags | ZD_VMF_READ;
	v.has_file = file;
	v.anon_pages = anon_pages;
	return v;
}

static void
test_default_filter(void **state)
{
	struct zd_core_vma heap = vma(0, false, true), untouched = vma(0, false, false);
	struct zd_core_vma text = vma(0, true, false), data = vma(0, true, true);
	struct zd_core_vma shm = vma(ZD_VMF_SHARED, true, false), shfile = vma(ZD_VMF_SHARED, true, false);
	struct zd_core_vma vdso = vma(ZD_VMF_DONTDUMP, false, false);
	unsigned long f = ZD_CORE_FILTER_DEFAULT;

	(void)state;
	shm.anon_file = true;
	vdso.special = true;
	assert_int_equal(zd_core_dump_size(&heap, f), MB);
	assert_int_equal(zd_core_dump_size(&untouched, f), 0);   /* no anon_vma */
	assert_int_equal(zd_core_dump_size(&text, f), 0);        /* not an ELF head */
	text.elf_head = true;
	assert_int_equal(zd_core_dump_size(&text, f), 4096);     /* bit 4: one page */
	text.pgoff = 0x1000;
	assert_int_equal(zd_core_dump_size(&text, f), 0);        /* only at offset 0 */
	assert_int_equal(zd_core_dump_size(&data, f), MB);       /* written private file pages */
	assert_int_equal(zd_core_dump_size(&shm, f), MB);        /* bit 1 */
	assert_int_equal(zd_core_dump_size(&shfile, f), 0);      /* bit 3 is off */
	assert_int_equal(zd_core_dump_size(&vdso, f), MB);       /* special: always */
	assert_int_equal(zd_core_dump_size(&vdso, 0), MB);
}

static void
test_bits(void **state)
{
	struct zd_core_vma heap = vma(0, false, true), text = vma(0, true, false);
	struct zd_core_vma shfile = vma(ZD_VMF_SHARED, true, false);
	struct zd_core_vma dd = vma(ZD_VMF_DONTDUMP, false, true), io = vma(ZD_VMF_IO, false, true);
	struct zd_core_vma htp = vma(ZD_VMF_HUGETLB, false, true), hts = vma(ZD_VMF_HUGETLB | ZD_VMF_SHARED, true, false);

	(void)state;
	assert_int_equal(zd_core_dump_size(&heap, 0), 0);
	assert_int_equal(zd_core_dump_size(&text, ZD_CORE_MAPPED_PRIVATE), MB);
	assert_int_equal(zd_core_dump_size(&shfile, ZD_CORE_MAPPED_SHARED), MB);
	assert_int_equal(zd_core_dump_size(&shfile, ZD_CORE_ANON_SHARED), 0);
	assert_int_equal(zd_core_dump_size(&dd, 0x1ff), 0);
	assert_int_equal(zd_core_dump_size(&io, 0x1ff), 0);
	/* hugetlb follows bits 5 and 6 only */
	assert_int_equal(zd_core_dump_size(&htp, ZD_CORE_HUGETLB_PRIVATE), MB);
	assert_int_equal(zd_core_dump_size(&htp, ZD_CORE_ANON_PRIVATE), 0);
	assert_int_equal(zd_core_dump_size(&hts, ZD_CORE_HUGETLB_SHARED), MB);
	assert_int_equal(zd_core_dump_size(&hts, ZD_CORE_HUGETLB_PRIVATE), 0);
}

static void
test_bad_input(void **state)
{
	struct zd_core_src src;
	struct zd_core_stats st;

	(void)state;
	memset(&src, 0, sizeof(src));
	assert_int_equal(zd_core_write(&src, 1, &st), -EINVAL);   /* no threads */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_filter),
		cmocka_unit_test(test_bits),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
