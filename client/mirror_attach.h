/* Attachments in the mirror, for offline reading: each case's list as the
 * server sent it, and the bytes, fetched chunk by chunk after a sync (a
 * fetch cut in the middle goes on at the next sync from where the stored
 * bytes end). docs/WORKFLOW.md "Attachments". */
#ifndef JY_MIRROR_ATTACH_H
#define JY_MIRROR_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jianyi.pb-c.h"
#include "mirror_store.h"

/* The table, in a new mirror and in one made before attachments. */
bool mirror_attach_ensure(struct mirror *m) __attribute__((warn_unused_result));
/* Inside a transaction: the case's attachments are these (bytes already
 * stored are kept; those no longer listed go). */
bool mirror_put_attachments(struct mirror *m, int64_t case_id, Jianyi__Attachment *const *a, size_t n)
	__attribute__((warn_unused_result));
/* Inside a transaction: the case is gone from our view. */
bool mirror_drop_attachments(struct mirror *m, int64_t case_id) __attribute__((warn_unused_result));
/* An attachment whose bytes are not all here (*id 0: none); where they end. */
bool mirror_attach_missing(struct mirror *m, int64_t *id, int64_t *received, int64_t *size)
	__attribute__((warn_unused_result));
/* Stores bytes at offset (where the stored ones end), in its own transaction. */
bool mirror_attach_store(struct mirror *m, int64_t id, int64_t offset, const uint8_t *data, size_t len)
	__attribute__((warn_unused_result));
/* The case's attachments (those whose bytes are all here, and the others). */
bool mirror_attach_list(struct mirror *m, int64_t case_id, Jianyi__AttachListResponse **out)
	__attribute__((warn_unused_result));
void mirror_attach_free_list(Jianyi__AttachListResponse *l);
/* Writes attachment id's bytes to f and checks them against its SHA-256;
 * *found false when the mirror has no such attachment or not all of it. */
bool mirror_attach_write(struct mirror *m, int64_t id, FILE *f, Jianyi__Attachment **info, bool *found)
	__attribute__((warn_unused_result));

#endif
