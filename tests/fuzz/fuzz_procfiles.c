/*
 * Every /proc file reader of procfs.c and maps.c on a file holding the
 * input (a fixture tree in a temporary directory: stat, status, syscall,
 * wchan, stack, cmdline, maps, loadavg and a number file are all links to
 * one file), and zd_proc_list on a directory whose entries are the input's
 * first lines.  This covers the read sizes (a stat line cut at 2047 bytes).
 */
#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "zdiag/maps.h"
#include "zdiag/procfs.h"

static char dir[64];
static int dirfd_ = -1;

static void
cleanup(void)
{
	static const char *const names[] = {
		"stat", "status", "syscall", "wchan", "stack", "cmdline", "maps",
		"loadavg", "pid_max", "data",
	};
	size_t i;

	if (dirfd_ < 0)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(dirfd_, names[i], 0);
	unlinkat(dirfd_, "task", AT_REMOVEDIR);
	close(dirfd_);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const links[] = {
		"stat", "status", "syscall", "wchan", "stack", "cmdline", "maps",
		"loadavg", "pid_max",
	};
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/zdiag-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0 || mkdirat(dirfd_, "task", 0700) < 0)
		abort();
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat("data", dirfd_, links[i]) < 0)
			abort();
	atexit(cleanup);
	return 0;
}

/* Empty task/, then one entry per line of the input (up to 4 names). */
static void
fill_task(const uint8_t *data, size_t size)
{
	int tfd = openat(dirfd_, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(dup(tfd));
	struct dirent *de;
	size_t i = 0;
	int n = 0;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(tfd, de->d_name, 0);
	if (d)
		closedir(d);
	while (i < size && n < 4) {
		char name[32];
		size_t k = 0;

		while (i < size && data[i] != '\n') {
			if (k < sizeof(name) - 1 && data[i] != '/' && data[i])
				name[k++] = (char)data[i];
			i++;
		}
		i++;
		name[k] = '\0';
		if (k && strcmp(name, ".") && strcmp(name, "..")) {
			int fd = openat(tfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd >= 0)
				close(fd);
		}
		n++;
	}
	close(tfd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zd_procfs pfs = { dirfd_, dir, false };
	struct zd_stat st;
	struct zd_status status;
	struct zd_scstate sc;
	struct zd_sb sb = ZD_SB_INIT;
	struct zd_maps m;
	unsigned long long ull;
	char wchan[64];
	pid_t *pids;
	size_t n, i;
	int fd;

	if (dirfd_ < 0)
		LLVMFuzzerInitialize(NULL, NULL);
	fd = openat(dirfd_, "data", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);

	(void)zd_proc_read_stat(dirfd_, &st);
	(void)zd_proc_read_status(dirfd_, &status);
	(void)zd_proc_read_syscall(dirfd_, &sc);
	if (zd_proc_read_wchan(dirfd_, wchan, sizeof(wchan)) == 0)
		assert(strlen(wchan) < sizeof(wchan));
	(void)zd_proc_read_stack(dirfd_, &sb);
	(void)zd_proc_read_cmdline(dirfd_, &sb);
	(void)zd_read_ull(dirfd_, "pid_max", &ull);
	(void)zd_procfs_tasks_total(&pfs, &ull);
	if (zd_maps_read(dirfd_, &m) == 0)
		zd_maps_release(&m);
	zd_sb_release(&sb);

	fill_task(data, size);
	if (zd_proc_list(dirfd_, "task", &pids, &n) == 0) {
		for (i = 0; i < n; i++)
			assert(pids[i] > 0 && (i == 0 || pids[i - 1] <= pids[i]));
		free(pids);
	}
	return 0;
}
