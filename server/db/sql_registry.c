/* The list of every prepared statement (see sql_registry.h). */
#include "sql_registry.h"
#include "sql_accounts.h"
#include "sql_workflow.h"
#include "sql_feed.h"
#include "sql_portal.h"
#include "sql_ledger.h"
#include "sql_stats.h"
#include "sql_deadlines.h"
#include "sql_notices.h"
#include "sql_supervision.h"

const struct db_stmt *const jy_all_statements[] = {
	&sql_identity_by_cert,
	&sql_ping_db,
	&sql_certs_ended,
	&sql_act,
	&sql_get_suggestion,
	&sql_list_suggestions,
	&sql_sync,
	&sql_sync_many,
	&sql_feed_notify,
	&sql_portal_list,
	&sql_portal_get,
	&sql_portal_stats,
	&sql_ledger,
	&sql_stats,
	&sql_deadlines,
	&sql_raise_notices,
	&sql_inbox,
	&sql_inbox_after,
	&sql_inbox_mark,
	&sql_claim_delivery,
	&sql_finish_delivery,
	&sql_write,
	&sql_read,
	&sql_portal_excellent,
	&sql_portal_unsatisfied,
};

const size_t jy_all_statements_count =
	sizeof jy_all_statements / sizeof jy_all_statements[0];

/* The portal's own pool prepares only what the public pages run. */
const struct db_stmt *const jy_portal_statements[] = {
	&sql_portal_list,
	&sql_portal_get,
	&sql_portal_stats,
	&sql_portal_excellent,
	&sql_portal_unsatisfied,
};

const size_t jy_portal_statements_count =
	sizeof jy_portal_statements / sizeof jy_portal_statements[0];
