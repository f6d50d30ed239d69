/* "jianyi watch [--cursor C]": syncs from the cursor (default: the
 * beginning), then prints events as the server pushes them. When the
 * connection drops it reconnects with back-off and resumes from the last
 * cursor it printed, so no event is lost or shown twice. The back-off is
 * jittered (many watchers dropped together do not return in lockstep) and
 * the reconnection resumes the TLS session with the server's ticket. */
#include "cli_watch.h"
#include "cli_i18n.h"
#include "enum_names.h"
#include "cli_terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cli_clock.h"
#include "cli_output.h"
#include "jianyi.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

const struct cli_option cli_watch_options[] = {
	{ "cursor", N_("C"), N_("resume after this cursor (as printed by an earlier watch)"), false },
	{ 0 },
};

/* One event: a line for people, or one JSON object per line. */
static bool print_event(const Jianyi__FeedEvent *e, const char *cursor, bool json)
{
	if (json) {
		json_object *o = json_object_new_object();
		json_object *details = json_tokener_parse(e->details);
		json_object_object_add(o, "cursor", json_object_new_string(cursor));
		json_object_object_add(o, "sequence", json_object_new_int64(e->sequence));
		json_object_object_add(o, "suggestion_id", json_object_new_int64(e->suggestion_id));
		json_object_object_add(o, "kind", json_object_new_string(e->kind));
		json_object_object_add(o, "at", json_object_new_string(e->at));
		json_object_object_add(o, "actor_login", json_object_new_string(e->actor_login));
		char from[JY_ENUM_NAME_MAX], to[JY_ENUM_NAME_MAX];
		const char *f = jy_enum_name(&jianyi__state__descriptor, e->from_state, from, sizeof from);
		const char *t = jy_enum_name(&jianyi__state__descriptor, e->to_state, to, sizeof to);
		json_object_object_add(o, "from_state", json_object_new_string(f ? f : ""));
		json_object_object_add(o, "to_state", json_object_new_string(t ? t : ""));
		json_object_object_add(o, "version", json_object_new_int(e->version));
		json_object_object_add(o, "details", details ? details : json_object_new_object());
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		char when[64];
		cli_clock_minute(e->at, when, sizeof when);
		printf("%s #%lld ", when, (long long)e->suggestion_id);
		cli_put_clean(cli_action_text(e->kind));
		fputc(' ', stdout);
		cli_put_clean(e->actor_login);
		fputc(' ', stdout);
		cli_put_clean(e->from_state ? cli_state_text(e->from_state) : "-");
		fputs(" → ", stdout);
		cli_put_clean(cli_state_text(e->to_state));
		fputc('\n', stdout);
	}
	/* A pipe reader sees each event when it happens. */
	return fflush(stdout) == 0;
}

enum outcome { W_RETRY, W_USAGE, W_FATAL };

/* Syncs from *cursor until caught up (subscribing), then prints pushes.
 * Returns only when the connection fails (W_RETRY) or something a retry
 * cannot fix happens. */
static enum outcome watch_once(struct jy_client *c, char *cursor, size_t len, bool json,
			       bool *progress)
{
	struct jy_error err;
	int page = 0;                   /* 0: the server's default page */
	for (;;) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
		Jianyi__Envelope *resp = NULL;
		s.cursor = cursor;
		s.page_size = page;
		s.live = true;
		req.body_case = JIANYI__REQUEST__BODY_SYNC;
		req.sync = &s;
		bool answered = jy_call(c, &req, &resp, &err);
		if (!answered && err.code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED && page != 1) {
			/* A page of large events can pass the frame limit: half as many
			 * (the server's default page is 500). */
			if (resp)
				jy_envelope_free(resp);
			page = page ? page / 2 : 250;
			continue;
		}
		if (!answered) {
			enum outcome o = err.code == JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT ? W_USAGE
					 : err.code == JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED ||
					   err.code == JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED ? W_FATAL
					 : W_RETRY;
			if (o != W_RETRY)
				cli_fail_status(&err);
			if (resp)
				jy_envelope_free(resp);
			return o;
		}
		const Jianyi__SyncResponse *sr = resp->response->sync;
		for (size_t i = 0; i < sr->n_events; i++) {
			char ec[32];
			snprintf(ec, sizeof ec, "v1:%lld", (long long)sr->events[i]->sequence);
			if (!print_event(sr->events[i], ec, json)) {
				jy_envelope_free(resp);
				return W_FATAL;
			}
		}
		snprintf(cursor, len, "%s", sr->cursor);
		*progress = true;
		bool caught_up = sr->caught_up;
		jy_envelope_free(resp);
		if (!caught_up)
			continue;
		/* Subscribed: pushes follow. */
		for (;;) {
			Jianyi__Envelope *ev = NULL;
			if (!jy_next_event(c, 60000, &ev, &err)) {
				if (err.code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED)
					continue; /* quiet, not broken */
				return W_RETRY;
			}
			const Jianyi__Event *e = ev->event;
			if (strcmp(e->kind, "feed") == 0 && e->feed) {
				if (!print_event(e->feed, e->cursor, json)) {
					jy_envelope_free(ev);
					return W_FATAL;
				}
				snprintf(cursor, len, "%s", e->cursor);
				jy_envelope_free(ev);
				continue;
			}
			bool resync = strcmp(e->kind, "resync") == 0;
			if (resync && e->cursor[0])
				snprintf(cursor, len, "%s", e->cursor);
			jy_envelope_free(ev);
			if (resync)
				break; /* we fell behind: sync again from the cursor */
		}
	}
}

int cli_run_watch(const struct cli_invocation *inv)
{
	char cursor[128] = "";
	const char *given = cli_value(inv, "cursor");
	if (given) {
		if (strlen(given) >= sizeof cursor)
			return cli_fail(CLI_EXIT_USAGE, _("watch: --cursor: too long to be a cursor"));
		snprintf(cursor, sizeof cursor, "%s", given);
	}
	struct jy_backoff backoff;
	jy_backoff_init(&backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	for (;;) {
		int rc = CLI_EXIT_FAILURE;
		struct jy_client *c = cli_connect_or_fail(inv, &rc);
		bool progress = false;
		if (c == NULL && rc == CLI_EXIT_USAGE)
			return rc;
		if (c != NULL) {
			enum outcome o = watch_once(c, cursor, sizeof cursor, inv->flags.json, &progress);
			jy_close(c);
			if (o == W_USAGE)
				return CLI_EXIT_USAGE;
			if (o == W_FATAL)
				return CLI_EXIT_FAILURE;
			fprintf(stderr, _("jianyi: watch: connection lost; resuming from %s\n"),
				cursor[0] ? cursor : _("the beginning"));
		}
		if (progress)
			jy_backoff_reset(&backoff);
		usleep(jy_backoff_next(&backoff) * 1000u);
	}
}
