/* Writes sent once (see cli_write.h). */
#include "cli_write.h"
#include "cli_i18n.h"
#include "cli_terms.h"

#include <stdio.h>

#include <json-c/json.h>

#include "cli_output.h"
#include "cli_reasons.h"

/* No answer came (the link failed after the request may have left), so
 * whether the write was applied is unknown. */
static void report_unknown(const struct cli_invocation *inv, const char *key,
			   const struct jy_error *err)
{
	fprintf(stderr, _("jianyi: %s: the answer was lost; the write may or may not have been "
		"applied. Rerun the same command with --idempotency-key %s: it acts at most once\n"),
		inv->cmd->name, key);
	if (inv->flags.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(jy_status_str(err->code)));
		json_object_object_add(o, "message", json_object_new_string(err->message));
		json_object_object_add(o, "applied", json_object_new_string("unknown"));
		json_object_object_add(o, "idempotency_key", json_object_new_string(key));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	}
}

bool cli_call_write(const struct cli_invocation *inv, struct jy_client **c,
		    const Jianyi__Request *req, const char *rerun_key,
		    Jianyi__Envelope **resp, int *rc)
{
	struct jy_error err;
	bool ok = jy_call(*c, req, resp, &err);

	if (!ok && err.code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE) {
		/* The same request: same key, same version. */
		char why[1024];

		cli_status_sentence(&err, why, sizeof why);
		fprintf(stderr, _("jianyi: %s: %s; trying once more with the same idempotency key "
			"%s\n"), inv->cmd->name, why, rerun_key);
		if (*resp != NULL)
			jy_envelope_free(*resp);
		*resp = NULL;
		jy_close(*c);
		if ((*c = cli_connect_or_fail(inv, rc)) == NULL) {
			report_unknown(inv, rerun_key, &err);
			return false;
		}
		ok = jy_call(*c, req, resp, &err);
	}
	if (ok)
		return true;
	*rc = cli_fail_status(&err);
	if (*resp == NULL && (err.code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
			      err.code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED))
		report_unknown(inv, rerun_key, &err);
	return false;
}
