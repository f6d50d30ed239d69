/* What the desk does with its mirror (the CLI's SQLite mirror,
 * client/mirror_store.h) on a worker thread, one job at a time
 * (desk_offline.c queues them): a sync over a connection of its own, as
 * "jianyi sync" does it (the outbox first, then the change feed;
 * client/mirror_sync.h), and, while the link is down, the answers the
 * mirror gives in the server's place: a case (with the actions the server
 * allowed on it at the sync), the case list, the to-do list the last sync
 * stored (mirror_todo.h), and an
 * action put into the outbox as "jianyi CMD --offline" does; and a refused
 * write sent again or dropped, as "jianyi outbox retry|drop" does. Every job also reads
 * the outbox's count, its first refusal and when the mirror last synced.
 * A job owns its copies of everything: the main loop does not touch it
 * while it runs. */
#ifndef JY_DESK_MIRROR_WORK_H
#define JY_DESK_MIRROR_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desk_conn_copy.h"
#include "jianyi.h"

enum desk_mirror_job_kind {
	DESK_MIRROR_SYNC,      /* connect, send the outbox, catch up */
	DESK_MIRROR_ANSWER,    /* answer request from the mirror */
	DESK_MIRROR_RETRY,     /* a refused write pending again ("jianyi outbox retry") */
	DESK_MIRROR_DROP,      /* a refused write dropped ("jianyi outbox drop") */
};

struct desk_mirror_job {
	/* what to do */
	enum desk_mirror_job_kind kind;
	char *path;                        /* the mirror file */
	struct desk_conn_copy conn;        /* SYNC: the server and credentials */
	Jianyi__Request *request;          /* ANSWER: the request (a copy) */
	int64_t outbox_id;                 /* RETRY, DROP: the outbox entry */
	/* what came of it */
	bool ok;                           /* SYNC: synced; ANSWER: answered; RETRY, DROP: done */
	struct jy_error err;               /* why not, in words */
	Jianyi__Response *response;        /* ANSWER: the answer */
	int applied;                       /* SYNC: outbox writes the server took */
	int pending;                       /* writes still to send */
	char refused[1024];                /* the first refused write, in words ("": none) */
	int64_t refused_id;                /* its outbox entry (0: none) */
	char synced_at[40];                /* the last completed sync, RFC 3339 ("": never) */
	char todo_taken_at[40];            /* ANSWER todo: when the server gave it, RFC 3339 */
};

/* A job with its own copies of path and (for SYNC) o's strings. */
struct desk_mirror_job *desk_mirror_job_new(enum desk_mirror_job_kind kind, const char *path,
					    const struct jy_client_options *o);
/* Runs j (on the worker thread). */
void desk_mirror_job_run(struct desk_mirror_job *j);
void desk_mirror_job_free(struct desk_mirror_job *j);

#endif
