/*
 * The -e inject= / -e fault= parser (src/trace/tamper.c): whatever the
 * spec, it is accepted with a sound rule (when= within strace's ranges,
 * pokes within the input) or refused with a one-line ASCII reason and the
 * rules left as they were; and the when= countdown never injects after
 * its last invocation.  Input: byte 0 bit 0 = fault syntax; the rest the
 * spec (a second spec after a '\n' is added to the same rules).
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "zdiag/tamper.h"

static void
check_msg(const char *msg, size_t size)
{
	size_t i, n = strnlen(msg, size);

	assert(n < size);
	for (i = 0; i < n; i++)
		assert(msg[i] >= 0x20 && msg[i] < 0x7f);
}

static void
one(struct zd_tamper *tp, const char *spec, bool fault)
{
	char msg[200];
	size_t before = tp->nrules;
	const struct zd_inject *r;
	struct zd_inj_when w;
	size_t i;
	int n, last = 0;

	memset(msg, 'x', sizeof(msg));
	if (zd_tamper_parse(tp, spec, fault, msg, sizeof(msg)) < 0) {
		check_msg(msg, sizeof(msg));
		assert(msg[0]);
		assert(tp->nrules == before);
		return;
	}
	check_msg(msg, sizeof(msg));
	assert(tp->nrules == before + 1);
	r = &tp->rules[before];
	assert(r->flags);
	assert(!((r->flags & ZD_INJ_ERROR) && (r->flags & ZD_INJ_RETVAL)));
	if (r->flags & ZD_INJ_ERROR)
		assert(r->rval >= 1 && r->rval <= 4095);
	if (fault)
		assert(!(r->flags & (ZD_INJ_RETVAL | ZD_INJ_SIGNAL | ZD_INJ_DELAY_ENTER | ZD_INJ_DELAY_EXIT |
				     ZD_INJ_POKE_ENTER | ZD_INJ_POKE_EXIT)));
	for (i = 0; i < r->npokes; i++) {
		assert(r->pokes[i].argn >= 1 && r->pokes[i].argn <= 7);
		assert(r->pokes[i].len >= 1 && r->pokes[i].len <= 1024);
	}
	assert(r->delay_enter.tv_nsec >= 0 && r->delay_enter.tv_nsec < 1000000000L);
	assert(r->delay_exit.tv_nsec >= 0 && r->delay_exit.tv_nsec < 1000000000L);
	w = r->when;
	assert(w.first >= 1);
	assert(w.last == ZD_INJ_LAST_INF || w.last >= w.first);
	for (n = 1; n <= 200; n++)
		if (zd_inj_when_step(&w))
			last = n;
	if (r->when.last != ZD_INJ_LAST_INF)
		assert(last <= r->when.last);
	if (last)
		assert(last >= r->when.first);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_tamper tp;
	char *s, *nl;
	bool fault;

	if (!size)
		return 0;
	fault = data[0] & 1;
	s = fuzz_cstr(data + 1, size - 1);
	/* Not /REGEX sets: glibc's regcomp takes gigabytes on "/a+++...+"
	 * (duplicate_tree), which is the -e trace= set parser's business,
	 * not this one's. */
	if (strchr(s, '/')) {
		free(s);
		return 0;
	}
	zd_tamper_init(&tp);
	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	one(&tp, s, fault);
	if (nl)
		one(&tp, nl + 1, !fault);
	zd_tamper_release(&tp);
	assert(zd_tamper_empty(&tp));
	free(s);
	return 0;
}
