/* "jianyid admin" and jianyid's --help speak the operator's language
 * (gettext domain "jianyi", the CLI's; po/). _() translates a text where it
 * is printed; N_() only marks a text in a table, which is printed through
 * _(). Every source file that uses them is listed in po/POTFILES.in. The
 * server's log lines (logfmt, read by tools) are never translated. */
#ifndef JY_ADMIN_I18N_H
#define JY_ADMIN_I18N_H

#include <libintl.h>

#define _(text) gettext(text)
#define N_(text) text

/* Takes the language from the environment (LANG, LC_ALL, LC_MESSAGES) and
 * binds the text domain to jy_locale_dir() (JIANYI_LOCALEDIR for the
 * tests). Numbers keep their '.' in every locale. */
void admin_i18n_init(void);

#endif
