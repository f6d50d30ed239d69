/* Key-supervision topics (重点督办专题): create, add and remove key
 * suggestions, list topics, show one with every suggestion under it.
 * Checks the fields, then jy_write / jy_read
 * (sql/functions/11_supervision.sql). */
#ifndef JY_HANDLERS_TOPICS_H
#define JY_HANDLERS_TOPICS_H

#include "session.h"

void handle_topic_create(struct request *req, const Jianyi__Request *body);
void handle_topic_add(struct request *req, const Jianyi__Request *body);
void handle_topic_remove(struct request *req, const Jianyi__Request *body);
void handle_topic_list(struct request *req, const Jianyi__Request *body);
void handle_topic_show(struct request *req, const Jianyi__Request *body);

#endif
