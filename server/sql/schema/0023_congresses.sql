-- 0023: many congresses in one deployment (docs/CONGRESSES.md). A congress
-- hierarchy (national → province → prefecture → county → township); every
-- row carries the congress it belongs to, and the database itself refuses a
-- row whose congress differs from its parent's: a case's units, signers,
-- records and events are of the case's congress, an account's deputy of the
-- account's. The existing data becomes congress 1 ("main"), so a deployment
-- of one congress goes on as it was.
--
-- Expand/contract (docs/OPERATIONS.md "Rolling upgrade and rollback"): every
-- new column is filled by a BEFORE INSERT trigger when a writer leaves it
-- out (functions/18_congresses.sql), so the previous release, which knows
-- nothing of congresses, keeps inserting correct rows beside this one.
-- ADD COLUMN ... DEFAULT 1 then DROP DEFAULT marks every existing row as
-- congress 1 without rewriting a table (PostgreSQL keeps the value as the
-- column's "missing value"), which matters for the append-only events.

-- Every table this file alters, locked at once before any change, in the
-- order requests take them (a session's identity reads certificates, then
-- accounts and organizations; an action starts from its account): taken
-- one ALTER at a time while the previous release served, they deadlocked
-- with its requests on every try (test rolling_upgrade). A request that
-- comes now waits behind the first lock, holding nothing we need.
LOCK TABLE certificates, accounts, organizations, deputies, idempotency, suggestions,
	suggestion_signers, suggestion_units, contacts, opinions, extensions, replies, follow_ups,
	evaluations, supervision_notes, events, notices, notice_recipients, notice_deliveries,
	topics, topic_suggestions, excellent_nominations, excellent_scores,
	excellent_announcements, attachments, attachment_chunks, enrollment_codes, settings,
	registration_counters, calendar_days
	IN ACCESS EXCLUSIVE MODE;

CREATE TABLE congresses (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code       text NOT NULL,
	name       text NOT NULL,
	level      text NOT NULL,
	parent_id  bigint REFERENCES congresses (id),
	-- the ids from the root down to this one, itself last: the roll-up's
	-- "this congress and those under it" is one array test, not a recursion
	path       bigint[] NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT congresses_code_key UNIQUE (code),
	-- the code is the congress's path on the portal (/c/<code>/)
	CONSTRAINT congresses_code_check CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
	CONSTRAINT congresses_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
	CONSTRAINT congresses_level_check CHECK (level IN (
		'national', 'province', 'prefecture', 'county', 'township')),
	CONSTRAINT congresses_parent_check CHECK (parent_id IS DISTINCT FROM id),
	CONSTRAINT congresses_path_check CHECK (path[cardinality(path)] = id)
);

CREATE INDEX congresses_parent_idx ON congresses (parent_id);
CREATE INDEX congresses_path_idx ON congresses USING gin (path);

INSERT INTO congresses (code, name, level, path)
	OVERRIDING SYSTEM VALUE SELECT 'main', '本级人民代表大会', 'county', ARRAY[1::bigint]
	WHERE NOT EXISTS (SELECT 1 FROM congresses);
-- OVERRIDING SYSTEM VALUE takes id 1 without the identity's counter: move it on.
SELECT setval(pg_get_serial_sequence('congresses', 'id'), 1);

-- ---- the congress key on every table ---------------------------------------

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY[
		'organizations', 'deputies', 'accounts', 'certificates', 'settings',
		'registration_counters', 'suggestions', 'suggestion_signers',
		'suggestion_units', 'contacts', 'opinions', 'extensions', 'replies',
		'follow_ups', 'evaluations', 'supervision_notes', 'events', 'idempotency',
		'calendar_days', 'notices', 'notice_recipients', 'notice_deliveries',
		'topics', 'topic_suggestions', 'excellent_nominations', 'excellent_scores',
		'excellent_announcements', 'attachments', 'attachment_chunks',
		'enrollment_codes']
	LOOP
		EXECUTE format('ALTER TABLE %I ADD COLUMN congress_id bigint NOT NULL DEFAULT 1'
		               ' REFERENCES congresses (id)', t);
		EXECUTE format('ALTER TABLE %I ALTER COLUMN congress_id DROP DEFAULT', t);
	END LOOP;
END $$;

-- ---- what is unique is unique within a congress ------------------------------

ALTER TABLE organizations DROP CONSTRAINT organizations_name_key;
ALTER TABLE organizations ADD CONSTRAINT organizations_name_key UNIQUE (congress_id, name);

ALTER TABLE settings DROP CONSTRAINT settings_pkey;
ALTER TABLE settings ADD PRIMARY KEY (congress_id, key);

ALTER TABLE registration_counters DROP CONSTRAINT registration_counters_pkey;
ALTER TABLE registration_counters ADD PRIMARY KEY (congress_id, term, session);

ALTER TABLE suggestions DROP CONSTRAINT suggestions_number_key;
ALTER TABLE suggestions ADD CONSTRAINT suggestions_number_key
	UNIQUE (congress_id, term, session, number);

ALTER TABLE calendar_days DROP CONSTRAINT calendar_days_pkey;
ALTER TABLE calendar_days ADD PRIMARY KEY (congress_id, day);

ALTER TABLE topics DROP CONSTRAINT topics_name_key;
ALTER TABLE topics ADD CONSTRAINT topics_name_key UNIQUE (congress_id, name);

ALTER TABLE excellent_nominations DROP CONSTRAINT excellent_nominations_rank_key;
ALTER TABLE excellent_nominations ADD CONSTRAINT excellent_nominations_rank_key
	UNIQUE (congress_id, year, rank);

ALTER TABLE excellent_announcements DROP CONSTRAINT excellent_announcements_pkey;
ALTER TABLE excellent_announcements ADD PRIMARY KEY (congress_id, year);

-- ---- a row's congress is its parent's: composite keys ------------------------

-- (congress_id, id) is unique wherever a child names the row, so that a
-- foreign key can carry the congress along with the id.
ALTER TABLE organizations ADD CONSTRAINT organizations_congress_id_key UNIQUE (congress_id, id);
ALTER TABLE deputies ADD CONSTRAINT deputies_congress_id_key UNIQUE (congress_id, id);
ALTER TABLE accounts ADD CONSTRAINT accounts_congress_id_key UNIQUE (congress_id, id);
ALTER TABLE suggestions ADD CONSTRAINT suggestions_congress_id_key UNIQUE (congress_id, id);
ALTER TABLE notices ADD CONSTRAINT notices_congress_id_key UNIQUE (congress_id, id);
ALTER TABLE attachments ADD CONSTRAINT attachments_congress_id_key UNIQUE (congress_id, id);

DO $$
DECLARE
	-- table, its column, the parent table; the parent's key is (congress_id, id)
	links text[][] := ARRAY[
		['organizations', 'parent_id', 'organizations'],
		['accounts', 'organization_id', 'organizations'],
		['accounts', 'deputy_id', 'deputies'],
		['suggestions', 'lead_deputy_id', 'deputies'],
		['suggestions', 'created_by', 'accounts'],
		['suggestions', 'supervising_committee_id', 'organizations'],
		['suggestions', 'merged_into', 'suggestions'],
		['suggestion_signers', 'suggestion_id', 'suggestions'],
		['suggestion_signers', 'deputy_id', 'deputies'],
		['suggestion_units', 'suggestion_id', 'suggestions'],
		['suggestion_units', 'organization_id', 'organizations'],
		['contacts', 'suggestion_id', 'suggestions'],
		['opinions', 'suggestion_id', 'suggestions'],
		['extensions', 'suggestion_id', 'suggestions'],
		['replies', 'suggestion_id', 'suggestions'],
		['follow_ups', 'suggestion_id', 'suggestions'],
		['evaluations', 'suggestion_id', 'suggestions'],
		['supervision_notes', 'suggestion_id', 'suggestions'],
		['events', 'suggestion_id', 'suggestions'],
		['notices', 'suggestion_id', 'suggestions'],
		['notice_recipients', 'notice_id', 'notices'],
		['notice_recipients', 'account_id', 'accounts'],
		['notice_deliveries', 'notice_id', 'notices'],
		['topics', 'committee_id', 'organizations'],
		['topic_suggestions', 'suggestion_id', 'suggestions'],
		['excellent_nominations', 'suggestion_id', 'suggestions'],
		['attachments', 'suggestion_id', 'suggestions'],
		['attachment_chunks', 'attachment_id', 'attachments'],
		['certificates', 'account_id', 'accounts'],
		['enrollment_codes', 'account_id', 'accounts'],
		['idempotency', 'account_id', 'accounts']];
	l text[];
BEGIN
	FOREACH l SLICE 1 IN ARRAY links LOOP
		-- a chunk goes with its attachment, as its first key said
		EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (congress_id, %I)'
		               ' REFERENCES %I (congress_id, id)%s',
		               l[1], l[1] || '_' || l[2] || '_congress_fkey', l[2], l[3],
		               CASE WHEN l[1] = 'attachment_chunks' THEN ' ON DELETE CASCADE' ELSE '' END);
	END LOOP;
END $$;

-- The lists of one congress.
CREATE INDEX suggestions_congress_state_idx ON suggestions (congress_id, state);
-- A case's units by case, active or not (the statistics' first assignment,
-- jy_stats_cases): without it each case's lookup read the whole table, which
-- a deployment of many congresses made 70,000 rows long (8.9 s for one
-- congress's statistics, test congresses).
CREATE INDEX suggestion_units_suggestion_idx ON suggestion_units (suggestion_id);
CREATE INDEX deputies_congress_name_idx ON deputies (congress_id, name);

-- Each congress's settings start as the deployment's: a congress made later
-- inherits what it does not set from the congresses above it
-- (jy_setting, functions/00_foundation.sql).

-- No function is dropped here: the previous release, running beside this
-- one during a rolling upgrade, keeps every signature it knew. A function
-- that gained the congress is a new signature; the old one stays as a
-- wrapper for the deployment's first congress where the previous release
-- calls it (jy_stats, the portal's), or unused until the release after
-- drops it (docs/WORKFLOW.md "Where the SQL lives").
