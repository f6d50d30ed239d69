/* Checks an ActRequest's shape before it reaches the database: required
 * fields, lengths in characters, enumerations, real calendar dates, ids.
 * Rules that need the case (states, relations, dates against today,
 * references) are the database's. */
#ifndef JY_ACT_VALIDATE_H
#define JY_ACT_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include "jianyi.pb-c.h"

/* On failure writes the field path ("act.assign.reply_deadline") and a
 * sentence for a person, and returns false. */
bool act_validate(const Jianyi__ActRequest *act, char *field, size_t fieldlen,
		  char *msg, size_t msglen);

/* The params message the request carries (its oneof member), or NULL. */
const ProtobufCMessage *act_params(const Jianyi__ActRequest *act);

/* YYYY-MM-DD naming a real day. */
bool valid_date(const char *s);

#endif
