/* The relay that cuts links (see harness_relay.h). */
#include "harness_relay.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* A server chunk held back until its time (harness_relay_set_delay). */
struct held {
	struct held *next;
	uint64_t due_ms;
	size_t len;
	char data[];
};

struct harness_relay {
	int lfd, port;
	int delay_ms;              /* atomic: set while running */
	struct held *head, *tail;  /* held server chunks, oldest first */
	bool server_done;          /* the server closed; the held chunks go first */
	int target;                /* atomic: retargeted while running */
	struct relay_cuts cuts;
	int large_left;            /* large-chunk cuts still to make */
	bool bytes_cut_done;       /* once_after_bytes has cut its connection */
	int cut_count;             /* atomic */
	int stop;                  /* atomic */
	unsigned seed;
	pthread_t thread;
};

static int tcp_to(int port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof sa) == 0)
		return s;
	if (s >= 0)
		close(s);
	return -1;
}

/* Forwards one chunk; its size in *n. False when the link is done. */
static bool pump(int from, int to, ssize_t *n)
{
	char buf[65536];

	*n = recv(from, buf, sizeof buf, MSG_DONTWAIT);
	if (*n < 0 && (errno == EAGAIN || errno == EINTR)) {
		*n = 0;
		return true;
	}
	if (*n <= 0)
		return false;
	for (ssize_t off = 0; off < *n;) {
		ssize_t m = send(to, buf + off, (size_t)(*n - off), MSG_NOSIGNAL);
		if (m <= 0)
			return false;
		off += m;
	}
	return true;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reads one server chunk into the queue, due delay_ms from now; its size in
 * *n (0 at the server's end, which sets server_done). False on error. */
static bool hold(struct harness_relay *r, int from, ssize_t *n)
{
	char buf[65536];
	struct held *h;

	*n = recv(from, buf, sizeof buf, MSG_DONTWAIT);
	if (*n < 0 && (errno == EAGAIN || errno == EINTR)) {
		*n = 0;
		return true;
	}
	if (*n < 0)
		return false;
	if (*n == 0) {
		r->server_done = true;
		return true;
	}
	h = malloc(sizeof *h + (size_t)*n);
	if (h == NULL)
		return false;
	h->next = NULL;
	h->due_ms = now_ms() + (uint64_t)__atomic_load_n(&r->delay_ms, __ATOMIC_ACQUIRE);
	h->len = (size_t)*n;
	memcpy(h->data, buf, h->len);
	if (r->tail != NULL)
		r->tail->next = h;
	else
		r->head = h;
	r->tail = h;
	return true;
}

/* Sends the held chunks whose time has come, in order. False on error. */
static bool release_due(struct harness_relay *r, int to)
{
	uint64_t now = now_ms();

	while (r->head != NULL && r->head->due_ms <= now) {
		struct held *h = r->head;

		for (size_t off = 0; off < h->len;) {
			ssize_t m = send(to, h->data + off, h->len - off, MSG_NOSIGNAL);
			if (m <= 0)
				return false;
			off += (size_t)m;
		}
		r->head = h->next;
		if (r->head == NULL)
			r->tail = NULL;
		free(h);
	}
	return true;
}

static void drop_held(struct harness_relay *r)
{
	while (r->head != NULL) {
		struct held *h = r->head;

		r->head = h->next;
		free(h);
	}
	r->tail = NULL;
	r->server_done = false;
}

/* Forwards what the server sent: at once, or held back in delay mode (and
 * while earlier chunks are still held, to keep the order). False when the
 * link is done. */
static bool from_server(struct harness_relay *r, int sfd, int cfd, bool readable, ssize_t *n)
{
	*n = 0;
	if (r->head == NULL && !r->server_done && __atomic_load_n(&r->delay_ms, __ATOMIC_ACQUIRE) == 0)
		return !readable || pump(sfd, cfd, n);
	if (readable && !r->server_done && !hold(r, sfd, n))
		return false;
	if (!release_due(r, cfd))
		return false;
	return !(r->server_done && r->head == NULL);
}

/* The client chunk after which a new connection is cut (0: none). */
static int random_cut_at(struct harness_relay *r)
{
	if (r->cuts.random_after <= 0)
		return 0;
	return 3 + 1 + (int)(rand_r(&r->seed) % (unsigned)r->cuts.random_after);
}

/* Whether the client chunk just forwarded (number `chunk`, n bytes) is
 * the one to cut after. */
static bool cut_now(struct harness_relay *r, int chunk, int cut_at, ssize_t n)
{
	if (cut_at != 0 && chunk == cut_at)
		return true;
	if (r->large_left > 0 && n > 0 && (size_t)n >= r->cuts.large_min) {
		r->large_left--;
		return true;
	}
	return false;
}

static void *relay_main(void *arg)
{
	struct harness_relay *r = arg;
	int cfd = -1, sfd = -1, chunks = 0, cut_at = 0;
	size_t carried = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p[3] = { { r->lfd, POLLIN, 0 }, { cfd, POLLIN, 0 },
				       { r->server_done ? -1 : sfd, POLLIN, 0 } };
		bool ok = true;
		ssize_t n = 0;

		poll(p, cfd >= 0 ? 3 : 1, 10);
		if (p[0].revents & POLLIN) {
			int a = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC);
			if (a >= 0) {
				if (cfd >= 0)
					close(cfd), close(sfd);
				drop_held(r);
				cfd = a;
				sfd = tcp_to(__atomic_load_n(&r->target, __ATOMIC_ACQUIRE));
				if (sfd < 0) {
					close(cfd);
					cfd = -1;
				}
				chunks = 0;
				carried = 0;
				cut_at = random_cut_at(r);
			}
		}
		if (cfd < 0)
			continue;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ok = pump(cfd, sfd, &n);
			if (ok && n > 0 && cut_now(r, ++chunks, cut_at, n)) {
				usleep(300000);   /* the server acts; its answer is dropped */
				__atomic_add_fetch(&r->cut_count, 1, __ATOMIC_RELEASE);
				ok = false;
			}
		}
		carried += ok && n > 0 ? (size_t)n : 0;
		n = 0;
		if (ok)
			ok = from_server(r, sfd, cfd, p[2].revents & (POLLIN | POLLHUP | POLLERR), &n);
		carried += ok && n > 0 ? (size_t)n : 0;
		if (ok && r->cuts.once_after_bytes > 0 && !r->bytes_cut_done &&
		    carried >= r->cuts.once_after_bytes) {
			r->bytes_cut_done = true;
			__atomic_add_fetch(&r->cut_count, 1, __ATOMIC_RELEASE);
			ok = false;
		}
		if (!ok) {
			close(cfd);
			close(sfd);
			cfd = sfd = -1;
			drop_held(r);
		}
	}
	if (cfd >= 0)
		close(cfd), close(sfd);
	drop_held(r);
	return NULL;
}

struct harness_relay *harness_relay_start(int target_port, struct relay_cuts cuts)
{
	struct harness_relay *r = calloc(1, sizeof *r);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;

	assert_non_null(r);
	r->target = target_port;
	r->cuts = cuts;
	r->large_left = cuts.large;
	r->seed = 7;
	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(r->lfd >= 0);
	assert_int_equal(bind(r->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(r->lfd, 16), 0);
	assert_int_equal(getsockname(r->lfd, (struct sockaddr *)&sa, &sl), 0);
	r->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&r->thread, NULL, relay_main, r), 0);
	return r;
}

int harness_relay_port(const struct harness_relay *r)
{
	return r->port;
}

void harness_relay_retarget(struct harness_relay *r, int target_port)
{
	__atomic_store_n(&r->target, target_port, __ATOMIC_RELEASE);
}

void harness_relay_set_delay(struct harness_relay *r, int delay_ms)
{
	__atomic_store_n(&r->delay_ms, delay_ms, __ATOMIC_RELEASE);
}

int harness_relay_cut_count(const struct harness_relay *r)
{
	return __atomic_load_n(&r->cut_count, __ATOMIC_ACQUIRE);
}

void harness_relay_end(struct harness_relay *r)
{
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->thread, NULL);
	close(r->lfd);
	free(r);
}
