/* "jianyid admin enroll-code": a one-time enrollment code for an account
 * (docs/ARCHITECTURE.md "Enrollment"). */
#ifndef JY_ADMIN_ENROLL_H
#define JY_ADMIN_ENROLL_H

#include <libpq-fe.h>

int admin_enroll_code(PGconn *conn, int argc, char **argv, char *err);

#endif
