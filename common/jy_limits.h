/* Limits of the protocol, declared once: jianyid's checks (act_validate.c,
 * field_check.c, handlers), libjianyi's helpers and the CLI's flags use
 * these names. The SQL functions repeat the numbers, each check tagged with
 * the name in a comment ("-- JY_TERM_MAX"); the sql_limits test
 * (server/sql_limits.py) compares them. Installed with jianyi.h. */
#ifndef JY_LIMITS_H
#define JY_LIMITS_H

/* An idempotency key, in bytes (jianyid's checks and libjianyi's count
 * bytes; SQL counts characters, never more than the bytes). */
#define JY_IDEMPOTENCY_KEY_MAX 100

/* The congress's term and the session within it (register, list filters,
 * statistics). */
#define JY_TERM_MIN 1
#define JY_TERM_MAX 99
#define JY_SESSION_MIN 1
#define JY_SESSION_MAX 20

/* An attachment's chunk, in bytes, both ways (AttachPutRequest.data,
 * AttachFetchRequest.length): well inside the default 1 MiB frame. */
#define JY_ATTACH_CHUNK_MAX 262144
/* An attachment's name, in characters (after sanitizing). */
#define JY_ATTACH_NAME_MAX 200

/* The texts of the workflow's actions, in characters as a clerk counts
 * them: a suggestion's title and body (also plans, replies and other long
 * texts), a short text (category, a leader's or a handler's name), a reason
 * or comment, and a handler's phone number. */
#define JY_TITLE_MAX 200
#define JY_BODY_MAX 20000
#define JY_SHORT_TEXT_MAX 50
#define JY_REASON_MAX 2000
#define JY_PHONE_MIN 3
#define JY_PHONE_MAX 30

/* A limit as text, for messages built at compile time: JY_STR(JY_TERM_MAX). */
#define JY_STR(x) JY_STR_(x)
#define JY_STR_(x) #x

#endif
