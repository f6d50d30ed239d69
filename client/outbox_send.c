/* Sending the outbox (see outbox_send.h). */
#include "outbox_send.h"
#include "cli_i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_output.h"
#include "cli_reasons.h"
#include "cli_terms.h"
#include "xalloc.h"

/* The version each case reached with the writes this send applied: the
 * next write on the case goes on it (see cli_outbox.h). */
struct chain {
	int64_t case_id[OUTBOX_MAX_BLOCKED];
	int32_t version[OUTBOX_MAX_BLOCKED];
	size_t n;
};

static int32_t *chain_at(struct chain *ch, int64_t case_id)
{
	for (size_t i = 0; i < ch->n; i++)
		if (ch->case_id[i] == case_id)
			return &ch->version[i];
	return NULL;
}

static void chain_set(struct chain *ch, int64_t case_id, int32_t version)
{
	int32_t *v = chain_at(ch, case_id);

	if (v != NULL) {
		*v = version;
	} else if (ch->n < OUTBOX_MAX_BLOCKED) {
		ch->case_id[ch->n] = case_id;
		ch->version[ch->n++] = version;
	}
}

bool outbox_is_blocked(const int64_t *blocked, size_t n, int64_t case_id)
{
	for (size_t i = 0; i < n; i++)
		if (blocked[i] == case_id)
			return true;
	return false;
}

/* Whether a failed answer means "try the same write later" rather than
 * "the server will not do this". */
static bool transient(const Jianyi__Envelope *resp, const struct jy_error *err)
{
	const Jianyi__Status *st = resp && resp->response ? resp->response->status : NULL;

	if (resp == NULL)
		return true;   /* no answer: the link failed */
	if (st != NULL && st->retryable)
		return true;
	return err->code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
	       err->code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED ||
	       err->code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED ||
	       err->code == JIANYI__STATUS_CODE__STATUS_INTERNAL;
}

static bool mirror_failed(struct mirror *m, struct jy_error *err)
{
	cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
	err->code = JIANYI__STATUS_CODE__STATUS_INTERNAL;
	snprintf(err->message, sizeof err->message, "%s", mirror_error(m));
	return false;
}

bool cli_outbox_send(struct jy_client *c, struct mirror *m, bool json,
		     struct outbox_tally *t, struct jy_error *err)
{
	struct outbox_entry *e;
	size_t n, nblocked = 0;
	int64_t blocked[OUTBOX_MAX_BLOCKED];
	struct chain *ch;         /* large: not on the stack (the desk's worker thread) */
	bool ok = true;

	memset(t, 0, sizeof *t);
	if (!mirror_outbox_list(m, false, &e, &n))
		return mirror_failed(m, err);
	ch = jy_xcalloc(1, sizeof *ch);
	for (size_t i = 0; i < n && ok; i++) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__Envelope *resp = NULL;
		struct jy_error e2;

		if (e[i].state == OUTBOX_REFUSED || outbox_is_blocked(blocked, nblocked, e[i].case_id)) {
			if (e[i].state != OUTBOX_REFUSED)
				t->waiting++;
			if (!outbox_is_blocked(blocked, nblocked, e[i].case_id) && nblocked < OUTBOX_MAX_BLOCKED)
				blocked[nblocked++] = e[i].case_id;
			continue;
		}
		req.body_case = JIANYI__REQUEST__BODY_ACT;
		req.act = e[i].req;
		if (chain_at(ch, e[i].case_id) != NULL)
			req.act->expected_version = *chain_at(ch, e[i].case_id);
		if (jy_call(c, &req, &resp, &e2)) {
			const Jianyi__ActResponse *a = resp->response->body_case ==
						       JIANYI__RESPONSE__BODY_ACT ? resp->response->act : NULL;
			int64_t seq = a ? a->event_sequence : 0;
			if (a != NULL && a->suggestion != NULL)
				chain_set(ch, e[i].case_id, a->suggestion->version);
			if (!mirror_outbox_applied(m, e[i].id, seq))
				ok = mirror_failed(m, err);
			t->applied++;
			if (a != NULL && a->replayed)
				t->replayed++;
			if (!json)
				fprintf(stderr, _("jianyi: outbox #%" PRId64 ": %s on #%" PRId64 " applied%s\n"),
					e[i].id, cli_action_text(e[i].action), e[i].case_id,
					a != NULL && a->replayed ? _(" (it had reached the server before)") : "");
		} else if (transient(resp, &e2)) {
			/* Unknown whether it was applied: the same key next time tells. */
			(void)mirror_outbox_tried(m, e[i].id);
			*err = e2;
			ok = false;
		} else {
			if (!mirror_outbox_refused(m, e[i].id, &e2))
				ok = mirror_failed(m, err);
			t->refused++;
			if (nblocked < OUTBOX_MAX_BLOCKED)
				blocked[nblocked++] = e[i].case_id;
			char why[1200];

			cli_status_sentence(&e2, why, sizeof why);
			fprintf(stderr, _("jianyi: outbox #%" PRId64 ": %s on #%" PRId64 " (made on version %d)"
				" refused: %s; kept: see 'jianyi outbox', then 'jianyi outbox retry %"
				PRId64 "' or 'jianyi outbox drop %" PRId64 "'; later writes on #%" PRId64
				" wait behind it\n"), e[i].id, cli_action_text(e[i].action), e[i].case_id,
				e[i].version, why, e[i].id, e[i].id, e[i].case_id);
		}
		if (resp != NULL)
			jy_envelope_free(resp);
	}
	mirror_outbox_free(e, n);
	free(ch);
	return ok;
}
