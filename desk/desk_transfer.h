/* One attachment moving between the desk and jianyid, on a GTask worker
 * thread over a connection of its own: libjianyi's jy_upload_file and
 * jy_download_file are blocking loops over the file's chunks, and driving
 * them through the desk's one link would mean writing their chunking,
 * hashing and resuming again. The main loop never waits: it is told when
 * the transfer ends, and asks desk_transfer_bytes meanwhile (libjianyi
 * tells the worker after each chunk, jy_progress_fn). A cut link
 * is connected again and the transfer resumed where its bytes end
 * (jianyi.h, "Attachments"), a few times before it gives up. Offline, a
 * download reads the mirror's copy of the bytes on the worker instead. */
#ifndef JY_DESK_TRANSFER_H
#define JY_DESK_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "jianyi.h"

struct desk_transfer;

/* On the main loop when the transfer ended: err NULL when it succeeded.
 * The transfer is freed after the call. */
typedef void (*desk_transfer_done_fn)(struct desk_transfer *t, const struct jy_error *err,
				      void *user);

/* Sends the file at path to the case, attached to attached_to (jy_upload's
 * values) under the file's own name. o is copied. */
struct desk_transfer *desk_transfer_upload(const struct jy_client_options *o, const char *path,
					   int64_t suggestion_id, const char *attached_to,
					   desk_transfer_done_fn done, void *user);
/* Writes the attachment (of size bytes) to path. */
struct desk_transfer *desk_transfer_download(const struct jy_client_options *o,
					     int64_t attachment_id, int64_t size, const char *path,
					     desk_transfer_done_fn done, void *user);
/* Writes the attachment from the mirror's stored bytes (offline; the sync
 * fetched them, mirror_attach.h), checked against its SHA-256. */
struct desk_transfer *desk_transfer_from_mirror(const char *mirror, int64_t attachment_id,
						int64_t size, const char *path,
						desk_transfer_done_fn done, void *user);
/* How far it is: *done of *total bytes, as libjianyi last told; false
 * while nothing is known yet (an upload hashing its file). Safe on the
 * main loop while the worker runs. */
bool desk_transfer_bytes(struct desk_transfer *t, int64_t *done, int64_t *total);
/* The local file. */
const char *desk_transfer_path(const struct desk_transfer *t);
/* The one who started it goes away: done will not be called. */
void desk_transfer_forget(struct desk_transfer *t);

#endif
