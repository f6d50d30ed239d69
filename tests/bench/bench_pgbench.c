#include "bench_pgbench.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <openssl/evp.h>

#include "act_validate.h"
#include "pbjson.h"
#include "sql_workflow.h"
#include "workflow.h"
#include "xalloc.h"

/* Scripts: 0 the write cycle, 1 get, 2 list (the order of spec->weight). */
enum { SC_WRITE, SC_GET, SC_LIST, SC_N };
static const char *const script_file[SC_N] = { "write.sql", "get.sql", "list.sql" };

char *pgb_substitute(const char *sql, int nparams, const char *const *names)
{
	size_t cap = strlen(sql) + 1;
	for (int i = 0; i < nparams; i++)
		cap += strlen(names[i]) + 1;
	cap *= 2;   /* a parameter may appear more than once */
	char *out = jy_xmalloc(cap), *o = out;
	for (const char *p = sql; *p;) {
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			char *end;
			long n = strtol(p + 1, &end, 10);
			if (n >= 1 && n <= nparams) {
				size_t len = strlen(names[n - 1]);
				if ((size_t)(o - out) + len + 2 >= cap) {
					free(out);
					return NULL;
				}
				*o++ = ':';
				memcpy(o, names[n - 1], len);
				o += len;
				p = end;
				continue;
			}
		}
		if ((size_t)(o - out) + 2 >= cap) {
			free(out);
			return NULL;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* ---- the values jianyid binds (server/handlers_workflow.c) -------------- */

/* {"from state": "to state", ...} for what the caller's roles may do:
 * the same walk as transitions_for() in handlers_workflow.c. */
static char *transitions_json(int action, uint32_t roles)
{
	json_object *t = json_object_new_object();
	const char *from[WF_NSTATES];
	size_t n = wf_allowed_from((enum wf_action)action, roles, from, WF_NSTATES);
	for (size_t i = 0; i < n; i++) {
		enum wf_state s;
		wf_state_parse(from[i], &s);
		json_object_object_add(t, from[i],
				       json_object_new_string(wf_state_name(wf_next(s, (enum wf_action)action))));
	}
	char *out = jy_xstrdup(json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN));
	json_object_put(t);
	return out;
}

static char *message_json(const ProtobufCMessage *m)
{
	json_object *o = m ? pbjson_from_message(m) : json_object_new_object();
	char *out = jy_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

/* SHA-256 of the encoded request, as request_hash() in handlers_workflow.c.
 * jianyid hashes each request; pgbench binds the hash of one of them: the
 * value differs, the work (a 64-character text stored) does not. */
static void request_hash(const Jianyi__ActRequest *act, char out[65])
{
	size_t n = jianyi__act_request__get_packed_size(act);
	uint8_t *buf = jy_xmalloc(n ? n : 1);
	jianyi__act_request__pack(act, buf);
	unsigned char md[32];
	unsigned mdlen = 0;
	EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL);
	free(buf);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- argv and scripts --------------------------------------------------- */

struct argv_list {
	char **v;
	size_t n, cap;
};

static void arg_add(struct argv_list *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg_add(struct argv_list *a, const char *fmt, ...)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = jy_xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&a->v[a->n], fmt, ap) < 0)
		abort();
	va_end(ap);
	a->v[++a->n] = NULL;
}

static void define(struct argv_list *a, const char *name, const char *value)
{
	arg_add(a, "-D");
	arg_add(a, "%s=%s", name, value);
}

static void define_int(struct argv_list *a, const char *name, int64_t value)
{
	char v[32];
	snprintf(v, sizeof v, "%" PRId64, value);
	define(a, name, v);
}

/* The parameter names of sql_act for write op (suffix = op number): the
 * constants of the op carry the suffix, sid/ver/key are the client's. */
static void act_names(char names[9][16], int op)
{
	static const char *const base[9] = { "actor", "action", "sid", "ver", "tr", "rel", "params",
					     "key", "hash" };
	for (int i = 0; i < 9; i++) {
		bool per_client = i == 2 || i == 3 || i == 7;
		if (per_client)
			snprintf(names[i], 16, "%s", base[i]);
		else
			snprintf(names[i], 16, "%s%d", base[i], op);
	}
}

static bool write_file(const char *dir, const char *name, const char *text, char *err, size_t errlen)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* The working set query: which case client c drives, where its cycle
 * stands. The same text serves pgbench (\gset) and this program. */
#define SLOT_QUERY(term, session, offset) \
	"SELECT s.id AS sid, s.version AS ver, CASE s.state WHEN 'replied' THEN 2" \
	" WHEN 'rehandling' THEN 3 ELSE 0 END AS step FROM suggestions s" \
	" WHERE s.term = " term " AND s.session = " session " ORDER BY s.id OFFSET " offset " LIMIT 1"

static bool write_scripts(const struct pgb_spec *sp, struct argv_list *a, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	/* The write cycle. A client's first transaction finds its case;
	 * then each transaction is the next step of the cycle. */
	f = open_memstream(&text, &len);
	fprintf(f, "-- Generated by jianyi-bench from server/sql_workflow.c (sql_act); do not edit.\n"
		   "\\if :sid = 0\n"
		   "\\set slot :woffset + :client_id\n"
		   SLOT_QUERY(":wterm", ":wsession", ":slot::int") " \\gset\n"
		   "\\else\n"
		   "\\set key :kbase + :n * :nclients + :client_id\n");
	for (int op = 0; op < OP_NWRITE; op++) {
		char names[9][16];
		const char *np[9];
		act_names(names, op);
		for (int i = 0; i < 9; i++)
			np[i] = names[i];
		char *sql = pgb_substitute(sql_act.sql, sql_act.nparams, np);
		fprintf(f, "%s :step = %d\n%s\n", op == 0 ? "\\if" : "\\elif", op, sql);
		free(sql);
	}
	fprintf(f, "\\endif\n\\set ver :ver + 1\n\\set step (:step + 1) %% 4\n\\set n :n + 1\n\\endif\n");
	fclose(f);
	bool ok = write_file(sp->dir, script_file[SC_WRITE], text, err, errlen);
	free(text);
	if (!ok)
		return false;

	const char *gnames[2] = { "reader", "gid" };
	char *get = pgb_substitute(sql_get_suggestion.sql, sql_get_suggestion.nparams, gnames);
	if (asprintf(&text, "-- Generated by jianyi-bench from server/sql_workflow.c (sql_get_suggestion).\n"
			    "\\set gid random(:glo, :ghi)\n%s\n", get) < 0)
		abort();
	free(get);
	ok = write_file(sp->dir, script_file[SC_GET], text, err, errlen);
	free(text);
	if (!ok)
		return false;

	/* pgbench variables hold numbers or the strings given with -D, so each
	 * unit's filter JSON is its own variable, picked by a branch. */
	f = open_memstream(&text, &len);
	fprintf(f, "-- Generated by jianyi-bench from server/sql_workflow.c (sql_list_suggestions).\n"
		   "\\set u random(0, %d)\n", sp->nunits - 1);
	for (int u = 0; u < sp->nunits; u++) {
		char fname[16];
		snprintf(fname, sizeof fname, "lf%d", u);
		const char *lnames[4] = { "reader", fname, "llimit", "lafter" };
		char *sql = pgb_substitute(sql_list_suggestions.sql, sql_list_suggestions.nparams, lnames);
		fprintf(f, "%s :u = %d\n%s\n", u == 0 ? "\\if" : "\\elif", u, sql);
		free(sql);
		struct bench_req r;
		bop_list(&r, sp->units[u]);
		char *json = message_json(&r.list.base);
		define(a, fname, json);
		free(json);
	}
	fprintf(f, "\\endif\n");
	fclose(f);
	ok = write_file(sp->dir, script_file[SC_LIST], text, err, errlen);
	free(text);
	return ok;
}

/* -D values: what handle_act / handle_get_suggestion / query_with_list_filter
 * bind for the same requests. */
static void definitions(const struct pgb_spec *sp, struct argv_list *a, int64_t sample_sid)
{
	for (int op = 0; op < OP_NWRITE; op++) {
		const struct pgb_account *who = &sp->acct[bop_role((enum bench_op)op)];
		const struct wf_rule *rule = wf_rule((enum wf_action)bop_action((enum bench_op)op));
		struct bench_req r;
		bop_write(&r, (enum bench_op)op, sample_sid, 7, sp->key_base);
		char name[16], *s, hash[65];
		snprintf(name, sizeof name, "actor%d", op);
		define_int(a, name, who->id);
		snprintf(name, sizeof name, "action%d", op);
		define(a, name, rule->name);
		snprintf(name, sizeof name, "tr%d", op);
		s = transitions_json(rule->action, who->roles);
		define(a, name, s);
		free(s);
		snprintf(name, sizeof name, "rel%d", op);
		define(a, name, wf_relation_name(rule->relation));
		snprintf(name, sizeof name, "params%d", op);
		s = message_json(act_params(&r.act));
		define(a, name, s);
		free(s);
		snprintf(name, sizeof name, "hash%d", op);
		request_hash(&r.act, hash);
		define(a, name, hash);
	}
	define_int(a, "reader", sp->acct[ROLE_READER].id);
	define_int(a, "glo", sp->get_lo);
	define_int(a, "ghi", sp->get_hi);
	define_int(a, "llimit", BOP_LIST_PAGE);
	define_int(a, "lafter", 0);
	define_int(a, "wterm", sp->term);
	define_int(a, "wsession", sp->session);
	define_int(a, "woffset", sp->offset);
	define_int(a, "nclients", sp->clients);
	define_int(a, "kbase", (int64_t)sp->key_base);
	/* per-client state, starting values */
	define_int(a, "sid", 0);
	define_int(a, "ver", 0);
	define_int(a, "step", 0);
	define_int(a, "n", 0);
}

/* ---- the working set, before and after ---------------------------------- */

/* Each client's case, version and first step; false on a database error. */
static bool slots(const struct pgb_spec *sp, int64_t *sid, int *step, int64_t *version_sum,
		  char *err, size_t errlen)
{
	PGconn *db = PQconnectdb(sp->conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s", PQerrorMessage(db));
		PQfinish(db);
		return false;
	}
	char q[512];
	snprintf(q, sizeof q,
		 "SELECT s.id, s.version, CASE s.state WHEN 'replied' THEN 2 WHEN 'rehandling' THEN 3"
		 " ELSE 0 END FROM suggestions s WHERE s.term = %d AND s.session = %d ORDER BY s.id"
		 " OFFSET %d LIMIT %d", sp->term, sp->session, sp->offset, sp->clients);
	PGresult *r = PQexec(db, q);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == sp->clients;
	if (!ok)
		snprintf(err, errlen, "the working set (term %d, session %d) has fewer than %d cases after"
			 " the first %d: %s", sp->term, sp->session, sp->clients, sp->offset,
			 PQresultErrorMessage(r));
	*version_sum = 0;
	for (int i = 0; ok && i < sp->clients; i++) {
		if (sid)
			sid[i] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		*version_sum += strtoll(PQgetvalue(r, i, 1), NULL, 10);
		if (step)
			step[i] = atoi(PQgetvalue(r, i, 2));
	}
	PQclear(r);
	PQfinish(db);
	return ok;
}

/* ---- running and reading ------------------------------------------------ */

static bool run(char **argv, const char *out_path, char *err, size_t errlen)
{
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errlen, "%s failed (exit %d); its output is in %s", argv[0],
			 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out_path);
		return false;
	}
	return true;
}

static void read_summary(const char *path, struct pgb_result *res)
{
	FILE *f = fopen(path, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		unsigned long long n;
		double d;
		if (sscanf(line, "number of transactions actually processed: %llu", &n) == 1)
			res->transactions = n;
		else if (sscanf(line, "number of failed transactions: %llu", &n) == 1)
			res->failed = n;
		else if (sscanf(line, "tps = %lf", &d) == 1)
			res->tps = d;
	}
	if (f)
		fclose(f);
}

struct client_track {
	int step;            /* next write op of the client */
	bool found;          /* its first write transaction (finding the case) seen */
};

/* Per-transaction log lines: client_id transaction_no time script_no
 * time_epoch time_us [...]; time in microseconds, or "failed"/"skipped". */
static void read_log(const char *path, const struct pgb_spec *sp, const int *script_of,
		     struct client_track *ct, struct pgb_result *res)
{
	FILE *f = fopen(path, "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		int client, script;
		unsigned long long txno;
		char time_s[32];
		if (sscanf(line, "%d %llu %31s %d", &client, &txno, time_s, &script) != 4 ||
		    client < 0 || client >= sp->clients || script < 0 || script >= SC_N)
			continue;
		if (!isdigit((unsigned char)time_s[0])) {
			res->failed++;
			continue;
		}
		uint64_t us = strtoull(time_s, NULL, 10);
		enum bench_op op;
		switch (script_of[script]) {
		case SC_WRITE:
			if (!ct[client].found) {
				ct[client].found = true;   /* the look-up, not an operation */
				continue;
			}
			op = (enum bench_op)ct[client].step;
			ct[client].step = (ct[client].step + 1) % OP_NWRITE;
			res->writes_logged++;
			break;
		case SC_GET:
			op = OP_GET;
			break;
		default:
			op = OP_LIST;
			break;
		}
		bh_record(&res->op[op], us);
		bh_record(&res->all, us);
	}
	if (f)
		fclose(f);
}

bool pgb_run(const struct pgb_spec *sp, struct pgb_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	struct argv_list a = { 0 };
	bool ok = false;
	int script_of[SC_N];
	int nscripts = 0;
	int64_t *sid = jy_xcalloc((size_t)sp->clients, sizeof *sid);
	int *step = jy_xcalloc((size_t)sp->clients, sizeof *step);
	struct client_track *ct = jy_xcalloc((size_t)sp->clients, sizeof *ct);
	int64_t before = 0, after = 0;

	arg_add(&a, "%s", sp->pgbench ? sp->pgbench : "pgbench");
	arg_add(&a, "--no-vacuum");          /* no pgbench tables here */
	arg_add(&a, "--protocol=prepared");
	arg_add(&a, "--client=%d", sp->clients);
	arg_add(&a, "--jobs=%d", sp->threads);
	arg_add(&a, "--time=%d", (int)(sp->seconds + 0.5) > 0 ? (int)(sp->seconds + 0.5) : 1);
	arg_add(&a, "--log");
	arg_add(&a, "--log-prefix=%s/pgbench_log", sp->dir);
	if (sp->weight[SC_WRITE] && !slots(sp, sid, step, &before, err, errlen))
		goto out;
	if (!write_scripts(sp, &a, err, errlen))
		goto out;
	definitions(sp, &a, sid[0] ? sid[0] : 1);
	for (int s = 0; s < SC_N; s++)
		if (sp->weight[s]) {
			arg_add(&a, "--file=%s/%s@%u", sp->dir, script_file[s], sp->weight[s]);
			script_of[nscripts++] = s;
		}
	arg_add(&a, "%s", sp->conninfo);

	/* Old logs would be read as this run's. */
	DIR *d = opendir(sp->dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strncmp(e->d_name, "pgbench_log.", 12) == 0) {
			char p[1024];
			snprintf(p, sizeof p, "%s/%s", sp->dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);

	char out_path[1024];
	snprintf(out_path, sizeof out_path, "%s/pgbench.out", sp->dir);
	if (!run(a.v, out_path, err, errlen))
		goto out;
	read_summary(out_path, res);
	for (int c = 0; c < sp->clients; c++)
		ct[c].step = step[c];
	d = opendir(sp->dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strncmp(e->d_name, "pgbench_log.", 12) == 0) {
			char p[1024];
			snprintf(p, sizeof p, "%s/%s", sp->dir, e->d_name);
			read_log(p, sp, script_of, ct, res);
		}
	if (d)
		closedir(d);
	if (sp->weight[SC_WRITE]) {
		if (!slots(sp, NULL, NULL, &after, err, errlen))
			goto out;
		res->versions_moved = (uint64_t)(after - before);
	}
	ok = true;
out:
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i]);
	free(a.v);
	free(sid);
	free(step);
	free(ct);
	return ok;
}
