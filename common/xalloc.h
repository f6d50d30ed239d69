/* Allocation wrappers that abort on exhaustion or size overflow, so callers
 * never check for NULL. */
#ifndef JY_XALLOC_H
#define JY_XALLOC_H

#include <stddef.h>

void *jy_xmalloc(size_t n) __attribute__((malloc, returns_nonnull));
void *jy_xcalloc(size_t count, size_t size) __attribute__((malloc, returns_nonnull));
void *jy_xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
void *jy_xreallocarray(void *p, size_t count, size_t size) __attribute__((returns_nonnull));
char *jy_xstrdup(const char *s) __attribute__((malloc, returns_nonnull));

#endif
