#include "accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "statements.h"
#include "xalloc.h"

struct lookup {
	identity_cb cb;
	void *arg;
	char sha[65];
};

const char *lookup_verdict_str(enum lookup_verdict v)
{
	switch (v) {
	case LOOKUP_OK: return "ok";
	case LOOKUP_UNKNOWN: return "certificate is not bound to any account";
	case LOOKUP_REVOKED: return "certificate was revoked";
	case LOOKUP_DISABLED: return "account is disabled";
	case LOOKUP_EXPIRED: return "certificate has expired";
	case LOOKUP_UNAVAILABLE: return "database unavailable";
	case LOOKUP_ERROR: return "internal error";
	}
	return "unknown";
}

const char *lookup_verdict_reason(enum lookup_verdict v)
{
	switch (v) {
	case LOOKUP_OK: return "";
	case LOOKUP_UNKNOWN: return "certificate_unknown";
	case LOOKUP_REVOKED: return "certificate_revoked";
	case LOOKUP_DISABLED: return "account_disabled";
	case LOOKUP_EXPIRED: return "certificate_expired";
	case LOOKUP_UNAVAILABLE: return "database_unavailable";
	case LOOKUP_ERROR: return "internal";
	}
	return "internal";
}

static char **split_roles(const char *s, size_t *n)
{
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	char **out = jy_xcalloc(cap, sizeof *out);
	*n = 0;
	const char *start = s;
	for (const char *p = s;; p++) {
		if (*p == ',' || *p == '\0') {
			if (p > start)
				out[(*n)++] = strndup(start, (size_t)(p - start));
			if (!*p)
				break;
			start = p + 1;
		}
	}
	return out;
}

static void on_result(const struct db_result *r, void *arg)
{
	struct lookup *lk = arg;
	char detail[300];
	enum lookup_verdict v;
	struct identity who;
	memset(&who, 0, sizeof who);

	if (r->outcome == DB_UNAVAILABLE || r->outcome == DB_SHUTDOWN || db_result_timed_out(r)) {
		snprintf(detail, sizeof detail, "cannot check the certificate: database unavailable (%s); try again",
			 r->error);
		v = LOOKUP_UNAVAILABLE;
	} else if (r->outcome != DB_OK) {
		jy_error("event=identity_lookup_failed sqlstate=%s", r->sqlstate);
		snprintf(detail, sizeof detail, "cannot check the certificate: internal error");
		v = LOOKUP_ERROR;
	} else if (PQntuples(r->res) == 0) {
		snprintf(detail, sizeof detail,
			 "certificate %s is not bound to any account; an administrator binds it with "
			 "'jianyid admin cert-bind'", lk->sha);
		v = LOOKUP_UNKNOWN;
	} else {
		PGresult *res = r->res;
		const char *login = PQgetvalue(res, 0, SQL_IDENTITY_LOGIN);
		if (PQgetvalue(res, 0, SQL_IDENTITY_REVOKED)[0] == 't') {
			snprintf(detail, sizeof detail, "certificate %.16s… of account '%s' was revoked",
				 lk->sha, login);
			v = LOOKUP_REVOKED;
		} else if (PQgetvalue(res, 0, SQL_IDENTITY_DISABLED)[0] == 't') {
			snprintf(detail, sizeof detail, "account '%s' is disabled", login);
			v = LOOKUP_DISABLED;
		} else {
			v = LOOKUP_OK;
			detail[0] = '\0';
			who.account_id = strtoll(PQgetvalue(res, 0, SQL_IDENTITY_ACCOUNT_ID), NULL, 10);
			who.login = jy_xstrdup(login);
			who.display_name = jy_xstrdup(PQgetvalue(res, 0, SQL_IDENTITY_DISPLAY_NAME));
			who.roles = split_roles(PQgetvalue(res, 0, SQL_IDENTITY_ROLES), &who.n_roles);
			who.org_id = strtoll(PQgetvalue(res, 0, SQL_IDENTITY_ORG_ID), NULL, 10);
			who.org_name = jy_xstrdup(PQgetvalue(res, 0, SQL_IDENTITY_ORG_NAME));
			who.org_kind = jy_xstrdup(PQgetvalue(res, 0, SQL_IDENTITY_ORG_KIND));
			who.time_zone = jy_xstrdup(PQgetvalue(res, 0, SQL_IDENTITY_TIME_ZONE));
		}
	}
	lk->cb(v, v == LOOKUP_OK ? &who : NULL, v == LOOKUP_OK ? NULL : detail, lk->arg);
	free(lk);
}

bool accounts_lookup(struct db_pool *db, const char *cert_sha256, identity_cb cb, void *arg)
{
	struct lookup *lk = jy_xcalloc(1, sizeof *lk);
	lk->cb = cb;
	lk->arg = arg;
	snprintf(lk->sha, sizeof lk->sha, "%s", cert_sha256);
	const char *params[] = { lk->sha };
	if (!db_query(db, &jy_statements[STMT_IDENTITY_BY_CERT], params, on_result, lk)) {
		free(lk);
		return false;
	}
	return true;
}
