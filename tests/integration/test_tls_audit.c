/* TLS audit: testssl.sh (Debian's testssl.sh package) against a real
 * jianyid with its default TLS settings, and again with allow_tls12. The
 * work is in tests/tls/tls_audit.py: it runs testssl with a client
 * certificate (jianyid refuses a handshake without one), reads its JSON
 * findings, checks what is offered, and fails on any finding of severity
 * MEDIUM or higher. Skipped when testssl is not installed. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

static struct harness H;

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_cleanup(&H);
	return 0;
}

static void audit(const char *extra, const char *expect)
{
	struct server_proc s;
	server_start(&H, &s, extra);
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "python3 %s/tests/tls/tls_audit.py --host 127.0.0.1 --port %d --ca %s/ca.crt "
		 "--cert %s/alice.crt --key %s/alice.key --expect %s --out %s/tls-audit-%s",
		 getenv("JIANYI_SOURCE_ROOT") ? getenv("JIANYI_SOURCE_ROOT") : ".", s.port, H.pki,
		 H.pki, H.pki, expect, H.dir, expect);
	fflush(stdout);
	int st = system(cmd);
	assert_int_equal(server_stop(&s, SIGTERM, 10000), 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("TLS audit (%s) failed: status %d", expect, st);
}

/* Only TLS 1.3; no compression, no renegotiation; our CA verifies the chain. */
static void default_settings(void **state)
{
	(void)state;
	audit(NULL, "tls13");
}

/* allow_tls12 adds TLS 1.2 and nothing older. */
static void with_tls12(void **state)
{
	(void)state;
	audit("[tls]\nallow_tls12 = true", "tls12");
}

int main(void)
{
	if (system("command -v testssl >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP testssl is not installed (apt-get install testssl.sh)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_settings),
		cmocka_unit_test(with_tls12),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
