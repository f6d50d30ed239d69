/* The frame codec and envelope decoder on valid, truncated, oversized,
 * zero-length and garbage input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"

static Jianyi__Envelope *make_ping(uint64_t id, const char *payload)
{
	static Jianyi__Envelope env;
	static Jianyi__Request req;
	static Jianyi__PingRequest ping;
	jianyi__envelope__init(&env);
	jianyi__request__init(&req);
	jianyi__ping_request__init(&ping);
	ping.payload.data = (uint8_t *)payload;
	ping.payload.len = strlen(payload);
	req.body_case = JIANYI__REQUEST__BODY_PING;
	req.ping = &ping;
	env.id = id;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = &req;
	return &env;
}

static void round_trip(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	char err[200];
	assert_true(jy_frame_encode(make_ping(42, "hello"), 1024, &buf, &len, err, sizeof err));
	uint32_t body = 0;
	assert_int_equal(jy_frame_peek(buf, len, 1024, &body), JY_FRAME_OK);
	assert_int_equal(body + JY_FRAME_HEADER_BYTES, len);
	Jianyi__Envelope *env = jy_envelope_decode(buf + 4, body, err, sizeof err);
	assert_non_null(env);
	assert_int_equal(env->id, 42);
	assert_int_equal(env->body_case, JIANYI__ENVELOPE__BODY_REQUEST);
	assert_int_equal(env->request->body_case, JIANYI__REQUEST__BODY_PING);
	assert_memory_equal(env->request->ping->payload.data, "hello", 5);
	jy_envelope_free(env);
	free(buf);
}

static void truncated_is_incomplete(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	char err[200];
	assert_true(jy_frame_encode(make_ping(7, "abcdef"), 1024, &buf, &len, err, sizeof err));
	uint32_t body;
	/* Every strict prefix is incomplete, never OK and never an error. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(jy_frame_peek(buf, cut, 1024, &body), JY_FRAME_INCOMPLETE);
	/* A truncated body does not decode into something plausible. */
	assert_null(jy_envelope_decode(buf + 4, len - 4 - 3, err, sizeof err));
	free(buf);
}

static void oversized_rejected(void **state)
{
	(void)state;
	uint8_t hdr[4];
	uint32_t body;
	jy_frame_put_header(hdr, 1025);
	assert_int_equal(jy_frame_peek(hdr, 4, 1024, &body), JY_FRAME_TOO_LARGE);
	assert_int_equal(body, 1025);
	jy_frame_put_header(hdr, 0xFFFFFFFFu);
	assert_int_equal(jy_frame_peek(hdr, 4, 1024, &body), JY_FRAME_TOO_LARGE);
	jy_frame_put_header(hdr, 1024);
	assert_int_equal(jy_frame_peek(hdr, 4, 1024, &body), JY_FRAME_INCOMPLETE);
	/* The encoder refuses to produce what the peer would reject. */
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	uint8_t *buf = NULL;
	size_t len;
	char err[200];
	assert_false(jy_frame_encode(make_ping(1, big), 1024, &buf, &len, err, sizeof err));
	assert_null(buf);
	assert_non_null(strstr(err, "1024"));
}

static void zero_length_rejected(void **state)
{
	(void)state;
	uint8_t hdr[8] = { 0, 0, 0, 0, 1, 2, 3, 4 };
	uint32_t body = 99;
	assert_int_equal(jy_frame_peek(hdr, sizeof hdr, 1024, &body), JY_FRAME_EMPTY);
	assert_int_equal(body, 0);
	char err[200];
	assert_null(jy_envelope_decode(hdr, 0, err, sizeof err));
}

static void garbage_rejected(void **state)
{
	(void)state;
	char err[200];
	/* Deterministic pseudo-random garbage: none may crash the decoder, and
	 * what does decode must still pass its own checks. */
	uint32_t x = 12345;
	uint8_t buf[256];
	int rejected = 0;
	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)(round % (int)sizeof buf);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (uint8_t)(x >> 16);
		}
		Jianyi__Envelope *env = jy_envelope_decode(buf, n, err, sizeof err);
		if (!env)
			rejected++;
		jy_envelope_free(env);
	}
	assert_true(rejected > 1000);
	/* A wire type that does not exist. */
	const uint8_t bad[] = { 0x0f, 0x01 };
	assert_null(jy_envelope_decode(bad, sizeof bad, err, sizeof err));
	/* Field number 0, in a one-byte tag and in a two-byte one (protobuf-c
	 * kept the latter as an unknown field; found by fuzz_envelope). */
	const uint8_t zero1[] = { 0x02, 0x00 };
	assert_null(jy_envelope_decode(zero1, sizeof zero1, err, sizeof err));
	const uint8_t zero2[] = { 0x82, 0x00, 0x00 };
	assert_null(jy_envelope_decode(zero2, sizeof zero2, err, sizeof err));
	/* ... and nested: request { act { field 0 } } */
	const uint8_t zero3[] = { 0x08, 0x01, 0x12, 0x06, 0xa2, 0x06, 0x03, 0x82, 0x00, 0x00 };
	assert_null(jy_envelope_decode(zero3, sizeof zero3, err, sizeof err));
	assert_non_null(strstr(err, "field number 0"));
}

static void invalid_utf8_rejected(void **state)
{
	(void)state;
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__Hello hello = JIANYI__HELLO__INIT;
	hello.protocol_version = 1;
	hello.software = "bad\xff\xfe";
	req.body_case = JIANYI__REQUEST__BODY_HELLO;
	req.hello = &hello;
	env.id = 1;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = &req;
	uint8_t *buf;
	size_t len;
	char err[200];
	assert_true(jy_frame_encode(&env, 1024, &buf, &len, err, sizeof err));
	assert_null(jy_envelope_decode(buf + 4, len - 4, err, sizeof err));
	assert_non_null(strstr(err, "request.hello.software"));
	free(buf);
	/* Valid Chinese text passes. */
	hello.software = "建议/1.0";
	assert_true(jy_frame_encode(&env, 1024, &buf, &len, err, sizeof err));
	Jianyi__Envelope *ok = jy_envelope_decode(buf + 4, len - 4, err, sizeof err);
	assert_non_null(ok);
	assert_string_equal(ok->request->hello->software, "建议/1.0");
	jy_envelope_free(ok);
	free(buf);
}

static void decode_budget_enforced(void **state)
{
	(void)state;
	/* A Status with many tiny repeated violations: each costs far more
	 * memory unpacked than on the wire; a huge count must be refused. */
	size_t n = 200000;
	uint8_t *buf = malloc(n * 2 + 16);
	size_t o = 0;
	/* envelope.response (field 3, length-delimited) wraps status (field 1) */
	size_t status_len = n * 2;
	/* violations: field 3 of Status, empty message: 0x1a 0x00 */
	uint8_t inner[16];
	size_t il = 0;
	inner[il++] = 0x0a; /* Response.status */
	size_t v = status_len;
	while (v >= 0x80) { inner[il++] = (uint8_t)(v | 0x80); v >>= 7; }
	inner[il++] = (uint8_t)v;
	size_t resp_len = il + status_len;
	buf[o++] = 0x1a; /* Envelope.response */
	v = resp_len;
	while (v >= 0x80) { buf[o++] = (uint8_t)(v | 0x80); v >>= 7; }
	buf[o++] = (uint8_t)v;
	memcpy(buf + o, inner, il);
	o += il;
	for (size_t i = 0; i < n; i++) {
		buf[o++] = 0x1a;
		buf[o++] = 0x00;
	}
	char err[200];
	Jianyi__Envelope *env = jy_envelope_decode(buf, o, err, sizeof err);
	/* 200k violations x (pointer + struct) > 16 bytes per wire byte. */
	assert_null(env);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(truncated_is_incomplete),
		cmocka_unit_test(oversized_rejected),
		cmocka_unit_test(zero_length_rejected),
		cmocka_unit_test(garbage_rejected),
		cmocka_unit_test(invalid_utf8_rejected),
		cmocka_unit_test(decode_budget_enforced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
