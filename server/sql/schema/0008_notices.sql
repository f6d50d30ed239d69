-- 0008: deadline notices. Reminders before each open deadline and an
-- overdue notice after it, raised once each by a periodic job (server/jobs.c
-- calls jy_raise_notices), kept per recipient (the inbox: jianyi inbox), and
-- handed to an optional external notifier (server/notifier.c) through
-- notice_deliveries, whose rows are claimed with a lease so that several
-- jianyid never send one twice and a crash mid-send is retried.
--
-- The open deadlines come from jy_open_deadlines(p_today) (0007_calendar).

-- Days before a deadline on which a reminder is due, largest first or in any
-- order: "7,1" raises one reminder 7 days before and one 1 day before.
INSERT INTO settings (key, value) VALUES ('reminder_days', '7,1')
	ON CONFLICT (key) DO NOTHING;

-- ---- tables -------------------------------------------------------------------

-- One row per notice raised. A deadline is (suggestion, kind, unit or
-- deputy, round); with its due date and the offset it is raised once
-- (notices_once_idx): a moved deadline gets fresh reminders for its new date.
CREATE TABLE notices (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	suggestion_id   bigint NOT NULL REFERENCES suggestions (id),
	deadline_kind   text NOT NULL,
	organization_id bigint REFERENCES organizations (id),
	deputy_id       bigint REFERENCES deputies (id),
	round           int NOT NULL,
	due             date NOT NULL,
	kind            text NOT NULL,
	-- reminders: the offset (7, 1, ...); overdue: -1 (raised after the due day)
	days_before     int NOT NULL,
	-- fixed when raised, so the inbox and the SMS say the same thing
	text            text NOT NULL,
	created_at      timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT notices_kind_check CHECK (kind IN ('reminder', 'overdue')),
	CONSTRAINT notices_days_check CHECK (
		(kind = 'reminder' AND days_before > 0) OR (kind = 'overdue' AND days_before = -1))
);

CREATE UNIQUE INDEX notices_once_idx ON notices (suggestion_id, deadline_kind,
	(coalesce(organization_id, 0)), (coalesce(deputy_id, 0)), round, due, days_before);

-- The inbox: who received which notice, and when they marked it read.
-- Notice ids grow in commit order (only jy_raise_notices inserts, under its
-- lock), so "notices after id N" never skips one: live pushes rely on it.
CREATE TABLE notice_recipients (
	notice_id  bigint NOT NULL REFERENCES notices (id),
	account_id bigint NOT NULL REFERENCES accounts (id),
	read_at    timestamptz,
	PRIMARY KEY (account_id, notice_id)
);

CREATE INDEX notice_recipients_notice_idx ON notice_recipients (notice_id);

-- One delivery per recipient for the external notifier. A notifier claims a
-- row by setting claimed_until (a lease longer than its command may run);
-- finishing needs the attempt number it claimed, so a late answer from an
-- expired lease changes nothing. Failures wait next_attempt_at; rows are
-- never dropped.
CREATE TABLE notice_deliveries (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	notice_id       bigint NOT NULL REFERENCES notices (id),
	account_id      bigint NOT NULL REFERENCES accounts (id),
	attempts        int NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	claimed_until   timestamptz,
	delivered_at    timestamptz,
	last_error      text,
	CONSTRAINT notice_deliveries_once_key UNIQUE (notice_id, account_id),
	CONSTRAINT notice_deliveries_attempts_check CHECK (attempts >= 0)
);

CREATE INDEX notice_deliveries_pending_idx ON notice_deliveries (next_attempt_at, id)
	WHERE delivered_at IS NULL;
