/* The statement registry (statements.h): one row per prepared statement.
 * The functions answer jsonb; ::text hands the C side one string to parse.
 * Each parameter's type is the cast on its placeholder. */
#include "statements.h"

const struct db_stmt jy_statements[STMT_COUNT] = {
	/* $1 certificate SHA-256 (lowercase hex). */
	[STMT_IDENTITY_BY_CERT] = {
		.name = "identity_by_cert",
		.sql = "SELECT a.id, a.login, a.display_name,"
		       " array_to_string(a.roles, ','),"
		       " o.id, o.name, o.kind,"
		       " a.disabled,"
		       " c.revoked_at IS NOT NULL,"
		       " c.not_after,"
		       " jy_setting(a.congress_id, 'time_zone')"
		       " FROM certificates c"
		       " JOIN accounts a ON a.id = c.account_id"
		       " JOIN organizations o ON o.id = a.organization_id"
		       " WHERE c.sha256 = $1::text",
		.nparams = 1,
	},
	/* $1 the certificates of open sessions (repeats allowed). One row per
	 * certificate that may no longer be used: (sha256, why), why being
	 * "revoked", "disabled" (its account) or "unbound" (no such certificate). */
	[STMT_CERTS_ENDED] = {
		.name = "certs_ended",
		.sql = "SELECT s.sha256,"
		       " CASE WHEN c.sha256 IS NULL THEN 'unbound'"
		       "  WHEN c.revoked_at IS NOT NULL THEN 'revoked' ELSE 'disabled' END"
		       " FROM (SELECT DISTINCT unnest($1::text[])) AS s(sha256)"
		       " LEFT JOIN certificates c ON c.sha256 = s.sha256"
		       " LEFT JOIN accounts a ON a.id = c.account_id"
		       " WHERE c.sha256 IS NULL OR c.revoked_at IS NOT NULL OR a.disabled",
		.nparams = 1,
	},
	/* One row "1". */
	[STMT_PING_DB] = { .name = "ping_db", .sql = "SELECT 1", .nparams = 0 },

	/* $1 actor account id, $2 action name, $3 suggestion id (NULL or 0 for
	 * create), $4 expected version, $5 transitions {"from":"to",...},
	 * $6 relation name, $7 params (proto field names), $8 idempotency key,
	 * $9 request hash. */
	[STMT_ACT] = {
		.name = "act",
		.sql = "SELECT jy_act($1::bigint, $2::text, $3::bigint, $4::int, $5::jsonb,"
		       " $6::text, $7::jsonb, $8::text, $9::text)::text",
		.nparams = 9,
	},
	/* $1 viewer account id, $2 suggestion id. */
	[STMT_GET_SUGGESTION] = {
		.name = "get_suggestion",
		.sql = "SELECT jy_get_with_actions($1::bigint, $2::bigint, $3::jsonb)::text",
		.nparams = 3,
	},
	/* $1 viewer account id, $2 filters, $3 page size, $4 after id. */
	[STMT_LIST_SUGGESTIONS] = {
		.name = "list_suggestions",
		.sql = "SELECT jy_list($1::bigint, $2::jsonb, $3::int, $4::bigint)::text",
		.nparams = 4,
	},
	/* $1 viewer account id, $2 filters (ListSuggestionsRequest field names),
	 * $3 page size, $4 after id. */
	[STMT_LEDGER] = {
		.name = "ledger",
		.sql = "SELECT jy_ledger($1::bigint, $2::jsonb, $3::int, $4::bigint)::text",
		.nparams = 4,
		.replica_ok = true,
	},
	/* $1 viewer account id, $2 term (0: any), $3 session (0: any),
	 * $4 group_by ('', unit, category, term_session, congress), $5 roll-up. */
	[STMT_STATS] = {
		.name = "stats",
		.sql = "SELECT jy_stats($1::bigint, $2::int, $3::int, $4::text, $5::boolean)::text",
		.nparams = 5,
		.replica_ok = true,
	},
	/* $1 viewer account id, $2 filters (DeadlinesRequest as JSON), $3 limit
	 * (0: default). */
	[STMT_DEADLINES] = {
		.name = "deadlines",
		.sql = "SELECT jy_deadlines($1::bigint, $2::jsonb, $3::int)::text",
		.nparams = 3,
	},

	/* $1 actor account id, $2 operation ("topic_create", ...), $3 params
	 * (the request's proto field names), $4 idempotency key, $5 request hash. */
	[STMT_WRITE] = {
		.name = "write",
		.sql = "SELECT jy_write($1::bigint, $2::text, $3::jsonb, $4::text, $5::text)::text",
		.nparams = 5,
	},
	/* $1 viewer account id, $2 operation ("topic_show", ...), $3 params. */
	[STMT_READ] = {
		.name = "read",
		.sql = "SELECT jy_read($1::bigint, $2::text, $3::jsonb)::text",
		.nparams = 3,
	},

	/* $1 viewer account id, $2 after sequence, $3 page size. */
	[STMT_SYNC] = {
		.name = "feed_sync",
		.sql = "SELECT jy_sync($1::bigint, $2::bigint, $3::int)::text",
		.nparams = 3,
	},
	/* $1 viewer account ids as a bigint[] literal ("{1,2}"), $2 after
	 * sequence, $3 page size per viewer: one query for every live
	 * subscriber at one cursor. */
	[STMT_SYNC_MANY] = {
		.name = "feed_sync_many",
		.sql = "SELECT jy_sync_many($1::bigint[], $2::bigint, $3::int)::text",
		.nparams = 3,
	},
	/* The cross-process wake-up, sent after commits (never inside a workflow
	 * transaction: NOTIFY takes a database-wide lock at commit). */
	[STMT_FEED_NOTIFY] = {
		.name = "feed_notify",
		.sql = "SELECT pg_notify('jianyi_events', '')",
		.nparams = 0,
	},
	/* Two index reads for /metrics, on a timer (push/observe.c): the newest
	 * event (the feed's lag) and the notifier's backlog. */
	[STMT_OBSERVE] = {
		.name = "observe",
		.sql = "SELECT (SELECT coalesce(max(seq), 0) FROM events),"
		       " (SELECT count(*) FROM notice_deliveries WHERE delivered_at IS NULL)",
		.nparams = 0,
	},

	/* How far behind its primary the read pool's server is, in seconds
	 * (db/read_pool.h): 0 on a primary and on a standby that has replayed
	 * all the WAL it received; else the age of the last transaction it
	 * replayed; -1 when it cannot tell (no WAL receiver: it may be
	 * cut off from its primary). */
	[STMT_READ_LAG] = {
		.name = "read_lag",
		.sql = "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
		       " WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN -1"
		       " WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
		       " ELSE coalesce(extract(epoch FROM clock_timestamp()"
		       " - pg_last_xact_replay_timestamp())::float8, -1) END::float8",
		.nparams = 0,
	},

	/* One row, one int: notices raised, -1 when another process holds the
	 * job's lock. */
	[STMT_RAISE_NOTICES] = {
		.name = "raise_notices",
		.sql = "SELECT jy_raise_notices(jy_today())",
		.nparams = 0,
	},
	/* $1 account id, $2 unread only, $3 limit, $4 before id. */
	[STMT_INBOX] = {
		.name = "inbox",
		.sql = "SELECT jy_inbox($1::bigint, $2::boolean, $3::int, $4::bigint)::text",
		.nparams = 4,
	},
	/* $1 account id, $2 after id, $3 limit. */
	[STMT_INBOX_AFTER] = {
		.name = "inbox_after",
		.sql = "SELECT jy_inbox_after($1::bigint, $2::bigint, $3::int)::text",
		.nparams = 3,
	},
	/* $1 account id, $2 notice ids (bigint[] literal). */
	[STMT_INBOX_MARK] = {
		.name = "inbox_mark",
		.sql = "SELECT jy_inbox_mark($1::bigint, $2::bigint[])::text",
		.nparams = 2,
	},
	/* $1 lease seconds. Zero or one row, columns in the order of enum
	 * claim_col (notifier.c). */
	[STMT_CLAIM_DELIVERY] = {
		.name = "claim_delivery",
		.sql = "SELECT delivery_id, attempt, notice_id, kind, deadline_kind, suggestion_id, number,"
		       " title, due, days_before, login, display_name, phone, text"
		       " FROM jy_claim_delivery($1::int)",
		.nparams = 1,
	},
	/* $1 delivery id, $2 attempt, $3 ok, $4 error, $5 retry after seconds.
	 * One row, one boolean: the claim was still ours. */
	[STMT_FINISH_DELIVERY] = {
		.name = "finish_delivery",
		.sql = "SELECT jy_finish_delivery($1::bigint, $2::int, $3::boolean, $4::text, $5::int)",
		.nparams = 5,
	},

	/* $1 attachment id, $2 its uploader (account id), $3 offset. Zero or one
	 * row (off, data): the first chunk at or after the offset of an upload
	 * of that account that is not finished (schema 0020_attachments.sql). */
	[STMT_ATTACH_CHUNK] = {
		.name = "attach_chunk",
		.sql = "SELECT c.off, c.data FROM attachment_chunks c"
		       " JOIN attachments t ON t.id = c.attachment_id"
		       " WHERE t.id = $1::bigint AND t.uploaded_by = $2::bigint AND t.finished_at IS NULL"
		       " AND c.off >= $3::bigint ORDER BY c.off LIMIT 1",
		.nparams = 3,
	},
	/* $1 hours: one row, one int, the uploads removed. */
	[STMT_DROP_UNFINISHED_UPLOADS] = {
		.name = "drop_unfinished_uploads",
		.sql = "SELECT jy_drop_unfinished_uploads($1::int)",
		.nparams = 1,
	},

	/* $1 code id, $2 SHA-256 of its secret, $3 client address, $4 failures
	 * an address may have in an hour. */
	[STMT_ENROLL_CHECK] = {
		.name = "enroll_check",
		.sql = "SELECT jy_enroll_check($1::bigint, $2::text, $3::text, $4::int)::text",
		.nparams = 4,
	},
	/* $1 code id, $2 SHA-256 of its secret, $3 the certificate's SHA-256,
	 * $4 its subject, $5 its notAfter. */
	[STMT_ENROLL_REDEEM] = {
		.name = "enroll_redeem",
		.sql = "SELECT jy_enroll_redeem($1::bigint, $2::text, $3::text, $4::text,"
		       " $5::timestamptz)::text",
		.nparams = 5,
	},
	/* $1 q, $2 category, $3 term (0: any), $4 result class, $5 page, $6 page size,
	 * $7 congress code (NULL: the first congress). */
	[STMT_PORTAL_LIST] = {
		.name = "portal_list",
		.sql = "SELECT (jy_portal_list($1::text, $2::text, $3::int, $4::text, $5::int, $6::int, $7::text)"
		       " || jsonb_build_object('congress_name', jy_portal_congress_name($7::text)))::text",
		.nparams = 7,
		.replica_ok = true,
	},
	/* $1 id, $2 congress code. */
	[STMT_PORTAL_GET] = {
		.name = "portal_get",
		.sql = "SELECT (jy_portal_get($1::bigint, $2::text)"
		       " || jsonb_build_object('congress_name', jy_portal_congress_name($2::text)))::text",
		.nparams = 2,
		.replica_ok = true,
	},
	/* $1 congress code. */
	[STMT_PORTAL_STATS] = {
		.name = "portal_stats",
		.sql = "SELECT (jy_portal_stats($1::text)"
		       " || jsonb_build_object('congress_name', jy_portal_congress_name($1::text)))::text",
		.nparams = 1,
		.replica_ok = true,
	},
	/* $1 year (0: the latest announced), $2 congress code. */
	[STMT_PORTAL_EXCELLENT] = {
		.name = "portal_excellent",
		.sql = "SELECT (jy_portal_excellent($1::int, $2::text)"
		       " || jsonb_build_object('congress_name', jy_portal_congress_name($2::text)))::text",
		.nparams = 2,
		.replica_ok = true,
	},
	/* $1 congress code. */
	[STMT_PORTAL_UNSATISFIED] = {
		.name = "portal_unsatisfied",
		.sql = "SELECT (jy_portal_unsatisfied($1::text)"
		       " || jsonb_build_object('congress_name', jy_portal_congress_name($1::text)))::text",
		.nparams = 1,
		.replica_ok = true,
	},
	/* $1 attachment id, $2 offset, $3 length, $4 congress code: NULL unless
	 * public and published on that congress's portal. */
	[STMT_PORTAL_ATTACHMENT] = {
		.name = "portal_attachment",
		.sql = "SELECT jy_portal_attachment($1::bigint, $2::bigint, $3::int, $4::text)::text",
		.nparams = 4,
		.replica_ok = true,
	},
};
