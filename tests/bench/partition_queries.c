/* See partition_queries.h. */
#include "partition_queries.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partition_db.h"

#define WARM_UP 5
#define MAX_LAYOUTS 4

enum arg { ARG_CASE_CONGRESS, ARG_CASE, ARG_SEQ, ARG_COUNTY, ARG_YEAR_FROM, ARG_YEAR_TO };

/* A statement is `before` table `after`; the first `compared` columns of
 * its answer must be the same on every layout (xid and horizon are the
 * loading transaction's, so they differ). */
struct query {
	const char *label, *before, *after;
	int nargs, compared;
	enum arg args[3];
};

/* The reads of server/sql/functions/05_reads.sql (timeline), 06_feed.sql
 * (jy_sync_many's page) and a statistics count by kind. */
static const struct query QUERIES[] = {
	{ "timeline of a case, its congress given",
	  "SELECT seq, kind, from_state, to_state, payload, at FROM ",
	  " WHERE congress_id = $1 AND suggestion_id = $2 ORDER BY seq",
	  2, 6, { ARG_CASE_CONGRESS, ARG_CASE } },
	{ "timeline of a case, by case alone",
	  "SELECT seq, kind, from_state, to_state, payload, at FROM ",
	  " WHERE suggestion_id = $1 ORDER BY seq", 1, 6, { ARG_CASE } },
	{ "feed page (500) after a seq, all congresses",
	  "SELECT seq, suggestion_id, kind, from_state, to_state, payload, at, xid, horizon FROM ",
	  " WHERE seq > $1 ORDER BY seq LIMIT 500", 1, 7, { ARG_SEQ } },
	{ "feed page (500) after a seq, one county",
	  "SELECT seq, suggestion_id, kind, from_state, to_state, payload, at, xid, horizon FROM ",
	  " WHERE congress_id = $1 AND seq > $2 ORDER BY seq LIMIT 500", 2, 7,
	  { ARG_COUNTY, ARG_SEQ } },
	{ "a county's events by kind in a year",
	  "SELECT kind, count(*) FROM ",
	  " WHERE congress_id = $1 AND at >= $2 AND at < $3 GROUP BY kind ORDER BY kind", 3, 2,
	  { ARG_COUNTY, ARG_YEAR_FROM, ARG_YEAR_TO } },
};
#define N_QUERIES (sizeof QUERIES / sizeof QUERIES[0])

/* One repetition's values, the same for every layout. */
struct rep {
	char arg[ARG_YEAR_TO + 1][24];
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void make_reps(PGconn *db, struct rep *reps, int n, const struct scenario *sc)
{
	long long years = (long long)ceil(sc->span_years);
	long long seq_range = sc->events > 500 ? sc->events - 500 : 1;
	for (int i = 0; i < n; i++) {
		struct rep *r = &reps[i];
		snprintf(r->arg[ARG_CASE], sizeof r->arg[0], "%llu",
			 (unsigned long long)(1 + rng() % (uint64_t)sc->max_case));
		const char *v[] = { r->arg[ARG_CASE] };
		snprintf(r->arg[ARG_CASE_CONGRESS], sizeof r->arg[0], "%lld",
			 pdb_ll(db, "SELECT congress_id FROM ev_plain WHERE suggestion_id = $1 LIMIT 1",
				1, v));
		snprintf(r->arg[ARG_SEQ], sizeof r->arg[0], "%llu",
			 (unsigned long long)(rng() % (uint64_t)seq_range));
		snprintf(r->arg[ARG_COUNTY], sizeof r->arg[0], "%lld", sc->query_congress);
		int year = 2010 + (int)(rng() % (uint64_t)(years > 0 ? years : 1));
		snprintf(r->arg[ARG_YEAR_FROM], sizeof r->arg[0], "%d-01-01", year);
		snprintf(r->arg[ARG_YEAR_TO], sizeof r->arg[0], "%d-01-01", year + 1);
	}
}

/* FNV-1a over the compared columns of every row, in order. */
static uint64_t answer_hash(const PGresult *r, int compared)
{
	uint64_t h = 1469598103934665603ULL;
	for (int row = 0; row < PQntuples(r); row++)
		for (int c = 0; c < compared && c < PQnfields(r); c++) {
			const char *s = PQgetisnull(r, row, c) ? "\x01NULL" : PQgetvalue(r, row, c);
			for (; *s; s++)
				h = (h ^ (unsigned char)*s) * 1099511628211ULL;
			h = (h ^ 0x1f) * 1099511628211ULL;
		}
	return (h ^ (uint64_t)PQntuples(r)) * 1099511628211ULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median and p99 of v (sorted in place). */
static void percentiles(double *v, int n, double *median, double *p99)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	*median = v[n / 2];
	int k = (int)ceil(0.99 * n) - 1;
	*p99 = v[k < 0 ? 0 : k];
}

static void prepare_all(PGconn *db, const struct layout *layouts, int n_layouts)
{
	for (size_t q = 0; q < N_QUERIES; q++)
		for (int l = 0; l < n_layouts; l++) {
			char name[16], sql[512];
			snprintf(name, sizeof name, "q%zu_%d", q, l);
			snprintf(sql, sizeof sql, "%s%s%s", QUERIES[q].before, layouts[l].table,
				 QUERIES[q].after);
			PGresult *r = PQprepare(db, name, sql, QUERIES[q].nargs, NULL);
			if (PQresultStatus(r) != PGRES_COMMAND_OK)
				pdb_die("prepare %s: %s", sql, PQresultErrorMessage(r));
			PQclear(r);
		}
}

/* Runs query q on layout l with rep's values: seconds, and its answer's hash. */
static double run_one(PGconn *db, size_t q, int l, const struct rep *rep, uint64_t *hash)
{
	char name[16];
	const char *v[3];
	snprintf(name, sizeof name, "q%zu_%d", q, l);
	for (int i = 0; i < QUERIES[q].nargs; i++)
		v[i] = rep->arg[QUERIES[q].args[i]];
	double t0 = pdb_now();
	PGresult *r = PQexecPrepared(db, name, QUERIES[q].nargs, v, NULL, NULL, 0);
	double t = pdb_now() - t0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		pdb_die("%s: %s", QUERIES[q].label, PQresultErrorMessage(r));
	*hash = answer_hash(r, QUERIES[q].compared);
	PQclear(r);
	return t;
}

static void report_query(size_t q, double *times[], const struct layout *layouts, int n_layouts,
			 int repeat)
{
	double med[MAX_LAYOUTS], p99[MAX_LAYOUTS];
	printf("partition_events: %s (ms, median / p99 of %d):", QUERIES[q].label, repeat);
	for (int l = 0; l < n_layouts; l++) {
		percentiles(times[l], repeat, &med[l], &p99[l]);
		printf("%s %s %.3f / %.3f", l ? ";" : "", layouts[l].name, med[l] * 1e3, p99[l] * 1e3);
		if (l)
			printf(" (%.2f× / %.2f×)", med[l] / med[0], p99[l] / p99[0]);
	}
	printf("\n");
}

int queries_measure(PGconn *db, struct layout *layouts, int n_layouts,
		    const struct scenario *sc, int repeat)
{
	if (n_layouts > MAX_LAYOUTS)
		pdb_die("at most %d layouts", MAX_LAYOUTS);
	int total = WARM_UP + repeat, mismatches = 0;
	struct rep *reps = calloc((size_t)total, sizeof *reps);
	double *times = calloc((size_t)N_QUERIES * (size_t)n_layouts * (size_t)repeat, sizeof *times);
	if (!reps || !times)
		pdb_die("out of memory");
	make_reps(db, reps, total, sc);
	prepare_all(db, layouts, n_layouts);
	for (int i = 0; i < total; i++)
		for (size_t q = 0; q < N_QUERIES; q++) {
			uint64_t first = 0, h;
			for (int l = 0; l < n_layouts; l++) {
				double t = run_one(db, q, l, &reps[i], &h);
				if (i >= WARM_UP)
					times[(q * (size_t)n_layouts + (size_t)l) * (size_t)repeat +
					      (size_t)(i - WARM_UP)] = t;
				if (l == 0)
					first = h;
				else if (h != first && mismatches++ < 10)
					fprintf(stderr, "partition_events: MISMATCH: %s, run %d: %s answers"
						" differently from %s\n", QUERIES[q].label, i,
						layouts[l].name, layouts[0].name);
			}
		}
	for (size_t q = 0; q < N_QUERIES; q++) {
		double *per[MAX_LAYOUTS];
		for (int l = 0; l < n_layouts; l++)
			per[l] = &times[(q * (size_t)n_layouts + (size_t)l) * (size_t)repeat];
		report_query(q, per, layouts, n_layouts, repeat);
	}
	free(reps);
	free(times);
	return mismatches;
}

/* Up to `want` (case, congress) pairs outside the archive congress. */
static int insert_targets(PGconn *db, const struct scenario *sc, struct rep *reps, int want)
{
	int n = 0;
	for (int tries = 0; n < want && tries < want * 4; tries++) {
		make_reps(db, &reps[n], 1, sc);
		if (strtoll(reps[n].arg[ARG_CASE_CONGRESS], NULL, 10) != sc->archive_congress)
			n++;
	}
	return n;
}

static void prepare_inserts(PGconn *db, const struct layout *layouts, int n_layouts)
{
	for (int l = 0; l < n_layouts; l++) {
		char name[16], sql[256];
		snprintf(name, sizeof name, "ins_%d", l);
		snprintf(sql, sizeof sql, "INSERT INTO %s (suggestion_id, actor_account_id, kind,"
			 " from_state, to_state, congress_id) VALUES ($1, $2, $3, $4, $4, $5)",
			 layouts[l].table);
		PGresult *r = PQprepare(db, name, sql, 5, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			pdb_die("prepare %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	}
}

/* lat holds n rounds of one insert a layout; the rate is over the
 * layout's own time. */
static void report_inserts(const double *lat, size_t n, const struct layout *layouts, int n_layouts)
{
	printf("partition_events: single-row inserts, one transaction each, %zu a layout in turn"
	       " (inserts a second of the layout's own time; median / p99 ms):", n);
	double *one = malloc((n ? n : 1) * sizeof *one);
	if (!one)
		pdb_die("out of memory");
	double rate0 = 0;
	for (int l = 0; l < n_layouts && n > 0; l++) {
		double sum = 0, med, p99;
		for (size_t i = 0; i < n; i++)
			sum += one[i] = lat[i * (size_t)n_layouts + (size_t)l];
		percentiles(one, (int)n, &med, &p99);
		double rate = (double)n / sum;
		if (l == 0)
			rate0 = rate;
		printf("%s %s %.0f a s, %.3f / %.3f", l ? ";" : "", layouts[l].name, rate, med * 1e3,
		       p99 * 1e3);
		if (l)
			printf(" (%.2f× the rate)", rate / rate0);
	}
	printf("\n");
	free(one);
}

void inserts_measure(PGconn *db, struct layout *layouts, int n_layouts,
		     const struct scenario *sc, double seconds)
{
	enum { TARGETS = 200 };
	struct rep reps[TARGETS];
	int n_targets = insert_targets(db, sc, reps, TARGETS);
	size_t cap = 1024, n = 0;
	double *lat = malloc(cap * (size_t)n_layouts * sizeof *lat);
	if (!lat || n_targets == 0)
		pdb_die("no insert targets or out of memory");
	pdb_run(db, "SET synchronous_commit = off", 0, NULL);
	prepare_inserts(db, layouts, n_layouts);
	for (double end = pdb_now() + seconds; pdb_now() < end; n++) {
		if (n == cap) {
			cap *= 2;
			lat = realloc(lat, cap * (size_t)n_layouts * sizeof *lat);
			if (!lat)
				pdb_die("out of memory");
		}
		const struct rep *t = &reps[n % (size_t)n_targets];
		const char *v[] = { t->arg[ARG_CASE], "1", "contact", "in_progress",
				    t->arg[ARG_CASE_CONGRESS] };
		for (int l = 0; l < n_layouts; l++) {
			char name[16];
			snprintf(name, sizeof name, "ins_%d", l);
			double t0 = pdb_now();
			PGresult *r = PQexecPrepared(db, name, 5, v, NULL, NULL, 0);
			lat[n * (size_t)n_layouts + (size_t)l] = pdb_now() - t0;
			if (PQresultStatus(r) != PGRES_COMMAND_OK)
				pdb_die("insert into %s: %s", layouts[l].table, PQresultErrorMessage(r));
			PQclear(r);
		}
	}
	report_inserts(lat, n, layouts, n_layouts);
	pdb_run(db, "RESET synchronous_commit", 0, NULL);
	free(lat);
}
