/* The local SQLite mirror of a remote office (jianyi sync --mirror FILE):
 * the schema, opening and checking a file, applying what the change feed
 * brought, and the outbox of writes made offline.
 *
 * The mirror holds every case the account may see as the server last
 * showed it (GetSuggestion: the case and its timeline), the units and
 * deputies those cases name, the last statistics answers, and the feed
 * cursor. The cursor only ever moves in the same transaction as what the
 * page it ends did to the mirror: each touched case is marked stale there,
 * and a stale case is re-read and stored (clearing its mark) in later
 * transactions, so a mirror killed at any point resumes exactly: the
 * pages after its cursor and the cases still marked.
 *
 * A mirror belongs to one account of one deployment: the account id and
 * login from the server's Welcome and the SHA-256 of the CA certificate
 * (the deployment's PKI). A file made for another is refused, never mixed.
 *
 * Every failing call returns false and leaves one line naming the file in
 * mirror_error(). */
#ifndef JY_MIRROR_STORE_H
#define JY_MIRROR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.pb-c.h"

#define MIRROR_FORMAT 1
#define MIRROR_CURSOR_MAX 128

struct mirror;

/* Opens path. create: make an empty mirror when the file does not exist
 * (sync); else a missing file is an error. A file that is not a Jianyi
 * mirror (not SQLite, another application's, a newer format, damaged)
 * gives NULL with the reason in err. */
struct mirror *mirror_open(const char *path, bool create, char *err, size_t errlen);
void mirror_close(struct mirror *m);
const char *mirror_error(const struct mirror *m);
const char *mirror_path(const struct mirror *m);

/* The owner. On a new mirror, records it; else refuses a different account
 * or deployment (ca_sha256), and updates the server address and the
 * certificate fingerprint (renewed certificates stay welcome). */
bool mirror_bind(struct mirror *m, const char *server, const Jianyi__Identity *who,
		 const char *ca_sha256) __attribute__((warn_unused_result));
/* The congress's time zone as the last sync's Welcome gave it (kept so that
 * offline reads print the dates online ones do); "" when never given. */
bool mirror_set_time_zone(struct mirror *m, const char *zone) __attribute__((warn_unused_result));
bool mirror_time_zone(struct mirror *m, char *zone, size_t len) __attribute__((warn_unused_result));
/* Offline: the mirror must have been synced by the holder of this client
 * certificate (cert_sha256) under this CA. */
bool mirror_check_owner(struct mirror *m, const char *cert_sha256, const char *ca_sha256)
	__attribute__((warn_unused_result));
/* Whether a sync ever completed ("" synced_at: never). */
bool mirror_info(struct mirror *m, char *login, size_t loginlen, char *synced_at,
		 size_t synced_len, int64_t *ncases, int64_t *nevents);

/* --- Applying the feed ------------------------------------------------ */

bool mirror_begin(struct mirror *m) __attribute__((warn_unused_result));
bool mirror_commit(struct mirror *m) __attribute__((warn_unused_result));
void mirror_rollback(struct mirror *m);

/* The stored cursor ("" = from the beginning). */
bool mirror_cursor(struct mirror *m, char *buf, size_t len);
/* Inside a transaction: the new cursor and how many events it adds. */
bool mirror_set_cursor(struct mirror *m, const char *cursor, int64_t events_added);
/* Inside a transaction: replaces the case with the server's answer. */
bool mirror_put_case(struct mirror *m, const Jianyi__GetSuggestionResponse *g);
/* Inside a transaction: the case is gone from our view (no longer visible). */
bool mirror_drop_case(struct mirror *m, int64_t id);
/* Inside a transaction: the feed touched the case; its new state is still
 * to be read (mirror_put_case or mirror_drop_case clears the mark). */
bool mirror_mark_stale(struct mirror *m, int64_t id);
/* Up to max marked cases into ids (*n of them); *total: how many in all. */
bool mirror_stale(struct mirror *m, size_t max, int64_t *ids, size_t *n, int64_t *total);
/* The server's statistics answer for group_by ("", unit, category,
 * term_session) over every term, kept for offline stats. */
bool mirror_put_stats(struct mirror *m, const char *group_by, const Jianyi__StatsResponse *r);

/* --- Reading offline ---------------------------------------------------- */

/* The case and its timeline as GetSuggestion gave them; *out NULL (and
 * true) when the mirror does not hold it. Free with mirror_free_get. */
bool mirror_get_case(struct mirror *m, int64_t id, Jianyi__GetSuggestionResponse **out);
void mirror_free_get(Jianyi__GetSuggestionResponse *g);
/* ListSuggestions against the mirror (filters as the server applies them,
 * except deputy_id, which the mirror cannot resolve: the caller refuses
 * it). Free with mirror_free_list. */
bool mirror_list(struct mirror *m, const Jianyi__ListSuggestionsRequest *q,
		 Jianyi__ListSuggestionsResponse **out);
void mirror_free_list(Jianyi__ListSuggestionsResponse *l);
/* The stored statistics answer (NULL and true: never stored); taken_at
 * gets when. Free with jianyi__stats_response__free_unpacked(r, NULL). */
bool mirror_get_stats(struct mirror *m, const char *group_by, Jianyi__StatsResponse **out,
		      char *taken_at, size_t taken_len);

/* --- The outbox ----------------------------------------------------------- */

enum outbox_state { OUTBOX_PENDING, OUTBOX_APPLIED, OUTBOX_REFUSED };

struct outbox_entry {
	int64_t id;                  /* order of sending */
	int64_t case_id;
	char action[32];
	char key[80];                /* the idempotency key */
	int32_t version;             /* the case version it was made on */
	enum outbox_state state;
	int tries;
	char status[32];             /* the server's status name when refused */
	char message[512];           /* its message */
	int64_t event_seq;           /* when applied: the event it made */
	char created_at[32];
	Jianyi__ActRequest *req;     /* unpacked; freed by mirror_outbox_free */
};

/* Queues an ActRequest (with its key and expected_version set). *id: its
 * number. The same idempotency key twice is refused. */
bool mirror_outbox_add(struct mirror *m, const Jianyi__ActRequest *req, int64_t *id);
/* How many pending writes on the case come before a new one, and the
 * case's version in the mirror (0 when the mirror does not hold it). */
bool mirror_outbox_case(struct mirror *m, int64_t case_id, int *pending, int32_t *version);
/* Every entry (with_applied: the applied ones too), in sending order. */
bool mirror_outbox_list(struct mirror *m, bool with_applied, struct outbox_entry **out,
			size_t *n);
void mirror_outbox_free(struct outbox_entry *e, size_t n);
/* One entry (found false when there is none). */
bool mirror_outbox_get(struct mirror *m, int64_t id, struct outbox_entry *e, bool *found);
/* Records a send's outcome (tries + 1). */
bool mirror_outbox_applied(struct mirror *m, int64_t id, int64_t event_seq);
bool mirror_outbox_refused(struct mirror *m, int64_t id, const char *status,
			   const char *message);
bool mirror_outbox_tried(struct mirror *m, int64_t id);
/* A refused entry goes back to pending, with a new expected version (0:
 * keep it). */
bool mirror_outbox_retry(struct mirror *m, int64_t id, int32_t version);
bool mirror_outbox_drop(struct mirror *m, int64_t id);

const char *mirror_outbox_state_name(enum outbox_state s);

#endif
