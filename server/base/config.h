/* jianyid's configuration: built-in defaults, then the INI file (--config),
 * then command-line flags. Every value is range-checked; a bad one is an
 * error naming the key. */
#ifndef JY_CONFIG_H
#define JY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jy_config {
	/* [server] */
	char *listen;                 /* "host:port", default 127.0.0.1:7443 */
	uint32_t max_connections;     /* default 10000 */
	uint32_t max_handshakes;      /* connections still in the TLS handshake, default 1000 */
	uint32_t max_in_flight;       /* per connection, default 64 */
	uint32_t max_frame_bytes;     /* default 1 MiB */
	uint32_t attachment_max_bytes;/* an attachment's size, default 50 MiB */
	uint32_t attachment_unfinished_hours; /* an upload left unfinished this long is removed, default 48 */
	uint32_t max_partial_bytes;   /* input held in incomplete frames, all sessions together, default 64 MiB */
	uint32_t handshake_timeout_s; /* TLS handshake + Hello, default 10 */
	uint32_t idle_timeout_s;      /* no request and nothing in flight, default 600 */
	uint32_t write_timeout_s;     /* output not draining (slow reader), default 30 */
	uint32_t drain_timeout_s;     /* SIGTERM: wait this long for in-flight work, default 10 */
	char *http_listen;            /* HTTP side (health, portal): "host:port" or "off", default 127.0.0.1:7080 */
	uint32_t http_max_connections;/* HTTP connections open at once (within the fd budget), default 512 */
	uint32_t http_request_timeout_s; /* an HTTP request's headers and body, from its first byte, default 10 */
	uint32_t portal_cache_s;      /* /stats is recomputed at most this often, default 5 */
	char *metrics_listen;         /* /metrics: "host:port" or "off", default 127.0.0.1:7081 */
	char *proxy_protocol;         /* "off" (default) or "v2": connections start with a PROXY v2 header */
	char *proxy_from;             /* the proxies (addresses, CIDRs), default "127.0.0.1, ::1" */
	/* [http]: the same for the public HTTP listener (http/http_proxy.h) */
	char *http_proxy_protocol;    /* "off" (default) or "v2" */
	char *http_proxy_from;        /* default "127.0.0.1, ::1" */
	/* [tls] */
	char *cert_file, *key_file, *ca_file;
	bool allow_tls12;
	char *ticket_key_file;        /* shared session-ticket keys (net/ticket_keys.h); NULL: a random key */
	/* [enroll] (docs/ARCHITECTURE.md "Enrollment"): off unless both files are set */
	char *issuing_cert_file;      /* the CA that signs enrolled clients' certificates, PEM */
	char *issuing_key_file;       /* its key: must not be readable by group or others */
	uint32_t enroll_cert_days;    /* validity of an issued certificate, default 365 */
	uint32_t enroll_address_failures; /* wrong codes from one address in an hour before it is refused, default 10 */
	/* [database] */
	char *conninfo;               /* NULL: embedded private cluster */
	uint32_t pool_size;           /* default 4 */
	uint32_t max_queue;           /* queued queries before resource_exhausted, default 10000 */
	uint32_t portal_pool_size;    /* the public portal's own connections, default 1 */
	uint32_t portal_statement_timeout_ms; /* its statements' statement_timeout, default 2000 */
	uint32_t statement_timeout_s; /* any statement of the pool running longer is cancelled, default 30 */
	uint32_t migration_lock_timeout_s; /* a migration waits this long for a lock, then retries, default 5 */
	char *read_conninfo;          /* the read-only pool (db/read_pool.h); NULL: none */
	uint32_t read_pool_size;      /* its connections, default 2 */
	uint32_t read_max_lag_s;      /* reads go to the primary while the standby is further behind, default 30 */
	/* [embedded] */
	char *data_dir;               /* default ./jianyi-data */
	char *pg_bindir;              /* NULL: newest /usr/lib/postgresql/N/bin */
	char *archive_dir;            /* the WAL archive; NULL: data_dir/archive; "off": none */
	/* [jobs] */
	uint32_t jobs_interval_s;     /* the periodic job (deadline notices), default 60; 0: never here */
	/* [notifier] */
	char *notifier_command;       /* absolute path of an executable; NULL: no external notifier */
	uint32_t notifier_timeout_s;  /* a run longer than this is killed (and retried), default 30 */
	uint32_t notifier_retry_s;    /* first retry after a failure, doubling, default 60 */
	uint32_t notifier_max_retry_s;/* back-off cap, default 3600 */
	/* [log] */
	char *log_level;              /* debug|info|warn|error, default info */
	char *log_instance;           /* in every log line and application_name; NULL: hostname:pid */
	char *access_log;             /* HTTP access lines go to this file; NULL: to the log */
	/* command line only */
	char *ready_file;             /* once listening, write "host:port\n" here */
	char *http_ready_file;        /* once the HTTP side listens, write "host:port\n" here */
	char *metrics_ready_file;     /* once /metrics listens, write "host:port\n" here */
	bool database_named;          /* conninfo or data_dir came from a file or a flag */
	/* what SIGHUP reads again: the file, then the flags given over it */
	char *config_path;            /* --config; NULL: none */
	struct jy_config_flag { char *section, *key, *value; } *flags;
	size_t nflags;
};

/* log.instance: at most this long, of these characters. */
#define JY_INSTANCE_MAX 48
#define JY_INSTANCE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"

/* What the systemd unit runs with; `jianyid admin` reads it when no
 * --config, --database or --data-dir says which database to use. */
#define JY_DEFAULT_CONFIG "/etc/jianyi/jianyid.ini"

void jy_config_defaults(struct jy_config *cfg);
/* Loads an INI file over the current values. */
bool jy_config_load_file(struct jy_config *cfg, const char *path, char *err, size_t errlen);
/* Sets one key ("section.key" or a flag's long name) from a string. */
bool jy_config_set(struct jy_config *cfg, const char *section, const char *key,
		   const char *value, char *err, size_t errlen);
/* Cross-field checks after everything is loaded (files exist, etc.). */
bool jy_config_validate(const struct jy_config *cfg, bool need_tls, char *err, size_t errlen);
void jy_config_free(struct jy_config *cfg);

/* ---- SIGHUP (docs/OPERATIONS.md "Reloading") ---------------------------- */

/* Remembers a command-line setting, which a re-read applies over the file
 * again (flags keep overriding the file). */
void jy_config_note_flag(struct jy_config *cfg, const char *section, const char *key,
			 const char *value);
/* A whole new configuration into fresh: defaults, running's file, running's
 * flags, validated. false: err says why (fresh is then to be freed too). */
bool jy_config_reread(const struct jy_config *running, struct jy_config *fresh, char *err,
		      size_t errlen);
/* A setting the table calls live may still be refused by the caller (its
 * module was not started): the reason, or NULL to apply it. */
typedef const char *(*jy_config_veto)(void *arg, const char *section, const char *key);
/* Copies every changed live setting from fresh into running and logs it
 * (event=config_applied); logs each changed one it cannot apply
 * (event=config_not_applied reason="needs a restart"). Returns how many
 * were not applied. */
unsigned jy_config_apply_live(struct jy_config *running, const struct jy_config *fresh,
			      jy_config_veto veto, void *arg);

#endif
