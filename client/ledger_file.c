/* The ledger written to CSV or XLSX (see ledger_file.h). Moved from
 * cli_export.c so that the desk writes the very same file. */
#include "ledger_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "cli_i18n.h"

#define NCOLS LEDGER_NCOLS
#define WIDTH_MIN 6
#define WIDTH_MAX 50         /* Excel column width (about characters) */
#define XLSX_CELL_MAX 32767  /* Excel's limit on one cell's characters */

/* By Jianyi__State, from STATE_DRAFT; the portal's names (server/http_portal.c). */
static const char *const state_labels[] = {
	"草稿", "已提交", "已退回修改", "已立案", "已交办", "交办有异议", "已接收",
	"办理中", "已答复", "重新办理", "已测评", "已办结", "已撤回", "已并案", "已转换",
};

static const char *const headers[NCOLS] = {
	"编号", "标题", "提出人", "主办单位", "协办单位", "类别", "立案日期", "交办日期",
	"答复期限", "承办人", "办理计划", "承诺办结日期", "联系次数", "答复日期", "答复类别",
	"测评结果", "状态", "重点",
};
#define COL_CONTACTS 12

/* ---- one row as text -------------------------------------------------- */

static const char *state_label(int s)
{
	size_t n = sizeof state_labels / sizeof state_labels[0];

	return s >= JIANYI__STATE__STATE_DRAFT && (size_t)s <= n ? state_labels[s - 1] : "";
}

static const char *evaluation_label(const char *e)
{
	if (strcmp(e, "satisfied") == 0)
		return "满意";
	if (strcmp(e, "basically_satisfied") == 0)
		return "基本满意";
	if (strcmp(e, "unsatisfied") == 0)
		return "不满意";
	return e;
}

/* The cells of one row, as text (contacts in buf). */
static void row_cells(const Jianyi__LedgerRow *r, const char *cell[NCOLS], char *buf, size_t len)
{
	snprintf(buf, len, "%d", r->contacts);
	cell[0] = r->number;
	cell[1] = r->title;
	cell[2] = r->proposers;
	cell[3] = r->lead_unit;
	cell[4] = r->co_units;
	cell[5] = r->category;
	cell[6] = r->registered_at;
	cell[7] = r->assigned_at;
	cell[8] = r->reply_deadline;
	cell[9] = r->handler;
	cell[10] = r->plan;
	cell[11] = r->promised_date;
	cell[COL_CONTACTS] = buf;
	cell[13] = r->replied_at;
	cell[14] = r->result_class;
	cell[15] = evaluation_label(r->evaluation);
	cell[16] = state_label(r->state);
	cell[17] = r->key ? "是" : "";
}

/* Display width: East Asian wide characters count 2 (UTF-8 input). */
static size_t display_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		int n;
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			n = 2;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++)
			if (p[i] == 0) { n = i; break; } else cp = (cp << 6) | (p[i] & 0x3F);
		p += n;
		bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
			    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
			    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
			    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
		if (cp == '\n')
			continue;
		w += wide ? 2 : 1;
		if (w > WIDTH_MAX * 2)
			break; /* capped anyway */
	}
	return w;
}

/* ---- writers ---------------------------------------------------------- */


/* RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes
 * doubled. A field that a spreadsheet would take for a formula gets a
 * leading apostrophe (CSV injection; OWASP lists tab and carriage return
 * besides = + - @). */
static void csv_field(FILE *f, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}

static bool csv_row(struct ledger_writer *w, const char *const cell[NCOLS])
{
	for (int i = 0; i < NCOLS; i++) {
		if (i > 0)
			fputc(',', w->csv);
		csv_field(w->csv, cell[i]);
	}
	fputs("\r\n", w->csv);
	if (ferror(w->csv)) {
		snprintf(w->error, sizeof w->error, _("cannot write %s: %s"), w->path, strerror(errno));
		return false;
	}
	return true;
}

/* At most XLSX_CELL_MAX characters, cut at a character boundary. */
static const char *xlsx_text(const char *s, char **owned)
{
	*owned = NULL;
	if (lxw_utf8_strlen(s) <= XLSX_CELL_MAX)
		return s;
	size_t chars = 0, i = 0;
	while (s[i] && chars < XLSX_CELL_MAX) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	*owned = strndup(s, i);
	return *owned ? *owned : "";
}

static bool xlsx_row(struct ledger_writer *w, const char *const cell[NCOLS], bool header, int contacts)
{
	for (int i = 0; i < NCOLS; i++) {
		lxw_error e;
		if (!header && i == COL_CONTACTS) {
			e = worksheet_write_number(w->ws, w->row, (lxw_col_t)i, contacts, NULL);
		} else if (cell[i][0] == '\0') {
			continue;
		} else {
			char *owned;
			e = worksheet_write_string(w->ws, w->row, (lxw_col_t)i, xlsx_text(cell[i], &owned),
						   header ? w->bold : NULL);
			free(owned);
		}
		if (e != LXW_NO_ERROR) {
			snprintf(w->error, sizeof w->error, _("cannot write row %u of %s: %s"),
				 (unsigned)w->row + 1, w->path, lxw_strerror(e));
			return false;
		}
	}
	w->row++;
	return true;
}

/* The ledger names people and phone numbers: only the owner may read the
 * file, whether it is new or one written over (0600, before any byte). */
static int create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The reason in w->error. A function of its own: snprintf inlined into
 * a caller with a translated format made GCC's -Wformat-truncation see
 * a null format under ASan (a false positive). */
static void writer_failed(struct ledger_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void writer_failed(struct ledger_writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->error, sizeof w->error, fmt, ap);
	va_end(ap);
}

bool ledger_writer_open(struct ledger_writer *w)
{
	if (w->format == LEDGER_CSV) {
		int fd = create_private(w->path);
		if (fd < 0 || (w->csv = fdopen(fd, "wb")) == NULL) {
			writer_failed(w, _("cannot create %s: %s"), w->path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return false;
		}
		/* UTF-8 byte order mark: Excel then reads the Chinese right. */
		fputs("\xEF\xBB\xBF", w->csv);
		return csv_row(w, headers);
	}
	/* libxlsxwriter writes the file at the end with fopen, which keeps
	 * the mode of the file made here. */
	int fd = create_private(w->path);
	if (fd < 0) {
		snprintf(w->error, sizeof w->error, _("cannot create %s: %s"), w->path, strerror(errno));
		return false;
	}
	close(fd);
	/* constant_memory: each row goes to a temporary file as it is written. */
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	w->wb = workbook_new_opt(w->path, &opt);
	if (w->wb == NULL || (w->ws = workbook_add_worksheet(w->wb, "台账")) == NULL) {
		snprintf(w->error, sizeof w->error, _("cannot create %s"), w->path);
		return false;
	}
	w->bold = workbook_add_format(w->wb);
	format_set_bold(w->bold);
	worksheet_freeze_panes(w->ws, 1, 0);
	return xlsx_row(w, headers, true, 0);
}

bool ledger_writer_row(struct ledger_writer *w, const Jianyi__LedgerRow *r)
{
	const char *cell[NCOLS];
	char num[16];
	row_cells(r, cell, num, sizeof num);
	for (int i = 0; i < NCOLS; i++) {
		size_t dw = display_width(cell[i]);
		if (dw > w->width[i])
			w->width[i] = dw;
	}
	return w->format == LEDGER_CSV ? csv_row(w, cell) : xlsx_row(w, cell, false, r->contacts);
}

bool ledger_writer_close(struct ledger_writer *w, bool ok)
{
	if (w->format == LEDGER_CSV) {
		if (w->csv == NULL)
			return false;
		bool flushed = fflush(w->csv) == 0 && fsync(fileno(w->csv)) == 0;
		if (ok && !flushed)
			snprintf(w->error, sizeof w->error, _("cannot write %s: %s"), w->path, strerror(errno));
		if (fclose(w->csv) != 0 && ok && flushed) {
			snprintf(w->error, sizeof w->error, _("cannot write %s: %s"), w->path, strerror(errno));
			flushed = false;
		}
		w->csv = NULL;
		return ok && flushed;
	}
	if (w->wb == NULL)
		return false;
	if (ok && w->ws != NULL) {
		for (int i = 0; i < NCOLS; i++) {
			size_t width = w->width[i] + 2;
			if (width < WIDTH_MIN)
				width = WIDTH_MIN;
			if (width > WIDTH_MAX)
				width = WIDTH_MAX;
			worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, (double)width, NULL);
		}
		if (w->row > 1)
			worksheet_autofilter(w->ws, 0, 0, w->row - 1, NCOLS - 1);
	}
	lxw_error e = workbook_close(w->wb);
	w->wb = NULL;
	if (ok && e != LXW_NO_ERROR) {
		snprintf(w->error, sizeof w->error, _("cannot write %s: %s"), w->path, lxw_strerror(e));
		return false;
	}
	return ok;
}

/* ---- paging ----------------------------------------------------------- */

/* One page into w; its next_after_id in *next. */
static enum ledger_result write_page(const Jianyi__LedgerResponse *l, struct ledger_writer *w,
				     int64_t *written, int64_t *next)
{
	for (size_t i = 0; i < l->n_rows; i++)
		if (!ledger_writer_row(w, l->rows[i]))
			return LEDGER_FILE_FAILED;
	*written += (int64_t)l->n_rows;
	*next = l->next_after_id;
	return LEDGER_DONE;
}

enum ledger_result ledger_export(struct jy_client *c, Jianyi__ListSuggestionsRequest *filter,
				 struct ledger_writer *w, ledger_progress_fn progress, void *user,
				 int64_t *written, struct jy_error *err)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__LedgerRequest lreq = JIANYI__LEDGER_REQUEST__INIT;
	int64_t total = 0;

	*written = 0;
	filter->page_size = LEDGER_PAGE;
	lreq.filter = filter;
	req.body_case = JIANYI__REQUEST__BODY_LEDGER;
	req.ledger = &lreq;
	for (;;) {
		Jianyi__Envelope *resp = NULL;
		enum ledger_result r;
		int64_t next = 0;

		if (!jy_call(c, &req, &resp, err)) {
			if (resp != NULL)
				jy_envelope_free(resp);
			if (err->code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED &&
			    filter->page_size > 1) {
				filter->page_size /= 2;
				continue;
			}
			return LEDGER_SERVER_FAILED;
		}
		if (resp->response->body_case != JIANYI__RESPONSE__BODY_LEDGER) {
			jy_envelope_free(resp);
			err->code = JIANYI__STATUS_CODE__STATUS_INTERNAL;
			snprintf(err->message, sizeof err->message, "%s",
				 _("internal: the server's answer to ledger has no ledger"));
			return LEDGER_SERVER_FAILED;
		}
		if (filter->after_id == 0)
			total = resp->response->ledger->total;
		r = write_page(resp->response->ledger, w, written, &next);
		jy_envelope_free(resp);
		if (r != LEDGER_DONE)
			return r;
		if (progress != NULL && !progress(*written, total, user))
			return LEDGER_STOPPED;
		if (next == 0)
			return LEDGER_DONE;
		filter->after_id = next;
		filter->page_size = LEDGER_PAGE;
	}
}
