/* The outbox (see cli_outbox.h). */
#include "cli_outbox.h"
#include "cli_i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_clock.h"
#include "enum_names.h"
#include "cli_flags.h"
#include "cli_mirror.h"
#include "cli_output.h"
#include "cli_reasons.h"
#include "cli_terms.h"
#include "cli_render.h"
#include "cli_sync.h"

const struct cli_option cli_outbox_options[] = {
	{ "all", NULL, N_("list the applied writes too") },
	{ "version", N_("N"), N_("retry: the case version to send it on (default: the mirror's)") },
	{ 0 },
};

int cli_outbox_queue(const struct cli_invocation *inv, Jianyi__ActRequest *req)
{
	struct mirror *m;
	long version = 0;
	int pending = 0, rc;
	int32_t mirrored = 0;
	int64_t id;
	struct cli_output out;
	char line[512], action[JY_ENUM_NAME_MAX];

	if (!cli_get_int(inv, "version", 1, INT32_MAX, CLI_OPTIONAL, &version))
		return CLI_EXIT_USAGE;
	if ((m = cli_mirror_offline(inv, &rc)) == NULL)
		return rc;
	if (!mirror_outbox_case(m, req->suggestion_id, &pending, &mirrored)) {
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
		goto done;
	}
	if (version == 0 && mirrored == 0) {
		rc = cli_fail(CLI_EXIT_USAGE, _("%s: the mirror holds no suggestion %" PRId64
			      " (not synced, or not yours to see); give --version N to queue it anyway"),
			      inv->cmd->name, req->suggestion_id);
		goto done;
	}
	/* Each queued write on the case adds one version when applied. */
	req->expected_version = version > 0 ? (int32_t)version : mirrored + pending;
	if (!mirror_outbox_add(m, req, &id)) {
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
		goto done;
	}
	if (jy_enum_name(&jianyi__action__descriptor, (int)req->action, action, sizeof action) == NULL)
		action[0] = '\0';
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		cli_out_int(&out, "queued", NULL, id);
		cli_out_int(&out, "suggestion_id", NULL, req->suggestion_id);
		cli_out_str(&out, "action", NULL, inv->cmd->name);
		cli_out_int(&out, "expected_version", NULL, req->expected_version);
		cli_out_str(&out, "idempotency_key", NULL, req->idempotency_key);
	} else {
		snprintf(line, sizeof line, _("queued #%" PRId64 ": %s on #%" PRId64
			 " (made on version %d); send it with: jianyi outbox send"), id,
			 cli_action_text(action), req->suggestion_id, req->expected_version);
		puts(line);
	}
	rc = cli_output_finish(&out);
done:
	mirror_close(m);
	return rc;
}


/* --- jianyi outbox [send | drop ID | retry ID] ------------------------------ */

/* An entry's state (mirror_outbox_state_name, or "waiting") in words. */
static const char *state_text(const char *state)
{
	if (strcmp(state, "pending") == 0)
		return _("pending");
	if (strcmp(state, "waiting") == 0)
		return _("waiting");
	if (strcmp(state, "applied") == 0)
		return _("applied");
	return _("refused");
}

/* A refusal's sentence from its stored reason (cli_reasons.h); an entry
 * refused before the mirror kept reasons has only the server's message. */
static void put_refusal(const struct outbox_entry *e)
{
	struct jy_error why = { 0 };
	char text[1024];

	snprintf(why.message, sizeof why.message, "%s", e->message);
	snprintf(why.reason, sizeof why.reason, "%s", e->reason);
	snprintf(why.reason_args, sizeof why.reason_args, "%s", e->reason_args);
	cli_error_text(&why, text, sizeof text);
	fputs("  ", stdout);
	cli_put_clean(cli_status_name_text(e->status));
	/* TRANSLATORS: between a refusal's kind and its reason */
	fputs(_(": "), stdout);
	cli_put_clean(text);
}

/* The refusal's arguments ("name=value" lines) as a JSON object. */
static json_object *reason_args_json(const char *lines)
{
	json_object *o = json_object_new_object();
	char copy[512], *save = NULL;

	snprintf(copy, sizeof copy, "%s", lines);
	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		json_object_object_add(o, l, json_object_new_string(eq + 1));
	}
	return o;
}

static int list_outbox(const struct cli_invocation *inv, struct mirror *m)
{
	struct outbox_entry *e;
	size_t n, nblocked = 0;
	int64_t blocked[OUTBOX_MAX_BLOCKED];
	struct cli_output out;

	if (!mirror_outbox_list(m, cli_value(inv, "all") != NULL, &e, &n))
		return cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
	cli_output_init(&out, inv->flags.json);
	json_object *a = json_object_new_array();
	if (!out.json && n == 0)
		puts(_("the outbox is empty"));
	for (size_t i = 0; i < n; i++) {
		bool waits = e[i].state == OUTBOX_PENDING && outbox_is_blocked(blocked, nblocked, e[i].case_id);
		const char *state = waits ? "waiting" : mirror_outbox_state_name(e[i].state);
		if (e[i].state == OUTBOX_REFUSED && nblocked < OUTBOX_MAX_BLOCKED)
			blocked[nblocked++] = e[i].case_id;
		if (out.json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_int64(e[i].id));
			json_object_object_add(o, "suggestion_id", json_object_new_int64(e[i].case_id));
			json_object_object_add(o, "action", json_object_new_string(e[i].action));
			json_object_object_add(o, "expected_version", json_object_new_int(e[i].version));
			json_object_object_add(o, "idempotency_key", json_object_new_string(e[i].key));
			json_object_object_add(o, "state", json_object_new_string(state));
			json_object_object_add(o, "tries", json_object_new_int(e[i].tries));
			json_object_object_add(o, "status", json_object_new_string(e[i].status));
			json_object_object_add(o, "message", json_object_new_string(e[i].message));
			json_object_object_add(o, "reason", json_object_new_string(e[i].reason));
			json_object_object_add(o, "reason_args", reason_args_json(e[i].reason_args));
			json_object_object_add(o, "event_sequence", json_object_new_int64(e[i].event_seq));
			json_object_object_add(o, "created_at", json_object_new_string(e[i].created_at));
			json_object_array_add(a, o);
			continue;
		}
		char made[64];
		cli_clock_minute(e[i].created_at, made, sizeof made);
		printf(_("#%-5" PRId64 " %-8s %-18s case #%-6" PRId64 " v%-4d %s"), e[i].id,
		       state_text(state), cli_action_text(e[i].action), e[i].case_id, e[i].version,
		       made);
		if (e[i].state == OUTBOX_REFUSED) {
			put_refusal(&e[i]);
		} else if (waits) {
			printf(_("  (behind a refused write on #%" PRId64 ")"), e[i].case_id);
		} else if (e[i].state == OUTBOX_APPLIED) {
			printf(_("  event %" PRId64), e[i].event_seq);
		}
		putchar('\n');
	}
	if (out.json)
		json_object_object_add(out.root, "outbox", a);
	else
		json_object_put(a);
	mirror_outbox_free(e, n);
	return cli_output_finish(&out);
}

static int send_outbox(const struct cli_invocation *inv, struct mirror *m)
{
	struct outbox_tally t;
	struct jy_error err;
	struct cli_output out;
	int rc = CLI_EXIT_FAILURE;
	struct jy_client *c = cli_connect_or_fail(inv, &rc);
	bool ok;

	if (c == NULL)
		return rc;
	ok = cli_outbox_send(c, m, inv->flags.json, &t, &err);
	if (!ok && err.code != JIANYI__STATUS_CODE__STATUS_INTERNAL) {
		char why[1200];

		cli_status_sentence(&err, why, sizeof why);
		cli_fail(CLI_EXIT_FAILURE, _("outbox: the link failed while sending (%s); what is "
			 "left stays queued: run 'jianyi outbox send' again"), why);
	}
	/* The mirror then shows what the writes did (offline reads included). */
	if (ok && t.applied > 0 && !cli_sync_catch_up(inv, c, m)) {
		cli_fail(CLI_EXIT_FAILURE, _("outbox: the writes were sent, but the mirror was not "
			 "brought up to date; run 'jianyi sync'"));
		ok = false;
	}
	jy_close(c);
	cli_output_init(&out, inv->flags.json);
	cli_out_int(&out, "applied", _("applied"), t.applied);
	cli_out_int(&out, "replayed", _("of them already applied before"), t.replayed);
	cli_out_int(&out, "refused", _("refused"), t.refused);
	cli_out_int(&out, "waiting", _("waiting behind a refused one"), t.waiting);
	rc = cli_output_finish(&out);
	return !ok || t.refused > 0 ? CLI_EXIT_FAILURE : rc;
}

int cli_run_outbox(const struct cli_invocation *inv)
{
	static const char *const verbs[] = { "list", "send", "drop", "retry", NULL };
	const char *verb = inv->nargs > 0 ? inv->args[0] : "list";
	int v = -1, rc = CLI_EXIT_USAGE;
	int64_t id = 0;
	long version = 0;
	struct mirror *m;

	for (int i = 0; verbs[i] != NULL; i++)
		if (strcmp(verb, verbs[i]) == 0)
			v = i;
	if (v < 0)
		return cli_fail(CLI_EXIT_USAGE, _("outbox: unknown '%s' (list, send, drop ID, retry ID)"),
				verb);
	if (v >= 2) {
		char *end;
		if (inv->nargs < 2)
			return cli_fail(CLI_EXIT_USAGE, _("outbox %s: which entry? give its number"), verb);
		id = strtoll(inv->args[1][0] == '#' ? inv->args[1] + 1 : inv->args[1], &end, 10);
		if (*end != '\0' || id <= 0)
			return cli_fail(CLI_EXIT_USAGE, _("outbox %s: '%s' is not an entry number"), verb,
					inv->args[1]);
	} else if (inv->nargs > 1) {
		return cli_fail(CLI_EXIT_USAGE, _("outbox %s: unexpected argument '%s'"), verb,
				inv->args[1]);
	}
	if (!cli_get_int(inv, "version", 1, INT32_MAX, CLI_OPTIONAL, &version))
		return CLI_EXIT_USAGE;
	if ((m = cli_mirror_offline(inv, &rc)) == NULL)
		return rc;
	switch (v) {
	case 0:
		rc = list_outbox(inv, m);
		break;
	case 1:
		rc = send_outbox(inv, m);
		break;
	case 2:
		rc = mirror_outbox_drop(m, id) ? CLI_EXIT_OK
					       : cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
		if (rc == CLI_EXIT_OK && !inv->flags.json)
			printf(_("dropped #%" PRId64 "\n"), id);
		break;
	default: {
		struct outbox_entry e;
		bool found;
		int pending = 0;
		int32_t mirrored = 0;
		/* default: the version the mirror shows now (sync first) */
		if (version == 0) {
			if (!mirror_outbox_get(m, id, &e, &found)) {
				rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
				break;
			}
			if (found) {
				if (!mirror_outbox_case(m, e.case_id, &pending, &mirrored))
					mirrored = 0;
				jianyi__act_request__free_unpacked(e.req, NULL);
			}
			version = mirrored;
		}
		rc = mirror_outbox_retry(m, id, (int32_t)version) ? CLI_EXIT_OK
					: cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
		if (rc == CLI_EXIT_OK && !inv->flags.json)
			printf(_("#%" PRId64 " is pending again (on version %ld); send it with: jianyi "
			       "outbox send\n"), id, version);
		break;
	}
	}
	mirror_close(m);
	return rc;
}
