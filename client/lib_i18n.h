/* libjianyi's human texts (the reasons in struct jy_error) in the reader's
 * language: gettext domain "jianyi", the CLI's (po/). The program chooses
 * the language (setlocale); the library binds the domain to
 * jy_locale_dir(). */
#ifndef JY_LIB_I18N_H
#define JY_LIB_I18N_H

#include "locale_dir.h"

/* msgid translated (returned as it is without a translation). */
const char *jy_text(const char *msgid) __attribute__((format_arg(1)));

#define _(text) jy_text(text)
#define N_(text) text

#endif
