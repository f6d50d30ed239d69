/* export: the handling ledger (台账) to CSV or XLSX (see cli_export.h); the
 * file itself is written by ledger_file.c, shared with the desk. */
#include "cli_export.h"
#include "cli_i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli_filter.h"
#include "cli_flags.h"
#include "cli_output.h"
#include "ledger_file.h"

static const char *const formats[] = { "csv", "xlsx", NULL };

const struct cli_option cli_export_options[] = {
	{ "format", N_("F"), N_("csv or xlsx (required)") },
	{ "output", N_("FILE"), N_("the file to write (required)") },
	{ "force", NULL, N_("replace FILE if it exists") },
	CLI_FILTER_OPTIONS,
	{ 0 },
};

/* ---- the command ------------------------------------------------------ */

static bool path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* "exported N of M" on a terminal while more pages come. */
struct shown {
	bool tty, shown;
};

static bool show_progress(int64_t written, int64_t total, void *user)
{
	struct shown *p = user;

	if (p->tty && (written < total || p->shown)) {
		fputc('\r', stderr);
		fprintf(stderr, _("exported %" PRId64 " of %" PRId64), written, total);
		p->shown = true;
	}
	return true;
}

int cli_run_export(const struct cli_invocation *inv)
{
	Jianyi__ListSuggestionsRequest lr = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	const char *output = NULL;
	struct ledger_writer w = { 0 };
	struct shown shown = { .tty = isatty(STDERR_FILENO) };
	struct jy_client *c = NULL;
	struct jy_error err = { 0 };
	int format = -1, rc = CLI_EXIT_FAILURE;
	bool force = cli_value(inv, "force") != NULL;
	int64_t written = 0;
	char *tmp = NULL;

	if (!cli_get_choice(inv, "format", formats, CLI_REQUIRED, &format) ||
	    !cli_get_str(inv, "output", CLI_REQUIRED, &output) ||
	    !cli_get_filter(inv, &lr))
		return CLI_EXIT_USAGE;
	if (output[0] == '\0')
		return cli_usage_error(inv, _("--output: give a file name")), CLI_EXIT_USAGE;
	if (!force && path_exists(output))
		return cli_usage_error(inv, _("--output: %s exists; give --force to replace it"), output),
		       CLI_EXIT_USAGE;

	if ((c = cli_connect_or_fail(inv, &rc)) == NULL)
		return rc;
	if (asprintf(&tmp, "%s.tmp", output) < 0) {
		tmp = NULL;
		rc = cli_fail(CLI_EXIT_FAILURE, _("out of memory"));
		goto done;
	}
	w.format = format == 0 ? LEDGER_CSV : LEDGER_XLSX;
	w.path = tmp;
	if (!ledger_writer_open(&w)) {
		ledger_writer_close(&w, false);
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", w.error);
		goto fail;
	}
	/* Page by page: each page is written, then freed. */
	enum ledger_result r = ledger_export(c, &lr, &w, show_progress, &shown, &written, &err);
	if (shown.shown)
		fputc('\n', stderr);
	if (r != LEDGER_DONE) {
		ledger_writer_close(&w, false);
		rc = r == LEDGER_SERVER_FAILED ? cli_fail_status(&err)
					       : cli_fail(CLI_EXIT_FAILURE, "%s", w.error);
		goto fail;
	}
	if (!ledger_writer_close(&w, true)) {
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", w.error);
		goto fail;
	}
	/* Without --force, link() refuses a file that appeared meanwhile. */
	if (force ? rename(tmp, output) != 0 : link(tmp, output) != 0) {
		rc = cli_fail(errno == EEXIST ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE,
			      errno == EEXIST ? _("cannot write %s: %s; give --force to replace it") :
			      _("cannot write %s: %s"), output, strerror(errno));
		goto fail;
	}
	if (!force)
		unlink(tmp);

	struct cli_output out;
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		cli_out_str(&out, "file", _("file"), output);
		cli_out_str(&out, "format", _("format"), formats[format]);
		cli_out_int(&out, "rows", _("rows"), written);
	} else {
		printf(ngettext("exported %" PRId64 " suggestion to %s\n",
				"exported %" PRId64 " suggestions to %s\n", (unsigned long)written),
		       written, output);
	}
	rc = cli_output_finish(&out);
	goto done;
fail:
	unlink(tmp);
done:
	free(tmp);
	if (c != NULL)
		jy_close(c);
	return rc;
}
