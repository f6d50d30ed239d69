/* Excellent suggestions (优秀建议): nominate, score, announce, list. Checks
 * the fields, then jy_write / jy_read, sql/functions/11_supervision.sql (who may do what
 * is decided there; README.md says it in words). */
#ifndef JY_HANDLERS_EXCELLENT_H
#define JY_HANDLERS_EXCELLENT_H

#include "session.h"

void handle_excellent_nominate(struct request *req, const Jianyi__Request *body);
void handle_excellent_score(struct request *req, const Jianyi__Request *body);
void handle_excellent_announce(struct request *req, const Jianyi__Request *body);
void handle_excellent_list(struct request *req, const Jianyi__Request *body);

#endif
