-- 0004: the change feed (DESIGN.md section 5). jy_sync hands out events in
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
CREATE FUNCTION jy_events_next_seq() RETURNS bigint VOLATILE LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_current_xact_id();
	RETURN nextval('events_seq_seq');
END $$;
ALTER TABLE events ALTER COLUMN seq SET DEFAULT jy_events_next_seq();

-- Then, after the number is drawn, the horizon.
CREATE FUNCTION jy_events_horizon() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER events_horizon BEFORE INSERT ON events
	FOR EACH ROW EXECUTE FUNCTION jy_events_horizon();

-- "seq > $1 ORDER BY seq" is served by the primary key's btree on seq
-- (events_pkey); a second index on the same column would only cost writes.

-- The feed as p_viewer may see it: events after p_after, in sequence order,
-- at most p_limit of them, only safe ones (see the top of this file).
-- Invisible events are examined and skipped: the cursor moves past them, so
-- a unit's feed does not stall behind other units' cases. At most
-- 20 * p_limit events are examined per call.
-- Answer: {"code":"ok","events":[FeedEvent...],"cursor":<last seq examined,
-- or p_after>,"caught_up":<nothing more is safe to hand out now>}.
CREATE FUNCTION jy_sync(p_viewer bigint, p_after bigint, p_limit int) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	-- STABLE: every statement here reads with the calling statement's
	-- snapshot, the same one whose xmin decides what is safe.
	v_xmin xid8 := pg_snapshot_xmin(pg_current_snapshot());
	v_eval boolean := jy_sees_evaluations(p_viewer);
	v_public boolean;
	v_cursor bigint := coalesce(p_after, 0);
	v_events jsonb := '[]'::jsonb;
	v_n int := 0;
	v_examined int := 0;
	v_caught_up boolean := true;
	v_limit int := greatest(1, least(coalesce(p_limit, 500), 5000));
	-- suggestion id -> its version after the last event examined: counted
	-- once per case and call, then carried forward (every event of a case
	-- between two of ours is examined too, visible or not).
	v_versions jsonb := '{}'::jsonb;
	v_version int;
	e record;
BEGIN
	SELECT a.roles <@ ARRAY['public']::text[] INTO v_public FROM accounts a WHERE a.id = p_viewer;
	FOR e IN
		SELECT ev.seq, ev.suggestion_id, ev.kind, ev.at, ev.from_state, ev.to_state,
		       ev.payload, ev.xid, ev.horizon, coalesce(ac.login, '') AS login
		  FROM events ev LEFT JOIN accounts ac ON ac.id = ev.actor_account_id
		 WHERE ev.seq > v_cursor
		 ORDER BY ev.seq
		 LIMIT v_limit * 20 + 1
	LOOP
		-- Events from before this migration have no horizon: they were all
		-- committed before it ran, and xid < xmin says so.
		IF NOT (e.xid < v_xmin AND coalesce(e.horizon <= v_xmin, true)) THEN
			EXIT;
		END IF;
		IF v_examined = v_limit * 20 THEN
			v_caught_up := false;
			EXIT;
		END IF;
		v_examined := v_examined + 1;
		v_cursor := e.seq;
		v_version := (v_versions ->> e.suggestion_id::text)::int + 1;
		IF v_version IS NULL THEN
			-- The case's version after this event = its events so far.
			SELECT count(*) INTO v_version FROM events x
			 WHERE x.suggestion_id = e.suggestion_id AND x.seq <= e.seq;
		END IF;
		v_versions := v_versions || jsonb_build_object(e.suggestion_id::text, v_version);
		IF jy_can_see(p_viewer, e.suggestion_id) THEN
			v_events := v_events || jsonb_build_object(
				'sequence', e.seq::bigint,
				'suggestion_id', e.suggestion_id::bigint,
				'kind', e.kind::text,
				'at', jy_rfc3339(e.at)::text,
				'actor_login', e.login::text,
				'from_state', coalesce(e.from_state, '')::text,
				'to_state', e.to_state::text,
				'details', jy_event_details(e.kind, e.payload, v_eval, coalesce(v_public, true)),
				'version', v_version);
			v_n := v_n + 1;
			IF v_n = v_limit THEN
				-- Full page: there may be more after it.
				v_caught_up := false;
				EXIT;
			END IF;
		END IF;
	END LOOP;
	RETURN jsonb_build_object('code', 'ok'::text, 'message', ''::text, 'events', v_events,
	                          'cursor', v_cursor::bigint, 'caught_up', v_caught_up);
END $$;
