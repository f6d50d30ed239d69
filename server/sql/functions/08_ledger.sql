-- The handling ledger (台账), for export: one row per suggestion, the same
-- filters and visibility as jy_list.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- A date as the congress reads it (its time_zone setting); '' for NULL.
CREATE OR REPLACE FUNCTION jy_ledger_date(p_congress bigint, t timestamptz) RETURNS text
STABLE LANGUAGE sql AS $$
	SELECT coalesce(to_char(t AT TIME ZONE jy_setting(p_congress, 'time_zone'), 'YYYY-MM-DD'), '')
$$;

-- One ledger row. The evaluation column is the outcome of the latest closed
-- round, the same for everyone who may see the case (p_sees_evaluations is
-- not read: the argument stays for the function's signature); the public's
-- row has what the portal shows only.
CREATE OR REPLACE FUNCTION jy_ledger_row(s suggestions, p_sees_evaluations boolean, p_public boolean)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', s.id::bigint,
		'number', jy_case_number(s)::text,
		'title', CASE WHEN p_public THEN coalesce(s.published_title, s.title)
		              ELSE s.title END::text,
		-- The lead deputy, then the co-signers who confirmed, in order.
		'proposers', CASE WHEN p_public
		                  THEN (SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id)
		                  ELSE coalesce((SELECT string_agg(d.name, '、' ORDER BY g.position)
		                       FROM suggestion_signers g JOIN deputies d ON d.id = g.deputy_id
		                       WHERE g.suggestion_id = s.id AND g.confirmed_at IS NOT NULL),
		                      (SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id), '') END::text,
		'lead_unit', coalesce((SELECT o.name FROM suggestion_units u
		                       JOIN organizations o ON o.id = u.organization_id
		                       WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead'), '')::text,
		'co_units', CASE WHEN p_public THEN '' ELSE coalesce((SELECT string_agg(o.name, '、' ORDER BY u.position)
		                      FROM suggestion_units u JOIN organizations o ON o.id = u.organization_id
		                      WHERE u.suggestion_id = s.id AND u.active AND u.role = 'co'), '') END::text,
		'category', s.category::text,
		'registered_at', CASE WHEN p_public THEN '' ELSE coalesce((SELECT jy_ledger_date(s.congress_id, max(e.at)) FROM events e
		                           WHERE e.suggestion_id = s.id AND e.kind = 'register'), '') END::text,
		'assigned_at', CASE WHEN p_public THEN '' ELSE coalesce((SELECT jy_ledger_date(s.congress_id, u.assigned_at) FROM suggestion_units u
		                         WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead'), '') END::text,
		'reply_deadline', CASE WHEN p_public THEN ''
		                        ELSE coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '') END::text,
		'handler', CASE WHEN p_public THEN '' ELSE coalesce(s.handler_name, '') END::text,
		'plan', CASE WHEN p_public THEN '' ELSE coalesce(s.plan, '') END::text,
		'promised_date', CASE WHEN p_public THEN ''
		                       ELSE coalesce(to_char(s.promised_date, 'YYYY-MM-DD'), '') END::text,
		'contacts', CASE WHEN p_public THEN 0
		                  ELSE (SELECT count(*) FROM contacts c WHERE c.suggestion_id = s.id) END::int,
		'replied_at', coalesce((SELECT jy_ledger_date(s.congress_id, max(r.at)) FROM replies r
		                        WHERE r.suggestion_id = s.id), '')::text,
		'result_class', coalesce(s.result_class, '')::text,
		'evaluation', jy_outcome_text(s)::text,
		'state', s.state::text,
		'key', (s.key AND NOT p_public)::boolean)
$$;

-- LedgerRequest: jy_list's filters, visibility and paging, with one ledger
-- row per case; the first page (p_after_id 0) also tells how many match in
-- all (counting on every page would read everything again for each page).
CREATE OR REPLACE FUNCTION jy_ledger(p_viewer bigint, p_filters jsonb, p_limit int, p_after_id bigint)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	f record;
	v_after bigint := coalesce(p_after_id, 0);
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 500 ELSE least(p_limit, 1000) END;
	v_ids bigint[];
	v_next bigint := 0;
	v_total bigint;
	v_eval boolean := jy_sees_evaluations(p_viewer);
	v_public boolean := jy_reads_as_public(p_viewer);
BEGIN
	SELECT * INTO f FROM jy_case_filters(p_filters, v_public);
	IF f.refusal IS NOT NULL THEN
		RETURN f.refusal;
	END IF;
	-- The page after p_after_id (one row more tells whether there is a next
	-- one); on the first page every match, counted, in the same scan.
	SELECT (array_agg(page.id ORDER BY page.id))[1:v_limit + 1], count(*) INTO v_ids, v_total FROM (
		SELECT s.id FROM jy_filter_cases(p_viewer, v_public, f.state, f.unit_id, f.deputy_id,
		                                 f.category, f.term, f.session, f.key_only,
		                                 f.overdue_only, f.text) s
		WHERE s.id > v_after
		ORDER BY s.id
		LIMIT CASE WHEN v_after = 0 THEN NULL ELSE v_limit + 1 END) AS page;
	IF v_after <> 0 THEN
		v_total := 0;
	END IF;
	IF coalesce(array_length(v_ids, 1), 0) > v_limit THEN
		v_ids := v_ids[1:v_limit];
		v_next := v_ids[v_limit];
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'rows', coalesce((SELECT jsonb_agg(jy_ledger_row(s, v_eval, v_public) ORDER BY s.id)
		                  FROM suggestions s WHERE s.id = ANY (v_ids)), '[]'::jsonb),
		'next_after_id', v_next::bigint,
		'total', v_total::bigint);
END $$;
