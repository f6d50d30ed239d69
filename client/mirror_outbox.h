/* The outbox: writes made offline, kept in the mirror in the order they
 * are to be sent (jianyi outbox). */
#ifndef JY_MIRROR_OUTBOX_H
#define JY_MIRROR_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.h"
#include "mirror_store.h"

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
	char message[512];           /* its message (English) */
	char reason[48];             /* its reason and arguments, as in struct */
	char reason_args[512];       /* jy_error ("" for a format-2 refusal) */
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
/* Records a send's outcome (tries + 1); a refusal keeps why's status,
 * message, reason and arguments. */
bool mirror_outbox_applied(struct mirror *m, int64_t id, int64_t event_seq);
bool mirror_outbox_refused(struct mirror *m, int64_t id, const struct jy_error *why);
bool mirror_outbox_tried(struct mirror *m, int64_t id);
/* A refused entry goes back to pending, with a new expected version (0:
 * keep it). */
bool mirror_outbox_retry(struct mirror *m, int64_t id, int32_t version);
bool mirror_outbox_drop(struct mirror *m, int64_t id);

const char *mirror_outbox_state_name(enum outbox_state s);

#endif
