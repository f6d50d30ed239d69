/* The PROXY v2 header parser (server/net/proxy_v2.h): good IPv4, IPv6 and
 * LOCAL headers, TLVs skipped, every malformed case, and a header fed one
 * byte at a time, as a socket may deliver it; and the list of proxies
 * (server/base/addr_list.h) it is accepted from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "addr_list.h"
#include "proxy_v2.h"

static const uint8_t sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
				 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };

/* A header: signature, ver_cmd, family, then block (len bytes). */
static size_t header(uint8_t *out, uint8_t ver_cmd, uint8_t fam, const uint8_t *block,
		     size_t len)
{
	memcpy(out, sig, sizeof sig);
	out[12] = ver_cmd;
	out[13] = fam;
	out[14] = (uint8_t)(len >> 8);
	out[15] = (uint8_t)len;
	if (len)
		memcpy(out + 16, block, len);
	return 16 + len;
}

/* 192.0.2.7:51000 -> 198.51.100.1:7443 */
static const uint8_t v4_block[12] = { 192, 0, 2, 7, 198, 51, 100, 1, 0xc7, 0x38, 0x1d, 0x13 };

static size_t v4_header(uint8_t *out)
{
	return header(out, 0x21, 0x11, v4_block, sizeof v4_block);
}

static void good_v4(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = v4_header(buf), need = 0;
	struct proxy_v2 h;
	assert_int_equal(proxy_v2_parse(buf, n, &h, &need), PROXY_V2_OK);
	assert_false(h.local);
	assert_int_equal(h.header_bytes, 28);
	const struct sockaddr_in *src = (const void *)&h.src, *dst = (const void *)&h.dst;
	char text[INET_ADDRSTRLEN];
	assert_int_equal(src->sin_family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &src->sin_addr, text, sizeof text), "192.0.2.7");
	assert_int_equal(ntohs(src->sin_port), 51000);
	assert_string_equal(inet_ntop(AF_INET, &dst->sin_addr, text, sizeof text), "198.51.100.1");
	assert_int_equal(ntohs(dst->sin_port), 7443);
}

static void good_v6_with_tlvs(void **state)
{
	(void)state;
	uint8_t block[36 + 7] = { 0x20, 0x01, 0x0d, 0xb8 };   /* 2001:db8::1 */
	block[15] = 1;
	block[16] = 0x20, block[17] = 0x01, block[18] = 0x0d, block[19] = 0xb8;
	block[31] = 2;                                         /* 2001:db8::2 */
	block[32] = 0x1f, block[33] = 0x90;                    /* 8080 */
	block[34] = 0x1d, block[35] = 0x13;                    /* 7443 */
	/* A TLV (type 0x04 NOOP, 4 bytes): skipped. */
	block[36] = 0x04, block[37] = 0x00, block[38] = 0x04;
	uint8_t buf[128];
	size_t n = header(buf, 0x21, 0x21, block, sizeof block), need;
	struct proxy_v2 h;
	assert_int_equal(proxy_v2_parse(buf, n, &h, &need), PROXY_V2_OK);
	assert_int_equal(h.header_bytes, n);
	const struct sockaddr_in6 *src = (const void *)&h.src;
	char text[INET6_ADDRSTRLEN];
	assert_int_equal(src->sin6_family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &src->sin6_addr, text, sizeof text), "2001:db8::1");
	assert_int_equal(ntohs(src->sin6_port), 8080);
}

static void local_has_no_address(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct proxy_v2 h;
	size_t need;
	/* HAProxy's health check: LOCAL, family UNSPEC, no addresses. */
	size_t n = header(buf, 0x20, 0x00, NULL, 0);
	assert_int_equal(proxy_v2_parse(buf, n, &h, &need), PROXY_V2_OK);
	assert_true(h.local);
	assert_int_equal(h.header_bytes, 16);
	/* A LOCAL header's family and addresses are ignored, whatever they are. */
	n = header(buf, 0x20, 0x31, v4_block, 5);
	assert_int_equal(proxy_v2_parse(buf, n, &h, &need), PROXY_V2_OK);
	assert_true(h.local);
	assert_int_equal(h.header_bytes, 21);
}

/* Fed as a socket might deliver it, one byte more each time: it needs
 * more until the last byte, and never asks beyond the header. */
static void split_reads(void **state)
{
	(void)state;
	uint8_t buf[64];
	size_t n = v4_header(buf);
	buf[n] = 0x16;   /* the ClientHello's first byte, after the header */
	struct proxy_v2 h;
	for (size_t have = 0; have < n; have++) {
		size_t need = 0;
		assert_int_equal(proxy_v2_parse(buf, have, &h, &need), PROXY_V2_NEED_MORE);
		assert_true(need > have);
		assert_int_equal(need, have < 16 ? 16u : n);
	}
	size_t need;
	assert_int_equal(proxy_v2_parse(buf, n, &h, &need), PROXY_V2_OK);
	assert_int_equal(h.header_bytes, n);
}

static enum proxy_v2_result parse(const uint8_t *buf, size_t n)
{
	struct proxy_v2 h;
	size_t need;
	return proxy_v2_parse(buf, n, &h, &need);
}

static void malformed(void **state)
{
	(void)state;
	uint8_t buf[PROXY_V2_MAX_BYTES + 64];
	/* A TLS ClientHello where the header should be: known at the first byte. */
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00 };
	assert_int_equal(parse(hello, 1), PROXY_V2_BAD_SIGNATURE);
	assert_int_equal(parse(hello, sizeof hello), PROXY_V2_BAD_SIGNATURE);
	/* The signature wrong in its last byte. */
	size_t n = v4_header(buf);
	buf[11] = 0x0b;
	assert_int_equal(parse(buf, n), PROXY_V2_BAD_SIGNATURE);
	assert_int_equal(parse(buf, 11), PROXY_V2_NEED_MORE);
	/* Version 1, in text. */
	static const char v1[] = "PROXY TCP4 192.0.2.7 198.51.100.1 51000 7443\r\n";
	assert_int_equal(parse((const uint8_t *)v1, 3), PROXY_V2_TEXT_V1);
	assert_int_equal(parse((const uint8_t *)v1, sizeof v1 - 1), PROXY_V2_TEXT_V1);
	/* Version nibbles 1 and 3; known before the rest arrives. */
	n = header(buf, 0x11, 0x11, v4_block, sizeof v4_block);
	assert_int_equal(parse(buf, 13), PROXY_V2_BAD_VERSION);
	buf[12] = 0x31;
	assert_int_equal(parse(buf, n), PROXY_V2_BAD_VERSION);
	/* Commands 2 to 15. */
	for (uint8_t cmd = 2; cmd < 16; cmd++) {
		n = header(buf, (uint8_t)(0x20 | cmd), 0x11, v4_block, sizeof v4_block);
		assert_int_equal(parse(buf, n), PROXY_V2_BAD_COMMAND);
	}
	/* PROXY of UNSPEC, UDP, UNIX sockets, an unknown family. */
	static const uint8_t fams[] = { 0x00, 0x12, 0x22, 0x31, 0x32, 0x41, 0x10, 0x01 };
	for (size_t i = 0; i < sizeof fams; i++) {
		n = header(buf, 0x21, fams[i], v4_block, sizeof v4_block);
		assert_int_equal(parse(buf, n), PROXY_V2_BAD_FAMILY);
		assert_int_equal(parse(buf, 14), PROXY_V2_BAD_FAMILY);
	}
	/* Lengths too short for the family's addresses. */
	n = header(buf, 0x21, 0x11, v4_block, 11);
	assert_int_equal(parse(buf, n), PROXY_V2_SHORT_ADDRESS);
	assert_int_equal(parse(buf, 16), PROXY_V2_SHORT_ADDRESS);
	uint8_t block6[36] = { 0 };
	n = header(buf, 0x21, 0x21, block6, 12);   /* an IPv4 block under IPv6 */
	assert_int_equal(parse(buf, n), PROXY_V2_SHORT_ADDRESS);
	/* Longer than we take: refused when the length arrives, not read. */
	n = header(buf, 0x21, 0x11, v4_block, sizeof v4_block);
	buf[14] = 0xff, buf[15] = 0xff;
	assert_int_equal(parse(buf, 16), PROXY_V2_TOO_LONG);
	buf[14] = (uint8_t)((PROXY_V2_MAX_BYTES - 15) >> 8);
	buf[15] = (uint8_t)(PROXY_V2_MAX_BYTES - 15);
	assert_int_equal(parse(buf, 16), PROXY_V2_TOO_LONG);
	/* ... and the largest one taken is fine. */
	memset(buf + 16, 0, PROXY_V2_MAX_BYTES - 16);
	memcpy(buf + 16, v4_block, sizeof v4_block);
	buf[14] = (uint8_t)((PROXY_V2_MAX_BYTES - 16) >> 8);
	buf[15] = (uint8_t)(PROXY_V2_MAX_BYTES - 16);
	assert_int_equal(parse(buf, PROXY_V2_MAX_BYTES), PROXY_V2_OK);
	/* Every refusal has its own words for the log. */
	for (int r = PROXY_V2_BAD_SIGNATURE; r <= PROXY_V2_TOO_LONG; r++)
		assert_string_not_equal(proxy_v2_result_str((enum proxy_v2_result)r), "?");
}

/* ---- the proxies' addresses --------------------------------------------- */

static struct sockaddr_storage addr(const char *text)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *in = (void *)&ss;
	struct sockaddr_in6 *in6 = (void *)&ss;
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1)
		in->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1)
		in6->sin6_family = AF_INET6;
	else
		fail_msg("bad test address %s", text);
	return ss;
}

static bool on(const struct addr_list *l, const char *text)
{
	struct sockaddr_storage ss = addr(text);
	return addr_list_match(l, (const struct sockaddr *)&ss);
}

static void proxies_list(void **state)
{
	(void)state;
	struct addr_list l;
	char err[200];
	assert_true(addr_list_parse("127.0.0.1, ::1,10.1.0.0/16 , 2001:db8::/32, 192.0.2.9/31", &l,
				    err, sizeof err));
	assert_int_equal(l.n, 5);
	assert_true(on(&l, "127.0.0.1"));
	assert_false(on(&l, "127.0.0.2"));
	assert_true(on(&l, "::1"));
	assert_true(on(&l, "::ffff:127.0.0.1"));   /* IPv4 on a dual-stack socket */
	assert_true(on(&l, "10.1.255.3"));
	assert_false(on(&l, "10.2.0.1"));
	assert_true(on(&l, "2001:db8:ffff::5"));
	assert_false(on(&l, "2001:db9::5"));
	assert_true(on(&l, "192.0.2.8"));
	assert_false(on(&l, "192.0.2.10"));
	assert_true(addr_list_parse("0.0.0.0/0", &l, err, sizeof err));
	assert_true(on(&l, "203.0.113.1"));
	assert_false(on(&l, "2001:db8::1"));
}

static void proxies_list_refused(void **state)
{
	(void)state;
	struct addr_list l;
	char err[200];
	static const struct { const char *text, *names; } bad[] = {
		{ "", "empty entry" },
		{ "127.0.0.1,", "empty entry" },
		{ "localhost", "'localhost' is not an IPv4 or IPv6 address" },
		{ "127.0.0.1/33", "from 0 to 32" },
		{ "::1/129", "from 0 to 128" },
		{ "10.0.0.0/", "prefix length" },
		{ "10.0.0.0/8x", "prefix length" },
		{ "10.0.0.0/-1", "prefix length" },
		{ "1.2.3", "'1.2.3' is not" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (addr_list_parse(bad[i].text, &l, err, sizeof err))
			fail_msg("'%s' was taken", bad[i].text);
		if (!strstr(err, bad[i].names))
			fail_msg("'%s': the error '%s' does not say '%s'", bad[i].text, err, bad[i].names);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_v4),
		cmocka_unit_test(good_v6_with_tlvs),
		cmocka_unit_test(local_has_no_address),
		cmocka_unit_test(split_reads),
		cmocka_unit_test(malformed),
		cmocka_unit_test(proxies_list),
		cmocka_unit_test(proxies_list_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
