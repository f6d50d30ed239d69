/* The PROXY protocol version 2 header a load balancer (HAProxy's
 * send-proxy-v2) puts before the bytes it relays, telling us the client's
 * address: a 12-byte signature, version and command, family and transport,
 * a 16-bit length, then the addresses and optional TLVs (ignored). Pure
 * parsing, no I/O: proxy_accept.c reads the bytes. A header may arrive in
 * pieces, so the parser looks at what came so far and says how many bytes
 * it needs in all. */
#ifndef JY_PROXY_V2_H
#define JY_PROXY_V2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PROXY_V2_SIG_BYTES 12
#define PROXY_V2_FIXED_BYTES 16
/* The largest header we take: the addresses (36 bytes for TCP over IPv6)
 * with room for the TLVs a balancer may add (unique id, SNI, ...). */
#define PROXY_V2_MAX_BYTES 1024

enum proxy_v2_result {
	PROXY_V2_OK,           /* a whole header: *out filled */
	PROXY_V2_NEED_MORE,    /* so far so good; *need: the header's whole size when known */
	PROXY_V2_BAD_SIGNATURE,/* not a PROXY v2 header (e.g. a TLS ClientHello) */
	PROXY_V2_TEXT_V1,      /* a version 1 (text) header */
	PROXY_V2_BAD_VERSION,  /* version nibble other than 2 */
	PROXY_V2_BAD_COMMAND,  /* command other than LOCAL or PROXY */
	PROXY_V2_BAD_FAMILY,   /* PROXY of something other than TCP over IPv4 or IPv6 */
	PROXY_V2_SHORT_ADDRESS,/* the length is smaller than the family's addresses */
	PROXY_V2_TOO_LONG,     /* the length is beyond PROXY_V2_MAX_BYTES */
};

struct proxy_v2 {
	bool local;                  /* LOCAL: the proxy's own connection (a health
				      * check); src and dst are not set */
	struct sockaddr_storage src; /* PROXY: the client */
	struct sockaddr_storage dst; /* PROXY: the address the client connected to */
	size_t header_bytes;         /* the whole header, TLVs included */
};

/* Parses buf[0..len), the first bytes of a connection. On PROXY_V2_NEED_MORE
 * *need is the total the header needs (PROXY_V2_FIXED_BYTES until its length
 * is known); read no more than that, so no byte after the header is taken. */
enum proxy_v2_result proxy_v2_parse(const uint8_t *buf, size_t len, struct proxy_v2 *out,
				    size_t *need);
/* Why a result is not OK, for the log line that closes the connection. */
const char *proxy_v2_result_str(enum proxy_v2_result r);

#endif
