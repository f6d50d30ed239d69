/* Attachments (see jianyi.h, "Attachments"): a file goes up and comes down
 * in chunks that fit a frame, and a transfer cut in the middle resumes
 * where the server's (or the local file's) bytes end, never from the start.
 * The protocol's side is docs/WORKFLOW.md "Attachments". */
#include "jianyi.h"
#include "lib_i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "transport.h"

/* Room in a frame for everything but a chunk's bytes (the server's
 * operations.c keeps the same). */
#define FRAME_SLACK 2048

static size_t chunk_size(const struct jy_client *c)
{
	const Jianyi__Welcome *w = jy_welcome(c);
	size_t n = JY_ATTACH_CHUNK_MAX;
	if (w != NULL && w->limits != NULL && w->limits->max_frame_bytes > FRAME_SLACK + 1 &&
	    w->limits->max_frame_bytes - FRAME_SLACK < n)
		n = w->limits->max_frame_bytes - FRAME_SLACK;
	return n;
}

/* The SHA-256 (lowercase hex) and size of an open file, read in chunks. */
static bool hash_file(FILE *f, char hex[65], int64_t *size, const char *path, struct jy_error *err)
{
	unsigned char buf[65536], md[32];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n;
	int64_t total = 0;

	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto fail;
	rewind(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		EVP_DigestUpdate(ctx, buf, n);
		total += (int64_t)n;
	}
	if (ferror(f)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, _("cannot read %s: %s"), path,
			     strerror(errno));
		EVP_MD_CTX_free(ctx);
		return false;
	}
	if (!EVP_DigestFinal_ex(ctx, md, NULL))
		goto fail;
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	*size = total;
	return true;
fail:
	EVP_MD_CTX_free(ctx);
	jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL, _("cannot compute a SHA-256"));
	return false;
}

/* Whom to tell how far a transfer is (jianyi.h, jy_progress_fn). */
struct progress {
	jy_progress_fn fn;   /* NULL: nobody */
	void *user;
};

static void tell(const struct progress *p, int64_t done, int64_t total)
{
	if (p->fn != NULL)
		p->fn(done, total, p->user);
}

/* The last component of a path. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash != NULL ? slash + 1 : path;
}

/* Calls req; on success *att is the answer's attachment (owned by *env).
 * On failure *env is NULL: a refusal's answer (jy_call leaves it set) is
 * freed here, so no caller has to. */
static bool call_attachment(struct jy_client *c, Jianyi__Request *req, Jianyi__Envelope **env,
			    const Jianyi__Attachment **att, struct jy_error *err)
{
	const Jianyi__Response *r;

	*env = NULL;
	if (!jy_call(c, req, env, err)) {
		if (*env != NULL)
			jy_envelope_free(*env);
		*env = NULL;
		return false;
	}
	r = (*env)->response;
	*att = NULL;
	if (r->body_case == JIANYI__RESPONSE__BODY_ATTACH_LIST && r->attach_list->n_attachments == 1)
		*att = r->attach_list->attachments[0];
	else if (r->body_case == JIANYI__RESPONSE__BODY_ATTACH_FETCH)
		*att = r->attach_fetch->attachment;
	else if (r->body_case == JIANYI__RESPONSE__BODY_ATTACH_BEGIN)
		*att = r->attach_begin->attachment;
	else if (r->body_case == JIANYI__RESPONSE__BODY_ATTACH_PUT)
		*att = r->attach_put->attachment;
	else if (r->body_case == JIANYI__RESPONSE__BODY_ATTACH_FINISH)
		*att = r->attach_finish->attachment;
	if (*att == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("the server's answer carries no attachment"));
		jy_envelope_free(*env);
		*env = NULL;
		return false;
	}
	return true;
}

bool jy_call_attach_list(struct jy_client *c, int64_t suggestion_id, int64_t attachment_id,
			 Jianyi__Envelope **resp, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachListRequest list = JIANYI__ATTACH_LIST_REQUEST__INIT;

	list.suggestion_id = suggestion_id;
	list.attachment_id = attachment_id;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_LIST;
	req.attach_list = &list;
	return jy_call(c, &req, resp, err);
}

/* ---- upload ------------------------------------------------------------------ */

static bool upload_begin(struct jy_client *c, struct jy_upload *u, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachBeginRequest b = JIANYI__ATTACH_BEGIN_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__Attachment *att;
	char key[JY_IDEMPOTENCY_KEY_MAX + 1];

	snprintf(key, sizeof key, "%s-begin", u->key_);
	b.idempotency_key = key;
	b.suggestion_id = u->suggestion_id;
	b.attached_to = (char *)(u->attached_to != NULL ? u->attached_to : "");
	b.event_sequence = u->event_sequence;
	b.name = (char *)(u->name != NULL ? u->name : base_name(u->path));
	b.size = u->size;
	b.sha256 = u->sha256;
	b.public_ = u->public_;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_BEGIN;
	req.attach_begin = &b;
	if (!call_attachment(c, &req, &env, &att, err))
		return false;
	u->attachment_id = att->id;
	jy_envelope_free(env);
	return true;
}

/* How many bytes of the upload the server holds, and whether it finished. */
static bool upload_state(struct jy_client *c, struct jy_upload *u, int64_t *received, bool *finished,
			 struct jy_error *err)
{
	Jianyi__Envelope *env = NULL;
	const Jianyi__Attachment *att;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachListRequest list = JIANYI__ATTACH_LIST_REQUEST__INIT;

	list.attachment_id = u->attachment_id;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_LIST;
	req.attach_list = &list;
	if (!call_attachment(c, &req, &env, &att, err))
		return false;
	*received = att->received;
	*finished = att->finished;
	jy_envelope_free(env);
	return true;
}

static bool upload_put(struct jy_client *c, struct jy_upload *u, int64_t offset, unsigned char *buf,
		       size_t n, int64_t *received, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachPutRequest p = JIANYI__ATTACH_PUT_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__Attachment *att;
	char key[JY_IDEMPOTENCY_KEY_MAX + 1];

	snprintf(key, sizeof key, "%s-%" PRId64, u->key_, offset);
	p.idempotency_key = key;
	p.attachment_id = u->attachment_id;
	p.offset = offset;
	p.data.data = buf;
	p.data.len = n;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_PUT;
	req.attach_put = &p;
	if (!call_attachment(c, &req, &env, &att, err))
		return false;
	*received = att->received;
	jy_envelope_free(env);
	return true;
}

static bool upload_finish(struct jy_client *c, struct jy_upload *u, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachFinishRequest f = JIANYI__ATTACH_FINISH_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__Attachment *att;
	char key[JY_IDEMPOTENCY_KEY_MAX + 1];

	snprintf(key, sizeof key, "%s-finish", u->key_);
	f.idempotency_key = key;
	f.attachment_id = u->attachment_id;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_FINISH;
	req.attach_finish = &f;
	if (!call_attachment(c, &req, &env, &att, err))
		return false;
	u->event_sequence_done = env->response->attach_finish->event_sequence;
	jy_envelope_free(env);
	return true;
}

/* Sends the bytes from where the server's end to the end of the file. */
static bool upload_rest(struct jy_client *c, struct jy_upload *u, FILE *f, int64_t received,
			const struct progress *p, struct jy_error *err)
{
	size_t chunk = chunk_size(c);
	unsigned char *buf = malloc(chunk);
	bool ok = false;

	if (buf == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, _("out of memory"));
		return false;
	}
	while (received < u->size) {
		size_t n;
		if (fseeko(f, (off_t)received, SEEK_SET) != 0 || (n = fread(buf, 1, chunk, f)) == 0) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
				     _("cannot read %s at byte %lld (did it change?)"), u->path,
				     (long long)received);
			goto done;
		}
		if (!upload_put(c, u, received, buf, n, &received, err))
			goto done;
		tell(p, received, u->size);
	}
	ok = true;
done:
	free(buf);
	return ok;
}

bool jy_upload_file(struct jy_client *c, struct jy_upload *u, struct jy_error *err)
{
	return jy_upload_file_progress(c, u, NULL, NULL, err);
}

bool jy_upload_file_progress(struct jy_client *c, struct jy_upload *u, jy_progress_fn progress,
			     void *user, struct jy_error *err)
{
	const struct progress p = { progress, user };
	FILE *f = fopen(u->path, "rb");
	int64_t received = 0;
	bool finished = false, ok = false;

	if (f == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, _("cannot open %s: %s"), u->path,
			     strerror(errno));
		return false;
	}
	if (u->key_[0] == '\0') {
		unsigned char r[8];
		if (!hash_file(f, u->sha256, &u->size, u->path, err))
			goto done;
		if (RAND_bytes(r, sizeof r) != 1) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL, _("no random bytes"));
			goto done;
		}
		snprintf(u->key_, sizeof u->key_, "attach-%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
			 r[3], r[4], r[5], r[6], r[7]);
	}
	if (u->attachment_id == 0 && !upload_begin(c, u, err))
		goto done;
	if (!upload_state(c, u, &received, &finished, err))
		goto done;
	u->resumed_from = received;
	tell(&p, received, u->size);
	/* Finished already (the answer to our finish was lost): asking again
	 * with the same key replays that answer, with its event. */
	ok = (finished || upload_rest(c, u, f, received, &p, err)) && upload_finish(c, u, err);
done:
	fclose(f);
	return ok;
}

/* ---- download ---------------------------------------------------------------- */

/* Whether the finished file hashes to what the server declared. */
static bool download_verify(FILE *f, const struct jy_download *d, struct jy_error *err)
{
	char hex[65];
	int64_t size;

	if (fflush(f) != 0 || !hash_file(f, hex, &size, d->part_, err))
		return false;
	if (size != d->size || strcmp(hex, d->sha256) != 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("%s: the bytes received (%lld, SHA-256 %s) are not attachment %lld "
			       "(%lld, SHA-256 %s); delete it and download again"),
			     d->part_, (long long)size, hex, (long long)d->attachment_id, (long long)d->size,
			     d->sha256);
		return false;
	}
	return true;
}

/* One range into f at offset; *got is how many bytes came. */
static bool download_chunk(struct jy_client *c, struct jy_download *d, FILE *f, int64_t offset,
			   size_t *got, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachFetchRequest q = JIANYI__ATTACH_FETCH_REQUEST__INIT;
	Jianyi__Envelope *env;
	const Jianyi__Attachment *att;
	const Jianyi__AttachFetchResponse *r;
	bool ok = false;

	q.attachment_id = d->attachment_id;
	q.offset = offset;
	q.length = (int32_t)chunk_size(c);
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_FETCH;
	req.attach_fetch = &q;
	if (!call_attachment(c, &req, &env, &att, err))
		goto done;
	r = env->response->attach_fetch;
	snprintf(d->name, sizeof d->name, "%s", att->name);
	snprintf(d->mime_type, sizeof d->mime_type, "%s", att->mime_type);
	snprintf(d->sha256, sizeof d->sha256, "%s", att->sha256);
	d->size = att->size;
	if (r->offset != offset || (r->data.len == 0 && offset < att->size)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("the server sent no bytes at offset %lld"), (long long)offset);
		goto done;
	}
	if (fseeko(f, (off_t)offset, SEEK_SET) != 0 || fwrite(r->data.data, 1, r->data.len, f) != r->data.len) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, _("cannot write %s: %s"),
			     d->part_, strerror(errno));
		goto done;
	}
	*got = r->data.len;
	ok = true;
done:
	if (env != NULL)
		jy_envelope_free(env);
	return ok;
}

bool jy_download_file(struct jy_client *c, struct jy_download *d, struct jy_error *err)
{
	return jy_download_file_progress(c, d, NULL, NULL, err);
}

bool jy_download_file_progress(struct jy_client *c, struct jy_download *d, jy_progress_fn progress,
			       void *user, struct jy_error *err)
{
	const struct progress p = { progress, user };
	FILE *f;
	int64_t offset;
	bool ok = false;

	snprintf(d->part_, sizeof d->part_, "%s.part", d->path);
	/* A partial file from a cut transfer is continued, not started again. */
	f = fopen(d->part_, "r+b");
	if (f == NULL)
		f = fopen(d->part_, "w+b");
	if (f == NULL || fseeko(f, 0, SEEK_END) != 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, _("cannot write %s: %s"),
			     d->part_, strerror(errno));
		if (f != NULL)
			fclose(f);
		return false;
	}
	offset = (int64_t)ftello(f);
	d->resumed_from = offset;
	d->size = -1;
	while (d->size < 0 || offset < d->size) {
		size_t got = 0;
		if (!download_chunk(c, d, f, offset, &got, err))
			goto done;
		if (offset > d->size) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
				     _("%s is longer than attachment %lld; delete it and download again"),
				     d->part_, (long long)d->attachment_id);
			goto done;
		}
		offset += (int64_t)got;
		tell(&p, offset, d->size);
	}
	if (!download_verify(f, d, err))
		goto done;
	ok = true;
done:
	/* A refusal before any byte leaves no empty part behind. */
	if (!ok && ftello(f) == 0)
		unlink(d->part_);
	if (fclose(f) != 0 && ok) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, _("cannot write %s: %s"),
			     d->part_, strerror(errno));
		ok = false;
	}
	if (ok && rename(d->part_, d->path) != 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, _("cannot rename %s to %s: %s"),
			     d->part_, d->path, strerror(errno));
		ok = false;
	}
	return ok;
}
