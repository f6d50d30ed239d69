-- The to-do list (待办): what the caller has to do now, for each of their
-- roles, each item with its deadline. The rules come from the issue "For
-- the people who use it" and are written out in docs/WORKFLOW.md "To-do";
-- the deadlines are those of jy_open_deadlines (03_calendar.sql).
--
-- Functions only (CREATE OR REPLACE FUNCTION/VIEW, DROP TRIGGER IF EXISTS +
-- CREATE TRIGGER): this file is applied again whenever it changes
-- (docs/WORKFLOW.md "Where the SQL lives").

-- One row per item. A unit's items are its own (the caller's organization
-- holds the active unit row); a deputy's are their own cases; the liaison
-- committee and the government office see their whole congress's queue,
-- and nothing of another congress (docs/CONGRESSES.md).
CREATE OR REPLACE FUNCTION jy_todo_items(p_viewer bigint, p_today date)
RETURNS TABLE (kind text, suggestion_id bigint, due date, deadline_kind text,
               organization_id bigint, deputy_id bigint, extension_id bigint)
STABLE LANGUAGE sql AS $$
	WITH a AS (SELECT ac.roles, ac.organization_id AS org, ac.deputy_id AS dep,
	                  'liaison_officer' = ANY (ac.roles) AS liaison,
	                  'government_officer' = ANY (ac.roles) AS office,
	                  ac.roles && ARRAY['unit_clerk', 'unit_head'] AS unit,
	                  'deputy' = ANY (ac.roles) AND ac.deputy_id IS NOT NULL AS deputy,
	                  ac.congress_id AS congress
	           FROM accounts ac WHERE ac.id = p_viewer AND NOT ac.disabled),
	d AS MATERIALIZED (SELECT x.* FROM a, jy_open_deadlines(p_today, a.congress) x)
	-- The liaison committee: submissions to register, cases to close, and
	-- every deadline already past, whoever owes it.
	SELECT 'register', s.id, NULL::date, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint
	FROM a, suggestions s WHERE a.liaison AND s.state = 'submitted' AND s.congress_id = a.congress
	UNION ALL
	SELECT 'close', s.id, NULL, NULL, NULL, NULL, NULL
	FROM a, suggestions s
	WHERE a.liaison AND s.state IN ('evaluated', 'withdrawn', 'merged', 'converted')
	  AND s.congress_id = a.congress
	UNION ALL
	SELECT 'overdue', d.suggestion_id, d.due, d.kind, d.organization_id, d.deputy_id, NULL
	FROM a, d WHERE a.liaison AND d.due < p_today
	-- The government office: cases to assign, disputes to decide,
	-- extensions to approve (before the reply deadline they would move).
	UNION ALL
	SELECT 'assign', s.id, NULL, NULL, NULL, NULL, NULL
	FROM a, suggestions s WHERE a.office AND s.state = 'registered' AND s.congress_id = a.congress
	UNION ALL
	SELECT 'decide_dispute', s.id, NULL, NULL, NULL, NULL, NULL
	FROM a, suggestions s WHERE a.office AND s.state = 'disputed' AND s.congress_id = a.congress
	UNION ALL
	SELECT 'approve_extension', s.id, s.reply_deadline, NULL, NULL, NULL, e.id
	FROM a, extensions e JOIN suggestions s ON s.id = e.suggestion_id
	WHERE a.office AND e.status = 'pending' AND s.state IN ('accepted', 'in_progress', 'rehandling')
	  AND s.congress_id = a.congress
	-- The lead unit: accept (by the end of the dispute window), fix the plan,
	-- contact the deputy and reply by the reply deadline, handle again by
	-- the re-handling deadline.
	UNION ALL
	SELECT CASE
	           WHEN s.state = 'assigned' THEN 'accept'
	           WHEN s.state = 'accepted' THEN 'plan'
	           WHEN s.state = 'rehandling' THEN 'rehandle'
	           WHEN (SELECT count(*) FROM contacts c WHERE c.suggestion_id = s.id
	                 AND c.round = s.round + 1) < jy_setting_int(s.congress_id, 'min_contacts_before_reply')
	           THEN 'contact'
	           ELSE 'reply' END,
	       s.id,
	       CASE s.state WHEN 'assigned' THEN s.dispute_due WHEN 'rehandling' THEN s.rehandle_due
	                    ELSE s.reply_deadline END,
	       NULL, u.organization_id, NULL, NULL
	FROM a
	JOIN suggestion_units u ON u.organization_id = a.org AND u.active AND u.role = 'lead'
	JOIN suggestions s ON s.id = u.suggestion_id
	WHERE a.unit AND s.state IN ('assigned', 'accepted', 'in_progress', 'rehandling')
	-- Any unit: a co-unit's opinion, the lead unit's follow-up report.
	UNION ALL
	SELECT d.kind, d.suggestion_id, d.due, d.kind, d.organization_id, NULL, NULL
	FROM a, d WHERE a.unit AND d.organization_id = a.org AND d.kind IN ('opinion', 'follow_up')
	-- A deputy: co-signatures asked of them, evaluations owed, returned
	-- suggestions to revise and submit again.
	UNION ALL
	SELECT 'cosign', s.id, NULL, NULL, NULL, g.deputy_id, NULL
	FROM a
	JOIN suggestion_signers g ON g.deputy_id = a.dep AND g.role = 'cosigner' AND g.confirmed_at IS NULL
	JOIN suggestions s ON s.id = g.suggestion_id
	WHERE a.deputy AND s.state = 'draft'
	UNION ALL
	SELECT 'evaluate', d.suggestion_id, d.due, d.kind, NULL, d.deputy_id, NULL
	FROM a, d WHERE a.deputy AND d.kind = 'evaluation' AND d.deputy_id = a.dep
	UNION ALL
	SELECT 'revise', s.id, NULL, NULL, NULL, s.lead_deputy_id, NULL
	FROM a, suggestions s WHERE a.deputy AND s.state = 'returned' AND s.lead_deputy_id = a.dep
$$;

-- TodoResponse as JSON (with the answer's code, as every read's): soonest deadline first, items without a deadline
-- after them in case order. owner_name names who owes an overdue item (a
-- unit or a deputy).
CREATE OR REPLACE FUNCTION jy_todo(p_viewer bigint) RETURNS jsonb STABLE LANGUAGE sql AS $$
	WITH k AS (SELECT jy_today(jy_congress_of(p_viewer)) AS today)
	SELECT jsonb_build_object(
		'code', 'ok', 'message', '',
		'today', (SELECT today FROM k)::text,
		'items', coalesce(jsonb_agg(jsonb_build_object(
			'kind', t.kind,
			'suggestion_id', t.suggestion_id,
			'number', jy_case_number(s),
			'title', s.title,
			'due', coalesce(t.due::text, ''),
			'days_left', coalesce(t.due - k.today, 0),
			'overdue', coalesce(t.due < k.today, false),
			'deadline_kind', coalesce(t.deadline_kind, ''),
			'owner_name', coalesce(o.name, dp.name, ''),
			'extension_id', coalesce(t.extension_id, 0))
			ORDER BY t.due IS NULL, t.due, t.suggestion_id, t.kind), '[]'))
	FROM k, jy_todo_items(p_viewer, k.today) t
	JOIN suggestions s ON s.id = t.suggestion_id
	LEFT JOIN organizations o ON o.id = t.organization_id AND t.kind = 'overdue'
	LEFT JOIN deputies dp ON dp.id = t.deputy_id AND t.kind = 'overdue'
$$;
