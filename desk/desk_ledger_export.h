/* 导出台账: the ledger the viewer may see written to an XLSX or CSV file
 * the person picks (GtkFileChooserNative; GtkFileDialog is GTK 4.10): the
 * cases the case list's filters give (the dialog says which, and offers to
 * export every case instead), the format chosen in the dialog or by the
 * name's ending (.xlsx, .csv), by
 * the CLI's own writer (client/ledger_file.h), on a GTask worker thread
 * over a connection of its own (as desk_transfer.c moves files): the
 * ledger comes in pages of up to 1000 rows over blocking calls, and a
 * large one would hold the desk's one link for its whole length. A
 * progress bar shows the rows written of the total, 取消 stops after the
 * page under way (no file is left), and a refusal is said in words. */
#ifndef JY_DESK_LEDGER_EXPORT_H
#define JY_DESK_LEDGER_EXPORT_H

#include <gtk/gtk.h>

#include "desk_link.h"

struct desk_ledger_export;

struct desk_ledger_export *desk_ledger_export_new(struct desk_link *link);
/* Gives the case list's filters into q and in words ("" when none is set;
 * the caller g_frees them); q->text need only last until the call returns. */
typedef char *(*desk_ledger_filter_fn)(Jianyi__ListSuggestionsRequest *q, void *user);
void desk_ledger_export_set_filter(struct desk_ledger_export *x, desk_ledger_filter_fn fn,
				   void *user);
/* The button, the progress bar, 取消 and the message, in a row. */
GtkWidget *desk_ledger_export_widget(struct desk_ledger_export *x);
/* An export under way goes on to its end, unseen. */
void desk_ledger_export_free(struct desk_ledger_export *x);

#endif
