/* Parsing /proc/PID/maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/maps.h"

static const char sample[] =
	"55d0c0a00000-55d0c0a02000 r--p 00000000 fe:01 1311 /usr/bin/cat\n"
	"55d0c0a02000-55d0c0a07000 r-xp 00002000 fe:01 1311 /usr/bin/cat\n"
	"7f1e2a000000-7f1e2a021000 rw-p 00000000 00:00 0 \n"
	"7f1e2b000000-7f1e2b001000 r-xs 00000000 00:05 42 /memfd:jit (deleted)\n"
	"7ffd1c2f0000-7ffd1c311000 rw-p 00000000 00:00 0                          [stack]\n"
	"7ffd1c3fc000-7ffd1c3fe000 r-xp 00000000 00:00 0                          [vdso]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

static void
test_parse(void **state)
{
	struct zd_maps m;
	char perms[5];

	(void)state;
	assert_int_equal(zd_maps_parse(sample, strlen(sample), &m), 0);
	assert_int_equal(m.n, 7);
	assert_int_equal(m.v[1].start, 0x55d0c0a02000ULL);
	assert_int_equal(m.v[1].end, 0x55d0c0a07000ULL);
	assert_int_equal(m.v[1].pgoff, 0x2000);
	assert_int_equal(m.v[1].perms, ZD_MAP_R | ZD_MAP_X | ZD_MAP_P);
	assert_int_equal(m.v[1].dev_major, 0xfe);
	assert_int_equal(m.v[1].inode, 1311);
	assert_string_equal(m.v[1].path, "/usr/bin/cat");
	assert_true(zd_map_is_file(&m.v[1]));
	assert_string_equal(m.v[2].path, "");
	assert_false(zd_map_is_file(&m.v[2]));
	assert_string_equal(m.v[3].path, "/memfd:jit");
	assert_true(m.v[3].deleted);
	zd_map_perms_str(m.v[3].perms, perms);
	assert_string_equal(perms, "r-xs");
	assert_string_equal(m.v[5].path, "[vdso]");
	assert_int_equal(m.v[6].start, 0xffffffffff600000ULL);
	zd_maps_release(&m);
}

static void
test_find(void **state)
{
	struct zd_maps m;

	(void)state;
	assert_int_equal(zd_maps_parse(sample, strlen(sample), &m), 0);
	assert_null(zd_maps_find(&m, 0x1000));
	assert_ptr_equal(zd_maps_find(&m, 0x55d0c0a00000ULL), &m.v[0]);
	assert_ptr_equal(zd_maps_find(&m, 0x55d0c0a01fffULL), &m.v[0]);
	assert_ptr_equal(zd_maps_find(&m, 0x55d0c0a02000ULL), &m.v[1]);
	assert_null(zd_maps_find(&m, 0x55d0c0a07000ULL));
	assert_ptr_equal(zd_maps_find(&m, 0x7ffd1c300000ULL), &m.v[4]);
	zd_maps_release(&m);
}

static void
test_malformed(void **state)
{
	struct zd_maps m;
	static const char bad1[] = "55d0c0a00000 r--p 00000000 fe:01 1311 /x\n";
	static const char bad2[] = "2000-1000 r--p 00000000 fe:01 1 /x\n";
	static const char bad3[] = "1000-2000 r-\n";

	(void)state;
	assert_int_equal(zd_maps_parse(bad1, strlen(bad1), &m), -EINVAL);
	assert_int_equal(zd_maps_parse(bad2, strlen(bad2), &m), -EINVAL);
	assert_int_equal(zd_maps_parse(bad3, strlen(bad3), &m), -EINVAL);
	assert_int_equal(zd_maps_parse("", 0, &m), 0);
	assert_int_equal(m.n, 0);
	zd_maps_release(&m);
}

static void
test_self(void **state)
{
	struct zd_maps m;
	const struct zd_map *mp;
	int fd = open("/proc/self", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(zd_maps_read(fd, &m), 0);
	close(fd);
	mp = zd_maps_find(&m, (uint64_t)(uintptr_t)&test_self);
	assert_non_null(mp);
	assert_true(mp->perms & ZD_MAP_X);
	mp = zd_maps_find(&m, (uint64_t)(uintptr_t)&fd);
	assert_non_null(mp);
	assert_string_equal(mp->path, "[stack]");
	zd_maps_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
