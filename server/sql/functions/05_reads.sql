-- Reads: jy_get and jy_list (docs/WORKFLOW.md), the Suggestion JSON they
-- answer with, and event details as a viewer may read them.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- ---- reads ------------------------------------------------------------------

-- An event's details as the viewer may read them: no individual evaluation
-- for handling units or the public (back-to-back evaluation), no handler's
-- phone number for the public.
CREATE OR REPLACE FUNCTION jy_event_details(p_kind text, p_payload jsonb, p_sees_evaluations boolean,
                                 p_public boolean)
RETURNS jsonb IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN p_kind = 'evaluate' AND NOT p_sees_evaluations THEN '{}'::jsonb
		WHEN p_public THEN p_payload - 'handler_phone' - 'note'
		ELSE p_payload END
$$;

-- ---- reads: the Suggestion message, lists, the timeline, the feed -------------

-- The Suggestion messages of the cases p_ids, by one query (a call per
-- case was the list's main cost, docs/BENCHMARKS.md); plpgsql with a
-- generic plan kept for the session. For the public, the portal's view of
-- the case: the published title and text, no co-signers, co-units,
-- handler, plan, dates, contacts or key mark (docs/WORKFLOW.md
-- "Visibility"). The caller has checked visibility.
CREATE OR REPLACE FUNCTION jy_suggestions_json(p_viewer bigint, p_ids bigint[], p_detail boolean)
RETURNS jsonb STABLE LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_today date := jy_today(jy_congress_of(p_viewer));
	v_public boolean := coalesce((SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a
	                              WHERE a.id = p_viewer), false);
BEGIN
	RETURN coalesce((SELECT jsonb_agg(jsonb_build_object(
		'id', s.id::bigint,
		'number', jy_case_number(s)::text,
		'state', s.state::text,
		'version', s.version::int,
		'title', CASE WHEN v_public THEN coalesce(s.published_title, s.title)
		              ELSE s.title END::text,
		'body', CASE WHEN NOT p_detail THEN '' WHEN v_public THEN jy_portal_text(s)
		             ELSE s.body END::text,
		'category', s.category::text,
		'kind', s.kind::text,
		'confidential', s.confidential::boolean,
		'key', (s.key AND NOT v_public)::boolean,
		'term', coalesce(s.term, 0)::int,
		'session', coalesce(s.session, 0)::int,
		'lead_deputy', coalesce(ld.name, '')::text,
		'cosigners', CASE WHEN v_public THEN '[]'::jsonb ELSE coalesce(cs.names, '[]'::jsonb) END,
		'lead_unit', coalesce(un.lead, '')::text,
		'co_units', CASE WHEN v_public THEN '[]'::jsonb ELSE coalesce(un.co, '[]'::jsonb) END,
		'reply_deadline', CASE WHEN v_public THEN ''
		                        ELSE coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '') END::text,
		'result_class', coalesce(s.result_class, '')::text,
		'handler_name', CASE WHEN v_public THEN '' ELSE coalesce(s.handler_name, '') END::text,
		'plan', CASE WHEN p_detail AND NOT v_public THEN coalesce(s.plan, '') ELSE '' END::text,
		'promised_date', CASE WHEN v_public THEN ''
		                       ELSE coalesce(to_char(s.promised_date, 'YYYY-MM-DD'), '') END::text,
		'contacts', CASE WHEN v_public THEN 0 ELSE coalesce(ct.n, 0) END::int,
		'overdue', (jy_overdue(s, v_today) AND NOT v_public)::boolean,
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

-- An event's details as the public reads them (the portal's content).
CREATE OR REPLACE FUNCTION jy_public_details(p_kind text, p_payload jsonb) RETURNS jsonb
IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE p_kind
		WHEN 'evaluation_outcome' THEN p_payload
		ELSE jsonb_strip_nulls(jsonb_build_object('round', p_payload -> 'round',
		                                          'text', p_payload -> 'text',
		                                          'result_class', p_payload -> 'result_class')) END
$$;

-- The name of the organization a details id names (NULL: no such id).
-- PL/pgSQL for speed, as jy_outcome_text: called from jy_named_details, a
-- SQL function would be planned anew on every call (about 130 µs each).
CREATE OR REPLACE FUNCTION jy_org_name(p_id jsonb) RETURNS text STABLE LANGUAGE plpgsql AS $$
BEGIN
	IF jsonb_typeof(p_id) IS DISTINCT FROM 'number' THEN
		RETURN NULL;
	END IF;
	RETURN (SELECT o.name FROM organizations o WHERE o.id = (p_id #>> '{}')::numeric);
END $$;

-- An event's details as a person reads them: beside the organization ids
-- its payload holds, their names (lead_unit_name, co_unit_names,
-- supervising_committee_name, committee_name), and the name of the
-- organization its actor spoke for (actor_organization_name; a deputy
-- speaks for themselves). Only for viewers who read the ids already.
CREATE OR REPLACE FUNCTION jy_named_details(p_payload jsonb, p_actor accounts) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	SELECT p_payload || jsonb_strip_nulls(jsonb_build_object(
		'actor_organization_name', CASE WHEN p_actor.deputy_id IS NULL
		                                THEN jy_org_name(to_jsonb(p_actor.organization_id)) END,
		'lead_unit_name', jy_org_name(p_payload -> 'lead_unit_id'),
		'co_unit_names', CASE WHEN jsonb_typeof(p_payload -> 'co_unit_ids') = 'array' THEN
			(SELECT coalesce(jsonb_agg(coalesce(jy_org_name(c.id), '') ORDER BY c.n), '[]'::jsonb)
			   FROM jsonb_array_elements(p_payload -> 'co_unit_ids') WITH ORDINALITY AS c (id, n)) END,
		'supervising_committee_name', jy_org_name(p_payload -> 'supervising_committee_id'),
		'committee_name', jy_org_name(p_payload -> 'committee_id')))
$$;

-- GetSuggestionRequest: one case with its timeline. An individual form
-- ('evaluate') only for its deputy and the liaison committee; the public
-- reads replies, follow-up reports and outcomes, without logins or names.
-- Through a merge's link the merged case's proposers also read the
-- target's outcomes (and their own forms on it).
CREATE OR REPLACE FUNCTION jy_get(p_viewer bigint, p_id bigint) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	v_public boolean;
	v_liaison boolean;
	v_deputy bigint;
	v_merge_seq bigint;
	v_into_title text;
BEGIN
	-- A case of another congress does not exist for the viewer.
	SELECT * INTO s FROM suggestions WHERE id = p_id AND congress_id = jy_congress_of(p_viewer);
	IF NOT FOUND THEN
		RETURN jy_result('not_found', 'no suggestion ' || coalesce(p_id::text, 'NULL'),
		                 '', 'no_case', jsonb_build_object('id', p_id));
	ELSIF NOT jy_can_see(p_viewer, s) THEN
		RETURN jy_result('permission_denied', 'you have no access to suggestion ' || p_id,
		                 '', 'no_access', jsonb_build_object('id', p_id));
	END IF;
	SELECT a.roles <@ ARRAY['public']::text[], 'liaison_officer' = ANY (a.roles),
	       CASE WHEN 'deputy' = ANY (a.roles) THEN a.deputy_id END
	  INTO v_public, v_liaison, v_deputy FROM accounts a WHERE a.id = p_viewer;
	v_public := coalesce(v_public, true);
	-- A merged case's proposers still get their answer: the target's
	-- replies after the merge show in this timeline.
	IF s.merged_into IS NOT NULL THEN
		SELECT max(seq) INTO v_merge_seq FROM events WHERE suggestion_id = s.id AND kind = 'merge';
		-- The case it went into by its title too (a person knows a case by
		-- its title), for a viewer who may read that case.
		IF NOT v_public AND jy_can_see(p_viewer, s.merged_into) THEN
			SELECT t.title INTO v_into_title FROM suggestions t WHERE t.id = s.merged_into;
		END IF;
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'suggestion', jy_suggestion_json(s, p_viewer, true),
		'attachments', jy_case_attachments(p_viewer, s.id),
		'timeline', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'sequence', e.seq::bigint,
				'at', jy_rfc3339(e.at)::text,
				'kind', e.kind::text,
				'actor_login', CASE WHEN v_public THEN '' ELSE coalesce(ac.login, '') END::text,
				'actor_name', CASE WHEN v_public THEN '' ELSE coalesce(ac.display_name, '') END::text,
				'from_state', coalesce(e.from_state, '')::text,
				'to_state', e.to_state::text,
				'details', CASE WHEN v_public THEN jy_public_details(e.kind, e.payload)
				                ELSE jy_named_details(e.payload, ac) END
				           || CASE WHEN e.suggestion_id = s.id THEN '{}'::jsonb
				                   ELSE jsonb_build_object('suggestion_id', e.suggestion_id::bigint) END
				           || CASE WHEN v_into_title IS NULL THEN '{}'::jsonb
				                   WHEN e.kind = 'merge'
				                   THEN jsonb_build_object('into_suggestion_title', v_into_title)
				                   WHEN e.suggestion_id <> s.id
				                   THEN jsonb_build_object('suggestion_title', v_into_title)
				                   ELSE '{}'::jsonb END)
				ORDER BY e.seq)
			FROM events e LEFT JOIN accounts ac ON ac.id = e.actor_account_id
			WHERE (e.suggestion_id = s.id
			       OR (e.suggestion_id = s.merged_into AND e.seq > v_merge_seq
			           AND e.kind IN ('reply', 'follow_up', 'evaluate', 'evaluation_outcome')))
			  AND jy_event_shown(e.kind, ac.deputy_id, v_public, v_liaison, v_deputy)), '[]'::jsonb));
END $$;

-- Whether the viewer reads a case as the public does (the portal's view:
-- the published title and text, the lead deputy and unit only): an account
-- with no role but 'public', or no such account.
CREATE OR REPLACE FUNCTION jy_reads_as_public(p_viewer bigint) RETURNS boolean STABLE LANGUAGE plpgsql AS $$
-- PL/pgSQL keeps its plan for the session; a SQL function with a subquery is
-- planned anew in every request that calls it (docs/WORKFLOW.md "Where the
-- SQL lives").
BEGIN
	RETURN coalesce((SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a WHERE a.id = p_viewer),
	                true);
END $$;

-- The case filters of ListSuggestionsRequest (jy_list, jy_ledger), read and
-- checked. Defaults ('', 0, false) match every case; the values go to
-- jy_filter_cases. A bad filter leaves the answer to give in refusal (a
-- result object, jy_result), NULL otherwise. The public sees neither a case's
-- key mark nor its deadlines (docs/WORKFLOW.md "Visibility"): a filter on them
-- would tell which published cases are key or overdue, so a public viewer's
-- (p_public) key and overdue filters are refused.
CREATE OR REPLACE FUNCTION jy_case_filters(p_filters jsonb, p_public boolean,
	OUT state text, OUT unit_id bigint, OUT deputy_id bigint, OUT category text,
	OUT term bigint, OUT session bigint, OUT key_only boolean, OUT overdue_only boolean,
	OUT text text, OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	f jsonb := coalesce(p_filters, '{}');
	v_refusal text;
BEGIN
	IF jsonb_typeof(f) <> 'object' THEN
		PERFORM jy_refuse('invalid_argument', 'filters must be a JSON object', 'filters',
		                  'not_object', jsonb_build_object('field', 'filters'));
	END IF;
	state := jy_p_text(f, 'state');
	IF state <> '' AND state NOT IN (
		'draft', 'submitted', 'returned', 'registered', 'assigned', 'disputed', 'accepted',
		'in_progress', 'replied', 'rehandling', 'evaluated', 'closed', 'withdrawn', 'merged',
		'converted') THEN
		PERFORM jy_refuse('invalid_argument', 'state ''' || state || ''' is not a state', 'state',
		                  'not_one_of', jsonb_build_object('field', 'state', 'value', state));
	END IF;
	unit_id := jy_p_int(f, 'unit_id');
	deputy_id := jy_p_int(f, 'deputy_id');
	category := jy_p_text(f, 'category');
	term := jy_p_int(f, 'term');
	session := jy_p_int(f, 'session');
	key_only := jy_p_bool(f, 'key_only');
	overdue_only := jy_p_bool(f, 'overdue_only');
	text := jy_p_optional(f, 'text', 200);
	IF p_public AND (key_only OR overdue_only) THEN
		PERFORM jy_refuse('invalid_argument', 'the public cannot filter by '
		                  || CASE WHEN key_only THEN 'key mark' ELSE 'overdue' END
		                  || ': the portal does not show it',
		                  CASE WHEN key_only THEN 'key_only' ELSE 'overdue_only' END, 'public_filter',
		                  jsonb_build_object('field', CASE WHEN key_only THEN 'key_only'
		                                                   ELSE 'overdue_only' END));
	END IF;
EXCEPTION WHEN SQLSTATE 'JY001' THEN
	GET STACKED DIAGNOSTICS v_refusal = PG_EXCEPTION_DETAIL;
	refusal := v_refusal::jsonb;
END $$;

-- The cases the viewer may see (jy_visible) that match a list's filters:
-- the one filter behind jy_list, jy_ledger, jy_deadlines,
-- jy_supervision_list and the topics' counts. Each default matches every
-- case. p_public: the viewer reads as the public (jy_reads_as_public); the
-- public's unit, deputy and text filters match what the portal shows (the
-- lead unit, the lead deputy, the published title and text). A SQL table
-- function on purpose: the planner inlines it, and jy_visible in it, into
-- the caller's query, so the caller's order and LIMIT reach the scan
-- (docs/BENCHMARKS.md, 0012_read_path); the caller passes plain values so
-- that a custom plan folds the unused conditions away.
CREATE OR REPLACE FUNCTION jy_filter_cases(p_viewer bigint, p_public boolean,
	p_state text DEFAULT '', p_unit bigint DEFAULT 0, p_deputy bigint DEFAULT 0,
	p_category text DEFAULT '', p_term bigint DEFAULT 0, p_session bigint DEFAULT 0,
	p_key_only boolean DEFAULT false, p_overdue_only boolean DEFAULT false,
	p_text text DEFAULT '', p_suggestion bigint DEFAULT 0, p_topic bigint DEFAULT 0)
RETURNS SETOF suggestions STABLE LANGUAGE sql AS $$
	SELECT s.* FROM jy_visible(p_viewer) s
	WHERE (p_state = '' OR s.state = p_state)
	  AND (p_unit = 0 OR EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id
	                             AND u.active AND u.organization_id = p_unit
	                             AND (NOT p_public OR u.role = 'lead')))
	  AND (p_deputy = 0 OR s.lead_deputy_id = p_deputy
	       OR (NOT p_public AND EXISTS (SELECT 1 FROM suggestion_signers g
	                                    WHERE g.suggestion_id = s.id AND g.deputy_id = p_deputy)))
	  AND (p_category = '' OR s.category = p_category)
	  AND (p_term = 0 OR s.term = p_term)
	  AND (p_session = 0 OR s.session = p_session)
	  AND (NOT p_key_only OR s.key)
	  AND (NOT p_overdue_only OR jy_overdue(s))
	  AND (p_text = ''
	       OR (NOT p_public AND (s.title || ' ' || s.body) ILIKE jy_like_pattern(p_text))
	       OR (p_public AND (coalesce(s.published_title, s.title) || ' ' || jy_portal_text(s))
	                        ILIKE jy_like_pattern(p_text)))
	  AND (p_suggestion = 0 OR s.id = p_suggestion)
	  AND (p_topic = 0 OR EXISTS (SELECT 1 FROM topic_suggestions ts
	                              WHERE ts.topic_id = p_topic AND ts.suggestion_id = s.id))
$$;

-- ListSuggestionsRequest: a page of the visible cases that match, in id
-- order after p_after_id; the public searches and filters what the portal
-- shows.
CREATE OR REPLACE FUNCTION jy_list(p_viewer bigint, p_filters jsonb, p_limit int, p_after_id bigint)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	f record;
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 50 ELSE least(p_limit, 500) END;
	v_ids bigint[];
	v_next bigint := 0;
	v_public boolean := jy_reads_as_public(p_viewer);
BEGIN
	SELECT * INTO f FROM jy_case_filters(p_filters, v_public);
	IF f.refusal IS NOT NULL THEN
		RETURN f.refusal;
	END IF;
	-- One row more than the page tells whether there is a next page.
	SELECT array_agg(id ORDER BY id) INTO v_ids FROM (
		SELECT s.id FROM jy_filter_cases(p_viewer, v_public, f.state, f.unit_id, f.deputy_id,
		                                 f.category, f.term, f.session, f.key_only,
		                                 f.overdue_only, f.text) s
		WHERE s.id > coalesce(p_after_id, 0)
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

-- The ledger's evaluation column (测评结果): the latest closed round's
-- outcome, as counts of the result ratings, in the ledger's language
-- ("满意 2，基本满意 0，不满意 1"; '' before any round closed). Forms of an
-- open round are never counted (back-to-back evaluation).
CREATE OR REPLACE FUNCTION jy_outcome_text(s suggestions) RETURNS text STABLE LANGUAGE plpgsql AS $$
-- PL/pgSQL, not SQL, for speed: a SQL function with a subquery is never
-- inlined, and called from inside another function's query (jy_ledger_row)
-- it is parsed and planned anew for every row (about 150 µs); PL/pgSQL keeps
-- its plan for the session.
BEGIN
	RETURN coalesce((
		SELECT '满意 ' || count(*) FILTER (WHERE e.result = 'satisfied')
		       || '，基本满意 ' || count(*) FILTER (WHERE e.result = 'basically_satisfied')
		       || '，不满意 ' || count(*) FILTER (WHERE e.result = 'unsatisfied')
		FROM evaluations e
		WHERE e.suggestion_id = s.id
		  AND e.round = (SELECT max(e2.round) FROM evaluations e2
		                 WHERE e2.suggestion_id = s.id AND jy_round_closed(s, e2.round))
		HAVING count(*) > 0), '');
END $$;
