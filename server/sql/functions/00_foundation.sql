-- Foundation: settings, dates and times, refusals and results, the request
-- parameter readers (jy_p_*), idempotency lookup and role checks that the
-- other files build on.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- ---- helpers ----------------------------------------------------------------

-- A congress's setting: its own row, else the nearest congress above it
-- that has one (a province sets what its counties inherit), else the
-- deployment's first congress's (docs/CONGRESSES.md "Settings and calendar").
CREATE OR REPLACE FUNCTION jy_setting(p_congress bigint, p_key text) RETURNS text
STABLE LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
	SELECT st.value INTO v FROM congresses c
	JOIN settings st ON st.key = p_key
	                AND (st.congress_id = ANY (c.path) OR st.congress_id = 1)
	WHERE c.id = p_congress
	ORDER BY coalesce(array_position(c.path, st.congress_id), 0) DESC
	LIMIT 1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'setting % is missing for congress %', p_key, p_congress;
	END IF;
	RETURN v;
END $$;

-- The congress an account acts in (docs/CONGRESSES.md); NULL for no account.
CREATE OR REPLACE FUNCTION jy_congress_of(p_account bigint) RETURNS bigint STABLE LANGUAGE sql AS $$
	SELECT congress_id FROM accounts WHERE id = p_account
$$;

-- The deployment's own setting (its first congress's): what the server
-- reads that belongs to no congress, and what the previous release reads.
CREATE OR REPLACE FUNCTION jy_setting(p_key text) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT jy_setting(1, p_key)
$$;

CREATE OR REPLACE FUNCTION jy_setting_int(p_congress bigint, p_key text) RETURNS int
STABLE LANGUAGE sql AS $$
	SELECT jy_setting(p_congress, p_key)::int
$$;

-- Today where the congress sits (its time_zone setting), not the server's.
CREATE OR REPLACE FUNCTION jy_today(p_congress bigint) RETURNS date STABLE LANGUAGE sql AS $$
	SELECT (now() AT TIME ZONE jy_setting(p_congress, 'time_zone'))::date
$$;

-- Today where the deployment's first congress sits: the periodic job's
-- clock (every congress of one country shares the time zone).
CREATE OR REPLACE FUNCTION jy_today() RETURNS date STABLE LANGUAGE sql AS $$
	SELECT jy_today(1)
$$;

-- STABLE like the to_char it wraps: an IMMUTABLE wrapper around a STABLE
-- function is never inlined (docs/BENCHMARKS.md: 8.5 µs a call).
CREATE OR REPLACE FUNCTION jy_rfc3339(t timestamptz) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT coalesce(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '')
$$;

-- An expected refusal: jy_act's exception block turns it into a result
-- object and rolls back whatever the action had written. The whole result
-- object (jy_result's) travels in DETAIL as text; the handlers return it.
-- p_reason is a stable lowercase code and p_args its named arguments, both
-- listed in docs/WORKFLOW.md "Reasons": the clients word the refusal in the
-- user's language from them; p_message stays for logs and JSON.
CREATE OR REPLACE FUNCTION jy_refuse(p_code text, p_message text, p_field text DEFAULT '',
                                     p_reason text DEFAULT '', p_args jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'JY001', MESSAGE = p_message,
		DETAIL = jy_result(p_code, p_message, p_field, p_reason, p_args)::text;
END $$;

CREATE OR REPLACE FUNCTION jy_result(p_code text, p_message text, p_field text DEFAULT '',
                                     p_reason text DEFAULT '', p_args jsonb DEFAULT '{}')
RETURNS jsonb IMMUTABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object('code', p_code::text, 'message', p_message::text)
	       || CASE WHEN coalesce(p_field, '') = '' THEN '{}'::jsonb
	               ELSE jsonb_build_object('field', p_field::text) END
	       || CASE WHEN coalesce(p_reason, '') = '' THEN '{}'::jsonb
	               ELSE jsonb_build_object('reason', p_reason::text,
	                                       'args', coalesce(p_args, '{}'::jsonb)) END
$$;

-- A session of a congress as people write it: "第18届第2次会议".
CREATE OR REPLACE FUNCTION jy_session_name(p_term int, p_session int) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
	SELECT '第' || p_term::text || '届第' || p_session::text || '次会议'
$$;

-- A case's number as people write it: "第18届第2次会议第3号"; '' before
-- registration. Every answer that shows a number builds it here. The casts
-- keep the body immutable, so the planner inlines it into the caller's query.
CREATE OR REPLACE FUNCTION jy_case_number(s suggestions) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE WHEN s.number IS NULL THEN ''
	            ELSE jy_session_name(s.term, s.session) || '第' || s.number::text || '号' END
$$;

-- A LIKE pattern that finds p_text anywhere, matched literally: LIKE's
-- wildcards and escape in it are escaped.
CREATE OR REPLACE FUNCTION jy_like_pattern(p_text text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- Params come from protobuf messages (pbjson.c: every field present, with
-- its default); absent keys count as defaults too, so direct callers may
-- leave them out.
CREATE OR REPLACE FUNCTION jy_p_text(p jsonb, k text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT coalesce(CASE WHEN jsonb_typeof(p -> k) = 'null' THEN NULL ELSE p ->> k END, '')
$$;

CREATE OR REPLACE FUNCTION jy_p_int(p jsonb, k text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF v = '' THEN
		RETURN 0;
	END IF;
	IF v !~ '^-?[0-9]{1,18}$' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must be an integer, not ''' || v || '''', k,
		                  'not_integer', jsonb_build_object('field', k, 'value', v));
	END IF;
	RETURN v::bigint;
END $$;

CREATE OR REPLACE FUNCTION jy_p_bool(p jsonb, k text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF v IN ('', 'false') THEN
		RETURN false;
	ELSIF v = 'true' THEN
		RETURN true;
	END IF;
	PERFORM jy_refuse('invalid_argument', k || ' must be true or false', k,
	                  'not_boolean', jsonb_build_object('field', k));
	RETURN NULL;
END $$;

-- A date 'YYYY-MM-DD'; NULL for ''.
CREATE OR REPLACE FUNCTION jy_p_date(p jsonb, k text) RETURNS date LANGUAGE plpgsql AS $$
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
	PERFORM jy_refuse('invalid_argument', k || ' must be a date YYYY-MM-DD, not ''' || v || '''', k,
	                  'not_date', jsonb_build_object('field', k, 'value', v));
	RETURN NULL;
END $$;

-- A list param's elements as text, each checked: p_kind 'id' (a number or
-- a string of digits) or 'text' (a non-blank string). Absent or null is an
-- empty list. The one reader behind jy_p_ids and jy_p_texts.
CREATE OR REPLACE FUNCTION jy_p_list(p jsonb, k text, p_kind text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	a jsonb := p -> k;
	v_ids boolean := p_kind = 'id';
	v_out text[] := '{}'::text[];
	v_bad boolean;
	e jsonb;
BEGIN
	IF a IS NULL OR jsonb_typeof(a) = 'null' THEN
		RETURN v_out;
	END IF;
	IF jsonb_typeof(a) <> 'array' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must be a list of '
		                  || CASE WHEN v_ids THEN 'ids' ELSE 'strings' END, k,
		                  'not_list', jsonb_build_object('field', k));
	END IF;
	FOR e IN SELECT x FROM jsonb_array_elements(a) AS t (x) LOOP
		v_bad := CASE WHEN v_ids THEN jsonb_typeof(e) NOT IN ('number', 'string')
		                              OR (e #>> '{}') !~ '^[0-9]{1,18}$'
		              ELSE jsonb_typeof(e) <> 'string' OR btrim(e #>> '{}') = '' END;
		IF v_bad THEN
			PERFORM jy_refuse('invalid_argument', k || ' must be a list of '
			                  || CASE WHEN v_ids THEN 'ids' ELSE 'non-empty strings' END, k,
			                  'not_list', jsonb_build_object('field', k));
		END IF;
		v_out := v_out || (e #>> '{}');
	END LOOP;
	RETURN v_out;
END $$;

-- A JSON array of ids (absent/null = empty).
CREATE OR REPLACE FUNCTION jy_p_ids(p jsonb, k text) RETURNS bigint[] LANGUAGE sql AS $$
	SELECT jy_p_list(p, k, 'id')::bigint[]
$$;

-- A JSON array of non-blank strings (absent/null = empty).
CREATE OR REPLACE FUNCTION jy_p_texts(p jsonb, k text) RETURNS text[] LANGUAGE sql AS $$
	SELECT jy_p_list(p, k, 'text')
$$;

-- A required, non-blank text param of at most max characters.
CREATE OR REPLACE FUNCTION jy_p_required(p jsonb, k text, max int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF btrim(v) = '' THEN
		PERFORM jy_refuse('invalid_argument', k || ' must not be empty', k,
		                  'required', jsonb_build_object('field', k));
	END IF;
	IF length(v) > max THEN
		PERFORM jy_refuse('invalid_argument', k || ' is longer than ' || max || ' characters', k,
		                  'too_long', jsonb_build_object('field', k, 'max', max));
	END IF;
	RETURN v;
END $$;

CREATE OR REPLACE FUNCTION jy_p_optional(p jsonb, k text, max int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, k);
BEGIN
	IF length(v) > max THEN
		PERFORM jy_refuse('invalid_argument', k || ' is longer than ' || max || ' characters', k,
		                  'too_long', jsonb_build_object('field', k, 'max', max));
	END IF;
	RETURN v;
END $$;

-- An organization of kind p_kind named by a param, of congress p_congress:
-- a unit of another congress is refused as if it did not exist, so that
-- its id tells nothing (docs/CONGRESSES.md "Isolation").
CREATE OR REPLACE FUNCTION jy_check_org(p_congress bigint, p_id bigint, p_kind text, p_field text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_kind text;
BEGIN
	SELECT kind INTO v_kind FROM organizations WHERE id = p_id AND congress_id = p_congress;
	IF NOT FOUND THEN
		PERFORM jy_refuse('invalid_argument', p_field || ': no organization ' || p_id, p_field,
		                  'no_organization', jsonb_build_object('field', p_field, 'id', p_id));
	ELSIF v_kind <> p_kind THEN
		PERFORM jy_refuse('invalid_argument', p_field || ': organization ' || p_id || ' is a '
		                  || v_kind || ', not a ' || p_kind, p_field,
		                  'wrong_organization_kind', jsonb_build_object('field', p_field, 'id', p_id, 'org_kind', v_kind, 'expected', p_kind));
	END IF;
END $$;

-- The stored answer for (actor, key), marked replayed; a refusal when the
-- key came with another request; NULL when the key is new.
CREATE OR REPLACE FUNCTION jy_idem_lookup(p_actor bigint, p_key text, p_hash text) RETURNS jsonb
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
	                 || '" was already used for a different request', 'idempotency_key',
	                 'key_reused')
	       || '{"replayed": false}'::jsonb;
END $$;

-- A timestamp's date where the congress sits.
CREATE OR REPLACE FUNCTION jy_local_date(p_congress bigint, t timestamptz) RETURNS date
STABLE LANGUAGE sql AS $$
	SELECT (t AT TIME ZONE jy_setting(p_congress, 'time_zone'))::date
$$;

-- The acting account; refuses a missing or disabled one.
CREATE OR REPLACE FUNCTION jy_actor(p_actor bigint) RETURNS accounts LANGUAGE plpgsql AS $$
DECLARE a accounts%ROWTYPE;
BEGIN
	SELECT * INTO a FROM accounts WHERE id = p_actor;
	IF NOT FOUND OR a.disabled THEN
		PERFORM jy_refuse('permission_denied', 'account ' || coalesce(p_actor::text, 'NULL')
		                  || ' does not exist or is disabled', '', 'account_disabled');
	END IF;
	RETURN a;
END $$;

-- Refuses unless the account holds one of p_roles; p_who names them for a
-- person ("the liaison committee"), p_what is the deed ("create a topic").
CREATE OR REPLACE FUNCTION jy_require_role(a accounts, p_roles text[], p_who text, p_what text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF NOT (a.roles && p_roles) THEN
		PERFORM jy_refuse('permission_denied', 'only ' || p_who || ' may ' || p_what, '',
		                  'only_role', jsonb_build_object('roles', array_to_string(p_roles, ',')));
	END IF;
END $$;

-- Every role but the public's: the congress's own side, units, deputies.
CREATE OR REPLACE FUNCTION jy_inside_roles() RETURNS text[] IMMUTABLE LANGUAGE sql AS $$
	SELECT ARRAY['deputy', 'liaison_officer', 'government_officer', 'unit_clerk', 'unit_head',
	             'committee_member', 'leader', 'admin']::text[]
$$;

CREATE OR REPLACE FUNCTION jy_p_year(p jsonb) RETURNS int LANGUAGE plpgsql AS $$
DECLARE v bigint := jy_p_int(p, 'year');
BEGIN
	IF v NOT BETWEEN 2000 AND 2100 THEN
		PERFORM jy_refuse('invalid_argument', 'year must be from 2000 to 2100', 'year',
		                  'out_of_range', jsonb_build_object('field', 'year', 'min', 2000, 'max', 2100));
	END IF;
	RETURN v;
END $$;
