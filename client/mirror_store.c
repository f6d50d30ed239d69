/* The mirror's file: its schema, opening and checking it, its owner, and
 * the statement helpers the other mirror files share (see mirror_store.h). */
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

#include "cli_i18n.h"
#include "enum_names.h"
#include "mirror_attach.h"
#include "mirror_internal.h"
#include "mirror_todo.h"
#include "xalloc.h"

/* PRAGMA application_id: "JYMR". A SQLite file without it is not ours. */
#define MIRROR_APP_ID 0x4A594D52

static const char schema[] =
	"PRAGMA application_id = 1247366482;\n"   /* MIRROR_APP_ID */
	"PRAGMA user_version = 3;\n"              /* MIRROR_FORMAT */
	/* owner, cursor, counters: key = value */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	/* one row per case the account may see; the Suggestion as the server
	 * sent it (packed), plus the columns list filters on, and the actions
	 * the account could take when it was synced (names, comma-separated) */
	"CREATE TABLE cases (\n"
	"  id INTEGER PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,\n"
	"  title TEXT NOT NULL, body TEXT NOT NULL, category TEXT NOT NULL,\n"
	"  term INTEGER NOT NULL, session INTEGER NOT NULL, key INTEGER NOT NULL,\n"
	"  overdue INTEGER NOT NULL, reply_deadline TEXT NOT NULL,\n"
	"  lead_unit TEXT NOT NULL, lead_deputy TEXT NOT NULL,\n"
	"  synced_at TEXT NOT NULL, suggestion BLOB NOT NULL, allowed_actions TEXT NOT NULL);\n"
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
	"  created_at TEXT NOT NULL,\n"
	/* a refusal's reason and its arguments ("name=value" lines), to be
	 * said in the reader's language (cli_reasons.h) */
	"  reason TEXT NOT NULL DEFAULT '', reason_args TEXT NOT NULL DEFAULT '');\n"
	"INSERT INTO meta (key, value) VALUES ('cursor', ''), ('events', '0');\n";

bool mirror_fail(struct mirror *m, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(m->err, sizeof m->err, _("mirror %s: %s"), m->path, what);
	return false;
}

bool mirror_fail_db(struct mirror *m, const char *doing)
{
	int rc = sqlite3_errcode(m->db);

	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return mirror_fail(m, _("%s: the file is damaged or not a Jianyi mirror (%s)"), doing,
				   sqlite3_errmsg(m->db));
	return mirror_fail(m, "%s: %s", doing, sqlite3_errmsg(m->db));
}

const char *mirror_error(const struct mirror *m)
{
	return m->err;
}

const char *mirror_path(const struct mirror *m)
{
	return m->path;
}

void mirror_now_text(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Runs one statement with text parameters (NULL-terminated); first column
 * of the first row into out (if given). */
bool mirror_exec1(struct mirror *m, const char *sql, char *out, size_t outlen, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	const char *p;
	int i = 1, rc;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("preparing a query"));
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
		return mirror_fail_db(m, _("running a query"));
	return true;
}

bool mirror_meta_get(struct mirror *m, const char *key, char *out, size_t len)
{
	return mirror_exec1(m, "SELECT value FROM meta WHERE key = ?1", out, len, key, (char *)NULL);
}

bool mirror_meta_set(struct mirror *m, const char *key, const char *value)
{
	return mirror_exec1(m, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
			    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			    NULL, 0, key, value, (char *)NULL);
}

int64_t mirror_count_rows(struct mirror *m, const char *sql)
{
	char v[32];

	return mirror_exec1(m, sql, v, sizeof v, (char *)NULL) ? strtoll(v, NULL, 10) : -1;
}

/* Format 2 -> 3: the outbox keeps a refusal's reason and arguments (the
 * entries refused before keep only the server's message), and an entry's
 * action is named by the one rule of enum_names.h ("plan"; format 2 wrote
 * "action_plan"). */
static bool upgrade_from_2(struct mirror *m)
{
	static const char sql[] =
		"BEGIN;\n"
		"ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT '';\n"
		"ALTER TABLE outbox ADD COLUMN reason_args TEXT NOT NULL DEFAULT '';\n"
		"UPDATE outbox SET action = substr(action, 8) WHERE action LIKE 'action\\_%' ESCAPE '\\';\n"
		"PRAGMA user_version = 3;\n"
		"COMMIT;\n";

	if (sqlite3_exec(m->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		mirror_fail_db(m, _("upgrading the mirror to format 3"));
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return true;
}

/* Decides whether the open file is ours, an empty new one, or neither. */
static bool check_or_init(struct mirror *m, bool fresh)
{
	char v[32];
	long app, format;
	int64_t tables;

	/* The first read: a file that is not SQLite fails here. */
	if (!mirror_exec1(m, "PRAGMA application_id", v, sizeof v, (char *)NULL))
		return false;
	app = strtol(v, NULL, 10);
	if (!mirror_exec1(m, "PRAGMA user_version", v, sizeof v, (char *)NULL))
		return false;
	format = strtol(v, NULL, 10);
	tables = mirror_count_rows(m, "SELECT count(*) FROM sqlite_schema");
	if (tables < 0)
		return false;
	if (app == 0 && tables == 0 && fresh) {
		if (sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(m->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
			mirror_fail_db(m, _("creating the mirror"));
			sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
			return false;
		}
		char now[32];
		mirror_now_text(now, sizeof now);
		if (!mirror_meta_set(m, "created_at", now))
			return false;
		if (sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return mirror_fail_db(m, _("creating the mirror"));
		return mirror_attach_ensure(m) && mirror_todo_ensure(m);
	}
	if (app != MIRROR_APP_ID)
		return mirror_fail(m, _("not a Jianyi mirror (a SQLite file of another application%s)"),
				   tables == 0 ? _(", empty") : "");
	if (format > MIRROR_FORMAT)
		return mirror_fail(m, _("made by a newer jianyi (mirror format %ld; this one reads %d)"),
				   format, MIRROR_FORMAT);
	if (format != 2 && format != MIRROR_FORMAT)
		return mirror_fail(m, _("unknown mirror format %ld"), format);
	/* Our tables must be there: a damaged or hand-edited file is refused. */
	if (!mirror_meta_get(m, "cursor", v, sizeof v))
		return false;
	if (mirror_count_rows(m, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
			  "('meta','cases','timeline','units','case_units','deputies',"
			  "'case_deputies','stats','outbox','stale')") != 10)
		return mirror_fail(m, _("not a whole Jianyi mirror (tables missing)"));
	if (format == 2 && !upgrade_from_2(m))
		return false;
	return mirror_attach_ensure(m) && mirror_todo_ensure(m);
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
			mirror_fail(m, "%s%s", strerror(errno),
				    errno == ENOENT ? _(" (make one with: jianyi sync --mirror FILE)") : "");
			goto bad;
		}
		/* The mirror holds cases and the outbox holds writes not yet
		 * sent: only the owner may read them. SQLite gives its -wal and
		 * -shm files the mode of the database file. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			mirror_fail(m, _("cannot create: %s"), strerror(errno));
			goto bad;
		}
		close(fd);
		fresh = true;
	} else if (!S_ISREG(sb.st_mode)) {
		mirror_fail(m, _("not a regular file"));
		goto bad;
	} else if (sb.st_size == 0) {
		fresh = create;   /* an empty file, e.g. from mktemp */
	}
	if (sqlite3_open_v2(path, &m->db, flags, NULL) != SQLITE_OK) {
		mirror_fail(m, _("cannot open: %s"), m->db ? sqlite3_errmsg(m->db) : _("out of memory"));
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
		mirror_fail_db(m, _("setting up"));
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

	if (!mirror_meta_get(m, "account_id", account, sizeof account) ||
	    !mirror_meta_get(m, "login", login, sizeof login) ||
	    !mirror_meta_get(m, "ca_sha256", ca, sizeof ca))
		return false;
	snprintf(id, sizeof id, "%" PRId64, who->account_id);
	if (account[0] != '\0' && (strcmp(account, id) != 0 || strcmp(ca, ca_sha256) != 0))
		return mirror_fail(m, _("made for account '%s' (id %s)%s; you are '%s' (id %s)%s: use "
				   "another mirror file"), login, account,
				   strcmp(ca, ca_sha256) != 0 ? _(" of another deployment (CA)") : "",
				   who->login, id, strcmp(ca, ca_sha256) != 0 ? _(" under this CA") : "");
	return mirror_meta_set(m, "account_id", id) && mirror_meta_set(m, "login", who->login) &&
	       mirror_meta_set(m, "ca_sha256", ca_sha256) && mirror_meta_set(m, "server", server) &&
	       mirror_meta_set(m, "cert_sha256", who->certificate_sha256);
}

bool mirror_set_time_zone(struct mirror *m, const char *zone)
{
	return zone[0] == '\0' || mirror_meta_set(m, "time_zone", zone);
}

bool mirror_time_zone(struct mirror *m, char *zone, size_t len)
{
	return mirror_meta_get(m, "time_zone", zone, len);
}

bool mirror_check_owner(struct mirror *m, const char *cert_sha256, const char *ca_sha256)
{
	char cert[80], ca[80], login[256];

	if (!mirror_meta_get(m, "cert_sha256", cert, sizeof cert) ||
	    !mirror_meta_get(m, "ca_sha256", ca, sizeof ca) ||
	    !mirror_meta_get(m, "login", login, sizeof login))
		return false;
	if (cert[0] == '\0')
		return mirror_fail(m, _("never synced: run jianyi sync --mirror FILE while the server "
				   "is reachable"));
	if (strcmp(ca, ca_sha256) != 0)
		return mirror_fail(m, _("made for another deployment (its CA is not ours)"));
	if (strcmp(cert, cert_sha256) != 0)
		return mirror_fail(m, _("made for account '%s' with another certificate; sync it online once "
				   "with this certificate (if it is the same account) or use another mirror"),
				   login);
	return true;
}

bool mirror_info(struct mirror *m, char *login, size_t loginlen, char *synced_at,
		 size_t synced_len, int64_t *ncases, int64_t *nevents)
{
	char v[32];

	if (!mirror_meta_get(m, "login", login, loginlen) ||
	    !mirror_meta_get(m, "synced_at", synced_at, synced_len) ||
	    !mirror_meta_get(m, "events", v, sizeof v))
		return false;
	*nevents = strtoll(v, NULL, 10);
	*ncases = mirror_count_rows(m, "SELECT count(*) FROM cases");
	return *ncases >= 0;
}

bool mirror_run_stmt(struct mirror *m, sqlite3_stmt *st, const char *doing)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return mirror_fail_db(m, doing);
	return true;
}

void mirror_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

void mirror_bind_state(sqlite3_stmt *st, int i, int state)
{
	char name[JY_ENUM_NAME_MAX];
	const char *n = jy_enum_name(&jianyi__state__descriptor, state, name, sizeof name);

	sqlite3_bind_text(st, i, n ? n : "", -1, SQLITE_TRANSIENT);
}

int mirror_column_state(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	int v;

	return t && jy_enum_value(&jianyi__state__descriptor, (const char *)t, &v) ? v
									   : JIANYI__STATE__STATE_UNSPECIFIED;
}
