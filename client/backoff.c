/* Jittered exponential back-off for reconnecting clients (see jianyi.h). */
#include "jianyi.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void jy_backoff_init(struct jy_backoff *b, unsigned min_ms, unsigned max_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	b->min_ms = min_ms > 0 ? min_ms : 1;
	b->max_ms = max_ms >= b->min_ms ? max_ms : b->min_ms;
	b->cur_ms = b->min_ms;
	/* Differs between processes and between the back-offs of one process,
	 * which is all the jitter needs (not a secret). */
	b->seed = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16) ^ (unsigned)(uintptr_t)b;
}

unsigned jy_backoff_next(struct jy_backoff *b)
{
	unsigned cur = b->cur_ms, half = cur / 2;
	/* "Equal jitter": never less than half the interval, so a server that is
	 * down is not hammered, yet clients spread over the other half. */
	unsigned delay = half + (unsigned)rand_r(&b->seed) % (cur - half + 1);

	b->cur_ms = cur > b->max_ms / 2 ? b->max_ms : cur * 2;
	return delay;
}

void jy_backoff_reset(struct jy_backoff *b)
{
	b->cur_ms = b->min_ms;
}
