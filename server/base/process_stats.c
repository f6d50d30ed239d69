/* Process metrics from /proc/self; see process_stats.h. */
#include "process_stats.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"

/* Fields after the command name in /proc/self/stat ("pid (comm) state ..."),
 * which may itself hold spaces and parentheses: parse from the last ')'. */
static bool read_stat(unsigned long *utime, unsigned long *stime, unsigned long long *start)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	/* After ')': state(3) ... utime(14) stime(15) ... starttime(22). */
	return p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d "
			   "%*d %*d %*d %*d %llu", utime, stime, start) == 3;
}

static double boot_time(void)
{
	char line[256];
	double btime = 0;
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lf", &btime) == 1)
			break;
	fclose(f);
	return btime;
}

static double resident_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	int got = fscanf(f, "%lu %lu", &size, &resident);
	fclose(f);
	return got == 2 ? (double)resident * (double)sysconf(_SC_PAGESIZE) : 0;
}

static double open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 0;
	double n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

bool jy_process_stats_read(struct jy_process_stats *out)
{
	/* The start time never changes: read it once. */
	static double start_time;
	unsigned long utime, stime;
	unsigned long long start;
	double ticks = (double)sysconf(_SC_CLK_TCK);
	memset(out, 0, sizeof *out);
	if (!read_stat(&utime, &stime, &start) || ticks <= 0)
		return false;
	if (start_time == 0)
		start_time = boot_time() + (double)start / ticks;
	out->cpu_seconds = (double)(utime + stime) / ticks;
	out->start_time = start_time;
	out->resident_bytes = resident_bytes();
	out->open_fds = open_fds();
	return true;
}

void jy_process_metrics_write(struct evbuffer *out)
{
	struct jy_process_stats ps;
	if (!jy_process_stats_read(&ps))
		return;
	jy_metric_write(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
			ps.resident_bytes);
	jy_metric_write(out, "process_cpu_seconds_total", "counter",
			"Total user and system CPU time spent in seconds.", ps.cpu_seconds);
	jy_metric_write(out, "process_open_fds", "gauge", "Number of open file descriptors.",
			ps.open_fds);
	jy_metric_write(out, "process_start_time_seconds", "gauge",
			"Start time of the process since unix epoch in seconds.", ps.start_time);
}
