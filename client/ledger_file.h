/* The handling ledger (台账) written to a file: CSV (RFC 4180, UTF-8 with a
 * byte order mark) or XLSX (libxlsxwriter), paged from the server's
 * LedgerRequest and written page by page. Shared by "jianyi export"
 * (cli_export.c) and the desk's 导出台账 (desk/desk_ledger_export.c):
 * the static library jianyi_ledger_file (client/meson.build). */
#ifndef JY_LEDGER_FILE_H
#define JY_LEDGER_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jianyi.h"

#define LEDGER_NCOLS 18
#define LEDGER_PAGE 1000     /* the server's maximum page */

enum ledger_format { LEDGER_CSV, LEDGER_XLSX };

/* The file being written. Set format and path (written as it is: the
 * caller renames it into place), then ledger_writer_open. */
struct ledger_writer {
	enum ledger_format format;
	const char *path;
	char error[256];           /* why it failed, in the reader's language */
	/* the writer's own */
	FILE *csv;
	struct lxw_workbook *wb;
	struct lxw_worksheet *ws;
	struct lxw_format *bold;
	uint32_t row;              /* next row to write (xlsx) */
	size_t width[LEDGER_NCOLS];
};

/* Creates the file (mode 0600: the ledger names people) with the header
 * row. False: w->error says why (then ledger_writer_close(w, false)). */
bool ledger_writer_open(struct ledger_writer *w);
bool ledger_writer_row(struct ledger_writer *w, const Jianyi__LedgerRow *r);
/* Finishes the file (ok) or just lets it go (!ok); false with w->error
 * when it could not be written. */
bool ledger_writer_close(struct ledger_writer *w, bool ok);

enum ledger_result {
	LEDGER_DONE,
	LEDGER_SERVER_FAILED,      /* err says why */
	LEDGER_FILE_FAILED,        /* w->error says why */
	LEDGER_STOPPED,            /* progress asked to stop */
};

/* After each page: rows written so far of total (the number matching the
 * filter, as the first page gave it). False stops the export. */
typedef bool (*ledger_progress_fn)(int64_t written, int64_t total, void *user);

/* Pages the ledger of filter (its after_id and page_size are used for
 * paging) through c into the open writer w; *written counts the rows. A
 * page too big for one frame (long plans) is asked for again in halves.
 * The writer stays open: the caller closes it. */
enum ledger_result ledger_export(struct jy_client *c, Jianyi__ListSuggestionsRequest *filter,
				 struct ledger_writer *w, ledger_progress_fn progress, void *user,
				 int64_t *written, struct jy_error *err);

#endif
