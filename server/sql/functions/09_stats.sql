-- Statistics (README.md "Statistics"). One place defines what each figure
-- means: the view jy_stats_cases (one row of facts per counted case).
-- jy_stats (StatsRequest, per viewer) and jy_portal_stats (the public /stats
-- page) both aggregate it. README.md "Statistics" says the same in prose.
--
-- Definitions (dates are calendar dates in settings.time_zone):
-- * counted case ("total"): registered (it has a number, 立案), kind any, and
--   not withdrawn, merged or converted (their handling ended elsewhere).
--   Every state from registered to closed counts.
-- * by_state: counted cases per current state.
-- * by_class: counted cases per result class of the FIRST reply (round 1).
-- * replied: counted cases with a first reply.
-- * on_time_rate: cases whose first reply's date <= the reply deadline in
--   force (suggestions.reply_deadline: assignment's deadline plus approved
--   extensions), over cases that are "due": replied, or not replied and the
--   deadline already passed (reply_deadline < today). A case not yet due
--   does not count either way.
-- * first_round_satisfaction: evaluation forms of round 1 whose result is
--   satisfied or basically_satisfied, over all forms of round 1. Forms, not
--   cases: a joint suggestion's co-signers evaluate too.
-- * final_satisfaction: the same over each case's latest evaluated round.
-- * evaluated: cases with at least one evaluation form.
-- * solved_rate: replied cases whose LATEST result class (the last reply or
--   follow-up report: suggestions.result_class) is A, over replied cases.
-- * rehandled: cases sent back for re-handling at least once (some form of
--   any round has attitude or result unsatisfied).
-- * avg_days_to_reply: mean over replied cases of (first reply date - date
--   of the first assignment of a lead unit), in days.
-- * overdue_now: jy_overdue(s) (past the reply deadline while handled, or
--   past the re-handling due date).
-- Rates are 0..1, and -1 when their denominator is 0 (also avg_days_to_reply).
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

CREATE OR REPLACE FUNCTION jy_satisfied(p_result text) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT p_result IN ('satisfied', 'basically_satisfied')
$$;

CREATE OR REPLACE FUNCTION jy_rate(p_num numeric, p_den numeric) RETURNS float8 IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE WHEN coalesce(p_den, 0) = 0 THEN -1::float8 ELSE (p_num / p_den)::float8 END
$$;

CREATE OR REPLACE FUNCTION jy_state_order(p_state text) RETURNS int IMMUTABLE LANGUAGE sql AS $$
	SELECT array_position(ARRAY['draft', 'submitted', 'returned', 'registered', 'assigned',
	                            'disputed', 'accepted', 'in_progress', 'replied', 'rehandling',
	                            'evaluated', 'closed', 'withdrawn', 'merged', 'converted'], p_state)
$$;

-- StatsRequest. p_group_by: '' (one row "all"), unit (the active lead
-- unit; "(unassigned)" before assignment), category ("(none)" if empty),
-- term_session, congress (roll-up only). p_term / p_session 0: any.
-- p_rollup: the viewer's congress and every congress under it, for the
-- congress side (docs/CONGRESSES.md "Roll-up"); else the viewer's own.
-- Who sees what: liaison, government office, committees, leaders and admin
-- every counted case; a handling unit (clerk or head) the cases it leads;
-- a deputy the cases they lead or co-signed; the public nothing
-- (permission_denied). Several roles: the union.
-- Answer: {"code":"ok","rows":[StatsRow...]} (proto field names).
CREATE OR REPLACE FUNCTION jy_stats(p_viewer bigint, p_term int, p_session int, p_group_by text,
                                    p_rollup boolean)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	a accounts%ROWTYPE;
	v_congresses bigint[];
	v_all boolean;
	v_unit bigint;
	v_dep bigint;
	v_rows jsonb;
BEGIN
	IF p_group_by IS NULL OR p_group_by NOT IN ('', 'unit', 'category', 'term_session', 'congress') THEN
		RETURN jy_result('invalid_argument', 'group_by must be empty, unit, category, term_session '
		                 || 'or congress', 'group_by', 'not_one_of',
		                 jsonb_build_object('field', 'group_by', 'value', coalesce(p_group_by, '')));
	END IF;
	-- The limits are common/jy_limits.h's (jianyid checks them first).
	IF p_term IS NULL OR p_term NOT BETWEEN 0 AND 99 THEN  -- JY_TERM_MAX
		RETURN jsonb_build_object('code', 'invalid_argument', 'field', 'term',
			'message', 'term must be 0 (any) or 1 to 99');  -- JY_TERM_MIN JY_TERM_MAX
	END IF;
	IF p_session IS NULL OR p_session NOT BETWEEN 0 AND 20 THEN  -- JY_SESSION_MAX
		RETURN jsonb_build_object('code', 'invalid_argument', 'field', 'session',
			'message', 'session must be 0 (any) or 1 to 20');  -- JY_SESSION_MIN JY_SESSION_MAX
	END IF;
	SELECT * INTO a FROM accounts WHERE id = p_viewer AND NOT disabled;
	IF NOT FOUND THEN
		RETURN jsonb_build_object('code', 'permission_denied', 'message', 'no such account');
	END IF;
	v_all := a.roles && ARRAY['liaison_officer', 'government_officer', 'committee_member',
	                          'leader', 'admin']::text[];
	IF a.roles && ARRAY['unit_clerk', 'unit_head']::text[] THEN
		v_unit := a.organization_id;
	END IF;
	IF 'deputy' = ANY (a.roles) THEN
		v_dep := a.deputy_id;
	END IF;
	IF NOT v_all AND v_unit IS NULL AND v_dep IS NULL THEN
		RETURN jsonb_build_object('code', 'permission_denied',
			'message', 'statistics are not available to the public');
	END IF;
	IF (coalesce(p_rollup, false) OR p_group_by = 'congress') AND NOT v_all THEN
		RETURN jy_result('permission_denied', 'only the congress side reads the statistics of the '
		                 || 'congresses under its own', '', 'rollup_congress_side');
	END IF;
	v_congresses := CASE WHEN coalesce(p_rollup, false)
		THEN ARRAY(SELECT c.id FROM congresses c WHERE a.congress_id = ANY (c.path))
		ELSE ARRAY[a.congress_id] END;

	WITH c AS MATERIALIZED (
		SELECT v.*,
		       CASE p_group_by
		           WHEN 'unit' THEN coalesce(nullif(v.lead_unit, ''), '(unassigned)')
		           WHEN 'category' THEN coalesce(nullif(v.category, ''), '(none)')
		           WHEN 'term_session' THEN jy_session_name(v.term, v.session)
		           WHEN 'congress' THEN (SELECT k.name FROM congresses k WHERE k.id = v.congress_id)
		           ELSE 'all' END AS grp,
		       CASE p_group_by WHEN 'term_session' THEN v.term * 100 + v.session
		                       WHEN 'congress' THEN v.congress_id ELSE 0 END AS gord
		FROM jy_stats_cases v
		WHERE v.congress_id = ANY (v_congresses)
		  AND (p_term = 0 OR v.term = p_term) AND (p_session = 0 OR v.session = p_session)
		  AND (v_all
		       OR v.lead_unit_id = v_unit
		       OR (v_dep IS NOT NULL
		           AND (v.lead_deputy_id = v_dep
		                OR EXISTS (SELECT 1 FROM suggestion_signers g
		                           WHERE g.suggestion_id = v.id AND g.deputy_id = v_dep))))),
	st AS (
		SELECT x.grp, jsonb_agg(jsonb_build_object('state', x.state, 'count', x.n)
		                        ORDER BY jy_state_order(x.state)) AS by_state
		FROM (SELECT grp, state, count(*)::bigint AS n FROM c GROUP BY grp, state) x
		GROUP BY x.grp),
	-- counted once by (group, class): a count per group and class over every
	-- case took 25 s for the 100 groups of a roll-up by congress
	cl AS (
		SELECT g.grp, jsonb_agg(jsonb_build_object('result_class', k, 'count', coalesce(x.n, 0)::bigint)
		           ORDER BY k) AS by_class
		FROM (SELECT DISTINCT grp FROM c) g
		CROSS JOIN unnest(ARRAY['A', 'B', 'C', 'D']) AS k
		LEFT JOIN (SELECT c2.grp, c2.first_class, count(*) AS n FROM c c2
		           GROUP BY c2.grp, c2.first_class) x ON x.grp = g.grp AND x.first_class = k
		GROUP BY g.grp),
	ag AS (
		SELECT grp, min(gord) AS gord,
		       count(*) AS total,
		       count(*) FILTER (WHERE replied) AS replied,
		       count(*) FILTER (WHERE due) AS due,
		       count(*) FILTER (WHERE on_time) AS on_time,
		       sum(r1_forms) AS r1_forms, sum(r1_satisfied) AS r1_satisfied,
		       sum(last_forms) AS last_forms, sum(last_satisfied) AS last_satisfied,
		       count(*) FILTER (WHERE last_forms > 0) AS evaluated,
		       count(*) FILTER (WHERE replied AND latest_class = 'A') AS solved,
		       count(*) FILTER (WHERE rehandled) AS rehandled,
		       sum(days_to_reply) FILTER (WHERE replied) AS days_sum,
		       count(days_to_reply) FILTER (WHERE replied) AS days_n,
		       count(*) FILTER (WHERE overdue) AS overdue
		FROM c GROUP BY grp)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'group', ag.grp,
		'total', ag.total::bigint,
		'by_state', st.by_state,
		'by_class', cl.by_class,
		'on_time_rate', jy_rate(ag.on_time, ag.due),
		'first_round_satisfaction', jy_rate(ag.r1_satisfied, ag.r1_forms),
		'final_satisfaction', jy_rate(ag.last_satisfied, ag.last_forms),
		'solved_rate', jy_rate(ag.solved, ag.replied),
		'rehandled', ag.rehandled::bigint,
		'avg_days_to_reply', jy_rate(ag.days_sum, ag.days_n),
		'overdue_now', ag.overdue::bigint,
		'replied', ag.replied::bigint,
		'evaluated', ag.evaluated::bigint,
		'on_time', ag.on_time::bigint,
		'due', ag.due::bigint,
		'solved', ag.solved::bigint,
		'first_round_forms', ag.r1_forms::bigint,
		'first_round_satisfied', ag.r1_satisfied::bigint,
		'final_forms', ag.last_forms::bigint,
		'final_satisfied', ag.last_satisfied::bigint)
		ORDER BY ag.gord, ag.grp), '[]'::jsonb)
	INTO v_rows
	FROM ag JOIN st USING (grp) JOIN cl USING (grp);

	IF p_group_by = '' AND v_rows = '[]'::jsonb THEN
		v_rows := jsonb_build_array(jsonb_build_object(
			'group', 'all', 'total', 0, 'by_state', '[]'::jsonb,
			'by_class', (SELECT jsonb_agg(jsonb_build_object('result_class', k, 'count', 0) ORDER BY k)
			             FROM unnest(ARRAY['A', 'B', 'C', 'D']) AS k),
			'on_time_rate', -1, 'first_round_satisfaction', -1, 'final_satisfaction', -1,
			'solved_rate', -1, 'rehandled', 0, 'avg_days_to_reply', -1, 'overdue_now', 0,
			'replied', 0, 'evaluated', 0, 'on_time', 0, 'due', 0, 'solved', 0,
			'first_round_forms', 0, 'first_round_satisfied', 0, 'final_forms', 0,
			'final_satisfied', 0));
	END IF;
	RETURN jsonb_build_object('code', 'ok', 'rows', v_rows);
END $$;

-- The previous release's call (a rolling upgrade, docs/CONGRESSES.md): the
-- deployment's first congress.
CREATE OR REPLACE FUNCTION jy_stats(p_viewer bigint, p_term int, p_session int, p_group_by text)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_stats(p_viewer, p_term, p_session, p_group_by, false)
$$;

-- ---- counts: statistics and the portal -----------------------------------------

-- One row per registered case not withdrawn, merged or converted, for the
-- statistics, counting the forms of closed rounds only: a unit's or a
-- co-signer's statistics over one case would otherwise show the forms of an
-- open round one by one.
CREATE OR REPLACE VIEW jy_stats_cases AS
SELECT s.id, s.term, s.session, s.category, s.state, s.lead_deputy_id,
       lu.organization_id AS lead_unit_id,
       coalesce(o.name, '') AS lead_unit,
       r1.result_class AS first_class,
       s.result_class AS latest_class,
       (r1.at IS NOT NULL) AS replied,
       (r1.at IS NOT NULL OR coalesce(s.reply_deadline < k.today, false)) AS due,
       coalesce((r1.at AT TIME ZONE k.tz)::date <= s.reply_deadline, false) AS on_time,
       coalesce(ev.r1_forms, 0) AS r1_forms,
       coalesce(ev.r1_satisfied, 0) AS r1_satisfied,
       coalesce(ev.last_forms, 0) AS last_forms,
       coalesce(ev.last_satisfied, 0) AS last_satisfied,
       coalesce(ev.rehandled, false) AS rehandled,
       (r1.at AT TIME ZONE k.tz)::date - (asg.at AT TIME ZONE k.tz)::date AS days_to_reply,
       jy_overdue(s, k.today) AS overdue,
       jy_portal_visible(s) AS portal_visible,
       s.congress_id
FROM suggestions s
-- each congress's time zone and today, once per congress, not per case
JOIN (SELECT c.id, jy_setting(c.id, 'time_zone') AS tz, jy_today(c.id) AS today
      FROM congresses c) k ON k.id = s.congress_id
LEFT JOIN suggestion_units lu ON lu.suggestion_id = s.id AND lu.active AND lu.role = 'lead'
LEFT JOIN organizations o ON o.id = lu.organization_id
LEFT JOIN replies r1 ON r1.suggestion_id = s.id AND r1.round = 1
LEFT JOIN LATERAL (
	SELECT min(u.assigned_at) AS at FROM suggestion_units u
	WHERE u.suggestion_id = s.id AND u.role = 'lead') asg ON true
LEFT JOIN LATERAL (
	SELECT count(*) FILTER (WHERE e.round = 1) AS r1_forms,
	       count(*) FILTER (WHERE e.round = 1 AND jy_satisfied(e.result)) AS r1_satisfied,
	       count(*) FILTER (WHERE e.round = m.last) AS last_forms,
	       count(*) FILTER (WHERE e.round = m.last AND jy_satisfied(e.result)) AS last_satisfied,
	       bool_or(e.attitude = 'unsatisfied' OR e.result = 'unsatisfied') AS rehandled
	FROM evaluations e,
	     (SELECT max(e2.round) AS last FROM evaluations e2
	      WHERE e2.suggestion_id = s.id AND jy_round_closed(s, e2.round)) m
	WHERE e.suggestion_id = s.id AND jy_round_closed(s, e.round)) ev ON true
WHERE s.number IS NOT NULL AND s.state NOT IN ('withdrawn', 'merged', 'converted');

-- The public /stats page: the same definitions (jy_stats_cases), every
-- counted case. "replied" stays the number of replied cases; "due" is the
-- on-time denominator.
CREATE OR REPLACE FUNCTION jy_portal_stats(p_congress text) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	WITH c AS MATERIALIZED (SELECT * FROM jy_stats_cases
	                        WHERE congress_id = jy_portal_congress(p_congress))
	SELECT jsonb_build_object(
		'total', (SELECT count(*) FROM c)::bigint,
		'published', (SELECT count(*) FROM c WHERE portal_visible)::bigint,
		'by_state', coalesce((SELECT jsonb_agg(jsonb_build_object('state', st, 'count', n)
		                                       ORDER BY jy_state_order(st))
		                      FROM (SELECT state AS st, count(*)::bigint AS n FROM c GROUP BY state) x),
		                     '[]'::jsonb),
		'by_result', (SELECT jsonb_agg(jsonb_build_object(
		                  'result_class', k,
		                  'count', (SELECT count(*) FROM c WHERE replied AND latest_class = k)::bigint)
		                  ORDER BY k)
		              FROM unnest(ARRAY['A', 'B', 'C', 'D']) AS k),
		'evaluations', (SELECT coalesce(sum(last_forms), 0) FROM c)::bigint,
		'satisfied', (SELECT coalesce(sum(last_satisfied), 0) FROM c)::bigint,
		'replied', (SELECT count(*) FROM c WHERE replied)::bigint,
		'due', (SELECT count(*) FROM c WHERE due)::bigint,
		'on_time', (SELECT count(*) FROM c WHERE on_time)::bigint,
		'classified', (SELECT count(*) FROM c WHERE replied)::bigint,
		'solved', (SELECT count(*) FROM c WHERE replied AND latest_class = 'A')::bigint)
$$;

CREATE OR REPLACE FUNCTION jy_portal_stats() RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_portal_stats(NULL::text)
$$;
