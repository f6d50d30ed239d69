#include "bench_flags.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: jianyi-bench [flags]\n"
"Load generator for jianyid: mutual-TLS connections on one libevent loop,\n"
"several requests in flight on each, an operation mix on a loaded data set\n"
"(tests/bench/county.c); prints throughput and latency p50/p99/p99.9 per\n"
"operation. With --pgbench it then runs pgbench on the same SQL, values and\n"
"concurrency against jianyid's database and prints the ratios.\n"
"\n"
"Server and identity:\n"
"  --server HOST:PORT      jianyid's address (default 127.0.0.1:7443)\n"
"  --server-name NAME      name checked in the server certificate (default localhost)\n"
"  --ca FILE               CA bundle the server certificate chains to (required)\n"
"  --certs DIR             client certificates as DIR/LOGIN.crt and DIR/LOGIN.key (required)\n"
"  --clerk LOGIN           the lead unit's clerk: contact, plan (default a-clerk)\n"
"  --head LOGIN            the lead unit's head: reply (default a-head)\n"
"  --deputy LOGIN          the proposing deputy: evaluate (default deputy-wang)\n"
"  --reader LOGIN          reads and idle sessions (default liaison)\n"
"Load:\n"
"  --clients N             clients, each with one connection per role the mix\n"
"                          needs (default 4)\n"
"  --in-flight K           requests in flight per client (default 8); concurrency\n"
"                          is N x K, and pgbench gets N x K clients\n"
"  --duration SECONDS      how long to send (default 10)\n"
"  --requests COUNT        stop after this many answers instead\n"
"  --warmup SECONDS        send the mix this long first, uncounted, on each side\n"
"                          (default 0): a new PostgreSQL backend spends its first\n"
"                          calls compiling functions and filling its caches, and\n"
"                          pgbench opens N x K new ones where jianyid keeps a pool\n"
"  --mix write|read|mixed  write: the cycle contact, reply (B), evaluate\n"
"                          (unsatisfied), plan on one case per slot; read: get a\n"
"                          case with its timeline 1 : list a unit's cases 1;\n"
"                          mixed: write 2 : get 2 : list 1 (default mixed)\n"
"Data set:\n"
"  --working-set TERM:SESSION  cases for the write cycle, in id order (default 18:3)\n"
"  --offset N              skip the first N of them (default 0)\n"
"  --read-ids LO-HI        ids that reads pick from (required for read, mixed)\n"
"  --units ID,ID,...       units whose cases lists show (required for read, mixed)\n"
"pgbench:\n"
"  --pgbench CONNINFO      then run pgbench against this database (jianyid's)\n"
"  --pgbench-dir DIR       scripts, output and logs (default: a new /tmp directory)\n"
"  --pgbench-program PATH  (default pgbench)\n"
"  --pgbench-jobs J        pgbench threads (default 1, like this program)\n"
"  --pgbench-offset N      pgbench's cases start here in the working set\n"
"                          (default: right after this program's)\n"
"  --settle                VACUUM ANALYZE the database before each side, so\n"
"                          both start from the same statistics and visibility\n"
"                          map (else autovacuum, running between the sides,\n"
"                          gives the later one other plans)\n"
"Other:\n"
"  --idle N                only open N idle sessions as --reader, print\n"
"                          \"IDLE READY N\", hold them until stdin closes\n"
"  --quiet                 only the RESULT lines\n"
"  --help\n";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("jianyi-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (see --help)\n", stderr);
	va_end(ap);
	exit(2);
}

static long long number(const char *flag, const char *s, long long min, long long max)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("%s wants a whole number from %lld to %lld, not '%s'", flag, min, max, s);
	return v;
}

static void parse_server(struct bench_flags *f, const char *s)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || !colon[1])
		die("--server wants HOST:PORT, not '%s'", s);
	char host[256];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		die("--server: host name too long");
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	number("--server port", colon + 1, 1, 65535);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0)
		die("--server: cannot resolve '%s': %s", host, gai_strerror(rc));
	memcpy(&f->target.addr, res->ai_addr, res->ai_addrlen);
	f->target.addrlen = res->ai_addrlen;
	freeaddrinfo(res);
}

static void parse_units(struct bench_flags *f, const char *s)
{
	char *copy = strdup(s), *save = NULL;
	f->nunits = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (f->nunits == BF_MAX_UNITS)
			die("--units: at most %d units", BF_MAX_UNITS);
		f->units[f->nunits++] = number("--units", t, 1, INT64_MAX);
	}
	free(copy);
	if (f->nunits == 0)
		die("--units wants at least one unit id");
}

static void parse_pair(const char *flag, const char *s, char sep, long long min, long long max,
		       long long *a, long long *b)
{
	const char *p = strchr(s, sep);
	if (!p)
		die("%s wants A%cB, not '%s'", flag, sep, s);
	char first[32];
	size_t n = (size_t)(p - s);
	if (n == 0 || n >= sizeof first)
		die("%s wants A%cB, not '%s'", flag, sep, s);
	memcpy(first, s, n);
	first[n] = '\0';
	*a = number(flag, first, min, max);
	*b = number(flag, p + 1, min, max);
}

static void login(const char **slot, const char *flag, const char *v)
{
	for (const char *p = v; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *p))
			die("%s: '%s' is not a login (a-z, 0-9, '.', '_', '-')", flag, v);
	if (!*v)
		die("%s wants a login", flag);
	*slot = v;
}

const char *bench_mix_name(enum bench_mix m)
{
	return m == MIX_WRITE ? "write" : m == MIX_READ ? "read" : "mixed";
}

void bench_flags_parse(struct bench_flags *f, int argc, char **argv)
{
	memset(f, 0, sizeof *f);
	f->login[ROLE_CLERK] = "a-clerk";
	f->login[ROLE_HEAD] = "a-head";
	f->login[ROLE_DEPUTY] = "deputy-wang";
	f->login[ROLE_READER] = "liaison";
	f->clients = 4;
	f->in_flight = 8;
	f->seconds = 10;
	f->mix = MIX_MIXED;
	f->term = 18;
	f->session = 3;
	f->pgbench_jobs = 1;
	f->pgbench_offset = -1;
	snprintf(f->server_name, sizeof f->server_name, "localhost");
	bool have_server = false;

	enum { O_SERVER = 256, O_NAME, O_CA, O_CERTS, O_CLERK, O_HEAD, O_DEPUTY, O_READER, O_CLIENTS,
	       O_INFLIGHT, O_DURATION, O_WARMUP, O_REQUESTS, O_MIX, O_WSET, O_OFFSET, O_READIDS, O_UNITS,
	       O_PGB, O_PGBDIR, O_PGBPROG, O_PGBJOBS, O_PGBOFF, O_SETTLE, O_IDLE, O_QUIET, O_HELP };
	static const struct option longopts[] = {
		{ "server", required_argument, 0, O_SERVER },
		{ "server-name", required_argument, 0, O_NAME },
		{ "ca", required_argument, 0, O_CA },
		{ "certs", required_argument, 0, O_CERTS },
		{ "clerk", required_argument, 0, O_CLERK },
		{ "head", required_argument, 0, O_HEAD },
		{ "deputy", required_argument, 0, O_DEPUTY },
		{ "reader", required_argument, 0, O_READER },
		{ "clients", required_argument, 0, O_CLIENTS },
		{ "in-flight", required_argument, 0, O_INFLIGHT },
		{ "duration", required_argument, 0, O_DURATION },
		{ "warmup", required_argument, 0, O_WARMUP },
		{ "requests", required_argument, 0, O_REQUESTS },
		{ "mix", required_argument, 0, O_MIX },
		{ "working-set", required_argument, 0, O_WSET },
		{ "offset", required_argument, 0, O_OFFSET },
		{ "read-ids", required_argument, 0, O_READIDS },
		{ "units", required_argument, 0, O_UNITS },
		{ "pgbench", required_argument, 0, O_PGB },
		{ "pgbench-dir", required_argument, 0, O_PGBDIR },
		{ "pgbench-program", required_argument, 0, O_PGBPROG },
		{ "pgbench-jobs", required_argument, 0, O_PGBJOBS },
		{ "pgbench-offset", required_argument, 0, O_PGBOFF },
		{ "settle", no_argument, 0, O_SETTLE },
		{ "idle", required_argument, 0, O_IDLE },
		{ "quiet", no_argument, 0, O_QUIET },
		{ "help", no_argument, 0, O_HELP },
		{ 0, 0, 0, 0 },
	};
	long long a, b;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_SERVER: parse_server(f, optarg); have_server = true; break;
		case O_NAME:
			if (!*optarg || strlen(optarg) >= sizeof f->server_name)
				die("--server-name wants a host name");
			snprintf(f->server_name, sizeof f->server_name, "%s", optarg);
			break;
		case O_CA: f->ca = optarg; break;
		case O_CERTS: f->certs = optarg; break;
		case O_CLERK: login(&f->login[ROLE_CLERK], "--clerk", optarg); break;
		case O_HEAD: login(&f->login[ROLE_HEAD], "--head", optarg); break;
		case O_DEPUTY: login(&f->login[ROLE_DEPUTY], "--deputy", optarg); break;
		case O_READER: login(&f->login[ROLE_READER], "--reader", optarg); break;
		case O_CLIENTS: f->clients = (int)number("--clients", optarg, 1, 4096); break;
		case O_INFLIGHT: f->in_flight = (int)number("--in-flight", optarg, 1, 4096); break;
		case O_DURATION: f->seconds = (double)number("--duration", optarg, 1, 86400); break;
		case O_WARMUP: f->warmup = (double)number("--warmup", optarg, 0, 600); break;
		case O_REQUESTS: f->requests = (uint64_t)number("--requests", optarg, 1, INT64_MAX); break;
		case O_MIX:
			if (!strcmp(optarg, "write"))
				f->mix = MIX_WRITE;
			else if (!strcmp(optarg, "read"))
				f->mix = MIX_READ;
			else if (!strcmp(optarg, "mixed"))
				f->mix = MIX_MIXED;
			else
				die("--mix is write, read or mixed, not '%s'", optarg);
			break;
		case O_WSET:
			parse_pair("--working-set", optarg, ':', 1, 99, &a, &b);
			if (b > 20)
				die("--working-set: session is 1 to 20");
			f->term = (int32_t)a;
			f->session = (int32_t)b;
			break;
		case O_OFFSET: f->offset = (int)number("--offset", optarg, 0, 10000000); break;
		case O_READIDS:
			parse_pair("--read-ids", optarg, '-', 1, INT64_MAX, &a, &b);
			if (a > b)
				die("--read-ids: LO must not be above HI");
			f->get_lo = a;
			f->get_hi = b;
			break;
		case O_UNITS: parse_units(f, optarg); break;
		case O_PGB: f->pgbench_conninfo = optarg; break;
		case O_PGBDIR: f->pgbench_dir = optarg; break;
		case O_PGBPROG: f->pgbench_program = optarg; break;
		case O_PGBJOBS: f->pgbench_jobs = (int)number("--pgbench-jobs", optarg, 1, 64); break;
		case O_PGBOFF: f->pgbench_offset = (int)number("--pgbench-offset", optarg, 0, 10000000); break;
		case O_SETTLE: f->settle = true; break;
		case O_IDLE: f->idle = (int)number("--idle", optarg, 1, 1000000); break;
		case O_QUIET: f->quiet = true; break;
		case O_HELP: fputs(usage, stdout); exit(0);
		default:
			die("unknown flag or missing value: '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	if (f->warmup > 0 && f->requests)
		die("--warmup goes with --duration, not --requests");
	if (!have_server)
		parse_server(f, "127.0.0.1:7443");
	if (!f->ca || !f->certs)
		die("--ca and --certs are required");
	if (access(f->ca, R_OK) != 0)
		die("--ca: cannot read %s: %s", f->ca, strerror(errno));
	f->target.server_name = f->server_name;
	if (f->idle)
		return;
	if (f->mix != MIX_WRITE && (f->nunits == 0 || f->get_hi == 0))
		die("the %s mix needs --read-ids and --units", bench_mix_name(f->mix));
	if (f->pgbench_offset < 0)
		f->pgbench_offset = f->offset + f->clients * f->in_flight;
	if (f->pgbench_jobs > f->clients * f->in_flight)
		die("--pgbench-jobs must not exceed clients x in-flight (%d)", f->clients * f->in_flight);
}
