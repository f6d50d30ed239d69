-- The read path (issue #6, docs/BENCHMARKS.md "Where the read mix's time
-- goes"): a list page spent most of its time starting a SQL function's
-- executor once per case — jy_suggestion_json and jy_can_see have
-- subqueries, so PostgreSQL cannot inline them — and jy_rfc3339 was marked
-- IMMUTABLE around the STABLE to_char, which also blocks inlining. Here the
-- visibility rule becomes a table the planner inlines into the calling
-- query, and a page's Suggestion messages are built by one query.

-- to_char is STABLE: an IMMUTABLE wrapper is never inlined.
ALTER FUNCTION jy_rfc3339(timestamptz) STABLE;

-- Who may see a case (docs/WORKFLOW.md "Visibility"): the one definition of
-- the rule. A set-returning SQL function with one SELECT, so the planner
-- inlines it into the query that reads from it (a list page becomes one
-- plan with semi-joins, not a function call per case).
CREATE FUNCTION jy_visible(p_viewer bigint) RETURNS SETOF suggestions
STABLE LANGUAGE sql AS $$
	SELECT s.* FROM accounts a, suggestions s
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
		OR ('public' = ANY (a.roles) AND s.published AND s.state <> 'draft'))
$$;

-- One case, by id or by a row just read (the same rule). plpgsql: its plan
-- is kept for the session; as a SQL function calling another, the inner one
-- was planned again on every call (0.5 ms a check in the feed's jy_sync).
-- COST as in 0011: lists apply their cheap filters first.
CREATE OR REPLACE FUNCTION jy_can_see(p_viewer bigint, p_id bigint) RETURNS boolean
STABLE LANGUAGE plpgsql COST 10000 AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM jy_visible(p_viewer) v WHERE v.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION jy_can_see(p_viewer bigint, s suggestions) RETURNS boolean
STABLE LANGUAGE plpgsql COST 10000 AS $$
BEGIN
	RETURN jy_can_see(p_viewer, s.id);
END $$;

-- Overdue on a given day, so that a page computes today once.
CREATE FUNCTION jy_overdue(s suggestions, p_today date) RETURNS boolean STABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN s.state IN ('assigned', 'disputed', 'accepted', 'in_progress')
			THEN coalesce(s.reply_deadline < p_today, false)
		WHEN s.state = 'rehandling'
			THEN coalesce(coalesce(s.rehandle_due, s.reply_deadline) < p_today, false)
		ELSE false END
$$;

CREATE OR REPLACE FUNCTION jy_overdue(s suggestions) RETURNS boolean STABLE LANGUAGE sql AS $$
	SELECT jy_overdue(s, jy_today())
$$;

-- The Suggestion messages of the cases p_ids, in id order (keys = proto
-- message Suggestion's fields). detail = false (lists) leaves body and plan
-- empty; the public does not see the handler's name. plpgsql with a generic
-- plan, kept for the session: a custom plan for each array of ids cost more
-- to make (0.3 ms) than to run for one case.
CREATE FUNCTION jy_suggestions_json(p_viewer bigint, p_ids bigint[], p_detail boolean)
RETURNS jsonb STABLE LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_today date := jy_today();
	v_public boolean := coalesce((SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a
	                              WHERE a.id = p_viewer), false);
BEGIN
	RETURN coalesce((SELECT jsonb_agg(jsonb_build_object(
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
		'lead_deputy', coalesce(ld.name, '')::text,
		'cosigners', coalesce(cs.names, '[]'::jsonb),
		'lead_unit', coalesce(un.lead, '')::text,
		'co_units', coalesce(un.co, '[]'::jsonb),
		'reply_deadline', coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '')::text,
		'result_class', coalesce(s.result_class, '')::text,
		'handler_name', CASE WHEN v_public THEN '' ELSE coalesce(s.handler_name, '') END::text,
		'plan', CASE WHEN p_detail THEN coalesce(s.plan, '') ELSE '' END::text,
		'promised_date', coalesce(to_char(s.promised_date, 'YYYY-MM-DD'), '')::text,
		'contacts', coalesce(ct.n, 0)::int,
		'overdue', jy_overdue(s, v_today)::boolean,
		'created_at', jy_rfc3339(s.created_at)::text,
		'updated_at', jy_rfc3339(s.updated_at)::text,
		'published', s.published::boolean) ORDER BY s.id)
	FROM suggestions s
	LEFT JOIN deputies ld ON ld.id = s.lead_deputy_id
	LEFT JOIN LATERAL (
		SELECT jsonb_agg((d.name || CASE WHEN g.confirmed_at IS NULL THEN ' (unconfirmed)' ELSE '' END)::text
		                 ORDER BY g.position) AS names
		FROM suggestion_signers g JOIN deputies d ON d.id = g.deputy_id
		WHERE g.suggestion_id = s.id AND g.role = 'cosigner') cs ON true
	LEFT JOIN LATERAL (
		SELECT max(o.name) FILTER (WHERE u.role = 'lead') AS lead,
		       jsonb_agg(o.name::text ORDER BY u.position) FILTER (WHERE u.role = 'co') AS co
		FROM suggestion_units u JOIN organizations o ON o.id = u.organization_id
		WHERE u.suggestion_id = s.id AND u.active) un ON true
	LEFT JOIN LATERAL (SELECT count(*) AS n FROM contacts c WHERE c.suggestion_id = s.id) ct ON true
	WHERE s.id = ANY (p_ids)), '[]'::jsonb);
END $$;

-- One case's message (jy_act, jy_get): the same definition. Callers pass a
-- row they have just read or written in this transaction.
CREATE OR REPLACE FUNCTION jy_suggestion_json(s suggestions, p_viewer bigint, p_detail boolean)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_suggestions_json(p_viewer, ARRAY[s.id], p_detail) -> 0
$$;

-- A list page (docs/WORKFLOW.md "Lists"), as in 0002 but reading from
-- jy_visible, so the visibility rule is part of the page's plan, and with
-- the page's messages built by jy_suggestions_json.
CREATE OR REPLACE FUNCTION jy_list(p_viewer bigint, p_filters jsonb, p_limit int, p_after_id bigint)
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
		SELECT s.id FROM jy_visible(p_viewer) s
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
		ORDER BY s.id
		LIMIT v_limit + 1) AS page;
	IF coalesce(array_length(v_ids, 1), 0) > v_limit THEN
		v_ids := v_ids[1:v_limit];
		v_next := v_ids[v_limit];
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'suggestions', jy_suggestions_json(p_viewer, v_ids, false),
		'next_after_id', v_next::bigint);
END $$;

-- A topic's view (0009): its visible cases' messages by one query too.
CREATE OR REPLACE FUNCTION jy_topic_show(p_viewer bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_viewer);
	t topics%ROWTYPE;
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies', 'read topics');
	SELECT * INTO t FROM topics WHERE id = jy_p_int(p, 'topic_id');
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no topic ' || jy_p_int(p, 'topic_id'), 'topic_id');
	END IF;
	RETURN jsonb_build_object(
		'topic', jy_topic_json(t, p_viewer),
		'suggestions', jy_suggestions_json(p_viewer, ARRAY(
			SELECT ts.suggestion_id FROM topic_suggestions ts
			JOIN jy_visible(p_viewer) s ON s.id = ts.suggestion_id
			WHERE ts.topic_id = t.id), false));
END $$;
