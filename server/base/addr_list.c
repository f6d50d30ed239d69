/* Address lists; see addr_list.h. */
#include "addr_list.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

/* One entry, without surrounding blanks: "a.b.c.d", "v6", either with "/N". */
static bool parse_entry(const char *s, struct addr_net *out, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	if (hlen == 0 || hlen >= sizeof host) {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", s);
		return false;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", host);
		return false;
	}
	if (slash) {
		char *end = NULL;
		unsigned long bits = isdigit((unsigned char)slash[1]) ? strtoul(slash + 1, &end, 10) : 999;
		if (bits == 999 || !end || *end || bits > out->prefix) {
			snprintf(err, errlen, "'%s': the prefix length must be a number from 0 to %u", s,
				 out->prefix);
			return false;
		}
		out->prefix = (unsigned)bits;
	}
	return true;
}

bool addr_list_parse(const char *text, struct addr_list *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *p = text;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		size_t len = strcspn(p, ",");
		size_t trimmed = len;
		while (trimmed > 0 && isspace((unsigned char)p[trimmed - 1]))
			trimmed--;
		char entry[80];
		if (trimmed == 0) {
			snprintf(err, errlen, "an empty entry (give addresses or networks, separated by commas)");
			return false;
		}
		if (trimmed >= sizeof entry) {
			snprintf(err, errlen, "'%.*s...' is too long for an address", 20, p);
			return false;
		}
		if (out->n == ADDR_LIST_MAX) {
			snprintf(err, errlen, "more than %d entries", ADDR_LIST_MAX);
			return false;
		}
		memcpy(entry, p, trimmed);
		entry[trimmed] = '\0';
		if (!parse_entry(entry, &out->net[out->n], err, errlen))
			return false;
		out->n++;
		if (p[len] != ',')
			return true;
		p += len + 1;
	}
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

bool addr_list_match(const struct addr_list *l, const struct sockaddr *sa)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	int family = sa->sa_family;
	const uint8_t *addr;
	if (family == AF_INET) {
		addr = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (family == AF_INET6) {
		addr = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		if (memcmp(addr, v4mapped, sizeof v4mapped) == 0) {
			family = AF_INET;
			addr += sizeof v4mapped;
		}
	} else {
		return false;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->net[i].family == family && prefix_equal(l->net[i].addr, addr, l->net[i].prefix))
			return true;
	return false;
}
