/* Every prepared statement the server runs, in one table (statements.c):
 * name, SQL text, parameter count. The pools prepare them on each new
 * connection; callers name one as &jy_statements[STMT_...] and pass values
 * as parameters, never in the text. Almost every statement calls one SQL
 * function (sql/functions/, docs/WORKFLOW.md "Where the SQL lives") and
 * answers one row, one column: its JSON as text. */
#ifndef JY_STATEMENTS_H
#define JY_STATEMENTS_H

#include <stddef.h>
#include "db.h"

enum jy_stmt_id {
	/* Accounts: the Hello's lookup (columns: enum sql_identity_col), the
	 * certificates of open sessions that ended, a health check. */
	STMT_IDENTITY_BY_CERT,
	STMT_CERTS_ENDED,
	STMT_PING_DB,
	/* The workflow (jy_act, jy_get, jy_list) and the reads built on it. */
	STMT_ACT,
	STMT_GET_SUGGESTION,
	STMT_LIST_SUGGESTIONS,
	STMT_LEDGER,
	STMT_STATS,
	STMT_DEADLINES,
	/* Topics, excellent suggestions, supervision (jy_write, jy_read). */
	STMT_WRITE,
	STMT_READ,
	/* The change feed. */
	STMT_SYNC,
	STMT_SYNC_MANY,
	STMT_FEED_NOTIFY,
	/* /metrics' figures that need the database (push/observe.c): columns
	 * newest event sequence, deliveries waiting. */
	STMT_OBSERVE,
	/* The read pool's lag probe (db/read_pool.c): one row, one float8. */
	STMT_READ_LAG,
	/* Deadline notices: the periodic job, the inbox, the notifier. */
	STMT_RAISE_NOTICES,
	STMT_INBOX,
	STMT_INBOX_AFTER,
	STMT_INBOX_MARK,
	STMT_CLAIM_DELIVERY,
	STMT_FINISH_DELIVERY,
	/* An unfinished upload's next chunk, for its SHA-256 (api/handlers_attach.c). */
	STMT_ATTACH_CHUNK,
	/* The periodic job: uploads left unfinished too long are removed. */
	STMT_DROP_UNFINISHED_UPLOADS,
	/* Enrollment: check a one-time code, then redeem it and bind the
	 * certificate (sql/functions/16_enrollment.sql). */
	STMT_ENROLL_CHECK,
	STMT_ENROLL_REDEEM,
	/* The public portal, last: its own pool prepares only these. */
	STMT_PORTAL_LIST,
	STMT_PORTAL_GET,
	STMT_PORTAL_STATS,
	STMT_PORTAL_EXCELLENT,
	STMT_PORTAL_UNSATISFIED,
	STMT_PORTAL_ATTACHMENT,
	STMT_COUNT,
	STMT_PORTAL_FIRST = STMT_PORTAL_LIST,
};

extern const struct db_stmt jy_statements[STMT_COUNT];
/* The portal pool's: jy_statements + STMT_PORTAL_FIRST, this many. */
#define JY_PORTAL_STATEMENTS (STMT_COUNT - STMT_PORTAL_FIRST)

/* STMT_IDENTITY_BY_CERT: at most one row, these columns. */
enum sql_identity_col {
	SQL_IDENTITY_ACCOUNT_ID = 0,
	SQL_IDENTITY_LOGIN,
	SQL_IDENTITY_DISPLAY_NAME,
	SQL_IDENTITY_ROLES,          /* comma-joined, e.g. "admin,leader" */
	SQL_IDENTITY_ORG_ID,
	SQL_IDENTITY_ORG_NAME,
	SQL_IDENTITY_ORG_KIND,
	SQL_IDENTITY_DISABLED,       /* 't' / 'f' */
	SQL_IDENTITY_REVOKED,        /* 't' / 'f' */
	SQL_IDENTITY_NOT_AFTER,      /* timestamptz text */
	SQL_IDENTITY_TIME_ZONE,      /* settings.time_zone, for the Welcome */
	SQL_IDENTITY_NCOLS
};

#endif
