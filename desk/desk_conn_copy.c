/* See desk_conn_copy.h. */
#include "desk_conn_copy.h"

#include <glib.h>

void desk_conn_copy_init(struct desk_conn_copy *c, const struct jy_client_options *o)
{
	c->opts = *o;
	c->server = g_strdup(o->server);
	c->cert = g_strdup(o->cert_file);
	c->key = g_strdup(o->key_file);
	c->ca = g_strdup(o->ca_file);
	c->opts.server = c->server;
	c->opts.cert_file = c->cert;
	c->opts.key_file = c->key;
	c->opts.ca_file = c->ca;
}

void desk_conn_copy_clear(struct desk_conn_copy *c)
{
	g_free(c->server);
	g_free(c->cert);
	g_free(c->key);
	g_free(c->ca);
	*c = (struct desk_conn_copy){ 0 };
}
