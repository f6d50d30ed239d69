/* The excellent-suggestion round of the year picked on the tab 优秀建议
 * (desk_excellent_year), as "jianyi excellent" does it: 推荐 (nominate: a
 * registered case by its number or title, and why), 评分 (score: a
 * reviewer's 1 to 100 for a nominated case, and a comment) and 公布
 * (announce: how many are selected, 10 unless said). The liaison
 * committee nominates and announces, committee members and leaders score
 * (docs/WORKFLOW.md); the server refuses anyone else in words. */
#include "desk_sup_forms.h"

#include "cli_i18n.h"
#include "desk_case_pick.h"
#include "desk_form_check.h"

/* ExcellentScoreRequest.score and ExcellentAnnounceRequest.count
 * (proto/jianyi.proto); jy_limits.h names neither. */
#define SCORE_MIN 1
#define SCORE_MAX 100
#define COUNT_MAX 100
#define COUNT_DEFAULT 10

struct excellent_fields {
	struct desk_topics *topics;
	struct desk_case_pick *pick;  /* nominate, score */
	GtkWidget *number;            /* score: the score; announce: the count */
	GtkWidget *text;              /* nominate: the reason; score: the comment */
	char *sent;                   /* the text as sent: lives until the next build */
	Jianyi__ExcellentNominateRequest nominate;
	Jianyi__ExcellentScoreRequest score;
	Jianyi__ExcellentAnnounceRequest announce;
};

static GtkWidget *text_focus(GtkWidget *text)
{
	return gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(text));
}

/* The case and the text (at most JY_REASON_MAX, may be empty). */
static char *case_and_text(struct excellent_fields *x, const char *text_name, int64_t *id,
			   GtkWidget **focus)
{
	int32_t version;
	char *why = desk_case_pick_get(x->pick, id, &version);

	if (why != NULL) {
		*focus = desk_case_pick_entry(x->pick);
		return why;
	}
	g_free(x->sent);
	x->sent = g_strstrip(desk_form_text_view_text(x->text));
	why = desk_check_text(text_name, x->sent, 0, JY_REASON_MAX);
	if (why != NULL)
		*focus = text_focus(x->text);
	return why;
}

static char *build_nominate(void *fields, const char *key, Jianyi__Request *req,
			    GtkWidget **focus)
{
	struct excellent_fields *x = fields;
	Jianyi__ExcellentNominateRequest empty = JIANYI__EXCELLENT_NOMINATE_REQUEST__INIT;
	char *why;

	x->nominate = empty;
	why = case_and_text(x, _("Why it is nominated (may be left empty)"),
			    &x->nominate.suggestion_id, focus);
	if (why != NULL)
		return why;
	x->nominate.idempotency_key = (char *)key;
	x->nominate.year = desk_excellent_year(x->topics);
	x->nominate.reason = x->sent;
	req->body_case = JIANYI__REQUEST__BODY_EXCELLENT_NOMINATE;
	req->excellent_nominate = &x->nominate;
	return NULL;
}

static char *build_score(void *fields, const char *key, Jianyi__Request *req, GtkWidget **focus)
{
	struct excellent_fields *x = fields;
	Jianyi__ExcellentScoreRequest empty = JIANYI__EXCELLENT_SCORE_REQUEST__INIT;
	long score = 0;
	char *why;

	x->score = empty;
	why = case_and_text(x, _("Comment (may be left empty)"), &x->score.suggestion_id, focus);
	if (why != NULL)
		return why;
	why = desk_check_number(_("Score (1 to 100)"), gtk_editable_get_text(GTK_EDITABLE(x->number)),
				SCORE_MIN, SCORE_MAX, &score);
	if (why != NULL) {
		*focus = x->number;
		return why;
	}
	x->score.idempotency_key = (char *)key;
	x->score.year = desk_excellent_year(x->topics);
	x->score.score = (int32_t)score;
	x->score.comment = x->sent;
	req->body_case = JIANYI__REQUEST__BODY_EXCELLENT_SCORE;
	req->excellent_score = &x->score;
	return NULL;
}

static char *build_announce(void *fields, const char *key, Jianyi__Request *req,
			    GtkWidget **focus)
{
	struct excellent_fields *x = fields;
	Jianyi__ExcellentAnnounceRequest empty = JIANYI__EXCELLENT_ANNOUNCE_REQUEST__INIT;
	long count = 0;
	char *why = desk_check_number(_("How many are selected (1 to 100)"),
				      gtk_editable_get_text(GTK_EDITABLE(x->number)), 1, COUNT_MAX,
				      &count);

	if (why != NULL) {
		*focus = x->number;
		return why;
	}
	x->announce = empty;
	x->announce.idempotency_key = (char *)key;
	x->announce.year = desk_excellent_year(x->topics);
	x->announce.count = (int32_t)count;
	req->body_case = JIANYI__REQUEST__BODY_EXCELLENT_ANNOUNCE;
	req->excellent_announce = &x->announce;
	return NULL;
}

static void reset(void *fields)
{
	struct excellent_fields *x = fields;

	if (x->pick != NULL)
		desk_case_pick_reset(x->pick);
	if (x->text != NULL)
		gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(text_focus(x->text))),
					 "", -1);
	if (x->number != NULL)
		gtk_editable_set_text(GTK_EDITABLE(x->number), x->pick != NULL ? "" :
				      G_STRINGIFY(COUNT_DEFAULT));
}

static void free_fields(void *fields)
{
	struct excellent_fields *x = fields;

	if (x->pick != NULL)
		desk_case_pick_free(x->pick);
	g_free(x->sent);
	g_free(x);
}

static struct desk_form *excellent_form(struct desk_link *link, struct desk_topics *topics,
					const struct desk_form_spec *spec,
					desk_form_request_fn build, void (*done)(void *user),
					void *user, struct excellent_fields **out)
{
	struct excellent_fields *x = g_new0(struct excellent_fields, 1);

	x->topics = topics;
	*out = x;
	return desk_form_new_request(link, spec, build, reset, x, free_fields, done, user);
}

struct desk_form *desk_sup_nominate_new(struct desk_link *link, struct desk_topics *topics,
					void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.key_stem = "nominate",
		.title = N_("Nominate an excellent suggestion"),
		.what = N_("Nominate a registered case for the round of the year picked on the tab "
			   "Excellent suggestions; reviewers then score it."),
		.send_label = N_("_Save the nomination"),
		.send_name = N_("Nominate the case"),
		.done = N_("The case is nominated."),
	};
	struct excellent_fields *x;
	struct desk_form *f = excellent_form(link, topics, &spec, build_nominate, done, user, &x);

	x->pick = desk_case_pick_new(link, f, _("Case number or title"));
	x->text = desk_form_add_field(f, _("Why it is nominated (may be left empty)"),
				      desk_form_text_view());
	return f;
}

struct desk_form *desk_sup_score_new(struct desk_link *link, struct desk_topics *topics,
				     void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.key_stem = "score",
		.title = N_("Score a nominated suggestion"),
		.what = N_("Give a nominated case of the year picked on the tab Excellent "
			   "suggestions a score from 1 to 100, once; it cannot be changed."),
		.send_label = N_("_Save the score"),
		.send_name = N_("Score the case"),
		.done = N_("The score is recorded."),
	};
	struct excellent_fields *x;
	struct desk_form *f = excellent_form(link, topics, &spec, build_score, done, user, &x);

	x->pick = desk_case_pick_new(link, f, _("Case number or title"));
	x->number = desk_form_add_field(f, _("Score (1 to 100)"), desk_form_entry(3));
	x->text = desk_form_add_field(f, _("Comment (may be left empty)"), desk_form_text_view());
	return f;
}

struct desk_form *desk_sup_announce_new(struct desk_link *link, struct desk_topics *topics,
					void (*done)(void *user), void *user)
{
	static const struct desk_form_spec spec = {
		.key_stem = "announce",
		.title = N_("Announce the excellent suggestions"),
		.what = N_("Close the round of the year picked on the tab Excellent suggestions: the "
			   "best average scores are selected, in ranking order. It is done once a "
			   "year and cannot be undone."),
		.send_label = N_("Announce the _selection"),
		.send_name = N_("Announce the selection"),
		.done = N_("The selection is announced."),
	};
	struct excellent_fields *x;
	struct desk_form *f = excellent_form(link, topics, &spec, build_announce, done, user, &x);

	x->number = desk_form_add_field(f, _("How many are selected (1 to 100)"),
					desk_form_entry(3));
	return f;
}
