/* The parts every action form of the case view shares (desk_accept.c,
 * desk_form_plan.c, desk_form_contact.c, desk_form_reply.c): a card with a
 * title and what the action does, the form's own fields, a message line,
 * 提交 and 取消. Sending checks the fields first (the form's fill function
 * names the field that is wrong), then sends one ActRequest through the
 * desk's link (desk_link.h) with the case's version and an idempotency key
 * made of the action, the case and its version, so that a retry after a
 * lost answer does not act twice; a refusal is said from the server's
 * reason (cli_reasons.h). The page 督办's forms (desk_sup_forms.h) share
 * the same frame but build a request of their own (desk_form_new_request). */
#ifndef JY_DESK_FORM_H
#define JY_DESK_FORM_H

#include <gtk/gtk.h>
#include <stdint.h>

#include "desk_link.h"

struct desk_form;

/* What a form is; its texts are marked for translation and translated here. */
struct desk_form_spec {
	Jianyi__Action action;
	const char *key_stem;     /* the idempotency key: "<stem>-<case>-<version>" */
	const char *title;
	const char *what;         /* what the action does, one or two sentences */
	const char *send_label;   /* the send button, with its mnemonic */
	const char *send_name;    /* the send button's accessible name */
	const char *done;         /* said when the server took it */
};

/* Checks the fields and fills act's params (jy_act_init has run); the
 * texts it points act at must live until the form's send returns. NULL
 * when all is well, else what is wrong (g_free it) with *focus the field
 * to put right. */
typedef char *(*desk_form_fill_fn)(void *fields, struct jy_act *act, GtkWidget **focus);
/* Empties the fields for a form opened anew. */
typedef void (*desk_form_reset_fn)(void *fields);
/* A form of the page 督办 (desk_supervision.h) acts on no one case of the
 * case view: it checks its fields as fill does and fills req itself (a
 * topic, a nomination, a supervision of the case it names), with key as
 * the idempotency key. The texts req points at live until the next call. */
typedef char *(*desk_form_request_fn)(void *fields, const char *key, Jianyi__Request *req,
				      GtkWidget **focus);

/* fields (freed with free_fields) belongs to the form from now on; done is
 * called after the server took the action. */
struct desk_form *desk_form_new(struct desk_link *link, const struct desk_form_spec *spec,
				desk_form_fill_fn fill, desk_form_reset_fn reset, void *fields,
				GDestroyNotify free_fields, void (*done)(void *user), void *user);
/* A form that builds its own request (desk_form_request_fn). Its key is
 * made anew when it opens and after each success, so a retry after a lost
 * answer does not act twice but a second topic or case does. Opened with
 * desk_form_open(f, 0, 0). */
struct desk_form *desk_form_new_request(struct desk_link *link, const struct desk_form_spec *spec,
					desk_form_request_fn build, desk_form_reset_fn reset,
					void *fields, GDestroyNotify free_fields,
					void (*done)(void *user), void *user);
GtkWidget *desk_form_widget(struct desk_form *f);
/* Adds w below the fields added before. */
void desk_form_add(struct desk_form *f, GtkWidget *w);
/* Adds a field under its name (which is its accessible name too) and
 * returns it. */
GtkWidget *desk_form_add_field(struct desk_form *f, const char *label, GtkWidget *field);
/* A one-line entry of at most max_chars, and a multi-line text. */
GtkWidget *desk_form_entry(int max_chars);
GtkWidget *desk_form_text_view(void);
/* The whole text of a desk_form_text_view (g_free it). */
char *desk_form_text_view_text(GtkWidget *field);
/* A row of choices (a column when more than three), one of which is
 * picked: values[] (NULL-ended) said by text(value); buttons[] gets a
 * check button each (as many as values). */
GtkWidget *desk_form_choices(const char *const *values, const char *(*text)(const char *),
			     GtkWidget **buttons);
/* The value of the picked choice (the first when none is). */
const char *desk_form_choice(const char *const *values, GtkWidget *const *buttons);

/* A form that needs what happened to the case (the extension to decide)
 * sees its timeline each time the case view shows the case. */
typedef void (*desk_form_timeline_fn)(void *fields, Jianyi__TimelineEvent *const *events,
				      size_t n);
void desk_form_set_timeline_fn(struct desk_form *f, desk_form_timeline_fn fn);
void desk_form_see_timeline(struct desk_form *f, Jianyi__TimelineEvent *const *events, size_t n);

/* A form that shows the case as it is (the correction's texts) sees it
 * each time the case view shows it, before the form is opened. */
typedef void (*desk_form_case_fn)(void *fields, const Jianyi__Suggestion *s);
void desk_form_set_case_fn(struct desk_form *f, desk_form_case_fn fn);
void desk_form_see_case(struct desk_form *f, const Jianyi__Suggestion *s);

/* A form that makes a case (ACTION_CREATE) may submit it next, as "jianyi
 * submit" does: fn says whether, given the case made; when not, *said (if
 * set) is what the person is told instead of the spec's done. The submit's
 * idempotency key is the first one's with a suffix. Once made, the form
 * empties for the next case. */
typedef bool (*desk_form_then_fn)(void *fields, const Jianyi__Suggestion *made, const char **said);
void desk_form_set_then(struct desk_form *f, desk_form_then_fn fn);

/* Shows the form, empty, for this case at this version. */
void desk_form_open(struct desk_form *f, int64_t suggestion_id, int32_t version);
/* Shows a form that makes a case, empty, with a new idempotency key: a
 * retry of the same opening does not make the case twice. */
void desk_form_open_new(struct desk_form *f);
void desk_form_close(struct desk_form *f);
bool desk_form_is_open(const struct desk_form *f);
/* The case changed under the open form (desk_case_view_follow): it keeps
 * what is written and will send at the new version. */
void desk_form_follow(struct desk_form *f, int32_t version);
void desk_form_free(struct desk_form *f);

#endif
