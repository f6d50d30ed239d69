/* Connection settings with strings of their own: the link's (copied from
 * the settings file's), and a worker thread's own connection's (a file
 * transfer, the ledger's export, the mirror's sync), so that the work may
 * outlive the page or the settings that started it. */
#ifndef DESK_CONN_COPY_H
#define DESK_CONN_COPY_H

#include "jianyi.h"

struct desk_conn_copy {
	struct jy_client_options opts;   /* points at the strings below */
	char *server, *cert, *key, *ca;
};

void desk_conn_copy_init(struct desk_conn_copy *c, const struct jy_client_options *o);
void desk_conn_copy_clear(struct desk_conn_copy *c);

#endif
