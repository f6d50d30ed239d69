-- The change feed (docs/WORKFLOW.md "The change feed"; why events carry a
-- horizon: schema/0004_feed.sql): jy_sync and jy_sync_many.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- SyncRequest for one viewer, through jy_sync_many; the answer:
-- {"code":"ok","events":[FeedEvent...],"cursor":...,"caught_up":...}.
-- plpgsql, not sql: an inlined SQL body would run jy_sync_many once per
-- reference to its result.
CREATE OR REPLACE FUNCTION jy_sync(p_viewer bigint, p_after bigint, p_limit int) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	d jsonb := jy_sync_many(ARRAY[p_viewer], p_after, p_limit);
	v_all jsonb := d -> 'events';
BEGIN
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text,
		'events', coalesce((SELECT jsonb_agg(v_all -> (i.n)::int ORDER BY i.ord)
		                    FROM jsonb_array_elements_text(d #> '{viewers,0}')
		                         WITH ORDINALITY AS i (n, ord)), '[]'::jsonb),
		'cursor', d -> 'cursor',
		'caught_up', d -> 'caught_up');
END $$;

-- The next page of events after p_after for many viewers at once (the live
-- feed's fan-out): the events are read once, and each viewer gets those of
-- the cases it may see (jy_can_see) that jy_event_shown lets it read: an
-- individual form only to its deputy and the liaison committee, the public
-- only what the portal shows (no logins). Two redaction classes: inside
-- (the payload as it is) and public (jy_public_details). Only events below
-- the snapshot's xmin (and horizon) are sent, so none is skipped.
CREATE OR REPLACE FUNCTION jy_sync_many(p_viewers bigint[], p_after bigint, p_limit int) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	-- STABLE: every statement reads with the calling statement's snapshot,
	-- the one whose xmin decides what is safe.
	v_xmin xid8 := pg_snapshot_xmin(pg_current_snapshot());
	v_nviewers int := coalesce(array_length(p_viewers, 1), 0);
	v_public boolean[] := '{}'::boolean[];
	v_liaison boolean[] := '{}'::boolean[];
	v_deputy bigint[] := '{}'::bigint[];
	v_count int[] := '{}'::int[];  -- per viewer: events in its page so far
	v_events jsonb[] := '{}'::jsonb[];
	v_pair_viewer int[] := '{}'::int[];
	v_pair_event int[] := '{}'::int[];
	v_slot int[];              -- per class (1 inside, 2 public): this event's index in v_events
	v_cursor bigint := coalesce(p_after, 0);
	v_examined int := 0;
	v_caught_up boolean := true;
	v_full boolean := false;
	v_limit int := greatest(1, least(coalesce(p_limit, 500), 5000));
	c int;
	e record;
BEGIN
	FOR i IN 1 .. v_nviewers LOOP
		v_public[i] := coalesce((SELECT a.roles <@ ARRAY['public']::text[] FROM accounts a
		                         WHERE a.id = p_viewers[i]), true);
		v_liaison[i] := coalesce((SELECT 'liaison_officer' = ANY (a.roles) FROM accounts a
		                          WHERE a.id = p_viewers[i]), false);
		v_deputy[i] := (SELECT a.deputy_id FROM accounts a
		                WHERE a.id = p_viewers[i] AND 'deputy' = ANY (a.roles));
		v_count[i] := 0;
	END LOOP;
	FOR e IN
		SELECT ev.seq, ev.suggestion_id, ev.kind, ev.at, ev.from_state, ev.to_state,
		       ev.payload, ev.xid, ev.horizon, coalesce(ac.login, '') AS login,
		       ac.deputy_id AS actor_deputy,
		       -- The case's version after this event = its events so far
		       -- (an index-only count on events_suggestion_idx).
		       (SELECT count(*) FROM events x
		         WHERE x.suggestion_id = ev.suggestion_id AND x.seq <= ev.seq)::int AS version
		  FROM events ev LEFT JOIN accounts ac ON ac.id = ev.actor_account_id
		 WHERE ev.seq > v_cursor
		 ORDER BY ev.seq
		 LIMIT v_limit * 20 + 1
	LOOP
		-- Events from before 0004 have no horizon: xid < xmin says it all.
		IF NOT (e.xid < v_xmin AND coalesce(e.horizon <= v_xmin, true)) THEN
			EXIT;
		END IF;
		IF v_examined = v_limit * 20 OR v_full THEN
			v_caught_up := false;
			EXIT;
		END IF;
		v_examined := v_examined + 1;
		v_cursor := e.seq;
		v_slot := '{NULL,NULL}';
		FOR i IN 1 .. v_nviewers LOOP
			CONTINUE WHEN NOT jy_event_shown(e.kind, e.actor_deputy, v_public[i], v_liaison[i],
			                                 v_deputy[i]);
			CONTINUE WHEN NOT jy_can_see(p_viewers[i], e.suggestion_id);
			c := CASE WHEN v_public[i] THEN 2 ELSE 1 END;
			IF v_slot[c] IS NULL THEN
				-- First viewer of this class: the event as that class reads it.
				v_events := v_events || jsonb_build_object(
					'sequence', e.seq::bigint,
					'suggestion_id', e.suggestion_id::bigint,
					'kind', e.kind::text,
					'at', jy_rfc3339(e.at)::text,
					'actor_login', CASE WHEN c = 2 THEN '' ELSE e.login END::text,
					'from_state', coalesce(e.from_state, '')::text,
					'to_state', e.to_state::text,
					'details', CASE WHEN c = 2 THEN jy_public_details(e.kind, e.payload)
					                ELSE e.payload END,
					'version', e.version);
				v_slot[c] := cardinality(v_events) - 1;
			END IF;
			v_pair_viewer := v_pair_viewer || i;
			v_pair_event := v_pair_event || v_slot[c];
			v_count[i] := v_count[i] + 1;
			IF v_count[i] = v_limit THEN
				-- Full page: there may be more after this event.
				v_full := true;
			END IF;
		END LOOP;
	END LOOP;
	IF v_full THEN
		v_caught_up := false;
	END IF;
	RETURN jsonb_build_object(
		'code', 'ok'::text, 'message', ''::text, 'cursor', v_cursor::bigint,
		'caught_up', v_caught_up, 'events', to_jsonb(v_events),
		'viewers', (SELECT jsonb_agg(coalesce(
		                (SELECT jsonb_agg(p.ev ORDER BY p.k)
		                   FROM unnest(v_pair_viewer, v_pair_event) WITH ORDINALITY AS p (vw, ev, k)
		                  WHERE p.vw = g.i), '[]'::jsonb) ORDER BY g.i)
		              FROM generate_series(1, v_nviewers) AS g (i)));
END $$;
