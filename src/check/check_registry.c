/* The suite: every area's probe table in order, lookup and -k selection. */
#include <fnmatch.h>
#include <string.h>

#include "check-int.h"

static const struct zd_probe *const areas[] = {
	zd_check_procfs_probes,
	zd_check_wait_probes,
	zd_check_zombies_probes,
	zd_check_threads_probes,
	zd_check_orphans_probes,
	zd_check_ptrace_probes,
	zd_check_pidns_probes,
};

#define MAX_PROBES 256

static struct zd_probe all[MAX_PROBES];
static size_t nall;

const struct zd_probe *
zd_check_probes(size_t *n)
{
	size_t a;

	if (!nall) {
		for (a = 0; a < ZD_ARRAY_SIZE(areas); a++) {
			const struct zd_probe *p;

			for (p = areas[a]; p->name && nall < MAX_PROBES; p++)
				all[nall++] = *p;
		}
	}
	*n = nall;
	return all;
}

const struct zd_probe *
zd_check_find(const char *name)
{
	size_t n, i;
	const struct zd_probe *p = zd_check_probes(&n);

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static bool
match_one(const char *name, const char *pat)
{
	if (strpbrk(pat, "*?["))
		return fnmatch(pat, name, 0) == 0;
	return strstr(name, pat) != NULL;
}

bool
zd_check_match(const struct zd_probe *p, const char *const *patterns, size_t n)
{
	bool any_include = false, included = false;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *pat = patterns[i];

		if (pat[0] == '!') {
			if (match_one(p->name, pat + 1))
				return false;
			continue;
		}
		any_include = true;
		if (match_one(p->name, pat))
			included = true;
	}
	return included || !any_include;
}
