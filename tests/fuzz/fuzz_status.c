/* /proc/PID/status: zd_status_parse on any text. */
#include <assert.h>
#include <string.h>

#include "fuzz.h"
#include "zdiag/procfs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_status st;
	char *s = fuzz_cstr(data, size);

	if (zd_status_parse(s, &st) == 0) {
		assert(strlen(st.name) < sizeof(st.name));
		assert(st.nspid_n >= 0 && st.nspid_n <= ZD_NS_MAX);
		assert(st.nspgid_n >= 0 && st.nspgid_n <= ZD_NS_MAX);
	}
	free(s);
	return 0;
}
