/* Logging: one line per event on stderr, "ts=... level=... " followed by the
 * caller's key=value fields. Values with spaces are quoted by the caller with
 * jy_log_quote(). Never log secrets or whole message bodies. */
#ifndef JY_LOG_H
#define JY_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum jy_log_level { JY_LOG_DEBUG = 0, JY_LOG_INFO, JY_LOG_WARN, JY_LOG_ERROR };

void jy_log_set_level(enum jy_log_level level);
bool jy_log_parse_level(const char *name, enum jy_log_level *out);
bool jy_log_enabled(enum jy_log_level level);

void jy_log(enum jy_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes s into buf as a log value: bare if it has no space, quote or
 * control character, otherwise double-quoted with escapes. Returns buf. */
const char *jy_log_quote(const char *s, char *buf, size_t buflen);

#define jy_debug(...) \
	do { if (jy_log_enabled(JY_LOG_DEBUG)) jy_log(JY_LOG_DEBUG, __VA_ARGS__); } while (0)
#define jy_info(...) jy_log(JY_LOG_INFO, __VA_ARGS__)
#define jy_warn(...) jy_log(JY_LOG_WARN, __VA_ARGS__)
#define jy_error(...) jy_log(JY_LOG_ERROR, __VA_ARGS__)

#endif
