/* x86-64 syscall names from the generated table. */
#include <string.h>

#include "zdiag/common.h"
#include "zdiag/sysname.h"

static const char *const names[] = {
#define ZD_SYSNAME(nr, name) [nr] = #name,
#include "sysnames.h"
#undef ZD_SYSNAME
};

const char *
zd_sysname(long nr)
{
	if (nr < 0 || (size_t)nr >= ZD_ARRAY_SIZE(names))
		return NULL;
	return names[nr];
}

long
zd_sysnr(const char *name)
{
	size_t i;

	for (i = 0; i < ZD_ARRAY_SIZE(names); i++)
		if (names[i] && !strcmp(names[i], name))
			return (long)i;
	return -1;
}

long
zd_sysname_limit(void)
{
	return (long)ZD_ARRAY_SIZE(names);
}
