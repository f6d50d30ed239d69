/* Inbox requests (510-519): the caller's deadline notices, and marking them
 * read. Answered by jy_inbox / jy_inbox_mark
 * (sql/functions/10_notices.sql). */
#ifndef JY_HANDLERS_INBOX_H
#define JY_HANDLERS_INBOX_H

#include "session.h"

/* Limits of the wire contract (proto/jianyi.proto, InboxRequest and
 * InboxMarkRequest). */
#define INBOX_DEFAULT 50
#define INBOX_MAX 500
#define INBOX_MARK_MAX 1000

/* InboxRequest: a page of notices, newest first; with follow the session
 * then gets new ones pushed (notice_push.c), after this answer. */
void handle_inbox(struct request *req, const Jianyi__Request *body);
/* InboxMarkRequest: marks the caller's notices read. */
void handle_inbox_mark(struct request *req, const Jianyi__Request *body);

#endif
