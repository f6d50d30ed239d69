/* Whether what a person reads under a Chinese locale is Chinese: the
 * checker of the CLI's (test_cli_zh.c) and jianyid admin's
 * (test_admin_safety.c) translations. */
#ifndef JY_ZH_WORDS_H
#define JY_ZH_WORDS_H

/* The locale of a Chinese desktop; LC_ALL and LANGUAGE emptied so that
 * nothing in the test's own environment overrides it. */
#define ZH_ENV "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=zh_CN.UTF-8"

/* Fails with the first English word in text, naming what printed it.
 * Allowed: ids, numbers, dates, file names and paths, --flags, environment
 * variables, fingerprints, choices (a|b) of allowed words, the names of
 * formats and programs (JSON, PEM, PostgreSQL ...), and the words of the
 * NULL-terminated lists in also (a NULL-terminated array; the commands,
 * values and names a test's program prints as typed). Text in braces
 * ({login, name}: the fields of --json output in help) is skipped. */
void zh_assert_chinese(const char *what, const char *text, const char *const *const *also);

/* Fails when text holds an internal name (snake_case: an action, state,
 * field or role as the code writes it). */
void zh_assert_no_snake_case(const char *what, const char *text);

#endif
