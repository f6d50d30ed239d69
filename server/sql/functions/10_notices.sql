-- Deadline notices: raising reminders and overdue notices (jy_raise_notices,
-- called by server/jobs.c), the inbox, and deliveries to the external
-- notifier, claimed with a lease (server/notifier.c). Tables:
-- schema/0008_notices.sql.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- ---- raising ------------------------------------------------------------------

-- A congress's reminder_days setting as an array of offsets (1 to 365 each).
CREATE OR REPLACE FUNCTION jy_reminder_days(p_congress bigint) RETURNS int[] STABLE LANGUAGE plpgsql AS $$
DECLARE
	v text := jy_setting(p_congress, 'reminder_days');
	v_days int[];
BEGIN
	IF btrim(v) = '' THEN
		RETURN '{}'::int[];
	END IF;
	IF v !~ '^\s*[0-9]{1,3}(\s*,\s*[0-9]{1,3})*\s*$' THEN
		RAISE EXCEPTION 'settings.reminder_days: ''%'' is not a list of days like 7,1', v
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT array_agg(DISTINCT btrim(d)::int) INTO v_days
	  FROM unnest(string_to_array(v, ',')) d;
	IF EXISTS (SELECT 1 FROM unnest(v_days) d WHERE d < 1 OR d > 365) THEN
		RAISE EXCEPTION 'settings.reminder_days: ''%'': each must be 1 to 365 days', v
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN v_days;
END $$;

CREATE OR REPLACE FUNCTION jy_deadline_name(p_kind text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE p_kind
		WHEN 'reply' THEN '答复'
		WHEN 'rehandle' THEN '重新办理答复'
		WHEN 'opinion' THEN '协办意见'
		WHEN 'dispute' THEN '交办异议'
		WHEN 'follow_up' THEN '跟踪办理情况报告'
		WHEN 'evaluation' THEN '测评'
		ELSE p_kind END
$$;

-- The sentence people read in the inbox and by SMS.
CREATE OR REPLACE FUNCTION jy_notice_text(s suggestions, p_deadline_kind text, p_due date,
                               p_days_before int, p_today date)
RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE WHEN p_days_before < 0 THEN '【逾期】' ELSE '【提醒】' END
	       || jy_case_number(s) || '建议'
	       || '《' || s.title || '》的' || jy_deadline_name(p_deadline_kind) || '期限'
	       || CASE WHEN p_days_before < 0
	               THEN '（' || to_char(p_due, 'YYYY-MM-DD') || '）已过，请尽快办理。'
	               WHEN p_due = p_today
	               THEN '为今天（' || to_char(p_due, 'YYYY-MM-DD') || '），请按时办理。'
	               ELSE '为' || to_char(p_due, 'YYYY-MM-DD') || '，还有' || (p_due - p_today)
	                    || '天，请按时办理。' END
$$;

-- The accounts a notice goes to: the owing unit's clerks and heads, the
-- owing deputy's accounts and, once overdue, the liaison officers, who
-- supervise every case.
CREATE OR REPLACE FUNCTION jy_notice_accounts(p_congress bigint, p_org bigint, p_deputy bigint,
                                              p_overdue boolean)
RETURNS SETOF bigint STABLE LANGUAGE sql AS $$
	SELECT a.id FROM accounts a
	 WHERE NOT a.disabled AND a.congress_id = p_congress AND (
		(a.organization_id = p_org AND a.roles && ARRAY['unit_clerk', 'unit_head']::text[])
		OR (a.deputy_id = p_deputy AND 'deputy' = ANY (a.roles))
		OR (p_overdue AND 'liaison_officer' = ANY (a.roles)))
$$;

-- ---- the inbox ---------------------------------------------------------------

-- Keys = proto message Notice's fields.
CREATE OR REPLACE FUNCTION jy_notice_json(n notices, p_read_at timestamptz) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', n.id,
		'kind', n.kind,
		'suggestion_id', n.suggestion_id,
		'number', coalesce((SELECT jy_case_number(s) FROM suggestions s WHERE s.id = n.suggestion_id), ''),
		'title', coalesce((SELECT s.title FROM suggestions s WHERE s.id = n.suggestion_id), ''),
		'deadline_kind', n.deadline_kind,
		'due', coalesce(to_char(n.due, 'YYYY-MM-DD'), ''),
		'days_before', n.days_before,
		'round', n.round,
		'organization', coalesce((SELECT o.name FROM organizations o WHERE o.id = n.organization_id), ''),
		'text', n.text,
		'created_at', jy_rfc3339(n.created_at),
		'read', p_read_at IS NOT NULL,
		'event', coalesce(n.event_kind, ''))
$$;

-- The caller's notices, newest first, before p_before_id (0: from the
-- newest). Answer: {"code":"ok","notices":[...],"next_before_id":N (0: no
-- more),"unread":N,"latest":the caller's newest notice id (0: none)}.
CREATE OR REPLACE FUNCTION jy_inbox(p_account bigint, p_unread_only boolean, p_limit int, p_before_id bigint)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	v_limit int := CASE WHEN coalesce(p_limit, 0) <= 0 THEN 50 ELSE least(p_limit, 500) END;
	v_page jsonb;
	v_n int;
	v_last bigint;
BEGIN
	SELECT coalesce(jsonb_agg(jy_notice_json(n, r.read_at) ORDER BY n.id DESC), '[]'),
	       count(*), min(n.id)
	  INTO v_page, v_n, v_last
	  FROM (SELECT r0.notice_id, r0.read_at FROM notice_recipients r0
	         WHERE r0.account_id = p_account
	           AND (coalesce(p_before_id, 0) <= 0 OR r0.notice_id < p_before_id)
	           AND (NOT p_unread_only OR r0.read_at IS NULL)
	         ORDER BY r0.notice_id DESC LIMIT v_limit) r
	  JOIN notices n ON n.id = r.notice_id;
	RETURN jsonb_build_object(
		'code', 'ok',
		'notices', v_page,
		'next_before_id', CASE WHEN v_n = v_limit AND EXISTS (
			SELECT 1 FROM notice_recipients r1 WHERE r1.account_id = p_account
			   AND r1.notice_id < v_last AND (NOT p_unread_only OR r1.read_at IS NULL))
			THEN v_last ELSE 0 END,
		'unread', (SELECT count(*) FROM notice_recipients r2
		            WHERE r2.account_id = p_account AND r2.read_at IS NULL),
		'latest', coalesce((SELECT max(r3.notice_id) FROM notice_recipients r3
		                     WHERE r3.account_id = p_account), 0));
END $$;

-- For live pushes: the caller's notices after p_after, oldest first.
-- Answer: {"notices":[...],"latest":the last id in it, or p_after}.
CREATE OR REPLACE FUNCTION jy_inbox_after(p_account bigint, p_after bigint, p_limit int)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'notices', coalesce(jsonb_agg(jy_notice_json(n, r.read_at) ORDER BY n.id), '[]'),
		'latest', coalesce(max(n.id), p_after))
	  FROM (SELECT r0.notice_id, r0.read_at FROM notice_recipients r0
	         WHERE r0.account_id = p_account AND r0.notice_id > p_after
	         ORDER BY r0.notice_id LIMIT greatest(p_limit, 1)) r
	  JOIN notices n ON n.id = r.notice_id
$$;

-- Marks the caller's notices read. Every id must be in the caller's inbox
-- (else not_found, nothing marked). Answer: {"code":"ok","marked":N newly
-- marked}.
CREATE OR REPLACE FUNCTION jy_inbox_mark(p_account bigint, p_ids bigint[]) RETURNS jsonb
VOLATILE LANGUAGE plpgsql AS $$
DECLARE
	v_missing bigint;
	v_marked int;
BEGIN
	SELECT min(x) INTO v_missing FROM unnest(p_ids) x
	 WHERE NOT EXISTS (SELECT 1 FROM notice_recipients r
	                    WHERE r.account_id = p_account AND r.notice_id = x);
	IF v_missing IS NOT NULL THEN
		RETURN jy_result('not_found', 'notice ' || v_missing || ' is not in your inbox',
		                 'notice_ids', 'no_notice', jsonb_build_object('id', v_missing));
	END IF;
	UPDATE notice_recipients SET read_at = now()
	 WHERE account_id = p_account AND notice_id = ANY (p_ids) AND read_at IS NULL;
	GET DIAGNOSTICS v_marked = ROW_COUNT;
	RETURN jy_result('ok', '') || jsonb_build_object('marked', v_marked);
END $$;

-- ---- deliveries to the external notifier -----------------------------------

-- Claims the oldest due delivery for p_lease_seconds (SKIP LOCKED: two
-- notifiers never wait for, or take, the same row). No row: nothing is due.
CREATE OR REPLACE FUNCTION jy_claim_delivery(p_lease_seconds int)
RETURNS TABLE (delivery_id bigint, attempt int, notice_id bigint, kind text, deadline_kind text,
               suggestion_id bigint, number text, title text, due text, days_before int,
               login text, display_name text, phone text, text text)
VOLATILE LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	SELECT d.id INTO v_id FROM notice_deliveries d
	 WHERE d.delivered_at IS NULL AND d.next_attempt_at <= now()
	   AND (d.claimed_until IS NULL OR d.claimed_until < now())
	 ORDER BY d.next_attempt_at, d.id
	 LIMIT 1 FOR UPDATE SKIP LOCKED;
	IF v_id IS NULL THEN
		RETURN;
	END IF;
	UPDATE notice_deliveries SET attempts = attempts + 1,
	       claimed_until = now() + make_interval(secs => greatest(p_lease_seconds, 1))
	 WHERE id = v_id;
	RETURN QUERY
	SELECT d.id, d.attempts, n.id, n.kind, n.deadline_kind, n.suggestion_id,
	       jy_case_number(s), s.title, coalesce(to_char(n.due, 'YYYY-MM-DD'), ''), n.days_before,
	       a.login, a.display_name,
	       coalesce((SELECT dp.phone FROM deputies dp WHERE dp.id = a.deputy_id), ''), n.text
	  FROM notice_deliveries d
	  JOIN notices n ON n.id = d.notice_id
	  JOIN suggestions s ON s.id = n.suggestion_id
	  JOIN accounts a ON a.id = d.account_id
	 WHERE d.id = v_id;
END $$;

-- The outcome of the claimed attempt p_attempt: delivered, or failed with
-- p_error and another try after p_retry_seconds. False when the claim is no
-- longer ours (the lease expired and another attempt began, or it was
-- delivered meanwhile): nothing changes.
CREATE OR REPLACE FUNCTION jy_finish_delivery(p_id bigint, p_attempt int, p_ok boolean, p_error text,
                                   p_retry_seconds int)
RETURNS boolean VOLATILE LANGUAGE plpgsql AS $$
BEGIN
	IF p_ok THEN
		UPDATE notice_deliveries SET delivered_at = now(), claimed_until = NULL, last_error = NULL
		 WHERE id = p_id AND attempts = p_attempt AND delivered_at IS NULL;
	ELSE
		UPDATE notice_deliveries SET claimed_until = NULL, last_error = left(p_error, 500),
		       next_attempt_at = now() + make_interval(secs => greatest(p_retry_seconds, 1))
		 WHERE id = p_id AND attempts = p_attempt AND delivered_at IS NULL;
	END IF;
	RETURN FOUND;
END $$;

-- The periodic job's reminders: closes the evaluation rounds whose window
-- has ended, then raises one notice per open deadline and reminder day
-- (settings.reminder_days) or overdue, once, for its recipients.
CREATE OR REPLACE FUNCTION jy_raise_notices(p_today date) RETURNS int VOLATILE LANGUAGE plpgsql AS $$
DECLARE
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
	WITH rd AS MATERIALIZED (
		-- each congress's reminder days, once per congress
		SELECT c.id, jy_reminder_days(c.id) AS days FROM congresses c
	), dl AS (
		SELECT d.*, CASE WHEN d.due < p_today THEN -1
		                 ELSE (SELECT min(o) FROM unnest(rd.days) o WHERE o >= d.due - p_today) END
		              AS days_before
		  FROM jy_open_deadlines(p_today) d
		  JOIN suggestions s ON s.id = d.suggestion_id
		  JOIN rd ON rd.id = s.congress_id
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
		             (coalesce(deputy_id, 0)), round, due, days_before) WHERE kind <> 'event'
		DO NOTHING
		RETURNING id, congress_id, organization_id, deputy_id, kind
	), rcp AS (
		INSERT INTO notice_recipients (notice_id, account_id)
		SELECT i.id, a FROM ins i, jy_notice_accounts(i.congress_id, i.organization_id, i.deputy_id,
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
