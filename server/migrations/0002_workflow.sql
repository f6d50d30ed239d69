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

CREATE FUNCTION jy_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'events are immutable: % is not allowed', TG_OP
		USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION jy_events_immutable();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
	FOR EACH STATEMENT EXECUTE FUNCTION jy_events_immutable();

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

-- ---- helpers ----------------------------------------------------------------

CREATE FUNCTION jy_setting(p_key text) RETURNS text STABLE LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
	SELECT value INTO v FROM settings WHERE key = p_key;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'setting % is missing', p_key;
	END IF;
	RETURN v;
END $$;

CREATE FUNCTION jy_setting_int(p_key text) RETURNS int STABLE LANGUAGE sql AS $$
	SELECT jy_setting(p_key)::int
$$;

-- Today where the congress sits (settings.time_zone), not the server's.
CREATE FUNCTION jy_today() RETURNS date STABLE LANGUAGE sql AS $$
	SELECT (now() AT TIME ZONE jy_setting('time_zone'))::date
$$;

CREATE FUNCTION jy_rfc3339(t timestamptz) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT coalesce(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '')
$$;

-- An expected refusal: jy_act's exception block turns it into a result
-- object and rolls back whatever the action had written. The code travels
-- in DETAIL, the field in HINT.
CREATE FUNCTION jy_refuse(p_code text, p_message text, p_field text DEFAULT '')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'JY001', MESSAGE = p_message, DETAIL = p_code,
		HINT = coalesce(p_field, '');
END $$;

CREATE FUNCTION jy_result(p_code text, p_message text, p_field text DEFAULT '')
RETURNS jsonb IMMUTABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object('code', p_code::text, 'message', p_message::text)
	       || CASE WHEN coalesce(p_field, '') = '' THEN '{}'::jsonb
	               ELSE jsonb_build_object('field', p_field::text) END
$$;

-- Params come from protobuf messages (pbjson.c: every field present, with
-- its default); absent keys count as defaults too, so direct callers may
-- leave them out.
CREATE FUNCTION jy_p_text(p jsonb, k text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT coalesce(CASE WHEN jsonb_typeof(p -> k) = 'null' THEN NULL ELSE p ->> k END, '')
$$;

CREATE FUNCTION jy_p_int(p jsonb, k text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF v = '' THEN
		RETURN 0;
	END IF;
	IF v !~ '^-?[0-9]{1,18}$' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must be an integer, not ''' || v || '''', k);
	END IF;
	RETURN v::bigint;
END $$;

CREATE FUNCTION jy_p_bool(p jsonb, k text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF v IN ('', 'false') THEN
		RETURN false;
	ELSIF v = 'true' THEN
		RETURN true;
	END IF;
	PERFORM jy_refuse('invalid_argument', k || ' must be true or false', k);
	RETURN NULL;
END $$;

-- A date 'YYYY-MM-DD'; NULL for ''.
CREATE FUNCTION jy_p_date(p jsonb, k text) RETURNS date LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF v = '' THEN
		RETURN NULL;
	END IF;
	IF v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		BEGIN
			-- ISO input is read the same whatever DateStyle says.
			RETURN v::date;
		EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
			NULL;  -- falls through to the refusal
		END;
	END IF;
	PERFORM jy_refuse('invalid_argument', k || ' must be a date YYYY-MM-DD, not ''' || v || '''', k);
	RETURN NULL;
END $$;

-- A JSON array of integers (absent/null = empty).
CREATE FUNCTION jy_p_ids(p jsonb, k text) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
	a jsonb := p -> k;
	out bigint[] := '{}';
	e jsonb;
BEGIN
	IF a IS NULL OR jsonb_typeof(a) = 'null' THEN
		RETURN out;
	END IF;
	IF jsonb_typeof(a) <> 'array' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must be a list of ids', k);
	END IF;
	FOR e IN SELECT x FROM jsonb_array_elements(a) AS t (x) LOOP
		IF jsonb_typeof(e) NOT IN ('number', 'string') OR (e #>> '{}') !~ '^[0-9]{1,18}$' THEN
			PERFORM jy_refuse('invalid_argument', k || ' must be a list of ids', k);
		END IF;
		out := out || (e #>> '{}')::bigint;
	END LOOP;
	RETURN out;
END $$;

CREATE FUNCTION jy_p_texts(p jsonb, k text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	a jsonb := p -> k;
	out text[] := '{}';
	e jsonb;
BEGIN
	IF a IS NULL OR jsonb_typeof(a) = 'null' THEN
		RETURN out;
	END IF;
	IF jsonb_typeof(a) <> 'array' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must be a list of strings', k);
	END IF;
	FOR e IN SELECT x FROM jsonb_array_elements(a) AS t (x) LOOP
		IF jsonb_typeof(e) <> 'string' OR btrim(e #>> '{}') = '' THEN
			PERFORM jy_refuse('invalid_argument', k || ' must be a list of non-empty strings', k);
		END IF;
		out := out || (e #>> '{}');
	END LOOP;
	RETURN out;
END $$;

-- A required, non-blank text param of at most max characters.
CREATE FUNCTION jy_p_required(p jsonb, k text, max int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF btrim(v) = '' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must not be empty', k);
	END IF;
	IF length(v) > max THEN
		PERFORM jy_refuse('invalid_argument', k || ' is longer than ' || max || ' characters', k);
	END IF;
	RETURN v;
END $$;

CREATE FUNCTION jy_p_optional(p jsonb, k text, max int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF length(v) > max THEN
		PERFORM jy_refuse('invalid_argument', k || ' is longer than ' || max || ' characters', k);
	END IF;
	RETURN v;
END $$;

-- ---- visibility -------------------------------------------------------------

-- Who may see a case (docs/WORKFLOW.md "Visibility"); every read and act
-- goes through here. 0012_read_path moves the rule into jy_visible.
CREATE FUNCTION jy_can_see(p_viewer bigint, s suggestions) RETURNS boolean
STABLE LANGUAGE sql AS $$
	SELECT EXISTS (
		SELECT 1 FROM accounts a
		WHERE a.id = p_viewer AND NOT a.disabled AND (
			(a.roles && ARRAY['liaison_officer', 'government_officer', 'committee_member',
			                  'leader', 'admin']::text[]
			 AND s.state <> 'draft')
			OR (a.roles && ARRAY['unit_clerk', 'unit_head']::text[]
			    AND EXISTS (SELECT 1 FROM suggestion_units u
			                WHERE u.suggestion_id = s.id AND u.active
			                  AND u.organization_id = a.organization_id))
			OR ('deputy' = ANY (a.roles) AND a.deputy_id IS NOT NULL
			    AND (s.lead_deputy_id = a.deputy_id
			         OR EXISTS (SELECT 1 FROM suggestion_signers g
			                    WHERE g.suggestion_id = s.id AND g.deputy_id = a.deputy_id)))
			OR ('public' = ANY (a.roles) AND s.published AND s.state <> 'draft')))
$$;

CREATE FUNCTION jy_can_see(p_viewer bigint, p_id bigint) RETURNS boolean
STABLE LANGUAGE sql AS $$
	SELECT coalesce((SELECT jy_can_see(p_viewer, s) FROM suggestions s WHERE s.id = p_id), false)
$$;

-- Whether the viewer sees individual evaluations: not when all they are is
-- a handling unit (back-to-back evaluation) or the public.
CREATE FUNCTION jy_sees_evaluations(p_viewer bigint) RETURNS boolean
STABLE LANGUAGE sql AS $$
	SELECT coalesce((SELECT a.roles && ARRAY['deputy', 'liaison_officer', 'government_officer',
	                                        'committee_member', 'leader', 'admin']::text[]
	                 FROM accounts a WHERE a.id = p_viewer), false)
$$;

-- ---- the Suggestion message -------------------------------------------------

-- Late for its reply: the reply deadline passed while the units handle it.
-- Re-handling has its own, shorter due date (settings.rehandle_months).
CREATE FUNCTION jy_overdue(s suggestions) RETURNS boolean STABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN s.state IN ('assigned', 'disputed', 'accepted', 'in_progress')
			THEN coalesce(s.reply_deadline < jy_today(), false)
		WHEN s.state = 'rehandling'
			THEN coalesce(coalesce(s.rehandle_due, s.reply_deadline) < jy_today(), false)
		ELSE false END
$$;

-- 0012_read_path redefines this over jy_suggestions_json (one query per page).
-- Keys = proto message Suggestion's fields. detail = false (lists) leaves
-- body and plan empty. The viewer is for redaction: handling units never
-- see evaluation data, and there is none in these fields; the public does
-- not see the handler's name.
CREATE FUNCTION jy_suggestion_json(s suggestions, p_viewer bigint, p_detail boolean)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', s.id::bigint,
		'number', CASE WHEN s.number IS NULL THEN ''::text
		               ELSE ('第' || s.term || '届第' || s.session || '次会议第' || s.number || '号')::text END,
		'state', s.state::text,
		'version', s.version::int,
		'title', s.title::text,
		'body', CASE WHEN p_detail THEN s.body ELSE '' END::text,
		'category', s.category::text,
		'kind', s.kind::text,
		'confidential', s.confidential::boolean,
		'key', s.key::boolean,
		'term', coalesce(s.term, 0)::int,
		'session', coalesce(s.session, 0)::int,
		'lead_deputy', coalesce((SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id), '')::text,
		'cosigners', coalesce((SELECT jsonb_agg((d.name || CASE WHEN g.confirmed_at IS NULL
		                                                       THEN ' (unconfirmed)' ELSE '' END)::text
		                                        ORDER BY g.position)
		                       FROM suggestion_signers g JOIN deputies d ON d.id = g.deputy_id
		                       WHERE g.suggestion_id = s.id AND g.role = 'cosigner'), '[]'::jsonb),
		'lead_unit', coalesce((SELECT o.name FROM suggestion_units u
		                       JOIN organizations o ON o.id = u.organization_id
		                       WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead'), '')::text,
		'co_units', coalesce((SELECT jsonb_agg(o.name::text ORDER BY u.position)
		                      FROM suggestion_units u JOIN organizations o ON o.id = u.organization_id
		                      WHERE u.suggestion_id = s.id AND u.active AND u.role = 'co'), '[]'::jsonb),
		'reply_deadline', coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '')::text,
		'result_class', coalesce(s.result_class, '')::text,
		'handler_name', CASE WHEN (SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a
		                           WHERE a.id = p_viewer) THEN ''
		                     ELSE coalesce(s.handler_name, '') END::text,
		'plan', CASE WHEN p_detail THEN coalesce(s.plan, '') ELSE '' END::text,
		'promised_date', coalesce(to_char(s.promised_date, 'YYYY-MM-DD'), '')::text,
		'contacts', (SELECT count(*) FROM contacts c WHERE c.suggestion_id = s.id)::int,
		'overdue', jy_overdue(s)::boolean,
		'created_at', jy_rfc3339(s.created_at)::text,
		'updated_at', jy_rfc3339(s.updated_at)::text,
		'published', s.published::boolean)
$$;

-- ---- jy_act -----------------------------------------------------------------

-- Whether the actor has the relation to the case the transition table asks
-- for (docs/WORKFLOW.md "Relations").
CREATE FUNCTION jy_relation_holds(a accounts, s suggestions, p_relation text)
RETURNS boolean STABLE LANGUAGE plpgsql AS $$
BEGIN
	CASE p_relation
	WHEN 'any' THEN
		RETURN true;
	WHEN 'proposer' THEN
		RETURN coalesce(a.deputy_id = s.lead_deputy_id, false);
	WHEN 'signer' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_signers g WHERE g.suggestion_id = s.id
		               AND g.deputy_id = a.deputy_id AND g.role = 'cosigner');
	WHEN 'evaluator' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_signers g WHERE g.suggestion_id = s.id
		               AND g.deputy_id = a.deputy_id AND g.confirmed_at IS NOT NULL);
	WHEN 'lead_unit' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id AND u.active
		               AND u.role = 'lead' AND u.organization_id = a.organization_id);
	WHEN 'co_unit' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id AND u.active
		               AND u.role = 'co' AND u.organization_id = a.organization_id);
	WHEN 'assigned_unit' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id AND u.active
		               AND u.organization_id = a.organization_id);
	ELSE
		-- The C side passes wf_relation_name(): anything else is a bug there.
		RAISE EXCEPTION 'jy_act: unknown relation %', p_relation;
	END CASE;
END $$;

CREATE FUNCTION jy_relation_refusal(p_relation text, p_action text) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
	SELECT 'only ' || CASE p_relation
		WHEN 'proposer' THEN 'the proposing deputy'
		WHEN 'signer' THEN 'a listed co-signer'
		WHEN 'evaluator' THEN 'the proposing deputy or a confirmed co-signer'
		WHEN 'lead_unit' THEN 'the lead handling unit'
		WHEN 'co_unit' THEN 'a co-handling unit'
		WHEN 'assigned_unit' THEN 'an assigned handling unit'
		ELSE p_relation END || ' may ' || p_action
$$;

-- A handling unit (organizations.kind = handling_unit) named by a param.
CREATE FUNCTION jy_check_org(p_id bigint, p_kind text, p_field text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_kind text;
BEGIN
	SELECT kind INTO v_kind FROM organizations WHERE id = p_id;
	IF NOT FOUND THEN
		PERFORM jy_refuse('invalid_argument', p_field || ': no organization ' || p_id, p_field);
	ELSIF v_kind <> p_kind THEN
		PERFORM jy_refuse('invalid_argument', p_field || ': organization ' || p_id || ' is a '
		                  || v_kind || ', not a ' || p_kind, p_field);
	END IF;
END $$;

-- The stored answer for (actor, key), marked replayed; a refusal when the
-- key came with another request; NULL when the key is new.
CREATE FUNCTION jy_idem_lookup(p_actor bigint, p_key text, p_hash text) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE r idempotency%ROWTYPE;
BEGIN
	SELECT * INTO r FROM idempotency WHERE account_id = p_actor AND key = p_key;
	IF NOT FOUND THEN
		RETURN NULL;
	ELSIF r.request_hash = coalesce(p_hash, '') THEN
		RETURN r.result || '{"replayed": true}'::jsonb;
	END IF;
	RETURN jy_result('invalid_argument', 'idempotency key "' || p_key
	                 || '" was already used for a different request', 'idempotency_key')
	       || '{"replayed": false}'::jsonb;
END $$;

-- The supervise action's own rules and record, called by jy_act_apply's
-- 'supervise' branch. A function of its own so that a later migration
-- (0009_supervision) can refine who may record which kind of supervision
-- with CREATE OR REPLACE instead of redefining jy_act_apply. Refuses with
-- jy_refuse; returns what to add to the event's payload.
CREATE FUNCTION jy_supervise_record(a accounts, s suggestions, p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE v_kind text := jy_p_text(p, 'kind');
BEGIN
	IF v_kind NOT IN ('note', 'interview', 'inquiry', 'publish_unsatisfied') THEN
		PERFORM jy_refuse('invalid_argument',
		                  'kind must be note, interview, inquiry or publish_unsatisfied', 'kind');
	END IF;
	INSERT INTO supervision_notes (suggestion_id, kind, text, written_by)
	VALUES (s.id, v_kind, jy_p_required(p, 'text', 20000), a.id);
	RETURN '{}'::jsonb;
END $$;

-- Steps 2-7 of jy_act. Refusals raise JY001 (jy_refuse) so that jy_act's
-- exception block undoes anything already written.
CREATE FUNCTION jy_act_apply(p_actor bigint, p_action text, p_suggestion bigint,
                             p_expected_version int, p_transitions jsonb, p_relation text,
                             p_params jsonb, p_idem_key text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts%ROWTYPE;
	s suggestions%ROWTYPE;
	t suggestions%ROWTYPE;
	x extensions%ROWTYPE;
	p jsonb := coalesce(p_params, '{}');
	v_payload jsonb;
	v_from text;
	v_to text;
	v_seq bigint;
	v_id bigint;
	v_ids bigint[];
	v_texts text[];
	v_text text;
	v_text2 text;
	v_int bigint;
	v_int2 bigint;
	v_bool boolean;
	v_date date;
	v_today date := jy_today();
	i int;
BEGIN
	IF jsonb_typeof(p) <> 'object' THEN
		PERFORM jy_refuse('invalid_argument', 'params must be a JSON object', 'params');
	END IF;
	IF p_transitions IS NULL OR jsonb_typeof(p_transitions) <> 'object' THEN
		RAISE EXCEPTION 'jy_act: p_transitions must be a JSON object';
	END IF;
	v_payload := p;
	SELECT * INTO a FROM accounts WHERE id = p_actor;
	IF NOT FOUND OR a.disabled THEN
		PERFORM jy_refuse('permission_denied', 'account ' || p_actor || ' does not exist or is disabled');
	END IF;

	IF p_action = 'create' THEN
		-- No row to lock, version or state to check: a new draft.
		IF a.deputy_id IS NULL THEN
			PERFORM jy_refuse('permission_denied', 'only a deputy may create a suggestion');
		END IF;
		v_text := jy_p_text(p, 'kind');
		IF v_text = '' THEN
			v_text := 'suggestion';
		ELSIF v_text NOT IN ('suggestion', 'motion') THEN
			PERFORM jy_refuse('invalid_argument', 'kind must be suggestion or motion, not '''
			                  || v_text || '''', 'kind');
		END IF;
		v_ids := jy_p_ids(p, 'cosigner_deputy_ids');
		FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
			IF v_ids[i] = a.deputy_id THEN
				PERFORM jy_refuse('invalid_argument', 'the lead deputy cannot also co-sign',
				                  'cosigner_deputy_ids');
			ELSIF v_ids[i] = ANY (v_ids[1:i - 1]) THEN
				PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i] || ' is listed twice',
				                  'cosigner_deputy_ids');
			ELSIF NOT EXISTS (SELECT 1 FROM deputies d WHERE d.id = v_ids[i]) THEN
				PERFORM jy_refuse('invalid_argument', 'no deputy ' || v_ids[i], 'cosigner_deputy_ids');
			END IF;
		END LOOP;
		INSERT INTO suggestions (state, version, kind, title, body, category, confidential,
		                         lead_deputy_id, created_by)
		VALUES ('draft', 1, v_text, jy_p_required(p, 'title', 200), jy_p_required(p, 'body', 20000),
		        jy_p_optional(p, 'category', 50), jy_p_bool(p, 'confidential'), a.deputy_id, a.id)
		RETURNING * INTO s;
		INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position, confirmed_at)
		VALUES (s.id, a.deputy_id, 'lead', 0, now());
		INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position)
		SELECT s.id, d, 'cosigner', n FROM unnest(v_ids) WITH ORDINALITY AS u (d, n);
		v_from := NULL;
		v_to := 'draft';
	ELSE
		-- 2. Lock the row: concurrent actions on one case serialise here.
		SELECT * INTO s FROM suggestions WHERE id = p_suggestion FOR UPDATE;
		IF NOT FOUND THEN
			PERFORM jy_refuse('not_found', 'no suggestion ' || coalesce(p_suggestion::text, 'NULL'));
		END IF;
		-- A retry with our key may have committed while we waited for the
		-- lock: answer with its result rather than a version conflict.
		IF EXISTS (SELECT 1 FROM idempotency WHERE account_id = p_actor AND key = p_idem_key) THEN
			RAISE EXCEPTION USING ERRCODE = 'JY002', MESSAGE = 'idempotency key already stored';
		END IF;
		IF NOT jy_can_see(p_actor, s) THEN
			PERFORM jy_refuse('permission_denied', 'you have no access to suggestion ' || s.id);
		END IF;
		-- 3. Relation.
		IF NOT jy_relation_holds(a, s, p_relation) THEN
			PERFORM jy_refuse('permission_denied', jy_relation_refusal(p_relation, p_action));
		END IF;
		-- 4. Version.
		IF p_expected_version IS DISTINCT FROM s.version THEN
			PERFORM jy_refuse('conflict', 'suggestion ' || s.id || ' changed: it is at version '
			                  || s.version || ', you sent ' || coalesce(p_expected_version::text, 'none')
			                  || '; reload it and try again');
		END IF;
		-- 5. State.
		IF NOT p_transitions ? s.state THEN
			PERFORM jy_refuse('failed_precondition', 'cannot ' || p_action || ' a suggestion that is '
			                  || s.state);
		END IF;
		v_from := s.state;
		v_to := p_transitions ->> s.state;

		-- 6. The action's own rules and effects. Fields of s changed here
		-- are written by the one UPDATE below.
		CASE p_action
		WHEN 'cosign' THEN
			UPDATE suggestion_signers SET confirmed_at = now()
			WHERE suggestion_id = s.id AND deputy_id = a.deputy_id AND role = 'cosigner'
			  AND confirmed_at IS NULL;
			IF NOT FOUND THEN
				IF EXISTS (SELECT 1 FROM suggestion_signers WHERE suggestion_id = s.id
				           AND deputy_id = a.deputy_id AND role = 'cosigner') THEN
					PERFORM jy_refuse('failed_precondition', 'you have already co-signed suggestion '
					                  || s.id);
				END IF;
				PERFORM jy_refuse('permission_denied', jy_relation_refusal('signer', p_action));
			END IF;

		WHEN 'submit' THEN
			NULL;

		WHEN 'withdraw', 'return' THEN
			PERFORM jy_p_required(p, 'reason', 2000);

		WHEN 'close' THEN
			PERFORM jy_p_optional(p, 'reason', 2000);

		WHEN 'register' THEN
			v_int := jy_p_int(p, 'term');
			v_int2 := jy_p_int(p, 'session');
			IF v_int NOT BETWEEN 1 AND 99 THEN
				PERFORM jy_refuse('invalid_argument', 'term must be between 1 and 99', 'term');
			ELSIF v_int2 NOT BETWEEN 1 AND 20 THEN
				PERFORM jy_refuse('invalid_argument', 'session must be between 1 and 20', 'session');
			END IF;
			IF s.number IS NOT NULL THEN
				-- Registered before (then returned): it keeps its number.
				IF (s.term, s.session) IS DISTINCT FROM (v_int::int, v_int2::int) THEN
					PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id
					                  || ' is already numbered for term ' || s.term || ', session '
					                  || s.session);
				END IF;
			ELSE
				-- The counter row stays locked until commit: numbers are gapless.
				INSERT INTO registration_counters AS c (term, session, last_number)
				VALUES (v_int, v_int2, 1)
				ON CONFLICT (term, session) DO UPDATE SET last_number = c.last_number + 1
				RETURNING last_number INTO s.number;
				s.term := v_int;
				s.session := v_int2;
			END IF;

		WHEN 'merge' THEN
			v_id := jy_p_int(p, 'into_suggestion_id');
			IF v_id <= 0 THEN
				PERFORM jy_refuse('invalid_argument', 'into_suggestion_id must name a suggestion',
				                  'into_suggestion_id');
			ELSIF v_id = s.id THEN
				PERFORM jy_refuse('invalid_argument', 'cannot merge suggestion ' || s.id
				                  || ' into itself', 'into_suggestion_id');
			END IF;
			SELECT * INTO t FROM suggestions WHERE id = v_id FOR UPDATE;
			IF NOT FOUND THEN
				PERFORM jy_refuse('not_found', 'no suggestion ' || v_id, 'into_suggestion_id');
			ELSIF NOT jy_can_see(p_actor, t) THEN
				PERFORM jy_refuse('permission_denied', 'you have no access to suggestion ' || v_id,
				                  'into_suggestion_id');
			ELSIF t.state IN ('draft', 'withdrawn', 'merged', 'converted', 'closed') THEN
				PERFORM jy_refuse('failed_precondition', 'cannot merge into suggestion ' || v_id
				                  || ': it is ' || t.state, 'into_suggestion_id');
			END IF;
			PERFORM jy_p_required(p, 'reason', 2000);
			s.merged_into := v_id;

		WHEN 'convert' THEN
			v_text := jy_p_text(p, 'to_kind');
			IF v_text NOT IN ('letter', 'motion', 'suggestion') THEN
				PERFORM jy_refuse('invalid_argument', 'to_kind must be letter, motion or suggestion',
				                  'to_kind');
			ELSIF v_text = s.kind THEN
				PERFORM jy_refuse('invalid_argument', 'suggestion ' || s.id || ' is already a '
				                  || v_text, 'to_kind');
			END IF;
			PERFORM jy_p_required(p, 'reason', 2000);
			s.converted_to := v_text;

		WHEN 'assign', 'reassign' THEN
			v_id := jy_p_int(p, 'lead_unit_id');
			IF v_id <= 0 THEN
				PERFORM jy_refuse('invalid_argument', 'lead_unit_id must name a handling unit',
				                  'lead_unit_id');
			END IF;
			PERFORM jy_check_org(v_id, 'handling_unit', 'lead_unit_id');
			v_ids := jy_p_ids(p, 'co_unit_ids');
			FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
				IF v_ids[i] = v_id THEN
					PERFORM jy_refuse('invalid_argument', 'the lead unit ' || v_id
					                  || ' cannot also be a co-handling unit', 'co_unit_ids');
				ELSIF v_ids[i] = ANY (v_ids[1:i - 1]) THEN
					PERFORM jy_refuse('invalid_argument', 'unit ' || v_ids[i] || ' is listed twice',
					                  'co_unit_ids');
				END IF;
				PERFORM jy_check_org(v_ids[i], 'handling_unit', 'co_unit_ids');
			END LOOP;
			v_date := jy_p_date(p, 'reply_deadline');
			-- jy_due (0007_calendar) applies the working-day calendar.
			IF v_date IS NULL THEN
				v_date := jy_due('reply', v_today);
			ELSIF v_date <= v_today THEN
				PERFORM jy_refuse('invalid_argument', 'reply_deadline must be in the future',
				                  'reply_deadline');
			END IF;
			v_int := jy_p_int(p, 'supervising_committee_id');
			IF v_int < 0 THEN
				PERFORM jy_refuse('invalid_argument', 'supervising_committee_id must be an id',
				                  'supervising_committee_id');
			ELSIF v_int > 0 THEN
				PERFORM jy_check_org(v_int, 'special_committee', 'supervising_committee_id');
			END IF;
			IF p_action = 'reassign' THEN
				PERFORM jy_p_required(p, 'reason', 2000);
			ELSE
				PERFORM jy_p_optional(p, 'reason', 2000);
			END IF;
			s.key := jy_p_bool(p, 'key');
			s.leaders := jy_p_texts(p, 'leaders');
			s.supervising_committee_id := nullif(v_int, 0);
			s.reply_deadline := v_date;
			s.dispute_due := jy_due('dispute', v_today);
			-- Earlier assignments stay on record, inactive.
			UPDATE suggestion_units SET active = false WHERE suggestion_id = s.id AND active;
			INSERT INTO suggestion_units (suggestion_id, organization_id, role, position)
			VALUES (s.id, v_id, 'lead', 0);
			INSERT INTO suggestion_units (suggestion_id, organization_id, role, position)
			SELECT s.id, o, 'co', n FROM unnest(v_ids) WITH ORDINALITY AS u (o, n);

		WHEN 'accept' THEN
			UPDATE suggestion_units SET accepted_at = now()
			WHERE suggestion_id = s.id AND active AND role = 'lead'
			  AND organization_id = a.organization_id;
			IF NOT FOUND THEN
				PERFORM jy_refuse('permission_denied', jy_relation_refusal('lead_unit', p_action));
			END IF;

		WHEN 'dispute' THEN
			v_text := jy_p_required(p, 'reason', 2000);
			IF v_today > s.dispute_due THEN
				PERFORM jy_refuse('failed_precondition', 'the time to dispute suggestion ' || s.id
				                  || ' ended on ' || to_char(s.dispute_due, 'YYYY-MM-DD'));
			END IF;
			UPDATE suggestion_units SET disputed_at = now(), dispute_reason = v_text
			WHERE suggestion_id = s.id AND active AND organization_id = a.organization_id
			  AND disputed_at IS NULL;
			IF NOT FOUND THEN
				IF EXISTS (SELECT 1 FROM suggestion_units WHERE suggestion_id = s.id AND active
				           AND organization_id = a.organization_id) THEN
					PERFORM jy_refuse('failed_precondition', 'your unit has already disputed suggestion '
					                  || s.id);
				END IF;
				PERFORM jy_refuse('permission_denied', jy_relation_refusal('assigned_unit', p_action));
			END IF;

		WHEN 'plan' THEN
			s.handler_name := jy_p_required(p, 'handler_name', 100);
			s.handler_phone := jy_p_optional(p, 'handler_phone', 50);
			s.plan := jy_p_required(p, 'plan', 20000);
			v_date := jy_p_date(p, 'promised_date');
			IF v_date IS NULL THEN
				PERFORM jy_refuse('invalid_argument', 'promised_date must not be empty', 'promised_date');
			ELSIF v_date < v_today THEN
				PERFORM jy_refuse('invalid_argument', 'promised_date must not be in the past',
				                  'promised_date');
			END IF;
			s.promised_date := v_date;

		WHEN 'contact' THEN
			v_text := jy_p_text(p, 'phase');
			IF v_text NOT IN ('before', 'during', 'after') THEN
				PERFORM jy_refuse('invalid_argument', 'phase must be before, during or after', 'phase');
			END IF;
			v_text2 := jy_p_text(p, 'method');
			IF v_text2 NOT IN ('visit', 'phone', 'meeting', 'sms') THEN
				PERFORM jy_refuse('invalid_argument', 'method must be visit, phone, meeting or sms',
				                  'method');
			END IF;
			v_date := coalesce(jy_p_date(p, 'date'), v_today);
			IF v_date > v_today THEN
				PERFORM jy_refuse('invalid_argument', 'date must not be in the future', 'date');
			END IF;
			INSERT INTO contacts (suggestion_id, round, phase, method, contact_date, note, recorded_by)
			VALUES (s.id, s.round + 1, v_text, v_text2, v_date, jy_p_optional(p, 'note', 2000), a.id);

		WHEN 'opinion' THEN
			v_text := jy_p_required(p, 'text', 20000);
			IF NOT EXISTS (SELECT 1 FROM suggestion_units WHERE suggestion_id = s.id AND active
			               AND role = 'co' AND organization_id = a.organization_id) THEN
				PERFORM jy_refuse('permission_denied', jy_relation_refusal('co_unit', p_action));
			END IF;
			INSERT INTO opinions (suggestion_id, round, organization_id, text, written_by)
			VALUES (s.id, s.round + 1, a.organization_id, v_text, a.id)
			RETURNING id INTO v_id;
			v_payload := v_payload || jsonb_build_object('opinion_id', v_id::bigint);

		WHEN 'extend' THEN
			v_int := jy_p_int(p, 'days');
			v_int2 := jy_setting_int('extension_max_days');
			IF v_int NOT BETWEEN 1 AND v_int2 THEN
				PERFORM jy_refuse('invalid_argument', 'days must be between 1 and ' || v_int2, 'days');
			END IF;
			v_text := jy_p_required(p, 'reason', 2000);
			v_int2 := jy_setting_int('extension_max_count');
			IF (SELECT count(*) FROM extensions WHERE suggestion_id = s.id
			    AND status IN ('pending', 'approved')) >= v_int2 THEN
				PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' already has '
				                  || v_int2 || ' extensions pending or approved (at most '
				                  || v_int2 || ')');
			END IF;
			INSERT INTO extensions (suggestion_id, days, reason, requested_by)
			VALUES (s.id, v_int, v_text, a.id) RETURNING id INTO v_id;
			-- The approver names the extension by this id.
			v_payload := v_payload || jsonb_build_object('extension_id', v_id::bigint);

		WHEN 'approve_extension' THEN
			v_id := jy_p_int(p, 'extension_id');
			v_bool := jy_p_bool(p, 'approve');
			v_text := jy_p_optional(p, 'reason', 2000);
			SELECT * INTO x FROM extensions WHERE id = v_id AND suggestion_id = s.id FOR UPDATE;
			IF NOT FOUND THEN
				PERFORM jy_refuse('invalid_argument', 'suggestion ' || s.id || ' has no extension '
				                  || v_id, 'extension_id');
			ELSIF x.status <> 'pending' THEN
				PERFORM jy_refuse('failed_precondition', 'extension ' || v_id || ' is already '
				                  || x.status, 'extension_id');
			END IF;
			UPDATE extensions SET status = CASE WHEN v_bool THEN 'approved' ELSE 'rejected' END,
			       decided_by = a.id, decided_at = now(), decision_reason = v_text
			WHERE id = v_id;
			IF v_bool THEN
				s.reply_deadline := jy_extended(s.reply_deadline, x.days);
			END IF;
			-- What the deputy reads in the timeline.
			v_payload := v_payload || jsonb_build_object(
				'days', x.days::int,
				'reply_deadline', coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '')::text);

		WHEN 'reply' THEN
			v_text := jy_p_required(p, 'text', 20000);
			v_text2 := jy_p_text(p, 'result_class');
			IF v_text2 NOT IN ('A', 'B', 'C', 'D') THEN
				PERFORM jy_refuse('invalid_argument', 'result_class must be A, B, C or D',
				                  'result_class');
			END IF;
			IF NOT EXISTS (SELECT 1 FROM suggestion_units WHERE suggestion_id = s.id AND active
			               AND role = 'lead' AND organization_id = a.organization_id) THEN
				PERFORM jy_refuse('permission_denied', jy_relation_refusal('lead_unit', p_action));
			END IF;
			v_int := jy_setting_int('min_contacts_before_reply');
			IF (SELECT count(*) FROM contacts WHERE suggestion_id = s.id AND round = s.round + 1)
			   < v_int THEN
				PERFORM jy_refuse('failed_precondition', 'record at least ' || v_int || ' contact'
				                  || CASE WHEN v_int = 1 THEN '' ELSE 's' END
				                  || ' with the deputy before replying');
			END IF;
			s.round := s.round + 1;
			SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v_ids FROM opinions
			WHERE suggestion_id = s.id AND round = s.round;
			INSERT INTO replies (suggestion_id, round, text, result_class, organization_id, signed_by,
			                     opinion_ids)
			VALUES (s.id, s.round, v_text, v_text2, a.organization_id, a.id, v_ids);
			s.result_class := v_text2;
			s.follow_up_owed := v_text2 IN ('B', 'C');
			v_payload := v_payload || jsonb_build_object('round', s.round::int,
			                                             'opinion_ids', to_jsonb(v_ids));

		WHEN 'follow_up' THEN
			IF NOT s.follow_up_owed THEN
				PERFORM jy_refuse('failed_precondition', 'no follow-up report is owed on suggestion '
				                  || s.id);
			END IF;
			v_text := jy_p_required(p, 'text', 20000);
			v_text2 := jy_p_text(p, 'result_class');
			IF v_text2 NOT IN ('A', 'B', 'C', 'D') THEN
				PERFORM jy_refuse('invalid_argument', 'result_class must be A, B, C or D',
				                  'result_class');
			END IF;
			INSERT INTO follow_ups (suggestion_id, round, text, result_class, written_by)
			VALUES (s.id, s.round, v_text, v_text2, a.id);
			s.result_class := v_text2;
			s.follow_up_owed := v_text2 <> 'A';

		WHEN 'evaluate' THEN
			v_text := jy_p_text(p, 'attitude');
			IF v_text NOT IN ('satisfied', 'basically_satisfied', 'unsatisfied') THEN
				PERFORM jy_refuse('invalid_argument',
				                  'attitude must be satisfied, basically_satisfied or unsatisfied',
				                  'attitude');
			END IF;
			v_text2 := jy_p_text(p, 'result');
			IF v_text2 NOT IN ('satisfied', 'basically_satisfied', 'unsatisfied') THEN
				PERFORM jy_refuse('invalid_argument',
				                  'result must be satisfied, basically_satisfied or unsatisfied',
				                  'result');
			END IF;
			IF NOT jy_relation_holds(a, s, 'evaluator') THEN
				PERFORM jy_refuse('permission_denied', jy_relation_refusal('evaluator', p_action));
			ELSIF s.round = 0 THEN
				PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id
				                  || ' has no reply to evaluate');
			ELSIF EXISTS (SELECT 1 FROM evaluations WHERE suggestion_id = s.id AND round = s.round
			              AND deputy_id = a.deputy_id) THEN
				PERFORM jy_refuse('failed_precondition', 'you have already evaluated reply '
				                  || s.round || ' of suggestion ' || s.id);
			END IF;
			INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, comment)
			VALUES (s.id, s.round, a.deputy_id, v_text, v_text2, jy_p_optional(p, 'comment', 2000));
			IF 'unsatisfied' IN (v_text, v_text2) THEN
				v_to := 'rehandling';
				s.rehandle_due := jy_due('rehandle', v_today);
				s.supervised := true;
			ELSIF EXISTS (SELECT 1 FROM suggestion_signers g
			              WHERE g.suggestion_id = s.id AND g.confirmed_at IS NOT NULL
			                AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = s.id
			                                AND e.round = s.round AND e.deputy_id = g.deputy_id)) THEN
				-- Others still to evaluate: the event is recorded, the state stays.
				v_to := s.state;
			END IF;
			v_payload := v_payload || jsonb_build_object('round', s.round::int);

		WHEN 'supervise' THEN
			-- Its own function (above), so that who may record which kind
			-- can be refined without redefining jy_act_apply.
			v_payload := v_payload || jy_supervise_record(a, s, p);
			s.supervised := true;

		ELSE
			PERFORM jy_refuse('invalid_argument', 'unknown action ''' || coalesce(p_action, '') || '''',
			                  'action');
		END CASE;

		-- 7. The case moves on by one version.
		UPDATE suggestions SET
			state = v_to, version = version + 1, updated_at = now(),
			term = s.term, session = s.session, number = s.number,
			reply_deadline = s.reply_deadline, dispute_due = s.dispute_due,
			rehandle_due = s.rehandle_due, key = s.key, leaders = s.leaders,
			supervising_committee_id = s.supervising_committee_id,
			handler_name = s.handler_name, handler_phone = s.handler_phone, plan = s.plan,
			promised_date = s.promised_date, result_class = s.result_class,
			follow_up_owed = s.follow_up_owed, round = s.round, merged_into = s.merged_into,
			converted_to = s.converted_to, supervised = s.supervised
		WHERE id = s.id
		RETURNING * INTO s;
	END IF;

	INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)
	VALUES (s.id, a.id, p_action, v_from, v_to, v_payload)
	RETURNING seq INTO v_seq;
	RETURN jsonb_build_object('code', 'ok'::text, 'message', ''::text, 'replayed', false,
	                          'event_seq', v_seq::bigint,
	                          'suggestion', jy_suggestion_json(s, p_actor, true));
END $$;

-- One workflow action, atomically (docs/WORKFLOW.md "jy_act"). Expected
-- refusals come back as a result object, never as an error, and change
-- nothing: the exception block rolls back the sub-transaction.
CREATE FUNCTION jy_act(p_actor bigint, p_action text, p_suggestion bigint,
                       p_expected_version int, p_transitions jsonb, p_relation text,
                       p_params jsonb, p_idem_key text, p_request_hash text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_result jsonb;
	v_code text;
	v_message text;
	v_field text;
BEGIN
	IF coalesce(p_idem_key, '') = '' OR length(p_idem_key) > 200 THEN
		RETURN jy_result('invalid_argument', 'idempotency_key must be 1 to 200 characters',
		                 'idempotency_key') || '{"replayed": false}'::jsonb;
	END IF;
	-- 1. Idempotency.
	v_result := jy_idem_lookup(p_actor, p_idem_key, p_request_hash);
	IF v_result IS NOT NULL THEN
		RETURN v_result;
	END IF;
	BEGIN
		v_result := jy_act_apply(p_actor, p_action, p_suggestion, p_expected_version,
		                         p_transitions, p_relation, p_params, p_idem_key);
		-- 8. Store the answer. A concurrent request with the same key makes
		-- this wait for it; if it committed, ours is undone and its answer
		-- returned.
		INSERT INTO idempotency (account_id, key, request_hash, result)
		VALUES (p_actor, p_idem_key, coalesce(p_request_hash, ''), v_result)
		ON CONFLICT (account_id, key) DO NOTHING;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'JY002', MESSAGE = 'idempotency key already stored';
		END IF;
		RETURN v_result;
	EXCEPTION
	WHEN SQLSTATE 'JY001' THEN
		GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_code = PG_EXCEPTION_DETAIL,
		                        v_field = PG_EXCEPTION_HINT;
		RETURN jy_result(v_code, v_message, v_field) || '{"replayed": false}'::jsonb;
	WHEN SQLSTATE 'JY002' THEN
		v_result := jy_idem_lookup(p_actor, p_idem_key, p_request_hash);
		IF v_result IS NULL THEN
			RAISE EXCEPTION 'jy_act: idempotency row for key % vanished', p_idem_key;
		END IF;
		RETURN v_result;
	END;
END $$;

-- ---- reads ------------------------------------------------------------------

-- An event's details as the viewer may read them: no individual evaluation
-- for handling units or the public (back-to-back evaluation), no handler's
-- phone number for the public.
CREATE FUNCTION jy_event_details(p_kind text, p_payload jsonb, p_sees_evaluations boolean,
                                 p_public boolean)
RETURNS jsonb IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN p_kind = 'evaluate' AND NOT p_sees_evaluations THEN '{}'::jsonb
		WHEN p_public THEN p_payload - 'handler_phone' - 'note'
		ELSE p_payload END
$$;

CREATE FUNCTION jy_get(p_viewer bigint, p_id bigint) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	v_eval boolean := jy_sees_evaluations(p_viewer);
	v_public boolean;
	v_merge_seq bigint;
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id;
	IF NOT FOUND THEN
		RETURN jy_result('not_found', 'no suggestion ' || coalesce(p_id::text, 'NULL'));
	ELSIF NOT jy_can_see(p_viewer, s) THEN
		RETURN jy_result('permission_denied', 'you have no access to suggestion ' || p_id);
	END IF;
	SELECT a.roles <@ ARRAY['public']::text[] INTO v_public FROM accounts a WHERE a.id = p_viewer;
	-- A merged case's proposers still get their answer: the target's
	-- replies after the merge show in this timeline.
	IF s.merged_into IS NOT NULL THEN
		SELECT max(seq) INTO v_merge_seq FROM events WHERE suggestion_id = s.id AND kind = 'merge';
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'suggestion', jy_suggestion_json(s, p_viewer, true),
		'timeline', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'sequence', e.seq::bigint,
				'at', jy_rfc3339(e.at)::text,
				'kind', e.kind::text,
				'actor_login', coalesce(ac.login, '')::text,
				'actor_name', coalesce(ac.display_name, '')::text,
				'from_state', coalesce(e.from_state, '')::text,
				'to_state', e.to_state::text,
				'details', jy_event_details(e.kind, e.payload, v_eval, coalesce(v_public, true))
				           || CASE WHEN e.suggestion_id = s.id THEN '{}'::jsonb
				                   ELSE jsonb_build_object('suggestion_id', e.suggestion_id::bigint) END)
				ORDER BY e.seq)
			FROM events e LEFT JOIN accounts ac ON ac.id = e.actor_account_id
			WHERE e.suggestion_id = s.id
			   OR (e.suggestion_id = s.merged_into AND e.seq > v_merge_seq
			       AND e.kind IN ('reply', 'follow_up'))), '[]'::jsonb));
END $$;

-- 0012_read_path redefines jy_list: the same filters over jy_visible.
CREATE FUNCTION jy_list(p_viewer bigint, p_filters jsonb, p_limit int, p_after_id bigint)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	f jsonb := coalesce(p_filters, '{}');
	v_state text;
	v_unit bigint;
	v_deputy bigint;
	v_category text;
	v_term bigint;
	v_session bigint;
	v_key boolean;
	v_overdue boolean;
	v_text text;
	v_pattern text;
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 50 ELSE least(p_limit, 500) END;
	v_ids bigint[];
	v_next bigint := 0;
	v_code text;
	v_message text;
	v_field text;
BEGIN
	BEGIN
		IF jsonb_typeof(f) <> 'object' THEN
			PERFORM jy_refuse('invalid_argument', 'filters must be a JSON object', 'filters');
		END IF;
		v_state := jy_p_text(f, 'state');
		IF v_state <> '' AND v_state NOT IN (
			'draft', 'submitted', 'returned', 'registered', 'assigned', 'disputed', 'accepted',
			'in_progress', 'replied', 'rehandling', 'evaluated', 'closed', 'withdrawn', 'merged',
			'converted') THEN
			PERFORM jy_refuse('invalid_argument', 'state ''' || v_state || ''' is not a state', 'state');
		END IF;
		v_unit := jy_p_int(f, 'unit_id');
		v_deputy := jy_p_int(f, 'deputy_id');
		v_category := jy_p_text(f, 'category');
		v_term := jy_p_int(f, 'term');
		v_session := jy_p_int(f, 'session');
		v_key := jy_p_bool(f, 'key_only');
		v_overdue := jy_p_bool(f, 'overdue_only');
		v_text := jy_p_optional(f, 'text', 200);
	EXCEPTION WHEN SQLSTATE 'JY001' THEN
		GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_code = PG_EXCEPTION_DETAIL,
		                        v_field = PG_EXCEPTION_HINT;
		RETURN jy_result(v_code, v_message, v_field);
	END;
	-- The value is matched literally: escape LIKE's wildcards and escape.
	v_pattern := '%' || replace(replace(replace(v_text, '\', '\\'), '%', '\%'), '_', '\_') || '%';

	-- One row more than the page tells whether there is a next page.
	SELECT array_agg(id ORDER BY id) INTO v_ids FROM (
		SELECT s.id FROM suggestions s
		WHERE s.id > coalesce(p_after_id, 0)
		  AND (v_state = '' OR s.state = v_state)
		  AND (v_unit = 0 OR EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id
		                             AND u.active AND u.organization_id = v_unit))
		  AND (v_deputy = 0 OR s.lead_deputy_id = v_deputy
		       OR EXISTS (SELECT 1 FROM suggestion_signers g WHERE g.suggestion_id = s.id
		                  AND g.deputy_id = v_deputy))
		  AND (v_category = '' OR s.category = v_category)
		  AND (v_term = 0 OR s.term = v_term)
		  AND (v_session = 0 OR s.session = v_session)
		  AND (NOT v_key OR s.key)
		  AND (NOT v_overdue OR jy_overdue(s))
		  AND (v_text = '' OR (s.title || ' ' || s.body) ILIKE v_pattern)
		  AND jy_can_see(p_viewer, s)
		ORDER BY s.id
		LIMIT v_limit + 1) AS page;
	IF coalesce(array_length(v_ids, 1), 0) > v_limit THEN
		v_ids := v_ids[1:v_limit];
		v_next := v_ids[v_limit];
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'suggestions', coalesce((SELECT jsonb_agg(jy_suggestion_json(s, p_viewer, false) ORDER BY s.id)
		                         FROM suggestions s WHERE s.id = ANY (v_ids)), '[]'::jsonb),
		'next_after_id', v_next::bigint);
END $$;
