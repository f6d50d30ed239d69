/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
#ifndef JY_UTF8_H
#define JY_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool jy_utf8_valid(const char *s, size_t len);
/* Number of code points in a valid UTF-8 string (for length limits that are
 * meant in characters, as a Chinese clerk counts them). */
size_t jy_utf8_length(const char *s, size_t len);

#endif
