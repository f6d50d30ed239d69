/* Cutting a case's timeline into pages that fit a frame (see
 * timeline_page.h). Pure: the unit test drives it with made-up events. */
#include "timeline_page.h"

/* Bytes a repeated message field adds for one element of size n: the tag
 * (field 2: one byte), the length as a varint, the element. */
static size_t element_bytes(size_t n)
{
	size_t len = 1;
	for (size_t v = n; v >= 0x80; v >>= 7)
		len++;
	return 1 + len + n;
}

int64_t timeline_page(Jianyi__TimelineEvent *const *ev, size_t n, int64_t after, int32_t limit,
		      size_t budget, size_t *start, size_t *count)
{
	size_t i = 0;
	while (i < n && ev[i]->sequence <= after)
		i++;
	*start = i;
	*count = 0;
	size_t used = 0;
	for (size_t k = i; k < n; k++) {
		size_t b = element_bytes(jianyi__timeline_event__get_packed_size(ev[k]));
		/* At least one event per page, so a client always moves on. */
		if (*count > 0 && ((limit > 0 && *count >= (size_t)limit) || used + b > budget))
			return ev[k - 1]->sequence;
		used += b;
		(*count)++;
	}
	return 0;
}
