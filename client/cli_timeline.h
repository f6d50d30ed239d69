/* The timeline for people: one sentence per event in the reader's language,
 * "2027-01-05 10:20  市教育局 孙丽 记录办前联系（上门走访）：……", with the
 * units and people by name where the answer has them (--json keeps the
 * data: cli_timeline_json in cli_render.h). */
#ifndef JY_CLI_TIMELINE_H
#define JY_CLI_TIMELINE_H

#include <stddef.h>

#include "jianyi.h"

/* s (the case the events belong to) names its units. */
void cli_print_timeline(Jianyi__TimelineEvent *const *ev, size_t n, const Jianyi__Suggestion *s);

/* The same sentences, one string each (n of them, then NULL), for a window
 * to show (the desk); free with cli_timeline_sentences_free. */
char **cli_timeline_sentences(Jianyi__TimelineEvent *const *ev, size_t n, const Jianyi__Suggestion *s);
void cli_timeline_sentences_free(char **lines);

#endif
