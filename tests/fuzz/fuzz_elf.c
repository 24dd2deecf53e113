/*
 * ELF images from memory (zd_elf_open_mem): the vDSO is read from the
 * target's memory, so its bytes are the tracee's choice.  Symbols, build-id,
 * load ranges, address translation and DWARF lines (libdw) on any bytes:
 * every lookup stays inside the image and answers consistently.  A table of
 * 1,024 symbols or more (corpus/elf/lazy-symtab) is looked up in its lazy
 * order first, then sorted whole.
 */
#include <assert.h>

#include "fuzz.h"
#include "zdiag/symtab.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct zd_sym *syms, *s;
	struct zd_elf *e;
	const unsigned char *img;
	uint64_t lo, hi, off, bias;
	size_t n, i, isize;
	const char *file;
	int line;

	if (zd_elf_open_mem(data, size, "fuzz", &e) < 0)
		return 0;
	img = zd_elf_image(e, &isize);
	assert(img && isize == size);
	(void)zd_elf_build_id(e);
	(void)zd_elf_has_symtab(e);
	zd_elf_load_range(e, &lo, &hi);
	syms = zd_elf_syms(e, &n);
	for (i = 0; i < n && i < 64; i++) {
		assert(syms[i].name);
		s = zd_elf_sym_at(e, syms[i].addr);
		if (s)
			assert(s->addr <= syms[i].addr);
		s = zd_elf_sym_named(e, syms[i].name);
		assert(s);
		if (zd_elf_vaddr_to_off(e, syms[i].addr, &off) == 0)
			assert(off < size);
		(void)zd_elf_line(e, syms[i].addr, &file, &line);
	}
	(void)zd_elf_sym_at(e, lo);
	(void)zd_elf_sym_at(e, hi ? hi - 1 : 0);
	(void)zd_elf_sym_named(e, "");
	(void)zd_elf_bias_for(e, 0x7f0000000000ULL, 0, &bias);
	(void)zd_elf_bias_for(e, lo, 0x1000, &bias);
	(void)zd_elf_vaddr_to_off(e, UINT64_MAX, &off);
	zd_elf_sort_syms(e);
	syms = zd_elf_syms(e, &n);
	for (i = 1; i < n; i++)
		assert(syms[i - 1].addr <= syms[i].addr);
	for (i = 0; i < n && i < 64; i++)
		assert(zd_elf_sym_named(e, syms[i].name));
	zd_elf_free(e);
	return 0;
}
