/* Resolving without blocking (see resolve.h). */
#include "resolve.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "status.h"
#include "xalloc.h"

struct jy_resolve {
	struct gaicb cb;
	struct gaicb *list[1];
	struct addrinfo hints;
	char host[NI_MAXHOST];
	char port[8];
	int efd;
	/* Owners: the caller and, until it has run, the completion notice
	 * (glibc runs it on a thread of its own, maybe after the caller has
	 * given up). The last one out frees. */
	int refs;
};

static void unref(struct jy_resolve *r)
{
	if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (r->cb.ar_result != NULL)
		freeaddrinfo(r->cb.ar_result);
	close(r->efd);
	free(r);
}

/* The completion notice: wakes the caller's loop. */
static void answer_in(union sigval v)
{
	struct jy_resolve *r = v.sival_ptr;
	uint64_t one = 1;

	if (write(r->efd, &one, sizeof one) < 0) {
		/* cannot fail: the counter is far from its limit */
	}
	unref(r);
}

struct jy_resolve *jy_resolve_start(const char *host, uint16_t port, struct jy_error *err)
{
	struct jy_resolve *r = jy_xcalloc(1, sizeof *r);
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD };
	int rc;

	snprintf(r->host, sizeof r->host, "%s", host);
	snprintf(r->port, sizeof r->port, "%u", (unsigned)port);
	r->hints = (struct addrinfo){ .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				      .ai_flags = AI_NUMERICSERV };
	r->cb = (struct gaicb){ .ar_name = r->host, .ar_service = r->port,
				.ar_request = &r->hints };
	r->list[0] = &r->cb;
	r->refs = 2;
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->efd < 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     "cannot resolve '%s': eventfd: %s", host, strerror(errno));
		free(r);
		return NULL;
	}
	ev.sigev_notify_function = answer_in;
	ev.sigev_value.sival_ptr = r;
	rc = getaddrinfo_a(GAI_NOWAIT, r->list, 1, &ev);
	if (rc != 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     "cannot resolve '%s': %s", host,
			     rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		close(r->efd);
		free(r);
		return NULL;
	}
	return r;
}

int jy_resolve_fd(const struct jy_resolve *r)
{
	return r->efd;
}

enum jy_io jy_resolve_poll(struct jy_resolve *r, struct addrinfo **addrs, struct jy_error *err)
{
	int rc = gai_error(&r->cb);

	if (rc == EAI_INPROGRESS)
		return JY_IO_WANT_READ;
	if (rc != 0) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     "cannot resolve '%s': %s", r->host,
			     rc == EAI_SYSTEM ? "system error" : gai_strerror(rc));
		return JY_IO_FAILED;
	}
	*addrs = r->cb.ar_result;
	r->cb.ar_result = NULL;
	return JY_IO_DONE;
}

void jy_resolve_free(struct jy_resolve *r)
{
	if (r == NULL)
		return;
	/* Taken off the queue before it ran: no notice will come. */
	if (gai_cancel(&r->cb) == EAI_CANCELED)
		unref(r);
	unref(r);
}
