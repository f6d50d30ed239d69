-- The workflow: jy_act, one transition atomically (docs/WORKFLOW.md "jy_act"),
-- jy_act_apply (the steps every action shares) and one function per action
-- (jy_act_<action>), evaluation rounds, supervision records, and jy_overdue.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- One workflow action, atomically (docs/WORKFLOW.md "jy_act"): steps 1 and 8
-- are jy_idempotent's, steps 2-7 jy_act_apply's.
CREATE OR REPLACE FUNCTION jy_act(p_actor bigint, p_action text, p_suggestion bigint,
                       p_expected_version int, p_transitions jsonb, p_relation text,
                       p_params jsonb, p_idem_key text, p_request_hash text)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
	RETURN jy_idempotent(p_actor, p_idem_key, p_request_hash, 'act', p_action, p_params,
	                     p_suggestion, p_expected_version, p_transitions, p_relation);
END $$;

-- One write at most once per (account, idempotency key), for jy_act and
-- jy_write (11_supervision.sql): a retry with the same key and request gets
-- the first answer (replayed = true), the key with another request a
-- refusal. Expected refusals come back as a result object, never as an
-- error, and change nothing: the exception block rolls back the
-- sub-transaction; they are not stored. p_entry names the work: 'act'
-- (jy_act_apply: p_name the action, the case arguments as jy_act takes
-- them) or 'write' (jy_write_apply: p_name the operation).
CREATE OR REPLACE FUNCTION jy_idempotent(p_actor bigint, p_idem_key text, p_request_hash text,
                                         p_entry text, p_name text, p_params jsonb,
                                         p_suggestion bigint DEFAULT NULL,
                                         p_expected_version int DEFAULT NULL,
                                         p_transitions jsonb DEFAULT NULL,
                                         p_relation text DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_result jsonb;
	v_refusal text;
BEGIN
	-- jianyid refuses longer keys first; the limit is common/jy_limits.h's.
	IF coalesce(p_idem_key, '') = '' OR length(p_idem_key) > 100 THEN  -- JY_IDEMPOTENCY_KEY_MAX
		RETURN jy_result('invalid_argument', 'idempotency_key must be 1 to 100 characters',  -- JY_IDEMPOTENCY_KEY_MAX
		                 'idempotency_key',
		                 'key_invalid', jsonb_build_object('max', 100)) || '{"replayed": false}'::jsonb;
	END IF;
	-- 1. Idempotency.
	v_result := jy_idem_lookup(p_actor, p_idem_key, p_request_hash);
	IF v_result IS NOT NULL THEN
		RETURN v_result;
	END IF;
	BEGIN
		CASE p_entry
		WHEN 'act' THEN
			v_result := jy_act_apply(p_actor, p_name, p_suggestion, p_expected_version,
			                         p_transitions, p_relation, p_params, p_idem_key);
		WHEN 'write' THEN
			v_result := jy_write_apply(p_actor, p_name, p_params);
		END CASE;
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
		GET STACKED DIAGNOSTICS v_refusal = PG_EXCEPTION_DETAIL;
		RETURN v_refusal::jsonb || '{"replayed": false}'::jsonb;
	WHEN SQLSTATE 'JY002' THEN
		v_result := jy_idem_lookup(p_actor, p_idem_key, p_request_hash);
		IF v_result IS NULL THEN
			RAISE EXCEPTION 'jy_%: idempotency row for key % vanished', p_entry, p_idem_key;
		END IF;
		RETURN v_result;
	END;
END $$;

-- Overdue on a given day, so that a page computes today once.
CREATE OR REPLACE FUNCTION jy_overdue(s suggestions, p_today date) RETURNS boolean STABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN s.state IN ('assigned', 'disputed', 'accepted', 'in_progress')
			THEN coalesce(s.reply_deadline < p_today, false)
		WHEN s.state = 'rehandling'
			THEN coalesce(coalesce(s.rehandle_due, s.reply_deadline) < p_today, false)
		ELSE false END
$$;

CREATE OR REPLACE FUNCTION jy_overdue(s suggestions) RETURNS boolean STABLE LANGUAGE sql AS $$
	SELECT jy_overdue(s, jy_today(s.congress_id))
$$;

-- Whether round p_round of case s is closed: only the current round of a
-- case still 'replied' is open.
CREATE OR REPLACE FUNCTION jy_round_closed(s suggestions, p_round int) RETURNS boolean
IMMUTABLE LANGUAGE sql AS $$
	SELECT NOT (s.state = 'replied' AND s.round = p_round)
$$;

-- ---- the evaluation round --------------------------------------------------------

-- Closes the open round of case s (locked by the caller, state 'replied'):
-- one state change for the whole round and one outcome event with the
-- counts per rating. p_reason: all_answered or window_ended. Returns the
-- case as it is now.
CREATE OR REPLACE FUNCTION jy_evaluation_close(s suggestions, p_reason text) RETURNS suggestions
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
		rehandle_due = CASE WHEN v_to = 'rehandling' THEN jy_due(s.congress_id, 'rehandle', jy_today(s.congress_id))
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

-- The evaluate action (called by jy_act_apply after the checks every
-- action shares; s is locked and 'replied'). Records the form as an event
-- that leaves the state as it is, and closes the round when this was the
-- last evaluator's form. Returns jy_act's answer (jy_act_answer, below).
CREATE OR REPLACE FUNCTION jy_act_evaluate(a accounts, s suggestions, p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_attitude text := jy_p_text(p, 'attitude');
	v_result text := jy_p_text(p, 'result');
	v_seq bigint;
BEGIN
	IF v_attitude NOT IN ('satisfied', 'basically_satisfied', 'unsatisfied') THEN
		PERFORM jy_refuse('invalid_argument',
		                  'attitude must be satisfied, basically_satisfied or unsatisfied', 'attitude', 'not_one_of', jsonb_build_object('field',
		                  'attitude', 'value', v_attitude));
	ELSIF v_result NOT IN ('satisfied', 'basically_satisfied', 'unsatisfied') THEN
		PERFORM jy_refuse('invalid_argument',
		                  'result must be satisfied, basically_satisfied or unsatisfied', 'result', 'not_one_of', jsonb_build_object('field',
		                  'result', 'value', v_result));
	END IF;
	IF NOT jy_relation_holds(a, s, 'evaluator') THEN
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('evaluator', 'evaluate'),
		                  '', 'only_relation', jsonb_build_object('relation', 'evaluator', 'action', 'evaluate'));
	ELSIF s.round = 0 THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' has no reply to evaluate',
		                  '', 'no_reply_to_evaluate', jsonb_build_object('id', s.id));
	ELSIF EXISTS (SELECT 1 FROM evaluations WHERE suggestion_id = s.id AND round = s.round
	              AND deputy_id = a.deputy_id) THEN
		PERFORM jy_refuse('failed_precondition', 'you have already evaluated reply '
		                  || s.round || ' of suggestion ' || s.id,
		                  '', 'already_evaluated', jsonb_build_object('id', s.id, 'round', s.round));
	END IF;
	INSERT INTO evaluations (suggestion_id, round, deputy_id, attitude, result, comment)
	VALUES (s.id, s.round, a.deputy_id, v_attitude, v_result, jy_p_optional(p, 'comment', 2000));  -- JY_REASON_MAX
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
	RETURN jy_act_answer(s, a.id, v_seq);
END $$;

-- Rounds whose window has ended (the window's last day is before p_today)
-- with at least one form in close as they are. A round without any form
-- stays open: the evaluation stays owed and overdue (jy_open_deadlines).
-- Called by the periodic job (jy_raise_notices) under its lock. Returns
-- the number of rounds closed.
CREATE OR REPLACE FUNCTION jy_close_expired_rounds(p_today date) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	n int := 0;
BEGIN
	FOR s IN
		SELECT x.* FROM suggestions x
		JOIN replies r ON r.suggestion_id = x.id AND r.round = x.round
		WHERE x.state = 'replied'
		  AND jy_due(x.congress_id, 'evaluation', jy_local_date(x.congress_id, r.at)) < p_today
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

-- ---- publishing an unsatisfied result -------------------------------------------

-- A supervision record on a case (supervise); publishing an unsatisfied
-- result takes the forms of a closed round only: an open round's forms are
-- the liaison committee's alone until it closes.
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
			                  || 'whole-process supervision', 'kind',
			                  'supervision_role', jsonb_build_object('supervision', 'whole_process'));
		END IF;
	WHEN 'by_field' THEN
		IF s.supervising_committee_id IS NULL THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' has no supervising '
			                  || 'special committee: by-field supervision needs one (set at assignment)',
			                  'kind',
			                  'no_supervising_committee', jsonb_build_object('id', s.id));
		ELSIF NOT (v_liaison OR v_member) THEN
			PERFORM jy_refuse('permission_denied', 'only a member of the supervising committee ('
			                  || v_committee || ') or the liaison committee may record by-field '
			                  || 'supervision of suggestion ' || s.id, 'kind',
			                  'supervision_role', jsonb_build_object('supervision', 'by_field'));
		END IF;
	WHEN 'leader_led' THEN
		IF NOT s.key THEN
			PERFORM jy_refuse('failed_precondition', 'leader-led supervision is for key suggestions: '
			                  || 'suggestion ' || s.id || ' is not key', 'kind',
			                  'not_key', jsonb_build_object('id', s.id));
		ELSIF NOT (v_leader AND a.display_name = ANY (s.leaders)) THEN
			PERFORM jy_refuse('permission_denied', 'only a leader named to lead suggestion ' || s.id
			                  || ' (' || coalesce(nullif(array_to_string(s.leaders, '、'), ''), 'none named')
			                  || ') may record leader-led supervision', 'kind',
			                  'supervision_role', jsonb_build_object('supervision', 'leader_led'));
		END IF;
	WHEN 'interview' THEN
		IF NOT (v_liaison OR v_leader) THEN
			PERFORM jy_refuse('permission_denied', 'only the liaison committee or a leader may record '
			                  || 'an interview (约谈)', 'kind',
			                  'supervision_role', jsonb_build_object('supervision', 'interview'));
		END IF;
	WHEN 'inquiry' THEN
		IF NOT (v_liaison OR v_leader OR v_member) THEN
			PERFORM jy_refuse('permission_denied', 'only a leader, the liaison committee or a member '
			                  || 'of the supervising committee may record a special inquiry (专题询问)',
			                  'kind',
			                  'supervision_role', jsonb_build_object('supervision', 'inquiry'));
		END IF;
	WHEN 'publish_unsatisfied' THEN
		IF NOT v_liaison THEN
			PERFORM jy_refuse('permission_denied', 'only the liaison committee may publish an '
			                  || 'unsatisfied result', 'kind',
			                  'supervision_role', jsonb_build_object('supervision', 'publish_unsatisfied'));
		ELSIF NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.suggestion_id = s.id
		                  AND 'unsatisfied' IN (e.attitude, e.result)
		                  AND jy_round_closed(s, e.round)) THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' has no unsatisfied '
			                  || 'evaluation to publish', 'kind',
			                  'no_unsatisfied_evaluation', jsonb_build_object('id', s.id));
		ELSIF NOT jy_portal_visible(s) THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' is not published on '
			                  || 'the portal; publish it first (jianyid admin publish)', 'kind',
			                  'not_published', jsonb_build_object('id', s.id));
		ELSIF EXISTS (SELECT 1 FROM supervision_notes n WHERE n.suggestion_id = s.id
		              AND n.kind = 'publish_unsatisfied') THEN
			PERFORM jy_refuse('failed_precondition', 'the unsatisfied result of suggestion ' || s.id
			                  || ' is already published', 'kind',
			                  'already_published', jsonb_build_object('id', s.id));
		END IF;
	ELSE
		PERFORM jy_refuse('invalid_argument', 'kind must be note, whole_process, by_field, leader_led, '
		                  || 'interview, inquiry or publish_unsatisfied', 'kind',
		                  'not_one_of', jsonb_build_object('field', 'kind', 'value', jy_p_text(p, 'kind')));
	END CASE;
	v_text := jy_p_required(p, 'text', 20000);  -- JY_BODY_MAX
	INSERT INTO supervision_notes (suggestion_id, kind, text, written_by, level, committee_id)
	VALUES (s.id, v_kind, v_text, a.id, jy_supervision_level(v_kind), s.supervising_committee_id)
	RETURNING id INTO v_id;
	RETURN jsonb_build_object('record_id', v_id::bigint, 'level', jy_supervision_level(v_kind)::int,
	                          'committee_id', coalesce(s.supervising_committee_id, 0)::bigint);
END $$;

-- Actions that only add a record (a contact, an opinion, a supervision
-- note, a follow-up report): taken on a stale version, they overwrite
-- nothing, so a remote office's queued record is accepted as long as the
-- case's current state still allows the action (checked next, step 5).
-- Anything else on a stale version is a conflict.
CREATE OR REPLACE FUNCTION jy_appends_only(p_action text) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT p_action IN ('contact', 'opinion', 'supervise', 'follow_up')
$$;

CREATE OR REPLACE FUNCTION jy_version_conflict(p_action text, p_expected int, p_version int)
RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE WHEN p_expected IS NULL THEN true
	            -- a version the case never had is a conflict for every action
	            WHEN jy_appends_only(p_action) THEN p_expected > p_version
	            ELSE p_expected <> p_version END
$$;

-- submit: first removes the co-signers the lead deputy drops (params
-- remove_cosigner_deputy_ids: listed co-signers who have not confirmed),
-- then refuses while any listed co-signer has not confirmed, naming them:
-- submitting would lock them out (cosign is taken only on drafts).
CREATE OR REPLACE FUNCTION jy_submit_signers(s suggestions, p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_ids bigint[] := jy_p_ids(p, 'remove_cosigner_deputy_ids');
	g suggestion_signers%ROWTYPE;
	v_names text;
	v_people text;
BEGIN
	FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
		SELECT * INTO g FROM suggestion_signers
		WHERE suggestion_id = s.id AND deputy_id = v_ids[i] AND role = 'cosigner';
		IF v_ids[i] = ANY (v_ids[1:i - 1]) THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i] || ' is listed twice',
			                  'remove_cosigner_deputy_ids',
			                  'listed_twice', jsonb_build_object('field', 'remove_cosigner_deputy_ids', 'id', v_ids[i]));
		ELSIF NOT FOUND THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i]
			                  || ' is not a co-signer of suggestion ' || s.id,
			                  'remove_cosigner_deputy_ids',
			                  'not_cosigner', jsonb_build_object('deputy', v_ids[i], 'id', s.id));
		ELSIF g.confirmed_at IS NOT NULL THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i]
			                  || ' has confirmed: only co-signers who have not confirmed can be removed',
			                  'remove_cosigner_deputy_ids',
			                  'cosigner_confirmed', jsonb_build_object('deputy', v_ids[i]));
		END IF;
	END LOOP;
	DELETE FROM suggestion_signers
	WHERE suggestion_id = s.id AND role = 'cosigner' AND deputy_id = ANY (v_ids);
	SELECT string_agg(d.name || ' (deputy ' || d.id || ')', ', ' ORDER BY g2.position),
	       string_agg(d.name, '、' ORDER BY g2.position) INTO v_names, v_people
	FROM suggestion_signers g2 JOIN deputies d ON d.id = g2.deputy_id
	WHERE g2.suggestion_id = s.id AND g2.role = 'cosigner' AND g2.confirmed_at IS NULL;
	IF v_names IS NOT NULL THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id
		                  || ' cannot be submitted before every co-signer has confirmed; not yet: '
		                  || v_names || ' (they cosign, or the lead deputy removes them with '
		                  || 'remove_cosigner_deputy_ids)',
		                  '', 'cosigners_pending', jsonb_build_object('id', s.id, 'names', v_people));
	END IF;
END $$;

-- close: a B/C reply's follow-up reports stay owed after the case is
-- closed (follow_up_owed stays set, the lead unit may still file them and
-- jy_open_deadlines keeps listing them); the close event says so, with the
-- round and the due date, rather than closing silently.
CREATE OR REPLACE FUNCTION jy_close_owed_follow_up(s suggestions) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT CASE WHEN NOT s.follow_up_owed THEN '{}'::jsonb ELSE jsonb_build_object(
		'follow_up_owed', true,
		'follow_up_round', s.round::int,
		'follow_up_due', to_char(jy_due(s.congress_id, 'follow_up', jy_local_date(s.congress_id, greatest(
			(SELECT r.at FROM replies r WHERE r.suggestion_id = s.id AND r.round = s.round),
			(SELECT max(f.at) FROM follow_ups f WHERE f.suggestion_id = s.id
			 AND f.round = s.round)))), 'YYYY-MM-DD')) END
$$;

-- contact: the lead unit cannot have contacted the deputy about the case
-- before it was assigned the case (the future is refused by the caller).
CREATE OR REPLACE FUNCTION jy_check_contact_date(s suggestions, p_date date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_assigned date;
BEGIN
	SELECT jy_local_date(s.congress_id, u.assigned_at) INTO v_assigned FROM suggestion_units u
	WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead';
	IF p_date < v_assigned THEN
		PERFORM jy_refuse('invalid_argument', 'date must not precede the assignment of suggestion '
		                  || s.id || ' to its lead unit on ' || to_char(v_assigned, 'YYYY-MM-DD'),
		                  'date',
		                  'before_assignment', jsonb_build_object('field', 'date', 'date', to_char(v_assigned, 'YYYY-MM-DD')));
	END IF;
END $$;

-- ---- jy_act's steps 2-7: the dispatcher and the steps it shares ------------------

-- Steps 2-5 for an action on an existing case: lock the row, then the
-- visibility, relation, version and state checks. Returns the locked case.
CREATE OR REPLACE FUNCTION jy_act_lock(a accounts, p_action text, p_suggestion bigint,
                                       p_expected_version int, p_transitions jsonb,
                                       p_relation text, p_idem_key text)
RETURNS suggestions LANGUAGE plpgsql AS $$
DECLARE s suggestions%ROWTYPE;
BEGIN
	-- 2. Lock the row: concurrent actions on one case serialise here. A case
	-- of another congress does not exist for the actor (docs/CONGRESSES.md).
	SELECT * INTO s FROM suggestions WHERE id = p_suggestion AND congress_id = a.congress_id
	FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no suggestion ' || coalesce(p_suggestion::text, 'NULL'),
		                  '', 'no_case', jsonb_build_object('id', p_suggestion));
	END IF;
	-- A retry with our key may have committed while we waited for the
	-- lock: answer with its result rather than a version conflict.
	IF EXISTS (SELECT 1 FROM idempotency WHERE account_id = a.id AND key = p_idem_key) THEN
		RAISE EXCEPTION USING ERRCODE = 'JY002', MESSAGE = 'idempotency key already stored';
	END IF;
	IF NOT jy_can_see(a.id, s) THEN
		PERFORM jy_refuse('permission_denied', 'you have no access to suggestion ' || s.id,
		                  '', 'no_access', jsonb_build_object('id', s.id));
	END IF;
	-- 3. Relation.
	IF NOT jy_relation_holds(a, s, p_relation) THEN
		PERFORM jy_refuse('permission_denied', jy_relation_refusal(p_relation, p_action),
		                  '', 'only_relation', jsonb_build_object('relation', p_relation, 'action', p_action));
	END IF;
	-- 4. Version.
	IF jy_version_conflict(p_action, p_expected_version, s.version) THEN
		PERFORM jy_refuse('conflict', 'suggestion ' || s.id || ' changed: it is at version '
		                  || s.version || ', you sent ' || coalesce(p_expected_version::text, 'none')
		                  || '; reload it and try again',
		                  '', 'version_conflict', jsonb_build_object('id', s.id, 'version', s.version, 'sent', p_expected_version));
	END IF;
	-- 5. State: the transition table's from-states for this caller.
	IF NOT p_transitions ? s.state THEN
		PERFORM jy_refuse('failed_precondition', 'cannot ' || p_action || ' a suggestion that is '
		                  || s.state,
		                  '', 'wrong_state', jsonb_build_object('action', p_action, 'state', s.state));
	END IF;
	RETURN s;
END $$;

-- Step 7: the case (as the action left it in memory) moves to state p_to
-- and on by one version. Returns the row as written.
CREATE OR REPLACE FUNCTION jy_act_move(s suggestions, p_to text) RETURNS suggestions
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE suggestions SET
		state = p_to, version = version + 1, updated_at = now(),
		title = s.title, body = s.body, category = s.category,
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
	RETURN s;
END $$;

-- jy_act's answer for a done action: its event's seq and the case as the
-- actor sees it now. PL/pgSQL: jy_suggestion_json comes in a later file.
CREATE OR REPLACE FUNCTION jy_act_answer(s suggestions, p_actor bigint, p_seq bigint)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
BEGIN
	RETURN jsonb_build_object('code', 'ok'::text, 'message', ''::text, 'replayed', false,
	                          'event_seq', p_seq::bigint,
	                          'suggestion', jy_suggestion_json(s, p_actor, true));
END $$;

-- The action's event (payload: the params as given plus what the action
-- adds), then the answer.
CREATE OR REPLACE FUNCTION jy_act_done(a accounts, s suggestions, p_action text, p_from text,
                                       p_to text, p_payload jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_seq bigint;
BEGIN
	INSERT INTO events (suggestion_id, actor_account_id, kind, from_state, to_state, payload)
	VALUES (s.id, a.id, p_action, p_from, p_to, p_payload)
	RETURNING seq INTO v_seq;
	RETURN jy_act_answer(s, a.id, v_seq);
END $$;

-- Steps 2-7 of jy_act. The action's own rules and effects (step 6) are
-- one function per action, jy_act_<action>(a, s, p), below: each may change
-- fields of s in memory (written by jy_act_move in step 7) and write side
-- tables, and returns in extra what the event's payload adds to the params
-- (NULL: nothing). create and evaluate have their own shapes.
CREATE OR REPLACE FUNCTION jy_act_apply(p_actor bigint, p_action text, p_suggestion bigint,
                             p_expected_version int, p_transitions jsonb, p_relation text,
                             p_params jsonb, p_idem_key text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	p jsonb := coalesce(p_params, '{}');
	a accounts%ROWTYPE;
	s suggestions%ROWTYPE;
	r record;
	v_to text;
BEGIN
	IF jsonb_typeof(p) <> 'object' THEN
		PERFORM jy_refuse('invalid_argument', 'params must be a JSON object', 'params',
		                  'not_object', jsonb_build_object('field', 'params'));
	END IF;
	IF p_transitions IS NULL OR jsonb_typeof(p_transitions) <> 'object' THEN
		RAISE EXCEPTION 'jy_act: p_transitions must be a JSON object';
	END IF;
	a := jy_actor(p_actor);
	IF p_action = 'create' THEN
		-- No row to lock, version or state to check: a new draft.
		RETURN jy_act_done(a, jy_act_create(a, p), p_action, NULL, 'draft', p);
	END IF;
	s := jy_act_lock(a, p_action, p_suggestion, p_expected_version, p_transitions, p_relation,
	                 p_idem_key);
	v_to := p_transitions ->> s.state;
	-- 6. The action's own rules and effects.
	CASE p_action
	WHEN 'cosign' THEN r := jy_act_cosign(a, s, p);
	WHEN 'submit' THEN r := jy_act_submit(a, s, p);
	WHEN 'withdraw', 'return' THEN
		-- The reason is all they carry.
		PERFORM jy_act_reason(p, true);
		SELECT s AS s, NULL::jsonb AS extra INTO r;
	WHEN 'close' THEN r := jy_act_close(a, s, p);
	WHEN 'register' THEN r := jy_act_register(a, s, p);
	WHEN 'merge' THEN r := jy_act_merge(a, s, p);
	WHEN 'convert' THEN r := jy_act_convert(a, s, p);
	WHEN 'assign' THEN r := jy_act_assign(a, s, p);
	WHEN 'reassign' THEN r := jy_act_reassign(a, s, p);
	WHEN 'accept' THEN r := jy_act_accept(a, s, p);
	WHEN 'dispute' THEN r := jy_act_dispute(a, s, p);
	WHEN 'plan' THEN r := jy_act_plan(a, s, p);
	WHEN 'contact' THEN r := jy_act_contact(a, s, p);
	WHEN 'opinion' THEN r := jy_act_opinion(a, s, p);
	WHEN 'extend' THEN r := jy_act_extend(a, s, p);
	WHEN 'approve_extension' THEN r := jy_act_approve_extension(a, s, p);
	WHEN 'reply' THEN r := jy_act_reply(a, s, p);
	WHEN 'follow_up' THEN r := jy_act_follow_up(a, s, p);
	WHEN 'supervise' THEN r := jy_act_supervise(a, s, p);
	WHEN 'edit' THEN r := jy_act_edit(a, s, p);
	WHEN 'correct' THEN r := jy_act_correct(a, s, p);
	WHEN 'evaluate' THEN
		-- The form, and the round's close when it is the last, write their
		-- own events.
		RETURN jy_act_evaluate(a, s, p);
	ELSE
		PERFORM jy_refuse('invalid_argument', 'unknown action ''' || coalesce(p_action, '') || '''',
		                  'action',
		                  'unknown_action', jsonb_build_object('action', coalesce(p_action, '')));
	END CASE;
	-- 7. The case moves on by one version; its event.
	RETURN jy_act_done(a, jy_act_move(r.s, v_to), p_action, s.state, v_to,
	                   p || coalesce(r.extra, '{}'));
END $$;

-- ---- one function per action (step 6 of jy_act, docs/WORKFLOW.md "Action params") --
-- Each has the shape jy_act_apply calls them by: (a accounts, INOUT s, p jsonb,
-- OUT extra jsonb). Not every action reads a, s and p or sets extra, which is
-- all plpgsql_check's extra warnings would say of them: each turns those off.

-- create: a new draft by the actor's deputy, with its co-signers. Returns it.
CREATE OR REPLACE FUNCTION jy_act_create(a accounts, p jsonb) RETURNS suggestions
LANGUAGE plpgsql AS $$
DECLARE
	v_kind text := jy_p_text(p, 'kind');
	v_cosigners bigint[];
	s suggestions%ROWTYPE;
BEGIN
	IF a.deputy_id IS NULL THEN
		PERFORM jy_refuse('permission_denied', 'only a deputy may create a suggestion',
		                  '', 'only_role', jsonb_build_object('roles', 'deputy'));
	END IF;
	IF v_kind = '' THEN
		v_kind := 'suggestion';
	ELSIF v_kind NOT IN ('suggestion', 'motion') THEN
		PERFORM jy_refuse('invalid_argument', 'kind must be suggestion or motion, not '''
		                  || v_kind || '''', 'kind',
		                  'not_one_of', jsonb_build_object('field', 'kind', 'value', v_kind));
	END IF;
	v_cosigners := jy_p_ids(p, 'cosigner_deputy_ids');
	FOR i IN 1 .. coalesce(array_length(v_cosigners, 1), 0) LOOP
		IF v_cosigners[i] = a.deputy_id THEN
			PERFORM jy_refuse('invalid_argument', 'the lead deputy cannot also co-sign',
			                  'cosigner_deputy_ids',
			                  'lead_cosigns', jsonb_build_object('field', 'cosigner_deputy_ids'));
		ELSIF v_cosigners[i] = ANY (v_cosigners[1:i - 1]) THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_cosigners[i] || ' is listed twice',
			                  'cosigner_deputy_ids',
			                  'listed_twice', jsonb_build_object('field', 'cosigner_deputy_ids', 'id', v_cosigners[i]));
		ELSIF NOT EXISTS (SELECT 1 FROM deputies d WHERE d.id = v_cosigners[i]
		                  AND d.congress_id = a.congress_id) THEN
			PERFORM jy_refuse('invalid_argument', 'no deputy ' || v_cosigners[i],
			                  'cosigner_deputy_ids',
			                  'no_deputy', jsonb_build_object('field', 'cosigner_deputy_ids', 'id', v_cosigners[i]));
		END IF;
	END LOOP;
	INSERT INTO suggestions (state, version, kind, title, body, category, confidential,
	                         lead_deputy_id, created_by)
	VALUES ('draft', 1, v_kind, jy_p_required(p, 'title', 200), jy_p_required(p, 'body', 20000),  -- JY_TITLE_MAX JY_BODY_MAX
	        jy_p_optional(p, 'category', 50), jy_p_bool(p, 'confidential'), a.deputy_id, a.id)  -- JY_SHORT_TEXT_MAX
	RETURNING * INTO s;
	INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position, confirmed_at)
	VALUES (s.id, a.deputy_id, 'lead', 0, now());
	INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position)
	SELECT s.id, d, 'cosigner', n FROM unnest(v_cosigners) WITH ORDINALITY AS u (d, n);
	RETURN s;
END $$;

CREATE OR REPLACE FUNCTION jy_act_cosign(a accounts, INOUT s suggestions, p jsonb,
                                         OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	UPDATE suggestion_signers SET confirmed_at = now()
	WHERE suggestion_id = s.id AND deputy_id = a.deputy_id AND role = 'cosigner'
	  AND confirmed_at IS NULL;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM suggestion_signers WHERE suggestion_id = s.id
		           AND deputy_id = a.deputy_id AND role = 'cosigner') THEN
			PERFORM jy_refuse('failed_precondition', 'you have already co-signed suggestion ' || s.id,
			                  '', 'already_cosigned', jsonb_build_object('id', s.id));
		END IF;
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('signer', 'cosign'),
		                  '', 'only_relation', jsonb_build_object('relation', 'signer', 'action', 'cosign'));
	END IF;
END $$;

CREATE OR REPLACE FUNCTION jy_act_submit(a accounts, INOUT s suggestions, p jsonb,
                                         OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	PERFORM jy_submit_signers(s, p);
END $$;

-- An action's reason param, checked: required (withdraw, return, merge,
-- convert, dispute, extend, correct) or optional (close, assign as the
-- caller says); the event's payload records it. withdraw and return carry
-- nothing else, so they have no function of their own.
CREATE OR REPLACE FUNCTION jy_act_reason(p jsonb, p_required boolean) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	IF p_required THEN
		RETURN jy_p_required(p, 'reason', 2000);  -- JY_REASON_MAX
	END IF;
	RETURN jy_p_optional(p, 'reason', 2000);  -- JY_REASON_MAX
END $$;

CREATE OR REPLACE FUNCTION jy_act_close(a accounts, INOUT s suggestions, p jsonb,
                                        OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	PERFORM jy_act_reason(p, false);
	extra := jy_close_owed_follow_up(s);
END $$;

-- register: the case number is the next per (congress, term, session).
CREATE OR REPLACE FUNCTION jy_act_register(a accounts, INOUT s suggestions, p jsonb,
                                           OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_term bigint := jy_p_int(p, 'term');
	v_session bigint := jy_p_int(p, 'session');
BEGIN
	-- The limits are common/jy_limits.h's (jianyid checks them first).
	IF v_term NOT BETWEEN 1 AND 99 THEN  -- JY_TERM_MIN JY_TERM_MAX
		PERFORM jy_refuse('invalid_argument', 'term must be between 1 and 99', 'term',
		                  'out_of_range', jsonb_build_object('field', 'term', 'min', 1, 'max', 99));  -- JY_TERM_MIN JY_TERM_MAX
	ELSIF v_session NOT BETWEEN 1 AND 20 THEN  -- JY_SESSION_MIN JY_SESSION_MAX
		PERFORM jy_refuse('invalid_argument', 'session must be between 1 and 20', 'session',
		                  'out_of_range', jsonb_build_object('field', 'session', 'min', 1, 'max', 20));  -- JY_SESSION_MIN JY_SESSION_MAX
	END IF;
	IF s.number IS NOT NULL THEN
		-- Registered before (then returned): it keeps its number.
		IF (s.term, s.session) IS DISTINCT FROM (v_term::int, v_session::int) THEN
			PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id
			                  || ' is already numbered for term ' || s.term || ', session '
			                  || s.session,
			                  '', 'already_numbered', jsonb_build_object('id', s.id, 'term', s.term, 'session', s.session));
		END IF;
	ELSE
		-- The counter row stays locked until commit: numbers are gapless.
		INSERT INTO registration_counters AS c (congress_id, term, session, last_number)
		VALUES (s.congress_id, v_term, v_session, 1)
		ON CONFLICT (congress_id, term, session) DO UPDATE SET last_number = c.last_number + 1
		RETURNING last_number INTO s.number;
		s.term := v_term;
		s.session := v_session;
	END IF;
END $$;

CREATE OR REPLACE FUNCTION jy_act_merge(a accounts, INOUT s suggestions, p jsonb,
                                        OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_into bigint := jy_p_int(p, 'into_suggestion_id');
	t suggestions%ROWTYPE;
BEGIN
	IF v_into <= 0 THEN
		PERFORM jy_refuse('invalid_argument', 'into_suggestion_id must name a suggestion',
		                  'into_suggestion_id',
		                  'required', jsonb_build_object('field', 'into_suggestion_id'));
	ELSIF v_into = s.id THEN
		PERFORM jy_refuse('invalid_argument', 'cannot merge suggestion ' || s.id || ' into itself',
		                  'into_suggestion_id',
		                  'merge_into_itself', jsonb_build_object('id', s.id));
	END IF;
	SELECT * INTO t FROM suggestions WHERE id = v_into AND congress_id = s.congress_id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no suggestion ' || v_into, 'into_suggestion_id',
		                  'no_case', jsonb_build_object('id', v_into));
	ELSIF NOT jy_can_see(a.id, t) THEN
		PERFORM jy_refuse('permission_denied', 'you have no access to suggestion ' || v_into,
		                  'into_suggestion_id',
		                  'no_access', jsonb_build_object('id', v_into));
	ELSIF t.state IN ('draft', 'withdrawn', 'merged', 'converted', 'closed') THEN
		PERFORM jy_refuse('failed_precondition', 'cannot merge into suggestion ' || v_into
		                  || ': it is ' || t.state, 'into_suggestion_id',
		                  'merge_target_state', jsonb_build_object('id', v_into, 'state', t.state));
	END IF;
	PERFORM jy_act_reason(p, true);
	s.merged_into := v_into;
END $$;

CREATE OR REPLACE FUNCTION jy_act_convert(a accounts, INOUT s suggestions, p jsonb,
                                          OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE v_kind text := jy_p_text(p, 'to_kind');
BEGIN
	IF v_kind NOT IN ('letter', 'motion', 'suggestion') THEN
		PERFORM jy_refuse('invalid_argument', 'to_kind must be letter, motion or suggestion',
		                  'to_kind',
		                  'not_one_of', jsonb_build_object('field', 'to_kind', 'value', v_kind));
	ELSIF v_kind = s.kind THEN
		PERFORM jy_refuse('invalid_argument', 'suggestion ' || s.id || ' is already a ' || v_kind,
		                  'to_kind',
		                  'already_kind', jsonb_build_object('id', s.id, 'case_kind', v_kind));
	END IF;
	PERFORM jy_act_reason(p, true);
	s.converted_to := v_kind;
END $$;

-- assign and reassign: the lead unit, co-units, reply deadline and
-- supervising committee; a reassignment must give its reason.
CREATE OR REPLACE FUNCTION jy_act_assignment(INOUT s suggestions, p jsonb, p_reason_required boolean)
LANGUAGE plpgsql AS $$
DECLARE
	v_lead bigint := jy_p_int(p, 'lead_unit_id');
	v_co bigint[];
	v_deadline date;
	v_committee bigint;
	v_today date := jy_today(s.congress_id);
BEGIN
	IF v_lead <= 0 THEN
		PERFORM jy_refuse('invalid_argument', 'lead_unit_id must name a handling unit', 'lead_unit_id',
		                  'required', jsonb_build_object('field', 'lead_unit_id'));
	END IF;
	PERFORM jy_check_org(s.congress_id, v_lead, 'handling_unit', 'lead_unit_id');
	v_co := jy_p_ids(p, 'co_unit_ids');
	FOR i IN 1 .. coalesce(array_length(v_co, 1), 0) LOOP
		IF v_co[i] = v_lead THEN
			PERFORM jy_refuse('invalid_argument', 'the lead unit ' || v_lead
			                  || ' cannot also be a co-handling unit', 'co_unit_ids',
			                  'lead_is_co_unit', jsonb_build_object('field', 'co_unit_ids', 'id', v_lead));
		ELSIF v_co[i] = ANY (v_co[1:i - 1]) THEN
			PERFORM jy_refuse('invalid_argument', 'unit ' || v_co[i] || ' is listed twice',
			                  'co_unit_ids',
			                  'listed_twice', jsonb_build_object('field', 'co_unit_ids', 'id', v_co[i]));
		END IF;
		PERFORM jy_check_org(s.congress_id, v_co[i], 'handling_unit', 'co_unit_ids');
	END LOOP;
	v_deadline := jy_p_date(p, 'reply_deadline');
	-- jy_due (03_calendar.sql) applies the working-day calendar.
	IF v_deadline IS NULL THEN
		v_deadline := jy_due(s.congress_id, 'reply', v_today);
	ELSIF v_deadline <= v_today THEN
		PERFORM jy_refuse('invalid_argument', 'reply_deadline must be in the future', 'reply_deadline',
		                  'not_future', jsonb_build_object('field', 'reply_deadline'));
	END IF;
	v_committee := jy_p_int(p, 'supervising_committee_id');
	IF v_committee < 0 THEN
		PERFORM jy_refuse('invalid_argument', 'supervising_committee_id must be an id',
		                  'supervising_committee_id',
		                  'not_integer', jsonb_build_object('field', 'supervising_committee_id', 'value', v_committee));
	ELSIF v_committee > 0 THEN
		PERFORM jy_check_org(s.congress_id, v_committee, 'special_committee', 'supervising_committee_id');
	END IF;
	PERFORM jy_act_reason(p, p_reason_required);
	s.key := jy_p_bool(p, 'key');
	s.leaders := jy_p_texts(p, 'leaders');
	s.supervising_committee_id := nullif(v_committee, 0);
	s.reply_deadline := v_deadline;
	s.dispute_due := jy_due(s.congress_id, 'dispute', v_today);
	-- Earlier assignments stay on record, inactive.
	UPDATE suggestion_units SET active = false WHERE suggestion_id = s.id AND active;
	INSERT INTO suggestion_units (suggestion_id, organization_id, role, position)
	VALUES (s.id, v_lead, 'lead', 0);
	INSERT INTO suggestion_units (suggestion_id, organization_id, role, position)
	SELECT s.id, o, 'co', n FROM unnest(v_co) WITH ORDINALITY AS u (o, n);
END $$;

CREATE OR REPLACE FUNCTION jy_act_assign(a accounts, INOUT s suggestions, p jsonb,
                                         OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	s := jy_act_assignment(s, p, false);
END $$;

CREATE OR REPLACE FUNCTION jy_act_reassign(a accounts, INOUT s suggestions, p jsonb,
                                           OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	s := jy_act_assignment(s, p, true);
END $$;

CREATE OR REPLACE FUNCTION jy_act_accept(a accounts, INOUT s suggestions, p jsonb,
                                         OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	UPDATE suggestion_units SET accepted_at = now()
	WHERE suggestion_id = s.id AND active AND role = 'lead' AND organization_id = a.organization_id;
	IF NOT FOUND THEN
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('lead_unit', 'accept'),
		                  '', 'only_relation', jsonb_build_object('relation', 'lead_unit', 'action', 'accept'));
	END IF;
END $$;

CREATE OR REPLACE FUNCTION jy_act_dispute(a accounts, INOUT s suggestions, p jsonb,
                                          OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE v_reason text := jy_act_reason(p, true);
BEGIN
	IF jy_today(s.congress_id) > s.dispute_due THEN
		PERFORM jy_refuse('failed_precondition', 'the time to dispute suggestion ' || s.id
		                  || ' ended on ' || to_char(s.dispute_due, 'YYYY-MM-DD'),
		                  '', 'dispute_ended', jsonb_build_object('id', s.id, 'date', to_char(s.dispute_due, 'YYYY-MM-DD')));
	END IF;
	UPDATE suggestion_units SET disputed_at = now(), dispute_reason = v_reason
	WHERE suggestion_id = s.id AND active AND organization_id = a.organization_id
	  AND disputed_at IS NULL;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM suggestion_units WHERE suggestion_id = s.id AND active
		           AND organization_id = a.organization_id) THEN
			PERFORM jy_refuse('failed_precondition', 'your unit has already disputed suggestion '
			                  || s.id,
			                  '', 'already_disputed', jsonb_build_object('id', s.id));
		END IF;
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('assigned_unit', 'dispute'),
		                  '', 'only_relation', jsonb_build_object('relation', 'assigned_unit', 'action', 'dispute'));
	END IF;
END $$;

CREATE OR REPLACE FUNCTION jy_act_plan(a accounts, INOUT s suggestions, p jsonb,
                                       OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE v_promised date;
BEGIN
	s.handler_name := jy_p_required(p, 'handler_name', 50);  -- JY_SHORT_TEXT_MAX
	s.handler_phone := jy_p_optional(p, 'handler_phone', 30);  -- JY_PHONE_MAX
	-- jianyid requires the phone (api/act_validate.c); a phone given here is
	-- held to the same length.
	IF s.handler_phone <> '' AND length(s.handler_phone) < 3 THEN  -- JY_PHONE_MIN
		PERFORM jy_refuse('invalid_argument', 'handler_phone is required', 'handler_phone',
		                  'required', jsonb_build_object('field', 'handler_phone'));
	END IF;
	s.plan := jy_p_required(p, 'plan', 20000);  -- JY_BODY_MAX
	v_promised := jy_p_date(p, 'promised_date');
	IF v_promised IS NULL THEN
		PERFORM jy_refuse('invalid_argument', 'promised_date must not be empty', 'promised_date',
		                  'required', jsonb_build_object('field', 'promised_date'));
	ELSIF v_promised < jy_today(s.congress_id) THEN
		PERFORM jy_refuse('invalid_argument', 'promised_date must not be in the past',
		                  'promised_date',
		                  'in_past', jsonb_build_object('field', 'promised_date'));
	END IF;
	s.promised_date := v_promised;
END $$;

CREATE OR REPLACE FUNCTION jy_act_contact(a accounts, INOUT s suggestions, p jsonb,
                                          OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_phase text := jy_p_text(p, 'phase');
	v_method text;
	v_date date;
BEGIN
	IF v_phase NOT IN ('before', 'during', 'after') THEN
		PERFORM jy_refuse('invalid_argument', 'phase must be before, during or after', 'phase',
		                  'not_one_of', jsonb_build_object('field', 'phase', 'value', v_phase));
	END IF;
	v_method := jy_p_text(p, 'method');
	IF v_method NOT IN ('visit', 'phone', 'meeting', 'sms') THEN
		PERFORM jy_refuse('invalid_argument', 'method must be visit, phone, meeting or sms', 'method',
		                  'not_one_of', jsonb_build_object('field', 'method', 'value', v_method));
	END IF;
	v_date := coalesce(jy_p_date(p, 'date'), jy_today(s.congress_id));
	IF v_date > jy_today(s.congress_id) THEN
		PERFORM jy_refuse('invalid_argument', 'date must not be in the future', 'date',
		                  'in_future', jsonb_build_object('field', 'date'));
	END IF;
	PERFORM jy_check_contact_date(s, v_date);
	INSERT INTO contacts (suggestion_id, round, phase, method, contact_date, note, recorded_by)
	VALUES (s.id, s.round + 1, v_phase, v_method, v_date, jy_p_optional(p, 'note', 2000), a.id);  -- JY_REASON_MAX
END $$;

CREATE OR REPLACE FUNCTION jy_act_opinion(a accounts, INOUT s suggestions, p jsonb,
                                          OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_text text := jy_p_required(p, 'text', 20000);  -- JY_BODY_MAX
	v_id bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM suggestion_units WHERE suggestion_id = s.id AND active
	               AND role = 'co' AND organization_id = a.organization_id) THEN
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('co_unit', 'opinion'),
		                  '', 'only_relation', jsonb_build_object('relation', 'co_unit', 'action', 'opinion'));
	END IF;
	INSERT INTO opinions (suggestion_id, round, organization_id, text, written_by)
	VALUES (s.id, s.round + 1, a.organization_id, v_text, a.id)
	RETURNING id INTO v_id;
	extra := jsonb_build_object('opinion_id', v_id::bigint);
END $$;

CREATE OR REPLACE FUNCTION jy_act_extend(a accounts, INOUT s suggestions, p jsonb,
                                         OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_days bigint := jy_p_int(p, 'days');
	v_max_days bigint := jy_setting_int(s.congress_id, 'extension_max_days');
	v_max_count bigint;
	v_reason text;
	v_id bigint;
BEGIN
	IF v_days NOT BETWEEN 1 AND v_max_days THEN
		PERFORM jy_refuse('invalid_argument', 'days must be between 1 and ' || v_max_days, 'days',
		                  'out_of_range', jsonb_build_object('field', 'days', 'min', 1, 'max', v_max_days));
	END IF;
	v_reason := jy_act_reason(p, true);
	v_max_count := jy_setting_int(s.congress_id, 'extension_max_count');
	IF (SELECT count(*) FROM extensions WHERE suggestion_id = s.id
	    AND status IN ('pending', 'approved')) >= v_max_count THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id || ' already has '
		                  || v_max_count || ' extensions pending or approved (at most '
		                  || v_max_count || ')',
		                  '', 'extensions_used', jsonb_build_object('id', s.id, 'max', v_max_count));
	END IF;
	INSERT INTO extensions (suggestion_id, days, reason, requested_by)
	VALUES (s.id, v_days, v_reason, a.id) RETURNING id INTO v_id;
	-- The approver names the extension by this id.
	extra := jsonb_build_object('extension_id', v_id::bigint);
END $$;

CREATE OR REPLACE FUNCTION jy_act_approve_extension(a accounts, INOUT s suggestions, p jsonb,
                                                    OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_id bigint := jy_p_int(p, 'extension_id');
	v_approve boolean := jy_p_bool(p, 'approve');
	v_reason text := jy_p_optional(p, 'reason', 2000);  -- JY_REASON_MAX
	x extensions%ROWTYPE;
BEGIN
	SELECT * INTO x FROM extensions WHERE id = v_id AND suggestion_id = s.id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM jy_refuse('invalid_argument', 'suggestion ' || s.id || ' has no extension ' || v_id,
		                  'extension_id',
		                  'no_extension', jsonb_build_object('field', 'extension_id', 'id', s.id, 'extension', v_id));
	ELSIF x.status <> 'pending' THEN
		PERFORM jy_refuse('failed_precondition', 'extension ' || v_id || ' is already ' || x.status,
		                  'extension_id',
		                  'extension_decided', jsonb_build_object('field', 'extension_id', 'extension', v_id, 'status', x.status));
	END IF;
	UPDATE extensions SET status = CASE WHEN v_approve THEN 'approved' ELSE 'rejected' END,
	       decided_by = a.id, decided_at = now(), decision_reason = v_reason
	WHERE id = v_id;
	IF v_approve THEN
		s.reply_deadline := jy_extended(s.congress_id, s.reply_deadline, x.days);
	END IF;
	-- What the deputy reads in the timeline.
	extra := jsonb_build_object(
		'days', x.days::int,
		'reply_deadline', coalesce(to_char(s.reply_deadline, 'YYYY-MM-DD'), '')::text);
END $$;

-- A reply's or a follow-up report's result class.
CREATE OR REPLACE FUNCTION jy_p_result_class(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text := jy_p_text(p, 'result_class');
BEGIN
	IF v NOT IN ('A', 'B', 'C', 'D') THEN
		PERFORM jy_refuse('invalid_argument', 'result_class must be A, B, C or D', 'result_class',
		                  'not_one_of', jsonb_build_object('field', 'result_class', 'value', v));
	END IF;
	RETURN v;
END $$;

-- reply: the next round's answer, with the co-units' opinions of the round.
CREATE OR REPLACE FUNCTION jy_act_reply(a accounts, INOUT s suggestions, p jsonb,
                                        OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_text text := jy_p_required(p, 'text', 20000);  -- JY_BODY_MAX
	v_class text := jy_p_result_class(p);
	v_min_contacts bigint;
	v_opinions bigint[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM suggestion_units WHERE suggestion_id = s.id AND active
	               AND role = 'lead' AND organization_id = a.organization_id) THEN
		PERFORM jy_refuse('permission_denied', jy_relation_refusal('lead_unit', 'reply'),
		                  '', 'only_relation', jsonb_build_object('relation', 'lead_unit', 'action', 'reply'));
	END IF;
	v_min_contacts := jy_setting_int(s.congress_id, 'min_contacts_before_reply');
	IF (SELECT count(*) FROM contacts WHERE suggestion_id = s.id AND round = s.round + 1)
	   < v_min_contacts THEN
		PERFORM jy_refuse('failed_precondition', 'record at least ' || v_min_contacts || ' contact'
		                  || CASE WHEN v_min_contacts = 1 THEN '' ELSE 's' END
		                  || ' with the deputy before replying',
		                  '', 'min_contacts', jsonb_build_object('count', v_min_contacts));
	END IF;
	s.round := s.round + 1;
	SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v_opinions FROM opinions
	WHERE suggestion_id = s.id AND round = s.round;
	INSERT INTO replies (suggestion_id, round, text, result_class, organization_id, signed_by,
	                     opinion_ids)
	VALUES (s.id, s.round, v_text, v_class, a.organization_id, a.id, v_opinions);
	s.result_class := v_class;
	s.follow_up_owed := v_class IN ('B', 'C');
	extra := jsonb_build_object('round', s.round::int, 'opinion_ids', to_jsonb(v_opinions));
END $$;

CREATE OR REPLACE FUNCTION jy_act_follow_up(a accounts, INOUT s suggestions, p jsonb,
                                            OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	v_text text;
	v_class text;
BEGIN
	IF NOT s.follow_up_owed THEN
		PERFORM jy_refuse('failed_precondition', 'no follow-up report is owed on suggestion ' || s.id,
		                  '', 'no_follow_up_owed', jsonb_build_object('id', s.id));
	END IF;
	v_text := jy_p_required(p, 'text', 20000);  -- JY_BODY_MAX
	v_class := jy_p_result_class(p);
	INSERT INTO follow_ups (suggestion_id, round, text, result_class, written_by)
	VALUES (s.id, s.round, v_text, v_class, a.id);
	s.result_class := v_class;
	s.follow_up_owed := v_class <> 'A';
END $$;

-- supervise: who may record which kind is jy_supervise_record's (above).
CREATE OR REPLACE FUNCTION jy_act_supervise(a accounts, INOUT s suggestions, p jsonb,
                                            OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
BEGIN
	extra := jy_supervise_record(a, s, p);
	s.supervised := true;
END $$;

-- ---- the text: edit (the lead deputy, before registration) and correct
-- (the liaison committee, after it); docs/WORKFLOW.md "Editing" --------------

-- The texts p gives ('' keeps one) put into s; the changes as
-- {"field": {"from": old, "to": new}} for the event.
CREATE OR REPLACE FUNCTION jy_text_changes(INOUT s suggestions, p jsonb, OUT changes jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_title text := jy_p_optional(p, 'title', 200);  -- JY_TITLE_MAX
	v_body text := jy_p_optional(p, 'body', 20000);  -- JY_BODY_MAX
	v_category text := jy_p_optional(p, 'category', 50);  -- JY_SHORT_TEXT_MAX
BEGIN
	changes := '{}';
	IF v_title <> '' AND v_title <> s.title THEN
		changes := changes || jsonb_build_object('title', jsonb_build_object('from', s.title, 'to', v_title));
		s.title := v_title;
	END IF;
	IF v_body <> '' AND v_body <> s.body THEN
		changes := changes || jsonb_build_object('body', jsonb_build_object('from', s.body, 'to', v_body));
		s.body := v_body;
	END IF;
	IF v_category <> '' AND v_category <> s.category THEN
		changes := changes || jsonb_build_object('category',
		                                         jsonb_build_object('from', s.category, 'to', v_category));
		s.category := v_category;
	END IF;
END $$;

-- Co-signers asked (a draft only) and taken off: checked, then written.
-- Returns {"added": [ids], "removed": [ids]} for the event, only what is set.
CREATE OR REPLACE FUNCTION jy_edit_signers(s suggestions, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_add bigint[] := coalesce(jy_p_ids(p, 'add_cosigner_deputy_ids'), '{}');
	v_remove bigint[] := coalesce(jy_p_ids(p, 'remove_cosigner_deputy_ids'), '{}');
	v_out jsonb := '{}';
BEGIN
	IF cardinality(v_add) > 0 AND s.state <> 'draft' THEN
		PERFORM jy_refuse('failed_precondition', 'co-signers can be asked only while the suggestion is a '
		                  || 'draft (they confirm before it is submitted); suggestion ' || s.id || ' is '
		                  || s.state,
		                  '', 'cosigners_draft_only', jsonb_build_object('id', s.id, 'state', s.state));
	END IF;
	FOR i IN 1 .. cardinality(v_remove) LOOP
		IF NOT EXISTS (SELECT 1 FROM suggestion_signers WHERE suggestion_id = s.id
		               AND deputy_id = v_remove[i] AND role = 'cosigner') THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_remove[i] || ' is not a co-signer of '
			                  || 'suggestion ' || s.id, 'remove_cosigner_deputy_ids',
			                  'not_cosigner', jsonb_build_object('deputy', v_remove[i], 'id', s.id));
		END IF;
	END LOOP;
	FOR i IN 1 .. cardinality(v_add) LOOP
		IF v_add[i] = s.lead_deputy_id THEN
			PERFORM jy_refuse('invalid_argument', 'the lead deputy cannot also co-sign',
			                  'add_cosigner_deputy_ids',
			                  'lead_cosigns', jsonb_build_object('field', 'add_cosigner_deputy_ids'));
		ELSIF v_add[i] = ANY (v_add[1:i - 1]) OR v_add[i] = ANY (v_remove) THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_add[i] || ' is listed twice',
			                  'add_cosigner_deputy_ids',
			                  'listed_twice', jsonb_build_object('field', 'add_cosigner_deputy_ids', 'id', v_add[i]));
		ELSIF NOT EXISTS (SELECT 1 FROM deputies d WHERE d.id = v_add[i]
		                  AND d.congress_id = s.congress_id) THEN
			PERFORM jy_refuse('invalid_argument', 'no deputy ' || v_add[i], 'add_cosigner_deputy_ids',
			                  'no_deputy', jsonb_build_object('field', 'add_cosigner_deputy_ids', 'id', v_add[i]));
		ELSIF EXISTS (SELECT 1 FROM suggestion_signers WHERE suggestion_id = s.id
		              AND deputy_id = v_add[i]) THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_add[i] || ' is already a co-signer',
			                  'add_cosigner_deputy_ids',
			                  'already_cosigner', jsonb_build_object('deputy', v_add[i]));
		END IF;
	END LOOP;
	DELETE FROM suggestion_signers WHERE suggestion_id = s.id AND role = 'cosigner'
	  AND deputy_id = ANY (v_remove);
	INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, position)
	SELECT s.id, d, 'cosigner', (SELECT coalesce(max(position), 0) FROM suggestion_signers
	                             WHERE suggestion_id = s.id) + n
	FROM unnest(v_add) WITH ORDINALITY AS u (d, n);
	IF cardinality(v_add) > 0 THEN
		v_out := v_out || jsonb_build_object('added', to_jsonb(v_add));
	END IF;
	IF cardinality(v_remove) > 0 THEN
		v_out := v_out || jsonb_build_object('removed', to_jsonb(v_remove));
	END IF;
	RETURN v_out;
END $$;

-- edit: the lead deputy revises a draft or a returned suggestion. The
-- event's payload adds "changes" (each text's before and after) and the
-- co-signers added or removed; an edit that changes nothing is refused.
CREATE OR REPLACE FUNCTION jy_act_edit(a accounts, INOUT s suggestions, p jsonb,
                                       OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	r record;
	v_signers jsonb;
BEGIN
	r := jy_text_changes(s, p);
	s := r.s;
	v_signers := jy_edit_signers(s, p);
	IF r.changes = '{}' AND v_signers = '{}' THEN
		PERFORM jy_refuse('invalid_argument', 'the edit changes nothing', 'edit',
		                  'changes_nothing');
	END IF;
	extra := jsonb_build_object('changes', r.changes) || v_signers;
END $$;

-- correct: the liaison committee corrects a registered case's text, with a
-- reason; the payload adds the changes.
CREATE OR REPLACE FUNCTION jy_act_correct(a accounts, INOUT s suggestions, p jsonb,
                                          OUT extra jsonb) LANGUAGE plpgsql AS $$
-- @plpgsql_check_options: extra_warnings = off
DECLARE
	r record;
BEGIN
	PERFORM jy_act_reason(p, true);
	r := jy_text_changes(s, p);
	s := r.s;
	IF r.changes = '{}' THEN
		PERFORM jy_refuse('invalid_argument', 'the correction changes nothing', 'correct',
		                  'changes_nothing');
	END IF;
	extra := jsonb_build_object('changes', r.changes);
END $$;
