/* The SQLite mirror (see mirror_store.h). */
#include "mirror_store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "xalloc.h"

/* PRAGMA application_id: "JYMR". A SQLite file without it is not ours. */
#define MIRROR_APP_ID 0x4A594D52

struct mirror {
	sqlite3 *db;
	char *path;
	char err[768];
};

static const char schema[] =
	"PRAGMA application_id = 1247366482;\n"   /* MIRROR_APP_ID */
	"PRAGMA user_version = 1;\n"              /* MIRROR_FORMAT */
	/* owner, cursor, counters: key = value */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	/* one row per case the account may see; the Suggestion as the server
	 * sent it (packed), plus the columns list filters on */
	"CREATE TABLE cases (\n"
	"  id INTEGER PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,\n"
	"  title TEXT NOT NULL, body TEXT NOT NULL, category TEXT NOT NULL,\n"
	"  term INTEGER NOT NULL, session INTEGER NOT NULL, key INTEGER NOT NULL,\n"
	"  overdue INTEGER NOT NULL, reply_deadline TEXT NOT NULL,\n"
	"  lead_unit TEXT NOT NULL, lead_deputy TEXT NOT NULL,\n"
	"  synced_at TEXT NOT NULL, suggestion BLOB NOT NULL);\n"
	"CREATE TABLE timeline (\n"
	"  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL,\n"
	"  actor_login TEXT NOT NULL, actor_name TEXT NOT NULL,\n"
	"  from_state TEXT NOT NULL, to_state TEXT NOT NULL, details TEXT NOT NULL,\n"
	"  PRIMARY KEY (case_id, seq)) WITHOUT ROWID;\n"
	/* units by name; id once an assign event named it */
	"CREATE TABLE units (name TEXT PRIMARY KEY, id INTEGER);\n"
	"CREATE TABLE case_units (\n"
	"  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,\n"
	"  unit TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('lead', 'co')),\n"
	"  PRIMARY KEY (case_id, unit)) WITHOUT ROWID;\n"
	"CREATE INDEX case_units_unit ON case_units (unit);\n"
	"CREATE TABLE deputies (name TEXT PRIMARY KEY);\n"
	"CREATE TABLE case_deputies (\n"
	"  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,\n"
	"  deputy TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('lead', 'cosigner')),\n"
	"  PRIMARY KEY (case_id, deputy)) WITHOUT ROWID;\n"
	/* cases the feed touched whose new state is still to be read */
	"CREATE TABLE stale (case_id INTEGER PRIMARY KEY);\n"
	"CREATE TABLE stats (group_by TEXT PRIMARY KEY, taken_at TEXT NOT NULL,\n"
	"  answer BLOB NOT NULL);\n"
	"CREATE TABLE outbox (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL,\n"
	"  action TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,\n"
	"  expected_version INTEGER NOT NULL, request BLOB NOT NULL,\n"
	"  state TEXT NOT NULL DEFAULT 'pending'\n"
	"    CHECK (state IN ('pending', 'applied', 'refused')),\n"
	"  tries INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT '',\n"
	"  message TEXT NOT NULL DEFAULT '', event_seq INTEGER NOT NULL DEFAULT 0,\n"
	"  created_at TEXT NOT NULL);\n"
	"INSERT INTO meta (key, value) VALUES ('cursor', ''), ('events', '0');\n";

static bool fail(struct mirror *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct mirror *m, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(m->err, sizeof m->err, "mirror %s: %s", m->path, what);
	return false;
}

static bool fail_db(struct mirror *m, const char *doing)
{
	int rc = sqlite3_errcode(m->db);

	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return fail(m, "%s: the file is damaged or not a Jianyi mirror (%s)", doing,
			    sqlite3_errmsg(m->db));
	return fail(m, "%s: %s", doing, sqlite3_errmsg(m->db));
}

const char *mirror_error(const struct mirror *m)
{
	return m->err;
}

const char *mirror_path(const struct mirror *m)
{
	return m->path;
}

static void now_text(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Runs one statement with text parameters (NULL-terminated); first column
 * of the first row into out (if given). */
static bool exec1(struct mirror *m, const char *sql, char *out, size_t outlen, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	const char *p;
	int i = 1, rc;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(m, "preparing a query");
	va_start(ap, outlen);
	while ((p = va_arg(ap, const char *)) != NULL)
		sqlite3_bind_text(st, i++, p, -1, SQLITE_TRANSIENT);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out != NULL) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out, outlen, "%s", t ? (const char *)t : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_db(m, "running a query");
	return true;
}

static bool meta_get(struct mirror *m, const char *key, char *out, size_t len)
{
	return exec1(m, "SELECT value FROM meta WHERE key = ?1", out, len, key, (char *)NULL);
}

static bool meta_set(struct mirror *m, const char *key, const char *value)
{
	return exec1(m, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
		     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		     NULL, 0, key, value, (char *)NULL);
}

static int64_t count_rows(struct mirror *m, const char *sql)
{
	char v[32];

	return exec1(m, sql, v, sizeof v, (char *)NULL) ? strtoll(v, NULL, 10) : -1;
}

/* Decides whether the open file is ours, an empty new one, or neither. */
static bool check_or_init(struct mirror *m, bool fresh)
{
	char v[32];
	long app, format;
	int64_t tables;

	/* The first read: a file that is not SQLite fails here. */
	if (!exec1(m, "PRAGMA application_id", v, sizeof v, (char *)NULL))
		return false;
	app = strtol(v, NULL, 10);
	if (!exec1(m, "PRAGMA user_version", v, sizeof v, (char *)NULL))
		return false;
	format = strtol(v, NULL, 10);
	tables = count_rows(m, "SELECT count(*) FROM sqlite_schema");
	if (tables < 0)
		return false;
	if (app == 0 && tables == 0 && fresh) {
		if (sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(m->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
			fail_db(m, "creating the mirror");
			sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
			return false;
		}
		char now[32];
		now_text(now, sizeof now);
		if (!meta_set(m, "created_at", now))
			return false;
		if (sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return fail_db(m, "creating the mirror");
		return true;
	}
	if (app != MIRROR_APP_ID)
		return fail(m, "not a Jianyi mirror (a SQLite file of another application%s)",
			    tables == 0 ? ", empty" : "");
	if (format > MIRROR_FORMAT)
		return fail(m, "made by a newer jianyi (mirror format %ld; this one reads %d)",
			    format, MIRROR_FORMAT);
	if (format != MIRROR_FORMAT)
		return fail(m, "unknown mirror format %ld", format);
	/* Our tables must be there: a damaged or hand-edited file is refused. */
	if (!meta_get(m, "cursor", v, sizeof v))
		return false;
	if (count_rows(m, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
			  "('meta','cases','timeline','units','case_units','deputies',"
			  "'case_deputies','stats','outbox','stale')") != 10)
		return fail(m, "not a whole Jianyi mirror (tables missing)");
	return true;
}

struct mirror *mirror_open(const char *path, bool create, char *err, size_t errlen)
{
	struct mirror *m = jy_xcalloc(1, sizeof *m);
	struct stat sb;
	bool fresh = false;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	m->path = jy_xstrdup(path);
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !create) {
			fail(m, "%s%s", strerror(errno),
			     errno == ENOENT ? " (make one with: jianyi sync --mirror FILE)" : "");
			goto bad;
		}
		/* The mirror holds cases and the outbox holds writes not yet
		 * sent: only the owner may read them. SQLite gives its -wal and
		 * -shm files the mode of the database file. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			fail(m, "cannot create: %s", strerror(errno));
			goto bad;
		}
		close(fd);
		fresh = true;
	} else if (!S_ISREG(sb.st_mode)) {
		fail(m, "not a regular file");
		goto bad;
	} else if (sb.st_size == 0) {
		fresh = create;   /* an empty file, e.g. from mktemp */
	}
	if (sqlite3_open_v2(path, &m->db, flags, NULL) != SQLITE_OK) {
		fail(m, "cannot open: %s", m->db ? sqlite3_errmsg(m->db) : "out of memory");
		goto bad;
	}
	sqlite3_busy_timeout(m->db, 10000);
	sqlite3_extended_result_codes(m->db, 0);
	if (!check_or_init(m, fresh))
		goto bad;
	/* WAL: readers (an offline list while sync runs) never block the
	 * writer. synchronous=NORMAL in WAL mode keeps every commit atomic
	 * across a killed process; only an OS crash may lose the last pages,
	 * and their cursor with them, so the mirror stays consistent. */
	if (sqlite3_exec(m->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
			 "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
		fail_db(m, "setting up");
		goto bad;
	}
	return m;
bad:
	snprintf(err, errlen, "%s", m->err);
	mirror_close(m);
	return NULL;
}

void mirror_close(struct mirror *m)
{
	if (m == NULL)
		return;
	if (m->db != NULL)
		sqlite3_close(m->db);
	free(m->path);
	free(m);
}

/* --- Owner ---------------------------------------------------------------- */

bool mirror_bind(struct mirror *m, const char *server, const Jianyi__Identity *who,
		 const char *ca_sha256)
{
	char account[32], login[256], ca[80], id[32];

	if (!meta_get(m, "account_id", account, sizeof account) ||
	    !meta_get(m, "login", login, sizeof login) || !meta_get(m, "ca_sha256", ca, sizeof ca))
		return false;
	snprintf(id, sizeof id, "%" PRId64, who->account_id);
	if (account[0] != '\0' && (strcmp(account, id) != 0 || strcmp(ca, ca_sha256) != 0))
		return fail(m, "made for account '%s' (id %s)%s; you are '%s' (id %s)%s: use "
			    "another mirror file", login, account,
			    strcmp(ca, ca_sha256) != 0 ? " of another deployment (CA)" : "",
			    who->login, id, strcmp(ca, ca_sha256) != 0 ? " under this CA" : "");
	return meta_set(m, "account_id", id) && meta_set(m, "login", who->login) &&
	       meta_set(m, "ca_sha256", ca_sha256) && meta_set(m, "server", server) &&
	       meta_set(m, "cert_sha256", who->certificate_sha256);
}

bool mirror_set_time_zone(struct mirror *m, const char *zone)
{
	return zone[0] == '\0' || meta_set(m, "time_zone", zone);
}

bool mirror_time_zone(struct mirror *m, char *zone, size_t len)
{
	return meta_get(m, "time_zone", zone, len);
}

bool mirror_check_owner(struct mirror *m, const char *cert_sha256, const char *ca_sha256)
{
	char cert[80], ca[80], login[256];

	if (!meta_get(m, "cert_sha256", cert, sizeof cert) || !meta_get(m, "ca_sha256", ca, sizeof ca) ||
	    !meta_get(m, "login", login, sizeof login))
		return false;
	if (cert[0] == '\0')
		return fail(m, "never synced: run jianyi sync --mirror FILE while the server is reachable");
	if (strcmp(ca, ca_sha256) != 0)
		return fail(m, "made for another deployment (its CA is not ours)");
	if (strcmp(cert, cert_sha256) != 0)
		return fail(m, "made for account '%s' with another certificate; sync it online once "
			    "with this certificate (if it is the same account) or use another mirror",
			    login);
	return true;
}

bool mirror_info(struct mirror *m, char *login, size_t loginlen, char *synced_at,
		 size_t synced_len, int64_t *ncases, int64_t *nevents)
{
	char v[32];

	if (!meta_get(m, "login", login, loginlen) || !meta_get(m, "synced_at", synced_at, synced_len) ||
	    !meta_get(m, "events", v, sizeof v))
		return false;
	*nevents = strtoll(v, NULL, 10);
	*ncases = count_rows(m, "SELECT count(*) FROM cases");
	return *ncases >= 0;
}

/* --- Transactions and the cursor -------------------------------------------- */

bool mirror_begin(struct mirror *m)
{
	/* IMMEDIATE: two syncs on one file take turns instead of failing at commit */
	if (sqlite3_exec(m->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(m, "starting a transaction");
	return true;
}

bool mirror_commit(struct mirror *m)
{
	if (sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fail_db(m, "committing");
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return true;
}

void mirror_rollback(struct mirror *m)
{
	sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
}

bool mirror_cursor(struct mirror *m, char *buf, size_t len)
{
	return meta_get(m, "cursor", buf, len);
}

bool mirror_set_cursor(struct mirror *m, const char *cursor, int64_t events_added)
{
	char now[32], n[32];

	now_text(now, sizeof now);
	snprintf(n, sizeof n, "%" PRId64, events_added);
	return meta_set(m, "cursor", cursor) && meta_set(m, "synced_at", now) &&
	       exec1(m, "UPDATE meta SET value = CAST(value AS INTEGER) + CAST(?1 AS INTEGER) "
		     "WHERE key = 'events'", NULL, 0, n, (char *)NULL);
}

/* --- Cases ------------------------------------------------------------------ */

static bool run_stmt(struct mirror *m, sqlite3_stmt *st, const char *doing)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail_db(m, doing);
	return true;
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

/* "name (unconfirmed)" -> "name" */
static void deputy_name(const char *s, char *out, size_t len)
{
	const char *p = strstr(s, " (");

	snprintf(out, len, "%.*s", p ? (int)(p - s) : (int)strlen(s), s);
}

/* Units' ids: the latest assign or reassign event lists them in the order
 * the case names them (lead, then co-units). */
static bool learn_unit_ids(struct mirror *m, const Jianyi__GetSuggestionResponse *g)
{
	const Jianyi__Suggestion *s = g->suggestion;
	const Jianyi__TimelineEvent *last = NULL;
	json_object *d, *v;
	bool ok = true;

	for (size_t i = 0; i < g->n_timeline; i++)
		if (strcmp(g->timeline[i]->kind, "assign") == 0 ||
		    strcmp(g->timeline[i]->kind, "reassign") == 0)
			last = g->timeline[i];
	if (last == NULL || (d = json_tokener_parse(last->details)) == NULL)
		return true;
	if (json_object_object_get_ex(d, "lead_unit_id", &v) && s->lead_unit[0] != '\0') {
		char id[32];
		snprintf(id, sizeof id, "%" PRId64, json_object_get_int64(v));
		ok = exec1(m, "UPDATE units SET id = CAST(?2 AS INTEGER) WHERE name = ?1", NULL, 0,
			   s->lead_unit, id, (char *)NULL);
	}
	if (ok && json_object_object_get_ex(d, "co_unit_ids", &v) &&
	    json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == s->n_co_units) {
		for (size_t i = 0; ok && i < s->n_co_units; i++) {
			char id[32];
			snprintf(id, sizeof id, "%" PRId64,
				 json_object_get_int64(json_object_array_get_idx(v, i)));
			ok = exec1(m, "UPDATE units SET id = CAST(?2 AS INTEGER) WHERE name = ?1", NULL,
				   0, s->co_units[i], id, (char *)NULL);
		}
	}
	json_object_put(d);
	return ok;
}

bool mirror_drop_case(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return exec1(m, "DELETE FROM cases WHERE id = CAST(?1 AS INTEGER)", NULL, 0, t, (char *)NULL) &&
	       exec1(m, "DELETE FROM stale WHERE case_id = CAST(?1 AS INTEGER)", NULL, 0, t,
		     (char *)NULL);
}

bool mirror_mark_stale(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return exec1(m, "INSERT OR IGNORE INTO stale (case_id) VALUES (CAST(?1 AS INTEGER))", NULL, 0,
		     t, (char *)NULL);
}

bool mirror_stale(struct mirror *m, size_t max, int64_t *ids, size_t *n, int64_t *total)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((*total = count_rows(m, "SELECT count(*) FROM stale")) < 0)
		return false;
	if (sqlite3_prepare_v2(m->db, "SELECT case_id FROM stale ORDER BY case_id LIMIT ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return fail_db(m, "reading the cases to refresh");
	sqlite3_bind_int64(st, 1, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail_db(m, "reading the cases to refresh");
	return true;
}

bool mirror_put_case(struct mirror *m, const Jianyi__GetSuggestionResponse *g)
{
	const Jianyi__Suggestion *s = g->suggestion;
	sqlite3_stmt *st = NULL;
	size_t len = jianyi__suggestion__get_packed_size(s);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	char now[32], name[256];
	bool ok = false;

	jianyi__suggestion__pack(s, blob);
	now_text(now, sizeof now);
	/* the timeline, units and deputies go with the row (ON DELETE CASCADE) */
	if (!mirror_drop_case(m, s->id))
		goto done;
	if (sqlite3_prepare_v2(m->db,
			       "INSERT INTO cases (id, state, version, title, body, category, term, "
			       "session, key, overdue, reply_deadline, lead_unit, lead_deputy, "
			       "synced_at, suggestion) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
			       "?11, ?12, ?13, ?14, ?15)", -1, &st, NULL) != SQLITE_OK) {
		fail_db(m, "storing a case");
		goto done;
	}
	sqlite3_bind_int64(st, 1, s->id);
	bind_str(st, 2, s->state);
	sqlite3_bind_int(st, 3, s->version);
	bind_str(st, 4, s->title);
	bind_str(st, 5, s->body);
	bind_str(st, 6, s->category);
	sqlite3_bind_int(st, 7, s->term);
	sqlite3_bind_int(st, 8, s->session);
	sqlite3_bind_int(st, 9, s->key);
	sqlite3_bind_int(st, 10, s->overdue);
	bind_str(st, 11, s->reply_deadline);
	bind_str(st, 12, s->lead_unit);
	bind_str(st, 13, s->lead_deputy);
	bind_str(st, 14, now);
	sqlite3_bind_blob(st, 15, blob, (int)len, SQLITE_STATIC);
	if (!run_stmt(m, st, "storing a case"))
		goto done;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(m->db,
			       "INSERT OR REPLACE INTO timeline (case_id, seq, at, kind, actor_login, "
			       "actor_name, from_state, to_state, details) VALUES (?1, ?2, ?3, ?4, ?5, "
			       "?6, ?7, ?8, ?9)", -1, &st, NULL) != SQLITE_OK) {
		fail_db(m, "storing a timeline");
		goto done;
	}
	for (size_t i = 0; i < g->n_timeline; i++) {
		const Jianyi__TimelineEvent *e = g->timeline[i];
		sqlite3_bind_int64(st, 1, s->id);
		sqlite3_bind_int64(st, 2, e->sequence);
		bind_str(st, 3, e->at);
		bind_str(st, 4, e->kind);
		bind_str(st, 5, e->actor_login);
		bind_str(st, 6, e->actor_name);
		bind_str(st, 7, e->from_state);
		bind_str(st, 8, e->to_state);
		bind_str(st, 9, e->details);
		if (!run_stmt(m, st, "storing a timeline"))
			goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* units and deputies */
	for (size_t i = 0; i <= s->n_co_units; i++) {
		const char *u = i == 0 ? s->lead_unit : s->co_units[i - 1];
		char id[32];
		if (u[0] == '\0')
			continue;
		snprintf(id, sizeof id, "%" PRId64, s->id);
		if (!exec1(m, "INSERT OR IGNORE INTO units (name) VALUES (?1)", NULL, 0, u, (char *)NULL) ||
		    !exec1(m, "INSERT OR IGNORE INTO case_units (case_id, unit, role) VALUES "
			   "(CAST(?1 AS INTEGER), ?2, ?3)", NULL, 0, id, u, i == 0 ? "lead" : "co",
			   (char *)NULL))
			goto done;
	}
	for (size_t i = 0; i <= s->n_cosigners; i++) {
		const char *d = i == 0 ? s->lead_deputy : s->cosigners[i - 1];
		char id[32];
		if (d[0] == '\0')
			continue;
		deputy_name(d, name, sizeof name);
		snprintf(id, sizeof id, "%" PRId64, s->id);
		if (!exec1(m, "INSERT OR IGNORE INTO deputies (name) VALUES (?1)", NULL, 0, name,
			   (char *)NULL) ||
		    !exec1(m, "INSERT OR IGNORE INTO case_deputies (case_id, deputy, role) VALUES "
			   "(CAST(?1 AS INTEGER), ?2, ?3)", NULL, 0, id, name,
			   i == 0 ? "lead" : "cosigner", (char *)NULL))
			goto done;
	}
	ok = learn_unit_ids(m, g);
done:
	if (st != NULL)
		sqlite3_finalize(st);
	free(blob);
	return ok;
}

bool mirror_put_stats(struct mirror *m, const char *group_by, const Jianyi__StatsResponse *r)
{
	size_t len = jianyi__stats_response__get_packed_size(r);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	sqlite3_stmt *st;
	char now[32];
	bool ok;

	jianyi__stats_response__pack(r, blob);
	now_text(now, sizeof now);
	if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO stats (group_by, taken_at, answer) "
			       "VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return fail_db(m, "storing statistics");
	}
	bind_str(st, 1, group_by);
	bind_str(st, 2, now);
	sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
	ok = run_stmt(m, st, "storing statistics");
	sqlite3_finalize(st);
	free(blob);
	return ok;
}

/* --- Reading ---------------------------------------------------------------- */

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return jy_xstrdup(t ? (const char *)t : "");
}

/* A stored packed Suggestion; a blob that does not unpack is a damaged file. */
static Jianyi__Suggestion *unpack_case(struct mirror *m, sqlite3_stmt *st, int col, int64_t id)
{
	const void *b = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	Jianyi__Suggestion *s = b ? jianyi__suggestion__unpack(NULL, (size_t)n, b) : NULL;

	if (s == NULL)
		fail(m, "case %" PRId64 " is damaged (its stored record does not decode)", id);
	return s;
}

void mirror_free_get(Jianyi__GetSuggestionResponse *g)
{
	if (g == NULL)
		return;
	if (g->suggestion != NULL)
		jianyi__suggestion__free_unpacked(g->suggestion, NULL);
	for (size_t i = 0; i < g->n_timeline; i++) {
		Jianyi__TimelineEvent *e = g->timeline[i];
		free(e->at);
		free(e->kind);
		free(e->actor_login);
		free(e->actor_name);
		free(e->from_state);
		free(e->to_state);
		free(e->details);
		free(e);
	}
	free(g->timeline);
	free(g);
}

bool mirror_get_case(struct mirror *m, int64_t id, Jianyi__GetSuggestionResponse **out)
{
	sqlite3_stmt *st;
	Jianyi__GetSuggestionResponse *g;
	size_t cap = 0;
	int rc;

	*out = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT suggestion FROM cases WHERE id = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return fail_db(m, "reading a case");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? true : fail_db(m, "reading a case");
	}
	g = jy_xcalloc(1, sizeof *g);
	jianyi__get_suggestion_response__init(g);
	g->suggestion = unpack_case(m, st, 0, id);
	sqlite3_finalize(st);
	if (g->suggestion == NULL) {
		free(g);
		return false;
	}
	if (sqlite3_prepare_v2(m->db, "SELECT seq, at, kind, actor_login, actor_name, from_state, "
			       "to_state, details FROM timeline WHERE case_id = ?1 ORDER BY seq", -1,
			       &st, NULL) != SQLITE_OK) {
		mirror_free_get(g);
		return fail_db(m, "reading a timeline");
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		Jianyi__TimelineEvent *e = jy_xmalloc(sizeof *e);
		jianyi__timeline_event__init(e);
		e->sequence = sqlite3_column_int64(st, 0);
		e->at = col_dup(st, 1);
		e->kind = col_dup(st, 2);
		e->actor_login = col_dup(st, 3);
		e->actor_name = col_dup(st, 4);
		e->from_state = col_dup(st, 5);
		e->to_state = col_dup(st, 6);
		e->details = col_dup(st, 7);
		if (g->n_timeline == cap) {
			cap = cap ? cap * 2 : 16;
			g->timeline = jy_xrealloc(g->timeline, cap * sizeof *g->timeline);
		}
		g->timeline[g->n_timeline++] = e;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		mirror_free_get(g);
		return fail_db(m, "reading a timeline");
	}
	*out = g;
	return true;
}

void mirror_free_list(Jianyi__ListSuggestionsResponse *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n_suggestions; i++)
		jianyi__suggestion__free_unpacked(l->suggestions[i], NULL);
	free(l->suggestions);
	free(l);
}

bool mirror_list(struct mirror *m, const Jianyi__ListSuggestionsRequest *q,
		 Jianyi__ListSuggestionsResponse **out)
{
	/* The same filters as jy_list; overdue as the server last said, or a
	 * deadline that has passed since while the case is still being handled. */
	static const char sql[] =
		"SELECT id, suggestion FROM cases WHERE id > ?1"
		" AND (?2 = '' OR state = ?2)"
		" AND (?3 = '' OR category = ?3)"
		" AND (?4 = 0 OR term = ?4) AND (?5 = 0 OR session = ?5)"
		" AND (?6 = 0 OR key = 1)"
		" AND (?7 = 0 OR overdue = 1 OR (reply_deadline <> '' AND reply_deadline < ?8"
		"      AND state IN ('assigned', 'disputed', 'accepted', 'in_progress')))"
		" AND (?9 = '' OR instr(lower(title || ' ' || body), lower(?9)) > 0)"
		" AND (?10 = 0 OR id IN (SELECT cu.case_id FROM case_units cu JOIN units u"
		"      ON u.name = cu.unit WHERE u.id = ?10))"
		" ORDER BY id LIMIT ?11";
	Jianyi__ListSuggestionsResponse *l = jy_xcalloc(1, sizeof *l);
	int limit = q->page_size > 0 ? q->page_size : 50, rc;
	sqlite3_stmt *st;
	char today[16];
	time_t t = time(NULL);
	struct tm tm;

	/* The congress's day, as the server's: the CLI has set TZ to the
	 * mirror's time zone (mirror_time_zone) before reading it. */
	localtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	jianyi__list_suggestions_response__init(l);
	if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(l);
		return fail_db(m, "listing cases");
	}
	sqlite3_bind_int64(st, 1, q->after_id);
	bind_str(st, 2, q->state);
	bind_str(st, 3, q->category);
	sqlite3_bind_int(st, 4, q->term);
	sqlite3_bind_int(st, 5, q->session);
	sqlite3_bind_int(st, 6, q->key_only);
	sqlite3_bind_int(st, 7, q->overdue_only);
	bind_str(st, 8, today);
	bind_str(st, 9, q->text);
	sqlite3_bind_int64(st, 10, q->unit_id);
	sqlite3_bind_int(st, 11, limit + 1);   /* one more: is there a next page? */
	l->suggestions = jy_xcalloc((size_t)limit + 1, sizeof *l->suggestions);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		Jianyi__Suggestion *s;
		if (l->n_suggestions == (size_t)limit) {
			l->next_after_id = l->suggestions[limit - 1]->id;
			break;
		}
		if ((s = unpack_case(m, st, 1, id)) == NULL) {
			sqlite3_finalize(st);
			mirror_free_list(l);
			return false;
		}
		/* list entries leave body and plan empty, as the server's do */
		/* (unset strings point at protobuf-c's shared read-only "") */
		if (s->body[0] != '\0')
			s->body[0] = '\0';
		if (s->plan[0] != '\0')
			s->plan[0] = '\0';
		l->suggestions[l->n_suggestions++] = s;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		mirror_free_list(l);
		return fail_db(m, "listing cases");
	}
	*out = l;
	return true;
}

bool mirror_get_stats(struct mirror *m, const char *group_by, Jianyi__StatsResponse **out,
		      char *taken_at, size_t taken_len)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT taken_at, answer FROM stats WHERE group_by = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return fail_db(m, "reading statistics");
	bind_str(st, 1, group_by);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(taken_at, taken_len, "%s", t ? (const char *)t : "");
		*out = b || n == 0 ? jianyi__stats_response__unpack(NULL, (size_t)n, b) : NULL;
		if (*out == NULL) {
			sqlite3_finalize(st);
			return fail(m, "the stored statistics are damaged (they do not decode)");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_db(m, "reading statistics");
	return true;
}

/* --- The outbox ----------------------------------------------------------------- */

static const char *const state_names[] = { "pending", "applied", "refused" };

const char *mirror_outbox_state_name(enum outbox_state s)
{
	return state_names[s];
}

bool mirror_outbox_add(struct mirror *m, const Jianyi__ActRequest *req, int64_t *id)
{
	size_t len = jianyi__act_request__get_packed_size(req);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	const ProtobufCEnumValue *action = protobuf_c_enum_descriptor_get_value(
		&jianyi__action__descriptor, (int)req->action);
	sqlite3_stmt *st;
	char now[32];
	int rc;

	jianyi__act_request__pack(req, blob);
	now_text(now, sizeof now);
	if (sqlite3_prepare_v2(m->db, "INSERT INTO outbox (case_id, action, idempotency_key, "
			       "expected_version, request, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return fail_db(m, "queueing a write");
	}
	sqlite3_bind_int64(st, 1, req->suggestion_id);
	/* "ACTION_CONTACT" -> "contact" */
	char name[32];
	snprintf(name, sizeof name, "%s", action ? action->name : "unknown");
	for (char *p = name; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	bind_str(st, 2, name);
	bind_str(st, 3, req->idempotency_key);
	sqlite3_bind_int(st, 4, req->expected_version);
	sqlite3_bind_blob(st, 5, blob, (int)len, SQLITE_STATIC);
	bind_str(st, 6, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(blob);
	if (rc == SQLITE_CONSTRAINT)
		return fail(m, "a write with idempotency key '%s' is already queued",
			    req->idempotency_key);
	if (rc != SQLITE_DONE)
		return fail_db(m, "queueing a write");
	*id = sqlite3_last_insert_rowid(m->db);
	return true;
}

bool mirror_outbox_case(struct mirror *m, int64_t case_id, int *pending, int32_t *version)
{
	char id[32], v[32];

	snprintf(id, sizeof id, "%" PRId64, case_id);
	if (!exec1(m, "SELECT count(*) FROM outbox WHERE case_id = CAST(?1 AS INTEGER) AND "
		   "state <> 'applied'", v, sizeof v, id, (char *)NULL))
		return false;
	*pending = atoi(v);
	if (!exec1(m, "SELECT version FROM cases WHERE id = CAST(?1 AS INTEGER)", v, sizeof v, id,
		   (char *)NULL))
		return false;
	*version = (int32_t)atol(v);
	return true;
}

#define OUTBOX_COLUMNS "id, case_id, action, idempotency_key, expected_version, state, tries, " \
		       "status, message, event_seq, created_at, request"

static bool outbox_row(struct mirror *m, sqlite3_stmt *st, struct outbox_entry *e)
{
	const unsigned char *t;
	const void *b;

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->case_id = sqlite3_column_int64(st, 1);
#define COPY(field, col) \
	t = sqlite3_column_text(st, col); \
	snprintf(e->field, sizeof e->field, "%s", t ? (const char *)t : "")
	COPY(action, 2);
	COPY(key, 3);
	COPY(status, 7);
	COPY(message, 8);
	COPY(created_at, 10);
#undef COPY
	e->version = sqlite3_column_int(st, 4);
	t = sqlite3_column_text(st, 5);
	e->state = t && strcmp((const char *)t, "applied") == 0 ? OUTBOX_APPLIED :
		   t && strcmp((const char *)t, "refused") == 0 ? OUTBOX_REFUSED : OUTBOX_PENDING;
	e->tries = sqlite3_column_int(st, 6);
	e->event_seq = sqlite3_column_int64(st, 9);
	b = sqlite3_column_blob(st, 11);
	e->req = b ? jianyi__act_request__unpack(NULL, (size_t)sqlite3_column_bytes(st, 11), b)
		   : NULL;
	if (e->req == NULL || e->req->suggestion_id != e->case_id ||
	    strcmp(e->req->idempotency_key, e->key) != 0)
		return fail(m, "outbox entry %" PRId64 " is damaged (its request does not decode)",
			    e->id);
	return true;
}

void mirror_outbox_free(struct outbox_entry *e, size_t n)
{
	for (size_t i = 0; e != NULL && i < n; i++)
		if (e[i].req != NULL)
			jianyi__act_request__free_unpacked(e[i].req, NULL);
	free(e);
}

bool mirror_outbox_list(struct mirror *m, bool with_applied, struct outbox_entry **out,
			size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(m->db, with_applied ?
			       "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id" :
			       "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state <> 'applied' ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(m, "reading the outbox");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = jy_xrealloc(*out, cap * sizeof **out);
		}
		if (!outbox_row(m, st, &(*out)[*n])) {
			(*n)++;
			sqlite3_finalize(st);
			mirror_outbox_free(*out, *n);
			*out = NULL;
			*n = 0;
			return false;
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		mirror_outbox_free(*out, *n);
		*out = NULL;
		*n = 0;
		return fail_db(m, "reading the outbox");
	}
	return true;
}

bool mirror_outbox_get(struct mirror *m, int64_t id, struct outbox_entry *e, bool *found)
{
	sqlite3_stmt *st;
	int rc;
	bool ok = true;

	*found = false;
	memset(e, 0, sizeof *e);
	if (sqlite3_prepare_v2(m->db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return fail_db(m, "reading the outbox");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		ok = outbox_row(m, st, e);
	} else if (rc != SQLITE_DONE) {
		ok = fail_db(m, "reading the outbox");
	}
	sqlite3_finalize(st);
	return ok;
}

static bool outbox_update(struct mirror *m, const char *sql, int64_t id, const char *a,
			  const char *b)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return exec1(m, sql, NULL, 0, t, a ? a : "", b ? b : "", (char *)NULL);
}

bool mirror_outbox_applied(struct mirror *m, int64_t id, int64_t event_seq)
{
	char seq[32];

	snprintf(seq, sizeof seq, "%" PRId64, event_seq);
	return outbox_update(m, "UPDATE outbox SET state = 'applied', tries = tries + 1, "
			     "event_seq = CAST(?2 AS INTEGER), status = 'ok', message = ?3 "
			     "WHERE id = CAST(?1 AS INTEGER)", id, seq, "");
}

bool mirror_outbox_refused(struct mirror *m, int64_t id, const char *status, const char *message)
{
	return outbox_update(m, "UPDATE outbox SET state = 'refused', tries = tries + 1, "
			     "status = ?2, message = ?3 WHERE id = CAST(?1 AS INTEGER)", id, status,
			     message);
}

bool mirror_outbox_tried(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return exec1(m, "UPDATE outbox SET tries = tries + 1 WHERE id = CAST(?1 AS INTEGER)", NULL, 0,
		     t, (char *)NULL);
}

bool mirror_outbox_retry(struct mirror *m, int64_t id, int32_t version)
{
	char v[32];
	sqlite3_stmt *st;
	struct outbox_entry e;
	bool found, ok;

	if (!mirror_outbox_get(m, id, &e, &found))
		return false;
	if (!found)
		return fail(m, "no outbox entry %" PRId64, id);
	if (e.state != OUTBOX_REFUSED) {
		jianyi__act_request__free_unpacked(e.req, NULL);
		return fail(m, "outbox entry %" PRId64 " is %s, not refused", id,
			    mirror_outbox_state_name(e.state));
	}
	/* The request itself carries the version: repack it. A refusal was
	 * never stored under its key on the server, so the key stays. */
	if (version > 0)
		e.req->expected_version = version;
	size_t len = jianyi__act_request__get_packed_size(e.req);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	jianyi__act_request__pack(e.req, blob);
	snprintf(v, sizeof v, "%d", e.req->expected_version);
	ok = sqlite3_prepare_v2(m->db, "UPDATE outbox SET state = 'pending', status = '', "
				"message = '', expected_version = ?2, request = ?3 WHERE id = ?1", -1,
				&st, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, e.req->expected_version);
		sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
		ok = run_stmt(m, st, "retrying an outbox entry");
		sqlite3_finalize(st);
	} else {
		fail_db(m, "retrying an outbox entry");
	}
	free(blob);
	jianyi__act_request__free_unpacked(e.req, NULL);
	return ok;
}

bool mirror_outbox_drop(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	if (!exec1(m, "DELETE FROM outbox WHERE id = CAST(?1 AS INTEGER) AND state <> 'applied'",
		   NULL, 0, t, (char *)NULL))
		return false;
	if (sqlite3_changes(m->db) == 0)
		return fail(m, "no pending or refused outbox entry %s", t);
	return true;
}
