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

/* What act_check found wrong: the field path, the English sentence, and the
 * reason with its named arguments (docs/WORKFLOW.md "Reasons"). */
#define ACT_PROBLEM_ARGS 3
struct act_problem {
	char field[80];
	char msg[300];
	const char *reason;
	const char *arg_names[ACT_PROBLEM_ARGS]; /* up to the first NULL */
	char arg_values[ACT_PROBLEM_ARGS][100];
};

/* act_validate, telling the reason too. */
bool act_check(const Jianyi__ActRequest *act, struct act_problem *problem);

/* The params message the request carries (its oneof member), or NULL. */
const ProtobufCMessage *act_params(const Jianyi__ActRequest *act);

/* YYYY-MM-DD naming a real day. */
bool valid_date(const char *s);

#endif
