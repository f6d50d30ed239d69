/* Configuration: defaults, INI loading, range checks, clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "http_limits.h"

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/jianyi-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void loads_values(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	assert_int_equal(cfg.max_in_flight, 64);
	char *path = write_tmp("[server]\nlisten = 0.0.0.0:9000\nmax_in_flight = 8\n"
			       "[tls]\nallow_tls12 = yes\n[database]\nconninfo = host=/tmp dbname=x\n");
	char err[300];
	assert_true(jy_config_load_file(&cfg, path, err, sizeof err));
	assert_string_equal(cfg.listen, "0.0.0.0:9000");
	assert_int_equal(cfg.max_in_flight, 8);
	assert_true(cfg.allow_tls12);
	assert_string_equal(cfg.conninfo, "host=/tmp dbname=x");
	unlink(path);
	free(path);
	jy_config_free(&cfg);
}

static void rejects_bad_values(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_false(jy_config_set(&cfg, "server", "max_in_flight", "0", err, sizeof err));
	assert_non_null(strstr(err, "server.max_in_flight"));
	assert_false(jy_config_set(&cfg, "server", "max_in_flight", "12abc", err, sizeof err));
	assert_false(jy_config_set(&cfg, "server", "max_in_flight", "-3", err, sizeof err));
	assert_false(jy_config_set(&cfg, "server", "max_frame_bytes", "99999999999", err, sizeof err));
	assert_int_equal(cfg.max_handshakes, 1000);
	assert_false(jy_config_set(&cfg, "server", "max_handshakes", "0", err, sizeof err));
	assert_non_null(strstr(err, "server.max_handshakes"));
	assert_false(jy_config_set(&cfg, "server", "max_handshakes", "1000001", err, sizeof err));
	assert_true(jy_config_set(&cfg, "server", "max_handshakes", "50", err, sizeof err));
	assert_int_equal(cfg.max_handshakes, 50);
	assert_false(jy_config_set(&cfg, "tls", "allow_tls12", "maybe", err, sizeof err));
	assert_false(jy_config_set(&cfg, "log", "level", "loud", err, sizeof err));
	assert_false(jy_config_set(&cfg, "server", "colour", "blue", err, sizeof err));
	assert_non_null(strstr(err, "colour"));
	assert_int_equal(cfg.max_in_flight, 64); /* unchanged by the failures */

	char *path = write_tmp("[server]\nmax_connections = lots\n");
	assert_false(jy_config_load_file(&cfg, path, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "max_connections"));
	unlink(path);
	free(path);
	assert_false(jy_config_load_file(&cfg, "/nonexistent/jianyid.ini", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/jianyid.ini"));
	jy_config_free(&cfg);
}

static void validate_names_missing_files(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_false(jy_config_validate(&cfg, true, err, sizeof err));
	assert_non_null(strstr(err, "cert"));
	assert_true(jy_config_set(&cfg, "tls", "cert", "/nonexistent.crt", err, sizeof err));
	assert_false(jy_config_validate(&cfg, true, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent.crt"));
	jy_config_free(&cfg);
}

/* [server] http_listen: HOST:PORT or "off", checked like listen. */
static void http_listen_values(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_string_equal(cfg.http_listen, "127.0.0.1:7080");
	assert_true(jy_config_set(&cfg, "server", "http_listen", "off", err, sizeof err));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_true(jy_config_set(&cfg, "server", "http_listen", "0.0.0.0:0", err, sizeof err));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_true(jy_config_set(&cfg, "server", "http_listen", "localhost", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "http_listen"));
	jy_config_free(&cfg);
}

/* The HTTP side's limits, the metrics listener and the portal's pool
 * (the "Fixes" issue, "The server under hostile load", items 12, 13, 15). */
static void http_side_limits(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_string_equal(cfg.metrics_listen, "127.0.0.1:7081");
	assert_int_equal(cfg.http_max_connections, 512);
	assert_int_equal(cfg.http_request_timeout_s, 10);
	assert_int_equal(cfg.portal_cache_s, 5);
	assert_int_equal(cfg.portal_pool_size, 1);
	assert_int_equal(cfg.portal_statement_timeout_ms, 2000);
	assert_false(jy_config_set(&cfg, "server", "http_request_timeout", "0", err, sizeof err));
	assert_non_null(strstr(err, "server.http_request_timeout"));
	assert_false(jy_config_set(&cfg, "server", "http_max_connections", "0", err, sizeof err));
	assert_false(jy_config_set(&cfg, "database", "portal_pool_size", "65", err, sizeof err));
	assert_non_null(strstr(err, "database.portal_pool_size"));
	assert_false(jy_config_set(&cfg, "database", "portal_statement_timeout", "5", err, sizeof err));
	assert_true(jy_config_set(&cfg, "server", "metrics_listen", "off", err, sizeof err));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_true(jy_config_set(&cfg, "server", "metrics_listen", "metrics", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "metrics_listen"));

	/* The descriptor budget: HTTP never eats into what the TLS side's
	 * max_connections need, unless those would take more than three
	 * quarters of what is left after the reserve. */
	jy_config_set(&cfg, "server", "max_connections", "10000", err, sizeof err);
	assert_int_equal(http_limits_fd_budget(&cfg, 1048576), 512);
	unsigned b = http_limits_fd_budget(&cfg, 11000);
	assert_true(b <= 11000 - 10000 && b >= 1);
	b = http_limits_fd_budget(&cfg, 1024);
	assert_true(b >= 200 && b <= 1024 / 4);
	assert_int_equal(http_limits_fd_budget(&cfg, 10), 1);
	jy_config_free(&cfg);
}

/* [jobs] and [notifier]: ranges, and the command checked at start-up. */
static void jobs_and_notifier(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_int_equal(cfg.jobs_interval_s, 60);
	assert_null(cfg.notifier_command);
	assert_true(jy_config_set(&cfg, "jobs", "interval", "0", err, sizeof err));
	assert_false(jy_config_set(&cfg, "jobs", "interval", "90000", err, sizeof err));
	assert_non_null(strstr(err, "jobs.interval"));
	assert_false(jy_config_set(&cfg, "notifier", "timeout_seconds", "0", err, sizeof err));
	assert_non_null(strstr(err, "notifier.timeout_seconds"));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));

	/* Run without a shell: an absolute path to an executable file. */
	assert_true(jy_config_set(&cfg, "notifier", "command", "send-sms", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "notifier.command"));
	assert_non_null(strstr(err, "absolute"));
	assert_true(jy_config_set(&cfg, "notifier", "command", "/nonexistent/send-sms", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/send-sms"));
	char *plain = write_tmp("not a program\n"); /* mode 0600: not executable */
	assert_true(jy_config_set(&cfg, "notifier", "command", plain, err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "not an executable"));
	unlink(plain);
	free(plain);
	assert_true(jy_config_set(&cfg, "notifier", "command", "/bin/true", err, sizeof err));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_true(jy_config_set(&cfg, "notifier", "command", "/tmp", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));

	assert_true(jy_config_set(&cfg, "notifier", "command", "/bin/true", err, sizeof err));
	assert_true(jy_config_set(&cfg, "notifier", "retry_seconds", "600", err, sizeof err));
	assert_true(jy_config_set(&cfg, "notifier", "max_retry_seconds", "60", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "notifier.retry_seconds"));
	jy_config_free(&cfg);
}

/* [server] max_partial_bytes must hold one whole frame; [database] timeouts
 * in seconds, never 0 (no timeout at all is what they exist to prevent). */
static void partial_budget_and_db_timeouts(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_int_equal(cfg.max_partial_bytes, 64u * 1024u * 1024u);
	assert_int_equal(cfg.statement_timeout_s, 30);
	assert_int_equal(cfg.migration_lock_timeout_s, 5);
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_true(jy_config_set(&cfg, "server", "max_partial_bytes", "1048576", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "server.max_partial_bytes"));
	assert_true(jy_config_set(&cfg, "server", "max_frame_bytes", "65536", err, sizeof err));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_false(jy_config_set(&cfg, "server", "max_partial_bytes", "1000", err, sizeof err));
	assert_false(jy_config_set(&cfg, "database", "statement_timeout", "0", err, sizeof err));
	assert_non_null(strstr(err, "database.statement_timeout"));
	assert_false(jy_config_set(&cfg, "database", "migration_lock_timeout", "0", err, sizeof err));
	assert_true(jy_config_set(&cfg, "database", "statement_timeout", "5", err, sizeof err));
	assert_int_equal(cfg.statement_timeout_s, 5);
	jy_config_free(&cfg);
}

/* [database] read_*: the read-only pool; [http] proxy_*: PROXY v2 on the
 * HTTP listener, checked like [server]'s. */
static void read_pool_and_http_proxy(void **state)
{
	(void)state;
	struct jy_config cfg;
	jy_config_defaults(&cfg);
	char err[300];
	assert_null(cfg.read_conninfo);
	assert_int_equal(cfg.read_pool_size, 2);
	assert_int_equal(cfg.read_max_lag_s, 30);
	assert_false(jy_config_set(&cfg, "database", "read_max_lag", "0", err, sizeof err));
	assert_non_null(strstr(err, "database.read_max_lag"));
	assert_false(jy_config_set(&cfg, "database", "read_pool_size", "65", err, sizeof err));
	assert_non_null(strstr(err, "database.read_pool_size"));
	assert_true(jy_config_set(&cfg, "database", "read_conninfo",
				  "host=db2,db3 dbname=jianyi target_session_attrs=prefer-standby",
				  err, sizeof err));
	assert_false(cfg.database_named);   /* the primary is still the embedded one */
	assert_string_equal(cfg.http_proxy_protocol, "off");
	assert_string_equal(cfg.http_proxy_from, "127.0.0.1, ::1");
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_true(jy_config_set(&cfg, "http", "proxy_protocol", "v1", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "http.proxy_protocol: 'v1' is not off or v2"));
	assert_true(jy_config_set(&cfg, "http", "proxy_protocol", "v2", err, sizeof err));
	assert_true(jy_config_set(&cfg, "http", "proxy_from", "10.0.0.0/33", err, sizeof err));
	assert_false(jy_config_validate(&cfg, false, err, sizeof err));
	assert_non_null(strstr(err, "http.proxy_from"));
	assert_true(jy_config_set(&cfg, "http", "proxy_from", "10.0.0.5, 10.0.1.0/24", err, sizeof err));
	assert_true(jy_config_validate(&cfg, false, err, sizeof err));
	assert_string_equal(cfg.proxy_protocol, "off");   /* [server]'s is its own */
	jy_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_values),
		cmocka_unit_test(rejects_bad_values),
		cmocka_unit_test(validate_names_missing_files),
		cmocka_unit_test(http_listen_values),
		cmocka_unit_test(http_side_limits),
		cmocka_unit_test(jobs_and_notifier),
		cmocka_unit_test(partial_budget_and_db_timeouts),
		cmocka_unit_test(read_pool_and_http_proxy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
