/* See cli_i18n.h. */
#include "cli_i18n.h"

#include <locale.h>
#include <stdlib.h>

#include "locale_dir.h"

void cli_i18n_init(void)
{
	setlocale(LC_ALL, "");
	/* numbers keep their '.' in every locale: --json and the tables are
	 * read by programs too */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(JY_TEXT_DOMAIN, jy_locale_dir());
	bind_textdomain_codeset(JY_TEXT_DOMAIN, "UTF-8");
	textdomain(JY_TEXT_DOMAIN);
}
