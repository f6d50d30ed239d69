/* See locale_dir.h. */
#include "locale_dir.h"

#include <stdlib.h>
#include <unistd.h>

#define CATALOGUE "/zh_CN/LC_MESSAGES/jianyi.mo"

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
