/* See desk_form.h. */
#include "desk_form.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli_i18n.h"
#include "cli_reasons.h"
#include "jy_limits.h"

struct desk_form {
	struct desk_link *link;
	const struct desk_form_spec *spec;
	desk_form_fill_fn fill;
	desk_form_request_fn build;   /* instead of fill: a request of its own */
	char key[JY_IDEMPOTENCY_KEY_MAX + 1];   /* build's: "desk-<stem>-<uuid>" */
	desk_form_reset_fn reset;
	desk_form_timeline_fn see_timeline;
	desk_form_case_fn see_case;
	desk_form_then_fn then;   /* a form that makes a case: submit it next? */
	void *fields;
	GDestroyNotify free_fields;
	void (*done)(void *user);
	void *user;
	GtkWidget *revealer, *box, *grid, *send, *message, *first_field;
	int rows;
	int64_t id;
	int32_t version;
	unsigned generation;      /* a form opened again outdates an answer */
	bool sending;
	char nonce[40];           /* a new case's key: one per opening (desk_form_open_new) */
};

struct send_req {
	struct desk_form *f;
	unsigned generation;
};

static void say(struct desk_form *f, const char *text, bool error)
{
	gtk_label_set_text(GTK_LABEL(f->message), text);
	gtk_widget_set_visible(f->message, text[0] != '\0');
	if (error)
		gtk_widget_add_css_class(f->message, "error");
	else
		gtk_widget_remove_css_class(f->message, "error");
}

static void sent(struct desk_form *f)
{
	f->sending = false;
	gtk_widget_set_sensitive(f->send, TRUE);
}

/* A build form's next key (desk_form_new_request). */
static void new_key(struct desk_form *f)
{
	char *uuid = g_uuid_string_random();

	snprintf(f->key, sizeof f->key, "desk-%s-%s", f->spec->key_stem, uuid);
	g_free(uuid);
}

static bool send_act(struct desk_form *f, struct jy_act *act, const char *key,
		     desk_link_reply_fn answer, struct jy_error *e);

/* The form made its case (and submitted it, or not): the form empties,
 * since the next one written in it is another case, and says what
 * became of this one. */
static void made(struct desk_form *f, const char *said, bool error)
{
	desk_form_open_new(f);
	say(f, said, error);
	f->done(f->user);
}

/* The second step's answer (submit after create). */
static void on_then_answer(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct send_req *sr = user;
	struct desk_form *f = sr->f;
	char why[700], *text;

	(void)env;
	if (sr->generation == f->generation && err != NULL) {
		sent(f);
		cli_error_text(err, why, sizeof why);
		/* TRANSLATORS: a draft was made but the server refused to submit it */
		text = g_strdup_printf(_("Saved as a draft, but not submitted: %s Submit it from "
					 "the case."), why);
		made(f, text, true);
		g_free(text);
	} else if (sr->generation == f->generation) {
		sent(f);
		made(f, _(f->spec->done), false);
	}
	g_free(sr);
}

/* A new case is made: submit it next when the fields ask for it (with
 * the first step's key and a suffix, as "jianyi submit" does). */
static void then_submit(struct desk_form *f, const Jianyi__ActResponse *r)
{
	const char *said = NULL;
	struct jy_act act;
	struct jy_error e = { 0 };
	char key[JY_IDEMPOTENCY_KEY_MAX + 1], why[700];

	if (r == NULL || r->suggestion == NULL || !f->then(f->fields, r->suggestion, &said)) {
		made(f, said != NULL ? said : _(f->spec->done), false);
		return;
	}
	jy_act_init(&act, JIANYI__ACTION__ACTION_SUBMIT, r->suggestion->id, r->suggestion->version);
	snprintf(key, sizeof key, "desk-create-%s-submit", f->nonce);
	if (send_act(f, &act, key, on_then_answer, &e))
		return;
	cli_error_text(&e, why, sizeof why);
	made(f, why, true);
}

static void on_answer(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct send_req *sr = user;
	struct desk_form *f = sr->f;
	char why[700], *text;

	if (sr->generation == f->generation && err == NULL && f->then != NULL &&
	    desk_link_state(f->link) == DESK_LINK_CONNECTED) {
		then_submit(f, env->response->body_case == JIANYI__RESPONSE__BODY_ACT
				       ? env->response->act : NULL);
	} else if (sr->generation == f->generation) {
		sent(f);
		if (err != NULL) {
			cli_error_text(err, why, sizeof why);
			/* TRANSLATORS: the server's refusal, said from its reason */
			text = g_strdup_printf(_("Not done: %s"), why);
			say(f, text, true);
			g_free(text);
		} else if (desk_link_state(f->link) != DESK_LINK_CONNECTED) {
			/* offline: the mirror's outbox took it (desk_offline.h) */
			say(f, _("Offline: kept in the outbox, to be sent when the link is back."),
			    false);
			f->done(f->user);
		} else {
			say(f, _(f->spec->done), false);
			if (f->build != NULL)
				new_key(f);
			f->done(f->user);
		}
	}
	g_free(sr);
}

/* Fills act from the fields; false (the problem said) when one is wrong. */
static bool filled(struct desk_form *f, struct jy_act *act)
{
	GtkWidget *focus = NULL;
	char *why;

	if (f->spec->action != JIANYI__ACTION__ACTION_CREATE && (f->id <= 0 || f->version <= 0)) {
		say(f, _("The case is not loaded yet."), true);
		return false;
	}
	jy_act_init(act, f->spec->action, f->id, f->version);
	why = f->fill(f->fields, act, &focus);
	if (why == NULL)
		return true;
	say(f, why, true);
	g_free(why);
	if (focus != NULL)
		gtk_widget_grab_focus(focus);
	return false;
}

/* Builds a build form's request; false (the problem said) when a field is
 * wrong. */
static bool built(struct desk_form *f, Jianyi__Request *req)
{
	Jianyi__Request empty = JIANYI__REQUEST__INIT;
	GtkWidget *focus = NULL;
	char *why;

	*req = empty;
	why = f->build(f->fields, f->key, req, &focus);
	if (why == NULL)
		return true;
	say(f, why, true);
	g_free(why);
	if (focus != NULL)
		gtk_widget_grab_focus(focus);
	return false;
}

/* Sends req; the answer goes to answer. */
static bool send_request(struct desk_form *f, Jianyi__Request *req, desk_link_reply_fn answer,
			 struct jy_error *e)
{
	struct send_req *sr = g_new0(struct send_req, 1);


	sr->f = f;
	sr->generation = f->generation;
	f->sending = true;
	gtk_widget_set_sensitive(f->send, FALSE);
	say(f, _("Sending…"), false);
	if (desk_link_send(f->link, req, answer, sr, e))
		return true;
	g_free(sr);
	sent(f);
	return false;
}

/* Sends act under key; the answer goes to answer. */
static bool send_act(struct desk_form *f, struct jy_act *act, const char *key,
		     desk_link_reply_fn answer, struct jy_error *e)
{
	Jianyi__Request req;

	if (!jy_act_set_key(act, key, e))
		return false;
	jy_request_act(&req, act);
	return send_request(f, &req, answer, e);
}

static void on_send(GtkButton *b, gpointer data)
{
	struct desk_form *f = data;
	struct jy_act act;
	struct jy_error e = { 0 };
	char key[JY_IDEMPOTENCY_KEY_MAX + 1], why[700];

	(void)b;
	if (f->sending)
		return;
	if (f->build != NULL) {
		/* a form with a request of its own (desk_form_new_request) */
		Jianyi__Request req;
		if (!built(f, &req))
			return;
		if (send_request(f, &req, on_answer, &e))
			return;
		cli_error_text(&e, why, sizeof why);
		say(f, why, true);
		return;
	}
	if (!filled(f, &act))
		return;
	/* the same case at the same version is the same act: a retry after a
	 * lost answer does not act twice; a new case is one per opening */
	if (f->spec->action == JIANYI__ACTION__ACTION_CREATE)
		snprintf(key, sizeof key, "desk-create-%s", f->nonce);
	else
		snprintf(key, sizeof key, "desk-%s-%" PRId64 "-%" PRId32, f->spec->key_stem, f->id,
			 f->version);
	if (send_act(f, &act, key, on_answer, &e))
		return;
	cli_error_text(&e, why, sizeof why);
	say(f, why, true);
}

static void on_cancel(GtkButton *b, gpointer data)
{
	(void)b;
	desk_form_close(data);
}

static GtkWidget *wrapped(const char *text, const char *css)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_wrap(GTK_LABEL(l), TRUE);
	/* wrapped anywhere (Chinese has no spaces), and narrow: an unwrapped
	 * sentence would widen the window past the screen (issue #14) */
	gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
	gtk_label_set_max_width_chars(GTK_LABEL(l), 40);
	gtk_widget_set_margin_start(l, 12);
	gtk_widget_set_margin_end(l, 12);
	if (css != NULL)
		gtk_widget_add_css_class(l, css);
	return l;
}

static GtkWidget *button_row(struct desk_form *f)
{
	GtkWidget *buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget *cancel = gtk_button_new_with_mnemonic(_("_Cancel"));

	f->send = gtk_button_new_with_mnemonic(_(f->spec->send_label));
	gtk_widget_add_css_class(f->send, "suggested-action");
	gtk_accessible_update_property(GTK_ACCESSIBLE(f->send), GTK_ACCESSIBLE_PROPERTY_LABEL,
				       _(f->spec->send_name), -1);
	g_signal_connect(f->send, "clicked", G_CALLBACK(on_send), f);
	g_signal_connect(cancel, "clicked", G_CALLBACK(on_cancel), f);
	gtk_widget_set_margin_start(buttons, 12);
	gtk_widget_set_margin_bottom(buttons, 8);
	gtk_box_append(GTK_BOX(buttons), f->send);
	gtk_box_append(GTK_BOX(buttons), cancel);
	return buttons;
}

struct desk_form *desk_form_new(struct desk_link *link, const struct desk_form_spec *spec,
				desk_form_fill_fn fill, desk_form_reset_fn reset, void *fields,
				GDestroyNotify free_fields, void (*done)(void *user), void *user)
{
	struct desk_form *f = g_new0(struct desk_form, 1);
	GtkWidget *title = wrapped(_(spec->title), "heading");

	f->link = link;
	f->spec = spec;
	f->fill = fill;
	f->reset = reset;
	f->fields = fields;
	f->free_fields = free_fields;
	f->done = done;
	f->user = user;
	f->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
	gtk_widget_add_css_class(f->box, "card");
	gtk_widget_set_margin_top(f->box, 6);
	gtk_widget_set_margin_top(title, 8);
	gtk_box_append(GTK_BOX(f->box), title);
	gtk_box_append(GTK_BOX(f->box), wrapped(_(spec->what), NULL));
	f->grid = gtk_grid_new();
	gtk_grid_set_row_spacing(GTK_GRID(f->grid), 6);
	gtk_grid_set_column_spacing(GTK_GRID(f->grid), 12);
	gtk_widget_set_margin_start(f->grid, 12);
	gtk_widget_set_margin_end(f->grid, 12);
	gtk_box_append(GTK_BOX(f->box), f->grid);
	f->message = wrapped("", NULL);
	gtk_label_set_selectable(GTK_LABEL(f->message), TRUE);
	gtk_accessible_update_property(GTK_ACCESSIBLE(f->message),
				       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Form message"), -1);
	f->revealer = gtk_revealer_new();
	gtk_revealer_set_child(GTK_REVEALER(f->revealer), f->box);
	return f;
}

/* The message and the buttons come last: added when first shown. */
static void finish_layout(struct desk_form *f)
{
	if (gtk_widget_get_parent(f->message) != NULL)
		return;
	gtk_box_append(GTK_BOX(f->box), f->message);
	gtk_box_append(GTK_BOX(f->box), button_row(f));
}

struct desk_form *desk_form_new_request(struct desk_link *link, const struct desk_form_spec *spec,
					desk_form_request_fn build, desk_form_reset_fn reset,
					void *fields, GDestroyNotify free_fields,
					void (*done)(void *user), void *user)
{
	struct desk_form *f = desk_form_new(link, spec, NULL, reset, fields, free_fields, done,
					    user);

	f->build = build;
	new_key(f);
	return f;
}

GtkWidget *desk_form_widget(struct desk_form *f)
{
	finish_layout(f);
	return f->revealer;
}

void desk_form_add(struct desk_form *f, GtkWidget *w)
{
	gtk_grid_attach(GTK_GRID(f->grid), w, 0, f->rows++, 2, 1);
	if (f->first_field == NULL)
		f->first_field = w;
}

GtkWidget *desk_form_add_field(struct desk_form *f, const char *label, GtkWidget *field)
{
	GtkWidget *l = gtk_label_new_with_mnemonic(label);
	GtkWidget *focus = GTK_IS_SCROLLED_WINDOW(field)
		? gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(field)) : field;

	gtk_label_set_xalign(GTK_LABEL(l), 1);
	gtk_widget_set_valign(l, GTK_ALIGN_START);
	/* which also names the field for screen readers (labelled-by) */
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), focus);
	gtk_widget_set_hexpand(field, TRUE);
	gtk_grid_attach(GTK_GRID(f->grid), l, 0, f->rows, 1, 1);
	gtk_grid_attach(GTK_GRID(f->grid), field, 1, f->rows++, 1, 1);
	if (f->first_field == NULL)
		f->first_field = focus;
	return field;
}

GtkWidget *desk_form_entry(int max_chars)
{
	GtkWidget *e = gtk_entry_new();

	/* room for one more, so that the check names a text too long */
	gtk_entry_set_max_length(GTK_ENTRY(e), max_chars + 1);
	return e;
}

GtkWidget *desk_form_text_view(void)
{
	GtkWidget *s = gtk_scrolled_window_new(), *t = gtk_text_view_new();

	gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(t), GTK_WRAP_WORD_CHAR);
	gtk_text_view_set_accepts_tab(GTK_TEXT_VIEW(t), FALSE);
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(s), t);
	gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(s), 80);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(s), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_widget_add_css_class(s, "frame");
	return s;
}

char *desk_form_text_view_text(GtkWidget *field)
{
	GtkTextBuffer *b = gtk_text_view_get_buffer(
		GTK_TEXT_VIEW(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(field))));
	GtkTextIter start, end;

	gtk_text_buffer_get_bounds(b, &start, &end);
	return gtk_text_buffer_get_text(b, &start, &end, FALSE);
}

GtkWidget *desk_form_choices(const char *const *values, const char *(*text)(const char *),
			     GtkWidget **buttons)
{
	size_t n = g_strv_length((char **)values);
	/* more than three in a row would widen the window past the screen */
	GtkWidget *row = gtk_box_new(n > 3 ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL,
				     n > 3 ? 4 : 12);

	for (size_t i = 0; values[i] != NULL; i++) {
		buttons[i] = gtk_check_button_new_with_label(text(values[i]));
		if (i > 0)
			gtk_check_button_set_group(GTK_CHECK_BUTTON(buttons[i]),
						   GTK_CHECK_BUTTON(buttons[0]));
		gtk_box_append(GTK_BOX(row), buttons[i]);
	}
	gtk_check_button_set_active(GTK_CHECK_BUTTON(buttons[0]), TRUE);
	return row;
}

const char *desk_form_choice(const char *const *values, GtkWidget *const *buttons)
{
	for (size_t i = 0; values[i] != NULL; i++)
		if (gtk_check_button_get_active(GTK_CHECK_BUTTON(buttons[i])))
			return values[i];
	return values[0];
}

void desk_form_open(struct desk_form *f, int64_t suggestion_id, int32_t version)
{
	f->id = suggestion_id;
	f->version = version;
	f->generation++;
	sent(f);
	if (f->build != NULL)
		new_key(f);
	f->reset(f->fields);
	say(f, "", false);
	gtk_revealer_set_reveal_child(GTK_REVEALER(f->revealer), TRUE);
	if (f->first_field != NULL)
		gtk_widget_grab_focus(f->first_field);
}

void desk_form_open_new(struct desk_form *f)
{
	char *uuid = g_uuid_string_random();

	g_strlcpy(f->nonce, uuid, sizeof f->nonce);
	g_free(uuid);
	desk_form_open(f, 0, 0);
}

void desk_form_close(struct desk_form *f)
{
	f->generation++;
	gtk_revealer_set_reveal_child(GTK_REVEALER(f->revealer), FALSE);
}

bool desk_form_is_open(const struct desk_form *f)
{
	return gtk_revealer_get_reveal_child(GTK_REVEALER(f->revealer));
}

void desk_form_follow(struct desk_form *f, int32_t version)
{
	/* an answer still to come is about the version it was sent at */
	if (!f->sending)
		f->version = version;
}

void desk_form_set_timeline_fn(struct desk_form *f, desk_form_timeline_fn fn)
{
	f->see_timeline = fn;
}

void desk_form_see_timeline(struct desk_form *f, Jianyi__TimelineEvent *const *events, size_t n)
{
	if (f->see_timeline != NULL)
		f->see_timeline(f->fields, events, n);
}

void desk_form_set_case_fn(struct desk_form *f, desk_form_case_fn fn)
{
	f->see_case = fn;
}

void desk_form_see_case(struct desk_form *f, const Jianyi__Suggestion *s)
{
	if (f->see_case != NULL)
		f->see_case(f->fields, s);
}

void desk_form_set_then(struct desk_form *f, desk_form_then_fn fn)
{
	f->then = fn;
}

void desk_form_free(struct desk_form *f)
{
	if (f == NULL)
		return;
	if (f->free_fields != NULL)
		f->free_fields(f->fields);
	g_free(f);
}
