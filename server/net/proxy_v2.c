/* PROXY protocol v2 parsing; see proxy_v2.h. The format is HAProxy's
 * "The PROXY protocol" specification, section 2.2. */
#include "proxy_v2.h"

#include <string.h>
#include <netinet/in.h>

static const uint8_t signature[PROXY_V2_SIG_BYTES] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
						       0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };

enum { CMD_LOCAL = 0x0, CMD_PROXY = 0x1 };
enum { TCP_OVER_IPV4 = 0x11, TCP_OVER_IPV6 = 0x21 };
#define IPV4_BLOCK 12u   /* source and destination addresses, then ports */
#define IPV6_BLOCK 36u

const char *proxy_v2_result_str(enum proxy_v2_result r)
{
	switch (r) {
	case PROXY_V2_OK: return "ok";
	case PROXY_V2_NEED_MORE: return "incomplete PROXY header";
	case PROXY_V2_BAD_SIGNATURE: return "no PROXY v2 header (wrong signature)";
	case PROXY_V2_TEXT_V1: return "a PROXY v1 (text) header; only v2 is accepted (send-proxy-v2)";
	case PROXY_V2_BAD_VERSION: return "PROXY header of a version other than 2";
	case PROXY_V2_BAD_COMMAND: return "PROXY header with a command other than LOCAL or PROXY";
	case PROXY_V2_BAD_FAMILY: return "PROXY header for something other than TCP over IPv4 or IPv6";
	case PROXY_V2_SHORT_ADDRESS: return "PROXY header too short for its addresses";
	case PROXY_V2_TOO_LONG: return "PROXY header longer than 1024 bytes";
	}
	return "?";
}
_Static_assert(PROXY_V2_MAX_BYTES == 1024, "proxy_v2_result_str names the limit");

/* The bytes received so far must be the signature's beginning. */
static enum proxy_v2_result check_signature(const uint8_t *buf, size_t len)
{
	size_t n = len < PROXY_V2_SIG_BYTES ? len : PROXY_V2_SIG_BYTES;
	if (memcmp(buf, signature, n) == 0)
		return PROXY_V2_OK;
	static const char v1[] = "PROXY ";
	size_t m = len < sizeof v1 - 1 ? len : sizeof v1 - 1;
	return memcmp(buf, v1, m) == 0 ? PROXY_V2_TEXT_V1 : PROXY_V2_BAD_SIGNATURE;
}

static void put_v4(struct sockaddr_storage *ss, const uint8_t *addr, const uint8_t *port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof *ss);
	in->sin_family = AF_INET;
	memcpy(&in->sin_addr, addr, 4);
	memcpy(&in->sin_port, port, 2);   /* both in network byte order */
}

static void put_v6(struct sockaddr_storage *ss, const uint8_t *addr, const uint8_t *port)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	in6->sin6_family = AF_INET6;
	memcpy(&in6->sin6_addr, addr, 16);
	memcpy(&in6->sin6_port, port, 2);
}

/* The addresses of a whole PROXY command's header (its length checked). */
static void read_addresses(const uint8_t *buf, uint8_t fam, struct proxy_v2 *out)
{
	const uint8_t *a = buf + PROXY_V2_FIXED_BYTES;
	if (fam == TCP_OVER_IPV4) {
		put_v4(&out->src, a, a + 8);
		put_v4(&out->dst, a + 4, a + 10);
	} else {
		put_v6(&out->src, a, a + 32);
		put_v6(&out->dst, a + 16, a + 34);
	}
}

enum proxy_v2_result proxy_v2_parse(const uint8_t *buf, size_t len, struct proxy_v2 *out,
				    size_t *need)
{
	*need = PROXY_V2_FIXED_BYTES;
	enum proxy_v2_result r = check_signature(buf, len);
	if (r != PROXY_V2_OK)
		return r;
	if (len <= PROXY_V2_SIG_BYTES)
		return PROXY_V2_NEED_MORE;
	uint8_t ver_cmd = buf[12];
	if (ver_cmd >> 4 != 2)
		return PROXY_V2_BAD_VERSION;
	uint8_t cmd = ver_cmd & 0x0f;
	if (cmd != CMD_LOCAL && cmd != CMD_PROXY)
		return PROXY_V2_BAD_COMMAND;
	if (len < 14)
		return PROXY_V2_NEED_MORE;
	/* LOCAL: the family is to be ignored (the spec's words). */
	uint8_t fam = buf[13];
	if (cmd == CMD_PROXY && fam != TCP_OVER_IPV4 && fam != TCP_OVER_IPV6)
		return PROXY_V2_BAD_FAMILY;
	if (len < PROXY_V2_FIXED_BYTES)
		return PROXY_V2_NEED_MORE;
	size_t block = (size_t)buf[14] << 8 | buf[15];
	if (PROXY_V2_FIXED_BYTES + block > PROXY_V2_MAX_BYTES)
		return PROXY_V2_TOO_LONG;
	if (cmd == CMD_PROXY && block < (fam == TCP_OVER_IPV4 ? IPV4_BLOCK : IPV6_BLOCK))
		return PROXY_V2_SHORT_ADDRESS;
	*need = PROXY_V2_FIXED_BYTES + block;
	if (len < *need)
		return PROXY_V2_NEED_MORE;
	memset(out, 0, sizeof *out);
	out->header_bytes = *need;
	out->local = cmd == CMD_LOCAL;
	if (!out->local)
		read_addresses(buf, fam, out);
	return PROXY_V2_OK;
}
