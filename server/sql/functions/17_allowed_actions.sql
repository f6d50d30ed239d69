-- The actions a viewer may take on a case now (GetSuggestionResponse.
-- allowed_actions; docs/WORKFLOW.md "Allowed actions"), so that a client
-- offers only what jy_act would let through its checks.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- The actions (names, sorted) that pass the checks jy_act_lock makes before
-- an action's own rules: the viewer sees the case (jy_can_see), stands in
-- the action's relation to it (jy_relation_holds) and the case is in one of
-- the action's from-states. p_rules is the transition table's row for each
-- action the viewer's roles may take, as jianyid builds it (act_rules in
-- server/api/handlers_workflow.c: the same relation and transitions it
-- passes to jy_act): {"plan": {"relation": ..., "transitions": {...}}, ...}.
CREATE OR REPLACE FUNCTION jy_allowed_actions(p_viewer bigint, p_id bigint, p_rules jsonb)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	a accounts%ROWTYPE;
	s suggestions%ROWTYPE;
BEGIN
	SELECT * INTO a FROM accounts WHERE id = p_viewer AND NOT disabled;
	SELECT * INTO s FROM suggestions WHERE id = p_id;
	IF a.id IS NULL OR s.id IS NULL OR NOT jy_can_see(a.id, s) THEN
		RETURN '[]'::jsonb;
	END IF;
	RETURN coalesce((SELECT jsonb_agg(r.key ORDER BY r.key)
	                   FROM jsonb_each(p_rules) r
	                  WHERE (r.value -> 'transitions') ? s.state
	                    AND jy_relation_holds(a, s, r.value ->> 'relation')), '[]'::jsonb);
END $$;

-- GetSuggestionRequest: jy_get's answer and, when it is a case, the
-- actions the viewer may take on it.
CREATE OR REPLACE FUNCTION jy_get_with_actions(p_viewer bigint, p_id bigint, p_rules jsonb)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT CASE WHEN g ->> 'code' = 'ok'
	            THEN g || jsonb_build_object('allowed_actions', jy_allowed_actions(p_viewer, p_id, p_rules))
	            ELSE g END
	  FROM jy_get(p_viewer, p_id) AS g
$$;
