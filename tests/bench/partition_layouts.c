/* See partition_layouts.h. Table names are constants of this program, so
 * they are the only text put into SQL; every value is a parameter. */
#include "partition_layouts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partition_db.h"

/* One province's primary (docs/SCALE.md, "The congresses" divided by 31
 * provinces): congresses of each level and the suggestions each receives
 * a year. A county congress gets 6.7 times a township's. */
static const struct level {
	const char *name, *plural;
	int count, per_year;
} LEVELS[] = {
	{ "province", "provinces", 1, 1000 },
	{ "prefecture", "prefectures", 11, 500 },
	{ "county", "counties", 90, 200 },
	{ "township", "townships", 1226, 30 },
};
#define N_LEVELS (sizeof LEVELS / sizeof LEVELS[0])

/* Events start here; Asia/Shanghai, the session's time zone. */
#define FIRST_DAY "2010-01-01"
#define EVENTS_A_CASE 10

static const char SETUP_SQL[] =
	"CREATE TABLE congresses (id bigint PRIMARY KEY, level text NOT NULL, per_year int NOT NULL);"
	/* One row per suggestion a year: a case's congress is drawn from
	 * these, so events spread as the congresses' work does. */
	"CREATE TABLE slots (slot int PRIMARY KEY, congress_id bigint NOT NULL);"
	/* A closed case's ten events (docs/WORKFLOW.md; 9.9 measured). */
	"CREATE TABLE steps (j int PRIMARY KEY, kind text NOT NULL, from_state text,"
	"  to_state text NOT NULL, payload jsonb NOT NULL);"
	"INSERT INTO steps VALUES"
	" (0, 'create', NULL, 'draft', '{}'),"
	" (1, 'submit', 'draft', 'submitted', '{}'),"
	" (2, 'register', 'submitted', 'registered', '{}'),"
	" (3, 'assign', 'registered', 'assigned', '{}'),"
	" (4, 'accept', 'assigned', 'accepted', '{}'),"
	" (5, 'plan', 'accepted', 'in_progress', jsonb_build_object('plan', repeat('按期办理并答复代表', 8))),"
	" (6, 'contact', 'in_progress', 'in_progress', jsonb_build_object('note', repeat('电话联系代表', 8))),"
	" (7, 'reply', 'in_progress', 'replied', jsonb_build_object('text', repeat('答复内容', 12))),"
	" (8, 'evaluate', 'replied', 'evaluated', jsonb_build_object('attitude', 'satisfied')),"
	" (9, 'close', 'evaluated', 'closed', '{}');"
	"CREATE SEQUENCE ev_seq AS bigint;"
	/* DDL takes no parameters: these build it inside PostgreSQL, quoting
	 * with format(). */
	"CREATE FUNCTION bench_list_partitions(p_parent text) RETURNS void LANGUAGE plpgsql AS $$"
	"DECLARE c bigint;"
	"BEGIN"
	"  FOR c IN SELECT id FROM congresses ORDER BY id LOOP"
	"    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s)',"
	"                   p_parent || '_' || c, p_parent, c);"
	"  END LOOP;"
	"END $$;"
	"CREATE FUNCTION bench_hash_partitions(p_parent text, p_n int) RETURNS void LANGUAGE plpgsql AS $$"
	"BEGIN"
	"  FOR r IN 0 .. p_n - 1 LOOP"
	"    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)',"
	"                   p_parent || '_' || r, p_parent, p_n, r);"
	"  END LOOP;"
	"END $$;"
	"CREATE FUNCTION bench_detach(p_parent text, p_congress bigint) RETURNS void LANGUAGE plpgsql AS $$"
	"BEGIN"
	"  EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', p_parent, p_parent || '_' || p_congress);"
	"END $$;";

static const char CONGRESSES_SQL[] =
	"INSERT INTO congresses (id, level, per_year)"
	" SELECT row_number() OVER (ORDER BY l.ord, g), l.level, l.per_year"
	" FROM unnest($1::text[], $2::int[], $3::int[]) WITH ORDINALITY AS l(level, n, per_year, ord),"
	"      generate_series(1, l.n) AS g";

static const char SLOTS_SQL[] =
	"INSERT INTO slots (slot, congress_id)"
	" SELECT (row_number() OVER (ORDER BY c.id, g) - 1)::int, c.id"
	" FROM congresses c, generate_series(1, c.per_year) AS g";

/* Event i (= seq) belongs to case s; the cases_open cases of a block get
 * their ten events interleaved, as cases in handling at the same time do;
 * a case's congress is the slot its hash picks. */
static const char LOAD_SQL[] =
	"(seq, suggestion_id, actor_account_id, kind, from_state, to_state,"
	"                payload, at, horizon, congress_id)"
	" SELECT g.i, g.s, 1 + g.s % 997, st.kind, st.from_state, st.to_state, st.payload,"
	"        $3::timestamptz + (g.i::float8 / $1::bigint) * $4::interval,"
	"        pg_current_xact_id(), sl.congress_id"
	" FROM (SELECT i, (i - 1) / ($2::bigint * 10) * $2::bigint + (i - 1) % $2::bigint + 1 AS s,"
	"              ((i - 1) / $2::bigint) % 10 AS j"
	"       FROM generate_series(1, $1::bigint) AS i) g"
	" JOIN steps st ON st.j = g.j"
	" JOIN slots sl ON sl.slot = ((hashint8(g.s)::bigint + 2147483648) % $5::bigint)::int";

/* The columns and checks of `events` today, plus the congress key. */
static const char TABLE_SQL[] =
	" seq bigint NOT NULL DEFAULT nextval('ev_seq'),"
	" suggestion_id bigint NOT NULL,"
	" actor_account_id bigint,"
	" kind text NOT NULL,"
	" from_state text,"
	" to_state text NOT NULL,"
	" payload jsonb NOT NULL DEFAULT '{}',"
	" at timestamptz NOT NULL DEFAULT now(),"
	" xid xid8 NOT NULL DEFAULT pg_current_xact_id(),"
	" horizon xid8,"
	" congress_id bigint NOT NULL,"
	" CHECK (kind IN ('create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',"
	"   'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact', 'opinion',"
	"   'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate', 'supervise', 'close',"
	"   'edit', 'correct', 'recalculate', 'topic_add', 'topic_remove', 'nominate', 'score',"
	"   'announce', 'evaluation_outcome', 'attach')),"
	" CHECK (jsonb_typeof(payload) = 'object'),"
	" CHECK ((kind = 'create') = (from_state IS NULL)),"
	" CHECK (actor_account_id IS NOT NULL OR kind = 'evaluation_outcome')";

static void sqlf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sqlf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		pdb_die("statement too long for its buffer: %.60s...", buf);
}

/* Congresses of level i: the townships may be fewer (a short run). */
static int level_count(size_t i, const struct scenario *sc)
{
	return i == N_LEVELS - 1 ? sc->townships : LEVELS[i].count;
}

/* "{a,b,c}" of one field of LEVELS, as an array parameter. */
static void level_array(char *buf, size_t len, int field, const struct scenario *sc)
{
	size_t off = 0;
	for (size_t i = 0; i < N_LEVELS && off < len; i++) {
		const char *sep = i ? "," : "{";
		if (field == 0)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", sep, LEVELS[i].name);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%d", sep,
						field == 1 ? level_count(i, sc) : LEVELS[i].per_year);
	}
	if (off + 2 > len)
		pdb_die("level list too long");
	strcpy(buf + off, "}");
}

void layouts_setup(PGconn *db, struct scenario *sc)
{
	char names[200], counts[100], per_year[100];
	level_array(names, sizeof names, 0, sc);
	level_array(counts, sizeof counts, 1, sc);
	level_array(per_year, sizeof per_year, 2, sc);
	pdb_run(db, "SET TimeZone = 'Asia/Shanghai'", 0, NULL);
	pdb_run(db, SETUP_SQL, 0, NULL);
	const char *cv[] = { names, counts, per_year };
	pdb_run(db, CONGRESSES_SQL, 3, cv);
	pdb_run(db, SLOTS_SQL, 0, NULL);
	pdb_run(db, "ANALYZE congresses, slots, steps", 0, NULL);
	sc->slots = pdb_ll(db, "SELECT count(*) FROM slots", 0, NULL);
	sc->congresses = pdb_ll(db, "SELECT count(*) FROM congresses", 0, NULL);
	const char *county[] = { "county" };
	sc->query_congress = pdb_ll(db, "SELECT min(id) FROM congresses WHERE level = $1", 1, county);
	sc->archive_congress = pdb_ll(db, "SELECT max(id) FROM congresses WHERE level = $1", 1, county);
	sc->span_years = (double)sc->events / (double)(sc->slots * EVENTS_A_CASE);
	printf("partition_events: %lld congresses of %s:", sc->congresses,
	       sc->townships == LEVELS[N_LEVELS - 1].count ? "one province" : "a smaller province");
	for (size_t i = 0; i < N_LEVELS; i++)
		printf("%s %d %s (%d suggestions a year each)", i ? "," : "", level_count(i, sc),
		       level_count(i, sc) > 1 ? LEVELS[i].plural : LEVELS[i].name, LEVELS[i].per_year);
	printf("; %lld suggestions a year in all, %d events a case: %lld events are %.1f years\n",
	       sc->slots, EVENTS_A_CASE, sc->events, sc->span_years);
}

void layout_create(PGconn *db, struct layout *l, const struct scenario *sc)
{
	char sql[4096];
	const char *by = l->kind == LAYOUT_LIST ? " PARTITION BY LIST (congress_id)"
		       : l->kind == LAYOUT_HASH ? " PARTITION BY HASH (congress_id)" : "";
	double t0 = pdb_now();
	sqlf(sql, sizeof sql, "CREATE TABLE %s (%s)%s", l->table, TABLE_SQL, by);
	pdb_run(db, sql, 0, NULL);
	char nparts[16];
	snprintf(nparts, sizeof nparts, "%d", sc->hash_partitions);
	const char *lv[] = { l->table, nparts };
	if (l->kind == LAYOUT_LIST)
		pdb_run(db, "SELECT bench_list_partitions($1)", 1, lv);
	else if (l->kind == LAYOUT_HASH)
		pdb_run(db, "SELECT bench_hash_partitions($1, $2)", 2, lv);
	l->create_s = pdb_now() - t0;
	l->partitions = l->kind == LAYOUT_PLAIN ? 1
		      : pdb_ll(db, "SELECT count(*) FROM pg_partition_tree($1::regclass) WHERE isleaf",
			       1, lv);
}

void layout_load(PGconn *db, struct layout *l, const struct scenario *sc)
{
	char sql[2048], n[24], open[24], span[48], slots[24];
	sqlf(sql, sizeof sql, "INSERT INTO %s %s", l->table, LOAD_SQL);
	snprintf(n, sizeof n, "%lld", sc->events);
	snprintf(open, sizeof open, "%lld", sc->cases_open);
	snprintf(span, sizeof span, "%.0f seconds", sc->span_years * 365.25 * 86400);
	snprintf(slots, sizeof slots, "%lld", sc->slots);
	const char *v[] = { n, open, FIRST_DAY, span, slots };
	l->load_s = pdb_run(db, sql, 5, v);
}

/* An index statement around the table's name. */
struct ddl {
	const char *before, *after;
};

void layout_index(PGconn *db, struct layout *l)
{
	/* A partitioned table's primary key must hold the partition key; seq
	 * stays unique by its sequence, and (seq) alone serves the feed. */
	static const struct ddl plain[] = {
		{ "ALTER TABLE ", " ADD PRIMARY KEY (seq)" },
		{ "CREATE INDEX ON ", " (congress_id, seq)" },
	};
	static const struct ddl parted[] = {
		{ "ALTER TABLE ", " ADD PRIMARY KEY (congress_id, seq)" },
		{ "CREATE INDEX ON ", " (seq)" },
	};
	static const struct ddl both[] = {
		{ "CREATE INDEX ON ", " (suggestion_id, seq)" },             /* the timeline */
		{ "CREATE INDEX ON ", " (congress_id, at) INCLUDE (kind)" }, /* statistics */
	};
	const struct ddl *own = l->kind == LAYOUT_PLAIN ? plain : parted;
	const struct ddl all[] = { own[0], own[1], both[0], both[1] };
	char sql[256];
	double t0 = pdb_now();
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		sqlf(sql, sizeof sql, "%s%s%s", all[i].before, l->table, all[i].after);
		pdb_run(db, sql, 0, NULL);
	}
	l->index_s = pdb_now() - t0;
}

/* VACUUM (ANALYZE) as after a bulk load (it also sets the visibility map
 * the index-only scans need); then the size of every partition. */
void layout_vacuum(PGconn *db, struct layout *l)
{
	char sql[128];
	sqlf(sql, sizeof sql, "VACUUM (ANALYZE) %s", l->table);
	l->vacuum_s = pdb_run(db, sql, 0, NULL);
	const char *v[] = { l->table };
	PGresult *r = pdb_query(db,
		"SELECT coalesce(sum(pg_table_size(relid)), 0), coalesce(sum(pg_indexes_size(relid)), 0)"
		" FROM (SELECT relid FROM pg_partition_tree($1::regclass) UNION SELECT $1::regclass) t",
		1, v);
	l->table_bytes = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	l->index_bytes = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
}

void layout_fingerprint(PGconn *db, struct layout *l)
{
	char sql[512];
	sqlf(sql, sizeof sql,
	     "SELECT count(*) || ' congresses, ' || sum(n) || ' events, '"
	     "       || md5(string_agg(congress_id || ':' || n || ':' || s || ':' || c, ','"
	     "                         ORDER BY congress_id))"
	     " FROM (SELECT congress_id, count(*) AS n, sum(seq) AS s, sum(suggestion_id) AS c"
	     "       FROM %s GROUP BY congress_id) x", l->table);
	PGresult *r = pdb_query(db, sql, 0, NULL);
	snprintf(l->fingerprint, sizeof l->fingerprint, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
}

void layout_archive(PGconn *db, struct layout *l, const struct scenario *sc)
{
	char sql[256], congress[24];
	snprintf(congress, sizeof congress, "%lld", sc->archive_congress);
	const char *v[] = { congress };
	if (l->kind == LAYOUT_LIST) {
		sqlf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE congress_id = $1", l->table);
		l->archived_rows = pdb_ll(db, sql, 1, v);
		const char *dv[] = { l->table, congress };
		l->archive_s = pdb_run(db, "SELECT bench_detach($1, $2)", 2, dv);
		l->archive_vacuum_s = 0;
		return;
	}
	sqlf(sql, sizeof sql, "DELETE FROM %s WHERE congress_id = $1", l->table);
	double t0 = pdb_now();
	PGresult *r = pdb_query(db, sql, 1, v);
	l->archive_s = pdb_now() - t0;
	l->archived_rows = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	sqlf(sql, sizeof sql, "VACUUM %s", l->table);
	l->archive_vacuum_s = pdb_run(db, sql, 0, NULL);
}
