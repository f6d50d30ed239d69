#include "bench_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "frame.h"
#include "protocol.h"
#include "tls.h"
#include "workflow.h"
#include "xalloc.h"

struct pending {
	uint64_t id;          /* 0: free */
	bc_answer_cb cb;
	void *arg;
};

struct bench_conn {
	struct bufferevent *bev;
	bool greeted;
	bool dead;
	bc_ready_cb ready;
	void *ready_arg;
	uint64_t next_id;
	uint64_t hello_id;
	unsigned max_pending, npending;
	struct pending *pending;
	int64_t account_id;
	char login[72];
	uint32_t roles;       /* bit per enum wf_role */
	uint32_t server_max_in_flight;
};

/* Everything the server sends in one envelope is bounded by this, as in
 * libjianyi (the largest answers are timelines and list pages). */
#define BC_MAX_FRAME JY_DEFAULT_MAX_FRAME

static void fail_all(struct bench_conn *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	if (!c->greeted) {
		c->greeted = true;     /* report once */
		c->ready(c, c->ready_arg, false, why);
	}
	for (unsigned i = 0; i < c->max_pending; i++)
		if (c->pending[i].id) {
			struct pending p = c->pending[i];
			c->pending[i].id = 0;
			c->npending--;
			p.cb(p.arg, NULL, why);
		}
}

static bool send_env(struct bench_conn *c, const Jianyi__Request *req, uint64_t id)
{
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	env.id = id;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = (Jianyi__Request *)req;
	uint8_t *buf;
	size_t len;
	char err[200];
	if (!jy_frame_encode(&env, BC_MAX_FRAME, &buf, &len, err, sizeof err)) {
		fprintf(stderr, "jianyi-bench: cannot encode a request: %s\n", err);
		return false;
	}
	int rc = bufferevent_write(c->bev, buf, len);
	free(buf);
	return rc == 0;
}

static void on_welcome(struct bench_conn *c, const Jianyi__Response *r)
{
	c->greeted = true;
	if (r->body_case != JIANYI__RESPONSE__BODY_WELCOME || !r->welcome->identity) {
		char why[400];
		snprintf(why, sizeof why, "the server refused Hello: %s",
			 r->status && r->status->message ? r->status->message : "no Welcome");
		c->dead = true;
		c->ready(c, c->ready_arg, false, why);
		return;
	}
	const Jianyi__Identity *id = r->welcome->identity;
	c->account_id = id->account_id;
	snprintf(c->login, sizeof c->login, "%s", id->login);
	c->roles = wf_roles_mask(id->roles, id->n_roles);
	if (r->welcome->limits)
		c->server_max_in_flight = r->welcome->limits->max_in_flight;
	c->ready(c, c->ready_arg, true, "");
}

static void dispatch(struct bench_conn *c, const Jianyi__Envelope *env)
{
	if (env->body_case != JIANYI__ENVELOPE__BODY_RESPONSE || env->id == 0)
		return;     /* pushed events: none subscribed, nothing to do */
	if (!c->greeted && env->id == c->hello_id) {
		on_welcome(c, env->response);
		return;
	}
	for (unsigned i = 0; i < c->max_pending; i++)
		if (c->pending[i].id == env->id) {
			struct pending p = c->pending[i];
			c->pending[i].id = 0;
			c->npending--;
			p.cb(p.arg, env->response, NULL);
			return;
		}
	fprintf(stderr, "jianyi-bench: an answer to unknown request %llu\n",
		(unsigned long long)env->id);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct bench_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	while (!c->dead) {
		size_t avail = evbuffer_get_length(in);
		uint8_t hdr[JY_FRAME_HEADER_BYTES];
		uint32_t len = 0;
		if (avail < sizeof hdr)
			return;
		evbuffer_copyout(in, hdr, sizeof hdr);
		enum jy_frame_result fr = jy_frame_peek(hdr, sizeof hdr, BC_MAX_FRAME, &len);
		if (fr == JY_FRAME_EMPTY || fr == JY_FRAME_TOO_LARGE) {
			fail_all(c, jy_frame_result_str(fr));
			return;
		}
		if (avail < sizeof hdr + len)
			return;
		const uint8_t *frame = evbuffer_pullup(in, (ev_ssize_t)(sizeof hdr + len));
		char err[200];
		Jianyi__Envelope *env = jy_envelope_decode(frame + sizeof hdr, len, err, sizeof err);
		evbuffer_drain(in, sizeof hdr + len);
		if (!env) {
			fail_all(c, err);
			return;
		}
		dispatch(c, env);
		jy_envelope_free(env);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct bench_conn *c = arg;
	if (what & BEV_EVENT_CONNECTED) {
		/* TLS is up: greet. */
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__Hello hello = JIANYI__HELLO__INIT;
		hello.protocol_version = JY_PROTOCOL_VERSION;
		hello.software = (char *)"jianyi-bench/" JY_SOFTWARE_VERSION;
		hello.max_frame_bytes = BC_MAX_FRAME;
		req.body_case = JIANYI__REQUEST__BODY_HELLO;
		req.hello = &hello;
		c->hello_id = ++c->next_id;
		if (!send_env(c, &req, c->hello_id))
			fail_all(c, "cannot send Hello");
		return;
	}
	char why[300];
	if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(bev);
		if (e) {
			char tls[256];
			ERR_error_string_n(e, tls, sizeof tls);
			snprintf(why, sizeof why, "TLS: %s", tls);
			while (bufferevent_get_openssl_error(bev))
				;
		} else {
			snprintf(why, sizeof why, "%s", strerror(EVUTIL_SOCKET_ERROR()));
		}
	} else {
		snprintf(why, sizeof why, "the server closed the connection");
	}
	fail_all(c, why);
}

struct bench_conn *bc_open(struct event_base *base, SSL_CTX *ctx, const struct bench_target *t,
			   unsigned max_pending, bc_ready_cb ready, void *arg)
{
	struct bench_conn *c = jy_xcalloc(1, sizeof *c);
	c->ready = ready;
	c->ready_arg = arg;
	c->max_pending = max_pending ? max_pending : 1;
	c->pending = jy_xcalloc(c->max_pending, sizeof *c->pending);
	SSL *ssl = SSL_new(ctx);
	if (!ssl || SSL_set_tlsext_host_name(ssl, t->server_name) != 1 ||
	    SSL_set1_host(ssl, t->server_name) != 1) {
		fprintf(stderr, "jianyi-bench: cannot make a TLS session\n");
		exit(1);
	}
	/* Close-on-free: the bufferevent owns the socket and the SSL. */
	c->bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
						BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		fprintf(stderr, "jianyi-bench: cannot make a bufferevent\n");
		exit(1);
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (const struct sockaddr *)&t->addr, (int)t->addrlen) != 0) {
		/* Only a local failure (no socket left) gets here: the bench
		 * cannot run as asked. */
		fprintf(stderr, "jianyi-bench: cannot connect: %s (open files: see ulimit -n)\n",
			strerror(errno));
		exit(1);
	}
	evutil_socket_t fd = bufferevent_getfd(c->bev);
	if (fd >= 0)
		jy_socket_nodelay(fd);  /* docs/ARCHITECTURE.md: ~40 ms stalls without it */
	return c;
}

bool bc_send(struct bench_conn *c, const Jianyi__Request *req, bc_answer_cb cb, void *arg)
{
	if (c->dead || !c->greeted || c->npending >= c->max_pending)
		return false;
	unsigned i = 0;
	while (c->pending[i].id)
		i++;
	uint64_t id = ++c->next_id;
	if (!send_env(c, req, id))
		return false;
	c->pending[i] = (struct pending){ id, cb, arg };
	c->npending++;
	return true;
}

int64_t bc_account_id(const struct bench_conn *c) { return c->account_id; }
const char *bc_login(const struct bench_conn *c) { return c->login; }
uint32_t bc_roles(const struct bench_conn *c) { return c->roles; }
uint32_t bc_server_max_in_flight(const struct bench_conn *c) { return c->server_max_in_flight; }
bool bc_alive(const struct bench_conn *c) { return !c->dead && c->greeted; }

void bc_close(struct bench_conn *c)
{
	if (!c)
		return;
	fail_all(c, "closed by the benchmark");
	bufferevent_free(c->bev);
	free(c->pending);
	free(c);
}
