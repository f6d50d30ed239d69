/* See desk_case_model.h. The list view asks for the rows it shows
 * (g_list_model_get_item); when it asks for one within a page of the end
 * and more remain, the next page is requested, and its rows are appended
 * (items-changed) when the answer comes. */
#include "desk_case_model.h"

#define PAGE_SIZE 200
#define PREFETCH 50    /* rows before the end that ask for the next page */

struct _DeskCase {
	GObject parent;
	int64_t id;
	char *number, *title, *lead_unit, *deadline;
	Jianyi__State state;
	gboolean overdue;
};

G_DEFINE_TYPE(DeskCase, desk_case, G_TYPE_OBJECT)

static void desk_case_finalize(GObject *o)
{
	DeskCase *c = DESK_CASE(o);

	g_free(c->number);
	g_free(c->title);
	g_free(c->lead_unit);
	g_free(c->deadline);
	G_OBJECT_CLASS(desk_case_parent_class)->finalize(o);
}

static void desk_case_class_init(DeskCaseClass *k)
{
	G_OBJECT_CLASS(k)->finalize = desk_case_finalize;
}

static void desk_case_init(DeskCase *c)
{
	(void)c;
}

static DeskCase *case_from(const Jianyi__Suggestion *s)
{
	DeskCase *c = g_object_new(DESK_TYPE_CASE, NULL);

	c->id = s->id;
	c->number = g_strdup(s->number);
	c->title = g_strdup(s->title);
	c->state = s->state;
	c->lead_unit = g_strdup(s->lead_unit);
	c->deadline = g_strdup(s->reply_deadline);
	c->overdue = s->overdue;
	return c;
}

int64_t desk_case_id(DeskCase *c) { return c->id; }
const char *desk_case_number(DeskCase *c) { return c->number; }
const char *desk_case_title(DeskCase *c) { return c->title; }
Jianyi__State desk_case_state(DeskCase *c) { return c->state; }
const char *desk_case_lead_unit(DeskCase *c) { return c->lead_unit; }
const char *desk_case_deadline(DeskCase *c) { return c->deadline; }
gboolean desk_case_overdue(DeskCase *c) { return c->overdue; }

struct _DeskCaseModel {
	GObject parent;
	GPtrArray *rows;            /* DeskCase, owned */
	struct desk_link *link;
	desk_case_model_status_fn status;
	void *user;
	Jianyi__State state;        /* STATE_UNSPECIFIED: any */
	char *text;
	gboolean overdue_only;
	int64_t next_after;         /* the next page starts after this id */
	gboolean more, loading;
	gboolean queued;            /* an idle will ask for the next page */
	unsigned generation;        /* a new filter outdates the pages asked for */
};

static void desk_case_model_iface_init(GListModelInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DeskCaseModel, desk_case_model, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(G_TYPE_LIST_MODEL, desk_case_model_iface_init))

/* What one page request needs back: the model and the filter it was for. */
struct page_req {
	DeskCaseModel *m;           /* a reference */
	unsigned generation;
};

static void on_page(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct page_req *pr = user;
	DeskCaseModel *m = pr->m;

	if (pr->generation == m->generation) {
		m->loading = FALSE;
		if (err != NULL) {
			m->status(m->rows->len, m->more, err->message, m->user);
		} else if (env->response->body_case == JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS) {
			const Jianyi__ListSuggestionsResponse *r = env->response->list_suggestions;
			guint at = m->rows->len;

			for (size_t i = 0; i < r->n_suggestions; i++)
				g_ptr_array_add(m->rows, case_from(r->suggestions[i]));
			m->next_after = r->next_after_id;
			m->more = r->next_after_id != 0;
			g_list_model_items_changed(G_LIST_MODEL(m), at, 0, (guint)r->n_suggestions);
			m->status(m->rows->len, m->more, NULL, m->user);
		}
	}
	g_object_unref(pr->m);
	g_free(pr);
}

static void fetch_page(DeskCaseModel *m)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__ListSuggestionsRequest q = JIANYI__LIST_SUGGESTIONS_REQUEST__INIT;
	struct page_req *pr = g_new0(struct page_req, 1);
	struct jy_error e = { 0 };

	q.state = m->state;
	q.text = m->text;
	q.overdue_only = m->overdue_only;
	q.page_size = PAGE_SIZE;
	q.after_id = m->next_after;
	jy_request_list(&req, &q);
	pr->m = g_object_ref(m);
	pr->generation = m->generation;
	m->loading = TRUE;
	if (!desk_link_send(m->link, &req, on_page, pr, &e)) {
		m->loading = FALSE;
		g_object_unref(pr->m);
		g_free(pr);
		m->status(m->rows->len, m->more, e.message, m->user);
	}
}

/* Called while the view builds its rows: never emits items-changed here. */
static gboolean on_idle_fetch(gpointer data)
{
	DeskCaseModel *m = data;

	m->queued = FALSE;
	if (m->more && !m->loading)
		fetch_page(m);
	g_object_unref(m);
	return G_SOURCE_REMOVE;
}

static gpointer get_item(GListModel *list, guint position)
{
	DeskCaseModel *m = DESK_CASE_MODEL(list);

	if (position + PREFETCH >= m->rows->len && m->more && !m->loading && !m->queued) {
		m->queued = TRUE;
		g_idle_add(on_idle_fetch, g_object_ref(m));
	}
	if (position >= m->rows->len)
		return NULL;
	return g_object_ref(g_ptr_array_index(m->rows, position));
}

static GType get_item_type(GListModel *list)
{
	(void)list;
	return DESK_TYPE_CASE;
}

static guint get_n_items(GListModel *list)
{
	return DESK_CASE_MODEL(list)->rows->len;
}

static void desk_case_model_iface_init(GListModelInterface *iface)
{
	iface->get_item_type = get_item_type;
	iface->get_n_items = get_n_items;
	iface->get_item = get_item;
}

static void desk_case_model_finalize(GObject *o)
{
	DeskCaseModel *m = DESK_CASE_MODEL(o);

	g_ptr_array_unref(m->rows);
	g_free(m->text);
	G_OBJECT_CLASS(desk_case_model_parent_class)->finalize(o);
}

static void desk_case_model_class_init(DeskCaseModelClass *k)
{
	G_OBJECT_CLASS(k)->finalize = desk_case_model_finalize;
}

static void desk_case_model_init(DeskCaseModel *m)
{
	m->rows = g_ptr_array_new_with_free_func(g_object_unref);
	m->text = g_strdup("");
}

DeskCaseModel *desk_case_model_new(struct desk_link *link, desk_case_model_status_fn status,
				   void *user)
{
	DeskCaseModel *m = g_object_new(DESK_TYPE_CASE_MODEL, NULL);

	m->link = link;
	m->status = status;
	m->user = user;
	return m;
}

void desk_case_model_filter(DeskCaseModel *m, Jianyi__State state, const char *text,
			    gboolean overdue_only)
{
	guint was = m->rows->len;

	g_free(m->text);
	m->state = state;
	m->text = g_strdup(text);
	m->overdue_only = overdue_only;
	m->generation++;
	m->next_after = 0;
	m->more = TRUE;
	m->loading = FALSE;
	g_ptr_array_set_size(m->rows, 0);
	if (was > 0)
		g_list_model_items_changed(G_LIST_MODEL(m), 0, was, 0);
	fetch_page(m);
}
