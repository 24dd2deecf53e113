/*
 * Syscalls with lengths a tracee chooses: write() and writev() of 1 GiB
 * from an untouched MAP_NORESERVE mapping (to /dev/null, which takes it
 * all without reading it), and read() asking for 1 GiB of a pipe that
 * holds 5 bytes (into a 1 GiB mapping: the kernel checks that the whole
 * range is user memory, which a stack buffer near the top is not, by
 * chance of ASLR).  Prints "done" on success; `zdiag trace -s 0` must show
 * the calls (capped) and let it finish.
 */
#include <sys/mman.h>
#include <sys/uio.h>

#include "helper.h"

#define GIB (1UL << 30)

int
main(void)
{
	char *rw;
	struct iovec iov[2];
	int null, p[2];
	ssize_t n;
	char *big;

	alarm(HELPER_ALARM);
	big = mmap(NULL, GIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (big == MAP_FAILED)
		die("mmap");
	null = open("/dev/null", O_WRONLY);
	if (null < 0)
		die("open /dev/null");
	n = write(null, big, GIB);
	if (n != (ssize_t)GIB)
		die("write");
	iov[0].iov_base = big;
	iov[0].iov_len = GIB / 2;
	iov[1].iov_base = big;
	iov[1].iov_len = GIB / 2;
	if (writev(null, iov, 2) != (ssize_t)GIB)
		die("writev");
	if (pipe(p) < 0 || write(p[1], "hello", 5) != 5)
		die("pipe");
	rw = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rw == MAP_FAILED)
		die("mmap");
	if (read(p[0], rw, GIB) != 5)
		die("read");
	printf("done\n");
	return 0;
}
