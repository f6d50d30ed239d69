-- Visibility (docs/WORKFLOW.md "Visibility"): who may see a case
-- (jy_can_see, jy_visible), its evaluations (jy_sees_evaluations), its
-- events (jy_event_shown), the public's view (jy_portal_visible), and the
-- relations an action needs (jy_relation_holds).
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

CREATE OR REPLACE FUNCTION jy_relation_refusal(p_relation text, p_action text) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
	SELECT 'only ' || CASE p_relation
		WHEN 'proposer' THEN 'the proposing deputy'
		WHEN 'signer' THEN 'a listed co-signer'
		WHEN 'evaluator' THEN 'the proposing deputy or a confirmed co-signer'
		WHEN 'lead_unit' THEN 'the lead handling unit'
		WHEN 'co_unit' THEN 'a co-handling unit'
		WHEN 'assigned_unit' THEN 'an assigned handling unit'
		ELSE p_relation END || ' may ' || p_action
$$;

-- What the public may see. The schema's constraint keeps confidential
-- cases unpublished and the trigger suggestions_off_portal (07_portal.sql)
-- unpublishes a case that is withdrawn, merged or converted; the portal
-- checks both again so that one mistake is not enough to leak one.
CREATE OR REPLACE FUNCTION jy_portal_visible(s suggestions) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT s.published AND NOT s.confidential
	       AND s.state NOT IN ('draft', 'withdrawn', 'merged', 'converted')
$$;

-- The text the public reads and searches: the chosen summary, else the body.
CREATE OR REPLACE FUNCTION jy_portal_text(s suggestions) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT coalesce(s.published_summary, s.body)
$$;

-- One case, by id or by a row just read (the same rule as jy_visible, which
-- lists read through jy_filter_cases). plpgsql: its plan is kept for the
-- session; as a SQL function calling another, the inner one was planned
-- again on every call (0.5 ms a check in the feed's jy_sync). COST 10000:
-- a query that calls it applies its cheap filters first.
CREATE OR REPLACE FUNCTION jy_can_see(p_viewer bigint, p_id bigint) RETURNS boolean
STABLE LANGUAGE plpgsql COST 10000 AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM jy_visible(p_viewer) v WHERE v.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION jy_can_see(p_viewer bigint, s suggestions) RETURNS boolean
STABLE LANGUAGE plpgsql COST 10000 AS $$
BEGIN
	RETURN jy_can_see(p_viewer, s.id);
END $$;

-- ---- who evaluates, who reads a form -------------------------------------------

-- The deputies who evaluate the replies to case p_id: its confirmed
-- proposers, and those of the cases merged into it.
CREATE OR REPLACE FUNCTION jy_evaluators(p_id bigint) RETURNS SETOF bigint STABLE LANGUAGE sql AS $$
	SELECT g.deputy_id FROM suggestion_signers g
	WHERE g.suggestion_id = p_id AND g.confirmed_at IS NOT NULL
	UNION
	SELECT g.deputy_id FROM suggestions m
	JOIN suggestion_signers g ON g.suggestion_id = m.id AND g.confirmed_at IS NOT NULL
	WHERE m.merged_into = p_id
$$;

-- Whether an event of kind p_kind, by an account of deputy p_actor_deputy,
-- is shown to a viewer: public (only what the portal shows), liaison
-- officer, deputy p_deputy (NULL: not a deputy). An individual form goes to
-- its own deputy and the liaison committee only.
CREATE OR REPLACE FUNCTION jy_event_shown(p_kind text, p_actor_deputy bigint, p_public boolean,
                               p_liaison boolean, p_deputy bigint)
RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN p_kind = 'evaluate'
			THEN NOT p_public AND (p_liaison OR coalesce(p_actor_deputy = p_deputy, false))
		WHEN p_public THEN p_kind IN ('reply', 'follow_up', 'evaluation_outcome')
		ELSE true END
$$;

-- Whether the viewer reads every individual evaluation: the liaison
-- committee only (a deputy reads their own forms, decided per event by
-- jy_event_shown).
CREATE OR REPLACE FUNCTION jy_sees_evaluations(p_viewer bigint) RETURNS boolean
STABLE LANGUAGE plpgsql AS $$
BEGIN   -- PL/pgSQL: its plan is kept (as jy_reads_as_public's)
	RETURN coalesce((SELECT 'liaison_officer' = ANY (a.roles) FROM accounts a
	                 WHERE a.id = p_viewer AND NOT a.disabled), false);
END $$;

-- The cases a viewer may see (docs/WORKFLOW.md "Visibility"): the congress's
-- side every case but drafts; a unit the cases it is an active unit of; a
-- deputy the cases they lead or signed, and the case their own case was
-- merged into (its reply answers them, and they evaluate it); the public
-- what the portal shows (the same rule as jy_portal_visible). Only ever
-- within the viewer's own congress (docs/CONGRESSES.md "Isolation"). A SQL
-- table function so that the planner inlines it into the lists' queries
-- (docs/BENCHMARKS.md).
CREATE OR REPLACE FUNCTION jy_visible(p_viewer bigint) RETURNS SETOF suggestions
STABLE LANGUAGE sql AS $$
	SELECT s.* FROM accounts a, suggestions s
	WHERE a.id = p_viewer AND NOT a.disabled AND s.congress_id = a.congress_id AND (
		(a.roles && ARRAY['liaison_officer', 'government_officer', 'committee_member',
		                  'leader', 'admin']::text[]
		 AND s.state <> 'draft')
		OR (a.roles && ARRAY['unit_clerk', 'unit_head']::text[]
		    AND EXISTS (SELECT 1 FROM suggestion_units u
		                WHERE u.suggestion_id = s.id AND u.active
		                  AND u.organization_id = a.organization_id))
		OR ('deputy' = ANY (a.roles) AND a.deputy_id IS NOT NULL
		    AND (s.lead_deputy_id = a.deputy_id
		         OR EXISTS (SELECT 1 FROM suggestion_signers g
		                    WHERE g.suggestion_id = s.id AND g.deputy_id = a.deputy_id)
		         OR EXISTS (SELECT 1 FROM suggestions m
		                    JOIN suggestion_signers g ON g.suggestion_id = m.id
		                    WHERE m.merged_into = s.id AND g.deputy_id = a.deputy_id)))
		OR ('public' = ANY (a.roles) AND s.published AND NOT s.confidential AND s.state <> 'draft'))
$$;

-- Whether the account stands in p_relation to the case (the transition
-- table's relation column, server/workflow.c); 'evaluator' is jy_evaluators
-- (merged cases' proposers too).
CREATE OR REPLACE FUNCTION jy_relation_holds(a accounts, s suggestions, p_relation text)
RETURNS boolean STABLE LANGUAGE plpgsql AS $$
BEGIN
	CASE p_relation
	WHEN 'any' THEN
		RETURN true;
	WHEN 'proposer' THEN
		RETURN coalesce(a.deputy_id = s.lead_deputy_id, false);
	WHEN 'signer' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_signers g WHERE g.suggestion_id = s.id
		               AND g.deputy_id = a.deputy_id AND g.role = 'cosigner');
	WHEN 'evaluator' THEN
		RETURN EXISTS (SELECT 1 FROM jy_evaluators(s.id) d WHERE d = a.deputy_id);
	WHEN 'lead_unit' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id AND u.active
		               AND u.role = 'lead' AND u.organization_id = a.organization_id);
	WHEN 'co_unit' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id AND u.active
		               AND u.role = 'co' AND u.organization_id = a.organization_id);
	WHEN 'assigned_unit' THEN
		RETURN EXISTS (SELECT 1 FROM suggestion_units u WHERE u.suggestion_id = s.id AND u.active
		               AND u.organization_id = a.organization_id);
	ELSE
		-- The C side passes wf_relation_name(): anything else is a bug there.
		RAISE EXCEPTION 'jy_act: unknown relation %', p_relation;
	END CASE;
END $$;
