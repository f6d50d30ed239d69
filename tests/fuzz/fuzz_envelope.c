/* fuzz_envelope: arbitrary bytes as one frame body. The envelope decoder
 * with its allocation budget and UTF-8 walk, the server's checks on what
 * decodes (act_validate on any ActRequest), and the codec's promises: what
 * decodes re-encodes, decodes again, and encodes the same the second time. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include "act_validate.h"
#include "frame.h"
#include "protocol.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The UTF-8 walker on raw bytes; a valid string's length in
	 * characters is never more than its length in bytes. */
	if (jy_utf8_valid((const char *)data, size) &&
	    jy_utf8_length((const char *)data, size) > size)
		fuzz_fail("more characters than bytes");
	if (size <= 10) {
		char s[11];
		memcpy(s, data, size);
		s[size] = '\0';
		(void)valid_date(s);
	}

	char err[300];
	Jianyi__Envelope *env = jy_envelope_decode(data, size, err, sizeof err);
	if (!env)
		return 0;
	bool hello_seen = true; /* past the Hello: every request type is handled */
	(void)fuzz_server_envelope(env, &hello_seen);

	uint8_t *f1, *f2;
	size_t l1, l2;
	if (!jy_frame_encode(env, JY_HARD_MAX_FRAME, &f1, &l1, err, sizeof err)) {
		/* only an envelope with nothing set packs to 0 bytes */
		if (jianyi__envelope__get_packed_size(env) != 0)
			fuzz_fail(err);
		jy_envelope_free(env);
		return 0;
	}
	jy_envelope_free(env);
	Jianyi__Envelope *again = jy_envelope_decode(f1 + JY_FRAME_HEADER_BYTES, l1 - JY_FRAME_HEADER_BYTES,
						     err, sizeof err);
	if (!again)
		fuzz_fail("a decoded envelope, encoded again, does not decode");
	if (!jy_frame_encode(again, JY_HARD_MAX_FRAME, &f2, &l2, err, sizeof err))
		fuzz_fail(err);
	if (l1 != l2 || memcmp(f1, f2, l1) != 0)
		fuzz_fail("encoding is not stable across a decode");
	jy_envelope_free(again);
	free(f1);
	free(f2);
	return 0;
}
