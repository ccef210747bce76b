/*
 * Replays a fuzz corpus without libFuzzer (zstd's regression_driver): each
 * file named on the command line, or each file of each directory, is fed
 * to LLVMFuzzerTestOneInput once. Prints TAP; a crash is a failed test.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static void
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - cannot open %s\n", ++n, path);
		return;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
	size_t got = fread(buf, 1, (size_t)(len > 0 ? len : 0), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			run_file(argv[i]);
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		char path[4096];
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			run_file(path);
		}
		if (d)
			closedir(d);
	}
	if (!n)
		printf("1..0 # SKIP no corpus files\n");
	else
		printf("1..%d\n", n);
	return 0;
}
