/* The tables of the partition benchmark: an `events`-shaped table (the
 * columns and checks of server/sql/schema/0002..0020 plus congress_id) in
 * three layouts — one table, LIST by congress (a partition a congress),
 * HASH of congress into a few partitions — each loaded with the same
 * events, indexed, vacuumed, measured, fingerprinted and, at the end, one
 * congress archived. */
#ifndef JY_PARTITION_LAYOUTS_H
#define JY_PARTITION_LAYOUTS_H

#include <libpq-fe.h>

enum layout_kind { LAYOUT_PLAIN, LAYOUT_LIST, LAYOUT_HASH };

struct layout {
	const char *name;   /* "plain", "list", "hash" */
	const char *table;  /* a constant identifier: ev_plain, ev_list, ev_hash */
	enum layout_kind kind;
	double create_s, load_s, index_s, vacuum_s;
	long long table_bytes, index_bytes, partitions;
	char fingerprint[80]; /* per congress: count, sum(seq), sum(suggestion_id) */
	long long archived_rows;
	double archive_s, archive_vacuum_s;
};

/* The events to load and how they spread (docs/SCALE.md, one province). */
struct scenario {
	long long events;
	long long cases_open;  /* cases whose events interleave at a time */
	int hash_partitions;
	int townships;         /* 1226 in a province (docs/SCALE.md) */
	long long slots;       /* suggestions a year of all congresses (filled) */
	long long congresses;  /* (filled) */
	double span_years;     /* years the events cover (filled) */
	long long query_congress, archive_congress; /* two counties (filled) */
	long long max_case;    /* (filled after the first load) */
};

/* The congresses, their weights, the workflow steps, the sequence and the
 * helper functions the layouts share. Prints the congresses. */
void layouts_setup(PGconn *db, struct scenario *sc);
void layout_create(PGconn *db, struct layout *l, const struct scenario *sc);
void layout_load(PGconn *db, struct layout *l, const struct scenario *sc);
void layout_index(PGconn *db, struct layout *l);
void layout_vacuum(PGconn *db, struct layout *l);
void layout_fingerprint(PGconn *db, struct layout *l);
/* Removes the archive congress's events: DETACH PARTITION for LIST,
 * DELETE then VACUUM for the others. */
void layout_archive(PGconn *db, struct layout *l, const struct scenario *sc);

#endif
