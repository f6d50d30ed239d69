/* jianyi units / committees / stations / deputies / accounts (see
 * cli_directory.h). */
#include "cli_directory.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_terms.h"
#include "jianyi.h"
#include "xalloc.h"

const struct cli_option cli_directory_options[] = {
	{ 0 },
};

const struct cli_option cli_deputies_options[] = {
	{ "station", N_("STATION"), N_("only the deputies of this liaison station (its name or id)") },
	{ 0 },
};

static json_object *entry_json(const Jianyi__DirectoryEntry *e)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(e->id));
	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "kind", json_object_new_string(e->kind));
	json_object_object_add(o, "parent", json_object_new_string(e->parent));
	if (e->term)
		json_object_object_add(o, "term", json_object_new_int(e->term));
	if (e->login[0]) {
		json_object *roles = json_object_new_array();
		for (size_t i = 0; i < e->n_roles; i++)
			json_object_array_add(roles, json_object_new_string(e->roles[i]));
		json_object_object_add(o, "login", json_object_new_string(e->login));
		json_object_object_add(o, "roles", roles);
	}
	return o;
}

enum { NCOLS = 4, CELL = 400 };

/* ID, NAME, then per kind: a deputy's term and station, an account's login
 * and organization with its roles in words, an organization's parent. */
static void entry_cells(const Jianyi__DirectoryEntry *e, char cell[NCOLS][CELL])
{
	snprintf(cell[0], CELL, "%" PRId64, e->id);
	snprintf(cell[1], CELL, "%s", e->name);
	cell[2][0] = cell[3][0] = '\0';
	if (strcmp(e->kind, "deputy") == 0) {
		snprintf(cell[2], CELL, _("term %d"), e->term);
		snprintf(cell[3], CELL, "%s", e->parent);
	} else if (strcmp(e->kind, "account") == 0) {
		snprintf(cell[2], CELL, "%s", e->login);
		snprintf(cell[3], CELL, "%s", e->parent);
		for (size_t i = 0; i < e->n_roles; i++) {
			size_t n = strlen(cell[3]);
			snprintf(cell[3] + n, CELL - n, "%s%s", i ? _(", ") : _(" — "), cli_role_text(e->roles[i]));
		}
	} else {
		snprintf(cell[2], CELL, "%s", e->parent);
	}
}

static void print_table(const char *kind, Jianyi__DirectoryEntry *const *e, size_t n)
{
	const char *head[NCOLS] = { _("ID"), _("NAME"), _("UNDER"), "" };
	if (strcmp(kind, "deputies") == 0) {
		head[2] = _("TERM");
		head[3] = _("LIAISON STATION");
	} else if (strcmp(kind, "accounts") == 0) {
		head[2] = _("LOGIN");
		head[3] = _("ORGANIZATION AND ROLES");
	}
	char (*cells)[NCOLS][CELL] = jy_xcalloc(n ? n : 1, sizeof *cells);
	int width[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		width[c] = cli_text_width(head[c]);
	for (size_t i = 0; i < n; i++) {
		entry_cells(e[i], cells[i]);
		for (int c = 0; c < NCOLS; c++)
			if (cli_text_width(cells[i][c]) > width[c])
				width[c] = cli_text_width(cells[i][c]);
	}
	for (int c = 0; c < NCOLS; c++) {
		cli_put_padded(head[c], width[c]);
		fputs(c + 1 < NCOLS ? "  " : "\n", stdout);
	}
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < NCOLS; c++) {
			if (c + 1 < NCOLS) {
				cli_put_padded(cells[i][c], width[c]);
				fputs("  ", stdout);
			} else {
				cli_put_clean(cells[i][c]);
				putchar('\n');
			}
		}
	free(cells);
}

int cli_run_directory(const struct cli_invocation *inv)
{
	const char *kind = inv->cmd->name;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest q = JIANYI__DIRECTORY_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	struct cli_output out;
	struct jy_error err;
	int rc = CLI_EXIT_FAILURE;
	int64_t station = 0;

	if (strcmp(kind, "deputies") == 0 && !cli_get_id(inv, "station", CLI_OPTIONAL, &station))
		return CLI_EXIT_USAGE;
	struct jy_client *c = cli_connect_or_fail(inv, &rc);
	if (c == NULL)
		return rc;
	q.kind = (char *)kind;
	q.query = (char *)(inv->nargs ? inv->args[0] : "");
	q.station_id = station;
	req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
	req.directory = &q;
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	if (resp->response->body_case != JIANYI__RESPONSE__BODY_DIRECTORY) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer has no directory"));
		goto done;
	}
	const Jianyi__DirectoryResponse *r = resp->response->directory;
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_entries; i++)
			json_object_array_add(a, entry_json(r->entries[i]));
		json_object_object_add(out.root, "entries", a);
	} else if (r->n_entries == 0) {
		puts(_("none found"));
	} else {
		print_table(kind, r->entries, r->n_entries);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	jy_close(c);
	return rc;
}
