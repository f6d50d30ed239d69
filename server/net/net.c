#include "net.h"

#include "session.h"

void net_session_opened(struct jy_net *net, struct session *s)
{
	TAILQ_INSERT_TAIL(&net->sessions, s, link);
	net->nsessions++;
	net->sessions_total++;
}

void net_session_closed(struct jy_net *net, struct session *s)
{
	TAILQ_REMOVE(&net->sessions, s, link);
	net->nsessions--;
	net_maybe_drained(net);
}

void net_maybe_drained(struct jy_net *net)
{
	if (net->draining && net->nsessions == 0 && net->nlinger == 0)
		net->hooks.drained(net->hooks.app);
}
