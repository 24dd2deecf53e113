/* The ELF symbolizer: symbol tables, sizes, aliases, debug files, lines, address spaces. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/symtab.h"

#define HELPER ZD_SRCDIR "/build/helpers/attach_chain"

__attribute__((noinline)) int zd_unit_marker(int x);
__attribute__((noinline)) int
zd_unit_marker(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

static struct zd_elf *
open_elf(const char *path)
{
	struct zd_elf *e = NULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	zd_elf_open_fd(fd, path, &e);
	close(fd);
	return e;
}

static void
test_helper_symbols(void **state)
{
	struct zd_elf *e = open_elf(HELPER);
	const struct zd_sym *m, *v, *at;
	const char *file;
	int line;
	uint64_t off;

	(void)state;
	if (!e)
		zd_skip("cannot open %s as ELF", HELPER);
	assert_true(zd_elf_has_symtab(e));
	m = zd_elf_sym_named(e, "main");
	assert_non_null(m);
	assert_int_equal(m->type, STT_FUNC);
	assert_true(m->size > 0);
	v = zd_elf_sym_named(e, "zd_value");
	assert_non_null(v);
	assert_int_equal(v->type, STT_OBJECT);
	assert_int_equal(v->size, 8);
	assert_null(zd_elf_sym_named(e, "no_such_symbol"));
	/* Inside, at the start, and one past the end (size check). */
	assert_ptr_equal(zd_elf_sym_at(e, m->addr), m);
	assert_ptr_equal(zd_elf_sym_at(e, m->addr + m->size - 1), m);
	at = zd_elf_sym_at(e, m->addr + m->size);
	assert_true(at != m);
	assert_ptr_equal(zd_elf_sym_at(e, v->addr + 4), v);
	assert_int_equal(zd_elf_line(e, m->addr, &file, &line), 0);
	assert_non_null(strstr(file, "attach_chain.c"));
	assert_true(line > 100);
	assert_int_equal(zd_elf_vaddr_to_off(e, m->addr, &off), 0);
	assert_true(off > 0);
	assert_non_null(zd_elf_build_id(e));
	zd_elf_free(e);
}

static void
test_libc_debug_file(void **state)
{
	struct zd_elf *e = open_elf("/lib/x86_64-linux-gnu/libc.so.6");
	const struct zd_sym *s, *p;

	(void)state;
	if (!e)
		zd_skip("cannot open libc.so.6 as ELF");
	s = zd_elf_sym_named(e, "malloc");
	assert_non_null(s);
	if (zd_elf_find_debug(e, "/lib/x86_64-linux-gnu/libc.so.6", NULL) < 0) {
		assert_false(zd_elf_has_symtab(e)); /* stripped: .dynsym only */
		zd_elf_free(e);
		zd_skip("no full symbol table for libc.so.6 (install libc6-dbg)");
	}
	assert_true(zd_elf_has_debug_file(e));
	assert_true(zd_elf_has_symtab(e));
	/* Local functions only the debug .symtab knows. */
	s = zd_elf_sym_named(e, "__libc_start_call_main");
	assert_non_null(s);
	assert_ptr_equal(zd_elf_sym_at(e, s->addr + 1), s);
	/* Versioned names are stored plain. */
	p = zd_elf_sym_named(e, "clock_nanosleep");
	assert_non_null(p);
	assert_null(strchr(zd_elf_sym_at(e, p->addr)->name, '@'));
	/* Aliases: the GLOBAL public name wins over __GI_ ones. */
	s = zd_elf_sym_at(e, zd_elf_sym_named(e, "malloc")->addr);
	assert_string_equal(s->name, "malloc");
	zd_elf_free(e);
}

static void
same_sym(const struct zd_sym *a, const struct zd_sym *b, uint64_t at)
{
	if (!a || !b) {
		if (a || b)
			fail_msg("at 0x%llx: %s vs %s", (unsigned long long)at, a ? a->name : "none", b ? b->name : "none");
		return;
	}
	if (strcmp(a->name, b->name) || a->addr != b->addr || a->size != b->size || a->bind != b->bind)
		fail_msg("at 0x%llx: %s (0x%llx+%llu) vs %s (0x%llx+%llu)", (unsigned long long)at, a->name,
			 (unsigned long long)a->addr, (unsigned long long)a->size, b->name, (unsigned long long)b->addr,
			 (unsigned long long)b->size);
}

/* A large table (lazy: sorted bucket by bucket as lookups go) answers every
 * lookup as the same table sorted whole: around each symbol's bounds, and
 * every 29 bytes from 0 to past the last symbol, in an order that reaches
 * the buckets at random; then every name. */
static void
check_lazy_table(struct zd_elf *lazy, struct zd_elf *sorted)
{
	const struct zd_sym *v, *w;
	size_t n, m, i, k, checked = 0;
	uint64_t top = 0, a;

	zd_elf_sort_syms(sorted);
	w = zd_elf_syms(sorted, &m);
	v = zd_elf_syms(lazy, &n);
	assert_int_equal(n, m);
	assert_true(n >= 1024); /* large enough to be lazy */
	for (i = 1; i < m; i++)
		assert_true(w[i - 1].addr <= w[i].addr);
	for (i = 0; i < n; i++) {
		/* v in the file's order: addresses all over the table */
		uint64_t probe[] = { v[i].addr - 1, v[i].addr, v[i].addr + 1, v[i].addr + v[i].size - 1,
				     v[i].addr + v[i].size, v[i].addr + v[i].size + 1, v[i].addr + 0x1000 };

		top = top > v[i].addr + v[i].size ? top : v[i].addr + v[i].size;
		for (k = 0; k < sizeof(probe) / sizeof(probe[0]); k++, checked++)
			same_sym(zd_elf_sym_at(lazy, probe[k]), zd_elf_sym_at(sorted, probe[k]), probe[k]);
	}
	for (a = 0; a < top + 0x2000; a += 29, checked++)
		same_sym(zd_elf_sym_at(lazy, a), zd_elf_sym_at(sorted, a), a);
	for (i = 0; i < n; i++)
		same_sym(zd_elf_sym_named(lazy, v[i].name), zd_elf_sym_named(sorted, v[i].name), 0);
	/* pointers from lookups point into the table zd_elf_syms() shows */
	assert_true(zd_elf_sym_at(lazy, v[0].addr) >= v && zd_elf_sym_at(lazy, v[0].addr) < v + n);
	assert_true(checked > n);
}

static void
test_lazy_symtab(void **state)
{
	const char *path = "/lib/x86_64-linux-gnu/libc.so.6";
	struct zd_elf *a = open_elf(path), *b = open_elf(path);

	(void)state;
	if (!a || !b)
		zd_skip("cannot open libc.so.6 as ELF");
	/* .dynsym (3,000 symbols), then the debug file's .symtab (10,000) */
	check_lazy_table(a, b);
	zd_elf_free(a);
	zd_elf_free(b);
	a = open_elf(path);
	b = open_elf(path);
	if (zd_elf_find_debug(a, path, NULL) < 0 || zd_elf_find_debug(b, path, NULL) < 0) {
		zd_elf_free(a);
		zd_elf_free(b);
		zd_skip("no full symbol table for libc.so.6 (install libc6-dbg)");
	}
	check_lazy_table(a, b);
	zd_elf_free(a);
	zd_elf_free(b);
}

static ssize_t
self_reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return (ssize_t)len;
}

static void
test_space_self(void **state)
{
	struct zd_space sp;
	struct zd_where w;
	const struct zd_sym *s;
	const struct zd_module *m;
	uint64_t a;
	size_t i;
	bool vdso = false;

	(void)state;
	zd_space_init(&sp);
	assert_int_equal(zd_space_load(&sp, getpid(), self_reader, NULL), 0);
	assert_true(sp.nmods >= 2);
	/* symbol -> address, with the PIE bias applied */
	assert_int_equal(zd_space_resolve(&sp, "zd_unit_marker", &a, &s, &m), 0);
	assert_int_equal(a, (uint64_t)(uintptr_t)&zd_unit_marker);
	assert_true(m->exe);
	/* address -> symbol, as a return address (ip-1) and exactly */
	assert_int_equal(zd_space_lookup(&sp, a + 2, 0, &w), 0);
	assert_string_equal(w.sym->name, "zd_unit_marker");
	assert_int_equal(w.off, 2);
	if (zd_space_lookup(&sp, a, ZD_LOOKUP_CALLER, &w) == 0)
		assert_string_not_equal(w.sym->name, "zd_unit_marker"); /* a-1 is before it */
	assert_int_equal(zd_space_lookup(&sp, a + 1, ZD_LOOKUP_CALLER, &w), 0);
	assert_string_equal(w.sym->name, "zd_unit_marker");
	/* A library symbol, by MODULE!NAME too */
	assert_int_equal(zd_space_resolve(&sp, "libc.so.6!getpid", &a, NULL, &m), 0);
	assert_int_equal(a, (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid"));
	assert_int_equal(zd_space_resolve(&sp, "nosuchlib!getpid", &a, NULL, NULL), -ENOENT);
	for (i = 0; i < sp.nmods; i++)
		if (sp.mods[i].vdso) {
			vdso = true;
			assert_non_null(sp.mods[i].elf);
			assert_int_equal(zd_space_resolve(&sp, "__vdso_clock_gettime", &a, NULL, NULL), 0);
			assert_true(a >= sp.mods[i].start && a < sp.mods[i].end);
		}
	assert_true(vdso);
	/* read_static serves read-only file pages from the file image */
	{
		unsigned char img[16];

		assert_int_equal(zd_space_read_static(&sp, (uint64_t)(uintptr_t)&zd_unit_marker, img, sizeof(img)), 0);
		assert_memory_equal(img, (const void *)(uintptr_t)&zd_unit_marker, sizeof(img));
	}
	zd_space_release(&sp);
	assert_int_equal(zd_unit_marker(1), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_symbols),
		cmocka_unit_test(test_libc_debug_file),
		cmocka_unit_test(test_lazy_symtab),
		cmocka_unit_test(test_space_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
