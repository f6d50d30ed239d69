/* The deputies' forms on a case that take no fields (ActRequest without
 * params): the lead deputy's 提交 (submit: a draft, once every co-signer
 * has confirmed, or a returned suggestion) and a listed co-signer's 附议
 * (cosign: confirms being a co-signer of the draft; the workflow has no
 * declining, docs/WORKFLOW.md). The card says what sending does; the send
 * button is the confirmation. */
#include "desk_forms.h"

#include "cli_i18n.h"

static const struct desk_form_spec submit_spec = {
	.action = JIANYI__ACTION__ACTION_SUBMIT,
	.key_stem = "submit",
	.title = N_("Submit the suggestion"),
	.what = N_("The liaison committee reviews it and registers it; once submitted, its text "
		   "can no longer be revised. A joint suggestion is submitted only once every "
		   "co-signer has confirmed."),
	.send_label = N_("_Submit it"),
	.send_name = N_("Confirm the submission"),
	.done = N_("The suggestion is submitted."),
};

static const struct desk_form_spec cosign_spec = {
	.action = JIANYI__ACTION__ACTION_COSIGN,
	.key_stem = "cosign",
	.title = N_("Confirm as co-signer"),
	.what = N_("You are listed as a co-signer of this draft. Confirming puts your name to it; "
		   "the lead deputy may submit it once every co-signer has confirmed."),
	.send_label = N_("_Confirm"),
	.send_name = N_("Confirm the co-signing"),
	.done = N_("You have confirmed as a co-signer."),
};

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	(void)fields;
	(void)act;
	(void)focus;
	return NULL;
}

static void reset(void *fields)
{
	(void)fields;
}

struct desk_form *desk_form_submit_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	return desk_form_new(link, &submit_spec, fill, reset, NULL, NULL, done, user);
}

struct desk_form *desk_form_cosign_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	return desk_form_new(link, &cosign_spec, fill, reset, NULL, NULL, done, user);
}
