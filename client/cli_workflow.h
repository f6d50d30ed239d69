/* The workflow's write commands (submit, assign, reply, ...): each checks
 * its flags, then sends one ActRequest (submit: CREATE then SUBMIT) with
 * the case's version and an idempotency key. Their rows are in
 * cli_commands.c; each row's .spec names its action here. */
#ifndef JY_CLI_WORKFLOW_H
#define JY_CLI_WORKFLOW_H

#include "cli_commands.h"
#include "cli_i18n.h"

struct cli_act_spec;

/* The handler of every row whose .spec is a cli_act_spec. */
int cli_run_act(const struct cli_invocation *inv);
/* submit: creates (and submits) a suggestion, or submits a draft (--id). */
int cli_run_submit(const struct cli_invocation *inv);

#define CLI_ACT_DECLARE(name) \
	extern const struct cli_act_spec cli_act_##name; \
	extern const struct cli_option cli_##name##_options[]

extern const struct cli_option cli_submit_options[];
CLI_ACT_DECLARE(cosign);
CLI_ACT_DECLARE(withdraw);
CLI_ACT_DECLARE(register);
CLI_ACT_DECLARE(return);
CLI_ACT_DECLARE(merge);
CLI_ACT_DECLARE(convert);
CLI_ACT_DECLARE(assign);
CLI_ACT_DECLARE(accept);
CLI_ACT_DECLARE(dispute);
CLI_ACT_DECLARE(reassign);
CLI_ACT_DECLARE(plan);
CLI_ACT_DECLARE(contact);
CLI_ACT_DECLARE(opinion);
CLI_ACT_DECLARE(extend);
CLI_ACT_DECLARE(approve_extension);
CLI_ACT_DECLARE(reply);
CLI_ACT_DECLARE(follow_up);
CLI_ACT_DECLARE(evaluate);
CLI_ACT_DECLARE(supervise);
CLI_ACT_DECLARE(close);
CLI_ACT_DECLARE(edit);
CLI_ACT_DECLARE(correct);

/* The help paragraph every write command shares. */
#define CLI_WRITE_HELP N_( \
	"Without --version the case is read first and its current version is\n" \
	"sent; an explicit --version guards against acting on a case someone\n" \
	"else just changed (a stale one gives 'conflict'). Every write carries an\n" \
	"idempotency key (--idempotency-key K, else a fresh random one, printed\n" \
	"with --json): sending the same request again with the same key returns\n" \
	"the first answer instead of acting twice.\n" \
	"Prints the case afterwards: \"#ID NUMBER  STATE  vVERSION  TITLE\"; with\n" \
	"--json all the case's fields plus event_sequence, replayed and\n" \
	"idempotency_key.\n")

#endif
