/* Reading the mirror offline (jianyi --offline show, list, stats): the
 * answers the server would give, from what the last sync stored. */
#ifndef JY_MIRROR_READ_H
#define JY_MIRROR_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.pb-c.h"
#include "mirror_store.h"

/* The case and its timeline as GetSuggestion gave them; *out NULL (and
 * true) when the mirror does not hold it. Free with mirror_free_get. */
bool mirror_get_case(struct mirror *m, int64_t id, Jianyi__GetSuggestionResponse **out);
void mirror_free_get(Jianyi__GetSuggestionResponse *g);
/* ListSuggestions against the mirror (filters as the server applies them,
 * except deputy_id, which the mirror cannot resolve: the caller refuses
 * it). Free with mirror_free_list. */
bool mirror_list(struct mirror *m, const Jianyi__ListSuggestionsRequest *q,
		 Jianyi__ListSuggestionsResponse **out);
void mirror_free_list(Jianyi__ListSuggestionsResponse *l);
/* The stored statistics answer (NULL and true: never stored); taken_at
 * gets when. Free with jianyi__stats_response__free_unpacked(r, NULL). */
bool mirror_get_stats(struct mirror *m, const char *group_by, Jianyi__StatsResponse **out,
		      char *taken_at, size_t taken_len);

#endif
