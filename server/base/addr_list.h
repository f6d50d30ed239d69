/* A list of addresses and networks ("127.0.0.1, ::1, 10.0.0.0/8"), such as
 * the proxies a listener takes PROXY headers from ([server] proxy_from),
 * and whether a peer's address is on it. An IPv4 peer seen on a dual-stack
 * socket (::ffff:a.b.c.d) matches its IPv4 entries. */
#ifndef JY_ADDR_LIST_H
#define JY_ADDR_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

#define ADDR_LIST_MAX 32

struct addr_net {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];    /* network byte order; 4 bytes used for AF_INET */
	unsigned prefix;     /* leading bits that must match */
};

struct addr_list {
	struct addr_net net[ADDR_LIST_MAX];
	size_t n;
};

/* Parses a comma-separated list of addresses and CIDR networks (at least
 * one); false and err naming the entry at fault otherwise. */
bool addr_list_parse(const char *text, struct addr_list *out, char *err, size_t errlen);
/* Whether sa (AF_INET or AF_INET6) is on the list. */
bool addr_list_match(const struct addr_list *l, const struct sockaddr *sa);

#endif
