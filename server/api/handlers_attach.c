/* AttachFinishRequest (see handlers_attach.h). The chunks of an unfinished
 * upload never change (a put only appends past `received`), so hashing them
 * in order, one query each, before the finishing transaction reads what that
 * transaction finishes. */
#include "handlers_attach.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "context.h"
#include "db_answer.h"
#include "field_check.h"
#include "statements.h"
#include "xalloc.h"

/* One finish in progress. */
struct finish_call {
	struct request *req;
	Jianyi__AttachFinishRequest *q;   /* a copy: the request's frame is gone by then */
	EVP_MD_CTX *md;
	int64_t off;                      /* where the next chunk starts */
	bool hashed;                      /* at least one chunk was read */
};

static void call_free(struct finish_call *f)
{
	EVP_MD_CTX_free(f->md);
	jianyi__attach_finish_request__free_unpacked(f->q, NULL);
	free(f);
}

static void on_finished(const struct db_result *r, void *arg)
{
	struct request *req = arg;
	db_answer_finish(req, r, "attach_finish.", JIANYI__RESPONSE__BODY_ATTACH_FINISH, true);
}

/* Every chunk is hashed: the database finishes the upload if the hash is
 * the declared one ("" when there was nothing of ours to hash: a replay of
 * a finish already done, or an upload that is not the caller's, which the
 * database refuses itself). */
static void finish(struct finish_call *f)
{
	char hex[65] = "";
	unsigned char d[32];
	if (f->hashed && EVP_DigestFinal_ex(f->md, d, NULL)) {
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", d[i]);
	}
	db_answer_write_with(f->req, "attach_finish", &f->q->base, "content_sha256", hex,
			     f->q->idempotency_key, on_finished);
	call_free(f);
}

static void next_chunk(struct finish_call *f);

static void on_chunk(const struct db_result *r, void *arg)
{
	struct finish_call *f = arg;
	if (!db_answer_rows(f->req, r)) {
		call_free(f);
		return;
	}
	if (PQntuples(r->res) == 0) {
		finish(f);
		return;
	}
	int64_t off = strtoll(PQgetvalue(r->res, 0, 0), NULL, 10);
	size_t n = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, 0, 1), &n);
	if (!bytes || off != f->off || n == 0) {
		/* Chunks are contiguous by construction (schema 0020): a gap is a bug. */
		PQfreemem(bytes);
		request_refuse(f->req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"),
			       "internal error (attachment %" PRId64 ": no chunk at %" PRId64 ")",
			       f->q->attachment_id, f->off);
		call_free(f);
		return;
	}
	EVP_DigestUpdate(f->md, bytes, n);
	PQfreemem(bytes);
	f->hashed = true;
	f->off += (int64_t)n;
	next_chunk(f);
}

static void next_chunk(struct finish_call *f)
{
	char id[24], who[24], off[24];
	snprintf(id, sizeof id, "%" PRId64, f->q->attachment_id);
	snprintf(who, sizeof who, "%" PRId64, f->req->sess->who.account_id);
	snprintf(off, sizeof off, "%" PRId64, f->off);
	const char *values[3] = { id, who, off };
	if (!db_answer_query_arg(f->req, &jy_statements[STMT_ATTACH_CHUNK], values, on_chunk, f))
		call_free(f);
}

/* A deep copy of the request (packed and unpacked again). */
static Jianyi__AttachFinishRequest *copy_request(const Jianyi__AttachFinishRequest *q)
{
	size_t n = jianyi__attach_finish_request__get_packed_size(q);
	uint8_t *buf = jy_xmalloc(n ? n : 1);
	jianyi__attach_finish_request__pack(q, buf);
	Jianyi__AttachFinishRequest *c = jianyi__attach_finish_request__unpack(NULL, n, buf);
	free(buf);
	return c;
}

void handle_attach_finish(struct request *req, const Jianyi__Request *body)
{
	const Jianyi__AttachFinishRequest *q = body->attach_finish;
	if (!fc_key(req, "attach_finish.idempotency_key", q->idempotency_key) ||
	    !fc_id(req, "attach_finish.attachment_id", q->attachment_id, true))
		return;
	struct finish_call *f = jy_xcalloc(1, sizeof *f);
	f->req = req;
	f->q = copy_request(q);
	f->md = EVP_MD_CTX_new();
	if (!f->q || !f->md || !EVP_DigestInit_ex(f->md, EVP_sha256(), NULL)) {
		request_refuse(req, JIANYI__STATUS_CODE__STATUS_INTERNAL, NULL, REASON("internal"),
			       "internal error (out of memory)");
		call_free(f);
		return;
	}
	next_chunk(f);
}
