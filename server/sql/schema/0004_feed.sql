-- 0004: the change feed (docs/ARCHITECTURE.md "Never skip an event"). jy_sync hands out events in
-- sequence order, never skipping one, and only those the viewer may see.
--
-- Why "xid < pg_snapshot_xmin(snapshot)" alone is not enough. Transaction
-- A gets its xid (say 99) when jy_act locks the case row; transaction B gets
-- xid 100, inserts its event (seq 5) and is still running; A then inserts
-- its event (seq 6) and commits. A reader's snapshot has xmin 100, so event 6
-- (xid 99) passes the test and the cursor moves to 6; when B commits, seq 5
-- is behind every cursor: skipped. An xid says when a transaction started
-- writing, not when it drew its sequence number.
--
-- So each event also records its horizon: one more than the newest xid of
-- any transaction running just after its number was drawn (read from the
-- lock table, which, unlike a snapshot, lists every running xid). A
-- transaction that drew a smaller number before it has an xid below the
-- horizon (seq's default below makes every writer take its xid before it
-- draws), so once the reader's xmin reaches an event's horizon, every event
-- with a smaller number is committed (and in the reader's snapshot) or
-- rolled back. The reader hands out events in sequence order and stops at
-- the first one that is not yet safe.

ALTER TABLE events ADD COLUMN horizon xid8;

-- Every event insert, whoever writes it (jy_act or an owner's INSERT), takes
-- its xid before it draws its number: the identity default would draw first
-- (column defaults run in column order, and seq comes before xid), so seq
-- gets a default that takes the xid, then draws. Numbers stay gapless from 1
-- as before; the trigger refuses an explicit seq, as GENERATED ALWAYS did.
ALTER TABLE events ALTER COLUMN seq DROP IDENTITY;

CREATE SEQUENCE events_seq_seq AS bigint OWNED BY events.seq;

SELECT setval('events_seq_seq', coalesce(max(seq), 0) + 1, false) FROM events;

-- This function stays in the versioned schema (not server/sql/functions/):
-- the column DEFAULT below needs it when this migration is applied.
CREATE FUNCTION jy_events_next_seq() RETURNS bigint VOLATILE LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_current_xact_id();
	RETURN nextval('events_seq_seq');
END $$;

ALTER TABLE events ALTER COLUMN seq SET DEFAULT jy_events_next_seq();
