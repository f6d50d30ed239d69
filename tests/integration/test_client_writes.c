/* Writes from the CLI through the real jianyi binary, a real jianyid over
 * TLS and a real PostgreSQL (the "Fixes" issue, items 10, 11 and 20):
 *  - a write whose answer is lost (a relay cuts the link right after
 *    forwarding it) is retried once by the CLI with the same idempotency
 *    key and stored once; when the retry's answer is lost too, the CLI
 *    prints the key (and --json gives it), and rerunning with
 *    --idempotency-key stores nothing new;
 *  - three offline writes on one case go out in one 'outbox send', each on
 *    the version its predecessor produced, and the mirror then shows them;
 *  - the mirror file is created 0600. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "harness_relay.h"
#include "wf_helpers.h"

/* A client chunk at least this big is the write (its note is ~5.7 KB);
 * the TLS handshake's and the Hello's are far smaller. */
#define WRITE_CHUNK_MIN 4000

/* ---- running the CLI ------------------------------------------------------ */

/* Runs jianyi args as who against port (0: the server); stdout into out,
 * stderr into err; the exit status. */
static int cli(const char *who, int port, const char *mirror, const char *args, char *out,
	       size_t outlen, char *err, size_t errlen)
{
	struct cli_call c = { .sp = &S, .port = port, .who = who, .mirror = mirror };
	return harness_cli_run(&H, &c, args, out, outlen, err, errlen);
}

static json_object *parse_json(const char *text)
{
	json_object *o = json_tokener_parse(text);
	if (o == NULL)
		fail_msg("not JSON: %s", text);
	return o;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no '%s' in %s", key, json_object_to_json_string(o));
	return json_object_get_string(v);
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v;
	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_int64(v);
}

static int64_t contacts_with(int64_t case_id, const char *note_prefix)
{
	char q[300];
	snprintf(q, sizeof q, "SELECT count(*) FROM events WHERE kind = 'contact' AND "
		 "suggestion_id = %lld AND left(payload->>'note', length($1)) = $1",
		 (long long)case_id);
	return sql_id(q, note_prefix);
}

/* ---- item 10: a lost answer never makes a retry act twice ----------------------- */

/* "contact ID ... --note <prefix + a long note>" args, made on version. */
static void contact_args(char *buf, size_t len, const struct kase *k, const char *prefix,
			 const char *extra)
{
	size_t n = (size_t)snprintf(buf, len, "contact %lld --phase during --method phone "
				    "--version %d %s --note '%s", (long long)k->id, k->version,
				    extra, prefix);
	for (int i = 0; i < 1900 && n + 4 < len; i++, n += 3)
		memcpy(buf + n, "访", 3);
	snprintf(buf + n, len - n, "'");
}

static void lost_answer_retried_once_with_the_same_key(void **state)
{
	(void)state;
	static char args[8192], out[65536], err[16384];
	struct kase k;
	prepare(&k, ST_IN_PROGRESS, "答复丢失的联系", false);

	/* The first answer is lost: the CLI tries once more with the same key,
	 * and the server answers from the write it already made. */
	struct relay_cuts writes = { .large_min = WRITE_CHUNK_MIN, .large = 1 };
	struct harness_relay *relay = harness_relay_start(S.port, writes);
	contact_args(args, sizeof args, &k, "once-", "--json");
	int rc = cli("a-clerk", harness_relay_port(relay), NULL, args, out, sizeof out, err,
		     sizeof err);
	int cuts = harness_relay_cut_count(relay);
	harness_relay_end(relay);
	if (rc != 0 || cuts != 1)
		fail_msg("exit %d, %d cuts; stderr: %s", rc, cuts, err);
	json_object *o = parse_json(out);
	char key[128];
	snprintf(key, sizeof key, "%s", jstr(o, "idempotency_key"));
	assert_true(json_object_get_boolean(json_object_object_get(o, "replayed")));
	json_object_put(o);
	assert_non_null(strstr(err, key));
	assert_int_equal(contacts_with(k.id, "once-"), 1);
	k.version++;

	/* Both answers lost: the CLI says the outcome is unknown and names
	 * the key; --json gives it. */
	writes.large = 2;
	relay = harness_relay_start(S.port, writes);
	contact_args(args, sizeof args, &k, "twice-", "--json");
	rc = cli("a-clerk", harness_relay_port(relay), NULL, args, out, sizeof out, err, sizeof err);
	cuts = harness_relay_cut_count(relay);
	harness_relay_end(relay);
	assert_int_equal(cuts, 2);
	assert_int_not_equal(rc, 0);
	o = parse_json(out);
	snprintf(key, sizeof key, "%s", jstr(o, "idempotency_key"));
	assert_string_equal(jstr(o, "applied"), "unknown");
	json_object_put(o);
	char want[200];
	snprintf(want, sizeof want, "--idempotency-key %s", key);
	if (strstr(err, want) == NULL)
		fail_msg("stderr does not name the key (%s): %s", want, err);
	assert_int_equal(contacts_with(k.id, "twice-"), 1);

	/* Rerun with the printed key (straight to the server): nothing new. */
	char extra[200];
	snprintf(extra, sizeof extra, "--idempotency-key %s", key);
	contact_args(args, sizeof args, &k, "twice-", extra);
	rc = cli("a-clerk", 0, NULL, args, out, sizeof out, err, sizeof err);
	if (rc != 0)
		fail_msg("rerun: exit %d; stderr: %s", rc, err);
	assert_non_null(strstr(out, "already done"));
	assert_int_equal(contacts_with(k.id, "twice-"), 1);
}

/* ---- item 11: a chain of offline writes in one send; item 20: the mirror's mode ---- */

static void outbox_chain_in_one_send(void **state)
{
	(void)state;
	static char out[65536], err[16384];
	char mirror[300], args[600];
	struct kase k;
	struct stat st;
	prepare(&k, ST_IN_PROGRESS, "离线连续办理", false);
	snprintf(mirror, sizeof mirror, "%s/chain.mirror", H.dir);
	unlink(mirror);
	mode_t old = umask(022);   /* what a person's shell usually has */
	assert_int_equal(cli("a-clerk", 0, mirror, "sync", out, sizeof out, err, sizeof err), 0);
	umask(old);
	assert_int_equal(stat(mirror, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Meanwhile the case moved on the server: the first write is made on
	 * the version the person knows it has now; the next two are queued on
	 * top of it as the mirror counts (its version plus the queued ones). */
	act("a-clerk", A(CONTACT), &k, "in_progress");
	snprintf(args, sizeof args, "contact %lld --phase during --method phone --note chain-0 "
		 "--offline --version %d", (long long)k.id, k.version);
	assert_int_equal(cli("a-clerk", 0, mirror, args, out, sizeof out, err, sizeof err), 0);
	for (int i = 1; i < 3; i++) {
		snprintf(args, sizeof args, "contact %lld --phase during --method phone "
			 "--note chain-%d --offline", (long long)k.id, i);
		assert_int_equal(cli("a-clerk", 0, mirror, args, out, sizeof out, err, sizeof err), 0);
	}

	/* One send: all three applied in order, each on its predecessor's version. */
	int rc = cli("a-clerk", 0, mirror, "outbox send --json", out, sizeof out, err, sizeof err);
	if (rc != 0)
		fail_msg("outbox send: exit %d\n%s\n%s", rc, out, err);
	json_object *o = parse_json(out);
	assert_int_equal(jint(o, "applied"), 3);
	assert_int_equal(jint(o, "refused"), 0);
	json_object_put(o);
	int64_t prev = 0;
	for (int i = 0; i < 3; i++) {
		char q[300], note[32];
		snprintf(note, sizeof note, "chain-%d", i);
		snprintf(q, sizeof q, "SELECT coalesce(max(seq), 0) FROM events WHERE suggestion_id = %lld"
			 " AND payload->>'note' = $1", (long long)k.id);
		int64_t seq = sql_id(q, note);
		assert_true(seq > prev);
		prev = seq;
	}

	/* The mirror shows the results: offline show equals online show. */
	static char on[65536], off[65536];
	snprintf(args, sizeof args, "show %lld --json", (long long)k.id);
	assert_int_equal(cli("a-clerk", 0, mirror, args, on, sizeof on, err, sizeof err), 0);
	snprintf(args, sizeof args, "show %lld --json --offline", (long long)k.id);
	assert_int_equal(cli("a-clerk", 0, mirror, args, off, sizeof off, err, sizeof err), 0);
	o = parse_json(off);
	assert_int_equal(jint(o, "version"), k.version + 3);
	json_object_put(o);
	assert_string_equal(on, off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(lost_answer_retried_once_with_the_same_key, wf_each),
		cmocka_unit_test_setup(outbox_chain_in_one_send, wf_each),
	};
	return cmocka_run_group_tests_name("client_writes", tests, wf_setup, wf_teardown);
}
