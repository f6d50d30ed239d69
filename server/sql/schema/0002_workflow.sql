-- 0002: the workflow. Suggestions, the side tables each action writes, the
-- immutable event log, idempotency records, and the SQL functions the
-- server calls: jy_act (one transition, atomically), jy_get and jy_list.
-- docs/WORKFLOW.md is the contract. The transition table (who may take
-- which action from which state) lives in server/workflow.c; these
-- functions check what needs the row: relation, version, state, rules.

-- pg_trgm is trusted in PostgreSQL 13+, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---- settings ---------------------------------------------------------------

-- Per-deployment numbers (docs/WORKFLOW.md names them). Read by jy_setting().
CREATE TABLE settings (
	key   text PRIMARY KEY,
	value text NOT NULL
);

INSERT INTO settings (key, value) VALUES
	('reply_months', '3'),
	('dispute_days', '10'),
	('rehandle_months', '1'),
	('opinion_months', '1'),
	('extension_max_days', '60'),
	('extension_max_count', '2'),
	('min_contacts_before_reply', '1'),
	-- Deadlines are calendar dates where the congress sits, whatever the
	-- database server's own time zone is.
	('time_zone', 'Asia/Shanghai');

-- ---- suggestions ------------------------------------------------------------

-- Gapless numbers per (term, session): the row is locked by the register
-- that takes a number until its transaction ends, so a refused or failed
-- registration gives its number back.
CREATE TABLE registration_counters (
	term        int NOT NULL,
	session     int NOT NULL,
	last_number int NOT NULL,
	PRIMARY KEY (term, session),
	CONSTRAINT registration_counters_last_check CHECK (last_number > 0)
);

CREATE TABLE suggestions (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	state           text NOT NULL,
	-- = number of events of the suggestion (create makes version 1)
	version         int NOT NULL,
	kind            text NOT NULL DEFAULT 'suggestion',
	title           text NOT NULL,
	body            text NOT NULL,
	category        text NOT NULL DEFAULT '',
	confidential    boolean NOT NULL DEFAULT false,
	lead_deputy_id  bigint NOT NULL REFERENCES deputies (id),
	created_by      bigint NOT NULL REFERENCES accounts (id),
	term            int,
	session         int,
	number          int,
	reply_deadline  date,
	dispute_due     date,
	rehandle_due    date,
	key             boolean NOT NULL DEFAULT false,
	leaders         text[] NOT NULL DEFAULT '{}',
	supervising_committee_id bigint REFERENCES organizations (id),
	handler_name    text,
	handler_phone   text,
	plan            text,
	promised_date   date,
	result_class    text,
	follow_up_owed  boolean NOT NULL DEFAULT false,
	-- number of replies sent so far; rows tagged with round k belong to reply k
	round           int NOT NULL DEFAULT 0,
	merged_into     bigint REFERENCES suggestions (id),
	converted_to    text,
	supervised      boolean NOT NULL DEFAULT false,
	published       boolean NOT NULL DEFAULT false,
	created_at      timestamptz NOT NULL DEFAULT now(),
	updated_at      timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT suggestions_state_check CHECK (state IN (
		'draft', 'submitted', 'returned', 'registered', 'assigned', 'disputed',
		'accepted', 'in_progress', 'replied', 'rehandling', 'evaluated', 'closed',
		'withdrawn', 'merged', 'converted')),
	CONSTRAINT suggestions_version_check CHECK (version > 0),
	CONSTRAINT suggestions_kind_check CHECK (kind IN ('suggestion', 'motion', 'letter')),
	CONSTRAINT suggestions_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 200),
	CONSTRAINT suggestions_body_check CHECK (length(btrim(body)) BETWEEN 1 AND 20000),
	CONSTRAINT suggestions_category_check CHECK (length(category) <= 50),
	CONSTRAINT suggestions_term_check CHECK (term BETWEEN 1 AND 99),
	CONSTRAINT suggestions_session_check CHECK (session BETWEEN 1 AND 20),
	CONSTRAINT suggestions_number_check CHECK (
		number IS NULL OR (number > 0 AND term IS NOT NULL AND session IS NOT NULL)),
	CONSTRAINT suggestions_number_key UNIQUE (term, session, number),
	CONSTRAINT suggestions_result_class_check CHECK (result_class IN ('A', 'B', 'C', 'D')),
	CONSTRAINT suggestions_round_check CHECK (round >= 0),
	CONSTRAINT suggestions_converted_to_check CHECK (
		converted_to IN ('suggestion', 'motion', 'letter')),
	CONSTRAINT suggestions_merged_self_check CHECK (merged_into <> id),
	-- State-dependent invariants that hold on every path: registration is
	-- the only way into the handling states, assignment always sets the
	-- deadline, a reply always sets the class, merge/convert/evaluate-
	-- unsatisfied always record what they did.
	CONSTRAINT suggestions_numbered_check CHECK (
		state NOT IN ('registered', 'assigned', 'disputed', 'accepted', 'in_progress',
		              'replied', 'rehandling', 'evaluated')
		OR number IS NOT NULL),
	CONSTRAINT suggestions_deadline_check CHECK (
		state NOT IN ('assigned', 'disputed', 'accepted', 'in_progress', 'replied',
		              'rehandling', 'evaluated')
		OR (reply_deadline IS NOT NULL AND dispute_due IS NOT NULL)),
	CONSTRAINT suggestions_replied_check CHECK (
		state NOT IN ('replied', 'rehandling', 'evaluated')
		OR (result_class IS NOT NULL AND round > 0)),
	CONSTRAINT suggestions_rehandle_check CHECK (state <> 'rehandling' OR rehandle_due IS NOT NULL),
	CONSTRAINT suggestions_merged_check CHECK ((state = 'merged') = (merged_into IS NOT NULL)),
	CONSTRAINT suggestions_converted_check CHECK ((state = 'converted') = (converted_to IS NOT NULL)),
	CONSTRAINT suggestions_published_check CHECK (NOT published OR state <> 'draft'),
	CONSTRAINT suggestions_follow_up_check CHECK (NOT follow_up_owed OR round > 0)
);

CREATE INDEX suggestions_state_idx ON suggestions (state);

CREATE INDEX suggestions_lead_deputy_idx ON suggestions (lead_deputy_id);

CREATE INDEX suggestions_merged_into_idx ON suggestions (merged_into) WHERE merged_into IS NOT NULL;

-- Substring search in any language: trigram GIN on the same expression
-- jy_list filters with ILIKE.
CREATE INDEX suggestions_text_trgm_idx ON suggestions
	USING gin ((title || ' ' || body) gin_trgm_ops);

-- The lead deputy (role lead, confirmed at creation) and the co-signers of
-- a joint suggestion (联名), who confirm with "cosign".
CREATE TABLE suggestion_signers (
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	deputy_id     bigint NOT NULL REFERENCES deputies (id),
	role          text NOT NULL,
	position      int NOT NULL,   -- order given at creation (0 = lead)
	confirmed_at  timestamptz,
	PRIMARY KEY (suggestion_id, deputy_id),
	CONSTRAINT suggestion_signers_role_check CHECK (role IN ('lead', 'cosigner')),
	CONSTRAINT suggestion_signers_lead_check CHECK (role <> 'lead' OR confirmed_at IS NOT NULL)
);

CREATE UNIQUE INDEX suggestion_signers_one_lead_idx ON suggestion_signers (suggestion_id)
	WHERE role = 'lead';

CREATE INDEX suggestion_signers_deputy_idx ON suggestion_signers (deputy_id);

-- Handling units. Reassignment keeps the old rows (active = false) for the
-- record and adds new ones.
CREATE TABLE suggestion_units (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id   bigint NOT NULL REFERENCES suggestions (id),
	organization_id bigint NOT NULL REFERENCES organizations (id),
	role            text NOT NULL,
	position        int NOT NULL,  -- order given at assignment (0 = lead)
	active          boolean NOT NULL DEFAULT true,
	assigned_at     timestamptz NOT NULL DEFAULT now(),
	accepted_at     timestamptz,
	disputed_at     timestamptz,
	dispute_reason  text,
	CONSTRAINT suggestion_units_role_check CHECK (role IN ('lead', 'co')),
	CONSTRAINT suggestion_units_dispute_check CHECK ((disputed_at IS NULL) = (dispute_reason IS NULL))
);

CREATE UNIQUE INDEX suggestion_units_active_idx ON suggestion_units (suggestion_id, organization_id)
	WHERE active;

CREATE UNIQUE INDEX suggestion_units_one_lead_idx ON suggestion_units (suggestion_id)
	WHERE active AND role = 'lead';

CREATE INDEX suggestion_units_org_idx ON suggestion_units (organization_id) WHERE active;

-- Contacts with the deputy (三访). round = the reply this contact leads to.
CREATE TABLE contacts (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	round         int NOT NULL,
	phase         text NOT NULL,
	method        text NOT NULL,
	contact_date  date NOT NULL,
	note          text NOT NULL DEFAULT '',
	recorded_by   bigint NOT NULL REFERENCES accounts (id),
	at            timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT contacts_round_check CHECK (round > 0),
	CONSTRAINT contacts_phase_check CHECK (phase IN ('before', 'during', 'after')),
	CONSTRAINT contacts_method_check CHECK (method IN ('visit', 'phone', 'meeting', 'sms'))
);

CREATE INDEX contacts_suggestion_idx ON contacts (suggestion_id, round);

-- Co-handling units' written opinions; the next reply attaches them.
CREATE TABLE opinions (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id   bigint NOT NULL REFERENCES suggestions (id),
	round           int NOT NULL,
	organization_id bigint NOT NULL REFERENCES organizations (id),
	text            text NOT NULL,
	written_by      bigint NOT NULL REFERENCES accounts (id),
	at              timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT opinions_round_check CHECK (round > 0),
	CONSTRAINT opinions_text_check CHECK (length(btrim(text)) > 0)
);

CREATE INDEX opinions_suggestion_idx ON opinions (suggestion_id, round);

CREATE TABLE extensions (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	days          int NOT NULL,
	reason        text NOT NULL,
	status        text NOT NULL DEFAULT 'pending',
	requested_by  bigint NOT NULL REFERENCES accounts (id),
	requested_at  timestamptz NOT NULL DEFAULT now(),
	decided_by    bigint REFERENCES accounts (id),
	decided_at    timestamptz,
	decision_reason text,
	CONSTRAINT extensions_days_check CHECK (days > 0),
	CONSTRAINT extensions_status_check CHECK (status IN ('pending', 'approved', 'rejected')),
	CONSTRAINT extensions_decided_check CHECK (
		(status = 'pending') = (decided_by IS NULL AND decided_at IS NULL))
);

CREATE INDEX extensions_suggestion_idx ON extensions (suggestion_id);

-- Every round's combined reply (答复), signed off by the unit head.
CREATE TABLE replies (
	suggestion_id   bigint NOT NULL REFERENCES suggestions (id),
	round           int NOT NULL,
	text            text NOT NULL,
	result_class    text NOT NULL,
	organization_id bigint NOT NULL REFERENCES organizations (id),
	signed_by       bigint NOT NULL REFERENCES accounts (id),
	opinion_ids     bigint[] NOT NULL DEFAULT '{}',
	at              timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (suggestion_id, round),
	CONSTRAINT replies_round_check CHECK (round > 0),
	CONSTRAINT replies_text_check CHECK (length(btrim(text)) > 0),
	CONSTRAINT replies_result_class_check CHECK (result_class IN ('A', 'B', 'C', 'D'))
);

-- Follow-up reports owed on B and C replies.
CREATE TABLE follow_ups (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	round         int NOT NULL,
	text          text NOT NULL,
	result_class  text NOT NULL,
	written_by    bigint NOT NULL REFERENCES accounts (id),
	at            timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT follow_ups_text_check CHECK (length(btrim(text)) > 0),
	CONSTRAINT follow_ups_result_class_check CHECK (result_class IN ('A', 'B', 'C', 'D'))
);

CREATE INDEX follow_ups_suggestion_idx ON follow_ups (suggestion_id);

-- Back-to-back evaluations (测评): never shown to handling units.
CREATE TABLE evaluations (
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	round         int NOT NULL,
	deputy_id     bigint NOT NULL REFERENCES deputies (id),
	attitude      text NOT NULL,
	result        text NOT NULL,
	comment       text NOT NULL DEFAULT '',
	at            timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (suggestion_id, round, deputy_id),
	CONSTRAINT evaluations_round_check CHECK (round > 0),
	CONSTRAINT evaluations_attitude_check CHECK (
		attitude IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
	CONSTRAINT evaluations_result_check CHECK (
		result IN ('satisfied', 'basically_satisfied', 'unsatisfied'))
);

CREATE TABLE supervision_notes (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	kind          text NOT NULL,
	text          text NOT NULL,
	written_by    bigint NOT NULL REFERENCES accounts (id),
	at            timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT supervision_notes_kind_check CHECK (
		kind IN ('note', 'interview', 'inquiry', 'publish_unsatisfied')),
	CONSTRAINT supervision_notes_text_check CHECK (length(btrim(text)) > 0)
);

CREATE INDEX supervision_notes_suggestion_idx ON supervision_notes (suggestion_id);

-- ---- events -----------------------------------------------------------------

-- The audit trail, change feed and timeline. Append-only: the triggers
-- below refuse UPDATE, DELETE and TRUNCATE. xid lets a change-feed reader
-- tell which events' transactions may still be in flight.
CREATE TABLE events (
	seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id    bigint NOT NULL REFERENCES suggestions (id),
	actor_account_id bigint NOT NULL REFERENCES accounts (id),
	kind             text NOT NULL,
	from_state       text,
	to_state         text NOT NULL,
	payload          jsonb NOT NULL DEFAULT '{}',
	at               timestamptz NOT NULL DEFAULT now(),
	xid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
	CONSTRAINT events_kind_check CHECK (kind IN (
		'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
		'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
		'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
		'supervise', 'close')),
	CONSTRAINT events_payload_check CHECK (jsonb_typeof(payload) = 'object'),
	CONSTRAINT events_from_check CHECK ((kind = 'create') = (from_state IS NULL))
);

CREATE INDEX events_suggestion_idx ON events (suggestion_id, seq);

-- ---- idempotency ------------------------------------------------------------

-- The first successful answer to (account, key); a retry with the same
-- request hash gets it back. Refusals are not stored: they change nothing,
-- so retrying them is harmless.
CREATE TABLE idempotency (
	account_id   bigint NOT NULL REFERENCES accounts (id),
	key          text NOT NULL,
	request_hash text NOT NULL,
	result       jsonb NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, key),
	CONSTRAINT idempotency_key_check CHECK (length(key) BETWEEN 1 AND 200)
);

CREATE INDEX idempotency_created_idx ON idempotency (created_at);
