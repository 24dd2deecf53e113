/* /proc/PID/maps: zd_maps_parse, then lookups in what it built. */
#include <assert.h>
#include <string.h>

#include "fuzz.h"
#include "zdiag/maps.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_maps m;
	size_t i;

	if (zd_maps_parse((const char *)data, size, &m) < 0)
		return 0;
	for (i = 0; i < m.n; i++) {
		const struct zd_map *mp = &m.v[i];
		char perms[5];

		assert(mp->start <= mp->end && mp->path);
		zd_map_perms_str(mp->perms, perms);
		(void)zd_map_is_file(mp);
		(void)zd_maps_find(&m, mp->start);
		(void)zd_maps_find(&m, mp->end - 1);
	}
	(void)zd_maps_find(&m, 0);
	(void)zd_maps_find(&m, UINT64_MAX);
	zd_maps_release(&m);
	return 0;
}
