/* jianyi attach, attachments, download (see cli_attach.h). */
#include "cli_attach.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_mirror.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_terms.h"
#include "jianyi.h"
#include "mirror_attach.h"

/* A transfer cut this many times in a row gives up (each retry resumes). */
#define TRANSFER_TRIES 6
#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000
#define NAME_COLUMNS 40

const struct cli_option cli_attach_options[] = {
	{ "to", N_("WHAT"), N_("attach to: suggestion (default), plan, contact, reply, follow-up, supervision") },
	{ "event", N_("SEQ"), N_("the record's event sequence (default: the case's latest of that kind)") },
	{ "name", N_("FILENAME"), N_("the name others see (default: the file's name)") },
	{ "public", NULL, N_("show it on the portal with the published reply (reply only)") },
	{ 0 },
};

const struct cli_option cli_download_options[] = {
	{ "output", N_("FILE"), N_("write to FILE (default: the attachment's name, here)") },
	{ 0 },
};

static const char *const targets[] = {
	"suggestion", "plan", "contact", "reply", "follow-up", "supervision", NULL,
};
static const char *const wire_targets[] = {
	"suggestion", "plan", "contact", "reply", "follow_up", "supervision",
};

/* A transfer step against a fresh connection each time the link fails. */
typedef bool (*transfer_fn)(struct jy_client *c, void *arg, struct jy_error *err);

static int transfer(const struct cli_invocation *inv, transfer_fn fn, void *arg)
{
	struct jy_backoff b;
	struct jy_error err = { 0 };
	int rc = CLI_EXIT_FAILURE;

	jy_backoff_init(&b, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	for (int i = 0; i < TRANSFER_TRIES; i++) {
		struct jy_client *c = cli_connect_or_fail(inv, &rc);
		bool ok;
		if (c == NULL) {
			if (rc == CLI_EXIT_USAGE)
				return rc;
			usleep(jy_backoff_next(&b) * 1000u);
			continue;
		}
		ok = fn(c, arg, &err);
		jy_close(c);
		if (ok)
			return CLI_EXIT_OK;
		if (err.code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE)
			return cli_fail_status(&err);
		fprintf(stderr, _("jianyi: the link was cut (%s); resuming\n"), err.message);
		usleep(jy_backoff_next(&b) * 1000u);
	}
	return err.code ? cli_fail_status(&err) : rc;
}

static bool upload_step(struct jy_client *c, void *arg, struct jy_error *err)
{
	return jy_upload_file(c, arg, err);
}

static bool download_step(struct jy_client *c, void *arg, struct jy_error *err)
{
	return jy_download_file(c, arg, err);
}

int cli_run_attach(const struct cli_invocation *inv)
{
	struct jy_upload u = { 0 };
	struct cli_output out;
	int to = 0, rc;
	long seq = 0;

	if (!cli_get_case_id(inv, &u.suggestion_id))
		return CLI_EXIT_USAGE;
	if (inv->nargs < 2) {
		cli_usage_error(inv, _("FILE: missing (the file to attach); see 'jianyi help %s'"),
				inv->cmd->name);
		return CLI_EXIT_USAGE;
	}
	if (!cli_get_choice(inv, "to", targets, CLI_OPTIONAL, &to) ||
	    !cli_get_int(inv, "event", 1, 0x7fffffffL, CLI_OPTIONAL, &seq) ||
	    !cli_get_str(inv, "name", CLI_OPTIONAL, &u.name))
		return CLI_EXIT_USAGE;
	u.path = inv->args[1];
	u.attached_to = wire_targets[to];
	u.event_sequence = seq;
	u.public_ = cli_value(inv, "public") != NULL;
	if (access(u.path, R_OK) != 0)
		return cli_fail(CLI_EXIT_USAGE, _("cannot read %s: %s"), u.path, strerror(errno));
	rc = transfer(inv, upload_step, &u);
	if (rc != CLI_EXIT_OK)
		return rc;
	cli_output_init(&out, inv->flags.json);
	cli_out_int(&out, "attachment_id", _("attachment"), u.attachment_id);
	cli_out_int(&out, "size", _("bytes"), u.size);
	cli_out_str(&out, "sha256", _("SHA-256"), u.sha256);
	cli_out_int(&out, "event_sequence", _("event"), u.event_sequence_done);
	return cli_output_finish(&out);
}

/* Size for people: bytes, KiB or MiB. */
static void size_text(char *buf, size_t len, int64_t n)
{
	if (n < 1024)
		snprintf(buf, len, _("%" PRId64 " B"), n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, _("%.1f KiB"), (double)n / 1024.0);
	else
		snprintf(buf, len, _("%.1f MiB"), (double)n / (1024.0 * 1024.0));
}


static void print_attachments(Jianyi__Attachment *const *a, size_t n)
{
	static const char *const head[] = { N_("ID"), N_("SIZE"), N_("ON"), N_("PUBLIC"), N_("NAME") };
	struct cli_cells c = { 0 };
	char size[32];

	for (size_t i = 0; i < n; i++) {
		size_text(size, sizeof size, a[i]->size);
		cli_cell(&c, "%" PRId64, a[i]->id);
		cli_cell(&c, "%s", size);
		cli_cell(&c, "%s", cli_attach_target_text(a[i]->attached_to));
		cli_cell(&c, "%s", a[i]->public_ ? _("yes") : _("no"));
		cli_cell(&c, "%s", a[i]->name);
	}
	cli_print_table(head, 5, c.v, n, NAME_COLUMNS);
	cli_cells_free(&c);
}

static int output_attachments(const struct cli_invocation *inv, const Jianyi__AttachListResponse *r);

/* The list the last sync brought (cases the mirror holds). */
static int attachments_offline(const struct cli_invocation *inv, int64_t case_id)
{
	Jianyi__AttachListResponse *l = NULL;
	int rc = CLI_EXIT_FAILURE;
	struct mirror *m = cli_mirror_offline(inv, &rc);

	if (m == NULL)
		return rc;
	cli_mirror_note(m);
	if (!mirror_attach_list(m, case_id, &l))
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
	else
		rc = output_attachments(inv, l);
	mirror_attach_free_list(l);
	mirror_close(m);
	return rc;
}

int cli_run_attachments(const struct cli_invocation *inv)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachListRequest q = JIANYI__ATTACH_LIST_REQUEST__INIT;
	int rc = CLI_EXIT_FAILURE;

	if (!cli_get_case_id(inv, &q.suggestion_id))
		return CLI_EXIT_USAGE;
	if (inv->flags.offline)
		return attachments_offline(inv, q.suggestion_id);
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_LIST;
	req.attach_list = &q;
	Jianyi__Envelope *resp = cli_read_once(inv, &req, JIANYI__RESPONSE__BODY_ATTACH_LIST,
					       N_("attachment list"), NULL, &rc);
	if (resp == NULL)
		return rc;
	rc = output_attachments(inv, resp->response->attach_list);
	jy_envelope_free(resp);
	return rc;
}

static int output_attachments(const struct cli_invocation *inv, const Jianyi__AttachListResponse *r)
{
	struct cli_output out;

	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_attachments; i++)
			json_object_array_add(a, cli_message_json(&r->attachments[i]->base));
		json_object_object_add(out.root, "attachments", a);
	} else if (r->n_attachments == 0) {
		printf(_("no attachments\n"));
	} else {
		print_attachments(r->attachments, r->n_attachments);
	}
	return cli_output_finish(&out);
}

/* The attachment's name, asked of the server, as the default file name. */
static bool default_path(const struct cli_invocation *inv, int64_t id, char *buf, size_t len, int *rc)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__AttachListRequest q = JIANYI__ATTACH_LIST_REQUEST__INIT;

	q.attachment_id = id;
	req.body_case = JIANYI__REQUEST__BODY_ATTACH_LIST;
	req.attach_list = &q;
	Jianyi__Envelope *resp = cli_read_once(inv, &req, JIANYI__RESPONSE__BODY_ATTACH_LIST,
					       N_("attachment list"), NULL, rc);
	if (resp == NULL)
		return false;
	/* The server sanitized the name: no path separator, no control character. */
	snprintf(buf, len, "%s", resp->response->attach_list->n_attachments == 1
					 ? resp->response->attach_list->attachments[0]->name
					 : "attachment");
	jy_envelope_free(resp);
	return true;
}

/* From the mirror, through FILE.part, checked against the SHA-256. */
static int download_offline(const struct cli_invocation *inv, struct jy_download *d)
{
	Jianyi__Attachment *a = NULL;
	bool found = false, ok;
	int rc = CLI_EXIT_FAILURE;
	struct mirror *m = cli_mirror_offline(inv, &rc);
	FILE *f;

	if (m == NULL)
		return rc;
	cli_mirror_note(m);
	snprintf(d->part_, sizeof d->part_, "%s.part", d->path);
	if ((f = fopen(d->part_, "wb")) == NULL) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("cannot write %s: %s"), d->part_, strerror(errno));
		goto done;
	}
	ok = mirror_attach_write(m, d->attachment_id, f, &a, &found);
	ok = fclose(f) == 0 && ok;
	if (!found) {
		unlink(d->part_);
		rc = cli_fail(CLI_EXIT_FAILURE, _("not found: the mirror holds no attachment %" PRId64
						  " (not yours to see, or not synced yet)"), d->attachment_id);
	} else if (!ok) {
		unlink(d->part_);
		rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
	} else if (rename(d->part_, d->path) != 0) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("cannot rename %s to %s: %s"), d->part_, d->path,
			      strerror(errno));
	} else {
		snprintf(d->name, sizeof d->name, "%s", a->name);
		snprintf(d->mime_type, sizeof d->mime_type, "%s", a->mime_type);
		snprintf(d->sha256, sizeof d->sha256, "%s", a->sha256);
		d->size = a->size;
		rc = CLI_EXIT_OK;
	}
done:
	if (a != NULL)
		jianyi__attachment__free_unpacked(a, NULL);
	mirror_close(m);
	return rc;
}

int cli_run_download(const struct cli_invocation *inv)
{
	static struct jy_download d;
	struct cli_output out;
	char path[1024], *end;
	int rc = CLI_EXIT_FAILURE;

	if (inv->nargs < 1) {
		cli_usage_error(inv, _("ATTACHMENT: missing (the attachment's id); see 'jianyi help %s'"),
				inv->cmd->name);
		return CLI_EXIT_USAGE;
	}
	errno = 0;
	d.attachment_id = strtoll(inv->args[0], &end, 10);
	if (errno != 0 || *end != '\0' || d.attachment_id <= 0 || d.attachment_id > CLI_MAX_ID) {
		cli_usage_error(inv, _("ATTACHMENT: '%s' is not an attachment id (a positive whole number)"),
				inv->args[0]);
		return CLI_EXIT_USAGE;
	}
	if (inv->flags.offline) {
		if (cli_value(inv, "output") == NULL) {
			cli_usage_error(inv, _("--output: required with --offline"));
			return CLI_EXIT_USAGE;
		}
		snprintf(path, sizeof path, "%s", cli_value(inv, "output"));
		d.path = path;
		rc = download_offline(inv, &d);
	} else {
		if (cli_value(inv, "output") != NULL)
			snprintf(path, sizeof path, "%s", cli_value(inv, "output"));
		else if (!default_path(inv, d.attachment_id, path, sizeof path, &rc))
			return rc;
		d.path = path;
		rc = transfer(inv, download_step, &d);
	}
	if (rc != CLI_EXIT_OK)
		return rc;
	cli_output_init(&out, inv->flags.json);
	cli_out_str(&out, "path", _("file"), d.path);
	cli_out_str(&out, "name", _("name"), d.name);
	cli_out_str(&out, "mime_type", _("type"), d.mime_type);
	cli_out_int(&out, "size", _("bytes"), d.size);
	cli_out_str(&out, "sha256", _("SHA-256"), d.sha256);
	return cli_output_finish(&out);
}
