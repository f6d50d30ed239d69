#include "net.h"

#include "linger.h"
#include "metrics.h"
#include "session.h"

void net_session_opened(struct jy_net *net, struct session *s)
{
	TAILQ_INSERT_TAIL(&net->sessions, s, link);
	net->nsessions++;
	jy_metrics_count(net->metrics, JY_SESSIONS_TOTAL);
}

void net_session_closed(struct jy_net *net, struct session *s)
{
	TAILQ_REMOVE(&net->sessions, s, link);
	net->nsessions--;
	net_maybe_drained(net);
}

static void linger_ended(void *arg)
{
	struct jy_net *net = arg;
	net->nlinger--;
	net_maybe_drained(net);
}

void net_linger(struct jy_net *net, int fd)
{
	if (linger_start(net->base, fd, linger_ended, net))
		net->nlinger++;
}

void net_maybe_drained(struct jy_net *net)
{
	if (net->draining && net->nsessions == 0 && net->nlinger == 0)
		net->hooks.drained(net->hooks.app);
}
