/* /proc/PID/syscall and /proc/PID/stack: the pure parsers on any text. */
#include <assert.h>
#include <string.h>

#include "fuzz.h"
#include "zdiag/procfs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_scstate sc;
	struct zd_sb sb = ZD_SB_INIT;
	char *s = fuzz_cstr(data, size);

	(void)zd_syscall_parse(s, &sc);
	zd_stack_parse((const char *)data, size, &sb);
	assert(sb.len <= size + 1);
	zd_sb_release(&sb);
	free(s);
	return 0;
}
