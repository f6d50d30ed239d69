-- The working-day calendar and the deadlines that use it (docs/WORKFLOW.md
-- "Deadlines"; the calendar_days table is schema/0007_calendar.sql).
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- ---- working days -----------------------------------------------------------

-- Whether p_day is a working day for congress p_congress: the exception
-- its own calendar or the nearest congress above it sets for that day,
-- else the deployment's first congress's, else Monday to Friday
-- (docs/CONGRESSES.md "Settings and calendar").
CREATE OR REPLACE FUNCTION jy_is_working_day(p_congress bigint, p_day date) RETURNS boolean
STABLE LANGUAGE sql AS $$
	SELECT coalesce((SELECT d.kind = 'workday' FROM congresses c
	                 JOIN calendar_days d ON d.day = p_day
	                  AND (d.congress_id = ANY (c.path) OR d.congress_id = 1)
	                 WHERE c.id = p_congress
	                 ORDER BY coalesce(array_position(c.path, d.congress_id), 0) DESC
	                 LIMIT 1),
	                extract(isodow FROM p_day) < 6)
$$;

-- p_day itself when it is a working day, else the first one after it.
CREATE OR REPLACE FUNCTION jy_next_working_day(p_congress bigint, p_day date) RETURNS date
STABLE LANGUAGE plpgsql AS $$
DECLARE d date := p_day;
BEGIN
	-- A year without a working day is a broken calendar, not a long holiday.
	FOR i IN 1 .. 366 LOOP
		IF jy_is_working_day(p_congress, d) THEN
			RETURN d;
		END IF;
		d := d + 1;
	END LOOP;
	RAISE EXCEPTION 'the calendar has no working day in the year after %', p_day;
END $$;

-- The p_count-th working day after p_from (p_from itself not counted).
CREATE OR REPLACE FUNCTION jy_add_working_days(p_congress bigint, p_from date, p_count int) RETURNS date
STABLE LANGUAGE plpgsql AS $$
DECLARE
	d date := p_from;
	n int := 0;
BEGIN
	IF p_count < 0 THEN
		RAISE EXCEPTION 'jy_add_working_days: negative count %', p_count;
	END IF;
	WHILE n < p_count LOOP
		d := jy_next_working_day(p_congress, d + 1);
		n := n + 1;
	END LOOP;
	RETURN d;
END $$;

-- Working days from p_from (excluded) to p_to (included); negative when
-- p_to is before p_from. What "3 working days left" means to a clerk.
CREATE OR REPLACE FUNCTION jy_working_days_between(p_congress bigint, p_from date, p_to date) RETURNS int
STABLE LANGUAGE sql AS $$
	SELECT CASE WHEN p_to >= p_from
		THEN (SELECT count(*)::int FROM generate_series(p_from + 1, p_to, '1 day') g (d)
		      WHERE jy_is_working_day(p_congress, g.d::date))
		ELSE -(SELECT count(*)::int FROM generate_series(p_to + 1, p_from, '1 day') g (d)
		       WHERE jy_is_working_day(p_congress, g.d::date)) END
$$;

-- ---- deadlines --------------------------------------------------------------

-- The last day of a window of kind p_window opened on p_from; the lengths
-- are the congress's settings (docs/WORKFLOW.md "Deadlines").
CREATE OR REPLACE FUNCTION jy_due(p_congress bigint, p_window text, p_from date) RETURNS date
STABLE LANGUAGE plpgsql AS $$
BEGIN
	CASE p_window
	WHEN 'dispute' THEN
		RETURN jy_add_working_days(p_congress, p_from, jy_setting_int(p_congress, 'dispute_days'));
	WHEN 'evaluation' THEN
		RETURN jy_add_working_days(p_congress, p_from, jy_setting_int(p_congress, 'evaluation_days'));
	WHEN 'reply', 'rehandle', 'opinion', 'follow_up' THEN
		RETURN jy_next_working_day(p_congress, (p_from + make_interval(months => jy_setting_int(p_congress,
			CASE p_window WHEN 'reply' THEN 'reply_months' WHEN 'rehandle' THEN 'rehandle_months'
			              WHEN 'opinion' THEN 'opinion_months' ELSE 'follow_up_months' END)))::date);
	ELSE
		RAISE EXCEPTION 'jy_due: unknown window %', p_window;
	END CASE;
END $$;

-- An approved extension of p_days calendar days, landing on a working day.
CREATE OR REPLACE FUNCTION jy_extended(p_congress bigint, p_due date, p_days int) RETURNS date
STABLE LANGUAGE sql AS $$
	SELECT jy_next_working_day(p_congress, p_due + p_days)
$$;

-- After the calendar changed (in the same transaction): moves the stored
-- deadlines of every case still being handled and records, on each case it
-- moves, a 'recalculate' event by p_actor (the administrator; NULL is fine
-- while no case needs moving). Returns the number of cases moved.
CREATE OR REPLACE FUNCTION jy_calendar_recalculate(p_actor bigint) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	n record;
	moved int := 0;
BEGIN
	IF p_actor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = p_actor
	                                       AND NOT disabled) THEN
		RAISE EXCEPTION 'account % does not exist or is disabled', p_actor;
	END IF;
	FOR s IN
		SELECT * FROM suggestions
		WHERE state IN ('assigned', 'disputed', 'accepted', 'in_progress', 'rehandling')
		ORDER BY id FOR UPDATE
	LOOP
		n := jy_recomputed_deadlines(s);
		CONTINUE WHEN n.reply_deadline IS NOT DISTINCT FROM s.reply_deadline
		          AND n.dispute_due IS NOT DISTINCT FROM s.dispute_due
		          AND n.rehandle_due IS NOT DISTINCT FROM s.rehandle_due;
		IF p_actor IS NULL THEN
			RAISE EXCEPTION 'the deadlines of suggestion % depend on the calendar: name the '
			                'administrator to record on its timeline', s.id;
		END IF;
		UPDATE suggestions SET reply_deadline = n.reply_deadline, dispute_due = n.dispute_due,
		       rehandle_due = n.rehandle_due, version = version + 1, updated_at = now()
		WHERE id = s.id;
		INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)
		VALUES (s.id, p_actor, 'recalculate', s.state, s.state, jsonb_build_object(
			'reason', 'calendar'::text,
			'reply_deadline', coalesce(to_char(n.reply_deadline, 'YYYY-MM-DD'), '')::text,
			'dispute_due', coalesce(to_char(n.dispute_due, 'YYYY-MM-DD'), '')::text,
			'rehandle_due', coalesce(to_char(n.rehandle_due, 'YYYY-MM-DD'), '')::text));
		moved := moved + 1;
	END LOOP;
	RETURN moved;
END $$;

-- Sets (p_kind 'holiday' or 'workday') or clears (p_kind '') the exception
-- for one day of congress p_congress's calendar; the caller recalculates
-- once after a batch of these.
CREATE OR REPLACE FUNCTION jy_calendar_set(p_day date, p_kind text, p_name text,
                                           p_congress bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_day IS NULL THEN
		RAISE EXCEPTION 'a calendar day needs a date';
	END IF;
	IF coalesce(p_kind, '') = '' THEN
		DELETE FROM calendar_days WHERE congress_id = p_congress AND day = p_day;
		RETURN;
	END IF;
	IF p_kind NOT IN ('holiday', 'workday') THEN
		RAISE EXCEPTION 'calendar day %: kind must be holiday or workday, not %', p_day, p_kind;
	END IF;
	IF (p_kind = 'holiday') <> (extract(isodow FROM p_day) < 6) THEN
		RAISE EXCEPTION 'calendar day %: a % on a %', p_day, p_kind,
			CASE WHEN extract(isodow FROM p_day) < 6 THEN 'weekday is already a working day'
			     ELSE 'weekend is already a day off' END;
	END IF;
	INSERT INTO calendar_days (congress_id, day, kind, name)
	VALUES (p_congress, p_day, p_kind, coalesce(p_name, ''))
	ON CONFLICT (congress_id, day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, updated_at = now();
END $$;

-- The deployment's first congress's calendar (what the previous release sets).
CREATE OR REPLACE FUNCTION jy_calendar_set(p_day date, p_kind text, p_name text) RETURNS void
LANGUAGE sql AS $$
	SELECT jy_calendar_set(p_day, p_kind, p_name, 1::bigint)
$$;

-- ---- deadlines and the periodic job ---------------------------------------------

-- The day a unit's current handling round started: its assignment, or the
-- later return to re-handling (a round's outcome event, or a form that
-- closed the round unsatisfied).
CREATE OR REPLACE FUNCTION jy_round_start(p_congress bigint, p_id bigint, p_assigned timestamptz)
RETURNS date STABLE LANGUAGE sql AS $$
	SELECT jy_local_date(p_congress, greatest(p_assigned,
		(SELECT max(e.at) FROM events e WHERE e.suggestion_id = p_id AND e.to_state = 'rehandling'
		 AND e.kind IN ('evaluate', 'evaluation_outcome'))))
$$;

-- A case's deadlines computed again from its events (after a calendar
-- change): the reply deadline from the latest assignment plus the approved
-- extensions since (unless the assignment set it by hand), the dispute
-- window, and the re-handling deadline from the return to re-handling.
CREATE OR REPLACE FUNCTION jy_recomputed_deadlines(s suggestions,
	OUT reply_deadline date, OUT dispute_due date, OUT rehandle_due date)
STABLE LANGUAGE plpgsql AS $$
DECLARE
	v_assign events%ROWTYPE;
	v_days int;
BEGIN
	reply_deadline := s.reply_deadline;
	dispute_due := s.dispute_due;
	rehandle_due := s.rehandle_due;
	SELECT * INTO v_assign FROM events e
	WHERE e.suggestion_id = s.id AND e.kind IN ('assign', 'reassign')
	ORDER BY e.seq DESC LIMIT 1;
	IF FOUND THEN
		dispute_due := jy_due(s.congress_id, 'dispute', jy_local_date(s.congress_id, v_assign.at));
		IF coalesce(v_assign.payload ->> 'reply_deadline', '') = '' THEN
			reply_deadline := jy_due(s.congress_id, 'reply', jy_local_date(s.congress_id, v_assign.at));
			FOR v_days IN
				SELECT x.days FROM extensions x
				WHERE x.suggestion_id = s.id AND x.status = 'approved' AND x.decided_at >= v_assign.at
				ORDER BY x.decided_at, x.id
			LOOP
				reply_deadline := jy_extended(s.congress_id, reply_deadline, v_days);
			END LOOP;
		END IF;
	END IF;
	IF s.state = 'rehandling' THEN
		rehandle_due := jy_due(s.congress_id, 'rehandle', jy_local_date(s.congress_id,
			(SELECT max(e.at) FROM events e WHERE e.suggestion_id = s.id
			 AND e.kind IN ('evaluate', 'evaluation_outcome') AND e.to_state = 'rehandling')));
	END IF;
END $$;

-- Every deadline still owed on the day p_today: replies, re-handling,
-- co-units' opinions, disputes, follow-up reports (by the unit), and
-- evaluations, owed by every evaluator (jy_evaluators: the proposers of
-- cases merged into this one too). Of congress p_congress's cases, or of
-- every congress's (NULL: the periodic job): a to-do list reads its own
-- congress's, not the whole deployment's.
CREATE OR REPLACE FUNCTION jy_open_deadlines(p_today date, p_congress bigint)
RETURNS TABLE (suggestion_id bigint, kind text, organization_id bigint, deputy_id bigint,
               round int, due date)
STABLE LANGUAGE sql AS $$
	SELECT s.id, 'reply', u.organization_id, NULL::bigint, s.round + 1, s.reply_deadline
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'lead'
	WHERE s.state IN ('assigned', 'disputed', 'accepted', 'in_progress')
	  AND (p_congress IS NULL OR s.congress_id = p_congress)
	UNION ALL
	SELECT s.id, 'rehandle', u.organization_id, NULL, s.round + 1, s.rehandle_due
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'lead'
	WHERE s.state = 'rehandling' AND (p_congress IS NULL OR s.congress_id = p_congress)
	UNION ALL
	SELECT s.id, 'opinion', u.organization_id, NULL, s.round + 1,
	       jy_due(s.congress_id, 'opinion', jy_round_start(s.congress_id, s.id, u.assigned_at))
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'co'
	WHERE s.state IN ('assigned', 'accepted', 'in_progress', 'rehandling')
	  AND (p_congress IS NULL OR s.congress_id = p_congress)
	  AND NOT EXISTS (SELECT 1 FROM opinions o WHERE o.suggestion_id = s.id
	                  AND o.round = s.round + 1 AND o.organization_id = u.organization_id)
	UNION ALL
	SELECT s.id, 'dispute', u.organization_id, NULL, s.round + 1, s.dispute_due
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active
	WHERE s.state = 'assigned' AND s.dispute_due >= p_today
	  AND (p_congress IS NULL OR s.congress_id = p_congress)
	  AND u.accepted_at IS NULL AND u.disputed_at IS NULL
	UNION ALL
	SELECT s.id, 'follow_up', u.organization_id, NULL, s.round,
	       jy_due(s.congress_id, 'follow_up', jy_local_date(s.congress_id, greatest(
	           (SELECT r.at FROM replies r WHERE r.suggestion_id = s.id AND r.round = s.round),
	           (SELECT max(f.at) FROM follow_ups f WHERE f.suggestion_id = s.id
	            AND f.round = s.round))))
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'lead'
	WHERE s.follow_up_owed AND s.state NOT IN ('withdrawn', 'merged', 'converted')
	  AND (p_congress IS NULL OR s.congress_id = p_congress)
	UNION ALL
	SELECT s.id, 'evaluation', NULL, g.d, s.round,
	       jy_due(s.congress_id, 'evaluation', jy_local_date(s.congress_id, r.at))
	FROM suggestions s
	JOIN replies r ON r.suggestion_id = s.id AND r.round = s.round
	CROSS JOIN LATERAL jy_evaluators(s.id) AS g (d)
	WHERE s.state = 'replied' AND (p_congress IS NULL OR s.congress_id = p_congress)
	  AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = s.id
	                  AND e.round = s.round AND e.deputy_id = g.d)
$$;

-- Every congress's (the periodic job, the previous release).
CREATE OR REPLACE FUNCTION jy_open_deadlines(p_today date)
RETURNS TABLE (suggestion_id bigint, kind text, organization_id bigint, deputy_id bigint,
               round int, due date)
STABLE LANGUAGE sql AS $$
	SELECT * FROM jy_open_deadlines(p_today, NULL::bigint)
$$;

-- DeadlinesRequest: the open deadlines of the cases the viewer may see
-- (jy_filter_cases), soonest first. An evaluation deadline is shown to its
-- deputy and the liaison committee only (who still owes a form tells who
-- has answered); the public has no deadlines.
CREATE OR REPLACE FUNCTION jy_deadlines(p_viewer bigint, p_filters jsonb, p_limit int) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	f jsonb := coalesce(p_filters, '{}');
	v_today date := jy_today(jy_congress_of(p_viewer));
	v_overdue boolean;
	v_within bigint;
	v_unit bigint;
	v_kind text;
	v_id bigint;
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 200 ELSE least(p_limit, 2000) END;
	v_refusal text;
	v_public boolean := jy_reads_as_public(p_viewer);
	v_liaison boolean := coalesce((SELECT 'liaison_officer' = ANY (roles) FROM accounts
	                               WHERE id = p_viewer), false);
	v_deputy bigint := (SELECT deputy_id FROM accounts WHERE id = p_viewer
	                    AND 'deputy' = ANY (roles));
BEGIN
	BEGIN
		IF jsonb_typeof(f) <> 'object' THEN
			PERFORM jy_refuse('invalid_argument', 'filters must be a JSON object', 'filters',
			                  'not_object', jsonb_build_object('field', 'filters'));
		END IF;
		v_overdue := jy_p_bool(f, 'overdue_only');
		v_within := jy_p_int(f, 'within_days');
		v_unit := jy_p_int(f, 'unit_id');
		v_kind := jy_p_text(f, 'kind');
		v_id := jy_p_int(f, 'suggestion_id');
		IF v_kind NOT IN ('', 'reply', 'rehandle', 'opinion', 'dispute', 'follow_up', 'evaluation') THEN
			PERFORM jy_refuse('invalid_argument', 'kind ''' || v_kind || ''' is not a deadline kind '
			                  || '(reply, rehandle, opinion, dispute, follow_up, evaluation)', 'kind',
			                  'not_one_of', jsonb_build_object('field', 'kind', 'value', v_kind));
		ELSIF v_within NOT BETWEEN 0 AND 3660 THEN
			PERFORM jy_refuse('invalid_argument', 'within_days must be 0 (any) to 3660', 'within_days',
			                  'out_of_range', jsonb_build_object('field', 'within_days', 'min', 0, 'max', 3660));
		END IF;
	EXCEPTION WHEN SQLSTATE 'JY001' THEN
		GET STACKED DIAGNOSTICS v_refusal = PG_EXCEPTION_DETAIL;
		RETURN v_refusal::jsonb;
	END;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'today', to_char(v_today, 'YYYY-MM-DD')::text,
		'deadlines', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'suggestion_id', s.id::bigint,
				'number', jy_case_number(s)::text,
				'title', s.title::text,
				'kind', d.kind::text,
				'organization_id', coalesce(d.organization_id, 0)::bigint,
				'organization_name', coalesce(o.name, '')::text,
				'deputy_id', coalesce(d.deputy_id, 0)::bigint,
				'deputy_name', coalesce(dp.name, '')::text,
				'round', d.round::int,
				'due', to_char(d.due, 'YYYY-MM-DD')::text,
				'days_left', (d.due - v_today)::int,
				'working_days_left', jy_working_days_between(s.congress_id, v_today, d.due)::int,
				'key', s.key::boolean,
				'supervised', s.supervised::boolean)
				ORDER BY d.n)
			FROM (SELECT x.*, row_number() OVER (ORDER BY x.due, x.suggestion_id, x.kind,
			                                     x.organization_id, x.deputy_id) AS n
			      FROM jy_open_deadlines(v_today, jy_congress_of(p_viewer)) x
			      JOIN jy_filter_cases(p_viewer, v_public, p_suggestion => v_id) v
			        ON v.id = x.suggestion_id
			      WHERE (NOT v_overdue OR x.due < v_today)
			        AND (v_within = 0 OR x.due <= v_today + v_within::int)
			        AND (v_unit = 0 OR x.organization_id = v_unit)
			        AND (v_kind = '' OR x.kind = v_kind)
			        -- Who still owes a form tells who has answered: the deputy's own
			        -- and the liaison committee's business only.
			        AND (x.kind <> 'evaluation' OR v_liaison OR x.deputy_id = v_deputy)
			        -- Deadlines are not on the portal.
			        AND NOT v_public
			      ORDER BY n
			      LIMIT v_limit) d
			JOIN suggestions s ON s.id = d.suggestion_id
			LEFT JOIN organizations o ON o.id = d.organization_id
			LEFT JOIN deputies dp ON dp.id = d.deputy_id), '[]'::jsonb));
END $$;
