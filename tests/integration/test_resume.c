/* TLS 1.3 session resumption end to end: libjianyi keeps the ticket jianyid
 * gave it and a reconnection resumes with it; a certificate revoked between
 * two connections is refused although its session resumes (the account is
 * looked up per connection, not per TLS session); a TLS reload (new ticket
 * key) falls back to a full handshake; no_resume never resumes. With a
 * shared ticket_key_file a ticket resumes on another instance, and after a
 * rotation (SIGHUP) a ticket of the previous key still resumes while new
 * ones are sealed with the new key; a key file open to others is refused
 * on reload, the keys in use kept. The server's own count of resumed handshakes (/metrics) proves which kind of
 * handshake a refused connection had. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <openssl/rand.h>

#include "harness.h"
#include "harness_relay.h"

static struct harness H;
static struct server_proc S;

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	server_start(&H, &S, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_teardown(&H, &S);
	return 0;
}

static struct jy_client *connect_as(const char *who, bool no_resume, struct jy_error *e)
{
	struct jy_client_options o;
	char buf[2048];
	client_opts(&H, &S, who, &o, buf, sizeof buf);
	o.no_resume = no_resume;
	return jy_connect(&o, e);
}

static const char *login_of(struct jy_client *c)
{
	return jy_welcome(c)->identity->login;
}

static void reconnect_resumes(void **state)
{
	(void)state;
	struct jy_error e;
	struct jy_client *c = connect_as("alice", false, &e);
	assert_non_null(c);
	assert_false(jy_resumed(c));   /* first contact: nothing to resume */
	jy_close(c);
	long resumed0 = harness_handshakes(&S, "resumed");
	c = connect_as("alice", false, &e);
	assert_non_null(c);
	assert_true(jy_resumed(c));
	assert_string_equal(login_of(c), "alice");
	jy_close(c);
	/* Again: the ticket from the resumed session resumes too. */
	c = connect_as("alice", false, &e);
	assert_non_null(c);
	assert_true(jy_resumed(c));
	jy_close(c);
	assert_int_equal(harness_handshakes(&S, "resumed"), resumed0 + 2);

	/* Opting out: a full handshake every time. */
	long full0 = harness_handshakes(&S, "full");
	c = connect_as("alice", true, &e);
	assert_non_null(c);
	assert_false(jy_resumed(c));
	jy_close(c);
	assert_int_equal(harness_handshakes(&S, "full"), full0 + 1);
}

static void revoked_certificate_refused_on_resumption(void **state)
{
	(void)state;
	char crt[320];
	harness_client_cert(&H, "erin");
	snprintf(crt, sizeof crt, "%s/erin.crt", H.pki);
	assert_int_equal(harness_admin(&H, "account-add", "--login", "erin", "--name", "Erin",
				       "--org", "联工委", "--roles", "liaison_officer", "--cert", crt,
				       NULL), 0);
	struct jy_error e;
	struct jy_client *c = connect_as("erin", false, &e);
	assert_non_null(c);
	jy_close(c);
	c = connect_as("erin", false, &e);   /* proves erin has a ticket */
	assert_non_null(c);
	assert_true(jy_resumed(c));
	assert_string_equal(login_of(c), "erin");
	jy_close(c);

	assert_int_equal(harness_admin(&H, "cert-revoke", "--cert", crt, NULL), 0);
	long resumed0 = harness_handshakes(&S, "resumed");
	c = connect_as("erin", false, &e);
	if (c) {
		jy_close(c);
		fail_msg("a revoked certificate was accepted on a resumed session");
	}
	assert_int_equal(e.code, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED);
	assert_non_null(strstr(e.message, "revoked"));
	/* The refused connection did resume: the check is not a side effect
	 * of a full handshake. */
	assert_int_equal(harness_handshakes(&S, "resumed"), resumed0 + 1);
}

static void reload_falls_back_to_full_handshake(void **state)
{
	(void)state;
	struct jy_error e;
	struct jy_client *c = connect_as("bob", false, &e);
	assert_non_null(c);
	jy_close(c);
	kill(S.pid, SIGHUP);   /* new TLS context, new ticket key */
	usleep(300000);
	c = connect_as("bob", false, &e);
	if (!c)
		fail_msg("after a reload: %s", e.message);
	assert_false(jy_resumed(c));   /* the old ticket cannot be opened */
	assert_string_equal(login_of(c), "bob");
	jy_close(c);
	c = connect_as("bob", false, &e);
	assert_non_null(c);
	assert_true(jy_resumed(c));    /* and the new one can */
	jy_close(c);
}

/* Writes n random keys (or, with prev, a new key followed by prev's first
 * n-1 keys) to path through a rename, as an operator rotates the file. */
static void write_keys(const char *path, uint8_t *keys, size_t n, const uint8_t *prev, mode_t mode)
{
	assert_int_equal(RAND_bytes(keys, 80), 1);
	if (prev)
		memcpy(keys + 80, prev, (n - 1) * 80);
	else
		assert_int_equal(RAND_bytes(keys + 80, (int)((n - 1) * 80)), 1);
	char tmp[400];
	snprintf(tmp, sizeof tmp, "%s.new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, keys, n * 80), (ssize_t)(n * 80));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	assert_int_equal(rename(tmp, path), 0);
}

/* A connection as bob through the relay (one server key for the client,
 * whichever instance the relay leads to); whether it resumed. */
static bool relay_connect_resumed(struct harness_relay *r)
{
	struct server_proc via;
	memset(&via, 0, sizeof via);
	via.port = harness_relay_port(r);
	struct jy_client_options o;
	char buf[2048];
	client_opts(&H, &via, "bob", &o, buf, sizeof buf);
	struct jy_error e;
	struct jy_client *c = jy_connect(&o, &e);
	if (!c)
		fail_msg("through the relay: %s", e.message);
	bool resumed = jy_resumed(c);
	assert_string_equal(login_of(c), "bob");
	jy_close(c);
	return resumed;
}

static void shared_ticket_keys_across_instances(void **state)
{
	(void)state;
	char path[320], extra[400];
	uint8_t first[160], rotated[160], open_keys[160];
	snprintf(path, sizeof path, "%s/ticket.key", H.dir);
	write_keys(path, first, 1, NULL, 0600);
	snprintf(extra, sizeof extra, "[tls]\nticket_key_file = %s\n", path);
	struct server_proc a, b;
	server_start(&H, &a, extra);
	server_start(&H, &b, extra);
	struct harness_relay *r = harness_relay_start(a.port, (struct relay_cuts){ 0 });
	assert_false(relay_connect_resumed(r));   /* a: a full handshake, a ticket */
	harness_relay_retarget(r, b.port);
	assert_true(relay_connect_resumed(r));    /* b opens a's ticket */

	/* Rotated: a new key first, the old one second; b reloads, a not yet. */
	write_keys(path, rotated, 2, first, 0600);
	kill(b.pid, SIGHUP);
	usleep(300000);
	assert_true(relay_connect_resumed(r));    /* the previous key's ticket (renewed) */
	harness_relay_retarget(r, a.port);
	assert_false(relay_connect_resumed(r));   /* sealed with the new key, which a lacks */
	kill(a.pid, SIGHUP);
	usleep(300000);
	assert_true(relay_connect_resumed(r));

	/* A file others may read is refused on reload; the keys in use stay. */
	write_keys(path, open_keys, 2, rotated, 0644);
	kill(a.pid, SIGHUP);
	usleep(300000);
	assert_true(relay_connect_resumed(r));
	FILE *f = fopen(a.log, "r");
	assert_non_null(f);
	char line[1024];
	bool refused = false;
	while (fgets(line, sizeof line, f))
		refused = refused || (strstr(line, "event=tls_reload_failed") && strstr(line, "chmod 600"));
	fclose(f);
	assert_true(refused);
	harness_relay_end(r);
	server_stop(&a, SIGTERM, 10000);
	server_stop(&b, SIGTERM, 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reconnect_resumes),
		cmocka_unit_test(revoked_certificate_refused_on_resumption),
		cmocka_unit_test(reload_falls_back_to_full_handshake),
		cmocka_unit_test(shared_ticket_keys_across_instances),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
