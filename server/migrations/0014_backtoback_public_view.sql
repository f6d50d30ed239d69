-- 0014: back-to-back evaluation (背靠背) made real, and the public's view
-- of a case made the portal's (docs/WORKFLOW.md "Evaluation rounds" and
-- "Visibility").
--
-- Evaluation. An individual form (its ratings, its comment, who gave them:
-- the 'evaluate' event and the evaluations row) is read by the deputy who
-- filled it and by the liaison committee (liaison_officer) only; not by
-- the administrator role, the government office, handling units,
-- co-signers or the public. A round (the evaluation of reply k) is open
-- while the case is 'replied' at round k; it closes when every evaluator
-- has answered (jy_act_evaluate) or when its window (jy_due('evaluation'),
-- from the reply) has ended with at least one form in (the periodic job,
-- jy_close_expired_rounds). Closing moves the case once (any unsatisfied
-- rating: rehandling, else evaluated) and appends one 'evaluation_outcome'
-- event with the counts per rating, which everyone who may see the case
-- reads. Counts elsewhere (statistics, ledger, portal) are of closed rounds
-- only. Evaluators: the lead deputy and confirmed co-signers, and those of
-- the cases merged into this one (each proposer still gets an answer).
--
-- The public. A public account reads what the portal shows and nothing
-- else: published cases (jy_portal_visible), with the published title and
-- text (jy_portal_text), no co-signers, handler, plan, dates or contacts;
-- a timeline of replies, follow-up reports and evaluation outcomes, with no
-- logins or names of staff.

-- ---- the outcome event -------------------------------------------------------

-- The standing committee closes a round, not a person: the outcome event
-- has no actor (naming the last deputy to answer would tell who it was).
ALTER TABLE events ALTER COLUMN actor_account_id DROP NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
	'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
	'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
	'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
	'supervise', 'close',
	'recalculate',
	'topic_add', 'topic_remove', 'nominate', 'score', 'announce',
	'evaluation_outcome'));
ALTER TABLE events ADD CONSTRAINT events_actor_check CHECK (
	actor_account_id IS NOT NULL OR kind = 'evaluation_outcome');

-- ---- who evaluates, who reads a form -------------------------------------------

-- The deputies who evaluate the replies to case p_id: its confirmed
-- proposers, and those of the cases merged into it.
CREATE FUNCTION jy_evaluators(p_id bigint) RETURNS SETOF bigint STABLE LANGUAGE sql AS $$
	SELECT g.deputy_id FROM suggestion_signers g
	WHERE g.suggestion_id = p_id AND g.confirmed_at IS NOT NULL
	UNION
	SELECT g.deputy_id FROM suggestions m
	JOIN suggestion_signers g ON g.suggestion_id = m.id AND g.confirmed_at IS NOT NULL
	WHERE m.merged_into = p_id
$$;

-- Whether round p_round of case s is closed: only the current round of a
-- case still 'replied' is open.
CREATE FUNCTION jy_round_closed(s suggestions, p_round int) RETURNS boolean
IMMUTABLE LANGUAGE sql AS $$
	SELECT NOT (s.state = 'replied' AND s.round = p_round)
$$;

-- Whether an event of kind p_kind, by an account of deputy p_actor_deputy,
-- is shown to a viewer: public (only what the portal shows), liaison
-- officer, deputy p_deputy (NULL: not a deputy). An individual form goes to
-- its own deputy and the liaison committee only.
CREATE FUNCTION jy_event_shown(p_kind text, p_actor_deputy bigint, p_public boolean,
                               p_liaison boolean, p_deputy bigint)
RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN p_kind = 'evaluate'
			THEN NOT p_public AND (p_liaison OR coalesce(p_actor_deputy = p_deputy, false))
		WHEN p_public THEN p_kind IN ('reply', 'follow_up', 'evaluation_outcome')
		ELSE true END
$$;

-- An event's details as the public reads them (the portal's content).
CREATE FUNCTION jy_public_details(p_kind text, p_payload jsonb) RETURNS jsonb
IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE p_kind
		WHEN 'evaluation_outcome' THEN p_payload
		ELSE jsonb_strip_nulls(jsonb_build_object('round', p_payload -> 'round',
		                                          'text', p_payload -> 'text',
		                                          'result_class', p_payload -> 'result_class')) END
$$;

-- 0002's rule, kept for any caller: individual evaluations are the
-- liaison committee's (and each deputy's own, decided per event).
CREATE OR REPLACE FUNCTION jy_sees_evaluations(p_viewer bigint) RETURNS boolean
STABLE LANGUAGE sql AS $$
	SELECT coalesce((SELECT 'liaison_officer' = ANY (a.roles) FROM accounts a
	                 WHERE a.id = p_viewer AND NOT a.disabled), false)
$$;

-- As 0012, with two changes: a deputy also sees the case their own case was
-- merged into (its reply answers them, and they evaluate it); the public
-- sees what the portal shows (jy_portal_visible).
CREATE OR REPLACE FUNCTION jy_visible(p_viewer bigint) RETURNS SETOF suggestions
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
		                    WHERE g.suggestion_id = s.id AND g.deputy_id = a.deputy_id)
		         OR EXISTS (SELECT 1 FROM suggestions m
		                    JOIN suggestion_signers g ON g.suggestion_id = m.id
		                    WHERE m.merged_into = s.id AND g.deputy_id = a.deputy_id)))
		OR ('public' = ANY (a.roles) AND s.published AND NOT s.confidential AND s.state <> 'draft'))
$$;

-- As 0002, but 'evaluator' is jy_evaluators (merged cases' proposers too).
CREATE OR REPLACE FUNCTION jy_relation_holds(a accounts, s suggestions, p_relation text)
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
		RETURN EXISTS (SELECT 1 FROM jy_evaluators(s.id) d WHERE d = a.deputy_id);
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

-- ---- the evaluation round --------------------------------------------------------

-- Closes the open round of case s (locked by the caller, state 'replied'):
-- one state change for the whole round and one outcome event with the
-- counts per rating. p_reason: all_answered or window_ended. Returns the
-- case as it is now.
CREATE FUNCTION jy_evaluation_close(s suggestions, p_reason text) RETURNS suggestions
LANGUAGE plpgsql AS $$
DECLARE
	c record;
	v_to text;
BEGIN
	SELECT count(*) AS forms,
	       count(*) FILTER (WHERE e.attitude = 'satisfied') AS a_s,
	       count(*) FILTER (WHERE e.attitude = 'basically_satisfied') AS a_b,
	       count(*) FILTER (WHERE e.attitude = 'unsatisfied') AS a_u,
	       count(*) FILTER (WHERE e.result = 'satisfied') AS r_s,
	       count(*) FILTER (WHERE e.result = 'basically_satisfied') AS r_b,
	       count(*) FILTER (WHERE e.result = 'unsatisfied') AS r_u
	  INTO c FROM evaluations e WHERE e.suggestion_id = s.id AND e.round = s.round;
	-- Unsatisfied on attitude or result sends the case back for re-handling
	-- (docs/WORKFLOW.md "Evaluation rounds"), decided on the whole round.
	v_to := CASE WHEN c.a_u + c.r_u > 0 THEN 'rehandling' ELSE 'evaluated' END;
	UPDATE suggestions SET
		state = v_to, version = version + 1, updated_at = now(),
		rehandle_due = CASE WHEN v_to = 'rehandling' THEN jy_due('rehandle', jy_today())
		                    ELSE rehandle_due END,
		supervised = supervised OR v_to = 'rehandling'
	WHERE id = s.id
	RETURNING * INTO s;
	INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)
	VALUES (s.id, NULL, 'evaluation_outcome', 'replied', v_to, jsonb_build_object(
		'round', s.round::int,
		'closed_by', p_reason::text,
		'forms', c.forms::int,
		'evaluators', (SELECT count(*) FROM jy_evaluators(s.id))::int,
		'attitude', jsonb_build_object('satisfied', c.a_s::int, 'basically_satisfied', c.a_b::int,
		                               'unsatisfied', c.a_u::int),
		'result', jsonb_build_object('satisfied', c.r_s::int, 'basically_satisfied', c.r_b::int,
		                             'unsatisfied', c.r_u::int),
		'state', v_to::text));
	RETURN s;
END $$;

-- The evaluate action (called by jy_act_apply's 'evaluate' branch, after
-- the checks every action shares; s is locked and 'replied'). Records the
-- form as an event that leaves the state as it is, and closes the round
-- when this was the last evaluator's form. Returns jy_act_apply's answer.
CREATE FUNCTION jy_act_evaluate(a accounts, s suggestions, p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_attitude text := jy_p_text(p, 'attitude');
	v_result text := jy_p_text(p, 'result');
	v_seq bigint;
BEGIN
	IF v_attitude NOT IN ('satisfied', 'basically_satisfied', 'unsatisfied') THEN
		PERFORM jy_refuse('invalid_argument',
		                  'attitude must be satisfied, basically_satisfied or unsatisfied', 'attitude');
	ELSIF v_result NOT IN ('satisfied', 'basically_satisfied', 'unsatisfied') THEN
		PERFORM jy_refuse('invalid_argument',
		                  'result must be satisfied, basically_satisfied or unsatisfied', 'result');
	END IF;
	IF NOT jy_relation_holds(a, s, 'evaluator') THEN
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('evaluator', 'evaluate'));
	ELSIF s.round = 0 THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' has no reply to evaluate');
	ELSIF EXISTS (SELECT 1 FROM evaluations WHERE suggestion_id = s.id AND round = s.round
	              AND deputy_id = a.deputy_id) THEN
		PERFORM jy_refuse('failed_precondition', 'you have already evaluated reply '
		                  || s.round || ' of suggestion ' || s.id);
	END IF;
	INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, comment)
	VALUES (s.id, s.round, a.deputy_id, v_attitude, v_result, jy_p_optional(p, 'comment', 2000));
	UPDATE suggestions SET version = version + 1, updated_at = now() WHERE id = s.id
	RETURNING * INTO s;
	INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)
	VALUES (s.id, a.id, 'evaluate', s.state, s.state, p || jsonb_build_object('round', s.round::int))
	RETURNING seq INTO v_seq;
	IF NOT EXISTS (SELECT 1 FROM jy_evaluators(s.id) d
	               WHERE NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = s.id
	                                 AND e.round = s.round AND e.deputy_id = d)) THEN
		s := jy_evaluation_close(s, 'all_answered');
	END IF;
	RETURN jsonb_build_object('code', 'ok'::text, 'message', ''::text, 'replayed', false,
	                          'event_seq', v_seq::bigint,
	                          'suggestion', jy_suggestion_json(s, a.id, true));
END $$;

-- Rounds whose window has ended (the window's last day is before p_today)
-- with at least one form in close as they are. A round without any form
-- stays open: the evaluation stays owed and overdue (jy_open_deadlines).
-- Called by the periodic job (jy_raise_notices) under its lock. Returns
-- the number of rounds closed.
CREATE FUNCTION jy_close_expired_rounds(p_today date) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	n int := 0;
BEGIN
	FOR s IN
		SELECT x.* FROM suggestions x
		JOIN replies r ON r.suggestion_id = x.id AND r.round = x.round
		WHERE x.state = 'replied'
		  AND jy_due('evaluation', jy_local_date(r.at)) < p_today
		  AND EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = x.id AND e.round = x.round)
		ORDER BY x.id
		FOR UPDATE OF x
	LOOP
		PERFORM jy_evaluation_close(s, 'window_ended');
		n := n + 1;
	END LOOP;
	IF n > 0 THEN
		-- New events: wake the other processes' feeds (the payload of a
		-- workflow commit).
		PERFORM pg_notify('jianyi_events', '');
	END IF;
	RETURN n;
END $$;

-- ---- jy_act_apply: 0002's, with the 'evaluate' branch replaced by a call ------

-- Steps 2-7 of jy_act (0002). The one change from 0002: the 'evaluate'
-- branch returns jy_act_evaluate's answer (above).
CREATE OR REPLACE FUNCTION jy_act_apply(p_actor bigint, p_action text, p_suggestion bigint,
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
			-- Its own function (0014): the form, and the round's close when it
			-- is the last, append their own events.
			RETURN jy_act_evaluate(a, s, p);

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

-- ---- deadlines and the periodic job ---------------------------------------------

-- As 0007; since 0014 a round's outcome event moves the case into re-handling.
CREATE OR REPLACE FUNCTION jy_round_start(p_id bigint, p_assigned timestamptz) RETURNS date
STABLE LANGUAGE sql AS $$
	SELECT jy_local_date(greatest(p_assigned,
		(SELECT max(e.at) FROM events e WHERE e.suggestion_id = p_id AND e.to_state = 'rehandling'
		 AND e.kind IN ('evaluate', 'evaluation_outcome'))))
$$;

-- As 0007, with 0014's outcome event.
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
		dispute_due := jy_due('dispute', jy_local_date(v_assign.at));
		IF coalesce(v_assign.payload ->> 'reply_deadline', '') = '' THEN
			reply_deadline := jy_due('reply', jy_local_date(v_assign.at));
			FOR v_days IN
				SELECT x.days FROM extensions x
				WHERE x.suggestion_id = s.id AND x.status = 'approved' AND x.decided_at >= v_assign.at
				ORDER BY x.decided_at, x.id
			LOOP
				reply_deadline := jy_extended(reply_deadline, v_days);
			END LOOP;
		END IF;
	END IF;
	IF s.state = 'rehandling' THEN
		rehandle_due := jy_due('rehandle', jy_local_date(
			(SELECT max(e.at) FROM events e WHERE e.suggestion_id = s.id
			 AND e.kind IN ('evaluate', 'evaluation_outcome') AND e.to_state = 'rehandling')));
	END IF;
END $$;

-- As 0007; the evaluation is owed by every evaluator (jy_evaluators: the
-- proposers of cases merged into this one too).
CREATE OR REPLACE FUNCTION jy_open_deadlines(p_today date)
RETURNS TABLE (suggestion_id bigint, kind text, organization_id bigint, deputy_id bigint,
               round int, due date)
STABLE LANGUAGE sql AS $$
	SELECT s.id, 'reply', u.organization_id, NULL::bigint, s.round + 1, s.reply_deadline
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'lead'
	WHERE s.state IN ('assigned', 'disputed', 'accepted', 'in_progress')
	UNION ALL
	SELECT s.id, 'rehandle', u.organization_id, NULL, s.round + 1, s.rehandle_due
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'lead'
	WHERE s.state = 'rehandling'
	UNION ALL
	SELECT s.id, 'opinion', u.organization_id, NULL, s.round + 1,
	       jy_due('opinion', jy_round_start(s.id, u.assigned_at))
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'co'
	WHERE s.state IN ('assigned', 'accepted', 'in_progress', 'rehandling')
	  AND NOT EXISTS (SELECT 1 FROM opinions o WHERE o.suggestion_id = s.id
	                  AND o.round = s.round + 1 AND o.organization_id = u.organization_id)
	UNION ALL
	SELECT s.id, 'dispute', u.organization_id, NULL, s.round + 1, s.dispute_due
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active
	WHERE s.state = 'assigned' AND s.dispute_due >= p_today
	  AND u.accepted_at IS NULL AND u.disputed_at IS NULL
	UNION ALL
	SELECT s.id, 'follow_up', u.organization_id, NULL, s.round,
	       jy_due('follow_up', jy_local_date(greatest(
	           (SELECT r.at FROM replies r WHERE r.suggestion_id = s.id AND r.round = s.round),
	           (SELECT max(f.at) FROM follow_ups f WHERE f.suggestion_id = s.id
	            AND f.round = s.round))))
	FROM suggestions s
	JOIN suggestion_units u ON u.suggestion_id = s.id AND u.active AND u.role = 'lead'
	WHERE s.follow_up_owed AND s.state NOT IN ('withdrawn', 'merged', 'converted')
	UNION ALL
	SELECT s.id, 'evaluation', NULL, g.d, s.round,
	       jy_due('evaluation', jy_local_date(r.at))
	FROM suggestions s
	JOIN replies r ON r.suggestion_id = s.id AND r.round = s.round
	CROSS JOIN LATERAL jy_evaluators(s.id) AS g (d)
	WHERE s.state = 'replied'
	  AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = s.id
	                  AND e.round = s.round AND e.deputy_id = g.d)
$$;

-- As 0007, with two rules of 0014: an evaluation deadline is shown to its
-- deputy and the liaison committee only; the public has no deadlines.
CREATE OR REPLACE FUNCTION jy_deadlines(p_viewer bigint, p_filters jsonb, p_limit int) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	f jsonb := coalesce(p_filters, '{}');
	v_today date := jy_today();
	v_overdue boolean;
	v_within bigint;
	v_unit bigint;
	v_kind text;
	v_id bigint;
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 200 ELSE least(p_limit, 2000) END;
	v_code text;
	v_message text;
	v_field text;
	v_public boolean := coalesce((SELECT roles <@ ARRAY['public']::text[] FROM accounts
	                              WHERE id = p_viewer), true);
	v_liaison boolean := coalesce((SELECT 'liaison_officer' = ANY (roles) FROM accounts
	                               WHERE id = p_viewer), false);
	v_deputy bigint := (SELECT deputy_id FROM accounts WHERE id = p_viewer
	                    AND 'deputy' = ANY (roles));
BEGIN
	BEGIN
		IF jsonb_typeof(f) <> 'object' THEN
			PERFORM jy_refuse('invalid_argument', 'filters must be a JSON object', 'filters');
		END IF;
		v_overdue := jy_p_bool(f, 'overdue_only');
		v_within := jy_p_int(f, 'within_days');
		v_unit := jy_p_int(f, 'unit_id');
		v_kind := jy_p_text(f, 'kind');
		v_id := jy_p_int(f, 'suggestion_id');
		IF v_kind NOT IN ('', 'reply', 'rehandle', 'opinion', 'dispute', 'follow_up', 'evaluation') THEN
			PERFORM jy_refuse('invalid_argument', 'kind ''' || v_kind || ''' is not a deadline kind '
			                  || '(reply, rehandle, opinion, dispute, follow_up, evaluation)', 'kind');
		ELSIF v_within NOT BETWEEN 0 AND 3660 THEN
			PERFORM jy_refuse('invalid_argument', 'within_days must be 0 (any) to 3660', 'within_days');
		END IF;
	EXCEPTION WHEN SQLSTATE 'JY001' THEN
		GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_code = PG_EXCEPTION_DETAIL,
		                        v_field = PG_EXCEPTION_HINT;
		RETURN jy_result(v_code, v_message, v_field);
	END;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'today', to_char(v_today, 'YYYY-MM-DD')::text,
		'deadlines', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'suggestion_id', s.id::bigint,
				'number', CASE WHEN s.number IS NULL THEN ''::text
				               ELSE ('第' || s.term || '届第' || s.session || '次会议第' || s.number
				                     || '号')::text END,
				'title', s.title::text,
				'kind', d.kind::text,
				'organization_id', coalesce(d.organization_id, 0)::bigint,
				'organization_name', coalesce(o.name, '')::text,
				'deputy_id', coalesce(d.deputy_id, 0)::bigint,
				'deputy_name', coalesce(dp.name, '')::text,
				'round', d.round::int,
				'due', to_char(d.due, 'YYYY-MM-DD')::text,
				'days_left', (d.due - v_today)::int,
				'working_days_left', jy_working_days_between(v_today, d.due)::int,
				'key', s.key::boolean,
				'supervised', s.supervised::boolean)
				ORDER BY d.n)
			FROM (SELECT x.*, row_number() OVER (ORDER BY x.due, x.suggestion_id, x.kind,
			                                     x.organization_id, x.deputy_id) AS n
			      FROM jy_open_deadlines(v_today) x
			      JOIN suggestions v ON v.id = x.suggestion_id
			      WHERE (NOT v_overdue OR x.due < v_today)
			        AND (v_within = 0 OR x.due <= v_today + v_within::int)
			        AND (v_unit = 0 OR x.organization_id = v_unit)
			        AND (v_kind = '' OR x.kind = v_kind)
			        AND (v_id = 0 OR x.suggestion_id = v_id)
			        AND jy_can_see(p_viewer, v)
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

-- As 0008, and it closes the evaluation rounds whose window has ended.
CREATE OR REPLACE FUNCTION jy_raise_notices(p_today date) RETURNS int VOLATILE LANGUAGE plpgsql AS $$
DECLARE
	v_days int[];
	v_count int;
BEGIN
	-- "jynoti" in ASCII: recognisable in pg_locks, apart from the
	-- migration lock.
	IF NOT pg_try_advisory_xact_lock(117546048548969) THEN
		RETURN -1;
	END IF;
	-- Rounds whose evaluation window has ended close first: their
	-- evaluation is no longer owed.
	PERFORM jy_close_expired_rounds(p_today);
	v_days := jy_reminder_days();
	WITH dl AS (
		SELECT d.*, CASE WHEN d.due < p_today THEN -1
		                 ELSE (SELECT min(o) FROM unnest(v_days) o WHERE o >= d.due - p_today) END
		              AS days_before
		  FROM jy_open_deadlines(p_today) d
	), ins AS (
		INSERT INTO notices (suggestion_id, deadline_kind, organization_id, deputy_id, round, due,
		                     kind, days_before, text)
		SELECT o.suggestion_id, o.kind, o.organization_id, o.deputy_id, o.round, o.due,
		       CASE WHEN o.days_before < 0 THEN 'overdue' ELSE 'reminder' END, o.days_before,
		       jy_notice_text(s, o.kind, o.due, o.days_before, p_today)
		  FROM dl o JOIN suggestions s ON s.id = o.suggestion_id
		 WHERE o.days_before IS NOT NULL
		 ORDER BY o.due, o.suggestion_id, o.kind
		ON CONFLICT (suggestion_id, deadline_kind, (coalesce(organization_id, 0)),
		             (coalesce(deputy_id, 0)), round, due, days_before) DO NOTHING
		RETURNING id, organization_id, deputy_id, kind
	), rcp AS (
		INSERT INTO notice_recipients (notice_id, account_id)
		SELECT i.id, a FROM ins i, jy_notice_accounts(i.organization_id, i.deputy_id,
		                                              i.kind = 'overdue') a
		RETURNING notice_id, account_id
	), dlv AS (
		INSERT INTO notice_deliveries (notice_id, account_id)
		SELECT notice_id, account_id FROM rcp
	)
	SELECT count(*) INTO v_count FROM ins;
	IF v_count > 0 THEN
		PERFORM pg_notify('jianyi_events', 'notices');
	END IF;
	RETURN v_count;
END $$;
-- ---- reads: the Suggestion message, lists, the timeline, the feed -------------

-- As 0012; for the public, the portal's view of the case: the published
-- title and text, no co-signers, co-units, handler, plan, dates, contacts
-- or key mark (docs/WORKFLOW.md "Visibility").
CREATE OR REPLACE FUNCTION jy_suggestions_json(p_viewer bigint, p_ids bigint[], p_detail boolean)
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

-- As 0002, with 0014's rules for the timeline: an individual form
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
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id;
	IF NOT FOUND THEN
		RETURN jy_result('not_found', 'no suggestion ' || coalesce(p_id::text, 'NULL'));
	ELSIF NOT jy_can_see(p_viewer, s) THEN
		RETURN jy_result('permission_denied', 'you have no access to suggestion ' || p_id);
	END IF;
	SELECT a.roles <@ ARRAY['public']::text[], 'liaison_officer' = ANY (a.roles),
	       CASE WHEN 'deputy' = ANY (a.roles) THEN a.deputy_id END
	  INTO v_public, v_liaison, v_deputy FROM accounts a WHERE a.id = p_viewer;
	v_public := coalesce(v_public, true);
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
				'actor_login', CASE WHEN v_public THEN '' ELSE coalesce(ac.login, '') END::text,
				'actor_name', CASE WHEN v_public THEN '' ELSE coalesce(ac.display_name, '') END::text,
				'from_state', coalesce(e.from_state, '')::text,
				'to_state', e.to_state::text,
				'details', CASE WHEN v_public THEN jy_public_details(e.kind, e.payload)
				                ELSE e.payload END
				           || CASE WHEN e.suggestion_id = s.id THEN '{}'::jsonb
				                   ELSE jsonb_build_object('suggestion_id', e.suggestion_id::bigint) END)
				ORDER BY e.seq)
			FROM events e LEFT JOIN accounts ac ON ac.id = e.actor_account_id
			WHERE (e.suggestion_id = s.id
			       OR (e.suggestion_id = s.merged_into AND e.seq > v_merge_seq
			           AND e.kind IN ('reply', 'follow_up', 'evaluate', 'evaluation_outcome')))
			  AND jy_event_shown(e.kind, ac.deputy_id, v_public, v_liaison, v_deputy)), '[]'::jsonb));
END $$;

-- As 0010, with 0014's rules per event (jy_event_shown): an individual form
-- only to its deputy and the liaison committee, the public only what the
-- portal shows (no logins). Two redaction classes remain: inside (the
-- payload as it is) and public (jy_public_details).
CREATE OR REPLACE FUNCTION jy_sync_many(p_viewers bigint[], p_after bigint, p_limit int) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	-- STABLE: every statement reads with the calling statement's snapshot,
	-- the one whose xmin decides what is safe.
	v_xmin xid8 := pg_snapshot_xmin(pg_current_snapshot());
	v_nviewers int := coalesce(array_length(p_viewers, 1), 0);
	v_public boolean[] := '{}';
	v_liaison boolean[] := '{}';
	v_deputy bigint[] := '{}';
	v_count int[] := '{}';     -- per viewer: events in its page so far
	v_events jsonb[] := '{}';
	v_pair_viewer int[] := '{}';
	v_pair_event int[] := '{}';
	v_slot int[];              -- per class (1 inside, 2 public): this event's index in v_events
	v_cursor bigint := coalesce(p_after, 0);
	v_examined int := 0;
	v_caught_up boolean := true;
	v_full boolean := false;
	v_limit int := greatest(1, least(coalesce(p_limit, 500), 5000));
	c int;
	e record;
BEGIN
	FOR i IN 1 .. v_nviewers LOOP
		v_public[i] := coalesce((SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a
		                         WHERE a.id = p_viewers[i]), true);
		v_liaison[i] := coalesce((SELECT 'liaison_officer' = ANY (a.roles) FROM accounts a
		                          WHERE a.id = p_viewers[i]), false);
		v_deputy[i] := (SELECT a.deputy_id FROM accounts a
		                WHERE a.id = p_viewers[i] AND 'deputy' = ANY (a.roles));
		v_count[i] := 0;
	END LOOP;
	FOR e IN
		SELECT ev.seq, ev.suggestion_id, ev.kind, ev.at, ev.from_state, ev.to_state,
		       ev.payload, ev.xid, ev.horizon, coalesce(ac.login, '') AS login,
		       ac.deputy_id AS actor_deputy,
		       -- The case's version after this event = its events so far
		       -- (an index-only count on events_suggestion_idx).
		       (SELECT count(*) FROM events x
		         WHERE x.suggestion_id = ev.suggestion_id AND x.seq <= ev.seq)::int AS version
		  FROM events ev LEFT JOIN accounts ac ON ac.id = ev.actor_account_id
		 WHERE ev.seq > v_cursor
		 ORDER BY ev.seq
		 LIMIT v_limit * 20 + 1
	LOOP
		-- Events from before 0004 have no horizon: xid < xmin says it all.
		IF NOT (e.xid < v_xmin AND coalesce(e.horizon <= v_xmin, true)) THEN
			EXIT;
		END IF;
		IF v_examined = v_limit * 20 OR v_full THEN
			v_caught_up := false;
			EXIT;
		END IF;
		v_examined := v_examined + 1;
		v_cursor := e.seq;
		v_slot := '{NULL,NULL}';
		FOR i IN 1 .. v_nviewers LOOP
			CONTINUE WHEN NOT jy_event_shown(e.kind, e.actor_deputy, v_public[i], v_liaison[i],
			                                 v_deputy[i]);
			CONTINUE WHEN NOT jy_can_see(p_viewers[i], e.suggestion_id);
			c := CASE WHEN v_public[i] THEN 2 ELSE 1 END;
			IF v_slot[c] IS NULL THEN
				-- First viewer of this class: the event as that class reads it.
				v_events := v_events || jsonb_build_object(
					'sequence', e.seq::bigint,
					'suggestion_id', e.suggestion_id::bigint,
					'kind', e.kind::text,
					'at', jy_rfc3339(e.at)::text,
					'actor_login', CASE WHEN c = 2 THEN '' ELSE e.login END::text,
					'from_state', coalesce(e.from_state, '')::text,
					'to_state', e.to_state::text,
					'details', CASE WHEN c = 2 THEN jy_public_details(e.kind, e.payload)
					                ELSE e.payload END,
					'version', e.version);
				v_slot[c] := cardinality(v_events) - 1;
			END IF;
			v_pair_viewer := v_pair_viewer || i;
			v_pair_event := v_pair_event || v_slot[c];
			v_count[i] := v_count[i] + 1;
			IF v_count[i] = v_limit THEN
				-- Full page: there may be more after this event.
				v_full := true;
			END IF;
		END LOOP;
	END LOOP;
	IF v_full THEN
		v_caught_up := false;
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text, 'cursor', v_cursor::bigint,
		'caught_up', v_caught_up, 'events', to_jsonb(v_events),
		'viewers', (SELECT jsonb_agg(coalesce(
		                (SELECT jsonb_agg(p.ev ORDER BY p.k)
		                   FROM unnest(v_pair_viewer, v_pair_event) WITH ORDINALITY AS p (vw, ev, k)
		                  WHERE p.vw = g.i), '[]'::jsonb) ORDER BY g.i)
		              FROM generate_series(1, v_nviewers) AS g (i)));
END $$;

-- As 0012; the public searches and filters what the portal shows: the
-- published title and text, the lead deputy, the lead unit.
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
	v_public boolean := coalesce((SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a
	                              WHERE a.id = p_viewer), true);
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
		                             AND u.active AND u.organization_id = v_unit
		                             AND (NOT v_public OR u.role = 'lead')))
		  AND (v_deputy = 0 OR s.lead_deputy_id = v_deputy
		       OR (NOT v_public AND EXISTS (SELECT 1 FROM suggestion_signers g
		                                    WHERE g.suggestion_id = s.id AND g.deputy_id = v_deputy)))
		  AND (v_category = '' OR s.category = v_category)
		  AND (v_term = 0 OR s.term = v_term)
		  AND (v_session = 0 OR s.session = v_session)
		  AND (NOT v_key OR s.key)
		  AND (NOT v_overdue OR jy_overdue(s))
		  AND (v_text = ''
		       OR (NOT v_public AND (s.title || ' ' || s.body) ILIKE v_pattern)
		       OR (v_public AND (coalesce(s.published_title, s.title) || ' ' || jy_portal_text(s))
		                        ILIKE v_pattern))
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
CREATE FUNCTION jy_outcome_text(s suggestions) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT coalesce((
		SELECT '满意 ' || count(*) FILTER (WHERE e.result = 'satisfied')
		       || '，基本满意 ' || count(*) FILTER (WHERE e.result = 'basically_satisfied')
		       || '，不满意 ' || count(*) FILTER (WHERE e.result = 'unsatisfied')
		FROM evaluations e
		WHERE e.suggestion_id = s.id
		  AND e.round = (SELECT max(e2.round) FROM evaluations e2
		                 WHERE e2.suggestion_id = s.id AND jy_round_closed(s, e2.round))
		HAVING count(*) > 0), '')
$$;

-- As 0005: the evaluation column is the outcome of the latest closed round,
-- for everyone who may see the case (p_sees_evaluations is no longer
-- used); the public's row has what the portal shows only.
CREATE OR REPLACE FUNCTION jy_ledger_row(s suggestions, p_sees_evaluations boolean, p_public boolean)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', s.id::bigint,
		'number', CASE WHEN s.number IS NULL THEN ''::text
		               ELSE ('第' || s.term || '届第' || s.session || '次会议第' || s.number || '号')::text END,
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
		'registered_at', CASE WHEN p_public THEN '' ELSE coalesce((SELECT jy_ledger_date(max(e.at)) FROM events e
		                           WHERE e.suggestion_id = s.id AND e.kind = 'register'), '') END::text,
		'assigned_at', CASE WHEN p_public THEN '' ELSE coalesce((SELECT jy_ledger_date(u.assigned_at) FROM suggestion_units u
		                         WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead'), '') END::text,
		'reply_deadline', CASE WHEN p_public THEN ''
		                        ELSE coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '') END::text,
		'handler', CASE WHEN p_public THEN '' ELSE coalesce(s.handler_name, '') END::text,
		'plan', CASE WHEN p_public THEN '' ELSE coalesce(s.plan, '') END::text,
		'promised_date', CASE WHEN p_public THEN ''
		                       ELSE coalesce(to_char(s.promised_date, 'YYYY-MM-DD'), '') END::text,
		'contacts', CASE WHEN p_public THEN 0
		                  ELSE (SELECT count(*) FROM contacts c WHERE c.suggestion_id = s.id) END::int,
		'replied_at', coalesce((SELECT jy_ledger_date(max(r.at)) FROM replies r
		                        WHERE r.suggestion_id = s.id), '')::text,
		'result_class', coalesce(s.result_class, '')::text,
		'evaluation', jy_outcome_text(s)::text,
		'state', s.state::text,
		'key', (s.key AND NOT p_public)::boolean)
$$;

-- As 0005; the public searches and filters as in jy_list.
CREATE OR REPLACE FUNCTION jy_ledger(p_viewer bigint, p_filters jsonb, p_limit int, p_after_id bigint)
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
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 500 ELSE least(p_limit, 1000) END;
	v_ids bigint[];
	v_next bigint := 0;
	v_total bigint;
	v_eval boolean := jy_sees_evaluations(p_viewer);
	v_public boolean;
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
	v_pattern := '%' || replace(replace(replace(v_text, '\', '\\'), '%', '\%'), '_', '\_') || '%';
	SELECT coalesce(a.roles <@ ARRAY['public']::text[], true) INTO v_public
	FROM accounts a WHERE a.id = p_viewer;
	v_public := coalesce(v_public, true);

	-- The page after p_after_id (one row more tells whether there is a next
	-- one); on the first page also how many match in all (counting on every
	-- page would scan everything again for each page). The conditions are
	-- jy_list's, written out twice: a function for them would not be inlined.
	SELECT array_agg(id ORDER BY id) INTO v_ids FROM (
		SELECT s.id FROM suggestions s
		WHERE s.id > coalesce(p_after_id, 0)
		  AND (v_state = '' OR s.state = v_state)
		  AND (v_unit = 0 OR EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id
		                             AND u.active AND u.organization_id = v_unit
		                             AND (NOT v_public OR u.role = 'lead')))
		  AND (v_deputy = 0 OR s.lead_deputy_id = v_deputy
		       OR (NOT v_public AND EXISTS (SELECT 1 FROM suggestion_signers g
		                                    WHERE g.suggestion_id = s.id AND g.deputy_id = v_deputy)))
		  AND (v_category = '' OR s.category = v_category)
		  AND (v_term = 0 OR s.term = v_term)
		  AND (v_session = 0 OR s.session = v_session)
		  AND (NOT v_key OR s.key)
		  AND (NOT v_overdue OR jy_overdue(s))
		  AND (v_text = ''
		       OR (NOT v_public AND (s.title || ' ' || s.body) ILIKE v_pattern)
		       OR (v_public AND (coalesce(s.published_title, s.title) || ' ' || jy_portal_text(s))
		                        ILIKE v_pattern))
		  AND jy_can_see(p_viewer, s)
		ORDER BY s.id
		LIMIT v_limit + 1) AS page;
	IF coalesce(p_after_id, 0) = 0 THEN
		SELECT count(*) INTO v_total FROM suggestions s
		WHERE true
		  AND (v_state = '' OR s.state = v_state)
		  AND (v_unit = 0 OR EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id
		                             AND u.active AND u.organization_id = v_unit
		                             AND (NOT v_public OR u.role = 'lead')))
		  AND (v_deputy = 0 OR s.lead_deputy_id = v_deputy
		       OR (NOT v_public AND EXISTS (SELECT 1 FROM suggestion_signers g
		                                    WHERE g.suggestion_id = s.id AND g.deputy_id = v_deputy)))
		  AND (v_category = '' OR s.category = v_category)
		  AND (v_term = 0 OR s.term = v_term)
		  AND (v_session = 0 OR s.session = v_session)
		  AND (NOT v_key OR s.key)
		  AND (NOT v_overdue OR jy_overdue(s))
		  AND (v_text = ''
		       OR (NOT v_public AND (s.title || ' ' || s.body) ILIKE v_pattern)
		       OR (v_public AND (coalesce(s.published_title, s.title) || ' ' || jy_portal_text(s))
		                        ILIKE v_pattern))
		  AND jy_can_see(p_viewer, s);
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
		'total', coalesce(v_total, 0)::bigint);
END $$;
-- ---- counts: statistics and the portal -----------------------------------------

-- As 0006, counting the forms of closed rounds only: a unit's or a
-- co-signer's statistics over one case would otherwise show the forms of
-- an open round one by one.
CREATE OR REPLACE VIEW jy_stats_cases AS
SELECT s.id, s.term, s.session, s.category, s.state, s.lead_deputy_id,
       lu.organization_id AS lead_unit_id,
       coalesce(o.name, '') AS lead_unit,
       r1.result_class AS first_class,
       s.result_class AS latest_class,
       (r1.at IS NOT NULL) AS replied,
       (r1.at IS NOT NULL OR coalesce(s.reply_deadline < jy_today(), false)) AS due,
       coalesce((r1.at AT TIME ZONE jy_setting('time_zone'))::date <= s.reply_deadline, false) AS on_time,
       coalesce(ev.r1_forms, 0) AS r1_forms,
       coalesce(ev.r1_satisfied, 0) AS r1_satisfied,
       coalesce(ev.last_forms, 0) AS last_forms,
       coalesce(ev.last_satisfied, 0) AS last_satisfied,
       coalesce(ev.rehandled, false) AS rehandled,
       (r1.at AT TIME ZONE jy_setting('time_zone'))::date
         - (asg.at AT TIME ZONE jy_setting('time_zone'))::date AS days_to_reply,
       jy_overdue(s) AS overdue,
       jy_portal_visible(s) AS portal_visible
FROM suggestions s
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

-- As 0003, with the feedback of closed rounds only.
CREATE OR REPLACE FUNCTION jy_portal_get(p_id bigint) RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	v_round int;
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id;
	IF NOT FOUND OR NOT jy_portal_visible(s) THEN
		RETURN jsonb_build_object('code', 'not_found'::text);
	END IF;
	-- The feedback that counts is the latest evaluated reply's.
	-- (since 0014: the latest closed round's; an open round shows nothing).
	SELECT max(e.round) INTO v_round FROM evaluations e
	WHERE e.suggestion_id = s.id AND jy_round_closed(s, e.round);
	RETURN jsonb_build_object(
		'code', 'ok'::text,
		'suggestion', jy_portal_item(s) || jsonb_build_object(
			'text', jy_portal_text(s)::text,
			'is_summary', (s.published_summary IS NOT NULL)::boolean,
			'lead_deputy', coalesce((SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id), '')::text,
			'published_at', coalesce(to_char(s.published_at AT TIME ZONE jy_setting('time_zone'),
			                                 'YYYY-MM-DD'), '')::text),
		'replies', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'round', r.round::int,
				'date', to_char(r.at AT TIME ZONE jy_setting('time_zone'), 'YYYY-MM-DD')::text,
				'unit', coalesce(o.name, '')::text,
				'result_class', r.result_class::text,
				'text', r.text::text) ORDER BY r.round)
			FROM replies r LEFT JOIN organizations o ON o.id = r.organization_id
			WHERE r.suggestion_id = s.id), '[]'::jsonb),
		'follow_ups', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'date', to_char(f.at AT TIME ZONE jy_setting('time_zone'), 'YYYY-MM-DD')::text,
				'result_class', f.result_class::text,
				'text', f.text::text) ORDER BY f.id)
			FROM follow_ups f WHERE f.suggestion_id = s.id), '[]'::jsonb),
		-- Counts only (back-to-back evaluation): never a deputy, never a comment.
		'feedback', jsonb_build_object(
			'round', coalesce(v_round, 0)::int,
			'result', jsonb_build_object(
				'satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.result = 'satisfied')::int,
				'basically_satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.result = 'basically_satisfied')::int,
				'unsatisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.result = 'unsatisfied')::int),
			'attitude', jsonb_build_object(
				'satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.attitude = 'satisfied')::int,
				'basically_satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.attitude = 'basically_satisfied')::int,
				'unsatisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.attitude = 'unsatisfied')::int)));
END $$;

-- ---- publishing an unsatisfied result -------------------------------------------

-- As 0009, but only the unsatisfied forms of a closed round can be published:
-- an open round's forms are the liaison committee's alone until it closes.
CREATE OR REPLACE FUNCTION jy_supervise_record(a accounts, s suggestions, p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_kind text := jy_p_text(p, 'kind');
	v_liaison boolean := 'liaison_officer' = ANY (a.roles);
	v_leader boolean := 'leader' = ANY (a.roles);
	v_member boolean := 'committee_member' = ANY (a.roles)
	                    AND coalesce(a.organization_id = s.supervising_committee_id, false);
	v_committee text;
	v_text text;
	v_id bigint;
BEGIN
	SELECT name INTO v_committee FROM organizations WHERE id = s.supervising_committee_id;
	CASE v_kind
	WHEN 'note' THEN
		NULL;
	WHEN 'whole_process' THEN
		IF NOT v_liaison THEN
			PERFORM jy_refuse('permission_denied', 'only the liaison committee may record '
			                  || 'whole-process supervision', 'kind');
		END IF;
	WHEN 'by_field' THEN
		IF s.supervising_committee_id IS NULL THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' has no supervising '
			                  || 'special committee: by-field supervision needs one (set at assignment)',
			                  'kind');
		ELSIF NOT (v_liaison OR v_member) THEN
			PERFORM jy_refuse('permission_denied', 'only a member of the supervising committee ('
			                  || v_committee || ') or the liaison committee may record by-field '
			                  || 'supervision of suggestion ' || s.id, 'kind');
		END IF;
	WHEN 'leader_led' THEN
		IF NOT s.key THEN
			PERFORM jy_refuse('failed_precondition', 'leader-led supervision is for key suggestions: '
			                  || 'suggestion ' || s.id || ' is not key', 'kind');
		ELSIF NOT (v_leader AND a.display_name = ANY (s.leaders)) THEN
			PERFORM jy_refuse('permission_denied', 'only a leader named to lead suggestion ' || s.id
			                  || ' (' || coalesce(nullif(array_to_string(s.leaders, '、'), ''), 'none named')
			                  || ') may record leader-led supervision', 'kind');
		END IF;
	WHEN 'interview' THEN
		IF NOT (v_liaison OR v_leader) THEN
			PERFORM jy_refuse('permission_denied', 'only the liaison committee or a leader may record '
			                  || 'an interview (约谈)', 'kind');
		END IF;
	WHEN 'inquiry' THEN
		IF NOT (v_liaison OR v_leader OR v_member) THEN
			PERFORM jy_refuse('permission_denied', 'only a leader, the liaison committee or a member '
			                  || 'of the supervising committee may record a special inquiry (专题询问)',
			                  'kind');
		END IF;
	WHEN 'publish_unsatisfied' THEN
		IF NOT v_liaison THEN
			PERFORM jy_refuse('permission_denied', 'only the liaison committee may publish an '
			                  || 'unsatisfied result', 'kind');
		ELSIF NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = s.id
		                  AND 'unsatisfied' IN (e.attitude, e.result)
		                  AND jy_round_closed(s, e.round)) THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' has no unsatisfied '
			                  || 'evaluation to publish', 'kind');
		ELSIF NOT jy_portal_visible(s) THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is not published on '
			                  || 'the portal; publish it first (jianyid admin publish)', 'kind');
		ELSIF EXISTS (SELECT 1 FROM supervision_notes n WHERE n.suggestion_id = s.id
		              AND n.kind = 'publish_unsatisfied') THEN
			PERFORM jy_refuse('failed_precondition', 'the unsatisfied result of suggestion ' || s.id
			                  || ' is already published', 'kind');
		END IF;
	ELSE
		PERFORM jy_refuse('invalid_argument', 'kind must be note, whole_process, by_field, leader_led, '
		                  || 'interview, inquiry or publish_unsatisfied', 'kind');
	END CASE;
	v_text := jy_p_required(p, 'text', 20000);
	INSERT INTO supervision_notes (suggestion_id, kind, text, written_by, level, committee_id)
	VALUES (s.id, v_kind, v_text, a.id, jy_supervision_level(v_kind), s.supervising_committee_id)
	RETURNING id INTO v_id;
	RETURN jsonb_build_object('record_id', v_id::bigint, 'level', jy_supervision_level(v_kind)::int,
	                          'committee_id', coalesce(s.supervising_committee_id, 0)::bigint);
END $$;
