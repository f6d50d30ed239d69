#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static enum jy_log_level current_level = JY_LOG_INFO;
static char instance[64];
static int access_fd = -1;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void jy_log_set_level(enum jy_log_level level)
{
	current_level = level;
}

bool jy_log_parse_level(const char *name, enum jy_log_level *out)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*out = (enum jy_log_level)i;
			return true;
		}
	}
	return false;
}

bool jy_log_enabled(enum jy_log_level level)
{
	return level >= current_level;
}

void jy_log_set_instance(const char *name)
{
	snprintf(instance, sizeof instance, "%s", name ? name : "");
}

void jy_log_set_access_fd(int fd)
{
	access_fd = fd;
}

/* Formats one line (prefix, then fmt) and writes it to fd in one write, so
 * that lines from several processes never interleave. */
static void write_line(int fd, enum jy_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void write_line(int fd, enum jy_log_level level, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char when[40];
	char line[2048];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);

	int n = snprintf(line, sizeof line, "ts=%s.%03ldZ level=%s %s%s%s", when,
			 ts.tv_nsec / 1000000L, level_names[level], instance[0] ? "instance=" : "",
			 instance, instance[0] ? " " : "");
	if (n > 0 && (size_t)n < sizeof line)
		vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	size_t len = strnlen(line, sizeof line - 2);
	line[len++] = '\n';
	if (write(fd, line, len) < 0) {
		/* Nowhere left to say it. */
	}
}

void jy_log(enum jy_log_level level, const char *fmt, ...)
{
	if (!jy_log_enabled(level))
		return;
	va_list ap;
	va_start(ap, fmt);
	write_line(STDERR_FILENO, level, fmt, ap);
	va_end(ap);
}

bool jy_access_enabled(void)
{
	return access_fd >= 0 || jy_log_enabled(JY_LOG_INFO);
}

void jy_access(const char *fmt, ...)
{
	if (!jy_access_enabled())
		return;
	va_list ap;
	va_start(ap, fmt);
	write_line(access_fd >= 0 ? access_fd : STDERR_FILENO, JY_LOG_INFO, fmt, ap);
	va_end(ap);
}

const char *jy_log_quote(const char *s, char *buf, size_t buflen)
{
	if (!buflen)
		return "";
	if (!s)
		s = "";
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
			plain = false;
			break;
		}
	}
	if (plain) {
		snprintf(buf, buflen, "%s", s);
		return buf;
	}
	size_t o = 0;
	if (o + 1 < buflen)
		buf[o++] = '"';
	for (const char *p = s; *p && o + 4 < buflen; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < ' ' || c == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : '?';
		} else {
			buf[o++] = (char)c;
		}
	}
	if (o + 1 < buflen)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
