/* Rendering cases for people (aligned blocks and tables, where a Chinese
 * character takes two columns) and for --json (Suggestion and timeline
 * fields under their proto names). */
#ifndef JY_CLI_RENDER_H
#define JY_CLI_RENDER_H

#include <stddef.h>

#include "jianyi.h"

struct json_object;

/* Terminal columns s takes once printed by cli_put_clean: East Asian wide
 * and fullwidth code points count 2, combining marks 0, the rest 1. */
int cli_text_width(const char *s);
/* The first code points of s that fit in max columns, with "…" when cut
 * (a new string). */
char *cli_fit(const char *s, int max);
/* Prints s (cleaned) and pads it with spaces to width columns. */
void cli_put_padded(const char *s, int width);

/* Every field of m under its proto name, nested messages as objects. */
struct json_object *cli_message_json(const ProtobufCMessage *m);
/* Every field of s under its proto name (snake_case). */
struct json_object *cli_suggestion_json(const Jianyi__Suggestion *s);
/* The timeline as a JSON array; details parsed into objects. */
struct json_object *cli_timeline_json(Jianyi__TimelineEvent *const *ev, size_t n);

/* "#12 第18届第2次会议第3号  assigned  v5  关于加强农村道路养护的建议" */
void cli_print_case_line(const Jianyi__Suggestion *s);
/* All fields, one "label: value" line each, values aligned. */
void cli_print_case_block(const Jianyi__Suggestion *s);
/* A table: id, number, state, version, deadline, title. */
void cli_print_case_table(Jianyi__Suggestion *const *s, size_t n);

/* Cells of a table (cli_print_table), row by row, freed together. */
struct cli_cells {
	char **v;
	size_t n, cap;
};
/* Appends one cell, formatted (cut at 511 bytes). */
void cli_cell(struct cli_cells *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_cells_free(struct cli_cells *c);

/* A table with a header row (head: N_() texts, printed with _()): cells are nrows x ncols, row by row; columns
 * are padded to their widest cell (a Chinese character is two columns),
 * the last column is not padded and is cut to last_max columns. */
void cli_print_table(const char *const *head, size_t ncols, char *const *cells, size_t nrows,
		     int last_max);

#endif
