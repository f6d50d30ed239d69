-- 0007: the working-day calendar and the deadlines that use it.
--
-- A day is a working day when it is Monday to Friday, unless calendar_days
-- says otherwise: a public holiday on a weekday, or a make-up working day
-- (调休) on a weekend. Windows in working days (the dispute window, the
-- deputy's evaluation) count working days; windows in calendar months (the
-- reply, re-handling, co-handlers' opinions, follow-up reports) end on the
-- same date N months later, moved to the next working day when that date
-- is not one (a deadline never falls on a holiday).
--
-- jy_due() is what jy_act_apply (0002) calls when it sets a deadline;
-- jy_open_deadlines() derives every deadline still owed from the cases;
-- jy_calendar_recalculate() moves the stored deadlines after a calendar
-- change, one 'recalculate' event per case it moves.

CREATE TABLE calendar_days (
	day        date PRIMARY KEY,
	kind       text NOT NULL,
	name       text NOT NULL DEFAULT '',
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT calendar_days_kind_check CHECK (kind IN ('holiday', 'workday')),
	CONSTRAINT calendar_days_name_check CHECK (length(name) <= 50),
	-- A holiday on a weekend or a working day on a weekday says nothing.
	CONSTRAINT calendar_days_exception_check CHECK (
		(kind = 'holiday') = (extract(isodow FROM day) < 6))
);

INSERT INTO settings (key, value) VALUES
	('follow_up_months', '3'),
	('evaluation_days', '10')
ON CONFLICT (key) DO NOTHING;

ALTER TABLE events DROP CONSTRAINT events_kind_check;

ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
	'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
	'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
	'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
	'supervise', 'close', 'recalculate'));
