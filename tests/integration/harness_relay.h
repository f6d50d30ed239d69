/* A relay that cuts links: a TCP relay on 127.0.0.1 in front of a server's
 * port, on its own thread, for tests of what a client does when the answer
 * to a request is lost (the server acted; the client never heard). It
 * serves one connection at a time (a new one replaces the old). It can
 * also hold the server's answers back for a while (a slow link), for tests
 * that a client does not wait on the network (harness_relay_set_delay). */
#ifndef JY_HARNESS_RELAY_H
#define JY_HARNESS_RELAY_H

#include <stddef.h>

/* When a connection is cut: right after a client chunk is forwarded and
 * the server had time to act on it (0.3 s), so that its answer never
 * arrives. Both rules may be 0: the relay only relays. */
struct relay_cuts {
	/* Each connection is cut after its client chunk 3 + 1..random_after
	 * (3: the handshake's and the Hello's chunks), picked by a fixed seed. */
	int random_after;
	/* The first `large` chunks of at least large_min bytes are cut after
	 * (a write's request; then the relay only relays). */
	int large;
	size_t large_min;
	/* The first connection to carry this many bytes (both ways together)
	 * is cut there, in the middle of whatever it carries; once (0: never). */
	size_t once_after_bytes;
};

struct harness_relay;

/* Starts a relay to 127.0.0.1:target_port; fails the test on error. */
struct harness_relay *harness_relay_start(int target_port, struct relay_cuts cuts);
/* The port clients connect to. */
int harness_relay_port(const struct harness_relay *r);
/* Connections from now on go to another port (a restarted server). */
void harness_relay_retarget(struct harness_relay *r, int target_port);
/* From now on every chunk the server sends reaches the client delay_ms
 * later (0: at once again; what is held already still waits its time).
 * The client's chunks are not delayed. */
void harness_relay_set_delay(struct harness_relay *r, int delay_ms);
/* How many connections it cut so far. */
int harness_relay_cut_count(const struct harness_relay *r);
/* Stops the thread and closes everything. */
void harness_relay_end(struct harness_relay *r);

#endif
