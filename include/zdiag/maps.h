/*
 * /proc/PID/maps (or /proc/PID/task/TID/maps: a zombie leader's own maps
 * file is empty, so read through a live thread).
 *
 *	struct zd_maps m = { 0 };
 *	if (zd_maps_read(taskfd, &m) == 0) {
 *		const struct zd_map *mp = zd_maps_find(&m, addr);
 *		...
 *	}
 *	zd_maps_release(&m);
 *
 * Entries are sorted by address, as the kernel prints them.
 */
#ifndef ZDIAG_MAPS_H
#define ZDIAG_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ZD_MAP_R = 1 << 0,
	ZD_MAP_W = 1 << 1,
	ZD_MAP_X = 1 << 2,
	ZD_MAP_P = 1 << 3, /* private (copy-on-write) */
};

struct zd_map {
	uint64_t start, end;   /* [start, end) */
	uint64_t pgoff;        /* file offset of start */
	unsigned perms;        /* ZD_MAP_* */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	char *path;            /* "" (anonymous), "[stack]", "[vdso]", or a file path
	                        * (may end in " (deleted)"); raw bytes, escape to print */
	bool deleted;          /* path ended in " (deleted)" (suffix removed) */
};

struct zd_maps {
	struct zd_map *v;
	size_t n;
};

/* Parse the text of a maps file.  Malformed lines give -EINVAL. */
int zd_maps_parse(const char *text, size_t len, struct zd_maps *m);
/* Read dirfd/"maps" (dirfd: a /proc/PID or /proc/PID/task/TID directory). */
int zd_maps_read(int dirfd, struct zd_maps *m);
/* The mapping containing addr, or NULL. */
const struct zd_map *zd_maps_find(const struct zd_maps *m, uint64_t addr);
/* "r-xp" */
void zd_map_perms_str(unsigned perms, char out[5]);
/* Whether the mapping is backed by a regular file (not anonymous or [x]). */
bool zd_map_is_file(const struct zd_map *mp);
void zd_maps_release(struct zd_maps *m);

#endif
