#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "addr_list.h"
#include "log.h"
#include "protocol.h"
#include "ticket_key_file.h"
#include "xalloc.h"

void jy_config_defaults(struct jy_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->listen = jy_xstrdup("127.0.0.1:7443");
	cfg->http_listen = jy_xstrdup("127.0.0.1:7080");
	cfg->metrics_listen = jy_xstrdup("127.0.0.1:7081");
	cfg->proxy_protocol = jy_xstrdup("off");
	cfg->proxy_from = jy_xstrdup("127.0.0.1, ::1");
	cfg->http_proxy_protocol = jy_xstrdup("off");
	cfg->http_proxy_from = jy_xstrdup("127.0.0.1, ::1");
	cfg->http_max_connections = 512;
	cfg->http_request_timeout_s = 10;
	cfg->portal_cache_s = 5;
	cfg->portal_pool_size = 1;
	cfg->portal_statement_timeout_ms = 2000;
	cfg->max_connections = 10000;
	/* A connection in its handshake holds ~56 KiB (OpenSSL's handshake
	 * buffers and state) against ~24 KiB once idle: a silent flood up to
	 * max_connections would hold ~550 MiB, a thousand ~55 MiB. */
	cfg->max_handshakes = 1000;
	cfg->max_in_flight = JY_DEFAULT_MAX_IN_FLIGHT;
	cfg->max_frame_bytes = JY_DEFAULT_MAX_FRAME;
	cfg->attachment_max_bytes = 50u * 1024u * 1024u;
	cfg->attachment_unfinished_hours = 48;
	cfg->max_partial_bytes = 64u * JY_DEFAULT_MAX_FRAME;
	cfg->handshake_timeout_s = 10;
	cfg->idle_timeout_s = 600;
	cfg->write_timeout_s = 30;
	cfg->drain_timeout_s = 10;
	cfg->pool_size = 4;
	cfg->max_queue = 10000;
	cfg->statement_timeout_s = 30;
	cfg->migration_lock_timeout_s = 5;
	cfg->read_pool_size = 2;
	cfg->read_max_lag_s = 30;
	cfg->data_dir = jy_xstrdup("./jianyi-data");
	cfg->log_level = jy_xstrdup("info");
	cfg->jobs_interval_s = 60;
	cfg->notifier_timeout_s = 30;
	cfg->notifier_retry_s = 60;
	cfg->notifier_max_retry_s = 3600;
	cfg->enroll_cert_days = 365;
	cfg->enroll_address_failures = 10;
}

void jy_config_free(struct jy_config *cfg)
{
	free(cfg->listen);
	free(cfg->http_listen);
	free(cfg->http_ready_file);
	free(cfg->metrics_listen);
	free(cfg->metrics_ready_file);
	free(cfg->proxy_protocol);
	free(cfg->proxy_from);
	free(cfg->http_proxy_protocol);
	free(cfg->http_proxy_from);
	free(cfg->ticket_key_file);
	free(cfg->cert_file);
	free(cfg->key_file);
	free(cfg->ca_file);
	free(cfg->issuing_cert_file);
	free(cfg->issuing_key_file);
	free(cfg->conninfo);
	free(cfg->read_conninfo);
	free(cfg->data_dir);
	free(cfg->pg_bindir);
	free(cfg->archive_dir);
	free(cfg->log_level);
	free(cfg->notifier_command);
	free(cfg->ready_file);
	free(cfg->log_instance);
	free(cfg->access_log);
	free(cfg->config_path);
	for (size_t i = 0; i < cfg->nflags; i++) {
		free(cfg->flags[i].section);
		free(cfg->flags[i].key);
		free(cfg->flags[i].value);
	}
	free(cfg->flags);
	memset(cfg, 0, sizeof *cfg);
}

/* One row per setting: where it lives, how it is parsed, its range. */
enum kind { K_STRING, K_UINT, K_BOOL, K_LOGLEVEL };
struct setting {
	const char *section, *key;
	enum kind kind;
	size_t offset;
	uint32_t min, max;
};

#define S(sec, k, kind, field, lo, hi) { sec, k, kind, offsetof(struct jy_config, field), lo, hi }
static const struct setting settings[] = {
	S("server", "listen", K_STRING, listen, 0, 0),
	S("server", "max_connections", K_UINT, max_connections, 1, 1000000),
	S("server", "max_handshakes", K_UINT, max_handshakes, 1, 1000000),
	S("server", "max_in_flight", K_UINT, max_in_flight, 1, 4096),
	S("server", "max_frame_bytes", K_UINT, max_frame_bytes, JY_MIN_MAX_FRAME, JY_HARD_MAX_FRAME),
	S("server", "attachment_max_bytes", K_UINT, attachment_max_bytes, 1024u, 1024u * 1024u * 1024u),
	S("server", "attachment_unfinished_hours", K_UINT, attachment_unfinished_hours, 1, 8760),
	S("server", "max_partial_bytes", K_UINT, max_partial_bytes, 64u * 1024u, 0xffffffffu),
	S("server", "handshake_timeout", K_UINT, handshake_timeout_s, 1, 3600),
	S("server", "idle_timeout", K_UINT, idle_timeout_s, 1, 86400 * 7),
	S("server", "write_timeout", K_UINT, write_timeout_s, 1, 3600),
	S("server", "drain_timeout", K_UINT, drain_timeout_s, 0, 3600),
	S("server", "http_listen", K_STRING, http_listen, 0, 0),
	S("server", "http_max_connections", K_UINT, http_max_connections, 1, 1000000),
	S("server", "http_request_timeout", K_UINT, http_request_timeout_s, 1, 3600),
	S("server", "portal_cache_seconds", K_UINT, portal_cache_s, 1, 3600),
	S("server", "metrics_listen", K_STRING, metrics_listen, 0, 0),
	S("server", "proxy_protocol", K_STRING, proxy_protocol, 0, 0),
	S("server", "proxy_from", K_STRING, proxy_from, 0, 0),
	S("http", "proxy_protocol", K_STRING, http_proxy_protocol, 0, 0),
	S("http", "proxy_from", K_STRING, http_proxy_from, 0, 0),
	S("tls", "cert", K_STRING, cert_file, 0, 0),
	S("tls", "key", K_STRING, key_file, 0, 0),
	S("tls", "ca", K_STRING, ca_file, 0, 0),
	S("tls", "allow_tls12", K_BOOL, allow_tls12, 0, 0),
	S("tls", "ticket_key_file", K_STRING, ticket_key_file, 0, 0),
	S("enroll", "issuing_cert", K_STRING, issuing_cert_file, 0, 0),
	S("enroll", "issuing_key", K_STRING, issuing_key_file, 0, 0),
	S("enroll", "cert_days", K_UINT, enroll_cert_days, 1, 825),
	S("enroll", "address_failures_per_hour", K_UINT, enroll_address_failures, 1, 1000),
	S("database", "conninfo", K_STRING, conninfo, 0, 0),
	S("database", "pool_size", K_UINT, pool_size, 1, 256),
	S("database", "max_queue", K_UINT, max_queue, 1, 10000000),
	S("database", "portal_pool_size", K_UINT, portal_pool_size, 1, 64),
	S("database", "portal_statement_timeout", K_UINT, portal_statement_timeout_ms, 100, 600000),
	S("database", "statement_timeout", K_UINT, statement_timeout_s, 1, 86400),
	S("database", "migration_lock_timeout", K_UINT, migration_lock_timeout_s, 1, 3600),
	S("database", "read_conninfo", K_STRING, read_conninfo, 0, 0),
	S("database", "read_pool_size", K_UINT, read_pool_size, 1, 64),
	S("database", "read_max_lag", K_UINT, read_max_lag_s, 1, 86400),
	S("embedded", "data_dir", K_STRING, data_dir, 0, 0),
	S("embedded", "pg_bindir", K_STRING, pg_bindir, 0, 0),
	S("embedded", "archive_dir", K_STRING, archive_dir, 0, 0),
	S("jobs", "interval", K_UINT, jobs_interval_s, 0, 86400),
	S("notifier", "command", K_STRING, notifier_command, 0, 0),
	S("notifier", "timeout_seconds", K_UINT, notifier_timeout_s, 1, 3600),
	S("notifier", "retry_seconds", K_UINT, notifier_retry_s, 1, 86400),
	S("notifier", "max_retry_seconds", K_UINT, notifier_max_retry_s, 1, 7 * 86400),
	S("log", "level", K_LOGLEVEL, log_level, 0, 0),
	S("log", "instance", K_STRING, log_instance, 0, 0),
	S("log", "access_log", K_STRING, access_log, 0, 0),
};
#undef S

static bool parse_uint(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	if (!*v || *v == '-' || *v == '+')
		return false;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*out = (uint32_t)n;
	return true;
}

bool jy_config_set(struct jy_config *cfg, const char *section, const char *key,
		   const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		const struct setting *s = &settings[i];
		if (strcmp(s->key, key) != 0 || (section && strcmp(s->section, section) != 0))
			continue;
		void *field = (char *)cfg + s->offset;
		switch (s->kind) {
		case K_STRING: {
			char **p = field;
			if (!*value) {
				snprintf(err, errlen, "%s.%s: empty value", s->section, key);
				return false;
			}
			free(*p);
			*p = jy_xstrdup(value);
			if (!strcmp(key, "conninfo") || !strcmp(key, "data_dir"))
				cfg->database_named = true;
			return true;
		}
		case K_UINT:
			if (!parse_uint(value, s->min, s->max, field)) {
				snprintf(err, errlen, "%s.%s: '%s' is not a whole number from %u to %u",
					 s->section, key, value, s->min, s->max);
				return false;
			}
			return true;
		case K_BOOL: {
			bool *b = field;
			if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcmp(value, "1"))
				*b = true;
			else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") || !strcmp(value, "0"))
				*b = false;
			else {
				snprintf(err, errlen, "%s.%s: '%s' is not true or false", s->section, key, value);
				return false;
			}
			return true;
		}
		case K_LOGLEVEL: {
			enum jy_log_level lvl;
			if (!jy_log_parse_level(value, &lvl)) {
				snprintf(err, errlen, "%s.%s: '%s' is not one of debug, info, warn, error",
					 s->section, key, value);
				return false;
			}
			char **p = field;
			free(*p);
			*p = jy_xstrdup(value);
			if (!strcmp(key, "conninfo") || !strcmp(key, "data_dir"))
				cfg->database_named = true;
			return true;
		}
		}
	}
	if (section)
		snprintf(err, errlen, "unknown setting '%s' in section [%s]", key, section);
	else
		snprintf(err, errlen, "unknown setting '%s'", key);
	return false;
}

struct load_ctx {
	struct jy_config *cfg;
	const char *path;
	char *err;
	size_t errlen;
	bool failed;
};

static int on_ini_entry(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *lc = user;
	if (lc->failed)
		return 0;
	char why[256];
	if (!jy_config_set(lc->cfg, section, name, value, why, sizeof why)) {
		snprintf(lc->err, lc->errlen, "%s: %s", lc->path, why);
		lc->failed = true;
		return 0;
	}
	return 1;
}

bool jy_config_load_file(struct jy_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open configuration file %s: %s", path, strerror(errno));
		return false;
	}
	struct load_ctx lc = { cfg, path, err, errlen, false };
	int line = ini_parse_file(f, on_ini_entry, &lc);
	fclose(f);
	if (lc.failed) {
		/* ini_parse_file reports the first failing line; add it. */
		if (line > 0) {
			char tmp[512];
			snprintf(tmp, sizeof tmp, "%s (line %d)", err, line);
			snprintf(err, errlen, "%s", tmp);
		}
		return false;
	}
	if (line != 0) {
		snprintf(err, errlen, "%s: line %d is not valid INI syntax", path, line);
		return false;
	}
	return true;
}

static bool readable(const char *what, const char *path, char *err, size_t errlen)
{
	if (!path) {
		snprintf(err, errlen, "no %s file given (tls.%s or --%s)", what, what, what);
		return false;
	}
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s file %s: %s", what, path, strerror(errno));
		return false;
	}
	return true;
}

/* The notifier runs without a shell, so the command must be the program
 * itself: an absolute path to an executable regular file. */
static bool notifier_valid(const struct jy_config *cfg, char *err, size_t errlen)
{
	const char *cmd = cfg->notifier_command;
	struct stat st;
	if (cfg->notifier_retry_s > cfg->notifier_max_retry_s) {
		snprintf(err, errlen, "notifier.retry_seconds (%u) is above notifier.max_retry_seconds (%u)",
			 cfg->notifier_retry_s, cfg->notifier_max_retry_s);
		return false;
	}
	if (!cmd)
		return true;
	if (cmd[0] != '/') {
		snprintf(err, errlen, "notifier.command: '%s' is not an absolute path (it runs without a shell)",
			 cmd);
		return false;
	}
	if (stat(cmd, &st) != 0) {
		snprintf(err, errlen, "notifier.command: %s: %s", cmd, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode) || access(cmd, X_OK) != 0) {
		snprintf(err, errlen, "notifier.command: %s is not an executable file", cmd);
		return false;
	}
	return true;
}

/* The issuing CA's key signs certificates that log in as any account: a
 * key file others may read is refused, like ssh refuses such a key. */
static bool enroll_valid(const struct jy_config *cfg, char *err, size_t errlen)
{
	struct stat st;
	if (!cfg->issuing_cert_file != !cfg->issuing_key_file) {
		snprintf(err, errlen, "enroll: give both issuing_cert and issuing_key, or neither "
			 "(enrollment is off without them)");
		return false;
	}
	if (!cfg->issuing_cert_file)
		return true;
	if (access(cfg->issuing_cert_file, R_OK) != 0) {
		snprintf(err, errlen, "enroll.issuing_cert: %s: %s", cfg->issuing_cert_file, strerror(errno));
		return false;
	}
	if (stat(cfg->issuing_key_file, &st) != 0 || access(cfg->issuing_key_file, R_OK) != 0) {
		snprintf(err, errlen, "enroll.issuing_key: %s: %s", cfg->issuing_key_file, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "enroll.issuing_key: %s must be a regular file readable by its owner "
			 "only (mode %03o; chmod 600 it)", cfg->issuing_key_file, (unsigned)(st.st_mode & 0777));
		return false;
	}
	return true;
}

/* The instance goes into every log line and into application_name
 * ("jianyid/" + it, which PostgreSQL cuts at 63 bytes): short, no quoting. */
static bool instance_valid(const char *name, char *err, size_t errlen)
{
	size_t n = name ? strlen(name) : 0;
	if (!name)
		return true;
	if (n > JY_INSTANCE_MAX || strspn(name, JY_INSTANCE_CHARS) != n) {
		snprintf(err, errlen, "log.instance: '%s' must be 1 to %d letters, digits or . _ : -",
			 name, JY_INSTANCE_MAX);
		return false;
	}
	return true;
}

/* Behind a load balancer (net/proxy_accept.h, http/http_proxy.h): section's
 * proxy_protocol and proxy_from. */
static bool proxy_valid(const char *section, const char *protocol, const char *from, char *err,
			size_t errlen)
{
	if (strcmp(protocol, "off") != 0 && strcmp(protocol, "v2") != 0) {
		snprintf(err, errlen, "%s.proxy_protocol: '%s' is not off or v2", section, protocol);
		return false;
	}
	struct addr_list l;
	char why[200];
	if (!addr_list_parse(from, &l, why, sizeof why)) {
		snprintf(err, errlen, "%s.proxy_from: %s", section, why);
		return false;
	}
	return true;
}

bool jy_config_validate(const struct jy_config *cfg, bool need_tls, char *err, size_t errlen)
{
	if (!instance_valid(cfg->log_instance, err, errlen))
		return false;
	if (need_tls) {
		if (!readable("cert", cfg->cert_file, err, errlen) ||
		    !readable("key", cfg->key_file, err, errlen) ||
		    !readable("ca", cfg->ca_file, err, errlen))
			return false;
	}
	if (cfg->max_partial_bytes < cfg->max_frame_bytes + 4u) {
		snprintf(err, errlen, "server.max_partial_bytes: %u is less than one whole frame "
			 "(max_frame_bytes %u + 4)", cfg->max_partial_bytes, cfg->max_frame_bytes);
		return false;
	}
	if (!strchr(cfg->listen, ':')) {
		snprintf(err, errlen, "server.listen: '%s' is not HOST:PORT", cfg->listen);
		return false;
	}
	if (strcmp(cfg->http_listen, "off") != 0 && !strchr(cfg->http_listen, ':')) {
		snprintf(err, errlen, "server.http_listen: '%s' is not HOST:PORT or off", cfg->http_listen);
		return false;
	}
	if (strcmp(cfg->metrics_listen, "off") != 0 && !strchr(cfg->metrics_listen, ':')) {
		snprintf(err, errlen, "server.metrics_listen: '%s' is not HOST:PORT or off",
			 cfg->metrics_listen);
		return false;
	}
	if (need_tls && !enroll_valid(cfg, err, errlen))
		return false;
	if (!proxy_valid("server", cfg->proxy_protocol, cfg->proxy_from, err, errlen) ||
	    !proxy_valid("http", cfg->http_proxy_protocol, cfg->http_proxy_from, err, errlen))
		return false;
	if (need_tls && cfg->ticket_key_file) {
		/* Checked now for a clear exit 2; read again with the TLS context. */
		struct ticket_keys keys;
		bool ok = ticket_keys_load(cfg->ticket_key_file, &keys, err, errlen);
		ticket_keys_wipe(&keys);
		if (!ok)
			return false;
	}
	return notifier_valid(cfg, err, errlen);
}

/* ---- SIGHUP ------------------------------------------------------------- */

/* The settings SIGHUP can apply to the running server: each is read where
 * it is used, per request, connection or run (docs/OPERATIONS.md
 * "Reloading"). Every other one was used once at start (listeners, pools,
 * buffers sized by it, values a Welcome promised) and needs a restart. */
static const char *const live_settings[] = {
	"server.max_connections", "server.max_handshakes", "server.max_in_flight",
	"server.attachment_max_bytes", "server.attachment_unfinished_hours", "server.max_partial_bytes", "server.handshake_timeout",
	"server.idle_timeout", "server.write_timeout", "server.drain_timeout",
	"tls.cert", "tls.key", "tls.ca", "tls.allow_tls12",
	"enroll.cert_days", "enroll.address_failures_per_hour",
	"jobs.interval",
	"notifier.command", "notifier.timeout_seconds", "notifier.retry_seconds",
	"notifier.max_retry_seconds",
	"log.level", "log.access_log",
};

static bool is_live(const struct setting *s)
{
	char name[96];
	snprintf(name, sizeof name, "%s.%s", s->section, s->key);
	for (size_t i = 0; i < sizeof live_settings / sizeof live_settings[0]; i++)
		if (!strcmp(live_settings[i], name))
			return true;
	return false;
}

void jy_config_note_flag(struct jy_config *cfg, const char *section, const char *key,
			 const char *value)
{
	cfg->flags = jy_xrealloc(cfg->flags, (cfg->nflags + 1) * sizeof *cfg->flags);
	cfg->flags[cfg->nflags++] = (struct jy_config_flag){ jy_xstrdup(section), jy_xstrdup(key),
							     jy_xstrdup(value) };
}

bool jy_config_reread(const struct jy_config *running, struct jy_config *fresh, char *err,
		      size_t errlen)
{
	jy_config_defaults(fresh);
	if (!running->config_path) {
		snprintf(err, errlen, "no configuration file was given (--config)");
		return false;
	}
	if (!jy_config_load_file(fresh, running->config_path, err, errlen))
		return false;
	for (size_t i = 0; i < running->nflags; i++) {
		const struct jy_config_flag *f = &running->flags[i];
		if (!jy_config_set(fresh, f->section, f->key, f->value, err, errlen))
			return false;
	}
	return jy_config_validate(fresh, true, err, errlen);
}

static bool same_value(const struct setting *s, const struct jy_config *a, const struct jy_config *b)
{
	const void *x = (const char *)a + s->offset, *y = (const char *)b + s->offset;
	switch (s->kind) {
	case K_UINT:
		return *(const uint32_t *)x == *(const uint32_t *)y;
	case K_BOOL:
		return *(const bool *)x == *(const bool *)y;
	case K_STRING:
	case K_LOGLEVEL: {
		const char *p = *(char *const *)x, *q = *(char *const *)y;
		return p == q || (p && q && strcmp(p, q) == 0);
	}
	}
	return true;
}

/* The new value for the log; never the connection string (it may hold a
 * password). */
static const char *shown_value(const struct setting *s, const struct jy_config *cfg, char *buf,
			       size_t len)
{
	const void *v = (const char *)cfg + s->offset;
	char raw[300];
	if (strstr(s->key, "conninfo"))
		return "(not shown)";
	if (s->kind == K_UINT)
		snprintf(raw, sizeof raw, "%u", *(const uint32_t *)v);
	else if (s->kind == K_BOOL)
		snprintf(raw, sizeof raw, "%s", *(const bool *)v ? "true" : "false");
	else
		snprintf(raw, sizeof raw, "%s", *(char *const *)v ? *(char *const *)v : "(none)");
	return jy_log_quote(raw, buf, len);
}

static void take_value(const struct setting *s, struct jy_config *running,
		       const struct jy_config *fresh)
{
	void *to = (char *)running + s->offset;
	const void *from = (const char *)fresh + s->offset;
	if (s->kind == K_UINT) {
		*(uint32_t *)to = *(const uint32_t *)from;
	} else if (s->kind == K_BOOL) {
		*(bool *)to = *(const bool *)from;
	} else {
		char **p = to;
		const char *q = *(char *const *)from;
		free(*p);
		*p = q ? jy_xstrdup(q) : NULL;
	}
}

unsigned jy_config_apply_live(struct jy_config *running, const struct jy_config *fresh,
			      jy_config_veto veto, void *arg)
{
	unsigned refused = 0;
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		const struct setting *s = &settings[i];
		if (same_value(s, running, fresh))
			continue;
		char shown[320];
		const char *why = is_live(s) ? (veto ? veto(arg, s->section, s->key) : NULL)
					     : "needs a restart";
		shown_value(s, fresh, shown, sizeof shown);
		if (why) {
			char q[200];
			jy_warn("event=config_not_applied setting=%s.%s value=%s reason=%s", s->section,
				s->key, shown, jy_log_quote(why, q, sizeof q));
			refused++;
			continue;
		}
		take_value(s, running, fresh);
		jy_info("event=config_applied setting=%s.%s value=%s", s->section, s->key, shown);
	}
	return refused;
}
