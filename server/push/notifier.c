/* The external notifier; see notifier.h. */
#include "notifier.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <event2/event.h>

#include "db.h"
#include "log.h"
#include "net.h"
#include "statements.h"
#include "xalloc.h"

/* Columns of sql_claim_delivery, and the environment variable each becomes. */
enum claim_col {
	C_DELIVERY, C_ATTEMPT, C_NOTICE, C_KIND, C_DEADLINE_KIND, C_SUGGESTION, C_NUMBER,
	C_TITLE, C_DUE, C_DAYS_BEFORE, C_LOGIN, C_NAME, C_PHONE, C_TEXT, C_COUNT
};
static const char *const env_names[C_COUNT] = {
	[C_DELIVERY] = "JIANYI_DELIVERY_ID",
	[C_ATTEMPT] = "JIANYI_ATTEMPT",
	[C_NOTICE] = "JIANYI_NOTICE_ID",
	[C_KIND] = "JIANYI_KIND",
	[C_DEADLINE_KIND] = "JIANYI_DEADLINE_KIND",
	[C_SUGGESTION] = "JIANYI_SUGGESTION_ID",
	[C_NUMBER] = "JIANYI_NUMBER",
	[C_TITLE] = "JIANYI_TITLE",
	[C_DUE] = "JIANYI_DUE",
	[C_DAYS_BEFORE] = "JIANYI_DAYS_BEFORE",
	[C_LOGIN] = "JIANYI_RECIPIENT_LOGIN",
	[C_NAME] = "JIANYI_RECIPIENT_NAME",
	[C_PHONE] = "JIANYI_RECIPIENT_PHONE",
	[C_TEXT] = "JIANYI_TEXT",
};

/* IDLE -> CLAIMING -> (a row) RUNNING -> FINISHING -> IDLE, then claims
 * again until nothing is due; the poll timer and kicks start it from IDLE. */
enum nstate { N_IDLE, N_CLAIMING, N_RUNNING, N_FINISHING };

struct notifier {
	struct jy_net *net;
	const struct jy_config *cfg;
	enum nstate state;
	bool again;                /* kicked while busy: claim again when idle */
	struct event *poll, *sigchld, *deadline, *refinish, *out_ev;

	/* The command running for the claimed delivery. */
	pid_t pid;
	int out_fd;
	char out[256];             /* the start of its output, for the log */
	size_t out_len;
	bool timed_out;
	uint64_t started_ms;

	/* The claimed delivery, and its outcome until the database has it. */
	int64_t delivery_id, notice_id;
	int attempt;
	char login[80];
	bool ok;
	char error[400];
	unsigned retry_s;

	struct notifier_stats stats;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void claim(struct notifier *n);
static void finish(struct notifier *n);

/* ---- the command's output --------------------------------------------------- */

static void output_close(struct notifier *n)
{
	if (n->out_ev) {
		event_free(n->out_ev);
		n->out_ev = NULL;
	}
	if (n->out_fd >= 0) {
		close(n->out_fd);
		n->out_fd = -1;
	}
}

/* Keeps the first bytes, drops the rest; closes at end of file. */
static void output_read(struct notifier *n)
{
	char buf[4096];
	for (;;) {
		ssize_t r = read(n->out_fd, buf, sizeof buf);
		if (r > 0) {
			size_t room = sizeof n->out - 1 - n->out_len;
			size_t take = (size_t)r < room ? (size_t)r : room;
			memcpy(n->out + n->out_len, buf, take);
			n->out_len += take;
			n->out[n->out_len] = '\0';
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		output_close(n); /* end of file or an error */
		return;
	}
}

static void on_output(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	output_read(arg);
}

/* ---- running the command ----------------------------------------------------- */

static unsigned backoff_s(const struct notifier *n)
{
	unsigned s = n->cfg->notifier_retry_s;
	for (int i = 1; i < n->attempt && s < n->cfg->notifier_max_retry_s; i++)
		s *= 2;
	return s < n->cfg->notifier_max_retry_s ? s : n->cfg->notifier_max_retry_s;
}

/* The command is over (status from waitpid), or never started (status -1,
 * error already set): log it and tell the database. */
static void command_done(struct notifier *n, int status)
{
	if (n->out_fd >= 0)
		output_read(n); /* what it wrote just before exiting */
	output_close(n);
	evtimer_del(n->deadline);
	n->pid = 0;
	n->ok = status >= 0 && !n->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (status >= 0 && !n->ok) {
		/* The first line of its output says why, as far as it tells. */
		char line[200];
		size_t len = strcspn(n->out, "\r\n");
		snprintf(line, sizeof line, "%.*s", (int)len, n->out);
		if (n->timed_out)
			snprintf(n->error, sizeof n->error, "timed out after %u s%s%s",
				 n->cfg->notifier_timeout_s, line[0] ? ": " : "", line);
		else if (WIFEXITED(status))
			snprintf(n->error, sizeof n->error, "exit status %d%s%s", WEXITSTATUS(status),
				 line[0] ? ": " : "", line);
		else
			snprintf(n->error, sizeof n->error, "killed by signal %d%s%s",
				 WIFSIGNALED(status) ? WTERMSIG(status) : 0, line[0] ? ": " : "", line);
	}
	uint64_t ms = now_ms() - n->started_ms;
	n->retry_s = backoff_s(n);
	if (n->ok) {
		n->error[0] = '\0';
		n->stats.delivered++;
		jy_info("event=notice_delivered delivery=%" PRId64 " notice=%" PRId64
			" recipient=%s attempt=%d ms=%" PRIu64, n->delivery_id, n->notice_id, n->login,
			n->attempt, ms);
	} else {
		char q[500];
		n->stats.failed++;
		jy_warn("event=notice_delivery_failed delivery=%" PRId64 " notice=%" PRId64
			" recipient=%s attempt=%d ms=%" PRIu64 " retry_in=%u error=%s", n->delivery_id,
			n->notice_id, n->login, n->attempt, ms, n->retry_s,
			jy_log_quote(n->error, q, sizeof q));
	}
	finish(n);
}

static void on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	struct notifier *n = arg;
	int status;
	/* Only our own child: anything else this process started is reaped by
	 * whoever started it. */
	if (n->pid > 0 && waitpid(n->pid, &status, WNOHANG) == n->pid)
		command_done(n, status);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct notifier *n = arg;
	if (n->pid <= 0)
		return;
	/* Its whole process group: a script's children too. SIGCHLD follows. */
	n->timed_out = true;
	kill(-n->pid, SIGKILL);
	kill(n->pid, SIGKILL);
}

/* "NAME=value", malloc'd. */
static char *env_entry(const char *name, const char *value)
{
	size_t len = strlen(name) + 1 + strlen(value) + 1;
	char *e = jy_xmalloc(len);
	snprintf(e, len, "%s=%s", name, value);
	return e;
}

/* Starts the command for the claimed row; false with n->error set when it
 * could not start. */
static bool spawn_command(struct notifier *n, const PGresult *res)
{
	const char *cmd = n->cfg->notifier_command;
	char *envp[C_COUNT + 3];
	size_t k = 0;
	envp[k++] = jy_xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	envp[k++] = jy_xstrdup("LANG=C.UTF-8");
	for (int i = 0; i < C_COUNT; i++)
		envp[k++] = env_entry(env_names[i], PQgetvalue(res, 0, i));
	envp[k] = NULL;

	int pfd[2] = { -1, -1 };
	int rc = pipe2(pfd, O_CLOEXEC);
	if (rc == 0) {
		posix_spawn_file_actions_t fa;
		posix_spawnattr_t attr;
		sigset_t none, defaults;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
		posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
		posix_spawnattr_init(&attr);
		/* Its own process group (killed whole on timeout), and the
		 * signals we ignore or catch back at their defaults. */
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
						 POSIX_SPAWN_SETSIGMASK);
		posix_spawnattr_setpgroup(&attr, 0);
		sigemptyset(&none);
		posix_spawnattr_setsigmask(&attr, &none);
		sigemptyset(&defaults);
		sigaddset(&defaults, SIGPIPE);
		sigaddset(&defaults, SIGCHLD);
		sigaddset(&defaults, SIGHUP);
		sigaddset(&defaults, SIGINT);
		sigaddset(&defaults, SIGTERM);
		posix_spawnattr_setsigdefault(&attr, &defaults);
		char *argv[] = { (char *)cmd, NULL };
		rc = posix_spawn(&n->pid, cmd, &fa, &attr, argv, envp);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
		close(pfd[1]);
	} else {
		rc = errno;
	}
	for (size_t i = 0; i < k; i++)
		free(envp[i]);
	if (rc != 0) {
		if (pfd[0] >= 0)
			close(pfd[0]);
		n->pid = 0;
		snprintf(n->error, sizeof n->error, "cannot run %s: %s", cmd, strerror(rc));
		return false;
	}
	n->out_fd = pfd[0];
	n->out_len = 0;
	n->out[0] = '\0';
	fcntl(n->out_fd, F_SETFL, fcntl(n->out_fd, F_GETFL) | O_NONBLOCK);
	n->out_ev = event_new(n->net->base, n->out_fd, EV_READ | EV_PERSIST, on_output, n);
	if (!n->out_ev || event_add(n->out_ev, NULL) != 0)
		abort();
	struct timeval tv = { (time_t)n->cfg->notifier_timeout_s, 0 };
	evtimer_add(n->deadline, &tv);
	return true;
}

/* ---- the database side --------------------------------------------------------- */

static void on_finished(const struct db_result *r, void *arg)
{
	struct notifier *n = arg;
	if (r->outcome == DB_SHUTDOWN)
		return;
	if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
		/* The outcome must reach the database (a delivered SMS must not
		 * be sent again when the lease ends): try again shortly. */
		jy_warn("event=notice_finish_failed delivery=%" PRId64 " error=\"%s\"", n->delivery_id,
			r->error);
		struct timeval tv = { 1, 0 };
		evtimer_add(n->refinish, &tv);
		return;
	}
	if (strcmp(PQgetvalue(r->res, 0, 0), "t") != 0) {
		/* Our lease had ended and another attempt began (or finished). */
		n->stats.stale++;
		jy_warn("event=notice_delivery_stale delivery=%" PRId64 " attempt=%d", n->delivery_id,
			n->attempt);
	}
	n->state = N_IDLE;
	claim(n); /* the next due one, if any */
}

static void finish(struct notifier *n)
{
	char id[24], attempt[16], retry[16];
	snprintf(id, sizeof id, "%" PRId64, n->delivery_id);
	snprintf(attempt, sizeof attempt, "%d", n->attempt);
	snprintf(retry, sizeof retry, "%u", n->retry_s);
	const char *values[5] = { id, attempt, n->ok ? "true" : "false", n->error, retry };
	n->state = N_FINISHING;
	if (!db_query(n->net->db, &jy_statements[STMT_FINISH_DELIVERY], values, on_finished, n)) {
		struct timeval tv = { 1, 0 };
		evtimer_add(n->refinish, &tv);
	}
}

static void on_refinish(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	finish(arg);
}

static void on_claimed(const struct db_result *r, void *arg)
{
	struct notifier *n = arg;
	n->state = N_IDLE;
	if (r->outcome == DB_SHUTDOWN)
		return;
	if (r->outcome != DB_OK) {
		jy_log(r->outcome == DB_UNAVAILABLE ? JY_LOG_DEBUG : JY_LOG_ERROR,
		       "event=notice_claim_failed sqlstate=%s error=\"%s\"", r->sqlstate, r->error);
		return; /* the poll tries again */
	}
	if (PQntuples(r->res) != 1 || PQnfields(r->res) != C_COUNT) {
		if (n->again) {
			n->again = false;
			claim(n);
		}
		return;
	}
	n->again = false;
	n->delivery_id = strtoll(PQgetvalue(r->res, 0, C_DELIVERY), NULL, 10);
	n->notice_id = strtoll(PQgetvalue(r->res, 0, C_NOTICE), NULL, 10);
	n->attempt = atoi(PQgetvalue(r->res, 0, C_ATTEMPT));
	snprintf(n->login, sizeof n->login, "%s", PQgetvalue(r->res, 0, C_LOGIN));
	n->timed_out = false;
	n->error[0] = '\0';
	n->started_ms = now_ms();
	n->stats.runs++;
	n->state = N_RUNNING;
	if (!spawn_command(n, r->res))
		command_done(n, -1);
}

static void claim(struct notifier *n)
{
	if (n->net->draining)
		return;
	char lease[16];
	snprintf(lease, sizeof lease, "%u", n->cfg->notifier_timeout_s + NOTIFIER_LEASE_MARGIN_S);
	const char *values[1] = { lease };
	if (db_query(n->net->db, &jy_statements[STMT_CLAIM_DELIVERY], values, on_claimed, n))
		n->state = N_CLAIMING;
	/* else the queue is full: the poll tries again */
}

void notifier_kick(struct notifier *n)
{
	if (!n)
		return;
	if (n->state != N_IDLE) {
		n->again = true;
		return;
	}
	claim(n);
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	notifier_kick(arg);
}

/* ---- life cycle ------------------------------------------------------------------ */

struct notifier *notifier_new(struct jy_net *net)
{
	if (!net->cfg->notifier_command)
		return NULL;
	struct notifier *n = jy_xcalloc(1, sizeof *n);
	n->net = net;
	n->cfg = net->cfg;
	n->out_fd = -1;
	n->poll = event_new(net->base, -1, EV_PERSIST, on_poll, n);
	n->sigchld = evsignal_new(net->base, SIGCHLD, on_sigchld, n);
	n->deadline = evtimer_new(net->base, on_deadline, n);
	n->refinish = evtimer_new(net->base, on_refinish, n);
	if (!n->poll || !n->sigchld || !n->deadline || !n->refinish)
		abort();
	return n;
}

void notifier_start(struct notifier *n)
{
	if (!n)
		return;
	evsignal_add(n->sigchld, NULL);
	/* Deliveries become due as their back-off ends: look at least this
	 * often (and at once when notices are raised here). */
	unsigned s = n->cfg->notifier_retry_s < NOTIFIER_POLL_MAX_S ? n->cfg->notifier_retry_s
								       : NOTIFIER_POLL_MAX_S;
	struct timeval tv = { (time_t)s, 0 };
	event_add(n->poll, &tv);
	jy_info("event=notifier_ready command=%s timeout=%u retry=%u max_retry=%u",
		n->cfg->notifier_command, n->cfg->notifier_timeout_s, n->cfg->notifier_retry_s,
		n->cfg->notifier_max_retry_s);
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	if (n->pid > 0) {
		jy_warn("event=notifier_killed delivery=%" PRId64 " reason=\"server stopping\"",
			n->delivery_id);
		kill(-n->pid, SIGKILL);
		kill(n->pid, SIGKILL);
		while (waitpid(n->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	output_close(n);
	event_free(n->poll);
	event_free(n->sigchld);
	event_free(n->deadline);
	event_free(n->refinish);
	free(n);
}

void notifier_get_stats(const struct notifier *n, struct notifier_stats *out)
{
	*out = n->stats;
}
