/* jianyi-bench: the load generator (issue #6, "Benchmarks"). One libevent
 * loop drives every connection; each of clients x in-flight slots keeps
 * one request outstanding, and a write slot owns one case of the working
 * set, tracking its version from each answer. See --help and
 * docs/BENCHMARKS.md. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <event2/event.h>

#include "bench_conn.h"
#include "bench_flags.h"
#include "bench_hist.h"
#include "bench_ops.h"
#include "bench_pgbench.h"
#include "bench_report.h"
#include "tls.h"
#include "xalloc.h"

struct slot {
	struct bench *b;
	int client;
	int64_t sid;            /* the slot's case (write mixes) */
	int32_t ver;
	enum bench_op next_write;
	enum bench_op op;       /* of the request in flight */
	bool resync;            /* the request in flight re-reads the case */
	uint64_t t0;
	struct bench_req req;
};

struct bench {
	struct bench_flags f;
	struct event_base *base;
	SSL_CTX *ctx[ROLE_N];
	bool need[ROLE_N];
	struct bench_conn **conn;        /* [client * ROLE_N + role] */
	int nconn, nready, nfailed;
	struct slot *slots;
	int nslots, busy;
	uint64_t t_start, t_end, deadline, answers;
	bool stopping;
	uint64_t key;
	uint64_t rng;
	struct bench_hist hist[OP_N];
	uint64_t errors[OP_N];
	char first_error[400];
};

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* user + system time: what the process cost the machine's 2 cores */
static double cpu_seconds(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

static uint64_t rnd(struct bench *b)
{
	/* xorshift64*: cheap and good enough to pick ids */
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return b->rng * 2685821657736338717ull;
}

/* Weights write : get : list of each mix (--help says the same). */
static const unsigned mix_weight[3][3] = {
	[MIX_WRITE] = { 1, 0, 0 },
	[MIX_READ] = { 0, 1, 1 },
	[MIX_MIXED] = { 2, 2, 1 },
};

static SSL_CTX *role_ctx(const struct bench_flags *f, const char *login)
{
	char cert[1024], key[1024], err[512];
	snprintf(cert, sizeof cert, "%s/%s.crt", f->certs, login);
	snprintf(key, sizeof key, "%s/%s.key", f->certs, login);
	/* OpenSSL would only say "system lib": name the missing file. */
	for (const char *file = cert; file; file = file == cert ? key : NULL)
		if (access(file, R_OK) != 0) {
			fprintf(stderr, "jianyi-bench: cannot read %s (--certs DIR holds LOGIN.crt and"
				" LOGIN.key): %s\n", file, strerror(errno));
			exit(2);
		}
	struct jy_tls_files files = { .cert_file = cert, .key_file = key, .ca_file = f->ca };
	SSL_CTX *ctx = jy_tls_client_ctx(&files, err, sizeof err);
	if (!ctx) {
		fprintf(stderr, "jianyi-bench: %s\n", err);
		exit(2);
	}
	return ctx;
}

/* ---- connections -------------------------------------------------------- */

static void on_ready(struct bench_conn *c, void *arg, bool ok, const char *why)
{
	struct bench *b = arg;
	if (ok) {
		b->nready++;
		if (bc_server_max_in_flight(c) && (int)bc_server_max_in_flight(c) < b->f.in_flight) {
			fprintf(stderr, "jianyi-bench: the server allows %u requests in flight per"
				" connection, --in-flight is %d\n", bc_server_max_in_flight(c), b->f.in_flight);
			exit(1);
		}
	} else {
		if (!b->nfailed++)
			fprintf(stderr, "jianyi-bench: a connection failed: %s\n", why);
	}
	if (b->nready + b->nfailed == b->nconn)
		event_base_loopbreak(b->base);
}

static void connect_all(struct bench *b)
{
	b->conn = jy_xcalloc((size_t)b->f.clients * ROLE_N, sizeof *b->conn);
	for (int r = 0; r < ROLE_N; r++)
		if (b->need[r])
			b->ctx[r] = role_ctx(&b->f, b->f.login[r]);
	for (int c = 0; c < b->f.clients; c++)
		for (int r = 0; r < ROLE_N; r++)
			if (b->need[r]) {
				b->nconn++;
				b->conn[c * ROLE_N + r] = bc_open(b->base, b->ctx[r], &b->f.target,
								  (unsigned)b->f.in_flight, on_ready, b);
			}
	event_base_dispatch(b->base);
	if (b->nfailed) {
		fprintf(stderr, "jianyi-bench: %d of %d connections failed\n", b->nfailed, b->nconn);
		exit(1);
	}
}

static struct bench_conn *conn_of(struct bench *b, int client, enum bench_role r)
{
	return b->conn[client * ROLE_N + r];
}

/* ---- the working set ---------------------------------------------------- */

struct discovery {
	struct bench *b;
	int seen;
	int64_t after;
	bool done;
	char error[400];
};

static void on_page(void *arg, const Jianyi__Response *resp, const char *why)
{
	struct discovery *d = arg;
	struct bench *b = d->b;
	d->done = true;
	if (!resp || (resp->status && resp->status->code) ||
	    resp->body_case != JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS) {
		snprintf(d->error, sizeof d->error, "listing the working set failed: %s",
			 resp ? (resp->status ? resp->status->message : "no list") : why);
		event_base_loopbreak(b->base);
		return;
	}
	const Jianyi__ListSuggestionsResponse *l = resp->list_suggestions;
	for (size_t i = 0; i < l->n_suggestions && d->seen - b->f.offset < b->nslots; i++, d->seen++) {
		if (d->seen < b->f.offset)
			continue;
		const Jianyi__Suggestion *s = l->suggestions[i];
		struct slot *sl = &b->slots[d->seen - b->f.offset];
		int op = bop_for_state(s->state);
		if (op < 0) {
			snprintf(d->error, sizeof d->error, "case %" PRId64 " of the working set is in state %d,"
				 " outside the write cycle (in_progress, replied, rehandling)", s->id, (int)s->state);
			event_base_loopbreak(b->base);
			return;
		}
		sl->sid = s->id;
		sl->ver = s->version;
		sl->next_write = (enum bench_op)op;
	}
	d->after = l->next_after_id;
	if (d->seen - b->f.offset >= b->nslots || d->after == 0) {
		event_base_loopbreak(b->base);
		return;
	}
	d->done = false;
	struct bench_req r;
	bop_list_page(&r, b->f.term, b->f.session, d->after);
	bc_send(conn_of(b, 0, ROLE_CLERK), &r.req, on_page, d);
}

static void discover(struct bench *b)
{
	struct discovery d = { .b = b };
	struct bench_req r;
	bop_list_page(&r, b->f.term, b->f.session, 0);
	if (!bc_send(conn_of(b, 0, ROLE_CLERK), &r.req, on_page, &d)) {
		fprintf(stderr, "jianyi-bench: cannot send\n");
		exit(1);
	}
	event_base_dispatch(b->base);
	if (d.error[0]) {
		fprintf(stderr, "jianyi-bench: %s\n", d.error);
		exit(1);
	}
	if (d.seen - b->f.offset < b->nslots) {
		fprintf(stderr, "jianyi-bench: the working set (term %d, session %d, as %s sees it) has"
			" %d cases after the first %d; %d slots need one each (load more: tests/bench/county.c)\n",
			b->f.term, b->f.session, b->f.login[ROLE_CLERK], d.seen - b->f.offset < 0 ? 0 :
			d.seen - b->f.offset, b->f.offset, b->nslots);
		exit(1);
	}
}

/* ---- the run ------------------------------------------------------------ */

static void issue(struct slot *s);

static void finish_if_done(struct bench *b)
{
	if (b->stopping && b->busy == 0)
		event_base_loopbreak(b->base);
}

static void on_answer(void *arg, const Jianyi__Response *resp, const char *why)
{
	struct slot *s = arg;
	struct bench *b = s->b;
	uint64_t t = now_us();
	b->busy--;
	if (!resp) {
		fprintf(stderr, "jianyi-bench: connection lost: %s\n", why);
		exit(1);
	}
	int code = resp->status ? (int)resp->status->code : 0;
	if (s->resync) {
		/* the case as it stands, after a refused write */
		s->resync = false;
		if (code == 0 && resp->body_case == JIANYI__RESPONSE__BODY_GET_SUGGESTION) {
			const Jianyi__Suggestion *sg = resp->get_suggestion->suggestion;
			s->ver = sg->version;
			int op = bop_for_state(sg->state);
			s->next_write = op < 0 ? OP_CONTACT : (enum bench_op)op;
		}
	} else {
		b->answers++;
		b->t_end = t;
		bh_record(&b->hist[s->op], t - s->t0);
		if (code != 0) {
			if (!b->errors[s->op]++ && !b->first_error[0])
				snprintf(b->first_error, sizeof b->first_error, "%s on case %" PRId64 ": %s",
					 bop_name(s->op), s->sid,
					 resp->status->message ? resp->status->message : "");
			if (bop_is_write(s->op))
				s->resync = true;
		} else if (bop_is_write(s->op) && resp->body_case == JIANYI__RESPONSE__BODY_ACT &&
			   resp->act->suggestion) {
			s->ver = resp->act->suggestion->version;
			s->next_write = bop_next(s->op);
		}
		if (b->f.requests && b->answers >= b->f.requests)
			b->stopping = true;
	}
	if (!b->stopping || s->resync)
		issue(s);
	finish_if_done(b);
}

static void issue(struct slot *s)
{
	struct bench *b = s->b;
	enum bench_op op;
	if (s->resync) {
		bop_get(&s->req, s->sid);
		if (!bc_send(conn_of(b, s->client, ROLE_CLERK), &s->req.req, on_answer, s)) {
			fprintf(stderr, "jianyi-bench: cannot send\n");
			exit(1);
		}
		b->busy++;
		return;
	}
	const unsigned *w = mix_weight[b->f.mix];
	uint64_t pick = rnd(b) % (w[0] + w[1] + w[2]);
	if (pick < w[0]) {
		op = s->next_write;
		bop_write(&s->req, op, s->sid, s->ver, b->key++);
	} else if (pick < w[0] + w[1]) {
		op = OP_GET;
		bop_get(&s->req, b->f.get_lo + (int64_t)(rnd(b) % (uint64_t)(b->f.get_hi - b->f.get_lo + 1)));
	} else {
		op = OP_LIST;
		bop_list(&s->req, b->f.units[rnd(b) % (uint64_t)b->f.nunits]);
	}
	s->op = op;
	s->t0 = now_us();
	if (!bc_send(conn_of(b, s->client, bop_role(op)), &s->req.req, on_answer, s)) {
		fprintf(stderr, "jianyi-bench: cannot send on %s's connection\n",
			b->f.login[bop_role(op)]);
		exit(1);
	}
	b->busy++;
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct bench *b = arg;
	b->stopping = true;
	finish_if_done(b);
}

static void run(struct bench *b, double seconds)
{
	struct event *timer = NULL;
	b->stopping = false;
	if (!b->f.requests) {
		timer = evtimer_new(b->base, on_deadline, b);
		struct timeval tv = { (time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) };
		evtimer_add(timer, &tv);
	}
	b->t_start = now_us();
	b->t_end = b->t_start;
	for (int i = 0; i < b->nslots; i++)
		issue(&b->slots[i]);
	event_base_dispatch(b->base);
	if (timer)
		event_free(timer);
}

/* ---- idle sessions ------------------------------------------------------ */

struct idle {
	struct bench *b;
	int want, opened, ready, failed, pending;
};

/* At most this many handshakes at once: a burst of thousands would only
 * overflow the listen backlog and time out. */
#define IDLE_HANDSHAKES 64

static void idle_more(struct idle *st);

static void on_idle_ready(struct bench_conn *c, void *arg, bool ok, const char *why)
{
	(void)c;
	struct idle *st = arg;
	st->pending--;
	if (ok) {
		st->ready++;
	} else if (!st->failed++) {
		fprintf(stderr, "jianyi-bench: an idle session failed: %s\n", why);
	}
	idle_more(st);
	if (st->ready + st->failed == st->want)
		event_base_loopbreak(st->b->base);
}

static void idle_more(struct idle *st)
{
	while (st->opened < st->want && st->pending < IDLE_HANDSHAKES) {
		st->opened++;
		st->pending++;
		bc_open(st->b->base, st->b->ctx[ROLE_READER], &st->b->f.target, 1, on_idle_ready, st);
	}
}

static int hold_idle(struct bench *b)
{
	b->ctx[ROLE_READER] = role_ctx(&b->f, b->f.login[ROLE_READER]);
	struct idle st = { .b = b, .want = b->f.idle };
	uint64_t t0 = now_us();
	idle_more(&st);
	event_base_dispatch(b->base);
	printf("IDLE READY %d failed=%d seconds=%.1f\n", st.ready, st.failed, (double)(now_us() - t0) / 1e6);
	fflush(stdout);
	/* Hold them (the loop keeps answering TLS) until stdin closes. */
	char buf[64];
	while (read(0, buf, sizeof buf) > 0)
		;
	return st.failed ? 1 : 0;
}

/* --settle: the same statistics and visibility map for both sides. The
 * line it prints tells bench_run (tests/bench) that the side's CPU count
 * starts here: the VACUUM is nobody's request. */
static void settle(struct bench *b, const char *side)
{
	char err[600];
	if (!b->f.settle || !b->f.pgbench_conninfo)
		return;
	if (!pgb_settle(b->f.pgbench_conninfo, err, sizeof err)) {
		fprintf(stderr, "jianyi-bench: --settle: %s\n", err);
		exit(1);
	}
	printf("SETTLED before side=%s\n", side);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct bench *b = jy_xcalloc(1, sizeof *b);
	bench_flags_parse(&b->f, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	/* Thousands of sessions need thousands of descriptors. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	b->base = event_base_new();
	bop_init();
	b->rng = (uint64_t)now_us() | 1;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Idempotency keys never repeat across runs: microseconds since the
	 * epoch x 1000 leaves room for 10^9 requests per second of run. */
	b->key = ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u) * 1000u;
	if (b->f.idle)
		return hold_idle(b);

	const unsigned *w = mix_weight[b->f.mix];
	if (w[0])
		b->need[ROLE_CLERK] = b->need[ROLE_HEAD] = b->need[ROLE_DEPUTY] = true;
	if (w[1] || w[2])
		b->need[ROLE_READER] = true;
	connect_all(b);
	b->nslots = b->f.clients * b->f.in_flight;
	b->slots = jy_xcalloc((size_t)b->nslots, sizeof *b->slots);
	for (int i = 0; i < b->nslots; i++) {
		b->slots[i].b = b;
		b->slots[i].client = i % b->f.clients;
	}
	if (w[0])
		discover(b);
	settle(b, "jianyid");
	if (b->f.warmup > 0) {
		/* Uncounted: only the errors stay (a refusal is a refusal). */
		run(b, b->f.warmup);
		memset(b->hist, 0, sizeof b->hist);
		b->answers = 0;
		printf("WARMED side=jianyid\n");
		fflush(stdout);
	}
	run(b, b->f.seconds);

	struct bench_report jr = { .side = "jianyid", .mix = bench_mix_name(b->f.mix),
				   .seconds = (double)(b->t_end - b->t_start) / 1e6 };
	memcpy(jr.op, b->hist, sizeof jr.op);
	memcpy(jr.errors, b->errors, sizeof jr.errors);
	if (!b->f.quiet)
		printf("jianyid, %s mix: %d clients x %d in flight = %d concurrent requests, %d TLS connections\n",
		       jr.mix, b->f.clients, b->f.in_flight, b->nslots, b->nconn);
	report_print(&jr, b->f.quiet);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("CPU side=jianyid client_seconds=%.2f\n", cpu_seconds(&ru));
	if (b->first_error[0])
		printf("first error: %s\n", b->first_error);
	/* pgbench acts as the same accounts: take them before the connections
	 * go (read from a closed one, pgbench once read as a garbage viewer
	 * that sees nothing, and looked three times faster). */
	struct pgb_account acct[ROLE_N] = { 0 };
	for (int r = 0; r < ROLE_N; r++)
		if (b->need[r]) {
			acct[r].id = bc_account_id(conn_of(b, 0, (enum bench_role)r));
			acct[r].roles = bc_roles(conn_of(b, 0, (enum bench_role)r));
		}
	for (int i = 0; i < b->f.clients * ROLE_N; i++) {
		bc_close(b->conn[i]);
		b->conn[i] = NULL;
	}
	fflush(stdout);

	int rc = 0;
	for (int op = 0; op < OP_N; op++)
		if (b->errors[op])
			rc = 1;
	if (b->f.pgbench_conninfo) {
		char dir[] = "/tmp/jianyi-pgbench-XXXXXX", err[600];
		struct pgb_spec sp = {
			.pgbench = b->f.pgbench_program,
			.conninfo = b->f.pgbench_conninfo,
			.dir = b->f.pgbench_dir,
			.clients = b->nslots,
			.threads = b->f.pgbench_jobs,
			.seconds = b->f.seconds,
			.warmup = b->f.warmup,
			.weight = { w[0], w[1], w[2] },
			.term = b->f.term, .session = b->f.session, .offset = b->f.pgbench_offset,
			.get_lo = b->f.get_lo, .get_hi = b->f.get_hi,
			.units = b->f.units, .nunits = b->f.nunits,
			.key_base = b->key + 500000000u,
		};
		if (!sp.dir) {
			if (!mkdtemp(dir)) {
				fprintf(stderr, "jianyi-bench: mkdtemp: %s\n", strerror(errno));
				return 1;
			}
			sp.dir = dir;
		}
		memcpy(sp.acct, acct, sizeof sp.acct);
		struct pgb_result *pr = jy_xcalloc(1, sizeof *pr);
		settle(b, "pgbench");
		if (!pgb_run(&sp, pr, err, sizeof err)) {
			fprintf(stderr, "jianyi-bench: pgbench: %s\n", err);
			return 1;
		}
		struct bench_report pgr = { .side = "pgbench", .mix = jr.mix, .seconds = sp.seconds };
		memcpy(pgr.op, pr->op, sizeof pgr.op);
		if (!b->f.quiet)
			printf("pgbench, %s mix: %d clients (-c), %d threads (-j), -M prepared, scripts in %s;"
			       " pgbench's tps %.1f, %" PRIu64 " transactions (%" PRIu64 " in the warm-up), %"
			       PRIu64 " failed\n", jr.mix, sp.clients, sp.threads, sp.dir, pr->tps,
			       pr->transactions, pr->warmup_transactions, pr->failed);
		report_print(&pgr, b->f.quiet);
		getrusage(RUSAGE_CHILDREN, &ru);
		printf("CPU side=pgbench client_seconds=%.2f\n", cpu_seconds(&ru));
		if (w[0]) {
			printf("pgbench write check: %" PRIu64 " write transactions logged, case versions moved by %"
			       PRIu64 "%s\n", pr->writes_logged, pr->versions_moved,
			       pr->writes_logged == pr->versions_moved ? " (every write applied)" :
			       " (MISMATCH: some pgbench writes were refused)");
			if (pr->writes_logged != pr->versions_moved)
				rc = 1;
		}
		report_ratios(&jr, &pgr);
		free(pr);
	}
	for (int r = 0; r < ROLE_N; r++)
		if (b->ctx[r])
			SSL_CTX_free(b->ctx[r]);
	free(b->slots);
	free(b->conn);
	event_base_free(b->base);
	free(b);
	return rc;
}
