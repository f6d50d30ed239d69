/* The local SQLite mirror of a remote office (jianyi sync --mirror FILE):
 * the schema, opening and checking a file, its owner. Applying what the
 * change feed brought is in mirror_feed.h, reading offline in
 * mirror_read.h, the outbox of writes made offline in mirror_outbox.h.
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

/* 2: a stored Suggestion's state is the State enum; 3: the outbox keeps a
 * refusal's reason (a format-2 file is upgraded when opened) */
#define MIRROR_FORMAT 3
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

#endif
