/* jianyi units / committees / stations / deputies / accounts (see
 * cli_directory.h). */
#include "cli_directory.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_terms.h"
#include "jianyi.h"

/* The last column is cut to this many terminal columns. */
#define LAST_COLUMNS 60

const struct cli_option cli_directory_options[] = {
	{ 0 },
};

const struct cli_option cli_deputies_options[] = {
	{ "station", N_("STATION"), N_("only the deputies of this liaison station (its name or id)") },
	{ 0 },
};

/* ID, NAME, then per kind: a deputy's term and station, an account's login
 * and organization with its roles in words, an organization's parent. */
static void print_table(const char *kind, Jianyi__DirectoryEntry *const *e, size_t n)
{
	static const char *const orgs[] = { N_("ID"), N_("NAME"), N_("UNDER") };
	static const char *const deputies[] = { N_("ID"), N_("NAME"), N_("TERM"), N_("LIAISON STATION") };
	static const char *const accounts[] = { N_("ID"), N_("NAME"), N_("LOGIN"), N_("ORGANIZATION AND ROLES") };
	bool deputy = strcmp(kind, "deputies") == 0, account = strcmp(kind, "accounts") == 0;
	struct cli_cells c = { 0 };

	for (size_t i = 0; i < n; i++) {
		cli_cell(&c, "%" PRId64, e[i]->id);
		cli_cell(&c, "%s", e[i]->name);
		if (deputy) {
			cli_cell(&c, _("term %d"), e[i]->term);
			cli_cell(&c, "%s", e[i]->parent);
		} else if (account) {
			char roles[400] = "";
			for (size_t r = 0; r < e[i]->n_roles; r++)
				snprintf(roles + strlen(roles), sizeof roles - strlen(roles), "%s%s",
					 r ? _(", ") : _(" — "), cli_role_text(e[i]->roles[r]));
			cli_cell(&c, "%s", e[i]->login);
			cli_cell(&c, "%s%s", e[i]->parent, roles);
		} else {
			cli_cell(&c, "%s", e[i]->parent);
		}
	}
	cli_print_table(deputy ? deputies : account ? accounts : orgs, deputy || account ? 4 : 3, c.v, n,
			LAST_COLUMNS);
	cli_cells_free(&c);
}

int cli_run_directory(const struct cli_invocation *inv)
{
	const char *kind = inv->cmd->name;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest q = JIANYI__DIRECTORY_REQUEST__INIT;
	struct cli_output out;
	int rc = CLI_EXIT_FAILURE;
	int64_t station = 0;

	if (strcmp(kind, "deputies") == 0 && !cli_get_id(inv, "station", CLI_OPTIONAL, &station))
		return CLI_EXIT_USAGE;
	q.kind = (char *)kind;
	q.query = (char *)(inv->nargs ? inv->args[0] : "");
	q.station_id = station;
	req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
	req.directory = &q;
	Jianyi__Envelope *resp = cli_read_once(inv, &req, JIANYI__RESPONSE__BODY_DIRECTORY, N_("directory"), NULL, &rc);
	if (resp == NULL)
		return rc;
	const Jianyi__DirectoryResponse *r = resp->response->directory;
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_entries; i++)
			json_object_array_add(a, cli_message_json(&r->entries[i]->base));
		json_object_object_add(out.root, "entries", a);
	} else if (r->n_entries == 0) {
		puts(_("none found"));
	} else {
		print_table(kind, r->entries, r->n_entries);
	}
	rc = cli_output_finish(&out);
	jy_envelope_free(resp);
	return rc;
}
