/* Reading a jianyid's /metrics (see harness.h). */
#include "harness.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

double metric_sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		if (strncmp(l, series, n) == 0 && l[n] == ' ')
			return strtod(l + n + 1, NULL);
	return -1;
}

/* The body of GET /metrics on sp's metrics listener, into body. */
static void get_metrics(const struct server_proc *sp, char *body, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)sp->metrics_port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		fail_msg("connect to the metrics listener: %s", strerror(errno));
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	assert_int_equal(write(fd, req, sizeof req - 1), (ssize_t)(sizeof req - 1));
	size_t len = 0;
	ssize_t n;
	while (len < size - 1 && (n = read(fd, body + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	body[len] = '\0';
}

long harness_handshakes(const struct server_proc *sp, const char *kind)
{
	static char body[1 << 17];
	get_metrics(sp, body, sizeof body);
	char series[96];
	snprintf(series, sizeof series, "jianyid_tls_handshakes_total{kind=\"%s\"}", kind);
	double v = metric_sample(body, series);
	if (v < 0)
		fail_msg("/metrics has no %s", series);
	return (long)v;
}
