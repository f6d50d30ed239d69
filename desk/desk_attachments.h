/* The case view's attachments (附件): the case's files, each with its
 * name, size, uploader, time and what it is attached to, and 打开 (a
 * copy in a temporary folder, opened with the desktop's application for
 * it) and 另存为 (offline, from the bytes the mirror keeps); and 添加附件,
 * which sends a chosen file, attached to the case or one of its records.
 * Files move on a worker thread (desk_transfer.h) with a progress bar; the
 * main loop never waits. */
#ifndef JY_DESK_ATTACHMENTS_H
#define JY_DESK_ATTACHMENTS_H

#include <gtk/gtk.h>
#include <stdint.h>

#include "desk_link.h"

struct desk_attachments;

/* changed is called after a file was added to the case. */
struct desk_attachments *desk_attachments_new(struct desk_link *link, void (*changed)(void *user),
					      void *user);
GtkWidget *desk_attachments_widget(struct desk_attachments *a);
/* Shows case id's files (GetSuggestionResponse.attachments); the records
 * in its timeline events are what a new file may be attached to. */
void desk_attachments_show(struct desk_attachments *a, int64_t id,
			   Jianyi__Attachment *const *files, size_t nfiles,
			   Jianyi__TimelineEvent *const *events, size_t nevents);
void desk_attachments_free(struct desk_attachments *a);

#endif
