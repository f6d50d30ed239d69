/* See desk_units.h. */
#include "desk_units.h"

#include <string.h>

#include "cli_i18n.h"

struct unit {
	int64_t id;
	char *name;
};

struct desk_units {
	bool deputies;            /* DirectoryRequest "deputies", else "units" */
	struct desk_link *link;
	GArray *units;            /* struct unit */
	bool loaded;
	unsigned generation;      /* a later read outdates an earlier answer */
};

struct load_req {
	struct desk_units *u;
	unsigned generation;
};

static void clear_unit(void *p)
{
	g_free(((struct unit *)p)->name);
}

static struct desk_units *directory_new(struct desk_link *link, bool deputies)
{
	struct desk_units *u = g_new0(struct desk_units, 1);

	u->deputies = deputies;
	u->link = link;
	u->units = g_array_new(FALSE, FALSE, sizeof(struct unit));
	g_array_set_clear_func(u->units, clear_unit);
	return u;
}

struct desk_units *desk_units_new(struct desk_link *link)
{
	return directory_new(link, false);
}

struct desk_units *desk_deputies_new(struct desk_link *link)
{
	return directory_new(link, true);
}

static void on_units(const Jianyi__Envelope *env, const struct jy_error *err, void *user)
{
	struct load_req *lr = user;
	struct desk_units *u = lr->u;
	const Jianyi__DirectoryResponse *d;

	if (lr->generation != u->generation || err != NULL ||
	    env->response->body_case != JIANYI__RESPONSE__BODY_DIRECTORY)
		goto done;
	d = env->response->directory;
	g_array_set_size(u->units, 0);
	for (size_t i = 0; i < d->n_entries; i++) {
		struct unit one = { d->entries[i]->id, g_strdup(d->entries[i]->name) };

		g_array_append_val(u->units, one);
	}
	u->loaded = true;
done:
	g_free(lr);
}

void desk_units_load(struct desk_units *u)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__DirectoryRequest q = JIANYI__DIRECTORY_REQUEST__INIT;
	struct load_req *lr = g_new0(struct load_req, 1);
	struct jy_error e = { 0 };

	q.kind = (char *)(u->deputies ? "deputies" : "units");
	q.query = (char *)"";
	req.body_case = JIANYI__REQUEST__BODY_DIRECTORY;
	req.directory = &q;
	lr->u = u;
	lr->generation = ++u->generation;
	if (!desk_link_send(u->link, &req, on_units, lr, &e))
		g_free(lr);
}

/* The names of the units at idx[0..n), for a refusal. */
static char *names_of(const struct desk_units *u, const guint *idx, guint n)
{
	GString *s = g_string_new("");

	for (guint i = 0; i < n; i++) {
		if (i > 0)
			g_string_append(s, _(", "));
		g_string_append(s, g_array_index(u->units, struct unit, idx[i]).name);
	}
	return g_string_free(s, FALSE);
}

char *desk_units_find(const struct desk_units *u, const char *field, const char *text,
		      int64_t *id)
{
	guint found[8], n = 0;
	char *list, *why;

	if (!u->loaded)
		return g_strdup(u->deputies ? _("The list of deputies is not read yet; try again "
						"shortly.")
				: _("The list of handling units is not read yet; try again shortly."));
	for (guint i = 0; i < u->units->len; i++)
		if (strcmp(g_array_index(u->units, struct unit, i).name, text) == 0) {
			*id = g_array_index(u->units, struct unit, i).id;
			return NULL;
		}
	for (guint i = 0; i < u->units->len && n < G_N_ELEMENTS(found); i++)
		if (strstr(g_array_index(u->units, struct unit, i).name, text) != NULL)
			found[n++] = i;
	if (n == 1) {
		*id = g_array_index(u->units, struct unit, found[0]).id;
		return NULL;
	}
	if (n == 0)
		/* TRANSLATORS: the field's name and what was written */
		return g_strdup_printf(u->deputies ? _("%s: no deputy is named '%s' (nor has a "
						       "name containing it).")
				       : _("%s: no handling unit is named '%s' (nor has a name "
					   "containing it)."), field, text);
	list = names_of(u, found, n);
	/* TRANSLATORS: the field's name, what was written, the units (deputies) it may mean */
	why = g_strdup_printf(u->deputies ? _("%s: '%s' names several deputies: %s; write the full "
					      "name.")
			      : _("%s: '%s' names several units: %s; write the full name."), field,
			      text, list);
	g_free(list);
	return why;
}

void desk_units_free(struct desk_units *u)
{
	if (u == NULL)
		return;
	g_array_unref(u->units);
	g_free(u);
}
