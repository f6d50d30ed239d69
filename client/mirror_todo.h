/* The to-do list offline (jianyi todo --offline, the desk's 待办 while the
 * link is down). The server computes the list (jy_todo,
 * server/sql/functions/12_todo.sql) with what the mirror does not hold:
 * the account's roles, the deadlines its calendar gives (dispute, opinion,
 * follow-up, evaluation, re-handling), pending extensions. So each sync
 * stores the server's answer in the mirror, and offline it is read back
 * through the rules of docs/WORKFLOW.md "To-do" that the mirror can check:
 * an item stays only while the mirror holds its case in a state that still
 * calls for it (accept while assigned, plan while accepted, ...), with its
 * title and number as the mirror has them, and its days left counted again
 * from today. */
#ifndef JY_MIRROR_TODO_H
#define JY_MIRROR_TODO_H

#include <stdbool.h>
#include <stddef.h>

#include "jianyi.pb-c.h"
#include "mirror_store.h"

/* The table, in a new mirror and in one made before it. */
bool mirror_todo_ensure(struct mirror *m) __attribute__((warn_unused_result));
/* Stores the server's answer as of now (replacing the last one). */
bool mirror_put_todo(struct mirror *m, const Jianyi__TodoResponse *r)
	__attribute__((warn_unused_result));
/* The list for today ("YYYY-MM-DD" in the congress's time zone): *out
 * NULL (and true) when no sync ever stored one; taken_at gets when the
 * server gave it (RFC 3339). Free with jianyi__todo_response__free_unpacked. */
bool mirror_todo(struct mirror *m, const char *today, Jianyi__TodoResponse **out,
		 char *taken_at, size_t taken_len) __attribute__((warn_unused_result));
/* Whether an item of kind (and deadline_kind) is still to do on a case in
 * state (its enum name, "in_progress"); the rules of 12_todo.sql. */
bool mirror_todo_still_due(const char *kind, const char *deadline_kind, const char *state);

#endif
