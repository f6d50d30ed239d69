#include "cli_enroll.h"

#include <stdio.h>

#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_reasons.h"
#include "jianyi.h"

const struct cli_option cli_enroll_options[] = {
	{ "code", N_("CODE"), N_("the one-time enrollment code the administrator gave you") },
	{ "out", N_("DIR"), N_("folder for the new key, certificate and client.ini") },
	{ 0 },
};

/* The server's refusal of the code (used, expired, voided, not valid) is
 * said as an enrollment that failed, not under the general label of its
 * status kind ("not possible now", "permission denied"), which reads as if
 * the person had done something wrong. A failure on the way (no link, TLS)
 * keeps its label. */
static int enroll_failed(const struct jy_error *err)
{
	char why[1024];

	if (!err->reason[0])
		return cli_fail_status(err);
	cli_error_text(err, why, sizeof why);
	return cli_fail(CLI_EXIT_FAILURE, _("could not enroll: %s"), why);
}

int cli_run_enroll(const struct cli_invocation *inv)
{
	const char *code = cli_value(inv, "code"), *dir = cli_value(inv, "out");
	struct jy_enroll_options o = { .server = inv->settings.server, .ca_file = inv->settings.ca,
				       .code = code, .out_dir = dir,
				       .timeout_ms = inv->settings.timeout_ms };
	struct jy_enroll_result r;
	struct jy_error err;
	struct cli_output out;

	if (code == NULL || dir == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("enroll: --code and --out are both required"));
	if (o.ca_file == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("enroll: no CA certificate given (--ca or JIANYI_CA)"));
	if (!jy_enroll(&o, &r, &err))
		return enroll_failed(&err);
	cli_output_init(&out, inv->flags.json);
	cli_out_str(&out, "login", _("login"), r.login);
	cli_out_str(&out, "certificate_sha256", _("certificate"), r.cert_sha256);
	cli_out_str(&out, "not_after", _("valid until"), r.not_after);
	cli_out_str(&out, "config_file", _("settings file"), r.config_file);
	if (!out.json)
		printf(_("Enrolled. From now on connect with: jianyi --config %s whoami\n"), r.config_file);
	return cli_output_finish(&out);
}
