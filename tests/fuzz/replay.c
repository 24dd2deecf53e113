/*
 * Replay files through a harness's LLVMFuzzerTestOneInput without
 * libFuzzer: `replay_NAME DIR|FILE...` runs every file (directories in
 * name order), prints "ok N - path" (TAP), and "1..N" at the end.  A crash
 * aborts (under SANITIZE= it is reported); exit 2 when nothing was run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Harnesses without set-up do not define it. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int count;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, alloc = 0;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t r;

		if (len == alloc) {
			alloc = alloc ? 2 * alloc : 4096;
			buf = realloc(buf, alloc);
			if (!buf)
				abort();
		}
		r = fread(buf + len, 1, alloc - len, f);
		if (!r)
			break;
		len += r;
	}
	fclose(f);
	/* An exact-size copy, so a read past the end is caught by ASan. */
	{
		unsigned char *exact = malloc(len ? len : 1);

		if (!exact)
			abort();
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	printf("ok %d - %s\n", ++count, path);
	fflush(stdout);
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **de;
		int n, j;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot stat '%s': %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) < 0;
			continue;
		}
		n = scandir(argv[i], &de, NULL, by_name);
		if (n < 0) {
			fprintf(stderr, "replay: cannot read '%s': %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		for (j = 0; j < n; j++) {
			char path[4096];

			if (de[j]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i], de[j]->d_name);
				bad |= run_file(path) < 0;
			}
			free(de[j]);
		}
		free(de);
	}
	printf("1..%d\n", count);
	return bad ? 1 : count ? 0 : 2;
}
