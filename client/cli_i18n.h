/* Translations of the CLI's texts (gettext, domain "jianyi"; po/). _()
 * translates a text where it is printed; N_() only marks a text in a table
 * for xgettext, and the code that prints it passes it through _(). Every
 * source file that uses them is listed in po/POTFILES.in. */
#ifndef JY_CLI_I18N_H
#define JY_CLI_I18N_H

#include <libintl.h>

#define JY_TEXT_DOMAIN "jianyi"
#define _(text) gettext(text)
#define N_(text) text

/* Sets the locale from the environment (LANG, LC_ALL, LC_MESSAGES) and
 * binds the text domain to JIANYI_LOCALEDIR when set (the build tree's
 * po/ for the tests), else to the installed locale directory. */
void cli_i18n_init(void);

#endif
