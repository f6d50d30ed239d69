-- The directory: units, committees, liaison stations, deputies, accounts
-- and cases found by name or number, so that people name things as they
-- know them (the issue "For the people who use it", section "Names and
-- numbers"; docs/WORKFLOW.md "Directory"). Called through jy_read
-- (11_supervision.sql) as the operation 'directory'.
--
-- Functions only (CREATE OR REPLACE FUNCTION/VIEW, DROP TRIGGER IF EXISTS +
-- CREATE TRIGGER): this file is applied again whenever it changes
-- (docs/WORKFLOW.md "Where the SQL lives").

-- Whether a name answers a query: all names for no query; else the names
-- equal to it when there are any (a full name is never ambiguous because a
-- longer name contains it), else those that contain it.
CREATE OR REPLACE FUNCTION jy_name_matches(p_name text, p_query text, p_exact_exists boolean)
RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT p_query = '' OR (CASE WHEN p_exact_exists THEN p_name = p_query
	                             ELSE strpos(p_name, p_query) > 0 END)
$$;

-- A case number as people write it: 18-2-3 or 第18届第2次会议第3号 (term,
-- session, number); NULL when the text is neither.
CREATE OR REPLACE FUNCTION jy_parse_case_number(p text) RETURNS int[] IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN p ~ '^\s*[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,6}\s*$'
		THEN ARRAY(SELECT x::int FROM unnest(string_to_array(btrim(p), '-')) x)
		WHEN p ~ '^\s*第[0-9]{1,2}届第[0-9]{1,2}次会议第[0-9]{1,6}号\s*$'
		THEN ARRAY(SELECT x[1]::int FROM regexp_matches(p, '[0-9]+', 'g') x)
		END
$$;

-- The directory is of the viewer's congress only (docs/CONGRESSES.md).
CREATE OR REPLACE FUNCTION jy_directory_orgs(p_congress bigint, p_kind text, p_query text) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	WITH o AS (SELECT * FROM organizations WHERE congress_id = p_congress AND kind = p_kind),
	x AS (SELECT EXISTS (SELECT 1 FROM o WHERE o.name = p_query) AS exact)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', o.id, 'name', o.name, 'kind', o.kind,
		'parent', coalesce((SELECT q.name FROM organizations q WHERE q.id = o.parent_id), ''))
		ORDER BY o.name), '[]')
	FROM o, x WHERE jy_name_matches(o.name, p_query, x.exact)
$$;

CREATE OR REPLACE FUNCTION jy_directory_deputies(p_congress bigint, p_query text, p_station bigint)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	WITH d AS (SELECT * FROM deputies WHERE congress_id = p_congress
	                                    AND (p_station = 0 OR organization_id = p_station)),
	x AS (SELECT EXISTS (SELECT 1 FROM d WHERE d.name = p_query) AS exact)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', d.id, 'name', d.name, 'kind', 'deputy', 'term', d.term,
		'parent', coalesce((SELECT q.name FROM organizations q WHERE q.id = d.organization_id), ''))
		ORDER BY d.name, d.id), '[]')
	FROM d, x WHERE jy_name_matches(d.name, p_query, x.exact)
$$;

-- Accounts by display name or login.
CREATE OR REPLACE FUNCTION jy_directory_accounts(p_congress bigint, p_query text) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	WITH x AS (SELECT EXISTS (SELECT 1 FROM accounts a WHERE a.congress_id = p_congress
	                          AND (a.display_name = p_query OR a.login = p_query)) AS exact)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', a.id, 'name', a.display_name, 'kind', 'account', 'login', a.login,
		'roles', to_jsonb(a.roles),
		'parent', (SELECT q.name FROM organizations q WHERE q.id = a.organization_id))
		ORDER BY a.display_name, a.id), '[]')
	FROM accounts a, x
	WHERE NOT a.disabled AND a.congress_id = p_congress
	  AND (jy_name_matches(a.display_name, p_query, x.exact) OR a.login = p_query)
$$;

-- The case with that number, if the viewer may read it.
CREATE OR REPLACE FUNCTION jy_directory_case(p_viewer bigint, p_query text) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	n int[] := jy_parse_case_number(p_query);
BEGIN
	IF n IS NULL THEN
		PERFORM jy_refuse('invalid_argument', 'a case number is written like 18-2-3 or '
		                  || '第18届第2次会议第3号, not ''' || p_query || '''', 'query',
		                  'bad_case_number', jsonb_build_object('value', p_query));
	END IF;
	RETURN coalesce((SELECT jsonb_agg(jsonb_build_object(
		'id', s.id, 'name', s.title, 'kind', 'case', 'number', jy_case_number(s)))
		FROM suggestions s
		WHERE s.term = n[1] AND s.session = n[2] AND s.number = n[3] AND jy_can_see(p_viewer, s.id)),
		'[]');
END $$;

-- DirectoryRequest: {kind, query, station_id} → {"entries": [...]}. The
-- public has no directory (the portal names what it shows); accounts are
-- for the liaison committee and the administrator.
CREATE OR REPLACE FUNCTION jy_directory(p_viewer bigint, p jsonb) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_viewer);
	v_kind text := jy_p_text(p, 'kind');
	v_query text := btrim(jy_p_text(p, 'query'));
	v_station bigint := coalesce(jy_p_int(p, 'station_id'), 0);
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies', 'read the directory');
	IF v_kind NOT IN ('units', 'committees', 'stations', 'deputies', 'accounts', 'cases') THEN
		PERFORM jy_refuse('invalid_argument', 'kind must be units, committees, stations, deputies, '
		                  || 'accounts or cases, not ''' || v_kind || '''', 'kind',
		                  'not_one_of', jsonb_build_object('field', 'kind', 'value', v_kind));
	END IF;
	IF v_kind = 'accounts' THEN
		PERFORM jy_require_role(a, ARRAY['liaison_officer', 'admin'],
		                        'the liaison committee and the administrator', 'list accounts');
	END IF;
	RETURN jsonb_build_object('entries', CASE v_kind
		WHEN 'units' THEN jy_directory_orgs(a.congress_id, 'handling_unit', v_query)
		WHEN 'committees' THEN jy_directory_orgs(a.congress_id, 'special_committee', v_query)
		WHEN 'stations' THEN jy_directory_orgs(a.congress_id, 'liaison_station', v_query)
		WHEN 'deputies' THEN jy_directory_deputies(a.congress_id, v_query, v_station)
		WHEN 'accounts' THEN jy_directory_accounts(a.congress_id, v_query)
		WHEN 'cases' THEN jy_directory_case(p_viewer, v_query) END);
END $$;
