/* main() for a fuzz target built without libFuzzer: a regression test that
 * runs the target's entry point on its seed corpus (from memory), on every
 * prefix of each seed and on each seed with one byte changed at a time, or,
 * given files or folders, on those (to replay a crash a fuzzer saved:
 * "fuzz_frame_replay crash-<sha1>"). Exits 0 when nothing aborted. */
#include "fuzz_common.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the seed set (frame, envelope, pbjson, proxy_v2)"
#endif

static size_t runs;

static void run(const uint8_t *data, size_t len)
{
	/* A copy of exactly len bytes, so a read past the end is caught. */
	uint8_t *copy = jy_xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	runs++;
}

static void run_seed(const char *name, const uint8_t *data, size_t len, void *arg)
{
	(void)name;
	(void)arg;
	run(data, len);
	for (size_t cut = 0; cut < len; cut++)
		run(data, cut);
	uint8_t *m = jy_xmalloc(len ? len : 1);
	for (size_t i = 0; i < len; i++) {
		memcpy(m, data, len);
		m[i] ^= (uint8_t)(0x80 | (i * 37u));
		run(m, len);
	}
	free(m);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = jy_xrealloc(buf, cap);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	run(buf, len);
	free(buf);
	return 0;
}

static int run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	int bad = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		bad |= run_path(sub);
	}
	closedir(d);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;
	if (argc < 2) {
		size_t seeds = fuzz_seeds(FUZZ_TARGET, run_seed, NULL);
		if (seeds == 0) {
			fprintf(stderr, "no seeds for %s\n", FUZZ_TARGET);
			return 1;
		}
		printf("%s: %zu seeds, %zu inputs replayed\n", FUZZ_TARGET, seeds, runs);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		bad |= run_path(argv[i]);
	printf("%s: %zu inputs replayed\n", FUZZ_TARGET, runs);
	return bad;
}
