/* fuzz_frame: arbitrary bytes as the stream a client sends after the TLS
 * handshake, cut into frames exactly as session.c's process_input does
 * (jy_frame_peek on the header, wait for the body, jy_envelope_decode),
 * each decoded envelope handled as the server would, until the server
 * would close the connection. */
#include "fuzz_common.h"

#include <stdint.h>

#include "frame.h"
#include "protocol.h"

/* A small limit, so that the fuzzer reaches TOO_LARGE as well. */
#define MAX_BODY (64u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool hello_seen = false;
	size_t off = 0;
	for (;;) {
		size_t avail = size - off;
		uint32_t n;
		enum jy_frame_result r = jy_frame_peek(data + off, avail, MAX_BODY, &n);
		if (r == JY_FRAME_INCOMPLETE) {
			/* the header, once complete, must already announce the length */
			if (avail >= JY_FRAME_HEADER_BYTES && (n == 0 || n > MAX_BODY))
				fuzz_fail("incomplete frame with an impossible length");
			break; /* wait for bytes that never come */
		}
		if (r != JY_FRAME_OK)
			break; /* EMPTY or TOO_LARGE: the session is aborted */
		if (n == 0 || n > MAX_BODY || avail < JY_FRAME_HEADER_BYTES + (size_t)n)
			fuzz_fail("jy_frame_peek said OK for a frame that is not all there");
		char err[300];
		Jianyi__Envelope *env = jy_envelope_decode(data + off + JY_FRAME_HEADER_BYTES, n,
							   err, sizeof err);
		off += JY_FRAME_HEADER_BYTES + n;
		if (!env) {
			if (!err[0])
				fuzz_fail("decode failed without a reason");
			break; /* "undecodable frame": aborted */
		}
		bool go_on = fuzz_server_envelope(env, &hello_seen);
		jy_envelope_free(env);
		if (!go_on)
			break;
	}
	return 0;
}
