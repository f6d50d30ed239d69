/* fuzz_seedgen TARGET DIR: writes TARGET's seed corpus (frame, envelope, pbjson or
 * proxy_v2) into DIR, one file per seed, for libFuzzer to start from. */
#include "fuzz_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *outdir;
static int failed;

static void write_seed(const char *name, const uint8_t *data, size_t len, void *arg)
{
	(void)arg;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seedgen: %s: %s\n", path, strerror(errno));
		failed = 1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: fuzz_seedgen frame|envelope|pbjson|proxy_v2 DIR\n");
		return 2;
	}
	outdir = argv[2];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_seedgen: %s: %s\n", outdir, strerror(errno));
		return 1;
	}
	size_t n = fuzz_seeds(argv[1], write_seed, NULL);
	if (n == 0) {
		fprintf(stderr, "fuzz_seedgen: unknown target '%s'\n", argv[1]);
		return 2;
	}
	printf("fuzz_seedgen: %zu seeds for %s in %s\n", n, argv[1], outdir);
	return failed;
}
