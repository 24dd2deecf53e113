/*
 * The debugger's command line: words (zd_dbg_split) and address
 * expressions (zd_dbg_eval) on any bytes.  Every word stays inside the
 * line, the word count is bounded, and evaluation either fails cleanly or
 * gives the same value twice.
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "zdiag/dbgline.h"

/* Symbols and registers: a value derived from the name, or unknown. */
static int
term(void *ctx, const char *t, uint64_t *v)
{
	uint64_t h = 1469598103934665603ULL;

	(void)ctx;
	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ULL;
	if (h % 5 == 0)
		return -ENOENT;
	*v = h;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size), *copy = fuzz_cstr(data, size), *argv[16];
	size_t len = strlen(line);
	int argc = zd_dbg_split(line, argv, 16), i;
	uint64_t a, b;
	int r;

	assert(argc >= 0 && argc <= 16);
	for (i = 0; i < argc; i++) {
		assert(argv[i] >= line && argv[i] <= line + len);
		assert(argv[i] + strlen(argv[i]) <= line + len);
		if (zd_dbg_eval(argv[i], term, NULL, &a) == 0) {
			assert(zd_dbg_eval(argv[i], term, NULL, &b) == 0 && a == b);
		}
		zd_dbg_parse_num(argv[i], &a);
	}
	r = zd_dbg_eval(copy, term, NULL, &a);
	assert(r == 0 || r == -E2BIG || r == -EINVAL || r == -ENOENT);
	free(line);
	free(copy);
	return 0;
}
