/* Names and numbers for ids (see cli_resolve.h). */
#include "cli_resolve.h"

#include <stdio.h>
#include <string.h>

#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_reasons.h"
#include "jianyi.h"

/* Which directory a flag's value is looked up in, and what it is called. */
static const struct {
	const char *flag, *kind, *what;
} lookups[] = {
	{ "lead", "units", N_("handling unit") },
	{ "co", "units", N_("handling unit") },
	{ "unit", "units", N_("handling unit") },
	{ "committee", "committees", N_("committee") },
	{ "station", "stations", N_("liaison station") },
	{ "deputy", "deputies", N_("deputy") },
	{ "cosigner", "deputies", N_("deputy") },
	{ "remove-cosigner", "deputies", N_("deputy") },
	{ "id", "cases", N_("case") },
	{ "into", "cases", N_("case") },
	{ "suggestion", "cases", N_("case") },
};

static bool lookup_of(const char *flag, const char **kind, const char **what)
{
	*kind = "cases";
	*what = N_("case");
	if (flag == NULL)
		return true;
	for (size_t i = 0; i < sizeof lookups / sizeof lookups[0]; i++)
		if (strcmp(lookups[i].flag, flag) == 0) {
			*kind = lookups[i].kind;
			*what = lookups[i].what;
			return true;
		}
	return false;
}

/* "--lead" or "ID" (the positional case), for messages. */
static void flag_name(const char *flag, char *buf, size_t len)
{
	if (flag)
		snprintf(buf, len, "--%s", flag);
	else
		snprintf(buf, len, "ID");
}

/* Up to 8 candidates as "name (parent)", for the refusal. */
static void candidates(const Jianyi__DirectoryResponse *r, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < r->n_entries && i < 8; i++) {
		const Jianyi__DirectoryEntry *e = r->entries[i];
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", i ? _(", ") : "", e->name);
		n = strlen(buf);
		if (e->parent[0])
			snprintf(buf + n, len - n, _(" (%s)"), e->parent);
		n = strlen(buf);
		snprintf(buf + n, len - n, _(" [id %lld]"), (long long)e->id);
	}
	if (r->n_entries > 8) {
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, _(" and %zu more"), r->n_entries - 8);
	}
}

static bool answer(const struct cli_invocation *inv, const char *flag, const char *what, const char *text,
		   const Jianyi__DirectoryResponse *r, int64_t *out)
{
	char name[64], list[1024];
	flag_name(flag, name, sizeof name);
	if (r->n_entries == 1) {
		*out = r->entries[0]->id;
		return true;
	}
	if (r->n_entries == 0)
		return cli_usage_error(inv, _("%s: no %s is named '%s' (nor has a name containing it)"), name,
				       _(what), text);
	candidates(r, list, sizeof list);
	return cli_usage_error(inv, _("%s: '%s' names several: %s; give the full name or the id"), name, text,
			       list);
}

bool cli_resolve(const struct cli_invocation *inv, const char *flag, const char *text, int64_t *out)
{
	const char *kind, *what;
	char name[64];
	flag_name(flag, name, sizeof name);
	if (!lookup_of(flag, &kind, &what))
		return cli_usage_error(inv, _("%s: '%s' is not an id (a positive whole number)"), name, text);

	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest q = JIANYI__DIRECTORY_REQUEST__INIT;
	int rc;
	q.kind = (char *)kind;
	q.query = (char *)text;
	req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
	req.directory = &q;
	Jianyi__Envelope *resp = cli_read_once(inv, &req, JIANYI__RESPONSE__BODY_DIRECTORY, N_("directory"),
					       name, &rc);
	if (resp == NULL)
		return false;
	bool ok = answer(inv, flag, what, text, resp->response->directory, out);
	jy_envelope_free(resp);
	return ok;
}
