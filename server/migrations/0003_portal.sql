-- Portal: the public pages (阳光公开, DESIGN.md §3 "Transparency").
-- What the public may read of a case: the suggestion (or the summary the
-- liaison committee chose instead of the full text), the replies and
-- follow-up reports, and the deputies' feedback as counts. Never contact
-- details (handler, phone, contact notes), never who evaluated what, never a
-- confidential or an unpublished case. The server's HTTP side calls
-- jy_portal_list / jy_portal_get / jy_portal_stats; "jianyid admin publish"
-- calls jy_publish.

-- published_title: a title for the public, when the deputy's own is not fit
-- to print as is (NULL: the deputy's title). published_summary: NULL shows
-- the full text; otherwise the summary is shown and the full text is never
-- sent, not even to the search.
ALTER TABLE suggestions
	ADD COLUMN published_title text,
	ADD COLUMN published_summary text,
	ADD COLUMN published_at timestamptz,
	ADD CONSTRAINT suggestions_published_title_check CHECK (
		published_title IS NULL OR length(btrim(published_title)) BETWEEN 1 AND 200),
	ADD CONSTRAINT suggestions_published_summary_check CHECK (
		published_summary IS NULL OR length(btrim(published_summary)) BETWEEN 1 AND 20000),
	-- Confidential cases are never published; the table says so too, so no
	-- path (SQL by hand included) can get around it.
	ADD CONSTRAINT suggestions_published_confidential_check CHECK (NOT (published AND confidential));

-- What the public may see. The constraint above already keeps confidential
-- cases unpublished; the portal checks again so that one mistake is not
-- enough to leak one.
CREATE FUNCTION jy_portal_visible(s suggestions) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT s.published AND NOT s.confidential AND s.state <> 'draft'
$$;

-- The text the public reads and searches: the chosen summary, else the body.
CREATE FUNCTION jy_portal_text(s suggestions) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT coalesce(s.published_summary, s.body)
$$;

-- One row of the public list. No handler, no deputy contact, nothing from
-- contacts, evaluations or events.
CREATE FUNCTION jy_portal_item(s suggestions) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', s.id::bigint,
		'number', CASE WHEN s.number IS NULL THEN ''::text
		               ELSE ('第' || s.term || '届第' || s.session || '次会议第' || s.number || '号')::text END,
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
CREATE FUNCTION jy_portal_match(s suggestions, p_pattern text, p_category text, p_term int,
                                p_result text) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$
	SELECT jy_portal_visible(s)
	   AND (p_pattern IS NULL
	        OR (coalesce(s.published_title, s.title) || ' ' || jy_portal_text(s)) ILIKE p_pattern)
	   AND (coalesce(p_category, '') = '' OR s.category = p_category)
	   AND (coalesce(p_term, 0) = 0 OR s.term = p_term)
	   AND (coalesce(p_result, '') = '' OR s.result_class = p_result)
$$;

-- A page of published suggestions, newest term first, then by number.
-- Empty strings / 0 mean "no filter". Also the categories and terms that
-- occur among published cases, for the filter form.
CREATE FUNCTION jy_portal_list(p_q text, p_category text, p_term int, p_result text,
                               p_page int, p_page_size int)
RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	v_size int := CASE WHEN coalesce(p_page_size, 0) BETWEEN 1 AND 100 THEN p_page_size ELSE 20 END;
	v_page int := greatest(coalesce(p_page, 1), 1);
	v_pattern text;
	v_total bigint;
	v_items jsonb;
BEGIN
	IF coalesce(p_q, '') <> '' THEN
		-- The words are matched literally: escape LIKE's wildcards and escape.
		v_pattern := '%' || replace(replace(replace(p_q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
	END IF;
	SELECT count(*) INTO v_total FROM suggestions s
	WHERE jy_portal_match(s, v_pattern, p_category, p_term, p_result);
	SELECT coalesce(jsonb_agg(jy_portal_item(p.s) ORDER BY p.ord), '[]'::jsonb) INTO v_items
	FROM (SELECT s, row_number() OVER (ORDER BY s.term DESC NULLS LAST, s.session DESC NULLS LAST,
	                                            s.number NULLS LAST, s.id) AS ord
	      FROM suggestions s
	      WHERE jy_portal_match(s, v_pattern, p_category, p_term, p_result)
	      ORDER BY ord LIMIT v_size OFFSET (v_page - 1)::bigint * v_size) AS p;
	RETURN jsonb_build_object(
		'total', v_total::bigint, 'page', v_page::int, 'page_size', v_size::int,
		'suggestions', v_items,
		'categories', coalesce((SELECT jsonb_agg(DISTINCT s.category ORDER BY s.category)
		                        FROM suggestions s WHERE jy_portal_visible(s) AND s.category <> ''),
		                       '[]'::jsonb),
		'terms', coalesce((SELECT jsonb_agg(DISTINCT s.term ORDER BY s.term DESC)
		                   FROM suggestions s WHERE jy_portal_visible(s) AND s.term IS NOT NULL),
		                  '[]'::jsonb));
END $$;

-- One published case. An unpublished, confidential or missing case all
-- answer not_found alike, so the portal does not tell which ids exist.
CREATE FUNCTION jy_portal_get(p_id bigint) RETURNS jsonb STABLE LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
	v_round int;
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id;
	IF NOT FOUND OR NOT jy_portal_visible(s) THEN
		RETURN jsonb_build_object('code', 'not_found'::text);
	END IF;
	-- The feedback that counts is the latest evaluated reply's.
	SELECT max(round) INTO v_round FROM evaluations WHERE suggestion_id = s.id;
	RETURN jsonb_build_object(
		'code', 'ok'::text,
		'suggestion', jy_portal_item(s) || jsonb_build_object(
			'text', jy_portal_text(s)::text,
			'is_summary', (s.published_summary IS NOT NULL)::boolean,
			'lead_deputy', coalesce((SELECT d.name FROM deputies d WHERE d.id = s.lead_deputy_id), '')::text,
			'published_at', coalesce(to_char(s.published_at AT TIME ZONE jy_setting('time_zone'),
			                                 'YYYY-MM-DD'), '')::text),
		'replies', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'round', r.round::int,
				'date', to_char(r.at AT TIME ZONE jy_setting('time_zone'), 'YYYY-MM-DD')::text,
				'unit', coalesce(o.name, '')::text,
				'result_class', r.result_class::text,
				'text', r.text::text) ORDER BY r.round)
			FROM replies r LEFT JOIN organizations o ON o.id = r.organization_id
			WHERE r.suggestion_id = s.id), '[]'::jsonb),
		'follow_ups', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'date', to_char(f.at AT TIME ZONE jy_setting('time_zone'), 'YYYY-MM-DD')::text,
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

-- Statistics for /stats. Scope: every registered case (立案, it has a
-- number), published or not, because these are the congress's official
-- tallies; only counts leave the database, never a case. Definitions (also
-- in README.md "Public portal"):
--   satisfaction: among the evaluations of each case's latest evaluated
--     reply, the share whose result is satisfied or basically satisfied;
--   on time: among cases with a first reply, the share whose first reply is
--     dated (congress time zone) on or before the case's reply deadline
--     (approved extensions included);
--   solved: among cases with a result class, the share in class A.
-- The C side divides; here are the counts.
CREATE FUNCTION jy_portal_stats() RETURNS jsonb STABLE LANGUAGE sql AS $$
	WITH reg AS (SELECT * FROM suggestions WHERE number IS NOT NULL),
	last_eval AS (
		SELECT e.* FROM evaluations e JOIN reg s ON s.id = e.suggestion_id
		WHERE e.round = (SELECT max(e2.round) FROM evaluations e2
		                 WHERE e2.suggestion_id = e.suggestion_id)),
	first_reply AS (
		SELECT r.at, s.reply_deadline FROM replies r JOIN reg s ON s.id = r.suggestion_id
		WHERE r.round = 1)
	SELECT jsonb_build_object(
		'total', (SELECT count(*) FROM reg)::bigint,
		'published', (SELECT count(*) FROM reg s WHERE jy_portal_visible(s))::bigint,
		'by_state', coalesce((SELECT jsonb_agg(jsonb_build_object('state', st, 'count', n) ORDER BY st)
		                      FROM (SELECT state AS st, count(*)::bigint AS n FROM reg GROUP BY state) x),
		                     '[]'::jsonb),
		'by_result', (SELECT jsonb_agg(jsonb_build_object(
		                  'result_class', c,
		                  'count', (SELECT count(*) FROM reg WHERE result_class = c)::bigint) ORDER BY c)
		              FROM unnest(ARRAY['A', 'B', 'C', 'D']) AS c),
		'evaluations', (SELECT count(*) FROM last_eval)::bigint,
		'satisfied', (SELECT count(*) FROM last_eval
		              WHERE result IN ('satisfied', 'basically_satisfied'))::bigint,
		'replied', (SELECT count(*) FROM first_reply)::bigint,
		'on_time', (SELECT count(*) FROM first_reply
		            WHERE (at AT TIME ZONE jy_setting('time_zone'))::date <= reply_deadline)::bigint,
		'classified', (SELECT count(*) FROM reg WHERE result_class IS NOT NULL)::bigint,
		'solved', (SELECT count(*) FROM reg WHERE result_class = 'A')::bigint)
$$;

-- "jianyid admin publish / unpublish". Refusals are errors with a message
-- meant for the operator; publishing never changes the case's workflow
-- state or version.
CREATE FUNCTION jy_publish(p_id bigint, p_publish boolean, p_title text, p_summary text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s suggestions%ROWTYPE;
BEGIN
	SELECT * INTO s FROM suggestions WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no suggestion %', p_id USING ERRCODE = 'no_data_found';
	END IF;
	IF p_publish THEN
		IF s.confidential THEN
			RAISE EXCEPTION 'suggestion % is confidential: confidential suggestions are never published',
				p_id USING ERRCODE = 'check_violation';
		ELSIF s.state = 'draft' THEN
			RAISE EXCEPTION 'suggestion % is a draft: only submitted suggestions can be published',
				p_id USING ERRCODE = 'check_violation';
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
