/* Flag checks shared by the workflow and reading commands (see cli_flags.h). */
#include "cli_flags.h"
#include "cli_i18n.h"
#include "cli_resolve.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "cli_output.h"
#include "jy_limits.h"
#include "utf8.h"
#include "xalloc.h"

bool cli_usage_error(const struct cli_invocation *inv, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cli_fail(CLI_EXIT_USAGE, "%s: %s", inv->cmd->name, msg);
	return false;
}

static bool missing(const struct cli_invocation *inv, const char *flag)
{
	return cli_usage_error(inv, _("--%s: required; see 'jianyi help %s'"), flag, inv->cmd->name);
}

/* Plain digits only: strtoll would take " 5", "+5" and "0x5". */
static bool parse_whole(const char *s, long long max, long long *out)
{
	long long v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_id(const char *s, int64_t *out)
{
	long long v;

	if (!parse_whole(s, CLI_MAX_ID, &v) || v == 0)
		return false;
	*out = v;
	return true;
}

bool cli_get_case_id(const struct cli_invocation *inv, int64_t *out)
{
	if (inv->nargs == 0)
		return cli_usage_error(inv, _("ID: missing (the suggestion's id); see 'jianyi help %s'"),
				       inv->cmd->name);
	/* Not an id: a case number (18-2-3, 第18届第2次会议第3号). */
	return parse_id(inv->args[0], out) || cli_resolve(inv, NULL, inv->args[0], out);
}

bool cli_get_id(const struct cli_invocation *inv, const char *flag, enum cli_need need,
		int64_t *out)
{
	const char *v = cli_value(inv, flag);

	if (v == NULL)
		return need == CLI_OPTIONAL || missing(inv, flag);
	/* Not an id: a name, or a case's number. */
	return parse_id(v, out) || cli_resolve(inv, flag, v, out);
}

bool cli_get_ids(const struct cli_invocation *inv, const char *flag, int64_t *out,
		 size_t max, size_t *n)
{
	const char *vals[CLI_MAX_REPEATED];
	size_t count = cli_values(inv, flag, vals, CLI_MAX_REPEATED);

	if (count > max)
		return cli_usage_error(inv, _("--%s: at most %zu"), flag, max);
	for (size_t i = 0; i < count; i++) {
		if (!parse_id(vals[i], &out[i]) && !cli_resolve(inv, flag, vals[i], &out[i]))
			return false;
		for (size_t j = 0; j < i; j++)
			if (out[j] == out[i])
				return cli_usage_error(inv, _("--%s: %s is given twice"), flag, vals[i]);
	}
	*n = count;
	return true;
}

bool cli_get_int(const struct cli_invocation *inv, const char *flag, long min, long max,
		 enum cli_need need, long *out)
{
	const char *v = cli_value(inv, flag);
	long long n;

	if (v == NULL)
		return need == CLI_OPTIONAL || missing(inv, flag);
	if (!parse_whole(v, max, &n) || n < min)
		return cli_usage_error(inv, _("--%s: '%s' is not a whole number from %ld to %ld"),
				       flag, v, min, max);
	*out = (long)n;
	return true;
}

bool cli_date_valid(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	/* 29 February only in leap years */
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

bool cli_get_date(const struct cli_invocation *inv, const char *flag, enum cli_need need,
		  const char **out)
{
	const char *v = cli_value(inv, flag);

	if (v == NULL)
		return need == CLI_OPTIONAL || missing(inv, flag);
	if (!cli_date_valid(v))
		return cli_usage_error(inv, _("--%s: '%s' is not a date written YYYY-MM-DD"), flag, v);
	*out = v;
	return true;
}

bool cli_get_choice(const struct cli_invocation *inv, const char *flag,
		    const char *const *choices, enum cli_need need, int *out)
{
	const char *v = cli_value(inv, flag);
	char list[256] = "";

	if (v == NULL)
		return need == CLI_OPTIONAL || missing(inv, flag);
	for (int i = 0; choices[i] != NULL; i++) {
		if (strcmp(choices[i], v) == 0) {
			*out = i;
			return true;
		}
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			 i ? ", " : "", choices[i]);
	}
	return cli_usage_error(inv, _("--%s: '%s' is not one of %s"), flag, v, list);
}

/* Why s is not acceptable text, or NULL. */
static const char *text_problem(const char *s, size_t len)
{
	if (!jy_utf8_valid(s, len))
		return _("is not valid UTF-8 (convert it, e.g. iconv -f GBK -t UTF-8)");
	if (memchr(s, '\0', len) != NULL)
		return _("contains a NUL byte");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return _("contains a control character");
	}
	return NULL;
}

bool cli_get_str(const struct cli_invocation *inv, const char *flag, enum cli_need need,
		 const char **out)
{
	const char *v = cli_value(inv, flag), *why;

	if (v == NULL)
		return need == CLI_OPTIONAL || missing(inv, flag);
	if ((why = text_problem(v, strlen(v))) != NULL)
		return cli_usage_error(inv, _("--%s: the text %s"), flag, why);
	*out = v;
	return true;
}

bool cli_get_strs(const struct cli_invocation *inv, const char *flag, const char **out,
		  size_t max, size_t *n)
{
	size_t count = cli_values(inv, flag, out, max);
	const char *why;

	if (count > max)
		return cli_usage_error(inv, _("--%s: at most %zu"), flag, max);
	for (size_t i = 0; i < count; i++)
		if ((why = text_problem(out[i], strlen(out[i]))) != NULL)
			return cli_usage_error(inv, "--%s: '%s' %s", flag, out[i], why);
	*n = count;
	return true;
}

/* Reads all of f, at most CLI_MAX_TEXT_BYTES; NULL with errno, or EFBIG. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 64 * 1024, n = 0, got;
	char *buf = jy_xmalloc(cap + 1);

	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n > CLI_MAX_TEXT_BYTES) {
			free(buf);
			errno = EFBIG;
			return NULL;
		}
		if (n == cap) {
			cap = cap * 2 > CLI_MAX_TEXT_BYTES + 1 ? CLI_MAX_TEXT_BYTES + 1 : cap * 2;
			buf = jy_xrealloc(buf, cap + 1);
		}
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		free(buf);
		errno = e;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

bool cli_get_long_text(const struct cli_invocation *inv, const char *flag,
		       enum cli_need need, char **out)
{
	char file_flag[64];
	const char *inline_text, *path, *why;
	size_t len = 0;
	FILE *f;
	char *text;

	snprintf(file_flag, sizeof file_flag, "%s-file", flag);
	inline_text = cli_value(inv, flag);
	path = cli_value(inv, file_flag);
	if (inline_text != NULL && path != NULL)
		return cli_usage_error(inv, _("--%s: give --%s or --%s, not both"), file_flag, flag,
				       file_flag);
	if (inline_text != NULL) {
		if (!cli_get_str(inv, flag, CLI_REQUIRED, &inline_text))
			return false;
		*out = jy_xstrdup(inline_text);
		return true;
	}
	if (path == NULL) {
		if (need == CLI_OPTIONAL)
			return true;
		return cli_usage_error(inv, _("--%s: required (or --%s FILE, '-' for standard input)"),
				       flag, file_flag);
	}
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return cli_usage_error(inv, _("--%s: cannot open %s: %s"), file_flag, path,
				       strerror(errno));
	errno = 0;
	text = slurp(f, &len);
	if (text == NULL) {
		int e = errno;

		if (f != stdin)
			fclose(f);
		if (e == EFBIG)
			return cli_usage_error(inv, _("--%s: %s is larger than 1 MiB"), file_flag,
					       f == stdin ? _("standard input") : path);
		return cli_usage_error(inv, _("--%s: cannot read %s: %s"), file_flag,
				       f == stdin ? _("standard input") : path, strerror(e));
	}
	if (f != stdin)
		fclose(f);
	if ((why = text_problem(text, len)) != NULL) {
		free(text);
		return cli_usage_error(inv, _("--%s: %s %s"), file_flag,
				       strcmp(path, "-") == 0 ? _("standard input") : path, why);
	}
	if (len == 0 || strspn(text, " \t\r\n") == len) {
		free(text);
		return cli_usage_error(inv, _("--%s: %s is empty"), file_flag,
				       strcmp(path, "-") == 0 ? _("standard input") : path);
	}
	*out = text;
	return true;
}

/* The CLI's keys fit the protocol's limit. */
_Static_assert(CLI_IDEMPOTENCY_KEY_MAX <= JY_IDEMPOTENCY_KEY_MAX, "CLI keys longer than the protocol allows");

bool cli_get_idempotency_key(const struct cli_invocation *inv,
			     char out[CLI_IDEMPOTENCY_KEY_MAX + 1])
{
	const char *v = cli_value(inv, "idempotency-key");
	unsigned char raw[16];

	if (v != NULL) {
		size_t n = strlen(v);

		/* room for the ".submit" that submit derives for its second step */
		if (n > CLI_IDEMPOTENCY_KEY_MAX - 8 ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") != n)
			return cli_usage_error(inv, _("--idempotency-key: '%s' is not 1 to %d of "
					       "A-Z a-z 0-9 - _ . :"), v, CLI_IDEMPOTENCY_KEY_MAX - 8);
		memcpy(out, v, n + 1);
		return true;
	}
	if (RAND_bytes(raw, sizeof raw) != 1) {
		cli_fail(CLI_EXIT_FAILURE, _("cannot draw a random idempotency key; give --idempotency-key"));
		return false;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return true;
}
