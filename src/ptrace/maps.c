/* Parsing /proc/PID/maps into sorted address ranges. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/maps.h"
#include "zdiag/procfs.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

static const char *
parse_hex(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = p;

	while (p < end) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (v >> 60)
			return NULL;
		v = (v << 4) | (uint64_t)d;
		p++;
	}
	if (p == s)
		return NULL;
	*out = v;
	return p;
}

static const char *
parse_dec(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = p;

	while (p < end && *p >= '0' && *p <= '9') {
		if (v > UINT64_MAX / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	if (p == s)
		return NULL;
	*out = v;
	return p;
}

static const char *
expect(const char *p, const char *end, char c)
{
	return p && p < end && *p == c ? p + 1 : NULL;
}

/* One line "start-end perms pgoff maj:min inode   path". */
static int
parse_line(const char *p, const char *end, struct zd_map *mp)
{
	uint64_t maj, min;
	const char *path;
	size_t plen;

	memset(mp, 0, sizeof(*mp));
	p = parse_hex(p, end, &mp->start);
	p = expect(p, end, '-');
	if (p)
		p = parse_hex(p, end, &mp->end);
	p = expect(p, end, ' ');
	if (!p || end - p < 5)
		return -EINVAL;
	mp->perms = (p[0] == 'r' ? ZD_MAP_R : 0) | (p[1] == 'w' ? ZD_MAP_W : 0) |
		    (p[2] == 'x' ? ZD_MAP_X : 0) | (p[3] == 'p' ? ZD_MAP_P : 0);
	p = expect(p + 4, end, ' ');
	if (p)
		p = parse_hex(p, end, &mp->pgoff);
	p = expect(p, end, ' ');
	if (p)
		p = parse_hex(p, end, &maj);
	p = expect(p, end, ':');
	if (p)
		p = parse_hex(p, end, &min);
	p = expect(p, end, ' ');
	if (p)
		p = parse_dec(p, end, &mp->inode);
	if (!p || mp->end < mp->start)
		return -EINVAL;
	mp->dev_major = (unsigned)maj;
	mp->dev_minor = (unsigned)min;
	while (p < end && *p == ' ')
		p++;
	path = p;
	plen = (size_t)(end - p);
	if (plen > 10 && !memcmp(path + plen - 10, " (deleted)", 10)) {
		plen -= 10;
		mp->deleted = true;
	}
	mp->path = zd_xstrndup(path, plen);
	return 0;
}

int
zd_maps_parse(const char *text, size_t len, struct zd_maps *m)
{
	const char *p = text, *end = text + len;
	size_t alloc = 0;

	m->v = NULL;
	m->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le > p) {
			ZD_GROW(m->v, alloc, m->n + 1);
			if (parse_line(p, le, &m->v[m->n]) < 0) {
				zd_maps_release(m);
				return -EINVAL;
			}
			m->n++;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int
zd_maps_read(int dirfd, struct zd_maps *m)
{
	struct zd_sb sb = ZD_SB_INIT;
	int ret;

	m->v = NULL;
	m->n = 0;
	ret = zd_read_file(dirfd, "maps", &sb);
	if (ret == 0)
		ret = zd_maps_parse(sb.buf, sb.len, m);
	zd_sb_release(&sb);
	return ret;
}

const struct zd_map *
zd_maps_find(const struct zd_maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < m->v[mid].start)
			hi = mid;
		else if (addr >= m->v[mid].end)
			lo = mid + 1;
		else
			return &m->v[mid];
	}
	return NULL;
}

void
zd_map_perms_str(unsigned perms, char out[5])
{
	out[0] = perms & ZD_MAP_R ? 'r' : '-';
	out[1] = perms & ZD_MAP_W ? 'w' : '-';
	out[2] = perms & ZD_MAP_X ? 'x' : '-';
	out[3] = perms & ZD_MAP_P ? 'p' : 's';
	out[4] = '\0';
}

bool
zd_map_is_file(const struct zd_map *mp)
{
	return mp->inode != 0 && mp->path && mp->path[0] == '/';
}

void
zd_maps_release(struct zd_maps *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
