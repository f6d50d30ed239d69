/* Test fixture for integration tests: a private PostgreSQL cluster under
 * /tmp (run as the postgres user when we are root), certificates made with
 * deploy/pki, accounts bound with "jianyid admin", and real jianyid
 * processes on loopback ports. Every helper fails the test on error. */
#ifndef JY_HARNESS_H
#define JY_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <openssl/ssl.h>

#include "embedded_pg.h"
#include "jianyi.h"

struct harness {
	char dir[256];        /* temp root */
	char pki[300];        /* dir/pki */
	struct embedded_pg pg;
	bool pg_running;
};

struct server_proc {
	pid_t pid;
	int port;
	char log[320];
	char ready[320];
	int http_port;        /* the HTTP side (health, portal) */
	char http_ready[330];
	int metrics_port;     /* /metrics, on its own listener */
	char metrics_ready[340];
	char vglog[340];      /* under valgrind: its log for this process */
};

/* Creates the temp dir, the cluster (migrated), the certificates (ca, server,
 * other CA) and the demo accounts: "alice" (liaison_officer, bound),
 * "bob" (unit_clerk, bound), "carol" (bound then revoked), "dave" (bound,
 * account disabled), "stranger" (valid cert, bound to nothing), "expired"
 * (an expired cert) and "foreign" (signed by another CA). */
void harness_init(struct harness *h);
void harness_cleanup(struct harness *h);

void harness_pg_stop(struct harness *h);   /* immediate stop: like a crash */

/* Runs argv (argv[0] looked up in PATH) with its output appended to
 * h->dir/commands.log; fails the test, showing the log's end, unless it
 * exits 0. */
void harness_must_run(struct harness *h, char *const argv[]);
void harness_pg_start(struct harness *h);

/* Runs "jianyid admin --database ... ARGS..." (NULL-terminated); returns its
 * exit status. */
int harness_admin(struct harness *h, ...) __attribute__((sentinel));

/* Makes a client certificate "who" (who.crt, who.key) in the harness PKI. */
void harness_client_cert(struct harness *h, const char *who);
/* The same with deploy/pki's --key-type (ed25519, the default, or p256). */
void harness_client_cert_key(struct harness *h, const char *who, const char *key_type);
/* Runs "jianyid admin batch" on text (one command per line, all in one
 * transaction); fails the test when it does not succeed. */
void harness_batch(struct harness *h, const char *text);

/* Starts jianyid on 127.0.0.1:<free port> (its HTTP side on another free
 * port, sp->http_port), database pool_size 2. Extra INI
 * text goes last: bare "key = value" lines (e.g. "max_in_flight = 4") go into
 * [server]; text starting with '[' brings its own sections and may replace
 * earlier values (e.g. "[database]\npool_size = 4"). */
void server_start(struct harness *h, struct server_proc *sp, const char *server_ini_extra);
/* Sends sig and waits up to timeout_ms for exit; returns the exit status
 * (or 128+signal), -1 if it did not exit (then it is killed). */
int server_stop(struct server_proc *sp, int sig, int timeout_ms);
bool server_alive(struct server_proc *sp);

/* Client options for a named certificate in the harness PKI ("alice"). */
void client_opts(struct harness *h, struct server_proc *sp, const char *who,
		 struct jy_client_options *o, char *buf, size_t buflen);
/* Connects as who; fails the test unless it works. */
struct jy_client *client_connect(struct harness *h, struct server_proc *sp, const char *who);
/* Connects as who to 127.0.0.1:port (a jianyid, a relay, a balancer)
 * within timeout_ms; NULL with e saying why when it does not work. */
struct jy_client *client_try_connect(struct harness *h, int port, const char *who,
				     int timeout_ms, struct jy_error *e);
/* Sends a Ping (payload of len bytes, NULL: none) or a WhoAmI on c and
 * waits for its answer, whatever its status; fails the test when none
 * comes. */
void client_call_ping(struct jy_client *c, const void *payload, size_t len);
void client_call_whoami(struct jy_client *c);

/* A raw TLS connection (no Hello) with an optional client certificate, for
 * tests that speak the protocol wrongly on purpose. Returns NULL if the TLS
 * handshake itself failed. */
SSL *raw_tls_connect(struct harness *h, struct server_proc *sp, const char *who_or_null);
void raw_tls_close(SSL *ssl);
/* Reads until EOF/error or timeout; returns true if the connection was
 * closed by the server within timeout_ms. */
bool raw_wait_closed(SSL *ssl, int timeout_ms);
/* Encodes and writes one request envelope. */
bool raw_send_request(SSL *ssl, uint64_t id, Jianyi__Request *req);
/* Reads one envelope (NULL on EOF/error/timeout). */
Jianyi__Envelope *raw_read_envelope(SSL *ssl, int timeout_ms);

uint64_t harness_now_ms(void);

/* The usual group teardown: stops sp (SIGTERM, 10 s) if it runs, then
 * harness_cleanup(h). */
void harness_teardown(struct harness *h, struct server_proc *sp);

/* Whether a line of the file at path (a log) contains s. */
bool harness_file_has(const char *path, const char *s);
/* How many lines of the file at path contain a, and b too unless b is NULL. */
int harness_file_lines(const char *path, const char *a, const char *b);

/* The value of the sample "name{labels}" (exactly as printed) in a
 * /metrics text, -1 if absent. */
double metric_sample(const char *text, const char *series);
/* jianyid_tls_handshakes_total{kind="<kind>"} of sp's /metrics (its own
 * listener); fails the test when it is absent. */
long harness_handshakes(const struct server_proc *sp, const char *kind);

/* Under `meson test --setup valgrind` the setup sets JIANYI_VALGRIND (the
 * valgrind command line) and JIANYI_TIME_SCALE: the jianyid and jianyi the
 * tests start run under valgrind too, with their logs in the harness
 * directory, and any error or definite leak there fails the test. */
bool harness_valgrind(void);
/* How much slower than native the processes run: waits are multiplied by it. */
int harness_time_scale(void);
/* The jianyi CLI as the start of a shell command: its path, or under
 * valgrind the valgrind command with a log file in h->dir, then the path. */
const char *harness_cli(struct harness *h);

/* One run of the CLI against a server of the harness. */
struct cli_call {
	struct server_proc *sp; /* the server it talks to ... */
	int port;               /* ... or this port (a relay), when not 0 */
	const char *who;        /* the certificate (and key) in the harness PKI */
	const char *mirror;     /* JIANYI_MIRROR, or NULL */
	const char *env;        /* more VAR=value words (e.g. "TZ=UTC"), or NULL */
};
/* The environment words for c (JIANYI_SERVER, JIANYI_CA, JIANYI_CERT,
 * JIANYI_KEY, JIANYI_MIRROR, no user configuration file) into buf. */
void harness_cli_env(struct harness *h, const struct cli_call *c, char *buf, size_t len);
/* Runs the CLI (harness_cli) as c says with args, a shell command line
 * (quoting is the caller's), stdin from /dev/null; stdout into out and
 * stderr into err, each cut to its size (NULL: discarded). Returns the
 * exit status, -1 when it did not exit. */
int harness_cli_run(struct harness *h, const struct cli_call *c, const char *args,
		    char *out, size_t outlen, char *err, size_t errlen);

/* A Jianyi__State's name ("in_progress", "" for STATE_UNSPECIFIED), for
 * comparing and printing; the last 16 stay valid. */
const char *state_str(int state);

#endif
