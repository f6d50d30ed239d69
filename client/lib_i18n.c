/* See lib_i18n.h. */
#include "lib_i18n.h"

#include <libintl.h>
#include <pthread.h>

#define DOMAIN "jianyi"

static void bind_domain(void)
{
	bindtextdomain(DOMAIN, jy_locale_dir());
	bind_textdomain_codeset(DOMAIN, "UTF-8");
}

const char *jy_text(const char *msgid)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, bind_domain);
	return dgettext(DOMAIN, msgid);
}
