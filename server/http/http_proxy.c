/* The PROXY v2 header on the public HTTP listener; see http_proxy.h. */
#include "http_proxy.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "addr_list.h"
#include "log.h"
#include "proxy_v2.h"
#include "xalloc.h"

struct http_proxy {
	struct bufferevent *bev;
	struct evbuffer_cb_entry *on_input;
	void (*refuse)(void *arg);
	void *arg;
	char proxy[64];               /* the proxy's own address, for the log */
	char client[64];              /* the header's source address; "" until then */
	bool done;                    /* header taken (or refused): ignore further bytes */
};

/* The numeric host of sa, as evhttp names a peer. */
static void host_of(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	if (getnameinfo(sa, len, out, (socklen_t)outlen, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(out, outlen, "-");
}

static void give_up(struct http_proxy *p, struct evbuffer *buf, const char *why)
{
	char q[160];
	p->done = true;
	evbuffer_drain(buf, evbuffer_get_length(buf));   /* evhttp never parses it */
	jy_warn("event=connection_dropped listener=http peer=%s reason=%s", p->proxy,
		jy_log_quote(why, q, sizeof q));
	p->refuse(p->arg);
}

/* The header complete: taken out of the input, evhttp reads what follows. */
static void take_header(struct http_proxy *p, struct evbuffer *buf, const struct proxy_v2 *h)
{
	p->done = true;
	if (!h->local)
		host_of((const struct sockaddr *)&h->src, sizeof h->src, p->client, sizeof p->client);
	jy_debug("event=proxy_header listener=http peer=%s proxy=%s local=%d",
		 p->client[0] ? p->client : p->proxy, p->proxy, (int)h->local);
	bufferevent_setwatermark(p->bev, EV_READ, 0, 0);
	evbuffer_drain(buf, h->header_bytes);   /* runs this callback again: done */
}

static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct http_proxy *p = arg;
	if (p->done || info->n_added == 0)
		return;
	size_t have = evbuffer_get_length(buf), need = PROXY_V2_FIXED_BYTES;
	if (have > PROXY_V2_MAX_BYTES)
		have = PROXY_V2_MAX_BYTES;
	const uint8_t *bytes = evbuffer_pullup(buf, (ev_ssize_t)have);
	struct proxy_v2 h;
	enum proxy_v2_result r = proxy_v2_parse(bytes, have, &h, &need);
	if (r == PROXY_V2_OK)
		take_header(p, buf, &h);
	else if (r == PROXY_V2_NEED_MORE)
		bufferevent_setwatermark(p->bev, EV_READ, need, 0);   /* evhttp waits for it */
	else
		give_up(p, buf, proxy_v2_result_str(r));
}

struct http_proxy *http_proxy_start(struct bufferevent *bev, const struct addr_list *from,
				    void (*refuse)(void *arg), void *arg)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[64];
	if (getpeername(bufferevent_getfd(bev), (struct sockaddr *)&ss, &len) != 0)
		len = 0;
	if (len == 0)
		snprintf(host, sizeof host, "-");
	else
		host_of((struct sockaddr *)&ss, len, host, sizeof host);
	/* Only the proxies: anyone else could claim any address in a header. */
	if (len == 0 || !addr_list_match(from, (struct sockaddr *)&ss)) {
		jy_warn("event=connection_dropped listener=http peer=%s reason=not_from_a_proxy", host);
		return NULL;
	}
	struct http_proxy *p = jy_xcalloc(1, sizeof *p);
	p->bev = bev;
	p->refuse = refuse;
	p->arg = arg;
	snprintf(p->proxy, sizeof p->proxy, "%s", host);
	bufferevent_setwatermark(bev, EV_READ, PROXY_V2_FIXED_BYTES, 0);
	p->on_input = evbuffer_add_cb(bufferevent_get_input(bev), on_input, p);
	return p;
}

const char *http_proxy_peer(const struct http_proxy *p)
{
	return p && p->client[0] ? p->client : NULL;
}

void http_proxy_free(struct http_proxy *p)
{
	if (!p)
		return;
	evbuffer_remove_cb_entry(bufferevent_get_input(p->bev), p->on_input);
	free(p);
}
