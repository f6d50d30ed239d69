-- The workflow: jy_act, one transition atomically (docs/WORKFLOW.md "jy_act"),
-- jy_act_apply and the rules it calls, evaluation rounds, supervision
-- records, and jy_overdue.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- One workflow action, atomically (docs/WORKFLOW.md "jy_act"). Expected
-- refusals come back as a result object, never as an error, and change
-- nothing: the exception block rolls back the sub-transaction.
CREATE OR REPLACE FUNCTION jy_act(p_actor bigint, p_action text, p_suggestion bigint,
                       p_expected_version int, p_transitions jsonb, p_relation text,
                       p_params jsonb, p_idem_key text, p_request_hash text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_result jsonb;
	v_code text;
	v_message text;
	v_field text;
BEGIN
	IF coalesce(p_idem_key, '') = '' OR length(p_idem_key) > 200 THEN
		RETURN jy_result('invalid_argument', 'idempotency_key must be 1 to 200 characters',
		                 'idempotency_key') || '{"replayed": false}'::jsonb;
	END IF;
	-- 1. Idempotency.
	v_result := jy_idem_lookup(p_actor, p_idem_key, p_request_hash);
	IF v_result IS NOT NULL THEN
		RETURN v_result;
	END IF;
	BEGIN
		v_result := jy_act_apply(p_actor, p_action, p_suggestion, p_expected_version,
		                         p_transitions, p_relation, p_params, p_idem_key);
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
		GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_code = PG_EXCEPTION_DETAIL,
		                        v_field = PG_EXCEPTION_HINT;
		RETURN jy_result(v_code, v_message, v_field) || '{"replayed": false}'::jsonb;
	WHEN SQLSTATE 'JY002' THEN
		v_result := jy_idem_lookup(p_actor, p_idem_key, p_request_hash);
		IF v_result IS NULL THEN
			RAISE EXCEPTION 'jy_act: idempotency row for key % vanished', p_idem_key;
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
	SELECT jy_overdue(s, jy_today())
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
CREATE OR REPLACE FUNCTION jy_act_evaluate(a accounts, s suggestions, p jsonb) RETURNS jsonb
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
CREATE OR REPLACE FUNCTION jy_close_expired_rounds(p_today date) RETURNS int LANGUAGE plpgsql AS $$
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
	i int;
BEGIN
	FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
		SELECT * INTO g FROM suggestion_signers
		WHERE suggestion_id = s.id AND deputy_id = v_ids[i] AND role = 'cosigner';
		IF v_ids[i] = ANY (v_ids[1:i - 1]) THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i] || ' is listed twice',
			                  'remove_cosigner_deputy_ids');
		ELSIF NOT FOUND THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i]
			                  || ' is not a co-signer of suggestion ' || s.id,
			                  'remove_cosigner_deputy_ids');
		ELSIF g.confirmed_at IS NOT NULL THEN
			PERFORM jy_refuse('invalid_argument', 'deputy ' || v_ids[i]
			                  || ' has confirmed: only co-signers who have not confirmed can be removed',
			                  'remove_cosigner_deputy_ids');
		END IF;
	END LOOP;
	DELETE FROM suggestion_signers
	WHERE suggestion_id = s.id AND role = 'cosigner' AND deputy_id = ANY (v_ids);
	SELECT string_agg(d.name || ' (deputy ' || d.id || ')', ', ' ORDER BY g2.position) INTO v_names
	FROM suggestion_signers g2 JOIN deputies d ON d.id = g2.deputy_id
	WHERE g2.suggestion_id = s.id AND g2.role = 'cosigner' AND g2.confirmed_at IS NULL;
	IF v_names IS NOT NULL THEN
		PERFORM jy_refuse('failed_precondition', 'suggestion ' || s.id
		                  || ' cannot be submitted before every co-signer has confirmed; not yet: '
		                  || v_names || ' (they cosign, or the lead deputy removes them with '
		                  || 'remove_cosigner_deputy_ids)');
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
		'follow_up_due', to_char(jy_due('follow_up', jy_local_date(greatest(
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
	SELECT jy_local_date(u.assigned_at) INTO v_assigned FROM suggestion_units u
	WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead';
	IF p_date < v_assigned THEN
		PERFORM jy_refuse('invalid_argument', 'date must not precede the assignment of suggestion '
		                  || s.id || ' to its lead unit on ' || to_char(v_assigned, 'YYYY-MM-DD'),
		                  'date');
	END IF;
END $$;

-- Steps 2-7 of jy_act (0002, whole). Changed here: step 4 and the
-- 'submit', 'close' and 'contact' branches, each by one call (see the top).
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
		IF jy_version_conflict(p_action, p_expected_version, s.version) THEN
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
			PERFORM jy_submit_signers(s, p);

		WHEN 'withdraw', 'return' THEN
			PERFORM jy_p_required(p, 'reason', 2000);

		WHEN 'close' THEN
			PERFORM jy_p_optional(p, 'reason', 2000);
			v_payload := v_payload || jy_close_owed_follow_up(s);

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
			PERFORM jy_check_contact_date(s, v_date);
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
