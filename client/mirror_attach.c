/* Attachments in the mirror (see mirror_attach.h). */
#include "mirror_attach.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mirror_internal.h"
#include "xalloc.h"

#define READ_CHUNK 65536

bool mirror_attach_ensure(struct mirror *m)
{
	/* No foreign key to cases: a case is replaced on every refresh, its
	 * attachments' bytes stay. */
	if (sqlite3_exec(m->db,
			 "CREATE TABLE IF NOT EXISTS attachments (\n"
			 "  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL,\n"
			 "  size INTEGER NOT NULL, sha256 TEXT NOT NULL,\n"
			 "  attachment BLOB NOT NULL,\n"          /* the Attachment, packed */
			 "  received INTEGER NOT NULL DEFAULT 0, data BLOB NOT NULL);\n"
			 "CREATE INDEX IF NOT EXISTS attachments_case ON attachments (case_id);\n",
			 NULL, NULL, NULL) != SQLITE_OK)
		return mirror_fail_db(m, "adding the attachments table");
	return true;
}

static bool put_one(struct mirror *m, int64_t case_id, const Jianyi__Attachment *a)
{
	sqlite3_stmt *st;
	size_t len = jianyi__attachment__get_packed_size(a);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	bool ok;

	jianyi__attachment__pack(a, blob);
	/* The same id, the same bytes (a finished attachment never changes):
	 * only its description is replaced. */
	if (sqlite3_prepare_v2(m->db,
			       "INSERT INTO attachments (id, case_id, size, sha256, attachment, data) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, zeroblob(?3)) ON CONFLICT (id) DO UPDATE SET "
			       "case_id = excluded.case_id, attachment = excluded.attachment", -1, &st,
			       NULL) != SQLITE_OK) {
		free(blob);
		return mirror_fail_db(m, "storing an attachment");
	}
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, case_id);
	sqlite3_bind_int64(st, 3, a->size);
	mirror_bind_str(st, 4, a->sha256);
	sqlite3_bind_blob(st, 5, blob, (int)len, SQLITE_STATIC);
	ok = mirror_run_stmt(m, st, "storing an attachment");
	sqlite3_finalize(st);
	free(blob);
	return ok;
}

bool mirror_put_attachments(struct mirror *m, int64_t case_id, Jianyi__Attachment *const *a, size_t n)
{
	char cid[32];

	snprintf(cid, sizeof cid, "%" PRId64, case_id);
	if (!mirror_exec1(m, "UPDATE attachments SET case_id = -case_id WHERE case_id = CAST(?1 AS INTEGER)",
			  NULL, 0, cid, (char *)NULL))
		return false;
	for (size_t i = 0; i < n; i++)
		if (a[i]->finished && a[i]->size > 0 && !put_one(m, case_id, a[i]))
			return false;
	/* Those not listed again (marked with the negative id) go. */
	snprintf(cid, sizeof cid, "%" PRId64, -case_id);
	return mirror_exec1(m, "DELETE FROM attachments WHERE case_id = CAST(?1 AS INTEGER)", NULL, 0, cid,
			    (char *)NULL);
}

bool mirror_drop_attachments(struct mirror *m, int64_t case_id)
{
	char cid[32];

	snprintf(cid, sizeof cid, "%" PRId64, case_id);
	return mirror_exec1(m, "DELETE FROM attachments WHERE case_id = CAST(?1 AS INTEGER)", NULL, 0, cid,
			    (char *)NULL);
}

bool mirror_attach_missing(struct mirror *m, int64_t *id, int64_t *received, int64_t *size)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (sqlite3_prepare_v2(m->db, "SELECT id, received, size FROM attachments WHERE received < size "
			       "AND case_id > 0 ORDER BY id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return mirror_fail_db(m, "reading the attachments to fetch");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*received = sqlite3_column_int64(st, 1);
		*size = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mirror_fail_db(m, "reading the attachments to fetch");
	return true;
}

bool mirror_attach_store(struct mirror *m, int64_t id, int64_t offset, const uint8_t *data, size_t len)
{
	sqlite3_blob *b = NULL;
	char sid[32], soff[32], slen[32];

	snprintf(sid, sizeof sid, "%" PRId64, id);
	snprintf(soff, sizeof soff, "%" PRId64, offset);
	snprintf(slen, sizeof slen, "%zu", len);
	if (sqlite3_exec(m->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return mirror_fail_db(m, "starting a transaction");
	if (sqlite3_blob_open(m->db, "main", "attachments", "data", id, 1, &b) != SQLITE_OK ||
	    offset + (int64_t)len > sqlite3_blob_bytes(b) ||
	    sqlite3_blob_write(b, data, (int)len, (int)offset) != SQLITE_OK) {
		mirror_fail_db(m, "storing an attachment's bytes");
		goto fail;
	}
	sqlite3_blob_close(b);
	b = NULL;
	if (!mirror_exec1(m, "UPDATE attachments SET received = CAST(?2 AS INTEGER) + CAST(?3 AS INTEGER) "
			  "WHERE id = CAST(?1 AS INTEGER) AND received = CAST(?2 AS INTEGER)", NULL, 0, sid,
			  soff, slen, (char *)NULL))
		goto fail;
	if (sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		mirror_fail_db(m, "committing");
		goto fail;
	}
	return true;
fail:
	if (b != NULL)
		sqlite3_blob_close(b);
	sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
	return false;
}

bool mirror_attach_list(struct mirror *m, int64_t case_id, Jianyi__AttachListResponse **out)
{
	sqlite3_stmt *st;
	Jianyi__AttachListResponse *l = jy_xcalloc(1, sizeof *l);
	size_t cap = 0;
	int rc;

	jianyi__attach_list_response__init(l);
	*out = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT attachment FROM attachments WHERE case_id = ?1 ORDER BY id", -1,
			       &st, NULL) != SQLITE_OK) {
		free(l);
		return mirror_fail_db(m, "reading attachments");
	}
	sqlite3_bind_int64(st, 1, case_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		Jianyi__Attachment *a = jianyi__attachment__unpack(NULL, (size_t)sqlite3_column_bytes(st, 0),
								  sqlite3_column_blob(st, 0));
		if (a == NULL)
			continue;
		if (l->n_attachments == cap) {
			cap = cap ? 2 * cap : 8;
			l->attachments = jy_xreallocarray(l->attachments, cap, sizeof *l->attachments);
		}
		l->attachments[l->n_attachments++] = a;
	}
	sqlite3_finalize(st);
	*out = l;
	if (rc != SQLITE_DONE)
		return mirror_fail_db(m, "reading attachments");
	return true;
}

void mirror_attach_free_list(Jianyi__AttachListResponse *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n_attachments; i++)
		jianyi__attachment__free_unpacked(l->attachments[i], NULL);
	free(l->attachments);
	free(l);
}

/* The packed description of a whole attachment; NULL when absent or partial. */
static Jianyi__Attachment *whole_one(struct mirror *m, int64_t id)
{
	sqlite3_stmt *st;
	Jianyi__Attachment *a = NULL;

	if (sqlite3_prepare_v2(m->db, "SELECT attachment FROM attachments WHERE id = ?1 AND received = size",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		a = jianyi__attachment__unpack(NULL, (size_t)sqlite3_column_bytes(st, 0),
					       sqlite3_column_blob(st, 0));
	sqlite3_finalize(st);
	return a;
}

bool mirror_attach_write(struct mirror *m, int64_t id, FILE *f, Jianyi__Attachment **info, bool *found)
{
	sqlite3_blob *b = NULL;
	uint8_t *buf = NULL, md[32];
	char hex[65];
	EVP_MD_CTX *ctx = NULL;
	bool ok = false;

	*found = false;
	*info = whole_one(m, id);
	if (*info == NULL)
		return true;
	*found = true;
	buf = jy_xmalloc(READ_CHUNK);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    sqlite3_blob_open(m->db, "main", "attachments", "data", id, 0, &b) != SQLITE_OK) {
		mirror_fail_db(m, "reading an attachment");
		goto done;
	}
	for (int off = 0, n = sqlite3_blob_bytes(b); off < n;) {
		int k = n - off < READ_CHUNK ? n - off : READ_CHUNK;
		if (sqlite3_blob_read(b, buf, k, off) != SQLITE_OK) {
			mirror_fail_db(m, "reading an attachment");
			goto done;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)k);
		if (fwrite(buf, 1, (size_t)k, f) != (size_t)k) {
			mirror_fail(m, "cannot write the attachment's file");
			goto done;
		}
		off += k;
	}
	EVP_DigestFinal_ex(ctx, md, NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, (*info)->sha256) != 0) {
		mirror_fail(m, "attachment %" PRId64 " in the mirror does not hash to its SHA-256; sync again",
			    id);
		char sid[32];
		snprintf(sid, sizeof sid, "%" PRId64, id);
		/* The next sync fetches it again. */
		if (!mirror_exec1(m, "UPDATE attachments SET received = 0 WHERE id = CAST(?1 AS INTEGER)", NULL,
				  0, sid, (char *)NULL))
			goto done;
		goto done;
	}
	ok = true;
done:
	if (b != NULL)
		sqlite3_blob_close(b);
	EVP_MD_CTX_free(ctx);
	free(buf);
	return ok;
}
