-- Supervision (督办) records, key-supervision topics (重点督办专题) and the
-- annual selection of excellent suggestions (优秀建议): the entry points
-- jy_write and jy_read. README.md "Supervision, topics and excellent
-- suggestions" says who may do what. jy_supervision_level stays in
-- schema/0009_supervision.sql: an UPDATE there needs it when applied.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- ---- small helpers -------------------------------------------------------------

CREATE OR REPLACE FUNCTION jy_lead_unit_name(s suggestions) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT coalesce((SELECT o.name FROM suggestion_units u JOIN organizations o ON o.id = u.organization_id
	                 WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead'), '')
$$;

-- A case named by a param, locked, that the actor may see; a case of
-- another congress does not exist for the actor (docs/CONGRESSES.md).
CREATE OR REPLACE FUNCTION jy_case_for_update(p_actor bigint, p_id bigint, p_field text) RETURNS suggestions
LANGUAGE plpgsql AS $$
DECLARE s suggestions%ROWTYPE;
BEGIN
	IF coalesce(p_id, 0) <= 0 THEN
		PERFORM jy_refuse('invalid_argument', p_field || ' must be a positive id', p_field,
		                  'not_positive_id', jsonb_build_object('field', p_field));
	END IF;
	SELECT * INTO s FROM suggestions WHERE id = p_id AND congress_id = jy_congress_of(p_actor)
	FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no suggestion ' || p_id, p_field,
		                  'no_case', jsonb_build_object('id', p_id));
	ELSIF NOT jy_can_see(p_actor, s) THEN
		PERFORM jy_refuse('permission_denied', 'you have no access to suggestion ' || p_id, p_field,
		                  'no_access', jsonb_build_object('id', p_id));
	END IF;
	RETURN s;
END $$;

-- Appends one event to a case outside jy_act: the state stays, the version
-- moves on by one (version = number of events). The row must be locked.
CREATE OR REPLACE FUNCTION jy_case_event(p_actor bigint, s suggestions, p_kind text, p_payload jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_seq bigint;
BEGIN
	UPDATE suggestions SET version = version + 1, updated_at = now() WHERE id = s.id;
	INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)
	VALUES (s.id, p_actor, p_kind, s.state, s.state, p_payload)
	RETURNING seq INTO v_seq;
	RETURN v_seq;
END $$;

-- SupervisionListRequest: newest first, only records on cases the viewer
-- may see; the public has no access.
CREATE OR REPLACE FUNCTION jy_supervision_list(p_viewer bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_viewer);
	v_kind text := jy_p_text(p, 'kind');
	v_committee bigint := jy_p_int(p, 'committee_id');
	v_suggestion bigint := jy_p_int(p, 'suggestion_id');
	v_topic bigint := jy_p_int(p, 'topic_id');
	v_level bigint := jy_p_int(p, 'min_level');
	v_limit bigint := jy_p_int(p, 'page_size');
	v_before bigint := jy_p_int(p, 'before_id');
	v_ids bigint[];
	v_next bigint := 0;
	v_public boolean := jy_reads_as_public(p_viewer);
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies',
	                        'read supervision records');
	IF v_kind <> '' AND v_kind NOT IN ('note', 'whole_process', 'by_field', 'leader_led', 'interview',
	                                   'inquiry', 'publish_unsatisfied') THEN
		PERFORM jy_refuse('invalid_argument', 'kind must be note, whole_process, by_field, leader_led, '
		                  || 'interview, inquiry or publish_unsatisfied', 'kind',
		                  'not_one_of', jsonb_build_object('field', 'kind', 'value', v_kind));
	ELSIF v_level NOT BETWEEN 0 AND 4 THEN
		PERFORM jy_refuse('invalid_argument', 'min_level must be from 0 (any) to 4', 'min_level',
		                  'out_of_range', jsonb_build_object('field', 'min_level', 'min', 0, 'max', 4));
	ELSIF v_limit NOT BETWEEN 0 AND 500 THEN
		PERFORM jy_refuse('invalid_argument', 'page_size must be from 0 (50) to 500', 'page_size',
		                  'out_of_range', jsonb_build_object('field', 'page_size', 'min', 0, 'max', 500));
	ELSIF v_committee < 0 OR v_suggestion < 0 OR v_topic < 0 OR v_before < 0 THEN
		PERFORM jy_refuse('invalid_argument', 'ids must not be negative', 'committee_id',
		                  'not_positive_id', jsonb_build_object('field', 'committee_id'));
	END IF;
	IF v_topic > 0 AND NOT EXISTS (SELECT 1 FROM topics WHERE id = v_topic
	                               AND congress_id = jy_congress_of(p_viewer)) THEN
		PERFORM jy_refuse('not_found', 'no topic ' || v_topic, 'topic_id',
		                  'no_topic', jsonb_build_object('id', v_topic));
	END IF;
	IF v_limit = 0 THEN
		v_limit := 50;
	END IF;
	SELECT array_agg(id ORDER BY id DESC) INTO v_ids FROM (
		SELECT n.id FROM supervision_notes n
		JOIN jy_filter_cases(p_viewer, v_public, p_suggestion => v_suggestion, p_topic => v_topic) s
		  ON s.id = n.suggestion_id
		WHERE (v_before = 0 OR n.id < v_before)
		  AND (v_kind = '' OR n.kind = v_kind)
		  AND (v_committee = 0 OR n.committee_id = v_committee)
		  AND n.level >= v_level
		ORDER BY n.id DESC
		LIMIT v_limit + 1) AS page;
	IF coalesce(array_length(v_ids, 1), 0) > v_limit THEN
		v_ids := v_ids[1:v_limit];
		v_next := v_ids[v_limit];
	END IF;
	RETURN jsonb_build_object(
		'records', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'id', n.id::bigint,
				'suggestion_id', s.id::bigint,
				'number', jy_case_number(s)::text,
				'title', s.title::text,
				'state', s.state::text,
				'kind', n.kind::text,
				'level', n.level::int,
				'text', n.text::text,
				'committee_id', coalesce(n.committee_id, 0)::bigint,
				'committee', coalesce(o.name, '')::text,
				'author_login', w.login::text,
				'author_name', w.display_name::text,
				'at', jy_rfc3339(n.at)::text) ORDER BY n.id DESC)
			FROM supervision_notes n JOIN suggestions s ON s.id = n.suggestion_id
			JOIN accounts w ON w.id = n.written_by
			LEFT JOIN organizations o ON o.id = n.committee_id
			WHERE n.id = ANY (v_ids)), '[]'::jsonb),
		'next_before_id', v_next::bigint);
END $$;

-- Keys = proto message Topic's fields; counts of the cases the viewer sees.
CREATE OR REPLACE FUNCTION jy_topic_json(t topics, p_viewer bigint) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', t.id::bigint,
		'name', t.name::text,
		'description', t.description::text,
		'leaders', to_jsonb(t.leaders),
		'committee_id', t.committee_id::bigint,
		'committee', coalesce((SELECT o.name FROM organizations o WHERE o.id = t.committee_id), '')::text,
		'created_at', jy_rfc3339(t.created_at)::text,
		'suggestions', (SELECT count(*) FROM topic_suggestions ts JOIN suggestions s ON s.id = ts.suggestion_id
		                WHERE ts.topic_id = t.id AND jy_can_see(p_viewer, s))::int,
		'overdue', (SELECT count(*) FROM topic_suggestions ts JOIN suggestions s ON s.id = ts.suggestion_id
		            WHERE ts.topic_id = t.id AND jy_can_see(p_viewer, s) AND jy_overdue(s))::int)
$$;

CREATE OR REPLACE FUNCTION jy_topic_create(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_actor);
	v_name text;
	v_committee bigint;
	v_kind text;
	v_leaders text[];
	t topics%ROWTYPE;
BEGIN
	PERFORM jy_require_role(a, ARRAY['liaison_officer'], 'the liaison committee', 'create a topic');
	v_name := btrim(jy_p_required(p, 'name', 100));
	IF EXISTS (SELECT 1 FROM topics WHERE name = v_name AND congress_id = a.congress_id) THEN
		PERFORM jy_refuse('failed_precondition', 'a topic named ' || v_name || ' already exists', 'name',
		                  'topic_exists', jsonb_build_object('name', v_name));
	END IF;
	v_committee := jy_p_int(p, 'committee_id');
	IF v_committee <= 0 THEN
		PERFORM jy_refuse('invalid_argument', 'committee_id must name the supervising committee',
		                  'committee_id',
		                  'required', jsonb_build_object('field', 'committee_id'));
	END IF;
	SELECT kind INTO v_kind FROM organizations WHERE id = v_committee AND congress_id = a.congress_id;
	IF NOT FOUND THEN
		PERFORM jy_refuse('invalid_argument', 'committee_id: no organization ' || v_committee,
		                  'committee_id',
		                  'no_organization', jsonb_build_object('field', 'committee_id', 'id', v_committee));
	ELSIF v_kind NOT IN ('special_committee', 'liaison_committee') THEN
		PERFORM jy_refuse('invalid_argument', 'committee_id: organization ' || v_committee || ' is a '
		                  || v_kind || ', not a special committee or the liaison committee',
		                  'committee_id',
		                  'wrong_organization_kind', jsonb_build_object('field', 'committee_id', 'id', v_committee, 'org_kind', v_kind, 'expected', 'special_committee'));
	END IF;
	v_leaders := jy_p_texts(p, 'leaders');
	IF cardinality(v_leaders) > 10 THEN
		PERFORM jy_refuse('invalid_argument', 'leaders lists more than 10 leaders', 'leaders',
		                  'too_many', jsonb_build_object('field', 'leaders', 'max', 10));
	END IF;
	INSERT INTO topics (congress_id, name, description, leaders, committee_id, created_by)
	VALUES (a.congress_id, v_name, jy_p_optional(p, 'description', 2000), v_leaders, v_committee, a.id)
	RETURNING * INTO t;
	RETURN jsonb_build_object('topic', jy_topic_json(t, a.id));
END $$;

CREATE OR REPLACE FUNCTION jy_topic_member(p_actor bigint, p jsonb, p_add boolean) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_actor);
	t topics%ROWTYPE;
	s suggestions%ROWTYPE;
	v_seq bigint;
BEGIN
	PERFORM jy_require_role(a, ARRAY['liaison_officer'], 'the liaison committee',
	                        CASE WHEN p_add THEN 'add a suggestion to a topic'
	                             ELSE 'remove a suggestion from a topic' END);
	SELECT * INTO t FROM topics WHERE id = jy_p_int(p, 'topic_id') AND congress_id = a.congress_id;
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no topic ' || jy_p_int(p, 'topic_id'), 'topic_id',
		                  'no_topic', jsonb_build_object('id', jy_p_int(p, 'topic_id')));
	END IF;
	s := jy_case_for_update(a.id, jy_p_int(p, 'suggestion_id'), 'suggestion_id');
	IF p_add THEN
		IF NOT s.key THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is not a key suggestion '
			                  || '(重点); mark it key at assignment first', 'suggestion_id',
			                  'not_key', jsonb_build_object('id', s.id));
		END IF;
		INSERT INTO topic_suggestions (topic_id, suggestion_id, added_by)
		VALUES (t.id, s.id, a.id) ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is already in topic '
			                  || t.id, 'suggestion_id',
			                  'already_in_topic', jsonb_build_object('id', s.id, 'topic', t.id));
		END IF;
	ELSE
		DELETE FROM topic_suggestions WHERE topic_id = t.id AND suggestion_id = s.id;
		IF NOT FOUND THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is not in topic '
			                  || t.id, 'suggestion_id',
			                  'not_in_topic', jsonb_build_object('id', s.id, 'topic', t.id));
		END IF;
	END IF;
	v_seq := jy_case_event(a.id, s, CASE WHEN p_add THEN 'topic_add' ELSE 'topic_remove' END,
	                       jsonb_build_object('topic_id', t.id::bigint, 'topic', t.name::text));
	RETURN jsonb_build_object('topic', jy_topic_json(t, a.id), 'event_sequence', v_seq::bigint);
END $$;

CREATE OR REPLACE FUNCTION jy_topic_list(p_viewer bigint) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE a accounts := jy_actor(p_viewer);
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies', 'read topics');
	RETURN jsonb_build_object('topics', coalesce((SELECT jsonb_agg(jy_topic_json(t, p_viewer) ORDER BY t.id)
	                                              FROM topics t WHERE t.congress_id = a.congress_id), '[]'::jsonb));
END $$;

-- Nominations, scores and the announcement of one congress's year take turns.
CREATE OR REPLACE FUNCTION jy_excellent_lock(p_congress bigint, p_year int) RETURNS void
LANGUAGE sql AS $$
	SELECT pg_advisory_xact_lock(hashtext('jy_excellent:' || p_congress), p_year)
$$;

CREATE OR REPLACE FUNCTION jy_excellent_closed(p_congress bigint, p_year int, p_what text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_at timestamptz;
BEGIN
	SELECT at INTO v_at FROM excellent_announcements WHERE congress_id = p_congress AND year = p_year;
	IF FOUND THEN
		PERFORM jy_refuse('failed_precondition', 'the excellent suggestions of ' || p_year
		                  || ' were announced on ' || to_char(v_at AT TIME ZONE jy_setting(p_congress, 'time_zone'),
		                                                      'YYYY-MM-DD')
		                  || ': ' || p_what || ' are closed', 'year',
		                  'excellent_announced', jsonb_build_object('year', p_year, 'date', to_char(v_at AT TIME ZONE jy_setting(p_congress, 'time_zone'), 'YYYY-MM-DD')));
	END IF;
END $$;

-- The year's nominations in ranking order: the announced rank first; then
-- by mean score (highest first), nominations without a score last; ties go
-- to more scores, then to the earlier registration (term, session,
-- number), then to the lower id.
CREATE OR REPLACE FUNCTION jy_excellent_ranking(p_congress bigint, p_year int)
RETURNS TABLE (suggestion_id bigint, scores int, average numeric, ord bigint)
STABLE LANGUAGE sql AS $$
	SELECT n.suggestion_id, count(sc.score)::int, avg(sc.score),
	       row_number() OVER (ORDER BY n.rank NULLS LAST, count(sc.score) = 0, avg(sc.score) DESC NULLS LAST,
	                                   count(sc.score) DESC, s.term, s.session, s.number, s.id)
	FROM excellent_nominations n
	JOIN suggestions s ON s.id = n.suggestion_id
	LEFT JOIN excellent_scores sc ON sc.year = n.year AND sc.suggestion_id = n.suggestion_id
	WHERE n.congress_id = p_congress AND n.year = p_year
	GROUP BY n.suggestion_id, n.rank, s.term, s.session, s.number, s.id
$$;

-- Keys = proto message ExcellentResponse's fields.
CREATE OR REPLACE FUNCTION jy_excellent_doc(p_viewer bigint, p_year int) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'year', p_year::int,
		'announced', (an.year IS NOT NULL)::boolean,
		'announced_at', jy_rfc3339(an.at)::text,
		'count', coalesce(an.selected, 0)::int,
		'entries', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'suggestion_id', s.id::bigint,
				'number', jy_case_number(s)::text,
				'title', s.title::text,
				'state', s.state::text,
				'lead_unit', jy_lead_unit_name(s)::text,
				'reason', n.reason::text,
				'scores', r.scores::int,
				'average', coalesce(round(r.average, 2)::text, '')::text,
				'my_score', coalesce((SELECT sc.score FROM excellent_scores sc WHERE sc.year = p_year
				                      AND sc.suggestion_id = s.id AND sc.reviewer_id = p_viewer), 0)::int,
				'rank', coalesce(n.rank, 0)::int,
				'published', jy_portal_visible(s)::boolean) ORDER BY r.ord)
			FROM jy_excellent_ranking(jy_congress_of(p_viewer), p_year) r
			JOIN excellent_nominations n ON n.year = p_year AND n.suggestion_id = r.suggestion_id
			JOIN suggestions s ON s.id = r.suggestion_id
			WHERE jy_can_see(p_viewer, s)), '[]'::jsonb))
	FROM (SELECT 1) AS one
	LEFT JOIN excellent_announcements an ON an.year = p_year
	                                     AND an.congress_id = jy_congress_of(p_viewer)
$$;

-- The case a nomination or a score is about (param suggestion_id), locked,
-- once the year's turn is taken and while p_what ('nominations', 'scores')
-- are still open.
CREATE OR REPLACE FUNCTION jy_excellent_case(a accounts, p jsonb, p_year int, p_what text)
RETURNS suggestions LANGUAGE plpgsql AS $$
BEGIN
	PERFORM jy_excellent_lock(a.congress_id, p_year);
	PERFORM jy_excellent_closed(a.congress_id, p_year, p_what);
	RETURN jy_case_for_update(a.id, jy_p_int(p, 'suggestion_id'), 'suggestion_id');
END $$;

-- A nomination's or a score's answer: the event on the case (p_kind), then
-- the year's selection as the actor reads it, with the event's sequence.
CREATE OR REPLACE FUNCTION jy_excellent_answer(a accounts, s suggestions, p_year int, p_kind text,
                                               p_payload jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_seq bigint := jy_case_event(a.id, s, p_kind, p_payload);
BEGIN
	RETURN jy_excellent_doc(a.id, p_year) || jsonb_build_object('event_sequence', v_seq::bigint);
END $$;

CREATE OR REPLACE FUNCTION jy_excellent_nominate(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_actor);
	v_year int := jy_p_year(p);
	v_reason text := jy_p_optional(p, 'reason', 2000);
	s suggestions%ROWTYPE;
BEGIN
	PERFORM jy_require_role(a, ARRAY['liaison_officer'], 'the liaison committee',
	                        'nominate excellent suggestions');
	s := jy_excellent_case(a, p, v_year, 'nominations');
	IF s.number IS NULL OR s.state IN ('withdrawn', 'merged', 'converted') THEN
		PERFORM jy_refuse('failed_precondition', 'only registered suggestions can be nominated; suggestion '
		                  || s.id || ' is ' || s.state, 'suggestion_id',
		                  'nominate_registered_only', jsonb_build_object('id', s.id, 'state', s.state));
	END IF;
	INSERT INTO excellent_nominations (year, suggestion_id, reason, nominated_by)
	VALUES (v_year, s.id, v_reason, a.id) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is already nominated for '
		                  || v_year, 'suggestion_id',
		                  'already_nominated', jsonb_build_object('id', s.id, 'year', v_year));
	END IF;
	RETURN jy_excellent_answer(a, s, v_year, 'nominate', jsonb_build_object('year', v_year::int,
	                                                                          'reason', v_reason::text));
END $$;

-- Reviewers: committee members and leaders (the standing committee's side
-- that supervises handling); the liaison committee, which nominates, does
-- not score. One score per reviewer, case and year, never changed. The
-- event names the year only: scores are not shown on the timeline.
CREATE OR REPLACE FUNCTION jy_excellent_score(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_actor);
	v_year int := jy_p_year(p);
	v_score bigint := jy_p_int(p, 'score');
	v_comment text := jy_p_optional(p, 'comment', 2000);
	s suggestions%ROWTYPE;
BEGIN
	PERFORM jy_require_role(a, ARRAY['committee_member', 'leader'],
	                        'reviewers (committee members and leaders)', 'score excellent suggestions');
	IF v_score NOT BETWEEN 1 AND 100 THEN
		PERFORM jy_refuse('invalid_argument', 'score must be from 1 to 100', 'score', 'out_of_range', jsonb_build_object('field',
		                  'score', 'min', 1, 'max', 100));
	END IF;
	s := jy_excellent_case(a, p, v_year, 'scores');
	IF NOT EXISTS (SELECT 1 FROM excellent_nominations WHERE year = v_year AND suggestion_id = s.id) THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is not nominated for '
		                  || v_year, 'suggestion_id',
		                  'not_nominated', jsonb_build_object('id', s.id, 'year', v_year));
	END IF;
	INSERT INTO excellent_scores (year, suggestion_id, reviewer_id, score, comment)
	VALUES (v_year, s.id, a.id, v_score, v_comment) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		PERFORM jy_refuse('failed_precondition', 'you have already scored suggestion ' || s.id
		                  || ' for ' || v_year, 'suggestion_id',
		                  'already_scored', jsonb_build_object('id', s.id, 'year', v_year));
	END IF;
	RETURN jy_excellent_answer(a, s, v_year, 'score', jsonb_build_object('year', v_year::int));
END $$;

-- The selection: the first p.count (default 10) scored nominations in
-- ranking order. Once per year: a second announcement is refused.
CREATE OR REPLACE FUNCTION jy_excellent_announce(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_actor);
	v_year int := jy_p_year(p);
	v_count bigint := jy_p_int(p, 'count');
	v_ids bigint[];
	v_avgs numeric[];
	s suggestions%ROWTYPE;
	v_seq bigint := 0;
BEGIN
	PERFORM jy_require_role(a, ARRAY['liaison_officer'], 'the liaison committee',
	                        'announce the excellent suggestions');
	IF v_count = 0 THEN
		v_count := 10;
	ELSIF v_count NOT BETWEEN 1 AND 100 THEN
		PERFORM jy_refuse('invalid_argument', 'count must be from 1 to 100 (0: 10)', 'count',
		                  'out_of_range', jsonb_build_object('field', 'count', 'min', 1, 'max', 100));
	END IF;
	PERFORM jy_excellent_lock(a.congress_id, v_year);
	PERFORM jy_excellent_closed(a.congress_id, v_year, 'announcements');
	SELECT array_agg(r.suggestion_id ORDER BY r.ord), array_agg(r.average ORDER BY r.ord)
	  INTO v_ids, v_avgs
	  FROM (SELECT * FROM jy_excellent_ranking(a.congress_id, v_year) x WHERE x.scores > 0
	        ORDER BY x.ord LIMIT v_count) AS r;
	IF v_ids IS NULL THEN
		PERFORM jy_refuse('failed_precondition', 'no nomination for ' || v_year || ' has a score yet',
		                  'year', 'no_scores', jsonb_build_object('year', v_year));
	END IF;
	INSERT INTO excellent_announcements (congress_id, year, selected, announced_by)
	VALUES (a.congress_id, v_year, cardinality(v_ids), a.id);
	-- Lock the cases in id order (as anyone else locking several would).
	PERFORM 1 FROM suggestions WHERE id = ANY (v_ids) ORDER BY id FOR UPDATE;
	FOR i IN 1 .. cardinality(v_ids) LOOP
		UPDATE excellent_nominations SET rank = i, average = v_avgs[i]
		WHERE year = v_year AND suggestion_id = v_ids[i];
		SELECT * INTO s FROM suggestions WHERE id = v_ids[i];
		v_seq := jy_case_event(a.id, s, 'announce', jsonb_build_object(
			'year', v_year::int, 'rank', i::int, 'average', round(v_avgs[i], 2)::text));
	END LOOP;
	RETURN jy_excellent_doc(a.id, v_year) || jsonb_build_object('event_sequence', v_seq::bigint);
END $$;

CREATE OR REPLACE FUNCTION jy_excellent_list(p_viewer bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_viewer);
	v_year int := jy_p_year(p);
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies',
	                        'read the excellent-suggestion selection');
	RETURN jy_excellent_doc(p_viewer, v_year);
END $$;

-- ---- entry points ----------------------------------------------------------------

-- One write (p_op: topic_create, topic_add, topic_remove, excellent_nominate,
-- excellent_score, excellent_announce; attach_begin, attach_put,
-- attach_finish of 15_attachments.sql), atomically and at most once per
-- (account, idempotency key) by jy_idempotent (04_workflow.sql), as jy_act.
CREATE OR REPLACE FUNCTION jy_write(p_actor bigint, p_op text, p_params jsonb, p_idem_key text,
                         p_request_hash text)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
	RETURN jy_idempotent(p_actor, p_idem_key, p_request_hash, 'write', p_op, p_params);
END $$;

-- jy_write's work, inside jy_idempotent's sub-transaction.
CREATE OR REPLACE FUNCTION jy_write_apply(p_actor bigint, p_op text, p_params jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	p jsonb := coalesce(p_params, '{}');
	v_result jsonb;
BEGIN
	IF jsonb_typeof(p) <> 'object' THEN
		PERFORM jy_refuse('invalid_argument', 'params must be a JSON object', 'params',
		                  'not_object', jsonb_build_object('field', 'params'));
	END IF;
	v_result := CASE p_op
		WHEN 'topic_create' THEN jy_topic_create(p_actor, p)
		WHEN 'topic_add' THEN jy_topic_member(p_actor, p, true)
		WHEN 'topic_remove' THEN jy_topic_member(p_actor, p, false)
		WHEN 'excellent_nominate' THEN jy_excellent_nominate(p_actor, p)
		WHEN 'excellent_score' THEN jy_excellent_score(p_actor, p)
		WHEN 'excellent_announce' THEN jy_excellent_announce(p_actor, p)
		WHEN 'attach_begin' THEN jy_attach_begin(p_actor, p)
		WHEN 'attach_put' THEN jy_attach_put(p_actor, p)
		WHEN 'attach_finish' THEN jy_attach_finish(p_actor, p)
		END;
	IF v_result IS NULL THEN
		RAISE EXCEPTION 'jy_write: unknown operation %', p_op;
	END IF;
	RETURN v_result || jsonb_build_object('code', 'ok'::text, 'message', ''::text,
	                                      'replayed', false);
END $$;

-- One read (p_op: topic_list, topic_show, excellent_list, supervision_list,
-- directory, todo; attach_fetch, attach_list of 15_attachments.sql).
CREATE OR REPLACE FUNCTION jy_read(p_viewer bigint, p_op text, p_params jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	p jsonb := coalesce(p_params, '{}');
	v_result jsonb;
	v_refusal text;
BEGIN
	v_result := CASE p_op
		WHEN 'topic_list' THEN jy_topic_list(p_viewer)
		WHEN 'topic_show' THEN jy_topic_show(p_viewer, p)
		WHEN 'excellent_list' THEN jy_excellent_list(p_viewer, p)
		WHEN 'supervision_list' THEN jy_supervision_list(p_viewer, p)
		WHEN 'directory' THEN jy_directory(p_viewer, p)
		WHEN 'todo' THEN jy_todo(p_viewer)
		WHEN 'attach_fetch' THEN jy_attach_fetch(p_viewer, p)
		WHEN 'attach_list' THEN jy_attach_list(p_viewer, p)
		END;
	IF v_result IS NULL THEN
		RAISE EXCEPTION 'jy_read: unknown operation %', p_op;
	END IF;
	RETURN v_result || jsonb_build_object('code', 'ok'::text, 'message', ''::text);
EXCEPTION WHEN SQLSTATE 'JY001' THEN
	GET STACKED DIAGNOSTICS v_refusal = PG_EXCEPTION_DETAIL;
	RETURN v_refusal::jsonb;
END $$;

-- TopicShowRequest: a topic and its visible cases' messages (by one query).
CREATE OR REPLACE FUNCTION jy_topic_show(p_viewer bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_viewer);
	t topics%ROWTYPE;
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies', 'read topics');
	SELECT * INTO t FROM topics WHERE id = jy_p_int(p, 'topic_id') AND congress_id = a.congress_id;
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no topic ' || jy_p_int(p, 'topic_id'), 'topic_id',
		                  'no_topic', jsonb_build_object('id', jy_p_int(p, 'topic_id')));
	END IF;
	RETURN jsonb_build_object(
		'topic', jy_topic_json(t, p_viewer),
		'suggestions', jy_suggestions_json(p_viewer, ARRAY(
			SELECT ts.suggestion_id FROM topic_suggestions ts
			JOIN jy_visible(p_viewer) s ON s.id = ts.suggestion_id
			WHERE ts.topic_id = t.id), false));
END $$;
