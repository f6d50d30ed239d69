/* Attachments (the issue "Editing and attachments"; docs/WORKFLOW.md
 * "Attachments"): each accepted type goes up and comes back byte for byte;
 * the type is decided by the content (an .exe named .pdf is refused); a
 * name with a path in it is sanitized; a file over attachment_max_bytes is
 * refused saying so; a unit that may not see the case can neither list nor
 * fetch; an upload given up is removed after attachment_unfinished_hours,
 * a fresh or finished one kept; 20 MB through a link cut in the middle resumes both ways and
 * arrives byte-exact; an upload and a download tell their progress in bytes, growing to the
 * file's size; the portal serves a published reply's public
 * attachment and not the others. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "harness.h"
#include "harness_relay.h"
#include "wf_helpers.h"

#define BIG_BYTES 20000000

static const char *id_str(int64_t id)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof buf[0], "%lld", (long long)id);
	return b;
}

/* A file under the harness's folder with the given head and then n
 * pseudo-random bytes; its path in path. */
static void make_file(char *path, size_t len, const char *name, const void *head, size_t headlen,
		      size_t n)
{
	snprintf(path, len, "%s/%s", H.dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(head, 1, headlen, f), headlen);
	unsigned seed = (unsigned)n ^ 0x5eedu;
	for (size_t i = 0; i < n; i++)
		fputc(rand_r(&seed) & 0xff, f);
	assert_int_equal(fclose(f), 0);
}

/* Whether two files have the same bytes. */
static bool same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	static unsigned char ba[65536], bb[65536];
	while (same) {
		size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
		same = na == nb && memcmp(ba, bb, na) == 0;
		if (na == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* A case with a reply by unit A's head: attachments go on the reply. */
static void replied_case(struct kase *k, const char *title)
{
	prepare(k, ST_REPLIED, title, false);
}

static bool upload(const char *who, struct jy_upload *u, struct jy_error *e)
{
	return jy_upload_file(cx(who), u, e);
}

static void download_ok(const char *who, int64_t id, const char *out)
{
	struct jy_download d = { .attachment_id = id, .path = out };
	struct jy_error e;
	unlink(out);
	if (!jy_download_file(cx(who), &d, &e))
		fail_msg("download %lld as %s: %s", (long long)id, who, e.message);
}

/* ---- the types ------------------------------------------------------------ */

/* A minimal zip head as Office writes it: the content types part first,
 * then the part that names the kind of document. */
static size_t ooxml_head(unsigned char *buf, size_t len, const char *part)
{
	static const unsigned char local[] = { 'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0 };
	size_t n = 0;
	memcpy(buf, local, sizeof local);
	n += sizeof local;
	n += (size_t)snprintf((char *)buf + n, len - n, "....[Content_Types].xml....PK..%s", part);
	return n;
}

static void each_type_round_trips(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "附件类型往返");
	static const unsigned char pdf[] = "%PDF-1.7\n";
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char jpg[] = { 0xff, 0xd8, 0xff, 0xe0 };
	static const unsigned char ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	unsigned char docx[128], xlsx[128], pptx[128];
	size_t ndocx = ooxml_head(docx, sizeof docx, "word/document.xml");
	size_t nxlsx = ooxml_head(xlsx, sizeof xlsx, "xl/workbook.xml");
	size_t npptx = ooxml_head(pptx, sizeof pptx, "ppt/presentation.xml");
	const struct {
		const char *name;
		const void *head;
		size_t headlen;
		size_t size;
		const char *mime;
	} files[] = {
		{ "答复函.pdf", pdf, sizeof pdf - 1, 300000, "application/pdf" },
		{ "现场.png", png, sizeof png, 1000, "image/png" },
		{ "照片.jpg", jpg, sizeof jpg, 262144, "image/jpeg" },
		{ "方案.docx", docx, ndocx, 5000,
		  "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "台账.xlsx", xlsx, nxlsx, 5000,
		  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "汇报.pptx", pptx, npptx, 5000,
		  "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
		{ "旧函.doc", ole, sizeof ole, 3000, "application/msword" },
		{ "旧表.xls", ole, sizeof ole, 3000, "application/vnd.ms-excel" },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[512], back[600];
		make_file(path, sizeof path, files[i].name, files[i].head, files[i].headlen, files[i].size);
		struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
		struct jy_error e;
		if (!upload("a-clerk", &u, &e))
			fail_msg("%s: %s", files[i].name, e.message);
		assert_true(u.event_sequence_done > 0);
		snprintf(back, sizeof back, "%s.back", path);
		download_ok("deputy-wang", u.attachment_id, back);
		if (!same_file(path, back))
			fail_msg("%s came back different", files[i].name);
		Jianyi__Envelope *env;
		assert_true(jy_call_attach_list(cx("deputy-wang"), 0, u.attachment_id, &env, &e));
		const Jianyi__Attachment *a = env->response->attach_list->attachments[0];
		assert_string_equal(a->mime_type, files[i].mime);
		assert_string_equal(a->name, files[i].name);
		assert_string_equal(a->attached_to, "reply");
		assert_true(a->finished);
		jy_envelope_free(env);
	}
	/* The case lists them all, and its timeline has an attach event each. */
	Jianyi__Envelope *g = wf_get_ok(cx("deputy-wang"), k.id);
	const Jianyi__GetSuggestionResponse *gs = g->response->get_suggestion;
	assert_int_equal(gs->n_attachments, sizeof files / sizeof files[0]);
	size_t attach_events = 0;
	for (size_t i = 0; i < gs->n_timeline; i++)
		attach_events += strcmp(gs->timeline[i]->kind, "attach") == 0;
	assert_int_equal(attach_events, sizeof files / sizeof files[0]);
	jy_envelope_free(g);
}

/* ---- refusals ----------------------------------------------------------------- */

static void wrong_type_refused_by_content(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "伪装的程序");
	static const unsigned char exe[] = { 'M', 'Z', 0x90, 0, 3, 0, 0, 0 };
	char path[512];
	make_file(path, sizeof path, "scan.pdf", exe, sizeof exe, 4000);
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	struct jy_error e;
	assert_false(upload("a-clerk", &u, &e));
	assert_int_equal(e.code, INVALID);
	if (!strstr(e.message, "is not a PDF") || strcmp(e.reason, "file_type") != 0)
		fail_msg("refusal: %s (%s)", e.message, e.reason);
	/* A legacy Office container named neither .doc nor .xls is no accepted type. */
	static const unsigned char ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	make_file(path, sizeof path, "macro.bin", ole, sizeof ole, 4000);
	struct jy_upload u2 = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	assert_false(upload("a-clerk", &u2, &e));
	assert_int_equal(e.code, INVALID);
	assert_int_equal(sql_id("SELECT count(*) FROM attachments WHERE finished_at IS NOT NULL"
				" AND suggestion_id = $1::bigint", id_str(k.id)), 0);
}

/* The server hashes what it stored; a declared SHA-256 that differs is refused. */
static void declared_hash_is_checked(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "校验值不符");
	static const unsigned char pdf[] = "%PDF-1.4\n";
	char path[512];
	make_file(path, sizeof path, "hash.pdf", pdf, sizeof pdf - 1, 600000);
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply",
			       .size = 600000 + sizeof pdf - 1 };
	snprintf(u.key_, sizeof u.key_, "attach-wrong-hash-%lld", (long long)k.id);
	memset(u.sha256, 'a', 64);
	struct jy_error e;
	assert_false(upload("a-clerk", &u, &e));
	assert_int_equal(e.code, PRECOND);
	if (!strstr(e.message, "not to the declared SHA-256") ||
	    strcmp(e.reason, "checksum_mismatch") != 0)
		fail_msg("refusal: %s (%s)", e.message, e.reason);
	assert_int_equal(sql_id("SELECT count(*) FROM attachments WHERE finished_at IS NULL"
				" AND received = size AND id = $1::bigint", id_str(u.attachment_id)), 1);
}

static void name_with_a_path_is_sanitized(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "名字里的路径");
	static const unsigned char pdf[] = "%PDF-1.4\n";
	char path[512];
	make_file(path, sizeof path, "plain.pdf", pdf, sizeof pdf - 1, 100);
	struct jy_upload u = { .path = path, .name = "../../etc/pass\twd\x01.pdf", .suggestion_id = k.id,
			       .attached_to = "reply" };
	struct jy_error e;
	if (!upload("a-clerk", &u, &e))
		fail_msg("%s", e.message);
	Jianyi__Envelope *env;
	assert_true(jy_call_attach_list(cx("a-clerk"), 0, u.attachment_id, &env, &e));
	const char *name = env->response->attach_list->attachments[0]->name;
	assert_null(strchr(name, '/'));
	assert_null(strchr(name, '\t'));
	assert_string_equal(name, ".._.._etc_pass_wd_.pdf");
	jy_envelope_free(env);
	/* Nothing but dots is no name. */
	struct jy_upload u2 = { .path = path, .name = "..", .suggestion_id = k.id, .attached_to = "reply" };
	assert_false(upload("a-clerk", &u2, &e));
	assert_int_equal(e.code, INVALID);
	assert_string_equal(e.reason, "bad_file_name");
}

static void over_the_limit_refused(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "超大附件");
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachBeginRequest b = JIANYI__ATTACH_BEGIN_REQUEST__INIT;
	b.idempotency_key = "too-big-1";
	b.suggestion_id = k.id;
	b.attached_to = "reply";
	b.name = "大文件.pdf";
	b.size = 50LL * 1024 * 1024 + 1;
	b.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_BEGIN;
	req.attach_begin = &b;
	char msg[512];
	Jianyi__Envelope *env;
	assert_int_equal(wf_call(cx("a-clerk"), &req, &env, msg, sizeof msg), INVALID);
	if (!strstr(msg, "52428801") || !strstr(msg, "52428800") || !strstr(msg, "attachment_max_bytes"))
		fail_msg("refusal: %s", msg);
	/* At the limit it begins. */
	b.idempotency_key = "too-big-2";
	b.size = 50LL * 1024 * 1024;
	assert_int_equal(wf_call(cx("a-clerk"), &req, &env, msg, sizeof msg), OK);
	jy_envelope_free(env);
}

/* ---- uploads given up ------------------------------------------------------- */

/* Begins an upload of 1000 bytes on k's reply and sends only its first
 * bytes, as a client that gave up would; its id. */
static int64_t begin_unfinished(const struct kase *k, const char *name)
{
	static const char pdf[] = "%PDF-1.7\n";
	char key[96], msg[512];
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachBeginRequest b = JIANYI__ATTACH_BEGIN_REQUEST__INIT;
	Jianyi__AttachPutRequest p = JIANYI__ATTACH_PUT_REQUEST__INIT;
	Jianyi__Envelope *env;

	snprintf(key, sizeof key, "given-up-%s-%lld", name, (long long)k->id);
	b.idempotency_key = key;
	b.suggestion_id = k->id;
	b.attached_to = "reply";
	b.name = (char *)name;
	b.size = 1000;
	b.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_BEGIN;
	req.attach_begin = &b;
	if (wf_call(cx("a-clerk"), &req, &env, msg, sizeof msg) != OK)
		fail_msg("begin %s: %s", name, msg);
	int64_t id = env->response->attach_begin->attachment->id;
	jy_envelope_free(env);
	snprintf(key, sizeof key, "given-up-%s-%lld-put", name, (long long)k->id);
	p.idempotency_key = key;
	p.attachment_id = id;
	p.data.data = (uint8_t *)pdf;
	p.data.len = sizeof pdf - 1;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_PUT;
	req.attach_put = &p;
	if (wf_call(cx("a-clerk"), &req, &env, msg, sizeof msg) != OK)
		fail_msg("put %s: %s", name, msg);
	jy_envelope_free(env);
	return id;
}

/* An upload begun longer ago than attachment_unfinished_hours (48) and
 * never finished is removed with its chunks by the periodic job; a fresh
 * unfinished one and an old finished one stay. */
static void given_up_uploads_removed(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "半途而废的上传");
	int64_t old = begin_unfinished(&k, "old.pdf");
	int64_t fresh = begin_unfinished(&k, "fresh.pdf");
	static const unsigned char pdf[] = "%PDF-1.4\n";
	char path[512];
	make_file(path, sizeof path, "已完成.pdf", pdf, sizeof pdf - 1, 2000);
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	struct jy_error e;
	if (!upload("a-clerk", &u, &e))
		fail_msg("%s", e.message);
	const char *back = "UPDATE attachments SET begun_at = now() - interval '49 hours' "
			   "WHERE id = $1::bigint";
	sql_exec(back, id_str(old));
	sql_exec(back, id_str(u.attachment_id));

	/* a second server whose job runs every second */
	struct server_proc s2;
	server_start(&H, &s2, "[jobs]\ninterval = 1");
	int waited = 0;
	while (sql_id("SELECT count(*) FROM attachments WHERE id = $1::bigint", id_str(old)) > 0 &&
	       waited < 100) {
		usleep(100 * 1000);
		waited++;
	}
	assert_int_equal(server_stop(&s2, SIGTERM, 10000), 0);
	if (waited == 100)
		fail_msg("the upload begun 49 hours ago was not removed in 10 s");
	assert_int_equal(sql_id("SELECT count(*) FROM attachment_chunks WHERE attachment_id = $1::bigint",
				id_str(old)), 0);
	assert_int_equal(sql_id("SELECT count(*) FROM attachment_chunks WHERE attachment_id = $1::bigint",
				id_str(fresh)), 1);
	assert_int_equal(sql_id("SELECT count(*) FROM attachments WHERE id = $1::bigint "
				"AND finished_at IS NOT NULL", id_str(u.attachment_id)), 1);
}

static void others_cannot_list_or_fetch(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "别家的附件");
	static const unsigned char pdf[] = "%PDF-1.4\n";
	char path[512];
	make_file(path, sizeof path, "内部.pdf", pdf, sizeof pdf - 1, 2000);
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	struct jy_error e;
	if (!upload("a-clerk", &u, &e))
		fail_msg("%s", e.message);
	Jianyi__Envelope *env = NULL;
	/* Unit C has nothing to do with the case; the public reads no
	 * attachment that is not marked public. */
	const char *outsiders[] = { "c-clerk", "visitor" };
	for (size_t i = 0; i < 2; i++) {
		assert_false(jy_call_attach_list(cx(outsiders[i]), k.id, 0, &env, &e));
		assert_int_equal(e.code, DENIED);
		if (env)
			jy_envelope_free(env), env = NULL;
		assert_false(jy_call_attach_list(cx(outsiders[i]), 0, u.attachment_id, &env, &e));
		assert_int_equal(e.code, DENIED);
		if (env)
			jy_envelope_free(env), env = NULL;
		char out[512];
		snprintf(out, sizeof out, "%s/stolen-%zu.pdf", H.dir, i);
		struct jy_download d = { .attachment_id = u.attachment_id, .path = out };
		assert_false(jy_download_file(cx(outsiders[i]), &d, &e));
		assert_int_equal(e.code, DENIED);
		assert_int_not_equal(access(out, F_OK), 0);
	}
	/* Nor may unit C attach to unit A's reply. */
	struct jy_upload u2 = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	assert_false(upload("c-clerk", &u2, &e));
	assert_int_equal(e.code, DENIED);
}

/* ---- a link cut in the middle ----------------------------------------------------- */

/* A connection as who through the relay. */
static struct jy_client *via(struct harness_relay *r, const char *who)
{
	struct jy_client_options o;
	char buf[2048], server[64];
	struct jy_error e;
	client_opts(&H, &S, who, &o, buf, sizeof buf);
	snprintf(server, sizeof server, "127.0.0.1:%d", harness_relay_port(r));
	o.server = server;
	struct jy_client *c = jy_connect(&o, &e);
	if (!c)
		fail_msg("connect through the relay: %s", e.message);
	return c;
}

static void big_file_resumes_both_ways(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "二十兆的答复函");
	static const unsigned char pdf[] = "%PDF-1.7\n";
	char path[512], back[600];
	make_file(path, sizeof path, "big.pdf", pdf, sizeof pdf - 1, BIG_BYTES - (sizeof pdf - 1));
	struct jy_error e;

	/* Up: the link is cut after about half of the file. */
	struct harness_relay *relay = harness_relay_start(S.port, (struct relay_cuts){
		.once_after_bytes = BIG_BYTES / 2 });
	struct jy_client *c = via(relay, "a-clerk");
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply", .public_ = true };
	assert_false(jy_upload_file(c, &u, &e));
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE);
	assert_int_equal(harness_relay_cut_count(relay), 1);
	jy_close(c);
	int64_t stored = sql_id("SELECT received FROM attachments WHERE id = $1::bigint",
				id_str(u.attachment_id));
	assert_true(stored > 0 && stored < BIG_BYTES);
	c = via(relay, "a-clerk");
	if (!jy_upload_file(c, &u, &e))
		fail_msg("the resumed upload: %s", e.message);
	jy_close(c);
	assert_int_equal(u.resumed_from, stored);
	assert_int_equal(sql_id("SELECT size FROM attachments WHERE finished_at IS NOT NULL"
				" AND id = $1::bigint", id_str(u.attachment_id)), BIG_BYTES);
	harness_relay_end(relay);

	/* Down: cut again after about half; the part file is continued. */
	relay = harness_relay_start(S.port, (struct relay_cuts){ .once_after_bytes = BIG_BYTES / 2 });
	snprintf(back, sizeof back, "%s/big-back.pdf", H.dir);
	c = via(relay, "deputy-wang");
	struct jy_download d = { .attachment_id = u.attachment_id, .path = back };
	assert_false(jy_download_file(c, &d, &e));
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE);
	jy_close(c);
	c = via(relay, "deputy-wang");
	if (!jy_download_file(c, &d, &e))
		fail_msg("the resumed download: %s", e.message);
	jy_close(c);
	harness_relay_end(relay);
	assert_true(d.resumed_from > 0 && d.resumed_from < BIG_BYTES);
	assert_int_equal(d.size, BIG_BYTES);
	assert_true(same_file(path, back));
}

/* ---- progress in bytes ---------------------------------------------------------------- */

#define MAX_TOLD 64

/* What a transfer told (jy_progress_fn). */
struct told {
	int n;
	int64_t done[MAX_TOLD], total[MAX_TOLD];
};

static void on_progress(int64_t done, int64_t total, void *user)
{
	struct told *t = user;

	if (t->n < MAX_TOLD) {
		t->done[t->n] = done;
		t->total[t->n] = total;
	}
	t->n++;
}

/* Each count of total, growing from first to size, several chunks apart. */
static void assert_grows_to(const struct told *t, const char *what, int64_t first, int64_t size)
{
	if (t->n < 3 || t->n > MAX_TOLD)
		fail_msg("%s told its progress %d times, not once a chunk", what, t->n);
	assert_int_equal(t->done[0], first);
	for (int i = 0; i < t->n; i++) {
		if (t->total[i] != size)
			fail_msg("%s: call %d said the total is %lld, not %lld", what, i,
				 (long long)t->total[i], (long long)size);
		if (i > 0 && t->done[i] <= t->done[i - 1])
			fail_msg("%s: call %d said %lld bytes after %lld", what, i,
				 (long long)t->done[i], (long long)t->done[i - 1]);
	}
	assert_int_equal(t->done[t->n - 1], size);
}

static void progress_told_in_bytes(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "进度以字节计");
	static const unsigned char pdf[] = "%PDF-1.7\n";
	const int64_t size = 3 * JY_ATTACH_CHUNK_MAX + 1000;
	char path[512], back[600];
	make_file(path, sizeof path, "进度.pdf", pdf, sizeof pdf - 1, (size_t)size - (sizeof pdf - 1));
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	struct jy_error e;
	struct told up = { 0 }, down = { 0 };

	if (!jy_upload_file_progress(cx("a-clerk"), &u, on_progress, &up, &e))
		fail_msg("upload: %s", e.message);
	assert_grows_to(&up, "the upload", 0, size);
	snprintf(back, sizeof back, "%s.back", path);
	struct jy_download d = { .attachment_id = u.attachment_id, .path = back };
	if (!jy_download_file_progress(cx("deputy-wang"), &d, on_progress, &down, &e))
		fail_msg("download: %s", e.message);
	assert_grows_to(&down, "the download", down.done[0], size);
	assert_true(down.done[0] > 0);
	assert_true(same_file(path, back));
}

/* ---- the CLI and the portal ---------------------------------------------------------- */

/* A file of printable bytes (the portal's answer is read as text). */
static void make_text_file(char *path, size_t len, const char *name, size_t n)
{
	snprintf(path, len, "%s/%s", H.dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("%PDF-1.5\n", f);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i * 7 % 26), f);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static int cli_as(const char *who, const char *args, char *out, size_t outlen)
{
	static char err[8192];
	struct cli_call c = { .sp = &S, .who = who };
	int rc = harness_cli_run(&H, &c, args, out, outlen, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "jianyi %s: exit %d: %s\n", args, rc, err);
	return rc;
}

static int64_t json_int(const char *text, const char *key)
{
	json_object *o = json_tokener_parse(text), *v;
	assert_non_null(o);
	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no %s in %s", key, text);
	int64_t n = json_object_get_int64(v);
	json_object_put(o);
	return n;
}

static void cli_and_portal(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "公开的答复函");
	char pub[512], priv[512], back[600], args[2048];
	static char out[65536];
	make_text_file(pub, sizeof pub, "答复函-公开.pdf", 600000);
	make_text_file(priv, sizeof priv, "内部说明.pdf", 1000);

	/* The CLI attaches, lists and downloads. */
	snprintf(args, sizeof args, "attach %lld '%s' --to reply --public --json", (long long)k.id, pub);
	assert_int_equal(cli_as("a-clerk", args, out, sizeof out), 0);
	int64_t pub_id = json_int(out, "attachment_id");
	snprintf(args, sizeof args, "attach %lld '%s' --to reply --json", (long long)k.id, priv);
	assert_int_equal(cli_as("a-clerk", args, out, sizeof out), 0);
	int64_t priv_id = json_int(out, "attachment_id");
	snprintf(args, sizeof args, "attachments %lld", (long long)k.id);
	assert_int_equal(cli_as("deputy-wang", args, out, sizeof out), 0);
	assert_non_null(strstr(out, "答复函-公开.pdf"));
	assert_non_null(strstr(out, "内部说明.pdf"));
	snprintf(back, sizeof back, "%s/cli-back.pdf", H.dir);
	snprintf(args, sizeof args, "download %lld --output '%s'", (long long)pub_id, back);
	assert_int_equal(cli_as("deputy-wang", args, out, sizeof out), 0);
	assert_true(same_file(pub, back));
	/* The timeline says it, in Chinese too. */
	struct cli_call zh = { .sp = &S, .who = "deputy-wang",
			       .env = "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=zh_CN.UTF-8" };
	static char zerr[8192];
	snprintf(args, sizeof args, "show %lld", (long long)k.id);
	assert_int_equal(harness_cli_run(&H, &zh, args, out, sizeof out, zerr, sizeof zerr), 0);
	if (!strstr(out, "上传附件“答复函-公开.pdf”，附于答复"))
		fail_msg("the timeline does not tell of the attachment:\n%s", out);
	/* A public attachment only on a reply. */
	snprintf(args, sizeof args, "attach %lld '%s' --to plan --public", (long long)k.id, priv);
	assert_int_not_equal(cli_as("a-clerk", args, out, sizeof out), 0);

	/* Unpublished: the portal has neither. */
	struct wf_http r;
	char target[64];
	snprintf(target, sizeof target, "/a/%lld", (long long)pub_id);
	wf_http_get(target, &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);

	/* Published: the public one, listed and served byte for byte; never the other. */
	assert_int_equal(harness_admin(&H, "publish", "--id", id_str(k.id), NULL), 0);
	snprintf(target, sizeof target, "/s/%lld", (long long)k.id);
	wf_http_get(target, &r);
	assert_int_equal(r.status, 200);
	char link[64];
	snprintf(link, sizeof link, "/a/%lld\"", (long long)pub_id);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, "答复函-公开.pdf"));
	snprintf(link, sizeof link, "/a/%lld\"", (long long)priv_id);
	assert_null(strstr(r.body, link));
	assert_null(strstr(r.body, "内部说明.pdf"));
	wf_http_free(&r);

	snprintf(target, sizeof target, "/a/%lld", (long long)pub_id);
	wf_http_get(target, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.head, "Content-Type: application/pdf"));
	assert_non_null(strstr(r.head, "filename*=UTF-8''%E7%AD%94"));
	char *want = slurp(pub);
	assert_int_equal(strlen(r.body), strlen(want));
	assert_true(strcmp(r.body, want) == 0);
	free(want);
	wf_http_free(&r);

	snprintf(target, sizeof target, "/a/%lld", (long long)priv_id);
	wf_http_get(target, &r);
	assert_int_equal(r.status, 404);
	wf_http_free(&r);

	/* A visitor who leaves in the middle of a download costs nothing after. */
	for (int i = 0; i < 3; i++) {
		int fd = wf_http_connect();
		char get[128], buf[4096];
		int n = snprintf(get, sizeof get, "GET /a/%lld HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
				 (long long)pub_id);
		assert_int_equal(write(fd, get, (size_t)n), n);
		assert_true(read(fd, buf, sizeof buf) > 0);
		close(fd);
	}
	usleep(300000);
	wf_http_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	wf_http_free(&r);
}

static void mirror_reads_them_offline(void **state)
{
	(void)state;
	struct kase k;
	replied_case(&k, "离线阅读的附件");
	static const unsigned char pdf[] = "%PDF-1.6\n";
	char path[512], back[600], mirror[512], args[1024];
	static char out[65536], err[8192];
	make_file(path, sizeof path, "离线.pdf", pdf, sizeof pdf - 1, 700000);
	struct jy_upload u = { .path = path, .suggestion_id = k.id, .attached_to = "reply" };
	struct jy_error e;
	if (!upload("a-clerk", &u, &e))
		fail_msg("%s", e.message);

	snprintf(mirror, sizeof mirror, "%s/wang.mirror", H.dir);
	struct cli_call c = { .sp = &S, .who = "deputy-wang", .mirror = mirror };
	if (harness_cli_run(&H, &c, "sync", out, sizeof out, err, sizeof err) != 0)
		fail_msg("sync: %s", err);
	/* The server is not asked: --offline reads only the mirror. */
	snprintf(args, sizeof args, "--offline attachments %lld --json", (long long)k.id);
	if (harness_cli_run(&H, &c, args, out, sizeof out, err, sizeof err) != 0)
		fail_msg("attachments --offline: %s", err);
	assert_non_null(strstr(out, "离线.pdf"));
	snprintf(back, sizeof back, "%s/offline-back.pdf", H.dir);
	snprintf(args, sizeof args, "--offline download %lld --output '%s'", (long long)u.attachment_id, back);
	if (harness_cli_run(&H, &c, args, out, sizeof out, err, sizeof err) != 0)
		fail_msg("download --offline: %s", err);
	assert_true(same_file(path, back));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(each_type_round_trips, wf_each),
		cmocka_unit_test_setup(wrong_type_refused_by_content, wf_each),
		cmocka_unit_test_setup(declared_hash_is_checked, wf_each),
		cmocka_unit_test_setup(name_with_a_path_is_sanitized, wf_each),
		cmocka_unit_test_setup(over_the_limit_refused, wf_each),
		cmocka_unit_test_setup(given_up_uploads_removed, wf_each),
		cmocka_unit_test_setup(others_cannot_list_or_fetch, wf_each),
		cmocka_unit_test_setup(big_file_resumes_both_ways, wf_each),
		cmocka_unit_test_setup(progress_told_in_bytes, wf_each),
		cmocka_unit_test_setup(cli_and_portal, wf_each),
		cmocka_unit_test_setup(mirror_reads_them_offline, wf_each),
	};
	if (getenv("JIANYI_TEST_FILTER"))   /* one test by name, as test_session.c */
		cmocka_set_test_filter(getenv("JIANYI_TEST_FILTER"));
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
