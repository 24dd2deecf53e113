/* /proc/PID/stat: zd_stat_parse on any bytes. */
#include <assert.h>
#include <string.h>

#include "fuzz.h"
#include "zdiag/procfs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_stat st;

	if (zd_stat_parse((const char *)data, size, &st) == 0) {
		assert(strlen(st.comm) <= ZD_COMM_MAX);
		(void)zd_state_name(st.state);
	}
	return 0;
}
