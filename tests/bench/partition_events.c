/* Partitioning `events` by congress (issue #15, docs/SCALE.md "The
 * partitioned events table"): in a private PostgreSQL cluster, the same
 * events in one table, in a LIST partition a congress and in HASH
 * partitions of the congress; load, index, VACUUM and size, the reads the
 * server makes (timeline, change feed, a count by kind), single-row
 * inserts, and archiving one congress (DETACH PARTITION against DELETE).
 * The tables are built here, not by the migrations: the real schema has no
 * congress yet, and these copies carry neither foreign keys nor the
 * append-only triggers (which would refuse the DELETE).
 *
 * Environment:
 *   JIANYI_PARTITION_EVENTS   events to load (200,000; the run in
 *                             docs/SCALE.md is 10,000,000)
 *   JIANYI_PARTITION_REPEAT   timed runs of each query (200)
 *   JIANYI_PARTITION_HASH     HASH partitions (16)
 *   JIANYI_PARTITION_TOWNSHIPS  township congresses (1226, a province's;
 *                             fewer makes fewer LIST partitions: CI)
 *   JIANYI_PARTITION_INSERT_SECONDS  single-row inserts, in all (3)
 *   JIANYI_PARTITION_BREAK=1  deletes one event from the LIST layout after
 *                             its load: the run must then fail (the check
 *                             of the check)
 * Exits 1 when a layout's answers differ from the one table's. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "embedded_pg.h"
#include "partition_db.h"
#include "partition_layouts.h"
#include "partition_queries.h"

static struct embedded_pg cluster;
static char cluster_dir[64];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void stop_cluster(void)
{
	embedded_pg_stop(&cluster);
	embedded_pg_free(&cluster);
	if (cluster_dir[0])
		nftw(cluster_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A whole number from the environment within [lo, hi]; anything else
 * there ends the run naming the variable. */
static long long env_number(const char *name, long long dflt, long long lo, long long hi)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		pdb_die("%s='%s' is not a whole number from %lld to %lld", name, v, lo, hi);
	return n;
}

static void start_cluster(void)
{
	char err[1024];
	snprintf(cluster_dir, sizeof cluster_dir, "/tmp/jianyi-partition-XXXXXX");
	if (!mkdtemp(cluster_dir))
		pdb_die("mkdtemp: %s", strerror(errno));
	chmod(cluster_dir, 0755); /* the postgres user must reach the cluster below */
	atexit(stop_cluster);
	char data[128];
	snprintf(data, sizeof data, "%s/db", cluster_dir);
	if (!embedded_pg_start(&cluster, data, NULL, err, sizeof err))
		pdb_die("cannot start PostgreSQL: %s", err);
}

static void build(PGconn *db, struct layout *l, const struct scenario *sc, int sabotage)
{
	layout_create(db, l, sc);
	layout_load(db, l, sc);
	if (sabotage) {
		char sql[128], seq[24];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE seq = $1", l->table);
		snprintf(seq, sizeof seq, "%lld", sc->events / 2);
		const char *v[] = { seq };
		pdb_run(db, sql, 1, v);
		printf("partition_events: JIANYI_PARTITION_BREAK: event %s deleted from %s\n", seq,
		       l->table);
	}
	layout_index(db, l);
	layout_vacuum(db, l);
	printf("partition_events: %-5s %5lld partitions: create %.1f s, load %.1f s, indexes %.1f s,"
	       " VACUUM ANALYZE %.1f s; table %.1f MiB, indexes %.1f MiB, %.0f bytes an event\n",
	       l->name, l->partitions, l->create_s, l->load_s, l->index_s, l->vacuum_s,
	       (double)l->table_bytes / 1048576.0, (double)l->index_bytes / 1048576.0,
	       (double)(l->table_bytes + l->index_bytes) / (double)sc->events);
	fflush(stdout);
}

static int compare_fingerprints(const struct layout *layouts, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		printf("partition_events: %-5s per congress (count, sum of seq, of case): %s\n",
		       layouts[i].name, layouts[i].fingerprint);
		if (strcmp(layouts[i].fingerprint, layouts[0].fingerprint) != 0) {
			fprintf(stderr, "partition_events: MISMATCH: %s's events per congress differ"
				" from %s's\n", layouts[i].name, layouts[0].name);
			bad++;
		}
	}
	return bad;
}

static int archive_all(PGconn *db, struct layout *layouts, int n, const struct scenario *sc)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		struct layout *l = &layouts[i];
		layout_archive(db, l, sc);
		printf("partition_events: archive congress %lld (a county) from %s: %lld events, %s"
		       " %.3f s", sc->archive_congress, l->name, l->archived_rows,
		       l->kind == LAYOUT_LIST ? "DETACH PARTITION" : "DELETE", l->archive_s);
		if (l->kind != LAYOUT_LIST)
			printf(", then VACUUM %.2f s", l->archive_vacuum_s);
		printf("\n");
		if (l->archived_rows != layouts[0].archived_rows) {
			fprintf(stderr, "partition_events: MISMATCH: %s archived %lld events, %s %lld\n",
				l->name, l->archived_rows, layouts[0].name, layouts[0].archived_rows);
			bad++;
		}
	}
	return bad;
}

int main(void)
{
	struct scenario sc = {
		.events = env_number("JIANYI_PARTITION_EVENTS", 200000, 1000, 100000000),
		.hash_partitions = (int)env_number("JIANYI_PARTITION_HASH", 16, 2, 1024),
		.townships = (int)env_number("JIANYI_PARTITION_TOWNSHIPS", 1226, 1, 40000),
		.cases_open = 15000,
	};
	int repeat = (int)env_number("JIANYI_PARTITION_REPEAT", 200, 10, 100000);
	double insert_s = (double)env_number("JIANYI_PARTITION_INSERT_SECONDS", 3, 1, 3600);
	int sabotage = (int)env_number("JIANYI_PARTITION_BREAK", 0, 0, 1);
	struct layout layouts[] = {
		{ .name = "plain", .table = "ev_plain", .kind = LAYOUT_PLAIN },
		{ .name = "list", .table = "ev_list", .kind = LAYOUT_LIST },
		{ .name = "hash", .table = "ev_hash", .kind = LAYOUT_HASH },
	};
	const int n = (int)(sizeof layouts / sizeof layouts[0]);

	bench_print_conditions();
	start_cluster();
	PGconn *db = pdb_connect(cluster.conninfo);
	PGresult *r = pdb_query(db, "SELECT current_setting('shared_buffers')", 0, NULL);
	printf("partition_events: PostgreSQL %d, the embedded cluster's settings (shared_buffers %s);"
	       " %lld events\n", PQserverVersion(db) / 10000, PQgetvalue(r, 0, 0), sc.events);
	PQclear(r);
	layouts_setup(db, &sc);
	for (int i = 0; i < n; i++)
		build(db, &layouts[i], &sc, sabotage && layouts[i].kind == LAYOUT_LIST);
	sc.max_case = pdb_ll(db, "SELECT max(suggestion_id) FROM ev_plain", 0, NULL);
	char last[24];
	snprintf(last, sizeof last, "%lld", sc.events);
	const char *lv[] = { last };
	pdb_run(db, "SELECT setval('ev_seq', $1::bigint)", 1, lv);

	int bad = 0;
	for (int i = 0; i < n; i++)
		layout_fingerprint(db, &layouts[i]);
	bad += compare_fingerprints(layouts, n);
	bad += queries_measure(db, layouts, n, &sc, repeat);
	fflush(stdout);
	inserts_measure(db, layouts, n, &sc, insert_s);
	bad += archive_all(db, layouts, n, &sc);
	bench_print_conditions();
	PQfinish(db);
	if (bad) {
		fprintf(stderr, "partition_events: FAILED: %d differences between the layouts\n", bad);
		return 1;
	}
	printf("partition_events: every layout gave the same answers\n");
	return 0;
}
