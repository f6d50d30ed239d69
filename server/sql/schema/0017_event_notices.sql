-- 0017: notices of workflow events besides the deadline notices of 0008
-- (the issue "For the people who use it": a notice for every event that
-- puts something on someone's list or that they must know). An event
-- notice names the event it tells of (event_seq) and what it says happened
-- (event_kind: cosign_requested, returned, registered, ...); it has no
-- due date unless the event opens a deadline for its readers. The raising
-- is the trigger events_notices (functions/13_event_notices.sql).
ALTER TABLE notices ALTER COLUMN due DROP NOT NULL;
ALTER TABLE notices ADD COLUMN event_seq bigint REFERENCES events (seq);
ALTER TABLE notices ADD COLUMN event_kind text;
ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN ('reminder', 'overdue', 'event'));
ALTER TABLE notices DROP CONSTRAINT notices_days_check;
ALTER TABLE notices ADD CONSTRAINT notices_days_check CHECK (
	(kind = 'reminder' AND days_before > 0) OR (kind = 'overdue' AND days_before = -1)
	OR (kind = 'event' AND days_before = 0));
ALTER TABLE notices ADD CONSTRAINT notices_event_check CHECK (
	(kind = 'event') = (event_seq IS NOT NULL AND event_kind IS NOT NULL));
ALTER TABLE notices ADD CONSTRAINT notices_due_check CHECK (kind = 'event' OR due IS NOT NULL);
CREATE UNIQUE INDEX notices_event_once_idx ON notices (event_seq, event_kind) WHERE event_seq IS NOT NULL;
-- A deadline notice is raised once per deadline and offset (0008); event
-- notices are once per event and audience (above), whatever deadline they
-- name.
DROP INDEX notices_once_idx;
CREATE UNIQUE INDEX notices_once_idx ON notices (suggestion_id, deadline_kind,
	(coalesce(organization_id, 0)), (coalesce(deputy_id, 0)), round, due, days_before)
	WHERE kind <> 'event';
