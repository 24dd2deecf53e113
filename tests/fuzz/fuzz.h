/*
 * libFuzzer harnesses (tests/fuzz/fuzz_NAME.c).  Each defines
 * LLVMFuzzerTestOneInput and nothing else the linker could trip on; the
 * same file is linked two ways:
 *	build/fuzz/fuzz_NAME          clang -fsanitize=fuzzer,address,undefined
 *	build/<config>/tests/fuzz/replay_NAME   tests/fuzz/replay.c as main():
 *	        replays tests/fuzz/corpus/NAME and tests/fuzz/regress/NAME in
 *	        make check (tests/e2e/hostile.bats)
 * A harness must be deterministic, leak nothing, and touch no process.
 */
#ifndef ZDIAG_FUZZ_H
#define ZDIAG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional one-time set-up (libFuzzer calls it if defined; so does replay.c). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of the input (for parsers of C strings). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Take n bytes from the front of the input (zeros once it runs out). */
static inline void
fuzz_take(const uint8_t **data, size_t *size, void *out, size_t n)
{
	size_t k = *size < n ? *size : n;

	memset(out, 0, n);
	memcpy(out, *data, k);
	*data += k;
	*size -= k;
}

#endif
