#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"

#define VALID(s) assert_true(jy_utf8_valid(s, sizeof(s) - 1))
#define INVALID(s) assert_false(jy_utf8_valid(s, sizeof(s) - 1))

static void accepts_valid(void **state)
{
	(void)state;
	VALID("");
	VALID("plain ascii");
	VALID("关于加强农村道路养护的建议");
	VALID("\xF0\x9F\x98\x80");          /* U+1F600 */
	VALID("\xF4\x8F\xBF\xBF");          /* U+10FFFF */
	assert_int_equal(jy_utf8_length("建议ab", strlen("建议ab")), 4);
}

static void rejects_invalid(void **state)
{
	(void)state;
	INVALID("\xC0\xAF");                /* overlong '/' */
	INVALID("\xE0\x80\xAF");            /* overlong */
	INVALID("\xED\xA0\x80");            /* surrogate U+D800 */
	INVALID("\xF4\x90\x80\x80");        /* above U+10FFFF */
	INVALID("\xE5\xBB");                /* truncated 建 */
	INVALID("\x80");                    /* lone continuation */
	INVALID("\xFF");
	INVALID("ok\xE5\xBB\xBA\xE5");      /* good then truncated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_valid),
		cmocka_unit_test(rejects_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
