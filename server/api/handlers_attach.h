/* AttachFinishRequest (docs/WORKFLOW.md "Attachments"): jianyid reads the
 * upload's chunks one at a time and hashes them, then asks the database to
 * finish it against the SHA-256 the client declared; no process ever holds
 * the whole file. */
#ifndef JY_HANDLERS_ATTACH_H
#define JY_HANDLERS_ATTACH_H

#include "session.h"

void handle_attach_finish(struct request *req, const Jianyi__Request *body);

#endif
