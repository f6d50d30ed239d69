/* Where the gettext catalogues of the domain "jianyi" are, for libjianyi,
 * the CLI and "jianyid admin" alike (common/, so the server needs no
 * client code for it). */
#ifndef JY_LOCALE_DIR_H
#define JY_LOCALE_DIR_H

/* JIANYI_LOCALEDIR when set; else the installed locale directory, or, when
 * it has no catalogue of ours (zh_CN, the one language in po/LINGUAS) and
 * the build tree's po/ has, that one (a program run from the build tree,
 * as deploy/quickstart does). */
const char *jy_locale_dir(void);

#endif
