/* Cases for people and for --json (see cli_render.h). */
#include "cli_render.h"
#include "cli_i18n.h"
#include "enum_names.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli_clock.h"
#include "cli_output.h"
#include "cli_terms.h"
#include "xalloc.h"


/* Decodes one code point of valid UTF-8 at *p and advances *p. */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t cp;
	int n;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	n = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
	cp = s[0] & (0x3f >> n);
	for (int i = 1; i <= n && s[i] != '\0'; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	for (int i = 0; i <= n && **p != '\0'; i++)
		(*p)++;
	return cp;
}

static int cp_width(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};

	if ((cp >= 0x0300 && cp <= 0x036f) || cp == 0x200b)
		return 0;   /* combining marks, zero width space */
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;       /* control characters print as one '?' */
}

int cli_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;

	while (*p)
		w += cp_width(next_cp(&p));
	return w;
}

void cli_put_padded(const char *s, int width)
{
	cli_put_clean(s);
	for (int w = cli_text_width(s); w < width; w++)
		putchar(' ');
}

char *cli_fit(const char *s, int max)
{
	const unsigned char *p = (const unsigned char *)s, *prev;
	int w = 0;
	char *out;

	if (cli_text_width(s) <= max)
		return jy_xstrdup(s);
	for (prev = p; *p; prev = p) {
		int cw = cp_width(next_cp(&p));

		if (w + cw > max - 1) {
			p = prev;
			break;
		}
		w += cw;
	}
	out = jy_xmalloc((size_t)(p - (const unsigned char *)s) + 4);
	memcpy(out, s, (size_t)(p - (const unsigned char *)s));
	memcpy(out + (p - (const unsigned char *)s), "…", 4);   /* 3 bytes and NUL */
	return out;
}

/* --- JSON -------------------------------------------------------------- */

static struct json_object *message_json(const ProtobufCMessage *msg);

static struct json_object *field_json(const ProtobufCFieldDescriptor *f, const void *at)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
		return json_object_new_int(*(const int32_t *)at);
	case PROTOBUF_C_TYPE_INT64:
		return json_object_new_int64(*(const int64_t *)at);
	case PROTOBUF_C_TYPE_BOOL:
		return json_object_new_boolean(*(const protobuf_c_boolean *)at);
	case PROTOBUF_C_TYPE_STRING:
		return json_object_new_string(*(char *const *)at ? *(char *const *)at : "");
	case PROTOBUF_C_TYPE_ENUM: {
		/* by name, as the server's database writes it (enum_names.h) */
		char name[JY_ENUM_NAME_MAX];
		const char *n = jy_enum_name(f->descriptor, *(const int *)at, name, sizeof name);
		return n ? json_object_new_string(n) : json_object_new_int(*(const int *)at);
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(ProtobufCMessage *const *)at ? message_json(*(ProtobufCMessage *const *)at) : NULL;
	default:
		return NULL;   /* the answers printed have no other kinds */
	}
}

/* Every scalar and repeated scalar field of msg under its proto name. */
static struct json_object *message_json(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	struct json_object *o = json_object_new_object();

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)msg + f->offset;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)msg + f->quantifier_offset);
			const char *items = *(char *const *)base;
			size_t size = f->type == PROTOBUF_C_TYPE_STRING ? sizeof(char *) :
				      f->type == PROTOBUF_C_TYPE_MESSAGE ? sizeof(ProtobufCMessage *) :
				      f->type == PROTOBUF_C_TYPE_INT64 ? sizeof(int64_t) :
				      f->type == PROTOBUF_C_TYPE_BOOL ? sizeof(protobuf_c_boolean) :
				      sizeof(int32_t);
			struct json_object *a = json_object_new_array();

			for (size_t k = 0; k < n; k++)
				json_object_array_add(a, field_json(f, items + k * size));
			json_object_object_add(o, f->name, a);
		} else {
			json_object_object_add(o, f->name, field_json(f, base));
		}
	}
	return o;
}

struct json_object *cli_message_json(const ProtobufCMessage *m)
{
	return message_json(m);
}

struct json_object *cli_suggestion_json(const Jianyi__Suggestion *s)
{
	return message_json(&s->base);
}

struct json_object *cli_timeline_json(Jianyi__TimelineEvent *const *ev, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = message_json(&ev[i]->base);
		struct json_object *details = json_tokener_parse(ev[i]->details);

		/* details is a JSON object in a string: nest it as one */
		if (details != NULL)
			json_object_object_add(o, "details", details);
		json_object_array_add(a, o);
	}
	return a;
}

/* --- People ------------------------------------------------------------ */

void cli_print_case_line(const Jianyi__Suggestion *s)
{
	printf("#%" PRId64 " ", s->id);
	if (s->number[0] != '\0') {
		cli_put_clean(s->number);
		fputs("  ", stdout);
	}
	cli_put_clean(cli_state_text(s->state));
	fputs("  ", stdout);
	printf(_("v%" PRId32), s->version);
	fputs("  ", stdout);
	cli_put_clean(s->title);
	putchar('\n');
}

/* "label:" padded to width, then value; a value of several lines goes on
 * below, indented the same. Empty values print "-". */
static void put_field(const char *label, const char *value, int width)
{
	const char *line = value[0] ? value : "-";
	char text[96];

	snprintf(text, sizeof text, _("%s:"), label);
	cli_put_clean(text);
	for (int w = cli_text_width(text); w < width + 2; w++)
		putchar(' ');
	for (;;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *part = jy_xmalloc(len + 1);

		memcpy(part, line, len);
		part[len] = '\0';
		if (len > 0 && part[len - 1] == '\r')
			part[len - 1] = '\0';
		cli_put_clean(part);
		free(part);
		putchar('\n');
		if (nl == NULL || nl[1] == '\0')
			break;
		line = nl + 1;
		printf("%*s", width + 2, "");
	}
}

#define UNCONFIRMED " (unconfirmed)"   /* the server's mark on a co-signer */

/* v joined by ", "; a co-signer's English mark from the server is put in the
 * reader's language. */
static char *joined(char *const *v, size_t n)
{
	size_t len = 1, mark = strlen(UNCONFIRMED);
	const char *unconfirmed = _(UNCONFIRMED);
	char *out;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + strlen(unconfirmed) + 2;
	out = jy_xmalloc(len);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t vl = strlen(v[i]);

		if (i > 0)
			strcat(out, _(", "));
		if (vl > mark && strcmp(v[i] + vl - mark, UNCONFIRMED) == 0) {
			strncat(out, v[i], vl - mark);
			strcat(out, unconfirmed);
		} else
			strcat(out, v[i]);
	}
	return out;
}

void cli_print_case_block(const Jianyi__Suggestion *s)
{
	char id[32], version[16], term[64], contacts[16], deadline[64], created[64], updated[64];
	char *cosigners = joined(s->cosigners, s->n_cosigners);
	char *co_units = joined(s->co_units, s->n_co_units);
	const char *yes = _("yes"), *no = _("no");
	const struct { const char *label, *value; } rows[] = {
		{ N_("id"), id }, { N_("number"), s->number },
		{ N_("state"), cli_state_text(s->state) },
		{ N_("version"), version }, { N_("title"), s->title },
		{ N_("kind"), cli_case_kind_text(s->kind) },
		{ N_("category"), s->category },
		{ N_("confidential"), s->confidential ? yes : no },
		{ N_("key suggestion"), s->key ? yes : no }, { N_("term/session"), term },
		{ N_("lead deputy"), s->lead_deputy }, { N_("co-signers"), cosigners },
		{ N_("lead unit"), s->lead_unit }, { N_("co-handling units"), co_units },
		{ N_("reply deadline"), deadline },
		{ N_("result class"), s->result_class[0] ? cli_class_text(s->result_class) : "" },
		{ N_("handler"), s->handler_name }, { N_("promised date"), s->promised_date },
		{ N_("contacts"), contacts }, { N_("published"), s->published ? yes : no },
		{ N_("created"), created }, { N_("updated"), updated },
		{ N_("plan"), s->plan }, { N_("body"), s->body },
	};
	int width = 0;

	snprintf(id, sizeof id, "%" PRId64, s->id);
	cli_clock_minute(s->created_at, created, sizeof created);
	cli_clock_minute(s->updated_at, updated, sizeof updated);
	snprintf(version, sizeof version, "%" PRId32, s->version);
	snprintf(contacts, sizeof contacts, "%" PRId32, s->contacts);
	if (s->term > 0)
		snprintf(term, sizeof term, _("term %" PRId32 ", session %" PRId32), s->term,
			 s->session);
	else
		term[0] = '\0';
	snprintf(deadline, sizeof deadline, "%s%s", s->reply_deadline,
		 s->overdue ? _("  (overdue)") : "");
	/* the widest "label:" (a Chinese colon takes two columns) */
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char text[96];

		snprintf(text, sizeof text, _("%s:"), _(rows[i].label));
		if (cli_text_width(text) - 1 > width)
			width = cli_text_width(text) - 1;
	}
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		put_field(_(rows[i].label), rows[i].value, width);
	free(cosigners);
	free(co_units);
}

void cli_print_case_table(Jianyi__Suggestion *const *s, size_t n)
{
	static const char *const head_text[] = {
		N_("ID"), N_("NUMBER"), N_("STATE"), N_("VER"), N_("DEADLINE"), N_("TITLE") };
	enum { NCOLS = 6 };
	const char *head[NCOLS];
	int width[NCOLS];
	char (*cells)[NCOLS][64] = jy_xcalloc(n ? n : 1, sizeof *cells);

	for (int c = 0; c < NCOLS; c++) {
		head[c] = _(head_text[c]);
		width[c] = cli_text_width(head[c]);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(cells[i][0], sizeof cells[i][0], "%" PRId64, s[i]->id);
		snprintf(cells[i][1], sizeof cells[i][1], "%s", s[i]->number[0] ? s[i]->number : "-");
		snprintf(cells[i][2], sizeof cells[i][2], "%s", cli_state_text(s[i]->state));
		snprintf(cells[i][3], sizeof cells[i][3], "%" PRId32, s[i]->version);
		snprintf(cells[i][4], sizeof cells[i][4], "%s%s",
			 s[i]->reply_deadline[0] ? s[i]->reply_deadline : "-",
			 s[i]->overdue ? " !" : "");
		for (int c = 0; c < NCOLS - 1; c++)
			if (cli_text_width(cells[i][c]) > width[c])
				width[c] = cli_text_width(cells[i][c]);
	}
	for (int c = 0; c < NCOLS - 1; c++) {
		cli_put_padded(head[c], width[c]);
		fputs("  ", stdout);
	}
	puts(head[NCOLS - 1]);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < NCOLS - 1; c++) {
			/* numbers right-aligned, text left */
			if (c == 0 || c == 3)
				printf("%*s", width[c], cells[i][c]);
			else
				cli_put_padded(cells[i][c], width[c]);
			fputs("  ", stdout);
		}
		cli_put_clean(s[i]->title);
		putchar('\n');
	}
	free(cells);
}

void cli_cell(struct cli_cells *c, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = jy_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n++] = jy_xstrdup(buf);
}

void cli_cells_free(struct cli_cells *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
}

void cli_print_table(const char *const *head, size_t ncols, char *const *cells, size_t nrows,
		     int last_max)
{
	int *width = jy_xcalloc(ncols, sizeof *width);

	for (size_t c = 0; c < ncols; c++)
		width[c] = cli_text_width(_(head[c]));
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c + 1 < ncols; c++)
			if (cli_text_width(cells[r * ncols + c]) > width[c])
				width[c] = cli_text_width(cells[r * ncols + c]);
	for (size_t c = 0; c < ncols; c++) {
		if (c + 1 < ncols) {
			cli_put_padded(_(head[c]), width[c]);
			fputs("  ", stdout);
		} else {
			cli_put_clean(_(head[c]));
		}
	}
	putchar('\n');
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c + 1 < ncols; c++) {
			cli_put_padded(cells[r * ncols + c], width[c]);
			fputs("  ", stdout);
		}
		char *last = cli_fit(cells[r * ncols + ncols - 1], last_max);
		cli_put_clean(last);
		free(last);
		putchar('\n');
	}
	free(width);
}
