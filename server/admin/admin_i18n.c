/* See admin_i18n.h. */
#include "admin_i18n.h"

#include <locale.h>

#include "locale_dir.h"

#define TEXT_DOMAIN "jianyi"

void admin_i18n_init(void)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(TEXT_DOMAIN, jy_locale_dir());
	bind_textdomain_codeset(TEXT_DOMAIN, "UTF-8");
	textdomain(TEXT_DOMAIN);
}
