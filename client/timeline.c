/* The rest of a long timeline (see jianyi.h, jy_timeline_complete). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jianyi.h"
#include "lib_i18n.h"
#include "transport.h"

bool jy_timeline_complete(struct jy_client *c, Jianyi__GetSuggestionResponse *g, struct jy_error *err)
{
	while (g->timeline_next_after != 0) {
		Jianyi__Request req;
		Jianyi__GetSuggestionRequest get;
		Jianyi__Envelope *resp = NULL;
		jy_request_get(&req, &get, g->suggestion ? g->suggestion->id : 0);
		get.timeline_after = g->timeline_next_after;
		if (!jy_call(c, &req, &resp, err)) {
			jy_envelope_free(resp);
			return false;
		}
		Jianyi__GetSuggestionResponse *p = resp->response->body_case ==
			JIANYI__RESPONSE__BODY_GET_SUGGESTION ? resp->response->get_suggestion : NULL;
		/* Each page must move on, or a faulty server would loop us. */
		if (!p || !p->suggestion || p->n_timeline == 0 ||
		    p->timeline[0]->sequence <= g->timeline_next_after ||
		    (p->timeline_next_after != 0 &&
		     p->timeline_next_after < p->timeline[p->n_timeline - 1]->sequence)) {
			jy_envelope_free(resp);
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
				     _("the server's timeline page after sequence %lld does not move on"),
				     (long long)get.timeline_after);
			return false;
		}
		Jianyi__TimelineEvent **grown =
			realloc(g->timeline, (g->n_timeline + p->n_timeline) * sizeof *grown);
		if (!grown)
			abort();
		memcpy(grown + g->n_timeline, p->timeline, p->n_timeline * sizeof *grown);
		g->timeline = grown;
		g->n_timeline += p->n_timeline;
		p->n_timeline = 0;   /* moved: not freed with the page */
		/* The case as of the latest page, which saw the most events. */
		Jianyi__Suggestion *older = g->suggestion;
		g->suggestion = p->suggestion;
		p->suggestion = older;
		g->timeline_next_after = p->timeline_next_after;
		jy_envelope_free(resp);
	}
	return true;
}
