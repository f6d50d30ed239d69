/* 起草建议 (ActRequest create, CreateParams), a deputy's new suggestion:
 * the title, the category, the co-signers by name (the server's directory
 * of deputies, desk_units.h, read when the form opens, as the CLI's
 * --cosigner takes them) and the text. As "jianyi submit" does, it is then
 * submitted at once, unless the deputy keeps it a draft or it has
 * co-signers (they confirm the draft first, docs/WORKFLOW.md "submit"). */
#include "desk_forms.h"

#include "cli_i18n.h"
#include "desk_form_check.h"
#include "desk_units.h"

#define COSIGNERS_MAX 50          /* act_validate.c: create.cosigner_deputy_ids */

struct draft_fields {
	struct desk_units *deputies;
	GtkWidget *title, *category, *cosigners, *body, *draft_only;
	int64_t cosigner_ids[COSIGNERS_MAX];
	size_t ncosigners;        /* as sent */
	char *title_sent, *category_sent, *body_sent;  /* live until the next fill */
};

static char *entry_text(GtkWidget *entry)
{
	return g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(entry))));
}

static char *fill_cosigners(struct draft_fields *d, struct jy_act *act)
{
	const char *field = _("Co-signers");
	char **names = desk_split_names(gtk_editable_get_text(GTK_EDITABLE(d->cosigners)));
	char *why = NULL;
	size_t n = 0;

	for (; names[n] != NULL && why == NULL; n++) {
		if (n == COSIGNERS_MAX)
			why = g_strdup_printf(_("%s: at most %d deputies."), field, COSIGNERS_MAX);
		else
			why = desk_units_find(d->deputies, field, names[n], &d->cosigner_ids[n]);
		for (size_t k = 0; why == NULL && k < n; k++)
			if (d->cosigner_ids[k] == d->cosigner_ids[n])
				why = g_strdup_printf(_("%s: %s is named twice."), field, names[n]);
	}
	g_strfreev(names);
	d->ncosigners = n;
	act->create.cosigner_deputy_ids = d->cosigner_ids;
	act->create.n_cosigner_deputy_ids = n;
	return why;
}

static char *fill(void *fields, struct jy_act *act, GtkWidget **focus)
{
	struct draft_fields *d = fields;
	char *why;

	g_free(d->title_sent);
	g_free(d->category_sent);
	g_free(d->body_sent);
	d->title_sent = entry_text(d->title);
	d->category_sent = entry_text(d->category);
	d->body_sent = desk_form_text_view_text(d->body);
	if ((why = desk_check_text(_("Title"), d->title_sent, 1, JY_TITLE_MAX)))
		*focus = d->title;
	else if ((why = desk_check_text(_("Category"), d->category_sent, 1, JY_SHORT_TEXT_MAX)))
		*focus = d->category;
	else if ((why = fill_cosigners(d, act)))
		*focus = d->cosigners;
	else if ((why = desk_check_text(_("Text of the suggestion"), d->body_sent, 1, JY_BODY_MAX)))
		*focus = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(d->body));
	act->create.title = d->title_sent;
	act->create.category = d->category_sent;
	act->create.body = d->body_sent;
	return why;
}

/* Submitted at once, unless kept a draft or waiting for its co-signers. */
static bool then_submit(void *fields, const Jianyi__Suggestion *made, const char **said)
{
	struct draft_fields *d = fields;

	(void)made;
	if (gtk_check_button_get_active(GTK_CHECK_BUTTON(d->draft_only))) {
		*said = _("Saved as a draft. Submit it from the case when it is ready.");
		return false;
	}
	if (d->ncosigners > 0) {
		*said = _("Saved as a draft: the co-signers are asked to confirm. Submit it from the "
			  "case once every one of them has.");
		return false;
	}
	return true;
}

static void reset(void *fields)
{
	struct draft_fields *d = fields;
	GtkTextView *t = GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(d->body)));

	desk_units_load(d->deputies);
	gtk_editable_set_text(GTK_EDITABLE(d->title), "");
	gtk_editable_set_text(GTK_EDITABLE(d->category), "");
	gtk_editable_set_text(GTK_EDITABLE(d->cosigners), "");
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(t), "", -1);
	gtk_check_button_set_active(GTK_CHECK_BUTTON(d->draft_only), FALSE);
}

static void free_fields(void *fields)
{
	struct draft_fields *d = fields;

	desk_units_free(d->deputies);
	g_free(d->title_sent);
	g_free(d->category_sent);
	g_free(d->body_sent);
	g_free(d);
}

struct desk_form *desk_form_draft_new(struct desk_link *link, void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.action = JIANYI__ACTION__ACTION_CREATE,
		.key_stem = "create",
		.title = N_("Draft a new suggestion"),
		.what = N_("Write the suggestion and name any co-signing deputies. Without "
			   "co-signers it is submitted to the liaison committee at once, unless "
			   "you keep it a draft; co-signers confirm the draft first."),
		.send_label = N_("_Save and submit"),
		.send_name = N_("Save and submit the suggestion"),
		.done = N_("The suggestion is submitted."),
	};
	struct draft_fields *d = g_new0(struct draft_fields, 1);
	struct desk_form *f = desk_form_new(link, &spec, fill, reset, d, free_fields, done, user);

	d->deputies = desk_deputies_new(link);
	d->title = desk_form_add_field(f, _("Title"), desk_form_entry(JY_TITLE_MAX));
	d->category = desk_form_add_field(f, _("Category"), desk_form_entry(JY_SHORT_TEXT_MAX));
	gtk_entry_set_placeholder_text(GTK_ENTRY(d->category), _("e.g. transport, education"));
	d->cosigners = desk_form_add_field(f, _("Co-signers"), gtk_entry_new());
	gtk_entry_set_placeholder_text(GTK_ENTRY(d->cosigners),
				       _("deputies' names, separated by 、; may be left empty"));
	d->body = desk_form_add_field(f, _("Text of the suggestion"), desk_form_text_view());
	d->draft_only = gtk_check_button_new_with_label(_("Only save it as a draft for now"));
	desk_form_add(f, d->draft_only);
	desk_form_set_then(f, then_submit);
	return f;
}
