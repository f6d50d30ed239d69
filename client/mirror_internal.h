/* What the mirror's files share (mirror_store.c, mirror_feed.c,
 * mirror_read.c, mirror_outbox.c); not for the CLI. */
#ifndef JY_MIRROR_INTERNAL_H
#define JY_MIRROR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mirror_store.h"

struct mirror {
	sqlite3 *db;
	char *path;
	char err[768];
};

/* Sets mirror_error() to one line naming the file; returns false. */
bool mirror_fail(struct mirror *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, with SQLite's message (a damaged file said so). */
bool mirror_fail_db(struct mirror *m, const char *doing);

/* Now in UTC, RFC 3339 ("2026-01-31T08:00:00Z"). */
void mirror_now_text(char *buf, size_t len);

/* Runs one statement with text parameters (NULL-terminated); first column
 * of the first row into out (if given). */
bool mirror_exec1(struct mirror *m, const char *sql, char *out, size_t outlen, ...);
bool mirror_meta_get(struct mirror *m, const char *key, char *out, size_t len);
bool mirror_meta_set(struct mirror *m, const char *key, const char *value);
/* A count(*) query's answer; -1 on failure. */
int64_t mirror_count_rows(struct mirror *m, const char *sql);

/* Steps a prepared statement once and resets it for the next bindings. */
bool mirror_run_stmt(struct mirror *m, sqlite3_stmt *st, const char *doing);
/* Binds s (NULL as ""); s must outlive the statement's step. */
void mirror_bind_str(sqlite3_stmt *st, int i, const char *s);
/* A Jianyi__State as its name (enum_names.h), the text the mirror keeps. */
void mirror_bind_state(sqlite3_stmt *st, int i, int state);
/* Column i's state name as a Jianyi__State; STATE_UNSPECIFIED when unknown. */
int mirror_column_state(sqlite3_stmt *st, int i);

#endif
