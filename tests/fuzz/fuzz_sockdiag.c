/*
 * sock_diag replies (zd_sockdiag_parse): the netlink messages the kernel
 * answers an inet_diag, unix_diag or netlink_diag request with, as -yy
 * reads them.  Input: byte 0 picks the reply kind (inet, unix, netlink),
 * bytes 1-4 the inode searched for (little-endian), the rest is one
 * received buffer.  Seeds: real replies (tests/fuzz/gen-sockdiag-seeds.py).
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "zdiag/sockdiag.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_sockinfo si;
	enum zd_sock_kind kind;
	uint8_t k = 0;
	uint32_t ino = 0;
	uint8_t *buf;
	int rc;

	fuzz_take(&data, &size, &k, 1);
	fuzz_take(&data, &size, &ino, sizeof(ino));
	kind = (enum zd_sock_kind)(ZD_SOCK_INET + k % 3);
	/* an exact-size copy: a read past the end is caught */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	rc = zd_sockdiag_parse(kind, buf, size, ino, &si);
	assert(rc == 0 || rc == 1 || rc == 2 || rc == -ENOENT || rc == -EPROTO);
	if (rc == 1) {
		assert(si.ino == ino && si.kind == kind);
		assert(si.pathlen <= sizeof(si.path));
	}
	free(buf);
	return 0;
}
