-- The public portal (阳光公开): what the public may read of a case, the
-- list, search and case pages (jy_portal_*), and jy_publish ("jianyid admin
-- publish"). jy_portal_stats is in 09_stats.sql with the figures it uses.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- One row of the public list. No handler, no deputy contact, nothing from
-- contacts, evaluations or events.
CREATE OR REPLACE FUNCTION jy_portal_item(s suggestions) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', s.id::bigint,
		'number', jy_case_number(s)::text,
		'title', coalesce(s.published_title, s.title)::text,
		'category', s.category::text,
		'term', coalesce(s.term, 0)::int,
		'state', s.state::text,
		'result_class', coalesce(s.result_class, '')::text,
		'lead_unit', coalesce((SELECT o.name FROM suggestion_units u
		                       JOIN organizations o ON o.id = u.organization_id
		                       WHERE u.suggestion_id = s.id AND u.active AND u.role = 'lead'), '')::text)
$$;

-- p_pattern is a LIKE pattern already escaped (NULL: no text filter).
CREATE OR REPLACE FUNCTION jy_portal_match(s suggestions, p_pattern text, p_category text, p_term int,
                                p_result text) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT jy_portal_visible(s)
	   AND (p_pattern IS NULL
	        OR (coalesce(s.published_title, s.title) || ' ' || jy_portal_text(s)) ILIKE p_pattern)
	   AND (coalesce(p_category, '') = '' OR s.category = p_category)
	   AND (coalesce(p_term, 0) = 0 OR s.term = p_term)
	   AND (coalesce(p_result, '') = '' OR s.result_class = p_result)
$$;

-- The congress a portal path names (/c/<code>/): NULL or '' is the
-- deployment's first congress (the portal's root paths), an unknown code
-- NULL (the page is not found).
CREATE OR REPLACE FUNCTION jy_portal_congress(p_code text) RETURNS bigint STABLE LANGUAGE sql AS $$
	SELECT CASE WHEN coalesce(p_code, '') = '' THEN 1::bigint
	            ELSE (SELECT c.id FROM congresses c WHERE c.code = p_code) END
$$;

-- The name of the congress a portal path names, for its pages' heading;
-- NULL when the code is unknown (the page is not found).
CREATE OR REPLACE FUNCTION jy_portal_congress_name(p_code text) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT c.name::text FROM congresses c WHERE c.id = jy_portal_congress(p_code)
$$;

-- A page of published suggestions of one congress (p_congress: its code,
-- jy_portal_congress), newest term first, then by number. Empty strings / 0
-- mean "no filter". Also the categories and terms that occur among
-- published cases, for the filter form.
CREATE OR REPLACE FUNCTION jy_portal_list(p_q text, p_category text, p_term int, p_result text,
                               p_page int, p_page_size int, p_congress text)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	v_congress bigint := jy_portal_congress(p_congress);
	v_size int := CASE WHEN coalesce(p_page_size, 0) BETWEEN 1 AND 100 THEN p_page_size ELSE 20 END;
	v_page int := greatest(coalesce(p_page, 1), 1);
	v_pattern text;
	v_total bigint;
	v_items jsonb;
BEGIN
	IF coalesce(p_q, '') <> '' THEN
		-- The words are matched literally: escape LIKE's wildcards and escape.
		v_pattern := jy_like_pattern(p_q);
	END IF;
	SELECT count(*) INTO v_total FROM suggestions s
	WHERE s.congress_id = v_congress AND jy_portal_match(s, v_pattern, p_category, p_term, p_result);
	SELECT coalesce(jsonb_agg(jy_portal_item(p.s) ORDER BY p.ord), '[]'::jsonb) INTO v_items
	FROM (SELECT s, row_number() OVER (ORDER BY s.term DESC NULLS LAST, s.session DESC NULLS LAST,
	                                            s.number NULLS LAST, s.id) AS ord
	      FROM suggestions s
	      WHERE s.congress_id = v_congress
	        AND jy_portal_match(s, v_pattern, p_category, p_term, p_result)
	      ORDER BY ord LIMIT v_size OFFSET (v_page - 1)::bigint * v_size) AS p;
	RETURN jsonb_build_object(
		'total', v_total::bigint, 'page', v_page::int, 'page_size', v_size::int,
		'suggestions', v_items,
		'categories', coalesce((SELECT jsonb_agg(DISTINCT s.category ORDER BY s.category)
		                        FROM suggestions s WHERE s.congress_id = v_congress
		                          AND jy_portal_visible(s) AND s.category <> ''),
		                       '[]'::jsonb),
		'terms', coalesce((SELECT jsonb_agg(DISTINCT s.term ORDER BY s.term DESC)
		                   FROM suggestions s WHERE s.congress_id = v_congress
		                     AND jy_portal_visible(s) AND s.term IS NOT NULL),
		                  '[]'::jsonb));
END $$;

-- The previous release's call (a rolling upgrade, docs/CONGRESSES.md): the
-- deployment's first congress.
CREATE OR REPLACE FUNCTION jy_portal_list(p_q text, p_category text, p_term int, p_result text,
                               p_page int, p_page_size int)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_portal_list(p_q, p_category, p_term, p_result, p_page, p_page_size, NULL::text)
$$;

-- ---- the portal ---------------------------------------------------------------------

-- /excellent: the announced selection of a year (0: the latest), published
-- cases only, in rank order. A selected case that is not published (or is
-- confidential) is not listed; "hidden" counts them, so the page can say
-- how many more there are without naming them.
CREATE OR REPLACE FUNCTION jy_portal_excellent(p_year int, p_congress text)
RETURNS jsonb STABLE LANGUAGE sql AS $$
	WITH k AS (SELECT jy_portal_congress(p_congress) AS id),
	y AS (
		SELECT CASE WHEN coalesce(p_year, 0) = 0
		            THEN (SELECT max(an.year) FROM excellent_announcements an, k
		                  WHERE an.congress_id = k.id)
		            ELSE p_year END AS year, k.id AS congress FROM k)
	SELECT jsonb_build_object(
		'years', coalesce((SELECT jsonb_agg(an.year ORDER BY an.year DESC) FROM excellent_announcements an
		                    WHERE an.congress_id = y.congress),
		                  '[]'::jsonb),
		'year', coalesce(y.year, 0)::int,
		'announced', EXISTS (SELECT 1 FROM excellent_announcements an WHERE an.year = y.year
		                     AND an.congress_id = y.congress),
		'announced_on', coalesce((SELECT to_char(an.at AT TIME ZONE jy_setting(y.congress, 'time_zone'),
		                                         'YYYY-MM-DD')
		                          FROM excellent_announcements an WHERE an.year = y.year
		                            AND an.congress_id = y.congress), '')::text,
		'items', coalesce((SELECT jsonb_agg(jy_portal_item(s) || jsonb_build_object(
		                              'rank', n.rank::int, 'average', round(n.average, 2)::text)
		                          ORDER BY n.rank)
		                   FROM excellent_nominations n JOIN suggestions s ON s.id = n.suggestion_id
		                   WHERE n.year = y.year AND n.congress_id = y.congress AND n.rank IS NOT NULL
		                     AND jy_portal_visible(s)),
		                  '[]'::jsonb),
		'hidden', (SELECT count(*) FROM excellent_nominations n JOIN suggestions s ON s.id = n.suggestion_id
		           WHERE n.year = y.year AND n.congress_id = y.congress AND n.rank IS NOT NULL
		             AND NOT jy_portal_visible(s))::int)
	FROM y
$$;

CREATE OR REPLACE FUNCTION jy_portal_excellent(p_year int) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_portal_excellent(p_year, NULL::text)
$$;

-- /unsatisfied: the unsatisfied results the liaison committee published
-- (supervision kind publish_unsatisfied), newest first, published cases
-- only: the public item (no contact details), the date and the committee's
-- statement.
CREATE OR REPLACE FUNCTION jy_portal_unsatisfied(p_congress text) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object('items', coalesce((
		SELECT jsonb_agg(jy_portal_item(s) || jsonb_build_object(
			'published_on', to_char(n.at AT TIME ZONE jy_setting(s.congress_id, 'time_zone'),
			                        'YYYY-MM-DD')::text,
			'statement', n.text::text) ORDER BY n.at DESC, n.id DESC)
		FROM supervision_notes n JOIN suggestions s ON s.id = n.suggestion_id
		WHERE n.kind = 'publish_unsatisfied' AND s.congress_id = jy_portal_congress(p_congress)
		  AND jy_portal_visible(s)), '[]'::jsonb))
$$;

CREATE OR REPLACE FUNCTION jy_portal_unsatisfied() RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_portal_unsatisfied(NULL::text)
$$;

-- The portal's case page: what the public may read of a published case,
-- and the counts of its latest closed evaluation round (no deputy, no
-- comment; an open round shows nothing).
CREATE OR REPLACE FUNCTION jy_portal_get(p_id bigint, p_congress text) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	v_round int;
	v_tz text;
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id AND congress_id = jy_portal_congress(p_congress);
	IF NOT FOUND OR NOT jy_portal_visible(s) THEN
		RETURN jsonb_build_object('code', 'not_found'::text);
	END IF;
	v_tz := jy_setting(s.congress_id, 'time_zone');
	-- The feedback that counts is the latest closed round's.
	SELECT max(e.round) INTO v_round FROM evaluations e
	WHERE e.suggestion_id = s.id AND jy_round_closed(s, e.round);
	RETURN jsonb_build_object(
		'code', 'ok'::text,
		'suggestion', jy_portal_item(s) || jsonb_build_object(
			'text', jy_portal_text(s)::text,
			'is_summary', (s.published_summary IS NOT NULL)::boolean,
			'lead_deputy', coalesce((SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id), '')::text,
			'published_at', coalesce(to_char(s.published_at AT TIME ZONE v_tz,
			                                 'YYYY-MM-DD'), '')::text),
		'attachments', jy_portal_attachments(s.id, p_congress),
		'replies', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'round', r.round::int,
				'date', to_char(r.at AT TIME ZONE v_tz, 'YYYY-MM-DD')::text,
				'unit', coalesce(o.name, '')::text,
				'result_class', r.result_class::text,
				'text', r.text::text) ORDER BY r.round)
			FROM replies r LEFT JOIN organizations o ON o.id = r.organization_id
			WHERE r.suggestion_id = s.id), '[]'::jsonb),
		'follow_ups', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'date', to_char(f.at AT TIME ZONE v_tz, 'YYYY-MM-DD')::text,
				'result_class', f.result_class::text,
				'text', f.text::text) ORDER BY f.id)
			FROM follow_ups f WHERE f.suggestion_id = s.id), '[]'::jsonb),
		-- Counts only (back-to-back evaluation): never a deputy, never a comment.
		'feedback', jsonb_build_object(
			'round', coalesce(v_round, 0)::int,
			'result', jsonb_build_object(
				'satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.result = 'satisfied')::int,
				'basically_satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.result = 'basically_satisfied')::int,
				'unsatisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.result = 'unsatisfied')::int),
			'attitude', jsonb_build_object(
				'satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.attitude = 'satisfied')::int,
				'basically_satisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.attitude = 'basically_satisfied')::int,
				'unsatisfied', (SELECT count(*) FROM evaluations e WHERE e.suggestion_id = s.id
				              AND e.round = v_round AND e.attitude = 'unsatisfied')::int)));
END $$;

CREATE OR REPLACE FUNCTION jy_portal_get(p_id bigint) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_portal_get(p_id, NULL::text)
$$;

-- Why a case cannot be published, or NULL: only registered cases (they
-- have a number), and not one that was withdrawn, merged or converted
-- (still so, or closed from there).
CREATE OR REPLACE FUNCTION jy_publish_refusal(s suggestions) RETURNS text STABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN s.number IS NULL THEN 'suggestion ' || s.id || ' is ' || s.state
		     || ': only registered suggestions can be published'
		WHEN s.state IN ('withdrawn', 'merged', 'converted') THEN 'suggestion ' || s.id || ' is '
		     || s.state || ': withdrawn, merged and converted suggestions are never published'
		WHEN s.state = 'closed' AND (s.merged_into IS NOT NULL OR s.converted_to IS NOT NULL
		     OR (SELECT e.from_state FROM events e WHERE e.suggestion_id = s.id AND e.kind = 'close'
		         ORDER BY e.seq DESC LIMIT 1) = 'withdrawn')
		THEN 'suggestion ' || s.id || ' was closed after it was withdrawn, merged or converted: '
		     || 'such suggestions are never published'
		END
$$;

-- "jianyid admin publish / unpublish" (0003, whole; only the refusal of
-- what may not be published changed).
CREATE OR REPLACE FUNCTION jy_publish(p_id bigint, p_publish boolean, p_title text, p_summary text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	v_refusal text;
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no suggestion %', p_id USING ERRCODE = 'no_data_found';
	END IF;
	IF p_publish THEN
		v_refusal := jy_publish_refusal(s);
		IF s.confidential THEN
			RAISE EXCEPTION 'suggestion % is confidential: confidential suggestions are never published',
				p_id USING ERRCODE = 'check_violation';
		ELSIF v_refusal IS NOT NULL THEN
			RAISE EXCEPTION '%', v_refusal USING ERRCODE = 'check_violation';
		END IF;
		UPDATE suggestions SET published = true,
		       published_title = nullif(btrim(coalesce(p_title, '')), ''),
		       published_summary = nullif(btrim(coalesce(p_summary, '')), ''),
		       published_at = coalesce(published_at, now())
		WHERE id = p_id;
	ELSE
		UPDATE suggestions SET published = false WHERE id = p_id;
	END IF;
END $$;

-- A published case that is withdrawn, merged or converted leaves the
-- portal at that moment (the public saw it while it was a suggestion of
-- the congress; it no longer is one). jy_publish refuses to publish it
-- again (jy_publish_refusal); jy_portal_visible checks the state as well.
CREATE OR REPLACE FUNCTION jy_off_portal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.published := false;
	RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS suggestions_off_portal ON suggestions;
CREATE TRIGGER suggestions_off_portal BEFORE UPDATE OF state ON suggestions FOR EACH ROW
	WHEN (NEW.published AND NEW.state IN ('withdrawn', 'merged', 'converted'))
	EXECUTE FUNCTION jy_off_portal();
