/* The one clock (see cli_clock.h). */
#include "cli_clock.h"
#include "cli_i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ZONE_MAX 64

static char zone_in_use[ZONE_MAX + 1];

/* An IANA name ("Area/City") that names a file of the zone database: TZ
 * would take any other text as UTC without a word. */
static bool zone_known(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (zone[0] == '/' || strlen(zone) > ZONE_MAX || strstr(zone, "..") != NULL)
		return false;
	for (const char *p = zone; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("_+-/", *p) != NULL))
			return false;
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
	return access(path, R_OK) == 0;
}

void cli_clock_use(const char *zone)
{
	if (zone == NULL || zone[0] == '\0' || strcmp(zone, zone_in_use) == 0)
		return;
	if (!zone_known(zone)) {
		char shown[ZONE_MAX + 1];

		snprintf(shown, sizeof shown, "%s", zone);
		for (char *p = shown; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		fprintf(stderr, _("jianyi: the congress's time zone '%s' is not known on this "
			"machine (install tzdata); times are shown in UTC\n"), shown);
		zone = "UTC";
	}
	snprintf(zone_in_use, sizeof zone_in_use, "%s", zone);
	setenv("TZ", zone_in_use, 1);
	tzset();
}

const char *cli_clock_zone(void)
{
	return zone_in_use;
}

/* RFC 3339 to seconds since the epoch; false if the text is not RFC 3339. */
static bool parse_rfc3339(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n == 0)
		return false;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return false;
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
	} else if (*p != 'Z' && *p != 'z') {
		return false;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - (time_t)(oh * 3600 + om * 60);
	return true;
}

/* rfc3339 as local time in *local; false (out holding the text as given)
 * if it is not RFC 3339. */
static bool to_local(const char *rfc3339, struct tm *local, char *out, size_t outlen)
{
	time_t t;

	snprintf(out, outlen, "%s", rfc3339);
	return parse_rfc3339(rfc3339, &t) && localtime_r(&t, local) != NULL;
}

void cli_clock_minute(const char *rfc3339, char *out, size_t outlen)
{
	struct tm local;

	if (to_local(rfc3339, &local, out, outlen))
		strftime(out, outlen, "%Y-%m-%d %H:%M", &local);
}

void cli_clock_date(const char *rfc3339, char *out, size_t outlen)
{
	struct tm local;

	if (to_local(rfc3339, &local, out, outlen))
		strftime(out, outlen, "%Y-%m-%d", &local);
}
