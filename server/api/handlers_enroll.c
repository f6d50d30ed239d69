#include "handlers_enroll.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "context.h"
#include "db_answer.h"
#include "enroll_ca.h"
#include "log.h"
#include "statements.h"
#include "status.h"
#include "xalloc.h"

/* A code is "ID-SECRET": the row's id, then 32 hex digits of secret. */
#define CODE_MAX 64
#define SECRET_HEX 32

struct enrollment {
	struct request *req;
	char code_id[24];            /* "" when the code names no row */
	char secret_sha256[65];
	char address[64];
	X509_REQ *csr;
	char login[128];
	struct enroll_issued issued;
};

static void enrollment_free(struct enrollment *e)
{
	enroll_csr_free(e->csr);
	free(e->issued.pem);
	free(e);
}

/* Splits the code into its id and the SHA-256 of its secret. A code of the
 * wrong shape still goes to the database (with no id) so that it counts
 * as a failure of this address like any wrong code. */
static void parse_code(const char *code, struct enrollment *e)
{
	char secret[CODE_MAX + 1] = "";
	const char *dash = strchr(code, '-');
	size_t idlen = dash ? (size_t)(dash - code) : 0;
	if (dash && idlen >= 1 && idlen <= 18 && strspn(code, "0123456789") == idlen &&
	    strlen(dash + 1) == SECRET_HEX && strspn(dash + 1, "0123456789abcdefABCDEF") == SECRET_HEX) {
		snprintf(e->code_id, sizeof e->code_id, "%.*s", (int)idlen, code);
		for (size_t i = 0; i < SECRET_HEX; i++)
			secret[i] = (char)tolower((unsigned char)dash[1 + i]);
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	EVP_Digest(secret, strlen(secret), md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(e->secret_sha256 + 2 * i, 3, "%02x", md[i]);
}

/* The address without its port: "[::1]:5000" -> "::1", "10.0.0.2:5000" -> "10.0.0.2". */
static void peer_address(const char *peer, char *out, size_t outlen)
{
	const char *colon = strrchr(peer, ':');
	size_t n = colon ? (size_t)(colon - peer) : strlen(peer);
	if (n >= 2 && peer[0] == '[' && peer[n - 1] == ']')
		snprintf(out, outlen, "%.*s", (int)(n - 2), peer + 1);
	else
		snprintf(out, outlen, "%.*s", (int)n, peer);
}

static void on_redeemed(const struct db_result *r, void *arg)
{
	struct enrollment *e = arg;
	struct request *req = e->req;
	json_object *doc = db_answer_take(req, r, "enroll.");
	if (doc) {
		Jianyi__Response resp = JIANYI__RESPONSE__INIT;
		Jianyi__EnrollResponse out = JIANYI__ENROLL_RESPONSE__INIT;
		char not_after[32];
		/* "YYYY-MM-DD HH:MM:SS+00" -> RFC 3339 */
		snprintf(not_after, sizeof not_after, "%.10sT%.8sZ", e->issued.not_after,
			 e->issued.not_after + 11);
		out.certificate_pem = e->issued.pem;
		out.ca_chain_pem = (char *)enroll_ca_pem(req->ctx->enroll_ca);
		out.login = e->login;
		out.certificate_sha256 = e->issued.sha256;
		out.not_after = not_after;
		resp.body_case = JIANYI__RESPONSE__BODY_ENROLL;
		resp.enroll = &out;
		jy_info("event=enrolled login=%s cert=%.16s peer=%s", e->login, e->issued.sha256,
			e->address);
		request_reply(req, &resp);
		json_object_put(doc);
	}
	enrollment_free(e);
}

static void on_checked(const struct db_result *r, void *arg)
{
	struct enrollment *e = arg;
	struct request *req = e->req;
	char err[300];
	json_object *doc = db_answer_take(req, r, "enroll.");
	if (!doc) {
		jy_info("event=enroll_refused peer=%s code_id=%s", e->address, e->code_id);
		enrollment_free(e);
		return;
	}
	snprintf(e->login, sizeof e->login, "%s", db_answer_str(doc, "login"));
	json_object_put(doc);
	if (!enroll_ca_sign(req->ctx->enroll_ca, e->csr, e->login, req->ctx->cfg->enroll_cert_days,
			    &e->issued, err, sizeof err)) {
		jy_error("event=enroll_sign_failed reason=\"%s\"", err);
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"),
			       "internal error: %s", err);
		enrollment_free(e);
		return;
	}
	const char *p[] = { e->code_id, e->secret_sha256, e->issued.sha256, e->issued.subject,
			    e->issued.not_after };
	if (!db_answer_query_arg(req, &jy_statements[STMT_ENROLL_REDEEM], p, on_redeemed, e))
		enrollment_free(e);
}

void handle_enroll(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__EnrollRequest *in = body->enroll;
	char err[300], limit[16];
	if (!req->ctx->enroll_ca) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION, NULL, REASON("enroll_off"),
			       "enrollment is off on this server (no [enroll] issuing_cert and issuing_key)");
		return;
	}
	if (!in->code || !*in->code || strlen(in->code) > CODE_MAX) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "enroll.code",
			       REASON("enroll_code_wrong"),
			       "code must be the enrollment code an administrator gave (at most %d characters)",
			       CODE_MAX);
		return;
	}
	struct enrollment *e = jy_xcalloc(1, sizeof *e);
	e->req = req;
	e->csr = enroll_csr_check(in->csr_der.data, in->csr_der.len, err, sizeof err);
	if (!e->csr) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "enroll.csr_der",
			       REASON("bad_csr"), "%s", err);
		enrollment_free(e);
		return;
	}
	parse_code(in->code, e);
	peer_address(req->sess->peer, e->address, sizeof e->address);
	snprintf(limit, sizeof limit, "%u", req->ctx->cfg->enroll_address_failures);
	const char *p[] = { e->code_id[0] ? e->code_id : NULL, e->secret_sha256, e->address, limit };
	if (!db_answer_query_arg(req, &jy_statements[STMT_ENROLL_CHECK], p, on_checked, e))
		enrollment_free(e);
}
