-- The event log's guards: events are immutable (no UPDATE, DELETE or
-- TRUNCATE), and each insert gets its horizon (see schema/0004_feed.sql for
-- why). jy_events_next_seq, the seq column's DEFAULT, stays in 0004: the
-- ALTER TABLE there needs it when it is applied.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

CREATE OR REPLACE FUNCTION jy_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'events are immutable: % is not allowed', TG_OP
		USING ERRCODE = 'restrict_violation';
END $$;

DROP TRIGGER IF EXISTS events_no_update_delete ON events;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION jy_events_immutable();

DROP TRIGGER IF EXISTS events_no_truncate ON events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
	FOR EACH STATEMENT EXECUTE FUNCTION jy_events_immutable();

-- Then, after the number is drawn, the horizon.
CREATE OR REPLACE FUNCTION jy_events_horizon() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_top xid8 := pg_current_xact_id();
	v_top_num bigint := v_top::text::bigint;
	v_low bigint := v_top_num % 4294967296;
	v_max_delta bigint;
BEGIN
	IF NEW.seq IS DISTINCT FROM currval('events_seq_seq') THEN
		RAISE EXCEPTION 'events.seq is assigned by the database, not given'
			USING ERRCODE = 'generated_always';
	END IF;
	NEW.xid := v_top;
	-- pg_locks gives 32-bit xids; place each next to ours (within 2^31).
	SELECT max((((l.transactionid::text::bigint - v_low) % 4294967296 + 6442450944)
	            % 4294967296) - 2147483648)
	  INTO v_max_delta
	  FROM pg_locks l
	 WHERE l.locktype = 'transactionid' AND l.transactionid IS NOT NULL;
	NEW.horizon := (v_top_num + greatest(coalesce(v_max_delta, 0), 0) + 1)::text::xid8;
	RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS events_horizon ON events;
CREATE TRIGGER events_horizon BEFORE INSERT ON events
	FOR EACH ROW EXECUTE FUNCTION jy_events_horizon();
