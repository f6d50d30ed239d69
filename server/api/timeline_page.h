/* A case's timeline in pages: a case with many large events (long
 * supervision notes, say) has a timeline larger than one frame, which
 * GetSuggestion could not send whole. */
#ifndef JY_TIMELINE_PAGE_H
#define JY_TIMELINE_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "jianyi.pb-c.h"

/* Which of the n events (in sequence order) go into one answer: those with
 * a sequence after `after`, at most `limit` of them (0: no limit), while
 * their encoding fits in `budget` bytes, but always at least one, so every
 * page makes progress. Sets *start and *count; returns the sequence to ask
 * after for the next page, 0 when this page reaches the end. */
int64_t timeline_page(Jianyi__TimelineEvent *const *ev, size_t n, int64_t after, int32_t limit,
		      size_t budget, size_t *start, size_t *count);

#endif
