/* See cli_i18n.h. */
#include "cli_i18n.h"

#include <locale.h>
#include <stdlib.h>

void cli_i18n_init(void)
{
	const char *dir = getenv("JIANYI_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* numbers keep their '.' in every locale: --json and the tables are
	 * read by programs too */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(JY_TEXT_DOMAIN, dir != NULL && dir[0] != '\0' ? dir : JY_LOCALEDIR);
	bind_textdomain_codeset(JY_TEXT_DOMAIN, "UTF-8");
	textdomain(JY_TEXT_DOMAIN);
}
