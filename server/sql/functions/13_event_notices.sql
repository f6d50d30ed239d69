-- Notices of workflow events: every event that puts something on someone's
-- to-do list (12_todo.sql) or that they must know raises one notice per
-- audience, in the same transaction as the event, into the inbox, the live
-- push (woken after the commit with the feed) and the external notifier (a
-- delivery per recipient). The rules: docs/WORKFLOW.md "Event notices";
-- tests/integration/test_event_notices.c checks them step by step.
-- Table: schema/0017_event_notices.sql.
--
-- Functions only (CREATE OR REPLACE FUNCTION/VIEW, DROP TRIGGER IF EXISTS +
-- CREATE TRIGGER): this file is applied again whenever it changes
-- (docs/WORKFLOW.md "Where the SQL lives").

-- The accounts of a unit's clerks and heads.
CREATE OR REPLACE FUNCTION jy_unit_accounts(p_orgs bigint[]) RETURNS bigint[] STABLE LANGUAGE sql AS $$
	SELECT coalesce(array_agg(a.id), '{}') FROM accounts a
	 WHERE NOT a.disabled AND a.organization_id = ANY (p_orgs)
	   AND a.roles && ARRAY['unit_clerk', 'unit_head']
$$;

-- The accounts of deputies.
CREATE OR REPLACE FUNCTION jy_deputy_accounts(p_deputies bigint[]) RETURNS bigint[] STABLE LANGUAGE sql AS $$
	SELECT coalesce(array_agg(a.id), '{}') FROM accounts a
	 WHERE NOT a.disabled AND a.deputy_id = ANY (p_deputies) AND 'deputy' = ANY (a.roles)
$$;

-- The accounts holding a role (the liaison committee, the government
-- office) in congress p_congress: another congress's committee hears
-- nothing of this one's cases.
CREATE OR REPLACE FUNCTION jy_role_accounts(p_congress bigint, p_role text) RETURNS bigint[]
STABLE LANGUAGE sql AS $$
	SELECT coalesce(array_agg(a.id), '{}') FROM accounts a
	 WHERE NOT a.disabled AND a.congress_id = p_congress AND p_role = ANY (a.roles)
$$;

-- The case's active units (lead, co or both).
CREATE OR REPLACE FUNCTION jy_case_units(p_id bigint, p_roles text[]) RETURNS bigint[] STABLE LANGUAGE sql AS $$
	SELECT coalesce(array_agg(u.organization_id), '{}') FROM suggestion_units u
	 WHERE u.suggestion_id = p_id AND u.active AND u.role = ANY (p_roles)
$$;

-- The lead deputy and the co-signers who confirmed: the case's proposers.
CREATE OR REPLACE FUNCTION jy_case_signers(p_id bigint) RETURNS bigint[] STABLE LANGUAGE sql AS $$
	SELECT coalesce(array_agg(g.deputy_id), '{}') FROM suggestion_signers g
	 WHERE g.suggestion_id = p_id AND g.confirmed_at IS NOT NULL
$$;

-- How a notice names the case: its number once registered, and its title.
CREATE OR REPLACE FUNCTION jy_notice_case(s suggestions) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT CASE WHEN s.number IS NULL THEN '' ELSE jy_case_number(s) END || '《' || s.title || '》'
$$;

-- One notice for the accounts p_to (the event's actor left out): the inbox
-- rows and a delivery each for the external notifier. No NOTIFY here: it
-- would take PostgreSQL's notify lock at every workflow commit
-- (docs/ARCHITECTURE.md "Pitfalls"); the live pushes wake with the feed's
-- coalesced wake-up after the commit (server/push/feed.c).
CREATE OR REPLACE FUNCTION jy_notify(e events, s suggestions, p_what text, p_to bigint[], p_text text,
                                     p_deadline_kind text DEFAULT '', p_due date DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_to bigint[] := ARRAY(SELECT DISTINCT x FROM unnest(p_to) x
	                        WHERE x IS DISTINCT FROM e.actor_account_id);
BEGIN
	IF cardinality(v_to) = 0 THEN
		RETURN;
	END IF;
	INSERT INTO notices (suggestion_id, deadline_kind, round, due, kind, days_before, text,
	                     event_seq, event_kind)
	VALUES (s.id, p_deadline_kind, s.round, p_due, 'event', 0, p_text, e.seq, p_what)
	RETURNING id INTO v_id;
	INSERT INTO notice_recipients (notice_id, account_id) SELECT v_id, x FROM unnest(v_to) x;
	INSERT INTO notice_deliveries (notice_id, account_id) SELECT v_id, x FROM unnest(v_to) x;
END $$;

-- The notices of one event. Individual evaluation forms raise none
-- (back-to-back: docs/WORKFLOW.md "Evaluation rounds"); the round's outcome
-- tells the unit only that it must handle the case again.
CREATE OR REPLACE FUNCTION jy_event_notices() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	e events := NEW;
	s suggestions;
	p jsonb := NEW.payload;
	v_case text;
	v_deputy text;
	v_unit text;
	v_actor_org text;
	v_proposers bigint[];
	v_units bigint[];
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = e.suggestion_id;
	v_case := jy_notice_case(s);
	v_deputy := (SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id);
	v_unit := coalesce(jy_lead_unit_name(s), '');
	v_actor_org := coalesce((SELECT o.name FROM accounts a JOIN organizations o ON o.id = a.organization_id
	                         WHERE a.id = e.actor_account_id), '');
	v_proposers := jy_deputy_accounts(jy_case_signers(s.id));
	v_units := jy_unit_accounts(jy_case_units(s.id, ARRAY['lead', 'co']));
	CASE e.kind
	WHEN 'create' THEN
		PERFORM jy_notify(e, s, 'cosign_requested',
			jy_deputy_accounts(ARRAY(SELECT g.deputy_id FROM suggestion_signers g
			                          WHERE g.suggestion_id = s.id AND g.role = 'cosigner'
			                            AND g.confirmed_at IS NULL)),
			'【联名邀请】' || v_deputy || '代表邀请您联名提出建议' || v_case || '，请确认是否联名。');
	WHEN 'edit' THEN
		-- Co-signers asked by a later edit are asked as at creation.
		PERFORM jy_notify(e, s, 'cosign_requested',
			jy_deputy_accounts(ARRAY(SELECT (x #>> '{}')::bigint
			                          FROM jsonb_array_elements(coalesce(p -> 'added', '[]')) x)),
			'【联名邀请】' || v_deputy || '代表邀请您联名提出建议' || v_case || '，请确认是否联名。');
	WHEN 'correct' THEN
		PERFORM jy_notify(e, s, 'corrected', v_proposers,
			'【更正】联工委更正了您的建议' || v_case || '，原因：' || coalesce(p ->> 'reason', '') || '。');
	WHEN 'submit' THEN
		PERFORM jy_notify(e, s, 'submitted', jy_role_accounts(s.congress_id, 'liaison_officer'),
			'【待立案】' || v_deputy || '代表提交了建议' || v_case || '，请审核立案。');
	WHEN 'return' THEN
		PERFORM jy_notify(e, s, 'returned', jy_deputy_accounts(ARRAY[s.lead_deputy_id]),
			'【退回】您提出的建议' || v_case || '被退回，原因：' || coalesce(p ->> 'reason', '')
			|| '。请修改后重新提交。');
	WHEN 'register' THEN
		PERFORM jy_notify(e, s, 'registered', v_proposers,
			'【立案】您提出的建议《' || s.title || '》已立案，编号' || jy_case_number(s) || '。');
		PERFORM jy_notify(e, s, 'to_assign', jy_role_accounts(s.congress_id, 'government_officer'),
			'【待交办】建议' || v_case || '已立案，请确定承办单位并交办。');
	WHEN 'assign', 'reassign' THEN
		IF e.kind = 'reassign' THEN
			-- The units whose dispute this settles, whether or not they still handle it.
			PERFORM jy_notify(e, s, 'dispute_decided',
				jy_unit_accounts(ARRAY(SELECT u.organization_id FROM suggestion_units u
				                        WHERE u.suggestion_id = s.id AND u.disputed_at IS NOT NULL
				                          AND u.assigned_at < e.at)),
				'【异议处理】贵单位对建议' || v_case || '交办提出的异议已处理，已调整交办。');
		END IF;
		PERFORM jy_notify(e, s, 'assigned', jy_unit_accounts(jy_case_units(s.id, ARRAY['lead'])),
			'【交办】建议' || v_case || '已交由贵单位主办，答复期限' || s.reply_deadline::text || '。',
			'reply', s.reply_deadline);
		PERFORM jy_notify(e, s, 'assigned_co', jy_unit_accounts(jy_case_units(s.id, ARRAY['co'])),
			'【交办】建议' || v_case || '已交由贵单位协办，请向主办单位' || v_unit || '提出协办意见。');
		PERFORM jy_notify(e, s, 'assigned_deputy', v_proposers,
			'【交办】您的建议' || v_case || '已交由' || v_unit || '主办，答复期限'
			|| s.reply_deadline::text || '。');
	WHEN 'dispute' THEN
		PERFORM jy_notify(e, s, 'disputed', jy_role_accounts(s.congress_id, 'government_officer'),
			'【交办异议】' || v_actor_org || '对建议' || v_case || '的交办提出异议：'
			|| coalesce(p ->> 'reason', '') || '。请处理。');
	WHEN 'extend' THEN
		PERFORM jy_notify(e, s, 'extension_requested', jy_role_accounts(s.congress_id, 'government_officer'),
			'【延期申请】' || v_actor_org || '申请将建议' || v_case || '的答复期限延长'
			|| coalesce(p ->> 'days', '') || '天：' || coalesce(p ->> 'reason', '') || '。请审批。');
	WHEN 'approve_extension' THEN
		PERFORM jy_notify(e, s, 'extension_decided', jy_unit_accounts(jy_case_units(s.id, ARRAY['lead'])),
			'【延期审批】建议' || v_case || '的延期申请'
			|| CASE WHEN (p ->> 'approve')::boolean
			        THEN '已批准，答复期限改为' || s.reply_deadline::text || '。'
			        ELSE '未获批准，答复期限仍为' || s.reply_deadline::text || '。' END);
	WHEN 'reply' THEN
		PERFORM jy_notify(e, s, 'replied', jy_deputy_accounts(ARRAY(SELECT jy_evaluators(s.id))),
			'【答复】' || v_unit || '已答复您的建议' || v_case || '，请在'
			|| jy_due(s.congress_id, 'evaluation', jy_today(s.congress_id))::text || '前提出评价意见。',
			'evaluation', jy_due(s.congress_id, 'evaluation', jy_today(s.congress_id)));
	WHEN 'evaluation_outcome' THEN
		IF e.to_state = 'rehandling' THEN
			PERFORM jy_notify(e, s, 'rehandling', jy_unit_accounts(jy_case_units(s.id, ARRAY['lead'])),
				'【重新办理】代表对建议' || v_case || '的答复不满意，请在' || s.rehandle_due::text
				|| '前重新办理并答复。', 'rehandle', s.rehandle_due);
		ELSE
			PERFORM jy_notify(e, s, 'to_close', jy_role_accounts(s.congress_id, 'liaison_officer'),
				'【待办结】建议' || v_case || '的代表评价已完成，请办结。');
		END IF;
	WHEN 'supervise' THEN
		PERFORM jy_notify(e, s, 'supervised', jy_unit_accounts(jy_case_units(s.id, ARRAY['lead'])),
			CASE p ->> 'kind' WHEN 'interview' THEN '【约谈】' WHEN 'inquiry' THEN '【询问】'
			                  ELSE '【督办】' END
			|| '建议' || v_case || '：' || coalesce(p ->> 'text', ''));
	WHEN 'withdraw' THEN
		PERFORM jy_notify(e, s, 'withdrawn', v_units,
			'【撤回】' || v_deputy || '代表已撤回建议' || v_case || '，不再办理。');
	WHEN 'announce' THEN
		PERFORM jy_notify(e, s, 'excellent', v_proposers || jy_unit_accounts(jy_case_units(s.id, ARRAY['lead'])),
			'【优秀建议】建议' || v_case || '被评为' || coalesce(p ->> 'year', '') || '年度优秀建议。');
	ELSE
		NULL; -- the rest changes nobody's list (docs/WORKFLOW.md "Event notices")
	END CASE;
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS events_notices ON events;
-- Only the kinds that tell someone fire it: the others (contacts, plans,
-- forms, ...) cost a write nothing.
CREATE TRIGGER events_notices AFTER INSERT ON events FOR EACH ROW
	WHEN (NEW.kind IN ('create', 'edit', 'correct', 'submit', 'return', 'register', 'assign',
	                   'reassign', 'dispute',
	                   'extend', 'approve_extension', 'reply', 'evaluation_outcome', 'supervise',
	                   'withdraw', 'announce'))
	EXECUTE FUNCTION jy_event_notices();
