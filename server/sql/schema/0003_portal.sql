-- Portal: the public pages (阳光公开, README.md "The HTTP side").
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
