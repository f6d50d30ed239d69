/* Logging: one line per event on stderr, "ts=... level=... " (and
 * "instance=..." once the server set one) followed by the caller's
 * key=value fields. Values with spaces are quoted by the caller with
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

/* Every later line carries instance=NAME (copied; NULL: none). NAME must
 * need no quoting. */
void jy_log_set_instance(const char *name);
/* Access lines (jy_access) go to fd, or, when fd is -1 (the default), to
 * stderr with the other lines. The caller owns fd. */
void jy_log_set_access_fd(int fd);
/* One access line at info level, in the same format: to the access file
 * when one is set (whatever the level), else like jy_info. */
void jy_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether jy_access would write anything (check before preparing a line). */
bool jy_access_enabled(void);

/* Writes s into buf as a log value: bare if it has no space, quote or
 * control character, otherwise double-quoted with escapes. Returns buf. */
const char *jy_log_quote(const char *s, char *buf, size_t buflen);

#define jy_debug(...) \
	do { if (jy_log_enabled(JY_LOG_DEBUG)) jy_log(JY_LOG_DEBUG, __VA_ARGS__); } while (0)
#define jy_info(...) jy_log(JY_LOG_INFO, __VA_ARGS__)
#define jy_warn(...) jy_log(JY_LOG_WARN, __VA_ARGS__)
#define jy_error(...) jy_log(JY_LOG_ERROR, __VA_ARGS__)

#endif
