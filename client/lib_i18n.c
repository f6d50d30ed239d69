/* See lib_i18n.h. */
#include "lib_i18n.h"

#include <libintl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define DOMAIN "jianyi"

#define CATALOGUE "/zh_CN/LC_MESSAGES/" DOMAIN ".mo"

const char *jy_locale_dir(void)
{
	const char *dir = getenv("JIANYI_LOCALEDIR");

	if (dir != NULL && dir[0] != '\0')
		return dir;
#ifdef JY_BUILD_LOCALEDIR
	if (access(JY_LOCALEDIR CATALOGUE, R_OK) != 0 && access(JY_BUILD_LOCALEDIR CATALOGUE, R_OK) == 0)
		return JY_BUILD_LOCALEDIR;
#endif
	return JY_LOCALEDIR;
}

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
