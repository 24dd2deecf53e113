/*
 * seccomp filters as read from another process (PTRACE_SECCOMP_GET_FILTER
 * before zdiag reap injects a call): the input is a struct seccomp_data
 * followed by the program.  Evaluation ends (every jump goes forward), never
 * reads outside the program or the data, and is deterministic.
 */
#include <assert.h>

#include "fuzz.h"
#include "zdiag/seccomp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_data d;
	struct sock_filter *prog;
	size_t n;
	uint32_t a, b;

	fuzz_take(&data, &size, &d, sizeof(d));
	n = size / sizeof(*prog);
	prog = malloc(n ? n * sizeof(*prog) : 1);
	if (!prog)
		abort();
	if (n)
		memcpy(prog, data, n * sizeof(*prog));
	a = zd_seccomp_eval(prog, n, &d);
	b = zd_seccomp_eval(prog, n, &d);
	assert(a == b);
	(void)zd_seccomp_allows(a);
	free(prog);
	return 0;
}
