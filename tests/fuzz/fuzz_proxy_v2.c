/* fuzz_proxy_v2: arbitrary bytes as the start of a connection from a
 * proxy, read as proxy_accept.c reads them (never more than the parser
 * asks for), the first byte of the input choosing how the socket cuts it
 * into pieces. Whatever the pieces, the verdict agrees with the one for
 * the whole input at once; the parser never asks for bytes beyond its limit nor for
 * none, and an accepted header is exactly the bytes it asked for. */
#include "fuzz_common.h"

#include <stdint.h>
#include <string.h>

#include "proxy_v2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t piece = 1 + data[0] % 32;   /* the largest piece a read returns */
	data++, size--;
	size_t have = 0;
	struct proxy_v2 h;
	enum proxy_v2_result r;
	for (;;) {
		size_t need = 0;
		r = proxy_v2_parse(data, have, &h, &need);
		if (r != PROXY_V2_NEED_MORE)
			break;
		if (need <= have || need > PROXY_V2_MAX_BYTES)
			fuzz_fail("asks for no more bytes, or for more than the limit");
		if (have == size)
			return 0;   /* the rest never comes: the handshake timeout */
		size_t n = need - have;
		if (n > piece)
			n = piece;
		if (n > size - have)
			n = size - have;
		have += n;
	}
	/* The whole input at once (the header and what follows it): the
	 * same header, or a refusal too. */
	struct proxy_v2 whole;
	size_t need;
	enum proxy_v2_result w = proxy_v2_parse(data, size, &whole, &need);
	if (r == PROXY_V2_OK) {
		if (w != PROXY_V2_OK || whole.header_bytes != h.header_bytes || whole.local != h.local)
			fuzz_fail("the header read in pieces differs from the one read at once");
		if (h.header_bytes != have || h.header_bytes < PROXY_V2_FIXED_BYTES)
			fuzz_fail("a header is not the bytes it asked for");
		if (!h.local && h.src.ss_family != h.dst.ss_family)
			fuzz_fail("source and destination of different families");
	} else {
		if (w == PROXY_V2_OK || w == PROXY_V2_NEED_MORE)
			fuzz_fail("refused in pieces, taken at once");
		if (strcmp(proxy_v2_result_str(r), "?") == 0)
			fuzz_fail("a refusal without words");
	}
	return 0;
}
