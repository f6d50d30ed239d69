/* Enrollment (issue "First run and sign-in"; docs/ARCHITECTURE.md
 * "Enrollment"): a one-time code from `jianyid admin enroll-code` and a key
 * made on the client give a certificate bound to the code's account. The
 * code works once (of two uses at once, one wins) and expires; wrong codes
 * are counted; a connection without a certificate may do nothing else; the
 * subject comes from the account; a revoked enrolled certificate is
 * refused; the CLI says in Chinese why a code does not work. Real PostgreSQL, real jianyid, real TLS, the real CLI. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

static struct harness H;
static struct server_proc S;
static char server_addr[64];
static int dir_counter;

#define ADDRESS_LIMIT 40

static void run_pki_issuing(void)
{
	char cmd[1024];
	const char *root = getenv("JIANYI_SOURCE_ROOT");
	snprintf(cmd, sizeof cmd, "%s/deploy/pki issuing %s 2>/dev/null", root ? root : ".", H.pki);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	run_pki_issuing();
	char ini[1200];
	snprintf(ini, sizeof ini,
		 "[server]\nhandshake_timeout = %3$d\n"
		 "[enroll]\nissuing_cert = %1$s/issuing.crt\nissuing_key = %1$s/issuing.key\n"
		 "cert_days = 30\naddress_failures_per_hour = %2$d\n",
		 H.pki, ADDRESS_LIMIT, 3 * harness_time_scale());
	server_start(&H, &S, ini);
	snprintf(server_addr, sizeof server_addr, "127.0.0.1:%d", S.port);
	harness_batch(&H, "account-add --login erin --name 鄂琳 --org 县教育局 --roles unit_clerk\n"
			  "account-add --login fay --name 费雅 --org 县教育局 --roles unit_clerk\n"
			  "account-add --login gus --name 顾山 --org 县教育局 --roles unit_clerk\n"
			  "account-add --login hal --name 韩乐 --org 县教育局 --roles unit_clerk\n"
			  "account-add --login ivy --name 尹怡 --org 县教育局 --roles unit_clerk\n"
			  "account-add --login jon --name 江农 --org 县教育局 --roles unit_clerk\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_teardown(&H, &S);
	return 0;
}

/* One SQL statement with one text parameter (NULL: none); its first value. */
static void sql(const char *query, const char *param, char *out, size_t outlen)
{
	PGconn *conn = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	const char *p[1] = { param };
	PGresult *res = PQexecParams(conn, query, param ? 1 : 0, NULL, p, NULL, NULL, 0);
	int st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		fail_msg("%s: %s", query, PQerrorMessage(conn));
	if (out)
		snprintf(out, outlen, "%s", st == PGRES_TUPLES_OK && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	PQfinish(conn);
}

/* `jianyid admin enroll-code --login login [extra]`: the code it prints. */
static void make_code(const char *login, const char *extra, char *code, size_t len)
{
	char cmd[1200];
	const char *jianyid = getenv("JIANYID");
	snprintf(cmd, sizeof cmd, "%s admin --database '%s' enroll-code --login %s %s 2>/dev/null",
		 jianyid ? jianyid : "jianyid", H.pg.conninfo, login, extra ? extra : "");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(code, (int)len, p));
	assert_int_equal(pclose(p), 0);
	code[strcspn(code, "\n")] = '\0';
	assert_non_null(strchr(code, '-'));
}

/* A fresh folder name under the harness (not created). */
static void new_dir(char *dir, size_t len)
{
	snprintf(dir, len, "%s/enrolled-%d", H.dir, ++dir_counter);
}

static bool enroll(const char *code, const char *dir, struct jy_enroll_result *r, struct jy_error *e)
{
	char ca[320];
	snprintf(ca, sizeof ca, "%s/ca.crt", H.pki);
	struct jy_enroll_options o = { .server = server_addr, .ca_file = ca, .code = code,
				       .out_dir = dir, .timeout_ms = 10000 * harness_time_scale() };
	return jy_enroll(&o, r, e);
}

static struct jy_client *connect_with(const char *dir, struct jy_error *e)
{
	char cert[400], key[400], ca[400];
	snprintf(cert, sizeof cert, "%s/client.crt", dir);
	snprintf(key, sizeof key, "%s/client.key", dir);
	snprintf(ca, sizeof ca, "%s/ca.crt", dir);
	struct jy_client_options o = { .server = server_addr, .cert_file = cert, .key_file = key,
				       .ca_file = ca, .timeout_ms = 10000 * harness_time_scale(),
				       .no_resume = true };
	return jy_connect(&o, e);
}

/* Refused with status, a message holding needle, and reason (docs/WORKFLOW.md "Reasons"). */
static void assert_refused(const char *code, int status, const char *needle, const char *reason)
{
	char dir[400];
	struct jy_error e = { 0 };
	new_dir(dir, sizeof dir);
	assert_false(enroll(code, dir, NULL, &e));
	if (e.code != status || !strstr(e.message, needle) || strcmp(e.reason, reason) != 0)
		fail_msg("expected %s with '%s' (%s), got %s: %s (%s)", jy_status_str(status), needle,
			 reason, jy_status_str(e.code), e.message, e.reason);
	/* A refused enrollment leaves no key behind. */
	char key[440];
	snprintf(key, sizeof key, "%s/client.key", dir);
	assert_int_not_equal(access(key, F_OK), 0);
}

static void enroll_then_whoami(void **state)
{
	(void)state;
	char code[128], dir[400];
	struct jy_enroll_result r;
	struct jy_error e = { 0 };
	make_code("erin", NULL, code, sizeof code);
	new_dir(dir, sizeof dir);
	if (!enroll(code, dir, &r, &e))
		fail_msg("enroll: %s", e.message);
	assert_string_equal(r.login, "erin");
	/* The key never left: it is ours, private, and matches the certificate. */
	char key[440];
	struct stat st;
	snprintf(key, sizeof key, "%s/client.key", dir);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	struct jy_client *c = connect_with(dir, &e);
	if (!c)
		fail_msg("connect with the enrolled certificate: %s", e.message);
	const Jianyi__Welcome *w = jy_welcome(c);
	assert_string_equal(w->identity->login, "erin");
	assert_string_equal(w->identity->certificate_sha256, r.cert_sha256);
	jy_close(c);
	/* The database keeps only the secret's hash, and the code is used. */
	char v[200];
	sql("SELECT count(*) FROM enrollment_codes WHERE used_at IS NOT NULL AND secret_sha256 = $1",
	    strchr(code, '-') + 1, v, sizeof v);
	assert_string_equal(v, "0");
	sql("SELECT count(*) FROM enrollment_codes WHERE used_at IS NOT NULL AND certificate_sha256 = $1",
	    r.cert_sha256, v, sizeof v);
	assert_string_equal(v, "1");
}

/* The CLI: jianyi enroll, then jianyi --config DIR/client.ini whoami. */
static void cli_enroll_then_whoami(void **state)
{
	(void)state;
	char code[128], dir[400], args[1200], out[4096], err[2048];
	make_code("jon", NULL, code, sizeof code);
	new_dir(dir, sizeof dir);
	struct cli_call call = { .sp = &S, .who = "alice", .env = "LANGUAGE=C LANG=C.UTF-8" };
	snprintf(args, sizeof args, "enroll --code %s --out %s", code, dir);
	int rc = harness_cli_run(&H, &call, args, out, sizeof out, err, sizeof err);
	if (rc != 0)
		fail_msg("jianyi enroll: %d: %s", rc, err);
	assert_non_null(strstr(out, "jon"));
	/* Only the settings file: no JIANYI_CERT and co. in the environment. */
	snprintf(args, sizeof args, "env -i PATH=/usr/bin:/bin HOME=%s LANGUAGE=C LANG=C.UTF-8 %s --config %s/client.ini --json whoami",
		 H.dir, harness_cli(&H), dir);
	FILE *p = popen(args, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(out, "\"login\":\"jon\""));
}

static void code_works_once(void **state)
{
	(void)state;
	char code[128], dir[400];
	struct jy_enroll_result r;
	struct jy_error e = { 0 };
	make_code("fay", NULL, code, sizeof code);
	new_dir(dir, sizeof dir);
	assert_true(enroll(code, dir, &r, &e));
	assert_refused(code, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION, "already used",
		       "enroll_code_used");
}

static void expired_code_refused(void **state)
{
	(void)state;
	char code[128];
	make_code("gus", "--valid-hours 1", code, sizeof code);
	char id[32];
	snprintf(id, sizeof id, "%.*s", (int)(strchr(code, '-') - code), code);
	sql("UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE id = $1::bigint",
	    id, NULL, 0);
	assert_refused(code, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION, "expired",
		       "enroll_code_expired");
	/* Validity is bounded. */
	char cmd[1200];
	const char *jianyid = getenv("JIANYID");
	snprintf(cmd, sizeof cmd, "%s admin --database '%s' enroll-code --login gus --valid-hours 721 "
		 ">/dev/null 2>&1", jianyid ? jianyid : "jianyid", H.pg.conninfo);
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
}

static void wrong_code_refused_and_counted(void **state)
{
	(void)state;
	char code[128], wrong[128], v[64], id[32];
	make_code("hal", NULL, code, sizeof code);
	snprintf(id, sizeof id, "%.*s", (int)(strchr(code, '-') - code), code);
	snprintf(wrong, sizeof wrong, "%s-%s", id, "0123456789abcdef0123456789abcdef");
	sql("SELECT count(*) FROM enrollment_failures WHERE address = '127.0.0.1'", NULL, v, sizeof v);
	long before = atol(v);
	assert_refused(wrong, JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED, "not valid",
		       "enroll_code_wrong");
	assert_refused("not a code", JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED, "not valid",
		       "enroll_code_wrong");
	sql("SELECT failed_attempts FROM enrollment_codes WHERE id = $1::bigint", id, v, sizeof v);
	assert_string_equal(v, "1");
	sql("SELECT count(*) FROM enrollment_failures WHERE address = '127.0.0.1'", NULL, v, sizeof v);
	assert_int_equal(atol(v), before + 2);
	/* Four more wrong secrets void the code: the right one no longer works. */
	for (int i = 0; i < 4; i++)
		assert_refused(wrong, JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED, "not valid",
			       "enroll_code_wrong");
	assert_refused(code, JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED, "voided",
		       "enroll_code_voided");
}

/* Too many failures from one address: refused before the code is looked at. */
static void address_limit(void **state)
{
	(void)state;
	char code[128], v[64], n[24];
	make_code("ivy", NULL, code, sizeof code);
	sql("SELECT count(*) FROM enrollment_failures WHERE address = '127.0.0.1'", NULL, v, sizeof v);
	snprintf(n, sizeof n, "%ld", ADDRESS_LIMIT - atol(v));
	sql("INSERT INTO enrollment_failures (address) SELECT '127.0.0.1' FROM generate_series(1, $1::int)",
	    n, NULL, 0);
	assert_refused(code, JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED, "too many",
		       "enroll_address_limit");
	sql("DELETE FROM enrollment_failures WHERE address = $1", "127.0.0.1", NULL, 0);
	char dir[400];
	struct jy_enroll_result r;
	struct jy_error e = { 0 };
	new_dir(dir, sizeof dir);
	if (!enroll(code, dir, &r, &e))
		fail_msg("enroll after the failures were cleared: %s", e.message);
}

struct racer {
	const char *code;
	char dir[400];
	bool ok;
	struct jy_error e;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct jy_enroll_result res;
	r->ok = enroll(r->code, r->dir, &res, &r->e);
	return NULL;
}

static void concurrent_use_one_wins(void **state)
{
	(void)state;
	char code[128];
	harness_batch(&H, "account-add --login kim --name 金敏 --org 县教育局 --roles unit_clerk\n");
	make_code("kim", NULL, code, sizeof code);
	/* Hold the code's row while the uses arrive, so that every one has
	 * passed the check (each waits for the lock, then finds the code
	 * unused) before the first redeems: only the redeem's own lock and
	 * check can then keep all but one from winning. */
	char id[32];
	snprintf(id, sizeof id, "%.*s", (int)(strchr(code, '-') - code), code);
	PGconn *holder = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(holder), CONNECTION_OK);
	PQclear(PQexec(holder, "BEGIN"));
	const char *p[1] = { id };
	PGresult *res = PQexecParams(holder, "SELECT 1 FROM enrollment_codes WHERE id = $1::bigint FOR UPDATE",
				     1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);
	enum { N = 4 };
	struct racer r[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].code = code;
		new_dir(r[i].dir, sizeof r[i].dir);
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	usleep(1500u * 1000u * (unsigned)harness_time_scale());
	PQclear(PQexec(holder, "COMMIT"));
	PQfinish(holder);
	int won = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (r[i].ok)
			won++;
		else if (r[i].e.code != JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION)
			fail_msg("a losing use: %s: %s", jy_status_str(r[i].e.code), r[i].e.message);
	}
	assert_int_equal(won, 1);
	char v[64];
	sql("SELECT count(*) FROM certificates c JOIN accounts a ON a.id = c.account_id WHERE a.login = $1",
	    "kim", v, sizeof v);
	assert_string_equal(v, "1");
}

/* Hello without a certificate, then envelope env on the same connection. */
static SSL *anonymous_hello(void)
{
	SSL *ssl = raw_tls_connect(&H, &S, NULL);
	assert_non_null(ssl);
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__Hello hello = JIANYI__HELLO__INIT;
	hello.protocol_version = 1;
	req.body_case = JIANYI__REQUEST__BODY_HELLO;
	req.hello = &hello;
	assert_true(raw_send_request(ssl, 1, &req));
	Jianyi__Envelope *env = raw_read_envelope(ssl, 5000 * harness_time_scale());
	assert_non_null(env);
	assert_int_equal(env->response->status ? env->response->status->code : 0, 0);
	assert_int_equal(env->response->body_case, JIANYI__RESPONSE__BODY_WELCOME);
	/* Nobody: no identity. */
	assert_null(env->response->welcome->identity);
	jy_envelope_free(env);
	return ssl;
}

/* The session's last word: refused with reason enroll_only. */
static void expect_final(SSL *ssl, uint64_t id, int code, const char *needle)
{
	Jianyi__Envelope *env = raw_read_envelope(ssl, 5000 * harness_time_scale());
	assert_non_null(env);
	assert_int_equal(env->id, id);
	const Jianyi__Status *st = env->response->status;
	if (st->code != (Jianyi__StatusCode)code || !strstr(st->message, needle) ||
	    strcmp(st->reason, "enroll_only") != 0)
		fail_msg("expected %s '%s' (enroll_only), got %d: %s (%s)", jy_status_str(code), needle,
			 st->code, st->message, st->reason);
	jy_envelope_free(env);
}

static void no_certificate_may_only_enroll(void **state)
{
	(void)state;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__WhoAmIRequest w = JIANYI__WHO_AM_IREQUEST__INIT;
	req.body_case = JIANYI__REQUEST__BODY_WHOAMI;
	req.whoami = &w;
	SSL *ssl = anonymous_hello();
	assert_true(raw_send_request(ssl, 2, &req));
	expect_final(ssl, 2, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "may only enroll");
	assert_true(raw_wait_closed(ssl, 5000));
	raw_tls_close(ssl);

	Jianyi__PingRequest ping = JIANYI__PING_REQUEST__INIT;
	req.body_case = JIANYI__REQUEST__BODY_PING;
	req.ping = &ping;
	ssl = anonymous_hello();
	assert_true(raw_send_request(ssl, 2, &req));
	expect_final(ssl, 2, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED, "may only enroll");
	raw_tls_close(ssl);

	/* A frame larger than a Hello's limit is refused. */
	static uint8_t big[5000];
	Jianyi__EnrollRequest er = JIANYI__ENROLL_REQUEST__INIT;
	er.code = "1-x";
	er.csr_der.data = big;
	er.csr_der.len = sizeof big;
	req.body_case = JIANYI__REQUEST__BODY_ENROLL;
	req.enroll = &er;
	ssl = anonymous_hello();
	assert_true(raw_send_request(ssl, 2, &req));
	assert_true(raw_wait_closed(ssl, 5000));
	raw_tls_close(ssl);

	/* Time: an anonymous session that does not enroll is closed at the
	 * handshake deadline (3 s here), not the idle timeout. */
	ssl = anonymous_hello();
	uint64_t t0 = harness_now_ms();
	assert_true(raw_wait_closed(ssl, 6000 * harness_time_scale()));
	assert_true(harness_now_ms() - t0 < 5000u * (unsigned)harness_time_scale());
	raw_tls_close(ssl);
}

/* A CSR for key with subject, DER. */
static int csr_der(EVP_PKEY *key, const char *cn, unsigned char **der)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"evil", -1, -1, 0);
	X509_REQ_set_subject_name(req, name);
	X509_REQ_set_pubkey(req, key);
	X509_REQ_sign(req, key, EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256());
	*der = NULL;
	int n = i2d_X509_REQ(req, der);
	X509_NAME_free(name);
	X509_REQ_free(req);
	return n;
}

/* Sends an EnrollRequest on a fresh anonymous connection; the answer. */
static Jianyi__Envelope *raw_enroll(const char *code, unsigned char *der, int n)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__EnrollRequest er = JIANYI__ENROLL_REQUEST__INIT;
	er.code = (char *)code;
	er.csr_der.data = der;
	er.csr_der.len = (size_t)n;
	req.body_case = JIANYI__REQUEST__BODY_ENROLL;
	req.enroll = &er;
	SSL *ssl = anonymous_hello();
	assert_true(raw_send_request(ssl, 2, &req));
	Jianyi__Envelope *env = raw_read_envelope(ssl, 5000 * harness_time_scale());
	raw_tls_close(ssl);
	assert_non_null(env);
	return env;
}

static void subject_from_account_not_csr(void **state)
{
	(void)state;
	char code[128];
	harness_batch(&H, "account-add --login lee --name 李磊 --org 县教育局 --roles unit_clerk\n");
	make_code("lee", NULL, code, sizeof code);
	unsigned char *der;

	/* A key of another type (RSA) is refused, the code not spent. */
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	int n = csr_der(rsa, "lee", &der);
	Jianyi__Envelope *env = raw_enroll(code, der, n);
	assert_int_equal(env->response->status->code, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(env->response->status->message, "Ed25519 or EC P-256"));
	jy_envelope_free(env);
	OPENSSL_free(der);
	EVP_PKEY_free(rsa);

	/* A request whose signature does not verify is refused. */
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	n = csr_der(key, "alice", &der);
	der[n - 3] ^= 0x55;
	env = raw_enroll(code, der, n);
	assert_int_equal(env->response->status->code, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT);
	jy_envelope_free(env);
	OPENSSL_free(der);

	/* A P-256 request asking to be "alice": the certificate is lee's. */
	n = csr_der(key, "alice", &der);
	env = raw_enroll(code, der, n);
	if (env->response->status && env->response->status->code)
		fail_msg("enroll: %s", env->response->status->message);
	assert_string_equal(env->response->enroll->login, "lee");
	BIO *b = BIO_new_mem_buf(env->response->enroll->certificate_pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_non_null(x);
	char subject[256];
	X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof subject);
	assert_string_equal(subject, "/CN=lee");
	/* cert_days = 30 */
	int days, secs;
	assert_int_equal(ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)), 1);
	assert_true(days >= 29 && days <= 30);
	X509_free(x);
	BIO_free(b);
	jy_envelope_free(env);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
}

static void revoked_enrolled_cert_refused(void **state)
{
	(void)state;
	char code[128], dir[400];
	struct jy_enroll_result r;
	struct jy_error e = { 0 };
	harness_batch(&H, "account-add --login mia --name 苗雅 --org 县教育局 --roles unit_clerk\n");
	make_code("mia", NULL, code, sizeof code);
	new_dir(dir, sizeof dir);
	assert_true(enroll(code, dir, &r, &e));
	struct jy_client *c = connect_with(dir, &e);
	assert_non_null(c);
	jy_close(c);
	assert_int_equal(harness_admin(&H, "cert-revoke", "--sha256", r.cert_sha256, NULL), 0);
	c = connect_with(dir, &e);
	assert_null(c);
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED);
	assert_non_null(strstr(e.message, "revoked"));
}

/* jianyi enroll under zh_CN says plainly why a code does not work (used,
 * expired, not valid) as an enrollment that failed (无法登记), not under
 * the general label of the status kind (当前不能办理, 无权操作). */
static void cli_refusals_in_chinese(void **state)
{
	(void)state;
	char used[128], expired[128], wrong[160], id[32], dir[400];
	struct jy_enroll_result r;
	struct jy_error e = { 0 };
	harness_batch(&H, "account-add --login ned --name 聂德 --org 县教育局 --roles unit_clerk\n");
	make_code("ned", NULL, used, sizeof used);
	new_dir(dir, sizeof dir);
	assert_true(enroll(used, dir, &r, &e));
	make_code("ned", "--valid-hours 1", expired, sizeof expired);
	snprintf(id, sizeof id, "%.*s", (int)(strchr(expired, '-') - expired), expired);
	sql("UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE id = $1::bigint",
	    id, NULL, 0);
	snprintf(wrong, sizeof wrong, "%s-%s", id, "0123456789abcdef0123456789abcdef");
	const struct {
		const char *code, *says;
	} cases[] = {
		{ used, "此登记码已经用过" }, { expired, "过期" }, { wrong, "此登记码无效" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char args[1200], out[4096], err[2048];
		struct cli_call call = { .sp = &S, .who = "alice",
					 .env = "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=zh_CN.UTF-8" };
		new_dir(dir, sizeof dir);
		snprintf(args, sizeof args, "enroll --code %s --out %s", cases[i].code, dir);
		int rc = harness_cli_run(&H, &call, args, out, sizeof out, err, sizeof err);
		if (rc != 1 || !strstr(err, "无法登记") || !strstr(err, cases[i].says) ||
		    strstr(err, "当前不能办理") || strstr(err, "无权操作"))
			fail_msg("jianyi enroll with code %s: exit %d, want 无法登记 and %s:\n%s", cases[i].code,
				 rc, cases[i].says, err);
	}
	sql("DELETE FROM enrollment_failures WHERE address = $1", "127.0.0.1", NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enroll_then_whoami),
		cmocka_unit_test(cli_enroll_then_whoami),
		cmocka_unit_test(code_works_once),
		cmocka_unit_test(expired_code_refused),
		cmocka_unit_test(wrong_code_refused_and_counted),
		cmocka_unit_test(address_limit),
		cmocka_unit_test(concurrent_use_one_wins),
		cmocka_unit_test(no_certificate_may_only_enroll),
		cmocka_unit_test(subject_from_account_not_csr),
		cmocka_unit_test(revoked_enrolled_cert_refused),
		cmocka_unit_test(cli_refusals_in_chinese),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
