/* SPDX-License-Identifier: MIT */
/*
 * Replay driver: a main() for the fuzz targets when they are built without
 * libFuzzer (gcc, or the fuzz-replay tests). Every file named on the command
 * line, and every regular file under every directory named (recursively, in
 * name order), is read into a buffer of exactly its size and passed to
 * LLVMFuzzerTestOneInput once. A sanitizer or a broken invariant aborts;
 * otherwise it prints how many inputs it replayed and exits 0. A path that
 * does not exist, or no input at all, is an error (exit 2): a replay test
 * that replays nothing proves nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t n_replayed;

static int
replay_file(const char *path, off_t size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t n = (size_t)size;
	/* exactly n bytes (malloc(0) may return NULL): overreads show */
	uint8_t *data = malloc(n ? n : 1);
	if (!data) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(f);
		return -1;
	}
	size_t got = n ? fread(data, 1, n, f) : 0;
	int err = ferror(f);
	fclose(f);
	if (err || got != n) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(data);
		return -1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	n_replayed++;
	return 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path);

static int
replay_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue; /* ., .. and hidden files */
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				rc = -1;
				break;
			}
			names = grown;
		}
		size_t len = strlen(path) + 1 + strlen(e->d_name) + 1;
		names[n] = malloc(len);
		if (!names[n]) {
			rc = -1;
			break;
		}
		snprintf(names[n], len, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (n > 1) {
		qsort(names, n, sizeof(*names), compare_names);
	}
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && replay_path(names[i]) != 0) {
			rc = -1;
		}
		free(names[i]);
	}
	free(names);
	if (rc != 0) {
		fprintf(stderr, "replay: %s: failed\n", path);
	}
	return rc;
}

static int
replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		return replay_dir(path);
	}
	if (!S_ISREG(st.st_mode)) {
		return 0;
	}
	return replay_file(path, st.st_size);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (replay_path(argv[i]) != 0) {
			return 2;
		}
	}
	if (n_replayed == 0) {
		fprintf(stderr, "replay: no input files\n");
		return 2;
	}
	printf("replayed %zu inputs\n", n_replayed);
	return 0;
}
