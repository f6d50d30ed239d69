/* One mutual-TLS connection of the load generator, on libevent
 * (bufferevent_openssl) with the common/ frame codec: it connects, greets
 * (Hello/Welcome) and then carries any number of requests at once,
 * matching each answer to its request by envelope id. Nothing blocks:
 * thousands of these share one event loop. */
#ifndef JY_BENCH_CONN_H
#define JY_BENCH_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "jianyi.pb-c.h"

struct bench_conn;

/* An answer (resp) or, when resp is NULL, the connection's end (why). The
 * response is freed after the callback returns. */
typedef void (*bc_answer_cb)(void *arg, const Jianyi__Response *resp, const char *why);
/* The greeting ended: ok, or not (why says what failed). */
typedef void (*bc_ready_cb)(struct bench_conn *c, void *arg, bool ok, const char *why);

struct bench_target {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *server_name;   /* checked against the server's certificate */
};

/* Starts connecting; ready is called once, on the loop. max_pending bounds
 * the requests this side keeps in flight on the connection. */
struct bench_conn *bc_open(struct event_base *base, SSL_CTX *ctx, const struct bench_target *t,
			   unsigned max_pending, bc_ready_cb ready, void *arg);
/* Sends one request; false (and no callback) when the connection is gone
 * or max_pending answers are already awaited. */
bool bc_send(struct bench_conn *c, const Jianyi__Request *req, bc_answer_cb cb, void *arg);
/* What the server said in Welcome (valid after ready reported ok). */
int64_t bc_account_id(const struct bench_conn *c);
const char *bc_login(const struct bench_conn *c);
/* The account's roles, one bit per enum wf_role (server/api/workflow.h). */
uint32_t bc_roles(const struct bench_conn *c);
uint32_t bc_server_max_in_flight(const struct bench_conn *c);
bool bc_alive(const struct bench_conn *c);
/* Closes at once; awaited answers are reported as lost. */
void bc_close(struct bench_conn *c);

#endif
