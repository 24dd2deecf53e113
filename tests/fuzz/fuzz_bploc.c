/*
 * Breakpoint locations and conditions (zd_loc_parse) on any bytes: the
 * parse either fails with a reason or gives a well-formed location whose
 * strings fit and whose kind and line agree; parsing twice gives the same.
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "zdiag/bploc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct zd_loc a, b;
	const char *why = NULL;
	int r = zd_loc_parse(s, &a, &why);

	assert(r == 0 || r == -EINVAL || r == -E2BIG);
	if (r == -EINVAL)
		assert(why && *why);
	if (r == 0) {
		assert(memchr(a.text, '\0', sizeof(a.text)) && memchr(a.cond, '\0', sizeof(a.cond)));
		assert((a.kind == ZD_LOC_LINE || a.kind == ZD_LOC_FILE_LINE) == (a.line > 0));
		assert(a.kind != ZD_LOC_HERE || !a.text[0]);
		assert(zd_loc_parse(s, &b, &why) == 0 && !memcmp(&a, &b, sizeof(a)));
	}
	free(s);
	return 0;
}
