/* "jianyid admin calendar-*": the working-day calendar (server/sql/:
 * schema/0007_calendar.sql, functions/03_calendar.sql): public holidays and make-up working days (调休), set one
 * at a time or loaded from a file; every change moves the deadlines set
 * from the calendar, in the same transaction. */
#ifndef JY_ADMIN_CALENDAR_H
#define JY_ADMIN_CALENDAR_H

#include <libpq-fe.h>

int admin_calendar_set(PGconn *conn, int argc, char **argv, char *err);
int admin_calendar_load(PGconn *conn, int argc, char **argv, char *err);
int admin_calendar_show(PGconn *conn, int argc, char **argv, char *err);

#endif
