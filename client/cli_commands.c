/* The CLI's commands: the table that cli_main.c dispatches on, and one
 * handler per command. */
#include "cli_commands.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_attach.h"
#include "cli_clock.h"
#include "cli_i18n.h"
#include "cli_terms.h"
#include "cli_reasons.h"
#include "cli_render.h"
#include "cli_export.h"
#include "cli_flags.h"
#include "cli_deadlines.h"
#include "cli_directory.h"
#include "cli_enroll.h"
#include "cli_todo.h"
#include "cli_inbox.h"
#include "cli_outbox.h"
#include "cli_output.h"
#include "cli_read.h"
#include "cli_stats.h"
#include "cli_sync.h"
#include "cli_topics.h"
#include "cli_watch.h"
#include "cli_workflow.h"
#include "jianyi.h"
#include "protocol.h"
#include "xalloc.h"


#define PING_MAX_COUNT 100000ul
/* Leaves room for the envelope around the payload in a default-size frame. */
#define PING_MAX_PAYLOAD (JY_DEFAULT_MAX_FRAME - 1024ul)

int cli_option_find(const struct cli_option *options, const char *name)
{
	for (int i = 0; options != NULL && options[i].name != NULL; i++)
		if (strcmp(options[i].name, name) == 0)
			return i;
	return -1;
}

const char *cli_value(const struct cli_invocation *inv, const char *name)
{
	int i = cli_option_find(inv->cmd->options, name);

	return i >= 0 ? inv->values[i] : NULL;
}

size_t cli_values(const struct cli_invocation *inv, const char *name,
		  const char **out, size_t max)
{
	int opt = cli_option_find(inv->cmd->options, name);
	size_t n = 0;

	for (int i = 0; opt >= 0 && i < inv->nrepeated; i++)
		if (inv->repeated_opt[i] == opt) {
			if (n < max)
				out[n] = inv->repeated[i];
			n++;
		}
	return n;
}

/* --- Connecting -------------------------------------------------------- */

/* Why the settings cannot make a connection (NULL if they can), untranslated:
 * _() it for people. */
static const char *missing_setting(const struct cli_settings *s)
{
	if (s->cert == NULL)
		return N_("no client certificate: give --cert FILE, set JIANYI_CERT, or put cert = FILE in the config file");
	if (s->key == NULL)
		return N_("no private key: give --key FILE, set JIANYI_KEY, or put key = FILE in the config file");
	if (s->ca == NULL)
		return N_("no CA certificate: give --ca FILE, set JIANYI_CA, or put ca = FILE in the config file");
	return NULL;
}

static struct jy_client *connect_with(const struct cli_settings *s, struct jy_error *err)
{
	struct jy_client_options o = {
		.server = s->server, .cert_file = s->cert, .key_file = s->key,
		.ca_file = s->ca, .timeout_ms = s->timeout_ms,
	};

	struct jy_client *c = jy_connect(&o, err);

	if (c != NULL)
		cli_clock_use(jy_welcome(c)->time_zone);
	return c;
}

/* Connects for a command that cannot do without the server; on failure
 * prints the reason and sets *rc. */
struct jy_client *cli_connect_or_fail(const struct cli_invocation *inv, int *rc)
{
	const char *missing = missing_setting(&inv->settings);
	struct jy_error err;
	struct jy_client *c;

	if (missing != NULL) {
		*rc = cli_fail(CLI_EXIT_USAGE, "%s", _(missing));
		return NULL;
	}
	c = connect_with(&inv->settings, &err);
	if (c == NULL)
		*rc = cli_fail_status(&err);
	return c;
}

Jianyi__Envelope *cli_read_once(const struct cli_invocation *inv, Jianyi__Request *req,
				Jianyi__Response__BodyCase body, const char *what,
				const char *usage_of, int *rc)
{
	Jianyi__Envelope *resp = NULL;
	struct jy_error err;
	struct jy_client *c = cli_connect_or_fail(inv, rc);

	if (c == NULL)
		return NULL;
	if (!jy_call(c, req, &resp, &err)) {
		/* a refusal comes with the server's answer: ours to free */
		if (usage_of != NULL && err.code == JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT) {
			cli_usage_error(inv, "%s: %s", usage_of, err.message);
			*rc = CLI_EXIT_USAGE;
		} else {
			*rc = cli_fail_status(&err);
		}
		if (resp != NULL)
			jy_envelope_free(resp);
		resp = NULL;
	} else if (resp->response->body_case != body) {
		*rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer has no %s"), _(what));
		jy_envelope_free(resp);
		resp = NULL;
	}
	jy_close(c);
	return resp;
}

/* --- whoami ------------------------------------------------------------ */

/* The roles in words, for people. */
static void out_roles(struct cli_output *out, char *const *roles, size_t n)
{
	const char **words = jy_xcalloc(n ? n : 1, sizeof *words);

	for (size_t i = 0; i < n; i++)
		words[i] = cli_role_text(roles[i]);
	cli_out_list(out, "roles", _("roles"), (char *const *)words, n);
	free(words);
}

static int run_whoami(const struct cli_invocation *inv)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__WhoAmIRequest who = JIANYI__WHO_AM_IREQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	const Jianyi__Identity *id;
	struct cli_output out;
	struct jy_error err;
	int rc = CLI_EXIT_FAILURE;
	struct jy_client *c = cli_connect_or_fail(inv, &rc);
	char org[512];

	if (c == NULL)
		return rc;
	req.body_case = JIANYI__REQUEST__BODY_WHOAMI;
	req.whoami = &who;
	if (!jy_call(c, &req, &resp, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	if (resp->response->body_case != JIANYI__RESPONSE__BODY_WHOAMI ||
	    (id = resp->response->whoami->identity) == NULL) {
		rc = cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to whoami has no identity"));
		goto done;
	}
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		cli_out_int(&out, "account_id", _("account"), id->account_id);
		cli_out_str(&out, "login", _("login"), id->login);
		cli_out_str(&out, "name", _("name"), id->display_name);
		cli_out_list(&out, "roles", _("roles"), id->roles, id->n_roles);
		cli_out_int(&out, "organization_id", _("organization id"), id->organization_id);
		cli_out_str(&out, "organization", _("organization"), id->organization_name);
		cli_out_str(&out, "organization_kind", _("kind"), id->organization_kind);
		cli_out_str(&out, "certificate_sha256", _("certificate"), id->certificate_sha256);
	} else {
		cli_out_str(&out, "login", _("login"), id->login);
		cli_out_str(&out, "name", _("name"), id->display_name);
		out_roles(&out, id->roles, id->n_roles);
		if (id->organization_kind[0] != '\0')
			snprintf(org, sizeof org, _("%s (%s)"), id->organization_name,
				 cli_org_kind_text(id->organization_kind));
		else
			snprintf(org, sizeof org, "%s", id->organization_name);
		cli_out_str(&out, "organization", _("organization"), org);
		cli_out_str(&out, "certificate_sha256", _("certificate"), id->certificate_sha256);
	}
	rc = cli_output_finish(&out);
done:
	if (resp != NULL)
		jy_envelope_free(resp);
	jy_close(c);
	return rc;
}

/* --- ping -------------------------------------------------------------- */

enum { PING_OPT_COUNT, PING_OPT_PAYLOAD };

static const struct cli_option ping_options[] = {
	[PING_OPT_COUNT] = { "count", N_("N"), N_("number of pings, 1 to 100000 (default 4)") },
	[PING_OPT_PAYLOAD] = { "payload-bytes", N_("N"), N_("bytes the server echoes in each ping (default 0)") },
	{ 0 },
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct ping_stats {
	double min_ms, max_ms, sum_ms;
};

/* Checks one ping answer and adds its round trip to st. sent_ns[i] holds
 * the send time of request first_id + i, or 0 once its answer has come. */
static bool ping_account(const Jianyi__Envelope *env, uint64_t first_id, int64_t *sent_ns,
			 unsigned long nsent, const uint8_t *payload, size_t payload_len,
			 struct ping_stats *st, struct jy_error *err)
{
	const Jianyi__Response *r = env->response;
	uint64_t i = env->id - first_id;
	double ms;

	if (env->id < first_id || i >= nsent || sent_ns[i] == 0) {
		err->code = JIANYI__STATUS_CODE__STATUS_INTERNAL;
		snprintf(err->message, sizeof err->message,
			 _("the server answered ping %" PRIu64 ", which was not waiting"), env->id);
		return false;
	}
	if (r->body_case != JIANYI__RESPONSE__BODY_PING || r->ping->payload.len != payload_len ||
	    (payload_len > 0 && memcmp(r->ping->payload.data, payload, payload_len) != 0)) {
		err->code = JIANYI__STATUS_CODE__STATUS_INTERNAL;
		snprintf(err->message, sizeof err->message,
			 _("the server's answer to ping %" PRIu64 " does not echo its payload"), env->id);
		return false;
	}
	ms = (double)(now_ns() - sent_ns[i]) / 1e6;
	sent_ns[i] = 0;
	if (st->max_ms == 0 || ms < st->min_ms)
		st->min_ms = ms;
	if (ms > st->max_ms)
		st->max_ms = ms;
	st->sum_ms += ms;
	return true;
}

/* Pipelined: keeps up to the server's in-flight limit outstanding, so a
 * large --count neither waits a round trip per ping nor runs into the
 * server's back-pressure (it stops reading beyond that limit). */
static bool ping_run(struct jy_client *c, unsigned long count, size_t payload_len,
		     struct ping_stats *st, struct jy_error *err)
{
	const Jianyi__Welcome *w = jy_welcome(c);
	unsigned long window = w->limits != NULL && w->limits->max_in_flight > 0 ?
			       w->limits->max_in_flight : JY_DEFAULT_MAX_IN_FLIGHT;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__PingRequest ping = JIANYI__PING_REQUEST__INIT;
	uint8_t *payload = jy_xmalloc(payload_len ? payload_len : 1);
	int64_t *sent_ns = jy_xcalloc(count, sizeof *sent_ns);
	unsigned long nsent = 0, nreceived = 0;
	uint64_t first_id = 0, id;
	bool ok = false;

	for (size_t i = 0; i < payload_len; i++)
		payload[i] = (uint8_t)(i * 31 + 7);   /* not all zeros: a real echo test */
	ping.payload.data = payload;
	ping.payload.len = payload_len;
	req.body_case = JIANYI__REQUEST__BODY_PING;
	req.ping = &ping;
	while (nreceived < count) {
		Jianyi__Envelope *resp = NULL;
		bool good;

		while (nsent < count && nsent - nreceived < window) {
			int64_t t = now_ns();

			if (!jy_send(c, &req, &id, err))
				goto done;
			if (nsent == 0)
				first_id = id;
			sent_ns[nsent++] = t > 0 ? t : 1;   /* 0 means "answered" */
		}
		good = jy_receive(c, &resp, err) &&
		       ping_account(resp, first_id, sent_ns, nsent, payload, payload_len, st, err);
		if (resp != NULL)
			jy_envelope_free(resp);
		if (!good)
			goto done;
		nreceived++;
	}
	ok = true;
done:
	free(sent_ns);
	free(payload);
	return ok;
}

static int run_ping(const struct cli_invocation *inv)
{
	unsigned long count = 4, payload_len = 0;
	struct ping_stats st = { 0 };
	struct cli_output out;
	struct jy_error err;
	char msg[256];
	int rc = CLI_EXIT_FAILURE;
	struct jy_client *c;

	if (inv->values[PING_OPT_COUNT] != NULL &&
	    !cli_parse_number("--count", inv->values[PING_OPT_COUNT], 1, PING_MAX_COUNT,
			      &count, msg, sizeof msg))
		return cli_fail(CLI_EXIT_USAGE, "%s", msg);
	if (inv->values[PING_OPT_PAYLOAD] != NULL &&
	    !cli_parse_number("--payload-bytes", inv->values[PING_OPT_PAYLOAD], 0,
			      PING_MAX_PAYLOAD, &payload_len, msg, sizeof msg))
		return cli_fail(CLI_EXIT_USAGE, "%s", msg);
	if ((c = cli_connect_or_fail(inv, &rc)) == NULL)
		return rc;
	if (!ping_run(c, count, payload_len, &st, &err)) {
		rc = cli_fail_status(&err);
		goto done;
	}
	cli_output_init(&out, inv->flags.json);
	cli_out_str(&out, "server", _("server"), inv->settings.server);
	cli_out_int(&out, "count", _("pings"), (int64_t)count);
	cli_out_int(&out, "payload_bytes", _("payload bytes"), (int64_t)payload_len);
	cli_out_ms(&out, "min_ms", _("rtt min"), st.min_ms);
	cli_out_ms(&out, "avg_ms", _("rtt avg"), st.sum_ms / (double)count);
	cli_out_ms(&out, "max_ms", _("rtt max"), st.max_ms);
	rc = cli_output_finish(&out);
done:
	jy_close(c);
	return rc;
}

/* --- version ----------------------------------------------------------- */

static int run_version(const struct cli_invocation *inv)
{
	const char *missing = missing_setting(&inv->settings);
	struct cli_output out;
	struct jy_client *c = NULL;
	struct jy_error err;
	char text[600];

	/* Not reaching the server is not an error here: the client's own
	 * version is still worth printing. */
	if (missing == NULL)
		c = connect_with(&inv->settings, &err);
	cli_output_init(&out, inv->flags.json);
	if (out.json) {
		cli_out_str(&out, "client_software", _("client"), "jianyi/" JY_SOFTWARE_VERSION);
		cli_out_int(&out, "client_protocol_version", _("protocol"), JY_PROTOCOL_VERSION);
	} else {
		snprintf(text, sizeof text, _("%s (protocol %d)"), "jianyi/" JY_SOFTWARE_VERSION,
			 JY_PROTOCOL_VERSION);
		cli_out_str(&out, "client", _("client"), text);
	}
	if (c != NULL) {
		const Jianyi__Welcome *w = jy_welcome(c);

		if (out.json) {
			cli_out_str(&out, "server_software", _("server"), w->software);
			cli_out_int(&out, "server_protocol_version", _("protocol"), w->protocol_version);
		} else {
			snprintf(text, sizeof text, _("%s (protocol %d)"), w->software,
				 (int)w->protocol_version);
			cli_out_str(&out, "server", _("server"), text);
		}
		jy_close(c);
	} else {
		/* --json: the status's name and the untranslated reason */
		if (missing == NULL && out.json)
			snprintf(text, sizeof text, "%s: %s", jy_status_str(err.code), err.message);
		else if (missing == NULL)
			cli_status_sentence(&err, text, sizeof text);
		else
			snprintf(text, sizeof text, "%s", out.json ? missing : _(missing));
		if (out.json) {
			cli_out_str(&out, "server_software", NULL, NULL);
			cli_out_str(&out, "server_protocol_version", NULL, NULL);
			cli_out_str(&out, "server_error", NULL, text);
		} else {
			char line[sizeof text + 32];

			snprintf(line, sizeof line, _("not connected (%s)"), text);
			cli_out_str(&out, "server", _("server"), line);
		}
	}
	return cli_output_finish(&out);
}

/* --- help -------------------------------------------------------------- */

static int run_help(const struct cli_invocation *inv)
{
	const struct cli_command *cmd;

	if (inv->nargs == 0) {
		cli_print_global_help(stdout);
		return cli_output_finish(&(struct cli_output){ .json = false });
	}
	cmd = cli_command_find(inv->args[0]);
	if (cmd == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("help: unknown command '%s'; see 'jianyi --help'"),
				inv->args[0]);
	cli_print_command_help(stdout, cmd);
	return cli_output_finish(&(struct cli_output){ .json = false });
}

/* --- The table --------------------------------------------------------- */

const struct cli_command cli_commands[] = {
	{
		.name = "whoami",
		.summary = N_("show the account the server maps our certificate to"),
		.usage = N_("whoami"),
		.help = N_("Connects and asks the server who we are: login, name, roles,\n"
			"organization and the SHA-256 fingerprint of our certificate.\n"
			"With --json: an object with login, name, roles, organization,\n"
			"organization_kind, certificate_sha256, account_id, organization_id.\n"),
		.needs_settings = true,
		.run = run_whoami,
	},
	{
		.name = "enroll",
		.summary = N_("first run: get a certificate with a one-time code"),
		.usage = N_("enroll --code CODE --out DIR   (with --server and --ca)"),
		.help = N_("Makes a new private key on this computer (it is never sent), sends a\n"
			"certificate request with the one-time code an administrator gave you\n"
			"(jianyid admin enroll-code) and writes into DIR: client.key,\n"
			"client.crt, ca.crt, issuing-ca.crt and client.ini. Nothing there is\n"
			"overwritten. A code works once and expires. Afterwards:\n"
			"jianyi --config DIR/client.ini whoami.\n"
			"With --json: {login, certificate_sha256, not_after, config_file}.\n"),
		.options = cli_enroll_options,
		.needs_settings = true,
		.run = cli_run_enroll,
	},
	{
		.name = "ping",
		.summary = N_("measure round trips to the server"),
		.usage = N_("ping [--count N] [--payload-bytes N]"),
		.help = N_("Sends N pings, pipelined (as many in flight as the server allows),\n"
			"checks that each comes back with its payload, and prints the\n"
			"round-trip time min/avg/max in milliseconds.\n"),
		.options = ping_options,
		.needs_settings = true,
		.run = run_ping,
	},
	{
		.name = "version",
		.summary = N_("show the client's version and, if reachable, the server's"),
		.usage = N_("version"),
		.help = N_("Prints this client's software and protocol version, then connects\n"
			"and prints the server's. Not reaching the server is not an error.\n"),
		.needs_settings = true,
		.run = run_version,
	},
	/* --- The workflow: intake (deputies, liaison committee) --- */
	{
		.name = "submit",
		.summary = N_("create a suggestion and submit it, or submit a draft"),
		.usage = N_("submit --title T (--body TEXT | --body-file F|-) --category C\n"
			 "              [--confidential] [--cosigner DEPUTY_ID ...] [--kind suggestion|motion]\n"
			 "              [--draft] | submit --id ID [--remove-cosigner DEPUTY_ID ...] [--version N]"),
		.help = N_("A deputy drafts a suggestion (CREATE) and, unless --draft or\n"
			"co-signers are given, submits it (SUBMIT) in the same command.\n"
			"With --cosigner the suggestion stays a draft: each co-signer\n"
			"confirms with 'jianyi cosign ID', then 'jianyi submit --id ID'\n"
			"submits it: refused while a co-signer has not confirmed, unless\n"
			"--remove-cosigner DEPUTY_ID drops them from the suggestion.\n"
			"--id also submits a suggestion returned for revision.\n"
			"The body may come from a file or standard input (-), at most 1 MiB\n"
			"of UTF-8. The two steps use the key K and K.submit, so repeating\n"
			"the command with the same --idempotency-key K does nothing twice.\n"),
		.write_help = true,
		.options = cli_submit_options,
		.needs_settings = true,
		.run = cli_run_submit,
	},
#define ACT_ROW(cmd, id, sum, use, text) \
	{ .name = cmd, .summary = sum, .usage = use, \
	  .help = text, .write_help = true, .options = cli_##id##_options, .max_args = 1, \
	  .needs_settings = true, .offline = true, .run = cli_run_act, .spec = &cli_act_##id }
	ACT_ROW("cosign", cosign, N_("confirm as a co-signer of a draft (联名)"),
		N_("cosign ID [--version N]"),
		N_("A deputy listed as co-signer confirms the draft; the lead deputy\n"
		"submits it once the co-signers have confirmed.\n")),
	ACT_ROW("withdraw", withdraw, N_("withdraw a suggestion in writing"),
		N_("withdraw ID --reason TEXT"),
		N_("The lead deputy withdraws the suggestion; handling ends.\n")),
	ACT_ROW("register", register, N_("register (立案) and number a submitted suggestion"),
		N_("register ID --term N --session N"),
		N_("The liaison committee registers the suggestion; it gets the next number\n"
		"of that term and session, e.g. 第18届第2次会议第3号.\n")),
	ACT_ROW("return", return, N_("return a suggestion to the deputy for revision"),
		N_("return ID --reason TEXT"),
		N_("The liaison committee returns it; the deputy revises and submits it\n"
		"again with 'jianyi submit --id ID'.\n")),
	ACT_ROW("merge", merge, N_("merge a duplicate into another suggestion (并案)"),
		N_("merge ID --into ID2 --reason TEXT"),
		N_("The liaison committee merges ID into ID2; each proposer still gets\n"
		"an answer through the link.\n")),
	ACT_ROW("convert", convert, N_("convert to a letter, a motion or a suggestion"),
		N_("convert ID --to letter|motion|suggestion --reason TEXT"),
		N_("The liaison committee converts the case (议案 ↔ 建议, or to a letter).\n")),
	/* --- Assignment (government office, liaison committee, units) --- */
	ACT_ROW("assign", assign, N_("assign the handling units (交办)"),
		N_("assign ID --lead UNIT_ID [--co UNIT_ID ...] [--deadline YYYY-MM-DD] [--key]\n"
		"              [--leader NAME ...] [--committee ORG_ID]"),
		N_("Assigns one lead unit (主办) and any co-handling units (协办) with a\n"
		"reply deadline (default 3 months). --key marks a key suggestion (重点),\n"
		"with its leading leaders and supervising special committee.\n")),
	ACT_ROW("accept", accept, N_("accept the assignment (the lead unit)"),
		N_("accept ID [--version N]"),
		N_("The lead unit accepts the case.\n")),
	ACT_ROW("dispute", dispute, N_("dispute the assignment (an assigned unit)"),
		N_("dispute ID --reason TEXT"),
		N_("An assigned unit disputes within the dispute window (default 10 days);\n"
		"the assigning office then reassigns.\n")),
	ACT_ROW("reassign", reassign, N_("assign other handling units"),
		N_("reassign ID --lead UNIT_ID [--co UNIT_ID ...]\n"
		"              [--deadline YYYY-MM-DD] [--key] [--leader NAME ...]\n"
		"              [--committee ORG_ID] --reason TEXT"),
		N_("The assigning office replaces the units (the earlier ones stay on\n"
		"record, inactive). Flags as for assign, plus --reason.\n")),
	/* --- Handling (units) --- */
	ACT_ROW("plan", plan, N_("fix the handler, the plan and the date (三定)"),
		N_("plan ID --handler NAME --phone P (--plan TEXT | --plan-file F|-) --date YYYY-MM-DD"),
		N_("The lead unit records who handles the case, how and by when.\n")),
	ACT_ROW("contact", contact, N_("record a contact with the deputy (三访)"),
		N_("contact ID --phase before|during|after --method visit|phone|meeting|sms\n"
		"              [--date YYYY-MM-DD] [--note TEXT]"),
		N_("The lead unit records a visit, call, meeting or SMS with the deputy.\n"
		"A reply needs at least one contact in the round.\n")),
	ACT_ROW("opinion", opinion, N_("send a co-handling unit's written opinion"),
		N_("opinion ID (--text TEXT | --text-file F|-)"),
		N_("A co-handling unit's opinion; the lead unit's reply attaches it.\n")),
	ACT_ROW("extend", extend, N_("request more time to reply"),
		N_("extend ID --days N --reason TEXT"),
		N_("The lead unit asks for an extension; the assigning office approves\n"
		"or rejects it (approve-extension) and the deputy is told.\n")),
	ACT_ROW("approve-extension", approve_extension, N_("approve or reject an extension request"),
		N_("approve-extension ID --extension EXT_ID (--approve | --reject) [--reason TEXT]"),
		N_("The assigning office decides on a pending extension; approving it\n"
		"moves the reply deadline.\n")),
	ACT_ROW("reply", reply, N_("send the combined reply (答复; the unit's head)"),
		N_("reply ID --class A|B|C|D (--text TEXT | --text-file F|-)"),
		N_("The head of the lead unit signs off the reply with its result class:\n"
		"A solved or adopted, B being solved, C to be solved later, D kept for\n"
		"reference. B and C owe follow-up reports.\n")),
	ACT_ROW("follow-up", follow_up, N_("report progress on a B or C reply"),
		N_("follow-up ID --class A|B|C|D (--text TEXT | --text-file F|-)"),
		N_("A follow-up report; class A ends the follow-ups.\n")),
	/* --- Evaluation, supervision, closing --- */
	ACT_ROW("evaluate", evaluate, N_("evaluate the reply (测评, back-to-back)"),
		N_("evaluate ID --attitude A --result R [--comment TEXT]"),
		N_("A proposing deputy rates the unit's attitude and the result:\n"
		"satisfied, basically-satisfied or unsatisfied. Unsatisfied sends the\n"
		"case back for re-handling. Units never see individual answers.\n")),
	{
		.name = "supervise",
		.summary = N_("record supervision (督办) on a case, or list the records"),
		.usage = N_("supervise ID --kind K (--text TEXT | --text-file F|-) [--version N]\n"
			 "       jianyi supervise list [--kind K] [--committee ORG_ID] [--suggestion ID]\n"
			 "              [--topic ID] [--min-level N] [--limit N] [--before ID]"),
		.help = N_("Recording (the case's state does not change):\n"
			"  note                 a supervision note (liaison, committee member, leader)\n"
			"  whole-process        whole-process supervision (全过程督办): liaison committee\n"
			"  by-field             by-field supervision (分领域督办): a member of the case's\n"
			"                       supervising special committee, or the liaison committee\n"
			"  leader-led           leader-led supervision (领导领衔督办): key cases only, by a\n"
			"                       leader named among the case's leaders\n"
			"  interview            an interview (约谈), level 2: liaison committee or a leader\n"
			"  inquiry              a special inquiry (专题询问), level 3: a leader, the liaison\n"
			"                       committee, or a member of the supervising committee\n"
			"  publish-unsatisfied  publication of the unsatisfied result, level 4: liaison\n"
			"                       committee, once, on a published case a deputy evaluated\n"
			"                       unsatisfied; it then shows on the portal's /unsatisfied\n"
			"'supervise list' prints the records you may see, newest first: id, case,\n"
			"date, kind, level, committee, author, text (cut; --json has it whole).\n"
			"--committee lists records on the cases a special committee supervises,\n"
			"--min-level 2 the escalations only. When more match, the last line says\n"
			"which --before gives the next page. With --json: {\"records\": [...],\n"
			"\"next_before_id\": N}.\n"),
		.write_help = true,
		.options = cli_supervise_options,
		.max_args = 1,
		.needs_settings = true,
		.run = cli_run_supervise,
		.spec = &cli_act_supervise,
	},
	ACT_ROW("close", close, N_("close the case"),
		N_("close ID [--reason TEXT]"),
		N_("The liaison committee closes the case.\n")),
	ACT_ROW("edit", edit, N_("revise a draft or a returned suggestion (lead deputy)"),
		N_("edit ID [--title TEXT] [--body TEXT | --body-file FILE] [--category C]\n"
		"             [--add-cosigner DEPUTY ...] [--remove-cosigner DEPUTY ...]"),
		N_("The lead deputy revises a draft, or a suggestion returned for\n"
		"revision, before submitting it again: only what is given changes, and\n"
		"the timeline records what changed. Co-signers may be asked only while\n"
		"it is a draft (they confirm before it is submitted); any may be taken\n"
		"off. Once registered the text is frozen: see correct.\n")),
	ACT_ROW("correct", correct, N_("correct a registered suggestion's text (liaison committee)"),
		N_("correct ID [--title TEXT] [--body TEXT | --body-file FILE] [--category C]\n"
		"             --reason TEXT"),
		N_("After registration the text is frozen; the liaison committee corrects\n"
		"it, with a reason. The timeline records what changed and why.\n")),
#undef ACT_ROW
	/* --- Key-supervision topics and excellent suggestions --- */
	{
		.name = "topic",
		.summary = N_("key-supervision topics (重点督办专题): create, add, remove, list, show"),
		.usage = N_("topic create --name N --committee ORG_ID [--leader NAME ...] [--description T]\n"
			 "       jianyi topic add|remove TOPIC_ID SUGGESTION_ID\n"
			 "       jianyi topic list\n"
			 "       jianyi topic show TOPIC_ID"),
		.help = N_("The liaison committee groups key suggestions (重点, marked at assignment)\n"
			"under a topic with its leading leaders and supervising committee, and\n"
			"adds or removes them (each appears on the case's timeline as topic_add /\n"
			"topic_remove). 'topic list' prints every topic with how many cases are\n"
			"under it and how many of them are overdue; 'topic show' prints one topic\n"
			"and a table of its cases: id, number, state, lead unit, co-units, reply\n"
			"deadline ('!': overdue), result class and title. Anyone but the public\n"
			"may read topics (cases they may not see are left out). With --json: the\n"
			"answer's fields (topic {id, name, leaders, committee, suggestions,\n"
			"overdue, ...}, suggestions [...]).\n"),
		.options = cli_topic_options,
		.max_args = 3,
		.needs_settings = true,
		.run = cli_run_topic,
	},
	{
		.name = "excellent",
		.summary = N_("excellent suggestions (优秀建议): nominate, score, announce, list"),
		.usage = N_("excellent nominate ID --year Y [--reason TEXT]\n"
			 "       jianyi excellent score ID --year Y --score N [--comment TEXT]\n"
			 "       jianyi excellent announce --year Y [--count N]\n"
			 "       jianyi excellent list --year Y"),
		.help = N_("Each year the liaison committee nominates registered suggestions;\n"
			"reviewers (committee members and leaders) score each nomination from 1\n"
			"to 100, once; the liaison committee announces the selection (default\n"
			"10): the highest mean scores, ties going to more scores, then to the\n"
			"earlier registration number, then to the lower id. Nominations without\n"
			"a score are never selected. The announcement is final: nominating,\n"
			"scoring or announcing that year again is refused. Each step is an event\n"
			"on the case's timeline (nominate, score without the score, announce with\n"
			"the rank). The announced cases that are published appear on the portal's\n"
			"/excellent page. Every command prints the year's nominations in ranking\n"
			"order: rank, id, number, scores, mean, your own score, on the portal,\n"
			"title. With --json: {year, announced, announced_at, count, entries [...]}.\n"),
		.options = cli_excellent_options,
		.max_args = 2,
		.needs_settings = true,
		.run = cli_run_excellent,
	},
	/* --- Reading --- */
	{
		.name = "show",
		.summary = N_("show a suggestion and its timeline"),
		.usage = N_("show ID"),
		.help = N_("Prints the case's fields, then its timeline as sentences, one per\n"
			"event: time, unit and person, what they did, its text and the state\n"
			"change (long texts are cut; --json has them whole). With --json: all\n"
			"the case's fields (snake_case) and \"timeline\", a list of events\n"
			"whose \"details\" is an object.\n"),
		.max_args = 1,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_show,
	},
	{
		.name = "list",
		.summary = N_("list the suggestions you may see"),
		.usage = N_("list [--state S] [--unit ID] [--deputy ID] [--category C] [--term N]\n"
			 "              [--session N] [--key] [--overdue] [--text T] [--limit N] [--after ID]"),
		.help = N_("A table of id, number, state, version, reply deadline ('!': overdue)\n"
			"and title, in id order. When more match, the last line says which\n"
			"--after gives the next page. With --json:\n"
			"{\"suggestions\": [...], \"next_after_id\": N} (0: no more); list\n"
			"entries leave body and plan empty.\n"),
		.options = cli_list_options,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_list,
	},
	{
		.name = "export",
		.summary = N_("export the handling ledger (台账) to CSV or XLSX"),
		.usage = N_("export --format csv|xlsx --output FILE [--force] [--state S] [--unit ID]\n"
			 "              [--deputy ID] [--category C] [--term N] [--session N] [--key]\n"
			 "              [--overdue] [--text T]"),
		.help = N_("Writes one row per suggestion you may see (list's filters apply),\n"
			"with a header row in Chinese: 编号, 标题, 提出人, 主办单位, 协办单位,\n"
			"类别, 立案日期, 交办日期, 答复期限, 承办人, 办理计划, 承诺办结日期,\n"
			"联系次数, 答复日期, 答复类别, 测评结果, 状态, 重点. Handling units\n"
			"get no evaluation results. CSV is RFC 4180 in UTF-8 with a byte order\n"
			"mark (Excel opens it with the Chinese intact); XLSX has a frozen\n"
			"header row and fitted column widths. The file is written as\n"
			"FILE.tmp and renamed when complete; an existing FILE is replaced\n"
			"only with --force. On a terminal, progress goes to stderr.\n"),
		.options = cli_export_options,
		.needs_settings = true,
		.run = cli_run_export,
	},
	{
		.name = "stats",
		.summary = N_("the measures: on-time, satisfaction, solved rates"),
		.usage = N_("stats [--term N] [--session N] [--by unit|category|term-session]"),
		.help = N_("One row per group (default: one row \"all\") of the registered\n"
			"suggestions you may see (a handling unit: the cases it leads; a deputy:\n"
			"their own): total, replied, on-time reply rate, first-round and final\n"
			"satisfaction, solved rate (class A), re-handled cases, average days\n"
			"from assignment to first reply, overdue now, and the first replies'\n"
			"classes A/B/C/D; then the counts per state. Rates with one decimal,\n"
			"'-' when nothing to divide. Definitions: README.md \"Statistics\".\n"
			"With --json: {\"rows\": [{group, total, by_state {state: n}, by_class\n"
			"{class: n}, replied, due, on_time, on_time_rate, evaluated, ...}]},\n"
			"rates 0..1 or null.\n"),
		.options = cli_stats_options,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_stats,
	},
	{
		.name = "units",
		.summary = N_("the handling units, with their ids"),
		.usage = N_("units [NAME]"),
		.help = N_("The handling units (承办单位), by name, with their ids. NAME: only those\n"
			"named so, or, when none is, those whose name contains it. Wherever a\n"
			"command asks for a unit (--lead, --co, --unit) its name or a part of it\n"
			"that names one unit does as well as its id.\n"
			"With --json: {\"entries\": [{id, name, kind, parent}]}.\n"),
		.options = cli_directory_options,
		.max_args = 1,
		.needs_settings = true,
		.run = cli_run_directory,
	},
	{
		.name = "committees",
		.summary = N_("the special committees, with their ids"),
		.usage = N_("committees [NAME]"),
		.help = N_("The special committees of the standing committee (专门委员会), with\n"
			"their ids; --committee takes a name as well.\n"
			"With --json: {\"entries\": [{id, name, kind, parent}]}.\n"),
		.options = cli_directory_options,
		.max_args = 1,
		.needs_settings = true,
		.run = cli_run_directory,
	},
	{
		.name = "stations",
		.summary = N_("the liaison stations, with their ids"),
		.usage = N_("stations [NAME]"),
		.help = N_("The deputies' liaison stations (代表联络站), with their ids.\n"
			"With --json: {\"entries\": [{id, name, kind, parent}]}.\n"),
		.options = cli_directory_options,
		.max_args = 1,
		.needs_settings = true,
		.run = cli_run_directory,
	},
	{
		.name = "deputies",
		.summary = N_("the deputies, with their stations and ids"),
		.usage = N_("deputies [--station STATION] [NAME]"),
		.help = N_("The deputies (代表), with their term, liaison station and id; --station\n"
			"keeps one station's (its name or id). --deputy and --cosigner take a\n"
			"deputy's name as well; two deputies of one name are told apart by id.\n"
			"With --json: {\"entries\": [{id, name, kind, parent, term}]}.\n"),
		.options = cli_deputies_options,
		.max_args = 1,
		.needs_settings = true,
		.run = cli_run_directory,
	},
	{
		.name = "accounts",
		.summary = N_("the accounts, with their roles (liaison committee, administrator)"),
		.usage = N_("accounts [NAME]"),
		.help = N_("The accounts that may sign in, by display name or login, with their\n"
			"organization and roles. For the liaison committee and the administrator.\n"
			"With --json: {\"entries\": [{id, name, kind, parent, login, roles}]}.\n"),
		.options = cli_directory_options,
		.max_args = 1,
		.needs_settings = true,
		.run = cli_run_directory,
	},
	{
		.name = "attach",
		.summary = N_("attach a file to a suggestion or one of its records"),
		.usage = N_("attach ID FILE [--to WHAT] [--event SEQ] [--name FILENAME] [--public]"),
		.help = N_("Sends FILE (PDF, PNG, JPEG, Word, Excel or PowerPoint; the server\n"
			"decides the type by the content, not by the name) to case ID, attached\n"
			"to the suggestion itself or, with --to, to its plan, a contact, the\n"
			"reply (the sealed reply letter), a follow-up or a supervision record:\n"
			"the latest of that kind, or the one --event names. Only the\n"
			"organization that recorded it attaches to a record. --public shows a\n"
			"reply's attachment on the portal once the case is published. A\n"
			"transfer cut in the middle resumes where it stopped.\n"
			"With --json: {attachment_id, size, sha256, event_sequence}.\n"),
		.options = cli_attach_options,
		.max_args = 2,
		.needs_settings = true,
		.run = cli_run_attach,
	},
	{
		.name = "attachments",
		.summary = N_("the files attached to a suggestion"),
		.usage = N_("attachments ID"),
		.help = N_("The finished attachments of case ID: id, size, what they are attached\n"
			"to, whether the portal shows them, name. With --json: {\"attachments\":\n"
			"[{id, suggestion_id, name, mime_type, size, sha256, attached_to,\n"
			"event_sequence, public, uploaded_by, at, received, finished}]}.\n"
			"With --offline, as the mirror's last sync brought them.\n"),
		.max_args = 1,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_attachments,
	},
	{
		.name = "download",
		.summary = N_("fetch an attachment into a file"),
		.usage = N_("download ATTACHMENT [--output FILE]"),
		.help = N_("Writes attachment ATTACHMENT (its id, from 'jianyi attachments') to\n"
			"FILE, by default its own name in the current folder, through FILE.part:\n"
			"a transfer cut in the middle resumes from the part, and the whole is\n"
			"checked against the attachment's SHA-256 before it takes its name.\n"
			"With --offline, from the mirror ('jianyi sync' fetches the attachments\n"
			"of the cases it holds); --output is then required.\n"
			"With --json: {path, name, mime_type, size, sha256}.\n"),
		.options = cli_download_options,
		.max_args = 1,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_download,
	},
	{
		.name = "todo",
		.summary = N_("what you have to do now, soonest deadline first"),
		.usage = N_("todo"),
		.help = N_("Your to-do list, for each of your roles: the liaison committee\n"
			"registers submissions, closes cases and sees every overdue item; the\n"
			"government office assigns, decides disputes and extension requests; a\n"
			"handling unit accepts, fixes the plan, contacts the deputy, replies,\n"
			"handles again, sends co-handling opinions and follow-up reports; a\n"
			"deputy co-signs, evaluates replies and revises returned suggestions.\n"
			"Columns: due date, days left, what to do, case, title.\n"
			"With --json: {\"today\", \"items\": [{kind, suggestion_id, number,\n"
			"title, due, days_left, overdue, deadline_kind, owner_name,\n"
			"extension_id}]}.\n"
			"With --offline, the list the mirror's last sync stored, without the\n"
			"items whose case the mirror shows done since, the days counted from\n"
			"today.\n"),
		.options = cli_todo_options,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_todo,
	},
	{
		.name = "deadlines",
		.summary = N_("the deadlines still owed, soonest first"),
		.usage = N_("deadlines [--within DAYS] [--unit ID] [--kind K] [--id ID] [--limit N]"),
		.help = N_("Every deadline still owed on the cases you may see, soonest first:\n"
			"reply (the lead unit; approved extensions included), rehandle (after\n"
			"an unsatisfied evaluation), opinion (each co-handling unit), dispute\n"
			"(the window to dispute an assignment, listed while open), follow-up\n"
			"(a B/C reply's follow-up report) and evaluation (each proposing\n"
			"deputy). Columns: case id, kind, who owes it, the due date (a working\n"
			"day: README.md \"Deadlines and the calendar\"), days left (calendar\n"
			"and working days), flags (key suggestion, supervised), title.\n"
			"With --json: {\"today\", \"deadlines\": [{suggestion_id, number, title,\n"
			"kind, organization_id, organization_name, deputy_id, deputy_name,\n"
			"round, due, days_left, working_days_left, key, supervised}]}.\n"),
		.options = cli_deadlines_options,
		.needs_settings = true,
		.run = cli_run_deadlines,
	},
	{
		.name = "overdue",
		.summary = N_("the deadlines already missed (the liaison committee's list)"),
		.usage = N_("overdue [--unit ID] [--kind K] [--id ID] [--limit N]"),
		.help = N_("Like deadlines, but only those whose due date has passed, the most\n"
			"overdue first: the liaison committee's daily supervision list. Exit\n"
			"status 0 whether or not anything is overdue.\n"),
		.options = cli_overdue_options,
		.needs_settings = true,
		.run = cli_run_deadlines,
	},
	{
		.name = "watch",
		.summary = N_("print the change feed, live"),
		.usage = N_("watch [--cursor C]"),
		.help = N_("Prints every event you may see after the cursor (default: from the\n"
			"beginning), then new ones as they happen, one line each: time,\n"
			"#case, action, actor, state change. With --json: one JSON object per\n"
			"line with cursor, sequence, suggestion_id, kind, at, actor_login,\n"
			"from_state, to_state, version and details. When the connection\n"
			"drops, watch reconnects with back-off and resumes from the last\n"
			"cursor it printed. Stop it with Ctrl-C.\n"),
		.options = cli_watch_options,
		.needs_settings = true,
		.run = cli_run_watch,
	},
	/* --- The remote office's mirror --- */
	{
		.name = "sync",
		.summary = N_("bring the local mirror up to date (sends the outbox first)"),
		.usage = N_("sync --mirror FILE [--follow] [--page-size N]"),
		.help = N_("Keeps a local SQLite file with every case you may see (each case,\n"
			"its timeline, its units and deputies) and the last statistics, for\n"
			"--offline use. First sends the writes queued in the outbox, then\n"
			"pulls the change feed from the mirror's cursor, page by page: each\n"
			"page's cases are read from the server and stored together with the\n"
			"cursor in one transaction, so an interrupted sync (a lost link, a\n"
			"killed process) resumes exactly where it stopped. The file is made on\n"
			"the first sync and belongs to your account: another account's or\n"
			"another deployment's mirror is refused. On a terminal, progress goes\n"
			"to stderr. --follow stays connected, applies events as they happen\n"
			"and reconnects with back-off. Exit status 1 when a queued write was\n"
			"refused (see 'jianyi outbox').\n"),
		.options = cli_sync_options,
		.needs_settings = true,
		.run = cli_run_sync,
	},
	{
		.name = "outbox",
		.summary = N_("list, send, retry or drop the writes made offline"),
		.usage = N_("outbox [list [--all] | send | retry ID [--version N] | drop ID]"),
		.help = N_("Write commands given --offline (contact, plan, reply, ...) are queued\n"
			"in the mirror with their idempotency key and the case version they\n"
			"were made on. 'send' (and every 'jianyi sync') sends them in order;\n"
			"each is applied once, also when the link drops mid-way and the write\n"
			"is sent again. A write the server refuses (a conflict, a rule) is\n"
			"kept as 'refused' with the server's reason (listed in your language),\n"
			"and later writes on the same case wait behind it (they were made on\n"
			"top of it). Resolve it:\n"
			"'retry ID' makes it pending again on the case's version in the mirror\n"
			"(sync first) or --version N; 'drop ID' deletes it. The list shows\n"
			"pending, waiting and refused writes (--all: applied ones too).\n"),
		.options = cli_outbox_options,
		.max_args = 2,
		.needs_settings = true,
		.offline = true,
		.run = cli_run_outbox,
	},
	{
		.name = "inbox",
		.summary = N_("your deadline reminders and overdue notices"),
		.usage = N_("inbox [--unread] [--limit N] [--before ID] [--follow] | inbox read ID..."),
		.help = N_("Lists the notices raised for you, newest first: reminders before a\n"
			"deadline you owe (by default 7 days and 1 day before) and an overdue\n"
			"notice after it. One line each: '*' when unread, id, kind (reminder or\n"
			"overdue), due date, case number and the text; then the number unread\n"
			"and, when more match, the --before that gives the next page.\n"
			"--follow then prints each new notice as it is raised and, when the\n"
			"connection drops, reconnects and goes on without showing one twice.\n"
			"With --json: one JSON object per line with id, kind, suggestion_id,\n"
			"number, title, deadline_kind, due, days_before (-1: overdue), round,\n"
			"organization, text, created_at and read.\n"
			"'inbox read ID...' marks up to 32 of your notices read and prints how\n"
			"many were newly marked ({\"marked\":N} with --json).\n"),
		.options = cli_inbox_options,
		.max_args = CLI_MAX_ARGS,
		.needs_settings = true,
		.run = cli_run_inbox,
	},
	{
		.name = "help",
		.summary = N_("show help for jianyi or for one command"),
		.usage = N_("help [COMMAND]"),
		.help = N_("Without COMMAND: the list of commands and global flags.\n"),
		.max_args = 1,
		.run = run_help,
	},
	{ 0 },
};

const struct cli_command *cli_command_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void print_options(FILE *f, const struct cli_option *options)
{
	for (int i = 0; options != NULL && options[i].name != NULL; i++) {
		const char *meta = options[i].metavar ? _(options[i].metavar) : "";
		char left[96];

		snprintf(left, sizeof left, "--%s%s%s", options[i].name, meta[0] ? " " : "", meta);
		fputs("  ", f);
		cli_put_padded(left, 22);
		fprintf(f, " %s\n", _(options[i].help));
	}
}

void cli_print_global_help(FILE *f)
{
	fputs(_("usage: jianyi [FLAGS] COMMAND [COMMAND FLAGS]\n\n"
		"Client for jianyid, the record of deputies' suggestions.\n\nCommands:\n"), f);
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(f, "  %-18s %s\n", c->name, _(c->summary));
	fputs(_("\nGlobal flags (before or after the command):\n"), f);
	print_options(f, cli_global_options);
	fputs(_("\nEach setting comes from the first of: its flag; the environment\n"
		"(JIANYI_SERVER, JIANYI_CERT, JIANYI_KEY, JIANYI_CA, JIANYI_MIRROR,\n"
		"JIANYI_CONFIG for the config file); the [client] section of the config\n"
		"file (keys server, cert, key, ca, timeout_ms, mirror; relative paths are\n"
		"relative to the file);\n"
		"the default. The config file defaults to\n"
		"$XDG_CONFIG_HOME/jianyi/client.ini or ~/.config/jianyi/client.ini.\n"
		"\nOffline: show, list and stats read the mirror with --offline, and also\n"
		"when the server cannot be reached and a mirror is configured (a note\n"
		"on stderr says so). Write commands queue into the mirror's outbox only\n"
		"with --offline, never on their own: see 'jianyi help outbox'.\n"
		"\nExit status: 0 success, 1 server or connection error, 2 usage or\n"
		"configuration error. Run 'jianyi help COMMAND' for one command.\n"), f);
}

void cli_print_command_help(FILE *f, const struct cli_command *cmd)
{
	/* A usage that is only the command's name is typed as it is: its msgid
	 * ("version") is also a label elsewhere, translated as a word. */
	const char *usage = strcmp(cmd->usage, cmd->name) == 0 ? cmd->name : _(cmd->usage);
	fprintf(f, _("usage: jianyi %s\n\n%s — %s\n\n%s"), usage, cmd->name,
		_(cmd->summary), _(cmd->help));
	if (cmd->write_help)
		fprintf(f, "\n%s", _(CLI_WRITE_HELP));
	if (cmd->options != NULL) {
		fputs(_("\nFlags:\n"), f);
		print_options(f, cmd->options);
	}
	fputs(_("\nGlobal flags (see 'jianyi --help'): --server, --cert, --key, --ca,\n"
		"--config, --timeout-ms, --json, --mirror, --offline.\n"), f);
	if (cmd->offline)
		fputs(_("With --offline (and a mirror) this command works without the server.\n"), f);
	if (cli_option_find(cmd->options, "key") >= 0)
		fprintf(f, _("Here --key is the command's own flag; give the private key before\n"
			     "the command name (jianyi --key FILE %s ...), in JIANYI_KEY or in\n"
			     "the config file.\n"), cmd->name);
}
